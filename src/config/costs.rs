//! `[costs]`, `[costs.mix]` and `[costs.funding]` (R14): checked like every other key,
//! every mistake reported with its key.
//!
//! ```toml
//! [costs]
//! currency = "USD"
//! cleared_per_m2 = 1.60       # ≥ 0, at most MAX_AMOUNT
//! reduced_per_m2 = 0.50
//! cancelled_per_m2 = 0.05
//! [costs.mix]                 # optional: one method mix for every region, summing to 1
//! cleared = 0.2
//! reduced = 0.3
//! cancelled = 0.5
//! [costs.funding]             # optional: money secured per calendar year
//! "2027" = 4_000_000
//! ```

use std::collections::BTreeMap;

use toml::Table;

use super::raw::Section;
use super::{Costs, MethodAmounts, Problem, DATE_YEARS};

/// The largest cost per m² or yearly amount: far above any real programme, and small
/// enough that a plan's sums (at most the earth's area × this) stay finite.
const MAX_AMOUNT: f64 = 1e12;

/// How far the shares of `[costs.mix]` may sum from 1 (rounding in a hand-written file).
const MIX_TOLERANCE: f64 = 1e-6;

/// The checked `[costs]` table, or `None` when it has mistakes (each in `problems`).
pub(super) fn check_costs(table: &Table, problems: &mut Vec<Problem>) -> Option<Costs> {
    let before = problems.len();
    let mut s = Section::new(table, "costs");
    let currency = s.string("currency", problems);
    match &currency {
        None if !table.contains_key("currency") => problems.push(problem(
            "costs.currency",
            "missing: name the currency (\"USD\", \"EUR\"…)",
        )),
        Some(c) if c.trim().is_empty() => problems.push(problem("costs.currency", "empty")),
        _ => {}
    }
    let mut amount = |key: &str, s: &mut Section| -> f64 {
        match s.number(key, problems) {
            Some(x) if (0.0..=MAX_AMOUNT).contains(&x) => x,
            Some(x) => {
                problems.push(problem(
                    &s.key(key),
                    format!("{x} must be a cost per m² from 0 to {MAX_AMOUNT}"),
                ));
                0.0
            }
            None => {
                if !table.contains_key(key) {
                    problems.push(problem(&s.key(key), "missing: a cost per m² (0 or more)"));
                }
                0.0
            }
        }
    };
    let per_m2 = MethodAmounts {
        cleared: amount("cleared_per_m2", &mut s),
        reduced: amount("reduced_per_m2", &mut s),
        cancelled: amount("cancelled_per_m2", &mut s),
    };
    let mix = s.table("mix", problems).map(|t| check_mix(t, problems));
    let funding = s
        .table("funding", problems)
        .map(|t| check_funding(t, problems));
    s.finish(problems);
    (problems.len() == before).then(|| Costs {
        currency: currency.unwrap_or_default().trim().to_string(),
        per_m2,
        mix,
        funding,
    })
}

fn problem(key: &str, message: impl Into<String>) -> Problem {
    Problem {
        key: key.to_string(),
        message: message.into(),
    }
}

/// `[costs.mix]`: three shares from 0 to 1 (a missing one is 0) summing to 1.
fn check_mix(table: &Table, problems: &mut Vec<Problem>) -> MethodAmounts {
    let mut s = Section::new(table, "costs.mix");
    let mut share = |key: &str, s: &mut Section| match s.number(key, problems) {
        Some(x) if (0.0..=1.0).contains(&x) => x,
        Some(x) => {
            problems.push(problem(
                &s.key(key),
                format!("{x} must be a share from 0 to 1"),
            ));
            0.0
        }
        None => 0.0,
    };
    let mix = MethodAmounts {
        cleared: share("cleared", &mut s),
        reduced: share("reduced", &mut s),
        cancelled: share("cancelled", &mut s),
    };
    s.finish(problems);
    let sum = mix.sum();
    if (sum - 1.0).abs() > MIX_TOLERANCE {
        problems.push(problem(
            "costs.mix",
            format!("the shares of cleared, reduced and cancelled sum to {sum}, not 1"),
        ));
    }
    mix
}

/// `[costs.funding]`: `"YYYY" = amount` (a year within [`DATE_YEARS`], an amount ≥ 0).
fn check_funding(table: &Table, problems: &mut Vec<Problem>) -> BTreeMap<i32, f64> {
    let mut s = Section::new(table, "costs.funding");
    let mut funding = BTreeMap::new();
    for key in table.keys() {
        let year = key
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| key.trim().len() == 4 && DATE_YEARS.contains(y));
        let amount = s.number(key, problems);
        let Some(year) = year else {
            problems.push(problem(
                &s.key(key),
                format!(
                    "'{key}' is not a year {}–{} (write \"2027\" = amount)",
                    DATE_YEARS.start(),
                    DATE_YEARS.end()
                ),
            ));
            continue;
        };
        match amount {
            Some(x) if (0.0..=MAX_AMOUNT * 1e3).contains(&x) => {
                funding.insert(year, x);
            }
            Some(x) => problems.push(problem(
                &s.key(key),
                format!("{x} must be an amount of money, 0 or more"),
            )),
            None => {}
        }
    }
    s.finish(problems);
    funding
}
