//! dBASE (`.dbf`) attribute tables of Shapefiles, with the text encoding Chinese data use.
//!
//! The format is a 32-byte header, 32-byte field descriptors up to a `0x0D` byte, then
//! fixed-width records each starting with a deletion flag (`*` = deleted). Text fields are in
//! the file's code page: the layer's `encoding`, else the `.cpg` file beside it (`UTF-8`,
//! `GBK`, `936`, …), else the language-driver byte of the header (`0x4D` / `0x7A` = GBK,
//! …; `0x57` "ANSI" is the writer's system code page, unknown here, so it is
//! treated as unset), else UTF-8 — and GB18030 (a superset of GBK) when the bytes are not
//! valid UTF-8. GBK is what ArcGIS, older QGIS and most Chinese bureaus write.
//!
//! We read it ourselves (≈ 150 lines) rather than with the `dbase` crate, to control the
//! code-page choice above and to report unreadable values per record and field.

use serde_json::{Map as JsonMap, Value};

use super::number_value;

/// One field descriptor.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name (decoded, trimmed).
    pub name: String,
    /// Type letter: `C` text, `N` / `F` number, `L` logical, `D` date, `I` integer, `O` double.
    pub kind: u8,
    /// Width in bytes.
    pub len: usize,
    /// Decimal places.
    pub decimals: u8,
}

/// A decoded table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Fields in order.
    pub fields: Vec<Field>,
    /// Records (deleted ones are `None`, to keep indexes aligned with the `.shp`).
    pub records: Vec<Option<JsonMap<String, Value>>>,
    /// Problems: (record index, field name, expected, found).
    pub problems: Vec<(Option<usize>, String, String, String)>,
    /// The encoding used and why.
    pub encoding: String,
}

/// Chooses the encoding: explicit label, `.cpg` content, language driver byte, else `None`
/// (UTF-8 with a GB18030 fallback).
pub fn choose_encoding(
    explicit: Option<&str>,
    cpg: Option<&str>,
    ldid: u8,
) -> Result<Option<(&'static encoding_rs::Encoding, String)>, String> {
    if let Some(label) = explicit {
        return encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .map(|e| Some((e, format!("{} (scenario `encoding`)", e.name()))))
            .ok_or_else(|| format!("{label:?} is not a known text encoding"));
    }
    if let Some(c) = cpg {
        let c = c.trim();
        let label = match c {
            "936" | "CP936" | "cp936" | "GB2312" => "gbk",
            "950" => "big5",
            "65001" => "utf-8",
            "1252" | "ANSI 1252" => "windows-1252",
            other => other,
        };
        if let Some(e) = encoding_rs::Encoding::for_label(label.as_bytes()) {
            return Ok(Some((e, format!("{} (.cpg {c:?})", e.name()))));
        }
    }
    let by_ldid = match ldid {
        0x4D | 0x7A => Some(encoding_rs::GBK),
        0x4F | 0x78 => Some(encoding_rs::BIG5),
        _ => None,
    };
    Ok(by_ldid.map(|e| (e, format!("{} (DBF language byte 0x{ldid:02X})", e.name()))))
}

