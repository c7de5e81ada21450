//! The domain model: hazards, releases, regions, settlements, accidents and QA findings.
//!
//! These types know nothing about GDAL: `ingest` and `qa` build them, `analysis` reads them,
//! `report` writes what analysis derived from them. All coordinates are WGS84
//! longitude/latitude in degrees (EPSG:4326, longitude first); polygons are valid
//! (repaired by `qa`), exteriors counter-clockwise and holes clockwise.

mod layer;

use std::sync::Arc;

use chrono::NaiveDate;
use geo::{Geometry, MultiPolygon, Point};

pub use layer::{Field, LayerKind};

/// The years a date may fall in (SPEC §5 "What minefree never does"): a record's date
/// outside them is a `date_out_of_range` warning and treated as missing.
pub const DATE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

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

    /// The SPEC's spelling: `cancelled`, `reduced` or `cleared`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Cancelled => "cancelled",
            Method::Reduced => "reduced",
            Method::Cleared => "cleared",
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
    /// When the work started, on or before `completed_on` (a later date is treated as
    /// missing, with a QA warning). Read and checked; no rule uses it yet (R13 will).
    pub started_on: Option<NaiveDate>,
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

/// The place an annual target (R15) is set for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetPlace {
    /// A region, by the `region_id` the target names (trimmed; it may name no region of
    /// the run: a QA `unknown_region` error, and the row gets no achievement).
    Region(String),
    /// `_national` (any case): the whole run.
    National,
}

impl TargetPlace {
    /// The place a `region_id` value names.
    pub fn parse(region_id: &str) -> TargetPlace {
        let id = region_id.trim();
        if id.eq_ignore_ascii_case("_national") {
            TargetPlace::National
        } else {
            TargetPlace::Region(id.to_string())
        }
    }

    /// The `region_id` written for this place.
    pub fn as_str(&self) -> &str {
        match self {
            TargetPlace::Region(id) => id,
            TargetPlace::National => "_national",
        }
    }
}

/// One annual target of the previous work plan or extension request (R15), for a year up
/// to the year of the as-of date.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The region (or `_national`) the target is set for.
    pub place: TargetPlace,
    /// The calendar year.
    pub year: i32,
    /// The land to release that year (m², ≥ 0).
    pub target_m2: f64,
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
    /// R15 targets for years up to the year of the as-of date (empty when the layer is
    /// not configured).
    pub targets: Vec<Target>,
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

/// The name of a QA check: one variant per kind of finding. [`Check::as_str`] is the
/// stable name written to `qa_findings.check` and counted in run.json; findings sort by
/// that name (SPEC §5), not by the variant's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Check {
    /// A date field could not be read (treated as missing).
    BadDate,
    /// A settlement's population is missing or not a whole number ≥ 0.
    BadPopulation,
    /// A release completed after the as-of date (not part of the run).
    CompletedAfterAsOf,
    /// Coordinates outside ±180/±90 after transformation (wrong CRS?).
    CoordinatesOutOfRange,
    /// A point layer lies almost wholly outside every region, and inside with lon/lat swapped.
    CoordinatesSwapped,
    /// A source without CRS was read as EPSG:4326.
    CrsAssumed,
    /// A date outside the years 1900–2200 (treated as missing).
    DateOutOfRange,
    /// Several records share one id.
    DuplicateId,
    /// A geometry is empty, or has no area left after repair.
    EmptyGeometry,
    /// A layer has no records.
    EmptyLayer,
    /// A release names a hazard it does not overlap.
    HazardIdNotOverlapping,
    /// A polygon was invalid (not self-intersecting) and was rebuilt.
    InvalidPolygon,
    /// A record has no date.
    MissingDate,
    /// A record has no id.
    MissingId,
    /// A hazard has no status.
    MissingStatus,
    /// NaN or infinite coordinates.
    NonFiniteCoordinates,
    /// A record has no geometry.
    NullGeometry,
    /// Hazard land lies outside every region.
    OutsideRegions,
    /// Hazard records overlap.
    OverlappingHazards,
    /// Parts of a MultiPolygon overlapped and were merged.
    OverlappingParts,
    /// Regions overlap.
    OverlappingRegions,
    /// A settlement or accident lies outside every region.
    PointOutsideRegions,
    /// GDAL reported an error while reading.
    ReadError,
    /// A hazard recorded after the as-of date (not part of the run).
    RecordedAfterAsOf,
    /// A release completed before the hazard it overlaps was recorded.
    ReleaseBeforeHazard,
    /// A release overlaps no hazard.
    ReleaseOutsideHazards,
    /// Repeated consecutive vertices were removed.
    RepeatedVertices,
    /// The hazards or regions layer has no usable record (the run refuses).
    RequiredLayerEmpty,
    /// A region uses the reserved id `_outside` or `_national` (the run refuses).
    ReservedRegionId,
    /// A self-intersecting polygon was rebuilt.
    SelfIntersection,
    /// Zero-area spikes were removed.
    Spike,
    /// Rings with fewer than 3 distinct points were removed.
    TooFewPoints,
    /// A ring was not closed.
    UnclosedRing,
    /// A release names no hazard of the run.
    UnknownHazardId,
    /// A hazard type outside the SPEC's list.
    UnknownHazardType,
    /// A release method that is not cancelled, reduced or cleared.
    UnknownMethod,
    /// A hazard status that is neither CHA nor SHA.
    UnknownStatus,
    /// GDAL could not read a geometry.
    UnreadableGeometry,
    /// A geometry of the wrong type for its layer.
    WrongGeometryType,
    // R15 targets and `started_on` (issue 24):
    /// A target row without a usable `region_id`, `year` or `target_m2` (row skipped).
    BadTarget,
    /// A release's `started_on` is after its `completed_on` (treated as missing).
    StartedAfterCompleted,
    /// A target for a year after the year of the as-of date (not listed).
    TargetAfterAsOf,
    /// A target names a region the run does not have (kept, without achievement).
    UnknownRegion,
}

