//! `[forecast]` of a scenario: checks its numbers and reads the base population table.
//!
//! The table is a CSV with the header `county,age_from,age_to,persons`: one row per county
//! and age group (ages inclusive, `age_to ≥ age_from`, at most 120). A group of several years
//! is split evenly between them (the census publishes 0, 1–4, 5–9, …); groups of one county
//! must not overlap. Every problem of the file is reported at once, with its line.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{BirthsAfter, CountyRates, ForecastConfig, ForecastFile};
use crate::error::{Error, Result};

fn err(path: &Path, message: String) -> Error {
    Error::Scenario {
        file: path.to_path_buf(),
        message,
    }
}

/// Resolves `[forecast]` of the scenario at `path` (describing `year`).
pub fn resolve(path: &Path, f: &ForecastFile, year: Option<i32>) -> Result<ForecastConfig> {
    let base_year = f
        .base_year
        .ok_or_else(|| err(path, "`forecast.base_year`: required".into()))?;
    if let Some(y) = year {
        if y < base_year {
            return Err(err(
                path,
                format!("`year` = {y} is before `forecast.base_year` = {base_year}: a forecast runs forward"),
            ));
        }
    }
    let base_file = f.base_ages.clone().ok_or_else(|| {
        err(
            path,
            "`forecast.base_ages`: required (a CSV county,age_from,age_to,persons)".into(),
        )
    })?;
    if f.births.is_empty() {
        return Err(err(
            path,
            "`forecast.births`: at least one `{ year, births }` record is required".into(),
        ));
    }
    let mut births = f.births.clone();
    births.sort_by_key(|b| b.year);
    for w in births.windows(2) {
        if w[0].year == w[1].year {
            return Err(err(
                path,
                format!("`forecast.births`: year {} appears twice", w[0].year),
            ));
        }
    }
    for b in &births {
        if !(b.births.is_finite() && b.births > 0.0) {
            return Err(err(
                path,
                format!(
                    "`forecast.births` year {}: expected a number of births > 0, found {}",
                    b.year, b.births
                ),
            ));
        }
    }
    let rate = |key: &str, v: Option<f64>, lo: f64, hi: f64, default: f64| -> Result<f64> {
        match v {
            None => Ok(default),
            Some(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
            Some(x) => Err(err(
                path,
                format!("`{key}`: expected a number in [{lo}, {hi}], found {x}"),
            )),
        }
    };
    let default_rates = CountyRates {
        infant_survival: rate(
            "forecast.infant_survival",
            f.infant_survival,
            0.5,
            1.0,
            0.9946,
        )?,
        child_survival: rate(
            "forecast.child_survival",
            f.child_survival,
            0.5,
            1.0,
            0.9997,
        )?,
        migration: rate("forecast.migration", f.migration, -0.5, 0.5, 0.0)?,
        urbanisation: rate("forecast.urbanisation", f.urbanisation, 0.0, 0.5, 0.0)?,
    };
    let mut county_rates = BTreeMap::new();
    for (code, c) in &f.counties {
        let k = |name: &str| format!("forecast.counties.{code}.{name}");
        county_rates.insert(
            code.clone(),
            CountyRates {
                infant_survival: rate(
                    &k("infant_survival"),
                    c.infant_survival,
                    0.5,
                    1.0,
                    default_rates.infant_survival,
                )?,
                child_survival: rate(
                    &k("child_survival"),
                    c.child_survival,
                    0.5,
                    1.0,
                    default_rates.child_survival,
                )?,
                migration: rate(
                    &k("migration"),
                    c.migration,
                    -0.5,
                    0.5,
                    default_rates.migration,
                )?,
                urbanisation: rate(
                    &k("urbanisation"),
                    c.urbanisation,
                    0.0,
                    0.5,
                    default_rates.urbanisation,
                )?,
            },
        );
    }
    let base = read_base(&base_file)?;
    for code in county_rates.keys() {
        if !base.contains_key(code) {
            return Err(err(
                path,
                format!(
                    "`forecast.counties.{code}`: county {code} has no rows in {}",
                    base_file.display()
                ),
            ));
        }
    }
    Ok(ForecastConfig {
        base_year,
        base_file,
        base,
        births,
        births_after: f.births_after.unwrap_or(BirthsAfter::Hold),
        anchor_age: match f.anchor_age {
            Some(a) if a > 5 => {
                return Err(err(
                    path,
                    format!("`forecast.anchor_age`: expected an age 0–5, found {a}"),
                ))
            }
            a => a.unwrap_or(0),
        },
        default_rates,
        county_rates,
    })
}

/// Reads the base table: persons by single year of age per county code.
pub fn read_base(path: &Path) -> Result<BTreeMap<String, Vec<f64>>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| err(path, format!("line 1: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let want = ["county", "age_from", "age_to", "persons"];
    let col: Vec<Option<usize>> = want
        .iter()
        .map(|w| headers.iter().position(|h| h == w))
        .collect();
    if col.iter().any(Option::is_none) {
        return Err(err(
            path,
            format!(
                "line 1: expected the header county,age_from,age_to,persons, found {}",
                headers.join(",")
            ),
        ));
    }
    let col: Vec<usize> = col.into_iter().flatten().collect();
    let mut problems = Vec::new();
    // county → (age → persons), with the line that set each age.
    let mut ages: BTreeMap<String, BTreeMap<u32, (f64, usize)>> = BTreeMap::new();
    for (k, rec) in rdr.records().enumerate() {
        let line = k + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let field = |i: usize| rec.get(col[i]).unwrap_or("").to_string();
        let county = field(0);
        let from = field(1).parse::<u32>();
        let to = field(2).parse::<u32>();
        let persons = field(3).parse::<f64>();
        let (from, to, persons) = match (from, to, persons) {
            (Ok(a), Ok(b), Ok(p))
                if a <= b && b <= 120 && p.is_finite() && p >= 0.0 && !county.is_empty() =>
            {
                (a, b, p)
            }
            _ => {
                problems.push(format!(
                    "line {line}: expected a county code, ages 0 ≤ age_from ≤ age_to ≤ 120 and persons ≥ 0, found {:?},{:?},{:?},{:?}",
                    field(0), field(1), field(2), field(3)
                ));
                continue;
            }
        };
        let share = persons / f64::from(to - from + 1);
        let c = ages.entry(county.clone()).or_default();
        for a in from..=to {
            if let Some(&(_, first)) = c.get(&a) {
                problems.push(format!(
                    "line {line}: county {county} age {a} already given on line {first}"
                ));
                break;
            }
            c.insert(a, (share, line));
        }
    }
    if ages.is_empty() && problems.is_empty() {
        problems.push("no rows".into());
    }
    if !problems.is_empty() {
        return Err(err(path, problems.join("; ")));
    }
    Ok(ages
        .into_iter()
        .map(|(county, m)| {
            let top = m.keys().copied().max().unwrap_or(0) as usize;
            let mut v = vec![0.0; top + 1];
            for (a, (p, _)) in m {
                v[a as usize] = p;
            }
            (county, v)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Setting;

    use crate::model::Level;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const BASE: &str =
        "[layers.schools]\npath = \"s.geojson\"\n[layers.population]\npath = \"p.geojson\"\n";

    #[test]
    fn groups_split_evenly_and_every_problem_is_reported_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let ok = write(
            dir.path(),
            "ages.csv",
            "county,age_from,age_to,persons\nA,0,0,10\nA,1,4,40\nB,0,1,6\n",
        );
        let t = read_base(&ok).unwrap();
        assert_eq!(t["A"], vec![10.0, 10.0, 10.0, 10.0, 10.0]);
        assert_eq!(t["B"], vec![3.0, 3.0]);
        let bad = write(
            dir.path(),
            "bad.csv",
            "county,age_from,age_to,persons\nA,4,1,10\nA,0,2,3\nA,2,3,1\nB,0,0,-1\n",
        );
        let e = read_base(&bad).unwrap_err().to_string();
        for want in [
            "line 2",
            "line 4",
            "already given on line 3",
            "line 5",
            "bad.csv",
        ] {
            assert!(e.contains(want), "{want} in {e}");
        }
        let header = write(dir.path(), "h.csv", "code,from,to,n\nA,0,0,1\n");
        assert!(read_base(&header)
            .unwrap_err()
            .to_string()
            .contains("header"));
    }

    #[test]
    fn forecast_and_settings_keys_resolve_merge_and_check() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "ages.csv",
            "county,age_from,age_to,persons\nA,0,9,100\n",
        );
        write(
            dir.path(),
            "base.toml",
            &format!(
                "year = 2020\n{BASE}[settings]\nurban_township_kinds = [\"street\"]\n[levels.primary]\n[levels.senior]\n[levels.junior]\nzones = true\n[forecast]\nbase_year = 2020\nbase_ages = \"ages.csv\"\nbirths = [{{ year = 2020, births = 100 }}]\nmigration = -0.01\n[forecast.counties.A]\nmigration = -0.02\n"
            ),
        );
        let plan = write(
            dir.path(),
            "plan.toml",
            "extends = \"base.toml\"\nyear = 2025\n[settings]\nurban_min_density_per_km2 = 1500\n[levels.junior.settings.rural]\nboarding_radius_m = 12000\n[forecast]\nanchor_age = 1\n",
        );
        let s = crate::config::Scenario::load(&plan).unwrap();
        let st = s.settings.as_ref().unwrap();
        assert_eq!(
            st.urban_township_kinds,
            vec![crate::model::AreaKind::Street]
        );
        assert_eq!(st.urban_min_density_per_km2, Some(1500.0));
        let j = s.level(Level::Junior).unwrap();
        assert!(j.zones);
        // Rural junior: the default 3,000 m day radius, the boarding reach from the plan.
        let r = j.standard(Setting::Rural);
        assert_eq!((r.radius, r.boarding_radius_m), (3000.0, Some(12000.0)));
        assert_eq!(j.standard(Setting::Urban).radius, 1000.0);
        // Primary gets the rural default too; senior has none (same as urban).
        let p = s.level(Level::Primary).unwrap();
        assert_eq!(p.standard(Setting::Rural).radius, 2000.0);
        let sen = s.level(Level::Senior).unwrap();
        assert_eq!(sen.standard(Setting::Rural).radius, sen.radius);
        let f = s.forecast.as_ref().unwrap();
        assert_eq!((f.base_year, f.anchor_age), (2020, 1));
        assert_eq!(f.base["A"].len(), 10);
        assert_eq!(f.rates("A").migration, -0.02);
        assert_eq!(f.rates("Z").migration, -0.01);
        // Errors name the key.
        let bad = write(
            dir.path(),
            "bad.toml",
            "extends = \"base.toml\"\n[forecast]\nchild_survival = 1.5\n",
        );
        let e = crate::config::Scenario::load(&bad).unwrap_err().to_string();
        assert!(e.contains("forecast.child_survival"), "{e}");
        let early = write(
            dir.path(),
            "early.toml",
            "extends = \"base.toml\"\nyear = 2010\n",
        );
        assert!(crate::config::Scenario::load(&early)
            .unwrap_err()
            .to_string()
            .contains("base_year"));
        let unknown = write(
            dir.path(),
            "u.toml",
            "extends = \"base.toml\"\n[levels.junior.settings.suburban]\nradius_m = 1\n",
        );
        assert!(crate::config::Scenario::load(&unknown).is_err());
        // Without [settings], the rural standard is the urban one.
        let plain = write(dir.path(), "plain.toml", BASE);
        let s = crate::config::Scenario::load(&plain).unwrap();
        let k = s.level(Level::Kindergarten).unwrap();
        assert_eq!(k.standard(Setting::Rural), k.standard(Setting::Urban));
        assert!(s.settings.is_none() && s.forecast.is_none());
    }
}
