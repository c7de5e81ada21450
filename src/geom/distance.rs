//! Shortest distance on the WGS84 ellipsoid from a point to a lon/lat polygon (R8).
//!
//! The polygon's edges are straight lines in lon/lat (as the overlays build them). In a
//! local plane centred on the point (lon/lat scaled by the ellipsoid's radii of curvature
//! there) those edges stay straight, so the closest point of every edge is found exactly
//! in that plane; the few edges whose planar distance is within 1 % (+1 m) of the best are
//! then measured with Karney's geodesic inverse (geographiclib) and the smallest geodesic
//! distance is returned. Points inside or on the polygon are at distance 0. The planar
//! metric only chooses *which* point of the boundary to measure to, so its distortion
//! over tens of kilometres enters the result to second order only (well inside R8's
//! 0.5 % or 1 m).

use geo::{Coord, MultiPolygon, Point};
use geographiclib_rs::{Geodesic, InverseGeodesic};

use super::planar::{closest_on_segment, crosses_ray};
use super::{WGS84_A_M as A_M, WGS84_F as F};

/// Geodesic distance in metres between two lon/lat points.
pub fn geodesic_m(a: Point<f64>, b: Point<f64>) -> f64 {
    let s12: f64 = Geodesic::wgs84().inverse(a.y(), a.x(), b.y(), b.x());
    s12
}

/// Metres per degree of longitude and of latitude at latitude `lat_deg`.
pub fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    let e2 = F * (2.0 - F);
    let phi = lat_deg.to_radians();
    let w = 1.0 - e2 * phi.sin().powi(2);
    let n = A_M / w.sqrt();
    let m = A_M * (1.0 - e2) / w.powf(1.5);
    (
        n * phi.cos() * std::f64::consts::PI / 180.0,
        m * std::f64::consts::PI / 180.0,
    )
}

/// Margins in degrees (lon, lat) that surely contain everything within `distance_m` of a
/// box whose largest absolute latitude is `max_abs_lat_deg`.
pub fn margin_deg(distance_m: f64, max_abs_lat_deg: f64) -> (f64, f64) {
    let dlat = distance_m / 110_000.0;
    let lat = (max_abs_lat_deg + dlat).min(89.9);
    let (mx, _) = metres_per_degree(lat);
    ((distance_m / (mx * 0.99)).min(360.0), dlat)
}

/// Local-plane distance in metres (the metric of [`planar`]) from `p` to the rectangle
/// `b`: a lower bound of `planar(p, mp).metres` for every `mp` inside `b`, so candidates
/// whose box is already too far need no pass over their edges.
pub fn planar_to_rect_m(p: Point<f64>, b: &geo::Rect<f64>) -> f64 {
    let (kx, ky) = metres_per_degree(p.y());
    let dx = (b.min().x - p.x()).max(p.x() - b.max().x).max(0.0) * kx;
    let dy = (b.min().y - p.y()).max(p.y() - b.max().y).max(0.0) * ky;
    (dx * dx + dy * dy).sqrt()
}

/// The planar (local-plane) view of a point and a polygon: distance in metres to the
/// nearest edge, whether the point is inside, and the closest points of the edges that
/// are nearly as close as the nearest one.
#[derive(Debug, Clone)]
pub struct Planar {
    /// Distance in the local plane, metres (0 when inside or on the boundary).
    pub metres: f64,
    /// Closest points (lon/lat) of the edges within 1 % (+1 m) of the nearest.
    closest: Vec<Coord<f64>>,
}

/// Local-plane distance to every edge and the crossing number (even-odd, which for valid
/// polygons with holes is inside/outside); a second pass over the edges collects the
/// closest points of those nearly as close as the nearest.
pub fn planar(p: Point<f64>, mp: &MultiPolygon<f64>) -> Planar {
    let (kx, ky) = metres_per_degree(p.y());
    let to_plane = |c: Coord<f64>| Coord {
        x: (c.x - p.x()) * kx,
        y: (c.y - p.y()) * ky,
    };
    let origin = Coord { x: 0.0, y: 0.0 };
    // Per edge, in the plane centred on the point: whether it crosses the ray, its
    // closest point's parameter and squared distance; no square root or allocation.
    let edges = || {
        mp.0.iter()
            .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
            .flat_map(|ring| ring.lines())
            .map(|seg| {
                let (a, b) = (to_plane(seg.start), to_plane(seg.end));
                let (t, d2) = closest_on_segment(origin, a, b);
                (seg, crosses_ray(origin, a, b), d2, t)
            })
    };
    let mut crossings = 0usize;
    let mut best2 = f64::INFINITY;
    for (_, crosses, d2, _) in edges() {
        crossings += usize::from(crosses);
        best2 = best2.min(d2);
    }
    let best = best2.sqrt();
    if crossings % 2 == 1 || best == 0.0 {
        return Planar {
            metres: 0.0,
            closest: Vec::new(),
        };
    }
    // The edges within 1 % (+1 m) of the nearest: their closest points are measured
    // geodesically when the planar distance alone cannot decide.
    let limit = best * 1.01 + 1.0;
    let limit2 = limit * limit;
    Planar {
        metres: best,
        closest: edges()
            .filter(|e| e.2 <= limit2)
            .map(|(seg, _, _, t)| Coord {
                x: seg.start.x + t * (seg.end.x - seg.start.x),
                y: seg.start.y + t * (seg.end.y - seg.start.y),
            })
            .collect(),
    }
}

