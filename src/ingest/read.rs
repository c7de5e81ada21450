//! The GDAL side of ingest: open, pick the layer, map fields, read and transform features.
//!
//! Runs on one thread (GDAL datasets are `Send`, not `Sync`). Coordinates are transformed
//! with a `CoordTransform` whose source and target both use the traditional GIS axis order,
//! so the output is always (longitude, latitude) in EPSG:4326.

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{FieldValue, Geometry, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::{CoordsIter, MapCoordsInPlace};

use super::{AttrValue, IngestError, MissingField, RawFeature, RawGeometry, RawLayer};
use crate::config::{GeometrySource, InputSpec};
use crate::gdal_errors::{describe, install_gdal_error_handler, take_gdal_errors};

/// Where a SPEC field's value comes from.
enum FieldSource {
    Index(usize),
    Fid,
    Constant(String),
    Absent,
}

/// Opens a dataset read-only as vector data; the error says in words why not.
fn open(spec_source: &str) -> Result<Dataset, String> {
    Dataset::open_ex(
        spec_source,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            ..Default::default()
        },
    )
    .map_err(|e| {
        let said = describe(&e);
        match std::fs::metadata(spec_source) {
            Ok(m) if m.is_file() && m.len() == 0 => "the file is empty (0 bytes)".to_string(),
            Ok(m) if m.is_file() && said.contains("without a reason") => {
                "GDAL recognises no vector format in this file".to_string()
            }
            _ => said,
        }
    })
}

fn layer_names(ds: &Dataset) -> Vec<String> {
    ds.layers().map(|l| l.name()).collect()
}

