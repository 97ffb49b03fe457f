//! Children of the plan year: a cohort-component projection of each county's base census.
//!
//! The census gives each county's residents by age in the base year (single years, or groups
//! split evenly). Every year the population ages by one year (the cohort-component method;
//! e.g. Preston, Heuveline & Guillot, *Demography*, 2001, ch. 6; Smith, Tayman & Swanson, *A
//! Practitioner's Guide to State and Local Population Projections*, 2013):
//!
//! - `P(a + 1, t + 1) = P(a, t) × s(a) × (1 + m)`: survival `s(0)` = infant survival, `s(a ≥ 1)` =
//!   child survival, `m` the county's net migration rate a year;
//! - the new age 0 follows the births: `P(0, t) = P(a, base) × B(t) ÷ B(base − a)` with the
//!   anchor age `a` (default 0; censuses undercount infants, so age 1 may be the better
//!   anchor) — the births series is used as an **index**, so its scope (registered births of
//!   the city) need not match the census's resident children, only their trend. Years the series lacks are interpolated
//!   geometrically between records, and before the first or after the last held (or, with
//!   `births_after = "trend"`, continued at the average rate): each such year is flagged
//!   ([`BirthStatus`]).
//!
//! A level's cohort (`pop_3_5`: ages 3–5) in year `t` is the sum of its ages; the cells of a
//! county are scaled by the ratio of that sum to the base year's (so the population layer keeps
//! its spatial pattern and its census totals at the base year). With `urbanisation = u`, the
//! rural share of a county's cohort falls by the factor `(1 − u)` a year, the children moving
//! to the county's urban cells ([`Projection::setting_factors`]).

use std::collections::BTreeMap;

use crate::config::{BirthsAfter, ForecastConfig, Setting};

/// How a year's births are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BirthStatus {
    /// A record of the series.
    Recorded,
    /// Interpolated geometrically between two records (an assumption).
    Interpolated,
    /// Before the first or after the last record (an assumption).
    Extrapolated,
}

impl BirthStatus {
    /// Name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            BirthStatus::Recorded => "recorded",
            BirthStatus::Interpolated => "interpolated",
            BirthStatus::Extrapolated => "extrapolated",
        }
    }
}

/// One year of the births index.
#[derive(Debug, Clone, PartialEq)]
pub struct BirthYear {
    /// Year.
    pub year: i32,
    /// Births (recorded or estimated).
    pub births: f64,
    /// How it is known.
    pub status: BirthStatus,
    /// Source of a recorded value.
    pub source: Option<String>,
}

/// Base population aged forward, per county, year by year.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Base year.
    pub base_year: i32,
    /// Last year projected.
    pub to_year: i32,
    /// Births from the base year to `to_year`.
    pub births: Vec<BirthYear>,
    /// Per county code: per year from the base (index `t − base`), persons by age.
    pub counties: BTreeMap<String, Vec<Vec<f64>>>,
    /// Per county code: yearly rural-to-urban shift.
    pub urbanisation: BTreeMap<String, f64>,
}

/// The ages of a cohort field: `pop_3_5` → `(3, 5)`; `None` for other names.
pub fn cohort_ages(field: &str) -> Option<(usize, usize)> {
    let rest = field.strip_prefix("pop_")?;
    let (a, b) = rest.split_once('_')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    (a <= b).then_some((a, b))
}

/// Births of every year from `from` to `to` (see the module docs).
pub fn births_series(cfg: &ForecastConfig, from: i32, to: i32) -> Vec<BirthYear> {
    let recs = &cfg.births;
    let first = &recs[0];
    let last = &recs[recs.len() - 1];
    let trend = if last.year > first.year {
        (last.births / first.births).powf(1.0 / f64::from(last.year - first.year))
    } else {
        1.0
    };
    (from..=to)
        .map(|y| {
            if let Some(r) = recs.iter().find(|r| r.year == y) {
                return BirthYear {
                    year: y,
                    births: r.births,
                    status: BirthStatus::Recorded,
                    source: r.source.clone(),
                };
            }
            let (births, status) = if y < first.year {
                (first.births, BirthStatus::Extrapolated)
            } else if y > last.year {
                let b = match cfg.births_after {
                    BirthsAfter::Hold => last.births,
                    BirthsAfter::Trend => last.births * trend.powi(y - last.year),
                };
                (b, BirthStatus::Extrapolated)
            } else {
                let k = recs
                    .iter()
                    .position(|r| r.year > y)
                    .expect("inside the records");
                let (a, b) = (&recs[k - 1], &recs[k]);
                let f = f64::from(y - a.year) / f64::from(b.year - a.year);
                (
                    a.births * (b.births / a.births).powf(f),
                    BirthStatus::Interpolated,
                )
            };
            BirthYear {
                year: y,
                births,
                status,
                source: None,
            }
        })
        .collect()
}

