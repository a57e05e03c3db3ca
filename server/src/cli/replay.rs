//! `mindgap replay` and `mindgap demo`: run traces through the pipeline and print the result.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;

use crate::events::EditEvent;
use crate::replay::{Line, Replayer, Report, Summary, replay_trace};
use crate::store::Store;
use crate::trace;
use crate::trace::reader::{Read, Reader};

/// The real Neovim session `mindgap demo` replays.
const DEMO_TRACE: &str = include_str!("../../demo/nvim_units.trace.jsonl");

/// How many of the newest events `replay` holds before printing the oldest: an amendment or an
/// undo that reaches further back than this (hours of typing) no longer changes its line.
const HELD_EVENTS: usize = 50_000;

pub fn replay(
    home: Option<PathBuf>,
    json: bool,
    explain: bool,
    paths: &[String],
) -> Result<i32, String> {
    if paths.is_empty() {
        return Err("`mindgap replay` needs at least one trace file; see `mindgap --help`.".into());
    }
    // Every trace's header is read first: a file that is no trace fails before any output.
    let mut readers = Vec::new();
    for p in paths {
        let file = File::open(p).map_err(|e| format!("cannot read {p}: {e}"))?;
        let (header, reader) =
            Reader::new(BufReader::new(file)).map_err(|e| format!("{p}: {e}"))?;
        readers.push((p, header, reader));
    }
    let (_tmp, home) = home_or_temp(home)?;
    let store = Store::open(&home);
    let _ = store.warning(); // waits until the store is open: its warning comes first
    let tell = |store: &Store| {
        for w in store.take_warnings() {
            eprintln!("mindgap: {w}");
        }
    };
    tell(&store);
    let stdout = io::stdout();
    let mut out = Printer {
        out: io::BufWriter::new(stdout.lock()),
        json,
        explain,
        failed: None,
    };
    let mut report = Report::default();
    for (path, header, mut reader) in readers {
        report.begin_trace();
        let mut replayer = Replayer::new(header);
        while let Some(read) = reader.next_entry().map_err(|e| format!("{path}: {e}"))? {
            match read {
                Read::Entry(entry) => replayer.feed(&entry, &store, &mut |e| report.add(e)),
                Read::Skipped(line, reason) => {
                    eprintln!("mindgap: {path}:{line} skipped ({reason})")
                }
            }
            out.lines(report.settled(HELD_EVENTS));
        }
        replayer.finish(&store);
    }
    out.lines(report.settled(0));
    if report.late > 0 {
        eprintln!(
            "mindgap: {} later insights reached past the {HELD_EVENTS} newest events and could not change their lines",
            report.late
        );
    }
    let summary = report.summary();
    let res = if json {
        writeln!(out.out, "{}", summary.to_json())
    } else {
        writeln!(out.out, "{}", summary_text(&summary))
    };
    store.flush();
    tell(&store);
    drop(store);
    match out.failed.map_or(res, Err).and_then(|_| out.out.flush()) {
        Ok(()) => Ok(0),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(format!("cannot write the output: {e}.")),
    }
}

/// Prints replay's change lines as they settle; keeps the first write error.
struct Printer<W: Write> {
    out: W,
    json: bool,
    explain: bool,
    failed: Option<io::Error>,
}

impl<W: Write> Printer<W> {
    fn lines(&mut self, events: Vec<(EditEvent, bool)>) {
        for (e, undone) in &events {
            let res = if self.json {
                writeln!(self.out, "{}", line_json(e, *undone, self.explain))
            } else {
                writeln!(self.out, "{}", line_text(e, *undone, self.explain))
            };
            if let Err(err) = res {
                self.failed.get_or_insert(err);
            }
        }
    }
}