/// Parses a DBF file's bytes. `cpg` is the content of the `.cpg` file, when there is one.
pub fn parse(bytes: &[u8], explicit: Option<&str>, cpg: Option<&str>) -> Result<Table, String> {
    if bytes.len() < 32 {
        return Err(format!(
            "a dBASE header of 32 bytes, found {} bytes",
            bytes.len()
        ));
    }
    let n_records = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let record_len = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
    let ldid = bytes[29];
    let chosen = choose_encoding(explicit, cpg, ldid)?;
    let enc = chosen.as_ref().map(|c| c.0);
    let mut fields = Vec::new();
    let mut pos = 32;
    while pos + 32 <= bytes.len() && bytes[pos] != 0x0D {
        let d = &bytes[pos..pos + 32];
        let name_end = d[..11].iter().position(|&b| b == 0).unwrap_or(11);
        let name = decode_text(&d[..name_end], enc).0;
        fields.push(Field {
            name: name.trim().to_string(),
            kind: d[11].to_ascii_uppercase(),
            len: d[16] as usize,
            decimals: d[17],
        });
        pos += 32;
    }
    if header_len < pos || record_len == 0 {
        return Err(format!(
            "a consistent dBASE header, found header length {header_len} and record length {record_len}"
        ));
    }
    let widths: usize = 1 + fields.iter().map(|f| f.len).sum::<usize>();
    if widths != record_len {
        return Err(format!(
            "field widths adding up to the record length {record_len}, found {widths}"
        ));
    }
    let mut table = Table {
        fields,
        records: Vec::with_capacity(n_records),
        problems: Vec::new(),
        encoding: chosen
            .map(|c| c.1)
            .unwrap_or_else(|| "UTF-8 (default)".into()),
    };
    let mut used_fallback = false;
    for i in 0..n_records {
        let start = header_len + i * record_len;
        let Some(rec) = bytes.get(start..start + record_len) else {
            table.problems.push((
                Some(i),
                String::new(),
                format!("{n_records} records as the header says"),
                format!("the file ends in record {i}"),
            ));
            break;
        };
        if rec[0] == b'*' {
            table.records.push(None);
            continue;
        }
        let mut props = JsonMap::new();
        let mut off = 1;
        for f in &table.fields {
            let raw = &rec[off..off + f.len];
            off += f.len;
            let (v, fallback) = value(f, raw, enc);
            used_fallback |= fallback;
            match v {
                Ok(v) => {
                    props.insert(f.name.clone(), v);
                }
                Err(found) => {
                    table.problems.push((
                        Some(i),
                        f.name.clone(),
                        expected_of(f.kind).to_string(),
                        found,
                    ));
                    props.insert(f.name.clone(), Value::Null);
                }
            }
        }
        table.records.push(Some(props));
    }
    if used_fallback {
        table.encoding = "GB18030/GBK (not valid UTF-8; no .cpg)".into();
    }
    Ok(table)
}

fn expected_of(kind: u8) -> &'static str {
    match kind {
        b'N' | b'F' | b'O' | b'I' => "a number",
        b'L' => "T, F, Y, N or ?",
        b'D' => "a date YYYYMMDD",
        _ => "text",
    }
}

/// Decodes text; returns whether the GB18030 fallback was used.
fn decode_text(raw: &[u8], enc: Option<&'static encoding_rs::Encoding>) -> (String, bool) {
    match enc {
        Some(e) => (e.decode_without_bom_handling(raw).0.into_owned(), false),
        None => match std::str::from_utf8(raw) {
            Ok(s) => (s.to_string(), false),
            Err(_) => (
                encoding_rs::GB18030
                    .decode_without_bom_handling(raw)
                    .0
                    .into_owned(),
                true,
            ),
        },
    }
}

fn value(
    f: &Field,
    raw: &[u8],
    enc: Option<&'static encoding_rs::Encoding>,
) -> (Result<Value, String>, bool) {
    match f.kind {
        b'C' | b'M' | b'V' | b'W' => {
            let raw = trim_bytes(raw);
            if raw.is_empty() {
                return (Ok(Value::Null), false);
            }
            let (s, fb) = decode_text(raw, enc);
            let s = s.trim_end().to_string();
            // Lists written by GDAL as `(N:a,b,…)` or JSON become arrays; the rest stays text.
            let v = match super::cell_value(&s) {
                a @ Value::Array(_) => a,
                _ => Value::String(s),
            };
            (Ok(v), fb)
        }
        b'N' | b'F' => {
            let t = String::from_utf8_lossy(raw);
            let t = t.trim().trim_matches('\0');
            if t.is_empty() || t.chars().all(|c| c == '*') {
                return (Ok(Value::Null), false);
            }
            match t.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    let v = if f.decimals == 0 {
                        number_value(x)
                    } else {
                        serde_json::Number::from_f64(x).map(Value::Number)
                    };
                    (v.ok_or_else(|| t.to_string()), false)
                }
                _ => (Err(format!("{t:?}")), false),
            }
        }
        b'L' => {
            let c = raw.first().copied().unwrap_or(b' ');
            (
                match c {
                    b'T' | b't' | b'Y' | b'y' => Ok(Value::Bool(true)),
                    b'F' | b'f' | b'N' | b'n' => Ok(Value::Bool(false)),
                    b'?' | b' ' | 0 => Ok(Value::Null),
                    other => Err(format!("{:?}", other as char)),
                },
                false,
            )
        }
        b'D' => {
            let t = String::from_utf8_lossy(raw).trim().to_string();
            if t.is_empty() {
                return (Ok(Value::Null), false);
            }
            if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
                (
                    Ok(Value::String(format!(
                        "{}-{}-{}",
                        &t[..4],
                        &t[4..6],
                        &t[6..]
                    ))),
                    false,
                )
            } else {
                (Err(format!("{t:?}")), false)
            }
        }
        b'I' if raw.len() == 4 => (
            Ok(Value::from(i32::from_le_bytes([
                raw[0], raw[1], raw[2], raw[3],
            ]))),
            false,
        ),
        b'O' if raw.len() == 8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(raw);
            let x = f64::from_le_bytes(b);
            (number_value(x).ok_or_else(|| x.to_string()), false)
        }
        _ => {
            let (s, fb) = decode_text(trim_bytes(raw), enc);
            (
                Ok(if s.is_empty() {
                    Value::Null
                } else {
                    Value::String(s)
                }),
                fb,
            )
        }
    }
}

