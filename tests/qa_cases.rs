//! Every bad-input case of R1–R2, read from a real GeoPackage through GDAL. Expected
//! areas are built by hand from the shapes (a bow-tie's two triangles, a square without
//! its spike…) or come from GEOS MakeValid through GDAL; never from minefree's output.

use gdal::vector::OGRFieldType;
use minefree::config::{GeometrySource, InputSpec, LayerKind};
use minefree::geom::area::area_m2;
use minefree::model::{Finding, Inputs, Severity, Status};

use crate::common::{wkt_area_m2, write_gpkg_layer, TestField};

const SQUARE: &str = "POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38))";

fn check(rows: &[(Vec<&str>, &str)]) -> (Inputs, Vec<Finding>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.gpkg");
    let fields = [
        TestField("hazard_id", OGRFieldType::OFTString),
        TestField("status", OGRFieldType::OFTString),
        TestField("hazard_type", OGRFieldType::OFTString),
        TestField("recorded_on", OGRFieldType::OFTString),
    ];
    write_gpkg_layer(&path, "hazards", 4326, &fields, rows);
    let spec = crate::common::plain_spec(LayerKind::Hazards, &path);
    let layer = minefree::ingest::read_layer(&spec).unwrap();
    minefree::qa::check_layers(
        vec![layer],
        chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    )
}

fn one(wkt: &str) -> (Inputs, Vec<Finding>) {
    check(&[(vec!["H1", "CHA", "AP", "2020-01-01"], wkt)])
}

fn checks(findings: &[Finding]) -> Vec<(&str, Severity)> {
    findings
        .iter()
        .map(|f| (f.check.as_str(), f.severity))
        .collect()
}

fn assert_area(inputs: &Inputs, want: f64) {
    let got = area_m2(&inputs.hazards[0].geometry);
    assert!(
        (got - want).abs() <= 1e-6 * want,
        "area {got}, expected {want}"
    );
}

/// The geodesic area of GEOS MakeValid's repair of `wkt` (through GDAL): a second engine.
fn geos_make_valid_m2(wkt: &str) -> f64 {
    let geos = gdal::vector::Geometry::from_wkt(wkt)
        .unwrap()
        .make_valid(&gdal::cpl::CslStringList::new())
        .unwrap();
    wkt_area_m2(&geos.wkt().unwrap())
}

#[test]
fn bow_tie_becomes_its_two_triangles() {
    let bow = "POLYGON((69 38,69.01 38.01,69.01 38,69 38.01,69 38))";
    let (inputs, findings) = one(bow);
    assert_eq!(
        checks(&findings),
        vec![("self_intersection", Severity::Warning)]
    );
    assert_eq!(inputs.hazards[0].geometry.0.len(), 2);
    // By hand: the rings cross at (69.005, 38.005).
    let left = wkt_area_m2("POLYGON((69 38,69.005 38.005,69 38.01,69 38))");
    let right = wkt_area_m2("POLYGON((69.01 38,69.01 38.01,69.005 38.005,69.01 38))");
    assert_area(&inputs, left + right);
    // Second engine: GEOS MakeValid through GDAL gives the same land.
    assert_area(&inputs, geos_make_valid_m2(bow));
}

#[test]
fn hole_holding_an_island_keeps_the_island() {
    // Shell 10 x 10, hole 3 x 6 (x 2..5, y 2..8), island triangle of area 0.5 inside the
    // hole; in units of 0.001°. Even-odd: the island is land again.
    let wkt = "POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38),(69.002 38.008,69.005 38.008,69.005 38.002,69.002 38.002,69.002 38.008),(69.003 38.003,69.004 38.003,69.003 38.004,69.003 38.003))";
    let (inputs, findings) = one(wkt);
    assert_eq!(
        checks(&findings),
        vec![("invalid_polygon", Severity::Warning)]
    );
    assert!(
        findings[0].message.contains("inside"),
        "{}",
        findings[0].message
    );
    // By hand: square - hole + island.
    let hole = wkt_area_m2(
        "POLYGON((69.002 38.002,69.005 38.002,69.005 38.008,69.002 38.008,69.002 38.002))",
    );
    let island = wkt_area_m2("POLYGON((69.003 38.003,69.004 38.003,69.003 38.004,69.003 38.003))");
    assert_area(&inputs, wkt_area_m2(SQUARE) - hole + island);
    // Second engine: GEOS MakeValid through GDAL gives the same land.
    assert_area(&inputs, geos_make_valid_m2(wkt));
}

