//! A small read-only reader of SQLite 3 database files, enough for GeoPackages.
//!
//! A GeoPackage is an SQLite database. Linking SQLite means compiling its C source (the
//! `rusqlite` `bundled` feature) or a system library — neither fits a pure-Rust default build —
//! and no maintained pure-Rust SQLite reader exists on crates.io (the candidates are yanked,
//! prototypes, or whole database engines). Reading tables needs only a small part of the
//! documented file format (<https://www.sqlite.org/fileformat2.html>), implemented here:
//!
//! - the 100-byte header (page size, reserved bytes, text encoding);
//! - table b-trees: interior pages (`0x05`) followed to their leaves (`0x0D`), cells in
//!   rowid order, payloads spilling onto overflow-page chains;
//! - the record format (serial types: NULL, integers of 1–8 bytes, IEEE doubles, the constants
//!   0 and 1, BLOBs and text);
//! - `sqlite_schema` for each table's root page and `CREATE TABLE` text, from which column names
//!   and the `INTEGER PRIMARY KEY` rowid alias are read.
//!
//! Not supported (reported as errors, never a panic): `WITHOUT ROWID` tables, a database with
//! an un-checkpointed write-ahead log (`-wal` file beside it), UTF-16 text. Every read is
//! bounds-checked; page cycles are cut by depth and chain-length limits.

use std::path::Path;

/// A value of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// A double.
    Real(f64),
    /// Text (UTF-8).
    Text(String),
    /// A BLOB.
    Blob(Vec<u8>),
}

/// An open database (the whole file in memory; GeoPackages of a city are small).
pub struct Database {
    data: Vec<u8>,
    page_size: usize,
    usable: usize,
    pages: usize,
}

/// A table's schema.
#[derive(Debug, Clone)]
pub struct TableInfo {
    /// Table name.
    pub name: String,
    /// Root page (1-based).
    pub root: u32,
    /// Column names in order.
    pub columns: Vec<String>,
    /// Index of the `INTEGER PRIMARY KEY` column whose value is the rowid, if any.
    pub rowid_alias: Option<usize>,
}

