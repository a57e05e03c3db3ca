//! The in-process backend: the real server stack — `mindgap::lsp::serve_io`, with the binary's
//! transport, store and exit code — on a tokio runtime of its own (built as `mindgap lsp` builds
//! it), over in-memory pipes instead of stdin/stdout. No process is spawned, so a test starts
//! in a few milliseconds; what only a process has (stderr, environment, pid, SIGKILL) is not
//! here.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use mindgap::lsp::{ServeOptions, serve_io};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::framing::Deframer;

/// Bytes each in-memory pipe holds before a writer waits (a pipe's buffer, near enough).
const PIPE: usize = 1 << 16;

/// What the binary exits with when its main thread panics; a panic in `serve_io` is that.
const PANIC_CODE: i32 = 101;

/// A server running on a thread of the test process.
pub(crate) struct InProcess {
    code: Receiver<i32>,
    thread: Option<JoinHandle<()>>,
}

impl InProcess {
    /// Starts the server with `home`; returns it and the writer for its input (dropping the
    /// writer is end of input, as closing stdin is).
    pub(crate) fn start(home: PathBuf, output: Deframer) -> (InProcess, Box<dyn Write + Send>) {
        let (input, bytes) = unbounded_channel::<Vec<u8>>();
        let (code_tx, code) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("mindgap-inproc".into())
            .spawn(move || {
                // As `mindgap lsp` runs: two workers, everything enabled.
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a tokio runtime");
                let exit = runtime.block_on(serve(home, bytes, output));
                let _ = code_tx.send(exit);
                // As the binary does: tasks still reading input are not waited for.
                runtime.shutdown_timeout(Duration::from_millis(100));
            })
            .expect("spawn the in-process server thread");
        let server = InProcess {
            code,
            thread: Some(thread),
        };
        (server, Box::new(Input(input)))
    }

    /// Waits up to `timeout` for `serve_io` to return: its exit code, with everything the
    /// server wrote read. A server that hangs cannot be killed; its input is closed when the
    /// test drops it.
    pub(crate) fn wait(&mut self, timeout: Duration) -> Result<Option<i32>, String> {
        let code = match self.code.recv_timeout(timeout) {
            Ok(code) => code,
            Err(RecvTimeoutError::Disconnected) => PANIC_CODE,
            Err(RecvTimeoutError::Timeout) => {
                return Err("an in-process server cannot be killed; left running".into());
            }
        };
        self.join();
        Ok(Some(code))
    }

    /// The exit code if the server has ended by now.
    pub(crate) fn try_wait(&mut self) -> Option<Option<i32>> {
        match self.code.try_recv() {
            Ok(code) => Some(Some(code)),
            Err(TryRecvError::Disconnected) => Some(Some(PANIC_CODE)),
            Err(TryRecvError::Empty) => None,
        }
    }

    /// Lets the runtime wind down (it gives its tasks 100 ms), without waiting forever.
    fn join(&mut self) {
        let Some(handle) = self.thread.take() else {
            return;
        };
        let deadline = Instant::now() + Duration::from_secs(2);
        while !handle.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        if handle.is_finished() {
            let _ = handle.join();
        }
    }
}

/// `serve_io` on two in-memory pipes, with pumps between them and the test's side.
async fn serve(
    home: PathBuf,
    mut bytes: tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>,
    mut output: Deframer,
) -> i32 {
    let (mut to_server, server_in) = tokio::io::duplex(PIPE);
    let (server_out, mut from_server) = tokio::io::duplex(PIPE);
    tokio::spawn(async move {
        while let Some(chunk) = bytes.recv().await {
            if to_server.write_all(&chunk).await.is_err() {
                return;
            }
        }
        // The test closed its input: end of input, as when stdin closes.
        let _ = to_server.shutdown().await;
    });
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; PIPE];
        loop {
            match from_server.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => output.push(&buf[..n]),
            }
        }
        output.end();
    });
    let opts = ServeOptions { home, record: None };
    let code = serve_io(server_in, server_out, opts).await;
    // The server's output pipe is closed now; everything it wrote is read before the exit is
    // reported, as a process's stdout is read to its end.
    let _ = tokio::time::timeout(Duration::from_secs(2), reader).await;
    code
}

/// The test's end of the server's input.
struct Input(UnboundedSender<Vec<u8>>);

impl Write for Input {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.send(buf.to_vec()).map_err(|_| {
            io::Error::new(io::ErrorKind::BrokenPipe, "the in-process server has ended")
        })?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
