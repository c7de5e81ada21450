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

/// A square of `size` degrees with its south-west corner at (x, y), as WKT.
fn square(x: f64, y: f64, size: f64) -> String {
    format!(
        "POLYGON (({x} {y}, {} {y}, {} {}, {x} {}, {x} {y}))",
        x + size,
        x + size,
        y + size,
        y + size
    )
}

/// The same small country twice: as a Colombian-style export (one layer per release
/// method, Spanish names and values, day-first text dates) and in the SPEC's own layout.
fn colombian_and_spec_layout(export: &Path, spec: &Path) {
    use OGRFieldType::{OFTInteger, OFTString};
    let t = |n: &'static str| TestField(n, OFTString);
    let (m1, m2) = (square(-74.0, 4.0, 0.1), square(-73.9, 4.0, 0.1));
    let (h1, h2, h3) = (
        square(-73.98, 4.02, 0.03),
        square(-73.93, 4.03, 0.04),
        square(-73.85, 4.05, 0.02),
    );
    let (c1, d1) = (square(-73.99, 4.01, 0.02), square(-73.92, 4.04, 0.01));
    // export: codes, names and values as a national database writes them
    write_gpkg_layer(
        export,
        "Municipios",
        4326,
        &[t("codigo"), t("nombre")],
        &[
            (vec!["05001", "Medellín"], m1.as_str()),
            (vec!["05002", "Abejorral"], m2.as_str()),
        ],
    );
    write_gpkg_layer(
        export,
        "Area_Peligrosa",
        4326,
        &[t("FeatureID"), t("estado"), t("fecha")],
        &[
            (vec!["AP-1", "Confirmado", "14/05/2015"], h1.as_str()),
            (vec!["AP-2", "Sospechoso", "02/11/2016"], h2.as_str()),
            (vec!["AP-3", "Confirmado", "20/01/2018"], h3.as_str()),
        ],
    );
    write_gpkg_layer(
        export,
        "Areas_Canceladas",
        4326,
        &[t("FeatureID"), t("hazard_localid"), t("fecha_fin")],
        &[(vec!["AC-1", "AP-1", "30/06/2019"], c1.as_str())],
    );
    write_gpkg_layer(
        export,
        "Areas_Despejadas",
        4326,
        &[t("FeatureID"), t("hazard_localid"), t("fecha_fin")],
        &[(vec!["AD-1", "AP-2", "15/03/2021"], d1.as_str())],
    );
    write_gpkg_layer(
        export,
        "Veredas",
        4326,
        &[t("codigo"), t("nombre"), TestField("poblacion", OFTInteger)],
        &[
            (vec!["V1", "La Loma", "320"], "POINT (-73.96 4.04)"),
            (vec!["V2", "El Alto", "85"], "POINT (-73.86 4.07)"),
        ],
    );
    // the SPEC's layout, prepared by hand from the same records
    write_gpkg_layer(
        spec,
        "regions",
        4326,
        &[t("region_id"), t("name")],
        &[
            (vec!["05001", "Medellín"], m1.as_str()),
            (vec!["05002", "Abejorral"], m2.as_str()),
        ],
    );
    write_gpkg_layer(
        spec,
        "hazards",
        4326,
        &[t("hazard_id"), t("status"), t("recorded_on")],
        &[
            (vec!["AP-1", "CHA", "2015-05-14"], h1.as_str()),
            (vec!["AP-2", "SHA", "2016-11-02"], h2.as_str()),
            (vec!["AP-3", "CHA", "2018-01-20"], h3.as_str()),
        ],
    );
    write_gpkg_layer(
        spec,
        "releases",
        4326,
        &[
            t("release_id"),
            t("method"),
            t("completed_on"),
            t("hazard_id"),
        ],
        &[
            (vec!["AC-1", "cancelled", "2019-06-30", "AP-1"], c1.as_str()),
            (vec!["AD-1", "cleared", "2021-03-15", "AP-2"], d1.as_str()),
        ],
    );
    write_gpkg_layer(
        spec,
        "settlements",
        4326,
        &[
            t("settlement_id"),
            t("name"),
            TestField("population", OFTInteger),
        ],
        &[
            (vec!["V1", "La Loma", "320"], "POINT (-73.96 4.04)"),
            (vec!["V2", "El Alto", "85"], "POINT (-73.86 4.07)"),
        ],
    );
}

