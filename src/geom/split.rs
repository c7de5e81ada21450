//! One face split by one polygon without an overlay graph, when their boundaries are in
//! general position: every crossing of a face edge with a cut edge is proper and clear
//! (each end of either edge farther than [`CLEAR_DEG`] from the other's line), and no
//! vertex of either lies within [`CLEAR_DEG`] of the other's boundary.
//!
//! Then the classic construction is exact up to the crossing points themselves: the
//! edges are cut at their crossings; a face edge lies inside the cut or outside it, and a
//! cut edge inside the face or outside it, flipping at each crossing (the first vertex of
//! each ring is located once); the face's part inside the cut is bounded by the face
//! edges inside the cut and the cut edges inside the face, its part outside by the face
//! edges outside and the cut edges inside reversed; each ring is traced from edge to
//! edge, turning onto the other boundary at every crossing. Exteriors come out
//! counter-clockwise, holes clockwise; a hole goes to the smallest exterior holding it.
//!
//! Anything else (a shared edge, a touching corner, a shallow crossing, rings that do not
//! close up as the flips say, parts whose areas do not add up to the face's) returns
//! `None`, and the caller asks an overlay ([`super::overlay::split_by`]): this is a fast
//! path for the common case, never the only judge. The face's own vertices are kept
//! exactly (an overlay snaps every vertex to its grid), and a crossing is computed from
//! its two edges in a fixed order, so neighbouring faces split by one cut get the same
//! point.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::overlay::split_by;
use super::planar::{closest_on_segment, crosses_ray};
use super::ring::normalize;
use super::sides::{rings_decide_unpinched, CLEAR_DEG};

/// What a cut does to a face.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// The face lies wholly inside the cut.
    Covered,
    /// The face lies wholly outside the cut.
    Missed,
    /// The face's parts inside and outside the cut, normalized, both non-empty.
    Parts {
        /// The part inside the cut.
        inside: MultiPolygon<f64>,
        /// The part outside the cut.
        outside: MultiPolygon<f64>,
    },
}

/// Which boundary an edge belongs to.
const FACE: usize = 0;
const CUT: usize = 1;

/// An edge with its box, for the sweep.
#[derive(Clone, Copy)]
struct Edge {
    ring: u32,
    at: u32,
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

/// A ring cut at its crossings: its vertices and crossing points in order, each with
/// the crossing's index (`u32::MAX` for a vertex of the ring).
#[derive(Default)]
struct Walk {
    points: Vec<Coord<f64>>,
    crossing: Vec<u32>,
    /// Per edge (from point k to k + 1), whether it lies inside the other polygon.
    inside: Vec<bool>,
}

const VERTEX: u32 = u32::MAX;

/// A crossing point and where it sits on each boundary: `(ring, position in its walk)`.
struct Crossing {
    point: Coord<f64>,
    at: [(u32, u32); 2],
}

/// The open rings (no closing point) of polygons, with the polygon each ring's first
/// vertex must be inside (exteriors: counter-clockwise) checked.
fn open_rings<'a>(
    polygons: impl Iterator<Item = &'a Polygon<f64>>,
) -> Option<Vec<&'a [Coord<f64>]>> {
    let mut rings = Vec::new();
    for p in polygons {
        for (k, ring) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            let open = &ring.0[..ring.0.len().saturating_sub(1)];
            let area2 = twice_signed_area(open);
            // exteriors counter-clockwise, holes clockwise, as normalize leaves them
            if open.len() < 3 || (k == 0) != (area2 > 0.0) {
                return None;
            }
            rings.push(open);
        }
    }
    Some(rings)
}

/// Twice the signed planar area of an open ring (positive counter-clockwise), measured
/// from its first vertex (lon/lat products far from the origin would cancel to about
/// 1e-9 of a small ring's area).
fn twice_signed_area(ring: &[Coord<f64>]) -> f64 {
    let Some(&o) = ring.first() else {
        return 0.0;
    };
    let n = ring.len();
    (1..n.saturating_sub(1))
        .map(|i| {
            let (a, b) = (ring[i] - o, ring[i + 1] - o);
            a.x * b.y - b.x * a.y
        })
        .sum()
}

