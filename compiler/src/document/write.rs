//! Writing the output directory as a whole, so that whatever is deployed from it is one
//! complete compile. For an output directory `NAME`:
//!
//! 1. An advisory lock on `.NAME.govc-lock` beside it serializes compiles into the same
//!    directory. Whoever holds the lock knows that every `.NAME.govc-new-*` or
//!    `.NAME.govc-old-*` sibling was left by a run that was killed, and removes it.
//! 2. The files are written to a fresh sibling `.NAME.govc-new-PID-N`, together with the
//!    ownership marker [`MARKER`]; every file and directory of it is synced.
//! 3. That tree takes the place of `NAME` by one atomic exchange of the two directories
//!    (`renameat2(RENAME_EXCHANGE)` on Linux, `renameatx_np(RENAME_SWAP)` on macOS), so a
//!    reader opening `NAME/…` finds the old tree or the new one and never nothing. Where the
//!    exchange is unsupported (other systems, some file systems) two renames are used instead —
//!    old tree aside, new tree in — which leave `NAME` missing for a moment; a run killed
//!    between them is repaired by the next one, which puts the old tree back first.
//! 4. The parent directory is synced: once `write_dir` returns, the new tree survives a crash.
//! 5. The old tree, now under the temporary name, is deleted.
//!
//! An error in steps 2–4 undoes the replacement and leaves the previous output as it was. A
//! kill at any point leaves `NAME` complete (old or new; with the two-rename fallback, possibly
//! missing until the next run), plus leftovers that the next run removes.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The manifest govc writes into every output directory.
pub const MANIFEST: &str = "manifest.json";

/// The ownership marker in every output directory: govc replaces a directory only when it is
/// new, empty, or carries this file.
pub const MARKER: &str = ".govc-output";

/// The marker's first word; the number after it is the layout version of the directory.
const MARKER_TAG: &str = "govc-output";

/// The marker's content.
pub const MARKER_CONTENT: &str = "govc-output 1\n\
    This directory is written by `govc compile`, which replaces it as a whole on every compile.\n";

/// A point in [`write_dir_with`] that a test can interrupt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The lock is held (or locking is unsupported here).
    Locked,
    /// Leftovers of killed runs are removed; an output they had moved aside is back.
    Recovered,
    /// The temporary directory exists and holds the marker.
    Created,
    /// This many of the files are written and synced.
    Wrote(usize),
    /// Every directory of the new tree is synced.
    Synced,
    /// The new tree and the old one have swapped places.
    Exchanged,
    /// Two-rename fallback: the old tree is at its temporary name, the output is missing.
    MovedAside,
    /// The new tree is at the output path (fallback, or no previous output).
    MovedIn,
    /// The parent is synced: the new output is in place for good.
    Durable,
    /// The old tree is deleted.
    Removed,
}

/// How the new tree replaces an existing output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// The atomic exchange where the system and file system support it, else two renames.
    #[default]
    Exchange,
    /// Always the two renames (for testing the fallback).
    Renames,
}

/// Replaces `dir` with exactly `files` (paths relative to `dir`) and the marker. Refuses a
/// `dir` that is not a directory, or is a non-empty directory without the marker. A symbolic
/// link is followed: the directory it points to is replaced and the link kept.
pub fn write_dir(dir: &Path, files: &[(String, impl AsRef<str>)]) -> io::Result<()> {
    write_dir_with(dir, files, Method::Exchange, &mut |_| Ok(()))
}

/// [`write_dir`] with a choice of method and a hook called after each step; an error from the
/// hook is treated as an I/O error at that point. After [`Step::Durable`] the new output
/// stays: errors there only leave the old tree for the next run to remove.
pub fn write_dir_with(
    dir: &Path,
    files: &[(String, impl AsRef<str>)],
    method: Method,
    hook: &mut dyn FnMut(Step) -> io::Result<()>,
) -> io::Result<()> {
    for (rel, _) in files {
        check_relative(rel)?;
    }
    let target = Target::resolve(dir)?;
    let lock = Lock::acquire(&target.sibling_name("lock"))?;
    let result = replace(dir, &target, files, method, lock.is_some(), hook);
    if let Some(lock) = lock {
        lock.release();
    }
    result
}

