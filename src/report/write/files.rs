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

use gdal::vector::ToGdal;
use polars::prelude::*;

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

/// Writes `table` as Parquet at `path`; with `geo`, as GeoParquet 1.1 with a WKB
/// `geometry` column.
pub fn write_parquet(path: &Path, table: &Table, geo: bool) -> Result<(), ReportError> {
    let mut df = data_frame(table).map_err(table_error(path))?;
    let mut metadata = None;
    if geo {
        let wkb = geometry_wkb(table).map_err(|message| ReportError::Table {
            path: path.to_path_buf(),
            message,
        })?;
        let column = Series::new("geometry".into(), wkb).into_column();
        df.with_column(column).map_err(table_error(path))?;
        metadata = Some(geo_key_values(&df, &geo_metadata(table).to_string()));
    }
    let file = create(path)?;
    ParquetWriter::new(file)
        .with_key_value_metadata(metadata)
        .finish(&mut df)
        .map(|_| ())
        .map_err(table_error(path))
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

/// ISO WKB of each row's geometry (GDAL encodes it), NULL where there is none.
fn geometry_wkb(table: &Table) -> Result<Vec<Option<Vec<u8>>>, String> {
    table
        .geometry
        .iter()
        .map(|g| {
            g.as_ref()
                .map(|g| {
                    g.to_gdal()
                        .and_then(|g| g.iso_wkb())
                        .map_err(|e| e.to_string())
                })
                .transpose()
        })
        .collect()
}

/// GeoParquet 1.1 `geo` metadata for a table's geometry column.
pub fn geo_metadata(table: &Table) -> serde_json::Value {
    use geo::BoundingRect;
    let mut bbox: Option<geo::Rect<f64>> = None;
    for g in table.geometry.iter().flatten() {
        if let Some(r) = g.bounding_rect() {
            bbox = Some(match bbox {
                None => r,
                Some(b) => geo::Rect::new(
                    (b.min().x.min(r.min().x), b.min().y.min(r.min().y)),
                    (b.max().x.max(r.max().x), b.max().y.max(r.max().y)),
                ),
            });
        }
    }
    let types: Vec<&str> = match table.geometry_kind {
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
