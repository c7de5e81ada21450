//! R3–R4: which releases apply to which hazard, and each hazard's remaining, cleared,
//! reduced and cancelled land.
//!
//! Candidates come from an R-tree of release bounding boxes; a release *applies* to a
//! hazard when `hazard ∩ release` keeps some area after the sliver rule (interiors
//! intersect) and it was completed on or after the hazard was recorded (a hazard with no
//! `recorded_on` counts as recorded before every release). Hazards are processed in
//! parallel; results come back in hazard order, so they do not depend on thread count.
//!
//! The same pass also computes `remaining_past`: the hazard minus only the releases
//! completed on or before the start of the progress window (R10), so the "as of D − window"
//! state needs no second run; only for the hazards the caller asks it for (the regions
//! stage sums the faces of a component of several hazards instead, and needs it only for
//! lone hazards).

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use geo::{Geometry, MultiPolygon, Rect};
use rayon::prelude::*;

use super::overlaps::cut_overlaps;
use crate::geom::area::area_m2;
use crate::geom::clip::{clip_to_rect, padded_rect, rect_within, Boxed};
use crate::geom::disk::InteriorDisk;
use crate::geom::overlay::{difference_all, split_by};
use crate::geom::ring::compact;
use crate::geom::sides::Sides;
use crate::geom::split::split_parts;
use crate::index::{box_tree, boxes_in, envelope};
use crate::model::{Check, Finding, Hazard, LayerKind, Method, Release, Severity};

/// The land-release figures of one hazard record.
#[derive(Debug, Clone)]
pub struct HazardAccount {
    /// remaining(H): the hazard minus every applying release (the other layers' land,
    /// cleared(H), reduced(H) and the state at the window start, is measured and not
    /// kept: the regions stage sums faces).
    pub remaining: MultiPolygon<f64>,
    /// |H| in m².
    pub original_m2: f64,
    /// |remaining(H)| in m².
    pub remaining_m2: f64,
    /// |the hazard minus the applying releases completed on or before the window start|
    /// in m² (`None` when it was not asked for).
    pub remaining_past_m2: Option<f64>,
    /// original − remaining, clamped at 0.
    pub released_m2: f64,
    /// |cleared(H)| in m².
    pub cleared_m2: f64,
    /// |reduced(H)| in m² (without land that was also cleared).
    pub reduced_m2: f64,
    /// released − cleared − reduced, clamped at 0.
    pub cancelled_m2: f64,
    /// The releases that apply to this hazard (R3), as indices into the releases, in
    /// index order.
    pub applying: Vec<usize>,
    /// The same releases with their land, in the same order: the land's faces (R5, R6,
    /// R10, R11) are cut by them. A run moves them to the regions stage, which frees
    /// them component by component (empty afterwards).
    pub applied: Vec<AppliedRelease>,
}

/// A release applying to a hazard (R3), as the land's faces need it.
#[derive(Debug, Clone)]
pub struct AppliedRelease {
    /// Index into the releases.
    pub release: usize,
    /// Its method.
    pub method: Method,
    /// Its completion date.
    pub completed_on: NaiveDate,
    /// Completed on or before the start of the progress window (R10).
    pub before_window: bool,
    /// An exact copy of the hazard: its land is the hazard's (`land` is then empty).
    pub covers: bool,
    /// The release's own geometry, shared (empty for an exact copy): the regions stage
    /// cuts it to the hazard's padded box when it needs it ([`Self::land_near`]), and
    /// frees it with the last component it cuts. Not kept cut: a national run would hold
    /// one copy per hazard and release, allocated among the release stage's temporaries
    /// (peak memory).
    pub land: Arc<MultiPolygon<f64>>,
    /// The release lies wholly inside the hazard's padded box: `land` is all of its land
    /// near the hazard as it is (so it may cut the faces of every hazard it covers at
    /// once).
    pub whole: bool,
    /// Its rank among the run's releases in the order land is credited (R11, R13): by
    /// completion year, then cleared, reduced, cancelled, then date, then `release_id`.
    pub order: u32,
}

impl AppliedRelease {
    /// The release's land as far as the hazard is concerned: `land` cut to the hazard's
    /// padded box ([`hazard_clip_box`]), with far fewer edges for long strips and large
    /// cancellations over many hazards; `land` itself, not copied, when it lies in that
    /// box.
    pub fn land_near(&self, clip_box: Option<&Rect<f64>>) -> Cow<'_, MultiPolygon<f64>> {
        match clip_box {
            Some(b) if !self.whole => Cow::Owned(clip_to_rect(&self.land, b)),
            _ => Cow::Borrowed(&*self.land),
        }
    }
}

