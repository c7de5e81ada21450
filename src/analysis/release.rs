//! R3–R4: which releases apply to which hazard, and each hazard's remaining, cleared,
//! reduced and cancelled land.
//!
//! Candidates come from an R-tree of release bounding boxes; a release *applies* to a
//! hazard when `hazard ∩ release` keeps some area after the sliver rule (interiors
//! intersect) and it was completed on or after the hazard was recorded (a hazard with no
//! `recorded_on` counts as recorded before every release). Hazards are processed in
//! parallel; results come back in hazard order, so they do not depend on thread count.
//!
//! The same pass also computes `remaining_past`: the hazard minus only the releases
//! completed on or before the start of the progress window (R10), so the "as of D − window"
//! state needs no second run.

use chrono::NaiveDate;
use geo::MultiPolygon;
use rayon::prelude::*;

use super::area::area_m2;
use super::overlay::{difference_all, intersection, intersection_all};
use crate::index::{box_tree, boxes_in, envelope};
use crate::model::{Finding, Hazard, Method, Release, Severity};

/// The land-release figures of one hazard record.
#[derive(Debug, Clone)]
pub struct HazardAccount {
    /// remaining(H): the hazard minus every applying release.
    pub remaining: MultiPolygon<f64>,
    /// The hazard minus the applying releases completed on or before the window start.
    pub remaining_past: MultiPolygon<f64>,
    /// cleared(H).
    pub cleared: MultiPolygon<f64>,
    /// reduced(H) (without land that was also cleared).
    pub reduced: MultiPolygon<f64>,
    /// |H| in m².
    pub original_m2: f64,
    /// |remaining(H)| in m².
    pub remaining_m2: f64,
    /// |remaining_past| in m².
    pub remaining_past_m2: f64,
    /// original − remaining, clamped at 0.
    pub released_m2: f64,
    /// |cleared(H)| in m².
    pub cleared_m2: f64,
    /// |reduced(H)| in m².
    pub reduced_m2: f64,
    /// released − cleared − reduced, clamped at 0.
    pub cancelled_m2: f64,
}

/// A release overlapping a hazard, and whether it applies (dates).
#[derive(Debug, Clone, Copy)]
struct Overlap {
    release: usize,
    applies: bool,
}

/// Computes [`HazardAccount`]s for every hazard (same order) and the R3 QA findings.
pub fn account_hazards(
    hazards: &[Hazard],
    releases: &[Release],
    window_start: NaiveDate,
) -> (Vec<HazardAccount>, Vec<Finding>) {
    let tree = box_tree(releases.iter().map(|r| &r.geometry));
    let results: Vec<(HazardAccount, Vec<Overlap>)> = hazards
        .par_iter()
        .map(|h| account_one(h, releases, &tree, window_start))
        .collect();
    let mut overlaps_by_release: Vec<Vec<(usize, bool)>> = vec![Vec::new(); releases.len()];
    for (hi, (_, overlaps)) in results.iter().enumerate() {
        for o in overlaps {
            overlaps_by_release[o.release].push((hi, o.applies));
        }
    }
    let findings = release_findings(hazards, releases, &overlaps_by_release);
    (results.into_iter().map(|(a, _)| a).collect(), findings)
}

