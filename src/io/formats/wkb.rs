//! Well-known binary geometry (OGC WKB, ISO and EWKB flavours) and the GeoPackage geometry
//! header (`GP`, version, flags, SRS id, envelope) in front of it.
//!
//! Z and M values are read and dropped (planning is 2-D). Every read is bounds-checked and
//! nesting is limited, so a corrupt blob is an error message, never a panic.

use geo::{
    Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon,
    Point, Polygon,
};

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u8(&mut self) -> Result<u8, String> {
        let v = *self
            .b
            .get(self.at)
            .ok_or("a geometry longer than the blob")?;
        self.at += 1;
        Ok(v)
    }
    fn u32(&mut self, le: bool) -> Result<u32, String> {
        let s = self
            .b
            .get(self.at..self.at + 4)
            .ok_or("a geometry longer than the blob")?;
        self.at += 4;
        let a = [s[0], s[1], s[2], s[3]];
        Ok(if le {
            u32::from_le_bytes(a)
        } else {
            u32::from_be_bytes(a)
        })
    }
    fn f64(&mut self, le: bool) -> Result<f64, String> {
        let s = self
            .b
            .get(self.at..self.at + 8)
            .ok_or("a geometry longer than the blob")?;
        self.at += 8;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Ok(if le {
            f64::from_le_bytes(a)
        } else {
            f64::from_be_bytes(a)
        })
    }
    /// A count, checked against the bytes left (each item needs at least `min_bytes`).
    fn count(&mut self, le: bool, min_bytes: usize) -> Result<usize, String> {
        let n = self.u32(le)? as usize;
        if n.saturating_mul(min_bytes) > self.b.len().saturating_sub(self.at) {
            return Err(format!("{n} items in a blob of {} bytes", self.b.len()));
        }
        Ok(n)
    }
}

/// Strips a GeoPackage geometry header; returns the WKB and whether the geometry is empty.
pub fn gpkg_body(blob: &[u8]) -> Result<(&[u8], bool), String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("a GeoPackage geometry blob (starting with \"GP\")".into());
    }
    let flags = blob[3];
    let env = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("a valid envelope indicator, found {e}")),
    };
    let empty = flags & 0x10 != 0;
    let start = 8 + env;
    let body = blob
        .get(start..)
        .ok_or("a geometry after the GeoPackage header")?;
    Ok((body, empty))
}

/// Parses WKB into a geometry (Z / M dropped).
pub fn parse(b: &[u8]) -> Result<Geometry<f64>, String> {
    let mut r = Reader { b, at: 0 };
    geometry(&mut r, 0)
}

