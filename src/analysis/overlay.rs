//! Boolean operations on lon/lat polygons, each followed by the sliver rule.
//!
//! Inputs must be oriented consistently (exteriors counter-clockwise, holes clockwise),
//! as `qa::repair::normalize` leaves them; every result is normalized the same way, with
//! parts and holes under 1e-12 deg² dropped (SPEC edge case "Slivers").

use geo::bool_ops::FillRule;
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

/// All polygons of `parts` as one MultiPolygon whose overlaps are filled by the non-zero
/// rule (every part is counter-clockwise, so overlapping parts add up instead of
/// cancelling as they would under even-odd).
fn stacked(parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    MultiPolygon::new(parts.iter().flat_map(|p| p.0.iter().cloned()).collect())
}

/// `a − ∪parts` in one overlay (the union is implied by the non-zero fill rule).
pub fn difference_all(a: &MultiPolygon<f64>, parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    if a.0.is_empty() || parts.iter().all(|p| p.0.is_empty()) {
        return a.clone();
    }
    normalize(a.difference_with_fill_rule(&stacked(parts), FillRule::NonZero))
}

/// `a ∩ ∪parts` in one overlay (the union is implied by the non-zero fill rule).
pub fn intersection_all(a: &MultiPolygon<f64>, parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    if a.0.is_empty() || parts.iter().all(|p| p.0.is_empty()) {
        return MultiPolygon::new(vec![]);
    }
    normalize(a.intersection_with_fill_rule(&stacked(parts), FillRule::NonZero))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, Rect};

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        normalize(MultiPolygon::new(vec![
            Rect::new((x0, y0), (x1, y1)).to_polygon()
        ]))
    }

    #[test]
    fn stacked_overlapping_parts_act_as_their_union() {
        // Two overlapping parts: under even-odd their overlap would cancel.
        let a = square(0., 0., 4., 1.);
        let r1 = square(0., 0., 2., 1.);
        let r2 = square(1., 0., 3., 1.);
        assert!((difference_all(&a, &[&r1, &r2]).unsigned_area() - 1.0).abs() < 1e-12);
        assert!((intersection_all(&a, &[&r1, &r2]).unsigned_area() - 3.0).abs() < 1e-12);
        let u = union([&r1, &r2]);
        assert!((difference(&a, &u).unsigned_area() - 1.0).abs() < 1e-12);
    }
}
