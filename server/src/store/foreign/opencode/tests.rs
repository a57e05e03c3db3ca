//! Reading a made-up OpenCode database ([`super::fixture`]): which calls are named, the cursor,
//! a bounded read of a big table, errors as sentences, and the files left byte for byte.

use std::path::Path;

use serde_json::json;

use super::fixture::{OpenCodeDb, Writer, text_part, tool_part};
use super::*;

const TOOLS: &[&str] = &["edit", "write", "multiedit", "patch", "apply_patch"];
/// When the reading began, in OpenCode's clock (Unix ms).
const START: i64 = 1_790_000_000_000;

/// A database with this workspace's project (`/w`) and session, and another project's.
fn workspace_db(dir: &Path) -> OpenCodeDb {
    let db = OpenCodeDb::create(&dir.join("opencode.db"));
    db.project("4b0e", Path::new("/w"));
    db.session("ses_w", "4b0e", Path::new("/w/sub"));
    db.project("9f1a", Path::new("/other"));
    db.session("ses_o", "9f1a", Path::new("/other"));
    db
}

fn read(db: &OpenCodeDb, after: &Cursor) -> Calls {
    opencode_calls(&db.path, &[Path::new("/w")], TOOLS, after).unwrap()
}

/// The calls' (part, file or patch) in order.
fn named(calls: &Calls) -> Vec<(String, String)> {
    calls
        .calls
        .iter()
        .map(|c| {
            let what = c.file_path.clone().or(c.patch_text.clone()).unwrap();
            (c.part.clone(), what)
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn completed_writes_of_the_workspace_are_named_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_db(dir.path());
    db.part("prt_0", "ses_w", START - 10, &text_part("before"));
    let start = read(&db, &Cursor::new(START));
    assert!(start.calls.is_empty() && !start.more);
    let patch = "*** Begin Patch\n*** Add File: p.ts\n+x\n*** End Patch";
    let at = START + 1_000;
    let write = |id: &str, session: &str, tool: &str, status: &str, input| {
        db.part(id, session, at, &tool_part(tool, status, input, at));
    };
    write(
        "prt_1",
        "ses_w",
        "edit",
        "completed",
        json!({"filePath": "/w/a.ts", "oldString": "x", "newString": "y"}),
    );
    write(
        "prt_2",
        "ses_w",
        "write",
        "completed",
        json!({"filePath": "b.ts", "content": "dropped"}),
    );
    write(
        "prt_3",
        "ses_w",
        "multiedit",
        "completed",
        json!({"filePath": "/w/c.ts", "edits": []}),
    );
    write(
        "prt_4",
        "ses_w",
        "apply_patch",
        "completed",
        json!({"patchText": patch}),
    );
    write(
        "prt_5",
        "ses_w",
        "patch",
        "completed",
        json!({"patchText": patch}),
    );
    // Reads, shell commands, calls under way or failed, other projects, text: nothing.
    write(
        "prt_6",
        "ses_w",
        "read",
        "completed",
        json!({"filePath": "/w/r.ts"}),
    );
    write(
        "prt_7",
        "ses_w",
        "bash",
        "completed",
        json!({"command": "touch /w/x", "description": "d"}),
    );
    write(
        "prt_8",
        "ses_w",
        "edit",
        "running",
        json!({"filePath": "/w/run.ts"}),
    );
    write("prt_9", "ses_w", "edit", "pending", json!({}));
    write(
        "prt_10",
        "ses_w",
        "write",
        "error",
        json!({"filePath": "/w/err.ts"}),
    );
    write(
        "prt_11",
        "ses_o",
        "write",
        "completed",
        json!({"filePath": "/other/o.ts"}),
    );
    db.part(
        "prt_12",
        "ses_w",
        at,
        &text_part("a \"tool\" that \"completed\""),
    );
    db.garbage_part("prt_13", "ses_w", at);
    // A call that ended before the reading began is old news, wherever its row is.
    db.part(
        "prt_14",
        "ses_w",
        at,
        &tool_part(
            "edit",
            "completed",
            json!({"filePath": "/w/old.ts"}),
            START - 1,
        ),
    );
    let got = read(&db, &start.next);
    assert_eq!(
        named(&got),
        pairs(&[
            ("prt_1", "/w/a.ts"),
            ("prt_2", "b.ts"),
            ("prt_3", "/w/c.ts"),
            ("prt_4", patch),
            ("prt_5", patch)
        ])
    );
    assert!(got.calls.iter().all(|c| c.directory == Path::new("/w/sub")));
    assert_eq!(got.calls[0].tool, "edit");
    assert!(!got.more);
    // A call that was under way completes: its row is updated in place, behind the cursor.
    write(
        "prt_8",
        "ses_w",
        "edit",
        "completed",
        json!({"filePath": "/w/run.ts"}),
    );
    let again = read(&db, &got.next);
    assert!(named(&again).contains(&("prt_8".into(), "/w/run.ts".into())));
}

#[test]
fn sessions_in_below_or_above_the_workspace_count_whatever_their_project() {
    let dir = tempfile::tempdir().unwrap();
    let db = OpenCodeDb::create(&dir.path().join("opencode.db"));
    // Outside git every session is the global project's, whose work tree is `/`.
    db.project("global", Path::new("/"));
    db.session("ses_in", "global", Path::new("/w/pkg"));
    db.session("ses_root", "global", Path::new("/w"));
    db.session("ses_above", "global", Path::new("/"));
    db.session("ses_near", "global", Path::new("/wx"));
    let start = read(&db, &Cursor::new(START));
    for (i, s) in ["ses_in", "ses_root", "ses_above", "ses_near"]
        .iter()
        .enumerate()
    {
        let input = json!({"filePath": format!("/w/{i}.ts")});
        db.part(
            &format!("prt_{i}"),
            s,
            START + 1,
            &tool_part("write", "completed", input, START + 1),
        );
    }
    let parts: Vec<String> = read(&db, &start.next)
        .calls
        .into_iter()
        .map(|c| c.part)
        .collect();
    assert_eq!(
        parts,
        ["prt_0", "prt_1", "prt_2"],
        "not a folder that only starts like it"
    );
}

#[test]
fn rows_long_behind_the_cursor_are_not_read_again_and_a_big_table_is_read_in_steps() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_db(dir.path());
    let start = read(&db, &Cursor::new(START));
    assert_eq!(start.next, Cursor::new(START), "no parts yet: not placed");
    let edit = |file: &str| tool_part("edit", "completed", json!({"filePath": file}), START + 5);
    db.part("prt_a", "ses_w", START + 5, &edit("/w/a.ts"));
    for i in 0..REREAD + SPAN + 10 {
        db.part(&format!("prt_t{i}"), "ses_w", START + 5, &text_part("t"));
    }
    db.part("prt_b", "ses_w", START + 5, &edit("/w/b.ts"));
    // The first read places the cursor at the end: only the last rows are looked at again.
    let first = read(&db, &Cursor::new(START));
    assert_eq!(named(&first), pairs(&[("prt_b", "/w/b.ts")]));
    assert!(!first.more);
    // From the start, the table is read in steps of SPAN rows.
    let mut cursor = Cursor {
        row: Some(0),
        since_ms: START,
    };
    let mut steps = 0;
    let mut seen = Vec::new();
    loop {
        let got = read(&db, &cursor);
        seen.extend(got.calls.into_iter().map(|c| c.part));
        cursor = got.next;
        steps += 1;
        if !got.more {
            break;
        }
    }
    assert_eq!(steps, 2);
    assert_eq!(seen, ["prt_a", "prt_b"]);
    // Rows deleted at the end (a revert): their rowids are taken by the next rows, still read.
    db.delete_part("prt_b");
    db.part("prt_c", "ses_w", START + 9, &edit("/w/c.ts"));
    assert_eq!(named(&read(&db, &cursor)), pairs(&[("prt_c", "/w/c.ts")]));
}

#[test]
fn the_read_is_a_rowid_range_of_part_not_a_scan() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_db(dir.path());
    let conn = connect(&db.path).unwrap();
    let plan: Vec<String> = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {PARTS}"))
        .unwrap()
        .query_map(params![0, 10, 0, "[\"/w\"]"], |r| r.get::<_, String>(3))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let part = plan
        .iter()
        .find(|l| l.contains(" p "))
        .expect("part is read");
    assert!(
        part.starts_with("SEARCH p USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
        "{plan:#?}"
    );
    assert!(!plan.iter().any(|l| l.starts_with("SCAN p")), "{plan:#?}");
}

#[test]
fn a_missing_file_table_or_a_garbage_file_is_nothing_or_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("opencode.db");
    let got = opencode_calls(&missing, &[Path::new("/w")], TOOLS, &Cursor::new(START)).unwrap();
    assert!(got.calls.is_empty() && got.next == Cursor::new(START));
    assert!(!missing.exists(), "never created");
    let db = workspace_db(dir.path());
    db.run("DROP TABLE part");
    let e = opencode_calls(&db.path, &[Path::new("/w")], TOOLS, &Cursor::new(START)).unwrap_err();
    assert!(
        e.contains("its tables are not the ones read here") && e.contains("part"),
        "{e}"
    );
    let other = dir.path().join("x");
    std::fs::create_dir(&other).unwrap();
    let db = workspace_db(&other);
    db.run("ALTER TABLE session DROP COLUMN directory");
    db.part("prt_1", "ses_w", START, &text_part("t"));
    let e = opencode_calls(&db.path, &[Path::new("/w")], TOOLS, &Cursor::new(START)).unwrap_err();
    assert!(e.contains("directory"), "{e}");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"not a database at all, but long enough to have a header....",
    )
    .unwrap();
    let e = opencode_calls(&garbage, &[Path::new("/w")], TOOLS, &Cursor::new(START)).unwrap_err();
    assert!(e.contains("not a SQLite database"), "{e}");
}

