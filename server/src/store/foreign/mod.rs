//! Other tools' databases, read only. A tool that keeps what it did in SQLite of its own
//! (OpenCode since 1.2) is read here, the only room that speaks SQL, and never disturbed: the
//! file is opened through [`super::open::untouched`] (read only, its `-shm` only read, no file
//! made beside it, no checkpoint), with `query_only` on and a short busy wait, and is never
//! created; a read that cannot be done is an error sentence for the caller, which asks again
//! later. What leaves is plain Rust: which files a tool call names, never a SQL type.

pub mod opencode;
