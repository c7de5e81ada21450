//! Analysis rows → output [`Table`]s with the SPEC §5 columns, in order.
//!
//! Rounding (SPEC §5): areas are written as computed; `distance_m` to 0.01 m, factors
//! to 6 decimals, `pct_released`, `pct_achieved` and `years_to_complete` to 4, `score` is
//! already rounded to 2 by R9. Rows: `remaining_hazards` in input order, `priority_tasks` by rank,
//! `region_summary` by `region_id`, `qa_findings` by (layer, feature_id, check),
//! `release_history` by (`region_id`, year), `scenarios` by (scenario, `region_id`),
//! `work_plan` by (scenario, `region_id`, year); R12's capacity factor to 4 decimals.

use super::outputs::TableKind;
use super::{Shape, Table, Values};
use crate::analysis::ledger::LedgerRow;
use crate::analysis::organisations::OrganisationRow;
use crate::analysis::plan::PlanRow;
use crate::analysis::priority::Priority;
use crate::analysis::progress::Forecast;
use crate::analysis::{HazardRow, RegionRow, Summary};
use crate::model::{finding_order, Finding, Inputs};
use chrono::NaiveDate;

/// Rounds to `decimals` places.
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let k = 10f64.powi(decimals);
    let r = (x * k).round() / k;
    if r == 0.0 {
        0.0 // no "-0"
    } else {
        r
    }
}

/// An area as written: as computed (SPEC §5: areas are never rounded in the tables; a
/// person reads them rounded in report.html, the workbook and the layout), with no "-0".
fn area(x: f64) -> Option<f64> {
    Some(if x == 0.0 { 0.0 } else { x })
}

/// The completion columns that `region_summary` (R10) and `scenarios` (R12) share:
/// `years_to_complete` (4 decimals), `projected_completion`, `deadline`, `on_track`.
fn push_forecast<R>(t: &mut Table, rows: &[R], of: impl Fn(&R) -> (&Forecast, Option<NaiveDate>)) {
    let years = rows
        .iter()
        .map(|r| of(r).0.years_to_complete.map(|y| round_to(y, 4)));
    t.push("years_to_complete", Values::Real(years.collect()));
    let dates = rows.iter().map(|r| of(r).0.projected_completion);
    t.push("projected_completion", Values::Date(dates.collect()));
    t.push(
        "deadline",
        Values::Date(rows.iter().map(|r| of(r).1).collect()),
    );
    let on_track = rows.iter().map(|r| of(r).0.on_track);
    t.push("on_track", Values::Bool(on_track.collect()));
}

/// A text column of `rows` (never NULL).
fn texts<R>(rows: &[R], f: impl Fn(&R) -> &str) -> Values {
    Values::Text(rows.iter().map(|r| Some(f(r).to_string())).collect())
}

/// `remaining_hazards` (every hazard existing as of D, input order) and `priority_tasks`
/// (hazards with a rank, by rank), sharing each hazard's remaining land (one copy).
pub fn hazard_tables(inputs: &Inputs, summary: &Summary) -> (Table, Table) {
    use rayon::prelude::*;
    let mut shapes: Vec<Option<Shape>> = vec![None; inputs.hazards.len()];
    // the copies of the remaining land (every vertex of it) are made in parallel
    let copies: Vec<(usize, Option<Shape>)> = summary
        .hazards
        .par_iter()
        .map(|r| {
            let g = &r.account.remaining;
            let shape =
                (!g.0.is_empty()).then(|| Shape::new(geo::Geometry::MultiPolygon(g.clone())));
            (r.index, shape)
        })
        .collect();
    for (i, shape) in copies {
        shapes[i] = shape;
    }
    let shapes = &shapes;
    rayon::join(
        || {
            let rows: Vec<&HazardRow> = summary.hazards.iter().collect();
            hazard_table(TableKind::RemainingHazards, inputs, &rows, shapes)
        },
        || {
            let mut rows: Vec<&HazardRow> = summary
                .hazards
                .iter()
                .filter(|h| h.priority.is_some())
                .collect();
            rows.sort_by_key(|h| h.priority.as_ref().map_or(u64::MAX, |p| p.rank));
            hazard_table(TableKind::PriorityTasks, inputs, &rows, shapes)
        },
    )
}

