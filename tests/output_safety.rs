//! Issue 16's regressions: minefree never replaces what it did not write, never publishes
//! a partial picture, and turns pipeline-file typos that only the source reveals into
//! pipeline-file errors. Each test runs the real binary on real files and checks the
//! exit status, the message and that every byte outside minefree's own output is kept.

use std::path::Path;

use gdal::vector::LayerAccess;

use crate::common::root;
use crate::operations::{minefree, sample_copy, sample_with_source};

/// Every file under `dir` with its bytes, sorted by path (for before/after comparisons);
/// minefree's own lock files (`.<name>.lock`, holding the last run's pid) are left out.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() && !p.to_string_lossy().ends_with(".lock") {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn output_directory_minefree_did_not_write_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let inputs = tmp.path().join("my-inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("survey.csv"), b"id,notes\n1,keep me\n").unwrap();
    let before = tree(tmp.path());
    let o = minefree(&["run"], &p, &inputs);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a minefree output directory"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(tmp.path()), before, "nothing may be moved or created");
    // an output directory minefree wrote is still replaced as before
    let out = tmp.path().join("nightly");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
}

#[test]
fn output_path_that_is_a_regular_file_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let file = tmp.path().join("report.txt");
    std::fs::write(&file, b"my notes").unwrap();
    let before = tree(tmp.path());
    for _ in 0..2 {
        let o = minefree(&["run"], &p, &file);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("it is a file"), "{}", stderr(&o));
        assert_eq!(tree(tmp.path()), before);
    }
}

#[test]
fn symlinked_output_directory_keeps_the_link_and_writes_through_it() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let disk = tmp.path().join("big-disk");
    std::fs::create_dir(&disk).unwrap();
    let real = disk.join("nightly");
    let link = tmp.path().join("nightly");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for _ in 0..2 {
        let o = minefree(&["run"], &p, &link);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(real.join("run.json").is_file());
    }
}

/// Overwrites one leaf page of the `hazards` table of a copy of the sample GeoPackage,
/// so that SQLite fails part-way through the layer ("database disk image is malformed").
fn corrupt_one_hazard_page(dir: &Path) -> std::path::PathBuf {
    let gpkg = dir.join("national.gpkg");
    std::fs::copy(root().join("sample-data/national.gpkg"), &gpkg).unwrap();
    let (page, size) = {
        let ds = gdal::Dataset::open(&gpkg).unwrap();
        let int = |sql: &str| -> i64 {
            let mut rs = ds
                .execute_sql(sql, None, gdal::vector::sql::Dialect::DEFAULT)
                .unwrap()
                .unwrap();
            let f = rs.features().next().unwrap();
            f.field_as_integer64(0).unwrap().unwrap()
        };
        let page =
            int("SELECT max(pageno) FROM dbstat WHERE name = 'hazards' AND pagetype = 'leaf'");
        (page, int("PRAGMA page_size"))
    };
    let mut bytes = std::fs::read(&gpkg).unwrap();
    let start = ((page - 1) * size) as usize;
    bytes[start..start + size as usize].fill(0xff);
    std::fs::write(&gpkg, bytes).unwrap();
    gpkg
}

#[test]
fn partly_unreadable_layer_fails_the_run_and_keeps_last_nights_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &out).status.code(), Some(0));
    let gpkg = corrupt_one_hazard_page(tmp.path());
    let bad = sample_with_source(tmp.path(), "sample-data/national.gpkg", &gpkg);
    let before = tree(tmp.path());
    let o = minefree(&["run"], &bad, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(
        msg.contains("national.gpkg") && msg.contains("'hazards'"),
        "{msg}"
    );
    assert!(msg.contains("of the 42 features"), "{msg}");
    assert_eq!(tree(tmp.path()), before);
}

/// Adds `hazards_lines` to the sample's `[inputs.hazards]` and checks that `run` and
/// `validate` both stop with exit status 2, a message holding every `wanted` text, and no
/// output directory.
fn assert_pipeline_error(hazards_lines: &str, wanted: &[&str]) {
    assert_edited_pipeline_error(
        |t| {
            t.replace(
                "layer = \"hazards\"",
                &format!("layer = \"hazards\"\n{hazards_lines}"),
            )
        },
        wanted,
    );
}

