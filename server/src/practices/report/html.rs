//! The report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts, no
//! fonts, images or anything else fetched; light and dark by `prefers-color-scheme`.

use std::fmt::Write;

use chrono::Datelike;

use super::{Report, Week, pct, thousands};

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

const CSS: &str = r#"
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

const W: f64 = 720.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
/// Room right of the shares chart for the target's label.
const LABEL: f64 = 74.0;
const TOP: f64 = 14.0;

fn short(w: &Week) -> String {
    format!("W{:02}", w.start.iso_week().week())
}

/// Rounds the largest share up to a tidy axis top (at least 30%, so the target line shows).
fn share_top(max: f64) -> f64 {
    let steps = [0.3, 0.4, 0.5, 0.6, 0.8, 1.0];
    steps.into_iter().find(|s| max <= *s).unwrap_or(1.0)
}

/// Early and late bars per week, the overall share as a line, the target as a dashed line.
fn shares_chart(r: &Report) -> String {
    let h = 260.0;
    let bottom = h - 26.0;
    let ph = bottom - TOP;
    let n = r.weeks.len().max(1) as f64;
    let slot = (W - LEFT - LABEL) / n;
    let bw = (slot * 0.32).min(22.0);
    let all: Vec<_> = r.weeks.iter().map(|w| w.shares()).collect();
    let max = all
        .iter()
        .flat_map(|s| [s.early, s.late, s.overall])
        .flatten()
        .fold(r.target_early_share, f64::max);
    let top = share_top(max);
    let y = |v: f64| bottom - v / top * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {W} {h}" role="img" aria-labelledby="c1t c1d"><title id="c1t">Outside-help share per week: early part, late part and overall</title><desc id="c1d">Bars show the share of outside help in the early (first 80%) and late (last 20%) parts of tasks each week; the line is the overall share; the dashed line is the {} target for the early share.</desc>"#,
        pct(Some(r.target_early_share))
    );
    let ticks = (top / 0.1).round() as usize;
    for i in 0..=ticks {
        let v = i as f64 * 0.1;
        if ticks > 6 && i % 2 == 1 {
            continue;
        }
        let _ = write!(
            s,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - LABEL,
            LEFT - 6.0,
            y(v) + 4.0,
            pct(Some(v)),
            y = y(v)
        );
    }
    let mut line = Vec::new();
    for (i, (w, sh)) in r.weeks.iter().zip(&all).enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        for (class, v, part, work, dx) in [
            ("early", sh.early, "early part", w.early_work, -bw - 1.0),
            ("late", sh.late, "late part", w.late_work, 1.0),
        ] {
            if let Some(v) = v {
                let top_y = y(v);
                let _ = write!(
                    s,
                    r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" rx="2"><title>{}: {} outside help in the {part} ({} characters)</title></rect>"#,
                    cx + dx,
                    top_y.min(bottom - 1.0),
                    (bottom - top_y).max(1.0),
                    w.label(),
                    pct(Some(v)),
                    thousands(work.round() as u64)
                );
            }
        }
        if let Some(v) = sh.overall {
            line.push((cx, y(v), w.label(), v));
        }
        let _ = write!(
            s,
            r#"<text x="{cx:.1}" y="{}" text-anchor="middle">{}</text>"#,
            h - 8.0,
            short(w)
        );
    }
    if line.len() > 1 {
        let pts: Vec<String> = line
            .iter()
            .map(|(x, y, _, _)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="overall" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for (x, yv, label, v) in &line {
        let _ = write!(
            s,
            r#"<circle class="dot" cx="{x:.1}" cy="{yv:.1}" r="3.5"><title>{label}: {} outside help overall</title></circle>"#,
            pct(Some(*v))
        );
    }
    let ty = y(r.target_early_share);
    let _ = write!(
        s,
        r#"<line class="target" x1="{LEFT}" x2="{}" y1="{ty:.1}" y2="{ty:.1}"><title>Target: early share under {}</title></line><text class="tlabel" x="{}" y="{:.1}">target {}</text>"#,
        W - LABEL + 4.0,
        pct(Some(r.target_early_share)),
        W - LABEL + 8.0,
        ty + 4.0,
        pct(Some(r.target_early_share))
    );
    s.push_str("</svg>");
    s
}

/// Bars of one series per week (work, or self-check averages on 1..5).
fn bars_chart(
    r: &Report,
    id: &str,
    title: &str,
    values: &[Option<f64>],
    range: (f64, f64),
    show: impl Fn(f64) -> String,
) -> String {
    const W: f64 = 400.0;
    let h = 170.0;
    let bottom = h - 24.0;
    let ph = bottom - TOP;
    let n = values.len().max(1) as f64;
    let slot = (W - LEFT - RIGHT) / n;
    let bw = (slot * 0.55).min(40.0);
    let (lo, hi) = range;
    let y = |v: f64| bottom - ((v - lo) / (hi - lo).max(1e-9)).clamp(0.0, 1.0) * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {W} {h}" role="img" aria-labelledby="{id}t"><title id="{id}t">{}</title>"#,
        esc(title)
    );
    for v in [lo, (lo + hi) / 2.0, hi] {
        let _ = write!(
            s,
            r#"<line class="grid" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            W - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            show(v),
            y = y(v)
        );
    }
    for (i, (w, v)) in r.weeks.iter().zip(values).enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        if let Some(v) = v {
            let top_y = y(*v);
            let _ = write!(
                s,
                r#"<rect class="work" x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" rx="2"><title>{}: {}</title></rect>"#,
                cx - bw / 2.0,
                top_y.min(bottom - 1.0),
                (bottom - top_y).max(1.0),
                w.label(),
                show(*v)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{cx:.1}" y="{}" text-anchor="middle">{}</text>"#,
            h - 8.0,
            short(w)
        );
    }
    s.push_str("</svg>");
    s
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `max`.
fn nice(max: f64) -> f64 {
    let p = 10f64.powf(max.max(1.0).log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

/// `12,500` → `12.5k`.
fn compact(v: f64) -> String {
    if v >= 1000.0 {
        let k = v / 1000.0;
        if (k - k.round()).abs() < 0.05 {
            format!("{k:.0}k")
        } else {
            format!("{k:.1}k")
        }
    } else {
        format!("{v:.0}")
    }
}

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

    let all = r.shares();
    let target = r.target_early_share;
    let work: f64 = r.weeks.iter().map(|w| w.work()).sum();
    let manual: u32 = r.weeks.iter().map(|w| w.manual_finished).sum();
    let broken: u32 = r.weeks.iter().map(|w| w.manual_broken).sum();
    o.push_str(r#"<section class="cards">"#);
    card(
        &mut o,
        &pct(all.early),
        &format!("early share (target under {})", pct(Some(target))),
        all.early.is_some_and(|e| e > target),
    );
    card(&mut o, &pct(all.late), "late share", false);
    card(&mut o, &pct(all.overall), "overall share", false);
    card(
        &mut o,
        &thousands(work.round() as u64),
        "characters of work",
        false,
    );
    card(
        &mut o,
        &manual.to_string(),
        &if broken > 0 {
            format!("manual features ({broken} broken)")
        } else {
            "manual features".into()
        },
        false,
    );
    card(
        &mut o,
        &r.learning.entries.to_string(),
        "learning-log entries",
        false,
    );
    o.push_str("</section>");

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
                esc(&t.state),
                r.date(t.started_ms).format("%b %-d"),
                thousands(t.work),
                cell_share(t.shares.early, Some(target)),
                pct(t.shares.late),
                pct(t.shares.overall)
            );
        }
        o.push_str("</tbody></table>");
    }

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
    o.push_str("<footer>Made by <code>mindgap report</code> from the record on this machine; nothing here left it.</footer></main></body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practices::report::tests::{NOW, task};
    use crate::practices::report::{Input, build};
    use crate::practices::timeline::DAY_MS;

    #[test]
    fn tidy_axes_and_numbers() {
        assert_eq!(nice(7712.0), 10_000.0);
        assert_eq!(nice(4100.0), 5000.0);
        assert_eq!(nice(2000.0), 2000.0);
        assert_eq!(nice(0.0), 1.0);
        assert_eq!(compact(12_500.0), "12.5k");
        assert_eq!(compact(5000.0), "5k");
        assert_eq!(compact(750.0), "750");
        assert_eq!(inline("run `a<b`"), "run <code>a&lt;b</code>");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn one_self_contained_page_with_titled_charts() {
        let t = task(
            1,
            "<script>alert(1)</script>",
            false,
            Some(NOW - DAY_MS),
            &[
                (NOW - 9 * DAY_MS, 800, false),
                (NOW - 2 * DAY_MS, 200, true),
            ],
        );
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 28 * DAY_MS,
            tasks: vec![t],
            store: true,
            target_early_share: 0.2,
            ..Input::default()
        });
        let html = render(&r);
        assert!(html.starts_with("<!doctype html>"));
        assert!(!html.contains("<script"), "names are escaped, no scripts");
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains(" src="));
        assert!(html.matches("<svg").count() >= 2);
        assert!(html.contains("<title id=\"c1t\">"));
        assert!(html.contains("prefers-color-scheme:dark"));
        assert!(html.contains("target 20%"));
    }

    #[test]
    fn empty_pages_say_what_to_do() {
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 28 * DAY_MS,
            ..Input::default()
        });
        assert!(render(&r).contains("No record yet"));
    }
}
