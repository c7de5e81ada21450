//! A labelled planar subdivision (arrangement) of a few overlapping polygons: the
//! disjoint faces they cut their union into, each carrying the inputs that cover it.
//!
//! Inputs come in two kinds. *Land* polygons make the domain: every point of their union
//! lies in exactly one face. *Cuts* only split the faces they meet (their parts outside
//! every land polygon are not faces). Land `i` is labelled `i`; each cut carries its own
//! label (at least the number of land polygons, non-decreasing along the cuts), and
//! several cuts may share one: the pieces of one polygon cut to several boxes label the
//! faces inside their union once. Each face's labels are ascending and distinct.
//!
//! Built by incremental refinement with an R-tree of face boxes: the inputs are taken in
//! order; each face whose box meets the input's is split into its parts inside and
//! outside the input ([`split`]: without an overlay graph where their boundaries cross
//! properly or touch, else by one), with the input first cut to the face's (padded) box
//! so that each split stays as small as the face; a land polygon
//! then adds its part outside the earlier land polygons as new faces. A face the input
//! covers wholly (or misses) keeps its geometry: only its labels change, so faces do not
//! drift through repeated overlays. Faces are single polygons (a split's parts become
//! faces of their own), normalized like every overlay result; slivers under
//! [`SLIVER_DEG2`] are dropped. The R-tree holds only the land's own new faces: a split
//! face stays in it and its parts hang below it (their boxes within its box), so a split
//! costs no tree update. The work grows with the faces each
//! input meets, not with the square of the inputs.

use geo::{Area, BoundingRect, Intersects, MultiPolygon, Polygon, Rect};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use super::clip::{clip_to_rect, padded_rect, rect_union, rect_within, Boxed};
use super::overlay::difference_all;
use super::sides::{pinched, Sides};
use super::split::{split, Split};
use super::SLIVER_DEG2;

/// One face: a polygon and the sorted indices of the inputs covering it.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// The face (exterior counter-clockwise, holes clockwise).
    pub polygon: Polygon<f64>,
    /// The inputs covering it, ascending (land `i` is `i`, cut `j` is `land + j`).
    pub labels: Vec<u32>,
}

/// A cut: a polygon, or one of the land polygons (by index), which labels exactly the
/// faces inside it, with no overlay at all (a release that is an exact copy of a hazard).
#[derive(Debug, Clone, Copy)]
pub enum Cut<'a> {
    /// A polygon.
    Polygon(&'a MultiPolygon<f64>),
    /// A polygon that cuts only the faces inside `land[i]` (a release as one hazard
    /// sees it: the faces of the others are not split for it).
    PolygonIn(&'a MultiPolygon<f64>, u32),
    /// `land[i]`.
    Land(u32),
}

type BoxEntry = GeomWithData<Rectangle<[f64; 2]>, usize>;

fn entry(r: Rect<f64>, k: usize) -> BoxEntry {
    GeomWithData::new(
        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
        k,
    )
}

fn aabb(r: &Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y])
}

/// The faces being refined, and an R-tree of their boxes (`None` marks a face removed).
struct Faces {
    faces: Vec<Option<Face>>,
    /// Per face, the label of a cut known to miss it ([`NONE`] if none): the pieces of
    /// one polygon cut to several land polygons' boxes share a label and come one after
    /// the other, and a face inside one of those land polygons that its piece misses is
    /// missed by the whole polygon (the piece is the polygon inside that box), so the
    /// next pieces need not look at it again.
    missed: Vec<u32>,
    /// Per face, whether its rings touch ([`pinched`]: then only an overlay decides), once
    /// asked.
    pinched: Vec<Option<bool>>,
    /// Per face, its box; for a face removed (split), a box holding all its parts'.
    boxes: Vec<Rect<f64>>,
    /// Per face removed (split), the faces it was split into; their boxes lie within
    /// its box (grown when a part's rounding reaches out of it).
    children: Vec<Vec<u32>>,
    /// Per face, the face it was split from ([`NONE`] for one in the tree).
    parent: Vec<u32>,
    /// The boxes of the faces not split from another (the land's own parts): a split
    /// face stays in it, and its parts are found through [`Faces::children`] (no tree
    /// update per split).
    tree: RTree<BoxEntry>,
}

