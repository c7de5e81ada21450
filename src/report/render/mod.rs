//! The rendering half of `report`: documents made from results already computed by
//! `analysis`, returned as text or bytes; nothing here touches the file system or GDAL
//! (`tests/layers.rs` checks) or computes a figure a user reads.
//!
//! `html` renders `report.html` from the templates in `templates/` (minijinja, HTML
//! autoescape); `qml` renders the QGIS styles and `qgs` the QGIS project (the `.qgs`
//! document, stored by `write::project`), both from the templates in `templates/qgis/`
//! (`xml`: one minijinja environment, every value XML-escaped); `palette` holds every
//! colour the page and the
//! styles share; `workbook` renders `minefree.xlsx` (every table as a sheet) into the writer
//! `write/` gives it, row by row (constant memory).

pub mod html;
pub mod palette;
pub mod qgs;
pub mod qml;
pub mod workbook;
pub mod xml;
