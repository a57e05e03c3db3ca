//! `didChange` notifications decoded once, by the transport. tower-lsp-server decodes each
//! message three times (bytes → serde's buffered content → a JSON value → the LSP types): for a
//! notification of 100,000 changes, half of what it costs, and for a keystroke a good part of the
//! server's time. The transport decodes every `didChange` body straight into the mirror's changes, keeps them here, and hands the server, in the body's place
//! in the stream, a small `mindgap/predecodedChange` notification naming them — so the order of
//! notifications is the client's. The trace records the body as the client sent it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;

use crate::mirror::{ContentChange, Position, Range};

/// The notification the server is handed instead.
pub const METHOD: &str = "mindgap/predecodedChange";

/// The decoded notifications waiting for the server to reach them.
#[derive(Default)]
pub struct Predecoded {
    next: AtomicU64,
    held: Mutex<HashMap<u64, Decoded>>,
}

/// One `didChange`, in the mirror's terms.
pub struct Decoded {
    pub uri: String,
    pub version: i32,
    pub changes: Vec<ContentChange>,
}

/// What the small notification carries: which decoded body it stands for.
#[derive(Debug, Deserialize)]
pub struct Seq {
    pub seq: u64,
}

#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    method: &'a str,
    params: Params,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Params {
    text_document: Doc,
    content_changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Doc {
    uri: String,
    version: i32,
}

#[derive(Deserialize)]
struct Change {
    range: Option<Span>,
    text: String,
}

#[derive(Deserialize)]
struct Span {
    start: Pos,
    end: Pos,
}

#[derive(Deserialize)]
struct Pos {
    line: u32,
    character: u32,
}

impl Predecoded {
    /// For a `didChange` that decodes: keeps it, and returns the body to forward in its place.
    /// `None` leaves the body to the framework (which answers what it cannot read).
    pub fn take_over(&self, body: &[u8]) -> Option<Vec<u8>> {
        const NAME: &[u8] = b"\"textDocument/didChange\"";
        if !body.windows(NAME.len()).any(|w| w == NAME) {
            return None;
        }
        let decoded: Body<'_> = serde_json::from_slice(body).ok()?;
        if decoded.method != "textDocument/didChange" {
            return None;
        }
        let p = decoded.params;
        let changes = (p.content_changes.into_iter())
            .map(|c| ContentChange {
                range: c.range.map(|r| Range {
                    start: Position::new(r.start.line, r.start.character),
                    end: Position::new(r.end.line, r.end.character),
                }),
                text: c.text,
            })
            .collect();
        let seq = self.next.fetch_add(1, Ordering::Relaxed);
        let kept = Decoded {
            uri: p.text_document.uri,
            version: p.text_document.version,
            changes,
        };
        self.lock().insert(seq, kept);
        let small = format!(r#"{{"jsonrpc":"2.0","method":"{METHOD}","params":{{"seq":{seq}}}}}"#);
        Some(small.into_bytes())
    }

    /// The decoded body `seq` stands for. Bodies before it that the server never reached (the
    /// framework drops notifications before `initialize`) are let go.
    pub fn take(&self, seq: u64) -> Option<Decoded> {
        let mut held = self.lock();
        held.retain(|&s, _| s >= seq);
        held.remove(&seq)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Decoded>> {
        self.held.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn did_change(n: u32) -> Vec<u8> {
        let changes: Vec<_> = (0..n)
            .map(|i| {
                serde_json::json!({"range": {"start": {"line": 0, "character": i},
                "end": {"line": 0, "character": i}}, "rangeLength": 0, "text": "a"})
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0",
            "method": "textDocument/didChange", "params": {"textDocument": {"uri": "file:///a",
            "version": 7}, "contentChanges": changes}}))
        .unwrap()
    }

    #[test]
    fn a_did_change_is_kept_and_named_and_other_bodies_are_left_alone() {
        let p = Predecoded::default();
        let open = br#"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{}}"#;
        assert!(p.take_over(open).is_none(), "not a didChange");
        let broken = br#"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{}}"#;
        assert!(p.take_over(broken).is_none(), "the framework answers it");
        let one = p
            .take_over(&did_change(1))
            .expect("a keystroke: decoded here");
        let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
        assert_eq!(v["method"], METHOD);
        assert_eq!(
            p.take(v["params"]["seq"].as_u64().unwrap())
                .unwrap()
                .changes
                .len(),
            1
        );
        let small = p
            .take_over(&did_change(5_000))
            .expect("large: decoded here");
        let v: serde_json::Value = serde_json::from_slice(&small).unwrap();
        assert_eq!(v["method"], METHOD);
        let seq = v["params"]["seq"].as_u64().unwrap();
        let d = p.take(seq).unwrap();
        assert_eq!(
            (d.uri.as_str(), d.version, d.changes.len()),
            ("file:///a", 7, 5_000)
        );
        assert_eq!(d.changes[4].range.unwrap().start, Position::new(0, 4));
        assert!(p.take(seq).is_none(), "taken once");
        // One the framework never passed on is let go when a later one is taken.
        let a = p.take_over(&did_change(5_000)).unwrap();
        let b = p.take_over(&did_change(5_000)).unwrap();
        let seq_of = |b: &[u8]| {
            serde_json::from_slice::<serde_json::Value>(b).unwrap()["params"]["seq"]
                .as_u64()
                .unwrap()
        };
        assert!(p.take(seq_of(&b)).is_some());
        assert!(p.take(seq_of(&a)).is_none());
        assert!(p.lock().is_empty());
    }
}
