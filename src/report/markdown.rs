//! `report.md`: the same blocks as the HTML report, in Markdown; maps are linked as the SVG
//! files written beside it (`map-<level>.svg`).

use super::document::{Block, CellKind};
use super::text::md_cell;

/// Renders blocks as Markdown.
pub fn render(title: &str, blocks: &[Block]) -> String {
    let mut s = format!("# {title}\n\n");
    render_blocks(&mut s, blocks);
    s
}

fn render_blocks(s: &mut String, blocks: &[Block]) {
    for b in blocks {
        match b {
            Block::Heading(h) => s.push_str(&format!("## {h}\n\n")),
            Block::SubHeading(h) => s.push_str(&format!("### {h}\n\n")),
            Block::Para(p) => s.push_str(&format!("{p}\n\n")),
            Block::Warning(w) => s.push_str(&format!("> **⚠ {w}**\n\n")),
            Block::Figures(f) => {
                for (k, v, n) in f {
                    s.push_str(&format!("- **{k}**: {v} ({n})\n"));
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
            Block::Map(caption, stem, _) => s.push_str(&format!("![{caption}]({stem}.svg)\n\n")),
            Block::Defs(d) => {
                for (k, v) in d {
                    s.push_str(&format!("- **{k}**: {v}\n"));
                }
                s.push('\n');
            }
            Block::Bullets(items) => {
                for i in items {
                    s.push_str(&format!("- {i}\n"));
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