impl Check {
    /// Every check, for documentation and tests.
    pub const ALL: [Check; 43] = [
        Check::BadDate,
        Check::BadPopulation,
        Check::CompletedAfterAsOf,
        Check::CoordinatesOutOfRange,
        Check::CoordinatesSwapped,
        Check::CrsAssumed,
        Check::DateOutOfRange,
        Check::DuplicateId,
        Check::EmptyGeometry,
        Check::EmptyLayer,
        Check::HazardIdNotOverlapping,
        Check::InvalidPolygon,
        Check::MissingDate,
        Check::MissingId,
        Check::MissingStatus,
        Check::NonFiniteCoordinates,
        Check::NullGeometry,
        Check::OutsideRegions,
        Check::OverlappingHazards,
        Check::OverlappingParts,
        Check::OverlappingRegions,
        Check::PointOutsideRegions,
        Check::ReadError,
        Check::RecordedAfterAsOf,
        Check::ReleaseBeforeHazard,
        Check::ReleaseOutsideHazards,
        Check::RepeatedVertices,
        Check::RequiredLayerEmpty,
        Check::ReservedRegionId,
        Check::SelfIntersection,
        Check::Spike,
        Check::TooFewPoints,
        Check::UnclosedRing,
        Check::UnknownHazardId,
        Check::UnknownHazardType,
        Check::UnknownMethod,
        Check::UnknownStatus,
        Check::UnreadableGeometry,
        Check::WrongGeometryType,
        // R15 targets and `started_on` (issue 24):
        Check::BadTarget,
        Check::StartedAfterCompleted,
        Check::TargetAfterAsOf,
        Check::UnknownRegion,
    ];

    /// Whether a finding of this check makes `run` and `validate` refuse (exit status 1,
    /// nothing replaced): the picture would be wrong whatever `fail_on` says (SPEC §5
    /// "What minefree never does": an empty `hazards` or `regions` layer, a region with a
    /// reserved id).
    pub fn refuses_run(self) -> bool {
        matches!(self, Check::RequiredLayerEmpty | Check::ReservedRegionId)
    }

