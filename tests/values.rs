//! `[inputs.<layer>.values.<field>]` and `date_format` (SPEC §2, issue 25): a mapped
//! value changes what is counted, `@skip` drops records and counts them per source, a
//! value that maps to nothing stays the QA finding it was, a mapping to a value the SPEC
//! does not have is a pipeline-file error naming its key, and text dates written as an
//! export writes them read the same as ISO dates.

use std::path::Path;
use std::process::Command;

use crate::common::{read_layer, real, root, stderr, text};
use crate::operations::{minefree, sample_copy, sample_with_source};

/// The sample pipeline with `extra` (TOML) inserted after `[inputs.hazards]`'s `layer`.
fn with_hazard_values(dir: &Path, extra: &str) -> std::path::PathBuf {
    sample_copy(dir, |t| {
        let anchor = "layer = \"hazards\"\n";
        assert!(t.contains(anchor));
        t.replacen(anchor, &format!("{anchor}\n{extra}\n"), 1)
    })
}

/// (status, remaining_m2) of a hazard in `remaining_hazards`.
fn hazard(out: &Path, id: &str) -> Option<(String, f64)> {
    read_layer(&out.join("minefree.gpkg"), "remaining_hazards")
        .into_iter()
        .find(|(r, _)| text(r, "hazard_id").as_deref() == Some(id))
        .map(|(r, _)| (text(&r, "status").unwrap(), real(&r, "remaining_m2")))
}

fn findings(out: &Path, check: &str) -> Vec<String> {
    read_layer(&out.join("minefree.gpkg"), "qa_findings")
        .into_iter()
        .filter(|(r, _)| text(r, "check").as_deref() == Some(check))
        .map(|(r, _)| text(&r, "feature_id").unwrap())
        .collect()
}

#[test]
fn a_mapped_status_changes_what_is_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let (plain, mapped) = (tmp.path().join("plain"), tmp.path().join("mapped"));
    let p = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &p, &plain).status.code(), Some(0));
    // HZ-017's status "XYZ" is unknown: an error, counted as SHA
    assert!(findings(&plain, "unknown_status").contains(&"HZ-017".to_string()));
    assert_eq!(hazard(&plain, "HZ-017").unwrap().0, "SHA");
    let p = with_hazard_values(
        tmp.path(),
        "[inputs.hazards.values.status]\n\" xyz \" = \"cha\"",
    );
    let o = minefree(&["run"], &p, &mapped);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!findings(&mapped, "unknown_status").contains(&"HZ-017".to_string()));
    let (status, remaining) = hazard(&mapped, "HZ-017").unwrap();
    assert_eq!(status, "CHA");
    assert_eq!(remaining, hazard(&plain, "HZ-017").unwrap().1, "same land");
    // the region holding it counts one CHA hazard more and one SHA hazard less
    let count = |out: &Path, col: &str| -> i64 {
        read_layer(&out.join("minefree.gpkg"), "region_summary")
            .iter()
            .map(|(r, _)| real(r, col) as i64)
            .sum()
    };
    assert_eq!(
        count(&mapped, "hazards_cha"),
        count(&plain, "hazards_cha") + 1
    );
    assert_eq!(
        count(&mapped, "hazards_sha"),
        count(&plain, "hazards_sha") - 1
    );
}

