//! R12: the rate a deadline needs, capacity scenarios and the annual work plan.
//!
//! Input: each region's remaining land and R10 rate, D, the deadlines and the pipeline's
//! scenarios. A scenario sets every region's rate (today's × a factor, or what finishes
//! by a date); its national row sums the regional rates and takes the latest regional
//! completion. The work plan spreads each region's rate over calendar years from the
//! year of D (the first year only counts the days after D) until the land is gone, for
//! at most [`MAX_PLAN_YEARS`] years.

use chrono::{Datelike, NaiveDate};

use super::progress::{forecast, Forecast};
use super::{RegionKey, MIN_REMAINING_M2};
use crate::config::{Scenario, ScenarioRate};

/// The work plan stops after this many years per region.
pub const MAX_PLAN_YEARS: usize = 50;

/// Years between D and a later date (days / 365.25); `None` when it is not after D.
fn years_until(as_of: NaiveDate, date: NaiveDate) -> Option<f64> {
    let days = (date - as_of).num_days();
    (days > 0).then(|| days as f64 / 365.25)
}

/// `(required_rate_m2_per_year, capacity_factor_needed)` of R12: the rate that finishes
/// `remaining_m2` by the deadline, and how many times today's rate that is.
pub fn required_rate(
    remaining_m2: f64,
    rate_m2_per_year: f64,
    as_of: NaiveDate,
    deadline: Option<NaiveDate>,
) -> (Option<f64>, Option<f64>) {
    let required = deadline
        .and_then(|d| years_until(as_of, d))
        .map(|y| remaining_m2 / y);
    let factor = required
        .filter(|_| rate_m2_per_year > 0.0)
        .map(|r| r / rate_m2_per_year);
    (required, factor)
}

/// What a scenario's rows need to know of one place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceNow {
    /// A region or the land outside every region.
    pub region_id: RegionKey,
    /// Remaining land at D.
    pub remaining_m2: f64,
    /// R10's rate.
    pub rate_m2_per_year: f64,
    /// The applicable deadline.
    pub deadline: Option<NaiveDate>,
}

/// One row of `scenarios`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRow {
    /// Scenario name.
    pub scenario: String,
    /// A region, the land outside every region, or the national row.
    pub region_id: RegionKey,
    /// The scenario's rate for this place.
    pub rate_m2_per_year: f64,
    /// When it finishes, and whether that meets the deadline.
    pub forecast: Forecast,
    /// The applicable deadline.
    pub deadline: Option<NaiveDate>,
    /// R14: the plan's summed cost until completion (`None` without `[costs]`, or when
    /// the rate is 0).
    pub total_cost: Option<f64>,
}

/// One row of `work_plan` (m²).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRow {
    /// Scenario name.
    pub scenario: String,
    /// A region or the land outside every region.
    pub region_id: RegionKey,
    /// Calendar year.
    pub year: i32,
    /// Land remaining at the year's start (at D for the first year).
    pub remaining_start_m2: f64,
    /// `min(start, rate × days / 365.25)`.
    pub planned_release_m2: f64,
    /// `start − planned`.
    pub remaining_end_m2: f64,
    /// R14: `planned_release_m2` × the place's cost per m² (`None` without `[costs]`).
    pub planned_cost: Option<f64>,
}

/// The scenario rows (ordered by scenario, then `region_id` in byte order, the national
/// row included) and the work plan (ordered by scenario, `region_id`, year).
pub fn scenarios(
    scenarios: &[Scenario],
    places: &[PlaceNow],
    national: &PlaceNow,
    as_of: NaiveDate,
) -> (Vec<ScenarioRow>, Vec<PlanRow>) {
    let mut rows = Vec::new();
    let mut plan = Vec::new();
    for s in scenarios {
        let mut these: Vec<ScenarioRow> = places
            .iter()
            .map(|p| {
                let rate = match s.rate {
                    ScenarioRate::Factor(f) => p.rate_m2_per_year * f,
                    ScenarioRate::FinishBy(d) => {
                        p.remaining_m2 / years_until(as_of, d).expect("checked: after D")
                    }
                };
                ScenarioRow {
                    scenario: s.name.clone(),
                    region_id: p.region_id.clone(),
                    rate_m2_per_year: rate,
                    forecast: forecast(p.remaining_m2, rate, as_of, p.deadline),
                    deadline: p.deadline,
                    total_cost: None,
                }
            })
            .collect();
        let place_plans: Vec<(f64, Vec<PlanRow>)> = these
            .iter()
            .zip(places)
            .map(|(row, p)| (p.remaining_m2, work_plan(row, p.remaining_m2, as_of)))
            .collect();
        plan.extend(national_plan(&s.name, &place_plans, as_of));
        plan.extend(place_plans.into_iter().flat_map(|(_, rows)| rows));
        these.push(national_row(&s.name, &these, places, national, as_of));
        these.sort_by(|a, b| a.region_id.cmp(&b.region_id));
        rows.extend(these);
    }
    plan.sort_by(|a, b| {
        (&a.scenario, &a.region_id, a.year).cmp(&(&b.scenario, &b.region_id, b.year))
    });
    (rows, plan)
}

