//! Synthetic schools of every level, sized from the synthetic population.
//!
//! Placement: per township, a number of schools proportional to its cohort (central schools at
//! the rural township centre, others at cells drawn by cohort weight with a minimum spacing and
//! kept away from the new housing areas, which are the designed coverage gaps). Enrolment:
//! each cell's cohort goes to the nearest open school of the level in its county. Capacity is
//! sized from the demand *before* the new housing areas were built, divided by a utilisation
//! drawn per zone (central city 0.8–1.1, county towns 0.8–1.05, rural 0.35–0.8), so central
//! schools near new housing end up over capacity and rural schools under-used.

use std::collections::BTreeSet;

use super::input::{Inputs, Res};
use super::population::Population;
use super::townships::Township;
use schoolplan_testkit::mapgen::Rng;

#[derive(Debug, Clone)]
pub struct School {
    pub id: String,
    pub name: String,
    pub level: &'static str,
    pub at: (f64, f64),
    pub county: usize,
    pub township: usize,
    pub public: bool,
    pub inclusive: bool,
    pub quality: bool,
    pub boarding: bool,
    pub status: &'static str,
    pub classes: u32,
    pub capacity: u32,
    pub enrolment: u32,
    pub class_sizes: Vec<u32>,
    pub res: Vec<(&'static str, f64)>,
    /// Zone: 0 central city, 1 county town, 2 rural.
    pub zone: u8,
    /// Central school of a rural township (中心园 / 中心校).
    pub central: bool,
    /// Enrolment split for nine-year schools: (primary, junior).
    split: (u32, u32),
    /// Classes of a nine-year school: (primary, junior).
    split_classes: (u32, u32),
}

/// Rural townships whose central kindergarten lacks the quality flag (rule K1 fails there), and
/// those whose only kindergartens are private.
const NO_QUALITY_KG: [&str; 6] = [
    "峡河乡",
    "马圈子乡",
    "响水河子乡",
    "红庙子乡",
    "土口子乡",
    "兰山乡",
];
const NO_PUBLIC_KG: [&str; 2] = ["下夹河乡", "枸乃甸乡"];
/// County towns (urban, with several schools of each level).
const COUNTY_TOWNS: [&str; 3] = ["新宾镇", "清原镇", "石文镇"];

pub fn short_name(n: &str) -> &str {
    for suf in ["满族乡", "街道", "镇", "乡"] {
        if let Some(s) = n.strip_suffix(suf) {
            return s;
        }
    }
    n
}

/// 1..=99 in Chinese numerals.
pub fn zh_num(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].into(),
        10..=19 => format!(
            "十{}",
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
        _ => format!(
            "{}十{}",
            D[(n / 10) as usize],
            if n.is_multiple_of(10) {
                ""
            } else {
                D[(n % 10) as usize]
            }
        ),
    }
}

struct Placer<'a> {
    pop: &'a Population,
    rng: Rng,
}

impl Placer<'_> {
    /// A site in township `t`, drawn from its cells by `cohort` weight, at least `spacing` m
    /// from `taken` and `keep_out` m from every new housing centre. The spacing relaxes when
    /// no site is found.
    fn site(
        &mut self,
        t: usize,
        cohort: usize,
        taken: &[(f64, f64)],
        spacing: f64,
        keep_out: f64,
    ) -> Option<(f64, f64)> {
        let cells: Vec<usize> = (0..self.pop.cells.len())
            .filter(|&i| {
                self.pop.cells[i].township == Some(t) && self.pop.cells[i].cohorts[cohort] > 0
            })
            .collect();
        let total: f64 = cells
            .iter()
            .map(|&i| self.pop.cells[i].cohorts[cohort] as f64)
            .sum();
        if total <= 0.0 {
            return None;
        }
        let mut sp = spacing;
        for attempt in 0..120 {
            if attempt > 0 && attempt % 30 == 0 {
                sp *= 0.6;
            }
            let mut r = self.rng.unit() * total;
            let mut pick = cells[cells.len() - 1];
            for &i in &cells {
                r -= self.pop.cells[i].cohorts[cohort] as f64;
                if r < 0.0 {
                    pick = i;
                    break;
                }
            }
            let c = &self.pop.cells[pick];
            let j = c.size * 0.4;
            let p = (
                c.centre.0 + self.rng.range(-j, j),
                c.centre.1 + self.rng.range(-j, j),
            );
            let far = taken.iter().all(|q| dist(p, *q) >= sp);
            let out = self
                .pop
                .new_housing
                .iter()
                .all(|h| dist(p, h.0) >= keep_out);
            if far && out {
                return Some(p);
            }
        }
        None
    }
}