/// No label (see [`Faces::missed`]).
const NONE: u32 = u32::MAX;

impl Faces {
    /// No faces yet.
    fn new() -> Faces {
        Faces {
            faces: Vec::new(),
            missed: Vec::new(),
            pinched: Vec::new(),
            boxes: Vec::new(),
            children: Vec::new(),
            parent: Vec::new(),
            tree: RTree::new(),
        }
    }

    /// Adds a face: to the tree, or as a part of the face `parent` was (whose box, and
    /// its ancestors', grow to hold it).
    fn push(&mut self, polygon: Polygon<f64>, labels: Vec<u32>, missed: u32, parent: u32) {
        let Some(b) = polygon.bounding_rect() else {
            return;
        };
        let k = self.faces.len();
        let index = u32::try_from(k).expect("fewer than 2^32 faces");
        self.faces.push(Some(Face { polygon, labels }));
        self.missed.push(missed);
        self.pinched.push(None);
        self.boxes.push(b);
        self.children.push(Vec::new());
        self.parent.push(parent);
        if parent == NONE {
            self.tree.insert(entry(b, k));
            return;
        }
        self.children[parent as usize].push(index);
        let mut up = parent as usize;
        while !rect_within(&b, &self.boxes[up]) {
            let grown = rect_union(self.boxes[up], b);
            if self.parent[up] == NONE {
                self.tree.remove(&entry(self.boxes[up], up));
                self.tree.insert(entry(grown, up));
                self.boxes[up] = grown;
                break;
            }
            self.boxes[up] = grown;
            up = self.parent[up] as usize;
        }
    }

    /// The faces whose boxes meet `b`, in index order: those in the tree, and the parts
    /// of the split ones, down their [`Faces::children`].
    fn meeting(&self, b: &Rect<f64>) -> Vec<usize> {
        let mut stack: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(&aabb(b))
            .map(|e| e.data)
            .collect();
        let mut found = Vec::with_capacity(stack.len());
        while let Some(k) = stack.pop() {
            if self.faces[k].is_some() {
                found.push(k);
            } else {
                stack.extend(
                    self.children[k]
                        .iter()
                        .map(|&c| c as usize)
                        .filter(|&c| self.boxes[c].intersects(b)),
                );
            }
        }
        found.sort_unstable();
        found
    }

    /// Adds `label` to every face inside the land polygon labelled `i`.
    fn label_land(&mut self, i: u32, label: u32) {
        for face in self.faces.iter_mut().flatten() {
            if face.labels.binary_search(&i).is_ok() && face.labels.last() != Some(&label) {
                face.labels.push(label);
            }
        }
    }

    /// Splits every face meeting `p` by it (only those inside `land[within]` when given);
    /// `p`'s label goes on the parts inside (faces that have it already are left as they
    /// are).
    fn refine(&mut self, p: &MultiPolygon<f64>, label: u32, within: Option<u32>, needs: Needs) {
        let boxed = Boxed::new(p);
        let Some(pb) = boxed.bounding_rect() else {
            return;
        };
        // Inside `land[within]`, `p` is the whole polygon labelled so (see `missed`).
        let miss = if within.is_some() { label } else { NONE };
        for k in self.meeting(&pb) {
            let face = self.faces[k]
                .as_ref()
                .expect("the tree holds live faces only");
            if face.labels.last() == Some(&label)
                || (miss != NONE && self.missed[k] == miss)
                || within.is_some_and(|i| face.labels.binary_search(&i).is_err())
                || !needs(&face.labels, label)
            {
                continue;
            }
            let fb = self.boxes[k];
            let clip = padded_rect(&fb);
            let near = boxed.clip(&clip);
            if !near.bounding_rect().is_some_and(|nb| nb.intersects(&fb)) {
                self.missed[k] = miss;
                continue; // the cut's part near the face misses it
            }
            // A cut covering the face's whole box (but perhaps for a sliver) covers the
            // face: no overlay (a large cancellation, a region around the face).
            let covers = clip.unsigned_area() - near.unsigned_area() < SLIVER_DEG2;
            let split = if covers {
                Split::Covered
            } else {
                let pinched = *self.pinched[k].get_or_insert_with(|| pinched(&face.polygon));
                split(&face.polygon, &near, pinched)
            };
            let (inside, out) = match split {
                Split::Covered => {
                    // the face keeps its geometry, and gains the label
                    let face = self.faces[k].as_mut().expect("live face");
                    face.labels.push(label);
                    continue;
                }
                Split::Missed => {
                    self.missed[k] = miss;
                    continue;
                }
                Split::Parts { inside, outside } => (inside, outside),
            };
            let removed = self.faces[k].take().expect("live face");
            let parent = u32::try_from(k).expect("fewer than 2^32 faces");
            let mut with = removed.labels.clone();
            with.push(label);
            for part in inside.0 {
                self.push(part, with.clone(), NONE, parent);
            }
            for part in out.0 {
                self.push(part, removed.labels.clone(), miss, parent);
            }
        }
    }
}

