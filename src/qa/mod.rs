//! Input QA (R1–R2): raw records → model types, and a finding for every problem.
//!
//! Input: the [`RawLayer`]s read by `ingest` (EPSG:4326) and the as-of date D.
//! Output: [`Inputs`] holding only usable records, and the [`Finding`]s. Nothing is dropped
//! silently: every record that is skipped or changed has a finding naming it by its id
//! (or `fid:N` when the id is missing). Decisions where the SPEC is silent are in
//! `pipelines/README.md` ("How bad input is treated").

mod geometry;
mod points;
mod targets;

use chrono::NaiveDate;
use geo::Point;

use crate::config::{Field, LayerKind};
use crate::geom::repair::{self, Rejection, Repair};
use crate::ingest::{AttrValue, RawFeature, RawGeometry, RawLayer};
use crate::model::{
    Accident, Check, Finding, Hazard, HazardType, Inputs, Method, Region, Release, Settlement,
    Severity, Status, DATE_YEARS,
};

/// Builds the model from raw layers; see the module docs. The raw layers are consumed:
/// each raw geometry is freed as soon as it is repaired (unless a finding shows it), so a
/// national run never holds the raw and the repaired land at once.
pub fn check_layers(layers: Vec<RawLayer>, as_of: NaiveDate) -> (Inputs, Vec<Finding>) {
    let mut inputs = Inputs::default();
    let mut findings = Vec::new();
    for mut layer in layers {
        let repaired = repair_all(&mut layer);
        let layer = &layer;
        let mut ctx = LayerCheck {
            layer,
            findings: &mut findings,
            repaired,
            usable: 0,
            source_index: None,
        };
        if layer.crs_assumed {
            ctx.finding(
                Severity::Warning,
                Check::CrsAssumed,
                "",
                format!(
                    "source '{}' has no CRS; its coordinates are within ±180/±90 so EPSG:4326 (lon/lat) was assumed",
                    layer.source
                ),
            );
        }
        for message in &layer.read_errors {
            ctx.finding(
                Severity::Error,
                Check::ReadError,
                "",
                format!(
                    "GDAL reported an error while reading '{}': {message}; records may be missing from this layer",
                    layer.source
                ),
            );
        }
        match layer.kind {
            LayerKind::Hazards => {
                inputs.hazards = ctx.hazards(as_of);
                inputs.hazard_extra_fields = layer.extra_fields.clone();
            }
            LayerKind::Releases => inputs.releases = ctx.releases(as_of),
            LayerKind::Regions => inputs.regions = ctx.regions(),
            LayerKind::Settlements => inputs.settlements = ctx.settlements(),
            LayerKind::Accidents => inputs.accidents = ctx.accidents(),
            LayerKind::Targets => inputs.targets = ctx.targets(as_of),
        }
        ctx.emptiness();
    }
    findings.extend(unknown_hazard_ids(&inputs));
    findings.extend(targets::unknown_regions(&inputs));
    findings.extend(targets::duplicates(&inputs.targets));
    findings.extend(points::outside_regions(&inputs));
    (inputs, findings)
}

/// The findings that make `run` and `validate` refuse (see [`Check::refuses_run`]).
pub fn refusals(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings.iter().filter(|f| f.check.refuses_run())
}

/// The region ids minefree's own rows use (compared ignoring case and surrounding blanks).
pub const RESERVED_REGION_IDS: [&str; 2] = ["_outside", "_national"];

/// R3's attribute half, which needs no analysis (so `validate` reports it): a release
/// whose `hazard_id` names no hazard of this run. Whether it overlaps the hazard it names
/// is the release stage's check.
fn unknown_hazard_ids(inputs: &Inputs) -> Vec<Finding> {
    let known: std::collections::HashSet<&str> = inputs
        .hazards
        .iter()
        .map(|h| h.hazard_id.as_str())
        .collect();
    inputs
        .releases
        .iter()
        .filter_map(|r| {
            let named = r.hazard_id.as_deref()?;
            (!known.contains(named)).then(|| {
                let message = format!("hazard_id '{named}' names no hazard of this run; the release still applies to whatever it overlaps");
                Finding::new(Severity::Warning, Check::UnknownHazardId, LayerKind::Releases, &r.release_id, message)
                    .at(r.geometry.clone())
            })
        })
        .collect()
}

