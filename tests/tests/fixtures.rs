//! Real sessions recorded from VS Code, Neovim and Helix (`tests/fixtures/traces/`), each with
//! a label per change: replay must give exactly one line per label, in order, for the same
//! change, with the same number of inserted characters; and the classifier must meet its bar
//! on them (at least 98% of inserted characters rightly outside help or not, and never a typed
//! run of more than 10 characters called outside help). Class agreement is reported per file,
//! and over the whole corpus each labelled class keeps a floor: the share of its changes (and of
//! its characters) that replay gives the same class, so that a move or an undo read as typing
//! fails even though outside help or not is still right. The held-out sessions
//! (`tests/fixtures/heldout/`, `tests/fixtures/heldout2/`, never tuned on) are scored apart
//! and in aggregate only, against the target (99%, every class 95%), and may not fall back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mindgap_e2e::{run, workspace_root};
use serde_json::Value;

/// (trace, labels) pairs found in the fixtures folder (the sessions rules were tuned on).
fn fixtures() -> Vec<(PathBuf, PathBuf)> {
    let found = labelled_in("tests/fixtures/traces");
    // Three shared sessions (VS Code, Neovim, Helix), twenty recorded here from Neovim and one
    // from VS Code.
    assert!(found.len() >= 24, "fixtures missing: {found:?}");
    found
}

