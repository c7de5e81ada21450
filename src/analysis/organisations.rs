//! R13: land released per organisation, per place and year, from the ledger's credits
//! (each released point credited once, to one release: strongest method, then earliest
//! completion, then lowest `release_id`; see `ledger`). No geometry here: the credits
//! are measured; this module groups them by organisation and makes each place-year's
//! rows add up to its written R11 row.

use std::collections::{BTreeMap, BTreeSet};

use super::ledger::{LedgerRow, PlaceLedger};
use super::RegionKey;
use crate::model::{Method, Release};

/// The organisation written for a release without one (NULL or blank).
pub const UNKNOWN_ORGANISATION: &str = "unknown";

/// One row of `release_by_organisation` (m²).
#[derive(Debug, Clone, PartialEq)]
pub struct OrganisationRow {
    /// The place.
    pub region_id: RegionKey,
    /// Calendar year.
    pub year: i32,
    /// The organisation (trimmed; `unknown` for none).
    pub organisation: String,
    /// Land credited to it: cleared + reduced + cancelled.
    pub released_m2: f64,
    /// Of it, by its cleared releases.
    pub cleared_m2: f64,
    /// By its reduced releases.
    pub reduced_m2: f64,
    /// By its cancelled releases.
    pub cancelled_m2: f64,
    /// Distinct releases credited with land in the row.
    pub releases: u64,
    /// Σ (completed_on − started_on + 1) over those releases that have `started_on`.
    pub task_days: Option<u64>,
    /// Land credited to the releases with `started_on` ÷ `task_days`.
    pub m2_per_task_day: Option<f64>,
}

/// A place's ledger as the organisation rows need it: its key, its credits and its
/// written R11 rows.
pub struct PlaceCredits<'a> {
    /// The place.
    pub region_id: RegionKey,
    /// Its summed ledger (the credits per year).
    pub ledger: &'a PlaceLedger,
    /// Its written rows (the figures the organisations add up to).
    pub rows: &'a [LedgerRow],
}

impl<'a> PlaceCredits<'a> {
    /// The credits of the place `region_id`.
    pub fn of(region_id: &RegionKey, ledger: &'a PlaceLedger, rows: &'a [LedgerRow]) -> Self {
        PlaceCredits {
            region_id: region_id.clone(),
            ledger,
            rows,
        }
    }
}

/// One organisation's land in a row before it is written: per method, the land of its
/// releases with a `started_on`, and the releases credited.
#[derive(Debug, Clone, Default)]
struct Tally {
    by_method_m2: [f64; 3],
    /// The same for the releases with `started_on`.
    started_m2: [f64; 3],
    releases: BTreeSet<usize>,
}

/// `release_by_organisation`: the rows of every place, then `_national` (land summed over
/// the places; releases and task days over the distinct releases), ordered by
/// (`region_id`, `year`, `organisation`).
pub fn by_organisation(releases: &[Release], places: &[PlaceCredits]) -> Vec<OrganisationRow> {
    let mut national: BTreeMap<(i32, String), Tally> = BTreeMap::new();
    let mut rows = Vec::new();
    for place in places {
        for ledger_row in place.rows {
            let tallies = place_year(releases, place.ledger.credits(ledger_row.year));
            let tallies = add_up(tallies, ledger_row);
            for (organisation, tally) in tallies {
                let n = national
                    .entry((ledger_row.year, organisation.clone()))
                    .or_default();
                for (sum, m2) in n.by_method_m2.iter_mut().zip(tally.by_method_m2) {
                    *sum += m2;
                }
                for (sum, m2) in n.started_m2.iter_mut().zip(tally.started_m2) {
                    *sum += m2;
                }
                n.releases.extend(tally.releases.iter().copied());
                rows.push(row(
                    &place.region_id,
                    ledger_row.year,
                    organisation,
                    &tally,
                    releases,
                ));
            }
        }
    }
    rows.extend(
        national
            .into_iter()
            .map(|((year, o), t)| row(&RegionKey::National, year, o, &t, releases)),
    );
    rows.sort_by(|a, b| {
        (&a.region_id, a.year, &a.organisation).cmp(&(&b.region_id, b.year, &b.organisation))
    });
    rows
}

