//! The synthetic country's geography: its frame, eight provinces with shared jagged
//! boundaries, the front line, river valleys, and the shapes the records are drawn with.
//!
//! Country metres are x east, y north of the centre (lon 70°, lat 38.5°); they become
//! lon/lat degrees (EPSG:4326) point by point ([`country_deg`]) or, for a small shape,
//! through a [`Local`] frame with one cos(lat) (affine, so simple rings stay simple).
//! Rings from [`Star`] and the provinces are counter-clockwise. Draws come from the
//! generator's RNG in a fixed order: province corners, row lines, column lines, valleys.

use geo::{BoundingRect, Contains, Coord, LineString, Point, Polygon, Rect};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::{normal, pick};

/// Metres per degree (latitude; longitude at the equator).
const M_PER_DEG: f64 = 111_320.0;
/// Centre of the country.
const LON_C: f64 = 70.0;
const LAT_C: f64 = 38.5;
/// Extent of the country at scale 1, in metres (grows with √scale).
const WIDTH_M: f64 = 56_000.0;
const HEIGHT_M: f64 = 44_000.0;
/// Province grid.
const COLS: usize = 4;
const ROWS: usize = 2;

const PROVINCE_NAMES: [&str; COLS * ROWS] = [
    "Arvand", "Beshkor", "Dalvan", "Estara", "Gorun", "Karsai", "Miravan", "Tolvar",
];

/// A polyline in country metres.
type Line = Vec<(f64, f64)>;

/// One province (region `XS-nn`).
pub(super) struct Province {
    pub(super) id: String,
    pub(super) name: &'static str,
    /// In country metres, for point-in-province tests.
    metres: Polygon<f64>,
    bbox: Rect<f64>,
    pub(super) degrees: Polygon<f64>,
}

/// The country: its extent, provinces, front line and valleys.
pub(super) struct Country {
    pub(super) half_w: f64,
    pub(super) half_h: f64,
    pub(super) provinces: Vec<Province>,
    /// Polylines (metres) of the front line along which hazards cluster.
    pub(super) front: Vec<Line>,
    /// Spread of clusters across the front line (metres; grows with √scale so that the
    /// density of hazards near it stays the same).
    pub(super) front_spread: f64,
    pub(super) valleys: Vec<Line>,
}

impl Country {
    /// The country at `scale`: provinces first, then valleys (the first draws of a data set).
    pub(super) fn new(rng: &mut ChaCha8Rng, scale: f64) -> Country {
        let side = scale.max(0.05).sqrt();
        let mut country = Country {
            half_w: WIDTH_M * side / 2.0,
            half_h: HEIGHT_M * side / 2.0,
            provinces: Vec::new(),
            front: Vec::new(),
            front_spread: 2_500.0 * side,
            valleys: Vec::new(),
        };
        country.provinces(rng);
        country.valleys(rng, scale);
        country
    }

    /// Eight provinces on a jittered 4 × 2 grid with shared jagged boundaries.
    fn provinces(&mut self, rng: &mut ChaCha8Rng) {
        let corner = self.corners(rng);
        let (horiz, vert) = boundaries(rng, &corner);
        // the front line: between the northern and southern provinces, and the east border
        for seg in &horiz[1] {
            self.front.push(seg.clone());
        }
        for seg in &vert[COLS] {
            self.front.push(seg.clone());
        }
        self.provinces = assemble(&horiz, &vert);
    }

    /// `corner[i][j]`: the grid's corner in column line i, row line j, jittered by up to
    /// 6 % of a cell.
    fn corners(&self, rng: &mut ChaCha8Rng) -> Vec<Vec<(f64, f64)>> {
        let (w, h) = (2.0 * self.half_w, 2.0 * self.half_h);
        let (cw, ch) = (w / COLS as f64, h / ROWS as f64);
        let mut corner = vec![vec![(0.0, 0.0); ROWS + 1]; COLS + 1];
        for (i, col) in corner.iter_mut().enumerate() {
            for (j, c) in col.iter_mut().enumerate() {
                *c = (
                    -self.half_w + i as f64 * cw + rng.gen_range(-0.06..0.06) * cw,
                    -self.half_h + j as f64 * ch + rng.gen_range(-0.06..0.06) * ch,
                );
            }
        }
        corner
    }

