//! The status line in the editor (SPEC section 6): `mindgap/status` to clients that declare
//! `experimental.mindgapStatus`, else work-done progress or a message (configurable, or off).
//! Sent when it changes, at most twice a second, from a task of its own: the edit path only
//! marks the status dirty.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Local;
use serde_json::Value;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::{Notification, Progress};
use tower_lsp_server::ls_types::request::WorkDoneProgressCreate;
use tower_lsp_server::ls_types::*;
use tracing::debug;

use super::server::Shared;
use crate::config::StatusVia;
use crate::status;

/// The custom notification editor plugins listen to.
pub enum MindgapStatus {}

impl Notification for MindgapStatus {
    type Params = Value;
    const METHOD: &'static str = "mindgap/status";
}

/// How often the status may be sent.
const EVERY: Duration = Duration::from_millis(500);

/// The status of `root` as the store has it now (after writing what is queued).
pub fn compute(shared: &Shared, root: &str) -> Option<(Value, String)> {
    shared.store.flush();
    let config = shared.config();
    let s = status::gather(
        &shared.home,
        std::path::Path::new(root),
        &config,
        Local::now(),
    )?;
    Some((s.to_json(&config), s.text(&config)))
}

/// Runs until the server ends: whenever the status is dirty, recomputes it and sends it if it
/// changed.
pub async fn publish(
    client: Client,
    shared: Arc<Shared>,
    root: String,
    custom: bool,
    progress: bool,
) {
    let token = NumberOrString::String("mindgap/status".into());
    let mut began = false;
    let mut last: Option<Value> = None;
    // The day this session last looked for a practice reminder (shown at most once a day).
    let mut reminded = None;
    loop {
        tokio::time::sleep(EVERY).await;
        super::nudges::publish_dirty(&client, &shared, Some(std::path::PathBuf::from(&root))).await;
        if !shared.status_dirty.swap(false, Ordering::AcqRel) {
            continue;
        }
        let (s, r) = (shared.clone(), root.clone());
        let Ok(Some((json, text))) = tokio::task::spawn_blocking(move || compute(&s, &r)).await
        else {
            continue;
        };
        // New outside help is tagged with the task's phase and kind as the store has them.
        let early = json["task"]["phase"].as_str().is_none_or(|p| p == "early");
        let manual =
            json["task"]["manual"].as_bool().unwrap_or(false) && json["task"]["state"] == "active";
        let struggle = !json["struggle"].is_null();
        shared.pipeline_write(|p| p.set_task_context(early, manual, struggle));
        super::practices::remind(&client, &shared, &json, &mut reminded).await;
        if last.as_ref() == Some(&json) {
            continue;
        }
        last = Some(json.clone());
        debug!(text, "status changed");
        if custom {
            client.send_notification::<MindgapStatus>(json).await;
            continue;
        }
        if text.is_empty() {
            continue;
        }
        match shared.config().status_via {
            StatusVia::Off => {}
            StatusVia::Message => {
                client
                    .show_message(MessageType::INFO, format!("mindgap: {text}"))
                    .await
            }
            StatusVia::Progress if progress => {
                let value = if began {
                    WorkDoneProgress::Report(WorkDoneProgressReport {
                        message: Some(text),
                        ..Default::default()
                    })
                } else {
                    if client
                        .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                            token: token.clone(),
                        })
                        .await
                        .is_err()
                    {
                        continue;
                    }
                    began = true;
                    WorkDoneProgress::Begin(WorkDoneProgressBegin {
                        title: "mindgap".into(),
                        message: Some(text),
                        ..Default::default()
                    })
                };
                client
                    .send_notification::<Progress>(ProgressParams {
                        token: token.clone(),
                        value: ProgressParamsValue::WorkDone(value),
                    })
                    .await;
            }
            // A client that cannot show progress gets nothing unless it asked for messages.
            StatusVia::Progress => {}
        }
    }
}
