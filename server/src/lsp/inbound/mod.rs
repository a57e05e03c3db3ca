//! What the client sends, checked before tower-lsp-server sees it. tower-lsp-server stops reading
//! for good after one message it cannot decode, so every frame the [`FrameScanner`] finds is
//! checked here to be a UTF-8 JSON-RPC message first; only those go on. Everything else is
//! answered with the JSON-RPC error the spec asks for (-32700 parse error, -32600 invalid
//! request), with the request's id when one can be read from the bytes, and logged once:
//!
//! - a body that is not JSON: -32700; it goes back to the scanner ([`FrameScanner::reject`]),
//!   since its `Content-Length` may have been off, and the scanner looks for the next header from
//!   where it began;
//! - JSON that is not a JSON-RPC request or response: -32600;
//! - a run of garbage (a bad header and what follows it, up to the next usable header): one log
//!   line, and a -32700 answer when the bytes hold a request's id, so that a client waiting on
//!   that request hears back.
//!
//! It is synchronous and owns no I/O: the transport feeds it reads and acts on its [`Step`]s.

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::trace::framing::{Frame, FrameScanner, Skip, Why};

/// What to do with what came in.
#[derive(Debug, PartialEq)]
pub(super) enum Step {
    /// A clean JSON-RPC message for the server.
    Forward(Vec<u8>),
    /// Send `answer` (a JSON-RPC error) to the client, and log `log`.
    Answer { answer: Value, log: String },
    /// Log this line.
    Log(String),
}

#[derive(Default)]
pub(super) struct Inbound {
    scanner: FrameScanner,
}

impl Inbound {
    pub(super) fn push(&mut self, bytes: &[u8]) {
        self.scanner.push(bytes);
    }

    /// The input has ended: the next steps are what was left in it.
    pub(super) fn end(&mut self) {
        self.scanner.end();
    }

    /// Bytes held while waiting for the rest of a message.
    #[cfg(test)]
    pub(super) fn buffered(&self) -> usize {
        self.scanner.buffered()
    }

    /// The next step, once the bytes pushed so far allow one.
    pub(super) fn next(&mut self) -> Option<Step> {
        match self.scanner.next_frame()? {
            Frame::Body(body) => Some(match check(&body) {
                Ok(()) => Step::Forward(body),
                Err(answer) => {
                    if answer["error"]["code"] == -32700 {
                        self.scanner.reject();
                    }
                    let log = format!(
                        "undecodable message of {} bytes answered with an error: {}",
                        body.len(),
                        answer["error"]["message"].as_str().unwrap_or_default()
                    );
                    Step::Answer { answer, log }
                }
            }),
            Frame::Skipped(skip) => Some(skipped(skip)),
        }
    }
}

/// A run of garbage: its log line, and an answer when it holds a request's id that no answer
/// went to yet (a rejected body was answered when it was read).
fn skipped(skip: Skip) -> Step {
    let log = format!("framing error: {skip}");
    let answered = matches!(skip.why, Why::WrongLength { .. });
    match recover_id(&skip.head) {
        Some(id) if !answered => Step::Answer {
            answer: error(-32700, &format!("Parse error: {}", skip.why), id),
            log,
        },
        _ => Step::Log(log),
    }
}

fn error(code: i64, message: &str, id: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// Why a body cannot go to the server, as the JSON-RPC error to answer with.
pub(super) fn check(body: &[u8]) -> Result<(), Value> {
    let parse_error = |why: &str| {
        let id = recover_id(body).unwrap_or(Value::Null);
        error(-32700, &format!("Parse error: {why}"), id)
    };
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(parse_error("the message is not UTF-8"));
    };
    // The syntax first, building nothing (a body can be megabytes of changes); then only the
    // envelope's keys are read.
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(parse_error(&e.to_string()));
    }
    let Ok(obj) = serde_json::from_str::<Envelope>(text) else {
        let message = "Invalid request: not a JSON-RPC object";
        return Err(error(-32600, message, Value::Null));
    };
    let id = obj.id.as_ref();
    let id_ok = id.is_none_or(|id| id.is_null() || is_id(id));
    let echo_id = match id {
        Some(id) if id_ok => id.clone(),
        _ => Value::Null,
    };
    if obj.jsonrpc.as_ref().and_then(Value::as_str) != Some("2.0") || !id_ok {
        return Err(error(-32600, "Invalid request: not JSON-RPC 2.0", echo_id));
    }
    let is_request = obj.method.as_ref().is_some_and(Value::is_string);
    let is_response = id.is_some() && (obj.result || obj.error);
    if !(is_request || is_response) {
        return Err(error(-32600, "Invalid request: no method", echo_id));
    }
    Ok(())
}

/// The keys of a JSON-RPC message that say what it is; `params` and the rest are skipped, not
/// built. `id` keeps its value, `null` included (an answer to a request that could not be read
/// carries `id: null`).
#[derive(serde::Deserialize)]
struct Envelope {
    jsonrpc: Option<Value>,
    #[serde(default, deserialize_with = "some")]
    id: Option<Value>,
    method: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    result: bool,
    #[serde(default, deserialize_with = "present")]
    error: bool,
}

/// A key that is there, whatever its value (`null` included).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

/// A key's value, `null` included, as `Some`.
fn some<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A JSON-RPC id an answer can carry: an integer or a string.
fn is_id(id: &Value) -> bool {
    id.is_string() || id.as_number().is_some_and(|n| n.is_i64())
}

/// The id of the message that `bytes` (not JSON, or cut short) begin, if they show one: the
/// value of an `"id"` key of the first object, read whole (a number cut off by the end of the
/// bytes is not guessed at).
fn recover_id(bytes: &[u8]) -> Option<Value> {
    let start = bytes.iter().position(|&b| b == b'{')?;
    let bytes = &bytes[start..];
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' if depth <= 1 => return None,
            b'}' | b']' => depth -= 1,
            b'"' => {
                let end = string_end(bytes, i)?;
                if depth == 1 && &bytes[i..=end] == b"\"id\"" {
                    let rest = bytes[end + 1..].trim_ascii_start();
                    if let Some(value) = rest.strip_prefix(b":") {
                        return id_value(value);
                    }
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Where the string opened at `open` closes.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The id value at the start of `bytes`, if something follows it (so it is whole).
fn id_value(bytes: &[u8]) -> Option<Value> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    let value = values.next()?.ok()?;
    let whole = bytes[values.byte_offset()..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b',' || b == b'}');
    (whole && is_id(&value)).then_some(value)
}
