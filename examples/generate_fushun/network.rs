//! A synthetic road grid for the central city (no real road network is available).
//!
//! A 600 m grid over the central city, kept where both ends lie in one of the four central
//! districts. The Hun River (浑河; an approximate line drawn along the southern boundary of
//! 顺城区) can be crossed only on bridges every 2.4 km; bridge edges are `barrier` (a
//! river-side arterial to cross). A railway 1.5 km south of the river makes every grid edge
//! that crosses it a `barrier` too. Every fifth row and sixth column is an arterial at
//! 50 km/h, other streets 30 km/h, bridges 40 km/h; one street is one-way. Only the largest
//! connected component is kept, so the network is connected.

use geo::{Contains, Point};

use super::input::{Inputs, Res};

#[derive(Debug, Clone)]
pub struct Edge {
    pub a: (f64, f64),
    pub b: (f64, f64),
    pub speed_kmh: u32,
    pub barrier: bool,
    pub oneway: bool,
}

/// The Hun River through the central city, WGS 84 (approximate).
pub const RIVER: [(f64, f64); 15] = [
    (123.640, 41.858),
    (123.720, 41.862),
    (123.770, 41.864),
    (123.800, 41.8605),
    (123.820, 41.8552),
    (123.840, 41.8565),
    (123.860, 41.8605),
    (123.880, 41.8640),
    (123.900, 41.8680),
    (123.930, 41.8715),
    (123.960, 41.8735),
    (123.990, 41.8740),
    (124.020, 41.8730),
    (124.050, 41.8850),
    (124.080, 41.9050),
];

const STEP: f64 = 600.0;

fn cross(p: (f64, f64), q: (f64, f64), r: (f64, f64)) -> f64 {
    (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
}

fn segments_cross(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let (d1, d2) = (cross(c, d, a), cross(c, d, b));
    let (d3, d4) = (cross(a, b, c), cross(a, b, d));
    (d1 > 0.0) != (d2 > 0.0) && (d3 > 0.0) != (d4 > 0.0)
}

fn crosses(line: &[(f64, f64)], a: (f64, f64), b: (f64, f64)) -> bool {
    line.windows(2).any(|w| segments_cross(a, b, w[0], w[1]))
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

pub fn build(inp: &Inputs) -> Res<Vec<Edge>> {
    let proj = &inp.proj;
    let river: Vec<(f64, f64)> = RIVER
        .iter()
        .map(|&(lon, lat)| proj.to_local(lon, lat).unwrap())
        .collect();
    let rail: Vec<(f64, f64)> = river.iter().map(|&(x, y)| (x, y - 1500.0)).collect();
    let (x0, y0) = proj.to_local(123.69, 41.80).ok_or("projection")?;
    let (x1, y1) = proj.to_local(124.06, 41.93).ok_or("projection")?;
    let (x0, y0) = ((x0 / STEP).floor() * STEP, (y0 / STEP).floor() * STEP);
    let nx = ((x1 - x0) / STEP).ceil() as usize;
    let ny = ((y1 - y0) / STEP).ceil() as usize;
    let node = |i: usize, j: usize| (x0 + i as f64 * STEP, y0 + j as f64 * STEP);
    let central: Vec<&geo::MultiPolygon<f64>> = inp
        .counties
        .iter()
        .filter(|c| c.is_central())
        .map(|c| &c.poly)
        .collect();
    let inside: Vec<bool> = (0..=ny)
        .flat_map(|j| (0..=nx).map(move |i| (i, j)))
        .map(|(i, j)| {
            let p = node(i, j);
            central.iter().any(|m| m.contains(&Point::new(p.0, p.1)))
        })
        .collect();
    let id = |i: usize, j: usize| j * (nx + 1) + i;
    let mut edges: Vec<(usize, usize, Edge)> = Vec::new();
    for j in 0..=ny {
        for i in 0..=nx {
            for (di, dj) in [(1usize, 0usize), (0, 1)] {
                let (i2, j2) = (i + di, j + dj);
                if i2 > nx || j2 > ny || !inside[id(i, j)] || !inside[id(i2, j2)] {
                    continue;
                }
                let (a, b) = (node(i, j), node(i2, j2));
                let over_river = crosses(&river, a, b);
                let bridge = over_river && dj == 1 && i % 4 == 0;
                if over_river && !bridge {
                    continue;
                }
                let arterial = if dj == 0 { j % 5 == 0 } else { i % 6 == 0 };
                let speed_kmh = if bridge {
                    40
                } else if arterial {
                    50
                } else {
                    30
                };
                let barrier = bridge || crosses(&rail, a, b);
                edges.push((
                    id(i, j),
                    id(i2, j2),
                    Edge {
                        a,
                        b,
                        speed_kmh,
                        barrier,
                        oneway: false,
                    },
                ));
            }
        }
    }
    // Keep the largest connected component.
    let mut parent: Vec<usize> = (0..(nx + 1) * (ny + 1)).collect();
    for (u, w, _) in &edges {
        let (ru, rw) = (find(&mut parent, *u), find(&mut parent, *w));
        if ru != rw {
            parent[ru.max(rw)] = ru.min(rw);
        }
    }
    let mut size = vec![0usize; parent.len()];
    for (u, _, _) in &edges {
        let r = find(&mut parent, *u);
        size[r] += 1;
    }
    let biggest = (0..size.len())
        .max_by(|&a, &b| size[a].cmp(&size[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let mut out: Vec<Edge> = edges
        .into_iter()
        .filter(|(u, _, _)| find(&mut parent, *u) == biggest)
        .map(|(_, _, e)| e)
        .collect();
    // One one-way street: the east-bound edge nearest the city government.
    let gov = proj.to_local(123.915406, 41.873863).ok_or("projection")?;
    if let Some(e) = out
        .iter_mut()
        .filter(|e| e.a.1 == e.b.1 && !e.barrier)
        .min_by(|a, b| {
            let da = (a.a.0 - gov.0).powi(2) + (a.a.1 - gov.1).powi(2);
            let db = (b.a.0 - gov.0).powi(2) + (b.a.1 - gov.1).powi(2);
            da.total_cmp(&db)
        })
    {
        e.oneway = true;
    }
    Ok(out)
}
