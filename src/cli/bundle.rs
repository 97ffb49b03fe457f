//! From an [`Analysis`] to what the report module reads: finding rows and proposal rows.

use geo::Coord;

use crate::pipeline::Analysis;
use crate::report::{FindingRow, ProposalMeta, ProposalRow, RequestMeta};
use crate::rules::Finding;

/// The report's row of a rule finding.
pub fn finding_row(f: &Finding) -> FindingRow {
    let evidence: Vec<String> = f
        .evidence
        .schools
        .iter()
        .chain(&f.evidence.areas)
        .chain(&f.evidence.cells)
        .cloned()
        .collect();
    FindingRow {
        id: f.rule_id.clone(),
        title_en: f.title_en.clone(),
        title_zh: f.title_zh.clone(),
        clause: f.clause.clone(),
        scope: f.scope.name().to_string(),
        area: f
            .school_id
            .clone()
            .or_else(|| f.area_code.clone())
            .unwrap_or_else(|| "city".into()),
        status: f.status,
        value: f.measured,
        threshold: f.threshold,
        evidence,
        fix: f.fix.clone(),
        message: f.reason.clone().or_else(|| f.note.clone()),
        unit: f.unit.clone(),
        comparison: f.comparison.symbol().to_string(),
        area_name: f.area_name.clone(),
    }
}

/// The report's rows of every proposal, ranked within each request, and how they were obtained.
pub fn proposal_rows(a: &Analysis) -> (Vec<ProposalRow>, Option<ProposalMeta>) {
    let mut rows = Vec::new();
    for o in &a.proposals {
        for s in &o.sites {
            rows.push(ProposalRow {
                id: format!("{}-{}", o.id, s.rank),
                rank: s.rank as u32,
                level: o.request.level,
                kind: s.kind,
                site_id: s.id.clone(),
                name: s.name.clone(),
                lonlat: Coord { x: s.lon, y: s.lat },
                demand_newly_covered: s.demand_newly_covered,
                seats_added: Some(s.seats_added),
                classes_added: Some(s.classes),
                cost: Some(s.cost),
                gap_closed: Some(format!(
                    "covered={};seats={};large_classes={}",
                    round1(s.gap_closed.pupils_newly_covered),
                    round1(s.gap_closed.seats_short_relieved),
                    s.gap_closed.large_classes_removed
                )),
                // Set from the gap closures when the report is written.
                gap_id: None,
                seats_short_relieved: Some(s.gap_closed.seats_short_relieved),
                large_classes_removed: Some(s.gap_closed.large_classes_removed),
                served: Some(s.served),
                closes_findings: o.request.closes.clone(),
            });
        }
    }
    if a.proposals.is_empty() {
        return (rows, None);
    }
    let method = a
        .proposals
        .iter()
        .map(|o| {
            // No solver seconds here: the files of a run are byte-identical from run to run;
            // timings go to the console only.
            let stop = match o.stop.as_str() {
                "wall_clock" => ", cut short by the time limit",
                _ => "",
            };
            format!(
                "{}: {} ({}, gap {:.2} %{stop})",
                o.id,
                o.problem,
                o.status,
                100.0 * o.gap
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let single = (a.proposals.len() == 1).then(|| &a.proposals[0]);
    let meta = ProposalMeta {
        method,
        objective: single.map(|o| o.objective),
        bound: single.map(|o| o.bound),
        optimality_gap: Some(a.proposals.iter().map(|o| o.gap).fold(0.0, f64::max)),
        requests: a
            .proposals
            .iter()
            .map(|o| RequestMeta {
                id: o.id.clone(),
                title_zh: o.request.title_zh.clone(),
                title_en: o.request.title_en.clone(),
                level: o.request.level,
                problem: o.problem.clone(),
                status: o.status.clone(),
                objective: o.objective,
                bound: o.bound,
                gap: o.gap,
                stop: o.stop.clone(),
                work: o.work,
                sites: o.sites.len(),
                covered_before: o.covered_before,
                covered_after: o.covered_after,
                closes: o.request.closes.clone(),
                notes: o.notes.clone(),
            })
            .collect(),
    };
    (rows, Some(meta))
}

/// `x` to one decimal, without a trailing `.0` (for the `gap_closed` text).
fn round1(x: f64) -> String {
    let r = crate::round::tenths(x);
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}
