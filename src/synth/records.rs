//! The synthetic records: hazards (in clusters, some CHAs drawn over an SHA), their
//! releases (parts, clearance strips, exact copies, large cancellations), settlements and
//! accidents, with the small share of defects real exports have.
//!
//! Input: the scale and seed; output: a [`Gen`] holding the [`Country`] and the records,
//! in country metres (centres) and lon/lat degrees (geometries). Dates lie in 2004 … the
//! as-of date [`AS_OF`], a few deliberately missing or in the future.
//! Every draw comes from the one RNG in a fixed order (see [`super`]); a helper
//! that takes `rng` draws exactly where the code it came from did.

use chrono::{Duration, NaiveDate};
use geo::{Coord, MultiPolygon, Polygon};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::geography::{country_deg, near_line, Country, Local, Star};
use super::{normal, pick, ACCIDENTS_PER_SCALE, AS_OF, HAZARDS_PER_SCALE, SETTLEMENTS_PER_SCALE};

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

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid constant date")
}

fn as_of() -> NaiveDate {
    NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("valid constant date")
}

fn date_between(rng: &mut ChaCha8Rng, a: NaiveDate, b: NaiveDate) -> NaiveDate {
    let days = (b - a).num_days().max(0);
    a + Duration::days(rng.gen_range(0..=days))
}

fn count(scale: f64, per_scale: f64) -> usize {
    (scale * per_scale).round().max(0.0) as usize
}

struct Cluster {
    centre: (f64, f64),
    radius: f64,
}

pub(super) struct Hazard {
    pub(super) id: String,
    pub(super) status: &'static str,
    pub(super) hazard_type: &'static str,
    pub(super) recorded: Option<NaiveDate>,
    pub(super) centre_m: (f64, f64),
    local: Local,
    r_min: f64,
    r_max: f64,
    area_m2: f64,
    overlay: bool,
    pub(super) geom: MultiPolygon<f64>,
}

pub(super) struct Release {
    pub(super) method: &'static str,
    pub(super) completed: Option<NaiveDate>,
    pub(super) hazard_id: Option<String>,
    pub(super) organisation: &'static str,
    pub(super) geom: MultiPolygon<f64>,
}

pub(super) struct Settlement {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) population: i64,
    pub(super) location: Coord<f64>,
}

pub(super) struct Accident {
    pub(super) id: String,
    pub(super) occurred: NaiveDate,
    pub(super) casualties: i64,
    pub(super) location: Coord<f64>,
}

/// The generator: the RNG, the country and the records drawn so far.
pub(super) struct Gen {
    rng: ChaCha8Rng,
    scale: f64,
    pub(super) country: Country,
    pub(super) hazards: Vec<Hazard>,
    pub(super) releases: Vec<Release>,
    pub(super) settlements: Vec<Settlement>,
    pub(super) accidents: Vec<Accident>,
}

impl Gen {
    /// Seeds the RNG and draws the country (provinces and valleys).
    pub(super) fn new(scale: f64, seed: u64) -> Gen {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let country = Country::new(&mut rng, scale);
        Gen {
            rng,
            scale,
            country,
            hazards: Vec::new(),
            releases: Vec::new(),
            settlements: Vec::new(),
            accidents: Vec::new(),
        }
    }

    /// Draws the records, in this order.
    pub(super) fn run(&mut self) {
        self.hazards_and_releases();
        self.settlements();
        self.accidents();
    }

    fn hazards_and_releases(&mut self) {
        let n = count(self.scale, HAZARDS_PER_SCALE);
        while self.hazards.len() < n {
            let rng = &mut self.rng;
            let c = &self.country;
            let centre = match pick(rng, &[0.35, 0.50, 0.15]) {
                0 => near_line(rng, &c.front, c.front_spread),
                1 => near_line(rng, &c.valleys, 700.0),
                _ => (
                    rng.gen_range(-0.95..0.95) * c.half_w,
                    rng.gen_range(-0.95..0.95) * c.half_h,
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
        let (star, main_area, polys) = hazard_shape(rng, &local, area);
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
            let (method, geom) = release_shape(rng, h, i + 1 == n);
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

    /// Settlements along valleys (and some anywhere in the country), heavy-tailed sizes.
    fn settlements(&mut self) {
        let n = count(self.scale, SETTLEMENTS_PER_SCALE);
        let c = &self.country;
        for k in 0..n {
            let mut xy = (0.0, 0.0);
            for _attempt in 0..20 {
                xy = if self.rng.gen_bool(0.75) {
                    near_line(&mut self.rng, &c.valleys, 1_000.0)
                } else {
                    (
                        self.rng.gen_range(-c.half_w..c.half_w),
                        self.rng.gen_range(-c.half_h..c.half_h),
                    )
                };
                if c.province_of(xy.0, xy.1).is_some() {
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
            self.settlements.push(Settlement {
                id: format!("ST-{:06}", k + 1),
                name: place_name(rng),
                population: population.round() as i64,
                location: country_deg(xy.0, xy.1),
            });
        }
    }

    /// Accidents near hazards (and some along valleys), 2011 … as-of.
    fn accidents(&mut self) {
        let n = count(self.scale, ACCIDENTS_PER_SCALE);
        for k in 0..n {
            let rng = &mut self.rng;
            let xy = if self.hazards.is_empty() || rng.gen_bool(0.15) {
                near_line(rng, &self.country.valleys, 500.0)
            } else {
                let h = &self.hazards[rng.gen_range(0..self.hazards.len())];
                (
                    h.centre_m.0 + 600.0 * normal(rng),
                    h.centre_m.1 + 600.0 * normal(rng),
                )
            };
            let occurred = date_between(rng, date(2011, 1, 1), as_of());
            let casualties = pick(rng, &[0.05, 0.5, 0.25, 0.1, 0.05, 0.05]) as i64;
            self.accidents.push(Accident {
                id: format!("AC-{:06}", k + 1),
                occurred,
                casualties,
                location: country_deg(xy.0, xy.1),
            });
        }
    }
}

/// The polygons of a hazard of `area` m² and the area of its main part: a main star
/// (one in ten of 5 ha or more with a hole) and, for 6 % of hazards, one or two further
/// parts placed so that their bounding circles are disjoint.
fn hazard_shape(rng: &mut ChaCha8Rng, local: &Local, area: f64) -> (Star, f64, Vec<Polygon<f64>>) {
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
    (star, main_area, polys)
}

/// The method and geometry of one release of `h`: a part of it, clearance strips across
/// it, or (only for its `last` release, one in four) an exact copy of it.
fn release_shape(
    rng: &mut ChaCha8Rng,
    h: &Hazard,
    last: bool,
) -> (&'static str, MultiPolygon<f64>) {
    let kind = if last && rng.gen_bool(0.25) {
        2
    } else {
        pick(rng, &[0.6, 0.4])
    };
    match kind {
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
