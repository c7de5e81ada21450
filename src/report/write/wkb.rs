//! Output geometries as WKB (2D ISO WKB, little-endian: for 2D geometries the same as
//! OGC WKB), encoded in Rust by the `wkb` crate: the GeoParquet `geometry` column holds
//! it as it is, and the GeoPackage writer hands it to GDAL in one call per feature
//! (`OGR_G_CreateFromWkb`) instead of one call per vertex.

use gdal::vector::Geometry;

/// `g` as WKB.
pub fn wkb_of(g: &geo::Geometry<f64>) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(wkb::writer::geometry_wkb_size(g));
    wkb::writer::write_geometry(&mut out, g, &wkb::writer::WriteOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// `g` as a GDAL geometry, through its WKB.
pub fn gdal_geometry(g: &geo::Geometry<f64>) -> Result<Geometry, String> {
    Geometry::from_wkb(&wkb_of(g)?).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gdal::vector::ToGdal;
    use geo::{Geometry as G, LineString, MultiPolygon, Point, Polygon};

    /// The bytes are GDAL's own ISO WKB (GDAL encoding the geometry vertex by vertex is
    /// the oracle), for every kind of geometry the outputs hold: multipolygons with
    /// holes, several parts and negative coordinates, polygons, points, lines,
    /// collections (QA findings), and an empty multipolygon.
    #[test]
    fn wkb_is_gdals_iso_wkb() {
        let ring = |pts: &[(f64, f64)]| LineString::from(pts.to_vec());
        let holed = Polygon::new(
            ring(&[
                (17.1, 44.2),
                (17.3, 44.2),
                (17.3, 44.4),
                (17.1, 44.4),
                (17.1, 44.2),
            ]),
            vec![ring(&[
                (17.15, 44.25),
                (17.15, 44.3),
                (17.2, 44.3),
                (17.15, 44.25),
            ])],
        );
        let far = Polygon::new(
            ring(&[
                (-70.5, -33.4),
                (-70.4, -33.4),
                (-70.45, -33.3),
                (-70.5, -33.4),
            ]),
            vec![],
        );
        let shapes: Vec<G<f64>> = vec![
            G::MultiPolygon(MultiPolygon::new(vec![holed.clone(), far.clone()])),
            G::MultiPolygon(MultiPolygon::new(vec![])),
            G::Polygon(holed.clone()),
            G::Point(Point::new(18.4131, 43.8563)),
            G::LineString(ring(&[(0.0, 0.0), (1.0, 2.5), (-3.25, 1e-9)])),
            G::GeometryCollection(geo::GeometryCollection::new_from(vec![
                G::Point(Point::new(1.0, 2.0)),
                G::Polygon(far),
            ])),
        ];
        for g in &shapes {
            let want = g
                .to_gdal()
                .and_then(|x| x.iso_wkb())
                .expect("GDAL encodes it");
            assert_eq!(wkb_of(g).expect("encoded"), want, "{g:?}");
            let back = gdal_geometry(g).expect("GDAL reads it");
            assert_eq!(back.iso_wkb().expect("GDAL encodes it"), want, "{g:?}");
        }
    }
}
