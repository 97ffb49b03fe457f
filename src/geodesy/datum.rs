//! Geodetic datums of Chinese web maps and their conversion to WGS 84.
//!
//! Amap, Tencent and DataV publish coordinates in **GCJ-02** (an obfuscated WGS 84, offset by
//! about 0.5 km at Fushun); Baidu publishes **BD-09** (GCJ-02 plus a further offset, about 1.2 km
//! at Fushun). Both offsets exceed a kindergarten's 300 m service radius, so a layer that declares
//! its datum is converted to WGS 84 once, on load.
//!
//! The forward formulas are public; the inverse has no closed form. We use the `coordtransform`
//! crate (no dependencies, matches published reference values), whose GCJ-02 → WGS 84 inverse is
//! refined iteratively to far below a millimetre, rather than the common one-step approximation
//! that can be metres off.

use serde::{Deserialize, Serialize};

/// The datum a layer's lon/lat coordinates are expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Datum {
    /// WGS 84 (RFC 7946 GeoJSON, GPS, OpenStreetMap). The default.
    #[default]
    Wgs84,
    /// GCJ-02, the "Mars" datum of Amap, Tencent and DataV.
    Gcj02,
    /// BD-09, Baidu's datum.
    Bd09,
}

impl Datum {
    /// Converts a lon/lat pair (degrees) in this datum to WGS 84.
    ///
    /// Points outside mainland China are returned unchanged, as the published formulas do.
    pub fn to_wgs84(self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        match self {
            Datum::Wgs84 => (lon_deg, lat_deg),
            Datum::Gcj02 => coordtransform::gcj02_to_wgs84(lon_deg, lat_deg),
            Datum::Bd09 => coordtransform::bd09_to_wgs84(lon_deg, lat_deg),
        }
    }

    /// Converts a WGS 84 lon/lat pair (degrees) into this datum.
    pub fn from_wgs84(self, lon_deg: f64, lat_deg: f64) -> (f64, f64) {
        match self {
            Datum::Wgs84 => (lon_deg, lat_deg),
            Datum::Gcj02 => coordtransform::wgs84_to_gcj02(lon_deg, lat_deg),
            Datum::Bd09 => coordtransform::wgs84_to_bd09(lon_deg, lat_deg),
        }
    }

    /// The name used in scenario files (`wgs84`, `gcj02`, `bd09`).
    pub fn name(self) -> &'static str {
        match self {
            Datum::Wgs84 => "wgs84",
            Datum::Gcj02 => "gcj02",
            Datum::Bd09 => "bd09",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Great-circle-ish distance in metres, good enough for metre-level checks.
    fn approx_dist_m(a: (f64, f64), b: (f64, f64)) -> f64 {
        let lat = a.1.to_radians();
        let dx = (a.0 - b.0).to_radians() * 6_371_000.0 * lat.cos();
        let dy = (a.1 - b.1).to_radians() * 6_371_000.0;
        (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn wgs84_is_identity() {
        assert_eq!(Datum::Wgs84.to_wgs84(123.9, 41.87), (123.9, 41.87));
    }

    #[test]
    fn gcj02_round_trip_is_sub_millimetre() {
        let wgs = (123.915406, 41.873863);
        let gcj = Datum::Gcj02.from_wgs84(wgs.0, wgs.1);
        let back = Datum::Gcj02.to_wgs84(gcj.0, gcj.1);
        assert!(approx_dist_m(wgs, back) < 0.001);
    }

    #[test]
    fn gcj02_offset_at_fushun_matches_published_reference() {
        // Fushun city government: GCJ-02 as published by DataV, WGS 84 as converted in
        // shared/data/fushun-townships/fushun_urban_cores.csv (6 decimals, ≈ 0.1 m).
        let wgs = Datum::Gcj02.to_wgs84(123.921109, 41.875956);
        assert!(approx_dist_m(wgs, (123.915406, 41.873863)) < 0.2);
        // The offset itself is about half a kilometre: larger than a kindergarten radius.
        assert!(approx_dist_m(wgs, (123.921109, 41.875956)) > 400.0);
    }

    #[test]
    fn bd09_round_trip() {
        let wgs = (123.900785, 41.854983);
        let bd = Datum::Bd09.from_wgs84(wgs.0, wgs.1);
        // shared/data/fushun-schools: 中国医科大学第七临床学院 BD-09 123.913084, 41.862716
        assert!(approx_dist_m(bd, (123.913084, 41.862716)) < 2.0);
        let back = Datum::Bd09.to_wgs84(bd.0, bd.1);
        assert!(approx_dist_m(wgs, back) < 0.5);
    }

    #[test]
    fn parses_lowercase_names() {
        #[derive(Deserialize)]
        struct W {
            d: Datum,
        }
        let w: W = toml::from_str("d = \"gcj02\"").unwrap();
        assert_eq!(w.d, Datum::Gcj02);
        assert!(toml::from_str::<W>("d = \"GCJ\"").is_err());
    }
}
