//! `report.html`: one self-contained page for managers and donors.
//!
//! Input: the checked pipeline, the inputs after QA, the analysis [`Summary`] and every
//! QA finding. Output: the text of `report.html` ([`render`]; `write/` puts it in the
//! output directory), one page with inline CSS and inline SVG charts; no script, no
//! font, no image and no link is fetched, so it opens offline and can be mailed as is.
//!
//! The page is rendered by minijinja from the templates in `../templates/`
//! (`report.html`, which includes `outlook.html` and imports `macros.html`; CSS in
//! `report.css`), compiled in with `include_str!`, with HTML autoescape on: every text
//! from the data is escaped by the engine. The templates receive a `page::Page` of
//! plain text prepared here: `sections` (totals, regions, progress, priorities, changes,
//! QA) and `outlook` (ledger, outlook) format the analysis' figures (`format`), `map`
//! and `charts` render the SVG charts, escaping their text with the engine's escaper,
//! and hand them over as safe strings.
//!
//! Sections (each a `<section id=…>`): `totals` (national figures), `map` (regions
//! shaded by % released, remaining hazard land coloured CHA/SHA), `regions` (stacked
//! bars: remaining CHA/SHA and released land split into cleared/reduced/cancelled),
//! `ledger` (R11: land released per year by method and land added, counted once), `progress`
//! (projected completion against the deadline), `outlook` (R12: the rate the deadline
//! needs, scenarios, burn-down charts), `priorities` (the top 20 with every factor),
//! `changes` and `qa` (finding counts by severity and check).
//!
//! Areas are geodesic m² (`geom::area`). The page depends only on its inputs (no
//! clock, no paths other than the pipeline's file name), so the same run gives the same
//! bytes.

use minijinja::syntax::SyntaxConfig;
use minijinja::Environment;

mod charts;
mod format;
mod map;
mod outlook;
mod page;
mod sections;

use crate::analysis::Summary;
use crate::config::Pipeline;
use crate::model::{Finding, Inputs};
use crate::report::changes::ChangeCounts;

/// What the HTML report shows.
pub struct ReportContext<'a> {
    /// The pipeline (as-of date, deadlines, parameters).
    pub pipeline: &'a Pipeline,
    /// Inputs after QA.
    pub inputs: &'a Inputs,
    /// Analysis results.
    pub summary: &'a Summary,
    /// All QA findings.
    pub findings: &'a [Finding],
    /// Counts of changes since the previous run, when there was one.
    pub changes: Option<&'a ChangeCounts>,
}

/// The templates, by the names they use for each other.
const TEMPLATES: [(&str, &str); 4] = [
    ("report.html", include_str!("../templates/report.html")),
    ("outlook.html", include_str!("../templates/outlook.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("report.css", include_str!("../templates/report.css")),
];

/// The template environment: HTML autoescape for `.html` templates (minijinja's default
/// by file name), block tags leave no blank lines.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the default delimiters are valid");
    env.set_syntax(syntax);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .expect("the templates parse (every test renders them)");
    }
    env
}

/// The data of the whole page.
fn page(ctx: &ReportContext) -> page::Page {
    let by_remaining = sections::regions_by_remaining(ctx.summary);
    let regions = (!by_remaining.is_empty()).then(|| page::Charted {
        svg: page::svg(charts::region_bars(&by_remaining)),
        legend: page::legend(&charts::REGION_BARS_LEGEND),
        table: sections::regions_table(&by_remaining),
    });
    page::Page {
        as_of: ctx.pipeline.as_of.to_string(),
        title: ctx.pipeline.title.clone(),
        pipeline_name: ctx
            .pipeline
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        version: env!("CARGO_PKG_VERSION"),
        sha256: ctx.pipeline.sha256.clone(),
        totals: sections::totals(ctx),
        map: map::map(ctx),
        regions,
        ledger: outlook::ledger(ctx.summary),
        progress: sections::progress(ctx),
        outlook: outlook::outlook(ctx),
        priorities: sections::priorities(ctx),
        organisations: sections::organisations(ctx),
        targets: sections::targets(ctx),
        costs: sections::costs(ctx).map(|(totals, funding)| page::Costs { totals, funding }),
        previous_run: ctx.changes.is_some(),
        changes: ctx.changes.map(sections::changes).unwrap_or_default(),
        qa: sections::qa(ctx.findings),
    }
}

