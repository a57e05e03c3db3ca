//! The disk path of the pipeline: changes the watcher (or a trace's `fs` and `agent` lines)
//! reports — a file written or removed, `.git` changing under a version-control operation, an
//! agent's log naming a file it wrote. The disk room remembers; [`crate::classify::disk`]
//! decides; events and amendments go out like the buffer path's.

use std::sync::Arc;

use ropey::Rope;
use tracing::{debug, info, warn};

use super::Pipeline;
use super::disk::{AgentNote, RecentDisk};
use crate::classify::Agent;
use crate::classify::disk::{self, DiskChange, RELOAD_BEAT_MS};
use crate::classify::{Amendment, Class, Decision};
use crate::events::{EditEvent, Emitted, Source, Span};
use crate::mirror::disk_lines::{self, Added};
use crate::mirror::{Measure, measure};
use crate::uri;

/// A disk change as the watcher reports it (and a trace's `fs` line records it).
#[derive(Clone, Copy, Debug, Default)]
pub struct Reported<'a> {
    pub rel_path: &'a str,
    /// The new text; `None` for a removal.
    pub text: Option<&'a str>,
    /// What git's index held for a file reported for the first time.
    pub before: Option<&'a str>,
    /// Whether git's object store already held the new text (`None`: unknown).
    pub in_git: Option<bool>,
    /// The keys of the new text's lines, when the watcher computed them off the edit path
    /// (replay leaves them to the pipeline).
    pub keys: Option<&'a [u32]>,
}

impl Pipeline {
    /// A disk change as the watcher reports it (and a trace's `fs` line records it).
    pub fn disk_report(&mut self, t: f64, r: Reported<'_>, out: &mut Vec<Emitted>) {
        let Reported {
            rel_path,
            text,
            before,
            in_git,
            keys,
        } = r;
        match (keys, text) {
            (Some(keys), _) => self.disk_exists(rel_path, keys),
            (None, Some(text)) if disk_lines::is_text(text) => {
                self.disk_exists(rel_path, &disk_lines::line_keys(text));
            }
            _ => {}
        }
        if let (Some(before), Some(uri)) = (before, self.disk_uri(rel_path))
            && !self.disk.known.contains_key(&uri)
        {
            if text == Some(before) {
                // A file the session never saw now holds what git's index holds.
                let unchanged = measure(Rope::new().slice(..), "");
                let d = disk::matches_git_index();
                self.emit_disk(out, t, rel_path, Span::default(), &unchanged, d);
                self.disk.known.insert(uri, Rope::from_str(before));
                return;
            }
            self.disk.known.insert(uri, Rope::from_str(before));
        }
        self.disk_change(t, rel_path, text, in_git, out);
        self.publish(None, None);
    }

    /// A file the watcher found on disk (its walk at start, or a folder met later), as the keys
    /// of its lines ([`crate::mirror::disk_lines::line_keys`]): the person's own code that a
    /// paste may copy. Not a change.
    pub fn disk_exists(&mut self, rel_path: &str, keys: &[u32]) {
        if self.buffers.mirror.disk_lines.add(keys) == Added::Full && !self.disk.index_full_said {
            self.disk.index_full_said = true;
            info!(
                rel_path,
                lines = self.buffers.mirror.disk_lines.len(),
                files = self.buffers.mirror.disk_lines.files(),
                "the index of the workspace's lines is full: copies from the files left out \
                 are not recognised as the person's own code"
            );
        }
    }

    /// A file in the workspace changed on disk: written with `text`, or removed (`None`);
    /// `in_git` says whether git already held the new text.
    pub(super) fn disk_change(
        &mut self,
        t: f64,
        rel_path: &str,
        text: Option<&str>,
        in_git: Option<bool>,
        out: &mut Vec<Emitted>,
    ) {
        if self.root.is_none() {
            warn!(rel_path, "disk change without a workspace root: ignored");
            return;
        }
        if let Some(git) = rel_path.strip_prefix(".git/") {
            if disk::is_vcs_mark(git) {
                self.vcs_changed(t, out);
            }
            return;
        }
        let Some(uri) = self.disk_uri(rel_path) else {
            return;
        };
        // The editor's own save explains it: the disk now holds what the buffer holds.
        let (as_known, as_buffer) = match text {
            Some(text) => (
                self.disk.known.get(&uri).is_some_and(|k| *k == text),
                (self.buffers.mirror.get(&uri)).is_some_and(|d| *d.rope() == text),
            ),
            None => (false, false),
        };
        if as_buffer && !as_known {
            // ...unless the buffer got there by a bulk change just now, no save seen: the
            // editor reloaded an outside write before the watcher delivered it.
            let vcs = disk::is_vcs_write(&self.write_facts(t, text, in_git));
            self.reload_beat_the_watcher(t, &uri, vcs, out);
        }
        if as_known || as_buffer {
            debug!(rel_path, "disk change explained by the buffer");
        } else {
            self.outside_write(t, rel_path, &uri, text, in_git, out);
        }
        match text {
            Some(text) => self.disk.known.insert(uri, Rope::from_str(text)),
            None => self.disk.known.remove(&uri),
        };
        self.disk.expire_pending(t);
    }