/// The part of the land polygon `p` outside the earlier land polygons `near` (cut to its
/// box): none for an exact `copy` of one of them or when the rings show one covering it
/// ([`Sides::covers_or_misses`]), all of it when they show every one missing it, else one
/// overlay with those the rings leave undecided.
fn fresh_land(p: &MultiPolygon<f64>, near: &[MultiPolygon<f64>], copy: bool) -> MultiPolygon<f64> {
    if copy {
        return MultiPolygon::new(vec![]);
    }
    let mut refs: Vec<&MultiPolygon<f64>> = Vec::with_capacity(near.len());
    let sides = Sides::new(p);
    for g in near {
        match sides.covers_or_misses(g) {
            Some(true) => return MultiPolygon::new(vec![]),
            Some(false) => {}
            None => refs.push(g),
        }
    }
    if refs.is_empty() {
        super::ring::normalize(p.clone())
    } else {
        difference_all(p, &refs)
    }
}

/// The faces of `land` (which make the domain) cut further by `cuts` (each with its
/// label), in a deterministic order (the same inputs give the same faces). See the module
/// documentation.
pub fn subdivide(land: &[&MultiPolygon<f64>], cuts: &[(Cut, u32)]) -> Vec<Face> {
    subdivide_where(land, cuts, &|_, _| true)
}

/// Whether a face (by its labels so far) needs to be cut by the cut labelled so: a face
/// that does not is left whole, without that label.
pub type Needs<'a> = &'a dyn Fn(&[u32], u32) -> bool;