/// One row per hazard of `rows`; `shapes[i]` is hazard i's remaining land.
fn hazard_table(
    kind: TableKind,
    inputs: &Inputs,
    rows: &[&HazardRow],
    shapes: &[Option<Shape>],
) -> Table {
    let mut t = Table::new(kind);
    let hazard = |r: &HazardRow| &inputs.hazards[r.index];
    t.push(
        "hazard_id",
        opt_texts(rows, |r| Some(hazard(r).hazard_id.clone())),
    );
    t.push(
        "status",
        opt_texts(rows, |r| Some(hazard(r).status.as_str().to_string())),
    );
    t.push(
        "hazard_type",
        opt_texts(rows, |r| {
            hazard(r).hazard_type.map(|h| h.as_str().to_string())
        }),
    );
    t.push(
        "region_id",
        opt_texts(rows, |r| Some(r.region_id.to_string())),
    );
    t.push("original_m2", reals(rows, |r| area(r.account.original_m2)));
    t.push(
        "remaining_m2",
        reals(rows, |r| area(r.account.remaining_m2)),
    );
    t.push("released_m2", reals(rows, |r| area(r.account.released_m2)));
    t.push("cleared_m2", reals(rows, |r| area(r.account.cleared_m2)));
    t.push("reduced_m2", reals(rows, |r| area(r.account.reduced_m2)));
    t.push(
        "cancelled_m2",
        reals(rows, |r| area(r.account.cancelled_m2)),
    );
    push_priority_columns(&mut t, inputs, rows);
    for (k, field) in inputs.hazard_extra_fields.iter().enumerate() {
        let name = carried_name(&t, field);
        t.push(
            &name,
            opt_texts(rows, |r| hazard(r).extra.get(k).cloned().flatten()),
        );
    }
    t.geometry = rows.iter().map(|r| shapes[r.index].clone()).collect();
    t
}

/// The output column name of carried-through hazard field `field`: its own name, or
/// `src_<field>` when an output column already has that name ignoring case (SQLite's
/// column names are case-insensitive, so a GeoPackage cannot hold `STATUS` and `status`);
/// if that is taken too (a source with `STATUS`, `Status` and `status`), `_2`, `_3`… is
/// appended, so the first column keeps the name and later ones are renamed, in source
/// order. The geometry and feature-id columns of the GeoPackage (`geom`, `fid`) and of
/// GeoParquet (`geometry`) count as taken.
fn carried_name(t: &Table, field: &str) -> String {
    let taken = |name: &str| {
        t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(name))
            || ["geometry", "geom", "fid"]
                .iter()
                .any(|r| r.eq_ignore_ascii_case(name))
    };
    if !taken(field) {
        return field.to_string();
    }
    let prefixed = format!("src_{field}");
    let name = std::iter::once(prefixed.clone())
        .chain((2..).map(|n| format!("{prefixed}_{n}")))
        .find(|name| !taken(name))
        .expect("an unbounded range of names holds one that is not taken");
    if name != prefixed {
        tracing::info!("hazard field '{field}' is carried through as '{name}': '{prefixed}' is already an output column (names are compared ignoring case)");
    }
    name
}

/// A text column of `rows` (NULL where `f` gives `None`).
fn opt_texts(rows: &[&HazardRow], f: impl Fn(&HazardRow) -> Option<String>) -> Values {
    Values::Text(rows.iter().map(|r| f(r)).collect())
}

/// A real column of `rows`.
fn reals(rows: &[&HazardRow], f: impl Fn(&HazardRow) -> Option<f64>) -> Values {
    Values::Real(rows.iter().map(|r| f(r)).collect())
}

/// An integer column of `rows`.
fn ints(rows: &[&HazardRow], f: impl Fn(&HazardRow) -> Option<i64>) -> Values {
    Values::Int(rows.iter().map(|r| f(r)).collect())
}

