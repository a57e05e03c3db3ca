//! Real sessions recorded from VS Code, Neovim and Helix (`tests/fixtures/traces/`), each with
//! a label per change: replay must give exactly one line per label, in order, for the same
//! change, with the same number of inserted characters; and the classifier must meet its bar
//! on them (at least 98% of inserted characters rightly outside help or not, and never a typed
//! run of more than 10 characters called outside help). Class agreement is reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mindgap_e2e::{run, workspace_root};
use serde_json::Value;

/// (trace, labels) pairs found in the fixtures folder.
fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let dir = workspace_root().join("tests/fixtures/traces");
    let mut found: Vec<(PathBuf, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?;
            let stem = name.strip_suffix(".trace.jsonl")?;
            let labels = dir.join(format!("{stem}.labels.jsonl"));
            Some((p.clone(), labels))
        })
        .collect();
    found.sort();
    for (trace, labels) in &found {
        assert!(
            labels.is_file(),
            "{} has no labels file {}",
            trace.display(),
            labels.display()
        );
    }
    // Three shared sessions (VS Code, Neovim, Helix) and three recorded here from Neovim.
    assert!(
        found.len() >= 6,
        "fixtures missing in {}: {found:?}",
        dir.display()
    );
    found
}

fn read_json_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// `mindgap replay --json [EXTRA…] TRACE`, which must succeed, as JSON lines.
fn replay_json(trace: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["replay", "--json"];
    args.extend_from_slice(extra);
    args.push(trace.to_str().expect("a UTF-8 path"));
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        name(trace),
        out.stderr
    );
    out.json_lines()
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn replay_gives_one_line_per_labelled_change() {
    let mut report = Vec::new();
    for (trace, labels_path) in fixtures() {
        let lines = replay_json(&trace, &[]);
        let (summary, body) = lines.split_last().expect("a summary line");
        assert!(summary.get("summary").is_some(), "last line: {summary}");
        // Disk changes carry a path, not a uri; the labels describe buffer changes only.
        let changes: Vec<&Value> = body.iter().filter(|l| l.get("path").is_none()).collect();
        assert!(changes.iter().all(|l| l.get("uri").is_some()));
        let labels = read_json_lines(&labels_path);
        // Paired by order, not by key: Neovim's reload shares version and change index with the
        // didChange before it.
        for (i, (got, want)) in changes.iter().zip(&labels).enumerate() {
            let key = |v: &Value| (v["uri"].clone(), v["version"].clone(), v["change"].clone());
            assert_eq!(
                key(got),
                key(want),
                "{} line {i}: replay {got} vs label {want}",
                name(&trace)
            );
            assert_eq!(
                got["inserted"],
                want["chars"],
                "{} line {i}: inserted differs: replay {got} vs label {want}",
                name(&trace)
            );
        }
        assert_eq!(
            changes.len(),
            labels.len(),
            "{}: {} replayed changes, {} labels",
            name(&trace),
            changes.len(),
            labels.len()
        );

        // Class agreement, reported only.
        let mut agree = 0;
        let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (got, want) in changes.iter().zip(&labels) {
            let (g, w) = (
                got["class"].as_str().unwrap_or("?").to_string(),
                want["class"].as_str().unwrap_or("?").to_string(),
            );
            if g == w {
                agree += 1;
            } else {
                *confusion.entry((w, g)).or_default() += 1;
            }
        }
        report.push(format!(
            "{}: classes agree on {agree}/{} ({:.1}%); label→replay misses: {}",
            name(&trace),
            labels.len(),
            100.0 * agree as f64 / labels.len().max(1) as f64,
            confusion
                .iter()
                .map(|((w, g), n)| format!("{w}→{g}×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for line in report {
        eprintln!("class agreement: {line}");
    }
}

#[test]
fn replaying_a_fixture_twice_gives_identical_output() {
    for (trace, _) in fixtures() {
        let a = run(["replay".as_ref(), "--json".as_ref(), trace.as_os_str()]);
        let b = run(["replay".as_ref(), "--json".as_ref(), trace.as_os_str()]);
        assert_eq!(a.status.code(), Some(0), "{}", a.stderr);
        assert!(!a.stdout.is_empty());
        assert!(a.stdout == b.stdout, "{}: two replays differ", name(&trace));
    }
}

/// The classifier's bar on the labelled corpus.
#[test]
fn classifier_meets_the_accuracy_bar_on_real_sessions() {
    const OUTSIDE: [&str; 3] = ["paste", "completion", "agent"];
    const BAR: f64 = 0.98;
    const LONGEST_TYPED_RUN_CALLED_OUTSIDE: u64 = 10;
    let (mut total, mut right) = (0u64, 0u64);
    let mut failures = Vec::new();
    for (trace, labels_path) in fixtures() {
        let lines = replay_json(&trace, &[]);
        let changes: Vec<&Value> = lines.iter().filter(|l| l.get("uri").is_some()).collect();
        let labels = read_json_lines(&labels_path);
        assert_eq!(changes.len(), labels.len(), "{}", name(&trace));
        let (mut t, mut r, mut run_chars, mut worst) = (0u64, 0u64, 0u64, 0u64);
        for (got, want) in changes.iter().zip(&labels) {
            let chars = want["chars"].as_u64().expect("chars");
            let got_outside = OUTSIDE.contains(&got["class"].as_str().unwrap_or(""));
            let want_class = want["class"].as_str().unwrap_or("");
            t += chars;
            if got_outside == OUTSIDE.contains(&want_class) {
                r += chars;
            }
            if want_class == "typed" && got_outside {
                run_chars += chars;
                worst = worst.max(run_chars);
            } else if want_class == "typed" || chars > 0 {
                run_chars = 0;
            }
        }
        eprintln!(
            "accuracy: {}: {r}/{t} characters rightly outside help or not ({:.2}%); longest typed run called outside help: {worst}",
            name(&trace),
            100.0 * r as f64 / t.max(1) as f64
        );
        if worst > LONGEST_TYPED_RUN_CALLED_OUTSIDE {
            failures.push(format!(
                "{}: a typed run of {worst} characters was called outside help",
                name(&trace)
            ));
        }
        total += t;
        right += r;
    }
    let share = right as f64 / total.max(1) as f64;
    eprintln!(
        "accuracy: corpus: {right}/{total} characters ({:.2}%), bar {:.0}%",
        100.0 * share,
        100.0 * BAR
    );
    assert!(
        share >= BAR,
        "accuracy {:.2}% is below the bar of {:.0}%",
        100.0 * share,
        100.0 * BAR
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The recorded Neovim session with a watched workspace: its `fs` and `agent` lines, replayed,
/// give each disk change its attribution — measured against git, named by the agent's log,
/// version control's — and the reload of the agent's write counts once.
#[test]
fn disk_and_agent_lines_of_a_recorded_session_replay_to_their_attribution() {
    let trace = workspace_root().join("tests/fixtures/traces/nvim_agents.trace.jsonl");
    let lines = replay_json(&trace, &["--explain"]);
    let disk = |path: &str| -> Value {
        lines
            .iter()
            .find(|l| l["path"] == path)
            .unwrap_or_else(|| panic!("no disk line for {path}"))
            .clone()
    };
    // util.py was never open: the agent's two new lines, not the whole file.
    assert_eq!(disk("util.py")["class"], "agent");
    assert_eq!(disk("util.py")["inserted"], 30);
    // Claude Code's log named both of its writes.
    for path in ["helpers.py", "orders.py"] {
        assert_eq!(disk(path)["class"], "agent", "{path}");
        assert_eq!(
            disk(path)["evidence"],
            "Claude Code's log says it wrote this file",
            "{path}"
        );
    }
    // The checkout's change to a closed file is version control's and counts nothing.
    assert_eq!(disk("config.py")["class"], "vcs");
    // The reload of the open file is the same write: counted once.
    let summary = &lines.last().unwrap()["summary"];
    let agent_chars = summary["by_class"]["agent"].as_u64().unwrap();
    assert_eq!(agent_chars, 30 + 39 + 28, "{summary}");
}
