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
//! [`ComponentFaces::timeline`]), R13's credits too: in the year a face is released, the
//! first release in credit order among those of the year covering it and applying to a
//! hazard there.
//!
//! The releases cut the faces in the order land is credited (`AppliedRelease::order`),
//! and each cuts only the faces whose fate it can still change (`cut_needed`): once every
//! hazard of a face is released there, a later release adds nothing to R11 or R13, and
//! only the first cleared (reduced) release or the first before the window start still
//! matter (R5, R10). A face thus carries the releases that decide it, not every release
//! over it, and the faces stay about as many as the pieces the figures need.

use chrono::Datelike;
use geo::{BoundingRect, Intersects, MultiPolygon, Polygon, Rect};

use super::place::Place;
use super::release::{hazard_clip_box, AppliedRelease};
use crate::geom::area::polygon_area_m2;
use crate::geom::arrangement::{subdivide, subdivide_where, Cut, Face};
use crate::geom::clip::{clip_to_rect, padded_rect};
use crate::model::{Hazard, Method, Status};

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

/// One face of a component's land.
#[derive(Debug, Clone)]
pub struct LandFace {
    /// The face.
    pub polygon: Polygon<f64>,
    /// Its geodesic area, m² (measured once).
    pub area_m2: f64,
    /// The hazards covering it, as positions in the component's members, ascending.
    pub hazards: Vec<u32>,
    /// The applying releases covering it that decide its fate (see the module
    /// documentation; a release applying only to other members may be among them, and is
    /// ignored), as positions in [`ComponentFaces::releases`], ascending.
    pub releases: Vec<u32>,
    /// The places holding it (several where regions overlap).
    pub places: Vec<Place>,
}

/// How a component's faces are placed: all in one place, or cut by the regions given
/// (each clipped near the component), the faces outside all of them going `_outside`.
pub enum Placing<'a> {
    /// No region boundary crosses the component.
    Sole(Place),
    /// `(region index, the region clipped to the component's padded box)`, and the one
    /// place a box lies in when no region boundary crosses it (`None` otherwise): only
    /// the faces a boundary crosses are cut by the regions.
    Cut(
        &'a [(usize, MultiPolygon<f64>)],
        &'a (dyn Fn(&Rect<f64>) -> Option<Place> + Sync),
    ),
}

/// A release as the faces see it.
#[derive(Debug, Clone, Copy)]
struct ReleaseFacts {
    year: i32,
    method: Method,
    before_window: bool,
}

/// A component's faces and the facts their labels point to.
pub struct ComponentFaces {
    /// The faces.
    pub faces: Vec<LandFace>,
    /// The distinct applying releases of the component (indices into the run's
    /// releases), in the order land is credited (`AppliedRelease::order`).
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
    /// [`ComponentFaces::releases`]): the first in credit order among the releases of
    /// the year covering the face that apply to a hazard covering it.
    pub credit: Option<u32>,
}

fn label(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 labels in a component")
}

/// A face of the arrangement as the land sees it (labels below `first_release` are
/// members, then releases), in the places given.
fn land_face(f: Face, first_release: u32, places: Vec<Place>) -> LandFace {
    let at = |lo: u32, hi: u32| f.labels.iter().filter(move |&&l| l >= lo && l < hi);
    LandFace {
        area_m2: polygon_area_m2(&f.polygon),
        hazards: at(0, first_release).copied().collect(),
        releases: at(first_release, u32::MAX)
            .map(|&l| l - first_release)
            .collect(),
        places,
        polygon: f.polygon,
    }
}

