//! The writing half of `report`: everything that touches the disk (and the previous
//! run's GeoPackage, read back for `report::changes`).
//!
//! `gpkg` writes the [`crate::report::Table`]s into one GeoPackage (one transaction),
//! then `styles` and `project` store the rendered QGIS styles and project in it; `files`
//! writes CSV and (Geo)Parquet with polars, and `minefree.xlsx` is written from
//! `render::workbook`'s bytes and `report.html` from `render::html`'s text
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
pub mod zip;

use std::path::Path;

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
/// QGIS project, whose layout shows `region_table`) while the document `render` returns (`report.html`), then the CSV and
/// Parquet files are written on this one; returns the file names.
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
    let (gpkg_result, rest) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            gpkg::write_gpkg(&gpkg_path, &refs)?;
            styles::write_styles(&gpkg_path, &refs)?;
            let project = ProjectInputs::new(origin, &refs, region_table);
            project::write_project(&gpkg_path, &project)
        });
        // The document first: `render` may free what only it needs before the
        // (Geo)Parquet copies are encoded; its file is still listed last.
        let rest = write_document(dir, render()).and_then(|name| {
            let mut files = write_files(dir, tables)?;
            files.push(write_workbook(dir, &refs, &origin)?);
            files.extend(name);
            Ok(files)
        });
        (writer.join(), rest)
    });
    gpkg_result.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let mut files = vec!["minefree.gpkg".to_string()];
    files.extend(rest?);
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

/// `minefree.xlsx`: every table as a sheet (`render::workbook`); returns its name.
fn write_workbook(
    dir: &Path,
    tables: &[&Table],
    origin: &Origin<'_>,
) -> Result<String, ReportError> {
    let name = "minefree.xlsx";
    let path = dir.join(name);
    let bytes = crate::report::render::workbook::workbook(tables, origin).map_err(|e| {
        ReportError::Table {
            path: path.clone(),
            message: e.to_string(),
        }
    })?;
    std::fs::write(&path, bytes).map_err(|source| ReportError::Io { path, source })?;
    Ok(name.to_string())
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
