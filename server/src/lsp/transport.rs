//! The stdio transport in front of tower-lsp-server.
//!
//! tower-lsp-server stops reading for good after one message it cannot decode (its framed reader
//! ends on the first error), so a single malformed message would end the session. Every message
//! therefore passes through here first: input is framed, each body is checked to be a UTF-8
//! JSON-RPC message, and only clean frames reach the server. Anything else is answered here with
//! the JSON-RPC error the spec asks for (-32700 parse error, -32600 invalid request) and logged.
//! Output is framed too, so that those answers never split one of the server's messages. Both
//! directions are shown to the trace recorder, message by message, when one is running.

use std::sync::Arc;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};
use tower_lsp_server::{ClientSocket, LspService, Server};
use tracing::warn;

use super::server::Backend;
use crate::trace::framing::{Frame, FrameScanner};
use crate::trace::recorder::{Direction, Recorder};

/// Serves `service` on `input`/`output` until the server ends. Once `stop` is notified (a signal)
/// no more input is read: the server sees the end of its input after what it was already given.
pub async fn run(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin + Send + 'static,
    service: LspService<Backend>,
    socket: ClientSocket,
    recorder: Option<Recorder>,
    stop: Arc<Notify>,
) {
    let (server_in, feed) = tokio::io::duplex(1 << 16);
    let (server_out, drain) = tokio::io::duplex(1 << 16);
    let (answers_tx, answers_rx) = mpsc::unbounded_channel();
    // The input task is not awaited: a client may keep stdin open after `exit`.
    tokio::spawn(read_client(input, feed, answers_tx, recorder.clone(), stop));
    let writer = tokio::spawn(write_client(drain, output, answers_rx, recorder));
    Server::new(server_in, server_out, socket)
        .serve(service)
        .await;
    // `server_out` is gone with the server: the writer drains what is left and ends.
    let _ = writer.await;
}

/// Why a body cannot go to the server, as the JSON-RPC error to answer with.
fn check(body: &[u8]) -> Result<(), Value> {
    let error = |code: i64, message: &str, id: Value| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(error(
            -32700,
            "Parse error: the message is not UTF-8",
            Value::Null,
        ));
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Err(error(-32700, &format!("Parse error: {e}"), Value::Null)),
    };
    let Some(obj) = value.as_object() else {
        return Err(error(
            -32600,
            "Invalid request: not a JSON-RPC object",
            Value::Null,
        ));
    };
    let id = obj.get("id");
    let id_ok = match id {
        None | Some(Value::Null) | Some(Value::String(_)) => true,
        Some(Value::Number(n)) => n.is_i64(),
        Some(_) => false,
    };
    let echo_id = if id_ok {
        id.cloned().unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    if obj.get("jsonrpc").and_then(Value::as_str) != Some("2.0") || !id_ok {
        return Err(error(-32600, "Invalid request: not JSON-RPC 2.0", echo_id));
    }
    let is_request = obj.get("method").is_some_and(Value::is_string);
    let is_response = id.is_some() && (obj.contains_key("result") || obj.contains_key("error"));
    if !(is_request || is_response) {
        return Err(error(-32600, "Invalid request: no method", echo_id));
    }
    Ok(())
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

async fn read_client(
    mut input: impl AsyncRead + Unpin,
    mut feed: impl AsyncWrite + Unpin,
    answers: mpsc::UnboundedSender<Vec<u8>>,
    recorder: Option<Recorder>,
    stop: Arc<Notify>,
) {
    let mut scanner = FrameScanner::default();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        // `read` is cancel safe: stopping never loses part of a message already read.
        let read = tokio::select! {
            read = input.read(&mut buf) => read,
            () = stop.notified() => break,
        };
        let n = match read {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        scanner.push(&buf[..n]);
        while let Some(f) = scanner.next_frame() {
            match f {
                Frame::BadHeader(header) => {
                    warn!(
                        header = header.escape_debug().to_string(),
                        "message header without Content-Length: skipped"
                    );
                }
                Frame::Body(body) => match check(&body) {
                    Ok(()) => {
                        if let Some(r) = &recorder {
                            r.message(Direction::FromClient, &body);
                        }
                        if feed.write_all(&frame(&body)).await.is_err() {
                            return;
                        }
                    }
                    Err(answer) => {
                        warn!(bytes = body.len(), error = %answer["error"]["message"], "undecodable message answered with an error");
                        let _ = answers.send(serde_json::to_vec(&answer).expect("serializes"));
                    }
                },
            }
        }
    }
    let _ = feed.shutdown().await;
}

async fn write_client(
    mut drain: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
    mut answers: mpsc::UnboundedReceiver<Vec<u8>>,
    recorder: Option<Recorder>,
) {
    let mut scanner = FrameScanner::default();
    let mut buf = vec![0u8; 1 << 16];
    let mut answers_open = true;
    let mut ready: Vec<Vec<u8>> = Vec::new();
    loop {
        tokio::select! {
            read = drain.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    scanner.push(&buf[..n]);
                    while let Some(Frame::Body(body)) = scanner.next_frame() {
                        ready.push(body);
                    }
                }
            },
            answer = answers.recv(), if answers_open => match answer {
                Some(body) => ready.push(body),
                None => answers_open = false,
            },
        }
        for body in ready.drain(..) {
            if let Some(r) = &recorder {
                r.message(Direction::FromServer, &body);
            }
            if output.write_all(&frame(&body)).await.is_err() {
                return;
            }
        }
        if output.flush().await.is_err() {
            return;
        }
    }
    let _ = output.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(body: &[u8]) -> Option<i64> {
        check(body)
            .err()
            .map(|e| e["error"]["code"].as_i64().unwrap())
    }

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
}
