//! How the page writes numbers: thousands separators, m², km², percentages and "–" for
//! a missing value. Text only; the templates escape it.

use std::fmt::Display;

/// A whole number with thousands separators (`1,234,567`).
pub fn thousands(x: f64) -> String {
    let n = x.round();
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Square metres, whole, with separators.
pub fn m2(x: f64) -> String {
    format!("{} m²", thousands(x))
}

/// Square kilometres with two decimals.
pub fn km2(x: f64) -> String {
    format!("{:.2} km²", x / 1e6)
}

/// A percentage with one decimal, or "–".
pub fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |p| format!("{p:.1} %"))
}

/// A value, or "–".
pub fn opt<T: Display>(x: Option<T>) -> String {
    x.map_or_else(|| "–".to_string(), |v| v.to_string())
}

/// A multiple of a rate (`1.50×`), or "–".
pub fn times(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |f| format!("{f:.2}×"))
}

/// A number with at most two decimals and no trailing zeros.
pub fn trim_number(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234567.49), "1,234,567");
        assert_eq!(thousands(-1000.0), "-1,000");
    }

    #[test]
    fn units_and_missing_values() {
        assert_eq!(m2(1234.6), "1,235 m²");
        assert_eq!(km2(1_500_000.0), "1.50 km²");
        assert_eq!(pct(Some(12.34)), "12.3 %");
        assert_eq!(pct(None), "–");
        assert_eq!(opt::<u8>(None), "–");
        assert_eq!(times(Some(1.5)), "1.50×");
        assert_eq!(trim_number(2.50), "2.5");
        assert_eq!(trim_number(-0.001), "0");
    }
}
