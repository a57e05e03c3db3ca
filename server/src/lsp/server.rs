//! The `LanguageServer` implementation: handlers, capabilities, and the hand-off to the store.
//!
//! Every text-sync handler does its whole job synchronously, before any `.await`: it locks the
//! pipeline, applies the change (microseconds), queues the events for the store thread, and
//! returns. tower-lsp-server keeps message order only up to a handler's first `.await`, and
//! anything slow here would stall every later message.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{info, warn};

use super::ingest::{self, Session};
use crate::events::Emitted;
use crate::pipeline::Pipeline;
use crate::store::{SessionInfo, Store};

/// What the handlers share.
pub struct Shared {
    pub store: Store,
    /// When the session began (event times are offsets from it).
    pub clock: Instant,
    pub started_ms: i64,
    pub shutdown_requested: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// None until `initialize`.
    pipeline: Option<Pipeline>,
    /// Reused for every notification's events.
    scratch: Vec<Emitted>,
}

impl Shared {
    pub fn new(store: Store) -> Shared {
        Shared {
            store,
            clock: Instant::now(),
            started_ms: chrono::Utc::now().timestamp_millis(),
            shutdown_requested: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the pipeline usable: its updates are per change.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now(&self) -> f64 {
        self.clock.elapsed().as_secs_f64() * 1000.0
    }

    /// Runs `f` on the pipeline (if initialized) and hands its events to the store.
    fn with_pipeline(&self, f: impl FnOnce(&mut Pipeline, &Store, f64, &mut Vec<Emitted>)) {
        let t = self.now();
        let mut state = self.state();
        let State { pipeline, scratch } = &mut *state;
        let Some(pipeline) = pipeline.as_mut() else {
            warn!("text sync before initialize: ignored");
            return;
        };
        f(pipeline, &self.store, t, scratch);
        for event in scratch.drain(..) {
            self.store.record(event);
        }
    }
}

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client, shared: Arc<Shared>) -> Backend {
        Backend { client, shared }
    }

    /// `mindgap/editHint`: what an editor plugin knows about a change.
    pub async fn edit_hint(&self, params: ingest::EditHintParams) {
        self.shared
            .with_pipeline(|p, _, t, out| ingest::edit_hint(p, t, params, out));
    }
}

pub fn capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::new(session.encoding.as_str())),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = Session::from_initialize(&params);
        info!(
            client = session.client_name.as_deref().unwrap_or("unknown"),
            encoding = session.encoding.as_str(),
            root = session.root.as_deref().unwrap_or("none"),
            "initialize"
        );
        self.shared.store.begin_session(SessionInfo {
            started_ms: self.shared.started_ms,
            kind: "lsp",
            client_name: session.client_name.clone(),
            client_version: session.client_version.clone(),
            root: session.root.clone(),
            encoding: session.encoding.as_str(),
        });
        self.shared.state().pipeline = Some(Pipeline::new(session.encoding, session.root.clone()));
        Ok(InitializeResult {
            capabilities: capabilities(&session),
            server_info: Some(ServerInfo {
                name: "mindgap".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if let Some(warning) = self.shared.store.warning() {
            self.client
                .show_message(MessageType::WARNING, warning)
                .await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        self.shared
            .with_pipeline(|p, store, _, _| ingest::save_all(p, store));
        let shared = self.shared.clone();
        // Everything recorded so far is on disk before the client is told we are done.
        let _ = tokio::task::spawn_blocking(move || shared.store.flush()).await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.shared
            .with_pipeline(|p, store, t, out| ingest::did_open(p, store, t, params, out));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.shared
            .with_pipeline(|p, _, t, out| ingest::did_change(p, t, params, false, out));
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.shared
            .with_pipeline(|p, _, _, _| ingest::did_save(p, params));
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.shared
            .with_pipeline(|p, store, _, _| ingest::did_close(p, store, params));
    }
}
