//! `report.md`: the same blocks as the HTML report, in Markdown; maps are linked as the SVG
//! files written beside it (`map-<level>.svg`). Every text is escaped ([`md_text`]): names from
//! input layers can carry no HTML, link or other markup into the report.

use super::document::{Block, CellKind};
use super::text::{md_cell, md_para, md_text};

/// Renders blocks as Markdown.
pub fn render(title: &str, blocks: &[Block]) -> String {
    let mut s = format!("# {}\n\n", md_text(title));
    render_blocks(&mut s, blocks);
    s
}

fn render_blocks(s: &mut String, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Heading(h) => s.push_str(&format!("## {}\n\n", md_text(h))),
            Block::SubHeading(h) => s.push_str(&format!("### {}\n\n", md_text(h))),
            Block::Para(p) => s.push_str(&format!("{}\n\n", md_para(p))),
            Block::Warning(w) => s.push_str(&format!("> **⚠ {}**\n\n", md_text(w))),
            Block::Figures(f) => {
                for (k, v, n) in f {
                    s.push_str(&format!(
                        "- **{}**: {} ({})\n",
                        md_text(k),
                        md_text(v),
                        md_text(n)
                    ));
                }
                s.push('\n');
            }
            Block::Table(head, rows) => {
                s.push_str(&format!(
                    "| {} |\n",
                    head.iter()
                        .map(|h| md_cell(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
                let align: Vec<&str> = (0..head.len())
                    .map(|k| {
                        let numeric = rows
                            .first()
                            .is_some_and(|r| r.get(k).is_some_and(|c| c.kind == CellKind::Num));
                        if numeric {
                            "---:"
                        } else {
                            "---"
                        }
                    })
                    .collect();
                s.push_str(&format!("| {} |\n", align.join(" | ")));
                for r in rows {
                    let cells: Vec<String> = r
                        .iter()
                        .map(|c| match c.kind {
                            CellKind::Status(super::FindingStatus::Fail) => {
                                format!("**{}**", md_cell(&c.text))
                            }
                            _ => md_cell(&c.text),
                        })
                        .collect();
                    s.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                s.push('\n');
            }
            Block::Map(caption, stem, _) | Block::Chart(caption, stem, _) => {
                s.push_str(&format!("![{}]({stem}.svg)\n\n", md_text(caption)))
            }
            Block::Defs(d) => {
                for (k, v) in d {
                    s.push_str(&format!("- **{}**: {}\n", md_text(k), md_text(v)));
                }
                s.push('\n');
            }
            Block::Bullets(items) => {
                for i in items {
                    s.push_str(&format!("- {}\n", md_text(i)));
                }
                s.push('\n');
            }
            // GitHub-flavoured Markdown folds an HTML <details>; a blank line after the summary
            // lets Markdown inside render.
            Block::Details(summary, open, inner) => {
                s.push_str(&format!(
                    "<details{}><summary>{}</summary>\n\n",
                    if *open { " open" } else { "" },
                    super::text::xml_escape(summary)
                ));
                render_blocks(s, inner);
                s.push_str("</details>\n\n");
            }
        }
    }
}
