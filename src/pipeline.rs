//! The only place that knows the stage order; times each stage.
//!
//! `ingest` (GDAL, one dataset per thread) → `qa` → `release` (R3–R4) → `regions`
//! (R5–R6) → `priority` (R8–R9) → `progress` (R10) → `report`. `validate` stops after
//! `qa` and writes only the QA outputs. Outputs are staged and swapped in at the end
//! (`report::write::output`), so a failed run leaves the previous outputs untouched. An input
//! inside the output directory is a pipeline-file mistake, found before the output is locked.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tracing::info;

use crate::analysis::{self, costs, ledger, priority, regions, release, targets};
use crate::config::{ConfigError, FailOn, LayerKind, Pipeline, Problem};
use crate::ingest::{self, IngestError, RawLayer};
use crate::memory;
use crate::model::{Finding, Inputs, Severity};
use crate::report::changes::{self, PreviousRun};
use crate::report::region_table::{region_table, RegionTable};
use crate::report::render::{html, qgs};
use crate::report::write::previous::read_previous;
use crate::report::write::run_json::{run_json, InputRecord};
use crate::report::write::{output, write_outputs, Document};
use crate::report::{tables, ReportError};

/// Why a run failed (exit status 1).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// An input could not be read.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Outputs could not be written.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// Pipeline-file mistakes that only the inputs reveal (a deadline for a region that
    /// does not exist): exit status 2, listed like the other pipeline-file errors.
    #[error(transparent)]
    Pipeline(ConfigError),
    /// QA found inputs that would publish a wrong picture whatever `fail_on` says (an
    /// empty `hazards` or `regions` layer, a reserved region id: `qa::refusals`).
    #[error("the inputs would publish a wrong picture: {}", .0.join("; "))]
    Refused(Vec<String>),
}

impl RunError {
    /// Whether this is a pipeline-file mistake (SPEC §6 exit status 2) rather than a
    /// failed run (exit status 1).
    pub fn is_pipeline_mistake(&self) -> bool {
        match self {
            RunError::Ingest(i) => i.is_pipeline_mistake(),
            RunError::Pipeline(_) => true,
            RunError::Report(_) | RunError::Refused(_) => false,
        }
    }
}

/// `[deadlines.regions]` keys that name no region: each is a pipeline-file problem
/// (a typo would otherwise fall back to the national deadline without a word).
fn unknown_deadline_regions(pipeline: &Pipeline, inputs: &Inputs) -> Vec<Problem> {
    let known: std::collections::BTreeSet<&str> = inputs
        .regions
        .iter()
        .map(|r| r.region_id.as_str())
        .collect();
    pipeline
        .deadlines
        .regions
        .keys()
        .filter(|id| !known.contains(id.as_str()))
        .map(|id| Problem {
            key: format!("deadlines.regions.{id}"),
            message: format!("no region has region_id '{id}'"),
        })
        .collect()
}

/// What a finished run reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// 0, or 3 when QA found errors and `fail_on = "error"`.
    pub exit_status: i32,
    /// The output directory.
    pub output: PathBuf,
    /// Files written, relative to it.
    pub files: Vec<String>,
    /// QA findings (all of them).
    pub findings: Vec<Finding>,
    /// Seconds per stage.
    pub timings_s: Vec<(&'static str, f64)>,
    /// National totals (`None` for validate).
    pub national: Option<analysis::RegionRow>,
}

/// `run` (all stages) or `validate` (read and QA only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything.
    Run,
    /// Inputs and QA only.
    Validate,
}

impl Mode {
    /// What the output directory is told (run.json's `command`).
    fn kind(self) -> output::RunKind {
        match self {
            Mode::Run => output::RunKind::Run,
            Mode::Validate => output::RunKind::Validate,
        }
    }
}

