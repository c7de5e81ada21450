//! Settlements and accidents outside every region: one `point_outside_regions` warning
//! per point, or, for a layer whose points almost all fall outside every region but
//! mostly inside them with longitude and latitude swapped, one `coordinates_swapped`
//! error for the layer instead (a pipeline file saying `x = "lat"`, `y = "lon"` puts the
//! points thousands of kilometres away, and every people and proximity factor would
//! silently be 0; 100 000 warnings, one per settlement, would only bury that error).

use geo::{Coord, Point};
use rayon::prelude::*;

use crate::geom::inside::EdgeIndex;
use crate::model::{Check, Finding, Inputs, LayerKind, Severity};

/// A layer "looks swapped" only from this many points on.
const SWAPPED_MIN_POINTS: usize = 3;

/// The findings for the settlements and accidents of `inputs` against its regions (none
/// when there are no regions: that run refuses, see [`Check::RequiredLayerEmpty`]).
pub(super) fn outside_regions(inputs: &Inputs) -> Vec<Finding> {
    if inputs.regions.is_empty() || (inputs.settlements.is_empty() && inputs.accidents.is_empty()) {
        return Vec::new();
    }
    let index = EdgeIndex::new(inputs.regions.iter().map(|r| &r.geometry));
    let settlements: Vec<(&str, Point<f64>)> = inputs
        .settlements
        .iter()
        .map(|s| (s.settlement_id.as_str(), s.location))
        .collect();
    let accidents: Vec<(&str, Point<f64>)> = inputs
        .accidents
        .iter()
        .map(|a| (a.accident_id.as_str(), a.location))
        .collect();
    let mut findings = layer_outside(&index, LayerKind::Settlements, &settlements);
    findings.extend(layer_outside(&index, LayerKind::Accidents, &accidents));
    findings
}

/// The findings for one layer's points (id, location): the layer's `coordinates_swapped`
/// error, or one warning per point outside every region.
fn layer_outside(
    index: &EdgeIndex,
    layer: LayerKind,
    points: &[(&str, Point<f64>)],
) -> Vec<Finding> {
    // Per point outside every region: whether it would be inside one when swapped.
    let outside: Vec<(usize, bool)> = points
        .par_iter()
        .enumerate()
        .filter(|(_, (_, p))| !index.holds(p.0))
        .map(|(k, (_, p))| (k, index.holds(Coord { x: p.y(), y: p.x() })))
        .collect();
    let inside_swapped = outside.iter().filter(|(_, inside)| *inside).count();
    if looks_swapped(points.len(), outside.len(), inside_swapped) {
        let message = format!(
            "{} of {} {} fall outside every region; with longitude and latitude swapped {inside_swapped} would fall inside: check `x`/`y` in the pipeline file (or the source's axis order)",
            outside.len(),
            points.len(),
            layer.key(),
        );
        let finding = Finding::new(
            Severity::Error,
            Check::CoordinatesSwapped,
            layer,
            "",
            message,
        );
        return vec![finding];
    }
    outside
        .iter()
        .map(|&(k, _)| {
            let (id, location) = points[k];
            Finding::new(
                Severity::Warning,
                Check::PointOutsideRegions,
                layer,
                id,
                "lies outside every region: check its coordinates (it still counts for the hazards within the radius)",
            )
            .at(location)
        })
        .collect()
}

/// Whether a layer of `points` looks read with x and y swapped: at least
/// [`SWAPPED_MIN_POINTS`], at least 90 % of them `outside` every region, and more than
/// half of them inside one once swapped.
fn looks_swapped(points: usize, outside: usize, inside_swapped: usize) -> bool {
    points >= SWAPPED_MIN_POINTS && outside * 10 >= points * 9 && inside_swapped * 2 > points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Region, Settlement};
    use geo::{MultiPolygon, Rect};

    fn region(id: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Region {
        Region {
            region_id: id.to_string(),
            name: id.to_string(),
            parent_id: None,
            geometry: MultiPolygon::new(vec![Rect::new((x0, y0), (x1, y1)).to_polygon()]),
        }
    }

    fn settlements(points: &[(f64, f64)]) -> Vec<Settlement> {
        points
            .iter()
            .enumerate()
            .map(|(k, &(x, y))| Settlement {
                settlement_id: format!("S{k}"),
                name: String::new(),
                population: 1,
                location: Point::new(x, y),
            })
            .collect()
    }

    fn checks(findings: &[Finding]) -> Vec<(&str, &str, Severity)> {
        findings
            .iter()
            .map(|f| (f.check.as_str(), f.feature_id.as_str(), f.severity))
            .collect()
    }

    #[test]
    fn thresholds_of_a_swapped_layer() {
        assert!(looks_swapped(3, 3, 2));
        assert!(!looks_swapped(2, 2, 2), "too few points");
        assert!(looks_swapped(10, 9, 6));
        assert!(!looks_swapped(10, 8, 8), "80 % outside");
        assert!(
            !looks_swapped(10, 10, 5),
            "half inside when swapped is not most"
        );
    }

    #[test]
    fn each_point_outside_is_a_warning_and_inside_ones_are_not() {
        let inputs = Inputs {
            regions: vec![region("A", 69.0, 37.0, 70.0, 38.0)],
            settlements: settlements(&[(69.5, 37.5), (71.0, 37.5), (69.2, 37.9)]),
            ..Inputs::default()
        };
        let findings = outside_regions(&inputs);
        assert_eq!(
            checks(&findings),
            vec![("point_outside_regions", "S1", Severity::Warning)]
        );
        assert_eq!(
            findings[0].geometry.as_deref(),
            Some(&Point::new(71.0, 37.5).into())
        );
    }

    #[test]
    fn a_layer_read_with_x_and_y_swapped_is_an_error() {
        // Regions around lon 69–71, lat 37–39; the points given as (lat, lon).
        let inputs = Inputs {
            regions: vec![
                region("A", 69.0, 37.0, 70.0, 39.0),
                region("B", 70.0, 37.0, 71.0, 39.0),
            ],
            settlements: settlements(&[(37.5, 69.5), (38.5, 70.5), (37.2, 70.9), (38.0, 69.1)]),
            ..Inputs::default()
        };
        let findings = outside_regions(&inputs);
        let swapped: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.check == Check::CoordinatesSwapped)
            .collect();
        assert_eq!(swapped.len(), 1);
        assert_eq!(swapped[0].severity, Severity::Error);
        assert!(
            swapped[0]
                .message
                .starts_with("4 of 4 settlements fall outside every region; with longitude and latitude swapped 4 would fall inside"),
            "{}",
            swapped[0].message
        );
        // The one error stands for every point: no warning per point.
        assert_eq!(findings.len(), 1);
    }

    #[test]
    fn no_regions_no_findings() {
        let inputs = Inputs {
            settlements: settlements(&[(1.0, 1.0)]),
            ..Inputs::default()
        };
        assert!(outside_regions(&inputs).is_empty());
    }
}
