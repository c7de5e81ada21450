//! The writing half of `report`: everything that puts bytes on disk.
//!
//! `gpkg` writes the [`crate::report::Table`]s into one GeoPackage (one transaction),
//! then `styles` and `project` store the rendered QGIS styles and project in it; `files`
//! writes CSV and (Geo)Parquet with polars; `run_json` builds `run.json`; `output`
//! stages all of it in a sibling directory and swaps it in; `zip` packs the `.qgz`.
//! Only this half of `report` touches GDAL or the file system.

pub mod files;
pub mod gpkg;
pub mod output;
pub mod project;
pub mod run_json;
pub mod styles;
pub mod zip;
