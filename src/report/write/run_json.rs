//! `run.json`: what a scheduler (or an auditor) needs to know about a run.
//!
//! Holds the as-of date, every input with its SHA-256 and feature counts, the pipeline
//! file's path and hash, the program version, seconds per stage, QA counts by severity and
//! by check, national totals, the output files and the exit status; `previous_run`
//! (`"unreadable: <reason>"`) only when the previous run's GeoPackage could not be read,
//! so that its missing change list is explained.
//!
//! Two fields are read back by the next run (`output`): `command` (`run` or `validate`:
//! a validate never replaces a full run's directory) and `outputs` (the files this run
//! wrote, run.json included: the only files the next run replaces; anything else in the
//! directory is carried over).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::analysis::RegionRow;
use crate::config::Pipeline;
use crate::model::{Finding, LayerKind};

/// One input as recorded in `run.json`.
#[derive(Debug, Clone)]
pub struct InputRecord {
    /// The input layer (written as its key).
    pub layer: LayerKind,
    /// Dataset name.
    pub source: String,
    /// Layer name in the dataset.
    pub layer_name: String,
    /// CRS as read (or assumed).
    pub crs: String,
    /// SHA-256 of the file (and its sidecar files for a shapefile), when it is a file.
    pub sha256: Option<String>,
    /// Features read.
    pub features_read: usize,
    /// Features used by the analysis.
    pub features_used: usize,
    /// Records not read because a `values` table maps them to `@skip`, per SPEC field.
    pub skipped: Vec<(String, usize)>,
}

/// QA counts by severity and by check.
pub fn qa_counts(findings: &[Finding]) -> Value {
    let mut by_severity: BTreeMap<&str, usize> = [("info", 0), ("warning", 0), ("error", 0)]
        .into_iter()
        .collect();
    let counts = crate::analysis::figures::qa_counts(findings);
    for (severity, n) in &counts.by_severity {
        by_severity.insert(severity.as_str(), *n);
    }
    let by_check: BTreeMap<String, usize> = counts
        .by_severity_and_check()
        .into_iter()
        .map(|((severity, check), n)| (format!("{}/{check}", severity.as_str()), n))
        .collect();
    json!({ "by_severity": by_severity, "by_check": by_check })
}

/// National totals (and their progress figures) as JSON.
pub fn national(row: &RegionRow) -> Value {
    let f = &row.figures;
    let p = &row.progress;
    json!({
        "hazards": row.hazards,
        "original_m2": f.original_m2,
        "remaining_m2": f.remaining_m2,
        "remaining_cha_m2": f.remaining_cha_m2,
        "remaining_sha_m2": f.remaining_sha_m2,
        "released_m2": f.released_m2,
        "cleared_m2": f.cleared_m2,
        "reduced_m2": f.reduced_m2,
        "cancelled_m2": f.cancelled_m2,
        "pct_released": f.pct_released(),
        "released_window_m2": p.released_window_m2,
        "rate_m2_per_year": p.rate_m2_per_year,
        "years_to_complete": p.forecast.years_to_complete,
        "projected_completion": p.forecast.projected_completion.map(|d| d.to_string()),
        "deadline": p.deadline.map(|d| d.to_string()),
        "on_track": p.forecast.on_track,
        "population_near_hazards": row.population_near_hazards,
        "required_rate_m2_per_year": row.required_rate_m2_per_year,
        "capacity_factor_needed": row.capacity_factor_needed,
    })
}

/// The whole document.
#[allow(clippy::too_many_arguments)]
pub fn run_json(
    command: &str,
    pipeline: &Pipeline,
    inputs: &[InputRecord],
    timings_s: &[(&'static str, f64)],
    findings: &[Finding],
    national_row: Option<&RegionRow>,
    outputs: &[String],
    exit_status: i32,
    previous_run: Option<&str>,
) -> Value {
    let params = &pipeline.parameters;
    let mut doc = json!({
        "program": "minefree",
        "version": env!("CARGO_PKG_VERSION"),
        "command": command,
        "finished_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "as_of": pipeline.as_of.to_string(),
        "pipeline": {
            "path": pipeline.path.display().to_string(),
            "sha256": pipeline.sha256,
        },
        "threads": rayon::current_num_threads(),
        "parameters": {
            "radius_m": params.radius_m,
            "accident_years": params.accident_years,
            "window_days": params.window_days,
            "weights": {
                "proximity": params.weights.proximity,
                "people": params.weights.people,
                "accidents": params.weights.accidents,
                "status": params.weights.status,
                "hazard_type": params.weights.hazard_type,
            },
        },
        "inputs": inputs.iter().map(|i| json!({
            "layer": i.layer.key(),
            "source": i.source,
            "layer_name": i.layer_name,
            "crs": i.crs,
            "sha256": i.sha256,
            "features_read": i.features_read,
            "features_used": i.features_used,
            "skipped": i.skipped.iter().map(|(field, n)| (format!("values.{field}"), json!(n))).collect::<serde_json::Map<_, _>>(),
        })).collect::<Vec<_>>(),
        "timings_s": timings_s.iter().map(|(k, v)| ((*k).to_string(), json!((v * 1000.0).round() / 1000.0))).collect::<serde_json::Map<_, _>>(),
        "qa": qa_counts(findings),
        "national": national_row.map(national),
        "outputs": outputs,
        "exit_status": exit_status,
    });
    if let Some(note) = previous_run {
        doc["previous_run"] = json!(note);
    }
    doc
}
