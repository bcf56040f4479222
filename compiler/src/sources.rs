//! Reading `.gov` sources from the file system: the one place govc opens a source file or walks
//! a directory, for the CLI and the language server alike.
//!
//! What it reads, and why so little:
//! - only regular files whose name ends in `.gov` (a `use "/dev/zero"`, a FIFO, `/dev/stdin` or
//!   a directory is refused before it is opened, so nothing can block or stream forever);
//! - at most [`MAX_SOURCE_BYTES`], checked on the file's size before reading and enforced while
//!   reading (a file growing under us is cut off and refused);
//! - by default only inside the project: the current directory and the directories named on
//!   the command line (or the editor's workspace folders). Paths are resolved, symlinks
//!   included, before the test, so `../../etc/x.gov` and a link pointing out are held to the
//!   same rule. A pull request's `.gov` file cannot make a CI log print a file from elsewhere
//!   on the machine. `--allow-outside-root` lifts this one rule.
//!
//! Whatever is refused is reported without its contents: the error says which rule, never what
//! the file holds.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::syntax::parser::MAX_FILE_BYTES;

/// The largest source file read (the parser's own limit).
pub const MAX_SOURCE_BYTES: usize = MAX_FILE_BYTES;

/// The deepest directory walk: far beyond any policy repository, short of a runaway.
const MAX_WALK_DEPTH: usize = 64;

/// What a directory walk found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    /// The `.gov` files, as paths spelled from the directory walked, sorted.
    pub files: Vec<String>,
    /// `.gov` files left out, spelled lossily, with why: a name that is not UTF-8 (govc names
    /// every file it reads in its reports), or a link leading out of the project. A policy
    /// left out of a compile silently would be a hole, so callers refuse to go on.
    pub skipped: Vec<(String, String)>,
}

/// Reads sources under a set of project roots.
#[derive(Clone, Debug)]
pub struct Reader {
    /// Resolved (canonical) roots.
    roots: Vec<PathBuf>,
    /// `--allow-outside-root`: the root rule is off.
    anywhere: bool,
}

fn refuse(kind: io::ErrorKind, why: String) -> io::Error {
    io::Error::new(kind, why)
}

impl Reader {
    /// A reader for the given roots (resolved now; a root that does not exist is skipped).
    pub fn new<P: AsRef<Path>>(roots: impl IntoIterator<Item = P>, anywhere: bool) -> Reader {
        let mut resolved: Vec<PathBuf> = roots
            .into_iter()
            .filter_map(|r| fs::canonicalize(r.as_ref()).ok())
            .collect();
        resolved.sort();
        resolved.dedup();
        Reader {
            roots: resolved,
            anywhere,
        }
    }

    /// The roots for a command line: the current directory, each directory named, and the
    /// directory of each file named.
    pub fn for_arguments(args: &[String], anywhere: bool) -> Reader {
        let mut roots: Vec<PathBuf> = vec![PathBuf::from(".")];
        for a in args {
            let p = Path::new(a);
            if p.is_dir() {
                roots.push(p.to_path_buf());
            } else {
                match p.parent() {
                    Some(d) if !d.as_os_str().is_empty() => roots.push(d.to_path_buf()),
                    _ => {}
                }
            }
        }
        Reader::new(roots, anywhere)
    }

    /// The project roots, canonical, sorted and without duplicates: reads stay under them
    /// unless the reader was made with `anywhere`.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Whether a resolved path may be read under the project rule.
    fn inside(&self, real: &Path) -> bool {
        self.anywhere || self.roots.iter().any(|r| real.starts_with(r))
    }

    /// The resolved path of `path` if the rules admit reading it as a source.
    pub(crate) fn admit(&self, path: &Path) -> io::Result<PathBuf> {
        let shown = path.display();
        if path.extension().is_none_or(|e| e != "gov") {
            return Err(refuse(
                io::ErrorKind::InvalidInput,
                format!("`{shown}` is not a .gov file; govc reads only .gov sources"),
            ));
        }
        let real = fs::canonicalize(path)?;
        if !self.inside(&real) {
            return Err(refuse(
                io::ErrorKind::PermissionDenied,
                format!(
                    "`{shown}` is outside the project (the current directory and the paths given); pass --allow-outside-root to read it"
                ),
            ));
        }
        let meta = fs::metadata(&real)?;
        if !meta.is_file() {
            return Err(refuse(
                io::ErrorKind::InvalidInput,
                format!("`{shown}` is not a regular file"),
            ));
        }
        if meta.len() > MAX_SOURCE_BYTES as u64 {
            return Err(too_large(path, meta.len()));
        }
        Ok(real)
    }

