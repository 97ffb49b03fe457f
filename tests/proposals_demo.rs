//! Proposals that serve the plan, on the demo map (`maps/demo/demo-programme.toml`, run by the
//! real binary): expansions go where the need is and report it, new schools are sized from the
//! demand they serve, pupils are counted once, a central kindergarten goes where it reaches the
//! most children (and to the township seat when one is known), and a site that serves almost
//! nobody is a finding. Expectations are computed here from the input layers, not copied from a
//! run.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Contains, Coord, LineString, Point, Polygon};
use schoolplan_testkit::runs::{demo_file, demo_programme, demo_scratch, read_json, run_quiet};
use serde_json::{json, Value};

fn features(v: &Value) -> &Vec<Value> {
    v["features"].as_array().unwrap()
}

/// Input schools by id.
fn input_schools() -> BTreeMap<String, Value> {
    features(&read_json(&demo_file("schools.geojson")))
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_string(),
                f.clone(),
            )
        })
        .collect()
}

fn sizes(school: &Value) -> Vec<u32> {
    school["properties"]["class_sizes"]
        .as_array()
        .map(|a| a.iter().map(|x| x.as_u64().unwrap() as u32).collect())
        .unwrap_or_default()
}

fn large(sizes: &[u32]) -> usize {
    sizes.iter().filter(|&&c| c >= 56).count()
}

/// Proposal rows of `request` (from proposals.geojson), by rank.
fn rows(out: &Path, request: &str) -> Vec<Value> {
    let mut v: Vec<Value> = features(&read_json(&out.join("proposals.geojson")))
        .iter()
        .filter(|f| {
            f["properties"]["id"]
                .as_str()
                .unwrap()
                .strip_prefix(request)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|r| r.parse::<u32>().is_ok())
        })
        .cloned()
        .collect();
    v.sort_by_key(|f| f["properties"]["rank"].as_u64());
    v
}

/// `covered=…;seats=…;large_classes=…` → the three numbers.
fn gap_closed(p: &Value) -> (f64, f64, u64) {
    let text = p["gap_closed"].as_str().expect("gap_closed on every row");
    let kv: BTreeMap<&str, &str> = text
        .split(';')
        .map(|part| part.split_once('=').expect("key=value"))
        .collect();
    (
        kv["covered"].parse().unwrap(),
        kv["seats"].parse().unwrap(),
        kv["large_classes"].parse().unwrap(),
    )
}

