//! QGIS default styles stored in the GeoPackage, in the `layer_styles` table that QGIS
//! itself creates when a style is saved "in the database".
//!
//! Input: the path of a GeoPackage that [`super::gpkg::write_gpkg`] has just written and
//! closed, and the tables it holds. Output: a `layer_styles` attribute table (registered
//! in `gpkg_contents` as `attributes`, so it is a valid GeoPackage table) with one row per
//! stored style, made through OGR with the schema of QGIS 3.22
//! (`QgsOgrProviderMetadata::saveStyle`): FID `id`, `f_table_catalog`, `f_table_schema`,
//! `f_table_name`, `f_geometry_column`, `styleName`, `styleQML`, `styleSLD`,
//! `useAsDefault` (boolean), `description`, `owner`, `ui`, `update_time` (defaults to the
//! time of writing). QGIS looks styles up with `f_table_schema = ''`, the layer name and
//! the geometry column (`geom`), and applies the `useAsDefault` one when a layer is
//! opened, with no clicks.
//!
//! Styles (QML for QGIS ≥ 3.22; the column names are the SPEC §5 ones):
//! * `remaining_hazards`: categorized by `status` (CHA red, SHA orange); a second,
//!   non-default style graduates by `score`.
//! * `region_summary`: graduated by `pct_released` (red → green; a region where no
//!   hazard land was recorded has its own grey class), labelled with `name` where land
//!   remains.
//! * `priority_tasks`: graduated by `rank` (outlined, so that the hazards' CHA/SHA fill
//!   shows through), labelled with `rank`.
//! * `qa_findings`: rule-based by `severity`, with one child rule per geometry type
//!   (the layer's geometry type is generic: points and polygons).

use std::fmt::Write as _;

use super::html::esc as attr;

/// One row of `layer_styles`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStyle {
    /// The styled layer (`f_table_name`).
    pub layer: &'static str,
    /// `styleName` (QGIS limits it to 30 characters).
    pub name: &'static str,
    /// `description`.
    pub description: &'static str,
    /// `useAsDefault`: applied when the layer is opened.
    pub default: bool,
    /// The QGIS style document (QML).
    pub qml: String,
}

/// A style minefree stores: layer, `styleName`, `description`, `useAsDefault` and the
/// function that builds its QML.
type StyleSpec = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    fn() -> String,
);

/// Every stored style, default first for each layer.
const STYLES: [StyleSpec; 5] = [
    (
        "remaining_hazards",
        "minefree: by status",
        "CHA red, SHA orange (minefree default)",
        true,
        || qml(&hazards_by_status(), None),
    ),
    (
        "remaining_hazards",
        "minefree: by score",
        "Graduated by priority score 0-100",
        false,
        || qml(&hazards_by_score(), None),
    ),
    (
        "region_summary",
        "minefree: % released",
        "Graduated by pct_released, labelled with name (minefree default)",
        true,
        || {
            // Names only where land remains, the largest remaining first: QGIS places
            // labels by priority and drops the ones that would collide.
            let labels = labeling(
                r#"CASE WHEN "remaining_m2" >= 1 THEN "name" END"#,
                10.0,
                (30, 30, 30),
                false,
                9,
            )
            .replace(
                "</settings>",
                &data_defined_priority(
                    r#"scale_linear("remaining_m2", 0, maximum("remaining_m2"), 1, 10)"#,
                ),
            );
            qml(&regions_by_pct_released(), Some(&labels))
        },
    ),
    (
        "priority_tasks",
        "minefree: by rank",
        "Graduated by rank, labelled with rank (minefree default)",
        true,
        || {
            let labels = labeling("rank", 8.0, (84, 0, 110), true, 5);
            qml(&tasks_by_rank(), Some(&labels))
        },
    ),
    (
        "qa_findings",
        "minefree: by severity",
        "Rule-based by severity and geometry type (minefree default)",
        true,
        || qml(&findings_by_severity(), None),
    ),
];

