//! End to end: `pipelines/sample.toml` on `sample-data/`, compared with the independent
//! shapely + pyproj oracle (`tests/oracle/sample_oracle.py` → `tests/expected/sample.json`).
//!
//! Tolerances: areas within 0.01 % of the row's original area + 1 m² (R7; derived values
//! inherit the tolerance of what they are derived from), distances within 0.5 % or 1 m
//! (R8), scores within 0.011 (a distance inside its tolerance can move the second decimal).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{pipeline, read_layer, real, root, text, Row};
use minefree::pipeline::{run, Mode};

fn expected() -> Value {
    let path = root().join("tests/expected/sample.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close_area(got: f64, want: f64, original: f64, what: &str) {
    let tol = 1e-4 * original + 1.0;
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, oracle {want} (tolerance {tol})"
    );
}

fn run_sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let p = pipeline(&root().join("pipelines/sample.toml"), &out);
    let outcome = run(&p, Mode::Run).expect("sample run succeeds");
    assert_eq!(outcome.exit_status, 0);
    (tmp, out)
}

const AREAS: [&str; 6] = [
    "original_m2",
    "remaining_m2",
    "released_m2",
    "cleared_m2",
    "reduced_m2",
    "cancelled_m2",
];

#[test]
fn sample_regions_match_the_oracle() {
    let (_tmp, out) = run_sample();
    let want = expected();
    let rows = read_layer(&out.join("minefree.gpkg"), "region_summary");
    let got: BTreeMap<String, &Row> = rows
        .iter()
        .map(|(r, _)| (text(r, "region_id").unwrap(), r))
        .collect();
    let want_regions = want["regions"].as_object().unwrap();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want_regions.keys().collect::<Vec<_>>(),
        "same region rows (including _outside)"
    );
    for (id, w) in want_regions {
        let g = got[id];
        let original = w["original_m2"].as_f64().unwrap();
        for col in
            AREAS
                .iter()
                .chain(&["remaining_cha_m2", "remaining_sha_m2", "released_window_m2"])
        {
            close_area(
                real(g, col),
                w[*col].as_f64().unwrap(),
                original,
                &format!("{id}.{col}"),
            );
        }
        assert_eq!(
            real(g, "hazards") as i64,
            w["hazards"].as_i64().unwrap(),
            "{id}.hazards"
        );
        // hazards_cha / hazards_sha: the oracle's hazards with land left in this region,
        // by status (anything but CHA counts as SHA, R2)
        for (col, cha) in [("hazards_cha", true), ("hazards_sha", false)] {
            let oracle = want["hazards"]
                .as_object()
                .unwrap()
                .values()
                .filter(|h| h["region_id"] == id.as_str())
                .filter(|h| h["remaining_m2"].as_f64().unwrap() >= 1.0)
                .filter(|h| (h["status"] == "CHA") == cha)
                .count();
            assert_eq!(real(g, col) as usize, oracle, "{id}.{col}");
        }
        assert_eq!(
            real(g, "population_near_hazards") as i64,
            w["population_near_hazards"].as_i64().unwrap(),
            "{id}.population_near_hazards"
        );
        assert_eq!(
            text(g, "projected_completion"),
            w["projected_completion"].as_str().map(String::from),
            "{id}"
        );
        assert_eq!(
            text(g, "deadline"),
            w["deadline"].as_str().map(String::from),
            "{id}"
        );
        let on_track = g.get("on_track").map(|_| real(g, "on_track") != 0.0);
        assert_eq!(on_track, w["on_track"].as_bool(), "{id}.on_track");
    }
}

