//! Coordinate reference systems of input layers, and their conversion to WGS 84 lon/lat.
//!
//! Chinese planning data arrive in a handful of systems: WGS 84 (GPS, OpenStreetMap, WorldPop),
//! **CGCS2000** (China Geodetic Coordinate System 2000, the national datum since 2008) as
//! lon/lat (EPSG:4490) or projected with Gauss-Krüger (transverse Mercator, scale 1 on the
//! central meridian) in 3-degree or 6-degree zones, UTM, Web Mercator (tiles), and the web-map
//! datums GCJ-02 / BD-09 of Amap and Baidu ([`super::datum`]). A [`Crs`] describes one of them and
//! converts its coordinates to WGS 84 degrees; everything downstream sees WGS 84 only.
//!
//! ## What is supported
//!
//! | EPSG | system |
//! | --- | --- |
//! | 4326, `OGC:CRS84` | WGS 84 lon/lat |
//! | 4490 | CGCS2000 lon/lat |
//! | 4491–4501 | CGCS2000 / Gauss-Kruger zones 13–23 (6-degree, zone number in front of the easting) |
//! | 4502–4512 | CGCS2000 / Gauss-Kruger CM 75E–135E (6-degree, false easting 500 km) |
//! | 4513–4533 | CGCS2000 / 3-degree Gauss-Kruger zones 25–45 (zone number in front of the easting) |
//! | 4534–4554 | CGCS2000 / 3-degree Gauss-Kruger CM 75E–135E (false easting 500 km) |
//! | 32601–32660, 32701–32760 | WGS 84 / UTM zones, north and south |
//! | 3857 (also 900913, 102100) | WGS 84 / Pseudo-Mercator (web tiles) |
//!
//! Any other transverse-Mercator or Mercator system on the WGS 84 or CGCS2000 datum is read
//! from its WKT (`.prj`, GeoPackage `gpkg_spatial_ref_sys`, GeoTIFF keys). Other datums (Beijing
//! 1954, Xi'an 1980) need a locally fitted 7-parameter transformation that no public source
//! gives, and are refused with that reason.
//!
//! **CGCS2000 is taken as WGS 84.** The two datums agree to a few centimetres (the frames
//! differ by plate motion since 2000, ≈ 0.3 m at Fushun by 2025 at most — under 0.1 % of a
//! kindergarten radius); the ellipsoids differ in the flattening by 1e-10. Gauss-Krüger
//! coordinates are unprojected on the CGCS2000 ellipsoid (exactly as PROJ does, through
//! `proj4rs`) and the resulting lon/lat used as WGS 84.
//!
//! ## Telling a wrong CRS
//!
//! Numbers carry their system's fingerprint: lon/lat stay within ±180/±90; 3-degree zone
//! eastings start with the zone (`41 500 000` m); CM-variant and UTM eastings are 0.2–0.8
//! million metres with northings of 2–6 million in China; Web Mercator eastings in China are
//! 8–15 million with smaller northings. [`Crs::check_extent`] compares an extent with the
//! declared system and, when they disagree, [`guess`] names the systems the numbers look like.

use proj4rs::proj::Proj;

use super::datum::Datum;

/// A coordinate reference system of an input layer.
#[derive(Clone)]
pub struct Crs {
    /// Short identifier, e.g. `EPSG:4549`, or `WKT` for a system read from WKT without a code.
    pub code: String,
    /// Human name, e.g. `CGCS2000 / 3-degree Gauss-Kruger CM 120E`.
    pub name: String,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    /// Lon/lat degrees in a datum (CGCS2000 is treated as WGS 84).
    Geographic(Datum),
    /// Projected metres: the projection and lon/lat on its own ellipsoid.
    Projected {
        proj: Box<Proj>,
        geog: Box<Proj>,
        definition: String,
    },
}

impl std::fmt::Debug for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Crs({} {})", self.code, self.name)
    }
}

impl PartialEq for Crs {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code && self.definition() == other.definition()
    }
}

/// Ellipsoid of CGCS2000 (semi-major axis, inverse flattening).
const CGCS2000_ELLPS: &str = "+a=6378137 +rf=298.257222101";

impl Crs {
    /// WGS 84 lon/lat, or the web-map datums GCJ-02 / BD-09 (lon/lat, converted on read).
    pub fn geographic(datum: Datum) -> Crs {
        let (code, name) = match datum {
            Datum::Wgs84 => ("EPSG:4326", "WGS 84"),
            Datum::Gcj02 => ("GCJ-02", "lon/lat (Amap, Tencent, DataV)"),
            Datum::Bd09 => ("BD-09", "lon/lat (Baidu)"),
        };
        Crs {
            code: code.into(),
            name: name.into(),
            kind: Kind::Geographic(datum),
        }
    }

