//! What editors' own commands and plugins send, beside typing: a comment toggled, and the space
//! supermaven-nvim puts in and takes out after its accept.

use super::{Session, change, ins};
use crate::classify::{Class, Evidence};
use crate::mirror::ContentChange;

#[test]
fn a_comment_leader_put_before_a_line_at_once_is_editor_typed_by_hand_it_is_typed() {
    let mut s = Session::new("function f() {\n  let sum = 0;\n}\n");
    // VS Code's Toggle Line Comment: `// ` at the indentation, in one change.
    assert_eq!(s.send(1_000.0, vec![ins(1, 2, "// ")]), vec![Class::Editor]);
    assert_eq!(s.events()[0].evidence, Evidence::CommentToggled);
    // ...and taken out again.
    assert_eq!(
        s.send(2_000.0, vec![change(1, 2, 1, 5, "")]).len(),
        1,
        "one removal"
    );
    // The same leader typed by hand arrives a key at a time: typed.
    let mut t = 3_000.0;
    let classes = s.type_text(&mut t, 3, 0, "// ", 120.0);
    assert!(classes.iter().all(|c| *c == Class::Typed));
    // A leader with no code after it comments nothing out.
    s.send(t + 5_000.0, vec![ins(3, 3, "\n")]);
    s.send(t + 9_000.0, vec![ins(4, 0, "# ")]);
    assert_ne!(
        s.events().last().unwrap().evidence,
        Evidence::CommentToggled
    );
}

#[test]
fn supermavens_space_after_its_accept_marks_the_accept_and_is_the_editors() {
    let mut s = Session::new("def labour(hours):\n    \n");
    let accepted = "h = max(hours, 0.5)\n    return round(h * 38, 2)";
    // A block at a fresh line, with no keystroke just before: it looks pasted...
    assert_eq!(
        s.send(5_000.0, vec![ins(1, 4, accepted)]),
        vec![Class::Paste]
    );
    // ...until the plugin's <Space><Left><Del> arrives where it ends.
    let end = 4 + "    return round(h * 38, 2)".len() as u32 - 4;
    assert_eq!(
        s.send(
            5_150.0,
            vec![ins(2, end, " "), change(2, end, 2, end + 1, "")]
        ),
        vec![Class::Editor, Class::Editor]
    );
    assert_eq!(s.events()[0].class, Class::Completion);
    assert_eq!(s.events()[0].evidence, Evidence::AcceptNudge);
    // A space typed and taken back elsewhere, long after a paste, changes nothing before it.
    assert_eq!(
        s.send(9_000.0, vec![ins(0, 0, "import math\n")])[0],
        Class::Paste
    );
    s.send(9_150.0, vec![ins(2, 0, " "), change(2, 0, 2, 1, "")]);
    assert_eq!(s.events()[3].class, Class::Paste);
}

#[test]
fn a_word_put_in_a_character_at_a_time_faster_than_keys_is_not_typing() {
    // copilot.vim's word accept: the first character goes out at once, the rest in the next
    // notification 150 ms later — six more keys in 150 ms is 40 a second.
    let mut s = Session::new("function f(amount) {\n  return x;\n}\n");
    let word = |line: u32, from: u32, text: &str| -> Vec<ContentChange> {
        (text.chars().enumerate())
            .map(|(i, c)| ins(line, from + i as u32, &c.to_string()))
            .collect()
    };
    assert_eq!(s.send(1_000.0, vec![ins(1, 10, " ")]), vec![Class::Typed]);
    let classes = s.send(1_150.0, word(1, 11, "amount"));
    assert!(classes.iter().all(|c| c.is_outside_help()), "{classes:?}");
    assert!(
        s.events()[0].class.is_outside_help(),
        "the lone first key joins it"
    );
    // Five after a lone key is fast typing, and a key held down is autorepeat.
    assert_eq!(s.send(5_000.0, vec![ins(1, 17, " ")]), vec![Class::Typed]);
    let classes = s.send(5_150.0, word(1, 18, "+ 1.5"));
    assert!(classes.iter().all(|c| *c == Class::Typed), "{classes:?}");
    assert_eq!(s.send(9_000.0, vec![ins(1, 23, "-")]), vec![Class::Typed]);
    let classes = s.send(9_150.0, word(1, 24, "------"));
    assert!(classes.iter().all(|c| *c == Class::Typed), "{classes:?}");
}
