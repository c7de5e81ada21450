//! The `minefree` binary: parse the command line, start logging, call the library, and
//! map the outcome to the SPEC §6 exit status (0 ok, 1 run failed, 2 bad invocation or
//! pipeline file, 3 QA errors with `fail_on = "error"`).
//!
//! It also holds [`synth`], the generator behind `minefree synth`: benchmarks and trials
//! need it, the pipeline does not, so it is not part of the library.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use minefree::cli::{Cli, Command, LogFormat};
use minefree::config::{load_pipeline, Overrides};
use minefree::pipeline::{run, Mode, Outcome, RunError};

mod synth;

fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MINEFREE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("minefree={level},warn")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // an unwritable stderr (a full log disk) must not panic the run: the default
        // reports the failed write with `eprintln!`, which itself panics
        .log_internal_errors(false)
        // colour codes only for a person at a terminal, never in a cron log file
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    match cli.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
    minefree::ingest::install_gdal_error_handler();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    if let Some(n) = cli.threads {
        let n = bounded_threads(n);
        if let Err(e) = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
        {
            say_err(&format!("minefree: cannot start {n} threads: {e}"));
            return ExitCode::from(2);
        }
    }
    match cli.command {
        Command::Inspect { source } => inspect_source(&source),
        Command::Init { sources, output } => draft_pipeline(&sources, output.as_deref()),
        Command::Synth { scale, seed, out } => generate_synthetic(scale, seed, &out),
        Command::Run {
            pipeline,
            as_of,
            output,
        } => run_pipeline(&pipeline, Overrides { as_of, output }, Mode::Run),
        Command::Validate {
            pipeline,
            as_of,
            output,
        } => run_pipeline(&pipeline, Overrides { as_of, output }, Mode::Validate),
    }
}

/// `--threads` bounded to four times the cores: more threads only add contention (5 000
/// threads took 31.6 s for a 0.1 s job, 100 000 never finished).
fn bounded_threads(requested: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = 4 * cores;
    if requested > max {
        tracing::warn!(
            requested,
            used = max,
            "--threads {requested} is more than 4 × the {cores} cores: using {max}"
        );
        return max;
    }
    requested
}

/// Writes `text` to stdout. Never panics: a full disk or a closed pipe on stdout must not
/// turn a run whose outputs are published into a crash (its exit status says how it went).
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes one line to stderr; never panics (see [`say`]).
fn say_err(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `minefree inspect`: the source's layers on stdout (1 when it cannot be read).
fn inspect_source(source: &str) -> ExitCode {
    match minefree::ingest::inspect(source) {
        Ok(text) => {
            say(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            say_err(&format!("minefree: {e}"));
            ExitCode::from(1)
        }
    }
}

/// `minefree init`: a draft pipeline file on stdout or in a new file (1 when a source
/// cannot be read or the file exists).
fn draft_pipeline(sources: &[String], output: Option<&Path>) -> ExitCode {
    let base = output.map(|o| {
        o.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    });
    let text = match minefree::init::draft(sources, base) {
        Ok(t) => t,
        Err(e) => {
            say_err(&format!("minefree: {e}"));
            return ExitCode::from(1);
        }
    };
    let Some(path) = output else {
        say(&text);
        return ExitCode::SUCCESS;
    };
    // never overwrites: `create_new` fails on an existing file
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    match written {
        Ok(()) => {
            say(&format!(
                "minefree: draft written to {}; fill in the `# FILL IN:` lines, then: minefree validate {}\n",
                path.display(),
                path.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            say_err(&format!("minefree: cannot write {}: {e}", path.display()));
            ExitCode::from(1)
        }
    }
}

/// `minefree synth`: a synthetic data set in `out` (1 when it cannot be written).
fn generate_synthetic(scale: f64, seed: u64, out: &Path) -> ExitCode {
    match synth::generate(scale, seed, out) {
        Ok(()) => {
            say(&format!(
                "minefree: synthetic data in {}; run it with: minefree run {}\n",
                out.display(),
                out.join("pipeline.toml").display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            say_err(&format!("minefree: {e}"));
            ExitCode::from(1)
        }
    }
}

/// `minefree run` and `minefree validate`: load and check the pipeline file (2 when it
/// is wrong), run it, and print where the outputs are and what they say.
fn run_pipeline(path: &Path, overrides: Overrides, mode: Mode) -> ExitCode {
    if let Err(e) = minefree::report::write::output::clean_up_on_signals() {
        eprintln!("minefree: cannot handle SIGTERM/SIGINT: {e}");
        return ExitCode::from(1);
    }
    let today = chrono::Local::now().date_naive();
    let mut pipeline = match load_pipeline(path, &overrides, today) {
        Ok(p) => p,
        Err(e) => {
            say_err(&format!("minefree: {e}"));
            return ExitCode::from(2);
        }
    };
    if mode == Mode::Validate && overrides.output.is_none() {
        let mut name = pipeline
            .output
            .file_name()
            .unwrap_or_default()
            .to_os_string();
        name.push("-validate");
        pipeline.output = pipeline.output.with_file_name(name);
    }
    match run(&pipeline, mode) {
        Ok(outcome) => {
            print_summary(&outcome);
            ExitCode::from(outcome.exit_status as u8)
        }
        Err(e) => {
            say_err(&failure_message(&e));
            ExitCode::from(if e.is_pipeline_mistake() { 2 } else { 1 })
        }
    }
}

/// The end-of-run lines on stdout: output files, stage times, national land figures and
/// QA counts.
fn print_summary(outcome: &Outcome) {
    use std::fmt::Write;
    let errors = outcome
        .findings
        .iter()
        .filter(|f| f.severity == minefree::model::Severity::Error)
        .count();
    let output = outcome
        .output
        .canonicalize()
        .unwrap_or(outcome.output.clone());
    let mut text = format!("minefree: outputs in {}\n", output.display());
    for f in &outcome.files {
        let _ = writeln!(text, "  {}", output.join(f).display());
    }
    let stages: Vec<String> = outcome
        .timings_s
        .iter()
        .map(|(name, secs)| format!("{name} {secs:.2}s"))
        .collect();
    let _ = writeln!(text, "minefree: stages: {}", stages.join(", "));
    if let Some(n) = &outcome.national {
        let f = &n.figures;
        let _ = writeln!(
            text,
            "minefree: land: {:.0} m² recorded, {:.0} m² remaining ({:.0} CHA), {:.0} m² released ({:.0} cleared, {:.0} reduced, {:.0} cancelled); {} hazards to clear",
            f.original_m2, f.remaining_m2, f.remaining_cha_m2, f.released_m2, f.cleared_m2, f.reduced_m2, f.cancelled_m2, n.hazards
        );
    }
    let _ = writeln!(
        text,
        "minefree: {} QA finding(s), {errors} error(s); exit status {}",
        outcome.findings.len(),
        outcome.exit_status
    );
    say(&text);
}

/// A failed run in one line: the error and each cause it does not already print.
fn failure_message(e: &RunError) -> String {
    let mut message = format!("minefree: run failed, previous outputs left untouched: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        // thiserror messages often print their cause already ("X: X" otherwise)
        let cause = s.to_string();
        if !message.contains(&cause) {
            message.push_str(&format!(": {cause}"));
        }
        source = s.source();
    }
    message
}
