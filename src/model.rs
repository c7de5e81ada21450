//! The domain model: hazards, releases, regions, settlements, accidents and QA findings.
//!
//! These types know nothing about GDAL: `ingest` and `qa` build them, `analysis` reads them,
//! `report` writes what analysis derived from them. All coordinates are WGS84
//! longitude/latitude in degrees (EPSG:4326, longitude first); polygons are valid
//! (repaired by `qa`), exteriors counter-clockwise and holes clockwise.

use chrono::NaiveDate;
use geo::{Geometry, MultiPolygon, Point};

/// Confirmed (CHA) or suspected (SHA) hazardous area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Confirmed hazardous area: direct evidence of contamination.
    Cha,
    /// Suspected hazardous area: indirect evidence only.
    Sha,
}

impl Status {
    /// Parses a status value, trimmed and case-insensitive.
    pub fn parse(text: &str) -> Option<Status> {
        match text.trim().to_ascii_uppercase().as_str() {
            "CHA" => Some(Status::Cha),
            "SHA" => Some(Status::Sha),
            _ => None,
        }
    }

    /// The SPEC's spelling, `CHA` or `SHA`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Cha => "CHA",
            Status::Sha => "SHA",
        }
    }
}

/// The kind of contamination of a hazard (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HazardType {
    /// Anti-personnel mines.
    Ap,
    /// Anti-vehicle (anti-tank) mines.
    At,
    /// Explosive remnants of war.
    Erw,
    /// Cluster munition remnants.
    Cmr,
    /// Improvised explosive devices.
    Ied,
    /// More than one kind.
    Mixed,
}

impl HazardType {
    /// Parses a hazard type, trimmed and case-insensitive.
    pub fn parse(text: &str) -> Option<HazardType> {
        match text.trim().to_ascii_uppercase().as_str() {
            "AP" => Some(HazardType::Ap),
            "AT" => Some(HazardType::At),
            "ERW" => Some(HazardType::Erw),
            "CMR" => Some(HazardType::Cmr),
            "IED" => Some(HazardType::Ied),
            "MIXED" => Some(HazardType::Mixed),
            _ => None,
        }
    }

    /// The SPEC's spelling (`AP`, `AT`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            HazardType::Ap => "AP",
            HazardType::At => "AT",
            HazardType::Erw => "ERW",
            HazardType::Cmr => "CMR",
            HazardType::Ied => "IED",
            HazardType::Mixed => "MIXED",
        }
    }
}

/// How land was released (IMAS 07.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// Non-technical survey found no evidence.
    Cancelled,
    /// Technical survey showed no contamination.
    Reduced,
    /// Every item found and destroyed.
    Cleared,
}

impl Method {
    /// Parses a release method, trimmed and case-insensitive.
    pub fn parse(text: &str) -> Option<Method> {
        match text.trim().to_ascii_lowercase().as_str() {
            "cancelled" | "canceled" => Some(Method::Cancelled),
            "reduced" => Some(Method::Reduced),
            "cleared" => Some(Method::Cleared),
            _ => None,
        }
    }
}

/// A hazard record (SHA or CHA polygon) as it exists on the as-of date.
#[derive(Debug, Clone)]
pub struct Hazard {
    /// `hazard_id`; not necessarily unique (duplicates are kept, SPEC edge cases).
    pub hazard_id: String,
    /// CHA or SHA (an unknown status is read as SHA, with a QA error).
    pub status: Status,
    /// Hazard type; `None` when missing or unknown.
    pub hazard_type: Option<HazardType>,
    /// When the hazard was recorded; `None` means "before every release" (R2).
    pub recorded_on: Option<NaiveDate>,
    /// Valid, oriented, non-empty polygonal geometry.
    pub geometry: MultiPolygon<f64>,
    /// Source fields that are not SPEC fields, carried through as text.
    pub extra: Vec<Option<String>>,
}

/// A land-release record that was completed on or before the as-of date.
#[derive(Debug, Clone)]
pub struct Release {
    /// `release_id`; not necessarily unique.
    pub release_id: String,
    /// Cancelled, reduced or cleared.
    pub method: Method,
    /// Completion date (releases without one are dropped by QA with a warning, R2).
    pub completed_on: NaiveDate,
    /// The hazard the record says it released, if any.
    pub hazard_id: Option<String>,
    /// The organisation that did the work.
    pub organisation: Option<String>,
    /// Valid, oriented, non-empty polygonal geometry.
    pub geometry: MultiPolygon<f64>,
}

/// An administrative region (province, district).
#[derive(Debug, Clone)]
pub struct Region {
    /// `region_id`.
    pub region_id: String,
    /// Human-readable name.
    pub name: String,
    /// Parent region, if the source has one.
    pub parent_id: Option<String>,
    /// Valid, oriented, non-empty polygonal geometry.
    pub geometry: MultiPolygon<f64>,
}

/// A populated place.
#[derive(Debug, Clone)]
pub struct Settlement {
    /// `settlement_id`.
    pub settlement_id: String,
    /// Name.
    pub name: String,
    /// Number of inhabitants (0 when missing or invalid, with a QA finding).
    pub population: u64,
    /// Location, lon/lat degrees.
    pub location: Point<f64>,
}

/// A mine/ERW accident.
#[derive(Debug, Clone)]
pub struct Accident {
    /// `accident_id`.
    pub accident_id: String,
    /// When it happened; accidents without a date are never in the window.
    pub occurred_on: Option<NaiveDate>,
    /// Number of casualties, when known.
    pub casualties: Option<i64>,
    /// Location, lon/lat degrees.
    pub location: Point<f64>,
}

/// Everything the analysis needs, after ingest and QA.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Hazards existing on the as-of date.
    pub hazards: Vec<Hazard>,
    /// Names of the carried-through hazard fields (see [`Hazard::extra`]).
    pub hazard_extra_fields: Vec<String>,
    /// Releases completed on or before the as-of date.
    pub releases: Vec<Release>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Settlements.
    pub settlements: Vec<Settlement>,
    /// Accidents (empty when the layer is not configured).
    pub accidents: Vec<Accident>,
}

/// How serious a QA finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing; nothing was changed.
    Info,
    /// Data was repaired or an assumption was made.
    Warning,
    /// A record was skipped or the data contradicts itself.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem found in the inputs (SPEC §5 `qa_findings`).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// Short stable name of the check, e.g. `self_intersection`.
    pub check: &'static str,
    /// Input layer key (`hazards`, `releases`, …).
    pub layer: String,
    /// The record's id, or `fid:N` when it has none.
    pub feature_id: String,
    /// What an analyst needs to know.
    pub message: String,
    /// Where, when a geometry applies.
    pub geometry: Option<Geometry<f64>>,
}

impl Finding {
    /// A finding without geometry.
    pub fn new(
        severity: Severity,
        check: &'static str,
        layer: &str,
        feature_id: &str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            check,
            layer: layer.to_string(),
            feature_id: feature_id.to_string(),
            message: message.into(),
            geometry: None,
        }
    }

    /// The same finding, located at `geometry`.
    pub fn at(mut self, geometry: impl Into<Geometry<f64>>) -> Finding {
        self.geometry = Some(geometry.into());
        self
    }
}

/// The SPEC's output order of findings: layer, feature id, check (then message).
pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (&a.layer, &a.feature_id, a.check, &a.message).cmp(&(
        &b.layer,
        &b.feature_id,
        b.check,
        &b.message,
    ))
}
