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
//! Only what changes is measured (`added`, `L_Y` and its split, all local to the year's
//! new hazards and releases); written rows take `remaining_start` from the previous
//! year's end and end at `start + added − released`, so that every row adds up on
//! screen and a year in which nothing happens ends exactly where it started. The last
//! year ends at R5's `remaining_m2`; the measurement noise between the two (geodesic
//! areas are not additive) goes into the last year in which land changed.
//!
//! R13 rides on the same replay: each hazard's released part of a year is cut among the
//! releases that may take it (its own of that year, and a neighbour's counted only on the
//! neighbour) in the order strongest method, earliest `completed_on`, lowest
//! `release_id`; one candidate (the common case) takes the whole part with no overlay.
//! Each release's pieces are merged and measured per place (`YearEvent::credits`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use geo::MultiPolygon;

use super::place::Place;
use super::release::{HazardAccount, MethodSplit};
use crate::geom::area::area_m2;
use crate::geom::clip::{clip_to_rect, padded_rect};
use crate::geom::overlay::{difference, difference_all, intersection_all, split_by, union};
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
    /// |L_Y|: land released that year.
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
    /// R13: the land released that year credited to each release (index into the run's
    /// releases), measured like [`ComponentLedger::start`]; in release order.
    pub credits: Vec<(usize, Measured)>,
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
    /// The hazard's bounding box (its remaining land lies inside it).
    bbox: Option<geo::Rect<f64>>,
    /// The hazard's remaining land so far; `None` before it is recorded.
    remaining: Option<MultiPolygon<f64>>,
    /// Its applying releases, clipped to its padded box.
    releases: Vec<ReplayRelease<'h>>,
}

/// An applying release as one hazard's replay sees it.
struct ReplayRelease<'h> {
    /// Index into the run's releases.
    index: usize,
    /// Completion year.
    year: i32,
    method: Method,
    /// R13's order among the releases of a year: method, then date, then id.
    completed_on: NaiveDate,
    release_id: &'h str,
    /// An exact copy of the hazard: it takes all of it (no overlay).
    covers: bool,
    /// Clipped to the hazard's padded box (empty when `covers`).
    geometry: MultiPolygon<f64>,
}

/// The ledger of one component (`members` index `hazards` and `accounts`).
pub fn component_ledger<'h>(
    members: &[usize],
    hazards: &'h [Hazard],
    accounts: &[HazardAccount],
    span: &LedgerSpan<'h>,
    place: &dyn PlaceMeasure,
) -> ComponentLedger {
    let mut replays: Vec<Replay> = members
        .iter()
        .map(|&hi| {
            let h = &hazards[hi];
            let bbox = crate::index::bbox(&h.geometry);
            let clip_box = bbox.map(|b| padded_rect(&b));
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
                        index: ri,
                        year: r.completed_on.year(),
                        method: r.method,
                        completed_on: r.completed_on,
                        release_id: r.release_id.as_str(),
                        covers,
                        geometry: g,
                    }
                })
                .collect();
            Replay {
                hazard: h,
                bbox,
                remaining: h.recorded_on.is_none().then(|| h.geometry.clone()),
                releases,
            }
        })
        .collect();
    let start = place.measure(&union(replays.iter().filter_map(|r| r.remaining.as_ref())));
    let tree = crate::index::box_tree(replays.iter().map(|r| &r.hazard.geometry));
    // Per year, the hazards recorded or released that year (all others stay as they are).
    let mut touched: BTreeMap<i32, Vec<usize>> = Default::default();
    for (k, r) in replays.iter().enumerate() {
        let recorded = r.hazard.recorded_on.map(|d| d.year());
        let mut ys: Vec<i32> = recorded
            .into_iter()
            .chain(r.releases.iter().map(|x| x.year))
            .collect();
        ys.sort_unstable();
        ys.dedup();
        for y in ys {
            touched.entry(y).or_default().push(k);
        }
    }
    let mut events = Vec::with_capacity(touched.len());
    for (year, touched) in touched {
        let land = year_land(&mut replays, &tree, &touched, year);
        let measures =
            [&land.added, &land.released, &land.cleared, &land.reduced].map(|g| place.measure(g));
        let pick = |f: &dyn Fn(&Measured) -> f64| YearLand {
            added_m2: f(&measures[0]),
            released_m2: f(&measures[1]),
            cleared_m2: f(&measures[2]),
            reduced_m2: f(&measures[3]),
        };
        let national = pick(&|m| m.0);
        let per_place = (0..start.1.len())
            .map(|k| (start.1[k].0, pick(&|m| m.1[k].1)))
            .collect();
        let credits = land
            .credits
            .iter()
            .map(|(r, g)| (*r, place.measure(g)))
            .collect();
        events.push(YearEvent {
            year,
            national,
            per_place,
            credits,
        });
    }
    ComponentLedger { start, events }
}

