//! The report as text for a terminal: compact, within 80 columns, a sparkline per series.

use std::fmt::Write;

use super::{Report, pct, thousands};

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// One character per value, scaled between `lo` and `hi`; `·` where there is no value.
pub fn sparkline(values: &[Option<f64>], lo: f64, hi: f64) -> String {
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(v) if hi <= lo => {
                let _ = v;
                BARS[0]
            }
            Some(v) => {
                let x = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
                BARS[(x * 7.0).round() as usize]
            }
        })
        .collect()
}

/// Scaled from zero to the series' largest value.
fn spark0(values: &[Option<f64>]) -> String {
    let hi = values.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    sparkline(values, 0.0, hi)
}

/// `3% → 21%` from the first and last values there are.
fn trend(values: &[Option<f64>], show: impl Fn(f64) -> String) -> String {
    let mut it = values.iter().flatten();
    match (it.next(), values.iter().flatten().last()) {
        (Some(a), Some(b)) if values.iter().flatten().count() > 1 => {
            format!("{} → {}", show(*a), show(*b))
        }
        (Some(a), _) => show(*a),
        _ => "–".into(),
    }
}

/// Wraps `text` at `width` columns, every line after the first indented by `indent`.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::from(first);
    let mut col = first.chars().count();
    let mut fresh = true;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if !fresh && col + 1 + n > width {
            out.push('\n');
            out.push_str(indent);
            col = indent.chars().count();
            fresh = true;
        }
        if !fresh {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += n;
        fresh = false;
    }
    out
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// The whole report; a short note that says what to do when there is nothing to show.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let since = r.date(r.since_ms);
    let until = r.date(r.now_ms);
    let _ = writeln!(
        o,
        "mindgap report · {since} – {until} · {} weeks",
        r.weeks.len()
    );
    if !r.store {
        o.push_str(
            "\nNo record yet. mindgap starts counting once an editor runs `mindgap lsp`\n(or try `mindgap demo`); start a task with `mindgap task start NAME`.\n",
        );
        return o;
    }
    if r.is_empty() {
        o.push_str(
            "\nNothing recorded in this period. Try a longer one (`--since 26w`), or code\nwith an editor running `mindgap lsp`.\n",
        );
        return o;
    }

    trends(&mut o, r);
    week_table(&mut o, r);
    signals(&mut o, r);
    tasks(&mut o, r);
    learning(&mut o, r);
    self_checks(&mut o, r);
    audits(&mut o, r);
    o
}

/// A sparkline per share and of the work, with their trends and the period's values.
fn trends(o: &mut String, r: &Report) {
    let target = r.target_early_share;
    let shares: Vec<_> = r.weeks.iter().map(|w| w.shares()).collect();
    let early: Vec<Option<f64>> = shares.iter().map(|s| s.early).collect();
    let late: Vec<Option<f64>> = shares.iter().map(|s| s.late).collect();
    let overall: Vec<Option<f64>> = shares.iter().map(|s| s.overall).collect();
    let work: Vec<Option<f64>> = r.weeks.iter().map(|w| Some(w.work())).collect();
    let all = r.shares();
    let _ = writeln!(
        o,
        "\nOutside help per week (the early share should stay under {})",
        pct(Some(target))
    );
    let p = |v: f64| pct(Some(v));
    for (name, series, period) in [
        ("early", &early, all.early),
        ("late", &late, all.late),
        ("overall", &overall, all.overall),
    ] {
        let warn = if name == "early" && period.is_some_and(|e| e > target) {
            " ⚠"
        } else {
            ""
        };
        let _ = writeln!(
            o,
            "  {name:<8} {}  {:<13} period {}{warn}",
            spark0(series),
            trend(series, p),
            pct(period)
        );
    }
    let total: f64 = r.weeks.iter().map(|w| w.work()).sum();
    let _ = writeln!(
        o,
        "  {:<8} {}  {} characters typed or helped",
        "work",
        spark0(&work),
        thousands(total.round() as u64)
    );
}

/// One row per week.
fn week_table(o: &mut String, r: &Report) {
    let shares: Vec<_> = r.weeks.iter().map(|w| w.shares()).collect();
    o.push_str("\n  week         work  early   late  overall  manual  log  check\n");
    for (w, s) in r.weeks.iter().zip(&shares) {
        let manual = if w.manual_broken > 0 {
            format!("{} ({}✗)", w.manual_finished, w.manual_broken)
        } else {
            w.manual_finished.to_string()
        };
        let check = w
            .self_check_average
            .map_or_else(|| "–".to_string(), |a| format!("{a:.1}"));
        let _ = writeln!(
            o,
            "  {:<9} {:>7}  {:>5}  {:>5}  {:>7}  {:>6}  {:>3}  {:>5}",
            w.label(),
            thousands(w.work().round() as u64),
            pct(s.early),
            pct(s.late),
            pct(s.overall),
            manual,
            w.learning_entries,
            check
        );
    }
}

/// The signals of a gap opening, wrapped.
fn signals(o: &mut String, r: &Report) {
    o.push_str("\nSignals\n");
    if r.signals.is_empty() {
        o.push_str("  None: no sign of a gap opening. Keep it up.\n");
    }
    for s in &r.signals {
        let _ = writeln!(o, "{}", wrap(&s.text, 78, "  ! ", "    "));
    }
}

