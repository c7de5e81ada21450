//! One face split by one polygon (a cut) without an overlay graph, where their
//! boundaries cross properly or touch: the common case of the arrangement, whose faces
//! share edges and corners with the releases drawn within their hazards.
//!
//! The two boundaries are noded first, by a sweep over the pairs of edges within
//! [`CLEAR_DEG`] of each other: a cut vertex that close to a face vertex is moved onto
//! it, a vertex of either that close to an edge of the other is put into that edge, and
//! a proper crossing (each end of both edges farther than [`CLEAR_DEG`] from the other's
//! line) is put into both, computed from its two edges in a fixed order so that
//! neighbouring faces split by one cut get the same point. Anything else (a shallow
//! near-miss) gives up. When a cut vertex moved, the cut is noded again with it moved
//! (its edges moved too), and every moved vertex must then lie exactly on its face
//! vertex. Where the boundaries come nowhere near each other (a fifth of the
//! arrangement's splits on gen.py 100), one point-in-polygon test of a face vertex
//! decides, unless a ring of the cut lies inside the face. After noding, two edges meet
//! only at shared nodes, and a face
//! edge either runs along a cut edge (the same way or the other) or lies wholly inside or
//! outside the cut, as its midpoint says (one point-in-polygon test, with clearance, per
//! run of edges between shared nodes); likewise each cut edge against the face.
//!
//! The face's part inside the cut is then bounded by the face edges inside the cut or
//! along a cut edge running the same way, and by the cut edges inside the face; its part
//! outside by the face edges outside or along a cut edge running the other way, and by
//! the cut edges inside the face reversed. Each ring is traced from node to node;
//! counter-clockwise rings are exteriors, clockwise ones holes, each in the smallest
//! exterior holding it.
//!
//! Where this cannot be sure it returns `None` and [`split`] asks an overlay
//! ([`super::overlay::split_by`]): a node with two ways on (parts touching at a point),
//! a dead end, a midpoint within [`CLEAR_DEG`] of the other boundary, parts whose areas
//! do not add up to the face's. It is a fast path, never the only judge. The face's own
//! vertices are kept exactly (an overlay snaps every vertex to its grid).

use geo::{BoundingRect, Coord, Intersects, LineString, MultiPolygon, Polygon};

use super::disk::{ring_side_clear, side_clear};
use super::overlay::split_by;
use super::planar::closest_on_segment;
use super::ring::normalize;
use super::sides::{pinched, rings_decide_unpinched, CLEAR_DEG};

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