/// The sets of one year of a component, before they are measured.
struct YearSets {
    /// `N_Y − M_{Y−1}`.
    added: Geometry,
    /// `L_Y`.
    released: Geometry,
    /// `L_Y ∩ C^Y`.
    cleared: Geometry,
    /// `L_Y ∩ Rd^Y − C^Y`.
    reduced: Geometry,
    /// R13: `L_Y` cut into the land of each crediting release, in release order.
    credits: Vec<(usize, Geometry)>,
}

/// Advances every hazard of a component through `year` and returns that year's sets.
/// Everything is local to what changed: land leaves `M` only where a hazard lost land to
/// a release of the year (`D`, the union of those losses), so `L_Y = D − M_Y` needs only
/// the hazards near `D`; likewise `N_Y − M_{Y−1}` needs only those near `N_Y`.
fn year_land(
    replays: &mut [Replay],
    tree: &crate::index::BoxTree,
    touched: &[usize],
    year: i32,
) -> YearSets {
    let is_new = |r: &Replay| r.hazard.recorded_on.is_some_and(|d| d.year() == year);
    // Each new hazard minus the land already hazardous near it.
    let added_parts: Vec<Geometry> = touched
        .iter()
        .map(|&k| &replays[k])
        .filter(|r| is_new(r))
        .map(|r| {
            let before = remaining_near(replays, tree, r.bbox, |_, o| !is_new(o));
            difference_all(&r.hazard.geometry, &before)
        })
        .collect();
    let added = union_local(&added_parts);
    let mut lost = Vec::new();
    for &k in touched {
        let r = &mut replays[k];
        if is_new(r) {
            r.remaining = Some(r.hazard.geometry.clone());
        }
        if let Some(g) = r.release_year(year) {
            lost.push((k, g));
        }
    }
    let mut released_parts = Vec::new();
    let (mut all_cleared, mut all_reduced) = (true, true);
    let mut cleared_parts = Vec::new();
    let mut reduced_parts = Vec::new();
    let mut credited: BTreeMap<usize, Vec<Geometry>> = BTreeMap::new();
    for (k, g) in lost.iter().filter(|(_, g)| !g.0.is_empty()) {
        // The hazard's loss minus the land still hazardous in the other records near it.
        let b = crate::index::bbox(g);
        let clip = b.map(|b| padded_rect(&b));
        // (a hazard's box holds its remaining land, which is often far smaller: only the
        // records whose remaining land's own box meets the loss can cover some of it)
        let others: Vec<Geometry> = remaining_near(replays, tree, b, |j, _| j != *k)
            .into_iter()
            .filter(|o| crate::index::boxes_meet(crate::index::bbox(o), b))
            .map(|o| {
                clip.as_ref()
                    .map_or_else(|| o.clone(), |r| clip_to_rect(o, r))
            })
            .collect();
        let refs: Vec<&Geometry> = others.iter().collect();
        let part = difference_all(g, &refs);
        if part.0.is_empty() {
            continue;
        }
        let candidates = candidates(replays, touched, *k, &part, year);
        for (r, piece) in credit_part(candidates.clone(), &part) {
            credited.entry(r).or_default().push(piece);
        }
        let (cleared, reduced) = split_by_method(candidates, &part);
        all_cleared &= reduced.is_none() && cleared.as_ref() == Some(&part);
        all_reduced &= cleared.is_none() && reduced.as_ref() == Some(&part);
        cleared_parts.extend(cleared);
        reduced_parts.extend(reduced);
        released_parts.push(part);
    }
    let released = union_local(&released_parts);
    // A year of one method (the common case) has its released land as that method's:
    // the same union, not made twice.
    let (cleared, reduced) = match (all_cleared, all_reduced) {
        (true, _) => (released.clone(), MultiPolygon::new(vec![])),
        (_, true) => (MultiPolygon::new(vec![]), released.clone()),
        _ => (union_local(&cleared_parts), union_local(&reduced_parts)),
    };
    // (pieces of one release from several hazards' losses may overlap: one union each)
    let credits = credited
        .into_iter()
        .map(|(r, pieces)| (r, union_local(&pieces)))
        .collect();
    YearSets {
        added,
        released,
        cleared,
        reduced,
        credits,
    }
}