fn geometry(r: &mut Reader<'_>, depth: usize) -> Result<Geometry<f64>, String> {
    if depth > 16 {
        return Err("geometry nesting deeper than 16".into());
    }
    let le = match r.u8()? {
        0 => false,
        1 => true,
        o => return Err(format!("a WKB byte order 0 or 1, found {o}")),
    };
    let raw = r.u32(le)?;
    // EWKB flags, then ISO thousands.
    let mut dims = 2;
    if raw & 0x8000_0000 != 0 {
        dims += 1;
    }
    if raw & 0x4000_0000 != 0 {
        dims += 1;
    }
    if raw & 0x2000_0000 != 0 {
        r.u32(le)?; // SRID
    }
    let t = raw & 0x0FFF_FFFF;
    let (base, iso) = (t % 1000, t / 1000);
    dims += match iso {
        0 => 0,
        1 | 2 => 1,
        3 => 2,
        _ => return Err(format!("a WKB geometry type, found {raw}")),
    };
    let coord = |r: &mut Reader<'_>| -> Result<Coord<f64>, String> {
        let x = r.f64(le)?;
        let y = r.f64(le)?;
        for _ in 2..dims {
            r.f64(le)?;
        }
        Ok(Coord { x, y })
    };
    let line = |r: &mut Reader<'_>| -> Result<LineString<f64>, String> {
        let n = r.count(le, 16)?;
        (0..n)
            .map(|_| coord(r))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    };
    let polygon = |r: &mut Reader<'_>| -> Result<Polygon<f64>, String> {
        let n = r.count(le, 4)?;
        let mut rings = (0..n).map(|_| line(r)).collect::<Result<Vec<_>, _>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString(vec![]), vec![]));
        }
        let ext = rings.remove(0);
        Ok(Polygon::new(ext, rings))
    };
    Ok(match base {
        1 => {
            let c = coord(r)?;
            if c.x.is_nan() && c.y.is_nan() {
                return Err("a non-empty point".into());
            }
            Geometry::Point(Point(c))
        }
        2 => Geometry::LineString(line(r)?),
        3 => Geometry::Polygon(polygon(r)?),
        4..=7 => {
            let n = r.count(le, 5)?;
            let parts = (0..n)
                .map(|_| geometry(r, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            match base {
                4 => Geometry::MultiPoint(MultiPoint(
                    parts
                        .into_iter()
                        .map(|g| match g {
                            Geometry::Point(p) => Ok(p),
                            _ => Err("points in a MultiPoint".to_string()),
                        })
                        .collect::<Result<_, _>>()?,
                )),
                5 => Geometry::MultiLineString(MultiLineString(
                    parts
                        .into_iter()
                        .map(|g| match g {
                            Geometry::LineString(l) => Ok(l),
                            _ => Err("lines in a MultiLineString".to_string()),
                        })
                        .collect::<Result<_, _>>()?,
                )),
                6 => Geometry::MultiPolygon(MultiPolygon(
                    parts
                        .into_iter()
                        .map(|g| match g {
                            Geometry::Polygon(p) => Ok(p),
                            _ => Err("polygons in a MultiPolygon".to_string()),
                        })
                        .collect::<Result<_, _>>()?,
                )),
                _ => Geometry::GeometryCollection(GeometryCollection(parts)),
            }
        }
        _ => return Err(format!("a supported WKB geometry type, found {raw}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point_le(x: f64, y: f64) -> Vec<u8> {
        let mut b = vec![1u8];
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&x.to_le_bytes());
        b.extend_from_slice(&y.to_le_bytes());
        b
    }

    #[test]
    fn points_polygons_and_z() {
        assert_eq!(
            parse(&point_le(1.0, 2.0)).unwrap(),
            Geometry::Point(Point::new(1.0, 2.0))
        );
        // Big-endian ISO PointZ.
        let mut b = vec![0u8];
        b.extend_from_slice(&1001u32.to_be_bytes());
        for v in [3.0f64, 4.0, 5.0] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        assert_eq!(parse(&b).unwrap(), Geometry::Point(Point::new(3.0, 4.0)));
        // MultiPoint of one.
        let mut m = vec![1u8];
        m.extend_from_slice(&4u32.to_le_bytes());
        m.extend_from_slice(&1u32.to_le_bytes());
        m.extend_from_slice(&point_le(7.0, 8.0));
        assert!(matches!(parse(&m).unwrap(), Geometry::MultiPoint(mp) if mp.0.len() == 1));
    }

    #[test]
    fn truncated_or_huge_counts_are_errors() {
        let p = point_le(1.0, 2.0);
        for cut in 0..p.len() {
            assert!(parse(&p[..cut]).is_err());
        }
        let mut l = vec![1u8];
        l.extend_from_slice(&2u32.to_le_bytes());
        l.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse(&l).is_err());
        assert!(gpkg_body(b"XX").is_err());
        let mut g = b"GP\0\x03".to_vec(); // little endian, 32-byte envelope
        g.extend_from_slice(&4326u32.to_le_bytes());
        assert!(gpkg_body(&g).is_err());
        g.extend_from_slice(&[0u8; 32]);
        g.extend_from_slice(&p);
        let (body, empty) = gpkg_body(&g).unwrap();
        assert!(!empty);
        assert_eq!(parse(body).unwrap(), Geometry::Point(Point::new(1.0, 2.0)));
    }
}
