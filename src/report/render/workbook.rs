//! `minefree.xlsx` (SPEC §5): every output table as one sheet, for the people who work in
//! spreadsheets, rendered with `rust_xlsxwriter` into the writer `write/` gives (the
//! file on disk).
//!
//! A first sheet `about` says which run the workbook belongs to and what each sheet
//! holds. Each table sheet has its header row frozen and an autofilter; areas and money
//! get thousands separators (`#,##0`), percentages one decimal with `%` (the values are
//! already 0–100), ratios two decimals, dates are Excel dates (`yyyy-mm-dd`), booleans
//! Excel booleans, NULL an empty cell. Geometry columns are left out. The values are the
//! tables' own (only the display is rounded), so a cell equals its CSV field.
//!
//! Memory stays bounded whatever the run's size: every sheet is a "constant memory"
//! sheet (the crate's `constant_memory` feature), written row by row from the top, so
//! only the current row is held; the rows before it wait in an unnamed temporary file
//! in the directory `write/` names (the staging directory), strings inline in their
//! cells (no shared-string table), until the zip is streamed out. Column widths, the
//! frozen header and the autofilter are sheet properties, set before the rows.
//!
//! The document's creation date is the as-of date, so the same run gives the same bytes.

use std::io::Write;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::qgs::Origin;
use crate::report::{Table, Values};

/// Excel's last row (1 048 576 rows, one of them the header).
const MAX_DATA_ROWS: usize = 1_048_575;

/// The display format of a real or integer column, by its name.
fn number_format(column: &str) -> &'static str {
    if column.starts_with("pct_") {
        "0.0\"%\""
    } else if column.ends_with("_m2")
        || column.ends_with("_m2_per_year")
        || column.ends_with("_cost")
        || matches!(
            column,
            "funding" | "gap" | "distance_m" | "m2_per_task_day" | "task_days"
        )
        || column.starts_with("population")
    {
        "#,##0"
    } else if matches!(
        column,
        "years_to_complete" | "capacity_factor_needed" | "score"
    ) {
        "0.00"
    } else {
        "General"
    }
}

/// Writes the workbook for `tables` of the run `origin` into `out`, keeping the rows
/// already written in unnamed temporary files in `temp_dir`; see the module docs.
pub fn workbook<W: Write + Send>(
    tables: &[&Table],
    origin: &Origin<'_>,
    temp_dir: &Path,
    out: W,
) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    book.set_tempdir(temp_dir)?;
    let created = ExcelDateTime::from_ymd(
        u16::try_from(origin.as_of.year()).unwrap_or(1900),
        origin.as_of.month() as u8,
        origin.as_of.day() as u8,
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "minefree: {} as of {}",
                origin.file_name, origin.as_of
            ))
            .set_creation_datetime(&created),
    );
    let header = Format::new().set_bold();
    about_sheet(
        book.add_worksheet_with_constant_memory(),
        tables,
        origin,
        &header,
    )?;
    for table in tables {
        table_sheet(book.add_worksheet_with_constant_memory(), table, &header)?;
    }
    book.save_to_writer(out)
}

fn about_sheet(
    sheet: &mut Worksheet,
    tables: &[&Table],
    origin: &Origin<'_>,
    header: &Format,
) -> Result<(), XlsxError> {
    sheet.set_name("about")?;
    let title = format!(
        "minefree outputs of {} as of {}",
        origin.file_name, origin.as_of
    );
    sheet.write_string_with_format(0, 0, title, header)?;
    sheet.write_string(
        1,
        0,
        "Land figures are land, never a sum of records (SPEC R5–R13); the same tables are in the CSV, Parquet and GeoPackage files.",
    )?;
    for (col, name) in ["sheet", "what it holds", "rows"].into_iter().enumerate() {
        sheet.write_string_with_format(3, col as u16, name, header)?;
    }
    for (i, table) in tables.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_string(row, 0, table.name())?;
        let mut what = table.kind.spec().description.to_string();
        if table.rows() > MAX_DATA_ROWS {
            what.push_str(&format!(
                " — only the first {MAX_DATA_ROWS} of {} rows fit in a sheet: the CSV has them all",
                table.rows()
            ));
        }
        sheet.write_string(row, 1, what)?;
        sheet.write_number(row, 2, table.rows() as f64)?;
    }
    sheet.set_column_width(0, 26)?;
    sheet.set_column_width(1, 110)?;
    Ok(())
}

/// A table's sheet: the header row, then its rows from the top, each left to right.
fn table_sheet(sheet: &mut Worksheet, table: &Table, header: &Format) -> Result<(), XlsxError> {
    sheet.set_name(table.name())?;
    let rows = table.rows().min(MAX_DATA_ROWS);
    let mut formats = Vec::with_capacity(table.columns.len());
    for (col, column) in table.columns.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, &column.name, header)?;
        let width = column.name.chars().count().max(10) + 2;
        sheet.set_column_width(col, width as f64)?;
        formats.push(Format::new().set_num_format(number_format(&column.name)));
    }
    sheet.set_freeze_panes(1, 0)?;
    if !table.columns.is_empty() {
        let last_col = u16::try_from(table.columns.len() - 1).unwrap_or(u16::MAX);
        sheet.autofilter(0, 0, rows as u32, last_col)?;
    }
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for row in 0..rows {
        let r = row as u32 + 1;
        for (col, (column, format)) in table.columns.iter().zip(&formats).enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            write_value(sheet, (r, col), &column.values, row, (format, &date_format))?;
        }
    }
    Ok(())
}

/// The value `row` of a column into the cell `(r, col)`; NULL stays an empty cell.
/// `formats` is the column's number format and the date format.
fn write_value(
    sheet: &mut Worksheet,
    (r, col): (u32, u16),
    values: &Values,
    row: usize,
    (format, date_format): (&Format, &Format),
) -> Result<(), XlsxError> {
    match values {
        Values::Text(v) => {
            if let Some(t) = &v[row] {
                sheet.write_string(r, col, t)?;
            }
        }
        Values::Real(v) => {
            if let Some(x) = v[row] {
                sheet.write_number_with_format(r, col, x, format)?;
            }
        }
        Values::Int(v) => {
            if let Some(x) = v[row] {
                sheet.write_number_with_format(r, col, x as f64, format)?;
            }
        }
        Values::Date(v) => {
            if let Some(d) = v[row] {
                sheet.write_datetime_with_format(r, col, excel_date(d)?, date_format)?;
            }
        }
        Values::Bool(v) => {
            if let Some(b) = v[row] {
                sheet.write_boolean(r, col, b)?;
            }
        }
    }
    Ok(())
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
        d.month() as u8,
        d.day() as u8,
    )
}
