//! The QGIS project stored inside `minefree.gpkg` (issue 15): open the GeoPackage in
//! QGIS, Browser → the GeoPackage → Projects → `minefree`, and the layers come with
//! their styles, in order, with a print layout "National map".
//!
//! Inputs ([`ProjectInputs`]): the pipeline file's name (the project title) and stem
//! (the layout title), the as-of date, the tables written to the GeoPackage (name and
//! geometry kind) and the data extent (the union of their geometries' bounding boxes,
//! [`data_extent`]). Nothing here reads the pipeline or the clock.
//!
//! Output: the `.qgs` document ([`project_xml`]); `report::write::project` stores it,
//! zipped, in the GeoPackage's `qgis_projects` table.
//!
//! The `.qgs` follows what QGIS 3.22 itself writes (learned by saving such a project with
//! PyQGIS into a GeoPackage), trimmed to the elements that carry something; QGIS fills
//! the rest with its defaults:
//! * paths are relative (`<Paths><Absolute>false`): a project stored in a GeoPackage
//!   resolves them against the GeoPackage's folder, so every datasource is
//!   `./minefree.gpkg|layername=…` and the folder can be moved or copied;
//! * layers, top first: `priority_tasks`, `remaining_hazards`, `region_summary`,
//!   `qa_findings` (unchecked), then the attribute tables `release_history`,
//!   `scenarios`, `work_plan`; each spatial layer embeds its stored default style (the
//!   body of the [`super::styles`] QML), so the project looks as the layers do when
//!   opened one by one;
//! * CRS EPSG:4326 with the WGS 84 ellipsoid for measurements; the canvas and default
//!   view extent are the data extent;
//! * the layout "National map", A4 landscape (297 × 210 mm): title, map of the data
//!   extent, legend (the visible spatial layers, filtered by map content), scale bar in
//!   km, north arrow (QGIS's own SVG), and a table of `region_summary`.
//!
//! The same inputs give the same bytes: every date in the project, the archive and the
//! metadata is the as-of date at 00:00:00. The project is written for `run` outputs only
//! (when `region_summary` is among the tables); `validate` writes none.

use std::fmt::Write as _;

use chrono::NaiveDate;
use geo::BoundingRect;

use super::qml as styles;
use crate::report::{GeometryKind, Table};

/// XML-escapes `text` (quick-xml's escaper: `<`, `>`, `&`, `'`, `"`).
fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// The project's name in `qgis_projects` (the `projectName` of its URI).
pub const PROJECT_NAME: &str = "minefree";

/// The layout's name.
pub const LAYOUT_NAME: &str = "National map";

/// The GeoPackage's file name, which the relative datasources name.
const GPKG_FILE: &str = "minefree.gpkg";

/// The layers a project may hold, top first: (table, legend title, checked).
const LAYERS: [(&str, &str, bool); 7] = [
    ("priority_tasks", "Priority tasks (by rank)", true),
    ("remaining_hazards", "Remaining hazards", true),
    (
        "region_summary",
        "Regions: share of hazard land released",
        true,
    ),
    ("qa_findings", "QA findings", false),
    ("release_history", "Release history", true),
    ("scenarios", "Scenarios", true),
    ("work_plan", "Work plan", true),
];

/// The `region_summary` columns of the layout's table: (field, heading).
const TABLE_COLUMNS: [(&str, &str); 6] = [
    ("region_id", "Region"),
    ("name", "Name"),
    ("remaining_m2", "Remaining m²"),
    ("released_m2", "Released m²"),
    ("pct_released", "% released"),
    ("projected_completion", "Completion"),
];

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
    /// Its stem (`sample`): the layout title names it.
    pub name: &'a str,
    /// The as-of date.
    pub as_of: NaiveDate,
}

/// What the project is made of.
#[derive(Debug, Clone)]
pub struct ProjectInputs<'a> {
    /// Pipeline file and as-of date.
    pub origin: Origin<'a>,
    /// The GeoPackage's tables (name, geometry kind); tables other than the SPEC layers
    /// are left out.
    pub layers: Vec<(&'a str, GeometryKind)>,
    /// The data extent ([`data_extent`]); `None` when nothing has a geometry.
    pub extent: Option<Extent>,
}

