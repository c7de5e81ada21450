//! Writing a synthetic data set: the records as the five input [`Table`]s, the GeoPackage
//! `synthetic.gpkg` (with GDAL's timestamp pinned, so that the same scale and seed give
//! the same bytes) and the `pipeline.toml` that runs it.
//!
//! Geometries are lon/lat degrees (EPSG:4326): polygons as MultiPolygons, settlements
//! and accidents as Points. Ids are numbered in the order the records were drawn.

use std::path::Path;

use geo::{Coord, Geometry, MultiPolygon, Point};
use minefree::config::LayerKind;
use minefree::report::outputs::TableKind;
use minefree::report::{ReportError, Shape, Table, Values};

use super::geography::Province;
use super::records::{Accident, Gen, Hazard, Release, Settlement};
use super::{build, AS_OF, NATIONAL_DEADLINE};

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
    write_pinned(&gpkg, &data)?;
    let toml = out.join("pipeline.toml");
    std::fs::write(&toml, pipeline_toml(scale, seed)).map_err(io(&toml))?;
    Ok(())
}

/// Words an I/O error on `path`.
fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError {
    let path = path.to_path_buf();
    move |source| ReportError::Io { path, source }
}

/// Writes the five layers into `gpkg` with the timestamp GDAL writes into
/// `gpkg_contents.last_change` pinned (same seed, same bytes), unpinned afterwards even
/// when the write fails.
fn write_pinned(gpkg: &Path, data: &Dataset) -> Result<(), ReportError> {
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
    let written = minefree::report::write::gpkg::write_gpkg(
        gpkg,
        &[
            &data.hazards,
            &data.releases,
            &data.regions,
            &data.settlements,
            &data.accidents,
        ],
    );
    pin(None)?;
    written
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

/// The generator's records as the five tables (no draws: every value is already drawn).
pub(super) fn dataset(g: Gen) -> Dataset {
    let province: Vec<Option<String>> = g
        .hazards
        .iter()
        .map(|h| {
            g.country
                .province_of(h.centre_m.0, h.centre_m.1)
                .map(|p| p.name.to_string())
        })
        .collect();
    Dataset {
        regions: regions(&g.country.provinces),
        settlements: settlements(&g.settlements),
        accidents: accidents(&g.accidents),
        hazards: hazards(g.hazards, province),
        releases: releases(g.releases),
    }
}

/// A text column of one value per row.
fn text<T>(rows: &[T], value: impl Fn(&T) -> Option<String>) -> Values {
    Values::Text(rows.iter().map(value).collect())
}

/// An integer column of one value per row, none missing.
fn int<T>(rows: &[T], value: impl Fn(&T) -> i64) -> Values {
    Values::Int(rows.iter().map(|r| Some(value(r))).collect())
}

/// One point geometry per row.
fn points<T>(rows: &[T], location: impl Fn(&T) -> Coord<f64>) -> Vec<Option<Shape>> {
    rows.iter()
        .map(|r| Some(Shape::new(Geometry::Point(Point(location(r))))))
        .collect()
}

/// `hazards`, with the name of the province each hazard's centre lies in.
fn hazards(hz: Vec<Hazard>, province: Vec<Option<String>>) -> Table {
    let mut t = Table::new(TableKind::Input(LayerKind::Hazards));
    t.push("hazard_id", text(&hz, |h| Some(h.id.clone())));
    t.push("status", text(&hz, |h| Some(h.status.into())));
    t.push("hazard_type", text(&hz, |h| Some(h.hazard_type.into())));
    t.push(
        "recorded_on",
        Values::Date(hz.iter().map(|h| h.recorded).collect()),
    );
    t.push("province", Values::Text(province));
    t.geometry = hz.into_iter().map(|h| multi(h.geom)).collect();
    t
}

/// `releases`, numbered `RL-0000001` … in the order they were drawn.
fn releases(rl: Vec<Release>) -> Table {
    let mut t = Table::new(TableKind::Input(LayerKind::Releases));
    t.push(
        "release_id",
        Values::Text((1..=rl.len()).map(|i| Some(format!("RL-{i:07}"))).collect()),
    );
    t.push("method", text(&rl, |r| Some(r.method.into())));
    t.push(
        "completed_on",
        Values::Date(rl.iter().map(|r| r.completed).collect()),
    );
    t.push("hazard_id", text(&rl, |r| r.hazard_id.clone()));
    t.push("organisation", text(&rl, |r| Some(r.organisation.into())));
    t.geometry = rl.into_iter().map(|r| multi(r.geom)).collect();
    t
}

/// `regions`: the provinces, without parents.
fn regions(pv: &[Province]) -> Table {
    let mut t = Table::new(TableKind::Input(LayerKind::Regions));
    t.push("region_id", text(pv, |p| Some(p.id.clone())));
    t.push("name", text(pv, |p| Some(p.name.into())));
    t.push("parent_id", text(pv, |_| None));
    t.geometry = pv
        .iter()
        .map(|p| multi(MultiPolygon::new(vec![p.degrees.clone()])))
        .collect();
    t
}

/// `settlements` as points.
fn settlements(st: &[Settlement]) -> Table {
    let mut t = Table::new(TableKind::Input(LayerKind::Settlements));
    t.push("settlement_id", text(st, |s| Some(s.id.clone())));
    t.push("name", text(st, |s| Some(s.name.clone())));
    t.push("population", int(st, |s| s.population));
    t.geometry = points(st, |s| s.location);
    t
}

/// `accidents` as points.
fn accidents(ac: &[Accident]) -> Table {
    let mut t = Table::new(TableKind::Input(LayerKind::Accidents));
    t.push("accident_id", text(ac, |a| Some(a.id.clone())));
    t.push(
        "occurred_on",
        Values::Date(ac.iter().map(|a| Some(a.occurred)).collect()),
    );
    t.push("casualties", int(ac, |a| a.casualties));
    t.geometry = points(ac, |a| a.location);
    t
}

/// A polygon row's geometry.
fn multi(mp: MultiPolygon<f64>) -> Option<Shape> {
    Some(Shape::new(Geometry::MultiPolygon(mp)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
