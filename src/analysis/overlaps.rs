//! The `overlapping_hazards` findings (R5): one `info` per hazard record whose interior
//! overlaps other records, saying how many and naming the lowest of their ids.
//!
//! The hazards' components (`regions::HazardComponents`, found at the start of the
//! release stage) give the candidate pairs (records whose geometries intersect); whether
//! two interiors share more than a sliver is decided by an interior disk where one fits
//! in both (no overlay), otherwise by an intersection of the two records cut to each
//! other's box that is only looked at and dropped. Memory is that of the pairs, not of their intersections: one finding per pair
//! with the shared land as its geometry made 1 127 285 findings and 1.7 GB for 1 500
//! copies of one hazard (issue 21).

use geo::{BoundingRect, MultiPolygon};

use crate::geom::clip::{clip_to_rect, padded_rect};
use crate::geom::disk::{disk_fits, shares_disk, InteriorDisk};
use crate::geom::overlay::intersection;
use crate::geom::sides::polygons_meet;
use crate::model::{Check, Finding, Hazard, LayerKind, Severity};

/// How many of the overlapped records' ids a finding names.
pub const IDS_NAMED: usize = 5;

/// Whether the interiors of `a` and `b` share more than a sliver (an intersection that
/// keeps some part after the sliver rule); `a_disk` and `b_disk` are their interior disks
/// ([`cut_overlaps`], with `b` first cut to `a`'s padded box).
pub fn interiors_overlap(
    a: &MultiPolygon<f64>,
    a_disk: Option<&InteriorDisk>,
    b: &MultiPolygon<f64>,
    b_disk: Option<&InteriorDisk>,
) -> bool {
    let b_near = a
        .bounding_rect()
        .map(|r| clip_to_rect(b, &padded_rect(&r)))
        .unwrap_or_else(|| MultiPolygon::new(vec![]));
    cut_overlaps((a, a_disk), (b, b_disk), &b_near)
}

/// [`interiors_overlap`] (R3's "interiors intersect" too), given `b_near`: `b` cut to
/// `a`'s padded box. Each polygon is cut to the other's box, in linear time (their
/// intersection lies in both): an empty cut answers no, and a disk of
/// [`DISK_DEG`](crate::geom::disk::DISK_DEG) inside both, found around the interior point
/// of either polygon or of either cut, answers yes without an overlay (on gen.py's data,
/// where releases spill over several hazards, that leaves one pair in ten for the overlay,
/// between the two cuts); cuts that do not even touch answer no; only the rest need the
/// intersection itself, of the two cuts, far smaller than the records where a long strip
/// meets a small one.
pub fn cut_overlaps(
    (a, a_disk): (&MultiPolygon<f64>, Option<&InteriorDisk>),
    (b, b_disk): (&MultiPolygon<f64>, Option<&InteriorDisk>),
    b_near: &MultiPolygon<f64>,
) -> bool {
    if b_near.0.is_empty() {
        return false; // nothing of `b` inside `a`'s box
    }
    if shares_disk(a, a_disk, b, b_disk) {
        return true;
    }
    // A `b` that covers part of `a` and spills over its neighbours has its own interior
    // point elsewhere: its part in `a`'s box has one near `a`.
    if disk_fits(InteriorDisk::of(&b_near.0).as_ref(), a) {
        return true;
    }
    // Likewise `a`'s part in the box of `b`'s part; none means disjoint.
    let a_near = b_near
        .bounding_rect()
        .map(|r| clip_to_rect(a, &padded_rect(&r)));
    let Some(a_near) = a_near.filter(|g| !g.0.is_empty()) else {
        return false;
    };
    if disk_fits(InteriorDisk::of(&a_near.0).as_ref(), b_near) {
        return true;
    }
    polygons_meet(&a_near, b_near) && !intersection(&a_near, b_near).0.is_empty()
}

/// The records one hazard overlaps: how many, and the [`IDS_NAMED`] lowest of their ids
/// with the number of those records holding each. Bounded whatever the number of records:
/// an id that is not among the lowest when it comes never becomes one of them later (the
/// lowest only get lower), so the counts of those kept are exact.
#[derive(Debug, Clone, Default)]
struct Overlapped<'a> {
    records: usize,
    lowest: Vec<(&'a str, usize)>,
}

impl<'a> Overlapped<'a> {
    fn add(&mut self, id: &'a str) {
        self.records += 1;
        match self.lowest.binary_search_by(|(x, _)| (*x).cmp(id)) {
            Ok(k) => self.lowest[k].1 += 1,
            Err(k) if k < IDS_NAMED => {
                self.lowest.insert(k, (id, 1));
                self.lowest.truncate(IDS_NAMED);
            }
            Err(_) => {}
        }
    }