impl Projection {
    /// Projects every county of `cfg` from its base year to `to_year` (the base year itself
    /// when `to_year` is earlier).
    pub fn project(cfg: &ForecastConfig, to_year: i32) -> Projection {
        let to_year = to_year.max(cfg.base_year);
        let births = births_series(cfg, cfg.base_year, to_year);
        let anchor = cfg.anchor_age as usize;
        let b0 = births_series(
            cfg,
            cfg.base_year - anchor as i32,
            cfg.base_year - anchor as i32,
        )[0]
        .births;
        let mut counties = BTreeMap::new();
        let mut urbanisation = BTreeMap::new();
        for (code, base) in &cfg.base {
            let r = cfg.rates(code);
            urbanisation.insert(code.clone(), r.urbanisation);
            let mut years = vec![base.clone()];
            for (k, b) in births.iter().enumerate().skip(1) {
                let prev = &years[k - 1];
                let mut next = vec![0.0; prev.len()];
                if !next.is_empty() {
                    next[0] = base.get(anchor).copied().unwrap_or(0.0) * b.births / b0;
                }
                for a in 1..prev.len() {
                    let s = if a == 1 {
                        r.infant_survival
                    } else {
                        r.child_survival
                    };
                    next[a] = prev[a - 1] * s * (1.0 + r.migration);
                }
                years.push(next);
            }
            counties.insert(code.clone(), years);
        }
        Projection {
            base_year: cfg.base_year,
            to_year,
            births,
            counties,
            urbanisation,
        }
    }

    /// Persons aged `from..=to` in `county` in `year` (`None` outside the projection or for an
    /// unknown county; ages beyond the table count 0).
    pub fn cohort(&self, county: &str, year: i32, from: usize, to: usize) -> Option<f64> {
        let years = self.counties.get(county)?;
        let ages = years.get(usize::try_from(year - self.base_year).ok()?)?;
        Some((from..=to).filter_map(|a| ages.get(a)).sum())
    }

    /// Ratio of the cohort in `year` to the base year's (1 when the base cohort is 0).
    pub fn factor(&self, county: &str, year: i32, from: usize, to: usize) -> Option<f64> {
        let now = self.cohort(county, year, from, to)?;
        let base = self.cohort(county, self.base_year, from, to)?;
        Some(if base > 0.0 { now / base } else { 1.0 })
    }

    /// Factors for the urban and rural cells of `county` in `year`, given the base cohort of its
    /// urban and rural cells in the population layer (`urban0`, `rural0`): the county's factor
    /// with the rural share shrinking by `(1 − urbanisation)` a year. Indexed by
    /// [`Setting::index`].
    pub fn setting_factors(
        &self,
        county: &str,
        year: i32,
        ages: (usize, usize),
        urban0: f64,
        rural0: f64,
    ) -> Option<[f64; 2]> {
        let f = self.factor(county, year, ages.0, ages.1)?;
        let u = self.urbanisation.get(county).copied().unwrap_or(0.0);
        let total0 = urban0 + rural0;
        if u == 0.0 || total0 <= 0.0 || urban0 <= 0.0 || rural0 <= 0.0 {
            return Some([f, f]);
        }
        let r0 = rural0 / total0;
        let r = r0 * (1.0 - u).powi(year - self.base_year);
        let total = total0 * f;
        let mut out = [0.0; 2];
        out[Setting::Urban.index()] = total * (1.0 - r) / urban0;
        out[Setting::Rural.index()] = total * r / rural0;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BirthRecord, CountyRates};

