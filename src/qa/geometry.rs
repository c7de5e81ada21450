//! R1's findings: what the geometry kernel's repairs and rejections mean to an analyst.
//!
//! [`crate::geom::repair`] says what it did to a geometry ([`Repair`]) or why it could not
//! use it ([`Rejection`]); this module names the check, the severity and the message of
//! the finding each becomes. Repairs are warnings, rejections errors.

use crate::geom::repair::{Rejection, Repair};
use crate::model::{Check, Severity};

/// The check and message of a repair (always a warning: the record is kept).
pub fn repair_finding(repair: &Repair) -> (Check, String) {
    match repair {
        Repair::RepeatedVertices(n) => (
            Check::RepeatedVertices,
            format!("{n} repeated consecutive vertex(es) removed"),
        ),
        Repair::Spikes(n) => (
            Check::Spike,
            format!("{n} zero-area spike vertex(es) removed"),
        ),
        Repair::TooFewPoints(n) => (
            Check::TooFewPoints,
            format!("{n} ring(s) with fewer than 3 distinct points removed"),
        ),
        Repair::Rebuilt {
            reasons,
            self_intersection,
        } => (
            if *self_intersection {
                Check::SelfIntersection
            } else {
                Check::InvalidPolygon
            },
            format!(
                "invalid polygon ({}); rebuilt with the even-odd rule",
                reasons.join("; ")
            ),
        ),
        Repair::OverlappingParts => (
            Check::OverlappingParts,
            "parts of the MultiPolygon overlap or touch along a line; merged into their union"
                .to_string(),
        ),
    }
}

/// The check and message of a rejected geometry (an error: the record is skipped).
pub fn rejection_finding(rejection: Rejection) -> (Check, String) {
    match rejection {
        Rejection::WrongGeometryType(found) => (
            Check::WrongGeometryType,
            format!("geometry is a {found} where a Polygon or MultiPolygon is expected; record skipped"),
        ),
        Rejection::NonFiniteCoordinates => (
            Check::NonFiniteCoordinates,
            "geometry has NaN or infinite coordinates; record skipped".to_string(),
        ),
        Rejection::CoordinatesOutOfRange => (
            Check::CoordinatesOutOfRange,
            "coordinates lie outside longitude ±180 / latitude ±90 after transformation to EPSG:4326 (wrong CRS?); record skipped".to_string(),
        ),
        Rejection::EmptyGeometry => (
            Check::EmptyGeometry,
            "geometry has no area left after repair; record skipped".to_string(),
        ),
    }
}

/// Repairs are warnings, rejections errors.
pub const REPAIR_SEVERITY: Severity = Severity::Warning;
/// See [`REPAIR_SEVERITY`].
pub const REJECTION_SEVERITY: Severity = Severity::Error;
