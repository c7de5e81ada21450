//! `changes`: what moved since the previous run in the same output directory.
//!
//! Input: the previous run ([`PreviousRun`]: its `remaining_hazards` and
//! `region_summary`, read from the previous `minefree.gpkg` by `write::previous`) and
//! this run's tables. Output: one row per change, so that an
//! analyst sees overnight what was added, removed, released or re-ranked:
//! * hazards: `added`, `removed`, `released` (remaining fell by ≥ 1 m²), `rank_changed`,
//!   `remaining_changed` (remaining grew by ≥ 1 m²);
//! * regions: `remaining_changed` (remaining differs by ≥ 1 m²).
//!
//! Both columns are typed ([`RecordKind`], [`ChangeKind`]); [`Changes::counts`] counts
//! the rows by [`ChangeKey`] for the log and the page, which words them with
//! [`ChangeKey::words`].
//!
//! Records with a duplicated `hazard_id` are matched by their order of appearance. No
//! previous run means no `changes` table; nor does an unreadable one, which is said in
//! the log and in run.json (`previous_run`).

use std::collections::BTreeMap;

use super::outputs::TableKind;
use super::{Table, Values};

/// Remaining area and rank of each record of one layer, keyed by (id, occurrence).
pub type State = BTreeMap<(String, usize), (Option<f64>, Option<i64>)>;

/// The previous run in the same output directory, as `write::previous` read it.
#[derive(Debug, Clone, PartialEq)]
pub enum PreviousRun {
    /// No previous GeoPackage, or one without a run's layers (a `validate`'s).
    Missing,
    /// Its `remaining_hazards` and `region_summary`.
    Read {
        /// By `hazard_id`.
        hazards: State,
        /// By `region_id`.
        regions: State,
    },
    /// There is one, but it cannot be read (the reason): no change list, a warning in
    /// the log and run.json's `previous_run`.
    Unreadable(String),
}

impl PreviousRun {
    /// run.json's `previous_run` note: only for an unreadable one.
    pub fn note(&self) -> Option<String> {
        match self {
            PreviousRun::Unreadable(reason) => Some(format!("unreadable: {reason}")),
            PreviousRun::Missing | PreviousRun::Read { .. } => None,
        }
    }
}

/// Smallest change in remaining land (m²) that is reported.
const MIN_CHANGE_M2: f64 = 1.0;

/// The same state from one of this run's tables.
fn current(table: &Table, id_field: &str) -> State {
    let (Some(Values::Text(ids)), Some(Values::Real(rem))) =
        (table.column(id_field), table.column("remaining_m2"))
    else {
        return State::new();
    };
    let ranks = match table.column("rank") {
        Some(Values::Int(r)) => r.clone(),
        _ => vec![None; ids.len()],
    };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut state = State::new();
    for ((id, rem), rank) in ids.iter().zip(rem).zip(ranks) {
        let id = id.clone().unwrap_or_default();
        let n = seen.entry(id.clone()).or_default();
        *n += 1;
        state.insert((id, *n), (*rem, rank));
    }
    state
}

/// What a change row is about: the `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKind {
    /// A hazard (`remaining_hazards`).
    Hazard,
    /// A region (`region_summary`).
    Region,
}

impl RecordKind {
    /// The text written in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Hazard => "hazard",
            RecordKind::Region => "region",
        }
    }
}

/// What happened to a record: the `change` column. Declared in the order of their texts
/// (the log and the page list the counts in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// A hazard not in the previous run.
    Added,
    /// A hazard's rank differs.
    RankChanged,
    /// A hazard's remaining land fell by at least 1 m².
    Released,
    /// Remaining land differs by at least 1 m² (a region's, or a hazard's that grew).
    RemainingChanged,
    /// A hazard of the previous run that is gone.
    Removed,
}