#[test]
fn expansions_go_where_the_large_classes_are_and_say_so() {
    let out = demo_programme();
    let schools = input_schools();
    // The primary school with the most classes of 56+, from the input.
    let (most, n_most) = schools
        .iter()
        .filter(|(_, s)| s["properties"]["level"] == "primary")
        .map(|(id, s)| (id.clone(), large(&sizes(s))))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .unwrap();
    assert!(n_most > 0, "the demo has a crowded primary school");
    let exp = rows(out, "DP-expand");
    assert_eq!(exp.len(), 2);
    let first = &exp[0]["properties"];
    assert_eq!(first["site_id"].as_str().unwrap(), most);
    assert_eq!(first["kind"], "expansion");
    // Its 56+ classes are gone once its pupils spread over 6 more classes (the least level L
    // with Σ max(0, s − L) ≤ 6 L).
    let s = sizes(&schools[&most]);
    let l = (0..=100u32)
        .find(|&l| s.iter().map(|&c| c.saturating_sub(l)).sum::<u32>() <= 6 * l)
        .unwrap();
    let after = s.iter().filter(|&&c| c.min(l) >= 56).count() + usize::from(l >= 56);
    assert_eq!(gap_closed(first).2 as usize, n_most - after);
    let summary = read_json(&out.join("summary.json"));
    let row = summary["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == most.as_str())
        .unwrap();
    assert_eq!(row["large_classes"].as_u64().unwrap() as usize, after);
    // Every expansion relieves a measured need, and its row says which.
    for r in exp.iter().chain(rows(out, "DP-junior").iter()) {
        let p = &r["properties"];
        let (covered, seats, classes) = gap_closed(p);
        assert_eq!(covered, 0.0, "an expansion covers nobody new");
        assert!(seats >= 1.0 || classes > 0, "{p}: no need relieved");
        assert!((p["seats_short_relieved"].as_f64().unwrap() - seats).abs() < 0.06);
        assert_eq!(p["large_classes_removed"].as_u64().unwrap(), classes);
    }
    // The junior expansion goes to the junior school with 56+ classes.
    let junior: Vec<&String> = schools
        .iter()
        .filter(|(_, s)| s["properties"]["level"] == "junior" && large(&sizes(s)) > 0)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(junior.len(), 1);
    assert_eq!(
        rows(out, "DP-junior")[0]["properties"]["site_id"].as_str(),
        Some(junior[0].as_str())
    );
}

#[test]
fn every_row_reports_the_gap_it_closes_in_numbers() {
    let out = demo_programme();
    let all = read_json(&out.join("proposals.geojson"));
    let all = features(&all);
    assert!(all.len() >= 5);
    for f in all {
        let p = &f["properties"];
        let (covered, _, _) = gap_closed(p);
        assert!(
            (covered - p["demand_newly_covered"].as_f64().unwrap()).abs() < 0.06,
            "{p}"
        );
    }
    // The CSV carries the same columns.
    let csv = std::fs::read_to_string(out.join("proposals.csv")).unwrap();
    let head = csv.lines().next().unwrap();
    for c in [
        "gap_closed",
        "seats_short_relieved",
        "large_classes_removed",
        "served",
    ] {
        assert!(head.contains(c), "{head}");
    }
}

#[test]
fn new_schools_are_sized_from_the_demand_they_serve() {
    let out = demo_programme();
    let cands: BTreeMap<String, Value> = features(&read_json(&demo_file("candidates.geojson")))
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_string(),
                f.clone(),
            )
        })
        .collect();
    // (request, class size, least classes, largest by default, national cap in pupils)
    for (request, class_size, least, most, cap) in [
        ("DP-primary", 45.0, 6u64, 24u64, 2000.0),
        ("DP-K1", 30.0, 1, 9, 360.0),
    ] {
        let r = rows(out, request);
        assert_eq!(r.len(), 1, "{request}");
        let p = &r[0]["properties"];
        let served = p["served"].as_f64().unwrap();
        let site_max = cands
            .get(p["site_id"].as_str().unwrap())
            .and_then(|c| c["properties"]["max_classes"].as_u64())
            .unwrap_or(u64::MAX);
        let hi = most.min(site_max).min((cap / class_size) as u64);
        let want = ((served / class_size).ceil() as u64).clamp(least.min(hi), hi);
        assert_eq!(p["classes_added"].as_u64().unwrap(), want, "{request}: {p}");
        assert_eq!(
            p["seats_added"].as_f64().unwrap(),
            want as f64 * class_size,
            "{request}"
        );
        // The school the plan builds records the pupils it serves: its zone.
        let schools = read_json(&out.join("schools.geojson"));
        let id = format!("{request}:{}", p["site_id"].as_str().unwrap());
        let s = features(&schools)
            .iter()
            .find(|f| f["properties"]["id"] == id.as_str())
            .unwrap();
        assert_eq!(
            s["properties"]["enrolment"].as_f64().unwrap(),
            served.round(),
            "{id}"
        );
    }
}

#[test]
fn pupils_a_new_school_takes_leave_the_schools_they_were_at() {
    let out = demo_programme();
    let before = input_schools();
    let after: BTreeMap<String, Value> = features(&read_json(&out.join("schools.geojson")))
        .iter()
        .map(|f| {
            (
                f["properties"]["id"].as_str().unwrap().to_string(),
                f.clone(),
            )
        })
        .collect();
    // Kindergartens: no planned kindergarten without pupils in the input, so the pupils the new
    // central kindergarten records are exactly those the others lose (up to rounding, one
    // pupil per school).
    let enrol = |m: &BTreeMap<String, Value>, id: &str| {
        m.get(id)
            .and_then(|s| s["properties"]["enrolment"].as_f64())
            .unwrap_or(0.0)
    };
    let level = |s: &Value| s["properties"]["level"].as_str().unwrap().to_string();
    let new_kg: f64 = after
        .iter()
        .filter(|(id, s)| !before.contains_key(*id) && level(s) == "kindergarten")
        .map(|(id, _)| enrol(&after, id))
        .sum();
    assert!(new_kg > 0.0);
    let lost: Vec<(&String, f64)> = before
        .iter()
        .filter(|(_, s)| level(s) == "kindergarten")
        .map(|(id, _)| (id, enrol(&before, id) - enrol(&after, id)))
        .filter(|(_, d)| *d != 0.0)
        .collect();
    assert!(lost.iter().all(|(_, d)| *d > 0.0), "{lost:?}");
    let lost_sum: f64 = lost.iter().map(|x| x.1).sum();
    assert!(
        (lost_sum - new_kg).abs() <= lost.len() as f64 + 1.0,
        "new {new_kg}, lost {lost_sum} ({lost:?})"
    );
    // The total recorded pupils never grow by the new schools' pupils: nobody is counted twice.
    let total = |m: &BTreeMap<String, Value>| -> f64 { m.keys().map(|id| enrol(m, id)).sum() };
    let new_all: f64 = after
        .keys()
        .filter(|id| !before.contains_key(*id))
        .map(|id| enrol(&after, id))
        .sum();
    assert!(total(&after) < total(&before) + new_all - 1.0);
}

