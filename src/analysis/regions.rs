//! R5–R6: land (not records) per region, split by region boundaries.
//!
//! Hazards are grouped into connected components of records whose geometries intersect
//! (union-find over R-tree candidates). Each component's land is computed once, as the
//! labelled faces that its hazards, their applying releases and the region boundaries
//! crossing it cut it into ([`super::faces`]); R5's layers (U, M, M_cha, C − M,
//! Rd − M − C, and M_past for R10), each hazard's region (R6) and the ledger (R11) are
//! sums of face areas. Components run in parallel; sums run in component order, so
//! figures do not depend on thread count.

use geo::{MultiPolygon, Rect};
use rayon::prelude::*;

use super::faces::{ComponentFaces, Placing};
pub use super::faces::{Land, Layers};
use super::ledger::{component_ledger, lone_ledger, ComponentLedger, LedgerSpan, RegionLedger};
use super::overlaps;
pub use super::place::Place;
use super::release::{AppliedRelease, HazardAccount};
use crate::geom::area::area_m2;
use crate::geom::clip::{clip_to_rect, padded_rect, rect_union};
use crate::geom::disk::{shares_disk, InteriorDisk};
use crate::geom::inside::EdgeIndex;
use crate::geom::overlay::{intersection, union};
use crate::geom::sides::polygons_meet;
use crate::index::{bbox, box_tree, boxes_in, envelope};
use crate::model::{Check, Finding, Hazard, LayerKind, Region, Severity, Status};

/// Hazard land outside every region below this area (m²) is overlay noise along
/// region boundaries, not land outside (see `sum_faces`).
pub const MIN_OUTSIDE_M2: f64 = 1.0;

/// The result of R5–R6.
#[derive(Debug, Clone)]
pub struct RegionLand {
    /// Land per region, in region order.
    pub regions: Vec<Land>,
    /// Land outside every region.
    pub outside: Land,
    /// Land of the whole run (every point once).
    pub national: Land,
    /// Per hazard: the region holding its largest part (`Outside` when it touches none).
    pub hazard_region: Vec<Place>,
    /// QA findings: overlapping hazards and regions, hazard land outside every region.
    pub findings: Vec<Finding>,
    /// The land ledger (R11), when asked for.
    pub ledger: Option<RegionLedger>,
}

/// Region bounding boxes and region boundary segments, for finding the regions a
/// component touches, whether any boundary crosses its box, and which regions hold a
/// point (one R-tree query, not a pass over every vertex of a region: synth's regions
/// have 7 500 vertices each, and every component asks).
struct RegionIndex {
    boxes: crate::index::BoxTree,
    edges: EdgeIndex,
}

impl RegionIndex {
    fn new(regions: &[Region]) -> RegionIndex {
        RegionIndex {
            boxes: box_tree(regions.iter().map(|r| &r.geometry)),
            edges: EdgeIndex::new(regions.iter().map(|r| &r.geometry)),
        }
    }

    /// When no region boundary crosses the box `b`, the one place the whole box lies in
    /// (a region, or outside every region); `None` when a boundary crosses it or when
    /// overlapping regions both hold it (then the exact overlay decides). No edge comes
    /// within 1e-9° of the box, so the even-odd count of its corner is exact.
    fn sole_place(&self, b: &Rect<f64>) -> Option<Place> {
        let pad = 1e-9;
        let (min, max) = (b.min(), b.max());
        if self
            .edges
            .any_edge_near([min.x - pad, min.y - pad], [max.x + pad, max.y + pad])
        {
            return None;
        }
        match self.edges.holders(min).as_slice() {
            [] => Some(Place::Outside),
            [gi] => Some(Place::Region(*gi)),
            _ => None,
        }
    }
}

struct ComponentResult {
    by_place: Vec<(Place, Land)>,
    national: Land,
    hazard_region: Vec<(usize, Place)>,
    findings: Vec<Finding>,
    ledger: Option<ComponentLedger>,
}

/// Counts one item of the stage's progress when it goes out of scope.
struct TickOnDrop;

