//! Township polygons: a Voronoi partition of each county around its township centres, clipped
//! to the county boundary.
//!
//! No township boundaries are published for Fushun. Each township gets a *centre*: its seat
//! (WGS 84 column of the seat list), or, for the 9 units without a seat and the 3 whose seat
//! lies in another unit's built-up area, a point we chose (table [`PLACED`], documented in the
//! README). The Voronoi cell of each centre against the other centres **of the same county** is
//! the convex intersection of half-planes; intersected with the county polygon it gives the
//! township. Detached fragments (where the county outline is concave) are handed to the
//! neighbouring township they touch most, so each township is one polygon where possible.

use geo::{
    Area, BooleanOps, BoundingRect, Centroid, Contains, Coord, LineString, MultiPolygon, Point,
    Polygon,
};

use super::input::{County, Inputs, Res};

/// A township (乡/镇/街道) in local metres.
#[derive(Debug, Clone)]
pub struct Township {
    pub code: String,
    pub name: String,
    /// `street`, `town` or `township`.
    pub kind: &'static str,
    pub county: usize,
    /// Centre in metres (seat or placed point): population kernel and site of central schools.
    pub centre: (f64, f64),
    /// How the centre was obtained: `seat`, `placed` or `moved`.
    pub centre_source: &'static str,
    pub poly: MultiPolygon<f64>,
}

impl Township {
    pub fn is_rural(&self) -> bool {
        self.kind != "street"
    }
    pub fn area_km2(&self) -> f64 {
        self.poly.unsigned_area() / 1e6
    }
}

/// Centres we chose (WGS 84 lon, lat), with the reason. `moved` units have a seat point in
/// another unit's built-up area; their centre is moved to their own rural area.
pub const PLACED: [(&str, &str, f64, f64, &str); 12] = [
    (
        "210402019",
        "刘山街道",
        123.975,
        41.866,
        "placed: east end of the 新抚区 urban strip, east of 榆林街道",
    ),
    (
        "210402201",
        "千金乡",
        123.940,
        41.790,
        "placed: centre of the rural south of 新抚区",
    ),
    (
        "210403002",
        "东洲街道",
        123.992,
        41.840,
        "placed: between the 新屯街道 and 龙凤街道 seats",
    ),
    (
        "210403012",
        "章党街道",
        124.073_930,
        41.917_612,
        "placed: the README's GCJ-02 hint (124.08, 41.92) converted to WGS 84",
    ),
    (
        "210403103",
        "章党镇",
        124.120,
        41.960,
        "moved: its seat lies in 章党街道; centre moved north into the rural part of 东洲区",
    ),
    (
        "210403104",
        "哈达镇",
        124.280,
        41.990,
        "placed: north-east of 东洲区",
    ),
    (
        "210403202",
        "碾盘乡",
        124.090,
        41.800,
        "moved: its seat is 0.2 km from 搭连街道; centre moved to the south-east lobe of 东洲区",
    ),
    (
        "210403215",
        "兰山乡",
        124.035,
        41.775,
        "placed: the south-west lobe of 东洲区",
    ),
    (
        "210404005",
        "光明街道",
        123.800,
        41.834,
        "placed: between the 和平街道 and 演武街道 seats",
    ),
    (
        "210404006",
        "朴屯街道",
        123.745,
        41.838,
        "placed: between the 李石街道 and 工农街道 seats",
    ),
    (
        "210404201",
        "拉古满族乡",
        123.800,
        41.680,
        "placed: the southern tail of 望花区",
    ),
    (
        "210411201",
        "河北乡",
        123.950,
        41.950,
        "moved: its seat is 0.8 km from 新华街道; centre moved to the rural north of 顺城区",
    ),
];

pub fn kind_of(kind_zh: &str) -> Res<&'static str> {
    Ok(match kind_zh {
        "街道" => "street",
        "镇" => "town",
        "乡" | "民族乡" => "township",
        other => return Err(format!("unknown township type {other}").into()),
    })
}

