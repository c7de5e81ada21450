//! The pieces of a QGIS 3.22 style document (QML), and the template that writes them.
//!
//! A [`Symbol`] is a QGIS symbol (`fill`, `marker`, `line`) of symbol layers; a
//! [`Renderer`] is a categorized, graduated or rule-based `renderer-v2` over symbols; a
//! [`Labeling`] is QGIS's simple labeling. The XML is the template
//! `templates/qgis/style.qml` (every value XML-escaped): [`body`] gives a renderer and its
//! labeling as the children of a `<qgis>` element (what a project embeds per layer) and
//! [`document`] the whole QML file around them. Here they become the plain data the
//! template reads (symbols numbered, rules keyed, numbers written as QGIS writes them).

use serde::Serialize;

use crate::report::render::palette::{Rgb, MARKER_OUTLINE_RGB};
use crate::report::render::xml::render_template;

/// A QGIS colour string `r,g,b,a`.
pub fn color((r, g, b): Rgb, alpha: u8) -> String {
    format!("{r},{g},{b},{alpha}")
}

/// One symbol layer: its class, its properties (an `Option` map, as QGIS 3.22 writes
/// them) and the sub-symbol it draws (a centroid fill's marker).
#[derive(Debug, Clone)]
pub struct SymbolLayer {
    class: &'static str,
    props: Vec<(&'static str, String)>,
    sub: Option<Box<Symbol>>,
}

/// A symbol: its QGIS type (`fill`, `marker`, `line`) and its symbol layers.
#[derive(Debug, Clone)]
pub struct Symbol {
    kind: &'static str,
    layers: Vec<SymbolLayer>,
}

fn props(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    list.iter().map(|&(k, v)| (k, v.to_string())).collect()
}

fn one_layer(
    kind: &'static str,
    class: &'static str,
    props: Vec<(&'static str, String)>,
) -> Symbol {
    Symbol {
        kind,
        layers: vec![SymbolLayer {
            class,
            props,
            sub: None,
        }],
    }
}

/// A polygon symbol: `fill` with `fill_alpha` (0 = outline only) and a solid outline.
pub fn fill(fill: Rgb, fill_alpha: u8, outline: Rgb, outline_mm: f64) -> Symbol {
    let style = if fill_alpha == 0 { "no" } else { "solid" };
    let (fill, outline, width) = (
        color(fill, fill_alpha),
        color(outline, 255),
        outline_mm.to_string(),
    );
    one_layer(
        "fill",
        "SimpleFill",
        props(&[
            ("color", &fill),
            ("style", style),
            ("outline_color", &outline),
            ("outline_style", "solid"),
            ("outline_width", &width),
            ("outline_width_unit", "MM"),
            ("joinstyle", "round"),
        ]),
    )
}

/// A point symbol: a circle of `size_mm`.
pub fn marker(fill: Rgb, size_mm: f64) -> Symbol {
    let (fill, outline, size) = (
        color(fill, 230),
        color(MARKER_OUTLINE_RGB, 255),
        size_mm.to_string(),
    );
    one_layer(
        "marker",
        "SimpleMarker",
        props(&[
            ("name", "circle"),
            ("color", &fill),
            ("outline_color", &outline),
            ("outline_width", "0.3"),
            ("outline_width_unit", "MM"),
            ("size", &size),
            ("size_unit", "MM"),
        ]),
    )
}

/// A line symbol.
pub fn line(stroke: Rgb, width_mm: f64) -> Symbol {
    let (stroke, width) = (color(stroke, 255), width_mm.to_string());
    one_layer(
        "line",
        "SimpleLine",
        props(&[
            ("line_color", &stroke),
            ("line_style", "solid"),
            ("line_width", &width),
            ("line_width_unit", "MM"),
        ]),
    )
}

/// Adds a dot at the polygon's point on surface, so that hazards far smaller than a
/// pixel at national scale still show, in their class colour.
pub fn with_dot(mut symbol: Symbol, rgb: Rgb) -> Symbol {
    symbol.layers.push(SymbolLayer {
        class: "CentroidFill",
        props: props(&[
            ("point_on_surface", "1"),
            ("point_on_all_parts", "0"),
            ("clip_points", "0"),
            ("clip_on_current_part_only", "0"),
        ]),
        sub: Some(Box::new(marker(rgb, 2.2))),
    });
    symbol
}

/// A rule: legend label, filter expression, its symbol (`None` for a parent rule) and
/// its child rules.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Legend label.
    pub label: String,
    /// QGIS filter expression.
    pub filter: String,
    /// What the rule draws.
    pub symbol: Option<Symbol>,
    /// Rules applied inside this one.
    pub children: Vec<Rule>,
}

/// A feature renderer.
#[derive(Debug, Clone)]
pub enum Renderer {
    /// One class per value of `attr`: (value, legend label, symbol).
    Categorized(&'static str, Vec<(&'static str, &'static str, Symbol)>),
    /// One class per range of `attr` (an expression): (lower, upper, label, symbol).
    Graduated(&'static str, Vec<(f64, f64, &'static str, Symbol)>),
    /// Top-level rules; every rule with a symbol draws it.
    Rules(Vec<Rule>),
}

/// Simple labeling with the values of `field` (a field name or an expression) and a
/// white buffer: over the polygon's centroid (kept inside it), or `beside` it (around
/// the centroid, for small shapes). Colliding labels are dropped, those of lower
/// `priority` (0–10) first; `priority_expression`, when given, sets it per feature.
#[derive(Debug, Clone)]
pub struct Labeling {
    /// Field name or QGIS expression.
    pub field: &'static str,
    /// Font size, points.
    pub size_pt: f64,
    /// Text colour.
    pub text: Rgb,
    /// Around the centroid rather than over it.
    pub beside: bool,
    /// Placement priority 0–10 (higher placed first).
    pub priority: u8,
    /// A data-defined priority.
    pub priority_expression: Option<&'static str>,
}

/// A style: its renderer and, when labels are on, its labeling.
#[derive(Debug, Clone)]
pub struct Style {
    /// How features are drawn.
    pub renderer: Renderer,
    /// How they are labelled.
    pub labels: Option<Labeling>,
}

/// A node of the `<symbols>` tree: a symbol (`symbol` = its type, `name`) holding symbol
/// layers, or a symbol layer (`class`, `props`) holding its sub-symbol.
#[derive(Debug, Serialize)]
struct SymbolNode<'a> {
    symbol: &'static str,
    name: String,
    class: &'static str,
    props: &'a [(&'static str, String)],
    children: Vec<SymbolNode<'a>>,
}