/// The faces of the arrangement in their places: all in the sole place, or each face in
/// the one place its box lies in, and the faces a region boundary crosses cut by the
/// regions near them (each part in the regions holding it, or `_outside`).
fn placed(faces: Vec<Face>, first_release: u32, placing: &Placing) -> Vec<LandFace> {
    let (regions, sole_place) = match placing {
        Placing::Sole(p) => {
            return faces
                .into_iter()
                .map(|f| land_face(f, first_release, vec![*p]))
                .collect()
        }
        Placing::Cut(regions, sole_place) => (regions, sole_place),
    };
    let mut out = Vec::with_capacity(faces.len());
    for f in faces {
        let Some(b) = f.polygon.bounding_rect() else {
            continue;
        };
        if let Some(p) = sole_place(&b) {
            out.push(land_face(f, first_release, vec![p]));
            continue;
        }
        let clip = padded_rect(&b);
        let near: Vec<(usize, MultiPolygon<f64>)> = regions
            .iter()
            .filter(|(_, g)| g.bounding_rect().is_some_and(|gb| gb.intersects(&b)))
            .map(|(i, g)| (*i, clip_to_rect(g, &clip)))
            .filter(|(_, g)| !g.0.is_empty())
            .collect();
        let cuts: Vec<(Cut, u32)> = (1..)
            .zip(&near)
            .map(|(k, (_, g))| (Cut::Polygon(g), k))
            .collect();
        let whole = MultiPolygon::new(vec![f.polygon.clone()]);
        for part in subdivide(&[&whole], &cuts) {
            let held: Vec<Place> = part.labels[1..]
                .iter()
                .map(|&k| Place::Region(near[k as usize - 1].0))
                .collect();
            let places = if held.is_empty() {
                vec![Place::Outside]
            } else {
                held
            };
            out.push(land_face(
                Face {
                    polygon: part.polygon,
                    labels: f.labels.clone(),
                },
                first_release,
                places,
            ));
        }
    }
    out
}

/// A component's applying releases as the faces are cut by them: each release enters as
/// its land near every hazard it applies to (the release cut to the hazard's box, or the
/// hazard itself for an exact copy), which cuts only that hazard's faces; a release lying
/// whole in the box of some hazard it applies to cuts every face it meets at once instead
/// (its label on the faces of a hazard it does not apply to is ignored: see
/// `applied_on`), so that its pieces do not meet each other's edges face by face.
struct ReleaseLands<'a> {
    /// Per release position, its whole land when it lies in some hazard's box.
    whole: Vec<Option<&'a MultiPolygon<f64>>>,
    /// `(position, member, land near that member)` of the other releases, cut here (the
    /// accounts keep only the releases' own geometries).
    near: Vec<(u32, u32, MultiPolygon<f64>)>,
    /// `(position, member)` of the exact copies.
    copies: Vec<(u32, u32)>,
}

impl<'a> ReleaseLands<'a> {
    fn of(
        members: &[usize],
        hazards: &[Hazard],
        applied: &'a [Vec<AppliedRelease>],
        position: &dyn Fn(u32) -> u32,
        n_releases: usize,
    ) -> ReleaseLands<'a> {
        let mut lands = ReleaseLands {
            whole: vec![None; n_releases],
            near: Vec::new(),
            copies: Vec::new(),
        };
        for (k, list) in applied.iter().enumerate() {
            for a in list {
                let r = position(a.order);
                if a.covers {
                    lands.copies.push((r, label(k)));
                } else if a.whole {
                    lands.whole[r as usize].get_or_insert(&a.land);
                }
            }
        }
        for (k, (&h, list)) in members.iter().zip(applied).enumerate() {
            let clip_box = hazard_clip_box(&hazards[h].geometry);
            for a in list.iter().filter(|a| !a.covers) {
                let r = position(a.order);
                if lands.whole[r as usize].is_none() {
                    let land = a.land_near(clip_box.as_ref()).into_owned();
                    lands.near.push((r, label(k), land));
                }
            }
        }
        lands
    }

    /// The cuts as `(position, cut)` in position order: per release, the exact copies
    /// (labels only) first, then its land.
    fn cuts(&self) -> Vec<(u32, Cut<'_>)> {
        let mut cuts: Vec<(u32, u8, Cut)> = Vec::new();
        cuts.extend(self.copies.iter().map(|&(r, k)| (r, 0, Cut::Land(k))));
        cuts.extend(
            self.near
                .iter()
                .map(|(r, k, g)| (*r, 1, Cut::PolygonIn(g, *k))),
        );
        cuts.extend(
            (0..)
                .zip(&self.whole)
                .filter_map(|(r, g)| g.map(|g| (r, 1, Cut::Polygon(g)))),
        );
        cuts.sort_by_key(|(r, kind, _)| (*r, *kind));
        cuts.into_iter().map(|(r, _, c)| (r, c)).collect()
    }
}