impl Planar {
    /// The geodesic distance in metres from `p` (the point `planar` was computed for).
    pub fn geodesic_m(&self, p: Point<f64>) -> f64 {
        self.closest.iter().map(|c| geodesic_m(p, Point(*c))).fold(
            if self.closest.is_empty() {
                0.0
            } else {
                f64::INFINITY
            },
            f64::min,
        )
    }
}

/// Relative error bound of the local-plane distance against the geodesic one, for
/// distances up to `distance_m` at latitude `lat_deg`: the plane's east-west scale drifts
/// by about tan(φ)·(d/R) over d. Used to decide "within the radius" without a geodesic
/// computation when the planar distance is clearly inside or outside.
pub fn planar_tolerance(distance_m: f64, lat_deg: f64) -> f64 {
    0.01 + 3.0 * (distance_m / 6_371_000.0) * lat_deg.to_radians().tan().abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Intersects, LineString, Polygon};

    /// Geodesic distance in metres from `p` to the polygon `mp` (0 inside or on it): how
    /// R8's search uses [`planar`] for one polygon.
    fn point_to_polygon_m(p: Point<f64>, mp: &MultiPolygon<f64>) -> f64 {
        if mp.intersects(&p) {
            return 0.0;
        }
        planar(p, mp).geodesic_m(p)
    }
    use rand::{Rng, SeedableRng};

    /// Brute force: the boundary densified to ≤ 1 m steps, geodesic distance to every point.
    fn brute_force_m(p: Point<f64>, mp: &MultiPolygon<f64>) -> f64 {
        let mut best = f64::INFINITY;
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for seg in ring.lines() {
                    let len = geodesic_m(Point(seg.start), Point(seg.end));
                    let steps = (len / 1.0).ceil().max(1.0) as usize;
                    for k in 0..=steps {
                        let t = k as f64 / steps as f64;
                        let q = Point::new(
                            seg.start.x + t * (seg.end.x - seg.start.x),
                            seg.start.y + t * (seg.end.y - seg.start.y),
                        );
                        best = best.min(geodesic_m(p, q));
                    }
                }
            }
        }
        best
    }

    fn random_polygon(rng: &mut impl Rng, cx: f64, cy: f64) -> MultiPolygon<f64> {
        let n = rng.gen_range(5..12);
        let r = rng.gen_range(0.002..0.02);
        let pts = crate::geom::test_shapes::star_points(rng, (cx, cy), r, n, 0.5);
        MultiPolygon::new(vec![Polygon::new(LineString::from(pts), vec![])])
    }

    #[test]
    fn matches_brute_force_on_seeded_random_cases() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..40 {
            let (cx, cy) = (rng.gen_range(60.0..75.0), rng.gen_range(30.0..50.0));
            let mp = random_polygon(&mut rng, cx, cy);
            let p = Point::new(cx + rng.gen_range(-0.2..0.2), cy + rng.gen_range(-0.2..0.2));
            let got = point_to_polygon_m(p, &mp);
            let want = brute_force_m(p, &mp);
            // Brute force overestimates by at most half a step (0.5 m).
            assert!(
                (got - want).abs() <= (0.005 * want).max(1.0),
                "got {got} want {want}"
            );
        }
    }

    #[test]
    fn inside_and_on_boundary_are_zero() {
        let mp = MultiPolygon::new(vec![
            geo::Rect::new((69.0, 38.0), (69.01, 38.01)).to_polygon()
        ]);
        assert_eq!(point_to_polygon_m(Point::new(69.005, 38.005), &mp), 0.0);
        assert_eq!(point_to_polygon_m(Point::new(69.01, 38.005), &mp), 0.0);
    }

    #[test]
    fn due_north_distance_is_the_meridian_arc() {
        // A point straight north of an edge along a parallel: distance is the meridian arc,
        // ≈ 1 km for 0.009° of latitude at 38° (M ≈ 6 360 km ⇒ 111.0 km/°).
        let mp = MultiPolygon::new(vec![
            geo::Rect::new((69.0, 38.0), (69.02, 38.01)).to_polygon()
        ]);
        let p = Point::new(69.01, 38.019);
        let got = point_to_polygon_m(p, &mp);
        let want = geodesic_m(p, Point::new(69.01, 38.01));
        assert!((got - want).abs() < 0.01);
        let (_, ky) = metres_per_degree(38.0145);
        assert!((want - 0.009 * ky).abs() < 0.5, "{want}");
    }
}
