//! What a source holds, for `minefree init`: every layer with its geometry kind, feature
//! count and fields, and for text fields a sample of their distinct values (to detect a
//! date column's format and to propose value mappings).
//!
//! A source is a file, a folder (each file in it that GDAL opens, side files of a
//! shapefile skipped) or a connection string (`PG:…`).

use std::collections::BTreeSet;
use std::path::Path;

use gdal::vector::{FieldValue, LayerAccess, OGRFieldType, OGRwkbGeometryType};

use super::read::open;
use super::IngestError;

/// At most this many features are read per layer for distinct values.
const SAMPLE_FEATURES: usize = 5000;
/// At most this many distinct values are kept per field.
const MAX_DISTINCT: usize = 60;

/// The geometry a layer holds, as `init` tells inputs apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    /// Polygon or MultiPolygon.
    Polygon,
    /// Point or MultiPoint.
    Point,
    /// No geometry column (a table).
    None,
    /// Lines or anything else.
    Other,
}

/// One field of a surveyed layer.
#[derive(Debug, Clone)]
pub struct FieldSurvey {
    /// The field's name in the source.
    pub name: String,
    /// A DATE or DATETIME field.
    pub is_date: bool,
    /// A text field.
    pub is_text: bool,
    /// Distinct trimmed values of the sampled features (text fields only), sorted.
    pub values: Vec<String>,
    /// More distinct values exist than `values` holds.
    pub more_values: bool,
}

/// One surveyed layer.
#[derive(Debug, Clone)]
pub struct LayerSurvey {
    /// The dataset name as `init` writes it into `source`.
    pub source: String,
    /// The layer's name.
    pub layer: String,
    /// Whether the dataset holds other layers too (then `layer` must be written).
    pub several_layers: bool,
    /// Its geometry.
    pub geometry: GeometryKind,
    /// GDAL's feature count.
    pub features: u64,
    /// Its fields, in source order.
    pub fields: Vec<FieldSurvey>,
    /// The column holding WKT geometry (a CSV without geometry), if any.
    pub has_wkt_column: Option<String>,
}

/// Side files of a shapefile and other files GDAL would open as something else.
const SIDE_FILES: [&str; 10] = [
    "shx", "dbf", "prj", "cpg", "qix", "sbn", "sbx", "xml", "qmd", "aux",
];

/// Every layer of `source` (a file, a folder of files or a connection string).
pub fn survey(source: &str) -> Result<Vec<LayerSurvey>, IngestError> {
    let path = Path::new(source);
    if path.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| open_error(source, e.to_string()))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| {
                p.extension()
                    .and_then(|e| e.to_str())
                    .is_none_or(|e| !SIDE_FILES.contains(&e.to_ascii_lowercase().as_str()))
            })
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            // a file GDAL does not open (a README, a PDF) is not a source
            if let Ok(layers) = survey_dataset(&f.to_string_lossy()) {
                out.extend(layers);
            }
        }
        return Ok(out);
    }
    survey_dataset(source)
}

fn open_error(source: &str, message: String) -> IngestError {
    IngestError::Open {
        layer: "init",
        source_name: source.to_string(),
        message,
    }
}

fn survey_dataset(source: &str) -> Result<Vec<LayerSurvey>, IngestError> {
    let ds = open(source).map_err(|m| open_error(source, m))?;
    let several_layers = ds.layer_count() > 1;
    let mut out = Vec::new();
    for mut layer in ds.layers() {
        let defn = layer.defn();
        let geometry = geometry_kind(defn.geometry_type());
        let mut fields: Vec<FieldSurvey> = defn
            .fields()
            .map(|f| FieldSurvey {
                name: f.name(),
                is_date: matches!(
                    f.field_type(),
                    OGRFieldType::OFTDate | OGRFieldType::OFTDateTime
                ),
                is_text: f.field_type() == OGRFieldType::OFTString,
                values: Vec::new(),
                more_values: false,
            })
            .collect();
        let mut distinct: Vec<BTreeSet<String>> = vec![BTreeSet::new(); fields.len()];
        let mut first_geometry = None;
        for feature in layer.features().take(SAMPLE_FEATURES) {
            if first_geometry.is_none() {
                first_geometry = feature.geometry().map(|g| geometry_kind(g.geometry_type()));
            }
            for (i, field) in fields.iter_mut().enumerate() {
                if !field.is_text {
                    continue;
                }
                if let Ok(Some(FieldValue::StringValue(v))) = feature.field(i) {
                    let v = v.trim().to_string();
                    if v.is_empty() {
                        continue;
                    }
                    if distinct[i].len() < MAX_DISTINCT {
                        distinct[i].insert(v);
                    } else if !distinct[i].contains(&v) {
                        field.more_values = true;
                    }
                }
            }
        }
        for (field, values) in fields.iter_mut().zip(distinct) {
            field.values = values.into_iter().collect();
        }
        let has_wkt_column = fields
            .iter()
            .find(|f| f.is_text && f.values.iter().any(|v| looks_like_wkt(v)))
            .map(|f| f.name.clone());
        out.push(LayerSurvey {
            source: source.to_string(),
            layer: layer.name(),
            several_layers,
            geometry: match (geometry, &has_wkt_column) {
                (GeometryKind::None, Some(_)) => wkt_kind(&fields, has_wkt_column.as_deref()),
                // a GeoPackage's generic GEOMETRY column: its first feature tells
                (GeometryKind::Other, _) => first_geometry.unwrap_or(GeometryKind::Other),
                (g, _) => g,
            },
            features: layer.feature_count(),
            fields,
            has_wkt_column,
        });
    }
    Ok(out)
}

fn looks_like_wkt(v: &str) -> bool {
    let upper = v.trim_start().to_ascii_uppercase();
    ["POINT", "POLYGON", "MULTIPOLYGON", "MULTIPOINT"]
        .iter()
        .any(|k| upper.starts_with(k))
}

/// The geometry of a table whose geometry is a WKT column.
fn wkt_kind(fields: &[FieldSurvey], column: Option<&str>) -> GeometryKind {
    let values = fields
        .iter()
        .find(|f| Some(f.name.as_str()) == column)
        .map(|f| f.values.as_slice())
        .unwrap_or_default();
    match values.first().map(|v| v.trim_start().to_ascii_uppercase()) {
        Some(v) if v.contains("POLYGON") => GeometryKind::Polygon,
        Some(v) if v.contains("POINT") => GeometryKind::Point,
        _ => GeometryKind::Other,
    }
}

/// A geometry type by GDAL's name of it ("Polygon", "3D Multi Polygon", "Point", "None").
fn geometry_kind(t: OGRwkbGeometryType::Type) -> GeometryKind {
    let name = gdal::vector::geometry_type_to_name(t);
    if name.contains("Polygon") {
        GeometryKind::Polygon
    } else if name.contains("Point") {
        GeometryKind::Point
    } else if name == "None" {
        GeometryKind::None
    } else {
        GeometryKind::Other
    }
}
