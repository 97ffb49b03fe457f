//! Point tables: CSV and Excel (XLSX / XLS / ODS) school lists with coordinate columns.
//!
//! A bureau's school list is a spreadsheet with one row per school and two columns of
//! coordinates, often picked on Amap (GCJ-02) or Baidu (BD-09) — the layer says which with
//! `datum`, or gives a projected `crs`. `x_field` / `y_field` name the columns; without them
//! the usual names are tried (`lon`/`lng`/`longitude`/`x`/`经度`, `lat`/`latitude`/`y`/`纬度`).
//! Every other column becomes a property, typed by [`super::cell_value`]; messages name the
//! spreadsheet row (the header is row 1).
//!
//! CSV text is UTF-8 (a byte-order mark is dropped) unless `encoding` says otherwise; a file
//! that is not valid UTF-8 is decoded as GB18030 (a superset of GBK, what Chinese Excel writes
//! for "CSV") and a warning says so. Excel files are read with `calamine` (pure Rust).

use geo::{Geometry, Point};
use serde_json::{Map as JsonMap, Value};

use super::{
    canonical_number, cell_value, file_error, list_columns, number_value, Format, RawFeature,
    RawLayer,
};
use crate::config::LayerSpec;
use crate::error::{Problem, Severity};
use crate::io::features::{FeatureRecord, FileProblems};

const X_NAMES: [&str; 8] = [
    "lon",
    "lng",
    "longitude",
    "x",
    "经度",
    "long",
    "point_x",
    "easting",
];
const Y_NAMES: [&str; 6] = ["lat", "latitude", "y", "纬度", "point_y", "northing"];

/// Reads a CSV or Excel point table.
pub fn read(spec: &LayerSpec, format: Format, fp: &mut FileProblems) -> Option<RawLayer> {
    let (header, rows, base) = match format {
        Format::Xlsx => read_xlsx(spec, fp)?,
        _ => read_csv(spec, fp)?,
    };
    fp.row_base = Some(base);
    let find = |given: &Option<String>,
                names: &[&str],
                key: &str,
                fp: &mut FileProblems|
     -> Option<usize> {
        match given {
            Some(name) => {
                let i = header.iter().position(|h| h == name);
                if i.is_none() {
                    file_error(
                        fp,
                        key,
                        format!("a column named {name:?}"),
                        list_columns(header.iter()),
                    );
                }
                i
            }
            None => {
                let i = header
                    .iter()
                    .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)));
                if i.is_none() {
                    file_error(
                        fp,
                        key,
                        format!(
                            "a coordinate column ({}), or `{key}` on the layer",
                            names.join(", ")
                        ),
                        list_columns(header.iter()),
                    );
                }
                i
            }
        }
    };
    let xi = find(&spec.x_field, &X_NAMES, "x_field", fp);
    let yi = find(&spec.y_field, &Y_NAMES, "y_field", fp);
    let (xi, yi) = (xi?, yi?);
    let mut seen = std::collections::BTreeSet::new();
    for h in &header {
        if !h.is_empty() && !seen.insert(h) {
            file_error(
                fp,
                h,
                "unique column names",
                format!("{h:?} twice in the header"),
            );
        }
    }
    let mut features = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        if row.iter().all(Value::is_null) {
            continue;
        }
        let mut props = JsonMap::new();
        for (k, v) in header.iter().zip(row.iter()) {
            if !k.is_empty() {
                props.insert(k.clone(), v.clone());
            }
        }
        let mut f = RawFeature {
            index,
            props,
            geometry: None,
        };
        let x = coordinate(&row, xi, &header[xi], &f, fp);
        let y = coordinate(&row, yi, &header[yi], &f, fp);
        if let (Some(x), Some(y)) = (x, y) {
            f.geometry = Some(Geometry::Point(Point::new(x, y)));
        }
        features.push(f);
    }
    Some(RawLayer {
        features,
        declared: None,
    })
}

fn coordinate(
    row: &[Value],
    i: usize,
    column: &str,
    f: &RawFeature,
    fp: &mut FileProblems,
) -> Option<f64> {
    let v = row.get(i).unwrap_or(&Value::Null);
    let n = match v {
        Value::Number(n) => n.as_f64(),
        // Decimal commas and stray spaces are common in hand-made lists: accept "41,85" only
        // when unambiguous (a single comma, no dot).
        Value::String(s) if s.matches(',').count() == 1 && !s.contains('.') => {
            s.trim().replace(',', ".").parse().ok()
        }
        _ => None,
    };
    if n.is_none() {
        let rec = FeatureRecord {
            index: f.index,
            id: f.props.get("id").and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            }),
            props: JsonMap::new(),
            geometry: None,
        };
        let found = match v {
            Value::Null => "an empty cell".to_string(),
            other => crate::io::features::describe(other),
        };
        fp.error(&rec, column, "a number (coordinate)", found);
    }
    n
}

type Table = (Vec<String>, Vec<Vec<Value>>, usize);

