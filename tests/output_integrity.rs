//! The output directory as something to deploy from: a reader never sees it missing or half
//! replaced, a run killed at any step leaves a complete tree and its leftovers are removed by
//! the next run, only directories govc marked are replaced, a symbolic link is followed, and
//! the bytes do not depend on the order or spelling of the arguments.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers fail loudly"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use govc_compiler::document::write::{self, Method, Step, MARKER};

mod common;
use common::govc;

/// A fresh, empty scratch directory per test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("govc-output-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` (the marker included), relative path → content; `None` when `dir`
/// does not exist.
fn tree(dir: &Path) -> Option<BTreeMap<String, String>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    if !dir.exists() {
        return None;
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    Some(out)
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn compile_ok(args: &[&str]) {
    let out = govc(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "govc {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------- a reader during recompiles

/// Reads one consistent version through a handle on the directory: the manifest, every file
/// it lists, and the listing of the tree. `Ok(None)` when the directory was replaced while
/// reading (the handle then points at the old tree being deleted); `Err` for anything a
/// complete tree cannot show.
#[cfg(target_os = "linux")]
fn read_version(out: &Path) -> Result<Option<String>, String> {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::AsRawFd;
    let handle = std::fs::File::open(out).map_err(|e| format!("cannot open the output: {e}"))?;
    let base = PathBuf::from(format!("/proc/self/fd/{}", handle.as_raw_fd()));
    let replaced = || {
        let now = std::fs::metadata(out).map(|m| m.ino()).unwrap_or(0);
        now != handle.metadata().map(|m| m.ino()).unwrap_or(0)
    };
    let check = || -> Result<String, String> {
        let text = std::fs::read_to_string(base.join("manifest.json"))
            .map_err(|e| format!("manifest.json: {e}"))?;
        let manifest: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("manifest.json: {e}"))?;
        let mut listed = BTreeSet::from(["manifest.json".to_string(), MARKER.to_string()]);
        for d in manifest["documents"].as_array().ok_or("no documents")? {
            let file = d["file"].as_str().ok_or("no file")?;
            let content = std::fs::read_to_string(base.join(file))
                .map_err(|e| format!("{file} listed but unreadable: {e}"))?;
            if Some(content.len() as u64) != d["chars"].as_u64() {
                return Err(format!("{file} is not the file the manifest lists"));
            }
            listed.insert(file.to_string());
        }
        let mut present = BTreeSet::new();
        listing(&base, &base, &mut present).map_err(|e| format!("listing: {e}"))?;
        if present != listed {
            return Err(format!("files {present:?} but manifest lists {listed:?}"));
        }
        Ok(text)
    };
    match check() {
        Ok(text) if !replaced() => Ok(Some(text)),
        Ok(_) => Ok(None),
        Err(_) if replaced() => Ok(None),
        Err(e) => Err(e),
    }
}

/// The files under `dir`, without failing on a tree that is being deleted.
#[cfg(target_os = "linux")]
fn listing(root: &Path, dir: &Path, out: &mut BTreeSet<String>) -> io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let p = e.path();
        if e.file_type()?.is_dir() {
            listing(root, &p, out)?;
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.insert(rel.to_string_lossy().into_owned());
        }
    }
    Ok(())
}

