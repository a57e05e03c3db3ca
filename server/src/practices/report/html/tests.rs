//! The page on small reports: one self-contained document, escaped names, titled charts, tidy
//! axes, and what an empty page says.

use super::charts::{compact, nice};
use super::{esc, inline, render};
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
