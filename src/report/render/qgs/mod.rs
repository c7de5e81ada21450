//! The QGIS project stored inside `minefree.gpkg` (issue 15): open the GeoPackage in
//! QGIS, Browser → the GeoPackage → Projects → `minefree`, and the layers come with
//! their styles, in order, with a print layout "National map".
//!
//! Inputs ([`ProjectInputs`]): the pipeline file's name (the project title) and stem
//! (the layout title), the as-of date, the tables written to the GeoPackage (name and
//! geometry kind) and the data extent (the union of their geometries' bounding boxes,
//! [`data_extent`]). Nothing here reads the pipeline or the clock.
//!
//! Output: the `.qgs` document ([`project_xml`]): the template
//! `templates/qgis/project.qgs` (minijinja, every value XML-escaped; the layer tree and
//! the CRS in `macros.qgs`, shared with the layout); `report::write::project` stores it,
//! zipped, in the GeoPackage's `qgis_projects` table. The print layout is in `layout`.
//!
//! The `.qgs` follows what QGIS 3.22 itself writes (learned by saving such a project with
//! PyQGIS into a GeoPackage), trimmed to the elements that carry something; QGIS fills
//! the rest with its defaults:
//! * paths are relative (`<Paths><Absolute>false`): a project stored in a GeoPackage
//!   resolves them against the GeoPackage's folder, so every datasource is
//!   `./minefree.gpkg|layername=…` and the folder can be moved or copied;
//! * layers, top first, as placed in `report::outputs::OUTPUTS` (`project`):
//!   `priority_tasks`, `remaining_hazards`, `region_summary`, `qa_findings` (unchecked),
//!   then the attribute tables `release_history`, `scenarios`, `work_plan`; each
//!   spatial layer embeds its stored default style (the
//!   body of its [`super::qml`] QML), so the project looks as the layers do when
//!   opened one by one;
//! * CRS EPSG:4326 with the WGS 84 ellipsoid for measurements; the canvas and default
//!   view extent are the data extent;
//! * the layout "National map", A4 landscape (297 × 210 mm): title, map of the data
//!   extent, legend (the visible spatial layers, filtered by map content), scale bar in
//!   km, north arrow (QGIS's own SVG), and the region table (from the template
//!   `templates/qgis/layout.qgs`, see `layout`).
//!
//! The same inputs give the same bytes: every date in the project, the archive and the
//! metadata is the as-of date at 00:00:00. The project is written for `run` outputs only
//! (when `region_summary` is among the tables); `validate` writes none.

use chrono::NaiveDate;
use geo::BoundingRect;
use minijinja::context;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::qml::{self, blocks};
use super::xml::render_template;
use crate::report::outputs::TableKind;
use crate::report::region_table::RegionTable;
use crate::report::{GeometryKind, Table};

mod layout;

/// The project's name in `qgis_projects` (the `projectName` of its URI).
pub const PROJECT_NAME: &str = "minefree";

/// The layout's name.
pub const LAYOUT_NAME: &str = "National map";

/// The GeoPackage's file name, which the relative datasources name.
const GPKG_FILE: &str = "minefree.gpkg";

/// A rectangle in EPSG:4326 degrees (x = longitude).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extent {
    /// West.
    pub xmin: f64,
    /// South.
    pub ymin: f64,
    /// East.
    pub xmax: f64,
    /// North.
    pub ymax: f64,
}

impl Extent {
    fn union(self, other: Extent) -> Extent {
        Extent {
            xmin: self.xmin.min(other.xmin),
            ymin: self.ymin.min(other.ymin),
            xmax: self.xmax.max(other.xmax),
            ymax: self.ymax.max(other.ymax),
        }
    }

    /// Grown by `factor` around its centre, then widened or heightened (never shrunk)
    /// to `width / height` = `ratio`; a point or a line gets at least 0.01°.
    fn framed(self, factor: f64, ratio: f64) -> Extent {
        let (cx, cy) = ((self.xmin + self.xmax) / 2.0, (self.ymin + self.ymax) / 2.0);
        let mut w = ((self.xmax - self.xmin) * factor).max(0.01);
        let mut h = ((self.ymax - self.ymin) * factor).max(0.01);
        if w / h < ratio {
            w = h * ratio;
        } else {
            h = w / ratio;
        }
        Extent {
            xmin: cx - w / 2.0,
            ymin: cy - h / 2.0,
            xmax: cx + w / 2.0,
            ymax: cy + h / 2.0,
        }
    }
}

