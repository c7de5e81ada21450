//! The charts of `report.html` as inline SVG: the per-region stacked bars, the ledger's
//! bars per year and the burn-down charts (R12). Each takes figures computed in
//! `analysis` and only places them; text from the data is escaped with the template
//! engine's HTML escaper.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use minijinja::HtmlEscape;

use super::format::{km2, m2, pct, thousands, trim_number};
use crate::analysis::costs::FundingRow;
use crate::analysis::ledger::LedgerRow;
use crate::analysis::organisations::OrganisationRow;
use crate::analysis::plan::ScenarioRow;
use crate::analysis::RegionRow;
use crate::report::render::palette::{
    hex, Rgb, ADDED_RGB, CANCELLED_RGB, CHA_RGB, CLEARED_RGB, DEADLINE_RGB, FUNDING_RGB, PAST_RGB,
    REDUCED_RGB, SHA_RGB,
};

/// Width of every chart, pixels.
pub const CHART_W: f64 = 960.0;

/// The burn-down charts look this many years past D at most.
const HORIZON_YEARS: i32 = 50;

/// The smallest 1, 2 or 5 × 10^k that is ≥ `x` (1 for `x` ≤ 0).
pub fn nice_ceiling(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return 1.0;
    }
    let base = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .find(|v| *v >= x * (1.0 - 1e-12))
        .unwrap_or(10.0 * base)
}

/// The opening `<svg>` tag of a chart.
fn open_svg(s: &mut String, id: &str, class: &str, (w, h): (f64, f64), font: u32) {
    let _ = write!(
        s,
        "<svg id=\"{}\"{class} xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" font-size=\"{font}\">",
        HtmlEscape(id)
    );
}

/// The legend of [`region_bars`].
pub const REGION_BARS_LEGEND: [(Rgb, &str); 5] = [
    (CHA_RGB, "remaining CHA"),
    (SHA_RGB, "remaining SHA"),
    (CLEARED_RGB, "cleared"),
    (REDUCED_RGB, "reduced"),
    (CANCELLED_RGB, "cancelled"),
];

/// Stacked bars per region (`rows` in drawing order): remaining CHA/SHA, then released
/// land by method, all on one scale.
pub fn region_bars(rows: &[&RegionRow]) -> String {
    let max = rows
        .iter()
        .map(|r| r.figures.original_m2)
        .fold(0.0, f64::max)
        .max(1.0);
    let (label_w, value_w, row_h) = (190.0, 210.0, 28.0);
    let bar_w = CHART_W - label_w - value_w;
    let height = row_h * rows.len() as f64 + 10.0;
    let mut s = String::new();
    open_svg(&mut s, "regions-svg", "", (CHART_W, height), 12);
    s.push('\n');
    for (i, r) in rows.iter().enumerate() {
        let f = &r.figures;
        let y = 5.0 + row_h * i as f64;
        let name = HtmlEscape(&r.name);
        let _ = writeln!(
            s,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{name}</text>",
            label_w - 8.0,
            y + 16.0,
        );
        let parts = [
            (f.remaining_cha_m2, CHA_RGB, "remaining CHA"),
            (f.remaining_sha_m2, SHA_RGB, "remaining SHA"),
            (f.cleared_m2, CLEARED_RGB, "cleared"),
            (f.reduced_m2, REDUCED_RGB, "reduced"),
            (f.cancelled_m2, CANCELLED_RGB, "cancelled"),
        ];
        let mut x = label_w;
        for (value, colour, what) in parts {
            let w = bar_w * value / max;
            if w > 0.0 {
                let _ = writeln!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"20\" fill=\"{}\"><title>{name}: {what} {}</title></rect>",
                    y + 2.0,
                    hex(colour),
                    m2(value)
                );
            }
            x += w;
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">{} · {} released</text>",
            x + 6.0,
            y + 16.0,
            km2(f.original_m2),
            pct(f.pct_released())
        );
    }
    s.push_str("</svg>\n");
    s
}

