//! The report's land ledger (R11) and outlook (R12) sections: what an Article 5
//! extension request needs.
//!
//! `ledger`: land released per year by method (stacked bars) with the land added that
//! year drawn apart (outlined bar beside it), from the national ledger (every point of
//! land counted once a year, never a sum of release records), and the ledger tables.
//! `outlook`: the rate each deadline needs against today's rate, each scenario's
//! completion, and a burn-down chart nationally and per region: remaining land at each
//! past year end (it rises where land was found), then each scenario's straight line
//! from D to its completion, with the deadline drawn.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::{
    classed, esc, legend, m2, nice_ceiling, num, opt, rgb, table, text, trim_number, Cell,
    ReportContext, CHART_W,
};
use crate::analysis::ledger::LedgerRow;
use crate::analysis::plan::{ScenarioRow, NATIONAL};
use crate::analysis::{RegionRow, Summary};
use crate::report::render::palette::{
    Rgb, ADDED_RGB, CANCELLED_RGB, CLEARED_RGB, DEADLINE_RGB, PAST_RGB, REDUCED_RGB, SCENARIO_RGB,
};

/// The burn-down charts look this many years past D at most.
const HORIZON_YEARS: i32 = 50;

/// `(unit, divisor)` for an axis whose top is `top` m².
fn unit_of(top: f64) -> (&'static str, f64) {
    if top >= 1e5 {
        ("km²", 1e6)
    } else {
        ("m²", 1.0)
    }
}

/// A vertical value axis with five grid lines from 0 to `top`, on `[y0, y0 + h]`.
fn value_axis(s: &mut String, left: f64, right: f64, y0: f64, h: f64, top: f64) {
    let (unit, div) = unit_of(top);
    for k in 0..=4 {
        let v = top * f64::from(k) / 4.0;
        let y = y0 + h * (1.0 - v / top);
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" x2=\"{right:.0}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 4.0,
            trim_number(v / div)
        );
    }
    let mid = y0 + h / 2.0;
    let _ = writeln!(
        s,
        "<text x=\"12\" y=\"{mid:.0}\" transform=\"rotate(-90 12 {mid:.0})\" text-anchor=\"middle\">{unit}</text>"
    );
}

/// The ledger section: national bars and table, per-region tables folded away.
pub(super) fn ledger_section(summary: &Summary) -> String {
    let mut s = String::from("<section id=\"ledger\"><h2>Land found and released per year</h2>\n");
    let rows = &summary.national.ledger;
    if rows.is_empty() {
        s.push_str("<p>No hazard land recorded.</p></section>\n");
        return s;
    }
    s.push_str(&ledger_chart(rows));
    s.push_str(&legend(&[
        (CLEARED_RGB, "released: cleared"),
        (REDUCED_RGB, "released: reduced"),
        (CANCELLED_RGB, "released: cancelled"),
        ((255, 255, 255), "added (newly recorded land, outlined)"),
    ]));
    s.push_str(&ledger_table(rows));
    s.push_str("<p class=\"note\">Land, not records: each point of hazard land counts once a year (overlapping records never twice, land outside every hazard never, a release before a hazard was recorded not at all). Released land is split by the strongest method that released it that year. Start + added − released = end in every row; the last year ends at the as-of date.</p>\n");
    s.push_str("<details><summary>Per region</summary>\n");
    for r in &summary.regions {
        let _ = writeln!(s, "<h3>{} — {}</h3>", esc(&r.region_id), esc(&r.name));
        s.push_str(&ledger_table(&r.ledger));
    }
    s.push_str("</details></section>\n");
    s
}

