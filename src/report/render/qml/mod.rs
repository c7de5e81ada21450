//! The QGIS default styles minefree stores in the GeoPackage (`report::write::styles`
//! puts them in the `layer_styles` table) and embeds in the QGIS project.
//!
//! Styles (QML for QGIS ≥ 3.22, written by [`blocks`] from `templates/qgis/style.qml`; the column names
//! are the SPEC §5 ones; colours from [`super::palette`]):
//! * `remaining_hazards`: categorized by `status` (CHA red, SHA orange); a second,
//!   non-default style graduates by `score`.
//! * `region_summary`: graduated by `pct_released` (red → green; a region where no
//!   hazard land was recorded has its own grey class), labelled with `name` where land
//!   remains.
//! * `priority_tasks`: graduated by `rank` (outlined, so that the hazards' CHA/SHA fill
//!   shows through), labelled with `rank` for the top 20.
//! * `qa_findings`: rule-based by `severity`, with one child rule per geometry type
//!   (the layer's geometry type is generic: points and polygons).

pub mod blocks;

use crate::report::outputs::{StyleKind, TableKind};
use blocks::{fill, line, marker, with_dot, Labeling, Renderer, Rule, Style, Symbol};

use super::palette::{
    Rgb, CHA_OUTLINE_RGB, CHA_RGB, ERROR_RGB, INFO_RGB, NO_LAND_OUTLINE_RGB, NO_LAND_RGB, RANK_RGB,
    REGION_LABEL_RGB, RELEASED_RAMP_QGIS, SCORE_RAMP, SHA_OUTLINE_RGB, SHA_RGB, WARNING_RGB,
};

/// One row of `layer_styles`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredStyle {
    /// The styled layer (`f_table_name`).
    pub layer: TableKind,
    /// `styleName` (QGIS limits it to 30 characters).
    pub name: &'static str,
    /// `description`.
    pub description: &'static str,
    /// `useAsDefault`: applied when the layer is opened.
    pub default: bool,
    /// The QGIS style document (QML).
    pub qml: String,
}

/// A style's stored name and description, and the function that builds it.
struct StyleSpec {
    /// `styleName`.
    name: &'static str,
    /// `description`.
    description: &'static str,
    /// Builds the style.
    build: fn() -> Style,
}

/// How each style is stored and built (which table gets which style, and which is its
/// default: [`crate::report::outputs::TableSpec::styles`]).
fn style_spec(style: StyleKind) -> StyleSpec {
    let (name, description, build): (_, _, fn() -> Style) = match style {
        StyleKind::HazardsByStatus => (
            "minefree: by status",
            "CHA red, SHA orange (minefree default)",
            hazards_by_status,
        ),
        StyleKind::HazardsByScore => (
            "minefree: by score",
            "Graduated by priority score 0-100",
            hazards_by_score,
        ),
        StyleKind::RegionsByPctReleased => (
            "minefree: % released",
            "Graduated by pct_released, labelled with name (minefree default)",
            regions_by_pct_released,
        ),
        StyleKind::TasksByRank => (
            "minefree: by rank",
            "Graduated by rank, labelled with rank (minefree default)",
            tasks_by_rank,
        ),
        StyleKind::FindingsBySeverity => (
            "minefree: by severity",
            "Rule-based by severity and geometry type (minefree default)",
            findings_by_severity,
        ),
    };
    StyleSpec {
        name,
        description,
        build,
    }
}

/// The styles stored for the tables `layers`, in that order (default first for each
/// layer); tables without a style get none.
pub fn styles_for(layers: &[TableKind]) -> Vec<StoredStyle> {
    layers
        .iter()
        .flat_map(|&layer| {
            let styles = layer.spec().styles.iter().enumerate();
            styles.map(move |(i, &style)| (layer, i == 0, style_spec(style)))
        })
        .map(|(layer, default, s)| StoredStyle {
            layer,
            name: s.name,
            description: s.description,
            default,
            qml: blocks::document(&(s.build)()),
        })
        .collect()
}

