//! The fuzz campaign (issue 25 item 5): seeded proptest inputs thrown at every reader,
//! run by `make fuzz`, never by `make test` (every test here is `#[ignore]`d; `make test`
//! still compiles them so they do not rot).
//!
//! Targets: the pipeline-file parser and checker on mutated `pipelines/sample.toml`
//! ([`pipeline_file`]), field mappings to random source names ([`field_mapping`]), random
//! and adversarial rings through WKT/WKB into the repair kernel ([`geometry`]), and the
//! real binary's `validate` on byte-mutated copies of the sample's GeoPackage, GeoJSON,
//! CSV and Shapefile inputs ([`gdal_files`]). Each case runs under a panic catcher and a
//! wall-clock limit; a target fails with every crash, hang or unclear message it found.
//! `MINEFREE_FUZZ_CASES=N` sets every target's number of cases (defaults in each module:
//! 4–6 minutes in all on 2 shared cores). cargo-fuzz needs a nightly toolchain, which the
//! build machines do not have.

mod field_mapping;
mod gdal_files;
mod geometry;
mod harness;
mod pipeline_file;
