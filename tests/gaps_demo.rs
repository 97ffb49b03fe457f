//! Coverage gaps on the demo map (`maps/demo`), checked against answers worked out here from the
//! input layers:
//!
//! - **a seats gap next to a full school**: `s01` (1,800 senior seats) is full, `s02` has seats
//!   to spare, so the senior children within 2 km of `s01` that the allocation could not seat
//!   are seats gaps whose fix is expanding `s01`;
//! - **split at a township line**: those children live on both sides of the line between
//!   Riverside Street and Hillfoot Town, in cells 200 m apart — one chain of cells, two gaps;
//! - **a scattered remainder**: the Riverside seats cells do not fit one school's 2 km reach;
//!   the few left over (fewer than 10 children) are folded into a scattered line, which
//!   `[gaps] scattered_below = 0` lists as a gap of its own;
//! - and the whole rule (gap cells, split by unit, single linkage, greedy discs, nearest school
//!   with spare seats, best candidate) against a brute force written here, on the demo with
//!   urban and rural standards.
//!
//! Cells are 200 m squares of a regular grid whose ids are `r<row>c<col>` (maps/demo/README.md),
//! so two cells are `200 × √(Δrow² + Δcol²)` metres apart (to a few centimetres: the corners
//! were rounded to 1e-6°).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Contains, Coord, LineString, Point, Polygon};
use schoolplan::config::Setting;
use serde_json::{Map, Value};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const RIVERSIDE: &str = "990101001";
const HILLFOOT: &str = "990101101";
/// Senior radius and class size of maps/demo/demo.toml.
const SENIOR_RADIUS_M: f64 = 2000.0;
const SENIOR_CLASS: f64 = 50.0;

type Props = Map<String, Value>;

struct Run {
    dir: tempfile::TempDir,
}

impl Run {
    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join("out").join(f)
    }
    fn json(&self, f: &str) -> Value {
        serde_json::from_str(&std::fs::read_to_string(self.path(f)).unwrap()).unwrap()
    }
    fn props(&self, f: &str) -> Vec<Props> {
        features(&self.json(f))
    }
    fn gaps(&self, level: &str) -> Vec<Props> {
        self.props("gaps.geojson")
            .into_iter()
            .filter(|g| g["level"] == level)
            .collect()
    }
    /// Cell ids of each gap of `level`, from `coverage.geojson` (`gap_<level>`).
    fn gap_cells(&self, level: &str) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in self.props("coverage.geojson") {
            if let Some(g) = c[&format!("gap_{level}")].as_str() {
                out.entry(g.to_string()).or_default().push(text(&c["id"]));
            }
        }
        out
    }
}

fn features(v: &Value) -> Vec<Props> {
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"].as_object().unwrap().clone())
        .collect()
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Runs the binary on `maps/demo/demo.toml`, extended by `extra` TOML when given.
fn run(extra: Option<&str>) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(ROOT).join("maps/demo/demo.toml");
    let scenario = match extra {
        None => demo,
        Some(t) => {
            let p = dir.path().join("scenario.toml");
            std::fs::write(
                &p,
                format!(
                    "extends = {:?}\nname = \"demo-gaps\"\n{t}\n",
                    demo.display()
                ),
            )
            .unwrap();
            p
        }
    };
    let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--lang", "en", "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Run { dir }
}

/// Input cells of the demo: id → (properties, centroid lon/lat).
fn input_cells() -> BTreeMap<String, (Props, Coord<f64>)> {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("maps/demo/population.geojson")).unwrap(),
    )
    .unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let p = f["properties"].as_object().unwrap().clone();
            let ring = ring_of(&f["geometry"]);
            // A square: the centroid is the mean of its four corners.
            let n = (ring.len() - 1) as f64;
            let c = ring[..ring.len() - 1]
                .iter()
                .fold(Coord { x: 0.0, y: 0.0 }, |a, b| Coord {
                    x: a.x + b.x / n,
                    y: a.y + b.y / n,
                });
            (text(&p["id"]), (p, c))
        })
        .collect()
}

