//! Target 4: GDAL reads of byte-mutated copies of the sample's inputs (the GeoPackage, the
//! GeoJSON, both CSVs, and each file of the Shapefile), by the real binary: `minefree
//! validate` on the sample pipeline pointing at the mutated copy, in a temporary folder,
//! killed after 60 s. The exit status is 0, 1, 2 or 3 (never 101 = panic, never a
//! signal, never a timeout), stderr never says "panicked", and a failed run says why.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::sample::Index;

use crate::harness::{bin, campaign, root, sample_text};

/// Seconds a case may take before the harness kills it.
const CASE_LIMIT_S: u64 = 60;

/// The sample's input files; the last four are one Shapefile.
const FILES: &[&str] = &[
    "national.gpkg",
    "regions.geojson",
    "settlements.csv",
    "accidents.csv",
    "releases_utm42n.shp",
    "releases_utm42n.shx",
    "releases_utm42n.dbf",
    "releases_utm42n.prj",
];

const SHAPEFILE: &[&str] = &["shp", "shx", "dbf", "prj", "cpg"];

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    /// A byte of the first 128: a header (record counts, lengths, offsets, the SQLite page size).
    HeaderByte(u8, u8),
    Truncate(Index),
    Fill(Index, u16, u8),
    Duplicate(Index, u16),
    Delete(Index, u16),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        2 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        2 => (0u8..128, any::<u8>()).prop_map(|(i, b)| Mutation::HeaderByte(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 0u16..512, prop::sample::select(&[0u8, 0xFF, b'9', b','][..]))
            .prop_map(|(i, n, b)| Mutation::Fill(i, n, b)),
        1 => (any::<Index>(), 0u16..512).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        1 => (any::<Index>(), 0u16..512).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let span = |i: &Index, n: u16| {
        let at = i.index(bytes.len());
        at..(at + usize::from(n)).min(bytes.len())
    };
    match m {
        Mutation::FlipBit(i, bit) => {
            let at = i.index(bytes.len());
            bytes[at] ^= 1 << (bit % 8);
        }
        Mutation::SetByte(i, b) => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Mutation::HeaderByte(i, b) => {
            let at = usize::from(*i) % bytes.len();
            bytes[at] = *b;
        }
        Mutation::Truncate(i) => bytes.truncate(i.index(bytes.len())),
        Mutation::Fill(i, n, b) => span(i, *n).for_each(|at| bytes[at] = *b),
        Mutation::Duplicate(i, n) => {
            let range = span(i, *n);
            let chunk = bytes[range.clone()].to_vec();
            bytes.splice(range.start..range.start, chunk);
        }
        Mutation::Delete(i, n) => {
            bytes.drain(span(i, *n));
        }
    }
}

/// Copies the input (all of the Shapefile's files for one of them) into `dir`, mutates
/// the chosen file, and returns the pipeline file pointing at the copy.
fn mutated_pipeline(
    dir: &Path,
    file: &str,
    mutations: &[Mutation],
) -> std::io::Result<std::path::PathBuf> {
    let data = root().join("sample-data");
    let (stem, _) = file
        .rsplit_once('.')
        .expect("sample files have an extension");
    let copied: Vec<String> = if stem == "releases_utm42n" {
        SHAPEFILE.iter().map(|e| format!("{stem}.{e}")).collect()
    } else {
        vec![file.to_string()]
    };
    for name in &copied {
        std::fs::copy(data.join(name), dir.join(name))?;
    }
    let mut bytes = std::fs::read(dir.join(file))?;
    for m in mutations {
        apply(&mut bytes, m);
    }
    std::fs::write(dir.join(file), bytes)?;
    let main_file = if stem == "releases_utm42n" {
        "releases_utm42n.shp"
    } else {
        file
    };
    let text = sample_text().replace(
        &data.join(main_file).to_string_lossy().into_owned(),
        &dir.join(main_file).to_string_lossy(),
    );
    let path = dir.join("p.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Runs `minefree validate` on a mutated input; see the module docs for what must hold.
fn validate_mutated(
    (file, mutations): (&'static str, Vec<Mutation>),
) -> Result<&'static str, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let pipeline =
        mutated_pipeline(dir.path(), file, &mutations).map_err(|e| format!("copy: {e}"))?;
    let stderr_path = dir.path().join("stderr.txt");
    let stderr = std::fs::File::create(&stderr_path).map_err(|e| format!("stderr file: {e}"))?;
    let mut child = Command::new(bin())
        .arg("--quiet")
        .arg("validate")
        .arg(&pipeline)
        .arg("--output")
        .arg(dir.path().join("out"))
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("spawn: {e}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("wait: {e}"))? {
            break status;
        }
        if started.elapsed() > Duration::from_secs(CASE_LIMIT_S) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "HANG: validate still running after {CASE_LIMIT_S} s"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let said = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let tail: String = said
        .chars()
        .rev()
        .take(800)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match status.code() {
        _ if said.contains("panicked") => Err(format!("PANIC (exit {status}): {tail}")),
        None => Err(format!("killed by a signal ({status}): {tail}")),
        Some(0) => Ok("exit 0"),
        Some(3) => Ok("exit 3"),
        Some(1 | 2) if said.trim().is_empty() => {
            Err(format!("exit {status} with nothing on stderr"))
        }
        Some(1) => Ok("exit 1"),
        Some(2) => Ok("exit 2"),
        Some(code) => Err(format!("exit status {code}: {tail}")),
    }
}

#[test]
#[ignore = "fuzz campaign: run by `make fuzz`"]
fn fuzz_gdal_files() {
    campaign(
        "gdal_files",
        800,
        Duration::from_secs(CASE_LIMIT_S + 30),
        (
            prop::sample::select(FILES),
            prop::collection::vec(mutation(), 1..6),
        ),
        validate_mutated,
    );
}