#[test]
fn a_database_locked_whole_by_its_writer_is_a_sentence_soon() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_db(dir.path());
    db.run("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; DELETE FROM part;");
    let began = std::time::Instant::now();
    let e = opencode_calls(&db.path, &[Path::new("/w")], TOOLS, &Cursor::new(START)).unwrap_err();
    assert!(e.contains("locked"), "{e}");
    assert!(began.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn the_files_are_left_byte_for_byte_and_none_is_added() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = || {
        let mut files: Vec<(String, usize, u64)> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, bytes.len(), xxhash_rust::xxh3::xxh3_64(&bytes))
            })
            .collect();
        files.sort();
        files
    };
    let path = dir.path().join("opencode.db");
    let read = |after: &Cursor| opencode_calls(&path, &[Path::new("/w")], TOOLS, after).unwrap();
    // OpenCode running, in its own process: the database, its -wal and its -shm.
    let mut opencode = Writer::start(&path);
    opencode.send(json!(["project", "4b0e", "/w"]));
    opencode.send(json!(["session", "ses_w", "4b0e", "/w"]));
    let input = json!({"filePath": "/w/a.ts"});
    let running = tool_part("edit", "running", input.clone(), START);
    opencode.send(json!(["part", "prt_1", "ses_w", START, running]));
    let before = snapshot();
    assert_eq!(before.len(), 3, "{before:?}");
    let first = read(&Cursor::new(START - 1));
    assert_eq!(
        snapshot(),
        before,
        "a read while OpenCode runs changes no byte"
    );
    let completed = tool_part("edit", "completed", input, START + 1);
    opencode.send(json!(["part", "prt_1", "ses_w", START + 1, completed]));
    let during = snapshot();
    assert_eq!(named(&read(&first.next)), pairs(&[("prt_1", "/w/a.ts")]));
    assert_eq!(snapshot(), during);
    // OpenCode closed: the database alone, read as it is (no -wal or -shm appears).
    opencode.send(json!(["close"]));
    let alone = snapshot();
    assert_eq!(alone.len(), 1, "{alone:?}");
    assert_eq!(
        named(&read(&Cursor::new(START))),
        pairs(&[("prt_1", "/w/a.ts")])
    );
    assert_eq!(
        snapshot(),
        alone,
        "a read of a closed database changes and adds nothing"
    );
}

