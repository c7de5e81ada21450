//! Writing [`Table`]s as CSV and (Geo)Parquet with polars.
//!
//! CSV: comma-separated, header row, UTF-8, NULL as an empty field, dates `YYYY-MM-DD`,
//! booleans `true`/`false`, numbers in polars' shortest round-trip form (values are
//! rounded by `tables` first), so identical inputs give identical bytes.
//! Parquet: the same columns with their types; when `geo` is asked for, a `geometry`
//! column of ISO WKB is added with GeoParquet 1.1 `geo` file metadata (CRS EPSG:4326,
//! lon/lat), readable by GeoPandas, DuckDB and QGIS.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::geom::clip::rect_union;
use crate::report::{GeometryKind, ReportError, Table, Values};

fn table_error(path: &Path) -> impl Fn(PolarsError) -> ReportError + '_ {
    move |e| ReportError::Table {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn create(path: &Path) -> Result<File, ReportError> {
    File::create(path).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The table's attribute columns as a polars DataFrame.
pub fn data_frame(table: &Table) -> PolarsResult<DataFrame> {
    let columns = table
        .columns
        .iter()
        .map(|c| {
            let name: PlSmallStr = c.name.as_str().into();
            let series = match &c.values {
                Values::Text(v) => Series::new(name, v),
                Values::Real(v) => Series::new(name, v),
                Values::Int(v) => Series::new(name, v),
                Values::Bool(v) => Series::new(name, v),
                Values::Date(v) => {
                    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
                    let days: Vec<Option<i32>> = v
                        .iter()
                        .map(|d| d.map(|d| (d - epoch).num_days() as i32))
                        .collect();
                    Series::new(name, days).cast(&DataType::Date)?
                }
            };
            Ok(series.into_column())
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(table.rows(), columns)
}

/// Writes `table` as CSV at `path`.
pub fn write_csv(path: &Path, table: &Table) -> Result<(), ReportError> {
    let mut df = data_frame(table).map_err(table_error(path))?;
    let file = create(path)?;
    CsvWriter::new(std::io::BufWriter::new(file))
        .include_header(true)
        .with_date_format(Some("%Y-%m-%d".into()))
        .finish(&mut df)
        .map_err(table_error(path))
}

/// Rows per row group of a GeoParquet file: its WKB is encoded one group at a time, so
/// that the geometry is never held twice over in memory (once as geometry, once as WKB
/// in the Arrow column) for the whole table at once.
pub const GEO_ROWS_PER_GROUP: usize = 65_536;

/// Writes `table` as Parquet at `path`; with `geo`, as GeoParquet 1.1 with a WKB
/// `geometry` column, written [`GEO_ROWS_PER_GROUP`] rows at a time.
pub fn write_parquet(path: &Path, table: &Table, geo: bool) -> Result<(), ReportError> {
    let mut df = data_frame(table).map_err(table_error(path))?;
    if !geo {
        return ParquetWriter::new(create(path)?)
            .finish(&mut df)
            .map(|_| ())
            .map_err(table_error(path));
    }
    let rows = table.rows();
    // Rows `offset..` (at most one group) with their WKB geometry column.
    let group_at = |offset: usize| -> Result<DataFrame, ReportError> {
        let len = GEO_ROWS_PER_GROUP.min(rows - offset);
        let wkb = geometry_wkb(&table.geometry[offset..offset + len]).map_err(|message| {
            ReportError::Table {
                path: path.to_path_buf(),
                message,
            }
        })?;
        let mut group = df.slice(offset as i64, len);
        group
            .with_column(Series::new("geometry".into(), wkb).into_column())
            .map_err(table_error(path))?;
        group.align_chunks();
        Ok(group)
    };
    // The first group (empty for an empty table) gives the schema and the `geo` key.
    let first = group_at(0)?;
    let metadata = geo_key_values(&first, &geo_metadata(table).to_string());
    let mut writer = ParquetWriter::new(create(path)?)
        .with_key_value_metadata(Some(metadata))
        .batched(first.schema())
        .map_err(table_error(path))?;
    writer.write_batch(&first).map_err(table_error(path))?;
    drop(first);
    for offset in (GEO_ROWS_PER_GROUP..rows).step_by(GEO_ROWS_PER_GROUP) {
        writer
            .write_batch(&group_at(offset)?)
            .map_err(table_error(path))?;
    }
    writer.finish().map(|_| ()).map_err(table_error(path))
}

/// The footer key-values of a GeoParquet file: `geo` (where the GeoParquet spec, DuckDB
/// and GDAL look), and polars' own `ARROW:schema` with `geo` added to the Arrow schema
/// metadata too (where pyarrow, hence GeoPandas, looks: it ignores other footer keys once
/// an Arrow schema is stored). The Arrow schema is the one polars' writer derives from
/// the frame (newest compatibility level), so the stored schema matches the data.
fn geo_key_values(df: &DataFrame, geo: &str) -> KeyValueMetadata {
    let mut arrow = df.schema().to_arrow(CompatLevel::newest());
    arrow.metadata_mut().insert("geo".into(), geo.into());
    let schema_kv = polars_parquet::arrow::write::schema_to_metadata_key(&arrow);
    KeyValueMetadata::from_static(vec![
        (schema_kv.key, schema_kv.value.unwrap_or_default()),
        ("geo".to_string(), geo.to_string()),
    ])
}

/// ISO WKB of each geometry ([`super::wkb`]), NULL where there is none.
fn geometry_wkb(geometry: &[Option<crate::report::Shape>]) -> Result<Vec<Option<Vec<u8>>>, String> {
    geometry
        .iter()
        .map(|g| g.as_ref().map(|g| super::wkb::wkb_of(g)).transpose())
        .collect()
}

/// GeoParquet 1.1 `geo` metadata for a table's geometry column.
pub fn geo_metadata(table: &Table) -> serde_json::Value {
    use geo::BoundingRect;
    let bbox = table
        .geometry
        .iter()
        .flatten()
        .filter_map(|g| g.bounding_rect())
        .reduce(rect_union);
    let types: Vec<&str> = match table.geometry_kind() {
        GeometryKind::MultiPolygon => vec!["MultiPolygon"],
        _ => vec![],
    };
    let mut column = serde_json::json!({
        "encoding": "WKB",
        "geometry_types": types,
        "crs": epsg_4326_projjson(),
        "edges": "planar",
    });
    if let Some(b) = bbox {
        column["bbox"] = serde_json::json!([b.min().x, b.min().y, b.max().x, b.max().y]);
    }
    serde_json::json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": { "geometry": column },
    })
}

/// PROJJSON of OGC:CRS84 (WGS84 with longitude first, GeoParquet 1.1's default), taken
/// from GDAL so that it is exact, with its `id` (OGC, CRS84): without one, pyproj's
/// `to_authority()` and some readers see an unknown CRS.
fn epsg_4326_projjson() -> serde_json::Value {
    let mut crs: serde_json::Value = gdal::spatial_ref::SpatialRef::from_definition("OGC:CRS84")
        .and_then(|s| s.to_projjson())
        .ok()
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or(serde_json::Value::Null);
    if let Some(obj) = crs.as_object_mut() {
        obj.entry("id")
            .or_insert_with(|| serde_json::json!({"authority": "OGC", "code": "CRS84"}));
    }
    crs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Shape;

    /// A table of more rows than one row group holds, written as GeoParquet and read back
    /// with polars: every row keeps its attribute and its geometry (decoded by GDAL and
    /// compared with the square it was built from), the row groups are as many as the
    /// rows require, and the `geo` key is in the footer once.
    #[test]
    fn geoparquet_in_row_groups_keeps_every_row() {
        let rows = 2 * GEO_ROWS_PER_GROUP + 3;
        let corner = |i: usize| (i % 1000) as f64 * 0.001;
        let mut t = Table::new(crate::report::outputs::TableKind::RemainingHazards);
        t.push(
            "hazard_id",
            Values::Text((0..rows).map(|i| Some(format!("H{i}"))).collect()),
        );
        t.geometry = (0..rows)
            .map(|i| {
                let (x, y) = (corner(i), (i / 1000) as f64 * 0.001);
                let sq = crate::geom::test_shapes::square(x, y, x + 0.0005, y + 0.0005);
                (i % 7 != 3).then(|| Shape::new(geo::Geometry::MultiPolygon(sq)))
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        write_parquet(&path, &t, true).unwrap();

        let meta = polars_parquet::read::read_metadata(&mut File::open(&path).unwrap()).unwrap();
        assert_eq!(meta.row_groups.len(), 3);
        let keys = meta.key_value_metadata().clone().unwrap_or_default();
        assert_eq!(keys.iter().filter(|kv| kv.key == "geo").count(), 1);
        let df = ParquetReader::new(File::open(&path).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.height(), rows);
        let ids = df.column("hazard_id").unwrap().str().unwrap().clone();
        let wkb = df.column("geometry").unwrap().binary().unwrap().clone();
        for i in (0..rows).step_by(997).chain([rows - 1, GEO_ROWS_PER_GROUP]) {
            assert_eq!(ids.get(i), Some(format!("H{i}").as_str()));
            match wkb.get(i) {
                None => assert_eq!(i % 7, 3, "row {i} lost its geometry"),
                Some(bytes) => {
                    let g = gdal::vector::Geometry::from_wkb(bytes).unwrap();
                    let env = g.envelope();
                    assert!((env.MinX - corner(i)).abs() < 1e-12, "row {i}");
                    assert!((env.MaxY - ((i / 1000) as f64 * 0.001 + 0.0005)).abs() < 1e-12);
                }
            }
        }
    }
}
