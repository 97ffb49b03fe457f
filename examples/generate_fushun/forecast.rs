//! `forecast/census-2020-ages.csv`: the 2020 census age bands of each county, the base of the
//! scenarios' cohort-component forecast.
//!
//! Derived from `source/fushun_census2020_by_county.csv`: persons of a band = the county's
//! census population × the band's share (`share_age_0`, `share_age_1_4`, `share_age_5_9`,
//! `share_age_10_14`, `share_age_15_19`), rounded to whole persons. The engine splits each band
//! evenly between its single years — the same split the census CSV's `est_age_*` columns use,
//! so the base cohorts agree with the population layer's county totals.

use std::path::Path;

use super::input::Res;

/// Writes the table into `out/forecast/`.
pub fn write(src: &Path, out: &Path) -> Res<()> {
    let text = std::fs::read_to_string(src.join("fushun_census2020_by_county.csv"))?;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers()?.clone();
    let col = |name: &str| -> Res<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("census CSV: no column {name}").into())
    };
    let bands = [
        ("share_age_0", 0, 0),
        ("share_age_1_4", 1, 4),
        ("share_age_5_9", 5, 9),
        ("share_age_10_14", 10, 14),
        ("share_age_15_19", 15, 19),
    ];
    let (c_code, c_pop) = (col("code")?, col("pop_2020_census")?);
    let mut csv = String::from("county,age_from,age_to,persons\n");
    for rec in rdr.records() {
        let rec = rec?;
        let pop: f64 = rec[c_pop].parse()?;
        for (name, from, to) in bands {
            let share: f64 = rec[col(name)?].parse()?;
            csv.push_str(&format!(
                "{},{from},{to},{}\n",
                &rec[c_code],
                (pop * share).round()
            ));
        }
    }
    std::fs::create_dir_all(out.join("forecast"))?;
    std::fs::write(out.join("forecast/census-2020-ages.csv"), csv)?;
    Ok(())
}