pub fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

#[allow(clippy::too_many_arguments)]
fn new_school(
    level: &'static str,
    name: String,
    at: (f64, f64),
    county: usize,
    township: usize,
    zone: u8,
    central: bool,
) -> School {
    School {
        id: String::new(),
        name,
        level,
        at,
        county,
        township,
        public: true,
        inclusive: true,
        quality: false,
        boarding: false,
        status: "existing",
        classes: 0,
        capacity: 0,
        enrolment: 0,
        class_sizes: Vec::new(),
        res: Vec::new(),
        zone,
        central,
        split: (0, 0),
        split_classes: (0, 0),
    }
}

pub fn build(seed: u64, inp: &Inputs, ts: &[Township], pop: &Population) -> Res<Vec<School>> {
    let mut pl = Placer {
        pop,
        rng: Rng::stream(seed, "schools.place"),
    };
    let mut rng = Rng::stream(seed, "schools.attributes");
    // Cohorts per township.
    let mut coh = vec![[0i64; 4]; ts.len()];
    for c in &pop.cells {
        if let Some(t) = c.township {
            for (sum, n) in coh[t].iter_mut().zip(c.cohorts) {
                *sum += n;
            }
        }
    }
    let zone_of = |t: &Township| -> u8 {
        if inp.counties[t.county].is_central() && t.kind == "street" {
            0
        } else if COUNTY_TOWNS.contains(&t.name.as_str()) {
            1
        } else {
            2
        }
    };
    let mut v: Vec<School> = Vec::new();
    let positions = |v: &[School], levels: &[&str]| -> Vec<(f64, f64)> {
        v.iter()
            .filter(|s| levels.contains(&s.level))
            .map(|s| s.at)
            .collect()
    };
    let mut counters = [0u32; 8];
    for (ti, t) in ts.iter().enumerate() {
        let zone = zone_of(t);
        let short = short_name(&t.name).to_string();
        let jitter =
            |rng: &mut Rng, p: (f64, f64), r: f64| (p.0 + rng.range(-r, r), p.1 + rng.range(-r, r));
        // Kindergartens.
        let n_kg = ((coh[ti][0] as f64 * 0.88 / if zone == 2 { 75.0 } else { 115.0 }).round()
            as usize)
            .max(1);
        let mut k = 0;
        if zone != 0 {
            let at = jitter(&mut rng, t.centre, 150.0);
            let mut s = new_school(
                "kindergarten",
                format!("{short}中心幼儿园 (synthetic)"),
                at,
                t.county,
                ti,
                zone,
                true,
            );
            s.public = !NO_PUBLIC_KG.contains(&t.name.as_str());
            s.inclusive = true;
            s.quality = s.public && !NO_QUALITY_KG.contains(&t.name.as_str());
            v.push(s);
            k = 1;
        }
        while k < n_kg {
            let taken = positions(&v, &["kindergarten"]);
            let Some(at) = pl.site(ti, 0, &taken, 350.0, 1300.0) else {
                break;
            };
            counters[0] += 1;
            v.push(new_school(
                "kindergarten",
                format!("{short}第{}幼儿园 (synthetic)", zh_num(k as u32 + 1)),
                at,
                t.county,
                ti,
                zone,
                false,
            ));
            k += 1;
        }
        // Primary, junior, nine-year.
        match zone {
            0 | 1 => {
                let n_p = ((coh[ti][1] as f64 / 800.0).round() as usize).max(1);
                let n_j = ((coh[ti][2] as f64 / 1000.0).round() as usize).max(if zone == 1 {
                    1
                } else {
                    0
                });
                for _ in 0..n_p {
                    let taken = positions(&v, &["primary", "nine_year"]);
                    if let Some(at) = pl.site(ti, 1, &taken, 800.0, 1600.0) {
                        v.push(new_school(
                            "primary",
                            String::new(),
                            at,
                            t.county,
                            ti,
                            zone,
                            false,
                        ));
                    }
                }
                for _ in 0..n_j {
                    let taken = positions(&v, &["junior", "nine_year"]);
                    if let Some(at) = pl.site(ti, 2, &taken, 1300.0, 2000.0) {
                        v.push(new_school(
                            "junior",
                            String::new(),
                            at,
                            t.county,
                            ti,
                            zone,
                            false,
                        ));
                    }
                }
            }
            _ => {
                let nine = t.kind == "township" || rng.chance(0.2);
                let at = jitter(&mut rng, t.centre, 250.0);
                if nine {
                    let mut s = new_school(
                        "nine_year",
                        format!("{short}九年一贯制学校 (synthetic)"),
                        at,
                        t.county,
                        ti,
                        zone,
                        true,
                    );
                    s.boarding = true;
                    v.push(s);
                } else {
                    let mut p = new_school(
                        "primary",
                        format!("{short}中心小学 (synthetic)"),
                        at,
                        t.county,
                        ti,
                        zone,
                        true,
                    );
                    p.boarding = rng.chance(0.4);
                    v.push(p);
                    let at = jitter(&mut rng, t.centre, 400.0);
                    let mut j = new_school(
                        "junior",
                        format!("{short}中学 (synthetic)"),
                        at,
                        t.county,
                        ti,
                        zone,
                        true,
                    );
                    j.boarding = true;
                    v.push(j);
                }
                // Village schools (村小), small and under-used.
                let n_v = ((coh[ti][1] as f64 / 450.0).round() as usize).saturating_sub(1);
                let vills: Vec<usize> = (0..pop.villages.len())
                    .filter(|&i| pop.villages[i].township == ti)
                    .collect();
                for n in 0..n_v.min(vills.len().saturating_sub(1)) {
                    let vi = vills[1 + (n * 7919) % (vills.len() - 1)];
                    let at = jitter(&mut rng, pop.villages[vi].at, 200.0);
                    v.push(new_school(
                        "primary",
                        format!("{short}第{}村小 (synthetic)", zh_num(n as u32 + 1)),
                        at,
                        t.county,
                        ti,
                        zone,
                        false,
                    ));
                }
            }
        }
    }
    let _ = counters;
    // Two urban nine-year schools in the central city.
    for (i, name) in ["站前街道", "葛布街道"].iter().enumerate() {
        let ti = ts.iter().position(|t| &t.name == name).ok_or("township")?;
        let taken = positions(&v, &["primary", "nine_year"]);
        if let Some(at) = pl.site(ti, 1, &taken, 600.0, 1600.0) {
            v.push(new_school(
                "nine_year",
                format!("抚顺市第{}九年一贯制学校 (synthetic)", zh_num(i as u32 + 1)),
                at,
                ts[ti].county,
                ti,
                0,
                false,
            ));
        }
    }
    seniors_special_vocational(inp, ts, &mut pl, &mut v)?;

    // Close three village schools (consolidated before 2020).
    let villages: Vec<usize> = (0..v.len())
        .filter(|&i| v[i].name.contains("村小"))
        .collect();
    for k in 0..3.min(villages.len()) {
        let i = villages[(k * villages.len()) / 3];
        v[i].status = "closed";
    }

    enrol(inp, pop, &mut v, &mut rng);
    ownership(&mut v, &mut rng);
    names(inp, ts, &mut v);
    for s in v.iter_mut() {
        sizes_and_resources(s, &mut rng);
    }
    large_classes(&mut v, &mut rng);
    ids(inp, ts, &mut v);
    Ok(v)
}