#[cfg(target_os = "linux")]
#[test]
fn a_reader_never_sees_a_missing_manifest_or_a_mixed_tree_during_recompiles() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let dir = scratch("reader");
    let out = dir.join("out");
    // Two programs whose outputs differ in files, not only in content.
    let programs = ["examples/model-denylist.gov", "examples/guardrails.gov"];
    compile_ok(&["compile", programs[0], "--out", s(&out)]);
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (out, stop) = (out.clone(), stop.clone());
        std::thread::spawn(move || {
            let (mut plain, mut consistent, mut superseded) = (0u32, 0u32, 0u32);
            let mut versions = BTreeSet::new();
            while !stop.load(Ordering::Relaxed) {
                // The simplest reader: the manifest by its path, always there and whole.
                let text = std::fs::read_to_string(out.join("manifest.json"))
                    .map_err(|e| format!("manifest.json missing: {e}"))?;
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("manifest.json incomplete: {e}"))?;
                plain += 1;
                match read_version(&out)? {
                    Some(text) => {
                        consistent += 1;
                        versions.insert(text);
                    }
                    None => superseded += 1,
                }
            }
            Ok::<_, String>((plain, consistent, superseded, versions.len()))
        })
    };
    for i in 0..40 {
        compile_ok(&["compile", programs[(i + 1) % 2], "--out", s(&out)]);
    }
    stop.store(true, Ordering::Relaxed);
    let (plain, consistent, _superseded, versions) = reader.join().unwrap().unwrap();
    assert!(plain > 0 && consistent > 0, "{plain} {consistent}");
    assert_eq!(versions, 2, "the reader saw both programs' outputs");
    assert_eq!(names(&dir), ["out"], "nothing left beside the output");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- interrupted at every step

fn files(version: &str) -> Vec<(String, String)> {
    // Different file names per version, so a mix of two would show.
    vec![
        (
            format!("scp/{version}.json"),
            format!("{{\"v\":\"{version}\"}}"),
        ),
        (format!("iam/{version}-2.json"), format!("[\"{version}\"]")),
        (
            "manifest.json".to_string(),
            format!("{{\"version\":\"{version}\"}}"),
        ),
    ]
}

/// What `write_dir` leaves for `files(version)`.
fn expected(version: &str) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = files(version).into_iter().collect();
    m.insert(MARKER.to_string(), write::MARKER_CONTENT.to_string());
    m
}

/// A stand-in for SIGKILL: unwinds out of `write_dir_with` without running its error paths.
struct Killed;

/// Runs `write_dir_with` for version `new`, interrupted at the `k`-th hook call: by an error
/// (`kill == false`) or by a kill. Returns the result (`None` when killed) and the steps seen.
fn interrupted(
    out: &Path,
    method: Method,
    k: usize,
    kill: bool,
) -> (Option<io::Result<()>>, Vec<Step>) {
    let mut steps = Vec::new();
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        write::write_dir_with(out, &files("new"), method, &mut |step| {
            steps.push(step);
            if steps.len() == k.saturating_add(1) {
                if kill {
                    // Not `panic!`: no message, the stop is expected.
                    std::panic::resume_unwind(Box::new(Killed));
                }
                return Err(io::Error::other("injected failure"));
            }
            Ok(())
        })
    }));
    (run.ok(), steps)
}

