//! Synthetic population grid calibrated to the 2020 census.
//!
//! A 1 km grid (aligned in the local projection) covers the city; 1 km blocks near an urban
//! kernel are split into 16 cells of 250 m. Each county's census population is split into an
//! urban part (`urban_share`) spread by Gaussian kernels around the urban centres (the 街道
//! centres of the central city; 石文镇 and the 镇 seats of 抚顺县; the county towns 新宾镇 and
//! 清原镇 and the other 镇 seats), plus fixed "new housing areas", and a rural part that lives
//! where rural Liaoning lives: in the township seat (镇区 / 乡政府驻地) and in villages strung
//! along **valleys** — meandering lines from the seat to the township's edge, with side
//! valleys — and along the valley floor between them, the mountain in between empty
//! ([`valleys`]). Each kernel's mass is integrated over the cell exactly (a Gaussian's box
//! integral), so a village between two cells is not lost. Weights get log-normal noise;
//! integer counts are allocated by largest remainder so each county total equals the census
//! exactly. Cohorts follow each county's census age shares, allocated the same way (so county
//! cohort totals are exact too), with more young children in the new housing areas.

use geo::{BoundingRect, Contains, Coord, Point};

use super::input::{Inputs, Res};
use super::townships::{self, Township};
use schoolplan_testkit::mapgen::Rng;

/// A population cell in local metres.
#[derive(Debug, Clone)]
pub struct Cell {
    pub id: String,
    /// Lower-left corner, metres.
    pub x0: f64,
    pub y0: f64,
    pub size: f64,
    pub centre: (f64, f64),
    pub county: usize,
    pub township: Option<usize>,
    pub pop: i64,
    /// 3–5, 6–11, 12–14, 15–17.
    pub cohorts: [i64; 4],
    /// Index into [`NEW_HOUSING`] when the cell lies in a new housing area.
    pub new_housing: Option<usize>,
}

/// A village (rural kernel) in metres.
#[derive(Debug, Clone)]
pub struct Village {
    pub at: (f64, f64),
    pub township: usize,
    pub mass: f64,
}

/// A valley: a polyline in metres running out from a township seat.
#[derive(Debug, Clone)]
pub struct Valley {
    pub township: usize,
    pub points: Vec<(f64, f64)>,
}

pub struct Population {
    pub cells: Vec<Cell>,
    pub villages: Vec<Village>,
    pub valleys: Vec<Valley>,
    /// New housing area centres in metres, with their county.
    pub new_housing: Vec<((f64, f64), usize)>,
}

/// New housing areas (synthetic): name, WGS 84 centre, radius (m) and residents.
pub const NEW_HOUSING: [(&str, f64, f64, f64, i64); 5] = [
    ("李石新城 (synthetic)", 123.695, 41.830, 700.0, 14_000),
    ("顺城北部新区 (synthetic)", 123.905, 41.905, 700.0, 16_000),
    ("东洲东部新区 (synthetic)", 124.045, 41.838, 600.0, 9_000),
    ("新抚南部新区 (synthetic)", 123.905, 41.838, 600.0, 10_000),
    ("新宾镇东部新区 (synthetic)", 125.055, 41.740, 500.0, 5_000),
];

const BLOCK: f64 = 1000.0;
const SUB: usize = 4; // 4 × 4 cells of 250 m in urban blocks

/// An urban kernel: centre, sigma (m), mass (relative weight within its county).
struct Kernel {
    at: (f64, f64),
    sigma: f64,
    mass: f64,
    county: usize,
}

/// Share of a town's residents that lives above the urban density (the scenarios' rule): a
/// county town or 镇 seat is as compact as a Chinese town is, so that the cells the setting
/// rule calls urban hold the census's urban population.
const URBAN_MASS_ABOVE: f64 = 0.95;
/// Residents per m² from which a cell counts as urban (1,500 per km²).
const URBAN_DENSITY_M2: f64 = 1500.0 / 1e6;

