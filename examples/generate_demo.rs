//! Writes the small synthetic demo map into `maps/demo/`.
//!
//! ```text
//! cargo run --example generate_demo            # writes maps/demo/*.geojson
//! cargo run --example generate_demo -- OUTDIR  # writes elsewhere (tests use this)
//! ```
//!
//! Everything is made up: a fictional area of 6 km × 4 km placed near lon 123.9°, lat 41.85°,
//! with two counties, four townships, 600 population cells of 200 m, a few dozen schools of
//! every level, 20 candidate sites and a 500 m road grid. The layout is drawn in metres in a
//! local transverse-Mercator plane and converted to WGS 84 once, so shared borders are made of
//! the same vertices and match exactly. The random parts use a fixed seed.

use std::path::{Path, PathBuf};

use schoolplan::geodesy::projection::LocalProjection;
use schoolplan_testkit::mapgen::{
    feature, line_json, point_json, polygon_json, props, write_collection_with, Rng,
};
use serde_json::{json, Value};

/// The fixed seed of the demo.
const SEED: u64 = 2024;
/// Centre of the fictional area (WGS 84).
const LON0: f64 = 123.9;
const LAT0: f64 = 41.85;
/// Half extents of the area, metres.
const HALF_W: f64 = 3000.0;
const HALF_H: f64 = 2000.0;
/// Population cell size, metres.
const CELL_M: f64 = 200.0;
/// Schools and candidate sites are drawn on a 50 m lattice and the cell centres lie on it too,
/// so many cell–school distances would be *exactly* 300, 500, 1000, 1500 or 2000 m — the
/// scenarios' radii — and whether such a cell is covered would be decided by the 1e-6° rounding
/// of the coordinates (a GeoTIFF of the same cells then differs by 0.27 percentage points).
/// Every site is placed this far east and north of its lattice point instead: then no cell
/// centre lies within [`MIN_TIE_MARGIN_M`] of any radius (checked by [`check_no_ties`]).
const SITE_OFFSET_M: (f64, f64) = (10.0, 17.0);
/// Smallest distance allowed between a cell–site distance and a scenario radius, metres
/// (the 1e-6° rounding moves a point by less than 0.12 m; the smallest margin is 0.67 m).
const MIN_TIE_MARGIN_M: f64 = 0.5;
/// The straight-line radii of the shipped demo scenarios (`demo.toml`, `demo-plan.toml`).
const SCENARIO_RADII_M: [f64; 5] = [300.0, 500.0, 1000.0, 1500.0, 2000.0];

/// A site's position: its lattice point moved by [`SITE_OFFSET_M`].
fn site(p: (f64, f64)) -> (f64, f64) {
    (p.0 + SITE_OFFSET_M.0, p.1 + SITE_OFFSET_M.1)
}

/// Panics when a cell centre lies within [`MIN_TIE_MARGIN_M`] of a scenario radius from a site.
fn check_no_ties(sites: &[(f64, f64)]) {
    let cols = (2.0 * HALF_W / CELL_M) as usize;
    let rows = (2.0 * HALF_H / CELL_M) as usize;
    for &s in sites {
        for r in 0..rows {
            for c in 0..cols {
                let x = -HALF_W + (c as f64 + 0.5) * CELL_M;
                let y = -HALF_H + (r as f64 + 0.5) * CELL_M;
                let d = (x - s.0).hypot(y - s.1);
                for radius in SCENARIO_RADII_M {
                    assert!(
                        (d - radius).abs() >= MIN_TIE_MARGIN_M,
                        "cell r{r:02}c{c:02} lies {d} m from the site at {s:?}, a tie at {radius} m"
                    );
                }
            }
        }
    }
}

fn main() {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("maps/demo"));
    if let Err(e) = generate(&out) {
        eprintln!("generate_demo: {e}");
        std::process::exit(1);
    }
    println!("wrote the demo map into {}", out.display());
}

/// Metres → WGS 84.
struct Plane(LocalProjection);

