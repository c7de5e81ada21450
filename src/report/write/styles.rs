//! The `layer_styles` table of the GeoPackage: the QGIS default styles (rendered by
//! [`crate::report::render::qml`]) stored where QGIS itself stores a style saved "in the
//! database".
//!
//! Input: the path of a GeoPackage that [`super::gpkg::write_gpkg`] has just written and
//! closed, and the tables it holds. Output: a `layer_styles` attribute table (registered
//! in `gpkg_contents` as `attributes`, so it is a valid GeoPackage table) with one row per
//! stored style, made through OGR with the schema of QGIS 3.22
//! (`QgsOgrProviderMetadata::saveStyle`): FID `id`, `f_table_catalog`, `f_table_schema`,
//! `f_table_name`, `f_geometry_column`, `styleName`, `styleQML`, `styleSLD`,
//! `useAsDefault` (boolean), `description`, `owner`, `ui`, `update_time` (defaults to the
//! time of writing). QGIS looks styles up with `f_table_schema = ''`, the layer name and
//! the geometry column (`geom`), and applies the `useAsDefault` one when a layer is
//! opened, with no clicks.

use std::ffi::CString;
use std::path::Path;

use gdal::vector::{Feature, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType};

use crate::report::outputs::TableKind;
use crate::report::render::qml::{styles_for, StoredStyle};
use crate::report::{GeometryKind, ReportError, Table};

/// Geometry column of every minefree layer (`GEOMETRY_NAME=geom` in `gpkg`).
const GEOMETRY_COLUMN: &str = "geom";

/// Writes the default QGIS styles of the styled layers among `tables` into the
/// GeoPackage at `path` (a `layer_styles` table, as QGIS makes it). Tables without a
/// style (or without geometry) are skipped; nothing is written when none is styled.
pub fn write_styles(path: &Path, tables: &[&Table]) -> Result<(), ReportError> {
    let kinds: Vec<TableKind> = tables
        .iter()
        .filter(|t| t.geometry_kind() != GeometryKind::None)
        .map(|t| t.kind)
        .collect();
    let styles = styles_for(&kinds);
    if styles.is_empty() {
        return Ok(());
    }
    let what = format!("layer_styles in {}", path.display());
    let err = super::gpkg::gdal_err(&what);
    let mut ds = super::gpkg::open_for_update(path).map_err(&err)?;
    let mut txn = ds.start_transaction().map_err(&err)?;
    {
        let layer = txn
            .create_layer(LayerOptions {
                name: "layer_styles",
                srs: None,
                ty: OGRwkbGeometryType::wkbNone,
                options: Some(&["FID=id"]),
            })
            .map_err(&err)?;
        for spec in &FIELDS {
            add_field(&layer, spec).map_err(|message| ReportError::Gdal {
                what: what.clone(),
                message,
            })?;
        }
        for style in &styles {
            insert_style(&layer, style).map_err(&err)?;
        }
    }
    txn.commit().map_err(&err)?;
    ds.close().map_err(&err)?;
    Ok(())
}
// ---------------------------------------------------------------------------------------
// The `layer_styles` table.

/// A field of `layer_styles`, as QGIS creates it.
struct FieldSpec {
    name: &'static str,
    ty: OGRFieldType::Type,
    width: i32,
    boolean: bool,
    default: Option<&'static str>,
}

const fn text(name: &'static str, width: i32) -> FieldSpec {
    FieldSpec {
        name,
        ty: OGRFieldType::OFTString,
        width,
        boolean: false,
        default: None,
    }
}

const FIELDS: [FieldSpec; 12] = [
    text("f_table_catalog", 256),
    text("f_table_schema", 256),
    text("f_table_name", 256),
    text("f_geometry_column", 256),
    text("styleName", 30),
    text("styleQML", 0),
    text("styleSLD", 0),
    FieldSpec {
        name: "useAsDefault",
        ty: OGRFieldType::OFTInteger,
        width: 0,
        boolean: true,
        default: None,
    },
    text("description", 0),
    text("owner", 30),
    text("ui", 30),
    FieldSpec {
        name: "update_time",
        ty: OGRFieldType::OFTDateTime,
        width: 0,
        boolean: false,
        default: Some("CURRENT_TIMESTAMP"),
    },
];

