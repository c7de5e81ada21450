//! Which side of a polygon a face lies on, decided from the rings alone, without an
//! overlay: wholly inside, wholly outside, or "the overlay must say" ([`rings_decide`]).
//!
//! Faces and the pieces the overlays leave share edges and corners with the polygons that
//! made them; a face next to a cut is the commonest case the arrangement and the release
//! stage meet, and an overlay for it only says what the rings already show.

use geo::{BoundingRect, Coord, Intersects, MultiPolygon, Polygon, Rect};

use super::disk::locate;
use super::planar::closest_on_segment;

/// Every edge (start, end) of every ring of `polygons`.
fn edges<'a>(
    polygons: impl Iterator<Item = &'a Polygon<f64>> + 'a,
) -> impl Iterator<Item = (Coord<f64>, Coord<f64>)> + 'a {
    polygons
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.windows(2).map(|w| (w[0], w[1])))
}

/// Whether the segments `a`–`b` and `c`–`d` cross properly: each one's ends lie on
/// opposite sides of the other's line, every end farther than [`CLEAR_DEG`] from it (a
/// touch or a near-touch is not a proper crossing: see [`rings_decide`]).
fn cross_properly((a, b): (Coord<f64>, Coord<f64>), (c, d): (Coord<f64>, Coord<f64>)) -> bool {
    if a.x.max(b.x) < c.x.min(d.x)
        || c.x.max(d.x) < a.x.min(b.x)
        || a.y.max(b.y) < c.y.min(d.y)
        || c.y.max(d.y) < a.y.min(b.y)
    {
        return false;
    }
    // signed distance of `r` from the line through `p` and `q`
    let side = |p: Coord<f64>, q: Coord<f64>, r: Coord<f64>| {
        let (dx, dy) = (q.x - p.x, q.y - p.y);
        (dx * (r.y - p.y) - dy * (r.x - p.x)) / dx.hypot(dy)
    };
    let opposite =
        |s: f64, t: f64| s.abs() > CLEAR_DEG && t.abs() > CLEAR_DEG && (s > 0.0) != (t > 0.0);
    opposite(side(a, b, c), side(a, b, d)) && opposite(side(c, d, a), side(c, d, b))
}

/// Whether some stretch of `near`'s boundary runs inside the face: split at every
/// contact with the face's boundary (its ends, and each face vertex within
/// [`CLEAR_DEG`] of it), an edge of `near` that no face edge crosses properly lies, stretch
/// by stretch, inside the face, outside it or along its boundary, as the stretch's
/// midpoint does.
fn runs_inside(face: &Polygon<f64>, near_edges: &[(Coord<f64>, Coord<f64>)]) -> bool {
    let face_parts = std::slice::from_ref(face);
    let clear2 = CLEAR_DEG * CLEAR_DEG;
    near_edges.iter().any(|&(a, b)| {
        let mut at: Vec<f64> = vec![0.0, 1.0];
        at.extend(
            edges(std::iter::once(face))
                .map(|(v, _)| closest_on_segment(v, a, b))
                .filter(|&(_, d2)| d2 <= clear2)
                .map(|(t, _)| t),
        );
        at.sort_by(f64::total_cmp);
        at.windows(2).any(|w| {
            let t = 0.5 * (w[0] + w[1]);
            let mid = Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            };
            let (inside, clearance) = locate(mid, face_parts);
            inside && clearance >= CLEAR_DEG
        })
    })
}

