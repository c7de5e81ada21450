//! The integration test binary: one binary so that GDAL links once (STYLE.md).
//!
//! Expected values come from outside minefree: the shapely/pyproj oracle in
//! `tests/oracle/` (for the sample data), GEOS through GDAL, hand calculation, or
//! brute force.

mod common;
mod config_errors;
mod costs;
mod e2e_sample;
mod formats;
mod fuzz_regressions;
mod geos_oracle;
mod hand_cases;
mod init;
mod invocation_safety;
mod layers;
mod operations;
mod organisations;
mod output_safety;
mod properties;
mod qa_cases;
mod qa_safety;
mod qgis_project;
mod reading_safety;
mod targets;
mod values;
mod workbook;
