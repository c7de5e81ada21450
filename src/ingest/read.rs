//! The GDAL side of ingest: open, pick the layer, map fields, read and transform features.
//!
//! Runs on one thread (GDAL datasets are `Send`, not `Sync`). Coordinates are transformed
//! with a `CoordTransform` whose source and target both use the traditional GIS axis order,
//! so the output is always (longitude, latitude) in EPSG:4326.

use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::vector::{FieldValue, Geometry, Layer, LayerAccess};
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use geo::{CoordsIter, MapCoordsInPlace};

use super::{AttrValue, IngestError, MissingField, RawFeature, RawGeometry, RawLayer};
use crate::config::{GeometrySource, InputSpec, MappedValue};
use crate::gdal_errors::{
    describe, install_gdal_error_handler, proj_database_missing, take_gdal_errors,
};

/// Where a SPEC field's value comes from.
enum FieldSource {
    Index(usize),
    Fid,
    Constant(String),
    Absent,
}

/// Seconds a PostgreSQL source may take to connect (libpq's `connect_timeout`, which
/// covers the TCP connection and the startup exchange) unless its `PG:` string sets one.
const PG_CONNECT_TIMEOUT_S: u32 = 30;

/// `source` with libpq's `connect_timeout` added when it is a `PG:` connection string that
/// sets none, so that a database that accepts the connection and never answers fails the
/// run instead of blocking it forever (SPEC §4 "never waits forever").
fn with_connect_timeout(source: &str) -> std::borrow::Cow<'_, str> {
    let is_pg = source
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("PG:"));
    if !is_pg || source.contains("connect_timeout") {
        return source.into();
    }
    let rest = source[3..].trim_start();
    let option = format!("connect_timeout={PG_CONNECT_TIMEOUT_S}");
    if rest.starts_with("postgresql://") || rest.starts_with("postgres://") {
        let separator = if rest.contains('?') { '&' } else { '?' };
        format!("{source}{separator}{option}").into()
    } else {
        format!("{} {option}", source.trim_end()).into()
    }
}

