//! The project's print layout "National map", A4 landscape (297 × 210 mm): title, map
//! of the data extent, legend (the visible spatial layers, filtered by map content),
//! scale bar in km, north arrow (QGIS's own SVG) and the region table (the regions with
//! the most remaining land and an "others" row, [`crate::report::region_table`]), as
//! QGIS 3.22 writes a `<Layout>`. The document is the template
//! `templates/qgis/layout.qgs` (minijinja, every value XML-escaped); this module places
//! the items (mm from the page's top left corner) and fills in the numbers.

use std::fmt::Write as _;

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::{corners, view_extent, LayerView, ProjectInputs, LAYOUT_NAME};
use crate::report::outputs::TableKind;
use crate::report::region_table::{Others, PlaceFigures, RegionTable};
use crate::report::render::xml::render_template;

/// A rectangle on the page, in mm from the top left corner.
#[derive(Debug, Clone, Copy)]
struct Mm {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

const PAGE: Mm = Mm {
    x: 0.0,
    y: 0.0,
    w: 297.0,
    h: 210.0,
};
const TITLE: Mm = Mm {
    x: 10.0,
    y: 6.0,
    w: 277.0,
    h: 12.0,
};
const MAP: Mm = Mm {
    x: 10.0,
    y: 22.0,
    w: 166.0,
    h: 180.0,
};
/// In the map's top right corner.
const NORTH_ARROW: Mm = Mm {
    x: MAP.x + MAP.w - 14.0,
    y: MAP.y + 3.0,
    w: 11.0,
    h: 16.0,
};
/// In the map's bottom left corner.
const SCALE_BAR: Mm = Mm {
    x: MAP.x + 3.0,
    y: MAP.y + MAP.h - 13.0,
    w: 60.0,
    h: 10.0,
};
/// The column right of the map: legend above, region table below.
const SIDE_X: f64 = MAP.x + MAP.w + 6.0;
const SIDE_W: f64 = PAGE.w - 10.0 - SIDE_X;
const LEGEND: Mm = Mm {
    x: SIDE_X,
    y: MAP.y,
    w: SIDE_W,
    h: 100.0,
};
const TABLE: Mm = Mm {
    x: SIDE_X,
    y: MAP.y + 103.0,
    w: SIDE_W,
    h: MAP.h - 103.0,
};

/// The region table's columns: heading, width in mm and alignment (Qt: 1 left, 2
/// right). Names, not ids (a national database's ids may be 30-character hashes); areas
/// in km² and % with one decimal; the widths and cell margins (2 × 0.8 mm each) fit the
/// table's 105 mm.
const TABLE_COLUMNS: [(&str, f64, u8); 5] = [
    ("Region", 30.0, 1),
    ("Remaining km²", 17.0, 2),
    ("Released km²", 17.0, 2),
    ("% released", 14.0, 2),
    ("Completion", 17.0, 2),
];

/// Fixed item uuids (QGIS links items by them; any unique string works).
fn uuid(n: u32) -> String {
    format!("{{6d696e65-6672-4565-8000-{n:012}}}")
}

/// A rectangle as the template writes it.
#[derive(Debug, Serialize)]
struct At {
    /// `x,y,mm`.
    position: String,
    /// `w,h,mm`.
    size: String,
    w: String,
    h: String,
}

impl From<Mm> for At {
    fn from(m: Mm) -> At {
        At {
            position: format!("{},{},mm", m.x, m.y),
            size: format!("{},{},mm", m.w, m.h),
            w: m.w.to_string(),
            h: m.h.to_string(),
        }
    }
}

/// What every `<LayoutItem>` has: uuid, id, place, z order, whether it is framed (only
/// the map: the table draws its own grid) and on white (not the picture and the label,
/// which float on the page).
#[derive(Debug, Serialize)]
struct Item {
    uuid: String,
    id: &'static str,
    at: At,
    z: u32,
    /// `true` or `false`, as QGIS writes them (minijinja would write `True`).
    frame: &'static str,
    background: &'static str,
}

fn item(n: u32, id: &'static str, at: Mm, z: u32) -> Item {
    Item {
        uuid: uuid(n),
        id,
        at: at.into(),
        z,
        frame: if id == "map" { "true" } else { "false" },
        background: if matches!(id, "north arrow" | "title") {
            "false"
        } else {
            "true"
        },
    }
}

#[derive(Debug, Serialize)]
struct Column {
    heading: &'static str,
    width: String,
    align: u8,
}

/// The region table: its frame item, the multi-frame's uuid, columns and cell texts.
#[derive(Debug, Serialize)]
struct Table {
    frame: Item,
    uuid: String,
    columns: Vec<Column>,
    rows: Vec<[String; 5]>,
}

/// A number with one decimal and thousands separators (`2,518.6`), as QGIS's
/// `format_number(x, 1)` writes it.
fn one_decimal(x: f64) -> String {
    let text = format!("{:.1}", x.abs());
    let (whole, decimal) = text.split_once('.').unwrap_or((&text, "0"));
    let mut out = String::new();
    if x < 0.0 && text != "0.0" {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    let _ = write!(out, ".{decimal}");
    out
}

fn km2(m2: f64) -> String {
    one_decimal(m2 / 1e6)
}

fn pct(p: Option<f64>) -> String {
    p.map(one_decimal).unwrap_or_default()
}

/// The cells of one place's row.
fn place_row(p: &PlaceFigures) -> [String; 5] {
    [
        p.name.clone(),
        km2(p.remaining_m2),
        km2(p.released_m2),
        pct(p.pct_released),
        p.completion.map(|d| d.to_string()).unwrap_or_default(),
    ]
}

/// The cells of the "others" row: how many, with their share of the national remaining
/// land (`12 others (4.5 %)`), then their sums.
fn others_row(o: &Others) -> [String; 5] {
    let name = match o.pct_of_national_remaining {
        Some(share) => format!("{} others ({} %)", o.regions, one_decimal(share)),
        None => format!("{} others", o.regions),
    };
    [
        name,
        km2(o.remaining_m2),
        km2(o.released_m2),
        pct(o.pct_released),
        String::new(),
    ]
}

fn region_table(t: &RegionTable) -> Table {
    let columns = TABLE_COLUMNS
        .iter()
        .map(|&(heading, width, align)| Column {
            heading,
            width: width.to_string(),
            align,
        })
        .collect();
    let rows = t
        .rows
        .iter()
        .map(place_row)
        .chain(t.others.as_ref().map(others_row))
        .collect();
    Table {
        frame: item(7, "region table", TABLE, 6),
        uuid: uuid(8),
        columns,
        rows,
    }
}

/// The layout "National map" (a `<Layout>` element); `layers` are the project's, top first.
pub(super) fn layout(inputs: &ProjectInputs, layers: &[LayerView]) -> String {
    let origin = inputs.origin;
    let legend_layers: Vec<&LayerView> = layers.iter().filter(|l| l.checked && l.spatial).collect();
    let table = inputs
        .has(TableKind::RegionSummary)
        .then(|| region_table(&inputs.region_table));
    let ctx = context! {
        name => LAYOUT_NAME,
        page => Serde(item(1, "", PAGE, 0)),
        title => Serde(item(3, "title", TITLE, 5)),
        title_text => format!(
            "{} — land release as of {}",
            origin.name,
            origin.as_of.format("%Y-%m-%d")
        ),
        map => Serde(item(2, "map", MAP, 1)),
        extent => Serde(corners(&view_extent(inputs, MAP.w / MAP.h))),
        north_arrow => Serde(item(4, "north arrow", NORTH_ARROW, 4)),
        scale_bar => Serde(item(5, "scale bar", SCALE_BAR, 3)),
        legend => Serde(item(6, "legend", LEGEND, 2)),
        legend_layers => Serde(legend_layers),
        table => Serde(table),
    };
    render_template("layout.qgs", ctx).expect("the layout template renders (every test renders it)")
}
