//! R8–R9: nearest settlement, people and accidents near each remaining hazard, and the
//! transparent priority score and rank.
//!
//! Candidates come from R-trees of settlement and accident points queried with a box that
//! surely holds everything within the search distance (see `distance::margin_deg`); only
//! those candidates are measured exactly. When no settlement lies within the radius, the
//! nearest one is found by a best-first walk of a tree of earth-centred settlement
//! points, bounded by chords (never longer than geodesics): its cost does not grow with
//! the distance to the nearest settlement (see `nearest`). Hazards with
//! less than 1 m² remaining are fully released: all R8–R9 values stay `None`.

use chrono::{Datelike, NaiveDate};
use geo::Point;
use rayon::prelude::*;
use rstar::RTree;

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::release::HazardAccount;
use crate::config::{Parameters, Weights};
use crate::geom::distance::{
    margin_deg, metres_per_degree, planar, planar_to_rect_m, planar_tolerance, Planar,
};
use crate::index::{chord_m, ecef, ecef_tree, envelope, point_tree, IndexedEcef, IndexedPoint};
use crate::model::{Accident, Hazard, HazardType, Settlement, Status};

use super::MIN_REMAINING_M2;

/// R8–R9 values of one hazard that still has land to clear.
#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    /// Index of the nearest settlement (`None` when there are no settlements).
    pub nearest: Option<usize>,
    /// Distance to it in metres (`None` when there are no settlements).
    pub distance_m: Option<f64>,
    /// Indices of the settlements within the radius, sorted.
    pub within: Vec<usize>,
    /// Number of settlements within the radius.
    pub settlements_within: u64,
    /// Their summed population.
    pub population_within: u64,
    /// Accidents in the window within the radius.
    pub accidents_within: u64,
    /// `exp(-distance_m / 2000)` (0 without settlements).
    pub f_proximity: f64,
    /// `ln(1 + population_within) / ln(1 + max population_within)`.
    pub f_people: f64,
    /// `min(1, accidents_within / 3)`.
    pub f_accidents: f64,
    /// 1 for CHA, 0.6 for SHA.
    pub f_status: f64,
    /// By hazard type (unknown 0.8).
    pub f_type: f64,
    /// 0–100, rounded to 2 decimals.
    pub score: f64,
    /// 1 = clear first.
    pub rank: u64,
}

/// The start (exclusive) of the accident window: D minus `years` calendar years, with
/// 29 February mapped to 28 February.
pub fn accident_window_start(as_of: NaiveDate, years: u32) -> NaiveDate {
    let year = as_of.year() - years as i32;
    as_of
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 2, 28))
        .expect("28 February exists in every year")
}

/// The hazard-type factor of R9.
pub fn type_factor(t: Option<HazardType>) -> f64 {
    match t {
        Some(HazardType::Ap) => 1.0,
        Some(HazardType::Ied | HazardType::Cmr | HazardType::Mixed) => 0.9,
        Some(HazardType::Erw) => 0.7,
        Some(HazardType::At) => 0.6,
        None => 0.8,
    }
}

/// The status factor of R9.
pub fn status_factor(s: Status) -> f64 {
    match s {
        Status::Cha => 1.0,
        Status::Sha => 0.6,
    }
}

/// Rounds to 2 decimals (half away from zero).
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Computes R8–R9 for every hazard (same order); `None` for fully released hazards.
pub fn prioritise(
    hazards: &[Hazard],
    accounts: &[HazardAccount],
    settlements: &[Settlement],
    accidents: &[Accident],
    params: &Parameters,
    as_of: NaiveDate,
) -> Vec<Option<Priority>> {
    let window_start = accident_window_start(as_of, params.accident_years);
    let recent: Vec<&Accident> = accidents
        .iter()
        .filter(|a| {
            a.occurred_on
                .is_some_and(|d| d > window_start && d <= as_of)
        })
        .collect();
    let settlement_tree = point_tree(settlements.iter().map(|s| s.location));
    let settlement_chords = ecef_tree(settlements.iter().map(|s| s.location));
    let accident_tree = point_tree(recent.iter().map(|a| a.location));
    let mut out: Vec<Option<Priority>> = hazards
        .par_iter()
        .zip(accounts)
        .map(|(h, acc)| {
            if acc.remaining_m2 < MIN_REMAINING_M2 {
                return None;
            }
            let rem = &acc.remaining;
            let near = within(&settlement_tree, rem, params.radius_m, |i| {
                settlements[i].location
            });
            let (nearest, distance_m) = match nearest(&settlement_chords, rem, &near, settlements) {
                Some((i, d)) => (Some(i), Some(d)),
                None => (None, None),
            };
            let accidents_within =
                within(&accident_tree, rem, params.radius_m, |i| recent[i].location).len() as u64;
            let within: Vec<usize> = near.iter().map(|(i, _)| *i).collect();
            Some(Priority {
                nearest,
                distance_m,
                settlements_within: within.len() as u64,
                population_within: within.iter().map(|&i| settlements[i].population).sum(),
                within,
                accidents_within,
                f_proximity: distance_m.map_or(0.0, |d| (-d / 2000.0).exp()),
                f_people: 0.0,
                f_accidents: (accidents_within as f64 / 3.0).min(1.0),
                f_status: status_factor(h.status),
                f_type: type_factor(h.hazard_type),
                score: 0.0,
                rank: 0,
            })
        })
        .collect();
    score_and_rank(hazards, &mut out, &params.weights);
    out
}