/// The organisation a release is credited to.
pub fn organisation_of(release: &Release) -> &str {
    match release.organisation.as_deref().map(str::trim) {
        Some(o) if !o.is_empty() => o,
        _ => UNKNOWN_ORGANISATION,
    }
}

/// A release's task days, when it has `started_on` (not after `completed_on`).
fn task_days(release: &Release) -> Option<u64> {
    let started = release.started_on?;
    let days = (release.completed_on - started).num_days() + 1;
    u64::try_from(days).ok().filter(|&d| d > 0)
}

fn method_slot(method: Method) -> usize {
    match method {
        Method::Cleared => 0,
        Method::Reduced => 1,
        Method::Cancelled => 2,
    }
}

/// One place-year's credits grouped by organisation.
fn place_year(releases: &[Release], credits: &[(usize, f64)]) -> BTreeMap<String, Tally> {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for &(r, m2) in credits {
        let release = &releases[r];
        let t = tallies
            .entry(organisation_of(release).to_string())
            .or_default();
        let slot = method_slot(release.method);
        t.by_method_m2[slot] += m2;
        if task_days(release).is_some() {
            t.started_m2[slot] += m2;
        }
        t.releases.insert(r);
    }
    tallies
}

/// Scales each method's credited land to the written R11 row's figure for that method,
/// so that the organisations add up to it (the difference is measurement noise and the
/// drift R11 puts into its last year). Land of a method R11 has but no credit carries
/// (noise only) goes to the row's organisations by their land, or to `unknown` when the
/// row has none.
fn add_up(mut tallies: BTreeMap<String, Tally>, row: &LedgerRow) -> BTreeMap<String, Tally> {
    let written = [row.cleared_m2, row.reduced_m2, row.cancelled_m2];
    if written.iter().all(|&m2| m2 <= 0.0) {
        return BTreeMap::new();
    }
    if tallies.is_empty() {
        tallies.insert(UNKNOWN_ORGANISATION.to_string(), Tally::default());
    }
    let total_m2: f64 = tallies
        .values()
        .map(|t| t.by_method_m2.iter().sum::<f64>())
        .sum();
    let n = tallies.len() as f64;
    for (slot, &target_m2) in written.iter().enumerate() {
        let credited_m2: f64 = tallies.values().map(|t| t.by_method_m2[slot]).sum();
        for t in tallies.values_mut() {
            let own_m2 = t.by_method_m2[slot];
            let share = if credited_m2 > 0.0 {
                own_m2 / credited_m2
            } else if total_m2 > 0.0 {
                t.by_method_m2.iter().sum::<f64>() / total_m2
            } else {
                1.0 / n
            };
            let scaled_m2 = target_m2 * share;
            if own_m2 > 0.0 {
                t.started_m2[slot] *= scaled_m2 / own_m2;
            }
            t.by_method_m2[slot] = scaled_m2;
        }
    }
    tallies.retain(|_, t| t.by_method_m2.iter().sum::<f64>() > 0.0);
    tallies
}

fn row(
    region_id: &RegionKey,
    year: i32,
    organisation: String,
    t: &Tally,
    releases: &[Release],
) -> OrganisationRow {
    let days: Vec<u64> = t
        .releases
        .iter()
        .filter_map(|&r| task_days(&releases[r]))
        .collect();
    let task_days = (!days.is_empty()).then(|| days.iter().sum::<u64>());
    let [cleared_m2, reduced_m2, cancelled_m2] = t.by_method_m2;
    OrganisationRow {
        region_id: region_id.clone(),
        year,
        organisation,
        released_m2: cleared_m2 + reduced_m2 + cancelled_m2,
        cleared_m2,
        reduced_m2,
        cancelled_m2,
        releases: t.releases.len() as u64,
        task_days,
        m2_per_task_day: task_days.map(|d| t.started_m2.iter().sum::<f64>() / d as f64),
    }
}
