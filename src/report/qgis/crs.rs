//! The projected CRS of the QGIS project, chosen for the data.
//!
//! Chinese planning institutes draw on **CGCS2000 3-degree Gauss–Krüger** zones (国家 2000 坐标系,
//! 3 度带). The zone is the one whose central meridian is nearest to the middle longitude of the
//! data: CM = 3° × round(lon / 3), i.e. EPSG:4534 (CM 75° E) … EPSG:4554 (CM 135° E), the
//! "CM" variants without the zone number in the false easting (x₀ = 500 000 m). Fushun
//! (123.7–125.5° E, most residents near 123.9° E) and the demo map fall in CM 123° E, **EPSG:4550**; Beijing would be CM 117° E
//! (EPSG:4548), Shanghai CM 120° E (EPSG:4549). Outside China's zones (middle longitude beyond
//! 73.5–136.5° E, or latitude outside 0–56° N) the project uses the **WGS 84 / UTM** zone of the
//! middle longitude (EPSG:326zz north, 327zz south).
//!
//! The layers stay in WGS 84 (their GeoJSON CRS); QGIS reprojects them on the fly. The CRS is
//! written as WKT2 (QGIS 3.22 resolves it to the authority entry) with its PROJ string and
//! authority id. [`ProjectCrs::projector`] converts lon/lat to the CRS's metres for the map
//! extents of the project and its layouts, through the crate's own [`Crs`] (PROJ's formulas by
//! `proj4rs`).

use crate::geodesy::crs::Crs;

/// Which family of projection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CrsKind {
    /// CGCS2000 3-degree Gauss–Krüger with this central meridian (degrees east).
    GaussKruger3 {
        /// Central meridian, degrees east (75 … 135, a multiple of 3).
        cm: i32,
    },
    /// WGS 84 / UTM.
    Utm {
        /// Zone 1 … 60.
        zone: i32,
        /// Southern hemisphere (false northing 10 000 km).
        south: bool,
    },
}

/// The project's CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectCrs {
    /// EPSG code.
    pub epsg: u32,
    /// The family and its parameters.
    pub kind: CrsKind,
}

impl ProjectCrs {
    /// The CRS for data centred on (`lon`, `lat`) degrees (see the module docs).
    pub fn for_centre(lon: f64, lat: f64) -> ProjectCrs {
        let lon = if lon.is_finite() {
            lon.clamp(-180.0, 180.0)
        } else {
            0.0
        };
        let lat = if lat.is_finite() {
            lat.clamp(-84.0, 84.0)
        } else {
            0.0
        };
        if (73.5..136.5).contains(&lon) && (0.0..56.0).contains(&lat) {
            let cm = (3.0 * (lon / 3.0).round()) as i32;
            return ProjectCrs {
                epsg: 4534 + ((cm - 75) / 3) as u32,
                kind: CrsKind::GaussKruger3 { cm },
            };
        }
        let zone = (((lon + 180.0) / 6.0).floor() as i32 + 1).clamp(1, 60);
        let south = lat < 0.0;
        ProjectCrs {
            epsg: if south { 32700 } else { 32600 } + zone as u32,
            kind: CrsKind::Utm { zone, south },
        }
    }

    /// `EPSG:<code>`.
    pub fn authid(&self) -> String {
        format!("EPSG:{}", self.epsg)
    }

    /// The CRS's name as EPSG writes it.
    pub fn description(&self) -> String {
        match self.kind {
            CrsKind::GaussKruger3 { cm } => {
                format!("CGCS2000 / 3-degree Gauss-Kruger CM {cm}E")
            }
            CrsKind::Utm { zone, south } => {
                format!("WGS 84 / UTM zone {zone}{}", if south { "S" } else { "N" })
            }
        }
    }

    fn central_meridian(&self) -> f64 {
        match self.kind {
            CrsKind::GaussKruger3 { cm } => f64::from(cm),
            CrsKind::Utm { zone, .. } => f64::from(6 * zone - 183),
        }
    }