impl Plane {
    fn ll(&self, p: (f64, f64)) -> (f64, f64) {
        self.0.to_wgs84(p.0, p.1).expect("demo coordinates project")
    }
    fn ring(&self, r: &[(f64, f64)]) -> Vec<(f64, f64)> {
        r.iter().map(|&p| self.ll(p)).collect()
    }
}

/// Writes every layer of the demo into `out`.
pub fn generate(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let plane = Plane(LocalProjection::new(LON0, LAT0).expect("valid centre"));
    let sites: Vec<(f64, f64)> = school_list()
        .iter()
        .map(|x| site(x.at))
        .chain(CANDIDATE_SITES.iter().map(|c| site((c.0, c.1))))
        .collect();
    check_no_ties(&sites);
    areas(out, &plane)?;
    population(out, &plane)?;
    schools(out, &plane)?;
    candidates(out, &plane)?;
    network(out, &plane)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Counties and townships: built from shared vertex lists, so shared borders match exactly.

const SW: (f64, f64) = (-HALF_W, -HALF_H);
const SE: (f64, f64) = (HALF_W, -HALF_H);
const NE: (f64, f64) = (HALF_W, HALF_H);
const NW: (f64, f64) = (-HALF_W, HALF_H);
/// County border, south to north; `B[2]` is where the two township splits meet it.
const B: [(f64, f64); 5] = [
    (0.0, -HALF_H),
    (200.0, -600.0),
    (100.0, 0.0),
    (-150.0, 700.0),
    (0.0, HALF_H),
];
/// West split (west edge → border) and east split (border → east edge).
const W_SPLIT: [(f64, f64); 2] = [(-HALF_W, 100.0), (-1500.0, -100.0)];
const E_SPLIT: [(f64, f64); 2] = [(1500.0, 300.0), (HALF_W, 200.0)];

fn areas(out: &Path, plane: &Plane) -> std::io::Result<()> {
    let west_county = [vec![SW], B.to_vec(), vec![NW, W_SPLIT[0]]].concat();
    let east_county = [
        vec![SE, E_SPLIT[1], NE],
        B.iter().rev().copied().collect::<Vec<_>>(),
    ]
    .concat();
    let counties = [
        ("990101", "Demo West District", &west_county),
        ("990102", "Demo East County", &east_county),
    ];
    let feats: Vec<Value> = counties
        .iter()
        .map(|(code, name, ring)| {
            feature(
                props(vec![
                    ("code", json!(code)),
                    ("name", json!(name)),
                    ("synthetic", json!(true)),
                ]),
                polygon_json(&plane.ring(ring), &[]),
            )
        })
        .collect();
    write_collection_with(&out.join("counties.geojson"), &feats, Some("counties"))?;

    let w_north = [W_SPLIT.to_vec(), B[2..].to_vec(), vec![NW]].concat();
    let w_south = [vec![SW], B[..3].to_vec(), vec![W_SPLIT[1], W_SPLIT[0]]].concat();
    let e_north = [vec![B[2]], E_SPLIT.to_vec(), vec![NE, B[4], B[3]]].concat();
    let e_south = [vec![B[0], SE, E_SPLIT[1], E_SPLIT[0], B[2], B[1]]].concat();
    let townships = [
        ("990101001", "Riverside Street", "street", &w_north),
        ("990101101", "Hillfoot Town", "town", &w_south),
        ("990102101", "Eastfield Town", "town", &e_north),
        ("990102201", "Pinewood Township", "township", &e_south),
    ];
    let feats: Vec<Value> = townships
        .iter()
        .map(|(code, name, kind, ring)| {
            feature(
                props(vec![
                    ("code", json!(code)),
                    ("name", json!(name)),
                    ("kind", json!(kind)),
                    ("synthetic", json!(true)),
                ]),
                polygon_json(&plane.ring(ring), &[]),
            )
        })
        .collect();
    write_collection_with(&out.join("townships.geojson"), &feats, Some("townships"))
}

// ---------------------------------------------------------------------------------------------
// Population: 30 × 20 cells of 200 m.

fn gauss(p: (f64, f64), c: (f64, f64), peak: f64, sigma: f64) -> f64 {
    let d2 = (p.0 - c.0).powi(2) + (p.1 - c.1).powi(2);
    peak * (-d2 / (2.0 * sigma * sigma)).exp()
}

/// Whether a cell centre lies in the new housing area of the north-east corner (no school near).
fn in_new_housing(p: (f64, f64)) -> bool {
    p.0 > 2400.0 && p.1 > 1400.0
}

fn population(out: &Path, plane: &Plane) -> std::io::Result<()> {
    let mut rng = Rng::stream(SEED, "population");
    let cols = (2.0 * HALF_W / CELL_M) as usize;
    let rows = (2.0 * HALF_H / CELL_M) as usize;
    let mut feats = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let x0 = -HALF_W + c as f64 * CELL_M;
            let y0 = -HALF_H + r as f64 * CELL_M;
            let centre = (x0 + CELL_M / 2.0, y0 + CELL_M / 2.0);
            let lake = ((centre.0 + 2400.0).powi(2) + (centre.1 + 1500.0).powi(2)).sqrt() < 450.0;
            let mut density = 12.0
                + gauss(centre, (-1500.0, 900.0), 1300.0, 700.0)
                + gauss(centre, (-1200.0, -1200.0), 450.0, 400.0)
                + gauss(centre, (1400.0, 1100.0), 420.0, 450.0)
                + gauss(centre, (1900.0, -1150.0), 140.0, 250.0)
                + gauss(centre, (2500.0, -500.0), 90.0, 200.0)
                + gauss(centre, (800.0, -1600.0), 70.0, 200.0);
            let new_housing = in_new_housing(centre);
            if new_housing {
                density += 650.0;
            }
            let noise = (0.25 * rng.normal()).exp();
            let empty_field = density < 40.0 && rng.chance(0.08);
            let total = if lake || empty_field {
                0
            } else {
                (density * noise).round() as i64
            };
            // Young families in the new housing area.
            let shares = if new_housing {
                [0.036, 0.062, 0.026, 0.022]
            } else {
                [0.022, 0.048, 0.026, 0.025]
            };
            let mut cohort = |s: f64| -> i64 {
                let v = total as f64 * s * (1.0 + 0.15 * rng.normal());
                v.round().max(0.0) as i64
            };
            let k: Vec<i64> = shares.iter().map(|&s| cohort(s)).collect();
            let ring = [
                (x0, y0),
                (x0 + CELL_M, y0),
                (x0 + CELL_M, y0 + CELL_M),
                (x0, y0 + CELL_M),
            ];
            feats.push(feature(
                props(vec![
                    ("id", json!(format!("r{r:02}c{c:02}"))),
                    ("pop_total", json!(total)),
                    ("pop_3_5", json!(k[0])),
                    ("pop_6_11", json!(k[1])),
                    ("pop_12_14", json!(k[2])),
                    ("pop_15_17", json!(k[3])),
                    ("synthetic", json!(true)),
                ]),
                polygon_json(&plane.ring(&ring), &[]),
            ));
        }
    }
    write_collection_with(&out.join("population.geojson"), &feats, Some("population"))
}

