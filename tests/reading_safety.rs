//! Issue 21's reading regressions: never a wrong picture with exit 0. Fields that differ
//! only in case, a CSV that repeats a column, a shapefile whose `.dbf` lost records, a
//! database that never answers, and sources or environments whose old messages could not
//! be acted on. Each test runs the real binary on real files written with GDAL.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{bin, read_layer, root, stderr, text, tree};
use crate::operations::{minefree, sample_copy, sample_with_source};

/// The sample hazards as GeoJSON, each feature's properties starting with `extra`
/// (name, value) pairs, in that order, before the sample's own (`status` among them).
fn hazards_geojson(dir: &Path, extra: &[(&str, &str)]) -> PathBuf {
    let plain = dir.join("hazards_plain.geojson");
    let o = Command::new("ogr2ogr")
        .args(["-f", "GeoJSON"])
        .arg(&plain)
        .arg(root().join("sample-data/national.gpkg"))
        .arg("hazards")
        .output()
        .unwrap();
    assert!(o.status.success(), "ogr2ogr: {}", stderr(&o));
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    for f in doc["features"].as_array_mut().unwrap() {
        let own = f["properties"].as_object().unwrap().clone();
        let mut props = serde_json::Map::new();
        for (name, value) in extra {
            props.insert(name.to_string(), serde_json::json!(value));
        }
        props.extend(own);
        f["properties"] = serde_json::Value::Object(props);
    }
    let path = dir.join("hazards.geojson");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

/// The field names of `layer` in `source` (its only layer when `None`), as GDAL reads
/// them.
fn gdal_fields(source: &Path, layer: Option<&str>) -> Vec<String> {
    use gdal::vector::LayerAccess;
    let ds = gdal::Dataset::open(source).unwrap();
    let layer = match layer {
        Some(name) => ds.layer_by_name(name).unwrap(),
        None => ds.layer(0).unwrap(),
    };
    let names: Vec<String> = layer.defn().fields().map(|f| f.name()).collect();
    names
}

/// The sample pipeline reading hazards from `geojson` (one layer: no `layer` key) with
/// `fields` as its `[inputs.hazards.fields]` table.
fn hazards_pipeline(dir: &Path, geojson: &Path, fields: &str) -> PathBuf {
    let national = root().join("sample-data/national.gpkg");
    sample_copy(dir, |t| {
        t.replace(
            &format!(
                "source = \"{}\"\nlayer = \"hazards\"",
                national.to_string_lossy()
            ),
            &format!("source = \"{}\"\n{fields}", geojson.to_string_lossy()),
        )
    })
}

/// hazard_id → the statuses its records have in the sample (ids repeat there), as the
/// output spells them: `CHA` or `SHA`, anything else counting as `SHA` (SPEC §3, R4).
fn sample_statuses() -> BTreeMap<String, BTreeSet<String>> {
    use gdal::vector::LayerAccess;
    let ds = gdal::Dataset::open(root().join("sample-data/national.gpkg")).unwrap();
    let mut layer = ds.layer_by_name("hazards").unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in layer.features() {
        let get = |name: &str| {
            let i = f.field_index(name).unwrap();
            f.field_as_string(i).unwrap().unwrap_or_default()
        };
        let status = match get("status").trim().to_ascii_uppercase().as_str() {
            "CHA" => "CHA",
            _ => "SHA",
        };
        out.entry(get("hazard_id"))
            .or_default()
            .insert(status.to_string());
    }
    out
}

#[test]
fn field_differing_only_in_case_from_the_mapping_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let geojson = hazards_geojson(tmp.path(), &[("STATUS", "CHA")]);
    let fields = gdal_fields(&geojson, None);
    let upper = fields.iter().position(|f| f == "STATUS").unwrap();
    let lower = fields.iter().position(|f| f == "status").unwrap();
    assert!(
        upper < lower,
        "STATUS must come first to trap a first-match lookup: {fields:?}"
    );
    let p = hazards_pipeline(tmp.path(), &geojson, "fields = { status = \"status\" }");
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = sample_statuses();
    let rows = read_layer(&out.join("minefree.gpkg"), "remaining_hazards");
    let mut sha = 0;
    for (row, _) in &rows {
        let id = text(row, "hazard_id").unwrap();
        // the output's status is the source's `status`, not STATUS (all CHA)
        let got = text(row, "status").unwrap_or_default();
        assert!(
            want[&id].contains(&got),
            "{id}: {got}, source {:?}",
            want[&id]
        );
        sha += usize::from(got == "SHA");
        // STATUS is carried through, renamed since the output has a `status` column
        assert_eq!(text(row, "src_STATUS").as_deref(), Some("CHA"), "{id}");
    }
    assert!(sha > 0 && rows.len() > 20, "{sha} SHA of {}", rows.len());
}

