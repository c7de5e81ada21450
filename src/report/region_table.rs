//! The figures of the print layout's region table (issue 24 item 7): the regions with
//! the most remaining land, and one "others" row summing the rest when there are more
//! than fit. Computed here, from the analysis' region rows, so that `render::qgs` only
//! places and formats them (render computes no figure a user reads).

use chrono::NaiveDate;

use crate::analysis::{Figures, RegionRow};

/// The rows the layout's table shows before the rest go into the "others" row: what fits
/// the table's frame (a country of 142 municipalities would run off the page).
pub const SHOWN_ROWS: usize = 15;

/// One place's row: its name and the figures the layout shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceFigures {
    /// The region's name (`Outside every region` for `_outside`).
    pub name: String,
    /// Remaining hazard land.
    pub remaining_m2: f64,
    /// Released hazard land.
    pub released_m2: f64,
    /// `released / original × 100`; `None` without hazard land.
    pub pct_released: Option<f64>,
    /// R10's projected completion, when there is one.
    pub completion: Option<NaiveDate>,
}

/// The regions left out of the shown rows, summed.
#[derive(Debug, Clone, PartialEq)]
pub struct Others {
    /// How many rows of `region_summary` (regions and `_outside`) this sums.
    pub regions: usize,
    /// Their remaining land.
    pub remaining_m2: f64,
    /// Their released land.
    pub released_m2: f64,
    /// Their released land over their original land × 100 (`None` without any).
    pub pct_released: Option<f64>,
    /// Their remaining land as a share of the national remaining land (`None` when none
    /// remains nationally).
    pub pct_of_national_remaining: Option<f64>,
}

/// The layout's region table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegionTable {
    /// The [`SHOWN_ROWS`] rows with the most remaining land, most first (ties by
    /// `region_id`, as report.html orders them).
    pub rows: Vec<PlaceFigures>,
    /// The rest, when there is any.
    pub others: Option<Others>,
}

/// The table of `regions` (the `region_summary` rows, `_outside` included) against the
/// `national` row.
pub fn region_table(regions: &[RegionRow], national: &RegionRow) -> RegionTable {
    let mut sorted: Vec<&RegionRow> = regions.iter().collect();
    sorted.sort_by(|a, b| {
        b.figures
            .remaining_m2
            .total_cmp(&a.figures.remaining_m2)
            .then_with(|| a.region_id.cmp(&b.region_id))
    });
    let split = sorted.len().min(SHOWN_ROWS);
    let (shown, rest) = sorted.split_at(split);
    let rows = shown
        .iter()
        .map(|r| PlaceFigures {
            name: r.name.clone(),
            remaining_m2: r.figures.remaining_m2,
            released_m2: r.figures.released_m2,
            pct_released: r.figures.pct_released(),
            completion: r.progress.forecast.projected_completion,
        })
        .collect();
    let others = (!rest.is_empty()).then(|| others(rest, national));
    RegionTable { rows, others }
}

/// The sums of the rows left out.
fn others(rest: &[&RegionRow], national: &RegionRow) -> Others {
    let sum = |f: fn(&Figures) -> f64| rest.iter().map(|r| f(&r.figures)).sum::<f64>();
    let original_m2 = sum(|f| f.original_m2);
    let remaining_m2 = sum(|f| f.remaining_m2);
    let released_m2 = sum(|f| f.released_m2);
    let national_m2 = national.figures.remaining_m2;
    Others {
        regions: rest.len(),
        remaining_m2,
        released_m2,
        pct_released: (original_m2 > 0.0).then(|| 100.0 * released_m2 / original_m2),
        pct_of_national_remaining: (national_m2 > 0.0).then(|| 100.0 * remaining_m2 / national_m2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::progress::progress;
    use crate::analysis::RegionKey;

    /// A region row with `remaining` and `released` km² (original = their sum).
    fn row(id: &str, remaining_km2: f64, released_km2: f64) -> RegionRow {
        let (remaining_m2, released_m2) = (remaining_km2 * 1e6, released_km2 * 1e6);
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).expect("a date");
        RegionRow {
            region_id: RegionKey::Region(id.to_string()),
            name: format!("Region {id}"),
            geometry: None,
            hazards: 0,
            hazards_cha: 0,
            hazards_sha: 0,
            figures: Figures {
                original_m2: remaining_m2 + released_m2,
                remaining_m2,
                remaining_cha_m2: 0.0,
                remaining_sha_m2: remaining_m2,
                released_m2,
                cleared_m2: released_m2,
                reduced_m2: 0.0,
                cancelled_m2: 0.0,
                remaining_past_m2: remaining_m2,
            },
            progress: progress(remaining_m2, remaining_m2, as_of, 730, None),
            population_near_hazards: 0,
            required_rate_m2_per_year: None,
            capacity_factor_needed: None,
            ledger: Vec::new(),
        }
    }

    /// Issue 24 item 7: 18 regions with 1–18 km² remaining and 1 km² released each; the
    /// table shows the 15 with most (18 … 4 km²) and sums the other three: 1 + 2 + 3 =
    /// 6 km² remaining, 3 km² released of 9 km² (33.3 %), 6 of the national 171 km²
    /// (3.5 %).
    #[test]
    fn more_regions_than_fit_get_an_others_row_summing_the_rest() {
        let regions: Vec<RegionRow> = (1..=18)
            .map(|i| row(&format!("R{i:02}"), f64::from(i), 1.0))
            .collect();
        let national = row("_national", 171.0, 18.0);
        let table = region_table(&regions, &national);
        let shown: Vec<f64> = table.rows.iter().map(|r| r.remaining_m2 / 1e6).collect();
        let expected: Vec<f64> = (4..=18).rev().map(f64::from).collect();
        assert_eq!(shown, expected, "most remaining first, 15 of them");
        let others = table.others.expect("an others row");
        assert_eq!(others.regions, 3);
        assert!((others.remaining_m2 - 6e6).abs() < 1e-6);
        assert!((others.released_m2 - 3e6).abs() < 1e-6);
        let pct = others.pct_released.expect("land was released");
        assert!((pct - 100.0 / 3.0).abs() < 1e-9);
        let share = others.pct_of_national_remaining.expect("land remains");
        assert!((share - 600.0 / 171.0).abs() < 1e-9);
    }

    #[test]
    fn fifteen_regions_or_fewer_need_no_others_row() {
        let regions: Vec<RegionRow> = (1..=15)
            .map(|i| row(&format!("R{i:02}"), f64::from(i), 0.0))
            .collect();
        let table = region_table(&regions, &row("_national", 120.0, 0.0));
        assert_eq!(table.rows.len(), 15);
        assert_eq!(table.others, None);
    }
}
