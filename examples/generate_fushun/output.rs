//! Writes the layers (WGS 84, 1e-6°, one feature per line) and `calibration.json`.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{MultiPolygon, Polygon};
use serde_json::{json, Value};

use super::input::{Inputs, Res};
use super::network::Edge;
use super::population::{Population, NEW_HOUSING};
use super::schools::School;
use super::sites::Candidate;
use super::townships::Township;
use schoolplan_testkit::mapgen::{
    feature, line_json, point_json, pos, props, round6, round_to, signed_area2, write_atomic,
    write_collection_with,
};

fn ll(inp: &Inputs, p: (f64, f64)) -> (f64, f64) {
    inp.proj
        .to_wgs84(p.0, p.1)
        .expect("local coordinates project back")
}

/// A ring in metres → closed, rounded WGS 84 positions with the wanted orientation, without
/// the repeated vertices rounding may create.
fn ring_wgs(inp: &Inputs, ring: &geo::LineString<f64>, exterior: bool) -> Option<Value> {
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for c in ring.coords() {
        let (lon, lat) = ll(inp, (c.x, c.y));
        let p = (round6(lon), round6(lat));
        if pts.last() != Some(&p) {
            pts.push(p);
        }
    }
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.len() < 3 {
        return None;
    }
    if (signed_area2(&pts) > 0.0) != exterior {
        pts.reverse();
    }
    let mut v: Vec<Value> = pts.iter().map(|&p| pos(p)).collect();
    v.push(v[0].clone());
    Some(Value::Array(v))
}

fn polygon_rings(inp: &Inputs, p: &Polygon<f64>) -> Option<Value> {
    let mut rings = vec![ring_wgs(inp, p.exterior(), true)?];
    rings.extend(p.interiors().iter().filter_map(|r| ring_wgs(inp, r, false)));
    Some(Value::Array(rings))
}

fn multipolygon_json(inp: &Inputs, mp: &MultiPolygon<f64>) -> Value {
    let parts: Vec<Value> = mp.0.iter().filter_map(|p| polygon_rings(inp, p)).collect();
    if parts.len() == 1 {
        json!({"type": "Polygon", "coordinates": parts[0]})
    } else {
        json!({"type": "MultiPolygon", "coordinates": parts})
    }
}

pub fn write_all(
    out: &Path,
    inp: &Inputs,
    ts: &[Township],
    pop: &Population,
    schools: &[School],
    cands: &[Candidate],
    net: &[Edge],
) -> Res<()> {
    // Townships.
    let feats: Vec<Value> = ts
        .iter()
        .map(|t| {
            feature(
                props(vec![
                    ("code", json!(t.code)),
                    ("name", json!(t.name)),
                    ("kind", json!(t.kind)),
                    ("county_code", json!(inp.counties[t.county].code)),
                    ("centre", json!(t.centre_source)),
                    ("synthetic", json!(true)),
                ]),
                multipolygon_json(inp, &t.poly),
            )
        })
        .collect();
    write_collection_with(&out.join("townships.geojson"), &feats, Some("townships"))?;

    // Population.
    let feats: Vec<Value> = pop
        .cells
        .iter()
        .map(|c| {
            let ring: Vec<(f64, f64)> = [
                (c.x0, c.y0),
                (c.x0 + c.size, c.y0),
                (c.x0 + c.size, c.y0 + c.size),
                (c.x0, c.y0 + c.size),
            ]
            .iter()
            .map(|&p| ll(inp, p))
            .collect();
            let mut p = vec![
                ("id", json!(c.id)),
                ("pop_total", json!(c.pop)),
                ("pop_3_5", json!(c.cohorts[0])),
                ("pop_6_11", json!(c.cohorts[1])),
                ("pop_12_14", json!(c.cohorts[2])),
                ("pop_15_17", json!(c.cohorts[3])),
            ];
            // The new housing area the cell belongs to (a residential area for rule
            // K4-residential).
            if let Some(h) = c.new_housing {
                p.push(("housing", json!(super::population::NEW_HOUSING[h].0)));
            }
            p.push(("synthetic", json!(true)));
            feature(
                props(p),
                schoolplan_testkit::mapgen::polygon_json(&ring, &[]),
            )
        })
        .collect();
    write_collection_with(&out.join("population.geojson"), &feats, Some("population"))?;

    // Schools.
    let feats: Vec<Value> = schools
        .iter()
        .map(|s| {
            let mut p = props(vec![
                ("id", json!(s.id)),
                ("name", json!(s.name)),
                ("level", json!(s.level)),
                (
                    "ownership",
                    json!(if s.public { "public" } else { "private" }),
                ),
                ("inclusive", json!(s.inclusive)),
                ("quality", json!(s.quality)),
                ("boarding", json!(s.boarding)),
                ("status", json!(s.status)),
                ("capacity_seats", json!(s.capacity)),
                ("enrolment", json!(s.enrolment)),
                ("classes", json!(s.classes)),
                ("class_sizes", json!(s.class_sizes)),
            ]);
            for (k, v) in &s.res {
                p.insert(k.to_string(), json!(v));
            }
            p.insert("synthetic".into(), json!(true));
            feature(p, point_json(ll(inp, s.at)))
        })
        .collect();
    write_collection_with(&out.join("schools.geojson"), &feats, Some("schools"))?;

    let feats: Vec<Value> = cands
        .iter()
        .map(|c| {
            let mut p = vec![
                ("id", json!(c.id)),
                ("name", json!(c.name)),
                ("levels", json!(c.levels)),
                ("cost", json!(c.cost)),
                ("max_classes", json!(c.max_classes)),
            ];
            if let Some(code) = &c.seat_of {
                p.push(("township_seat", json!(code)));
            }
            p.push(("synthetic", json!(true)));
            feature(props(p), point_json(ll(inp, c.at)))
        })
        .collect();
    write_collection_with(&out.join("candidates.geojson"), &feats, Some("candidates"))?;

    let feats: Vec<Value> = net
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut p = props(vec![
                ("id", json!(format!("road-{:05}", i + 1))),
                ("speed_kmh", json!(e.speed_kmh)),
            ]);
            if e.barrier {
                p.insert("barrier".into(), json!(true));
            }
            if e.oneway {
                p.insert("oneway".into(), json!(true));
            }
            p.insert("synthetic".into(), json!(true));
            feature(p, line_json(&[ll(inp, e.a), ll(inp, e.b)]))
        })
        .collect();
    write_collection_with(&out.join("network.geojson"), &feats, Some("network"))?;
    Ok(())
}

