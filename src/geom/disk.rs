//! Interior points with clearance: a cheap, exact *sufficient* test that two polygons
//! share more than a sliver, so that most "do these interiors intersect?" questions (R3)
//! need no overlay.
//!
//! [`InteriorDisk::of`] finds a point inside a MultiPolygon and its clearance: the
//! planar distance (degrees) to the nearest edge. It scans a few horizontal lines across
//! each part, takes the midpoint of the widest inside interval of each, and keeps the
//! point farthest from every edge (the idea of GEOS's InteriorPoint; named apart from
//! `geo::InteriorPoint`, whose trait it would shadow). [`shares_disk`] then
//! asks whether a disk of radius [`DISK_DEG`] around that point lies inside both
//! polygons. Such a disk has an area of π·1e-12 deg², more than the sliver size
//! ([`SLIVER_DEG2`](super::SLIVER_DEG2)), so the overlap then surely keeps a
//! part after the sliver rule. When the test says no, nothing is known and the caller
//! computes the overlay.

use geo::{Coord, LineString, MultiPolygon, Polygon};

use super::planar::{box_near, closest_on_segment, crosses_ray, edges};

/// Radius (degrees) of the disk that must fit in both polygons: π·DISK_DEG² > 1e-12 deg²,
/// and 1e-6° is about ten thousand times the overlays' rounding.
pub const DISK_DEG: f64 = 1e-6;

/// A point inside a polygon and its distance to the polygon's boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InteriorDisk {
    /// Longitude/latitude, degrees.
    pub point: Coord<f64>,
    /// Planar distance to the nearest edge, degrees.
    pub clearance_deg: f64,
}

/// Whether `p` lies inside `polygons` (even-odd over all rings, which for valid polygons
/// with holes is inside/outside), and its planar distance (degrees) to the nearest edge.
pub fn locate(p: Coord<f64>, polygons: &[Polygon<f64>]) -> (bool, f64) {
    let mut inside = false;
    let mut best2 = f64::INFINITY;
    for (a, b) in edges(polygons) {
        inside ^= crosses_ray(p, a, b);
        best2 = best2.min(closest_on_segment(p, a, b).1);
    }
    (inside, best2.sqrt())
}

/// The side of `polygons` that `p` lies on (`true`: inside) when it lies at least `clear`
/// from every edge, `None` when nearer: [`locate`]'s `clearance >= clear` test, with the
/// edges whose boxes lie farther skipped.
pub fn side_clear(p: Coord<f64>, polygons: &[Polygon<f64>], clear: f64) -> Option<bool> {
    let mut inside = false;
    // (the rings walked by hand, not through `planar::edges`: this is the arrangement's
    // innermost loop, and perf showed the flattening iterator's own cost there)
    for polygon in polygons {
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            inside ^= ring_side_clear(p, ring, clear)?;
        }
    }
    Some(inside)
}

/// [`side_clear`] of one closed ring alone: whether `p` lies inside it, `None` when
/// nearer than `clear` to one of its edges.
#[inline]
pub fn ring_side_clear(p: Coord<f64>, ring: &LineString<f64>, clear: f64) -> Option<bool> {
    let mut inside = false;
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        inside ^= crosses_ray(p, a, b);
        if box_near(p, a, b, clear) && closest_on_segment(p, a, b).1.sqrt() < clear {
            return None;
        }
    }
    Some(inside)
}

impl InteriorDisk {
    /// A point inside `polygons` (a MultiPolygon's parts, or one polygon) with as much
    /// clearance as a few scan lines find; `None` for an empty geometry.
    pub fn of(polygons: &[Polygon<f64>]) -> Option<InteriorDisk> {
        use geo::BoundingRect;
        let mut best: Option<InteriorDisk> = None;
        for part in polygons {
            let Some(b) = part.bounding_rect() else {
                continue;
            };
            for k in [0.5, 0.3, 0.7] {
                let y = b.min().y + k * b.height();
                let mut xs: Vec<f64> = std::iter::once(part.exterior())
                    .chain(part.interiors())
                    .flat_map(|ring| ring.0.windows(2))
                    .filter(|w| (w[0].y > y) != (w[1].y > y))
                    .map(|w| w[0].x + (y - w[0].y) * (w[1].x - w[0].x) / (w[1].y - w[0].y))
                    .collect();
                xs.sort_by(f64::total_cmp);
                let Some(widest) = xs
                    .chunks_exact(2)
                    .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
                else {
                    continue;
                };
                let point = Coord {
                    x: (widest[0] + widest[1]) / 2.0,
                    y,
                };
                let (inside, clearance_deg) = locate(point, polygons);
                if inside && best.is_none_or(|b| clearance_deg > b.clearance_deg) {
                    best = Some(InteriorDisk {
                        point,
                        clearance_deg,
                    });
                }
            }
        }
        best
    }
}