fn urban_kernels(inp: &Inputs, ts: &[Township], rng: &mut Rng) -> Vec<Kernel> {
    let mut ks = Vec::new();
    for t in ts {
        let c = &inp.counties[t.county];
        let (sigma, mass) = if c.is_central() {
            match t.kind {
                "street" => (rng.range(800.0, 1100.0), rng.range(0.7, 1.3)),
                _ => continue,
            }
        } else {
            match (t.name.as_str(), t.kind) {
                ("新宾镇", _) | ("清原镇", _) => (0.0, 7.0),
                ("石文镇", _) => (0.0, 3.0),
                ("南杂木镇", _) | ("南口前镇", _) | ("红透山镇", _) => (0.0, 1.5),
                (_, "town") => (0.0, rng.range(0.6, 1.2)),
                (_, _) if c.code == "210421" => (0.0, 0.4),
                _ => continue,
            }
        };
        ks.push(Kernel {
            at: t.centre,
            sigma,
            mass,
            county: t.county,
        });
    }
    // Towns of the three counties: σ from the residents, so that URBAN_MASS_ABOVE of them live
    // above the urban density: for a Gaussian of M residents the share above density D is
    // 1 − 2πσ²D / M, so σ² = (1 − share) M / (2πD).
    for (ci, c) in inp.counties.iter().enumerate() {
        if c.is_central() {
            continue;
        }
        let people: i64 = NEW_HOUSING
            .iter()
            .filter(|h| {
                let at = inp.proj.to_local(h.1, h.2).expect("projects");
                c.poly.contains(&Point::new(at.0, at.1))
            })
            .map(|h| h.4)
            .sum();
        let urban = c.pop as f64 * c.urban_share - people as f64;
        let total: f64 = ks.iter().filter(|k| k.county == ci).map(|k| k.mass).sum();
        for k in ks.iter_mut().filter(|k| k.county == ci) {
            let m = urban * k.mass / total;
            let s2 = (1.0 - URBAN_MASS_ABOVE) * m / (2.0 * std::f64::consts::PI * URBAN_DENSITY_M2);
            k.sigma = s2.sqrt().max(120.0);
        }
    }
    ks
}

/// Walks a valley from `from` with `heading` (radians) in steps of `STEP` metres, turning a
/// little at each step, until `length` or until it has left the township for good.
fn walk(
    t: &Township,
    from: (f64, f64),
    heading: f64,
    length: f64,
    rng: &mut Rng,
) -> Vec<(f64, f64)> {
    const STEP: f64 = 400.0;
    let mut pts = vec![from];
    let (mut p, mut h, mut outside) = (from, heading, 0);
    while (pts.len() as f64) * STEP < length {
        h += 0.22 * rng.normal();
        p = (p.0 + STEP * h.cos(), p.1 + STEP * h.sin());
        if t.poly.contains(&Point::new(p.0, p.1)) {
            outside = 0;
            pts.push(p);
        } else {
            outside += 1;
            if outside >= 2 {
                break;
            }
            // Turn back towards the seat half-way.
            h = (from.1 - p.1).atan2(from.0 - p.0) * 0.5 + h * 0.5;
        }
    }
    pts
}

