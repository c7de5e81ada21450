//! The QGIS project stored inside `minefree.gpkg` (issue 15): open the GeoPackage in
//! QGIS, Browser → the GeoPackage → Projects → `minefree`, and the layers come with
//! their styles, in order, with a print layout "National map".
//!
//! Inputs ([`ProjectInputs`]): the pipeline file's name (the project title) and stem
//! (the layout title), the as-of date, the tables written to the GeoPackage (name and
//! geometry kind) and the data extent (the union of their geometries' bounding boxes,
//! [`data_extent`]). Nothing here reads the pipeline or the clock.
//!
//! Output: the `.qgs` document ([`project_xml`]), written with quick-xml's writer (which
//! escapes every attribute and text); `report::write::project` stores it, zipped, in the
//! GeoPackage's `qgis_projects` table. The print layout is in `layout`.
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

use std::io;

use chrono::NaiveDate;
use geo::BoundingRect;
use quick_xml::Writer;

use super::qml::{self, blocks};
use super::xml::{doctype, element, empty, into_string, text, Xml};
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
// The .qgs document.

/// A project layer: (table, geometry kind, legend title, checked).
type Layer = (TableKind, GeometryKind, &'static str, bool);

/// An element holding only `value`.
fn text_element(w: &mut Xml, name: &str, value: &str) -> io::Result<()> {
    element(w, name, &[], |w| text(w, value))
}

/// EPSG:4326 as QGIS writes a `spatialrefsys` (it reads the CRS back from `authid`).
fn wgs84(w: &mut Xml) -> io::Result<()> {
    element(w, "spatialrefsys", &[], |w| {
        for (name, value) in [
            ("proj4", "+proj=longlat +datum=WGS84 +no_defs"),
            ("srsid", "3452"),
            ("srid", "4326"),
            ("authid", "EPSG:4326"),
            ("description", "WGS 84"),
            ("projectionacronym", "longlat"),
            ("ellipsoidacronym", "EPSG:7030"),
            ("geographicflag", "true"),
        ] {
            text_element(w, name, value)?;
        }
        Ok(())
    })
}

/// The layer id of `table` (unique in the project; QGIS accepts any string).
fn layer_id(table: TableKind) -> String {
    format!("minefree_{}", table.name())
}

/// The relative datasource of table `name`.
fn datasource(table: TableKind) -> String {
    format!("./{GPKG_FILE}|layername={}", table.name())
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
    let mut w = Writer::new(Vec::new());
    document(&mut w, inputs).expect("writing to a Vec cannot fail");
    into_string(w)
}

fn document(w: &mut Xml, inputs: &ProjectInputs) -> io::Result<()> {
    let origin = inputs.origin;
    let stamp = timestamp(origin.as_of);
    doctype(w)?;
    let attrs = [
        ("version", "3.22.0-Białowieża"),
        ("projectname", origin.file_name),
        ("saveUser", "minefree"),
        ("saveUserFull", "minefree"),
        ("saveDateTime", &stamp),
    ];
    element(w, "qgis", &attrs, |w| {
        text(w, "\n")?;
        empty(w, "homePath", &[("path", "")])?;
        text(w, "\n")?;
        text_element(w, "title", origin.file_name)?;
        text(w, "\n")?;
        element(w, "projectCrs", &[], wgs84)?;
        text(w, "\n")?;
        let layers = inputs.ordered();
        layer_tree(w, &layers, false)?;
        text(w, "\n")?;
        map_canvas(w, &view_extent(inputs, 1.5))?;
        project_layers(w, &layers)?;
        properties(w, inputs)?;
        element(w, "Layouts", &[], |w| {
            text(w, "\n")?;
            layout::layout(w, inputs, &layers)
        })?;
        text(w, "\n")?;
        view_settings(w, &view_extent(inputs, 1.5))?;
        text(w, "\n")
    })?;
    text(w, "\n")
}

/// The map canvas: degrees, the view extent, EPSG:4326.
fn map_canvas(w: &mut Xml, view: &Extent) -> io::Result<()> {
    let attrs = [("name", "theMapCanvas"), ("annotationsVisible", "1")];
    element(w, "mapcanvas", &attrs, |w| {
        text_element(w, "units", "degrees")?;
        element(w, "extent", &[], |w| {
            let [xmin, ymin, xmax, ymax] = corners(view);
            text_element(w, "xmin", &xmin)?;
            text_element(w, "ymin", &ymin)?;
            text_element(w, "xmax", &xmax)?;
            text_element(w, "ymax", &ymax)
        })?;
        text_element(w, "rotation", "0")?;
        element(w, "destinationsrs", &[], wgs84)?;
        text_element(w, "rendermaptile", "0")
    })?;
    text(w, "\n")
}

/// `<projectlayers>` (one `<maplayer>` each) and `<layerorder>`, top first.
fn project_layers(w: &mut Xml, layers: &[Layer]) -> io::Result<()> {
    element(w, "projectlayers", &[], |w| {
        text(w, "\n")?;
        for &(table, kind, _, _) in layers {
            map_layer(w, table, kind)?;
            text(w, "\n")?;
        }
        Ok(())
    })?;
    text(w, "\n")?;
    element(w, "layerorder", &[], |w| {
        for &(name, ..) in layers {
            empty(w, "layer", &[("id", &layer_id(name))])?;
        }
        Ok(())
    })?;
    text(w, "\n")
}

/// Relative paths, WGS 84 measurements in km and km², and the project metadata.
fn properties(w: &mut Xml, inputs: &ProjectInputs) -> io::Result<()> {
    let typed = |w: &mut Xml, name: &str, ty: &str, value: &str| {
        element(w, name, &[("type", ty)], |w| text(w, value))
    };
    element(w, "properties", &[], |w| {
        element(w, "Paths", &[], |w| typed(w, "Absolute", "bool", "false"))?;
        element(w, "Measure", &[], |w| {
            typed(w, "Ellipsoid", "QString", "EPSG:7030")
        })?;
        element(w, "Measurement", &[], |w| {
            typed(w, "DistanceUnits", "QString", "km")?;
            typed(w, "AreaUnits", "QString", "km2")
        })?;
        element(w, "SpatialRefSys", &[], |w| {
            typed(w, "ProjectionsEnabled", "int", "1")
        })
    })?;
    text(w, "\n")?;
    let origin = inputs.origin;
    let summary = format!(
        "minefree outputs of {} as of {}",
        origin.file_name, origin.as_of
    );
    element(w, "projectMetadata", &[], |w| {
        for name in ["identifier", "parentidentifier", "language", "type"] {
            empty(w, name, &[])?;
        }
        text_element(w, "title", origin.file_name)?;
        text_element(w, "abstract", &summary)?;
        empty(w, "links", &[])?;
        text_element(w, "author", "minefree")?;
        text_element(w, "creation", &timestamp(origin.as_of))
    })?;
    text(w, "\n")
}

/// The default view: the view extent in EPSG:4326.
fn view_settings(w: &mut Xml, view: &Extent) -> io::Result<()> {
    let attrs = [("UseProjectScales", "0"), ("rotation", "0")];
    element(w, "ProjectViewSettings", &attrs, |w| {
        empty(w, "Scales", &[])?;
        let [xmin, ymin, xmax, ymax] = corners(view);
        let corners = [
            ("xmin", xmin.as_str()),
            ("ymin", &ymin),
            ("xmax", &xmax),
            ("ymax", &ymax),
        ];
        element(w, "DefaultViewExtent", &corners, wgs84)
    })
}

/// A `layer-tree-group` of `layers`, top first; for the layout legend (`legend`), with
/// the legend titles as custom labels.
fn layer_tree(w: &mut Xml, layers: &[Layer], legend: bool) -> io::Result<()> {
    element(w, "layer-tree-group", &[], |w| {
        element(w, "customproperties", &[], |w| empty(w, "Option", &[]))?;
        for &(table, _, title, checked) in layers {
            let (id, source) = (layer_id(table), datasource(table));
            let checked = if checked {
                "Qt::Checked"
            } else {
                "Qt::Unchecked"
            };
            let attrs = [
                ("id", id.as_str()),
                ("name", table.name()),
                ("source", &source),
                ("providerKey", "ogr"),
                ("checked", checked),
                ("expanded", "1"),
                ("legend_exp", ""),
                ("patch_size", "-1,-1"),
                ("legend_split_behavior", "0"),
            ];
            element(w, "layer-tree-layer", &attrs, |w| {
                element(w, "customproperties", &[], |w| {
                    if !legend {
                        return empty(w, "Option", &[]);
                    }
                    element(w, "Option", &[("type", "Map")], |w| {
                        let label = [
                            ("type", "QString"),
                            ("name", "legend/title-label"),
                            ("value", title),
                        ];
                        empty(w, "Option", &label)
                    })
                })
            })?;
        }
        element(w, "custom-order", &[("enabled", "0")], |w| {
            for &(name, ..) in layers {
                text_element(w, "item", &layer_id(name))?;
            }
            Ok(())
        })
    })
}

/// One `<maplayer>`: the GeoPackage's layer of `table` with its default style.
fn map_layer(w: &mut Xml, table: TableKind, kind: GeometryKind) -> io::Result<()> {
    let (geometry, wkb) = match kind {
        GeometryKind::MultiPolygon => ("Polygon", "MultiPolygon"),
        GeometryKind::Any => ("Unknown geometry", "Unknown"),
        GeometryKind::None => ("No geometry", "NoGeometry"),
    };
    let spatial = kind != GeometryKind::None;
    let style = qml::default_style(table).filter(|_| spatial);
    let labels = if style.as_ref().is_some_and(|s| s.labels.is_some()) {
        "1"
    } else {
        "0"
    };
    let head = [
        ("type", "vector"),
        ("geometry", geometry),
        ("wkbType", wkb),
        ("labelsEnabled", labels),
    ];
    let attrs = [head.as_slice(), &MAP_LAYER_ATTRS].concat();
    element(w, "maplayer", &attrs, |w| {
        text_element(w, "id", &layer_id(table))?;
        text_element(w, "datasource", &datasource(table))?;
        element(w, "keywordList", &[], |w| empty(w, "value", &[]))?;
        text_element(w, "layername", table.name())?;
        if spatial {
            element(w, "srs", &[], wgs84)?;
        }
        element(w, "provider", &[("encoding", "UTF-8")], |w| text(w, "ogr"))?;
        element(w, "flags", &[], |w| {
            for (flag, value) in [
                ("Identifiable", "1"),
                ("Removable", "1"),
                ("Searchable", "1"),
                ("Private", "0"),
            ] {
                text_element(w, flag, value)?;
            }
            Ok(())
        })?;
        text(w, "\n")?;
        if let Some(style) = &style {
            // the style's body, from the template (already escaped XML)
            w.get_mut()
                .extend_from_slice(blocks::body(style).as_bytes());
        }
        text(w, "\n")
    })
}

/// The attributes every `<maplayer>` has after its type and geometry.
const MAP_LAYER_ATTRS: [(&str, &str); 16] = [
    ("styleCategories", "AllStyleCategories"),
    ("hasScaleBasedVisibilityFlag", "0"),
    ("minScale", "0"),
    ("maxScale", "0"),
    ("readOnly", "0"),
    ("autoRefreshEnabled", "0"),
    ("autoRefreshTime", "0"),
    ("refreshOnNotifyEnabled", "0"),
    ("refreshOnNotifyMessage", ""),
    ("symbologyReferenceScale", "-1"),
    ("simplifyDrawingHints", "1"),
    ("simplifyAlgorithm", "0"),
    ("simplifyDrawingTol", "1"),
    ("simplifyLocal", "1"),
    ("simplifyMaxScale", "1"),
    ("legendPlaceholderImage", ""),
];

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
            "escaped by the writer"
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