/// `cargo test -p mindgap --release --lib measure_reads_of_a_big_database -- --ignored --nocapture`
#[test]
#[ignore = "a measurement: a million parts"]
fn measure_reads_of_a_big_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_db(dir.path());
    let made = std::time::Instant::now();
    db.run(
        "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
         WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000)
         SELECT 'prt_' || x, 'msg_ses_w', 'ses_w', x, x,
                '{\"type\":\"text\",\"text\":\"' || hex(randomblob(100)) || '\"}' FROM n",
    );
    let edit = tool_part(
        "edit",
        "completed",
        json!({"filePath": "/w/a.ts"}),
        START + 1,
    );
    db.part("prt_edit", "ses_w", START + 1, &edit);
    let size = std::fs::metadata(&db.path).unwrap().len()
        + std::fs::metadata(dir.path().join("opencode.db-wal")).map_or(0, |m| m.len());
    println!(
        "made 1,000,001 parts ({} MiB) in {:?}",
        size >> 20,
        made.elapsed()
    );
    let time = |what: &str, after: &Cursor| {
        let began = std::time::Instant::now();
        let got = read(&db, after);
        println!(
            "{what}: {:?}, {} calls, more: {}",
            began.elapsed(),
            got.calls.len(),
            got.more
        );
        got
    };
    let first = time("first read (finds the end)", &Cursor::new(START));
    time("a read with nothing new", &first.next);
    time(
        "a step from the start",
        &Cursor {
            row: Some(0),
            since_ms: 0,
        },
    );
}