impl Drop for TickOnDrop {
    fn drop(&mut self) {
        crate::progress::tick();
    }
}

/// Hazards grouped into connected components (see [`HazardComponents::of`]), and the
/// `overlapping_hazards` findings found on the way.
pub struct HazardComponents {
    /// Each component's hazards (indices), sorted, in order of their first hazard.
    groups: Vec<Vec<usize>>,
    findings: Vec<Finding>,
}

impl HazardComponents {
    /// Connected components of hazards whose geometries intersect, and one
    /// `overlapping_hazards` finding per hazard whose intersection with some other keeps
    /// some area after the sliver rule ([`overlaps`]). Records that only touch are merged
    /// too: an overlap made only of slivers would otherwise be counted twice, and the 1 m²
    /// threshold of land outside every region applies to the whole component.
    pub fn of(hazards: &[Hazard]) -> HazardComponents {
        let (groups, findings) = components(hazards);
        HazardComponents { groups, findings }
    }

    /// Per hazard (of the `n` given to [`Self::of`]): whether it is alone in its
    /// component (only then does the regions stage read its R10 figure from its account).
    pub fn lone(&self, n: usize) -> Vec<bool> {
        let mut lone = vec![false; n];
        for g in &self.groups {
            if let [h] = g[..] {
                lone[h] = true;
            }
        }
        lone
    }
}

/// Computes land per region; `accounts[i]` belongs to `hazards[i]`.
pub fn land_by_region(
    hazards: &[Hazard],
    accounts: &[HazardAccount],
    regions: &[Region],
) -> RegionLand {
    land_and_ledger_by_region(hazards, accounts, regions, None)
}

/// [`land_by_region`], and the land ledger (R11) over `span` when it is given.
pub fn land_and_ledger_by_region(
    hazards: &[Hazard],
    accounts: &[HazardAccount],
    regions: &[Region],
    span: Option<&LedgerSpan>,
) -> RegionLand {
    let components = HazardComponents::of(hazards);
    let applied = accounts.iter().map(|a| a.applied.clone()).collect();
    land_and_ledger_of(components, hazards, accounts, applied, regions, span)
}

/// [`land_and_ledger_by_region`] of the hazards' `components` (of the same hazards), with
/// each hazard's applying releases given apart from its account (`applied[i]` is
/// `accounts[i].applied`; the accounts' own lists are not read). They are handed to the
/// component of their hazard and dropped when it is done, so that each release's geometry
/// is freed as soon as the last component it cuts is done (peak memory).
pub fn land_and_ledger_of(
    components: HazardComponents,
    hazards: &[Hazard],
    accounts: &[HazardAccount],
    mut applied: Vec<Vec<AppliedRelease>>,
    regions: &[Region],
    span: Option<&LedgerSpan>,
) -> RegionLand {
    let index = RegionIndex::new(regions);
    let mut findings = overlapping_regions(regions, &index.boxes);
    let HazardComponents {
        groups: components,
        findings: overlap_findings,
    } = components;
    findings.extend(overlap_findings);
    let sizes = |at_least: usize| components.iter().filter(|c| c.len() >= at_least).count();
    tracing::debug!(
        components = components.len(),
        largest = components.iter().map(Vec::len).max().unwrap_or(0),
        of_10_or_more = sizes(10),
        of_100_or_more = sizes(100),
        "hazard components"
    );
    crate::progress::start(components.len());
    // The largest components first, so that one big cluster does not run alone at the
    // end while the other cores idle; results go back to component order (sums in that
    // order keep the figures independent of the thread count).
    let mut order: Vec<usize> = (0..components.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(components[i].len()));
    let work: Vec<(usize, Vec<Vec<AppliedRelease>>)> = order
        .into_iter()
        .map(|i| {
            let mine = components[i]
                .iter()
                .map(|&h| std::mem::take(&mut applied[h]))
                .collect();
            (i, mine)
        })
        .collect();
    let mut done: Vec<(usize, ComponentResult)> = work
        .into_par_iter()
        .with_max_len(1)
        .map(|(i, applied)| {
            let _done = TickOnDrop;
            let ctx = Component {
                members: &components[i],
                hazards,
                accounts,
                applied: &applied,
                span,
            };
            (i, component_land(&ctx, regions, &index))
        })
        .collect();
    done.sort_by_key(|(i, _)| *i);
    let results = done.into_iter().map(|(_, r)| r);
    let mut out = RegionLand {
        regions: vec![Land::default(); regions.len()],
        outside: Land::default(),
        national: Land::default(),
        hazard_region: vec![Place::Outside; hazards.len()],
        findings: Vec::new(),
        ledger: span.map(|s| RegionLedger::new(s, regions.len())),
    };
    for r in results {
        for (place, land) in r.by_place {
            let target = match place {
                Place::Region(i) => &mut out.regions[i],
                Place::Outside => &mut out.outside,
            };
            target.add(&land);
        }
        out.national.add(&r.national);
        for (h, place) in r.hazard_region {
            out.hazard_region[h] = place;
        }
        if let (Some(total), Some(c)) = (&mut out.ledger, &r.ledger) {
            total.add(c);
        }
        findings.extend(r.findings);
    }
    out.findings = findings;
    out
}