fn edges_of(rings: &[&[Coord<f64>]], keep: impl Fn(&Edge) -> bool) -> Vec<Edge> {
    let mut out: Vec<Edge> = Vec::with_capacity(rings.iter().map(|r| r.len()).sum());
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

/// The length of `p`–`q` (a square root of squares: `hypot` cost a per cent of a run).
fn length(p: Coord<f64>, q: Coord<f64>) -> f64 {
    ((q.x - p.x).powi(2) + (q.y - p.y).powi(2)).sqrt()
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
    let (ab, cd) = (length(a, b), length(c, d));
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

/// A point where the boundaries meet, to be put into an edge of one of them:
/// `(boundary, ring, edge, parameter along the edge, point)`.
type Insert = (usize, u32, u32, f64, Coord<f64>);

/// What the sweep found where the boundaries come within [`CLEAR_DEG`] of each other.
#[derive(Default)]
struct Contacts {
    inserts: Vec<Insert>,
    /// Cut vertices within [`CLEAR_DEG`] of a face vertex, moved onto it: `(ring, vertex,
    /// the face vertex)`.
    snaps: Vec<(u32, u32, Coord<f64>)>,
}

/// Records how the face edge `a`–`b` (ring and index `fe`) and the cut edge `c`–`d`
/// (`ce`, its vertex `d` at `d_at`) meet: a cut vertex on a face vertex is moved onto it,
/// a vertex of either within [`CLEAR_DEG`] of the other's edge is put into that edge, a
/// proper clear crossing into both; `false` for anything else (a shallow near-miss).
fn contact(
    contacts: &mut Contacts,
    (a, b): (Coord<f64>, Coord<f64>),
    (c, d): (Coord<f64>, Coord<f64>),
    fe: (u32, u32),
    ce: (u32, u32),
    d_at: u32,
) -> bool {
    let near2 = CLEAR_DEG * CLEAR_DEG;
    let d2 = |p: Coord<f64>, q: Coord<f64>| (p.x - q.x).powi(2) + (p.y - q.y).powi(2);
    let mut touched = false;
    for (p, at) in [(c, ce.1), (d, d_at)] {
        if let Some(q) = [a, b].into_iter().find(|&q| d2(p, q) <= near2) {
            contacts.snaps.push((ce.0, at, q));
            touched = true;
        } else {
            let (t, dist2) = closest_on_segment(p, a, b);
            if dist2 <= near2 {
                contacts.inserts.push((FACE, fe.0, fe.1, t, p));
                touched = true;
            }
        }
    }
    for q in [a, b] {
        if d2(q, c) <= near2 || d2(q, d) <= near2 {
            continue; // a cut vertex moved onto it (above)
        }
        let (t, dist2) = closest_on_segment(q, c, d);
        if dist2 <= near2 {
            contacts.inserts.push((CUT, ce.0, ce.1, t, q));
            touched = true;
        }
    }
    if touched {
        return true; // two segments touching at a point meet nowhere else
    }
    match meet((a, b), (c, d)) {
        Meet::Clear => true,
        Meet::Cross(p) => {
            contacts
                .inserts
                .push((FACE, fe.0, fe.1, closest_on_segment(p, a, b).0, p));
            contacts
                .inserts
                .push((CUT, ce.0, ce.1, closest_on_segment(p, c, d).0, p));
            true
        }
        Meet::Unclear => false,
    }
}

/// How an edge of one boundary lies against the other polygon.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lies {
    Inside,
    Outside,
    /// Along an edge of the other boundary running the same way (face edges only).
    Along,
    /// Along an edge of the other boundary running the other way (face edges only).
    Against,
    /// Along a face edge (cut edges only: the face edge speaks for it).
    Shared,
}

fn bits(p: Coord<f64>) -> (u64, u64) {
    (p.x.to_bits(), p.y.to_bits())
}

/// Every place where the cut's edges come within [`CLEAR_DEG`] of the face's (see
/// [`contact`]), its snaps sorted by cut vertex; `None` for a shallow near-miss, a cut
/// vertex on two face vertices, or one on a face vertex and on another face edge.
fn find_contacts(
    face_rings: &[&[Coord<f64>]],
    face_edges: &[Edge],
    cut_rings: &[&[Coord<f64>]],
    near_face: &dyn Fn(&Edge) -> bool,
) -> Option<Contacts> {
    let cut_edges = edges_of(cut_rings, near_face);
    let seg = |rings: &[&[Coord<f64>]], e: &Edge| {
        let ring = rings[e.ring as usize];
        let i = e.at as usize;
        (ring[i], ring[(i + 1) % ring.len()])
    };
    let mut contacts = Contacts::default();
    let resolved = sweep_pairs(face_edges, &cut_edges, |fe, ce| {
        let n = cut_rings[ce.ring as usize].len() as u32;
        contact(
            &mut contacts,
            seg(face_rings, fe),
            seg(cut_rings, ce),
            (fe.ring, fe.at),
            (ce.ring, ce.at),
            (ce.at + 1) % n,
        )
    });
    if !resolved {
        return None;
    }
    contacts.snaps.sort_by_key(|&(r, v, _)| (r, v));
    for w in contacts.snaps.windows(2) {
        if (w[0].0, w[0].1) == (w[1].0, w[1].1) && w[0].2 != w[1].2 {
            return None; // one cut vertex on two face vertices
        }
    }
    for &(r, v, _) in &contacts.snaps {
        let original = cut_rings[r as usize][v as usize];
        if contacts
            .inserts
            .iter()
            .any(|&(k, .., p)| k == FACE && p == original)
        {
            return None; // on a face vertex and on another face edge: a pinch
        }
    }
    Some(contacts)
}

/// The face's parts inside and outside `cut`, or `None` where the noding or the tracing
/// cannot be sure (see the module documentation). `face` and `cut` must be oriented as
/// [`normalize`] leaves them.
pub fn split_noded(face: &Polygon<f64>, cut: &MultiPolygon<f64>) -> Option<Split> {
    let rings = [
        open_rings(std::iter::once(face))?,
        open_rings(cut.0.iter())?,
    ];
    let face_edges = edges_of(&rings[FACE], |_| true);
    let fb = face.bounding_rect()?;
    let (fx0, fx1, fy0, fy1) = (fb.min().x, fb.max().x, fb.min().y, fb.max().y);
    let near_face = |e: &Edge| {
        e.x1 >= fx0 - CLEAR_DEG
            && e.x0 <= fx1 + CLEAR_DEG
            && e.y1 >= fy0 - CLEAR_DEG
            && e.y0 <= fy1 + CLEAR_DEG
    };
    let mut contacts = find_contacts(&rings[FACE], &face_edges, &rings[CUT], &near_face)?;
    if contacts.inserts.is_empty() && contacts.snaps.is_empty() {
        if let Some(s) = apart(face, &fb, cut) {
            return Some(s);
        }
    }
    // the cut's vertices, moved onto the face vertices they lie on
    let mut cut_points: Vec<Vec<Coord<f64>>> = rings[CUT].iter().map(|r| r.to_vec()).collect();
    let mut moved = false;
    for &(r, v, q) in &contacts.snaps {
        let p = &mut cut_points[r as usize][v as usize];
        moved |= *p != q;
        *p = q;
    }
    if moved {
        // The edges next to a moved vertex moved too (by at most CLEAR_DEG): node again
        // with the moved vertices, which must now lie exactly on their face vertices.
        let snapped: Vec<&[Coord<f64>]> = cut_points.iter().map(Vec::as_slice).collect();
        contacts = find_contacts(&rings[FACE], &face_edges, &snapped, &near_face)?;
        if contacts
            .snaps
            .iter()
            .any(|&(r, v, q)| snapped[r as usize][v as usize] != q)
        {
            return None;
        }
    }
    // The rings with their contact points put in, as node indices: the points where the
    // boundaries meet first (both boundaries share these nodes), then every other vertex
    // a node of its own.
    contacts.inserts.sort_by(|x, y| {
        (x.0, x.1, x.2)
            .cmp(&(y.0, y.1, y.2))
            .then(x.3.total_cmp(&y.3))
    });
    let mut shared: Vec<((u64, u64), Coord<f64>)> = contacts
        .inserts
        .iter()
        .map(|&(.., p)| p)
        .chain(contacts.snaps.iter().map(|&(.., q)| q))
        .map(|p| (bits(p), p))
        .collect();
    shared.sort_unstable_by_key(|&(b, _)| b);
    shared.dedup_by_key(|&mut (b, _)| b);
    let n_shared = shared.len() as u32;
    let mut points: Vec<Coord<f64>> = shared.iter().map(|&(_, p)| p).collect();
    let node = |p: Coord<f64>, points: &mut Vec<Coord<f64>>| -> u32 {
        if n_shared > 0 {
            if let Ok(i) = shared.binary_search_by_key(&bits(p), |&(b, _)| b) {
                return i as u32;
            }
        }
        points.push(p);
        (points.len() - 1) as u32
    };
    let mut walks: [Vec<Vec<u32>>; 2] = [Vec::new(), Vec::new()];
    let mut next = 0;
    for k in [FACE, CUT] {
        for r in 0..rings[k].len() {
            let ring: &[Coord<f64>] = if k == FACE {
                rings[FACE][r]
            } else {
                &cut_points[r]
            };
            let mut walk: Vec<u32> = Vec::with_capacity(ring.len());
            for (e, &v) in ring.iter().enumerate() {
                walk.push(node(v, &mut points));
                let (mut last, mut last_t) = (v, f64::NEG_INFINITY);
                let b = ring[(e + 1) % ring.len()];
                let len = || length(v, b);
                while next < contacts.inserts.len() {
                    let (kk, rr, ee, t, p) = contacts.inserts[next];
                    if (kk, rr as usize, ee as usize) != (k, r, e) {
                        break;
                    }
                    next += 1;
                    if p == last {
                        continue; // the same point, found from two edges
                    }
                    if (t - last_t) * len() <= CLEAR_DEG {
                        return None; // two contacts (nearly) at one point
                    }
                    (last, last_t) = (p, t);
                    walk.push(node(p, &mut points));
                }
            }
            walks[k].push(walk);
        }
    }
    // Each edge between consecutive nodes, and how it lies: edges along the other
    // boundary join two shared nodes; the others lie inside or outside all along a run
    // between shared nodes (one point-in-polygon test per run).
    let is_shared = |u: u32| u < n_shared;
    let mut cut_links: Vec<(u32, u32)> = Vec::new();
    for walk in &walks[CUT] {
        for i in 0..walk.len() {
            let (u, v) = (walk[i], walk[(i + 1) % walk.len()]);
            // (a zero-length edge gives up below, where every walk is classified)
            if is_shared(u) && is_shared(v) {
                cut_links.push((u, v));
            }
        }
    }
    cut_links.sort_unstable();
    let mut face_links: Vec<(u32, u32)> = Vec::new();
    let polygons = [std::slice::from_ref(face), cut.0.as_slice()];
    let mut lies: [Vec<Vec<Lies>>; 2] = [Vec::new(), Vec::new()];
    for k in [FACE, CUT] {
        if k == CUT {
            face_links.sort_unstable();
        }
        let other = polygons[1 - k];
        for walk in &walks[k] {
            let n = walk.len();
            let mut ls = Vec::with_capacity(n);
            let mut run: Option<bool> = None;
            for i in 0..n {
                let (u, v) = (walk[i], walk[(i + 1) % n]);
                if u == v {
                    return None;
                }
                if is_shared(u) {
                    run = None; // a node on the other boundary may change the side
                }
                let link = is_shared(u) && is_shared(v);
                let has = |links: &[(u32, u32)], e: (u32, u32)| links.binary_search(&e).is_ok();
                let l = if k == FACE && link && has(&cut_links, (u, v)) {
                    face_links.push((u, v));
                    Lies::Along
                } else if k == FACE && link && has(&cut_links, (v, u)) {
                    face_links.push((v, u));
                    Lies::Against
                } else if k == CUT && link && has(&face_links, (u, v)) {
                    Lies::Shared
                } else {
                    let inside = match run {
                        Some(side) => side,
                        None => {
                            let (a, b) = (points[u as usize], points[v as usize]);
                            let mid = Coord {
                                x: 0.5 * (a.x + b.x),
                                y: 0.5 * (a.y + b.y),
                            };
                            side_clear(mid, other, CLEAR_DEG)?
                        }
                    };
                    run = Some(inside);
                    if inside {
                        Lies::Inside
                    } else {
                        Lies::Outside
                    }
                };
                ls.push(l);
            }
            lies[k].push(ls);
        }
    }
    let inside = trace_noded(&walks, &lies, &points, false)?;
    let outside = trace_noded(&walks, &lies, &points, true)?;
    finish(&rings[FACE], inside, outside)
}

/// The split of a face whose boundary the cut's comes nowhere within [`CLEAR_DEG`] of
/// (no contacts): the face, in one piece, lies wholly on one side of the cut, as any of
/// its vertices says, unless a ring of the cut lies inside the face (then `None`: the
/// rings are traced). Every vertex of each is clear of the other's boundary, so no test
/// here can come out unclear; if one does, `None` all the same.
fn apart(face: &Polygon<f64>, fb: &geo::Rect<f64>, cut: &MultiPolygon<f64>) -> Option<Split> {
    for ring in cut
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
    {
        let first = ring.0.first()?;
        if fb.intersects(first) && side_clear(*first, std::slice::from_ref(face), CLEAR_DEG)? {
            return None; // a ring of the cut inside the face
        }
    }
    let vertex = *face.exterior().0.first()?;
    Some(if side_clear(vertex, &cut.0, CLEAR_DEG)? {
        Split::Covered
    } else {
        Split::Missed
    })
}

/// The rings of the face's part inside the cut (face edges inside the cut or along a cut
/// edge running the same way, and cut edges inside the face) or outside it (face edges
/// outside or along a cut edge running the other way, and the cut edges inside the face
/// reversed), traced node to node; `None` where a node has two ways on.
fn trace_noded(
    walks: &[Vec<Vec<u32>>; 2],
    lies: &[Vec<Vec<Lies>>; 2],
    points: &[Coord<f64>],
    outside: bool,
) -> Option<Vec<Vec<Coord<f64>>>> {
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for k in [FACE, CUT] {
        for (walk, ls) in walks[k].iter().zip(&lies[k]) {
            let n = walk.len();
            for (i, &l) in ls.iter().enumerate() {
                let (u, v) = (walk[i], walk[(i + 1) % n]);
                let wanted = match (k, l, outside) {
                    (FACE, Lies::Inside | Lies::Along, false) => Some((u, v)),
                    (FACE, Lies::Outside | Lies::Against, true) => Some((u, v)),
                    (CUT, Lies::Inside, false) => Some((u, v)),
                    (CUT, Lies::Inside, true) => Some((v, u)),
                    _ => None,
                };
                edges.extend(wanted);
            }
        }
    }
    let mut out_of: Vec<u32> = vec![u32::MAX; points.len()];
    for (i, &(u, _)) in edges.iter().enumerate() {
        if out_of[u as usize] != u32::MAX {
            return None; // two ways on from one node
        }
        out_of[u as usize] = i as u32;
    }
    let mut used = vec![false; edges.len()];
    let mut rings = Vec::new();
    for start in 0..edges.len() {
        if used[start] {
            continue;
        }
        let mut ring = Vec::new();
        let mut e = start;
        loop {
            if used[e] {
                if e != start {
                    return None;
                }
                break;
            }
            used[e] = true;
            let (u, v) = edges[e];
            ring.push(points[u as usize]);
            let onward = out_of[v as usize];
            if onward == u32::MAX {
                return None; // a dead end
            }
            e = onward as usize;
        }
        if ring.len() < 3 {
            return None;
        }
        rings.push(ring);
    }
    Some(rings)
}

/// The split from the traced rings of both parts, after the check that their areas add
/// up to the face's.
fn finish(
    face_rings: &[&[Coord<f64>]],
    inside: Vec<Vec<Coord<f64>>>,
    outside: Vec<Vec<Coord<f64>>>,
) -> Option<Split> {
    let area = |rings: &[Vec<Coord<f64>>]| rings.iter().map(|r| twice_signed_area(r)).sum::<f64>();
    let whole: f64 = face_rings.iter().map(|r| twice_signed_area(r)).sum();
    let (a_in, a_out) = (area(&inside), area(&outside));
    if (a_in + a_out - whole).abs() > 1e-9 * whole.abs() || a_in < 0.0 || a_out < 0.0 {
        return None;
    }
    // one side empty: the face as it is, without assembling the other
    if inside.is_empty() {
        return Some(Split::Missed);
    }
    if outside.is_empty() {
        return Some(Split::Covered);
    }
    let inside = normalize(assemble(inside)?);
    let outside = normalize(assemble(outside)?);
    Some(match (inside.0.is_empty(), outside.0.is_empty()) {
        (true, _) => Split::Missed,
        (false, true) => Split::Covered,
        (false, false) => Split::Parts { inside, outside },
    })
}

/// An exterior being assembled: twice its area, its ring (closed), its holes so far.
type Assembling = (f64, LineString<f64>, Vec<LineString<f64>>);

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
        .map(|r| (twice_signed_area(&r), close(r), Vec::new()))
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
            .map(|(_, r, holes)| Polygon::new(r, holes))
            .collect(),
    ))
}

