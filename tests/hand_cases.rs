//! Hand-checkable cases of R3–R10 on axis-aligned lon/lat rectangles near 69°E 38°N.
//! Expected areas are the areas of the rectangles that the rules leave, built by hand and
//! measured with the area function (itself checked against the ellipsoid formula);
//! expected scores are the R9 formula written out.

use chrono::NaiveDate;
use geo::{MultiPolygon, Point, Rect};
use minefree::analysis::priority::{prioritise, score_and_rank, Priority};
use minefree::analysis::regions::land_by_region;
use minefree::analysis::release::account_hazards;
use minefree::config::{Parameters, Weights};
use minefree::geom::area::area_m2;
use minefree::geom::ring::normalize;
use minefree::model::{Hazard, HazardType, Method, Region, Release, Settlement, Status};

const U: f64 = 0.01; // one unit = 0.01°

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> MultiPolygon<f64> {
    normalize(MultiPolygon::new(vec![Rect::new(
        (69.0 + x0 * U, 38.0 + y0 * U),
        (69.0 + x1 * U, 38.0 + y1 * U),
    )
    .to_polygon()]))
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn hazard(id: &str, status: Status, recorded: Option<&str>, g: MultiPolygon<f64>) -> Hazard {
    Hazard {
        hazard_id: id.into(),
        status,
        hazard_type: Some(HazardType::Ap),
        recorded_on: recorded.map(day),
        geometry: g,
        extra: vec![],
    }
}

fn release(id: &str, method: Method, done: &str, g: MultiPolygon<f64>) -> Release {
    Release {
        release_id: id.into(),
        method,
        completed_on: day(done),
        hazard_id: None,
        organisation: None,
        started_on: None,
        geometry: g,
    }
}

fn close(got: f64, want: f64) {
    assert!(
        (got - want).abs() <= 1e-4 * want.max(1.0) + 0.01,
        "got {got}, want {want}"
    );
}

#[test]
fn release_spilling_outside_its_hazard_releases_only_the_overlap() {
    let h = vec![hazard(
        "H",
        Status::Sha,
        Some("2020-01-01"),
        rect(0., 0., 2., 1.),
    )];
    let r = vec![release(
        "R",
        Method::Cleared,
        "2021-01-01",
        rect(1., -1., 3., 2.),
    )];
    let (a, _) = account_hazards(&h, &r, day("2019-01-01"));
    close(a[0].remaining_m2, area_m2(&rect(0., 0., 1., 1.)));
    close(a[0].cleared_m2, area_m2(&rect(1., 0., 2., 1.)));
    close(a[0].cancelled_m2 + a[0].reduced_m2, 0.0);
}

/// An exact copy of the hazard (no overlay: the shortcut), a cleared strip before the
/// window and a reduced square overlapping both, and a release that only touches the
/// hazard along its edge. Unit squares of the grid: H = [0,4]×[0,1].
#[test]
fn exact_copy_strip_and_touching_release_by_hand() {
    let h = vec![hazard("H", Status::Sha, None, rect(0., 0., 4., 1.))];
    let r = vec![
        // cancels everything, inside the window
        release(
            "COPY",
            Method::Cancelled,
            "2024-01-01",
            rect(0., 0., 4., 1.),
        ),
        // cleared [0,1], before the window starts (2023-01-01)
        release("CLR", Method::Cleared, "2022-01-01", rect(-1., -1., 1., 2.)),
        // reduced [0.5,2]: its part in [0.5,1] was cleared, so reduced is [1,2]
        release("RED", Method::Reduced, "2024-02-01", rect(0.5, 0., 2., 1.)),
        // shares the hazard's edge x = 4 only: interiors do not intersect, no effect
        release("TOUCH", Method::Cleared, "2024-03-01", rect(4., 0., 5., 1.)),
    ];
    let (a, findings) = account_hazards(&h, &r, day("2023-01-01"));
    let a = &a[0];
    close(a.original_m2, area_m2(&rect(0., 0., 4., 1.)));
    close(a.remaining_m2, 0.0);
    assert!(a.remaining.0.is_empty());
    close(a.cleared_m2, area_m2(&rect(0., 0., 1., 1.)));
    close(a.reduced_m2, area_m2(&rect(1., 0., 2., 1.)));
    close(a.cancelled_m2, area_m2(&rect(2., 0., 4., 1.)));
    // As of the window start only CLR had been completed.
    close(
        a.remaining_past_m2.expect("asked for"),
        area_m2(&rect(1., 0., 4., 1.)),
    );
    let outside: Vec<&str> = findings
        .iter()
        .filter(|f| f.check == "release_outside_hazards")
        .map(|f| f.feature_id.as_str())
        .collect();
    assert_eq!(outside, vec!["TOUCH"]);
}

/// Releases stacked on one another in every method: each point counts once, cleared
/// over reduced over cancelled (R4), whatever order the records come in.
#[test]
fn overlapping_releases_of_all_methods_by_hand() {
    let h = vec![hazard("H", Status::Cha, None, rect(0., 0., 6., 1.))];
    let mut r = vec![
        release("CAN", Method::Cancelled, "2024-01-01", rect(0., 0., 3., 1.)),
        release("RED", Method::Reduced, "2024-01-01", rect(1., 0., 4., 1.)),
        release("CLR", Method::Cleared, "2024-01-01", rect(2., 0., 5., 1.)),
    ];
    for _ in 0..3 {
        let (a, _) = account_hazards(&h, &r, day("2019-01-01"));
        let a = &a[0];
        close(a.remaining_m2, area_m2(&rect(5., 0., 6., 1.)));
        close(a.cleared_m2, area_m2(&rect(2., 0., 5., 1.)));
        close(a.reduced_m2, area_m2(&rect(1., 0., 2., 1.)));
        close(a.cancelled_m2, area_m2(&rect(0., 0., 1., 1.)));
        r.rotate_left(1);
    }
}

#[test]
fn release_before_the_hazard_was_recorded_does_not_apply_but_on_the_same_day_does() {
    let h = vec![
        hazard(
            "LATE",
            Status::Cha,
            Some("2022-05-01"),
            rect(0., 0., 1., 1.),
        ),
        hazard(
            "SAME",
            Status::Cha,
            Some("2021-01-01"),
            rect(2., 0., 3., 1.),
        ),
    ];
    let r = vec![
        release("EARLY", Method::Cleared, "2021-01-01", rect(0., 0., 1., 1.)),
        release("ONDAY", Method::Reduced, "2021-01-01", rect(2., 0., 3., 1.)),
    ];
    let (a, findings) = account_hazards(&h, &r, day("2019-01-01"));
    close(a[0].remaining_m2, a[0].original_m2);
    close(a[1].remaining_m2, 0.0);
    close(a[1].reduced_m2, a[1].original_m2);
    assert!(findings
        .iter()
        .any(|f| f.check == "release_before_hazard" && f.feature_id == "EARLY"));
}

#[test]
fn overlapping_hazards_released_once_count_land_once_and_cha_wins() {
    // SHA [0,4]x[0,2]; CHA [2,4]x[0,2] drawn over its east half; one cancellation of
    // [0,1]x[0,2]; a clearance of [3,4]x[0,2].
    let h = vec![
        hazard("SHA", Status::Sha, None, rect(0., 0., 4., 2.)),
        hazard("CHA", Status::Cha, None, rect(2., 0., 4., 2.)),
    ];
    let r = vec![
        release("C1", Method::Cancelled, "2021-01-01", rect(0., 0., 1., 2.)),
        release("CL", Method::Cleared, "2021-06-01", rect(3., 0., 4., 2.)),
    ];
    let (a, _) = account_hazards(&h, &r, day("2019-01-01"));
    let land = land_by_region(&h, &a, &[]);
    let n = land.national;
    close(n.original, area_m2(&rect(0., 0., 4., 2.)));
    close(n.remaining, area_m2(&rect(1., 0., 3., 2.)));
    close(n.remaining_cha, area_m2(&rect(2., 0., 3., 2.)));
    close(n.cleared, area_m2(&rect(3., 0., 4., 2.)));
    close(n.reduced, 0.0);
    // Per record the cleared strip counts in both, as the SPEC's per-hazard rule says.
    close(a[0].cleared_m2, area_m2(&rect(3., 0., 4., 2.)));
    close(a[1].cleared_m2, area_m2(&rect(3., 0., 4., 2.)));
    assert!(land
        .findings
        .iter()
        .any(|f| f.check == "overlapping_hazards"));
}

#[test]
fn hazard_across_a_boundary_is_split_and_land_outside_goes_to_outside() {
    let region = |id: &str, g| Region {
        region_id: id.into(),
        name: id.into(),
        parent_id: None,
        geometry: g,
    };
    let regions = vec![
        region("A", rect(-10., -10., 1., 10.)),
        region("B", rect(1., -10., 10., 10.)),
    ];
    let h = vec![
        hazard("X", Status::Sha, None, rect(0., 0., 3., 1.)), // 1/3 in A, 2/3 in B
        hazard("Y", Status::Cha, None, rect(9., 0., 12., 1.)), // 1/3 in B, 2/3 outside
    ];
    let (a, _) = account_hazards(&h, &[], day("2019-01-01"));
    let land = land_by_region(&h, &a, &regions);
    close(land.regions[0].original, area_m2(&rect(0., 0., 1., 1.)));
    close(
        land.regions[1].original,
        area_m2(&rect(1., 0., 3., 1.)) + area_m2(&rect(9., 0., 10., 1.)),
    );
    close(land.outside.original, area_m2(&rect(10., 0., 12., 1.)));
    use minefree::analysis::regions::Place;
    assert_eq!(land.hazard_region, vec![Place::Region(1), Place::Region(1)]);
    assert!(land
        .findings
        .iter()
        .any(|f| f.check == "outside_regions" && f.feature_id == "Y"));
}

#[test]
fn release_completed_on_the_window_start_is_outside_the_window() {
    // D = 2026-06-30, window 730 days: the window is (2024-06-30, 2026-06-30].
    let h = vec![hazard("H", Status::Cha, None, rect(0., 0., 2., 1.))];
    let start = day("2026-06-30") - chrono::Duration::days(730);
    assert_eq!(start, day("2024-06-30"));
    let on_start = vec![release(
        "R",
        Method::Cleared,
        "2024-06-30",
        rect(0., 0., 1., 1.),
    )];
    let (a, _) = account_hazards(&h, &on_start, start);
    close(
        a[0].remaining_past_m2.expect("asked for"),
        a[0].remaining_m2,
    ); // released before the window
    let next_day = vec![release(
        "R",
        Method::Cleared,
        "2024-07-01",
        rect(0., 0., 1., 1.),
    )];
    let (a, _) = account_hazards(&h, &next_day, start);
    close(a[0].remaining_past_m2.expect("asked for"), a[0].original_m2); // released in the window
}

fn priority(
    distance_m: f64,
    population_within: u64,
    accidents_within: u64,
    status: f64,
    ty: f64,
) -> Option<Priority> {
    Some(Priority {
        nearest: Some(0),
        distance_m: Some(distance_m),
        within: vec![],
        settlements_within: 1,
        population_within,
        accidents_within,
        f_proximity: (-distance_m / 2000.0).exp(),
        f_people: 0.0,
        f_accidents: (accidents_within as f64 / 3.0).min(1.0),
        f_status: status,
        f_type: ty,
        score: 0.0,
        rank: 0,
    })
}

#[test]
fn scores_and_ranks_by_hand_including_a_tie() {
    let h: Vec<Hazard> = ["B", "A", "C"]
        .iter()
        .map(|id| hazard(id, Status::Cha, None, rect(0., 0., 1., 1.)))
        .collect();
    // B and A are identical (a tie broken by hazard_id: A first); C is far and empty.
    let mut rows = vec![
        priority(1000.0, 999, 3, 1.0, 1.0),
        priority(1000.0, 999, 3, 1.0, 1.0),
        priority(8000.0, 0, 0, 0.6, 0.7),
    ];
    score_and_rank(&h, &mut rows, &Weights::default());
    // By hand: max population 999 ⇒ f_people = 1 for A/B, 0 for C.
    // A/B: 100·(3·e^-0.5 + 3·1 + 2·1 + 1·1 + 1·1)/10 = 100·(1.819592 + 7)/10 = 88.20
    // C:   100·(3·e^-4 + 0 + 0 + 0.6 + 0.7)/10 = 100·(0.054947 + 1.3)/10 = 13.55
    let a = rows[1].as_ref().unwrap();
    let b = rows[0].as_ref().unwrap();
    let c = rows[2].as_ref().unwrap();
    assert_eq!((a.score, b.score, c.score), (88.20, 88.20, 13.55));
    assert_eq!((a.rank, b.rank, c.rank), (1, 2, 3));
    assert_eq!(c.f_people, 0.0);
}

#[test]
fn nearest_and_within_match_a_brute_force_scan() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
    let hazards: Vec<Hazard> = (0..15)
        .map(|i| {
            let (x, y) = (rng.gen_range(0.0..60.0), rng.gen_range(0.0..60.0));
            hazard(
                &format!("H{i:02}"),
                Status::Sha,
                None,
                rect(
                    x,
                    y,
                    x + rng.gen_range(0.2..3.0),
                    y + rng.gen_range(0.2..3.0),
                ),
            )
        })
        .collect();
    let mut settlements: Vec<Settlement> = (0..300)
        .map(|i| Settlement {
            settlement_id: format!("S{i:03}"),
            name: String::new(),
            population: rng.gen_range(0..5000),
            location: Point::new(
                69.0 + rng.gen_range(-5.0..65.0) * U,
                38.0 + rng.gen_range(-5.0..65.0) * U,
            ),
        })
        .collect();
    // A settlement inside a hazard, one on a boundary, one ~exactly at the radius east.
    let b = geo::BoundingRect::bounding_rect(&hazards[0].geometry).unwrap();
    settlements.push(Settlement {
        settlement_id: "SIN".into(),
        name: String::new(),
        population: 7,
        location: Point::new((b.min().x + b.max().x) / 2.0, (b.min().y + b.max().y) / 2.0),
    });
    settlements.push(Settlement {
        settlement_id: "SON".into(),
        name: String::new(),
        population: 7,
        location: Point::new(b.max().x, (b.min().y + b.max().y) / 2.0),
    });
    let (accounts, _) = account_hazards(&hazards, &[], day("2019-01-01"));
    let params = Parameters {
        radius_m: 5000.0,
        ..Parameters::default()
    };
    let got = prioritise(
        &hazards,
        &accounts,
        &settlements,
        &[],
        &params,
        day("2026-06-30"),
    );
    for (h, p) in hazards.iter().zip(&got) {
        let p = p.as_ref().unwrap();
        // Brute force: geodesic distance to the boundary densified to ≤ 2 m steps.
        let d: Vec<f64> = settlements
            .iter()
            .map(|s| brute_distance_m(s.location, &h.geometry))
            .collect();
        let min = d.iter().cloned().fold(f64::INFINITY, f64::min);
        let got_d = p.distance_m.unwrap();
        assert!(
            (got_d - min).abs() <= (0.005 * min).max(1.0),
            "{}: {got_d} vs {min}",
            h.hazard_id
        );
        let want_within: Vec<usize> = (0..settlements.len()).filter(|&i| d[i] <= 5000.0).collect();
        // Settlements within 1 m of the radius may go either way (brute-force step).
        let certain = |i: &usize| (d[*i] - 5000.0).abs() > 1.0;
        let got_within: Vec<usize> = p.within.iter().copied().filter(certain).collect();
        assert_eq!(
            got_within,
            want_within.into_iter().filter(certain).collect::<Vec<_>>(),
            "{}",
            h.hazard_id
        );
    }
    // Hazard 0 holds SIN inside and SON on its boundary (and maybe random ones): all at
    // distance 0, and the tie goes to the lowest settlement_id.
    let first = got[0].as_ref().unwrap();
    assert_eq!(first.distance_m, Some(0.0));
    let mut at_zero: Vec<&str> = settlements
        .iter()
        .filter(|s| brute_distance_m(s.location, &hazards[0].geometry) == 0.0)
        .map(|s| s.settlement_id.as_str())
        .collect();
    at_zero.sort();
    assert!(at_zero.contains(&"SIN") && at_zero.contains(&"SON"));
    assert_eq!(
        settlements[first.nearest.unwrap()].settlement_id,
        at_zero[0]
    );
}

