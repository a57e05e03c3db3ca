//! Reading a trace as a stream: the header first, then one entry at a time, each line read with
//! a bound ([`MAX_LINE_BYTES`]) so that no input — a huge trace, a line that never ends,
//! `/dev/zero` — makes memory grow past it.

use std::io::BufRead;

use serde_json::Value;

use super::{Entry, FORMAT_VERSION, Header, parse_entry};

/// The longest line read; a longer one is skipped as it is read, never held.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// A trace's entries, read one line at a time.
pub struct Reader<R> {
    input: R,
    /// The number of the line read last (1 is the header).
    line: usize,
    /// The current line, reused from line to line.
    buf: Vec<u8>,
}

/// What one line of the trace gave.
pub enum Read {
    Entry(Entry),
    /// A line that could not be read: its number and why.
    Skipped(usize, String),
}

impl<R: BufRead> Reader<R> {
    /// Reads the header. A missing or malformed header is an error.
    pub fn new(input: R) -> Result<(Header, Reader<R>), String> {
        let mut r = Reader {
            input,
            line: 0,
            buf: Vec::new(),
        };
        let first = loop {
            match r.next_line()? {
                None => return Err("the trace is empty".into()),
                Some(Err(reason)) => return Err(format!("line 1: {reason}")),
                Some(Ok(text)) if text.trim().is_empty() => continue,
                Some(Ok(text)) => break text,
            }
        };
        Ok((header(&first)?, r))
    }

    /// The next entry or skipped line, `None` at the end; an error only when the input cannot be
    /// read at all.
    pub fn next_entry(&mut self) -> Result<Option<Read>, String> {
        loop {
            let line = self.line + 1;
            match self.next_line()? {
                None => return Ok(None),
                Some(Err(reason)) => return Ok(Some(Read::Skipped(line, reason))),
                Some(Ok(text)) if text.trim().is_empty() => continue,
                Some(Ok(text)) => {
                    return Ok(Some(match parse_entry(&text) {
                        Ok(e) => Read::Entry(e),
                        Err(reason) => Read::Skipped(line, reason),
                    }));
                }
            }
        }
    }

    /// The next line as text (lossy UTF-8), or why it was skipped; `None` at the end.
    fn next_line(&mut self) -> Result<Option<Result<String, String>>, String> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("cannot read the trace: {e}")),
            };
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (part, used, ended) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (&chunk[..i], i + 1, true),
                None => (chunk, chunk.len(), false),
            };
            let need = self.buf.len() + part.len();
            if !too_long && need <= MAX_LINE_BYTES {
                if need > self.buf.capacity() {
                    // Doubling, but never past the bound.
                    let to = (need * 2).clamp(need, MAX_LINE_BYTES);
                    self.buf.reserve_exact(to - self.buf.len());
                }
                self.buf.extend_from_slice(part);
            } else {
                too_long = true;
                self.buf.clear();
            }
            self.input.consume(used);
            // The header is given up on at once; a later line is read to its end, to go on after.
            if ended || (too_long && self.line == 0) {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line += 1;
        Ok(Some(if too_long {
            Err(format!("longer than {} MiB", MAX_LINE_BYTES >> 20))
        } else {
            Ok(String::from_utf8_lossy(&self.buf).into_owned())
        }))
    }
}

/// The header line's fields, or why it is not a header this mindgap reads.
fn header(first: &str) -> Result<Header, String> {
    let header: Value =
        serde_json::from_str(first).map_err(|e| format!("line 1 is not JSON: {e}"))?;
    match header.get("mindgap_trace").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "trace format {v} is not supported (this mindgap reads {FORMAT_VERSION})"
            ));
        }
        None => return Err("line 1 is not a mindgap trace header (no \"mindgap_trace\")".into()),
    }
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let client = header.get("client").cloned().unwrap_or(Value::Null);
    Ok(Header {
        client_name: s(&client, "name"),
        client_version: s(&client, "version"),
        recorded: s(&header, "recorded"),
        t0_epoch_ms: header.get("t0_epoch_ms").and_then(Value::as_f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_past_the_bound_is_skipped_without_being_held() {
        let mut text = String::from("{\"mindgap_trace\": 1}\n");
        text.push_str(&"x".repeat(MAX_LINE_BYTES + 10));
        text.push('\n');
        text.push_str("{\"t\": 1, \"out\": {}}\n");
        let input = std::io::BufReader::with_capacity(1 << 16, text.as_bytes());
        let (_, mut r) = Reader::new(input).unwrap();
        assert!(matches!(r.next_entry().unwrap(), Some(Read::Skipped(2, _))));
        assert!(r.buf.capacity() <= MAX_LINE_BYTES);
        assert!(matches!(
            r.next_entry().unwrap(),
            Some(Read::Entry(Entry::Out { .. }))
        ));
        assert!(r.next_entry().unwrap().is_none());
    }

    #[test]
    fn endless_input_without_a_line_break_is_not_a_header() {
        let zeros = std::io::Read::take(std::io::repeat(0), (MAX_LINE_BYTES + 1) as u64);
        let err = Reader::new(std::io::BufReader::new(zeros)).err().unwrap();
        assert!(err.contains("longer than"), "{err}");
    }
}
