//! Shared helpers: running pipelines into temporary folders, reading output layers back
//! through GDAL, and writing small GeoPackages from WKT.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gdal::vector::{FieldValue, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};
use gdal::{Dataset, DriverManager};
use minefree::config::{load_pipeline, Overrides, Pipeline};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `minefree` binary built for this test run.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_minefree"))
}

/// Loads a pipeline file with its output redirected to `out`.
pub fn pipeline(path: &Path, out: &Path) -> Pipeline {
    let overrides = Overrides {
        as_of: None,
        output: Some(out.to_path_buf()),
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    load_pipeline(path, &overrides, today).expect("pipeline loads")
}

/// One row of an output layer: field name → value (NULL fields are absent).
pub type Row = BTreeMap<String, FieldValue>;

/// Reads every row of `layer` in a GeoPackage (in fid order), with its geometry as WKT.
pub fn read_layer(gpkg: &Path, layer: &str) -> Vec<(Row, Option<String>)> {
    let ds = Dataset::open(gpkg).expect("gpkg opens");
    let mut l = ds.layer_by_name(layer).expect("layer exists");
    let names: Vec<String> = l.defn().fields().map(|f| f.name()).collect();
    let mut rows = Vec::new();
    for f in l.features() {
        let mut row = Row::new();
        for (i, n) in names.iter().enumerate() {
            if let Ok(Some(v)) = f.field(i) {
                row.insert(n.clone(), v);
            }
        }
        let wkt = f
            .geometry()
            .and_then(|g| unsafe { (!g.c_geometry().is_null()).then(|| g.wkt().ok()) }.flatten());
        rows.push((row, wkt));
    }
    rows
}

/// A real value of a row (panics when missing).
pub fn real(row: &Row, name: &str) -> f64 {
    match row.get(name) {
        Some(FieldValue::RealValue(v)) => *v,
        Some(FieldValue::IntegerValue(v)) => *v as f64,
        Some(FieldValue::Integer64Value(v)) => *v as f64,
        other => panic!("{name}: expected a number, got {other:?}"),
    }
}

/// A text value of a row, `None` when NULL.
pub fn text(row: &Row, name: &str) -> Option<String> {
    match row.get(name) {
        Some(FieldValue::StringValue(s)) => Some(s.clone()),
        Some(FieldValue::DateValue(d)) => Some(d.to_string()),
        Some(FieldValue::IntegerValue(v)) => Some(v.to_string()),
        Some(FieldValue::Integer64Value(v)) => Some(v.to_string()),
        None => None,
        other => panic!("{name}: unexpected {other:?}"),
    }
}

/// Stands for a polygon with a NaN coordinate in [`write_gpkg_layer`].
pub const NAN_POLYGON: &str = "NAN_POLYGON";

/// A field of a test layer: name and OGR type.
pub struct TestField(pub &'static str, pub OGRFieldType::Type);

/// A rectangle of a hand case near 69°E 38°N, in units of `unit_deg` degrees, as WKT.
pub fn unit_rect(unit_deg: f64, x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    let (a, b, c, d) = (
        69.0 + x0 * unit_deg,
        38.0 + y0 * unit_deg,
        69.0 + x1 * unit_deg,
        38.0 + y1 * unit_deg,
    );
    format!("POLYGON(({a} {b},{c} {b},{c} {d},{a} {d},{a} {b}))")
}

/// `got` within `rel` of `want` (of `scale` when that is larger) plus 0.01, or both
/// `None`.
pub fn assert_close(got: Option<f64>, want: Option<f64>, rel: f64, scale: f64, what: &str) {
    match (got, want) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= rel * w.abs().max(scale) + 0.01,
            "{what}: got {g}, want {w}"
        ),
        (g, w) => assert_eq!(g, w, "{what}"),
    }
}