    /// "overlaps 7 other hazard records (H2, H3, H4, H5, H6 and 2 more)".
    fn describe(&self) -> String {
        let ids: Vec<&str> = self.lowest.iter().map(|(id, _)| *id).collect();
        let named: usize = self.lowest.iter().map(|(_, n)| n).sum();
        let more = match self.records - named {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let records = if self.records == 1 {
            "record"
        } else {
            "records"
        };
        format!(
            "overlaps {} other hazard {records} ({}{more})",
            self.records,
            ids.join(", ")
        )
    }
}

/// One finding per hazard in some pair of `pairs` (indices into `hazards` whose interiors
/// overlap, each pair once), in hazard order; no geometry (the hazard is in
/// `remaining_hazards` under its id). Memory grows with the hazards, not the pairs.
pub fn overlap_findings(
    hazards: &[Hazard],
    pairs: impl IntoIterator<Item = (usize, usize)>,
) -> Vec<Finding> {
    let mut overlapped: Vec<Overlapped> = vec![Overlapped::default(); hazards.len()];
    for (i, j) in pairs {
        overlapped[i].add(&hazards[j].hazard_id);
        overlapped[j].add(&hazards[i].hazard_id);
    }
    overlapped
        .iter()
        .enumerate()
        .filter(|(_, o)| o.records > 0)
        .map(|(i, o)| {
            Finding::new(
                Severity::Info,
                Check::OverlappingHazards,
                LayerKind::Hazards,
                &hazards[i].hazard_id,
                format!("{}; the land is counted once", o.describe()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::test_shapes::square;
    use crate::model::Status;

    fn hazard(id: &str, geometry: MultiPolygon<f64>) -> Hazard {
        Hazard {
            hazard_id: id.to_string(),
            status: Status::Sha,
            hazard_type: None,
            recorded_on: None,
            geometry,
            extra: Vec::new(),
        }
    }

    #[test]
    fn each_hazard_names_the_records_it_overlaps() {
        let h = [
            hazard("A", square(0.0, 0.0, 2.0, 1.0)),
            hazard("B", square(1.0, 0.0, 3.0, 1.0)),
            hazard("C", square(2.5, 0.0, 4.0, 1.0)),
        ];
        let f = overlap_findings(&h, [(0, 1), (1, 2)]);
        let got: Vec<(&str, &str)> = f
            .iter()
            .map(|f| (f.feature_id.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "A",
                    "overlaps 1 other hazard record (B); the land is counted once"
                ),
                (
                    "B",
                    "overlaps 2 other hazard records (A, C); the land is counted once"
                ),
                (
                    "C",
                    "overlaps 1 other hazard record (B); the land is counted once"
                ),
            ]
        );
        assert!(f.iter().all(|f| f.geometry.is_none()));
    }

    #[test]
    fn many_overlaps_name_the_five_lowest_ids() {
        let h: Vec<Hazard> = (0..8)
            .map(|k| hazard(&format!("H{}", 8 - k), square(0.0, 0.0, 1.0, 1.0)))
            .collect();
        let pairs: Vec<(usize, usize)> = (0..8)
            .flat_map(|i| (i + 1..8).map(move |j| (i, j)))
            .collect();
        let f = overlap_findings(&h, pairs);
        assert_eq!(f.len(), 8);
        // h[7] is H1: the others are H2..H8.
        assert_eq!(
            f[7].message,
            "overlaps 7 other hazard records (H2, H3, H4, H5, H6 and 2 more); the land is counted once"
        );
    }

    #[test]
    fn records_sharing_an_id_are_counted_and_the_id_named_once() {
        // A overlaps three records with id X, one with Y and one with Z, then W (lower
        // than X) comes last: the five lowest ids are W, X, Y, Z: all named, nothing more.
        let ids = ["A", "X", "Y", "X", "Z", "X", "W"];
        let h: Vec<Hazard> = ids
            .iter()
            .map(|id| hazard(id, square(0.0, 0.0, 1.0, 1.0)))
            .collect();
        let f = overlap_findings(&h, (1..ids.len()).map(|j| (0, j)));
        assert_eq!(
            f[0].message,
            "overlaps 6 other hazard records (W, X, Y, Z); the land is counted once"
        );
        // Six distinct lower ids push the last out: 1 + 1 + 1 + 1 + 1 named of 7 records.
        let ids = ["A", "F", "E", "D", "C", "B", "B", "G"];
        let h: Vec<Hazard> = ids
            .iter()
            .map(|id| hazard(id, square(0.0, 0.0, 1.0, 1.0)))
            .collect();
        let f = overlap_findings(&h, (1..ids.len()).map(|j| (0, j)));
        assert_eq!(
            f[0].message,
            "overlaps 7 other hazard records (B, C, D, E, F and 1 more); the land is counted once"
        );
    }

    #[test]
    fn touching_squares_do_not_overlap_but_crossing_ones_do() {
        let (a, b, c) = (
            square(0.0, 0.0, 1.0, 1.0),
            square(1.0, 0.0, 2.0, 1.0),
            square(0.5, 0.5, 1.5, 1.5),
        );
        let disk = |g: &MultiPolygon<f64>| InteriorDisk::of(&g.0);
        assert!(!interiors_overlap(
            &a,
            disk(&a).as_ref(),
            &b,
            disk(&b).as_ref()
        ));
        assert!(interiors_overlap(
            &a,
            disk(&a).as_ref(),
            &c,
            disk(&c).as_ref()
        ));
        // Sharing a strip of 1e-7° × 2e-6° = 2e-13 deg², under the sliver size, is not an
        // overlap (no disk given: the overlay decides).
        let d = square(0.999_999_9, 0.0, 1.000_000_1, 0.000_002);
        assert!(!interiors_overlap(&a, None, &d, None));
    }
}
