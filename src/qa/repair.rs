//! R1: repairing polygonal geometry, and the sliver rule shared with the overlays.
//!
//! Input: any `geo::Geometry` in lon/lat degrees. Output: a valid MultiPolygon with
//! counter-clockwise exteriors and clockwise holes, plus one [`Issue`] per kind of repair,
//! or an `error` issue when nothing usable is left. Steps, in order:
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
use geo::{Area, BooleanOps, Coord, CoordsIter, LineString, MultiPolygon, Polygon};

use crate::model::Severity;

/// Planar area (deg²) under which a polygon part or hole is a sliver (SPEC edge cases).
pub const SLIVER_DEG2: f64 = 1e-12;

/// One repair made, or the reason a geometry was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// `warning` for a repair, `error` for a rejected geometry.
    pub severity: Severity,
    /// Stable check name.
    pub check: &'static str,
    /// What happened, for an analyst.
    pub message: String,
}

fn issue(severity: Severity, check: &'static str, message: impl Into<String>) -> Issue {
    Issue {
        severity,
        check,
        message: message.into(),
    }
}

/// Repairs a polygonal geometry; `Err` carries the `error` issue when it cannot be used.
pub fn repair_polygonal(g: &geo::Geometry<f64>) -> Result<(MultiPolygon<f64>, Vec<Issue>), Issue> {
    let polygons: Vec<Polygon<f64>> = match g {
        geo::Geometry::Polygon(p) => vec![p.clone()],
        geo::Geometry::MultiPolygon(mp) => mp.0.clone(),
        other => {
            return Err(issue(
                Severity::Error,
                "wrong_geometry_type",
                format!(
                    "geometry is a {} where a Polygon or MultiPolygon is expected; record skipped",
                    geometry_name(other)
                ),
            ))
        }
    };
    check_coordinates(g)?;
    let mut issues = Vec::new();
    let (mut repeated, mut spikes, mut degenerate) = (0usize, 0usize, 0usize);
    let mut invalid_reasons: Vec<String> = Vec::new();
    let mut parts: Vec<Polygon<f64>> = Vec::new();
    for polygon in polygons {
        let (exterior, interiors) = polygon.into_inner();
        let Some(exterior) = clean_ring(exterior, &mut repeated, &mut spikes) else {
            degenerate += 1;
            continue;
        };
        let interiors: Vec<LineString<f64>> = interiors
            .into_iter()
            .filter_map(|r| {
                let cleaned = clean_ring(r, &mut repeated, &mut spikes);
                if cleaned.is_none() {
                    degenerate += 1;
                }
                cleaned
            })
            .collect();
        let polygon = Polygon::new(exterior, interiors);
        let errors = polygon_problems(&polygon);
        if errors.is_empty() {
            parts.push(polygon);
            continue;
        }
        invalid_reasons.extend(errors);
        // Even-odd rebuild: i_overlay's union of the rings with nothing, under the
        // even-odd fill rule (deterministic, O(n log n)).
        let rebuilt = polygon.union(&MultiPolygon::<f64>::new(vec![]));
        parts.extend(rebuilt.0);
    }
    if repeated > 0 {
        issues.push(issue(
            Severity::Warning,
            "repeated_vertices",
            format!("{repeated} repeated consecutive vertex(es) removed"),
        ));
    }
    if spikes > 0 {
        issues.push(issue(
            Severity::Warning,
            "spike",
            format!("{spikes} zero-area spike vertex(es) removed"),
        ));
    }
    if degenerate > 0 {
        issues.push(issue(
            Severity::Warning,
            "too_few_points",
            format!("{degenerate} ring(s) with fewer than 3 distinct points removed"),
        ));
    }
    if !invalid_reasons.is_empty() {
        invalid_reasons.dedup();
        let check = if invalid_reasons
            .iter()
            .any(|r| r.contains("self-intersection"))
        {
            "self_intersection"
        } else {
            "invalid_polygon"
        };
        issues.push(issue(
            Severity::Warning,
            check,
            format!(
                "invalid polygon ({}); rebuilt with the even-odd rule",
                invalid_reasons.join("; ")
            ),
        ));
    }
    let mut mp = MultiPolygon::new(parts);
    if parts_may_overlap(&mp) {
        let before = mp.0.len();
        let sum: f64 = mp.0.iter().map(|p| p.unsigned_area()).sum();
        let oriented = mp.orient(Direction::Default);
        mp = crate::analysis::overlay::union(
            oriented
                .0
                .iter()
                .map(|p| MultiPolygon::new(vec![p.clone()]))
                .collect::<Vec<_>>()
                .iter(),
        );
        let merged = mp.0.len() != before || (sum - mp.unsigned_area()).abs() > SLIVER_DEG2;
        // Bounding boxes may overlap while the parts do not: then nothing is reported.
        if merged {
            issues.push(issue(
                Severity::Warning,
                "overlapping_parts",
                "parts of the MultiPolygon overlap or touch along a line; merged into their union",
            ));
        }
    }
    let mp = normalize(mp);
    if mp.0.is_empty() {
        return Err(issue(
            Severity::Error,
            "empty_geometry",
            "geometry has no area left after repair; record skipped",
        ));
    }
    Ok((mp, issues))
}

