//! The output directory appears all at once or not at all (SPEC §6).
//!
//! A run writes into `.<name>.staging-<pid>` beside the output directory `<name>`, then
//! swaps it in: on Linux with `renameat2(RENAME_EXCHANGE)` (one atomic step, the old
//! outputs end up in the staging path and are deleted); elsewhere, or where the file
//! system refuses the exchange, with two renames through `.<name>.previous-<pid>`, which
//! the next run restores if a kill fell between them. A lock file `.<name>.lock` (an
//! advisory `flock`, released by the kernel when the process dies) keeps two runs from
//! writing the same output at once; the second one fails naming the holder's pid.
//! Leftover staging directories of killed runs are removed by the next run.
//!
//! Only a directory that minefree wrote is ever replaced (issue 16): the output path must
//! not exist yet, be an empty directory, or hold a `run.json` whose `program` is
//! `minefree`. A regular file, any other directory (an input folder, a mistyped `$HOME`)
//! or anything else is refused before anything is created, moved or locked. An output
//! path that is a symbolic link is followed: the outputs are staged and swapped beside
//! the link's target, so the link stays and the outputs land on the disk it points to.
//!
//! Issue 21 adds: `validate` never replaces a directory whose run.json says it holds a full
//! run (`"command": "run"`); an output directory that is a mount point (a docker volume)
//! is refused before any work, since no rename can replace it; files in the old output
//! directory that run.json does not list under `outputs` (an analyst's notes, a `.qgz`
//! project, a subfolder) are carried over into the new one (hard links, or copies across
//! file systems) and named in the log; a run.json without that list counts the names
//! minefree writes as its own. SIGTERM and SIGINT (see [`clean_up_on_signals`]) remove
//! the staging directory, wait for a swap in progress, and exit with 128 + the signal.

use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tracing::{info, warn};

use crate::report::outputs::OUTPUTS;
use crate::report::ReportError;

/// What a run writes, as run.json's `command` says: a full run may replace a validate's
/// output directory, a validate never replaces a full run's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// `minefree run`: every output.
    Run,
    /// `minefree validate`: the QA outputs only.
    Validate,
}

impl RunKind {
    /// The word in run.json's `command`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Run => "run",
            RunKind::Validate => "validate",
        }
    }
}

/// The staging directories of this process that a signal must remove; held during a swap
/// so that a signal waits for it to finish.
static ACTIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn active() -> MutexGuard<'static, Vec<PathBuf>> {
    ACTIVE.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(dir: &Path) {
    active().retain(|d| d != dir);
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// An exclusive lock on an output directory, held until dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: fs::File,
    path: PathBuf,
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // SAFETY: the descriptor belongs to `self.file`, which is still open.
        unsafe {
            libc::flock(self.file.as_raw_fd(), libc::LOCK_UN);
        }
        let _ = &self.path;
    }
}

/// A staging directory that will replace `target`.
#[derive(Debug)]
pub struct Staging {
    /// Where to write the outputs.
    pub dir: PathBuf,
    target: PathBuf,
    _lock: OutputLock,
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    target.with_file_name(format!(".{name}.{suffix}"))
}

/// The lock file's path for an output directory.
pub fn lock_path(target: &Path) -> PathBuf {
    sibling(target, "lock")
}

/// Takes the lock of `target` without waiting; the error names the holder.
pub fn lock(target: &Path) -> Result<OutputLock, ReportError> {
    let path = lock_path(target);
    let mut file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(io_err(&path))?;
    // SAFETY: flock on a descriptor we own.
    let rv = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rv != 0 {
        let holder = fs::read_to_string(&path).unwrap_or_default();
        return Err(ReportError::Io {
            path: target.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                format!(
                    "another minefree run (pid {}) is writing this output directory; try again when it has finished",
                    holder.trim()
                ),
            ),
        });
    }
    file.set_len(0).map_err(io_err(&path))?;
    write!(file, "{}", std::process::id()).map_err(io_err(&path))?;
    file.flush().map_err(io_err(&path))?;
    Ok(OutputLock { file, path })
}