fn replace(
    shown: &Path,
    t: &Target,
    files: &[(String, impl AsRef<str>)],
    method: Method,
    locked: bool,
    hook: &mut dyn FnMut(Step) -> io::Result<()>,
) -> io::Result<()> {
    hook(Step::Locked)?;
    // Without the lock a leftover may belong to a live run: leave them all.
    if locked {
        recover(t)?;
    }
    hook(Step::Recovered)?;
    let existed = check_owned(shown, &t.path)?;
    let tmp = t.temp("new");
    let old = write_tree(&tmp, files, hook).and_then(|()| swap(t, &tmp, existed, method, hook));
    match old {
        Ok(old) => {
            if hook(Step::Durable).is_ok() {
                if let Some(old) = old {
                    // A failure only leaves a leftover that the next run removes.
                    if remove(&old).is_ok() {
                        let _ = hook(Step::Removed);
                    }
                }
            }
            Ok(())
        }
        Err(e) => {
            let _ = remove(&tmp);
            Err(e)
        }
    }
}

/// Puts the tree at `tmp` in place of the output and syncs the parent; returns where the
/// previous tree now is. On error the output is as before and `tmp` holds the new tree.
fn swap(
    t: &Target,
    tmp: &Path,
    existed: bool,
    method: Method,
    hook: &mut dyn FnMut(Step) -> io::Result<()>,
) -> io::Result<Option<PathBuf>> {
    if !existed {
        fs::rename(tmp, &t.path)?;
        if let Err(e) = hook(Step::MovedIn).and_then(|()| sync_dir(&t.parent)) {
            let _ = fs::rename(&t.path, tmp);
            return Err(e);
        }
        return Ok(None);
    }
    if method == Method::Exchange && exchange(tmp, &t.path)? {
        if let Err(e) = hook(Step::Exchanged).and_then(|()| sync_dir(&t.parent)) {
            let _ = exchange(tmp, &t.path);
            return Err(e);
        }
        return Ok(Some(tmp.to_path_buf()));
    }
    // Not atomic: between the renames there is no output directory.
    let old = t.temp("old");
    fs::rename(&t.path, &old)?;
    if let Err(e) = hook(Step::MovedAside).and_then(|()| fs::rename(tmp, &t.path)) {
        let _ = fs::rename(&old, &t.path);
        return Err(e);
    }
    if let Err(e) = hook(Step::MovedIn).and_then(|()| sync_dir(&t.parent)) {
        if fs::rename(&t.path, tmp).is_ok() {
            let _ = fs::rename(&old, &t.path);
        }
        return Err(e);
    }
    Ok(Some(old))
}

/// Writes the new tree: the marker, then every file; then syncs every file, then every
/// directory.
fn write_tree(
    tmp: &Path,
    files: &[(String, impl AsRef<str>)],
    hook: &mut dyn FnMut(Step) -> io::Result<()>,
) -> io::Result<()> {
    fs::create_dir(tmp)?;
    let marker = tmp.join(MARKER);
    write_file(&marker, MARKER_CONTENT)?;
    hook(Step::Created)?;
    let mut written = Vec::with_capacity(files.len() + 1);
    written.push(marker);
    let mut dirs = std::collections::BTreeSet::new();
    dirs.insert(tmp.to_path_buf());
    for (i, (rel, content)) in files.iter().enumerate() {
        let path = tmp.join(rel);
        if let Some(p) = path.parent() {
            if !dirs.contains(p) {
                fs::create_dir_all(p)?;
                for a in p.ancestors().take_while(|a| *a != tmp) {
                    dirs.insert(a.to_path_buf());
                }
            }
        }
        write_file(&path, content.as_ref())?;
        written.push(path);
        hook(Step::Wrote(i + 1))?;
    }
    sync_files(&written)?;
    // A file's name is durable only once its directory is synced.
    for d in &dirs {
        sync_dir(d)?;
    }
    hook(Step::Synced)
}

fn write_file(path: &Path, content: &str) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
    f.write_all(content.as_bytes())
}

