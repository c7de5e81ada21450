//! The QGIS project stored in `minefree.gpkg` (issue 15), read back the way QGIS reads it:
//! the `qgis_projects` row through GDAL's SQLite, its `content` hex text decoded, the
//! `.qgz` zip taken apart by hand from its central directory (independently of the
//! writer), and the `.qgs` XML searched for what the project must hold. The PyQGIS check
//! `tests/qgis/check_project.py` then loads it in QGIS itself.

use std::path::Path;

use gdal::vector::sql::Dialect;
use gdal::vector::LayerAccess;
use gdal::Dataset;

use crate::operations::{minefree, sample_copy};

/// Every row of an SQL query on the GeoPackage, each column as text.
fn query(gpkg: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    let ds = Dataset::open(gpkg).expect("gpkg opens");
    let Some(mut rows) = ds.execute_sql(sql, None, Dialect::SQLITE).expect(sql) else {
        return Vec::new();
    };
    let n = rows.defn().fields().count();
    rows.features()
        .map(|f| {
            (0..n)
                .map(|i| f.field_as_string(i).expect("text"))
                .collect()
        })
        .collect()
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

/// The entries of a zip archive (stored ones only), found through its central directory.
fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let end = zip.len() - 22;
    assert_eq!(
        &zip[end..end + 4],
        b"PK\x05\x06",
        "end of central directory"
    );
    let (count, mut at) = (u16_at(zip, end + 10), u32_at(zip, end + 16));
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02", "central directory entry");
        assert_eq!(u16_at(zip, at + 10), 0, "stored");
        let size = u32_at(zip, at + 24);
        let (name_len, extra_len, comment_len) = (
            u16_at(zip, at + 28),
            u16_at(zip, at + 30),
            u16_at(zip, at + 32),
        );
        let local = u32_at(zip, at + 42);
        let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).expect("name");
        assert_eq!(
            &zip[local..local + 4],
            b"PK\x03\x04",
            "local header of {name}"
        );
        let data = local + 30 + u16_at(zip, local + 26) + u16_at(zip, local + 28);
        entries.push((name, zip[data..data + size].to_vec()));
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

/// The (name, metadata, content type, decoded content) of every stored project. The
/// columns are declared BLOB, so OGR would hand them over as binary (hex of the bytes):
/// the casts read the text that is stored, as QGIS does (`sqlite3_column_text`).
fn stored_projects(gpkg: &Path) -> Vec<(String, String, String, Vec<u8>)> {
    query(
        gpkg,
        concat!(
            "SELECT name, CAST(metadata AS TEXT), typeof(content), CAST(content AS TEXT) ",
            "FROM qgis_projects"
        ),
    )
    .into_iter()
    .map(|row| {
        let text = |i: usize| row[i].clone().unwrap_or_default();
        let hex = text(3);
        let bytes = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digits"))
            .collect();
        (text(0), text(1), text(2), bytes)
    })
    .collect()
}

