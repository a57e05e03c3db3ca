//! A made-up OpenCode database for tests, in the shape OpenCode 1.2 and later write it: the
//! tables, columns and indexes of `project/project.sql.ts` and `session/session.sql.ts` as
//! drizzle creates them, WAL mode and a connection held open as OpenCode holds one, and parts
//! written as OpenCode writes them (inserted when a call begins, updated in place with a new
//! `time_updated` as it runs and completes). Paths are made up; there are no real prompts.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use serde_json::{Value, json};

const SCHEMA: &str = "
CREATE TABLE `project` (
  `id` text PRIMARY KEY, `worktree` text NOT NULL, `vcs` text, `name` text, `icon_url` text,
  `icon_color` text, `time_created` integer NOT NULL, `time_updated` integer NOT NULL,
  `time_initialized` integer, `sandboxes` text NOT NULL, `commands` text
);
CREATE TABLE `session` (
  `id` text PRIMARY KEY, `project_id` text NOT NULL, `workspace_id` text, `parent_id` text,
  `slug` text NOT NULL, `directory` text NOT NULL, `path` text, `title` text NOT NULL,
  `version` text NOT NULL, `share_url` text, `summary_additions` integer,
  `summary_deletions` integer, `summary_files` integer, `summary_diffs` text,
  `cost` real DEFAULT 0 NOT NULL, `tokens_input` integer DEFAULT 0 NOT NULL,
  `tokens_output` integer DEFAULT 0 NOT NULL, `tokens_reasoning` integer DEFAULT 0 NOT NULL,
  `tokens_cache_read` integer DEFAULT 0 NOT NULL, `tokens_cache_write` integer DEFAULT 0 NOT NULL,
  `revert` text, `permission` text, `agent` text, `model` text,
  `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `time_compacting` integer,
  `time_archived` integer,
  CONSTRAINT `fk_session_project_id_project_id_fk` FOREIGN KEY (`project_id`) REFERENCES `project`(`id`) ON DELETE CASCADE
);
CREATE TABLE `message` (
  `id` text PRIMARY KEY, `session_id` text NOT NULL, `time_created` integer NOT NULL,
  `time_updated` integer NOT NULL, `data` text NOT NULL,
  CONSTRAINT `fk_message_session_id_session_id_fk` FOREIGN KEY (`session_id`) REFERENCES `session`(`id`) ON DELETE CASCADE
);
CREATE TABLE `part` (
  `id` text PRIMARY KEY, `message_id` text NOT NULL, `session_id` text NOT NULL,
  `time_created` integer NOT NULL, `time_updated` integer NOT NULL, `data` text NOT NULL,
  CONSTRAINT `fk_part_message_id_message_id_fk` FOREIGN KEY (`message_id`) REFERENCES `message`(`id`) ON DELETE CASCADE
);
CREATE INDEX `session_project_idx` ON `session` (`project_id`);
CREATE INDEX `session_parent_idx` ON `session` (`parent_id`);
CREATE INDEX `message_session_time_created_id_idx` ON `message` (`session_id`,`time_created`,`id`);
CREATE INDEX `part_message_id_id_idx` ON `part` (`message_id`,`id`);
CREATE INDEX `part_session_idx` ON `part` (`session_id`);
";

/// OpenCode's database at a path, with OpenCode's connection to it open.
pub struct OpenCodeDb {
    conn: Connection,
    pub path: PathBuf,
}

impl OpenCodeDb {
    /// A new database at `path`, its tables made, in WAL mode.
    pub fn create(path: &Path) -> OpenCodeDb {
        let db = OpenCodeDb::open(path);
        db.conn.execute_batch(SCHEMA).unwrap();
        db
    }

    /// OpenCode's connection to the database at `path` (as `Database.Client` opens it).
    pub fn open(path: &Path) -> OpenCodeDb {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .unwrap();
        OpenCodeDb {
            conn,
            path: path.to_path_buf(),
        }
    }

    /// Runs SQL of the test's own (a table dropped, say).
    pub fn run(&self, sql: &str) {
        self.conn.execute_batch(sql).unwrap();
    }

    pub fn project(&self, id: &str, worktree: &Path) {
        self.conn
            .execute(
                "INSERT INTO project (id, worktree, vcs, time_created, time_updated, sandboxes)
                 VALUES (?1, ?2, 'git', 1, 1, '[]')",
                params![id, worktree.to_string_lossy()],
            )
            .unwrap();
    }

    /// A session of `project` run in `directory`, with one assistant message `msg_<id>`.
    pub fn session(&self, id: &str, project: &str, directory: &Path) {
        self.conn
            .execute(
                "INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
                 VALUES (?1, ?2, 'slug', ?3, 'made up', '1.2.27', 1, 1)",
                params![id, project, directory.to_string_lossy()],
            )
            .unwrap();
        let message = json!({"role": "assistant", "time": {"created": 1}, "parentID": "msg_u",
            "modelID": "m", "providerID": "p", "mode": "build", "agent": "build",
            "path": {"cwd": directory, "root": directory}, "cost": 0,
            "tokens": {"input": 0, "output": 0, "reasoning": 0, "cache": {"read": 0, "write": 0}}});
        self.conn
            .execute(
                "INSERT INTO message (id, session_id, time_created, time_updated, data)
                 VALUES (?1, ?2, 1, 1, ?3)",
                params![format!("msg_{id}"), id, message.to_string()],
            )
            .unwrap();
    }

    /// Writes part `id` of session `session` as OpenCode's `updatePart` does: inserted, or its
    /// `data` updated in place, `time_updated` set to `now_ms`.
    pub fn part(&self, id: &str, session: &str, now_ms: i64, data: &Value) {
        self.conn
            .execute(
                "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
                 VALUES (?1, ?2, ?3, ?4, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, time_updated = excluded.time_updated",
                params![id, format!("msg_{session}"), session, now_ms, data.to_string()],
            )
            .unwrap();
    }

    /// Writes a part whose data is not JSON at all.
    pub fn garbage_part(&self, id: &str, session: &str, now_ms: i64) {
        self.conn
            .execute(
                "INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
                 VALUES (?1, ?2, ?3, ?4, ?4, '{\"tool\" \"completed\" not json')",
                params![id, format!("msg_{session}"), session, now_ms],
            )
            .unwrap();
    }

    pub fn delete_part(&self, id: &str) {
        self.conn
            .execute("DELETE FROM part WHERE id = ?1", [id])
            .unwrap();
    }
}

/// A tool part's `data` as OpenCode stores it (`MessageV2.ToolPart` without its ids) in
/// `status`, ending at `end_ms` when it has ended.
pub fn tool_part(tool: &str, status: &str, input: Value, end_ms: i64) -> Value {
    let state = match status {
        "pending" => json!({"status": "pending", "input": {}, "raw": ""}),
        "running" => json!({"status": "running", "input": input, "time": {"start": end_ms - 5}}),
        "error" => json!({"status": "error", "input": input, "error": "made up",
            "time": {"start": end_ms - 5, "end": end_ms}}),
        _ => json!({"status": "completed", "input": input, "output": "dropped", "title": "t",
            "metadata": {"diff": "dropped"}, "time": {"start": end_ms - 5, "end": end_ms}}),
    };
    json!({"type": "tool", "callID": format!("call_{tool}_{end_ms}"), "tool": tool, "state": state})
}

/// A text part's `data`.
pub fn text_part(text: &str) -> Value {
    json!({"type": "text", "text": text, "time": {"start": 1, "end": 2}})
}

/// OpenCode in a process of its own, as it runs beside mindgap (in one process two connections
/// share the `-shm` mapping, so a reader would seem to write it): this test binary run again as
/// the ignored test [`opencode_writer`], which makes the database at a path, holds its
/// connection, and does what each line on its input says, answering each with a line.
pub struct Writer {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

const WRITER_PATH: &str = "MINDGAP_TEST_OPENCODE_DB";
const DONE: &str = "@@opencode-writer done";

impl Writer {
    pub fn start(path: &Path) -> Writer {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "store::foreign::opencode::fixture::opencode_writer",
            ])
            .args(["--ignored", "--nocapture", "--test-threads=1"])
            .env(WRITER_PATH, path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let output = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let mut w = Writer {
            child,
            input,
            output,
        };
        w.wait();
        w
    }

    /// Does `op` (`["project", id, worktree]`, `["session", id, project, directory]`,
    /// `["part", id, session, now_ms, data]` or `["close"]`) and waits until it is done.
    pub fn send(&mut self, op: Value) {
        use std::io::Write;
        writeln!(self.input, "{op}").unwrap();
        self.input.flush().unwrap();
        self.wait();
    }

    fn wait(&mut self) {
        for line in self.output.by_ref() {
            if line.unwrap().ends_with(DONE) {
                return;
            }
        }
        panic!("the OpenCode writer stopped");
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[ignore = "OpenCode's own process, started by `Writer`"]
fn opencode_writer() {
    use std::io::BufRead;
    let Some(path) = std::env::var_os(WRITER_PATH) else {
        return;
    };
    let mut db = Some(OpenCodeDb::create(Path::new(&path)));
    println!("{DONE}");
    for line in std::io::stdin().lock().lines() {
        let op: Value = serde_json::from_str(&line.unwrap()).unwrap();
        let s = |i: usize| op[i].as_str().unwrap_or_default().to_owned();
        let open = db.as_ref().unwrap();
        match s(0).as_str() {
            "project" => open.project(&s(1), Path::new(&s(2))),
            "session" => open.session(&s(1), &s(2), Path::new(&s(3))),
            "part" => open.part(&s(1), &s(2), op[3].as_i64().unwrap(), &op[4]),
            _ => db = None,
        }
        println!("{DONE}");
        if db.is_none() {
            return;
        }
    }
}
