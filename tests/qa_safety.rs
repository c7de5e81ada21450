//! Never a wrong picture with exit 0 (issue 21): inputs that used to publish a plausible
//! but wrong picture are QA findings, and those that make the picture meaningless (an
//! empty `hazards` or `regions` layer, a reserved region id) refuse the run with exit 1
//! and leave the previous outputs untouched. Process-level cases run the real binary on
//! the sample data with one source replaced; expected counts come from the inputs as
//! written here (how many records, which ids), never from minefree's output.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::vector::{LayerAccess, OGRFieldType};
use geo::{MultiPolygon, Rect};
use minefree::analysis::regions::land_by_region;
use minefree::analysis::release::account_hazards;
use minefree::config::LayerKind;
use minefree::geom::ring::normalize;
use minefree::model::{Finding, Hazard, Inputs, Severity, Status};

use crate::common::{root, stderr, write_gpkg_layer, TestField};
use crate::operations::{minefree, sample_copy, sample_with_source};

/// The QA findings of a finished run or validate, as (check, layer, feature_id, severity).
fn qa_rows(out: &Path) -> Vec<(String, String, String, String)> {
    let text = std::fs::read_to_string(out.join("qa_findings.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (c, l, f, s) = (
        col("check"),
        col("layer"),
        col("feature_id"),
        col("severity"),
    );
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            (
                cells[c].to_string(),
                cells[l].to_string(),
                cells[f].to_string(),
                cells[s].to_string(),
            )
        })
        .collect()
}

/// Runs the sample into `out` (exit 0) and returns region_summary.csv and run.json.
fn good_run(dir: &Path, out: &Path) -> (Vec<u8>, Vec<u8>) {
    // (in a folder of its own: `sample_copy` writes p.toml, as the bad pipeline did)
    let dir = dir.join("good");
    std::fs::create_dir_all(&dir).unwrap();
    let good = sample_copy(&dir, |t| t);
    let o = minefree(&["run"], &good, out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (
        std::fs::read(out.join("region_summary.csv")).unwrap(),
        std::fs::read(out.join("run.json")).unwrap(),
    )
}

/// Runs `pipeline` over last night's outputs in `out` and `validate` into a fresh
/// directory: both exit 1 with `needle` in the message, and `out` is untouched.
fn assert_refused(dir: &Path, pipeline: &Path, out: &Path, needles: &[&str]) {
    let (summary, run_json) = good_run(dir, out);
    let o = minefree(&["run"], pipeline, out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let message = stderr(&o);
    assert!(
        message.contains("previous outputs left untouched"),
        "{message}"
    );
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    assert_eq!(
        std::fs::read(out.join("region_summary.csv")).unwrap(),
        summary
    );
    assert_eq!(std::fs::read(out.join("run.json")).unwrap(), run_json);
    let check = dir.join("check");
    let o = minefree(&["validate"], pipeline, &check);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    for needle in needles {
        assert!(stderr(&o).contains(needle), "validate: {}", stderr(&o));
    }
    assert!(!check.exists(), "validate wrote nothing");
}

fn hazard_fields() -> [TestField; 4] {
    [
        TestField("hazard_id", OGRFieldType::OFTString),
        TestField("status", OGRFieldType::OFTString),
        TestField("hazard_type", OGRFieldType::OFTString),
        TestField("recorded_on", OGRFieldType::OFTString),
    ]
}

// ---- item 6: settlements read with x and y swapped --------------------------------

/// The ids of the points of a sample CSV (`id`, lon, lat read by `point`) that GDAL
/// (GEOS) finds in no region of sample-data/regions.geojson, and how many points it has.
fn outside_by_gdal(
    csv: &str,
    point: impl Fn(&[&str]) -> (f64, f64),
    swap: bool,
) -> (Vec<String>, usize) {
    let ds = gdal::Dataset::open(root().join("sample-data/regions.geojson")).unwrap();
    let mut layer = ds.layer(0).unwrap();
    let regions: Vec<gdal::vector::Geometry> = layer
        .features()
        .map(|f| f.geometry().unwrap().clone())
        .collect();
    let text = std::fs::read_to_string(root().join("sample-data").join(csv)).unwrap();
    let mut outside = Vec::new();
    let mut n = 0;
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (x, y) = point(&cells);
        let (x, y) = if swap { (y, x) } else { (x, y) };
        let p = gdal::vector::Geometry::from_wkt(&format!("POINT ({x} {y})")).unwrap();
        n += 1;
        if !regions.iter().any(|r| r.intersects(&p)) {
            outside.push(cells[0].to_string());
        }
    }
    (outside, n)
}

fn settlement_lon_lat(cells: &[&str]) -> (f64, f64) {
    (cells[3].parse().unwrap(), cells[4].parse().unwrap())
}

fn accident_lon_lat(cells: &[&str]) -> (f64, f64) {
    let wkt = cells[3].trim_start_matches("POINT (").trim_end_matches(')');
    let (x, y) = wkt.split_once(' ').unwrap();
    (x.parse().unwrap(), y.parse().unwrap())
}

fn ids_of(rows: &[(String, String, String, String)], check: &str, layer: &str) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .iter()
        .filter(|r| r.0 == check && r.1 == layer)
        .map(|r| r.2.clone())
        .collect();
    ids.sort();
    ids
}

