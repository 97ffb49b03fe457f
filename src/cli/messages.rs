//! Console messages in the scenario's language: progress steps, errors, column alignment.
//!
//! A command knows its language from `--lang`, else from the scenario's `language` key. When the
//! scenario cannot be loaded (the usual reason for an error), [`peek_language`] still reads that
//! one key — following `extends` — so that a Chinese scenario's problems are reported in Chinese.
//! Error messages keep their structure in both languages: file, feature index and id, property,
//! expected and found; only the words around them change, and the exit codes stay the same.

use std::path::{Path, PathBuf};

use crate::config::Language;
use crate::error::{Error, Problem, Severity};

/// The `language` of the scenario at `path` (following `extends`), without loading anything
/// else; `None` when it cannot be read.
pub fn peek_language(path: &Path) -> Option<Language> {
    let mut path: PathBuf = path.to_path_buf();
    for _ in 0..16 {
        // The same regular-file and size checks as loading: a FIFO or a device never blocks.
        let text =
            crate::io::input::read_text_capped(&path, crate::io::input::MAX_SCENARIO_BYTES).ok()?;
        let v: toml::Table = toml::from_str(&text).ok()?;
        match v.get("language").and_then(|x| x.as_str()) {
            Some("zh") => return Some(Language::Zh),
            Some(_) => return Some(Language::En),
            None => {}
        }
        let base = v.get("extends")?.as_str()?;
        path = path.parent().unwrap_or(Path::new("")).join(base);
    }
    None
}

/// The name of a pipeline step (see [`crate::pipeline::analyse`]) in `lang`.
pub fn step_name(step: &str, lang: Language) -> &str {
    if lang == Language::En {
        return step;
    }
    match step {
        "loading layers" => "读取图层",
        "measuring coverage" => "计算服务覆盖",
        "solving proposals" => "求解布局建议",
        "checking rules" => "核查规则",
        "writing outputs" => "写出成果",
        other => other,
    }
}

/// Columns a text takes in a terminal: CJK and full-width characters take two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            if (0x1100..=0x115f).contains(&u)
                || (0x2e80..=0xa4cf).contains(&u)
                || (0xac00..=0xd7a3).contains(&u)
                || (0xf900..=0xfaff).contains(&u)
                || (0xfe30..=0xfe4f).contains(&u)
                || (0xff00..=0xff60).contains(&u)
                || (0xffe0..=0xffe6).contains(&u)
            {
                2
            } else {
                1
            }
        })
        .sum()
}

/// `s` padded with spaces to `width` terminal columns.
pub fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// A problem in Chinese words: `错误: schools.geojson: 第 4 个要素 (id "k-12"): 属性
/// `capacity_seats`: 应为 a number ≥ 0, 实际为 -3` — the file, index, id, property and the
/// expected / found texts are kept as they are.
pub fn problem_zh(p: &Problem) -> String {
    let mut s = format!(
        "{}: {}",
        match p.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        },
        p.file
    );
    if let Some((l, c)) = p.line_column {
        s.push_str(&format!(":{l}:{c}"));
    }
    if let Some(i) = p.feature_index {
        s.push_str(&format!(": 第 {i} 个要素"));
        if let Some(id) = &p.feature_id {
            s.push_str(&format!(" (id {id:?})"));
        }
    }
    if let Some(prop) = &p.property {
        s.push_str(&format!(": 属性 `{prop}`"));
    }
    s.push_str(&format!(": 应为 {}, 实际为 {}", p.expected, p.found));
    s
}

/// An error as printed on stderr (after `schoolplan: `), in `lang`.
pub fn error_text(e: &Error, lang: Language) -> String {
    if lang == Language::En {
        return e.to_string();
    }
    match e {
        Error::Io { path, source } => format!("无法读写 {}: {source}", path.display()),
        Error::Scenario { file, message } => {
            format!("情景文件 {}: {message}", file.display())
        }
        Error::Invalid(problems) => format!(
            "输入数据有 {} 个问题:\n{}",
            problems.iter().filter(|p| p.is_error()).count(),
            problems
                .iter()
                .map(|p| format!("  {}", problem_zh(p)))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Error::Projection(m) => format!("投影: {m}"),
        Error::Usage(m) => format!("无法执行: {m}"),
        Error::Output { path, message } => format!("输出 {}: {message}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_errors_keep_file_feature_property_expected_found() {
        let p = Problem::file(Severity::Error, "schools.geojson", "a number ≥ 0", "-3")
            .at_feature(4, Some("k-12"))
            .on_property("capacity_seats");
        assert_eq!(
            problem_zh(&p),
            "错误: schools.geojson: 第 4 个要素 (id \"k-12\"): 属性 `capacity_seats`: 应为 a number ≥ 0, 实际为 -3"
        );
        let e = Error::Invalid(vec![p.clone()]);
        assert!(error_text(&e, Language::Zh).starts_with("输入数据有 1 个问题:\n  错误: "));
        assert_eq!(error_text(&e, Language::En), e.to_string());
    }

    #[test]
    fn widths_count_cjk_twice() {
        assert_eq!(display_width("小学"), 4);
        assert_eq!(display_width("primary"), 7);
        assert_eq!(pad("小学", 6), "小学  ");
        assert_eq!(step_name("checking rules", Language::Zh), "核查规则");
        assert_eq!(step_name("checking rules", Language::En), "checking rules");
    }

    #[test]
    fn language_is_read_through_extends() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(
            peek_language(&root.join("maps/fushun/plan-2025.toml")),
            Some(Language::Zh)
        );
        assert_eq!(
            peek_language(&root.join("maps/demo/demo.toml")),
            Some(Language::En)
        );
        assert_eq!(peek_language(&root.join("maps/none.toml")), None);
    }
}
