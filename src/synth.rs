//! Synthetic national-scale data for benchmarks and for trying minefree at any size
//! (`minefree synth --scale N --seed S --out DIR`).
//!
//! The fictional country ("Synthetic Republic", region codes `XS-01` … `XS-08`) lies
//! around lon 70°, lat 38.5°. It has eight provinces on a jittered 4 × 2 grid whose
//! boundaries are shared polylines: neighbouring provinces use the very same vertex
//! coordinates, so the provinces have no gaps and no overlaps. The country's extent grows
//! with √scale, so that the density of hazards, settlements and valleys (and hence the
//! work per hazard) stays the same at every scale.
//!
//! Content per unit of scale: 400 hazards (in clusters of about ten, along a front line —
//! the boundary between the northern and southern provinces and the eastern border — in
//! valleys, and a few in the highlands), about 1 200 releases, 400 settlements and 30
//! accidents. Hazards are irregular star-shaped polygons of 15–80 vertices from 1.5 ha to
//! 4 km² (a few with holes, a few MultiPolygons); some CHAs are drawn over part of an SHA.
//! Releases over ten years (2016-07-01 … 2026-06-30) are parts of hazards, clearance
//! strips that spill outside the hazard, exact copies of a hazard, and large
//! cancellations over several hazards of a cluster. A small share of records carries the
//! defects real exports have (missing or future dates, releases dated before their hazard
//! was recorded, wrong `hazard_id`), so that the QA path is exercised too.
//!
//! Everything comes from one `ChaCha8Rng` seeded with the seed, in a fixed order, and the
//! GeoPackage timestamp is pinned: the same scale and seed give the same bytes.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use geo::{
    BoundingRect, Contains, Coord, Geometry, LineString, MultiPolygon, Point, Polygon, Rect,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::report::{GeometryKind, ReportError, Table, Values};

/// Hazards per unit of scale.
pub const HAZARDS_PER_SCALE: f64 = 400.0;
/// Settlements per unit of scale.
pub const SETTLEMENTS_PER_SCALE: f64 = 400.0;
/// Accidents per unit of scale.
pub const ACCIDENTS_PER_SCALE: f64 = 30.0;
/// The as-of date the data set is designed around (written into `pipeline.toml`).
pub const AS_OF: &str = "2026-06-30";
/// The national deadline written into `pipeline.toml`.
pub const NATIONAL_DEADLINE: &str = "2030-04-01";

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
const ORGANISATIONS: [&str; 6] = [
    "Northern Demining Group",
    "Valley Clearance Trust",
    "National Engineer Battalion",
    "Mine Action Survey Team",
    "Frontier EOD Services",
    "Humanitarian Demining Unit 3",
];
const HAZARD_TYPES: [(&str, f64); 6] = [
    ("AP", 0.35),
    ("AT", 0.15),
    ("ERW", 0.20),
    ("CMR", 0.10),
    ("IED", 0.05),
    ("MIXED", 0.15),
];
/// Weights of 0, 1, … 6 releases per hazard (mean ≈ 3).
const RELEASES_PER_HAZARD: [f64; 7] = [0.06, 0.12, 0.20, 0.24, 0.18, 0.12, 0.08];
const SYLLABLES: [&str; 24] = [
    "ka", "ra", "bad", "dar", "ob", "kul", "ken", "tep", "su", "jar", "qal", "na", "ro", "vo",
    "li", "mir", "zar", "go", "shi", "tal", "ur", "mes", "an", "bek",
];

/// The five input layers of a synthetic data set, as [`Table`]s ready to be written.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// `hazards`: hazard_id, status, hazard_type, recorded_on, province (MultiPolygon).
    pub hazards: Table,
    /// `releases`: release_id, method, completed_on, hazard_id, organisation (MultiPolygon).
    pub releases: Table,
    /// `regions`: region_id, name, parent_id (MultiPolygon).
    pub regions: Table,
    /// `settlements`: settlement_id, name, population (Point).
    pub settlements: Table,
    /// `accidents`: accident_id, occurred_on, casualties (Point).
    pub accidents: Table,
}