/// The union of the bounding boxes of every geometry in `tables`; `None` when there is
/// none (or none is finite).
pub fn data_extent(tables: &[&Table]) -> Option<Extent> {
    tables
        .iter()
        .flat_map(|t| t.geometry.iter().flatten())
        .filter_map(|g| g.bounding_rect())
        .map(|r| Extent {
            xmin: r.min().x,
            ymin: r.min().y,
            xmax: r.max().x,
            ymax: r.max().y,
        })
        .filter(|e| {
            [e.xmin, e.ymin, e.xmax, e.ymax]
                .iter()
                .all(|v| v.is_finite())
        })
        .reduce(Extent::union)
}

/// Where the outputs come from: named in the project and its layout.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The pipeline file's name (`sample.toml`): the project title.
    pub file_name: &'a str,
    /// The layout title: the pipeline's `title`, else the file's stem (`sample`).
    pub name: &'a str,
    /// The as-of date.
    pub as_of: NaiveDate,
}

/// What the project is made of.
#[derive(Debug, Clone)]
pub struct ProjectInputs<'a> {
    /// Pipeline file and as-of date.
    pub origin: Origin<'a>,
    /// The GeoPackage's tables; those without a project layer
    /// ([`crate::report::outputs::TableSpec::project`]) are left out.
    pub layers: Vec<TableKind>,
    /// The data extent ([`data_extent`]); `None` when nothing has a geometry.
    pub extent: Option<Extent>,
    /// The figures of the layout's region table.
    pub region_table: RegionTable,
}

impl<'a> ProjectInputs<'a> {
    /// The inputs for `tables`, as written to the GeoPackage, and the layout's region
    /// table.
    pub fn new(
        origin: Origin<'a>,
        tables: &[&'a Table],
        region_table: RegionTable,
    ) -> ProjectInputs<'a> {
        ProjectInputs {
            origin,
            layers: tables.iter().map(|t| t.kind).collect(),
            extent: data_extent(tables),
            region_table,
        }
    }

    /// The project's layers, top first: (table, geometry kind, legend title, checked).
    fn ordered(&self) -> Vec<Layer> {
        let mut placed: Vec<(u8, Layer)> = self
            .layers
            .iter()
            .filter_map(|&kind| {
                let spec = kind.spec();
                let p = spec.project?;
                Some((p.position, (kind, spec.geometry, p.title, p.checked)))
            })
            .collect();
        placed.sort_by_key(|&(position, _)| position);
        placed.into_iter().map(|(_, layer)| layer).collect()
    }

    /// Whether the table `kind` is among the layers.
    pub fn has(&self, kind: TableKind) -> bool {
        self.layers.contains(&kind)
    }
}

/// The fixed time stamp of every date in the project: the as-of day at midnight.
pub(crate) fn timestamp(as_of: NaiveDate) -> String {
    format!("{}T00:00:00", as_of.format("%Y-%m-%d"))
}

// ---------------------------------------------------------------------------------------
// The .qgs document: the template `templates/qgis/project.qgs`, filled in.