    fn projected(code: String, name: String, definition: String) -> Result<Crs, String> {
        let proj = Proj::from_proj_string(&definition)
            .map_err(|e| format!("cannot set up {code} ({definition}): {e}"))?;
        let ellps = ellipsoid_part(&definition);
        let geog = Proj::from_proj_string(&format!("+proj=longlat {ellps} +no_defs"))
            .map_err(|e| format!("cannot set up the lon/lat of {code}: {e}"))?;
        Ok(Crs {
            code,
            name,
            kind: Kind::Projected {
                proj: Box::new(proj),
                geog: Box::new(geog),
                definition,
            },
        })
    }

    /// The system of an EPSG code, when supported (see the module docs).
    pub fn from_epsg(code: u32) -> Result<Crs, String> {
        let c = format!("EPSG:{code}");
        let gk = |cm: u32, fe: u32| {
            format!("+proj=tmerc +lat_0=0 +lon_0={cm} +k=1 +x_0={fe} +y_0=0 {CGCS2000_ELLPS} +units=m +no_defs")
        };
        match code {
            4326 => Ok(Crs::geographic(Datum::Wgs84)),
            4490 => Ok(Crs {
                code: c,
                name: "CGCS2000".into(),
                kind: Kind::Geographic(Datum::Wgs84),
            }),
            4491..=4501 => {
                let zone = code - 4491 + 13;
                let cm = zone * 6 - 3;
                Crs::projected(
                    c,
                    format!("CGCS2000 / Gauss-Kruger zone {zone} (CM {cm}E)"),
                    gk(cm, zone * 1_000_000 + 500_000),
                )
            }
            4502..=4512 => {
                let cm = 75 + (code - 4502) * 6;
                Crs::projected(c, format!("CGCS2000 / Gauss-Kruger CM {cm}E"), gk(cm, 500_000))
            }
            4513..=4533 => {
                let zone = code - 4513 + 25;
                let cm = zone * 3;
                Crs::projected(
                    c,
                    format!("CGCS2000 / 3-degree Gauss-Kruger zone {zone} (CM {cm}E)"),
                    gk(cm, zone * 1_000_000 + 500_000),
                )
            }
            4534..=4554 => {
                let cm = 75 + (code - 4534) * 3;
                Crs::projected(
                    c,
                    format!("CGCS2000 / 3-degree Gauss-Kruger CM {cm}E"),
                    gk(cm, 500_000),
                )
            }
            32601..=32660 | 32701..=32760 => {
                let south = code > 32700;
                let zone = code % 100;
                let lon0 = zone as i32 * 6 - 183;
                let y0 = if south { 10_000_000 } else { 0 };
                Crs::projected(
                    c,
                    format!("WGS 84 / UTM zone {zone}{}", if south { "S" } else { "N" }),
                    format!("+proj=tmerc +lat_0=0 +lon_0={lon0} +k=0.9996 +x_0=500000 +y_0={y0} +ellps=WGS84 +units=m +no_defs"),
                )
            }
            3857 | 900913 | 102100 | 102113 | 3785 => Crs::projected(
                "EPSG:3857".into(),
                "WGS 84 / Pseudo-Mercator".into(),
                "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +no_defs".into(),
            ),
            4214 | 4610 | 2401..=2442 | 2327..=2390 | 4555 => Err(format!(
                "{c} uses the Beijing 1954 or Xi'an 1980 datum, which needs a locally fitted 7-parameter transformation; convert the layer to CGCS2000 (EPSG:4490 or 4513–4554) or WGS 84 first"
            )),
            _ => Err(format!("{c} is not supported (supported: {SUPPORTED})")),
        }
    }