fn ring_of(g: &Value) -> Vec<Coord<f64>> {
    let c = &g["coordinates"];
    let ring = if g["type"] == "MultiPolygon" {
        &c[0][0]
    } else {
        &c[0]
    };
    ring.as_array()
        .unwrap()
        .iter()
        .map(|p| Coord {
            x: num(&p[0]),
            y: num(&p[1]),
        })
        .collect()
}

/// Township polygons of the demo, by code.
fn townships() -> BTreeMap<String, Polygon<f64>> {
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join("maps/demo/townships.geojson")).unwrap(),
    )
    .unwrap();
    v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                text(&f["properties"]["code"]),
                Polygon::new(LineString::from(ring_of(&f["geometry"])), vec![]),
            )
        })
        .collect()
}

/// (row, column) of a cell id `r<row>c<col>`.
fn grid(id: &str) -> (i64, i64) {
    let (r, c) = id[1..].split_once('c').unwrap();
    (r.parse().unwrap(), c.parse().unwrap())
}

/// Squared grid distance of two cells (in cells; × 200 m).
fn d2(a: &str, b: &str) -> i64 {
    let (p, q) = (grid(a), grid(b));
    (p.0 - q.0).pow(2) + (p.1 - q.1).pow(2)
}

fn school(run: &Run, id: &str) -> Props {
    run.props("schools.geojson")
        .into_iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

#[test]
fn a_seats_gap_next_to_a_full_school_is_fixed_by_expanding_it() {
    let r = run(None);
    let cells = input_cells();
    // s01 is full: its allocated seniors fill its seats; s02 has seats to spare.
    let s01 = school(&r, "s01");
    let s02 = school(&r, "s02");
    assert_eq!(num(&s01["seats_senior"]), 1800.0);
    assert_eq!(num(&s01["allocated_senior"]), num(&s01["seats_senior"]));
    let spare02 = num(&s02["seats_senior"]) - num(&s02["allocated_senior"]);
    assert!(spare02 >= 500.0, "s02 spare {spare02}");
    // The seniors within reach but not seated: covered − allocated (summary).
    let summary = r.json("summary.json");
    let senior = summary["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "senior")
        .unwrap()
        .clone();
    let unseated = num(&senior["covered"]) - num(&senior["allocated"]);
    assert!(unseated > 400.0, "{unseated}");
    let gaps = r.gaps("senior");
    let seats: Vec<&Props> = gaps.iter().filter(|g| g["kind"] == "seats").collect();
    let total: f64 = seats.iter().map(|g| num(&g["children"])).sum();
    assert!((total - unseated).abs() < 1e-6, "{total} vs {unseated}");
    let members = r.gap_cells("senior");
    for g in seats.iter().filter(|g| g["scattered"] == false) {
        let id = text(&g["id"]);
        // Children: Σ pop_15_17 of its cells, straight from the input layer (rate 1, no
        // projection factor for pop_15_17 in demo.toml).
        let hand: f64 = members[&id]
            .iter()
            .map(|c| num(&cells[c].0["pop_15_17"]))
            .sum();
        assert_eq!(num(&g["children"]), hand, "{id}");
        assert_eq!(g["full_school"], "s01", "{id}");
        // Every such cell is within 2 km of s01 (it is covered, and not of s02, which would
        // have seated it): expanding s01 reaches all of them.
        assert_eq!(g["best_site"], "s01", "{id}");
        assert_eq!(g["site_kind"], "expansion", "{id}");
        assert_eq!(num(&g["site_children"]), hand, "{id}");
        assert_eq!(num(&g["seats_needed"]), hand.ceil(), "{id}");
        assert_eq!(
            num(&g["classes_needed"]),
            (hand.ceil() / SENIOR_CLASS).ceil(),
            "{id}"
        );
        // The nearest school with spare seats is s02, beyond the radius (else it had seated
        // them: its spare seats outnumber any cell's children).
        assert_eq!(g["nearest_school"], "s02", "{id}");
        assert!(num(&g["nearest_m"]) > SENIOR_RADIUS_M, "{id}");
        assert!(num(&g["nearest_spare_seats"]) >= spare02 - 1e-6);
    }
}

#[test]
fn a_chain_of_cells_across_a_township_line_makes_two_gaps() {
    let r = run(None);
    let cells = input_cells();
    let towns = townships();
    let members = r.gap_cells("senior");
    let seats: Vec<Props> = r
        .gaps("senior")
        .into_iter()
        .filter(|g| g["kind"] == "seats" && g["scattered"] == false)
        .collect();
    let by_town: BTreeMap<String, &Props> =
        seats.iter().map(|g| (text(&g["township"]), g)).collect();
    let (west, north) = (by_town[RIVERSIDE], by_town[HILLFOOT]);
    let (wc, nc) = (&members[&text(&west["id"])], &members[&text(&north["id"])]);
    // Each gap's cells lie in its township (centroid in the township polygon) and within the
    // radius of its centre cell (grid distance ≤ 10 cells = 2 km).
    for (g, cs) in [(west, wc), (north, nc)] {
        let poly = &towns[&text(&g["township"])];
        let centre = text(&g["centre_cell"]);
        for c in cs.iter() {
            assert!(
                poly.contains(&Point::from(cells[c].1)),
                "{c} not in {}",
                g["township"]
            );
            assert!(
                d2(c, &centre) <= 100,
                "{c} is {} cells² from {centre}",
                d2(c, &centre)
            );
        }
        assert!(num(&g["spread_m"]) <= SENIOR_RADIUS_M);
    }
    // The two touch: some Riverside cell is next to (200 m from) some Hillfoot cell, so one
    // chain of cells within walking reach — split only by the township line.
    let touching = wc.iter().any(|a| nc.iter().any(|b| d2(a, b) == 1));
    assert!(
        touching,
        "the two seats gaps should meet at the township line"
    );
}

#[test]
fn a_small_remainder_is_folded_into_a_scattered_line() {
    let r = run(None);
    let cells = input_cells();
    let members = r.gap_cells("senior");
    let gaps = r.gaps("senior");
    let main = gaps
        .iter()
        .find(|g| g["kind"] == "seats" && g["township"] == RIVERSIDE && g["scattered"] == false)
        .unwrap();
    let line_id = format!("senior-scattered-{RIVERSIDE}-seats");
    let line = gaps.iter().find(|g| g["id"] == line_id.as_str()).unwrap();
    let rest = &members[&line_id];
    let hand: f64 = rest.iter().map(|c| num(&cells[c].0["pop_15_17"])).sum();
    assert_eq!(num(&line["children"]), hand);
    assert!(hand > 0.0 && hand < 10.0, "{hand}");
    assert_eq!(line["no_site"], "scattered");
    assert_eq!(line["best_site"], Value::Null);
    assert!(
        line["rank"].as_u64().unwrap()
            > gaps.iter().filter(|g| g["scattered"] == false).count() as u64
    );
    // Left over because they lie beyond 2 km of the main gap's centre (at best exactly on
    // the circle, 10 cells away, which the rounding of the corners can put a hair outside).
    let centre = text(&main["centre_cell"]);
    for c in rest {
        assert!(d2(c, &centre) >= 100, "{c}");
    }

    // Listed one by one when nothing is folded.
    let all = run(Some("[gaps]\nscattered_below = 0"));
    let listed = all.gap_cells("senior");
    let all_gaps = all.gaps("senior");
    let same: Vec<&Props> = all_gaps
        .iter()
        .filter(|g| g["scattered"] == false)
        .filter(|g| {
            let cs: BTreeSet<&String> = listed[&text(&g["id"])].iter().collect();
            rest.iter().all(|c| cs.contains(c))
        })
        .collect();
    assert_eq!(same.len(), 1, "the remainder is one gap of its own");
    assert_eq!(num(&same[0]["children"]), hand);
    assert!(all_gaps.iter().all(|g| g["scattered"] == false));

    // Everything folded at a high threshold: one line per township and kind at most.
    let folded = run(Some("[gaps]\nscattered_below = 100000"));
    let lines = folded.gaps("primary");
    assert!(lines.iter().all(|g| g["scattered"] == true));
    let keys: BTreeSet<(String, String)> = lines
        .iter()
        .map(|g| (text(&g["township"]), text(&g["kind"])))
        .collect();
    assert_eq!(keys.len(), lines.len());
}

/// The brute force of the rule (see `coverage::gaps`): O(n²) single linkage and a greedy that
/// recomputes every disc at every step.
mod brute {
    use super::*;
    use schoolplan::coverage::LevelCoverage;
    use schoolplan::model::Map;

    #[derive(Debug, PartialEq)]
    pub struct G {
        pub cells: Vec<usize>,
        pub centre: usize,
        pub kind: &'static str,
    }

    pub fn gaps(map: &Map, lc: &LevelCoverage) -> Vec<G> {
        let n = lc.demand.len();
        let kind = |i: usize| -> Option<&'static str> {
            if lc.demand[i] <= 0.0 {
                None
            } else if !lc.covered[i] {
                Some("distance")
            } else if lc.boarding[i] || lc.allocated[i].is_some() {
                None
            } else {
                Some("seats")
            }
        };
        type Unit = (Option<usize>, Option<usize>, usize, &'static str);
        let mut units: BTreeMap<Unit, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            if let Some(k) = kind(i) {
                let c = &map.demand.cells[i];
                units
                    .entry((c.county, c.township, lc.setting[i].index(), k))
                    .or_default()
                    .push(i);
            }
        }
        let dist = |a: usize, b: usize| {
            let (p, q) = (map.demand.cells[a].pos, map.demand.cells[b].pos);
            ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
        };
        let mut out = Vec::new();
        for ((_, _, s, k), m) in units {
            let r = if s == Setting::Rural.index() {
                lc.standards[s].radius
            } else {
                lc.radius
            };
            // Components by repeated flooding.
            let mut comp = vec![usize::MAX; m.len()];
            let mut pieces = Vec::new();
            for a in 0..m.len() {
                if comp[a] != usize::MAX {
                    continue;
                }
                let id = pieces.len();
                let mut stack = vec![a];
                comp[a] = id;
                let mut piece = Vec::new();
                while let Some(x) = stack.pop() {
                    piece.push(x);
                    for y in 0..m.len() {
                        if comp[y] == usize::MAX && dist(m[x], m[y]) <= r {
                            comp[y] = id;
                            stack.push(y);
                        }
                    }
                }
                piece.sort_unstable();
                pieces.push(piece);
            }
            for piece in pieces {
                let mut left: Vec<usize> = piece.clone();
                while !left.is_empty() {
                    let mut best: Option<(f64, usize)> = None;
                    for &a in &left {
                        let v: f64 = left
                            .iter()
                            .filter(|&&b| dist(m[a], m[b]) <= r)
                            .map(|&b| lc.demand[m[b]])
                            .sum();
                        if best.is_none_or(|(bv, _)| v > bv) {
                            best = Some((v, a));
                        }
                    }
                    let (_, a) = best.unwrap();
                    let taken: Vec<usize> = left
                        .iter()
                        .copied()
                        .filter(|&b| dist(m[a], m[b]) <= r)
                        .collect();
                    left.retain(|b| !taken.contains(b));
                    let mut cells: Vec<usize> = taken.iter().map(|&b| m[b]).collect();
                    cells.sort_unstable();
                    out.push(G {
                        cells,
                        centre: m[a],
                        kind: k,
                    });
                }
            }
        }
        out
    }
}

#[test]
fn gaps_match_a_brute_force_of_the_rule() {
    // Urban and rural standards (cells of the street township urban), integer children (no
    // projection factors), so the brute force's sums equal the library's exactly.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.toml");
    std::fs::write(
        &p,
        format!(
            "extends = {:?}\nname = \"demo-settings\"\n[settings]\nurban_township_kinds = [\"street\"]\n[levels.junior.settings.rural]\nboarding_radius_m = 2500\n",
            Path::new(ROOT).join("maps/demo/demo.toml").display()
        ),
    )
    .unwrap();
    let (scenario, map) = schoolplan::io::layers::load(&p).unwrap();
    let cov = schoolplan::coverage::compute(&map, &scenario).unwrap();
    let opts = schoolplan::coverage::gaps::GapOptions {
        scattered_below: 0.0,
        sites: true,
    };
    let got = schoolplan::coverage::gaps::compute_with(&map, &scenario, &cov, opts).unwrap();
    let mut rural_gaps = 0;
    let mut seats_gaps = 0;
    for lc in &cov.levels {
        let mut want = brute::gaps(&map, lc);
        want.sort_by_key(|g| g.cells.clone());
        let mut have: Vec<brute::G> = got
            .iter()
            .filter(|g| g.level == lc.level)
            .map(|g| brute::G {
                cells: {
                    let mut c = g.cells.clone();
                    c.sort_unstable();
                    c
                },
                centre: g.centre.unwrap(),
                kind: g.kind.name(),
            })
            .collect();
        have.sort_by_key(|g| g.cells.clone());
        assert_eq!(have, want, "{:?}", lc.level);
        rural_gaps += got
            .iter()
            .filter(|g| g.level == lc.level && g.setting == Some(Setting::Rural))
            .count();
        seats_gaps += have.iter().filter(|g| g.kind == "seats").count();
        // Nearest school with spare seats and best candidate, by brute force too.
        for g in got.iter().filter(|g| g.level == lc.level) {
            let d = |i: usize, p: Coord<f64>| {
                let q = map.demand.cells[i].pos;
                ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
            };
            let spare = (0..map.schools.len())
                .filter(|&j| map.schools[j].serves(lc.level))
                .filter(|&j| lc.school_seats[j].is_none_or(|s| s - lc.school_demand[j] >= 1.0))
                .flat_map(|j| g.cells.iter().map(move |&i| (j, i)))
                .map(|(j, i)| d(i, map.schools[j].pos))
                .fold(f64::INFINITY, f64::min);
            let got_d = g.nearest_spare.map_or(f64::INFINITY, |x| x.1);
            assert!((got_d - spare).abs() < 1e-9, "{}: {got_d} vs {spare}", g.id);
            if g.kind == schoolplan::coverage::gaps::GapKind::Distance {
                // Candidates allowing the level that no open school stands on (within 1 m).
                let free = |c: &&schoolplan::model::Candidate| {
                    map.schools
                        .iter()
                        .filter(|s| s.is_open())
                        .all(|s| (s.pos.x - c.pos.x).hypot(s.pos.y - c.pos.y) > 1.0)
                };
                let best = map
                    .candidates
                    .iter()
                    .filter(|c| c.allows(lc.level))
                    .filter(free)
                    .map(|c| {
                        g.cells
                            .iter()
                            .filter(|&&i| d(i, c.pos) <= lc.radius_at(i))
                            .map(|&i| lc.demand[i])
                            .sum::<f64>()
                    })
                    .fold(0.0, f64::max);
                let reached = g.site.as_ref().map_or(0.0, |s| s.children);
                assert_eq!(reached, best, "{}", g.id);
                assert_eq!(g.site.is_none(), best == 0.0, "{}", g.id);
            }
        }
    }
    assert!(rural_gaps > 0, "the scenario has rural gaps");
    assert!(seats_gaps > 0, "and seats gaps");
}

#[test]
fn network_distances_give_the_same_kind_of_answer() {
    // The road grid of the demo: costs along roads are never shorter than straight lines.
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_schoolplan"))
        .arg("run")
        .arg(Path::new(ROOT).join("maps/demo/demo-network.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/gaps.geojson")).unwrap(),
    )
    .unwrap();
    let gaps = features(&v);
    assert!(!gaps.is_empty());
    for g in &gaps {
        assert!(g["kind"] == "distance" || g["kind"] == "seats");
        assert!(
            g["best_site"].is_string() || g["no_site"].is_string(),
            "{}",
            g["id"]
        );
        assert!(num(&g["children"]) > 0.0);
    }
}