fn brute_distance_m(p: Point<f64>, mp: &MultiPolygon<f64>) -> f64 {
    use geo::Intersects;
    if mp.intersects(&p) {
        return 0.0;
    }
    let mut best = f64::INFINITY;
    for poly in &mp.0 {
        for seg in poly.exterior().lines() {
            let len = minefree::geom::distance::geodesic_m(Point(seg.start), Point(seg.end));
            let steps = (len / 2.0).ceil().max(1.0) as usize;
            for k in 0..=steps {
                let t = k as f64 / steps as f64;
                let q = Point::new(
                    seg.start.x + t * (seg.end.x - seg.start.x),
                    seg.start.y + t * (seg.end.y - seg.start.y),
                );
                best = best.min(minefree::geom::distance::geodesic_m(p, q));
            }
        }
    }
    best
}

/// The R11 ledger of a story told in unit squares of one band ([x0,x1]×[0,2]):
/// H1 [0,4] recorded 2018; R1 cancels [0,1] in 2019; R2 clears [0,2] in 2020 (over the
/// land cancelled the year before: only [1,2] is released then); R0 cleared [2,3] in
/// 2017, before H1 was recorded, so it does not apply; H2 [3,6] recorded 2021 overlaps
/// H1 on [3,4] (added is only [4,6]); R3 reduces [5,6] in 2021, the year H2 was
/// recorded; H3 [0,1] recorded 2022 on land released in 2019 (added again); R4 clears
/// [0,1] in 2023; U, an undated hazard elsewhere ([20,21]×[0,1]), is cancelled in 2020.
fn ledger_story() -> (Vec<Hazard>, Vec<Release>) {
    let hazards = vec![
        hazard("H1", Status::Sha, Some("2018-03-01"), rect(0., 0., 4., 2.)),
        hazard("H2", Status::Cha, Some("2021-01-10"), rect(3., 0., 6., 2.)),
        hazard("H3", Status::Sha, Some("2022-02-01"), rect(0., 0., 1., 2.)),
        hazard("U", Status::Sha, None, rect(20., 0., 21., 1.)),
    ];
    let releases = vec![
        release("R0", Method::Cleared, "2017-01-01", rect(2., 0., 3., 2.)),
        release("R1", Method::Cancelled, "2019-05-01", rect(0., 0., 1., 2.)),
        release("R2", Method::Cleared, "2020-06-01", rect(0., 0., 2., 2.)),
        release("R3", Method::Reduced, "2021-09-01", rect(5., 0., 6., 2.)),
        release("R4", Method::Cleared, "2023-03-01", rect(0., 0., 1., 2.)),
        release(
            "RU",
            Method::Cancelled,
            "2020-02-01",
            rect(20., 0., 21., 1.),
        ),
    ];
    (hazards, releases)
}

