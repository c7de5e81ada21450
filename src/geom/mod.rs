//! The geometry kernel: pure functions on `geo` types in lon/lat degrees, with no
//! knowledge of records, findings or outputs (it imports nothing else from the crate;
//! `tests/layers.rs` enforces it).
//!
//! Conventions, once:
//! * coordinates are (x = longitude, y = latitude) in degrees on WGS84;
//! * polygons leave every function here oriented: exteriors counter-clockwise, holes
//!   clockwise ([`ring::normalize`]), which `geo`'s and i_overlay's boolean operations
//!   need to be right;
//! * parts and holes under [`SLIVER_DEG2`] are dropped after every repair and overlay;
//! * areas are geodesic m² ([`area`]), distances geodesic metres ([`distance`]).
//!
//! Modules: [`repair`] (R1: any geometry → valid MultiPolygon, with the repairs made),
//! [`valid`] (the validity sweep), [`ring`] (ring cleaning, slivers, orientation),
//! [`overlay`] (boolean operations through i_overlay), [`clip`] (rectangle clipping),
//! [`disk`] (interior disks: "do these share more than a sliver?" without an overlay),
//! [`inside`] (which polygons hold a point, through an edge index), [`planar`] (segment
//! helpers), [`sides`] (a face wholly inside or outside a polygon, from the rings; whether two
//! polygons meet), [`split`] (a face split by a polygon, without an overlay graph where
//! their boundaries cross properly or touch),
//! [`arrangement`] (the labelled faces that overlapping polygons cut their
//! union into: the regions stage's subdivision of each component), [`area`]
//! (R7) and [`distance`] (R8).

pub mod area;
pub mod arrangement;
pub mod clip;
pub mod disk;
pub mod distance;
pub mod inside;
pub mod overlay;
pub mod planar;
pub mod repair;
pub mod ring;
pub mod sides;
pub mod split;
pub mod valid;

/// Planar area (deg²) under which a polygon part or hole is a sliver (SPEC edge cases).
pub const SLIVER_DEG2: f64 = 1e-12;

/// WGS84 semi-major axis, metres.
pub const WGS84_A_M: f64 = 6_378_137.0;

/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// Seeded random shapes shared by the unit tests of the kernel and of `analysis`.
#[cfg(test)]
pub(crate) mod test_shapes {
    use geo::{MultiPolygon, Rect};
    use rand::Rng;

    /// The rectangle [x0, x1] × [y0, y1], normalized (counter-clockwise).
    pub fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
        super::ring::normalize(MultiPolygon::new(vec![
            Rect::new((x0, y0), (x1, y1)).to_polygon()
        ]))
    }

    /// The square `outer` with the square `hole` taken out, each as (x0, y0, x1, y1).
    pub fn holed_square(outer: [f64; 4], hole: [f64; 4]) -> MultiPolygon<f64> {
        let ring = |[x0, y0, x1, y1]: [f64; 4]| {
            Rect::new((x0, y0), (x1, y1))
                .to_polygon()
                .exterior()
                .clone()
        };
        super::ring::normalize(MultiPolygon::new(vec![geo::Polygon::new(
            ring(outer),
            vec![ring(hole)],
        )]))
    }

    /// `n` vertices of a star-shaped ring around (`cx`, `cy`): one per sector of angle,
    /// at a radius between `min_factor·r` and `r`.
    pub fn star_points(
        rng: &mut impl Rng,
        (cx, cy): (f64, f64),
        r: f64,
        n: usize,
        min_factor: f64,
    ) -> Vec<(f64, f64)> {
        (0..n)
            .map(|k| {
                let a = (k as f64 + rng.gen_range(0.0..0.9)) * std::f64::consts::TAU / n as f64;
                let rr = r * rng.gen_range(min_factor..1.0);
                (cx + rr * a.cos(), cy + rr * a.sin())
            })
            .collect()
    }
}
