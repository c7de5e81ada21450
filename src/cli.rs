//! The command line (clap derive): `run`, `validate`, `init`, `inspect`, `synth`, and
//! logging options.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Nightly land-release accounting, clearance priorities and progress forecasts for mine action.
#[derive(Debug, Parser)]
#[command(name = "minefree", version, about)]
pub struct Cli {
    /// Less output: warnings and errors only.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More output (-v debug, -vv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for schedulers and log collectors.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole pipeline and replace the outputs.
    Run {
        /// Pipeline file (TOML).
        pipeline: PathBuf,
        /// As-of date YYYY-MM-DD (overrides the file; default today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<chrono::NaiveDate>,
        /// Output directory (overrides the file).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Read and check the inputs; write the QA findings only.
    Validate {
        /// Pipeline file (TOML).
        pipeline: PathBuf,
        /// As-of date YYYY-MM-DD (overrides the file; default today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<chrono::NaiveDate>,
        /// Output directory (default: the pipeline's output directory with `-validate` appended).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Generate a synthetic national data set (for benchmarks, or to try minefree at any size).
    Synth {
        /// Scale: 1 ≈ 400 hazards, 100 ≈ 40 000 hazards, 120 000 releases, 40 000 settlements.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Random seed (same seed, same bytes).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory (gets the data and a pipeline.toml that runs it).
        #[arg(long)]
        out: PathBuf,
    },
    /// Draft a pipeline file from what the sources hold (files, folders, `PG:` strings).
    Init {
        /// Sources: files, folders of files, or GDAL connection strings.
        #[arg(required = true)]
        sources: Vec<String>,
        /// Write the draft to this file (never overwritten) instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// List a source's layers, fields, CRS, geometry types and counts.
    Inspect {
        /// Any GDAL/OGR dataset name (file or connection string).
        source: String,
    },
}

/// A `YYYY-MM-DD` date within [`crate::config::DATE_YEARS`] (clap exits 2 otherwise).
fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date YYYY-MM-DD"))
        .and_then(crate::config::check_date_years)
}