/// `(year, start, added, released, cleared, reduced, cancelled, end)` per ledger row.
type Want = (i32, f64, f64, f64, f64, f64, f64, f64);

fn assert_ledger(got: &[minefree::analysis::ledger::LedgerRow], want: &[Want]) {
    assert_eq!(got.len(), want.len(), "one row per year");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.year, w.0);
        let y = w.0;
        for (name, a, b) in [
            ("start", g.remaining_start_m2, w.1),
            ("added", g.added_m2, w.2),
            ("released", g.released_m2, w.3),
            ("cleared", g.cleared_m2, w.4),
            ("reduced", g.reduced_m2, w.5),
            ("cancelled", g.cancelled_m2, w.6),
            ("end", g.remaining_end_m2, w.7),
        ] {
            assert!(
                (a - b).abs() <= 1e-6 * b.abs() + 0.01,
                "{y} {name}: got {a}, want {b}"
            );
        }
    }
}

/// R5 and R11 of `hazards`, `releases` and `regions` as of `as_of`, with the ledger's
/// first and last years.
fn ledger_of(
    hazards: &[Hazard],
    releases: &[Release],
    regions: &[Region],
    as_of: &str,
) -> (minefree::analysis::regions::RegionLand, (i32, i32)) {
    use minefree::analysis::ledger::LedgerSpan;
    use minefree::analysis::regions::land_and_ledger_by_region;
    let (accounts, _) = account_hazards(hazards, releases, day("2000-01-01"));
    let span = LedgerSpan::of(hazards, &accounts, releases, day(as_of));
    let land = land_and_ledger_by_region(hazards, &accounts, regions, Some(&span));
    (land, (span.first_year, span.last_year))
}