fn share(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        (num / den * 10_000.0).round() / 10_000.0
    } else {
        0.0
    }
}

/// Residents per km² from which a cell counts as urban (the scenarios' `[settings]`).
pub const URBAN_DENSITY: f64 = 1500.0;

/// Calibration figures: written to `calibration.json` and returned as text.
#[allow(clippy::too_many_arguments)]
pub fn calibration(
    out: &Path,
    seed: u64,
    inp: &Inputs,
    ts: &[Township],
    pop: &Population,
    schools: &[School],
    cands: &[Candidate],
    net: &[Edge],
) -> Res<String> {
    let mut text = String::new();
    let mut counties = Vec::new();
    text.push_str(
        "county   name            census   generated  cells  3-5    6-11   12-14  15-17  urban(census) urban(cells) empty cells valley km\n",
    );
    for (ci, c) in inp.counties.iter().enumerate() {
        let cells: Vec<_> = pop.cells.iter().filter(|x| x.county == ci).collect();
        let total: i64 = cells.iter().map(|x| x.pop).sum();
        let mut coh = [0i64; 4];
        for x in &cells {
            for (sum, n) in coh.iter_mut().zip(x.cohorts) {
                *sum += n;
            }
        }
        // The scenarios' setting rule: cells of 街道, or of ≥ 1,500 residents per km², are urban.
        let urban: i64 = cells
            .iter()
            .filter(|x| {
                x.township.is_some_and(|t| ts[t].kind == "street")
                    || x.pop as f64 / (x.size * x.size / 1e6) >= URBAN_DENSITY
            })
            .map(|x| x.pop)
            .sum();
        let urban_share = urban as f64 / total.max(1) as f64;
        let empty = cells.iter().filter(|x| x.pop == 0).count();
        let valley_km: f64 = pop
            .valleys
            .iter()
            .filter(|v| ts[v.township].county == ci)
            .map(|v| {
                v.points
                    .windows(2)
                    .map(|w| ((w[0].0 - w[1].0).powi(2) + (w[0].1 - w[1].1).powi(2)).sqrt())
                    .sum::<f64>()
            })
            .sum::<f64>()
            / 1000.0;
        text.push_str(&format!(
            "{} {:<14} {:>8} {:>10} {:>6} {:>6} {:>6} {:>6} {:>6}  {:>12.3} {:>12.3} {:>11} {:>9.0}\n",
            c.code,
            c.name,
            c.pop,
            total,
            cells.len(),
            coh[0],
            coh[1],
            coh[2],
            coh[3],
            c.urban_share,
            urban_share,
            empty,
            valley_km
        ));
        let mut levels = BTreeMap::new();
        for s in schools.iter().filter(|s| s.county == ci) {
            *levels.entry(s.level).or_insert(0) += 1;
        }
        counties.push(json!({
            "code": c.code, "name": c.name, "census": c.pop, "generated": total, "cells": cells.len(),
            "pop_3_5": coh[0], "pop_6_11": coh[1], "pop_12_14": coh[2], "pop_15_17": coh[3],
            "urban_share_census": c.urban_share, "urban_share_cells": round_to(urban_share, 4),
            "empty_cells": empty, "valley_km": round_to(valley_km, 1),
            "schools": levels,
        }));
    }
    let mut per_level: BTreeMap<&str, (u32, u64, u64)> = BTreeMap::new();
    for s in schools.iter().filter(|s| s.status == "existing") {
        let e = per_level.entry(s.level).or_insert((0, 0, 0));
        e.0 += 1;
        e.1 += s.capacity as u64;
        e.2 += s.enrolment as u64;
    }
    text.push_str("\nlevel         schools  seats  enrolment\n");
    for (l, (n, cap, enr)) in &per_level {
        text.push_str(&format!("{l:<13} {n:>7} {cap:>7} {enr:>9}\n"));
    }
    let kg: Vec<&School> = schools
        .iter()
        .filter(|s| s.level == "kindergarten")
        .collect();
    let kg_total: f64 = kg.iter().map(|s| s.enrolment as f64).sum();
    let kg_public = share(
        kg.iter()
            .filter(|s| s.public)
            .map(|s| s.enrolment as f64)
            .sum(),
        kg_total,
    );
    let kg_inclusive = share(
        kg.iter()
            .filter(|s| s.inclusive)
            .map(|s| s.enrolment as f64)
            .sum(),
        kg_total,
    );
    let sen: Vec<&School> = schools.iter().filter(|s| s.level == "senior").collect();
    let sen_total: f64 = sen.iter().map(|s| s.enrolment as f64).sum();
    let sen_quality = share(
        sen.iter()
            .filter(|s| s.quality)
            .map(|s| s.enrolment as f64)
            .sum(),
        sen_total,
    );
    let sizes: Vec<u32> = schools
        .iter()
        .flat_map(|s| s.class_sizes.iter().copied())
        .collect();
    let large56 = sizes.iter().filter(|&&s| s >= 56).count();
    let large66 = sizes.iter().filter(|&&s| s >= 66).count();
    let over = schools
        .iter()
        .filter(|s| s.status == "existing" && s.enrolment > s.capacity)
        .count();
    let under = schools
        .iter()
        .filter(|s| {
            s.status == "existing"
                && s.capacity > 0
                && (s.enrolment as f64) < 0.5 * s.capacity as f64
        })
        .count();
    let no_quality_kg: Vec<&str> = ts
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            t.is_rural()
                && !kg
                    .iter()
                    .any(|s| s.township == *i && s.public && s.quality && s.status == "existing")
        })
        .map(|(_, t)| t.name.as_str())
        .collect();
    text.push_str(&format!(
        "\nkindergarten enrolment: public {:.1} %, inclusive {:.1} %\nsenior enrolment in quality schools: {:.1} % ({} quality of {})\nclasses 56+: {large56}, 66+: {large66}; schools over capacity: {over}; under half full: {under}\nrural townships without a quality public kindergarten: {} ({})\ncandidates: {}; network edges: {} ({} barrier)\n",
        kg_public * 100.0,
        kg_inclusive * 100.0,
        sen_quality * 100.0,
        sen.iter().filter(|s| s.quality).count(),
        sen.len(),
        no_quality_kg.len(),
        no_quality_kg.join(", "),
        cands.len(),
        net.len(),
        net.iter().filter(|e| e.barrier).count(),
    ));
    let mut files = BTreeMap::new();
    for f in [
        "townships",
        "population",
        "schools",
        "candidates",
        "network",
    ] {
        let n = std::fs::metadata(out.join(format!("{f}.geojson")))?.len();
        files.insert(format!("{f}.geojson"), n);
        text.push_str(&format!("{f}.geojson: {:.2} MB\n", n as f64 / 1e6));
    }
    let cal = json!({
        "seed": seed,
        "command": format!("cargo run --release --example generate_fushun -- --seed {seed}"),
        "synthetic": true,
        "counties": counties,
        "levels": per_level.iter().map(|(l, (n, c, e))| (l.to_string(), json!({"schools": n, "capacity_seats": c, "enrolment": e}))).collect::<BTreeMap<_, _>>(),
        "kindergarten_public_enrolment_share": kg_public,
        "kindergarten_inclusive_enrolment_share": kg_inclusive,
        "senior_quality_enrolment_share": sen_quality,
        "senior_quality_schools": sen.iter().filter(|s| s.quality).count(),
        "classes_56_plus": large56,
        "classes_66_plus": large66,
        "schools_over_capacity": over,
        "schools_under_half_full": under,
        "rural_townships_without_quality_public_kindergarten": no_quality_kg,
        "new_housing_areas": NEW_HOUSING.iter().map(|h| json!({"name": h.0, "lon": h.1, "lat": h.2, "radius_m": h.3, "residents": h.4})).collect::<Vec<_>>(),
        "candidates": cands.len(),
        "network_edges": net.len(),
        "file_bytes": files,
    });
    let mut bytes = serde_json::to_vec_pretty(&cal)?;
    bytes.push(b'\n');
    write_atomic(&out.join("calibration.json"), &bytes)?;
    Ok(text)
}
