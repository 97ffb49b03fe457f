//! Rounding before a number is written, in one place: outputs round reals so that the same
//! inputs give the same bytes, and never write a negative zero (`-0`), which a rounding of a
//! tiny negative value would otherwise produce.

/// `x` rounded to `digits` decimals (`10^digits` scale), without a negative zero; non-finite
/// values pass through unchanged.
pub fn digits(x: f64, digits: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits);
    let r = (x * scale).round() / scale;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// `x` rounded to one decimal (tenths), without a negative zero.
pub fn tenths(x: f64) -> f64 {
    digits(x, 1)
}

/// A distance in metres as kilometres with one decimal.
pub fn km_tenths(m: f64) -> f64 {
    let r = (m / 100.0).round() / 10.0;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_without_negative_zero() {
        assert_eq!(digits(1.234_567_5, 6), 1.234_568);
        assert_eq!(digits(-1.25, 1), -1.3);
        assert!(digits(-1e-9, 6).is_sign_positive());
        assert!(tenths(-0.04).is_sign_positive());
        assert_eq!(tenths(12.35), 12.4);
        assert_eq!(km_tenths(1_250.0), 1.3);
        assert!(km_tenths(-10.0).is_sign_positive());
        assert!(digits(f64::NAN, 3).is_nan());
        assert_eq!(digits(f64::INFINITY, 3), f64::INFINITY);
    }
}
