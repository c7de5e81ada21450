//! The XML both QGIS documents share (the QML styles in `qml` and the project in
//! `qgs`): the templates in `templates/qgis/` (`style.qml`, `project.qgs`, `layout.qgs`
//! and the `macros.qgs` the last two share), filled in by [`render_template`] (minijinja,
//! every value XML-escaped), and for the tests a parser (roxmltree) to check what was
//! written.

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, Value};

/// The QGIS templates, by name.
const TEMPLATES: [(&str, &str); 4] = [
    ("project.qgs", include_str!("templates/qgis/project.qgs")),
    ("macros.qgs", include_str!("templates/qgis/macros.qgs")),
    ("layout.qgs", include_str!("templates/qgis/layout.qgs")),
    ("style.qml", include_str!("templates/qgis/style.qml")),
];

/// The template environment: block tags leave no blank lines; every value is
/// XML-escaped as quick-xml escapes (`&`, `<`, `>`, `'`, `"`), except what macros give.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    env.set_auto_escape_callback(|_| AutoEscape::Custom("xml".into()));
    env.set_formatter(|out, _state, value| {
        if value.is_safe() {
            write!(out, "{value}")?;
        } else {
            write!(out, "{}", quick_xml::escape::escape(value.to_string()))?;
        }
        Ok(())
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("the QGIS templates parse (every test renders them)");
    }
    env
}

/// The template `name` (`layout.qgs`, `style.qml`) filled in with `ctx`.
pub fn render_template(name: &str, ctx: Value) -> Result<String, minijinja::Error> {
    environment().get_template(name)?.render(ctx)
}

/// Parses a QGIS XML document (with its DOCTYPE) for the tests.
#[cfg(test)]
pub fn parse(xml: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(xml, options).expect("well-formed XML")
}