    /// Reads a source file under the rules.
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        let real = self.admit(Path::new(path))?;
        let file = fs::File::open(&real)?;
        let mut bytes = Vec::new();
        // One byte more than the limit tells a file that grew after the size check.
        file.take(MAX_SOURCE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(too_large(Path::new(path), bytes.len() as u64));
        }
        Ok(bytes)
    }

    /// The `.gov` files under `dir`, recursively, as paths spelled from `dir`; hidden entries
    /// skipped, symlinks followed only where they stay inside the project, each directory
    /// visited once (a link cycle ends), at most [`MAX_WALK_DEPTH`] levels down. The traversal
    /// is `walkdir`'s (sorted by name, links followed with loop detection); these rules are
    /// its entry filter.
    pub fn walk(&self, dir: &Path) -> io::Result<Walk> {
        let real = fs::canonicalize(dir)?;
        if !self.inside(&real) {
            return Err(refuse(
                io::ErrorKind::PermissionDenied,
                format!(
                    "`{}` is outside the project; pass --allow-outside-root to read it",
                    dir.display()
                ),
            ));
        }
        let mut seen: BTreeSet<PathBuf> = BTreeSet::from([real]);
        let mut outside: Vec<(String, String)> = Vec::new();
        let mut out = Walk::default();
        let entries = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .max_depth(MAX_WALK_DEPTH + 1)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 {
                    return true;
                }
                if e.file_name().to_string_lossy().starts_with('.') {
                    return false;
                }
                // Resolved, so a link is judged by where it points; a dangling one is skipped.
                let Ok(target) = fs::canonicalize(e.path()) else {
                    return false;
                };
                if !self.inside(&target) {
                    if e.path().extension().is_some_and(|x| x == "gov") {
                        outside.push((
                            e.path().to_string_lossy().into_owned(),
                            "it links outside the project; pass --allow-outside-root to read it"
                                .to_string(),
                        ));
                    }
                    return false;
                }
                // Each directory once, however many links lead to it.
                !e.file_type().is_dir() || seen.insert(target)
            });
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                // A link loop ends there; a dangling link is no file.
                Err(e) if e.loop_ancestor().is_some() => continue,
                Err(e)
                    if e.path()
                        .is_some_and(|p| fs::symlink_metadata(p).is_ok_and(|m| m.is_symlink())) =>
                {
                    continue
                }
                Err(e) => return Err(e.into()),
            };
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|x| x == "gov") {
                match path.to_str() {
                    Some(p) => out.files.push(p.to_string()),
                    None => out.skipped.push((
                        path.to_string_lossy().into_owned(),
                        "its name is not UTF-8; rename it".to_string(),
                    )),
                }
            }
        }
        out.skipped.extend(outside);
        out.skipped.sort();
        out.files.sort();
        Ok(out)
    }
}

fn too_large(path: &Path, len: u64) -> io::Error {
    refuse(
        io::ErrorKind::InvalidData,
        format!(
            "`{}` is {len} bytes; the limit is {MAX_SOURCE_BYTES}",
            path.display()
        ),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
mod tests {
    use super::*;

    /// The files a walk found, as paths from `root`.
    fn relative(found: &Walk, root: &Path) -> Vec<String> {
        found
            .files
            .iter()
            .map(|f| {
                Path::new(f)
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    fn tree() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("proj/sub")).unwrap();
        fs::write(d.path().join("proj/a.gov"), "").unwrap();
        fs::write(d.path().join("proj/sub/b.gov"), "").unwrap();
        fs::write(d.path().join("proj/notes.txt"), "secret").unwrap();
        fs::write(d.path().join("outside.gov"), "secret").unwrap();
        d
    }

    #[test]
    fn reads_inside_refuses_outside() {
        let d = tree();
        let r = Reader::new([d.path().join("proj")], false);
        let p = |s: &str| d.path().join(s).to_string_lossy().into_owned();
        assert!(r.read(&p("proj/a.gov")).is_ok());
        assert!(r.read(&p("proj/sub/../a.gov")).is_ok());
        let e = r.read(&p("outside.gov")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        let e = r.read(&p("proj/../outside.gov")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        let e = r.read(&p("proj/notes.txt")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(!e.to_string().contains("secret"));
        assert!(Reader::new([d.path().join("proj")], true)
            .read(&p("outside.gov"))
            .is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_reached_by_two_paths_is_walked_once() {
        let d = tree();
        let proj = d.path().join("proj");
        // `alias` and `sub` are one directory; `alias` comes first by name.
        std::os::unix::fs::symlink(proj.join("sub"), proj.join("alias")).unwrap();
        std::fs::create_dir_all(proj.join(".hidden")).unwrap();
        std::fs::write(proj.join(".hidden/c.gov"), "").unwrap();
        let found = Reader::new([&proj], false).walk(&proj).unwrap();
        let names = relative(&found, &proj);
        assert_eq!(names, ["a.gov", "alias/b.gov"]);
        assert!(found.skipped.is_empty(), "{:?}", found.skipped);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_and_devices_are_held_to_the_rules() {
        let d = tree();
        let proj = d.path().join("proj");
        std::os::unix::fs::symlink(d.path().join("outside.gov"), proj.join("link.gov")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", proj.join("zero.gov")).unwrap();
        std::os::unix::fs::symlink(&proj, proj.join("sub/loop")).unwrap();
        let r = Reader::new([&proj], false);
        let e = r
            .read(&proj.join("link.gov").to_string_lossy())
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        // Inside the root only when anything goes, and then still not a device.
        let any = Reader::new([&proj], true);
        let e = any
            .read(&proj.join("zero.gov").to_string_lossy())
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
        // The walk reports the links out (the file and the device), and ends on the loop.
        let found = r.walk(&proj).unwrap();
        let skipped: Vec<&str> = found.skipped.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped
            .iter()
            .all(|p| p.ends_with("link.gov") || p.ends_with("zero.gov")));
        let names = relative(&found, &proj);
        assert_eq!(names, ["a.gov", "sub/b.gov"]);
    }
}
