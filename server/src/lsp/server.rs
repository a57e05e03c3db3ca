//! The `LanguageServer` implementation: handlers, capabilities, and the hand-off to the store.
//!
//! Every text-sync handler does its whole job synchronously, before any `.await`: it locks the
//! pipeline, applies the change (microseconds), queues the events for the store thread, and
//! returns. tower-lsp-server keeps message order only up to a handler's first `.await`, and
//! anything slow here would stall every later message.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tracing::{info, warn};

use super::{nudges, practices, status};

use super::ingest::{self, Session};
use crate::config::{Config, Problems};
use crate::events::Emitted;
use crate::pipeline::Pipeline;
use crate::store::{SessionInfo, Store};

/// What the handlers share.
pub struct Shared {
    pub store: Store,
    /// Where the store lives (status reads it through its own connection).
    pub home: std::path::PathBuf,
    /// Set when something may have changed the status line.
    pub status_dirty: AtomicBool,
    config: Mutex<Config>,
    /// The file watcher, alive as long as the server.
    pub(super) watcher: Mutex<Option<crate::watch::Watching>>,
    /// The trace being recorded (`lsp --record`): disk changes and agents' log lines go in it.
    recorder: Option<crate::trace::recorder::Recorder>,
    /// What `initialize` settled: the workspace root, and what the client can show.
    client_caps: Mutex<ClientCaps>,
    /// When the session began (event times are offsets from it).
    pub clock: Instant,
    pub started_ms: i64,
    pub shutdown_requested: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default, Clone)]
struct ClientCaps {
    root: Option<String>,
    /// The client declared `experimental.mindgapStatus`.
    custom_status: bool,
    /// The client can show work-done progress.
    progress: bool,
    /// Configuration problems to tell the person once `initialized`.
    problems: Vec<String>,
}

/// The LSP commands (`workspace/executeCommand`).
pub const COMMANDS: [&str; 10] = [
    "mindgap.task.start",
    "mindgap.task.finish",
    "mindgap.struggle.start",
    nudges::EXPLAIN,
    nudges::OWN,
    nudges::REWRITE,
    nudges::RESTORE,
    practices::LEARN,
    practices::SELF_CHECK,
    practices::REPORT,
];

#[derive(Default)]
struct State {
    /// None until `initialize`.
    pipeline: Option<Pipeline>,
    /// Reused for every notification's events.
    scratch: Vec<Emitted>,
}

impl Shared {
    pub fn new(
        store: Store,
        home: std::path::PathBuf,
        recorder: Option<crate::trace::recorder::Recorder>,
    ) -> Shared {
        Shared {
            store,
            home,
            status_dirty: AtomicBool::new(true),
            config: Mutex::new(Config::default()),
            watcher: Mutex::new(None),
            recorder,
            client_caps: Mutex::new(ClientCaps::default()),
            clock: Instant::now(),
            started_ms: chrono::Utc::now().timestamp_millis(),
            shutdown_requested: AtomicBool::new(false),
            state: Mutex::new(State::default()),
        }
    }

    /// Runs `f` on the pipeline (if initialized), holding the lock only for `f`.
    pub fn pipeline_read<T>(&self, f: impl FnOnce(&Pipeline) -> T) -> Option<T> {
        self.state().pipeline.as_ref().map(f)
    }

    pub fn pipeline_write<T>(&self, f: impl FnOnce(&mut Pipeline) -> T) -> Option<T> {
        self.state().pipeline.as_mut().map(f)
    }

    /// Changes the watcher saw on disk and agents' logs, through the pipeline like any
    /// notification (and into the trace being recorded, as `fs` and `agent` lines).
    fn disk_news(&self, news: crate::watch::News) {
        use crate::watch::News;
        match news {
            News::Changes(changes) => {
                if let Some(r) = &self.recorder {
                    for c in &changes {
                        r.disk(&c.rel_path, c.text.as_deref(), c.before.as_deref());
                    }
                }
                self.with_pipeline(|p, _, t, out| {
                    for c in &changes {
                        p.disk_report(t, &c.rel_path, c.text.as_deref(), c.before.as_deref(), out);
                    }
                });
            }
            News::AgentWrites(writes) => {
                if let Some(r) = &self.recorder {
                    for w in &writes {
                        r.agent(w.agent.as_str(), &w.rel_path);
                    }
                }
                self.with_pipeline(|p, _, t, out| {
                    for w in &writes {
                        p.agent_write(t, w.agent, &w.rel_path, out);
                    }
                });
            }
            News::Warning(_) | News::Ready(_) => {}
        }
    }