#[test]
fn land_ledger_of_a_story_by_hand() {
    let (hazards, releases) = ledger_story();
    let region = Region {
        region_id: "G".into(),
        name: "G".into(),
        parent_id: None,
        geometry: rect(-50., -50., 50., 50.),
    };
    let (land, span) = ledger_of(&hazards, &releases, &[region], "2024-06-30");
    assert_eq!(span, (2018, 2024), "R0 does not apply");
    let a = |x0: f64, x1: f64| area_m2(&rect(x0, 0., x1, 2.));
    let u = area_m2(&rect(20., 0., 21., 1.));
    let remaining = land.regions[0].remaining;
    close(remaining, a(2., 5.));
    let rows = land.ledger.as_ref().unwrap().regions[0].rows(remaining);
    let want: Vec<Want> = vec![
        (2018, u, a(0., 4.), 0., 0., 0., 0., u + a(0., 4.)),
        (
            2019,
            u + a(0., 4.),
            0.,
            a(0., 1.),
            0.,
            0.,
            a(0., 1.),
            u + a(1., 4.),
        ),
        (
            2020,
            u + a(1., 4.),
            0.,
            u + a(1., 2.),
            a(1., 2.),
            0.,
            u,
            a(2., 4.),
        ),
        (
            2021,
            a(2., 4.),
            a(4., 6.),
            a(5., 6.),
            0.,
            a(5., 6.),
            0.,
            a(2., 5.),
        ),
        (
            2022,
            a(2., 5.),
            a(0., 1.),
            0.,
            0.,
            0.,
            0.,
            a(2., 5.) + a(0., 1.),
        ),
        (
            2023,
            a(2., 5.) + a(0., 1.),
            0.,
            a(0., 1.),
            a(0., 1.),
            0.,
            0.,
            a(2., 5.),
        ),
        (2024, a(2., 5.), 0., 0., 0., 0., 0., a(2., 5.)),
    ];
    assert_ledger(&rows, &want);
    // The national ledger is the same land (one region holds everything).
    let national = land.ledger.as_ref().unwrap().national.rows(remaining);
    assert_ledger(&national, &want);
}