/// The styles stored for the layers named in `layers`, in that order (default first
/// for each layer); layers without a style get none.
pub fn styles_for(layers: &[&str]) -> Vec<StoredStyle> {
    layers
        .iter()
        .flat_map(|&layer| STYLES.iter().filter(move |s| s.0 == layer))
        .map(|&(layer, name, description, default, build)| StoredStyle {
            layer,
            name,
            description,
            default,
            qml: build(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// QML building blocks.

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// A QGIS colour string `r,g,b,a`.
fn color((r, g, b): Rgb, alpha: u8) -> String {
    format!("{r},{g},{b},{alpha}")
}

/// A symbol: its QGIS type (`fill`, `marker`, `line`) and one symbol-layer element.
#[derive(Debug, Clone)]
struct Symbol {
    kind: &'static str,
    layer: String,
}

/// One symbol layer with its properties, as QGIS 3.22 writes them (an `Option` map).
fn symbol_layer(class: &str, props: &[(&str, String)]) -> String {
    let mut s =
        format!(r#"<layer class="{class}" enabled="1" locked="0" pass="0"><Option type="Map">"#);
    for (k, v) in props {
        let _ = write!(
            s,
            r#"<Option name="{k}" type="QString" value="{}"/>"#,
            attr(v)
        );
    }
    s.push_str("</Option></layer>");
    s
}

/// A polygon symbol: `fill` with `fill_alpha` (0 = outline only) and a solid outline.
fn fill(fill: Rgb, fill_alpha: u8, outline: Rgb, outline_mm: f64) -> Symbol {
    let style = if fill_alpha == 0 { "no" } else { "solid" };
    Symbol {
        kind: "fill",
        layer: symbol_layer(
            "SimpleFill",
            &[
                ("color", color(fill, fill_alpha)),
                ("style", style.to_string()),
                ("outline_color", color(outline, 255)),
                ("outline_style", "solid".to_string()),
                ("outline_width", outline_mm.to_string()),
                ("outline_width_unit", "MM".to_string()),
                ("joinstyle", "round".to_string()),
            ],
        ),
    }
}

/// A point symbol: a circle of `size_mm`.
fn marker(fill: Rgb, size_mm: f64) -> Symbol {
    Symbol {
        kind: "marker",
        layer: symbol_layer(
            "SimpleMarker",
            &[
                ("name", "circle".to_string()),
                ("color", color(fill, 230)),
                ("outline_color", color((40, 40, 40), 255)),
                ("outline_width", "0.3".to_string()),
                ("outline_width_unit", "MM".to_string()),
                ("size", size_mm.to_string()),
                ("size_unit", "MM".to_string()),
            ],
        ),
    }
}

/// Adds a dot at the polygon's point on surface, so that hazards far smaller than a
/// pixel at national scale still show, in their class colour.
fn with_dot(mut symbol: Symbol, rgb: Rgb) -> Symbol {
    let centroid = symbol_layer(
        "CentroidFill",
        &[
            ("point_on_surface", "1".to_string()),
            ("point_on_all_parts", "0".to_string()),
            ("clip_points", "0".to_string()),
            ("clip_on_current_part_only", "0".to_string()),
        ],
    );
    let open = centroid
        .strip_suffix("</layer>")
        .expect("symbol_layer closes the layer element");
    let _ = write!(
        symbol.layer,
        r#"{open}<symbol type="marker" name="@0@1" alpha="1" clip_to_extent="1" force_rhr="0">{}</symbol></layer>"#,
        marker(rgb, 2.2).layer
    );
    symbol
}

/// A line symbol.
fn line(stroke: Rgb, width_mm: f64) -> Symbol {
    Symbol {
        kind: "line",
        layer: symbol_layer(
            "SimpleLine",
            &[
                ("line_color", color(stroke, 255)),
                ("line_style", "solid".to_string()),
                ("line_width", width_mm.to_string()),
                ("line_width_unit", "MM".to_string()),
            ],
        ),
    }
}

/// The `<symbols>` element; symbol `i` is named `i`.
fn symbols<'a>(list: impl Iterator<Item = &'a Symbol>) -> String {
    let mut s = String::from("<symbols>");
    for (i, sym) in list.enumerate() {
        let _ = write!(
            s,
            r#"<symbol type="{}" name="{i}" alpha="1" clip_to_extent="1" force_rhr="0">{}</symbol>"#,
            sym.kind, sym.layer
        );
    }
    s.push_str("</symbols>");
    s
}

const RENDERER_ATTRS: &str = r#"symbollevels="0" enableorderby="0" forceraster="0""#;

/// A categorized renderer: (value, legend label, symbol) per class.
fn categorized(attribute: &str, classes: &[(&str, &str, Symbol)]) -> String {
    let mut s = format!(
        r#"<renderer-v2 type="categorizedSymbol" attr="{}" {RENDERER_ATTRS}><categories>"#,
        attr(attribute)
    );
    for (i, (value, label, _)) in classes.iter().enumerate() {
        let _ = write!(
            s,
            r#"<category value="{}" label="{}" symbol="{i}" render="true"/>"#,
            attr(value),
            attr(label)
        );
    }
    s.push_str("</categories>");
    s.push_str(&symbols(classes.iter().map(|c| &c.2)));
    s.push_str("</renderer-v2>");
    s
}

/// A graduated renderer: (lower, upper, legend label, symbol) per class.
fn graduated(attribute: &str, classes: &[(f64, f64, &str, Symbol)]) -> String {
    let mut s = format!(
        r#"<renderer-v2 type="graduatedSymbol" attr="{}" graduatedMethod="GraduatedColor" {RENDERER_ATTRS}><ranges>"#,
        attr(attribute)
    );
    for (i, (lower, upper, label, _)) in classes.iter().enumerate() {
        let _ = write!(
            s,
            r#"<range lower="{lower}" upper="{upper}" label="{}" symbol="{i}" render="true"/>"#,
            attr(label)
        );
    }
    s.push_str("</ranges>");
    s.push_str(&symbols(classes.iter().map(|c| &c.3)));
    s.push_str(r#"<mode name="manual"/></renderer-v2>"#);
    s
}

/// A rule: legend label, filter expression, and its symbol (`None` for a parent rule).
struct Rule {
    label: String,
    filter: String,
    symbol: Option<Symbol>,
    children: Vec<Rule>,
}

/// A rule-based renderer from top-level rules; every rule with a symbol draws it.
fn rule_based(rules: &[Rule]) -> String {
    fn write_rule<'a>(s: &mut String, rule: &'a Rule, key: &str, all: &mut Vec<&'a Symbol>) {
        let _ = write!(
            s,
            r#"<rule key="{{{key}}}" label="{}" filter="{}""#,
            attr(&rule.label),
            attr(&rule.filter)
        );
        if let Some(symbol) = &rule.symbol {
            let _ = write!(s, r#" symbol="{}""#, all.len());
            all.push(symbol);
        }
        s.push('>');
        for (i, child) in rule.children.iter().enumerate() {
            write_rule(s, child, &format!("{key}-{i}"), all);
        }
        s.push_str("</rule>");
    }
    let mut s =
        format!(r#"<renderer-v2 type="RuleRenderer" {RENDERER_ATTRS}><rules key="{{root}}">"#);
    let mut all = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        write_rule(&mut s, rule, &format!("rule-{i}"), &mut all);
    }
    s.push_str("</rules>");
    s.push_str(&symbols(all.into_iter()));
    s.push_str("</renderer-v2>");
    s
}

/// Simple labeling with the values of `field` and a white buffer: over the polygon's
/// centroid (kept inside it), or `beside` it (around the centroid, for small shapes).
/// Colliding labels are dropped, those of lower `priority` (0–10) first: region names
/// win over the rank labels around them.
fn labeling(field: &str, size_pt: f64, text: Rgb, beside: bool, priority: u8) -> String {
    format!(
        concat!(
            r#"<labeling type="simple"><settings calloutType="simple">"#,
            r#"<text-style fieldName="{field}" isExpression="{expression}" fontFamily="DejaVu Sans" "#,
            r#"namedStyle="Bold" fontWeight="75" fontItalic="0" fontSize="{size}" "#,
            r#"fontSizeUnit="Point" textColor="{color}" textOpacity="1" capitalization="0" "#,
            r#"multilineHeight="1" blendMode="0" allowHtml="0">"#,
            r#"<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" "#,
            r#"bufferColor="255,255,255,255" bufferOpacity="0.85" bufferNoFill="1" "#,
            r#"bufferJoinStyle="128" bufferBlendMode="0"/></text-style>"#,
            r#"<text-format wrapChar="" multilineAlign="3" autoWrapLength="0" "#,
            r#"formatNumbers="0" decimals="0" plussign="0"/>"#,
            r#"<placement placement="{placement}" centroidInside="1" centroidWhole="0" "#,
            r#"fitInPolygonOnly="0" priority="{priority}" offsetType="0" dist="{dist}" distUnits="MM" "#,
            r#"quadOffset="4" xOffset="0" yOffset="0" offsetUnits="MM"/>"#,
            r#"<rendering drawLabels="1" displayAll="0" obstacle="1" "#,
            r#"upsidedownLabels="0" scaleVisibility="0" fontLimitPixelSize="0" "#,
            r#"labelPerPart="0" mergeLines="0" limitNumLabels="0" zIndex="0"/>"#,
            r#"</settings></labeling>"#
        ),
        field = attr(field),
        // a field name is a bare identifier; anything else is a QGIS expression
        expression = u8::from(!field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')),
        size = size_pt,
        color = color(text, 255),
        placement = if beside { 0 } else { 1 },
        dist = if beside { 1 } else { 0 },
        priority = priority,
    )
}

/// A data-defined label priority (0–10, higher placed first) from `expression`, as
/// QGIS stores it inside a labeling's `<settings>`; ends the settings element.
fn data_defined_priority(expression: &str) -> String {
    format!(
        concat!(
            r#"<dd_properties><Option type="Map"><Option name="name" type="QString" value=""/>"#,
            r#"<Option name="properties" type="Map"><Option name="Priority" type="Map">"#,
            r#"<Option name="active" type="bool" value="true"/>"#,
            r#"<Option name="expression" type="QString" value="{}"/>"#,
            r#"<Option name="type" type="int" value="3"/></Option></Option>"#,
            r#"<Option name="type" type="QString" value="collection"/></Option></dd_properties>"#,
            "</settings>"
        ),
        attr(expression)
    )
}

/// A complete QML document around a renderer and optional labeling.
fn qml(renderer: &str, labels: Option<&str>) -> String {
    format!(
        concat!(
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n",
            r#"<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="{enabled}">"#,
            "\n{renderer}\n{labels}\n<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>",
            "<layerOpacity>1</layerOpacity>\n</qgis>\n"
        ),
        enabled = u8::from(labels.is_some()),
        renderer = renderer,
        labels = labels.unwrap_or(""),
    )
}

// ---------------------------------------------------------------------------------------
// The minefree styles.

/// CHA red, SHA orange (also used by `report.html`).
pub const CHA_RGB: Rgb = (215, 48, 39);
/// SHA orange.
pub const SHA_RGB: Rgb = (253, 174, 97);

/// Five equal classes over `0..=100` with the colours of `ramp` (low → high).
fn five_classes(
    ramp: [Rgb; 5],
    labels: [&'static str; 5],
    alpha: u8,
) -> Vec<(f64, f64, &'static str, Symbol)> {
    ramp.iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (&rgb, label))| {
            let lower = 20.0 * i as f64;
            let darker = (rgb.0 / 2, rgb.1 / 2, rgb.2 / 2);
            (lower, lower + 20.0, label, fill(rgb, alpha, darker, 0.3))
        })
        .collect()
}

fn hazards_by_status() -> String {
    categorized(
        "status",
        &[
            (
                "CHA",
                "CHA (confirmed hazardous area)",
                with_dot(fill(CHA_RGB, 220, (120, 10, 10), 0.3), CHA_RGB),
            ),
            (
                "SHA",
                "SHA (suspected hazardous area)",
                with_dot(fill(SHA_RGB, 220, (150, 80, 0), 0.3), SHA_RGB),
            ),
        ],
    )
}

fn hazards_by_score() -> String {
    let ramp = [
        (255, 255, 178),
        (254, 204, 92),
        (253, 141, 60),
        (240, 59, 32),
        (189, 0, 38),
    ];
    let labels = [
        "score 0-20",
        "score 20-40",
        "score 40-60",
        "score 60-80",
        "score 80-100",
    ];
    let classes: Vec<_> = five_classes(ramp, labels, 230)
        .into_iter()
        .zip(ramp)
        .map(|((lower, upper, label, symbol), rgb)| (lower, upper, label, with_dot(symbol, rgb)))
        .collect();
    graduated("score", &classes)
}

fn regions_by_pct_released() -> String {
    let ramp = [
        (215, 48, 39),
        (252, 141, 89),
        (254, 224, 139),
        (145, 207, 96),
        (26, 152, 80),
    ];
    let labels = [
        "0-20 % released",
        "20-40 % released",
        "40-60 % released",
        "60-80 % released",
        "80-100 % released",
    ];
    // A region where no hazard land was ever recorded has no % released: its own
    // neutral class (-1), drawn with its outline, never the "80-100 %" green.
    let mut classes = vec![(
        -1.5,
        -0.5,
        "no hazard land recorded",
        fill((224, 224, 224), 120, (112, 112, 112), 0.3),
    )];
    classes.extend(five_classes(ramp, labels, 120));
    graduated(r#"coalesce("pct_released", -1)"#, &classes)
}

fn tasks_by_rank() -> String {
    // Outlines only, so that the CHA/SHA colours of remaining_hazards show through.
    let classes = [
        (1.0, 10.0, "rank 1-10", (84, 0, 110), 0.6),
        (10.0, 20.0, "rank 11-20", (128, 50, 160), 0.45),
        (20.0, 50.0, "rank 21-50", (160, 110, 190), 0.35),
        (50.0, 1.0e9, "rank > 50", (190, 170, 210), 0.25),
    ];
    let classes: Vec<_> = classes
        .into_iter()
        .map(|(lower, upper, label, rgb, width_mm)| {
            (lower, upper, label, fill(rgb, 0, rgb, width_mm))
        })
        .collect();
    graduated("rank", &classes)
}

fn findings_by_severity() -> String {
    let severities = [
        ("error", (204, 0, 0)),
        ("warning", (240, 150, 0)),
        ("info", (40, 110, 200)),
    ];
    let rules: Vec<Rule> = severities
        .into_iter()
        .map(|(severity, rgb)| {
            let by_kind = [
                ("Polygon", fill(rgb, 0, rgb, 0.7)),
                ("Line", line(rgb, 0.7)),
                ("Point", marker(rgb, 3.0)),
            ];
            Rule {
                label: severity.to_string(),
                filter: format!("\"severity\" = '{severity}'"),
                symbol: None,
                children: by_kind
                    .into_iter()
                    .map(|(kind, symbol)| Rule {
                        label: kind.to_string(),
                        filter: format!("geometry_type($geometry) = '{kind}'"),
                        symbol: Some(symbol),
                        children: Vec::new(),
                    })
                    .collect(),
            }
        })
        .collect();
    rule_based(&rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that start and end tags balance (a small well-formedness check).
    fn balanced(xml: &str) -> Result<(), String> {
        let mut stack: Vec<String> = Vec::new();
        let body = xml.split_once('\n').map_or(xml, |(_, rest)| rest);
        let mut rest = body;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').ok_or("unclosed tag")? + start;
            let tag = &rest[start + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or(format!("stray </{name}>"))?;
                if open != name {
                    return Err(format!("<{open}> closed by </{name}>"));
                }
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or("").to_string();
                stack.push(name);
            }
            rest = &rest[end + 1..];
        }
        if stack.is_empty() {
            Ok(())
        } else {
            Err(format!("unclosed {stack:?}"))
        }
    }

    #[test]
    fn every_style_is_balanced_xml_for_its_columns() {
        let layers = [
            "remaining_hazards",
            "region_summary",
            "priority_tasks",
            "qa_findings",
        ];
        let styles = styles_for(&layers);
        assert_eq!(styles.len(), 5);
        for s in &styles {
            balanced(&s.qml).unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert!(s.name.chars().count() <= 30, "{} too long", s.name);
            assert!(s.qml.starts_with("<!DOCTYPE qgis"));
        }
        let default = |layer: &str| {
            styles
                .iter()
                .find(|s| s.layer == layer && s.default)
                .expect("one default per layer")
        };
        assert!(default("remaining_hazards")
            .qml
            .contains(r#"attr="status""#));
        assert!(default("remaining_hazards").qml.contains(r#"value="CHA""#));
        assert!(default("region_summary").qml.contains("pct_released"));
        assert!(default("region_summary")
            .qml
            .contains("no hazard land recorded"));
        assert!(default("region_summary")
            .qml
            .contains(r#"THEN &quot;name&quot; END" isExpression="1""#));
        assert!(default("priority_tasks")
            .qml
            .contains(r#"fieldName="rank""#));
        assert!(default("qa_findings")
            .qml
            .contains("&quot;severity&quot; = &#39;error&#39;"));
        for layer in layers {
            let n = styles
                .iter()
                .filter(|s| s.layer == layer && s.default)
                .count();
            assert_eq!(n, 1, "{layer}");
        }
    }

    #[test]
    fn unknown_layers_get_no_style() {
        assert!(styles_for(&["something_else"]).is_empty());
    }
}