#[test]
fn skip_drops_the_records_and_counts_them_and_unmapped_values_stay_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // HZ-008's status is "Sha": skipped; "XYZ" (HZ-017) is not in the table
    let p = with_hazard_values(
        tmp.path(),
        "[inputs.hazards.values.status]\n\"SHA\" = \"@skip\"\n\"Confirmed\" = \"CHA\"",
    );
    let o = Command::new(crate::common::bin())
        .args(["run"])
        .arg(&p)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        hazard(&out, "HZ-008").is_none(),
        "skipped records are not read"
    );
    assert!(findings(&out, "unknown_status").contains(&"HZ-017".to_string()));
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let hazards = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["layer"] == "hazards")
        .unwrap();
    let skipped = hazards["skipped"]["values.status"].as_u64().unwrap();
    // every hazard whose status reads "sha" trimmed and case-insensitively, counted by
    // GDAL's SQL on the source
    let sql = Command::new("ogrinfo")
        .args(["-ro", "-q"])
        .arg(root().join("sample-data/national.gpkg"))
        .args([
            "-sql",
            "SELECT COUNT(*) AS n FROM hazards WHERE lower(trim(status)) = 'sha'",
        ])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&sql.stdout);
    let n: u64 = listing
        .lines()
        .find_map(|l| l.trim().strip_prefix("n (Integer) = "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 1);
    assert_eq!(skipped, n);
    assert!(
        stderr(&o).contains(&format!("{n} records skipped by values.status")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_mapping_to_a_value_the_spec_does_not_have_is_a_pipeline_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = with_hazard_values(
        tmp.path(),
        "[inputs.hazards.values.status]\n\"Expired\" = \"GONE\"\n\
         [inputs.hazards.values.recorded_on]\n\"x\" = \"y\"",
    );
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("inputs.hazards.values.status.\"Expired\": 'GONE' is not a value of status"),
        "{e}"
    );
    assert!(e.contains("inputs.hazards.values.recorded_on:"), "{e}");
}

#[test]
fn dates_written_day_first_read_the_same_with_date_format() {
    let tmp = tempfile::tempdir().unwrap();
    // the sample's accidents with occurred_on written as 30/06/2026
    let text = std::fs::read_to_string(root().join("sample-data/accidents.csv")).unwrap();
    let rewritten: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut cells: Vec<String> = l.splitn(3, ',').map(String::from).collect();
            if i > 0 && cells[1].len() == 10 {
                let (y, m, d) = (&cells[1][0..4], &cells[1][5..7], &cells[1][8..10]);
                cells[1] = format!("{d}/{m}/{y}");
            }
            cells.join(",") + "\n"
        })
        .collect();
    let csv = tmp.path().join("accidents_dmy.csv");
    std::fs::write(&csv, rewritten).unwrap();
    let iso = tmp.path().join("iso");
    let p = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &p, &iso).status.code(), Some(0));
    let dmy = tmp.path().join("dmy");
    let p = sample_with_source(tmp.path(), "sample-data/accidents.csv", &csv);
    let p_text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("wkt = \"WKT\"", "wkt = \"WKT\"\ndate_format = \"%d/%m/%Y\"");
    std::fs::write(&p, p_text).unwrap();
    assert_eq!(minefree(&["run"], &p, &dmy).status.code(), Some(0));
    assert_eq!(
        std::fs::read(iso.join("priority_tasks.csv")).unwrap(),
        std::fs::read(dmy.join("priority_tasks.csv")).unwrap(),
        "accidents_within the same"
    );
    assert!(findings(&dmy, "bad_date")
        .iter()
        .all(|id| !id.starts_with("ACC")));
    // without date_format, the same file's dates are bad_date warnings
    let p = sample_with_source(tmp.path(), "sample-data/accidents.csv", &csv);
    let plain = tmp.path().join("plain");
    assert_eq!(minefree(&["run"], &p, &plain).status.code(), Some(0));
    assert!(findings(&plain, "bad_date")
        .iter()
        .any(|id| id.starts_with("ACC")));
}

#[test]
fn a_date_format_that_is_not_a_whole_date_is_a_pipeline_error() {
    for (format, words) in [("%Q-%d", "not a strftime"), ("%d/%m", "whole date")] {
        let tmp = tempfile::tempdir().unwrap();
        let p = sample_copy(tmp.path(), |t| {
            t.replace(
                "wkt = \"WKT\"",
                &format!("wkt = \"WKT\"\ndate_format = \"{format}\""),
            )
        });
        let o = minefree(&["run"], &p, &tmp.path().join("out"));
        assert_eq!(o.status.code(), Some(2), "{format}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("inputs.accidents.date_format") && stderr(&o).contains(words),
            "{format}: {}",
            stderr(&o)
        );
    }
}

