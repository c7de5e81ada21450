//! The rendering half of `report`: documents made from results already computed by
//! `analysis`, as strings; nothing here writes a file or computes a figure a user reads.
//!
//! `html` renders `report.html` from the templates in `templates/` (minijinja, HTML
//! autoescape); `qml` renders the QGIS styles and `project` the QGIS project, both with
//! an XML writer (`xml`: quick-xml, shared); `palette` holds every colour the page and the
//! styles share; `workbook` renders `minefree.xlsx` (every table as a sheet) into bytes.

pub mod html;
pub mod palette;
pub mod project;
pub mod qml;
pub mod workbook;
pub mod xml;