#[test]
fn settlements_read_with_x_and_y_swapped_are_a_qa_error() {
    let tmp = tempfile::tempdir().unwrap();
    let swapped = sample_copy(tmp.path(), |t| {
        t.replace("x = \"lon\"\ny = \"lat\"", "x = \"lat\"\ny = \"lon\"")
    });
    assert!(std::fs::read_to_string(&swapped)
        .unwrap()
        .contains("x = \"lat\""));
    let out = tmp.path().join("swapped");
    let o = minefree(&["run"], &swapped, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = qa_rows(&out);
    let swapped_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.0 == "coordinates_swapped")
        .collect();
    assert_eq!(swapped_rows.len(), 1, "{rows:?}");
    assert_eq!(swapped_rows[0].1, "settlements");
    assert_eq!(swapped_rows[0].3, "error");
    // Read as (lat, lon) every settlement lies outside; read right, GEOS finds all but
    // those outside every region inside one.
    let (read_swapped, n) = outside_by_gdal("settlements.csv", settlement_lon_lat, true);
    let (read_right, _) = outside_by_gdal("settlements.csv", settlement_lon_lat, false);
    assert_eq!(read_swapped.len(), n);
    // The layer's error stands for its points: no warning per settlement.
    assert!(ids_of(&rows, "point_outside_regions", "settlements").is_empty());
    // The accidents were read right: ACC-07 alone lies outside.
    assert_eq!(
        ids_of(&rows, "point_outside_regions", "accidents"),
        vec!["ACC-07"]
    );
    let text = std::fs::read_to_string(out.join("qa_findings.csv")).unwrap();
    let message = format!(
        "{n} of {n} settlements fall outside every region; with longitude and latitude swapped {} would fall inside",
        n - read_right.len()
    );
    assert!(text.contains(&message), "{message} not in {text}");
}

#[test]
fn the_sample_has_no_swapped_layer_and_its_points_outside_regions_are_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("check");
    assert_eq!(minefree(&["validate"], &good, &out).status.code(), Some(0));
    let rows = qa_rows(&out);
    assert!(
        !rows.iter().any(|r| r.0 == "coordinates_swapped"),
        "{rows:?}"
    );
    // The sample has a settlement and an accident just across the southern border.
    let (settlements, _) = outside_by_gdal("settlements.csv", settlement_lon_lat, false);
    let (accidents, _) = outside_by_gdal("accidents.csv", accident_lon_lat, false);
    assert_eq!(settlements, vec!["S023"]);
    assert_eq!(accidents, vec!["ACC-07"]);
    assert_eq!(
        ids_of(&rows, "point_outside_regions", "settlements"),
        settlements
    );
    assert_eq!(
        ids_of(&rows, "point_outside_regions", "accidents"),
        accidents
    );
}

// ---- item 8: reserved region ids --------------------------------------------------

#[test]
fn region_named_national_in_any_case_refuses_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("sample-data/regions.geojson")).unwrap();
    assert!(text.contains("\"TV-WE\""));
    let regions = tmp.path().join("regions.geojson");
    std::fs::write(&regions, text.replace("\"TV-WE\"", "\" _National \"")).unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/regions.geojson", &regions);
    assert_refused(
        tmp.path(),
        &p,
        &tmp.path().join("nightly"),
        &["region_id '_National' is reserved"],
    );
}