/// Whether `near` covers the face (`Some(true)`) or misses it (`Some(false)`), decided
/// from the rings alone, or `None` for the overlay to decide. When no edge of `near`
/// crosses a face edge properly (`cross_properly`), no vertex of `near` lies inside the
/// face farther than [`CLEAR_DEG`] from its boundary, and no stretch of `near`'s boundary
/// runs inside the face (`runs_inside`), `near`'s boundary does not enter the face (but
/// within [`CLEAR_DEG`]): the face lies wholly inside or wholly outside `near`, as each of
/// its vertices (or edge midpoints) clear of `near`'s boundary does. Shared edges and
/// touching corners, the common case between a face and the cut that made its neighbour,
/// are decided so too.
pub fn rings_decide(face: &Polygon<f64>, near: &MultiPolygon<f64>) -> Option<bool> {
    let fb = face.bounding_rect()?;
    let reach = Rect::new(
        (fb.min().x - CLEAR_DEG, fb.min().y - CLEAR_DEG),
        (fb.max().x + CLEAR_DEG, fb.max().y + CLEAR_DEG),
    );
    let near_edges: Vec<(Coord<f64>, Coord<f64>)> = edges(near.0.iter())
        .filter(|&(a, b)| reach.intersects(&Rect::new(a, b)))
        .collect();
    for e in edges(std::iter::once(face)) {
        if near_edges.iter().any(|&f| cross_properly(e, f)) {
            return None;
        }
    }
    let face_parts = std::slice::from_ref(face);
    for &(c, _) in &near_edges {
        let (inside, clearance) = locate(c, face_parts);
        if inside && clearance >= CLEAR_DEG {
            return None;
        }
    }
    if runs_inside(face, &near_edges) {
        return None;
    }
    // every vertex clear of `near`'s boundary must agree; edge midpoints when none is
    let vertices = edges(std::iter::once(face)).map(|(a, _)| a);
    let midpoints = edges(std::iter::once(face)).map(|(a, b)| Coord {
        x: 0.5 * (a.x + b.x),
        y: 0.5 * (a.y + b.y),
    });
    let mut verdict = None;
    for c in vertices.chain(midpoints) {
        let (inside, clearance) = locate(c, &near.0);
        if clearance < CLEAR_DEG {
            continue;
        }
        if verdict.is_some_and(|v| v != inside) {
            return None;
        }
        verdict = Some(inside);
    }
    verdict
}

/// How far (degrees) a vertex must lie from the other polygon's boundary for
/// [`rings_decide`] to trust its side: ten times i_overlay's rounding on a box of 0.1°.
pub const CLEAR_DEG: f64 = 1e-9;

/// Whether `g` covers every part of `mp` (`Some(true)`) or misses them all
/// (`Some(false)`), as the rings show ([`rings_decide`]); `None` for the overlay to say.
pub fn covers_or_misses(mp: &MultiPolygon<f64>, g: &MultiPolygon<f64>) -> Option<bool> {
    let mut verdict = None;
    for part in &mp.0 {
        let side = rings_decide(part, g)?;
        if verdict.is_some_and(|v| v != side) {
            return None;
        }
        verdict = Some(side);
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::ring::normalize;
    use crate::geom::test_shapes::square;
    use geo::LineString;

    #[test]
    fn rings_decide_leaves_every_cut_entering_the_face_to_the_overlay() {
        let face = &square(0., 0., 1., 1.).0[0];
        let poly = |pts: Vec<(f64, f64)>| {
            normalize(MultiPolygon::new(vec![Polygon::new(
                LineString::from(pts),
                vec![],
            )]))
        };
        assert_eq!(rings_decide(face, &square(-1., -1., 2., 2.)), Some(true));
        assert_eq!(rings_decide(face, &square(3., 3., 4., 4.)), Some(false));
        // sharing a corner, sharing an edge, covering it exactly and along two edges
        assert_eq!(rings_decide(face, &square(1., 1., 2., 2.)), Some(false));
        assert_eq!(rings_decide(face, &square(0., 1., 1., 2.)), Some(false));
        assert_eq!(rings_decide(face, &square(0., 0., 2., 1.)), Some(true));
        assert_eq!(rings_decide(face, &square(0., 0., 1., 3.)), Some(true));
        // touching but for rounding (1e-13°)
        assert_eq!(
            rings_decide(face, &square(1.0 + 1e-13, 0.5, 2., 2.)),
            Some(false)
        );
        assert_eq!(
            rings_decide(face, &square(-1., -1., 1.0 + 1e-13, 2.)),
            Some(true)
        );
        // entering it: a cut inside, across, over half of it, along a chord between the
        // midpoints of two edges, along the diagonal between two of its corners
        assert_eq!(rings_decide(face, &square(0.2, 0.2, 0.4, 0.4)), None);
        assert_eq!(rings_decide(face, &square(-1., 0.5, 2., 2.)), None);
        assert_eq!(rings_decide(face, &square(0., 0., 0.5, 1.)), None);
        let chord = poly(vec![(0., 0.5), (1., 0.5), (1., 2.), (0., 2.), (0., 0.5)]);
        assert_eq!(rings_decide(face, &chord), None);
        let diagonal = poly(vec![(0., 0.), (1., 1.), (0., 1.), (0., 0.)]);
        assert_eq!(rings_decide(face, &diagonal), None);
        // a hole of the cut inside the face
        let holed = normalize(MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(-1., -1.), (2., -1.), (2., 2.), (-1., 2.), (-1., -1.)]),
            vec![LineString::from(vec![
                (0.4, 0.4),
                (0.6, 0.4),
                (0.6, 0.6),
                (0.4, 0.6),
                (0.4, 0.4),
            ])],
        )]));
        assert_eq!(rings_decide(face, &holed), None);
    }
}