/// See [`HazardComponents::of`].
fn components(hazards: &[Hazard]) -> (Vec<Vec<usize>>, Vec<Finding>) {
    let tree = box_tree(hazards.iter().map(|h| &h.geometry));
    let disks: Vec<Option<InteriorDisk>> = hazards
        .par_iter()
        .map(|h| InteriorDisk::of(&h.geometry.0))
        .collect();
    let touching: Vec<Vec<(usize, bool)>> = hazards
        .par_iter()
        .enumerate()
        .map(|(i, h)| {
            let Some(b) = bbox(&h.geometry) else {
                return vec![];
            };
            boxes_in(&tree, &envelope(&b, 0.0, 0.0))
                .into_iter()
                .filter(|&j| j > i)
                .filter_map(|j| {
                    let (g, d) = (&hazards[j].geometry, disks[j].as_ref());
                    // A disk inside both answers both questions without the (edge by
                    // edge) intersection test: the commonest case in overlapping records.
                    if shares_disk(&h.geometry, disks[i].as_ref(), g, d) {
                        return Some((j, true));
                    }
                    polygons_meet(&h.geometry, g)
                        .then(|| (j, overlaps::interiors_overlap(&h.geometry, None, g, None)))
                })
                .collect()
        })
        .collect();
    let overlapping = touching.iter().enumerate().flat_map(|(i, found)| {
        found
            .iter()
            .filter(|(_, overlap)| *overlap)
            .map(move |&(j, _)| (i, j))
    });
    let findings = overlaps::overlap_findings(hazards, overlapping);
    let pairs = touching
        .into_iter()
        .enumerate()
        .flat_map(|(i, found)| found.into_iter().map(move |(j, _)| (i, j)));
    (crate::index::groups(hazards.len(), pairs), findings)
}

/// One component and what its ledger needs.
struct Component<'a> {
    members: &'a [usize],
    hazards: &'a [Hazard],
    accounts: &'a [HazardAccount],
    /// Each member's applying releases, in member order.
    applied: &'a [Vec<AppliedRelease>],
    span: Option<&'a LedgerSpan<'a>>,
}