/// Whether `p` lies inside the rings (even-odd).
fn inside_rings(p: Coord<f64>, rings: &[&[Coord<f64>]]) -> bool {
    let mut inside = false;
    for ring in rings {
        let n = ring.len();
        for i in 0..n {
            inside ^= crosses_ray(p, ring[i], ring[(i + 1) % n]);
        }
    }
    inside
}

fn edges_of(rings: &[&[Coord<f64>]], keep: impl Fn(&Edge) -> bool) -> Vec<Edge> {
    let mut out: Vec<Edge> = Vec::new();
    for (r, ring) in rings.iter().enumerate() {
        let n = ring.len();
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            let e = Edge {
                ring: r as u32,
                at: i as u32,
                x0: a.x.min(b.x),
                x1: a.x.max(b.x),
                y0: a.y.min(b.y),
                y1: a.y.max(b.y),
            };
            if keep(&e) {
                out.push(e);
            }
        }
    }
    out.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    out
}

/// How two edges meet.
enum Meet {
    /// Farther apart than [`CLEAR_DEG`].
    Clear,
    /// A proper, clear crossing at this point.
    Cross(Coord<f64>),
    /// Anything else: not general position.
    Unclear,
}

/// `r`'s side of the line through `p` and `q`, times |pq|.
fn side(p: Coord<f64>, q: Coord<f64>, r: Coord<f64>) -> f64 {
    (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
}

/// The two endpoints in a fixed order (lexicographic), whichever way the ring runs.
fn ordered(a: Coord<f64>, b: Coord<f64>) -> (Coord<f64>, Coord<f64>) {
    if (a.x, a.y) <= (b.x, b.y) {
        (a, b)
    } else {
        (b, a)
    }
}

fn meet((a, b): (Coord<f64>, Coord<f64>), (c, d): (Coord<f64>, Coord<f64>)) -> Meet {
    let (ab, cd) = ((b.x - a.x).hypot(b.y - a.y), (d.x - c.x).hypot(d.y - c.y));
    let (sc, sd) = (side(a, b, c), side(a, b, d));
    let (sa, sb) = (side(c, d, a), side(c, d, b));
    let (clear_ab, clear_cd) = (CLEAR_DEG * ab, CLEAR_DEG * cd);
    let cd_clear = sc.abs() > clear_ab && sd.abs() > clear_ab;
    let ab_clear = sa.abs() > clear_cd && sb.abs() > clear_cd;
    if (cd_clear && (sc > 0.0) == (sd > 0.0)) || (ab_clear && (sa > 0.0) == (sb > 0.0)) {
        return Meet::Clear; // one edge wholly on one side of the other's line, clear of it
    }
    if cd_clear && ab_clear {
        // a proper crossing: computed from the edges in a fixed order
        let ((p, q), (r, s)) = (ordered(a, b), ordered(c, d));
        let den = (q.x - p.x) * (s.y - r.y) - (q.y - p.y) * (s.x - r.x);
        let t = ((r.x - p.x) * (s.y - r.y) - (r.y - p.y) * (s.x - r.x)) / den;
        if !t.is_finite() {
            return Meet::Unclear;
        }
        return Meet::Cross(Coord {
            x: p.x + t * (q.x - p.x),
            y: p.y + t * (q.y - p.y),
        });
    }
    Meet::Unclear
}

/// The pairs of edges whose boxes (grown by [`CLEAR_DEG`]) meet, each once, by a sweep
/// over both lists sorted by their left ends; `f` returns `false` to stop.
fn sweep_pairs(face: &[Edge], cut: &[Edge], mut f: impl FnMut(&Edge, &Edge) -> bool) -> bool {
    let overlap_y = |a: &Edge, b: &Edge| a.y0 <= b.y1 + CLEAR_DEG && b.y0 <= a.y1 + CLEAR_DEG;
    let (mut i, mut j) = (0, 0);
    while i < face.len() && j < cut.len() {
        if face[i].x0 <= cut[j].x0 {
            let a = &face[i];
            for b in cut[j..].iter().take_while(|b| b.x0 <= a.x1 + CLEAR_DEG) {
                if overlap_y(a, b) && !f(a, b) {
                    return false;
                }
            }
            i += 1;
        } else {
            let b = &cut[j];
            for a in face[i..].iter().take_while(|a| a.x0 <= b.x1 + CLEAR_DEG) {
                if overlap_y(a, b) && !f(a, b) {
                    return false;
                }
            }
            j += 1;
        }
    }
    true
}

/// The face's parts inside and outside `cut`, or `None` when the boundaries are not in
/// general position (see the module documentation). `face` and `cut` must be oriented
/// as [`normalize`] leaves them.
pub fn split_general(face: &Polygon<f64>, cut: &MultiPolygon<f64>) -> Option<Split> {
    let rings = [
        open_rings(std::iter::once(face))?,
        open_rings(cut.0.iter())?,
    ];
    let face_edges = edges_of(&rings[FACE], |_| true);
    let (fx0, fx1, fy0, fy1) = face_edges.iter().fold(
        (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ),
        |(a, b, c, d), e| (a.min(e.x0), b.max(e.x1), c.min(e.y0), d.max(e.y1)),
    );
    let near_face = |e: &Edge| {
        e.x1 >= fx0 - CLEAR_DEG
            && e.x0 <= fx1 + CLEAR_DEG
            && e.y1 >= fy0 - CLEAR_DEG
            && e.y0 <= fy1 + CLEAR_DEG
    };
    let cut_edges = edges_of(&rings[CUT], near_face);
    // the crossings, as (face ring, face edge, cut ring, cut edge, point)
    let mut found: Vec<(u32, u32, u32, u32, Coord<f64>)> = Vec::new();
    let general = sweep_pairs(&face_edges, &cut_edges, |a, b| {
        let seg = |k: usize, e: &Edge| {
            let ring = rings[k][e.ring as usize];
            let i = e.at as usize;
            (ring[i], ring[(i + 1) % ring.len()])
        };
        match meet(seg(FACE, a), seg(CUT, b)) {
            Meet::Clear => true,
            Meet::Cross(p) => {
                found.push((a.ring, a.at, b.ring, b.at, p));
                true
            }
            Meet::Unclear => false,
        }
    });
    if !general {
        return None;
    }
    // The rings cut at their crossings: per boundary, per ring, per edge, the crossings
    // on it (by index into `found`) in the ring's direction.
    let mut crossings: Vec<Crossing> = found
        .iter()
        .map(|&(.., p)| Crossing {
            point: p,
            at: [(0, 0); 2],
        })
        .collect();
    let mut walks: [Vec<Walk>; 2] = [Vec::new(), Vec::new()];
    for k in [FACE, CUT] {
        let mut on_edge: Vec<(u32, u32, f64, u32)> = found
            .iter()
            .enumerate()
            .map(|(x, &(fr, fe, cr, ce, p))| {
                let (r, e) = if k == FACE { (fr, fe) } else { (cr, ce) };
                let ring = rings[k][r as usize];
                let (a, b) = (ring[e as usize], ring[(e as usize + 1) % ring.len()]);
                (r, e, closest_on_segment(p, a, b).0, x as u32)
            })
            .collect();
        on_edge.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)).then(x.2.total_cmp(&y.2)));
        let mut next = 0;
        for (r, ring) in rings[k].iter().enumerate() {
            let mut walk = Walk::default();
            for (e, &v) in ring.iter().enumerate() {
                walk.points.push(v);
                walk.crossing.push(VERTEX);
                let (a, b) = (v, ring[(e + 1) % ring.len()]);
                let len = (b.x - a.x).hypot(b.y - a.y);
                let mut last_t = f64::NEG_INFINITY;
                while next < on_edge.len()
                    && (on_edge[next].0, on_edge[next].1) == (r as u32, e as u32)
                {
                    let (.., t, x) = on_edge[next];
                    if (t - last_t) * len <= CLEAR_DEG {
                        return None; // two crossings (nearly) at one point
                    }
                    last_t = t;
                    crossings[x as usize].at[k] = (r as u32, walk.points.len() as u32);
                    walk.points.push(crossings[x as usize].point);
                    walk.crossing.push(x);
                    next += 1;
                }
            }
            walks[k].push(walk);
        }
    }
    // Which side each edge lies on: the ring's first vertex located, flipping at each
    // crossing. A face vertex is clear of the cut's boundary (the sweep saw every cut
    // edge near the face), and so is a cut vertex near the face; one outside the face's
    // box is outside the face.
    let face_polygon_rings = &rings[FACE];
    for k in [FACE, CUT] {
        for walk in &mut walks[k] {
            let first = walk.points[0];
            let mut inside = if k == FACE {
                inside_rings(first, &rings[CUT])
            } else {
                first.x >= fx0
                    && first.x <= fx1
                    && first.y >= fy0
                    && first.y <= fy1
                    && inside_rings(first, face_polygon_rings)
            };
            let n = walk.points.len();
            walk.inside = Vec::with_capacity(n);
            for p in 0..n {
                walk.inside.push(inside);
                if walk.crossing[(p + 1) % n] != VERTEX {
                    inside = !inside;
                }
            }
            if inside != walk.inside[0] {
                return None; // an odd number of crossings: not closed up
            }
        }
    }
    let inside = trace(&walks, &crossings, false)?;
    let outside = trace(&walks, &crossings, true)?;
    let area = |rings: &[Vec<Coord<f64>>]| rings.iter().map(|r| twice_signed_area(r)).sum::<f64>();
    let whole: f64 = rings[FACE].iter().map(|r| twice_signed_area(r)).sum();
    let (a_in, a_out) = (area(&inside), area(&outside));
    if (a_in + a_out - whole).abs() > 1e-9 * whole.abs() || a_in < 0.0 || a_out < 0.0 {
        return None;
    }
    let inside = normalize(assemble(inside)?);
    let outside = normalize(assemble(outside)?);
    Some(match (inside.0.is_empty(), outside.0.is_empty()) {
        (true, _) => Split::Missed,
        (false, true) => Split::Covered,
        (false, false) => Split::Parts { inside, outside },
    })
}

