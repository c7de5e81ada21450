//! Running unattended: exit statuses, outputs replaced all at once (or not at all),
//! locking, and byte-identical CSVs whatever the thread count.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{bin, root};

fn sample_copy(dir: &Path, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("pipelines/sample.toml")).unwrap();
    let text = text.replace(
        "../sample-data",
        &root().join("sample-data").to_string_lossy(),
    );
    let path = dir.join("p.toml");
    std::fs::write(&path, edit(text)).unwrap();
    path
}

fn minefree(args: &[&str], pipeline: &Path, out: &Path) -> Output {
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
    let bad = sample_copy(tmp.path(), |t| {
        t.replace(
            &root()
                .join("sample-data/national.gpkg")
                .to_string_lossy()
                .to_string(),
            &corrupt.to_string_lossy(),
        )
    });
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
fn csvs_are_byte_identical_on_one_and_two_threads() {
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
    let held = minefree::report::output::lock(&out).unwrap();
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