/// R5–R6 for one component: its land per place, each hazard's region, the
/// `outside_regions` findings and (when asked for) its R11 ledger, all sums over the
/// component's faces. A lone hazard lying wholly in one place takes its R5 figures from
/// its account (no faces at all without a ledger).
fn component_land(c: &Component, regions: &[Region], index: &RegionIndex) -> ComponentResult {
    let (members, hazards, accounts) = (c.members, c.hazards, c.accounts);
    if let [hi] = members {
        if let Some(mut result) = lone_hazard_land(*hi, &hazards[*hi], &accounts[*hi], index) {
            let place = result.by_place[0].0;
            result.ledger = c
                .span
                .map(|_| lone_ledger(&hazards[*hi], &accounts[*hi], &c.applied[0], place));
            return result;
        }
    }
    let boxes = members.iter().filter_map(|&i| bbox(&hazards[i].geometry));
    let Some(b) = boxes.reduce(rect_union) else {
        return ComponentResult {
            by_place: Vec::new(),
            national: Land::default(),
            hazard_region: vec![],
            findings: Vec::new(),
            ledger: None,
        };
    };
    // Most components lie wholly inside one region: no boundary crosses their box, and
    // their faces need no region cut.
    let sole = index.sole_place(&b);
    let mut cut: Vec<(usize, MultiPolygon<f64>)> = Vec::new();
    if sole.is_none() {
        let clip_box = padded_rect(&b);
        let mut touching = boxes_in(&index.boxes, &envelope(&b, 0.0, 0.0));
        touching.sort_unstable();
        cut = touching
            .into_iter()
            .map(|gi| (gi, clip_to_rect(&regions[gi].geometry, &clip_box)))
            .filter(|(_, g)| !g.0.is_empty())
            .collect();
    }
    let sole_place = |fb: &Rect<f64>| index.sole_place(fb);
    let placing = match sole {
        Some(place) => Placing::Sole(place),
        None => Placing::Cut(&cut, &sole_place),
    };
    let started = std::time::Instant::now();
    let faces = ComponentFaces::build(members, hazards, c.applied, &placing);
    let result = sum_faces(c, &faces, sole);
    if members.len() >= 100 {
        tracing::debug!(
            hazards = members.len(),
            releases = faces.releases.len(),
            regions = cut.len(),
            faces = faces.faces.len(),
            seconds = started.elapsed().as_secs_f64(),
            "large component"
        );
    }
    result
}

/// A component's figures summed over its faces: land per place (land outside every
/// region only from [`MIN_OUTSIDE_M2`] on: less is overlay noise along boundaries that
/// regions share), each hazard's region (the one holding most of it; ties to the lower
/// region index, as regions are sorted by id), the `outside_regions` findings and the
/// ledger.
fn sum_faces(c: &Component, faces: &ComponentFaces, sole: Option<Place>) -> ComponentResult {
    let members = c.members;
    let mut national = Land::default();
    let mut by_place: std::collections::BTreeMap<Place, Land> = Default::default();
    // per member, its area in each place
    let mut shares: Vec<std::collections::BTreeMap<Place, f64>> =
        vec![Default::default(); members.len()];
    for f in &faces.faces {
        let land = faces.land_of(f);
        national.add(&land);
        for &p in &f.places {
            by_place.entry(p).or_default().add(&land);
            for &k in &f.hazards {
                *shares[k as usize].entry(p).or_default() += f.area_m2;
            }
        }
    }
    let has_outside = sole == Some(Place::Outside)
        || by_place
            .get(&Place::Outside)
            .is_some_and(|l| l.original >= MIN_OUTSIDE_M2);
    if !has_outside {
        by_place.remove(&Place::Outside);
    }
    let findings = outside_findings(c, faces, sole, has_outside, &shares);
    let hazard_region = members
        .iter()
        .zip(&shares)
        .map(|(&h, share)| {
            let mut best = (0.0, Place::Outside);
            // in place order: on a tie the lower region index stays
            for (&p, &a) in share.iter().filter(|(p, _)| matches!(p, Place::Region(_))) {
                if a > best.0 {
                    best = (a, p);
                }
            }
            (h, sole.unwrap_or(best.1))
        })
        .collect();
    let places: Vec<Place> = by_place.keys().copied().collect();
    let ledger = c.span.map(|span| component_ledger(faces, &places, span));
    ComponentResult {
        by_place: by_place.into_iter().collect(),
        national,
        hazard_region,
        findings,
        ledger,
    }
}