/// The valleys of every township with rural population (镇, 乡, and 街道 larger than 15 km²)
/// and the villages (自然村) along them: 2–6 valleys radiating from the seat (one more per
/// 50 km²), each 1–1.8 equivalent radii long, meandering; a side valley branches off half of
/// them. Villages sit every 1.2–2.5 km along a valley, larger near its mouth; the seat is the
/// largest settlement of a 乡 (a 镇's seat is its urban kernel).
fn valleys(ts: &[Township], rng: &mut Rng) -> (Vec<Valley>, Vec<Village>) {
    let mut vs = Vec::new();
    let mut villages = Vec::new();
    for (i, t) in ts.iter().enumerate() {
        let area = t.area_km2();
        if !t.is_rural() && area <= 15.0 {
            continue;
        }
        let r_eq = (area * 1e6 / std::f64::consts::PI).sqrt();
        let n = if t.is_rural() {
            ((area / 50.0).round() as usize + 1).clamp(2, 6)
        } else {
            1
        };
        if t.is_rural() {
            villages.push(Village {
                at: t.centre,
                township: i,
                mass: if t.kind == "township" { 8.0 } else { 3.0 },
            });
        }
        let base = rng.range(0.0, 2.0 * std::f64::consts::PI);
        let mut lines = Vec::new();
        for k in 0..n {
            let heading =
                base + k as f64 * 2.0 * std::f64::consts::PI / n as f64 + rng.range(-0.4, 0.4);
            let main = walk(t, t.centre, heading, r_eq * rng.range(1.0, 1.8), rng);
            if main.len() >= 4 && rng.chance(0.5) {
                let at = main[rng.int(1, main.len() as i64 - 2) as usize];
                let side = heading + if rng.chance(0.5) { 1.0 } else { -1.0 } * rng.range(0.8, 1.3);
                lines.push(walk(t, at, side, r_eq * rng.range(0.4, 0.8), rng));
            }
            lines.push(main);
        }
        for pts in lines {
            // Villages along the valley, by distance from its start.
            let total: f64 = pts.windows(2).map(|w| dist(w[0], w[1])).sum();
            let mut next = rng.range(1200.0, 2500.0);
            let mut walked = 0.0;
            for w in pts.windows(2) {
                let seg = dist(w[0], w[1]);
                while walked + seg >= next {
                    let f = (next - walked) / seg;
                    let at = (
                        w[0].0 + f * (w[1].0 - w[0].0),
                        w[0].1 + f * (w[1].1 - w[0].1),
                    );
                    let mouth = 1.3 - 0.7 * (next / total.max(1.0)).min(1.0);
                    villages.push(Village {
                        at,
                        township: i,
                        mass: mouth * (0.6 * rng.normal()).exp(),
                    });
                    next += rng.range(1200.0, 2500.0);
                }
                walked += seg;
            }
            vs.push(Valley {
                township: i,
                points: pts,
            });
        }
    }
    (vs, villages)
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The error function (Abramowitz & Stegun 7.1.26; |error| < 1.5e-7).
fn erf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    if x >= 0.0 {
        y
    } else {
        -y
    }
}

/// Share of an isotropic Gaussian (centre `at`, `sigma`) inside the square cell.
fn gaussian_in_cell(cell: &Cell, at: (f64, f64), sigma: f64) -> f64 {
    let (cx, cy) = cell.centre;
    if (cx - at.0).abs() > cell.size + 5.0 * sigma || (cy - at.1).abs() > cell.size + 5.0 * sigma {
        return 0.0;
    }
    let s = sigma * std::f64::consts::SQRT_2;
    let axis = |lo: f64, hi: f64, m: f64| 0.5 * (erf((hi - m) / s) - erf((lo - m) / s));
    axis(cell.x0, cell.x0 + cell.size, at.0) * axis(cell.y0, cell.y0 + cell.size, at.1)
}

/// The rural kernels of a county: villages (σ 300 m; the 乡 seat σ 500 m) and the valley
/// floor (farmsteads every 400 m along a valley, σ 250 m, a small mass each).
fn rural_kernels(
    ts: &[Township],
    vills: &[Village],
    valleys: &[Valley],
    county: usize,
) -> Vec<((f64, f64), f64, f64)> {
    let mut ks = Vec::new();
    for v in vills.iter().filter(|v| ts[v.township].county == county) {
        let seat = v.at == ts[v.township].centre;
        ks.push((v.at, if seat { 500.0 } else { 300.0 }, v.mass));
    }
    for va in valleys.iter().filter(|v| ts[v.township].county == county) {
        for p in &va.points {
            ks.push((*p, 250.0, 0.08));
        }
    }
    ks
}

