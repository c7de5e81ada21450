//! Reading the previous run back: the `remaining_hazards` and `region_summary` layers of
//! the `minefree.gpkg` already in the output directory, as [`PreviousRun`] for
//! `report::changes`.
//!
//! No file, or a GeoPackage without `remaining_hazards` (a `validate` wrote it), is no
//! previous run. A file that GDAL cannot open, or whose layers lack their id or
//! `remaining_m2` column, is [`PreviousRun::Unreadable`] with the reason, and a warning
//! in the log: the change list is then missing for a reason a person can act on, never
//! silently reset.

use std::collections::BTreeMap;
use std::path::Path;

use gdal::vector::{FieldValue, LayerAccess};
use tracing::warn;

use crate::report::changes::{PreviousRun, State};
use crate::report::outputs::TableKind;

/// The previous run in `gpkg`; see the module docs.
pub fn read_previous(gpkg: &Path) -> PreviousRun {
    if !gpkg.exists() {
        return PreviousRun::Missing;
    }
    let read = || -> Result<PreviousRun, String> {
        let ds = gdal::Dataset::open(gpkg).map_err(|e| e.to_string())?;
        let hazards = TableKind::RemainingHazards.name();
        if ds.layer_by_name(hazards).is_err() {
            return Ok(PreviousRun::Missing);
        }
        Ok(PreviousRun::Read {
            hazards: read_layer(&ds, hazards, "hazard_id")?,
            regions: read_layer(&ds, TableKind::RegionSummary.name(), "region_id")?,
        })
    };
    read().unwrap_or_else(|reason| {
        warn!(path = %gpkg.display(), %reason, "the previous run's GeoPackage cannot be read: no change list");
        PreviousRun::Unreadable(reason)
    })
}

fn number(v: Option<FieldValue>) -> Option<f64> {
    match v? {
        FieldValue::RealValue(x) => Some(x),
        FieldValue::IntegerValue(x) => Some(f64::from(x)),
        FieldValue::Integer64Value(x) => Some(x as f64),
        _ => None,
    }
}

/// (id, remaining_m2, rank) of every feature of `layer`.
fn read_layer(ds: &gdal::Dataset, layer: &str, id_field: &str) -> Result<State, String> {
    let mut l = ds
        .layer_by_name(layer)
        .map_err(|e| format!("layer {layer}: {e}"))?;
    let defn = l.defn();
    let idx = |name: &str| defn.fields().position(|f| f.name() == name);
    let missing = |name: &str| format!("layer {layer} has no column {name}");
    let id = idx(id_field).ok_or_else(|| missing(id_field))?;
    let rem = idx("remaining_m2").ok_or_else(|| missing("remaining_m2"))?;
    let rank = idx("rank");
    let mut state = State::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (row, f) in l.features().enumerate() {
        let key = f
            .field_as_string(id)
            .ok()
            .flatten()
            .ok_or_else(|| format!("layer {layer}: row {} has no {id_field}", row + 1))?;
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        let rank = rank
            .and_then(|i| number(f.field(i).ok().flatten()))
            .map(|r| r as i64);
        state.insert((key, *n), (number(f.field(rem).ok().flatten()), rank));
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_file_is_no_previous_run_and_a_corrupt_one_is_unreadable() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gpkg = dir.path().join("minefree.gpkg");
        assert_eq!(read_previous(&gpkg), PreviousRun::Missing);
        std::fs::write(&gpkg, b"this is not a GeoPackage").expect("write");
        match read_previous(&gpkg) {
            PreviousRun::Unreadable(reason) => assert!(!reason.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