    /// Rivers: smooth random walks entering from the west, north or south edge.
    fn valleys(&mut self, rng: &mut ChaCha8Rng, scale: f64) {
        let n = ((3.0 * scale.sqrt()).round() as usize).max(2);
        let (hw, hh) = (self.half_w, self.half_h);
        let step = 400.0;
        let max_steps = (4.0 * (hw + hh) / step) as usize;
        while self.valleys.len() < n {
            let (mut x, mut y, mut heading) = match rng.gen_range(0..3) {
                0 => (-hw, rng.gen_range(-hh..hh), 0.0),
                1 => (rng.gen_range(-hw..hw), hh, -std::f64::consts::FRAC_PI_2),
                _ => (rng.gen_range(-hw..hw), -hh, std::f64::consts::FRAC_PI_2),
            };
            let base = heading + 0.5 * normal(rng);
            heading = base;
            let mut pts = vec![(x, y)];
            for _ in 0..max_steps {
                heading += 0.12 * normal(rng) + 0.05 * (base - heading);
                x += step * heading.cos();
                y += step * heading.sin();
                if x.abs() > hw || y.abs() > hh {
                    break;
                }
                pts.push((x, y));
            }
            if pts.len() >= 20 {
                self.valleys.push(pts);
            }
        }
    }

    /// The province containing the point (country metres), if any.
    pub(super) fn province_of(&self, x: f64, y: f64) -> Option<&Province> {
        let p = Point::new(x, y);
        self.provinces
            .iter()
            .find(|pr| pr.bbox.contains(&p) && pr.metres.contains(&p))
    }
}

/// The grid's boundary segments, drawn row lines first: `horiz[j][i]` runs along row line
/// j from corner (i, j) to (i + 1, j), `vert[i][j]` along column line i from corner (i, j)
/// to (i, j + 1). The outer border is more jagged than the inner lines.
fn boundaries(
    rng: &mut ChaCha8Rng,
    corner: &[Vec<(f64, f64)>],
) -> (Vec<Vec<Line>>, Vec<Vec<Line>>) {
    let outer = |k: usize, n: usize| if k == 0 || k == n { 0.14 } else { 0.10 };
    let mut horiz = Vec::new();
    for j in 0..=ROWS {
        let mut line = Vec::new();
        for pair in corner.windows(2) {
            let amp = outer(j, ROWS);
            line.push(jagged(rng, pair[0][j], pair[1][j], amp));
        }
        horiz.push(line);
    }
    let mut vert = Vec::new();
    for (i, col) in corner.iter().enumerate() {
        let mut line = Vec::new();
        for j in 0..ROWS {
            line.push(jagged(rng, col[j], col[j + 1], outer(i, COLS)));
        }
        vert.push(line);
    }
    (horiz, vert)
}

/// The provinces, numbered from the north-west row by row, each ring walked along the
/// shared boundary segments (so that neighbours share their vertices exactly).
fn assemble(horiz: &[Vec<Line>], vert: &[Vec<Line>]) -> Vec<Province> {
    let to_deg = |lines: &[Vec<Line>]| -> Vec<Vec<Vec<Coord<f64>>>> {
        lines
            .iter()
            .map(|l| {
                l.iter()
                    .map(|s| s.iter().map(|&(x, y)| country_deg(x, y)).collect())
                    .collect()
            })
            .collect()
    };
    let (horiz_deg, vert_deg) = (to_deg(horiz), to_deg(vert));
    let mut provinces = Vec::new();
    for row in 0..ROWS {
        let j = ROWS - 1 - row;
        for i in 0..COLS {
            let metres: Vec<Coord<f64>> = ring(horiz, vert, i, j)
                .into_iter()
                .map(|(x, y)| Coord { x, y })
                .collect();
            let degrees = ring(&horiz_deg, &vert_deg, i, j);
            let metres = Polygon::new(LineString::new(metres), vec![]);
            let n = provinces.len();
            provinces.push(Province {
                id: format!("XS-{:02}", n + 1),
                name: PROVINCE_NAMES[n],
                bbox: metres.bounding_rect().expect("province has vertices"),
                metres,
                degrees: Polygon::new(LineString::new(degrees), vec![]),
            });
        }
    }
    provinces
}