struct Timer {
    timings: Vec<(&'static str, f64)>,
    start: Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            timings: Vec::new(),
            start: Instant::now(),
        }
    }

    fn stage<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let t0 = Instant::now();
        crate::progress::reset();
        // A bar only when a person watches (stderr is a terminal): a spinner, which
        // becomes "done/total, rate, eta" once the stage says how many items it has;
        // plain log lines in cron and CI.
        let out = if std::io::stderr().is_terminal() {
            crate::progress::with_progress_bar(name, f)
        } else {
            f()
        };
        crate::progress::reset();
        let s = t0.elapsed().as_secs_f64();
        info!(stage = name, seconds = format!("{s:.3}"), "stage finished");
        self.timings.push((name, s));
        out
    }

    fn total(mut self) -> Vec<(&'static str, f64)> {
        self.timings
            .push(("total", self.start.elapsed().as_secs_f64()));
        self.timings
    }
}

/// Runs a checked pipeline; see the module docs.
pub fn run(pipeline: &Pipeline, mode: Mode) -> Result<Outcome, RunError> {
    let mut timer = Timer::new();
    info!(
        pipeline = %pipeline.path.display(),
        as_of = %pipeline.as_of,
        output = %pipeline.output.display(),
        threads = rayon::current_num_threads(),
        "plan: {} input layer(s)",
        pipeline.inputs.len()
    );
    let inside = crate::config::sources_inside_output(pipeline, &pipeline.output);
    if !inside.is_empty() {
        return Err(RunError::Pipeline(ConfigError::Invalid {
            path: pipeline.path.clone(),
            problems: inside,
        }));
    }
    // (before the analysis: the workbook needs it at the very end)
    crate::report::write::system_temp_dir_is_writable()?;
    let staging = output::begin(&pipeline.output, mode.kind())?;
    let result = run_staged(pipeline, mode, &staging.dir, &mut timer);
    match result {
        Ok(Staged {
            files,
            findings,
            national,
            records,
            previous_run,
        }) => {
            let exit_status = exit_status(pipeline.fail_on, &findings);
            let mut files = files;
            files.push("run.json".to_string());
            let timings = timer.total();
            let doc = run_json(
                mode.kind().as_str(),
                pipeline,
                &records,
                &timings,
                &findings,
                national.as_ref(),
                &files,
                exit_status,
                previous_run.as_deref(),
            );
            let path = staging.dir.join("run.json");
            let text = serde_json::to_string_pretty(&doc).expect("JSON values always serialise");
            if let Err(source) = std::fs::write(&path, text + "\n") {
                staging.abort();
                return Err(ReportError::Io { path, source }.into());
            }
            staging.commit()?;
            Ok(Outcome {
                exit_status,
                output: pipeline.output.clone(),
                files,
                findings,
                timings_s: timings,
                national,
            })
        }
        Err(e) => {
            staging.abort();
            Err(e)
        }
    }
}

fn exit_status(fail_on: FailOn, findings: &[Finding]) -> i32 {
    let errors = findings.iter().any(|f| f.severity == Severity::Error);
    if fail_on == FailOn::Error && errors {
        3
    } else {
        0
    }
}

/// What a run leaves in the staging directory, for run.json.
struct Staged {
    /// The files written.
    files: Vec<String>,
    /// Every QA finding.
    findings: Vec<Finding>,
    /// The national row (none for `validate`).
    national: Option<analysis::RegionRow>,
    /// The inputs read, with the records used.
    records: Vec<InputRecord>,
    /// run.json's note on an unreadable previous run.
    previous_run: Option<String>,
}