/// A release of the year that may take some of `part` (land released from hazard k): one
/// of k's own applying releases (its land counts wherever it lies on `part ⊆ H_k`), or a
/// neighbour's that does not apply to k (it counts only on that neighbour, `on`).
#[derive(Clone, Copy)]
struct Candidate<'r> {
    index: usize,
    method: Method,
    completed_on: NaiveDate,
    release_id: &'r str,
    land: &'r Geometry,
    /// An exact copy of hazard k: it holds all of `part`.
    covers: bool,
    /// The neighbour's hazard, for a release that does not apply to k.
    on: Option<&'r Geometry>,
}

impl Candidate<'_> {
    /// R13's (and R11's) order: cleared, then reduced, then cancelled; then the earliest
    /// completion; then the lowest `release_id`.
    fn order(&self) -> (u8, NaiveDate, &str) {
        let strength = match self.method {
            Method::Cleared => 0,
            Method::Reduced => 1,
            Method::Cancelled => 2,
        };
        (strength, self.completed_on, self.release_id)
    }
}

/// The releases of `year` that may take land of `part` (released from hazard `k`): k's own,
/// then the neighbours' (of `touched`) that do not apply to k and whose box meets it.
fn candidates<'r>(
    replays: &'r [Replay],
    touched: &[usize],
    k: usize,
    part: &Geometry,
    year: i32,
) -> Vec<Candidate<'r>> {
    let own = &replays[k];
    let b = crate::index::bbox(part);
    let candidate = |h: &'r Replay, x: &'r ReplayRelease, foreign: bool| Candidate {
        index: x.index,
        method: x.method,
        completed_on: x.completed_on,
        release_id: x.release_id,
        land: h.release_land(x),
        covers: x.covers && !foreign,
        on: foreign.then_some(&h.hazard.geometry),
    };
    let mut found: Vec<Candidate> = own
        .releases_in(year)
        .map(|x| candidate(own, x, false))
        .collect();
    let own_ids: Vec<usize> = found.iter().map(|c| c.index).collect();
    for &j in touched.iter().filter(|&&j| j != k) {
        let h = &replays[j];
        if !crate::index::boxes_meet(h.bbox, b) {
            continue;
        }
        let theirs = h
            .releases_in(year)
            .filter(|x| !own_ids.contains(&x.index))
            .filter(|x| crate::index::boxes_meet(crate::index::bbox(h.release_land(x)), b));
        found.extend(theirs.map(|x| candidate(h, x, true)));
    }
    found
}

/// R13: `part` cut among its candidates, each point to the first (in [`Candidate::order`])
/// whose land holds it; `(release index, land)` per release credited. One candidate
/// release (the common case) takes the whole part without an overlay.
fn credit_part(mut candidates: Vec<Candidate>, part: &Geometry) -> Vec<(usize, Geometry)> {
    candidates.sort_by(|a, b| a.order().cmp(&b.order()));
    let Some(first) = candidates.first() else {
        return Vec::new();
    };
    if candidates.iter().all(|c| c.index == first.index) {
        return vec![(first.index, part.clone())];
    }
    let mut rest = part.clone();
    let mut credits = Vec::new();
    for c in &candidates {
        if rest.0.is_empty() {
            break;
        }
        if c.covers {
            credits.push((
                c.index,
                std::mem::replace(&mut rest, MultiPolygon::new(vec![])),
            ));
            break;
        }
        let rest_box = crate::index::bbox(&rest);
        if !crate::index::boxes_meet(crate::index::bbox(c.land), rest_box) {
            continue;
        }
        let taken = match c.on {
            None => {
                let (after, taken) = split_by(&rest, &[c.land]);
                rest = after;
                taken
            }
            Some(hazard) => {
                let on_part = intersection_all(&rest, &[c.land]);
                let taken = intersection_all(&on_part, &[hazard]);
                if !taken.0.is_empty() {
                    rest = difference(&rest, &taken);
                }
                taken
            }
        };
        if !taken.0.is_empty() {
            credits.push((c.index, taken));
        }
    }
    credits
}