/// The box a hazard's releases are cut to (its own, padded: see
/// [`AppliedRelease::land_near`]); `None` for an empty hazard.
pub fn hazard_clip_box(h: &MultiPolygon<f64>) -> Option<Rect<f64>> {
    crate::index::bbox(h).map(|b| padded_rect(&b))
}

/// A release overlapping a hazard, and whether it applies (dates).
#[derive(Debug, Clone, Copy)]
struct Overlap {
    release: usize,
    applies: bool,
}

/// Computes [`HazardAccount`]s for every hazard (same order) and the R3 QA findings.
pub fn account_hazards(
    hazards: &[Hazard],
    releases: &[Release],
    window_start: NaiveDate,
) -> (Vec<HazardAccount>, Vec<Finding>) {
    let shapes = releases
        .iter()
        .map(|r| Arc::new(r.geometry.clone()))
        .collect();
    account_hazards_where(hazards, releases, shapes, window_start, &|_| true)
}

/// [`account_hazards`], with the releases' geometries given apart (`shapes`, in release
/// order: their own `geometry` is not read), so that a release lying in a hazard's box
/// is that hazard's applying land without a copy ([`AppliedRelease::land`]); and with
/// the state as of the window start (`remaining_past_m2`) only for the hazards (by
/// index) that `needs_past` names.
pub fn account_hazards_where(
    hazards: &[Hazard],
    releases: &[Release],
    shapes: Vec<Arc<MultiPolygon<f64>>>,
    window_start: NaiveDate,
    needs_past: &(dyn Fn(usize) -> bool + Sync),
) -> (Vec<HazardAccount>, Vec<Finding>) {
    debug_assert_eq!(shapes.len(), releases.len(), "one shape per release");
    let index = ReleaseIndex::new(&shapes);
    crate::progress::start(hazards.len());
    // the credit order's sort (sequential) runs beside the accounts
    let (results, order): (Vec<(HazardAccount, Vec<Overlap>)>, _) = rayon::join(
        || {
            hazards
                .par_iter()
                .enumerate()
                .map(|(i, h)| {
                    let window = (window_start, needs_past(i));
                    let out = account_one(h, releases, &index, window);
                    crate::progress::tick();
                    out
                })
                .collect()
        },
        || credit_ranks(releases),
    );
    // every (release, hazard, applies) overlap in one flat list by release, then hazard:
    // a list per release cost 1.2 M allocations at synth 1000, at the stage's peak
    let mut pairs: Vec<(u32, u32, bool)> = Vec::new();
    let accounts = results
        .into_iter()
        .enumerate()
        .map(|(hi, (mut a, overlaps))| {
            let hi = u32::try_from(hi).expect("fewer than 2^32 hazards");
            pairs.extend(
                overlaps
                    .iter()
                    .map(|o| (release_u32(o.release), hi, o.applies)),
            );
            for x in &mut a.applied {
                x.order = order[x.release];
            }
            a
        })
        .collect();
    pairs.par_sort_unstable();
    let findings = release_findings(hazards, (releases, &shapes), &pairs);
    (accounts, findings)
}

fn release_u32(i: usize) -> u32 {
    u32::try_from(i).expect("fewer than 2^32 releases")
}

/// Each release's rank in the order land is credited (see [`AppliedRelease::order`]).
fn credit_ranks(releases: &[Release]) -> Vec<u32> {
    let strength = |m: Method| match m {
        Method::Cleared => 0u8,
        Method::Reduced => 1,
        Method::Cancelled => 2,
    };
    let mut by_order: Vec<usize> = (0..releases.len()).collect();
    by_order.sort_by_key(|&i| {
        let r = &releases[i];
        (
            r.completed_on.year(),
            strength(r.method),
            r.completed_on,
            r.release_id.as_str(),
        )
    });
    let mut rank = vec![0; releases.len()];
    for (k, i) in by_order.into_iter().enumerate() {
        rank[i] = u32::try_from(k).expect("fewer than 2^32 releases");
    }
    rank
}

/// An applying release as the hazard's overlays see it.
struct Applying {
    /// The release clipped to the hazard's padded box: the same land inside it, with far
    /// fewer edges for long strips and large cancellations over many hazards.
    geometry: Arc<MultiPolygon<f64>>,
    /// The release is an exact copy of the hazard (a whole SHA cancelled, a whole CHA
    /// cleared: common in real exports), so it covers all of it.
    covers: bool,
    /// Completed on or before the start of the progress window.
    before_window: bool,
    /// The release lies inside the hazard's padded box: `geometry` is all of it.
    whole: bool,
    method: Method,
    /// Index into the releases.
    release: usize,
    completed_on: NaiveDate,
}

