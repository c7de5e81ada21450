//! Reading input layers through GDAL/OGR into raw records in EPSG:4326.
//!
//! Any dataset GDAL opens is accepted (GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV,
//! `PG:` connection strings…). For each configured layer this module opens the source,
//! picks the layer, applies the `where` filter, maps the SPEC fields to source fields
//! (ignoring case, but an exact-case match wins; `@fid` is the feature id; defaults fill
//! missing fields and NULL values), reads geometry from the geometry column, `x`/`y`
//! columns or a `wkt` column, and transforms coordinates to WGS84 longitude/latitude
//! (traditional GIS axis order, whatever the CRS's official axis order). `PG:` sources
//! get a connect timeout (30 s) unless they set one. A layer without geometry
//! (`targets`, [`crate::config::LayerKind::has_geometry`]) is read as a plain table: its
//! records carry a NULL geometry and no CRS is looked for.
//!
//! Nothing here judges the data: a NULL, empty or unreadable geometry is passed on as
//! such for `qa` to report. Only problems that make the whole layer unusable (cannot open,
//! no such layer, a required field missing or ambiguous, no CRS, no PROJ database) or
//! that would make a partial picture (fewer features read than the layer declares, a
//! shapefile whose `.dbf` lacks records) are errors.

mod read;
pub mod survey;

use std::path::PathBuf;

use chrono::NaiveDate;

pub use crate::gdal_errors::install_gdal_error_handler;
pub use read::{inspect, read_layer};

/// A layer that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// GDAL could not open the dataset.
    #[error("cannot open {layer} source '{source_name}': {message}")]
    Open {
        /// Input layer key.
        layer: &'static str,
        /// Dataset name.
        source_name: String,
        /// GDAL's message.
        message: String,
    },
    /// The layer is not in the dataset, or the dataset has several and none was named.
    #[error("{layer} source '{source_name}': {message} (layers: {available})")]
    Layer {
        /// Input layer key.
        layer: &'static str,
        /// Dataset name.
        source_name: String,
        /// What is wrong.
        message: String,
        /// The layers the dataset has.
        available: String,
    },
    /// A required field is missing.
    #[error("{0}")]
    Field(Box<MissingField>),
    /// The CRS is missing or unusable.
    #[error("{layer} source '{source_name}': {message}")]
    Crs {
        /// Input layer key.
        layer: &'static str,
        /// Dataset name.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// A mistake in the pipeline file that only the source reveals (a `where` filter GDAL
    /// rejects, a field mapping naming a missing column): exit status 2.
    #[error("pipeline file: {key}: {message}")]
    Pipeline {
        /// The dotted key in the pipeline file.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// GDAL cannot work with CRSs at all (PROJ's database is missing).
    #[error("{0}")]
    Proj(String),
    /// Reading failed part-way.
    #[error("{layer} source '{source_name}': {message}")]
    Read {
        /// Input layer key.
        layer: &'static str,
        /// Dataset name.
        source_name: String,
        /// What failed.
        message: String,
    },
}

impl IngestError {
    /// Whether this is a pipeline-file mistake (SPEC §6 exit status 2) rather than a
    /// failed run (exit status 1).
    pub fn is_pipeline_mistake(&self) -> bool {
        matches!(self, IngestError::Pipeline { .. })
    }
}

/// A required field that a layer lacks (boxed in [`IngestError::Field`]).
#[derive(Debug, thiserror::Error)]
#[error("{layer} source '{source_name}' layer '{layer_name}' has no field '{field}' for '{spec_field}' (fields: {available}); map it under [inputs.{layer}.fields] or give a default")]
pub struct MissingField {
    /// Input layer key.
    pub layer: &'static str,
    /// Dataset name.
    pub source_name: String,
    /// Layer name in the dataset.
    pub layer_name: String,
    /// Source field name looked for.
    pub field: String,
    /// SPEC field it was meant to supply.
    pub spec_field: String,
    /// The fields the layer has.
    pub available: String,
}

/// A field value as read, before interpretation.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// Text (trimmed by the reader of the value, not here).
    Text(String),
    /// Integer.
    Int(i64),
    /// Real number.
    Real(f64),
    /// Date (from DATE or DATETIME fields).
    Date(NaiveDate),
}

