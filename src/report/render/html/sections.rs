//! The page's tables and figure cards, prepared from the analysis results: national
//! totals, regions, progress, organisations, targets, costs, priorities, changes and QA. Every figure comes from
//! `analysis` (the QA counts from `analysis::figures`); here it is only formatted.

use crate::report::changes::ChangeCounts;

use super::charts;
use super::format::{km2, m2, opt, pct, thousands};
use super::page::{
    classed, num, text, Card, Cell, Change, Charted, HtmlTable, Priorities, ProgressSection, Qa,
    Totals, WeightTexts,
};
use super::ReportContext;
use crate::analysis::figures::qa_counts;
use crate::analysis::organisations::OrganisationRow;
use crate::analysis::{HazardRow, RegionRow, Summary};
use crate::model::{Finding, Severity};
use crate::report::render::palette::{FUNDING_RGB, ORGANISATION_RGB};

/// Rows in the priority table.
pub const TOP_PRIORITIES: usize = 20;

/// The words and class of a place's "on track" state.
fn track(on_track: Option<bool>) -> (&'static str, &'static str) {
    match on_track {
        Some(true) => ("on track", "ok"),
        Some(false) => ("behind", "late"),
        None => ("no deadline", "none"),
    }
}

/// National cards and the sentence on the rate.
pub fn totals(ctx: &ReportContext) -> Totals {
    let n = &ctx.summary.national;
    let (f, p) = (&n.figures, &n.progress);
    let cards = vec![
        Card::new(km2(f.original_m2), "hazard land recorded"),
        Card::new(km2(f.remaining_m2), "remaining"),
        Card::new(km2(f.remaining_cha_m2), "remaining CHA (confirmed)"),
        Card::new(km2(f.remaining_sha_m2), "remaining SHA (suspected)"),
        Card::new(pct(f.pct_released()), "released"),
        Card::new(km2(f.cleared_m2), "cleared"),
        Card::new(km2(f.reduced_m2), "reduced"),
        Card::new(km2(f.cancelled_m2), "cancelled"),
        Card::new(thousands(n.hazards as f64), "hazards with land remaining"),
        Card::new(
            thousands(n.population_near_hazards as f64),
            "people in settlements near them",
        ),
    ];
    Totals {
        cards,
        window_days: ctx.pipeline.parameters.window_days,
        window: km2(p.released_window_m2),
        rate: km2(p.rate_m2_per_year),
        projected: opt(p.forecast.projected_completion),
        deadline: opt(p.deadline),
        status: track(p.forecast.on_track).0,
    }
}

/// Regions by remaining land, most first (ties by region_id), so the work is on top.
pub fn regions_by_remaining(summary: &Summary) -> Vec<&RegionRow> {
    let mut rows: Vec<&RegionRow> = summary.regions.iter().collect();
    rows.sort_by(|a, b| {
        b.figures
            .remaining_m2
            .total_cmp(&a.figures.remaining_m2)
            .then_with(|| a.region_id.cmp(&b.region_id))
    });
    rows
}

/// The table under the region bars.
pub fn regions_table(rows: &[&RegionRow]) -> HtmlTable {
    let body = rows
        .iter()
        .map(|r| {
            let f = &r.figures;
            vec![
                text(r.region_id.as_str()),
                text(&r.name),
                num(thousands(r.hazards as f64)),
                num(thousands(r.hazards_cha as f64)),
                num(thousands(r.hazards_sha as f64)),
                num(m2(f.original_m2)),
                num(m2(f.remaining_cha_m2)),
                num(m2(f.remaining_sha_m2)),
                num(m2(f.cleared_m2)),
                num(m2(f.reduced_m2)),
                num(m2(f.cancelled_m2)),
                num(pct(f.pct_released())),
            ]
        })
        .collect();
    let headers = [
        "Region",
        "Name",
        "Hazards#",
        "CHA#",
        "SHA#",
        "Original#",
        "Remaining CHA#",
        "Remaining SHA#",
        "Cleared#",
        "Reduced#",
        "Cancelled#",
        "Released#",
    ];
    HtmlTable::new(&headers, body)
}