/// Reads one configured input layer; see the module docs of [`crate::ingest`].
pub fn read_layer(spec: &InputSpec) -> Result<RawLayer, IngestError> {
    install_gdal_error_handler();
    take_gdal_errors();
    let key = spec.kind.key();
    if let Some(kind) = spec
        .file
        .as_deref()
        .and_then(crate::config::special_file_kind)
    {
        // a FIFO would block GDAL's open forever while the output lock is held
        return Err(IngestError::Open {
            layer: key,
            source_name: spec.source.clone(),
            message: format!(
                "it is a {kind}, not a regular file or directory; refusing to open it"
            ),
        });
    }
    let ds = open(&spec.source).map_err(|message| IngestError::Open {
        layer: key,
        source_name: spec.source.clone(),
        message,
    })?;
    let names = layer_names(&ds);
    let layer_error = |message: String| IngestError::Layer {
        layer: key,
        source_name: spec.source.clone(),
        message,
        available: names.join(", "),
    };
    let mut layer = match &spec.layer {
        Some(name) => ds
            .layer_by_name(name)
            .map_err(|_| layer_error(format!("no layer named '{name}'")))?,
        None if names.len() == 1 => ds
            .layer(0)
            .map_err(|e| layer_error(format!("cannot read its layer: {e}")))?,
        None => {
            return Err(layer_error(format!(
                "has {} layers; name one with inputs.{key}.layer",
                names.len()
            )))
        }
    };
    let layer_name = layer.name();
    let where_error = |filter: &str, message: String| IngestError::Pipeline {
        key: format!("inputs.{key}.where"),
        message: format!("GDAL rejects the filter '{filter}': {message}"),
    };
    if let Some(filter) = &spec.where_clause {
        layer
            .set_attribute_filter(filter)
            .map_err(|e| where_error(filter, e.to_string()))?;
    }
    // Counting also prepares the filter on drivers that defer it to the first read
    // (GeoPackage, PostGIS): an error here is a bad filter, not an empty layer.
    let declared_features = layer.feature_count();
    layer.reset_feature_reading();
    let count_errors = take_gdal_errors();
    if let (Some(filter), false) = (&spec.where_clause, count_errors.is_empty()) {
        return Err(where_error(filter, count_errors.join("; ")));
    }

    let source_fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let find = |name: &str| {
        source_fields
            .iter()
            .position(|f| f.eq_ignore_ascii_case(name.trim()))
    };
    let field_error = |field: &str, spec_field: &str| {
        IngestError::Field(Box::new(MissingField {
            layer: key,
            source_name: spec.source.clone(),
            layer_name: layer_name.clone(),
            field: field.to_string(),
            spec_field: spec_field.to_string(),
            available: source_fields.join(", "),
        }))
    };
    let mut used = vec![false; source_fields.len()];
    let mut sources = Vec::new();
    for field in spec.kind.fields() {
        let name = field.name();
        let mapped = spec.fields.get(name);
        let wanted = mapped.map(String::as_str).unwrap_or(name);
        let source = if wanted == "@fid" {
            FieldSource::Fid
        } else if let Some(i) = find(wanted) {
            used[i] = true;
            FieldSource::Index(i)
        } else if mapped.is_some() {
            // a mapping that names a missing column is a typo, never "field absent"
            return Err(IngestError::Pipeline {
                key: format!("inputs.{key}.fields.{name}"),
                message: format!(
                    "layer '{layer_name}' of '{}' has no field '{wanted}' (fields: {})",
                    spec.source,
                    source_fields.join(", ")
                ),
            });
        } else if let Some(d) = spec.defaults.get(name) {
            FieldSource::Constant(d.clone())
        } else if field.required() {
            return Err(field_error(wanted, name));
        } else {
            FieldSource::Absent
        };
        sources.push((source, spec.defaults.get(name).cloned()));
    }
    let mut geometry_columns = Vec::new();
    match &spec.geometry {
        GeometrySource::Native => {}
        GeometrySource::XY { x, y } => {
            for (name, what) in [(x, "x"), (y, "y")] {
                let i = find(name).ok_or_else(|| field_error(name, what))?;
                used[i] = true;
                geometry_columns.push(i);
            }
        }
        GeometrySource::Wkt(w) => {
            let i = find(w).ok_or_else(|| field_error(w, "wkt"))?;
            used[i] = true;
            geometry_columns.push(i);
        }
    }
    let extra_idx: Vec<usize> = if spec.kind == crate::config::LayerKind::Hazards {
        (0..source_fields.len()).filter(|i| !used[*i]).collect()
    } else {
        Vec::new()
    };

    let srs = match &spec.crs {
        Some(def) => Some(
            SpatialRef::from_definition(def).map_err(|e| IngestError::Crs {
                layer: key,
                source_name: spec.source.clone(),
                message: format!("bad crs '{def}': {e}"),
            })?,
        ),
        None if matches!(spec.geometry, GeometrySource::Native) => layer.spatial_ref(),
        None => None,
    };
    let transform = srs
        .as_ref()
        .map(make_transform)
        .transpose()
        .map_err(|message| IngestError::Crs {
            layer: key,
            source_name: spec.source.clone(),
            message,
        })?
        .flatten();

    let mut features = Vec::new();
    for feature in layer.features() {
        let values = sources
            .iter()
            .map(|(src, default)| {
                let value = match src {
                    FieldSource::Index(i) => field_value(&feature, *i),
                    FieldSource::Fid => feature.fid().map(|f| AttrValue::Int(f as i64)),
                    FieldSource::Constant(c) => Some(AttrValue::Text(c.clone())),
                    FieldSource::Absent => None,
                };
                let blank = value.as_ref().is_none_or(|v| v.text().is_none());
                match (blank, default) {
                    (true, Some(d)) => Some(AttrValue::Text(d.clone())),
                    _ => value,
                }
            })
            .collect();
        let extra = extra_idx
            .iter()
            .map(|i| field_value(&feature, *i).and_then(|v| v.text()))
            .collect();
        let (geometry, unclosed_rings) = match &spec.geometry {
            GeometrySource::Native => native_geometry(feature.geometry()),
            GeometrySource::XY { .. } => (
                xy_geometry(
                    field_value(&feature, geometry_columns[0]),
                    field_value(&feature, geometry_columns[1]),
                ),
                0,
            ),
            GeometrySource::Wkt(_) => wkt_geometry(field_value(&feature, geometry_columns[0])),
        };
        let geometry = match (&transform, geometry) {
            (Some(t), RawGeometry::Geo(g)) => transform_geometry(t, g),
            (_, g) => g,
        };
        features.push(RawFeature {
            fid: feature.fid(),
            values,
            extra,
            geometry,
            unclosed_rings,
        });
    }

    let (crs, crs_assumed) = match &srs {
        Some(s) => (describe_srs(s), false),
        None => {
            if !all_lon_lat(&features) {
                return Err(IngestError::Crs {
                    layer: key,
                    source_name: spec.source.clone(),
                    message: format!(
                        "the layer has no CRS and its coordinates are not longitude/latitude; set inputs.{key}.crs"
                    ),
                });
            }
            ("EPSG:4326 (assumed)".to_string(), true)
        }
    };
    let mut read_errors = take_gdal_errors();
    read_errors.dedup();
    if !read_errors.is_empty() && (features.len() as u64) < declared_features {
        // a partial input is a failed run, not a data-quality finding (issue 16)
        return Err(IngestError::Read {
            layer: key,
            source_name: spec.source.clone(),
            message: format!(
                "layer '{layer_name}': GDAL read only {} of the {} features the layer declares ({})",
                features.len(),
                declared_features as i64,
                read_errors.join("; ")
            ),
        });
    }
    Ok(RawLayer {
        read_errors,
        kind: spec.kind,
        source: spec.source.clone(),
        file: spec.file.clone(),
        layer_name,
        extra_fields: extra_idx
            .iter()
            .map(|i| source_fields[*i].clone())
            .collect(),
        features,
        crs_assumed,
        crs,
    })
}