#[test]
fn land_ledger_split_by_a_region_boundary_by_hand() {
    // The same story without the undated hazard, with two regions meeting at x = 3: the
    // 2019, 2020, 2022 and 2023 events fall in W, the 2021 ones in E; the component of
    // H1–H3 crosses the boundary (the overlay path).
    let (mut hazards, mut releases) = ledger_story();
    hazards.pop();
    releases.pop();
    let region = |id: &str, g| Region {
        region_id: id.into(),
        name: id.into(),
        parent_id: None,
        geometry: g,
    };
    let regions = [
        region("E", rect(3., -50., 50., 50.)),
        region("W", rect(-50., -50., 3., 50.)),
    ];
    let (land, _) = ledger_of(&hazards, &releases, &regions, "2024-06-30");
    let a = |x0: f64, x1: f64| area_m2(&rect(x0, 0., x1, 2.));
    let ledger = land.ledger.as_ref().unwrap();
    let east = ledger.regions[0].rows(land.regions[0].remaining);
    let west = ledger.regions[1].rows(land.regions[1].remaining);
    let e0 = a(3., 4.);
    assert_ledger(
        &east,
        &[
            (2018, 0., e0, 0., 0., 0., 0., e0),
            (2019, e0, 0., 0., 0., 0., 0., e0),
            (2020, e0, 0., 0., 0., 0., 0., e0),
            (2021, e0, a(4., 6.), a(5., 6.), 0., a(5., 6.), 0., a(3., 5.)),
            (2022, a(3., 5.), 0., 0., 0., 0., 0., a(3., 5.)),
            (2023, a(3., 5.), 0., 0., 0., 0., 0., a(3., 5.)),
            (2024, a(3., 5.), 0., 0., 0., 0., 0., a(3., 5.)),
        ],
    );
    assert_ledger(
        &west,
        &[
            (2018, 0., a(0., 3.), 0., 0., 0., 0., a(0., 3.)),
            (2019, a(0., 3.), 0., a(0., 1.), 0., 0., a(0., 1.), a(1., 3.)),
            (2020, a(1., 3.), 0., a(1., 2.), a(1., 2.), 0., 0., a(2., 3.)),
            (2021, a(2., 3.), 0., 0., 0., 0., 0., a(2., 3.)),
            (
                2022,
                a(2., 3.),
                a(0., 1.),
                0.,
                0.,
                0.,
                0.,
                a(2., 3.) + a(0., 1.),
            ),
            (
                2023,
                a(2., 3.) + a(0., 1.),
                0.,
                a(0., 1.),
                a(0., 1.),
                0.,
                0.,
                a(2., 3.),
            ),
            (2024, a(2., 3.), 0., 0., 0., 0., 0., a(2., 3.)),
        ],
    );
}