/// The default style of `layer` (what a QGIS project embeds); `None` for a table
/// without a style.
pub fn default_style(layer: TableKind) -> Option<Style> {
    let first = layer.spec().styles.first()?;
    Some((style_spec(*first).build)())
}

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

fn hazards_by_status() -> Style {
    let class = |rgb, outline| with_dot(fill(rgb, 220, outline, 0.3), rgb);
    Style {
        renderer: Renderer::Categorized(
            "status",
            vec![
                (
                    "CHA",
                    "CHA (confirmed hazardous area)",
                    class(CHA_RGB, CHA_OUTLINE_RGB),
                ),
                (
                    "SHA",
                    "SHA (suspected hazardous area)",
                    class(SHA_RGB, SHA_OUTLINE_RGB),
                ),
            ],
        ),
        labels: None,
    }
}

fn hazards_by_score() -> Style {
    let labels = [
        "score 0-20",
        "score 20-40",
        "score 40-60",
        "score 60-80",
        "score 80-100",
    ];
    let classes: Vec<_> = five_classes(SCORE_RAMP, labels, 230)
        .into_iter()
        .zip(SCORE_RAMP)
        .map(|((lower, upper, label, symbol), rgb)| (lower, upper, label, with_dot(symbol, rgb)))
        .collect();
    Style {
        renderer: Renderer::Graduated("score", classes),
        labels: None,
    }
}

fn regions_by_pct_released() -> Style {
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
        fill(NO_LAND_RGB, 120, NO_LAND_OUTLINE_RGB, 0.3),
    )];
    classes.extend(five_classes(RELEASED_RAMP_QGIS, labels, 120));
    // Names only where land remains, the largest remaining first: QGIS places labels by
    // priority and drops the ones that would collide.
    let labels = Labeling {
        field: r#"CASE WHEN "remaining_m2" >= 1 THEN "name" END"#,
        size_pt: 10.0,
        text: REGION_LABEL_RGB,
        beside: false,
        priority: 9,
        priority_expression: Some(
            r#"scale_linear("remaining_m2", 0, maximum("remaining_m2"), 1, 10)"#,
        ),
    };
    Style {
        renderer: Renderer::Graduated(r#"coalesce("pct_released", -1)"#, classes),
        labels: Some(labels),
    }
}

fn tasks_by_rank() -> Style {
    // Outlines only, so that the CHA/SHA colours of remaining_hazards show through.
    let classes = [
        (1.0, 10.0, "rank 1-10", 0.6),
        (10.0, 20.0, "rank 11-20", 0.45),
        (20.0, 50.0, "rank 21-50", 0.35),
        (50.0, 1.0e9, "rank > 50", 0.25),
    ];
    let classes: Vec<_> = classes
        .into_iter()
        .zip(RANK_RGB)
        .map(|((lower, upper, label, width_mm), rgb)| {
            (lower, upper, label, fill(rgb, 0, rgb, width_mm))
        })
        .collect();
    // the top ranks only, as report.html lists them: thousands of numbers are a carpet
    let labels = Labeling {
        field: r#"CASE WHEN "rank" <= 20 THEN "rank" END"#,
        size_pt: 8.0,
        text: RANK_RGB[0],
        beside: true,
        priority: 5,
        priority_expression: None,
    };
    Style {
        renderer: Renderer::Graduated("rank", classes),
        labels: Some(labels),
    }
}