#[test]
fn sample_hazards_and_priorities_match_the_oracle() {
    let (_tmp, out) = run_sample();
    let want = expected();
    let want_hazards = want["hazards"].as_object().unwrap();
    let rows = read_layer(&out.join("minefree.gpkg"), "remaining_hazards");
    // Duplicated ids are keyed "ID#1", "ID#2" in input order by the oracle.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut ranked = 0;
    for (row, geometry) in &rows {
        let id = text(row, "hazard_id").unwrap();
        let n = seen.entry(id.clone()).or_default();
        *n += 1;
        let key = if want_hazards.contains_key(&id) {
            id.clone()
        } else {
            format!("{id}#{n}")
        };
        let w = &want_hazards[&key];
        assert!(w.is_object(), "oracle has hazard {key}");
        let original = w["original_m2"].as_f64().unwrap();
        for col in AREAS {
            close_area(
                real(row, col),
                w[col].as_f64().unwrap(),
                original,
                &format!("{key}.{col}"),
            );
        }
        assert_eq!(
            text(row, "region_id").as_deref(),
            w["region_id"].as_str(),
            "{key}.region_id"
        );
        assert_eq!(
            text(row, "status").as_deref(),
            w["status"].as_str(),
            "{key}.status"
        );
        assert_eq!(
            geometry.is_some(),
            w["remaining_m2"].as_f64().unwrap() > 0.0,
            "{key} geometry"
        );
        let Some(rank) = w["rank"].as_i64() else {
            assert!(
                row.get("rank").is_none() && row.get("score").is_none(),
                "{key} has no rank"
            );
            continue;
        };
        ranked += 1;
        assert_eq!(real(row, "rank") as i64, rank, "{key}.rank");
        assert!(
            (real(row, "score") - w["score"].as_f64().unwrap()).abs() <= 0.011,
            "{key}.score"
        );
        let d = real(row, "distance_m");
        let wd = w["distance_m"].as_f64().unwrap();
        assert!(
            (d - wd).abs() <= (0.005 * wd).max(1.0),
            "{key}.distance_m {d} vs {wd}"
        );
        assert_eq!(
            text(row, "nearest_settlement_id").as_deref(),
            w["nearest_settlement_id"].as_str(),
            "{key}"
        );
        for col in [
            "settlements_within",
            "population_within",
            "accidents_within",
        ] {
            assert_eq!(
                real(row, col) as i64,
                w[col].as_i64().unwrap(),
                "{key}.{col}"
            );
        }
        for col in [
            "f_proximity",
            "f_people",
            "f_accidents",
            "f_status",
            "f_type",
        ] {
            assert!(
                (real(row, col) - w[col].as_f64().unwrap()).abs() < 2e-3,
                "{key}.{col}"
            );
        }
    }
    assert_eq!(
        rows.len(),
        want_hazards.len(),
        "one row per hazard existing as of D"
    );
    assert_eq!(ranked, want["priority_order"].as_array().unwrap().len());
    // priority_tasks holds the ranked hazards in rank order.
    let tasks = read_layer(&out.join("minefree.gpkg"), "priority_tasks");
    let ranks: Vec<i64> = tasks.iter().map(|(r, _)| real(r, "rank") as i64).collect();
    assert_eq!(ranks, (1..=ranked as i64).collect::<Vec<_>>());
}

#[test]
fn sample_national_totals_match_the_oracle() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let outcome = run(
        &pipeline(&root().join("pipelines/sample.toml"), &out),
        Mode::Run,
    )
    .unwrap();
    let n = outcome.national.expect("national totals").figures;
    let w = &expected()["national"];
    let original = w["original_m2"].as_f64().unwrap();
    close_area(n.original_m2, original, original, "original");
    close_area(
        n.remaining_m2,
        w["remaining_m2"].as_f64().unwrap(),
        original,
        "remaining",
    );
    close_area(
        n.cleared_m2,
        w["cleared_m2"].as_f64().unwrap(),
        original,
        "cleared",
    );
    close_area(
        n.reduced_m2,
        w["reduced_m2"].as_f64().unwrap(),
        original,
        "reduced",
    );
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(doc["as_of"], "2026-06-30");
    assert_eq!(doc["exit_status"], 0);
    // the five layers and the targets table (R15)
    assert_eq!(doc["inputs"].as_array().unwrap().len(), 6);
    // each single-file input's hash is its file's, as coreutils' sha256sum gives it (a
    // shapefile's is the hash of its parts' hashes: see digest::hash_source)
    let sample = root().join("sample-data");
    for input in doc["inputs"].as_array().unwrap() {
        let source = input["source"].as_str().unwrap();
        let name = Path::new(source).file_name().unwrap();
        if source.ends_with(".shp") {
            assert_eq!(input["sha256"].as_str().unwrap().len(), 64, "{source}");
            continue;
        }
        let sum = std::process::Command::new("sha256sum")
            .arg(sample.join(name))
            .output()
            .expect("sha256sum runs");
        let want = String::from_utf8(sum.stdout).unwrap();
        let want = want.split_whitespace().next().expect("a hash");
        assert_eq!(input["sha256"].as_str(), Some(want), "{source}");
    }
    assert!(doc["timings_s"]["release"].is_number());
}

