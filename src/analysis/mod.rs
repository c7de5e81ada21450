//! The analysis stages (R3–R15) on model types only; no GDAL, no files.
//!
//! `release` (R3–R4) → `regions` (R5–R6, with `ledger`: R11 and the credits of R13) →
//! `priority` (R8–R9) → [`summarise`] with `progress` (R10), `plan` (R12) and
//! `organisations` (R13), then `costs` (R14) and
//! `targets` (R15) on the finished [`Summary`]; `overlaps` words overlapping hazard
//! records as findings. Areas are geodesic m² (`geom::area`, R7); distances geodesic
//! metres (`geom::distance`). The pipeline times each stage; this module assembles the
//! per-hazard and per-region rows that `report` writes.

pub mod costs;
pub mod faces;
pub mod figures;
pub mod ledger;
pub mod organisations;
pub mod overlaps;
pub mod place;
pub mod plan;
pub mod priority;
pub mod progress;
pub mod regions;
pub mod release;
pub mod targets;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::config::{Deadlines, Scenario};
use crate::model::Inputs;
use ledger::LedgerRow;
use plan::{PlaceNow, PlanRow, ScenarioRow};
use priority::Priority;
use progress::Progress;
use regions::{Land, Place, RegionLand};
use release::HazardAccount;

/// Remaining area under which a hazard (or a place) counts as fully released for R8–R10
/// and R12.
pub const MIN_REMAINING_M2: f64 = 1.0;

/// Which place a row is about: a region, the land outside every region, or the whole
/// run. [`RegionKey::as_str`] is the `region_id` written (`_outside` and `_national` for
/// the two that are not regions); keys order by that text, as the SPEC's byte order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RegionKey {
    /// A region, by its `region_id`.
    Region(String),
    /// Hazard land outside every region.
    Outside,
    /// The whole run (every point once).
    National,
}

impl RegionKey {
    /// The `region_id` written for this place.
    pub fn as_str(&self) -> &str {
        match self {
            RegionKey::Region(id) => id,
            RegionKey::Outside => "_outside",
            RegionKey::National => "_national",
        }
    }
}