/// Whether the release at position `r` can still change the fate of a face labelled
/// `labels` (members below `n`, then release positions + `n`), the releases being cut in
/// credit order: only when it applies to a hazard of the face and either some hazard
/// of the face is not yet released there (then the year, method and credit of its
/// release are still open), or it is the first cleared (reduced) release there (R5's
/// cleared and reduced land count every year), or it is the first release before the
/// window start there for a hazard it applies to (R10). Releases later in credit order
/// than the one that released a face's last hazard change nothing else: that year's
/// credit and method are its.
fn cut_needed(
    labels: &[u32],
    r: u32,
    n: u32,
    (facts, applying, applies_to): (&[ReleaseFacts], &[Vec<u32>], &[Vec<u32>]),
) -> bool {
    let split = labels.partition_point(|&l| l < n);
    let (hz, rl) = (&labels[..split], &labels[split..]);
    let mine = &applies_to[r as usize];
    let on = |h: &u32| mine.binary_search(h).is_ok();
    if !hz.iter().any(on) {
        return false;
    }
    let applies = |q: u32, h: u32| applying[h as usize].binary_search(&q).is_ok();
    let covered = |h: u32, past: bool| {
        rl.iter()
            .map(|&l| l - n)
            .any(|q| applies(q, h) && (!past || facts[q as usize].before_window))
    };
    if !hz.iter().all(|&h| covered(h, false)) {
        return true;
    }
    let has = |m: Method| {
        rl.iter()
            .map(|&l| l - n)
            .any(|q| facts[q as usize].method == m && hz.iter().any(|&h| applies(q, h)))
    };
    let f = facts[r as usize];
    let first_of_method = match f.method {
        Method::Cleared => !has(Method::Cleared),
        Method::Reduced => !has(Method::Cleared) && !has(Method::Reduced),
        Method::Cancelled => false,
    };
    first_of_method || (f.before_window && hz.iter().filter(|h| on(h)).any(|&h| !covered(h, true)))
}

impl ComponentFaces {
    /// The faces of the component `members` (indices into `hazards`), whose applying
    /// releases (`HazardAccount::applied`) are `applied`, in member order.
    pub fn build(
        members: &[usize],
        hazards: &[Hazard],
        applied: &[Vec<AppliedRelease>],
        placing: &Placing,
    ) -> ComponentFaces {
        // the component's applying releases in the order land is credited
        let mut ranked: Vec<(u32, usize)> = applied
            .iter()
            .flat_map(|mine| mine.iter().map(|a| (a.order, a.release)))
            .collect();
        ranked.sort_unstable();
        ranked.dedup();
        let position = |order: u32| {
            label(
                ranked
                    .binary_search_by_key(&order, |&(o, _)| o)
                    .expect("listed above"),
            )
        };
        let mut facts = vec![None; ranked.len()];
        let mut applying = Vec::with_capacity(members.len());
        let mut applies_to: Vec<Vec<u32>> = vec![Vec::new(); ranked.len()];
        for (k, list) in applied.iter().enumerate() {
            let mut mine = Vec::new();
            for a in list {
                let r = position(a.order);
                facts[r as usize] = Some(ReleaseFacts {
                    year: a.completed_on.year(),
                    method: a.method,
                    before_window: a.before_window,
                });
                applies_to[r as usize].push(label(k));
                mine.push(r);
            }
            mine.sort_unstable();
            applying.push(mine);
        }
        let facts: Vec<ReleaseFacts> = facts
            .into_iter()
            .map(|f| f.expect("every listed release applies to some member"))
            .collect();
        let lands = ReleaseLands::of(members, hazards, applied, &position, ranked.len());
        let cuts = lands.cuts();
        let n = label(members.len());
        let labelled: Vec<(Cut, u32)> = cuts.iter().map(|&(r, c)| (c, n + r)).collect();
        let land: Vec<&MultiPolygon<f64>> = members.iter().map(|&h| &hazards[h].geometry).collect();
        let needs = |labels: &[u32], cut: u32| {
            cut_needed(labels, cut - n, n, (&facts, &applying, &applies_to))
        };
        let faces = placed(subdivide_where(&land, &labelled, &needs), n, placing);
        let members = members
            .iter()
            .map(|&h| {
                let hz = &hazards[h];
                (hz.status == Status::Cha, hz.recorded_on.map(|d| d.year()))
            })
            .collect();
        ComponentFaces {
            faces,
            releases: ranked.into_iter().map(|(_, r)| r).collect(),
            facts,
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
    pub fn timeline(&self, f: &LandFace, first_year: i32) -> (bool, Vec<FaceYear>) {
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
                    // (positions are in credit order)
                    if credit.is_none_or(|best| k < best) {
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
