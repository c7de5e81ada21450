//! Pipeline files: TOML text → a checked [`Pipeline`], or every problem at once.
//!
//! `raw` parses the TOML syntax (one error, with its line); `check` walks the table,
//! validating every key and value and collecting *all* problems, each naming its key
//! (`inputs.hazards.crs`, `parameters.radius_m`, …). Paths are resolved relative to the
//! pipeline file; the output path is normalised by text (`paths`), and `paths` also tells
//! whether an input lies inside the output directory. The keys and their defaults are documented in `pipelines/README.md`.

mod check;
mod costs;
mod paths;
mod raw;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub use check::check_pipeline;
pub use paths::{normalise, real_path, sources_inside_output};

pub use crate::model::{Field, LayerKind, DATE_YEARS};

/// `Err` with a message when `date` lies outside [`DATE_YEARS`]: for an as-of date, a
/// deadline or a `finish_by` date that is a typo (`-2026-06-30`), never a plan; chrono
/// arithmetic near its own limits (±262 143) would overflow (SPEC §5).
pub fn check_date_years(date: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if DATE_YEARS.contains(&date.year()) {
        Ok(date)
    } else {
        Err(format!(
            "{date} lies outside the years {}–{} (a typo?)",
            DATE_YEARS.start(),
            DATE_YEARS.end()
        ))
    }
}

/// A pipeline file that could not be used; every problem is listed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read pipeline file {path}: {source}")]
    Read {
        /// The pipeline file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("pipeline file {path} is not valid TOML: {message}")]
    Syntax {
        /// The pipeline file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// The file is TOML but has mistakes; each is one entry.
    #[error("pipeline file {path} has {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        /// The pipeline file.
        path: PathBuf,
        /// One entry per mistake.
        problems: Vec<Problem>,
    },
}

/// One mistake in a pipeline file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key, e.g. `inputs.hazards.crs`.
    pub key: String,
    /// What is wrong with it.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// What to do when QA finds errors (SPEC §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Always exit 0 after a complete run.
    Never,
    /// Exit 3 when any QA finding has severity `error`.
    Error,
}

/// Where a layer's geometry comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeometrySource {
    /// The source's own geometry column.
    Native,
    /// Point from two numeric columns (x = longitude/easting, y = latitude/northing).
    XY {
        /// Column holding x.
        x: String,
        /// Column holding y.
        y: String,
    },
    /// A column of WKT text.
    Wkt(String),
}

/// One checked `[inputs.<layer>]` table.
#[derive(Debug, Clone)]
pub struct InputSpec {
    /// Which layer this is.
    pub kind: LayerKind,
    /// GDAL dataset name: a resolved path, or a connection string such as `PG:…`.
    pub source: String,
    /// Local file behind `source` (for hashing), when it is one.
    pub file: Option<PathBuf>,
    /// Layer name; `None` when the source has exactly one layer.
    pub layer: Option<String>,
    /// CRS override (any definition GDAL understands).
    pub crs: Option<String>,
    /// OGR attribute filter.
    pub where_clause: Option<String>,
    /// SPEC field name → source field name (`@fid` = the feature id).
    pub fields: BTreeMap<String, String>,
    /// SPEC field name → value used where the source lacks the field.
    pub defaults: BTreeMap<String, String>,
    /// Where the geometry comes from.
    pub geometry: GeometrySource,
    /// `date_format`: how text dates are written (strftime, e.g. `%d/%m/%Y`); `None`:
    /// `YYYY-MM-DD` or `YYYY/MM/DD`.
    pub date_format: Option<String>,
    /// `[inputs.<layer>.values.<field>]`: per SPEC field name, the source values (trimmed,
    /// lower case) and what each becomes.
    pub values: BTreeMap<String, BTreeMap<String, MappedValue>>,
}

/// What a source value becomes under `[inputs.<layer>.values.<field>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappedValue {
    /// A SPEC value (in the SPEC's spelling).
    To(String),
    /// `"@skip"`: the record is not read (counted per source).
    Skip,
}

/// The SPEC fields whose values a `values` table may map, with the SPEC's spelling of a
/// value (`None`: not one of the field's values).
pub fn spec_value(field: &str, value: &str) -> Option<&'static str> {
    use crate::model::{HazardType, Method, Status};
    match field {
        "status" => Status::parse(value).map(Status::as_str),
        "hazard_type" => HazardType::parse(value).map(HazardType::as_str),
        "method" => Method::parse(value).map(Method::as_str),
        _ => None,
    }
}

/// The fields `values` tables may name.
pub const MAPPABLE_FIELDS: [&str; 3] = ["status", "hazard_type", "method"];

/// Weights of the R9 priority factors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    /// Weight of `f_proximity`.
    pub proximity: f64,
    /// Weight of `f_people`.
    pub people: f64,
    /// Weight of `f_accidents`.
    pub accidents: f64,
    /// Weight of `f_status`.
    pub status: f64,
    /// Weight of `f_type`.
    pub hazard_type: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            proximity: 3.0,
            people: 3.0,
            accidents: 2.0,
            status: 1.0,
            hazard_type: 1.0,
        }
    }
}

/// `[parameters]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parameters {
    /// Radius for settlements/accidents "within", metres.
    pub radius_m: f64,
    /// Accident window length in calendar years.
    pub accident_years: u32,
    /// Progress window in days (R10).
    pub window_days: u32,
    /// Priority weights.
    pub weights: Weights,
}

impl Default for Parameters {
    fn default() -> Self {
        Parameters {
            radius_m: 5000.0,
            accident_years: 5,
            window_days: 730,
            weights: Weights::default(),
        }
    }
}

