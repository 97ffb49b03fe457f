//! `schoolplan rules [KIND]`: the rule kinds, or the documentation of one.

use std::io::Write;

use super::{emit, Outcome};
use crate::error::Error;
use crate::rules::{registry, render_kind_doc, render_kind_list};

/// Runs the command. `id` is a rule kind (`min_count`, …) or a Fushun rule id (`K1`, `P3`, …)
/// that one of the kinds implements.
pub fn run(id: Option<&str>, out: &mut dyn Write) -> Result<Outcome, Error> {
    let Some(id) = id else {
        emit(out, "Rule kinds (`schoolplan rules KIND` for one; rules are declared as [[rules]] in a scenario):\n\n")?;
        emit(out, &render_kind_list())?;
        return Ok(Outcome::Ok);
    };
    if let Some(doc) = render_kind_doc(id) {
        emit(out, &doc)?;
        return Ok(Outcome::Ok);
    }
    let by_rule: Vec<&str> = registry()
        .iter()
        .filter(|d| {
            d.used_by
                .split([',', ' ', '/', ';'])
                .any(|x| x.trim() == id)
        })
        .map(|d| d.kind)
        .collect();
    if by_rule.is_empty() {
        let kinds: Vec<&str> = registry().iter().map(|d| d.kind).collect();
        return Err(Error::Usage(format!(
            "unknown rule kind or id {id:?}; kinds: {}",
            kinds.join(", ")
        )));
    }
    for kind in by_rule {
        emit(out, &format!("{id} is checked by the kind `{kind}`:\n\n"))?;
        emit(out, &render_kind_doc(kind).unwrap_or_default())?;
    }
    Ok(Outcome::Ok)
}
