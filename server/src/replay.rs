//! Replay: runs recorded traces (SPEC section 3) through the very session the live server
//! runs — started the same way, fed through the same `lsp::ingest` functions (which decode the
//! trace's JSON into the same LSP types; nothing here names one), handing off to the store the
//! same way — and reports each classified change (SPEC section 4). Deterministic: times come
//! from the trace, never the clock.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;
use tracing::warn;

use crate::classify::Class;
use crate::events::{EditEvent, Emitted, Source};
use crate::lsp::ingest::{self, Settled};
use crate::mirror::Encoding;
use crate::mirror::disk_lines;
use crate::pipeline::Reported;
use crate::session::Session;
use crate::store::Store;
use crate::trace::{Entry, Trace};

/// What the server answered to `initialize`, when the trace kept it.
#[derive(Debug, Default, PartialEq)]
pub struct Agreed {
    pub encoding: Option<Encoding>,
    /// `textDocumentSync` kind: 1 full, 2 incremental.
    pub sync_kind: Option<u64>,
}

/// Finds the server's answer to the trace's `initialize` request.
pub fn agreed(trace: &Trace) -> Agreed {
    let init_id = trace.entries.iter().find_map(|e| match e {
        Entry::Msg { msg, .. }
            if msg.get("method").and_then(Value::as_str) == Some("initialize") =>
        {
            msg.get("id").cloned()
        }
        _ => None,
    });
    let Some(init_id) = init_id else {
        return Agreed::default();
    };
    let caps = trace.entries.iter().find_map(|e| match e {
        Entry::Out { out, .. } if out.get("id") == Some(&init_id) => {
            out.pointer("/result/capabilities")
        }
        _ => None,
    });
    let Some(caps) = caps else {
        return Agreed::default();
    };
    let sync = caps.get("textDocumentSync");
    Agreed {
        encoding: caps
            .get("positionEncoding")
            .and_then(Value::as_str)
            .and_then(Encoding::parse),
        sync_kind: sync
            .and_then(Value::as_u64)
            .or_else(|| sync.and_then(|s| s.get("change")).and_then(Value::as_u64)),
    }
}

/// Replays one trace, recording its events in `store` and passing each (and each amendment)
/// to `sink`.
pub fn replay_trace(trace: &Trace, store: &Store, sink: &mut dyn FnMut(&Emitted)) {
    let agreed = agreed(trace);
    let full_sync = agreed.sync_kind == Some(1);
    let mut session: Option<Session> = None;
    for entry in &trace.entries {
        match entry {
            Entry::Msg { t, msg } => {
                let Some(method) = msg.get("method").and_then(Value::as_str) else {
                    continue;
                };
                let params = msg.get("params").unwrap_or(&Value::Null);
                if method == "initialize" {
                    session = Some(start(trace, &agreed, store, params));
                    continue;
                }
                if msg.get("id").is_some() {
                    continue; // a request: nothing the pipeline follows
                }
                match session.as_mut() {
                    Some(s) => ingest::notification(s, store, sink, *t, method, params, full_sync),
                    None => warn!(method, "replay: notification before initialize skipped"),
                }
            }
            Entry::Fs {
                t,
                path,
                text,
                before,
                in_git,
            } => match session.as_mut() {
                Some(s) => {
                    let reported = Reported {
                        rel_path: path,
                        text: text.as_deref(),
                        before: before.as_deref(),
                        in_git: *in_git,
                        keys: None,
                    };
                    s.run(store, sink, |p, out| p.disk_report(*t, reported, out));
                }
                None => warn!(path, "replay: disk change before initialize skipped"),
            },
            Entry::Exists { path, text, .. } => match session.as_mut() {
                Some(s) if disk_lines::is_text(text) => {
                    let keys = disk_lines::line_keys(text);
                    s.run(store, sink, |p, _| p.disk_exists(path, &keys));
                }
                Some(_) => {}
                None => warn!(path, "replay: a file on disk before initialize skipped"),
            },
            Entry::Agent { t, name, path } => {
                match (session.as_mut(), crate::classify::Agent::parse(name)) {
                    (Some(s), Some(agent)) => {
                        s.run(store, sink, |p, out| p.agent_write(*t, agent, path, out));
                    }
                    (None, _) => warn!(path, "replay: agent log line before initialize skipped"),
                    (_, None) => warn!(name, "replay: an agent this mindgap does not know"),
                }
            }
            Entry::Out { .. } => {}
        }
    }
}

/// Starts the session a trace's `initialize` begins, in the encoding the server agreed.
fn start(trace: &Trace, agreed: &Agreed, store: &Store, params: &Value) -> Session {
    let mut settled = Settled::from_json(params);
    if let Some(enc) = agreed.encoding {
        settled.encoding = enc;
    }
    settled.client_name = settled.client_name.or(trace.header.client_name.clone());
    settled.client_version = settled
        .client_version
        .or(trace.header.client_version.clone());
    Session::start(store, settled.start("replay", trace.header.start_ms()))
}

/// One line of `replay --json` (SPEC section 4).
#[derive(Serialize)]
#[serde(untagged)]
pub enum Line<'a> {
    Change {
        uri: &'a str,
        version: i32,
        change: u32,
        t: f64,
        class: &'static str,
        inserted: u32,
        deleted: u32,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        reopen: bool,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        undone: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        confidence: Option<f32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
    Disk {
        path: &'a str,
        t: f64,
        class: &'static str,
        inserted: u32,
        deleted: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        confidence: Option<f32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        evidence: Option<String>,
    },
}