struct LayerCheck<'a> {
    layer: &'a RawLayer,
    findings: &'a mut Vec<Finding>,
    /// Per feature of a polygon layer with a geometry, its R1 repair, computed in
    /// parallel beforehand (the costly part of QA); taken by [`LayerCheck::polygon`] in
    /// feature order, so that findings come out in the same order on any number of
    /// threads.
    repaired: Vec<Option<Prepared>>,
    /// How many records had a usable geometry (whatever else was wrong with them).
    usable: usize,
    /// The source of the record being checked (an index into [`RawLayer::sources`]):
    /// findings of an input read from several sources name it.
    source_index: Option<usize>,
}

type Repaired = Result<(geo::MultiPolygon<f64>, Vec<Repair>), Rejection>;

/// A raw polygonal geometry taken out of its record, and its R1 repair.
struct Prepared {
    /// The geometry as read, kept only when a finding will show it (a repair, a
    /// rejection, an unclosed ring); else freed at once.
    raw: Option<geo::Geometry<f64>>,
    repaired: Repaired,
}

/// The R1 repair of every readable geometry of a polygon layer (empty for point layers),
/// each taken out of its record (which is left with [`RawGeometry::Null`]).
fn repair_all(layer: &mut RawLayer) -> Vec<Option<Prepared>> {
    use rayon::prelude::*;
    if !matches!(
        layer.kind,
        LayerKind::Hazards | LayerKind::Releases | LayerKind::Regions
    ) {
        return Vec::new();
    }
    layer
        .features
        .par_iter_mut()
        .map(|f| {
            let g = match std::mem::replace(&mut f.geometry, RawGeometry::Null) {
                RawGeometry::Geo(g) => g,
                other => {
                    // null, empty or unreadable: left as read, for `polygon` to report
                    f.geometry = other;
                    return None;
                }
            };
            let repaired = repair::repair_polygonal(&g);
            let shown = f.unclosed_rings > 0
                || repaired
                    .as_ref()
                    .map_or(true, |(_, repairs)| !repairs.is_empty());
            Some(Prepared {
                raw: shown.then_some(g),
                repaired,
            })
        })
        .collect()
}

