//! Findings as CSV, JSON and a text table.

use std::fmt::Write as _;

use super::finding::{Finding, FindingStatus};
use crate::config::Language;
use crate::csv_cell::csv_cell;

/// The CSV columns, in order:
///
/// | column | meaning |
/// | --- | --- |
/// | `rule_id` | rule id |
/// | `title_zh`, `title_en` | rule titles |
/// | `clause` | plan clause |
/// | `kind` | rule kind |
/// | `scope` | `city`, `area_set`, `county`, `township` or `school` |
/// | `area_code`, `area_name` | area checked (a school's county for school scope); empty for the city |
/// | `school_id` | school checked (school scope) |
/// | `status` | `pass`, `fail`, `not_evaluable` |
/// | `measured`, `comparison`, `threshold`, `unit` | the test: `measured comparison threshold` passes |
/// | `evidence_schools`, `evidence_areas`, `evidence_cells` | ids, `;`-separated (at most 50, then `… (N more)`) |
/// | `evidence_population` | population concerned |
/// | `reason` | why not evaluable |
/// | `fix` | what would fix a failure |
/// | `note` | further measurements |
/// | `projects` | `build_programme`: `id:kind:level:newly_covered:seats_added`, `;`-separated |
///
/// Numbers are rounded to 6 decimals and written without trailing zeros; absent values are
/// empty.
pub const CSV_COLUMNS: [&str; 22] = [
    "rule_id",
    "title_zh",
    "title_en",
    "clause",
    "kind",
    "scope",
    "area_code",
    "area_name",
    "school_id",
    "status",
    "measured",
    "comparison",
    "threshold",
    "unit",
    "evidence_schools",
    "evidence_areas",
    "evidence_cells",
    "evidence_population",
    "reason",
    "fix",
    "note",
    "projects",
];

/// Most ids written into one CSV cell.
const MAX_IDS: usize = 50;

fn number(x: Option<f64>) -> String {
    match x {
        None => String::new(),
        Some(v) if !v.is_finite() => v.to_string(),
        Some(v) => {
            format!("{}", crate::round::digits(v, 6))
        }
    }
}

fn ids(list: &[String]) -> String {
    if list.len() <= MAX_IDS {
        list.join(";")
    } else {
        format!(
            "{};… ({} more)",
            list[..MAX_IDS].join(";"),
            list.len() - MAX_IDS
        )
    }
}