    pub fn config(&self) -> Config {
        self.config
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn root(&self) -> Option<String> {
        self.client_caps
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .root
            .clone()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves the pipeline usable: its updates are per change.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn now(&self) -> f64 {
        self.clock.elapsed().as_secs_f64() * 1000.0
    }

    /// Runs `f` on the pipeline (if initialized) and hands its events to the store.
    fn with_pipeline(&self, f: impl FnOnce(&mut Pipeline, &Store, f64, &mut Vec<Emitted>)) {
        let t = self.now();
        let mut state = self.state();
        let State { pipeline, scratch } = &mut *state;
        let Some(pipeline) = pipeline.as_mut() else {
            warn!("text sync before initialize: ignored");
            return;
        };
        f(pipeline, &self.store, t, scratch);
        if !scratch.is_empty() {
            self.status_dirty.store(true, Ordering::Release);
        }
        for event in scratch.drain(..) {
            self.store.record(event);
        }
    }
}

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client, shared: Arc<Shared>) -> Backend {
        Backend { client, shared }
    }

    /// `mindgap/editHint`: what an editor plugin knows about a change.
    pub async fn edit_hint(&self, params: ingest::EditHintParams) {
        self.shared
            .with_pipeline(|p, _, t, out| ingest::edit_hint(p, t, params, out));
    }
}

