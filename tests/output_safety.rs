//! Issue 16's regressions: minefree never replaces what it did not write, never publishes
//! a partial picture, and turns pipeline-file typos that only the source reveals into
//! pipeline-file errors. Each test runs the real binary on real files and checks the
//! exit status, the message and that every byte outside minefree's own output is kept.

use std::path::Path;

use gdal::vector::LayerAccess;

use crate::common::{root, stderr, tree};
use crate::operations::{minefree, sample_copy, sample_with_source};

#[test]
fn output_directory_minefree_did_not_write_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let inputs = tmp.path().join("my-inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(inputs.join("survey.csv"), b"id,notes\n1,keep me\n").unwrap();
    let before = tree(tmp.path());
    let o = minefree(&["run"], &p, &inputs);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not a minefree output directory"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(tmp.path()), before, "nothing may be moved or created");
    // an output directory minefree wrote is still replaced as before
    let out = tmp.path().join("nightly");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
}

#[test]
fn output_path_that_is_a_regular_file_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let file = tmp.path().join("report.txt");
    std::fs::write(&file, b"my notes").unwrap();
    let before = tree(tmp.path());
    for _ in 0..2 {
        let o = minefree(&["run"], &p, &file);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("it is a file"), "{}", stderr(&o));
        assert_eq!(tree(tmp.path()), before);
    }
}

#[test]
fn symlinked_output_directory_keeps_the_link_and_writes_through_it() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let disk = tmp.path().join("big-disk");
    std::fs::create_dir(&disk).unwrap();
    let real = disk.join("nightly");
    let link = tmp.path().join("nightly");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for _ in 0..2 {
        let o = minefree(&["run"], &p, &link);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(real.join("run.json").is_file());
    }
}

/// Overwrites one leaf page of the `hazards` table of a copy of the sample GeoPackage,
/// so that SQLite fails part-way through the layer ("database disk image is malformed").
fn corrupt_one_hazard_page(dir: &Path) -> std::path::PathBuf {
    let gpkg = dir.join("national.gpkg");
    std::fs::copy(root().join("sample-data/national.gpkg"), &gpkg).unwrap();
    let (page, size) = {
        let ds = gdal::Dataset::open(&gpkg).unwrap();
        let int = |sql: &str| -> i64 {
            let mut rs = ds
                .execute_sql(sql, None, gdal::vector::sql::Dialect::DEFAULT)
                .unwrap()
                .unwrap();
            let f = rs.features().next().unwrap();
            f.field_as_integer64(0).unwrap().unwrap()
        };
        let page =
            int("SELECT max(pageno) FROM dbstat WHERE name = 'hazards' AND pagetype = 'leaf'");
        (page, int("PRAGMA page_size"))
    };
    let mut bytes = std::fs::read(&gpkg).unwrap();
    let start = ((page - 1) * size) as usize;
    bytes[start..start + size as usize].fill(0xff);
    std::fs::write(&gpkg, bytes).unwrap();
    gpkg
}

#[test]
fn partly_unreadable_layer_fails_the_run_and_keeps_last_nights_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &out).status.code(), Some(0));
    let gpkg = corrupt_one_hazard_page(tmp.path());
    let bad = sample_with_source(tmp.path(), "sample-data/national.gpkg", &gpkg);
    let before = tree(tmp.path());
    let o = minefree(&["run"], &bad, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(
        msg.contains("national.gpkg") && msg.contains("'hazards'"),
        "{msg}"
    );
    assert!(msg.contains("of the 42 features"), "{msg}");
    assert_eq!(tree(tmp.path()), before);
}

/// Adds `hazards_lines` to the sample's `[inputs.hazards]` and checks that `run` and
/// `validate` both stop with exit status 2, a message holding every `wanted` text, and no
/// output directory.
fn assert_pipeline_error(hazards_lines: &str, wanted: &[&str]) {
    assert_edited_pipeline_error(
        |t| {
            t.replace(
                "layer = \"hazards\"",
                &format!("layer = \"hazards\"\n{hazards_lines}"),
            )
        },
        wanted,
    );
}

/// The sample pipeline edited by `edit` makes `run` and `validate` both stop with exit
/// status 2, a message holding every `wanted` text, and no output directory.
fn assert_edited_pipeline_error(edit: impl Fn(String) -> String, wanted: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let p = sample_copy(tmp.path(), edit);
    for cmd in ["run", "validate"] {
        let o = minefree(&[cmd], &p, &out);
        let msg = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {msg}");
        assert!(wanted.iter().all(|w| msg.contains(w)), "{cmd}: {msg}");
        assert!(!out.exists());
    }
}