fn seniors_special_vocational(
    inp: &Inputs,
    ts: &[Township],
    pl: &mut Placer,
    v: &mut Vec<School>,
) -> Res<()> {
    let town = |name: &str| {
        ts.iter()
            .position(|t| t.name == name)
            .ok_or_else(|| format!("no {name}"))
    };
    // Central-city senior high schools: the six named in the sources (names only) and eight
    // synthetic ones. Quality (provincial demonstration): the three confirmed ones and five
    // synthetic; the counties add three more: 11 in all.
    let central: [(&str, &str, bool); 14] = [
        (
            "抚顺市第二中学 (real name, synthetic site)",
            "葛布街道",
            true,
        ),
        (
            "抚顺市第一中学 (real name, synthetic site)",
            "新华街道",
            true,
        ),
        (
            "抚顺市第十二中学 (real name, synthetic site)",
            "站前街道",
            true,
        ),
        (
            "抚顺市第十中学 (real name, synthetic site)",
            "和平街道",
            false,
        ),
        (
            "抚顺市四方高级中学 (real name, synthetic site)",
            "长春街道",
            false,
        ),
        (
            "抚顺市第六中学 (real name, synthetic site)",
            "永安台街道",
            false,
        ),
        ("抚顺市第三高级中学 (synthetic)", "将军堡街道", true),
        ("抚顺市第五高级中学 (synthetic)", "万新街道", true),
        ("抚顺市第七高级中学 (synthetic)", "工农街道", true),
        ("抚顺市第八高级中学 (synthetic)", "榆林街道", true),
        ("抚顺市第九高级中学 (synthetic)", "新屯街道", true),
        ("抚顺市第十一高级中学 (synthetic)", "李石街道", false),
        ("抚顺市第十三高级中学 (synthetic)", "演武街道", false),
        ("抚顺市第十四高级中学 (synthetic)", "抚顺城街道", false),
    ];
    for (name, tn, q) in central {
        let ti = town(tn)?;
        let taken = v
            .iter()
            .filter(|s| s.level == "senior")
            .map(|s| s.at)
            .collect::<Vec<_>>();
        let at = pl.site(ti, 3, &taken, 1500.0, 0.0).ok_or("senior site")?;
        let mut s = new_school("senior", name.into(), at, ts[ti].county, ti, 0, false);
        s.quality = q;
        v.push(s);
    }
    let county: [(&str, &str, bool); 5] = [
        ("抚顺县高级中学 (synthetic)", "石文镇", true),
        ("新宾满族自治县高级中学 (synthetic)", "新宾镇", true),
        ("新宾满族自治县第二高级中学 (synthetic)", "新宾镇", false),
        ("清原满族自治县高级中学 (synthetic)", "清原镇", true),
        ("清原满族自治县第二高级中学 (synthetic)", "清原镇", false),
    ];
    for (name, tn, q) in county {
        let ti = town(tn)?;
        let taken = v
            .iter()
            .filter(|s| s.level == "senior")
            .map(|s| s.at)
            .collect::<Vec<_>>();
        let at = pl.site(ti, 3, &taken, 1200.0, 0.0).ok_or("senior site")?;
        let mut s = new_school("senior", name.into(), at, ts[ti].county, ti, 1, false);
        s.quality = q;
        s.boarding = true;
        v.push(s);
    }
    // Special education: none in 望花区 (396,257 residents): rule P4 fails there.
    let special: [(&str, &str); 4] = [
        ("抚顺市特殊教育学校 (synthetic)", "永安台街道"),
        ("顺城区特殊教育学校 (synthetic)", "新华街道"),
        ("新宾满族自治县特殊教育学校 (synthetic)", "新宾镇"),
        ("清原满族自治县特殊教育学校 (synthetic)", "清原镇"),
    ];
    for (name, tn) in special {
        let ti = town(tn)?;
        let at = pl.site(ti, 1, &[], 0.0, 0.0).ok_or("special site")?;
        let zone = if inp.counties[ts[ti].county].is_central() {
            0
        } else {
            1
        };
        let mut s = new_school("special", name.into(), at, ts[ti].county, ti, zone, false);
        s.boarding = true;
        v.push(s);
    }
    let vocational: [(&str, &str); 6] = [
        ("抚顺市第一中等职业技术专业学校 (synthetic)", "和平街道"),
        ("抚顺市第二中等职业技术专业学校 (synthetic)", "李石街道"),
        ("抚顺市第三中等职业技术专业学校 (synthetic)", "长春街道"),
        ("抚顺县职业教育中心 (synthetic)", "石文镇"),
        ("新宾满族自治县职业教育中心 (synthetic)", "新宾镇"),
        ("清原满族自治县职业教育中心 (synthetic)", "清原镇"),
    ];
    for (name, tn) in vocational {
        let ti = town(tn)?;
        let at = pl.site(ti, 3, &[], 0.0, 0.0).ok_or("vocational site")?;
        let zone = if inp.counties[ts[ti].county].is_central() {
            0
        } else {
            1
        };
        v.push(new_school(
            "vocational",
            name.into(),
            at,
            ts[ti].county,
            ti,
            zone,
            false,
        ));
    }
    Ok(())
}

