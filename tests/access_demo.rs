//! Urban and rural standards, the forecast and attendance zones on the demo map, checked
//! against answers computed here by hand from the input layers (tests/data/access/).

use std::collections::BTreeMap;

use schoolplan_testkit::runs::*;
use serde_json::Value;

const DEMO_ACCESS: &str = "tests/data/access/demo-access.toml";
const DEMO_CROWDED: &str = "tests/data/access/demo-crowded.toml";
const STREET: &str = "990101001";
const WEST: &str = "990101";
const EAST: &str = "990102";

/// The population cells' base cohorts, by cell id.
fn base_cells() -> BTreeMap<String, serde_json::Map<String, Value>> {
    input_props("maps/demo/population.geojson")
        .into_iter()
        .map(|p| (text(&p["id"]), p))
        .collect()
}

#[test]
fn cells_of_the_street_are_urban_and_each_is_measured_against_its_own_standard() {
    let r = run(DEMO_ACCESS);
    let cells = r.props("coverage.geojson");
    assert!(!cells.is_empty());
    // The rule of the scenario: cells of the 街道 are urban, the rest rural.
    for c in &cells {
        let urban = c["township"] == STREET;
        assert_eq!(
            c["setting"],
            if urban { "urban" } else { "rural" },
            "cell {}",
            c["id"]
        );
    }
    for level in ["kindergarten", "primary", "junior"] {
        let l = r.level(level);
        let settings = l["settings"].as_array().expect("settings");
        assert_eq!(settings.len(), 2, "{level}");
        let radius: BTreeMap<String, f64> = settings
            .iter()
            .map(|s| (text(&s["setting"]), num(&s["radius_m"])))
            .collect();
        // National defaults: GB 50180-2018 in town, the larger rural standard outside.
        let urban_default = [
            ("kindergarten", 300.0),
            ("primary", 500.0),
            ("junior", 1000.0),
        ];
        let rural_default = [
            ("kindergarten", 1000.0),
            ("primary", 2000.0),
            ("junior", 3000.0),
        ];
        let pick = |t: &[(&str, f64)]| t.iter().find(|x| x.0 == level).unwrap().1;
        assert_eq!(radius["urban"], pick(&urban_default));
        assert_eq!(radius["rural"], pick(&rural_default));
        assert!(radius["rural"] > radius["urban"]);
        for s in settings {
            let setting = text(&s["setting"]);
            let mine: Vec<_> = cells.iter().filter(|c| c["setting"] == *setting).collect();
            let demand: f64 = mine
                .iter()
                .map(|c| num(&c[&format!("demand_{level}")]))
                .sum();
            // Covered within the cell's own radius (these cells need no boarding school); the
            // layer rounds distances to 0.1 m, so cells within 0.05 m of the radius may go
            // either way.
            let demand_of =
                |c: &&serde_json::Map<String, Value>| num(&c[&format!("demand_{level}")]);
            let dist =
                |c: &&serde_json::Map<String, Value>| opt_num(c.get(&format!("dist_{level}_m")));
            let r0 = radius[&setting];
            let sure: f64 = mine
                .iter()
                .filter(|c| dist(c).is_some_and(|d| d < r0 - 0.05))
                .map(demand_of)
                .sum();
            let edge: f64 = mine
                .iter()
                .filter(|c| dist(c).is_some_and(|d| (d - r0).abs() <= 0.05))
                .map(demand_of)
                .sum();
            assert!(close(num(&s["demand"]), demand, 1e-6), "{level} {setting}");
            if level != "junior" {
                let covered = num(&s["covered"]);
                // `covered` and each cell's demand are rounded to 1e-6 separately: their sums
                // may differ by a few 1e-6.
                assert!(
                    covered >= sure - 1e-4 && covered <= sure + edge + 1e-4,
                    "{level} {setting}: {covered} vs {sure} + {edge}"
                );
            }
            for c in &mine {
                let d = opt_num(c.get(&format!("dist_{level}_m")));
                let covered = c[&format!("covered_{level}")] == true;
                if d.is_some_and(|d| d <= radius[&setting] - 0.05) {
                    assert!(covered, "{level} cell {} within its radius", c["id"]);
                }
                if level != "junior" && d.is_some_and(|d| d > radius[&setting] + 0.05) {
                    assert!(!covered, "{level} cell {} beyond its radius", c["id"]);
                }
            }
        }
    }
}

