//! Target 2: `[inputs.<layer>.fields]` mappings to random, mis-cased, padded, duplicated
//! and missing source names (and a random `[defaults]`), then every layer read and QA'd in
//! process. Never a panic; every failure a `ConfigError` naming a key, an ingest error
//! naming its layer, or QA findings.

use std::collections::BTreeMap;
use std::time::Duration;

use minefree::config::{load_pipeline, LayerKind, Overrides};
use minefree::ingest::read_layer;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::harness::{campaign, sample_text};
use crate::pipeline_file::config_error_is_clear;

/// Keys that no layer's `fields`/`defaults` table has, or that belong to another layer.
const ODD_SPEC_NAMES: &[&str] = &[
    "geometry",
    "Hazard_ID",
    "",
    " status",
    "hazard_id",
    "name",
    "release_id",
    "fid",
];

/// The sample's source field names (all layers), for mappings that point across layers.
const SOURCE_NAMES: &[&str] = &[
    "hazard_id",
    "status",
    "hazard_type",
    "recorded_on",
    "village_name",
    "release_id",
    "method",
    "COMPLETED",
    "org",
    "region_id",
    "name",
    "parent_id",
    "settlement_id",
    "population",
    "lon",
    "lat",
    "accident_id",
    "occurred_on",
    "casualties",
    "WKT",
    "fid",
    "@fid",
    "OBJECTID",
];

/// A source name as an export might spell it.
#[derive(Debug, Clone)]
enum Spelling {
    Exact,
    Upper,
    Lower,
    Padded,
    Random(String),
}

fn spelled(name: &str, s: &Spelling) -> String {
    match s {
        Spelling::Exact => name.to_string(),
        Spelling::Upper => name.to_uppercase(),
        Spelling::Lower => name.to_lowercase(),
        Spelling::Padded => format!("  {name} "),
        Spelling::Random(r) => r.clone(),
    }
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        4 => Just(Spelling::Exact),
        1 => Just(Spelling::Upper),
        1 => Just(Spelling::Lower),
        1 => Just(Spelling::Padded),
        1 => "\\PC{0,10}".prop_map(Spelling::Random),
    ]
}

/// The SPEC field a mapping line is for: one of its layer's (`LayerKind::fields`), by
/// position, or an odd name.
#[derive(Debug, Clone)]
enum SpecName {
    Own(Index),
    Odd(&'static str),
}

/// `(layer, defaults rather than fields, SPEC name, source name, spelling)`: one line.
type Mapping = (usize, bool, SpecName, &'static str, Spelling);

fn mapping() -> impl Strategy<Value = Mapping> {
    (
        0usize..LayerKind::ALL.len(),
        prop::bool::weighted(0.2),
        prop_oneof![
            4 => any::<Index>().prop_map(SpecName::Own),
            1 => prop::sample::select(ODD_SPEC_NAMES).prop_map(SpecName::Odd),
        ],
        prop::sample::select(SOURCE_NAMES),
        spelling(),
    )
}

/// The sample pipeline with `mappings` over its own (releases: `completed_on`,
/// `organisation`), every mapping table at the end of the file.
fn pipeline_text(mappings: &[Mapping]) -> String {
    let sample_fields = "[inputs.releases.fields]\ncompleted_on = \"COMPLETED\"      # shapefile field names are at most 10 characters\norganisation = \"org\"\n";
    let text = sample_text();
    assert!(
        text.contains(sample_fields),
        "the sample maps the release fields"
    );
    let mut out = text.replace(sample_fields, "");
    let mut tables: BTreeMap<String, BTreeMap<&str, String>> = BTreeMap::new();
    let releases = tables.entry("[inputs.releases.fields]".into()).or_default();
    releases.insert("completed_on", "COMPLETED".into());
    releases.insert("organisation", "org".into());
    for (layer, defaults, spec, source, s) in mappings {
        let kind = LayerKind::ALL[*layer];
        let section = if *defaults { "defaults" } else { "fields" };
        let spec = match spec {
            SpecName::Own(i) => kind.fields()[i.index(kind.fields().len())].name(),
            SpecName::Odd(name) => name,
        };
        tables
            .entry(format!("[inputs.{}.{section}]", kind.key()))
            .or_default()
            .insert(spec, spelled(source, s));
    }
    for (header, lines) in tables {
        out.push_str(&format!("\n{header}\n"));
        for (spec, source) in lines {
            out.push_str(&format!(
                "{} = {}\n",
                toml_string(spec),
                toml_string(&source)
            ));
        }
    }
    out
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// Loads, reads every layer and runs QA; `Ok` unless something panics or an error is unclear.
fn read_mapped(mappings: Vec<Mapping>) -> Result<&'static str, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let path = dir.path().join("p.toml");
    std::fs::write(&path, pipeline_text(&mappings)).map_err(|e| format!("write: {e}"))?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("a valid date");
    let pipeline = match load_pipeline(&path, &Overrides::default(), today) {
        Ok(p) => p,
        Err(e) => return config_error_is_clear(&e),
    };
    let mut layers = Vec::new();
    for spec in &pipeline.inputs {
        match read_layer(spec) {
            Ok(layer) => layers.push(layer),
            Err(e) => {
                let said = e.to_string();
                if !said.contains(spec.kind.key()) {
                    return Err(format!("an ingest error not naming its layer: {said}"));
                }
                return Ok("ingest error");
            }
        }
    }
    let (_, findings) = minefree::qa::check_layers(layers, pipeline.as_of);
    Ok(if findings.len() > 21 {
        "more QA findings than the sample's"
    } else {
        "read"
    })
}

#[test]
#[ignore = "fuzz campaign: run by `make fuzz`"]
fn fuzz_field_mapping() {
    campaign(
        "field_mapping",
        2000,
        Duration::from_secs(30),
        prop::collection::vec(mapping(), 0..8),
        read_mapped,
    );
}