/// True when two parts of a MultiPolygon have overlapping bounding boxes (then they are
/// merged; disjoint boxes cannot overlap).
fn parts_may_overlap(mp: &MultiPolygon<f64>) -> bool {
    use geo::BoundingRect;
    let boxes: Vec<geo::Rect<f64>> = mp.0.iter().filter_map(|p| p.bounding_rect()).collect();
    boxes.iter().enumerate().any(|(i, a)| {
        boxes[i + 1..].iter().any(|b| {
            a.min().x <= b.max().x
                && b.min().x <= a.max().x
                && a.min().y <= b.max().y
                && b.min().y <= a.max().y
        })
    })
}

/// A ring segment, for the sweep.
#[derive(Clone)]
struct Segment {
    line: geo::Line<f64>,
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl geo::sweep::Cross for Segment {
    type Scalar = f64;
    fn line(&self) -> geo::Line<f64> {
        self.line
    }
}

/// What makes a polygon (already free of repeated vertices and spikes) invalid: segments
/// that cross or touch other than at their shared vertex, or a hole whose first vertex
/// lies outside the exterior. Uses a sweep over segment x-intervals, O(n log n) for
/// realistic rings (geo's own validity check compares every pair of segments, which a
/// polygon with a million vertices cannot afford).
fn polygon_problems(p: &Polygon<f64>) -> Vec<String> {
    let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    let name = |r: usize| {
        if r == 0 {
            "exterior ring".to_string()
        } else {
            format!("interior ring {r}")
        }
    };
    let segments = rings.iter().enumerate().flat_map(|(r, ring)| {
        let n = ring.0.len().saturating_sub(1);
        ring.lines().enumerate().map(move |(i, line)| Segment {
            line,
            ring: r,
            index: i,
            ring_len: n,
        })
    });
    let mut problems = std::collections::BTreeSet::new();
    for (a, b, _) in geo::sweep::Intersections::from_iter(segments) {
        let adjacent = a.ring == b.ring && {
            let d = a.index.abs_diff(b.index);
            d == 1 || d + 1 == a.ring_len
        };
        if adjacent {
            continue;
        }
        problems.insert(if a.ring == b.ring {
            format!("{} has a self-intersection", name(a.ring))
        } else {
            format!(
                "{} and {} intersect",
                name(a.ring.min(b.ring)),
                name(a.ring.max(b.ring))
            )
        });
    }
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    for (r, hole) in p.interiors().iter().enumerate() {
        if hole
            .0
            .first()
            .is_some_and(|c| !geo::Intersects::intersects(&shell, c))
        {
            problems.insert(format!(
                "{} is not contained within the polygon's exterior",
                name(r + 1)
            ));
        }
    }
    for (inner, outer) in nested_holes(p.interiors()) {
        problems.insert(format!(
            "{} lies inside {} (an island in a hole)",
            name(inner + 1),
            name(outer + 1)
        ));
    }
    problems.into_iter().collect()
}

/// Pairs `(inner, outer)` of hole indexes where hole `inner` lies inside hole `outer`
/// (tested on `inner`'s first vertex; the rings do not cross, or the sweep has said so).
/// Candidates come from an R-tree of the holes' bounding boxes.
fn nested_holes(holes: &[LineString<f64>]) -> Vec<(usize, usize)> {
    use geo::coordinate_position::{coord_pos_relative_to_ring, CoordPos};
    use geo::BoundingRect;
    use rstar::{primitives::GeomWithData, RTree, AABB};
    if holes.len() < 2 {
        return Vec::new();
    }
    let boxes: Vec<GeomWithData<rstar::primitives::Rectangle<[f64; 2]>, usize>> = holes
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let r = h.bounding_rect()?;
            let aabb = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
            Some(GeomWithData::new(aabb.into(), i))
        })
        .collect();
    let tree = RTree::bulk_load(boxes);
    let mut out = Vec::new();
    for (inner, hole) in holes.iter().enumerate() {
        let Some(c) = hole.0.first() else { continue };
        for candidate in tree.locate_all_at_point(&[c.x, c.y]) {
            let outer = candidate.data;
            if outer != inner && coord_pos_relative_to_ring(*c, &holes[outer]) != CoordPos::Outside
            {
                out.push((inner, outer));
            }
        }
    }
    out
}

