//! A recording session: one pipeline and the store it hands its events to. The live server,
//! replay and the nudge actions start a session the same way ([`Session::start`]: the store
//! records the session, with the task its workspace implies, and a pipeline begins) and hand
//! off the same way ([`Session::run`]: whatever the pipeline emitted goes to the store, in order).

use std::path::PathBuf;

use crate::events::Emitted;
use crate::mirror::Encoding;
use crate::pipeline::Pipeline;
use crate::provenance::Saved;
use crate::store::{SessionInfo, Store};

/// What a session is started with.
#[derive(Clone, Debug)]
pub struct Start {
    /// `lsp` or `replay`.
    pub kind: &'static str,
    /// Unix ms when it began; event times are offsets from it.
    pub started_ms: i64,
    pub encoding: Encoding,
    /// The workspace root as a filesystem path, when the client named one.
    pub root: Option<String>,
    pub client_name: Option<String>,
    pub client_version: Option<String>,
}

pub struct Session {
    pipeline: Pipeline,
    /// Reused for every call's events.
    scratch: Vec<Emitted>,
}

impl Session {
    /// Records the session in `store` and begins its pipeline.
    pub fn start(store: &Store, start: Start) -> Session {
        let implied = start.root.clone().map(|root| {
            let root = PathBuf::from(root);
            Box::new(move |at_ms| crate::tasks::implied(&root, at_ms)) as crate::store::ImpliedTask
        });
        store.begin_session(
            SessionInfo {
                started_ms: start.started_ms,
                kind: start.kind,
                client_name: start.client_name,
                client_version: start.client_version,
                root: start.root.clone(),
                encoding: start.encoding.as_str(),
            },
            implied,
        );
        Session {
            pipeline: Pipeline::new(start.encoding, start.root),
            scratch: Vec::new(),
        }
    }

    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// Runs `f` on the pipeline, shows each event and amendment it emitted to `sink`, and hands
    /// them to the store in order. Returns what `f` returned and whether anything was emitted.
    pub fn run<T>(
        &mut self,
        store: &Store,
        sink: &mut dyn FnMut(&Emitted),
        f: impl FnOnce(&mut Pipeline, &mut Vec<Emitted>) -> T,
    ) -> (T, bool) {
        let value = f(&mut self.pipeline, &mut self.scratch);
        let emitted = !self.scratch.is_empty();
        for e in self.scratch.drain(..) {
            sink(&e);
            store.record(e);
        }
        (value, emitted)
    }

    /// Saves the provenance of every open document (at shutdown, and whenever the session
    /// ends); returns how many documents had provenance to save.
    pub fn save_all(&self, store: &Store) -> usize {
        let all = self.pipeline.save_all();
        for (uri, saved) in &all {
            store.save_provenance(uri, saved.encode());
        }
        all.len()
    }
}

/// What an earlier session saved of `uri`'s provenance, if anything readable.
pub fn load_saved(store: &Store, uri: &str) -> Option<Saved> {
    let saved = Saved::decode(&store.load_provenance(uri)?);
    if saved.is_none() {
        tracing::warn!(uri, "saved provenance is unreadable: ignored");
    }
    saved
}