/// `(h − ∪set, h ∩ ∪set)`, the second only when `inside` is asked for (else empty): one
/// overlay (the releases stacked and filled by the non-zero rule), one split where there
/// is one release or only one is left ([`split_parts`]: mostly without an overlay graph,
/// and it tells a release covering or missing the hazard too), or none when one of them
/// covers the hazard (an exact copy, or as the rings show: [`Sides::covers_or_misses`]); the
/// releases the rings show missing it are left out.
fn peel(
    h: &MultiPolygon<f64>,
    set: &[&Applying],
    inside: bool,
) -> (MultiPolygon<f64>, MultiPolygon<f64>) {
    let empty = || MultiPolygon::new(vec![]);
    let mut parts: Vec<&MultiPolygon<f64>> = Vec::with_capacity(set.len());
    let sides = Sides::new(h);
    // one release goes to the split below, which tells a cover or a miss itself
    let lone = set.len() == 1;
    for a in set {
        match a.covers.then_some(true).or_else(|| {
            (!lone)
                .then(|| sides.covers_or_misses(&a.geometry))
                .flatten()
        }) {
            Some(true) => return (empty(), if inside { h.clone() } else { empty() }),
            Some(false) => {}
            None => parts.push(&a.geometry),
        }
    }
    if parts.is_empty() {
        return (h.clone(), empty());
    }
    if let [one] = parts[..] {
        // one release (or one left): split without an overlay graph where the boundaries
        // allow (`geom::split`); several are one overlay, cheaper than one split each
        let (out, taken) = split_parts(h, one);
        return (out, if inside { taken } else { empty() });
    }
    if inside {
        split_by(h, &parts)
    } else {
        (difference_all(h, &parts), empty())
    }
}

/// R3–R4 for one hazard: its account and every release overlapping it.
fn account_one(
    h: &Hazard,
    releases: &[Release],
    index: &ReleaseIndex,
    (window_start, needs_past): (NaiveDate, bool),
) -> (HazardAccount, Vec<Overlap>) {
    let (applying, overlaps) = applying_releases(h, releases, index, window_start);
    let (mut remaining, cleared, reduced) = peel_by_method(&h.geometry, &applying);
    // measured now and dropped: a national run's accounts hold only what later stages read
    let (cleared_m2, reduced_m2) = (area_m2(&cleared), area_m2(&reduced));
    drop((cleared, reduced));
    compact(&mut remaining);
    let original_m2 = area_m2(&h.geometry);
    // Without any applying release the remaining land is the hazard itself (same
    // geometry, same area: no second measurement).
    let remaining_m2 = if applying.is_empty() {
        original_m2
    } else {
        area_m2(&remaining)
    };
    // When no applying release falls in the window, the past state is the present one:
    // reuse it, so that identical land gives identical areas (no overlay noise in R10).
    let past: Vec<&Applying> = applying.iter().filter(|a| a.before_window).collect();
    let remaining_past_m2 = if !needs_past {
        None
    } else if past.len() == applying.len() {
        Some(remaining_m2)
    } else if past.is_empty() {
        // nothing released by the window start: the hazard itself, measured above
        Some(original_m2)
    } else {
        Some(area_m2(&peel(&h.geometry, &past, false).0))
    };
    let released_m2 = (original_m2 - remaining_m2).max(0.0);
    let split = MethodSplit::of(released_m2, cleared_m2, reduced_m2);
    let mut applying_ids: Vec<usize> = overlaps
        .iter()
        .filter(|o| o.applies)
        .map(|o| o.release)
        .collect();
    applying_ids.sort_unstable();
    let mut applied: Vec<AppliedRelease> = applying
        .into_iter()
        .map(|a| AppliedRelease {
            release: a.release,
            method: a.method,
            completed_on: a.completed_on,
            before_window: a.before_window,
            covers: a.covers,
            whole: a.whole,
            order: 0,
            land: if a.covers {
                Arc::new(MultiPolygon::new(vec![]))
            } else {
                Arc::clone(&index.shapes[a.release])
            },
        })
        .collect();
    applied.sort_by_key(|a| a.release);
    let account = HazardAccount {
        remaining,
        original_m2,
        remaining_m2,
        remaining_past_m2,
        released_m2,
        cleared_m2: split.cleared_m2,
        reduced_m2: split.reduced_m2,
        cancelled_m2: split.cancelled_m2,
        applying: applying_ids,
        applied,
    };
    (account, overlaps)
}