fn describe_srs(srs: &SpatialRef) -> String {
    match (srs.auth_name(), srs.auth_code()) {
        (Some(name), Ok(code)) => format!("{name}:{code}"),
        _ => srs.name().unwrap_or_else(|| "custom CRS".to_string()),
    }
}

/// A transform to EPSG:4326 (lon, lat); `None` when the source already is EPSG:4326.
fn make_transform(source: &SpatialRef) -> Result<Option<CoordTransform>, String> {
    if source.auth_name().as_deref() == Some("EPSG") && source.auth_code().ok() == Some(4326) {
        return Ok(None);
    }
    let mut source = source.clone();
    source.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut target = SpatialRef::from_epsg(4326).map_err(|e| e.to_string())?;
    target.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    CoordTransform::new(&source, &target)
        .map(Some)
        .map_err(|e| {
            format!(
                "cannot transform from {} to EPSG:4326: {e}",
                describe_srs(&source)
            )
        })
}

fn transform_geometry(t: &CoordTransform, mut g: geo::Geometry<f64>) -> RawGeometry {
    let mut xs: Vec<f64> = g.coords_iter().map(|c| c.x).collect();
    let mut ys: Vec<f64> = g.coords_iter().map(|c| c.y).collect();
    let mut zs = vec![0.0; xs.len()];
    if let Err(e) = t.transform_coords(&mut xs, &mut ys, &mut zs) {
        return RawGeometry::Unreadable(format!(
            "coordinates cannot be transformed to EPSG:4326: {e}"
        ));
    }
    let next = std::cell::Cell::new(0usize);
    g.map_coords_in_place(|_| {
        let i = next.get();
        next.set(i + 1);
        geo::coord! { x: xs[i], y: ys[i] }
    });
    RawGeometry::Geo(g)
}

/// Non-finite coordinates do not count: their records are skipped by QA (R1).
fn all_lon_lat(features: &[RawFeature]) -> bool {
    features.iter().all(|f| match &f.geometry {
        RawGeometry::Geo(g) => g.coords_iter().all(|c| {
            !c.x.is_finite() || !c.y.is_finite() || (c.x.abs() <= 180.0 && c.y.abs() <= 90.0)
        }),
        _ => true,
    })
}

fn field_value(feature: &gdal::vector::Feature, idx: usize) -> Option<AttrValue> {
    match feature.field(idx) {
        Ok(Some(v)) => Some(match v {
            FieldValue::StringValue(s) => AttrValue::Text(s),
            FieldValue::IntegerValue(i) => AttrValue::Int(i as i64),
            FieldValue::Integer64Value(i) => AttrValue::Int(i),
            FieldValue::RealValue(r) => AttrValue::Real(r),
            FieldValue::DateValue(d) => AttrValue::Date(d),
            FieldValue::DateTimeValue(d) => AttrValue::Date(d.date_naive()),
            FieldValue::StringListValue(l) => AttrValue::Text(l.join(",")),
            other => AttrValue::Text(format!("{other:?}")),
        }),
        Ok(None) => None,
        Err(_) => feature
            .field_as_string(idx)
            .ok()
            .flatten()
            .map(AttrValue::Text),
    }
}

