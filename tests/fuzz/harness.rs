//! The campaign's harness: a fixed seed, a budget per target, each case run on its own
//! thread under a panic catcher and a wall-clock limit, and the closing tally.

use std::fmt::Debug;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// The campaign's seed: the same cases on every machine and every run.
const SEED: u64 = 20_261_206;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `minefree` binary built for this test run.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_minefree"))
}

/// The sample pipeline's text with its `../sample-data` paths made absolute.
pub fn sample_text() -> String {
    let text = std::fs::read_to_string(root().join("pipelines/sample.toml"))
        .expect("pipelines/sample.toml is in the repository");
    text.replace(
        "../sample-data",
        &root().join("sample-data").to_string_lossy(),
    )
}

/// `MINEFREE_FUZZ_CASES` when set, else the target's default.
fn cases(default: u32) -> u32 {
    std::env::var("MINEFREE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A seeded generator: `salt` tells the targets apart.
fn runner(salt: u64) -> TestRunner {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&SEED.to_le_bytes());
    seed[8..16].copy_from_slice(&salt.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    )
}

/// The panic message of a payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// A case's input for the report, shortened.
fn shorten(text: String) -> String {
    if text.chars().count() <= 1500 {
        text
    } else {
        text.chars().take(1500).collect::<String>() + "…"
    }
}

/// Runs `default_cases` cases (or `MINEFREE_FUZZ_CASES`) of `check` on values of
/// `strategy`, each within `limit`; `check` says how a case ended (`Ok(outcome)`, tallied)
/// or what is wrong. Panics at the end listing every failure (a panic, a hang, or `Err`
/// from `check`), after printing the tally.
pub fn campaign<T, S>(
    name: &str,
    default_cases: u32,
    limit: Duration,
    strategy: S,
    check: fn(T) -> Result<&'static str, String>,
) where
    T: Debug + Send + 'static,
    S: Strategy<Value = T>,
{
    let n = cases(default_cases);
    let salt = name
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31) ^ u64::from(b));
    let mut runner = runner(salt);
    let started = Instant::now();
    let mut failures: Vec<String> = Vec::new();
    let mut run = 0u32;
    let mut outcomes: std::collections::BTreeMap<&str, u32> = Default::default();
    minefree::ingest::install_gdal_error_handler();
    for case in 0..n {
        let value = strategy
            .new_tree(&mut runner)
            .expect("the strategies never reject")
            .current();
        let input = shorten(format!("{value:?}"));
        let (tx, rx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name(format!("{name}-{case}"))
            .spawn(move || {
                let _ = tx.send(check(value));
            })
            .expect("a thread starts");
        run += 1;
        match rx.recv_timeout(limit) {
            Ok(Ok(outcome)) => *outcomes.entry(outcome).or_default() += 1,
            Ok(Err(why)) => failures.push(format!("case {case}: {why}\n    input: {input}")),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                failures.push(format!(
                    "case {case}: HANG (no answer within {limit:?})\n    input: {input}"
                ));
                break; // the thread cannot be stopped; later timings would be wrong
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let why = handle.join().err().map_or_else(
                    || "the case ended without an answer".to_string(),
                    |p| panic_message(p.as_ref()),
                );
                failures.push(format!("case {case}: PANIC {why}\n    input: {input}"));
            }
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "fuzz {name}: {run} case(s) in {seconds:.1} s, {} failure(s); outcomes {outcomes:?}",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "fuzz {name}: {} failure(s) in {run} case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