/// The cleared and reduced land of `part` (released this year from hazard k): its points
/// under `C^Y` (resp. `Rd^Y` and not `C^Y`), the unions over the hazards H of `H ∩ R`
/// for their cleared (reduced) releases of the year. Hazard k's own releases count by
/// their land (`part ⊆ H_k`); a neighbour's release that does not apply to k counts only
/// on the neighbour (`H ∩ R`). When every release involved has one method, the whole
/// part is of that method and no overlay is made.
fn split_by_method(
    candidates: Vec<Candidate>,
    part: &Geometry,
) -> (Option<Geometry>, Option<Geometry>) {
    // a neighbour's cancellation does not change the split: only its clearances and
    // reductions are looked at
    let candidates: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| c.on.is_none() || c.method != Method::Cancelled)
        .collect();
    let mut methods: Vec<Method> = candidates.iter().map(|c| c.method).collect();
    methods.sort_by_key(|m| *m as u8);
    methods.dedup();
    match methods.as_slice() {
        [Method::Cleared] => return (Some(part.clone()), None),
        [Method::Reduced] => return (None, Some(part.clone())),
        [Method::Cancelled] | [] => return (None, None),
        _ => {}
    }
    let slot = |m: Method| match m {
        Method::Cleared => Some(0),
        Method::Reduced => Some(1),
        Method::Cancelled => None,
    };
    // The part under each method: its own releases in one overlay, each neighbour's
    // release on the (small) part first, then on its hazard only when something is left.
    let mut under: [Vec<Geometry>; 2] = [Vec::new(), Vec::new()];
    for (i, under) in under.iter_mut().enumerate() {
        let own: Vec<&Geometry> = candidates
            .iter()
            .filter(|c| c.on.is_none() && slot(c.method) == Some(i))
            .map(|c| c.land)
            .collect();
        if !own.is_empty() {
            under.push(intersection_all(part, &own));
        }
    }
    for c in candidates.iter().filter(|c| c.on.is_some()) {
        let (Some(i), Some(hazard)) = (slot(c.method), c.on) else {
            continue;
        };
        let on_part = intersection_all(part, &[c.land]);
        if !on_part.0.is_empty() {
            under[i].push(intersection_all(&on_part, &[hazard]));
        }
    }
    let [c, rd] = under.map(|u| (!u.is_empty()).then(|| union(u.iter())));
    let reduced = rd.map(|rd| match &c {
        Some(c) => difference(&rd, c),
        None => rd,
    });
    (c, reduced)
}

/// The union of `parts`, overlaying only the parts whose boxes overlap: a year's losses
/// and finds are scattered over a component, and parts apart from every other one are
/// taken as they are (their polygons do not overlap, so the result measures the same).
fn union_local(parts: &[Geometry]) -> Geometry {
    if parts.len() < 2 {
        return parts
            .first()
            .cloned()
            .unwrap_or_else(|| MultiPolygon::new(vec![]));
    }
    let tree = crate::index::box_tree(parts.iter());
    // a padded box: parts that only touch are merged too (shared edges dissolve)
    let pairs = parts.iter().enumerate().flat_map(|(i, g)| {
        let near = crate::index::bbox(g).map(|b| {
            crate::index::boxes_in(&tree, &crate::index::envelope(&padded_rect(&b), 0.0, 0.0))
        });
        near.into_iter().flatten().map(move |j| (i, j))
    });
    let clusters = crate::index::groups(parts.len(), pairs.collect::<Vec<_>>());
    let polygons = clusters
        .into_iter()
        .flat_map(|c| union(c.iter().map(|&i| &parts[i])).0)
        .collect();
    MultiPolygon::new(polygons)
}

/// The remaining land of the hazards that `keep` selects (by index and replay) whose box
/// meets `b` (found with the component's box `tree`).
fn remaining_near<'a>(
    replays: &'a [Replay],
    tree: &crate::index::BoxTree,
    b: Option<geo::Rect<f64>>,
    keep: impl Fn(usize, &Replay) -> bool,
) -> Vec<&'a Geometry> {
    let Some(b) = b else { return Vec::new() };
    crate::index::boxes_in(tree, &crate::index::envelope(&b, 0.0, 0.0))
        .into_iter()
        .filter(|&j| keep(j, &replays[j]))
        .filter_map(|j| replays[j].remaining.as_ref())
        .filter(|g| !g.0.is_empty())
        .collect()
}

