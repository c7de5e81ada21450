//! Which side of a polygon a face lies on, decided from the rings alone, without an
//! overlay: wholly inside, wholly outside, or "the overlay must say" ([`rings_decide`]).
//!
//! Faces and the pieces the overlays leave share edges and corners with the polygons that
//! made them; a face next to a cut is the commonest case the arrangement and the release
//! stage meet, and an overlay for it only says what the rings already show.
//!
//! Also [`polygons_meet`]: whether two polygons share a point at all, from the edges near
//! each other's box.

use std::cell::OnceCell;

use geo::{BoundingRect, Coord, Intersects, Line, MultiPolygon, Polygon, Rect};

use super::clip::rect_union;
use super::disk::side_clear;
use super::planar::{box_near, closest_on_segment, edges};

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
    // `r`'s side of the line through `p` and `q`, times |pq|
    let side = |p: Coord<f64>, q: Coord<f64>, r: Coord<f64>| {
        (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
    };
    // both ends farther than CLEAR_DEG from the line (of length `len`), on opposite sides
    let opposite = |s: f64, t: f64, len: f64| {
        let clear = CLEAR_DEG * len;
        s.abs() > clear && t.abs() > clear && (s > 0.0) != (t > 0.0)
    };
    let (ab, cd) = ((b.x - a.x).hypot(b.y - a.y), (d.x - c.x).hypot(d.y - c.y));
    opposite(side(a, b, c), side(a, b, d), ab) && opposite(side(c, d, a), side(c, d, b), cd)
}

/// Whether the face's rings touch themselves or each other (a vertex within
/// [`CLEAR_DEG`] of an edge other than its own two): then its inside may be in pieces
/// joined at points (two lobes of one ring, a hole touching the shell twice), and
/// [`rings_decide`]'s reasoning, which needs it in one piece, does not hold. Faces of up
/// to [`PINCH_ALL_EDGES`] vertices are checked vertex against edge; larger ones for two
/// vertices within [`CLEAR_DEG`] of each other, which is how the overlays (whose results
/// are noded: a ring touching an edge has a vertex there) leave a pinch.
pub fn pinched(face: &Polygon<f64>) -> bool {
    let clear2 = CLEAR_DEG * CLEAR_DEG;
    let rings: Vec<&[Coord<f64>]> = std::iter::once(face.exterior())
        .chain(face.interiors())
        .map(|r| &r.0[..r.0.len().saturating_sub(1)])
        .collect();
    // every vertex (with its ring and position), by x: each vertex then meets only
    // those (or each edge only the vertices) within its x-range
    let mut by_x: Vec<(Coord<f64>, usize, usize)> = rings
        .iter()
        .enumerate()
        .flat_map(|(ri, ring)| ring.iter().enumerate().map(move |(vi, &v)| (v, ri, vi)))
        .collect();
    by_x.sort_unstable_by(|a, b| a.0.x.total_cmp(&b.0.x));
    if by_x.len() > PINCH_ALL_EDGES {
        return by_x.iter().enumerate().any(|(i, (a, _, _))| {
            by_x[i + 1..]
                .iter()
                .take_while(|(b, _, _)| b.x - a.x <= CLEAR_DEG)
                .any(|(b, _, _)| (b.y - a.y).abs() <= CLEAR_DEG)
        });
    }
    rings.iter().enumerate().any(|(rj, other)| {
        let n = other.len();
        (0..n).any(|ej| {
            let (a, b) = (other[ej], other[(ej + 1) % n]);
            let lo = a.x.min(b.x) - CLEAR_DEG;
            let from = by_x.partition_point(|(v, _, _)| v.x < lo);
            by_x[from..]
                .iter()
                .take_while(|(v, _, _)| v.x <= a.x.max(b.x) + CLEAR_DEG)
                .any(|&(v, ri, vi)| {
                    // the vertex's own two edges (ej = vi − 1 and vi) do not count
                    let own = ri == rj && (ej == vi || (ej + 1) % n == vi);
                    !own && box_near(v, a, b, CLEAR_DEG) && closest_on_segment(v, a, b).1 <= clear2
                })
        })
    })
}