#[test]
fn gpkg_holds_a_qgis_project_with_relative_layers_and_the_national_map() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    let gpkg = out.join("minefree.gpkg");

    let projects = stored_projects(&gpkg);
    assert_eq!(projects.len(), 1);
    let (name, metadata, kind, qgz) = &projects[0];
    assert_eq!(name, "minefree");
    // As QGIS stores it: hex text, JSON metadata; the date is the as-of date.
    assert_eq!(kind, "text");
    assert!(
        metadata.contains(r#""last_modified_time": "2026-06-30T00:00:00""#),
        "{metadata}"
    );
    let registered = query(
        &gpkg,
        "SELECT count(*) FROM gpkg_contents WHERE table_name = 'qgis_projects'",
    );
    assert_eq!(
        registered[0][0].as_deref(),
        Some("0"),
        "QGIS does not register it"
    );

    let entries = unzip(qgz);
    assert_eq!(entries.len(), 1);
    let (file, bytes) = &entries[0];
    assert_eq!(file, "minefree.qgs");
    let xml = String::from_utf8(bytes.clone()).expect("UTF-8 XML");
    assert!(xml.starts_with("<!DOCTYPE qgis"));
    assert!(
        xml.contains("<title>p.toml</title>"),
        "title = pipeline file name"
    );
    for layer in [
        "priority_tasks",
        "remaining_hazards",
        "region_summary",
        "qa_findings",
        "release_history",
        "scenarios",
        "work_plan",
    ] {
        let source = format!("<datasource>./minefree.gpkg|layername={layer}</datasource>");
        assert!(xml.contains(&source), "{layer} has a relative datasource");
    }
    assert!(xml.contains(r#"<Absolute type="bool">false</Absolute>"#));
    let here = tmp.path().to_string_lossy().to_string();
    assert!(!xml.contains(&here), "no absolute path to the output");
    assert!(xml.contains(r#"<Layout name="National map""#));
    assert!(xml.contains("p — land release as of 2026-06-30"));
    assert!(xml.contains(r#"<authid>EPSG:4326</authid>"#));
}

#[test]
fn the_same_run_stores_the_same_project_bytes_and_validate_stores_none() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        assert_eq!(minefree(&["run"], &p, dir).status.code(), Some(0));
    }
    let project = |dir: &Path| stored_projects(&dir.join("minefree.gpkg"));
    assert_eq!(project(&a), project(&b));

    let v = tmp.path().join("v");
    minefree(&["validate"], &p, &v);
    let tables = query(
        &v.join("minefree.gpkg"),
        "SELECT count(*) FROM sqlite_master WHERE name = 'qgis_projects'",
    );
    assert_eq!(tables[0][0].as_deref(), Some("0"));
}

/// The stored project's XML of a run of `pipeline` into `out`.
fn project_xml(pipeline: &Path, out: &Path) -> String {
    assert_eq!(minefree(&["run"], pipeline, out).status.code(), Some(0));
    let projects = stored_projects(&out.join("minefree.gpkg"));
    let entries = unzip(&projects[0].3);
    String::from_utf8(entries[0].1.clone()).unwrap()
}

#[test]
fn the_print_layout_reads_on_a_real_country() {
    let tmp = tempfile::tempdir().unwrap();
    // a `title` names the layout (not the pipeline file's name)
    let p = sample_copy(tmp.path(), |t| format!("title = \"Tarvania\"\n{t}"));
    let xml = project_xml(&p, &tmp.path().join("out"));
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&xml, options).unwrap();
    assert!(xml.contains("Tarvania — land release as of 2026-06-30"));
    // a fixed table (65652) of minefree's figures: the regions with most remaining land
    // first, as many as fit the frame (the sample's five all do: no "others" row)
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("LayoutMultiFrame") && n.attribute("type") == Some("65652"))
        .expect("the region table");
    let rows: Vec<Vec<&str>> = table
        .descendants()
        .filter(|n| n.has_tag_name("row") && n.parent().is_some_and(|p| p.has_tag_name("contents")))
        .map(|row| {
            row.descendants()
                .filter(|o| o.attribute("name") == Some("content"))
                .filter_map(|o| o.attribute("value"))
                .collect()
        })
        .collect();
    let regions = std::fs::read_to_string(tmp.path().join("out/region_summary.csv")).unwrap();
    assert_eq!(
        rows.len(),
        regions.lines().count() - 1,
        "one row per region"
    );
    let km2: Vec<f64> = rows
        .iter()
        .map(|r| r[1].replace(',', "").parse().unwrap())
        .collect();
    let mut sorted = km2.clone();
    sorted.sort_by(|a, b| b.total_cmp(a));
    assert_eq!(km2, sorted, "most remaining land first");
    // names, km² and % with one decimal; every column inside the 105 mm frame
    let columns: Vec<(String, f64)> = table
        .descendants()
        .filter(|n| n.has_tag_name("header"))
        .map(|c| {
            (
                c.attribute("heading").unwrap().to_string(),
                c.attribute("width").unwrap().parse().unwrap(),
            )
        })
        .collect();
    let headings: Vec<&str> = columns.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Region",
            "Remaining km²",
            "Released km²",
            "% released",
            "Completion"
        ]
    );
    let margin = table
        .attribute("cellMargin")
        .unwrap()
        .parse::<f64>()
        .unwrap();
    let total: f64 = columns.iter().map(|c| c.1 + 2.0 * margin).sum();
    assert!(total <= 105.0, "{total} mm of columns in a 105 mm frame");
    assert!(
        rows.iter()
            .all(|r| r[1].split_once('.').is_some_and(|(_, d)| d.len() == 1)),
        "km² with one decimal: {rows:?}"
    );
}