    fn scale_and_false_northing(&self) -> (f64, f64) {
        match self.kind {
            CrsKind::GaussKruger3 { .. } => (1.0, 0.0),
            CrsKind::Utm { south, .. } => (0.9996, if south { 10_000_000.0 } else { 0.0 }),
        }
    }

    /// The PROJ string.
    pub fn proj4(&self) -> String {
        match self.kind {
            CrsKind::GaussKruger3 { cm } => format!(
                "+proj=tmerc +lat_0=0 +lon_0={cm} +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs"
            ),
            CrsKind::Utm { zone, south } => format!(
                "+proj=utm +zone={zone}{} +datum=WGS84 +units=m +no_defs",
                if south { " +south" } else { "" }
            ),
        }
    }

    /// The WKT2 definition (as QGIS 3.22 writes it, without the usage block).
    pub fn wkt(&self) -> String {
        const DEG: &str = "ANGLEUNIT[\"degree\",0.0174532925199433]";
        const M: &str = "LENGTHUNIT[\"metre\",1]";
        let (k, y0) = self.scale_and_false_northing();
        let cm = self.central_meridian();
        let conversion = |name: &str| {
            format!(
                "CONVERSION[\"{name}\",METHOD[\"Transverse Mercator\",ID[\"EPSG\",9807]],PARAMETER[\"Latitude of natural origin\",0,{DEG},ID[\"EPSG\",8801]],PARAMETER[\"Longitude of natural origin\",{cm},{DEG},ID[\"EPSG\",8802]],PARAMETER[\"Scale factor at natural origin\",{k},SCALEUNIT[\"unity\",1],ID[\"EPSG\",8805]],PARAMETER[\"False easting\",500000,{M},ID[\"EPSG\",8806]],PARAMETER[\"False northing\",{y0},{M},ID[\"EPSG\",8807]]]"
            )
        };
        match self.kind {
            CrsKind::GaussKruger3 { cm } => format!(
                "PROJCRS[\"{}\",BASEGEOGCRS[\"China Geodetic Coordinate System 2000\",DATUM[\"China 2000\",ELLIPSOID[\"CGCS2000\",6378137,298.257222101,{M}]],PRIMEM[\"Greenwich\",0,{DEG}],ID[\"EPSG\",4490]],{},CS[Cartesian,2],AXIS[\"northing (X)\",north,ORDER[1],{M}],AXIS[\"easting (Y)\",east,ORDER[2],{M}],ID[\"EPSG\",{}]]",
                self.description(),
                conversion(&format!("Gauss-Kruger CM {cm}E")),
                self.epsg
            ),
            CrsKind::Utm { zone, south } => format!(
                "PROJCRS[\"{}\",BASEGEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,298.257223563,{M}]],PRIMEM[\"Greenwich\",0,{DEG}],ID[\"EPSG\",4326]],{},CS[Cartesian,2],AXIS[\"(E)\",east,ORDER[1],{M}],AXIS[\"(N)\",north,ORDER[2],{M}],ID[\"EPSG\",{}]]",
                self.description(),
                conversion(&format!("UTM zone {zone}{}", if south { "S" } else { "N" })),
                self.epsg
            ),
        }
    }

    /// The `<spatialrefsys>` element QGIS reads.
    pub fn srs_xml(&self) -> String {
        let (acronym, ellipsoid) = match self.kind {
            CrsKind::GaussKruger3 { .. } => ("tmerc", "EPSG:1024"),
            CrsKind::Utm { .. } => ("utm", "EPSG:7030"),
        };
        format!(
            "<spatialrefsys nativeFormat=\"Wkt\"><wkt>{}</wkt><proj4>{}</proj4><srid>{}</srid><authid>{}</authid><description>{}</description><projectionacronym>{acronym}</projectionacronym><ellipsoidacronym>{ellipsoid}</ellipsoidacronym><geographicflag>false</geographicflag></spatialrefsys>",
            super::super::text::xml_escape(&self.wkt()),
            self.proj4(),
            self.epsg,
            self.authid(),
            self.description()
        )
    }