/// The geometry, and how many of its polygon rings were not closed (geo closes them when
/// it builds the polygon, so they are counted here, on GDAL's geometry, for QA).
fn native_geometry(g: Option<&Geometry>) -> (RawGeometry, usize) {
    match g {
        None => (RawGeometry::Null, 0),
        // SAFETY: reading the handle only; a NULL feature geometry is a null handle.
        Some(g) if !g.has_gdal_ptr() || unsafe { g.c_geometry() }.is_null() => {
            (RawGeometry::Null, 0)
        }
        Some(g) if g.is_empty() => (RawGeometry::Empty, 0),
        Some(g) => match g.to_geo() {
            Ok(geo) => (RawGeometry::Geo(geo), unclosed_rings(g)),
            Err(e) => (
                RawGeometry::Unreadable(format!(
                    "{} geometry cannot be read: {e}",
                    g.geometry_name()
                )),
                0,
            ),
        },
    }
}

/// Rings of the polygons in `g` whose last point differs from the first.
fn unclosed_rings(g: &Geometry) -> usize {
    // SAFETY: a flat type code of a valid geometry handle.
    let flat = unsafe { gdal_sys::OGR_GT_Flatten(g.geometry_type()) };
    match flat {
        gdal_sys::OGRwkbGeometryType::wkbPolygon => (0..g.geometry_count())
            .filter(|&i| {
                let ring = g.get_geometry(i);
                let n = ring.point_count();
                n > 0 && ring.get_point(0) != ring.get_point((n - 1) as i32)
            })
            .count(),
        gdal_sys::OGRwkbGeometryType::wkbMultiPolygon
        | gdal_sys::OGRwkbGeometryType::wkbGeometryCollection => (0..g.geometry_count())
            .map(|i| unclosed_rings(&g.get_geometry(i)))
            .sum(),
        _ => 0,
    }
}

fn xy_geometry(x: Option<AttrValue>, y: Option<AttrValue>) -> RawGeometry {
    match (x, y) {
        (None, _) | (_, None) => RawGeometry::Null,
        (Some(x), Some(y)) => match (x.number(), y.number()) {
            (Ok(x), Ok(y)) => RawGeometry::Geo(geo::Geometry::Point(geo::Point::new(x, y))),
            (Err(e), _) | (_, Err(e)) => RawGeometry::Unreadable(format!("bad coordinate: {e}")),
        },
    }
}

fn wkt_geometry(value: Option<AttrValue>) -> (RawGeometry, usize) {
    let Some(text) = value.and_then(|v| v.text()) else {
        return (RawGeometry::Null, 0);
    };
    match Geometry::from_wkt(&text) {
        Ok(g) => native_geometry(Some(&g)),
        Err(e) => (RawGeometry::Unreadable(format!("bad WKT: {e}")), 0),
    }
}

/// Describes every layer of a dataset: fields with types, CRS, geometry type, count.
pub fn inspect(source: &str) -> Result<String, IngestError> {
    let ds = open(source).map_err(|message| IngestError::Open {
        layer: "inspect",
        source_name: source.to_string(),
        message,
    })?;
    let mut out = format!("{source} ({})\n", ds.driver().short_name());
    for layer in ds.layers() {
        let crs = layer
            .spatial_ref()
            .map(|s| describe_srs(&s))
            .unwrap_or_else(|| "none".to_string());
        let geom_type = gdal::vector::geometry_type_to_name(layer.defn().geometry_type());
        out.push_str(&format!(
            "layer '{}': {} features, geometry {geom_type}, CRS {crs}\n",
            layer.name(),
            layer.feature_count()
        ));
        for f in layer.defn().fields() {
            out.push_str(&format!(
                "  {:<24} {}\n",
                f.name(),
                gdal::vector::field_type_to_name(f.field_type())
            ));
        }
    }
    Ok(out)
}
