//! Turning the analysis' results into outputs: one in-memory [`Table`] per output
//! table, the documents made from them, and the files.
//!
//! `outputs` names every kind of table ([`TableKind`]) with its properties (the name
//! written, geometry, files, styles, place in the QGIS project); `tables` turns analysis
//! rows into [`Table`]s (the SPEC §5 columns, in order, with the rounding documented in
//! the README); `changes` compares them with the previous run; `region_table` sums the
//! regions the print layout's table leaves out. The rest is in two
//! halves:
//! * [`write`](mod@write): everything that touches the disk: the GeoPackage (`gpkg`, and
//!   the stored `styles` and `project`), CSV and Parquet (`files`), the documents
//!   `render` returns, `run.json`, the previous run read back (`previous`), and the
//!   staging directory and its swap (`output`). Only this half touches GDAL or the file
//!   system.
//! * [`render`](mod@render): documents made from results that are already computed,
//!   returned as text or bytes: `report.html` from templates (`html`), the QGIS styles
//!   (`qml`) and project (`qgs`) as XML, the workbook (`workbook`) and the one `palette`
//!   they share. Rendering computes no figure a user reads.

pub mod changes;
pub mod outputs;
pub mod region_table;
pub mod render;
pub mod tables;
pub mod write;

use chrono::NaiveDate;

use outputs::TableKind;

/// A writing problem: output lost, a person must act.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// GDAL failed to write a layer.
    #[error("cannot write {what}: {message}")]
    Gdal {
        /// What was being written.
        what: String,
        /// GDAL's message.
        message: String,
    },
    /// A file or directory operation failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The output path holds something minefree did not write: it is never replaced.
    #[error("refusing to write outputs to {path}: {reason}; nothing was moved or deleted")]
    NotOurs {
        /// The output path.
        path: std::path::PathBuf,
        /// Why it is not a minefree output directory.
        reason: String,
    },
    /// A figure is infinite or not a number: nothing is published (SPEC §5: minefree
    /// never writes `inf` or `NaN`). The pipeline-file checks keep every formula finite,
    /// so this is a defect to report, never a picture to publish.
    #[error("refusing to publish {table}.{column}: row {row} is {value} (a defect in minefree; please report it with the pipeline file)")]
    NonFinite {
        /// The table.
        table: &'static str,
        /// The column.
        column: String,
        /// The row (0-based).
        row: usize,
        /// The value (`inf`, `-inf`, `NaN`).
        value: f64,
    },
    /// polars failed to write a table.
    #[error("cannot write {path}: {message}")]
    Table {
        /// The path.
        path: std::path::PathBuf,
        /// polars' message.
        message: String,
    },
}

/// The values of one column (`None` = NULL).
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Text.
    Text(Vec<Option<String>>),
    /// Real numbers.
    Real(Vec<Option<f64>>),
    /// Integers.
    Int(Vec<Option<i64>>),
    /// Dates.
    Date(Vec<Option<NaiveDate>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
}

impl Values {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Real(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Date(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A named column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Column name (SPEC §5).
    pub name: String,
    /// Values, one per row.
    pub values: Values,
}

/// Kind of geometry a table carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    /// No geometry column.
    None,
    /// MultiPolygon.
    MultiPolygon,
    /// Any geometry (QA findings).
    Any,
}

/// A row's geometry in an output table. Shared, not copied: `remaining_hazards` and
/// `priority_tasks` hold the same remaining land (peak memory at national scale).
pub type Shape = std::sync::Arc<geo::Geometry<f64>>;

/// An output table.
#[derive(Debug, Clone)]
pub struct Table {
    /// What it is (its name, geometry and files: [`outputs::OUTPUTS`]).
    pub kind: TableKind,
    /// Columns in output order.
    pub columns: Vec<Column>,
    /// One geometry per row (empty when the kind has no geometry).
    pub geometry: Vec<Option<Shape>>,
}

impl Table {
    /// A table without columns yet.
    pub fn new(kind: TableKind) -> Table {
        Table {
            kind,
            columns: Vec::new(),
            geometry: Vec::new(),
        }
    }

    /// The name written (layer, file stem, sheet: `region_summary`, …).
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// The kind of geometry it carries.
    pub fn geometry_kind(&self) -> GeometryKind {
        self.kind.spec().geometry
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.columns
            .first()
            .map_or(self.geometry.len(), |c| c.values.len())
    }

    /// Adds a column.
    pub fn push(&mut self, name: &str, values: Values) {
        self.columns.push(Column {
            name: name.to_string(),
            values,
        });
    }

    /// `Err` naming the first infinite or NaN value of a real column (see
    /// [`ReportError::NonFinite`]).
    pub fn check_finite(&self) -> Result<(), ReportError> {
        for c in &self.columns {
            let Values::Real(values) = &c.values else {
                continue;
            };
            if let Some((row, value)) = values
                .iter()
                .enumerate()
                .find_map(|(i, v)| v.filter(|x| !x.is_finite()).map(|x| (i, x)))
            {
                return Err(ReportError::NonFinite {
                    table: self.name(),
                    column: c.name.clone(),
                    row,
                    value,
                });
            }
        }
        Ok(())
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Values> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.values)
    }
}

#[cfg(test)]
mod tests {
    use super::{ReportError, Table, TableKind, Values};

    #[test]
    fn a_table_holding_inf_or_nan_is_refused_naming_the_cell() {
        let mut t = Table::new(TableKind::Scenarios);
        t.push(
            "scenario",
            Values::Text(vec![Some("a".into()), Some("b".into())]),
        );
        t.push("years_to_complete", Values::Real(vec![Some(1.5), None]));
        assert!(t.check_finite().is_ok(), "NULL is not infinite");
        t.push(
            "rate_m2_per_year",
            Values::Real(vec![Some(2.0), Some(f64::INFINITY)]),
        );
        match t.check_finite() {
            Err(ReportError::NonFinite { column, row, .. }) => {
                assert_eq!((column.as_str(), row), ("rate_m2_per_year", 1));
            }
            other => panic!("{other:?}"),
        }
        let mut t = Table::new(TableKind::WorkPlan);
        t.push("planned_release_m2", Values::Real(vec![Some(f64::NAN)]));
        assert!(t.check_finite().is_err());
    }
}
