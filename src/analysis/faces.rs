//! The land of one component of hazards, computed once: the labelled faces that its
//! hazards, the releases applying to them (R3) and the region boundaries crossing it cut
//! it into ([`geom::arrangement`](crate::geom::arrangement)), each measured once.
//!
//! A face carries the hazards covering it, the applying releases covering it, its places
//! (the regions holding it, or `_outside`) and its geodesic area. Everything R5, R6, R10
//! and R11 ask of a component follows from these labels and the release dates, with no
//! further geometry: a face is *remaining* for a hazard covering it when none of that
//! hazard's applying releases covers it, and stops being remaining land in the year of
//! the earliest such release (per hazard; the face is remaining while any hazard keeps
//! it). Every land figure is then a sum of face areas ([`ComponentFaces::land_of`],
//! [`ComponentFaces::timeline`]).

use chrono::{Datelike, NaiveDate};
use geo::{MultiPolygon, Polygon};

use super::release::HazardAccount;
use crate::geom::area::polygon_area_m2;
use crate::geom::arrangement::{subdivide, Cut, Face};
use crate::model::{Hazard, Method, Release, Status};

/// The six land layers of a place or component (SPEC R5), as geometries or as areas.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Layers<T> {
    /// U: all hazard land.
    pub original: T,
    /// M: remaining land.
    pub remaining: T,
    /// Remaining land of CHA records.
    pub remaining_cha: T,
    /// Released land that was cleared: C − M.
    pub cleared: T,
    /// Released land that was reduced: Rd − M − C.
    pub reduced: T,
    /// Remaining land as of the window start (R10).
    pub remaining_past: T,
}

/// Areas in m² of the six land layers.
pub type Land = Layers<f64>;

impl Land {
    /// Adds `other`'s areas layer by layer.
    pub fn add(&mut self, other: &Land) {
        self.original += other.original;
        self.remaining += other.remaining;
        self.remaining_cha += other.remaining_cha;
        self.cleared += other.cleared;
        self.reduced += other.reduced;
        self.remaining_past += other.remaining_past;
    }
}

/// Where a region figure goes: a region index, or outside every region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// `regions[i]`.
    Region(usize),
    /// Outside every region (`_outside`).
    Outside,
}

/// One face of a component's land.
#[derive(Debug, Clone)]
pub struct LandFace {
    /// The face.
    pub polygon: Polygon<f64>,
    /// Its geodesic area, m² (measured once).
    pub area_m2: f64,
    /// The hazards covering it, as positions in the component's members, ascending.
    pub hazards: Vec<u32>,
    /// The applying releases covering it, as positions in
    /// [`ComponentFaces::releases`], ascending.
    pub releases: Vec<u32>,
    /// The places holding it (several where regions overlap).
    pub places: Vec<Place>,
}

/// How a component's faces are placed: all in one place, or cut by the regions given
/// (each clipped near the component), the faces outside all of them going `_outside`.
pub enum Placing<'a> {
    /// No region boundary crosses the component.
    Sole(Place),
    /// `(region index, the region clipped to the component's padded box)`.
    Cut(&'a [(usize, MultiPolygon<f64>)]),
}

/// A release as the faces see it.
#[derive(Debug, Clone, Copy)]
struct ReleaseFacts {
    year: i32,
    method: Method,
    before_window: bool,
}

/// R13's (and R11's) order among the releases of a year: cleared, then reduced, then
/// cancelled; then the earliest completion; then the lowest `release_id`.
pub fn credit_order(r: &Release) -> (u8, NaiveDate, &str) {
    let strength = match r.method {
        Method::Cleared => 0,
        Method::Reduced => 1,
        Method::Cancelled => 2,
    };
    (strength, r.completed_on, r.release_id.as_str())
}

/// A component's faces and the facts their labels point to.
pub struct ComponentFaces {
    /// The faces.
    pub faces: Vec<LandFace>,
    /// The distinct applying releases of the component (indices into the run's
    /// releases), ascending.
    pub releases: Vec<usize>,
    facts: Vec<ReleaseFacts>,
    /// Per member, its applying releases as positions in `releases`, ascending.
    applying: Vec<Vec<u32>>,
    /// Per member: CHA, and the year it was recorded (`None`: undated).
    members: Vec<(bool, Option<i32>)>,
}

