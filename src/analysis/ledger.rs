//! R11: the land ledger, year by year: land remaining at each year's start and end, land
//! added (recorded that year and not already hazardous) and land released, by method.
//!
//! Computed per connected component of hazards (the regions stage's components, whose
//! land is disjoint), replaying each hazard's applying releases (R3, from the release
//! stage) in the order of their completion years: only the years in which something
//! happens in a component cost an overlay, and each is measured once per place the
//! component touches. Per year Y (ending 31 December, the last one at D) and component:
//! `M_Y = ∪ (H − ∪{R applying to H, completed ≤ Y})` over the hazards recorded by then,
//! `N_Y` the hazards recorded in Y, `added = N_Y − M_{Y−1}`,
//! `L_Y = (M_{Y−1} ∪ N_Y) − M_Y`, cleared `L_Y ∩ C^Y`, reduced `L_Y ∩ Rd^Y − C^Y`.
//!
//! Written rows take `remaining_start` from the previous year's end, so that
//! `start + added − released = end` holds on screen: `released` is that difference
//! (as sets it is |L_Y|; measured separately the two differ only by geodesic
//! non-additivity), and the last year's end is R5's `remaining_m2`.

use chrono::{Datelike, NaiveDate};
use geo::MultiPolygon;

use super::area::area_m2;
use super::overlay::{
    clip_to_rect, difference, difference_all, intersection_all, padded_rect, union,
};
use super::regions::Place;
use super::release::{HazardAccount, MethodSplit};
use crate::model::{Hazard, Method, Release};

/// What the ledger needs besides the components: the releases, and its years.
#[derive(Debug, Clone, Copy)]
pub struct LedgerSpan<'a> {
    /// The run's releases (the accounts' `applying` index into them).
    pub releases: &'a [Release],
    /// The first year: the earliest recording of a hazard or completion of an applying
    /// release (the year of D when there is none).
    pub first_year: i32,
    /// The year of D.
    pub last_year: i32,
}

impl<'a> LedgerSpan<'a> {
    /// The span of the run's hazards and their applying releases up to D.
    pub fn of(
        hazards: &[Hazard],
        accounts: &[HazardAccount],
        releases: &'a [Release],
        as_of: NaiveDate,
    ) -> LedgerSpan<'a> {
        let recorded = hazards.iter().filter_map(|h| h.recorded_on);
        let completed = accounts
            .iter()
            .flat_map(|a| a.applying.iter().map(|&r| releases[r].completed_on));
        let first = recorded.chain(completed).map(|d| d.year()).min();
        let last_year = as_of.year();
        LedgerSpan {
            releases,
            first_year: first.unwrap_or(last_year).min(last_year),
            last_year,
        }
    }

    fn years(&self) -> usize {
        (self.last_year - self.first_year + 1) as usize
    }
}

/// The measured land of one year in one place (m²).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct YearLand {
    /// |M_Y| at the year's end.
    pub end_m2: f64,
    /// |N_Y − M_{Y−1}|.
    pub added_m2: f64,
    /// |L_Y ∩ C^Y|.
    pub cleared_m2: f64,
    /// |L_Y ∩ Rd^Y − C^Y|.
    pub reduced_m2: f64,
}

/// One component's ledger: the land of its undated hazards (before the first year), and
/// the years in which something happened there, each measured nationally and per place.
#[derive(Debug, Clone, Default)]
pub struct ComponentLedger {
    /// |M| before the first year, nationally and per place.
    pub start: (f64, Vec<(Place, f64)>),
    /// `(year, national, per place)` in year order.
    pub events: Vec<(i32, YearLand, Vec<(Place, YearLand)>)>,
}

/// How a component's sets are measured: nationally, and per place it touches.
pub trait PlaceMeasure {
    /// `(|g|, [(place, |g ∩ place|)])`.
    fn measure(&self, g: &MultiPolygon<f64>) -> (f64, Vec<(Place, f64)>);
}

/// A component lying wholly in one place.
pub struct SolePlace(pub Place);

impl PlaceMeasure for SolePlace {
    fn measure(&self, g: &MultiPolygon<f64>) -> (f64, Vec<(Place, f64)>) {
        let a = area_m2(g);
        (a, vec![(self.0, a)])
    }
}

/// The replay state of one hazard of a component.
struct Replay<'h> {
    hazard: &'h Hazard,
    /// The hazard's remaining land so far; `None` before it is recorded.
    remaining: Option<MultiPolygon<f64>>,
    /// Its applying releases with their completion years, clipped to its padded box.
    releases: Vec<(i32, Method, bool, MultiPolygon<f64>)>,
}

