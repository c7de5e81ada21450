//! `report.html`: one self-contained page for managers and donors.
//!
//! Input: the checked pipeline, the inputs after QA, the analysis [`Summary`] and every
//! QA finding. Output: `report.html` in the output directory, one file with inline CSS
//! and inline SVG charts; no script, no font, no image and no link is fetched, so it
//! opens offline and can be mailed as is.
//!
//! Sections (each a `<section id=…>`): `totals` (national figures), `map` (regions
//! shaded by % released, remaining hazard land coloured CHA/SHA), `regions` (stacked
//! bars: remaining CHA/SHA and released land split into cleared/reduced/cancelled),
//! `ledger` (R11: land released per year by method and land added, counted once), `progress`
//! (projected completion against the deadline), `outlook` (R12: the rate the deadline
//! needs, scenarios, burn-down charts; module `outlook`), `priorities` (the top 20 with
//! every factor) and `qa` (finding counts by severity and check).
//!
//! Assumptions: geometry is EPSG:4326 (lon, lat); the map uses an equirectangular
//! projection with x scaled by cos(mean latitude), and drops vertices closer than
//! [`MIN_STEP_PX`] to the previous one (a ring that collapses is drawn as a dot).
//! Areas are geodesic m² (`analysis::area`). Every text that comes from the data is
//! escaped. The page depends only on its inputs (no clock, no paths other than the
//! pipeline's file name), so the same run gives the same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use geo::{BoundingRect, Coord, InteriorPoint, LineString, MultiPolygon, Rect};

mod outlook;

use super::palette::{
    hex as rgb, Rgb, CANCELLED_RGB, CHA_OUTLINE_RGB, CHA_RGB, CLEARED_RGB, NO_LAND_RGB,
    REDUCED_RGB, RELEASED_RAMP_PAGE as RELEASED_RAMP, SHA_OUTLINE_RGB, SHA_RGB,
};
use crate::analysis::priority::MIN_REMAINING_M2;
use crate::analysis::{HazardRow, RegionRow, Summary};
use crate::config::Pipeline;
use crate::model::{Finding, Inputs, Severity, Status};
use crate::report::ReportError;

/// What the HTML report shows.
pub struct ReportContext<'a> {
    /// The pipeline (as-of date, deadlines, parameters).
    pub pipeline: &'a Pipeline,
    /// Inputs after QA.
    pub inputs: &'a Inputs,
    /// Analysis results.
    pub summary: &'a Summary,
    /// All QA findings.
    pub findings: &'a [Finding],
    /// Counts of changes since the previous run (`kind/change` → n), when there was one.
    pub changes: Option<&'a BTreeMap<String, usize>>,
}

/// Vertices closer than this (in SVG pixels) to the previous kept vertex are dropped.
pub const MIN_STEP_PX: f64 = 1.0;

/// Hazard parts smaller than this on the map (pixels) are drawn as dots this wide.
const HAZARD_DOT_PX: f64 = 7.0;

/// Rows in the priority table.
const TOP_PRIORITIES: usize = 20;

/// Width of every chart, pixels.
const CHART_W: f64 = 960.0;

/// Writes `report.html` into `dir`.
pub fn write_report(dir: &Path, ctx: &ReportContext) -> Result<(), ReportError> {
    let path = dir.join("report.html");
    std::fs::write(&path, render(ctx)).map_err(|source| ReportError::Io { path, source })
}

/// The whole page.
pub fn render(ctx: &ReportContext) -> String {
    let as_of = ctx.pipeline.as_of;
    let pipeline_name = ctx
        .pipeline
        .path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut page = String::with_capacity(256 * 1024);
    let _ = write!(
        page,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>Land release report as of {as_of}</title>\n<style>{css}</style>\n",
            "</head>\n<body>\n<header><h1>Land release report</h1>\n",
            "<p class=\"sub\">As of <time datetime=\"{as_of}\">{as_of}</time> · pipeline ",
            "<code>{name}</code> · minefree {version}</p></header>\n"
        ),
        as_of = as_of,
        css = CSS,
        name = esc(&pipeline_name),
        version = env!("CARGO_PKG_VERSION"),
    );
    page.push_str(&totals_section(ctx));
    page.push_str(&map_section(ctx));
    page.push_str(&regions_section(ctx.summary));
    page.push_str(&outlook::ledger_section(ctx.summary));
    page.push_str(&progress_section(ctx));
    page.push_str(&outlook::outlook_section(ctx));
    page.push_str(&priorities_section(ctx));
    page.push_str(&changes_section(ctx.changes));
    page.push_str(&qa_section(ctx.findings));
    let _ = write!(
        page,
        concat!(
            "<footer>Areas are geodesic (WGS84) square metres; released land is split by ",
            "the strongest method that released it (cleared, then reduced, then ",
            "cancelled). Pipeline SHA-256 <code>{sha}</code>.</footer>\n</body>\n</html>\n"
        ),
        sha = esc(&ctx.pipeline.sha256),
    );
    page
}