/// `(unit, divisor)` for an axis whose top is `top` m².
fn unit_of(top: f64) -> (&'static str, f64) {
    if top >= 1e5 {
        ("km²", 1e6)
    } else {
        ("m²", 1.0)
    }
}

/// A vertical value axis with five grid lines from 0 to `top` m², on `[y0, y0 + h]`.
fn value_axis(s: &mut String, left: f64, right: f64, y0: f64, h: f64, top: f64) {
    axis_in(s, (left, right, y0, h), top, unit_of(top));
}

/// [`value_axis`] in `(unit, divisor)`; `(left, right, y0, h)` the plot's frame.
fn axis_in(
    s: &mut String,
    (left, right, y0, h): (f64, f64, f64, f64),
    top: f64,
    unit: (&str, f64),
) {
    let (unit, div) = unit;
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
        "<text x=\"12\" y=\"{mid:.0}\" transform=\"rotate(-90 12 {mid:.0})\" text-anchor=\"middle\">{}</text>",
        HtmlEscape(unit)
    );
}

/// A year under a bar chart's bars, centred on `x`.
fn year_label(s: &mut String, x: f64, y: f64, year: i32) {
    let _ = writeln!(
        s,
        "<text x=\"{x:.1}\" y=\"{y:.0}\" text-anchor=\"middle\">{year}</text>"
    );
}