/// The whole page.
pub fn render(ctx: &ReportContext) -> String {
    environment()
        .get_template("report.html")
        .and_then(|t| t.render(minijinja::value::Serde(page(ctx))))
        .expect("the templates render any page data (every test renders them)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{priority, regions, release, summarise};
    use crate::config::{Deadlines, FailOn, Parameters};
    use crate::model::Status;
    use crate::model::{Hazard, HazardType, Method, Region, Release, Settlement, Severity};
    use chrono::NaiveDate;
    use geo::{point, polygon, MultiPolygon};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// Inputs whose ids and names contain markup.
    fn hostile_inputs() -> Inputs {
        let hazard = Hazard {
            hazard_id: "HZ-<1>&\"x\"".into(),
            status: Status::Cha,
            hazard_type: Some(HazardType::Ap),
            recorded_on: Some(d("2020-01-01")),
            geometry: MultiPolygon(vec![
                polygon![(x: 0.1, y: 0.1), (x: 0.2, y: 0.1), (x: 0.2, y: 0.2), (x: 0.1, y: 0.2)],
            ]),
            extra: vec![],
        };
        let r1 = Release {
            release_id: "R1".into(),
            method: Method::Cleared,
            completed_on: d("2025-05-05"),
            hazard_id: None,
            organisation: None,
            started_on: None,
            geometry: MultiPolygon(vec![
                polygon![(x: 0.1, y: 0.1), (x: 0.15, y: 0.1), (x: 0.15, y: 0.2), (x: 0.1, y: 0.2)],
            ]),
        };
        // R2 is R1 again under another id (the ledger must count that land once).
        let r2 = Release {
            release_id: "R2".into(),
            ..r1.clone()
        };
        Inputs {
            hazards: vec![hazard],
            releases: vec![r1, r2],
            regions: vec![Region {
                region_id: "R<'1'>".into(),
                name: "North & <script>alert(1)</script>".into(),
                parent_id: None,
                geometry: MultiPolygon(vec![
                    polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)],
                ]),
            }],
            settlements: vec![Settlement {
                settlement_id: "S1".into(),
                name: "Village \"<b>\"".into(),
                population: 100,
                location: point!(x: 0.25, y: 0.15),
            }],
            ..Default::default()
        }
    }

    /// The analysis of `inputs` as of `as_of` with the default parameters.
    fn summary_of(
        inputs: &Inputs,
        as_of: NaiveDate,
        deadlines: &Deadlines,
        scenarios: &[crate::config::Scenario],
    ) -> Summary {
        let params = Parameters::default();
        let window_start = as_of - chrono::Duration::days(730);
        let (accounts, _) =
            release::account_hazards(&inputs.hazards, &inputs.releases, window_start);
        let span = crate::analysis::ledger::LedgerSpan::of(
            &inputs.hazards,
            &accounts,
            &inputs.releases,
            as_of,
        );
        let land = regions::land_and_ledger_by_region(
            &inputs.hazards,
            &accounts,
            &inputs.regions,
            Some(&span),
        );
        let prio = priority::prioritise(
            &inputs.hazards,
            &accounts,
            &inputs.settlements,
            &inputs.accidents,
            &params,
            as_of,
        );
        let outlook = crate::analysis::Outlook {
            as_of,
            window_days: 730,
            deadlines,
            scenarios,
        };
        summarise(inputs, accounts, &land, prio, &outlook)
    }

    /// A small run whose ids and names contain markup.
    fn hostile_page() -> String {
        hostile_page_with(None)
    }

    /// The same run with counts of changes since a previous one.
    fn hostile_page_with(changes: Option<&ChangeCounts>) -> String {
        hostile_page_at(d("2026-06-30"), changes)
    }

    /// The same run as of `as_of`.
    fn hostile_page_at(as_of: NaiveDate, changes: Option<&ChangeCounts>) -> String {
        hostile_page_given(as_of, changes, Parameters::default())
    }

    /// The same run with `parameters` in the pipeline (the page quotes its weights).
    fn hostile_page_given(
        as_of: NaiveDate,
        changes: Option<&ChangeCounts>,
        parameters: Parameters,
    ) -> String {
        let inputs = hostile_inputs();
        let deadlines = Deadlines {
            national: Some(d("2030-01-01")),
            ..Default::default()
        };
        let scenarios = vec![crate::config::Scenario {
            name: "current".into(),
            rate: crate::config::ScenarioRate::Factor(1.0),
        }];
        let summary = summary_of(&inputs, as_of, &deadlines, &scenarios);
        let pipeline = Pipeline {
            path: "/somewhere/<evil>.toml".into(),
            sha256: "abc".into(),
            title: None,
            as_of,
            output: "/tmp/x".into(),
            fail_on: FailOn::Never,
            inputs: vec![],
            parameters,
            deadlines: deadlines.clone(),
            scenarios,
            costs: None,
        };
        let findings = vec![Finding::new(
            Severity::Warning,
            crate::model::Check::Spike,
            crate::model::LayerKind::Hazards,
            "HZ-<1>",
            "a <spike>",
        )];
        render(&ReportContext {
            pipeline: &pipeline,
            inputs: &inputs,
            summary: &summary,
            findings: &findings,
            changes,
        })
    }

    #[test]
    fn ledger_counts_land_once_not_release_records() {
        // R1 and R2 are the same cleared half of the hazard, completed in 2025: the
        // released land is that half once (a sum of records would say twice).
        let page = hostile_page();
        let half = crate::geom::area::area_m2(&MultiPolygon(vec![
            polygon![(x: 0.1, y: 0.1), (x: 0.15, y: 0.1), (x: 0.15, y: 0.2), (x: 0.1, y: 0.2)],
        ]));
        let ledger = &page[page.find("<section id=\"ledger\">").unwrap()..];
        let ledger = &ledger[..ledger.find("</section>").unwrap()];
        let row_2025 = &ledger[ledger.find("<td>2025</td>").expect("a 2025 row")..];
        let row_2025 = &row_2025[..row_2025.find("</tr>").unwrap()];
        // Cells: year, start, added, released, …; figures print as "61,545,152 m²".
        let cells: Vec<f64> = row_2025
            .split("<td class=\"n\">")
            .skip(1)
            .map(|c| {
                c[..c.find(" m²").unwrap()]
                    .replace(',', "")
                    .parse()
                    .unwrap()
            })
            .collect();
        let released = cells[2];
        assert!(
            (released - half).abs() <= 1e-5 * half,
            "released {released}, half {half}"
        );
        assert!(
            (cells[3] - half).abs() <= 1e-5 * half,
            "cleared {}",
            cells[3]
        );
        assert!(page.contains("<section id=\"outlook\">"));
    }

    #[test]
    fn user_text_is_escaped_everywhere() {
        let page = hostile_page();
        assert!(!page.contains("<script"), "raw script tag in page");
        assert!(!page.contains("<evil>") && !page.contains("<1>") && !page.contains("\"<b>\""));
        // Escaped by the template engine (minijinja escapes `/` and `'` too), in the
        // templates' text and in the charts' SVG alike.
        let name = "North &amp; &lt;script&gt;alert(1)&lt;&#x2f;script&gt;";
        assert!(page.contains(&format!("<td>{name}</td>")), "table cell");
        assert!(page.contains(&format!("\">{name}</text>")), "SVG label");
        assert!(
            page.contains(&format!("<title>{name}: remaining CHA")),
            "SVG title"
        );
        assert!(page.contains("<td>R&lt;&#x27;1&#x27;&gt;</td>"));
        assert!(page.contains("HZ-&lt;1&gt;&amp;&quot;x&quot;"));
        assert!(page.contains("&lt;evil&gt;.toml"));
        for id in [
            "totals",
            "map",
            "regions",
            "ledger",
            "progress",
            "outlook",
            "priorities",
            "qa",
        ] {
            assert!(page.contains(&format!("<section id=\"{id}\">")), "{id}");
        }
        for fetch in ["src=", "href=", "url(", "@import"] {
            assert!(!page.contains(fetch), "{fetch} would fetch a resource");
        }
    }

    #[test]
    fn changes_since_the_last_run_are_listed_in_words() {
        let none = hostile_page();
        assert!(none.contains("<p>No previous run in this output directory.</p>"));
        let same = hostile_page_with(Some(&ChangeCounts::new()));
        assert!(same.contains("<p>Nothing changed since the last run.</p>"));
        // Every key the change list can produce, worded by hand.
        use crate::report::changes::{ChangeKey, ChangeKind as C, RecordKind as K};
        let key = |record, change| ChangeKey { record, change };
        let counts = ChangeCounts::from([
            (key(K::Hazard, C::Added), 1),
            (key(K::Hazard, C::RankChanged), 2),
            (key(K::Hazard, C::Released), 3),
            (key(K::Hazard, C::RemainingChanged), 4),
            (key(K::Hazard, C::Removed), 5),
            (key(K::Region, C::RemainingChanged), 6),
        ]);
        let changed = hostile_page_with(Some(&counts));
        let list = "<ul><li>hazard added: 1</li><li>hazard rank changed: 2</li>\
            <li>hazard released: 3</li><li>hazard remaining changed: 4</li>\
            <li>hazard removed: 5</li><li>region remaining changed: 6</li></ul>";
        assert!(changed.contains(list), "{changed}");
    }

    /// The lead sentence is whole in the template, with or without a multiple of today's
    /// rate (it was split between Rust and the template).
    #[test]
    fn the_outlook_sentence_reads_whole_without_a_release_in_the_window() {
        let lead = |page: &str| {
            let at = page
                .find("<p class=\"lead\">To finish")
                .expect("the lead sentence");
            page[at..at + page[at..].find("</p>").expect("its end")].to_string()
        };
        let with = lead(&hostile_page());
        assert!(with.contains("</b>, "), "{with}");
        assert!(with.contains("× today's rate of "), "{with}");
        // As of 2029-06-30 the window starts 2027-06-30: the 2025 release is outside it.
        let without = lead(&hostile_page_at(d("2029-06-30"), None));
        assert!(
            without.ends_with(
                "</b>, no release in the window, so no multiple of today's rate of 0 m²/year."
            ),
            "{without}"
        );
    }

    /// The weights were an array read by position in the template: each must land
    /// beside its own name.
    #[test]
    fn each_weight_is_quoted_beside_its_name() {
        let weights = crate::config::Weights {
            proximity: 1.5,
            people: 2.5,
            accidents: 3.5,
            status: 4.5,
            hazard_type: 5.5,
        };
        let parameters = Parameters {
            weights,
            ..Parameters::default()
        };
        let page = hostile_page_given(d("2026-06-30"), None, parameters);
        assert!(
            page.contains(
                "(weights: proximity 1.5, people 2.5, accidents 3.5, status 4.5, type 5.5;"
            ),
            "the priorities note quotes each weight by name"
        );
    }

    #[test]
    fn page_is_deterministic() {
        assert_eq!(hostile_page(), hostile_page());
    }
}