/// What one year did to a face (R11), for the years in which something happened there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceYear {
    /// Calendar year.
    pub year: i32,
    /// Recorded that year and not hazardous at the end of the year before.
    pub added: bool,
    /// Hazardous at the end of the year before or recorded that year, not at its end.
    pub released: bool,
    /// Released, under a cleared release of the year applying to a hazard covering it.
    pub cleared: bool,
    /// Released, under a reduced (and no cleared) release of the year.
    pub reduced: bool,
    /// R13: when released, the release credited with it (a position in
    /// [`ComponentFaces::releases`]): the first in [`credit_order`] among the releases of
    /// the year covering the face that apply to a hazard covering it.
    pub credit: Option<u32>,
}

fn label(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 labels in a component")
}

/// A face of the arrangement as the land sees it: labels below `first_release` are
/// members, then releases up to `first_region`, then the regions of `placing`.
fn land_face(f: Face, first_release: u32, first_region: u32, placing: &Placing) -> LandFace {
    let at = |lo: u32, hi: u32| f.labels.iter().filter(move |&&l| l >= lo && l < hi);
    let places = match placing {
        Placing::Sole(p) => vec![*p],
        Placing::Cut(regions) => {
            let held: Vec<Place> = at(first_region, u32::MAX)
                .map(|&l| Place::Region(regions[(l - first_region) as usize].0))
                .collect();
            if held.is_empty() {
                vec![Place::Outside]
            } else {
                held
            }
        }
    };
    LandFace {
        area_m2: polygon_area_m2(&f.polygon),
        hazards: at(0, first_release).copied().collect(),
        releases: at(first_release, first_region)
            .map(|&l| l - first_release)
            .collect(),
        places,
        polygon: f.polygon,
    }
}

impl ComponentFaces {
    /// The faces of the component `members` (indices into `hazards` and `accounts`).
    pub fn build(
        members: &[usize],
        hazards: &[Hazard],
        accounts: &[HazardAccount],
        placing: &Placing,
    ) -> ComponentFaces {
        let mut releases: Vec<usize> = members
            .iter()
            .flat_map(|&h| accounts[h].applied.iter().map(|a| a.release))
            .collect();
        releases.sort_unstable();
        releases.dedup();
        let position = |r: usize| label(releases.binary_search(&r).expect("listed above"));
        let mut facts = vec![None; releases.len()];
        let mut applying = Vec::with_capacity(members.len());
        // Each applying release enters as its land near every hazard it applies to (the
        // release cut to the hazard's box, or the hazard itself for an exact copy), which
        // cuts only that hazard's faces: the same label on each piece, ordered by release.
        // (A face of another hazard under the release is labelled by that hazard's piece
        // when the release applies to it, and is not cut for nothing when it does not.)
        let mut cuts: Vec<(u32, Cut)> = Vec::new();
        for (k, &h) in members.iter().enumerate() {
            let mut mine = Vec::new();
            for a in &accounts[h].applied {
                let r = position(a.release);
                facts[r as usize] = Some(ReleaseFacts {
                    year: a.completed_on.year(),
                    method: a.method,
                    before_window: a.before_window,
                });
                let cut = if a.covers {
                    Cut::Land(label(k))
                } else {
                    Cut::PolygonIn(&a.land, label(k))
                };
                cuts.push((r, cut));
                mine.push(r);
            }
            mine.sort_unstable();
            applying.push(mine);
        }
        cuts.sort_by_key(|(r, _)| *r);
        let n = members.len();
        let mut labelled: Vec<(Cut, u32)> = cuts.iter().map(|&(r, c)| (c, label(n) + r)).collect();
        let first_region = label(n + releases.len());
        if let Placing::Cut(regions) = placing {
            labelled.extend(
                regions
                    .iter()
                    .enumerate()
                    .map(|(k, (_, g))| (Cut::Polygon(g), first_region + label(k))),
            );
        }
        let land: Vec<&MultiPolygon<f64>> = members.iter().map(|&h| &hazards[h].geometry).collect();
        let faces = subdivide(&land, &labelled)
            .into_iter()
            .map(|f| land_face(f, label(n), first_region, placing))
            .collect();
        let members = members
            .iter()
            .map(|&h| {
                let hz = &hazards[h];
                (hz.status == Status::Cha, hz.recorded_on.map(|d| d.year()))
            })
            .collect();
        ComponentFaces {
            faces,
            releases,
            facts: facts
                .into_iter()
                .map(|f| f.expect("every listed release applies to some member"))
                .collect(),
            applying,
            members,
        }
    }