/// The R8–R9 columns: nearest settlement, counts within the radius, factors, score, rank.
fn push_priority_columns(t: &mut Table, inputs: &Inputs, rows: &[&HazardRow]) {
    let settlement = |r: &HazardRow| {
        r.priority
            .as_ref()
            .and_then(|p| p.nearest)
            .map(|i| &inputs.settlements[i])
    };
    t.push(
        "nearest_settlement_id",
        opt_texts(rows, |r| settlement(r).map(|s| s.settlement_id.clone())),
    );
    t.push(
        "nearest_settlement",
        opt_texts(rows, |r| settlement(r).map(|s| s.name.clone())),
    );
    let priority =
        |f: fn(&Priority) -> Option<f64>| reals(rows, move |r| r.priority.as_ref().and_then(f));
    let count = |f: fn(&Priority) -> i64| ints(rows, move |r| r.priority.as_ref().map(f));
    t.push(
        "distance_m",
        priority(|p| p.distance_m.map(|d| round_to(d, 2))),
    );
    t.push("settlements_within", count(|p| p.settlements_within as i64));
    t.push("population_within", count(|p| p.population_within as i64));
    t.push("accidents_within", count(|p| p.accidents_within as i64));
    t.push(
        "f_proximity",
        priority(|p| Some(round_to(p.f_proximity, 6))),
    );
    t.push("f_people", priority(|p| Some(round_to(p.f_people, 6))));
    t.push(
        "f_accidents",
        priority(|p| Some(round_to(p.f_accidents, 6))),
    );
    t.push("f_status", priority(|p| Some(round_to(p.f_status, 6))));
    t.push("f_type", priority(|p| Some(round_to(p.f_type, 6))));
    t.push("score", priority(|p| Some(p.score)));
    t.push("rank", count(|p| p.rank as i64));
}

/// `region_summary` (by `region_id`).
pub fn region_summary(summary: &Summary) -> Table {
    let rows: Vec<&RegionRow> = summary.regions.iter().collect();
    let mut t = region_columns(TableKind::RegionSummary, &rows);
    t.geometry = rows
        .iter()
        .map(|r| {
            r.geometry
                .clone()
                .map(|g| Shape::new(geo::Geometry::MultiPolygon(g)))
        })
        .collect();
    t
}

/// The region columns for any list of rows (also used for the national totals).
pub fn region_columns(kind: TableKind, rows: &[&RegionRow]) -> Table {
    let mut t = Table::new(kind);
    let real =
        |f: &dyn Fn(&RegionRow) -> Option<f64>| Values::Real(rows.iter().map(|r| f(r)).collect());
    t.push("region_id", texts(rows, |r| r.region_id.as_str()));
    t.push("name", texts(rows, |r| &r.name));
    let count =
        |f: fn(&RegionRow) -> u64| Values::Int(rows.iter().map(|r| Some(f(r) as i64)).collect());
    t.push("hazards", count(|r| r.hazards));
    t.push("hazards_cha", count(|r| r.hazards_cha));
    t.push("hazards_sha", count(|r| r.hazards_sha));
    t.push("original_m2", real(&|r| area(r.figures.original_m2)));
    t.push("remaining_m2", real(&|r| area(r.figures.remaining_m2)));
    t.push(
        "remaining_cha_m2",
        real(&|r| area(r.figures.remaining_cha_m2)),
    );
    t.push(
        "remaining_sha_m2",
        real(&|r| area(r.figures.remaining_sha_m2)),
    );
    t.push("released_m2", real(&|r| area(r.figures.released_m2)));
    t.push("cleared_m2", real(&|r| area(r.figures.cleared_m2)));
    t.push("reduced_m2", real(&|r| area(r.figures.reduced_m2)));
    t.push("cancelled_m2", real(&|r| area(r.figures.cancelled_m2)));
    t.push(
        "pct_released",
        real(&|r| r.figures.pct_released().map(|p| round_to(p, 4))),
    );
    t.push(
        "released_window_m2",
        real(&|r| area(r.progress.released_window_m2)),
    );
    t.push(
        "rate_m2_per_year",
        real(&|r| area(r.progress.rate_m2_per_year)),
    );
    push_forecast(&mut t, rows, |r| {
        (&r.progress.forecast, r.progress.deadline)
    });
    t.push(
        "population_near_hazards",
        Values::Int(
            rows.iter()
                .map(|r| Some(r.population_near_hazards as i64))
                .collect(),
        ),
    );
    t.push(
        "required_rate_m2_per_year",
        real(&|r| r.required_rate_m2_per_year.and_then(area)),
    );
    t.push(
        "capacity_factor_needed",
        real(&|r| r.capacity_factor_needed.map(|f| round_to(f, 4))),
    );
    t
}

