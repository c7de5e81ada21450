//! Every colour of the rendered outputs, in one place: `report.html` (its map and charts)
//! and the QGIS styles (`qml`) draw the same things with the same colours.
//!
//! Colours are sRGB `(r, g, b)`; [`hex`] writes one for HTML/SVG, `qml` writes QGIS's
//! `r,g,b,a`. The two % released ramps differ on purpose: the page shades regions
//! under hazards drawn on top (pale), the QGIS style is drawn half transparent.

/// An RGB colour.
pub type Rgb = (u8, u8, u8);

/// `#rrggbb`.
pub fn hex((r, g, b): Rgb) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

// Hazards.

/// Confirmed hazardous areas: red.
pub const CHA_RGB: Rgb = (215, 48, 39);
/// Their outline.
pub const CHA_OUTLINE_RGB: Rgb = (120, 10, 10);
/// Suspected hazardous areas: orange.
pub const SHA_RGB: Rgb = (253, 174, 97);
/// Their outline.
pub const SHA_OUTLINE_RGB: Rgb = (150, 80, 0);

// Regions.

/// Regions where no hazard land was ever recorded (neutral, not a % released class).
pub const NO_LAND_RGB: Rgb = (224, 224, 224);
/// Their outline in QGIS.
pub const NO_LAND_OUTLINE_RGB: Rgb = (112, 112, 112);

/// Region shades by % released on the page, 0–20 % … 80–100 % (low → high).
pub const RELEASED_RAMP_PAGE: [Rgb; 5] = [
    (244, 165, 130),
    (253, 219, 199),
    (254, 240, 190),
    (209, 229, 170),
    (166, 217, 106),
];

/// Region shades by % released in QGIS (the same classes, drawn at alpha 120).
pub const RELEASED_RAMP_QGIS: [Rgb; 5] = [
    (215, 48, 39),
    (252, 141, 89),
    (254, 224, 139),
    (145, 207, 96),
    (26, 152, 80),
];

/// Region name labels in QGIS.
pub const REGION_LABEL_RGB: Rgb = (30, 30, 30);

// Released land, by method.

/// Cancelled land.
pub const CANCELLED_RGB: Rgb = (166, 206, 227);
/// Reduced land.
pub const REDUCED_RGB: Rgb = (31, 120, 180);
/// Cleared land.
pub const CLEARED_RGB: Rgb = (51, 160, 44);
/// Outline of the "land added" bars of the ledger chart.
pub const ADDED_RGB: Rgb = (120, 120, 120);

// Outlook (burn-down charts).

/// Line colours of the scenarios, in scenario order (`current` first when it sorts so).
pub const SCENARIO_RGB: [Rgb; 6] = [
    (31, 31, 31),
    (217, 95, 2),
    (117, 112, 179),
    (27, 158, 119),
    (231, 41, 138),
    (166, 118, 29),
];
/// Organisations in the R13 chart, in the order of their names (Tableau 10; repeated
/// beyond ten).
pub const ORGANISATION_RGB: [Rgb; 10] = [
    (78, 121, 167),
    (242, 142, 43),
    (225, 87, 89),
    (118, 183, 178),
    (89, 161, 79),
    (237, 201, 72),
    (176, 122, 161),
    (255, 157, 167),
    (156, 117, 95),
    (186, 176, 172),
];
/// The money secured per year, drawn across the planned costs (R14).
pub const FUNDING_RGB: Rgb = (0, 150, 110);
/// The remaining land at each past year end.
pub const PAST_RGB: Rgb = (90, 90, 90);
/// Deadline lines.
pub const DEADLINE_RGB: Rgb = (200, 0, 0);

// Priorities.

/// Priority score classes 0–20 … 80–100 in QGIS.
pub const SCORE_RAMP: [Rgb; 5] = [
    (255, 255, 178),
    (254, 204, 92),
    (253, 141, 60),
    (240, 59, 32),
    (189, 0, 38),
];
/// Rank classes in QGIS (1–10, 11–20, 21–50, > 50): purple, paler as the rank grows;
/// the first is also the colour of the rank labels.
pub const RANK_RGB: [Rgb; 4] = [
    (84, 0, 110),
    (128, 50, 160),
    (160, 110, 190),
    (190, 170, 210),
];

// QA findings.

/// Errors.
pub const ERROR_RGB: Rgb = (204, 0, 0);
/// Warnings.
pub const WARNING_RGB: Rgb = (240, 150, 0);
/// Information.
pub const INFO_RGB: Rgb = (40, 110, 200);

/// The outline of point markers in QGIS.
pub const MARKER_OUTLINE_RGB: Rgb = (40, 40, 40);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_rrggbb() {
        assert_eq!(hex(CHA_RGB), "#d73027");
        assert_eq!(hex((0, 10, 255)), "#000aff");
    }
}