/// Hand-computed forecast factors (tests/data/access/demo-ages.csv; births 100 → 25 over
/// 2020–2022, 2021 interpolated at 50, held at 25 after; survival 1, no migration):
/// ages 3–5 in 2025 were born 2022, 2021, 2020: West 100 × (25 + 50 + 100)/100 = 175 against
/// 3 × 100 in 2020; East 60 × 1.75 = 105 against 3 × 80. Ages 6–11 in 2025 are the census
/// ages 1–6: West 600 / 600, East 480 / (4 × 80 + 2 × 90). Ages 12–14 are ages 7–9: West
/// 300 / 300, East 240 / 270.
fn factors() -> BTreeMap<(&'static str, &'static str), f64> {
    [
        ((WEST, "kindergarten"), 175.0 / 300.0),
        ((EAST, "kindergarten"), 105.0 / 240.0),
        ((WEST, "primary"), 1.0),
        ((EAST, "primary"), 480.0 / 500.0),
        ((WEST, "junior"), 1.0),
        ((EAST, "junior"), 240.0 / 270.0),
    ]
    .into_iter()
    .collect()
}

#[test]
fn the_2025_cohorts_follow_the_births_not_the_census() {
    let r = run(DEMO_ACCESS);
    let base = base_cells();
    let cells = r.props("coverage.geojson");
    let county_of: BTreeMap<String, String> = cells
        .iter()
        .map(|c| (text(&c["id"]), text(&c["county"])))
        .collect();
    let field = |level: &str| match level {
        "kindergarten" => "pop_3_5",
        "primary" => "pop_6_11",
        _ => "pop_12_14",
    };
    let census = |county: &str, level: &str| -> f64 {
        base.iter()
            .filter(|(id, _)| county_of.get(*id).is_some_and(|c| c == county))
            .map(|(_, p)| opt_num(p.get(field(level))).unwrap_or(0.0))
            .sum()
    };
    let f = factors();
    let rows = r.summary["forecast"].as_array().expect("forecast rows");
    let row = |year: i64, county: &str, level: &str| -> f64 {
        rows.iter()
            .find(|x| x["year"] == year && x["county"] == county && x["level"] == level)
            .map(|x| num(&x["children"]))
            .unwrap_or_else(|| panic!("no row {year} {county} {level}"))
    };
    for level in ["kindergarten", "primary", "junior"] {
        let mut expected = 0.0;
        for county in [WEST, EAST] {
            let c = census(county, level);
            assert!(c > 0.0);
            assert!(
                close(row(2020, county, level), c, 1e-9),
                "2020 is the census"
            );
            let want = c * f[&(county, level)];
            assert!(
                close(row(2025, county, level), want, 1e-9),
                "{county} {level}: {} vs {want}",
                row(2025, county, level)
            );
            expected += want;
        }
        // The demo's enrolment rates are 1.
        let demand = num(&r.level(level)["demand"]);
        assert!(
            close(demand, expected, 1e-9),
            "{level}: {demand} vs {expected}"
        );
    }
    // Every year from the base to the scenario's, for both counties and the four levels.
    assert_eq!(rows.len(), 6 * 2 * 4);
    // Not the census: the kindergarten cohort about halves.
    let k_census = census(WEST, "kindergarten") + census(EAST, "kindergarten");
    assert!(num(&r.level("kindergarten")["demand"]) < 0.6 * k_census);
    // The births index, with its assumptions flagged.
    let births: BTreeMap<i64, (f64, String)> = r.summary["forecast_births"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["year"].as_i64().unwrap(),
                (num(&b["births"]), text(&b["status"])),
            )
        })
        .collect();
    assert_eq!(births[&2021], (50.0, "interpolated".to_string()));
    assert_eq!(births[&2022].1, "recorded");
    assert_eq!(births[&2025], (25.0, "extrapolated".to_string()));
    // forecast.csv has the same rows.
    let csv = std::fs::read_to_string(r.path("forecast.csv")).unwrap();
    assert_eq!(csv.lines().count(), rows.len() + 1);
    assert!(csv.starts_with("year,county,county_name,level,children\n"));
}

/// Per county of the level: pupils (coverage.geojson demand) and known seats of the serving
/// schools located in it (schools.geojson), and whether it has a school of the level at all.
fn county_balance(r: &Run, level: &str) -> BTreeMap<String, (f64, f64, usize)> {
    let cells = r.props("coverage.geojson");
    let schools = r.props("schools.geojson");
    let mut m: BTreeMap<String, (f64, f64, usize)> = BTreeMap::new();
    for c in &cells {
        if let Some(k) = c["county"].as_str() {
            m.entry(k.to_string()).or_default().0 += num(&c[&format!("demand_{level}")]);
        }
    }
    for s in &schools {
        if let (Some(k), Some(seats)) = (
            s["county"].as_str(),
            opt_num(s.get(&format!("seats_{level}"))),
        ) {
            let e = m.entry(k.to_string()).or_default();
            e.1 += seats;
            e.2 += 1;
        }
    }
    m
}

fn school_county(r: &Run) -> BTreeMap<String, Option<String>> {
    r.props("schools.geojson")
        .iter()
        .map(|s| (text(&s["id"]), s["county"].as_str().map(str::to_string)))
        .collect()
}

