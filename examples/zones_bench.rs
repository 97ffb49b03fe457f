//! Attendance-zone benchmark: 1 M cells × 2,000 schools in 20 counties, exact min-cost
//! assignment (`schoolplan::zones::assign`).
//!
//! ```text
//! cargo run --release --example zones_bench -- [--cells 1000000] [--schools 2000]
//!     [--counties 20] [--k 16] [--seats 1.0] [--seed 42] [--check]
//! ```
//!
//! The area is 200 × 100 km split into a grid of counties. Population: a few hundred Gaussian
//! towns over a thin rural background, one cell per point. Schools are drawn where the pupils
//! are, their seats the pupils of their Voronoi cell times `--seats` × a factor drawn in
//! [0.6, 1.4], so that many schools are over- and under-subscribed and pupils must be moved.
//! `--check` repeats the solve with full lists (every school of the county) on a 5 % subset,
//! to compare costs.

use std::time::Instant;

use schoolplan::rng::SplitMix;
use schoolplan::zones::{assign, ZoneCosts, ZoneInput};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str, default: &str| -> String {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
            .unwrap_or_else(|| default.to_string())
    };
    let n: usize = get("--cells", "1000000").parse().expect("--cells");
    let m: usize = get("--schools", "2000").parse().expect("--schools");
    let counties: usize = get("--counties", "20").parse().expect("--counties");
    let k: usize = get("--k", "16").parse().expect("--k");
    let seat_factor: f64 = get("--seats", "1.0").parse().expect("--seats");
    let seed: u64 = get("--seed", "42").parse().expect("--seed");
    let check = args.iter().any(|a| a == "--check");

    let t = Instant::now();
    let data = generate(n, m, counties, seat_factor, seed);
    let gen_s = t.elapsed().as_secs_f64();
    let populated = vec![true; n];
    let serving = vec![true; m];
    let input = ZoneInput {
        cells: &data.cells,
        cell_county: &data.cell_county,
        demand: &data.demand,
        populated: &populated,
        schools: &data.schools,
        serving: &serving,
        school_county: &data.school_county,
        seats: &data.seats,
        counties,
        costs: ZoneCosts::Straight {
            metres_per_unit: 1.0,
        },
        cost_resolution: 100.0,
        k,
        multiscale_from: schoolplan::zones::MULTISCALE_FROM,
    };
    let t = Instant::now();
    let z = assign(&input);
    let solve_s = t.elapsed().as_secs_f64();
    let demand: f64 = data.demand.iter().sum();
    let seats: f64 = data.seats.iter().flatten().sum();
    let moved: f64 = (0..n)
        .map(|i| {
            z.flows[i]
                .iter()
                .filter(|f| Some(f.0) != data.nearest[i])
                .map(|f| f.1)
                .sum::<f64>()
        })
        .sum();
    let cost: f64 = (0..n)
        .map(|i| {
            z.flows[i]
                .iter()
                .map(|&(j, x)| x * dist(data.cells[i], data.schools[j]))
                .sum::<f64>()
        })
        .sum();
    println!("threads: {}; seed {seed}", rayon::current_num_threads());
    println!("| cells | schools | counties | k | generate s | assign s | pupils | seats | moved from nearest | shortfall | over seats | split cells | problems | augmentations | settled | warm-up augmentations / settled | arcs | priced exactly | widened | mean km |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| {n} | {m} | {counties} | {k} | {gen_s:.2} | {solve_s:.2} | {demand:.0} | {seats:.0} | {moved:.0} | {:.1} | {:.1} | {} | {} | {} | {} | {} / {} | {} | {} | {} | {:.3} |",
        z.total_shortfall(),
        z.total_over_seats(),
        z.stats.split_cells,
        z.stats.problems,
        z.stats.augmentations,
        z.stats.settled,
        z.stats.warm_augmentations,
        z.stats.warm_settled,
        z.stats.arcs,
        z.stats.priced_exactly,
        z.stats.widened,
        cost / demand / 1000.0
    );
    if check {
        // Full lists on the cells of the first county only.
        let keep: Vec<usize> = (0..n).filter(|&i| data.cell_county[i] == Some(0)).collect();
        let sub = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        let cells: Vec<[f64; 2]> = keep.iter().map(|&i| data.cells[i]).collect();
        let cc: Vec<Option<usize>> = keep.iter().map(|&i| data.cell_county[i]).collect();
        let demand = sub(&data.demand);
        let pop = vec![true; keep.len()];
        let mut a = input;
        a.cells = &cells;
        a.cell_county = &cc;
        a.demand = &demand;
        a.populated = &pop;
        let short = assign(&a);
        a.k = m;
        let t = Instant::now();
        let long = assign(&a);
        let cost = |z: &schoolplan::zones::LevelZones| -> f64 {
            (0..cells.len())
                .map(|i| {
                    z.flows[i]
                        .iter()
                        .map(|&(j, x)| x * (dist(cells[i], data.schools[j]) * 100.0).round())
                        .sum::<f64>()
                })
                .sum()
        };
        println!(
            "check (county 0, {} cells): k = {k} cost {:.0} cm·pupils, full lists {:.0} ({:.2} s); equal: {}",
            cells.len(),
            cost(&short),
            cost(&long),
            t.elapsed().as_secs_f64(),
            (cost(&short) - cost(&long)).abs() < 1.0
        );
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

struct Data {
    cells: Vec<[f64; 2]>,
    cell_county: Vec<Option<usize>>,
    demand: Vec<f64>,
    schools: Vec<[f64; 2]>,
    school_county: Vec<Option<usize>>,
    seats: Vec<Option<f64>>,
    nearest: Vec<Option<usize>>,
}

fn generate(n: usize, m: usize, counties: usize, seat_factor: f64, seed: u64) -> Data {
    let mut rng = SplitMix::seeded(seed);
    let (w, h) = (200_000.0, 100_000.0);
    let cols = (counties as f64 * 2.0).sqrt().ceil() as usize;
    let rows = counties.div_ceil(cols);
    let county_of = |p: [f64; 2]| -> usize {
        let cx = ((p[0] / w * cols as f64) as usize).min(cols - 1);
        let cy = ((p[1] / h * rows as f64) as usize).min(rows - 1);
        (cy * cols + cx).min(counties - 1)
    };
    let towns: Vec<([f64; 2], f64)> = (0..300)
        .map(|_| {
            (
                [rng.unit() * w, rng.unit() * h],
                500.0 + rng.unit() * 3000.0,
            )
        })
        .collect();
    let mut cells = Vec::with_capacity(n);
    for _ in 0..n {
        let p = if rng.unit() < 0.8 {
            let (c, s) = towns[rng.below(towns.len())];
            [
                (c[0] + rng.normalish(s)).clamp(0.0, w),
                (c[1] + rng.normalish(s)).clamp(0.0, h),
            ]
        } else {
            [rng.unit() * w, rng.unit() * h]
        };
        cells.push(p);
    }
    let demand: Vec<f64> = (0..n)
        .map(|_| (rng.unit() * 2.0 * 1000.0).round() / 1000.0)
        .collect();
    // Schools at random cells (where the pupils are), at least one per county.
    let mut schools: Vec<[f64; 2]> = (0..counties)
        .map(|c| {
            let (cx, cy) = (c % cols, c / cols);
            [
                (cx as f64 + 0.5) * w / cols as f64,
                (cy as f64 + 0.5) * h / rows as f64,
            ]
        })
        .collect();
    while schools.len() < m {
        schools.push(cells[rng.below(n)]);
    }
    let cell_county: Vec<Option<usize>> = cells.iter().map(|&p| Some(county_of(p))).collect();
    let school_county: Vec<Option<usize>> = schools.iter().map(|&p| Some(county_of(p))).collect();
    // Nearest school of the county → seats.
    let mut nearest = vec![None; n];
    let mut load = vec![0.0; m];
    let by_county: Vec<Vec<(usize, [f64; 2])>> = (0..counties)
        .map(|c| {
            (0..m)
                .filter(|&j| school_county[j] == Some(c))
                .map(|j| (j, schools[j]))
                .collect()
        })
        .collect();
    let grids: Vec<schoolplan::zones::nearest::KNearest> = by_county
        .iter()
        .map(|v| schoolplan::zones::nearest::KNearest::new(v))
        .collect();
    let mut buf = Vec::new();
    for i in 0..n {
        let c = cell_county[i].unwrap_or(0);
        grids[c].query(cells[i], 1, &mut buf);
        if let Some(&(j, _)) = buf.first() {
            nearest[i] = Some(j);
            load[j] += demand[i];
        }
    }
    let seats: Vec<Option<f64>> = load
        .iter()
        .map(|&l| Some((l * seat_factor * (0.6 + 0.8 * rng.unit())).round()))
        .collect();
    Data {
        cells,
        cell_county,
        demand,
        schools,
        school_county,
        seats,
        nearest,
    }
}
