//! Replay: runs recorded traces (SPEC section 3) through the very session the live server
//! runs — started the same way, fed through the same `lsp::ingest` functions (which decode the
//! trace's JSON into the same LSP types; nothing here names one), handing off to the store the
//! same way — and reports each classified change (SPEC section 4). Deterministic: times come
//! from the trace, never the clock.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;
use serde_json::Value;
use tracing::{debug, warn};

use crate::classify::Class;
use crate::events::{EditEvent, Emitted, Source};
use crate::lsp::ingest::{self, Settled};
use crate::mirror::Encoding;
use crate::mirror::disk_lines;
use crate::pipeline::Reported;
use crate::session::Session;
use crate::store::Store;
use crate::trace::{Entry, Header, Trace};

/// What the server answered to `initialize`, when the trace kept it.
#[derive(Debug, Default, PartialEq)]
pub struct Agreed {
    pub encoding: Option<Encoding>,
    /// `textDocumentSync` kind: 1 full, 2 incremental.
    pub sync_kind: Option<u64>,
}

impl Agreed {
    /// What the server's answer to `initialize` says (its `result`'s capabilities).
    fn from_answer(answer: &Value) -> Agreed {
        let Some(caps) = answer.pointer("/result/capabilities") else {
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
}

/// Replays one trace, recording its events in `store` and passing each (and each amendment)
/// to `sink`.
pub fn replay_trace(trace: &Trace, store: &Store, sink: &mut dyn FnMut(&Emitted)) {
    let mut r = Replayer::new(trace.header.clone());
    for entry in &trace.entries {
        r.feed(entry, store, sink);
    }
    r.finish(store);
}

/// Replays a trace entry by entry, as it is read: memory does not grow with the trace.
pub struct Replayer {
    header: Header,
    session: Option<Session>,
    /// The `initialize` request (its id and params), until the server's answer to it — which
    /// says the encoding agreed — or anything else arrives.
    init: Option<(Value, Value)>,
    full_sync: bool,
}

impl Replayer {
    pub fn new(header: Header) -> Replayer {
        Replayer {
            header,
            session: None,
            init: None,
            full_sync: false,
        }
    }

    /// Feeds one entry.
    pub fn feed(&mut self, entry: &Entry, store: &Store, sink: &mut dyn FnMut(&Emitted)) {
        if let Some((id, _)) = &self.init {
            match entry {
                Entry::Out { out, .. } if out.get("id") == Some(id) => {
                    self.start(&Agreed::from_answer(out), store);
                    return;
                }
                _ => self.start(&Agreed::default(), store),
            }
        }
        match entry {
            Entry::Msg { t, msg } => self.message(*t, msg, store, sink),
            Entry::Fs {
                t,
                path,
                text,
                before,
                in_git,
            } => match self.session.as_mut() {
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
            Entry::Exists { path, text, .. } => match self.session.as_mut() {
                Some(s) if disk_lines::is_text(text) => {
                    let keys = disk_lines::line_keys(text);
                    s.run(store, sink, |p, _| p.disk_exists(path, &keys));
                }
                Some(_) => {}
                None => warn!(path, "replay: a file on disk before initialize skipped"),
            },
            Entry::Agent { t, name, path } => {
                match (self.session.as_mut(), crate::classify::Agent::parse(name)) {
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

    /// The trace ended (an `initialize` with nothing after it still starts its session).
    pub fn finish(&mut self, store: &Store) {
        if self.init.is_some() {
            self.start(&Agreed::default(), store);
        }
    }

    fn message(&mut self, t: f64, msg: &Value, store: &Store, sink: &mut dyn FnMut(&Emitted)) {
        let Some(method) = msg.get("method").and_then(Value::as_str) else {
            return;
        };
        let params = msg.get("params").unwrap_or(&Value::Null);
        if method == "initialize" {
            let id = msg.get("id").cloned().unwrap_or(Value::Null);
            self.init = Some((id, params.clone()));
            return;
        }
        if msg.get("id").is_some() {
            return; // a request: nothing the pipeline follows
        }
        match self.session.as_mut() {
            Some(s) => ingest::notification(s, store, sink, t, method, params, self.full_sync),
            None => warn!(method, "replay: notification before initialize skipped"),
        }
    }

    /// Starts the session the `initialize` waiting in `init` begins, in the encoding the server
    /// agreed.
    fn start(&mut self, agreed: &Agreed, store: &Store) {
        let Some((_, params)) = self.init.take() else {
            return;
        };
        let mut settled = Settled::from_json(&params);
        if let Some(enc) = agreed.encoding {
            settled.encoding = enc;
        }
        settled.client_name = settled.client_name.or(self.header.client_name.clone());
        settled.client_version = settled
            .client_version
            .or(self.header.client_version.clone());
        self.full_sync = agreed.sync_kind == Some(1);
        let started = settled.start("replay", self.header.start_ms());
        self.session = Some(Session::start(store, started));
    }
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

/// The events of replayed traces, with later amendments applied, in input order. The oldest can
/// be taken out as the replay goes ([`Report::settled`]), so that its memory stays bounded: an
/// amendment or an undo reaches back seconds, not a whole trace.
#[derive(Default)]
pub struct Report {
    events: VecDeque<(EditEvent, bool)>,
    /// The sequence number of the first event still held.
    first: u64,
    /// Event id → sequence number, for the trace being replayed (ids restart per trace).
    index: HashMap<u64, u64>,
    /// What the events taken out already added up to.
    taken: Summary,
    /// Amendments and undos that came for an event no longer held.
    pub late: u64,
}

impl Report {
    /// Starts a new trace: its ids are its own.
    pub fn begin_trace(&mut self) {
        self.index.clear();
    }

    pub fn add(&mut self, e: &Emitted) {
        match e {
            Emitted::Event(e) => {
                self.index
                    .insert(e.id, self.first + self.events.len() as u64);
                self.events.push_back((e.clone(), false));
            }
            Emitted::Amend(a) => match self.held(a.id) {
                Some(slot) => slot.0.set_decision(a.decision),
                None => self.unknown(a.id, "amendment"),
            },
            Emitted::Undone(u) => match self.held(u.id) {
                Some(slot) => slot.1 = u.undone,
                None => self.unknown(u.id, "undo"),
            },
        }
    }

    /// The event with id `id`, if still held.
    fn held(&mut self, id: u64) -> Option<&mut (EditEvent, bool)> {
        let seq = *self.index.get(&id)?;
        let i = seq.checked_sub(self.first)? as usize;
        self.events.get_mut(i)
    }

    /// An amendment or undo of an event no longer held (taken out already, or never seen).
    fn unknown(&mut self, id: u64, what: &str) {
        self.late += 1;
        debug!(id, "replay: {what} of an event no longer held");
    }

    /// Takes out the oldest events, keeping the newest `keep`: each with whether an undo took it
    /// back, settled for good.
    pub fn settled(&mut self, keep: usize) -> Vec<(EditEvent, bool)> {
        let n = self.events.len().saturating_sub(keep);
        let out: Vec<(EditEvent, bool)> = self.events.drain(..n).collect();
        for (seq, (e, undone)) in (self.first..).zip(&out) {
            self.taken.add(e, *undone);
            // (Ids restart with each trace: only this very event's entry goes.)
            if self.index.get(&e.id) == Some(&seq) {
                self.index.remove(&e.id);
            }
        }
        self.first += n as u64;
        out
    }

    /// Each event still held with whether an undo took it back.
    pub fn iter(&self) -> impl Iterator<Item = (&EditEvent, bool)> {
        self.events.iter().map(|(e, u)| (e, *u))
    }

    /// Every event's characters, those taken out included.
    pub fn summary(&self) -> Summary {
        let mut s = self.taken.clone();
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

    #[test]
    fn agent_lines_of_every_agent_name_their_writes() {
        let mut text = String::from("{\"mindgap_trace\": 1}\n");
        text += r#"{"t": 1, "msg": {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"rootUri": "file:///ws", "capabilities": {}}}}"#;
        text += "\n{\"t\": 2, \"msg\": {\"jsonrpc\": \"2.0\", \"method\": \"initialized\", \"params\": {}}}\n";
        for (i, agent) in crate::classify::Agent::ALL.iter().enumerate() {
            let t = 1_000 * (i + 1);
            let line = serde_json::json!({"t": t, "agent": {"name": agent.as_str(), "path": format!("f{i}.py")}});
            let fs = serde_json::json!({"t": t + 100, "fs": {"op": "write", "path": format!("f{i}.py"), "text": format!("x = {i}\n")}});
            text += &format!("{line}\n{fs}\n");
        }
        text += r#"{"t": 9000, "agent": {"name": "cursor", "path": "g.py"}}"#;
        let trace = crate::trace::parse(&text).unwrap();
        let home = tempfile::tempdir().unwrap();
        let store = Store::open(home.path());
        let mut evidence = Vec::new();
        replay_trace(&trace, &store, &mut |e| {
            if let Emitted::Event(e) = e {
                evidence.push(e.evidence.to_string());
            }
        });
        let names: Vec<&str> = crate::classify::Agent::ALL
            .iter()
            .map(|a| a.display())
            .collect();
        assert_eq!(evidence.len(), names.len(), "{evidence:?}");
        for (said, name) in evidence.iter().zip(names) {
            assert!(said.contains(name), "{said} / {name}");
        }
    }

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

    fn event(id: u64, class: Class) -> Emitted {
        Emitted::Event(EditEvent {
            id,
            ..ev(class, 3, true)
        })
    }

    #[test]
    fn a_report_holds_only_the_newest_events_and_still_sums_them_all() {
        let mut r = Report::default();
        for id in 1..=10 {
            r.add(&event(id, Class::Paste));
        }
        let out = r.settled(4);
        assert_eq!(out.len(), 6);
        assert_eq!(r.iter().count(), 4);
        // A held event can still be amended; one taken out no longer can.
        let typed =
            crate::classify::Decision::new(Class::Typed, 0.9, crate::classify::Evidence::OneChar);
        r.add(&Emitted::Amend(crate::classify::Amendment {
            id: 10,
            decision: typed,
        }));
        r.add(&Emitted::Amend(crate::classify::Amendment {
            id: 1,
            decision: typed,
        }));
        assert_eq!(r.late, 1);
        let s = r.summary();
        assert_eq!(s.by_class.get(&Class::Paste), Some(&27));
        assert_eq!(s.by_class.get(&Class::Typed), Some(&3));
    }
}