/// Follows symbolic links of the output path itself (not of its parents) to the directory
/// they name, so that the link is kept and the outputs are written where it points.
fn resolve_links(target: &Path) -> Result<PathBuf, ReportError> {
    let mut path = target.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let dest = fs::read_link(&path).map_err(io_err(&path))?;
                path = match path.parent() {
                    Some(parent) if dest.is_relative() => parent.join(dest),
                    _ => dest,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(ReportError::NotOurs {
        path: target.to_path_buf(),
        reason: "too many levels of symbolic links".to_string(),
    })
}

/// What the run.json of an existing output directory says about it.
#[derive(Debug, Default)]
struct PreviousRun {
    /// `program` is `minefree`.
    ours: bool,
    /// `command` (`run` or `validate`), when recorded.
    command: Option<String>,
    /// `outputs`: the files that run wrote, when recorded.
    outputs: Option<Vec<String>>,
}

impl PreviousRun {
    /// `None` when `dir` has no readable run.json.
    fn read(dir: &Path) -> Option<PreviousRun> {
        let bytes = fs::read(dir.join("run.json")).ok()?;
        let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
        let text = |key: &str| v.get(key).and_then(|p| p.as_str()).map(str::to_string);
        let outputs = v.get("outputs").and_then(|o| o.as_array()).map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        });
        Some(PreviousRun {
            ours: text("program").as_deref() == Some("minefree"),
            command: text("command"),
            outputs,
        })
    }

    /// Whether the directory holds a full run's outputs (a run.json without `command`
    /// counts as one when the GeoPackage is there).
    fn is_full_run(&self, dir: &Path) -> bool {
        match self.command.as_deref() {
            Some(command) => command == RunKind::Run.as_str(),
            None => dir.join("minefree.gpkg").exists(),
        }
    }

    /// Whether minefree wrote the top-level entry `name` of the directory.
    fn wrote(&self, name: &str) -> bool {
        match &self.outputs {
            Some(outputs) => name == "run.json" || outputs.iter().any(|o| o == name),
            None => is_output_name(name),
        }
    }
}

/// Whether `name` is one minefree writes into an output directory (for a run.json that
/// does not list its files).
fn is_output_name(name: &str) -> bool {
    let single = [
        "run.json",
        "minefree.gpkg",
        "minefree.gpkg-journal",
        "minefree.gpkg-wal",
        "minefree.gpkg-shm",
        "report.html",
        "minefree.xlsx",
    ];
    single.contains(&name)
        || [".csv", ".parquet"].iter().any(|ext| {
            name.strip_suffix(ext)
                .is_some_and(|stem| OUTPUTS.iter().any(|t| t.name == stem))
        })
}

/// Whether `target` is missing or a directory that a run of `kind` may replace; the
/// error says why not.
fn check_replaceable(target: &Path, kind: RunKind) -> Result<(), ReportError> {
    let refuse = |reason: String| ReportError::NotOurs {
        path: target.to_path_buf(),
        reason,
    };
    let meta = match fs::metadata(target) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(target)(e)),
    };
    if !meta.is_dir() {
        return Err(refuse(
            "it is a file, not a directory (choose another `output` or `--output`)".to_string(),
        ));
    }
    let mut entries = fs::read_dir(target).map_err(io_err(target))?;
    if entries.next().is_none() {
        return Ok(());
    }
    match PreviousRun::read(target) {
        Some(previous) if previous.ours => {
            if kind == RunKind::Validate && previous.is_full_run(target) {
                return Err(refuse(
                    "it holds the outputs of a full `minefree run` (run.json says so), and \
                     `validate` never replaces them: choose another `--output` (without \
                     `--output`, validate writes to `<output>-validate`)"
                        .to_string(),
                ));
            }
            Ok(())
        }
        _ => Err(refuse(
            "the directory is not empty and holds no run.json written by minefree, so it is not \
             a minefree output directory (point `output` at a new or empty directory)"
                .to_string(),
        )),
    }
}

/// The device and mount of a directory, to tell a mount point from a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MountId {
    /// `st_dev`: the file system.
    pub dev: u64,
    /// `statx`'s mount id (tells a bind mount of the same file system), when the kernel
    /// gives it.
    pub mnt_id: Option<u64>,
}

impl MountId {
    /// The device and mount of `path`.
    pub fn of(path: &Path) -> std::io::Result<MountId> {
        Ok(MountId {
            dev: fs::metadata(path)?.dev(),
            mnt_id: mount_id(path),
        })
    }
}

