//! `govc import --org` for real: moto's AWS Organizations emulator (its server, on a loopback
//! port) holds an organization that the AWS CLI creates — OUs, accounts, SCPs, an RCP,
//! attachments, FullAWSAccess detached where an allow-list replaces it — then
//! `tools/export-org.sh` exports it with the same CLI, `govc import --org` writes the program
//! (proving every account's SCPs and RCPs against the live ones), and the program compiled
//! must be what was created: every target with its id and parent, every policy attached to
//! exactly its targets, FullAWSAccess detached exactly where it was. A change to the live
//! organization, exported and imported again, is then what `govc diff` reports: the drift
//! check of docs/compiler.md.
//!
//! The emulator and the CLI come from the Python registry (tests/org/requirements.txt,
//! installed by .ci/run into target/org-venv). Without them the test says SKIPPED; it fails in
//! CI, where `CI` is set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{changed_accounts, govc};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn venv() -> Option<PathBuf> {
    let dir = match std::env::var("GOVC_E2E_ORG_VENV") {
        Ok(d) => PathBuf::from(d),
        Err(_) => {
            let target =
                std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| format!("{ROOT}/target"));
            Path::new(&target).join("org-venv")
        }
    };
    (dir.join("bin/moto_server").is_file() && dir.join("bin/aws").is_file()).then_some(dir)
}

/// The emulator, stopped when dropped.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Org {
    venv: PathBuf,
    endpoint: String,
    scratch: PathBuf,
}

impl Org {
    /// The AWS CLI's environment: the emulator's endpoint, fake credentials, no user config.
    fn env(&self, c: &mut Command) {
        let path = format!(
            "{}:{}",
            self.venv.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        c.env("PATH", path)
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", self.scratch.join("no-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.scratch.join("no-credentials"),
            )
            .env_remove("AWS_PROFILE");
    }

    /// `aws organizations ARGS --output text`, its output trimmed.
    fn aws(&self, args: &[&str]) -> String {
        let mut c = Command::new(self.venv.join("bin/aws"));
        c.arg("organizations").args(args).args(["--output", "text"]);
        self.env(&mut c);
        let o = c.output().unwrap();
        assert!(
            o.status.success(),
            "aws organizations {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    }

    fn ou(&self, parent: &str, name: &str) -> String {
        self.aws(&[
            "create-organizational-unit",
            "--parent-id",
            parent,
            "--name",
            name,
            "--query",
            "OrganizationalUnit.Id",
        ])
    }

    fn account(&self, root: &str, parent: &str, name: &str, n: usize) -> String {
        let id = self.aws(&[
            "create-account",
            "--email",
            &format!("account{n}@example.com"),
            "--account-name",
            name,
            "--query",
            "CreateAccountStatus.AccountId",
        ]);
        if parent != root {
            self.aws(&[
                "move-account",
                "--account-id",
                &id,
                "--source-parent-id",
                root,
                "--destination-parent-id",
                parent,
            ]);
        }
        id
    }

    fn policy(&self, ty: &str, name: &str, content: &str) -> String {
        let file = self
            .scratch
            .join(format!("{}.json", name.replace(' ', "_")));
        std::fs::write(&file, content).unwrap();
        self.aws(&[
            "create-policy",
            "--type",
            ty,
            "--name",
            name,
            "--description",
            &format!("{name}, created by the test"),
            "--content",
            &format!("file://{}", file.display()),
            "--query",
            "Policy.PolicySummary.Id",
        ])
    }

    fn attach(&self, policy: &str, target: &str) {
        self.aws(&[
            "attach-policy",
            "--policy-id",
            policy,
            "--target-id",
            target,
        ]);
    }

    fn export(&self, out: &Path) {
        let mut c = Command::new("bash");
        c.arg(format!("{ROOT}/tools/export-org.sh")).arg(out);
        self.env(&mut c);
        let o = c.output().unwrap();
        assert!(
            o.status.success(),
            "export-org.sh: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

fn start_moto(venv: &Path) -> (Moto, String) {
    // A free loopback port: bound, read, released for the emulator.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(venv.join("bin/moto_server"))
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let moto = Moto(child);
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "moto_server did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (moto, format!("http://127.0.0.1:{port}"))
}

const DENY_DEEPSEEK: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoDeepSeek","Effect":"Deny","Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],"Resource":"arn:aws:bedrock:*::foundation-model/deepseek*"}]}"#;
const REGIONS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"RegionLock","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","us-west-2"]},"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/BreakGlass"}}}]}"#;
const PROTECT_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/SecurityAdmin"}}}]}"#;
const BEDROCK_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:*","sts:*","iam:Get*","iam:List*"],"Resource":"*"}]}"#;
const ANTHROPIC_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"arn:aws:bedrock:*::foundation-model/anthropic.*"}]}"#;
const UNUSED: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}"#;

