//! The acceptance checks of issue 12 on `maps/fushun/plan-2025.toml`: urban and rural
//! standards, the 2025 cohorts following the births, attendance zones inside counties, and
//! pupils above seats equal to the counties' seat shortfall. The forecast is recomputed here
//! from the scenario's own `[forecast]` and the base table, independently of the engine.

use std::collections::BTreeMap;

use schoolplan_testkit::repo_root;
use schoolplan_testkit::runs::*;
use serde_json::Value;

const PLAN: &str = "maps/fushun/plan-2025.toml";

/// The scenario's forecast parameters, read with `toml` (not the engine's loader).
struct Params {
    base_year: i32,
    anchor: usize,
    births: BTreeMap<i32, f64>,
    infant: f64,
    child: f64,
    migration: f64,
}

fn params() -> Params {
    let text = std::fs::read_to_string(repo_root().join(PLAN)).unwrap();
    let v: toml::Value = toml::from_str(&text).unwrap();
    let f = &v["forecast"];
    let births = f["births"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["year"].as_integer().unwrap() as i32,
                b["births"]
                    .as_integer()
                    .map(|x| x as f64)
                    .or(b["births"].as_float())
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(f["births_after"].as_str(), Some("hold"));
    Params {
        base_year: f["base_year"].as_integer().unwrap() as i32,
        anchor: f["anchor_age"].as_integer().unwrap_or(0) as usize,
        births,
        infant: f["infant_survival"].as_float().unwrap(),
        child: f["child_survival"].as_float().unwrap(),
        migration: f["migration"].as_float().unwrap(),
    }
}

/// Births of `year`: a record, else geometric between records, else the nearest record held.
fn births(p: &Params, year: i32) -> f64 {
    if let Some(b) = p.births.get(&year) {
        return *b;
    }
    let before = p.births.range(..year).next_back();
    let after = p.births.range(year..).next();
    match (before, after) {
        (Some((&y0, &b0)), Some((&y1, &b1))) => {
            b0 * (b1 / b0).powf(f64::from(year - y0) / f64::from(y1 - y0))
        }
        (Some((_, &b)), None) | (None, Some((_, &b))) => b,
        _ => unreachable!(),
    }
}

/// Persons aged `from..=to` of one county in `year`, from its base ages by single year.
fn cohort(p: &Params, base: &[f64], year: i32, from: usize, to: usize) -> f64 {
    let mut ages = base.to_vec();
    for t in p.base_year + 1..=year {
        let mut next = vec![0.0; ages.len()];
        next[0] = base[p.anchor] * births(p, t) / births(p, p.base_year - p.anchor as i32);
        for a in 1..ages.len() {
            let s = if a == 1 { p.infant } else { p.child };
            next[a] = ages[a - 1] * s * (1.0 + p.migration);
        }
        ages = next;
    }
    (from..=to).map(|a| ages[a]).sum()
}

fn base_table() -> BTreeMap<String, Vec<f64>> {
    let text =
        std::fs::read_to_string(repo_root().join("maps/fushun/forecast/census-2020-ages.csv"))
            .unwrap();
    let mut m: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (a, b): (usize, usize) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        let persons: f64 = f[3].parse().unwrap();
        let v = m.entry(f[0].to_string()).or_default();
        if v.len() <= b {
            v.resize(b + 1, 0.0);
        }
        v[a..=b].fill(persons / (b - a + 1) as f64);
    }
    m
}

