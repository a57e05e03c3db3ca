//! Behaviour pinned byte for byte: `mindgap replay --json` (and `--json --explain`) of every
//! labelled fixture must print exactly what `tests/fixtures/golden/` holds. Refactors keep these
//! files unchanged; a deliberate change of behaviour regenerates them with
//! `MINDGAP_BLESS=1 cargo test -p mindgap-e2e --test golden` and says why in its commit.

use std::path::{Path, PathBuf};

use mindgap_e2e::{run, workspace_root};

fn traces() -> Vec<PathBuf> {
    let dir = workspace_root().join("tests/fixtures/traces");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".trace.jsonl"))
        .collect();
    found.sort();
    assert!(found.len() >= 6, "fixtures missing in {}", dir.display());
    found
}

fn stem(trace: &Path) -> String {
    let name = trace.file_name().unwrap().to_string_lossy();
    name.trim_end_matches(".trace.jsonl").to_string()
}

/// Compares `got` with the golden file `name` (or writes it, when blessing); returns a
/// description of the first difference.
fn compare(name: &str, got: &[u8]) -> Option<String> {
    let path = workspace_root().join("tests/fixtures/golden").join(name);
    if std::env::var_os("MINDGAP_BLESS").is_some() {
        std::fs::write(&path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return None;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if want == got {
        return None;
    }
    let (want, got) = (String::from_utf8_lossy(&want), String::from_utf8_lossy(got));
    let mut want_lines = want.lines();
    let mut got_lines = got.lines();
    for n in 1.. {
        match (want_lines.next(), got_lines.next()) {
            (None, None) => break,
            (w, g) if w == g => continue,
            (w, g) => {
                return Some(format!(
                    "{name} line {n}:\n  golden: {}\n  now:    {}",
                    w.unwrap_or("<end>"),
                    g.unwrap_or("<end>")
                ));
            }
        }
    }
    Some(format!("{name}: differs"))
}

#[test]
fn replay_of_every_fixture_matches_its_golden_file() {
    let mut diffs = Vec::new();
    for trace in traces() {
        for (suffix, extra) in [("json", None), ("explain", Some("--explain"))] {
            let mut args = vec!["replay".to_string(), "--json".to_string()];
            args.extend(extra.map(String::from));
            args.push(trace.to_string_lossy().into_owned());
            let out = run(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: {}",
                trace.display(),
                out.stderr
            );
            diffs.extend(compare(
                &format!("{}.{suffix}.jsonl", stem(&trace)),
                &out.stdout,
            ));
        }
    }
    // Several traces in one run: their lines in order and one summary over all of them.
    let mut args = vec!["replay".to_string(), "--json".to_string()];
    args.extend(traces().iter().map(|t| t.to_string_lossy().into_owned()));
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", out.stderr);
    diffs.extend(compare("all.json.jsonl", &out.stdout));
    assert!(
        diffs.is_empty(),
        "replay output changed:\n{}",
        diffs.join("\n")
    );
}