/// Opens a dataset read-only as vector data; the error says in words why not.
pub(super) fn open(spec_source: &str) -> Result<Dataset, String> {
    let source = with_connect_timeout(spec_source);
    let timeout_added = source != spec_source;
    Dataset::open_ex(
        source.as_ref(),
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
            _ if timeout_added && said.contains("timeout") => format!(
                "{said} (after minefree's default connect_timeout of {PG_CONNECT_TIMEOUT_S} s; \
                 set connect_timeout=<seconds> in the PG: string to wait longer)"
            ),
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
    if let Some(message) = proj_database_missing() {
        return Err(IngestError::Proj(message));
    }
    take_gdal_errors();
    let ds = open_source(spec)?;
    let (mut layer, declared_features) = pick_layer(&ds, spec)?;
    let layer_name = layer.name();
    let source_fields: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    let plan = FieldPlan::new(spec, &layer_name, &source_fields)?;
    let (srs, transform) = if spec.kind.has_geometry() {
        source_crs(spec, &layer)?
    } else {
        (None, None)
    };
    let features: Vec<RawFeature> = layer
        .features()
        .map(|f| plan.read(spec, &f, transform.as_ref()))
        .collect();
    let features_read = features.len();
    let (features, skipped) = map_values(spec, features);
    let key = spec.kind.key();
    let crs_error = |message: String| IngestError::Crs {
        layer: key,
        source_name: spec.source.clone(),
        message,
    };
    let (crs, crs_assumed) = match &srs {
        _ if !spec.kind.has_geometry() => (NO_GEOMETRY_CRS.to_string(), false),
        Some(s) => (describe_srs(s), false),
        None if all_lon_lat(&features) => ("EPSG:4326 (assumed)".to_string(), true),
        None => return Err(crs_error(format!(
            "the layer has no CRS and its coordinates are not longitude/latitude; set inputs.{key}.crs"
        ))),
    };
    let mut read_errors = take_gdal_errors();
    read_errors.dedup();
    let shapefile = ds.driver().short_name() == SHAPEFILE_DRIVER;
    if is_partial_read(features_read, declared_features, &read_errors, shapefile) {
        // a partial input is a failed run, not a data-quality finding (issues 16, 21)
        let why = if read_errors.is_empty() {
            "without an error from GDAL".to_string()
        } else {
            read_errors.join("; ")
        };
        return Err(IngestError::Read {
            layer: key,
            source_name: spec.source.clone(),
            message: format!(
                "layer '{layer_name}': GDAL read only {} of the {} features the layer declares ({why})",
                features_read,
                declared_features,
            ),
        });
    }
    Ok(RawLayer {
        read_errors,
        kind: spec.kind,
        source: spec.source.clone(),
        file: spec.file.clone(),
        layer_name,
        extra_fields: plan
            .extra
            .iter()
            .map(|i| source_fields[*i].clone())
            .collect(),
        features,
        crs_assumed,
        crs,
        sources: vec![spec.source.clone()],
        date_formats: vec![spec.date_format.clone()],
        skipped,
    })
}

/// Applies `[inputs.<layer>.values]`: a mapped value becomes its SPEC value, a record
/// whose value maps to `@skip` is dropped. Returns the records kept and, per field, how
/// many were skipped (fields with none left out). Values are matched trimmed and
/// case-insensitively; a value the table does not name is kept as it is (QA judges it).
fn map_values(
    spec: &InputSpec,
    features: Vec<RawFeature>,
) -> (Vec<RawFeature>, Vec<(String, usize)>) {
    if spec.values.is_empty() {
        return (features, Vec::new());
    }
    let maps: Vec<(usize, &String, _)> = spec
        .values
        .iter()
        .filter_map(|(field, map)| {
            let i = spec.kind.fields().iter().position(|f| f.name() == field)?;
            Some((i, field, map))
        })
        .collect();
    let mut skipped = vec![0usize; maps.len()];
    let kept = features
        .into_iter()
        .filter_map(|mut f| {
            for (k, (i, _, map)) in maps.iter().enumerate() {
                let Some(text) = f.values[*i].as_ref().and_then(AttrValue::text) else {
                    continue;
                };
                match map.get(&text.to_lowercase()) {
                    Some(MappedValue::Skip) => {
                        skipped[k] += 1;
                        return None;
                    }
                    Some(MappedValue::To(v)) => f.values[*i] = Some(AttrValue::Text(v.clone())),
                    None => {}
                }
            }
            Some(f)
        })
        .collect();
    let counts = maps
        .iter()
        .zip(skipped)
        .filter(|(_, n)| *n > 0)
        .map(|((_, field, _), n)| ((*field).clone(), n))
        .collect();
    (kept, counts)
}

/// The CRS reported (run.json, the log) for a layer read without geometry (`targets`).
const NO_GEOMETRY_CRS: &str = "none (a table without geometry)";

/// GDAL's short name of the shapefile driver.
const SHAPEFILE_DRIVER: &str = "ESRI Shapefile";

/// Whether reading `read` features of a layer that declares `declared` is a partial read.
///
/// Fewer features than declared is partial, except on a shapefile when GDAL said nothing:
/// its count includes the records the `.dbf` marks deleted, which GDAL rightly skips (a
/// `.dbf` shorter than its `.shp` is caught before reading, by [`check_dbf_records`]).
/// GDAL's `-1` ("cannot count") arrives as `u64::MAX` and checks nothing.
fn is_partial_read(read: usize, declared: u64, errors: &[String], shapefile: bool) -> bool {
    let fewer = (read as u64) < declared && declared != u64::MAX;
    fewer && (!errors.is_empty() || !shapefile)
}

/// Refuses a shapefile whose `.dbf` holds fewer records than its `.shp` has shapes.
///
/// GDAL treats a shape without a `.dbf` record as deleted: it skips it without an error
/// while still counting it, so a truncated `.dbf` would silently drop features (issue 21).
/// Only local files are checked (not `/vsi…` paths); `shapes` is GDAL's count of the
/// layer before any `where` filter.
fn check_dbf_records(spec: &InputSpec, layer_name: &str, shapes: u64) -> Result<(), IngestError> {
    let Some(dbf) = spec.file.as_deref().and_then(|f| dbf_path(f, layer_name)) else {
        return Ok(());
    };
    let Some(records) = dbf_records(&dbf) else {
        return Ok(());
    };
    if records >= shapes {
        return Ok(());
    }
    Err(IngestError::Read {
        layer: spec.kind.key(),
        source_name: spec.source.clone(),
        message: format!(
            "layer '{layer_name}': its .dbf ({}) holds the attributes of {records} records \
             for the {shapes} shapes of the .shp; GDAL would read only {records} of the \
             {shapes} features the layer declares (the .dbf is truncated or from another \
             copy of the shapefile)",
            dbf.display()
        ),
    })
}

/// The `.dbf` of shapefile layer `layer_name` in `source` (a `.shp`/`.dbf`/`.shx` file or a
/// folder of shapefiles), matching the extension in any case.
fn dbf_path(source: &std::path::Path, layer_name: &str) -> Option<std::path::PathBuf> {
    let (dir, stem) = if source.is_dir() {
        (source, std::ffi::OsString::from(layer_name))
    } else {
        (source.parent()?, source.file_stem()?.to_os_string())
    };
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_stem() == Some(stem.as_os_str())
                && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("dbf"))
        })
}

