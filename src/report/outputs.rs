//! The output tables by kind, and one table of their properties ([`OUTPUTS`]): the name
//! written (GeoPackage layer, `<name>.csv`, `<name>.parquet`, workbook sheet), the
//! geometry, whether the table gets CSV (and plain Parquet) or GeoParquet, its stored
//! QGIS styles, its place in the QGIS project and the `about` sheet's words for it.
//!
//! `write/` (which files, the GeoPackage, `layer_styles`), `render/qml`,
//! `render/qgs` and `render/workbook` read these properties; none of them types a
//! table's name again. A new output table is a [`TableKind`] variant and one row here.

use super::GeometryKind;
use crate::config::LayerKind;

/// What a [`super::Table`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    /// `remaining_hazards` (SPEC §5).
    RemainingHazards,
    /// `region_summary`.
    RegionSummary,
    /// `priority_tasks`.
    PriorityTasks,
    /// `qa_findings`.
    QaFindings,
    /// `release_history` (R11).
    ReleaseHistory,
    /// `scenarios` (R12).
    Scenarios,
    /// `work_plan` (R12, R14).
    WorkPlan,
    /// `release_by_organisation` (R13).
    ReleaseByOrganisation,
    /// `funding` (R14).
    Funding,
    /// `targets` (R15).
    Targets,
    /// `changes` (since the previous run).
    Changes,
    /// An input layer, not an output: `minefree synth` writes its data sets with the
    /// same GeoPackage writer.
    Input(LayerKind),
}

/// A QGIS style minefree stores in `layer_styles` and embeds in the project (built by
/// `render::qml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleKind {
    /// `remaining_hazards` categorized by status.
    HazardsByStatus,
    /// `remaining_hazards` graduated by score.
    HazardsByScore,
    /// `region_summary` graduated by `pct_released`.
    RegionsByPctReleased,
    /// `priority_tasks` graduated by rank.
    TasksByRank,
    /// `qa_findings` rule-based by severity.
    FindingsBySeverity,
}

/// A table's layer in the QGIS project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectLayer {
    /// Place in the layer tree, 0 = top.
    pub position: u8,
    /// Legend title.
    pub title: &'static str,
    /// Shown when the project opens.
    pub checked: bool,
}

/// The properties of one kind of table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// The kind.
    pub kind: TableKind,
    /// The name written: layer, file stem and sheet.
    pub name: &'static str,
    /// Its geometry.
    pub geometry: GeometryKind,
    /// Also written as `<name>.csv` and `<name>.parquet`.
    pub csv: bool,
    /// Its Parquet copy carries the geometry (GeoParquet; written even without `csv`).
    pub geoparquet: bool,
    /// The styles stored for its layer, the default first (none: not styled).
    pub styles: &'static [StyleKind],
    /// Its layer in the QGIS project (none: not in the project).
    pub project: Option<ProjectLayer>,
    /// What it holds, in the words of the workbook's `about` sheet.
    pub description: &'static str,
}

/// A table without geometry, CSV and Parquet, no style, not in the project.
const fn attributes(kind: TableKind, name: &'static str, description: &'static str) -> TableSpec {
    TableSpec {
        kind,
        name,
        geometry: GeometryKind::None,
        csv: true,
        geoparquet: false,
        styles: &[],
        project: None,
        description,
    }
}

/// A layer of the QGIS project.
const fn layer(position: u8, title: &'static str, checked: bool) -> Option<ProjectLayer> {
    Some(ProjectLayer {
        position,
        title,
        checked,
    })
}