/// Builds the 72 townships.
pub fn build(inp: &Inputs) -> Res<Vec<Township>> {
    let mut out = Vec::new();
    for row in &inp.townships {
        let county = inp
            .counties
            .iter()
            .position(|c| c.code == row.county_code)
            .ok_or_else(|| format!("{}: unknown county {}", row.code, row.county_code))?;
        let placed = PLACED.iter().find(|p| p.0 == row.code);
        let (lonlat, source) = match (placed, row.seat_wgs) {
            (Some(p), _) => (
                (p.2, p.3),
                if p.4.starts_with("moved") {
                    "moved"
                } else {
                    "placed"
                },
            ),
            (None, Some(s)) => (s, "seat"),
            (None, None) => {
                return Err(
                    format!("{} {} has no seat and no placed centre", row.code, row.name).into(),
                )
            }
        };
        let centre = inp.proj.to_local(lonlat.0, lonlat.1).ok_or("projection")?;
        if !inp.counties[county]
            .poly
            .contains(&Point::new(centre.0, centre.1))
        {
            return Err(format!(
                "centre of {} {} lies outside its county",
                row.code, row.name
            )
            .into());
        }
        out.push(Township {
            code: row.code.clone(),
            name: row.name.clone(),
            kind: kind_of(&row.kind_zh)?,
            county,
            centre,
            centre_source: source,
            poly: MultiPolygon::new(vec![]),
        });
    }
    for (ci, county) in inp.counties.iter().enumerate() {
        let idx: Vec<usize> = (0..out.len()).filter(|&i| out[i].county == ci).collect();
        let sites: Vec<(f64, f64)> = idx.iter().map(|&i| out[i].centre).collect();
        let cells = voronoi_in(county, &sites);
        for (k, &i) in idx.iter().enumerate() {
            out[i].poly = cells[k].clone();
        }
        merge_fragments(&mut out, &idx);
    }
    Ok(out)
}

/// The Voronoi cells of `sites`, each intersected with the county.
fn voronoi_in(county: &County, sites: &[(f64, f64)]) -> Vec<MultiPolygon<f64>> {
    let r = county
        .poly
        .bounding_rect()
        .expect("county has a bounding box");
    let (x0, y0, x1, y1) = (
        r.min().x - 1000.0,
        r.min().y - 1000.0,
        r.max().x + 1000.0,
        r.max().y + 1000.0,
    );
    sites
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let mut cell = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)];
            for (j, &t) in sites.iter().enumerate() {
                if i != j {
                    cell = clip_half_plane(&cell, s, t);
                }
            }
            let poly = Polygon::new(LineString::from(cell), vec![]);
            county.poly.intersection(&MultiPolygon::new(vec![poly]))
        })
        .collect()
}

/// Keeps the part of convex polygon `poly` closer to `s` than to `t` (Sutherland–Hodgman).
fn clip_half_plane(poly: &[(f64, f64)], s: (f64, f64), t: (f64, f64)) -> Vec<(f64, f64)> {
    let m = ((s.0 + t.0) / 2.0, (s.1 + t.1) / 2.0);
    let d = (t.0 - s.0, t.1 - s.1);
    let side = |p: (f64, f64)| (p.0 - m.0) * d.0 + (p.1 - m.1) * d.1; // ≤ 0: keep
    let mut out = Vec::new();
    for k in 0..poly.len() {
        let (a, b) = (poly[k], poly[(k + 1) % poly.len()]);
        let (sa, sb) = (side(a), side(b));
        if sa <= 0.0 {
            out.push(a);
        }
        if (sa <= 0.0) != (sb <= 0.0) {
            let u = sa / (sa - sb);
            out.push((a.0 + u * (b.0 - a.0), a.1 + u * (b.1 - a.1)));
        }
    }
    out
}

/// Gives each township's detached fragments (all parts but the largest) to the neighbouring
/// township of the same county whose polygon lies nearest the fragment.
fn merge_fragments(all: &mut [Township], idx: &[usize]) {
    let mut moved: Vec<(usize, Polygon<f64>)> = Vec::new();
    for &i in idx {
        let mut parts: Vec<Polygon<f64>> = all[i].poly.0.clone();
        if parts.len() <= 1 {
            continue;
        }
        parts.sort_by(|a, b| b.unsigned_area().total_cmp(&a.unsigned_area()));
        let keep = parts.remove(0);
        for p in parts {
            moved.push((i, p));
        }
        all[i].poly = MultiPolygon::new(vec![keep]);
    }
    for (from, frag) in moved {
        let c = frag.centroid().expect("fragment has a centroid");
        let best = idx
            .iter()
            .copied()
            .filter(|&j| j != from)
            .min_by(|&a, &b| dist_to(&all[a].poly, c).total_cmp(&dist_to(&all[b].poly, c)))
            .expect("another township");
        let merged = all[best].poly.union(&MultiPolygon::new(vec![frag]));
        all[best].poly = merged;
    }
}

fn dist_to(mp: &MultiPolygon<f64>, p: Point<f64>) -> f64 {
    use geo::{Distance, Euclidean};
    Euclidean.distance(mp, &p)
}

/// Index of the township (of county `county`) containing `p`, if any.
pub fn locate(ts: &[Township], county: usize, p: Coord<f64>) -> Option<usize> {
    ts.iter()
        .position(|t| t.county == county && t.poly.contains(&Point::from(p)))
}