impl<'h> Replay<'h> {
    /// This hazard's releases completed in `year`.
    fn releases_in(&self, year: i32) -> impl Iterator<Item = &ReplayRelease<'h>> {
        self.releases.iter().filter(move |x| x.year == year)
    }

    /// A release's land on this hazard's box (the hazard itself for an exact copy).
    fn release_land<'s>(&'s self, x: &'s ReplayRelease<'h>) -> &'s Geometry {
        if x.covers {
            &self.hazard.geometry
        } else {
            &x.geometry
        }
    }

    /// Applies this hazard's releases completed in `year` to its remaining land and
    /// returns what they took; `None` when it has none that year or is not recorded yet.
    fn release_year(&mut self, year: i32) -> Option<Geometry> {
        let rest = self.remaining.as_ref()?;
        let now: Vec<&ReplayRelease<'h>> = self.releases_in(year).collect();
        if now.is_empty() {
            return None;
        }
        let (after, lost) = if now.iter().any(|x| x.covers) {
            (MultiPolygon::new(vec![]), rest.clone())
        } else {
            // Releases whose box misses what is left (say a clearance over land that an
            // earlier survey cancelled) take nothing: no overlay for them.
            let rest_box = crate::index::bbox(rest);
            let parts: Vec<&Geometry> = now
                .iter()
                .map(|x| &x.geometry)
                .filter(|g| crate::index::boxes_meet(crate::index::bbox(g), rest_box))
                .collect();
            if parts.is_empty() {
                (rest.clone(), MultiPolygon::new(vec![]))
            } else {
                split_by(rest, &parts)
            }
        };
        self.remaining = Some(after);
        Some(lost)
    }
}

type Geometry = MultiPolygon<f64>;

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
    /// R13, per year: `(release index, m2)` credited in this place, in component order.
    credits: Vec<Vec<(usize, f64)>>,
}

impl PlaceLedger {
    /// An empty ledger over `span`'s years.
    pub fn new(span: &LedgerSpan) -> PlaceLedger {
        PlaceLedger {
            first_year: span.first_year,
            start_m2: 0.0,
            years: vec![YearLand::default(); span.years()],
            credits: vec![Vec::new(); span.years()],
        }
    }

    /// R13: the `(release index, m2)` credited here in `year` (one entry per component a
    /// release took land in; a release may appear more than once).
    pub fn credits(&self, year: i32) -> &[(usize, f64)] {
        usize::try_from(year - self.first_year)
            .ok()
            .and_then(|k| self.credits.get(k))
            .map_or(&[], Vec::as_slice)
    }

    /// Adds one component's figures in this place: `start` before the first year, and
    /// `events` (year, land) in year order.
    pub fn add(&mut self, start_m2: f64, events: &[(i32, YearLand)]) {
        self.start_m2 += start_m2;
        for (year, land) in events {
            let k = self.slot(*year);
            let slot = &mut self.years[k];
            slot.added_m2 += land.added_m2;
            slot.released_m2 += land.released_m2;
            slot.cleared_m2 += land.cleared_m2;
            slot.reduced_m2 += land.reduced_m2;
        }
    }

    /// Adds one component's R13 credits of `year` in this place.
    pub fn credit(&mut self, year: i32, credits: impl Iterator<Item = (usize, f64)>) {
        let slot = self.slot(year);
        self.credits[slot].extend(credits.filter(|(_, m2)| *m2 > 0.0));
    }

    fn slot(&self, year: i32) -> usize {
        (year - self.first_year) as usize
    }

    /// The written rows: each year starts where the previous one ended and ends at
    /// `start + added − released`. The last year ends at `remaining_now_m2` (R5's
    /// figure): the difference to the summed measurements (geodesic non-additivity,
    /// ~1e-6 of the land) is put into the last year in which land changed here (its
    /// released land, or its added land when less was released), else into the start.
    pub fn rows(&self, remaining_now_m2: f64) -> Vec<LedgerRow> {
        let mut years = self.years.clone();
        let mut start_m2 = self.start_m2;
        let measured_end = years
            .iter()
            .fold(start_m2, |end, y| end + y.added_m2 - y.released_m2);
        let drift = remaining_now_m2 - measured_end;
        match years
            .iter_mut()
            .rev()
            .find(|y| y.added_m2 > 0.0 || y.released_m2 > 0.0)
        {
            Some(y) if y.released_m2 >= drift => y.released_m2 -= drift,
            Some(y) => {
                y.added_m2 += drift - y.released_m2;
                y.released_m2 = 0.0;
            }
            None => start_m2 += drift,
        }
        let mut start = start_m2.max(0.0);
        let n = years.len();
        years
            .iter()
            .enumerate()
            .map(|(k, y)| {
                let released_m2 = y.released_m2.clamp(0.0, start + y.added_m2);
                let end = if k + 1 == n {
                    remaining_now_m2
                } else {
                    start + y.added_m2 - released_m2
                };
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
            for e in &c.events {
                target.credit(e.year, e.credits.iter().map(|(r, m)| (*r, m.1[k].1)));
            }
        }
    }
}