impl<'a> Line<'a> {
    /// The line for `e` (`undone`: an undo took it back); with `explain`, its confidence and
    /// evidence too.
    pub fn of(e: &'a EditEvent, undone: bool, explain: bool) -> Line<'a> {
        let confidence = explain.then_some(e.confidence);
        let evidence = explain.then(|| e.evidence.to_string());
        match e.source {
            Source::Change | Source::Reopen => Line::Change {
                uri: &e.subject,
                version: e.version,
                change: e.change,
                t: e.t,
                class: e.class.as_str(),
                inserted: e.inserted,
                deleted: e.deleted,
                reopen: e.source == Source::Reopen,
                undone,
                confidence,
                evidence,
            },
            Source::Disk => Line::Disk {
                path: &e.subject,
                t: e.t,
                class: e.class.as_str(),
                inserted: e.inserted,
                deleted: e.deleted,
                confidence,
                evidence,
            },
        }
    }
}

/// The events of replayed traces, with later amendments applied, in input order.
#[derive(Default)]
pub struct Report {
    pub events: Vec<EditEvent>,
    /// Per event: an undo took its insertion back (and no redo brought it back).
    pub undone: Vec<bool>,
    /// Event id → index in `events`, for the trace being replayed (ids restart per trace).
    index: HashMap<u64, usize>,
}

impl Report {
    /// Starts a new trace: its ids are its own.
    pub fn begin_trace(&mut self) {
        self.index.clear();
    }

    pub fn add(&mut self, e: &Emitted) {
        match e {
            Emitted::Event(e) => {
                self.index.insert(e.id, self.events.len());
                self.events.push(e.clone());
                self.undone.push(false);
            }
            Emitted::Amend(a) => match self.index.get(&a.id) {
                Some(&i) => self.events[i].set_decision(a.decision),
                None => warn!(id = a.id, "replay: amendment of an unknown event"),
            },
            Emitted::Undone(u) => match self.index.get(&u.id) {
                Some(&i) => self.undone[i] = u.undone,
                None => warn!(id = u.id, "replay: undo of an unknown event"),
            },
        }
    }

    /// Each event with whether an undo took it back.
    pub fn iter(&self) -> impl Iterator<Item = (&EditEvent, bool)> {
        self.events.iter().zip(self.undone.iter().copied())
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for (e, undone) in self.iter() {
            s.add(e, undone);
        }
        s
    }
}

/// Inserted characters per class, each outside change counted once, while in effect; and
/// apart, what undos took back.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub by_class: BTreeMap<Class, u64>,
    /// Characters inserted, then taken back by an undo (tried and undone), per class.
    pub undone: BTreeMap<Class, u64>,
}

impl Summary {
    pub fn add(&mut self, e: &EditEvent, undone: bool) {
        if !e.counted {
            return;
        }
        let to = if undone {
            &mut self.undone
        } else {
            &mut self.by_class
        };
        *to.entry(e.class).or_default() += u64::from(e.inserted);
    }

    /// Typed plus outside-help characters.
    pub fn work(&self) -> u64 {
        self.by_class
            .iter()
            .filter(|(c, _)| **c == Class::Typed || c.is_outside_help())
            .map(|(_, n)| n)
            .sum()
    }

    pub fn outside(&self) -> u64 {
        self.by_class
            .iter()
            .filter(|(c, _)| c.is_outside_help())
            .map(|(_, n)| n)
            .sum()
    }

    /// Outside help ÷ work; `None` when there is no work.
    pub fn outside_share(&self) -> Option<f64> {
        let work = self.work();
        (work > 0).then(|| self.outside() as f64 / work as f64)
    }

    /// The summary line of `replay --json`.
    pub fn to_json(&self) -> Value {
        let by_class: serde_json::Map<String, Value> = self
            .by_class
            .iter()
            .map(|(c, n)| (c.as_str().to_string(), Value::from(*n)))
            .collect();
        let mut summary = serde_json::json!({
            "by_class": by_class,
            "work": self.work(),
            "outside_share": self.outside_share(),
        });
        if !self.undone.is_empty() {
            let undone: serde_json::Map<String, Value> = (self.undone.iter())
                .map(|(c, n)| (c.as_str().to_string(), Value::from(*n)))
                .collect();
            summary["undone"] = Value::from(undone);
        }
        serde_json::json!({ "summary": summary })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn ev(class: Class, inserted: u32, counted: bool) -> EditEvent {
        EditEvent {
            id: 0,
            t: 0.0,
            source: Source::Change,
            subject: Arc::from("u"),
            version: 1,
            change: 0,
            span: Default::default(),
            inserted,
            deleted: 0,
            hash: 0,
            class,
            confidence: 1.0,
            evidence: crate::classify::Evidence::Bulk,
            counted,
        }
    }

    #[test]
    fn summary_counts_outside_changes_once() {
        let mut s = Summary::default();
        for e in [
            ev(Class::Typed, 30, true),
            ev(Class::Paste, 10, true),
            ev(Class::Agent, 10, true),
            ev(Class::Agent, 10, false),
            ev(Class::Move, 50, true),
            ev(Class::Delete, 0, true),
        ] {
            s.add(&e, false);
        }
        assert_eq!(s.work(), 50);
        assert_eq!(s.outside_share(), Some(0.4));
        assert_eq!(
            s.to_json().to_string(),
            r#"{"summary":{"by_class":{"typed":30,"paste":10,"agent":10,"move":50,"delete":0},"work":50,"outside_share":0.4}}"#
        );
        assert_eq!(Summary::default().outside_share(), None);
        // A paste an undo took back counts apart, not as work.
        s.add(&ev(Class::Paste, 300, true), true);
        assert_eq!((s.work(), s.outside_share()), (50, Some(0.4)));
        assert!(
            s.to_json()
                .to_string()
                .ends_with(r#""undone":{"paste":300}}}"#)
        );
    }
}
