//! The stdio transport in front of tower-lsp-server.
//!
//! tower-lsp-server stops reading for good after one message it cannot decode (its framed reader
//! ends on the first error), so a single malformed message would end the session. Every message
//! therefore passes through here first: input is framed and checked by [`Inbound`] (bad headers,
//! wrong lengths and garbage are skipped up to the next usable header; bodies that are not UTF-8
//! JSON-RPC are answered with the JSON-RPC error), and only clean frames reach the server, framed
//! afresh. Output is framed too, so that those answers never split one of the server's messages. Both
//! directions are shown to the trace recorder, message by message, when one is running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};
use tower_lsp_server::{ClientSocket, LspService, Server};
use tracing::warn;

use super::inbound::{Inbound, Step};
use super::predecoded::Predecoded;
use super::server::Backend;
use crate::trace::framing::{Frame, FrameScanner};
use crate::trace::recorder::{Direction, Recorder};

/// What the transport shares with the rest of the server.
pub struct Hooks {
    /// Shown every message, both ways, when a trace is being recorded.
    pub recorder: Option<Recorder>,
    /// Once notified (a signal) no more input is read: the server sees the end of its input
    /// after what it was already given.
    pub stop: Arc<Notify>,
    /// Set as a `shutdown` request is passed on.
    pub shutdown_seen: Arc<AtomicBool>,
    /// Where large `didChange` bodies go, decoded, instead of to the framework.
    pub predecoded: Arc<Predecoded>,
}

/// Where the server's output goes.
pub enum Output<O> {
    /// The process's stdout, written on the server's own task ([`super::stdout`]).
    Stdout,
    /// Any stream (the in-process tests' pipes), through a writer task.
    Stream(O),
}

/// Serves `service` on `input`/`output` until the server ends.
pub async fn run<O: AsyncWrite + Unpin + Send + 'static>(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: Output<O>,
    service: LspService<Backend>,
    socket: ClientSocket,
    hooks: Hooks,
) {
    let (server_in, feed) = tokio::io::duplex(1 << 16);
    let (answers_tx, answers_rx) = mpsc::unbounded_channel();
    let recorder = hooks.recorder.clone();
    // The input task is not awaited: a client may keep stdin open after `exit`.
    let client = Client {
        answers: answers_tx,
        hooks,
    };
    tokio::spawn(read_client(input, feed, client));
    match output {
        Output::Stdout => {
            let sink = super::stdout::Sink::stdout(recorder);
            let answers = tokio::spawn(super::stdout::answers(answers_rx, sink.clone()));
            let out = super::stdout::ServerOutput::new(sink);
            Server::new(server_in, out, socket).serve(service).await;
            answers.abort();
        }
        Output::Stream(output) => {
            let (server_out, drain) = tokio::io::duplex(1 << 16);
            let writer = tokio::spawn(write_client(drain, output, answers_rx, recorder));
            Server::new(server_in, server_out, socket)
                .serve(service)
                .await;
            // `server_out` is gone with the server: the writer drains what is left and ends.
            let _ = writer.await;
        }
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// What the input task works with besides its streams.
struct Client {
    /// Answers the transport itself gives (to messages it could not read).
    answers: mpsc::UnboundedSender<Vec<u8>>,
    hooks: Hooks,
}

/// Whether `body` is the client's `shutdown` request. (tower-lsp-server drops a request still
/// pending when `exit` arrives, so a client that sends both at once would otherwise be told it
/// never asked: the LSP's exit code is 0 when `shutdown` was received, answered or not.)
fn is_shutdown(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Method<'a> {
        #[serde(borrow)]
        method: Option<&'a str>,
    }
    // A `shutdown` request is a few dozen bytes: a larger body (every `didChange`) is not read.
    let mentions = body.len() <= 512 && body.windows(10).any(|w| w == b"\"shutdown\"");
    mentions
        && serde_json::from_slice::<Method<'_>>(body).is_ok_and(|m| m.method == Some("shutdown"))
}

async fn read_client(
    mut input: impl AsyncRead + Unpin,
    mut feed: impl AsyncWrite + Unpin,
    client: Client,
) {
    let Client { answers, hooks } = client;
    let Hooks {
        recorder,
        stop,
        shutdown_seen,
        predecoded,
    } = hooks;
    let mut inbound = Inbound::default();
    let mut buf = vec![0u8; 1 << 16];
    let mut open = true;
    while open {
        // `read` is cancel safe: stopping never loses part of a message already read.
        let read = tokio::select! {
            read = input.read(&mut buf) => Some(read),
            () = stop.notified() => None,
        };
        match read {
            // Stopped (a signal): what was read is handled, nothing more is.
            None => open = false,
            Some(Ok(0) | Err(_)) => {
                inbound.end();
                open = false;
            }
            Some(Ok(n)) => inbound.push(&buf[..n]),
        }
        while let Some(step) = inbound.next() {
            match step {
                Step::Forward(body) => {
                    if let Some(r) = &recorder {
                        r.message(Direction::FromClient, &body);
                    }
                    if is_shutdown(&body) {
                        shutdown_seen.store(true, Ordering::SeqCst);
                    }
                    let body = predecoded.take_over(&body).unwrap_or(body);
                    if feed.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                }
                Step::Answer { answer, log } => {
                    warn!("{log}");
                    let _ = answers.send(serde_json::to_vec(&answer).expect("serializes"));
                }
                Step::Log(log) => warn!("{log}"),
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
                    // The server's own output: always whole frames.
                    while let Some(frame) = scanner.next_frame() {
                        if let Frame::Body(body) = frame {
                            ready.push(body);
                        }
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