#[test]
fn sample_qa_reports_every_deliberate_defect() {
    let (_tmp, out) = run_sample();
    let rows = read_layer(&out.join("minefree.gpkg"), "qa_findings");
    let found: Vec<(String, String, String)> = rows
        .iter()
        .map(|(r, _)| {
            (
                text(r, "layer").unwrap(),
                text(r, "feature_id").unwrap_or_default(),
                text(r, "check").unwrap(),
            )
        })
        .collect();
    // The defects listed in sample-data/README.md.
    let expected = [
        ("hazards", "HZ-014", "self_intersection"),
        ("hazards", "HZ-021", "spike"),
        ("hazards", "HZ-022", "repeated_vertices"),
        ("hazards", "HZ-026", "empty_geometry"),
        ("hazards", "HZ-031", "null_geometry"),
        ("hazards", "HZ-032", "wrong_geometry_type"),
        ("hazards", "HZ-025", "recorded_after_as_of"),
        ("hazards", "HZ-015", "missing_date"),
        ("hazards", "HZ-024", "missing_date"),
        ("hazards", "HZ-017", "unknown_status"),
        ("hazards", "HZ-010", "duplicate_id"),
        ("hazards", "HZ-020", "duplicate_id"),
        ("hazards", "HZ-023", "outside_regions"),
        ("hazards", "HZ-001", "overlapping_hazards"),
        ("releases", "RL-0004", "unknown_hazard_id"),
        ("releases", "RL-0005", "hazard_id_not_overlapping"),
        ("releases", "RL-0013", "unknown_hazard_id"),
        ("releases", "RL-0006", "release_before_hazard"),
        ("releases", "RL-0008", "missing_date"),
        ("releases", "RL-0009", "completed_after_as_of"),
        ("releases", "RL-0042", "duplicate_id"),
        ("settlements", "", "crs_assumed"),
    ];
    for (layer, id, check) in expected {
        assert!(
            found.contains(&(layer.to_string(), id.to_string(), check.to_string())),
            "missing QA finding {layer}/{id}/{check}"
        );
    }
    // HZ-003 crosses a shared province boundary but lies wholly inside provinces.
    assert!(!found
        .iter()
        .any(|f| f.1 == "HZ-003" && f.2 == "outside_regions"));
    // Findings are ordered by (layer, feature_id, check).
    let mut sorted = found.clone();
    sorted.sort();
    assert_eq!(found, sorted);
}

/// Rows of an attribute table of the GeoPackage keyed by `keys` joined with '/'.
fn keyed_rows(out: &std::path::Path, layer: &str, keys: &[&str]) -> BTreeMap<String, Row> {
    read_layer(&out.join("minefree.gpkg"), layer)
        .into_iter()
        .map(|(r, _)| {
            let k: Vec<String> = keys.iter().map(|c| text(&r, c).unwrap()).collect();
            (k.join("/"), r)
        })
        .collect()
}