/// Fills `f_people`, `score` and `rank` once every hazard's counts are known.
pub fn score_and_rank(hazards: &[Hazard], rows: &mut [Option<Priority>], w: &Weights) {
    let max_pop = rows
        .iter()
        .flatten()
        .map(|p| p.population_within)
        .max()
        .unwrap_or(0);
    let w_sum = w.proximity + w.people + w.accidents + w.status + w.hazard_type;
    for p in rows.iter_mut().flatten() {
        p.f_people = if max_pop == 0 {
            0.0
        } else {
            (1.0 + p.population_within as f64).ln() / (1.0 + max_pop as f64).ln()
        };
        let weighted = w.proximity * p.f_proximity
            + w.people * p.f_people
            + w.accidents * p.f_accidents
            + w.status * p.f_status
            + w.hazard_type * p.f_type;
        p.score = round2(100.0 * weighted / w_sum);
    }
    let mut order: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].is_some()).collect();
    let score = |i: usize| rows[i].as_ref().map_or(0.0, |p| p.score);
    order.sort_by(|&a, &b| {
        score(b)
            .total_cmp(&score(a))
            .then_with(|| hazards[a].hazard_id.cmp(&hazards[b].hazard_id))
            .then(a.cmp(&b))
    });
    for (rank, i) in order.into_iter().enumerate() {
        if let Some(p) = rows[i].as_mut() {
            p.rank = rank as u64 + 1;
        }
    }
}

/// Points within `radius_m` of `rem`, with their local-plane views, sorted by index.
/// The geodesic distance is computed only where the planar one is too close to the
/// radius to decide (see `distance::planar_tolerance`).
fn within(
    tree: &RTree<IndexedPoint>,
    rem: &geo::MultiPolygon<f64>,
    radius_m: f64,
    location: impl Fn(usize) -> Point<f64>,
) -> Vec<(usize, Planar)> {
    let Some(b) = crate::index::bbox(rem) else {
        return vec![];
    };
    let mut out: Vec<(usize, Planar)> = candidates(tree, &b, radius_m)
        .into_iter()
        .filter_map(|i| {
            let p = location(i);
            let tol = planar_tolerance(radius_m, p.y());
            // Beyond the radius already from the box: surely outside.
            if planar_to_rect_m(p, &b) > radius_m * (1.0 + tol) {
                return None;
            }
            let view = planar(p, rem);
            let inside = if view.metres <= radius_m * (1.0 - tol) {
                true
            } else if view.metres > radius_m * (1.0 + tol) {
                false
            } else {
                view.geodesic_m(p) <= radius_m
            };
            inside.then_some((i, view))
        })
        .collect();
    out.sort_by_key(|(i, _)| *i);
    out
}

/// The points in a box that surely holds everything within `distance_m` of the box `b`.
fn candidates(tree: &RTree<IndexedPoint>, b: &geo::Rect<f64>, distance_m: f64) -> Vec<usize> {
    let max_abs_lat = b.min().y.abs().max(b.max().y.abs());
    let (mx, my) = margin_deg(distance_m, max_abs_lat);
    tree.locate_in_envelope(&envelope(b, mx, my))
        .map(|p| p.data)
        .collect()
}

/// Per edge of a polygon's boundary: its lon/lat midpoint in earth-centred coordinates
/// and a bound (metres) of the chord from there to any point of the edge; and the same
/// for the whole boundary around its box's centre. With them, a chord from a settlement
/// minus the bound is a lower bound of the geodesic distance from that settlement to any
/// point of the boundary (a chord is never longer than the geodesic, see [`ecef`]).
struct BoundaryBounds {
    centre: [f64; 3],
    reach_m: f64,
    edges: Vec<([f64; 3], f64)>,
}

