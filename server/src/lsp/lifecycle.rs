//! What survives the end of a session, however it ends: the signals editors stop servers with,
//! the periodic save of the open documents' provenance that bounds what a kill loses, and the
//! last steps every ending shares.
//!
//! - **SIGTERM, SIGINT, SIGHUP.** The server stops reading its input, lets the server finish
//!   the messages it had already read (at most [`GRACE`]), saves every open document's
//!   provenance (as a save would), writes every queued event, checkpoints the store, logs one
//!   line and exits with 0: everything was kept. A second signal while that runs waits at most
//!   [`LAST_WAIT`] more for the store, then exits with 128 + the signal's number; SQLite's
//!   transactions make an exit at any point safe for the file.
//! - **Periodic provenance.** Every [`PROVENANCE_EVERY`] the open documents whose provenance may
//!   have changed since are saved: their views (text and provenance as of the last change) are
//!   taken without the session lock, hashed on a blocking thread and queued for the store. A
//!   kill -9 loses at most that period of provenance, plus the store's half second.
//! - **Every ending** (`exit`, end of input, a signal): the open documents' provenance is saved,
//!   the queue written and the store checkpointed (`PRAGMA wal_checkpoint(TRUNCATE)`), so
//!   `mindgap.db` alone holds everything.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::signal::unix::{SignalKind, signal};
use tracing::{debug, info, warn};

use super::state::Shared;

/// How often the open documents' changed provenance is saved.
pub const PROVENANCE_EVERY: Duration = Duration::from_secs(2);
/// How long, after a signal, the server may take to finish the messages it had already read.
pub const GRACE: Duration = Duration::from_secs(2);
/// How long a second signal still waits for the store before the process exits.
pub const LAST_WAIT: Duration = Duration::from_secs(1);

/// A signal that ends the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Term,
    Int,
    Hup,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Term => "SIGTERM",
            Signal::Int => "SIGINT",
            Signal::Hup => "SIGHUP",
        }
    }

    /// Its number (Linux and macOS agree on these three).
    pub fn number(self) -> i32 {
        match self {
            Signal::Term => 15,
            Signal::Int => 2,
            Signal::Hup => 1,
        }
    }
}

/// The three signals, listened for from the start: once listened for, none of them kills the
/// process outright any more.
pub struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn listen() -> std::io::Result<Signals> {
        Ok(Signals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// The next signal to arrive.
    pub async fn next(&mut self) -> Signal {
        tokio::select! {
            _ = self.term.recv() => Signal::Term,
            _ = self.int.recv() => Signal::Int,
            _ = self.hup.recv() => Signal::Hup,
        }
    }
}

/// Waits for the next signal, or forever without any.
async fn next_signal(signals: &mut Option<Signals>) -> Signal {
    match signals {
        Some(s) => s.next().await,
        None => std::future::pending().await,
    }
}

/// How the serving ended.
pub enum Ended {
    /// `exit`, or the end of input.
    Protocol,
    /// A signal; `forced` when a second one came before the server finished what it had read.
    Signal {
        first: Signal,
        forced: Option<Signal>,
    },
}

/// Runs `transport` until it ends or a signal comes. On a signal, `stop` tells the transport to
/// read no more; the server then gets [`GRACE`] (cut short by a second signal) to finish what it
/// had read.
pub async fn serve_until_signal(
    transport: impl Future<Output = ()>,
    signals: &mut Option<Signals>,
    stop: &tokio::sync::Notify,
) -> Ended {
    tokio::pin!(transport);
    let first = tokio::select! {
        () = &mut transport => return Ended::Protocol,
        sig = next_signal(signals) => sig,
    };
    debug!("{}: reading no more input, saving everything", first.name());
    stop.notify_one();
    let forced = tokio::select! {
        () = &mut transport => None,
        () = tokio::time::sleep(GRACE) => {
            warn!("the server did not finish within {GRACE:?} after {}: saving what it has", first.name());
            None
        }
        sig = next_signal(signals) => Some(sig),
    };
    Ended::Signal { first, forced }
}

/// How long the end waits for the session's last tasks to let go of its state.
const LAST_HOLDERS: std::time::Duration = std::time::Duration::from_secs(1);

/// The last steps of every ending, on a blocking thread: saves the open documents' provenance,
/// writes everything queued and checkpoints. Returns how many documents' provenance was saved.
pub fn finish(shared: Arc<Shared>) -> tokio::task::JoinHandle<usize> {
    tokio::task::spawn_blocking(move || {
        let saved = shared
            .with_session(|s, store| s.save_all(store))
            .unwrap_or(0);
        // The session's tasks were stopped; a stopped task lets go of the state when it is
        // next polled, and one on a blocking thread when it is done: wait a moment for them.
        let until = std::time::Instant::now() + LAST_HOLDERS;
        while Arc::strong_count(&shared) > 1 && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        match Arc::try_unwrap(shared) {
            Ok(shared) => drop(shared), // closes the store: written, checkpointed
            Err(shared) => {
                warn!(
                    "the session's state is still in use as the server ends: the store is checkpointed, and closes later"
                );
                shared.store.checkpoint()
            }
        }
        saved
    })
}

/// Finishes after a signal (see [`finish`]) and returns the exit code: 0 when everything was
/// kept, 128 + the number of a second signal that cut the wait short.
pub async fn finish_after_signal(
    shared: Arc<Shared>,
    first: Signal,
    forced: Option<Signal>,
    signals: &mut Option<Signals>,
) -> i32 {
    let mut work = finish(shared);
    let second = match forced {
        Some(sig) => Some(sig),
        None => tokio::select! {
            saved = &mut work => {
                let saved = saved.unwrap_or(0);
                info!(
                    "{}: every event written, the provenance of {saved} open document(s) saved, the store checkpointed; exiting with 0",
                    first.name()
                );
                return 0;
            }
            sig = next_signal(signals) => Some(sig),
        },
    };
    let second = second.unwrap_or(first);
    warn!(
        "{} again: exiting within {LAST_WAIT:?}, with what the store has written by then",
        second.name()
    );
    let _ = tokio::time::timeout(LAST_WAIT, &mut work).await;
    128 + second.number()
}

/// Saves, every [`PROVENANCE_EVERY`], the provenance of the open documents that changed since,
/// off the edit path: the views are read without the session lock, the hashing runs on a
/// blocking thread, and no lock is held across an `.await`. Runs until aborted.
pub async fn save_provenance_periodically(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(PROVENANCE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await; // the first tick is at once
    loop {
        tick.tick().await;
        let views = shared.views();
        let unsaved = views.take_unsaved();
        if unsaved.is_empty() {
            continue;
        }
        let encoded = tokio::task::spawn_blocking(move || {
            unsaved
                .into_iter()
                .map(|(uri, rope, provenance)| (uri, provenance.save(&rope).encode()))
                .collect::<Vec<_>>()
        })
        .await;
        let Ok(encoded) = encoded else { continue };
        for (uri, data) in encoded {
            // A document closed meanwhile saved its provenance as it closed: that stands.
            views.while_open(&uri, || shared.store.save_provenance(&uri, data));
        }
    }
}