/// Enrolment from nearest-school assignment; capacity from pre-new-housing demand.
fn enrol(inp: &Inputs, pop: &Population, v: &mut [School], rng: &mut Rng) {
    // (service level, cohort index, enrolment rate)
    let services: [(&str, usize, f64); 4] = [
        ("kindergarten", 0, 0.895),
        ("primary", 1, 1.0),
        ("junior", 2, 0.97),
        ("senior", 3, 0.55),
    ];
    let mut base = vec![[0.0f64; 2]; v.len()];
    let mut extra = vec![[0.0f64; 2]; v.len()];
    for (level, q, rate) in services {
        let serves = |s: &School| {
            s.status == "existing"
                && (s.level == level
                    || (s.level == "nine_year" && (level == "primary" || level == "junior")))
        };
        let part = usize::from(level == "junior");
        let open: Vec<usize> = (0..v.len()).filter(|&i| serves(&v[i])).collect();
        for c in &pop.cells {
            if c.cohorts[q] == 0 {
                continue;
            }
            // Pupils attend school in their county; central-city seniors choose across the
            // central districts.
            let same = |s: &School| {
                s.county == c.county
                    || (level == "senior"
                        && inp.counties[s.county].is_central()
                        && inp.counties[c.county].is_central())
            };
            let best = open
                .iter()
                .copied()
                .filter(|&i| same(&v[i]))
                .min_by(|&a, &b| {
                    dist(c.centre, v[a].at)
                        .total_cmp(&dist(c.centre, v[b].at))
                        .then(a.cmp(&b))
                });
            let Some(b) = best else { continue };
            let n = c.cohorts[q] as f64 * rate;
            if c.new_housing.is_some() {
                // Part of the new residents find no place nearby and enrol elsewhere or not at all.
                extra[b][part] += 0.6 * n;
            } else {
                base[b][part] += n;
            }
        }
    }
    // Seniors: quality schools draw pupils from a wider area.
    let mut senior_total = 0.0;
    let mut senior_w = 0.0;
    for (i, s) in v.iter().enumerate() {
        if s.level == "senior" {
            senior_total += base[i][0] + extra[i][0];
            senior_w += (base[i][0] + extra[i][0]) * if s.quality { 1.2 } else { 0.85 };
        }
    }
    for (i, s) in v.iter_mut().enumerate() {
        if s.status != "existing" {
            continue;
        }
        let noise = 1.0 + 0.05 * rng.normal();
        let mut b = [base[i][0] * noise, base[i][1] * noise];
        let mut e = [extra[i][0] * noise, extra[i][1] * noise];
        if s.level != "nine_year" {
            // Only nine-year schools keep the primary / junior split.
            b = [b[0] + b[1], 0.0];
            e = [e[0] + e[1], 0.0];
        }
        if s.level == "senior" {
            let f = if s.quality { 1.2 } else { 0.85 } * senior_total / senior_w;
            b[0] *= f;
        }
        if s.level == "special" {
            b = [rng.range(60.0, 160.0), 0.0];
        }
        if s.level == "vocational" {
            b = [rng.range(700.0, 2200.0), 0.0];
        }
        let u = match s.zone {
            0 => rng.range(0.8, 1.1),
            1 => rng.range(0.8, 1.05),
            _ => rng.range(0.35, 0.8),
        };
        let (cs_p, cs_j) = match s.level {
            "kindergarten" => (30.0, 30.0),
            "special" => (12.0, 12.0),
            "primary" | "vocational" => (45.0, 45.0),
            "nine_year" => (45.0, 50.0),
            _ => (50.0, 50.0),
        };
        let min_classes = |lvl: &str, zone: u8| -> f64 {
            match (lvl, zone) {
                ("kindergarten", 2) => 1.0,
                ("kindergarten", _) => 3.0,
                ("primary", _) => 6.0,
                ("senior", _) => 12.0,
                ("junior", 2) => 3.0,
                ("junior", _) => 6.0,
                ("nine_year", _) => 6.0, // primary part; junior part 3
                _ => 3.0,
            }
        };
        let cl_p = (b[0] / u / cs_p).ceil().max(min_classes(s.level, s.zone));
        let cl_j = if s.level == "nine_year" {
            (b[1] / u / cs_j).ceil().max(3.0)
        } else {
            0.0
        };
        s.capacity = (cl_p * cs_p + cl_j * cs_j) as u32;
        let ep = (b[0] + e[0]).round() as u32;
        let ej = (b[1] + e[1]).round() as u32;
        // A crowded school opens extra classes in makeshift rooms (seats stay the design
        // capacity), keeping the average class at most 20 % over the standard.
        let cl_p = cl_p.max((ep as f64 / (cs_p * 1.2).min(54.0).floor()).ceil());
        let cl_j = if s.level == "nine_year" {
            cl_j.max((ej as f64 / (cs_j * 1.2).min(54.0).floor()).ceil())
        } else {
            0.0
        };
        s.classes = (cl_p + cl_j) as u32;
        s.split_classes = (cl_p as u32, cl_j as u32);
        s.split = (ep, ej);
        s.enrolment = ep + ej;
    }
}