fn run_staged(
    pipeline: &Pipeline,
    mode: Mode,
    dir: &Path,
    timer: &mut Timer,
) -> Result<Staged, RunError> {
    let hashing = hash_inputs(pipeline);
    // last night's figures (the change list) are read beside the inputs
    let previous = (mode == Mode::Run).then(|| {
        let gpkg = pipeline.output.join("minefree.gpkg");
        JoinedOnDrop::spawn(move || read_previous(&gpkg))
    });
    let sources: Vec<RawLayer> = timer.stage("ingest", || {
        pipeline
            .inputs
            .par_iter()
            .map(ingest::read_layer)
            .collect::<Result<Vec<_>, _>>()
    })?;
    // run.json lists every source; QA sees one layer per input
    let hashes = hashing.join();
    let source_records = input_records(&sources, &hashes);
    for l in &sources {
        info!(layer = l.kind.key(), features = l.features.len(), crs = %l.crs, "read {}", l.source);
        for (field, n) in &l.skipped {
            info!(
                layer = l.kind.key(),
                "{n} records skipped by values.{field} in {}", l.source
            );
        }
    }
    let layers = ingest::merge_sources(sources);
    let (mut inputs, mut findings) =
        timer.stage("qa", || crate::qa::check_layers(layers, pipeline.as_of));
    let refusals: Vec<String> = crate::qa::refusals(&findings)
        .map(|f| f.message.clone())
        .collect();
    if !refusals.is_empty() {
        return Err(RunError::Refused(refusals));
    }
    inputs.regions.sort_by(|a, b| a.region_id.cmp(&b.region_id));
    let unknown = unknown_deadline_regions(pipeline, &inputs);
    if !unknown.is_empty() {
        return Err(RunError::Pipeline(ConfigError::Invalid {
            path: pipeline.path.clone(),
            problems: unknown,
        }));
    }
    let records = used_counts(source_records, &inputs);
    memory::compact_inputs(&mut inputs, &mut findings);
    memory::return_freed_memory();

    if let Some(previous) = previous {
        let previous = previous.join();
        let (files, findings, national) =
            analyse_and_report(pipeline, &mut inputs, findings, &previous, dir, timer)?;
        return Ok(Staged {
            files,
            findings,
            national: Some(national),
            records,
            previous_run: previous.note(),
        });
    }
    let out_tables = vec![tables::qa_findings(&mut findings)];
    log_qa(&findings);
    let files = timer.stage("report", || {
        let no_table = RegionTable::default();
        write_outputs(dir, &out_tables, origin(pipeline), no_table, || None)
    })?;
    Ok(Staged {
        files,
        findings,
        national: None,
        records,
        previous_run: None,
    })
}

/// `run` after QA: the analysis stages, then every output (tables, the changes since
/// the `previous` run, report.html) written into `dir`. Returns the files written, every
/// finding and the national row.
fn analyse_and_report(
    pipeline: &Pipeline,
    inputs: &mut Inputs,
    mut findings: Vec<Finding>,
    previous: &PreviousRun,
    dir: &Path,
    timer: &mut Timer,
) -> Result<(Vec<String>, Vec<Finding>, analysis::RegionRow), RunError> {
    let (mut summary, analysis_findings) = analyse(pipeline, inputs, timer);
    let inputs: &Inputs = inputs;
    findings.extend(analysis_findings);
    let ((remaining_hazards, priority_tasks), qa_table) = rayon::join(
        || tables::hazard_tables(inputs, &summary),
        || tables::qa_findings(&mut findings),
    );
    let mut out_tables = vec![
        remaining_hazards,
        tables::region_summary(&summary),
        priority_tasks,
        qa_table,
        tables::release_history(&summary),
        tables::scenarios(&summary),
        tables::work_plan(&summary),
        tables::release_by_organisation(&summary),
    ];
    out_tables.extend(tables::funding(&summary));
    if pipeline.input(LayerKind::Targets).is_some() {
        out_tables.push(tables::targets(&summary));
    }
    log_qa(&findings);
    let (change_table, change_counts) = changes::changes(previous, &out_tables)
        .map(|c| (c.table, c.counts))
        .unzip();
    if let Some(c) = &change_counts {
        info!(?c, "changes since the last run");
    }
    out_tables.extend(change_table);
    let region_table = region_table(&summary.regions, &summary.national);
    let files = timer.stage("report", || {
        write_outputs(dir, &out_tables, origin(pipeline), region_table, || {
            let ctx = html::ReportContext {
                pipeline,
                inputs,
                summary: &summary,
                findings: &findings,
                changes: change_counts.as_ref(),
            };
            let page = html::render(&ctx);
            // The report was the last reader of the remaining land outside the tables
            // (which hold their own copy): free it before the Parquet files.
            for h in &mut summary.hazards {
                h.account.remaining = geo::MultiPolygon::new(vec![]);
            }
            memory::return_freed_memory();
            Some(Document {
                name: "report.html",
                bytes: page.into_bytes(),
            })
        })
    })?;
    Ok((files, findings, summary.national))
}

