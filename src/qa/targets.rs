//! QA of the optional `targets` table (R15): each row's `region_id`, `year` and
//! `target_m2` read (text, as a CSV gives them, or numbers), checked, and turned into a
//! [`Target`].
//!
//! * A row without a usable `region_id`, `year` (a whole year in 1900–2200) or
//!   `target_m2` (a finite number ≥ 0) is a `bad_target` error and skipped.
//! * A row for a year after the year of the as-of date is a `target_after_as_of` info
//!   finding and not listed (the plan's future years are not yet achievements).
//! * A row naming a region the run does not have (neither a region nor `_national`) is an
//!   `unknown_region` error; the row is kept, and gets no achievement.
//! * Two or more rows for one (`region_id`, year) are a `duplicate_id` error; all are kept
//!   (each is set against the same released land): a plan has one target per place and
//!   year, so which one was meant is for a person to say.
//!
//! A target's `feature_id` in `qa_findings` is its `region_id` (or `fid:N` when it has
//! none); the messages name the year and the source's feature id.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::LayerCheck;
use crate::config::{Field, LayerKind};
use crate::ingest::RawFeature;
use crate::model::{Check, Finding, Inputs, Severity, Target, TargetPlace, DATE_YEARS};

/// The `layer` of target findings.
const LAYER: LayerKind = LayerKind::Targets;

impl LayerCheck<'_> {
    /// The usable targets for years up to the year of `as_of`, in source order.
    pub(super) fn targets(&mut self, as_of: NaiveDate) -> Vec<Target> {
        let mut out = Vec::new();
        for (index, f) in self.layer.features.iter().enumerate() {
            self.source_index = Some(f.source_index);
            let row = match f.fid {
                Some(fid) => format!("feature id {fid}"),
                None => format!("row {}", index + 1),
            };
            let region_id = self.text(f, Field::RegionId);
            let id = region_id.clone().unwrap_or_else(|| match f.fid {
                Some(fid) => format!("fid:{fid}"),
                None => format!("row:{}", index + 1),
            });
            let target = region_id
                .ok_or_else(|| "no region_id".to_string())
                .and_then(|region_id| Ok((region_id, self.year(f)?, self.target_m2(f)?)));
            let (region_id, year, target_m2) = match target {
                Ok(t) => t,
                Err(why) => {
                    let message = format!("target ({row}): {why}; row skipped");
                    self.finding(Severity::Error, Check::BadTarget, &id, message);
                    continue;
                }
            };
            if year > as_of.year() {
                let message = format!(
                    "target for {year} ({row}), after the year of the as-of date {as_of}; not listed"
                );
                self.finding(Severity::Info, Check::TargetAfterAsOf, &id, message);
                continue;
            }
            out.push(Target {
                place: TargetPlace::parse(&region_id),
                year,
                target_m2,
            });
        }
        out
    }

    /// The row's `year`: a whole number in [`DATE_YEARS`] (`2024`, `"2024"`, `2024.0`).
    fn year(&self, f: &RawFeature) -> Result<i32, String> {
        let value = self
            .value(f, Field::TargetYear)
            .filter(|v| v.text().is_some());
        let value = value.ok_or_else(|| "no year".to_string())?;
        let text = value.text().unwrap_or_default();
        let years = f64::from(*DATE_YEARS.start())..=f64::from(*DATE_YEARS.end());
        match value.number() {
            Ok(y) if y.fract() == 0.0 && years.contains(&y) => Ok(y as i32),
            Ok(_) => Err(format!(
                "year '{text}' is not a whole year from {} to {}",
                DATE_YEARS.start(),
                DATE_YEARS.end()
            )),
            Err(_) => Err(format!("year '{text}' is not a year")),
        }
    }

    /// The row's `target_m2`: a finite number ≥ 0.
    fn target_m2(&self, f: &RawFeature) -> Result<f64, String> {
        let value = self
            .value(f, Field::TargetM2)
            .filter(|v| v.text().is_some());
        let value = value.ok_or_else(|| "no target_m2".to_string())?;
        match value.number() {
            Ok(m2) if m2.is_finite() && m2 >= 0.0 => Ok(m2),
            _ => Err(format!(
                "target_m2 '{}' is not an area in m² (a number ≥ 0)",
                value.text().unwrap_or_default()
            )),
        }
    }
}

/// A target for a region the run does not have: an `unknown_region` error per row.
pub(super) fn unknown_regions(inputs: &Inputs) -> Vec<Finding> {
    let known: BTreeSet<&str> = inputs
        .regions
        .iter()
        .map(|r| r.region_id.as_str())
        .collect();
    inputs
        .targets
        .iter()
        .filter_map(|t| match &t.place {
            TargetPlace::Region(id) if !known.contains(id.as_str()) => Some(Finding::new(
                Severity::Error,
                Check::UnknownRegion,
                LAYER,
                id,
                format!(
                    "the target for {} names region_id '{id}', which is no region of this run \
                     (targets are set per region or for _national); kept without released_m2 \
                     and pct_achieved",
                    t.year
                ),
            )),
            _ => None,
        })
        .collect()
}

/// One `duplicate_id` error per (`region_id`, year) that has several targets.
pub(super) fn duplicates(targets: &[Target]) -> Vec<Finding> {
    let mut by_key: BTreeMap<(&TargetPlace, i32), Vec<f64>> = BTreeMap::new();
    for t in targets {
        by_key
            .entry((&t.place, t.year))
            .or_default()
            .push(t.target_m2);
    }
    by_key
        .into_iter()
        .filter(|(_, values)| values.len() > 1)
        .map(|((place, year), values)| {
            let listed: Vec<String> = values.iter().map(f64::to_string).collect();
            Finding::new(
                Severity::Error,
                Check::DuplicateId,
                LAYER,
                place.as_str(),
                format!(
                    "region_id '{}' has {} targets for {year} ({} m²); all are kept, each set \
                     against the same released land",
                    place.as_str(),
                    values.len(),
                    listed.join(", ")
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(place: &str, year: i32, m2: f64) -> Target {
        Target {
            place: TargetPlace::parse(place),
            year,
            target_m2: m2,
        }
    }

    #[test]
    fn national_is_read_in_any_case_and_trimmed() {
        assert_eq!(TargetPlace::parse(" _NATIONAL "), TargetPlace::National);
        assert_eq!(
            TargetPlace::parse(" TV-NO"),
            TargetPlace::Region("TV-NO".into())
        );
    }

    #[test]
    fn one_duplicate_finding_per_place_and_year() {
        let t = [
            target("A", 2024, 1.0),
            target("A", 2024, 2.0),
            target("A", 2025, 1.0),
            target("_national", 2024, 3.0),
            target("_National", 2024, 3.0),
        ];
        let found = duplicates(&t);
        let ids: Vec<&str> = found.iter().map(|f| f.feature_id.as_str()).collect();
        assert_eq!(ids, ["A", "_national"]);
        assert!(found.iter().all(|f| f.check == Check::DuplicateId));
        assert!(found[0].message.contains("2 targets for 2024"));
    }
}