/// Rejects non-finite coordinates and coordinates outside longitude/latitude range.
pub fn check_coordinates(g: &geo::Geometry<f64>) -> Result<(), Issue> {
    if g.coords_iter()
        .any(|c| !c.x.is_finite() || !c.y.is_finite())
    {
        return Err(issue(
            Severity::Error,
            "non_finite_coordinates",
            "geometry has NaN or infinite coordinates; record skipped",
        ));
    }
    if g.coords_iter()
        .any(|c| c.x.abs() > 180.0 || c.y.abs() > 90.0)
    {
        return Err(issue(
            Severity::Error,
            "coordinates_out_of_range",
            "coordinates lie outside longitude ±180 / latitude ±90 after transformation to EPSG:4326 (wrong CRS?); record skipped",
        ));
    }
    Ok(())
}

/// Removes spikes left by overlays, drops slivers and orients rings (exterior
/// counter-clockwise, holes clockwise).
pub fn normalize(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    drop_slivers(despike(mp)).orient(Direction::Default)
}

/// Drops polygon parts and holes whose planar area is below [`SLIVER_DEG2`].
pub fn drop_slivers(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(
        mp.0.into_iter()
            .filter_map(|p| {
                let (exterior, interiors) = p.into_inner();
                let ext = Polygon::new(exterior, vec![]);
                if ext.unsigned_area() < SLIVER_DEG2 {
                    return None;
                }
                let holes = interiors
                    .into_iter()
                    .filter(|h| Polygon::new(h.clone(), vec![]).unsigned_area() >= SLIVER_DEG2)
                    .collect();
                let p = Polygon::new(ext.into_inner().0, holes);
                (p.unsigned_area() >= SLIVER_DEG2).then_some(p)
            })
            .collect(),
    )
}

/// Removes repeated vertices and spikes; `None` when fewer than 3 distinct points remain.
fn clean_ring(
    ring: LineString<f64>,
    repeated: &mut usize,
    spikes: &mut usize,
) -> Option<LineString<f64>> {
    let mut pts: Vec<Coord<f64>> = ring.0;
    let before = pts.len();
    pts.dedup();
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    // The closing point is not a repeated vertex.
    *repeated += before.saturating_sub(pts.len() + 1);
    *spikes += remove_spikes(&mut pts);
    close_ring(pts)
}

/// Closes an open ring; `None` when fewer than 3 points remain.
fn close_ring(mut pts: Vec<Coord<f64>>) -> Option<LineString<f64>> {
    if pts.len() < 3 {
        return None;
    }
    pts.push(pts[0]);
    Some(LineString::new(pts))
}

/// Removes spike vertices (and the duplicates their removal leaves) from an open ring,
/// cyclically; returns how many spike tips were removed. A stack pass leaves no spike
/// among consecutive vertices; only the two triples across the ring's start remain to
/// check, and each removal there triggers another (linear) pass.
fn remove_spikes(pts: &mut Vec<Coord<f64>>) -> usize {
    let mut removed = 0;
    loop {
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(pts.len());
        for &p in pts.iter() {
            while out.len() >= 2 && is_spike(out[out.len() - 2], out[out.len() - 1], p) {
                out.pop();
                removed += 1;
            }
            if !out.last().is_some_and(|&q| near(q, p)) {
                out.push(p);
            }
        }
        while out.len() > 1 && near(out[0], out[out.len() - 1]) {
            out.pop();
        }
        let n = out.len();
        if n >= 3 && is_spike(out[n - 1], out[0], out[1]) {
            out.remove(0);
        } else if n >= 3 && is_spike(out[n - 2], out[n - 1], out[0]) {
            out.pop();
        } else {
            *pts = out;
            return removed;
        }
        removed += 1;
        *pts = out;
    }
}

