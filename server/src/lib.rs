//! mindgap: a language server that keeps an honest, local record of how a developer leans on
//! outside help while coding. See `docs/ARCHITECTURE.md` for the map of this crate.

pub mod attribution;
pub mod classify;
pub mod cli;
pub mod config;
pub mod events;
pub mod git;
pub mod home;
pub mod lsp;
pub mod mirror;
pub mod nudges;
pub mod pipeline;
pub mod practices;
pub mod provenance;
pub mod replay;
pub mod session;
pub mod status;
pub mod store;
pub mod tasks;
pub mod trace;
pub mod uri;
pub mod watch;
pub mod workspace;
