//! The writing half of `report`: everything that touches the disk (and the previous
//! run's GeoPackage, read back for `report::changes`).
//!
//! `gpkg` writes the [`crate::report::Table`]s into one GeoPackage (one transaction),
//! then `styles` and `project` store the rendered QGIS styles and project in it; `files`
//! writes CSV and (Geo)Parquet with polars, `render::workbook` streams `minefree.xlsx`
//! into its file, and `report.html` is written from `render::html`'s text
//! ([`Document`]); `previous` reads the previous run's GeoPackage for
//! `report::changes`; `run_json` builds `run.json`; `output`
//! stages all of it in a sibling directory and swaps it in; `zip` packs the `.qgz`.
//! Only this half of `report` touches GDAL or the file system.

pub mod files;
pub mod gpkg;
pub mod output;
pub mod previous;
pub mod project;
pub mod run_json;
pub mod styles;
pub mod wkb;
pub mod zip;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rust_xlsxwriter::XlsxError;

use crate::report::region_table::RegionTable;
use crate::report::render::qgs::{Origin, ProjectInputs};
use crate::report::{ReportError, Table};

/// A document rendered in memory (`render/`), to be written as the file `name`.
#[derive(Debug)]
pub struct Document {
    /// The file name in the output directory (`report.html`).
    pub name: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Writes the GeoPackage (GDAL, on its own thread: layers, then their styles, then the
/// QGIS project, whose layout shows `region_table` and whose extent a fourth thread
/// measures meanwhile) and `minefree.xlsx` (on a third thread) while the document
/// `render` returns (`report.html`), then the CSV and Parquet
/// files are written on this one; returns the file names: the GeoPackage, the CSV and
/// Parquet files, the workbook, the document. Errors come in that order too.
pub fn write_outputs(
    dir: &Path,
    tables: &[Table],
    origin: Origin<'_>,
    region_table: RegionTable,
    render: impl FnOnce() -> Option<Document>,
) -> Result<Vec<String>, ReportError> {
    let refs: Vec<&Table> = tables.iter().collect();
    for table in &refs {
        table.check_finite()?;
    }
    let gpkg_path = dir.join("minefree.gpkg");
    let (refs, gpkg_path) = (&refs, &gpkg_path);
    let (gpkg_result, workbook_result, rest) = std::thread::scope(|scope| {
        // the project's extent, a pass over every output geometry, is measured beside the
        // writers (at the end of the GeoPackage's thread it was the run's last long step)
        let project = scope.spawn(move || ProjectInputs::new(origin, refs, region_table));
        let writer = scope.spawn(move || {
            gpkg::write_gpkg(gpkg_path, refs)?;
            styles::write_styles(gpkg_path, refs)?;
            let project = project
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            project::write_project(gpkg_path, &project)
        });
        let workbook = scope.spawn(|| write_workbook(dir, refs, &origin));
        // The document first: `render` may free what only it needs before the
        // (Geo)Parquet copies are encoded; its file is still listed last.
        let rest =
            write_document(dir, render()).and_then(|name| Ok((write_files(dir, tables)?, name)));
        (writer.join(), workbook.join(), rest)
    });
    gpkg_result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let (mut files, document) = rest?;
    files.insert(0, "minefree.gpkg".to_string());
    files.push(workbook_result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
    files.extend(document);
    Ok(files)
}

/// Writes `document` into `dir`; returns its name.
fn write_document(dir: &Path, document: Option<Document>) -> Result<Option<String>, ReportError> {
    let Some(Document { name, bytes }) = document else {
        return Ok(None);
    };
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|source| ReportError::Io { path, source })?;
    Ok(Some(name.to_string()))
}

/// `minefree.xlsx`: every table as a sheet (`render::workbook`), streamed into its file
/// (the rows wait in unnamed temporary files in `dir`); returns its name.
fn write_workbook(
    dir: &Path,
    tables: &[&Table],
    origin: &Origin<'_>,
) -> Result<String, ReportError> {
    let name = "minefree.xlsx";
    let path = dir.join(name);
    system_temp_dir_is_writable()?;
    let file = File::create(&path).map_err(|source| ReportError::Io {
        path: path.clone(),
        source,
    })?;
    let mut out = KeepError {
        inner: BufWriter::new(file),
        error: None,
    };
    // rust_xlsxwriter panics when it cannot write the sheets' rows to their temporary
    // files (a full disk, a file size limit): that is this file's error, not a crash
    let rendered = catch_quietly(|| {
        crate::report::render::workbook::workbook(tables, origin, dir, &mut out)
            .and_then(|()| Ok(out.flush()?))
    })
    .map_err(|panic| ReportError::Table {
        path: path.clone(),
        message: format!(
            "the sheets' rows could not be written to their temporary files in {}: {panic}",
            dir.display()
        ),
    })?;
    if let Err(e) = rendered {
        // A full disk is the file's I/O error, as when the bytes were written at once.
        return Err(match (out.error, e) {
            (Some(source), _) | (None, XlsxError::IoError(source)) => {
                ReportError::Io { path, source }
            }
            (None, other) => ReportError::Table {
                path,
                message: other.to_string(),
            },
        });
    }
    Ok(name.to_string())
}

thread_local! {
    /// A panic on this thread is caught by [`catch_quietly`], which reports it.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into its message, without the panic hook's report
/// on stderr (the caller reports it as an error). Panics elsewhere are reported as ever.
fn catch_quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    caught.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_else(|| "the writer stopped".to_string())
    })
}