fn ledger_chart(rows: &[LedgerRow]) -> String {
    let max = rows
        .iter()
        .map(|r| r.released_m2.max(r.added_m2))
        .fold(0.0, f64::max);
    let top = nice_ceiling(max);
    let (left, plot_h) = (70.0, 240.0);
    let height = plot_h + 50.0;
    let slot = (CHART_W - left - 10.0) / rows.len() as f64;
    let bar = (slot * 0.38).min(34.0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"ledger-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{CHART_W:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {CHART_W:.0} {height:.0}\" font-size=\"11\">"
    );
    value_axis(&mut s, left, CHART_W - 10.0, 10.0, plot_h, top);
    let y_of = |v: f64| 10.0 + plot_h * (1.0 - v / top);
    let every = (rows.len() / 16).max(1);
    for (i, r) in rows.iter().enumerate() {
        let x = left + slot * i as f64 + slot / 2.0 - bar;
        let mut acc = 0.0;
        for (value, colour, name) in [
            (r.cleared_m2, CLEARED_RGB, "cleared"),
            (r.reduced_m2, REDUCED_RGB, "reduced"),
            (r.cancelled_m2, CANCELLED_RGB, "cancelled"),
        ] {
            if value > 0.0 {
                let (y0, y1) = (y_of(acc), y_of(acc + value));
                let _ = writeln!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} released {name}: {}</title></rect>",
                    y0 - y1,
                    rgb(colour),
                    r.year,
                    m2(value)
                );
            }
            acc += value;
        }
        if r.added_m2 > 0.0 {
            let y1 = y_of(r.added_m2);
            let _ = writeln!(
                s,
                "<rect x=\"{:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"#fff\" stroke=\"{}\" stroke-width=\"1.2\"><title>{} added: {}</title></rect>",
                x + bar,
                y_of(0.0) - y1,
                rgb(ADDED_RGB),
                r.year,
                m2(r.added_m2)
            );
        }
        if i % every == 0 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{}</text>",
                x + bar,
                10.0 + plot_h + 18.0,
                r.year
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn ledger_table(rows: &[LedgerRow]) -> String {
    let body: Vec<Vec<Cell>> = rows
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
    table(
        &[
            "Year",
            "Remaining at start#",
            "Added#",
            "Released#",
            "Cleared#",
            "Reduced#",
            "Cancelled#",
            "Remaining at end#",
        ],
        &body,
    )
}

/// The scenario rows of one place (`region_id`), in scenario order.
fn scenarios_of<'a>(summary: &'a Summary, region_id: &str) -> Vec<&'a ScenarioRow> {
    summary
        .scenarios
        .iter()
        .filter(|s| s.region_id == region_id)
        .collect()
}

/// The scenario names in order.
fn scenario_names(summary: &Summary) -> Vec<&str> {
    let mut names: Vec<&str> = summary
        .scenarios
        .iter()
        .map(|s| s.scenario.as_str())
        .collect();
    names.dedup();
    names
}

fn scenario_colour(names: &[&str], name: &str) -> Rgb {
    let k = names.iter().position(|n| *n == name).unwrap_or(0);
    SCENARIO_RGB[k % SCENARIO_RGB.len()]
}

