//! R11: the land ledger, year by year: land remaining at each year's start and end, land
//! added (recorded that year and not already hazardous) and land released, by method.
//!
//! Computed per connected component of hazards (the regions stage's components, whose
//! land is disjoint) as sums over the component's faces ([`super::faces`]): per year Y
//! (ending 31 December, the last one at D) `M_Y = ∪ (H − ∪{R applying to H, completed ≤
//! Y})` over the hazards recorded by then, `N_Y` the hazards recorded in Y,
//! `added = N_Y − M_{Y−1}`, `L_Y = (M_{Y−1} ∪ N_Y) − M_Y`, cleared `L_Y ∩ C^Y`, reduced
//! `L_Y ∩ Rd^Y − C^Y`; each face lies wholly inside or outside each of these sets, so
//! each figure is the sum of the areas of the faces inside it, with no geometry and in
//! time linear in the faces and their labels.
//!
//! Only what changes is summed (`added`, `L_Y` and its split); written rows take
//! `remaining_start` from the previous year's end and end at `start + added − released`,
//! so that every row adds up on screen and a year in which nothing happens ends exactly
//! where it started. The last year ends at R5's `remaining_m2`; the difference between
//! the two (face areas summed in another order) goes into the last year in which land
//! changed.
//!
//! R13 is a face sum too: in the year a face is released, its area goes to the release
//! credited with it (`FaceYear::credit`: strongest method, earliest `completed_on`, lowest
//! `release_id` among the releases of the year covering it and applying to a hazard
//! there), measured nationally and per place (`YearEvent::credits`). A lone hazard in one
//! place has no faces: [`lone_ledger`] peels its releases in the same order.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use geo::MultiPolygon;

use super::faces::{ComponentFaces, FaceYear};
use super::place::Place;
use super::release::{hazard_clip_box, AppliedRelease, HazardAccount, MethodSplit};
use crate::geom::area::area_m2;
use crate::geom::split::split_parts;
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

impl YearLand {
    /// Adds `area_m2` of a face to the figures its year's changes name.
    fn add_face(&mut self, y: &FaceYear, area_m2: f64) {
        let a = |yes: bool| if yes { area_m2 } else { 0.0 };
        self.added_m2 += a(y.added);
        self.released_m2 += a(y.released);
        self.cleared_m2 += a(y.cleared);
        self.reduced_m2 += a(y.reduced);
    }
}

/// The ledger of one component from its faces: each face's area goes, in the years in
/// which something happened to it, into the national figures and into those of each of
/// its places listed in `places` (the places with land there; a face elsewhere, such as
/// specks outside every region, counts nationally only), and in the year it is released
/// to the release credited with it (R13). No geometry: each face's labels and the
/// release dates say what happened to it ([`ComponentFaces::timeline`]).
pub fn component_ledger(
    faces: &ComponentFaces,
    places: &[Place],
    span: &LedgerSpan,
) -> ComponentLedger {
    let mut start: Measured = (0.0, places.iter().map(|&p| (p, 0.0)).collect());
    let mut years: BTreeMap<i32, YearEvent> = Default::default();
    let mut credits: BTreeMap<(i32, usize), Measured> = Default::default();
    for f in &faces.faces {
        let (before, changes) = faces.timeline(f, span.first_year);
        let slots: Vec<usize> = f
            .places
            .iter()
            .filter_map(|p| places.iter().position(|q| q == p))
            .collect();
        if before {
            start.0 += f.area_m2;
            for &k in &slots {
                start.1[k].1 += f.area_m2;
            }
        }
        for y in changes {
            let event = years
                .entry(y.year)
                .or_insert_with(|| YearEvent::empty(y.year, places));
            event.national.add_face(&y, f.area_m2);
            for &k in &slots {
                event.per_place[k].1.add_face(&y, f.area_m2);
            }
            if let Some(r) = y.credit {
                let credit = credits
                    .entry((y.year, faces.releases[r as usize]))
                    .or_insert_with(|| (0.0, places.iter().map(|&p| (p, 0.0)).collect()));
                credit.0 += f.area_m2;
                for &k in &slots {
                    credit.1[k].1 += f.area_m2;
                }
            }
        }
    }
    for ((year, r), m) in credits {
        if let Some(event) = years.get_mut(&year) {
            event.credits.push((r, m));
        }
    }
    ComponentLedger {
        start,
        events: years.into_values().collect(),
    }
}