/// Symbol `name` and, below it, its layers and their sub-symbols (named `@0@1`, as
/// QGIS names a centroid fill's marker).
fn symbol_node<'a>(name: String, symbol: &'a Symbol) -> SymbolNode<'a> {
    let layers = symbol.layers.iter().map(|layer| SymbolNode {
        symbol: "",
        name: String::new(),
        class: layer.class,
        props: &layer.props,
        children: layer
            .sub
            .iter()
            .map(|sub| symbol_node("@0@1".to_string(), sub))
            .collect(),
    });
    SymbolNode {
        symbol: symbol.kind,
        name,
        class: "",
        props: &[],
        children: layers.collect(),
    }
}

#[derive(Debug, Serialize)]
struct Category {
    value: &'static str,
    label: &'static str,
}

#[derive(Debug, Serialize)]
struct Range {
    lower: String,
    upper: String,
    label: &'static str,
}

/// A rule as written: `key` (`rule-0-1`), and the number of its symbol (empty without).
#[derive(Debug, Serialize)]
struct RuleNode<'a> {
    key: String,
    label: &'a str,
    filter: &'a str,
    symbol: String,
    children: Vec<RuleNode<'a>>,
}

/// `rule` keyed `key`, its symbol numbered in the order of `all` (depth first).
fn rule_node<'a>(rule: &'a Rule, key: String, all: &mut Vec<&'a Symbol>) -> RuleNode<'a> {
    let symbol = rule.symbol.as_ref().map_or_else(String::new, |s| {
        all.push(s);
        (all.len() - 1).to_string()
    });
    let children = rule
        .children
        .iter()
        .enumerate()
        .map(|(i, child)| rule_node(child, format!("{key}-{i}"), all))
        .collect();
    RuleNode {
        key,
        label: &rule.label,
        filter: &rule.filter,
        symbol,
        children,
    }
}

