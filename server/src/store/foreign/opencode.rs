//! OpenCode's database, read only. Since OpenCode 1.2 (February 2026) its sessions, messages and
//! their parts live in one SQLite file in WAL mode, `opencode.db` in OpenCode's data folder
//! (`$XDG_DATA_HOME/opencode`, else `~/.local/share/opencode`), written by drizzle from
//! `session/session.sql.ts` and `project/project.sql.ts` (`anomalyco/opencode`, formerly
//! `sst/opencode`):
//!
//! - `project (id, worktree, …)`: `worktree` is the main checkout of the project's repository
//!   (`/` for folders outside git);
//! - `session (id, project_id, directory, …)`: `directory` is the folder OpenCode ran in;
//! - `part (id, message_id, session_id, time_created, time_updated, data)`: `data` is the JSON
//!   of a message part without its ids. A tool call is `{"type": "tool", "callID", "tool",
//!   "state": {"status", "input", "output", "time": {"start", "end"}, …}}`, written when the
//!   call begins and updated in place (same row, same rowid, a new `time_updated`) as it runs
//!   and completes.
//!
//! [`opencode_calls`] gives the completed calls of the tools asked for, in sessions of the
//! workspace (the project's work tree is a root, or the session ran in a root, below one or
//! above one: a linked git worktree, a subfolder, a folder outside git),
//! that ended after the cursor's start: only `input.filePath` and `input.patchText` leave a part;
//! its output and everything else are dropped here. A read looks at the rows past the cursor
//! (at most [`SPAN`] of them, by rowid) and again at the last [`REREAD`] rows before it (a call
//! that began before the last read and completed since, or a rowid reused after the newest
//! rows were deleted): a call can come back, and the caller knows it again by its part's id.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, params};
use serde_json::Value;

/// Rows before the cursor read again at each read.
pub const REREAD: i64 = 256;
/// Rows past the cursor read at most at once (a huge database, or a burst of rows, is read in
/// steps).
pub const SPAN: i64 = 2_000;
/// How long a read waits for OpenCode's lock (a reader of a WAL database almost never waits).
const BUSY: Duration = Duration::from_millis(100);

/// Where reading stopped: the last rowid of `part` read, and when the reading began (a call
/// that ended before is old news).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    row: Option<i64>,
    since_ms: i64,
}

impl Cursor {
    /// Nothing read yet: the first read starts at the end of `part` (what it holds is not news,
    /// but a call that ends from `since_ms` on is).
    pub fn new(since_ms: i64) -> Cursor {
        Cursor {
            row: None,
            since_ms,
        }
    }
}

/// A completed tool call: its part's id, the tool, the folder its session ran in, and the
/// file it names (`filePath`) or the patch it applied (`patchText`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolCall {
    pub part: String,
    pub tool: String,
    pub directory: PathBuf,
    pub file_path: Option<String>,
    pub patch_text: Option<String>,
}

/// One read: the calls found, where the next read starts, and whether rows are left past it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calls {
    pub calls: Vec<ToolCall>,
    pub next: Cursor,
    pub more: bool,
}

/// The completed calls of `tools` in sessions of the workspace at `roots` that the database at
/// `db` holds past `after`. A database that is not there yet (or has no parts yet) gives
/// nothing and leaves the cursor where it was; one that cannot be read is an error sentence.
pub fn opencode_calls(
    db: &Path,
    roots: &[&Path],
    tools: &[&str],
    after: &Cursor,
) -> Result<Calls, String> {
    let nothing = || Calls {
        calls: Vec::new(),
        next: after.clone(),
        more: false,
    };
    if !db.is_file() {
        return Ok(nothing());
    }
    let fail = |e: rusqlite::Error| unreadable(db, &e);
    let conn = connect(db).map_err(fail)?;
    let top: Option<i64> = conn
        .query_row("SELECT max(rowid) FROM part", [], |r| r.get(0))
        .map_err(fail)?;
    let Some(top) = top else {
        return Ok(nothing());
    };
    // Rows deleted at the end (a revert) free their rowids for the next rows.
    let row = after.row.unwrap_or(top).min(top);
    let hi = row.saturating_add(SPAN).min(top);
    let calls = read(&conn, row - REREAD, hi, roots, tools, after.since_ms).map_err(fail)?;
    Ok(Calls {
        calls,
        next: Cursor {
            row: Some(hi),
            since_ms: after.since_ms,
        },
        more: hi < top,
    })
}

