//! The `overlapping_hazards` findings (R5): one `info` per hazard record whose interior
//! overlaps other records, saying how many and naming the lowest of their ids.
//!
//! The regions stage finds the candidate pairs (records whose geometries intersect);
//! whether two interiors share more than a sliver is decided by an interior disk where
//! one fits in both (no overlay), otherwise by an intersection that is only looked at and
//! dropped. Memory is that of the pairs, not of their intersections: one finding per pair
//! with the shared land as its geometry made 1 127 285 findings and 1.7 GB for 1 500
//! copies of one hazard (issue 21).

use geo::MultiPolygon;

use crate::geom::disk::{shares_disk, InteriorDisk};
use crate::geom::overlay::intersection;
use crate::model::{Check, Finding, Hazard, Severity};

/// How many of the overlapped records' ids a finding names.
pub const IDS_NAMED: usize = 5;

/// Whether the interiors of `a` and `b` share more than a sliver (an intersection that
/// keeps some part after the sliver rule); `a_disk` and `b_disk` are their interior disks.
pub fn interiors_overlap(
    a: &MultiPolygon<f64>,
    a_disk: Option<&InteriorDisk>,
    b: &MultiPolygon<f64>,
    b_disk: Option<&InteriorDisk>,
) -> bool {
    shares_disk(a, a_disk, b, b_disk) || !intersection(a, b).0.is_empty()
}

/// One finding per hazard in some pair of `pairs` (indices into `hazards` whose interiors
/// overlap, each pair once), in hazard order; no geometry (the hazard is in
/// `remaining_hazards` under its id).
pub fn overlap_findings(hazards: &[Hazard], pairs: &[(usize, usize)]) -> Vec<Finding> {
    let mut others: Vec<Vec<usize>> = vec![Vec::new(); hazards.len()];
    for &(i, j) in pairs {
        others[i].push(j);
        others[j].push(i);
    }
    others
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.is_empty())
        .map(|(i, o)| {
            let mut ids: Vec<&str> = o.iter().map(|&j| hazards[j].hazard_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            let named = ids.len().min(IDS_NAMED);
            let mut list = ids[..named].join(", ");
            if ids.len() > named {
                list.push_str(&format!(" and {} more", ids.len() - named));
            }
            let records = if o.len() == 1 { "record" } else { "records" };
            Finding::new(
                Severity::Info,
                Check::OverlappingHazards,
                "hazards",
                &hazards[i].hazard_id,
                format!(
                    "overlaps {} other hazard {records} ({list}); the land is counted once",
                    o.len()
                ),
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
        let f = overlap_findings(&h, &[(0, 1), (1, 2)]);
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
        let f = overlap_findings(&h, &pairs);
        assert_eq!(f.len(), 8);
        // h[7] is H1: the others are H2..H8.
        assert_eq!(
            f[7].message,
            "overlaps 7 other hazard records (H2, H3, H4, H5, H6 and 2 more); the land is counted once"
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
