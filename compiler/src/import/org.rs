//! `govc import --org EXPORT`: a live AWS Organization, as the AWS CLI describes it in the
//! files `tools/export-org.sh` writes, → a `.gov` program: the `org` block, one file per SCP
//! and RCP, and the `attach` lines (docs/compiler.md, "Importing an organization").
//!
//! Nothing is written unless the whole program is proven: it is compiled, and for every
//! account of the organization its SCP levels and its RCP levels (root, OUs, account) are
//! proven to decide every request as the live policies attached along that path do. The
//! reading of the files ([`read_export`]) is apart from the writing ([`import_org`]); the
//! caller supplies the files and writes the result.
//!
//! Two AWS-managed policies are not written: RCPFullAWSAccess, which AWS attaches everywhere
//! and govc always counts, and FullAWSAccess, which govc takes to be attached to every target
//! except where an allow-list (an SCP with an Allow) is. Where the live organization differs
//! from that assumption, the program says so with an SCP of its own (`full_aws_access` where
//! FullAWSAccess stays beside an allow-list, `no_allow` where a target has neither).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::ir::{Effect, Statement};
use crate::proof::{allowed_only_by_first, describe_request, Verdict};
use crate::verify::{InForce, Level, Levels, Provenance};

/// The AWS-managed SCP that allows everything (`p-FullAWSAccess`).
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
/// The AWS-managed RCP that allows everything (`p-RCPFullAWSAccess`).
pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

/// Supplies a file of the export by its path relative to the export directory: `Ok(None)`
/// when there is no such file.
pub type Read<'a> = &'a dyn Fn(&str) -> Result<Option<String>, String>;

/// An OU or an account, as the export lists it under its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// `ou-…` or the 12-digit account id.
    pub id: String,
    /// The name AWS shows.
    pub name: String,
    /// The id of the root or OU it is listed under.
    pub parent: String,
}

/// Which organization policy a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyType {
    /// `SERVICE_CONTROL_POLICY`.
    Scp,
    /// `RESOURCE_CONTROL_POLICY`.
    Rcp,
}

impl PolicyType {
    /// The name AWS gives the type.
    pub fn aws(self) -> &'static str {
        match self {
            PolicyType::Scp => "SERVICE_CONTROL_POLICY",
            PolicyType::Rcp => "RESOURCE_CONTROL_POLICY",
        }
    }
}

/// One policy of the export: its summary, its content and the targets it is attached to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// `p-…`.
    pub id: String,
    /// The name AWS shows.
    pub name: String,
    /// The description, when it has one.
    pub description: String,
    /// SCP or RCP.
    pub ty: PolicyType,
    /// Whether AWS manages it (FullAWSAccess, RCPFullAWSAccess).
    pub aws_managed: bool,
    /// The policy JSON.
    pub content: String,
    /// The ids of the root, OUs and accounts it is attached to.
    pub targets: Vec<String>,
}

/// The organization as the export describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Export {
    /// `o-…`, from `describe-organization`.
    pub org_id: Option<String>,
    /// The management account's id: SCPs and RCPs do not apply to it.
    pub management: Option<String>,
    /// `r-…`.
    pub root: String,
    /// Parents before children, each parent's children by id.
    pub ous: Vec<Node>,
    /// By parent (in the order of `ous`, the root first), then by id.
    pub accounts: Vec<Node>,
    /// SCPs then RCPs, each by id.
    pub policies: Vec<Policy>,
}