/// [`subdivide`], each polygon cut splitting only the faces that `needs` names (a face
/// whose fate the cut cannot change any more is left whole, and does not get its label).
pub fn subdivide_where(
    land: &[&MultiPolygon<f64>],
    cuts: &[(Cut, u32)],
    needs: Needs,
) -> Vec<Face> {
    let mut faces = Faces::new();
    let land_boxes: RTree<BoxEntry> = RTree::bulk_load(
        land.iter()
            .enumerate()
            .filter_map(|(i, g)| g.bounding_rect().map(|b| entry(b, i)))
            .collect(),
    );
    for (i, p) in land.iter().enumerate() {
        let Some(pb) = p.bounding_rect() else {
            continue;
        };
        let label = u32::try_from(i).expect("fewer than 2^32 inputs");
        faces.refine(p, label, None, &|_, _| true);
        // Its land outside every earlier land polygon: new faces.
        let clip = padded_rect(&pb);
        let mut earlier: Vec<usize> = land_boxes
            .locate_in_envelope_intersecting(&aabb(&pb))
            .map(|e| e.data)
            .filter(|&j| j < i)
            .collect();
        earlier.sort_unstable();
        let near: Vec<MultiPolygon<f64>> = earlier
            .iter()
            .map(|&j| clip_to_rect(land[j], &clip))
            .filter(|g| !g.0.is_empty())
            .collect();
        let fresh = fresh_land(p, &near, earlier.iter().any(|&j| land[j] == *p));
        for part in fresh.0 {
            faces.push(part, vec![label], NONE, NONE);
        }
    }
    for &(cut, label) in cuts {
        match cut {
            Cut::Polygon(p) => faces.refine(p, label, None, needs),
            Cut::PolygonIn(p, i) => faces.refine(p, label, Some(i), needs),
            Cut::Land(i) => faces.label_land(i, label),
        }
    }
    faces.faces.into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::disk::{locate, InteriorDisk};
    use crate::geom::overlay::{intersection, split_by, union};
    use crate::geom::ring::normalize;
    use crate::geom::sides::{rings_decide, CLEAR_DEG};
    use crate::geom::test_shapes::{square, star_points};
    use geo::{Area, Euclidean, Length, LineString};
    use rand::{Rng, SeedableRng};

    fn star(rng: &mut impl Rng, c: (f64, f64), r: f64, n: usize) -> MultiPolygon<f64> {
        let pts = star_points(rng, c, r, n, 0.3);
        normalize(MultiPolygon::new(vec![Polygon::new(
            LineString::from(pts),
            vec![],
        )]))
    }

    /// The cuts labelled after the land, one label each.
    fn labelled<'a>(
        land: &[MultiPolygon<f64>],
        cuts: &'a [MultiPolygon<f64>],
    ) -> Vec<(Cut<'a>, u32)> {
        (0..)
            .zip(cuts)
            .map(|(j, g)| (Cut::Polygon(g), (land.len() + j) as u32))
            .collect()
    }

    fn area_of_faces<'a>(faces: impl Iterator<Item = &'a Face>) -> f64 {
        faces.map(|f| f.polygon.unsigned_area()).sum()
    }

    /// Checks the faces against brute force: pairwise disjoint, their union the union of
    /// the land, each input's faces adding up to its part in the
    /// land, and every face's labels those of the inputs containing its interior point.
    /// Each overlay snaps its result to i_overlay's grid (about 2^-32 of the inputs' box:
    /// 7e-10 on a box 4 wide), so faces cut by several overlays add up to the union and to
    /// each input's area to about 1e-9 relative (up to 1.7e-9 on these seeds): allowed 1e-8.
    fn check(land: &[MultiPolygon<f64>], cuts: &[MultiPolygon<f64>], faces: &[Face]) {
        let inputs: Vec<&MultiPolygon<f64>> = land.iter().chain(cuts).collect();
        let domain = union(land.iter());
        let total = domain.unsigned_area();
        let got = area_of_faces(faces.iter());
        assert!(
            (got - total).abs() <= 1e-8 * total,
            "faces {got} against the union {total}"
        );
        // disjoint: every pair of faces whose boxes meet shares no area
        for (a, fa) in faces.iter().enumerate() {
            let ma = MultiPolygon::new(vec![fa.polygon.clone()]);
            for fb in &faces[a + 1..] {
                let mb = MultiPolygon::new(vec![fb.polygon.clone()]);
                let shared = intersection(&ma, &mb).unsigned_area();
                assert!(shared <= 1e-9 * total, "two faces share {shared} deg²");
            }
        }
        // each input: its faces cover exactly its part in the domain
        for (i, g) in inputs.iter().enumerate() {
            let want = if i < land.len() {
                g.unsigned_area()
            } else {
                intersection(g, &domain).unsigned_area()
            };
            let got = area_of_faces(faces.iter().filter(|f| f.labels.contains(&(i as u32))));
            assert!(
                (got - want).abs() <= 1e-8 * total,
                "input {i}: faces {got}, brute force {want}"
            );
        }
        // labels: point-in-polygon tests of an interior point of each face
        for f in faces {
            let ip = InteriorDisk::of(std::slice::from_ref(&f.polygon)).expect("a face has area");
            assert!(f.labels.windows(2).all(|w| w[0] < w[1]), "labels sorted");
            if ip.clearance_deg < 1e-9 {
                continue; // a needle of a face: its point is too near an edge to decide
            }
            let want: Vec<u32> = inputs
                .iter()
                .enumerate()
                .filter(|(_, g)| {
                    let (inside, clearance) = locate(ip.point, &g.0);
                    inside && clearance > 0.0
                })
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(f.labels, want, "labels of the face at {:?}", ip.point);
        }
    }

    #[test]
    fn random_stars_match_brute_force() {
        for seed in 0..6u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let land: Vec<MultiPolygon<f64>> = (0..8)
                .map(|_| {
                    let c = (rng.gen_range(0.0..1.0), rng.gen_range(0.0..1.0));
                    let (n, r) = (rng.gen_range(5..25), rng.gen_range(0.1..0.4));
                    star(&mut rng, c, r, n)
                })
                .collect();
            let cuts: Vec<MultiPolygon<f64>> = (0..8)
                .map(|_| {
                    let c = (rng.gen_range(-0.2..1.2), rng.gen_range(-0.2..1.2));
                    let (n, r) = (rng.gen_range(4..12), rng.gen_range(0.05..0.5));
                    star(&mut rng, c, r, n)
                })
                .collect();
            let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
            let cr = labelled(&land, &cuts);
            let faces = subdivide(&lr, &cr);
            assert!(faces.len() > land.len(), "seed {seed}: the inputs overlap");
            check(&land, &cuts, &faces);
            // the same inputs give the same faces
            assert_eq!(faces, subdivide(&lr, &cr), "seed {seed}");
        }
    }

    #[test]
    fn random_cuts_entered_as_pieces_in_each_land_box_match_brute_force() {
        // Each cut enters as its pieces in the padded box of every land polygon whose box
        // it meets, each labelling only that polygon's faces, one piece after the other
        // under the cut's one label (as a release applying to several hazards does): a
        // face that one piece misses is skipped by the next (`Faces::missed`), and the
        // faces must still be those of the whole cuts.
        for seed in 10..16u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let land: Vec<MultiPolygon<f64>> = (0..10)
                .map(|_| {
                    let c = (rng.gen_range(0.0..1.0), rng.gen_range(0.0..0.3));
                    let (n, r) = (rng.gen_range(5..25), rng.gen_range(0.1..0.3));
                    star(&mut rng, c, r, n)
                })
                .collect();
            let cuts: Vec<MultiPolygon<f64>> = (0..6)
                .map(|_| {
                    let c = (rng.gen_range(0.0..1.0), rng.gen_range(0.0..0.3));
                    let (n, r) = (rng.gen_range(4..12), rng.gen_range(0.1..0.6));
                    star(&mut rng, c, r, n)
                })
                .collect();
            let boxes: Vec<Rect<f64>> = land
                .iter()
                .map(|g| padded_rect(&g.bounding_rect().expect("a star has a box")))
                .collect();
            let first_cut = land.len() as u32;
            let mut pieces: Vec<(MultiPolygon<f64>, u32, u32)> = Vec::new();
            for (j, g) in (0..).zip(&cuts) {
                for (i, b) in (0..).zip(&boxes) {
                    let piece = clip_to_rect(g, b);
                    if !piece.0.is_empty() {
                        pieces.push((piece, i, first_cut + j));
                    }
                }
            }
            assert!(
                pieces.len() > 2 * cuts.len(),
                "seed {seed}: cuts span lands"
            );
            let cr: Vec<(Cut, u32)> = pieces
                .iter()
                .map(|(p, i, label)| (Cut::PolygonIn(p, *i), *label))
                .collect();
            let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
            check(&land, &cuts, &subdivide(&lr, &cr));
        }
    }

    #[test]
    fn exact_copies_share_their_faces() {
        let a = square(0., 0., 2., 1.);
        let land = vec![a.clone(), a.clone(), square(1., 0., 3., 1.)];
        let cuts = vec![a.clone(), square(0., 0., 3., 1.)];
        let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
        let cr = labelled(&land, &cuts);
        let faces = subdivide(&lr, &cr);
        assert_eq!(faces.len(), 3);
        check(&land, &cuts, &faces);
        let labels: Vec<&[u32]> = faces.iter().map(|f| f.labels.as_slice()).collect();
        assert!(labels.contains(&&[0, 1, 3, 4][..]));
        assert!(labels.contains(&&[0, 1, 2, 3, 4][..]));
        assert!(labels.contains(&&[2, 4][..]));
        // a cut naming a land polygon labels the same faces, with no overlay
        assert_eq!(subdivide(&lr, &[(Cut::Land(0), 3), cr[1]]), faces);
        // a cut within land 2 labels only its faces
        let within = subdivide(&lr, &[(Cut::PolygonIn(&cuts[1], 2), 4)]);
        let labels: Vec<&[u32]> = within.iter().map(|f| f.labels.as_slice()).collect();
        assert_eq!(labels.len(), 3);
        for want in [&[0, 1][..], &[0, 1, 2, 4], &[2, 4]] {
            assert!(labels.contains(&want), "{labels:?}");
        }
    }

    #[test]
    fn shared_edges_and_touching_corners() {
        // a 2×2 grid of unit squares (shared edges, one corner shared by four), cut by a
        // square on the grid lines and one whose edge runs along them
        let land = vec![
            square(0., 0., 1., 1.),
            square(1., 0., 2., 1.),
            square(0., 1., 1., 2.),
            square(1., 1., 2., 2.),
        ];
        let cuts = vec![square(0., 0., 2., 1.), square(0.5, 1., 1.5, 3.)];
        let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
        let cr = labelled(&land, &cuts);
        let faces = subdivide(&lr, &cr);
        assert_eq!(faces.len(), 6);
        check(&land, &cuts, &faces);
    }

    #[test]
    fn a_hole_touching_its_shell() {
        // a square with a triangular hole whose apex touches the exterior at (1, 0)
        let holed = normalize(MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(0., 0.), (2., 0.), (2., 2.), (0., 2.), (0., 0.)]),
            vec![LineString::from(vec![
                (1., 0.),
                (0.5, 1.),
                (1.5, 1.),
                (1., 0.),
            ])],
        )]));
        let land = vec![holed, square(0.8, 0.2, 1.2, 0.6)];
        let cuts = vec![square(0., 0., 1., 2.)];
        let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
        let cr = labelled(&land, &cuts);
        let faces = subdivide(&lr, &cr);
        check(&land, &cuts, &faces);
    }

    #[test]
    fn needles_and_spikes() {
        // a long thin needle across a square, a spike on a cut, a cut a hair wide
        let needle = normalize(MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![(-1., 0.5), (3., 0.5), (3., 0.500_001), (-1., 0.5)]),
            vec![],
        )]));
        let spiky = normalize(MultiPolygon::new(vec![Polygon::new(
            LineString::from(vec![
                (0.5, 0.),
                (1.5, 0.),
                (1.5, 1.),
                (1.0, 1.),
                (1.0, 3.),
                (1.0, 1.),
                (0.5, 1.),
                (0.5, 0.),
            ]),
            vec![],
        )]));
        let land = vec![square(0., 0., 2., 1.), needle, square(1., 0., 2., 1.)];
        let cuts = vec![spiky, square(0.3, 0., 0.300_000_1, 1.)];
        let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
        let cr = labelled(&land, &cuts);
        let faces = subdivide(&lr, &cr);
        check(&land, &cuts, &faces);
    }

    #[test]
    fn pieces_of_one_cut_label_their_union_once() {
        // one cut, entered as its parts in two overlapping boxes (as a release is, cut to
        // the box of each hazard it applies to), labels the faces under it once
        let land = vec![square(0., 0., 2., 1.), square(1.5, 0., 4., 1.)];
        let cut = square(0.5, 0.25, 3.5, 0.75);
        let pieces = [
            crate::geom::clip::clip_to_rect(&cut, &Rect::new((0., 0.), (2., 1.))),
            crate::geom::clip::clip_to_rect(&cut, &Rect::new((1.5, 0.), (4., 1.))),
        ];
        let faces = subdivide(
            &[&land[0], &land[1]],
            &[(Cut::Polygon(&pieces[0]), 2), (Cut::Polygon(&pieces[1]), 2)],
        );
        check(&land, std::slice::from_ref(&cut), &faces);
        let under: f64 = area_of_faces(faces.iter().filter(|f| f.labels.contains(&2)));
        assert!((under - 1.5).abs() < 1.5e-9, "{under}");
    }

    #[test]
    fn rings_decide_agrees_with_the_overlay_on_faces_cut_by_the_same_polygons() {
        // Faces made by cutting random stars by random stars share edges and corners with
        // those cuts (the common case in the arrangement): where the rings decide, the
        // overlay must agree (nothing of the face outside a covering cut, nothing inside a
        // missing one), and they must decide most of the time.
        let (mut decided, mut asked, mut slivers) = (0usize, 0usize, 0usize);
        for seed in 20..26u64 {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            let mut stars = |k: usize| -> Vec<MultiPolygon<f64>> {
                (0..k)
                    .map(|_| {
                        let c = (rng.gen_range(0.0..1.0), rng.gen_range(0.0..1.0));
                        let (n, r) = (rng.gen_range(4..16), rng.gen_range(0.1..0.5));
                        star(&mut rng, c, r, n)
                    })
                    .collect()
            };
            let (land, cuts) = (stars(3), stars(4));
            let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
            let faces = subdivide(&lr, &labelled(&land, &cuts));
            for f in &faces {
                let clip = padded_rect(&f.polygon.bounding_rect().expect("a face has a box"));
                let whole = MultiPolygon::new(vec![f.polygon.clone()]);
                for cut in land.iter().chain(&cuts) {
                    let near = clip_to_rect(cut, &clip);
                    asked += 1;
                    let Some(covers) = rings_decide(&f.polygon, &near) else {
                        continue;
                    };
                    decided += 1;
                    let (out, inside) = split_by(&whole, &[&near]);
                    // The overlay may leave a sliver along an edge the face shares with
                    // the cut (the face was snapped when it was made): never more than a
                    // strip CLEAR_DEG wide along the face's boundary.
                    let wrong = if covers { out } else { inside };
                    let strip = CLEAR_DEG * Euclidean.length(f.polygon.exterior());
                    assert!(
                        wrong.unsigned_area() <= strip,
                        "seed {seed}: decided {covers}, the overlay leaves {} deg²",
                        wrong.unsigned_area()
                    );
                    slivers += usize::from(!wrong.0.is_empty());
                }
            }
        }
        assert!(decided * 10 >= asked * 8, "decided {decided} of {asked}");
        assert!(slivers * 100 <= decided, "{slivers} slivers in {decided}");
    }

    /// The index of faces (the tree holds the land's own parts; a split face's parts are
    /// found through it): a part reaching out of its parent's box (as an overlay's
    /// rounding may leave it) grows the boxes up to the tree, so that a query meeting
    /// only the part still finds it; removed faces are never returned. Checked against
    /// every live face's box, brute force.
    #[test]
    fn split_faces_are_found_through_their_parents_boxes() {
        let mut faces = Faces::new();
        let face = |x0: f64, y0: f64, x1: f64, y1: f64| square(x0, y0, x1, y1).0.remove(0);
        faces.push(face(0., 0., 4., 4.), vec![0], NONE, NONE);
        faces.push(face(10., 0., 12., 2.), vec![1], NONE, NONE);
        // face 0 split into 2 and 3; 3 split into 4 (reaching out of 0's box) and 5
        for (k, parts) in [
            (0, vec![face(0., 0., 2., 4.), face(2., 0., 4., 4.)]),
            (3, vec![face(2., 0., 4., 2.), face(2., 2., 4.5, 4.)]),
        ] {
            faces.faces[k] = None;
            for p in parts {
                faces.push(p, vec![0], NONE, k as u32);
            }
        }
        assert_eq!(
            faces.boxes[0].max().x,
            4.5,
            "the grown box reaches the tree"
        );
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..500 {
            let (x, y) = (rng.gen_range(-1.0..13.0), rng.gen_range(-1.0..5.0));
            let q = Rect::new(
                (x, y),
                (x + rng.gen_range(0.0..1.0), y + rng.gen_range(0.0..1.0)),
            );
            let want: Vec<usize> = (0..faces.faces.len())
                .filter(|&k| faces.faces[k].is_some() && faces.boxes[k].intersects(&q))
                .collect();
            assert_eq!(faces.meeting(&q), want, "{q:?}");
        }
        assert_eq!(faces.meeting(&Rect::new((4.2, 3.0), (4.3, 3.5))), vec![5]);
    }

    #[test]
    fn cuts_outside_the_land_make_no_faces() {
        let land = vec![square(0., 0., 1., 1.)];
        let cuts = vec![square(5., 5., 6., 6.), square(0.5, -1., 3., 3.)];
        let lr: Vec<&MultiPolygon<f64>> = land.iter().collect();
        let cr = labelled(&land, &cuts);
        let faces = subdivide(&lr, &cr);
        assert_eq!(faces.len(), 2);
        check(&land, &cuts, &faces);
    }
}
