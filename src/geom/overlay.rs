//! Boolean operations on lon/lat polygons, each followed by the sliver rule.
//!
//! Inputs must be oriented consistently (exteriors counter-clockwise, holes clockwise),
//! as [`normalize`] leaves them; every result is normalized the same way, with
//! parts and holes under 1e-12 deg² dropped (SPEC edge case "Slivers").
//!
//! Everything goes through [`overlay`]: i_overlay (the engine of `geo`'s `BooleanOps`,
//! with the same OGC output options), called directly so that one overlay graph yields
//! several results and a list of polygons acts as their union (non-zero fill rule: every
//! part is counter-clockwise, so overlapping parts add up instead of cancelling as they
//! would under even-odd).

use geo::{Coord, LineString, MultiPolygon, Polygon};
pub use i_overlay::core::overlay_rule::OverlayRule;

use super::ring::normalize;

/// The polygons' rings as i_overlay paths (implicitly closed).
fn paths(polygons: &[&MultiPolygon<f64>]) -> Vec<Vec<[f64; 2]>> {
    polygons
        .iter()
        .flat_map(|mp| mp.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| {
            ring.0[..ring.0.len().saturating_sub(1)]
                .iter()
                .map(|c| [c.x, c.y])
                .collect()
        })
        .collect()
}

/// i_overlay shapes (outer path counter-clockwise, then holes) as a MultiPolygon.
fn multi_polygon(shapes: Vec<Vec<Vec<[f64; 2]>>>) -> MultiPolygon<f64> {
    MultiPolygon::new(
        shapes
            .into_iter()
            .map(|shape| {
                let mut rings = shape.into_iter().map(|path| {
                    let mut ring: LineString<f64> =
                        path.into_iter().map(|[x, y]| Coord { x, y }).collect();
                    ring.close();
                    ring
                });
                let exterior = rings.next().unwrap_or_else(|| LineString::new(vec![]));
                Polygon::new(exterior, rings.collect())
            })
            .collect(),
    )
}

/// One overlay of `subject` (the union of its polygons) against `clip` (likewise), and
/// the result of each rule in `rules`, normalized: `Subject` = ∪subject, `Clip` = ∪clip,
/// `Union`, `Intersect`, `Difference` (subject − clip), `Xor`. Several results cost
/// little more than one: the overlay graph is built once.
pub fn overlay(
    subject: &[&MultiPolygon<f64>],
    clip: &[&MultiPolygon<f64>],
    rules: &[OverlayRule],
) -> Vec<MultiPolygon<f64>> {
    use i_overlay::core::extract::BooleanExtractionBuffer;
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::solver::Solver;
    use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
    type Reused = (FloatOverlay<[f64; 2], f64>, BooleanExtractionBuffer);
    thread_local! {
        // One overlay's buffers per thread, reused call after call (the inputs are
        // small and many: allocating them each time cost more than the overlay).
        static REUSED: std::cell::RefCell<Option<Reused>> = const { std::cell::RefCell::new(None) };
    }
    let (subject, clip) = (paths(subject), paths(clip));
    REUSED.with(|cell| {
        let mut cell = cell.borrow_mut();
        let (overlay, buffer) = match cell.as_mut() {
            Some(reused) => {
                reused.0.reinit_with_subj_and_clip(&subject, &clip);
                reused
            }
            None => cell.insert((
                FloatOverlay::with_subj_and_clip_custom(
                    &subject,
                    &clip,
                    OverlayOptions::ogc(),
                    Solver::default(),
                ),
                BooleanExtractionBuffer::default(),
            )),
        };
        let Some(graph) = overlay.build_graph_view(FillRule::NonZero) else {
            return rules.iter().map(|_| MultiPolygon::new(vec![])).collect();
        };
        rules
            .iter()
            .map(|&rule| normalize(multi_polygon(graph.extract_shapes(rule, buffer))))
            .collect()
    })
}

fn empty() -> MultiPolygon<f64> {
    MultiPolygon::new(vec![])
}

fn is_empty(parts: &[&MultiPolygon<f64>]) -> bool {
    parts.iter().all(|p| p.0.is_empty())
}

/// `a ∩ b`.
pub fn intersection(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    intersection_all(a, &[b])
}

/// `a − b`.
pub fn difference(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    difference_all(a, &[b])
}

/// `a − ∪parts` in one overlay.
pub fn difference_all(a: &MultiPolygon<f64>, parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    if a.0.is_empty() || is_empty(parts) {
        return a.clone();
    }
    overlay(&[a], parts, &[OverlayRule::Difference]).remove(0)
}

/// `a ∩ ∪parts` in one overlay.
pub fn intersection_all(a: &MultiPolygon<f64>, parts: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    if a.0.is_empty() || is_empty(parts) {
        return empty();
    }
    overlay(&[a], parts, &[OverlayRule::Intersect]).remove(0)
}

/// `(a − ∪parts, a ∩ ∪parts)` from one overlay graph.
pub fn split_by(
    a: &MultiPolygon<f64>,
    parts: &[&MultiPolygon<f64>],
) -> (MultiPolygon<f64>, MultiPolygon<f64>) {
    if a.0.is_empty() || is_empty(parts) {
        return (a.clone(), empty());
    }
    let mut out = overlay(
        &[a],
        parts,
        &[OverlayRule::Difference, OverlayRule::Intersect],
    );
    let inside = out.pop().expect("two results");
    (out.pop().expect("two results"), inside)
}

/// The union of all `parts` (empty when there are none), merged pairwise as a balanced
/// tree. One overlay of all of them at once would be fewer calls, but parts that share
/// edges (pieces of neighbouring records cut by the same release) make i_overlay's
/// snapping rounds explode when many are stacked: seconds where pairs take milliseconds.
pub fn union<'a>(parts: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> MultiPolygon<f64> {
    let mut level: Vec<MultiPolygon<f64>> = parts
        .into_iter()
        .filter(|p| !p.0.is_empty())
        .cloned()
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [a, b] => overlay(&[a, b], &[], &[OverlayRule::Subject]).remove(0),
                [a] => a.clone(),
                _ => unreachable!("chunks(2) yields one or two"),
            })
            .collect();
    }
    level.pop().unwrap_or_else(empty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::test_shapes::square;
    use geo::Area;

    #[test]
    fn split_by_gives_the_rest_and_the_part_inside() {
        let a = square(0., 0., 4., 1.);
        let (r1, r2) = (square(-1., -1., 1., 2.), square(0.5, 0., 2., 1.));
        let (out, inside) = split_by(&a, &[&r1, &r2]);
        assert!((out.unsigned_area() - 2.0).abs() < 1e-12);
        assert!((inside.unsigned_area() - 2.0).abs() < 1e-12);
        assert!(out.0[0].exterior().0.iter().all(|c| c.x >= 2.0 - 1e-12));
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
