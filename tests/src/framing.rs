//! LSP framing as the tests read it: a strict parser for what the server writes (anything that is
//! not a well-formed frame is a violation, kept for the test to fail on), the reader that turns
//! a stream of bytes into messages, and framing for what the tests send.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// Parses LSP frames strictly from a byte buffer: header lines `Name: value` in ASCII, a
/// `Content-Length`, a blank line, then exactly that many bytes of JSON.
#[derive(Default)]
pub struct FrameParser {
    buf: Vec<u8>,
}

/// One thing found on the server's stdout.
#[derive(Debug)]
pub enum Frame {
    Message(Value),
    /// Bytes that are not a well-formed frame (with the reason).
    Violation(String),
}

impl FrameParser {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held that do not yet form a whole frame.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    pub fn next_frame(&mut self) -> Option<Frame> {
        let Some(end) = find(&self.buf, b"\r\n\r\n") else {
            // A header block is short; a long run without one is already wrong.
            if self.buf.len() > 4096 {
                let junk = String::from_utf8_lossy(&self.buf[..200]).into_owned();
                self.buf.clear();
                return Some(Frame::Violation(format!(
                    "more than 4096 bytes without a header end: {junk:?}…"
                )));
            }
            return None;
        };
        let header = &self.buf[..end];
        let mut length = None;
        let mut problem = None;
        match std::str::from_utf8(header) {
            Err(_) => problem = Some("header is not UTF-8".to_string()),
            Ok(text) => {
                for line in text.split("\r\n") {
                    match line.split_once(": ") {
                        Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                            match value.trim().parse::<usize>() {
                                Ok(n) => length = Some(n),
                                Err(_) => problem = Some(format!("bad Content-Length {value:?}")),
                            }
                        }
                        Some((name, _)) if name.eq_ignore_ascii_case("content-type") => {}
                        _ => problem = Some(format!("unexpected header line {line:?}")),
                    }
                }
            }
        }
        let Some(length) = length.filter(|_| problem.is_none()) else {
            let junk = String::from_utf8_lossy(&self.buf[..end]).into_owned();
            self.buf.drain(..end + 4);
            return Some(Frame::Violation(format!(
                "{}: {junk:?}",
                problem.unwrap_or_else(|| "no Content-Length".into())
            )));
        };
        let start = end + 4;
        if self.buf.len() < start + length {
            return None;
        }
        let body: Vec<u8> = self.buf[start..start + length].to_vec();
        self.buf.drain(..start + length);
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) if v.get("jsonrpc") == Some(&json!("2.0")) => Some(Frame::Message(v)),
            Ok(v) => Some(Frame::Violation(format!("a body without jsonrpc 2.0: {v}"))),
            Err(e) => Some(Frame::Violation(format!(
                "a body that is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&body)
            ))),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Frames `body` as an LSP message.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Reads the server's output as it arrives: messages go to the client, violations to a list.
/// Both backends feed one (the binary's stdout reader thread, the in-process output pump).
pub(crate) struct Deframer {
    parser: FrameParser,
    messages: Sender<Value>,
    violations: Arc<Mutex<Vec<String>>>,
}

impl Deframer {
    pub(crate) fn new(messages: Sender<Value>, violations: Arc<Mutex<Vec<String>>>) -> Deframer {
        Deframer {
            parser: FrameParser::default(),
            messages,
            violations,
        }
    }

    /// Takes the next bytes of output.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.parser.push(bytes);
        while let Some(frame) = self.parser.next_frame() {
            match frame {
                Frame::Message(v) => {
                    let _ = self.messages.send(v);
                }
                Frame::Violation(why) => self.violations.lock().unwrap().push(why),
            }
        }
    }

    /// The output ended: a frame left half-written is a violation too.
    pub(crate) fn end(self) {
        if self.parser.pending() > 0 {
            self.violations.lock().unwrap().push(format!(
                "stdout ended inside a frame ({} bytes left over)",
                self.parser.pending()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_violations() {
        let mut p = FrameParser::default();
        let body = br#"{"jsonrpc":"2.0","id":1,"result":null}"#;
        let mut bytes = frame(body);
        bytes.extend_from_slice(b"hello log line\r\n\r\n");
        bytes.extend_from_slice(&frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"}"));
        for chunk in bytes.chunks(7) {
            p.push(chunk);
        }
        assert!(matches!(p.next_frame(), Some(Frame::Message(v)) if v["id"] == 1));
        assert!(matches!(p.next_frame(), Some(Frame::Violation(_))));
        assert!(matches!(p.next_frame(), Some(Frame::Message(v)) if v["method"] == "x"));
        assert!(p.next_frame().is_none());
        assert_eq!(p.pending(), 0);
    }
}
