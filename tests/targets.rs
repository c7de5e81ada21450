//! R15 targets against achievements, and the optional `started_on` of releases.
//!
//! The hand case is a story in unit squares (1 unit = 0.01°, near 69°E 38°N) read from
//! small GeoPackages: region A holds hazard H1 (units 1..5 × 1..5), region B hazard H2
//! (12..14 × 1..3). R1 clears 1..3 × 1..5 of H1 in 2024, R2 reduces 3..5 × 1..3 of it in
//! 2025, nothing is released in B. So by hand: A released |1..3 × 1..5| in 2024 and
//! |3..5 × 1..3| in 2025, B nothing, `_national` what A released. Areas are the
//! rectangles' geodesic areas (the area function, itself checked against the ellipsoid
//! formula); percentages are the R15 formula written out. The sample's targets are checked
//! against its own `release_history.csv`, row by row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use gdal::vector::{LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, DriverManager};
use minefree::config::LayerKind;
use minefree::ingest::RawLayer;
use minefree::model::{Finding, Inputs, Severity};

use crate::common::{
    assert_close, csv_num, csv_rows, read_layer, root, text_fields, unit_rect, wkt_area_m2,
    write_gpkg_layer, write_two_regions_and_a_village, RELEASE_FIELDS,
};
use crate::operations::{minefree, sample_copy};

/// A rectangle of units (0.01°) as WKT.
fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    unit_rect(0.01, x0, y0, x1, y1)
}

/// The releases of the story: R1 and R2 release land; R3 and R4 lie outside every hazard
/// and only carry a bad `started_on`.
fn write_releases(path: &Path) {
    let fields = text_fields(&RELEASE_FIELDS);
    let (r1, r2, r3, r4) = (
        rect(1.0, 1.0, 3.0, 5.0),
        rect(3.0, 1.0, 5.0, 3.0),
        rect(16.0, 6.0, 17.0, 7.0),
        rect(17.0, 6.0, 18.0, 7.0),
    );
    let rows = [
        // started a month after it was completed: started_on treated as missing
        (
            vec!["R1", "cleared", "2024-05-01", "2024-06-01", "Org A"],
            r1.as_str(),
        ),
        (
            vec!["R2", "reduced", "2025-03-01", "2025-01-10", "Org B"],
            r2.as_str(),
        ),
        (
            vec!["R3", "cancelled", "2025-04-01", "not a date", ""],
            r3.as_str(),
        ),
        (
            vec!["R4", "cancelled", "2025-04-01", "1850-01-01", ""],
            r4.as_str(),
        ),
    ];
    write_gpkg_layer(path, "releases", 4326, &fields, &rows);
}

/// Hazards, releases, regions and settlements of the story in one GeoPackage.
fn write_story(path: &Path) {
    let (h1, h2) = (rect(1.0, 1.0, 5.0, 5.0), rect(12.0, 1.0, 14.0, 3.0));
    write_gpkg_layer(
        path,
        "hazards",
        4326,
        &text_fields(&["hazard_id", "status", "recorded_on"]),
        &[
            (vec!["H1", "CHA", "2020-01-01"], h1.as_str()),
            (vec!["H2", "SHA", "2020-01-01"], h2.as_str()),
        ],
    );
    write_releases(path);
    let (a, b) = (rect(0.0, 0.0, 10.0, 10.0), rect(10.0, 0.0, 20.0, 10.0));
    write_two_regions_and_a_village(path, &a, &b, "POINT(69.08 38.08)");
}

/// A GeoPackage attribute table (no geometry column at all) of targets, typed columns:
/// `(region_id, year, target_m2)`, `None` for NULL.
fn write_targets_table(path: &Path, rows: &[(&str, Option<i64>, Option<f64>)]) {
    write_targets_with("GPKG", path, rows);
}

/// [`write_targets_table`] through GDAL's `driver` (`GPKG`, `XLSX`…).
fn write_targets_with(driver: &str, path: &Path, rows: &[(&str, Option<i64>, Option<f64>)]) {
    let driver = DriverManager::get_driver_by_name(driver).unwrap();
    let mut ds = driver.create_vector_only(path).unwrap();
    let l = ds
        .create_layer(LayerOptions {
            name: "plan_targets",
            srs: None,
            ty: OGRwkbGeometryType::wkbNone,
            options: None,
        })
        .unwrap();
    for (name, ty) in [
        ("region_id", OGRFieldType::OFTString),
        ("year", OGRFieldType::OFTInteger),
        ("target_m2", OGRFieldType::OFTReal),
    ] {
        gdal::vector::FieldDefn::new(name, ty)
            .unwrap()
            .add_to_layer(&l)
            .unwrap();
    }
    for (region, year, target) in rows {
        let mut f = gdal::vector::Feature::new(l.defn()).unwrap();
        f.set_field_string(0, region).unwrap();
        if let Some(y) = year {
            f.set_field_integer(1, *y as i32).unwrap();
        }
        if let Some(t) = target {
            f.set_field_double(2, *t).unwrap();
        }
        f.create(&l).unwrap();
    }
}