/// Land released per year by method (stacked) with the land added beside it (outlined).
pub fn ledger_bars(rows: &[LedgerRow]) -> String {
    let max = rows
        .iter()
        .map(|r| r.released_m2.max(r.added_m2))
        .fold(0.0, f64::max);
    let top = nice_ceiling(max);
    let (left, plot_h) = (70.0, 240.0);
    let slot = (CHART_W - left - 10.0) / rows.len() as f64;
    let bar = (slot * 0.38).min(34.0);
    let mut s = String::new();
    open_svg(&mut s, "ledger-svg", "", (CHART_W, plot_h + 50.0), 11);
    s.push('\n');
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
                    hex(colour),
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
                hex(ADDED_RGB),
                r.year,
                m2(r.added_m2)
            );
        }
        if i % every == 0 {
            year_label(&mut s, x + bar, 10.0 + plot_h + 18.0, r.year);
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Land released per year, stacked by organisation (`rows`: the `_national` rows, by
/// year; `colour` gives each organisation's colour).
pub fn organisation_bars(rows: &[&OrganisationRow], colour: impl Fn(&str) -> Rgb) -> String {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return String::new();
    };
    let years: Vec<i32> = (first.year..=last.year).collect();
    let per_year = |y: i32| rows.iter().filter(move |r| r.year == y);
    let max = years
        .iter()
        .map(|&y| per_year(y).map(|r| r.released_m2).sum::<f64>())
        .fold(0.0, f64::max);
    let top = nice_ceiling(max);
    let (left, plot_h) = (70.0, 240.0);
    let slot = (CHART_W - left - 10.0) / years.len() as f64;
    let bar = (slot * 0.6).min(48.0);
    let mut s = String::new();
    open_svg(
        &mut s,
        "organisations-svg",
        "",
        (CHART_W, plot_h + 50.0),
        11,
    );
    s.push('\n');
    value_axis(&mut s, left, CHART_W - 10.0, 10.0, plot_h, top);
    let y_of = |v: f64| 10.0 + plot_h * (1.0 - v / top);
    let every = (years.len() / 16).max(1);
    for (i, &year) in years.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let mut acc = 0.0;
        for r in per_year(year).filter(|r| r.released_m2 > 0.0) {
            let (y0, y1) = (y_of(acc), y_of(acc + r.released_m2));
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{year} {}: {}</title></rect>",
                y0 - y1,
                hex(colour(&r.organisation)),
                HtmlEscape(&r.organisation),
                m2(r.released_m2)
            );
            acc += r.released_m2;
        }
        if i % every == 0 {
            year_label(&mut s, x + bar / 2.0, 10.0 + plot_h + 18.0, year);
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The planned cost per year of each scenario (grouped bars, `colour` per scenario) against
/// the money secured (a black step across each year): the gap is what rises above it.
pub fn funding_bars(rows: &[FundingRow], currency: &str, colour: impl Fn(&str) -> Rgb) -> String {
    let (Some(first), Some(last)) = (
        rows.iter().map(|r| r.year).min(),
        rows.iter().map(|r| r.year).max(),
    ) else {
        return String::new();
    };
    let mut scenarios: Vec<&str> = rows.iter().map(|r| r.scenario.as_str()).collect();
    scenarios.dedup();
    let max = rows
        .iter()
        .map(|r| r.planned_cost.unwrap_or(0.0).max(r.funding))
        .fold(0.0, f64::max);
    let top = nice_ceiling(max);
    let unit = match top {
        t if t >= 1e7 => (format!("million {currency}"), 1e6),
        t if t >= 1e4 => (format!("thousand {currency}"), 1e3),
        _ => (currency.to_string(), 1.0),
    };
    let (left, plot_h) = (70.0, 220.0);
    let years = (last - first + 1) as f64;
    let slot = (CHART_W - left - 10.0) / years;
    let bar = (slot * 0.8 / scenarios.len() as f64).min(24.0);
    let mut s = String::new();
    open_svg(&mut s, "funding-svg", "", (CHART_W, plot_h + 50.0), 11);
    s.push('\n');
    axis_in(
        &mut s,
        (left, CHART_W - 10.0, 10.0, plot_h),
        top,
        (&unit.0, unit.1),
    );
    let y_of = |v: f64| 10.0 + plot_h * (1.0 - v / top);
    let every = ((last - first + 1) / 16).max(1);
    for year in first..=last {
        let k = f64::from(year - first);
        let x0 = left + slot * k + (slot - bar * scenarios.len() as f64) / 2.0;
        let of_year = rows.iter().filter(|r| r.year == year);
        for r in of_year.clone() {
            let Some(cost) = r.planned_cost.filter(|c| *c > 0.0) else {
                continue;
            };
            let i = scenarios.iter().position(|n| *n == r.scenario).unwrap_or(0);
            let x = x0 + bar * i as f64;
            let _ = writeln!(
                s,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{year} {}: planned {} {}</title></rect>",
                y_of(cost),
                y_of(0.0) - y_of(cost),
                hex(colour(&r.scenario)),
                HtmlEscape(&r.scenario),
                thousands(cost),
                HtmlEscape(currency)
            );
        }
        if let Some(f) = of_year.map(|r| r.funding).next() {
            let y = y_of(f);
            let _ = writeln!(
                s,
                "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{}\" stroke-width=\"3\"><title>{year}: funding {} {}</title></line>",
                left + slot * k + 2.0,
                left + slot * (k + 1.0) - 2.0,
                hex(FUNDING_RGB),
                thousands(f),
                HtmlEscape(currency)
            );
        }
        if (year - first) % every == 0 {
            year_label(&mut s, left + slot * (k + 0.5), 10.0 + plot_h + 18.0, year);
        }
    }
    s.push_str("</svg>\n");
    s
}

/// A date as a fractional year (2026-07-01 ≈ 2026.5).
fn year_of(d: NaiveDate) -> f64 {
    let days = if d.leap_year() { 366.0 } else { 365.0 };
    f64::from(d.year()) + f64::from(d.ordinal0()) / days
}

/// A scenario's line on a burn-down chart: its colour and its name.
pub struct Line<'a> {
    /// The scenario.
    pub scenario: &'a ScenarioRow,
    /// Its colour.
    pub colour: Rgb,
}

/// Pixels of a burn-down chart: years on x from `x0` to `x1`, m² on y from 0 to `top`.
struct Plot {
    x0: f64,
    x1: f64,
    top: f64,
    now: f64,
    left: f64,
    right: f64,
    y0: f64,
    plot_h: f64,
    width: f64,
}

impl Plot {
    /// The plot of `place` until the last scenario's completion or the deadline, at most
    /// [`HORIZON_YEARS`] after D.
    fn of(
        place: &RegionRow,
        lines: &[Line],
        as_of: NaiveDate,
        (width, height): (f64, f64),
    ) -> Plot {
        let now = year_of(as_of);
        let x0 = place
            .ledger
            .first()
            .map_or(now - 1.0, |r| f64::from(r.year));
        let ends = lines
            .iter()
            .filter_map(|l| l.scenario.forecast.projected_completion)
            .chain(place.progress.deadline);
        let x1 = ends.map(year_of).fold(now + 1.0, f64::max);
        let x1 = x1.min(now + f64::from(HORIZON_YEARS)).ceil();
        let peak = place
            .ledger
            .iter()
            .map(|r| r.remaining_start_m2.max(r.remaining_end_m2))
            .fold(place.figures.remaining_m2, f64::max);
        let (y0, bottom) = (24.0, 26.0);
        Plot {
            x0,
            x1,
            top: nice_ceiling(peak),
            now,
            left: 70.0,
            right: 12.0,
            y0,
            plot_h: height - y0 - bottom,
            width,
        }
    }

    fn px(&self, x: f64) -> f64 {
        self.left
            + (self.width - self.left - self.right) * (x - self.x0) / (self.x1 - self.x0).max(1e-9)
    }

    fn py(&self, v: f64) -> f64 {
        self.y0 + self.plot_h * (1.0 - v / self.top)
    }

    /// The value axis and the year ticks.
    fn axes(&self, s: &mut String) {
        value_axis(
            s,
            self.left,
            self.width - self.right,
            self.y0,
            self.plot_h,
            self.top,
        );
        let span = (self.x1 - self.x0).max(1.0);
        let step = [1.0, 2.0, 5.0, 10.0, 20.0]
            .into_iter()
            .find(|k| span / k <= (self.width / 70.0).floor())
            .unwrap_or(25.0);
        let mut tick = (self.x0 / step).ceil() * step;
        while tick <= self.x1 {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.0}\" text-anchor=\"middle\">{tick:.0}</text>",
                self.px(tick),
                self.y0 + self.plot_h + 16.0
            );
            tick += step;
        }
    }

    /// The past: the start of the first year, then every year end (the last at D).
    fn past(&self, s: &mut String, ledger: &[LedgerRow]) {
        let first = ledger
            .first()
            .map(|r| (f64::from(r.year), r.remaining_start_m2));
        let ends = ledger
            .iter()
            .map(|r| (f64::from(r.year + 1).min(self.now), r.remaining_end_m2));
        let points: Vec<String> = first
            .into_iter()
            .chain(ends)
            .map(|(x, v)| format!("{:.1},{:.1}", self.px(x), self.py(v)))
            .collect();
        if !points.is_empty() {
            let _ = writeln!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
                points.join(" "),
                hex(PAST_RGB)
            );
        }
    }

    /// A scenario from D to its completion (drawn to the chart's edge when that is later,
    /// dotted flat when it never finishes).
    fn scenario(&self, s: &mut String, line: &Line, remaining: f64) {
        let sc = line.scenario;
        let (end_x, end_v, dash) = match sc.forecast.projected_completion.map(year_of) {
            Some(end) if end > self.x1 => {
                let at_edge = remaining * (1.0 - (self.x1 - self.now) / (end - self.now));
                (self.x1, at_edge, "")
            }
            Some(end) => (end, 0.0, ""),
            None => (self.x1, remaining, " stroke-dasharray=\"2 3\""),
        };
        let finished = sc.forecast.projected_completion.map_or_else(
            || "never at this rate".to_string(),
            |d| format!("finished {d}"),
        );
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{}\" stroke-width=\"1.6\"{dash}><title>{}: {finished}</title></line>",
            self.px(self.now),
            self.py(remaining),
            self.px(end_x),
            self.py(end_v),
            hex(line.colour),
            HtmlEscape(&sc.scenario),
        );
    }

    /// The deadline, labelled on the side of the line that has room for it.
    fn deadline(&self, s: &mut String, d: NaiveDate) {
        let x = self.px(year_of(d));
        let (label_x, anchor) = if x + 130.0 > self.width - self.right {
            (x - 3.0, "end")
        } else {
            (x + 3.0, "start")
        };
        let colour = hex(DEADLINE_RGB);
        let _ = writeln!(
            s,
            "<line x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-dasharray=\"5 3\"/><text x=\"{label_x:.1}\" y=\"{:.0}\" fill=\"{colour}\" text-anchor=\"{anchor}\">deadline {d}</text>",
            self.y0,
            self.y0 + self.plot_h,
            self.y0 + 10.0,
        );
    }
}