/// The oracle's rows of `table` keyed like [`keyed_rows`]. `release_history` gains the
/// `_national` rows: the oracle's ledger of the whole country (each point once).
fn oracle_rows(want: &Value, table: &str, keys: &[&str]) -> BTreeMap<String, Value> {
    let mut rows = want[table].as_array().unwrap().clone();
    if table == "release_history" {
        for row in want["release_history_national"]
            .as_object()
            .unwrap()
            .values()
        {
            let mut row = row.clone();
            row["region_id"] = Value::String("_national".into());
            rows.push(row);
        }
    }
    rows.iter()
        .map(|w| {
            let k: Vec<String> = keys
                .iter()
                .map(|c| match &w[*c] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            (k.join("/"), w.clone())
        })
        .collect()
}

/// The tolerance scale of a place: its original land (the national one for `_national`).
fn original_of(want: &Value, region_id: &str) -> f64 {
    match region_id {
        "_national" => want["national"]["original_m2"].as_f64().unwrap(),
        id => want["regions"][id]["original_m2"].as_f64().unwrap(),
    }
}

/// Minefree's rows of `table` paired with the oracle's by `keys` (the same keys on both
/// sides, asserted), each with its place's original land (the tolerance scale).
fn paired(
    out: &std::path::Path,
    want: &Value,
    table: &str,
    keys: &[&str],
) -> Vec<(String, Row, Value, f64)> {
    let mut got = keyed_rows(out, table, keys);
    if table == "work_plan" {
        // checked against the oracle's regional rows in `national_work_plan_sums_…`
        got.retain(|k, _| !k.contains("/_national/"));
    }
    let wanted = oracle_rows(want, table, keys);
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        wanted.keys().collect::<Vec<_>>(),
        "{table}: the same rows"
    );
    wanted
        .into_iter()
        .map(|(k, w)| {
            let g = got.remove(&k).unwrap();
            let original = original_of(want, w["region_id"].as_str().unwrap());
            (k, g, w, original)
        })
        .collect()
}

#[test]
fn sample_land_ledger_matches_the_oracle() {
    let (_tmp, out) = run_sample();
    let want = expected();
    let rows = paired(&out, &want, "release_history", &["region_id", "year"]);
    for (k, g, w, original) in &rows {
        for col in [
            "remaining_start_m2",
            "added_m2",
            "released_m2",
            "cleared_m2",
            "reduced_m2",
            "cancelled_m2",
            "remaining_end_m2",
        ] {
            close_area(
                real(g, col),
                w[col].as_f64().unwrap(),
                *original,
                &format!("{k}.{col}"),
            );
        }
        // Every written row adds up (to the rounding of its columns).
        let balance = real(g, "remaining_start_m2") + real(g, "added_m2")
            - real(g, "released_m2")
            - real(g, "remaining_end_m2");
        assert!(
            balance.abs() <= 0.03,
            "{k}: start + added − released − end = {balance}"
        );
    }
    // The last year ends at region_summary's remaining land, exactly as written.
    let regions = keyed_rows(&out, "region_summary", &["region_id"]);
    for (id, r) in &regions {
        let key = format!("{id}/2026");
        let (_, last, _, _) = rows.iter().find(|r| r.0 == key).expect("a 2026 row");
        assert_eq!(
            real(last, "remaining_end_m2"),
            real(r, "remaining_m2"),
            "{id}"
        );
    }
}

#[test]
fn sample_required_rates_scenarios_and_work_plan_match_the_oracle() {
    let (_tmp, out) = run_sample();
    let want = expected();
    let close_rel = |got: Option<f64>, want: &Value, what: &str| match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-4 * w.abs() + 1e-3,
            "{what}: got {g}, oracle {w}"
        ),
        (g, _) => panic!("{what}: got {g:?}, oracle {want}"),
    };
    let opt_real = |r: &Row, c: &str| r.get(c).map(|_| real(r, c));
    for (id, r) in keyed_rows(&out, "region_summary", &["region_id"]) {
        let w = &want["regions"][&id];
        for col in ["required_rate_m2_per_year", "capacity_factor_needed"] {
            close_rel(opt_real(&r, col), &w[col], &format!("{id}.{col}"));
        }
    }
    for (k, g, w, original) in paired(&out, &want, "scenarios", &["scenario", "region_id"]) {
        let (k, g, w) = (&k, &g, &w);
        close_area(
            real(g, "rate_m2_per_year"),
            w["rate_m2_per_year"].as_f64().unwrap(),
            original,
            k,
        );
        close_rel(opt_real(g, "years_to_complete"), &w["years_to_complete"], k);
        for col in ["projected_completion", "deadline"] {
            assert_eq!(text(g, col), w[col].as_str().map(String::from), "{k}.{col}");
        }
        let on_track = g.get("on_track").map(|_| real(g, "on_track") != 0.0);
        assert_eq!(on_track, w["on_track"].as_bool(), "{k}.on_track");
    }
    for (k, g, w, original) in paired(&out, &want, "work_plan", &["scenario", "region_id", "year"])
    {
        let (k, g, w) = (&k, &g, &w);
        for col in [
            "remaining_start_m2",
            "planned_release_m2",
            "remaining_end_m2",
        ] {
            close_area(
                real(g, col),
                w[col].as_f64().unwrap(),
                original,
                &format!("{k}.{col}"),
            );
        }
    }
}