/// True when a disk of radius [`DISK_DEG`] lies inside both `a` and `b`, found around the
/// interior point of either: then `a ∩ b` keeps more than a sliver. False means "not
/// shown", not "disjoint".
pub fn shares_disk(
    a: &MultiPolygon<f64>,
    a_point: Option<&InteriorDisk>,
    b: &MultiPolygon<f64>,
    b_point: Option<&InteriorDisk>,
) -> bool {
    disk_fits(a_point, b) || disk_fits(b_point, a)
}

/// True when `ip` (an interior point of some polygon, with its clearance) has a disk of
/// radius [`DISK_DEG`] inside that polygon and inside `other`.
pub fn disk_fits(ip: Option<&InteriorDisk>, other: &MultiPolygon<f64>) -> bool {
    ip.is_some_and(|ip| {
        ip.clearance_deg >= DISK_DEG && side_clear(ip.point, &other.0, DISK_DEG) == Some(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::overlay::intersection;
    use crate::geom::ring::normalize;
    use geo::{Area, LineString, Rect};
    use rand::{Rng, SeedableRng};

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![Rect::new((x0, y0), (x1, y1)).to_polygon()])
    }

    #[test]
    fn interior_point_of_a_square_is_its_centre_line() {
        let ip = InteriorDisk::of(&square(0., 0., 2., 1.).0).unwrap();
        assert_eq!(ip.point, Coord { x: 1.0, y: 0.5 });
        assert!((ip.clearance_deg - 0.5).abs() < 1e-12);
    }

    #[test]
    fn interior_point_avoids_holes() {
        // A 3×3 square with a 1×1 hole in the middle: the centre is in the hole.
        let outer = Rect::new((0., 0.), (3., 3.)).to_polygon();
        let hole = Rect::new((1., 1.), (2., 2.)).to_polygon();
        let mp = MultiPolygon::new(vec![Polygon::new(
            outer.exterior().clone(),
            vec![hole.exterior().clone()],
        )]);
        let ip = InteriorDisk::of(&mp.0).unwrap();
        assert!(locate(ip.point, &mp.0).0);
        assert!(!(1.0..=2.0).contains(&ip.point.x) || !(1.0..=2.0).contains(&ip.point.y));
        assert!(ip.clearance_deg > 0.1);
    }

    #[test]
    fn squares_touching_along_an_edge_share_no_disk() {
        let (a, b) = (square(0., 0., 1., 1.), square(1., 0., 2., 1.));
        let (ia, ib) = (InteriorDisk::of(&a.0), InteriorDisk::of(&b.0));
        assert!(!shares_disk(&a, ia.as_ref(), &b, ib.as_ref()));
    }

    /// Against the overlay on seeded random star polygons: whenever the disk test says
    /// the polygons share a disk, their intersection keeps more than a sliver; and it
    /// says so for most pairs that overlap substantially (else it would save nothing).
    #[test]
    fn disk_test_never_contradicts_the_overlay() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let star = |rng: &mut rand_chacha::ChaCha8Rng, cx: f64, cy: f64, r: f64| {
            let n = rng.gen_range(4..40);
            let pts = crate::geom::test_shapes::star_points(rng, (cx, cy), r, n, 0.4);
            normalize(MultiPolygon::new(vec![Polygon::new(
                LineString::from(pts),
                vec![],
            )]))
        };
        let (mut shown, mut overlapping) = (0, 0);
        for _ in 0..2000 {
            let a = star(&mut rng, 70.0, 38.0, 0.01);
            let (dx, dy) = (rng.gen_range(-0.02..0.02), rng.gen_range(-0.02..0.02));
            let r = rng.gen_range(0.0005..0.01);
            let b = star(&mut rng, 70.0 + dx, 38.0 + dy, r);
            let piece = intersection(&a, &b);
            let said = shares_disk(
                &a,
                InteriorDisk::of(&a.0).as_ref(),
                &b,
                InteriorDisk::of(&b.0).as_ref(),
            );
            if said {
                shown += 1;
                assert!(
                    piece.unsigned_area() >= std::f64::consts::PI * DISK_DEG * DISK_DEG * 0.99,
                    "disk shown but the overlap is {}",
                    piece.unsigned_area()
                );
            }
            if piece.unsigned_area() > 0.1 * a.unsigned_area().min(b.unsigned_area()) {
                overlapping += 1;
            }
        }
        assert!(
            shown * 2 > overlapping,
            "shown {shown} of {overlapping} substantial overlaps"
        );
    }
}
