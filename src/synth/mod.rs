//! Synthetic national-scale data for benchmarks and for trying minefree at any size
//! (`minefree synth --scale N --seed S --out DIR`). A module of the binary, not of the
//! library: the pipeline never depends on it, and it reaches the library only through
//! `minefree::…` (the `report` tables and GeoPackage writer, `geom` in its tests).
//!
//! The fictional country ("Synthetic Republic", region codes `XS-01` … `XS-08`) lies
//! around lon 70°, lat 38.5°. It has eight provinces on a jittered 4 × 2 grid whose
//! boundaries are shared polylines: neighbouring provinces use the very same vertex
//! coordinates, so the provinces have no gaps and no overlaps. The country's extent grows
//! with √scale, so that the density of hazards, settlements and valleys (and hence the
//! work per hazard) stays the same at every scale.
//!
//! Content per unit of scale: 400 hazards (in clusters of about ten, along a front line —
//! the boundary between the northern and southern provinces and the eastern border — in
//! valleys, and a few in the highlands), about 1 200 releases, 400 settlements and 30
//! accidents. Hazards are irregular star-shaped polygons of 15–80 vertices from 1.5 ha to
//! 4 km² (a few with holes, a few MultiPolygons); some CHAs are drawn over part of an SHA.
//! Releases over ten years (2016-07-01 … 2026-06-30) are parts of hazards, clearance
//! strips that spill outside the hazard, exact copies of a hazard, and large
//! cancellations over several hazards of a cluster. A small share of records carries the
//! defects real exports have (missing or future dates, releases dated before their hazard
//! was recorded, wrong `hazard_id`), so that the QA path is exercised too.
//!
//! Everything comes from one `ChaCha8Rng` seeded with the seed, in a fixed order
//! (provinces, valleys, then hazards with their releases cluster by cluster, settlements,
//! accidents), and the GeoPackage timestamp is pinned: the same scale and seed give the
//! same bytes. Changing the order or the number of draws anywhere changes every data set.
//!
//! * [`geography`]: the country frame (metres ↔ lon/lat), provinces, front line,
//!   valleys, and the shapes records are drawn with (local frames, star-shaped rings).
//! * [`records`]: hazards, releases, settlements and accidents.
//! * [`write`](mod@write): the records as [`Table`](minefree::report::Table)s, the
//!   GeoPackage and `pipeline.toml`.

mod geography;
mod records;
mod write;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

pub use write::generate;
use write::Dataset;

/// Hazards per unit of scale.
pub const HAZARDS_PER_SCALE: f64 = 400.0;
/// Settlements per unit of scale.
pub const SETTLEMENTS_PER_SCALE: f64 = 400.0;
/// Accidents per unit of scale.
pub const ACCIDENTS_PER_SCALE: f64 = 30.0;
/// The as-of date the data set is designed around (written into `pipeline.toml`).
pub const AS_OF: &str = "2026-06-30";
/// The national deadline written into `pipeline.toml`.
pub const NATIONAL_DEADLINE: &str = "2030-04-01";

/// Builds the data set in memory (what [`generate`] writes).
pub fn build(scale: f64, seed: u64) -> Dataset {
    let mut g = records::Gen::new(scale, seed);
    g.run();
    write::dataset(g)
}

/// Standard normal deviate (Box–Muller; one per call, so the stream order is simple).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Index drawn from `weights` (need not sum to 1).
fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, MultiPolygon, Validation};
    use minefree::geom::area::area_m2;
    use minefree::report::{Table, Values};

    fn same(a: &Table, b: &Table) -> bool {
        a.kind == b.kind && a.columns == b.columns && a.geometry == b.geometry
    }

    fn tables(d: &Dataset) -> [&Table; 5] {
        [
            &d.hazards,
            &d.releases,
            &d.regions,
            &d.settlements,
            &d.accidents,
        ]
    }

    #[test]
    fn same_seed_gives_identical_tables_and_another_seed_does_not() {
        let (a, b, c) = (build(1.0, 7), build(1.0, 7), build(1.0, 8));
        for (x, y) in tables(&a).iter().zip(tables(&b)) {
            assert!(same(x, y), "table {} differs between two runs", x.name());
        }
        assert!(!same(&a.hazards, &c.hazards));
        assert!(!same(&a.releases, &c.releases));
    }

    #[test]
    fn counts_scale_linearly() {
        let small = build(0.5, 3);
        let large = build(4.0, 3);
        for (d, s) in [(&small, 0.5), (&large, 4.0)] {
            assert_eq!(d.hazards.rows(), (400.0 * s) as usize);
            assert_eq!(d.settlements.rows(), (400.0 * s) as usize);
            assert_eq!(d.accidents.rows(), (30.0 * s) as usize);
            assert_eq!(d.regions.rows(), 8);
            let per_hazard = d.releases.rows() as f64 / d.hazards.rows() as f64;
            assert!(
                (2.6..3.4).contains(&per_hazard),
                "{per_hazard} releases per hazard"
            );
        }
        let ratio = large.releases.rows() as f64 / small.releases.rows() as f64;
        assert!(
            (7.0..9.0).contains(&ratio),
            "releases ratio {ratio}, want ≈ 8"
        );
    }

    #[test]
    fn every_polygon_is_valid_and_the_mix_is_realistic() {
        let d = build(2.0, 11);
        for t in [&d.hazards, &d.releases, &d.regions] {
            for (i, g) in t.geometry.iter().enumerate() {
                let g = g.as_ref().expect("every polygon row has a geometry");
                let Geometry::MultiPolygon(mp) = &**g else {
                    panic!("{} row {i} is not a MultiPolygon", t.name())
                };
                assert!(
                    mp.is_valid(),
                    "{} row {i}: {:?}",
                    t.name(),
                    mp.validation_errors()
                );
            }
        }
        let mps: Vec<&MultiPolygon<f64>> = d
            .hazards
            .geometry
            .iter()
            .filter_map(|g| match g.as_deref() {
                Some(Geometry::MultiPolygon(mp)) => Some(mp),
                _ => None,
            })
            .collect();
        let holes = mps
            .iter()
            .filter(|m| m.0.iter().any(|p| !p.interiors().is_empty()))
            .count();
        let multi = mps.iter().filter(|m| m.0.len() > 1).count();
        assert!(
            holes > 0 && multi > 0,
            "holes {holes}, multipolygons {multi}"
        );
        for mp in &mps {
            let nv = mp.0[0].exterior().0.len() - 1;
            assert!((15..=80).contains(&nv), "{nv} vertices");
            let a = area_m2(mp);
            assert!(a > 1.3e4 && a < 4.2e6, "hazard of {a} m²");
        }
        let Values::Text(methods) = d.releases.column("method").unwrap() else {
            panic!()
        };
        for m in ["cancelled", "reduced", "cleared"] {
            assert!(
                methods.iter().any(|x| x.as_deref() == Some(m)),
                "no {m} release"
            );
        }
        let Values::Int(pop) = d.settlements.column("population").unwrap() else {
            panic!()
        };
        let mut pop: Vec<i64> = pop.iter().map(|p| p.unwrap()).collect();
        pop.sort();
        assert!(
            pop[pop.len() - 1] > 20 * pop[pop.len() / 2],
            "population is not heavy-tailed"
        );
    }
}