#[test]
fn spike_and_repeated_vertices_are_removed() {
    let (inputs, findings) = one("POLYGON((69 38,69.01 38,69.01 38.005,69.03 38.005,69.01 38.005,69.01 38.01,69 38.01,69 38))");
    assert_eq!(checks(&findings), vec![("spike", Severity::Warning)]);
    assert_area(&inputs, wkt_area_m2(SQUARE));
    let (inputs, findings) =
        one("POLYGON((69 38,69.01 38,69.01 38,69.01 38.01,69.01 38.01,69 38.01,69 38))");
    assert_eq!(
        checks(&findings),
        vec![("repeated_vertices", Severity::Warning)]
    );
    assert_area(&inputs, wkt_area_m2(SQUARE));
    assert_eq!(inputs.hazards[0].geometry.0[0].exterior().0.len(), 5);
}

#[test]
fn unclosed_ring_is_closed_with_a_finding() {
    // The square without its closing point: OGR keeps the ring open in the GeoPackage.
    let (inputs, findings) = one("POLYGON((69 38,69.01 38,69.01 38.01,69 38.01))");
    assert_eq!(
        checks(&findings),
        vec![("unclosed_ring", Severity::Warning)]
    );
    assert_area(&inputs, wkt_area_m2(SQUARE));
    // A degenerate hole (two distinct points) is removed and named.
    let (inputs, findings) = one(
        "POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38),(69.002 38.002,69.003 38.003,69.002 38.002))",
    );
    assert_eq!(
        checks(&findings),
        vec![("too_few_points", Severity::Warning)]
    );
    assert_area(&inputs, wkt_area_m2(SQUARE));
}

#[test]
fn holes_and_multipolygons_are_kept() {
    let (inputs, findings) = one("POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38),(69.004 38.004,69.004 38.006,69.006 38.006,69.006 38.004,69.004 38.004))");
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(inputs.hazards[0].geometry.0[0].interiors().len(), 1);
    assert_area(
        &inputs,
        wkt_area_m2(SQUARE)
            - wkt_area_m2(
                "POLYGON((69.004 38.004,69.006 38.004,69.006 38.006,69.004 38.006,69.004 38.004))",
            ),
    );
    let (inputs, findings) = one("MULTIPOLYGON(((69 38,69.01 38,69.01 38.01,69 38.01,69 38)),((69.02 38,69.03 38,69.03 38.01,69.02 38.01,69.02 38)))");
    assert!(findings.is_empty());
    assert_eq!(inputs.hazards[0].geometry.0.len(), 2);
    assert_area(
        &inputs,
        wkt_area_m2(SQUARE)
            + wkt_area_m2("POLYGON((69.02 38,69.03 38,69.03 38.01,69.02 38.01,69.02 38))"),
    );
}

#[test]
fn unusable_geometries_skip_the_record_with_an_error() {
    for (wkt, check) in [
        ("POLYGON EMPTY", "empty_geometry"),
        ("", "null_geometry"),
        ("POINT(69 38)", "wrong_geometry_type"),
        ("LINESTRING(69 38,69.1 38.1)", "wrong_geometry_type"),
        (crate::common::NAN_POLYGON, "non_finite_coordinates"),
        (
            "POLYGON((69 38,69.01 38.01,69.02 38.02,69 38))",
            "empty_geometry",
        ),
        (
            "POLYGON((500000 4200000,500100 4200000,500100 4200100,500000 4200000))",
            "coordinates_out_of_range",
        ),
    ] {
        let (inputs, findings) = one(wkt);
        assert!(inputs.hazards.is_empty(), "{wkt}");
        // The one record skipped, the layer has no usable record left (tests/qa_safety.rs).
        assert_eq!(
            checks(&findings),
            vec![
                (check, Severity::Error),
                ("required_layer_empty", Severity::Error)
            ],
            "{wkt}"
        );
        assert_eq!(findings[0].feature_id, "H1");
    }
}

#[test]
fn duplicate_ids_keep_every_record() {
    let other = "POLYGON((69.02 38,69.03 38,69.03 38.01,69.02 38.01,69.02 38))";
    let (inputs, findings) = check(&[
        (vec!["H1", "CHA", "AP", "2020-01-01"], SQUARE),
        (vec!["H1", "SHA", "AP", "2020-01-01"], SQUARE),
        (vec!["H2", "CHA", "AP", "2020-01-01"], SQUARE),
        (vec!["H2", "CHA", "AP", "2020-01-01"], other),
    ]);
    assert_eq!(inputs.hazards.len(), 4);
    let dups: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.check == "duplicate_id")
        .collect();
    assert_eq!(dups.len(), 2);
    assert!(dups
        .iter()
        .all(|f| f.severity == Severity::Error && f.message.contains("2 records")));
}