/// The rings of the face's part inside the cut (`outside` false: face edges inside the
/// cut and cut edges inside the face, both forward) or outside it (face edges outside,
/// cut edges inside the face reversed), each an open ring; `None` when the edges do not
/// chain up.
fn trace(
    walks: &[Vec<Walk>; 2],
    crossings: &[Crossing],
    outside: bool,
) -> Option<Vec<Vec<Coord<f64>>>> {
    // whether the edge (boundary k, ring r, edge e) is part of the result
    let wanted = |k: usize, w: &Walk, e: usize| {
        if k == FACE {
            w.inside[e] != outside
        } else {
            w.inside[e]
        }
    };
    // the cut's edges run backwards in the outside part
    let forward = |k: usize| k == FACE || !outside;
    let mut used: [Vec<Vec<bool>>; 2] = [
        walks[FACE]
            .iter()
            .map(|w| vec![false; w.points.len()])
            .collect(),
        walks[CUT]
            .iter()
            .map(|w| vec![false; w.points.len()])
            .collect(),
    ];
    let mut out = Vec::new();
    for k0 in [FACE, CUT] {
        for (r0, w0) in walks[k0].iter().enumerate() {
            for e0 in 0..w0.points.len() {
                if used[k0][r0][e0] || !wanted(k0, w0, e0) {
                    continue;
                }
                let mut ring = Vec::new();
                let (mut k, mut r, mut e) = (k0, r0, e0);
                loop {
                    let w = &walks[k][r];
                    let n = w.points.len();
                    if used[k][r][e] {
                        if (k, r, e) != (k0, r0, e0) {
                            return None; // an edge reached twice
                        }
                        break;
                    }
                    used[k][r][e] = true;
                    // the edge's start and end points in the direction walked
                    let (start, end) = if forward(k) {
                        (e, (e + 1) % n)
                    } else {
                        ((e + 1) % n, e)
                    };
                    ring.push(w.points[start]);
                    let x = w.crossing[end];
                    if x != VERTEX {
                        // turn onto the other boundary at the crossing
                        k = 1 - k;
                        let (r2, p) = crossings[x as usize].at[k];
                        r = r2 as usize;
                        let m = walks[k][r].points.len();
                        e = if forward(k) {
                            p as usize
                        } else {
                            (p as usize + m - 1) % m
                        };
                    } else {
                        e = if forward(k) { end } else { (end + n - 1) % n };
                    }
                    if !wanted(k, &walks[k][r], e) {
                        return None;
                    }
                }
                if ring.len() < 3 {
                    return None;
                }
                out.push(ring);
            }
        }
    }
    Some(out)
}