/// The closed ring of grid cell (i, j), counter-clockwise: its bottom, right, top (reversed)
/// and left (reversed) segments, each shared vertex once.
fn ring<T: Clone>(h: &[Vec<Vec<T>>], v: &[Vec<Vec<T>>], i: usize, j: usize) -> Vec<T> {
    let mut r: Vec<T> = h[j][i].clone();
    r.extend(v[i + 1][j].iter().skip(1).cloned());
    r.extend(h[j + 1][i].iter().rev().skip(1).cloned());
    r.extend(v[i][j].iter().rev().skip(1).cloned());
    r
}

/// A point near a random vertex of one of `lines`, offset across the line by
/// `spread` · N(0, 1) metres.
pub(super) fn near_line(rng: &mut ChaCha8Rng, lines: &[Line], spread: f64) -> (f64, f64) {
    let weights: Vec<f64> = lines.iter().map(|l| l.len() as f64).collect();
    let line = &lines[pick(rng, &weights)];
    let k = rng.gen_range(0..line.len() - 1);
    let (a, b) = (line[k], line[k + 1]);
    let t: f64 = rng.gen();
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy).max(1e-9);
    let off = spread * normal(rng);
    (a.0 + dx * t - dy / len * off, a.1 + dy * t + dx / len * off)
}

/// Country metres (x east, y north of the centre) to lon/lat, converting each point with
/// the cosine of its own latitude.
pub(super) fn country_deg(x: f64, y: f64) -> Coord<f64> {
    let lat = LAT_C + y / M_PER_DEG;
    Coord {
        x: LON_C + x / (M_PER_DEG * lat.to_radians().cos()),
        y: lat,
    }
}

/// A local frame: metre offsets around a centre, converted with the centre's cos(lat)
/// (an affine map, so simple / nested rings stay simple / nested).
#[derive(Debug, Clone, Copy)]
pub(super) struct Local {
    centre: Coord<f64>,
    kx: f64,
    ky: f64,
}

impl Local {
    pub(super) fn at(centre: Coord<f64>) -> Local {
        Local {
            centre,
            kx: 1.0 / (M_PER_DEG * centre.y.to_radians().cos()),
            ky: 1.0 / M_PER_DEG,
        }
    }

    pub(super) fn deg(&self, dx: f64, dy: f64) -> Coord<f64> {
        Coord {
            x: self.centre.x + dx * self.kx,
            y: self.centre.y + dy * self.ky,
        }
    }

    /// The closed ring of `pts` (metres) shifted by (`ox`, `oy`) metres.
    pub(super) fn ring(&self, pts: &[(f64, f64)], ox: f64, oy: f64) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> =
            pts.iter().map(|&(x, y)| self.deg(x + ox, y + oy)).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    }
}

/// A star-shaped ring around the origin in metres: vertices at strictly increasing angles
/// (all gaps < π) with positive radii, hence simple and counter-clockwise.
pub(super) struct Star {
    pub(super) pts: Vec<(f64, f64)>,
    pub(super) r_min: f64,
    pub(super) r_max: f64,
}