fn trim_bytes(raw: &[u8]) -> &[u8] {
    let end = raw
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |p| p + 1);
    let start = raw.iter().position(|&b| b != b' ').unwrap_or(end).min(end);
    &raw[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A DBF with one text field `NAME` (20 bytes) and one numeric `CODE` (9,0).
    fn dbf(ldid: u8, rows: &[(&[u8], &str)]) -> Vec<u8> {
        let mut b = vec![0u8; 32];
        b[0] = 3;
        b[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
        let header_len: u16 = 32 + 2 * 32 + 1;
        b[8..10].copy_from_slice(&header_len.to_le_bytes());
        b[10..12].copy_from_slice(&(1u16 + 20 + 9).to_le_bytes());
        b[29] = ldid;
        for (name, kind, len) in [("NAME", b'C', 20u8), ("CODE", b'N', 9u8)] {
            let mut d = [0u8; 32];
            d[..name.len()].copy_from_slice(name.as_bytes());
            d[11] = kind;
            d[16] = len;
            b.extend_from_slice(&d);
        }
        b.push(0x0D);
        for (name, code) in rows {
            b.push(b' ');
            let mut n = name.to_vec();
            n.resize(20, b' ');
            b.extend_from_slice(&n);
            b.extend_from_slice(format!("{code:>9}").as_bytes());
        }
        b.push(0x1A);
        b
    }

    #[test]
    fn gbk_text_is_decoded_by_language_byte_cpg_or_fallback() {
        let (gbk, _, _) = encoding_rs::GBK.encode("抚顺市新抚区");
        let bytes = dbf(0x4D, &[(&gbk, "210402")]);
        let t = parse(&bytes, None, None).unwrap();
        let r = t.records[0].as_ref().unwrap();
        assert_eq!(r["NAME"], Value::from("抚顺市新抚区"));
        assert_eq!(r["CODE"], Value::from(210402));
        assert!(t.encoding.starts_with("GBK"), "{}", t.encoding);
        // No language byte: .cpg says so, or the bytes are not UTF-8.
        let bytes = dbf(0, &[(&gbk, "1")]);
        assert_eq!(
            parse(&bytes, None, Some("936")).unwrap().records[0]
                .as_ref()
                .unwrap()["NAME"],
            Value::from("抚顺市新抚区")
        );
        let t = parse(&bytes, None, None).unwrap();
        assert_eq!(
            t.records[0].as_ref().unwrap()["NAME"],
            Value::from("抚顺市新抚区")
        );
        assert!(t.encoding.contains("GB18030"));
        // UTF-8 stays UTF-8.
        let bytes = dbf(0, &[("抚顺".as_bytes(), "1")]);
        assert_eq!(
            parse(&bytes, None, None).unwrap().records[0]
                .as_ref()
                .unwrap()["NAME"],
            Value::from("抚顺")
        );
    }

    #[test]
    fn bad_numbers_and_truncation_are_problems_not_panics() {
        let mut bytes = dbf(0, &[(b"a", "12x"), (b"b", "5")]);
        let t = parse(&bytes, None, None).unwrap();
        assert_eq!(t.problems.len(), 1);
        assert_eq!(t.problems[0].1, "CODE");
        bytes.truncate(bytes.len() - 20);
        let t = parse(&bytes, None, None).unwrap();
        assert!(t.problems.iter().any(|p| p.3.contains("ends")));
        assert!(parse(&bytes[..10], None, None).is_err());
        for cut in 0..bytes.len() {
            let _ = parse(&bytes[..cut], None, None);
        }
    }
}
