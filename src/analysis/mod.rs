//! The analysis stages (R3–R10) on model types only; no GDAL, no files.
//!
//! `release` (R3–R4) → `regions` (R5–R6) → `priority` (R8–R9) → [`summarise`] with
//! `progress` (R10). Areas are geodesic m² (`area`, R7); distances geodesic metres
//! (`distance`). The pipeline times each stage; this module only assembles the
//! per-hazard and per-region rows that `report` writes.

pub mod area;
pub mod distance;
pub mod interior;
pub mod overlay;
pub mod priority;
pub mod progress;
pub mod regions;
pub mod release;

/// Seeded random shapes shared by the unit tests of the analysis modules.
#[cfg(test)]
pub(crate) mod test_shapes {
    use rand::Rng;

    /// `n` vertices of a star-shaped ring around (`cx`, `cy`): one per sector of angle,
    /// at a radius between `min_factor·r` and `r`.
    pub fn star_points(
        rng: &mut impl Rng,
        (cx, cy): (f64, f64),
        r: f64,
        n: usize,
        min_factor: f64,
    ) -> Vec<(f64, f64)> {
        (0..n)
            .map(|k| {
                let a = (k as f64 + rng.gen_range(0.0..0.9)) * std::f64::consts::TAU / n as f64;
                let rr = r * rng.gen_range(min_factor..1.0);
                (cx + rr * a.cos(), cy + rr * a.sin())
            })
            .collect()
    }
}

use std::collections::BTreeSet;

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::config::Deadlines;
use crate::model::Inputs;
use priority::{Priority, MIN_REMAINING_M2};
use progress::Progress;
use regions::{layer, Land, Place, RegionLand};
use release::HazardAccount;

/// `region_id` of land outside every region.
pub const OUTSIDE: &str = "_outside";

/// Area figures of a region or of the whole run, from land (not records), R5.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Figures {
    /// |U ∩ G|.
    pub original_m2: f64,
    /// |M ∩ G|.
    pub remaining_m2: f64,
    /// Remaining land of CHA records.
    pub remaining_cha_m2: f64,
    /// remaining − remaining_cha, clamped at 0.
    pub remaining_sha_m2: f64,
    /// original − remaining, clamped at 0.
    pub released_m2: f64,
    /// Released land that was cleared.
    pub cleared_m2: f64,
    /// Released land that was reduced (and not cleared).
    pub reduced_m2: f64,
    /// released − cleared − reduced, clamped at 0.
    pub cancelled_m2: f64,
    /// Remaining land as of the window start (R10).
    pub remaining_past_m2: f64,
}

impl Figures {
    /// Derives the figures from the six land areas.
    pub fn from_land(land: &Land) -> Figures {
        let original_m2 = land[layer::ORIGINAL];
        let remaining_m2 = land[layer::REMAINING];
        let remaining_cha_m2 = land[layer::REMAINING_CHA].min(remaining_m2);
        let released_m2 = (original_m2 - remaining_m2).max(0.0);
        let cleared_m2 = land[layer::CLEARED];
        let reduced_m2 = land[layer::REDUCED];
        Figures {
            original_m2,
            remaining_m2,
            remaining_cha_m2,
            remaining_sha_m2: (remaining_m2 - remaining_cha_m2).max(0.0),
            released_m2,
            cleared_m2,
            reduced_m2,
            cancelled_m2: (released_m2 - cleared_m2 - reduced_m2).max(0.0),
            remaining_past_m2: land[layer::REMAINING_PAST],
        }
    }

    /// `released / original × 100`; `None` when there is no hazard land.
    pub fn pct_released(&self) -> Option<f64> {
        (self.original_m2 > 0.0).then(|| 100.0 * self.released_m2 / self.original_m2)
    }
}

/// One row of `region_summary` (or the national totals).
#[derive(Debug, Clone)]
pub struct RegionRow {
    /// `region_id` (or `_outside`, or `national`).
    pub region_id: String,
    /// Region name.
    pub name: String,
    /// Region geometry (`None` for `_outside` and national).
    pub geometry: Option<MultiPolygon<f64>>,
    /// Hazards with remaining ≥ 1 m² whose `region_id` is this region.
    pub hazards: u64,
    /// Land figures.
    pub figures: Figures,
    /// R10 figures.
    pub progress: Progress,
    /// Summed population of distinct settlements near this region's remaining hazards.
    pub population_near_hazards: u64,
}

/// One row of `remaining_hazards`.
#[derive(Debug, Clone)]
pub struct HazardRow {
    /// Index into [`Inputs::hazards`].
    pub index: usize,
    /// Region holding the largest part of the original hazard.
    pub region_id: String,
    /// R4 figures and geometries.
    pub account: HazardAccount,
    /// R8–R9 (`None` when fully released).
    pub priority: Option<Priority>,
}

/// Everything the report needs.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Per hazard, in input order.
    pub hazards: Vec<HazardRow>,
    /// Per region, sorted by `region_id`, then `_outside` when some land lies outside.
    pub regions: Vec<RegionRow>,
    /// The whole run.
    pub national: RegionRow,
}

/// Assembles hazard and region rows and computes R10; `inputs.regions` must be sorted by
/// `region_id` (the pipeline sorts them).
#[allow(clippy::too_many_arguments)]
pub fn summarise(
    inputs: &Inputs,
    accounts: Vec<HazardAccount>,
    land: &RegionLand,
    priorities: Vec<Option<Priority>>,
    as_of: NaiveDate,
    window_days: u32,
    deadlines: &Deadlines,
) -> Summary {
    let region_of = |place: Place| match place {
        Place::Region(i) => inputs.regions[i].region_id.clone(),
        Place::Outside => OUTSIDE.to_string(),
    };
    let hazards: Vec<HazardRow> = accounts
        .into_iter()
        .zip(priorities)
        .enumerate()
        .map(|(index, (account, priority))| HazardRow {
            index,
            region_id: region_of(land.hazard_region[index]),
            account,
            priority,
        })
        .collect();
    let row = |region_id: &str, name: &str, geometry: Option<MultiPolygon<f64>>, land: &Land| {
        let members = hazards.iter().filter(|h| {
            (region_id == "national" || h.region_id == region_id)
                && h.account.remaining_m2 >= MIN_REMAINING_M2
        });
        let mut near = BTreeSet::new();
        let mut count = 0;
        for h in members {
            count += 1;
            if let Some(p) = &h.priority {
                near.extend(p.within.iter().copied());
            }
        }
        let figures = Figures::from_land(land);
        let deadline = if region_id == "national" {
            deadlines.national
        } else {
            deadlines.for_region(region_id)
        };
        RegionRow {
            region_id: region_id.to_string(),
            name: name.to_string(),
            geometry,
            hazards: count,
            progress: progress::progress(
                figures.remaining_m2,
                figures.remaining_past_m2,
                as_of,
                window_days,
                deadline,
            ),
            figures,
            population_near_hazards: near.iter().map(|&i| inputs.settlements[i].population).sum(),
        }
    };
    let mut regions: Vec<RegionRow> = inputs
        .regions
        .iter()
        .zip(&land.regions)
        .map(|(r, l)| row(&r.region_id, &r.name, Some(r.geometry.clone()), l))
        .collect();
    if land.outside[layer::ORIGINAL] > 0.0 {
        regions.push(row(OUTSIDE, "Outside every region", None, &land.outside));
    }
    let national = row("national", "National total", None, &land.national);
    Summary {
        hazards,
        regions,
        national,
    }
}
