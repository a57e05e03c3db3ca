//! What passes between the store's handle and its writer thread: the ordered messages (sessions,
//! events, saved provenance) on a queue the edit path pushes to without a system call, and the
//! controls (wake, flush, look-ups, jobs) on a channel.

use std::sync::mpsc;

use rusqlite::Connection;

use super::{ImpliedTask, SessionInfo};
use crate::events::Emitted;

/// What the writer is asked to do, in order, through the [`Queue`].
pub(super) enum Msg {
    Session(SessionInfo, Option<ImpliedTask>),
    Emitted(Emitted),
    SaveProvenance(String, Vec<u8>),
}

/// What needs the writer now, through the channel.
pub(super) enum Control {
    /// The queue has work: write it within [`FLUSH_EVERY`](super::FLUSH_EVERY).
    Wake,
    /// Write everything queued, then acknowledge.
    Flush(mpsc::Sender<()>),
    LoadProvenance(String, mpsc::Sender<Option<Vec<u8>>>),
    /// Run a job on the writer's connection (task commands), after writing what is queued.
    Run(Box<dyn FnOnce(&mut Connection) + Send>),
}

/// Messages for the writer, in order. The edit path only pushes here — an uncontended lock, no
/// system call — and wakes the writer once per batch, not once per event.
#[derive(Default)]
pub(super) struct Queue {
    pub(super) items: std::sync::Mutex<Vec<Msg>>,
    /// Set while the writer has been woken for what is queued.
    pub(super) armed: std::sync::atomic::AtomicBool,
}

impl Queue {
    pub(super) fn take(&self) -> Vec<Msg> {
        std::mem::take(&mut *self.items.lock().unwrap_or_else(|p| p.into_inner()))
    }
}