/// The township polygon of `code` (first ring of the first polygon).
fn township(code: &str) -> Polygon<f64> {
    let t = read_json(&demo_file("townships.geojson"));
    let f = features(&t)
        .iter()
        .find(|f| f["properties"]["code"] == code)
        .unwrap();
    let g = &f["geometry"];
    let ring = match g["type"].as_str().unwrap() {
        "Polygon" => &g["coordinates"][0],
        _ => &g["coordinates"][0][0],
    };
    let pts: Vec<Coord<f64>> = ring
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Coord {
            x: p[0].as_f64().unwrap(),
            y: p[1].as_f64().unwrap(),
        })
        .collect();
    Polygon::new(LineString(pts), vec![])
}

/// Metres between two lon/lat points on the WGS 84 ellipsoid (radii of curvature at the mean
/// latitude): exact enough over a few kilometres.
fn metres(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (ax, e2) = (6_378_137.0, 0.006_694_379_990_14);
    let lat = ((a[1] + b[1]) / 2.0).to_radians();
    let w = (1.0 - e2 * lat.sin().powi(2)).sqrt();
    let (n, m) = (ax / w, ax * (1.0 - e2) / w.powi(3));
    (n * lat.cos() * (a[0] - b[0]).to_radians()).hypot(m * (a[1] - b[1]).to_radians())
}

fn centroid(g: &Value) -> [f64; 2] {
    let ring = g["coordinates"][0].as_array().unwrap();
    let n = ring.len() - 1;
    let (x, y) = ring[..n].iter().fold((0.0, 0.0), |a, p| {
        (a.0 + p[0].as_f64().unwrap(), a.1 + p[1].as_f64().unwrap())
    });
    [x / n as f64, y / n as f64]
}

fn lonlat(f: &Value) -> [f64; 2] {
    let c = &f["geometry"]["coordinates"];
    [c[0].as_f64().unwrap(), c[1].as_f64().unwrap()]
}

