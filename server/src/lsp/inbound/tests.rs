//! The checks on bodies, the ids read back from broken ones, and the steps for each way a client
//! can break framing.

use super::*;

fn code(body: &[u8]) -> Option<i64> {
    check(body)
        .err()
        .map(|e| e["error"]["code"].as_i64().unwrap())
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Every step for `bytes`, then for the end of input.
fn steps(bytes: &[u8]) -> Vec<Step> {
    let mut inbound = Inbound::default();
    inbound.push(bytes);
    let mut out: Vec<Step> = std::iter::from_fn(|| inbound.next()).collect();
    inbound.end();
    out.extend(std::iter::from_fn(|| inbound.next()));
    out
}

const SHUTDOWN: &[u8] = br#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;

#[test]
fn only_json_rpc_passes() {
    assert_eq!(
        code(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
        None
    );
    assert_eq!(code(br#"{"jsonrpc":"2.0","method":"initialized"}"#), None);
    assert_eq!(code(br#"{"jsonrpc":"2.0","id":"a","result":null}"#), None);
    assert_eq!(code(b"{not json"), Some(-32700));
    assert_eq!(code(b"\xff\xfe"), Some(-32700));
    assert_eq!(code(b"[1,2]"), Some(-32600));
    assert_eq!(code(br#"{"jsonrpc":"1.0","method":"x"}"#), Some(-32600));
    assert_eq!(
        code(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#),
        Some(-32600)
    );
    assert_eq!(code(br#"{"jsonrpc":"2.0","id":7}"#), Some(-32600));
    assert_eq!(check(br#"{"jsonrpc":"2.0","id":7}"#).unwrap_err()["id"], 7);
}

#[test]
fn a_parse_error_carries_the_id_when_the_bytes_show_it() {
    let id = |body: &[u8]| check(body).unwrap_err()["id"].clone();
    assert_eq!(id(br#"{"jsonrpc":"2.0","id":7,"method":"x"}Con"#), json!(7));
    assert_eq!(
        id(br#"{"jsonrpc":"2.0","id":"a\"b","method":"x"#),
        json!("a\"b")
    );
    assert_eq!(id(br#"{"params":{"id":3},"id":4,"method":"#), json!(4));
    // Nested ids, an id cut short, an id that is no id, no id at all: null.
    assert_eq!(id(br#"{"params":{"id":3},"method":"x""#), Value::Null);
    assert_eq!(id(br#"{"jsonrpc":"2.0","id":12"#), Value::Null);
    assert_eq!(id(br#"{"jsonrpc":"2.0","id":[1],"method":"#), Value::Null);
    assert_eq!(id(br#"{"jsonrpc":"2.0","method":"x""#), Value::Null);
    assert_eq!(id(br#"{"text":"\"id\":5,","method":"x""#), Value::Null);
}

#[test]
fn the_issue_s_negative_length_is_one_log_line_and_the_shutdown_after_it_goes_on() {
    let mut bytes = b"Content-Length: -5\r\n\r\n{}".to_vec();
    bytes.extend_from_slice(&framed(SHUTDOWN));
    let got = steps(&bytes);
    assert!(
        matches!(&got[..], [Step::Log(log), Step::Forward(b)] if log.contains("\"-5\"") && b == SHUTDOWN),
        "{got:?}"
    );
}

#[test]
fn a_request_behind_a_bad_header_is_answered_with_its_id() {
    let mut bytes = b"Content-Length: x\r\n\r\n".to_vec();
    bytes.extend_from_slice(br#"{"jsonrpc":"2.0","id":5,"method":"mindgap/x"}"#);
    bytes.extend_from_slice(&framed(SHUTDOWN));
    let got = steps(&bytes);
    let [Step::Answer { answer, .. }, Step::Forward(b)] = &got[..] else {
        panic!("{got:?}")
    };
    assert_eq!((answer["id"].clone(), b.as_slice()), (json!(5), SHUTDOWN));
    assert_eq!(answer["error"]["code"], -32700);
}

#[test]
fn a_wrong_length_is_answered_once_with_the_id_and_reported_once() {
    for delta in [-3i64, 3] {
        let declared = (SHUTDOWN.len() as i64 + delta) as usize;
        let mut bytes = format!("Content-Length: {declared}\r\n\r\n").into_bytes();
        bytes.extend_from_slice(br#"{"jsonrpc":"2.0","id":9,"method":"mindgap/x"}"#);
        bytes.extend_from_slice(&framed(SHUTDOWN));
        let got = steps(&bytes);
        let [
            Step::Answer { answer, .. },
            Step::Log(log),
            Step::Forward(b),
        ] = &got[..]
        else {
            panic!("{delta}: {got:?}")
        };
        assert_eq!((answer["id"].clone(), b.as_slice()), (json!(9), SHUTDOWN));
        assert!(
            log.contains(&format!("Content-Length {declared} was wrong")),
            "{log}"
        );
    }
}