/// Writes a synthetic data set of the given scale (1 ≈ 400 hazards) and seed into `out`
/// (`out/synthetic.gpkg`, layers `hazards`, `releases`, `regions`, `settlements`,
/// `accidents`), with a pipeline file `out/pipeline.toml` that runs it.
pub fn generate(scale: f64, seed: u64, out: &Path) -> Result<(), ReportError> {
    if !(scale.is_finite() && scale > 0.0 && scale <= 10_000.0) {
        return Err(ReportError::Io {
            path: out.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("scale must be a number in (0, 10000], not {scale}"),
            ),
        });
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ReportError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io(out))?;
    let data = build(scale, seed);
    let gpkg = out.join("synthetic.gpkg");
    for p in [
        gpkg.clone(),
        out.join("synthetic.gpkg-wal"),
        out.join("synthetic.gpkg-shm"),
        out.join("synthetic.gpkg-journal"),
    ] {
        match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&p)(e)),
            _ => {}
        }
    }
    // Pin the timestamp GDAL writes into gpkg_contents.last_change: same seed, same bytes.
    let pin = |value: Option<&str>| {
        let r = match value {
            Some(v) => gdal::config::set_thread_local_config_option("OGR_CURRENT_DATE", v),
            None => gdal::config::clear_thread_local_config_option("OGR_CURRENT_DATE"),
        };
        r.map_err(|e| ReportError::Gdal {
            what: gpkg.display().to_string(),
            message: e.to_string(),
        })
    };
    pin(Some("2026-01-01T00:00:00Z"))?;
    let written = crate::report::gpkg::write_gpkg(
        &gpkg,
        &[
            &data.hazards,
            &data.releases,
            &data.regions,
            &data.settlements,
            &data.accidents,
        ],
    );
    pin(None)?;
    written?;
    let toml = out.join("pipeline.toml");
    std::fs::write(&toml, pipeline_toml(scale, seed)).map_err(io(&toml))?;
    Ok(())
}

/// The pipeline file that runs a generated data set (paths relative to it).
fn pipeline_toml(scale: f64, seed: u64) -> String {
    let mut s = format!(
        "# Synthetic data set: `minefree synth --scale {scale} --seed {seed}`.\n\
         # Run it with: minefree run pipeline.toml (outputs go to ./out).\n\
         as_of = \"{AS_OF}\"\n\
         output = \"out\"\n\
         fail_on = \"never\"\n"
    );
    for layer in ["hazards", "releases", "regions", "settlements", "accidents"] {
        s.push_str(&format!(
            "\n[inputs.{layer}]\nsource = \"synthetic.gpkg\"\nlayer = \"{layer}\"\n"
        ));
    }
    s.push_str(&format!(
        "\n[deadlines]\nnational = \"{NATIONAL_DEADLINE}\"\n"
    ));
    // R12 scenarios, as a centre would plan them: twice today's capacity, and what it
    // takes to finish by the national deadline.
    s.push_str(&format!(
        "\n[scenarios.with_aid]\nrate_factor = 2.0\n\n[scenarios.by_deadline]\nfinish_by = \"{NATIONAL_DEADLINE}\"\n"
    ));
    s
}

/// Builds the data set in memory (what [`generate`] writes).
pub fn build(scale: f64, seed: u64) -> Dataset {
    let mut g = Gen::new(scale, seed);
    g.run();
    g.into_dataset()
}

// ------------------------------------------------------------------ geometry helpers

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date")
}

fn as_of() -> NaiveDate {
    NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("valid constant date")
}

/// Standard normal deviate (Box–Muller; one per call, so the stream order is simple).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Index drawn from `weights` (need not sum to 1).
fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

fn date_between(rng: &mut ChaCha8Rng, a: NaiveDate, b: NaiveDate) -> NaiveDate {
    let days = (b - a).num_days().max(0);
    a + Duration::days(rng.gen_range(0..=days))
}

/// Country metres (x east, y north of the centre) to lon/lat, converting each point with
/// the cosine of its own latitude.
fn country_deg(x: f64, y: f64) -> Coord<f64> {
    let lat = LAT_C + y / M_PER_DEG;
    Coord {
        x: LON_C + x / (M_PER_DEG * lat.to_radians().cos()),
        y: lat,
    }
}

/// A local frame: metre offsets around a centre, converted with the centre's cos(lat)
/// (an affine map, so simple / nested rings stay simple / nested).
#[derive(Debug, Clone, Copy)]
struct Local {
    centre: Coord<f64>,
    kx: f64,
    ky: f64,
}

impl Local {
    fn at(centre: Coord<f64>) -> Local {
        Local {
            centre,
            kx: 1.0 / (M_PER_DEG * centre.y.to_radians().cos()),
            ky: 1.0 / M_PER_DEG,
        }
    }

    fn deg(&self, dx: f64, dy: f64) -> Coord<f64> {
        Coord {
            x: self.centre.x + dx * self.kx,
            y: self.centre.y + dy * self.ky,
        }
    }

    fn ring(&self, pts: &[(f64, f64)], ox: f64, oy: f64) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> =
            pts.iter().map(|&(x, y)| self.deg(x + ox, y + oy)).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    }
}

/// A star-shaped ring around the origin in metres: vertices at strictly increasing angles
/// (all gaps < π) with positive radii, hence simple and counter-clockwise.
struct Star {
    pts: Vec<(f64, f64)>,
    r_min: f64,
    r_max: f64,
}

