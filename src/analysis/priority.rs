//! R8–R9: nearest settlement, people and accidents near each remaining hazard, and the
//! transparent priority score and rank.
//!
//! Candidates come from R-trees of settlement and accident points queried with a box that
//! surely holds everything within the search distance (see `distance::margin_deg`); only
//! those candidates are measured exactly. The nearest settlement is found by widening the
//! search (×4) until the best candidate lies within the searched distance. Hazards with
//! less than 1 m² remaining are fully released: all R8–R9 values stay `None`.

use chrono::{Datelike, NaiveDate};
use geo::Point;
use rayon::prelude::*;
use rstar::RTree;

use super::release::HazardAccount;
use crate::config::{Parameters, Weights};
use crate::geom::distance::{margin_deg, planar, planar_to_rect_m, planar_tolerance, Planar};
use crate::index::{envelope, point_tree, IndexedPoint};
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
            let (nearest, distance_m) =
                match nearest(&settlement_tree, rem, params.radius_m, &near, settlements) {
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

/// The local-plane views of the settlements `ids` that can still be the nearest: in
/// order of their distance to the box of `rem` (a lower bound of the planar distance),
/// stopping once that bound exceeds what [`nearest`]'s exact comparison would keep of
/// the best seen so far (tolerances grow with distance, so `search_m` bounds them).
fn nearest_views(
    ids: Vec<usize>,
    rem: &geo::MultiPolygon<f64>,
    b: &geo::Rect<f64>,
    search_m: f64,
    settlements: &[Settlement],
) -> Vec<(usize, Planar)> {
    let mut by_bound: Vec<(f64, usize)> = ids
        .into_iter()
        .map(|i| (planar_to_rect_m(settlements[i].location, b), i))
        .collect();
    by_bound.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // The largest tolerance of any candidate (it grows with latitude), so that the
    // cut-off is never stricter than the comparison it stands in for.
    let tol = by_bound
        .iter()
        .map(|&(_, i)| planar_tolerance(4.0 * search_m, settlements[i].location.y()))
        .fold(0.0, f64::max);
    let mut best = f64::INFINITY;
    let mut views = Vec::new();
    for (bound, i) in by_bound {
        if bound > best * (1.0 + 2.0 * tol) + 1.0 {
            break;
        }
        let view = planar(settlements[i].location, rem);
        best = best.min(view.metres);
        views.push((i, view));
    }
    views
}

/// The nearest settlement (ties: lowest `settlement_id`) and its geodesic distance.
/// Candidates are compared by planar distance; the geodesic distance is computed for
/// those within the planar tolerance of the best.
fn nearest(
    tree: &RTree<IndexedPoint>,
    rem: &geo::MultiPolygon<f64>,
    radius_m: f64,
    near: &[(usize, Planar)],
    settlements: &[Settlement],
) -> Option<(usize, f64)> {
    let exact_best = |views: Vec<(usize, Planar)>| -> Option<(usize, f64)> {
        let best = views
            .iter()
            .map(|(_, v)| v.metres)
            .fold(f64::INFINITY, f64::min);
        views
            .iter()
            .filter(|(i, v)| {
                let tol = planar_tolerance(v.metres.max(1.0), settlements[*i].location.y());
                v.metres <= best * (1.0 + 2.0 * tol) + 1.0
            })
            .map(|(i, v)| (*i, v.geodesic_m(settlements[*i].location)))
            .min_by(|a, b| {
                a.1.total_cmp(&b.1)
                    .then_with(|| {
                        settlements[a.0]
                            .settlement_id
                            .cmp(&settlements[b.0].settlement_id)
                    })
                    .then(a.0.cmp(&b.0))
            })
    };
    if !near.is_empty() {
        return exact_best(near.to_vec());
    }
    // (`rem` has area here: fully released hazards get no priority at all.)
    let b = crate::index::bbox(rem)?;
    let mut search_m = radius_m.max(1000.0) * 4.0;
    loop {
        let ids: Vec<usize> = if search_m > 4.0e7 {
            (0..settlements.len()).collect()
        } else {
            candidates(tree, &b, search_m)
        };
        let best = exact_best(nearest_views(ids, rem, &b, search_m, settlements));
        match best {
            Some(b) if b.1 <= search_m || search_m > 4.0e7 => return Some(b),
            None if search_m > 4.0e7 => return None,
            _ => search_m *= 4.0,
        }
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

    #[test]
    fn round2_is_half_away_from_zero() {
        assert_eq!(round2(12.345_000_1), 12.35);
        assert_eq!(round2(0.004), 0.0);
        assert_eq!(round2(99.999), 100.0);
    }
}
