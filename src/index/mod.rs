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
}