#[test]
fn a_central_kindergarten_goes_where_it_reaches_the_most_children_and_to_a_known_seat() {
    const PINEWOOD: &str = "990102201";
    let poly = township(PINEWOOD);
    let inside = |p: [f64; 2]| poly.contains(&Point::new(p[0], p[1]));
    // Children aged 3–5 in 2025 (demo-plan: pop_3_5 × 0.8) per cell centroid; Pinewood is
    // rural (1 km standard), every other cell urban (300 m) — the demo has only one street.
    let streets = township("990101001");
    let cells: Vec<([f64; 2], f64, f64)> = features(&read_json(&demo_file("population.geojson")))
        .iter()
        .map(|f| {
            let c = centroid(&f["geometry"]);
            let r = if streets.contains(&Point::new(c[0], c[1])) {
                300.0
            } else {
                1000.0
            };
            (c, f["properties"]["pop_3_5"].as_f64().unwrap() * 0.8, r)
        })
        .filter(|c| c.1 > 0.0)
        .collect();
    let reach = |p: [f64; 2]| -> f64 {
        cells
            .iter()
            .filter(|c| metres(c.0, p) <= c.2)
            .map(|c| c.1)
            .sum()
    };
    // Options: kindergarten candidates in Pinewood and the site of its central school (its
    // largest public primary or nine-year school).
    let mut options: Vec<(String, [f64; 2])> =
        features(&read_json(&demo_file("candidates.geojson")))
            .iter()
            .filter(|f| {
                let l = &f["properties"]["levels"];
                (l.as_str().is_some_and(|s| s.contains("kindergarten"))
                    || l.as_array()
                        .is_some_and(|a| a.iter().any(|x| x == "kindergarten")))
                    && inside(lonlat(f))
            })
            .map(|f| {
                (
                    f["properties"]["id"].as_str().unwrap().to_string(),
                    lonlat(f),
                )
            })
            .collect();
    let central = input_schools()
        .into_values()
        .filter(|s| {
            let p = &s["properties"];
            (p["level"] == "primary" || p["level"] == "nine_year")
                && p["ownership"] == "public"
                && inside(lonlat(s))
        })
        .max_by(|a, b| {
            a["properties"]["capacity_seats"]
                .as_f64()
                .partial_cmp(&b["properties"]["capacity_seats"].as_f64())
                .unwrap()
        })
        .unwrap();
    options.push((
        format!("central:{}", central["properties"]["id"].as_str().unwrap()),
        lonlat(&central),
    ));
    assert!(options.len() >= 2);
    let best = options
        .iter()
        .max_by(|a, b| reach(a.1).partial_cmp(&reach(b.1)).unwrap())
        .unwrap();
    let got = rows(demo_programme(), "DP-K1");
    assert_eq!(
        got[0]["properties"]["site_id"].as_str(),
        Some(best.0.as_str())
    );

    // A known seat 0.9 km from that site, with a candidate on it: the site moves to the seat.
    let d = demo_scratch();
    let mut cands = read_json(&d.path().join("candidates.geojson"));
    let seat = options
        .iter()
        .filter(|o| o.0 != best.0 && metres(o.1, best.1) > 600.0)
        .map(|o| o.1)
        .next()
        .expect("another option away from the best");
    cands["features"].as_array_mut().unwrap().push(json!({
        "type": "Feature",
        "properties": { "id": "seat-1", "levels": ["kindergarten"], "max_classes": 6,
                        "township_seat": PINEWOOD, "synthetic": true },
        "geometry": { "type": "Point", "coordinates": [seat[0] + 0.0005, seat[1]] }
    }));
    std::fs::write(
        d.path().join("candidates.geojson"),
        serde_json::to_vec(&cands).unwrap(),
    )
    .unwrap();
    let out = d.path().join("out");
    run_quiet(&d.path().join("demo-programme.toml"), &out);
    let got = rows(&out, "DP-K1");
    let at = lonlat(&got[0]);
    assert!(
        metres(at, [seat[0] + 0.0005, seat[1]]) <= 500.0,
        "{} is {:.0} m from the seat",
        got[0]["properties"]["site_id"],
        metres(at, seat)
    );
}

#[test]
fn a_site_that_serves_almost_nobody_is_a_finding() {
    let d = demo_scratch();
    // One kindergarten site far out in the empty south-west (the lake), and a request for it.
    let pop = read_json(&d.path().join("population.geojson"));
    let empty = features(&pop)
        .iter()
        .filter(|f| f["properties"]["pop_total"].as_f64() == Some(0.0))
        .map(|f| centroid(&f["geometry"]))
        .min_by(|a, b| (a[0] + a[1]).partial_cmp(&(b[0] + b[1])).unwrap())
        .unwrap();
    let cands = json!({ "type": "FeatureCollection", "features": [{
        "type": "Feature",
        "properties": { "id": "lake", "levels": ["kindergarten"], "synthetic": true },
        "geometry": { "type": "Point", "coordinates": empty }
    }]});
    std::fs::write(
        d.path().join("candidates.geojson"),
        serde_json::to_vec(&cands).unwrap(),
    )
    .unwrap();
    std::fs::write(
        d.path().join("lake.toml"),
        "extends = \"demo-plan.toml\"\nname = \"lake\"\n\n[[proposals]]\nid = \"LAKE\"\nlevel = \"kindergarten\"\nnew_sites = 1\ntime_limit_s = 1\n",
    )
    .unwrap();
    let out = d.path().join("out");
    run_quiet(&d.path().join("lake.toml"), &out);
    let row = &rows(&out, "LAKE")[0]["properties"];
    let served = row["served"].as_f64().unwrap();
    assert!(served < 15.0, "served {served}");
    let findings = read_json(&out.join("findings.json"));
    let f: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "LAKE")
        .collect();
    assert_eq!(f.len(), 1, "{findings}");
    assert_eq!(f[0]["status"], "fail");
    assert_eq!(f[0]["school_id"], "LAKE:lake");
    assert!((f[0]["measured"].as_f64().unwrap() - served).abs() < 0.06);
    // A site that serves its township gives no such finding.
    let prog = read_json(&demo_programme().join("findings.json"));
    assert!(!prog
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "proposal"));
}
