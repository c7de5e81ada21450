//! The XML writing both QGIS documents share (the QML styles in `qml` and the project
//! in `qgs`): the templates in `templates/qgis/` (the styles and the print layout;
//! [`render_template`]: minijinja, every value XML-escaped), a quick-xml [`Writer`] into
//! memory for the rest of the project (elements with attributes, every value escaped by
//! quick-xml), text, QGIS's DOCTYPE line, and for the tests a parser (roxmltree) to
//! check what was written.

use std::io;

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, Value};

use quick_xml::events::{BytesText, Event};
use quick_xml::Writer;

/// The QGIS templates, by name.
const TEMPLATES: [(&str, &str); 2] = [
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

/// The XML writer the QGIS documents are written with.
pub type Xml = Writer<Vec<u8>>;

/// An element with `attrs` whose children `inner` writes.
pub fn element(
    w: &mut Xml,
    name: &str,
    attrs: &[(&str, &str)],
    inner: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> io::Result<()> {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_inner_content(inner)?;
    Ok(())
}

/// An empty element with `attrs`.
pub fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> io::Result<()> {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_empty()?;
    Ok(())
}

/// Escaped text.
pub fn text(w: &mut Xml, text: &str) -> io::Result<()> {
    w.write_event(Event::Text(BytesText::new(text)))
}

/// The UTF-8 text of a finished writer.
pub fn into_string(w: Xml) -> String {
    String::from_utf8(w.into_inner()).expect("the writer is given only UTF-8 text")
}

/// The `<!DOCTYPE qgis …>` line QGIS writes first in its style and project files.
pub fn doctype(w: &mut Xml) -> io::Result<()> {
    let doc = BytesText::from_escaped("qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'");
    w.write_event(Event::DocType(doc))?;
    text(w, "\n")
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