#[test]
fn zones_stay_in_their_county_and_pupils_above_seats_are_the_county_shortfall() {
    for scenario in [DEMO_ACCESS, DEMO_CROWDED] {
        let r = run(scenario);
        let zones = r.props("zones.geojson");
        let cells = r.props("coverage.geojson");
        let schools = r.props("schools.geojson");
        let county_of_school = school_county(&r);
        let mut total_short = 0.0;
        for level in ["primary", "junior"] {
            let feats: Vec<_> = zones.iter().filter(|z| z["level"] == level).collect();
            assert!(!feats.is_empty(), "{scenario}: zones of {level}");
            let balance = county_balance(&r, level);
            // Both counties have schools of the level: nobody crosses a county line.
            for c in &cells {
                let zone = c.get(&format!("zone_{level}")).and_then(Value::as_str);
                let demand = num(&c[&format!("demand_{level}")]);
                if demand > 0.0 {
                    let z = zone.unwrap_or_else(|| panic!("cell {} has no zone", c["id"]));
                    let county = text(&c["county"]);
                    assert!(balance[&county].2 > 0);
                    assert_eq!(
                        county_of_school[z].as_deref(),
                        Some(county.as_str()),
                        "{scenario} {level}: cell {} zoned to {z}",
                        c["id"]
                    );
                }
            }
            // Hand: shortfall of a county = max(0, pupils − seats); pupils above seats over
            // the schools add up to it, and where a county has room nobody is above seats.
            let mut shortfall = 0.0;
            for (county, &(d, s, _)) in &balance {
                let short = (d - s).max(0.0);
                shortfall += short;
                let over: f64 = schools
                    .iter()
                    .filter(|x| x["county"] == county.as_str())
                    .filter_map(|x| {
                        let p = opt_num(x.get(&format!("zone_pupils_{level}")))?;
                        let seats = opt_num(x.get(&format!("seats_{level}")))?;
                        Some((p - seats).max(0.0))
                    })
                    .sum();
                assert!(
                    (over - short).abs() < 1e-3,
                    "{scenario} {level} {county}: over seats {over}, shortfall {short}"
                );
                let row = r.level(level)["zones"]["counties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["county"] == county.as_str())
                    .unwrap()
                    .clone();
                assert!((num(&row["shortfall"]) - short).abs() < 1e-3);
            }
            let z = &r.level(level)["zones"];
            assert!((num(&z["over_seats"]) - shortfall).abs() < 1e-3);
            assert!((num(&z["shortfall"]) - shortfall).abs() < 1e-3);
            assert_eq!(num(&z["cross_county_pupils"]), 0.0);
            // Every pupil is zoned once: the zones add up to the level's demand.
            let zoned: f64 = feats.iter().map(|f| num(&f["pupils"])).sum();
            assert!(close(zoned, num(&r.level(level)["demand"]), 1e-6));
            // The layer's school figures match the schools layer.
            for f in &feats {
                let s = schools.iter().find(|s| s["id"] == f["school"]).unwrap();
                assert!(
                    (num(&f["pupils"]) - num(&s[&format!("zone_pupils_{level}")])).abs() < 1e-3
                );
                assert!(f["parts"].as_u64().unwrap() >= 1);
            }
            total_short += shortfall;
        }
        if scenario == DEMO_CROWDED {
            // The crowded variant really is short of seats in the West District (and only there).
            assert!(total_short > 100.0, "{total_short}");
            let b = county_balance(&r, "primary");
            assert!(b[WEST].0 > b[WEST].1 && b[EAST].0 < b[EAST].1);
        } else {
            assert_eq!(total_short, 0.0);
        }
        assert!(r.path("zones.qml").exists());
    }
}

#[test]
fn utilisation_and_over_capacity_are_measured_on_the_zones() {
    let r = run(DEMO_CROWDED);
    for s in r.props("schools.geojson") {
        for level in ["primary", "junior"] {
            let (Some(p), Some(seats)) = (
                opt_num(s.get(&format!("zone_pupils_{level}"))),
                opt_num(s.get(&format!("seats_{level}"))),
            ) else {
                continue;
            };
            let over = num(&s[&format!("over_capacity_{level}")]);
            assert!((over - (p - seats).max(0.0)).abs() < 1e-3, "{}", s["id"]);
            if seats > 0.0 {
                let u = num(&s[&format!("utilisation_{level}")]);
                assert!((u - p / seats).abs() < 1e-6, "{}", s["id"]);
            }
        }
    }
    let l = r.level("primary");
    let over_pupils = num(&l["over_capacity_pupils"]);
    assert!((over_pupils - num(&l["zones"]["over_seats"])).abs() < 1e-3);
}