/// Kindergarten ownership and 普惠: public share of enrolment ≈ 42.7 % (the plan's 2020
/// figure), inclusive share ≈ 80 % (target 85 %).
fn ownership(v: &mut [School], rng: &mut Rng) {
    let kg: Vec<usize> = (0..v.len())
        .filter(|&i| v[i].level == "kindergarten")
        .collect();
    let total: f64 = kg.iter().map(|&i| v[i].enrolment as f64).sum();
    let mut public: f64 = kg
        .iter()
        .filter(|&&i| v[i].central && v[i].public)
        .map(|&i| v[i].enrolment as f64)
        .sum();
    let mut order: Vec<(u64, usize)> = kg
        .iter()
        .filter(|&&i| !v[i].central)
        .map(|&i| (rng.next_u64(), i))
        .collect();
    order.sort();
    for &(_, i) in &order {
        if public / total < 0.427 {
            v[i].public = true;
            public += v[i].enrolment as f64;
        } else {
            v[i].public = false;
        }
    }
    let mut inclusive: f64 = kg
        .iter()
        .filter(|&&i| v[i].public || v[i].central)
        .map(|&i| v[i].enrolment as f64)
        .sum();
    for &(_, i) in order.iter().rev() {
        if v[i].public {
            v[i].inclusive = true;
            v[i].quality = rng.chance(0.35);
        } else if inclusive / total < 0.80 {
            v[i].inclusive = true;
            inclusive += v[i].enrolment as f64;
        } else {
            v[i].inclusive = false;
        }
    }
    for s in v.iter_mut() {
        if matches!(s.level, "primary" | "junior" | "nine_year") && s.zone == 0 {
            s.quality = rng.chance(0.15);
        }
        if s.level != "kindergarten" {
            s.public = true;
            s.inclusive = true;
        }
    }
}