impl AttrValue {
    /// The value as trimmed text; `None` when it is blank.
    pub fn text(&self) -> Option<String> {
        let s = match self {
            AttrValue::Text(s) => s.trim().to_string(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Real(r) => r.to_string(),
            AttrValue::Date(d) => d.format("%Y-%m-%d").to_string(),
        };
        (!s.is_empty()).then_some(s)
    }

    /// The value as a date: DATE/DATETIME fields, or ISO text (`YYYY-MM-DD`, `YYYY/MM/DD`,
    /// optionally followed by a time).
    pub fn date(&self) -> Result<NaiveDate, String> {
        self.date_as(None)
    }

    /// The value as a date, text written as `format` (strftime) when given; a date and
    /// time is cut to its date.
    pub fn date_as(&self, format: Option<&str>) -> Result<NaiveDate, String> {
        match (self, format) {
            (AttrValue::Date(d), _) => Ok(*d),
            (other, Some(format)) => {
                let text = other.text().unwrap_or_default();
                NaiveDate::parse_from_str(&text, format)
                    .or_else(|_| {
                        chrono::NaiveDateTime::parse_from_str(&text, format).map(|t| t.date())
                    })
                    .map_err(|_| {
                        format!("'{text}' is not a date written as date_format '{format}'")
                    })
            }
            (other, None) => {
                let text = other.text().unwrap_or_default();
                let head: String = text.chars().take(10).collect();
                NaiveDate::parse_from_str(&head, "%Y-%m-%d")
                    .or_else(|_| NaiveDate::parse_from_str(&head, "%Y/%m/%d"))
                    .map_err(|_| format!("'{text}' is not a date (expected YYYY-MM-DD)"))
            }
        }
    }

    /// The value as a number.
    pub fn number(&self) -> Result<f64, String> {
        match self {
            AttrValue::Int(i) => Ok(*i as f64),
            AttrValue::Real(r) => Ok(*r),
            other => {
                let text = other.text().unwrap_or_default();
                text.parse::<f64>()
                    .map_err(|_| format!("'{text}' is not a number"))
            }
        }
    }
}

/// The geometry of a raw record.
#[derive(Debug, Clone)]
pub enum RawGeometry {
    /// NULL geometry (or no geometry column value).
    Null,
    /// An empty geometry.
    Empty,
    /// A geometry in EPSG:4326 (lon, lat), not yet checked.
    Geo(geo::Geometry<f64>),
    /// A geometry that could not be read or transformed, with the reason.
    Unreadable(String),
}

/// One feature as read.
#[derive(Debug, Clone)]
pub struct RawFeature {
    /// The source's feature id, when it has one.
    pub fid: Option<u64>,
    /// Values of the layer's SPEC fields, in [`crate::config::LayerKind::fields`] order.
    pub values: Vec<Option<AttrValue>>,
    /// Values of the carried-through fields, as text.
    pub extra: Vec<Option<String>>,
    /// Geometry.
    pub geometry: RawGeometry,
    /// Polygon rings the source left unclosed (closed on reading; a QA warning).
    pub unclosed_rings: usize,
    /// Which of its layer's sources the record came from (an index into
    /// [`RawLayer::sources`]; 0 for an input of one source).
    pub source_index: usize,
}

/// A whole layer as read.
#[derive(Debug, Clone)]
pub struct RawLayer {
    /// Which layer.
    pub kind: crate::config::LayerKind,
    /// Dataset name as configured.
    pub source: String,
    /// Local file, when the source is one (for hashing).
    pub file: Option<PathBuf>,
    /// The layer's name inside the dataset.
    pub layer_name: String,
    /// Names of the carried-through (non-SPEC) fields.
    pub extra_fields: Vec<String>,
    /// Features, in source order.
    pub features: Vec<RawFeature>,
    /// True when the layer had no CRS and EPSG:4326 was assumed (coordinates in range).
    pub crs_assumed: bool,
    /// Description of the source CRS (or "EPSG:4326 (assumed)").
    pub crs: String,
    /// Errors GDAL raised while reading (records may be missing).
    pub read_errors: Vec<String>,
    /// The sources the layer was read from (one, or several for `[[inputs.<layer>]]`).
    pub sources: Vec<String>,
    /// Per source, its `date_format` (how its text dates are written), if set.
    pub date_formats: Vec<Option<String>>,
    /// Records not read because a `values` table maps their value to `@skip`: per SPEC
    /// field, how many.
    pub skipped: Vec<(String, usize)>,
}

/// The layers of one input read from several sources (`[[inputs.<layer>]]`) merged into
/// one layer per input, in reading order: records keep their source
/// ([`RawFeature::source_index`]), carried-through hazard fields are the union of the
/// sources' (in order of first appearance), and the ids are then checked across all of
/// them. An input of one source is returned as it is.
pub fn merge_sources(layers: Vec<RawLayer>) -> Vec<RawLayer> {
    let mut out: Vec<RawLayer> = Vec::new();
    for layer in layers {
        match out.iter_mut().find(|l| l.kind == layer.kind) {
            Some(merged) => append_source(merged, layer),
            None => out.push(layer),
        }
    }
    out
}

fn append_source(merged: &mut RawLayer, layer: RawLayer) {
    let offset = merged.sources.len();
    let positions: Vec<usize> = layer
        .extra_fields
        .iter()
        .map(|name| {
            match merged
                .extra_fields
                .iter()
                .position(|n| n.eq_ignore_ascii_case(name))
            {
                Some(i) => i,
                None => {
                    merged.extra_fields.push(name.clone());
                    merged.extra_fields.len() - 1
                }
            }
        })
        .collect();
    let width = merged.extra_fields.len();
    for f in &mut merged.features {
        f.extra.resize(width, None);
    }
    for mut f in layer.features {
        let mut extra = vec![None; width];
        for (value, &at) in f.extra.drain(..).zip(&positions) {
            extra[at] = value;
        }
        f.extra = extra;
        f.source_index += offset;
        merged.features.push(f);
    }
    merged.source = format!("{} + {}", merged.source, layer.source);
    merged.layer_name = format!("{} + {}", merged.layer_name, layer.layer_name);
    merged.file = None;
    merged.sources.extend(layer.sources);
    merged.date_formats.extend(layer.date_formats);
    merged.crs_assumed |= layer.crs_assumed;
    if !merged.crs.split(" + ").any(|c| c == layer.crs) {
        merged.crs = format!("{} + {}", merged.crs, layer.crs);
    }
    merged.read_errors.extend(layer.read_errors);
    merged.skipped.extend(layer.skipped);
}