// ---------------------------------------------------------------------------------------------
// Schools.

/// One hand-placed school.
struct S {
    id: &'static str,
    name: &'static str,
    level: &'static str,
    at: (f64, f64),
    public: bool,
    inclusive: bool,
    quality: bool,
    boarding: bool,
    status: &'static str,
    classes: u32,
    class_size: u32,
    enrolment: u32,
    /// Sizes of classes forced to be large (56+ / 66+).
    large: &'static [u32],
}

#[allow(clippy::too_many_arguments)]
const fn s(
    id: &'static str,
    name: &'static str,
    level: &'static str,
    at: (f64, f64),
    public: bool,
    inclusive: bool,
    quality: bool,
    classes: u32,
    class_size: u32,
    enrolment: u32,
) -> S {
    S {
        id,
        name,
        level,
        at,
        public,
        inclusive,
        quality,
        boarding: false,
        status: "existing",
        classes,
        class_size,
        enrolment,
        large: &[],
    }
}

fn school_list() -> Vec<S> {
    let (t, f) = (true, false);
    let mut v = vec![
        // Kindergartens (class size 30). Public enrolment 53 %, inclusive (普惠) 78 % (< 85 %).
        s(
            "k01",
            "Riverside Central Kindergarten",
            "kindergarten",
            (-1600.0, 1000.0),
            t,
            t,
            t,
            12,
            30,
            355,
        ),
        s(
            "k02",
            "Little Stars Kindergarten",
            "kindergarten",
            (-1100.0, 700.0),
            f,
            t,
            f,
            9,
            30,
            240,
        ),
        s(
            "k03",
            "Bright Future Kindergarten",
            "kindergarten",
            (-2000.0, 1300.0),
            f,
            f,
            f,
            6,
            30,
            150,
        ),
        s(
            "k04",
            "Riverside Second Kindergarten",
            "kindergarten",
            (-1400.0, 400.0),
            t,
            t,
            f,
            9,
            30,
            262,
        ),
        s(
            "k05",
            "Sunflower Kindergarten",
            "kindergarten",
            (-2250.0, 700.0),
            f,
            t,
            f,
            6,
            30,
            120,
        ),
        s(
            "k06",
            "Golden Key Bilingual Kindergarten",
            "kindergarten",
            (-900.0, 1300.0),
            f,
            f,
            f,
            7,
            30,
            200,
        ),
        s(
            "k07",
            "Parkside Kindergarten",
            "kindergarten",
            (-1700.0, 1600.0),
            t,
            t,
            f,
            6,
            30,
            176,
        ),
        s(
            "k08",
            "Hillfoot Town Central Kindergarten",
            "kindergarten",
            (-1200.0, -1150.0),
            t,
            t,
            t,
            8,
            30,
            160,
        ),
        s(
            "k09",
            "Hillfoot Rainbow Kindergarten",
            "kindergarten",
            (-700.0, -500.0),
            f,
            t,
            f,
            4,
            30,
            70,
        ),
        s(
            "k10",
            "Eastfield Town Central Kindergarten",
            "kindergarten",
            (1400.0, 1100.0),
            t,
            t,
            t,
            8,
            30,
            190,
        ),
        s(
            "k11",
            "Eastfield Happy Kids Kindergarten",
            "kindergarten",
            (1000.0, 800.0),
            f,
            f,
            f,
            5,
            30,
            110,
        ),
        // Pinewood Township (乡) has only a small public kindergarten without the quality flag.
        s(
            "k12",
            "Pinewood Village Kindergarten",
            "kindergarten",
            (1800.0, -1150.0),
            t,
            t,
            f,
            3,
            30,
            45,
        ),
        s(
            "k13",
            "Pinewood Little Tree Kindergarten",
            "kindergarten",
            (2500.0, -500.0),
            f,
            t,
            f,
            2,
            30,
            30,
        ),
        s(
            "k14",
            "Old Mill Kindergarten (closed)",
            "kindergarten",
            (-2600.0, 200.0),
            t,
            t,
            f,
            0,
            30,
            0,
        ),
        // Primary (45).
        s(
            "p01",
            "Riverside No. 1 Primary School",
            "primary",
            (-1500.0, 900.0),
            t,
            t,
            t,
            36,
            45,
            1850,
        ),
        s(
            "p02",
            "Riverside No. 2 Primary School",
            "primary",
            (-2200.0, 1400.0),
            t,
            t,
            f,
            24,
            45,
            1004,
        ),
        s(
            "p03",
            "Canal Street Primary School",
            "primary",
            (-900.0, 500.0),
            t,
            t,
            f,
            24,
            45,
            1020,
        ),
        s(
            "p04",
            "Hillfoot Central Primary School",
            "primary",
            (-1300.0, -1250.0),
            t,
            t,
            f,
            18,
            45,
            560,
        ),
        s(
            "p05",
            "Eastfield Primary School",
            "primary",
            (1300.0, 1200.0),
            t,
            t,
            f,
            18,
            45,
            640,
        ),
        s(
            "p06",
            "Pinewood Primary School",
            "primary",
            (2000.0, -1000.0),
            t,
            t,
            f,
            12,
            45,
            210,
        ),
        s(
            "p07",
            "Eastfield North Primary School (planned)",
            "primary",
            (600.0, 1500.0),
            t,
            t,
            f,
            0,
            45,
            0,
        ),
        s(
            "p08",
            "Westbrook Private Primary School",
            "primary",
            (-2500.0, 1000.0),
            f,
            f,
            f,
            12,
            45,
            500,
        ),
        // Junior (50).
        s(
            "j01",
            "Riverside No. 1 Junior School",
            "junior",
            (-1800.0, 800.0),
            t,
            t,
            t,
            30,
            50,
            1480,
        ),
        s(
            "j02",
            "Canal Street Junior School",
            "junior",
            (-800.0, 1000.0),
            t,
            t,
            f,
            24,
            50,
            1150,
        ),
        s(
            "j03",
            "Eastfield Junior School",
            "junior",
            (1500.0, 700.0),
            t,
            t,
            f,
            18,
            50,
            520,
        ),
        // Nine-year (45 / 50).
        s(
            "n01",
            "Hillfoot Nine-Year School",
            "nine_year",
            (-1100.0, -800.0),
            t,
            t,
            f,
            27,
            50,
            900,
        ),
        s(
            "n02",
            "Pinewood Nine-Year Boarding School",
            "nine_year",
            (2400.0, -1500.0),
            t,
            t,
            f,
            9,
            50,
            180,
        ),
        // Senior (50).
        s(
            "s01",
            "Demo No. 1 High School",
            "senior",
            (-1300.0, 1100.0),
            t,
            t,
            t,
            36,
            50,
            1750,
        ),
        s(
            "s02",
            "Eastfield High School",
            "senior",
            (1200.0, 300.0),
            t,
            t,
            f,
            24,
            50,
            800,
        ),
        // Special education and vocational.
        s(
            "x01",
            "Demo Special Education School",
            "special",
            (-1900.0, 300.0),
            t,
            t,
            f,
            10,
            12,
            64,
        ),
        s(
            "v01",
            "Demo Vocational School",
            "vocational",
            (-500.0, -300.0),
            t,
            t,
            f,
            30,
            45,
            900,
        ),
    ];
    for x in v.iter_mut() {
        match x.id {
            "p01" => x.large = &[56, 57, 58, 60, 61, 67],
            "j01" => x.large = &[56, 57],
            "s01" => x.large = &[56],
            "k14" => x.status = "closed",
            "p07" => x.status = "planned",
            "p06" | "n02" | "j03" => x.boarding = true,
            _ => {}
        }
    }
    v
}

