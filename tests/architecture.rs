//! The layering of docs/architecture.md, enforced:
//!
//! - each crate depends only on the govc crates the table below allows (read from its
//!   `Cargo.toml`), and docs/architecture.md shows the same graph;
//! - inside each crate, no two top-level modules import each other, directly or through
//!   others: a cycle means two modules that should be one, or a type in the wrong place.
//!
//! Imports are read from the source text (`crate::m`, `crate::{m, …}`, and `super::m` where
//! `super` is the crate root), comments left out.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// (directory, package, the govc crates it may depend on). The order is the layering: a crate
/// depends only on crates before it.
const CRATES: &[(&str, &str, &[&str])] = &[
    ("span", "govc-span", &[]),
    ("syntax", "govc-syntax", &["govc-span"]),
    ("iam", "govc-iam", &["govc-span"]),
    (
        "compiler",
        "govc-compiler",
        &["govc-span", "govc-syntax", "govc-iam"],
    ),
    ("lsp", "govc-lsp", &["govc-compiler"]),
    (".", "govc", &["govc-compiler", "govc-lsp"]),
];

/// The govc crates under `[dependencies]` of a manifest (dev-dependencies may add test helpers).
fn govc_dependencies(manifest: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let mut section = String::new();
    let mut out = BTreeSet::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.to_string();
            continue;
        }
        let deps = section == "[dependencies]"
            || (section.starts_with("[target.") && section.ends_with(".dependencies]"));
        if !deps {
            continue;
        }
        let name = line
            .split(['=', '.', ' '])
            .next()
            .unwrap_or_default()
            .trim();
        if name.starts_with("govc") {
            out.insert(name.to_string());
        }
    }
    out
}

#[test]
fn crates_depend_only_on_the_layers_below() {
    for (dir, package, allowed) in CRATES {
        let manifest = Path::new(REPO).join(dir).join("Cargo.toml");
        let deps = govc_dependencies(&manifest);
        let allowed: BTreeSet<String> = allowed.iter().map(|s| s.to_string()).collect();
        let extra: Vec<&String> = deps.difference(&allowed).collect();
        assert!(
            extra.is_empty(),
            "{package} depends on {extra:?}, which the layering does not allow (docs/architecture.md)"
        );
    }
    // Every workspace member is in the table.
    let root = std::fs::read_to_string(Path::new(REPO).join("Cargo.toml")).unwrap();
    let members = root
        .split("members = [")
        .nth(1)
        .and_then(|r| r.split(']').next())
        .unwrap();
    let listed: BTreeSet<&str> = CRATES.iter().map(|c| c.0).collect();
    for m in members.split(',').map(|m| m.trim().trim_matches('"')) {
        if !m.is_empty() {
            assert!(
                listed.contains(m),
                "workspace member `{m}` is not in the layering"
            );
        }
    }
    // The documented graph is this one: every edge appears as `a → b` in the doc's graph.
    let doc = std::fs::read_to_string(Path::new(REPO).join("docs/architecture.md")).unwrap();
    for (dir, package, _) in CRATES {
        let deps = govc_dependencies(&Path::new(REPO).join(dir).join("Cargo.toml"));
        for d in deps {
            let edge = format!("{package} → {d}");
            assert!(doc.contains(&edge), "docs/architecture.md lacks `{edge}`");
        }
    }
}

/// Source text without comments (line comments, and the doc comments that cite paths).
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| match l.find("//") {
            // Good enough for imports: `//` inside a string on an import line does not occur.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level names a file reaches through `prefix` (`crate::`, or `super::` where it is the
/// crate root): `crate::a::…`, `crate::{a, b::c}`.
fn reached(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().last();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut end = group.len();
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let mut depth = 0;
            let mut start = 0;
            let inner = &group[..end];
            for (j, c) in inner.char_indices().chain([(inner.len(), ',')]) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident_at(inner[start..j].trim()).to_string());
                        start = j + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident_at(rest).to_string());
        }
    }
    out.remove("");
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Top-level module → the top-level modules it imports.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        if name == "lib" || name == "main" {
            continue;
        }
        let mut files = Vec::new();
        if p.is_dir() {
            rust_files(&p, &mut files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p.clone());
        } else {
            continue;
        }
        modules.entry(name).or_default().extend(files);
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (m, files) in &modules {
        let mut deps = BTreeSet::new();
        for f in files {
            let code = code_of(f);
            deps.extend(reached(&code, "crate::"));
            // `super` is the crate root in `src/m.rs` and `src/m/mod.rs`.
            let at_root = f.parent() == Some(src)
                || f.file_name().is_some_and(|n| n == "mod.rs")
                    && f.parent().and_then(Path::parent) == Some(src);
            if at_root {
                deps.extend(reached(&code, "super::"));
            }
        }
        deps.retain(|d| d != m && names.contains(d));
        graph.insert(m.clone(), deps);
    }
    graph
}

/// One cycle of the graph, if there is one: the modules in order, the first repeated last.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Colours: 0 unseen, 1 on the path, 2 done.
    fn visit(
        n: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        colour: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        colour.insert(n.to_string(), 1);
        path.push(n.to_string());
        for d in graph.get(n).into_iter().flatten() {
            match colour.get(d).copied().unwrap_or(0) {
                1 => {
                    let from = path.iter().position(|p| p == d).unwrap();
                    let mut cycle = path[from..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(d, graph, colour, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        colour.insert(n.to_string(), 2);
        None
    }
    let mut colour = BTreeMap::new();
    for n in graph.keys() {
        if colour.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, graph, &mut colour, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_itself_through_others() {
    for (dir, package, _) in CRATES {
        let src = Path::new(REPO).join(dir).join("src");
        let graph = module_graph(&src);
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "{package}: the modules {} import each other (docs/architecture.md)",
                cycle.join(" → ")
            );
        }
    }
}

/// The reader and the cycle finder see what they must.
#[test]
fn the_checks_find_imports_and_cycles() {
    let code =
        "use crate::{a, b::{c, d}, e::f};\nfn x() { crate::g::h(); super::i::j(); my_crate::k(); }";
    let got = reached(code, "crate::");
    assert_eq!(
        got,
        ["a", "b", "e", "g"].iter().map(|s| s.to_string()).collect()
    );
    assert!(reached(code, "super::").contains("i"));
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("a".into(), ["b".into()].into());
    g.insert("b".into(), ["c".into()].into());
    g.insert("c".into(), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
    g.insert("c".into(), ["a".into()].into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// The `rust-version` the workspace declares is the newest one its locked dependencies need,
/// so `cargo install --locked` on an older toolchain fails up front with a clear message
/// rather than deep in a dependency.
#[test]
fn the_declared_rust_version_is_what_the_dependencies_need() {
    let meta = common::cargo_metadata();
    let version = |v: &str| -> (u32, u32, u32) {
        let mut p = v.split('.').map(|x| x.parse::<u32>().unwrap_or(0));
        (
            p.next().unwrap_or(0),
            p.next().unwrap_or(0),
            p.next().unwrap_or(0),
        )
    };
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .find(|p| p["name"] == "govc")
        .and_then(|p| p["rust_version"].as_str())
        .map(version)
        .unwrap();
    let (needed, by) = packages
        .iter()
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .unwrap();
    assert!(
        ours >= needed,
        "rust-version is {ours:?} but {by} needs {needed:?}: raise it in Cargo.toml"
    );
}
