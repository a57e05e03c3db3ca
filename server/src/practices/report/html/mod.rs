//! The report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts, no
//! fonts, images or anything else fetched; light and dark by `prefers-color-scheme`.
//!
//! This file owns the page: its style, its sections in order, and escaping. The SVG charts are
//! `charts`' job.

mod charts;

use std::fmt::Write;

use super::{Report, pct, thousands};
use charts::{bars_chart, compact, nice, shares_chart};

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

pub const CSS: &str = r#"
:root{--bg:#fbfaf7;--fg:#1d2126;--muted:#5f6873;--line:#e3e0d8;--card:#ffffff;
--early:#d9480f;--late:#3b6fd8;--overall:#1d2126;--target:#2b8a3e;--work:#9aa5b1;
--warn-bg:#fff4e6;--warn-line:#f08c00;--ok-bg:#ebfbee;--ok-line:#2b8a3e;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#15181c;--fg:#e6e8eb;--muted:#9aa3ad;--line:#2c3138;
--card:#1c2026;--early:#ff8a4c;--late:#74a0ff;--overall:#e6e8eb;--target:#51cf66;--work:#5c6773;
--warn-bg:#2b2013;--warn-line:#f59f00;--ok-bg:#132519;--ok-line:#40c057}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:960px;margin:0 auto;padding:32px 24px 56px}
h1{font-size:28px;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:18px;margin:36px 0 12px}
.sub{color:var(--muted);margin:0 0 24px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.card b{display:block;font-size:24px;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
.card span{color:var(--muted);font-size:13px}
.card.bad b{color:var(--early)}
.callout{border-left:4px solid var(--warn-line);background:var(--warn-bg);border-radius:6px;
padding:10px 14px;margin:8px 0}
.callout.ok{border-color:var(--ok-line);background:var(--ok-bg)}
.callout small{display:block;color:var(--muted);font-size:12px;margin-top:2px;
font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:14px 14px 8px}
figcaption{color:var(--muted);font-size:13px;margin-bottom:6px}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:13px;color:var(--muted);margin:8px 4px 4px}
.legend i{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
svg{display:block;width:100%;height:auto}
svg text{fill:var(--muted);font-size:11px;font-family:inherit}
.grid{stroke:var(--line);stroke-width:1}
.early{fill:var(--early)}.late{fill:var(--late)}.work{fill:var(--work)}
.overall{stroke:var(--overall);fill:none;stroke-width:2}
.dot{fill:var(--overall)}
.target{stroke:var(--target);stroke-width:1.5;stroke-dasharray:6 4}
text.tlabel{fill:var(--target)}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:14px}
th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th{color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
th:first-child,td:first-child{text-align:left;white-space:normal}
td.hi{color:var(--early);font-weight:600}
.tag{display:inline-block;font-size:11px;border:1px solid var(--line);border-radius:999px;
padding:0 7px;margin-left:6px;color:var(--muted)}
.tag.broken{border-color:var(--early);color:var(--early)}
.two{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.two{margin-top:16px}
@media (max-width:720px){.two{grid-template-columns:1fr}}
.empty{color:var(--muted)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;
background:var(--line);border-radius:4px;padding:1px 5px}
.callout strong{font-weight:600}
footer{margin-top:40px;color:var(--muted);font-size:12px}
"#;

/// Escaped text with `code spans` as `<code>`.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

/// A signal's numbers as `name value · name value`, nested names joined by a dot.
fn numbers(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    let show = |v: &Value| match v {
        Value::Number(n) => n.as_f64().map_or_else(
            || n.to_string(),
            |f| format!("{}", (f * 1000.0).round() / 1000.0),
        ),
        Value::Null => "–".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let name = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                numbers(&name, v, out);
            }
        }
        Value::Array(a) => out.push(format!(
            "{prefix} {}",
            a.iter().map(show).collect::<Vec<_>>().join(", ")
        )),
        v => out.push(format!("{prefix} {}", show(v))),
    }
}

fn card(o: &mut String, value: &str, label: &str, bad: bool) {
    let _ = write!(
        o,
        r#"<div class="card{}"><b>{}</b><span>{}</span></div>"#,
        if bad { " bad" } else { "" },
        esc(value),
        esc(label)
    );
}

fn cell_share(v: Option<f64>, limit: Option<f64>) -> String {
    let hi = matches!((v, limit), (Some(v), Some(l)) if v > l);
    format!(
        "<td{}>{}</td>",
        if hi { r#" class="hi""# } else { "" },
        pct(v)
    )
}

/// The whole page; a page that says what to do when there is nothing to show.
pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let since = r.date(r.since_ms);
    let until = r.date(r.now_ms);
    let _ = write!(
        o,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>mindgap report · {since} – {until}</title><style>{CSS}</style></head><body><main><h1>mindgap report</h1><p class="sub">{since} – {until} · {} weeks · how you leaned on outside help, and how your own practice went</p>"#,
        r.weeks.len()
    );
    if !r.store || r.is_empty() {
        let msg = if r.store {
            "Nothing was recorded in this period. Try a longer one (<code>--since 26w</code>), or code with an editor running <code>mindgap lsp</code>."
        } else {
            "No record yet. mindgap starts counting once an editor runs <code>mindgap lsp</code> (or try <code>mindgap demo</code>); start a task with <code>mindgap task start NAME</code>."
        };
        let _ = write!(
            o,
            r#"<div class="callout ok">{msg}</div></main></body></html>"#
        );
        return o;
    }
    cards(&mut o, r);
    signal_callouts(&mut o, r);
    figures(&mut o, r);
    week_table(&mut o, r);
    task_table(&mut o, r);
    learning_and_audits(&mut o, r);
    self_check_table(&mut o, r);
    o.push_str("<footer>Made by <code>mindgap report</code> from the record on this machine; nothing here left it.</footer></main></body></html>\n");
    o
}

/// The period's headline numbers.
fn cards(o: &mut String, r: &Report) {
    let all = r.shares();
    let target = r.target_early_share;
    let work: f64 = r.weeks.iter().map(|w| w.work()).sum();
    let manual: u32 = r.weeks.iter().map(|w| w.manual_finished).sum();
    let broken: u32 = r.weeks.iter().map(|w| w.manual_broken).sum();
    o.push_str(r#"<section class="cards">"#);
    card(
        o,
        &pct(all.early),
        &format!("early share (target under {})", pct(Some(target))),
        all.early.is_some_and(|e| e > target),
    );
    card(o, &pct(all.late), "late share", false);
    card(o, &pct(all.overall), "overall share", false);
    card(
        o,
        &thousands(work.round() as u64),
        "characters of work",
        false,
    );
    card(
        o,
        &manual.to_string(),
        &if broken > 0 {
            format!("manual features ({broken} broken)")
        } else {
            "manual features".into()
        },
        false,
    );
    card(
        o,
        &r.learning.entries.to_string(),
        "learning-log entries",
        false,
    );
    o.push_str("</section>");
}

/// The signals of a gap opening, each with the numbers behind it.
fn signal_callouts(o: &mut String, r: &Report) {
    o.push_str("<h2>Signals</h2>");
    if r.signals.is_empty() {
        o.push_str(r#"<div class="callout ok">No sign of a gap opening. Keep it up.</div>"#);
    }
    for s in &r.signals {
        let mut nums = Vec::new();
        numbers("", &serde_json::Value::Object(s.numbers.clone()), &mut nums);
        let _ = write!(
            o,
            r#"<div class="callout" role="note"><strong>{}</strong><small>{} · {}</small></div>"#,
            inline(&s.text),
            esc(s.id),
            esc(&nums.join(" · "))
        );
    }
}

/// The charts: shares per week, work per week, self-check averages.
fn figures(o: &mut String, r: &Report) {
    let target = r.target_early_share;
    let _ = write!(
        o,
        r#"<h2>Outside help per week</h2><figure><figcaption>Share of outside help (paste, completion, agent) in the early and late parts of tasks, by the week the work happened.</figcaption>{}<div class="legend"><span><i style="background:var(--early)"></i>early part (first 80%)</span><span><i style="background:var(--late)"></i>late part (last 20%)</span><span><i style="background:var(--overall);height:3px;vertical-align:3px"></i>overall</span><span><i style="background:var(--target);height:2px;vertical-align:4px"></i>target for the early part ({})</span></div></figure>"#,
        shares_chart(r),
        pct(Some(target))
    );

    let works: Vec<Option<f64>> = r.weeks.iter().map(|w| Some(w.work())).collect();
    let max_work = nice(works.iter().flatten().fold(1.0f64, |a, b| a.max(*b)));
    let checks: Vec<Option<f64>> = r.weeks.iter().map(|w| w.self_check_average).collect();
    o.push_str(r#"<div class="two">"#);
    let _ = write!(
        o,
        r#"<figure><figcaption>Work per week (characters typed or helped)</figcaption>{}</figure>"#,
        bars_chart(
            r,
            "c2",
            "Characters of work per week",
            &works,
            (0.0, max_work),
            compact
        )
    );
    if r.self_checks.is_empty() {
        o.push_str(r#"<figure><figcaption>Self-check</figcaption><p class="empty">No self-checks in this period; <code>mindgap self-check</code> takes a minute.</p></figure>"#);
    } else {
        let _ = write!(
            o,
            r#"<figure><figcaption>Self-check: average per week (1 very uncomfortable … 5 comfortable)</figcaption>{}</figure>"#,
            bars_chart(
                r,
                "c3",
                "Average self-check rating per week",
                &checks,
                (1.0, 5.0),
                |v| format!("{v:.1}")
            )
        );
    }
    o.push_str("</div>");
}

/// One row per week.
fn week_table(o: &mut String, r: &Report) {
    let target = r.target_early_share;
    o.push_str(r#"<h2>Week by week</h2><table><thead><tr><th>Week</th><th>Work</th><th>Early</th><th>Late</th><th>Overall</th><th>Manual</th><th>Log</th><th>Self-check</th><th>Audits</th></tr></thead><tbody>"#);
    for w in &r.weeks {
        let s = w.shares();
        let manual = if w.manual_broken > 0 {
            format!("{} ({} broken)", w.manual_finished, w.manual_broken)
        } else {
            w.manual_finished.to_string()
        };
        let _ = write!(
            o,
            "<tr><td>{} <span class=\"tag\">{}</span></td><td>{}</td>{}<td>{}</td><td>{}</td><td>{manual}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            w.label(),
            w.start.format("%b %-d"),
            thousands(w.work().round() as u64),
            cell_share(s.early, Some(target)),
            pct(s.late),
            pct(s.overall),
            w.learning_entries,
            w.self_check_average
                .map_or_else(|| "–".into(), |a| format!("{a:.1}")),
            w.audits_finished
        );
    }
    o.push_str("</tbody></table>");
}

/// The period's tasks, newest first.
fn task_table(o: &mut String, r: &Report) {
    let target = r.target_early_share;
    let _ = write!(o, "<h2>Tasks ({})</h2>", r.tasks.len());
    if r.tasks.is_empty() {
        o.push_str(r#"<p class="empty">No tasks in this period.</p>"#);
    } else {
        o.push_str(r#"<table><thead><tr><th>Task</th><th>State</th><th>Started</th><th>Work</th><th>Early</th><th>Late</th><th>Overall</th></tr></thead><tbody>"#);
        for t in r.tasks.iter().rev() {
            let tags = match (t.manual, t.broken) {
                (true, true) => r#"<span class="tag broken">manual · broken</span>"#,
                (true, false) => r#"<span class="tag">manual</span>"#,
                _ => "",
            };
            let _ = write!(
                o,
                "<tr><td>{}{tags}</td><td>{}</td><td>{}</td><td>{}</td>{}<td>{}</td><td>{}</td></tr>",
                esc(&t.name),
                t.state,
                r.date(t.started_ms).format("%b %-d"),
                thousands(t.work),
                cell_share(t.shares.early, Some(target)),
                pct(t.shares.late),
                pct(t.shares.overall)
            );
        }
        o.push_str("</tbody></table>");
    }
}

/// The learning log and the audits, side by side.
fn learning_and_audits(o: &mut String, r: &Report) {
    o.push_str(r#"<div class="two"><section><h2>Learning log</h2>"#);
    let l = &r.learning;
    match (l.last_entry, l.days_silent) {
        (Some(d), Some(n)) => {
            let _ = write!(
                o,
                "<p>{} entries in this period. The last, on {d}, was {}.</p>",
                l.entries,
                match n {
                    0 => "today".to_string(),
                    1 => "yesterday".to_string(),
                    n => format!("{n} days ago"),
                }
            );
        }
        _ => o.push_str(r#"<p class="empty">No entries yet: <code>mindgap learn "…"</code> takes a sentence.</p>"#),
    }
    o.push_str("</section><section><h2>Audits</h2>");
    if r.audits.is_empty() {
        o.push_str(r#"<p class="empty">No audits in this period; <code>mindgap audit</code> tests one skill a month.</p>"#);
    } else {
        o.push_str("<table><thead><tr><th>Skill</th><th>Started</th><th>Finished</th><th>Gaps</th></tr></thead><tbody>");
        for a in &r.audits {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&a.skill),
                r.date(a.started_ms),
                a.finished_ms
                    .map_or_else(|| "running".into(), |f| r.date(f).to_string()),
                a.gaps.map_or_else(|| "–".into(), |g| g.to_string())
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</section></div>");
}

/// Self-check ratings per question, for the weeks that have any.
fn self_check_table(o: &mut String, r: &Report) {
    if !r.self_checks.is_empty() {
        o.push_str(r#"<h2>Self-check by question</h2><table><thead><tr><th>Week</th><th>Q1</th><th>Q2</th><th>Q3</th><th>Q4</th><th>Q5</th><th>Average</th></tr></thead><tbody>"#);
        for w in r.weeks.iter().filter(|w| w.self_checks > 0) {
            let _ = write!(o, "<tr><td>{}</td>", w.label());
            for q in w.self_check_q {
                let _ = write!(
                    o,
                    "<td>{}</td>",
                    q.map_or_else(|| "–".into(), |v| format!("{v:.1}"))
                );
            }
            let _ = write!(
                o,
                "<td>{}</td></tr>",
                w.self_check_average
                    .map_or_else(|| "–".into(), |v| format!("{v:.1}"))
            );
        }
        o.push_str("</tbody></table>");
    }
}

#[cfg(test)]
mod tests;
