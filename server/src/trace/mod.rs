//! Traces (SPEC section 3): recorded sessions as JSON Lines — reading them for replay, and
//! writing them from a live session (`mindgap lsp --record`).

pub mod framing;
pub mod reader;
pub mod recorder;

use std::path::Path;

use serde_json::Value;

pub const FORMAT_VERSION: u64 = 1;

#[derive(Clone, Debug, Default)]
pub struct Header {
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    /// RFC 3339 time the recording began.
    pub recorded: Option<String>,
    /// The same instant as unix ms, when the recorder wrote it.
    pub t0_epoch_ms: Option<f64>,
}

impl Header {
    /// Unix ms when the recording began: `t0_epoch_ms`, else `recorded`, else 0.
    pub fn start_ms(&self) -> i64 {
        if let Some(ms) = self.t0_epoch_ms {
            return ms.round() as i64;
        }
        self.recorded
            .as_deref()
            .and_then(|r| chrono::DateTime::parse_from_rfc3339(r).ok())
            .map_or(0, |d| d.timestamp_millis())
    }
}

/// One line after the header.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A JSON-RPC message from client to server.
    Msg { t: f64, msg: Value },
    /// A message from server to client.
    Out { t: f64, out: Value },
    /// A disk change in the workspace; `text` is `None` for a removal. `before` (an addition to
    /// SPEC section 3) is what git's index held for a file the session had not seen before.
    /// `in_git` (SPEC section 3): whether git's object store already held the new text.
    Fs {
        t: f64,
        path: String,
        text: Option<String>,
        before: Option<String>,
        in_git: Option<bool>,
    },
    /// Not a change: a file the watcher's walk found on disk, with the text it held then.
    Exists { t: f64, path: String, text: String },
    /// A coding agent's log named a workspace file it wrote (an addition to SPEC section 3:
    /// `{"t": MS, "agent": {"name": "claude-code", "path": "REL/PATH"}}`, the name any of
    /// [`crate::classify::Agent::as_str`]'s).
    Agent { t: f64, name: String, path: String },
}

#[derive(Clone, Debug)]
pub struct Trace {
    pub header: Header,
    pub entries: Vec<Entry>,
    /// Lines that could not be read, as (line number, reason).
    pub skipped: Vec<(usize, String)>,
}

/// Reads a whole trace file into memory (the bench and tests; `replay` streams it with
/// [`reader::Reader`]). A missing or malformed header is an error; a malformed line later on is
/// skipped and reported in [`Trace::skipped`].
pub fn read(path: &Path) -> Result<Trace, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    collect(std::io::BufReader::new(file)).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(text: &str) -> Result<Trace, String> {
    collect(text.as_bytes())
}

fn collect(input: impl std::io::BufRead) -> Result<Trace, String> {
    let (header, mut reader) = reader::Reader::new(input)?;
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    while let Some(read) = reader.next_entry()? {
        match read {
            reader::Read::Entry(e) => entries.push(e),
            reader::Read::Skipped(line, reason) => skipped.push((line, reason)),
        }
    }
    Ok(Trace {
        header,
        entries,
        skipped,
    })
}

fn parse_entry(line: &str) -> Result<Entry, String> {
    let mut v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let t = v
        .get("t")
        .and_then(Value::as_f64)
        .ok_or("no numeric \"t\"")?;
    if let Some(msg) = v.get_mut("msg") {
        return Ok(Entry::Msg { t, msg: msg.take() });
    }
    if let Some(out) = v.get_mut("out") {
        return Ok(Entry::Out { t, out: out.take() });
    }
    if let Some(fs) = v.get("fs") {
        let path = fs
            .get("path")
            .and_then(Value::as_str)
            .ok_or("fs entry without \"path\"")?;
        let text = match fs.get("op").and_then(Value::as_str) {
            Some("write") => Some(
                fs.get("text")
                    .and_then(Value::as_str)
                    .ok_or("fs write without \"text\"")?
                    .to_string(),
            ),
            Some("remove") => None,
            Some("exists") => {
                let text = fs.get("text").and_then(Value::as_str);
                return Ok(Entry::Exists {
                    t,
                    path: path.to_string(),
                    text: text.ok_or("fs exists without \"text\"")?.to_string(),
                });
            }
            other => return Err(format!("unknown fs op {other:?}")),
        };
        return Ok(Entry::Fs {
            t,
            path: path.to_string(),
            text,
            before: fs.get("before").and_then(Value::as_str).map(str::to_string),
            in_git: fs.get("in_git").and_then(Value::as_bool),
        });
    }
    if let Some(agent) = v.get("agent") {
        let field = |k: &str| {
            agent
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or(format!("agent entry without \"{k}\""))
        };
        return Ok(Entry::Agent {
            t,
            name: field("name")?,
            path: field("path")?,
        });
    }
    Err("neither \"msg\", \"out\", \"fs\" nor \"agent\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_header_entries_and_skips_bad_lines() {
        let text = r#"{"mindgap_trace": 1, "client": {"name": "Neovim", "version": "0.11.4"}, "recorded": "2026-11-25T20:36:32.016Z"}
{"t": 2.5, "msg": {"jsonrpc": "2.0", "method": "initialized", "params": {}}}
not json
{"t": 3, "out": {"jsonrpc": "2.0", "id": 1, "result": null}}
{"t": 4, "fs": {"op": "write", "path": "a.py", "text": "x"}}
{"t": 5, "fs": {"op": "remove", "path": "a.py"}}
{"t": 6, "fs": {"op": "write", "path": "b.py", "text": "y = 2", "before": "y = 1"}}
{"t": 7, "agent": {"name": "claude-code", "path": "b.py"}}
{"t": 8, "agent": {"name": "claude-code"}}
"#;
        let trace = parse(text).unwrap();
        assert_eq!(trace.header.client_name.as_deref(), Some("Neovim"));
        assert_eq!(trace.header.start_ms(), 1_795_638_992_016);
        assert_eq!(trace.entries.len(), 6);
        assert_eq!(trace.skipped.len(), 2);
        assert!(matches!(&trace.entries[4], Entry::Fs { before: Some(b), .. } if b == "y = 1"));
        assert!(
            matches!(&trace.entries[5], Entry::Agent { name, path, .. } if name == "claude-code" && path == "b.py")
        );
        assert_eq!(trace.skipped[0].0, 3);
        assert!(matches!(&trace.entries[3], Entry::Fs { text: None, .. }));
    }

    #[test]
    fn rejects_files_that_are_not_traces() {
        assert!(parse("").is_err());
        assert!(parse("{\"hello\": 1}").unwrap_err().contains("header"));
        assert!(
            parse("{\"mindgap_trace\": 7}")
                .unwrap_err()
                .contains("not supported")
        );
    }
}
