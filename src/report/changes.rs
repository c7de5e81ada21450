//! `changes`: what moved since the previous run in the same output directory.
//!
//! Input: the previous `minefree.gpkg` (layers `remaining_hazards` and `region_summary`,
//! read through GDAL) and this run's tables. Output: one row per change, so that an
//! analyst sees overnight what was added, removed, released or re-ranked:
//! * hazards: `added`, `removed`, `released` (remaining fell by ≥ 1 m²), `rank_changed`;
//! * regions: `remaining_changed` (remaining differs by ≥ 1 m²).
//!
//! Records with a duplicated `hazard_id` are matched by their order of appearance. No
//! previous run (or an unreadable one) means no `changes` table.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::vector::{FieldValue, LayerAccess};

use super::outputs::TableKind;
use super::{Table, Values};

/// Remaining area and rank of one record, keyed by (id, occurrence).
type State = BTreeMap<(String, usize), (Option<f64>, Option<i64>)>;

/// Smallest change in remaining land (m²) that is reported.
const MIN_CHANGE_M2: f64 = 1.0;

fn number(v: Option<FieldValue>) -> Option<f64> {
    match v? {
        FieldValue::RealValue(x) => Some(x),
        FieldValue::IntegerValue(x) => Some(f64::from(x)),
        FieldValue::Integer64Value(x) => Some(x as f64),
        _ => None,
    }
}

/// Reads (id, remaining_m2, rank) of a previous layer; `None` when it cannot be read.
fn read_previous(gpkg: &Path, layer: &str, id_field: &str) -> Option<State> {
    let ds = gdal::Dataset::open(gpkg).ok()?;
    let mut l = ds.layer_by_name(layer).ok()?;
    let defn = l.defn();
    let idx = |name: &str| defn.fields().position(|f| f.name() == name);
    let (id, rem, rank) = (idx(id_field)?, idx("remaining_m2")?, idx("rank"));
    let mut state = State::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in l.features() {
        let key = f.field_as_string(id).ok().flatten()?;
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        let rank = rank
            .and_then(|i| number(f.field(i).ok().flatten()))
            .map(|r| r as i64);
        state.insert((key, *n), (number(f.field(rem).ok().flatten()), rank));
    }
    Some(state)
}

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

#[derive(Default)]
struct Rows {
    kind: Vec<Option<String>>,
    id: Vec<Option<String>>,
    change: Vec<Option<String>>,
    previous_m2: Vec<Option<f64>>,
    current_m2: Vec<Option<f64>>,
    previous_rank: Vec<Option<i64>>,
    rank: Vec<Option<i64>>,
}

impl Rows {
    fn push(
        &mut self,
        kind: &str,
        id: &str,
        change: &str,
        before: (Option<f64>, Option<i64>),
        after: (Option<f64>, Option<i64>),
    ) {
        self.kind.push(Some(kind.to_string()));
        self.id.push(Some(id.to_string()));
        self.change.push(Some(change.to_string()));
        self.previous_m2.push(before.0);
        self.current_m2.push(after.0);
        self.previous_rank.push(before.1);
        self.rank.push(after.1);
    }

    fn compare(&mut self, kind: &str, before: &State, after: &State, removable: bool) {
        let none = (None, None);
        for (key, now) in after {
            match before.get(key) {
                None if removable => self.push(kind, &key.0, "added", none, *now),
                None => {}
                Some(old) => {
                    let (a, b) = (old.0.unwrap_or(0.0), now.0.unwrap_or(0.0));
                    if a - b >= MIN_CHANGE_M2 && removable {
                        self.push(kind, &key.0, "released", *old, *now);
                    } else if (a - b).abs() >= MIN_CHANGE_M2 {
                        self.push(kind, &key.0, "remaining_changed", *old, *now);
                    }
                    if removable && old.1 != now.1 {
                        self.push(kind, &key.0, "rank_changed", *old, *now);
                    }
                }
            }
        }
        for (key, old) in before {
            if removable && !after.contains_key(key) {
                self.push(kind, &key.0, "removed", *old, none);
            }
        }
    }
}

/// The `changes` table against the previous run's GeoPackage, if there is one; this
/// run's `remaining_hazards` and `region_summary` are picked from `tables` by kind.
pub fn changes(previous_gpkg: &Path, tables: &[Table]) -> Option<Table> {
    let hazards = TableKind::RemainingHazards;
    let regions = TableKind::RegionSummary;
    let old_hazards = read_previous(previous_gpkg, hazards.name(), "hazard_id")?;
    let old_regions = read_previous(previous_gpkg, regions.name(), "region_id").unwrap_or_default();
    let now = |kind: TableKind, id_field: &str| {
        tables
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| current(t, id_field))
            .unwrap_or_default()
    };
    let mut rows = Rows::default();
    rows.compare("hazard", &old_hazards, &now(hazards, "hazard_id"), true);
    rows.compare("region", &old_regions, &now(regions, "region_id"), false);
    let mut t = Table::new(TableKind::Changes);
    t.push("kind", Values::Text(rows.kind));
    t.push("id", Values::Text(rows.id));
    t.push("change", Values::Text(rows.change));
    t.push("previous_remaining_m2", Values::Real(rows.previous_m2));
    t.push("remaining_m2", Values::Real(rows.current_m2));
    t.push("previous_rank", Values::Int(rows.previous_rank));
    t.push("rank", Values::Int(rows.rank));
    Some(t)
}

/// Counts of each change, for the log and `run.json`.
pub fn counts(table: &Table) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    if let (Some(Values::Text(kind)), Some(Values::Text(change))) =
        (table.column("kind"), table.column("change"))
    {
        for (k, c) in kind.iter().zip(change) {
            *out.entry(format!(
                "{}/{}",
                k.as_deref().unwrap_or(""),
                c.as_deref().unwrap_or("")
            ))
            .or_default() += 1;
        }
    }
    out
}