fn perimeter(org_id: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*"],"Resource":"*","Condition":{{"StringNotEqualsIfExists":{{"aws:PrincipalOrgID":"{org_id}"}},"BoolIfExists":{{"aws:PrincipalIsAWSService":"false"}}}}}}]}}"#
    )
}

#[test]
fn an_organization_in_the_emulator_is_exported_imported_proven_and_compiled_as_created() {
    let Some(venv) = venv() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "the AWS CLI and moto are missing from target/org-venv; .ci/run installs them"
        );
        eprintln!("SKIPPED: no target/org-venv (tests/org/requirements.txt)");
        return;
    };
    let scratch = std::env::temp_dir().join(format!("govc-org-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let (_moto, endpoint) = start_moto(&venv);
    let org = Org {
        venv,
        endpoint,
        scratch: scratch.clone(),
    };

    // The organization.
    let org_id = org.aws(&[
        "create-organization",
        "--feature-set",
        "ALL",
        "--query",
        "Organization.Id",
    ]);
    let management = org.aws(&[
        "describe-organization",
        "--query",
        "Organization.MasterAccountId",
    ]);
    let root = org.aws(&["list-roots", "--query", "Roots[0].Id"]);
    for ty in ["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"] {
        org.aws(&[
            "enable-policy-type",
            "--root-id",
            &root,
            "--policy-type",
            ty,
        ]);
    }
    let workloads = org.ou(&root, "Workloads");
    let prod = org.ou(&workloads, "Prod");
    let sandbox = org.ou(&workloads, "Sandbox");
    let security = org.ou(&root, "Security");
    let listed = org.ou(&root, "Allow Listed");
    let ai_platform = org.account(&root, &prod, "AI Platform", 1);
    // The same name twice, a keyword, a name that starts with a digit.
    let ai_platform_2 = org.account(&root, &sandbox, "AI Platform", 2);
    let agent_lab = org.account(&root, &sandbox, "Agent Lab", 3);
    let log_archive = org.account(&root, &security, "Log Archive", 4);
    let deny = org.account(&root, &listed, "deny", 5);
    let numbered = org.account(&root, &root, "2024 Pilot", 6);

    let deny_deepseek = org.policy("SERVICE_CONTROL_POLICY", "Deny DeepSeek", DENY_DEEPSEEK);
    let regions = org.policy("SERVICE_CONTROL_POLICY", "Region lock", REGIONS);
    let protect = org.policy("SERVICE_CONTROL_POLICY", "Protect logs", PROTECT_LOGS);
    let bedrock_only = org.policy("SERVICE_CONTROL_POLICY", "Bedrock only", BEDROCK_ONLY);
    let anthropic = org.policy("SERVICE_CONTROL_POLICY", "Anthropic only", ANTHROPIC_ONLY);
    let unused = org.policy("SERVICE_CONTROL_POLICY", "Unused", UNUSED);
    let perimeter_id = org.policy("RESOURCE_CONTROL_POLICY", "Perimeter", &perimeter(&org_id));
    org.attach(&regions, &root);
    org.attach(&deny_deepseek, &workloads);
    org.attach(&protect, &security);
    org.attach(&protect, &management);
    // An allow-list that replaces FullAWSAccess on an OU…
    org.attach(&bedrock_only, &listed);
    org.aws(&[
        "detach-policy",
        "--policy-id",
        "p-FullAWSAccess",
        "--target-id",
        &listed,
    ]);
    // …and one that FullAWSAccess stays beside, which makes it moot.
    org.attach(&anthropic, &agent_lab);
    org.attach(&perimeter_id, &root);
    let _ = unused;

    // Export with the CLI, import with govc.
    let export = scratch.join("export");
    org.export(&export);
    let program = scratch.join("program");
    let o = govc(&[
        "import",
        "--org",
        export.to_str().unwrap(),
        "--out",
        program.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("imported 5 OUs, 6 accounts and 7 policies")
            && stderr.contains("proven to decide every request as the live ones (6 accounts)"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("management account {management}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("FullAWSAccess is attached beside an allow-list on agent_lab"),
        "{stderr}"
    );

    // The tree: every target with its id and parent. Of two accounts with one name, the one
    // met first (parents in tree order, each parent's OUs by id) keeps it.
    let names = if prod < sandbox {
        ("ai_platform", "ai_platform_2")
    } else {
        ("ai_platform_2", "ai_platform")
    };
    let org_gov = std::fs::read_to_string(program.join("org.gov")).unwrap();
    for line in [
        format!("id = \"{org_id}\""),
        format!("root = \"{root}\""),
        format!("ou workloads = \"{workloads}\" // Workloads"),
        format!("ou prod = \"{prod}\" under workloads"),
        format!("ou sandbox = \"{sandbox}\" under workloads"),
        format!("ou security = \"{security}\" // Security"),
        format!("ou allow_listed = \"{listed}\" // Allow Listed"),
        format!("account {} = \"{ai_platform}\" under prod", names.0),
        format!("account {} = \"{ai_platform_2}\" under sandbox", names.1),
        format!("account agent_lab = \"{agent_lab}\" under sandbox"),
        format!("account log_archive = \"{log_archive}\" under security"),
        format!("account deny_2 = \"{deny}\" under allow_listed"),
        format!("account account_2024_pilot = \"{numbered}\" // 2024 Pilot"),
    ] {
        assert!(org_gov.contains(&line), "no `{line}` in\n{org_gov}");
    }
    assert!(
        !org_gov.contains(&format!("\"{management}\"\n")),
        "{org_gov}"
    );

    // In the formatter's layout.
    let o = govc(&["fmt", "--check", program.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));

    // Compiled: the documents' targets are the attachments created, by id.
    let build = scratch.join("build");
    let o = govc(&[
        "compile",
        program.to_str().unwrap(),
        "--out",
        build.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(build.join("manifest.json")).unwrap()).unwrap();
    let mut attached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in m["documents"].as_array().unwrap() {
        for p in d["policies"].as_array().unwrap() {
            let at = attached.entry(p.as_str().unwrap().to_string()).or_default();
            for t in d["targets"].as_array().unwrap() {
                at.insert(t.as_str().unwrap().to_string());
            }
        }
    }
    let set = |ids: &[&str]| -> BTreeSet<String> { ids.iter().map(|s| s.to_string()).collect() };
    let expected: BTreeMap<String, BTreeSet<String>> = [
        ("region_lock", set(&[&root])),
        ("deny_deepseek", set(&[&workloads])),
        // Not the management account: SCPs do not apply there.
        ("protect_logs", set(&[&security])),
        ("bedrock_only", set(&[&listed])),
        ("anthropic_only", set(&[&agent_lab])),
        ("full_aws_access", set(&[&agent_lab])),
        ("unused", set(&[])),
        ("perimeter", set(&[&root])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(attached, expected);
    let targets: BTreeMap<String, (String, String)> = m["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_string(),
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["full_aws_access"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let ids: BTreeSet<String> = targets.keys().cloned().collect();
    assert_eq!(
        ids,
        set(&[
            &root,
            &workloads,
            &prod,
            &sandbox,
            &security,
            &listed,
            &ai_platform,
            &ai_platform_2,
            &agent_lab,
            &log_archive,
            &deny,
            &numbered
        ])
    );
    // FullAWSAccess is detached where an allow-list replaces it: the OU where it was detached,
    // and the account whose allow-list the program pairs with `full_aws_access`.
    let detached: BTreeSet<String> = targets
        .iter()
        .filter(|(_, (_, f))| f == "detach")
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(detached, set(&[&listed, &agent_lab]));

    // Drift: the live organization changes; the new export, imported, differs from the
    // repository's copy by exactly that.
    org.attach(&deny_deepseek, &security);
    let export2 = scratch.join("export2");
    org.export(&export2);
    let program2 = scratch.join("program2");
    let o = govc(&[
        "import",
        "--org",
        export2.to_str().unwrap(),
        "--out",
        program2.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = govc(&[
        "diff",
        program.to_str().unwrap(),
        program2.to_str().unwrap(),
        "--exit-code",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        changed_accounts(&d),
        [("log_archive".to_string(), "newly_denied".to_string())],
        "{d:#}"
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
