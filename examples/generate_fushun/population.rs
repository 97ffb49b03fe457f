//! Synthetic population grid calibrated to the 2020 census.
//!
//! A 1 km grid (aligned in the local projection) covers the city; 1 km blocks near an urban
//! kernel are split into 16 cells of 250 m. Each county's census population is split into an
//! urban part (`urban_share`) spread by Gaussian kernels around the urban centres (the 街道
//! centres of the central city; 石文镇 and the 镇 seats of 抚顺县; the county towns 新宾镇 and
//! 清原镇 and the other 镇 seats), plus fixed "new housing areas", and a rural part spread by
//! Gaussian kernels around villages scattered in every township (the rural seat being the
//! biggest village). Weights get log-normal noise; integer counts are allocated by largest
//! remainder so each county total equals the census exactly. Cohorts follow each county's
//! census age shares, allocated the same way (so county cohort totals are exact too), with
//! more young children in the new housing areas.

use geo::{BoundingRect, Contains, Coord, Point};

use super::common::Rng;
use super::input::{Inputs, Res};
use super::townships::{self, Township};

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

pub struct Population {
    pub cells: Vec<Cell>,
    pub villages: Vec<Village>,
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
                ("新宾镇", _) | ("清原镇", _) => (1100.0, 7.0),
                ("石文镇", _) => (800.0, 3.0),
                ("南杂木镇", _) | ("南口前镇", _) | ("红透山镇", _) => (600.0, 1.5),
                (_, "town") => (500.0, rng.range(0.6, 1.2)),
                (_, _) if c.code == "210421" => (400.0, 0.4),
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
    ks
}

fn gaussian_density(p: (f64, f64), at: (f64, f64), sigma: f64, mass: f64) -> f64 {
    let d2 = (p.0 - at.0).powi(2) + (p.1 - at.1).powi(2);
    let s2 = sigma * sigma;
    if d2 > 16.0 * s2 {
        0.0
    } else {
        mass / (2.0 * std::f64::consts::PI * s2) * (-d2 / (2.0 * s2)).exp()
    }
}

/// A uniformly random point inside a township (rejection sampling).
pub fn random_point_in(t: &Township, rng: &mut Rng) -> Option<(f64, f64)> {
    let r = t.poly.bounding_rect()?;
    for _ in 0..200 {
        let p = (
            rng.range(r.min().x, r.max().x),
            rng.range(r.min().y, r.max().y),
        );
        if t.poly.contains(&Point::new(p.0, p.1)) {
            return Some(p);
        }
    }
    None
}

fn villages(ts: &[Township], rng: &mut Rng) -> Vec<Village> {
    let mut vs = Vec::new();
    for (i, t) in ts.iter().enumerate() {
        let area = t.area_km2();
        let n = if t.is_rural() {
            ((area / 9.0).round() as usize).max(3)
        } else if area > 15.0 {
            ((area - 10.0) / 12.0).round() as usize
        } else {
            0
        };
        if t.is_rural() {
            vs.push(Village {
                at: t.centre,
                township: i,
                mass: 5.0,
            });
        }
        for _ in 0..n {
            if let Some(p) = random_point_in(t, rng) {
                vs.push(Village {
                    at: p,
                    township: i,
                    mass: (0.7 * rng.normal()).exp(),
                });
            }
        }
    }
    vs
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
    let vills = villages(ts, &mut rng);
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
        let area = |i: usize| cells[i].size * cells[i].size;
        let wu: Vec<f64> = idx
            .iter()
            .map(|&i| {
                let c = cells[i].centre;
                let d: f64 = kernels
                    .iter()
                    .filter(|k| k.county == ci)
                    .map(|k| gaussian_density(c, k.at, k.sigma, k.mass))
                    .sum();
                d * area(i) * noise[i]
            })
            .collect();
        let wr: Vec<f64> = idx
            .iter()
            .map(|&i| {
                let c = cells[i].centre;
                let d: f64 = vills
                    .iter()
                    .filter(|v| ts[v.township].county == ci)
                    .map(|v| gaussian_density(c, v.at, 450.0, v.mass))
                    .sum();
                d * area(i) * noise[i]
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
        new_housing: new_housing.iter().map(|h| (h.0, h.1)).collect(),
    })
}