/// An exterior being assembled: twice its area, its open ring, its holes so far.
type Assembling = (f64, Vec<Coord<f64>>, Vec<LineString<f64>>);

/// Open rings as polygons: counter-clockwise rings are exteriors, clockwise ones holes,
/// each hole in the smallest exterior holding one of its vertices clear of every
/// exterior's boundary (`None` when none is clear).
fn assemble(rings: Vec<Vec<Coord<f64>>>) -> Option<MultiPolygon<f64>> {
    let close = |mut r: Vec<Coord<f64>>| {
        r.push(r[0]);
        LineString::new(r)
    };
    let (exteriors, holes): (Vec<_>, Vec<_>) =
        rings.into_iter().partition(|r| twice_signed_area(r) > 0.0);
    let mut polygons: Vec<Assembling> = exteriors
        .into_iter()
        .map(|r| (twice_signed_area(&r), r, Vec::new()))
        .collect();
    for hole in holes {
        let k = if polygons.len() == 1 {
            0
        } else {
            holder(&hole, &polygons)?
        };
        polygons[k].2.push(close(hole));
    }
    Some(MultiPolygon::new(
        polygons
            .into_iter()
            .map(|(_, r, holes)| Polygon::new(close(r), holes))
            .collect(),
    ))
}

/// The smallest of the exteriors holding the hole: decided by the first of its vertices
/// clear of every exterior's boundary.
fn holder(hole: &[Coord<f64>], polygons: &[Assembling]) -> Option<usize> {
    let clear2 = CLEAR_DEG * CLEAR_DEG;
    let near = |p: Coord<f64>, ring: &[Coord<f64>]| {
        let n = ring.len();
        (0..n).any(|i| closest_on_segment(p, ring[i], ring[(i + 1) % n]).1 <= clear2)
    };
    let p = *hole
        .iter()
        .find(|&&p| polygons.iter().all(|(_, r, _)| !near(p, r)))?;
    polygons
        .iter()
        .enumerate()
        .filter(|(_, (_, r, _))| inside_rings(p, &[r.as_slice()]))
        .min_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
        .map(|(k, _)| k)
}