impl Database {
    /// Opens a database file.
    pub fn open(path: &Path) -> Result<Database, String> {
        let wal = {
            let mut p = path.as_os_str().to_owned();
            p.push("-wal");
            std::path::PathBuf::from(p)
        };
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            return Err(format!(
                "a closed database, found a write-ahead log {} (close the program that has it open, or checkpoint it)",
                wal.display()
            ));
        }
        let data = std::fs::read(path).map_err(|e| e.to_string())?;
        Database::from_bytes(data)
    }

    /// A database from its bytes.
    pub fn from_bytes(data: Vec<u8>) -> Result<Database, String> {
        if data.len() < 100 || &data[..16] != b"SQLite format 3\0" {
            return Err("an SQLite 3 database (header \"SQLite format 3\")".into());
        }
        let ps = u16::from_be_bytes([data[16], data[17]]) as usize;
        let page_size = if ps == 1 { 65536 } else { ps };
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("a valid page size, found {page_size}"));
        }
        let reserved = data[20] as usize;
        let usable = page_size.saturating_sub(reserved);
        if usable < 480 {
            return Err(format!("a usable page size ≥ 480, found {usable}"));
        }
        let enc = u32::from_be_bytes([data[56], data[57], data[58], data[59]]);
        if enc > 1 {
            return Err("UTF-8 text (this database stores UTF-16)".into());
        }
        let pages = data.len() / page_size;
        Ok(Database {
            data,
            page_size,
            usable,
            pages,
        })
    }

    fn page(&self, n: u32) -> Result<&[u8], String> {
        let n = n as usize;
        if n == 0 || n > self.pages {
            return Err(format!("a page number in 1–{}, found {n}", self.pages));
        }
        Ok(&self.data[(n - 1) * self.page_size..n * self.page_size])
    }

    /// Every row of the table b-tree rooted at `root`: (rowid, values), in rowid order.
    pub fn rows(&self, root: u32) -> Result<Vec<(i64, Vec<SqlValue>)>, String> {
        let mut out = Vec::new();
        self.walk(root, 0, &mut out)?;
        Ok(out)
    }

    fn walk(
        &self,
        page_no: u32,
        depth: usize,
        out: &mut Vec<(i64, Vec<SqlValue>)>,
    ) -> Result<(), String> {
        if depth > 40 {
            return Err("a b-tree of reasonable depth (a page cycle?)".into());
        }
        let page = self.page(page_no)?;
        let hdr = if page_no == 1 { 100 } else { 0 };
        let kind = *page.get(hdr).ok_or("a page header")?;
        let n_cells = be16(page, hdr + 3)? as usize;
        match kind {
            0x0D => {
                for i in 0..n_cells {
                    let ptr = be16(page, hdr + 8 + 2 * i)? as usize;
                    let (payload_len, a) = varint(page, ptr)?;
                    let (rowid, b) = varint(page, ptr + a)?;
                    let payload = self.payload(page, ptr + a + b, payload_len as usize)?;
                    out.push((rowid as i64, record(&payload)?));
                }
                Ok(())
            }
            0x05 => {
                for i in 0..n_cells {
                    let ptr = be16(page, hdr + 12 + 2 * i)? as usize;
                    let child = be32(page, ptr)?;
                    self.walk(child, depth + 1, out)?;
                }
                let right = be32(page, hdr + 8)?;
                self.walk(right, depth + 1, out)
            }
            0x02 | 0x0A => {
                Err("a table b-tree, found an index b-tree (WITHOUT ROWID table?)".into())
            }
            k => Err(format!(
                "a b-tree page, found page type 0x{k:02X} on page {page_no}"
            )),
        }
    }

    /// The payload of a table-leaf cell whose local part starts at `at`.
    fn payload(&self, page: &[u8], at: usize, len: usize) -> Result<Vec<u8>, String> {
        let u = self.usable;
        let x = u - 35;
        if len <= x {
            return page
                .get(at..at + len)
                .map(<[u8]>::to_vec)
                .ok_or_else(|| "a cell inside its page".to_string());
        }
        let m = ((u - 12) * 32 / 255) - 23;
        let k = m + ((len - m) % (u - 4));
        let local = if k <= x { k } else { m };
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(page.get(at..at + local).ok_or("a cell inside its page")?);
        let mut next = be32(page, at + local)?;
        let mut hops = 0usize;
        while out.len() < len {
            hops += 1;
            if next == 0 || hops > self.pages {
                return Err("an overflow chain as long as the payload".into());
            }
            let p = self.page(next)?;
            next = be32(p, 0)?;
            let take = (len - out.len()).min(u - 4);
            out.extend_from_slice(p.get(4..4 + take).ok_or("an overflow page")?);
        }
        Ok(out)
    }

    /// The tables of `sqlite_schema`.
    pub fn tables(&self) -> Result<Vec<TableInfo>, String> {
        let mut out = Vec::new();
        for (_, row) in self.rows(1)? {
            let text = |i: usize| match row.get(i) {
                Some(SqlValue::Text(s)) => s.clone(),
                _ => String::new(),
            };
            if text(0) != "table" {
                continue;
            }
            let root = match row.get(3) {
                Some(SqlValue::Int(r)) if *r > 0 => *r as u32,
                _ => continue,
            };
            let sql = text(4);
            if sql.to_ascii_uppercase().contains("WITHOUT ROWID") {
                continue;
            }
            let (columns, rowid_alias) = parse_create(&sql);
            out.push(TableInfo {
                name: text(1),
                root,
                columns,
                rowid_alias,
            });
        }
        Ok(out)
    }

    /// A table by name (case-insensitive).
    pub fn table(&self, name: &str) -> Result<Option<TableInfo>, String> {
        Ok(self
            .tables()?
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(name)))
    }

    /// Rows of a table as maps of column → value (the rowid alias filled in).
    pub fn select(&self, t: &TableInfo) -> Result<Vec<Vec<SqlValue>>, String> {
        let rows = self.rows(t.root)?;
        Ok(rows
            .into_iter()
            .map(|(rowid, mut vals)| {
                vals.resize(t.columns.len(), SqlValue::Null);
                if let Some(i) = t.rowid_alias {
                    vals[i] = SqlValue::Int(rowid);
                }
                vals
            })
            .collect())
    }
}

fn be16(p: &[u8], at: usize) -> Result<u16, String> {
    p.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| "a 2-byte field inside the page".into())
}

fn be32(p: &[u8], at: usize) -> Result<u32, String> {
    p.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| "a 4-byte field inside the page".into())
}

/// A varint at `at`: (value, bytes used).
fn varint(p: &[u8], at: usize) -> Result<(u64, usize), String> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let b = *p.get(at + i).ok_or("a varint inside the page")?;
        if i == 8 {
            return Ok(((v << 8) | b as u64, 9));
        }
        v = (v << 7) | (b & 0x7F) as u64;
        if b & 0x80 == 0 {
            return Ok((v, i + 1));
        }
    }
    unreachable!("the loop returns by the ninth byte")
}