/// The records a `.dbf` holds: the count in its header (bytes 4–8), or fewer when the file
/// is too short for them; `None` when the header cannot be read.
fn dbf_records(dbf: &std::path::Path) -> Option<u64> {
    use std::io::Read;
    let mut file = std::fs::File::open(dbf).ok()?;
    let mut header = [0u8; 12];
    file.read_exact(&mut header).ok()?;
    let len = file.metadata().ok()?.len();
    let declared = u64::from(u32::from_le_bytes([
        header[4], header[5], header[6], header[7],
    ]));
    let header_len = u64::from(u16::from_le_bytes([header[8], header[9]]));
    let record_len = u64::from(u16::from_le_bytes([header[10], header[11]]));
    if record_len == 0 {
        return Some(declared);
    }
    Some(declared.min(len.saturating_sub(header_len) / record_len))
}

/// Opens the layer's source, refusing special files (a FIFO would block GDAL's open
/// forever while the output lock is held).
fn open_source(spec: &InputSpec) -> Result<Dataset, IngestError> {
    let open_error = |message: String| IngestError::Open {
        layer: spec.kind.key(),
        source_name: spec.source.clone(),
        message,
    };
    if let Some(kind) = spec
        .file
        .as_deref()
        .and_then(crate::config::special_file_kind)
    {
        return Err(open_error(format!(
            "it is a {kind}, not a regular file or directory; refusing to open it"
        )));
    }
    open(&spec.source).map_err(open_error)
}

/// The configured layer (or the only one), with the `where` filter applied, and the
/// number of features it declares.
fn pick_layer<'d>(ds: &'d Dataset, spec: &InputSpec) -> Result<(Layer<'d>, u64), IngestError> {
    let key = spec.kind.key();
    let names = layer_names(ds);
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
    if ds.driver().short_name() == SHAPEFILE_DRIVER {
        check_dbf_records(spec, &layer.name(), layer.feature_count())?;
    }
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
    Ok((layer, declared_features))
}

/// The source's CRS (configured, or the layer's own for native geometry) and the
/// transformation to EPSG:4326 (none when the source already is).
fn source_crs(
    spec: &InputSpec,
    layer: &Layer,
) -> Result<(Option<SpatialRef>, Option<CoordTransform>), IngestError> {
    let crs_error = |message: String| IngestError::Crs {
        layer: spec.kind.key(),
        source_name: spec.source.clone(),
        message,
    };
    let srs = match &spec.crs {
        Some(def) => Some(
            SpatialRef::from_definition(def)
                .map_err(|e| crs_error(format!("bad crs '{def}': {e}")))?,
        ),
        None if matches!(spec.geometry, GeometrySource::Native) => layer.spatial_ref(),
        None => None,
    };
    let transform = srs
        .as_ref()
        .map(make_transform)
        .transpose()
        .map_err(crs_error)?
        .flatten();
    Ok((srs, transform))
}

/// Where each SPEC field, the geometry and the carried-through fields come from in the
/// source layer.
struct FieldPlan {
    /// Per SPEC field (in [`crate::config::LayerKind::fields`] order): its source and the
    /// default that replaces a blank value.
    fields: Vec<(FieldSource, Option<String>)>,
    /// Source columns of the geometry (x and y, or the WKT column); empty for native.
    geometry_columns: Vec<usize>,
    /// Source columns carried through to the outputs (hazards only).
    extra: Vec<usize>,
}

