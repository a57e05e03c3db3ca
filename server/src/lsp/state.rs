//! What the handlers share: the store, the session (pipeline and hand-off) behind one lock that
//! only the ordered notifications hold, the open documents' views that every other task reads
//! without that lock, the configuration, what `initialize` settled, and the clock.
//!
//! Lock discipline: the session lock is held only inside [`Shared::ordered`] (synchronous, no
//! `.await` possible) and for short synchronous mutations from commands and the watcher's
//! thread; never across an `.await`. Readers use [`Shared::views`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use tracing::warn;

use crate::config::Config;
use crate::events::Emitted;
use crate::pipeline::Pipeline;
use crate::pipeline::views::Views;
use crate::session::Session;
use crate::store::Store;
use crate::trace::recorder::Recorder;

/// What `initialize` settled about the client and the workspace.
#[derive(Default, Clone)]
pub struct ClientCaps {
    pub root: Option<String>,
    /// The client declared `experimental.mindgapStatus`.
    pub custom_status: bool,
    /// The client can show work-done progress.
    pub progress: bool,
    /// Configuration problems to tell the person once `initialized`.
    pub problems: Vec<String>,
}

pub struct Shared {
    pub store: Store,
    /// Where the store lives (status reads it through its own connection).
    pub home: std::path::PathBuf,
    /// Set when something may have changed the status line.
    pub status_dirty: AtomicBool,
    pub config: Mutex<Config>,
    /// The file watcher, alive as long as the server.
    pub watcher: Mutex<Option<crate::watch::Watching>>,
    /// The trace being recorded (`lsp --record`): disk changes and agents' log lines go in it.
    pub recorder: Option<Recorder>,
    pub client_caps: Mutex<ClientCaps>,
    /// When the session began (event times are offsets from it).
    pub clock: Instant,
    pub started_ms: i64,
    /// Set when the client's `shutdown` request arrives (by the transport, as it passes it on:
    /// an `exit` right behind it must still find it set), or when the handler runs.
    pub shutdown_requested: Arc<AtomicBool>,
    /// Large `didChange` bodies the transport decoded itself ([`super::predecoded`]).
    pub predecoded: Arc<super::predecoded::Predecoded>,
    /// Tasks that run as long as the session (the status publisher, the store's warnings):
    /// stopped when it ends, so that the store closes before the server returns.
    pub background: Mutex<Vec<tokio::task::AbortHandle>>,
    /// None until `initialize`.
    session: Mutex<Option<Session>>,
    /// The open documents as of their last change; set at `initialize`.
    views: OnceLock<Views>,
}

impl Shared {
    pub fn new(store: Store, home: std::path::PathBuf, recorder: Option<Recorder>) -> Shared {
        Shared {
            store,
            home,
            status_dirty: AtomicBool::new(true),
            config: Mutex::new(Config::default()),
            watcher: Mutex::new(None),
            recorder,
            client_caps: Mutex::new(ClientCaps::default()),
            clock: Instant::now(),
            started_ms: chrono::Utc::now().timestamp_millis(),
            shutdown_requested: Arc::new(AtomicBool::new(false)),
            predecoded: Arc::default(),
            background: Mutex::new(Vec::new()),
            session: Mutex::new(None),
            views: OnceLock::new(),
        }
    }

    /// Runs `task` for as long as the session: it is stopped when the session ends.
    pub fn spawn_background<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        lock(&self.background).push(tokio::spawn(task).abort_handle());
    }

    /// Stops the tasks [`Shared::spawn_background`] started.
    pub fn stop_background(&self) {
        for task in lock(&self.background).drain(..) {
            task.abort();
        }
    }

    /// Begins the session (at `initialize`).
    pub fn begin(&self, session: Session) {
        let _ = self.views.set(session.pipeline().views());
        *lock(&self.session) = Some(session);
    }

    /// The open documents as of their last change, readable without stopping the edit path
    /// (none before `initialize`).
    pub fn views(&self) -> Views {
        (self.views.get().cloned()).unwrap_or_else(|| Views::new(crate::mirror::Encoding::Utf16))
    }

    pub fn config(&self) -> Config {
        lock(&self.config).clone()
    }

    pub fn root(&self) -> Option<String> {
        lock(&self.client_caps).root.clone()
    }

    pub fn now(&self) -> f64 {
        self.clock.elapsed().as_secs_f64() * 1000.0
    }

    pub fn mark_status_dirty(&self) {
        self.status_dirty.store(true, Ordering::Release);
    }

    /// Runs `f` on the session (if initialized) with the time now, and hands what the pipeline
    /// emitted to the store. Synchronous: the callers are the ordered notifications (before
    /// their first `.await`), the watcher's thread and short command steps.
    pub fn ordered<T>(
        &self,
        f: impl FnOnce(&mut Pipeline, f64, &mut Vec<Emitted>) -> T,
    ) -> Option<T> {
        let t = self.now();
        let mut guard = lock(&self.session);
        let Some(session) = guard.as_mut() else {
            warn!("text sync before initialize: ignored");
            return None;
        };
        let (value, emitted) = session.run(&self.store, &mut |_| {}, |p, out| f(p, t, out));
        if emitted {
            self.mark_status_dirty();
        }
        Some(value)
    }

    /// Runs `f` on the session itself (saving provenance, at shutdown and on close).
    pub fn with_session<T>(&self, f: impl FnOnce(&Session, &Store) -> T) -> Option<T> {
        lock(&self.session).as_ref().map(|s| f(s, &self.store))
    }
}

/// Locks `m`; a panic while it was held leaves the data usable (updates are per change).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
