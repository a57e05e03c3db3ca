//! Real sessions recorded from VS Code, Neovim and Helix (`tests/fixtures/traces/`), each with
//! hand-written labels: replay must give exactly one line per label, in order, for the same
//! change, with the same number of inserted characters. Classes are compared and reported, not
//! yet asserted (the classifier is being built).

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

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn replay_gives_one_line_per_labelled_change() {
    let mut report = Vec::new();
    for (trace, labels_path) in fixtures() {
        let out = run(["replay".as_ref(), "--json".as_ref(), trace.as_os_str()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            name(&trace),
            out.stderr
        );
        let lines = out.json_lines();
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