/// Text fields of a test layer, by name.
pub fn text_fields(names: &[&'static str]) -> Vec<TestField> {
    names
        .iter()
        .map(|n| TestField(n, OGRFieldType::OFTString))
        .collect()
}

/// The fields of the `releases` layer of the R13 and R15 hand cases, in this order.
pub const RELEASE_FIELDS: [&str; 5] = [
    "release_id",
    "method",
    "completed_on",
    "started_on",
    "organisation",
];

/// The `regions` (A and B, WKT) and `settlements` (one village of 100 at the WKT point)
/// layers of a hand case.
pub fn write_two_regions_and_a_village(path: &Path, a: &str, b: &str, village: &str) {
    write_gpkg_layer(
        path,
        "regions",
        4326,
        &text_fields(&["region_id", "name"]),
        &[(vec!["A", "Alpha"], a), (vec!["B", "Beta"], b)],
    );
    write_gpkg_layer(
        path,
        "settlements",
        4326,
        &text_fields(&["settlement_id", "name", "population"]),
        &[(vec!["S1", "Village", "100"], village)],
    );
}

/// Writes a GeoPackage layer from rows of (field values as text, WKT or "" for NULL).
pub fn write_gpkg_layer(
    path: &Path,
    layer: &str,
    epsg: u32,
    fields: &[TestField],
    rows: &[(Vec<&str>, &str)],
) {
    let driver = DriverManager::get_driver_by_name("GPKG").unwrap();
    let mut ds = if path.exists() {
        Dataset::open_ex(
            path,
            gdal::DatasetOptions {
                open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE
                    | gdal::GdalOpenFlags::GDAL_OF_VECTOR,
                ..Default::default()
            },
        )
        .unwrap()
    } else {
        driver.create_vector_only(path).unwrap()
    };
    let srs = gdal::spatial_ref::SpatialRef::from_epsg(epsg).unwrap();
    let l = ds
        .create_layer(LayerOptions {
            name: layer,
            srs: Some(&srs),
            ty: OGRwkbGeometryType::wkbUnknown,
            options: None,
        })
        .unwrap();
    for f in fields {
        gdal::vector::FieldDefn::new(f.0, f.1)
            .unwrap()
            .add_to_layer(&l)
            .unwrap();
    }
    for (values, wkt) in rows {
        let mut feature = gdal::vector::Feature::new(l.defn()).unwrap();
        for (i, v) in values.iter().enumerate() {
            if !v.is_empty() {
                feature.set_field_string(i, v).unwrap();
            }
        }
        if *wkt == NAN_POLYGON {
            // WKT cannot spell NaN for GDAL: build the ring point by point.
            let mut ring =
                gdal::vector::Geometry::empty(OGRwkbGeometryType::wkbLinearRing).unwrap();
            for p in [(69.0, 38.0), (f64::NAN, 38.0), (69.01, 38.01), (69.0, 38.0)] {
                ring.add_point_2d(p);
            }
            let mut polygon =
                gdal::vector::Geometry::empty(OGRwkbGeometryType::wkbPolygon).unwrap();
            polygon.add_geometry(ring).unwrap();
            feature.set_geometry(polygon).unwrap();
        } else if !wkt.is_empty() {
            feature
                .set_geometry(gdal::vector::Geometry::from_wkt(wkt).unwrap())
                .unwrap();
        }
        feature.create(&l).unwrap();
    }
}

/// Geodesic area (m²) of a WKT polygon, measured by minefree's tested area function.
pub fn wkt_area_m2(wkt: &str) -> f64 {
    let g = gdal::vector::Geometry::from_wkt(wkt)
        .unwrap()
        .to_geo()
        .unwrap();
    match g {
        geo::Geometry::Polygon(p) => minefree::geom::area::polygon_area_m2(&p),
        geo::Geometry::MultiPolygon(mp) => minefree::geom::area::area_m2(&mp),
        _ => 0.0,
    }
}

/// The rows of a CSV as maps of column → text (no quoted commas in minefree's tables).
pub fn csv_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A CSV field as a number; `None` when empty.
pub fn csv_num(row: &BTreeMap<String, String>, col: &str) -> Option<f64> {
    row.get(col)
        .filter(|v| !v.is_empty())
        .map(|v| v.parse().unwrap())
}

/// The input spec of a layer read as it is: `path`'s only layer, native geometry, SPEC
/// field names, no filter, mapping or default.
pub fn plain_spec(kind: minefree::config::LayerKind, path: &Path) -> minefree::config::InputSpec {
    minefree::config::InputSpec {
        kind,
        source: path.to_string_lossy().into_owned(),
        file: Some(path.to_path_buf()),
        layer: None,
        crs: None,
        where_clause: None,
        fields: BTreeMap::new(),
        defaults: BTreeMap::new(),
        geometry: minefree::config::GeometrySource::Native,
        date_format: None,
        values: BTreeMap::new(),
    }
}

/// `path`'s only layer read as `kind` and checked by QA as of 2026-06-30.
pub fn check_gpkg(
    path: &Path,
    kind: minefree::config::LayerKind,
) -> (minefree::model::Inputs, Vec<minefree::model::Finding>) {
    let layer = minefree::ingest::read_layer(&plain_spec(kind, path)).unwrap();
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    minefree::qa::check_layers(vec![layer], as_of)
}

/// Every file under `dir` with its bytes, sorted by path (for before/after comparisons);
/// minefree's own lock files (`.<name>.lock`, holding the last run's pid) are left out.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
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

/// A process's stderr as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