#[test]
fn land_ledger_mixed_methods_and_a_release_that_applies_to_one_record_only() {
    // H1 [0,2] recorded 2018; H2 [1,3] recorded 2019-06-01 over it. RC clears [0,1.5] on
    // 2019-03-01, before H2 was recorded: it applies to H1 only. RX cancels [1,3] on
    // 2019-09-01 (both). In 2019 all of [0,3] leaves the land: [0,1.5] is cleared (C^Y =
    // H1 ∩ RC, even where H2 lies and lost its land to RX), [1.5,3] cancelled; [2,3]
    // was added that year.
    let hazards = vec![
        hazard("H1", Status::Sha, Some("2018-03-01"), rect(0., 0., 2., 2.)),
        hazard("H2", Status::Sha, Some("2019-06-01"), rect(1., 0., 3., 2.)),
    ];
    let releases = vec![
        release("RC", Method::Cleared, "2019-03-01", rect(0., 0., 1.5, 2.)),
        release("RX", Method::Cancelled, "2019-09-01", rect(1., 0., 3., 2.)),
    ];
    let region = Region {
        region_id: "G".into(),
        name: "G".into(),
        parent_id: None,
        geometry: rect(-50., -50., 50., 50.),
    };
    let (land, span) = ledger_of(&hazards, &releases, &[region], "2020-06-30");
    assert_eq!(span, (2018, 2020));
    let a = |x0: f64, x1: f64| area_m2(&rect(x0, 0., x1, 2.));
    let remaining = land.regions[0].remaining;
    close(remaining, 0.0);
    let rows = land.ledger.as_ref().unwrap().regions[0].rows(remaining);
    assert_ledger(
        &rows,
        &[
            (2018, 0., a(0., 2.), 0., 0., 0., 0., a(0., 2.)),
            (
                2019,
                a(0., 2.),
                a(2., 3.),
                a(0., 3.),
                a(0., 1.5),
                0.,
                a(1.5, 3.),
                0.,
            ),
            (2020, 0., 0., 0., 0., 0., 0., 0.),
        ],
    );
}

/// A cell of the grid of `ledger_of_many_hazards`: (column, row), one unit square each.
type Cell = (i32, i32);

/// The cells of the rectangle [x0, x1) × [y0, y1) (in units).
fn cells_of((x0, y0, x1, y1): (i32, i32, i32, i32)) -> std::collections::BTreeSet<Cell> {
    (x0..x1)
        .flat_map(|x| (y0..y1).map(move |y| (x, y)))
        .collect()
}

