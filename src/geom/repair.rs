//! R1: repairing polygonal geometry into a valid, oriented MultiPolygon.
//!
//! Input: any `geo::Geometry` in lon/lat degrees. Output: a valid MultiPolygon with
//! counter-clockwise exteriors and clockwise holes, plus one [`Repair`] per kind of repair
//! made, or the [`Rejection`] when nothing usable is left. The kernel says *what* it did;
//! `qa` turns that into findings. Steps, in order:
//! 1. only Polygon/MultiPolygon are accepted; coordinates must be finite and inside ±180/±90;
//! 2. repeated consecutive vertices are removed;
//! 3. zero-area spikes (a vertex where the ring turns back on itself) are removed;
//! 4. a polygon still invalid (self-intersecting ring, crossing holes…) is rebuilt with the
//!    even-odd rule (i_overlay through `geo::BooleanOps`, which fills by even-odd: a bow-tie
//!    becomes its two triangles, as GEOS MakeValid gives; deterministic, unlike
//!    `geo::MakeValid`, whose output order varies from run to run);
//! 5. MultiPolygon parts that overlap are merged (their union: land covered twice by one
//!    record is still covered once);
//! 6. parts and holes smaller than [`SLIVER_DEG2`] are dropped.

use geo::orient::{Direction, Orient};
use geo::{Area, BooleanOps, CoordsIter, LineString, MultiPolygon, Polygon};

use super::ring::{clean_ring, normalize, Cleaned};
use super::valid::{parts_may_overlap, polygon_problems};
use super::SLIVER_DEG2;

/// One kind of repair made to a geometry that stays usable.
#[derive(Debug, Clone, PartialEq)]
pub enum Repair {
    /// This many repeated consecutive vertices were removed.
    RepeatedVertices(usize),
    /// This many zero-area spike tips were removed.
    Spikes(usize),
    /// This many rings with fewer than 3 distinct points were removed.
    TooFewPoints(usize),
    /// Invalid polygons were rebuilt with the even-odd rule; `reasons` says why, in words
    /// (sorted, one per problem), `self_intersection` when a ring crossed itself.
    Rebuilt {
        /// What was wrong.
        reasons: Vec<String>,
        /// A ring crossed itself (rather than only rings crossing each other).
        self_intersection: bool,
    },
    /// Parts of the MultiPolygon overlapped or touched along a line and were merged.
    OverlappingParts,
}

/// Why a geometry cannot be used at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Not a Polygon or MultiPolygon; the name of what it is.
    WrongGeometryType(&'static str),
    /// NaN or infinite coordinates.
    NonFiniteCoordinates,
    /// Coordinates outside longitude ±180 / latitude ±90.
    CoordinatesOutOfRange,
    /// No area left after repair.
    EmptyGeometry,
}

/// Repairs a polygonal geometry; see the module docs.
pub fn repair_polygonal(
    g: &geo::Geometry<f64>,
) -> Result<(MultiPolygon<f64>, Vec<Repair>), Rejection> {
    let polygons: Vec<Polygon<f64>> = match g {
        geo::Geometry::Polygon(p) => vec![p.clone()],
        geo::Geometry::MultiPolygon(mp) => mp.0.clone(),
        other => return Err(Rejection::WrongGeometryType(geometry_name(other))),
    };
    check_coordinates(g)?;
    let (parts, mut repairs) = clean_polygons(polygons);
    let (mp, merged) = merge_overlapping(MultiPolygon::new(parts));
    if merged {
        repairs.push(Repair::OverlappingParts);
    }
    let mp = within_range(normalize(mp));
    if mp.0.is_empty() {
        return Err(Rejection::EmptyGeometry);
    }
    Ok((mp, repairs))
}