/// Decodes a record (header of serial types, then the values).
fn record(p: &[u8]) -> Result<Vec<SqlValue>, String> {
    let (hlen, mut at) = varint(p, 0)?;
    let hlen = hlen as usize;
    if hlen > p.len() {
        return Err("a record header inside the record".into());
    }
    let mut types = Vec::new();
    while at < hlen {
        let (t, n) = varint(p, at)?;
        types.push(t);
        at += n;
    }
    let mut body = hlen;
    let mut out = Vec::with_capacity(types.len());
    for t in types {
        let int = |n: usize, body: usize| -> Result<i64, String> {
            let b = p.get(body..body + n).ok_or("a value inside the record")?;
            let mut v: i64 = if b[0] & 0x80 != 0 { -1 } else { 0 };
            for &x in b {
                v = (v << 8) | x as i64;
            }
            Ok(v)
        };
        let (v, n) = match t {
            0 => (SqlValue::Null, 0),
            1 => (SqlValue::Int(int(1, body)?), 1),
            2 => (SqlValue::Int(int(2, body)?), 2),
            3 => (SqlValue::Int(int(3, body)?), 3),
            4 => (SqlValue::Int(int(4, body)?), 4),
            5 => (SqlValue::Int(int(6, body)?), 6),
            6 => (SqlValue::Int(int(8, body)?), 8),
            7 => {
                let b = p.get(body..body + 8).ok_or("a value inside the record")?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                (SqlValue::Real(f64::from_be_bytes(a)), 8)
            }
            8 => (SqlValue::Int(0), 0),
            9 => (SqlValue::Int(1), 0),
            10 | 11 => return Err(format!("a known serial type, found {t}")),
            t => {
                let n = ((t - 12) / 2) as usize;
                let b = p.get(body..body + n).ok_or("a value inside the record")?;
                if t % 2 == 0 {
                    (SqlValue::Blob(b.to_vec()), n)
                } else {
                    (SqlValue::Text(String::from_utf8_lossy(b).into_owned()), n)
                }
            }
        };
        out.push(v);
        body += n;
    }
    Ok(out)
}

/// Column names of a `CREATE TABLE` statement and the rowid alias column.
pub fn parse_create(sql: &str) -> (Vec<String>, Option<usize>) {
    let (Some(open), Some(close)) = (sql.find('('), sql.rfind(')')) else {
        return (Vec::new(), None);
    };
    if close <= open {
        return (Vec::new(), None);
    }
    let inner = &sql[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0usize);
    for (i, c) in inner.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '[' => quote = Some(']'),
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => {
                    parts.push(&inner[start..i]);
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    parts.push(&inner[start..]);
    let mut cols = Vec::new();
    let mut alias = None;
    for part in parts {
        let def = part.trim();
        let upper = def.to_ascii_uppercase();
        if ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|k| upper.starts_with(k) && upper[k.len()..].starts_with([' ', '(', '\t', '\n']))
        {
            continue;
        }
        let (name, rest) = match def.chars().next() {
            Some(q @ ('"' | '`' | '[')) => {
                let end = if q == '[' { ']' } else { q };
                match def[1..].find(end) {
                    Some(e) => (def[1..1 + e].to_string(), &def[2 + e..]),
                    None => (def[1..].to_string(), ""),
                }
            }
            _ => {
                let e = def.find(char::is_whitespace).unwrap_or(def.len());
                (def[..e].to_string(), &def[e..])
            }
        };
        let rest_up = rest.trim().to_ascii_uppercase();
        if rest_up.starts_with("INTEGER")
            && rest_up.contains("PRIMARY KEY")
            && !rest_up.contains("DESC")
        {
            alias = Some(cols.len());
        }
        cols.push(name);
    }
    (cols, alias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_table_columns_and_rowid_alias() {
        let (c, a) = parse_create(
            r#"CREATE TABLE "schools" ( "fid" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "geom" POINT, "id" TEXT, "class_sizes" TEXT(0), "名称" TEXT, CONSTRAINT x UNIQUE (id))"#,
        );
        assert_eq!(c, vec!["fid", "geom", "id", "class_sizes", "名称"]);
        assert_eq!(a, Some(0));
        let (c, a) = parse_create("CREATE TABLE t (a, b REAL, [c d] TEXT)");
        assert_eq!(c, vec!["a", "b", "c d"]);
        assert_eq!(a, None);
    }

    #[test]
    fn varints_and_records() {
        assert_eq!(varint(&[0x7F], 0).unwrap(), (127, 1));
        assert_eq!(varint(&[0x81, 0x00], 0).unwrap(), (128, 2));
        assert_eq!(varint(&[0xFF; 9], 0).unwrap().1, 9);
        // header 4 bytes: types 1 (i8), 7 (double), 19 (3-byte text); body.
        let mut r = vec![4, 1, 7, 19, 0xFE];
        r.extend_from_slice(&1.5f64.to_be_bytes());
        r.extend_from_slice(b"abc");
        assert_eq!(
            record(&r).unwrap(),
            vec![
                SqlValue::Int(-2),
                SqlValue::Real(1.5),
                SqlValue::Text("abc".into())
            ]
        );
        assert!(record(&r[..6]).is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(Database::from_bytes(vec![0; 50]).is_err());
        let mut d = b"SQLite format 3\0".to_vec();
        d.resize(4096, 0);
        d[16] = 0x10; // page size 4096
        let db = Database::from_bytes(d.clone()).unwrap();
        assert!(db.tables().is_err());
        for b in 0..=255u8 {
            d[100] = b;
            d[103] = b;
            if let Ok(db) = Database::from_bytes(d.clone()) {
                let _ = db.tables();
            }
        }
    }
}
