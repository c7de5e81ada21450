//! R5–R6: land (not records) per region, split by region boundaries.
//!
//! Hazards are grouped into connected components of records whose geometries intersect
//! (union-find over R-tree candidates). Each component is small, so its unions stay
//! cheap and components run in parallel. Per component we build the SPEC's sets
//! U = ∪H, M = ∪remaining(H), M_cha, C = ∪cleared(H), Rd = ∪reduced(H), and the
//! land classes `cleared = C − M`, `reduced = Rd − M − C`, plus M_past (R10), then
//! intersect each with every region it touches (clipped to the component's bounding box)
//! and with the land outside every region. Sums run in component order, so figures do
//! not depend on thread count.

use geo::{BoundingRect, Intersects, MultiPolygon, Rect};
use rayon::prelude::*;

use super::ledger::{
    component_ledger, ComponentLedger, LedgerSpan, PlaceMeasure, RegionLedger, SolePlace,
};
use super::overlaps;
pub use super::place::Place;
use super::release::HazardAccount;
use crate::geom::area::area_m2;
use crate::geom::clip::{clip_to_rect, padded_rect};
use crate::geom::disk::InteriorDisk;
use crate::geom::overlay::{difference, intersection, union};
use crate::index::{bbox, box_tree, boxes_in, envelope};
use crate::model::{Check, Finding, Hazard, LayerKind, Region, Severity, Status};

/// Hazard land outside every region below this area (m²) is overlay noise along
/// region boundaries, not land outside (see `component_land`).
pub const MIN_OUTSIDE_M2: f64 = 1.0;

/// The six land layers of a place or component (SPEC R5), as geometries or as areas.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Layers<T> {
    /// U: all hazard land.
    pub original: T,
    /// M: remaining land.
    pub remaining: T,
    /// Remaining land of CHA records.
    pub remaining_cha: T,
    /// Released land that was cleared: C − M.
    pub cleared: T,
    /// Released land that was reduced: Rd − M − C.
    pub reduced: T,
    /// Remaining land as of the window start (R10).
    pub remaining_past: T,
}

/// Areas in m² of the six land layers.
pub type Land = Layers<f64>;

impl Land {
    /// Adds `other`'s areas layer by layer.
    pub fn add(&mut self, other: &Land) {
        self.original += other.original;
        self.remaining += other.remaining;
        self.remaining_cha += other.remaining_cha;
        self.cleared += other.cleared;
        self.reduced += other.reduced;
        self.remaining_past += other.remaining_past;
    }
}

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
/// component touches and whether any boundary crosses its box.
struct RegionIndex {
    boxes: crate::index::BoxTree,
    edges: rstar::RTree<rstar::primitives::GeomWithData<rstar::primitives::Line<[f64; 2]>, usize>>,
}