/// Splits `enrolment` into `classes` class sizes, the `large` ones first; sums exactly.
fn class_sizes(enrolment: u32, classes: u32, large: &[u32], rng: &mut Rng) -> Vec<u32> {
    if classes == 0 {
        return Vec::new();
    }
    let mut sizes: Vec<u32> = large.to_vec();
    let rest_n = classes as usize - sizes.len();
    let rest: u32 = enrolment - sizes.iter().sum::<u32>();
    let base = rest / rest_n as u32;
    let mut extra = rest - base * rest_n as u32;
    let mut others = vec![base; rest_n];
    for o in others.iter_mut() {
        if extra > 0 {
            *o += 1;
            extra -= 1;
        }
    }
    // Move a pupil or two between pairs of ordinary classes so sizes vary, keeping the sum and
    // staying under 56.
    for _ in 0..rest_n {
        let (a, b) = (rng.below(rest_n), rng.below(rest_n));
        let d = rng.int(0, 2) as u32;
        if a != b && others[a] > d && others[b] + d < 56 {
            others[a] -= d;
            others[b] += d;
        }
    }
    sizes.extend(others);
    sizes
}

/// Resource indicators of the balance test, per school, from per-100-pupil rates.
fn resources(enrolment: u32, rural: bool, rng: &mut Rng) -> Vec<(&'static str, Value)> {
    let n = enrolment as f64 / 100.0;
    let q = if rural { 0.85 } else { 1.0 };
    let mut r =
        |per100: f64, spread: f64| (n * per100 * q * (1.0 + spread * rng.normal())).max(0.0);
    vec![
        ("res_qualified_teachers", json!(r(5.2, 0.12).round())),
        ("res_backbone_teachers", json!(r(1.3, 0.25).round())),
        ("res_pe_arts_teachers", json!(r(1.1, 0.2).round())),
        ("res_teaching_area_m2", json!(r(560.0, 0.15).round())),
        ("res_sports_area_m2", json!(r(900.0, 0.25).round())),
        (
            "res_equipment_yuan",
            json!((r(260_000.0, 0.3) / 1000.0).round() * 1000.0),
        ),
        ("res_multimedia_rooms", json!(r(2.6, 0.2).round())),
    ]
}

