//! Pipeline-file mistakes: all reported in one run, each naming its key, exit status 2.

use std::process::Command;

use crate::common::{bin, root};

fn run_with(toml: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, toml).unwrap();
    let out = Command::new(bin())
        .args(["run"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn several_mistakes_give_one_message_each_and_exit_2() {
    let data = root().join("sample-data");
    let toml = format!(
        r#"
as_of = "2026-13-45"
output = "out"
colour = "blue"
fail_on = "sometimes"

[inputs.hazards]
source = "{data}/national.gpkg"
crs = "EPSG:999999"
layr = "hazards"

[inputs.releases]
source = "{data}/no-such-file.gpkg"

[inputs.settlements]
source = "{data}/settlements.csv"
x = "lon"

[inputs.settlements.fields]
headcount = "pop"

[parameters]
radius_m = -5
window_days = 0

[parameters.weights]
people = "many"
"#,
        data = data.display()
    );
    let (code, stderr) = run_with(&toml);
    assert_eq!(code, 2, "{stderr}");
    let expected_keys = [
        "as_of:",
        "colour: unknown key",
        "fail_on:",
        "inputs.hazards.crs:",
        "inputs.hazards.layr: unknown key",
        "inputs.releases.source: file not found",
        "inputs.regions: missing",
        "inputs.settlements.x: x and y must be given together",
        "inputs.settlements.fields.headcount: unknown field",
        "parameters.radius_m:",
        "parameters.window_days:",
        "parameters.weights.people: expected a number",
    ];
    for key in expected_keys {
        assert!(stderr.contains(key), "no message for `{key}` in:\n{stderr}");
    }
    let problems = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .count();
    assert_eq!(
        problems,
        expected_keys.len(),
        "one message per mistake:\n{stderr}"
    );
}

#[test]
fn toml_syntax_error_names_the_line_and_exits_2() {
    let (code, stderr) = run_with("as_of = \"2026-01-01\"\n[inputs\n");
    assert_eq!(code, 2);
    assert!(
        stderr.contains("not valid TOML") && stderr.contains("line 2"),
        "{stderr}"
    );
}

#[test]
fn bad_command_line_exits_2() {
    let out = Command::new(bin())
        .args(["run", "--as-of", "yesterday", "x.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(bin()).args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_shipped_pipeline_validates() {
    for entry in std::fs::read_dir(root().join("pipelines")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let tmp = tempfile::tempdir().unwrap();
            let out = Command::new(bin())
                .args(["--quiet", "validate"])
                .arg(&path)
                .arg("--output")
                .arg(tmp.path().join("v"))
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(tmp.path().join("v/qa_findings.csv").exists());
            assert!(
                !tmp.path().join("v/region_summary.csv").exists(),
                "validate computes nothing else"
            );
        }
    }
}
