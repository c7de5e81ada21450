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
//!
//! Inside one layer, no circle between files: no file may (through others) import a file
//! that imports it back. The graph is read from the `crate::`, `super::` and `self::`
//! paths of each file's code (comments and the `#[cfg(test)] mod` at its end left out),
//! each path going to the deepest module file it names (`super::ledger::Measured` from
//! `analysis/regions.rs` is `analysis/ledger.rs`; `super::RegionKey` is
//! `analysis/mod.rs`). A type both sides need goes into a small module of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Which modules each top-level module may use (itself always).
const ALLOWED: &[(&str, &[&str])] = &[
    ("geom", &[]),
    ("model", &["geom"]),
    ("digest", &[]),
    ("progress", &[]),
    ("memory", &["geom", "model"]),
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

/// A file's module path under `src/`: `analysis/ledger.rs` is `[analysis, ledger]`,
/// `analysis/mod.rs` is `[analysis]`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// A source text without its comment lines and without the `#[cfg(test)] mod` it ends
/// with (tests may import anything of their own layer).
fn code_of(text: &str) -> String {
    let mut end = text.len();
    let mut from = 0;
    while let Some(i) = text[from..].find("#[cfg(test)]") {
        let at = from + i;
        if text[at + "#[cfg(test)]".len()..]
            .trim_start()
            .starts_with("mod ")
        {
            end = at;
            break;
        }
        from = at + 1;
    }
    text[..end]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn skip_blank(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && s[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Reads one path or use-tree at `s[i..]` (`a::b`, `a::{b, c::{d, e}}`, `a::*`), adding
/// every full path to `out` (`self` inside a group is the group's prefix); returns where
/// it ended.
fn use_tree(s: &[u8], i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = skip_blank(s, i);
    loop {
        if s.get(i) == Some(&b'{') {
            i += 1;
            loop {
                i = skip_blank(s, use_tree(s, i, &path, out));
                match s.get(i) {
                    Some(b',') => i += 1,
                    Some(b'}') => return i + 1,
                    _ => return i, // the end of the text, or not a use-tree after all
                }
            }
        }
        let len = s[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if len == 0 {
            out.push(path);
            return i + usize::from(s.get(i) == Some(&b'*'));
        }
        let name = String::from_utf8_lossy(&s[i..i + len]).into_owned();
        i += len;
        if name != "self" || path.is_empty() {
            path.push(name);
        }
        if s[i..].starts_with(b"::") {
            i += 2;
        } else {
            out.push(path);
            return i;
        }
    }
}

/// Every `crate::`, `super::` and `self::` path of a code text, use-trees expanded, as
/// written (first segment `crate`, `super` or `self`).
fn module_paths(code: &str) -> Vec<Vec<String>> {
    let s = code.as_bytes();
    let mut out = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(start) {
            let before = i.checked_sub(1).map(|j| s[j]);
            let inside = before.is_some_and(|c| c.is_ascii_alphanumeric() || b"_:$".contains(&c));
            if !inside {
                use_tree(s, i, &[], &mut out);
            }
        }
    }
    out
}

/// The path `written` in the file of module `from`, made absolute (from the crate root).
fn absolute(from: &[String], written: &[String]) -> Vec<String> {
    let mut rest = written;
    let mut base: Vec<String> = match rest.first().map(String::as_str) {
        Some("crate") => {
            rest = &rest[1..];
            Vec::new()
        }
        Some("self") => {
            rest = &rest[1..];
            from.to_vec()
        }
        _ => from.to_vec(),
    };
    while rest.first().is_some_and(|p| p == "super") {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    base
}

/// Per module file of a layer, the other files of the same layer it imports.
type Graph = BTreeMap<Vec<String>, BTreeSet<Vec<String>>>;

/// The import graph of the files under `src/` (module path → its code), each path going
/// to the deepest module that has a file; only edges inside one top-level module.
fn import_graph(files: &BTreeMap<Vec<String>, String>) -> Graph {
    let mut graph = Graph::new();
    for (module, code) in files {
        let edges = graph.entry(module.clone()).or_default();
        for written in module_paths(code) {
            let path = absolute(module, &written);
            let target = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| files.contains_key(p));
            if let Some(t) = target.filter(|t| t != module && t[0] == module[0]) {
                edges.insert(t);
            }
        }
    }
    graph
}

/// The circles of `graph`: each group of two or more files that all reach one another.
fn circles(graph: &Graph) -> Vec<BTreeSet<Vec<String>>> {
    let reach = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(m) = todo.pop() {
            for next in graph.get(&m).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut found: Vec<BTreeSet<Vec<String>>> = Vec::new();
    for (m, from_m) in &reached {
        let circle: BTreeSet<Vec<String>> = from_m
            .iter()
            .filter(|n| reached[n].contains(*m))
            .cloned()
            .collect();
        if circle.len() > 1 && !found.contains(&circle) {
            found.push(circle);
        }
    }
    found
}

#[test]
fn no_circle_between_files_inside_one_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    rust_files(&src, &mut paths);
    let files: BTreeMap<Vec<String>, String> = paths
        .iter()
        .map(|file| {
            let rel = file.strip_prefix(&src).expect("under src");
            let text = std::fs::read_to_string(file).expect("readable source");
            (module_of(rel), code_of(&text))
        })
        .filter(|(m, _)| !matches!(m[0].as_str(), "lib" | "main" | "synth"))
        .collect();
    let graph = import_graph(&files);
    assert!(
        graph.values().map(BTreeSet::len).sum::<usize>() > 50,
        "too few imports found: is the path reader broken?"
    );
    let described: Vec<String> = circles(&graph)
        .iter()
        .map(|c| {
            let names: Vec<String> = c.iter().map(|m| m.join("/")).collect();
            names.join(" ↔ ")
        })
        .collect();
    assert!(
        described.is_empty(),
        "files that import each other (move what both need into a module of its own):\n{}",
        described.join("\n")
    );
}

#[test]
fn the_circle_finder_sees_a_circle_through_grouped_and_parent_imports() {
    let m = |p: &str| p.split('/').map(str::to_string).collect::<Vec<_>>();
    let files: BTreeMap<Vec<String>, String> = [
        ("a", "pub use self::x::X;\nmod x; mod y; mod z;\n"),
        ("a/x", "use super::{y::{self, Y}, Top};\n// use super::z;\n"),
        ("a/y", "fn f() -> crate::a::z::Z { todo!() }"),
        (
            "a/z",
            "use super::super::a::X;\n#[cfg(test)]\nmod tests { use super::super::y; }",
        ),
        ("b", "use crate::a::z::Z; use crate::a::y::Y;"),
    ]
    .into_iter()
    .map(|(p, text)| (m(p), code_of(text)))
    .collect();
    let graph = import_graph(&files);
    assert_eq!(graph[&m("a/x")], BTreeSet::from([m("a"), m("a/y")]));
    assert_eq!(graph[&m("a/y")], BTreeSet::from([m("a/z")]));
    assert_eq!(graph[&m("a/z")], BTreeSet::from([m("a")]));
    assert_eq!(graph[&m("a")], BTreeSet::from([m("a/x")]));
    assert!(graph[&m("b")].is_empty(), "another layer is not a circle");
    let expected = BTreeSet::from([m("a"), m("a/x"), m("a/y"), m("a/z")]);
    assert_eq!(circles(&graph), [expected]);
}