/// What `cut` does to `face`, by the cheapest judge that can tell: [`split_general`];
/// then, for a face and cut whose boundaries touch, the rings alone when they show the
/// face wholly on one side ([`rings_decide_unpinched`]); else one overlay. A `pinched`
/// face (rings touching: [`super::sides::pinched`]) goes straight to the overlay.
pub fn split(face: &Polygon<f64>, cut: &MultiPolygon<f64>, pinched: bool) -> Split {
    if !pinched {
        if let Some(s) = split_general(face, cut) {
            return s;
        }
        match rings_decide_unpinched(face, cut) {
            Some(true) => return Split::Covered,
            Some(false) => return Split::Missed,
            None => {}
        }
    }
    let whole = MultiPolygon::new(vec![face.clone()]);
    let (outside, inside) = split_by(&whole, &[cut]);
    match (inside.0.is_empty(), outside.0.is_empty()) {
        (true, _) => Split::Missed,
        (false, true) => Split::Covered,
        (false, false) => Split::Parts { inside, outside },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::overlay::{difference, intersection};
    use crate::geom::test_shapes::{holed_square, square};
    use geo::Area;

    fn one(mp: MultiPolygon<f64>) -> Polygon<f64> {
        mp.0.into_iter().next().expect("one polygon")
    }

    #[test]
    fn a_square_cut_across_one_side() {
        let face = one(square(0., 0., 4., 2.));
        let cut = square(3., -1., 5., 3.);
        let Some(Split::Parts { inside, outside }) = split_general(&face, &cut) else {
            panic!("a proper crossing splits the face");
        };
        assert!((inside.unsigned_area() - 2.0).abs() < 1e-12);
        assert!((outside.unsigned_area() - 6.0).abs() < 1e-12);
        // the face's own vertices are kept exactly, the crossings lie on x = 3
        let xs: Vec<f64> = outside.0[0].exterior().0.iter().map(|c| c.x).collect();
        assert!(xs.iter().all(|&x| x == 0.0 || x == 3.0), "{xs:?}");
    }

    #[test]
    fn a_cut_with_a_hole_and_an_island_in_it_inside_the_face() {
        // face 0..10; the cut: a ring 2..8 less 3..7, and an island 4..6 in its hole
        let face = one(square(0., 0., 10., 10.));
        let mut cut = holed_square([2., 2., 8., 8.], [3., 3., 7., 7.]);
        cut.0.extend(square(4., 4., 6., 6.).0);
        let Some(Split::Parts { inside, outside }) = split_general(&face, &cut) else {
            panic!("no crossing, but the cut lies inside the face");
        };
        // inside: 36 − 16 + 4 = 24 in two parts; outside: 100 − 24 in two parts (the
        // face less the ring's outside, and the moat between the hole and the island)
        assert!((inside.unsigned_area() - 24.0).abs() < 1e-12);
        assert_eq!(inside.0.len(), 2);
        assert!((outside.unsigned_area() - 76.0).abs() < 1e-12);
        assert_eq!(outside.0.len(), 2);
        let holes: usize = outside.0.iter().map(|p| p.interiors().len()).sum();
        assert_eq!(
            holes, 2,
            "the face has a hole where the ring is, the moat one where the island is"
        );
    }

    #[test]
    fn a_face_with_a_hole_wholly_inside_or_outside() {
        let face = one(holed_square([0., 0., 4., 4.], [1., 1., 3., 3.]));
        assert_eq!(
            split_general(&face, &square(-1., -1., 5., 5.)),
            Some(Split::Covered)
        );
        assert_eq!(
            split_general(&face, &square(6., 6., 7., 7.)),
            Some(Split::Missed)
        );
        // a cut inside the face's hole misses it
        assert_eq!(
            split_general(&face, &square(1.5, 1.5, 2.5, 2.5)),
            Some(Split::Missed)
        );
        // a cut across the hole: the face's part inside is the band less the hole
        let Some(Split::Parts { inside, .. }) = split_general(&face, &square(-1., 1.5, 5., 2.5))
        else {
            panic!("the band crosses the face");
        };
        assert!(
            (inside.unsigned_area() - 2.0).abs() < 1e-12,
            "4 − 2 of the hole"
        );
        assert_eq!(inside.0.len(), 2);
    }

    #[test]
    fn touching_boundaries_are_left_to_the_overlay() {
        let face = one(square(0., 0., 4., 2.));
        // a shared edge, an exact copy, a corner on an edge, a crossing at a vertex
        assert_eq!(split_general(&face, &square(4., 0., 5., 2.)), None);
        assert_eq!(split_general(&face, &square(0., 0., 4., 2.)), None);
        assert_eq!(split_general(&face, &square(2., 2., 3., 3.)), None);
        let diamond = normalize(MultiPolygon::new(vec![Polygon::new(
            geo::LineString::from(vec![(4., -1.), (5., 0.), (4., 1.), (3., 0.)]),
            vec![],
        )]));
        assert_eq!(split_general(&face, &diamond), None);
        // the cascade still answers them all: the shared edge misses, the copy covers
        assert_eq!(split(&face, &square(4., 0., 5., 2.), false), Split::Missed);
        assert_eq!(split(&face, &square(0., 0., 4., 2.), false), Split::Covered);
        // the diamond's corners at (3, 0) and (5, 0) are outside; its right half is not
        let Split::Parts { inside, outside } = split(&face, &diamond, false) else {
            panic!("the diamond takes a corner of the face");
        };
        assert!(
            (inside.unsigned_area() - 0.5).abs() < 1e-9,
            "a quarter of the diamond"
        );
        assert!((outside.unsigned_area() - 7.5).abs() < 1e-9);
        let whole = MultiPolygon::new(vec![face]);
        assert!(difference(&inside, &diamond).unsigned_area() < 1e-9);
        assert!(intersection(&outside, &whole).unsigned_area() > 7.5 - 1e-9);
    }
}