    /// The stable output name, e.g. `self_intersection`.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::BadDate => "bad_date",
            Check::BadPopulation => "bad_population",
            Check::CompletedAfterAsOf => "completed_after_as_of",
            Check::CoordinatesOutOfRange => "coordinates_out_of_range",
            Check::CoordinatesSwapped => "coordinates_swapped",
            Check::CrsAssumed => "crs_assumed",
            Check::DateOutOfRange => "date_out_of_range",
            Check::DuplicateId => "duplicate_id",
            Check::EmptyGeometry => "empty_geometry",
            Check::EmptyLayer => "empty_layer",
            Check::HazardIdNotOverlapping => "hazard_id_not_overlapping",
            Check::InvalidPolygon => "invalid_polygon",
            Check::MissingDate => "missing_date",
            Check::MissingId => "missing_id",
            Check::MissingStatus => "missing_status",
            Check::NonFiniteCoordinates => "non_finite_coordinates",
            Check::NullGeometry => "null_geometry",
            Check::OutsideRegions => "outside_regions",
            Check::OverlappingHazards => "overlapping_hazards",
            Check::OverlappingParts => "overlapping_parts",
            Check::OverlappingRegions => "overlapping_regions",
            Check::PointOutsideRegions => "point_outside_regions",
            Check::ReadError => "read_error",
            Check::RecordedAfterAsOf => "recorded_after_as_of",
            Check::ReleaseBeforeHazard => "release_before_hazard",
            Check::ReleaseOutsideHazards => "release_outside_hazards",
            Check::RepeatedVertices => "repeated_vertices",
            Check::RequiredLayerEmpty => "required_layer_empty",
            Check::ReservedRegionId => "reserved_region_id",
            Check::SelfIntersection => "self_intersection",
            Check::Spike => "spike",
            Check::TooFewPoints => "too_few_points",
            Check::UnclosedRing => "unclosed_ring",
            Check::UnknownHazardId => "unknown_hazard_id",
            Check::UnknownHazardType => "unknown_hazard_type",
            Check::UnknownMethod => "unknown_method",
            Check::UnknownStatus => "unknown_status",
            Check::UnreadableGeometry => "unreadable_geometry",
            Check::WrongGeometryType => "wrong_geometry_type",
            // R15 targets and `started_on` (issue 24):
            Check::BadTarget => "bad_target",
            Check::StartedAfterCompleted => "started_after_completed",
            Check::TargetAfterAsOf => "target_after_as_of",
            Check::UnknownRegion => "unknown_region",
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with an output name, as tests and readers of `qa_findings` think of checks.
impl PartialEq<&str> for Check {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Ord for Check {
    fn cmp(&self, other: &Check) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Check {
    fn partial_cmp(&self, other: &Check) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// One problem found in the inputs (SPEC §5 `qa_findings`).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Severity.
    pub severity: Severity,
    /// Which check found it.
    pub check: Check,
    /// The input layer (its key, `hazards`, `releases`, …, is the output text).
    pub layer: LayerKind,
    /// The record's id, or `fid:N` when it has none.
    pub feature_id: String,
    /// What an analyst needs to know.
    pub message: String,
    /// Where, when a geometry applies: shared, so that the findings about one record
    /// (a release predating several hazards) hold one copy of its geometry.
    pub geometry: Option<Arc<Geometry<f64>>>,
}

impl Finding {
    /// A finding without geometry.
    pub fn new(
        severity: Severity,
        check: Check,
        layer: LayerKind,
        feature_id: &str,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            check,
            layer,
            feature_id: feature_id.to_string(),
            message: message.into(),
            geometry: None,
        }
    }

    /// The same finding, located at `geometry`.
    pub fn at(self, geometry: impl Into<Geometry<f64>>) -> Finding {
        self.at_shared(Arc::new(geometry.into()))
    }

    /// The same finding, located at a geometry other findings share.
    pub fn at_shared(mut self, geometry: Arc<Geometry<f64>>) -> Finding {
        self.geometry = Some(geometry);
        self
    }
}

/// The SPEC's output order of findings: layer (by its key, the text written, not by
/// [`LayerKind`]'s reading order), feature id, check (then message).
pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.layer.key(), &a.feature_id, a.check, &a.message).cmp(&(
        b.layer.key(),
        &b.feature_id,
        b.check,
        &b.message,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Finding.layer` became a `LayerKind`, whose declaration order (hazards, releases,
    /// regions, …) is not the alphabetical order of the keys the SPEC sorts by.
    #[test]
    fn findings_sort_by_layer_key_not_reading_order() {
        let f = |layer| Finding::new(Severity::Info, Check::Spike, layer, "id", "m");
        let mut findings = [
            f(LayerKind::Targets),
            f(LayerKind::Hazards),
            f(LayerKind::Releases),
            f(LayerKind::Regions),
            f(LayerKind::Settlements),
            f(LayerKind::Accidents),
        ];
        findings.sort_by(finding_order);
        let keys: Vec<&str> = findings.iter().map(|f| f.layer.key()).collect();
        let expected = [
            "accidents",
            "hazards",
            "regions",
            "releases",
            "settlements",
            "targets",
        ];
        assert_eq!(keys, expected);
    }
}