/// Whether some stretch of `near`'s boundary runs inside the face: split at every
/// contact with the face's boundary (its ends, and each face vertex within
/// [`CLEAR_DEG`] of it), an edge of `near` that no face edge crosses properly lies, stretch
/// by stretch, inside the face, outside it or along its boundary, as the stretch's
/// midpoint does.
fn runs_inside(
    face: &Polygon<f64>,
    face_edges: &[(Coord<f64>, Coord<f64>)],
    near_edges: &[(Coord<f64>, Coord<f64>)],
    within: &dyn Fn(&Coord<f64>) -> bool,
) -> bool {
    let face_parts = std::slice::from_ref(face);
    let clear2 = CLEAR_DEG * CLEAR_DEG;
    near_edges.iter().any(|&(a, b)| {
        let mut at: Vec<f64> = vec![0.0, 1.0];
        at.extend(
            face_edges
                .iter()
                .filter(|&&(v, _)| box_near(v, a, b, CLEAR_DEG))
                .map(|&(v, _)| closest_on_segment(v, a, b))
                .filter(|&(_, d2)| d2 <= clear2)
                .map(|(t, _)| t),
        );
        if at.len() == 2 && !within(&a) && !within(&b) {
            // ends clear of the face's box, no face vertex on it and (the caller checked)
            // no proper crossing: it cannot enter the face
            return false;
        }
        at.sort_by(f64::total_cmp);
        at.windows(2).any(|w| {
            let t = 0.5 * (w[0] + w[1]);
            let mid = Coord {
                x: a.x + t * (b.x - a.x),
                y: a.y + t * (b.y - a.y),
            };
            side_clear(mid, face_parts, CLEAR_DEG) == Some(true)
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
/// are decided so too. A face whose rings touch ([`pinched`]) is left to the overlay.
pub fn rings_decide(face: &Polygon<f64>, near: &MultiPolygon<f64>) -> Option<bool> {
    if pinched(face) {
        return None; // its inside may be in pieces, on both sides of `near`
    }
    rings_decide_unpinched(face, near)
}

/// [`rings_decide`] for a face known not to be [`pinched`] (the caller asked once for
/// many questions).
pub fn rings_decide_unpinched(face: &Polygon<f64>, near: &MultiPolygon<f64>) -> Option<bool> {
    let fb = face.bounding_rect()?;
    let reach = Rect::new(
        (fb.min().x - CLEAR_DEG, fb.min().y - CLEAR_DEG),
        (fb.max().x + CLEAR_DEG, fb.max().y + CLEAR_DEG),
    );
    let near_edges: Vec<(Coord<f64>, Coord<f64>)> = edges(&near.0)
        .filter(|&(a, b)| reach.intersects(&Rect::new(a, b)))
        .collect();
    let face_parts = std::slice::from_ref(face);
    let face_edges: Vec<(Coord<f64>, Coord<f64>)> = edges(face_parts).collect();
    if let Some(nb) = edges_box(&near_edges) {
        for &e in face_edges
            .iter()
            .filter(|&&(a, b)| nb.intersects(&Rect::new(a, b)))
        {
            if near_edges.iter().any(|&f| cross_properly(e, f)) {
                return None;
            }
        }
    }
    let within = |c: &Coord<f64>| reach.intersects(c);
    for &(c, _) in near_edges.iter().filter(|(c, _)| within(c)) {
        if side_clear(c, face_parts, CLEAR_DEG) == Some(true) {
            return None;
        }
    }
    if runs_inside(face, &face_edges, &near_edges, &within) {
        return None;
    }
    // every vertex clear of `near`'s boundary must agree; edge midpoints when none is
    let vertices = face_edges.iter().map(|&(a, _)| a);
    let midpoints = face_edges.iter().map(|&(a, b)| Coord {
        x: 0.5 * (a.x + b.x),
        y: 0.5 * (a.y + b.y),
    });
    side_of_points(vertices, &near.0).or_else(|| side_of_points(midpoints, &near.0))
}

/// The box of some edges, `None` for none.
fn edges_box(edges: &[(Coord<f64>, Coord<f64>)]) -> Option<Rect<f64>> {
    edges
        .iter()
        .map(|&(a, b)| Rect::new(a, b))
        .reduce(rect_union)
}

/// The side of `near` that every point clear of its boundary (by [`CLEAR_DEG`]) lies on:
/// `None` when none is clear or they disagree.
fn side_of_points(points: impl Iterator<Item = Coord<f64>>, near: &[Polygon<f64>]) -> Option<bool> {
    let mut verdict = None;
    for c in points {
        let Some(inside) = side_clear(c, near, CLEAR_DEG) else {
            continue;
        };
        if verdict.is_some_and(|v| v != inside) {
            return None;
        }
        verdict = Some(inside);
    }
    verdict
}

/// The most vertices for which [`pinched`] checks every vertex against every edge.
pub const PINCH_ALL_EDGES: usize = 48;

/// How far (degrees) a vertex must lie from the other polygon's boundary for
/// [`rings_decide`] to trust its side: ten times i_overlay's rounding on a box of 0.1°.
pub const CLEAR_DEG: f64 = 1e-9;

/// Whether `a` and `b` share a point (as `geo`'s `Intersects` says): an edge of one meets
/// an edge of the other, or (when no edges meet, each part of one lies wholly inside or
/// wholly outside the other) a vertex of a part of one lies in the other. Only the edges
/// within the other's box are compared, boxes first: `geo` compares every pair.
pub fn polygons_meet(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
    let (Some(ab), Some(bb)) = (a.bounding_rect(), b.bounding_rect()) else {
        return false;
    };
    if !ab.intersects(&bb) {
        return false;
    }
    let near = |g: &MultiPolygon<f64>, r: Rect<f64>| -> Vec<(Line<f64>, Rect<f64>)> {
        edges(&g.0)
            .map(|(p, q)| (Line::new(p, q), Rect::new(p, q)))
            .filter(|(_, lb)| lb.intersects(&r))
            .collect()
    };
    let (ea, eb) = (near(a, bb), near(b, ab));
    for (x, xb) in &ea {
        if eb
            .iter()
            .any(|(y, yb)| xb.intersects(yb) && x.intersects(y))
        {
            return true;
        }
    }
    let first = |p: &Polygon<f64>| p.exterior().0.first().copied();
    a.0.iter().filter_map(first).any(|c| b.intersects(&c))
        || b.0.iter().filter_map(first).any(|c| a.intersects(&c))
}

/// A MultiPolygon asked many [`covers_or_misses`] questions: whether each part is
/// [`pinched`] is found once, when first needed.
pub struct Sides<'a> {
    parts: &'a [Polygon<f64>],
    pinched: Vec<OnceCell<bool>>,
}

impl<'a> Sides<'a> {
    /// `mp`, nothing found yet.
    pub fn new(mp: &'a MultiPolygon<f64>) -> Sides<'a> {
        Sides {
            parts: &mp.0,
            pinched: vec![OnceCell::new(); mp.0.len()],
        }
    }

    /// Whether `g` covers every part (`Some(true)`) or misses them all (`Some(false)`),
    /// as the rings show ([`rings_decide`]); `None` for the overlay to say.
    pub fn covers_or_misses(&self, g: &MultiPolygon<f64>) -> Option<bool> {
        let mut verdict = None;
        for (part, pinch) in self.parts.iter().zip(&self.pinched) {
            if *pinch.get_or_init(|| pinched(part)) {
                return None;
            }
            let side = rings_decide_unpinched(part, g)?;
            if verdict.is_some_and(|v| v != side) {
                return None;
            }
            verdict = Some(side);
        }
        verdict
    }
}

/// Whether `g` covers every part of `mp` (`Some(true)`) or misses them all
/// (`Some(false)`), as the rings show ([`rings_decide`]); `None` for the overlay to say.
pub fn covers_or_misses(mp: &MultiPolygon<f64>, g: &MultiPolygon<f64>) -> Option<bool> {
    Sides::new(mp).covers_or_misses(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::ring::normalize;
    use crate::geom::test_shapes::{holed_square, square};
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
        let holed = holed_square([-1., -1., 2., 2.], [0.4, 0.4, 0.6, 0.6]);
        assert_eq!(rings_decide(face, &holed), None);
    }

    #[test]
    fn a_face_pinched_at_a_vertex_is_left_to_the_overlay() {
        // What is left of a lone hazard on gen.py's data: a ring touching itself at one
        // vertex (two lobes), one lobe inside the cut and one outside, every vertex of the
        // lobe inside on the cut's boundary: the clear vertices (all in the lobe outside)
        // said "misses" where the overlay takes 16 076 m².
        let rest: Vec<(f64, f64)> = vec![
            (68.76537649999824, 37.25614270000037),
            (68.76528840000043, 37.25593390000026),
            (68.765415299999, 37.25573649999964),
            (68.76559919999869, 37.25564179999887),
            (68.76620309999868, 37.25578609999897),
            (68.76652600000176, 37.25598719999866),
            (68.76727089999855, 37.25640980000057),
            (68.76774670000174, 37.25675490000171),
            (68.76781689359865, 37.256809939896215),
            (68.76674089460954, 37.257570691396126),
            (68.76637129999887, 37.25729639999949),
            (68.7660973000007, 37.2570706000009),
            (68.76590958658068, 37.256947350628565),
            (68.76641215099386, 37.25591629558616),
            (68.7662031000005, 37.25578610000079),
            (68.76576311766308, 37.2556809676083),
            (68.76541390584731, 37.256397406329),
            (68.76533159999832, 37.25622390000021),
            (68.76537649999824, 37.25614270000037),
        ];
        let land: Vec<(f64, f64)> = vec![
            (68.7677467, 37.2567549),
            (68.76824528646196, 37.257145849384614),
            (68.7681791, 37.25735508),
            (68.76828727, 37.25776936),
            (68.76817252, 37.2578926),
            (68.76816584259043, 37.2582262780663),
            (68.7678878, 37.2581246),
            (68.7675076, 37.2579985),
            (68.7671007, 37.2578047),
            (68.7668103, 37.2576222),
            (68.7663713, 37.2572964),
            (68.7660973, 37.2570706),
            (68.76588566526138, 37.25693164430607),
            (68.76596611, 37.25646186),
            (68.76616493, 37.25615448),
            (68.76624776, 37.2558915),
            (68.76628375167982, 37.25583632933668),
            (68.766526, 37.2559872),
            (68.7672709, 37.2564098),
            (68.7677467, 37.2567549),
        ];
        let face = Polygon::new(LineString::from(rest), vec![]);
        let near = MultiPolygon::new(vec![Polygon::new(LineString::from(land), vec![])]);
        assert!(pinched(&face));
        assert_eq!(rings_decide(&face, &near), None);
        // the same ring with a vertex added in every edge, twice (more vertices than are
        // checked against every edge: the pinch is two vertices at one point)
        let mut ring = face.exterior().0.clone();
        for _ in 0..2 {
            ring = ring
                .windows(2)
                .flat_map(|w| [w[0], (w[0] + w[1]) / 2.0])
                .chain(ring.last().copied())
                .collect();
        }
        let dense = Polygon::new(LineString::new(ring), vec![]);
        assert!(dense.exterior().0.len() > PINCH_ALL_EDGES);
        assert!(pinched(&dense));
        assert_eq!(rings_decide(&dense, &near), None);
        assert!(!pinched(&square(0., 0., 1., 1.).0[0]));
    }

    /// `pinched` by its definition, every vertex against every edge (the oracle for
    /// the sorted search).
    fn pinched_brute_force(face: &Polygon<f64>) -> bool {
        let rings: Vec<&[Coord<f64>]> = std::iter::once(face.exterior())
            .chain(face.interiors())
            .map(|r| &r.0[..r.0.len() - 1])
            .collect();
        rings.iter().enumerate().any(|(ri, ring)| {
            ring.iter().enumerate().any(|(vi, &v)| {
                rings.iter().enumerate().any(|(rj, other)| {
                    let n = other.len();
                    (0..n).any(|ej| {
                        let own = ri == rj && (ej == vi || (ej + 1) % n == vi);
                        let d2 = closest_on_segment(v, other[ej], other[(ej + 1) % n]).1;
                        !own && d2 <= CLEAR_DEG * CLEAR_DEG
                    })
                })
            })
        })
    }

    #[test]
    fn pinched_and_side_clear_match_brute_force_on_random_rings() {
        use crate::geom::disk::locate;
        use crate::geom::test_shapes::star_points;
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let (mut pinches, mut near) = (0, 0);
        for _ in 0..400 {
            let n = rng.gen_range(4..PINCH_ALL_EDGES / 2);
            let mut pts = star_points(&mut rng, (0.5, 0.5), 0.4, n, 0.2);
            let mut holes = vec![];
            if rng.gen_bool(0.3) {
                let hole = star_points(&mut rng, (0.5, 0.5), 0.05, 5, 0.5);
                holes.push(LineString::from(hole));
            }
            // half the rings get a vertex moved onto (or a hair off) another edge
            if rng.gen_bool(0.5) {
                let (i, j) = (rng.gen_range(0..n), rng.gen_range(0..n));
                let (a, b) = (pts[j], pts[(j + 1) % n]);
                let t = rng.gen_range(0.0..1.0);
                let off = [0.0, 0.5e-9, 2e-9][rng.gen_range(0..3)];
                pts[i] = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1) + off);
            }
            let face = Polygon::new(LineString::from(pts), holes);
            let want = pinched_brute_force(&face);
            assert_eq!(pinched(&face), want, "{face:?}");
            pinches += usize::from(want);
            for _ in 0..20 {
                // points anywhere, and points a hair from a vertex
                let c = if rng.gen_bool(0.5) {
                    Coord {
                        x: rng.gen_range(0.0..1.0),
                        y: rng.gen_range(0.0..1.0),
                    }
                } else {
                    let v = face.exterior().0[rng.gen_range(0..n)];
                    let d = [0.0, 0.9e-9, 1.1e-9, 1e-6][rng.gen_range(0..4)];
                    Coord { x: v.x + d, y: v.y }
                };
                let parts = std::slice::from_ref(&face);
                let (inside, clearance) = locate(c, parts);
                let want = (clearance >= CLEAR_DEG).then_some(inside);
                assert_eq!(side_clear(c, parts, CLEAR_DEG), want, "{c:?}");
                near += usize::from(want.is_none());
            }
        }
        assert!(pinches > 50 && pinches < 350, "{pinches} pinched");
        assert!(near > 100, "{near} points near an edge");
    }

    #[test]
    fn polygons_meet_agrees_with_geo_on_random_stars_with_holes() {
        use crate::geom::test_shapes::star_points;
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let star = |rng: &mut rand_chacha::ChaCha8Rng| {
            let c = (rng.gen_range(0.0..1.0), rng.gen_range(0.0..1.0));
            let r = rng.gen_range(0.05..0.4);
            let n = rng.gen_range(4..30);
            let hole = rng
                .gen_bool(0.3)
                .then(|| LineString::from(star_points(rng, c, r * 0.3, 6, 0.5)));
            let pts = star_points(rng, c, r, n, 0.3);
            normalize(MultiPolygon::new(vec![Polygon::new(
                LineString::from(pts),
                hole.into_iter().collect(),
            )]))
        };
        let (mut met, mut asked) = (0, 0);
        for _ in 0..3000 {
            let (a, b) = (star(&mut rng), star(&mut rng));
            // also a part inside the other's hole, and exact copies
            let b = if rng.gen_bool(0.05) { a.clone() } else { b };
            let want = a.intersects(&b);
            assert_eq!(polygons_meet(&a, &b), want, "{a:?} {b:?}");
            met += usize::from(want);
            asked += 1;
        }
        assert!(met > asked / 5 && met < asked * 4 / 5, "{met} of {asked}");
        // nested without touching, both ways; in a hole; apart
        let holed = holed_square([0., 0., 4., 4.], [1., 1., 3., 3.]);
        let inner = square(1.5, 1.5, 2.5, 2.5);
        let in_shell = square(0.2, 0.2, 0.8, 0.8);
        assert!(!polygons_meet(&holed, &inner) && !polygons_meet(&inner, &holed));
        assert!(polygons_meet(&holed, &in_shell) && polygons_meet(&in_shell, &holed));
        assert!(polygons_meet(&square(-1., -1., 5., 5.), &inner));
        assert!(
            polygons_meet(&square(4., 0., 5., 1.), &holed),
            "sharing an edge"
        );
        assert!(!polygons_meet(&square(5., 5., 6., 6.), &holed));
    }
}
