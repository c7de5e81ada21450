//! The project's print layout "National map", A4 landscape (297 × 210 mm): title, map
//! of the data extent, legend (the visible spatial layers, filtered by map content),
//! scale bar in km, north arrow (QGIS's own SVG) and a table of `region_summary`, as
//! QGIS 3.22 writes a `<Layout>`. Positions are mm from the page's top left corner.

use std::io;

use super::{corners, datasource, layer_id, layer_tree, text, view_extent, wgs84, Layer};
use super::{element, empty, GeometryKind, ProjectInputs, Xml, LAYOUT_NAME};
use crate::report::outputs::TableKind;

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

/// The `region_summary` columns of the layout's table: (QGIS expression, heading, width
/// in mm). Names, not ids (a national database's ids may be 30-character hashes); areas
/// in km² and % with one decimal, formatted by QGIS from the table's own values; the
/// widths and cell margins (2 × 0.8 mm each) fit the table's 105 mm.
const TABLE_COLUMNS: [(&str, &str, f64); 5] = [
    ("\"name\"", "Region", 30.0),
    (
        r#"format_number("remaining_m2" / 1000000, 1)"#,
        "Remaining km²",
        17.0,
    ),
    (
        r#"format_number("released_m2" / 1000000, 1)"#,
        "Released km²",
        17.0,
    ),
    (r#"format_number("pct_released", 1)"#, "% released", 14.0),
    ("\"projected_completion\"", "Completion", 17.0),
];

/// The rows the table shows: the regions with the most remaining land first (a country
/// of 142 municipalities would run off the page; the rest are in `region_summary`).
const TABLE_ROWS: &str = "15";

/// Fixed item uuids (QGIS links items by them; any unique string works).
fn uuid(n: u32) -> String {
    format!("{{6d696e65-6672-4565-8000-{n:012}}}")
}

/// What every `<LayoutItem>` has: QGIS item type `kind` (65638 page … 65649 attribute
/// table), uuid number, id, place and z order.
struct Item {
    kind: u32,
    n: u32,
    id: &'static str,
    at: Mm,
    z: u32,
}

/// A `<LayoutItem>` with the attributes every item has, then `attrs`, then `body`.
fn item(
    w: &mut Xml,
    it: Item,
    attrs: &[(&str, &str)],
    body: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> io::Result<()> {
    // The map is framed (the table draws its own grid); picture and label float on the
    // page; the rest is on white.
    let framed = if it.kind == 65639 { "true" } else { "false" };
    let background = if matches!(it.kind, 65640 | 65641) {
        "false"
    } else {
        "true"
    };
    let (kind, uuid, z) = (it.kind.to_string(), uuid(it.n), it.z.to_string());
    let position = format!("{},{},mm", it.at.x, it.at.y);
    let size = format!("{},{},mm", it.at.w, it.at.h);
    let common = [
        ("type", kind.as_str()),
        ("uuid", &uuid),
        ("templateUuid", &uuid),
        ("id", it.id),
        ("position", &position),
        ("positionOnPage", &position),
        ("size", &size),
        ("zValue", &z),
        ("referencePoint", "0"),
        ("itemRotation", "0"),
        ("visibility", "1"),
        ("opacity", "1"),
        ("blendMode", "0"),
        ("excludeFromExports", "0"),
        ("positionLock", "false"),
        ("groupUuid", ""),
        ("frame", framed),
        ("background", background),
        ("outlineWidthM", "0.3,mm"),
        ("frameJoinStyle", "miter"),
    ];
    element(w, "LayoutItem", &[common.as_slice(), attrs].concat(), |w| {
        colour(w, "FrameColor", [60, 60, 60, 255])?;
        colour(w, "BackgroundColor", [255, 255, 255, 255])?;
        body(w)
    })?;
    text(w, "\n")
}

/// A Qt colour element (`red`, `green`, `blue`, `alpha`).
fn colour(w: &mut Xml, name: &str, rgba: [u8; 4]) -> io::Result<()> {
    let [r, g, b, a] = rgba.map(|c| c.to_string());
    let attrs = [
        ("red", r.as_str()),
        ("green", &g),
        ("blue", &b),
        ("alpha", &a),
    ];
    empty(w, name, &attrs)
}

/// A font element with a Qt font description (`family,size,-1,5,weight,…`).
fn font(w: &mut Xml, name: &str, size_pt: f64, bold: bool) -> io::Result<()> {
    let weight = if bold { 75 } else { 50 };
    let description = format!("DejaVu Sans,{size_pt},-1,5,{weight},0,0,0,0,0");
    let style = if bold { "Bold" } else { "" };
    empty(w, name, &[("description", &description), ("style", style)])
}

/// A QGIS text format (scale bar and table fonts).
fn text_style(w: &mut Xml, size_pt: f64, bold: bool) -> io::Result<()> {
    let size = size_pt.to_string();
    let head = [
        ("fontFamily", "DejaVu Sans"),
        ("namedStyle", if bold { "Bold" } else { "Book" }),
        ("fontWeight", if bold { "75" } else { "50" }),
        ("fontSize", &size),
    ];
    element(
        w,
        "text-style",
        &[head.as_slice(), &TEXT_STYLE].concat(),
        |w| {
            empty(w, "families", &[])?;
            empty(w, "text-buffer", &TEXT_BUFFER)
        },
    )
}

const TEXT_STYLE: [(&str, &str); 15] = [
    ("fontSizeUnit", "Point"),
    ("textColor", "30,30,30,255"),
    ("textOpacity", "1"),
    ("fontItalic", "0"),
    ("fontUnderline", "0"),
    ("fontStrikeout", "0"),
    ("fontKerning", "1"),
    ("fontLetterSpacing", "0"),
    ("fontWordSpacing", "0"),
    ("capitalization", "0"),
    ("allowHtml", "0"),
    ("blendMode", "0"),
    ("multilineHeight", "1"),
    ("textOrientation", "horizontal"),
    ("previewBkgrdColor", "255,255,255,255"),
];

const TEXT_BUFFER: [(&str, &str); 8] = [
    ("bufferDraw", "0"),
    ("bufferSize", "1"),
    ("bufferSizeUnits", "MM"),
    ("bufferColor", "255,255,255,255"),
    ("bufferOpacity", "1"),
    ("bufferNoFill", "1"),
    ("bufferJoinStyle", "128"),
    ("bufferBlendMode", "0"),
];

/// The page's fill symbol (white, no outline), for the page collection and the page.
fn page_symbol(w: &mut Xml) -> io::Result<()> {
    let symbol = [
        ("type", "fill"),
        ("name", ""),
        ("alpha", "1"),
        ("clip_to_extent", "1"),
        ("force_rhr", "0"),
    ];
    let layer = [
        ("class", "SimpleFill"),
        ("enabled", "1"),
        ("locked", "0"),
        ("pass", "0"),
    ];
    element(w, "symbol", &symbol, |w| {
        element(w, "layer", &layer, |w| {
            element(w, "Option", &[("type", "Map")], |w| {
                for (name, value) in [
                    ("color", "255,255,255,255"),
                    ("style", "solid"),
                    ("outline_style", "no"),
                ] {
                    empty(
                        w,
                        "Option",
                        &[("type", "QString"), ("name", name), ("value", value)],
                    )?;
                }
                Ok(())
            })
        })
    })
}

/// The layout "National map".
pub(super) fn layout(w: &mut Xml, inputs: &ProjectInputs, layers: &[Layer]) -> io::Result<()> {
    let attrs = [
        ("name", LAYOUT_NAME),
        ("units", "mm"),
        ("printResolution", "300"),
        ("worldFileMap", ""),
    ];
    element(w, "Layout", &attrs, |w| {
        element(w, "PageCollection", &[], |w| {
            page_symbol(w)?;
            let page = Item {
                kind: 65638,
                n: 1,
                id: "",
                at: PAGE,
                z: 0,
            };
            item(w, page, &[], page_symbol)?;
            empty(w, "GuideCollection", &[("visible", "1")])
        })?;
        title(w, inputs)?;
        map(w, inputs)?;
        north_arrow(w)?;
        scale_bar(w)?;
        legend(w, layers)?;
        if inputs.has(TableKind::RegionSummary) {
            region_table(w, 7, 8)?;
        }
        element(w, "customproperties", &[], |w| {
            element(w, "Option", &[("type", "Map")], |w| {
                empty(
                    w,
                    "Option",
                    &[("type", "bool"), ("name", "singleFile"), ("value", "true")],
                )
            })
        })?;
        empty(w, "Atlas", &ATLAS)
    })?;
    text(w, "\n")
}

const ATLAS: [(&str, &str); 7] = [
    ("enabled", "0"),
    ("coverageLayer", ""),
    ("hideCoverage", "0"),
    ("filterFeatures", "0"),
    ("sortFeatures", "0"),
    ("pageNameExpression", ""),
    ("filenamePattern", "'output_'||@atlas_featurenumber"),
];

/// The title: the pipeline's name and the as-of date.
fn title(w: &mut Xml, inputs: &ProjectInputs) -> io::Result<()> {
    let origin = inputs.origin;
    let title = format!(
        "{} — land release as of {}",
        origin.name,
        origin.as_of.format("%Y-%m-%d")
    );
    let attrs = [
        ("labelText", title.as_str()),
        ("htmlState", "0"),
        ("halign", "1"),
        ("valign", "128"),
        ("marginX", "0"),
        ("marginY", "0"),
    ];
    let it = Item {
        kind: 65641,
        n: 3,
        id: "title",
        at: TITLE,
        z: 5,
    };
    item(w, it, &attrs, |w| {
        font(w, "LabelFont", 18.0, true)?;
        colour(w, "FontColor", [30, 30, 30, 255])
    })
}

/// The map of the data extent (grown by 5 %, shaped like the map item).
fn map(w: &mut Xml, inputs: &ProjectInputs) -> io::Result<()> {
    let attrs = [
        ("keepLayerSet", "false"),
        ("followPreset", "false"),
        ("followPresetName", ""),
        ("drawCanvasItems", "true"),
        ("mapRotation", "0"),
        ("isTemporal", "0"),
        ("labelMargin", "0,mm"),
        ("mapFlags", "0"),
    ];
    let [xmin, ymin, xmax, ymax] = corners(&view_extent(inputs, MAP.w / MAP.h));
    let extent = [
        ("xmin", xmin.as_str()),
        ("ymin", &ymin),
        ("xmax", &xmax),
        ("ymax", &ymax),
    ];
    let it = Item {
        kind: 65639,
        n: 2,
        id: "map",
        at: MAP,
        z: 1,
    };
    item(w, it, &attrs, |w| {
        empty(w, "Extent", &extent)?;
        element(w, "crs", &[], wgs84)?;
        empty(w, "LayerSet", &[])?;
        empty(
            w,
            "AtlasMap",
            &[
                ("atlasDriven", "0"),
                ("scalingMode", "2"),
                ("margin", "0.1"),
            ],
        )
    })
}

/// QGIS's default north arrow, linked to the map.
fn north_arrow(w: &mut Xml) -> io::Result<()> {
    let (map, width, height) = (
        uuid(2),
        NORTH_ARROW.w.to_string(),
        NORTH_ARROW.h.to_string(),
    );
    let attrs = [
        (
            "file",
            ":/images/north_arrows/layout_default_north_arrow.svg",
        ),
        ("mode", "0"),
        ("resizeMode", "0"),
        ("anchorPoint", "0"),
        ("northMode", "0"),
        ("northOffset", "0"),
        ("mapUuid", &map),
        ("pictureRotation", "0"),
        ("pictureWidth", &width),
        ("pictureHeight", &height),
        ("svgFillColor", "255,255,255,255"),
        ("svgBorderColor", "0,0,0,255"),
        ("svgBorderWidth", "0.2"),
    ];
    let it = Item {
        kind: 65640,
        n: 4,
        id: "north arrow",
        at: NORTH_ARROW,
        z: 4,
    };
    item(w, it, &attrs, |_| Ok(()))
}

/// A single-box scale bar in km, linked to the map.
fn scale_bar(w: &mut Xml) -> io::Result<()> {
    let map = uuid(2);
    let attrs = [
        ("style", "Single Box"),
        ("mapUuid", &map),
        ("unitType", "km"),
        ("unitLabel", "km"),
        ("numMapUnitsPerScaleBarUnit", "1"),
        ("numSegments", "2"),
        ("numSegmentsLeft", "0"),
        ("numSubdivisions", "1"),
        ("subdivisionsHeight", "1.5"),
        ("segmentSizeMode", "1"),
        ("numUnitsPerSegment", "10"),
        ("minBarWidth", "25"),
        ("maxBarWidth", "55"),
        ("height", "2"),
        ("labelBarSpace", "1.5"),
        ("boxContentSpace", "1.5"),
        ("alignment", "0"),
        ("outlineWidth", "0.3"),
        ("labelVerticalPlacement", "0"),
        ("labelHorizontalPlacement", "0"),
        ("lineJoinStyle", "miter"),
        ("lineCapStyle", "square"),
    ];
    let it = Item {
        kind: 65646,
        n: 5,
        id: "scale bar",
        at: SCALE_BAR,
        z: 3,
    };
    item(w, it, &attrs, |w| text_style(w, 7.0, false))
}

/// The legend of the visible spatial layers, filtered by the map's content.
fn legend(w: &mut Xml, layers: &[Layer]) -> io::Result<()> {
    let map = uuid(2);
    let attrs = [
        [
            ("title", ""),
            ("titleAlignment", "1"),
            ("map_uuid", map.as_str()),
        ]
        .as_slice(),
        &LEGEND_ATTRS,
    ]
    .concat();
    let shown: Vec<Layer> = layers
        .iter()
        .copied()
        .filter(|&(_, kind, _, checked)| checked && kind != GeometryKind::None)
        .collect();
    let styles = [
        ("title", 12.0, true, [("marginBottom", "2"), ("", "")]),
        ("group", 9.0, true, [("marginTop", "2"), ("", "")]),
        ("subgroup", 8.0, true, [("marginTop", "2.5"), ("", "")]),
        ("symbol", 7.0, false, [("marginTop", "1.5"), ("", "")]),
        (
            "symbolLabel",
            7.0,
            false,
            [("marginTop", "1.5"), ("marginLeft", "2")],
        ),
    ];
    let it = Item {
        kind: 65642,
        n: 6,
        id: "legend",
        at: LEGEND,
        z: 2,
    };
    item(w, it, &attrs, |w| {
        element(w, "styles", &[], |w| {
            for (name, size, bold, margins) in styles {
                let margins = margins.iter().filter(|m| !m.0.is_empty()).copied();
                let head = [("name", name), ("alignment", "1"), ("indent", "0")];
                let attrs: Vec<(&str, &str)> = head.into_iter().chain(margins).collect();
                element(w, "style", &attrs, |w| font(w, "styleFont", size, bold))?;
            }
            Ok(())
        })?;
        layer_tree(w, &shown, true)
    })
}

const LEGEND_ATTRS: [(&str, &str); 21] = [
    ("resizeToContents", "1"),
    ("legendFilterByMap", "1"),
    ("legendFilterByAtlas", "0"),
    ("columnCount", "1"),
    ("splitLayer", "0"),
    ("equalColumnWidth", "0"),
    ("columnSpace", "2"),
    ("boxSpace", "2"),
    ("symbolWidth", "6"),
    ("symbolHeight", "3.5"),
    ("symbolAlignment", "1"),
    ("lineSpacing", "1"),
    ("wmsLegendWidth", "50"),
    ("wmsLegendHeight", "25"),
    ("rasterBorder", "1"),
    ("rasterBorderColor", "0,0,0,255"),
    ("rasterBorderWidth", "0"),
    ("wrapChar", ""),
    ("fontColor", "#1e1e1e"),
    ("minSymbolSize", "0"),
    ("maxSymbolSize", "0"),
];

/// The attribute table of `region_summary`: its frame item (uuid number `frame`) and the
/// multi-frame (uuid number `table`) that holds the columns.
fn region_table(w: &mut Xml, frame: u32, table: u32) -> io::Result<()> {
    let table_uuid = uuid(table);
    let (width, height) = (TABLE.w.to_string(), TABLE.h.to_string());
    let attrs = [
        ("multiFrame", table_uuid.as_str()),
        ("multiFrameTemplateUuid", &table_uuid),
        ("sectionX", "0"),
        ("sectionY", "0"),
        ("sectionWidth", &width),
        ("sectionHeight", &height),
        ("hidePageIfEmpty", "0"),
        ("hideBackgroundIfEmpty", "0"),
    ];
    let it = Item {
        kind: 65647,
        n: frame,
        id: "region table",
        at: TABLE,
        z: 6,
    };
    item(w, it, &attrs, |_| Ok(()))?;
    let regions = TableKind::RegionSummary;
    let (id, source) = (layer_id(regions), datasource(regions));
    let head = [
        ("type", "65649"),
        ("uuid", table_uuid.as_str()),
        ("templateUuid", &table_uuid),
        ("resizeMode", "0"),
        ("source", "0"),
        ("relationId", ""),
        ("vectorLayer", &id),
        ("vectorLayerName", regions.name()),
        ("vectorLayerSource", &source),
    ];
    let frame_uuid = uuid(frame);
    element(
        w,
        "LayoutMultiFrame",
        &[head.as_slice(), &TABLE_ATTRS].concat(),
        |w| {
            empty(
                w,
                "childFrame",
                &[("uuid", &frame_uuid), ("templateUuid", &frame_uuid)],
            )?;
            element(w, "headerTextFormat", &[], |w| text_style(w, 6.0, true))?;
            element(w, "contentTextFormat", &[], |w| text_style(w, 6.0, false))?;
            element(w, "displayColumns", &[], table_columns)?;
            // most remaining land first
            element(w, "sortColumns", &[], |w| {
                let attrs = [
                    ("attribute", "\"remaining_m2\""),
                    ("heading", ""),
                    ("hAlignment", "2"),
                    ("vAlignment", "128"),
                    ("width", "0"),
                    ("sortByRank", "1"),
                    ("sortOrder", "1"),
                ];
                element(w, "column", &attrs, |w| {
                    colour(w, "backgroundColor", [0, 0, 0, 0])
                })
            })
        },
    )?;
    text(w, "\n")
}

/// The columns of the region table, left-aligned text and right-aligned numbers.
fn table_columns(w: &mut Xml) -> io::Result<()> {
    for (expression, heading, width_mm) in TABLE_COLUMNS {
        let align = if heading == "Region" { "1" } else { "2" };
        let width = width_mm.to_string();
        let attrs = [
            ("attribute", expression),
            ("heading", heading),
            ("hAlignment", align),
            ("vAlignment", "128"),
            ("width", width.as_str()),
            ("sortByRank", "0"),
            ("sortOrder", "0"),
        ];
        element(w, "column", &attrs, |w| {
            colour(w, "backgroundColor", [0, 0, 0, 0])
        })?;
    }
    Ok(())
}

const TABLE_ATTRS: [(&str, &str); 22] = [
    ("vectorLayerProvider", "ogr"),
    ("maxFeatures", TABLE_ROWS),
    ("showUniqueRowsOnly", "0"),
    ("filterToAtlasIntersection", "0"),
    ("showOnlyVisibleFeatures", "0"),
    ("filterFeatures", "false"),
    ("featureFilter", ""),
    ("useConditionalStyling", "0"),
    ("showGrid", "1"),
    ("horizontalGrid", "1"),
    ("verticalGrid", "1"),
    ("gridStrokeWidth", "0.15"),
    ("gridColor", "120,120,120,255"),
    ("backgroundColor", "255,255,255,255"),
    ("cellMargin", "0.8"),
    ("headerMode", "0"),
    ("headerHAlignment", "0"),
    ("emptyTableMode", "0"),
    ("emptyTableMessage", ""),
    ("showEmptyRows", "0"),
    ("wrapString", ""),
    ("wrapBehavior", "0"),
];
