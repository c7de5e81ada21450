//! Memory housekeeping (peak RSS at national scale): the allocator, geometries without
//! spare vector capacity, and freed heap handed back to the system between stages.
//!
//! The allocator is mimalloc: the analysis allocates and frees millions of small rings
//! from two threads, and glibc's malloc spent about 14 % of the CPU time of a national
//! run in itself (perf, gen.py scale 100); with mimalloc a run takes about 15 % less.

use std::sync::Arc;

use rayon::prelude::*;

use crate::geom::ring::{compact, compact_polygon};
use crate::model::{Finding, Inputs};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    findings
        .par_iter_mut()
        .for_each(|f| match f.geometry.as_mut().and_then(Arc::get_mut) {
            Some(geo::Geometry::MultiPolygon(mp)) => compact(mp),
            Some(geo::Geometry::Polygon(p)) => compact_polygon(p),
            _ => {}
        });
}

/// Hands memory freed by large drops back to the system: the allocators keep freed pages
/// otherwise, and the resident set (what the benchmark's peak RSS measures) would not
/// shrink before the next stage allocates. Ours (mimalloc), and glibc's, which GDAL's
/// C++ allocates from.
pub fn return_freed_memory() {
    // SAFETY: mi_collect only frees pages mimalloc holds and no block uses.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages of the allocator's own heap.
    unsafe {
        libc::malloc_trim(0);
    }
}
