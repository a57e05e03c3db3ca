//! The house rules, checked by reading the sources (after rust-analyzer's `xtask/src/tidy.rs`).
//! `docs/ARCHITECTURE.md` states each rule beside the room it protects; this test fails, naming
//! every file and line that breaks one:
//!
//! - every source file opens with a `//!` comment saying what it owns;
//! - no source file in `server/src` is over 600 lines (unit tests in a sibling `tests.rs` aside),
//!   no function over 80 lines;
//! - rooms import only rooms below them ([`LAYERS`]) and none a room [`FORBIDDEN`] to it (the
//!   store reads no git), and no two modules import each other, directly or around a circle (a
//!   module and its own submodules aside);
//! - `classify/` imports no I/O, clock, LSP, SQL or async crate;
//! - `rusqlite` appears only in `store/`, and no public item of `store/` shows a SQL type;
//! - LSP types appear only in `lsp/`;
//! - the ordered notification handlers (`lsp/documents.rs`) never wait;
//! - `docs/ARCHITECTURE.md` names every room, and `editors/` and `tests/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The rooms of `server/src`, lowest first: a room may import only rooms of a lower layer.
const LAYERS: &[&[&str]] = &[
    &["uri", "home", "workspace", "trace", "git"],
    &["mirror"],
    &["classify"],
    &["events", "provenance", "config"],
    &["pipeline", "nudges", "tasks"],
    &["store"],
    &["practices"],
    &["status", "session", "watch", "attribution"],
    &["lsp"],
    &["replay"],
    &["cli"],
];

/// Imports the layers allow but a room's job does not: (room, room it may not import, why).
const FORBIDDEN: &[(&str, &str, &str)] = &[
    (
        "store",
        "workspace",
        "reading git and the workspace is the tasks room's job",
    ),
    (
        "classify",
        "events",
        "the classifier's vocabulary is its own; events are built from it",
    ),
];

const MAX_FILE_LINES: usize = 600;
const MAX_FN_LINES: usize = 80;

/// What `classify/` may not name: I/O, the clock, LSP, SQL, async runtimes, logging.
const IMPURE: &[&str] = &[
    "std::fs",
    "std::io",
    "std::net",
    "std::process",
    "std::thread",
    "std::env",
    "std::time",
    "tokio",
    "rusqlite",
    "tower_lsp_server",
    "ls_types",
    "notify",
    "chrono",
    "tracing",
];

/// SQL types that must not show in `store/`'s public items.
const SQL_TYPES: &[&str] = &["rusqlite", "Connection", "Transaction", "Row<", "Statement"];

struct Source {
    /// Relative to `server/src`, `/`-separated.
    rel: String,
    /// Module path: `pipeline::disk` for `pipeline/disk.rs` (and `pipeline` for its `mod.rs`).
    module: Vec<String>,
    text: String,
}

impl Source {
    fn is_test_file(&self) -> bool {
        self.rel.ends_with("/tests.rs") || self.rel.ends_with("/proptests.rs")
    }

    /// The lines that are not test code (a trailing `#[cfg(test)] mod tests { … }`), with their
    /// 1-based numbers; none for a test file.
    fn code_lines(&self) -> Vec<(usize, &str)> {
        if self.is_test_file() {
            return Vec::new();
        }
        let lines: Vec<&str> = self.text.lines().collect();
        let end = (0..lines.len())
            .find(|&i| {
                lines[i].trim() == "#[cfg(test)]"
                    && lines
                        .get(i + 1)
                        .is_some_and(|l| l.trim_start().starts_with("mod ") && l.ends_with('{'))
            })
            .unwrap_or(lines.len());
        (0..end).map(|i| (i + 1, lines[i])).collect()
    }

    /// Code lines that are not comments.
    fn code(&self) -> Vec<(usize, &str)> {
        self.code_lines()
            .into_iter()
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .collect()
    }