impl<'a> ProjectInputs<'a> {
    /// The inputs for `tables`, as written to the GeoPackage.
    pub fn new(origin: Origin<'a>, tables: &[&'a Table]) -> ProjectInputs<'a> {
        ProjectInputs {
            origin,
            layers: tables.iter().map(|t| (t.name, t.geometry_kind)).collect(),
            extent: data_extent(tables),
        }
    }

    /// The project's layers, top first: (table, geometry kind, legend title, checked).
    fn ordered(&self) -> Vec<(&'static str, GeometryKind, &'static str, bool)> {
        LAYERS
            .iter()
            .filter_map(|&(name, title, checked)| {
                let kind = self.layers.iter().find(|l| l.0 == name)?.1;
                Some((name, kind, title, checked))
            })
            .collect()
    }

    /// Whether the table `name` is among the layers.
    pub fn has(&self, name: &str) -> bool {
        self.layers.iter().any(|l| l.0 == name)
    }
}

/// The fixed time stamp of every date in the project: the as-of day at midnight.
pub(crate) fn timestamp(as_of: NaiveDate) -> String {
    format!("{}T00:00:00", as_of.format("%Y-%m-%d"))
}

// ---------------------------------------------------------------------------------------
// The .qgs document.

/// EPSG:4326 as QGIS writes a `spatialrefsys` (it reads the CRS back from `authid`).
const WGS84: &str = concat!(
    "<spatialrefsys><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4>",
    "<srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid>",
    "<description>WGS 84</description><projectionacronym>longlat</projectionacronym>",
    "<ellipsoidacronym>EPSG:7030</ellipsoidacronym><geographicflag>true</geographicflag>",
    "</spatialrefsys>"
);

/// The layer id of table `name` (unique in the project; QGIS accepts any string).
fn layer_id(name: &str) -> String {
    format!("minefree_{name}")
}

/// The relative datasource of table `name`.
fn datasource(name: &str) -> String {
    format!("./{GPKG_FILE}|layername={name}")
}