impl BoundaryBounds {
    fn of(mp: &geo::MultiPolygon<f64>, b: &geo::Rect<f64>) -> BoundaryBounds {
        let c = b.center();
        let centre = ecef(c.x, c.y);
        let edges: Vec<([f64; 3], f64)> =
            mp.0.iter()
                .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
                .flat_map(|ring| ring.lines())
                .map(|seg| {
                    let (a, e) = (seg.start, seg.end);
                    let mid = ecef((a.x + e.x) / 2.0, (a.y + e.y) / 2.0);
                    (mid, half_extent_m(a, e))
                })
                .collect();
        let reach_m = edges
            .iter()
            .map(|(mid, h)| chord_m(centre, *mid) + h)
            .fold(0.0, f64::max);
        BoundaryBounds {
            centre,
            reach_m,
            edges,
        }
    }

    /// A lower bound of the geodesic distance from `p` (earth-centred) to every point
    /// of the boundary; 0 for a boundary without edges.
    fn lower_bound_m(&self, p: [f64; 3]) -> f64 {
        if self.edges.is_empty() {
            return 0.0;
        }
        self.edges
            .iter()
            .map(|(mid, h)| chord_m(p, *mid) - h)
            .fold(f64::INFINITY, f64::min)
            - SLACK_M
    }
}

/// Rounding allowance (metres) of the chord bounds: far below what a distance is
/// written with, far above the rounding of earth-centred coordinates.
const SLACK_M: f64 = 1e-3;

/// An upper bound of the chord (and of the geodesic) from the lon/lat midpoint of the
/// straight lon/lat edge `a`–`b` to any point of it: along the meridian to the point's
/// latitude, then along its parallel, each at the largest scale the edge reaches.
fn half_extent_m(a: geo::Coord<f64>, b: geo::Coord<f64>) -> f64 {
    let max_abs_lat = a.y.abs().max(b.y.abs()).min(90.0);
    let min_abs_lat = if a.y * b.y <= 0.0 {
        0.0
    } else {
        a.y.abs().min(b.y.abs())
    };
    // metres per degree: of latitude grows, of longitude shrinks towards the poles
    let (_, ky) = metres_per_degree(max_abs_lat);
    let (kx, _) = metres_per_degree(min_abs_lat);
    let h = (b.y - a.y).abs() / 2.0 * ky + (b.x - a.x).abs() / 2.0 * kx;
    h * (1.0 + 1e-9) + SLACK_M
}

/// `(index, distance)` pairs by distance, ties by `settlement_id`, then by index.
fn by_distance(a: (usize, f64), b: (usize, f64), settlements: &[Settlement]) -> Ordering {
    a.1.total_cmp(&b.1)
        .then_with(|| {
            settlements[a.0]
                .settlement_id
                .cmp(&settlements[b.0].settlement_id)
        })
        .then(a.0.cmp(&b.0))
}

/// The nearest settlement (ties: lowest `settlement_id`) and its geodesic distance.
///
/// With settlements within the radius (`near`), candidates are compared by planar
/// distance; the geodesic distance is computed for those within the planar tolerance of
/// the best. Otherwise the settlements are visited in order of a lower bound of their
/// geodesic distance to the boundary of `rem` (chords, [`BoundaryBounds`]; a best-first
/// walk of the earth-centred tree), measuring each ([`Planar::geodesic_m`]) until the
/// next bound exceeds the best distance measured: the work depends on how many
/// settlements lie about as far as the nearest one, not on how far that is.
fn nearest(
    tree: &RTree<IndexedEcef>,
    rem: &geo::MultiPolygon<f64>,
    near: &[(usize, Planar)],
    settlements: &[Settlement],
) -> Option<(usize, f64)> {
    if !near.is_empty() {
        let best = near
            .iter()
            .map(|(_, v)| v.metres)
            .fold(f64::INFINITY, f64::min);
        return near
            .iter()
            .filter(|(i, v)| {
                let tol = planar_tolerance(v.metres.max(1.0), settlements[*i].location.y());
                v.metres <= best * (1.0 + 2.0 * tol) + 1.0
            })
            .map(|(i, v)| (*i, v.geodesic_m(settlements[*i].location)))
            .min_by(|&a, &b| by_distance(a, b, settlements));
    }
    // (`rem` has area here: fully released hazards get no priority at all.)
    let b = crate::index::bbox(rem)?;
    let bounds = BoundaryBounds::of(rem, &b);
    let measure = |i: usize| {
        let p = settlements[i].location;
        (i, planar(p, rem).geodesic_m(p))
    };
    // Settlements come out of the tree by chord to the box's centre; each gets its own
    // (tighter) bound, and is measured once no other can have a smaller one.
    let mut by_centre = tree
        .nearest_neighbor_iter_with_distance_2(&bounds.centre)
        .peekable();
    let mut pending: BinaryHeap<Reverse<(OrdF64, usize)>> = BinaryHeap::new();
    let mut best: Option<(usize, f64)> = None;
    loop {
        let next_centre = by_centre
            .peek()
            .map(|(_, d2)| d2.sqrt() - bounds.reach_m - SLACK_M);
        let next_pending = pending.peek().map(|Reverse((OrdF64(lb), _))| *lb);
        let from_pending = match (next_pending, next_centre) {
            (Some(p), Some(c)) => p <= c,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return best,
        };
        let bound = if from_pending {
            next_pending
        } else {
            next_centre
        };
        if let (Some(bound), Some((_, d))) = (bound, best) {
            if bound > d {
                return best;
            }
        }
        if from_pending {
            let Some(Reverse((_, i))) = pending.pop() else {
                return best;
            };
            let m = measure(i);
            if best.is_none_or(|b| by_distance(m, b, settlements).is_lt()) {
                best = Some(m);
            }
        } else if let Some((p, _)) = by_centre.next() {
            pending.push(Reverse((OrdF64(bounds.lower_bound_m(*p.geom())), p.data)));
        }
    }
}