fn schools(out: &Path, plane: &Plane) -> std::io::Result<()> {
    let mut rng = Rng::stream(SEED, "schools");
    let mut feats = Vec::new();
    for x in school_list() {
        let seats = x.classes.max(match x.status {
            "planned" => 30,
            _ => 0,
        }) * x.class_size;
        let mut p = props(vec![
            ("id", json!(x.id)),
            ("name", json!(x.name)),
            ("level", json!(x.level)),
            (
                "ownership",
                json!(if x.public { "public" } else { "private" }),
            ),
            ("inclusive", json!(x.public || x.inclusive)),
            ("quality", json!(x.quality)),
            ("boarding", json!(x.boarding)),
            ("status", json!(x.status)),
            (
                "capacity_seats",
                json!(if x.status == "closed" { 0 } else { seats }),
            ),
            ("enrolment", json!(x.enrolment)),
            ("classes", json!(x.classes)),
            (
                "class_sizes",
                json!(class_sizes(x.enrolment, x.classes, x.large, &mut rng)),
            ),
        ]);
        if matches!(x.level, "primary" | "junior" | "nine_year") && x.status == "existing" {
            let rural = x.at.1 < 0.0 || x.at.0 > 0.0;
            for (k, v) in resources(x.enrolment, rural, &mut rng) {
                p.insert(k.into(), v);
            }
        }
        p.insert("synthetic".into(), json!(true));
        feats.push(feature(p, point_json(plane.ll(site(x.at)))));
    }
    write_collection_with(&out.join("schools.geojson"), &feats, Some("schools"))
}

