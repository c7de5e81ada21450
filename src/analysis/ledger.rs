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
//! Written rows take `remaining_start` from the previous year's end and release
//! `start + added − end` (as sets that is |L_Y|; measured apart the two differ only by
//! geodesic non-additivity), so that every row adds up on screen. A year in which
//! nothing happens in a place ends exactly where it started, and the last year ends at
//! R5's `remaining_m2` (after a component's last event its land is R4's, measured as
//! R5 measures it).

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
    /// |M_Y|: land remaining at the year's end.
    pub end_m2: f64,
    /// |L_Y|: land released that year (the written figure is `start + added − end`).
    pub released_m2: f64,
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
    pub start: Measured,
    /// The years in which something happened, in year order.
    pub events: Vec<YearEvent>,
}

/// One year of a component in which a hazard was recorded or a release completed.
#[derive(Debug, Clone, PartialEq)]
pub struct YearEvent {
    /// Calendar year.
    pub year: i32,
    /// The component's land that year, everywhere.
    pub national: YearLand,
    /// The same per place, in the order of [`ComponentLedger::start`].
    pub per_place: Vec<(Place, YearLand)>,
}

/// `(|g|, [(place, |g ∩ place|)])`: a set measured nationally and per place.
pub type Measured = (f64, Vec<(Place, f64)>);

/// How a component's sets are measured: nationally, and per place it touches.
pub trait PlaceMeasure {
    /// See [`Measured`].
    fn measure(&self, g: &MultiPolygon<f64>) -> Measured;
}

/// A component lying wholly in one place.
pub struct SolePlace(pub Place);

impl PlaceMeasure for SolePlace {
    fn measure(&self, g: &MultiPolygon<f64>) -> Measured {
        let a = area_m2(g);
        (a, vec![(self.0, a)])
    }
}

/// The replay state of one hazard of a component.
struct Replay<'h> {
    hazard: &'h Hazard,
    /// The hazard's remaining land so far; `None` before it is recorded.
    remaining: Option<MultiPolygon<f64>>,
    /// Its applying releases, clipped to its padded box.
    releases: Vec<ReplayRelease>,
}

/// An applying release as one hazard's replay sees it.
struct ReplayRelease {
    /// Completion year.
    year: i32,
    method: Method,
    /// An exact copy of the hazard: it takes all of it (no overlay).
    covers: bool,
    /// Clipped to the hazard's padded box (empty when `covers`).
    geometry: MultiPolygon<f64>,
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
                    ReplayRelease {
                        year: r.completed_on.year(),
                        method: r.method,
                        covers,
                        geometry: g,
                    }
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
            recorded
                .into_iter()
                .chain(r.releases.iter().map(|x| x.year))
        })
        .collect();
    years.sort_unstable();
    years.dedup();

    let mut m_prev = union(replays.iter().filter_map(|r| r.remaining.as_ref()));
    let start = place.measure(&m_prev);
    let mut events = Vec::with_capacity(years.len());
    let last = years.last().copied();
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
            if let Some((c, rd)) = r.release_year(year) {
                cleared_parts.extend(c);
                reduced_parts.extend(rd);
            }
        }
        // After the last event every applying release is in: the remaining land is R4's,
        // and the same union R5 measures (the same figures, to the last bit).
        let m_now = if Some(year) == last {
            union(members.iter().map(|&hi| &accounts[hi].remaining))
        } else {
            union(replays.iter().filter_map(|r| r.remaining.as_ref()))
        };
        let added = difference(&new_land, &m_prev);
        let released = difference(&union([&m_prev, &new_land]), &m_now);
        let c = union(cleared_parts.iter());
        let cleared = intersection_all(&released, &[&c]);
        let reduced = difference(
            &intersection_all(&released, &[&union(reduced_parts.iter())]),
            &c,
        );
        let measures = [&m_now, &added, &released, &cleared, &reduced].map(|g| place.measure(g));
        let land = |pick: &dyn Fn(&Measured) -> f64| YearLand {
            end_m2: pick(&measures[0]),
            added_m2: pick(&measures[1]),
            released_m2: pick(&measures[2]),
            cleared_m2: pick(&measures[3]),
            reduced_m2: pick(&measures[4]),
        };
        let national = land(&|m| m.0);
        let per_place = (0..start.1.len())
            .map(|k| (start.1[k].0, land(&|m| m.1[k].1)))
            .collect();
        events.push(YearEvent {
            year,
            national,
            per_place,
        });
        m_prev = m_now;
    }
    let mut ledger = ComponentLedger { start, events };
    ledger.settle();
    ledger
}

