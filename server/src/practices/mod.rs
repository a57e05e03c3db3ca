//! The practices beyond the edit stream: explanations of outside-help blocks (SPEC sections 7
//! and 8). Files the person owns, in plain Markdown.

pub mod audit;
pub mod check;
pub mod explanations;
pub mod export;
pub mod learning;
pub mod manual;
pub mod report;
pub mod rewrite;
pub mod self_check;
pub mod signals;
pub mod timeline;