// ---------------------------------------------------------------------------------------------
// Candidate sites.

/// Candidate sites: (x, y on the lattice, levels, cost 万元, max classes).
const CANDIDATE_SITES: [(f64, f64, &str, f64, u32); 20] = [
    (2700.0, 1700.0, "kindergarten,primary", 2400.0, 24),
    (2500.0, 1500.0, "kindergarten", 900.0, 9),
    (2800.0, 1300.0, "primary,junior", 4200.0, 36),
    (2100.0, 1800.0, "kindergarten,primary,junior", 3800.0, 30),
    (1800.0, -1200.0, "kindergarten", 700.0, 6),
    (2200.0, -700.0, "kindergarten,primary", 1500.0, 12),
    (-1700.0, 1200.0, "primary", 5200.0, 30),
    (-1200.0, 1500.0, "kindergarten,primary", 4800.0, 24),
    (-2400.0, 1700.0, "kindergarten", 1300.0, 9),
    (-600.0, 1600.0, "primary,junior", 4500.0, 36),
    (-1000.0, 200.0, "kindergarten,primary,junior", 3900.0, 30),
    (-2700.0, 600.0, "kindergarten", 1100.0, 9),
    (-1600.0, -600.0, "kindergarten,primary", 1800.0, 18),
    (-400.0, -1300.0, "primary,junior", 2600.0, 24),
    (600.0, 900.0, "kindergarten,senior", 5600.0, 36),
    (1000.0, 1600.0, "primary", 2200.0, 18),
    (900.0, -400.0, "junior,senior", 4800.0, 36),
    (300.0, -1700.0, "kindergarten", 600.0, 6),
    (-2000.0, -200.0, "special,vocational", 3000.0, 12),
    (2900.0, -1800.0, "kindergarten,primary", 1200.0, 12),
];