#[test]
fn region_named_outside_refuses_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("sample-data/regions.geojson")).unwrap();
    let regions = tmp.path().join("regions.geojson");
    std::fs::write(&regions, text.replace("\"TV-SO\"", "\"_outside\"")).unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/regions.geojson", &regions);
    assert_refused(
        tmp.path(),
        &p,
        &tmp.path().join("nightly"),
        &["region_id '_outside' is reserved"],
    );
}

// ---- item 9: empty hazards or regions layer ---------------------------------------

#[test]
fn empty_hazards_layer_refuses_the_run_whatever_fail_on_says() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.gpkg");
    write_gpkg_layer(&empty, "hazards", 4326, &hazard_fields(), &[]);
    let p = sample_with_source(tmp.path(), "sample-data/national.gpkg", &empty);
    assert!(std::fs::read_to_string(&p)
        .unwrap()
        .contains("fail_on = \"never\""));
    assert_refused(
        tmp.path(),
        &p,
        &tmp.path().join("nightly"),
        &[
            "the hazards layer is empty (0 features read from",
            "empty.gpkg",
            "a failed export?",
            "0 m² remaining",
        ],
    );
}

#[test]
fn hazards_layer_of_only_null_geometries_refuses_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let nulls = tmp.path().join("nulls.gpkg");
    let rows = [
        (vec!["H1", "CHA", "AP", "2020-01-01"], ""),
        (vec!["H2", "SHA", "AP", "2020-01-01"], ""),
    ];
    write_gpkg_layer(&nulls, "hazards", 4326, &hazard_fields(), &rows);
    let p = sample_with_source(tmp.path(), "sample-data/national.gpkg", &nulls);
    assert_refused(
        tmp.path(),
        &p,
        &tmp.path().join("nightly"),
        &["the hazards layer has no usable record (2 features read from"],
    );
}

#[test]
fn empty_regions_layer_refuses_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("regions.gpkg");
    let fields = [
        TestField("region_id", OGRFieldType::OFTString),
        TestField("name", OGRFieldType::OFTString),
    ];
    write_gpkg_layer(&empty, "regions", 4326, &fields, &[]);
    let p = sample_with_source(tmp.path(), "sample-data/regions.geojson", &empty);
    assert_refused(
        tmp.path(),
        &p,
        &tmp.path().join("nightly"),
        &[
            "the regions layer is empty (0 features read from",
            "every hazard under _outside",
        ],
    );
}

// ---- item 15: overlapping hazards, one finding per hazard -------------------------

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    let u = 0.01;
    normalize(MultiPolygon::new(vec![Rect::new(
        (69.0 + x0 * u, 38.0 + y0 * u),
        (69.0 + x1 * u, 38.0 + y1 * u),
    )
    .to_polygon()]))
}

fn hazard(id: &str, geometry: MultiPolygon<f64>) -> Hazard {
    Hazard {
        hazard_id: id.to_string(),
        status: Status::Sha,
        hazard_type: None,
        recorded_on: None,
        geometry,
        extra: vec![],
    }
}

fn overlap_findings(hazards: &[Hazard]) -> Vec<Finding> {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let (accounts, _) = account_hazards(hazards, &[], as_of);
    let mut f: Vec<Finding> = land_by_region(hazards, &accounts, &[])
        .findings
        .into_iter()
        .filter(|f| f.check == "overlapping_hazards")
        .collect();
    f.sort_by(|a, b| a.feature_id.cmp(&b.feature_id));
    f
}

#[test]
fn copies_of_one_hazard_give_one_finding_per_hazard_not_per_pair() {
    // 300 copies: 300 × 299 / 2 = 44 850 pairs once gave as many findings.
    let n = 300;
    let hazards: Vec<Hazard> = (0..n)
        .map(|k| hazard(&format!("H{k:03}"), square(0.0, 0.0, 1.0, 1.0)))
        .collect();
    let f = overlap_findings(&hazards);
    assert_eq!(f.len(), n);
    for finding in &f {
        assert_eq!(finding.severity, Severity::Info);
        assert!(finding.geometry.is_none());
        assert!(
            finding
                .message
                .starts_with("overlaps 299 other hazard records ("),
            "{}",
            finding.message
        );
    }
    // H000 overlaps H001..H299: the five lowest ids are named, then the rest counted.
    assert_eq!(
        f[0].message,
        "overlaps 299 other hazard records (H001, H002, H003, H004, H005 and 294 more); the land is counted once"
    );
}

