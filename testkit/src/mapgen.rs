//! Helpers shared by the map generators (`generate_demo`, `generate_fushun`): a seeded random
//! generator, coordinate rounding and a GeoJSON writer with one feature per line.
//!
//! Everything here is deterministic: the same seed gives the same bytes on the same platform.

use std::io::Write;
use std::path::Path;

use schoolplan::rng::SplitMix;
use serde_json::{json, Map, Value};

/// The project's splitmix64 ([`schoolplan::rng::SplitMix`]) with the draws the generators
/// need; outputs depend only on the seed.
#[derive(Debug, Clone)]
pub struct Rng(SplitMix);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(SplitMix::seeded(seed))
    }

    /// A generator for a named sub-stream, so that adding draws in one layer does not shift
    /// another layer's numbers.
    pub fn stream(seed: u64, name: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Rng::new(seed ^ h)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        self.0.unit()
    }

    /// Uniform in `[a, b)`.
    pub fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }

    /// Uniform integer in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    /// Uniform integer in `a..=b`.
    pub fn int(&mut self, a: i64, b: i64) -> i64 {
        a + self.below((b - a + 1) as usize) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// Rounds degrees to 1e-6 (about 0.1 m).
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Rounds to `d` decimals.
pub fn round_to(x: f64, d: i32) -> f64 {
    let f = 10f64.powi(d);
    (x * f).round() / f
}

/// A lon/lat position rounded to 1e-6°.
pub fn pos(p: (f64, f64)) -> Value {
    json!([round6(p.0), round6(p.1)])
}

/// Twice the signed area of a ring (positive when counter-clockwise).
pub fn signed_area2(ring: &[(f64, f64)]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum()
}

/// A ring as GeoJSON positions: closed, exterior counter-clockwise (RFC 7946) when `exterior`,
/// clockwise otherwise. `ring` is open (first vertex not repeated) and in lon/lat.
pub fn ring_json(ring: &[(f64, f64)], exterior: bool) -> Value {
    let mut r: Vec<(f64, f64)> = ring.to_vec();
    if r.len() > 1 && r.first() == r.last() {
        r.pop();
    }
    let ccw = signed_area2(&r) > 0.0;
    if ccw != exterior {
        r.reverse();
    }
    let mut v: Vec<Value> = r.iter().map(|&p| pos(p)).collect();
    if let Some(first) = v.first().cloned() {
        v.push(first);
    }
    Value::Array(v)
}

/// A Polygon geometry from an exterior ring and holes (open rings, lon/lat).
pub fn polygon_json(exterior: &[(f64, f64)], holes: &[Vec<(f64, f64)>]) -> Value {
    let mut rings = vec![ring_json(exterior, true)];
    rings.extend(holes.iter().map(|h| ring_json(h, false)));
    json!({"type": "Polygon", "coordinates": rings})
}

/// A Point geometry.
pub fn point_json(p: (f64, f64)) -> Value {
    json!({"type": "Point", "coordinates": pos(p)})
}

/// A LineString geometry.
pub fn line_json(pts: &[(f64, f64)]) -> Value {
    json!({"type": "LineString", "coordinates": pts.iter().map(|&p| pos(p)).collect::<Vec<_>>()})
}

/// A Feature from ordered properties and a geometry.
pub fn feature(props: Map<String, Value>, geometry: Value) -> Value {
    json!({"type": "Feature", "properties": Value::Object(props), "geometry": geometry})
}

/// Builds an ordered property map from `(key, value)` pairs.
pub fn props(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Writes a FeatureCollection with one feature per line (readable diffs), atomically
/// (temporary file, then rename).
pub fn write_collection(path: &Path, features: &[Value]) -> std::io::Result<()> {
    write_collection_with(path, features, None)
}

/// Like [`write_collection`], with an optional top-level `name` member (shown by QGIS).
pub fn write_collection_with(
    path: &Path,
    features: &[Value],
    name: Option<&str>,
) -> std::io::Result<()> {
    let mut out = Vec::new();
    out.extend_from_slice(b"{\"type\":\"FeatureCollection\",");
    if let Some(n) = name {
        out.extend_from_slice(format!("\"name\":{},", serde_json::to_string(n)?).as_bytes());
    }
    out.extend_from_slice(b"\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        serde_json::to_writer(&mut out, f)?;
        if i + 1 < features.len() {
            out.push(b',');
        }
        out.push(b'\n');
    }
    out.extend_from_slice(b"]}\n");
    write_atomic(path, &out)
}

/// Writes bytes to a temporary file beside `path`, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp~");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all().ok();
    }
    std::fs::rename(&tmp, path)
}
