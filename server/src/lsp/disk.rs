//! The watcher in the server: started once `initialized` says where the workspace is; its
//! news — changes on disk, the files its first walk found, agents' log lines — go through the
//! session like any notification (and into the trace being recorded, as `fs` and `agent`
//! lines); its warnings become one
//! `window/showMessage` each.

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;
use tracing::warn;

use super::state::{Shared, lock};
use crate::pipeline::Reported;
use crate::watch::{self, News};

/// Starts watching `root`, delivering its news to the session.
pub async fn start(client: &Client, shared: &Arc<Shared>, root: &str) {
    let deliver = {
        let shared = shared.clone();
        let client = client.clone();
        let runtime = tokio::runtime::Handle::current();
        move |news: News| match news {
            News::Warning(w) => {
                // Degraded watching is worth one message to the person.
                let client = client.clone();
                runtime.spawn(async move {
                    client
                        .show_message(MessageType::WARNING, format!("mindgap: {w}"))
                        .await
                });
            }
            news => disk_news(&shared, news),
        }
    };
    let options = watch::Options {
        keep_texts: shared.recorder.is_some(),
        ..watch::Options::from_env()
    };
    match watch::watch(Path::new(root), options, deliver) {
        Ok(w) => *lock(&shared.watcher) = Some(w),
        Err(e) => {
            warn!("{e}");
            client
                .show_message(MessageType::WARNING, format!("mindgap: {e}"))
                .await;
        }
    }
}

/// Changes the watcher saw on disk and agents' logs, through the session (on the watcher's
/// thread: a short synchronous step, like an ordered notification).
fn disk_news(shared: &Shared, news: News) {
    match news {
        News::Changes(changes) => {
            if let Some(r) = &shared.recorder {
                for c in &changes {
                    r.disk(
                        &c.rel_path,
                        c.text.as_deref(),
                        c.before.as_deref(),
                        c.in_git,
                    );
                }
            }
            shared.ordered(|p, t, out| {
                for c in &changes {
                    let reported = Reported {
                        rel_path: &c.rel_path,
                        text: c.text.as_deref(),
                        before: c.before.as_deref(),
                        in_git: c.in_git,
                        keys: Some(&c.keys),
                    };
                    p.disk_report(t, reported, out);
                }
            });
        }
        News::Exists(files) => {
            if let Some(r) = &shared.recorder {
                for f in &files {
                    r.exists(&f.rel_path, f.text.as_deref().unwrap_or(""));
                }
            }
            shared.ordered(|p, _, _| {
                for f in &files {
                    p.disk_exists(&f.rel_path, &f.keys);
                }
            });
        }
        News::AgentWrites(writes) => {
            if let Some(r) = &shared.recorder {
                for w in &writes {
                    r.agent(w.agent.as_str(), &w.rel_path);
                }
            }
            shared.ordered(|p, t, out| {
                for w in &writes {
                    p.agent_write(t, w.agent, &w.rel_path, out);
                }
            });
        }
        News::Warning(_) | News::Ready(_) => {}
    }
}