fn findings_by_severity() -> Style {
    let severities = [
        ("error", ERROR_RGB),
        ("warning", WARNING_RGB),
        ("info", INFO_RGB),
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
    Style {
        renderer: Renderer::Rules(rules),
        labels: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::render::xml::parse;

    const LAYERS: [TableKind; 4] = [
        TableKind::RemainingHazards,
        TableKind::RegionSummary,
        TableKind::PriorityTasks,
        TableKind::QaFindings,
    ];

    /// The renderer element of a parsed QML document.
    fn renderer<'a>(doc: &'a roxmltree::Document) -> roxmltree::Node<'a, 'a> {
        doc.descendants()
            .find(|n| n.has_tag_name("renderer-v2"))
            .expect("a renderer")
    }

    #[test]
    fn every_style_parses_as_xml_for_its_columns() {
        let styles = styles_for(&LAYERS);
        assert_eq!(styles.len(), 5);
        for s in &styles {
            let doc = parse(&s.qml);
            assert!(s.name.chars().count() <= 30, "{} too long", s.name);
            assert!(s.qml.starts_with("<!DOCTYPE qgis"));
            assert!(doc.root_element().has_tag_name("qgis"));
            // Every symbol a class or rule names exists.
            let r = renderer(&doc);
            let names: Vec<&str> = r
                .children()
                .filter(|n| n.has_tag_name("symbols"))
                .flat_map(|n| n.children().filter_map(|c| c.attribute("name")))
                .collect();
            for used in r.descendants().filter_map(|n| n.attribute("symbol")) {
                assert!(names.contains(&used), "{}: symbol {used}", s.name);
            }
        }
    }

    fn default_doc(layer: TableKind) -> String {
        styles_for(&[layer])
            .into_iter()
            .find(|s| s.default)
            .expect("one default per layer")
            .qml
    }

    #[test]
    fn the_default_styles_use_the_spec_columns() {
        let hazards = default_doc(TableKind::RemainingHazards);
        let doc = parse(&hazards);
        assert_eq!(renderer(&doc).attribute("attr"), Some("status"));
        let values: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("category"))
            .filter_map(|n| n.attribute("value"))
            .collect();
        assert_eq!(values, ["CHA", "SHA"]);

        let regions = default_doc(TableKind::RegionSummary);
        let doc = parse(&regions);
        assert_eq!(
            renderer(&doc).attribute("attr"),
            Some(r#"coalesce("pct_released", -1)"#)
        );
        assert!(doc
            .descendants()
            .any(|n| n.attribute("label") == Some("no hazard land recorded")));
        let text = doc
            .descendants()
            .find(|n| n.has_tag_name("text-style"))
            .expect("labels");
        assert_eq!(
            text.attribute("fieldName"),
            Some(r#"CASE WHEN "remaining_m2" >= 1 THEN "name" END"#)
        );
        assert_eq!(text.attribute("isExpression"), Some("1"));
        assert_eq!(doc.root_element().attribute("labelsEnabled"), Some("1"));

        let tasks = default_doc(TableKind::PriorityTasks);
        let doc = parse(&tasks);
        let text = doc.descendants().find(|n| n.has_tag_name("text-style"));
        // only the top 20 ranks are labelled (an expression QGIS evaluates)
        assert_eq!(
            text.and_then(|n| n.attribute("fieldName")),
            Some(r#"CASE WHEN "rank" <= 20 THEN "rank" END"#)
        );
        assert_eq!(text.and_then(|n| n.attribute("isExpression")), Some("1"));

        let findings = default_doc(TableKind::QaFindings);
        let doc = parse(&findings);
        let filters: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rule"))
            .filter_map(|n| n.attribute("filter"))
            .collect();
        assert!(filters.contains(&"\"severity\" = 'error'"), "{filters:?}");
        assert_eq!(filters.len(), 12);
    }

    #[test]
    fn one_default_per_layer() {
        let styles = styles_for(&LAYERS);
        for layer in LAYERS {
            let n = styles
                .iter()
                .filter(|s| s.layer == layer && s.default)
                .count();
            assert_eq!(n, 1, "{layer:?}");
            assert!(default_style(layer).is_some(), "{layer:?}");
        }
    }

    #[test]
    fn tables_without_a_style_get_none() {
        let unstyled = [TableKind::ReleaseHistory, TableKind::Changes];
        assert!(styles_for(&unstyled).is_empty());
        assert!(default_style(TableKind::Scenarios).is_none());
    }
}
