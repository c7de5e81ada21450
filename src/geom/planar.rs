//! Planar helpers in the coordinates' own units: the edges of polygons' rings, the
//! closest point of a segment and one step of the even-odd point-in-polygon test. Used in
//! degrees by [`super::disk`] and [`super::sides`] and in local metres by
//! [`super::distance`].

use geo::{Coord, Polygon};

/// Every ring of `polygons` as its edges (start, end).
pub fn edges(polygons: &[Polygon<f64>]) -> impl Iterator<Item = (Coord<f64>, Coord<f64>)> + '_ {
    polygons
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|ring| ring.0.windows(2).map(|w| (w[0], w[1])))
}

/// For the segment `a`–`b`: the parameter `t` ∈ [0, 1] of its point closest to `p`, and
/// the squared planar distance from `p` to that point (in the coordinates' own units).
pub fn closest_on_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (f64, f64) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.x + t * dx - p.x, a.y + t * dy - p.y);
    (t, cx * cx + cy * cy)
}

/// Whether `p` may lie within `reach` of the segment `a`–`b`: false when the segment's box
/// grown by `reach` misses `p` (then it is surely farther), a cheap test before
/// [`closest_on_segment`].
#[inline]
pub fn box_near(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>, reach: f64) -> bool {
    p.x >= a.x.min(b.x) - reach
        && p.x <= a.x.max(b.x) + reach
        && p.y >= a.y.min(b.y) - reach
        && p.y <= a.y.max(b.y) + reach
}

/// Whether the ray from `p` towards +x crosses the segment `a`–`b` (half-open in y): one
/// step of the even-odd point-in-polygon test.
pub fn crosses_ray(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> bool {
    (a.y > p.y) != (b.y > p.y) && p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y)
}
