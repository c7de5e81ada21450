//! Running unattended: exit statuses, outputs replaced all at once (or not at all),
//! locking, and byte-identical CSVs whatever the thread count.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{bin, root};

pub(crate) fn sample_copy(dir: &Path, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("pipelines/sample.toml")).unwrap();
    let text = text.replace(
        "../sample-data",
        &root().join("sample-data").to_string_lossy(),
    );
    let path = dir.join("p.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

/// The sample pipeline with one of its sources (`sample_file`, relative to the repository
/// root) replaced by `replacement`.
pub(crate) fn sample_with_source(
    dir: &Path,
    sample_file: &str,
    replacement: &Path,
) -> std::path::PathBuf {
    let original = root().join(sample_file).to_string_lossy().into_owned();
    sample_copy(dir, |t| {
        t.replace(&original, &replacement.to_string_lossy())
    })
}

pub(crate) fn minefree(args: &[&str], pipeline: &Path, out: &Path) -> Output {
    Command::new(bin())
        .arg("--quiet")
        .args(args)
        .arg(pipeline)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn failed_run_leaves_previous_outputs_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &out).status.code(), Some(0));
    let before = std::fs::read(out.join("region_summary.csv")).unwrap();
    let run_json = std::fs::read(out.join("run.json")).unwrap();

    let corrupt = tmp.path().join("corrupt.gpkg");
    std::fs::write(&corrupt, b"SQLite format 3\0 this is not a database").unwrap();
    let bad = sample_with_source(tmp.path(), "sample-data/national.gpkg", &corrupt);
    let o = minefree(&["run"], &bad, &out);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("corrupt.gpkg") && stderr.contains("previous outputs left untouched"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(out.join("region_summary.csv")).unwrap(),
        before
    );
    assert_eq!(std::fs::read(out.join("run.json")).unwrap(), run_json);
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains("previous"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn qa_errors_exit_3_when_the_pipeline_says_fail_on_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| {
        t.replace("fail_on = \"never\"", "fail_on = \"error\"")
    });
    let out = tmp.path().join("o");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(3));
    // The outputs are still written (the run finished).
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(doc["exit_status"], 3);
    assert!(doc["qa"]["by_severity"]["error"].as_u64().unwrap() > 0);
}

#[test]
fn csvs_and_workbook_are_byte_identical_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(
        minefree(&["--threads", "1", "run"], &p, &a).status.code(),
        Some(0)
    );
    assert_eq!(
        minefree(&["--threads", "2", "run"], &p, &b).status.code(),
        Some(0)
    );
    for f in [
        "region_summary.csv",
        "priority_tasks.csv",
        "qa_findings.csv",
        "release_history.csv",
        "scenarios.csv",
        "work_plan.csv",
        // the workbook too: its document date is the as-of date, not the clock's
        "minefree.xlsx",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn a_second_run_on_the_same_output_is_refused_while_one_holds_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    let held = minefree::report::write::output::lock(&out).unwrap();
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("another minefree run") && stderr.contains(&std::process::id().to_string()),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");
    drop(held);
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
}

/// The files every complete run leaves, with the bytes of its region table.
fn snapshot(out: &Path) -> Option<Vec<u8>> {
    for f in [
        "minefree.gpkg",
        "region_summary.csv",
        "priority_tasks.csv",
        "qa_findings.csv",
        "report.html",
    ] {
        if !out.join(f).is_file() {
            return None;
        }
    }
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).ok()?).ok()?;
    doc["exit_status"].as_i64()?;
    std::fs::read(out.join("region_summary.csv")).ok()
}

#[test]
fn sigkill_at_any_moment_leaves_old_or_new_outputs_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    let reference = tmp.path().join("reference");
    let run_as_of = |date: &str, dir: &Path| {
        Command::new(bin())
            .args(["--quiet", "run"])
            .arg(&p)
            .args(["--as-of", date, "--output"])
            .arg(dir)
            .output()
            .unwrap()
    };
    assert_eq!(run_as_of("2025-06-30", &out).status.code(), Some(0));
    let old = snapshot(&out).expect("complete old outputs");
    assert_eq!(run_as_of("2026-06-30", &reference).status.code(), Some(0));
    let new = snapshot(&reference).expect("complete new outputs");
    assert_ne!(old, new, "the two as-of dates give different tables");
    for delay_ms in [0u64, 1, 3, 6, 10, 15, 20, 30, 45, 60, 80, 120] {
        let mut child = Command::new(bin())
            .args(["--quiet", "run"])
            .arg(&p)
            .args(["--as-of", "2026-06-30", "--output"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now = snapshot(&out)
            .unwrap_or_else(|| panic!("killed after {delay_ms} ms: outputs incomplete"));
        assert!(
            now == old || now == new,
            "killed after {delay_ms} ms: outputs mixed"
        );
        // Back to the old state for the next round, through a normal run (which also
        // cleans up what the killed run left).
        assert_eq!(run_as_of("2025-06-30", &out).status.code(), Some(0));
        assert_eq!(snapshot(&out).unwrap(), old);
        let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("staging") || n.contains("previous"))
            .collect();
        assert!(leftovers.is_empty(), "after {delay_ms} ms: {leftovers:?}");
    }
}

