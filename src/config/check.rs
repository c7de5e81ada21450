//! Meaning of a pipeline file: every key and value checked, every problem collected.
//!
//! Input: the parsed TOML table, the pipeline file's folder (relative paths are resolved
//! against it), the command-line overrides and today's date. Output: a [`Pipeline`] or
//! the complete list of [`Problem`]s, each naming its dotted key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml::{Table, Value};

use super::raw::Section;
use super::{
    spec_value, Deadlines, FailOn, GeometrySource, InputSpec, LayerKind, MappedValue, Overrides,
    Parameters, Pipeline, Problem, Scenario, ScenarioRate, Weights, CURRENT_SCENARIO,
    MAPPABLE_FIELDS,
};

/// The largest `radius_m`: half the earth's circumference (every point is nearer).
const MAX_RADIUS_M: f64 = 20_037_509.0;

/// The largest priority weight. Weights are relative, so a bound loses nothing, and it
/// keeps the R9 sums (`100 × Σ w·f / Σ w`) finite: five weights of 1e308 overflow to
/// infinity and every score became 0.
const MAX_WEIGHT: f64 = 1e6;

/// The capacity factors a scenario may apply to today's rate: beyond them the plan's
/// figures leave f64's range (a factor of 1e308 wrote `inf`) or mean nothing (1e-300
/// gave 4e300 years to complete).
const RATE_FACTORS: std::ops::RangeInclusive<f64> = 0.001..=1000.0;

/// Checks a parsed pipeline table; see the module docs.
pub fn check_pipeline(
    table: &Table,
    base: &Path,
    overrides: &Overrides,
    today: NaiveDate,
) -> Result<Pipeline, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut root = Section::new(table, "");
    let title = root
        .string("title", &mut problems)
        .map(|t| t.trim().to_string());
    if title.as_deref() == Some("") {
        problems.push(problem(
            "title",
            "empty (leave it out to use the file's name)",
        ));
    }
    let as_of = root.date("as_of", &mut problems);
    let output = root.string("output", &mut problems);
    let fail_on = match root.string("fail_on", &mut problems).as_deref() {
        None | Some("never") => FailOn::Never,
        Some("error") => FailOn::Error,
        Some(other) => {
            problems.push(problem(
                "fail_on",
                format!("'{other}' is not one of \"never\", \"error\""),
            ));
            FailOn::Never
        }
    };
    let inputs = match root.table("inputs", &mut problems) {
        Some(t) => check_inputs(t, base, &mut problems),
        None => {
            problems.push(problem(
                "inputs",
                "missing: [inputs.hazards] and the other input layers are required",
            ));
            Vec::new()
        }
    };
    let parameters = root
        .table("parameters", &mut problems)
        .map(|t| check_parameters(t, &mut problems))
        .unwrap_or_default();
    let deadlines = root
        .table("deadlines", &mut problems)
        .map(|t| check_deadlines(t, &mut problems))
        .unwrap_or_default();
    let scenario_table = root.table("scenarios", &mut problems);
    let costs = root
        .table("costs", &mut problems)
        .and_then(|t| super::costs::check_costs(t, &mut problems));
    root.finish(&mut problems);
    let as_of = overrides.as_of.or(as_of).unwrap_or(today);
    let scenarios = check_scenarios(scenario_table, as_of, &mut problems);

    let output = match (&overrides.output, output) {
        (Some(o), _) => o.clone(),
        (None, Some(o)) => base.join(o),
        (None, None) => {
            problems.push(problem(
                "output",
                "missing: name the output directory here or with --output",
            ));
            PathBuf::new()
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Pipeline {
        path: PathBuf::new(),
        sha256: String::new(),
        title,
        as_of,
        output,
        fail_on,
        inputs,
        parameters,
        deadlines,
        scenarios,
        costs,
    })
}

fn problem(key: &str, message: impl Into<String>) -> Problem {
    Problem {
        key: key.to_string(),
        message: message.into(),
    }
}