    /// A disk change nothing in the editor explains: an event, classed by what is known of it,
    /// and (for a write) a reload to wait for.
    fn outside_write(
        &mut self,
        t: f64,
        rel_path: &str,
        uri: &Arc<str>,
        text: Option<&str>,
        in_git: Option<bool>,
        out: &mut Vec<Emitted>,
    ) {
        let known = self.disk.known.get(uri);
        let m = match known {
            Some(rope) => measure(rope.slice(..), text.unwrap_or("")),
            None => measure(Rope::new().slice(..), text.unwrap_or("")),
        };
        let span = known.map_or_else(Span::default, |r| {
            Span::of(r, m.prefix, m.prefix + m.deleted)
        });
        let change = DiskChange {
            removed: text.is_none(),
            logged_by: self.disk.logged_agent(uri, t),
            ..self.write_facts(t, text, in_git)
        };
        let decision = disk::disk_change(&change);
        let id = self.emit_disk(out, t, rel_path, span, &m, decision);
        if let Some(text) = text {
            let vcs = decision.class == Class::Vcs;
            self.disk.await_reload(uri.clone(), text, t, vcs);
        }
        self.disk.remember(RecentDisk {
            id,
            t,
            uri: uri.clone(),
            class: decision.class,
            confirmed: change.logged_by.is_some(),
            // Git's store (or its conflict markers) said what the write is: a `.git` change
            // that follows does not take it over.
            by_content: in_git.is_some() || change.conflict,
        });
    }

    /// What the content of a write and the clock say about it.
    fn write_facts(&self, t: f64, text: Option<&str>, in_git: Option<bool>) -> DiskChange {
        DiskChange {
            in_git,
            conflict: text.is_some_and(disk::has_conflict_markers),
            vcs_recent: disk::in_vcs_window(self.disk.vcs_at, t),
            ..DiskChange::default()
        }
    }

    /// The disk now holds what the buffer holds, but no save said so. When the buffer's last
    /// notification was a bulk change classed `paste` (or `undo`, for a write git holds; no
    /// hint) moments ago, it was the editor
    /// reloading this write before the watcher's settle time delivered it (VS Code can reload
    /// within ~100 ms): it is amended to the outside write it was (`agent`, or `vcs`).
    fn reload_beat_the_watcher(
        &mut self,
        t: f64,
        uri: &Arc<str>,
        vcs: bool,
        out: &mut Vec<Emitted>,
    ) {
        let Some(last) = self.disk.take_last_bulk(uri) else {
            return;
        };
        if t - last.t > RELOAD_BEAT_MS {
            return;
        }
        let decision = disk::reload_before_watcher(vcs);
        // A reload back to a text the buffer had before looked like an undo; it was one only
        // if git does not hold that text (else an undo that an autosave wrote is left alone).
        let undos = if vcs { last.undo_ids } else { Vec::new() };
        for id in last.ids.into_iter().chain(undos) {
            let amend = Amendment { id, decision };
            self.amend_provenance(uri, &amend);
            out.push(Emitted::Amend(amend));
        }
    }

    /// `.git` changed at `t` in a way that marks version control at work. Disk changes of the
    /// moments before (git writes the work tree, then HEAD) are amended to `vcs`, and those of
    /// the moments after are classed so.
    fn vcs_changed(&mut self, t: f64, out: &mut Vec<Emitted>) {
        self.disk.vcs_at = Some(t);
        let decision = disk::vcs_after_all();
        for id in self.disk.take_over_for_vcs(t) {
            out.push(Emitted::Amend(Amendment { id, decision }));
        }
    }

    /// An agent's own log says it wrote `rel_path` just now: the disk change of that file in
    /// the window around now is that agent's, by name (amended if it came first).
    pub fn agent_write(&mut self, t: f64, agent: Agent, rel_path: &str, out: &mut Vec<Emitted>) {
        let Some(uri) = self.disk_uri(rel_path) else {
            return;
        };
        let decision = disk::agent_logged(agent);
        for id in self.disk.confirm_agent(&uri, t) {
            out.push(Emitted::Amend(Amendment { id, decision }));
        }
        self.disk.note_agent(AgentNote { t, uri, agent });
    }

    /// Emits the event of a disk change of `rel_path`; returns its id.
    fn emit_disk(
        &mut self,
        out: &mut Vec<Emitted>,
        t: f64,
        rel_path: &str,
        span: Span,
        m: &Measure,
        d: Decision,
    ) -> u64 {
        let id = self.take_id();
        super::emit(
            out,
            EditEvent {
                id,
                t,
                source: Source::Disk,
                subject: Arc::from(rel_path),
                version: 0,
                change: 0,
                span,
                inserted: m.inserted as u32,
                deleted: m.deleted as u32,
                hash: m.hash,
                class: d.class,
                confidence: d.confidence,
                evidence: d.evidence,
                counted: true,
            },
        );
        id
    }

    /// The URI of a workspace-relative path (`None` without a root).
    fn disk_uri(&self, rel_path: &str) -> Option<Arc<str>> {
        let root = self.root.as_ref()?;
        let uri = uri::from_path(&format!("{}/{}", root.trim_end_matches('/'), rel_path));
        Some(
            self.buffers
                .mirror
                .key(&uri)
                .unwrap_or_else(|| Arc::from(uri)),
        )
    }
}