pub fn capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::new(session.encoding.as_str())),
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
            commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn task_json(t: Option<crate::store::tasks::Task>) -> serde_json::Value {
    t.map_or(
        serde_json::Value::Null,
        |t| serde_json::json!({"name": t.name, "manual": t.manual, "state": t.state}),
    )
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

impl Backend {
    async fn tell(&self, problems: Problems) {
        for w in &problems.warnings {
            warn!("{w}");
        }
        let lines: Vec<&String> = problems.warnings.iter().chain(&problems.errors).collect();
        if !lines.is_empty() {
            let text = lines
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let kind = if problems.errors.is_empty() {
                MessageType::WARNING
            } else {
                MessageType::ERROR
            };
            self.client
                .show_message(kind, format!("mindgap configuration: {text}"))
                .await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let session = Session::from_initialize(&params);
        info!(
            client = session.client_name.as_deref().unwrap_or("unknown"),
            encoding = session.encoding.as_str(),
            root = session.root.as_deref().unwrap_or("none"),
            "initialize"
        );
        self.shared.store.begin_session(SessionInfo {
            started_ms: self.shared.started_ms,
            kind: "lsp",
            client_name: session.client_name.clone(),
            client_version: session.client_version.clone(),
            root: session.root.clone(),
            encoding: session.encoding.as_str(),
        });
        self.shared.state().pipeline = Some(Pipeline::new(session.encoding, session.root.clone()));
        let mut problems = Problems::default();
        let mut config = Config::load(
            session.root.as_deref().map(std::path::Path::new),
            &mut problems,
        );
        if let Some(opts) = &params.initialization_options {
            let more = apply_settings(&mut config, opts, "initializationOptions");
            problems.warnings.extend(more.warnings);
            problems.errors.extend(more.errors);
        }
        *self.shared.config.lock().unwrap_or_else(|p| p.into_inner()) = config;
        let experimental = params.capabilities.experimental.as_ref();
        *self
            .shared
            .client_caps
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = ClientCaps {
            root: session.root.clone(),
            custom_status: experimental
                .and_then(|e| e.get("mindgapStatus"))
                .and_then(|v| v.as_bool())
                .unwrap_or(false),
            progress: params
                .capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            problems: problems
                .warnings
                .into_iter()
                .chain(problems.errors)
                .collect(),
        };
        Ok(InitializeResult {
            capabilities: capabilities(&session),
            server_info: Some(ServerInfo {
                name: "mindgap".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            ..Default::default()
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if let Some(warning) = self.shared.store.warning() {
            self.client
                .show_message(MessageType::WARNING, warning)
                .await;
        }
        let caps = self
            .shared
            .client_caps
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        if !caps.problems.is_empty() {
            self.tell(Problems {
                warnings: Vec::new(),
                errors: caps.problems.clone(),
            })
            .await;
        }
        if let Some(root) = caps.root.clone() {
            let shared = self.shared.clone();
            let client = self.client.clone();
            let runtime = tokio::runtime::Handle::current();
            let deliver = move |news: crate::watch::News| match news {
                crate::watch::News::Warning(w) => {
                    // Degraded watching is worth one message to the person.
                    let client = client.clone();
                    runtime.spawn(async move {
                        client
                            .show_message(MessageType::WARNING, format!("mindgap: {w}"))
                            .await
                    });
                }
                news => shared.disk_news(news),
            };
            let options = crate::watch::Options::from_env();
            match crate::watch::watch(std::path::Path::new(&root), options, deliver) {
                Ok(w) => {
                    *self
                        .shared
                        .watcher
                        .lock()
                        .unwrap_or_else(|p| p.into_inner()) = Some(w)
                }
                Err(e) => {
                    warn!("{e}");
                    self.client
                        .show_message(MessageType::WARNING, format!("mindgap: {e}"))
                        .await;
                }
            }
        }
        if let Some(root) = caps.root {
            tokio::spawn(status::publish(
                self.client.clone(),
                self.shared.clone(),
                root,
                caps.custom_status,
                caps.progress,
            ));
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let actions = nudges::code_actions(
            &self.shared,
            params.text_document.uri.as_str(),
            params.range,
        );
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let mut config = self.shared.config();
        let problems = apply_settings(
            &mut config,
            &params.settings,
            "workspace/didChangeConfiguration",
        );
        *self.shared.config.lock().unwrap_or_else(|p| p.into_inner()) = config;
        self.shared.status_dirty.store(true, Ordering::Release);
        self.tell(problems).await;
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        // The practices need no workspace: the learning log and the self-check live in home.
        if practices::COMMANDS.contains(&params.command.as_str()) {
            let res = practices::execute(
                &self.client,
                &self.shared,
                &params.command,
                &params.arguments,
            )
            .await;
            return res
                .map(Some)
                .map_err(tower_lsp_server::jsonrpc::Error::invalid_params);
        }
        let Some(root) = self.shared.root() else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "mindgap needs a workspace folder for tasks",
            ));
        };
        if [
            nudges::EXPLAIN,
            nudges::OWN,
            nudges::REWRITE,
            nudges::RESTORE,
        ]
        .contains(&params.command.as_str())
        {
            let root = Some(std::path::PathBuf::from(&root));
            let res = nudges::execute(
                &self.client,
                &self.shared,
                root,
                &params.command,
                &params.arguments,
            )
            .await;
            self.shared.status_dirty.store(true, Ordering::Release);
            return res
                .map(Some)
                .map_err(tower_lsp_server::jsonrpc::Error::invalid_params);
        }
        let arg = params
            .arguments
            .first()
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        let shared = self.shared.clone();
        let command = params.command.clone();
        let outcome = tokio::task::spawn_blocking(move || match command.as_str() {
            "mindgap.task.start" => {
                let (name, manual, estimate) = match &arg {
                    serde_json::Value::String(name) => (name.clone(), false, None),
                    obj => (
                        obj.get("name")
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .to_string(),
                        obj.get("manual").and_then(|v| v.as_bool()).unwrap_or(false),
                        obj.get("estimate").and_then(|v| v.as_u64()),
                    ),
                };
                if name.trim().is_empty() {
                    return Err(
                        "mindgap.task.start needs a task name: [\"NAME\"] or [{\"name\": NAME}]"
                            .to_string(),
                    );
                }
                shared
                    .store
                    .start_task(&root, name.trim(), manual, estimate)
                    .map(|t| task_json(Some(t)))
            }
            "mindgap.task.finish" => shared.store.finish_task(&root).map(|t| {
                // The finished task with its exact shares (as `task show --json`), when the
                // store can be read; else what the command knows.
                let report = t.as_ref().and_then(|t| {
                    let db = crate::store::Db::open_read_only(&shared.home)?;
                    let which = crate::store::Which::Named(&t.name);
                    db.report(&root, which, &shared.config()).ok().flatten()
                });
                report.map_or_else(|| task_json(t), |r| crate::status::task_json(&r))
            }),
            "mindgap.struggle.start" => {
                let minutes = arg
                    .get("minutes")
                    .and_then(|v| v.as_u64())
                    .map_or(shared.config().struggle_minutes, |m| m.clamp(1, 600) as u32);
                shared
                    .store
                    .start_struggle(&root, minutes)
                    .map(|s| serde_json::json!({"ends_ms": s.ends_ms, "minutes": minutes}))
            }
            other => Err(format!("unknown command {other}")),
        })
        .await
        .unwrap_or_else(|e| Err(format!("the command failed: {e}")));
        self.shared.status_dirty.store(true, Ordering::Release);
        outcome
            .map(Some)
            .map_err(tower_lsp_server::jsonrpc::Error::invalid_params)
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        self.shared
            .with_pipeline(|p, store, _, _| ingest::save_all(p, store));
        let shared = self.shared.clone();
        // Everything recorded so far is on disk before the client is told we are done.
        let _ = tokio::task::spawn_blocking(move || shared.store.flush()).await;
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.shared
            .with_pipeline(|p, store, t, out| ingest::did_open(p, store, t, params, out));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.shared
            .with_pipeline(|p, _, t, out| ingest::did_change(p, t, params, false, out));
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let mut attempt = false;
        self.shared
            .with_pipeline(|p, store, _, _| attempt = ingest::did_save(p, store, params));
        if attempt && let Some(root) = self.shared.root() {
            self.shared.store.struggle_attempt(&root);
            self.shared.status_dirty.store(true, Ordering::Release);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.shared
            .with_pipeline(|p, store, _, _| ingest::did_close(p, store, params));
    }
}