/// An `f64` ordered by `total_cmp`, for the heap of pending candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF64(f64);

impl Eq for OrdF64 {}

impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accident_window_maps_29_february() {
        let d = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert_eq!(
            accident_window_start(d, 5),
            NaiveDate::from_ymd_opt(2023, 2, 28).unwrap()
        );
        let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        assert_eq!(
            accident_window_start(d, 5),
            NaiveDate::from_ymd_opt(2021, 6, 30).unwrap()
        );
    }

    /// A star-shaped polygon of `n` vertices around (`cx`, `cy`), radius up to `r` degrees.
    fn star(rng: &mut impl rand::Rng, cx: f64, cy: f64, r: f64) -> geo::MultiPolygon<f64> {
        let n = rng.gen_range(5..40);
        let pts = crate::geom::test_shapes::star_points(rng, (cx, cy), r, n, 0.3);
        geo::MultiPolygon::new(vec![geo::Polygon::new(geo::LineString::from(pts), vec![])])
    }

    fn settlement(k: usize, location: Point<f64>) -> Settlement {
        Settlement {
            settlement_id: format!("ST-{:04}", (k * 7919) % 10_000),
            name: String::new(),
            population: 100,
            location,
        }
    }

    #[test]
    fn nearest_far_settlement_matches_brute_force() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        for case in 0..60 {
            // sparse settlements (some duplicated), hazards near and far from them
            let mut settlements: Vec<Settlement> = (0..rng.gen_range(1..400))
                .map(|k| {
                    let p = Point::new(rng.gen_range(60.0..80.0), rng.gen_range(25.0..55.0));
                    settlement(k, p)
                })
                .collect();
            for k in 0..settlements.len() / 10 {
                let mut copy = settlements[k * 3 % settlements.len()].clone();
                copy.settlement_id = format!("ST-D{k:03}");
                settlements.push(copy);
            }
            let tree = ecef_tree(settlements.iter().map(|s| s.location));
            for _ in 0..20 {
                let (cx, cy) = if case % 3 == 0 {
                    (rng.gen_range(40.0..100.0), rng.gen_range(-10.0..75.0))
                } else {
                    (rng.gen_range(60.0..80.0), rng.gen_range(25.0..55.0))
                };
                let r = rng.gen_range(0.001..0.05);
                let rem = star(&mut rng, cx, cy, r);
                let got = nearest(&tree, &rem, &[], &settlements);
                let want = (0..settlements.len())
                    .map(|i| {
                        let p = settlements[i].location;
                        (i, planar(p, &rem).geodesic_m(p))
                    })
                    .min_by(|&a, &b| by_distance(a, b, &settlements));
                assert_eq!(got, want, "case {case} at ({cx}, {cy})");
            }
        }
    }

    #[test]
    fn nearest_without_settlements_is_none() {
        let tree = ecef_tree(std::iter::empty());
        let rem = geo::MultiPolygon::new(vec![
            geo::Rect::new((69.0, 38.0), (69.01, 38.01)).to_polygon()
        ]);
        assert_eq!(nearest(&tree, &rem, &[], &[]), None);
    }

    #[test]
    fn round2_is_half_away_from_zero() {
        assert_eq!(round2(12.345_000_1), 12.35);
        assert_eq!(round2(0.004), 0.0);
        assert_eq!(round2(99.999), 100.0);
    }
}