/// Every output table, in the order a run writes them.
pub const OUTPUTS: [TableSpec; 11] = [
    TableSpec {
        kind: TableKind::RemainingHazards,
        name: "remaining_hazards",
        geometry: GeometryKind::MultiPolygon,
        csv: false, // its geometry is the point of it: GeoPackage and GeoParquet only
        geoparquet: true,
        styles: &[StyleKind::HazardsByStatus, StyleKind::HazardsByScore],
        project: layer(1, "Remaining hazards", true),
        description: "every hazard existing as of the as-of date: areas (m²), priority factors, score and rank",
    },
    TableSpec {
        kind: TableKind::RegionSummary,
        name: "region_summary",
        geometry: GeometryKind::MultiPolygon,
        csv: true,
        geoparquet: true,
        styles: &[StyleKind::RegionsByPctReleased],
        project: layer(2, "Regions: share of hazard land released", true),
        description: "per region (and _outside, _national): land recorded, remaining and released (m²), rate, completion, deadline",
    },
    TableSpec {
        kind: TableKind::PriorityTasks,
        name: "priority_tasks",
        geometry: GeometryKind::MultiPolygon,
        csv: true,
        geoparquet: false,
        styles: &[StyleKind::TasksByRank],
        project: layer(0, "Priority tasks (by rank)", true),
        description: "the remaining hazards in rank order, with the five factors behind each score",
    },
    TableSpec {
        kind: TableKind::QaFindings,
        name: "qa_findings",
        geometry: GeometryKind::Any,
        csv: true,
        geoparquet: false,
        styles: &[StyleKind::FindingsBySeverity],
        project: layer(3, "QA findings", false),
        description: "every problem found in the inputs: severity, check, layer, record and what was done",
    },
    TableSpec {
        project: layer(4, "Release history", true),
        ..attributes(
            TableKind::ReleaseHistory,
            "release_history",
            "the land ledger per region and calendar year (m²): remaining at the start, added, released by method, remaining at the end",
        )
    },
    TableSpec {
        project: layer(5, "Scenarios", true),
        ..attributes(
            TableKind::Scenarios,
            "scenarios",
            "per capacity scenario and region: rate, years to complete, projected completion, on track",
        )
    },
    TableSpec {
        project: layer(6, "Work plan", true),
        ..attributes(
            TableKind::WorkPlan,
            "work_plan",
            "per scenario, region and year: land remaining at the start, planned release, remaining at the end (m²)",
        )
    },
    attributes(
        TableKind::ReleaseByOrganisation,
        "release_by_organisation",
        "land released per organisation, region and year (m², each point credited once)",
    ),
    attributes(
        TableKind::Funding,
        "funding",
        "per scenario and year: planned cost, funding and the gap",
    ),
    attributes(
        TableKind::Targets,
        "targets",
        "annual targets against the land released (m², %)",
    ),
    attributes(
        TableKind::Changes,
        "changes",
        "what changed since the previous run, record by record",
    ),
];

impl TableKind {
    /// The kind's properties.
    pub fn spec(self) -> TableSpec {
        if let TableKind::Input(layer) = self {
            return input_spec(layer);
        }
        *OUTPUTS
            .iter()
            .find(|s| s.kind == self)
            .expect("every output kind has its row in OUTPUTS (test: every_kind_has_one_row)")
    }

    /// The name written (layer, file stem, sheet).
    pub fn name(self) -> &'static str {
        self.spec().name
    }
}

/// An input layer as `minefree synth` writes it: points or polygons, GeoPackage only.
fn input_spec(layer: LayerKind) -> TableSpec {
    let geometry = match layer {
        LayerKind::Hazards | LayerKind::Releases | LayerKind::Regions => GeometryKind::MultiPolygon,
        _ => GeometryKind::Any,
    };
    TableSpec {
        kind: TableKind::Input(layer),
        name: layer.key(),
        geometry,
        csv: false,
        geoparquet: false,
        styles: &[],
        project: None,
        description: "an input layer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every output kind, listed by a match without a wildcard: a new kind does not
    /// compile here until it is listed (and then needs its row in `OUTPUTS`).
    fn every_output_kind() -> Vec<TableKind> {
        use TableKind::*;
        let listed = [
            RemainingHazards,
            RegionSummary,
            PriorityTasks,
            QaFindings,
            ReleaseHistory,
            Scenarios,
            WorkPlan,
            ReleaseByOrganisation,
            Funding,
            Targets,
            Changes,
        ];
        for k in listed {
            match k {
                RemainingHazards
                | RegionSummary
                | PriorityTasks
                | QaFindings
                | ReleaseHistory
                | Scenarios
                | WorkPlan
                | ReleaseByOrganisation
                | Funding
                | Targets
                | Changes => {}
                Input(_) => unreachable!("not an output"),
            }
        }
        listed.to_vec()
    }

    #[test]
    fn every_kind_has_one_row() {
        let kinds = every_output_kind();
        assert_eq!(OUTPUTS.len(), kinds.len());
        for k in kinds {
            assert_eq!(OUTPUTS.iter().filter(|s| s.kind == k).count(), 1, "{k:?}");
            assert_eq!(k.spec().kind, k);
        }
        let mut names: Vec<&str> = OUTPUTS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OUTPUTS.len(), "names are unique");
    }

    #[test]
    fn project_places_are_unique_and_only_styled_layers_have_geometry_styles() {
        let mut places: Vec<u8> = OUTPUTS
            .iter()
            .filter_map(|s| s.project.map(|p| p.position))
            .collect();
        places.sort_unstable();
        assert_eq!(places, [0, 1, 2, 3, 4, 5, 6]);
        for s in &OUTPUTS {
            assert!(
                s.styles.is_empty() || s.geometry != GeometryKind::None,
                "{}: a style needs a geometry",
                s.name
            );
            assert!(
                !s.geoparquet || s.geometry != GeometryKind::None,
                "{}: GeoParquet needs a geometry",
                s.name
            );
        }
    }

    #[test]
    fn input_layers_keep_their_keys() {
        assert_eq!(TableKind::Input(LayerKind::Hazards).name(), "hazards");
        assert_eq!(
            TableKind::Input(LayerKind::Settlements).spec().geometry,
            GeometryKind::Any
        );
    }
}