/// Whether a directory with `dir`'s device and mount, inside a parent with `parent`'s, is
/// a mount point: another file system, or another mount of the same one.
pub fn is_mount_point(dir: MountId, parent: MountId) -> bool {
    dir.dev != parent.dev || matches!((dir.mnt_id, parent.mnt_id), (Some(a), Some(b)) if a != b)
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn mount_id(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero statx is a valid value of this plain C struct.
    let mut buf: libc::statx = unsafe { std::mem::zeroed() };
    // SAFETY: a valid NUL-terminated path and a buffer we own, for the call's duration.
    let rv = unsafe { libc::statx(libc::AT_FDCWD, c.as_ptr(), 0, libc::STATX_MNT_ID, &mut buf) };
    (rv == 0 && buf.stx_mask & libc::STATX_MNT_ID != 0).then_some(buf.stx_mnt_id)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn mount_id(_path: &Path) -> Option<u64> {
    None
}

/// Refuses an output directory that is a mount point (or `/`): the swap's rename would
/// fail with EBUSY only after the whole run.
fn refuse_mount_point(target: &Path) -> Result<(), ReportError> {
    if !fs::metadata(target).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let real = target.canonicalize().map_err(io_err(target))?;
    let mounted = match real.parent() {
        None => true,
        Some(parent) => is_mount_point(
            MountId::of(&real).map_err(io_err(&real))?,
            MountId::of(parent).map_err(io_err(parent))?,
        ),
    };
    if !mounted {
        return Ok(());
    }
    Err(ReportError::NotOurs {
        path: target.to_path_buf(),
        reason: format!(
            "it is a mount point (a volume or another file system is mounted there), which \
             cannot be replaced in one step: use a folder inside it, e.g. `--output {}`",
            real.join("minefree").display()
        ),
    })
}

/// Locks `target`, repairs what a killed run left, and creates a fresh staging directory;
/// refuses (before creating anything) a target that a run of `kind` may not replace.
pub fn begin(target: &Path, kind: RunKind) -> Result<Staging, ReportError> {
    let target = &resolve_links(target)?;
    refuse_mount_point(target)?;
    check_replaceable(target, kind)?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let lock = lock(target)?;
    recover(target)?;
    // checked again under the lock: another process may have written there meanwhile
    check_replaceable(target, kind)?;
    let dir = sibling(target, &format!("staging-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
    }
    active().push(dir.clone());
    if let Err(e) = fs::create_dir_all(&dir) {
        forget(&dir);
        return Err(io_err(&dir)(e));
    }
    Ok(Staging {
        dir,
        target: target.to_path_buf(),
        _lock: lock,
    })
}

/// Restores `.<name>.previous-*` when a kill fell between the two fallback renames, and
/// deletes leftover staging and previous directories.
fn recover(target: &Path) -> Result<(), ReportError> {
    let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    let prefix = sibling(target, "")
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let path = entry.path();
        if rest.starts_with("previous-") && !target.exists() {
            fs::rename(&path, target).map_err(io_err(&path))?;
        } else if rest.starts_with("previous-") || rest.starts_with("staging-") {
            // A leftover of a killed run (or a stray file with the same name).
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.map_err(io_err(&path))?;
        }
    }
    Ok(())
}

impl Staging {
    /// Carries over what minefree did not write, swaps the staging directory in place of
    /// the target and deletes the old outputs. On failure before the swap the staging
    /// directory is removed and the target left as it was.
    pub fn commit(self) -> Result<(), ReportError> {
        if let Err(e) = carry_over(&self.target, &self.dir) {
            self.abort();
            return Err(e);
        }
        // Held until the swap is done: a SIGTERM arriving now waits for it.
        let mut active = active();
        let result = self.swap();
        if self.dir.exists() {
            // the new outputs if the swap failed, the old ones if it succeeded
            let _ = fs::remove_dir_all(&self.dir);
        }
        active.retain(|d| d != &self.dir);
        result
    }

    fn swap(&self) -> Result<(), ReportError> {
        if !self.target.exists() {
            return fs::rename(&self.dir, &self.target).map_err(io_err(&self.target));
        }
        if exchange(&self.dir, &self.target).is_ok() {
            // The old outputs are now in the staging path (deleted by `commit`).
            return Ok(());
        }
        let previous = sibling(&self.target, &format!("previous-{}", std::process::id()));
        fs::rename(&self.target, &previous).map_err(io_err(&self.target))?;
        if let Err(e) = fs::rename(&self.dir, &self.target) {
            // put the old outputs back (the next run would, too)
            let _ = fs::rename(&previous, &self.target);
            return Err(io_err(&self.target)(e));
        }
        fs::remove_dir_all(&previous).map_err(io_err(&previous))
    }

    /// Deletes the staging directory, leaving the target untouched.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
        forget(&self.dir);
    }
}

/// Copies into `staging` every top-level entry of the old output directory `target` that
/// minefree did not write (see [`PreviousRun::wrote`]), refusing when the new outputs hold
/// one of the same name. Files are hard-linked (copied across file systems), folders
/// recreated, symbolic links recreated as links.
fn carry_over(target: &Path, staging: &Path) -> Result<(), ReportError> {
    let entries = match fs::read_dir(target) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(target)(e)),
    };
    // No run.json: the directory was empty when the run began, so nothing in it is ours.
    let previous = PreviousRun::read(target).unwrap_or_else(|| PreviousRun {
        outputs: Some(Vec::new()),
        ..PreviousRun::default()
    });
    let mut kept = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io_err(target))?;
        let name = entry.file_name();
        let text = name.to_string_lossy().into_owned();
        if previous.wrote(&text) {
            continue;
        }
        let dest = staging.join(&name);
        if fs::symlink_metadata(&dest).is_ok() {
            return Err(ReportError::NotOurs {
                path: target.to_path_buf(),
                reason: format!(
                    "it holds '{text}', which minefree did not write (run.json does not list \
                     it), and this run writes an output of that name: move or rename '{text}', \
                     then run again"
                ),
            });
        }
        keep(&entry.path(), &dest)?;
        kept.push(text);
    }
    if !kept.is_empty() {
        kept.sort();
        info!(
            kept = kept.join(", "),
            "kept what minefree did not write in the output directory"
        );
    }
    Ok(())
}