    /// Parses a scenario's `crs` value: `EPSG:NNNN`, `wgs84`, `gcj02`, `bd09`, `cgcs2000`, or a
    /// PROJ string `+proj=tmerc …` (transverse Mercator / Mercator / lon-lat on WGS 84 or
    /// CGCS2000).
    pub fn parse(text: &str) -> Result<Crs, String> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        match lower.as_str() {
            "wgs84" | "wgs 84" | "crs84" | "ogc:crs84" => return Ok(Crs::geographic(Datum::Wgs84)),
            "gcj02" | "gcj-02" => return Ok(Crs::geographic(Datum::Gcj02)),
            "bd09" | "bd-09" => return Ok(Crs::geographic(Datum::Bd09)),
            "cgcs2000" => return Crs::from_epsg(4490),
            _ => {}
        }
        for prefix in ["epsg:", "urn:ogc:def:crs:epsg::", "urn:ogc:def:crs:epsg:"] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let rest = rest.trim_start_matches(':');
                return match rest.parse::<u32>() {
                    Ok(code) => Crs::from_epsg(code),
                    Err(_) => Err(format!("{t:?}: expected EPSG:<number>")),
                };
            }
        }
        if lower == "urn:ogc:def:crs:ogc:1.3:crs84" || lower == "urn:ogc:def:crs:ogc::crs84" {
            return Ok(Crs::geographic(Datum::Wgs84));
        }
        if t.starts_with('+') {
            return Crs::from_proj_string(t);
        }
        if t.contains('[') {
            return Crs::from_wkt(t);
        }
        Err(format!(
            "{t:?}: expected EPSG:<code>, wgs84, gcj02, bd09, cgcs2000 or a PROJ string"
        ))
    }

    /// A system from a PROJ string (only `tmerc`, `merc`, `utm`, `longlat`, on WGS 84 / GRS80 /
    /// CGCS2000 parameters).
    pub fn from_proj_string(def: &str) -> Result<Crs, String> {
        let lower = def.to_ascii_lowercase();
        for bad in ["+towgs84", "+ellps=krass", "+ellps=iau76", "+nadgrids="] {
            if lower.contains(bad) && !lower.contains("+nadgrids=@null") {
                return Err(format!(
                    "{def:?}: datum shifts are not supported; give coordinates on WGS 84 or CGCS2000"
                ));
            }
        }
        if lower.contains("+proj=longlat") || lower.contains("+proj=latlong") {
            return Ok(Crs::geographic(Datum::Wgs84));
        }
        Crs::projected("PROJ".into(), def.to_string(), def.to_string())
    }

    /// Reads a WKT (WKT 1, ESRI `.prj` or WKT 2) definition. An `EPSG` authority code at the top
    /// level wins when it is supported; otherwise the projection and its parameters are read.
    pub fn from_wkt(wkt: &str) -> Result<Crs, String> {
        let root = wkt::parse(wkt).ok_or_else(|| "not a readable WKT definition".to_string())?;
        if let Some(code) = root.authority_code() {
            if let Ok(c) = Crs::from_epsg(code) {
                return Ok(c);
            }
        }
        let kind = root.name.to_ascii_uppercase();
        let name = root.text(0).unwrap_or_default();
        let datum_name = root
            .find("DATUM")
            .and_then(|d| d.text(0))
            .unwrap_or_default();
        check_datum(&datum_name, &name)?;
        let geographic = matches!(
            kind.as_str(),
            "GEOGCS" | "GEOGCRS" | "GEODCRS" | "GEOGRAPHICCRS"
        );
        if geographic {
            let code = if is_cgcs2000(&datum_name) { 4490 } else { 4326 };
            return Crs::from_epsg(code);
        }
        if !matches!(kind.as_str(), "PROJCS" | "PROJCRS" | "PROJECTEDCRS") {
            return Err(format!(
                "WKT of kind {kind} is not a geographic or projected system"
            ));
        }
        let (a, rf) = root
            .find("SPHEROID")
            .or_else(|| root.find("ELLIPSOID"))
            .map(|s| (s.number(1), s.number(2)))
            .unwrap_or((Some(6378137.0), Some(298.257223563)));
        let (a, rf) = (a.unwrap_or(6378137.0), rf.unwrap_or(298.257223563));
        let method = root
            .find("PROJECTION")
            .or_else(|| root.find("METHOD"))
            .and_then(|p| p.text(0))
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_");
        let param = |names: &[&str]| -> Option<f64> {
            root.children("PARAMETER").find_map(|p| {
                let n = p.text(0)?.to_ascii_lowercase().replace([' ', '-'], "_");
                names.contains(&n.as_str()).then(|| p.number(1)).flatten()
            })
        };
        let lon0 = param(&[
            "central_meridian",
            "longitude_of_natural_origin",
            "longitude_of_center",
            "longitude_of_origin",
        ])
        .unwrap_or(0.0);
        let lat0 = param(&[
            "latitude_of_origin",
            "latitude_of_natural_origin",
            "latitude_of_center",
        ])
        .unwrap_or(0.0);
        let k = param(&["scale_factor", "scale_factor_at_natural_origin"]).unwrap_or(1.0);
        let x0 = param(&["false_easting"]).unwrap_or(0.0);
        let y0 = param(&["false_northing"]).unwrap_or(0.0);
        // The last UNIT at the top level is the linear unit of a projected system.
        let to_m = root
            .children("UNIT")
            .chain(root.children("LENGTHUNIT"))
            .last()
            .and_then(|u| u.number(1))
            .unwrap_or(1.0);
        let units = if (to_m - 1.0).abs() < 1e-12 {
            "+units=m".to_string()
        } else {
            format!("+to_meter={to_m}")
        };
        let def = if method.contains("transverse_mercator") || method.contains("gauss_kruger") {
            format!("+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k={k} +x_0={x0} +y_0={y0} +a={a} +rf={rf} {units} +no_defs")
        } else if method.contains("auxiliary_sphere")
            || method.contains("pseudo_mercator")
            || method.contains("popular_visualisation")
        {
            return Crs::from_epsg(3857);
        } else if method.contains("mercator") {
            format!("+proj=merc +lon_0={lon0} +k={k} +x_0={x0} +y_0={y0} +a={a} +rf={rf} {units} +no_defs")
        } else if method.contains("mollweide") {
            format!("+proj=moll +lon_0={lon0} +x_0={x0} +y_0={y0} +a={a} +rf={rf} {units} +no_defs")
        } else {
            return Err(format!(
                "projection {method:?} of {name:?} is not supported (transverse Mercator / Gauss-Krüger, UTM, Mercator, Web Mercator, Mollweide are)"
            ));
        };
        let mut crs = Crs::projected("WKT".into(), name.clone(), def)?;
        // Name the EPSG code of a standard CGCS2000 Gauss-Krüger or UTM definition.
        if let Some(code) = standard_code(is_cgcs2000(&datum_name), lon0, lat0, k, x0, y0, a) {
            if let Ok(c) = Crs::from_epsg(code) {
                crs = c;
            }
        }
        Ok(crs)
    }

    /// True for lon/lat systems.
    pub fn is_geographic(&self) -> bool {
        matches!(self.kind, Kind::Geographic(_))
    }

    /// The web-map datum of a lon/lat system (`None` for projected systems).
    pub fn datum(&self) -> Option<Datum> {
        match self.kind {
            Kind::Geographic(d) => Some(d),
            Kind::Projected { .. } => None,
        }
    }

    /// The PROJ definition of a projected system (empty for lon/lat).
    pub fn definition(&self) -> &str {
        match &self.kind {
            Kind::Geographic(_) => "",
            Kind::Projected { definition, .. } => definition,
        }
    }

    /// `EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E)`.
    pub fn label(&self) -> String {
        if self.code == "PROJ" || self.code == "WKT" {
            format!("{} ({})", self.code, self.name)
        } else {
            format!("{} {}", self.code, self.name)
        }
    }

    /// What converting to WGS 84 does, for reports.
    pub fn conversion(&self) -> String {
        match &self.kind {
            Kind::Geographic(Datum::Wgs84) if self.code == "EPSG:4490" => {
                "none (CGCS2000 lon/lat taken as WGS 84, < 0.3 m)".into()
            }
            Kind::Geographic(Datum::Wgs84) => "none".into(),
            Kind::Geographic(d) => format!("{} → WGS 84 (iterative inverse)", d.name()),
            Kind::Projected { definition, .. } => {
                let what = if definition.contains("+proj=tmerc") {
                    "inverse transverse Mercator"
                } else if definition.contains("+proj=merc") {
                    "inverse Mercator"
                } else {
                    "inverse projection"
                };
                let datum = if definition.contains("298.257222101") {
                    "; CGCS2000 taken as WGS 84"
                } else {
                    ""
                };
                format!("{what} → lon/lat{datum}")
            }
        }
    }

    /// Converts one coordinate pair to WGS 84 lon/lat degrees. `None` when the numbers cannot be
    /// unprojected or fall outside lon/lat range.
    pub fn to_wgs84(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        if !(x.is_finite() && y.is_finite()) {
            return None;
        }
        match &self.kind {
            Kind::Geographic(d) => Some(d.to_wgs84(x, y)),
            Kind::Projected { proj, geog, .. } => {
                let mut p = (x, y, 0.0);
                proj4rs::transform::transform(proj, geog, &mut p).ok()?;
                let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
                (lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0)
                    .then_some((lon, lat))
            }
        }
    }

    /// Converts WGS 84 lon/lat degrees into this system (for tests and fixtures).
    pub fn from_wgs84(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        match &self.kind {
            Kind::Geographic(d) => Some(d.from_wgs84(lon, lat)),
            Kind::Projected { proj, geog, .. } => {
                let mut p = (lon.to_radians(), lat.to_radians(), 0.0);
                proj4rs::transform::transform(geog, proj, &mut p).ok()?;
                (p.0.is_finite() && p.1.is_finite()).then_some((p.0, p.1))
            }
        }
    }

    /// Checks that an extent `[min_x, min_y, max_x, max_y]` of a layer's raw coordinates is
    /// plausible in this system. The error says what was expected, what was found and which
    /// systems the numbers look like.
    pub fn check_extent(&self, ext: [f64; 4]) -> Result<(), String> {
        let lonlat = ext[0] >= -180.0 && ext[2] <= 180.0 && ext[1] >= -90.0 && ext[3] <= 90.0;
        let found = format!(
            "x {} – {}, y {} – {}",
            short(ext[0]),
            short(ext[2]),
            short(ext[1]),
            short(ext[3])
        );
        if self.is_geographic() {
            if lonlat {
                return Ok(());
            }
            // Mostly in range: a few bad coordinates, left to the per-feature checks.
            if ext[0].abs() <= 1000.0
                && ext[1].abs() <= 1000.0
                && ext[2].abs() <= 1000.0
                && ext[3].abs() <= 1000.0
            {
                return Ok(());
            }
            return Err(format!(
                "lon/lat degrees ({}), found {found}{}",
                self.label(),
                looks_like(ext)
            ));
        }
        if lonlat {
            return Err(format!(
                "projected metres ({}), found {found}, which look like longitude/latitude degrees: set crs = \"EPSG:4326\" (or \"EPSG:4490\" for CGCS2000, datum = \"gcj02\" for Amap coordinates)",
                self.label()
            ));
        }
        let corners = [
            (ext[0], ext[1]),
            (ext[2], ext[3]),
            (ext[0], ext[3]),
            (ext[2], ext[1]),
        ];
        let ok = corners.iter().all(|&(x, y)| self.to_wgs84(x, y).is_some());
        // A zone-numbered Gauss-Krüger easting carries its zone in the millions.
        let zone_mismatch = self.zone_prefix().is_some_and(|z| {
            let zx = (ext[0] / 1e6).floor() as i64;
            let zx2 = (ext[2] / 1e6).floor() as i64;
            zx != z as i64 || zx2 != z as i64
        });
        let cm_with_prefix = self.definition().contains("+x_0=500000 ")
            && ext[0] >= 1.0e7
            && self.definition().contains("+k=1 ");
        if ok && !zone_mismatch && !cm_with_prefix {
            return Ok(());
        }
        Err(format!(
            "coordinates of {}, found {found}{}",
            self.label(),
            looks_like(ext)
        ))
    }

    fn zone_prefix(&self) -> Option<u32> {
        let code: u32 = self.code.strip_prefix("EPSG:")?.parse().ok()?;
        match code {
            4491..=4501 => Some(code - 4491 + 13),
            4513..=4533 => Some(code - 4513 + 25),
            _ => None,
        }
    }
}

