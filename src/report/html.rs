//! `report.html`: one self-contained page for managers and donors. Filled in by issue 7.

use std::path::Path;

use super::ReportError;
use crate::analysis::Summary;
use crate::config::Pipeline;
use crate::model::{Finding, Inputs};

/// What the HTML report shows.
pub struct ReportContext<'a> {
    /// The pipeline (as-of date, deadlines, parameters).
    pub pipeline: &'a Pipeline,
    /// Inputs after QA.
    pub inputs: &'a Inputs,
    /// Analysis results.
    pub summary: &'a Summary,
    /// All QA findings.
    pub findings: &'a [Finding],
}

/// Writes `report.html` into `dir`.
pub fn write_report(_dir: &Path, _ctx: &ReportContext) -> Result<(), ReportError> {
    Ok(())
}