impl RegionIndex {
    fn new(regions: &[Region]) -> RegionIndex {
        let edges = regions
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                r.geometry.0.iter().flat_map(move |p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .flat_map(|ring| ring.lines())
                        .map(move |l| {
                            rstar::primitives::GeomWithData::new(
                                rstar::primitives::Line::new(
                                    [l.start.x, l.start.y],
                                    [l.end.x, l.end.y],
                                ),
                                i,
                            )
                        })
                })
            })
            .collect();
        RegionIndex {
            boxes: box_tree(regions.iter().map(|r| &r.geometry)),
            edges: rstar::RTree::bulk_load(edges),
        }
    }

    /// When no region boundary crosses the box `b`, the one place the whole box lies in
    /// (a region, or outside every region); `None` when a boundary crosses it or when
    /// overlapping regions both hold it (then the exact overlay decides).
    fn sole_place(&self, b: &Rect<f64>, regions: &[Region]) -> Option<Place> {
        let pad = 1e-9;
        if self
            .edges
            .locate_in_envelope_intersecting(&envelope(b, pad, pad))
            .next()
            .is_some()
        {
            return None;
        }
        let probe = geo::Point::new(b.min().x, b.min().y);
        let holders: Vec<usize> = boxes_in(&self.boxes, &envelope(b, 0.0, 0.0))
            .into_iter()
            .filter(|&gi| regions[gi].geometry.intersects(&probe))
            .collect();
        match holders.as_slice() {
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

/// A component cut along region boundaries: its piece in each region holding some of its
/// land, and its land outside every region (when it has some).
struct Pieces<'a> {
    parts: Vec<(Place, &'a MultiPolygon<f64>)>,
    index: &'a RegionIndex,
    regions: &'a [Region],
}

impl PlaceMeasure for Pieces<'_> {
    fn measure(&self, g: &MultiPolygon<f64>) -> super::ledger::Measured {
        // The sets measured here (a year's changes) are mostly small polygons far from
        // any boundary: each lying wholly in one place counts there by its area alone;
        // only the others are cut, against pieces first clipped to their box.
        let mut per_place: Vec<(Place, f64)> = self.parts.iter().map(|(p, _)| (*p, 0.0)).collect();
        let mut national = 0.0;
        let mut crossing = Vec::new();
        for poly in &g.0 {
            let a = crate::geom::area::polygon_area_m2(poly);
            national += a;
            let sole = poly
                .bounding_rect()
                .and_then(|b| self.index.sole_place(&b, self.regions));
            match sole {
                Some(place) => {
                    if let Some(slot) = per_place.iter_mut().find(|(p, _)| *p == place) {
                        slot.1 += a;
                    }
                }
                None => crossing.push(poly.clone()),
            }
        }
        let crossing = MultiPolygon::new(crossing);
        if let Some(r) = bbox(&crossing).map(|b| padded_rect(&b)) {
            for (slot, (_, piece)) in per_place.iter_mut().zip(&self.parts) {
                if crate::index::boxes_meet(bbox(piece), Some(r)) {
                    slot.1 += area_m2(&intersection(&crossing, &clip_to_rect(piece, &r)));
                }
            }
        }
        (national, per_place)
    }
}

/// Counts one item of the stage's progress when it goes out of scope.
struct TickOnDrop;

impl Drop for TickOnDrop {
    fn drop(&mut self) {
        crate::progress::tick();
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
    let index = RegionIndex::new(regions);
    let mut findings = overlapping_regions(regions, &index.boxes);
    let (components, overlap_findings) = components(hazards);
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
    let mut done: Vec<(usize, ComponentResult)> = order
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let _done = TickOnDrop;
            let ctx = Component {
                members: &components[i],
                hazards,
                accounts,
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

/// Connected components of hazards whose geometries intersect, each sorted, in order of
/// their first hazard, and one `overlapping_hazards` finding per hazard whose intersection
/// with some other keeps some area after the sliver rule ([`overlaps`]). Records that
/// only touch are merged too: an overlap made only of slivers would otherwise be counted
/// twice, and the 1 m² threshold of land outside every region applies to the whole
/// component.
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
                .filter(|&j| j > i && h.geometry.intersects(&hazards[j].geometry))
                .map(|j| {
                    let (g, d) = (&hazards[j].geometry, disks[j].as_ref());
                    (
                        j,
                        overlaps::interiors_overlap(&h.geometry, disks[i].as_ref(), g, d),
                    )
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
    span: Option<&'a LedgerSpan<'a>>,
}

impl Component<'_> {
    /// The component's ledger measured by `place`, when a ledger is asked for.
    fn ledger(&self, place: &dyn PlaceMeasure) -> Option<ComponentLedger> {
        let span = self.span?;
        Some(component_ledger(
            self.members,
            self.hazards,
            self.accounts,
            span,
            place,
        ))
    }
}

/// R5–R6 for one component: its land per place, each hazard's region, the
/// `outside_regions` findings and (when asked for) its R11 ledger.
fn component_land(c: &Component, regions: &[Region], index: &RegionIndex) -> ComponentResult {
    let (members, hazards, accounts) = (c.members, c.hazards, c.accounts);
    if let [hi] = members {
        if let Some(mut result) =
            lone_hazard_land(*hi, &hazards[*hi], &accounts[*hi], regions, index)
        {
            result.ledger = c.ledger(&SolePlace(result.by_place[0].0));
            return result;
        }
    }
    let all_cha = members.iter().all(|&i| hazards[i].status == Status::Cha);
    let past_is_present = members
        .iter()
        .all(|&i| accounts[i].remaining_past == accounts[i].remaining);
    let (layers, national) = component_layers(members, hazards, accounts, all_cha, past_is_present);
    let land = ComponentLayers {
        layers,
        national,
        all_cha,
        past_is_present,
    };
    let Some(b) = bbox(&land.layers.original) else {
        return ComponentResult {
            by_place: Vec::new(),
            national,
            hazard_region: vec![],
            findings: Vec::new(),
            ledger: None,
        };
    };
    // Most components lie wholly inside one region: no boundary crosses their box, and
    // the land is theirs without any overlay.
    if let Some(place) = index.sole_place(&b, regions) {
        let findings = match place {
            Place::Outside => members
                .iter()
                .map(|&hi| outside_finding(&hazards[hi], &hazards[hi].geometry))
                .collect(),
            Place::Region(_) => Vec::new(),
        };
        return ComponentResult {
            by_place: vec![(place, national)],
            national,
            hazard_region: members.iter().map(|&h| (h, place)).collect(),
            findings,
            ledger: c.ledger(&SolePlace(place)),
        };
    }
    cut_by_regions(c, regions, index, &land, &b)
}

/// A component's land layers, their areas, and which layers equal the remaining land.
struct ComponentLayers {
    layers: Layers<MultiPolygon<f64>>,
    national: Land,
    all_cha: bool,
    past_is_present: bool,
}

impl ComponentLayers {
    /// The layers' areas inside `piece`.
    fn land_in(&self, piece: &MultiPolygon<f64>) -> Land {
        measure(&self.layers, self.all_cha, self.past_is_present, |g| {
            area_m2(&intersection(g, piece))
        })
    }
}

/// A component whose box `b` some region boundary crosses: each touching region is cut
/// to the (padded) box without an overlay, the land measured in each piece and outside
/// them all, and every hazard goes to the region holding most of it.
fn cut_by_regions(
    c: &Component,
    regions: &[Region],
    index: &RegionIndex,
    land: &ComponentLayers,
    b: &Rect<f64>,
) -> ComponentResult {
    let (members, hazards) = (c.members, c.hazards);
    let mut findings = Vec::new();
    let mut by_place = Vec::new();
    let mut best: Vec<(f64, Place)> = vec![(0.0, Place::Outside); members.len()];
    let clip_box = padded_rect(b);
    let mut pieces = Vec::new();
    let mut with_land = Vec::new();
    for gi in boxes_in(&index.boxes, &envelope(b, 0.0, 0.0)) {
        let piece = clip_to_rect(&regions[gi].geometry, &clip_box);
        let here = land.land_in(&piece);
        if here.original > 0.0 {
            with_land.push((Place::Region(gi), pieces.len()));
            by_place.push((Place::Region(gi), here));
            for (k, &hi) in members.iter().enumerate() {
                // A lone hazard's share is the component's original land there.
                let share = if members.len() == 1 {
                    here.original
                } else {
                    area_m2(&intersection(&hazards[hi].geometry, &piece))
                };
                // Ties go to the lower region index (regions are sorted by id), whatever
                // order the index returns them in.
                let place = Place::Region(gi);
                if share > best[k].0 || (share == best[k].0 && share > 0.0 && place < best[k].1) {
                    best[k] = (share, place);
                }
            }
        }
        pieces.push(piece);
    }
    // Land outside every region: subtract the region pieces one by one (a union of
    // pieces that share boundaries could leave specks along them).
    let outside = pieces
        .iter()
        .fold(land.layers.original.clone(), |rest, piece| {
            difference(&rest, piece)
        });
    // Cutting the land along boundaries that regions share can leave specks along them
    // (overlay precision ~1e-9°); land outside counts from 1 m².
    let has_outside = area_m2(&outside) >= MIN_OUTSIDE_M2;
    if has_outside {
        by_place.push((Place::Outside, land.land_in(&outside)));
        for &hi in members {
            let part = intersection(&hazards[hi].geometry, &outside);
            if area_m2(&part) >= MIN_OUTSIDE_M2 {
                findings.push(outside_finding(&hazards[hi], &part));
            }
        }
    }
    let hazard_region = members
        .iter()
        .zip(best)
        .map(|(&h, (_, p))| (h, p))
        .collect();
    let mut measured: Vec<(Place, &MultiPolygon<f64>)> =
        with_land.iter().map(|&(p, k)| (p, &pieces[k])).collect();
    if has_outside {
        measured.push((Place::Outside, &outside));
    }
    let ledger = c.ledger(&Pieces {
        parts: measured,
        index,
        regions,
    });
    ComponentResult {
        by_place,
        national: land.national,
        hazard_region,
        findings,
        ledger,
    }
}

/// The six land layers of a component (see [`Layers`]) and their areas. A lone hazard's
/// layers are its own geometries (its cleared and reduced land are disjoint from its
/// remaining land) and its areas those of its account; larger components merge their
/// members' land. The same land gives the same geometry: a layer known to equal another
/// is reused rather than merged and measured again.
fn component_layers(
    members: &[usize],
    hazards: &[Hazard],
    accounts: &[HazardAccount],
    all_cha: bool,
    past_is_present: bool,
) -> (Layers<MultiPolygon<f64>>, Land) {
    if let [hi] = members {
        let (h, a) = (&hazards[*hi], &accounts[*hi]);
        let cha = h.status == Status::Cha;
        let layers = Layers {
            original: h.geometry.clone(),
            remaining: a.remaining.clone(),
            remaining_cha: if cha {
                a.remaining.clone()
            } else {
                MultiPolygon::new(vec![])
            },
            cleared: a.cleared.clone(),
            reduced: a.reduced.clone(),
            remaining_past: a.remaining_past.clone(),
        };
        return (layers, account_land(h, a));
    }
    let u = union(members.iter().map(|&i| &hazards[i].geometry));
    let m = union(members.iter().map(|&i| &accounts[i].remaining));
    let m_cha = if all_cha {
        m.clone()
    } else {
        union(
            members
                .iter()
                .filter(|&&i| hazards[i].status == Status::Cha)
                .map(|&i| &accounts[i].remaining),
        )
    };
    let m_past = if past_is_present {
        m.clone()
    } else {
        union(members.iter().map(|&i| &accounts[i].remaining_past))
    };
    // Released land by class: cleared = C − M, reduced = Rd − M − C.
    let c = union(members.iter().map(|&i| &accounts[i].cleared));
    let rd = union(members.iter().map(|&i| &accounts[i].reduced));
    let cleared_land = difference(&c, &m);
    let reduced_land = difference(&difference(&rd, &m), &c);
    let layers = Layers {
        original: u,
        remaining: m,
        remaining_cha: m_cha,
        cleared: cleared_land,
        reduced: reduced_land,
        remaining_past: m_past,
    };
    let national = measure(&layers, all_cha, past_is_present, area_m2);
    (layers, national)
}

/// The land figures of one hazard record from its account.
fn account_land(h: &Hazard, a: &HazardAccount) -> Land {
    let cha = if h.status == Status::Cha {
        a.remaining_m2
    } else {
        0.0
    };
    Land {
        original: a.original_m2,
        remaining: a.remaining_m2,
        remaining_cha: cha,
        cleared: a.cleared_m2,
        reduced: a.reduced_m2,
        remaining_past: a.remaining_past_m2,
    }
}

/// A component of one hazard lying wholly in one place: its land figures are the
/// hazard's own (cleared and reduced land are disjoint from its remaining land), with no
/// union, overlay or second measurement. `None` when a region boundary crosses it.
fn lone_hazard_land(
    hi: usize,
    h: &Hazard,
    a: &HazardAccount,
    regions: &[Region],
    index: &RegionIndex,
) -> Option<ComponentResult> {
    let place = index.sole_place(&bbox(&h.geometry)?, regions)?;
    let land = account_land(h, a);
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

/// Measures the six layers of a component with `area_of`, reusing the remaining land's
/// figure for layers that equal it (all records CHA; no release in the window).
fn measure(
    layers: &Layers<MultiPolygon<f64>>,
    all_cha: bool,
    past_is_present: bool,
    area_of: impl Fn(&MultiPolygon<f64>) -> f64,
) -> Land {
    let remaining = area_of(&layers.remaining);
    let unless = |same: bool, g: &MultiPolygon<f64>| if same { remaining } else { area_of(g) };
    Land {
        original: area_of(&layers.original),
        remaining,
        remaining_cha: unless(all_cha, &layers.remaining_cha),
        cleared: area_of(&layers.cleared),
        reduced: area_of(&layers.reduced),
        remaining_past: unless(past_is_present, &layers.remaining_past),
    }
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