/// Formats a coordinate compactly for messages.
fn short(v: f64) -> String {
    if v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.6}")
    }
}

/// ", which look like …" for an extent, or "" when nothing fits.
fn looks_like(ext: [f64; 4]) -> String {
    let g = guess(ext);
    if g.is_empty() {
        String::new()
    } else {
        format!(", which look like {}", g.join(" or "))
    }
}

/// The systems whose coordinates an extent `[min_x, min_y, max_x, max_y]` looks like, best
/// first, each with the `crs = …` to write.
pub fn guess(ext: [f64; 4]) -> Vec<String> {
    let [x0, y0, x1, y1] = ext;
    let mut out = Vec::new();
    if x0 >= -180.0 && x1 <= 180.0 && y0 >= -90.0 && y1 <= 90.0 {
        out.push(
            "longitude/latitude degrees (crs = \"EPSG:4326\", or \"EPSG:4490\" for CGCS2000)"
                .to_string(),
        );
        return out;
    }
    if x0 >= -90.0 && x1 <= 90.0 && y0 >= -180.0 && y1 <= 180.0 {
        out.push("latitude/longitude degrees in swapped order (lat, lon)".to_string());
        return out;
    }
    // Zone-numbered Gauss-Krüger: easting = zone × 10⁶ + 500 000 ± 350 000.
    let (z0, z1) = ((x0 / 1e6).floor() as i64, (x1 / 1e6).floor() as i64);
    let northing_china = y0 >= 1.0e5 && y1 <= 6.5e6;
    if z0 == z1 && northing_china {
        let z = z0 as u32;
        if (25..=45).contains(&z) {
            out.push(format!(
                "CGCS2000 3-degree Gauss-Krüger zone {z} (CM {}E) with the zone number in the easting (crs = \"EPSG:{}\")",
                z * 3,
                4513 + z - 25
            ));
        }
        if (13..=23).contains(&z) {
            out.push(format!(
                "CGCS2000 6-degree Gauss-Krüger zone {z} (CM {}E) with the zone number in the easting (crs = \"EPSG:{}\")",
                z * 6 - 3,
                4491 + z - 13
            ));
        }
    }
    if x0 >= 1.0e5 && x1 <= 9.0e5 && northing_china {
        out.push("Gauss-Krüger or UTM metres without a zone number (false easting 500 km): a CGCS2000 3-degree CM variant (crs = \"EPSG:4534\" … \"EPSG:4554\" for CM 75E … 135E, e.g. \"EPSG:4550\" for CM 123E) or UTM (\"EPSG:326NN\"); the central meridian cannot be read from the numbers".to_string());
    }
    // Web Mercator over China: x for lon 70–140°, y for lat 0–56°.
    if x0 >= 7.7e6 && x1 <= 1.57e7 && y0 >= 0.0 && y1 <= 7.6e6 {
        out.push("Web Mercator metres (crs = \"EPSG:3857\")".to_string());
    }
    out
}

