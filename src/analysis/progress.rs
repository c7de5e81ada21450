//! R10: release rate over the window, years to complete, projected completion, deadline.
//!
//! Input: remaining land now and at the window start (from the region overlay), the as-of
//! date D, the window length and a deadline. `released_window_m2` is clamped at 0 (the two
//! remaining figures come from different overlays; SPEC "Geodesic areas are not additive").

use chrono::{Duration, NaiveDate};

/// Progress figures of one region (or the whole country).
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Land released by releases completed in (D − window, D].
    pub released_window_m2: f64,
    /// `released_window_m2 / (window_days / 365.25)`.
    pub rate_m2_per_year: f64,
    /// When the remaining land is finished at that rate, and whether that meets the
    /// deadline.
    pub forecast: Forecast,
    /// The applicable deadline, if any.
    pub deadline: Option<NaiveDate>,
}

/// Computes R10 for one place.
pub fn progress(
    remaining_m2: f64,
    remaining_past_m2: f64,
    as_of: NaiveDate,
    window_days: u32,
    deadline: Option<NaiveDate>,
) -> Progress {
    let released_window_m2 = (remaining_past_m2 - remaining_m2).max(0.0);
    let rate_m2_per_year = released_window_m2 / (f64::from(window_days) / 365.25);
    Progress {
        released_window_m2,
        rate_m2_per_year,
        forecast: forecast(remaining_m2, rate_m2_per_year, as_of, deadline),
        deadline,
    }
}

/// When `remaining_m2` is finished at `rate_m2_per_year` from D, and whether that meets
/// the deadline (R10's rules, which R12's scenarios share).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    /// `remaining / rate`; `None` when the rate is 0.
    pub years_to_complete: Option<f64>,
    /// D + round(years × 365.25) days; `None` when the rate is 0 or past 9999-12-31.
    pub projected_completion: Option<NaiveDate>,
    /// Whether the projected completion is on or before the deadline; `None` without a
    /// deadline. Land already cleared (remaining below 1 m²) is on track; a place with
    /// land left and no rate is not.
    pub on_track: Option<bool>,
}

/// See [`Forecast`].
pub fn forecast(
    remaining_m2: f64,
    rate_m2_per_year: f64,
    as_of: NaiveDate,
    deadline: Option<NaiveDate>,
) -> Forecast {
    let years_to_complete = (rate_m2_per_year > 0.0).then(|| remaining_m2 / rate_m2_per_year);
    let projected_completion = years_to_complete.and_then(|y| completion_after(as_of, y));
    Forecast {
        years_to_complete,
        projected_completion,
        on_track: on_track(remaining_m2, projected_completion, deadline),
    }
}

/// D + round(years × 365.25) days; `None` past 9999-12-31.
pub fn completion_after(as_of: NaiveDate, years: f64) -> Option<NaiveDate> {
    let days = (years * 365.25).round();
    if days > 3_000_000.0 {
        return None;
    }
    as_of
        .checked_add_signed(Duration::days(days as i64))
        .filter(|d| *d <= NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date"))
}

/// `None` without a deadline; land already cleared (below 1 m²) is on track; otherwise
/// the projected completion must be on or before the deadline.
pub fn on_track(
    remaining_m2: f64,
    projected_completion: Option<NaiveDate>,
    deadline: Option<NaiveDate>,
) -> Option<bool> {
    deadline.map(|dl| {
        remaining_m2 < super::MIN_REMAINING_M2 || projected_completion.is_some_and(|p| p <= dl)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rate_years_and_date_by_hand() {
        // 730 days = 1.998631 years; 2 000 m² released ⇒ 1000.6845 m²/yr; 5 000 m² left
        // ⇒ 4.996578 years ⇒ round(1825.0) = 1825 days after 2026-06-30 = 2031-06-29.
        let p = progress(5000.0, 7000.0, d("2026-06-30"), 730, Some(d("2030-04-01")));
        assert!((p.rate_m2_per_year - 2000.0 / (730.0 / 365.25)).abs() < 1e-9);
        assert!(
            (p.forecast.years_to_complete.unwrap() - 5000.0 / (2000.0 / (730.0 / 365.25))).abs()
                < 1e-9
        );
        assert_eq!(p.forecast.projected_completion, Some(d("2031-06-29")));
        assert_eq!(p.forecast.on_track, Some(false));
        let met = progress(5000.0, 7000.0, d("2026-06-30"), 730, Some(d("2031-06-29")));
        assert_eq!(met.forecast.on_track, Some(true));
    }

    #[test]
    fn zero_rate_has_no_projection_and_is_not_on_track() {
        let p = progress(5000.0, 5000.0, d("2026-06-30"), 730, Some(d("2030-01-01")));
        assert_eq!(p.rate_m2_per_year, 0.0);
        assert_eq!(p.forecast.years_to_complete, None);
        assert_eq!(p.forecast.projected_completion, None);
        assert_eq!(p.forecast.on_track, Some(false));
        assert_eq!(
            progress(5000.0, 5000.0, d("2026-06-30"), 730, None)
                .forecast
                .on_track,
            None
        );
    }

    #[test]
    fn finished_region_is_on_track() {
        let p = progress(0.0, 800.0, d("2026-06-30"), 730, Some(d("2027-01-01")));
        assert_eq!(p.forecast.years_to_complete, Some(0.0));
        assert_eq!(p.forecast.projected_completion, Some(d("2026-06-30")));
        assert_eq!(p.forecast.on_track, Some(true));
        let idle = progress(0.0, 0.0, d("2026-06-30"), 730, Some(d("2027-01-01")));
        assert_eq!(idle.forecast.on_track, Some(true));
    }

    #[test]
    fn projection_past_year_9999_is_null() {
        let p = progress(1e12, 1e12 + 1.0, d("2026-06-30"), 730, None);
        assert!(p.forecast.years_to_complete.unwrap() > 1e9);
        assert_eq!(p.forecast.projected_completion, None);
    }
}
