//! The report page's inline SVG charts: outside-help shares per week (early and late bars, the
//! overall line, the target), and bars of one series per week (work, self-check averages). Each
//! chart is titled and described for screen readers; colours come from the page's CSS classes.

use std::fmt::Write;

use chrono::Datelike;

use super::esc;
use crate::practices::report::{Report, Week, pct, thousands};
use crate::tasks::ratio::Shares;

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

/// Where the shares chart draws: its height, the plot's bottom, height and top value, and each
/// week's slot and bar width.
struct Frame {
    h: f64,
    bottom: f64,
    ph: f64,
    top: f64,
    slot: f64,
    bw: f64,
}

impl Frame {
    /// The height of the share `v` on the chart.
    fn y(&self, v: f64) -> f64 {
        self.bottom - v / self.top * self.ph
    }
}

/// Early and late bars per week, the overall share as a line, the target as a dashed line.
pub(super) fn shares_chart(r: &Report) -> String {
    let h = 260.0;
    let bottom = h - 26.0;
    let n = r.weeks.len().max(1) as f64;
    let slot = (W - LEFT - LABEL) / n;
    let all: Vec<_> = r.weeks.iter().map(|w| w.shares()).collect();
    let max = all
        .iter()
        .flat_map(|s| [s.early, s.late, s.overall])
        .flatten()
        .fold(r.target_early_share, f64::max);
    let f = Frame {
        h,
        bottom,
        ph: bottom - TOP,
        top: share_top(max),
        slot,
        bw: (slot * 0.32).min(22.0),
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {W} {h}" role="img" aria-labelledby="c1t c1d"><title id="c1t">Outside-help share per week: early part, late part and overall</title><desc id="c1d">Bars show the share of outside help in the early (first 80%) and late (last 20%) parts of tasks each week; the line is the overall share; the dashed line is the {} target for the early share.</desc>"#,
        pct(Some(r.target_early_share))
    );
    share_grid(&mut s, &f);
    let line = share_bars(&mut s, r, &all, &f);
    overall_line(&mut s, &line);
    target_line(&mut s, r, &f);
    s.push_str("</svg>");
    s
}

/// Grid lines with their shares, every 10% (every 20% on a tall axis).
fn share_grid(s: &mut String, f: &Frame) {
    let ticks = (f.top / 0.1).round() as usize;
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
            f.y(v) + 4.0,
            pct(Some(v)),
            y = f.y(v)
        );
    }
}

/// Each week's early and late bars and its label; returns the points of the overall share.
fn share_bars(s: &mut String, r: &Report, all: &[Shares], f: &Frame) -> Vec<Dot> {
    let bw = f.bw;
    let mut line = Vec::new();
    for (i, (w, sh)) in r.weeks.iter().zip(all).enumerate() {
        let cx = LEFT + f.slot * (i as f64 + 0.5);
        for (class, v, part, work, dx) in [
            ("early", sh.early, "early part", w.early_work, -bw - 1.0),
            ("late", sh.late, "late part", w.late_work, 1.0),
        ] {
            if let Some(v) = v {
                let top_y = f.y(v);
                let _ = write!(
                    s,
                    r#"<rect class="{class}" x="{:.1}" y="{:.1}" width="{bw:.1}" height="{:.1}" rx="2"><title>{}: {} outside help in the {part} ({} characters)</title></rect>"#,
                    cx + dx,
                    top_y.min(f.bottom - 1.0),
                    (f.bottom - top_y).max(1.0),
                    w.label(),
                    pct(Some(v)),
                    thousands(work.round() as u64)
                );
            }
        }
        if let Some(v) = sh.overall {
            line.push(Dot {
                x: cx,
                y: f.y(v),
                label: w.label(),
                share: v,
            });
        }
        let _ = write!(
            s,
            r#"<text x="{cx:.1}" y="{}" text-anchor="middle">{}</text>"#,
            f.h - 8.0,
            short(w)
        );
    }
    line
}

/// A week's point on the overall-share line: where it is drawn, the week, the share.
struct Dot {
    x: f64,
    y: f64,
    label: String,
    share: f64,
}

/// The overall share as a line through dots, each titled.
fn overall_line(s: &mut String, line: &[Dot]) {
    if line.len() > 1 {
        let pts: Vec<String> = line
            .iter()
            .map(|d| format!("{:.1},{:.1}", d.x, d.y))
            .collect();
        let _ = write!(
            s,
            r#"<polyline class="overall" points="{}"/>"#,
            pts.join(" ")
        );
    }
    for d in line {
        let _ = write!(
            s,
            r#"<circle class="dot" cx="{:.1}" cy="{:.1}" r="3.5"><title>{}: {} outside help overall</title></circle>"#,
            d.x,
            d.y,
            d.label,
            pct(Some(d.share))
        );
    }
}

/// The target for the early share as a dashed line, labelled at its end.
fn target_line(s: &mut String, r: &Report, f: &Frame) {
    let ty = f.y(r.target_early_share);
    let _ = write!(
        s,
        r#"<line class="target" x1="{LEFT}" x2="{}" y1="{ty:.1}" y2="{ty:.1}"><title>Target: early share under {}</title></line><text class="tlabel" x="{}" y="{:.1}">target {}</text>"#,
        W - LABEL + 4.0,
        pct(Some(r.target_early_share)),
        W - LABEL + 8.0,
        ty + 4.0,
        pct(Some(r.target_early_share))
    );
}

/// Bars of one series per week (work, or self-check averages on 1..5).
pub(super) fn bars_chart(
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
pub(super) fn nice(max: f64) -> f64 {
    let p = 10f64.powf(max.max(1.0).log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * p)
}

/// `12,500` → `12.5k`.
pub(super) fn compact(v: f64) -> String {
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