/// The outlook section: the required-rate table, then the burn-down charts.
pub(super) fn outlook_section(ctx: &ReportContext) -> String {
    let summary = ctx.summary;
    let as_of = ctx.pipeline.as_of;
    let mut s = String::from(
        "<section id=\"outlook\"><h2>What the deadline needs, and when each scenario finishes</h2>\n",
    );
    let n = &summary.national;
    match (n.progress.deadline, n.required_rate_m2_per_year) {
        (Some(deadline), Some(required)) => {
            let factor = n.capacity_factor_needed.map_or_else(
                || "no release in the window, so no multiple of".to_string(),
                |f| format!("{f:.2}×"),
            );
            let _ = writeln!(
                s,
                "<p class=\"lead\">To finish the {} of land remaining by the deadline {deadline} you need <b>{}/year</b>, {factor} today's rate of {}/year.</p>",
                esc(&m2(n.figures.remaining_m2)),
                esc(&m2(required)),
                esc(&m2(n.progress.rate_m2_per_year)),
            );
        }
        (Some(deadline), None) => {
            let _ = writeln!(
                s,
                "<p class=\"lead\">The national deadline {deadline} is not after the as-of date {as_of}.</p>"
            );
        }
        _ => s.push_str("<p class=\"lead\">No national deadline in the pipeline file.</p>\n"),
    }
    let names = scenario_names(summary);
    s.push_str(&rate_table(summary, &names));
    s.push_str("<p class=\"note\">Required rate = remaining land ÷ years to the deadline; capacity needed = required ÷ today's rate (land released in the window per year). Scenarios from the pipeline file: <code>current</code> is today's rate; a factor multiplies it; a finish-by date sets the rate that finishes then. The work plan (table <code>work_plan</code>) spreads each rate over calendar years.</p>\n");
    s.push_str(&burndown_svg(
        "burndown-national",
        "National",
        n,
        &scenarios_of(summary, NATIONAL),
        &names,
        as_of,
        (CHART_W, 300.0),
    ));
    let mut items: Vec<(Rgb, String)> = names
        .iter()
        .map(|name| (scenario_colour(&names, name), format!("scenario {name}")))
        .collect();
    items.push((PAST_RGB, "remaining at each year end".to_string()));
    items.push((DEADLINE_RGB, "deadline".to_string()));
    let refs: Vec<(Rgb, &str)> = items.iter().map(|(c, t)| (*c, t.as_str())).collect();
    s.push_str(&legend(&refs));
    s.push_str("<div class=\"small-multiples\">\n");
    for r in &summary.regions {
        let title = format!("{} — {}", r.region_id, r.name);
        s.push_str(&burndown_svg(
            &format!("burndown-{}", r.region_id),
            &title,
            r,
            &scenarios_of(summary, &r.region_id),
            &names,
            as_of,
            (CHART_W / 2.0 - 8.0, 200.0),
        ));
    }
    s.push_str("</div></section>\n");
    s
}