fn names(_inp: &Inputs, ts: &[Township], v: &mut [School]) {
    const BRANDS: [&str; 12] = [
        "阳光",
        "童心",
        "小太阳",
        "金色童年",
        "蓝天",
        "博雅",
        "启明星",
        "彩虹",
        "育英",
        "未来星",
        "小精灵",
        "爱心",
    ];
    // Numbers of urban primary and junior schools (synthetic names; the junior numbers start
    // after the senior-high numbers used in the sources).
    let (mut np, mut nj) = (0, 20);
    let mut town_counts: std::collections::BTreeMap<(usize, &str), u32> = Default::default();
    let mut experimental = true;
    for (k, s) in v.iter_mut().enumerate() {
        let t = &ts[s.township];
        let short = short_name(&t.name);
        if s.level == "kindergarten" && !s.public && !s.central {
            s.name = format!("{short}{}幼儿园 (synthetic)", BRANDS[k % BRANDS.len()]);
        }
        if !s.name.is_empty() {
            continue;
        }
        let level = s.level;
        match (level, s.zone) {
            ("primary", 0) if experimental && t.name == "站前街道" => {
                s.name = "抚顺市实验小学 (real name, synthetic site)".into();
                s.quality = true;
                experimental = false;
            }
            ("primary", 0) => {
                np += 1;
                s.name = format!("抚顺市第{}小学 (synthetic)", zh_num(np));
            }
            ("junior", 0) => {
                nj += 1;
                s.name = format!("抚顺市第{}中学 (synthetic)", zh_num(nj));
            }
            (_, _) => {
                let n = town_counts.entry((s.township, level)).or_insert(0);
                *n += 1;
                let what = if level == "junior" {
                    "初级中学"
                } else {
                    "小学"
                };
                s.name = format!("{short}第{}{what} (synthetic)", zh_num(*n));
            }
        }
    }
}

