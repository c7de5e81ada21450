//! Target 3: random and adversarial rings into the repair kernel (`geom::repair`), given
//! directly, as WKT text and as byte-mutated WKB read by GDAL the way `ingest` reads a
//! `wkt` column or a geometry column (`from_wkt`/`from_wkb`, then `to_geo`): NaN, ±inf,
//! huge and subnormal coordinates, 0–2 point rings, duplicate points, spikes, nested and
//! crossing holes, self-touching rings, curves and other geometry types. Never a panic,
//! never a hang; a valid, non-empty polygon in range, or a typed rejection.

use std::time::Duration;

use geo::{Area, CoordsIter, Validation};
use minefree::geom::repair::repair_polygonal;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::harness::campaign;

/// Coordinates a broken export may carry.
const SPECIAL: &[f64] = &[
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e308,
    -1e308,
    f64::MAX,
    f64::MIN,
    180.0,
    -180.0,
    90.0,
    -90.0,
    180.000_000_1,
    0.0,
    -0.0,
    5e-324,
    1e-300,
    1e15,
    69.0,
    38.0,
];

/// Whole geometries in WKT that are not plain polygons.
const OTHER_WKT: &[&str] = &[
    "POINT (69 38)", "LINESTRING (69 38, 69.1 38.1)", "POLYGON EMPTY", "MULTIPOLYGON EMPTY",
    "MULTIPOLYGON (EMPTY, ((69 38, 69.1 38, 69.1 38.1, 69 38)))",
    "GEOMETRYCOLLECTION (POLYGON ((69 38, 69.1 38, 69.1 38.1, 69 38)))",
    "GEOMETRYCOLLECTION EMPTY", "POLYGON Z ((69 38 1, 69.1 38 2, 69.1 38.1 3, 69 38 1))",
    "POLYGON M ((69 38 1, 69.1 38 2, 69.1 38.1 3, 69 38 1))",
    "CURVEPOLYGON (CIRCULARSTRING (69 38, 69.1 38.1, 69.2 38, 69.1 37.9, 69 38))",
    "MULTISURFACE (CURVEPOLYGON (COMPOUNDCURVE (CIRCULARSTRING (69 38, 69.1 38.1, 69.2 38), (69.2 38, 69 38))))",
    "TRIANGLE ((69 38, 69.1 38, 69.1 38.1, 69 38))",
    "TIN (((69 38, 69.1 38, 69.1 38.1, 69 38)))",
    "POLYHEDRALSURFACE (((69 38, 69.1 38, 69.1 38.1, 69 38)))",
    "POLYGON ((69 38, 69.1 38, 69.1 38.1))", "POLYGON ((69 38))", "POLYGON (())",
    "POLYGON ((nan nan, 1 1, 2 2, nan nan))", "POLYGON ((inf 0, 0 inf, 1 1, inf 0))",
];

/// A ring of (x, y) points.
type Ring = Vec<(f64, f64)>;

/// One case: a shape given directly, as WKT (maybe mutated) or as mutated WKB.
#[derive(Debug, Clone)]
enum Case {
    Direct(Vec<Vec<Ring>>),
    Wkt(Vec<Vec<Ring>>, Vec<(Index, u8)>),
    Wkb(Vec<Vec<Ring>>, Vec<(Index, u8)>, Option<Index>),
    Other(&'static str, Vec<(Index, u8)>),
}

fn ordinate(base: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        12 => (0i32..40).prop_map(move |i| base + f64::from(i) * 1e-3),
        2 => (0i32..4).prop_map(move |i| base + f64::from(i) * 1e-15),
        1 => prop::sample::select(SPECIAL),
        1 => any::<f64>(),
    ]
}

