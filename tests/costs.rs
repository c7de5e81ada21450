//! R14 (the cost of the plan) on the sample: every `planned_cost`, `total_cost` and
//! `funding` row recomputed here from the SPEC's formulas and the run's own ledger and
//! plan CSVs (the method shares of each region's window years, the national shares for a
//! region that released nothing then), and a pipeline file with wrong `[costs]` refused
//! with every mistake named.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{csv_num, csv_rows};
use crate::operations::{minefree, sample_copy};

/// The sample's `[costs]` (pipelines/sample.toml).
const COST_PER_M2: [f64; 3] = [2.00, 0.40, 0.02];

/// Cost per m² of each place from `release_history.csv`: the method shares over the
/// ledger years 2024–2026 (D = 2026-06-30, window 730 days: D − window is in 2024).
fn cost_per_m2(out: &Path) -> BTreeMap<String, f64> {
    let mut land: BTreeMap<String, [f64; 3]> = BTreeMap::new();
    for r in csv_rows(&out.join("release_history.csv")) {
        let year: i32 = r["year"].parse().unwrap();
        if !(2024..=2026).contains(&year) {
            continue;
        }
        let e = land.entry(r["region_id"].clone()).or_default();
        for (k, col) in ["cleared_m2", "reduced_m2", "cancelled_m2"]
            .iter()
            .enumerate()
        {
            e[k] += csv_num(&r, col).unwrap();
        }
    }
    let cost = |l: &[f64; 3]| {
        let total: f64 = l.iter().sum();
        (total > 0.0).then(|| (0..3).map(|k| l[k] / total * COST_PER_M2[k]).sum::<f64>())
    };
    let national = cost(&land["_national"]).expect("the sample released land in the window");
    land.iter()
        .map(|(id, l)| (id.clone(), cost(l).unwrap_or(national)))
        .collect()
}

#[test]
fn planned_costs_totals_and_funding_follow_their_formulas_on_the_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    let per_m2 = cost_per_m2(&out);
    // the regions' mixes differ: a national average everywhere would not pass
    assert!(per_m2["TV-NO"] != per_m2["_national"]);
    // TV-WE released nothing in R10's window (from 2024-06-30), but its ledger year 2024
    // holds RL-0010 (completed 2024-06-30): whole years, so it has its own mix (cleared,
    // to the ledger's measurement noise)
    assert!(
        (per_m2["TV-WE"] - COST_PER_M2[0]).abs() < 1e-3,
        "{}",
        per_m2["TV-WE"]
    );
    let plan = csv_rows(&out.join("work_plan.csv"));
    let mut national: BTreeMap<(String, i32), f64> = BTreeMap::new();
    let mut totals: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in plan.iter().filter(|r| r["region_id"] != "_national") {
        // the CSVs' areas are written to 0.01 m²: the release to 0.005 m² × the dearest
        // rate, and the shares (sums of ~1e5 m²) to ~1e-7 relative
        let want = csv_num(r, "planned_release_m2").unwrap() * per_m2[&r["region_id"]];
        let got = csv_num(r, "planned_cost").unwrap();
        assert!(
            (got - want).abs() <= 0.005 * 2.0 + 1e-7 * want,
            "{r:?}: {got} vs {want}"
        );
        *national
            .entry((r["scenario"].clone(), r["year"].parse().unwrap()))
            .or_default() += got;
        *totals
            .entry((r["scenario"].clone(), r["region_id"].clone()))
            .or_default() += got;
    }
    for r in plan.iter().filter(|r| r["region_id"] == "_national") {
        let key = (r["scenario"].clone(), r["year"].parse().unwrap());
        let got = csv_num(r, "planned_cost").unwrap();
        assert!(
            (got - national[&key]).abs() <= 1e-6 * got.max(1.0),
            "{key:?}"
        );
    }
    for r in csv_rows(&out.join("scenarios.csv")) {
        let rate = csv_num(&r, "rate_m2_per_year").unwrap();
        let got = csv_num(&r, "total_cost");
        if rate == 0.0 {
            assert_eq!(got, None, "{r:?}: NULL when the rate is 0");
            continue;
        }
        let want = if r["region_id"] == "_national" {
            totals
                .iter()
                .filter(|((s, _), _)| *s == r["scenario"])
                .map(|(_, v)| v)
                .sum::<f64>()
        } else {
            totals[&(r["scenario"].clone(), r["region_id"].clone())]
        };
        let got = got.unwrap();
        assert!(
            (got - want).abs() <= 1e-6 * want.max(1.0),
            "{r:?}: {got} vs {want}"
        );
    }
    // funding: the pledges of sample.toml, every plan year, gap = planned − funding
    let pledged = BTreeMap::from([(2026, 600_000.0), (2027, 1_200_000.0)]);
    let funding = csv_rows(&out.join("funding.csv"));
    assert!(!funding.is_empty());
    for r in &funding {
        let key = (r["scenario"].clone(), r["year"].parse::<i32>().unwrap());
        let planned = national.get(&key).copied().unwrap_or(0.0);
        let secured = pledged.get(&key.1).copied().unwrap_or(0.0);
        assert!((csv_num(r, "planned_cost").unwrap() - planned).abs() <= 1e-6 * planned.max(1.0));
        assert_eq!(csv_num(r, "funding"), Some(secured), "{key:?}");
        let gap = csv_num(r, "gap").unwrap();
        assert!(
            (gap - (planned - secured)).abs() <= 1e-6 * planned.max(1.0),
            "{key:?}"
        );
    }
    let plan_years = national.keys().count();
    assert_eq!(
        funding.len(),
        plan_years,
        "one row per scenario and plan year"
    );
}