impl LayerCheck<'_> {
    fn key(&self) -> &'static str {
        self.layer.kind.key()
    }

    /// The value of `field` in record `f`, when present. Fields are read by name: a field
    /// this layer does not have is a programming error caught by every test of the layer.
    fn value<'f>(&self, f: &'f RawFeature, field: Field) -> Option<&'f AttrValue> {
        let i = self.layer.kind.position(field).unwrap_or_else(|| {
            panic!("{} has no field {}", self.key(), field.name());
        });
        f.values[i].as_ref()
    }

    /// The text of `field`, when present and not blank.
    fn text(&self, f: &RawFeature, field: Field) -> Option<String> {
        self.value(f, field).and_then(AttrValue::text)
    }

    /// The layer's id field (its first).
    fn id_field(&self) -> Field {
        self.layer.kind.fields()[0]
    }

    fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    fn finding(&mut self, severity: Severity, check: Check, id: &str, message: String) {
        let message = match self.source_index {
            Some(i) if self.layer.sources.len() > 1 => {
                format!("{message} (source {})", self.layer.sources[i])
            }
            _ => message,
        };
        let f = Finding::new(severity, check, self.layer.kind, id, message);
        self.push(f);
    }

    /// The record's id (SPEC field 0), or `fid:N`; reports a missing id.
    fn id(&mut self, f: &RawFeature, index: usize) -> String {
        match self.text(f, self.id_field()) {
            Some(id) => id,
            None => {
                let id = match f.fid {
                    Some(fid) => format!("fid:{fid}"),
                    None => format!("row:{}", index + 1),
                };
                let field = self.id_field().name();
                self.finding(
                    Severity::Error,
                    Check::MissingId,
                    &id,
                    format!("record has no {field}; kept and named by its feature id"),
                );
                id
            }
        }
    }

    /// A date field; `None` when missing, unparseable (with a `bad_date` warning) or
    /// outside [`DATE_YEARS`] (with a `date_out_of_range` warning).
    fn date(&mut self, f: &RawFeature, field: Field, id: &str) -> Option<NaiveDate> {
        let value = self.value(f, field)?;
        let field = field.name();
        let format = self
            .layer
            .date_formats
            .get(f.source_index)
            .cloned()
            .flatten();
        match value.date_as(format.as_deref()) {
            Ok(d) if !DATE_YEARS.contains(&chrono::Datelike::year(&d)) => {
                self.finding(
                    Severity::Warning,
                    Check::DateOutOfRange,
                    id,
                    format!(
                        "{field}: {d} is outside the years {}–{}; treated as missing",
                        DATE_YEARS.start(),
                        DATE_YEARS.end()
                    ),
                );
                None
            }
            Ok(d) => Some(d),
            Err(_) if value.text().is_none() => None,
            Err(e) => {
                self.finding(
                    Severity::Warning,
                    Check::BadDate,
                    id,
                    format!("{field}: {e}; treated as missing"),
                );
                None
            }
        }
    }

    /// Repairs a polygonal geometry, reporting every repair; `None` when unusable.
    fn polygon(
        &mut self,
        index: usize,
        f: &RawFeature,
        id: &str,
    ) -> Option<geo::MultiPolygon<f64>> {
        let prepared = self.repaired.get_mut(index).and_then(Option::take);
        let Prepared { raw, repaired } = match prepared {
            Some(p) => p,
            None => {
                // no readable geometry (the finding says why), or not prepared
                let g = self.usable_geometry(f, id)?;
                let repaired = repair::repair_polygonal(&g);
                Prepared {
                    raw: Some(g),
                    repaired,
                }
            }
        };
        // the geometry as read, for the findings that show it (kept for them)
        let shown = || {
            raw.clone()
                .unwrap_or(geo::Geometry::MultiPolygon(geo::MultiPolygon::new(vec![])))
        };
        if f.unclosed_rings > 0 {
            let message = format!(
                "{} ring(s) not closed; closed by repeating the first point",
                f.unclosed_rings
            );
            let finding = Finding::new(
                Severity::Warning,
                Check::UnclosedRing,
                self.layer.kind,
                id,
                message,
            );
            self.push(finding.at(shown()));
        }
        match repaired {
            Ok((mp, repairs)) => {
                self.usable += 1;
                for r in &repairs {
                    let (check, message) = geometry::repair_finding(r);
                    let finding = Finding::new(
                        geometry::REPAIR_SEVERITY,
                        check,
                        self.layer.kind,
                        id,
                        message,
                    );
                    self.push(finding.at(shown()));
                }
                Some(mp)
            }
            Err(rejection) => {
                let (check, message) = geometry::rejection_finding(rejection);
                let mut finding = Finding::new(
                    geometry::REJECTION_SEVERITY,
                    check,
                    self.layer.kind,
                    id,
                    message,
                );
                if let Some(g) = raw.filter(|g| repair::check_coordinates(g).is_ok()) {
                    finding = finding.at(g);
                }
                self.push(finding);
                None
            }
        }
    }

    /// A point geometry (a one-point MultiPoint is accepted); `None` when unusable.
    fn point(&mut self, f: &RawFeature, id: &str) -> Option<Point<f64>> {
        let g = self.usable_geometry(f, id)?;
        let point = match &g {
            geo::Geometry::Point(p) => Some(*p),
            geo::Geometry::MultiPoint(mp) if mp.0.len() == 1 => Some(mp.0[0]),
            _ => None,
        };
        let Some(point) = point else {
            self.finding(
                Severity::Error,
                Check::WrongGeometryType,
                id,
                "geometry is not a Point; record skipped".to_string(),
            );
            return None;
        };
        if let Err(rejection) = repair::check_coordinates(&g) {
            let (check, message) = geometry::rejection_finding(rejection);
            self.finding(geometry::REJECTION_SEVERITY, check, id, message);
            return None;
        }
        self.usable += 1;
        Some(point)
    }

    fn usable_geometry(&mut self, f: &RawFeature, id: &str) -> Option<geo::Geometry<f64>> {
        let (check, message) = match &f.geometry {
            RawGeometry::Geo(g) => return Some(g.clone()),
            RawGeometry::Null => (
                Check::NullGeometry,
                "record has no geometry; record skipped".to_string(),
            ),
            RawGeometry::Empty => (
                Check::EmptyGeometry,
                "geometry is empty; record skipped".to_string(),
            ),
            RawGeometry::Unreadable(why) => {
                (Check::UnreadableGeometry, format!("{why}; record skipped"))
            }
        };
        self.finding(Severity::Error, check, id, message);
        None
    }

    /// A layer without records is a warning; a `hazards` or `regions` layer without a
    /// record with a usable geometry is a `required_layer_empty` error (a failed export
    /// would otherwise be published as "no land left" or "every hazard outside").
    fn emptiness(&mut self) {
        self.source_index = None;
        let layer = self.layer;
        let read = layer.features.len();
        let (source, name) = (&layer.source, &layer.layer_name);
        let consequence = match layer.kind {
            LayerKind::Hazards => Some("0 m² remaining"),
            LayerKind::Regions => Some("every hazard under _outside"),
            _ => None,
        };
        let message = match consequence {
            Some(picture) if self.usable == 0 => {
                let what = if read == 0 {
                    format!("is empty (0 features read from '{source}' layer '{name}', after any `where` filter)")
                } else {
                    format!("has no usable record ({read} features read from '{source}' layer '{name}', none with a usable geometry)")
                };
                format!(
                    "the {} layer {what}: a failed export? The run refuses to publish {picture}",
                    self.key()
                )
            }
            _ if read == 0 => {
                let message =
                    format!("layer '{name}' of '{source}' has no records (after the where filter)");
                self.finding(Severity::Warning, Check::EmptyLayer, "", message);
                return;
            }
            _ => return,
        };
        self.finding(Severity::Error, Check::RequiredLayerEmpty, "", message);
    }

    /// A record as a duplicate-id finding names it: its feature id, and its source when
    /// the input has several.
    fn record_label(&self, f: &RawFeature) -> String {
        let fid = f.fid.map_or("-".to_string(), |f| f.to_string());
        match self.layer.sources.len() {
            0 | 1 => fid,
            _ => format!("{fid} in {}", self.layer.sources[f.source_index]),
        }
    }

    /// Reports every id used by more than one record (all records are kept).
    fn duplicates(&mut self, ids: &[(String, String)]) {
        use rayon::prelude::*;
        // a layer-level finding (it names each record's source)
        self.source_index = None;
        // the records by id (a stable sort: each id's records stay in layer order), in
        // parallel: a map of every id took 0.6 s on one thread at `synth` 1000
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.par_sort_by(|&a, &b| ids[a].0.cmp(&ids[b].0));
        let field = self.id_field().name();
        for run in order.chunk_by(|&a, &b| ids[a].0 == ids[b].0) {
            if run.len() < 2 {
                continue;
            }
            let id = ids[run[0]].0.as_str();
            let fids: Vec<&str> = run.iter().map(|&k| ids[k].1.as_str()).collect();
            self.finding(
                Severity::Error,
                Check::DuplicateId,
                id,
                format!(
                    "{field} '{id}' is used by {} records (feature ids {}); all are kept",
                    fids.len(),
                    fids.join(", ")
                ),
            );
        }
    }

    fn hazards(&mut self, as_of: NaiveDate) -> Vec<Hazard> {
        let mut out = Vec::new();
        let mut ids = Vec::new();
        for (index, f) in self.layer.features.iter().enumerate() {
            self.source_index = Some(f.source_index);
            let id = self.id(f, index);
            ids.push((id.clone(), self.record_label(f)));
            let status = match self.text(f, Field::Status) {
                Some(s) => Status::parse(&s).unwrap_or_else(|| {
                    self.finding(
                        Severity::Error,
                        Check::UnknownStatus,
                        &id,
                        format!("status '{s}' is neither CHA nor SHA; counted as SHA"),
                    );
                    Status::Sha
                }),
                None => {
                    self.finding(
                        Severity::Warning,
                        Check::MissingStatus,
                        &id,
                        "no status; counted as SHA (set inputs.hazards.defaults.status to choose)"
                            .to_string(),
                    );
                    Status::Sha
                }
            };
            let hazard_type = self.text(f, Field::HazardType).and_then(|t| {
                let parsed = HazardType::parse(&t);
                if parsed.is_none() {
                    self.finding(
                        Severity::Warning,
                        Check::UnknownHazardType,
                        &id,
                        format!("hazard_type '{t}' is not one of AP, AT, ERW, CMR, IED, MIXED; scored as unknown"),
                    );
                }
                parsed
            });
            let recorded_on = self.date(f, Field::RecordedOn, &id);
            let Some(geometry) = self.polygon(index, f, &id) else {
                continue;
            };
            match recorded_on {
                Some(d) if d > as_of => {
                    self.finding(
                        Severity::Info,
                        Check::RecordedAfterAsOf,
                        &id,
                        format!(
                            "recorded on {d}, after the as-of date {as_of}; not part of this run"
                        ),
                    );
                    continue;
                }
                None => self.finding(
                    Severity::Warning,
                    Check::MissingDate,
                    &id,
                    "no recorded_on date; counted as recorded before every release".to_string(),
                ),
                Some(_) => {}
            }
            out.push(Hazard {
                hazard_id: id,
                status,
                hazard_type,
                recorded_on,
                geometry,
                extra: f.extra.clone(),
            });
        }
        self.duplicates(&ids);
        out
    }

    fn releases(&mut self, as_of: NaiveDate) -> Vec<Release> {
        let mut out = Vec::new();
        let mut ids = Vec::new();
        for (index, f) in self.layer.features.iter().enumerate() {
            self.source_index = Some(f.source_index);
            let id = self.id(f, index);
            ids.push((id.clone(), self.record_label(f)));
            let method_text = self.text(f, Field::Method);
            let method = method_text.as_deref().and_then(Method::parse);
            let completed_on = self.date(f, Field::CompletedOn, &id);
            let started_on = self.date(f, Field::StartedOn, &id);
            let Some(geometry) = self.polygon(index, f, &id) else {
                continue;
            };
            let Some(method) = method else {
                self.finding(
                    Severity::Error,
                    Check::UnknownMethod,
                    &id,
                    format!(
                        "method '{}' is not cancelled, reduced or cleared; release ignored (its land stays hazardous)",
                        method_text.unwrap_or_default()
                    ),
                );
                continue;
            };
            let Some(completed_on) = completed_on else {
                self.finding(
                    Severity::Warning,
                    Check::MissingDate,
                    &id,
                    "no completed_on date; the release is not completed and is ignored".to_string(),
                );
                continue;
            };
            if completed_on > as_of {
                self.finding(
                    Severity::Info,
                    Check::CompletedAfterAsOf,
                    &id,
                    format!("completed on {completed_on}, after the as-of date {as_of}; not part of this run"),
                );
                continue;
            }
            let started_on = self.started_on(started_on, completed_on, &id);
            out.push(Release {
                release_id: id,
                method,
                completed_on,
                started_on,
                hazard_id: self.text(f, Field::ReleaseHazardId),
                organisation: self.text(f, Field::Organisation),
                geometry,
            });
        }
        self.duplicates(&ids);
        out
    }

    /// `started_on` when it is on or before `completed_on`; a later one is a
    /// `started_after_completed` warning and treated as missing.
    fn started_on(
        &mut self,
        started_on: Option<NaiveDate>,
        completed_on: NaiveDate,
        id: &str,
    ) -> Option<NaiveDate> {
        let started = started_on?;
        if started <= completed_on {
            return Some(started);
        }
        self.finding(
            Severity::Warning,
            Check::StartedAfterCompleted,
            id,
            format!("started_on {started} is after completed_on {completed_on}; started_on treated as missing"),
        );
        None
    }

    fn regions(&mut self) -> Vec<Region> {
        let mut out = Vec::new();
        let mut ids = Vec::new();
        for (index, f) in self.layer.features.iter().enumerate() {
            self.source_index = Some(f.source_index);
            let id = self.id(f, index);
            ids.push((id.clone(), self.record_label(f)));
            if RESERVED_REGION_IDS
                .iter()
                .any(|r| id.eq_ignore_ascii_case(r))
            {
                self.finding(
                    Severity::Error,
                    Check::ReservedRegionId,
                    &id,
                    format!("region_id '{id}' is reserved (`_outside` and `_national`, in any case, name minefree's own rows): rename the region; the run refuses to publish two rows with one key"),
                );
            }
            let Some(geometry) = self.polygon(index, f, &id) else {
                continue;
            };
            out.push(Region {
                name: self
                    .text(f, Field::RegionName)
                    .unwrap_or_else(|| id.clone()),
                region_id: id,
                parent_id: self.text(f, Field::ParentId),
                geometry,
            });
        }
        self.duplicates(&ids);
        out
    }

    fn settlements(&mut self) -> Vec<Settlement> {
        let mut out = Vec::new();
        let mut ids = Vec::new();
        for (index, f) in self.layer.features.iter().enumerate() {
            self.source_index = Some(f.source_index);
            let id = self.id(f, index);
            ids.push((id.clone(), self.record_label(f)));
            let Some(location) = self.point(f, &id) else {
                continue;
            };
            let population = match self.value(f, Field::Population).map(AttrValue::number) {
                Some(Ok(p)) if p >= 0.0 && p.fract() == 0.0 && p < 1e15 => p as u64,
                other => {
                    let why = match other {
                        None => "no population".to_string(),
                        Some(Ok(p)) => format!("population {p} is not a whole number ≥ 0"),
                        Some(Err(e)) => format!("population {e}"),
                    };
                    self.finding(
                        Severity::Warning,
                        Check::BadPopulation,
                        &id,
                        format!("{why}; counted as 0"),
                    );
                    0
                }
            };
            out.push(Settlement {
                name: self.text(f, Field::SettlementName).unwrap_or_default(),
                settlement_id: id,
                population,
                location,
            });
        }
        self.duplicates(&ids);
        out
    }

    fn accidents(&mut self) -> Vec<Accident> {
        let mut out = Vec::new();
        for (index, f) in self.layer.features.iter().enumerate() {
            self.source_index = Some(f.source_index);
            let id = self.id(f, index);
            let Some(location) = self.point(f, &id) else {
                continue;
            };
            let occurred_on = self.date(f, Field::OccurredOn, &id);
            if occurred_on.is_none() {
                self.finding(
                    Severity::Warning,
                    Check::MissingDate,
                    &id,
                    "no occurred_on date; never counted in the accident window".to_string(),
                );
            }
            let casualties = self
                .value(f, Field::Casualties)
                .and_then(|v| v.number().ok())
                .map(|c| c as i64);
            out.push(Accident {
                accident_id: id,
                occurred_on,
                casualties,
                location,
            });
        }
        out
    }
}
