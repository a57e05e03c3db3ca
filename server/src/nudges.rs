//! Nudges: the diagnostics that ask for a manual attempt, for an explanation, or point out that a
//! manual task got outside help — computed from a document's provenance, so they move with edits.
//! Pure: the caller says which explanations count.

use ropey::Rope;

use crate::config::{Config, Severity};
use crate::provenance::Provenance;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Outside help in the early part of a task: try it yourself first.
    EarlyHelp,
    /// A long outside-help block with no explanation that counts.
    Unexplained,
    /// Outside help during a manual task.
    ManualTask,
    /// Outside help during a struggle window.
    StruggleHelp,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::EarlyHelp => "early-help",
            Rule::Unexplained => "unexplained",
            Rule::ManualTask => "manual-task",
            Rule::StruggleHelp => "struggle",
        }
    }
}

/// One nudge over chars `start..end` of a document, about the block inserted by event `block`.
#[derive(Clone, Debug, PartialEq)]
pub struct Nudge {
    pub start: usize,
    pub end: usize,
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub block: u64,
}

/// A block: every piece of one insertion, from its first char to its last.
pub struct Block {
    pub id: u64,
    pub start: usize,
    pub end: usize,
    pub lines: usize,
    pub class: crate::classify::Class,
    pub tags: crate::provenance::Tags,
}

/// The outside-help blocks of a document, in order.
pub fn blocks(rope: &Rope, p: &Provenance) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    // Where each event's block is in `out`: a file of thousands of small blocks stays linear.
    let mut at: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for r in p.ranges() {
        let found = (r.id != 0).then(|| at.get(&r.id).copied()).flatten();
        match found.map(|i| &mut out[i]) {
            Some(b) => {
                b.start = b.start.min(r.start);
                b.end = b.end.max(r.end);
            }
            None => {
                at.entry(r.id).or_insert(out.len());
                out.push(Block {
                    id: r.id,
                    start: r.start,
                    end: r.end,
                    lines: 0,
                    class: r.class,
                    tags: r.tags,
                });
            }
        }
    }
    // What is left of a block once its code is gone (a line break, some indentation) is not
    // outside help worth a word.
    out.retain(|b| {
        let end = b.end.min(rope.len_chars());
        rope.slice(b.start.min(end)..end)
            .chars()
            .any(|c| !c.is_whitespace())
    });
    for b in &mut out {
        let end = b.end.min(rope.len_chars());
        let (first, last) = (
            rope.char_to_line(b.start.min(end)),
            rope.char_to_line(end.saturating_sub(1).max(b.start.min(end))),
        );
        b.lines = last - first + 1;
    }
    out
}

/// The nudges for a document. `explained(id)` says whether explanation `id` counts.
pub fn nudges(
    rope: &Rope,
    p: &Provenance,
    config: &Config,
    explained: impl Fn(u32) -> bool,
) -> Vec<Nudge> {
    let mut out = Vec::new();
    for b in blocks(rope, p) {
        let what = b.class.as_str();
        let mut push = |rule: Rule, severity: Severity, message: String| {
            if severity != Severity::Off {
                out.push(Nudge {
                    start: b.start,
                    end: b.end,
                    rule,
                    severity,
                    message,
                    block: b.id,
                });
            }
        };
        if b.tags.struggle {
            push(
                Rule::StruggleHelp,
                config.nudge_struggle,
                format!(
                    "Outside help ({what}) during your struggle window: try three things yourself before asking."
                ),
            );
        }
        if b.tags.manual {
            push(
                Rule::ManualTask,
                config.nudge_manual,
                format!(
                    "Outside help ({what}) in a manual task: this task is no longer done without help."
                ),
            );
        } else if b.tags.early {
            push(
                Rule::EarlyHelp,
                config.nudge_early,
                format!(
                    "Outside help ({what}) early in the task: try a manual attempt first, and keep help for the last 20%."
                ),
            );
        }
        let counts = b.tags.explanation != 0 && explained(b.tags.explanation);
        if b.lines >= config.explain_min_lines && !counts {
            let state = if b.tags.explanation != 0 {
                " is not written yet"
            } else {
                " is missing"
            };
            push(
                Rule::Unexplained,
                config.nudge_explain,
                format!(
                    "{} lines of {what}: an explanation of why it is here{state} (needed before committing).",
                    b.lines
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Class;
    use crate::provenance::Tags;

    #[test]
    fn early_manual_and_unexplained_blocks() {
        let mut p = Provenance::default();
        p.edit(
            0,
            0,
            4,
            Class::Paste,
            1,
            Tags {
                early: true,
                ..Tags::default()
            },
        );
        p.edit(10, 0, 20, Class::Completion, 2, Tags::default()); // 10 lines, late
        p.edit(
            34,
            0,
            2,
            Class::Paste,
            3,
            Tags {
                manual: true,
                early: true,
                ..Tags::default()
            },
        );
        let config = Config::default();
        let n = nudges(&Rope::from_str(&"x\n".repeat(30)), &p, &config, |_| false);
        let rules: Vec<(Rule, u64)> = n.iter().map(|n| (n.rule, n.block)).collect();
        assert_eq!(
            rules,
            vec![
                (Rule::EarlyHelp, 1),
                (Rule::Unexplained, 2),
                (Rule::ManualTask, 3)
            ]
        );
        // An explanation that counts clears the nudge; one that does not yet keeps it.
        p.tag(2, |t| t.explanation = 7);
        let rope = Rope::from_str(&"x\n".repeat(30));
        assert!(
            nudges(&rope, &p, &config, |id| id == 7)
                .iter()
                .all(|n| n.rule != Rule::Unexplained)
        );
        assert!(
            nudges(&rope, &p, &config, |_| false)
                .iter()
                .any(|n| n.rule == Rule::Unexplained && n.message.contains("not written yet"))
        );
        // Each rule can be turned off.
        let quiet = Config {
            nudge_early: Severity::Off,
            ..Config::default()
        };
        assert!(
            nudges(&rope, &p, &quiet, |_| true)
                .iter()
                .all(|n| n.rule != Rule::EarlyHelp)
        );
    }
}
