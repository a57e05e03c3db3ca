//! The stdio transport in front of tower-lsp-server.
//!
//! tower-lsp-server stops reading for good after one message it cannot decode (its framed reader
//! ends on the first error), so a single malformed message would end the session. Every message
//! therefore passes through here first: input is framed and checked by [`Inbound`] (bad headers,
//! wrong lengths and garbage are skipped up to the next usable header; bodies that are not UTF-8
//! JSON-RPC are answered with the JSON-RPC error), and only clean frames reach the server, framed
//! afresh — all on the server's own task, as it reads, so a keystroke reaches the edit path
//! without waking another thread. Output is framed too, so that those answers never split one of
//! the server's messages. Both directions are shown to the trace recorder, message by message,
//! when one is running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
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
    let (answers_tx, answers_rx) = mpsc::unbounded_channel();
    let recorder = hooks.recorder.clone();
    let client = Client {
        answers: answers_tx,
        hooks,
    };
    let server_in = CleanInput::new(input, client);
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

/// The client's input as the server reads it: clean frames only, produced as the server asks
/// for more, on the server's own task (no task or pipe in between, so a keystroke reaches the
/// edit path without waking another thread).
struct CleanInput<R> {
    input: R,
    inbound: Inbound,
    buf: Box<[u8]>,
    /// Framed clean messages the server has not read yet, from `at` on.
    ready: Vec<u8>,
    at: usize,
    /// Input is still read (not ended, not stopped).
    open: bool,
    /// Resolves once a signal asked that no more input be read.
    stopped: Pin<Box<dyn Future<Output = ()> + Send>>,
    answers: mpsc::UnboundedSender<Vec<u8>>,
    recorder: Option<Recorder>,
    shutdown_seen: Arc<AtomicBool>,
    predecoded: Arc<Predecoded>,
}

impl<R> CleanInput<R> {
    fn new(input: R, client: Client) -> CleanInput<R> {
        let Client { answers, hooks } = client;
        let stop = hooks.stop;
        CleanInput {
            input,
            inbound: Inbound::default(),
            buf: vec![0u8; 1 << 16].into_boxed_slice(),
            ready: Vec::new(),
            at: 0,
            open: true,
            // `notify_one` keeps a permit: a signal before the first poll is not missed.
            stopped: Box::pin(async move { stop.notified().await }),
            answers,
            recorder: hooks.recorder,
            shutdown_seen: hooks.shutdown_seen,
            predecoded: hooks.predecoded,
        }
    }

    /// Moves what the reader made of the input so far into `ready`, answering and logging what
    /// was not a usable message.
    fn take_steps(&mut self) {
        while let Some(step) = self.inbound.next() {
            match step {
                Step::Forward(body) => {
                    if let Some(r) = &self.recorder {
                        r.message(Direction::FromClient, &body);
                    }
                    // A `didChange` (every keystroke) is decoded here; anything else may be
                    // the `shutdown` request.
                    let body = match self.predecoded.take_over(&body) {
                        Some(small) => small,
                        None => {
                            if is_shutdown(&body) {
                                self.shutdown_seen.store(true, Ordering::SeqCst);
                            }
                            body
                        }
                    };
                    self.ready.extend_from_slice(&frame(&body));
                }
                Step::Answer { answer, log } => {
                    warn!("{log}");
                    let _ = (self.answers).send(serde_json::to_vec(&answer).expect("serializes"));
                }
                Step::Log(log) => warn!("{log}"),
            }
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CleanInput<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.at < this.ready.len() {
                let n = out.remaining().min(this.ready.len() - this.at);
                out.put_slice(&this.ready[this.at..this.at + n]);
                this.at += n;
                if this.at == this.ready.len() {
                    this.ready.clear();
                    this.at = 0;
                }
                return Poll::Ready(Ok(()));
            }
            this.take_steps();
            if !this.ready.is_empty() {
                continue;
            }
            if !this.open {
                return Poll::Ready(Ok(())); // the end of the server's input
            }
            // Stopped (a signal): what was read is handled, nothing more is.
            if this.stopped.as_mut().poll(cx).is_ready() {
                this.open = false;
                continue;
            }
            let mut read = ReadBuf::new(&mut this.buf);
            match Pin::new(&mut this.input).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(())) if !read.filled().is_empty() => {
                    let n = read.filled().len();
                    this.inbound.push(&this.buf[..n]);
                }
                Poll::Ready(_) => {
                    this.inbound.end();
                    this.open = false;
                }
            }
        }
    }
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