#[test]
fn three_case_variants_of_a_field_run_and_carry_each_through_once() {
    let tmp = tempfile::tempdir().unwrap();
    let geojson = hazards_geojson(tmp.path(), &[("STATUS", "CHA"), ("Status", "SHA")]);
    let fields = gdal_fields(&geojson, None);
    assert_eq!(
        fields
            .iter()
            .filter(|f| f.eq_ignore_ascii_case("status"))
            .count(),
        3,
        "{fields:?}"
    );
    let p = hazards_pipeline(tmp.path(), &geojson, "fields = { status = \"status\" }");
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_layer(&out.join("minefree.gpkg"), "remaining_hazards");
    assert!(!rows.is_empty());
    for (row, _) in &rows {
        // first case variant keeps `src_<name>`; the later one gets `_2`
        assert_eq!(text(row, "src_STATUS").as_deref(), Some("CHA"));
        assert_eq!(text(row, "src_Status_2").as_deref(), Some("SHA"));
    }
    // no two columns differing only in case (SQLite would refuse them)
    let columns = gdal_fields(&out.join("minefree.gpkg"), Some("remaining_hazards"));
    let mut lower: Vec<String> = columns.iter().map(|h| h.to_ascii_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), columns.len(), "{columns:?}");
}

#[test]
fn case_variants_without_an_exact_match_are_a_pipeline_error() {
    let tmp = tempfile::tempdir().unwrap();
    // the sample's own `status` renamed away: only STATUS and Status remain
    let geojson = hazards_geojson(tmp.path(), &[("STATUS", "CHA"), ("Status", "SHA")]);
    let text = std::fs::read_to_string(&geojson)
        .unwrap()
        .replace("\"status\":", "\"state_old\":");
    std::fs::write(&geojson, text).unwrap();
    let out = tmp.path().join("out");
    for fields in ["", "fields = { status = \"status\" }"] {
        let p = hazards_pipeline(tmp.path(), &geojson, fields);
        let o = minefree(&["run"], &p, &out);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let msg = stderr(&o);
        assert!(msg.contains("inputs.hazards.fields.status"), "{msg}");
        assert!(
            msg.contains("'STATUS'") && msg.contains("'Status'"),
            "{msg}"
        );
        assert!(!out.exists(), "nothing may be written");
    }
}

#[test]
fn csv_with_a_repeated_population_column_is_a_pipeline_error() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(root().join("sample-data/settlements.csv")).unwrap();
    let mut lines = sample.lines();
    let header = lines.next().unwrap();
    assert_eq!(header, "settlement_id,name,population,lon,lat");
    // the file: the first population column all 0, the real one last
    let mut csv = String::from("settlement_id,name,population,lon,lat,population\n");
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let real = cells[2];
        csv.push_str(&format!(
            "{},{},0,{},{},{real}\n",
            cells[0], cells[1], cells[3], cells[4]
        ));
    }
    let path = tmp.path().join("settlements.csv");
    std::fs::write(&path, csv).unwrap();
    // GDAL keeps both columns under the same name
    let fields = gdal_fields(&path, None);
    assert_eq!(
        fields.iter().filter(|f| *f == "population").count(),
        2,
        "{fields:?}"
    );
    let p = sample_with_source(tmp.path(), "sample-data/settlements.csv", &path);
    let out = tmp.path().join("out");
    let o = minefree(&["run"], &p, &out);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(
        msg.contains("inputs.settlements.fields.population")
            && msg.contains("'population' (column 3)")
            && msg.contains("'population' (column 6)"),
        "{msg}"
    );
    assert!(!out.exists());
}

/// A copy of the sample releases shapefile (80 records) in `dir`, with `edit` applied to
/// the bytes of its `.dbf`.
fn releases_copy(dir: &Path, edit: impl Fn(&mut Vec<u8>)) -> PathBuf {
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        let name = format!("releases_utm42n.{ext}");
        std::fs::copy(root().join("sample-data").join(&name), dir.join(&name)).unwrap();
    }
    let dbf = dir.join("releases_utm42n.dbf");
    let mut bytes = std::fs::read(&dbf).unwrap();
    assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()), 80);
    edit(&mut bytes);
    std::fs::write(&dbf, bytes).unwrap();
    dir.join("releases_utm42n.shp")
}

/// The `.dbf` layout: (header length, record length), from its header.
fn dbf_layout(bytes: &[u8]) -> (usize, usize) {
    let word = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    (word(8), word(10))
}

/// Cuts a `.dbf` to its first 40 records; with `fix_header` its record count says 40 too.
fn keep_40_records(bytes: &mut Vec<u8>, fix_header: bool) {
    let (header, record) = dbf_layout(bytes);
    bytes.truncate(header + 40 * record);
    if fix_header {
        bytes[4..8].copy_from_slice(&40u32.to_le_bytes());
        bytes.push(0x1a); // dBase end-of-file marker
    }
}