/// A connection that reads `db` as it is, changing nothing.
fn connect(db: &Path) -> rusqlite::Result<Connection> {
    let conn = super::super::open::untouched(db)?;
    conn.busy_timeout(BUSY)?;
    conn.pragma_update(None, "query_only", true)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
    Ok(conn)
}

/// Rows of `part` in sessions of the workspace whose rowid is in `(lo, hi]`, updated since
/// `since_ms`: the rowid range is a search of the table's own b-tree, whatever its size.
const PARTS: &str = "\
SELECT p.id, s.directory, p.data
FROM part AS p
JOIN session AS s ON s.id = p.session_id
LEFT JOIN project AS pr ON pr.id = s.project_id
WHERE p.rowid > ?1 AND p.rowid <= ?2 AND p.time_updated >= ?3
  AND (pr.worktree IN (SELECT value FROM json_each(?4))
       OR EXISTS (SELECT 1 FROM json_each(?4) AS r
                  WHERE s.directory = r.value
                     OR substr(s.directory, 1, length(r.value) + 1) = r.value || '/'
                     OR substr(r.value, 1, length(rtrim(s.directory, '/')) + 1)
                        = rtrim(s.directory, '/') || '/'))
ORDER BY p.rowid";

fn read(
    conn: &Connection,
    lo: i64,
    hi: i64,
    roots: &[&Path],
    tools: &[&str],
    since_ms: i64,
) -> rusqlite::Result<Vec<ToolCall>> {
    let roots: Vec<String> = roots
        .iter()
        .map(|r| r.to_string_lossy().trim_end_matches('/').to_owned())
        .map(|r| if r.is_empty() { "/".to_owned() } else { r })
        .collect();
    let roots = Value::from(roots).to_string();
    let mut stmt = conn.prepare(PARTS)?;
    let rows = stmt.query_map(params![lo, hi, since_ms, roots], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (part, directory, data) = row?;
        out.extend(tool_call(part, directory, &data, tools, since_ms));
    }
    Ok(out)
}

/// The call a part's `data` holds, when it is a completed call of one of `tools` that ended
/// from `since_ms` on. A part that is not JSON (or not a tool call) is skipped.
fn tool_call(
    part: String,
    directory: String,
    data: &str,
    tools: &[&str],
    since_ms: i64,
) -> Option<ToolCall> {
    // Cheap test first: most parts are text and reasoning.
    if !data.contains("\"tool\"") || !data.contains("\"completed\"") {
        return None;
    }
    let v: Value = serde_json::from_str(data).ok()?;
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let tool = text(&v, "tool")?;
    if text(&v, "type")? != "tool" || !tools.contains(&tool.as_str()) {
        return None;
    }
    let state = v.get("state")?;
    let end = state.get("time")?.get("end")?.as_f64()?;
    if text(state, "status")? != "completed" || end < since_ms as f64 {
        return None;
    }
    let input = state.get("input")?;
    Some(ToolCall {
        part,
        tool,
        directory: PathBuf::from(directory),
        file_path: text(input, "filePath"),
        patch_text: text(input, "patchText"),
    })
}

/// Why `db` could not be read, in words.
fn unreadable(db: &Path, e: &rusqlite::Error) -> String {
    let why = match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            "it is locked; read again at its next change".to_owned()
        }
        Some(ErrorCode::NotADatabase) => "it is not a SQLite database".to_owned(),
        _ if e.to_string().starts_with("no such") => {
            format!("its tables are not the ones read here ({e})")
        }
        _ => format!("{e}"),
    };
    format!("cannot read OpenCode's database {} ({why})", db.display())
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