/// (trace, labels) pairs in `folder` (relative to the repository).
fn labelled_in(folder: &str) -> Vec<(PathBuf, PathBuf)> {
    let dir = workspace_root().join(folder);
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

/// Per labelled class, the least share (percent) of its changes, and of its characters, that
/// replay must give the same class, over the whole corpus. Each is set a point or so below what
/// the corpus measured when it was set (and never more than three below), rounded down: a small
/// class fails on its first new miss. Characters are not counted for deletes (they insert none).
const CLASS_FLOORS: [(&str, f64, Option<f64>); 9] = [
    // measured (29 sessions, after the fifth round): changes 4752/4766 (99.7%), characters
    // 5813/5831 (99.7%); misses read as editor ×12 (typing over a selection), paste ×1, undo ×1
    ("typed", 98.0, Some(98.0)),
    // 62/78 (79.5%), 3336/3499 (95.3%); misses read as completion ×16 (pastes at the cursor
    // right after typing there, which no change shows apart from an accepted suggestion)
    ("paste", 78.0, Some(94.0)),
    // 148/211 (70.1%), 1513/1800 (84.1%); misses read as paste ×35 (suggestions sent a character
    // at a time, on a line with no code before them: as a register put in Insert mode is),
    // typed ×28 (copilot.vim accepting a word a character at a time: alone, or five in a
    // notification, as fast typing arrives too)
    ("completion", 69.0, Some(83.0)),
    // 9/9, 532/532
    ("agent", 99.0, Some(99.0)),
    // 105/107 (98.1%), 2749/2751 (99.9%); the misses (the put of `xp`) are read as typed
    ("move", 97.0, Some(98.0)),
    // 758/820 (92.4%), 9299/9383 (99.1%); misses read as delete ×31, typed ×23, undo ×7, move ×1
    ("editor", 91.0, Some(98.0)),
    // 59/59, 1900/1900
    ("undo", 97.0, Some(99.0)),
    // 12/12, 1913/1913
    ("vcs", 99.0, Some(99.0)),
    // 331/336 (98.5%); no characters
    ("delete", 97.0, None),
];

/// Agreement per labelled class over the whole corpus: printed as a table, and each class held
/// to its floor in [`CLASS_FLOORS`].
#[test]
fn each_class_keeps_its_agreement_floor_over_the_corpus() {
    #[derive(Default)]
    struct Tally {
        changes: u64,
        changes_agree: u64,
        chars: u64,
        chars_agree: u64,
        /// Label → replay misses, by the class replay gave.
        misses: BTreeMap<String, u64>,
    }
    let mut by_class: BTreeMap<String, Tally> = BTreeMap::new();
    for (trace, labels_path) in fixtures() {
        let lines = replay_json(&trace, &[]);
        let changes: Vec<&Value> = lines.iter().filter(|l| l.get("uri").is_some()).collect();
        let labels = read_json_lines(&labels_path);
        assert_eq!(changes.len(), labels.len(), "{}", name(&trace));
        for (got, want) in changes.iter().zip(&labels) {
            let want_class = want["class"].as_str().expect("a labelled class");
            let got_class = got["class"].as_str().unwrap_or("?");
            let chars = want["chars"].as_u64().expect("chars");
            let t = by_class.entry(want_class.to_string()).or_default();
            t.changes += 1;
            t.chars += chars;
            if got_class == want_class {
                t.changes_agree += 1;
                t.chars_agree += chars;
            } else {
                *t.misses.entry(got_class.to_string()).or_default() += 1;
            }
        }
    }
    let pct = |n: u64, d: u64| 100.0 * n as f64 / d.max(1) as f64;
    let row = |cells: [String; 7]| {
        eprintln!(
            "{:<11}{:>11}{:>8}{:>7}{:>12}{:>8}{:>7}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]
        )
    };
    row([
        "class",
        "changes",
        "agree",
        "floor",
        "characters",
        "agree",
        "floor",
    ]
    .map(String::from));
    let mut failures = Vec::new();
    for (class, change_floor, char_floor) in CLASS_FLOORS {
        let Some(t) = by_class.get(class) else {
            failures.push(format!("{class}: has a floor but no labelled change"));
            continue;
        };
        let (changes, chars) = (pct(t.changes_agree, t.changes), pct(t.chars_agree, t.chars));
        row([
            class.to_string(),
            format!("{}/{}", t.changes_agree, t.changes),
            format!("{changes:.1}%"),
            format!("{change_floor:.0}%"),
            format!("{}/{}", t.chars_agree, t.chars),
            if t.chars > 0 {
                format!("{chars:.1}%")
            } else {
                "-".into()
            },
            char_floor.map_or("-".into(), |f| format!("{f:.0}%")),
        ]);
        if !t.misses.is_empty() {
            let misses: Vec<String> = t
                .misses
                .iter()
                .map(|(got, n)| format!("{class}→{got}×{n}"))
                .collect();
            eprintln!("{:<11}misses: {}", "", misses.join(", "));
        }
        if changes < change_floor {
            failures.push(format!(
                "{class}: replay agrees on {}/{} changes ({changes:.1}%), floor {change_floor}%",
                t.changes_agree, t.changes
            ));
        }
        if let Some(floor) = char_floor
            && chars < floor
        {
            failures.push(format!(
                "{class}: replay agrees on {}/{} characters ({chars:.1}%), floor {floor}%",
                t.chars_agree, t.chars
            ));
        }
    }
    for class in by_class.keys() {
        if !CLASS_FLOORS.iter().any(|(c, _, _)| c == class) {
            failures.push(format!(
                "{class}: labelled, but has no floor in CLASS_FLOORS"
            ));
        }
    }
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

/// Scores the labelled sessions in `folder` (held out: never tuned on) in aggregate — per
/// session the share of inserted characters rightly outside help or not, over all of them the
/// same and the agreement per labelled class — and returns that share (percent) with what falls
/// short of the target: at least 99% of inserted characters rightly outside help or not, every
/// labelled class at least 95% of its characters (of its changes, for classes that insert
/// none), and no typed change called outside help.
fn held_out_shortfalls(folder: &str) -> (f64, Vec<String>, BTreeMap<String, f64>) {
    const OUTSIDE: [&str; 3] = ["paste", "completion", "agent"];
    let held_out = labelled_in(folder);
    assert!(!held_out.is_empty(), "no held-out sessions in {folder}");
    let (mut total, mut right) = (0u64, 0u64);
    // class → (changes, agreeing changes, chars, agreeing chars)
    let mut by_class: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
    let mut shortfalls = Vec::new();
    let mut measured_by_class = BTreeMap::new();
    let mut typed_called_outside = 0u64;
    for (trace, labels_path) in held_out {
        let lines = replay_json(&trace, &[]);
        let changes: Vec<&Value> = lines.iter().filter(|l| l.get("uri").is_some()).collect();
        let labels = read_json_lines(&labels_path);
        assert_eq!(changes.len(), labels.len(), "{}", name(&trace));
        let (mut t, mut r) = (0u64, 0u64);
        for (got, want) in changes.iter().zip(&labels) {
            let chars = want["chars"].as_u64().expect("chars");
            let (got_class, want_class) = (
                got["class"].as_str().unwrap_or("?"),
                want["class"].as_str().unwrap_or(""),
            );
            let got_outside = OUTSIDE.contains(&got_class);
            t += chars;
            if got_outside == OUTSIDE.contains(&want_class) {
                r += chars;
            }
            if want_class == "typed" && got_outside {
                typed_called_outside += 1;
            }
            let c = by_class.entry(want_class.to_string()).or_default();
            c.0 += 1;
            c.2 += chars;
            if got_class == want_class {
                c.1 += 1;
                c.3 += chars;
            }
        }
        eprintln!(
            "{folder}: {}: {r}/{t} characters rightly outside help or not ({:.2}%)",
            name(&trace),
            100.0 * r as f64 / t.max(1) as f64
        );
        total += t;
        right += r;
    }
    let share = 100.0 * right as f64 / total.max(1) as f64;
    eprintln!("{folder}: all: {right}/{total} characters ({share:.2}%), target 99%");
    if share < 99.0 {
        shortfalls.push(format!("outside help or not: {share:.2}% < 99%"));
    }
    if typed_called_outside > 0 {
        shortfalls.push(format!(
            "{typed_called_outside} typed changes called outside help"
        ));
    }
    for (class, (n, agree, chars, chars_agree)) in &by_class {
        let changes = 100.0 * *agree as f64 / (*n).max(1) as f64;
        let of_chars = 100.0 * *chars_agree as f64 / (*chars).max(1) as f64;
        eprintln!(
            "{folder}: {class:<11} changes {agree}/{n} ({changes:.1}%), characters {chars_agree}/{chars} ({of_chars:.1}%)"
        );
        let measured = if *chars > 0 { of_chars } else { changes };
        measured_by_class.insert(class.clone(), measured);
        if measured < 95.0 {
            shortfalls.push(format!("{class}: {measured:.1}% < 95%"));
        }
    }
    for s in &shortfalls {
        eprintln!("{folder}: short of the target: {s}");
    }
    (share, shortfalls, measured_by_class)
}

/// Fails when a held-out set fell below what it measured: overall, or any class (`floors`:
/// class → percent of characters, of changes for classes that insert none).
fn hold_the_line(folder: &str, share_floor: f64, floors: &[(&str, f64)]) {
    let (share, shortfalls, by_class) = held_out_shortfalls(folder);
    let mut fell = Vec::new();
    if share < share_floor {
        fell.push(format!("outside help or not: {share:.2}% < {share_floor}%"));
    }
    if shortfalls
        .iter()
        .any(|s| s.contains("typed changes called outside help"))
    {
        fell.push("a typed change called outside help".to_string());
    }
    for (class, floor) in floors {
        let got = by_class.get(*class).copied().unwrap_or(0.0);
        if got < *floor {
            fell.push(format!("{class}: {got:.1}% < {floor}%"));
        }
    }
    assert!(fell.is_empty(), "{folder} fell back: {fell:#?}");
}

/// The first held-out set (`tests/fixtures/heldout/`): recorded with the real editors, never
/// used to tune a rule. The target (99%, every class 95%) is not met by every class — the output
/// says by how much — so this holds the line instead: never below what it measured after the
/// fifth tuning round (99.47%; per class a point below), and never a typed change called outside
/// help.
#[test]
fn held_out_sessions_do_not_fall_back() {
    hold_the_line(
        "tests/fixtures/heldout",
        99.4,
        &[
            ("agent", 99.0),
            ("completion", 70.0),
            ("delete", 74.0),
            ("editor", 98.0),
            ("move", 99.0),
            ("paste", 99.0),
            ("typed", 98.0),
            ("undo", 99.0),
            ("vcs", 99.0),
        ],
    );
}

/// The second held-out set (`tests/fixtures/heldout2/`): recorded after every rule of issue 13
/// was written, never tuned on and never read change by change. What it measured after the fifth
/// tuning round (97.84%; per class a point below) is the line it may not fall below.
#[test]
fn second_held_out_set_does_not_fall_back() {
    hold_the_line(
        "tests/fixtures/heldout2",
        97.8,
        &[
            ("agent", 99.0),
            ("completion", 98.0),
            ("delete", 96.0),
            ("editor", 98.0),
            ("move", 77.0),
            ("paste", 82.0),
            ("typed", 98.0),
            ("undo", 99.0),
            ("vcs", 99.0),
        ],
    );
}

/// The third held-out set (`tests/fixtures/heldout3/`): planned and recorded blind by someone who
/// never scored it, while the fifth tuning round was under way; first scored, in aggregate only,
/// with that round's rules (99.53%), 99.65% after its last rule (per class a point below).
#[test]
fn third_held_out_set_does_not_fall_back() {
    hold_the_line(
        "tests/fixtures/heldout3",
        99.6,
        &[
            ("agent", 99.0),
            ("completion", 62.0),
            ("delete", 95.0),
            ("editor", 98.0),
            ("move", 99.0),
            ("paste", 99.0),
            ("typed", 98.0),
            ("undo", 87.0),
            ("vcs", 99.0),
        ],
    );
}