fn ellipsoid_part(def: &str) -> String {
    let parts: Vec<&str> = def
        .split_whitespace()
        .filter(|p| {
            p.starts_with("+a=")
                || p.starts_with("+b=")
                || p.starts_with("+rf=")
                || p.starts_with("+f=")
                || p.starts_with("+ellps=")
                || p.starts_with("+R=")
        })
        .collect();
    if parts.is_empty() {
        "+ellps=WGS84".into()
    } else {
        parts.join(" ")
    }
}

fn is_cgcs2000(datum: &str) -> bool {
    let d = datum.to_ascii_lowercase();
    d.contains("2000") && (d.contains("china") || d.contains("cgcs"))
}

fn check_datum(datum: &str, name: &str) -> Result<(), String> {
    let d = datum.to_ascii_lowercase().replace([' ', '-'], "_");
    if d.is_empty()
        || d.contains("wgs_1984")
        || d.contains("wgs84")
        || d.contains("world_geodetic_system_1984")
        || is_cgcs2000(datum)
        || d.contains("grs_1980")
        || d.contains("grs80")
    {
        return Ok(());
    }
    Err(format!(
        "the datum {datum:?} of {name:?} is not supported: only WGS 84 and CGCS2000 are (Beijing 1954 and Xi'an 1980 need a locally fitted 7-parameter transformation; convert the layer to CGCS2000 first)"
    ))
}