fn account_one(
    h: &Hazard,
    releases: &[Release],
    tree: &crate::index::BoxTree,
    window_start: NaiveDate,
) -> (HazardAccount, Vec<Overlap>) {
    let mut overlaps = Vec::new();
    let (mut all, mut past, mut cleared, mut reduced) = (vec![], vec![], vec![], vec![]);
    if let Some(bbox) = crate::index::bbox(&h.geometry) {
        for ri in boxes_in(tree, &envelope(&bbox, 0.0, 0.0)) {
            let r = &releases[ri];
            // Interiors intersect: the overlap keeps some area after the sliver rule.
            if intersection(&h.geometry, &r.geometry).0.is_empty() {
                continue;
            }
            let applies = h.recorded_on.is_none_or(|d| r.completed_on >= d);
            overlaps.push(Overlap {
                release: ri,
                applies,
            });
            if !applies {
                continue;
            }
            // Remaining land is the hazard minus the whole releases (not the clipped parts):
            // subtracting parts that were themselves cut from the hazard can leave
            // zero-width corridors where a release edge runs along the hazard edge.
            if r.completed_on <= window_start {
                past.push(&r.geometry);
            }
            match r.method {
                Method::Cleared => cleared.push(&r.geometry),
                Method::Reduced => reduced.push(&r.geometry),
                Method::Cancelled => {}
            }
            all.push(&r.geometry);
        }
    }
    // One overlay each: the releases are stacked and filled by the non-zero rule.
    let remaining = difference_all(&h.geometry, &all);
    let original_m2 = area_m2(&h.geometry);
    // Without any applying release the remaining land is the hazard itself (same
    // geometry, same area: no second measurement).
    let remaining_m2 = if all.is_empty() {
        original_m2
    } else {
        area_m2(&remaining)
    };
    // When no applying release falls in the window, the past state is the present one:
    // reuse it, so that identical land gives identical areas (no overlay noise in R10).
    let (remaining_past, remaining_past_m2) = if past.len() == all.len() {
        (remaining.clone(), remaining_m2)
    } else {
        let g = difference_all(&h.geometry, &past);
        let a = area_m2(&g);
        (g, a)
    };
    let cleared_land = intersection_all(&h.geometry, &cleared);
    let reduced = intersection_all(&difference_all(&h.geometry, &cleared), &reduced);
    let cleared = cleared_land;
    let cleared_m2 = area_m2(&cleared);
    let reduced_m2 = area_m2(&reduced);
    let released_m2 = (original_m2 - remaining_m2).max(0.0);
    let account = HazardAccount {
        remaining,
        remaining_past,
        cleared,
        reduced,
        original_m2,
        remaining_m2,
        remaining_past_m2,
        released_m2,
        cleared_m2,
        reduced_m2,
        cancelled_m2: (released_m2 - cleared_m2 - reduced_m2).max(0.0),
    };
    (account, overlaps)
}

/// R3 QA: ids that name no (overlapping) hazard, releases predating a hazard, releases
/// that touch no hazard.
fn release_findings(
    hazards: &[Hazard],
    releases: &[Release],
    overlaps_by_release: &[Vec<(usize, bool)>],
) -> Vec<Finding> {
    let known: std::collections::HashSet<&str> =
        hazards.iter().map(|h| h.hazard_id.as_str()).collect();
    let mut findings = Vec::new();
    for (ri, r) in releases.iter().enumerate() {
        let overlaps = &overlaps_by_release[ri];
        let finding = |severity, check, message: String| {
            Finding::new(severity, check, "releases", &r.release_id, message).at(r.geometry.clone())
        };
        if let Some(named) = &r.hazard_id {
            if !known.contains(named.as_str()) {
                findings.push(finding(
                    Severity::Warning,
                    "unknown_hazard_id",
                    format!("hazard_id '{named}' names no hazard of this run; the release still applies to whatever it overlaps"),
                ));
            } else if !overlaps
                .iter()
                .any(|(hi, _)| hazards[*hi].hazard_id == *named)
            {
                findings.push(finding(
                    Severity::Warning,
                    "hazard_id_not_overlapping",
                    format!("hazard_id '{named}' names a hazard this release does not overlap; it still applies to whatever it overlaps"),
                ));
            }
        }
        if overlaps.is_empty() {
            findings.push(finding(
                Severity::Info,
                "release_outside_hazards",
                "the release overlaps no hazard of this run".to_string(),
            ));
        }
        for (hi, applies) in overlaps {
            if !applies {
                let h = &hazards[*hi];
                findings.push(finding(
                    Severity::Info,
                    "release_before_hazard",
                    format!(
                        "completed on {}, before hazard '{}' was recorded on {}: that land stays hazardous (R3)",
                        r.completed_on,
                        h.hazard_id,
                        h.recorded_on.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ));
            }
        }
    }
    findings
}