/// Points closer than 1e-9° (≈ 0.1 mm) on both axes are one vertex: overlays leave such
/// pairs at the tip of needles, and merging them lets the needle be seen as a spike.
fn near(p: Coord<f64>, q: Coord<f64>) -> bool {
    (p.x - q.x).abs() <= 1e-9 && (p.y - q.y).abs() <= 1e-9
}

/// True when the ring goes out from `prev` to `v` and comes (almost) straight back: the
/// turn is a reversal (obtuse back-turn) and either within 1e-8 rad of a full reversal,
/// or the triangle it cuts off is below the sliver size (a needle left by an overlay).
/// Removing such a vertex changes the area by less than [`SLIVER_DEG2`] (absolute case)
/// or L²·1e-8/2 (angular case).
fn is_spike(prev: Coord<f64>, v: Coord<f64>, next: Coord<f64>) -> bool {
    let a = v - prev;
    let b = next - v;
    let cross = a.x * b.y - a.y * b.x;
    let dot = a.x * b.x + a.y * b.y;
    // |cross| ≤ 1e-8·|a|·|b|, squared to avoid two square roots on every vertex.
    let angular = cross * cross <= 1e-16 * (a.x * a.x + a.y * a.y) * (b.x * b.x + b.y * b.y);
    dot < 0.0 && (angular || cross.abs() <= 2.0 * SLIVER_DEG2)
}

/// Removes repeated vertices and spikes from every ring (overlays can leave both);
/// drops rings that collapse.
fn despike(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let clean = |r: LineString<f64>| {
        let mut pts = r.0;
        pts.dedup();
        while pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        remove_spikes(&mut pts);
        close_ring(pts)
    };
    MultiPolygon::new(
        mp.0.into_iter()
            .filter_map(|p| {
                let (exterior, interiors) = p.into_inner();
                let exterior = clean(exterior)?;
                Some(Polygon::new(
                    exterior,
                    interiors.into_iter().filter_map(clean).collect(),
                ))
            })
            .collect(),
    )
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

    fn repaired(g: geo::Geometry<f64>) -> (MultiPolygon<f64>, Vec<&'static str>) {
        let (mp, issues) = repair_polygonal(&g).expect("repairable");
        (mp, issues.iter().map(|i| i.check).collect())
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
        let cases: Vec<(geo::Geometry<f64>, &str)> = vec![
            (wkt!(POINT(1. 2.)).into(), "wrong_geometry_type"),
            (wkt!(LINESTRING(0. 0.,1. 1.)).into(), "wrong_geometry_type"),
            (
                Polygon::new(
                    LineString::from(vec![(0., 0.), (f64::NAN, 0.), (1., 1.), (0., 0.)]),
                    vec![],
                )
                .into(),
                "non_finite_coordinates",
            ),
            (wkt!(POLYGON((0. 0.,1. 1.,2. 2.,0. 0.))).into(), "empty_geometry"),
            (wkt!(POLYGON((500000. 4000000.,500100. 4000000.,500100. 4000100.,500000. 4000000.))).into(), "coordinates_out_of_range"),
        ];
        for (g, check) in cases {
            let err = repair_polygonal(&g).expect_err(check);
            assert_eq!(err.check, check);
            assert_eq!(err.severity, Severity::Error);
        }
    }

    #[test]
    fn sliver_parts_and_holes_are_dropped() {
        let tiny = 1e-7; // 1e-14 deg²
        let mp = MultiPolygon::new(vec![
            Polygon::new(
                LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]),
                vec![LineString::from(vec![
                    (0.5, 0.5),
                    (0.5 + tiny, 0.5),
                    (0.5, 0.5 + tiny),
                    (0.5, 0.5),
                ])],
            ),
            Polygon::new(
                LineString::from(vec![(3., 3.), (3. + tiny, 3.), (3., 3. + tiny), (3., 3.)]),
                vec![],
            ),
        ]);
        let out = drop_slivers(mp);
        assert_eq!(out.0.len(), 1);
        assert!(out.0[0].interiors().is_empty());
    }
}
