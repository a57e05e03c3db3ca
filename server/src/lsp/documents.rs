//! The text-sync notifications and edit hints, as [`Ordered`] handlers: each applies its change
//! to the session synchronously, in the order the client sent it, and leaves reading the store
//! for the background.

use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams,
};

use super::handler::{Later, Ordered};
use super::ingest::{self, EditHintParams};
use super::state::Shared;

pub struct DidOpen;
pub struct DidChange;
pub struct PredecodedChange;
pub struct DidSave;
pub struct DidClose;
pub struct EditHint;

impl Ordered for DidOpen {
    type Params = DidOpenTextDocumentParams;
    /// Opens the document; what an earlier session saved of its provenance is read afterwards,
    /// off the session lock, and restored onto the document as it is by then.
    fn apply(shared: &Shared, params: Self::Params) -> Later {
        shared
            .ordered(|p, t, out| ingest::did_open(p, t, params, out))
            .flatten()
            .map_or(Later::Nothing, Later::RestoreProvenance)
    }
}

impl Ordered for DidChange {
    type Params = DidChangeTextDocumentParams;
    fn apply(shared: &Shared, params: Self::Params) -> Later {
        shared.ordered(|p, t, out| ingest::did_change(p, t, params, false, out));
        Later::Nothing
    }
}

impl Ordered for PredecodedChange {
    type Params = super::predecoded::Seq;
    /// The same as [`DidChange`], on the changes the transport decoded.
    fn apply(shared: &Shared, params: Self::Params) -> Later {
        match shared.predecoded.take(params.seq) {
            Some(d) => {
                shared.ordered(|p, t, out| p.did_change(t, &d.uri, d.version, d.changes, out));
            }
            None => tracing::warn!(seq = params.seq, "a decoded didChange is missing"),
        }
        Later::Nothing
    }
}

impl Ordered for DidSave {
    type Params = DidSaveTextDocumentParams;
    fn apply(shared: &Shared, params: Self::Params) -> Later {
        let attempt = shared.ordered(|p, _, _| ingest::did_save(p, &shared.store, params));
        if attempt == Some(true) {
            Later::StruggleAttempt
        } else {
            Later::Nothing
        }
    }
}

impl Ordered for DidClose {
    type Params = DidCloseTextDocumentParams;
    fn apply(shared: &Shared, params: Self::Params) -> Later {
        shared.ordered(|p, _, _| ingest::did_close(p, &shared.store, params));
        Later::Nothing
    }
}

impl Ordered for EditHint {
    type Params = EditHintParams;
    fn apply(shared: &Shared, params: Self::Params) -> Later {
        shared.ordered(|p, t, out| ingest::edit_hint(p, t, params, out));
        Later::Nothing
    }
}
