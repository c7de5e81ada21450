//! Ring cleaning and the sliver rule: what every geometry goes through, after R1's repair
//! and after every overlay ([`normalize`]).
//!
//! Rings are closed `LineString`s in lon/lat degrees. Cleaning removes repeated
//! consecutive vertices and zero-area spikes (a vertex where the ring turns straight
//! back); the sliver rule drops parts and holes under [`SLIVER_DEG2`]; orientation is
//! then exteriors counter-clockwise, holes clockwise (what `geo`'s boolean operations
//! need). [`compact`] drops a geometry's spare vector capacity (what is kept for long).

use geo::{Area, Coord, LineString, MultiPolygon, Polygon, Winding};

use super::SLIVER_DEG2;

/// Removes spikes left by overlays, drops slivers and orients rings (exterior
/// counter-clockwise, holes clockwise; a part whose area less its holes' is under
/// [`SLIVER_DEG2`] goes too), in one pass over each polygon's rings, each measured once,
/// nothing cloned (every overlay result goes through here).
pub fn normalize(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let mut ignored = Cleaned::default();
    MultiPolygon::new(
        mp.0.into_iter()
            .filter_map(|p| {
                let (exterior, interiors) = p.into_inner();
                let (mut exterior, exterior_deg2) = ring_area(clean_ring(exterior, &mut ignored)?);
                if exterior_deg2 < SLIVER_DEG2 {
                    return None;
                }
                let mut area_deg2 = exterior_deg2;
                let mut holes = Vec::with_capacity(interiors.len());
                for hole in interiors {
                    let Some(hole) = clean_ring(hole, &mut ignored) else {
                        continue;
                    };
                    let (mut hole, hole_deg2) = ring_area(hole);
                    if hole_deg2 >= SLIVER_DEG2 {
                        // (the order `geo`'s polygon area subtracts them in)
                        area_deg2 -= hole_deg2;
                        hole.make_cw_winding();
                        holes.push(hole);
                    }
                }
                if area_deg2.abs() < SLIVER_DEG2 {
                    return None;
                }
                exterior.make_ccw_winding();
                Some(Polygon::new(exterior, holes))
            })
            .collect(),
    )
}

/// A ring and its planar area (deg², unsigned), as `geo` measures a polygon of it alone.
fn ring_area(ring: LineString<f64>) -> (LineString<f64>, f64) {
    let alone = Polygon::new(ring, vec![]);
    let area_deg2 = alone.unsigned_area();
    (alone.into_inner().0, area_deg2)
}

/// What [`clean_ring`] removed, summed over the rings it cleaned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Repeated consecutive vertices (the closing point is not one).
    pub repeated: usize,
    /// Zero-area spike tips.
    pub spikes: usize,
}

/// Removes repeated vertices and spikes from a ring, counting them in `cleaned`; `None`
/// when fewer than 3 distinct points remain. The one ring-cleaning rule: R1's repair and
/// [`normalize`] after every overlay both use it.
pub fn clean_ring(ring: LineString<f64>, cleaned: &mut Cleaned) -> Option<LineString<f64>> {
    let mut pts: Vec<Coord<f64>> = ring.0;
    let before = pts.len();
    pts.dedup();
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // The closing point is not a repeated vertex.
    cleaned.repeated += before.saturating_sub(pts.len() + 1);
    cleaned.spikes += remove_spikes(&mut pts);
    close_ring(pts)
}

/// Closes an open ring; `None` when fewer than 3 points remain. The vector has room for
/// the closing point ([`remove_spikes`] makes it so).
fn close_ring(mut pts: Vec<Coord<f64>>) -> Option<LineString<f64>> {
    if pts.len() < 3 {
        return None;
    }
    pts.push(pts[0]);
    Some(LineString::new(pts))
}

/// Removes spike vertices (and the duplicates their removal leaves) from an open ring,
/// cyclically; returns how many spike tips were removed. A stack pass leaves no spike
/// among consecutive vertices; only the two triples across the ring's start remain to
/// check, and each removal there triggers another (linear) pass.
fn remove_spikes(pts: &mut Vec<Coord<f64>>) -> usize {
    let mut removed = 0;
    loop {
        // room for the closing point `close_ring` adds: pushed onto a full vector, it
        // would double the ring's memory (every repaired and every overlaid ring)
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(pts.len() + 1);
        for &p in pts.iter() {
            while out.len() >= 2 && is_spike(out[out.len() - 2], out[out.len() - 1], p) {
                out.pop();
                removed += 1;
            }
            if !out.last().is_some_and(|&q| near(q, p)) {
                out.push(p);
            }
        }
        while out.len() > 1 && near(out[0], out[out.len() - 1]) {
            out.pop();
        }
        let n = out.len();
        if n >= 3 && is_spike(out[n - 1], out[0], out[1]) {
            out.remove(0);
        } else if n >= 3 && is_spike(out[n - 2], out[n - 1], out[0]) {
            out.pop();
        } else {
            *pts = out;
            return removed;
        }
        removed += 1;
        *pts = out;
    }
}