/// The national row: the sum of the regional rates, the latest regional completion
/// among places with land left (none when one of them has no rate), D when none has.
fn national_row(
    scenario: &str,
    rows: &[ScenarioRow],
    places: &[PlaceNow],
    national: &PlaceNow,
    as_of: NaiveDate,
) -> ScenarioRow {
    let rate: f64 = rows.iter().map(|r| r.rate_m2_per_year).sum();
    let with_land: Vec<&ScenarioRow> = rows
        .iter()
        .zip(places)
        .filter(|(_, p)| p.remaining_m2 >= MIN_REMAINING_M2)
        .map(|(r, _)| r)
        .collect();
    let (years, completion) = if with_land.is_empty() {
        (Some(0.0), Some(as_of))
    } else if with_land
        .iter()
        .any(|r| r.forecast.years_to_complete.is_none())
    {
        (None, None)
    } else {
        let years = with_land
            .iter()
            .filter_map(|r| r.forecast.years_to_complete)
            .fold(0.0, f64::max);
        // Past 9999-12-31 one completion is missing: then so is the national one.
        let dates: Option<Vec<NaiveDate>> = with_land
            .iter()
            .map(|r| r.forecast.projected_completion)
            .collect();
        (Some(years), dates.and_then(|d| d.into_iter().max()))
    };
    ScenarioRow {
        scenario: scenario.to_string(),
        region_id: RegionKey::National,
        rate_m2_per_year: rate,
        forecast: Forecast {
            years_to_complete: years,
            projected_completion: completion,
            on_track: super::progress::on_track(
                national.remaining_m2,
                completion,
                national.deadline,
            ),
        },
        deadline: national.deadline,
        total_cost: None,
    }
}

/// A place's annual milestones under one scenario; none when its rate is 0.
fn work_plan(row: &ScenarioRow, remaining_m2: f64, as_of: NaiveDate) -> Vec<PlanRow> {
    if row.rate_m2_per_year <= 0.0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut start = remaining_m2;
    for k in 0..MAX_PLAN_YEARS {
        let year = as_of.year() + k as i32;
        let days = match k {
            0 => days_after_in_year(as_of),
            _ => days_in_year(year),
        };
        let planned = start.min(row.rate_m2_per_year * days as f64 / 365.25);
        let end = start - planned;
        out.push(PlanRow {
            scenario: row.scenario.clone(),
            region_id: row.region_id.clone(),
            year,
            remaining_start_m2: start,
            planned_release_m2: planned,
            remaining_end_m2: end,
            planned_cost: None,
        });
        if end <= 0.0 {
            break;
        }
        start = end;
    }
    out
}

/// The `_national` work plan of one scenario: per calendar year from the year of D to the
/// last year of any place's plan, the sums of the places' rows. A place whose plan ended
/// (or that has none: rate 0) keeps its land in `remaining_start_m2`/`remaining_end_m2`
/// with nothing planned, so the national burn-down levels off at the land of the places
/// that never finish instead of vanishing. No rows when no place has a plan.
fn national_plan(scenario: &str, places: &[(f64, Vec<PlanRow>)], as_of: NaiveDate) -> Vec<PlanRow> {
    let Some(last_year) = places
        .iter()
        .filter_map(|(_, rows)| rows.last())
        .map(|r| r.year)
        .max()
    else {
        return Vec::new();
    };
    (as_of.year()..=last_year)
        .map(|year| {
            let mut sums = [0.0; 3];
            for (remaining_m2, rows) in places {
                let (start, planned, end) = match rows.iter().find(|r| r.year == year) {
                    Some(r) => (
                        r.remaining_start_m2,
                        r.planned_release_m2,
                        r.remaining_end_m2,
                    ),
                    None => {
                        let left = rows.last().map_or(*remaining_m2, |r| r.remaining_end_m2);
                        (left, 0.0, left)
                    }
                };
                sums[0] += start;
                sums[1] += planned;
                sums[2] += end;
            }
            PlanRow {
                scenario: scenario.to_string(),
                region_id: RegionKey::National,
                year,
                remaining_start_m2: sums[0],
                planned_release_m2: sums[1],
                remaining_end_m2: sums[2],
                planned_cost: None,
            }
        })
        .collect()
}