/// `sample-data/national.gpkg`'s hazards where `filter` holds, into `path` (ogr2ogr).
fn hazards_where(path: &Path, filter: &str) {
    let o = Command::new("ogr2ogr")
        .args(["-f", "GPKG", "-nln", "hazards", "-where", filter])
        .arg(path)
        .arg(root().join("sample-data/national.gpkg"))
        .arg("hazards")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The sample pipeline with its hazards read from `sources` as `[[inputs.hazards]]`.
fn hazards_from(dir: &Path, sources: &[&Path]) -> std::path::PathBuf {
    sample_copy(dir, |t| {
        let one = format!(
            "[inputs.hazards]\nsource = \"{}\"\nlayer = \"hazards\"\n",
            root().join("sample-data/national.gpkg").display()
        );
        assert!(t.contains(&one), "{t}");
        let several: String = sources
            .iter()
            .map(|s| format!("[[inputs.hazards]]\nsource = \"{}\"\n", s.display()))
            .collect();
        t.replace(&one, &several)
    })
}

#[test]
fn hazards_read_from_two_sources_give_the_land_of_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.gpkg"), tmp.path().join("b.gpkg"));
    hazards_where(&a, "hazard_id < 'HZ-015'");
    hazards_where(&b, "hazard_id >= 'HZ-015' OR hazard_id IS NULL");
    let whole = tmp.path().join("whole");
    let p = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &p, &whole).status.code(), Some(0));
    let split = tmp.path().join("split");
    let p = hazards_from(tmp.path(), &[&a, &b]);
    let o = minefree(&["run"], &p, &split);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in ["region_summary.csv", "release_history.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(split.join(f)).unwrap(),
            "{f}"
        );
    }
    // run.json lists each source with its own count
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(split.join("run.json")).unwrap()).unwrap();
    let counts: Vec<u64> = run["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["layer"] == "hazards")
        .map(|i| i["features_read"].as_u64().unwrap())
        .collect();
    assert_eq!(counts.len(), 2);
    assert!(counts.iter().all(|&n| n > 0));
}

#[test]
fn an_id_in_two_sources_is_one_duplicate_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.gpkg"), tmp.path().join("b.gpkg"));
    hazards_where(&a, "hazard_id <= 'HZ-005'");
    hazards_where(&b, "hazard_id >= 'HZ-005'");
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &hazards_from(tmp.path(), &[&a, &b]), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dup: Vec<String> = read_layer(&out.join("minefree.gpkg"), "qa_findings")
        .into_iter()
        .filter(|(r, _)| {
            text(r, "check").as_deref() == Some("duplicate_id")
                && text(r, "feature_id").as_deref() == Some("HZ-005")
        })
        .map(|(r, _)| text(&r, "message").unwrap())
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    // a record's own finding names its source (HZ-017's unknown status is in b.gpkg)
    let unknown: Vec<String> = read_layer(&out.join("minefree.gpkg"), "qa_findings")
        .into_iter()
        .filter(|(r, _)| text(r, "check").as_deref() == Some("unknown_status"))
        .map(|(r, _)| text(&r, "message").unwrap())
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0].ends_with(&format!("(source {})", b.display())),
        "{}",
        unknown[0]
    );
    let (a, b) = (a.display().to_string(), b.display().to_string());
    assert!(dup[0].contains(&a) && dup[0].contains(&b), "{}", dup[0]);
    // a mistake in the second source is named with its place in the array
    let p = hazards_from(
        tmp.path(),
        &[
            tmp.path().join("a.gpkg").as_path(),
            Path::new("/nowhere.gpkg"),
        ],
    );
    let o = minefree(&["run"], &p, &tmp.path().join("x"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("inputs.hazards[2].source"),
        "{}",
        stderr(&o)
    );
}
