//! The LSP values tests build and read: document uris, client capabilities, content changes,
//! error answers, and (computed independently of the server) the characters a change should
//! count.

use serde_json::{Value, json};

/// An error answer to a request.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

/// A response message as the result or the error it carries.
pub(crate) fn to_result(msg: &Value) -> Result<Value, RpcError> {
    match msg.get("error") {
        Some(err) => Err(RpcError {
            code: err.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: err
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            data: err.get("data").cloned(),
        }),
        None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
    }
}

/// `file:///tmp/mindgap-e2e/NAME` (the file need not exist).
pub fn uri(name: &str) -> String {
    format!("file:///tmp/mindgap-e2e/{name}")
}

/// Client capabilities offering these position encodings (none: the key is left out).
pub fn caps_with_encodings(encodings: &[&str]) -> Value {
    if encodings.is_empty() {
        json!({})
    } else {
        json!({"general": {"positionEncodings": encodings}})
    }
}

/// A content change replacing the range `start..end` ((line, character) pairs) by `text`.
pub fn range_change(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({
        "range": {
            "start": {"line": start.0, "character": start.1},
            "end": {"line": end.0, "character": end.1},
        },
        "text": text,
    })
}

/// A content change replacing the whole document.
pub fn full_change(text: &str) -> Value {
    json!({ "text": text })
}

/// Unicode scalar values inserted and deleted by replacing `old` with `new`, after trimming
/// their common prefix and suffix (SPEC section 4), computed independently of the server.
pub fn trimmed_counts(old: &str, new: &str) -> (usize, usize) {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    (b.len() - prefix - suffix, a.len() - prefix - suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_counts_are_scalar_values() {
        assert_eq!(trimmed_counts("", "abc"), (3, 0));
        assert_eq!(trimmed_counts("foo", "fox"), (1, 1));
        assert_eq!(trimmed_counts("a😀b", "a😀😀b"), (1, 0));
        assert_eq!(trimmed_counts("aaa", "aa"), (0, 1));
        assert_eq!(trimmed_counts("xyz", ""), (0, 3));
    }
}
