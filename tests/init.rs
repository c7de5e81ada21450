//! `minefree init` (SPEC §2, issue 25): the draft of the sample's folder validates and
//! runs to the same land as the hand-written sample pipeline, an export with national
//! names and values gets its mappings guessed, and an existing file is never overwritten.

use std::path::Path;
use std::process::{Command, Output};

use gdal::vector::OGRFieldType;

use crate::common::{bin, root, write_gpkg_layer, TestField};

fn init(args: &[&str], sources: &[&Path]) -> Output {
    Command::new(bin())
        .arg("init")
        .args(sources)
        .args(args)
        .output()
        .unwrap()
}

fn run(command: &str, pipeline: &Path, out: &Path) -> Output {
    Command::new(bin())
        .args(["--quiet", command, "--as-of", "2026-06-30"])
        .arg(pipeline)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn draft_of_the_sample_folder_validates_and_runs_to_the_samples_land() {
    let tmp = tempfile::tempdir().unwrap();
    let draft = tmp.path().join("mine.toml");
    let o = init(
        &["--output", draft.to_str().unwrap()],
        &[&root().join("sample-data")],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&draft).unwrap();
    // the shapefile's 10-character name is mapped, with the reason
    assert!(text.contains("completed_on = \"COMPLETED\""), "{text}");
    assert!(text.contains("organisation = \"org\""), "{text}");
    let v = run("validate", &draft, &tmp.path().join("v"));
    assert_eq!(
        v.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&v.stderr)
    );
    let drafted = tmp.path().join("drafted");
    let r = run("run", &draft, &drafted);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let sample = tmp.path().join("sample");
    let r = run("run", &root().join("pipelines/sample.toml"), &sample);
    assert_eq!(r.status.code(), Some(0));
    // the same land, year by year (the sample file adds deadlines, scenarios and costs,
    // which change other tables but not the ledger)
    assert_eq!(
        std::fs::read(drafted.join("release_history.csv")).unwrap(),
        std::fs::read(sample.join("release_history.csv")).unwrap()
    );
    // never overwritten
    let before = std::fs::read(&draft).unwrap();
    let o = init(
        &["--output", draft.to_str().unwrap()],
        &[&root().join("sample-data")],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists"));
    assert_eq!(std::fs::read(&draft).unwrap(), before);
}

#[test]
fn spanish_export_gets_its_fields_values_and_date_format_guessed() {
    let tmp = tempfile::tempdir().unwrap();
    let gpkg = tmp.path().join("export.gpkg");
    let square = |x: f64| {
        format!(
            "POLYGON (({x} 38, {} 38, {} 38.01, {x} 38.01, {x} 38))",
            x + 0.01,
            x + 0.01
        )
    };
    let (a, b, c) = (square(69.0), square(69.1), square(69.2));
    write_gpkg_layer(
        &gpkg,
        "Area_Peligrosa",
        4326,
        &[
            TestField("FeatureID", OGRFieldType::OFTString),
            TestField("estado", OGRFieldType::OFTString),
            TestField("fecha", OGRFieldType::OFTString),
        ],
        &[
            (vec!["P1", "Confirmado", "30/06/2019"], a.as_str()),
            (vec!["P2", "Sospechoso", "01/02/2020"], b.as_str()),
            (vec!["P3", "Cerrado", "15/03/2021"], c.as_str()),
        ],
    );
    let o = init(&[], &[&gpkg]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    for want in [
        "[inputs.hazards]",
        "hazard_id = \"FeatureID\"",
        "status = \"estado\"",
        "recorded_on = \"fecha\"",
        "date_format = \"%d/%m/%Y\"",
        "\"Confirmado\" = \"CHA\"",
        "\"Sospechoso\" = \"SHA\"",
        "\"Cerrado\" = \"@skip\"",
        "# FILL IN: no layer looks like the releases input",
    ] {
        assert!(text.contains(want), "no `{want}` in:\n{text}");
    }
    // the draft is TOML that the checker reads (its gaps are comments)
    let parsed: toml::Table = text.parse().unwrap();
    assert!(parsed["inputs"]["hazards"]["values"]["status"].is_table());
}
