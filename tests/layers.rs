//! The layering rule (ARCHITECTURE.md), enforced: each top-level module of `src/` may use
//! only the modules listed for it below. A new `crate::` path that breaks the rule fails
//! this test with the file and the path, so the layers cannot erode one import at a time.
//!
//! The rule, bottom up: `geom` (the geometry kernel) uses nothing else from the crate;
//! `model`, `digest`, `progress` and `gdal_errors` are leaves too; `config` uses only
//! `digest` and `model`; `index` the kernel and the model; `ingest` config and GDAL's
//! errors; `qa` turns raw records into the model and never touches analysis or report;
//! `analysis` never touches qa, ingest or report; `report` reads analysis' results but
//! never reads inputs or runs QA; `pipeline` and the binary tie everything together.
//!
//! Inside `report`, the rendering half (`src/report/render/`) returns documents and never
//! touches the file system or GDAL (no `std::fs`, `fs::`, `gdal::`, `File::`): `write/`
//! puts its documents on disk.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Which modules each top-level module may use (itself always).
const ALLOWED: &[(&str, &[&str])] = &[
    ("geom", &[]),
    ("model", &["geom"]),
    ("digest", &[]),
    ("progress", &[]),
    ("memory", &["model"]),
    ("gdal_errors", &[]),
    ("config", &["digest", "model"]),
    ("index", &["geom", "model"]),
    ("ingest", &["config", "gdal_errors"]),
    ("qa", &["config", "geom", "ingest", "model"]),
    ("init", &["config", "ingest", "model"]),
    (
        "analysis",
        &["config", "geom", "index", "model", "progress"],
    ),
    (
        "report",
        &[
            "analysis",
            "config",
            "digest",
            "gdal_errors",
            "geom",
            "model",
        ],
    ),
    ("cli", &["config"]),
    (
        "pipeline",
        &[
            "analysis", "cli", "config", "digest", "geom", "index", "ingest", "init", "memory",
            "model", "progress", "qa", "report",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable src dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a source text names through `crate::` paths, including grouped
/// imports such as `use crate::{a::X, b}`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').collect()
        } else {
            vec![rest]
        };
        for name in names {
            let name: String = name
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn modules_use_only_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|s| s.trim_end_matches(".rs").to_string())
            .expect("a file name");
        if matches!(top.as_str(), "lib" | "main" | "synth") {
            continue; // the crate root and the binary may use everything
        }
        let Some((_, allowed)) = ALLOWED.iter().find(|(m, _)| *m == top) else {
            broken.push(format!(
                "{}: module '{top}' is not in ALLOWED",
                rel.display()
            ));
            continue;
        };
        checked += 1;
        let text = std::fs::read_to_string(file).expect("readable source");
        for used in crate_paths(&text) {
            if used != top && !allowed.contains(&used.as_str()) {
                broken.push(format!("{}: uses crate::{used}", rel.display()));
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} files checked: is src/ where it should be?"
    );
    assert!(
        broken.is_empty(),
        "layering rule broken:\n{}",
        broken.join("\n")
    );
}

/// What the rendering half must never use: it returns documents, `write/` puts them on
/// disk (and only `write/` touches GDAL).
const RENDER_FORBIDDEN: [&str; 4] = ["std::fs", "fs::", "gdal::", "File::"];

/// The forbidden file-system or GDAL paths a source text names.
fn file_system_uses(text: &str) -> Vec<&'static str> {
    RENDER_FORBIDDEN
        .into_iter()
        .filter(|pattern| text.contains(pattern))
        .collect()
}

#[test]
fn render_never_touches_the_file_system_or_gdal() {
    let render = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report/render");
    let mut files = Vec::new();
    rust_files(&render, &mut files);
    assert!(
        files.len() > 10,
        "only {} files under {render:?}",
        files.len()
    );
    let broken: Vec<String> = files
        .iter()
        .flat_map(|file| {
            let text = std::fs::read_to_string(file).expect("readable source");
            file_system_uses(&text)
                .into_iter()
                .map(|used| format!("{}: uses {used}", file.display()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        broken.is_empty(),
        "render/ returns documents; write/ writes them:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_file_system_scanner_sees_every_way_in() {
    let planted =
        "pub fn write_report(dir: &Path) {\n    std::fs::write(dir.join(\"x\"), b\"\");\n}";
    assert_eq!(file_system_uses(planted), ["std::fs", "fs::"]);
    assert_eq!(file_system_uses("use std::fs;"), ["std::fs"]);
    assert_eq!(
        file_system_uses("let ds = gdal::Dataset::open(p)?;"),
        ["gdal::"]
    );
    assert_eq!(file_system_uses("let f = File::create(p)?;"), ["File::"]);
    assert!(file_system_uses("let name = \"report.html\"; svg.push_str(&x);").is_empty());
}

#[test]
fn the_path_scanner_sees_grouped_and_nested_imports() {
    let text = "use crate::{geom::area, model};\nlet x = crate::report::Table::new();";
    let got: Vec<String> = crate_paths(text).into_iter().collect();
    assert_eq!(got, ["geom", "model", "report"]);
}