#[test]
fn shapefile_whose_dbf_holds_half_its_records_fails_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nightly");
    let good = sample_copy(tmp.path(), |t| t);
    assert_eq!(minefree(&["run"], &good, &out).status.code(), Some(0));
    for (case, fix_header, filter) in [
        ("header says 40", true, ""),
        ("header says 80, file cut", false, ""),
        (
            "header says 40, where filter",
            true,
            "where = \"method <> 'none'\"\n",
        ),
    ] {
        let dir = tmp.path().join(case.replace([' ', ','], "_"));
        std::fs::create_dir(&dir).unwrap();
        let shp = releases_copy(&dir, |b| keep_40_records(b, fix_header));
        {
            // what GDAL itself says: 80 declared, 40 read, and (header fixed) no error
            use gdal::vector::LayerAccess;
            let ds = gdal::Dataset::open(&shp).unwrap();
            let mut layer = ds.layer(0).unwrap();
            assert_eq!(layer.feature_count(), 80, "{case}");
            assert_eq!(layer.features().count(), 40, "{case}");
        }
        let bad = sample_with_source(tmp.path(), "sample-data/releases_utm42n.shp", &shp);
        let text = std::fs::read_to_string(&bad).unwrap().replace(
            "[inputs.releases.fields]",
            &format!("{filter}[inputs.releases.fields]"),
        );
        std::fs::write(&bad, text).unwrap();
        let before = tree(&out);
        let o = minefree(&["run"], &bad, &out);
        assert_eq!(o.status.code(), Some(1), "{case}: {}", stderr(&o));
        let msg = stderr(&o);
        assert!(
            msg.contains(shp.to_str().unwrap())
                && (msg.contains("40 records") || msg.contains("only 40 of the 80 features")),
            "{case}: {msg}"
        );
        assert!(msg.contains("80"), "{case}: {msg}");
        assert_eq!(tree(&out), before, "{case}: last night's outputs are kept");
    }
}

#[test]
fn shapefile_with_a_record_marked_deleted_still_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let shp = releases_copy(tmp.path(), |b| {
        let (header, record) = dbf_layout(b);
        b[header + 5 * record] = b'*'; // dBase's deletion flag on the 6th record
    });
    {
        use gdal::vector::LayerAccess;
        let ds = gdal::Dataset::open(&shp).unwrap();
        let mut layer = ds.layer(0).unwrap();
        assert_eq!(layer.feature_count(), 80);
        assert_eq!(
            layer.features().count(),
            79,
            "GDAL skips the deleted record"
        );
    }
    let p = sample_with_source(tmp.path(), "sample-data/releases_utm42n.shp", &shp);
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn database_that_never_answers_fails_within_its_connect_timeout() {
    if gdal::DriverManager::get_driver_by_name("PostgreSQL").is_err() {
        eprintln!("GDAL has no PostgreSQL driver here: the connect timeout is not tested");
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // accepts every connection and never sends a byte
    std::thread::spawn(move || {
        let _held: Vec<_> = listener.incoming().collect();
    });
    let tmp = tempfile::tempdir().unwrap();
    let source = format!("PG:host=127.0.0.1 port={port} dbname=x user=x connect_timeout=2");
    let national = root().join("sample-data/national.gpkg");
    let p = sample_copy(tmp.path(), |t| {
        t.replace(national.to_str().unwrap(), &source)
    });
    let out = tmp.path().join("out");
    let started = Instant::now();
    let o = minefree(&["run"], &p, &out);
    let took = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let msg = stderr(&o);
    assert!(msg.contains(&source) && msg.contains("hazards"), "{msg}");
    assert!(msg.to_lowercase().contains("timeout"), "{msg}");
}

#[test]
fn empty_source_is_a_pipeline_error_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let national = root().join("sample-data/national.gpkg");
    let p = sample_copy(tmp.path(), |t| t.replace(national.to_str().unwrap(), ""));
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(
        msg.contains("inputs.hazards.source") && msg.contains("empty"),
        "{msg}"
    );
}

#[test]
fn source_that_is_a_symlink_loop_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.gpkg");
    let b = tmp.path().join("b.gpkg");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let p = sample_with_source(tmp.path(), "sample-data/national.gpkg", &a);
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(
        msg.contains("inputs.hazards.source") && msg.contains("symbolic link loop"),
        "{msg}"
    );
    assert!(!msg.contains("not found"), "{msg}");
}

#[test]
fn missing_proj_database_is_named_with_what_to_set() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("no-proj-data");
    std::fs::create_dir(&empty).unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    let o = Command::new(bin())
        .args(["--quiet", "run"])
        .arg(&p)
        .arg("--output")
        .arg(&out)
        .env("PROJ_DATA", &empty)
        .env("PROJ_LIB", &empty)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let msg = stderr(&o);
    assert!(
        msg.contains("proj.db") && msg.contains("PROJ_DATA") && msg.contains("proj-data"),
        "{msg}"
    );
    assert!(!msg.contains("error: '6'"), "{msg}");
    assert!(!out.exists());
}
