//! The data the templates render: plain structs (serde `Serialize`) of text that
//! `report.html`'s templates escape, plus the SVG charts as safe strings (rendered and
//! escaped by `map` and `charts`). Numbers arrive formatted (`format`).

use minijinja::Value;
use serde::Serialize;

use crate::report::render::palette::{hex, Rgb};

/// The whole page (`templates/report.html`).
#[derive(Debug, Serialize)]
pub struct Page {
    pub as_of: String,
    pub title: Option<String>,
    pub pipeline_name: String,
    pub version: &'static str,
    pub sha256: String,
    pub totals: Totals,
    pub map: Option<Figure>,
    pub regions: Option<Charted>,
    pub ledger: Option<Ledger>,
    pub progress: ProgressSection,
    pub outlook: OutlookSection,
    pub priorities: Priorities,
    pub organisations: Option<Charted>,
    pub targets: Option<HtmlTable>,
    pub costs: Option<Costs>,
    pub previous_run: bool,
    pub changes: Vec<Change>,
    pub qa: Qa,
}

/// The cost section (R14): totals per scenario, then the funding per year (with
/// `[costs.funding]`).
#[derive(Debug, Serialize)]
pub struct Costs {
    pub totals: HtmlTable,
    pub funding: Option<Charted>,
}

/// National figures: cards, then the sentence on the rate.
#[derive(Debug, Serialize)]
pub struct Totals {
    pub cards: Vec<Card>,
    pub window_days: u32,
    pub window: String,
    pub rate: String,
    pub projected: String,
    pub deadline: String,
    pub status: &'static str,
}

/// A chart and its legend.
#[derive(Debug, Serialize)]
pub struct Figure {
    pub svg: Value,
    pub legend: Vec<LegendItem>,
}

/// A chart, its legend and its table.
#[derive(Debug, Serialize)]
pub struct Charted {
    pub svg: Value,
    pub legend: Vec<LegendItem>,
    pub table: HtmlTable,
}

/// The land ledger: the national chart and table, then one table per region.
#[derive(Debug, Serialize)]
pub struct Ledger {
    pub svg: Value,
    pub legend: Vec<LegendItem>,
    pub table: HtmlTable,
    pub regions: Vec<RegionTable>,
}

/// A region's own table.
#[derive(Debug, Serialize)]
pub struct RegionTable {
    pub region_id: String,
    pub name: String,
    pub table: HtmlTable,
}

/// Projected completion per region.
#[derive(Debug, Serialize)]
pub struct ProgressSection {
    pub window_days: u32,
    pub table: HtmlTable,
}

/// What the deadline needs, and the scenarios.
#[derive(Debug, Serialize)]
pub struct OutlookSection {
    pub need: Option<Need>,
    /// A national deadline that is not after the as-of date.
    pub past_deadline: Option<String>,
    pub table: HtmlTable,
    pub national_svg: Value,
    pub legend: Vec<LegendItem>,
    pub region_svgs: Vec<Value>,
}

/// The lead sentence: the rate the national deadline needs.
#[derive(Debug, Serialize)]
pub struct Need {
    pub remaining: String,
    pub deadline: String,
    pub required: String,
    /// The multiple of today's rate (`2.50×`); none without a release in the window.
    pub factor: Option<String>,
    pub rate: String,
}

/// The top priorities.
#[derive(Debug, Serialize)]
pub struct Priorities {
    pub top: usize,
    pub weights: WeightTexts,
    pub radius_m: String,
    pub table: Option<HtmlTable>,
}

/// The score's weights as the page writes them (`parameters.weights`), each by its name.
#[derive(Debug, Serialize)]
pub struct WeightTexts {
    pub proximity: String,
    pub people: String,
    pub accidents: String,
    pub status: String,
    pub hazard_type: String,
}

/// One kind of change since the last run.
#[derive(Debug, Serialize)]
pub struct Change {
    pub what: String,
    pub n: usize,
}

/// QA finding counts.
#[derive(Debug, Serialize)]
pub struct Qa {
    pub cards: Vec<Card>,
    pub table: Option<HtmlTable>,
}

/// A figure card: value, label, and a class for the value.
#[derive(Debug, Serialize)]
pub struct Card {
    pub value: String,
    pub label: String,
    pub class: &'static str,
}

impl Card {
    /// A card without a class.
    pub fn new(value: String, label: &str) -> Card {
        Card {
            value,
            label: label.to_string(),
            class: "",
        }
    }
}

/// A legend swatch.
#[derive(Debug, Serialize)]
pub struct LegendItem {
    pub colour: String,
    pub label: String,
}

/// A legend from (colour, label) pairs.
pub fn legend<S: AsRef<str>>(items: &[(Rgb, S)]) -> Vec<LegendItem> {
    items
        .iter()
        .map(|(c, label)| LegendItem {
            colour: hex(*c),
            label: label.as_ref().to_string(),
        })
        .collect()
}

/// A table header; numeric ones are right-aligned.
#[derive(Debug, Serialize)]
pub struct Header {
    pub text: String,
    pub numeric: bool,
}

/// A table cell: text and its class (`n` for numbers, `ok`/`late`/… for states).
#[derive(Debug, Serialize)]
pub struct Cell {
    pub text: String,
    pub class: &'static str,
}

/// A table of the page (not a [`crate::report::Table`]).
#[derive(Debug, Serialize)]
pub struct HtmlTable {
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
}

impl HtmlTable {
    /// A table; headers ending in `#` are numeric (right-aligned; the `#` is dropped).
    pub fn new<S: AsRef<str>>(headers: &[S], rows: Vec<Vec<Cell>>) -> HtmlTable {
        let headers = headers
            .iter()
            .map(|h| {
                let h = h.as_ref();
                Header {
                    text: h.strip_suffix('#').unwrap_or(h).to_string(),
                    numeric: h.ends_with('#'),
                }
            })
            .collect();
        HtmlTable { headers, rows }
    }
}

/// A text cell.
pub fn text(s: &str) -> Cell {
    classed(s, "")
}

/// A numeric cell.
pub fn num(s: String) -> Cell {
    Cell {
        text: s,
        class: "n",
    }
}

/// A cell with a class.
pub fn classed(s: &str, class: &'static str) -> Cell {
    Cell {
        text: s.to_string(),
        class,
    }
}

/// Markup the templates insert as it is (an SVG chart rendered and escaped in Rust).
pub fn svg(markup: String) -> Value {
    Value::from_safe_string(markup)
}
