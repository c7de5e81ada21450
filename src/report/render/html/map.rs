//! The map of `report.html`: regions shaded by % released, remaining hazard land
//! coloured CHA/SHA, the ten highest priorities' ranks and the names of the regions with
//! land remaining, as one inline SVG.
//!
//! Assumptions: geometry is EPSG:4326 (lon, lat); the map uses an equirectangular
//! projection with x scaled by cos(mean latitude) ([`Frame`]), and drops vertices
//! closer than [`MIN_STEP_PX`] to the previous one (a ring that collapses is drawn as a
//! dot). Labels are placed greedily: a label that would overlap one already placed is
//! left out. Text from the data is escaped with the template engine's HTML escaper.

use std::fmt::Write as _;

use geo::{BoundingRect, Coord, InteriorPoint, LineString, MultiPolygon, Rect};
use minijinja::HtmlEscape;

use super::charts::CHART_W;
use super::format::{m2, pct};
use super::page::{legend, svg, Figure};
use super::sections::ranked;
use super::ReportContext;
use crate::analysis::MIN_REMAINING_M2;
use crate::analysis::{HazardRow, RegionRow, Summary};
use crate::geom::clip::rect_union;
use crate::model::Status;
use crate::report::render::palette::{
    hex, Rgb, CHA_OUTLINE_RGB, CHA_RGB, NO_LAND_RGB, RELEASED_RAMP_PAGE, SHA_OUTLINE_RGB, SHA_RGB,
};

/// Vertices closer than this (in SVG pixels) to the previous kept vertex are dropped.
pub const MIN_STEP_PX: f64 = 1.0;

/// Hazard parts smaller than this on the map (pixels) are drawn as dots this wide.
const HAZARD_DOT_PX: f64 = 7.0;

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
                    let point = crate::geom::disk::InteriorDisk::of(std::slice::from_ref(poly));
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
        let mut s = format!("<g {style}><title>{}</title>", HtmlEscape(title));
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
        (Some(a), Some(b)) => Some(rect_union(a, b)),
        (a, b) => a.or(b),
    }
}

/// Index in [`RELEASED_RAMP_PAGE`] of a % released; `None` for a region without hazard
/// land (its own neutral class: it is not "nearly cleared", nothing was ever recorded
/// there).
fn ramp_class(pct: Option<f64>) -> Option<usize> {
    pct.map(|p| ((p.clamp(0.0, 100.0) / 20.0).floor() as usize).min(4))
}

/// The map fill of a region by its % released.
pub fn region_fill(pct: Option<f64>) -> Rgb {
    ramp_class(pct).map_or(NO_LAND_RGB, |k| RELEASED_RAMP_PAGE[k])
}

fn remaining_rows(summary: &Summary) -> impl Iterator<Item = &HazardRow> {
    summary
        .hazards
        .iter()
        .filter(|h| h.account.remaining_m2 >= MIN_REMAINING_M2)
}

/// The map and its legend; `None` when there is nothing to map.
pub fn map(ctx: &ReportContext) -> Option<Figure> {
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
    let frame = Frame::fit(bounds?, CHART_W - 20.0, 900.0, 10.0);
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"map-svg\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{h:.0}\" viewBox=\"0 0 {w:.0} {h:.0}\" role=\"img\" aria-label=\"Map of regions and remaining hazards\">\n<rect width=\"100%\" height=\"100%\" fill=\"#eef4f8\"/>\n",
        w = frame.width,
        h = frame.height
    );
    for r in &regions {
        let fill = hex(region_fill(r.figures.pct_released()));
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
    hazard_shapes(&mut s, &frame, ctx);
    s.push_str("<g font-size=\"13\" font-weight=\"bold\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\" text-anchor=\"middle\">\n");
    s.push_str(&region_labels(&frame, &regions));
    s.push_str("</g>\n<g font-size=\"10\" fill=\"#3d0050\" stroke=\"#fff\" stroke-width=\"2.5\" paint-order=\"stroke\" text-anchor=\"middle\">\n");
    s.push_str(&rank_labels(&frame, ctx.summary));
    s.push_str("</g>\n</svg>\n");
    Some(Figure {
        svg: svg(s),
        legend: legend(&map_legend()),
    })
}

/// The remaining land of every hazard, SHA below CHA.
fn hazard_shapes(s: &mut String, frame: &Frame, ctx: &ReportContext) {
    let status_of = |h: &HazardRow| ctx.inputs.hazards[h.index].status;
    for status in [Status::Sha, Status::Cha] {
        let (fill, stroke) = match status {
            Status::Cha => (CHA_RGB, CHA_OUTLINE_RGB),
            Status::Sha => (SHA_RGB, SHA_OUTLINE_RGB),
        };
        let style = format!(
            "fill=\"{}\" stroke=\"{}\" stroke-width=\"0.6\"",
            hex(fill),
            hex(stroke)
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
}

/// `#rank` of the ten highest priorities: above, below, right or left of the hazard,
/// the first spot that does not collide with a label already placed (else left out).
fn rank_labels(frame: &Frame, summary: &Summary) -> String {
    let mut s = String::new();
    let mut placed: Vec<(f64, f64)> = Vec::new();
    for (rank, h) in ranked(summary).into_iter().take(10) {
        let Some(p) = h.account.remaining.interior_point() else {
            continue;
        };
        let (x, y) = frame.xy(p.0);
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
            let name = HtmlEscape(&r.name);
            let _ = writeln!(s, "<text x=\"{x:.1}\" y=\"{y:.1}\">{name}</text>");
        }
    }
    s
}

/// The map's legend: CHA, SHA, the five % released classes, no hazard land.
fn map_legend() -> Vec<(Rgb, String)> {
    let mut items: Vec<(Rgb, String)> = vec![
        (CHA_RGB, "CHA (confirmed hazardous area)".to_string()),
        (SHA_RGB, "SHA (suspected hazardous area)".to_string()),
    ];
    for (i, c) in RELEASED_RAMP_PAGE.iter().enumerate() {
        items.push((*c, format!("region {}–{} % released", 20 * i, 20 * (i + 1))));
    }
    items.push((NO_LAND_RGB, "region: no hazard land recorded".to_string()));
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{polygon, wkt};

    #[test]
    fn region_without_hazard_land_has_its_own_class() {
        assert_eq!(region_fill(None), NO_LAND_RGB);
        assert_eq!(region_fill(Some(100.0)), RELEASED_RAMP_PAGE[4]);
        assert_eq!(region_fill(Some(0.0)), RELEASED_RAMP_PAGE[0]);
        assert_eq!(region_fill(Some(39.9)), RELEASED_RAMP_PAGE[1]);
        assert!(!RELEASED_RAMP_PAGE.contains(&NO_LAND_RGB));
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
}
