//! Storing the QGIS project (rendered by [`crate::report::render::qgs`]) inside
//! `minefree.gpkg`: one row in `qgis_projects(name TEXT PRIMARY KEY, metadata BLOB,
//! content BLOB)`, the table QGIS 3.22 creates with plain SQLite
//! (`QgsGeoPackageProjectStorage`; it is not registered in `gpkg_contents` nor
//! `gpkg_extensions`, and neither is it here): `name` = `minefree`; `metadata` = the JSON
//! text QGIS writes (`last_modified_time`, `last_modified_user`); `content` = the `.qgz`
//! archive ([`super::zip`]) as lower-case hex *text* (QGIS writes `QByteArray::toHex()`
//! and reads the column back with `sqlite3_column_text` + `fromHex`). The archive holds
//! one `minefree.qgs`, dated the as-of day like everything else in it.

use std::fmt::Write as _;
use std::path::Path;

use chrono::NaiveDate;
use gdal::vector::sql::Dialect;

use super::zip;
use crate::report::outputs::TableKind;
use crate::report::render::qgs::timestamp;
use crate::report::render::qgs::{project_xml, ProjectInputs, PROJECT_NAME};
use crate::report::ReportError;

/// Writes the project into the GeoPackage at `path` (closed, with its layers and styles
/// written); returns whether one was written (only for `run` outputs).
pub fn write_project(path: &Path, inputs: &ProjectInputs) -> Result<bool, ReportError> {
    if !inputs.has(TableKind::RegionSummary) {
        return Ok(false);
    }
    let qgs = project_xml(inputs);
    let qgz = zip::stored_zip(
        &[(&format!("{PROJECT_NAME}.qgs"), qgs.as_bytes())],
        inputs.origin.as_of,
    );
    let what = format!("the QGIS project in {}", path.display());
    let err = super::gpkg::gdal_err(&what);
    let ds = super::gpkg::open_for_update(path).map_err(&err)?;
    let statements = [
        "CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)"
            .to_string(),
        format!(
            "INSERT INTO qgis_projects VALUES ({}, {}, '{}')",
            sql_text(PROJECT_NAME),
            sql_text(&metadata_json(inputs.origin.as_of)),
            hex(&qgz)
        ),
    ];
    for sql in &statements {
        // Neither statement returns rows; GDAL hands them to SQLite as they are.
        ds.execute_sql(sql, None, Dialect::DEFAULT).map_err(&err)?;
    }
    ds.close().map_err(&err)?;
    Ok(true)
}

/// The `metadata` column as QGIS writes it (its spacing included).
fn metadata_json(as_of: NaiveDate) -> String {
    format!(
        r#"{{"last_modified_time": "{}", "last_modified_user": "minefree" }}"#,
        timestamp(as_of)
    )
}

/// An SQL string literal.
fn sql_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Lower-case hex, as `QByteArray::toHex`.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qgis_metadata_and_sql_text() {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
        assert_eq!(
            metadata_json(as_of),
            r#"{"last_modified_time": "2026-06-30T00:00:00", "last_modified_user": "minefree" }"#
        );
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(sql_text("it's"), "'it''s'");
    }
}
