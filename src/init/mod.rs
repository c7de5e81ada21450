//! `minefree init SOURCE…`: a draft pipeline file from what the sources hold (SPEC §2).
//!
//! Every layer of every source is surveyed (`ingest::survey`); each gets the input it
//! most likely is (its geometry, then words in its name, then its fields), each SPEC
//! field the source field it most likely is (`guess`), a text date column its format,
//! and each `status`/`method`/`hazard_type` field whose values are not the SPEC's a
//! `values` table with a guess per value. Every guess is written as a key with a comment
//! saying why; every gap as a commented line starting `# FILL IN:` that says what to put
//! there. Several layers that are the same input become an array of tables.

pub mod guess;

use std::fmt::Write;
use std::path::Path;

use crate::config::{spec_value, Field, LayerKind, MAPPABLE_FIELDS};
use crate::ingest::survey::{survey, FieldSurvey, GeometryKind, LayerSurvey};
use crate::ingest::IngestError;
use guess::{field_names, layer_words, method_of_layer, squash, value_guess};

/// A draft pipeline file for `sources`, with paths written relative to `base` (the
/// folder the pipeline file will be in) where they lie under it, else absolute (`base`
/// `None`: the draft goes to stdout, its folder is unknown, so every path is absolute).
pub fn draft(sources: &[String], base: Option<&Path>) -> Result<String, IngestError> {
    let mut layers = Vec::new();
    for s in sources {
        layers.extend(survey(s)?);
    }
    let mut out = String::from(
        "# Drafted by `minefree init`. Every guess says why; every `# FILL IN:` line is a gap\n\
         # to fill in before `minefree validate` accepts the file. Keys: pipelines/README.md.\n",
    );
    let _ = writeln!(
        out,
        "output = \"out/minefree\"       # where the outputs go\n"
    );
    // each layer's input and why, guessed once
    let guesses: Vec<(&LayerSurvey, Option<LayerKind>, String)> = layers
        .iter()
        .map(|l| {
            let (kind, why) = input_of(l);
            (l, kind, why)
        })
        .collect();
    for kind in LayerKind::ALL {
        let mine: Vec<&(&LayerSurvey, Option<LayerKind>, String)> =
            guesses.iter().filter(|g| g.1 == Some(kind)).collect();
        if mine.is_empty() {
            if kind != LayerKind::Accidents && kind != LayerKind::Targets {
                let _ = writeln!(
                    out,
                    "# FILL IN: no layer looks like the {} input; name its source:\n# [inputs.{}]\n# source = \"…\"\n",
                    kind.key(),
                    kind.key()
                );
            }
            continue;
        }
        let array = mine.len() > 1;
        for (l, _, why) in mine {
            input_block(&mut out, (kind, why), l, array, base);
        }
    }
    for (l, _, why) in guesses.iter().filter(|g| g.1.is_none()) {
        let _ = writeln!(
            out,
            "# not used: layer '{}' of {} ({:?} geometry, {} features): {why}",
            l.layer, l.source, l.geometry, l.features,
        );
    }
    Ok(out)
}

/// The input a layer most likely is, and why (or why none).
fn input_of(l: &LayerSurvey) -> (Option<LayerKind>, String) {
    let name = squash(&format!(
        "{} {}",
        l.layer,
        Path::new(&l.source)
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default()
    ));
    let fits: &[LayerKind] = match l.geometry {
        GeometryKind::Polygon => &[LayerKind::Hazards, LayerKind::Releases, LayerKind::Regions],
        GeometryKind::Point => &[LayerKind::Settlements, LayerKind::Accidents],
        GeometryKind::None if xy_columns(l).is_some() => {
            &[LayerKind::Settlements, LayerKind::Accidents]
        }
        GeometryKind::None => &[LayerKind::Targets],
        GeometryKind::Other => return (None, "neither polygons nor points".to_string()),
    };
    let by_name = fits
        .iter()
        .copied()
        .find(|k| layer_words(*k).iter().any(|w| name.contains(&squash(w))));
    if let Some(k) = by_name {
        return (Some(k), format!("its name '{}' says {}", l.layer, k.key()));
    }
    // else the input whose SPEC fields the layer has most of
    let score = |k: LayerKind| {
        k.fields()
            .iter()
            .filter(|f| find_field(l, k, **f).is_some())
            .count()
    };
    let best = fits.iter().copied().max_by_key(|k| score(*k));
    match best.filter(|k| score(*k) > 0) {
        Some(k) => (
            Some(k),
            format!("its fields look like the {} input's", k.key()),
        ),
        None => (
            None,
            "its name and fields say nothing about which input it is".to_string(),
        ),
    }
}

