//! Which polygons hold a point, for many points against large polygons (settlements
//! against regions): an R-tree of every edge, and the even-odd test counted only over
//! the edges that the ray from the point towards +x can cross. A point costs one tree
//! query instead of a pass over every vertex of every polygon.

use geo::{Coord, MultiPolygon};
use rstar::primitives::{GeomWithData, Line};
use rstar::{RTree, AABB};

use super::planar::crosses_ray;

/// The edges of a list of polygonal geometries, each carrying its geometry's index.
pub struct EdgeIndex {
    edges: RTree<GeomWithData<Line<[f64; 2]>, usize>>,
    /// The largest x of any vertex: where the rays stop.
    max_x: f64,
}

impl EdgeIndex {
    /// Indexes every ring of `polygons` (shells and holes).
    pub fn new<'a>(polygons: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> EdgeIndex {
        let mut max_x = f64::NEG_INFINITY;
        let mut items = Vec::new();
        for (i, mp) in polygons.into_iter().enumerate() {
            let rings =
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
            for l in rings.flat_map(|ring| ring.lines()) {
                max_x = max_x.max(l.start.x).max(l.end.x);
                let line = Line::new([l.start.x, l.start.y], [l.end.x, l.end.y]);
                items.push(GeomWithData::new(line, i));
            }
        }
        EdgeIndex {
            edges: RTree::bulk_load(items),
            max_x,
        }
    }

    /// The indices (ascending) of the geometries holding `p`: inside a shell and outside
    /// its holes (even-odd over each geometry's rings, which is that for valid polygons).
    /// A point exactly on an edge may count either way.
    pub fn holders(&self, p: Coord<f64>) -> Vec<usize> {
        // (an index without edges has max_x = -∞)
        if !p.x.is_finite() || !p.y.is_finite() || p.x > self.max_x {
            return Vec::new();
        }
        let ray = AABB::from_corners([p.x, p.y], [self.max_x, p.y]);
        let mut crossed: Vec<usize> = self
            .edges
            .locate_in_envelope_intersecting(&ray)
            .filter(|e| {
                let l = e.geom();
                let (a, b) = (l.from, l.to);
                crosses_ray(p, Coord { x: a[0], y: a[1] }, Coord { x: b[0], y: b[1] })
            })
            .map(|e| e.data)
            .collect();
        crossed.sort_unstable();
        crossed
            .chunk_by(|a, b| a == b)
            .filter(|run| run.len() % 2 == 1)
            .map(|run| run[0])
            .collect()
    }

    /// Whether some edge's box meets the rectangle from `min` to `max`.
    pub fn any_edge_near(&self, min: [f64; 2], max: [f64; 2]) -> bool {
        self.edges
            .locate_in_envelope_intersecting(&AABB::from_corners(min, max))
            .next()
            .is_some()
    }

    /// Whether any geometry holds `p` (see [`EdgeIndex::holders`]).
    pub fn holds(&self, p: Coord<f64>) -> bool {
        !self.holders(p).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::test_shapes::{square, star_points};
    use geo::{Intersects, LineString, Point, Polygon};
    use rand::{Rng, SeedableRng};

    #[test]
    fn square_with_a_hole_holds_its_ring_not_the_hole() {
        let mut shell = square(0.0, 0.0, 4.0, 4.0);
        let hole = square(1.0, 1.0, 3.0, 3.0);
        shell.0[0].interiors_push(hole.0[0].exterior().clone());
        let other = square(10.0, 0.0, 11.0, 1.0);
        let index = EdgeIndex::new([&shell, &other]);
        assert_eq!(index.holders(Coord { x: 0.5, y: 2.0 }), vec![0]);
        assert!(index.holders(Coord { x: 2.0, y: 2.0 }).is_empty(), "hole");
        assert_eq!(index.holders(Coord { x: 10.5, y: 0.5 }), vec![1]);
        assert!(!index.holds(Coord { x: 5.0, y: 2.0 }), "between them");
        assert!(
            !index.holds(Coord { x: 20.0, y: 0.5 }),
            "east of every edge"
        );
        assert!(
            !index.holds(Coord { x: -1.0, y: 9.0 }),
            "north of every edge"
        );
        assert!(!index.holds(Coord {
            x: f64::NAN,
            y: 1.0
        }));
        assert!(!EdgeIndex::new([]).holds(Coord { x: 0.0, y: 0.0 }));
    }

    #[test]
    fn overlapping_polygons_both_hold_their_shared_part() {
        let (a, b) = (square(0.0, 0.0, 2.0, 2.0), square(1.0, 1.0, 3.0, 3.0));
        let index = EdgeIndex::new([&a, &b]);
        assert_eq!(index.holders(Coord { x: 1.5, y: 1.5 }), vec![0, 1]);
        assert_eq!(index.holders(Coord { x: 2.5, y: 2.5 }), vec![1]);
    }

    /// Against `geo`'s own point-in-polygon test on random star polygons and points
    /// (points on an edge have probability zero).
    #[test]
    fn matches_geo_on_random_stars() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(21);
        let polygons: Vec<MultiPolygon<f64>> = (0..40)
            .map(|_| {
                let c = (rng.gen_range(0.0..10.0), rng.gen_range(0.0..10.0));
                let r = rng.gen_range(0.2..2.0);
                let points = star_points(&mut rng, c, r, 30, 0.3);
                MultiPolygon::new(vec![Polygon::new(LineString::from(points), vec![])])
            })
            .collect();
        let index = EdgeIndex::new(&polygons);
        for _ in 0..2000 {
            let p = Coord {
                x: rng.gen_range(-1.0..11.0),
                y: rng.gen_range(-1.0..11.0),
            };
            let want: Vec<usize> = (0..polygons.len())
                .filter(|&i| polygons[i].intersects(&Point::from(p)))
                .collect();
            assert_eq!(index.holders(p), want, "{p:?}");
        }
        // any_edge_near against every edge's box, brute force, on small random boxes
        let mut near = 0;
        for _ in 0..2000 {
            let (x, y) = (rng.gen_range(-1.0..11.0), rng.gen_range(-1.0..11.0));
            let (w, h) = (rng.gen_range(0.0..0.3), rng.gen_range(0.0..0.3));
            let want = polygons
                .iter()
                .flat_map(|mp| mp.0[0].exterior().lines())
                .any(|l| {
                    l.start.x.min(l.end.x) <= x + w
                        && l.start.x.max(l.end.x) >= x
                        && l.start.y.min(l.end.y) <= y + h
                        && l.start.y.max(l.end.y) >= y
                });
            assert_eq!(index.any_edge_near([x, y], [x + w, y + h]), want);
            near += usize::from(want);
        }
        assert!(
            (200..1800).contains(&near),
            "both answers tried: {near} near"
        );
    }
}