/// The renderer as the template reads it: its type, attribute, classes or rules, and
/// the symbols they name by number.
#[derive(Debug, Default, Serialize)]
struct RendererView<'a> {
    r#type: &'static str,
    attr: &'static str,
    categories: Vec<Category>,
    ranges: Vec<Range>,
    rules: Vec<RuleNode<'a>>,
    symbols: Vec<SymbolNode<'a>>,
}

fn numbered<'a>(symbols: impl Iterator<Item = &'a Symbol>) -> Vec<SymbolNode<'a>> {
    symbols
        .enumerate()
        .map(|(i, s)| symbol_node(i.to_string(), s))
        .collect()
}

fn renderer_view(renderer: &Renderer) -> RendererView<'_> {
    match renderer {
        Renderer::Categorized(attr, classes) => RendererView {
            r#type: "categorizedSymbol",
            attr,
            categories: classes
                .iter()
                .map(|&(value, label, _)| Category { value, label })
                .collect(),
            symbols: numbered(classes.iter().map(|c| &c.2)),
            ..RendererView::default()
        },
        Renderer::Graduated(attr, classes) => RendererView {
            r#type: "graduatedSymbol",
            attr,
            ranges: classes
                .iter()
                .map(|&(lower, upper, label, _)| Range {
                    lower: lower.to_string(),
                    upper: upper.to_string(),
                    label,
                })
                .collect(),
            symbols: numbered(classes.iter().map(|c| &c.3)),
            ..RendererView::default()
        },
        Renderer::Rules(rules) => {
            let mut all = Vec::new();
            let rules = rules
                .iter()
                .enumerate()
                .map(|(i, rule)| rule_node(rule, format!("rule-{i}"), &mut all))
                .collect();
            RendererView {
                r#type: "RuleRenderer",
                rules,
                symbols: numbered(all.into_iter()),
                ..RendererView::default()
            }
        }
    }
}

/// The labeling as the template reads it.
#[derive(Debug, Serialize)]
struct LabelingView {
    field: &'static str,
    /// `1` when `field` is an expression (a field name is a bare identifier).
    is_expression: &'static str,
    size: String,
    color: String,
    beside: bool,
    priority: String,
    priority_expression: Option<&'static str>,
}

fn labeling_view(l: &Labeling) -> LabelingView {
    let expression = !l
        .field
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_');
    LabelingView {
        field: l.field,
        is_expression: if expression { "1" } else { "0" },
        size: l.size_pt.to_string(),
        color: color(l.text, 255),
        beside: l.beside,
        priority: l.priority.to_string(),
        priority_expression: l.priority_expression,
    }
}

/// The style template filled in; `whole`: the complete document, else the body only.
fn render(style: &Style, whole: bool) -> String {
    let ctx = minijinja::context! {
        whole => whole,
        renderer => minijinja::value::Serde(renderer_view(&style.renderer)),
        labels => minijinja::value::Serde(style.labels.as_ref().map(labeling_view)),
    };
    render_template("style.qml", ctx).expect("the style template renders (every test renders it)")
}

/// The children of the QML's `<qgis>` element (renderer, labeling, blending): what a
/// QGIS project embeds in its `<maplayer>`.
pub fn body(style: &Style) -> String {
    render(style, false)
}

/// A complete QML document.
pub fn document(style: &Style) -> String {
    render(style, true)
}