/// Projected completion of every region, then the nation.
pub fn progress(ctx: &ReportContext) -> ProgressSection {
    let places = ctx.summary.regions.iter();
    let rows = places
        .chain(std::iter::once(&ctx.summary.national))
        .map(|r| {
            let p = &r.progress;
            let (status, class) = track(p.forecast.on_track);
            let years = p.forecast.years_to_complete.map(|y| format!("{y:.1}"));
            vec![
                text(r.region_id.as_str()),
                text(&r.name),
                num(m2(r.figures.remaining_m2)),
                num(m2(p.released_window_m2)),
                num(m2(p.rate_m2_per_year)),
                num(opt(years)),
                text(&opt(p.forecast.projected_completion)),
                text(&opt(p.deadline)),
                classed(status, class),
            ]
        })
        .collect();
    let headers = [
        "Region",
        "Name",
        "Remaining#",
        "Released in window#",
        "Rate per year#",
        "Years to complete#",
        "Projected completion",
        "Deadline",
        "Status",
    ];
    ProgressSection {
        window_days: ctx.pipeline.parameters.window_days,
        table: HtmlTable::new(&headers, rows),
    }
}

/// Hazards with a rank, by rank.
pub fn ranked(summary: &Summary) -> Vec<(u64, &HazardRow)> {
    let mut out: Vec<(u64, &HazardRow)> = summary
        .hazards
        .iter()
        .filter_map(|h| h.priority.as_ref().map(|p| (p.rank, h)))
        .collect();
    out.sort_by_key(|(rank, h)| (*rank, h.index));
    out
}

/// One row of the priority table.
fn priority_row(ctx: &ReportContext, rank: u64, h: &HazardRow) -> Option<Vec<Cell>> {
    let p = h.priority.as_ref()?;
    let hz = &ctx.inputs.hazards[h.index];
    let nearest = p.nearest.map(|i| ctx.inputs.settlements[i].name.as_str());
    let factor = |x: f64| num(format!("{x:.3}"));
    Some(vec![
        num(rank.to_string()),
        text(&hz.hazard_id),
        text(hz.status.as_str()),
        text(hz.hazard_type.map_or("–", |t| t.as_str())),
        text(h.region_id.as_str()),
        num(m2(h.account.remaining_m2)),
        text(nearest.unwrap_or("–")),
        num(opt(p.distance_m.map(thousands))),
        num(thousands(p.settlements_within as f64)),
        num(thousands(p.population_within as f64)),
        num(p.accidents_within.to_string()),
        factor(p.f_proximity),
        factor(p.f_people),
        factor(p.f_accidents),
        factor(p.f_status),
        factor(p.f_type),
        num(format!("{:.2}", p.score)),
    ])
}

/// The top priorities with every factor.
pub fn priorities(ctx: &ReportContext) -> Priorities {
    let rows: Vec<Vec<Cell>> = ranked(ctx.summary)
        .into_iter()
        .take(TOP_PRIORITIES)
        .filter_map(|(rank, h)| priority_row(ctx, rank, h))
        .collect();
    let headers = [
        "Rank#",
        "Hazard",
        "Status",
        "Type",
        "Region",
        "Remaining#",
        "Nearest settlement",
        "Distance (m)#",
        "Settle\u{ad}ments within#",
        "Popu\u{ad}lation within#",
        "Acci\u{ad}dents within#",
        "f_proximity#",
        "f_people#",
        "f_accidents#",
        "f_status#",
        "f_type#",
        "Score#",
    ];
    let params = &ctx.pipeline.parameters;
    let w = &params.weights;
    Priorities {
        top: TOP_PRIORITIES,
        weights: WeightTexts {
            proximity: w.proximity.to_string(),
            people: w.people.to_string(),
            accidents: w.accidents.to_string(),
            status: w.status.to_string(),
            hazard_type: w.hazard_type.to_string(),
        },
        radius_m: params.radius_m.to_string(),
        table: (!rows.is_empty()).then(|| HtmlTable::new(&headers, rows)),
    }
}

/// The counts of changes since the last run, in words
/// ([`crate::report::changes::ChangeKey::words`]).
pub fn changes(changes: &ChangeCounts) -> Vec<Change> {
    changes
        .iter()
        .map(|(key, n)| Change {
            what: key.words(),
            n: *n,
        })
        .collect()
}

/// QA finding counts by severity (cards) and by check (table).
pub fn qa(findings: &[Finding]) -> Qa {
    let counts = qa_counts(findings);
    let cards = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|sev| Card {
            value: counts.of(sev).to_string(),
            label: sev.as_str().to_string(),
            class: sev.as_str(),
        })
        .collect();
    let rows: Vec<Vec<Cell>> = counts
        .by_check
        .iter()
        .map(|((sev, check, layer), n)| {
            vec![
                classed(sev.0.as_str(), sev.0.as_str()),
                text(check.as_str()),
                text(layer),
                num(n.to_string()),
            ]
        })
        .collect();
    let headers = ["Severity", "Check", "Layer", "Findings#"];
    Qa {
        cards,
        table: (!rows.is_empty()).then(|| HtmlTable::new(&headers, rows)),
    }
}