/// Days of D's year after D (D's own releases are in the data).
fn days_after_in_year(as_of: NaiveDate) -> i64 {
    let last = NaiveDate::from_ymd_opt(as_of.year(), 12, 31).expect("valid date");
    (last - as_of).num_days()
}

fn days_in_year(year: i32) -> i64 {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("valid date");
    let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).expect("valid date");
    (next - first).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn required_rate_by_hand() {
        // 1 461 days from 2026-06-30 to 2030-06-30 = 4.0 years (1461 / 365.25).
        let (req, factor) = required_rate(8000.0, 1000.0, d("2026-06-30"), Some(d("2030-06-30")));
        assert_eq!(req, Some(2000.0));
        assert_eq!(factor, Some(2.0));
        assert_eq!(
            required_rate(8000.0, 0.0, d("2026-06-30"), Some(d("2030-06-30"))).1,
            None
        );
        assert_eq!(
            required_rate(8000.0, 10.0, d("2026-06-30"), Some(d("2026-06-30"))),
            (None, None)
        );
        assert_eq!(
            required_rate(8000.0, 10.0, d("2026-06-30"), None),
            (None, None)
        );
    }

    #[test]
    fn national_plan_sums_the_places_and_keeps_the_land_that_never_finishes() {
        // A: 2 000 m² at 1 000 m²/yr (plan until 2028, as in work_plan_by_hand);
        // B: 500 m² at 0 m²/yr (no plan): its 500 m² stay in every national row.
        let scenario = Scenario {
            name: "current".into(),
            rate: ScenarioRate::Factor(1.0),
        };
        let place = |id: &str, remaining_m2: f64, rate: f64| PlaceNow {
            region_id: RegionKey::Region(id.into()),
            remaining_m2,
            rate_m2_per_year: rate,
            deadline: None,
        };
        let places = [place("A", 2000.0, 1000.0), place("B", 500.0, 0.0)];
        let national = place("_", 2500.0, 1000.0);
        let (_, plan) = scenarios(&[scenario], &places, &national, d("2026-06-30"));
        let nat: Vec<&PlanRow> = plan
            .iter()
            .filter(|r| r.region_id == RegionKey::National)
            .collect();
        assert_eq!(
            nat.iter().map(|r| r.year).collect::<Vec<_>>(),
            [2026, 2027, 2028]
        );
        let first = 1000.0 * 184.0 / 365.25;
        assert!((nat[0].remaining_start_m2 - 2500.0).abs() < 1e-9);
        assert!((nat[0].planned_release_m2 - first).abs() < 1e-9);
        assert!((nat[1].remaining_start_m2 - (2500.0 - first)).abs() < 1e-9);
        // the burn-down levels off at B's land
        assert!((nat[2].remaining_end_m2 - 500.0).abs() < 1e-9);
        // A's three rows beside them, none for B
        assert_eq!(
            plan.iter()
                .filter(|r| r.region_id != RegionKey::National)
                .count(),
            3
        );
    }

    #[test]
    fn work_plan_by_hand() {
        // 1 000 m²/yr from 2026-06-30: 184 days left in 2026 → 503.765… m²; 2027 has 365
        // days → 999.315… m²; the 2 000 m² are gone during 2028.
        let row = ScenarioRow {
            scenario: "current".into(),
            region_id: RegionKey::Region("R".into()),
            rate_m2_per_year: 1000.0,
            forecast: forecast(2000.0, 1000.0, d("2026-06-30"), None),
            deadline: None,
            total_cost: None,
        };
        let plan = work_plan(&row, 2000.0, d("2026-06-30"));
        assert_eq!(plan.len(), 3);
        assert!((plan[0].planned_release_m2 - 1000.0 * 184.0 / 365.25).abs() < 1e-9);
        assert!((plan[1].planned_release_m2 - 1000.0 * 365.0 / 365.25).abs() < 1e-9);
        let left = 2000.0 - 1000.0 * 549.0 / 365.25;
        assert!((plan[2].planned_release_m2 - left).abs() < 1e-9);
        assert_eq!(plan[2].remaining_end_m2, 0.0);
        assert_eq!(plan[2].year, 2028);
    }
}
