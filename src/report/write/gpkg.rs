//! Writing [`Table`]s as layers of a GeoPackage in EPSG:4326, through GDAL.
//!
//! All layers are written inside one transaction (fast, and all-or-nothing). Booleans
//! are OGR integer fields with the boolean subtype, dates are DATE fields, geometry
//! columns are MultiPolygon (or generic Geometry for QA findings).

use std::path::Path;

use chrono::{FixedOffset, NaiveTime, TimeZone};
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{
    Feature, FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType,
};
use gdal::DriverManager;

use crate::report::{GeometryKind, ReportError, Table, Values};

/// Turns a GDAL error while writing `what` into a [`ReportError`] (GDAL's words).
pub(super) fn gdal_err(what: &str) -> impl Fn(gdal::errors::GdalError) -> ReportError + '_ {
    move |e| ReportError::Gdal {
        what: what.to_string(),
        message: crate::gdal_errors::describe(&e),
    }
}

/// Opens the GeoPackage just written at `path` for adding to it (styles, the project).
pub(super) fn open_for_update(path: &Path) -> Result<gdal::Dataset, gdal::errors::GdalError> {
    gdal::Dataset::open_ex(
        path,
        gdal::DatasetOptions {
            open_flags: gdal::GdalOpenFlags::GDAL_OF_UPDATE | gdal::GdalOpenFlags::GDAL_OF_VECTOR,
            allowed_drivers: Some(&["GPKG"]),
            ..Default::default()
        },
    )
}

/// Writes `tables` as layers of a new GeoPackage at `path`.
pub fn write_gpkg(path: &Path, tables: &[&Table]) -> Result<(), ReportError> {
    let what = path.display().to_string();
    let driver = DriverManager::get_driver_by_name("GPKG").map_err(gdal_err(&what))?;
    let mut ds = driver.create_vector_only(path).map_err(gdal_err(&what))?;
    let mut srs = SpatialRef::from_epsg(4326).map_err(gdal_err(&what))?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut txn = ds.start_transaction().map_err(gdal_err(&what))?;
    for table in tables {
        write_layer(&mut txn, table, &srs)?;
    }
    txn.commit().map_err(gdal_err(&what))?;
    ds.close().map_err(gdal_err(&what))?;
    Ok(())
}

fn write_layer(ds: &mut gdal::Dataset, table: &Table, srs: &SpatialRef) -> Result<(), ReportError> {
    let what = format!("layer {}", table.name());
    let ty = match table.geometry_kind() {
        GeometryKind::None => OGRwkbGeometryType::wkbNone,
        GeometryKind::MultiPolygon => OGRwkbGeometryType::wkbMultiPolygon,
        GeometryKind::Any => OGRwkbGeometryType::wkbUnknown,
    };
    let layer = ds
        .create_layer(LayerOptions {
            name: table.name(),
            srs: (ty != OGRwkbGeometryType::wkbNone).then_some(srs),
            ty,
            options: Some(&["GEOMETRY_NAME=geom", "FID=fid"]),
        })
        .map_err(gdal_err(&what))?;
    for column in &table.columns {
        let field_type = match column.values {
            Values::Text(_) => OGRFieldType::OFTString,
            Values::Real(_) => OGRFieldType::OFTReal,
            Values::Int(_) | Values::Bool(_) => OGRFieldType::OFTInteger64,
            Values::Date(_) => OGRFieldType::OFTDate,
        };
        if matches!(column.values, Values::Bool(_)) {
            add_boolean_field(&layer, &column.name).map_err(|message| ReportError::Gdal {
                what: what.clone(),
                message,
            })?;
        } else {
            let defn = FieldDefn::new(&column.name, field_type).map_err(gdal_err(&what))?;
            defn.add_to_layer(&layer).map_err(gdal_err(&what))?;
        }
    }
    let midnight = NaiveTime::MIN;
    let utc = FixedOffset::east_opt(0).expect("zero offset is valid");
    for row in 0..table.rows() {
        let mut feature = Feature::new(layer.defn()).map_err(gdal_err(&what))?;
        for (i, column) in table.columns.iter().enumerate() {
            let set = match &column.values {
                Values::Text(v) => v[row].as_ref().map(|s| feature.set_field_string(i, s)),
                Values::Real(v) => v[row].map(|x| feature.set_field_double(i, x)),
                Values::Int(v) => v[row].map(|x| feature.set_field_integer64(i, x)),
                Values::Bool(v) => v[row].map(|x| feature.set_field_integer(i, i32::from(x))),
                Values::Date(v) => v[row].map(|d| {
                    let dt = utc.from_utc_datetime(&d.and_time(midnight));
                    feature.set_field_datetime(i, dt)
                }),
            };
            match set {
                Some(result) => result.map_err(gdal_err(&what))?,
                None => feature.set_field_null(i).map_err(gdal_err(&what))?,
            }
        }
        if let Some(Some(g)) = table.geometry.get(row) {
            let gg = super::wkb::gdal_geometry(g).map_err(|message| ReportError::Gdal {
                what: what.clone(),
                message,
            })?;
            feature.set_geometry(gg).map_err(gdal_err(&what))?;
        }
        feature.create(&layer).map_err(gdal_err(&what))?;
    }
    Ok(())
}

/// Adds an OGR integer field with the boolean subtype (the gdal crate has no API for
/// subtypes), so that GeoPackage readers such as QGIS show true/false.
fn add_boolean_field(layer: &gdal::vector::Layer, name: &str) -> Result<(), String> {
    let c_name = std::ffi::CString::new(name).map_err(|e| e.to_string())?;
    // SAFETY: `fld` is created, used and destroyed here; OGR_L_CreateField copies it, and
    // the layer handle is live for as long as `layer` is borrowed.
    unsafe {
        let fld = gdal_sys::OGR_Fld_Create(c_name.as_ptr(), OGRFieldType::OFTInteger);
        gdal_sys::OGR_Fld_SetSubType(fld, gdal_sys::OGRFieldSubType::OFSTBoolean);
        let rv = gdal_sys::OGR_L_CreateField(layer.c_layer(), fld, 1);
        gdal_sys::OGR_Fld_Destroy(fld);
        if rv != gdal_sys::OGRErr::OGRERR_NONE {
            return Err(format!(
                "cannot create boolean field {name} (OGR error {rv})"
            ));
        }
    }
    Ok(())
}