    fn cfg() -> ForecastConfig {
        let rec = |year, births| BirthRecord {
            year,
            births,
            source: None,
        };
        ForecastConfig {
            base_year: 2020,
            base_file: "base.csv".into(),
            base: [("A".to_string(), vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0])]
                .into_iter()
                .collect(),
            births: vec![rec(2019, 1000.0), rec(2022, 125.0)],
            births_after: BirthsAfter::Hold,
            anchor_age: 0,
            default_rates: CountyRates {
                infant_survival: 1.0,
                child_survival: 1.0,
                migration: 0.0,
                urbanisation: 0.0,
            },
            county_rates: BTreeMap::new(),
        }
    }

    #[test]
    fn births_interpolate_geometrically_and_hold() {
        let s = births_series(&cfg(), 2018, 2024);
        let b: Vec<f64> = s.iter().map(|x| x.births.round()).collect();
        // 1000 → 125 over three years: × 0.5 a year.
        assert_eq!(b, vec![1000.0, 1000.0, 500.0, 250.0, 125.0, 125.0, 125.0]);
        let st: Vec<BirthStatus> = s.iter().map(|x| x.status).collect();
        use BirthStatus::*;
        assert_eq!(
            st,
            vec![
                Extrapolated,
                Recorded,
                Interpolated,
                Interpolated,
                Recorded,
                Extrapolated,
                Extrapolated
            ]
        );
        let mut c = cfg();
        c.births_after = BirthsAfter::Trend;
        let t = births_series(&c, 2023, 2023);
        assert!((t[0].births - 62.5).abs() < 1e-9);
    }

    #[test]
    fn cohorts_age_and_follow_births() {
        let p = Projection::project(&cfg(), 2023);
        // 2023, ages 0..=5: age 0 = 10 × B(2023)/B(2020) = 10 × 125/500 (held); age 1 ← 2022's
        // age 0 = 10 × 125/500; age 2 ← 2021's = 10 × 250/500; age 3 ← 2020's age 0 = 10;
        // age 4 ← 20; age 5 ← 30.
        let ages = &p.counties["A"][3];
        assert_eq!(ages, &vec![2.5, 2.5, 5.0, 10.0, 20.0, 30.0]);
        assert_eq!(p.cohort("A", 2023, 3, 5), Some(60.0));
        assert_eq!(p.factor("A", 2023, 3, 5), Some(60.0 / 150.0));
        assert_eq!(p.cohort("B", 2023, 3, 5), None);
        assert_eq!(cohort_ages("pop_3_5"), Some((3, 5)));
        assert_eq!(cohort_ages("pop_total"), None);
        // Anchored on age 1 (20 persons, born 2019: B = 1000): age 0 in 2021 = 20 × 250/1000.
        let mut c = cfg();
        c.anchor_age = 1;
        let q = Projection::project(&c, 2021);
        assert_eq!(q.counties["A"][1][0], 5.0);
        assert_eq!(
            q.counties["A"][0],
            cfg().base["A"],
            "the base year is the census"
        );
    }

    #[test]
    fn survival_migration_and_urbanisation() {
        let mut c = cfg();
        c.default_rates = CountyRates {
            infant_survival: 0.5,
            child_survival: 0.8,
            migration: -0.5,
            urbanisation: 0.5,
        };
        let p = Projection::project(&c, 2021);
        // age 1 in 2021 = 10 × 0.5 × 0.5; age 2 = 20 × 0.8 × 0.5.
        assert_eq!(p.counties["A"][1][1], 2.5);
        assert_eq!(p.counties["A"][1][2], 8.0);
        // Urban 30, rural 70 at base; one year at u = 0.5: rural share 0.7 → 0.35.
        let f = p.factor("A", 2021, 3, 5).unwrap();
        let s = p.setting_factors("A", 2021, (3, 5), 30.0, 70.0).unwrap();
        assert!((s[0] * 30.0 + s[1] * 70.0 - 100.0 * f).abs() < 1e-9);
        assert!((s[1] * 70.0 / (100.0 * f) - 0.35).abs() < 1e-12);
    }
}