/// The story's targets: every case of R15 (see [`hand_case_targets_against_the_ledger`]).
const TARGETS: [(&str, Option<i64>, Option<f64>); 10] = [
    ("A", Some(2024), Some(10_000_000.0)),
    ("A", Some(2025), Some(0.0)),
    ("B", Some(2024), Some(5_000.0)),
    ("_national", Some(2024), Some(20_000_000.0)),
    ("XX", Some(2024), Some(1_000.0)),
    ("A", Some(2027), Some(1_000.0)),
    ("A", None, Some(1_000.0)),
    ("B", Some(2025), Some(-5.0)),
    ("B", Some(2025), Some(1_000.0)),
    ("B", Some(2025), Some(2_000.0)),
];

fn write_pipeline(dir: &Path) -> PathBuf {
    let data = dir.join("story.gpkg");
    write_story(&data);
    write_targets_table(&dir.join("targets.gpkg"), &TARGETS);
    let d = dir.display();
    let toml = format!(
        r#"as_of = "2026-06-30"
output = "out"
[inputs.hazards]
source = "{d}/story.gpkg"
layer = "hazards"
[inputs.releases]
source = "{d}/story.gpkg"
layer = "releases"
[inputs.regions]
source = "{d}/story.gpkg"
layer = "regions"
[inputs.settlements]
source = "{d}/story.gpkg"
layer = "settlements"
[inputs.targets]
source = "{d}/targets.gpkg"
"#
    );
    let path = dir.join("story.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

fn close(got: Option<f64>, want: Option<f64>, what: &str) {
    assert_close(got, want, 1e-6, 0.0, what);
}

#[test]
fn hand_case_targets_against_the_ledger() {
    let tmp = tempfile::tempdir().unwrap();
    let pipeline = write_pipeline(tmp.path());
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &pipeline, &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    // By hand: the rectangles R1 and R2 leave released.
    let a_2024 = wkt_area_m2(&rect(1.0, 1.0, 3.0, 5.0));
    let a_2025 = wkt_area_m2(&rect(3.0, 1.0, 5.0, 3.0));
    let pct = |released: f64, target: f64| Some(100.0 * released / target);
    // (region_id, year, target_m2, released_m2, pct_achieved), by (region_id, year); the
    // two targets of B 2025 in input order; A 2027 (after D) and the bad rows not listed.
    let want: [TargetRowWanted; 7] = [
        ("A", 2024, 10e6, Some(a_2024), pct(a_2024, 10e6)),
        ("A", 2025, 0.0, Some(a_2025), None), // target 0: no percentage
        ("B", 2024, 5_000.0, Some(0.0), Some(0.0)),
        ("B", 2025, 1_000.0, Some(0.0), Some(0.0)),
        ("B", 2025, 2_000.0, Some(0.0), Some(0.0)),
        ("XX", 2024, 1_000.0, None, None), // unknown region: kept, no achievement
        ("_national", 2024, 20e6, Some(a_2024), pct(a_2024, 20e6)),
    ];
    let rows = csv_rows(&out.join("targets.csv"));
    assert_eq!(rows.len(), want.len(), "{rows:?}");
    for (row, (region, year, target, released, pct)) in rows.iter().zip(want) {
        let what = format!("{region} {year}");
        assert_eq!(row["region_id"], region, "{what}");
        assert_eq!(row["year"], year.to_string(), "{what}");
        close(csv_num(row, "target_m2"), Some(target), &what);
        close(csv_num(row, "released_m2"), released, &what);
        close(csv_num(row, "pct_achieved"), pct, &what);
    }
    // the same table in the GeoPackage and as Parquet
    assert_eq!(read_layer(&out.join("minefree.gpkg"), "targets").len(), 7);
    assert!(out.join("targets.parquet").is_file());

    let findings = csv_rows(&out.join("qa_findings.csv"));
    let targets: Vec<(&str, &str, &str)> = findings
        .iter()
        .filter(|f| f["layer"] == "targets")
        .map(|f| {
            (
                f["severity"].as_str(),
                f["check"].as_str(),
                f["feature_id"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        targets,
        [
            ("error", "bad_target", "A"),
            ("info", "target_after_as_of", "A"),
            ("error", "bad_target", "B"),
            ("error", "duplicate_id", "B"),
            ("error", "unknown_region", "XX"),
        ]
    );
}

/// The story's releases through ingest and QA: `started_on` read into `Release`, or
/// treated as missing with the finding that says why.
#[test]
fn started_on_is_read_and_a_bad_one_is_treated_as_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.gpkg");
    write_releases(&path);
    let spec = crate::common::plain_spec(LayerKind::Releases, &path);
    let layer = minefree::ingest::read_layer(&spec).unwrap();
    let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let (inputs, findings) = minefree::qa::check_layers(vec![layer], d("2026-06-30").unwrap());
    let started: Vec<(&str, Option<NaiveDate>)> = inputs
        .releases
        .iter()
        .map(|r| (r.release_id.as_str(), r.started_on))
        .collect();
    assert_eq!(
        started,
        [
            ("R1", None), // after completed_on
            ("R2", d("2025-01-10")),
            ("R3", None), // not a date
            ("R4", None), // 1850
        ]
    );
    let got: Vec<(&str, &str, Severity)> = findings
        .iter()
        .map(|f: &Finding| (f.feature_id.as_str(), f.check.as_str(), f.severity))
        .collect();
    assert_eq!(
        got,
        [
            ("R1", "started_after_completed", Severity::Warning),
            ("R3", "bad_date", Severity::Warning),
            ("R4", "date_out_of_range", Severity::Warning),
        ]
    );
}

#[test]
fn sample_targets_equal_the_release_history_of_their_year() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let history: BTreeMap<(String, String), f64> = csv_rows(&out.join("release_history.csv"))
        .iter()
        .map(|r| {
            let key = (r["region_id"].clone(), r["year"].clone());
            (key, csv_num(r, "released_m2").unwrap())
        })
        .collect();
    // sample-data/targets.csv, read independently (GDAL gives its numbers as text)
    let input = csv_rows(&root().join("sample-data/targets.csv"));
    let mut rows = csv_rows(&out.join("targets.csv"));
    assert_eq!(rows.len(), input.len());
    assert_eq!(rows.len(), 8);
    for want in &input {
        let at = rows
            .iter()
            .position(|r| r["region_id"] == want["region_id"] && r["year"] == want["year"])
            .unwrap_or_else(|| panic!("no row for {want:?}"));
        let row = rows.remove(at);
        let key = (want["region_id"].clone(), want["year"].clone());
        let released = history[&key];
        let target = csv_num(want, "target_m2").unwrap();
        assert_eq!(csv_num(&row, "target_m2"), Some(target), "{key:?}");
        assert_eq!(csv_num(&row, "released_m2"), Some(released), "{key:?}");
        let pct = csv_num(&row, "pct_achieved").unwrap();
        assert!(
            (pct - 100.0 * released / target).abs() <= 5e-5 + 1e-9 * released,
            "{key:?}: {pct}"
        );
    }
}

#[test]
fn a_wrong_key_under_inputs_targets_exits_2_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    // a table has no geometry and no CRS: wkt and crs are as unknown as a typo
    let p = sample_copy(tmp.path(), |t| {
        t.replace(
            "targets.csv\"",
            "targets.csv\"\nwkt = \"WKT\"\ncrs = \"EPSG:4326\"\nsheet = \"2024\"\n\
             [inputs.targets.fields]\nyear_of_plan = \"Y\"",
        )
    });
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for key in [
        "inputs.targets.wkt: unknown key",
        "inputs.targets.crs: unknown key",
        "inputs.targets.sheet: unknown key",
        "inputs.targets.fields.year_of_plan: unknown field",
    ] {
        assert!(stderr.contains(key), "{key} not in: {stderr}");
    }
}

/// Reads `path` as the targets input through ingest and QA.
fn read_targets(path: &Path) -> (RawLayer, Inputs, Vec<Finding>) {
    let spec = crate::common::plain_spec(LayerKind::Targets, path);
    let layer = minefree::ingest::read_layer(&spec).unwrap();
    let (inputs, findings) = minefree::qa::check_layers(
        vec![layer.clone()],
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    );
    (layer, inputs, findings)
}

/// The attribute table is read without a geometry or a CRS.
#[test]
fn a_table_without_geometry_is_read_with_no_crs() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("t.gpkg");
    write_targets_with("GPKG", &path, &TARGETS[..2]);
    let ds = Dataset::open(&path).unwrap();
    assert!(ds.layer(0).unwrap().spatial_ref().is_none());
    let (layer, inputs, findings) = read_targets(&path);
    assert!(!layer.crs_assumed);
    assert_eq!(layer.features.len(), 2);
    // no regions layer here: both name an unknown region, and are kept
    let checks: Vec<&str> = findings.iter().map(|f| f.check.as_str()).collect();
    assert_eq!(checks, ["unknown_region", "unknown_region"]);
    assert_eq!(inputs.targets.len(), 2);
    assert_eq!(inputs.targets[0].year, 2024);
    assert_eq!(inputs.targets[0].target_m2, 10e6);
}

/// A spreadsheet through GDAL's XLSX driver: the header row names the fields, the cells
/// are numbers.
#[test]
fn targets_are_read_from_a_spreadsheet() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("plan.xlsx");
    write_targets_with("XLSX", &path, &TARGETS[..4]);
    let (layer, inputs, _) = read_targets(&path);
    assert_eq!(layer.features.len(), 4);
    let got: Vec<(&str, i32, f64)> = inputs
        .targets
        .iter()
        .map(|t| (t.place.as_str(), t.year, t.target_m2))
        .collect();
    assert_eq!(
        got,
        [
            ("A", 2024, 10e6),
            ("A", 2025, 0.0),
            ("B", 2024, 5_000.0),
            ("_national", 2024, 20e6)
        ]
    );
}

/// A `targets` row as a test expects it: (region_id, year, target_m2, released_m2,
/// pct_achieved).
type TargetRowWanted = (&'static str, i64, f64, Option<f64>, Option<f64>);