impl std::fmt::Display for RegionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Ord for RegionKey {
    fn cmp(&self, other: &RegionKey) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for RegionKey {
    fn partial_cmp(&self, other: &RegionKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

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
        let original_m2 = land.original;
        let remaining_m2 = land.remaining;
        let remaining_cha_m2 = land.remaining_cha.min(remaining_m2);
        let released_m2 = (original_m2 - remaining_m2).max(0.0);
        let split = release::MethodSplit::of(released_m2, land.cleared, land.reduced);
        Figures {
            original_m2,
            remaining_m2,
            remaining_cha_m2,
            remaining_sha_m2: (remaining_m2 - remaining_cha_m2).max(0.0),
            released_m2,
            cleared_m2: split.cleared_m2,
            reduced_m2: split.reduced_m2,
            cancelled_m2: split.cancelled_m2,
            remaining_past_m2: land.remaining_past,
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
    /// The region, the land outside every region, or the national total.
    pub region_id: RegionKey,
    /// Region name.
    pub name: String,
    /// Region geometry (`None` for `_outside` and national).
    pub geometry: Option<MultiPolygon<f64>>,
    /// Hazards with remaining ≥ 1 m² whose `region_id` is this region.
    pub hazards: u64,
    /// Of them, those whose status is CHA.
    pub hazards_cha: u64,
    /// Of them, those whose status is SHA (an unknown or missing status counts as SHA, R2).
    pub hazards_sha: u64,
    /// Land figures.
    pub figures: Figures,
    /// R10 figures.
    pub progress: Progress,
    /// Summed population of distinct settlements near this region's remaining hazards.
    pub population_near_hazards: u64,
    /// R12: the rate that finishes by the deadline (`None` without one after D).
    pub required_rate_m2_per_year: Option<f64>,
    /// R12: the required rate over today's (`None` also when today's is 0).
    pub capacity_factor_needed: Option<f64>,
    /// R11: the land ledger, one row per year (empty when none was computed).
    pub ledger: Vec<LedgerRow>,
}

/// One row of `remaining_hazards`.
#[derive(Debug, Clone)]
pub struct HazardRow {
    /// Index into [`Inputs::hazards`].
    pub index: usize,
    /// Region holding the largest part of the original hazard (or outside every region).
    pub region_id: RegionKey,
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
    /// R12 scenario rows, ordered by scenario and `region_id`, `_national` included.
    pub scenarios: Vec<ScenarioRow>,
    /// R12 work plan, ordered by scenario, `region_id` and year.
    pub work_plan: Vec<PlanRow>,
    /// R13: land released per organisation, place and year (empty without a ledger).
    pub organisations: Vec<organisations::OrganisationRow>,
    /// R14: the currency of the costs (`None` without `[costs]`: no cost columns).
    pub currency: Option<String>,
    /// R14: the `funding` rows (empty without `[costs.funding]`).
    pub funding: Vec<costs::FundingRow>,
    /// R15: the `targets` rows (empty without a `targets` input).
    pub targets: Vec<targets::TargetRow>,
}

/// The dates and choices R10–R12 need.
#[derive(Debug, Clone, Copy)]
pub struct Outlook<'a> {
    /// The as-of date D.
    pub as_of: NaiveDate,
    /// R10's window.
    pub window_days: u32,
    /// R10's deadlines.
    pub deadlines: &'a Deadlines,
    /// R12's scenarios (`current` included).
    pub scenarios: &'a [Scenario],
}

/// Assembles hazard and region rows and computes R10–R12; `inputs.regions` must be
/// sorted by `region_id` (the pipeline sorts them).
pub fn summarise(
    inputs: &Inputs,
    accounts: Vec<HazardAccount>,
    land: &RegionLand,
    priorities: Vec<Option<Priority>>,
    outlook: &Outlook,
) -> Summary {
    let region_of = |place: Place| match place {
        Place::Region(i) => RegionKey::Region(inputs.regions[i].region_id.clone()),
        Place::Outside => RegionKey::Outside,
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
    let mut by_place: BTreeMap<Place, Vec<usize>> = BTreeMap::new();
    for h in hazards
        .iter()
        .filter(|h| h.account.remaining_m2 >= MIN_REMAINING_M2)
    {
        by_place
            .entry(land.hazard_region[h.index])
            .or_default()
            .push(h.index);
    }
    let rows = Rows {
        inputs,
        hazards: &hazards,
        by_place,
        outlook,
    };
    let ledgers = land.ledger.as_ref();
    let mut regions: Vec<RegionRow> = inputs
        .regions
        .iter()
        .zip(&land.regions)
        .enumerate()
        .map(|(i, (r, l))| {
            let at = RowPlace::Land(Place::Region(i));
            rows.row(
                at,
                Some(r.geometry.clone()),
                l,
                ledgers.map(|x| &x.regions[i]),
            )
        })
        .collect();
    if land.outside.original > 0.0 {
        let at = RowPlace::Land(Place::Outside);
        regions.push(rows.row(at, None, &land.outside, ledgers.map(|x| &x.outside)));
    }
    let at = RowPlace::National;
    let national = rows.row(at, None, &land.national, ledgers.map(|x| &x.national));
    let now = |r: &RegionRow| PlaceNow {
        region_id: r.region_id.clone(),
        remaining_m2: r.figures.remaining_m2,
        rate_m2_per_year: r.progress.rate_m2_per_year,
        deadline: r.progress.deadline,
    };
    let places: Vec<PlaceNow> = regions.iter().map(now).collect();
    let (scenarios, work_plan) =
        plan::scenarios(outlook.scenarios, &places, &now(&national), outlook.as_of);
    let organisations = ledgers.map_or_else(Vec::new, |l| {
        let credits = organisations::PlaceCredits::of;
        let mut places: Vec<_> = regions
            .iter()
            .zip(&l.regions)
            .map(|(r, pl)| credits(&r.region_id, pl, &r.ledger))
            .collect();
        places.extend(
            regions
                .get(inputs.regions.len())
                .map(|r| credits(&r.region_id, &l.outside, &r.ledger)),
        );
        organisations::by_organisation(&inputs.releases, &places)
    });
    Summary {
        hazards,
        regions,
        national,
        scenarios,
        work_plan,
        organisations,
        currency: None,
        funding: Vec::new(),
        targets: Vec::new(),
    }
}

/// The place a region row is about: where hazard land lies (a region, by its index, so
/// that two regions sharing a duplicated id stay apart, or the land outside every region),
/// or the whole run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowPlace {
    /// A place hazards' land lies in.
    Land(Place),
    /// The whole run: every hazard, and the national deadline.
    National,
}

/// What one region row is built from: the hazard rows, where each hazard's land lies, and
/// the R10–R12 settings.
struct Rows<'a> {
    inputs: &'a Inputs,
    hazards: &'a [HazardRow],
    /// Per place, the hazards whose land lies there and that count as remaining
    /// (`MIN_REMAINING_M2`), in index order: found once, not once per region.
    by_place: BTreeMap<Place, Vec<usize>>,
    outlook: &'a Outlook<'a>,
}

impl Rows<'_> {
    /// The `region_id` and the name written for `place`.
    fn key_and_name(&self, place: RowPlace) -> (RegionKey, &str) {
        match place {
            RowPlace::Land(Place::Region(i)) => {
                let r = &self.inputs.regions[i];
                (RegionKey::Region(r.region_id.clone()), r.name.as_str())
            }
            RowPlace::Land(Place::Outside) => (RegionKey::Outside, "Outside every region"),
            RowPlace::National => (RegionKey::National, "National total"),
        }
    }

