//! `report.html`: one self-contained page (inline CSS and SVG; no script, font or network
//! access), printable on A4.

use super::document::{Block, CellKind};
use super::text::xml_escape as esc;
use crate::config::Language;

const CSS: &str = r#"
:root{--ink:#1d2327;--muted:#5f6b73;--line:#d8dde1;--bg:#ffffff;--accent:#1f5f99;--fail:#b3261e;--pass:#1e7b34;--ne:#8a6d00}
*{box-sizing:border-box}
body{margin:0;background:#eef1f3;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1120px;margin:24px auto;background:var(--bg);padding:36px 44px;border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:26px;margin:0 0 6px;color:var(--accent)}
h2{font-size:20px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--accent)}
h3{font-size:16px;margin:22px 0 8px}
.warning{border:2px solid var(--fail);background:#fdecea;color:var(--fail);font-weight:600;padding:12px 16px;border-radius:4px;margin:14px 0}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:12px;margin:10px 0}
.fig{border:1px solid var(--line);border-radius:4px;padding:10px 14px}
.fig .k{color:var(--muted);font-size:13px}.fig .v{font-size:24px;font-weight:600}.fig .n{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f7;font-weight:600}
th.num{text-align:right}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:nth-child(even){background:#fafbfc}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.fail{background:var(--fail)}.badge.pass{background:var(--pass)}.badge.not_evaluable{background:var(--ne)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
dt{color:var(--muted)}dd{margin:0}
figure{margin:12px 0 22px;break-inside:avoid}
figcaption{color:var(--muted);font-size:13px;margin-bottom:4px}
svg.map{width:100%;height:auto;max-height:860px;border:1px solid var(--line);border-radius:4px;background:#fff}
svg.map text{font-family:system-ui,"Noto Sans CJK SC","Noto Sans SC",sans-serif}
@media print{body{background:#fff}main{box-shadow:none;margin:0;padding:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}
"#;

/// Renders blocks as a complete HTML page.
pub fn render(title: &str, blocks: &[Block], lang: Language) -> String {
    let html_lang = if lang == Language::Zh { "zh-CN" } else { "en" };
    let mut s = format!(
        "<!DOCTYPE html>\n<html lang=\"{html_lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    for b in blocks {
        match b {
            Block::Heading(h) => s.push_str(&format!("<h2>{}</h2>\n", esc(h))),
            Block::SubHeading(h) => s.push_str(&format!("<h3>{}</h3>\n", esc(h))),
            Block::Para(p) => s.push_str(&format!("<p>{}</p>\n", esc(p))),
            Block::Warning(w) => s.push_str(&format!(
                "<div class=\"warning\" role=\"alert\">⚠ {}</div>\n",
                esc(w)
            )),
            Block::Figures(f) => {
                s.push_str("<div class=\"figures\">\n");
                for (k, v, n) in f {
                    s.push_str(&format!(
                        "<div class=\"fig\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"n\">{}</div></div>\n",
                        esc(k),
                        esc(v),
                        esc(n)
                    ));
                }
                s.push_str("</div>\n");
            }
            Block::Table(head, rows) => {
                s.push_str("<table>\n<thead><tr>");
                for (k, h) in head.iter().enumerate() {
                    let numeric = rows
                        .first()
                        .is_some_and(|r| r.get(k).is_some_and(|c| c.kind == CellKind::Num));
                    let class = if numeric { " class=\"num\"" } else { "" };
                    s.push_str(&format!("<th{class}>{}</th>", esc(h)));
                }
                s.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    s.push_str("<tr>");
                    for c in r {
                        match c.kind {
                            CellKind::Text => s.push_str(&format!("<td>{}</td>", esc(&c.text))),
                            CellKind::Num => {
                                s.push_str(&format!("<td class=\"num\">{}</td>", esc(&c.text)))
                            }
                            CellKind::Status(st) => s.push_str(&format!(
                                "<td><span class=\"badge {}\">{}</span></td>",
                                st.name(),
                                esc(&c.text)
                            )),
                        }
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</tbody>\n</table>\n");
            }
            Block::Map(caption, _, svg) => {
                s.push_str(&format!(
                    "<figure>\n<figcaption>{}</figcaption>\n{svg}\n</figure>\n",
                    esc(caption)
                ));
            }
            Block::Defs(d) => {
                s.push_str("<dl>\n");
                for (k, v) in d {
                    s.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", esc(k), esc(v)));
                }
                s.push_str("</dl>\n");
            }
        }
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}
