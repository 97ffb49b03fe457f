//! CSV tables for spreadsheets: the properties of a GeoJSON layer, one row per feature, the
//! columns in the layer's property order (every feature carries every key, see [`super::layers`]).

use serde_json::Value;

use crate::csv_cell::csv_cell;

/// The properties of every feature of `geojson` as CSV (UTF-8, header row, `null` as an empty
/// cell, booleans as `true` / `false`; every cell through [`csv_cell`], so that no name becomes
/// a spreadsheet formula). An unreadable layer gives an empty string.
pub fn properties_csv(geojson: &str) -> String {
    let Ok(v) = serde_json::from_str::<Value>(geojson) else {
        return String::new();
    };
    let feats = v["features"].as_array().cloned().unwrap_or_default();
    let mut columns: Vec<String> = Vec::new();
    for f in &feats {
        if let Some(p) = f["properties"].as_object() {
            for k in p.keys() {
                if !columns.contains(k) {
                    columns.push(k.clone());
                }
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(columns.iter().map(|c| csv_cell(c).into_owned()));
    for f in &feats {
        let row: Vec<String> = columns
            .iter()
            .map(|c| match &f["properties"][c] {
                Value::Null => String::new(),
                Value::String(s) => csv_cell(s).into_owned(),
                other => csv_cell(&other.to_string()).into_owned(),
            })
            .collect();
        let _ = w.write_record(&row);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_feature_with_empty_nulls() {
        let g = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":null,"properties":{"id":"a","n":1.5,"ok":true,"x":null}},
            {"type":"Feature","geometry":null,"properties":{"id":"b, c","n":2,"ok":false,"x":"y"}}]}"#;
        assert_eq!(
            properties_csv(g),
            "id,n,ok,x\na,1.5,true,\n\"b, c\",2,false,y\n"
        );
        assert_eq!(properties_csv("not json"), "");
    }
}