impl Star {
    /// `nv` vertices enclosing `area_m2` square metres.
    pub(super) fn new(
        rng: &mut ChaCha8Rng,
        nv: std::ops::RangeInclusive<usize>,
        area_m2: f64,
        roughness: f64,
    ) -> Star {
        let nv = rng.gen_range(nv);
        let mut harmonics = [(0.0, 0.0); 4];
        for (k, h) in harmonics.iter_mut().enumerate() {
            *h = (
                rng.gen::<f64>() * roughness / (k + 1) as f64,
                rng.gen::<f64>() * std::f64::consts::TAU,
            );
        }
        let mut pts = Vec::with_capacity(nv);
        for i in 0..nv {
            let theta = std::f64::consts::TAU * (i as f64 + rng.gen_range(-0.35..0.35)) / nv as f64;
            let mut log_r = 0.12 * roughness * normal(rng);
            for (k, (a, phi)) in harmonics.iter().enumerate() {
                log_r += a * ((k + 1) as f64 * theta + phi).cos();
            }
            let r = log_r.exp();
            pts.push((r * theta.cos(), r * theta.sin()));
        }
        let area = shoelace(&pts);
        let f = (area_m2 / area).sqrt();
        for p in &mut pts {
            p.0 *= f;
            p.1 *= f;
        }
        let radii = pts.iter().map(|p| p.0.hypot(p.1));
        let (r_min, r_max) = radii.fold((f64::INFINITY, 0.0_f64), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        });
        Star { pts, r_min, r_max }
    }
}

/// Signed area of a ring given without its closing vertex (positive when counter-clockwise).
fn shoelace(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        / 2.0
}

/// A jagged polyline from `a` to `b` (metres), both included: offsets along the chord's
/// normal of at most `amp · |ab| · 1.05 · sin(πt)`, so it is a graph over the chord (no
/// self-intersection) and leaves its end points steeply enough never to cross another
/// such polyline meeting it at a corner.
fn jagged(rng: &mut ChaCha8Rng, a: (f64, f64), b: (f64, f64), amp: f64) -> Line {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = dx.hypot(dy);
    let (nx, ny) = (-dy / len, dx / len);
    let n = ((len / 300.0) as usize).clamp(16, 4000);
    let mut c = [(0.0, 0.0); 5];
    let mut norm = 0.0;
    for (k, ck) in c.iter_mut().enumerate() {
        let kk = (k + 1) as f64;
        *ck = (rng.gen_range(-1.0..1.0) / kk, kk);
        norm += ck.0.abs() * kk;
    }
    let mut out = Vec::with_capacity(n + 1);
    out.push(a);
    for i in 1..n {
        let t = i as f64 / n as f64;
        let s = (std::f64::consts::PI * t).sin();
        let smooth: f64 = c
            .iter()
            .map(|(ck, kk)| ck * (kk * std::f64::consts::PI * t).sin())
            .sum::<f64>()
            / norm;
        let off = amp * len * (smooth + 0.05 * rng.gen_range(-1.0..1.0) * s);
        out.push((a.0 + dx * t + nx * off, a.1 + dy * t + ny * off));
    }
    out.push(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::MultiPolygon;
    use minefree::geom::area::area_m2;
    use rand::SeedableRng;

    #[test]
    fn provinces_share_boundaries_exactly() {
        for scale in [1.0, 100.0] {
            let country = Country::new(&mut ChaCha8Rng::seed_from_u64(5), scale);
            let provinces: Vec<MultiPolygon<f64>> = country
                .provinces
                .iter()
                .map(|p| MultiPolygon::new(vec![p.degrees.clone()]))
                .collect();
            let sum: f64 = provinces.iter().map(area_m2).sum();
            // One unary union (a single snapping grid), so that exactly shared edges
            // dissolve without specks.
            let u = minefree::geom::ring::normalize(geo::unary_union(provinces.iter()));
            let ua = area_m2(&u);
            assert!(
                ((sum - ua) / ua).abs() < 1e-9,
                "scale {scale}: sum {sum} union {ua}"
            );
            // no gaps: the union is one polygon without holes
            assert_eq!(u.0.len(), 1, "scale {scale}");
            assert!(
                u.0[0].interiors().is_empty(),
                "scale {scale}: gap inside the country"
            );
            // neighbours (east–west and north–south) share many vertices exactly
            let bits = |p: &Polygon<f64>| -> std::collections::BTreeSet<(u64, u64)> {
                p.exterior()
                    .0
                    .iter()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
                    .collect()
            };
            let shared = |a: usize, b: usize| {
                bits(&country.provinces[a].degrees)
                    .intersection(&bits(&country.provinces[b].degrees))
                    .count()
            };
            assert!(shared(0, 1) > 16 && shared(0, 4) > 16 && shared(6, 7) > 16);
        }
    }
}