/// The releases as every hazard's search meets them, measured once: an R-tree of their
/// boxes, and per release its interior disk and parts' boxes (for clipping; its box is
/// theirs).
struct ReleaseIndex<'a> {
    tree: crate::index::BoxTree,
    disks: Vec<Option<InteriorDisk>>,
    parts: Vec<Boxed<'a>>,
    shapes: &'a [Arc<MultiPolygon<f64>>],
}

impl<'a> ReleaseIndex<'a> {
    fn new(shapes: &'a [Arc<MultiPolygon<f64>>]) -> ReleaseIndex<'a> {
        // the tree's bulk load is sequential: it runs beside the rest
        let (tree, (disks, parts)) = rayon::join(
            || box_tree(shapes.iter().map(|g| &**g)),
            || {
                shapes
                    .par_iter()
                    .map(|g| (InteriorDisk::of(&g.0), Boxed::new(g)))
                    .unzip()
            },
        );
        ReleaseIndex {
            tree,
            disks,
            parts,
            shapes,
        }
    }
}

/// R3: the releases whose overlap with `h` keeps some area, and of those the ones that
/// apply (completed on or after the hazard was recorded), clipped to the hazard's box.
fn applying_releases(
    h: &Hazard,
    releases: &[Release],
    index: &ReleaseIndex,
    window_start: NaiveDate,
) -> (Vec<Applying>, Vec<Overlap>) {
    let mut overlaps = Vec::new();
    let mut applying: Vec<Applying> = Vec::new();
    if let (Some(bbox), Some(clip_box)) = (
        crate::index::bbox(&h.geometry),
        hazard_clip_box(&h.geometry),
    ) {
        let h_point = InteriorDisk::of(&h.geometry.0);
        for ri in boxes_in(&index.tree, &envelope(&bbox, 0.0, 0.0)) {
            let (r, shape) = (&releases[ri], &index.shapes[ri]);
            let covers = **shape == h.geometry;
            // The release within the hazard's (padded) box: the same land as far as the
            // hazard is concerned, with far fewer edges for long strips and large
            // cancellations over many hazards; the release itself (shared, no copy) when
            // it lies in that box.
            let whole = index.parts[ri]
                .bounding_rect()
                .is_some_and(|b| rect_within(&b, &clip_box));
            let clipped = (!whole).then(|| index.parts[ri].clip(&clip_box));
            let near: &MultiPolygon<f64> = clipped.as_ref().unwrap_or(shape);
            let (h_part, r_part) = (
                (&h.geometry, h_point.as_ref()),
                (&**shape, index.disks[ri].as_ref()),
            );
            if !covers && !cut_overlaps(h_part, r_part, near) {
                continue;
            }
            let applies = h.recorded_on.is_none_or(|d| r.completed_on >= d);
            overlaps.push(Overlap {
                release: ri,
                applies,
            });
            if applies {
                let geometry = match clipped {
                    Some(g) => Arc::new(g),
                    None => Arc::clone(shape),
                };
                applying.push(Applying {
                    geometry,
                    covers,
                    whole,
                    before_window: r.completed_on <= window_start,
                    method: r.method,
                    release: ri,
                    completed_on: r.completed_on,
                });
            }
        }
    }
    (applying, overlaps)
}

/// R4 by peeling the hazard method by method, two results per overlay: cleared(H) =
/// H ∩ ∪cleared; of the rest, reduced(H) = (H − ∪cleared) ∩ ∪reduced; what is left after
/// the cancellations is remaining(H) = H − ∪applying. Every step subtracts whole
/// releases, never parts cut from the hazard (which can leave zero-width corridors where
/// a release edge runs along the hazard edge). Returns (remaining, cleared, reduced).
fn peel_by_method(
    h: &MultiPolygon<f64>,
    applying: &[Applying],
) -> (MultiPolygon<f64>, MultiPolygon<f64>, MultiPolygon<f64>) {
    let mut rest = h.clone();
    let [mut cleared, mut reduced] = [MultiPolygon::new(vec![]), MultiPolygon::new(vec![])];
    for method in [Method::Cleared, Method::Reduced, Method::Cancelled] {
        let set: Vec<&Applying> = applying.iter().filter(|a| a.method == method).collect();
        if set.is_empty() {
            continue;
        }
        let (out, taken) = peel(&rest, &set, method != Method::Cancelled);
        match method {
            Method::Cleared => cleared = taken,
            Method::Reduced => reduced = taken,
            Method::Cancelled => {}
        }
        rest = out;
    }
    (rest, cleared, reduced)
}

/// Released land by method, as a written row shows it (SPEC R5's derived figures): the
/// measured cleared and reduced areas are clamped so that they never exceed the released
/// land (geodesic areas of pieces do not add up exactly), and cancelled is the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MethodSplit {
    /// `min(cleared, released)`.
    pub cleared_m2: f64,
    /// `min(reduced, released − cleared)`.
    pub reduced_m2: f64,
    /// `released − cleared − reduced`, never below 0.
    pub cancelled_m2: f64,
}

