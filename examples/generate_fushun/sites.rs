//! Candidate sites for new schools: most in the central city (drawn by population, spaced at
//! least 400 m apart and 150 m from schools, three in every new housing area), two around the
//! centre of every other township, and one at the real seat of every 镇 and 乡 that has one.

use super::input::{Inputs, Res};
use super::population::Population;
use super::schools::{dist, School};
use super::townships::Township;
use schoolplan_testkit::mapgen::Rng;

#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub at: (f64, f64),
    pub levels: Vec<&'static str>,
    /// 万元.
    pub cost: f64,
    pub max_classes: u32,
    /// Code of the township whose real seat (乡镇政府驻地) the site stands on.
    pub seat_of: Option<String>,
}

const URBAN_LEVELS: [&[&str]; 8] = [
    &["kindergarten"],
    &["kindergarten"],
    &["kindergarten", "primary"],
    &["primary"],
    &["primary", "junior"],
    &["primary", "junior", "nine_year"],
    &["junior"],
    &["junior", "senior"],
];
const RURAL_LEVELS: [&[&str]; 3] = [
    &["kindergarten"],
    &["kindergarten", "primary"],
    &["primary", "junior", "nine_year"],
];

fn sized(levels: &[&'static str], urban: bool, rng: &mut Rng) -> (u32, f64) {
    let max_classes = if levels.contains(&"senior") {
        rng.int(36, 48)
    } else if levels.contains(&"junior") {
        rng.int(18, 36)
    } else if levels.contains(&"primary") {
        rng.int(12, 36)
    } else {
        rng.int(6, 12)
    } as u32;
    // Construction about 120–180 万元 a class (kindergarten 90–130), land on top in the city.
    let per_class = if levels == ["kindergarten"] {
        rng.range(90.0, 130.0)
    } else {
        rng.range(120.0, 180.0)
    };
    let land = if urban {
        rng.range(1.2, 1.8)
    } else {
        rng.range(0.8, 1.1)
    };
    (
        max_classes,
        (max_classes as f64 * per_class * land / 10.0).round() * 10.0,
    )
}

pub fn build(
    seed: u64,
    inp: &Inputs,
    ts: &[Township],
    pop: &Population,
    schools: &[School],
) -> Res<Vec<Candidate>> {
    let mut rng = Rng::stream(seed, "candidates");
    let mut out: Vec<Candidate> = Vec::new();
    let ok = |p: (f64, f64), out: &[Candidate], spacing: f64| {
        out.iter().all(|c| dist(c.at, p) >= spacing)
            && schools.iter().all(|s| dist(s.at, p) >= 150.0)
    };
    // New housing areas: three sites each.
    for &(h, _) in &pop.new_housing {
        let mut placed = 0;
        for _ in 0..200 {
            if placed == 3 {
                break;
            }
            let p = (
                h.0 + rng.range(-700.0, 700.0),
                h.1 + rng.range(-700.0, 700.0),
            );
            if ok(p, &out, 300.0) {
                let levels = [
                    &["kindergarten"][..],
                    &["kindergarten", "primary"],
                    &["primary", "junior", "nine_year"],
                ][placed];
                let (m, c) = sized(levels, true, &mut rng);
                out.push(Candidate {
                    id: String::new(),
                    name: String::new(),
                    at: p,
                    levels: levels.to_vec(),
                    cost: c,
                    max_classes: m,
                    seat_of: None,
                });
                placed += 1;
            }
        }
    }
    // Central city: cells drawn by population.
    let cells: Vec<usize> = (0..pop.cells.len())
        .filter(|&i| {
            inp.counties[pop.cells[i].county].is_central()
                && pop.cells[i].size < 500.0
                && pop.cells[i].pop > 0
        })
        .collect();
    let total: f64 = cells.iter().map(|&i| pop.cells[i].pop as f64).sum();
    let mut tries = 0;
    while out.len() < 230 && tries < 20_000 {
        tries += 1;
        let mut r = rng.unit() * total;
        let mut pick = cells[cells.len() - 1];
        for &i in &cells {
            r -= pop.cells[i].pop as f64;
            if r < 0.0 {
                pick = i;
                break;
            }
        }
        let c = &pop.cells[pick];
        let p = (
            c.centre.0 + rng.range(-100.0, 100.0),
            c.centre.1 + rng.range(-100.0, 100.0),
        );
        if ok(p, &out, 400.0) {
            let levels = URBAN_LEVELS[rng.below(URBAN_LEVELS.len())];
            let (m, cost) = sized(levels, true, &mut rng);
            out.push(Candidate {
                id: String::new(),
                name: String::new(),
                at: p,
                levels: levels.to_vec(),
                cost,
                max_classes: m,
                seat_of: None,
            });
        }
    }
    // Every other township: two sites within 1.5 km of its centre.
    for t in ts {
        if inp.counties[t.county].is_central() && t.kind == "street" {
            continue;
        }
        let mut placed = 0;
        for _ in 0..200 {
            if placed == 2 {
                break;
            }
            let p = (
                t.centre.0 + rng.range(-1500.0, 1500.0),
                t.centre.1 + rng.range(-1500.0, 1500.0),
            );
            use geo::Contains;
            if t.poly.contains(&geo::Point::new(p.0, p.1)) && ok(p, &out, 300.0) {
                let levels = RURAL_LEVELS[(placed + rng.below(2)) % RURAL_LEVELS.len()];
                let (m, cost) = sized(levels, false, &mut rng);
                out.push(Candidate {
                    id: String::new(),
                    name: String::new(),
                    at: p,
                    levels: levels.to_vec(),
                    cost,
                    max_classes: m,
                    seat_of: None,
                });
                placed += 1;
            }
        }
    }
    for (i, c) in out.iter_mut().enumerate() {
        c.id = format!("cand-{:04}", i + 1);
        c.name = format!("候选地块 {} (synthetic)", i + 1);
    }
    // One site at the real seat (乡镇政府驻地) of every 镇 and 乡 whose seat is known and lies in
    // its own unit (centre source `seat`): where a township's central kindergarten or school
    // would be built. The point is real, the site (levels, size, cost) synthetic. Drawn from its
    // own stream and numbered after the others, so the sites above are unchanged.
    let mut rng = Rng::stream(seed, "seat-candidates");
    for t in ts
        .iter()
        .filter(|t| t.is_rural() && t.centre_source == "seat")
    {
        let levels = RURAL_LEVELS[1];
        let (m, cost) = sized(levels, false, &mut rng);
        out.push(Candidate {
            id: format!("cand-{:04}", out.len() + 1),
            name: format!("{}驻地候选地块 (real seat, synthetic site)", t.name),
            at: t.centre,
            levels: levels.to_vec(),
            cost,
            max_classes: m,
            seat_of: Some(t.code.clone()),
        });
    }
    Ok(out)
}