#[test]
fn wrong_costs_are_refused_with_every_mistake_named() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| {
        let t = t.replace("cleared_per_m2 = 2.00", "cleared_per_m2 = -2");
        let t = t.replace("\"2027\" = 1200000", "\"2O27\" = 1200000\n\"2028\" = -5");
        format!("{t}\n[costs.mix]\ncleared = 0.5\nreduced = 0.3\ncancelled = 0.1\n")
    });
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for key in [
        "costs.cleared_per_m2:",
        "costs.funding.2O27:",
        "costs.funding.2028:",
        "costs.mix: the shares of cleared, reduced and cancelled sum to 0.9",
    ] {
        assert!(stderr.contains(key), "no `{key}` in:\n{stderr}");
    }
    // a missing currency and an unknown key in [costs]
    let p = sample_copy(tmp.path(), |t| {
        t.replace("currency = \"USD\"", "curency = \"USD\"")
    });
    let o = minefree(&["run"], &p, &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("costs.currency: missing"), "{stderr}");
    assert!(stderr.contains("costs.curency: unknown key"), "{stderr}");
}

/// `1234567.8` as the page writes money: whole, with thousands separators.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.round());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_report_shows_each_scenarios_cost_and_each_years_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let p = sample_copy(tmp.path(), |t| t);
    let out = tmp.path().join("out");
    assert_eq!(minefree(&["run"], &p, &out).status.code(), Some(0));
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("<h2>Work plan and cost</h2>"));
    for r in csv_rows(&out.join("scenarios.csv")) {
        if r["region_id"] == "_national" {
            if let Some(cost) = csv_num(&r, "total_cost") {
                let shown = format!("{} USD", thousands(cost));
                assert!(page.contains(&shown), "{} costs {shown}", r["scenario"]);
            }
        }
    }
    for r in csv_rows(&out.join("funding.csv")) {
        let shown = format!("{} USD", thousands(csv_num(&r, "gap").unwrap()));
        assert!(page.contains(&shown), "{r:?}");
    }
    // and the targets, each with its achievement to one decimal
    assert!(page.contains("<h2>Targets against achievements</h2>"));
    for r in csv_rows(&out.join("targets.csv")) {
        if let Some(p) = csv_num(&r, "pct_achieved") {
            assert!(page.contains(&format!("{p:.1} %")), "{r:?}");
        }
    }
}
