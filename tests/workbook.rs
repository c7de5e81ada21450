//! `minefree.xlsx` is written in rust_xlsxwriter's constant-memory mode, which keeps each
//! sheet's rows in temporary files: what that needs of the machine, and what it leaves.

use std::process::Command;

use crate::common::{bin, stderr};
use crate::operations::{minefree, sample_copy};

#[test]
fn an_unwritable_tmpdir_fails_the_run_with_a_message_not_a_panic() {
    // rust_xlsxwriter unwraps the creation of a temporary file in TMPDIR for every sheet.
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let missing = tmp.path().join("no-such-tmp");
    let out = tmp.path().join("out");
    let o = Command::new(bin())
        .env("TMPDIR", &missing)
        .args(["-v", "run"])
        .arg(&p)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("minefree.xlsx needs a writable temporary directory (set TMPDIR)")
            && err.contains(&*missing.to_string_lossy()),
        "{err}"
    );
    assert!(!out.exists(), "a failed run leaves no output directory");
    // found before the analysis: no stage ran (the binary before this check logged
    // seven "stage finished" lines first)
    assert!(!err.contains("stage finished"), "{err}");
}

#[test]
fn the_workbook_leaves_no_temporary_file_in_the_output() {
    // The rows wait in unnamed files in the staging directory: none may stay behind.
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let run: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = run["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    listed.push("run.json".to_string()); // whether it lists itself or not
    listed.sort();
    listed.dedup();
    let mut found: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(found, listed);
    let siblings: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(siblings.is_empty(), "{siblings:?}");
}
