//! The report's document, QGIS project layout and central-district close-up on the sample run
//! (fixtures from the dev-only `schoolplan-testkit` crate): names and percentages in the failing
//! targets, the order of the sections, the proposals in the report language; one group per level
//! in the QGIS project; no close-up on a small map.

use schoolplan::config::Language;
use schoolplan::report::document::{run_blocks, Block, ReportContext};
use schoolplan::report::inset::central_district;
use schoolplan::report::qgis::{project_groups, project_qgs};
use schoolplan::report::Summary;
use schoolplan_testkit::sample::SampleRun;

fn context_blocks(lang: Language) -> Vec<Block> {
    let run = SampleRun::baseline();
    let b = run.bundle();
    let areas = schoolplan::report::areas::area_stats(&b);
    let gaps = schoolplan::report::gaps::gap_areas(&b).unwrap();
    let capacity = schoolplan::report::gaps::capacity_gaps(&b, &areas);
    let summary = Summary::build(&b, &areas, &gaps, &capacity);
    let ctx = ReportContext {
        bundle: &b,
        summary: &summary,
        gaps: &gaps,
        plan_gaps: None,
        capacity: &capacity,
        areas: &areas,
    };
    run_blocks(&ctx, lang)
}

fn all_text(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        match b {
            Block::Heading(x) | Block::SubHeading(x) | Block::Para(x) | Block::Warning(x) => {
                s.push_str(x);
                s.push('\n');
            }
            Block::Bullets(v) => v.iter().for_each(|x| s.push_str(&format!("{x}\n"))),
            Block::Figures(v) => v
                .iter()
                .for_each(|(a, b, c)| s.push_str(&format!("{a} {b} {c}\n"))),
            Block::Table(h, rows) => {
                s.push_str(&h.join(" | "));
                s.push('\n');
                for r in rows {
                    let cells: Vec<&str> = r.iter().map(|c| c.text.as_str()).collect();
                    s.push_str(&cells.join(" | "));
                    s.push('\n');
                }
            }
            Block::Map(c, _, _) | Block::Chart(c, _, _) => s.push_str(c),
            Block::Defs(v) => v
                .iter()
                .for_each(|(a, b)| s.push_str(&format!("{a}: {b}\n"))),
            Block::Details(x, _, inner) => {
                s.push_str(x);
                s.push('\n');
                s.push_str(&all_text(inner));
            }
        }
    }
    s
}

#[test]
fn failing_targets_show_names_and_percentages_before_the_details() {
    let blocks = context_blocks(Language::Zh);
    let text = all_text(&blocks);
    let pos = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    // The failing county-level coverage target by name and in percent, with its proposal.
    let must = pos("规划须解决的问题");
    let row = &text[must..];
    let row = &row[row.find("小学服务半径覆盖率").unwrap()..];
    let row = &row[..row.find('\n').unwrap()];
    assert!(
        row.contains("全市") && row.contains(" %") && row.contains(">= 90.0 %"),
        "{row}"
    );
    assert!(
        row.contains("P-primary"),
        "the proposal that addresses it: {row}"
    );
    assert!(!row.contains("0.9"), "ratios are percentages: {row}");
    // The township failing K1 is named, not coded.
    assert!(text[must..].contains("会元乡"));
    // Proposals request by request, in Chinese words, before the maps and the details.
    let props = pos("小学 · 会元新区新建小学 (P-primary)");
    assert!(text.contains("最大覆盖选址模型(MCLP); 已证明为最优解"));
    assert!(
        text.contains("p-中值模型(学生加权距离最小), 考虑学位容量约束; 与最优解差距不超过 2.1 %")
    );
    assert!(text.contains("1,000 → 3,000 名学生在服务半径内 (+2,000)"));
    assert!(must < props && props < pos("地图") && pos("地图") < pos("明细表"));
    // Findings folded by rule, failing rules first.
    let details: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Details(s, _, _) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let k1 = details.iter().position(|d| d.starts_with("K1 ")).unwrap();
    let b1 = details.iter().position(|d| d.starts_with("B1 ")).unwrap();
    assert!(k1 < b1, "failing K1 before not-evaluable B1: {details:?}");
    // The English report has no Chinese solver words.
    let en = all_text(&context_blocks(Language::En));
    assert!(en.contains("maximal covering location (MCLP); proven optimal"));
}

#[test]
fn small_maps_need_no_close_up() {
    // The sample town's areas are all of a similar density and fill the map.
    let run = SampleRun::plan();
    assert_eq!(central_district(&run.bundle()), None);
}

#[test]
fn a_group_per_level_with_coverage_and_gaps() {
    let run = SampleRun::plan();
    let b = run.bundle();
    let gaps = schoolplan::report::gaps::gap_areas(&b).unwrap();
    let groups = project_groups(&b, &gaps, Language::Zh);
    assert_eq!(groups.len(), 1 + b.coverage.levels.len());
    for (g, lc) in groups[1..].iter().zip(&b.coverage.levels) {
        assert_eq!(g.level, Some(lc.level));
        assert_eq!(g.name, lc.level.name_zh());
        let files: Vec<&str> = g.layers.iter().map(|l| l.file).collect();
        let mut expected = vec!["schools.geojson", "gaps.geojson", "coverage.geojson"];
        if !b.proposals.is_empty() {
            expected.insert(0, "proposals.geojson");
        }
        assert_eq!(files, expected);
        let coverage = g.layers.last().unwrap();
        assert!(coverage
            .renderer
            .contains(&format!("dist_{}_m", lc.level.name())));
    }
    let qgs = project_qgs(&b, &gaps, Language::Zh);
    assert!(qgs.contains("<ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>"));
    assert!(qgs.contains("<authid>EPSG:"));
    assert_eq!(
        qgs.matches("<Layout ").count(),
        b.coverage.levels.len(),
        "one print layout per level"
    );
}
