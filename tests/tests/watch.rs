//! Watching the workspace with a real watcher: an outside write is an agent's, a `git checkout`
//! is version control's, and the editor's own save is nothing.

mod common;

use std::thread::sleep;
use std::time::Duration;

use common::edits;
use mindgap_e2e::{Server, Workspace};
use serde_json::{Value, json};

#[test]
fn outside_writes_checkouts_and_saves_each_attributed() {
    let w = Workspace::new();
    let git = |args: &[&str]| mindgap_e2e::git(&w.root, args);
    git(&["init", "-q", "-b", "main"]);
    std::fs::write(w.root.join("c.py"), "version = 1\n").unwrap();
    git(&["add", "c.py"]);
    git(&["commit", "-qm", "one"]);
    git(&["checkout", "-qb", "feature"]);
    std::fs::write(w.root.join("c.py"), "version = 2\nextra = True\n").unwrap();
    git(&["commit", "-qam", "two"]);
    git(&["checkout", "-q", "main"]);

    let mut s = Server::start_in(&w.home, &w.root, json!({}), Value::Null);
    sleep(Duration::from_millis(500)); // the watcher starts after `initialized`
    let a = w.root.join("a.py");
    std::fs::write(&a, "x = 1\n").unwrap();
    let a_uri = format!("file://{}", a.display());
    s.open(&a_uri, 1, "x = 1\n");
    sleep(Duration::from_millis(600));

    // An agent writes a new file.
    std::fs::write(w.root.join("b.py"), "def helper():\n    return 42\n").unwrap();
    // (Disk changes of the 2 s before a checkout count as the checkout's.)
    sleep(Duration::from_millis(2500));
    // Version control changes one.
    git(&["checkout", "-q", "feature"]);
    sleep(Duration::from_millis(3200));
    // The editor saves what the person typed.
    s.insert(&a_uri, 2, 1, 0, "y");
    std::fs::write(&a, "x = 1\ny").unwrap();
    s.save(&a_uri);
    sleep(Duration::from_millis(800));
    assert_eq!(s.shutdown_and_exit().code(), Some(0));

    let disk: Vec<(String, String)> = edits(&s.db_path())
        .into_iter()
        .filter(|e| e.source == "disk")
        .map(|e| (e.subject, e.class))
        .collect();
    assert!(disk.contains(&("b.py".into(), "agent".into())), "{disk:?}");
    assert!(disk.contains(&("c.py".into(), "vcs".into())), "{disk:?}");
    assert!(
        !disk.iter().any(|(p, c)| p == "c.py" && c == "agent"),
        "{disk:?}"
    );
    assert!(
        !disk.iter().any(|(p, _)| p == "a.py"),
        "the editor's save is not a disk change: {disk:?}"
    );
}