#[test]
fn land_ledger_of_a_many_hazard_component_matches_a_cell_by_cell_count() {
    // Seeded random rectangles on a grid of 40 × 6 cells: 14 hazards overlapping in long
    // chains (recorded 2015–2024, some undated), 36 releases of every method over them
    // (completed on any day 2015–2025, so some before their hazard was recorded), two
    // regions meeting at the 17th column. The expected figures count cells, each set of the SPEC
    // (R3, R5, R11) built cell by cell: no overlay and no face of the program's own.
    use rand::{Rng, SeedableRng};
    use std::collections::BTreeSet;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(22);
    let mut boxes = |n: usize, w: (i32, i32)| -> Vec<(i32, i32, i32, i32)> {
        (0..n)
            .map(|_| {
                let x0 = rng.gen_range(0..38);
                let y0 = rng.gen_range(0..5);
                let x1 = (x0 + rng.gen_range(w.0..w.1)).min(40);
                (x0, y0, x1, rng.gen_range(y0 + 1..=6))
            })
            .collect()
    };
    let (hazard_boxes, release_boxes) = (boxes(14, (3, 10)), boxes(36, (1, 8)));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut date = |from: i32, to: i32| {
        format!(
            "{}-{:02}-{:02}",
            rng.gen_range(from..=to),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28)
        )
    };
    // cells of 1e-4° (a hundredth of a unit): over the 0.004° of the grid, the areas of
    // rectangles add up to 1e-8 (over 0.4° the bowing of their geodesic edges puts them
    // 5e-6 apart, over 0.04° 1.4e-6: more than `assert_ledger` allows)
    let g = |(x0, y0, x1, y1): (i32, i32, i32, i32)| {
        let t = |v: i32| f64::from(v) / 100.0;
        rect(t(x0), t(y0), t(x1), t(y1))
    };
    let hazards: Vec<Hazard> = hazard_boxes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            let status = if i % 3 == 0 { Status::Cha } else { Status::Sha };
            let recorded = (i % 5 != 4).then(|| date(2015, 2024));
            hazard(&format!("H{i:02}"), status, recorded.as_deref(), g(b))
        })
        .collect();
    let methods = [Method::Cleared, Method::Reduced, Method::Cancelled];
    let releases: Vec<Release> = release_boxes
        .iter()
        .enumerate()
        .map(|(i, &b)| release(&format!("R{i:02}"), methods[i % 3], &date(2015, 2025), g(b)))
        .collect();
    let region = |id: &str, x0: f64, x1: f64| Region {
        region_id: id.into(),
        name: id.into(),
        parent_id: None,
        geometry: rect(x0, -50., x1, 50.),
    };
    let regions = [region("E", 0.17, 90.), region("W", -50., 0.17)];
    let as_of = "2025-12-31";
    let (land, (first, last)) = ledger_of(&hazards, &releases, &regions, as_of);

    // The cell-by-cell model of the SPEC.
    let hc: Vec<BTreeSet<Cell>> = hazard_boxes.iter().map(|&b| cells_of(b)).collect();
    let rc: Vec<BTreeSet<Cell>> = release_boxes.iter().map(|&b| cells_of(b)).collect();
    let applies = |h: usize, r: usize| {
        !hc[h].is_disjoint(&rc[r])
            && hazards[h]
                .recorded_on
                .is_none_or(|d| releases[r].completed_on >= d)
    };
    use chrono::Datelike;
    let year_end = |y: i32| day(&format!("{y}-12-31")).min(day(as_of));
    let remaining_at = |t: Option<NaiveDate>| -> BTreeSet<Cell> {
        let mut m = BTreeSet::new();
        for (h, hz) in hazards.iter().enumerate() {
            if hz.recorded_on.is_some_and(|d| t.is_none_or(|t| d > t)) {
                continue;
            }
            let mut rest = hc[h].clone();
            for r in (0..releases.len()).filter(|&r| applies(h, r)) {
                if t.is_some_and(|t| releases[r].completed_on <= t) {
                    rest.retain(|c| !rc[r].contains(c));
                }
            }
            m.extend(rest);
        }
        m
    };
    let cell_m2 = |&(x, y): &Cell| area_m2(&g((x, y, x + 1, y + 1)));
    let in_region = |k: usize, c: &Cell| if k == 0 { c.0 >= 17 } else { c.0 < 17 };
    let m2 = |s: &BTreeSet<Cell>, k: usize| {
        s.iter()
            .filter(|c| in_region(k, c))
            .map(cell_m2)
            .sum::<f64>()
    };
    let want_first = hazards
        .iter()
        .filter_map(|h| h.recorded_on.map(|d| d.year()))
        .chain((0..hazards.len()).flat_map(|h| {
            (0..releases.len())
                .filter(move |&r| applies(h, r))
                .map(|r| releases[r].completed_on.year())
        }))
        .min()
        .unwrap();
    assert_eq!((first, last), (want_first, 2025));
    let ledger = land.ledger.as_ref().unwrap();
    for k in 0..2 {
        // R5 first: the region's remaining land now
        let now = remaining_at(Some(day(as_of)));
        let all: BTreeSet<Cell> = hc.iter().flatten().copied().collect();
        close(land.regions[k].original, m2(&all, k));
        close(land.regions[k].remaining, m2(&now, k));
        // R5's cleared (C − M) and reduced (Rd − M − C) land, releases of every year
        let ever = |m: Method| -> BTreeSet<Cell> {
            let mut s = BTreeSet::new();
            for (h, cells) in hc.iter().enumerate() {
                for r in (0..releases.len()).filter(|&r| applies(h, r) && releases[r].method == m) {
                    s.extend(cells.intersection(&rc[r]).copied());
                }
            }
            s
        };
        let (c_all, rd_all) = (ever(Method::Cleared), ever(Method::Reduced));
        let c_land: BTreeSet<Cell> = c_all.difference(&now).copied().collect();
        let rd_land: BTreeSet<Cell> = rd_all
            .iter()
            .filter(|x| !now.contains(x) && !c_all.contains(x))
            .copied()
            .collect();
        close(land.regions[k].cleared, m2(&c_land, k));
        close(land.regions[k].reduced, m2(&rd_land, k));
        let mut want: Vec<Want> = Vec::new();
        let mut before = remaining_at(None);
        for y in first..=last {
            let after = remaining_at(Some(year_end(y)));
            let new: BTreeSet<Cell> = (0..hazards.len())
                .filter(|&h| hazards[h].recorded_on.is_some_and(|d| d.year() == y))
                .flat_map(|h| hc[h].iter().copied())
                .collect();
            let added: BTreeSet<Cell> = new.difference(&before).copied().collect();
            let lost: BTreeSet<Cell> = before
                .union(&new)
                .filter(|c| !after.contains(c))
                .copied()
                .collect();
            let under = |m: Method| -> BTreeSet<Cell> {
                let mut s = BTreeSet::new();
                for (h, cells) in hc.iter().enumerate() {
                    for r in (0..releases.len()).filter(|&r| applies(h, r)) {
                        if releases[r].method == m && releases[r].completed_on.year() == y {
                            s.extend(cells.intersection(&rc[r]).copied());
                        }
                    }
                }
                s
            };
            let (c, rd) = (under(Method::Cleared), under(Method::Reduced));
            let cleared: BTreeSet<Cell> = lost.intersection(&c).copied().collect();
            let reduced: BTreeSet<Cell> = lost
                .iter()
                .filter(|x| rd.contains(x) && !c.contains(x))
                .copied()
                .collect();
            // R13: each lost cell to the first release of the year (strongest method,
            // earliest date, lowest id) covering it and applying to a hazard holding it
            let mut credits: std::collections::BTreeMap<usize, f64> = Default::default();
            for cell in lost.iter().filter(|c| in_region(k, c)) {
                let first = (0..releases.len())
                    .filter(|&r| releases[r].completed_on.year() == y && rc[r].contains(cell))
                    .filter(|&r| (0..hazards.len()).any(|h| hc[h].contains(cell) && applies(h, r)))
                    .min_by_key(|&r| {
                        let x = &releases[r];
                        let strength = match x.method {
                            Method::Cleared => 0,
                            Method::Reduced => 1,
                            Method::Cancelled => 2,
                        };
                        (strength, x.completed_on, x.release_id.clone())
                    })
                    .expect("a lost cell lies under a release of its year");
                *credits.entry(first).or_default() += cell_m2(cell);
            }
            let mut got: std::collections::BTreeMap<usize, f64> = Default::default();
            for &(r, a) in ledger.regions[k].credits(y) {
                *got.entry(r).or_default() += a;
            }
            assert_eq!(
                got.keys().collect::<Vec<_>>(),
                credits.keys().collect::<Vec<_>>(),
                "{y}: the releases credited"
            );
            for (r, a) in &credits {
                close(got[r], *a);
            }
            let released = m2(&lost, k);
            let (cl, re) = (m2(&cleared, k), m2(&reduced, k));
            want.push((
                y,
                m2(&before, k),
                m2(&added, k),
                released,
                cl,
                re,
                released - cl - re,
                m2(&after, k),
            ));
            before = after;
        }
        assert!(
            want.iter().filter(|w| w.3 > 0.0).count() >= 5,
            "land is released in many years"
        );
        assert_ledger(&ledger.regions[k].rows(land.regions[k].remaining), &want);
    }
    // one component holds most hazards
    assert!(
        land.findings
            .iter()
            .filter(|f| f.check == "overlapping_hazards")
            .count()
            >= 10
    );
}