/// The smallest of the exteriors holding the hole: decided by the first of its vertices
/// clear of every exterior's boundary.
fn holder(hole: &[Coord<f64>], polygons: &[Assembling]) -> Option<usize> {
    let sides = hole.iter().find_map(|&p| {
        polygons
            .iter()
            .map(|(_, r, _)| ring_side_clear(p, r, CLEAR_DEG))
            .collect::<Option<Vec<bool>>>()
    })?;
    (0..polygons.len())
        .filter(|&k| sides[k])
        .min_by(|&a, &b| polygons[a].0.total_cmp(&polygons[b].0))
}

/// What `cut` does to `face`, by the cheapest judge that can tell: [`split_noded`];
/// then, for a face and cut whose boundaries touch, the rings alone when they show the
/// face wholly on one side ([`rings_decide_unpinched`]); else one overlay. A `pinched`
/// face (rings touching: [`super::sides::pinched`]) goes straight to the overlay.
pub fn split(face: &Polygon<f64>, cut: &MultiPolygon<f64>, pinched: bool) -> Split {
    if !pinched {
        if let Some(s) = split_noded(face, cut) {
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

/// `(a − cut, a ∩ cut)`, part by part with [`split`]: what [`split_by`] gives for a valid
/// `a` (whose parts do not overlap), each part decided without an overlay graph where it
/// can be. The parts taken from one part of `a` do not share edges with those of another.
pub fn split_parts(
    a: &MultiPolygon<f64>,
    cut: &MultiPolygon<f64>,
) -> (MultiPolygon<f64>, MultiPolygon<f64>) {
    let (mut outside, mut inside) = (Vec::new(), Vec::new());
    for p in &a.0 {
        match split(p, cut, pinched(p)) {
            Split::Covered => inside.push(p.clone()),
            Split::Missed => outside.push(p.clone()),
            Split::Parts {
                inside: i,
                outside: o,
            } => {
                inside.extend(i.0);
                outside.extend(o.0);
            }
        }
    }
    (MultiPolygon::new(outside), MultiPolygon::new(inside))
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
        let Some(Split::Parts { inside, outside }) = split_noded(&face, &cut) else {
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
        let Some(Split::Parts { inside, outside }) = split_noded(&face, &cut) else {
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
            split_noded(&face, &square(-1., -1., 5., 5.)),
            Some(Split::Covered)
        );
        assert_eq!(
            split_noded(&face, &square(6., 6., 7., 7.)),
            Some(Split::Missed)
        );
        // a cut inside the face's hole misses it
        assert_eq!(
            split_noded(&face, &square(1.5, 1.5, 2.5, 2.5)),
            Some(Split::Missed)
        );
        // a cut across the hole: the face's part inside is the band less the hole
        let Some(Split::Parts { inside, .. }) = split_noded(&face, &square(-1., 1.5, 5., 2.5))
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
    fn touching_boundaries_are_noded() {
        let face = one(square(0., 0., 4., 2.));
        // a shared edge, an exact copy, a square on part of an edge, one on a corner
        let noded = |cut: &MultiPolygon<f64>| split_noded(&face, cut);
        assert_eq!(noded(&square(4., 0., 5., 2.)), Some(Split::Missed));
        assert_eq!(noded(&square(0., 0., 4., 2.)), Some(Split::Covered));
        assert_eq!(noded(&square(2., 2., 3., 3.)), Some(Split::Missed));
        assert_eq!(noded(&square(4., 2., 5., 3.)), Some(Split::Missed));
        // a cut along the bottom edge and part of the left one, inside: 1 × 1
        let Some(Split::Parts { inside, outside }) = noded(&square(0., 0., 1., 1.)) else {
            panic!("the corner square takes part of the face");
        };
        assert!((inside.unsigned_area() - 1.0).abs() < 1e-12);
        assert!((outside.unsigned_area() - 7.0).abs() < 1e-12);
        // a diamond with one corner on the bottom edge and one on the right edge: it
        // takes the triangle (3, 0), (4, 0), (4, 1)
        let diamond = normalize(MultiPolygon::new(vec![Polygon::new(
            geo::LineString::from(vec![(4., -1.), (5., 0.), (4., 1.), (3., 0.)]),
            vec![],
        )]));
        let Some(Split::Parts { inside, outside }) = noded(&diamond) else {
            panic!("the diamond takes a corner of the face");
        };
        assert!(
            (inside.unsigned_area() - 0.5).abs() < 1e-12,
            "a quarter of the diamond"
        );
        assert!((outside.unsigned_area() - 7.5).abs() < 1e-12);
        assert!(difference(&inside, &diamond).unsigned_area() < 1e-12);
        assert!(intersection(&outside, &diamond).unsigned_area() < 1e-12);
        // a cut vertex within 1e-9° of a face vertex is moved onto it
        let near_corner = square(4. + 1e-10, 1., 5., 2. - 1e-10);
        assert_eq!(noded(&near_corner), Some(Split::Missed));
    }

    #[test]
    fn two_ways_on_from_one_node_are_left_to_the_overlay() {
        // two triangles of the cut meet at (2, 0), on the face's bottom edge: from that
        // node the part outside could go on three ways
        let face = one(square(0., 0., 4., 2.));
        let triangle = |pts: Vec<(f64, f64)>| {
            normalize(MultiPolygon::new(vec![Polygon::new(
                geo::LineString::from(pts),
                vec![],
            )]))
            .0
        };
        let mut cut = MultiPolygon::new(triangle(vec![(1., 1.), (2., 0.), (1.8, 1.)]));
        cut.0.extend(triangle(vec![(2.2, 1.), (2., 0.), (3., 1.)]));
        assert_eq!(split_noded(&face, &cut), None);
        let Split::Parts { inside, .. } = split(&face, &cut, false) else {
            panic!("the overlay splits it");
        };
        assert!(
            (inside.unsigned_area() - 0.8).abs() < 1e-9,
            "two triangles of 0.4"
        );
    }
}