/// The organisations section (R13): the national land released per year stacked by
/// organisation, and the national rows as a table (year, organisation); `None` when no
/// land was released.
pub fn organisations(ctx: &ReportContext) -> Option<Charted> {
    let rows: Vec<&OrganisationRow> = ctx
        .summary
        .organisations
        .iter()
        .filter(|r| r.region_id == crate::analysis::RegionKey::National)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = rows.iter().map(|r| r.organisation.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let colour = |name: &str| {
        let k = names.binary_search(&name).unwrap_or(0);
        ORGANISATION_RGB[k % ORGANISATION_RGB.len()]
    };
    let body = rows
        .iter()
        .map(|r| {
            vec![
                num(r.year.to_string()),
                text(&r.organisation),
                num(m2(r.released_m2)),
                num(m2(r.cleared_m2)),
                num(m2(r.reduced_m2)),
                num(m2(r.cancelled_m2)),
                num(r.releases.to_string()),
                num(opt(r.task_days)),
                num(opt(r.m2_per_task_day.map(|x| thousands(x.round())))),
            ]
        })
        .collect();
    let headers = [
        "Year#",
        "Organisation",
        "Released#",
        "Cleared#",
        "Reduced#",
        "Cancelled#",
        "Releases#",
        "Task days#",
        "m² per task day#",
    ];
    let legend: Vec<(_, &str)> = names.iter().map(|n| (colour(n), *n)).collect();
    Some(Charted {
        svg: super::page::svg(charts::organisation_bars(&rows, colour)),
        legend: super::page::legend(&legend),
        table: HtmlTable::new(&headers, body),
    })
}

/// The targets section (R15): each target against the land released that year; `None`
/// without a targets input.
pub fn targets(ctx: &ReportContext) -> Option<HtmlTable> {
    let rows = &ctx.summary.targets;
    ctx.pipeline.input(crate::config::LayerKind::Targets)?;
    let body = rows
        .iter()
        .map(|t| {
            vec![
                text(t.place.as_str()),
                num(t.year.to_string()),
                num(m2(t.target_m2)),
                num(opt(t.released_m2.map(m2))),
                num(pct(t.pct_achieved)),
            ]
        })
        .collect();
    let headers = ["Region", "Year#", "Target#", "Released#", "Achieved#"];
    Some(HtmlTable::new(&headers, body))
}

/// The cost section (R14): per scenario its total cost, then per scenario and year the
/// national cost against the money secured; `None` without `[costs]`.
pub fn costs(ctx: &ReportContext) -> Option<(HtmlTable, Option<Charted>)> {
    let currency = ctx.summary.currency.as_deref()?;
    let money = |x: f64| format!("{} {currency}", thousands(x));
    let totals = ctx
        .summary
        .scenarios
        .iter()
        .filter(|s| s.region_id == crate::analysis::RegionKey::National)
        .map(|s| {
            vec![
                text(&s.scenario),
                num(opt(s.forecast.projected_completion)),
                num(s.total_cost.map_or_else(|| "–".to_string(), money)),
            ]
        })
        .collect();
    let totals = HtmlTable::new(
        &["Scenario", "National completion#", "Cost of the plan#"],
        totals,
    );
    let funding = (!ctx.summary.funding.is_empty()).then(|| {
        let body = ctx
            .summary
            .funding
            .iter()
            .map(|f| {
                vec![
                    text(&f.scenario),
                    num(f.year.to_string()),
                    num(f.planned_cost.map_or_else(|| "–".to_string(), money)),
                    num(money(f.funding)),
                    num(f.gap.map_or_else(|| "–".to_string(), money)),
                ]
            })
            .collect();
        let names = super::outlook::scenario_names(ctx.summary);
        let colour = |name: &str| super::outlook::scenario_colour(&names, name);
        let mut legend: Vec<(_, String)> = names
            .iter()
            .map(|n| (colour(n), format!("planned cost, scenario {n}")))
            .collect();
        legend.push((FUNDING_RGB, "funding secured".to_string()));
        Charted {
            svg: super::page::svg(charts::funding_bars(&ctx.summary.funding, currency, colour)),
            legend: super::page::legend(&legend),
            table: HtmlTable::new(
                &["Scenario", "Year#", "Planned cost#", "Funding#", "Gap#"],
                body,
            ),
        }
    });
    Some((totals, funding))
}