#[test]
fn a_chain_of_three_overlaps_names_each_hazards_neighbours() {
    // A = [0,2]×[0,1], B = [1,3]×[0,1], C = [2.5,4]×[0,1]: A∩B and B∩C have area, A and
    // C are apart; D touches C along x = 4 only (no shared area).
    let hazards = vec![
        hazard("A", square(0.0, 0.0, 2.0, 1.0)),
        hazard("B", square(1.0, 0.0, 3.0, 1.0)),
        hazard("C", square(2.5, 0.0, 4.0, 1.0)),
        hazard("D", square(4.0, 0.0, 5.0, 1.0)),
    ];
    let got: Vec<(String, String)> = overlap_findings(&hazards)
        .into_iter()
        .map(|f| (f.feature_id, f.message))
        .collect();
    let want = |id: &str, m: &str| (id.to_string(), m.to_string());
    assert_eq!(
        got,
        vec![
            want(
                "A",
                "overlaps 1 other hazard record (B); the land is counted once"
            ),
            want(
                "B",
                "overlaps 2 other hazard records (A, C); the land is counted once"
            ),
            want(
                "C",
                "overlaps 1 other hazard record (B); the land is counted once"
            ),
        ]
    );
}

// ---- dates outside 1900–2200 ------------------------------------------------------

fn check_gpkg(path: &Path, kind: LayerKind) -> (Inputs, Vec<Finding>) {
    crate::common::check_gpkg(path, kind)
}

#[test]
fn hazard_dates_outside_1900_to_2200_are_findings_and_treated_as_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("h.gpkg");
    let sq = "POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38))";
    let rows = [
        (vec!["OLD", "CHA", "AP", "1899-12-31"], sq),
        (vec!["FIRST", "CHA", "AP", "1900-01-01"], sq),
        (vec!["TYPO", "CHA", "AP", "2999-05-01"], sq),
        (vec!["LAST", "CHA", "AP", "2200-12-31"], sq),
        (vec!["NEXT", "CHA", "AP", "2201-01-01"], sq),
    ];
    write_gpkg_layer(&path, "hazards", 4326, &hazard_fields(), &rows);
    let (inputs, findings) = check_gpkg(&path, LayerKind::Hazards);
    let of = |check: &str| -> Vec<&str> {
        let mut ids: Vec<&str> = findings
            .iter()
            .filter(|f| f.check == check)
            .map(|f| f.feature_id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(of("date_out_of_range"), vec!["NEXT", "OLD", "TYPO"]);
    assert!(findings
        .iter()
        .filter(|f| f.check == "date_out_of_range")
        .all(|f| f.severity == Severity::Warning && f.message.starts_with("recorded_on: ")));
    // Treated as missing: recorded before every release, part of the run (TYPO is not
    // "recorded after the as-of date").
    assert_eq!(of("missing_date"), vec!["NEXT", "OLD", "TYPO"]);
    assert!(of("recorded_after_as_of").contains(&"LAST"));
    let kept: BTreeMap<&str, Option<chrono::NaiveDate>> = inputs
        .hazards
        .iter()
        .map(|h| (h.hazard_id.as_str(), h.recorded_on))
        .collect();
    assert_eq!(kept["OLD"], None);
    assert_eq!(kept["TYPO"], None);
    assert_eq!(kept["NEXT"], None);
    assert_eq!(
        kept["FIRST"],
        chrono::NaiveDate::from_ymd_opt(1900, 1, 1),
        "1900-01-01 is inside the range"
    );
}

#[test]
fn accident_date_outside_1900_to_2200_is_a_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a.gpkg");
    let fields = [
        TestField("accident_id", OGRFieldType::OFTString),
        TestField("occurred_on", OGRFieldType::OFTString),
        TestField("casualties", OGRFieldType::OFTInteger),
    ];
    let rows = [
        (vec!["A1", "0019-06-30", "1"], "POINT(69 38)"),
        (vec!["A2", "2019-06-30", "1"], "POINT(69 38)"),
    ];
    write_gpkg_layer(&path, "accidents", 4326, &fields, &rows);
    let (inputs, findings) = check_gpkg(&path, LayerKind::Accidents);
    let out_of_range: Vec<&str> = findings
        .iter()
        .filter(|f| f.check == "date_out_of_range")
        .map(|f| f.feature_id.as_str())
        .collect();
    assert_eq!(out_of_range, vec!["A1"]);
    assert_eq!(inputs.accidents[0].occurred_on, None);
    assert!(inputs.accidents[1].occurred_on.is_some());
}
