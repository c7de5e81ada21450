//! Memory housekeeping between stages (peak RSS at national scale): geometries without
//! spare vector capacity, and freed heap handed back to the system.

use rayon::prelude::*;

use crate::model::{Finding, Inputs};

/// Drops the spare capacity of a geometry's vectors (built by pushing, they hold up to
/// twice their coordinates): the same coordinates in the same order, less memory.
pub fn compact(mp: &mut geo::MultiPolygon<f64>) {
    mp.0.shrink_to_fit();
    mp.0.iter_mut().for_each(compact_polygon);
}

fn compact_polygon(p: &mut geo::Polygon<f64>) {
    // (the rings stay as they are: `exterior_mut` only closes a ring that is open)
    p.exterior_mut(|r| r.0.shrink_to_fit());
    p.interiors_mut(|rings| {
        for r in rings {
            r.0.shrink_to_fit();
        }
    });
}

/// [`compact`] for every geometry the analysis keeps: the inputs' polygons and the
/// findings' geometries (which live until the outputs are written).
pub fn compact_inputs(inputs: &mut Inputs, findings: &mut [Finding]) {
    inputs
        .hazards
        .par_iter_mut()
        .for_each(|h| compact(&mut h.geometry));
    inputs
        .releases
        .par_iter_mut()
        .for_each(|r| compact(&mut r.geometry));
    inputs
        .regions
        .iter_mut()
        .for_each(|r| compact(&mut r.geometry));
    findings.par_iter_mut().for_each(|f| match &mut f.geometry {
        Some(geo::Geometry::MultiPolygon(mp)) => compact(mp),
        Some(geo::Geometry::Polygon(p)) => compact_polygon(p),
        _ => {}
    });
}

/// Hands memory freed by large drops back to the system: glibc keeps freed heap pages
/// otherwise, and the resident set (what the benchmark's peak RSS measures) would not
/// shrink before the next stage allocates.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's own heap.
    unsafe {
        libc::malloc_trim(0);
    }
}