fn check_inputs(table: &Table, base: &Path, problems: &mut Vec<Problem>) -> Vec<InputSpec> {
    let mut section = Section::new(table, "inputs");
    let mut inputs = Vec::new();
    for kind in LayerKind::ALL {
        match section.tables(kind.key(), problems) {
            Some(tables) => {
                // several sources: `inputs.releases[1]`, `[2]`… (counted from 1)
                let several = tables.len() > 1;
                for (i, t) in tables.into_iter().enumerate() {
                    let prefix = match several {
                        true => format!("inputs.{}[{}]", kind.key(), i + 1),
                        false => format!("inputs.{}", kind.key()),
                    };
                    inputs.extend(check_input(kind, t, &prefix, base, problems));
                }
            }
            None if !kind.optional() && !table.contains_key(kind.key()) => {
                problems.push(problem(
                    &section.key(kind.key()),
                    "missing: this input layer is required",
                ));
            }
            None => {}
        }
    }
    section.finish(problems);
    inputs
}

/// A dataset name that is not a local file: `PG:…`, `/vsicurl/…`, `https://…`, any
/// `DRIVER:…` prefix of two or more letters (a Windows drive letter is one).
fn is_connection(source: &str) -> bool {
    let prefix = source.split(':').next().unwrap_or("");
    source.to_ascii_lowercase().starts_with("/vsi")
        || (source.contains(':')
            && prefix.len() >= 2
            && prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

fn check_input(
    kind: LayerKind,
    table: &Table,
    prefix: &str,
    base: &Path,
    problems: &mut Vec<Problem>,
) -> Option<InputSpec> {
    let mut s = Section::new(table, prefix);
    let source = s.string("source", problems);
    let layer = s.string("layer", problems);
    // a table without geometry (targets) has no crs, x, y or wkt: those keys stay unknown
    let crs = if kind.has_geometry() {
        s.string("crs", problems)
    } else {
        None
    };
    let where_clause = s.string("where", problems);
    let known: Vec<&str> = kind.fields().iter().map(|f| f.name()).collect();
    let fields = s
        .table("fields", problems)
        .map(|t| string_map(t, &s.key("fields"), &known, true, problems))
        .unwrap_or_default();
    let defaults = s
        .table("defaults", problems)
        .map(|t| string_map(t, &s.key("defaults"), &known, false, problems))
        .unwrap_or_default();
    let geometry = if kind.has_geometry() {
        geometry_source(&mut s, problems)
    } else {
        GeometrySource::Native
    };
    let date_format = s.string("date_format", problems);
    if let Some(f) = &date_format {
        if let Err(message) = check_date_format(f) {
            problems.push(problem(&s.key("date_format"), message));
        }
    }
    let values = s
        .table("values", problems)
        .map(|t| check_values(t, &s.key("values"), &known, problems))
        .unwrap_or_default();
    if let Some(def) = &crs {
        if let Err(message) = check_crs(def) {
            problems.push(problem(&s.key("crs"), message));
        }
    }
    if let Some(w) = &where_clause {
        if w.trim().is_empty() {
            problems.push(problem(&s.key("where"), "empty filter"));
        }
    }
    let source_key = s.key("source");
    s.finish(problems);
    let Some(source) = source else {
        problems.push(problem(
            &source_key,
            "missing: name a file or a GDAL/OGR dataset",
        ));
        return None;
    };
    if source.trim().is_empty() {
        problems.push(problem(
            &source_key,
            "empty: name a file or a GDAL/OGR dataset",
        ));
        return None;
    }
    let (source, file) = if is_connection(&source) {
        (source, None)
    } else {
        let path = base.join(&source);
        if let Err(e) = std::fs::metadata(&path) {
            problems.push(problem(&source_key, missing_file(&path, &e)));
        }
        (path.to_string_lossy().into_owned(), Some(path))
    };
    Some(InputSpec {
        kind,
        source,
        file,
        layer,
        crs,
        where_clause,
        fields,
        defaults,
        geometry,
        date_format,
        values,
    })
}

/// A `date_format` that chrono understands and that writes and reads back a date.
fn check_date_format(format: &str) -> Result<(), String> {
    use chrono::format::{Item, StrftimeItems};
    if StrftimeItems::new(format).any(|i| matches!(i, Item::Error)) {
        return Err(format!(
            "'{format}' is not a strftime date format (e.g. \"%d/%m/%Y\")"
        ));
    }
    let probe = NaiveDate::from_ymd_opt(2019, 6, 30).expect("a valid date");
    let written = probe.format(format).to_string();
    match NaiveDate::parse_from_str(&written, format) {
        Ok(d) if d == probe => Ok(()),
        _ => Err(format!(
            "'{format}' does not name a whole date (day, month and year: e.g. \"%d/%m/%Y\")"
        )),
    }
}

/// `[inputs.<layer>.values]`: one table per mappable field of the layer, each
/// `"source value" = "SPEC value"` or `"@skip"`; a value the SPEC does not have is a
/// problem naming its key.
fn check_values(
    table: &Table,
    prefix: &str,
    known: &[&str],
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, BTreeMap<String, MappedValue>> {
    let mut out = BTreeMap::new();
    for (field, value) in table {
        let key = format!("{prefix}.{field}");
        if !known.contains(&field.as_str()) || !MAPPABLE_FIELDS.contains(&field.as_str()) {
            let here: Vec<&str> = MAPPABLE_FIELDS
                .into_iter()
                .filter(|f| known.contains(f))
                .collect();
            problems.push(problem(
                &key,
                format!("values can be mapped for: {}", here.join(", ")),
            ));
            continue;
        }
        let Value::Table(map) = value else {
            problems.push(problem(
                &key,
                "expected a table of \"source value\" = \"SPEC value\"",
            ));
            continue;
        };
        let mut mapped = BTreeMap::new();
        for (from, to) in map {
            let entry_key = format!("{key}.\"{from}\"");
            let to = match to {
                Value::String(t) if t.trim() == "@skip" => MappedValue::Skip,
                Value::String(t) => match spec_value(field, t) {
                    Some(v) => MappedValue::To(v.to_string()),
                    None => {
                        problems.push(problem(
                            &entry_key,
                            format!("'{t}' is not a value of {field} (or \"@skip\")"),
                        ));
                        continue;
                    }
                },
                _ => {
                    problems.push(problem(&entry_key, "expected a string"));
                    continue;
                }
            };
            if mapped.insert(from.trim().to_lowercase(), to).is_some() {
                problems.push(problem(
                    &entry_key,
                    "mapped twice (source values are matched trimmed and case-insensitively)",
                ));
            }
        }
        out.insert(field.clone(), mapped);
    }
    out
}

/// Why the file at `path` cannot be found, in words (`e` from `std::fs::metadata`).
fn missing_file(path: &Path, e: &std::io::Error) -> String {
    const ELOOP: i32 = 40; // Linux: too many levels of symbolic links
    match (e.kind(), e.raw_os_error()) {
        (std::io::ErrorKind::NotFound, _) => format!("file not found: {}", path.display()),
        (_, Some(ELOOP)) => format!(
            "symbolic link loop: {} (following its links never reaches a file)",
            path.display()
        ),
        _ => format!("cannot read {}: {e}", path.display()),
    }
}

/// Where the layer's geometry comes from: native, `x` + `y`, or `wkt`.
fn geometry_source(s: &mut Section, problems: &mut Vec<Problem>) -> GeometrySource {
    let x = s.string("x", problems);
    let y = s.string("y", problems);
    let wkt = s.string("wkt", problems);
    match (x, y, wkt) {
        (None, None, None) => GeometrySource::Native,
        (Some(x), Some(y), None) => GeometrySource::XY { x, y },
        (None, None, Some(w)) => GeometrySource::Wkt(w),
        (_, _, Some(_)) => {
            problems.push(problem(
                &s.key("wkt"),
                "give either wkt or x and y, not both",
            ));
            GeometrySource::Native
        }
        _ => {
            problems.push(problem(&s.key("x"), "x and y must be given together"));
            GeometrySource::Native
        }
    }
}

/// A table of SPEC field name → text; keys must be SPEC fields of the layer.
fn string_map(
    table: &Table,
    prefix: &str,
    known: &[&str],
    names_only: bool,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for (key, value) in table {
        let full = format!("{prefix}.{key}");
        if !known.contains(&key.as_str()) {
            problems.push(problem(
                &full,
                format!("unknown field (expected one of: {})", known.join(", ")),
            ));
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Integer(i) if !names_only => i.to_string(),
            Value::Float(f) if !names_only => f.to_string(),
            Value::Datetime(d) if !names_only => d.to_string(),
            _ => {
                problems.push(problem(&full, "expected a string"));
                continue;
            }
        };
        if names_only && text.trim().is_empty() {
            problems.push(problem(&full, "empty field name"));
            continue;
        }
        map.insert(key.clone(), text);
    }
    map
}

fn check_parameters(table: &Table, problems: &mut Vec<Problem>) -> Parameters {
    let mut s = Section::new(table, "parameters");
    let defaults = Parameters::default();
    let radius_m = match s.number("radius_m", problems) {
        Some(r) if (0.0..=MAX_RADIUS_M).contains(&r) => r,
        Some(r) => {
            problems.push(problem(
                &s.key("radius_m"),
                format!("{r} must be a distance in metres from 0 to {MAX_RADIUS_M} (half the earth's circumference)"),
            ));
            defaults.radius_m
        }
        None => defaults.radius_m,
    };
    let accident_years = s
        .integer("accident_years", 0, 200, problems)
        .unwrap_or(defaults.accident_years);
    let window_days = s
        .integer("window_days", 1, 36_525, problems)
        .unwrap_or(defaults.window_days);
    let weights = s
        .table("weights", problems)
        .map(|t| check_weights(t, problems))
        .unwrap_or_default();
    s.finish(problems);
    Parameters {
        radius_m,
        accident_years,
        window_days,
        weights,
    }
}

fn check_weights(table: &Table, problems: &mut Vec<Problem>) -> Weights {
    let mut s = Section::new(table, "parameters.weights");
    let d = Weights::default();
    let mut weight = |key: &str, default: f64, s: &mut Section| match s.number(key, problems) {
        Some(w) if (0.0..=MAX_WEIGHT).contains(&w) => w,
        Some(w) => {
            problems.push(problem(
                &s.key(key),
                format!("{w} must be a number from 0 to {MAX_WEIGHT} (weights are relative: 3 and 1 weigh as 3 000 and 1 000)"),
            ));
            default
        }
        None => default,
    };
    let w = Weights {
        proximity: weight("proximity", d.proximity, &mut s),
        people: weight("people", d.people, &mut s),
        accidents: weight("accidents", d.accidents, &mut s),
        status: weight("status", d.status, &mut s),
        hazard_type: weight("hazard_type", d.hazard_type, &mut s),
    };
    if w.proximity + w.people + w.accidents + w.status + w.hazard_type <= 0.0 {
        problems.push(problem(
            "parameters.weights",
            "at least one weight must be above 0",
        ));
    }
    s.finish(problems);
    w
}

fn check_deadlines(table: &Table, problems: &mut Vec<Problem>) -> Deadlines {
    let mut s = Section::new(table, "deadlines");
    let national = s.date("national", problems);
    let mut regions = BTreeMap::new();
    if let Some(t) = s.table("regions", problems) {
        let mut r = Section::new(t, "deadlines.regions");
        for key in t.keys() {
            if let Some(d) = r.date(key, problems) {
                regions.insert(key.clone(), d);
            }
        }
        r.finish(problems);
    }
    s.finish(problems);
    Deadlines { national, regions }
}

/// `[scenarios.<name>]` (R12): exactly one of `rate_factor` (> 0) and `finish_by` (after
/// the as-of date D); names of letters, digits, `_` and `-`; `current` is reserved (it
/// always exists, with factor 1). Returned ordered by name.
fn check_scenarios(
    table: Option<&Table>,
    as_of: NaiveDate,
    problems: &mut Vec<Problem>,
) -> Vec<Scenario> {
    let mut out = vec![Scenario {
        name: CURRENT_SCENARIO.to_string(),
        rate: ScenarioRate::Factor(1.0),
    }];
    let Some(table) = table else {
        return out;
    };
    let mut all = Section::new(table, "scenarios");
    for name in table.keys() {
        let key = format!("scenarios.{name}");
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !valid {
            problems.push(problem(
                &key,
                "a scenario name may hold only letters, digits, _ and -",
            ));
        }
        if name == CURRENT_SCENARIO {
            problems.push(problem(
                &key,
                "'current' is reserved: it is always today's rate (rate_factor 1)",
            ));
        }
        let Some(t) = all.table(name, problems) else {
            continue;
        };
        let mut s = Section::new(t, &key);
        let factor = s.number("rate_factor", problems);
        let finish_by = s.date("finish_by", problems);
        s.finish(problems);
        let rate = scenario_rate(&key, t, factor, finish_by, as_of, problems);
        if let (true, Some(rate)) = (valid && name != CURRENT_SCENARIO, rate) {
            out.push(Scenario {
                name: name.clone(),
                rate,
            });
        }
    }
    all.finish(problems);
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// A scenario's rate from its `rate_factor` or `finish_by` (exactly one, valid).
fn scenario_rate(
    key: &str,
    t: &Table,
    factor: Option<f64>,
    finish_by: Option<NaiveDate>,
    as_of: NaiveDate,
    problems: &mut Vec<Problem>,
) -> Option<ScenarioRate> {
    match (factor, finish_by) {
        (Some(f), None) if RATE_FACTORS.contains(&f) => Some(ScenarioRate::Factor(f)),
        (Some(f), None) => {
            problems.push(problem(
                &format!("{key}.rate_factor"),
                format!(
                    "{f} must be a capacity factor from {} to {} (today's rate times it)",
                    RATE_FACTORS.start(),
                    RATE_FACTORS.end()
                ),
            ));
            None
        }
        (None, Some(d)) if d > as_of => Some(ScenarioRate::FinishBy(d)),
        (None, Some(d)) => {
            problems.push(problem(
                &format!("{key}.finish_by"),
                format!("{d} is not after the as-of date {as_of}"),
            ));
            None
        }
        (Some(_), Some(_)) => {
            problems.push(problem(
                key,
                "give either rate_factor or finish_by, not both",
            ));
            None
        }
        (None, None) => {
            let given = t.contains_key("rate_factor") || t.contains_key("finish_by");
            if !given {
                problems.push(problem(key, "missing: give rate_factor or finish_by"));
            }
            None
        }
    }
}

/// Checks that GDAL understands a CRS definition (`EPSG:32642`, WKT, PROJ string…).
pub fn check_crs(definition: &str) -> Result<(), String> {
    match gdal::spatial_ref::SpatialRef::from_definition(definition) {
        Ok(_) => Ok(()),
        // When not even EPSG:4326 can be made, PROJ's database is missing: not the
        // pipeline's mistake; reading the inputs reports it in words (exit 1).
        Err(_) if gdal::spatial_ref::SpatialRef::from_epsg(4326).is_err() => Ok(()),
        Err(e) => Err(format!("'{definition}' is not a CRS GDAL understands: {e}")),
    }
}