impl Replay<'_> {
    /// Applies this hazard's releases completed in `year` to its remaining land; returns
    /// the land they cleared and reduced of the hazard (`H ∩ ∪releases` per method), or
    /// `None` when it has none that year or is not recorded yet.
    fn release_year(&mut self, year: i32) -> Option<(Option<Geometry>, Option<Geometry>)> {
        let rest = self.remaining.as_ref()?;
        let now: Vec<&ReplayRelease> = self.releases.iter().filter(|x| x.year == year).collect();
        if now.is_empty() {
            return None;
        }
        let h = &self.hazard.geometry;
        let taken = |method: Method| -> Option<Geometry> {
            let set: Vec<&&ReplayRelease> = now.iter().filter(|x| x.method == method).collect();
            if set.is_empty() {
                None
            } else if set.iter().any(|x| x.covers) {
                Some(h.clone())
            } else {
                Some(intersection_all(
                    h,
                    &[&union(set.iter().map(|x| &x.geometry))],
                ))
            }
        };
        let out = (taken(Method::Cleared), taken(Method::Reduced));
        self.remaining = Some(if now.iter().any(|x| x.covers) {
            MultiPolygon::new(vec![])
        } else {
            let parts: Vec<&Geometry> = now.iter().map(|x| &x.geometry).collect();
            difference_all(rest, &parts)
        });
        Some(out)
    }
}

type Geometry = MultiPolygon<f64>;

impl YearLand {
    /// Nothing was added or released (in this place): the land stayed as it was.
    fn is_still(&self) -> bool {
        self.added_m2 == 0.0 && self.released_m2 == 0.0
    }
}

impl ComponentLedger {
    /// Where nothing happened in a year, the land at its end is the land at its start:
    /// each run of such years takes the end measured after it (back to the start when it
    /// opens the ledger), so that measurement noise lands in a year where land changed,
    /// and the last event keeps R5's figure.
    fn settle(&mut self) {
        let settle_one = |start: &mut f64, lands: Vec<&mut YearLand>| {
            let mut carry: Option<f64> = None;
            let mut lands = lands;
            for land in lands.iter_mut().rev() {
                if let Some(end) = carry {
                    land.end_m2 = end;
                }
                carry = land.is_still().then_some(land.end_m2);
            }
            if let Some(end) = carry {
                *start = end;
            }
        };
        settle_one(
            &mut self.start.0,
            self.events.iter_mut().map(|e| &mut e.national).collect(),
        );
        for k in 0..self.start.1.len() {
            settle_one(
                &mut self.start.1[k].1,
                self.events
                    .iter_mut()
                    .map(|e| &mut e.per_place[k].1)
                    .collect(),
            );
        }
    }
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

    /// The written rows: each year starts where the previous one ended and releases
    /// `start + added − end`; the last year ends at `remaining_now_m2` (R5's figure,
    /// which the components' last events already give).
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
        let national: Vec<(i32, YearLand)> =
            c.events.iter().map(|e| (e.year, e.national)).collect();
        self.national.add(c.start.0, &national);
        for (k, &(place, start_m2)) in c.start.1.iter().enumerate() {
            let events: Vec<(i32, YearLand)> = c
                .events
                .iter()
                .map(|e| (e.year, e.per_place[k].1))
                .collect();
            let target = match place {
                Place::Region(i) => &mut self.regions[i],
                Place::Outside => &mut self.outside,
            };
            target.add(start_m2, &events);
        }
    }
}
