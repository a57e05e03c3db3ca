//! The language server over stdio: the only room that knows LSP types.
//!
//! - [`server`]: capabilities, lifecycle and dispatch;
//! - [`handler`]: the two kinds of work as types — ordered state changes, background work;
//! - [`documents`]: text sync and edit hints (ordered), [`ingest`]: LSP types into pipeline calls
//!   (for the live server and for replay alike);
//! - [`tasks`], [`nudges`], [`practices`], [`blame`], [`status`], [`disk`]: one concern each —
//!   the task commands, the nudges (diagnostics, code actions, their commands), the practices'
//!   commands, where each line of a document came from, the status line, the watcher's news;
//! - [`state`]: what the handlers share; [`transport`]: frames stdio and, through [`inbound`],
//!   checks what comes in, so that no bad message or header can end a session.
//!
//! [`serve_io`] wires them, the optional trace recorder and the store together and decides the
//! exit code; [`lifecycle`] is what survives the session's end (signals, the periodic save of
//! provenance, the checkpoint).

mod blame;
mod disk;
mod documents;
mod handler;
mod inbound;
pub mod ingest;
pub mod lifecycle;
mod nudges;
mod practices;
mod predecoded;
pub mod server;
mod state;
mod status;
mod stdout;
mod tasks;
mod transport;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tower_lsp_server::LspService;
use tracing::{error, info, warn};

use crate::store::Store;
use crate::trace::recorder::Recorder;
use server::Backend;
use state::Shared;
use tokio::io::{AsyncRead, AsyncWrite};

pub struct ServeOptions {
    pub home: PathBuf,
    pub record: Option<PathBuf>,
}

/// Asks the client to show the file at `path` (in a browser with `external`), focused; whether
/// it did. A client that cannot is logged, not an error: the caller says where the file is.
pub(crate) async fn show_file(
    client: &tower_lsp_server::Client,
    path: &std::path::Path,
    external: bool,
) -> bool {
    use tower_lsp_server::ls_types::{ShowDocumentParams, Uri};
    let Ok(uri) = crate::uri::from_path(&path.to_string_lossy()).parse::<Uri>() else {
        return false;
    };
    let params = ShowDocumentParams {
        uri,
        external: external.then_some(true),
        take_focus: Some(true),
        selection: None,
    };
    match client.show_document(params).await {
        Ok(shown) => shown,
        Err(e) => {
            tracing::warn!(path = %path.display(), "cannot show the file: {e}");
            false
        }
    }
}

/// Creates the trace file for `--record` (private: it holds the person's text) and its recorder.
fn create_trace(path: &std::path::Path) -> std::io::Result<Recorder> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    Recorder::start(crate::home::open_private(path, &mut options)?)
}

/// Runs the server on stdin/stdout until `exit`, end of input or a signal (SIGTERM, SIGINT,
/// SIGHUP; see [`lifecycle`]). Returns the process exit code: 0 after `shutdown` then `exit`, 1
/// when the client went away without `shutdown`, 0 after a signal once everything is saved, 128 +
/// its number when a second signal cut that short.
pub async fn serve(opts: ServeOptions) -> i32 {
    let signals = lifecycle::Signals::listen()
        .map_err(|e| warn!("cannot listen for signals ({e}): a signal ends the server unsaved"))
        .ok();
    let output = transport::Output::<tokio::io::Stdout>::Stdout;
    serve_until(tokio::io::stdin(), output, opts, signals).await
}

/// [`serve`] on any byte streams (stdio for the binary, in-memory pipes for the in-process
/// tests): the same transport, store and exit code; signals are the process's, so not here.
pub async fn serve_io<I, O>(input: I, output: O, opts: ServeOptions) -> i32
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    serve_until(input, transport::Output::Stream(output), opts, None).await
}

async fn serve_until<I, O>(
    input: I,
    output: transport::Output<O>,
    opts: ServeOptions,
    mut signals: Option<lifecycle::Signals>,
) -> i32
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
{
    let store = Store::open(&opts.home);
    let recorder = opts.record.as_deref().and_then(start_recording);
    let shared = Arc::new(Shared::new(store, opts.home.clone(), recorder.clone()));
    let (service, socket) = LspService::build({
        let shared = shared.clone();
        move |client| Backend::new(client, shared)
    })
    .custom_method(ingest::EDIT_HINT, Backend::edit_hint)
    .custom_method(predecoded::METHOD, Backend::predecoded_change)
    .finish();
    let saver = tokio::spawn(lifecycle::save_provenance_periodically(shared.clone()));
    let stop = Arc::new(tokio::sync::Notify::new());
    let hooks = transport::Hooks {
        recorder: recorder.clone(),
        stop: stop.clone(),
        shutdown_seen: shared.shutdown_requested.clone(),
        predecoded: shared.predecoded.clone(),
    };
    let transport = transport::run(input, output, service, socket, hooks);
    let ended = lifecycle::serve_until_signal(transport, &mut signals, &stop).await;
    saver.abort();
    shared.stop_background();
    // The watcher's thread holds the handlers' state: stopped here, nothing outlives the session,
    // which matters to a caller that goes on running after this returns (a process ends).
    drop(state::lock(&shared.watcher).take());
    if let Some(r) = recorder {
        r.finish();
    }
    match ended {
        lifecycle::Ended::Protocol => {
            let shutdown = shared.shutdown_requested.load(Ordering::SeqCst);
            // Every queued event is written and the store checkpointed before this returns.
            let _ = lifecycle::finish(shared).await;
            if shutdown { 0 } else { 1 }
        }
        lifecycle::Ended::Signal { first, forced } => {
            lifecycle::finish_after_signal(shared, first, forced, &mut signals).await
        }
    }
}

/// The trace recorder for `--record PATH`, or none (logged) when the file cannot be created.
fn start_recording(path: &std::path::Path) -> Option<Recorder> {
    match create_trace(path) {
        Ok(r) => {
            info!("recording this session to {}", path.display());
            Some(r)
        }
        Err(e) => {
            error!(
                "cannot record to {}: {e}; serving without a recording",
                path.display()
            );
            None
        }
    }
}