/// Random rings, maybe closed, with a repeated point and a spike.
fn random_ring() -> impl Strategy<Value = Ring> {
    (
        prop::collection::vec((ordinate(69.0), ordinate(38.0)), 0..12),
        any::<bool>(),
        prop::option::of(any::<Index>()),
        prop::option::of(any::<Index>()),
    )
        .prop_map(|(mut ring, close, repeat, spike)| {
            if let (Some(i), false) = (repeat, ring.is_empty()) {
                let at = i.index(ring.len());
                ring.insert(at, ring[at]);
            }
            if let (Some(i), true) = (spike, ring.len() >= 2) {
                let at = i.index(ring.len() - 1);
                let (a, b) = (ring[at], ring[at + 1]);
                ring.splice(at + 1..at + 1, [b, a]);
            }
            if close && !ring.is_empty() {
                ring.push(ring[0]);
            }
            ring
        })
}

fn square(cx: f64, cy: f64, half: f64, clockwise: bool) -> Ring {
    let mut r = vec![
        (cx - half, cy - half),
        (cx + half, cy - half),
        (cx + half, cy + half),
        (cx - half, cy + half),
        (cx - half, cy - half),
    ];
    if clockwise {
        r.reverse();
    }
    r
}

/// A square with square holes that may nest, cross, coincide or stick out.
fn nested_holes() -> impl Strategy<Value = Vec<Vec<Ring>>> {
    prop::collection::vec((0i32..100, 0i32..100, 1i32..60, any::<bool>()), 0..6).prop_map(|holes| {
        let mut rings = vec![square(69.05, 38.05, 0.05, false)];
        rings.extend(holes.into_iter().map(|(x, y, h, cw)| {
            let at = |i: i32| f64::from(i) * 1e-3;
            square(69.0 + at(x), 38.0 + at(y), at(h), cw)
        }));
        vec![rings]
    })
}

/// Self-touching and degenerate shapes on a unit grid, scaled and moved.
fn touching() -> impl Strategy<Value = Vec<Vec<Ring>>> {
    let shapes: Vec<Vec<Vec<Ring>>> = vec![
        // figure eight: the ring passes twice through (1, 1)
        vec![vec![vec![
            (0., 0.),
            (2., 0.),
            (1., 1.),
            (2., 2.),
            (0., 2.),
            (1., 1.),
            (0., 0.),
        ]]],
        // a hole touching the exterior at a vertex
        vec![vec![
            square(1., 1., 1., false),
            vec![(0., 0.), (1., 0.5), (0.5, 1.), (0., 0.)],
        ]],
        // a hole equal to its exterior
        vec![vec![square(1., 1., 1., false), square(1., 1., 1., true)]],
        // two parts sharing an edge, and two identical parts
        vec![
            vec![square(1., 1., 1., false)],
            vec![square(3., 1., 1., false)],
        ],
        vec![
            vec![square(1., 1., 1., false)],
            vec![square(1., 1., 1., false)],
        ],
        // a ring going back along itself (zero area), and a line-thin sliver
        vec![vec![vec![(0., 0.), (2., 0.), (0., 0.), (2., 0.), (0., 0.)]]],
        vec![vec![vec![(0., 0.), (2., 0.), (2., 1e-12), (0., 0.)]]],
    ];
    (
        prop::sample::select(shapes),
        prop::sample::select(&[1e-3, 1e-9, 1e-13, 1.0, 60.0][..]),
    )
        .prop_map(|(shape, scale)| {
            let moved = |(x, y): (f64, f64)| (69.0 + x * scale, 38.0 + y * scale);
            shape
                .into_iter()
                .map(|p| {
                    p.into_iter()
                        .map(|r| r.into_iter().map(moved).collect())
                        .collect()
                })
                .collect()
        })
}

