//! The server's output on the process's stdout, written on the server's own task: each message
//! framed and written whole, synchronously, under a lock the transport's own answers (to input
//! it could not read) take too, so neither ever splits the other's frame. Editors read their
//! server's output as it comes, so a write returns at once; there is no task and no in-memory
//! pipe between the server and the editor, and an answer reaches the editor without waking
//! another thread.
//!
//! A write that fails (the editor is gone) drops the output from then on, as a closed pipe
//! would; the server ends when its input does.

use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use tokio::sync::mpsc;

use crate::trace::framing::{Frame, FrameScanner};
use crate::trace::recorder::{Direction, Recorder};

/// Where whole messages go, shared by the server's writer and the transport's answers.
pub struct Sink {
    out: Box<dyn Write + Send>,
    recorder: Option<Recorder>,
    /// A write failed: nothing more is written.
    gone: bool,
}

impl Sink {
    pub fn stdout(recorder: Option<Recorder>) -> Arc<Mutex<Sink>> {
        Arc::new(Mutex::new(Sink {
            out: Box::new(std::io::stdout()),
            recorder,
            gone: false,
        }))
    }

    /// Writes one message, framed, and flushes it.
    fn message(&mut self, body: &[u8]) {
        if let Some(r) = &self.recorder {
            r.message(Direction::FromServer, body);
        }
        if self.gone {
            return;
        }
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let written = (self.out.write_all(header.as_bytes()))
            .and_then(|()| self.out.write_all(body))
            .and_then(|()| self.out.flush());
        self.gone = written.is_err();
    }
}

fn lock(sink: &Mutex<Sink>) -> std::sync::MutexGuard<'_, Sink> {
    sink.lock().unwrap_or_else(|p| p.into_inner())
}

/// The server's writer: what it writes is cut into messages, each written whole to the sink.
pub struct ServerOutput {
    sink: Arc<Mutex<Sink>>,
    scanner: FrameScanner,
}

impl ServerOutput {
    pub fn new(sink: Arc<Mutex<Sink>>) -> ServerOutput {
        ServerOutput {
            sink,
            scanner: FrameScanner::default(),
        }
    }
}

impl AsyncWrite for ServerOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.scanner.push(buf);
        // The server's own output: always whole frames.
        while let Some(frame) = this.scanner.next_frame() {
            if let Frame::Body(body) = frame {
                lock(&this.sink).message(&body);
            }
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(())) // every message is flushed as it is written
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Writes the transport's own answers as they come, until the transport stops sending them.
pub async fn answers(mut rx: mpsc::UnboundedReceiver<Vec<u8>>, sink: Arc<Mutex<Sink>>) {
    while let Some(body) = rx.recv().await {
        lock(&sink).message(&body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    /// A sink into a shared buffer.
    fn buffer_sink() -> (Arc<Mutex<Sink>>, Arc<Mutex<Vec<u8>>>) {
        #[derive(Clone)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::new(Mutex::new(Sink {
            out: Box::new(Shared(bytes.clone())),
            recorder: None,
            gone: false,
        }));
        (sink, bytes)
    }

    #[tokio::test]
    async fn a_message_written_in_pieces_is_never_split_by_an_answer() {
        let (sink, bytes) = buffer_sink();
        let mut server = ServerOutput::new(sink.clone());
        let frame = b"Content-Length: 7\r\n\r\n{\"a\":1}";
        server.write_all(&frame[..10]).await.unwrap();
        lock(&sink).message(b"{\"e\":2}"); // an answer arrives mid-message
        server.write_all(&frame[10..]).await.unwrap();
        let out = String::from_utf8(bytes.lock().unwrap().clone()).unwrap();
        assert_eq!(
            out,
            "Content-Length: 7\r\n\r\n{\"e\":2}Content-Length: 7\r\n\r\n{\"a\":1}"
        );
    }
}