/// Splits `n` pupils into `k` classes as evenly as possible, with a little variation.
fn split(n: u32, k: u32, rng: &mut Rng) -> Vec<u32> {
    if k == 0 {
        return Vec::new();
    }
    let base = n / k;
    let mut out: Vec<u32> = (0..k).map(|i| base + u32::from(i < n % k)).collect();
    for _ in 0..k {
        let (a, b) = (rng.below(k as usize), rng.below(k as usize));
        let d = rng.int(0, 2) as u32;
        if a != b && out[a] > d && out[b] + d <= 55 {
            out[a] -= d;
            out[b] += d;
        }
    }
    out
}

fn sizes_and_resources(s: &mut School, rng: &mut Rng) {
    if s.status == "closed" {
        s.classes = 0;
        s.capacity = 0;
        s.enrolment = 0;
        return;
    }
    if s.level == "nine_year" {
        let (cl_p, cl_j) = s.split_classes;
        let mut sizes = split(s.split.0, cl_p, rng);
        sizes.extend(split(s.split.1, cl_j, rng));
        s.class_sizes = sizes;
    } else {
        s.class_sizes = split(s.enrolment, s.classes, rng);
    }
    if !matches!(s.level, "primary" | "junior" | "nine_year") {
        return;
    }
    let junior = s.level == "junior" || (s.level == "nine_year" && s.split.1 > s.split.0);
    let n = s.enrolment.max(1) as f64;
    let cap = s.capacity.max(1) as f64;
    let (t, bb, pe, area, sport, eq, mm) = if junior {
        (6.3, 1.3, 1.1, 7.2, 12.5, 3300.0, 2.9)
    } else {
        (5.2, 1.3, 1.1, 5.6, 9.5, 2700.0, 2.8)
    };
    let rural = s.zone == 2;
    let q = if rural { 0.9 } else { 1.0 };
    let mut r = |rate: f64, spread: f64| (rate * (1.0 + spread * rng.normal())).max(0.0);
    s.res = vec![
        (
            "res_qualified_teachers",
            (n / 100.0 * r(t * q, 0.12)).round(),
        ),
        (
            "res_backbone_teachers",
            (n / 100.0 * r(bb * q, 0.3)).round(),
        ),
        (
            "res_pe_arts_teachers",
            (n / 100.0 * r(pe * q, 0.25)).round(),
        ),
        // Floor and ground areas are built for the capacity, so crowded schools fall short.
        ("res_teaching_area_m2", (cap * r(area, 0.15)).round()),
        (
            "res_sports_area_m2",
            (cap * r(sport * if rural { 1.4 } else { 1.0 }, 0.25)).round(),
        ),
        (
            "res_equipment_yuan",
            (n * r(eq * q, 0.3) / 1000.0).round() * 1000.0,
        ),
        (
            "res_multimedia_rooms",
            (n / 100.0 * r(mm, 0.2)).round().max(1.0),
        ),
    ];
}

