//! Number rounding and deterministic JSON text.
//!
//! Reals are rounded to 1e-6 ([`round6`]) and coordinates to 1e-7° ([`round_coord`]) before they
//! are written, so that the same inputs give the same bytes. `serde_json` writes an `f64` with a
//! decimal point (`12.0`), so a real field is always recognised as real by GDAL; integers are
//! written from integer types only. Non-finite values become `null`.

use serde::Serialize;
use serde_json::Value;

/// Rounds to 6 decimals; `None` for NaN or infinity.
pub fn round6(x: f64) -> Option<f64> {
    round_to(x, 6)
}

/// Rounds a coordinate in degrees to 1e-7° (about 1 cm).
pub fn round_coord(x: f64) -> f64 {
    round_to(x, 7).unwrap_or(0.0)
}

fn round_to(x: f64, digits: i32) -> Option<f64> {
    x.is_finite().then(|| crate::round::digits(x, digits))
}

/// A real JSON value rounded to 1e-6, or `null` when not finite.
pub fn real(x: f64) -> Value {
    match round6(x) {
        Some(r) => serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number),
        None => Value::Null,
    }
}

/// An optional real (`null` when absent or not finite).
pub fn opt_real(x: Option<f64>) -> Value {
    x.map_or(Value::Null, real)
}

/// An optional round-to-1e-6 value for typed summaries.
pub fn opt6(x: Option<f64>) -> Option<f64> {
    x.and_then(round6)
}

/// A ratio `a / b`, `None` when `b` is 0.
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// Pretty JSON (two-space indent) with a final newline, every real rounded to 1e-6 (see
/// [`round_value`]). Field order is the order of the struct fields or of insertion
/// (`preserve_order`), never hash order.
pub fn to_json_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    let mut v = serde_json::to_value(value).expect("report values are always serialisable");
    round_value(&mut v);
    let mut s = serde_json::to_string_pretty(&v).expect("a JSON value is always serialisable");
    s.push('\n');
    s
}

/// Rounds every real (non-integer number) inside a JSON value to 1e-6, in place.
pub fn round_value(v: &mut Value) {
    match v {
        Value::Number(n) if n.is_f64() => *v = real(n.as_f64().unwrap_or(f64::NAN)),
        Value::Array(a) => a.iter_mut().for_each(round_value),
        Value::Object(o) => o.values_mut().for_each(round_value),
        _ => {}
    }
}

/// Formats a number for people: thousands separated, `digits` decimals.
pub fn human(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let s = format!("{:.*}", digits, x.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(a, b)| (a, Some(b)));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A "nice" number at least `x`: 1, 2 or 5 × 10ⁿ (chart steps, legend maxima).
pub fn nice_ceil(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|v| *v >= x)
        .unwrap_or(10.0 * p)
}

/// Rounds to one decimal, without a negative zero.
pub fn tenths(x: f64) -> f64 {
    crate::round::tenths(x)
}

/// A ratio as a percentage with one decimal, `–` when absent.
pub fn percent(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "–".into(), |v| format!("{:.1} %", tenths(v * 100.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_keep_a_decimal_point_and_round() {
        assert_eq!(real(12.0).to_string(), "12.0");
        assert_eq!(real(0.1 + 0.2).to_string(), "0.3");
        assert_eq!(real(f64::INFINITY), Value::Null);
        assert_eq!(real(-0.0000001).to_string(), "0.0");
        assert_eq!(round_coord(123.456_789_012_3), 123.456_789_0);
    }

    #[test]
    fn human_groups_thousands() {
        assert_eq!(human(1234567.891, 1), "1,234,567.9");
        assert_eq!(human(-1234.0, 0), "-1,234");
        assert_eq!(human(12.0, 0), "12");
        assert_eq!(percent(Some(0.8766)), "87.7 %");
        assert_eq!(percent(Some(-0.0000001)), "0.0 %");
    }
}