#[test]
fn where_filter_that_gdal_rejects_is_a_pipeline_error() {
    assert_pipeline_error(
        "where = \"status <> 'x' AND (((\"",
        &["inputs.hazards.where"],
    );
}

#[test]
fn field_mapped_to_a_missing_column_is_a_pipeline_error() {
    assert_pipeline_error(
        "[inputs.hazards.fields]\nrecorded_on = \"REC_DATE\"",
        &["inputs.hazards.fields.recorded_on", "REC_DATE"],
    );
}

#[test]
fn deadline_for_a_region_that_does_not_exist_is_a_pipeline_error() {
    // A typo of the sample's "TV-NO" (zero for the letter O), and a second unknown id:
    // both are listed with their keys.
    assert_edited_pipeline_error(
        |t| {
            t.replace(
                "\"TV-NO\" = \"2028-12-31\"",
                "\"TV-N0\" = \"2028-12-31\"\n\"XX-1\" = \"2029-01-01\"",
            )
        },
        &["deadlines.regions.TV-N0", "deadlines.regions.XX-1"],
    );
}

#[test]
fn fifo_as_source_is_refused_instead_of_blocking() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let fifo = tmp.path().join("settlements.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let p = sample_with_source(tmp.path(), "sample-data/settlements.csv", &fifo);
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("FIFO"), "{}", stderr(&o));
    // the lock was released: a good run goes through at once
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &out).status.code(), Some(0));
}

#[test]
fn infinite_coordinate_skips_the_record_instead_of_failing_the_crs_test() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let csv = tmp.path().join("settlements.csv");
    let mut text = std::fs::read_to_string(root().join("sample-data/settlements.csv")).unwrap();
    text.push_str("S999,Nowhere,10,inf,38.0\n");
    std::fs::write(&csv, text).unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/settlements.csv", &csv);
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let qa = std::fs::read_to_string(out.join("qa_findings.csv")).unwrap();
    assert!(
        qa.lines().any(
            |l| l.starts_with("error,non_finite_coordinates,settlements") && l.contains("S999")
        ),
        "{qa}"
    );
}

#[test]
fn zero_byte_source_is_named_empty_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let empty = tmp.path().join("regions.geojson");
    std::fs::write(&empty, b"").unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/regions.geojson", &empty);
    let o = minefree(&["run"], &p, &out);
    let msg = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(msg.contains("the file is empty (0 bytes)"), "{msg}");
    assert!(!msg.contains("msg: ''"), "{msg}");
    assert!(!out.exists());
}

#[test]
fn source_field_named_geometry_is_kept_as_src_geometry() {
    use crate::common::{write_gpkg_layer, TestField};
    use gdal::vector::OGRFieldType;
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let gpkg = tmp.path().join("hazards.gpkg");
    let fields = [
        TestField("hazard_id", OGRFieldType::OFTString),
        TestField("status", OGRFieldType::OFTString),
        TestField("geometry", OGRFieldType::OFTString),
    ];
    let square = "POLYGON((69 38,69.01 38,69.01 38.01,69 38.01,69 38))";
    write_gpkg_layer(
        &gpkg,
        "hazards",
        4326,
        &fields,
        &[(vec!["H1", "CHA", "fenced"], square)],
    );
    let p = sample_with_source(tmp.path(), "sample-data/national.gpkg", &gpkg);
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let file = std::fs::File::open(out.join("remaining_hazards.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let src = df.column("src_geometry").unwrap();
    assert_eq!(src.str().unwrap().get(0), Some("fenced"));
    assert_eq!(df.column("geometry").unwrap().dtype(), &DataType::Binary);
}

// ---- issue 21: never destroy what minefree did not write ----

/// Runs the binary with `args` and then the pipeline file.
fn minefree_args(
    args: &[&str],
    pipeline: &Path,
    after: &[&std::ffi::OsStr],
) -> std::process::Output {
    std::process::Command::new(crate::common::bin())
        .arg("--quiet")
        .args(args)
        .arg(pipeline)
        .args(after)
        .output()
        .unwrap()
}

/// Copies the sample's input files into `dir` and writes a pipeline file `p.toml` beside
/// the test's other files that reads them from there.
fn sample_inputs_in(dir: &Path, pipeline_dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    for e in std::fs::read_dir(root().join("sample-data")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
    let original = root().join("sample-data").to_string_lossy().into_owned();
    sample_copy(pipeline_dir, |t| {
        t.replace(&original, &dir.to_string_lossy())
    })
}

#[test]
fn inputs_inside_output_directory_are_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    // an earlier run's run.json copied into the folder that holds the inputs
    let earlier = tmp.path().join("earlier");
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &earlier).status.code(), Some(0));
    let folder = tmp.path().join("data");
    let p = sample_inputs_in(&folder, tmp.path());
    std::fs::copy(earlier.join("run.json"), folder.join("run.json")).unwrap();
    // the same folder named directly, through a symbolic link, and by `validate`
    let link = tmp.path().join("link-to-data");
    std::os::unix::fs::symlink(&folder, &link).unwrap();
    let before = tree(&folder);
    for (cmd, out) in [("run", &folder), ("run", &link), ("validate", &folder)] {
        let o = minefree(&[cmd], &p, out);
        let msg = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd} {}: {msg}", out.display());
        for key in ["hazards", "releases", "regions", "settlements", "accidents"] {
            assert!(msg.contains(&format!("inputs.{key}.source")), "{msg}");
        }
        assert!(
            msg.contains("national.gpkg") && msg.contains("lies inside the output directory"),
            "{msg}"
        );
        assert_eq!(tree(&folder), before, "every input kept byte for byte");
    }
    assert!(
        !tmp.path().join(".data.lock").exists(),
        "refused before the lock"
    );
    // an output folder above the inputs is refused too; a sibling one is not
    let o = minefree(&["run"], &p, tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn validate_into_a_full_runs_output_directory_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    let before = tree(tmp.path());
    let o = minefree(&["validate"], &p, &out);
    let msg = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("full `minefree run`") && msg.contains("-validate"),
        "{msg}"
    );
    assert_eq!(tree(tmp.path()), before, "last night's outputs kept");
    // validate's own directory is replaced by the next validate, and a run may replace it
    let qa = tmp.path().join("qa");
    for cmd in ["validate", "validate", "run"] {
        let o = minefree(&[cmd], &p, &qa);
        assert_eq!(o.status.code(), Some(0), "{cmd}: {}", stderr(&o));
    }
    assert!(qa.join("minefree.gpkg").is_file());
}