fn read_csv(spec: &LayerSpec, fp: &mut FileProblems) -> Option<Table> {
    let bytes = match std::fs::read(&spec.path) {
        Ok(b) => b,
        Err(e) => {
            file_error(fp, "file", "a readable CSV file", e.to_string());
            return None;
        }
    };
    let text = decode(&bytes, spec.encoding.as_deref(), fp)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let delimiter = sniff_delimiter(text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(r)) => r.iter().map(|s| s.trim().to_string()).collect(),
        Some(Err(e)) => {
            file_error(fp, "header", "a CSV header row", e.to_string());
            return None;
        }
        None => {
            file_error(fp, "header", "a CSV header row", "an empty file");
            return None;
        }
    };
    let mut rows = Vec::new();
    for (i, r) in records.enumerate() {
        match r {
            Ok(r) => {
                if r.len() != header.len() && !(r.len() == 1 && r.get(0) == Some("")) {
                    fp.problems.push(
                        Problem::file(
                            Severity::Error,
                            fp.file.clone(),
                            format!("{} cells as in the header", header.len()),
                            format!("{} cells", r.len()),
                        )
                        .at_feature(i, None)
                        .at_row(i + 2),
                    );
                }
                rows.push(r.iter().map(cell_value).collect());
            }
            Err(e) => {
                fp.problems.push(
                    Problem::file(
                        Severity::Error,
                        fp.file.clone(),
                        "a well-formed CSV record",
                        e.to_string(),
                    )
                    .at_feature(i, None)
                    .at_row(i + 2),
                );
                rows.push(Vec::new());
            }
        }
    }
    Some((header, rows, 2))
}

/// Comma, semicolon or tab: whichever the header line has most of.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.matches(*d as char).count())
        .filter(|d| first.contains(*d as char))
        .unwrap_or(b',')
}

/// Decodes text in the given encoding, or UTF-8 with a GB18030 fallback.
pub fn decode(bytes: &[u8], encoding: Option<&str>, fp: &mut FileProblems) -> Option<String> {
    if let Some(label) = encoding {
        let Some(enc) = encoding_rs::Encoding::for_label(label.trim().as_bytes()) else {
            file_error(
                fp,
                "encoding",
                "a known text encoding (UTF-8, GBK, GB18030, Big5, …)",
                format!("{label:?}"),
            );
            return None;
        };
        let (text, _, bad) = enc.decode(bytes);
        if bad {
            file_error(
                fp,
                "encoding",
                format!("text in {}", enc.name()),
                "bytes that are not",
            );
            return None;
        }
        return Some(text.into_owned());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s.to_string()),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                file_error(
                    fp,
                    "encoding",
                    "UTF-8 or GBK text (or `encoding` on the layer)",
                    "bytes that are neither",
                );
                return None;
            }
            fp.problems.push(
                Problem::file(
                    Severity::Warning,
                    fp.file.clone(),
                    "UTF-8 text",
                    "GBK text (decoded as GB18030; set `encoding` to silence this)",
                )
                .on_property("encoding"),
            );
            Some(text.into_owned())
        }
    }
}

fn read_xlsx(spec: &LayerSpec, fp: &mut FileProblems) -> Option<Table> {
    use calamine::{Data, Reader};
    let mut wb = match calamine::open_workbook_auto(&spec.path) {
        Ok(w) => w,
        Err(e) => {
            file_error(
                fp,
                "file",
                "a readable Excel workbook (.xlsx, .xls, .ods)",
                e.to_string(),
            );
            return None;
        }
    };
    let names = wb.sheet_names().to_vec();
    let sheet = match &spec.layer {
        Some(l) if names.contains(l) => l.clone(),
        Some(l) => {
            file_error(
                fp,
                "layer",
                format!("a sheet named {l:?}"),
                format!("sheets {}", names.join(", ")),
            );
            return None;
        }
        None => match names.first() {
            Some(n) => n.clone(),
            None => {
                file_error(fp, "layer", "a sheet", "a workbook without sheets");
                return None;
            }
        },
    };
    let range = match wb.worksheet_range(&sheet) {
        Ok(r) => r,
        Err(e) => {
            file_error(
                fp,
                "layer",
                format!("a readable sheet {sheet:?}"),
                e.to_string(),
            );
            return None;
        }
    };
    let start_row = range.start().map_or(0, |s| s.0 as usize);
    let mut rows_iter = range.rows();
    let header: Vec<String> = match rows_iter.next() {
        Some(r) => r.iter().map(|c| cell_text(c).trim().to_string()).collect(),
        None => {
            file_error(
                fp,
                "header",
                "a header row",
                format!("an empty sheet {sheet:?}"),
            );
            return None;
        }
    };
    let rows: Vec<Vec<Value>> = rows_iter
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Int(i) => Value::from(*i),
                    Data::Float(f) => number_value(*f).unwrap_or(Value::Null),
                    Data::Bool(b) => Value::Bool(*b),
                    Data::String(s) => cell_value(s),
                    Data::Empty => Value::Null,
                    Data::Error(e) => Value::String(format!("#{e:?}")),
                    Data::DateTime(d) => Value::String(d.to_string()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => Value::String(s.clone()),
                })
                .collect()
        })
        .collect();
    // Header at sheet row start_row + 1 (1-based); data index 0 is the row after it.
    Some((header, rows, start_row + 2))
}

fn cell_text(c: &calamine::Data) -> String {
    match c {
        calamine::Data::String(s) => s.clone(),
        calamine::Data::Empty => String::new(),
        other => {
            let t = other.to_string();
            match canonical_number(&t) {
                Some(n) => n.to_string(),
                None => t,
            }
        }
    }
}
