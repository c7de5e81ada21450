//! Reading the same data from GeoPackage and from other formats (GeoJSON, FlatGeobuf,
//! Shapefile in UTM 42N, CSV with a WKT column and no CRS) gives the same features and
//! the same findings. The copies are made with GDAL's own `ogr2ogr`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use minefree::config::{GeometrySource, InputSpec, LayerKind};
use minefree::ingest::read_layer;
use minefree::model::Finding;
use minefree::qa::check_layers;

use crate::common::root;

fn spec(source: &Path, fields: &[(&str, &str)], geometry: GeometrySource) -> InputSpec {
    InputSpec {
        fields: fields
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        geometry,
        ..crate::common::plain_spec(LayerKind::Hazards, source)
    }
}

/// Hazard id → (status, recorded_on, area m²), and the set of (id, check) findings, with
/// "geometry unusable" checks folded together (a shapefile stores an EMPTY polygon as NULL).
type Digest = (
    BTreeMap<String, Vec<(String, String, f64)>>,
    Vec<(String, String)>,
);

fn digest(spec: &InputSpec) -> Digest {
    let layer = read_layer(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.source));
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let (inputs, findings) = check_layers(vec![layer], as_of);
    let mut hazards: BTreeMap<String, Vec<(String, String, f64)>> = BTreeMap::new();
    for h in &inputs.hazards {
        hazards.entry(h.hazard_id.clone()).or_default().push((
            h.status.as_str().to_string(),
            h.recorded_on.map(|d| d.to_string()).unwrap_or_default(),
            minefree::geom::area::area_m2(&h.geometry),
        ));
    }
    let mut checks: Vec<(String, String)> = findings
        .iter()
        .filter(|f: &&Finding| f.check != "crs_assumed")
        .map(|f| {
            let check = match f.check.as_str() {
                "empty_geometry" | "null_geometry" => "unusable_geometry",
                c => c,
            };
            (f.feature_id.clone(), check.to_string())
        })
        .collect();
    checks.sort();
    (hazards, checks)
}

fn ogr2ogr(args: &[&str]) {
    let status = Command::new("ogr2ogr")
        .args(args)
        .status()
        .expect("ogr2ogr runs");
    assert!(status.success(), "ogr2ogr {args:?}");
}

fn assert_same(a: &Digest, b: &Digest, what: &str, rel_tol: f64) {
    assert_eq!(a.1, b.1, "{what}: findings differ");
    assert_eq!(
        a.0.keys().collect::<Vec<_>>(),
        b.0.keys().collect::<Vec<_>>(),
        "{what}: ids differ"
    );
    for (id, recs) in &a.0 {
        let other = &b.0[id];
        assert_eq!(recs.len(), other.len(), "{what}: {id}");
        // Some drivers (FlatGeobuf's spatial index) reorder features: compare sorted.
        let sorted = |v: &Vec<(String, String, f64)>| {
            let mut v = v.clone();
            v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)).then(a.2.total_cmp(&b.2)));
            v
        };
        for (x, y) in sorted(recs).iter().zip(&sorted(other)) {
            assert_eq!((&x.0, &x.1), (&y.0, &y.1), "{what}: {id}");
            assert!(
                (x.2 - y.2).abs() <= rel_tol * x.2 + 1e-6,
                "{what}: {id} area {} vs {}",
                x.2,
                y.2
            );
        }
    }
}

#[test]
fn same_hazards_and_findings_from_every_format() {
    let gpkg = root().join("sample-data/national.gpkg");
    let tmp = tempfile::tempdir().unwrap();
    let reference = digest(&spec(&gpkg, &[], GeometrySource::Native));
    assert!(reference.0.len() > 30);

    let path = tmp.path().join("hazards.geojson");
    ogr2ogr(&[
        "-f",
        "GeoJSON",
        path.to_str().unwrap(),
        gpkg.to_str().unwrap(),
        "hazards",
    ]);
    assert_same(
        &reference,
        &digest(&spec(&path, &[], GeometrySource::Native)),
        "GeoJSON",
        1e-12,
    );

    // GDAL 3.6's FlatGeobuf writer leaves out features without geometry (HZ-026 EMPTY,
    // HZ-031 NULL): compare the rest.
    let path = tmp.path().join("hazards.fgb");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        path.to_str().unwrap(),
        gpkg.to_str().unwrap(),
        "hazards",
    ]);
    let mut with_geometry = reference.clone();
    with_geometry
        .1
        .retain(|(id, _)| id != "HZ-026" && id != "HZ-031");
    assert_same(
        &with_geometry,
        &digest(&spec(&path, &[], GeometrySource::Native)),
        "FlatGeobuf",
        1e-12,
    );

    // CSV with a WKT column: no CRS at all, so EPSG:4326 is assumed (with a finding).
    let csv = tmp.path().join("hazards.csv");
    ogr2ogr(&[
        "-f",
        "CSV",
        csv.to_str().unwrap(),
        gpkg.to_str().unwrap(),
        "hazards",
        "-lco",
        "GEOMETRY=AS_WKT",
    ]);
    let csv_digest = digest(&spec(&csv, &[], GeometrySource::Wkt("WKT".into())));
    assert_same(&reference, &csv_digest, "CSV", 1e-9);

    // Shapefile in UTM zone 42N: field names cut to 10 characters, mapped back; no Point
    // can live in a polygon shapefile, so the wrong-type record is left out of both sides.
    let shp = tmp.path().join("hazards_utm.shp");
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        shp.to_str().unwrap(),
        gpkg.to_str().unwrap(),
        "hazards",
        "-t_srs",
        "EPSG:32642",
        "-nlt",
        "MULTIPOLYGON",
        "-where",
        "hazard_id <> 'HZ-032'",
    ]);
    let fields = [("hazard_type", "hazard_typ"), ("recorded_on", "recorded_o")];
    let shp_digest = digest(&spec(&shp, &fields, GeometrySource::Native));
    let mut reference_without_point = reference.clone();
    reference_without_point.1.retain(|(id, _)| id != "HZ-032");
    // UTM round trip moves vertices by < 1 mm: areas agree to 1e-7.
    assert_same(
        &reference_without_point,
        &shp_digest,
        "Shapefile UTM 42N",
        1e-7,
    );
}

#[test]
fn missing_layer_or_field_is_a_clear_error() {
    let gpkg = root().join("sample-data/national.gpkg");
    let mut s = spec(&gpkg, &[], GeometrySource::Native);
    s.layer = Some("nope".into());
    let e = read_layer(&s).unwrap_err().to_string();
    assert!(
        e.contains("no layer named 'nope'") && e.contains("hazards"),
        "{e}"
    );
    let s = spec(&gpkg, &[("status", "STATUS_CODE")], GeometrySource::Native);
    let e = read_layer(&s).unwrap_err().to_string();
    assert!(
        e.contains("no field 'STATUS_CODE'") && e.contains("national.gpkg"),
        "{e}"
    );
    let s = spec(
        &root().join("sample-data/nothing-here.gpkg"),
        &[],
        GeometrySource::Native,
    );
    let e = read_layer(&s).unwrap_err().to_string();
    assert!(e.contains("cannot open hazards source"), "{e}");
}
