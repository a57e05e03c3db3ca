//! The disk room: what the session remembers of changes that reach files from outside the
//! editor's buffer — what each file holds on disk as far as it knows, outside writes waiting for
//! the editor to reload them (so one change is counted once), when version control was last at
//! work, recent disk events still open to amendment, agents' log lines naming files, and the
//! buffers' last bulk insertions that a reload may yet explain. Memory only; what it all means is
//! decided in [`crate::classify::disk`].

use std::collections::VecDeque;
use std::sync::Arc;

use ropey::Rope;

use super::known_disk::KnownDisk;
use crate::classify::Agent;
use crate::classify::Class;
use crate::classify::disk::{AGENT_WINDOW_MS, RELOAD_WINDOW_MS, VCS_BEFORE_MS};
use crate::mirror::ByUri;

/// An outside write not yet seen reaching the buffer.
#[derive(Clone, Copy, Debug)]
pub struct PendingWrite {
    /// Hash of the text written.
    pub hash: u64,
    /// When it was seen.
    pub t: f64,
    /// It was version control's (a checkout, merge, reset…).
    pub vcs: bool,
}

/// A disk event still open to amendment.
#[derive(Clone, Debug)]
pub struct RecentDisk {
    pub id: u64,
    pub t: f64,
    pub uri: Arc<str>,
    pub class: Class,
    /// An agent's log confirmed it: version control does not take it over.
    pub confirmed: bool,
    /// Its content decided its class (git held the text, or did not): the clock does not
    /// take it over.
    pub by_content: bool,
}

/// An agent's log line naming a file it wrote.
#[derive(Clone, Debug)]
pub struct AgentNote {
    pub t: f64,
    pub uri: Arc<str>,
    pub agent: Agent,
}

/// A document's last notification, when it changed bulk text and the classifier called it
/// `paste` (`ids`), or `undo` or a rewrite that kept the content (`undo_ids`), on its own
/// judgement: a reload that beat the watcher may yet explain it.
#[derive(Clone, Debug)]
pub struct LastBulk {
    pub t: f64,
    pub ids: Vec<u64>,
    pub undo_ids: Vec<u64>,
}

#[derive(Default)]
pub struct DiskRoom {
    /// What each file holds on disk, as far as this session knows, by URI.
    pub known: KnownDisk,
    /// Outside writes not yet seen reaching the buffer, by URI.
    pending: ByUri<PendingWrite>,
    /// When a `.git` change last marked version control at work.
    pub vcs_at: Option<f64>,
    recent: VecDeque<RecentDisk>,
    agent_notes: VecDeque<AgentNote>,
    last_bulk: ByUri<LastBulk>,
    /// The log has said the index of the workspace's lines is full.
    pub index_full_said: bool,
}

impl DiskRoom {
    /// Whether an outside write to `uri` waits for the editor to reload it.
    pub fn awaits_reload(&self, uri: &str) -> bool {
        self.pending.contains_key(uri)
    }

    /// When `rope` is exactly the text of the outside write waiting for `key`: whether that write
    /// was version control's (and the write is forgotten: it has reached the buffer).
    pub fn take_pending(&mut self, key: &Arc<str>, rope: &Rope) -> Option<bool> {
        match self.pending.get(key) {
            Some(w) if w.hash == hash_rope(rope) => {
                let vcs = w.vcs;
                self.pending.remove(key);
                Some(vcs)
            }
            _ => None,
        }
    }

    /// An outside write of `text` to `uri` at `t`, to be matched with its reload.
    pub fn await_reload(&mut self, uri: Arc<str>, text: &str, t: f64, vcs: bool) {
        let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
        self.pending.insert(uri, PendingWrite { hash, t, vcs });
    }

    /// Forgets outside writes older than the reload window.
    pub fn expire_pending(&mut self, t: f64) {
        self.pending.retain(|_, w| t - w.t <= RELOAD_WINDOW_MS);
    }

    /// Remembers a disk event, for a `.git` change or an agent's log line that comes after it.
    pub fn remember(&mut self, r: RecentDisk) {
        let t = r.t;
        self.recent
            .retain(|r| t - r.t <= AGENT_WINDOW_MS.max(VCS_BEFORE_MS));
        self.recent.push_back(r);
    }

    /// Disk events of the moments before `t` that version control may take over: not already
    /// version control's, not confirmed by an agent's log, not decided by their content. Each
    /// is marked `vcs`, and so is its write waiting for a reload.
    pub fn take_over_for_vcs(&mut self, t: f64) -> Vec<u64> {
        let mut ids = Vec::new();
        for r in &mut self.recent {
            if t - r.t <= VCS_BEFORE_MS && r.class != Class::Vcs && !r.confirmed && !r.by_content {
                r.class = Class::Vcs;
                ids.push(r.id);
                if let Some(w) = self.pending.get_mut(&r.uri) {
                    w.vcs = true;
                }
            }
        }
        ids
    }

    /// Disk events of `uri` classed `agent`, not yet confirmed, within the agent window of `t`:
    /// an agent's log now names them. They are marked confirmed.
    pub fn confirm_agent(&mut self, uri: &Arc<str>, t: f64) -> Vec<u64> {
        let mut ids = Vec::new();
        for r in &mut self.recent {
            if r.uri == *uri
                && r.class == Class::Agent
                && !r.confirmed
                && t - r.t <= AGENT_WINDOW_MS
            {
                r.confirmed = true;
                ids.push(r.id);
            }
        }
        ids
    }

    /// Remembers an agent's log line naming `uri`.
    pub fn note_agent(&mut self, note: AgentNote) {
        self.expire_agent_notes(note.t);
        self.agent_notes.push_back(note);
    }

    /// The agent whose log named `uri` within the agent window of `t`, if any.
    pub fn logged_agent(&mut self, uri: &Arc<str>, t: f64) -> Option<Agent> {
        self.expire_agent_notes(t);
        self.agent_notes
            .iter()
            .find(|n| n.uri == *uri)
            .map(|n| n.agent)
    }

    fn expire_agent_notes(&mut self, t: f64) {
        self.agent_notes.retain(|n| t - n.t <= AGENT_WINDOW_MS);
    }

    /// The buffer's last notification inserted bulk text classed `paste` (`ids`), or not
    /// (`None`): what a reload that beats the watcher would explain.
    pub fn set_last_bulk(&mut self, key: &Arc<str>, bulk: Option<LastBulk>) {
        match bulk {
            Some(b) => {
                self.last_bulk.insert(key.clone(), b);
            }
            None => {
                self.last_bulk.remove(key);
            }
        }
    }

    pub fn take_last_bulk(&mut self, key: &Arc<str>) -> Option<LastBulk> {
        self.last_bulk.remove(key)
    }
}

/// xxh3 of a rope's text, chunk by chunk (the same as of the text as one string).
pub fn hash_rope(rope: &Rope) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for chunk in rope.chunks() {
        h.update(chunk.as_bytes());
    }
    h.digest()
}