/// Syncs every file to the device, a few at a time. Each sync waits for the device to flush,
/// and with several in flight it merges them: 4,000 small files took 1.05 s synced one by one
/// as each was written, 0.33 s written first and then synced eight at a time (measured on this
/// project's ext4 build machine; docs/benchmarks.md). The files are opened again for writing,
/// which every system accepts for a sync.
fn sync_files(paths: &[PathBuf]) -> io::Result<()> {
    const AT_ONCE: usize = 8;
    let sync = |chunk: &[PathBuf]| -> io::Result<()> {
        for p in chunk {
            OpenOptions::new().write(true).open(p)?.sync_all()?;
        }
        Ok(())
    };
    if paths.len() < 2 * AT_ONCE {
        return sync(paths);
    }
    let per_thread = paths.len().div_ceil(AT_ONCE);
    std::thread::scope(|scope| {
        let running: Vec<_> = paths
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || sync(chunk)))
            .collect();
        let mut result = Ok(());
        for r in running {
            let r = r
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("a file sync failed")));
            if result.is_ok() {
                result = r;
            }
        }
        result
    })
}

/// Only plain relative paths, so that every file lands inside the output directory.
fn check_relative(rel: &str) -> io::Result<()> {
    let plain = !rel.is_empty()
        && rel != MARKER
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{rel}` is not a plain relative path inside the output directory"),
        ))
    }
}

/// Whether the output exists (and may be replaced); an error if it must not be touched.
fn check_owned(shown: &Path, path: &Path) -> io::Result<bool> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    let refuse = |why: String| Err(io::Error::other(why));
    if !meta.is_dir() {
        return refuse(format!(
            "`{}` exists and is not a directory",
            shown.display()
        ));
    }
    if carries_marker(path) || fs::read_dir(path)?.next().is_none() {
        return Ok(true);
    }
    if path.join(MANIFEST).exists() {
        return refuse(format!(
            "`{}` has a {MANIFEST} but no {MARKER} marker: govc replaces only directories it \
             marked as its own (an older govc did not mark them); delete it or choose another \
             directory",
            shown.display()
        ));
    }
    refuse(format!(
        "`{}` is not empty and was not written by govc (no {MARKER} marker); choose an empty or \
         new directory",
        shown.display()
    ))
}

fn carries_marker(dir: &Path) -> bool {
    let path = dir.join(MARKER);
    let small_file = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 4096);
    small_file
        && fs::read_to_string(&path).is_ok_and(|s| s.split_whitespace().next() == Some(MARKER_TAG))
}

/// Removes the leftovers of killed runs. Run under the lock only: then no live run owns them.
fn recover(t: &Target) -> io::Result<()> {
    let mut olds = Vec::new();
    let mut news = Vec::new();
    for entry in fs::read_dir(&t.parent)? {
        let name = entry?.file_name();
        if t.is_temp(&name, "old") {
            olds.push(t.parent.join(name));
        } else if t.is_temp(&name, "new") {
            news.push(t.parent.join(name));
        }
    }
    // Killed between the fallback's two renames: the old output is aside and complete.
    let missing =
        matches!(fs::symlink_metadata(&t.path), Err(e) if e.kind() == io::ErrorKind::NotFound);
    if missing {
        if let [aside] = olds.as_slice() {
            if carries_marker(aside) {
                fs::rename(aside, &t.path)?;
                sync_dir(&t.parent)?;
                olds.clear();
            }
        }
    }
    for p in olds.iter().chain(&news) {
        // What cannot be removed now is tried again next time.
        let _ = remove(p);
    }
    Ok(())
}

fn remove(path: &Path) -> io::Result<()> {
    // `remove_dir_all` does not follow symbolic links.
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// The output directory as a real path (no symbolic links, `.` or `..`), so that its
/// temporary siblings and the lock are beside the directory that is replaced.
struct Target {
    parent: PathBuf,
    name: OsString,
    path: PathBuf,
}

impl Target {
    fn resolve(dir: &Path) -> io::Result<Target> {
        let invalid = |why: String| io::Error::new(io::ErrorKind::InvalidInput, why);
        let path = match fs::symlink_metadata(dir) {
            Ok(m) => match fs::canonicalize(dir) {
                Ok(real) => real,
                Err(e) if m.file_type().is_symlink() && e.kind() == io::ErrorKind::NotFound => {
                    let to = fs::read_link(dir).unwrap_or_default();
                    return Err(invalid(format!(
                        "`{}` is a symbolic link to `{}`, which does not exist; create that \
                         directory or remove the link",
                        dir.display(),
                        to.display()
                    )));
                }
                Err(e) => return Err(e),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let name = dir
                    .file_name()
                    .ok_or_else(|| invalid(format!("`{}` names no directory", dir.display())))?;
                let parent = match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                fs::create_dir_all(parent)?;
                fs::canonicalize(parent)?.join(name)
            }
            Err(e) => return Err(e),
        };
        match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => Ok(Target {
                parent: parent.to_path_buf(),
                name: name.to_os_string(),
                path: path.clone(),
            }),
            _ => Err(invalid(format!(
                "`{}` cannot be an output directory",
                dir.display()
            ))),
        }
    }

    /// `.NAME.govc-WHAT` beside the output.
    fn sibling_name(&self, what: &str) -> PathBuf {
        let mut s = OsString::from(".");
        s.push(&self.name);
        s.push(".govc-");
        s.push(what);
        self.parent.join(s)
    }

    /// A fresh `.NAME.govc-KIND-PID-N`: unique among the runs and the calls of this process.
    fn temp(&self, kind: &str) -> PathBuf {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        self.sibling_name(&format!("{kind}-{}-{n}", std::process::id()))
    }

    fn is_temp(&self, entry: &OsStr, kind: &str) -> bool {
        let mut prefix = OsString::from(".");
        prefix.push(&self.name);
        prefix.push(format!(".govc-{kind}-"));
        entry
            .as_encoded_bytes()
            .strip_prefix(prefix.as_encoded_bytes())
            .is_some_and(|rest| {
                !rest.is_empty() && rest.iter().all(|b| b.is_ascii_digit() || *b == b'-')
            })
    }
}

/// An exclusive advisory lock on `.NAME.govc-lock`, removed again on release.
#[cfg_attr(not(unix), allow(dead_code))]
struct Lock {
    file: File,
    path: PathBuf,
}

impl Lock {
    /// Blocks until no other govc writes this output. `None` where locking is unsupported.
    #[cfg(unix)]
    fn acquire(path: &Path) -> io::Result<Option<Lock>> {
        use rustix::fs::{flock, FlockOperation};
        use rustix::io::Errno;
        use std::os::unix::fs::MetadataExt;
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)?;
            loop {
                match flock(&file, FlockOperation::LockExclusive) {
                    Ok(()) => break,
                    Err(e) if e == Errno::INTR => continue,
                    Err(e)
                        if e == Errno::NOLCK
                            || e == Errno::NOSYS
                            || e == Errno::NOTSUP
                            || e == Errno::OPNOTSUPP
                            || e == Errno::INVAL =>
                    {
                        drop(file);
                        let _ = fs::remove_file(path);
                        return Ok(None);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            // The holder before us unlinks the file before unlocking it; a lock on an unlinked
            // file excludes nobody, so start again on the current one.
            let held = file.metadata()?;
            match fs::symlink_metadata(path) {
                Ok(now) if now.dev() == held.dev() && now.ino() == held.ino() => {
                    return Ok(Some(Lock {
                        file,
                        path: path.to_path_buf(),
                    }));
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }

    #[cfg(not(unix))]
    fn acquire(_path: &Path) -> io::Result<Option<Lock>> {
        Ok(None)
    }

    fn release(self) {
        // Unlink while still holding the lock (see `acquire`); closing the file unlocks it.
        let _ = fs::remove_file(&self.path);
        drop(self.file);
    }
}

/// Swaps two directories atomically; `false` where that is unsupported.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == Errno::INVAL
                || e == Errno::NOSYS
                || e == Errno::NOTSUP
                || e == Errno::OPNOTSUPP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// Makes the entries of a directory durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    match File::open(dir)?.sync_all() {
        // Some file systems cannot sync a directory; there is nothing more to do there.
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) => Ok(()),
        r => r,
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened as files here; renames are durable as the system makes them.
    Ok(())
}