/// The EPSG code of a standard CGCS2000 Gauss-Krüger or WGS 84 UTM definition, if it is one.
fn standard_code(
    cgcs: bool,
    lon0: f64,
    lat0: f64,
    k: f64,
    x0: f64,
    y0: f64,
    a: f64,
) -> Option<u32> {
    if lat0 != 0.0 || (a - 6378137.0).abs() > 1e-6 {
        return None;
    }
    let lon = lon0.round();
    if (lon - lon0).abs() > 1e-9 || lon <= 0.0 {
        return None;
    }
    let lon = lon as u32;
    if cgcs && k == 1.0 && y0 == 0.0 {
        if lon.is_multiple_of(3) && (75..=135).contains(&lon) {
            let zone = lon / 3;
            if x0 == 500_000.0 {
                return Some(4534 + (lon - 75) / 3);
            }
            if x0 == zone as f64 * 1e6 + 500_000.0 {
                return Some(4513 + zone - 25);
            }
        }
        if (lon + 3).is_multiple_of(6) && (75..=135).contains(&lon) {
            let zone = (lon + 3) / 6;
            if x0 == 500_000.0 {
                return Some(4502 + (lon - 75) / 6);
            }
            if x0 == zone as f64 * 1e6 + 500_000.0 {
                return Some(4491 + zone - 13);
            }
        }
    }
    if !cgcs && (k - 0.9996).abs() < 1e-12 && x0 == 500_000.0 && (lon + 183).is_multiple_of(6) {
        let zone = (lon + 183) / 6;
        if y0 == 0.0 {
            return Some(32600 + zone);
        }
        if y0 == 10_000_000.0 {
            return Some(32700 + zone);
        }
    }
    None
}

const SUPPORTED: &str =
    "EPSG:4326, 4490, 4491–4554 (CGCS2000 Gauss-Krüger), 326xx/327xx (UTM), 3857";

/// A minimal WKT tree reader (WKT 1, ESRI and WKT 2 share the `NAME[args…]` syntax).
mod wkt {
    /// One `NAME[…]` node.
    #[derive(Debug)]
    pub struct Node {
        pub name: String,
        pub args: Vec<Arg>,
    }

    /// An argument: quoted text, a number or a nested node.
    #[derive(Debug)]
    pub enum Arg {
        Text(String),
        Number(f64),
        Node(Node),
        Word(String),
    }

    impl Node {
        /// The i-th argument as text.
        pub fn text(&self, i: usize) -> Option<String> {
            match self.args.get(i)? {
                Arg::Text(s) | Arg::Word(s) => Some(s.clone()),
                _ => None,
            }
        }

        /// The i-th argument as a number (quoted numbers too).
        pub fn number(&self, i: usize) -> Option<f64> {
            match self.args.get(i)? {
                Arg::Number(n) => Some(*n),
                Arg::Text(s) => s.trim().parse().ok(),
                _ => None,
            }
        }

        /// Direct children named `name` (case-insensitive).
        pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
            self.args.iter().filter_map(move |a| match a {
                Arg::Node(n) if n.name.eq_ignore_ascii_case(name) => Some(n),
                _ => None,
            })
        }

