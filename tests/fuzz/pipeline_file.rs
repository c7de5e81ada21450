//! Target 1: the pipeline-file parser and checker on mutated `pipelines/sample.toml`
//! (byte flips, truncation, duplicated, removed and swapped lines, random keys, tables and
//! values, huge numbers, odd unicode, a BOM, CRLF line ends). Never a panic; every failure
//! a `ConfigError` whose message names a key or a line.

use std::time::Duration;

use minefree::config::{load_pipeline, ConfigError, Overrides};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::harness::{campaign, sample_text};

/// Keys the pipeline file knows, and a few it does not.
const KEYS: &[&str] = &[
    "as_of",
    "output",
    "fail_on",
    "source",
    "layer",
    "crs",
    "where",
    "x",
    "y",
    "wkt",
    "radius_m",
    "accident_years",
    "window_days",
    "proximity",
    "people",
    "accidents",
    "status",
    "hazard_type",
    "national",
    "rate_factor",
    "finish_by",
    "currency",
    "cleared_per_m2",
    "reduced_per_m2",
    "cancelled_per_m2",
    "hazard_id",
    "completed_on",
    "\"TV-NO\"",
    "\"2026\"",
    "\"\"",
    "\"\u{202e}\"",
    "unknown_key",
    "inputs.hazards.crs",
    "a.b.c",
];

/// Table headers, known and not.
const TABLES: &[&str] = &[
    "[inputs.hazards]",
    "[inputs.releases.fields]",
    "[inputs.hazards.defaults]",
    "[[inputs.releases]]",
    "[inputs.nothing]",
    "[parameters]",
    "[parameters.weights]",
    "[deadlines.regions]",
    "[scenarios.current]",
    "[scenarios.\"\"]",
    "[costs.mix]",
    "[costs.funding]",
    "[inputs]",
    "[[parameters]]",
    "[scenarios.x.y]",
];

/// Values: huge and odd numbers, odd unicode, dates, arrays, tables.
const VALUES: &[&str] = &[
    "1e309",
    "-1e309",
    "9223372036854775807",
    "-9223372036854775808",
    "1e-400",
    "nan",
    "-inf",
    "inf",
    "-0",
    "0",
    "0.0",
    "18446744073709551615",
    "0x7fffffffffffffff",
    "1_000",
    "\"\"",
    "\" \"",
    "\"\u{0}\"",
    "\"\\u0000\"",
    "\"\u{202e}evil\"",
    "\"é\"",
    "\"\u{feff}\"",
    "\"\u{1F4A3}\"",
    "\"../../../../etc/passwd\"",
    "\"/dev/zero\"",
    "\"PG:host=x\"",
    "1979-05-27T07:32:00Z",
    "0000-01-01",
    "9999-12-31",
    "2026-02-30",
    "\"2026-02-30\"",
    "\"-2026-06-30\"",
    "\"+262143-01-01\"",
    "true",
    "[]",
    "[1, \"a\"]",
    "{}",
    "{a = 1}",
    "\"EPSG:999999\"",
    "\"EPSG:4326\"",
    "\"+proj=longlat\"",
    "\"error\"",
    "\"never\"",
    "'''\nmulti'''",
    "\"\\ud800\"",
];

/// One mutation of the file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Truncate(Index),
    DuplicateLine(Index),
    RemoveLine(Index),
    SwapLines(Index, Index),
    InsertLine(Index, String),
    ReplaceValue(Index, String),
    Bom,
    Crlf,
}

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(list).prop_map(str::to_string)
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick(VALUES),
        1 => any::<i64>().prop_map(|v| v.to_string()),
        1 => any::<f64>().prop_map(|v| format!("{v:e}")),
        1 => "\\PC{0,8}".prop_map(|s| format!("{s:?}")),
        1 => "\\PC{0,8}".prop_map(|s| toml::Value::String(s).to_string()),
    ]
}

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (pick(KEYS), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => pick(TABLES),
        1 => ("[a-z_.\"\\[\\]=]{0,12}", value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => "\\PC{0,12}",
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
        2 => any::<Index>().prop_map(Mutation::RemoveLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (any::<Index>(), line()).prop_map(|(i, l)| Mutation::InsertLine(i, l)),
        3 => (any::<Index>(), value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        1 => Just(Mutation::Bom),
        1 => Just(Mutation::Crlf),
    ]
}

/// Applies one mutation to the file's bytes.
fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    match m {
        Mutation::FlipBit(i, bit) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] ^= 1 << (bit % 8);
            return;
        }
        Mutation::SetByte(i, b) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
            return;
        }
        Mutation::Truncate(i) if !bytes.is_empty() => {
            bytes.truncate(i.index(bytes.len()));
            return;
        }
        Mutation::Bom => {
            bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
            return;
        }
        Mutation::Crlf => {
            *bytes = lines.join(&b"\r\n"[..]);
            return;
        }
        Mutation::DuplicateLine(i) => {
            let at = i.index(lines.len());
            lines.insert(at, lines[at].clone());
        }
        Mutation::RemoveLine(i) => {
            lines.remove(i.index(lines.len()));
        }
        Mutation::SwapLines(a, b) => {
            let n = lines.len();
            lines.swap(a.index(n), b.index(n));
        }
        Mutation::InsertLine(i, l) => lines.insert(i.index(lines.len() + 1), l.clone().into()),
        Mutation::ReplaceValue(i, v) => {
            let at = i.index(lines.len());
            let line = &mut lines[at];
            if let Some(eq) = line.iter().position(|&b| b == b'=') {
                line.truncate(eq + 1);
                line.extend(format!(" {v}").bytes());
            }
        }
        _ => return,
    }
    *bytes = lines.join(&b"\n"[..]);
}

/// `Ok` when the pipeline loads or fails with a message naming a key or a line.
fn load_mutated(mutations: Vec<Mutation>) -> Result<&'static str, String> {
    let mut bytes = sample_text().into_bytes();
    for m in &mutations {
        apply(&mut bytes, m);
    }
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let path = dir.path().join("p.toml");
    std::fs::write(&path, &bytes).map_err(|e| format!("write: {e}"))?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("a valid date");
    match load_pipeline(&path, &Overrides::default(), today) {
        Ok(_) => Ok("loads"),
        Err(e) => config_error_is_clear(&e),
    }
}

/// A `ConfigError` names a line (syntax) or a key for each of its problems.
pub fn config_error_is_clear(e: &ConfigError) -> Result<&'static str, String> {
    match e {
        ConfigError::Read { .. } => Err(format!("a read error for a regular file: {e}")),
        ConfigError::Syntax { message, .. } if message.contains("line") => Ok("syntax error"),
        ConfigError::Syntax { .. } => Err(format!("a syntax error naming no line: {e}")),
        ConfigError::Invalid { problems, .. } if problems.is_empty() => {
            Err(format!("invalid with no problem listed: {e}"))
        }
        ConfigError::Invalid { problems, .. } => {
            match problems
                .iter()
                .find(|p| p.key.trim().is_empty() || p.message.trim().is_empty())
            {
                Some(p) => Err(format!("a problem without a key or a message: {p:?}")),
                None => Ok("invalid"),
            }
        }
    }
}

#[test]
#[ignore = "fuzz campaign: run by `make fuzz`"]
fn fuzz_pipeline_file() {
    campaign(
        "pipeline_file",
        20_000,
        Duration::from_secs(20),
        prop::collection::vec(mutation(), 1..6),
        load_mutated,
    );
}
