//! The report as one JSON object (`mindgap report --format json`); the shape is documented in the
//! README and only grows.

use serde_json::{Value, json};

use super::{Report, TaskRow, Week};
use crate::practices::timeline::local;
use crate::tasks::ratio::Shares;

fn time(r: &Report, ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| {
        Value::from(local(ms, r.offset).to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
    })
}

fn shares(s: Shares) -> Value {
    json!({"early": s.early, "late": s.late, "overall": s.overall})
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn week(w: &Week) -> Value {
    json!({
        "week": w.label(),
        "start": w.start.to_string(),
        "work": round(w.work()),
        "early_work": round(w.early_work),
        "late_work": round(w.late_work),
        "outside": round(w.early_outside + w.late_outside),
        "share": shares(w.shares()),
        "manual_finished": w.manual_finished,
        "manual_broken": w.manual_broken,
        "learning_entries": w.learning_entries,
        "self_checks": w.self_checks,
        "self_check": {"average": w.self_check_average, "q": w.self_check_q},
        "audits_finished": w.audits_finished,
    })
}

fn task(r: &Report, t: &TaskRow) -> Value {
    json!({
        "name": t.name,
        "root": t.root,
        "manual": t.manual,
        "state": t.state.as_str(),
        "started": time(r, Some(t.started_ms)),
        "finished": time(r, t.finished_ms),
        "work": t.work,
        "share": shares(t.shares),
        "broken": t.broken,
    })
}

/// The whole report as one object.
pub fn render(r: &Report) -> Value {
    let weeks: Vec<Value> = r.weeks.iter().map(week).collect();
    let tasks: Vec<Value> = r.tasks.iter().map(|t| task(r, t)).collect();
    let checks: Vec<Value> = r
        .self_checks
        .iter()
        .map(|c| {
            let avg = c.q.iter().map(|&q| f64::from(q)).sum::<f64>() / 5.0;
            json!({"t": time(r, Some(c.t_ms)), "q": c.q, "average": avg})
        })
        .collect();
    let audits: Vec<Value> = r
        .audits
        .iter()
        .map(|a| {
            json!({
                "skill": a.skill,
                "root": a.root,
                "started": time(r, Some(a.started_ms)),
                "finished": time(r, a.finished_ms),
                "gaps": a.gaps,
            })
        })
        .collect();
    let signals: Vec<Value> = r
        .signals
        .iter()
        .map(|s| json!({"id": s.id, "text": s.text, "numbers": s.numbers}))
        .collect();
    json!({
        "mindgap_report": 1,
        "since": time(r, Some(r.since_ms)),
        "until": time(r, Some(r.now_ms)),
        "store": r.store,
        "empty": r.is_empty(),
        "target_early_share": r.target_early_share,
        "share": shares(r.shares()),
        "weeks": weeks,
        "tasks": tasks,
        "learning": {
            "entries": r.learning.entries,
            "last_entry": r.learning.last_entry.map(|d| d.to_string()),
            "days_silent": r.learning.days_silent,
        },
        "self_checks": checks,
        "audits": audits,
        "signals": signals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practices::report::tests::{NOW, task};
    use crate::practices::report::{Input, build};
    use crate::practices::timeline::DAY_MS;

    #[test]
    fn the_documented_shape() {
        let t = task(
            1,
            "parser",
            true,
            Some(NOW - DAY_MS),
            &[
                (NOW - 2 * DAY_MS, 800, false),
                (NOW - 2 * DAY_MS + 1, 200, true),
            ],
        );
        let r = build(&Input {
            now_ms: NOW,
            since_ms: NOW - 14 * DAY_MS,
            tasks: vec![t],
            store: true,
            target_early_share: 0.2,
            ..Input::default()
        });
        let v = render(&r);
        assert_eq!(v["mindgap_report"], 1);
        assert_eq!(v["until"], "2026-11-25T12:00:00+00:00");
        let last = v["weeks"].as_array().unwrap().last().unwrap();
        assert_eq!(last["week"], "2026-W48");
        assert_eq!(last["share"]["early"], 0.0);
        assert_eq!(last["share"]["late"], 1.0);
        assert_eq!(last["manual_finished"], 1);
        assert_eq!(last["manual_broken"], 1);
        assert_eq!(v["tasks"][0]["name"], "parser");
        assert_eq!(v["tasks"][0]["broken"], true);
        assert_eq!(v["tasks"][0]["share"]["overall"], 0.2);
        assert!(v["signals"].is_array());
        assert_eq!(v["learning"]["last_entry"], Value::Null);
    }
}