#[test]
fn two_real_runs_at_once_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    let dates = ["2025-06-30", "2026-06-30"];
    let spawn = |date: &str, dir: &Path| {
        Command::new(bin())
            .args(["--quiet", "run"])
            .arg(&p)
            .args(["--as-of", date, "--output"])
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // What each run writes on its own.
    let reference: Vec<Vec<u8>> = dates
        .iter()
        .map(|d| {
            let dir = tmp.path().join(format!("ref-{d}"));
            assert!(spawn(d, &dir).wait().unwrap().success());
            snapshot(&dir).unwrap()
        })
        .collect();
    for _ in 0..5 {
        let (a, b) = (spawn(dates[0], &out), spawn(dates[1], &out));
        for o in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            match o.status.code() {
                Some(0) => {}
                Some(1) => {
                    assert!(String::from_utf8_lossy(&o.stderr).contains("another minefree run"))
                }
                other => panic!("unexpected exit {other:?}"),
            }
        }
        // The outputs are complete and all from the run that run.json names.
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
        let i = dates
            .iter()
            .position(|d| doc["as_of"] == *d)
            .expect("run.json names one of the runs");
        assert_eq!(snapshot(&out).expect("complete outputs"), reference[i]);
    }
}

#[test]
fn changes_since_the_last_run_list_what_moved() {
    use crate::common::{read_layer, real, text};
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    let run = |date: &str| {
        let o = Command::new(bin())
            .args(["--quiet", "run"])
            .arg(&p)
            .args(["--as-of", date, "--output"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
    };
    run("2025-06-30");
    assert!(
        !out.join("changes.csv").exists(),
        "no previous run, no changes"
    );
    let before = std::fs::read(out.join("minefree.gpkg")).unwrap();
    let before_path = tmp.path().join("before.gpkg");
    std::fs::write(&before_path, before).unwrap();
    run("2026-06-30");
    // Expected from the two runs' own hazard tables (ids are unique except duplicates,
    // which appear in the same order in both).
    let remaining = |gpkg: &Path| -> Vec<(String, f64, Option<i64>)> {
        read_layer(gpkg, "remaining_hazards")
            .iter()
            .map(|(r, _)| {
                (
                    text(r, "hazard_id").unwrap(),
                    real(r, "remaining_m2"),
                    r.get("rank").map(|_| real(r, "rank") as i64),
                )
            })
            .collect()
    };
    let (old, new) = (
        remaining(&before_path),
        remaining(&out.join("minefree.gpkg")),
    );
    let mut want_released: Vec<String> = Vec::new();
    let mut want_rank: Vec<String> = Vec::new();
    for (o, n) in old.iter().zip(&new) {
        assert_eq!(o.0, n.0, "same hazards in the same order");
        if o.1 - n.1 >= 1.0 {
            want_released.push(n.0.clone());
        }
        if o.2 != n.2 {
            want_rank.push(n.0.clone());
        }
    }
    let rows = read_layer(&out.join("minefree.gpkg"), "changes");
    let got = |change: &str| -> Vec<String> {
        rows.iter()
            .filter(|(r, _)| text(r, "change").as_deref() == Some(change))
            .map(|(r, _)| text(r, "id").unwrap())
            .collect()
    };
    assert!(!want_released.is_empty());
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(sorted(got("released")), sorted(want_released));
    assert_eq!(sorted(got("rank_changed")), sorted(want_rank));
    assert!(std::fs::read_to_string(out.join("report.html"))
        .unwrap()
        .contains("Changes since the last run"));
}

/// A corrupt GeoPackage from the previous run used to reset the change list without a
/// word (every GDAL error read as "no previous run"): now the log warns and run.json
/// says why there is no change list.
#[test]
fn a_corrupt_previous_gpkg_is_said_not_silently_reset() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    let first = minefree(&["run"], &p, &out);
    assert_eq!(first.status.code(), Some(0));
    let run_json = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap()
    };
    assert!(
        run_json().get("previous_run").is_none(),
        "no previous run: no note"
    );
    // Half a GeoPackage, as a full disk or a killed copy leaves it.
    let gpkg = out.join("minefree.gpkg");
    let bytes = std::fs::read(&gpkg).unwrap();
    std::fs::write(&gpkg, &bytes[..8192]).unwrap();
    let second = minefree(&["run"], &p, &out);
    assert_eq!(second.status.code(), Some(0));
    let log = String::from_utf8_lossy(&second.stderr);
    assert!(
        log.contains("WARN") && log.contains("previous run's GeoPackage cannot be read"),
        "{log}"
    );
    let note = run_json()["previous_run"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(note.starts_with("unreadable: "), "{note}");
    assert!(!out.join("changes.csv").exists());
}

#[test]
fn synthetic_country_gives_identical_csvs_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("synth");
    let synth = Command::new(bin())
        .args(["--quiet", "synth", "--scale", "0.5", "--seed", "3", "--out"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(synth.status.success(), "{synth:?}");
    let pipeline = data.join("pipeline.toml");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(
        minefree(&["--threads", "1", "run"], &pipeline, &a)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        minefree(&["--threads", "2", "run"], &pipeline, &b)
            .status
            .code(),
        Some(0)
    );
    for f in [
        "region_summary.csv",
        "priority_tasks.csv",
        "qa_findings.csv",
        "release_history.csv",
        "scenarios.csv",
        "work_plan.csv",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(x.len() > 200, "{f} has rows");
        assert_eq!(x, y, "{f}");
    }
}

#[test]
fn awkward_inputs_give_findings_not_panics() {
    let tmp = tempfile::tempdir().unwrap();
    // Latin-1 bytes in a CSV (not UTF-8), and a polygon of 200 000 vertices among the
    // releases. (An empty hazards layer, once part of this case, now refuses the run:
    // tests/qa_safety.rs.)
    let settlements = tmp.path().join("latin1.csv");
    std::fs::write(
        &settlements,
        b"settlement_id,name,population,lon,lat\nS1,Caf\xe9 D\xfcz,10,69.5,38.5\n",
    )
    .unwrap();
    let hazards = tmp.path().join("one.csv");
    std::fs::write(
        &hazards,
        "hazard_id,status,recorded_on,WKT\nH1,SHA,2020-01-01,\"POLYGON((70.3 38,70.31 38,70.31 38.01,70.3 38.01,70.3 38))\"\n",
    )
    .unwrap();
    let n = 200_000;
    let ring: Vec<String> = (0..=n)
        .map(|k| {
            let a = std::f64::consts::TAU * (k % n) as f64 / n as f64;
            format!("{:.9} {:.9}", 69.5 + 0.05 * a.cos(), 38.5 + 0.04 * a.sin())
        })
        .collect();
    let releases = tmp.path().join("big.csv");
    std::fs::write(
        &releases,
        format!(
            "release_id,method,completed_on,WKT\nBIG,cleared,2020-01-01,\"POLYGON(({}))\"\n",
            ring.join(",")
        ),
    )
    .unwrap();
    let p = tmp.path().join("p.toml");
    std::fs::write(
        &p,
        format!(
            "as_of = \"2026-06-30\"\noutput = \"out\"\n[inputs.hazards]\nsource = \"{}\"\nwkt = \"WKT\"\n[inputs.releases]\nsource = \"{}\"\nwkt = \"WKT\"\n[inputs.regions]\nsource = \"{}\"\n[inputs.settlements]\nsource = \"{}\"\nx = \"lon\"\ny = \"lat\"\n",
            hazards.display(),
            releases.display(),
            root().join("sample-data/regions.geojson").display(),
            settlements.display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let qa = std::fs::read_to_string(out.join("qa_findings.csv")).unwrap();
    assert!(qa.contains("release_outside_hazards,releases,BIG"), "{qa}");
    let csv = std::fs::read_to_string(out.join("region_summary.csv")).unwrap();
    assert!(
        csv.lines().count() == 5,
        "four regions, nothing outside: {csv}"
    );
}

#[test]
fn inspect_lists_layers_fields_and_crs() {
    let o = Command::new(bin())
        .arg("inspect")
        .arg(root().join("sample-data/releases_utm42n.shp"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("80 features") && text.contains("EPSG:32642") && text.contains("COMPLETED"),
        "{text}"
    );
    let o = Command::new(bin())
        .arg("inspect")
        .arg("/no/such/file.gpkg")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn log_written_to_a_file_has_no_terminal_colour_codes() {
    // As from cron: stderr redirected to a file, info-level log lines (no --quiet).
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("minefree.log");
    let good = sample_copy(tmp.path(), |t| t);
    let status = Command::new(bin())
        .arg("run")
        .arg(&good)
        .arg("--output")
        .arg(tmp.path().join("nightly"))
        .stderr(std::fs::File::create(&log).unwrap())
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let bytes = std::fs::read(&log).unwrap();
    assert!(
        String::from_utf8_lossy(&bytes).contains("stage finished"),
        "the log has the stage lines"
    );
    assert!(!bytes.contains(&0x1b), "escape byte in the log file");
}

#[test]
fn validate_reports_release_naming_no_hazard() {
    // R3's attribute half needs no analysis: `validate` must report it. RL-0004 names a
    // hazard id (HZ-099) that the sample does not have (sample-data/README.md).
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("check");
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["validate"], &good, &out).status.code(), Some(0));
    let qa = std::fs::read_to_string(out.join("qa_findings.csv")).unwrap();
    assert!(
        qa.lines()
            .any(|l| l.contains("unknown_hazard_id,releases,RL-0004")),
        "{qa}"
    );
}