/// `release_history` (R11): every region's ledger, `_outside`'s and `_national`'s (the
/// whole run's land, each point once), by (`region_id`, year).
pub fn release_history(summary: &Summary) -> Table {
    let mut rows: Vec<(&str, &LedgerRow)> = summary
        .regions
        .iter()
        .chain(std::iter::once(&summary.national))
        .flat_map(|r| r.ledger.iter().map(move |l| (r.region_id.as_str(), l)))
        .collect();
    rows.sort_by(|a, b| (a.0, a.1.year).cmp(&(b.0, b.1.year)));
    let mut t = Table::new(TableKind::ReleaseHistory);
    let real = |f: fn(&LedgerRow) -> f64| Values::Real(rows.iter().map(|r| area(f(r.1))).collect());
    t.push(
        "region_id",
        Values::Text(rows.iter().map(|r| Some(r.0.to_string())).collect()),
    );
    t.push(
        "year",
        Values::Int(rows.iter().map(|r| Some(i64::from(r.1.year))).collect()),
    );
    t.push("remaining_start_m2", real(|r| r.remaining_start_m2));
    t.push("added_m2", real(|r| r.added_m2));
    t.push("released_m2", real(|r| r.released_m2));
    t.push("cleared_m2", real(|r| r.cleared_m2));
    t.push("reduced_m2", real(|r| r.reduced_m2));
    t.push("cancelled_m2", real(|r| r.cancelled_m2));
    t.push("remaining_end_m2", real(|r| r.remaining_end_m2));
    t
}

/// `scenarios` (R12), by (scenario, `region_id`), `_national` included.
pub fn scenarios(summary: &Summary) -> Table {
    let rows = &summary.scenarios;
    let mut t = Table::new(TableKind::Scenarios);
    t.push("scenario", texts(rows, |r| &r.scenario));
    t.push("region_id", texts(rows, |r| r.region_id.as_str()));
    t.push(
        "rate_m2_per_year",
        Values::Real(rows.iter().map(|r| area(r.rate_m2_per_year)).collect()),
    );
    push_forecast(&mut t, rows, |r| (&r.forecast, r.deadline));
    if summary.currency.is_some() {
        t.push(
            "total_cost",
            Values::Real(rows.iter().map(|r| r.total_cost).collect()),
        );
    }
    t
}

/// `work_plan` (R12), by (scenario, `region_id`, year).
pub fn work_plan(summary: &Summary) -> Table {
    let rows = &summary.work_plan;
    let mut t = Table::new(TableKind::WorkPlan);
    let real = |f: fn(&PlanRow) -> f64| Values::Real(rows.iter().map(|r| area(f(r))).collect());
    t.push("scenario", texts(rows, |r| &r.scenario));
    t.push("region_id", texts(rows, |r| r.region_id.as_str()));
    t.push(
        "year",
        Values::Int(rows.iter().map(|r| Some(i64::from(r.year))).collect()),
    );
    t.push("remaining_start_m2", real(|r| r.remaining_start_m2));
    t.push("planned_release_m2", real(|r| r.planned_release_m2));
    t.push("remaining_end_m2", real(|r| r.remaining_end_m2));
    if summary.currency.is_some() {
        t.push(
            "planned_cost",
            Values::Real(rows.iter().map(|r| r.planned_cost).collect()),
        );
    }
    t
}