impl FieldPlan {
    /// Maps the SPEC fields to `source_fields`; a missing required field or a mapping to
    /// a missing column is an error naming the key to fix.
    fn new(
        spec: &InputSpec,
        layer_name: &str,
        source_fields: &[String],
    ) -> Result<FieldPlan, IngestError> {
        let key = spec.kind.key();
        let find = |name: &str, config_key: &str| {
            find_field(source_fields, name).map_err(|candidates| IngestError::Pipeline {
                key: config_key.to_string(),
                message: ambiguous_field(spec, layer_name, source_fields, name, &candidates),
            })
        };
        let field_error = |field: &str, spec_field: &str| {
            IngestError::Field(Box::new(MissingField {
                layer: key,
                source_name: spec.source.clone(),
                layer_name: layer_name.to_string(),
                field: field.to_string(),
                spec_field: spec_field.to_string(),
                available: source_fields.join(", "),
            }))
        };
        let mut used = vec![false; source_fields.len()];
        let mut fields = Vec::new();
        for field in spec.kind.fields() {
            let name = field.name();
            let mapped = spec.fields.get(name);
            let wanted = mapped.map(String::as_str).unwrap_or(name);
            let source = if wanted == "@fid" {
                FieldSource::Fid
            } else if let Some(i) = find(wanted, &format!("inputs.{key}.fields.{name}"))? {
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
            fields.push((source, spec.defaults.get(name).cloned()));
        }
        let columns: Vec<(&String, &str)> = match &spec.geometry {
            GeometrySource::Native => vec![],
            GeometrySource::XY { x, y } => vec![(x, "x"), (y, "y")],
            GeometrySource::Wkt(w) => vec![(w, "wkt")],
        };
        let mut geometry_columns = Vec::new();
        for (name, what) in columns {
            let i = find(name, &format!("inputs.{key}.{what}"))?
                .ok_or_else(|| field_error(name, what))?;
            used[i] = true;
            geometry_columns.push(i);
        }
        let extra = if spec.kind == crate::config::LayerKind::Hazards {
            (0..source_fields.len()).filter(|i| !used[*i]).collect()
        } else {
            Vec::new()
        };
        Ok(FieldPlan {
            fields,
            geometry_columns,
            extra,
        })
    }

    /// One feature as a raw record, its geometry in EPSG:4326.
    fn read(
        &self,
        spec: &InputSpec,
        feature: &gdal::vector::Feature,
        transform: Option<&CoordTransform>,
    ) -> RawFeature {
        let values = self
            .fields
            .iter()
            .map(|(src, default)| {
                let value = match src {
                    FieldSource::Index(i) => field_value(feature, *i),
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
        let extra = self
            .extra
            .iter()
            .map(|i| field_value(feature, *i).and_then(|v| v.text()))
            .collect();
        let column = |k: usize| field_value(feature, self.geometry_columns[k]);
        let (geometry, unclosed_rings) = match &spec.geometry {
            // a table's rows (targets): any geometry the source has is not read
            _ if !spec.kind.has_geometry() => (RawGeometry::Null, 0),
            GeometrySource::Native => native_geometry(feature.geometry()),
            GeometrySource::XY { .. } => (xy_geometry(column(0), column(1)), 0),
            GeometrySource::Wkt(_) => wkt_geometry(column(0)),
        };
        let geometry = match (transform, geometry) {
            (Some(t), RawGeometry::Geo(g)) => transform_geometry(t, g),
            (_, g) => g,
        };
        RawFeature {
            fid: feature.fid(),
            values,
            extra,
            geometry,
            unclosed_rings,
            source_index: 0,
        }
    }
}

/// Why `name` matches several source fields (`candidates`), and how to fix it.
fn ambiguous_field(
    spec: &InputSpec,
    layer_name: &str,
    source_fields: &[String],
    name: &str,
    candidates: &[usize],
) -> String {
    let listed: Vec<String> = candidates
        .iter()
        .map(|&i| format!("'{}' (column {})", source_fields[i], i + 1))
        .collect();
    let repeated = candidates
        .iter()
        .all(|&i| source_fields[i] == source_fields[candidates[0]]);
    let fix = if repeated {
        "the source repeats the column: rename or remove the copies in the source".to_string()
    } else {
        format!(
            "map the field to one of them spelled exactly (same upper and lower case) under \
             [inputs.{}.fields], or rename the others in the source",
            spec.kind.key()
        )
    };
    format!(
        "layer '{layer_name}' of '{}' has {} fields that '{}' could mean: {}; {fix}",
        spec.source,
        candidates.len(),
        name.trim(),
        listed.join(", ")
    )
}

/// The source field `name` means: the one field spelled exactly so, else the one field
/// equal to it ignoring ASCII case, else none. Two or more candidates (several case
/// variants and no exact match, or the same name twice, as a CSV with a repeated header
/// gives) are returned as the error: picking one would silently read the wrong column.
fn find_field(source_fields: &[String], name: &str) -> Result<Option<usize>, Vec<usize>> {
    let name = name.trim();
    let matching = |same: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..source_fields.len())
            .filter(|&i| same(&source_fields[i]))
            .collect()
    };
    let exact = matching(&|f| f == name);
    let candidates = if exact.is_empty() {
        matching(&|f| f.eq_ignore_ascii_case(name))
    } else {
        exact
    };
    match candidates.as_slice() {
        [] => Ok(None),
        [i] => Ok(Some(*i)),
        _ => Err(candidates),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn connect_timeout_is_added_to_pg_strings_that_set_none() {
        assert_eq!(
            with_connect_timeout("PG:dbname=imsma host=db"),
            "PG:dbname=imsma host=db connect_timeout=30"
        );
        assert_eq!(
            with_connect_timeout("pg:dbname=imsma "),
            "pg:dbname=imsma connect_timeout=30"
        );
        assert_eq!(
            with_connect_timeout("PG:postgresql://u@db/imsma"),
            "PG:postgresql://u@db/imsma?connect_timeout=30"
        );
        assert_eq!(
            with_connect_timeout("PG:postgresql://u@db/imsma?sslmode=require"),
            "PG:postgresql://u@db/imsma?sslmode=require&connect_timeout=30"
        );
    }

    #[test]
    fn connect_timeout_in_the_pg_string_is_kept() {
        for s in [
            "PG:dbname=x connect_timeout=5",
            "PG:connect_timeout = 120 dbname=x",
            "PG:postgresql://db/x?connect_timeout=2",
        ] {
            assert_eq!(with_connect_timeout(s), s);
        }
    }

    #[test]
    fn other_sources_are_left_alone() {
        for s in [
            "/data/national.gpkg",
            "/vsicurl/https://x/y.fgb",
            "GPKG:/a.gpkg:t",
        ] {
            assert_eq!(with_connect_timeout(s), s);
        }
    }

    #[test]
    fn exact_case_field_wins_over_case_variants() {
        let fields = names(&["STATUS", "hazard_id", "status", "Status"]);
        assert_eq!(find_field(&fields, "status"), Ok(Some(2)));
        assert_eq!(find_field(&fields, "Status"), Ok(Some(3)));
        assert_eq!(find_field(&fields, " STATUS "), Ok(Some(0)));
        assert_eq!(find_field(&fields, "HAZARD_ID"), Ok(Some(1)));
        assert_eq!(find_field(&fields, "nope"), Ok(None));
    }

    #[test]
    fn case_variants_without_an_exact_match_are_ambiguous() {
        let fields = names(&["STATUS", "id", "Status"]);
        assert_eq!(find_field(&fields, "status"), Err(vec![0, 2]));
    }

    #[test]
    fn a_repeated_column_is_ambiguous_even_spelled_exactly() {
        let fields = names(&["population", "name", "population"]);
        assert_eq!(find_field(&fields, "population"), Err(vec![0, 2]));
        assert_eq!(find_field(&fields, "POPULATION"), Err(vec![0, 2]));
    }

    #[test]
    fn fewer_features_than_declared_is_partial_except_deleted_shapefile_records() {
        let none: Vec<String> = vec![];
        let said = vec!["fread failed".to_string()];
        assert!(is_partial_read(40, 80, &none, false));
        assert!(is_partial_read(40, 80, &said, true));
        assert!(!is_partial_read(79, 80, &none, true));
        assert!(!is_partial_read(80, 80, &said, false));
        assert!(!is_partial_read(81, 80, &none, false));
        assert!(!is_partial_read(3, u64::MAX, &none, false));
    }
}