/// A project layer: (table, geometry kind, legend title, checked).
type Layer = (TableKind, GeometryKind, &'static str, bool);

/// A project layer as the templates read it.
#[derive(Debug, Serialize)]
struct LayerView {
    /// Unique in the project (QGIS accepts any string).
    id: String,
    /// The table's name.
    name: &'static str,
    /// The relative datasource.
    source: String,
    /// Shown when the project opens.
    checked: bool,
    /// The legend title.
    title: &'static str,
    /// QGIS's geometry type and WKB type names.
    geometry: &'static str,
    wkb: &'static str,
    spatial: bool,
    /// Whether the default style labels its features.
    labels: bool,
    /// The default style's body (already written XML), empty without a style.
    style: Value,
}

fn layer_view((table, kind, title, checked): Layer) -> LayerView {
    let (geometry, wkb) = match kind {
        GeometryKind::MultiPolygon => ("Polygon", "MultiPolygon"),
        GeometryKind::Any => ("Unknown geometry", "Unknown"),
        GeometryKind::None => ("No geometry", "NoGeometry"),
    };
    let spatial = kind != GeometryKind::None;
    let style = qml::default_style(table).filter(|_| spatial);
    LayerView {
        id: format!("minefree_{}", table.name()),
        name: table.name(),
        source: format!("./{GPKG_FILE}|layername={}", table.name()),
        checked,
        title,
        geometry,
        wkb,
        spatial,
        labels: style.as_ref().is_some_and(|s| s.labels.is_some()),
        style: Value::from_safe_string(style.as_ref().map(blocks::body).unwrap_or_default()),
    }
}

/// The data extent, or the whole world, grown by 5 % and shaped `ratio` = w / h.
fn view_extent(inputs: &ProjectInputs, ratio: f64) -> Extent {
    let world = Extent {
        xmin: -180.0,
        ymin: -90.0,
        xmax: 180.0,
        ymax: 90.0,
    };
    inputs.extent.unwrap_or(world).framed(1.05, ratio)
}

/// An extent's corners as attribute values (`xmin`, `ymin`, `xmax`, `ymax`).
fn corners(e: &Extent) -> [String; 4] {
    [e.xmin, e.ymin, e.xmax, e.ymax].map(|v| format!("{v:.6}"))
}

/// The whole `.qgs` document for `inputs`.
pub fn project_xml(inputs: &ProjectInputs) -> String {
    let origin = inputs.origin;
    let layers: Vec<LayerView> = inputs.ordered().into_iter().map(layer_view).collect();
    let ctx = context! {
        file_name => origin.file_name,
        stamp => timestamp(origin.as_of),
        as_of => origin.as_of.to_string(),
        view => Serde(corners(&view_extent(inputs, 1.5))),
        layout => Value::from_safe_string(layout::layout(inputs, &layers)),
        layers => Serde(layers),
    };
    render_template("project.qgs", ctx)
        .expect("the project template renders (every test renders it)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::xml::parse;

    fn inputs(layers: Vec<TableKind>) -> ProjectInputs<'static> {
        ProjectInputs {
            origin: Origin {
                file_name: "a&b.toml",
                name: "a&b",
                as_of: NaiveDate::from_ymd_opt(2026, 6, 30).expect("date"),
            },
            layers,
            extent: Some(Extent {
                xmin: 68.0,
                ymin: 37.0,
                xmax: 71.0,
                ymax: 39.5,
            }),
            region_table: RegionTable::default(),
        }
    }

    /// The texts of the elements named `tag`, in document order.
    fn texts_of<'a>(doc: &'a roxmltree::Document, tag: &str) -> Vec<&'a str> {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .filter_map(|n| n.text())
            .collect()
    }

    #[test]
    fn layers_come_top_first_with_relative_sources() {
        let xml = project_xml(&inputs(vec![
            TableKind::RemainingHazards,
            TableKind::RegionSummary,
            TableKind::PriorityTasks,
            TableKind::QaFindings,
            TableKind::ReleaseHistory,
            TableKind::Changes,
        ]));
        let doc = parse(&xml);
        let named = |tag: &str| texts_of(&doc, tag);
        let order = [
            "priority_tasks",
            "remaining_hazards",
            "region_summary",
            "qa_findings",
            "release_history",
        ];
        assert_eq!(named("layername"), order, "top first, only SPEC layers");
        let sources: Vec<String> = order
            .iter()
            .map(|n| format!("./minefree.gpkg|layername={n}"))
            .collect();
        assert_eq!(named("datasource"), sources);
        let tree_layer = |name: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("layer-tree-layer") && n.attribute("name") == Some(name))
                .unwrap_or_else(|| panic!("{name} in the layer tree"))
        };
        assert_eq!(
            tree_layer("qa_findings").attribute("checked"),
            Some("Qt::Unchecked")
        );
        assert_eq!(
            tree_layer("priority_tasks").attribute("checked"),
            Some("Qt::Checked")
        );
    }

    #[test]
    fn layers_embed_their_styles_and_titles_are_escaped() {
        let xml = project_xml(&inputs(vec![
            TableKind::RemainingHazards,
            TableKind::RegionSummary,
        ]));
        let doc = parse(&xml);
        let named = |tag: &str| texts_of(&doc, tag);
        let absolute = doc.descendants().find(|n| n.has_tag_name("Absolute"));
        assert_eq!(absolute.and_then(|n| n.text()), Some("false"));
        let hazards = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("maplayer")
                    && n.children().any(|c| c.text() == Some("remaining_hazards"))
            })
            .expect("hazard layer");
        let renderer = hazards
            .descendants()
            .find(|n| n.has_tag_name("renderer-v2"));
        assert_eq!(
            renderer.and_then(|n| n.attribute("attr")),
            Some("status"),
            "style embedded"
        );
        assert!(
            !hazards.descendants().any(|n| n.has_tag_name("qgis")),
            "QML unwrapped"
        );
        assert_eq!(
            named("title"),
            ["a&b.toml", "a&b.toml"],
            "project title and metadata"
        );
        let title = doc
            .descendants()
            .find(|n| n.attribute("id") == Some("title"));
        assert_eq!(
            title.and_then(|n| n.attribute("labelText")),
            Some("a&b — land release as of 2026-06-30")
        );
        let layout = doc.descendants().find(|n| n.has_tag_name("Layout"));
        assert_eq!(
            layout.and_then(|n| n.attribute("name")),
            Some("National map")
        );
        assert!(
            xml.contains("<title>a&amp;b.toml</title>"),
            "escaped by the template"
        );
    }

    #[test]
    fn map_extent_keeps_the_data_and_the_map_items_shape() {
        let e = Extent {
            xmin: 68.0,
            ymin: 37.0,
            xmax: 71.0,
            ymax: 39.5,
        }
        .framed(1.05, 2.0);
        assert!(e.xmin < 68.0 && e.xmax > 71.0 && e.ymin < 37.0 && e.ymax > 39.5);
        assert!(((e.xmax - e.xmin) / (e.ymax - e.ymin) - 2.0).abs() < 1e-9);
    }

    /// The layout's region table is a fixed table of minefree's figures: the shown rows,
    /// then the "others" row, each cell as the layout writes it (one decimal, thousands
    /// separators, the names escaped by the template).
    #[test]
    fn the_region_table_places_the_shown_rows_and_the_others_row() {
        use crate::report::region_table::{Others, PlaceFigures};
        let mut with_table = inputs(vec![TableKind::RegionSummary]);
        with_table.region_table = RegionTable {
            rows: vec![PlaceFigures {
                name: "Big & <old>".into(),
                remaining_m2: 1_234_567_890.0,
                released_m2: 50_000.0,
                pct_released: Some(0.004),
                completion: NaiveDate::from_ymd_opt(2031, 1, 2),
            }],
            others: Some(Others {
                regions: 127,
                remaining_m2: 2_500_000.0,
                released_m2: 750_000.0,
                pct_released: Some(23.08),
                pct_of_national_remaining: Some(0.2025),
            }),
        };
        let xml = project_xml(&with_table);
        let doc = parse(&xml);
        let table = doc
            .descendants()
            .find(|n| n.has_tag_name("LayoutMultiFrame"))
            .expect("the region table");
        assert_eq!(table.attribute("type"), Some("65652"), "a fixed table");
        let headings: Vec<&str> = table
            .descendants()
            .filter(|n| n.has_tag_name("header"))
            .filter_map(|n| n.attribute("heading"))
            .collect();
        assert_eq!(
            headings,
            [
                "Region",
                "Remaining km²",
                "Released km²",
                "% released",
                "Completion"
            ]
        );
        let rows: Vec<Vec<&str>> = table
            .descendants()
            .filter(|n| {
                n.has_tag_name("row") && n.parent().is_some_and(|p| p.has_tag_name("contents"))
            })
            .map(|row| {
                row.children()
                    .filter(|c| c.is_element())
                    .filter_map(|cell| {
                        cell.children()
                            .find(|o| o.attribute("name") == Some("content"))
                            .and_then(|o| o.attribute("value"))
                    })
                    .collect()
            })
            .collect();
        assert_eq!(
            rows,
            [
                vec!["Big & <old>", "1,234.6", "0.1", "0.0", "2031-01-02"],
                vec!["127 others (0.2 %)", "2.5", "0.8", "23.1", ""],
            ]
        );
        assert!(xml.contains(r#"value="Big &amp; &lt;old&gt;""#), "escaped");
    }

    #[test]
    fn same_inputs_same_bytes() {
        let a = project_xml(&inputs(vec![TableKind::RegionSummary]));
        let b = project_xml(&inputs(vec![TableKind::RegionSummary]));
        assert_eq!(a, b);
        assert!(a.contains(r#"saveDateTime="2026-06-30T00:00:00""#));
    }
}
