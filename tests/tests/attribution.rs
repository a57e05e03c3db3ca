//! Attribution that travels with the code (SPEC section 10), with real git: the post-commit
//! hook writes an Agent Trace note; the notes are pushed to a bare remote, fetched into another
//! clone and blamed there with an empty home; amend and rebase keep them; a commit made without
//! hooks is noted by hand; git-ai's notes are read and never written; a corrupt note is skipped
//! with one warning.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use mindgap_e2e::{Server, Workspace, git_with};
use serde_json::{Value, json};

const TYPED_TOP: &str = "total = 0\n";
const PASTED: &str = "def area(r):\n    return 3.14159 * r * r\n";
const TYPED_END: &str = "count = 1\n";

/// Runs git in `dir` as Ann, with the home the hooks' `mindgap` must use; its stdout.
fn git_in(dir: &Path, home: &Path, args: &[&str]) -> String {
    let ann = [
        "-c",
        "user.name=Ann",
        "-c",
        "user.email=ann@example.invalid",
    ];
    let args: Vec<&str> = ann.iter().chain(args).copied().collect();
    git_with(
        dir,
        &args,
        &[("MINDGAP_HOME", home), ("GIT_EDITOR", Path::new("true"))],
    )
}

fn mindgap(home: &Path, dir: &Path, args: &[&str]) -> mindgap_e2e::Output {
    let home_s = home.display().to_string();
    let mut all = vec!["--home", home_s.as_str()];
    all.extend(args);
    let out = Command::new(mindgap_e2e::mindgap_bin())
        .args(&all)
        .current_dir(dir)
        .output()
        .expect("mindgap runs");
    mindgap_e2e::Output {
        status: out.status,
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `mindgap blame FILE --json`: each line's (origin, source).
fn blame(home: &Path, dir: &Path, file: &str) -> Vec<(String, Value)> {
    let out = mindgap(home, dir, &["blame", file, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    out.json_lines()
        .into_iter()
        .map(|l| {
            (
                l["origin"].as_str().unwrap().to_string(),
                l["source"].clone(),
            )
        })
        .collect()
}

fn origins(lines: &[(String, Value)]) -> Vec<&str> {
    lines.iter().map(|(o, _)| o.as_str()).collect()
}

/// The records of HEAD's mindgap note.
fn note(dir: &Path, home: &Path, rev: &str) -> Value {
    let text = git_in(dir, home, &["notes", "--ref=mindgap", "show", rev]);
    serde_json::from_str(text.lines().next().unwrap()).unwrap()
}

/// Types `text` at the end of line `line` (0-based), one character at a time.
fn type_in(s: &mut Server, uri: &str, v: &mut i32, line: u32, text: &str) {
    let (mut line, mut col) = (line, 0u32);
    for c in text.chars() {
        *v += 1;
        s.insert(uri, *v, line, col, &c.to_string());
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
        sleep(Duration::from_millis(25));
    }
}

/// A session in `root`: below what `rel` holds already, a typed line, a pasted function and a
/// typed line; saved and shut down. Returns the file's text.
fn write_with_help(home: &Path, root: &Path, rel: &str) -> String {
    let caps = json!({"general": {"positionEncodings": ["utf-16"]}});
    let mut s = Server::in_process(home, root, caps, json!({}));
    let path = root.join(rel);
    let uri = format!("file://{}", path.display());
    let before = std::fs::read_to_string(&path).unwrap_or_default();
    let at = before.lines().count() as u32;
    s.open(&uri, 1, &before);
    let mut v = 1;
    type_in(&mut s, &uri, &mut v, at, TYPED_TOP);
    v += 1;
    s.insert(&uri, v, at + 1, 0, PASTED);
    type_in(&mut s, &uri, &mut v, at + 3, TYPED_END);
    let text = format!("{before}{TYPED_TOP}{PASTED}{TYPED_END}");
    std::fs::write(&path, &text).unwrap();
    s.save(&uri);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    text
}

struct Repo {
    root: PathBuf,
    home: PathBuf,
    _w: Workspace,
}

fn repo_with_hooks() -> Repo {
    let w = Workspace::new();
    let (root, home) = (w.root.clone(), w.home.clone());
    git_in(&root, &home, &["init", "-q", "-b", "main"]);
    let out = mindgap(&home, &root, &["hook", "install"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(
        out.stdout_str().contains("post-commit"),
        "{}",
        out.stdout_str()
    );
    Repo { root, home, _w: w }
}

#[test]
fn a_commit_is_noted_pushed_fetched_and_blamed_in_another_clone_with_an_empty_home() {
    let r = repo_with_hooks();
    let (root, home) = (&r.root, &r.home);
    write_with_help(home, root, "geo.py");
    git_in(root, home, &["add", "geo.py"]);
    git_in(root, home, &["commit", "-q", "-m", "geometry"]);

    // The hook wrote one Agent Trace record: the typed lines human, the pasted ones ai/paste.
    let record = note(root, home, "HEAD");
    assert_eq!(record["version"], "0.1.0");
    assert_eq!(record["tool"]["name"], "mindgap");
    let head = git_in(root, home, &["rev-parse", "HEAD"]);
    assert_eq!(record["vcs"]["revision"], head.trim());
    let convs = record["files"][0]["conversations"].as_array().unwrap();
    let ai = convs
        .iter()
        .find(|c| c["contributor"]["type"] == "ai")
        .expect("an ai conversation");
    assert_eq!(ai["metadata"]["dev.mindgap"]["class"], "paste");
    assert_eq!(ai["ranges"][0]["start_line"], 2);
    assert_eq!(ai["ranges"][0]["end_line"], 3);
    let text = serde_json::to_string(&record).unwrap();
    assert!(
        !text.contains("area") && !text.contains("3.14159"),
        "no code text: {text}"
    );
    let expected = ["own", "paste", "paste", "own"];
    let here = blame(home, root, "geo.py");
    assert_eq!(origins(&here), expected);
    assert!(here.iter().all(|(_, s)| s == "mindgap"), "{here:?}");

    // Pushed to a bare remote, cloned elsewhere, notes fetched, blamed with an empty home.
    let remote = root.parent().unwrap().join("remote.git");
    git_in(
        root,
        home,
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().unwrap(),
        ],
    );
    git_in(
        root,
        home,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    git_in(
        root,
        home,
        &["push", "-q", "origin", "main", "refs/notes/mindgap"],
    );
    let clone = root.parent().unwrap().join("clone");
    let empty_home = root.parent().unwrap().join("empty-home");
    git_in(
        root,
        home,
        &[
            "clone",
            "-q",
            remote.to_str().unwrap(),
            clone.to_str().unwrap(),
        ],
    );
    git_in(
        &clone,
        &empty_home,
        &[
            "fetch",
            "-q",
            "origin",
            "refs/notes/mindgap:refs/notes/mindgap",
        ],
    );
    let there = blame(&empty_home, &clone, "geo.py");
    assert_eq!(origins(&there), expected);
    assert!(
        !empty_home.join("mindgap.db").exists(),
        "blame reads, it never creates a store"
    );

    // Text output is aligned like git blame's.
    let out = mindgap(&empty_home, &clone, &["blame", "geo.py"]);
    let lines: Vec<&str> = out.stdout_str().lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(
        lines[1].starts_with(&head.trim()[..8]) && lines[1].contains("paste"),
        "{lines:?}"
    );
    let code_at = |l: &str| l.find(") ").unwrap();
    assert!(
        lines.iter().all(|l| code_at(l) == code_at(lines[0])),
        "{lines:?}"
    );
    assert!(lines[1].ends_with("def area(r):"), "{lines:?}");

    // An uncommitted line typed in a new session is live.
    let caps = json!({"general": {"positionEncodings": ["utf-16"]}});
    let mut s = Server::in_process(home, root, caps, json!({}));
    let path = root.join("geo.py");
    let uri = format!("file://{}", path.display());
    let committed = std::fs::read_to_string(&path).unwrap();
    s.open(&uri, 1, &committed);
    let mut v = 1;
    type_in(&mut s, &uri, &mut v, 4, "more = 2\n");
    std::fs::write(&path, format!("{committed}more = 2\n")).unwrap();
    s.save(&uri);
    assert_eq!(s.shutdown_and_exit(), Some(0));
    let live = blame(home, root, "geo.py");
    assert_eq!(live[4], ("own".to_string(), json!("live")));
    assert_eq!(origins(&live[..4]), expected);
}

#[test]
fn amend_and_rebase_keep_the_note_and_a_commit_without_hooks_is_noted_by_hand() {
    let r = repo_with_hooks();
    let (root, home) = (&r.root, &r.home);
    std::fs::write(root.join("geo.py"), "import math\n").unwrap();
    git_in(root, home, &["add", "geo.py"]);
    git_in(root, home, &["commit", "-q", "-m", "base"]);
    git_in(root, home, &["checkout", "-q", "-b", "feature"]);
    write_with_help(home, root, "geo.py");
    git_in(root, home, &["add", "geo.py"]);
    git_in(root, home, &["commit", "-q", "-m", "geometry"]);
    let expected = ["unknown", "own", "paste", "paste", "own"];
    assert_eq!(origins(&blame(home, root, "geo.py")), expected);

    // Amend: a new commit, the same attribution.
    git_in(
        root,
        home,
        &["commit", "-q", "--amend", "-m", "geometry, amended"],
    );
    assert_eq!(origins(&blame(home, root, "geo.py")), expected);
    let record = note(root, home, "HEAD");
    assert_eq!(record["files"][0]["path"], "geo.py");

    // Rebase onto a main that put lines above, on a machine whose store knows nothing: the
    // note git copies follows the rewritten commit, and the ranges' hashes find the lines
    // three lines further down.
    git_in(root, home, &["checkout", "-q", "main"]);
    std::fs::write(root.join("geo.py"), "# header\n# one\n# two\nimport math\n").unwrap();
    git_in(root, home, &["commit", "-q", "-am", "header"]);
    git_in(root, home, &["checkout", "-q", "feature"]);
    let elsewhere = root.parent().unwrap().join("elsewhere");
    git_in(root, &elsewhere, &["rebase", "-q", "main"]);
    let text = std::fs::read_to_string(root.join("geo.py")).unwrap();
    assert!(
        text.starts_with("# header\n# one\n# two\nimport math\ntotal = 0\n"),
        "{text}"
    );
    let lines = blame(&elsewhere, root, "geo.py");
    assert_eq!(
        origins(&lines[4..]),
        ["own", "paste", "paste", "own"],
        "{text}\n{lines:?}"
    );
    assert!(lines[4..].iter().all(|(_, s)| s == "mindgap"), "{lines:?}");
    assert!(!elsewhere.join("mindgap.db").exists());

    // Hooks gone (or skipped): no note, until `mindgap note` writes it.
    std::fs::remove_dir_all(root.join(".git/hooks")).unwrap();
    std::fs::write(root.join("extra.py"), "x = 1\n").unwrap();
    git_in(root, home, &["add", "extra.py"]);
    git_in(root, home, &["commit", "-q", "--no-verify", "-m", "extra"]);
    let none = Command::new("git")
        .args(["notes", "--ref=mindgap", "show", "HEAD"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(!none.status.success(), "no hook, no note");
    let out = mindgap(home, root, &["note"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(out.stdout_str().contains("noted"), "{}", out.stdout_str());
    let record = note(root, home, "HEAD");
    assert_eq!(record["files"][0]["path"], "extra.py");
    assert_eq!(
        record["files"][0]["conversations"][0]["contributor"]["type"], "unknown",
        "the session never saw extra.py"
    );
}

const GIT_AI_NOTE: &str = "agent.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 2-3\n---\n{\"schema_version\": \"authorship/3.0.0\", \"git_ai_version\": \"1.4.5\", \"base_commit_sha\": \"0000000000000000000000000000000000000000\", \"prompts\": {}, \"sessions\": {\"s_c9883b05a2487d\": {\"agent_id\": {\"tool\": \"claude\", \"id\": \"c1\", \"model\": \"m\"}}}}\n";

#[test]
fn git_ai_notes_are_read_never_written_and_bad_notes_are_skipped_with_a_warning() {
    let w = Workspace::new();
    let (root, home) = (&w.root, &w.home);
    git_in(root, home, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("agent.py"), "a = 1\nb = 2\nc = 3\nd = 4\n").unwrap();
    git_in(root, home, &["add", "agent.py"]);
    git_in(root, home, &["commit", "-q", "-m", "by an agent"]);
    git_in(
        root,
        home,
        &["notes", "--ref=ai", "add", "-m", GIT_AI_NOTE, "HEAD"],
    );
    let ai_before = git_in(root, home, &["rev-parse", "refs/notes/ai"]);

    let lines = blame(home, root, "agent.py");
    assert_eq!(origins(&lines), ["unknown", "agent", "agent", "unknown"]);
    assert_eq!(lines[1].1, "git-ai");
    assert_eq!(lines[0].1, Value::Null);

    // `mindgap note` takes git-ai's lines when it has nothing better, and says so.
    let out = mindgap(home, root, &["note"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let record = note(root, home, "HEAD");
    let convs = record["files"][0]["conversations"].as_array().unwrap();
    let agent = convs
        .iter()
        .find(|c| c["contributor"]["type"] == "ai")
        .unwrap();
    assert_eq!(agent["metadata"]["dev.mindgap"]["class"], "agent");
    assert_eq!(agent["metadata"]["dev.mindgap"]["source"], "git-ai");
    let lines = blame(home, root, "agent.py");
    assert_eq!(origins(&lines), ["unknown", "agent", "agent", "unknown"]);
    assert_eq!(lines[1].1, "git-ai");
    let ai_after = git_in(root, home, &["rev-parse", "refs/notes/ai"]);
    assert_eq!(ai_before, ai_after, "mindgap never writes git-ai's ref");

    // A corrupt note of ours: one warning, no crash, git-ai's note still read.
    git_in(
        root,
        home,
        &[
            "notes",
            "--ref=mindgap",
            "add",
            "-f",
            "-m",
            "{not json",
            "HEAD",
        ],
    );
    let out = mindgap(home, root, &["blame", "agent.py", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert_eq!(out.stderr.matches("skipped").count(), 1, "{}", out.stderr);
    let got: Vec<String> = out
        .json_lines()
        .iter()
        .map(|l| l["origin"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["unknown", "agent", "agent", "unknown"]);
    // A foreign git-ai note: skipped with a warning too.
    git_in(
        root,
        home,
        &["notes", "--ref=ai", "add", "-f", "-m", "hello", "HEAD"],
    );
    let out = mindgap(home, root, &["blame", "agent.py"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("git-ai's note"), "{}", out.stderr);
    // Export: one record per noted commit, one for the work in progress.
    std::fs::write(root.join("new.py"), "z = 1\n").unwrap();
    git_in(root, home, &["notes", "--ref=mindgap", "remove", "HEAD"]);
    mindgap(home, root, &["note", "-q"]);
    let out = mindgap(home, root, &["export", "--format", "agent-trace"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let records = out.json_lines();
    assert_eq!(records.len(), 2, "{}", out.stdout_str());
    assert_eq!(records[1]["metadata"]["dev.mindgap"]["uncommitted"], true);
    assert_eq!(records[1]["files"][0]["path"], "new.py");
}

#[test]
fn the_team_report_reads_the_notes_per_author_and_week() {
    let r = repo_with_hooks();
    let (root, home) = (&r.root, &r.home);
    write_with_help(home, root, "geo.py");
    git_in(root, home, &["add", "geo.py"]);
    git_in(root, home, &["commit", "-q", "-m", "geometry"]);
    // Amended: the note left on the replaced commit is not counted twice.
    git_in(root, home, &["commit", "-q", "--amend", "-m", "geometry!"]);
    std::fs::write(root.join("b.py"), "b = 1\nb = 2\n").unwrap();
    git_in(root, home, &["add", "b.py"]);
    let bob = [
        "-c",
        "user.name=Bob",
        "-c",
        "user.email=bob@example.invalid",
    ];
    let commit: Vec<&str> = bob
        .iter()
        .chain(&["commit", "-q", "-m", "bob's"])
        .copied()
        .collect();
    git_with(root, &commit, &[("MINDGAP_HOME", home.as_path())]);
    // A commit without a note counts among the period's commits only.
    std::fs::write(root.join("c.py"), "c = 1\n").unwrap();
    git_in(root, home, &["add", "c.py"]);
    git_in(root, home, &["commit", "-q", "--no-verify", "-m", "c"]);
    git_in(root, home, &["notes", "--ref=mindgap", "remove", "HEAD"]);

    // A commit only git-ai noted: its attested lines count; a corrupt note: skipped, said.
    std::fs::write(root.join("agent.py"), "a = 1\nb = 2\nc = 3\n").unwrap();
    git_in(root, home, &["add", "agent.py"]);
    git_in(root, home, &["commit", "-q", "--no-verify", "-m", "agent"]);
    git_in(root, home, &["notes", "--ref=mindgap", "remove", "HEAD"]);
    git_in(
        root,
        home,
        &["notes", "--ref=ai", "add", "-m", GIT_AI_NOTE, "HEAD"],
    );
    std::fs::write(root.join("d.py"), "d = 1\n").unwrap();
    git_in(root, home, &["add", "d.py"]);
    git_in(root, home, &["commit", "-q", "-m", "d"]);
    git_in(
        root,
        home,
        &["notes", "--ref=mindgap", "add", "-f", "-m", "[]", "HEAD"],
    );

    let out = mindgap(home, root, &["report", "--repo", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["commits"], 5, "{v}");
    assert_eq!(v["commits_with_notes"], 2, "{v}");
    assert_eq!(v["commits_with_git_ai_notes"], 1, "{v}");
    assert_eq!(v["skipped"].as_array().unwrap().len(), 1, "{v}");
    let authors = v["authors"].as_array().unwrap();
    let ann = authors
        .iter()
        .find(|a| a["author"] == "Ann <ann@example.invalid>")
        .unwrap();
    assert_eq!(ann["commits"], 2, "geometry, and the agent's commit");
    assert_eq!(ann["lines"]["own"], 2);
    assert_eq!(ann["lines"]["paste"], 2);
    assert_eq!(ann["lines"]["agent"], 2, "git-ai's lines 2-3 of agent.py");
    assert_eq!(ann["share"], 4.0 / 6.0);
    let bob = authors
        .iter()
        .find(|a| a["author"] == "Bob <bob@example.invalid>")
        .unwrap();
    assert_eq!(bob["lines"]["unknown"], 2);
    assert_eq!(bob["share"], Value::Null);
    assert_eq!(v["weeks"].as_array().unwrap().len(), 1);

    let text = mindgap(home, root, &["report", "--repo"]);
    assert!(
        text.stdout_str()
            .contains("3 of 5 commits in the period carry a note (1 of them git-ai's only)"),
        "{}",
        text.stdout_str()
    );
    assert!(text.stdout_str().contains("Ann <ann@example.invalid>"));
    let page = root.parent().unwrap().join("team.html");
    let out = mindgap(
        home,
        root,
        &[
            "report",
            "--repo",
            "--format",
            "html",
            "-o",
            page.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("Bob &lt;bob@example.invalid&gt;"), "{html}");
    assert_eq!(mindgap_e2e::file_mode(&page), 0o600);
}

#[test]
fn an_explained_block_is_counted_as_explained_in_the_note_and_the_team_report() {
    let r = repo_with_hooks();
    let (root, home) = (&r.root, &r.home);
    std::fs::write(
        root.join("mindgap.toml"),
        "explain_min_lines = 2\nexplain_min_words = 5\n",
    )
    .unwrap();
    let caps = json!({"general": {"positionEncodings": ["utf-16"]}, "window": {"showDocument": {"support": true}}});
    let mut s = Server::in_process(home, root, caps, json!({}));
    let path = root.join("geo.py");
    let uri = format!("file://{}", path.display());
    s.open(&uri, 1, "");
    s.insert(&uri, 2, 0, 0, PASTED);
    std::fs::write(&path, PASTED).unwrap();
    s.save(&uri);
    let published = s
        .recv_where(Duration::from_secs(6), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| d.iter().any(|d| d["code"] == "unexplained"))
        })
        .expect("the block asks for an explanation");
    let block = published["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "unexplained")
        .unwrap()["data"]["block"]
        .as_u64()
        .unwrap();
    let res = s
        .request(
            "workspace/executeCommand",
            json!({"command": "mindgap.explain", "arguments": [uri, block]}),
        )
        .unwrap();
    let md_uri = res["explanation"].as_str().unwrap().to_string();
    let md_path = md_uri.strip_prefix("file://").unwrap().to_string();
    let template = std::fs::read_to_string(&md_path).unwrap();
    s.open(&md_uri, 1, &template);
    let mut v = 1;
    let words = "the area of a circle from its radius";
    type_in(
        &mut s,
        &md_uri,
        &mut v,
        template.lines().count() as u32,
        words,
    );
    std::fs::write(&md_path, format!("{template}{words}")).unwrap();
    s.save(&md_uri);
    s.save(&uri);
    assert_eq!(s.shutdown_and_exit(), Some(0));

    git_in(root, home, &["add", "."]);
    git_in(root, home, &["commit", "-q", "-m", "explained"]);
    let record = note(root, home, "HEAD");
    let blocks = &record["metadata"]["dev.mindgap"]["blocks"];
    assert_eq!(blocks.as_array().unwrap().len(), 1, "{record}");
    assert_eq!(blocks[0]["class"], "paste");
    assert_eq!(blocks[0]["needs_explanation"], true);
    assert_eq!(blocks[0]["explained"], true, "{record}");
    let out = mindgap(home, root, &["report", "--repo", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["authors"][0]["blocks_needing_explanation"], 1, "{v}");
    assert_eq!(
        v["authors"][0]["blocks_needing_explanation_explained"], 1,
        "{v}"
    );
}