fn used_counts(mut records: Vec<InputRecord>, inputs: &Inputs) -> Vec<InputRecord> {
    for r in &mut records {
        r.features_used = match r.layer {
            LayerKind::Hazards => inputs.hazards.len(),
            LayerKind::Releases => inputs.releases.len(),
            LayerKind::Regions => inputs.regions.len(),
            LayerKind::Settlements => inputs.settlements.len(),
            LayerKind::Accidents => inputs.accidents.len(),
            LayerKind::Targets => inputs.targets.len(),
        };
    }
    records
}

/// Runs R3–R12. The geometries of the hazards and releases, and the accounts' working
/// geometries, are freed as soon as the regions stage has used them (peak memory): only
/// the remaining land and the figures go on to the outputs.
fn analyse(
    pipeline: &Pipeline,
    inputs: &mut Inputs,
    timer: &mut Timer,
) -> (analysis::Summary, Vec<Finding>) {
    let window_start =
        pipeline.as_of - chrono::Duration::days(i64::from(pipeline.parameters.window_days));
    // The releases' geometries move into shared handles: a release lying in the box of a
    // hazard it applies to is that hazard's applying land as it is (no copy), and each
    // is freed once the regions stage has cut the faces with it (their attributes stay:
    // R13 credits organisations after the regions stage).
    let shapes: Vec<std::sync::Arc<geo::MultiPolygon<f64>>> = inputs
        .releases
        .iter_mut()
        .map(|r| {
            std::sync::Arc::new(std::mem::replace(
                &mut r.geometry,
                geo::MultiPolygon::new(vec![]),
            ))
        })
        .collect();
    let (mut accounts, mut findings, components) = timer.stage("release", || {
        // The components first: only a lone hazard's state as of the window start is
        // read from its account (the regions stage sums the faces of the others).
        let components = regions::HazardComponents::of(&inputs.hazards);
        let lone = components.lone(inputs.hazards.len());
        let (accounts, findings) = release::account_hazards_where(
            &inputs.hazards,
            &inputs.releases,
            shapes,
            window_start,
            &|i| lone[i],
        );
        (accounts, findings, components)
    });
    memory::return_freed_memory();
    let span = ledger::LedgerSpan::of(&inputs.hazards, &accounts, &inputs.releases, pipeline.as_of);
    let mut land = timer.stage("regions", || {
        let regions = &inputs.regions;
        // each hazard's applying releases move to the stage, which frees them component
        // by component
        let applied = accounts
            .iter_mut()
            .map(|a| std::mem::take(&mut a.applied))
            .collect();
        regions::land_and_ledger_of(
            components,
            &inputs.hazards,
            &accounts,
            applied,
            regions,
            Some(&span),
        )
    });
    findings.append(&mut land.findings);
    // The regions stage has freed the applying releases' land (theirs to keep, component
    // by component); the hazards' geometries too go before the outputs are built.
    for h in &mut inputs.hazards {
        h.geometry = geo::MultiPolygon::new(vec![]);
    }
    memory::return_freed_memory();
    let inputs: &Inputs = inputs;
    let priorities = timer.stage("priority", || {
        priority::prioritise(
            &inputs.hazards,
            &accounts,
            &inputs.settlements,
            &inputs.accidents,
            &pipeline.parameters,
            pipeline.as_of,
        )
    });
    let summary = timer.stage("progress", || {
        let outlook = analysis::Outlook {
            as_of: pipeline.as_of,
            window_days: pipeline.parameters.window_days,
            deadlines: &pipeline.deadlines,
            scenarios: &pipeline.scenarios,
        };
        let mut summary = analysis::summarise(inputs, accounts, &land, priorities, &outlook);
        if let Some(c) = &pipeline.costs {
            let years = costs::window_years(pipeline.as_of, pipeline.parameters.window_days);
            summary.funding = costs::apply(&mut summary, c, years);
            summary.currency = Some(c.currency.clone());
        }
        summary.targets = targets::apply(&summary, &inputs.targets);
        summary
    });
    let n = &summary.national.figures;
    info!(
        original_m2 = format!("{:.0}", n.original_m2),
        remaining_m2 = format!("{:.0}", n.remaining_m2),
        released_m2 = format!("{:.0}", n.released_m2),
        ranked = summary
            .hazards
            .iter()
            .filter(|h| h.priority.is_some())
            .count(),
        "analysis finished"
    );
    (summary, findings)
}