#[test]
fn plan_2025_measures_urban_and_rural_forecasts_2025_and_zones_within_counties() {
    let r = run(PLAN);

    // 1. Urban and rural standards, the rural one larger.
    for level in ["kindergarten", "primary", "junior"] {
        let s = r.level(level)["settings"]
            .as_array()
            .expect("settings")
            .clone();
        let radius =
            |name: &str| num(&s.iter().find(|x| x["setting"] == name).unwrap()["radius_m"]);
        assert!(radius("rural") > radius("urban"), "{level}");
        let demand: f64 = s.iter().map(|x| num(&x["demand"])).sum();
        assert!(close(demand, num(&r.level(level)["demand"]), 1e-6));
    }

    // 2. The 2025 kindergarten cohort follows the births (not the 2020 census).
    let p = params();
    let base = base_table();
    let rows = r.summary["forecast"].as_array().unwrap().clone();
    let row = |year: i64, county: &str, level: &str| -> f64 {
        num(&rows
            .iter()
            .find(|x| x["year"] == year && x["county"] == county && x["level"] == level)
            .unwrap_or_else(|| panic!("row {year} {county} {level}"))["children"])
    };
    let mut k2020 = 0.0;
    let mut k2025 = 0.0;
    for (county, ages) in &base {
        let census = row(2020, county, "kindergarten");
        let factor = cohort(&p, ages, 2025, 3, 5) / cohort(&p, ages, 2020, 3, 5);
        let got = row(2025, county, "kindergarten");
        assert!(
            close(got, census * factor, 1e-9),
            "{county}: {got} vs {}",
            census * factor
        );
        // Primary: ages 6–11 of 2025 are the census ages 1–6, aged.
        let pf = cohort(&p, ages, 2025, 6, 11) / cohort(&p, ages, 2020, 6, 11);
        assert!(close(
            row(2025, county, "primary"),
            row(2020, county, "primary") * pf,
            1e-9
        ));
        k2020 += census;
        k2025 += got;
    }
    assert!(k2025 < 0.65 * k2020, "{k2025} of {k2020}");
    let rate = 0.895; // the scenario's kindergarten enrolment rate
    assert!(close(
        num(&r.level("kindergarten")["demand"]),
        rate * k2025,
        1e-9
    ));
    let years: Vec<i64> = rows.iter().map(|x| x["year"].as_i64().unwrap()).collect();
    assert_eq!(years.iter().min(), Some(&2020));
    assert_eq!(years.iter().max(), Some(&2025));

    // 3. Zones for primary and junior; no pupil zoned across a county line (every county has
    // schools of both levels).
    let zones = r.props("zones.geojson");
    let cells = r.props("coverage.geojson");
    let schools = r.props("schools.geojson");
    let county_of: BTreeMap<String, Option<String>> = schools
        .iter()
        .map(|s| (text(&s["id"]), s["county"].as_str().map(str::to_string)))
        .collect();
    for level in ["primary", "junior"] {
        assert!(zones.iter().any(|z| z["level"] == level), "{level} zones");
        let mut seats: BTreeMap<String, f64> = BTreeMap::new();
        for s in &schools {
            if let (Some(c), Some(x)) = (
                s["county"].as_str(),
                opt_num(s.get(&format!("seats_{level}"))),
            ) {
                *seats.entry(c.to_string()).or_default() += x;
            }
        }
        let mut demand: BTreeMap<String, f64> = BTreeMap::new();
        for c in &cells {
            let d = num(&c[&format!("demand_{level}")]);
            let Some(county) = c["county"].as_str() else {
                continue;
            };
            *demand.entry(county.to_string()).or_default() += d;
            if d > 0.0 {
                assert!(seats.contains_key(county));
                let z = c[&format!("zone_{level}")].as_str().expect("zoned");
                assert_eq!(
                    county_of[z].as_deref(),
                    Some(county),
                    "{level} cell {}",
                    c["id"]
                );
            }
        }
        // 4. Pupils above seats over all schools = the counties' seat shortfall.
        let over: f64 = schools
            .iter()
            .filter_map(|s| {
                let p = opt_num(s.get(&format!("zone_pupils_{level}")))?;
                let x = opt_num(s.get(&format!("seats_{level}")))?;
                Some((p - x).max(0.0))
            })
            .sum();
        let shortfall: f64 = demand
            .iter()
            .map(|(c, d)| (d - seats.get(c).copied().unwrap_or(0.0)).max(0.0))
            .sum();
        assert!(
            (over - shortfall).abs() < 1e-3,
            "{level}: {over} vs {shortfall}"
        );
        let z: &Value = &r.level(level)["zones"];
        assert!((num(&z["shortfall"]) - shortfall).abs() < 1e-3);
        assert_eq!(num(&z["cross_county_pupils"]), 0.0);
    }
}

#[test]
fn plan_2030_carries_the_forecast_to_2030() {
    let r = run("maps/fushun/plan-2030.toml");
    let rows = r.summary["forecast"].as_array().unwrap();
    assert!(rows.iter().any(|x| x["year"] == 2030));
    let births = r.summary["forecast_births"].as_array().unwrap();
    let b2030 = births.iter().find(|b| b["year"] == 2030).unwrap();
    assert_eq!(b2030["status"], "extrapolated");
    // Ages 6–11 of 2030 were born 2019–2024: the primary cohort falls further than 2025's.
    let total = |year: i64, level: &str| -> f64 {
        rows.iter()
            .filter(|x| x["year"] == year && x["level"] == level)
            .map(|x| num(&x["children"]))
            .sum()
    };
    assert!(total(2030, "primary") < total(2025, "primary"));
    assert!(r.path("zones.geojson").exists());
}