/// The ledger of one component (`members` index `hazards` and `accounts`).
pub fn component_ledger(
    members: &[usize],
    hazards: &[Hazard],
    accounts: &[HazardAccount],
    span: &LedgerSpan,
    place: &dyn PlaceMeasure,
) -> ComponentLedger {
    let mut replays: Vec<Replay> = members
        .iter()
        .map(|&hi| {
            let h = &hazards[hi];
            let clip_box = crate::index::bbox(&h.geometry).map(|b| padded_rect(&b));
            let releases = accounts[hi]
                .applying
                .iter()
                .map(|&ri| {
                    let r = &span.releases[ri];
                    let covers = r.geometry == h.geometry;
                    let g = match (&clip_box, covers) {
                        (Some(b), false) => clip_to_rect(&r.geometry, b),
                        _ => MultiPolygon::new(vec![]),
                    };
                    (r.completed_on.year(), r.method, covers, g)
                })
                .collect();
            Replay {
                hazard: h,
                remaining: h.recorded_on.is_none().then(|| h.geometry.clone()),
                releases,
            }
        })
        .collect();
    let mut years: Vec<i32> = replays
        .iter()
        .flat_map(|r| {
            let recorded = r.hazard.recorded_on.map(|d| d.year());
            recorded.into_iter().chain(r.releases.iter().map(|x| x.0))
        })
        .collect();
    years.sort_unstable();
    years.dedup();

    let mut m_prev = union(replays.iter().filter_map(|r| r.remaining.as_ref()));
    let start = place.measure(&m_prev);
    let mut events = Vec::with_capacity(years.len());
    for year in years {
        let recorded_now = |r: &Replay| r.hazard.recorded_on.is_some_and(|d| d.year() == year);
        let new_land = union(
            replays
                .iter()
                .filter(|r| recorded_now(r))
                .map(|r| &r.hazard.geometry),
        );
        let mut cleared_parts = Vec::new();
        let mut reduced_parts = Vec::new();
        for r in replays.iter_mut() {
            if recorded_now(r) {
                r.remaining = Some(r.hazard.geometry.clone());
            }
            let Some(rest) = &r.remaining else { continue };
            let now: Vec<&(i32, Method, bool, MultiPolygon<f64>)> =
                r.releases.iter().filter(|x| x.0 == year).collect();
            if now.is_empty() {
                continue;
            }
            let taken = |method: Method| -> Option<MultiPolygon<f64>> {
                let set: Vec<_> = now.iter().filter(|x| x.1 == method).collect();
                if set.is_empty() {
                    None
                } else if set.iter().any(|x| x.2) {
                    Some(r.hazard.geometry.clone())
                } else {
                    let parts: Vec<&MultiPolygon<f64>> = set.iter().map(|x| &x.3).collect();
                    Some(intersection_all(&r.hazard.geometry, &[&union(parts)]))
                }
            };
            cleared_parts.extend(taken(Method::Cleared));
            reduced_parts.extend(taken(Method::Reduced));
            r.remaining = Some(if now.iter().any(|x| x.2) {
                MultiPolygon::new(vec![])
            } else {
                let parts: Vec<&MultiPolygon<f64>> = now.iter().map(|x| &x.3).collect();
                difference_all(rest, &parts)
            });
        }
        let m_now = union(replays.iter().filter_map(|r| r.remaining.as_ref()));
        let added = difference(&new_land, &m_prev);
        let released = difference(&union([&m_prev, &new_land]), &m_now);
        let c = union(cleared_parts.iter());
        let cleared = intersection_all(&released, &[&c]);
        let reduced = difference(
            &intersection_all(&released, &[&union(reduced_parts.iter())]),
            &c,
        );
        let (end_n, end_p) = place.measure(&m_now);
        let (added_n, added_p) = place.measure(&added);
        let (cleared_n, cleared_p) = place.measure(&cleared);
        let (reduced_n, reduced_p) = place.measure(&reduced);
        let national = YearLand {
            end_m2: end_n,
            added_m2: added_n,
            cleared_m2: cleared_n,
            reduced_m2: reduced_n,
        };
        let per_place = end_p
            .iter()
            .enumerate()
            .map(|(k, &(p, end_m2))| {
                let land = YearLand {
                    end_m2,
                    added_m2: added_p[k].1,
                    cleared_m2: cleared_p[k].1,
                    reduced_m2: reduced_p[k].1,
                };
                (p, land)
            })
            .collect();
        events.push((year, national, per_place));
        m_prev = m_now;
    }
    ComponentLedger { start, events }
}

