//! The pieces of a QGIS 3.22 style document (QML) and their XML, written with
//! quick-xml's writer (which escapes every attribute value and text).
//!
//! A [`Symbol`] is a QGIS symbol (`fill`, `marker`, `line`) of symbol layers; a
//! [`Renderer`] is a categorized, graduated or rule-based `renderer-v2` over symbols; a
//! [`Labeling`] is QGIS's simple labeling. [`write_body`] writes a renderer and its
//! labeling as the children of a `<qgis>` element (what a project embeds per layer) and
//! [`document`] writes the whole QML file around them.

use std::io;

use quick_xml::Writer;

use crate::report::render::palette::{Rgb, MARKER_OUTLINE_RGB};
use crate::report::render::xml::{doctype, element, empty, into_string, text, Xml};

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

fn write_symbol(w: &mut Xml, name: &str, symbol: &Symbol) -> io::Result<()> {
    let attrs = [
        ("type", symbol.kind),
        ("name", name),
        ("alpha", "1"),
        ("clip_to_extent", "1"),
        ("force_rhr", "0"),
    ];
    element(w, "symbol", &attrs, |w| {
        for layer in &symbol.layers {
            let attrs = [
                ("class", layer.class),
                ("enabled", "1"),
                ("locked", "0"),
                ("pass", "0"),
            ];
            element(w, "layer", &attrs, |w| {
                element(w, "Option", &[("type", "Map")], |w| {
                    for (k, v) in &layer.props {
                        empty(
                            w,
                            "Option",
                            &[("name", k), ("type", "QString"), ("value", v)],
                        )?;
                    }
                    Ok(())
                })?;
                match &layer.sub {
                    Some(sub) => write_symbol(w, "@0@1", sub),
                    None => Ok(()),
                }
            })?;
        }
        Ok(())
    })
}