/// A long cleared strip across two hazards far apart: each account holds the strip's own
/// geometry, one shared copy (not a piece per hazard), and its land near each hazard is
/// the strip inside that hazard's box padded by 1e-6 × (1 + its larger side in degrees),
/// worked out by hand here. Unit squares of the grid: H1 = [0,1]×[0,1], H2 = [10,11]×[0,1].
#[test]
fn a_strip_over_two_hazards_is_kept_once_and_cut_near_each() {
    use minefree::analysis::release::hazard_clip_box;
    let h = vec![
        hazard("H1", Status::Sha, None, rect(0., 0., 1., 1.)),
        hazard("H2", Status::Sha, None, rect(10., 0., 11., 1.)),
    ];
    let strip = rect(-1., 0.25, 12., 0.75);
    let r = vec![release("S", Method::Cleared, "2024-01-01", strip.clone())];
    let (a, _) = account_hazards(&h, &r, day("2023-01-01"));
    let (l1, l2) = (&a[0].applied[0], &a[1].applied[0]);
    assert!(
        std::sync::Arc::ptr_eq(&l1.land, &l2.land),
        "one shared copy"
    );
    close(area_m2(&l1.land), area_m2(&strip));
    assert!(!l1.whole && !l2.whole);
    let pad = 1e-6 * (1.0 + U);
    for (k, (applied, x0)) in [(l1, 0.0), (l2, 10.0)].into_iter().enumerate() {
        let near = applied.land_near(hazard_clip_box(&h[k].geometry).as_ref());
        let want = normalize(MultiPolygon::new(vec![Rect::new(
            (69.0 + x0 * U - pad, 38.0 + 0.25 * U),
            (69.0 + (x0 + 1.0) * U + pad, 38.0 + 0.75 * U),
        )
        .to_polygon()]));
        close(area_m2(&near), area_m2(&want));
        close(
            a[k].remaining_m2,
            2.0 * area_m2(&rect(x0, 0., x0 + 1.0, 0.25)),
        );
    }
}

/// A release completed before two hazards it overlaps were recorded: two
/// `release_before_hazard` findings, each located at the release's whole geometry, and
/// both holding the same copy of it (one per release, however many findings).
#[test]
fn a_release_predating_two_hazards_gives_two_findings_sharing_its_geometry() {
    let h = vec![
        hazard("H1", Status::Sha, Some("2024-01-01"), rect(0., 0., 1., 1.)),
        hazard("H2", Status::Sha, Some("2024-01-01"), rect(2., 0., 3., 1.)),
    ];
    let strip = rect(-1., 0.25, 4., 0.75);
    let r = vec![release("S", Method::Cleared, "2020-01-01", strip.clone())];
    let (a, findings) = account_hazards(&h, &r, day("2019-01-01"));
    assert!(
        a.iter().all(|a| a.applying.is_empty()),
        "R3: it applies to neither"
    );
    let before: Vec<_> = findings
        .iter()
        .filter(|f| f.check == "release_before_hazard")
        .collect();
    assert_eq!(before.len(), 2);
    let (g1, g2) = (
        before[0].geometry.as_ref().expect("located"),
        before[1].geometry.as_ref().expect("located"),
    );
    assert!(std::sync::Arc::ptr_eq(g1, g2), "one shared copy");
    assert_eq!(**g1, geo::Geometry::MultiPolygon(strip));
}
