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