/// The latest twenty tasks and the period's manual features.
fn tasks(o: &mut String, r: &Report) {
    let _ = writeln!(o, "\nTasks ({})", r.tasks.len());
    if !r.tasks.is_empty() {
        o.push_str("  name                       state        work  early   late  overall\n");
    }
    for t in r.tasks.iter().rev().take(20) {
        let mark = match (t.manual, t.broken) {
            (true, true) => " (manual ✗)",
            (true, false) => " (manual)",
            _ => "",
        };
        let name = format!("{}{mark}", cut(&t.name, 26 - mark.chars().count()));
        let _ = writeln!(
            o,
            "  {:<26} {:<8} {:>8}  {:>5}  {:>5}  {:>7}",
            name,
            t.state,
            thousands(t.work),
            pct(t.shares.early),
            pct(t.shares.late),
            pct(t.shares.overall)
        );
    }
    if r.tasks.len() > 20 {
        let _ = writeln!(
            o,
            "  … and {} earlier (see --format json)",
            r.tasks.len() - 20
        );
    }
    let manual: u32 = r.weeks.iter().map(|w| w.manual_finished).sum();
    let broken: u32 = r.weeks.iter().map(|w| w.manual_broken).sum();
    let _ = writeln!(
        o,
        "  manual features: {manual} finished, {broken} broken by outside help (✗)"
    );
}

/// The learning log's entries per week and its last entry.
fn learning(o: &mut String, r: &Report) {
    let l = &r.learning;
    let last = match (l.last_entry, l.days_silent) {
        (Some(d), Some(0)) => format!("last {d} (today)"),
        (Some(d), Some(n)) => format!("last {d} ({n} days ago)"),
        _ => "none yet".into(),
    };
    let log: Vec<Option<f64>> = r
        .weeks
        .iter()
        .map(|w| Some(f64::from(w.learning_entries)))
        .collect();
    let _ = writeln!(
        o,
        "\nLearning log  {}  {} entries in the period, {last}",
        spark0(&log),
        l.entries
    );
}

/// Self-check averages per week, overall and per question.
fn self_checks(o: &mut String, r: &Report) {
    o.push_str("\nSelf-check (1 very uncomfortable … 5 comfortable)\n");
    if r.self_checks.is_empty() {
        o.push_str("  none in the period; `mindgap self-check` takes a minute\n");
    } else {
        let avg: Vec<Option<f64>> = r.weeks.iter().map(|w| w.self_check_average).collect();
        let one = |v: f64| format!("{v:.1}");
        let _ = writeln!(
            o,
            "  average  {}  {}",
            sparkline(&avg, 1.0, 5.0),
            trend(&avg, one)
        );
        for q in 0..5 {
            let s: Vec<Option<f64>> = r.weeks.iter().map(|w| w.self_check_q[q]).collect();
            let _ = writeln!(
                o,
                "  q{}       {}  {}",
                q + 1,
                sparkline(&s, 1.0, 5.0),
                trend(&s, one)
            );
        }
    }
}

/// The audits of the period.
fn audits(o: &mut String, r: &Report) {
    o.push_str("\nAudits\n");
    if r.audits.is_empty() {
        o.push_str("  none in the period; `mindgap audit` tests one skill a month\n");
    }
    for a in &r.audits {
        let status = match (a.finished_ms, a.gaps) {
            (Some(f), Some(g)) => format!(
                "finished {}, {g} gap{}",
                r.date(f),
                if g == 1 { "" } else { "s" }
            ),
            (Some(f), None) => format!("finished {}", r.date(f)),
            (None, _) => "running".into(),
        };
        let _ = writeln!(
            o,
            "  {}  {:<30} {status}",
            r.date(a.started_ms),
            cut(&a.skill, 30)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practices::report::tests::{NOW, task};
    use crate::practices::report::{Input, build};
    use crate::practices::timeline::DAY_MS;

    #[test]
    fn sparklines_scale_between_bounds_and_mark_gaps() {
        assert_eq!(
            sparkline(&[Some(0.0), Some(0.5), Some(1.0), None], 0.0, 1.0),
            "▁▅█·"
        );
        assert_eq!(sparkline(&[Some(3.0), Some(3.0)], 3.0, 3.0), "▁▁");
        assert_eq!(sparkline(&[Some(9.0), Some(-1.0)], 0.0, 1.0), "█▁");
        assert_eq!(spark0(&[Some(0.0), Some(0.1), Some(0.2)]), "▁▅█");
        assert_eq!(sparkline(&[], 0.0, 1.0), "");
    }

    #[test]
    fn wraps_at_the_width_with_an_indent() {
        let w = wrap("aaa bbb ccc ddd", 9, "! ", "  ");
        assert_eq!(w, "! aaa bbb\n  ccc ddd");
    }

    #[test]
    fn fits_in_80_columns_and_says_something_when_empty() {
        let mut tasks = Vec::new();
        for i in 0..30 {
            let t0 = NOW - (50 - i) * DAY_MS;
            tasks.push(task(
                i,
                &format!("a-task-with-a-rather-long-name-{i}"),
                i % 3 == 0,
                Some(t0 + 1000),
                &[(t0, 900, false), (t0 + 10, 100 + i as u64, i % 2 == 0)],
            ));
        }
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 56 * DAY_MS,
            tasks,
            store: true,
            target_early_share: 0.2,
            ..Input::default()
        });
        let out = render(&r);
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "too wide: {line:?}");
        }
        assert!(out.contains("Outside help per week"));
        assert!(out.contains("… and 10 earlier"));

        let empty = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 56 * DAY_MS,
            store: true,
            ..Input::default()
        });
        assert!(render(&empty).contains("Nothing recorded in this period"));
        let missing = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 56 * DAY_MS,
            ..Input::default()
        });
        assert!(render(&missing).contains("No record yet"));
    }
}