/// The value of `as_of` in `dir`'s run.json.
fn run_json_as_of(dir: &Path) -> String {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("run.json")).unwrap()).unwrap();
    doc["as_of"].as_str().unwrap().to_string()
}

#[test]
fn files_an_analyst_put_into_the_output_directory_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    let run_as_of = |date: &str| {
        let o = minefree_args(
            &["run"],
            &p,
            &[
                "--as-of".as_ref(),
                date.as_ref(),
                "--output".as_ref(),
                out.as_os_str(),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    run_as_of("2025-06-30");
    let notes = b"hazard H7: checked on site 2026-05-02\n".to_vec();
    let qgz: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    std::fs::write(out.join("analyst_notes.txt"), &notes).unwrap();
    std::fs::create_dir(out.join("notes")).unwrap();
    std::fs::write(out.join("notes/project.qgz"), &qgz).unwrap();
    run_as_of("2026-06-30");
    assert_eq!(std::fs::read(out.join("analyst_notes.txt")).unwrap(), notes);
    assert_eq!(std::fs::read(out.join("notes/project.qgz")).unwrap(), qgz);
    assert_eq!(run_json_as_of(&out), "2026-06-30", "outputs refreshed");

    // a run.json without its file list (an older minefree): the names minefree writes
    // are its own, the rest is kept
    let path = out.join("run.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    doc.as_object_mut().unwrap().remove("outputs");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    std::fs::write(out.join("stale_old.csv"), b"x\n").unwrap();
    run_as_of("2025-06-30");
    assert_eq!(std::fs::read(out.join("analyst_notes.txt")).unwrap(), notes);
    assert_eq!(std::fs::read(out.join("notes/project.qgz")).unwrap(), qgz);
    assert!(
        out.join("stale_old.csv").is_file(),
        "not a name minefree writes"
    );
    assert_eq!(run_json_as_of(&out), "2025-06-30");
}

#[test]
fn analyst_file_named_like_a_new_output_is_refused_and_kept() {
    // The first run has no previous GeoPackage, so it writes no changes.csv: an analyst's
    // changes.csv is not minefree's, and the second run (which writes one) must not
    // replace it.
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    assert!(!out.join("changes.csv").exists());
    std::fs::write(out.join("changes.csv"), b"my own list of changes\n").unwrap();
    let before = tree(tmp.path());
    let o = minefree(&["run"], &p, &out);
    let msg = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("'changes.csv'") && msg.contains("did not write"),
        "{msg}"
    );
    assert_eq!(
        tree(tmp.path()),
        before,
        "nothing replaced, no staging left"
    );
}

#[test]
fn a_write_limit_in_the_report_fails_the_run_without_a_panic() {
    // `ulimit -f` makes every write past 8 KiB fail (EFBIG; SIGXFSZ is ignored, as the
    // shell's `trap '' XFSZ` leaves it for the program it starts), as a full disk fails
    // them (ENOSPC). The GeoPackage's writer and the workbook's both meet it, and
    // rust_xlsxwriter panics when it cannot write its rows' temporary files: the run must
    // fail with its error, no panic, last night's outputs untouched and no staging left.
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    let before = tree(tmp.path());
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 16; exec "$0" run "$1" --output "$2""#)
        .arg(crate::common::bin())
        .arg(&p)
        .arg(&out)
        .output()
        .unwrap();
    let msg = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(msg.contains("run failed"), "{msg}");
    assert!(!msg.contains("panicked"), "{msg}");
    assert_eq!(
        tree(tmp.path()),
        before,
        "nothing replaced, no staging left"
    );
}

/// Runs `mount` with `args`; `false` (with a note) where this process may not mount.
fn mount(args: &[&std::ffi::OsStr]) -> bool {
    let ok = std::process::Command::new("mount")
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: `mount` is not allowed here (not root?): mount point test skipped");
    }
    ok
}

/// A run into the mount point `vol` is refused before anything is created beside it; a
/// folder inside it works, twice (the second run replaces the first).
fn assert_mount_point_refused(p: &Path, vol: &Path) {
    let parent = vol.parent().unwrap();
    let before = tree(parent);
    let o = minefree(&["run"], p, vol);
    let msg = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("mount point") && msg.contains("vol/minefree"),
        "{msg}"
    );
    assert_eq!(tree(parent), before);
    assert!(
        !parent.join(".vol.lock").exists(),
        "refused before the lock"
    );
    for _ in 0..2 {
        let o = minefree(&["run"], p, &vol.join("minefree"));
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

#[test]
fn output_directory_that_is_a_mount_point_is_refused_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    // another file system (a tmpfs: another st_dev), and a bind mount of this one (same
    // st_dev, another mount id), as docker volumes are
    let elsewhere = tmp.path().join("elsewhere");
    let bind_args = ["--bind".as_ref(), elsewhere.as_os_str()];
    for (name, args) in [
        (
            "tmpfs",
            &["-t".as_ref(), "tmpfs".as_ref(), "tmpfs".as_ref()][..],
        ),
        ("bind", &bind_args[..]),
    ] {
        let parent = tmp.path().join(name);
        let vol = parent.join("vol");
        std::fs::create_dir_all(&vol).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        if !mount(&[args, &[vol.as_os_str()]].concat()) {
            return;
        }
        let result = std::panic::catch_unwind(|| assert_mount_point_refused(&p, &vol));
        let _ = std::process::Command::new("umount").arg(&vol).status();
        result.unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
}

/// Starts a run of the synthetic data set's pipeline into `out`, waits until its staging
/// directory appears, sends `signal`, and returns the exit status.
fn signalled_run(pipeline: &Path, out: &Path, signal: i32) -> Option<i32> {
    let child = std::process::Command::new(crate::common::bin())
        .args(["--quiet", "run"])
        .arg(pipeline)
        .arg("--output")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staging = out.with_file_name(format!(".nightly.staging-{}", child.id()));
    let start = std::time::Instant::now();
    while !staging.is_dir() {
        assert!(
            start.elapsed().as_secs() < 60,
            "no staging directory appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let o = child.wait_with_output().unwrap();
    assert!(!staging.exists(), "staging directory removed");
    let msg = stderr(&o);
    assert!(msg.contains("stopped by SIG"), "{msg}");
    o.status.code()
}

#[test]
fn sigterm_and_sigint_remove_the_staging_directory_and_release_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("synth");
    let o = std::process::Command::new(crate::common::bin())
        .args(["--quiet", "synth", "--scale", "5", "--out"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("nightly");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    let before = tree(&out);
    let synth = data.join("pipeline.toml");
    assert_eq!(signalled_run(&synth, &out, libc::SIGTERM), Some(143));
    assert_eq!(tree(&out), before, "previous outputs untouched");
    assert_eq!(signalled_run(&synth, &out, libc::SIGINT), Some(130));
    assert_eq!(tree(&out), before, "previous outputs untouched");
    // the lock was released: the next run goes through at once
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
}

#[test]
fn output_path_with_dot_dot_leaves_no_stray_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let messy = format!("{}/out/../out/./sample2/..//sample", tmp.path().display());
    for _ in 0..2 {
        let o = minefree_args(&["run"], &p, &["--output".as_ref(), messy.as_ref()]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert!(tmp.path().join("out/sample/run.json").is_file());
    assert!(
        !tmp.path().join("out/sample2").exists(),
        "no stray directory"
    );
    let mut names: Vec<_> = std::fs::read_dir(tmp.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".sample.lock", "sample"]);
}