#[test]
fn national_work_plan_sums_the_oracles_regional_rows_and_levels_off() {
    let (_tmp, out) = run_sample();
    let want = expected();
    let got = keyed_rows(&out, "work_plan", &["scenario", "region_id", "year"]);
    let regional = want["work_plan"].as_array().unwrap();
    let remaining_now: BTreeMap<&str, f64> = want["regions"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(id, r)| (id.as_str(), r["remaining_m2"].as_f64().unwrap()))
        .collect();
    let national_original = want["national"]["original_m2"].as_f64().unwrap();
    let scenarios: std::collections::BTreeSet<&str> = regional
        .iter()
        .map(|r| r["scenario"].as_str().unwrap())
        .collect();
    for scenario in scenarios {
        let rows: Vec<&Value> = regional
            .iter()
            .filter(|r| r["scenario"] == scenario)
            .collect();
        let last = rows
            .iter()
            .map(|r| r["year"].as_i64().unwrap())
            .max()
            .unwrap();
        for year in 2026..=last {
            // each region: its row of that year, or the land it has left (a finished plan,
            // or none at a rate of 0) with nothing planned
            let (mut start, mut planned) = (0.0, 0.0);
            for (id, now) in &remaining_now {
                let mine: Vec<&&Value> = rows.iter().filter(|r| r["region_id"] == *id).collect();
                match mine.iter().find(|r| r["year"].as_i64() == Some(year)) {
                    Some(r) => {
                        start += r["remaining_start_m2"].as_f64().unwrap();
                        planned += r["planned_release_m2"].as_f64().unwrap();
                    }
                    None => {
                        start += mine
                            .last()
                            .map_or(*now, |r| r["remaining_end_m2"].as_f64().unwrap())
                    }
                }
            }
            let key = format!("{scenario}/_national/{year}");
            let g = got.get(&key).unwrap_or_else(|| panic!("no row {key}"));
            close_area(
                real(g, "remaining_start_m2"),
                start,
                national_original,
                &key,
            );
            close_area(
                real(g, "planned_release_m2"),
                planned,
                national_original,
                &key,
            );
            close_area(
                real(g, "remaining_end_m2"),
                start - planned,
                national_original,
                &key,
            );
        }
        let rows_written = got
            .keys()
            .filter(|k| k.starts_with(&format!("{scenario}/_national/")))
            .count();
        assert_eq!(rows_written as i64, last - 2026 + 1, "{scenario}");
    }
}

/// R13 against the oracle's brute force (`tests/oracle/r13_oracle.py`): the same rows
/// (place, year, organisation), every area within R7's 0.01 % of the row's released land
/// plus 2 m² (the oracle's rows are measured, minefree's scaled to add up to R11's row:
/// the ledger's drift and vertex noise, at most 3.8 m² on the sample), and the same
/// counts of releases and task days.
#[test]
fn sample_land_per_organisation_matches_the_oracle() {
    let (_tmp, out) = run_sample();
    let want = expected();
    let keys = ["region_id", "year", "organisation"];
    let rows = paired(&out, &want, "release_by_organisation", &keys);
    assert!(rows.len() > 50, "{} rows", rows.len());
    for (k, g, w, _) in &rows {
        let scale = w["released_m2"].as_f64().unwrap();
        for col in ["released_m2", "cleared_m2", "reduced_m2", "cancelled_m2"] {
            let (got, oracle) = (real(g, col), w[col].as_f64().unwrap());
            let tol = 1e-4 * scale + 2.0;
            assert!(
                (got - oracle).abs() <= tol,
                "{k}.{col}: got {got}, oracle {oracle} (tolerance {tol})"
            );
        }
        assert_eq!(text(g, "releases"), Some(w["releases"].to_string()), "{k}");
        for col in ["task_days", "m2_per_task_day"] {
            assert_eq!(text(g, col).is_none(), w[col].is_null(), "{k}.{col}");
        }
    }
}
