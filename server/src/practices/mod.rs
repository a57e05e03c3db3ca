//! The practices beyond the edit stream: explanations of outside-help blocks (SPEC sections 7
//! and 8). Files the person owns, in plain Markdown.

pub mod check;
pub mod explanations;
pub mod rewrite;
