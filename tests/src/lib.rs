//! Support crate for the end-to-end tests in `tests/tests/`: a small synchronous LSP client for
//! the real mindgap server, run either as the `mindgap` binary over stdio or in-process (the
//! same `mindgap::lsp` stack over in-memory pipes), and helpers around it.
//!
//! Everything here has a timeout: a test may fail, it may never hang.
//!
//! - [`binary`]: finding (or building) the binary; [`run`] for subcommands (`replay`, `status`).
//! - [`framing`]: strict LSP framing of what the server writes; violations are kept.
//! - [`client`]: [`Server`], the client API, the same on both backends.
//! - [`process`]: the real-binary backend (stderr, environment, pid, SIGKILL); [`Options`].
//! - [`inproc`]: the in-process backend.
//! - [`messages`]: LSP values to send and read; [`workspace`]: folders and git.

use std::time::Duration;

pub mod binary;
pub mod client;
pub mod framing;
pub mod inproc;
pub mod messages;
pub mod process;
pub mod workspace;

pub use binary::{Output, file_mode, mindgap_bin, run, run_with_env, wait_timeout, workspace_root};
pub use client::Server;
pub use framing::{Frame, FrameParser, frame};
pub use messages::{RpcError, caps_with_encodings, full_change, range_change, trimmed_counts, uri};
pub use process::Options;
pub use workspace::{Workspace, commit_with_note, git, git_with};

/// How long a request waits for its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server gets to exit after `exit` (or end of input).
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long [`run`] lets a subcommand take.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(30);