/// Findings as CSV with the [`CSV_COLUMNS`] header (UTF-8, `\n` line ends, cells through
/// [`csv_cell`]).
pub fn findings_to_csv(findings: &[Finding]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut write = |row: &[String]| {
        // Every cell spreadsheet-safe (no formulas, no control characters); writing into a
        // Vec cannot fail.
        let _ = w.write_record(row.iter().map(|c| csv_cell(c).into_owned()));
    };
    write(&CSV_COLUMNS.map(String::from));
    for f in findings {
        let projects: Vec<String> = f
            .projects
            .iter()
            .map(|p| {
                format!(
                    "{}:{}:{}:{}:{}",
                    p.id,
                    p.kind.name(),
                    p.level,
                    number(p.newly_covered),
                    number(p.seats_added)
                )
            })
            .collect();
        write(&[
            f.rule_id.clone(),
            f.title_zh.clone(),
            f.title_en.clone(),
            f.clause.clone(),
            f.kind.clone(),
            f.scope.name().to_string(),
            f.area_code.clone().unwrap_or_default(),
            f.area_name.clone().unwrap_or_default(),
            f.school_id.clone().unwrap_or_default(),
            f.status.name().to_string(),
            number(f.measured),
            f.comparison.symbol().to_string(),
            number(f.threshold),
            f.unit.clone(),
            ids(&f.evidence.schools),
            ids(&f.evidence.areas),
            ids(&f.evidence.cells),
            number(f.evidence.population),
            f.reason.clone().unwrap_or_default(),
            f.fix.clone().unwrap_or_default(),
            f.note.clone().unwrap_or_default(),
            projects.join(";"),
        ]);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Findings as a pretty-printed JSON array (field order as in [`Finding`]), ending in a newline.
pub fn findings_to_json(findings: &[Finding]) -> String {
    let mut s = serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// Display width of a string: CJK and full-width characters count 2.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let n = width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

fn status_label(s: FindingStatus, zh: bool) -> &'static str {
    match (s, zh) {
        (FindingStatus::Fail, false) => "FAIL",
        (FindingStatus::NotEvaluable, false) => "N/A",
        (FindingStatus::Pass, false) => "pass",
        (FindingStatus::Fail, true) => "不达标",
        (FindingStatus::NotEvaluable, true) => "无法评估",
        (FindingStatus::Pass, true) => "达标",
    }
}

fn where_label(f: &Finding, zh: bool) -> String {
    let area = match (&f.area_name, &f.area_code) {
        (Some(n), Some(c)) => format!("{n} {c}"),
        (Some(n), None) => n.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => (if zh { "全市" } else { "city" }).to_string(),
    };
    match &f.school_id {
        Some(id) => format!("{id} ({area})"),
        None => area,
    }
}

fn test_label(f: &Finding) -> String {
    let m = |x: Option<f64>| match x {
        Some(v) => super::kinds::num(v),
        None => "?".into(),
    };
    format!(
        "{} {} {} {}",
        m(f.measured),
        f.comparison.symbol(),
        m(f.threshold),
        f.unit
    )
}

/// A text table for `schoolplan check`: one group per rule (rules with failures first, then in
/// rule order), within a group failing findings first, then not evaluable, then passing. Titles
/// and labels in Chinese when `language` is `zh`.
pub fn render_table(findings: &[Finding], language: Language) -> String {
    let zh = language == Language::Zh;
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in findings {
        match groups.iter_mut().find(|g| g.0 == f.rule_id) {
            Some(g) => g.1.push(f),
            None => groups.push((&f.rule_id, vec![f])),
        }
    }
    let worst = |g: &Vec<&Finding>| {
        g.iter()
            .map(|f| f.status)
            .min()
            .unwrap_or(FindingStatus::Pass)
    };
    groups.sort_by_key(|g| worst(&g.1));
    let mut s = String::new();
    for (id, mut list) in groups {
        list.sort_by_key(|f| f.status);
        let first = list[0];
        let count = |st: FindingStatus| list.iter().filter(|f| f.status == st).count();
        let title = if zh { &first.title_zh } else { &first.title_en };
        let _ = writeln!(
            s,
            "{id}  {title}  [{}]  {}: {}, {}: {}, {}: {}",
            first.clause,
            status_label(FindingStatus::Fail, zh),
            count(FindingStatus::Fail),
            status_label(FindingStatus::NotEvaluable, zh),
            count(FindingStatus::NotEvaluable),
            status_label(FindingStatus::Pass, zh),
            count(FindingStatus::Pass),
        );
        let rows: Vec<[String; 4]> = list
            .iter()
            .map(|f| {
                let detail = match f.status {
                    FindingStatus::Fail => f.fix.clone().or_else(|| f.note.clone()),
                    FindingStatus::NotEvaluable => f.reason.clone(),
                    FindingStatus::Pass => f.note.clone(),
                };
                [
                    status_label(f.status, zh).to_string(),
                    where_label(f, zh),
                    test_label(f),
                    detail.unwrap_or_default(),
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..3)
            .map(|k| rows.iter().map(|r| width(&r[k])).max().unwrap_or(0))
            .collect();
        for r in rows {
            let line = format!(
                "  {}  {}  {}  {}",
                pad(&r[0], widths[0]),
                pad(&r[1], widths[1]),
                pad(&r[2], widths[2]),
                r[3]
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
        s.push('\n');
    }
    s
}
