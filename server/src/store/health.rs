//! What the store's handle and its writer thread share about the file: whether the writer has
//! opened it yet (it opens and checks it on its own thread, so `initialize` never waits for a
//! lock or a check), where the data goes now (the file, or memory after a failure), the
//! read-only connection for look-ups, and the warnings the person is to be told — each once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Duration;

use rusqlite::Connection;
use tracing::warn;

use super::Location;

/// How long a caller waits for the writer to have opened the store (the open itself is bounded
/// by the lock wait and the check's budget; this only guards against a writer that died).
const OPENED_WITHIN: Duration = Duration::from_secs(30);

#[derive(Default)]
pub(super) struct Health {
    location: Mutex<Option<Location>>,
    opened: Condvar,
    /// Set once the data goes to memory (from the start, or after a failure).
    in_memory: AtomicBool,
    /// A read-only connection to a healthy file, for look-ups that must not wait behind writes.
    pub(super) reader: OnceLock<Mutex<Connection>>,
    /// Every warning given, and how many of them were taken to be shown.
    warnings: Mutex<(Vec<String>, usize)>,
}

impl Health {
    /// Where the data goes from now on (the first call also says the store is open).
    pub(super) fn settle(&self, location: Location) {
        self.in_memory
            .store(location == Location::Memory, Ordering::Release);
        *self.location.lock().unwrap_or_else(|p| p.into_inner()) = Some(location);
        self.opened.notify_all();
    }

    /// Where the data goes, once the store is open.
    pub(super) fn location(&self) -> Location {
        let guard = self.location.lock().unwrap_or_else(|p| p.into_inner());
        let (guard, _) = self
            .opened
            .wait_timeout_while(guard, OPENED_WITHIN, |l| l.is_none())
            .unwrap_or_else(|p| p.into_inner());
        guard.clone().unwrap_or(Location::Memory)
    }

    pub(super) fn in_memory(&self) -> bool {
        self.in_memory.load(Ordering::Acquire)
    }

    /// Logs `text` (once) and keeps it for the person.
    pub(super) fn warn(&self, text: String) {
        warn!("{text}");
        self.warnings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .push(text);
    }

    /// The first warning given, if any, once the store is open.
    pub(super) fn first_warning(&self) -> Option<String> {
        let _ = self.location();
        let w = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
        w.0.first().cloned()
    }

    /// The warnings not taken yet (does not wait).
    pub(super) fn take_new(&self) -> Vec<String> {
        let mut w = self.warnings.lock().unwrap_or_else(|p| p.into_inner());
        let (all, taken) = &mut *w;
        let new = all[*taken..].to_vec();
        *taken = all.len();
        new
    }
}
