//! R14: the cost of the plan. Each work-plan row's `planned_cost` is its planned release
//! times the place's cost per m², `Σ share × cost per m²` over the three methods; the
//! shares are the place's R11 cleared/reduced/cancelled land over the ledger years of
//! R10's window (whole years, from the year of D − window to the year of D), else the
//! national shares when the place released nothing then, else `[costs.mix]` for every
//! place when given. A scenario's `total_cost` sums its plan; the `funding` table sets
//! each year's national planned cost against the money secured.
//!
//! Applied to a finished [`Summary`] (R12's rows exist), with no geometry.

use chrono::{Datelike, NaiveDate};

use super::ledger::LedgerRow;
use super::{RegionKey, Summary};
use crate::config::{Costs, MethodAmounts};

/// One row of `funding` (R14): a scenario's national planned cost in a year against the
/// money secured for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FundingRow {
    /// Scenario name.
    pub scenario: String,
    /// Calendar year.
    pub year: i32,
    /// The national work plan's cost that year (0 after the plan ends; `None` when no
    /// cost per m² could be set: no release in the window anywhere and no `[costs.mix]`).
    pub planned_cost: Option<f64>,
    /// Money secured that year (0 when `[costs.funding]` names no amount for it).
    pub funding: f64,
    /// `planned_cost − funding` (negative: a surplus).
    pub gap: Option<f64>,
}

/// The method shares of a ledger over the years `from..=to`; `None` when it released
/// nothing then.
fn shares(ledger: &[LedgerRow], (from, to): (i32, i32)) -> Option<MethodAmounts> {
    let mut land = MethodAmounts::default();
    for row in ledger.iter().filter(|r| (from..=to).contains(&r.year)) {
        land.cleared += row.cleared_m2;
        land.reduced += row.reduced_m2;
        land.cancelled += row.cancelled_m2;
    }
    let total = land.sum();
    (total > 0.0).then(|| MethodAmounts {
        cleared: land.cleared / total,
        reduced: land.reduced / total,
        cancelled: land.cancelled / total,
    })
}

/// The cost per m² of each place of `summary` (regions and `_outside`), by its key.
fn cost_per_m2(
    summary: &Summary,
    costs: &Costs,
    years: (i32, i32),
) -> Vec<(RegionKey, Option<f64>)> {
    let national = shares(&summary.national.ledger, years);
    summary
        .regions
        .iter()
        .map(|r| {
            let mix = costs.mix.or_else(|| shares(&r.ledger, years)).or(national);
            (r.region_id.clone(), mix.map(|m| m.dot(&costs.per_m2)))
        })
        .collect()
}

/// The window's whole ledger years: from the year of D − `window_days` to the year of D.
pub fn window_years(as_of: NaiveDate, window_days: u32) -> (i32, i32) {
    let start = as_of - chrono::Duration::days(i64::from(window_days));
    (start.year(), as_of.year())
}

/// Sets `planned_cost` on every work-plan row and `total_cost` on every scenario row of
/// `summary`, and returns the `funding` rows (empty without `[costs.funding]`).
pub fn apply(summary: &mut Summary, costs: &Costs, years: (i32, i32)) -> Vec<FundingRow> {
    let per_m2 = cost_per_m2(summary, costs, years);
    let of = |key: &RegionKey| per_m2.iter().find(|(k, _)| k == key).and_then(|(_, c)| *c);
    for row in summary
        .work_plan
        .iter_mut()
        .filter(|r| r.region_id != RegionKey::National)
    {
        row.planned_cost = of(&row.region_id).map(|c| row.planned_release_m2 * c);
    }
    let national: Vec<(String, i32, Option<f64>)> = summary
        .work_plan
        .iter()
        .filter(|r| r.region_id == RegionKey::National)
        .map(|n| {
            let places = summary.work_plan.iter().filter(|r| {
                r.region_id != RegionKey::National && r.scenario == n.scenario && r.year == n.year
            });
            let cost: Option<f64> = places.map(|r| r.planned_cost).sum();
            (n.scenario.clone(), n.year, cost)
        })
        .collect();
    for (row, (_, _, cost)) in summary
        .work_plan
        .iter_mut()
        .filter(|r| r.region_id == RegionKey::National)
        .zip(&national)
    {
        row.planned_cost = *cost;
    }
    for s in &mut summary.scenarios {
        let rows = summary
            .work_plan
            .iter()
            .filter(|r| r.scenario == s.scenario && r.region_id == s.region_id);
        let total: Option<f64> = rows.map(|r| r.planned_cost).sum();
        s.total_cost = total.filter(|_| s.rate_m2_per_year > 0.0);
    }
    costs
        .funding
        .as_ref()
        .map(|funding| funding_rows(summary, &national, funding))
        .unwrap_or_default()
}

/// Per scenario, every year of its national plan or of `[costs.funding]`.
fn funding_rows(
    summary: &Summary,
    national: &[(String, i32, Option<f64>)],
    funding: &std::collections::BTreeMap<i32, f64>,
) -> Vec<FundingRow> {
    let mut names: Vec<&str> = summary
        .scenarios
        .iter()
        .map(|s| s.scenario.as_str())
        .collect();
    names.dedup();
    let mut rows = Vec::new();
    for name in names {
        let mut years: Vec<i32> = national
            .iter()
            .filter(|(s, _, _)| s == name)
            .map(|(_, y, _)| *y)
            .chain(funding.keys().copied())
            .collect();
        years.sort_unstable();
        years.dedup();
        for year in years {
            let planned_cost = national
                .iter()
                .find(|(s, y, _)| s == name && *y == year)
                .map_or(Some(0.0), |(_, _, c)| *c);
            let secured = funding.get(&year).copied().unwrap_or(0.0);
            rows.push(FundingRow {
                scenario: name.to_string(),
                year,
                planned_cost,
                funding: secured,
                gap: planned_cost.map(|c| c - secured),
            });
        }
    }
    rows
}