fn lower_alnum(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn is_root_id(s: &str) -> bool {
    s.strip_prefix("r-")
        .is_some_and(|r| (4..=32).contains(&r.len()) && lower_alnum(r))
}

fn is_ou_id(s: &str) -> bool {
    s.strip_prefix("ou-")
        .and_then(|r| r.split_once('-'))
        .is_some_and(|(a, b)| {
            (4..=32).contains(&a.len())
                && (8..=32).contains(&b.len())
                && lower_alnum(a)
                && lower_alnum(b)
        })
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_policy_id(s: &str) -> bool {
    s.strip_prefix("p-").is_some_and(|r| {
        (8..=128).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

fn is_org_id(s: &str) -> bool {
    s.strip_prefix("o-")
        .is_some_and(|r| (10..=32).contains(&r.len()) && lower_alnum(r))
}

/// Reads one JSON file of the export; `Ok(None)` when it is absent.
fn json(read: Read<'_>, path: &str) -> Result<Option<Value>, String> {
    match read(path)? {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("`{path}` is not JSON: {e}")),
    }
}

fn required(read: Read<'_>, path: &str) -> Result<Value, String> {
    json(read, path)?.ok_or_else(|| {
        format!("the export has no `{path}`; run tools/export-org.sh again to write it")
    })
}

fn field<'v>(v: &'v Value, path: &str, key: &str) -> Result<&'v str, String> {
    v.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{path}`: an entry has no string `{key}`"))
}

fn list<'v>(v: &'v Value, path: &str, key: &str) -> Result<&'v Vec<Value>, String> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("`{path}` has no `{key}` list"))
}

/// Reads the export's files (the layout `tools/export-org.sh` writes, docs/compiler.md): the
/// tree from the root down, then the SCPs and RCPs with their contents and targets. Every id
/// is checked for shape before it names a file.
pub fn read_export(read: Read<'_>) -> Result<Export, String> {
    let mut out = Export::default();
    if let Some(org) = json(read, "organization.json")? {
        let o = org.get("Organization").unwrap_or(&org);
        if let Some(id) = o.get("Id").and_then(Value::as_str) {
            if !is_org_id(id) {
                return Err(format!(
                    "`organization.json`: `{id}` is not an organization id"
                ));
            }
            out.org_id = Some(id.to_string());
        }
        out.management = o
            .get("MasterAccountId")
            .and_then(Value::as_str)
            .filter(|id| is_account_id(id))
            .map(str::to_string);
    }
    let roots = required(read, "roots.json")?;
    let root = match list(&roots, "roots.json", "Roots")?.as_slice() {
        [one] => field(one, "roots.json", "Id")?.to_string(),
        other => {
            return Err(format!(
                "`roots.json` lists {} roots; an organization has one",
                other.len()
            ))
        }
    };
    if !is_root_id(&root) {
        return Err(format!("`roots.json`: `{root}` is not a root id"));
    }
    out.root = root.clone();
    // The tree, parents first; every OU is visited once, so a listing that loops ends.
    let mut seen: HashSet<String> = HashSet::from([root.clone()]);
    let mut parents = vec![root];
    let mut next = 0;
    while let Some(parent) = parents.get(next).cloned() {
        next += 1;
        for (file, is_ou) in [("ous", true), ("accounts", false)] {
            let path = format!("children/{parent}/{file}.json");
            let v = required(read, &path)?;
            let key = if is_ou {
                "OrganizationalUnits"
            } else {
                "Accounts"
            };
            let mut nodes = Vec::new();
            for e in list(&v, &path, key)? {
                let id = field(e, &path, "Id")?;
                let ok = if is_ou {
                    is_ou_id(id)
                } else {
                    is_account_id(id)
                };
                if !ok {
                    return Err(format!(
                        "`{path}`: `{id}` is not an {} id",
                        if is_ou { "OU" } else { "account" }
                    ));
                }
                if !seen.insert(id.to_string()) {
                    return Err(format!("`{path}`: `{id}` is listed under two parents"));
                }
                nodes.push(Node {
                    id: id.to_string(),
                    name: e
                        .get("Name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    parent: parent.clone(),
                });
            }
            nodes.sort_by(|a, b| a.id.cmp(&b.id));
            if is_ou {
                parents.extend(nodes.iter().map(|n| n.id.clone()));
                out.ous.extend(nodes);
            } else {
                out.accounts.extend(nodes);
            }
        }
    }
    for ty in [PolicyType::Scp, PolicyType::Rcp] {
        let path = format!("policies/{}.json", ty.aws());
        // RCPs may not be enabled: the export then has no list of them.
        let Some(v) = (match ty {
            PolicyType::Scp => Some(required(read, &path)?),
            PolicyType::Rcp => json(read, &path)?,
        }) else {
            continue;
        };
        let mut summaries: Vec<&Value> = list(&v, &path, "Policies")?.iter().collect();
        summaries.sort_by_key(|s| s.get("Id").and_then(Value::as_str).unwrap_or_default());
        for s in summaries {
            let id = field(s, &path, "Id")?;
            if !is_policy_id(id) {
                return Err(format!("`{path}`: `{id}` is not a policy id"));
            }
            if s.get("Type").and_then(Value::as_str).unwrap_or(ty.aws()) != ty.aws() {
                return Err(format!("`{path}`: `{id}` is not a {}", ty.aws()));
            }
            let described_at = format!("policy/{id}/policy.json");
            let described = required(read, &described_at)?;
            let content = described
                .get("Policy")
                .and_then(|p| p.get("Content"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("`{described_at}` has no `Policy.Content`"))?;
            let targets_at = format!("policy/{id}/targets.json");
            let t = required(read, &targets_at)?;
            let mut targets = Vec::new();
            for e in list(&t, &targets_at, "Targets")? {
                targets.push(field(e, &targets_at, "TargetId")?.to_string());
            }
            targets.sort();
            targets.dedup();
            out.policies.push(Policy {
                id: id.to_string(),
                name: s
                    .get("Name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                description: s
                    .get("Description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                ty,
                aws_managed: s
                    .get("AwsManaged")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                content: content.to_string(),
                targets,
            });
        }
    }
    Ok(out)
}

/// Names for the program: the AWS names made into names of the language (letters, digits
/// and `_`, lower case, not a keyword), each unique.
struct Names {
    taken: HashSet<String>,
}

impl Names {
    fn new() -> Names {
        let mut taken: HashSet<String> = govc_syntax::lexer::KEYWORDS
            .iter()
            .map(|k| k.to_string())
            .collect();
        taken.insert("root".to_string());
        Names { taken }
    }

    /// `wanted` made a name, or `fallback` when nothing of it is left; `_2`, `_3`, … when
    /// taken.
    fn name(&mut self, wanted: &str, fallback: &str) -> String {
        let mut base = String::new();
        for c in wanted.chars() {
            if c.is_ascii_alphanumeric() {
                base.push(c.to_ascii_lowercase());
            } else if !base.ends_with('_') {
                base.push('_');
            }
        }
        let mut base = base.trim_matches('_').to_string();
        base.truncate(48);
        if base.is_empty() {
            base = fallback.to_string();
        } else if base.starts_with(|c: char| c.is_ascii_digit()) {
            base = format!("{fallback}_{base}");
        }
        let mut name = base.clone();
        let mut n = 1;
        while !self.taken.insert(name.clone()) {
            n += 1;
            name = format!("{base}_{n}");
        }
        name
    }
}

/// Text fit for a `//` comment: one line.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// What `import_org` made of an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgImport {
    /// The program's files, by path relative to the output directory.
    pub files: Vec<(String, String)>,
    /// OUs and accounts declared.
    pub ous: usize,
    /// Accounts declared (the management account is not).
    pub accounts: usize,
    /// Policies written, and how many of them as surface statements.
    pub policies: usize,
    /// Of `policies`, those written with surface statements.
    pub surface: usize,
    /// Accounts whose SCP and RCP levels were proven (all of them).
    pub proven_accounts: usize,
    /// What the reader should know: attachments to the management account, SCPs the
    /// program adds for FullAWSAccess.
    pub notes: Vec<String>,
}

/// Writes the organization of `export` as a program and proves it, account by account,
/// against the live policies. `Err` lists every policy that cannot be imported, or the first
/// account the program would decide differently, with the request.
pub fn import_org<'e>(
    catalog: crate::catalog::Shared,
    export: &'e Export,
) -> Result<OrgImport, Vec<String>> {
    let mut names = Names::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    // Targets: id → name, in tree order.
    let mut target_name: HashMap<&'e str, String> = HashMap::new();
    target_name.insert(export.root.as_str(), "root".to_string());
    let mut org = String::new();
    let _ = writeln!(
        org,
        "// Imported by govc from an export of the organization{} (tools/export-org.sh).",
        export
            .org_id
            .as_deref()
            .map(|id| format!(" {id}"))
            .unwrap_or_default()
    );
    if let Some(m) = &export.management {
        let _ = writeln!(
            org,
            "// The management account {m} is not declared: SCPs and RCPs do not apply to it."
        );
    }
    org.push_str("\norg {\n");
    if let Some(id) = &export.org_id {
        let _ = writeln!(org, "  id = \"{id}\"");
    }
    let _ = writeln!(org, "  root = \"{}\"", export.root);
    // `ou NAME = "ID" [under PARENT]  // AWS name`; parents come first (the export's order).
    let mut entry = |kind: &str, node: &'e Node, target_name: &mut HashMap<&'e str, String>| {
        let name = names.name(&node.name, kind);
        let under = match target_name.get(node.parent.as_str()).map(String::as_str) {
            Some("root") | None => String::new(),
            Some(p) => format!(" under {p}"),
        };
        let _ = writeln!(
            org,
            "  {kind} {name} = \"{}\"{under}  // {}",
            node.id,
            comment(&node.name)
        );
        target_name.insert(node.id.as_str(), name.clone());
        name
    };
    for ou in &export.ous {
        entry("ou", ou, &mut target_name);
    }
    let mut accounts = Vec::new();
    for a in &export.accounts {
        if export.management.as_deref() != Some(a.id.as_str()) {
            accounts.push((a, entry("account", a, &mut target_name)));
        }
    }
    org.push_str("}\n");
    let order: HashMap<&str, usize> = std::iter::once(export.root.as_str())
        .chain(export.ous.iter().map(|n| n.id.as_str()))
        .chain(export.accounts.iter().map(|n| n.id.as_str()))
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();

    // Policies: each imported alone and proven (`import_verified`).
    let mut files: Vec<(String, String)> = Vec::new();
    let mut attach = String::from(
        "// The attachments of the imported organization, as list-targets-for-policy reported\n\
         // them. FullAWSAccess and RCPFullAWSAccess are not written: govc counts them on every\n\
         // target (docs/semantics.md, \"Allow-lists and FullAWSAccess\").\n\nuse \"org.gov\"\n",
    );
    let mut attach_lines = String::new();
    let mut full_access: HashSet<&str> = HashSet::new();
    let mut allow_list: HashSet<&str> = HashSet::new();
    let (mut policies, mut surface) = (0, 0);
    for p in &export.policies {
        let managed_full =
            p.aws_managed && (p.id == FULL_AWS_ACCESS || p.id == RCP_FULL_AWS_ACCESS);
        let statements: Vec<Statement>;
        let mut name = String::new();
        if managed_full {
            statements = vec![Statement::allow_all()];
            if p.id == FULL_AWS_ACCESS {
                full_access.extend(p.targets.iter().map(String::as_str));
            }
        } else {
            name = names.name(
                &p.name,
                if p.ty == PolicyType::Scp {
                    "scp"
                } else {
                    "rcp"
                },
            );
            let file = format!("policies/{name}.gov");
            match crate::import::import_verified(catalog.clone(), &name, &file, &p.content) {
                Ok((imported, is_surface)) => {
                    if imported.rcp != (p.ty == PolicyType::Rcp) {
                        errors.push(format!(
                            "policy {} `{}`: listed as a {} but its statements {}",
                            p.id,
                            p.name,
                            p.ty.aws(),
                            if imported.rcp {
                                "name a Principal (an RCP)"
                            } else {
                                "name no Principal (an SCP)"
                            }
                        ));
                        continue;
                    }
                    policies += 1;
                    surface += usize::from(is_surface);
                    notes.extend(
                        imported
                            .warnings
                            .iter()
                            .map(|w| format!("`{}` ({}): {w}", p.name, p.id)),
                    );
                    let mut text = format!(
                        "// Imported by govc from {} {} `{}`; proven to decide every request as it.\n",
                        p.ty.aws(),
                        p.id,
                        comment(&p.name)
                    );
                    if !p.description.is_empty() {
                        let _ = writeln!(text, "// {}", comment(&p.description));
                    }
                    text.push_str(&imported.text);
                    files.push((file.clone(), text));
                    let _ = writeln!(attach, "use \"{file}\"");
                    statements = imported.statements;
                }
                Err(e) => {
                    errors.push(format!("policy {} `{}`: {e}", p.id, p.name));
                    continue;
                }
            }
        }
        let is_allow_list = p.ty == PolicyType::Scp
            && !managed_full
            && statements.iter().any(|s| s.effect == Effect::Allow);
        let mut targets: Vec<(&str, &String)> = Vec::new();
        for t in &p.targets {
            if export.management.as_deref() == Some(t.as_str()) {
                if !managed_full {
                    notes.push(format!(
                        "`{}` ({}) is attached to the management account {t}, where it does not apply; the attachment is not written",
                        p.name, p.id
                    ));
                }
                continue;
            }
            match target_name.get_key_value(t.as_str()) {
                Some((id, n)) => targets.push((id, n)),
                None => errors.push(format!(
                    "policy {} `{}` is attached to `{t}`, which the export's tree does not hold",
                    p.id, p.name
                )),
            }
        }
        targets.sort_by_key(|(id, _)| order.get(id).copied().unwrap_or(usize::MAX));
        if is_allow_list {
            allow_list.extend(targets.iter().map(|(id, _)| *id));
        }
        if !managed_full && !targets.is_empty() {
            let ts: Vec<&str> = targets.iter().map(|(_, n)| n.as_str()).collect();
            let _ = writeln!(attach_lines, "attach {name} to {}", ts.join(", "));
        }
    }
    // Where the live organization departs from "FullAWSAccess everywhere but under an
    // allow-list", an SCP of the program's own says what is in force.
    let every_target: Vec<&str> = std::iter::once(export.root.as_str())
        .chain(export.ous.iter().map(|n| n.id.as_str()))
        .chain(accounts.iter().map(|(a, _)| a.id.as_str()))
        .collect();
    let beside: Vec<&str> = every_target
        .iter()
        .copied()
        .filter(|t| full_access.contains(t) && allow_list.contains(t))
        .collect();
    let bare: Vec<&str> = every_target
        .iter()
        .copied()
        .filter(|t| !full_access.contains(t) && !allow_list.contains(t))
        .collect();
    let mut extra = String::new();
    let targets_of = |ids: &[&str]| -> String {
        ids.iter()
            .filter_map(|t| target_name.get(t).map(String::as_str))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !beside.is_empty() {
        let n = names.name("full_aws_access", "full_aws_access");
        let _ = write!(
            extra,
            "\n// FullAWSAccess stays attached beside an allow-list on these targets, so everything is\n\
             // allowed there; govc would take the allow-list to replace it.\nscp {n} {{\n  permit ();\n}}\nattach {n} to {}\n",
            targets_of(&beside)
        );
        notes.push(format!(
            "FullAWSAccess is attached beside an allow-list on {}: the SCP `{n}` (an Allow of everything) says so",
            targets_of(&beside)
        ));
    }
    if !bare.is_empty() {
        let n = names.name("no_allow", "no_allow");
        let _ = write!(
            extra,
            "\n// Neither FullAWSAccess nor any SCP with an Allow is attached to these targets: AWS denies\n\
             // every request there.\nscp {n} {{\n  forbid ();\n}}\nattach {n} to {}\n",
            targets_of(&bare)
        );
        notes.push(format!(
            "no SCP allows anything on {}: every request is denied there (the SCP `{n}` says so)",
            targets_of(&bare)
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    attach.push('\n');
    attach.push_str(&attach_lines);
    attach.push_str(&extra);
    files.insert(0, ("org.gov".to_string(), org));
    files.push(("attach.gov".to_string(), attach));
    // In the formatter's layout, as `govc fmt --check` wants it (unchanged if it refuses).
    for (_, text) in &mut files {
        if let Ok(formatted) = govc_syntax::format::format_source(text) {
            *text = formatted;
        }
    }

    let proven = verify_org(catalog, export, &files).map_err(|e| vec![e])?;
    Ok(OrgImport {
        files,
        ous: export.ous.len(),
        accounts: accounts.len(),
        policies,
        surface,
        proven_accounts: proven,
        notes,
    })
}

/// Compiles `files` (an imported organization, `attach.gov` using the rest) and proves, for
/// every account of `export` but the management account, that its SCP levels and its RCP
/// levels decide every request as the live policies attached along its path do: FullAWSAccess
/// where the export has it attached, RCPFullAWSAccess everywhere, each other policy read from
/// its JSON. The program's accounts are matched to the export's by id. Each target's level is
/// proven first (levels that decide alike make paths that do), each distinct level once; the
/// accounts under a level not proven so are proven path by path. The number of accounts
/// proven.
pub fn verify_org(
    catalog: crate::catalog::Shared,
    export: &Export,
    files: &[(String, String)],
) -> Result<usize, String> {
    use crate::ir::parse::{parse_policy, parse_rcp};
    // The live statements at each target, by id.
    let mut live_scp: HashMap<&str, Vec<InForce>> = HashMap::new();
    let mut live_rcp: HashMap<&str, Vec<InForce>> = HashMap::new();
    for p in &export.policies {
        let full = p.aws_managed && (p.id == FULL_AWS_ACCESS || p.id == RCP_FULL_AWS_ACCESS);
        let (statements, provenance) = if full {
            let prov = if p.ty == PolicyType::Scp {
                Provenance::FullAwsAccess
            } else {
                Provenance::RcpFullAwsAccess
            };
            (vec![Statement::allow_all()], prov)
        } else {
            let parsed = match p.ty {
                PolicyType::Scp => parse_policy(&p.content),
                PolicyType::Rcp => parse_rcp(&p.content),
            }
            .map_err(|e| format!("policy {} `{}`: {e}", p.id, p.name))?;
            (
                parsed,
                Provenance::Document(format!("{} ({})", p.name, p.id)),
            )
        };
        let live = match p.ty {
            PolicyType::Scp => &mut live_scp,
            // RCPFullAWSAccess is at every level whatever the export says.
            PolicyType::Rcp if full => continue,
            PolicyType::Rcp => &mut live_rcp,
        };
        for t in &p.targets {
            live.entry(t.as_str())
                .or_default()
                .extend(statements.iter().map(|s| InForce {
                    statement: s.clone(),
                    provenance: provenance.clone(),
                }));
        }
    }
    let by_path: BTreeMap<String, String> = files.iter().cloned().collect();
    let compiled =
        crate::import::compile_in_memory(catalog, &by_path, "attach.gov", "the imported program")?;
    let output = &compiled.output;
    let program = crate::db::program_rules(&compiled.database, compiled.ws);
    let exact = output.exact();
    let index = Levels::new(program, &exact);
    let name_of: HashMap<&str, &str> = program
        .org
        .targets
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();
    let parent: HashMap<&str, &str> = export
        .ous
        .iter()
        .chain(export.accounts.iter())
        .map(|n| (n.id.as_str(), n.parent.as_str()))
        .collect();
    let live_level = |id: &str, rcp: bool| -> Level {
        let mut st = Vec::new();
        if rcp {
            st.push(InForce {
                statement: Statement::allow_all(),
                provenance: Provenance::RcpFullAwsAccess,
            });
        }
        let live = if rcp { &live_rcp } else { &live_scp };
        st.extend(live.get(id).into_iter().flatten().cloned());
        Level::new(id.to_string(), st)
    };
    let docs = |m: &HashMap<&str, Vec<InForce>>, t: &str| -> Vec<String> {
        let mut v: Vec<String> = m
            .get(t)
            .into_iter()
            .flatten()
            .map(|s| s.provenance.describe())
            .collect();
        v.dedup();
        v
    };
    // A request is allowed when every level on its path allows it (an Allow there, no Deny
    // there): so levels that decide alike make paths that decide alike. Each target's level
    // is proven first, once per distinct question; only accounts under a target whose level
    // is not proven equal are proven path by path (a difference at one level may be masked by
    // another).
    let mut targets: Vec<&str> = vec![export.root.as_str()];
    targets.extend(export.ous.iter().map(|n| n.id.as_str()));
    targets.extend(
        export
            .accounts
            .iter()
            .filter(|a| export.management.as_deref() != Some(a.id.as_str()))
            .map(|a| a.id.as_str()),
    );
    let mut level_asked: HashMap<String, bool> = HashMap::new();
    let mut unequal: HashSet<&str> = HashSet::new();
    for t in &targets {
        let Some(name) = name_of.get(t) else {
            return Err(format!("the program does not declare {t}"));
        };
        let key = format!(
            "{:?}|{:?}|{:?}|{:?}",
            docs(&live_scp, t),
            docs(&live_rcp, t),
            index.key(name),
            index.rcp_key(name)
        );
        let equal = match level_asked.get(&key) {
            Some(&e) => e,
            None => {
                let pairs = [
                    (live_level(t, false), index.level(name.to_string())),
                    (live_level(t, true), index.rcp_level(name.to_string())),
                ];
                let e = pairs.iter().all(|(live, compiled)| {
                    let (x, y) = (
                        [std::slice::from_ref(live)],
                        [std::slice::from_ref(compiled)],
                    );
                    allowed_only_by_first(&output.catalog, &x, &y) == Verdict::Proven
                        && allowed_only_by_first(&output.catalog, &y, &x) == Verdict::Proven
                });
                level_asked.insert(key, e);
                e
            }
        };
        if !equal {
            unequal.insert(t);
        }
    }
    let mut asked: HashSet<Vec<String>> = HashSet::new();
    let mut proven = 0;
    for a in &export.accounts {
        if export.management.as_deref() == Some(a.id.as_str()) {
            continue;
        }
        let Some(name) = name_of.get(a.id.as_str()) else {
            return Err(format!("the program does not declare account {}", a.id));
        };
        // Root → account, by the export's parents (bounded: every id was listed once).
        let mut path = vec![a.id.as_str()];
        while let Some(p) = path.last().and_then(|l| parent.get(l)) {
            if path.len() > parent.len() {
                break;
            }
            path.push(p);
        }
        path.reverse();
        let compiled_path = crate::verify::path(program, name).unwrap_or_default();
        let live_path: Vec<&str> = path
            .iter()
            .filter_map(|t| name_of.get(t).copied())
            .collect();
        if compiled_path != live_path || live_path.len() != path.len() {
            return Err(format!(
                "account `{name}` ({}) sits under {} in the program but under {} in the export",
                a.id,
                compiled_path.join(" / "),
                path.join(" / ")
            ));
        }
        proven += 1;
        if !path.iter().any(|t| unequal.contains(t)) {
            continue;
        }
        // The question depends only on what is in force along the path, on both sides.
        let key: Vec<String> = path
            .iter()
            .map(|t| {
                let compiled = name_of.get(t).map(|n| (index.key(n), index.rcp_key(n)));
                format!(
                    "{:?}|{:?}|{compiled:?}",
                    docs(&live_scp, t),
                    docs(&live_rcp, t)
                )
            })
            .collect();
        if !asked.insert(key) {
            continue;
        }
        let (Some(scp), Some(rcp)) = (index.of(name), index.rcp_of(name)) else {
            return Err(format!("`{name}` is not an account of the program"));
        };
        let live_s: Vec<Level> = path.iter().map(|t| live_level(t, false)).collect();
        let live_r: Vec<Level> = path.iter().map(|t| live_level(t, true)).collect();
        for (layer, live, compiled) in [("SCPs", &live_s, &scp), ("RCPs", &live_r, &rcp)] {
            for (first, second, what) in [
                (
                    live,
                    compiled,
                    "the live policies allow and the program denies",
                ),
                (
                    compiled,
                    live,
                    "the program allows and the live policies deny",
                ),
            ] {
                let x: [&[Level]; 1] = [first];
                let y: [&[Level]; 1] = [second];
                match allowed_only_by_first(&output.catalog, &x, &y) {
                    Verdict::Proven => {}
                    Verdict::Differs { request, .. } => {
                        return Err(format!(
                            "account `{name}` ({}), its {layer}: {what} {}",
                            a.id,
                            describe_request(&request)
                        ))
                    }
                    Verdict::NotProven(why) => {
                        return Err(format!(
                            "account `{name}` ({}), its {layer}: not proven equivalent: {why}",
                            a.id
                        ))
                    }
                }
            }
        }
    }
    Ok(proven)
}