/// Adds one field (with width, boolean subtype and default, which the gdal crate's
/// `FieldDefn` cannot set) to `layer`.
fn add_field(layer: &gdal::vector::Layer, spec: &FieldSpec) -> Result<(), String> {
    let name = CString::new(spec.name).map_err(|e| e.to_string())?;
    let default = spec
        .default
        .map(CString::new)
        .transpose()
        .map_err(|e| e.to_string())?;
    // SAFETY: `fld` is created, configured and destroyed here; OGR_L_CreateField copies
    // it, and the layer handle is live while `layer` is borrowed. The C strings outlive
    // the calls that read them.
    let rv = unsafe {
        let fld = gdal_sys::OGR_Fld_Create(name.as_ptr(), spec.ty);
        if spec.width > 0 {
            gdal_sys::OGR_Fld_SetWidth(fld, spec.width);
        }
        if spec.boolean {
            gdal_sys::OGR_Fld_SetSubType(fld, gdal_sys::OGRFieldSubType::OFSTBoolean);
        }
        if let Some(d) = &default {
            gdal_sys::OGR_Fld_SetDefault(fld, d.as_ptr());
        }
        let rv = gdal_sys::OGR_L_CreateField(layer.c_layer(), fld, 1);
        gdal_sys::OGR_Fld_Destroy(fld);
        rv
    };
    if rv != gdal_sys::OGRErr::OGRERR_NONE {
        return Err(format!(
            "cannot create field {} (OGR error {rv})",
            spec.name
        ));
    }
    Ok(())
}

/// Inserts one style row; `ui` stays NULL and `update_time` takes its default, as when
/// QGIS saves a style.
fn insert_style(
    layer: &gdal::vector::Layer,
    style: &StoredStyle,
) -> Result<(), gdal::errors::GdalError> {
    let defn = layer.defn();
    let mut feature = Feature::new(defn)?;
    let values = [
        ("f_table_catalog", ""),
        ("f_table_schema", ""),
        ("f_table_name", style.layer.name()),
        ("f_geometry_column", GEOMETRY_COLUMN),
        ("styleName", style.name),
        ("styleQML", style.qml.as_str()),
        ("styleSLD", ""),
        ("description", style.description),
        ("owner", ""),
    ];
    for (field, value) in values {
        let i = defn.field_index(field)?;
        feature.set_field_string(i, value)?;
    }
    let i = defn.field_index("useAsDefault")?;
    feature.set_field_integer(i, i32::from(style.default))?;
    feature.create(layer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Values;

    #[test]
    fn layer_styles_table_is_written_as_qgis_reads_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.gpkg");
        let mut t = Table::new(TableKind::RegionSummary);
        t.push("name", Values::Text(vec![Some("A".into())]));
        t.geometry.push(None);
        super::super::gpkg::write_gpkg(&path, &[&t]).expect("gpkg");
        write_styles(&path, &[&t]).expect("styles");
        let ds = gdal::Dataset::open(&path).expect("open");
        let mut layer = ds.layer_by_name("layer_styles").expect("layer_styles");
        let defn = layer.defn();
        let names: Vec<String> = defn.fields().map(|f| f.name()).collect();
        let expected: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(names, expected);
        let rows: Vec<(String, String, String, i32)> = layer
            .features()
            .map(|f| {
                let s = |n: &str| {
                    f.field_as_string(f.field_index(n).expect("field"))
                        .expect("string")
                        .unwrap_or_default()
                };
                let d = f
                    .field_as_integer(f.field_index("useAsDefault").expect("field"))
                    .expect("int")
                    .unwrap_or(-1);
                (
                    s("f_table_name"),
                    s("f_geometry_column"),
                    s("f_table_schema"),
                    d,
                )
            })
            .collect();
        assert_eq!(
            rows,
            vec![("region_summary".into(), "geom".into(), String::new(), 1)]
        );
        let mut contents = ds
            .execute_sql(
                "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'",
                None,
                gdal::vector::sql::Dialect::SQLITE,
            )
            .expect("sql")
            .expect("result set");
        let kind = contents
            .features()
            .next()
            .and_then(|f| f.field_as_string(0).ok().flatten());
        assert_eq!(kind.as_deref(), Some("attributes"));
    }
}
