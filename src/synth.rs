//! Synthetic national-scale data for benchmarks and trying minefree. Filled in by issue 6.

use std::path::Path;

/// Writes a synthetic data set of the given scale (1 ≈ 400 hazards) and seed into `out`,
/// with a pipeline file `out/pipeline.toml` that runs it.
pub fn generate(_scale: f64, _seed: u64, _out: &Path) -> Result<(), crate::report::ReportError> {
    Ok(())
}