/// One written row of `release_history` (m²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LedgerRow {
    /// Calendar year.
    pub year: i32,
    /// Land remaining at the year's start (the previous year's end).
    pub remaining_start_m2: f64,
    /// Land recorded this year that was not already hazardous.
    pub added_m2: f64,
    /// `start + added − end`, clamped at 0.
    pub released_m2: f64,
    /// Of it, cleared (clamped to `released`).
    pub cleared_m2: f64,
    /// Of it, reduced (clamped to `released − cleared`).
    pub reduced_m2: f64,
    /// The rest.
    pub cancelled_m2: f64,
    /// Land remaining at the year's end (at D for the last year).
    pub remaining_end_m2: f64,
}

/// The summed ledger of one place, one entry per year of the span.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceLedger {
    first_year: i32,
    start_m2: f64,
    years: Vec<YearLand>,
}

impl PlaceLedger {
    /// An empty ledger over `span`'s years.
    pub fn new(span: &LedgerSpan) -> PlaceLedger {
        PlaceLedger {
            first_year: span.first_year,
            start_m2: 0.0,
            years: vec![YearLand::default(); span.years()],
        }
    }

    /// Adds one component's figures in this place: `start` before the first year, and
    /// `events` (year, land) in year order, the end carried through the years between.
    pub fn add(&mut self, start_m2: f64, events: &[(i32, YearLand)]) {
        self.start_m2 += start_m2;
        let mut end = start_m2;
        let mut next = events.iter().peekable();
        for (k, slot) in self.years.iter_mut().enumerate() {
            let year = self.first_year + k as i32;
            if let Some((_, land)) = next.next_if(|(y, _)| *y == year) {
                end = land.end_m2;
                slot.added_m2 += land.added_m2;
                slot.cleared_m2 += land.cleared_m2;
                slot.reduced_m2 += land.reduced_m2;
            }
            slot.end_m2 += end;
        }
    }

    /// The written rows; the last year ends at `remaining_now_m2` (R5's figure).
    pub fn rows(&self, remaining_now_m2: f64) -> Vec<LedgerRow> {
        let mut start = self.start_m2;
        let n = self.years.len();
        self.years
            .iter()
            .enumerate()
            .map(|(k, y)| {
                let end = if k + 1 == n {
                    remaining_now_m2
                } else {
                    y.end_m2
                };
                let released_m2 = (start + y.added_m2 - end).max(0.0);
                let split = MethodSplit::of(released_m2, y.cleared_m2, y.reduced_m2);
                let row = LedgerRow {
                    year: self.first_year + k as i32,
                    remaining_start_m2: start,
                    added_m2: y.added_m2,
                    released_m2,
                    cleared_m2: split.cleared_m2,
                    reduced_m2: split.reduced_m2,
                    cancelled_m2: split.cancelled_m2,
                    remaining_end_m2: end,
                };
                start = end;
                row
            })
            .collect()
    }
}

/// The ledger of every place of the run (R11), before it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionLedger {
    /// Per region, in region order.
    pub regions: Vec<PlaceLedger>,
    /// Outside every region.
    pub outside: PlaceLedger,
    /// The whole run, every point once.
    pub national: PlaceLedger,
}

impl RegionLedger {
    /// Empty ledgers for `n_regions` regions over `span`.
    pub fn new(span: &LedgerSpan, n_regions: usize) -> RegionLedger {
        RegionLedger {
            regions: vec![PlaceLedger::new(span); n_regions],
            outside: PlaceLedger::new(span),
            national: PlaceLedger::new(span),
        }
    }

    /// Adds one component's ledger.
    pub fn add(&mut self, c: &ComponentLedger) {
        let national: Vec<(i32, YearLand)> = c.events.iter().map(|(y, n, _)| (*y, *n)).collect();
        self.national.add(c.start.0, &national);
        for (k, &(place, start_m2)) in c.start.1.iter().enumerate() {
            let events: Vec<(i32, YearLand)> =
                c.events.iter().map(|(y, _, per)| (*y, per[k].1)).collect();
            let target = match place {
                Place::Region(i) => &mut self.regions[i],
                Place::Outside => &mut self.outside,
            };
            target.add(start_m2, &events);
        }
    }
}