fn rate_table(summary: &Summary, names: &[&str]) -> String {
    let mut headers: Vec<String> = [
        "Region",
        "Remaining#",
        "Deadline",
        "Rate today per year#",
        "Required per year#",
        "Capacity needed#",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    headers.extend(names.iter().map(|n| format!("{n}: completion")));
    let places: Vec<(&RegionRow, &str)> = summary
        .regions
        .iter()
        .map(|r| (r, r.region_id.as_str()))
        .chain(std::iter::once((&summary.national, NATIONAL)))
        .collect();
    let rows: Vec<Vec<Cell>> = places
        .iter()
        .map(|(r, id)| {
            let mut row = vec![
                text(if *id == NATIONAL { "National" } else { id }),
                num(m2(r.figures.remaining_m2)),
                text(&opt(r.progress.deadline)),
                num(m2(r.progress.rate_m2_per_year)),
                num(r.required_rate_m2_per_year.map_or_else(|| "–".into(), m2)),
                num(r
                    .capacity_factor_needed
                    .map_or_else(|| "–".into(), |f| format!("{f:.2}×"))),
            ];
            for name in names {
                let sc = scenarios_of(summary, id)
                    .into_iter()
                    .find(|s| s.scenario == *name);
                row.push(match sc {
                    Some(sc) => {
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
                    None => text("–"),
                });
            }
            row
        })
        .collect();
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    table(&refs, &rows)
}

/// A date as a fractional year (2026-07-01 ≈ 2026.5).
fn year_of(d: NaiveDate) -> f64 {
    let days = if d.leap_year() { 366.0 } else { 365.0 };
    f64::from(d.year()) + f64::from(d.ordinal0()) / days
}

/// One burn-down chart: past year ends, then each scenario from D to its completion.
fn burndown_svg(
    id: &str,
    title: &str,
    place: &RegionRow,
    scenarios: &[&ScenarioRow],
    names: &[&str],
    as_of: NaiveDate,
    (width, height): (f64, f64),
) -> String {
    let now = year_of(as_of);
    let x0 = place
        .ledger
        .first()
        .map_or(now - 1.0, |r| f64::from(r.year));
    let mut x1 = now + 1.0;
    for sc in scenarios {
        if let Some(d) = sc.forecast.projected_completion {
            x1 = x1.max(year_of(d));
        }
    }
    if let Some(d) = place.progress.deadline {
        x1 = x1.max(year_of(d));
    }
    let x1 = x1.min(now + f64::from(HORIZON_YEARS)).ceil();
    let peak = place
        .ledger
        .iter()
        .map(|r| r.remaining_start_m2.max(r.remaining_end_m2))
        .fold(place.figures.remaining_m2, f64::max);
    let top = nice_ceiling(peak);
    let (left, right, y0, bottom) = (70.0, 12.0, 24.0, 26.0);
    let plot_h = height - y0 - bottom;
    let px = |x: f64| left + (width - left - right) * (x - x0) / (x1 - x0).max(1e-9);
    let py = |v: f64| y0 + plot_h * (1.0 - v / top);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg id=\"{}\" class=\"burndown\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-size=\"11\"><text x=\"{left}\" y=\"14\" font-weight=\"bold\">{}</text>",
        esc(id),
        esc(title)
    );
    value_axis(&mut s, left, width - right, y0, plot_h, top);
    let span = (x1 - x0).max(1.0);
    let step = [1.0, 2.0, 5.0, 10.0, 20.0]
        .into_iter()
        .find(|k| span / k <= (width / 70.0).floor())
        .unwrap_or(25.0);
    let mut tick = (x0 / step).ceil() * step;
    while tick <= x1 {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{tick:.0}</text>",
            px(tick),
            y0 + plot_h + 16.0
        );
        tick += step;
    }
    // The past: the start of the first year, then every year end (the last at D).
    let mut past: Vec<(f64, f64)> = place
        .ledger
        .first()
        .map(|r| (f64::from(r.year), r.remaining_start_m2))
        .into_iter()
        .collect();
    for r in &place.ledger {
        let x = if f64::from(r.year + 1) > now {
            now
        } else {
            f64::from(r.year + 1)
        };
        past.push((x, r.remaining_end_m2));
    }
    if !past.is_empty() {
        let points: Vec<String> = past
            .iter()
            .map(|(x, v)| format!("{:.1},{:.1}", px(*x), py(*v)))
            .collect();
        let _ = writeln!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"#5a5a5a\" stroke-width=\"2\"/>",
            points.join(" ")
        );
    }
    let remaining = place.figures.remaining_m2;
    for sc in scenarios {
        let colour = rgb(scenario_colour(names, &sc.scenario));
        let (end_x, end_v, dash) = match sc.forecast.projected_completion {
            Some(d) => (
                year_of(d).min(x1),
                if year_of(d) > x1 {
                    remaining * (1.0 - (x1 - now) / (year_of(d) - now))
                } else {
                    0.0
                },
                "",
            ),
            None => (x1, remaining, " stroke-dasharray=\"2 3\""),
        };
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"1.6\"{dash}><title>{}: {}</title></line>",
            px(now),
            py(remaining),
            px(end_x),
            py(end_v),
            esc(&sc.scenario),
            esc(&sc.forecast.projected_completion.map_or_else(|| "never at this rate".to_string(), |d| format!("finished {d}")))
        );
    }
    if let Some(d) = place.progress.deadline {
        let x = px(year_of(d));
        // The label on the side of the line that has room for it.
        let (label_x, anchor) = if x + 130.0 > width - right {
            (x - 3.0, "end")
        } else {
            (x + 3.0, "start")
        };
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{y0}\" y2=\"{:.1}\" stroke=\"{}\" stroke-dasharray=\"5 3\"/><text x=\"{label_x:.1}\" y=\"{:.0}\" fill=\"{}\" text-anchor=\"{anchor}\">deadline {d}</text>",
            y0 + plot_h,
            rgb(DEADLINE_RGB),
            y0 + 10.0,
            rgb(DEADLINE_RGB)
        );
    }
    s.push_str("</svg>\n");
    s
}