#[test]
fn colombian_export_drafted_by_init_runs_to_the_figures_of_the_spec_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let (export, spec) = (tmp.path().join("export.gpkg"), tmp.path().join("spec.gpkg"));
    colombian_and_spec_layout(&export, &spec);
    let draft = tmp.path().join("colombia.toml");
    let o = init(&["--output", draft.to_str().unwrap()], &[&export]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&draft).unwrap();
    assert_eq!(text.matches("[[inputs.releases]]").count(), 2, "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("# FILL IN")),
        "no gap to fill in:\n{text}"
    );
    let by_hand = tmp.path().join("by-hand.toml");
    let layer =
        |kind: &str| format!("[inputs.{kind}]\nsource = \"spec.gpkg\"\nlayer = \"{kind}\"\n");
    let layers = ["hazards", "releases", "regions", "settlements"].map(layer);
    std::fs::write(&by_hand, format!("output = \"x\"\n{}", layers.join("\n"))).unwrap();
    let (a, b) = (tmp.path().join("drafted"), tmp.path().join("by-hand"));
    let r = run("run", &draft, &a);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}\n{text}",
        String::from_utf8_lossy(&r.stderr)
    );
    let r = run("run", &by_hand, &b);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    for f in [
        "region_summary.csv",
        "release_history.csv",
        "priority_tasks.csv",
    ] {
        assert_eq!(
            String::from_utf8(std::fs::read(a.join(f)).unwrap()).unwrap(),
            String::from_utf8(std::fs::read(b.join(f)).unwrap()).unwrap(),
            "{f}"
        );
    }
}

