//! The language server over stdio: the only room that knows LSP types.
//!
//! [`server`] holds the handlers, [`ingest`] turns LSP notifications into pipeline calls (for
//! the live server and for replay alike), and [`serve`] wires stdio, the optional trace
//! recorder and the store together and decides the exit code.

pub mod ingest;
pub mod server;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower_lsp_server::{LspService, Server};
use tracing::{error, info};

use crate::store::Store;
use crate::trace::recorder::{Direction, Recorder};
use server::{Backend, Shared};

pub struct ServeOptions {
    pub home: PathBuf,
    pub record: Option<PathBuf>,
}

/// Runs the server on stdin/stdout until `exit` or end of input. Returns the process exit code:
/// 0 after `shutdown` then `exit`, 1 when the client went away without `shutdown`.
pub async fn serve(opts: ServeOptions) -> i32 {
    let store = Store::open(&opts.home);
    let shared = Arc::new(Shared::new(store));
    let (service, socket) = LspService::new({
        let shared = shared.clone();
        move |client| Backend::new(client, shared)
    });
    let stdin = tokio::io::stdin();
    let stdout = tokio::io::stdout();
    let recording = match &opts.record {
        None => None,
        Some(path) => match Recorder::create(path) {
            Ok(r) => Some(r),
            Err(e) => {
                error!(
                    "cannot record to {}: {e}; serving without a recording",
                    path.display()
                );
                None
            }
        },
    };
    match recording {
        None => Server::new(stdin, stdout, socket).serve(service).await,
        Some(recorder) => {
            info!(
                "recording this session to {}",
                opts.record.as_ref().expect("set").display()
            );
            let (server_in, feed) = tokio::io::duplex(1 << 16);
            let (server_out, drain) = tokio::io::duplex(1 << 16);
            tokio::spawn(tee(stdin, feed, recorder.clone(), Direction::FromClient));
            let output = tokio::spawn(tee(drain, stdout, recorder.clone(), Direction::FromServer));
            Server::new(server_in, server_out, socket)
                .serve(service)
                .await;
            // `server_out` is dropped: the tee drains what is left and ends.
            let _ = output.await;
            recorder.finish();
        }
    }
    let shutdown = shared.shutdown_requested.load(Ordering::SeqCst);
    match Arc::try_unwrap(shared) {
        Ok(shared) => drop(shared), // closes the store: every queued event is written
        Err(shared) => shared.store.flush(),
    }
    if shutdown { 0 } else { 1 }
}

/// Copies `from` to `to`, showing every chunk to the recorder.
async fn tee(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    rec: Recorder,
    dir: Direction,
) {
    let mut buf = vec![0u8; 1 << 14];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        rec.bytes(dir, &buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() || to.flush().await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