fn log_qa(findings: &[Finding]) {
    let by_check = analysis::figures::qa_counts(findings).by_severity_and_check();
    for ((severity, check), n) in by_check.iter().rev() {
        let check = check.as_str();
        match severity {
            Severity::Info => info!(check, count = n, "QA info"),
            _ => tracing::warn!(
                check,
                count = n,
                severity = severity.as_str(),
                "QA findings"
            ),
        }
    }
}

/// A thread that is joined when dropped: a run that fails early (a refused input, an
/// unreadable layer) still waits for it, so that none of its work (a GDAL call of the
/// previous run's reader) is under way while the process exits (which killed the
/// process with a signal instead of exit status 1).
struct JoinedOnDrop<T>(Option<std::thread::JoinHandle<T>>);

impl<T: Send + 'static> JoinedOnDrop<T> {
    /// Runs `f` on a thread of its own.
    fn spawn(f: impl FnOnce() -> T + Send + 'static) -> JoinedOnDrop<T> {
        JoinedOnDrop(Some(std::thread::spawn(f)))
    }

    /// The thread's result (its panic goes on here).
    fn join(mut self) -> T {
        self.0
            .take()
            .expect("joined once")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl<T> Drop for JoinedOnDrop<T> {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            // its result (or panic) no longer matters: the run has failed already
            let _ = thread.join();
        }
    }
}

/// The SHA-256 of each distinct local input file ([`crate::digest::hash_source`]), on a
/// thread of its own while the layers are read: the layers of one GeoPackage share one
/// hash (each layer hashed the whole file again: 5.5 s of a national run, on one thread
/// between two stages).
fn hash_inputs(pipeline: &Pipeline) -> JoinedOnDrop<BTreeMap<PathBuf, Option<String>>> {
    let files: BTreeSet<PathBuf> = pipeline
        .inputs
        .iter()
        .filter_map(|spec| spec.file.clone())
        .collect();
    JoinedOnDrop::spawn(move || {
        files
            .into_iter()
            .map(|f| {
                let hash = crate::digest::hash_source(&f);
                (f, hash)
            })
            .collect()
    })
}

fn input_records(
    layers: &[RawLayer],
    hashes: &BTreeMap<PathBuf, Option<String>>,
) -> Vec<InputRecord> {
    layers
        .iter()
        .map(|l| InputRecord {
            layer: l.kind,
            source: l.source.clone(),
            layer_name: l.layer_name.clone(),
            crs: l.crs.clone(),
            sha256: l
                .file
                .as_ref()
                .and_then(|f| hashes.get(f).cloned().flatten()),
            features_read: l.features.len() + l.skipped.iter().map(|(_, n)| n).sum::<usize>(),
            features_used: 0,
            skipped: l.skipped.clone(),
        })
        .collect()
}

/// The pipeline file's name and stem and the as-of date, as the QGIS project names them.
fn origin(pipeline: &Pipeline) -> qgs::Origin<'_> {
    fn name(part: Option<&std::ffi::OsStr>) -> &str {
        part.and_then(|n| n.to_str()).unwrap_or("minefree")
    }
    qgs::Origin {
        file_name: name(pipeline.path.file_name()),
        name: pipeline
            .title
            .as_deref()
            .unwrap_or_else(|| name(pipeline.path.file_stem())),
        as_of: pipeline.as_of,
    }
}