    /// The releases covering `f` that apply to its hazard at position `h`.
    fn applied_on<'s>(
        &'s self,
        f: &'s LandFace,
        h: u32,
    ) -> impl Iterator<Item = ReleaseFacts> + 's {
        self.applied_at(f, h).map(|(_, facts)| facts)
    }

    /// The same with each release's position in [`Self::releases`].
    fn applied_at<'s>(
        &'s self,
        f: &'s LandFace,
        h: u32,
    ) -> impl Iterator<Item = (u32, ReleaseFacts)> + 's {
        let mine = &self.applying[h as usize];
        f.releases
            .iter()
            .filter(move |r| mine.binary_search(r).is_ok())
            .map(move |&r| (r, self.facts[r as usize]))
    }

    /// Each of [`Self::releases`]' rank in [`credit_order`] (`releases` are the run's).
    pub fn credit_ranks(&self, releases: &[Release]) -> Vec<u32> {
        let mut by_order: Vec<usize> = (0..self.releases.len()).collect();
        by_order.sort_by_key(|&k| credit_order(&releases[self.releases[k]]));
        let mut rank = vec![0; by_order.len()];
        for (r, k) in by_order.into_iter().enumerate() {
            rank[k] = label(r);
        }
        rank
    }

    /// The face's area in each R5 layer it belongs to (0 in the others).
    pub fn land_of(&self, f: &LandFace) -> Land {
        let (mut remaining, mut cha, mut past, mut c, mut rd) = (false, false, false, false, false);
        for &h in &f.hazards {
            let (mut released, mut released_past) = (false, false);
            for r in self.applied_on(f, h) {
                released = true;
                released_past |= r.before_window;
                c |= r.method == Method::Cleared;
                rd |= r.method == Method::Reduced;
            }
            remaining |= !released;
            cha |= !released && self.members[h as usize].0;
            past |= !released_past;
        }
        let a = |yes: bool| if yes { f.area_m2 } else { 0.0 };
        Land {
            original: f.area_m2,
            remaining: a(remaining),
            remaining_cha: a(cha),
            cleared: a(!remaining && c),
            reduced: a(!remaining && !c && rd),
            remaining_past: a(past),
        }
    }

    /// Whether the face is remaining land at the end of `year`: some hazard covering it
    /// is recorded by then (undated ones always) and none of its applying releases
    /// covering the face has completed.
    fn remaining_at(&self, f: &LandFace, year: i32) -> bool {
        f.hazards.iter().any(|&h| {
            self.members[h as usize].1.is_none_or(|r| r <= year)
                && self.applied_on(f, h).all(|r| r.year > year)
        })
    }

    /// R11 for one face: whether it is remaining land before `first_year`, and what each
    /// year in which something happened to it did, in year order.
    /// `rank` is [`Self::credit_ranks`].
    pub fn timeline(&self, f: &LandFace, first_year: i32, rank: &[u32]) -> (bool, Vec<FaceYear>) {
        let mut years: Vec<i32> = f
            .hazards
            .iter()
            .filter_map(|&h| self.members[h as usize].1)
            .chain(f.releases.iter().map(|&r| self.facts[r as usize].year))
            .collect();
        years.sort_unstable();
        years.dedup();
        let start = self.remaining_at(f, first_year - 1);
        let mut out = Vec::new();
        for year in years {
            let before = self.remaining_at(f, year - 1);
            let after = self.remaining_at(f, year);
            let recorded = f
                .hazards
                .iter()
                .any(|&h| self.members[h as usize].1 == Some(year));
            let released = (before || recorded) && !after;
            let (mut c, mut rd) = (false, false);
            let mut credit: Option<u32> = None;
            for &h in &f.hazards {
                for (k, r) in self.applied_at(f, h).filter(|(_, r)| r.year == year) {
                    c |= r.method == Method::Cleared;
                    rd |= r.method == Method::Reduced;
                    if credit.is_none_or(|best| rank[k as usize] < rank[best as usize]) {
                        credit = Some(k);
                    }
                }
            }
            let y = FaceYear {
                year,
                added: recorded && !before,
                released,
                cleared: released && c,
                reduced: released && rd && !c,
                credit: credit.filter(|_| released),
            };
            if y.added || y.released {
                out.push(y);
            }
        }
        (start, out)
    }
}