/// The `<symbols>` element; symbol `i` is named `i`.
fn write_symbols<'a>(w: &mut Xml, list: impl Iterator<Item = &'a Symbol>) -> io::Result<()> {
    element(w, "symbols", &[], |w| {
        for (i, symbol) in list.enumerate() {
            write_symbol(w, &i.to_string(), symbol)?;
        }
        Ok(())
    })
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

const RENDERER_ATTRS: [(&str, &str); 3] = [
    ("symbollevels", "0"),
    ("enableorderby", "0"),
    ("forceraster", "0"),
];

fn write_renderer(w: &mut Xml, renderer: &Renderer) -> io::Result<()> {
    match renderer {
        Renderer::Categorized(attr, classes) => {
            let attrs = [
                [("type", "categorizedSymbol"), ("attr", attr)].as_slice(),
                &RENDERER_ATTRS,
            ]
            .concat();
            element(w, "renderer-v2", &attrs, |w| {
                element(w, "categories", &[], |w| {
                    for (i, (value, label, _)) in classes.iter().enumerate() {
                        let i = i.to_string();
                        let attrs = [
                            ("value", *value),
                            ("label", label),
                            ("symbol", &i),
                            ("render", "true"),
                        ];
                        empty(w, "category", &attrs)?;
                    }
                    Ok(())
                })?;
                write_symbols(w, classes.iter().map(|c| &c.2))
            })
        }
        Renderer::Graduated(attr, classes) => {
            let head = [
                ("type", "graduatedSymbol"),
                ("attr", attr),
                ("graduatedMethod", "GraduatedColor"),
            ];
            let attrs = [head.as_slice(), &RENDERER_ATTRS].concat();
            element(w, "renderer-v2", &attrs, |w| {
                element(w, "ranges", &[], |w| {
                    for (i, (lower, upper, label, _)) in classes.iter().enumerate() {
                        let (lower, upper, i) =
                            (lower.to_string(), upper.to_string(), i.to_string());
                        let attrs = [
                            ("lower", lower.as_str()),
                            ("upper", &upper),
                            ("label", label),
                            ("symbol", &i),
                            ("render", "true"),
                        ];
                        empty(w, "range", &attrs)?;
                    }
                    Ok(())
                })?;
                write_symbols(w, classes.iter().map(|c| &c.3))?;
                empty(w, "mode", &[("name", "manual")])
            })
        }
        Renderer::Rules(rules) => {
            let attrs = [[("type", "RuleRenderer")].as_slice(), &RENDERER_ATTRS].concat();
            element(w, "renderer-v2", &attrs, |w| {
                let mut all = Vec::new();
                element(w, "rules", &[("key", "{root}")], |w| {
                    for (i, rule) in rules.iter().enumerate() {
                        write_rule(w, rule, &format!("rule-{i}"), &mut all)?;
                    }
                    Ok(())
                })?;
                write_symbols(w, all.into_iter())
            })
        }
    }
}

/// One rule and its children; the symbols are collected in `all` (numbered in order).
fn write_rule<'a>(
    w: &mut Xml,
    rule: &'a Rule,
    key: &str,
    all: &mut Vec<&'a Symbol>,
) -> io::Result<()> {
    let key_attr = format!("{{{key}}}");
    let index = all.len().to_string();
    let mut attrs = vec![
        ("key", key_attr.as_str()),
        ("label", &rule.label),
        ("filter", &rule.filter),
    ];
    if let Some(symbol) = &rule.symbol {
        attrs.push(("symbol", &index));
        all.push(symbol);
    }
    element(w, "rule", &attrs, |w| {
        for (i, child) in rule.children.iter().enumerate() {
            write_rule(w, child, &format!("{key}-{i}"), all)?;
        }
        Ok(())
    })
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

fn write_labeling(w: &mut Xml, l: &Labeling) -> io::Result<()> {
    // a field name is a bare identifier; anything else is a QGIS expression
    let expression = !l
        .field
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_');
    let (size, color, priority) = (
        l.size_pt.to_string(),
        color(l.text, 255),
        l.priority.to_string(),
    );
    let text_style = [
        ("fieldName", l.field),
        ("isExpression", if expression { "1" } else { "0" }),
        ("fontFamily", "DejaVu Sans"),
        ("namedStyle", "Bold"),
        ("fontWeight", "75"),
        ("fontItalic", "0"),
        ("fontSize", &size),
        ("fontSizeUnit", "Point"),
        ("textColor", &color),
        ("textOpacity", "1"),
        ("capitalization", "0"),
        ("multilineHeight", "1"),
        ("blendMode", "0"),
        ("allowHtml", "0"),
    ];
    let placement = [
        ("placement", if l.beside { "0" } else { "1" }),
        ("centroidInside", "1"),
        ("centroidWhole", "0"),
        ("fitInPolygonOnly", "0"),
        ("priority", &priority),
        ("offsetType", "0"),
        ("dist", if l.beside { "1" } else { "0" }),
        ("distUnits", "MM"),
        ("quadOffset", "4"),
        ("xOffset", "0"),
        ("yOffset", "0"),
        ("offsetUnits", "MM"),
    ];
    element(w, "labeling", &[("type", "simple")], |w| {
        element(w, "settings", &[("calloutType", "simple")], |w| {
            element(w, "text-style", &text_style, |w| {
                empty(w, "text-buffer", &TEXT_BUFFER)
            })?;
            empty(w, "text-format", &TEXT_FORMAT)?;
            empty(w, "placement", &placement)?;
            empty(w, "rendering", &RENDERING)?;
            match l.priority_expression {
                Some(expression) => data_defined_priority(w, expression),
                None => Ok(()),
            }
        })
    })
}

const TEXT_BUFFER: [(&str, &str); 8] = [
    ("bufferDraw", "1"),
    ("bufferSize", "0.8"),
    ("bufferSizeUnits", "MM"),
    ("bufferColor", "255,255,255,255"),
    ("bufferOpacity", "0.85"),
    ("bufferNoFill", "1"),
    ("bufferJoinStyle", "128"),
    ("bufferBlendMode", "0"),
];

const TEXT_FORMAT: [(&str, &str); 6] = [
    ("wrapChar", ""),
    ("multilineAlign", "3"),
    ("autoWrapLength", "0"),
    ("formatNumbers", "0"),
    ("decimals", "0"),
    ("plussign", "0"),
];

const RENDERING: [(&str, &str); 10] = [
    ("drawLabels", "1"),
    ("displayAll", "0"),
    ("obstacle", "1"),
    ("upsidedownLabels", "0"),
    ("scaleVisibility", "0"),
    ("fontLimitPixelSize", "0"),
    ("labelPerPart", "0"),
    ("mergeLines", "0"),
    ("limitNumLabels", "0"),
    ("zIndex", "0"),
];

/// A data-defined label priority (0–10, higher placed first) from `expression`, as
/// QGIS stores it inside a labeling's `<settings>`.
fn data_defined_priority(w: &mut Xml, expression: &str) -> io::Result<()> {
    let option = |w: &mut Xml, name: &str, ty: &str, value: &str| {
        empty(
            w,
            "Option",
            &[("name", name), ("type", ty), ("value", value)],
        )
    };
    element(w, "dd_properties", &[], |w| {
        element(w, "Option", &[("type", "Map")], |w| {
            option(w, "name", "QString", "")?;
            element(
                w,
                "Option",
                &[("name", "properties"), ("type", "Map")],
                |w| {
                    element(w, "Option", &[("name", "Priority"), ("type", "Map")], |w| {
                        option(w, "active", "bool", "true")?;
                        option(w, "expression", "QString", expression)?;
                        option(w, "type", "int", "3")
                    })
                },
            )?;
            option(w, "type", "QString", "collection")
        })
    })
}

/// A style: its renderer and, when labels are on, its labeling.
#[derive(Debug, Clone)]
pub struct Style {
    /// How features are drawn.
    pub renderer: Renderer,
    /// How they are labelled.
    pub labels: Option<Labeling>,
}

/// Writes the children of the QML's `<qgis>` element (renderer, labeling, blending):
/// what a QGIS project embeds in its `<maplayer>`.
pub fn write_body(w: &mut Xml, style: &Style) -> io::Result<()> {
    write_renderer(w, &style.renderer)?;
    text(w, "\n")?;
    if let Some(labels) = &style.labels {
        write_labeling(w, labels)?;
    }
    text(w, "\n")?;
    element(w, "blendMode", &[], |w| text(w, "0"))?;
    element(w, "featureBlendMode", &[], |w| text(w, "0"))?;
    element(w, "layerOpacity", &[], |w| text(w, "1"))
}

/// A complete QML document.
pub fn document(style: &Style) -> String {
    let mut w = Writer::new(Vec::new());
    let enabled = if style.labels.is_some() { "1" } else { "0" };
    let attrs = [
        ("version", "3.22.0"),
        ("styleCategories", "Symbology|Labeling"),
        ("labelsEnabled", enabled),
    ];
    let written = doctype(&mut w).and_then(|()| {
        element(&mut w, "qgis", &attrs, |w| {
            text(w, "\n")?;
            write_body(w, style)?;
            text(w, "\n")
        })?;
        text(&mut w, "\n")
    });
    written.expect("writing to a Vec cannot fail");
    into_string(w)
}
