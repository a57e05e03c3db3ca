//! The current-task rule on its own, and the implied task from a work tree's `.git/HEAD`.

use super::*;

fn task(id: i64, name: &str, implied: Option<ImpliedKind>, state: TaskState) -> Task {
    Task {
        id,
        root: "/ws".into(),
        name: name.into(),
        implied,
        manual: false,
        estimate_lines: None,
        state,
        started_ms: id,
        finished_ms: (state == TaskState::Finished).then_some(id),
    }
}

fn branch(name: &str) -> Implied {
    Implied {
        name: name.into(),
        kind: ImpliedKind::Branch,
    }
}

#[test]
fn an_explicit_active_task_wins_else_the_implied_one() {
    use ImpliedKind::{Branch, Daily};
    use TaskState::{Active, Finished, Paused};
    let open = vec![
        task(1, "feature-a", Some(Branch), Paused),
        task(2, "2026-11-30", Some(Daily), Active),
        task(3, "parser", None, Paused),
    ];
    // No explicit task is active: the branch's task, paused or not.
    assert_eq!(
        current(&open, &branch("feature-a")),
        Current::Implied(&open[0])
    );
    // A branch with no task yet: edits will create it; a readout shows the active one.
    assert_eq!(current(&open, &branch("feature-b")), Current::NotYet);
    assert_eq!(shown(&open, &branch("feature-b"), None), Some(&open[1]));
    // A daily task of the same name is not the branch's.
    let day = Implied {
        name: "feature-a".into(),
        kind: Daily,
    };
    assert_eq!(current(&open, &day), Current::NotYet);

    let mut open = open;
    open.push(task(4, "parser", None, Active));
    assert_eq!(
        current(&open, &branch("feature-a")),
        Current::Explicit(&open[3])
    );
    // Nothing open at all: the readout falls back to the last finished task.
    let done = task(5, "lexer", None, Finished);
    assert_eq!(shown(&[], &branch("x"), Some(&done)), Some(&done));
    assert_eq!(shown(&[], &branch("x"), None), None);
}

#[test]
fn states_and_kinds_read_back() {
    for s in [TaskState::Active, TaskState::Paused, TaskState::Finished] {
        assert_eq!(TaskState::parse(s.as_str()), Some(s));
    }
    assert_eq!(TaskState::parse("done"), None);
    assert_eq!(format!("{:<9}|", TaskState::Active), "active   |");
    for k in [ImpliedKind::Branch, ImpliedKind::Daily] {
        assert_eq!(ImpliedKind::parse(k.as_str()), Some(k));
    }
}

#[test]
fn the_implied_task_follows_the_checked_out_branch() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let noon = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_local_timezone(Local)
        .unwrap()
        .timestamp_millis();
    let daily = Implied {
        name: "2026-11-25".into(),
        kind: ImpliedKind::Daily,
    };
    assert_eq!(implied(root, noon), daily);
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    assert_eq!(implied(root, noon), daily);
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/feature/parser\n").unwrap();
    assert_eq!(implied(root, noon), branch("feature/parser"));
}

#[test]
fn task_names_are_one_line_of_text_and_never_blank() {
    use super::{NAME_MAX_CHARS, one_line, task_name};
    assert!(task_name("").is_err());
    assert!(task_name("  \t \n ").is_err());
    assert!(task_name("\u{1b}").is_err());
    assert_eq!(task_name("  parser  ").unwrap(), "parser");
    assert_eq!(
        task_name("evil\u{1b}[31mred\nline").unwrap(),
        "evil [31mred line"
    );
    assert_eq!(task_name("a\u{202E}b").unwrap(), "a b");
    assert!(task_name(&"x".repeat(NAME_MAX_CHARS)).is_ok());
    assert!(task_name(&"x".repeat(NAME_MAX_CHARS + 1)).is_err());
    assert_eq!(one_line("a\r\n\u{7}b\u{9b}c"), "a b c");
}