/// One burn-down chart: remaining land at each past year end (it rises where land was
/// found), then each scenario's straight line from D to its completion, and the
/// deadline.
pub fn burndown(
    (id, title): (&str, &str),
    place: &RegionRow,
    lines: &[Line],
    as_of: NaiveDate,
    size: (f64, f64),
) -> String {
    let plot = Plot::of(place, lines, as_of, size);
    let mut s = String::new();
    open_svg(&mut s, id, " class=\"burndown\"", size, 11);
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"14\" font-weight=\"bold\">{}</text>",
        plot.left,
        HtmlEscape(title)
    );
    plot.axes(&mut s);
    plot.past(&mut s, &place.ledger);
    for line in lines {
        plot.scenario(&mut s, line, place.figures.remaining_m2);
    }
    if let Some(d) = place.progress.deadline {
        plot.deadline(&mut s, d);
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ceiling_is_1_2_5() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(5.0), 5.0);
        assert_eq!(nice_ceiling(1_200_000.0), 2_000_000.0);
        assert_eq!(nice_ceiling(7_000.0), 10_000.0);
    }

    /// The heights of the `<rect>`s of an SVG, in order.
    fn rect_heights(svg: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let h = r.split("height=\"").nth(1).unwrap();
                h[..h.find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    fn organisation_row(year: i32, organisation: &str, released_m2: f64) -> OrganisationRow {
        OrganisationRow {
            region_id: crate::analysis::RegionKey::National,
            year,
            organisation: organisation.to_string(),
            released_m2,
            cleared_m2: released_m2,
            reduced_m2: 0.0,
            cancelled_m2: 0.0,
            releases: 1,
            task_days: None,
            m2_per_task_day: None,
        }
    }

    #[test]
    fn organisation_bars_stack_each_years_organisations_to_its_total() {
        // 2020: 300 000 + 100 000 m² (top of the axis 500 000 over 240 px); 2021: none;
        // 2022: 500 000 m², the whole axis
        let rows = [
            organisation_row(2020, "A", 300_000.0),
            organisation_row(2020, "B", 100_000.0),
            organisation_row(2022, "A", 500_000.0),
        ];
        let refs: Vec<&OrganisationRow> = rows.iter().collect();
        let svg = organisation_bars(&refs, |_| (0, 0, 0));
        assert_eq!(rect_heights(&svg), vec![144.0, 48.0, 240.0]);
        assert_eq!(
            svg.matches(">2021</text>").count(),
            1,
            "every year is on the axis"
        );
    }

    #[test]
    fn funding_bars_draw_each_planned_cost_and_one_funding_line_a_year() {
        let row = |scenario: &str, year, planned_cost, funding| FundingRow {
            scenario: scenario.to_string(),
            year,
            planned_cost,
            funding,
            gap: planned_cost.map(|c| c - funding),
        };
        // the axis tops at 2 000 000 (220 px): 1 000 000 is 110 px; a cost of 0 or
        // unknown draws no bar; each year has one funding line
        let rows = [
            row("current", 2026, Some(1_000_000.0), 500_000.0),
            row("current", 2027, Some(0.0), 0.0),
            row("fast", 2026, Some(2_000_000.0), 500_000.0),
            row("fast", 2027, None, 0.0),
        ];
        let svg = funding_bars(&rows, "USD", |_| (0, 0, 0));
        assert_eq!(rect_heights(&svg), vec![110.0, 220.0]);
        assert_eq!(
            svg.matches("<line x1").count() - 5,
            2,
            "5 grid lines, 2 years"
        );
        assert!(svg.contains("thousand USD"), "{svg}");
    }
}