/// The `outside_regions` findings of a component: each member with land outside every
/// region (from [`MIN_OUTSIDE_M2`] on), with that land (its faces there, merged).
fn outside_findings(
    c: &Component,
    faces: &ComponentFaces,
    sole: Option<Place>,
    has_outside: bool,
    shares: &[std::collections::BTreeMap<Place, f64>],
) -> Vec<Finding> {
    let (members, hazards) = (c.members, c.hazards);
    match sole {
        Some(Place::Outside) => members
            .iter()
            .map(|&hi| outside_finding(&hazards[hi], &hazards[hi].geometry))
            .collect(),
        Some(Place::Region(_)) => Vec::new(),
        None if !has_outside => Vec::new(),
        None => members
            .iter()
            .enumerate()
            .filter(|(k, _)| {
                shares[*k]
                    .get(&Place::Outside)
                    .is_some_and(|&a| a >= MIN_OUTSIDE_M2)
            })
            .map(|(k, &hi)| {
                let parts: Vec<MultiPolygon<f64>> = faces
                    .faces
                    .iter()
                    .filter(|f| f.places.contains(&Place::Outside))
                    .filter(|f| f.hazards.binary_search(&(k as u32)).is_ok())
                    .map(|f| MultiPolygon::new(vec![f.polygon.clone()]))
                    .collect();
                outside_finding(&hazards[hi], &union(parts.iter()))
            })
            .collect(),
    }
}

/// The land figures of one hazard record from its account (`None` without its R10
/// figure).
fn account_land(h: &Hazard, a: &HazardAccount) -> Option<Land> {
    let cha = if h.status == Status::Cha {
        a.remaining_m2
    } else {
        0.0
    };
    Some(Land {
        original: a.original_m2,
        remaining: a.remaining_m2,
        remaining_cha: cha,
        cleared: a.cleared_m2,
        reduced: a.reduced_m2,
        remaining_past: a.remaining_past_m2?,
    })
}

/// A component of one hazard lying wholly in one place: its land figures are the
/// hazard's own (cleared and reduced land are disjoint from its remaining land), with no
/// union, overlay or second measurement. `None` when a region boundary crosses it (or its
/// account lacks its R10 figure).
fn lone_hazard_land(
    hi: usize,
    h: &Hazard,
    a: &HazardAccount,
    index: &RegionIndex,
) -> Option<ComponentResult> {
    let place = index.sole_place(&bbox(&h.geometry)?)?;
    let land = account_land(h, a)?;
    let findings = if place == Place::Outside {
        vec![outside_finding(h, &h.geometry)]
    } else {
        vec![]
    };
    Some(ComponentResult {
        by_place: vec![(place, land)],
        national: land,
        hazard_region: vec![(hi, place)],
        findings,
        ledger: None,
    })
}

/// The `outside_regions` warning for the part of a hazard outside every region.
fn outside_finding(h: &Hazard, part: &MultiPolygon<f64>) -> Finding {
    Finding::new(
        Severity::Warning,
        Check::OutsideRegions,
        LayerKind::Hazards,
        &h.hazard_id,
        format!(
            "{:.0} m² of this hazard lie outside every region; counted under _outside",
            area_m2(part)
        ),
    )
    .at(part.clone())
}

/// One `error` finding per pair of regions whose interiors overlap (R6).
fn overlapping_regions(regions: &[Region], tree: &crate::index::BoxTree) -> Vec<Finding> {
    let pairs: Vec<Vec<Finding>> = regions
        .par_iter()
        .enumerate()
        .map(|(i, a)| {
            let Some(b) = bbox(&a.geometry) else { return vec![] };
            boxes_in(tree, &envelope(&b, 0.0, 0.0))
                .into_iter()
                .filter(|&j| j > i)
                .filter_map(|j| {
                    let shared = intersection(&a.geometry, &regions[j].geometry);
                    (!shared.0.is_empty()).then(|| {
                        Finding::new(
                            Severity::Error,
                            Check::OverlappingRegions,
                            LayerKind::Regions,
                            &a.region_id,
                            format!(
                                "overlaps region '{}' on {:.0} m²; hazard land there is counted in both",
                                regions[j].region_id,
                                area_m2(&shared)
                            ),
                        )
                        .at(shared)
                    })
                })
                .collect()
        })
        .collect();
    pairs.into_iter().flatten().collect()
}
