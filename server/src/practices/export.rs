//! `mindgap export`: all of the person's data, as one JSON object or one CSV file per table.
//! Pure: the store hands over its tables ([`Table`]), the CLI reads the learning log.

use serde_json::{Map, Value, json};

use crate::practices::learning::Entry;
use crate::store::history::{Cell, Table};

/// The file name the learning log's entries get in a CSV export.
pub const LEARNING_CSV: &str = "learning_log.csv";

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cell_json(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::Null,
        Cell::Int(v) => Value::from(*v),
        Cell::Real(v) => Value::from(*v),
        Cell::Text(s) => Value::from(s.as_str()),
        Cell::Blob(b) => Value::from(hex(b)),
    }
}

/// Everything as one object: `{"mindgap_export": 1, "exported", "tables": {NAME: [ROW…]},
/// "learning_log": [{"date", "title", "text"}…]}`; rows are objects by column name, blobs hex.
pub fn json(tables: &[Table], learning: &[Entry], exported: &str) -> Value {
    let mut t = Map::new();
    for table in tables {
        let rows: Vec<Value> = table
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| (c.clone(), cell_json(v)))
                        .collect(),
                )
            })
            .collect();
        t.insert(table.name.to_string(), Value::Array(rows));
    }
    let log: Vec<Value> = learning
        .iter()
        .map(|e| json!({"date": e.date.to_string(), "title": e.title, "text": e.text}))
        .collect();
    json!({
        "mindgap_export": 1,
        "exported": exported,
        "tables": t,
        "learning_log": log,
    })
}

/// One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or leading or
/// trailing space; quotes doubled.
pub fn field(s: &str) -> String {
    let needs = s.contains([',', '"', '\n', '\r'])
        || s.starts_with([' ', '\t'])
        || s.ends_with([' ', '\t']);
    if needs {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn cell_csv(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Int(v) => v.to_string(),
        Cell::Real(v) => v.to_string(),
        Cell::Text(s) => field(s),
        Cell::Blob(b) => hex(b),
    }
}

/// Rows as CSV with a header line, CRLF line ends (RFC 4180).
pub fn csv_rows(columns: &[String], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    if columns.is_empty() {
        return out; // a table the store does not have yet
    }
    let line = |out: &mut String, fields: &[String]| {
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    };
    line(
        &mut out,
        &columns.iter().map(|c| field(c)).collect::<Vec<_>>(),
    );
    for r in rows {
        line(&mut out, r);
    }
    out
}

/// Every table as `(file name, CSV)`, and the learning log as [`LEARNING_CSV`].
pub fn csv(tables: &[Table], learning: &[Entry]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = tables
        .iter()
        .map(|t| {
            let rows: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| r.iter().map(cell_csv).collect())
                .collect();
            (format!("{}.csv", t.name), csv_rows(&t.columns, &rows))
        })
        .collect();
    let rows: Vec<Vec<String>> = learning
        .iter()
        .map(|e| vec![e.date.to_string(), field(&e.title), field(&e.text)])
        .collect();
    out.push((
        LEARNING_CSV.to_string(),
        csv_rows(&["date".into(), "title".into(), "text".into()], &rows),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field(""), "");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        assert_eq!(field(" padded"), "\" padded\"");
        assert_eq!(field("ünïcødé ✓"), "ünïcødé ✓");
    }

    fn table() -> Table {
        Table {
            name: "stash",
            columns: vec!["id".into(), "text".into(), "data".into(), "x".into()],
            rows: vec![vec![
                Cell::Int(1),
                Cell::Text("fn a() {\n  \"b\", c\n}".into()),
                Cell::Blob(vec![0xde, 0xad]),
                Cell::Null,
            ]],
        }
    }

    #[test]
    fn csv_tables_have_a_header_and_crlf_rows() {
        let files = csv(&[table()], &[]);
        assert_eq!(files[0].0, "stash.csv");
        assert_eq!(
            files[0].1,
            "id,text,data,x\r\n1,\"fn a() {\n  \"\"b\"\", c\n}\",dead,\r\n"
        );
        assert_eq!(
            files[1],
            (LEARNING_CSV.into(), "date,title,text\r\n".into())
        );
    }

    #[test]
    fn json_has_every_table_and_the_log() {
        let log = crate::practices::learning::parse(
            "# My log\n\n## 2026-11-20 lifetimes\nBorrowing, finally.\n\n## 2026-11-24\nSQL, \"windows\"\n",
        );
        assert_eq!(log.len(), 2);
        let files = csv(&[], &log);
        assert_eq!(
            files[0].1,
            "date,title,text\r\n2026-11-20,lifetimes,\"Borrowing, finally.\"\r\n2026-11-24,,\"SQL, \"\"windows\"\"\"\r\n"
        );
        let v = json(&[table()], &log, "2026-11-25T00:00:00Z");
        assert_eq!(v["mindgap_export"], 1);
        assert_eq!(v["tables"]["stash"][0]["data"], "dead");
        assert_eq!(v["tables"]["stash"][0]["x"], Value::Null);
        assert_eq!(v["learning_log"][1]["date"], "2026-11-24");
    }
}