        /// The first descendant named `name`, depth first.
        pub fn find(&self, name: &str) -> Option<&Node> {
            for a in &self.args {
                if let Arg::Node(n) = a {
                    if n.name.eq_ignore_ascii_case(name) {
                        return Some(n);
                    }
                    if let Some(f) = n.find(name) {
                        return Some(f);
                    }
                }
            }
            None
        }

        /// The EPSG code of this node's own `AUTHORITY["EPSG","N"]` or `ID["EPSG",N]`.
        pub fn authority_code(&self) -> Option<u32> {
            self.children("AUTHORITY")
                .chain(self.children("ID"))
                .find(|a| a.text(0).is_some_and(|t| t.eq_ignore_ascii_case("EPSG")))
                .and_then(|a| a.number(1))
                .filter(|n| *n > 0.0 && n.fract() == 0.0 && *n < 1e7)
                .map(|n| n as u32)
        }
    }

    /// Parses a WKT text; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Node> {
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        let node = node(&chars, &mut i, 0)?;
        Some(node)
    }

    fn skip_ws(c: &[char], i: &mut usize) {
        while *i < c.len() && c[*i].is_whitespace() {
            *i += 1;
        }
    }

    fn node(c: &[char], i: &mut usize, depth: usize) -> Option<Node> {
        if depth > 64 {
            return None;
        }
        skip_ws(c, i);
        let start = *i;
        while *i < c.len() && (c[*i].is_alphanumeric() || c[*i] == '_') {
            *i += 1;
        }
        let name: String = c[start..*i].iter().collect();
        if name.is_empty() {
            return None;
        }
        skip_ws(c, i);
        let close = match c.get(*i)? {
            '[' => ']',
            '(' => ')',
            _ => return None,
        };
        *i += 1;
        let mut args = Vec::new();
        loop {
            skip_ws(c, i);
            match c.get(*i)? {
                ch if *ch == close => {
                    *i += 1;
                    break;
                }
                ',' => {
                    *i += 1;
                }
                '"' => {
                    *i += 1;
                    let mut s = String::new();
                    loop {
                        let ch = *c.get(*i)?;
                        *i += 1;
                        if ch == '"' {
                            if c.get(*i) == Some(&'"') {
                                s.push('"');
                                *i += 1;
                                continue;
                            }
                            break;
                        }
                        s.push(ch);
                    }
                    args.push(Arg::Text(s));
                }
                ch if ch.is_ascii_digit() || *ch == '-' || *ch == '+' || *ch == '.' => {
                    let start = *i;
                    while *i < c.len() && (c[*i].is_ascii_alphanumeric() || "+-.".contains(c[*i])) {
                        *i += 1;
                    }
                    let t: String = c[start..*i].iter().collect();
                    args.push(Arg::Number(t.parse().ok()?));
                }
                _ => {
                    let save = *i;
                    if let Some(n) = node(c, i, depth + 1) {
                        args.push(Arg::Node(n));
                    } else {
                        // A bare word (e.g. an axis direction such as NORTH).
                        *i = save;
                        let start = *i;
                        while *i < c.len() && (c[*i].is_alphanumeric() || c[*i] == '_') {
                            *i += 1;
                        }
                        if *i == start {
                            return None;
                        }
                        args.push(Arg::Word(c[start..*i].iter().collect()));
                    }
                }
            }
        }
        Some(Node { name, args })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Near Fushun (WGS 84 lon/lat).
    const LONLAT: (f64, f64) = (123.9, 41.85);

    fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
        (a.0 - b.0).abs() < tol && (a.1 - b.1).abs() < tol
    }

    #[test]
    fn gauss_kruger_zone_and_cm_variants_agree() {
        let cm = Crs::from_epsg(4550).unwrap();
        let zone = Crs::from_epsg(4533).unwrap();
        let zone41 = Crs::from_epsg(4529).unwrap();
        assert!(zone.name.contains("zone 45"), "{}", zone.name);
        assert!(cm.name.contains("CM 123E"), "{}", cm.name);
        assert!(zone41.name.contains("zone 41") && zone41.name.contains("CM 123E"));
        let p = cm.from_wgs84(LONLAT.0, LONLAT.1).unwrap();
        let q = zone41.from_wgs84(LONLAT.0, LONLAT.1).unwrap();
        assert!((q.0 - p.0 - 41_000_000.0).abs() < 1e-6 && (q.1 - p.1).abs() < 1e-6);
        // PROJ 9 through GDAL 3.6: `echo 123.9 41.85 | gdaltransform -s_srs "+proj=longlat
        // +datum=WGS84" -t_srs EPSG:4550 -output_xy` (and EPSG:4549, EPSG:32651).
        assert!(
            close(p, (574_740.890246213, 4_635_367.76777746), 1e-3),
            "{p:?}"
        );
        let p49 = Crs::from_epsg(4549)
            .unwrap()
            .from_wgs84(LONLAT.0, LONLAT.1)
            .unwrap();
        assert!(
            close(p49, (823_903.506346517, 4_642_336.96962273), 1e-3),
            "{p49:?}"
        );
        let utm = Crs::from_epsg(32651)
            .unwrap()
            .from_wgs84(LONLAT.0, LONLAT.1)
            .unwrap();
        assert!(
            close(utm, (574_710.993889571, 4_633_513.62078665), 1e-3),
            "{utm:?}"
        );
        let back = cm.to_wgs84(p.0, p.1).unwrap();
        assert!(close(back, LONLAT, 1e-9), "{back:?}");
    }

    #[test]
    fn utm_and_web_mercator_round_trip() {
        for code in [32651, 3857, 4549, 4507, 4497] {
            let c = Crs::from_epsg(code).unwrap();
            let p = c.from_wgs84(LONLAT.0, LONLAT.1).unwrap();
            let back = c.to_wgs84(p.0, p.1).unwrap();
            assert!(close(back, LONLAT, 1e-8), "{code}: {back:?}");
        }
        // Web Mercator is spherical: x = R·λ exactly.
        let m = Crs::from_epsg(3857)
            .unwrap()
            .from_wgs84(123.9, 0.0)
            .unwrap();
        assert!((m.0 - 6378137.0 * 123.9f64.to_radians()).abs() < 1e-6);
    }

    #[test]
    fn parse_forms_and_refusals() {
        assert_eq!(Crs::parse("epsg:4549").unwrap().code, "EPSG:4549");
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:EPSG::4490").unwrap().code,
            "EPSG:4490"
        );
        assert!(Crs::parse("gcj02").unwrap().is_geographic());
        assert!(Crs::parse("EPSG:2435")
            .unwrap_err()
            .contains("Beijing 1954"));
        assert!(Crs::parse("EPSG:27700")
            .unwrap_err()
            .contains("not supported"));
        assert!(Crs::parse("EPSG:x").is_err());
        assert!(Crs::parse("nonsense").is_err());
    }

    #[test]
    fn esri_prj_of_gdal_is_read_with_its_code() {
        // As GDAL writes a Shapefile .prj for EPSG:4550.
        let prj = r#"PROJCS["CGCS2000_3_Degree_GK_CM_123E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",123.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
        let c = Crs::from_wkt(prj).unwrap();
        assert_eq!(c.code, "EPSG:4550");
        let geog = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(Crs::from_wkt(geog).unwrap().code, "EPSG:4490");
        let beijing = r#"GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert!(Crs::from_wkt(beijing).unwrap_err().contains("Beijing"));
        // A custom transverse Mercator keeps its parameters.
        let custom = r#"PROJCS["local",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",41.85],PARAMETER["central_meridian",123.9],PARAMETER["scale_factor",1],PARAMETER["false_easting",0],PARAMETER["false_northing",0],UNIT["metre",1]]"#;
        let c = Crs::from_wkt(custom).unwrap();
        let back = c.to_wgs84(0.0, 0.0).unwrap();
        assert!(close(back, (123.9, 41.85), 1e-9), "{back:?}");
    }

    #[test]
    fn wrong_crs_is_named() {
        let cm = Crs::from_epsg(4550).unwrap();
        let p = cm.from_wgs84(123.9, 41.85).unwrap();
        let ext = [p.0 - 3000.0, p.1 - 2000.0, p.0 + 3000.0, p.1 + 2000.0];
        // Projected numbers declared as lon/lat.
        let e = Crs::geographic(Datum::Wgs84).check_extent(ext).unwrap_err();
        assert!(e.contains("EPSG:4534") && e.contains("Gauss-Krüger"), "{e}");
        // Zone-numbered numbers declared as the CM variant, and the reverse.
        let z = [ext[0] + 41e6, ext[1], ext[2] + 41e6, ext[3]];
        let e = cm.check_extent(z).unwrap_err();
        assert!(e.contains("EPSG:4529"), "{e}");
        let e = Crs::from_epsg(4529).unwrap().check_extent(ext).unwrap_err();
        assert!(e.contains("without a zone number"), "{e}");
        assert!(cm.check_extent(ext).is_ok());
        // Lon/lat declared as projected.
        let e = cm.check_extent([123.8, 41.8, 124.0, 41.9]).unwrap_err();
        assert!(e.contains("longitude/latitude"), "{e}");
        // Web Mercator numbers declared as lon/lat.
        let w = Crs::from_epsg(3857)
            .unwrap()
            .from_wgs84(123.9, 41.85)
            .unwrap();
        let e = Crs::geographic(Datum::Wgs84)
            .check_extent([w.0, w.1, w.0 + 10.0, w.1 + 10.0])
            .unwrap_err();
        assert!(e.contains("EPSG:3857"), "{e}");
    }
}
