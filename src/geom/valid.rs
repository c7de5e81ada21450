//! Polygon validity (the OGC rules R1 checks), by a sweep instead of geo's pairwise test.
//!
//! [`polygon_problems`] lists, in words, what makes a polygon (already free of repeated
//! vertices and spikes, see [`super::ring`]) invalid: rings that cross or touch, holes
//! outside the exterior, islands in holes. [`parts_may_overlap`] says when the parts of a
//! MultiPolygon need merging.

use geo::{LineString, MultiPolygon, Polygon};

/// True when two parts of a MultiPolygon have overlapping bounding boxes (then they are
/// merged; disjoint boxes cannot overlap).
pub fn parts_may_overlap(mp: &MultiPolygon<f64>) -> bool {
    use geo::BoundingRect;
    let boxes: Vec<geo::Rect<f64>> = mp.0.iter().filter_map(|p| p.bounding_rect()).collect();
    boxes.iter().enumerate().any(|(i, a)| {
        boxes[i + 1..].iter().any(|b| {
            a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
        })
    })
}

/// A ring segment, for the sweep.
#[derive(Clone)]
struct Segment {
    line: geo::Line<f64>,
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl geo::sweep::Cross for Segment {
    type Scalar = f64;
    fn line(&self) -> geo::Line<f64> {
        self.line
    }
}

/// What makes a polygon (already free of repeated vertices and spikes) invalid: segments
/// that cross or touch other than at their shared vertex, or a hole whose first vertex
/// lies outside the exterior. Uses a sweep over segment x-intervals, O(n log n) for
/// realistic rings (geo's own validity check compares every pair of segments, which a
/// polygon with a million vertices cannot afford).
pub fn polygon_problems(p: &Polygon<f64>) -> Vec<String> {
    let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    let name = |r: usize| {
        if r == 0 {
            "exterior ring".to_string()
        } else {
            format!("interior ring {r}")
        }
    };
    let segments = rings.iter().enumerate().flat_map(|(r, ring)| {
        let n = ring.0.len().saturating_sub(1);
        ring.lines().enumerate().map(move |(i, line)| Segment {
            line,
            ring: r,
            index: i,
            ring_len: n,
        })
    });
    let mut problems = std::collections::BTreeSet::new();
    for (a, b, _) in geo::sweep::Intersections::from_iter(segments) {
        let adjacent = a.ring == b.ring && {
            let d = a.index.abs_diff(b.index);
            d == 1 || d + 1 == a.ring_len
        };
        if adjacent {
            continue;
        }
        problems.insert(if a.ring == b.ring {
            format!("{} has a self-intersection", name(a.ring))
        } else {
            format!(
                "{} and {} intersect",
                name(a.ring.min(b.ring)),
                name(a.ring.max(b.ring))
            )
        });
    }
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    for (r, hole) in p.interiors().iter().enumerate() {
        if hole
            .0
            .first()
            .is_some_and(|c| !geo::Intersects::intersects(&shell, c))
        {
            problems.insert(format!(
                "{} is not contained within the polygon's exterior",
                name(r + 1)
            ));
        }
    }
    for (inner, outer) in nested_holes(p.interiors()) {
        problems.insert(format!(
            "{} lies inside {} (an island in a hole)",
            name(inner + 1),
            name(outer + 1)
        ));
    }
    problems.into_iter().collect()
}

/// Pairs `(inner, outer)` of hole indexes where hole `inner` lies inside hole `outer`
/// (tested on `inner`'s first vertex; the rings do not cross, or the sweep has said so).
/// Candidates come from an R-tree of the holes' bounding boxes.
fn nested_holes(holes: &[LineString<f64>]) -> Vec<(usize, usize)> {
    use geo::coordinate_position::{coord_pos_relative_to_ring, CoordPos};
    use geo::BoundingRect;
    use rstar::{primitives::GeomWithData, RTree, AABB};
    if holes.len() < 2 {
        return Vec::new();
    }
    let boxes: Vec<GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>> = holes
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let r = h.bounding_rect()?;
            let aabb = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            Some(GeomWithData::new(aabb.into(), i))
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut out = Vec::new();
    for (inner, hole) in holes.iter().enumerate() {
        let Some(c) = hole.0.first() else { continue };
        for candidate in tree.locate_all_at_point(&[c.x, c.y]) {
            let outer = candidate.data;
            if outer != inner && coord_pos_relative_to_ring(*c, &holes[outer]) != CoordPos::Outside
            {
                out.push((inner, outer));
            }
        }
    }
    out
}
