//! Reads the real data copied into `maps/fushun/source/`: county boundaries (GCJ-02 as
//! published, converted here to WGS 84 and projected to metres), the census, the township list,
//! the township seats and the urban cores.

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon};
use schoolplan::geodesy::datum::Datum;
use schoolplan::geodesy::projection::LocalProjection;
use serde_json::Value;

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// A county (区/县), in local metres.
#[derive(Debug, Clone)]
pub struct County {
    pub code: String,
    pub name: String,
    pub poly: MultiPolygon<f64>,
    pub pop: i64,
    pub urban_share: f64,
    /// Cohort shares of the population: 3–5, 6–11, 12–14, 15–17.
    pub shares: [f64; 4],
}

impl County {
    /// The four central-city districts (中心城区).
    pub fn is_central(&self) -> bool {
        matches!(
            self.code.as_str(),
            "210402" | "210403" | "210404" | "210411"
        )
    }
}

/// One row of the official township list, with its seat when the source has one.
#[derive(Debug, Clone)]
pub struct TownshipRow {
    pub code: String,
    pub name: String,
    /// `街道`, `镇`, `乡` or `民族乡`.
    pub kind_zh: String,
    pub county_code: String,
    /// Seat in WGS 84 (None for the 9 units without a point).
    pub seat_wgs: Option<(f64, f64)>,
}

pub struct Inputs {
    pub proj: LocalProjection,
    pub counties: Vec<County>,
    pub townships: Vec<TownshipRow>,
}

fn read_csv(path: &Path) -> Res<Vec<BTreeMap<String, String>>> {
    let mut rdr = csv::Reader::from_path(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = rdr.headers()?.clone();
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec?;
        rows.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(rows)
}

fn num(row: &BTreeMap<String, String>, k: &str) -> Res<f64> {
    row.get(k)
        .ok_or_else(|| format!("missing column {k}"))?
        .parse::<f64>()
        .map_err(|e| format!("column {k}: {e}").into())
}

/// The projection every generator step works in: centred on the city (WGS 84).
pub const LON0: f64 = 124.57;
pub const LAT0: f64 = 41.857;

/// Reads every source file.
pub fn read(src: &Path) -> Res<Inputs> {
    let proj = LocalProjection::new(LON0, LAT0)?;
    let census: BTreeMap<String, BTreeMap<String, String>> =
        read_csv(&src.join("fushun_census2020_by_county.csv"))?
            .into_iter()
            .map(|r| (r["code"].clone(), r))
            .collect();
    let text = std::fs::read_to_string(src.join("fushun_districts_datav_gcj02.geojson"))?;
    let gj: Value = serde_json::from_str(&text)?;
    let mut counties = Vec::new();
    for f in gj["features"].as_array().ok_or("no features")? {
        let code = f["properties"]["adcode"]
            .as_i64()
            .ok_or("adcode")?
            .to_string();
        let name = f["properties"]["name"].as_str().ok_or("name")?.to_string();
        let poly = multipolygon_gcj_to_local(&f["geometry"], &proj)?;
        let c = census
            .get(&code)
            .ok_or_else(|| format!("{code} not in census"))?;
        let pop = num(c, "pop_2020_census")?;
        counties.push(County {
            code,
            name,
            poly,
            pop: pop as i64,
            urban_share: num(c, "urban_share")?,
            shares: [
                num(c, "est_age_3_5")? / pop,
                num(c, "est_age_6_11")? / pop,
                num(c, "est_age_12_14")? / pop,
                // 15–17 is three fifths of the 15–19 band (single years split evenly).
                0.6 * num(c, "share_age_15_19")?,
            ],
        });
    }
    counties.sort_by(|a, b| a.code.cmp(&b.code));

    let seats: BTreeMap<String, BTreeMap<String, String>> =
        read_csv(&src.join("fushun_township_seats.csv"))?
            .into_iter()
            .map(|r| (r["code"].clone(), r))
            .collect();
    let mut townships = Vec::new();
    for r in read_csv(&src.join("fushun_townships.csv"))? {
        let s = seats.get(&r["code"]);
        let seat_wgs =
            s.and_then(|s| Some((s["lng_wgs84"].parse().ok()?, s["lat_wgs84"].parse().ok()?)));
        townships.push(TownshipRow {
            code: r["code"].clone(),
            name: r["name"].clone(),
            kind_zh: r["type"].clone(),
            county_code: r["district_code"].clone(),
            seat_wgs,
        });
    }
    townships.sort_by(|a, b| a.code.cmp(&b.code));

    Ok(Inputs {
        proj,
        counties,
        townships,
    })
}

/// A GCJ-02 GeoJSON (Multi)Polygon → WGS 84 (with the library's datum conversion) → metres.
fn multipolygon_gcj_to_local(g: &Value, proj: &LocalProjection) -> Res<MultiPolygon<f64>> {
    let polys: Vec<&Value> = match g["type"].as_str() {
        Some("MultiPolygon") => g["coordinates"]
            .as_array()
            .ok_or("coords")?
            .iter()
            .collect(),
        Some("Polygon") => vec![&g["coordinates"]],
        other => return Err(format!("unexpected geometry {other:?}").into()),
    };
    let mut out = Vec::new();
    for p in polys {
        let mut rings = Vec::new();
        for ring in p.as_array().ok_or("rings")? {
            let mut cs = Vec::new();
            for c in ring.as_array().ok_or("ring")? {
                let (lon, lat) = (c[0].as_f64().ok_or("lon")?, c[1].as_f64().ok_or("lat")?);
                let (wl, wt) = Datum::Gcj02.to_wgs84(lon, lat);
                let (x, y) = proj.to_local(wl, wt).ok_or("projection")?;
                cs.push(Coord { x, y });
            }
            rings.push(LineString::new(cs));
        }
        let ext = rings.remove(0);
        out.push(Polygon::new(ext, rings));
    }
    Ok(MultiPolygon::new(out))
}
