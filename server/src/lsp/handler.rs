//! The two kinds of work a message can be, as types (after ruff's server,
//! `crates/ruff_server/src/server/api/traits.rs`).
//!
//! - An **ordered notification** changes the session's state: open, change, save, close, an
//!   edit hint. tower-lsp-server runs a handler up to its first `.await` before it reads the next
//!   message, so only what happens before that point is guaranteed to happen in the order the
//!   client sent it. An [`Ordered`] handler's [`Ordered::apply`] is a plain function — it cannot
//!   `.await` — so the whole state change happens there, synchronously and in order, and the
//!   edit is applied in microseconds.
//! - **Background work** — reading the store, files, the client's answers — is what `apply`
//!   hands back as [`Later`]. It runs on the runtime after the handler returned and never holds
//!   the session lock; requests (code actions, commands) are background work from the start and
//!   read the open documents through their views.

use std::sync::Arc;

use super::state::Shared;

/// A notification that changes the session's state, applied in the order the client sent it.
pub trait Ordered {
    type Params;
    /// Applies the notification: synchronous, no waiting, no I/O but queueing for the store.
    fn apply(shared: &Shared, params: Self::Params) -> Later;
}

/// Work an ordered notification leaves for the background.
#[derive(Debug, PartialEq, Eq)]
pub enum Later {
    Nothing,
    /// Read what an earlier session saved of this document's provenance, and restore it.
    RestoreProvenance(String),
    /// Count an attempt in the workspace's running struggle window (a save after typing).
    StruggleAttempt,
}

/// Applies `params` with `N`, in order, then starts what it left for later.
pub fn ordered<N: Ordered>(shared: &Arc<Shared>, params: N::Params) {
    match N::apply(shared, params) {
        Later::Nothing => {}
        Later::RestoreProvenance(uri) => {
            tokio::spawn(restore_provenance(shared.clone(), uri));
        }
        Later::StruggleAttempt => {
            if let Some(root) = shared.root() {
                shared.store.struggle_attempt(&root);
                shared.mark_status_dirty();
            }
        }
    }
}

/// Reads the provenance an earlier session saved for `uri` (off the session lock, on a blocking
/// thread) and restores it onto the document as it is by then.
async fn restore_provenance(shared: Arc<Shared>, uri: String) {
    let s = shared.clone();
    let u = uri.clone();
    let saved = tokio::task::spawn_blocking(move || crate::session::load_saved(&s.store, &u))
        .await
        .ok()
        .flatten();
    shared.ordered(|p, _, _| p.restore_provenance(&uri, saved.as_ref()));
}