/// `release_by_organisation` (R13), by (`region_id`, year, organisation), `_national`
/// included.
pub fn release_by_organisation(summary: &Summary) -> Table {
    let rows = &summary.organisations;
    let mut t = Table::new(TableKind::ReleaseByOrganisation);
    let real =
        |f: fn(&OrganisationRow) -> f64| Values::Real(rows.iter().map(|r| area(f(r))).collect());
    t.push("region_id", texts(rows, |r| r.region_id.as_str()));
    t.push(
        "year",
        Values::Int(rows.iter().map(|r| Some(i64::from(r.year))).collect()),
    );
    t.push("organisation", texts(rows, |r| &r.organisation));
    t.push("released_m2", real(|r| r.released_m2));
    t.push("cleared_m2", real(|r| r.cleared_m2));
    t.push("reduced_m2", real(|r| r.reduced_m2));
    t.push("cancelled_m2", real(|r| r.cancelled_m2));
    t.push(
        "releases",
        Values::Int(
            rows.iter()
                .map(|r| i64::try_from(r.releases).ok())
                .collect(),
        ),
    );
    t.push(
        "task_days",
        Values::Int(
            rows.iter()
                .map(|r| r.task_days.and_then(|d| i64::try_from(d).ok()))
                .collect(),
        ),
    );
    t.push(
        "m2_per_task_day",
        Values::Real(
            rows.iter()
                .map(|r| r.m2_per_task_day.and_then(area))
                .collect(),
        ),
    );
    t
}

/// `funding` (R14, only with `[costs.funding]`), by (scenario, year).
pub fn funding(summary: &Summary) -> Option<Table> {
    let rows = &summary.funding;
    if rows.is_empty() {
        return None;
    }
    let mut t = Table::new(TableKind::Funding);
    t.push("scenario", texts(rows, |r| &r.scenario));
    t.push(
        "year",
        Values::Int(rows.iter().map(|r| Some(i64::from(r.year))).collect()),
    );
    t.push(
        "planned_cost",
        Values::Real(rows.iter().map(|r| r.planned_cost).collect()),
    );
    t.push(
        "funding",
        Values::Real(rows.iter().map(|r| Some(r.funding)).collect()),
    );
    t.push("gap", Values::Real(rows.iter().map(|r| r.gap).collect()));
    Some(t)
}

/// `targets` (R15, only with a `targets` input), by (`region_id`, year): `released_m2`
/// rounded as in `release_history` (so the two tables agree), `pct_achieved` to 4
/// decimals. The pipeline adds it only when the input is configured; it may then have
/// no rows (every target after the year of D).
pub fn targets(summary: &Summary) -> Table {
    let rows = &summary.targets;
    let mut t = Table::new(TableKind::Targets);
    t.push("region_id", texts(rows, |r| r.place.as_str()));
    t.push(
        "year",
        Values::Int(rows.iter().map(|r| Some(i64::from(r.year))).collect()),
    );
    t.push(
        "target_m2",
        Values::Real(rows.iter().map(|r| Some(r.target_m2)).collect()),
    );
    t.push(
        "released_m2",
        Values::Real(rows.iter().map(|r| r.released_m2.and_then(area)).collect()),
    );
    t.push(
        "pct_achieved",
        Values::Real(
            rows.iter()
                .map(|r| r.pct_achieved.map(|p| round_to(p, 4)))
                .collect(),
        ),
    );
    t
}

/// `qa_findings`, sorted by (layer, feature_id, check). The findings' geometries move
/// into the table (peak memory: they are the largest part of a finding, and nothing
/// after the table reads them); the findings keep everything else.
pub fn qa_findings(findings: &mut [Finding]) -> Table {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| finding_order(&findings[a], &findings[b]));
    let mut t = Table::new(TableKind::QaFindings);
    let sorted: Vec<&Finding> = order.iter().map(|&i| &findings[i]).collect();
    let text =
        |f: &dyn Fn(&Finding) -> String| Values::Text(sorted.iter().map(|x| Some(f(x))).collect());
    t.push("severity", text(&|f| f.severity.as_str().to_string()));
    t.push("check", text(&|f| f.check.to_string()));
    t.push("layer", text(&|f| f.layer.key().to_string()));
    t.push("feature_id", text(&|f| f.feature_id.clone()));
    t.push("message", text(&|f| f.message.clone()));
    t.geometry = order.iter().map(|&i| findings[i].geometry.take()).collect();
    t
}