fn shape() -> impl Strategy<Value = Vec<Vec<Ring>>> {
    prop_oneof![
        4 => prop::collection::vec(prop::collection::vec(random_ring(), 1..4), 1..3),
        1 => nested_holes(),
        1 => touching(),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let flips = || prop::collection::vec((any::<Index>(), any::<u8>()), 0..4);
    prop_oneof![
        2 => shape().prop_map(Case::Direct),
        2 => (shape(), flips()).prop_map(|(s, f)| Case::Wkt(s, f)),
        2 => (shape(), flips(), prop::option::of(any::<Index>()))
            .prop_map(|(s, f, t)| Case::Wkb(s, f, t)),
        1 => (prop::sample::select(OTHER_WKT), flips()).prop_map(|(w, f)| Case::Other(w, f)),
    ]
}

fn geometry_of(shape: &[Vec<Ring>]) -> geo::Geometry<f64> {
    let polygon = |rings: &Vec<Ring>| {
        let mut rings = rings.iter().cloned().map(geo::LineString::from);
        let exterior = rings.next().unwrap_or_else(|| geo::LineString::new(vec![]));
        geo::Polygon::new(exterior, rings.collect())
    };
    match shape {
        [one] => geo::Geometry::Polygon(polygon(one)),
        many => {
            geo::Geometry::MultiPolygon(geo::MultiPolygon::new(many.iter().map(polygon).collect()))
        }
    }
}

fn wkt_of(shape: &[Vec<Ring>]) -> String {
    let ring = |r: &Ring| {
        let points: Vec<String> = r.iter().map(|(x, y)| format!("{x} {y}")).collect();
        format!("({})", points.join(", "))
    };
    let polygon = |p: &Vec<Ring>| {
        let rings: Vec<String> = p.iter().map(ring).collect();
        format!("({})", rings.join(", "))
    };
    let polygons: Vec<String> = shape.iter().map(polygon).collect();
    format!("MULTIPOLYGON ({})", polygons.join(", "))
}

fn flip(bytes: &mut [u8], flips: &[(Index, u8)]) {
    if bytes.is_empty() {
        return;
    }
    for (i, bit) in flips {
        bytes[i.index(bytes.len())] ^= 1 << (bit % 8);
    }
}

/// What GDAL hands `ingest` for a WKT text: `None` when GDAL cannot read it (a QA
/// finding, `bad WKT`), else the geometry converted as `ingest` does.
fn through_gdal(geometry: Option<gdal::vector::Geometry>) -> Option<geo::Geometry<f64>> {
    let g = geometry?;
    if g.is_empty() {
        return None;
    }
    g.to_geo().ok()
}

fn repaired_is_usable(g: &geo::Geometry<f64>) -> Result<&'static str, String> {
    let Ok((mp, _repairs)) = repair_polygonal(g) else {
        return Ok("rejected");
    };
    if !mp.is_valid() {
        return Err(format!(
            "repair gave an invalid polygon: {:?}",
            mp.validation_errors()
        ));
    }
    if mp.unsigned_area() <= 0.0 {
        return Err("repair gave a polygon without area".into());
    }
    if mp
        .coords_iter()
        .any(|c| !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y))
    {
        return Err("repair gave coordinates out of range".into());
    }
    Ok("repaired")
}

fn repair_case(case: Case) -> Result<&'static str, String> {
    use gdal::vector::Geometry;
    let geometry = match case {
        Case::Direct(shape) => Some(geometry_of(&shape)),
        Case::Wkt(shape, flips) => {
            let mut bytes = wkt_of(&shape).into_bytes();
            flip(&mut bytes, &flips);
            let text = String::from_utf8_lossy(&bytes);
            through_gdal(Geometry::from_wkt(&text).ok())
        }
        Case::Wkb(shape, flips, truncate) => {
            let Ok(g) = Geometry::from_wkt(&wkt_of(&shape)) else {
                return Ok("GDAL cannot read it");
            };
            let mut bytes = g.wkb().map_err(|e| format!("GDAL writes no WKB: {e}"))?;
            flip(&mut bytes, &flips);
            if let Some(t) = truncate {
                bytes.truncate(t.index(bytes.len() + 1));
            }
            through_gdal(Geometry::from_wkb(&bytes).ok())
        }
        Case::Other(wkt, flips) => {
            let mut bytes = wkt.as_bytes().to_vec();
            flip(&mut bytes, &flips);
            through_gdal(Geometry::from_wkt(&String::from_utf8_lossy(&bytes)).ok())
        }
    };
    geometry
        .as_ref()
        .map_or(Ok("GDAL cannot read it"), repaired_is_usable)
}

#[test]
#[ignore = "fuzz campaign: run by `make fuzz`"]
fn fuzz_geometry_repair() {
    campaign(
        "geometry",
        30_000,
        Duration::from_secs(20),
        case(),
        repair_case,
    );
}