impl Star {
    /// `nv` vertices enclosing `area_m2` square metres.
    fn new(
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
fn jagged(rng: &mut ChaCha8Rng, a: (f64, f64), b: (f64, f64), amp: f64) -> Vec<(f64, f64)> {
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

fn to_mp(p: Polygon<f64>) -> Option<Geometry<f64>> {
    Some(Geometry::MultiPolygon(MultiPolygon::new(vec![p])))
}

// ------------------------------------------------------------------ the generator

struct Province {
    id: String,
    name: &'static str,
    /// In country metres, for point-in-province tests.
    metres: Polygon<f64>,
    bbox: Rect<f64>,
    degrees: Polygon<f64>,
}

struct Cluster {
    centre: (f64, f64),
    radius: f64,
}

struct Hazard {
    id: String,
    status: &'static str,
    hazard_type: &'static str,
    recorded: Option<NaiveDate>,
    centre_m: (f64, f64),
    local: Local,
    r_min: f64,
    r_max: f64,
    area_m2: f64,
    overlay: bool,
    geom: MultiPolygon<f64>,
}

struct Release {
    method: &'static str,
    completed: Option<NaiveDate>,
    hazard_id: Option<String>,
    organisation: &'static str,
    geom: MultiPolygon<f64>,
}

struct Gen {
    rng: ChaCha8Rng,
    scale: f64,
    half_w: f64,
    half_h: f64,
    provinces: Vec<Province>,
    /// Polylines (metres) of the front line along which hazards cluster.
    front: Vec<Vec<(f64, f64)>>,
    /// Spread of clusters across the front line (metres; grows with √scale so that the
    /// density of hazards near it stays the same).
    front_spread: f64,
    valleys: Vec<Vec<(f64, f64)>>,
    hazards: Vec<Hazard>,
    releases: Vec<Release>,
    settlements: Vec<(String, String, i64, Coord<f64>)>,
    accidents: Vec<(String, NaiveDate, i64, Coord<f64>)>,
}

fn count(scale: f64, per_scale: f64) -> usize {
    (scale * per_scale).round().max(0.0) as usize
}

impl Gen {
    fn new(scale: f64, seed: u64) -> Gen {
        let side = scale.max(0.05).sqrt();
        Gen {
            rng: ChaCha8Rng::seed_from_u64(seed),
            scale,
            half_w: WIDTH_M * side / 2.0,
            half_h: HEIGHT_M * side / 2.0,
            provinces: Vec::new(),
            front: Vec::new(),
            front_spread: 2_500.0 * side,
            valleys: Vec::new(),
            hazards: Vec::new(),
            releases: Vec::new(),
            settlements: Vec::new(),
            accidents: Vec::new(),
        }
    }

    fn run(&mut self) {
        self.provinces();
        self.valleys();
        self.hazards_and_releases();
        self.settlements();
        self.accidents();
    }

    /// Eight provinces on a jittered 4 × 2 grid with shared jagged boundaries.
    fn provinces(&mut self) {
        let (w, h) = (2.0 * self.half_w, 2.0 * self.half_h);
        let (cw, ch) = (w / COLS as f64, h / ROWS as f64);
        let mut corner = vec![vec![(0.0, 0.0); ROWS + 1]; COLS + 1];
        for (i, col) in corner.iter_mut().enumerate() {
            for (j, c) in col.iter_mut().enumerate() {
                *c = (
                    -self.half_w + i as f64 * cw + self.rng.gen_range(-0.06..0.06) * cw,
                    -self.half_h + j as f64 * ch + self.rng.gen_range(-0.06..0.06) * ch,
                );
            }
        }
        let outer = |k: usize, n: usize| if k == 0 || k == n { 0.14 } else { 0.10 };
        // horiz[j][i]: row line j, from corner (i, j) to (i + 1, j)
        let mut horiz = Vec::new();
        for j in 0..=ROWS {
            let mut line = Vec::new();
            for pair in corner.windows(2) {
                let amp = outer(j, ROWS);
                line.push(jagged(&mut self.rng, pair[0][j], pair[1][j], amp));
            }
            horiz.push(line);
        }
        // vert[i][j]: column line i, from corner (i, j) to (i, j + 1)
        let mut vert = Vec::new();
        for (i, col) in corner.iter().enumerate() {
            let mut line = Vec::new();
            for j in 0..ROWS {
                line.push(jagged(&mut self.rng, col[j], col[j + 1], outer(i, COLS)));
            }
            vert.push(line);
        }
        // the front line: between the northern and southern provinces, and the east border
        for seg in &horiz[1] {
            self.front.push(seg.clone());
        }
        for seg in &vert[COLS] {
            self.front.push(seg.clone());
        }
        let to_deg = |pts: &[(f64, f64)]| -> Vec<Coord<f64>> {
            pts.iter().map(|&(x, y)| country_deg(x, y)).collect()
        };
        let horiz_deg: Vec<Vec<Vec<Coord<f64>>>> = horiz
            .iter()
            .map(|l| l.iter().map(|s| to_deg(s)).collect())
            .collect();
        let vert_deg: Vec<Vec<Vec<Coord<f64>>>> = vert
            .iter()
            .map(|l| l.iter().map(|s| to_deg(s)).collect())
            .collect();
        // provinces numbered from the north-west, row by row
        for row in 0..ROWS {
            let j = ROWS - 1 - row;
            for i in 0..COLS {
                fn ring<T: Clone>(
                    h: &[Vec<Vec<T>>],
                    v: &[Vec<Vec<T>>],
                    i: usize,
                    j: usize,
                ) -> Vec<T> {
                    let mut r: Vec<T> = h[j][i].clone();
                    r.extend(v[i + 1][j].iter().skip(1).cloned());
                    r.extend(h[j + 1][i].iter().rev().skip(1).cloned());
                    r.extend(v[i][j].iter().rev().skip(1).cloned());
                    r
                }
                let metres: Vec<Coord<f64>> = ring(&horiz, &vert, i, j)
                    .into_iter()
                    .map(|(x, y)| Coord { x, y })
                    .collect();
                let degrees = ring(&horiz_deg, &vert_deg, i, j);
                let metres = Polygon::new(LineString::new(metres), vec![]);
                let n = self.provinces.len();
                self.provinces.push(Province {
                    id: format!("XS-{:02}", n + 1),
                    name: PROVINCE_NAMES[n],
                    bbox: metres.bounding_rect().expect("province has vertices"),
                    metres,
                    degrees: Polygon::new(LineString::new(degrees), vec![]),
                });
            }
        }
    }

    /// Rivers: smooth random walks entering from the west, north or south edge.
    fn valleys(&mut self) {
        let n = ((3.0 * self.scale.sqrt()).round() as usize).max(2);
        let (hw, hh) = (self.half_w, self.half_h);
        let step = 400.0;
        let max_steps = (4.0 * (hw + hh) / step) as usize;
        while self.valleys.len() < n {
            let rng = &mut self.rng;
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

    /// A point near a random vertex of one of `lines`, offset across the line by
    /// `spread` · N(0, 1) metres.
    fn near_line(rng: &mut ChaCha8Rng, lines: &[Vec<(f64, f64)>], spread: f64) -> (f64, f64) {
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

    fn hazards_and_releases(&mut self) {
        let n = count(self.scale, HAZARDS_PER_SCALE);
        while self.hazards.len() < n {
            let rng = &mut self.rng;
            let centre = match pick(rng, &[0.35, 0.50, 0.15]) {
                0 => Gen::near_line(rng, &self.front, self.front_spread),
                1 => Gen::near_line(rng, &self.valleys, 700.0),
                _ => (
                    rng.gen_range(-0.95..0.95) * self.half_w,
                    rng.gen_range(-0.95..0.95) * self.half_h,
                ),
            };
            let cluster = Cluster {
                centre,
                radius: rng.gen_range(1_500.0..5_000.0),
            };
            let size = ((2.1 + 0.6 * normal(rng)).exp().round() as usize).clamp(1, 60);
            let first = self.hazards.len();
            for j in 0..size.min(n - first) {
                let over = j > 0 && {
                    let prev = &self.hazards[self.hazards.len() - 1];
                    prev.status == "SHA"
                        && !prev.overlay
                        && prev.area_m2 >= 60_000.0
                        && self.rng.gen_bool(0.25)
                };
                let h = if over {
                    self.cha_over_last()
                } else {
                    self.new_hazard(&cluster)
                };
                self.hazards.push(h);
            }
            for k in first..self.hazards.len() {
                self.releases_for(k);
            }
            if self.rng.gen_bool(0.25) {
                self.large_cancellation(&cluster);
            }
        }
    }

    fn next_hazard_id(&self) -> String {
        format!("HZ-{:06}", self.hazards.len() + 1)
    }

    fn new_hazard(&mut self, cluster: &Cluster) -> Hazard {
        let id = self.next_hazard_id();
        let rng = &mut self.rng;
        let sigma = cluster.radius / 2.0;
        let centre_m = (
            cluster.centre.0 + sigma * normal(rng),
            cluster.centre.1 + sigma * normal(rng),
        );
        let local = Local::at(country_deg(centre_m.0, centre_m.1));
        // 1.5 ha … 400 ha, most small: median ≈ 3 ha, mean ≈ 29 ha
        let area = 15_000.0 * (4_000_000.0_f64 / 15_000.0).powf(rng.gen::<f64>().powi(3));
        let parts = if rng.gen_bool(0.06) {
            rng.gen_range(2..=3)
        } else {
            1
        };
        let main_area = if parts > 1 {
            area * rng.gen_range(0.5..0.8)
        } else {
            area
        };
        let star = Star::new(rng, 15..=80, main_area, 1.0);
        let mut holes = Vec::new();
        if main_area >= 50_000.0 && rng.gen_bool(0.1) {
            let hole = Star::new(rng, 10..=20, 1.0, 0.6);
            let f = rng.gen_range(0.25..0.45) * star.r_min / hole.r_max;
            let a = rng.gen_range(0.0..std::f64::consts::TAU);
            let o = rng.gen_range(0.0..0.2) * star.r_min;
            let mut pts: Vec<(f64, f64)> = hole.pts.iter().map(|p| (p.0 * f, p.1 * f)).collect();
            pts.reverse();
            holes.push(local.ring(&pts, o * a.cos(), o * a.sin()));
        }
        let mut polys = vec![Polygon::new(local.ring(&star.pts, 0.0, 0.0), holes)];
        // further parts, placed so that their bounding circles are disjoint
        let mut circles = vec![(0.0, 0.0, star.r_max)];
        for _ in 1..parts {
            let part = Star::new(rng, 15..=40, (area - main_area) / (parts - 1) as f64, 1.0);
            for _attempt in 0..10 {
                let a = rng.gen_range(0.0..std::f64::consts::TAU);
                let d = star.r_max + part.r_max + rng.gen_range(30.0..300.0);
                let (ox, oy) = (d * a.cos(), d * a.sin());
                let clear = circles
                    .iter()
                    .all(|&(cx, cy, r)| (cx - ox).hypot(cy - oy) > r + part.r_max + 10.0);
                if clear {
                    circles.push((ox, oy, part.r_max));
                    polys.push(Polygon::new(local.ring(&part.pts, ox, oy), vec![]));
                    break;
                }
            }
        }
        let status = if rng.gen_bool(0.6) { "SHA" } else { "CHA" };
        let types: Vec<f64> = HAZARD_TYPES.iter().map(|t| t.1).collect();
        let hazard_type = HAZARD_TYPES[pick(rng, &types)].0;
        let recorded = match pick(rng, &[0.994, 0.003, 0.003]) {
            0 => Some(date_between(rng, date(2004, 1, 1), date(2025, 12, 31))),
            1 => None,
            _ => Some(date_between(rng, date(2026, 7, 1), date(2026, 12, 31))),
        };
        Hazard {
            id,
            status,
            hazard_type,
            recorded,
            centre_m,
            local,
            r_min: star.r_min,
            r_max: star.r_max,
            area_m2: main_area,
            overlay: false,
            geom: MultiPolygon::new(polys),
        }
    }

    /// A CHA drawn over part of the previous hazard (an SHA).
    fn cha_over_last(&mut self) -> Hazard {
        let id = self.next_hazard_id();
        let prev = &self.hazards[self.hazards.len() - 1];
        let rng = &mut self.rng;
        let a = rng.gen_range(0.0..std::f64::consts::TAU);
        let o = rng.gen_range(0.0..0.5) * prev.r_min;
        let (ox, oy) = (o * a.cos(), o * a.sin());
        let area = prev.area_m2 * rng.gen_range(0.25..0.5); // ≥ 1.5 ha: prev ≥ 6 ha
        let star = Star::new(rng, 15..=40, area, 0.8);
        let centre_m = (prev.centre_m.0 + ox, prev.centre_m.1 + oy);
        let local = Local::at(prev.local.deg(ox, oy));
        let recorded = prev
            .recorded
            .map(|d| (d + Duration::days(rng.gen_range(30..1500))).min(date(2025, 12, 31).max(d)));
        Hazard {
            id,
            status: "CHA",
            hazard_type: prev.hazard_type,
            recorded,
            centre_m,
            local,
            r_min: star.r_min,
            r_max: star.r_max,
            area_m2: area,
            overlay: true,
            geom: MultiPolygon::new(vec![Polygon::new(local.ring(&star.pts, 0.0, 0.0), vec![])]),
        }
    }

    /// About three releases of hazard `k`: parts, strips, an exact copy last.
    fn releases_for(&mut self, k: usize) {
        let h = &self.hazards[k];
        let rng = &mut self.rng;
        let start = date(2016, 7, 1);
        let lo = h
            .recorded
            .map_or(start, |d| (d + Duration::days(1)).max(start));
        if lo > as_of() {
            return;
        }
        let n = pick(rng, &RELEASES_PER_HAZARD);
        let mut dates: Vec<NaiveDate> = (0..n).map(|_| date_between(rng, lo, as_of())).collect();
        dates.sort();
        for (i, d) in dates.into_iter().enumerate() {
            let last = i + 1 == n;
            let kind = if last && rng.gen_bool(0.25) {
                2
            } else {
                pick(rng, &[0.6, 0.4])
            };
            let (method, geom) = match kind {
                0 => {
                    let method = ["cancelled", "reduced", "cleared"][pick(rng, &[0.3, 0.4, 0.3])];
                    let a = rng.gen_range(0.0..std::f64::consts::TAU);
                    let o = rng.gen_range(0.0..0.6) * h.r_min;
                    let area = h.area_m2 * rng.gen_range(0.1..0.5);
                    let star = Star::new(rng, 12..=40, area, 0.8);
                    let ring = h.local.ring(&star.pts, o * a.cos(), o * a.sin());
                    (method, MultiPolygon::new(vec![Polygon::new(ring, vec![])]))
                }
                1 => {
                    let method = if rng.gen_bool(0.6) {
                        "cleared"
                    } else {
                        "reduced"
                    };
                    (method, strips(rng, h))
                }
                _ => {
                    let method = if rng.gen_bool(0.5) {
                        "cancelled"
                    } else {
                        "cleared"
                    };
                    (method, h.geom.clone())
                }
            };
            let completed = match pick(rng, &[0.98, 0.012, 0.005, 0.003]) {
                0 => Some(d),
                1 => h
                    .recorded
                    .map(|r| r - Duration::days(rng.gen_range(30..1500))),
                2 => Some(as_of() + Duration::days(rng.gen_range(1..200))),
                _ => None,
            };
            let hazard_id = match pick(rng, &[0.94, 0.05, 0.01]) {
                0 => Some(h.id.clone()),
                1 => None,
                _ => Some(format!("HZ-{:06}", rng.gen_range(1..=self.hazards.len()))),
            };
            let organisation = ORGANISATIONS[rng.gen_range(0..ORGANISATIONS.len())];
            self.releases.push(Release {
                method,
                completed,
                hazard_id,
                organisation,
                geom,
            });
        }
    }

    /// A large cancellation (non-technical survey) over several hazards of a cluster.
    fn large_cancellation(&mut self, cluster: &Cluster) {
        let rng = &mut self.rng;
        let local = Local::at(country_deg(cluster.centre.0, cluster.centre.1));
        let r = cluster.radius * rng.gen_range(0.3..0.55);
        let star = Star::new(rng, 20..=60, std::f64::consts::PI * r * r, 0.7);
        let ring = local.ring(&star.pts, 0.0, 0.0);
        let completed = Some(date_between(rng, date(2016, 7, 1), as_of()));
        self.releases.push(Release {
            method: "cancelled",
            completed,
            hazard_id: None,
            organisation: "Mine Action Survey Team",
            geom: MultiPolygon::new(vec![Polygon::new(ring, vec![])]),
        });
    }

    fn province_of(&self, x: f64, y: f64) -> Option<&Province> {
        let p = Point::new(x, y);
        self.provinces
            .iter()
            .find(|pr| pr.bbox.contains(&p) && pr.metres.contains(&p))
    }

    /// Settlements along valleys (and some anywhere in the country), heavy-tailed sizes.
    fn settlements(&mut self) {
        let n = count(self.scale, SETTLEMENTS_PER_SCALE);
        for k in 0..n {
            let mut xy = (0.0, 0.0);
            for _attempt in 0..20 {
                xy = if self.rng.gen_bool(0.75) {
                    Gen::near_line(&mut self.rng, &self.valleys, 1_000.0)
                } else {
                    (
                        self.rng.gen_range(-self.half_w..self.half_w),
                        self.rng.gen_range(-self.half_h..self.half_h),
                    )
                };
                if self.province_of(xy.0, xy.1).is_some() {
                    break;
                }
            }
            let rng = &mut self.rng;
            let population = if rng.gen_bool(0.03) {
                // towns: Pareto tail
                (2_000.0 * (1.0 - rng.gen::<f64>()).powf(-1.0 / 1.2)).min(2_000_000.0)
            } else {
                (5.3 + normal(rng)).exp().max(10.0)
            };
            let name = place_name(rng);
            self.settlements.push((
                format!("ST-{:06}", k + 1),
                name,
                population.round() as i64,
                country_deg(xy.0, xy.1),
            ));
        }
    }

    /// Accidents near hazards (and some along valleys), 2011 … as-of.
    fn accidents(&mut self) {
        let n = count(self.scale, ACCIDENTS_PER_SCALE);
        for k in 0..n {
            let rng = &mut self.rng;
            let xy = if self.hazards.is_empty() || rng.gen_bool(0.15) {
                Gen::near_line(rng, &self.valleys, 500.0)
            } else {
                let h = &self.hazards[rng.gen_range(0..self.hazards.len())];
                (
                    h.centre_m.0 + 600.0 * normal(rng),
                    h.centre_m.1 + 600.0 * normal(rng),
                )
            };
            let occurred = date_between(rng, date(2011, 1, 1), as_of());
            let casualties = pick(rng, &[0.05, 0.5, 0.25, 0.1, 0.05, 0.05]) as i64;
            self.accidents.push((
                format!("AC-{:06}", k + 1),
                occurred,
                casualties,
                country_deg(xy.0, xy.1),
            ));
        }
    }

    fn into_dataset(self) -> Dataset {
        let mut hazards = Table::new("hazards", GeometryKind::MultiPolygon);
        let province: Vec<Option<String>> = self
            .hazards
            .iter()
            .map(|h| {
                self.province_of(h.centre_m.0, h.centre_m.1)
                    .map(|p| p.name.to_string())
            })
            .collect();
        let hz = &self.hazards;
        hazards.push(
            "hazard_id",
            Values::Text(hz.iter().map(|h| Some(h.id.clone())).collect()),
        );
        hazards.push(
            "status",
            Values::Text(hz.iter().map(|h| Some(h.status.into())).collect()),
        );
        hazards.push(
            "hazard_type",
            Values::Text(hz.iter().map(|h| Some(h.hazard_type.into())).collect()),
        );
        hazards.push(
            "recorded_on",
            Values::Date(hz.iter().map(|h| h.recorded).collect()),
        );
        hazards.push("province", Values::Text(province));
        hazards.geometry = self
            .hazards
            .into_iter()
            .map(|h| Some(Geometry::MultiPolygon(h.geom)))
            .collect();

        let mut releases = Table::new("releases", GeometryKind::MultiPolygon);
        let rl = &self.releases;
        releases.push(
            "release_id",
            Values::Text((1..=rl.len()).map(|i| Some(format!("RL-{i:07}"))).collect()),
        );
        releases.push(
            "method",
            Values::Text(rl.iter().map(|r| Some(r.method.into())).collect()),
        );
        releases.push(
            "completed_on",
            Values::Date(rl.iter().map(|r| r.completed).collect()),
        );
        releases.push(
            "hazard_id",
            Values::Text(rl.iter().map(|r| r.hazard_id.clone()).collect()),
        );
        releases.push(
            "organisation",
            Values::Text(rl.iter().map(|r| Some(r.organisation.into())).collect()),
        );
        releases.geometry = self
            .releases
            .into_iter()
            .map(|r| Some(Geometry::MultiPolygon(r.geom)))
            .collect();

        let mut regions = Table::new("regions", GeometryKind::MultiPolygon);
        let pv = &self.provinces;
        regions.push(
            "region_id",
            Values::Text(pv.iter().map(|p| Some(p.id.clone())).collect()),
        );
        regions.push(
            "name",
            Values::Text(pv.iter().map(|p| Some(p.name.into())).collect()),
        );
        regions.push("parent_id", Values::Text(pv.iter().map(|_| None).collect()));
        regions.geometry = pv.iter().map(|p| to_mp(p.degrees.clone())).collect();

        let mut settlements = Table::new("settlements", GeometryKind::Any);
        let st = &self.settlements;
        settlements.push(
            "settlement_id",
            Values::Text(st.iter().map(|s| Some(s.0.clone())).collect()),
        );
        settlements.push(
            "name",
            Values::Text(st.iter().map(|s| Some(s.1.clone())).collect()),
        );
        settlements.push(
            "population",
            Values::Int(st.iter().map(|s| Some(s.2)).collect()),
        );
        settlements.geometry = st
            .iter()
            .map(|s| Some(Geometry::Point(Point(s.3))))
            .collect();

        let mut accidents = Table::new("accidents", GeometryKind::Any);
        let ac = &self.accidents;
        accidents.push(
            "accident_id",
            Values::Text(ac.iter().map(|a| Some(a.0.clone())).collect()),
        );
        accidents.push(
            "occurred_on",
            Values::Date(ac.iter().map(|a| Some(a.1)).collect()),
        );
        accidents.push(
            "casualties",
            Values::Int(ac.iter().map(|a| Some(a.2)).collect()),
        );
        accidents.geometry = ac
            .iter()
            .map(|a| Some(Geometry::Point(Point(a.3))))
            .collect();

        Dataset {
            hazards,
            releases,
            regions,
            settlements,
            accidents,
        }
    }
}

/// 1–3 parallel clearance lanes across the hazard's main part, longer than it is wide,
/// so that they spill outside it at both ends.
fn strips(rng: &mut ChaCha8Rng, h: &Hazard) -> MultiPolygon<f64> {
    let a = rng.gen_range(0.0..std::f64::consts::PI);
    let (ux, uy) = (a.cos(), a.sin());
    let (nx, ny) = (-uy, ux);
    let len = 2.0 * h.r_max * rng.gen_range(1.05..1.4);
    let width = rng.gen_range(20.0..120.0_f64).min(h.r_min);
    let lanes = rng.gen_range(1..=3);
    let gap = rng.gen_range(10.0..80.0);
    let base = rng.gen_range(-0.5..0.5) * h.r_min;
    let polys = (0..lanes)
        .map(|l| {
            let o = base + l as f64 * (width + gap);
            let (lo, hi) = (o - width / 2.0, o + width / 2.0);
            let corner = |s: f64, t: f64| (ux * s + nx * t, uy * s + ny * t);
            let pts = [
                corner(-len / 2.0, lo),
                corner(len / 2.0, lo),
                corner(len / 2.0, hi),
                corner(-len / 2.0, hi),
            ];
            Polygon::new(h.local.ring(&pts, 0.0, 0.0), vec![])
        })
        .collect();
    MultiPolygon::new(polys)
}

/// A pronounceable fictional place name of two or three syllables.
fn place_name(rng: &mut ChaCha8Rng) -> String {
    let n = rng.gen_range(2..=3);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(SYLLABLES[rng.gen_range(0..SYLLABLES.len())]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::area::area_m2;
    use geo::Validation;

    fn same(a: &Table, b: &Table) -> bool {
        a.name == b.name
            && a.columns == b.columns
            && a.geometry_kind == b.geometry_kind
            && a.geometry == b.geometry
    }

    fn tables(d: &Dataset) -> [&Table; 5] {
        [
            &d.hazards,
            &d.releases,
            &d.regions,
            &d.settlements,
            &d.accidents,
        ]
    }

    #[test]
    fn same_seed_gives_identical_tables_and_another_seed_does_not() {
        let (a, b, c) = (build(1.0, 7), build(1.0, 7), build(1.0, 8));
        for (x, y) in tables(&a).iter().zip(tables(&b)) {
            assert!(same(x, y), "table {} differs between two runs", x.name);
        }
        assert!(!same(&a.hazards, &c.hazards));
        assert!(!same(&a.releases, &c.releases));
    }

    #[test]
    fn counts_scale_linearly() {
        let small = build(0.5, 3);
        let large = build(4.0, 3);
        for (d, s) in [(&small, 0.5), (&large, 4.0)] {
            assert_eq!(d.hazards.rows(), (400.0 * s) as usize);
            assert_eq!(d.settlements.rows(), (400.0 * s) as usize);
            assert_eq!(d.accidents.rows(), (30.0 * s) as usize);
            assert_eq!(d.regions.rows(), 8);
            let per_hazard = d.releases.rows() as f64 / d.hazards.rows() as f64;
            assert!(
                (2.6..3.4).contains(&per_hazard),
                "{per_hazard} releases per hazard"
            );
        }
        let ratio = large.releases.rows() as f64 / small.releases.rows() as f64;
        assert!(
            (7.0..9.0).contains(&ratio),
            "releases ratio {ratio}, want ≈ 8"
        );
    }

    #[test]
    fn every_polygon_is_valid_and_the_mix_is_realistic() {
        let d = build(2.0, 11);
        for t in [&d.hazards, &d.releases, &d.regions] {
            for (i, g) in t.geometry.iter().enumerate() {
                let g = g.as_ref().expect("every polygon row has a geometry");
                let Geometry::MultiPolygon(mp) = g else {
                    panic!("{} row {i} is not a MultiPolygon", t.name)
                };
                assert!(
                    mp.is_valid(),
                    "{} row {i}: {:?}",
                    t.name,
                    mp.validation_errors()
                );
            }
        }
        let mps: Vec<&MultiPolygon<f64>> = d
            .hazards
            .geometry
            .iter()
            .filter_map(|g| match g {
                Some(Geometry::MultiPolygon(mp)) => Some(mp),
                _ => None,
            })
            .collect();
        let holes = mps
            .iter()
            .filter(|m| m.0.iter().any(|p| !p.interiors().is_empty()))
            .count();
        let multi = mps.iter().filter(|m| m.0.len() > 1).count();
        assert!(
            holes > 0 && multi > 0,
            "holes {holes}, multipolygons {multi}"
        );
        for mp in &mps {
            let nv = mp.0[0].exterior().0.len() - 1;
            assert!((15..=80).contains(&nv), "{nv} vertices");
            let a = area_m2(mp);
            assert!(a > 1.3e4 && a < 4.2e6, "hazard of {a} m²");
        }
        let Values::Text(methods) = d.releases.column("method").unwrap() else {
            panic!()
        };
        for m in ["cancelled", "reduced", "cleared"] {
            assert!(
                methods.iter().any(|x| x.as_deref() == Some(m)),
                "no {m} release"
            );
        }
        let Values::Int(pop) = d.settlements.column("population").unwrap() else {
            panic!()
        };
        let mut pop: Vec<i64> = pop.iter().map(|p| p.unwrap()).collect();
        pop.sort();
        assert!(
            pop[pop.len() - 1] > 20 * pop[pop.len() / 2],
            "population is not heavy-tailed"
        );
    }

    #[test]
    fn provinces_share_boundaries_exactly() {
        for scale in [1.0, 100.0] {
            let mut g = Gen::new(scale, 5);
            g.provinces();
            let provinces: Vec<MultiPolygon<f64>> = g
                .provinces
                .iter()
                .map(|p| MultiPolygon::new(vec![p.degrees.clone()]))
                .collect();
            let sum: f64 = provinces.iter().map(area_m2).sum();
            // One unary union (a single snapping grid), so that exactly shared edges
            // dissolve without specks.
            let u = crate::geom::ring::normalize(geo::unary_union(provinces.iter()));
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
                bits(&g.provinces[a].degrees)
                    .intersection(&bits(&g.provinces[b].degrees))
                    .count()
            };
            assert!(shared(0, 1) > 16 && shared(0, 4) > 16 && shared(6, 7) > 16);
        }
    }

    #[test]
    fn generate_writes_the_same_bytes_for_the_same_seed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        generate(0.2, 9, &a).unwrap();
        generate(0.2, 9, &b).unwrap();
        for f in ["synthetic.gpkg", "pipeline.toml"] {
            let (x, y) = (
                std::fs::read(a.join(f)).unwrap(),
                std::fs::read(b.join(f)).unwrap(),
            );
            assert!(x == y, "{f} differs");
        }
        let toml = std::fs::read_to_string(a.join("pipeline.toml")).unwrap();
        assert!(toml.contains("[inputs.accidents]") && toml.contains("as_of = \"2026-06-30\""));
        assert!(generate(0.0, 9, &a).is_err());
    }
}