pub fn demo() -> Result<i32, String> {
    let trace =
        trace::parse(DEMO_TRACE).map_err(|e| format!("the bundled demo trace is broken: {e}."))?;
    let (_tmp, home) = home_or_temp(None)?;
    let store = Store::open(&home);
    let mut report = Report::default();
    replay_trace(&trace, &store, &mut |e| report.add(e));
    drop(store);
    let (events, undone): (Vec<EditEvent>, Vec<bool>) = report.settled(0).into_iter().unzip();

    let client = trace.header.client_name.as_deref().unwrap_or("an editor");
    let version = trace.header.client_version.as_deref().unwrap_or("");
    let mut out = String::new();
    out.push_str(&format!(
        "mindgap demo — a real session recorded from {client} {version}, replayed through the server's pipeline\n\n"
    ));
    // Runs of the same class in the same document read as one line.
    let mut summary = Summary::default();
    let mut i = 0;
    while i < events.len() {
        let first = &events[i];
        let mut j = i;
        let (mut ins, mut del) = (0u64, 0u64);
        while j < events.len()
            && events[j].class == first.class
            && events[j].subject == first.subject
            && events[j].source == first.source
            && events[j].counted == first.counted
            && undone[j] == undone[i]
        {
            ins += u64::from(events[j].inserted);
            del += u64::from(events[j].deleted);
            summary.add(&events[j], undone[j]);
            j += 1;
        }
        let n = j - i;
        let what = if n == 1 {
            "1 change ".to_string()
        } else {
            format!("{n} changes")
        };
        let note = match (first.source, first.counted) {
            _ if undone[i] => "  (undone)",
            (crate::events::Source::Disk, _) => "  (written on disk)",
            (_, false) => "  (the editor reloads it: counted once)",
            (crate::events::Source::Reopen, true) => "  (reloaded from disk)",
            _ => "",
        };
        out.push_str(&format!(
            "  {:>7.1}s  {:<10} {what:>11}  +{ins} −{del}  {}{note}  — {}\n",
            first.t / 1000.0,
            first.class.as_str(),
            short_subject(&first.subject),
            first.evidence
        ));
        i = j;
    }
    out.push('\n');
    out.push_str(&summary_text(&summary));
    out.push('\n');
    print!("{out}");
    Ok(0)
}

/// A home for this run: the given one, or a temporary folder removed at the end.
fn home_or_temp(home: Option<PathBuf>) -> Result<(Option<tempfile::TempDir>, PathBuf), String> {
    match home {
        Some(h) => Ok((None, h)),
        None => {
            let tmp = tempfile::Builder::new()
                .prefix("mindgap-replay-")
                .tempdir()
                .map_err(|e| format!("cannot create a temporary home: {e}; pass --home DIR."))?;
            let path = tmp.path().to_path_buf();
            Ok((Some(tmp), path))
        }
    }
}

fn line_json(e: &EditEvent, undone: bool, explain: bool) -> String {
    serde_json::to_string(&Line::of(e, undone, explain)).expect("replay lines serialize")
}

fn short_subject(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

fn line_text(e: &EditEvent, undone: bool, explain: bool) -> String {
    let place = match e.source {
        crate::events::Source::Disk => format!("{} (disk)", e.subject),
        crate::events::Source::Reopen => {
            format!("{} v{} (reload)", short_subject(&e.subject), e.version)
        }
        crate::events::Source::Change => {
            format!("{} v{}#{}", short_subject(&e.subject), e.version, e.change)
        }
    };
    let line = format!(
        "{:>9.3}s  {:<28} {:<10} +{} −{}{}",
        e.t / 1000.0,
        place,
        e.class.as_str(),
        e.inserted,
        e.deleted,
        if undone { "  (undone)" } else { "" }
    );
    if explain {
        format!("{line}  ({:.2}: {})", e.confidence, e.evidence)
    } else {
        line
    }
}

fn summary_text(s: &Summary) -> String {
    let classes: Vec<String> = s
        .by_class
        .iter()
        .map(|(c, n)| format!("{} {n}", c.as_str()))
        .collect();
    let share = match s.outside_share() {
        Some(f) => format!("{:.1}% outside help", f * 100.0),
        None => "no work yet".into(),
    };
    let undone: Vec<String> = (s.undone.iter())
        .map(|(c, n)| format!("{} {n}", c.as_str()))
        .collect();
    let undone = if undone.is_empty() {
        String::new()
    } else {
        format!("\ntried and undone (not counted): {}", undone.join(" · "))
    };
    format!(
        "characters by class: {}\nwork: {} characters, {share}{undone}",
        if classes.is_empty() {
            "none".into()
        } else {
            classes.join(" · ")
        },
        s.work()
    )
}