/// `[deadlines]` (R10).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deadlines {
    /// Deadline for every region without its own.
    pub national: Option<NaiveDate>,
    /// Per-region deadlines, by `region_id`.
    pub regions: BTreeMap<String, NaiveDate>,
}

impl Deadlines {
    /// The deadline that applies to a region: its own, else the national one.
    pub fn for_region(&self, region_id: &str) -> Option<NaiveDate> {
        self.regions.get(region_id).copied().or(self.national)
    }
}

/// How a scenario sets each region's annual release rate (R12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScenarioRate {
    /// The region's current rate (R10) times this factor (> 0).
    Factor(f64),
    /// The rate that finishes the region's remaining land by this date (after D).
    FinishBy(NaiveDate),
}

/// One `[scenarios.<name>]` (R12); `current` (factor 1) always exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Letters, digits, `_` and `-`.
    pub name: String,
    /// How the rate is set.
    pub rate: ScenarioRate,
}

/// `[costs]` (R14): the cost of releasing a square metre by each method, and optionally
/// a fixed method mix and the money secured per year.
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    /// The currency every amount is in (`USD`, `EUR`…), shown beside the figures.
    pub currency: String,
    /// Cost per m² by method, in [`Method`](crate::model::Method) order of strength:
    /// cleared, reduced, cancelled.
    pub per_m2: MethodAmounts,
    /// `[costs.mix]`: the method shares for every region, summing to 1; `None` when each
    /// region's shares come from its ledger.
    pub mix: Option<MethodAmounts>,
    /// `[costs.funding]`: money secured per calendar year.
    pub funding: Option<BTreeMap<i32, f64>>,
}

/// One amount per release method.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MethodAmounts {
    /// Cleared (clearance).
    pub cleared: f64,
    /// Reduced (technical survey).
    pub reduced: f64,
    /// Cancelled (non-technical survey).
    pub cancelled: f64,
}

impl MethodAmounts {
    /// `Σ self × other` over the three methods.
    pub fn dot(&self, other: &MethodAmounts) -> f64 {
        self.cleared * other.cleared
            + self.reduced * other.reduced
            + self.cancelled * other.cancelled
    }

    /// The three amounts.
    pub fn sum(&self) -> f64 {
        self.cleared + self.reduced + self.cancelled
    }
}

/// The name of the scenario that always exists: today's rate.
pub const CURRENT_SCENARIO: &str = "current";

/// A checked pipeline file.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The pipeline file.
    pub path: PathBuf,
    /// SHA-256 of the pipeline file's bytes.
    pub sha256: String,
    /// `title`: the name on report.html and the print layout (`None`: the file's name).
    pub title: Option<String>,
    /// The as-of date D.
    pub as_of: NaiveDate,
    /// Output directory.
    pub output: PathBuf,
    /// Exit-status policy.
    pub fail_on: FailOn,
    /// Inputs, in [`LayerKind::ALL`] order (accidents and targets only when configured).
    pub inputs: Vec<InputSpec>,
    /// Analysis parameters.
    pub parameters: Parameters,
    /// Deadlines.
    pub deadlines: Deadlines,
    /// Scenarios (R12), ordered by name, `current` included.
    pub scenarios: Vec<Scenario>,
    /// `[costs]` (R14), when given.
    pub costs: Option<Costs>,
}

impl Pipeline {
    /// The input of a layer, if configured.
    pub fn input(&self, kind: LayerKind) -> Option<&InputSpec> {
        self.inputs.iter().find(|i| i.kind == kind)
    }
}

/// Command-line values that override the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--as-of`.
    pub as_of: Option<NaiveDate>,
    /// `--output`.
    pub output: Option<PathBuf>,
}

/// The kind of a special file (FIFO, socket, device) at `path`, `None` for regular files,
/// directories, missing paths and GDAL's own names (`PG:`, `/vsi…`).
pub fn special_file_kind(path: &std::path::Path) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = std::fs::metadata(path).ok()?.file_type();
    if t.is_fifo() {
        Some("FIFO (named pipe)")
    } else if t.is_socket() {
        Some("socket")
    } else if t.is_char_device() || t.is_block_device() {
        Some("device")
    } else {
        None
    }
}

/// The pipeline file's bytes as text, or where its first byte that is not UTF-8 lies
/// (a file saved as Latin-1 or Windows-1252 by an editor: `é` is one byte there).
fn utf8_text(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        format!(
            "line {line}, column {column}: byte 0x{:02X} is not UTF-8; save the file as UTF-8 \
             (it looks like Latin-1 or Windows-1252)",
            e.as_bytes()[at]
        )
    })
}

/// Reads and checks a pipeline file; `today` is the default as-of date.
pub fn load_pipeline(
    path: &Path,
    overrides: &Overrides,
    today: NaiveDate,
) -> Result<Pipeline, ConfigError> {
    if let Some(kind) = special_file_kind(path) {
        // reading a FIFO would block forever
        return Err(ConfigError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!("it is a {kind}, not a regular file")),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = utf8_text(bytes).map_err(|message| ConfigError::Syntax {
        path: path.to_path_buf(),
        message,
    })?;
    let table = raw::parse(&text).map_err(|message| ConfigError::Syntax {
        path: path.to_path_buf(),
        message,
    })?;
    let base = path.parent().unwrap_or_else(|| Path::new("."));
    check_pipeline(&table, base, overrides, today)
        .map(|mut p| {
            p.path = path.to_path_buf();
            p.output = paths::output_path(&p.output);
            p.sha256 = crate::digest::sha256_hex(text.as_bytes());
            p
        })
        .map_err(|problems| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
}