/// Points closer than 1e-9° (≈ 0.1 mm) on both axes are one vertex: overlays leave such
/// pairs at the tip of needles, and merging them lets the needle be seen as a spike.
fn near(p: Coord<f64>, q: Coord<f64>) -> bool {
    (p.x - q.x).abs() <= 1e-9 && (p.y - q.y).abs() <= 1e-9
}

/// True when the ring goes out from `prev` to `v` and comes (almost) straight back: the
/// turn is a reversal (obtuse back-turn) and either within 1e-8 rad of a full reversal,
/// or the triangle it cuts off is below the sliver size (a needle left by an overlay).
/// Removing such a vertex changes the area by less than [`SLIVER_DEG2`] (absolute case)
/// or L²·1e-8/2 (angular case).
fn is_spike(prev: Coord<f64>, v: Coord<f64>, next: Coord<f64>) -> bool {
    let a = v - prev;
    let b = next - v;
    let cross = a.x * b.y - a.y * b.x;
    let dot = a.x * b.x + a.y * b.y;
    // |cross| ≤ 1e-8·|a|·|b|, squared to avoid two square roots on every vertex.
    let angular = cross * cross <= 1e-16 * (a.x * a.x + a.y * a.y) * (b.x * b.x + b.y * b.y);
    dot < 0.0 && (angular || cross.abs() <= 2.0 * SLIVER_DEG2)
}

/// Drops the spare capacity of a geometry's vectors (built by pushing, they hold up to
/// twice their coordinates): the same coordinates in the same order, less memory. Only
/// where a vector is at least twice too big, under mimalloc: its `mi_realloc` shrinks a
/// block in place when the new size is at least half the old, so the rest stays
/// allocated; what keeps rings small is making them with room for what they hold
/// ([`clean_ring`]).
pub fn compact(mp: &mut MultiPolygon<f64>) {
    mp.0.shrink_to_fit();
    mp.0.iter_mut().for_each(compact_polygon);
}

/// [`compact`] for one polygon.
pub fn compact_polygon(p: &mut Polygon<f64>) {
    // (the rings stay as they are: `exterior_mut` only closes a ring that is open)
    p.exterior_mut(|r| r.0.shrink_to_fit());
    p.interiors_mut(|rings| {
        for r in rings {
            r.0.shrink_to_fit();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliver_parts_and_holes_are_dropped() {
        let tiny = 1e-7; // 1e-14 deg²
        let mp = MultiPolygon::new(vec![
            Polygon::new(
                LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]),
                vec![LineString::from(vec![
                    (0.5, 0.5),
                    (0.5 + tiny, 0.5),
                    (0.5, 0.5 + tiny),
                    (0.5, 0.5),
                ])],
            ),
            Polygon::new(
                LineString::from(vec![(3., 3.), (3. + tiny, 3.), (3., 3. + tiny), (3., 3.)]),
                vec![],
            ),
        ]);
        let out = normalize(mp);
        assert_eq!(out.0.len(), 1);
        assert!(out.0[0].interiors().is_empty());
    }

    #[test]
    fn cleaning_never_grows_a_ring() {
        // as read (exact), with a repeated vertex, with a spike: a ring comes out of the
        // cleaning with room for at most the vertices it came in with (its closing point
        // pushed onto a full vector doubled a ring's memory: every repaired and every
        // overlaid ring)
        let rings = [
            vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)],
            vec![(0., 0.), (1., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)],
            vec![
                (0., 0.),
                (1., 0.),
                (2., 0.5),
                (1., 0.),
                (1., 1.),
                (0., 1.),
                (0., 0.),
            ],
        ];
        for pts in rings {
            let mut exact: Vec<Coord<f64>> = Vec::with_capacity(pts.len());
            exact.extend(pts.iter().map(|&(x, y)| Coord { x, y }));
            let ring =
                clean_ring(LineString::new(exact), &mut Cleaned::default()).expect("a square");
            assert_eq!(ring.0.len(), 5, "{pts:?}");
            assert!(ring.0.capacity() <= pts.len(), "{pts:?}");
            let out = normalize(MultiPolygon::new(vec![Polygon::new(ring, vec![])]));
            assert!(out.0[0].exterior().0.capacity() <= pts.len(), "{pts:?}");
        }
    }
}