/// The source field that is `field` of input `kind`, if one is named like it.
fn find_field(l: &LayerSurvey, kind: LayerKind, field: Field) -> Option<&FieldSurvey> {
    let names = field_names(kind, field);
    names
        .iter()
        .find_map(|n| l.fields.iter().find(|f| squash(&f.name) == squash(n)))
}

/// A CSV's longitude/latitude columns, when it has them.
fn xy_columns(l: &LayerSurvey) -> Option<(String, String)> {
    let find = |names: &[&str]| {
        l.fields
            .iter()
            .find(|f| names.contains(&squash(&f.name).as_str()))
            .map(|f| f.name.clone())
    };
    Some((
        find(&["lon", "long", "longitude", "x", "lng", "longitud", "coordx"])?,
        find(&["lat", "latitude", "y", "latitud", "coordy"])?,
    ))
}

/// A path as the pipeline file names it: relative to `base` when it lies under it.
fn source_text(source: &str, base: Option<&Path>) -> String {
    let path = Path::new(source);
    if !path.exists() {
        return source.to_string(); // a connection string
    }
    let absolute = path.canonicalize().unwrap_or(path.to_path_buf());
    let base = base.map(|b| b.canonicalize().unwrap_or(b.to_path_buf()));
    match base.as_deref().and_then(|b| absolute.strip_prefix(b).ok()) {
        Some(rel) => rel.to_string_lossy().into_owned(),
        None => absolute.to_string_lossy().into_owned(),
    }
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The `[inputs.<kind>]` block of one layer, headed by why it is that input.
fn input_block(
    out: &mut String,
    (kind, why): (LayerKind, &str),
    l: &LayerSurvey,
    array: bool,
    base: Option<&Path>,
) {
    let key = kind.key();
    let header = if array {
        format!("[[inputs.{key}]]")
    } else {
        format!("[inputs.{key}]")
    };
    let _ = writeln!(out, "{header}                # {why}");
    let _ = writeln!(out, "source = {}", quoted(&source_text(&l.source, base)));
    if l.several_layers {
        let _ = writeln!(out, "layer = {}", quoted(&l.layer));
    }
    if (l.geometry == GeometryKind::None && kind != LayerKind::Targets)
        || l.has_wkt_column.is_some()
    {
        geometry_keys(out, l, kind);
    }
    if let Some(format) = date_format(l) {
        let _ = writeln!(
            out,
            "date_format = {}   # the text dates look like this",
            quoted(&format)
        );
    }
    fields_table(out, kind, l);
    values_tables(out, kind, l);
    out.push('\n');
}

fn geometry_keys(out: &mut String, l: &LayerSurvey, kind: LayerKind) {
    if let Some(w) = &l.has_wkt_column {
        let _ = writeln!(out, "wkt = {}   # it holds WKT", quoted(w));
    } else if let Some((x, y)) = xy_columns(l) {
        let _ = writeln!(
            out,
            "x = {}   # longitude (check it is not latitude)",
            quoted(&x)
        );
        let _ = writeln!(out, "y = {}", quoted(&y));
    } else {
        let _ = writeln!(
            out,
            "# FILL IN: no geometry in {}: name the x and y columns, or the WKT column",
            kind.key()
        );
    }
}

/// The strftime format of the layer's text date columns, when they are not ISO dates.
fn date_format(l: &LayerSurvey) -> Option<String> {
    let dates: Vec<&String> = l
        .fields
        .iter()
        .filter(|f| f.is_text)
        .flat_map(|f| f.values.iter())
        .filter(|v| is_slashed_date(v))
        .collect();
    if dates.is_empty() {
        return None;
    }
    let part = |v: &str, k: usize| -> u32 {
        v.split(['/', '.', '-'])
            .nth(k)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    };
    let sep = if dates[0].contains('/') {
        "/"
    } else if dates[0].contains('.') {
        "."
    } else {
        "-"
    };
    let month_first = dates.iter().any(|v| part(v, 1) > 12);
    Some(if month_first {
        format!("%m{sep}%d{sep}%Y")
    } else {
        format!("%d{sep}%m{sep}%Y")
    })
}

/// `30/06/2019`, `6/30/2019`, `30.06.2019`, `30-06-2019` (day or month first, year last).
fn is_slashed_date(v: &str) -> bool {
    let parts: Vec<&str> = v.split(['/', '.', '-']).collect();
    parts.len() == 3
        && parts[0].len() <= 2
        && parts[1].len() <= 2
        && parts[2].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// `[inputs.<kind>.fields]` and `defaults`: every SPEC field found, every gap. (After
/// `[[inputs.<kind>]]` these tables belong to that element, as TOML says.)
fn fields_table(out: &mut String, kind: LayerKind, l: &LayerSurvey) {
    let table = format!("inputs.{}.fields", kind.key());
    let mut lines = Vec::new();
    let mut defaults = Vec::new();
    for field in kind.fields() {
        let name = field.name();
        match find_field(l, kind, *field) {
            Some(f) if f.name == name => {} // the SPEC's own name: nothing to map
            Some(f) => lines.push(format!(
                "{name} = {}   # named like {name}",
                quoted(&f.name)
            )),
            None if *field == kind.fields()[0] => lines.push(format!(
                "{name} = \"@fid\"   # no id field: the source's feature id (map a real id field instead if there is one)"
            )),
            None if name == "method" => match method_of_layer(&l.layer) {
                Some(m) => defaults.push(format!(
                    "method = \"{m}\"   # the layer's name '{}' says {m}",
                    l.layer
                )),
                None => defaults.push(
                    "# FILL IN: method = \"cleared\" | \"reduced\" | \"cancelled\" (no method field)"
                        .to_string(),
                ),
            },
            None if field.required() => lines.push(format!(
                "# FILL IN: {name} = \"…\"   # required: no field is named like {name}; map one, or set a default below"
            )),
            None => {}
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "[{table}]");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
    if !defaults.is_empty() {
        let _ = writeln!(out, "[inputs.{}.defaults]", kind.key());
        for line in defaults {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// A `values` table for each mappable field whose values are not all the SPEC's.
fn values_tables(out: &mut String, kind: LayerKind, l: &LayerSurvey) {
    for field in kind.fields() {
        let name = field.name();
        if !MAPPABLE_FIELDS.contains(&name) {
            continue;
        }
        let Some(source) = find_field(l, kind, *field) else {
            continue;
        };
        let foreign: Vec<&String> = source
            .values
            .iter()
            .filter(|v| spec_value(name, v).is_none())
            .collect();
        if foreign.is_empty() {
            continue;
        }
        let table = format!("inputs.{}.values.{name}", kind.key());
        let _ = writeln!(
            out,
            "[{table}]   # values of '{}' that are not the SPEC's",
            source.name
        );
        for v in foreign {
            match value_guess(name, v) {
                Some(g) => {
                    let _ = writeln!(out, "{} = \"{g}\"   # guessed from the word", quoted(v));
                }
                None => {
                    let _ = writeln!(
                        out,
                        "# FILL IN: {} = \"…\"   # one of {}, or \"@skip\"",
                        quoted(v),
                        spec_values(name)
                    );
                }
            }
        }
        if source.more_values {
            let _ = writeln!(out, "# (more values than listed: check the source)");
        }
    }
}

fn spec_values(field: &str) -> &'static str {
    match field {
        "status" => "CHA, SHA",
        "method" => "cleared, reduced, cancelled",
        _ => "AP, AT, ERW, CMR, IED, MIXED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_first_and_month_first_dates_are_told_apart() {
        let layer = |values: &[&str]| LayerSurvey {
            source: "x.csv".into(),
            layer: "x".into(),
            several_layers: false,
            geometry: GeometryKind::None,
            features: 2,
            fields: vec![FieldSurvey {
                name: "fecha".into(),
                is_date: false,
                is_text: true,
                values: values.iter().map(|s| s.to_string()).collect(),
                more_values: false,
            }],
            has_wkt_column: None,
        };
        assert_eq!(
            date_format(&layer(&["30/06/2019", "01/02/2020"])).as_deref(),
            Some("%d/%m/%Y")
        );
        assert_eq!(
            date_format(&layer(&["6/30/2019", "1/2/2020"])).as_deref(),
            Some("%m/%d/%Y")
        );
        assert_eq!(date_format(&layer(&["2019-06-30"])), None);
    }

    #[test]
    fn export_values_get_spec_guesses() {
        assert_eq!(value_guess("status", "Confirmed"), Some("CHA"));
        assert_eq!(value_guess("status", "Suspected Minefield"), Some("SHA"));
        assert_eq!(value_guess("status", "Expired"), Some("@skip"));
        assert_eq!(
            value_guess("method", "Non-technical survey"),
            Some("cancelled")
        );
        assert_eq!(value_guess("method", "Technical Survey"), Some("reduced"));
        assert_eq!(value_guess("hazard_type", "Map"), None);
        assert_eq!(method_of_layer("Areas_Canceladas"), Some("cancelled"));
        assert_eq!(method_of_layer("Estudios_No_Tecnicos"), Some("cancelled"));
        assert_eq!(method_of_layer("Estudios_Tecnicos"), Some("reduced"));
        assert_eq!(method_of_layer("Areas_Despejadas"), Some("cleared"));
    }
}
