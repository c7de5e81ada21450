//! The input layers minefree reads (SPEC §3) and their fields: the names `config` checks
//! under `[inputs]`, `ingest` reads, `qa` reads values by, and every QA finding names.
//! They live in `model`, below `config` (which re-exports them), so that the model's own
//! records can name a layer by type (`Finding.layer`).

/// The layers minefree reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerKind {
    /// Hazard polygons.
    Hazards,
    /// Land-release polygons.
    Releases,
    /// Administrative regions.
    Regions,
    /// Settlement points.
    Settlements,
    /// Accident points (optional).
    Accidents,
    /// Annual release targets (optional, R15): a table without geometry.
    Targets,
}

impl LayerKind {
    /// All layers, in reading order.
    pub const ALL: [LayerKind; 6] = [
        LayerKind::Hazards,
        LayerKind::Releases,
        LayerKind::Regions,
        LayerKind::Settlements,
        LayerKind::Accidents,
        LayerKind::Targets,
    ];

    /// The key under `[inputs]`, also used as `layer` in QA findings.
    pub fn key(self) -> &'static str {
        match self {
            LayerKind::Hazards => "hazards",
            LayerKind::Releases => "releases",
            LayerKind::Regions => "regions",
            LayerKind::Settlements => "settlements",
            LayerKind::Accidents => "accidents",
            LayerKind::Targets => "targets",
        }
    }

    /// SPEC §3 fields, in the order `ingest` delivers their values.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            LayerKind::Hazards => &[HazardId, Status, HazardType, RecordedOn],
            LayerKind::Releases => &[
                ReleaseId,
                Method,
                CompletedOn,
                ReleaseHazardId,
                Organisation,
                StartedOn,
            ],
            LayerKind::Regions => &[RegionId, RegionName, ParentId],
            LayerKind::Settlements => &[SettlementId, SettlementName, Population],
            LayerKind::Accidents => &[AccidentId, OccurredOn, Casualties],
            LayerKind::Targets => &[RegionId, TargetYear, TargetM2],
        }
    }

    /// Where `field`'s value is in a record of this layer; `None` when the layer has no
    /// such field.
    pub fn position(self, field: Field) -> Option<usize> {
        self.fields().iter().position(|&f| f == field)
    }

    /// Whether the layer has a geometry at all: `targets` is a plain table (a CSV, a
    /// spreadsheet, a GeoPackage attribute table), whose geometry and CRS are never read.
    pub fn has_geometry(self) -> bool {
        self != LayerKind::Targets
    }

    /// Whether `[inputs]` may leave the layer out.
    pub fn optional(self) -> bool {
        matches!(self, LayerKind::Accidents | LayerKind::Targets)
    }
}

/// One SPEC §3 input field. Read by name ([`LayerKind::position`]), never by index, so
/// that the order of [`LayerKind::fields`] can change without QA reading the wrong column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// hazards.hazard_id
    HazardId,
    /// hazards.status
    Status,
    /// hazards.hazard_type
    HazardType,
    /// hazards.recorded_on
    RecordedOn,
    /// releases.release_id
    ReleaseId,
    /// releases.method
    Method,
    /// releases.completed_on
    CompletedOn,
    /// releases.hazard_id (the hazard the release names)
    ReleaseHazardId,
    /// releases.organisation
    Organisation,
    /// releases.started_on (optional, on or before `completed_on`)
    StartedOn,
    /// regions.region_id, and targets.region_id (a region or `_national`)
    RegionId,
    /// regions.name
    RegionName,
    /// regions.parent_id
    ParentId,
    /// settlements.settlement_id
    SettlementId,
    /// settlements.name
    SettlementName,
    /// settlements.population
    Population,
    /// accidents.accident_id
    AccidentId,
    /// accidents.occurred_on
    OccurredOn,
    /// accidents.casualties
    Casualties,
    /// targets.year (a whole calendar year)
    TargetYear,
    /// targets.target_m2 (≥ 0)
    TargetM2,
}

impl Field {
    /// The field's SPEC name (the column looked for in the source).
    pub fn name(self) -> &'static str {
        use Field::*;
        match self {
            HazardId | ReleaseHazardId => "hazard_id",
            Status => "status",
            HazardType => "hazard_type",
            RecordedOn => "recorded_on",
            ReleaseId => "release_id",
            Method => "method",
            CompletedOn => "completed_on",
            Organisation => "organisation",
            StartedOn => "started_on",
            RegionId => "region_id",
            RegionName | SettlementName => "name",
            ParentId => "parent_id",
            SettlementId => "settlement_id",
            Population => "population",
            AccidentId => "accident_id",
            OccurredOn => "occurred_on",
            Casualties => "casualties",
            TargetYear => "year",
            TargetM2 => "target_m2",
        }
    }

    /// Whether SPEC §3 requires it (a missing required field is a pipeline error unless a
    /// default is given).
    pub fn required(self) -> bool {
        use Field::*;
        !matches!(
            self,
            HazardType
                | RecordedOn
                | ReleaseHazardId
                | Organisation
                | StartedOn
                | ParentId
                | Casualties
        )
    }
}