    /// The row of one place. Hazards are matched by place, not by id, so that two regions
    /// sharing a duplicated id each count their own hazards.
    fn row(
        &self,
        place: RowPlace,
        geometry: Option<MultiPolygon<f64>>,
        land: &Land,
        ledger: Option<&ledger::PlaceLedger>,
    ) -> RegionRow {
        let (region_id, name) = self.key_and_name(place);
        let lists: Vec<&Vec<usize>> = match place {
            RowPlace::Land(p) => self.by_place.get(&p).into_iter().collect(),
            RowPlace::National => self.by_place.values().collect(),
        };
        let settlements = &self.inputs.settlements;
        // each settlement near some hazard here counted once: marks, not a set (the
        // national row marks every ranked hazard's settlements)
        let mut near = vec![false; settlements.len()];
        let mut population_near_hazards = 0;
        let (mut count, mut cha) = (0, 0);
        for h in lists.into_iter().flatten().map(|&i| &self.hazards[i]) {
            count += 1;
            if self.inputs.hazards[h.index].status == crate::model::Status::Cha {
                cha += 1;
            }
            if let Some(p) = &h.priority {
                for &i in &p.within {
                    if !std::mem::replace(&mut near[i], true) {
                        population_near_hazards += settlements[i].population;
                    }
                }
            }
        }
        let figures = Figures::from_land(land);
        let o = self.outlook;
        let deadline = match place {
            RowPlace::National => o.deadlines.national,
            RowPlace::Land(_) => o.deadlines.for_region(region_id.as_str()),
        };
        let progress = progress::progress(
            figures.remaining_m2,
            figures.remaining_past_m2,
            o.as_of,
            o.window_days,
            deadline,
        );
        let (required_rate_m2_per_year, capacity_factor_needed) = plan::required_rate(
            figures.remaining_m2,
            progress.rate_m2_per_year,
            o.as_of,
            deadline,
        );
        RegionRow {
            region_id,
            name: name.to_string(),
            geometry,
            hazards: count,
            hazards_cha: cha,
            hazards_sha: count - cha,
            progress,
            population_near_hazards,
            required_rate_m2_per_year,
            capacity_factor_needed,
            ledger: ledger.map_or_else(Vec::new, |l| l.rows(figures.remaining_m2)),
            figures,
        }
    }
}