/// The cell texts of the layout's region table (the fixed table), row by row.
fn layout_table_rows(xml: &str) -> Vec<Vec<String>> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).unwrap();
    let contents = doc
        .descendants()
        .find(|n| n.has_tag_name("contents"))
        .expect("the region table's contents");
    contents
        .children()
        .filter(|n| n.has_tag_name("row"))
        .map(|row| {
            row.descendants()
                .filter(|o| o.attribute("name") == Some("content"))
                .filter_map(|o| o.attribute("value"))
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// Issue 24 item 7: a country of more regions than the layout's table shows (here the
/// sample's hazards in a grid of 24 cells) gets the 15 with most remaining land and one
/// "N others (share %)" row; its sums are checked against `region_summary.csv`.
#[test]
fn a_country_of_more_regions_than_fit_gets_an_others_row() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cells = Vec::new();
    for k in 0..24 {
        let (x, y) = (
            67.5 + f64::from(k % 6) * 4.0 / 6.0,
            36.5 + f64::from(k / 6) * 0.875,
        );
        let (x2, y2) = (x + 4.0 / 6.0, y + 0.875);
        cells.push(format!(
            r#"{{"type":"Feature","properties":{{"region_id":"C{k:02}","name":"Cell {k:02}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x2},{y}],[{x2},{y2}],[{x},{y2}],[{x},{y}]]]}}}}"#
        ));
    }
    let grid = tmp.path().join("grid.geojson");
    let collection = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        cells.join(",")
    );
    std::fs::write(&grid, collection).unwrap();
    let p = sample_copy(tmp.path(), |t| {
        let regions = t.lines().find(|l| l.contains("regions.geojson")).unwrap();
        t.replace(regions, &format!("source = {:?}", grid.to_string_lossy()))
            .replace("\"TV-NO\" = ", "\"C10\" = ")
    });
    let out = tmp.path().join("out");
    let rows = layout_table_rows(&project_xml(&p, &out));
    // region_summary.csv: name, remaining_m2, released_m2, original_m2 per row
    let csv = std::fs::read_to_string(out.join("region_summary.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut regions: Vec<(String, f64, f64, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let num = |name: &str| f[at(name)].parse::<f64>().unwrap();
            let id = f[at("region_id")].to_string();
            (
                id,
                num("remaining_m2"),
                num("released_m2"),
                num("original_m2"),
            )
        })
        .collect();
    assert!(regions.len() > 15, "{} regions", regions.len());
    regions.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    assert_eq!(rows.len(), 16, "15 regions and the others row");
    let rest = &regions[15..];
    let others = &rows[15];
    assert!(
        others[0].starts_with(&format!("{} others (", rest.len())),
        "{others:?}"
    );
    let km2 = |m2: f64| format!("{:.1}", m2 / 1e6);
    assert_eq!(others[1], km2(rest.iter().map(|r| r.1).sum()));
    assert_eq!(others[2], km2(rest.iter().map(|r| r.2).sum()));
    let shown: Vec<String> = regions[..15].iter().map(|r| km2(r.1)).collect();
    let placed: Vec<String> = rows[..15].iter().map(|r| r[1].clone()).collect();
    assert_eq!(placed, shown, "most remaining land first");
}