impl MethodSplit {
    /// The split of `released_m2` given the measured cleared and reduced areas.
    pub fn of(released_m2: f64, cleared_m2: f64, reduced_m2: f64) -> MethodSplit {
        let cleared_m2 = cleared_m2.min(released_m2).max(0.0);
        let reduced_m2 = reduced_m2.min(released_m2 - cleared_m2).max(0.0);
        MethodSplit {
            cleared_m2,
            reduced_m2,
            cancelled_m2: (released_m2 - cleared_m2 - reduced_m2).max(0.0),
        }
    }
}

/// R3 QA: ids that name a hazard the release does not overlap, releases predating a
/// hazard, releases that touch no hazard.
fn release_findings(
    hazards: &[Hazard],
    (releases, shapes): (&[Release], &[Arc<MultiPolygon<f64>>]),
    pairs: &[(u32, u32, bool)],
) -> Vec<Finding> {
    let known: std::collections::HashSet<&str> =
        hazards.iter().map(|h| h.hazard_id.as_str()).collect();
    // `pairs` is sorted by release: each release's overlaps are one run of it
    let start = |ri: usize| pairs.partition_point(|p| p.0 < release_u32(ri));
    releases
        .par_iter()
        .enumerate()
        .flat_map_iter(|(ri, r)| {
            let overlaps = &pairs[start(ri)..start(ri + 1)];
            findings_of_release((r, &shapes[ri]), overlaps, hazards, &known)
        })
        .collect()
}

/// [`release_findings`] of one release, given its `(release, hazard, applies)` overlaps.
fn findings_of_release(
    (r, shape): (&Release, &Arc<MultiPolygon<f64>>),
    overlaps: &[(u32, u32, bool)],
    hazards: &[Hazard],
    known: &std::collections::HashSet<&str>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    // the release's findings share one copy of its geometry
    let at: std::cell::OnceCell<Arc<Geometry<f64>>> = std::cell::OnceCell::new();
    let finding = |severity, check, message: String| {
        let g = at.get_or_init(|| Arc::new(Geometry::MultiPolygon((**shape).clone())));
        Finding::new(severity, check, LayerKind::Releases, &r.release_id, message)
            .at_shared(Arc::clone(g))
    };
    // An id naming no hazard at all is QA's finding (`unknown_hazard_id`).
    if let Some(named) = &r.hazard_id {
        if known.contains(named.as_str())
            && !overlaps
                .iter()
                .any(|&(_, hi, _)| hazards[hi as usize].hazard_id == *named)
        {
            findings.push(finding(
                Severity::Warning,
                Check::HazardIdNotOverlapping,
                format!("hazard_id '{named}' names a hazard this release does not overlap; it still applies to whatever it overlaps"),
            ));
        }
    }
    if overlaps.is_empty() {
        findings.push(finding(
            Severity::Info,
            Check::ReleaseOutsideHazards,
            "the release overlaps no hazard of this run".to_string(),
        ));
    }
    for &(_, hi, applies) in overlaps {
        if !applies {
            let h = &hazards[hi as usize];
            findings.push(finding(
                Severity::Info,
                Check::ReleaseBeforeHazard,
                format!(
                    "completed on {}, before hazard '{}' was recorded on {}: that land stays hazardous (R3)",
                    r.completed_on,
                    h.hazard_id,
                    h.recorded_on.map(|d| d.to_string()).unwrap_or_default()
                ),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::MethodSplit;

    #[test]
    fn method_split_never_exceeds_released_land() {
        // Measured cleared above released (geodesic non-additivity, as on BiH's data).
        let s = MethodSplit::of(1_137_304.0, 1_137_552.0, 3.0);
        assert_eq!(
            (s.cleared_m2, s.reduced_m2, s.cancelled_m2),
            (1_137_304.0, 0.0, 0.0)
        );
        // Cleared + reduced above released: reduced takes what is left.
        let s = MethodSplit::of(100.0, 30.0, 80.0);
        assert_eq!(
            (s.cleared_m2, s.reduced_m2, s.cancelled_m2),
            (30.0, 70.0, 0.0)
        );
        // The ordinary case: cancelled is the rest.
        let s = MethodSplit::of(100.0, 30.0, 20.0);
        assert_eq!(
            (s.cleared_m2, s.reduced_m2, s.cancelled_m2),
            (30.0, 20.0, 50.0)
        );
    }
}
