//! Spatial indexes: `rstar` R-trees of bounding boxes and points, keyed by record index.
//!
//! Coordinates are lon/lat degrees. The trees only find *candidates*: every caller
//! checks the exact geometry (or geodesic distance) of what a query returns.

use geo::{BoundingRect, MultiPolygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

/// A bounding box carrying the index of its record.
pub type IndexedBox = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree of record bounding boxes.
pub type BoxTree = RTree<IndexedBox>;

/// A point carrying the index of its record.
pub type IndexedPoint = GeomWithData<[f64; 2], usize>;

/// A point on the WGS84 ellipsoid in earth-centred coordinates (metres, see [`ecef`]),
/// carrying the index of its record.
pub type IndexedEcef = GeomWithData<[f64; 3], usize>;

/// Whether two boxes meet (`false` when either is missing: an empty geometry).
pub fn boxes_meet(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> bool {
    use geo::Intersects;
    matches!((a, b), (Some(a), Some(b)) if a.intersects(&b))
}

/// The groups of `0..n` that `pairs` join (union-find), each in index order, the groups
/// in order of their first member.
pub fn groups(n: usize, pairs: impl IntoIterator<Item = (usize, usize)>) -> Vec<Vec<usize>> {
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, j) in pairs {
        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
        if a != b {
            // the smaller index is the root: a group's root is its first member
            parent[a.max(b)] = a.min(b);
        }
    }
    let mut out: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        out.entry(r).or_default().push(i);
    }
    out.into_values().collect()
}

/// The bounding box of a polygonal geometry, `None` when it is empty.
pub fn bbox(mp: &MultiPolygon<f64>) -> Option<Rect<f64>> {
    mp.bounding_rect()
}

/// An rstar envelope from a `geo` rectangle, grown by `margin_x`/`margin_y` degrees.
pub fn envelope(r: &Rect<f64>, margin_x: f64, margin_y: f64) -> AABB<[f64; 2]> {
    AABB::from_corners(
        [r.min().x - margin_x, r.min().y - margin_y],
        [r.max().x + margin_x, r.max().y + margin_y],
    )
}

/// Bulk-loads a tree of the bounding boxes of `geoms` (empty geometries are left out).
pub fn box_tree<'a>(geoms: impl Iterator<Item = &'a MultiPolygon<f64>>) -> BoxTree {
    let items = geoms
        .enumerate()
        .filter_map(|(i, g)| {
            bbox(g).map(|r| {
                GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                )
            })
        })
        .collect();
    RTree::bulk_load(items)
}

/// Bulk-loads a tree of points.
pub fn point_tree(points: impl Iterator<Item = geo::Point<f64>>) -> RTree<IndexedPoint> {
    RTree::bulk_load(
        points
            .enumerate()
            .map(|(i, p)| GeomWithData::new([p.x(), p.y()], i))
            .collect(),
    )
}

/// Earth-centred, earth-fixed coordinates in metres of a lon/lat point on the WGS84
/// ellipsoid. The straight line between two such points (the chord, [`chord_m`]) is never
/// longer than the geodesic between them: a lower bound of geodesic distances that needs
/// no iteration.
pub fn ecef(lon_deg: f64, lat_deg: f64) -> [f64; 3] {
    const A_M: f64 = 6_378_137.0;
    const F: f64 = 1.0 / 298.257_223_563;
    let e2 = F * (2.0 - F);
    let (sin_lat, cos_lat) = lat_deg.to_radians().sin_cos();
    let (sin_lon, cos_lon) = lon_deg.to_radians().sin_cos();
    let n = A_M / (1.0 - e2 * sin_lat * sin_lat).sqrt();
    [
        n * cos_lat * cos_lon,
        n * cos_lat * sin_lon,
        n * (1.0 - e2) * sin_lat,
    ]
}

/// The straight-line distance in metres between two earth-centred points.
pub fn chord_m(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    (dx * dx + dy * dy + dz * dz).sqrt()
}

/// Bulk-loads a tree of lon/lat points in earth-centred coordinates ([`ecef`]): its
/// nearest-neighbour iteration yields them in order of chord distance to a query point.
pub fn ecef_tree(points: impl Iterator<Item = geo::Point<f64>>) -> RTree<IndexedEcef> {
    RTree::bulk_load(
        points
            .enumerate()
            .map(|(i, p)| GeomWithData::new(ecef(p.x(), p.y()), i))
            .collect(),
    )
}

/// Indices of the boxes intersecting `env`, sorted (deterministic order).
pub fn boxes_in(tree: &BoxTree, env: &AABB<[f64; 2]>) -> Vec<usize> {
    let mut out: Vec<usize> = tree
        .locate_in_envelope_intersecting(env)
        .map(|b| b.data)
        .collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn box_query_matches_brute_force_on_random_boxes() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let geoms: Vec<MultiPolygon<f64>> = (0..500)
            .map(|_| {
                let (x, y) = (rng.gen_range(60.0..75.0), rng.gen_range(35.0..42.0));
                let (w, h) = (rng.gen_range(0.001..0.3), rng.gen_range(0.001..0.3));
                MultiPolygon::new(vec![Rect::new((x, y), (x + w, y + h)).to_polygon()])
            })
            .collect();
        let tree = box_tree(geoms.iter());
        for _ in 0..200 {
            let (x, y) = (rng.gen_range(60.0..75.0), rng.gen_range(35.0..42.0));
            let q = Rect::new((x, y), (x + 0.5, y + 0.4));
            let got = boxes_in(&tree, &envelope(&q, 0.0, 0.0));
            let want: Vec<usize> = geoms
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    let b = bbox(g).unwrap();
                    b.min().x <= q.max().x
                        && b.max().x >= q.min().x
                        && b.min().y <= q.max().y
                        && b.max().y >= q.min().y
                })
                .map(|(i, _)| i)
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn chord_never_exceeds_the_geodesic_and_nearly_equals_it_nearby() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..2000 {
            let a = geo::Point::new(rng.gen_range(-180.0..180.0), rng.gen_range(-89.0..89.0));
            let b = geo::Point::new(
                a.x() + rng.gen_range(-3.0..3.0),
                (a.y() + rng.gen_range(-3.0..3.0_f64)).clamp(-90.0, 90.0),
            );
            let chord = chord_m(ecef(a.x(), a.y()), ecef(b.x(), b.y()));
            let geodesic = crate::geom::distance::geodesic_m(a, b);
            assert!(
                chord <= geodesic + 1e-6,
                "{a:?} {b:?}: {chord} > {geodesic}"
            );
            // the chord is shorter by about d³ / (24 R²): < 0.1 % within 350 km
            assert!(
                chord >= geodesic * 0.999,
                "{a:?} {b:?}: {chord} vs {geodesic}"
            );
        }
    }

    #[test]
    fn ecef_tree_yields_points_by_chord_distance() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let points: Vec<geo::Point<f64>> = (0..300)
            .map(|_| geo::Point::new(rng.gen_range(60.0..75.0), rng.gen_range(35.0..42.0)))
            .collect();
        let tree = ecef_tree(points.iter().copied());
        let q = ecef(68.0, 38.0);
        let got: Vec<f64> = tree
            .nearest_neighbor_iter_with_distance_2(&q)
            .map(|(_, d2)| d2.sqrt())
            .collect();
        let mut want: Vec<f64> = points
            .iter()
            .map(|p| chord_m(ecef(p.x(), p.y()), q))
            .collect();
        want.sort_by(f64::total_cmp);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-6, "{g} vs {w}");
        }
    }
}