/// `layer` of `gpkg` as the shapefile `shp` (ogr2ogr: 10-character field names, as an
/// IMSMA NG shapefile export has them).
fn as_shapefile(gpkg: &Path, layer: &str, shp: &Path) {
    let o = Command::new("ogr2ogr")
        .args(["-f", "ESRI Shapefile"])
        .arg(shp)
        .arg(gpkg)
        .arg(layer)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn afghan_export_drafted_by_init_runs_once_its_marked_gaps_are_filled() {
    use OGRFieldType::OFTString;
    let t = |n: &'static str| TestField(n, OFTString);
    let tmp = tempfile::tempdir().unwrap();
    let (export, spec) = (tmp.path().join("afg.gpkg"), tmp.path().join("spec.gpkg"));
    colombian_and_spec_layout(&tmp.path().join("unused.gpkg"), &spec);
    let (h1, h2) = (square(-73.98, 4.02, 0.03), square(-73.93, 4.03, 0.04));
    let c1 = square(-73.99, 4.01, 0.02);
    // hazards as the Afghan database names them; completions as IMSMA NG exports them
    write_gpkg_layer(
        &export,
        "AFG_Hazards",
        4326,
        &[
            t("OBJECTID"),
            t("Hazard_Typ"),
            t("Hazard_Cla"),
            t("Status_1"),
            t("Status_Cha"),
        ],
        &[
            (
                vec!["AP-1", "MineField", "CHA", "Active", "2015/05/14"],
                h1.as_str(),
            ),
            (
                vec!["AP-2", "Suspected Minefield", "SHA", "Active", "2016/11/02"],
                h2.as_str(),
            ),
        ],
    );
    write_gpkg_layer(
        &export,
        "completion_polygons",
        4326,
        &[
            t("FeatureID"),
            t("Status"),
            t("hazreduc_g"),
            t("Agency"),
            t("Start_Date"),
            t("End_Date"),
            t("IMSMA_ID"),
            t("ORGANISATI"),
            t("TASKID"),
            t("AREASQM"),
        ],
        &[(
            vec![
                "F1",
                "Completed",
                "AP-1",
                "MAPA",
                "2019/06/01",
                "2019/06/30",
                "hazreduc_9",
                "HALO",
                "AC-1",
                "1200",
            ],
            c1.as_str(),
        )],
    );
    let folder = tmp.path().join("export");
    std::fs::create_dir(&folder).unwrap();
    as_shapefile(&export, "AFG_Hazards", &folder.join("AFG_Hazards.shp"));
    as_shapefile(
        &export,
        "completion_polygons",
        &folder.join("completion_polygons.shp"),
    );
    let draft = tmp.path().join("afg.toml");
    let o = init(&["--output", draft.to_str().unwrap()], &[&folder]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&draft).unwrap();
    for want in [
        "hazard_id = \"OBJECTID\"",
        "status = \"Hazard_Cla\"",
        "hazard_type = \"Hazard_Typ\"",
        "release_id = \"TASKID\"",
        "completed_on = \"End_Date\"",
        "hazard_id = \"hazreduc_g\"",
        "organisation = \"ORGANISATI\"",
        "started_on = \"Start_Date\"",
    ] {
        assert!(text.contains(want), "no `{want}` in:\n{text}");
    }
    // the analyst fills in only the marked gaps: the method, the regions and settlements
    let filled: String = text
        .lines()
        .map(|l| match l {
            l if l.starts_with("# FILL IN: method") => "method = \"cancelled\"".to_string(),
            l if l.starts_with("# FILL IN: no layer looks like the regions") => {
                "[inputs.regions]\nsource = \"spec.gpkg\"\nlayer = \"regions\"".to_string()
            }
            l if l.starts_with("# FILL IN: no layer looks like the settlements") => {
                "[inputs.settlements]\nsource = \"spec.gpkg\"\nlayer = \"settlements\"".to_string()
            }
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let gaps: Vec<&str> = filled
        .lines()
        .filter(|l| l.starts_with("# FILL IN"))
        .collect();
    assert!(
        gaps.iter()
            .all(|g| g.contains("\"MineField\"") || g.contains("Minefield")),
        "only the optional hazard types are left: {gaps:?}"
    );
    std::fs::write(&draft, filled).unwrap();
    let out = tmp.path().join("drafted");
    let r = run("run", &draft, &out);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    // the same land as the SPEC layout with these two hazards and this one release
    let by_hand = tmp.path().join("by-hand.toml");
    std::fs::write(
        &by_hand,
        "output = \"x\"\n[inputs.hazards]\nsource = \"spec.gpkg\"\nlayer = \"hazards\"\n\
         where = \"hazard_id IN ('AP-1', 'AP-2')\"\n[inputs.releases]\nsource = \"spec.gpkg\"\n\
         layer = \"releases\"\nwhere = \"release_id = 'AC-1'\"\n[inputs.regions]\n\
         source = \"spec.gpkg\"\nlayer = \"regions\"\n[inputs.settlements]\n\
         source = \"spec.gpkg\"\nlayer = \"settlements\"\n",
    )
    .unwrap();
    let b = tmp.path().join("by-hand");
    let r = run("run", &by_hand, &b);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("release_history.csv")).unwrap(),
        std::fs::read_to_string(b.join("release_history.csv")).unwrap()
    );
}

#[test]
fn bih_geojson_without_ids_dates_or_statuses_runs_once_its_marked_gaps_are_filled() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("spec.gpkg");
    colombian_and_spec_layout(&tmp.path().join("unused.gpkg"), &spec);
    // the public map's hazards: geometry only, no id, no date, no status
    let folder = tmp.path().join("bih");
    std::fs::create_dir(&folder).unwrap();
    let o = Command::new("ogr2ogr")
        .args([
            "-f",
            "GeoJSON",
            "-dialect",
            "SQLite",
            "-sql",
            "SELECT geom FROM hazards",
        ])
        .arg(folder.join("bih_hazards.geojson"))
        .arg(&spec)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let draft = tmp.path().join("bih.toml");
    let o = init(&["--output", draft.to_str().unwrap()], &[&folder]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&draft).unwrap();
    assert!(text.contains("hazard_id = \"@fid\""), "{text}");
    assert!(text.contains("# FILL IN: status"), "{text}");
    // the gaps: a status for every record (the map says nothing), the other inputs
    let filled: String = text
        .lines()
        .map(|l| match l {
            l if l.starts_with("# FILL IN: status") => {
                "[inputs.hazards.defaults]\nstatus = \"SHA\"".to_string()
            }
            l if l.starts_with("# FILL IN: no layer looks like the ") => {
                let kind = l
                    .split("like the ")
                    .nth(1)
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap();
                format!("[inputs.{kind}]\nsource = \"spec.gpkg\"\nlayer = \"{kind}\"")
            }
            l => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !filled.lines().any(|l| l.starts_with("# FILL IN")),
        "{filled}"
    );
    std::fs::write(&draft, filled).unwrap();
    let out = tmp.path().join("out");
    let r = run("run", &draft, &out);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    // three hazards of known squares, each counted once: the SPEC layout's original land
    let by_hand = tmp.path().join("by-hand");
    let layer =
        |kind: &str| format!("[inputs.{kind}]\nsource = \"spec.gpkg\"\nlayer = \"{kind}\"\n");
    let p = tmp.path().join("by-hand.toml");
    let layers = ["hazards", "releases", "regions", "settlements"].map(layer);
    std::fs::write(&p, format!("output = \"x\"\n{}", layers.join("\n"))).unwrap();
    assert_eq!(run("run", &p, &by_hand).status.code(), Some(0));
    // (GeoJSON keeps 15 significant digits of each coordinate: equal to ~1e-12)
    let original = |dir: &Path| -> Vec<(String, f64)> {
        crate::common::csv_rows(&dir.join("region_summary.csv"))
            .iter()
            .map(|r| (r["region_id"].clone(), r["original_m2"].parse().unwrap()))
            .collect()
    };
    let (got, want) = (original(&out), original(&by_hand));
    assert_eq!(got.len(), want.len());
    for ((id, g), (id2, w)) in got.iter().zip(&want) {
        assert_eq!(id, id2);
        assert!((g - w).abs() <= 1e-9 * w, "{id}: {g} vs {w}");
    }
}
