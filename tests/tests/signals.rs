//! What survives the end of a session (`docs/ARCHITECTURE.md`, `lsp/`'s invariant "a signal
//! flushes"): SIGTERM, SIGINT and SIGHUP write every event and save the open documents'
//! provenance before the process exits with 0; a kill -9 after the periodic save keeps the
//! provenance of a document never saved; every clean ending checkpoints, so `mindgap.db` alone
//! holds everything. The real binary, restarted in-process on the same home.

mod common;

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use common::{edits_of, open_store};
use mindgap::lsp::lifecycle::PROVENANCE_EVERY;
use mindgap::store::FLUSH_EVERY;
use mindgap_e2e::{EXIT_TIMEOUT, Server, Workspace};
use serde_json::{Value, json};

const BLOCK: &str = "def area(r):\n    return 3.14 * r * r\n\n\ndef perimeter(r):\n    return 6.28 * r\n\n\ndef diameter(r):\n    return 2 * r\n";
/// Changes in the burst that follows the paste.
const BURST: usize = 1000;

fn caps() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}})
}

/// Opens `uri`, pastes [`BLOCK`] on line 1 (never saved), types `burst` characters below it one
/// change at a time, and waits until the server has applied all of it (a request is answered
/// after every notification before it): the pasted block's code actions are offered. Returns
/// the text the document then holds.
fn paste_and_type(s: &mut Server, uri: &str, burst: usize) -> String {
    s.open(uri, 1, "\n\n");
    s.insert(uri, 2, 1, 0, BLOCK);
    for i in 0..burst {
        s.insert(uri, 3 + i as i32, 12, i as u32, "x");
    }
    let titles = s.code_action_titles(uri, 3, Duration::ZERO);
    assert!(
        titles.iter().any(|t| t.starts_with("Explain this block")),
        "{titles:?}"
    );
    format!("\n{BLOCK}\n{}", "x".repeat(burst))
}

fn send_signal(s: &Server, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(s.pid().to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} failed");
}

/// Copies `mindgap.db` alone (no `-wal`, no `-shm`) into a fresh folder: what a backup of the one
/// file holds.
fn copy_of_db_alone(home: &Path, into: &Path) -> std::path::PathBuf {
    let copy = into.join("mindgap.db");
    std::fs::copy(home.join("mindgap.db"), &copy).expect("copy mindgap.db");
    copy
}

/// After a restart the same text, reopened, has its pasted block's code actions again.
fn provenance_survived(w: &Workspace, uri: &str, text: &str) {
    let mut s = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    s.open(uri, 1, text);
    let titles = s.code_action_titles(uri, 3, Duration::from_secs(5));
    assert!(
        titles.iter().any(|t| t.starts_with("Explain this block")),
        "the pasted block's provenance was lost: {titles:?}"
    );
    assert_eq!(s.shutdown_and_exit(), Some(0));
}

/// The signal `name` after a burst: exit 0, every event in the store — in `mindgap.db` alone —
/// and the unsaved document's provenance restored after a restart.
fn a_signal_keeps_everything(name: &str) {
    let w = Workspace::new();
    let uri = format!("file://{}/geo.py", w.root.display());
    let mut s = Server::start_in(&w.home, &w.root, caps(), Value::Null);
    let text = paste_and_type(&mut s, &uri, BURST);
    send_signal(&s, name);
    let code = s.wait(EXIT_TIMEOUT);
    let stderr = s.stderr();
    assert_eq!(code, Some(0), "{stderr}");
    let line = format!("{name}: every event written, the provenance of 1 open document(s) saved");
    assert!(stderr.contains(&line), "{stderr}");
    let backup = tempfile::tempdir().unwrap();
    let db = copy_of_db_alone(&w.home, backup.path());
    assert_eq!(edits_of(&db, &uri).len(), 1 + BURST, "{stderr}");
    let wal = w.home.join("mindgap.db-wal");
    assert!(
        !wal.exists() || wal.metadata().unwrap().len() == 0,
        "the -wal file still holds pages"
    );
    provenance_survived(&w, &uri, &text);
}

#[test]
fn sigterm_writes_every_event_and_saves_provenance() {
    a_signal_keeps_everything("TERM");
}

#[test]
fn sigint_writes_every_event_and_saves_provenance() {
    a_signal_keeps_everything("INT");
}

#[test]
fn sighup_writes_every_event_and_saves_provenance() {
    a_signal_keeps_everything("HUP");
}

/// A second signal while the first one's work runs ends the process at once (0 when the work
/// was already done, else 128 + its number) and leaves the store whole.
#[test]
fn a_second_signal_exits_soon_and_leaves_the_store_whole() {
    let w = Workspace::new();
    let uri = format!("file://{}/geo.py", w.root.display());
    let mut s = Server::start_in(&w.home, &w.root, caps(), Value::Null);
    let text = paste_and_type(&mut s, &uri, BURST);
    // Two different signals: the same one twice in a row may be delivered as one.
    send_signal(&s, "TERM");
    send_signal(&s, "INT");
    let code = s.wait(EXIT_TIMEOUT);
    assert!(matches!(code, Some(0 | 130)), "{code:?}: {}", s.stderr());
    let conn = open_store(&w.home.join("mindgap.db"));
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    if code == Some(0) {
        assert_eq!(edits_of(&w.home.join("mindgap.db"), &uri).len(), 1 + BURST);
    }
    // A server starts on it as ever.
    let mut again = Server::in_process(&w.home, &w.root, caps(), Value::Null);
    again.open(&uri, 1, &text);
    assert_eq!(again.shutdown_and_exit(), Some(0));
}

/// kill -9 gives no chance to save anything: the provenance of a document never saved survives
/// because it is saved every [`PROVENANCE_EVERY`] (and written within [`FLUSH_EVERY`]).
#[test]
fn a_kill_after_the_periodic_save_keeps_the_provenance_of_an_unsaved_document() {
    let w = Workspace::new();
    let uri = format!("file://{}/geo.py", w.root.display());
    let mut s = Server::start_in(&w.home, &w.root, caps(), Value::Null);
    assert!(
        PROVENANCE_EVERY <= Duration::from_secs(2),
        "README and ARCHITECTURE promise a kill -9 loses at most 2.5 s of provenance"
    );
    let text = paste_and_type(&mut s, &uri, 3);
    sleep(PROVENANCE_EVERY + FLUSH_EVERY + Duration::from_millis(700));
    s.kill();
    assert_eq!(edits_of(&w.home.join("mindgap.db"), &uri).len(), 1 + 3);
    provenance_survived(&w, &uri, &text);
}

/// After `shutdown` and `exit` the database file alone holds every edit: the store was
/// checkpointed.
#[test]
fn after_a_clean_shutdown_mindgap_db_alone_holds_every_edit() {
    let w = Workspace::new();
    let uri = format!("file://{}/notes.txt", w.root.display());
    let mut s = Server::start_in(&w.home, &w.root, caps(), Value::Null);
    s.open(&uri, 1, "");
    for i in 0..50u32 {
        s.insert(&uri, 2 + i as i32, 0, i, "y");
    }
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let backup = tempfile::tempdir().unwrap();
    let db = copy_of_db_alone(&w.home, backup.path());
    assert_eq!(edits_of(&db, &uri).len(), 50);
}
