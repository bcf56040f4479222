//! End-to-end tests of the `govc` binary: exit codes, human and JSON output.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;
use std::process::Command;

mod common;
use common::govc;

fn tmp(name: &str, text: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p
}

#[test]
fn examples_check_without_errors() {
    let out = govc(&["check", "examples/"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    // Nothing but the back end's lints on the examples that reproduce the seeds' own
    // cross-Region gaps (docs/seed-sizes.md).
    let stderr = String::from_utf8_lossy(&out.stderr);
    let codes: std::collections::BTreeSet<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("warning["))
        .filter_map(|l| l.split(']').next())
        .collect();
    assert!(!stderr.contains("error"), "{stderr}");
    assert_eq!(
        codes.into_iter().collect::<Vec<_>>(),
        ["W0410", "W0411", "W0412"],
        "{stderr}"
    );
}

#[test]
fn errors_exit_1_with_rustc_style_output() {
    let p = tmp("typo.gov", b"scp s {\n  only regions us-est-1\n}\n");
    let out = govc(&["check", p.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error[E0200]: unknown region `us-est-1`"),
        "{err}"
    );
    assert!(err.contains("typo.gov:2:16"), "{err}");
    assert!(err.contains("did you mean `us-east-1`?"), "{err}");
    assert!(
        !err.contains('\x1b'),
        "no colour when not a terminal: {err}"
    );
}

#[test]
fn json_output_has_the_documented_fields() {
    let p = tmp("json.gov", b"scp s {\n  deny model deepseek*\n  only regions us-est-1\n  deny action bedrock:Converse\n}\n");
    let out = govc(&["check", "--format", "json", p.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let items = v.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{v:#}");
    let first = &items[0];
    for field in [
        "code", "severity", "message", "file", "line", "column", "end", "help",
    ] {
        assert!(first.get(field).is_some(), "missing {field}: {first:#}");
    }
    assert_eq!(first["code"], "E0200");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 16);
    assert_eq!(first["end"]["column"], 24);
    assert_eq!(items[1]["code"], "E0203");
}

#[test]
fn colour_only_when_asked_and_not_with_no_color() {
    let p = tmp("colour.gov", b"scp s { only regions nowhere }\n");
    let path = p.to_str().unwrap_or_default();
    let out = govc(&["check", "--color", "always", path]);
    assert!(String::from_utf8_lossy(&out.stderr).contains('\x1b'));
    let out = Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["check", path])
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains('\x1b'));
}

#[test]
fn usage_and_io_failures_exit_2() {
    assert_eq!(
        govc(&["check", "does/not/exist.gov"]).status.code(),
        Some(2)
    );
    assert_eq!(govc(&["check"]).status.code(), Some(2));
    assert_eq!(govc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(govc(&["explain", "E9999"]).status.code(), Some(2));
}

#[test]
fn explain_prints_the_long_text() {
    let out = govc(&["explain", "E0203"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not an IAM action"), "{text}");
    assert!(text.contains("bedrock:InvokeModel"), "{text}");
    let list = govc(&["explain"]);
    assert!(String::from_utf8_lossy(&list.stdout).lines().count() > 30);
}

#[test]
fn warnings_alone_exit_0() {
    let p = tmp("warn.gov", b"scp s { deny model nosuchprovider* }\n");
    let out = govc(&["check", p.to_str().unwrap_or_default()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning[W0206]"));
}

#[test]
fn diagnostics_are_capped_with_a_count() {
    let mut src = String::from("scp s {\n");
    for _ in 0..500 {
        src.push_str("  only regions nowhere-1\n");
    }
    src.push_str("}\n");
    let p = tmp("many.gov", src.as_bytes());
    let out = govc(&[
        "check",
        "--max-diagnostics",
        "10",
        p.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("error[E0200]").count(), 10);
    assert!(err.contains("490 more diagnostics not shown"), "{err}");
    assert!(err.contains("500 errors emitted"), "{err}");
}

#[test]
fn more_than_a_thousand_warnings_still_compile() {
    // 1,200 checker warnings (W0206) and more than 1,200 back-end warnings (W0411: a Region
    // list without `unspecified`, among others): each phase keeps 1,000 and counts the rest with a W0013, which is a
    // warning, so the program compiles; `--deny-warnings` still refuses it.
    let mut src = String::new();
    for i in 0..1_200 {
        src.push_str(&format!(
            "scp s{i} {{\n  deny model nosuchprovider{i}*\n  only regions us-east-1\n}}\n"
        ));
    }
    let p = tmp("warnings.gov", src.as_bytes());
    let out_dir = p.with_file_name("warnings-out");
    let _ = std::fs::remove_dir_all(&out_dir);
    let path = p.to_str().unwrap_or_default();
    let out = govc(&[
        "compile",
        path,
        "--out",
        out_dir.to_str().unwrap_or_default(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("error"),
        "{}",
        &err[err.len().saturating_sub(600)..]
    );
    assert!(out_dir.join("manifest.json").exists());
    let json = govc(&["check", "--format", "json", path]);
    assert_eq!(json.status.code(), Some(0));
    let items: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let counted: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "W0013")
        .map(|d| d["message"].as_str().unwrap_or_default())
        .collect();
    // The checker's 200 over; the back end's more (other lints fire on these blocks too).
    assert_eq!(counted.len(), 2, "{counted:?}");
    assert_eq!(counted[0], "200 more warnings not collected");
    assert!(
        counted[1].ends_with("more warnings not collected"),
        "{counted:?}"
    );
    let denied = govc(&["compile", "--deny-warnings", "--dry-run", path]);
    assert_eq!(denied.status.code(), Some(1));
}

#[test]
fn binary_junk_is_diagnosed_not_crashed() {
    let p = tmp(
        "junk.gov",
        &[0xff, 0xfe, 0x00, b'{', b'"', 0x80, b'\n', b'}'],
    );
    let out = govc(&["check", p.to_str().unwrap_or_default()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("E0006"));
}

/// A closed stdout (`govc check --format json … | head -1`) ends the output quietly: the
/// command keeps its exit status instead of panicking with 101.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["check", "--format", "json", "examples/", "tests/bad/"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// A file reached through `use` must be a regular file: `/dev/zero` is never read (it would
/// exhaust memory); a file named on the command line may be a pipe.
#[cfg(unix)]
#[test]
fn a_use_of_a_device_is_an_error_not_a_read() {
    let p = tmp(
        "uses-dev-zero.gov",
        b"use \"/dev/zero\"\nscp s { deny model deepseek* }\n",
    );
    let out = govc(&["check", "--format", "json", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("E0103"), "{stdout}");
}

/// E0100's help names the file to `use` by a path relative to the file being fixed, `..`
/// included, and following it makes the program check: from the directory walked and from
/// inside the tree alike.
#[test]
fn a_not_in_scope_help_gives_a_use_path_that_works() {
    let dir = std::env::temp_dir().join(format!("govc-cli-use-help-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("policies/deep")).unwrap();
    let org = "org {\n  root = \"r-a1b2\"\n  ou prod = \"ou-a1b2-33333333\"\n  account app = \"123456789012\" under prod\n}\n";
    std::fs::write(dir.join("org.gov"), org).unwrap();
    std::fs::write(
        dir.join("policies/deep/regions.gov"),
        "scp regions {\n  only regions us-east-1, us-west-2\n}\n",
    )
    .unwrap();
    let main = dir.join("policies/main.gov");
    for root in [dir.clone(), dir.join("policies")] {
        std::fs::write(&main, "attach regions to prod\n").unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_govc"))
            .args(["check", "--format", "json", "--allow-outside-root"])
            .arg(&dir)
            .current_dir(&root)
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut uses = Vec::new();
        for d in json.as_array().unwrap() {
            assert_eq!(d["code"], "E0100", "{d}");
            let help = d["help"].as_str().unwrap();
            let path = help
                .strip_prefix("add `use \"")
                .and_then(|h| h.strip_suffix("\"` to this file"))
                .unwrap_or_else(|| panic!("a use to add: {help}"));
            uses.push(format!("use \"{path}\"\n"));
        }
        uses.sort();
        assert_eq!(
            uses,
            ["use \"../org.gov\"\n", "use \"deep/regions.gov\"\n"],
            "from {}",
            root.display()
        );
        std::fs::write(&main, format!("{}attach regions to prod\n", uses.concat())).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_govc"))
            .args(["check", "--allow-outside-root"])
            .arg(&dir)
            .current_dir(&root)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("error["), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--version` names the catalog's date and the commit, so a report can say which reference
/// data and which source judged the policies.
#[test]
fn version_names_the_catalog_and_the_commit() {
    let out = govc(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.trim();
    let rest = line
        .strip_prefix(&format!("govc {} (catalog ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("{line}"));
    let (date, rest) = rest
        .split_once(", commit ")
        .unwrap_or_else(|| panic!("{line}"));
    assert_eq!(date, govc_compiler::catalog::embedded().sources().generated);
    let commit = rest.strip_suffix(')').unwrap_or_else(|| panic!("{line}"));
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{line}"
    );
}

/// `govc man [COMMAND]` prints a manual page for govc and for every command `govc --help`
/// lists, each naming its own options; groff (when the machine has it; `man` uses it) formats
/// every page without a warning. An unknown command is a usage error.
#[test]
fn every_command_has_a_manual_page_groff_accepts() {
    let help = String::from_utf8_lossy(&govc(&["--help"]).stdout).to_string();
    let commands: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 10, "{commands:?}");
    let groff = std::process::Command::new("groff")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !groff {
        eprintln!("SKIPPED the groff check: no groff on this machine");
    }
    let mut pages = vec![(String::new(), "govc".to_string())];
    pages.extend(commands.iter().map(|c| (c.clone(), format!("govc-{c}"))));
    for (command, title) in pages {
        let mut args = vec!["man"];
        if !command.is_empty() {
            args.push(&command);
        }
        let out = govc(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let page = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(page.contains(&format!(".TH {title} 1")), "{title}:\n{page}");
        assert!(
            page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"),
            "{title}"
        );
        if command == "verify" {
            assert!(page.contains("explain"), "verify's page names its options");
        }
        if groff {
            let mut groff = std::process::Command::new("groff");
            groff.args(["-k", "-man", "-Tutf8", "-ww", "-z"]);
            let done = common::piped(groff, page.as_bytes());
            assert!(done.status.success(), "{title}");
            assert!(
                done.stderr.is_empty(),
                "{title}: {}",
                String::from_utf8_lossy(&done.stderr)
            );
        }
    }
    let out = govc(&["man", "nope"]);
    assert_eq!(out.status.code(), Some(2));
}

/// `govc completions SHELL` prints a completion script for each shell clap_complete knows; the
/// bash one, loaded into a real bash, completes `govc ch` to `check` and `govc verify --ex` to
/// `--explain`.
#[test]
fn completions_complete_in_a_real_bash() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = govc(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("govc"),
            "{shell}"
        );
    }
    let script = tmp(
        "govc-completion.bash",
        &govc(&["completions", "bash"]).stdout,
    );
    let complete = |words: &[&str]| -> Vec<String> {
        let cword = words.len() - 1;
        let line = words.join(" ");
        let probe = format!(
            "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n_govc govc '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            script.display(),
            words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
            words[cword],
            words[cword - 1],
        );
        let out = Command::new("bash").arg("-c").arg(probe).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(complete(&["govc", "ch"]), ["check"]);
    assert!(complete(&["govc", "verify", "--ex"]).contains(&"--explain".to_string()));
}

/// `compile --dry-run --format json` prints one JSON document (the warnings and the manifest),
/// so a script can parse it.
#[test]
fn a_json_dry_run_is_one_json_document() {
    let out = govc(&["compile", "examples/", "--dry-run", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert!(v["diagnostics"].is_array(), "{v:#}");
    assert!(v["manifest"]["documents"].is_array(), "{v:#}");
}

/// `--deny-warnings` fails `check`, `compile` (which then writes nothing) and `verify` on the
/// examples' lints, and changes nothing on a program without warnings.
#[test]
fn deny_warnings_fails_on_warnings_only() {
    let out_dir = std::env::temp_dir().join(format!("govc-deny-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let out = out_dir.to_string_lossy().into_owned();
    for args in [
        vec!["check", "--deny-warnings", "examples/"],
        vec!["compile", "--deny-warnings", "examples/", "--out", &out],
        vec!["verify", "--deny-warnings", "examples/"],
    ] {
        assert_eq!(govc(&args).status.code(), Some(1), "{args:?}");
    }
    assert!(!out_dir.exists(), "nothing written");
    assert_eq!(govc(&["check", "examples/"]).status.code(), Some(0));
    assert_eq!(
        govc(&["check", "--deny-warnings", "examples/model-denylist.gov"])
            .status
            .code(),
        Some(0)
    );
}

/// `--format github`: one workflow annotation per diagnostic, on its line, for `check`; and one
/// per failed expectation for `verify`, on the expectation's line.
#[test]
fn github_annotations_for_check_and_verify() {
    let out = govc(&[
        "check",
        "--format",
        "github",
        "tests/bad/unknown-region.gov",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with(
            "::error file=tests/bad/unknown-region.gov,line=3,col=16,endLine=3,endColumn=24,title=E0200::unknown region `us-est-1`"
        ),
        "{text}"
    );
    // A test that now fails: its annotation names the expectation's line.
    let dir = std::env::temp_dir().join(format!("govc-github-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("p.gov"),
        "org {\n  root = \"r-a1b2\"\n  account a = \"123456789012\"\n}\nscp s {\n  deny model deepseek*\n}\nattach s to root\ntest \"open\" on a {\n  expect allow bedrock:InvokeModel on \"arn:aws:bedrock:us-east-1::foundation-model/deepseek.v3.2\" in us-east-1\n}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_govc"))
        .args(["verify", "--format", "github", "p.gov"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let failed: Vec<&str> = text.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(failed.len(), 1, "{text}");
    assert!(
        failed[0].starts_with("::error file=p.gov,line=10,col=3,title=govc verify%3A expectation failed::test \"open\""),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every JSON govc prints escapes control and bidi characters, also those in a file name and
/// also where documents are combined (`compile --dry-run --format json`, which reads the
/// diagnostics back) — a pull request's file name cannot reorder a CI log.
#[test]
fn json_outputs_escape_a_file_names_bidi_characters() {
    let dir = std::env::temp_dir().join(format!("govc-bidi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a\u{202e}b.gov"),
        "org {\n  root = \"r-a1b2\"\n  account a = \"123456789012\"\n}\nscp s {\n  only regions us-east-1\n}\nattach s to root\ntest \"t\" on a {\n  expect deny bedrock:InvokeModel on \"*\" in eu-west-1\n}\n",
    )
    .unwrap();
    for args in [
        vec!["compile", ".", "--dry-run", "--format", "json"],
        vec!["compile", ".", "--dry-run"],
        vec!["verify", ".", "--format", "json"],
        vec![
            "simulate",
            ".",
            "--account",
            "a",
            "--action",
            "bedrock:InvokeModel",
            "--region",
            "eu-west-1",
            "--format",
            "json",
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_govc"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("a\\u202eb.gov"),
            "{args:?}: the name, escaped: {text}"
        );
        assert!(!text.contains('\u{202e}'), "{args:?}: {text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