impl ChangeKind {
    /// The text written in the `change` column.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::RankChanged => "rank_changed",
            ChangeKind::Released => "released",
            ChangeKind::RemainingChanged => "remaining_changed",
            ChangeKind::Removed => "removed",
        }
    }

    /// In words, for the page.
    pub fn words(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::RankChanged => "rank changed",
            ChangeKind::Released => "released",
            ChangeKind::RemainingChanged => "remaining changed",
            ChangeKind::Removed => "removed",
        }
    }
}

/// One kind of change row: what it is about and what happened; the key of [`Changes::counts`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChangeKey {
    /// The `kind` column.
    pub record: RecordKind,
    /// The `change` column.
    pub change: ChangeKind,
}

impl ChangeKey {
    /// In words, for the page (`hazard rank changed`).
    pub fn words(self) -> String {
        format!("{} {}", self.record.as_str(), self.change.words())
    }
}

/// As the log shows it: `hazard/released`.
impl std::fmt::Debug for ChangeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.record.as_str(), self.change.as_str())
    }
}

/// Counts of each kind of change, for the log and the page.
pub type ChangeCounts = BTreeMap<ChangeKey, usize>;

/// The changes since the previous run: the table and its counts.
#[derive(Debug)]
pub struct Changes {
    /// The `changes` table.
    pub table: Table,
    /// How many rows of each kind it holds.
    pub counts: ChangeCounts,
}

#[derive(Default)]
struct Rows {
    keys: Vec<ChangeKey>,
    id: Vec<Option<String>>,
    previous_m2: Vec<Option<f64>>,
    current_m2: Vec<Option<f64>>,
    previous_rank: Vec<Option<i64>>,
    rank: Vec<Option<i64>>,
}

impl Rows {
    fn push(
        &mut self,
        key: ChangeKey,
        id: &str,
        before: (Option<f64>, Option<i64>),
        after: (Option<f64>, Option<i64>),
    ) {
        self.keys.push(key);
        self.id.push(Some(id.to_string()));
        self.previous_m2.push(before.0);
        self.current_m2.push(after.0);
        self.previous_rank.push(before.1);
        self.rank.push(after.1);
    }

    fn compare(&mut self, record: RecordKind, before: &State, after: &State, removable: bool) {
        let none = (None, None);
        let key = |change| ChangeKey { record, change };
        for (id, now) in after {
            match before.get(id) {
                None if removable => self.push(key(ChangeKind::Added), &id.0, none, *now),
                None => {}
                Some(old) => {
                    let (a, b) = (old.0.unwrap_or(0.0), now.0.unwrap_or(0.0));
                    if a - b >= MIN_CHANGE_M2 && removable {
                        self.push(key(ChangeKind::Released), &id.0, *old, *now);
                    } else if (a - b).abs() >= MIN_CHANGE_M2 {
                        self.push(key(ChangeKind::RemainingChanged), &id.0, *old, *now);
                    }
                    if removable && old.1 != now.1 {
                        self.push(key(ChangeKind::RankChanged), &id.0, *old, *now);
                    }
                }
            }
        }
        for (id, old) in before {
            if removable && !after.contains_key(id) {
                self.push(key(ChangeKind::Removed), &id.0, *old, none);
            }
        }
    }

    fn into_changes(self) -> Changes {
        let mut counts = ChangeCounts::new();
        for key in &self.keys {
            *counts.entry(*key).or_default() += 1;
        }
        let text = |f: fn(&ChangeKey) -> &'static str| {
            Values::Text(self.keys.iter().map(|k| Some(f(k).to_string())).collect())
        };
        let mut t = Table::new(TableKind::Changes);
        t.push("kind", text(|k| k.record.as_str()));
        t.push("id", Values::Text(self.id));
        t.push("change", text(|k| k.change.as_str()));
        t.push("previous_remaining_m2", Values::Real(self.previous_m2));
        t.push("remaining_m2", Values::Real(self.current_m2));
        t.push("previous_rank", Values::Int(self.previous_rank));
        t.push("rank", Values::Int(self.rank));
        Changes { table: t, counts }
    }
}