    fn room(&self) -> Option<&str> {
        self.module.first().map(String::as_str)
    }
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    let mut stack = vec![src_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read server/src") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path
                    .strip_prefix(src_dir())
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                let mut module: Vec<String> = rel
                    .trim_end_matches(".rs")
                    .split('/')
                    .map(String::from)
                    .collect();
                if module.last().is_some_and(|m| m == "mod") || module == ["lib"] {
                    module.pop();
                }
                if module == ["main"] {
                    module.clear();
                }
                let text = std::fs::read_to_string(&path).expect("read a source file");
                out.push(Source { rel, module, text });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

#[test]
fn every_file_says_what_it_owns() {
    let bad: Vec<String> = sources()
        .iter()
        .filter(|s| !s.text.trim_start().starts_with("//!"))
        .map(|s| format!("{}: no `//!` comment saying what it owns", s.rel))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn files_and_functions_stay_small() {
    let mut bad = Vec::new();
    for s in sources().iter().filter(|s| !s.is_test_file()) {
        let n = s.text.lines().count();
        if n > MAX_FILE_LINES {
            bad.push(format!("{}: {n} lines (at most {MAX_FILE_LINES})", s.rel));
        }
        let lines = s.code_lines();
        for (i, &(no, line)) in lines.iter().enumerate() {
            let Some(name) = fn_name(line) else { continue };
            let indent = &line[..line.len() - line.trim_start().len()];
            let close = format!("{indent}}}");
            let Some(end) = lines[i..].iter().position(|(_, l)| *l == close) else {
                continue; // a declaration without a body
            };
            if end + 1 > MAX_FN_LINES {
                bad.push(format!(
                    "{}:{no}: fn {name} is {} lines (at most {MAX_FN_LINES})",
                    s.rel,
                    end + 1
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The name of the function a line starts, if it starts one.
fn fn_name(line: &str) -> Option<&str> {
    let mut rest = line.trim_start();
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    Some(&rest[..end])
}

/// Every `crate::…`, `super::…` and `self::…` path a source names outside its test code, with
/// `use` trees expanded, resolved to the modules they reach.
fn references(s: &Source, modules: &BTreeSet<Vec<String>>) -> BTreeMap<Vec<String>, usize> {
    let code = s.code();
    let mut paths: Vec<(usize, Vec<String>)> = Vec::new();
    let text: String = code.iter().map(|(_, l)| format!("{l}\n")).collect();
    let line_of = |offset: usize| code[text[..offset].matches('\n').count()].0;
    // `use` trees, which may span lines.
    let mut at = 0;
    while let Some(i) = text[at..].find("use ") {
        let start = at + i;
        at = start + 4;
        let boundary = start == 0 || !text.as_bytes()[start - 1].is_ascii_alphanumeric();
        let tree_start = start + 4;
        let rest = &text[tree_start..];
        let Some(end) = rest.find(';') else { break };
        let tree = &rest[..end];
        if boundary
            && ["crate", "super", "self"]
                .iter()
                .any(|r| tree.starts_with(r))
        {
            for p in expand(tree) {
                paths.push((line_of(start), p));
            }
        }
    }
    // Paths written inline.
    for root in ["crate::", "super::"] {
        let mut at = 0;
        while let Some(i) = text[at..].find(root) {
            let start = at + i;
            at = start + root.len();
            if start > 0 && text.as_bytes()[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let path: String = text[start..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let parts: Vec<String> = path
                .split("::")
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect();
            paths.push((line_of(start), parts));
        }
    }
    let mut out = BTreeMap::new();
    for (line, path) in paths {
        let mut base: Vec<String> = Vec::new();
        let mut rest = path.as_slice();
        match rest.first().map(String::as_str) {
            Some("crate") => rest = &rest[1..],
            Some("self") => {
                base = s.module.clone();
                rest = &rest[1..];
            }
            Some("super") => {
                base = s.module.clone();
                while rest.first().is_some_and(|p| p == "super") {
                    base.pop();
                    rest = &rest[1..];
                }
            }
            _ => continue,
        }
        for seg in rest {
            let mut next = base.clone();
            next.push(seg.clone());
            if !modules.contains(&next) {
                break;
            }
            base = next;
        }
        out.entry(base).or_insert(line);
    }
    out
}

/// The paths a `use` tree names: `a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let split = |p: &str| -> Vec<String> {
        p.split("::")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(String::from)
            .collect()
    };
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![split(tree.split(" as ").next().unwrap_or(tree))];
    };
    let head = split(&tree[..open]);
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut parts, mut depth, mut cur) = (Vec::new(), 0, String::new());
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    let mut out = Vec::new();
    for part in parts.iter().filter(|p| !p.trim().is_empty()) {
        for tail in expand(part) {
            let mut p = head.clone();
            p.extend(tail.into_iter().filter(|t| t != "self"));
            out.push(p);
        }
    }
    out
}

fn layer(room: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&room))
}

#[test]
fn rooms_import_only_rooms_below_them_and_no_module_goes_round_in_a_circle() {
    let sources = sources();
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut bad = Vec::new();
    for room in modules.iter().filter(|m| m.len() == 1) {
        if layer(&room[0]).is_none() {
            bad.push(format!(
                "room `{}` is in no layer of the tidy test",
                room[0]
            ));
        }
    }
    // module → modules it reaches (a module and its own submodules are one unit).
    let mut graph: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for s in sources.iter().filter(|s| !s.is_test_file()) {
        for (target, line) in references(s, &modules) {
            let nested = target.starts_with(&s.module) || s.module.starts_with(&target);
            if !nested {
                graph
                    .entry(s.module.clone())
                    .or_default()
                    .insert(target.clone());
            }
            let (Some(from), Some(to)) = (s.room(), target.first().map(String::as_str)) else {
                continue;
            };
            if let Some((_, _, why)) = FORBIDDEN.iter().find(|(a, b, _)| *a == from && *b == to) {
                bad.push(format!("{}:{line}: `{from}` imports `{to}`: {why}", s.rel));
            }
            if from != to
                && let (Some(a), Some(b)) = (layer(from), layer(to))
                && b >= a
            {
                bad.push(format!(
                    "{}:{line}: `{from}` imports `{}`, a room at its level or above",
                    s.rel,
                    target.join("::")
                ));
            }
        }
    }
    bad.extend(circles(&graph));
    // The reading of imports must see them at all: a few edges every version of the house has.
    let edge = |a: &str, b: &str| {
        let (a, b): (Vec<String>, Vec<String>) = (
            a.split("::").map(String::from).collect(),
            b.split("::").map(String::from).collect(),
        );
        graph.get(&a).is_some_and(|t| t.contains(&b))
    };
    for (a, b) in [
        ("pipeline", "classify"),
        ("lsp::server", "session"),
        ("store::tasks", "tasks"),
        ("replay", "lsp::ingest"),
    ] {
        assert!(
            edge(a, b),
            "the tidy test no longer sees `{a}` import `{b}`"
        );
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Every circle in `graph`, as `a -> b -> a`.
fn circles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, u8>,
        stack: &mut Vec<Vec<String>>,
        found: &mut Vec<String>,
    ) {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next) {
                Some(1) => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut names: Vec<String> =
                        stack[from..].iter().map(|n| n.join("::")).collect();
                    names.push(next.join("::"));
                    found.push(format!("import circle: {}", names.join(" -> ")));
                }
                Some(_) => {}
                None => visit(next, graph, state, stack, found),
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
    }
    let (mut state, mut stack, mut found) = (BTreeMap::new(), Vec::new(), Vec::new());
    for node in graph.keys() {
        if !state.contains_key(node) {
            visit(node, graph, &mut state, &mut stack, &mut found);
        }
    }
    found
}

/// Whether `line` names `token` as a path (not as part of a longer name).
fn names(line: &str, token: &str) -> bool {
    line.match_indices(token).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + token.len()..].chars().next();
        let ident = |c: char| c.is_alphanumeric() || c == '_';
        !before.is_some_and(ident) && (!after.is_some_and(ident) || token.ends_with('<'))
    })
}

#[test]
fn classify_is_pure_sql_stays_in_store_and_lsp_types_in_lsp() {
    let mut bad = Vec::new();
    for s in sources() {
        // Test code counts too: a rule tested through I/O is not tested as a pure rule.
        let lines: Vec<(usize, &str)> = s
            .text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .filter(|(_, l)| !l.trim_start().starts_with("//"))
            .collect();
        for &(no, line) in &lines {
            if s.room() == Some("classify") {
                for t in IMPURE.iter().filter(|t| names(line, t)) {
                    bad.push(format!("{}:{no}: classify/ names `{t}`", s.rel));
                }
            }
            if s.room() != Some("store") && names(line, "rusqlite") {
                bad.push(format!("{}:{no}: `rusqlite` outside store/", s.rel));
            }
            if s.room() != Some("lsp")
                && ["tower_lsp_server", "ls_types"]
                    .iter()
                    .any(|t| names(line, t))
            {
                bad.push(format!("{}:{no}: LSP types outside lsp/", s.rel));
            }
        }
        if s.room() == Some("store") {
            bad.extend(public_sql(&s));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Public items of a `store/` source that show a SQL type in their signature.
fn public_sql(s: &Source) -> Vec<String> {
    let code = s.code();
    let mut bad = Vec::new();
    for (i, &(no, line)) in code.iter().enumerate() {
        let t = line.trim_start();
        let public = t.starts_with("pub ") || t.starts_with("pub(crate) ");
        if !public || t.starts_with("pub mod ") || t.starts_with("pub use ") {
            continue;
        }
        // The signature: up to the body or the end of the item.
        let mut sig = String::new();
        for &(_, l) in &code[i..] {
            sig.push_str(l);
            if l.contains('{') || l.trim_end().ends_with(';') || l.trim_end().ends_with(',') {
                break;
            }
        }
        let sig = sig.split('{').next().unwrap_or("");
        if let Some(t) = SQL_TYPES.iter().find(|t| names(sig, t)) {
            bad.push(format!(
                "{}:{no}: a public item of store/ shows `{t}`",
                s.rel
            ));
        }
    }
    bad
}

#[test]
fn ordered_notifications_do_not_wait() {
    // `Ordered::apply` is a plain function, so it cannot `.await`; nor may it block on the store.
    let s = sources()
        .into_iter()
        .find(|s| s.rel == "lsp/documents.rs")
        .expect("lsp/documents.rs holds the ordered handlers");
    let bad: Vec<String> = s
        .code()
        .iter()
        .filter(|(_, l)| {
            [
                ".await",
                "spawn_blocking",
                "load_provenance",
                "flush(",
                "block_on",
            ]
            .iter()
            .any(|t| l.contains(t))
        })
        .map(|(no, l)| {
            format!(
                "lsp/documents.rs:{no}: an ordered handler waits: {}",
                l.trim()
            )
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(s.text.contains("impl Ordered for DidChange"));
}

#[test]
fn the_architecture_names_every_room_and_the_folders_beside_server() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).expect("the architecture");
    let rooms: BTreeSet<String> = sources()
        .iter()
        .filter_map(|s| s.room().map(String::from))
        .collect();
    let mut bad: Vec<String> = rooms
        .iter()
        .filter(|r| !doc.contains(&format!("`{r}/`")) && !doc.contains(&format!("`{r}.rs`")))
        .map(|r| format!("docs/ARCHITECTURE.md does not name the room `{r}`"))
        .collect();
    // The layer table is the tidy test's, row for row.
    for (n, rooms) in LAYERS.iter().enumerate() {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| {n} |")))
            .unwrap_or("");
        let named: BTreeSet<&str> = row
            .split('`')
            .skip(1)
            .step_by(2)
            .map(|r| r.trim_end_matches('/').trim_end_matches(".rs"))
            .collect();
        if named != rooms.iter().copied().collect() {
            bad.push(format!(
                "docs/ARCHITECTURE.md's layer {n} names {named:?}, the tidy test {rooms:?}"
            ));
        }
    }
    for folder in ["editors/", "tests/"] {
        if !doc.contains(&format!("### `{folder}")) {
            bad.push(format!(
                "docs/ARCHITECTURE.md has no section for `{folder}`"
            ));
        }
        assert!(root.join(folder).is_dir(), "{folder} exists");
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_checks_themselves_see_what_they_look_for() {
    assert_eq!(fn_name("    pub(crate) async fn run(x: u8) {"), Some("run"));
    assert_eq!(fn_name("let f = fn_name;"), None);
    assert_eq!(
        expand("crate::{a::b, c::{self, d as e}}"),
        vec![
            vec!["crate", "a", "b"],
            vec!["crate", "c"],
            vec!["crate", "c", "d"]
        ]
    );
    assert!(names("use rusqlite::Connection;", "rusqlite"));
    assert!(!names("let my_rusqlite_thing = 1;", "rusqlite"));
    assert!(names("fn f(r: &Row<'_>)", "Row<"));
    assert!(!names("RowId", "Row<"));
    let mut g = BTreeMap::new();
    let (a, b) = (vec!["a".to_string()], vec!["b".to_string()]);
    g.insert(a.clone(), BTreeSet::from([b.clone()]));
    g.insert(b.clone(), BTreeSet::from([a.clone()]));
    assert_eq!(circles(&g), vec!["import circle: a -> b -> a"]);
    assert_eq!(layer("classify"), Some(2));
    assert!(layer("store") > layer("tasks") && layer("lsp") < layer("replay"));
}
