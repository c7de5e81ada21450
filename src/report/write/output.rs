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

use std::fs;
use std::io::Write;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use crate::report::ReportError;

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

/// Whether `target` is missing or a directory that minefree may replace; the error says
/// why not.
fn check_replaceable(target: &Path) -> Result<(), ReportError> {
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
    let run_json = target.join("run.json");
    let ours = fs::read(&run_json)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|v| v.get("program").and_then(|p| p.as_str()) == Some("minefree"));
    if ours {
        Ok(())
    } else {
        Err(refuse(
            "the directory is not empty and holds no run.json written by minefree, so it is not \
             a minefree output directory (point `output` at a new or empty directory)"
                .to_string(),
        ))
    }
}

/// Locks `target`, repairs what a killed run left, and creates a fresh staging directory.
pub fn begin(target: &Path) -> Result<Staging, ReportError> {
    let target = &resolve_links(target)?;
    check_replaceable(target)?;
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let lock = lock(target)?;
    recover(target)?;
    // checked again under the lock: another process may have written there meanwhile
    check_replaceable(target)?;
    let dir = sibling(target, &format!("staging-{}", std::process::id()));
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(io_err(&dir))?;
    }
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
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
    /// Swaps the staging directory in place of the target and deletes the old outputs.
    pub fn commit(self) -> Result<(), ReportError> {
        if !self.target.exists() {
            return fs::rename(&self.dir, &self.target).map_err(io_err(&self.target));
        }
        if exchange(&self.dir, &self.target).is_ok() {
            // The old outputs are now in the staging path.
            return fs::remove_dir_all(&self.dir).map_err(io_err(&self.dir));
        }
        let previous = sibling(&self.target, &format!("previous-{}", std::process::id()));
        fs::rename(&self.target, &previous).map_err(io_err(&self.target))?;
        fs::rename(&self.dir, &self.target).map_err(io_err(&self.target))?;
        fs::remove_dir_all(&previous).map_err(io_err(&previous))
    }

    /// Deletes the staging directory, leaving the target untouched.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
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