/// `src` recreated at `dest` (see [`carry_over`]).
fn keep(src: &Path, dest: &Path) -> Result<(), ReportError> {
    let meta = fs::symlink_metadata(src).map_err(io_err(src))?;
    let kind = meta.file_type();
    if kind.is_symlink() {
        let link = fs::read_link(src).map_err(io_err(src))?;
        std::os::unix::fs::symlink(link, dest).map_err(io_err(dest))
    } else if kind.is_dir() {
        fs::create_dir(dest).map_err(io_err(dest))?;
        for entry in fs::read_dir(src).map_err(io_err(src))? {
            let entry = entry.map_err(io_err(src))?;
            keep(&entry.path(), &dest.join(entry.file_name()))?;
        }
        fs::set_permissions(dest, meta.permissions()).map_err(io_err(dest))
    } else if kind.is_file() {
        fs::hard_link(src, dest)
            .or_else(|_| fs::copy(src, dest).map(|_| ()))
            .map_err(io_err(dest))
    } else {
        Err(ReportError::NotOurs {
            path: src.to_path_buf(),
            reason: "it is a special file (FIFO, socket or device) in the output directory, \
                     which minefree did not write and cannot carry over: move it elsewhere"
                .to_string(),
        })
    }
}

/// Makes SIGTERM and SIGINT end the process cleanly: a background thread waits for either,
/// then (after any swap in progress has finished) removes this process's staging
/// directories, logs one line and exits with status 128 + the signal (143, 130). The
/// output lock is released by the kernel as the process ends; its file stays, as after
/// every run. Call once, from the binary.
pub fn clean_up_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
    std::thread::Builder::new()
        .name("signals".to_string())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let dirs = active();
                for dir in dirs.iter() {
                    remove_staging(dir);
                }
                let name = if signal == SIGTERM {
                    "SIGTERM"
                } else {
                    "SIGINT"
                };
                warn!(
                    signal = name,
                    "stopped by {name}: staging directory removed, previous outputs left untouched"
                );
                // SAFETY: `_exit` ends the process at once (no atexit handlers that could
                // wait on locks the interrupted threads hold).
                unsafe { libc::_exit(128 + signal) }
            }
        })?;
    Ok(())
}

/// Removes a staging directory that writer threads may still be adding files to.
fn remove_staging(dir: &Path) {
    for _ in 0..20 {
        if fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// Atomically exchanges two paths (Linux `renameat2(RENAME_EXCHANGE)`).
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both strings are valid NUL-terminated paths for the duration of the call.
    let rv = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rv == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_point_is_another_device_or_another_mount() {
        let id = |dev, mnt_id| MountId { dev, mnt_id };
        assert!(!is_mount_point(id(2049, Some(30)), id(2049, Some(30))));
        assert!(!is_mount_point(id(2049, None), id(2049, Some(30))));
        assert!(is_mount_point(id(47, Some(612)), id(2049, Some(30))));
        assert!(is_mount_point(id(47, None), id(2049, None)));
        // a bind mount of the same file system: same st_dev, another mount id
        assert!(is_mount_point(id(2049, Some(613)), id(2049, Some(30))));
    }

    #[test]
    fn a_folder_and_the_root_are_told_apart() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(refuse_mount_point(tmp.path()).is_ok());
        assert!(refuse_mount_point(Path::new("/")).is_err());
    }

    #[test]
    fn what_minefree_wrote_is_the_listed_files_or_else_its_names() {
        let listed = PreviousRun {
            ours: true,
            command: Some("run".to_string()),
            outputs: Some(vec!["minefree.gpkg".to_string()]),
        };
        assert!(listed.wrote("minefree.gpkg") && listed.wrote("run.json"));
        assert!(!listed.wrote("changes.csv") && !listed.wrote("notes.txt"));
        let unlisted = PreviousRun {
            outputs: None,
            ..listed
        };
        for name in ["changes.csv", "region_summary.parquet", "report.html"] {
            assert!(unlisted.wrote(name), "{name}");
        }
        for name in [
            "notes.txt",
            "my.csv",
            "project.qgz",
            "region_summary.csv.bak",
        ] {
            assert!(!unlisted.wrote(name), "{name}");
        }
    }
}