fn candidates(out: &Path, plane: &Plane) -> std::io::Result<()> {
    let feats: Vec<Value> = CANDIDATE_SITES
        .iter()
        .enumerate()
        .map(|(i, &(x, y, levels, cost, max_classes))| {
            // Most sites list levels as an array; every fourth as the comma-separated string form.
            let lv = if i % 4 == 3 {
                json!(levels)
            } else {
                json!(levels.split(',').collect::<Vec<_>>())
            };
            feature(
                props(vec![
                    ("id", json!(format!("c{:02}", i + 1))),
                    ("name", json!(format!("Demo site {}", i + 1))),
                    ("levels", lv),
                    ("cost", json!(cost)),
                    ("max_classes", json!(max_classes)),
                    ("synthetic", json!(true)),
                ]),
                point_json(plane.ll(site((x, y)))),
            )
        })
        .collect();
    write_collection_with(&out.join("candidates.geojson"), &feats, Some("candidates"))
}

// ---------------------------------------------------------------------------------------------
// Road network: a 500 m grid, one edge per block side.

fn network(out: &Path, plane: &Plane) -> std::io::Result<()> {
    const STEP: f64 = 500.0;
    let nx = (2.0 * HALF_W / STEP) as i32; // 12 blocks west–east
    let ny = (2.0 * HALF_H / STEP) as i32; // 8 blocks south–north
    let at = |i: i32, j: i32| (-HALF_W + i as f64 * STEP, -HALF_H + j as f64 * STEP);
    let mut feats = Vec::new();
    let mut push = |a: (f64, f64), b: (f64, f64), speed: u32, barrier: bool, oneway: bool| {
        let mut p = props(vec![("id", json!(format!("e{:03}", feats.len() + 1)))]);
        p.insert("speed_kmh".into(), json!(speed));
        if barrier {
            p.insert("barrier".into(), json!(true));
        }
        if oneway {
            p.insert("oneway".into(), json!(true));
        }
        p.insert("synthetic".into(), json!(true));
        feats.push(feature(p, line_json(&[plane.ll(a), plane.ll(b)])));
    };
    // West–east streets. The one at y = 500 m is an arterial (50 km/h).
    for j in 0..=ny {
        for i in 0..nx {
            let (a, b) = (at(i, j), at(i + 1, j));
            let speed = if a.1 == 500.0 {
                50
            } else if a.0 >= 0.0 {
                40
            } else {
                30
            };
            // One one-way street in the core, digitised west → east.
            let oneway = a == (-2000.0, 1000.0);
            push(a, b, speed, false, oneway);
        }
    }
    // South–north streets. A railway runs west–east at y = 250 m through the west district:
    // the west-district streets crossing it there are barriers, except an underpass at
    // x = -1500 m.
    for i in 0..=nx {
        for j in 0..ny {
            let (a, b) = (at(i, j), at(i, j + 1));
            let crosses_rail = a.1 == 0.0 && a.0 < 0.0 && a.0 != -1500.0;
            let speed = if a.0 >= 0.0 { 40 } else { 30 };
            push(a, b, speed, crosses_rail, false);
        }
    }
    write_collection_with(&out.join("network.geojson"), &feats, Some("network"))
}