/// Largest-remainder allocation of `total` over `weights` (ties by index).
pub fn allocate(total: i64, weights: &[f64]) -> Vec<i64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<i64> = exact.iter().map(|e| e.floor() as i64).collect();
    let left = total - out.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().take(left.max(0) as usize) {
        out[i] += 1;
    }
    out
}

pub fn build(seed: u64, inp: &Inputs, ts: &[Township]) -> Res<Population> {
    let mut rng = Rng::stream(seed, "population.kernels");
    let kernels = urban_kernels(inp, ts, &mut rng);
    let mut valley_rng = Rng::stream(seed, "population.valleys");
    let (valley_lines, vills) = valleys(ts, &mut valley_rng);
    let new_housing: Vec<((f64, f64), usize, f64, i64)> = NEW_HOUSING
        .iter()
        .map(|&(name, lon, lat, r, people)| {
            let at = inp.proj.to_local(lon, lat).expect("projects");
            let county = inp
                .counties
                .iter()
                .position(|c| c.poly.contains(&Point::new(at.0, at.1)))
                .unwrap_or_else(|| panic!("new housing area {name} lies outside every county"));
            (at, county, r, people)
        })
        .collect();

    // The grid.
    let mut bb = inp.counties[0].poly.bounding_rect().ok_or("bbox")?;
    for c in &inp.counties[1..] {
        let r = c.poly.bounding_rect().ok_or("bbox")?;
        bb = geo::Rect::new(
            Coord {
                x: bb.min().x.min(r.min().x),
                y: bb.min().y.min(r.min().y),
            },
            Coord {
                x: bb.max().x.max(r.max().x),
                y: bb.max().y.max(r.max().y),
            },
        );
    }
    let (gx0, gy0) = (
        (bb.min().x / BLOCK).floor() * BLOCK,
        (bb.min().y / BLOCK).floor() * BLOCK,
    );
    let (nx, ny) = (
        ((bb.max().x - gx0) / BLOCK).ceil() as usize,
        ((bb.max().y - gy0) / BLOCK).ceil() as usize,
    );
    let county_bbs: Vec<geo::Rect<f64>> = inp
        .counties
        .iter()
        .map(|c| c.poly.bounding_rect().unwrap())
        .collect();
    let locate_county = |p: (f64, f64)| -> Option<usize> {
        (0..inp.counties.len()).find(|&i| {
            let r = county_bbs[i];
            p.0 >= r.min().x
                && p.0 <= r.max().x
                && p.1 >= r.min().y
                && p.1 <= r.max().y
                && inp.counties[i].poly.contains(&Point::new(p.0, p.1))
        })
    };
    let is_urban_block = |c: (f64, f64)| {
        kernels.iter().any(|k| {
            ((c.0 - k.at.0).powi(2) + (c.1 - k.at.1).powi(2)).sqrt() < 2.2 * k.sigma + 500.0
        }) || new_housing
            .iter()
            .any(|h| ((c.0 - h.0 .0).powi(2) + (c.1 - h.0 .1).powi(2)).sqrt() < h.2 + 1200.0)
    };
    let mut cells = Vec::new();
    for row in 0..ny {
        for col in 0..nx {
            let (bx, by) = (gx0 + col as f64 * BLOCK, gy0 + row as f64 * BLOCK);
            let bc = (bx + BLOCK / 2.0, by + BLOCK / 2.0);
            let subs: Vec<(String, f64, f64, f64)> = if is_urban_block(bc) {
                let s = BLOCK / SUB as f64;
                (0..SUB * SUB)
                    .map(|k| {
                        (
                            format!("r{row:03}c{col:03}-{}{}", k / SUB, k % SUB),
                            bx + (k % SUB) as f64 * s,
                            by + (k / SUB) as f64 * s,
                            s,
                        )
                    })
                    .collect()
            } else {
                vec![(format!("r{row:03}c{col:03}"), bx, by, BLOCK)]
            };
            for (id, x0, y0, size) in subs {
                let centre = (x0 + size / 2.0, y0 + size / 2.0);
                let Some(county) = locate_county(centre) else {
                    continue;
                };
                let township = townships::locate(
                    ts,
                    county,
                    Coord {
                        x: centre.0,
                        y: centre.1,
                    },
                );
                let new_h = new_housing.iter().position(|h| {
                    h.1 == county
                        && ((centre.0 - h.0 .0).powi(2) + (centre.1 - h.0 .1).powi(2)).sqrt() <= h.2
                });
                cells.push(Cell {
                    id,
                    x0,
                    y0,
                    size,
                    centre,
                    county,
                    township,
                    pop: 0,
                    cohorts: [0; 4],
                    new_housing: new_h,
                });
            }
        }
    }

    // Weights and allocation, county by county.
    let mut noise_rng = Rng::stream(seed, "population.noise");
    let noise: Vec<f64> = cells
        .iter()
        .map(|_| (0.3 * noise_rng.normal()).exp())
        .collect();
    let mut cohort_rng = Rng::stream(seed, "population.cohorts");
    let cohort_noise: Vec<[f64; 4]> = cells
        .iter()
        .map(|_| {
            let mut a = [0.0; 4];
            for v in a.iter_mut() {
                *v = (0.15 * cohort_rng.normal()).exp();
            }
            a
        })
        .collect();
    for (ci, county) in inp.counties.iter().enumerate() {
        let idx: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].county == ci)
            .collect();
        let nh: Vec<usize> = (0..new_housing.len())
            .filter(|&h| new_housing[h].1 == ci)
            .collect();
        let nh_people: i64 = nh.iter().map(|&h| new_housing[h].3).sum();
        let urban_total = (county.pop as f64 * county.urban_share).round() as i64 - nh_people;
        let rural_total = county.pop - urban_total - nh_people;
        let wu: Vec<f64> = idx
            .iter()
            .map(|&i| {
                let m: f64 = kernels
                    .iter()
                    .filter(|k| k.county == ci)
                    .map(|k| k.mass * gaussian_in_cell(&cells[i], k.at, k.sigma))
                    .sum();
                m * noise[i]
            })
            .collect();
        let rk = rural_kernels(ts, &vills, &valley_lines, ci);
        let wr: Vec<f64> = idx
            .iter()
            .map(|&i| {
                let m: f64 = rk
                    .iter()
                    .map(|&(at, sigma, mass)| mass * gaussian_in_cell(&cells[i], at, sigma))
                    .sum();
                m * noise[i]
            })
            .collect();
        let su: f64 = wu.iter().sum();
        let sr: f64 = wr.iter().sum();
        let mut w: Vec<f64> = (0..idx.len())
            .map(|k| urban_total as f64 * wu[k] / su + rural_total as f64 * wr[k] / sr)
            .collect();
        for &h in &nh {
            let members: Vec<usize> = (0..idx.len())
                .filter(|&k| cells[idx[k]].new_housing == Some(h))
                .collect();
            for &k in &members {
                w[k] += new_housing[h].3 as f64 / members.len() as f64 * noise[idx[k]].sqrt();
            }
        }
        let pops = allocate(county.pop, &w);
        for (k, &i) in idx.iter().enumerate() {
            cells[i].pop = pops[k];
        }
        // Cohorts.
        for (q, share) in county.shares.iter().enumerate() {
            let total = (county.pop as f64 * share).round() as i64;
            let young = [1.7, 1.35, 1.0, 0.9][q];
            let wq: Vec<f64> = idx
                .iter()
                .map(|&i| {
                    let boost = if cells[i].new_housing.is_some() {
                        young
                    } else {
                        1.0
                    };
                    cells[i].pop as f64 * boost * cohort_noise[i][q]
                })
                .collect();
            let got = allocate(total, &wq);
            for (k, &i) in idx.iter().enumerate() {
                cells[i].cohorts[q] = got[k];
            }
        }
    }
    Ok(Population {
        cells,
        villages: vills,
        valleys: valley_lines,
        new_housing: new_housing.iter().map(|h| (h.0, h.1)).collect(),
    })
}
