//! `schoolplan solve` on the real binary: tiny hand-made GeoJSON checked against brute force in
//! the test, malformed input, a cost matrix with a missing pair, and OR-Library pmed1 / pmed2
//! converted to GeoJSON and solved through the network path.

use schoolplan::geodesy::projection::LocalProjection;
use schoolplan_testkit::solve_bench::{pmed_to_geojson, read_known};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A point feature: id, [lon, lat] and extra properties.
fn point(id: &str, lonlat: [f64; 2], props: Value) -> Value {
    let mut p = props;
    p["id"] = json!(id);
    json!({"type": "Feature", "properties": p, "geometry": {"type": "Point", "coordinates": lonlat}})
}

fn write_layer(dir: &Path, name: &str, features: Vec<Value>) -> PathBuf {
    let path = dir.join(name);
    let doc = json!({"type": "FeatureCollection", "features": features});
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .arg("solve")
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run_json(args: &[&str]) -> Value {
    let r = run(&[args, &["--json"]].concat());
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A small town near (123.9°E, 41.87°N): demand with weights, candidates, one existing school.
struct Town {
    _dir: tempfile::TempDir,
    demand: PathBuf,
    candidates: PathBuf,
    existing: PathBuf,
    /// Demand positions in metres, weights; candidate ids and positions; existing position.
    d_xy: Vec<[f64; 2]>,
    w: Vec<f64>,
    c_ids: Vec<String>,
    c_xy: Vec<[f64; 2]>,
    e_xy: [f64; 2],
}

fn town() -> Town {
    let dir = tempfile::tempdir().unwrap();
    let (lon0, lat0) = (123.9, 41.87);
    let step = 0.01; // ≈ 830 m east, 1110 m north
    let d_ll: Vec<[f64; 2]> = (0..9)
        .map(|k| {
            [
                lon0 + step * (k % 3) as f64 * 1.3,
                lat0 + step * (k / 3) as f64,
            ]
        })
        .collect();
    let w: Vec<f64> = vec![3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0, 5.0];
    let c_ll = [
        [lon0 + 0.002, lat0 + 0.001],
        [lon0 + 0.024, lat0 + 0.012],
        [lon0 + 0.013, lat0 + 0.019],
        [lon0 + 0.027, lat0 + 0.003],
        [lon0 + 0.005, lat0 + 0.017],
    ];
    let c_ids: Vec<String> = ["c1", "c2", "c3", "c4", "c5"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let e_ll = [lon0 + 0.026, lat0 + 0.021];
    let demand = write_layer(
        dir.path(),
        "demand.geojson",
        d_ll.iter()
            .zip(&w)
            .enumerate()
            .map(|(k, (p, w))| point(&format!("d{k}"), *p, json!({"pop": w})))
            .collect(),
    );
    let candidates = write_layer(
        dir.path(),
        "candidates.geojson",
        c_ll.iter()
            .zip(&c_ids)
            .enumerate()
            .map(|(k, (p, id))| point(id, *p, json!({"seats": 10 + 3 * k})))
            .collect(),
    );
    let existing = write_layer(
        dir.path(),
        "existing.geojson",
        vec![point("e1", e_ll, json!({"seats": 12}))],
    );
    // The CLI centres its projection on the extent of demand and sites: do the same.
    let all: Vec<[f64; 2]> = d_ll.iter().chain(&c_ll).chain([&e_ll]).copied().collect();
    let min = |k: usize| all.iter().map(|p| p[k]).fold(f64::INFINITY, f64::min);
    let max = |k: usize| all.iter().map(|p| p[k]).fold(f64::NEG_INFINITY, f64::max);
    let proj = LocalProjection::for_extent(min(0), min(1), max(0), max(1)).unwrap();
    let xy = |p: &[f64; 2]| {
        let (x, y) = proj.to_local(p[0], p[1]).unwrap();
        [x, y]
    };
    Town {
        d_xy: d_ll.iter().map(xy).collect(),
        w,
        c_ids,
        c_xy: c_ll.iter().map(xy).collect(),
        e_xy: xy(&e_ll),
        _dir: dir,
        demand,
        candidates,
        existing,
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// Every subset of `0..m` with at most `p` members.
fn subsets(m: usize, p: usize) -> Vec<Vec<usize>> {
    (0u32..1 << m)
        .map(|mask| (0..m).filter(|&j| mask >> j & 1 == 1).collect::<Vec<_>>())
        .filter(|s| s.len() <= p)
        .collect()
}

fn ids(t: &Town, sel: &[usize]) -> Vec<String> {
    sel.iter().map(|&j| t.c_ids[j].clone()).collect()
}

fn selected(v: &Value) -> Vec<String> {
    v["selected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn pmedian_matches_brute_force() {
    let t = town();
    let cost = |sel: &[usize]| -> f64 {
        t.d_xy
            .iter()
            .zip(&t.w)
            .map(|(&d, w)| {
                w * sel
                    .iter()
                    .map(|&j| dist(d, t.c_xy[j]))
                    .fold(f64::INFINITY, f64::min)
            })
            .sum()
    };
    let best = subsets(5, 2)
        .into_iter()
        .filter(|s| s.len() == 2)
        .min_by(|a, b| cost(a).total_cmp(&cost(b)))
        .unwrap();
    let v = run_json(&[
        "pmedian",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--p",
        "2",
        "--weight-field",
        "pop",
    ]);
    assert_eq!(v["problem"], "pmedian");
    assert_eq!(v["status"], "optimal", "{v}");
    assert_eq!(selected(&v), ids(&t, &best));
    assert!(
        close(v["objective"].as_f64().unwrap(), cost(&best)),
        "{v} vs {}",
        cost(&best)
    );
    assert!(v["bound"].as_f64().unwrap() <= v["objective"].as_f64().unwrap() + 1e-9);
    for key in ["gap", "seconds"] {
        assert!(v[key].is_number(), "{key} missing: {v}");
    }
}

#[test]
fn mclp_with_an_existing_school_matches_brute_force() {
    let t = town();
    let radius = 1200.0;
    let covered = |sel: &[usize]| -> f64 {
        t.d_xy
            .iter()
            .zip(&t.w)
            .filter(|(&d, _)| {
                dist(d, t.e_xy) <= radius || sel.iter().any(|&j| dist(d, t.c_xy[j]) <= radius)
            })
            .map(|(_, w)| w)
            .sum()
    };
    let all = subsets(5, 2);
    let top = all.iter().map(|s| covered(s)).fold(0.0, f64::max);
    let best: Vec<&Vec<usize>> = all.iter().filter(|s| covered(s) == top).collect();
    let v = run_json(&[
        "mclp",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--existing",
        s(&t.existing),
        "--p",
        "2",
        "--radius",
        "1200",
        "--weight-field",
        "pop",
    ]);
    // The Lagrangian bound of the MCLP is the LP bound: valid, not always tight on tiny cases.
    assert!(v["bound"].as_f64().unwrap() >= top, "{v}");
    assert_eq!(v["objective"].as_f64().unwrap(), top);
    assert_eq!(v["covered"].as_f64().unwrap(), top);
    assert_eq!(v["total"].as_f64().unwrap(), t.w.iter().sum::<f64>());
    let got = selected(&v);
    assert!(
        best.iter().any(|b| ids(&t, b) == got),
        "{got:?} is not among {best:?}"
    );
    assert!(!got.contains(&"e1".to_string()));
}

#[test]
fn lscp_and_pcenter_match_brute_force() {
    let t = town();
    let radius = 1300.0;
    let covers = |sel: &[usize]| {
        t.d_xy.iter().all(|&d| {
            sel.iter().any(|&j| dist(d, t.c_xy[j]) <= radius)
                || t.c_xy.iter().all(|&c| dist(d, c) > radius)
        })
    };
    let fewest = subsets(5, 5)
        .into_iter()
        .filter(|s| covers(s))
        .map(|s| s.len())
        .min()
        .unwrap();
    let v = run_json(&[
        "lscp",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--radius",
        "1300",
    ]);
    assert_eq!(v["status"], "optimal", "{v}");
    assert_eq!(v["objective"].as_f64().unwrap(), fewest as f64);
    assert_eq!(selected(&v).len(), fewest);

    let worst = |sel: &[usize]| {
        t.d_xy
            .iter()
            .map(|&d| {
                sel.iter()
                    .map(|&j| dist(d, t.c_xy[j]))
                    .fold(f64::INFINITY, f64::min)
            })
            .fold(0.0, f64::max)
    };
    let best = subsets(5, 2)
        .into_iter()
        .filter(|s| s.len() == 2)
        .min_by(|a, b| worst(a).total_cmp(&worst(b)))
        .unwrap();
    let v = run_json(&[
        "pcenter",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--p",
        "2",
    ]);
    assert_eq!(v["status"], "optimal", "{v}");
    assert!(close(v["objective"].as_f64().unwrap(), worst(&best)), "{v}");
    let got: Vec<usize> = selected(&v)
        .iter()
        .map(|id| t.c_ids.iter().position(|c| c == id).unwrap())
        .collect();
    assert!(close(worst(&got), worst(&best)));
}

#[test]
fn capacitated_pmedian_matches_brute_force() {
    let t = town();
    let caps: Vec<f64> = (0..5).map(|k| 10.0 + 3.0 * k as f64).collect();
    // Best single-source assignment of every demand (usage = weight) to the open sites.
    let cost = |sel: &[usize]| -> f64 {
        let n = t.d_xy.len();
        let mut best = f64::INFINITY;
        let k = sel.len();
        for code in 0..k.pow(n as u32) {
            let (mut c, mut load, mut total) = (code, vec![0.0; k], 0.0);
            for i in 0..n {
                let s = c % k;
                c /= k;
                load[s] += t.w[i];
                total += t.w[i] * dist(t.d_xy[i], t.c_xy[sel[s]]);
            }
            if (0..k).all(|s| load[s] <= caps[sel[s]]) {
                best = best.min(total);
            }
        }
        best
    };
    let best = subsets(5, 3)
        .into_iter()
        .filter(|s| s.len() == 3)
        .min_by(|a, b| cost(a).total_cmp(&cost(b)))
        .unwrap();
    let v = run_json(&[
        "pmedian",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--p",
        "3",
        "--weight-field",
        "pop",
        "--capacity-field",
        "seats",
        "--time-limit",
        "2",
    ]);
    assert_eq!(v["capacitated"], true);
    let got: Vec<usize> = selected(&v)
        .iter()
        .map(|id| t.c_ids.iter().position(|c| c == id).unwrap())
        .collect();
    assert!(close(v["objective"].as_f64().unwrap(), cost(&got)), "{v}");
    assert!(
        close(cost(&got), cost(&best)),
        "{got:?} {} vs {best:?} {}",
        cost(&got),
        cost(&best)
    );
    assert!(v["bound"].as_f64().unwrap() <= cost(&best) + 1e-6);
}

#[test]
fn existing_school_listed_as_candidate_is_fixed_and_not_selected() {
    let t = town();
    let dir = tempfile::tempdir().unwrap();
    // The existing layer names candidate c3: it is open for free and never reported.
    let text = std::fs::read_to_string(&t.candidates).unwrap();
    let cands: Value = serde_json::from_str(&text).unwrap();
    let c3 = cands["features"][2].clone();
    let existing = write_layer(dir.path(), "existing.geojson", vec![c3]);
    let v = run_json(&[
        "pmedian",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--existing",
        s(&existing),
        "--p",
        "1",
    ]);
    let got = selected(&v);
    assert_eq!(got.len(), 1);
    assert!(!got.contains(&"c3".to_string()), "{v}");
}

#[test]
fn malformed_input_exits_2_naming_file_feature_and_property() {
    let t = town();
    let dir = tempfile::tempdir().unwrap();
    let bad = write_layer(
        dir.path(),
        "bad_demand.geojson",
        vec![
            point("d0", [123.9, 41.87], json!({"pop": -2})),
            point("d1", [123.91, 41.87], json!({"pop": "many"})),
            json!({"type": "Feature", "properties": {"id": "d2", "pop": 1}, "geometry": null}),
        ],
    );
    let r = run(&[
        "pmedian",
        "--demand",
        s(&bad),
        "--candidates",
        s(&t.candidates),
        "--p",
        "1",
        "--weight-field",
        "pop",
        "--json",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    for needle in [
        "bad_demand.geojson",
        "feature 0",
        "feature 1",
        "feature 2",
        "property `pop`",
        "geometry",
    ] {
        assert!(
            r.stderr.contains(needle),
            "missing {needle:?} in:\n{}",
            r.stderr
        );
    }
    let broken = dir.path().join("broken.geojson");
    std::fs::write(&broken, "{ not json").unwrap();
    let r = run(&[
        "mclp",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&broken),
        "--p",
        "1",
        "--radius",
        "1",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("broken.geojson"), "{}", r.stderr);
    // Missing options are usage errors, also exit 2, never a panic.
    let r = run(&[
        "mclp",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--p",
        "1",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--radius"), "{}", r.stderr);
}

#[test]
fn matrix_missing_pair_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let demand = write_layer(
        dir.path(),
        "d.geojson",
        (1..=3)
            .map(|k| point(&format!("d{k}"), [0.0, 0.001 * k as f64], json!({})))
            .collect(),
    );
    let cands = write_layer(
        dir.path(),
        "c.geojson",
        (1..=2)
            .map(|k| point(&format!("c{k}"), [0.001, 0.001 * k as f64], json!({})))
            .collect(),
    );
    let matrix = dir.path().join("m.csv");
    // d3 cannot reach c1: opening c1 leaves d3 unserved (cost 2 × 5 + 1 = 11 per unit).
    std::fs::write(
        &matrix,
        "demand_id,candidate_id,cost\nd1,c1,1\nd1,c2,5\nd2,c1,1\nd2,c2,5\nd3,c2,1\n",
    )
    .unwrap();
    let v = run_json(&[
        "pmedian",
        "--demand",
        s(&demand),
        "--candidates",
        s(&cands),
        "--matrix",
        s(&matrix),
        "--p",
        "1",
    ]);
    assert_eq!(selected(&v), vec!["c2"]);
    assert_eq!(v["objective"].as_f64().unwrap(), 11.0);
    assert_eq!(v["status"], "optimal");
    let v = run_json(&[
        "mclp",
        "--demand",
        s(&demand),
        "--candidates",
        s(&cands),
        "--matrix",
        s(&matrix),
        "--p",
        "1",
        "--radius",
        "2",
    ]);
    assert_eq!(selected(&v), vec!["c1"]);
    assert_eq!(v["covered"].as_f64().unwrap(), 2.0);
    let r = run(&[
        "pmedian",
        "--demand",
        s(&demand),
        "--candidates",
        s(&cands),
        "--matrix",
        s(&matrix),
        "--p",
        "1",
    ]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("selected: c2"), "{}", r.stdout);
}

#[test]
fn pmed1_and_pmed2_reach_the_known_optimum_through_the_cli() {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bench/pmed");
    let known = read_known(&bench.join("pmedopt.txt")).unwrap();
    for name in ["pmed1", "pmed2"] {
        let dir = tempfile::tempdir().unwrap();
        let files = pmed_to_geojson(&bench.join(format!("{name}.txt")), dir.path()).unwrap();
        let p = files.p.to_string();
        let v = run_json(&[
            "pmedian",
            "--demand",
            s(&files.demand),
            "--candidates",
            s(&files.candidates),
            "--network",
            s(&files.network),
            "--cost-field",
            "cost",
            "--p",
            &p,
            "--time-limit",
            "10",
        ]);
        let opt = known.iter().find(|(k, _)| k == name).unwrap().1;
        assert_eq!(v["objective"].as_f64().unwrap(), opt, "{name}: {v}");
        assert!(v["bound"].as_f64().unwrap() <= opt, "{name}: {v}");
        assert!(v["gap"].as_f64().unwrap() < 0.005, "{name}: {v}");
        assert_eq!(selected(&v).len(), files.p);
    }
}

/// A seeded instance of `n` weighted demand points and `m` candidates in a `side_m` square
/// near Fushun, written as GeoJSON; returns the files' folder.
fn random_town(n: usize, m: usize, side_m: f64, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let proj = LocalProjection::new(123.9, 41.87).unwrap();
    let mut place = |k: usize, props: Value| {
        let (x, y) = (next() * side_m, next() * side_m);
        let (lon, lat) = proj.to_wgs84(x, y).unwrap();
        point(&format!("{k}"), [lon, lat], props)
    };
    let demand: Vec<Value> = (0..n)
        .map(|k| place(k, json!({"pop": 1 + k % 37})))
        .collect();
    let cands: Vec<Value> = (0..m).map(|k| place(k, json!({}))).collect();
    write_layer(dir.path(), "demand.geojson", demand);
    write_layer(dir.path(), "candidates.geojson", cands);
    dir
}

/// The output without its timings.
fn untimed(mut v: Value) -> Value {
    for k in ["seconds", "read_seconds", "solve_seconds"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

#[test]
fn huge_time_limits_are_refused_and_timings_reported() {
    let t = town();
    for limit in ["1e300", "inf", "0"] {
        let r = run(&[
            "mclp",
            "--demand",
            s(&t.demand),
            "--candidates",
            s(&t.candidates),
            "--p",
            "2",
            "--radius",
            "1200",
            "--time-limit",
            limit,
            "--json",
        ]);
        if limit != "0" {
            // Beyond one day (or not a number): refused by name, never clamped silently.
            assert_eq!(r.code, 2, "--time-limit {limit}: {}", r.stderr);
            assert!(r.stderr.contains("--time-limit"), "{}", r.stderr);
            continue;
        }
        assert_eq!(r.code, 0, "--time-limit {limit}: {}", r.stderr);
        let v: Value = serde_json::from_str(&r.stdout).unwrap();
        for k in ["seconds", "read_seconds", "solve_seconds"] {
            assert!(v[k].as_f64().is_some_and(|x| x >= 0.0), "{k}: {v}");
        }
        assert!(v["read_seconds"].as_f64() <= v["seconds"].as_f64(), "{v}");
        assert!(["complete", "work_limit", "wall_clock"].contains(&v["stop"].as_str().unwrap()));
    }
}

#[test]
fn same_answer_at_any_thread_count_and_load() {
    let dir = random_town(700, 70, 6000.0, 7);
    let (d, c) = (
        dir.path().join("demand.geojson"),
        dir.path().join("candidates.geojson"),
    );
    let cases: Vec<Vec<&str>> = vec![
        vec!["mclp", "--p", "6", "--radius", "900"],
        vec!["lscp", "--radius", "900"],
        vec!["pmedian", "--p", "5"],
        vec!["pcenter", "--p", "5"],
        // Stopped by the work budget, not by a proof.
        vec![
            "mclp",
            "--p",
            "12",
            "--radius",
            "1100",
            "--work-limit",
            "4000000",
        ],
        vec!["pmedian", "--p", "20", "--work-limit", "3000000"],
    ];
    let solve = |case: &[&str], threads: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
            .env("RAYON_NUM_THREADS", threads)
            .arg("solve")
            .args(case)
            .args(["--demand", s(&d), "--candidates", s(&c)])
            .args(["--weight-field", "pop", "--time-limit", "600", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let quiet: Vec<Value> = cases.iter().map(|cs| solve(cs, "1")).collect();
    // Load the machine: busy threads on every core while the same runs go again.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let burners: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut x = 1u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                }
                x
            })
        })
        .collect();
    let loaded: Vec<Value> = cases.iter().map(|cs| solve(cs, "3")).collect();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for b in burners {
        b.join().unwrap();
    }
    for ((case, a), b) in cases.iter().zip(quiet).zip(loaded) {
        assert_ne!(a["stop"], "wall_clock", "{case:?}: {a}");
        assert_eq!(untimed(a), untimed(b), "{case:?}");
    }
}

#[test]
fn pmedian_radius_cutoff_is_reported_and_certified_on_the_untruncated_problem() {
    let t = town();
    let cost = |sel: &[usize]| -> f64 {
        t.d_xy
            .iter()
            .zip(&t.w)
            .map(|(&d, w)| {
                let near = sel
                    .iter()
                    .map(|&j| dist(d, t.c_xy[j]))
                    .chain([dist(d, t.e_xy)])
                    .fold(f64::INFINITY, f64::min);
                w * near
            })
            .sum()
    };
    let opt = subsets(5, 2)
        .into_iter()
        .map(|sel| cost(&sel))
        .fold(f64::INFINITY, f64::min);
    let v = run_json(&[
        "pmedian",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--existing",
        s(&t.existing),
        "--weight-field",
        "pop",
        "--p",
        "2",
        "--radius",
        "1500",
    ]);
    assert_eq!(v["truncated"], true, "{v}");
    assert_eq!(v["cutoff"].as_f64(), Some(1500.0));
    assert_eq!(v["certified_untruncated"], true, "{v}");
    assert!(v["truncation"].as_str().unwrap().contains("cutoff"), "{v}");
    let got: Vec<usize> = selected(&v)
        .iter()
        .map(|id| t.c_ids.iter().position(|c| c == id).unwrap())
        .collect();
    // The objective is the untruncated cost of the selection; the bound holds for the
    // untruncated optimum.
    assert!(close(v["objective"].as_f64().unwrap(), cost(&got)), "{v}");
    assert!(v["bound"].as_f64().unwrap() <= opt * (1.0 + 1e-9), "{v}");
    assert!(v["objective_within_cutoff"].as_f64().unwrap() <= cost(&got) + 1e-6);
    // A radius that drops nothing says so.
    let v = run_json(&[
        "pmedian",
        "--demand",
        s(&t.demand),
        "--candidates",
        s(&t.candidates),
        "--p",
        "2",
        "--radius",
        "1e7",
    ]);
    assert_eq!(v["truncated"], false, "{v}");
}