/// Large classes (大班额) in crowded central schools: about a dozen schools get 56+ classes,
/// two of them a 66+ class.
fn large_classes(v: &mut [School], rng: &mut Rng) {
    let mut crowded: Vec<usize> = (0..v.len())
        .filter(|&i| {
            let s = &v[i];
            s.zone == 0
                && matches!(s.level, "primary" | "junior" | "senior")
                && s.classes >= 12
                && s.enrolment as f64 / s.classes as f64 > 44.0
        })
        .collect();
    crowded.sort_by(|&a, &b| {
        let ra = v[a].enrolment as f64 / v[a].capacity.max(1) as f64;
        let rb = v[b].enrolment as f64 / v[b].capacity.max(1) as f64;
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for (rank, &i) in crowded.iter().take(12).enumerate() {
        let s = &mut v[i];
        let n_big = 1 + rng.below(4);
        let k = s.class_sizes.len();
        for b in 0..n_big {
            let target = if rank < 2 && b == 0 {
                66 + rng.int(0, 3) as u32
            } else {
                56 + rng.int(0, 5) as u32
            };
            let cur = s.class_sizes[b];
            if cur >= target {
                continue;
            }
            let mut need = target - cur;
            s.class_sizes[b] = target;
            // Take the pupils from the other classes, one at a time.
            let mut j = n_big;
            while need > 0 && j < k * 4 {
                let idx = n_big + (j % (k - n_big));
                if s.class_sizes[idx] > 30 {
                    s.class_sizes[idx] -= 1;
                    need -= 1;
                }
                j += 1;
            }
            s.class_sizes[b] -= need;
        }
    }
}

fn ids(inp: &Inputs, ts: &[Township], v: &mut [School]) {
    let order = [
        "kindergarten",
        "primary",
        "junior",
        "nine_year",
        "senior",
        "special",
        "vocational",
    ];
    let prefix = ["kg", "pri", "jun", "nin", "sen", "spe", "voc"];
    v.sort_by(|a, b| {
        let la = order.iter().position(|l| *l == a.level);
        let lb = order.iter().position(|l| *l == b.level);
        la.cmp(&lb)
            .then(
                inp.counties[a.county]
                    .code
                    .cmp(&inp.counties[b.county].code),
            )
            .then(ts[a.township].code.cmp(&ts[b.township].code))
            .then(b.central.cmp(&a.central))
            .then(a.at.0.total_cmp(&b.at.0))
    });
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut count = [0u32; 7];
    for s in v.iter_mut() {
        let l = order.iter().position(|l| *l == s.level).unwrap();
        count[l] += 1;
        s.id = format!("{}-{:04}", prefix[l], count[l]);
        // Names must be unique too.
        let mut name = s.name.clone();
        let mut k = 2;
        while !seen.insert(name.clone()) {
            name = s.name.replace(" (synthetic)", &format!("{k} (synthetic)"));
            k += 1;
        }
        s.name = name;
    }
}