/// The changes against the previous run, if one was read; this run's
/// `remaining_hazards` and `region_summary` are picked from `tables` by kind.
pub fn changes(previous: &PreviousRun, tables: &[Table]) -> Option<Changes> {
    let PreviousRun::Read {
        hazards: old_hazards,
        regions: old_regions,
    } = previous
    else {
        return None;
    };
    let now = |kind: TableKind, id_field: &str| {
        tables
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| current(t, id_field))
            .unwrap_or_default()
    };
    let mut rows = Rows::default();
    let hazards = now(TableKind::RemainingHazards, "hazard_id");
    rows.compare(RecordKind::Hazard, old_hazards, &hazards, true);
    let regions = now(TableKind::RegionSummary, "region_id");
    rows.compare(RecordKind::Region, old_regions, &regions, false);
    Some(rows.into_changes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every change kind, listed through a match without a wildcard: a new kind does not
    /// compile here until it is listed, and then the tests below need its words.
    fn every_change_kind() -> Vec<ChangeKind> {
        use ChangeKind::*;
        let listed = [Added, RankChanged, Released, RemainingChanged, Removed];
        for k in listed {
            match k {
                Added | RankChanged | Released | RemainingChanged | Removed => {}
            }
        }
        listed.to_vec()
    }

    #[test]
    fn every_change_kind_has_its_own_words() {
        let kinds = every_change_kind();
        let mut words: Vec<&str> = kinds.iter().map(|k| k.words()).collect();
        assert!(words.iter().all(|w| !w.is_empty() && !w.contains('_')));
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), kinds.len(), "two kinds share their words");
        // The declared order is the order of the texts (the page lists them so).
        let texts: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        assert_eq!(texts, sorted);
    }

    /// (id, occurrence) → (remaining, rank), as read from a GeoPackage.
    fn state(rows: &[(&str, f64, Option<i64>)]) -> State {
        rows.iter()
            .map(|&(id, m2, rank)| ((id.to_string(), 1), (Some(m2), rank)))
            .collect()
    }

    #[test]
    fn each_change_is_found_once_with_its_kind() {
        // By hand: A released 10 m² and re-ranked, B gone, C new, D grew by 5 m²,
        // E moved by 0.5 m² (under the 1 m² threshold); region R lost 2 m².
        let before = state(&[
            ("A", 100.0, Some(1)),
            ("B", 50.0, Some(2)),
            ("D", 10.0, Some(3)),
            ("E", 7.0, Some(4)),
        ]);
        let after = state(&[
            ("A", 90.0, Some(2)),
            ("C", 30.0, Some(1)),
            ("D", 15.0, Some(3)),
            ("E", 6.5, Some(4)),
        ]);
        let mut rows = Rows::default();
        rows.compare(RecordKind::Hazard, &before, &after, true);
        let regions = |m2| state(&[("R", m2, None)]);
        rows.compare(RecordKind::Region, &regions(20.0), &regions(18.0), false);
        let changes = rows.into_changes();
        let key = |record, change| ChangeKey { record, change };
        let (h, r) = (RecordKind::Hazard, RecordKind::Region);
        let want = ChangeCounts::from([
            (key(h, ChangeKind::Added), 1),
            (key(h, ChangeKind::RankChanged), 1),
            (key(h, ChangeKind::Released), 1),
            (key(h, ChangeKind::RemainingChanged), 1),
            (key(h, ChangeKind::Removed), 1),
            (key(r, ChangeKind::RemainingChanged), 1),
        ]);
        assert_eq!(changes.counts, want);
        let Some(Values::Text(change)) = changes.table.column("change") else {
            panic!("a change column");
        };
        let ids = changes.table.column("id");
        assert_eq!(changes.table.rows(), 6);
        assert!(change.contains(&Some("remaining_changed".to_string())));
        assert!(matches!(ids, Some(Values::Text(v)) if !v.contains(&Some("E".to_string()))));
        assert_eq!(
            format!("{:?}", key(h, ChangeKind::RankChanged)),
            "hazard/rank_changed"
        );
    }
}