    /// A projector from WGS 84 lon/lat to this CRS's (easting, northing) in metres, or `None`
    /// when the projection cannot be set up.
    pub fn projector(&self) -> Option<impl Fn(f64, f64) -> Option<(f64, f64)>> {
        let crs = Crs::from_epsg(self.epsg).ok()?;
        Some(move |lon: f64, lat: f64| crs.from_wgs84(lon, lat))
    }
}

/// The WGS 84 `<spatialrefsys>` of the GeoJSON layers.
pub const WGS84_SRS: &str = "<spatialrefsys nativeFormat=\"Wkt\"><wkt>GEOGCRS[&quot;WGS 84&quot;,DATUM[&quot;World Geodetic System 1984&quot;,ELLIPSOID[&quot;WGS 84&quot;,6378137,298.257223563,LENGTHUNIT[&quot;metre&quot;,1]]],PRIMEM[&quot;Greenwich&quot;,0,ANGLEUNIT[&quot;degree&quot;,0.0174532925199433]],CS[ellipsoidal,2],AXIS[&quot;geodetic latitude (Lat)&quot;,north,ORDER[1],ANGLEUNIT[&quot;degree&quot;,0.0174532925199433]],AXIS[&quot;geodetic longitude (Lon)&quot;,east,ORDER[2],ANGLEUNIT[&quot;degree&quot;,0.0174532925199433]],ID[&quot;EPSG&quot;,4326]]</wkt><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid><description>WGS 84</description><projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym><geographicflag>true</geographicflag></spatialrefsys>";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_by_longitude() {
        // Fushun and the demo: CM 123°E.
        assert_eq!(ProjectCrs::for_centre(124.2, 41.9).epsg, 4550);
        assert_eq!(ProjectCrs::for_centre(121.4, 31.2).epsg, 4549); // Shanghai, CM 120
        assert_eq!(ProjectCrs::for_centre(116.4, 39.9).epsg, 4548); // Beijing, CM 117
        assert_eq!(ProjectCrs::for_centre(75.0, 39.5).epsg, 4534);
        assert_eq!(ProjectCrs::for_centre(134.9, 48.0).epsg, 4554);
        // Outside China's zones: UTM.
        assert_eq!(ProjectCrs::for_centre(2.35, 48.85).epsg, 32631); // Paris
        assert_eq!(ProjectCrs::for_centre(151.2, -33.9).epsg, 32756); // Sydney
        assert_eq!(ProjectCrs::for_centre(f64::NAN, 0.0).epsg, 32631);
    }

    #[test]
    fn projects_like_proj() {
        // GDAL 3.6 (`gdaltransform -s_srs EPSG:4326 -t_srs EPSG:4550 -output_xy`, PROJ 9.1),
        // 2.5° east of CM 123°E at 42°N: E 707 133.89, N 4 654 661.67.
        let c = ProjectCrs::for_centre(124.0, 42.0);
        let p = c.projector().unwrap();
        let (e, n) = p(125.5, 42.0).unwrap();
        assert!(
            (e - 707_133.89).abs() < 0.05 && (n - 4_654_661.67).abs() < 0.05,
            "{e} {n}"
        );
        assert!(c.wkt().contains("ID[\"EPSG\",4550]"));
        assert!(c.proj4().contains("+lon_0=123"));
        let u = ProjectCrs::for_centre(151.2, -33.9);
        let (e, n) = u.projector().unwrap()(153.0, -34.0).unwrap();
        // GDAL, EPSG:32756: E 500 000, N 6 237 844.02.
        assert!((e - 500_000.0).abs() < 0.01);
        assert!((n - 6_237_844.02).abs() < 0.05, "{n}");
    }
}
