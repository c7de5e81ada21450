//! Regressions found by the fuzz campaign (`make fuzz`, tests/fuzz/): each test is the
//! smallest input that broke, named after what broke; the expected values are by hand.

use geo::{CoordsIter, Validation};
use minefree::config::{load_pipeline, ConfigError, Overrides};
use minefree::geom::repair::repair_polygonal;

use crate::operations::sample_copy;

fn in_range(mp: &geo::MultiPolygon<f64>) -> bool {
    mp.coords_iter()
        .all(|c| (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y))
}

fn ring(points: &[(f64, f64)]) -> geo::LineString<f64> {
    geo::LineString::from(points.to_vec())
}

/// `"" = " "` at the top of a pipeline file was reported as `: unknown key`, a problem
/// naming no key; the key is now written as in the file, `""`.
#[test]
fn empty_key_is_named_in_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let path = sample_copy(tmp.path(), |t| format!("\"\" = \" \"\n{t}"));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let Err(ConfigError::Invalid { problems, .. }) =
        load_pipeline(&path, &Overrides::default(), today)
    else {
        panic!("an empty key is a mistake in the pipeline file");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].key, "\"\"");
    assert_eq!(problems[0].message, "unknown key");
}

/// A key that is not a TOML bare key is quoted as in the file, so that the problem names
/// it unambiguously (`parameters."radius m"`, not `parameters.radius m`).
#[test]
fn key_with_a_space_is_quoted_in_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let path = sample_copy(tmp.path(), |t| {
        t.replace("radius_m = 5000", "radius_m = 5000\n\"radius m\" = 1")
    });
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let Err(ConfigError::Invalid { problems, .. }) =
        load_pipeline(&path, &Overrides::default(), today)
    else {
        panic!("an unknown key is a mistake in the pipeline file");
    };
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["parameters.\"radius m\""]);
}

/// A self-intersecting ring with a vertex at latitude −90: its even-odd rebuild (the
/// overlay's fixed-point snapping over a 128°-tall box) moved that vertex to
/// −90.00000004, outside the range every coordinate must lie in.
#[test]
fn repair_keeps_a_vertex_at_the_south_pole_in_range() {
    let bowtie = ring(&[
        (69.0, 38.021),
        (69.036, 38.0),
        (69.017, 38.026),
        (69.019, 38.0),
        (69.025, -90.0),
        (69.009, 38.0),
        (69.009, 38.016),
        (69.0, 38.021),
    ]);
    let g = geo::Geometry::Polygon(geo::Polygon::new(bowtie, vec![]));
    let (mp, _) = repair_polygonal(&g).expect("the ring has area");
    assert!(in_range(&mp), "{mp:?}");
    assert!(mp.is_valid(), "{:?}", mp.validation_errors());
}

/// Whether (x, y) lies inside an odd number of `rings` (crossing-number test).
fn inside_odd(rings: &[Vec<(f64, f64)>], x: f64, y: f64) -> bool {
    let mut inside = false;
    for ring in rings {
        for w in ring.windows(2) {
            let ((x0, y0), (x1, y1)) = (w[0], w[1]);
            if (y0 > y) != (y1 > y) && x < x0 + (y - y0) * (x1 - x0) / (y1 - y0) {
                inside = !inside;
            }
        }
    }
    inside
}

/// A square with five square holes that stick out, cross each other and nest (an island
/// in a hole): the even-odd rebuild gave eight valid parts, and merging them (their
/// boxes overlap) gave overlapping parts and a hole outside its exterior. Expected: a
/// valid result whose area is the even-odd area, counted by brute force on the 0.001°
/// grid every vertex lies on.
#[test]
fn repair_of_crossing_and_nested_holes_is_valid() {
    let square =
        |x0: f64, y0: f64, x1: f64, y1: f64| vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    let rings = vec![
        square(69.0, 38.0, 69.1, 38.1),
        square(69.018, 38.056, 69.082, 38.12),
        square(68.991, 37.994, 69.047, 38.05),
        square(69.002, 37.987, 69.048, 38.033),
        square(69.034, 38.057, 69.038, 38.061),
        square(68.984, 38.045, 69.05, 38.111),
    ];
    let polygon = geo::Polygon::new(
        ring(&rings[0]),
        rings[1..].iter().map(|r| ring(r)).collect(),
    );
    let (mp, _) = repair_polygonal(&geo::Geometry::Polygon(polygon)).expect("it has area");
    assert!(mp.is_valid(), "{:?}", mp.validation_errors());
    let cells = (0..200)
        .flat_map(|i| (0..200).map(move |j| (i, j)))
        .filter(|&(i, j)| {
            let x = 68.95 + (f64::from(i) + 0.5) * 1e-3;
            let y = 37.95 + (f64::from(j) + 0.5) * 1e-3;
            inside_odd(&rings, x, y)
        })
        .count();
    let expected_deg2 = cells as f64 * 1e-6;
    let area_deg2 = geo::Area::unsigned_area(&mp);
    assert!(
        (area_deg2 - expected_deg2).abs() < 1e-9,
        "{area_deg2} vs {expected_deg2}"
    );
}