/// Steps 2–4 on each polygon: the cleaned (or rebuilt) parts and the repairs made.
fn clean_polygons(polygons: Vec<Polygon<f64>>) -> (Vec<Polygon<f64>>, Vec<Repair>) {
    let mut cleaned = Cleaned::default();
    let mut degenerate = 0usize;
    let mut reasons: Vec<String> = Vec::new();
    let mut parts: Vec<Polygon<f64>> = Vec::new();
    for polygon in polygons {
        let (exterior, interiors) = polygon.into_inner();
        let Some(exterior) = clean_ring(exterior, &mut cleaned) else {
            degenerate += 1;
            continue;
        };
        let interiors: Vec<LineString<f64>> = interiors
            .into_iter()
            .filter_map(|r| {
                let ring = clean_ring(r, &mut cleaned);
                degenerate += usize::from(ring.is_none());
                ring
            })
            .collect();
        let polygon = Polygon::new(exterior, interiors);
        let errors = polygon_problems(&polygon);
        if errors.is_empty() {
            parts.push(polygon);
            continue;
        }
        reasons.extend(errors);
        // Even-odd rebuild: i_overlay's union of the rings with nothing, under the
        // even-odd fill rule (deterministic, O(n log n)).
        parts.extend(polygon.union(&MultiPolygon::<f64>::new(vec![])).0);
    }
    let mut repairs = Vec::new();
    for (n, repair) in [
        (
            cleaned.repeated,
            Repair::RepeatedVertices as fn(usize) -> Repair,
        ),
        (cleaned.spikes, Repair::Spikes),
        (degenerate, Repair::TooFewPoints),
    ] {
        if n > 0 {
            repairs.push(repair(n));
        }
    }
    if !reasons.is_empty() {
        reasons.dedup();
        let self_intersection = reasons.iter().any(|r| r.contains("self-intersection"));
        repairs.push(Repair::Rebuilt {
            reasons,
            self_intersection,
        });
    }
    (parts, repairs)
}

/// Step 5: the union of the parts when their boxes overlap, and whether that merged
/// anything (boxes may overlap while the parts do not: then nothing is reported).
fn merge_overlapping(mp: MultiPolygon<f64>) -> (MultiPolygon<f64>, bool) {
    if !parts_may_overlap(&mp) {
        return (mp, false);
    }
    let before = mp.0.len();
    let sum: f64 = mp.0.iter().map(|p| p.unsigned_area()).sum();
    let oriented = mp.orient(Direction::Default);
    let parts: Vec<MultiPolygon<f64>> = oriented
        .0
        .iter()
        .map(|p| MultiPolygon::new(vec![p.clone()]))
        .collect();
    let merged = super::overlay::union(parts.iter());
    // The union of valid parts is not always valid (the fuzz campaign found eight valid
    // parts of an even-odd rebuild, a hole with an island in it, that it turned into
    // overlapping parts): a valid input then stays as it was (nothing overlapped).
    if !geo::Validation::is_valid(&merged) && geo::Validation::is_valid(&oriented) {
        return (oriented, false);
    }
    let changed = merged.0.len() != before || (sum - merged.unsigned_area()).abs() > SLIVER_DEG2;
    (merged, changed)
}

/// `mp` with every coordinate clamped to longitude ±180 / latitude ±90. The input was
/// checked to lie inside; only the overlay's fixed-point snapping (a few 1e-8 degrees on
/// a box that spans tens of degrees) can move a vertex on the edge just outside it, e.g.
/// latitude −90 to −90.00000004 (found by the fuzz campaign).
fn within_range(mut mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::MapCoordsInPlace;
    mp.map_coords_in_place(|c| geo::Coord {
        x: c.x.clamp(-180.0, 180.0),
        y: c.y.clamp(-90.0, 90.0),
    });
    mp
}