const CSS: &str = r#"
body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#222;margin:0 auto;max-width:1120px;padding:16px 24px;line-height:1.35;font-size:14px}
h1{margin:0 0 4px;font-size:26px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #ddd;padding-bottom:3px}
.sub{color:#555;margin:0}.note{color:#555;font-size:12px;margin:4px 0}
table{border-collapse:collapse;margin:6px 0 10px;font-size:12.5px}
th,td{border:1px solid #d0d0d0;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f1f1}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}
.card{border:1px solid #d6d6d6;border-radius:6px;padding:8px 12px;min-width:150px;background:#fafafa}
.card b{display:block;font-size:19px}.card span{color:#555;font-size:12px}
.ok{background:#d9f0d3}.late{background:#f8d0cc}.none{background:#eee}
.error{color:#b00000;font-weight:bold}.warning{color:#a05a00;font-weight:bold}.info{color:#1f5fa8}
.wide{overflow-x:auto}.wide table{font-size:11.5px}.wide th,.wide td{padding:2px 4px}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:12px;margin:4px 0}
.sw{display:inline-block;width:12px;height:12px;border:1px solid #555;margin-right:4px;vertical-align:-2px}
svg{display:block;max-width:100%;height:auto}svg text{font-family:"DejaVu Sans",Arial,sans-serif}
#outlook td{white-space:nowrap}.small-multiples{display:flex;flex-wrap:wrap;gap:8px}.lead{font-size:15px}
h3{font-size:14px;margin:12px 0 2px}details summary{cursor:pointer;color:#1f5fa8}
footer{margin-top:30px;color:#666;font-size:11.5px;border-top:1px solid #ddd;padding-top:6px}
"#;

// ---------------------------------------------------------------------------------------
// Formatting.

/// Escapes text for HTML element content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole number with thousands separators (`1,234,567`).
fn thousands(x: f64) -> String {
    let n = x.round();
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn m2(x: f64) -> String {
    format!("{} m²", thousands(x))
}

fn km2(x: f64) -> String {
    format!("{:.2} km²", x / 1e6)
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |p| format!("{p:.1} %"))
}

fn opt<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or_else(|| "–".to_string(), |v| v.to_string())
}

/// A table cell: HTML (already escaped) and whether it is numeric.
struct Cell {
    html: String,
    class: &'static str,
}

fn text(s: &str) -> Cell {
    Cell {
        html: esc(s),
        class: "",
    }
}

fn num(s: String) -> Cell {
    Cell {
        html: esc(&s),
        class: "n",
    }
}

fn classed(s: &str, class: &'static str) -> Cell {
    Cell {
        html: esc(s),
        class,
    }
}

/// A table; headers ending in `#` are numeric (right-aligned; the `#` is dropped).
fn table(headers: &[&str], rows: &[Vec<Cell>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in headers {
        match h.strip_suffix('#') {
            Some(h) => {
                let _ = write!(s, "<th class=\"n\">{}</th>", esc(h));
            }
            None => {
                let _ = write!(s, "<th>{}</th>", esc(h));
            }
        }
    }
    s.push_str("</tr></thead><tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for c in row {
            if c.class.is_empty() {
                let _ = write!(s, "<td>{}</td>", c.html);
            } else {
                let _ = write!(s, "<td class=\"{}\">{}</td>", c.class, c.html);
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// A legend: (colour, label) swatches.
fn legend(items: &[(Rgb, &str)]) -> String {
    let mut s = String::from("<div class=\"legend\">");
    for (c, label) in items {
        let _ = write!(
            s,
            "<span><i class=\"sw\" style=\"background:{}\"></i>{}</span>",
            rgb(*c),
            esc(label)
        );
    }
    s.push_str("</div>\n");
    s
}

// ---------------------------------------------------------------------------------------
// Totals.

fn totals_section(ctx: &ReportContext) -> String {
    let n = &ctx.summary.national;
    let f = &n.figures;
    let p = &n.progress;
    let on_track = match p.forecast.on_track {
        Some(true) => "on track",
        Some(false) => "behind",
        None => "no deadline",
    };
    let cards: [(String, &str); 10] = [
        (km2(f.original_m2), "hazard land recorded"),
        (km2(f.remaining_m2), "remaining"),
        (km2(f.remaining_cha_m2), "remaining CHA (confirmed)"),
        (km2(f.remaining_sha_m2), "remaining SHA (suspected)"),
        (pct(f.pct_released()), "released"),
        (km2(f.cleared_m2), "cleared"),
        (km2(f.reduced_m2), "reduced"),
        (km2(f.cancelled_m2), "cancelled"),
        (thousands(n.hazards as f64), "hazards with land remaining"),
        (
            thousands(n.population_near_hazards as f64),
            "people in settlements near them",
        ),
    ];
    let mut s =
        String::from("<section id=\"totals\"><h2>National totals</h2><div class=\"cards\">");
    for (value, label) in &cards {
        let _ = write!(
            s,
            "<div class=\"card\"><b>{}</b><span>{}</span></div>",
            esc(value),
            esc(label)
        );
    }
    let _ = write!(
        s,
        concat!(
            "</div><p>Released in the last {days} days: {window}, about {rate} per year. ",
            "At that rate the remaining land is released by <b>{projected}</b> ",
            "(deadline {deadline}: <b>{status}</b>).</p></section>\n"
        ),
        days = ctx.pipeline.parameters.window_days,
        window = esc(&km2(p.released_window_m2)),
        rate = esc(&km2(p.rate_m2_per_year)),
        projected = esc(&opt(p.forecast.projected_completion)),
        deadline = esc(&opt(p.deadline)),
        status = on_track,
    );
    s
}

// ---------------------------------------------------------------------------------------
// Map.

/// lon/lat → SVG pixels: equirectangular, x scaled by cos(mean latitude), north up.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    min_lon: f64,
    max_lat: f64,
    kx: f64,
    ky: f64,
    pad: f64,
    /// SVG width, pixels.
    pub width: f64,
    /// SVG height, pixels.
    pub height: f64,
}

impl Frame {
    /// Fits `bounds` into at most `max_w` × `max_h` pixels (plus `pad` on each side).
    pub fn fit(bounds: Rect<f64>, max_w: f64, max_h: f64, pad: f64) -> Frame {
        let mean_lat = (bounds.min().y + bounds.max().y) / 2.0;
        let cos = mean_lat.to_radians().cos().max(0.01);
        let w_deg = (bounds.width() * cos).max(1e-9);
        let h_deg = bounds.height().max(1e-9);
        let scale = (max_w / w_deg).min(max_h / h_deg);
        Frame {
            min_lon: bounds.min().x,
            max_lat: bounds.max().y,
            kx: scale * cos,
            ky: scale,
            pad,
            width: w_deg * scale + 2.0 * pad,
            height: h_deg * scale + 2.0 * pad,
        }
    }

    /// A point in pixels.
    pub fn xy(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.pad + (c.x - self.min_lon) * self.kx,
            self.pad + (self.max_lat - c.y) * self.ky,
        )
    }

    /// A ring as SVG path data, dropping vertices closer than [`MIN_STEP_PX`] to the
    /// last kept one; `None` when fewer than three vertices remain.
    pub fn ring(&self, ring: &LineString<f64>) -> Option<String> {
        let mut kept: Vec<(f64, f64)> = Vec::new();
        for &c in &ring.0 {
            let p = self.xy(c);
            let far = kept
                .last()
                .is_none_or(|q| (p.0 - q.0).hypot(p.1 - q.1) >= MIN_STEP_PX);
            if far {
                kept.push(p);
            }
        }
        if kept.len() > 1 {
            let (a, b) = (kept[0], kept[kept.len() - 1]);
            if (a.0 - b.0).hypot(a.1 - b.1) < MIN_STEP_PX {
                kept.pop();
            }
        }
        if kept.len() < 3 {
            return None;
        }
        let mut d = String::new();
        for (i, (x, y)) in kept.iter().enumerate() {
            let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { 'M' } else { 'L' });
        }
        d.push('Z');
        Some(d)
    }

    /// SVG for a MultiPolygon: one `<path>` (holes by even-odd) for the parts whose
    /// bounding box is at least `dot_px` wide or high, and a dot of that diameter (at
    /// the part's interior point) for each smaller part, so that small hazards show.
    pub fn shape(&self, mp: &MultiPolygon<f64>, style: &str, title: &str, dot_px: f64) -> String {
        let mut d = String::new();
        let mut dots = String::new();
        for poly in &mp.0 {
            let big = poly.bounding_rect().is_some_and(|b| {
                let (x0, y0) = self.xy(b.min());
                let (x1, y1) = self.xy(b.max());
                (x1 - x0).abs().max((y1 - y0).abs()) >= dot_px
            });
            let outer = if big {
                self.ring(poly.exterior())
            } else {
                None
            };
            match outer {
                Some(outer) => {
                    d.push_str(&outer);
                    for hole in poly.interiors() {
                        d.push_str(&self.ring(hole).unwrap_or_default());
                    }
                }
                None => {
                    let point =
                        crate::analysis::interior::InteriorPoint::of(std::slice::from_ref(poly));
                    if let Some(p) = point {
                        let (x, y) = self.xy(p.point);
                        let _ = write!(
                            dots,
                            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"/>",
                            dot_px / 2.0
                        );
                    }
                }
            }
        }
        if d.is_empty() && dots.is_empty() {
            return String::new();
        }
        let mut s = format!("<g {style}><title>{}</title>", esc(title));
        if !d.is_empty() {
            let _ = write!(s, "<path fill-rule=\"evenodd\" d=\"{d}\"/>");
        }
        s.push_str(&dots);
        s.push_str("</g>\n");
        s
    }
}

fn union_bounds(a: Option<Rect<f64>>, b: Option<Rect<f64>>) -> Option<Rect<f64>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )),
        (a, b) => a.or(b),
    }
}

/// Index in [`RELEASED_RAMP`] of a % released; `None` for a region without hazard land
/// (its own neutral class: it is not "nearly cleared", nothing was ever recorded there).
fn ramp_class(pct: Option<f64>) -> Option<usize> {
    pct.map(|p| ((p.clamp(0.0, 100.0) / 20.0).floor() as usize).min(4))
}

/// The map fill of a region by its % released.
fn region_fill(pct: Option<f64>) -> Rgb {
    ramp_class(pct).map_or(NO_LAND_RGB, |k| RELEASED_RAMP[k])
}

fn remaining_rows(summary: &Summary) -> impl Iterator<Item = &HazardRow> {
    summary
        .hazards
        .iter()
        .filter(|h| h.account.remaining_m2 >= MIN_REMAINING_M2)
}

fn map_section(ctx: &ReportContext) -> String {
    let mut s = String::from("<section id=\"map\"><h2>Map: regions and remaining hazards</h2>\n");
    let regions: Vec<&RegionRow> = ctx
        .summary
        .regions
        .iter()
        .filter(|r| r.geometry.is_some())
        .collect();
    let mut bounds = None;
    for r in &regions {
        bounds = union_bounds(bounds, r.geometry.as_ref().and_then(|g| g.bounding_rect()));
    }
    for h in remaining_rows(ctx.summary) {
        bounds = union_bounds(bounds, h.account.remaining.bounding_rect());
    }
    let Some(bounds) = bounds else {
        s.push_str("<p>No region or remaining hazard to map.</p></section>\n");
        return s;
    };
    let frame = Frame::fit(bounds, CHART_W - 20.0, 900.0, 10.0);
    let _ = write!(
        s,
        "<svg id=\"map-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"Map of regions and remaining hazards\">\n<rect width=\"100%\" height=\"100%\" fill=\"#eef4f8\"/>\n",
        w = frame.width,
        h = frame.height
    );
    for r in &regions {
        let fill = rgb(region_fill(r.figures.pct_released()));
        let style = format!("fill=\"{fill}\" stroke=\"#555\" stroke-width=\"1\"");
        let title = format!(
            "{} ({}): {} released",
            r.name,
            r.region_id,
            pct(r.figures.pct_released())
        );
        if let Some(g) = &r.geometry {
            s.push_str(&frame.shape(g, &style, &title, 3.0));
        }
    }
    let status_of = |h: &HazardRow| ctx.inputs.hazards[h.index].status;
    for status in [Status::Sha, Status::Cha] {
        let (fill, stroke) = match status {
            Status::Cha => (CHA_RGB, CHA_OUTLINE_RGB),
            Status::Sha => (SHA_RGB, SHA_OUTLINE_RGB),
        };
        let style = format!(
            "fill=\"{}\" stroke=\"{}\" stroke-width=\"0.6\"",
            rgb(fill),
            rgb(stroke)
        );
        for h in remaining_rows(ctx.summary).filter(|h| status_of(h) == status) {
            let hz = &ctx.inputs.hazards[h.index];
            let title = format!(
                "{} ({}): {} remaining",
                hz.hazard_id,
                status.as_str(),
                m2(h.account.remaining_m2)
            );
            s.push_str(&frame.shape(&h.account.remaining, &style, &title, HAZARD_DOT_PX));
        }
    }
    s.push_str("<g font-size=\"13\" font-weight=\"bold\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\" text-anchor=\"middle\">\n");
    s.push_str(&region_labels(&frame, &regions));
    s.push_str("</g>\n<g font-size=\"10\" fill=\"#3d0050\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\" text-anchor=\"middle\">\n");
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (rank, h) in ranked(ctx.summary).into_iter().take(10) {
        if let Some(p) = h.account.remaining.interior_point() {
            let (x, y) = frame.xy(p.0);
            // Above, below, right or left of the hazard: the first spot that does not
            // collide with a label already placed (else the label is left out).
            let spots = [
                (x, y - 6.0),
                (x, y + 14.0),
                (x + 16.0, y + 4.0),
                (x - 16.0, y + 4.0),
            ];
            let free = spots.into_iter().find(|&(sx, sy)| {
                placed
                    .iter()
                    .all(|&(px, py)| (sx - px).abs() >= 22.0 || (sy - py).abs() >= 11.0)
            });
            if let Some((lx, ly)) = free {
                placed.push((lx, ly));
                let _ = writeln!(s, "<text x=\"{lx:.1}\" y=\"{ly:.1}\">#{rank}</text>");
            }
        }
    }
    s.push_str("</g>\n</svg>\n");
    let mut items: Vec<(Rgb, String)> = vec![
        (CHA_RGB, "CHA (confirmed hazardous area)".to_string()),
        (SHA_RGB, "SHA (suspected hazardous area)".to_string()),
    ];
    for (i, c) in RELEASED_RAMP.iter().enumerate() {
        items.push((*c, format!("region {}–{} % released", 20 * i, 20 * (i + 1))));
    }
    items.push((NO_LAND_RGB, "region: no hazard land recorded".to_string()));
    let items: Vec<(Rgb, &str)> = items.iter().map(|(c, l)| (*c, l.as_str())).collect();
    s.push_str(&legend(&items));
    s.push_str("<p class=\"note\">#N: rank of the ten highest priorities. Region names: the regions with land remaining, largest first. A label that would overlap another is left out. Hazards smaller than 7 pixels are drawn as dots.</p></section>\n");
    s
}

/// Names of the regions with land remaining, largest remaining first, each at its
/// interior point unless it would overlap a name already placed (then it is left out).
fn region_labels(frame: &Frame, regions: &[&RegionRow]) -> String {
    let mut order: Vec<&&RegionRow> = regions
        .iter()
        .filter(|r| r.figures.remaining_m2 >= MIN_REMAINING_M2)
        .collect();
    order.sort_by(|a, b| {
        b.figures
            .remaining_m2
            .total_cmp(&a.figures.remaining_m2)
            .then_with(|| a.region_id.cmp(&b.region_id))
    });
    // Label boxes in pixels: 13 px bold text, about 8 px per character.
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    let mut s = String::new();
    for r in order {
        let Some(p) = r.geometry.as_ref().and_then(|g| g.interior_point()) else {
            continue;
        };
        let (x, y) = frame.xy(p.0);
        let half_w = 4.0 * r.name.chars().count() as f64 + 3.0;
        let clear = placed
            .iter()
            .all(|&(px, py, pw)| (x - px).abs() >= half_w + pw || (y - py).abs() >= 16.0);
        if clear {
            placed.push((x, y, half_w));
            let _ = writeln!(s, "<text x=\"{x:.1}\" y=\"{y:.1}\">{}</text>", esc(&r.name));
        }
    }
    s
}

// ---------------------------------------------------------------------------------------
// Per-region stacked bars.

fn regions_section(summary: &Summary) -> String {
    let mut s =
        String::from("<section id=\"regions\"><h2>Remaining and released land by region</h2>\n");
    if summary.regions.is_empty() {
        s.push_str("<p>No regions.</p></section>\n");
        return s;
    }
    // Bars by remaining land, most first (ties by region_id), so the work is on top.
    let mut rows: Vec<&RegionRow> = summary.regions.iter().collect();
    rows.sort_by(|a, b| {
        b.figures
            .remaining_m2
            .total_cmp(&a.figures.remaining_m2)
            .then_with(|| a.region_id.cmp(&b.region_id))
    });
    let max = rows
        .iter()
        .map(|r| r.figures.original_m2)
        .fold(0.0, f64::max)
        .max(1.0);
    let (label_w, value_w, row_h) = (190.0, 210.0, 28.0);
    let bar_w = CHART_W - label_w - value_w;
    let height = row_h * rows.len() as f64 + 10.0;
    let _ = writeln!(
        s,
        "<svg id=\"regions-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{CHART_W:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {CHART_W:.0} {height:.0}\" font-size=\"12\">"
    );
    for (i, r) in rows.iter().enumerate() {
        let f = &r.figures;
        let y = 5.0 + row_h * i as f64;
        let _ = writeln!(
            s,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 16.0,
            esc(&r.name)
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
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"20\" fill=\"{}\"><title>{}: {} {}</title></rect>",
                    y + 2.0,
                    rgb(colour),
                    esc(&r.name),
                    what,
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
            esc(&km2(f.original_m2)),
            esc(&pct(f.pct_released()))
        );
    }
    s.push_str("</svg>\n");
    s.push_str(&legend(&[
        (CHA_RGB, "remaining CHA"),
        (SHA_RGB, "remaining SHA"),
        (CLEARED_RGB, "cleared"),
        (REDUCED_RGB, "reduced"),
        (CANCELLED_RGB, "cancelled"),
    ]));
    let body: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let f = &r.figures;
            vec![
                text(&r.region_id),
                text(&r.name),
                num(thousands(r.hazards as f64)),
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
    s.push_str(&table(
        &[
            "Region",
            "Name",
            "Hazards#",
            "Original#",
            "Remaining CHA#",
            "Remaining SHA#",
            "Cleared#",
            "Reduced#",
            "Cancelled#",
            "Released#",
        ],
        &body,
    ));
    s.push_str("</section>\n");
    s
}

// ---------------------------------------------------------------------------------------
// Release trend.

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

/// A number with at most two decimals and no trailing zeros.
fn trim_number(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Progress against deadlines.

fn progress_section(ctx: &ReportContext) -> String {
    let mut s = String::from(
        "<section id=\"progress\"><h2>Projected completion against the deadline</h2>\n",
    );
    let _ = writeln!(
        s,
        "<p class=\"note\">Rate = land released in the {} days before the as-of date, per year; projected completion = as-of date + remaining ÷ rate.</p>",
        ctx.pipeline.parameters.window_days
    );
    let rows: Vec<Vec<Cell>> = ctx
        .summary
        .regions
        .iter()
        .chain(std::iter::once(&ctx.summary.national))
        .map(|r| {
            let p = &r.progress;
            let (status, class) = match p.forecast.on_track {
                Some(true) => ("on track", "ok"),
                Some(false) => ("behind", "late"),
                None => ("no deadline", "none"),
            };
            vec![
                text(&r.region_id),
                text(&r.name),
                num(m2(r.figures.remaining_m2)),
                num(m2(p.released_window_m2)),
                num(m2(p.rate_m2_per_year)),
                num(p
                    .forecast
                    .years_to_complete
                    .map_or_else(|| "–".to_string(), |y| format!("{y:.1}"))),
                text(&opt(p.forecast.projected_completion)),
                text(&opt(p.deadline)),
                classed(status, class),
            ]
        })
        .collect();
    s.push_str(&table(
        &[
            "Region",
            "Name",
            "Remaining#",
            "Released in window#",
            "Rate per year#",
            "Years to complete#",
            "Projected completion",
            "Deadline",
            "Status",
        ],
        &rows,
    ));
    s.push_str("</section>\n");
    s
}

// ---------------------------------------------------------------------------------------
// Priorities.

/// Hazards with a rank, by rank.
fn ranked(summary: &Summary) -> Vec<(u64, &HazardRow)> {
    let mut out: Vec<(u64, &HazardRow)> = summary
        .hazards
        .iter()
        .filter_map(|h| h.priority.as_ref().map(|p| (p.rank, h)))
        .collect();
    out.sort_by_key(|(rank, h)| (*rank, h.index));
    out
}

fn priorities_section(ctx: &ReportContext) -> String {
    let mut s = format!(
        "<section id=\"priorities\"><h2>Top {TOP_PRIORITIES} priorities</h2>\n<p class=\"note\">Factors are 0–1; score = weighted mean × 100 (weights: proximity {}, people {}, accidents {}, status {}, type {}; radius {} m).</p>\n",
        ctx.pipeline.parameters.weights.proximity,
        ctx.pipeline.parameters.weights.people,
        ctx.pipeline.parameters.weights.accidents,
        ctx.pipeline.parameters.weights.status,
        ctx.pipeline.parameters.weights.hazard_type,
        ctx.pipeline.parameters.radius_m,
    );
    let factor = |x: f64| num(format!("{x:.3}"));
    let rows: Vec<Vec<Cell>> = ranked(ctx.summary)
        .into_iter()
        .take(TOP_PRIORITIES)
        .filter_map(|(rank, h)| {
            let p = h.priority.as_ref()?;
            let hz = &ctx.inputs.hazards[h.index];
            let nearest = p
                .nearest
                .map(|i| ctx.inputs.settlements[i].name.as_str())
                .unwrap_or("–");
            Some(vec![
                num(rank.to_string()),
                text(&hz.hazard_id),
                text(hz.status.as_str()),
                text(hz.hazard_type.map_or("–", |t| t.as_str())),
                text(&h.region_id),
                num(m2(h.account.remaining_m2)),
                text(nearest),
                num(p.distance_m.map_or_else(|| "–".to_string(), thousands)),
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
        })
        .collect();
    if rows.is_empty() {
        s.push_str("<p>No hazard with land remaining.</p>");
    } else {
        s.push_str("<div class=\"wide\">");
        s.push_str(&table(
            &[
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
            ],
            &rows,
        ));
        s.push_str("</div>");
    }
    s.push_str("</section>\n");
    s
}

// ---------------------------------------------------------------------------------------
// QA.

fn changes_section(changes: Option<&BTreeMap<String, usize>>) -> String {
    let mut s = String::from("<section id=\"changes\"><h2>Changes since the last run</h2>\n");
    match changes {
        None => s.push_str("<p>No previous run in this output directory.</p>"),
        Some(c) if c.is_empty() => s.push_str("<p>Nothing changed since the last run.</p>"),
        Some(c) => {
            s.push_str("<ul>");
            for (what, n) in c {
                let _ = write!(s, "<li>{}: {n}</li>", esc(&what.replace(['/', '_'], " ")));
            }
            s.push_str(
                "</ul><p>Details: <code>changes.csv</code> and the <code>changes</code> layer.</p>",
            );
        }
    }
    s.push_str("</section>\n");
    s
}

fn qa_section(findings: &[Finding]) -> String {
    let mut s = String::from("<section id=\"qa\"><h2>Data quality (QA findings)</h2>\n");
    let mut by_severity: BTreeMap<Severity, usize> = BTreeMap::new();
    // Most severe first, then by check and layer.
    let mut by_check: BTreeMap<(std::cmp::Reverse<Severity>, &str, &str), usize> = BTreeMap::new();
    for f in findings {
        *by_severity.entry(f.severity).or_default() += 1;
        *by_check
            .entry((std::cmp::Reverse(f.severity), f.check, f.layer.as_str()))
            .or_default() += 1;
    }
    s.push_str("<div class=\"cards\">");
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let _ = write!(
            s,
            "<div class=\"card\"><b class=\"{0}\">{1}</b><span>{0}</span></div>",
            sev.as_str(),
            by_severity.get(&sev).copied().unwrap_or(0)
        );
    }
    s.push_str("</div>\n");
    if by_check.is_empty() {
        s.push_str("<p>No findings.</p>");
    } else {
        let rows: Vec<Vec<Cell>> = by_check
            .iter()
            .map(|((std::cmp::Reverse(sev), check, layer), n)| {
                vec![
                    classed(sev.as_str(), sev_class(*sev)),
                    text(check),
                    text(layer),
                    num(n.to_string()),
                ]
            })
            .collect();
        s.push_str(&table(&["Severity", "Check", "Layer", "Findings#"], &rows));
        s.push_str("<p class=\"note\">Every finding, with its feature id and message, is in <code>qa_findings.csv</code> and the <code>qa_findings</code> layer.</p>");
    }
    s.push_str("</section>\n");
    s
}

fn sev_class(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{priority, regions, release, summarise};
    use crate::config::{Deadlines, FailOn, Parameters};
    use crate::model::{Hazard, HazardType, Method, Region, Release, Settlement};
    use chrono::NaiveDate;
    use geo::{point, polygon, wkt};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn region_without_hazard_land_has_its_own_class() {
        assert_eq!(region_fill(None), NO_LAND_RGB);
        assert_eq!(region_fill(Some(100.0)), RELEASED_RAMP[4]);
        assert_eq!(region_fill(Some(0.0)), RELEASED_RAMP[0]);
        assert_eq!(region_fill(Some(39.9)), RELEASED_RAMP[1]);
        assert!(!RELEASED_RAMP.contains(&NO_LAND_RGB));
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234567.49), "1,234,567");
        assert_eq!(thousands(-1000.0), "-1,000");
    }

    #[test]
    fn nice_ceiling_is_1_2_5() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.0), 5.0);
        assert_eq!(nice_ceiling(5.0), 5.0);
        assert_eq!(nice_ceiling(1_200_000.0), 2_000_000.0);
        assert_eq!(nice_ceiling(7_000.0), 10_000.0);
    }

    #[test]
    fn frame_scales_longitude_by_cos_mean_latitude() {
        // 1° × 1° at 60° N: x extent is half the y extent.
        let b = Rect::new(Coord { x: 10.0, y: 59.5 }, Coord { x: 11.0, y: 60.5 });
        let f = Frame::fit(b, 1000.0, 200.0, 0.0);
        assert!((f.height - 200.0).abs() < 1e-9);
        assert!((f.width - 100.0).abs() < 0.1, "width {}", f.width);
        assert_eq!(f.xy(Coord { x: 10.0, y: 60.5 }), (0.0, 0.0));
    }

    #[test]
    fn ring_drops_close_vertices_and_collapses_tiny_rings() {
        let b = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 });
        let f = Frame::fit(b, 100.0, 100.0, 0.0);
        let ring = wkt!(LINESTRING(0.0 0.0,0.001 0.0,0.5 0.0,0.5 0.5,0.0 0.5,0.0 0.0));
        assert_eq!(
            f.ring(&ring).as_deref(),
            Some("M0.0,100.0L50.0,100.0L50.0,50.0L0.0,50.0Z")
        );
        let tiny = wkt!(LINESTRING(0.0 0.0,0.001 0.0,0.001 0.001,0.0 0.0));
        assert_eq!(f.ring(&tiny), None);
        let mp = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.001, y: 0.0), (x: 0.0, y: 0.001)],
        ]);
        assert!(f.shape(&mp, "", "t", 3.0).contains("<circle"));
        let square = MultiPolygon(vec![
            polygon![(x: 0.0, y: 0.0), (x: 0.5, y: 0.0), (x: 0.5, y: 0.5), (x: 0.0, y: 0.5)],
        ]);
        assert!(f.shape(&square, "", "t", 3.0).contains("<path"));
        assert!(f.shape(&square, "", "t", 60.0).contains("r=\"30.0\""));
    }

    /// A small run whose ids and names contain markup.
    fn hostile_page() -> String {
        let as_of = d("2026-06-30");
        let hazard = Hazard {
            hazard_id: "HZ-<1>&\"x\"".into(),
            status: Status::Cha,
            hazard_type: Some(HazardType::Ap),
            recorded_on: Some(d("2020-01-01")),
            geometry: MultiPolygon(vec![
                polygon![(x: 0.1, y: 0.1), (x: 0.2, y: 0.1), (x: 0.2, y: 0.2), (x: 0.1, y: 0.2)],
            ]),
            extra: vec![],
        };
        let r1 = Release {
            release_id: "R1".into(),
            method: Method::Cleared,
            completed_on: d("2025-05-05"),
            hazard_id: None,
            organisation: None,
            geometry: MultiPolygon(vec![
                polygon![(x: 0.1, y: 0.1), (x: 0.15, y: 0.1), (x: 0.15, y: 0.2), (x: 0.1, y: 0.2)],
            ]),
        };
        // R2 is R1 again under another id (the ledger must count that land once).
        let r2 = Release {
            release_id: "R2".into(),
            ..r1.clone()
        };
        let inputs = Inputs {
            hazards: vec![hazard],
            releases: vec![r1, r2],
            regions: vec![Region {
                region_id: "R<'1'>".into(),
                name: "North & <script>alert(1)</script>".into(),
                parent_id: None,
                geometry: MultiPolygon(vec![
                    polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
                ]),
            }],
            settlements: vec![Settlement {
                settlement_id: "S1".into(),
                name: "Village \"<b>\"".into(),
                population: 100,
                location: point!(x: 0.25, y: 0.15),
            }],
            ..Default::default()
        };
        let params = Parameters::default();
        let window_start = as_of - chrono::Duration::days(730);
        let (accounts, _) =
            release::account_hazards(&inputs.hazards, &inputs.releases, window_start);
        let span = crate::analysis::ledger::LedgerSpan::of(
            &inputs.hazards,
            &accounts,
            &inputs.releases,
            as_of,
        );
        let land = regions::land_and_ledger_by_region(
            &inputs.hazards,
            &accounts,
            &inputs.regions,
            Some(&span),
        );
        let prio = priority::prioritise(
            &inputs.hazards,
            &accounts,
            &inputs.settlements,
            &inputs.accidents,
            &params,
            as_of,
        );
        let deadlines = Deadlines {
            national: Some(d("2030-01-01")),
            ..Default::default()
        };
        let scenarios = vec![crate::config::Scenario {
            name: "current".into(),
            rate: crate::config::ScenarioRate::Factor(1.0),
        }];
        let outlook = crate::analysis::Outlook {
            as_of,
            window_days: 730,
            deadlines: &deadlines,
            scenarios: &scenarios,
        };
        let summary = summarise(&inputs, accounts, &land, prio, &outlook);
        let pipeline = Pipeline {
            path: "/somewhere/<evil>.toml".into(),
            sha256: "abc".into(),
            as_of,
            output: "/tmp/x".into(),
            fail_on: FailOn::Never,
            inputs: vec![],
            parameters: params,
            deadlines: deadlines.clone(),
            scenarios,
        };
        let findings = vec![Finding::new(
            Severity::Warning,
            "spike",
            "hazards",
            "HZ-<1>",
            "a <spike>",
        )];
        render(&ReportContext {
            pipeline: &pipeline,
            inputs: &inputs,
            summary: &summary,
            findings: &findings,
            changes: None,
        })
    }

    #[test]
    fn ledger_counts_land_once_not_release_records() {
        // R1 and R2 are the same cleared half of the hazard, completed in 2025: the
        // released land is that half once (a sum of records would say twice).
        let page = hostile_page();
        let half = crate::analysis::area::area_m2(&MultiPolygon(vec![
            polygon![(x: 0.1, y: 0.1), (x: 0.15, y: 0.1), (x: 0.15, y: 0.2), (x: 0.1, y: 0.2)],
        ]));
        let ledger = &page[page.find("<section id=\"ledger\">").unwrap()..];
        let ledger = &ledger[..ledger.find("</section>").unwrap()];
        let row_2025 = &ledger[ledger.find("<td>2025</td>").expect("a 2025 row")..];
        let row_2025 = &row_2025[..row_2025.find("</tr>").unwrap()];
        // Cells: year, start, added, released, …; figures print as "61,545,152 m²".
        let cells: Vec<f64> = row_2025
            .split("<td class=\"n\">")
            .skip(1)
            .map(|c| {
                c[..c.find(" m²").unwrap()]
                    .replace(',', "")
                    .parse()
                    .unwrap()
            })
            .collect();
        let released = cells[2];
        assert!(
            (released - half).abs() <= 1e-5 * half,
            "released {released}, half {half}"
        );
        assert!(
            (cells[3] - half).abs() <= 1e-5 * half,
            "cleared {}",
            cells[3]
        );
        assert!(page.contains("<section id=\"outlook\">"));
    }

    #[test]
    fn user_text_is_escaped_everywhere() {
        let page = hostile_page();
        assert!(!page.contains("<script"), "raw script tag in page");
        assert!(!page.contains("<evil>") && !page.contains("<1>") && !page.contains("\"<b>\""));
        assert!(page.contains("North &amp; &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("HZ-&lt;1&gt;&amp;&quot;x&quot;"));
        assert!(page.contains("&lt;evil&gt;.toml"));
        for id in [
            "totals",
            "map",
            "regions",
            "ledger",
            "progress",
            "outlook",
            "priorities",
            "qa",
        ] {
            assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        for fetch in ["src=", "href=", "url(", "@import"] {
            assert!(!page.contains(fetch), "{fetch} would fetch a resource");
        }
    }

    #[test]
    fn page_is_deterministic() {
        assert_eq!(hostile_page(), hostile_page());
    }
}
