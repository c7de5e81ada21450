//! # minefree
//!
//! A nightly batch pipeline for mine action information management: from hazard polygons
//! (suspected/confirmed hazardous areas) and land-release records (cancelled, reduced,
//! cleared) it computes how much contaminated land remains per hazard and per region
//! (never double counting overlapping records), which hazards to clear first because
//! people live near them, how fast land is being released and when each region will be
//! finished, plus a QA report of every problem in the inputs.
//!
//! ```text
//! pipelines/*.toml ─▶ config ─▶ ingest ─▶ qa ─▶ analysis ─▶ report
//! ```
//!
//! * [`geom`]: the geometry kernel (repair, overlays, clipping, geodesic area and
//!   distance), pure functions on `geo` types that know nothing of records.
//! * [`config`]: pipeline file → checked [`config::Pipeline`] (every problem at once).
//! * [`ingest`]: any GDAL/OGR source → raw records in EPSG:4326 (lon, lat).
//! * [`qa`]: raw records → [`model`] types, repairing geometry (R1) and applying the
//!   as-of date (R2); every problem becomes a [`model::Finding`].
//! * [`index`]: `rstar` trees that find candidates (used by the analysis, not a stage).
//! * [`analysis`]: R3–R15 on model types only (no GDAL).
//! * [`report`]: tables, then `write` (GeoPackage, CSV, (Geo)Parquet, `run.json`, staged
//!   then swapped in) and `render` (report.html, QGIS styles and project).
//! * [`init`]: `minefree init`, a draft pipeline file from what the sources hold.
//! * [`memory`]: memory housekeeping between stages.
//! * [`digest`]: SHA-256 of inputs and pipeline files.
//! * [`pipeline`]: the stage order and timings.
//! * [`progress`]: items done of the running stage, for the terminal's progress bar.
//! * [`gdal_errors`]: GDAL's error messages, collected per thread and put in words.
//!
//! Which module may use which is ARCHITECTURE.md's rule, enforced by `tests/layers.rs`.
//!
//! Units: areas are geodesic square metres on WGS84 (`*_m2`), distances geodesic metres
//! (`*_m`), dates are calendar dates without time zone.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod digest;
pub mod gdal_errors;
pub mod geom;
pub mod index;
pub mod ingest;
pub mod init;
pub mod memory;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod qa;
pub mod report;