#[test]
fn a_run_interrupted_at_any_step_leaves_a_complete_output_and_the_next_run_cleans_up() {
    for method in [Method::Exchange, Method::Renames] {
        for had_output in [true, false] {
            let dir = scratch(&format!("steps-{method:?}-{had_output}"));
            let out = dir.join("out");
            let setup = || {
                let _ = std::fs::remove_dir_all(&dir);
                std::fs::create_dir_all(&dir).unwrap();
                if had_output {
                    write::write_dir(&out, &files("old")).unwrap();
                }
            };
            let before = had_output.then(|| expected("old"));
            let after = Some(expected("new"));
            // Every step of a full run.
            setup();
            let (_, all) = interrupted(&out, method, usize::MAX, false);
            assert_eq!(tree(&out), after);
            let durable = all.iter().position(|s| *s == Step::Durable).unwrap();
            let swapped = if !had_output {
                Step::MovedIn
            } else if method == Method::Exchange {
                Step::Exchanged
            } else {
                Step::MovedAside
            };
            assert!(all.contains(&swapped), "{method:?} {had_output}: {all:?}");
            for (k, step) in all.iter().enumerate() {
                let what = format!("{method:?}, output before: {had_output}, at {step:?}");
                // An error: the previous output is intact until the parent is synced.
                setup();
                let (result, _) = interrupted(&out, method, k, false);
                let result = result.unwrap();
                if k < durable {
                    assert!(result.is_err(), "{what}");
                    assert_eq!(tree(&out), before, "{what}");
                    let left: &[&str] = if had_output { &["out"] } else { &[] };
                    assert_eq!(names(&dir), left, "{what}: nothing left beside it");
                } else {
                    assert!(result.is_ok(), "{what}");
                    assert_eq!(tree(&out), after, "{what}");
                }
                // A kill: the old tree or the new one, whole; with the two renames, possibly
                // no output until the next run puts the old one back.
                setup();
                let (result, _) = interrupted(&out, method, k, true);
                assert!(result.is_none(), "{what}");
                let now = tree(&out);
                let gap = method == Method::Renames && *step == Step::MovedAside;
                if gap {
                    assert_eq!(now, None, "{what}");
                    let back = write::write_dir_with(&out, &files("third"), method, &mut |s| {
                        if s == Step::Recovered {
                            return Err(io::Error::other("stop after recovery"));
                        }
                        Ok(())
                    });
                    assert!(back.is_err());
                    assert_eq!(
                        tree(&out),
                        before,
                        "{what}: the next run restores the old tree"
                    );
                } else {
                    assert!(now == before || now == after, "{what}: {now:?}");
                }
                write::write_dir(&out, &files("third")).unwrap();
                assert_eq!(tree(&out), Some(expected("third")), "{what}");
                assert_eq!(names(&dir), ["out"], "{what}: leftovers removed");
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

#[test]
fn leftovers_of_killed_runs_are_removed_and_nothing_else() {
    let dir = scratch("leftovers");
    let out = dir.join("out");
    compile_ok(&["compile", "examples/model-denylist.gov", "--out", s(&out)]);
    for name in [".out.govc-new-999999-0", ".out.govc-old-999998-7"] {
        std::fs::create_dir_all(dir.join(name).join("scp")).unwrap();
        std::fs::write(dir.join(name).join("scp/x.json"), "{}").unwrap();
    }
    // A lock file whose run was killed is taken over.
    std::fs::write(dir.join(".out.govc-lock"), "").unwrap();
    // Not ours: another output's, and names that only look alike.
    for name in [".other.govc-new-1-1", ".out.govc-new-x", "out.govc-new-1-1"] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
    }
    compile_ok(&["compile", "examples/guardrails.gov", "--out", s(&out)]);
    assert_eq!(
        names(&dir),
        [
            ".other.govc-new-1-1",
            ".out.govc-new-x",
            "out",
            "out.govc-new-1-1"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn concurrent_compiles_into_one_directory_are_serialized() {
    let dir = scratch("concurrent");
    let out = dir.join("out");
    let programs = ["examples/model-denylist.gov", "examples/guardrails.gov"];
    let runs: Vec<_> = (0..4)
        .map(|t| {
            let out = out.clone();
            std::thread::spawn(move || {
                for i in 0..5 {
                    compile_ok(&["compile", programs[(t + i) % 2], "--out", s(&out)]);
                }
            })
        })
        .collect();
    for r in runs {
        r.join().unwrap();
    }
    let done = tree(&out).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&done["manifest.json"]).unwrap();
    let mut listed: BTreeSet<String> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap().to_string())
        .collect();
    listed.extend(["manifest.json".to_string(), MARKER.to_string()]);
    assert_eq!(done.keys().cloned().collect::<BTreeSet<_>>(), listed);
    assert_eq!(names(&dir), ["out"]);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- what may be replaced

#[test]
fn every_output_carries_the_marker_and_an_empty_directory_is_taken() {
    let dir = scratch("marker");
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    compile_ok(&["compile", "examples/model-denylist.gov", "--out", s(&out)]);
    let marker = std::fs::read_to_string(out.join(MARKER)).unwrap();
    assert!(marker.starts_with("govc-output 1\n"), "{marker}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_directory_with_a_manifest_but_no_marker_is_refused() {
    let dir = scratch("unmarked");
    let out = dir.join("out");
    std::fs::create_dir_all(out.join("scp")).unwrap();
    std::fs::write(out.join("manifest.json"), "{}").unwrap();
    std::fs::write(out.join("scp/mine.json"), "{}").unwrap();
    let before = tree(&out);
    let run = govc(&["compile", "examples/model-denylist.gov", "--out", s(&out)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(".govc-output") && stderr.contains("delete it or choose another"),
        "{stderr}"
    );
    assert_eq!(tree(&out), before);
    assert_eq!(names(&dir), ["out"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_is_not_replaced() {
    let dir = scratch("file");
    let out = dir.join("out");
    std::fs::write(&out, "mine").unwrap();
    let run = govc(&["compile", "examples/model-denylist.gov", "--out", s(&out)]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("not a directory"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_symlinked_out_replaces_the_directory_it_points_to_and_keeps_the_link() {
    let dir = scratch("symlink");
    let real = dir.join("real");
    let link = dir.join("link");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink("real", &link).unwrap();
    compile_ok(&["compile", "examples/organization.gov", "--out", s(&link)]);
    assert!(tree(&real)
        .unwrap()
        .keys()
        .any(|f| f.starts_with("bedrock/")));
    compile_ok(&["compile", "examples/model-denylist.gov", "--out", s(&link)]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("real"));
    let reached = tree(&link).unwrap();
    assert_eq!(tree(&real).unwrap(), reached);
    assert!(
        reached.keys().all(|f| !f.starts_with("bedrock/")),
        "the stale tree the link pointed at is gone: {:?}",
        reached.keys()
    );
    assert_eq!(names(&dir), ["link", "real"]);
    // Also through a trailing slash, which resolves the link the same way.
    compile_ok(&[
        "compile",
        "examples/organization.gov",
        "--out",
        &format!("{}/", s(&link)),
    ]);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(names(&dir), ["link", "real"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_refused() {
    let dir = scratch("dangling");
    let link = dir.join("link");
    std::os::unix::fs::symlink("nowhere", &link).unwrap();
    let run = govc(&["compile", "examples/model-denylist.gov", "--out", s(&link)]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("symbolic link to `nowhere`"), "{stderr}");
    assert_eq!(names(&dir), ["link"]);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------- argument order and spelling

#[test]
fn output_does_not_depend_on_argument_order_or_spelling() {
    let dir = scratch("order");
    let compile = |name: &str, args: &[&str]| {
        let out = dir.join(name);
        let mut all = vec!["compile"];
        all.extend_from_slice(args);
        all.extend(["--out", s(&out)]);
        compile_ok(&all);
        tree(&out).unwrap()
    };
    let files = [
        "examples/model-denylist.gov",
        "examples/model-allowlist.gov",
        "examples/guardrails.gov",
    ];
    let given = compile("given", &files);
    for (name, args) in [
        ("reversed", vec![files[2], files[1], files[0]]),
        ("rotated", vec![files[1], files[2], files[0]]),
        (
            "respelled",
            vec![
                "./examples/guardrails.gov",
                "examples//model-allowlist.gov",
                "examples/../examples/model-denylist.gov",
            ],
        ),
        ("repeated", vec![files[0], files[1], files[2], files[0]]),
    ] {
        assert_eq!(compile(name, &args), given, "{name}");
    }
    let whole = compile("dir", &["examples"]);
    for (name, args) in [
        ("dir-slash", vec!["examples/"]),
        ("dir-dot", vec!["./examples"]),
        ("dir-and-file", vec!["examples/org.gov", "examples/"]),
        ("file-and-dir", vec!["examples", "./examples/org.gov"]),
    ] {
        assert_eq!(compile(name, &args), whole, "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
