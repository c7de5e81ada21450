//! Rectangle clipping: a polygon cut to a box in linear time, as input to the overlays.
//!
//! Splitting big polygons (regions, large hazards) into the box around the small one they
//! meet keeps each overlay local: i_overlay's cost grows with every vertex it is given.

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};

/// `mp` clipped to the rectangle `r` ring by ring (Sutherland–Hodgman against the four
/// sides), in time linear in its vertex count and with no overlay. The result covers
/// exactly `mp ∩ r` under the even-odd and non-zero fill rules, but its rings may run
/// back and forth along the sides of `r` (zero-width parts), so it is only an *input* to
/// the boolean operations here, which resolve such edges, never a result.
pub fn clip_to_rect(mp: &MultiPolygon<f64>, r: &Rect<f64>) -> MultiPolygon<f64> {
    Boxed::new(mp).clip(r)
}

/// A multipolygon with the box of each part, for clipping it to many rectangles
/// ([`clip_to_rect`]) without measuring its parts again each time.
pub struct Boxed<'a> {
    mp: &'a MultiPolygon<f64>,
    boxes: Vec<Option<Rect<f64>>>,
}

impl<'a> Boxed<'a> {
    /// `mp` and its parts' boxes.
    pub fn new(mp: &'a MultiPolygon<f64>) -> Boxed<'a> {
        let boxes = mp.0.iter().map(BoundingRect::bounding_rect).collect();
        Boxed { mp, boxes }
    }

    /// The multipolygon's box (its parts' boxes together; `None` when empty).
    pub fn bounding_rect(&self) -> Option<Rect<f64>> {
        self.boxes.iter().flatten().copied().reduce(rect_union)
    }

    /// [`clip_to_rect`] of the multipolygon.
    pub fn clip(&self, r: &Rect<f64>) -> MultiPolygon<f64> {
        clip_parts(self.mp, &self.boxes, r)
    }
}

fn clip_parts(
    mp: &MultiPolygon<f64>,
    boxes: &[Option<Rect<f64>>],
    r: &Rect<f64>,
) -> MultiPolygon<f64> {
    let (min, max) = (r.min(), r.max());
    let clip_ring = |ring: &LineString<f64>| -> Option<LineString<f64>> {
        let open = &ring.0[..ring.0.len().saturating_sub(1)];
        let ring_box = ring.bounding_rect()?;
        let mut pts: Vec<Coord<f64>> = open.to_vec();
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(pts.len() + 4);
        // (axis, bound, keep when coordinate >= bound)
        for (axis_x, bound, keep_above) in [
            (true, min.x, true),
            (true, max.x, false),
            (false, min.y, true),
            (false, max.y, false),
        ] {
            if pts.is_empty() {
                return None;
            }
            // A side the whole ring lies on the kept side of changes nothing (the points
            // of later passes stay within the ring's box): skipped.
            let (ring_lo, ring_hi) = if axis_x {
                (ring_box.min().x, ring_box.max().x)
            } else {
                (ring_box.min().y, ring_box.max().y)
            };
            if (keep_above && ring_lo >= bound) || (!keep_above && ring_hi <= bound) {
                continue;
            }
            let value = |c: &Coord<f64>| if axis_x { c.x } else { c.y };
            let inside = |c: &Coord<f64>| (value(c) >= bound) == keep_above || value(c) == bound;
            out.clear();
            for (i, cur) in pts.iter().enumerate() {
                let prev = &pts[(i + pts.len() - 1) % pts.len()];
                let (pin, cin) = (inside(prev), inside(cur));
                if pin != cin {
                    let t = (bound - value(prev)) / (value(cur) - value(prev));
                    out.push(if axis_x {
                        Coord {
                            x: bound,
                            y: prev.y + t * (cur.y - prev.y),
                        }
                    } else {
                        Coord {
                            x: prev.x + t * (cur.x - prev.x),
                            y: bound,
                        }
                    });
                }
                if cin {
                    out.push(*cur);
                }
            }
            std::mem::swap(&mut pts, &mut out);
        }
        pts.dedup();
        (pts.len() >= 3).then(|| {
            pts.push(pts[0]);
            LineString::new(pts)
        })
    };
    MultiPolygon::new(
        mp.0.iter()
            .zip(boxes)
            .filter_map(|(p, b)| {
                let b = (*b)?;
                if rect_within(&b, r) {
                    return Some(p.clone());
                }
                if b.min().x > max.x || b.max().x < min.x || b.min().y > max.y || b.max().y < min.y
                {
                    return None;
                }
                let exterior = clip_ring(p.exterior())?;
                let holes = p.interiors().iter().filter_map(&clip_ring).collect();
                Some(Polygon::new(exterior, holes))
            })
            .collect(),
    )
}

/// The smallest rectangle holding both `a` and `b`.
pub fn rect_union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
        (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
    )
}

/// Whether `inner` lies within `outer` (sides may touch).
pub fn rect_within(inner: &Rect<f64>, outer: &Rect<f64>) -> bool {
    inner.min().x >= outer.min().x
        && inner.max().x <= outer.max().x
        && inner.min().y >= outer.min().y
        && inner.max().y <= outer.max().y
}

/// `r` grown on every side by a margin (1e-6 of its size, plus 1e-6°) that keeps a clip
/// rectangle's sides clear of the edges of the geometry it was taken from, so that
/// clipping to it creates no edges along them.
pub fn padded_rect(r: &Rect<f64>) -> Rect<f64> {
    let pad = 1e-6 * (1.0 + r.width().max(r.height()));
    Rect::new(
        (r.min().x - pad, r.min().y - pad),
        (r.max().x + pad, r.max().y + pad),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::overlay::intersection;
    use crate::geom::ring::normalize;
    use crate::geom::test_shapes::square;
    use geo::Area;

    /// Against a full overlay on seeded random polygons with holes: clipping to the
    /// rectangle first leaves the same land inside it.
    #[test]
    fn clip_to_rect_keeps_the_land_inside_the_rectangle() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for _ in 0..300 {
            let n = rng.gen_range(3..30);
            let ring = |rng: &mut rand_chacha::ChaCha8Rng, r: f64| -> LineString<f64> {
                LineString::from(crate::geom::test_shapes::star_points(
                    rng,
                    (0.0, 0.0),
                    r,
                    n,
                    0.5,
                ))
            };
            let outer = ring(&mut rng, 1.0);
            let holes = if rng.gen_bool(0.3) {
                vec![ring(&mut rng, 0.3)]
            } else {
                vec![]
            };
            let p = normalize(MultiPolygon::new(vec![Polygon::new(outer, holes)]));
            let (x, y) = (rng.gen_range(-1.2..0.8), rng.gen_range(-1.2..0.8));
            let (w, h) = (rng.gen_range(0.05..1.5), rng.gen_range(0.05..1.5));
            let r = Rect::new((x, y), (x + w, y + h));
            let window = MultiPolygon::new(vec![r.to_polygon()]);
            let want = intersection(&p, &window).unsigned_area();
            let clipped = clip_to_rect(&p, &r);
            let got = intersection(&clipped, &square(-9., -9., 9., 9.)).unsigned_area();
            // both sides pass through i_overlay's integer grid (~1e-8 of the extent)
            assert!((got - want).abs() < 1e-7, "got {got}, want {want}");
        }
    }
}
