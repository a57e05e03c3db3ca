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

use super::state::Shared;
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
pub fn compute(shared: &Shared, root: &str) -> status::Status {
    shared.store.flush();
    let (home, config, now) = (shared.home.clone(), shared.config(), Local::now());
    let root = std::path::PathBuf::from(root);
    let gather =
        move |db: Option<&crate::store::Db>| status::gather_from(db, &home, &root, &config, now);
    let again = gather.clone();
    shared.store.read(gather).unwrap_or_else(|| again(None))
}

/// Runs until the server ends: republishes the nudges of documents whose provenance changed,
/// and whenever the status is dirty recomputes it and sends it if it changed.
pub async fn publish(
    client: Client,
    shared: Arc<Shared>,
    root: String,
    custom: bool,
    progress: bool,
) {
    let mut line = StatusLine {
        client: client.clone(),
        custom,
        progress,
        began: false,
        last: None,
    };
    // The day this session last looked for a practice reminder (shown at most once a day).
    let mut reminded = None;
    let mut published = super::nudges::Published::default();
    loop {
        tokio::time::sleep(EVERY).await;
        let root_path = Some(std::path::PathBuf::from(&root));
        super::nudges::publish_dirty(&client, &shared, root_path, &mut published).await;
        if !shared.status_dirty.swap(false, Ordering::AcqRel) {
            continue;
        }
        let (s, r) = (shared.clone(), root.clone());
        let Ok(status) = tokio::task::spawn_blocking(move || compute(&s, &r)).await else {
            continue;
        };
        // New outside help is tagged with the task's phase and kind as the store has them.
        let context = status.task_context();
        shared.ordered(|p, _, _| p.set_task_context(context));
        super::practices::remind(&client, &shared, &status, &mut reminded).await;
        line.show(&status, &shared.config()).await;
    }
}

/// The status line as this client shows it, and what was last sent.
struct StatusLine {
    client: Client,
    /// The client takes `mindgap/status`.
    custom: bool,
    /// The client can show work-done progress.
    progress: bool,
    /// The progress was begun.
    began: bool,
    last: Option<Value>,
}

impl StatusLine {
    /// Sends `status` when it changed: as `mindgap/status`, else as the configured standard
    /// message (work-done progress, a message, or nothing).
    async fn show(&mut self, status: &status::Status, config: &crate::config::Config) {
        let json = status.to_json(config);
        if self.last.as_ref() == Some(&json) {
            return;
        }
        self.last = Some(json.clone());
        let text = status.text(config);
        debug!(text, "status changed");
        if self.custom {
            self.client.send_notification::<MindgapStatus>(json).await;
            return;
        }
        if text.is_empty() {
            return;
        }
        match config.status_via {
            StatusVia::Off => {}
            StatusVia::Message => {
                self.client
                    .show_message(MessageType::INFO, format!("mindgap: {text}"))
                    .await
            }
            StatusVia::Progress if self.progress => self.send_progress(text).await,
            // A client that cannot show progress gets nothing unless it asked for messages.
            StatusVia::Progress => {}
        }
    }

    async fn send_progress(&mut self, text: String) {
        let token = NumberOrString::String("mindgap/status".into());
        let value = if self.began {
            WorkDoneProgress::Report(WorkDoneProgressReport {
                message: Some(text),
                ..Default::default()
            })
        } else {
            let create = WorkDoneProgressCreateParams {
                token: token.clone(),
            };
            if (self.client)
                .send_request::<WorkDoneProgressCreate>(create)
                .await
                .is_err()
            {
                return;
            }
            self.began = true;
            WorkDoneProgress::Begin(WorkDoneProgressBegin {
                title: "mindgap".into(),
                message: Some(text),
                ..Default::default()
            })
        };
        self.client
            .send_notification::<Progress>(ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(value),
            })
            .await;
    }
}
