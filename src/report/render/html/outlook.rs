//! The report's land ledger (R11) and outlook (R12) sections: what an Article 5
//! extension request needs.
//!
//! `ledger`: land released per year by method (stacked bars) with the land added that
//! year drawn apart (outlined bar beside it), from the national ledger (every point of
//! land counted once a year, never a sum of release records), and the ledger tables.
//! `outlook`: the rate each deadline needs against today's rate, each scenario's
//! completion, and a burn-down chart nationally and per region (`charts::burndown`).
//! Every figure is the analysis' (`Summary`); here it is formatted and placed.

use super::charts::{self, Line, CHART_W};
use super::format::{m2, opt, times};
use super::page::{
    classed, legend, num, svg, text, Cell, HtmlTable, Ledger, Need, OutlookSection, RegionTable,
};
use super::ReportContext;
use crate::analysis::ledger::LedgerRow;
use crate::analysis::plan::ScenarioRow;
use crate::analysis::RegionKey;
use crate::analysis::{RegionRow, Summary};
use crate::report::render::palette::{
    Rgb, CANCELLED_RGB, CLEARED_RGB, DEADLINE_RGB, PAST_RGB, REDUCED_RGB, SCENARIO_RGB,
};

/// The ledger section: national bars and table, per-region tables; `None` when no
/// hazard land was recorded.
pub fn ledger(summary: &Summary) -> Option<Ledger> {
    let rows = &summary.national.ledger;
    if rows.is_empty() {
        return None;
    }
    let regions = summary
        .regions
        .iter()
        .map(|r| RegionTable {
            region_id: r.region_id.to_string(),
            name: r.name.clone(),
            table: ledger_table(&r.ledger),
        })
        .collect();
    Some(Ledger {
        svg: svg(charts::ledger_bars(rows)),
        legend: legend(&[
            (CLEARED_RGB, "released: cleared"),
            (REDUCED_RGB, "released: reduced"),
            (CANCELLED_RGB, "released: cancelled"),
            ((255, 255, 255), "added (newly recorded land, outlined)"),
        ]),
        table: ledger_table(rows),
        regions,
    })
}

fn ledger_table(rows: &[LedgerRow]) -> HtmlTable {
    let body = rows
        .iter()
        .map(|r| {
            vec![
                text(&r.year.to_string()),
                num(m2(r.remaining_start_m2)),
                num(m2(r.added_m2)),
                num(m2(r.released_m2)),
                num(m2(r.cleared_m2)),
                num(m2(r.reduced_m2)),
                num(m2(r.cancelled_m2)),
                num(m2(r.remaining_end_m2)),
            ]
        })
        .collect();
    let headers = [
        "Year",
        "Remaining at start#",
        "Added#",
        "Released#",
        "Cleared#",
        "Reduced#",
        "Cancelled#",
        "Remaining at end#",
    ];
    HtmlTable::new(&headers, body)
}

/// The scenario rows of one place (`region_id`), in scenario order.
fn scenarios_of<'a>(summary: &'a Summary, region_id: &RegionKey) -> Vec<&'a ScenarioRow> {
    summary
        .scenarios
        .iter()
        .filter(|s| &s.region_id == region_id)
        .collect()
}

/// The scenario names in order.
pub(super) fn scenario_names(summary: &Summary) -> Vec<&str> {
    let mut names: Vec<&str> = summary
        .scenarios
        .iter()
        .map(|s| s.scenario.as_str())
        .collect();
    names.dedup();
    names
}

pub(super) fn scenario_colour(names: &[&str], name: &str) -> Rgb {
    let k = names.iter().position(|n| *n == name).unwrap_or(0);
    SCENARIO_RGB[k % SCENARIO_RGB.len()]
}

/// The outlook section: the lead sentence, the required-rate table, the burn-down
/// charts.
pub fn outlook(ctx: &ReportContext) -> OutlookSection {
    let summary = ctx.summary;
    let n = &summary.national;
    let need = match (n.progress.deadline, n.required_rate_m2_per_year) {
        (Some(deadline), Some(required)) => Some(Need {
            remaining: m2(n.figures.remaining_m2),
            deadline: deadline.to_string(),
            required: m2(required),
            factor: n.capacity_factor_needed.map(|f| format!("{f:.2}×")),
            rate: m2(n.progress.rate_m2_per_year),
        }),
        _ => None,
    };
    let past_deadline = match (n.progress.deadline, need.is_some()) {
        (Some(deadline), false) => Some(deadline.to_string()),
        _ => None,
    };
    let names = scenario_names(summary);
    let chart = |(id, title): (&str, &str), place: &RegionRow, size| {
        let lines: Vec<Line> = scenarios_of(summary, &place.region_id)
            .into_iter()
            .map(|scenario| Line {
                scenario,
                colour: scenario_colour(&names, &scenario.scenario),
            })
            .collect();
        svg(charts::burndown(
            (id, title),
            place,
            &lines,
            ctx.pipeline.as_of,
            size,
        ))
    };
    let region_svgs = summary
        .regions
        .iter()
        .map(|r| {
            let (id, title) = (
                format!("burndown-{}", r.region_id),
                format!("{} — {}", r.region_id, r.name),
            );
            chart((&id, &title), r, (CHART_W / 2.0 - 8.0, 200.0))
        })
        .collect();
    let mut items: Vec<(Rgb, String)> = names
        .iter()
        .map(|name| (scenario_colour(&names, name), format!("scenario {name}")))
        .collect();
    items.push((PAST_RGB, "remaining at each year end".to_string()));
    items.push((DEADLINE_RGB, "deadline".to_string()));
    OutlookSection {
        need,
        past_deadline,
        table: rate_table(summary, &names),
        national_svg: chart(("burndown-national", "National"), n, (CHART_W, 300.0)),
        legend: legend(&items),
        region_svgs,
    }
}

/// A scenario's completion in a place: the date and whether it meets the deadline.
fn completion(sc: Option<&ScenarioRow>) -> Cell {
    let Some(sc) = sc else {
        return text("–");
    };
    let (label, class) = match sc.forecast.on_track {
        Some(true) => ("on track", "ok"),
        Some(false) => ("late", "late"),
        None => ("", "none"),
    };
    let when = match sc.forecast.projected_completion {
        Some(d) => format!("{d} {label}").trim().to_string(),
        None => "never at this rate".to_string(),
    };
    classed(&when, class)
}

fn rate_table(summary: &Summary, names: &[&str]) -> HtmlTable {
    let mut headers: Vec<String> = [
        "Region",
        "Remaining#",
        "Deadline",
        "Rate today per year#",
        "Required per year#",
        "Capacity needed#",
    ]
    .map(String::from)
    .to_vec();
    headers.extend(names.iter().map(|n| format!("{n}: completion")));
    let places = summary
        .regions
        .iter()
        .chain(std::iter::once(&summary.national));
    let rows = places
        .map(|r| {
            let id = &r.region_id;
            let mut row = vec![
                text(match id {
                    RegionKey::National => "National",
                    _ => id.as_str(),
                }),
                num(m2(r.figures.remaining_m2)),
                text(&opt(r.progress.deadline)),
                num(m2(r.progress.rate_m2_per_year)),
                num(opt(r.required_rate_m2_per_year.map(m2))),
                num(times(r.capacity_factor_needed)),
            ];
            let scenarios = scenarios_of(summary, id);
            for name in names {
                row.push(completion(
                    scenarios.iter().copied().find(|s| s.scenario == *name),
                ));
            }
            row
        })
        .collect();
    HtmlTable::new(&headers, rows)
}
