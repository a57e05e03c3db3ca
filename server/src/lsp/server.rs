//! The `LanguageServer` implementation: capabilities, lifecycle, and dispatch. Text sync goes to
//! the [`Ordered`](super::handler::Ordered) handlers in `documents.rs`, which do their whole job
//! before this file's handler reaches any `.await`; commands go to the room that owns them
//! (`tasks.rs`, `nudges.rs`, `practices.rs`, `blame.rs`) and run as background work.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{info, warn};

use super::documents::{DidChange, DidClose, DidOpen, DidSave, EditHint, PredecodedChange};
use super::handler::ordered;
use super::ingest::{self, Settled};
use super::state::{ClientCaps, Shared, lock};
use super::{blame, nudges, practices, status, tasks};
use crate::config::{Config, Problems};
use crate::session::Session;

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
}

/// Every LSP command (`workspace/executeCommand`).
pub fn commands() -> Vec<&'static str> {
    let mut all = tasks::COMMANDS.to_vec();
    all.extend([
        nudges::EXPLAIN,
        nudges::OWN,
        nudges::REWRITE,
        nudges::RESTORE,
    ]);
    all.extend(practices::COMMANDS);
    all.extend(blame::COMMANDS);
    all
}

impl Backend {
    pub fn new(client: Client, shared: Arc<Shared>) -> Backend {
        Backend { client, shared }
    }

    /// `mindgap/predecodedChange`: a large `didChange` the transport decoded itself.
    pub async fn predecoded_change(&self, params: super::predecoded::Seq) {
        ordered::<PredecodedChange>(&self.shared, params);
    }

    /// `mindgap/editHint`: what an editor plugin knows about a change.
    pub async fn edit_hint(&self, params: ingest::EditHintParams) {
        ordered::<EditHint>(&self.shared, params);
    }

    async fn tell(&self, problems: Problems) {
        for w in &problems.warnings {
            warn!("{w}");
        }
        let lines: Vec<&str> = (problems.warnings.iter().chain(&problems.errors))
            .map(String::as_str)
            .collect();
        if lines.is_empty() {
            return;
        }
        let kind = if problems.errors.is_empty() {
            MessageType::WARNING
        } else {
            MessageType::ERROR
        };
        let text = format!("mindgap configuration: {}", lines.join("; "));
        self.client.show_message(kind, text).await;
    }
}

pub fn capabilities(encoding: crate::mirror::Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::new(encoding.as_str())),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: commands().iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Applies editor settings (`initializationOptions`, `didChangeConfiguration`), accepting
/// `{"mindgap": {...}}` or the settings themselves.
fn apply_settings(config: &mut Config, settings: &serde_json::Value, origin: &str) -> Problems {
    let mut problems = Problems::default();
    let obj = settings.get("mindgap").unwrap_or(settings);
    if let Some(map) = obj.as_object() {
        config.apply(map, origin, &mut problems);
    } else if !obj.is_null() {
        problems
            .errors
            .push(format!("{origin}: settings must be an object"));
    }
    problems
}

/// What the client can take, from `initialize`, with the configuration's problems to tell.
fn client_caps(params: &InitializeParams, root: Option<String>, problems: Problems) -> ClientCaps {
    let experimental = params.capabilities.experimental.as_ref();
    ClientCaps {
        root,
        custom_status: experimental
            .and_then(|e| e.get("mindgapStatus"))
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
        progress: (params.capabilities.window.as_ref())
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        problems: problems
            .warnings
            .into_iter()
            .chain(problems.errors)
            .collect(),
    }
}

/// Shows each warning the store gives (when it is opened, or when it fails later), once, as it
/// comes: the store opens on its own thread, so `initialize` never waits for it.
async fn store_warnings(client: Client, shared: Arc<Shared>) {
    while !shared.shutdown_requested.load(Ordering::Acquire) {
        for warning in shared.store.take_warnings() {
            client.show_message(MessageType::WARNING, warning).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let settled = Settled::from_initialize(&params);
        info!(
            client = settled.client_name.as_deref().unwrap_or("unknown"),
            encoding = settled.encoding.as_str(),
            root = settled.root.as_deref().unwrap_or("none"),
            "initialize"
        );
        let (encoding, root) = (settled.encoding, settled.root.clone());
        let start = settled.start("lsp", self.shared.started_ms);
        self.shared.begin(Session::start(&self.shared.store, start));
        let mut problems = Problems::default();
        let mut config = Config::load(root.as_deref().map(std::path::Path::new), &mut problems);
        if let Some(opts) = &params.initialization_options {
            let more = apply_settings(&mut config, opts, "initializationOptions");
            problems.warnings.extend(more.warnings);
            problems.errors.extend(more.errors);
        }
        *lock(&self.shared.config) = config;
        *lock(&self.shared.client_caps) = client_caps(&params, root, problems);
        Ok(InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "mindgap".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.shared
            .spawn_background(store_warnings(self.client.clone(), self.shared.clone()));
        let caps = lock(&self.shared.client_caps).clone();
        if !caps.problems.is_empty() {
            let problems = Problems {
                warnings: Vec::new(),
                errors: caps.problems.clone(),
            };
            self.tell(problems).await;
        }
        if let Some(root) = caps.root {
            super::disk::start(&self.client, &self.shared, &root).await;
            self.shared.spawn_background(status::publish(
                self.client.clone(),
                self.shared.clone(),
                root,
                caps.custom_status,
                caps.progress,
            ));
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let doc = params.text_document.uri.as_str();
        let actions = nudges::code_actions(&self.shared, doc, params.range);
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut config = self.shared.config();
        let origin = "workspace/didChangeConfiguration";
        let problems = apply_settings(&mut config, &params.settings, origin);
        *lock(&self.shared.config) = config;
        self.shared.mark_status_dirty();
        self.tell(problems).await;
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        let (command, args) = (params.command.as_str(), &params.arguments);
        // The practices need no workspace: the learning log and the self-check live in home.
        let outcome = if practices::COMMANDS.contains(&command) {
            practices::execute(&self.client, &self.shared, command, args).await
        } else if blame::COMMANDS.contains(&command) {
            // Neither does blame (a document outside any repository is all uncommitted), and
            // it changes no status.
            blame::execute(&self.shared, args).await
        } else {
            let Some(root) = self.shared.root() else {
                return Err(Error::invalid_params(
                    "mindgap needs a workspace folder for tasks",
                ));
            };
            let outcome = if tasks::COMMANDS.contains(&command) {
                tasks::execute(&self.shared, root, command, args).await
            } else {
                let root = Some(std::path::PathBuf::from(root));
                nudges::execute(&self.client, &self.shared, root, command, args).await
            };
            self.shared.mark_status_dirty();
            outcome
        };
        outcome.map(Some).map_err(Error::invalid_params)
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        self.shared.with_session(|s, store| s.save_all(store));
        let shared = self.shared.clone();
        // Everything recorded so far is on disk, in the database file itself (checkpointed), before
        // the client is told we are done.
        let _ = tokio::task::spawn_blocking(move || shared.store.checkpoint()).await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        ordered::<DidOpen>(&self.shared, params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        ordered::<DidChange>(&self.shared, params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        ordered::<DidSave>(&self.shared, params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        ordered::<DidClose>(&self.shared, params);
    }
}
