//! Boolean operations on lon/lat polygons, each followed by the sliver rule.
//!
//! Inputs must be oriented consistently (exteriors counter-clockwise, holes clockwise),
//! as `qa::repair::normalize` leaves them; every result is normalized the same way, with
//! parts and holes under 1e-12 deg² dropped (SPEC edge case "Slivers").

use geo::{BooleanOps, MultiPolygon};

use crate::qa::repair::normalize;

/// `a ∩ b`.
pub fn intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    if a.0.is_empty() || b.0.is_empty() {
        return MultiPolygon::new(vec![]);
    }
    normalize(a.intersection(b))
}

/// `a − b`.
pub fn difference(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    if a.0.is_empty() || b.0.is_empty() {
        return a.clone();
    }
    normalize(a.difference(b))
}

/// The union of all `parts` (empty when there are none), merged pairwise as a balanced
/// tree: `geo::unary_union` over many parts that share edges can take seconds where
/// pairwise unions take milliseconds.
pub fn union<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let mut level: Vec<MultiPolygon<f64>> = parts
        .into_iter()
        .filter(|p| !p.0.is_empty())
        .cloned()
        .collect();
    if level.len() <= 1 {
        return level.pop().unwrap_or_else(|| MultiPolygon::new(vec![]));
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => normalize(a.union(b)),
                [a] => a.clone(),
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level.pop().expect("one polygon left")
}