/// The whole `.qgs` document for `inputs`.
pub fn project_xml(inputs: &ProjectInputs) -> String {
    let origin = inputs.origin;
    let title = esc(origin.file_name);
    let layers = inputs.ordered();
    let view = inputs
        .extent
        .unwrap_or(Extent {
            xmin: -180.0,
            ymin: -90.0,
            xmax: 180.0,
            ymax: 90.0,
        })
        .framed(1.05, 1.5);
    let mut s = String::new();
    let _ = write!(
        s,
        concat!(
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n",
            r#"<qgis version="3.22.0-Białowieża" projectname="{title}" saveUser="minefree" "#,
            r#"saveUserFull="minefree" saveDateTime="{stamp}">"#,
            "\n<homePath path=\"\"/>\n<title>{title}</title>\n",
            "<projectCrs>{srs}</projectCrs>\n"
        ),
        title = title,
        stamp = timestamp(origin.as_of),
        srs = WGS84,
    );
    s.push_str(&layer_tree(&layers, |_| true, false));
    let _ = write!(
        s,
        concat!(
            "\n<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\"><units>degrees</units>",
            "<extent>{}</extent><rotation>0</rotation><destinationsrs>{}</destinationsrs>",
            "<rendermaptile>0</rendermaptile></mapcanvas>\n<projectlayers>\n"
        ),
        extent_elements(&view),
        WGS84
    );
    for &(name, kind, _, _) in &layers {
        s.push_str(&map_layer(name, kind));
        s.push('\n');
    }
    s.push_str("</projectlayers>\n<layerorder>");
    for &(name, ..) in &layers {
        let _ = write!(s, r#"<layer id="{}"/>"#, esc(&layer_id(name)));
    }
    let _ = write!(
        s,
        concat!(
            "</layerorder>\n<properties>",
            r#"<Paths><Absolute type="bool">false</Absolute></Paths>"#,
            r#"<Measure><Ellipsoid type="QString">EPSG:7030</Ellipsoid></Measure>"#,
            r#"<Measurement><DistanceUnits type="QString">km</DistanceUnits>"#,
            r#"<AreaUnits type="QString">km2</AreaUnits></Measurement>"#,
            r#"<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys>"#,
            "</properties>\n<projectMetadata><identifier></identifier><parentidentifier></parentidentifier>",
            "<language></language><type></type><title>{title}</title><abstract>{abstract_}</abstract>",
            "<links/><author>minefree</author><creation>{stamp}</creation></projectMetadata>\n"
        ),
        title = title,
        abstract_ = esc(&format!(
            "minefree outputs of {} as of {}",
            origin.file_name, origin.as_of
        )),
        stamp = timestamp(origin.as_of),
    );
    s.push_str("<Layouts>\n");
    s.push_str(&layout(inputs, &layers));
    let _ = write!(
        s,
        concat!(
            "</Layouts>\n",
            r#"<ProjectViewSettings UseProjectScales="0" rotation="0"><Scales/>"#,
            r#"<DefaultViewExtent xmin="{:.6}" ymin="{:.6}" xmax="{:.6}" ymax="{:.6}">{}</DefaultViewExtent>"#,
            "</ProjectViewSettings>\n</qgis>\n"
        ),
        view.xmin, view.ymin, view.xmax, view.ymax, WGS84
    );
    s
}

/// `<xmin>…</xmin>…` of an extent.
fn extent_elements(e: &Extent) -> String {
    format!(
        "<xmin>{:.6}</xmin><ymin>{:.6}</ymin><xmax>{:.6}</xmax><ymax>{:.6}</ymax>",
        e.xmin, e.ymin, e.xmax, e.ymax
    )
}

/// A `layer-tree-group` of the `layers` that `keep` keeps, top first; for the layout
/// legend (`legend`), with the legend titles as custom labels.
fn layer_tree(
    layers: &[(&'static str, GeometryKind, &'static str, bool)],
    keep: impl Fn(&(&'static str, GeometryKind, &'static str, bool)) -> bool,
    legend: bool,
) -> String {
    let kept: Vec<_> = layers.iter().filter(|l| keep(l)).collect();
    let mut s = String::from("<layer-tree-group><customproperties><Option/></customproperties>");
    for &&(name, _, title, checked) in &kept {
        let custom = if legend {
            format!(
                r#"<Option type="Map"><Option type="QString" name="legend/title-label" value="{}"/></Option>"#,
                esc(title)
            )
        } else {
            "<Option/>".to_string()
        };
        let _ = write!(
            s,
            concat!(
                r#"<layer-tree-layer id="{id}" name="{name}" source="{source}" providerKey="ogr" "#,
                r#"checked="{checked}" expanded="1" legend_exp="" patch_size="-1,-1" "#,
                r#"legend_split_behavior="0"><customproperties>{custom}</customproperties>"#,
                "</layer-tree-layer>"
            ),
            id = esc(&layer_id(name)),
            name = esc(name),
            source = esc(&datasource(name)),
            checked = if checked {
                "Qt::Checked"
            } else {
                "Qt::Unchecked"
            },
            custom = custom,
        );
    }
    s.push_str(r#"<custom-order enabled="0">"#);
    for &&(name, ..) in &kept {
        let _ = write!(s, "<item>{}</item>", esc(&layer_id(name)));
    }
    s.push_str("</custom-order></layer-tree-group>");
    s
}

/// One `<maplayer>`: the OGR layer `name` of the GeoPackage with its default style.
fn map_layer(name: &str, kind: GeometryKind) -> String {
    let (geometry, wkb) = match kind {
        GeometryKind::MultiPolygon => ("Polygon", "MultiPolygon"),
        GeometryKind::Any => ("Unknown geometry", "Unknown"),
        GeometryKind::None => ("No geometry", "NoGeometry"),
    };
    let spatial = kind != GeometryKind::None;
    let (style, labels) = if spatial {
        styles::default_body(name).unwrap_or_default()
    } else {
        (String::new(), false)
    };
    let srs = if spatial {
        format!("<srs>{WGS84}</srs>")
    } else {
        String::new()
    };
    format!(
        concat!(
            r#"<maplayer type="vector" geometry="{geometry}" wkbType="{wkb}" labelsEnabled="{labels}" "#,
            r#"styleCategories="AllStyleCategories" hasScaleBasedVisibilityFlag="0" minScale="0" "#,
            r#"maxScale="0" readOnly="0" autoRefreshEnabled="0" autoRefreshTime="0" "#,
            r#"refreshOnNotifyEnabled="0" refreshOnNotifyMessage="" symbologyReferenceScale="-1" "#,
            r#"simplifyDrawingHints="1" simplifyAlgorithm="0" simplifyDrawingTol="1" "#,
            r#"simplifyLocal="1" simplifyMaxScale="1" legendPlaceholderImage="">"#,
            "<id>{id}</id><datasource>{source}</datasource><keywordList><value></value></keywordList>",
            "<layername>{name}</layername>{srs}<provider encoding=\"UTF-8\">ogr</provider>",
            "<flags><Identifiable>1</Identifiable><Removable>1</Removable>",
            "<Searchable>1</Searchable><Private>0</Private></flags>\n{style}\n</maplayer>"
        ),
        geometry = geometry,
        wkb = wkb,
        labels = u8::from(labels),
        id = esc(&layer_id(name)),
        source = esc(&datasource(name)),
        name = esc(name),
        srs = srs,
        style = style,
    )
}

// ---------------------------------------------------------------------------------------
// The print layout.

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

/// Fixed item uuids (QGIS links items by them; any unique string works).
fn uuid(n: u32) -> String {
    format!("{{6d696e65-6672-4565-8000-{n:012}}}")
}

/// A `<LayoutItem>` of QGIS item type `kind` (65638 page … 65649 attribute table), with
/// the attributes every item has, then `attrs`, then `body`.
fn item(kind: u32, n: u32, id: &str, at: Mm, z: u32, attrs: &str, body: &str) -> String {
    // The map is framed (the table draws its own grid); picture and label float on the
    // page; the rest is on white.
    let framed = kind == 65639;
    let background = !matches!(kind, 65640 | 65641);
    format!(
        concat!(
            r#"<LayoutItem type="{kind}" uuid="{uuid}" templateUuid="{uuid}" id="{id}" "#,
            r#"position="{x},{y},mm" positionOnPage="{x},{y},mm" size="{w},{h},mm" "#,
            r#"zValue="{z}" referencePoint="0" itemRotation="0" visibility="1" opacity="1" "#,
            r#"blendMode="0" excludeFromExports="0" positionLock="false" groupUuid="" "#,
            r#"frame="{frame}" background="{background}" outlineWidthM="0.3,mm" "#,
            r#"frameJoinStyle="miter" {attrs}><FrameColor red="60" green="60" blue="60" alpha="255"/>"#,
            r#"<BackgroundColor red="255" green="255" blue="255" alpha="255"/>{body}</LayoutItem>"#,
            "\n"
        ),
        kind = kind,
        uuid = uuid(n),
        id = esc(id),
        x = at.x,
        y = at.y,
        w = at.w,
        h = at.h,
        z = z,
        frame = framed,
        background = background,
        attrs = attrs,
        body = body,
    )
}

/// A Qt font description (`family,size,-1,5,weight,…`) for legend and label fonts.
fn font(size_pt: f64, bold: bool) -> String {
    let weight = if bold { 75 } else { 50 };
    format!(
        r#"description="DejaVu Sans,{size_pt},-1,5,{weight},0,0,0,0,0" style="{}""#,
        if bold { "Bold" } else { "" }
    )
}

/// A QGIS text format (scale bar and table fonts).
fn text_style(size_pt: f64, bold: bool) -> String {
    format!(
        concat!(
            r#"<text-style fontFamily="DejaVu Sans" namedStyle="{style}" fontWeight="{weight}" "#,
            r#"fontSize="{size}" fontSizeUnit="Point" textColor="30,30,30,255" textOpacity="1" "#,
            r#"fontItalic="0" fontUnderline="0" fontStrikeout="0" fontKerning="1" "#,
            r#"fontLetterSpacing="0" fontWordSpacing="0" capitalization="0" allowHtml="0" "#,
            r#"blendMode="0" multilineHeight="1" textOrientation="horizontal" "#,
            r#"previewBkgrdColor="255,255,255,255"><families/>"#,
            r#"<text-buffer bufferDraw="0" bufferSize="1" bufferSizeUnits="MM" "#,
            r#"bufferColor="255,255,255,255" bufferOpacity="1" bufferNoFill="1" "#,
            r#"bufferJoinStyle="128" bufferBlendMode="0"/></text-style>"#
        ),
        style = if bold { "Bold" } else { "Book" },
        weight = if bold { 75 } else { 50 },
        size = size_pt,
    )
}

/// The page's fill symbol (white, no outline), for the page collection and the page.
const PAGE_SYMBOL: &str = concat!(
    r#"<symbol type="fill" name="" alpha="1" clip_to_extent="1" force_rhr="0">"#,
    r#"<layer class="SimpleFill" enabled="1" locked="0" pass="0"><Option type="Map">"#,
    r#"<Option type="QString" name="color" value="255,255,255,255"/>"#,
    r#"<Option type="QString" name="style" value="solid"/>"#,
    r#"<Option type="QString" name="outline_style" value="no"/>"#,
    r#"</Option></layer></symbol>"#
);

/// The layout "National map".
fn layout(
    inputs: &ProjectInputs,
    layers: &[(&'static str, GeometryKind, &'static str, bool)],
) -> String {
    let origin = inputs.origin;
    let map_extent = inputs
        .extent
        .unwrap_or(Extent {
            xmin: -180.0,
            ymin: -90.0,
            xmax: 180.0,
            ymax: 90.0,
        })
        .framed(1.05, MAP.w / MAP.h);
    let map = uuid(2);
    let mut s = format!(
        r#"<Layout name="{}" units="mm" printResolution="300" worldFileMap="">"#,
        esc(LAYOUT_NAME)
    );
    s.push_str("<PageCollection>");
    s.push_str(PAGE_SYMBOL);
    s.push_str(&item(65638, 1, "", PAGE, 0, "", PAGE_SYMBOL));
    s.push_str(r#"<GuideCollection visible="1"/></PageCollection>"#);

    let title = format!(
        "{} — land release as of {}",
        origin.name,
        origin.as_of.format("%Y-%m-%d")
    );
    s.push_str(&item(
        65641,
        3,
        "title",
        TITLE,
        5,
        &format!(
            r#"labelText="{}" htmlState="0" halign="1" valign="128" marginX="0" marginY="0""#,
            esc(&title)
        ),
        &format!(
            r#"<LabelFont {}/><FontColor red="30" green="30" blue="30" alpha="255"/>"#,
            font(18.0, true)
        ),
    ));

    s.push_str(&item(
        65639,
        2,
        "map",
        MAP,
        1,
        concat!(
            r#"keepLayerSet="false" followPreset="false" followPresetName="" "#,
            r#"drawCanvasItems="true" mapRotation="0" isTemporal="0" labelMargin="0,mm" mapFlags="0""#
        ),
        &format!(
            concat!(
                r#"<Extent xmin="{:.6}" ymin="{:.6}" xmax="{:.6}" ymax="{:.6}"/>"#,
                r#"<crs>{}</crs><LayerSet/><AtlasMap atlasDriven="0" scalingMode="2" margin="0.1"/>"#
            ),
            map_extent.xmin, map_extent.ymin, map_extent.xmax, map_extent.ymax, WGS84
        ),
    ));

    s.push_str(&item(
        65640,
        4,
        "north arrow",
        NORTH_ARROW,
        4,
        &format!(
            concat!(
                r#"file=":/images/north_arrows/layout_default_north_arrow.svg" mode="0" "#,
                r#"resizeMode="0" anchorPoint="0" northMode="0" northOffset="0" mapUuid="{map}" "#,
                r#"pictureRotation="0" pictureWidth="{w}" pictureHeight="{h}" "#,
                r#"svgFillColor="255,255,255,255" svgBorderColor="0,0,0,255" svgBorderWidth="0.2""#
            ),
            map = map,
            w = NORTH_ARROW.w,
            h = NORTH_ARROW.h,
        ),
        "",
    ));

    s.push_str(&item(
        65646,
        5,
        "scale bar",
        SCALE_BAR,
        3,
        &format!(
            concat!(
                r#"style="Single Box" mapUuid="{map}" unitType="km" unitLabel="km" "#,
                r#"numMapUnitsPerScaleBarUnit="1" numSegments="2" numSegmentsLeft="0" "#,
                r#"numSubdivisions="1" subdivisionsHeight="1.5" segmentSizeMode="1" "#,
                r#"numUnitsPerSegment="10" minBarWidth="25" maxBarWidth="55" height="2" "#,
                r#"labelBarSpace="1.5" boxContentSpace="1.5" alignment="0" outlineWidth="0.3" "#,
                r#"labelVerticalPlacement="0" labelHorizontalPlacement="0" lineJoinStyle="miter" "#,
                r#"lineCapStyle="square""#
            ),
            map = map
        ),
        &text_style(7.0, false),
    ));

    let legend_layers = layer_tree(
        layers,
        |&(_, kind, _, checked)| checked && kind != GeometryKind::None,
        true,
    );
    let styles = [
        ("title", 12.0, true, "marginBottom=\"2\""),
        ("group", 9.0, true, "marginTop=\"2\""),
        ("subgroup", 8.0, true, "marginTop=\"2.5\""),
        ("symbol", 7.0, false, "marginTop=\"1.5\""),
        (
            "symbolLabel",
            7.0,
            false,
            "marginTop=\"1.5\" marginLeft=\"2\"",
        ),
    ];
    let mut legend_body = String::from("<styles>");
    for (name, size, bold, margins) in styles {
        let _ = write!(
            legend_body,
            r#"<style name="{name}" alignment="1" indent="0" {margins}><styleFont {}/></style>"#,
            font(size, bold)
        );
    }
    legend_body.push_str("</styles>");
    legend_body.push_str(&legend_layers);
    s.push_str(&item(
        65642,
        6,
        "legend",
        LEGEND,
        2,
        &format!(
            concat!(
                r#"title="" titleAlignment="1" map_uuid="{map}" resizeToContents="1" "#,
                r#"legendFilterByMap="1" legendFilterByAtlas="0" columnCount="1" "#,
                r#"splitLayer="0" equalColumnWidth="0" columnSpace="2" boxSpace="2" "#,
                r#"symbolWidth="6" symbolHeight="3.5" symbolAlignment="1" lineSpacing="1" "#,
                r#"wmsLegendWidth="50" wmsLegendHeight="25" rasterBorder="1" "#,
                r#"rasterBorderColor="0,0,0,255" rasterBorderWidth="0" wrapChar="" "#,
                r##"fontColor="#1e1e1e" minSymbolSize="0" maxSymbolSize="0""##
            ),
            map = map
        ),
        &legend_body,
    ));

    if inputs.has("region_summary") {
        s.push_str(&region_table(7, 8));
    }
    s.push_str(concat!(
        r#"<customproperties><Option type="Map"><Option type="bool" name="singleFile" value="true"/></Option></customproperties>"#,
        r#"<Atlas enabled="0" coverageLayer="" hideCoverage="0" filterFeatures="0" sortFeatures="0" "#,
        r#"pageNameExpression="" filenamePattern="'output_'||@atlas_featurenumber"/>"#,
        "</Layout>\n"
    ));
    s
}

/// The attribute table of `region_summary`: its frame item (uuid number `frame`) and the
/// multi-frame (uuid number `table`) that holds the columns.
fn region_table(frame: u32, table: u32) -> String {
    let table_uuid = uuid(table);
    let mut s = item(
        65647,
        frame,
        "region table",
        TABLE,
        6,
        &format!(
            concat!(
                r#"multiFrame="{t}" multiFrameTemplateUuid="{t}" sectionX="0" sectionY="0" "#,
                r#"sectionWidth="{w}" sectionHeight="{h}" hidePageIfEmpty="0" "#,
                r#"hideBackgroundIfEmpty="0""#
            ),
            t = table_uuid,
            w = TABLE.w,
            h = TABLE.h,
        ),
        "",
    );
    let _ = write!(
        s,
        concat!(
            r#"<LayoutMultiFrame type="65649" uuid="{t}" templateUuid="{t}" resizeMode="0" "#,
            r#"source="0" relationId="" vectorLayer="{id}" vectorLayerName="region_summary" "#,
            r#"vectorLayerSource="{source}" vectorLayerProvider="ogr" maxFeatures="200" "#,
            r#"showUniqueRowsOnly="0" filterToAtlasIntersection="0" showOnlyVisibleFeatures="0" "#,
            r#"filterFeatures="false" featureFilter="" useConditionalStyling="0" "#,
            r#"showGrid="1" horizontalGrid="1" verticalGrid="1" gridStrokeWidth="0.15" "#,
            r#"gridColor="120,120,120,255" backgroundColor="255,255,255,255" cellMargin="0.8" "#,
            r#"headerMode="0" headerHAlignment="0" emptyTableMode="0" emptyTableMessage="" "#,
            r#"showEmptyRows="0" wrapString="" wrapBehavior="0">"#,
            r#"<childFrame uuid="{f}" templateUuid="{f}"/>"#,
            "<headerTextFormat>{header}</headerTextFormat>",
            "<contentTextFormat>{content}</contentTextFormat><displayColumns>"
        ),
        t = table_uuid,
        f = uuid(frame),
        id = esc(&layer_id("region_summary")),
        source = esc(&datasource("region_summary")),
        header = text_style(6.0, true),
        content = text_style(6.0, false),
    );
    for (field, heading) in TABLE_COLUMNS {
        let align = if matches!(field, "region_id" | "name") {
            1
        } else {
            2
        };
        let _ = write!(
            s,
            concat!(
                r#"<column attribute="{}" heading="{}" hAlignment="{}" vAlignment="128" "#,
                r#"width="0" sortByRank="0" sortOrder="0">"#,
                r#"<backgroundColor red="0" green="0" blue="0" alpha="0"/></column>"#
            ),
            esc(field),
            esc(heading),
            align
        );
    }
    s.push_str("</displayColumns><sortColumns/></LayoutMultiFrame>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(layers: Vec<(&'static str, GeometryKind)>) -> ProjectInputs<'static> {
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
        }
    }

    #[test]
    fn layers_come_top_first_with_relative_sources_and_their_styles() {
        let xml = project_xml(&inputs(vec![
            ("remaining_hazards", GeometryKind::MultiPolygon),
            ("region_summary", GeometryKind::MultiPolygon),
            ("priority_tasks", GeometryKind::MultiPolygon),
            ("qa_findings", GeometryKind::Any),
            ("release_history", GeometryKind::None),
            ("changes", GeometryKind::MultiPolygon),
        ]));
        let at = |needle: &str| xml.find(needle).unwrap_or_else(|| panic!("{needle}"));
        let order = [
            "priority_tasks",
            "remaining_hazards",
            "region_summary",
            "qa_findings",
            "release_history",
        ];
        for pair in order.windows(2) {
            let tag = |n: &str| format!("<datasource>./minefree.gpkg|layername={n}</datasource>");
            assert!(at(&tag(pair[0])) < at(&tag(pair[1])), "{pair:?}");
        }
        assert!(!xml.contains("layername=changes"), "only SPEC layers");
        let qa = concat!(
            r#"name="qa_findings" source="./minefree.gpkg|layername=qa_findings" "#,
            r#"providerKey="ogr" checked="Qt::Unchecked""#
        );
        assert!(xml.contains(qa), "qa_findings unchecked");
        assert!(xml.contains(r#"<Absolute type="bool">false</Absolute>"#));
        assert!(xml.contains(r#"attr="status""#), "hazard style embedded");
        assert!(
            xml.contains(r#"<title>a&amp;b.toml</title>"#),
            "escaped title"
        );
        assert!(xml.contains("a&amp;b — land release as of 2026-06-30"));
        assert!(xml.contains(r#"<Layout name="National map""#));
        assert!(
            !xml.contains("<qgis version=\"3.22.0\" styleCategories"),
            "QML unwrapped"
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

    #[test]
    fn same_inputs_same_bytes() {
        let a = project_xml(&inputs(vec![(
            "region_summary",
            GeometryKind::MultiPolygon,
        )]));
        let b = project_xml(&inputs(vec![(
            "region_summary",
            GeometryKind::MultiPolygon,
        )]));
        assert_eq!(a, b);
        assert!(a.contains(r#"saveDateTime="2026-06-30T00:00:00""#));
    }
}
