//! Spreadsheet-safe CSV cells: the one function every CSV writer of the tool passes its cells
//! through (`schools.csv`, `areas.csv`, `proposals.csv`, `findings.csv`).
//!
//! These tables are made to be opened in Excel, WPS or LibreOffice, which treat a cell that
//! starts with `=`, `+`, `-` or `@` as a formula — a school named `=HYPERLINK(…)` or
//! `-2+3+cmd|' /C calc'!A0` in an input layer would run as one ("CSV injection", OWASP). So
//! [`csv_cell`]:
//!
//! 1. replaces line breaks and tabs by a space and removes every other control character and
//!    the invisible bidirectional-override and zero-width characters (which can make a cell
//!    read differently from what it holds);
//! 2. prefixes a `'` to a cell whose first non-space character is `=`, `+`, `-` or `@` (or
//!    their full-width forms `＝ ＋ － ＠`), unless the whole cell is a plain number such as
//!    `-3.5` or `1e-6` (numbers stay numbers).
//!
//! The CSV quoting itself (commas, quotes) is left to the `csv` crate.

use std::borrow::Cow;

/// Characters that start a formula in common spreadsheets.
const FORMULA_START: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Invisible characters that change how text reads: zero-width and bidirectional controls.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A plain decimal number: optional sign, digits with an optional fraction, optional exponent.
fn plain_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut n = digits(&mut i);
    if i < b.len() && b[i] == b'.' {
        i += 1;
        n += digits(&mut i);
    }
    if n == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A cell made safe for spreadsheets (see the module docs). Borrowed when nothing changes.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let dirty = s.chars().any(|c| c.is_control() || invisible(c));
    let cleaned: Cow<'_, str> = if dirty {
        Cow::Owned(
            s.chars()
                .filter_map(|c| match c {
                    '\n' | '\r' | '\t' => Some(' '),
                    c if c.is_control() || invisible(c) => None,
                    c => Some(c),
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    };
    let starts_formula = cleaned
        .trim_start()
        .starts_with(|c: char| FORMULA_START.contains(&c));
    if starts_formula && !plain_number(cleaned.trim()) {
        Cow::Owned(format!("'{cleaned}"))
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_numbers_kept() {
        for (input, want) in [
            ("=1+1", "'=1+1"),
            ("+cmd", "'+cmd"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
            ("  =x", "'  =x"),
            ("\t=x", "' =x"),
            ("\r=x", "' =x"),
            ("＝1", "'＝1"),
            ("-", "'-"),
            ("-3.5", "-3.5"),
            ("+1", "+1"),
            ("1e-6", "1e-6"),
            ("-1.5E+3", "-1.5E+3"),
            ("-.5", "-.5"),
            ("-e5", "'-e5"),
            ("第一小学", "第一小学"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(input), want, "{input:?}");
        }
    }

    #[test]
    fn control_and_invisible_characters_are_removed() {
        assert_eq!(csv_cell("a\nb\u{7}c\u{202E}d\u{200B}e"), "a bcde");
        assert!(matches!(csv_cell("plain"), Cow::Borrowed(_)));
    }
}