/// rust_xlsxwriter opens a temporary file in the system's temporary directory (`TMPDIR`)
/// for every new sheet, before it moves to `dir`, and panics if it cannot: this says why
/// instead. The probe file has a name of its own (two runs in one process, as in the
/// tests, each probe: a name made of the process id alone clashed) and is removed at
/// once. The pipeline asks before the analysis (a night's run fails in a second, not
/// after the work), and the workbook again.
pub fn system_temp_dir_is_writable() -> Result<(), ReportError> {
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temp_dir = std::env::temp_dir();
    let probe = temp_dir.join(format!(".minefree-probe-{}-{n}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| ReportError::Table {
            path: temp_dir,
            message: format!(
                "minefree.xlsx needs a writable temporary directory (set TMPDIR): {e}"
            ),
        })
}

/// A writer that keeps the first error of the one it wraps (the file), which the zip
/// writer inside rust_xlsxwriter hands back wrapped in its own error type.
struct KeepError<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W> KeepError<W> {
    /// Keeps `error` if it is the first, and returns one of the same kind and words.
    fn keep(&mut self, error: std::io::Error) -> std::io::Error {
        if error.kind() == std::io::ErrorKind::Interrupted {
            return error; // retried by the caller, not a failure
        }
        let copy = std::io::Error::new(error.kind(), error.to_string());
        self.error.get_or_insert(error);
        copy
    }
}

impl<W: Write> Write for KeepError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().map_err(|e| self.keep(e))
    }
}

/// CSV and (Geo)Parquet copies of the tables, as their kinds say
/// ([`crate::report::outputs::TableSpec`]).
fn write_files(dir: &Path, tables: &[Table]) -> Result<Vec<String>, ReportError> {
    let mut files = Vec::new();
    for table in tables {
        let spec = table.kind.spec();
        if spec.csv {
            let name = format!("{}.csv", spec.name);
            files::write_csv(&dir.join(&name), table)?;
            files.push(name);
        }
        if spec.csv || spec.geoparquet {
            let name = format!("{}.parquet", spec.name);
            files::write_parquet(&dir.join(&name), table, spec.geoparquet)?;
            files.push(name);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::outputs::TableKind;
    use crate::report::{Column, Values};
    use chrono::NaiveDate;

    #[test]
    fn a_panic_caught_quietly_is_its_message() {
        assert_eq!(catch_quietly(|| 7), Ok(7));
        let text = String::from("no space");
        assert_eq!(
            catch_quietly(|| -> u8 { panic!("{text} left") }),
            Err("no space left".to_string())
        );
        assert_eq!(
            catch_quietly(|| -> u8 { std::panic::panic_any(3_u8) }),
            Err("the writer stopped".to_string())
        );
        // the flag is cleared again: a later panic on this thread is reported as ever
        assert!(!QUIET.with(std::cell::Cell::get));
    }

    #[test]
    fn a_full_disk_under_the_workbook_is_the_files_io_error() {
        // /dev/full refuses every write with ENOSPC, as a full disk does; the rows'
        // temporary files still go to the (writable) directory.
        let dir = tempfile::tempdir().expect("temporary directory");
        std::os::unix::fs::symlink("/dev/full", dir.path().join("minefree.xlsx")).expect("symlink");
        let mut table = Table::new(TableKind::Funding);
        table.columns.push(Column {
            name: "funding".to_string(),
            values: Values::Real(vec![Some(1.5); 1000]),
        });
        let origin = Origin {
            file_name: "p.toml",
            name: "p",
            as_of: NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date"),
        };
        match write_workbook(dir.path(), &[&table], &origin) {
            Err(ReportError::Io { path, source }) => {
                assert_eq!(path, dir.path().join("minefree.xlsx"));
                assert_eq!(source.raw_os_error(), Some(libc::ENOSPC), "{source}");
            }
            other => panic!("expected the file's I/O error, got {other:?}"),
        }
    }
}