impl YearEvent {
    fn empty(year: i32, places: &[Place]) -> YearEvent {
        YearEvent {
            year,
            national: YearLand::default(),
            per_place: places.iter().map(|&p| (p, YearLand::default())).collect(),
            credits: Vec::new(),
        }
    }
}

/// The ledger of a component of one hazard lying wholly in one place, with no faces: its
/// land is added in the year it was recorded (before the first year when undated), and
/// its applying releases take, in the order land is credited in (`AppliedRelease::order`), what
/// is left of it under them, each piece credited to its release and counted under its
/// method. When the releases fall in one year with at most one per method (most hazards),
/// the pieces are the account's cleared, reduced and cancelled land: no overlay at all;
/// otherwise one split per release (`geom::split`), on what is left.
pub fn lone_ledger(
    h: &Hazard,
    a: &HazardAccount,
    applied: &[AppliedRelease],
    place: Place,
) -> ComponentLedger {
    let measured = |m2: f64| (m2, vec![(place, m2)]);
    let mut years: BTreeMap<i32, YearEvent> = Default::default();
    let start = match h.recorded_on {
        Some(d) => {
            years
                .entry(d.year())
                .or_insert_with(|| YearEvent::empty(d.year(), &[place]))
                .national
                .added_m2 = a.original_m2;
            measured(0.0)
        }
        None => measured(a.original_m2),
    };
    for (year, r, method, m2) in lone_pieces(h, a, applied) {
        let e = years
            .entry(year)
            .or_insert_with(|| YearEvent::empty(year, &[place]));
        e.national.released_m2 += m2;
        match method {
            Method::Cleared => e.national.cleared_m2 += m2,
            Method::Reduced => e.national.reduced_m2 += m2,
            Method::Cancelled => {}
        }
        e.credits.push((r, measured(m2)));
    }
    let events = years
        .into_values()
        .map(|mut e| {
            e.per_place[0].1 = e.national;
            e.credits.sort_by_key(|(r, _)| *r);
            e
        })
        .collect();
    ComponentLedger { start, events }
}

/// A lone hazard's released land as `(year, release, method, m2)`, one piece per applying
/// release that takes some (see [`lone_ledger`]).
fn lone_pieces(
    h: &Hazard,
    a: &HazardAccount,
    applied: &[AppliedRelease],
) -> Vec<(i32, usize, Method, f64)> {
    let mut applied: Vec<&AppliedRelease> = applied.iter().collect();
    applied.sort_by_key(|x| x.order);
    let one_year = applied
        .windows(2)
        .all(|w| w[0].completed_on.year() == w[1].completed_on.year());
    let one_per_method = applied.windows(2).all(|w| w[0].method != w[1].method);
    if one_year && one_per_method {
        // the account's peel: cleared, then reduced, then cancelled land
        return applied
            .iter()
            .map(|x| {
                let m2 = match x.method {
                    Method::Cleared => a.cleared_m2,
                    Method::Reduced => a.reduced_m2,
                    Method::Cancelled => a.cancelled_m2,
                };
                (x.completed_on.year(), x.release, x.method, m2)
            })
            .filter(|p| p.3 > 0.0)
            .collect();
    }
    let mut rest = h.geometry.clone();
    let clip_box = hazard_clip_box(&h.geometry);
    let mut pieces = Vec::new();
    for x in applied {
        if rest.0.is_empty() {
            break;
        }
        let land = x.land_near(clip_box.as_ref());
        // an exact copy takes it all and a release whose box misses takes nothing, with
        // no geometry at all; the split tells any other cover or miss itself
        let taken = if x.covers {
            std::mem::replace(&mut rest, MultiPolygon::new(vec![]))
        } else if !crate::index::boxes_meet(crate::index::bbox(&land), crate::index::bbox(&rest)) {
            continue;
        } else {
            let (after, taken) = split_parts(&rest, &land);
            rest = after;
            taken
        };
        let m2 = area_m2(&taken);
        if m2 > 0.0 {
            pieces.push((x.completed_on.year(), x.release, x.method, m2));
        }
    }
    pieces
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