/// Rejects non-finite coordinates and coordinates outside longitude/latitude range.
pub fn check_coordinates(g: &geo::Geometry<f64>) -> Result<(), Rejection> {
    if g.coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(Rejection::NonFiniteCoordinates);
    }
    if g.coords_iter()
        .any(|c| c.x.abs() > 180.0 || c.y.abs() > 90.0)
    {
        return Err(Rejection::CoordinatesOutOfRange);
    }
    Ok(())
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) => "Line",
        geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::Polygon(_) => "Polygon",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Rect(_) => "Rect",
        geo::Geometry::Triangle(_) => "Triangle",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;
    use geo::Validation;

    /// The repaired geometry and the kinds of repair made, by variant name.
    fn repaired(g: geo::Geometry<f64>) -> (MultiPolygon<f64>, Vec<&'static str>) {
        let (mp, repairs) = repair_polygonal(&g).expect("repairable");
        let kinds = repairs
            .iter()
            .map(|r| match r {
                Repair::RepeatedVertices(_) => "repeated_vertices",
                Repair::Spikes(_) => "spike",
                Repair::TooFewPoints(_) => "too_few_points",
                Repair::Rebuilt {
                    self_intersection: true,
                    ..
                } => "self_intersection",
                Repair::Rebuilt { .. } => "invalid_polygon",
                Repair::OverlappingParts => "overlapping_parts",
            })
            .collect();
        (mp, kinds)
    }

    #[test]
    fn bow_tie_becomes_two_triangles_of_quarter_area_each() {
        // Bow-tie over the unit square crossing at (0.5, 0.5): two triangles of area 1/4.
        let (mp, checks) = repaired(wkt!(POLYGON((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.))).into());
        assert_eq!(mp.0.len(), 2);
        assert!((mp.unsigned_area() - 0.5).abs() < 1e-12);
        assert_eq!(checks, vec!["self_intersection"]);
        assert!(mp.is_valid());
    }

    #[test]
    fn island_in_a_hole_is_kept_as_land() {
        // 100 - hole (3 x 6 = 18) + island triangle (0.5) = 82.5 by the even-odd rule.
        let (mp, checks) = repaired(
            wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(2. 8.,5. 8.,5. 2.,2. 2.,2. 8.),(3. 3.,4. 3.,3. 4.,3. 3.)))
                .into(),
        );
        assert!((mp.unsigned_area() - 82.5).abs() < 1e-9);
        assert_eq!(checks, vec!["invalid_polygon"]);
        assert!(mp.is_valid());
    }

    #[test]
    fn spike_is_removed_and_area_unchanged() {
        // Unit square with an out-and-back spike from (1,0.5) to (3,0.5).
        let (mp, checks) =
            repaired(wkt!(POLYGON((0. 0.,1. 0.,1. 0.5,3. 0.5,1. 0.5,1. 1.,0. 1.,0. 0.))).into());
        assert_eq!(checks, vec!["spike"]);
        assert!((mp.unsigned_area() - 1.0).abs() < 1e-12);
        assert_eq!(
            mp.0[0].exterior().0.len(),
            6,
            "4 corners + (1,0.5) + closing point"
        );
    }

    #[test]
    fn repeated_vertices_are_removed() {
        let (mp, checks) =
            repaired(wkt!(POLYGON((0. 0.,1. 0.,1. 0.,1. 1.,1. 1.,0. 1.,0. 0.))).into());
        assert_eq!(checks, vec!["repeated_vertices"]);
        assert_eq!(mp.0[0].exterior().0.len(), 5);
    }

    #[test]
    fn hole_is_kept_and_oriented_clockwise() {
        let (mp, checks) = repaired(
            wkt!(POLYGON((0. 0.,0. 4.,4. 4.,4. 0.,0. 0.),(1. 1.,2. 1.,2. 2.,1. 2.,1. 1.))).into(),
        );
        assert!(checks.is_empty());
        assert!((mp.unsigned_area() - 15.0).abs() < 1e-12);
        use geo::winding_order::Winding;
        assert!(mp.0[0].exterior().is_ccw());
        assert!(mp.0[0].interiors()[0].is_cw());
    }

    #[test]
    fn overlapping_multipolygon_parts_are_merged() {
        let (mp, checks) = repaired(
            wkt!(MULTIPOLYGON(((0. 0.,2. 0.,2. 2.,0. 2.,0. 0.)),((1. 1.,3. 1.,3. 3.,1. 3.,1. 1.))))
                .into(),
        );
        assert_eq!(checks, vec!["overlapping_parts"]);
        assert!((mp.unsigned_area() - 7.0).abs() < 1e-9);
    }

    #[test]
    fn disjoint_multipolygon_is_untouched() {
        let (mp, checks) = repaired(
            wkt!(MULTIPOLYGON(((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)),((5. 5.,6. 5.,6. 6.,5. 6.,5. 5.))))
                .into(),
        );
        assert!(checks.is_empty());
        assert_eq!(mp.0.len(), 2);
    }

    #[test]
    fn unusable_geometries_are_errors() {
        let cases: Vec<(geo::Geometry<f64>, Rejection)> = vec![
            (wkt!(POINT(1. 2.)).into(), Rejection::WrongGeometryType("Point")),
            (wkt!(LINESTRING(0. 0.,1. 1.)).into(), Rejection::WrongGeometryType("LineString")),
            (
                Polygon::new(
                    LineString::from(vec![(0., 0.), (f64::NAN, 0.), (1., 1.), (0., 0.)]),
                    vec![],
                )
                .into(),
                Rejection::NonFiniteCoordinates,
            ),
            (wkt!(POLYGON((0. 0.,1. 1.,2. 2.,0. 0.))).into(), Rejection::EmptyGeometry),
            (wkt!(POLYGON((500000. 4000000.,500100. 4000000.,500100. 4000100.,500000. 4000000.))).into(), Rejection::CoordinatesOutOfRange),
        ];
        for (g, want) in cases {
            assert_eq!(repair_polygonal(&g), Err(want));
        }
    }
}
