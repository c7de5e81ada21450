//! Figures the report shows that are counts over results rather than analysis stages:
//! the QA findings by severity and by check (the page's data quality section).

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::model::{Check, Finding, Severity};

/// QA findings counted by severity, and by (severity, check, layer), most severe first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QaCounts<'a> {
    /// Findings per severity (severities without findings are absent).
    pub by_severity: BTreeMap<Severity, usize>,
    /// Findings per (severity, most severe first; check; layer).
    pub by_check: BTreeMap<(Reverse<Severity>, Check, &'a str), usize>,
}

impl QaCounts<'_> {
    /// The findings of one severity (0 when there are none).
    pub fn of(&self, severity: Severity) -> usize {
        self.by_severity.get(&severity).copied().unwrap_or(0)
    }

    /// Findings per (severity, check), over all layers (run.json and the log).
    pub fn by_severity_and_check(&self) -> BTreeMap<(Severity, Check), usize> {
        let mut out = BTreeMap::new();
        for ((severity, check, _), n) in &self.by_check {
            *out.entry((severity.0, *check)).or_default() += n;
        }
        out
    }
}

/// Counts `findings` by severity and by check.
pub fn qa_counts(findings: &[Finding]) -> QaCounts<'_> {
    let mut counts = QaCounts::default();
    for f in findings {
        *counts.by_severity.entry(f.severity).or_default() += 1;
        *counts
            .by_check
            .entry((Reverse(f.severity), f.check, f.layer.key()))
            .or_default() += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LayerKind;

    #[test]
    fn findings_count_once_by_severity_and_by_check() {
        let f = |sev, check, layer| Finding::new(sev, check, layer, "id", "m");
        let (a, b) = (Check::BadDate, Check::Spike);
        let findings = vec![
            f(Severity::Info, b, LayerKind::Hazards),
            f(Severity::Error, a, LayerKind::Hazards),
            f(Severity::Info, b, LayerKind::Hazards),
            f(Severity::Info, b, LayerKind::Releases),
        ];
        let counts = qa_counts(&findings);
        assert_eq!(counts.of(Severity::Info), 3);
        assert_eq!(counts.of(Severity::Error), 1);
        assert_eq!(counts.of(Severity::Warning), 0);
        let order: Vec<_> = counts
            .by_check
            .iter()
            .map(|((s, c, l), n)| (s.0, *c, *l, *n))
            .collect();
        assert_eq!(
            order,
            vec![
                (Severity::Error, a, "hazards", 1),
                (Severity::Info, b, "hazards", 2),
                (Severity::Info, b, "releases", 1),
            ]
        );
    }
}