/// The sample pipeline edited by `edit` makes `run` and `validate` both stop with exit
/// status 2, a message holding every `wanted` text, and no output directory.
fn assert_edited_pipeline_error(edit: impl Fn(String) -> String, wanted: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let p = sample_copy(tmp.path(), edit);
    for cmd in ["run", "validate"] {
        let o = minefree(&[cmd], &p, &out);
        let msg = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {msg}");
        assert!(wanted.iter().all(|w| msg.contains(w)), "{cmd}: {msg}");
        assert!(!out.exists());
    }
}

#[test]
fn where_filter_that_gdal_rejects_is_a_pipeline_error() {
    assert_pipeline_error(
        "where = \"status <> 'x' AND (((\"",
        &["inputs.hazards.where"],
    );
}

#[test]
fn field_mapped_to_a_missing_column_is_a_pipeline_error() {
    assert_pipeline_error(
        "[inputs.hazards.fields]\nrecorded_on = \"REC_DATE\"",
        &["inputs.hazards.fields.recorded_on", "REC_DATE"],
    );
}

#[test]
fn deadline_for_a_region_that_does_not_exist_is_a_pipeline_error() {
    // A typo of the sample's "TV-NO" (zero for the letter O), and a second unknown id:
    // both are listed with their keys.
    assert_edited_pipeline_error(
        |t| {
            t.replace(
                "\"TV-NO\" = \"2028-12-31\"",
                "\"TV-N0\" = \"2028-12-31\"\n\"XX-1\" = \"2029-01-01\"",
            )
        },
        &["deadlines.regions.TV-N0", "deadlines.regions.XX-1"],
    );
}

#[test]
fn fifo_as_source_is_refused_instead_of_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let fifo = tmp.path().join("settlements.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let p = sample_with_source(tmp.path(), "sample-data/settlements.csv", &fifo);
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    // the lock was released: a good run goes through at once
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &out).status.code(), Some(0));
}

#[test]
fn infinite_coordinate_skips_the_record_instead_of_failing_the_crs_test() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let csv = tmp.path().join("settlements.csv");
    let mut text = std::fs::read_to_string(root().join("sample-data/settlements.csv")).unwrap();
    text.push_str("S999,Nowhere,10,inf,38.0\n");
    std::fs::write(&csv, text).unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/settlements.csv", &csv);
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let qa = std::fs::read_to_string(out.join("qa_findings.csv")).unwrap();
    assert!(
        qa.lines().any(
            |l| l.starts_with("error,non_finite_coordinates,settlements") && l.contains("S999")
        ),
        "{qa}"
    );
}

#[test]
fn zero_byte_source_is_named_empty_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let empty = tmp.path().join("regions.geojson");
    std::fs::write(&empty, b"").unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/regions.geojson", &empty);
    let o = minefree(&["run"], &p, &out);
    let msg = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(msg.contains("the file is empty (0 bytes)"), "{msg}");
    assert!(!msg.contains("msg: ''"), "{msg}");
    assert!(!out.exists());
}

#[test]
fn source_field_named_geometry_is_kept_as_src_geometry() {
    use crate::common::{write_gpkg_layer, TestField};
    use gdal::vector::OGRFieldType;
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let gpkg = tmp.path().join("hazards.gpkg");
    let fields = [
        TestField("hazard_id", OGRFieldType::OFTString),
        TestField("status", OGRFieldType::OFTString),
        TestField("geometry", OGRFieldType::OFTString),
    ];
    let square = "POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38))";
    write_gpkg_layer(
        &gpkg,
        "hazards",
        4326,
        &fields,
        &[(vec!["H1", "CHA", "fenced"], square)],
    );
    let p = sample_with_source(tmp.path(), "sample-data/national.gpkg", &gpkg);
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = std::fs::File::open(out.join("remaining_hazards.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let src = df.column("src_geometry").unwrap();
    assert_eq!(src.str().unwrap().get(0), Some("fenced"));
    assert_eq!(df.column("geometry").unwrap().dtype(), &DataType::Binary);
}
