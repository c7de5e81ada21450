//! Issue 21's invocation and parameter regressions: numbers at the edge of f64, dates
//! outside any plan, thousands of threads, unwritable stdout/stderr, a pipeline file
//! that is not UTF-8 and GDAL messages that quote whole SQL statements. Each test runs
//! the real binary and checks the exit status and what a person reads.

use std::process::{Command, Stdio};

use crate::common::{bin, stderr};
use crate::operations::{minefree, sample_copy};

/// The sample pipeline with `extra` appended (new tables at the end of the file).
fn sample_plus(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    sample_copy(dir, |t| format!("{t}\n{extra}\n"))
}

/// The sample pipeline with the text `from` replaced by `to`.
fn sample_replacing(dir: &std::path::Path, from: &str, to: &str) -> std::path::PathBuf {
    sample_copy(dir, |t| {
        assert!(t.contains(from), "the sample pipeline has `{from}`");
        t.replace(from, to)
    })
}

#[test]
fn weights_that_overflow_the_score_sum_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    // five weights of 1e308 summed to infinity and every score became 0.0
    let p = sample_replacing(
        tmp.path(),
        "status = 1\nhazard_type = 1",
        "status = 1e308\nhazard_type = 1e308",
    );
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for key in [
        "parameters.weights.status",
        "parameters.weights.hazard_type",
    ] {
        assert!(stderr(&o).contains(key), "{key} not named: {}", stderr(&o));
    }
    assert!(!out.exists(), "nothing written for a refused pipeline file");
}

#[test]
fn rate_factor_that_leaves_f64_is_refused_naming_the_key() {
    for factor in ["1e308", "1e-300", "nan", "inf"] {
        let tmp = tempfile::tempdir().unwrap();
        let p = sample_plus(
            tmp.path(),
            &format!("[scenarios.edge]\nrate_factor = {factor}"),
        );
        let o = minefree(&["run"], &p, &tmp.path().join("out"));
        assert_eq!(o.status.code(), Some(2), "{factor}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("scenarios.edge.rate_factor"),
            "{factor}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn radius_beyond_the_earth_is_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_replacing(tmp.path(), "radius_m = 5000", "radius_m = 1e308");
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("parameters.radius_m"), "{}", stderr(&o));
}

#[test]
fn as_of_outside_the_years_1900_2200_is_an_invocation_error_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    // `--as-of=-262143-01-01` panicked in date arithmetic; `--as-of -2026-06-30` (a typo)
    // was published as year −2026
    for date in ["-262143-01-01", "-2026-06-30", "1899-12-31", "2201-01-01"] {
        let o = Command::new(bin())
            .args(["--quiet", "run", &format!("--as-of={date}")])
            .arg(&p)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{date}: {}", stderr(&o));
        assert!(stderr(&o).contains("1900"), "{date}: {}", stderr(&o));
    }
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["p.toml".to_string()],
        "no output, staging or lock"
    );
    // the edges of the range are accepted
    let o = Command::new(bin())
        .args(["--quiet", "validate", "--as-of=1900-01-01"])
        .arg(&p)
        .arg("--output")
        .arg(tmp.path().join("v"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn dates_in_the_pipeline_file_outside_1900_2200_are_refused_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| {
        let t = t
            .lines()
            .filter(|l| !l.trim_start().starts_with("as_of"))
            .collect::<Vec<_>>()
            .join("\n");
        format!("as_of = \"1850-01-01\"\n{t}\n[scenarios.far]\nfinish_by = \"9999-01-01\"\n")
    });
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    for key in ["as_of:", "scenarios.far.finish_by:"] {
        assert!(stderr(&o).contains(key), "{key}: {}", stderr(&o));
    }
}

#[test]
fn thousands_of_threads_are_bounded_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let o = Command::new(bin())
        .args(["--threads", "100000", "validate"])
        .arg(&p)
        .arg("--output")
        .arg(tmp.path().join("v"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let cores = std::thread::available_parallelism().unwrap().get();
    assert!(
        stderr(&o).contains(&format!("using {}", 4 * cores)),
        "{}",
        stderr(&o)
    );
}

/// The sample run with stdout and stderr sent where the test says.
fn run_with_streams(out: &std::path::Path, stdout: Stdio, stderr: Stdio) -> Option<i32> {
    let tmp = out.parent().unwrap();
    let p = sample_copy(tmp, |t| t);
    Command::new(bin())
        .args(["run"])
        .arg(&p)
        .arg("--output")
        .arg(out)
        .stdout(stdout)
        .stderr(stderr)
        .status()
        .unwrap()
        .code()
}

fn dev_full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

#[test]
fn unwritable_stdout_or_stderr_does_not_panic_a_published_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // stdout full: the outputs are published, so the exit status is the run's (0), not
    // a panic (101) after run.json said 0
    assert_eq!(run_with_streams(&out, dev_full(), Stdio::null()), Some(0));
    let run_json = std::fs::read_to_string(out.join("run.json")).unwrap();
    assert!(run_json.contains("\"exit_status\": 0"), "{run_json}");
    // stderr full: the log lines are lost, the run is not
    assert_eq!(run_with_streams(&out, Stdio::null(), dev_full()), Some(0));
    // a closed pipe on stdout (`minefree run … | head -0`)
    let mut child = Command::new(bin())
        .arg("run")
        .arg(sample_copy(tmp.path(), |t| t))
        .arg("--output")
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn pipeline_file_in_latin1_names_the_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("latin1.toml");
    // `# Région` saved as Latin-1: é is the single byte 0xE9 on line 2, column 4
    std::fs::write(&path, b"as_of = \"2026-06-30\"\n# R\xE9gion\n").unwrap();
    let o = Command::new(bin()).arg("run").arg(&path).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("line 2, column 4") && e.contains("0xE9") && e.contains("UTF-8"),
        "{e}"
    );
}

/// A tmpfs of `size` mounted at `dir`, or `None` where mounting is not allowed.
fn small_disk(dir: &std::path::Path, size: &str) -> Option<()> {
    std::fs::create_dir_all(dir).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(())
}

fn unmount(dir: &std::path::Path) {
    let _ = Command::new("umount").arg(dir).status();
}

#[test]
fn disk_full_while_writing_the_geopackage_gives_a_short_message() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let mut seen_gpkg_failure = false;
    for size in ["160k", "320k", "640k", "1m", "1600k"] {
        let disk = tmp.path().join(format!("disk-{size}"));
        if small_disk(&disk, size).is_none() {
            eprintln!("skipped: cannot mount a tmpfs here (not root?)");
            return;
        }
        let o = minefree(&["run"], &p, &disk.join("out"));
        unmount(&disk);
        if o.status.code() == Some(0) {
            continue;
        }
        assert_eq!(o.status.code(), Some(1), "{size}: {}", stderr(&o));
        for line in stderr(&o).lines() {
            assert!(
                line.chars().count() < 1000,
                "{size}: a {}-character line: {}…",
                line.chars().count(),
                line.chars().take(300).collect::<String>()
            );
        }
        seen_gpkg_failure |= stderr(&o).contains("minefree.gpkg");
    }
    assert!(
        seen_gpkg_failure,
        "no size made the GeoPackage write fail: choose other sizes"
    );
}
