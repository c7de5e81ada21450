//! R15: targets against achievements. Each target of the previous plan (a year up to the
//! year of D; QA leaves out the later ones) is set against R11's `released_m2` for its
//! place and year: a region's ledger row, or the `_national` ledger row. A year without a
//! ledger row released nothing (the ledger spans every year in which land was recorded or
//! released). `pct_achieved` = 100 × released ÷ target, `None` when the target is 0. A
//! target for a region the run does not have gets neither (QA reports it).
//!
//! Applied to a finished [`Summary`] (R11's ledgers exist), with no geometry.

use super::ledger::LedgerRow;
use super::{RegionKey, Summary};
use crate::model::{Target, TargetPlace};

/// One row of `targets` (R15).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetRow {
    /// The region (or `_national`) the target is set for.
    pub place: TargetPlace,
    /// The calendar year.
    pub year: i32,
    /// The land the plan set out to release that year (m²).
    pub target_m2: f64,
    /// R11's land released in that place and year (`None` for a region the run does not
    /// have).
    pub released_m2: Option<f64>,
    /// `100 × released ÷ target` (`None` when the target is 0 or nothing is known).
    pub pct_achieved: Option<f64>,
}

/// The ledger of a target's place in `summary`; `None` for a region it does not have
/// (`_outside` is no target place: its key is not a region's).
fn ledger_of<'s>(summary: &'s Summary, place: &TargetPlace) -> Option<&'s [LedgerRow]> {
    match place {
        TargetPlace::National => Some(&summary.national.ledger),
        TargetPlace::Region(id) => summary
            .regions
            .iter()
            .find(|r| matches!(&r.region_id, RegionKey::Region(key) if key == id))
            .map(|r| r.ledger.as_slice()),
    }
}

/// The `targets` rows of `targets`, ordered by (`region_id`, year), targets of one place
/// and year in their input order.
pub fn apply(summary: &Summary, targets: &[Target]) -> Vec<TargetRow> {
    let mut rows: Vec<TargetRow> = targets
        .iter()
        .map(|t| {
            let released_m2 = ledger_of(summary, &t.place).map(|ledger| {
                ledger
                    .iter()
                    .filter(|row| row.year == t.year)
                    .map(|row| row.released_m2)
                    .sum()
            });
            TargetRow {
                place: t.place.clone(),
                year: t.year,
                target_m2: t.target_m2,
                released_m2,
                pct_achieved: released_m2
                    .filter(|_| t.target_m2 > 0.0)
                    .map(|r| 100.0 * r / t.target_m2),
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.place.as_str(), a.year).cmp(&(b.place.as_str(), b.year)));
    rows
}