#[test]
fn duplicate_ids_name_their_records_in_layer_order() {
    // ids interleaved: H2 at features 1, 3 and 6, H1 at 2 and 5, H3 once (the
    // GeoPackage numbers the features 1 to 6 in the order written)
    let rows: Vec<(Vec<&str>, &str)> = ["H2", "H1", "H2", "H3", "H1", "H2"]
        .iter()
        .map(|id| (vec![*id, "CHA", "AP", "2020-01-01"], SQUARE))
        .collect();
    let (inputs, findings) = check(&rows);
    assert_eq!(inputs.hazards.len(), 6);
    let dups: Vec<(&str, &str)> = findings
        .iter()
        .filter(|f| f.check == "duplicate_id")
        .map(|f| (f.feature_id.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        dups,
        vec![
            (
                "H1",
                "hazard_id 'H1' is used by 2 records (feature ids 2, 5); all are kept"
            ),
            (
                "H2",
                "hazard_id 'H2' is used by 3 records (feature ids 1, 3, 6); all are kept"
            ),
        ]
    );
}

#[test]
fn values_are_trimmed_and_case_insensitive() {
    let (inputs, findings) = check(&[
        (vec!["H1", " cha ", "ap", "2020-01-01"], SQUARE),
        (vec!["H2", "Sha", " Mixed", "2020-01-01"], SQUARE),
        (vec!["H3", "XYZ", "ABC", "2020-01-01"], SQUARE),
    ]);
    assert_eq!(inputs.hazards[0].status, Status::Cha);
    assert_eq!(
        inputs.hazards[0].hazard_type,
        Some(minefree::model::HazardType::Ap)
    );
    assert_eq!(inputs.hazards[1].status, Status::Sha);
    assert_eq!(
        inputs.hazards[1].hazard_type,
        Some(minefree::model::HazardType::Mixed)
    );
    assert_eq!(
        inputs.hazards[2].status,
        Status::Sha,
        "unknown status counts as SHA"
    );
    assert_eq!(
        checks(&findings),
        vec![
            ("unknown_status", Severity::Error),
            ("unknown_hazard_type", Severity::Warning)
        ]
    );
}

#[test]
fn dates_missing_bad_or_after_the_as_of_date() {
    let (inputs, findings) = check(&[
        (vec!["H1", "CHA", "AP", ""], SQUARE),
        (vec!["H2", "CHA", "AP", "2026-07-01"], SQUARE),
        (vec!["H3", "CHA", "AP", "2026-06-30"], SQUARE),
        (vec!["H4", "CHA", "AP", "last spring"], SQUARE),
    ]);
    let ids: Vec<&str> = inputs
        .hazards
        .iter()
        .map(|h| h.hazard_id.as_str())
        .collect();
    assert_eq!(
        ids,
        vec!["H1", "H3", "H4"],
        "recorded after D does not exist; on D it does"
    );
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.feature_id.as_str(), f.check.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("H1", "missing_date"),
            ("H2", "recorded_after_as_of"),
            ("H4", "bad_date"),
            ("H4", "missing_date"),
        ]
    );
}

#[test]
fn csv_without_crs_is_assumed_lon_lat_or_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = |path: &std::path::Path| InputSpec {
        geometry: GeometrySource::XY {
            x: "lon".into(),
            y: "lat".into(),
        },
        ..crate::common::plain_spec(LayerKind::Settlements, path)
    };
    let ok = dir.path().join("ok.csv");
    std::fs::write(
        &ok,
        "settlement_id,name,population,lon,lat\nS1,A,10,69.1,38.2\nS2,B,-3,69.2,38.3\n",
    )
    .unwrap();
    let layer = minefree::ingest::read_layer(&spec(&ok)).unwrap();
    assert!(layer.crs_assumed);
    let (inputs, findings) = minefree::qa::check_layers(
        vec![layer],
        chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    );
    assert_eq!(inputs.settlements.len(), 2);
    assert_eq!(inputs.settlements[1].population, 0);
    assert_eq!(
        checks(&findings),
        vec![
            ("crs_assumed", Severity::Warning),
            ("bad_population", Severity::Warning)
        ]
    );
    let utm = dir.path().join("utm.csv");
    std::fs::write(
        &utm,
        "settlement_id,name,population,lon,lat\nS1,A,10,500000,4200000\n",
    )
    .unwrap();
    let e = minefree::ingest::read_layer(&spec(&utm))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no CRS") && e.contains("inputs.settlements.crs"),
        "{e}"
    );
    // With the CRS given in the pipeline, the same file is read and transformed.
    let mut s = spec(&utm);
    s.crs = Some("EPSG:32642".into());
    let layer = minefree::ingest::read_layer(&s).unwrap();
    let minefree::ingest::RawGeometry::Geo(geo::Geometry::Point(p)) = &layer.features[0].geometry
    else {
        panic!()
    };
    // UTM 42N false easting 500 000 m is the central meridian 69°E.
    assert!(
        (p.x() - 69.0).abs() < 1e-9 && (p.y() - 37.94).abs() < 0.01,
        "{p:?}"
    );
}
