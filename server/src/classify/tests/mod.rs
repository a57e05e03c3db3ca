//! Each rule of the classifier, from a document's history and a change: changes are applied to
//! a mirror document as a client would send them, measured, and handed to the classifier — no
//! pipeline, no store.

use std::sync::Arc;

use crate::classify::{Amendment, Class, Classifier, Context, Decision, Evidence, Input};
use crate::mirror::copies::{around, copied};
use crate::mirror::{Applied, ContentChange, Encoding, Mirror, Position, Range};

mod editors;

const URI: &str = "file:///ws/t.py";

/// One document, its history in the classifier, and every decision taken (amendments applied).
struct Session {
    mirror: Mirror,
    classifier: Classifier,
    key: Arc<str>,
    decisions: Vec<Decision>,
    version: i32,
}

fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> ContentChange {
    ContentChange {
        range: Some(Range {
            start: Position::new(sl, sc),
            end: Position::new(el, ec),
        }),
        text: text.into(),
    }
}

fn ins(line: u32, col: u32, text: &str) -> ContentChange {
    change(line, col, line, col, text)
}

impl Session {
    fn new(text: &str) -> Session {
        let key: Arc<str> = Arc::from(URI);
        let mut mirror = Mirror::new();
        mirror.open(key.clone(), 0, text);
        let mut classifier = Classifier::new();
        classifier.seen(&key, 0.0);
        classifier.anchor(&key, mirror.get(URI).unwrap().state());
        Session {
            mirror,
            classifier,
            key,
            decisions: Vec::new(),
            version: 0,
        }
    }

    /// Sends one notification at time `t`; returns the classes of its changes (amendments of
    /// earlier changes are applied to [`Session::decisions`], not returned).
    fn send(&mut self, t: f64, changes: Vec<ContentChange>) -> Vec<Class> {
        self.version += 1;
        let mut applied: Vec<Applied> = Vec::new();
        let doc = self.mirror.get_mut(URI).unwrap();
        doc.apply(self.version, changes, Encoding::Utf32, &mut applied)
            .expect("in order");
        let doc = self.mirror.get(URI).unwrap();
        let inputs: Vec<Input<'_>> = applied
            .iter()
            .map(|a| Input {
                applied: a,
                copied: copied(&self.mirror, doc, &self.key, a),
                around: around(doc, a),
            })
            .collect();
        let ctx = Context {
            t,
            version: self.version,
            first_id: self.decisions.len() as u64 + 1,
            ..Context::default()
        };
        let (mut out, mut amends) = (Vec::new(), Vec::<Amendment>::new());
        self.classifier
            .batch(&self.key, ctx, &inputs, &mut out, &mut amends);
        self.decisions.extend(&out);
        for a in amends {
            self.decisions[a.id as usize - 1] = a.decision;
        }
        out.iter().map(|d| d.class).collect()
    }

    /// Every decision so far, amendments applied.
    fn events(&self) -> Vec<Decision> {
        self.decisions.clone()
    }

    /// Types `text` at (line, col), one character per notification, `gap` ms apart.
    fn type_text(&mut self, t: &mut f64, line: u32, col: u32, text: &str, gap: f64) -> Vec<Class> {
        let mut classes = Vec::new();
        for (i, c) in text.chars().enumerate() {
            *t += gap;
            classes.extend(self.send(*t, vec![ins(line, col + i as u32, &c.to_string())]));
        }
        classes
    }
}

#[test]
fn typing_enter_indent_and_pairs_are_typed() {
    let mut s = Session::new("def f():\n");
    let mut t = 0.0;
    assert!(
        s.type_text(&mut t, 1, 0, "    x = ", 120.0)
            .iter()
            .all(|c| *c == Class::Typed)
    );
    assert_eq!(s.send(t + 100.0, vec![ins(1, 8, "()")]), vec![Class::Typed]);
    assert_eq!(
        s.send(t + 200.0, vec![ins(1, 10, "\n    ")]),
        vec![Class::Typed]
    );
    assert_eq!(
        s.send(t + 300.0, vec![ins(2, 4, "\n    # ")]),
        vec![Class::Typed]
    );
    // Typing over an auto-inserted closer alters nothing.
    assert_eq!(
        s.send(t + 400.0, vec![change(1, 9, 1, 10, ")")]),
        vec![Class::Typed]
    );
}

#[test]
fn fast_typists_and_autorepeat_stay_typed() {
    let mut s = Session::new("\n");
    let mut t = 0.0;
    // Bursts at 20 characters a second with a rollover gap under 30 ms.
    let mut classes = s.type_text(&mut t, 0, 0, "fast", 50.0);
    t += 18.0;
    classes.extend(s.send(t, vec![ins(0, 4, "e")]));
    classes.extend(s.type_text(&mut t, 0, 5, "r", 45.0));
    // Autorepeat at 33 Hz.
    classes.extend(s.type_text(&mut t, 0, 6, &"-".repeat(30), 30.0));
    assert!(classes.iter().all(|c| *c == Class::Typed), "{classes:?}");
}

#[test]
fn terminal_pastes_without_bracketing_are_paste_from_their_first_character() {
    let mut s = Session::new("\n");
    let mut t = 1000.0;
    s.type_text(&mut t, 0, 0, "LIMITS = {'low': 10}", 2.0);
    let events = s.events();
    assert!(
        events.iter().all(|e| e.class == Class::Paste),
        "{:?}",
        events.iter().map(|e| e.class).collect::<Vec<_>>()
    );
    assert!(matches!(events[5].evidence, Evidence::MachineBurst { .. }));
}

#[test]
fn neovim_batches_of_single_characters_are_paste_and_a_menu_rewrite_is_editor() {
    // A paste arrives as a lone first character, then one batch with the rest.
    let mut s = Session::new("\n");
    assert_eq!(s.send(1000.0, vec![ins(0, 0, "L")]), vec![Class::Typed]);
    let rest: Vec<ContentChange> = "IMITS = {}"
        .chars()
        .enumerate()
        .map(|(i, c)| ins(0, 1 + i as u32, &c.to_string()))
        .collect();
    assert!(s.send(1150.0, rest).iter().all(|c| *c == Class::Paste));
    assert_eq!(
        s.events()[0].class,
        Class::Paste,
        "the lone first character is amended"
    );

    // <C-n> deletes the typed prefix and re-types the whole word, a character at a time.
    let mut s = Session::new("perimeter_circle = 1\nperi\n");
    // The menu's first change goes out alone; the rest follow 150 ms later.
    assert_eq!(
        s.send(350.0, vec![change(1, 3, 1, 4, "")]),
        vec![Class::Delete]
    );
    let mut changes: Vec<ContentChange> =
        (0..3).rev().map(|i| change(1, i, 1, i + 1, "")).collect();
    changes.extend(
        "perimeter_circle"
            .chars()
            .enumerate()
            .map(|(i, c)| ins(1, i as u32, &c.to_string())),
    );
    assert!(s.send(500.0, changes).iter().all(|c| *c == Class::Editor));
}

#[test]
fn a_first_burst_batched_after_open_is_still_typing() {
    // Neovim sends a buffer's first burst of typing as one batch, however long it took.
    let mut s = Session::new("\n");
    let typed: Vec<ContentChange> = "x = 1 + 2 +"
        .chars()
        .enumerate()
        .map(|(i, c)| ins(0, i as u32, &c.to_string()))
        .collect();
    assert!(s.send(600.0, typed).iter().all(|c| *c == Class::Typed));
}

#[test]
fn multi_cursor_typing_is_typed_and_scattered_edits_are_editor() {
    let mut s = Session::new("a\nb\nc\n");
    // VS Code: one event, bottom line first.
    assert_eq!(
        s.send(100.0, vec![ins(2, 1, ";"), ins(1, 1, ";"), ins(0, 1, ";")]),
        vec![Class::Typed; 3]
    );
    // A rename: several small replacements in one event, bottom-up.
    let mut s = Session::new("foo = 1\nx = foo\ny = foo + foo\n");
    let classes = s.send(
        100.0,
        vec![
            change(2, 10, 2, 13, "bar"),
            change(2, 4, 2, 7, "bar"),
            change(1, 4, 1, 7, "bar"),
            change(0, 0, 0, 3, "bar"),
        ],
    );
    assert_eq!(classes, vec![Class::Editor; 4]);
}

#[test]
fn completion_at_the_cursor_paste_elsewhere_and_completion_items() {
    let mut s = Session::new("\n\n");
    let mut t = 0.0;
    s.type_text(&mut t, 0, 0, "def kmh_to", 150.0);
    // An AI suggestion accepted right where the person was typing.
    assert_eq!(
        s.send(
            t + 1200.0,
            vec![ins(0, 10, "_ms(kmh):\n    return kmh / 3.6")]
        ),
        vec![Class::Completion]
    );
    // The same kind of text landing on an empty line, with no typing there: a paste.
    assert_eq!(
        s.send(
            t + 5000.0,
            vec![ins(2, 0, "def dew(t):\n    return t - 2\n")]
        ),
        vec![Class::Paste]
    );
    // One identifier completing the word being typed: a completion item (mechanical).
    let mut s = Session::new("value = 1\n\n");
    let mut t = 0.0;
    s.type_text(&mut t, 1, 0, "print(va", 150.0);
    assert_eq!(
        s.send(t + 300.0, vec![ins(1, 8, "lue")]),
        vec![Class::Editor]
    );
}

#[test]
fn undo_and_redo_return_to_earlier_states_whatever_their_shape() {
    let mut s = Session::new("x = 1\n");
    let block = "def g():\n    return 2\n";
    assert_eq!(s.send(1000.0, vec![ins(1, 0, block)]), vec![Class::Paste]);
    assert_eq!(
        s.send(2000.0, vec![change(1, 0, 3, 0, "")]),
        vec![Class::Undo]
    );
    assert_eq!(s.send(3000.0, vec![ins(1, 0, block)]), vec![Class::Undo]);
    // Backspacing a typed character is a deletion, not an undo.
    let mut t = 4000.0;
    s.type_text(&mut t, 0, 5, "0", 100.0);
    assert_eq!(
        s.send(t + 100.0, vec![change(0, 5, 0, 6, "")]),
        vec![Class::Delete]
    );
}

#[test]
fn cut_and_paste_and_copies_are_moves() {
    let mut s = Session::new("def a():\n    return 1\n\ndef b():\n    return 2\n");
    assert_eq!(
        s.send(1000.0, vec![change(0, 0, 3, 0, "")]),
        vec![Class::Delete]
    );
    assert_eq!(
        s.send(2000.0, vec![ins(2, 0, "def a():\n    return 1\n\n")]),
        vec![Class::Move]
    );
    // A copied line put elsewhere: its lines already exist in the document.
    assert_eq!(
        s.send(3000.0, vec![ins(0, 0, "    return 2\n")]),
        vec![Class::Move]
    );
}

#[test]
fn substitutions_with_the_same_shape_are_editor() {
    let mut s = Session::new("def area(side):\n    return side * side\n");
    let classes = s.send(
        1000.0,
        vec![change(0, 9, 1, 22, "length):\n    return length * length")],
    );
    assert_eq!(classes, vec![Class::Editor]);
}

#[test]
fn every_decision_carries_confidence_and_evidence() {
    let mut s = Session::new("\n");
    s.send(100.0, vec![ins(0, 0, "x")]);
    let e = &s.events()[0];
    assert_eq!(e.evidence, Evidence::OneChar);
    assert!(e.confidence > 0.5 && e.confidence <= 1.0);
    assert_eq!(e.evidence.to_string(), "one character");
}

#[test]
fn rewrites_that_keep_the_content_are_editor_in_one_change_or_many() {
    let json = r#"{"name": "widget", "tags": ["a", "b"], "price": 3, "stock": {"shelf": 4}}"#;
    let pretty = "{\n    \"name\": \"widget\",\n    \"tags\": [\n        \"a\",\n        \"b\"\n    ],\n    \"price\": 3,\n    \"stock\": {\n        \"shelf\": 4\n    }\n}\n";
    // A filter's output replacing the document in one change.
    let mut s = Session::new(&format!("{json}\n"));
    assert_eq!(
        s.send(5_000.0, vec![change(0, 0, 1, 0, pretty)]),
        vec![Class::Editor]
    );
    // Neovim's `:%!`: the output inserted below, then the input deleted, in one notification.
    let mut s = Session::new(&format!("{json}\n"));
    let classes = s.send(5_000.0, vec![ins(1, 0, pretty), change(0, 0, 1, 0, "")]);
    assert_eq!(classes, vec![Class::Editor, Class::Editor]);
    // Lines sorted.
    let list = "pear = 3\napple = 1\nfig = 2\nkiwi = 5\n";
    let mut s = Session::new(list);
    let sorted = "apple = 1\nfig = 2\nkiwi = 5\npear = 3\n";
    assert_eq!(
        s.send(5_000.0, vec![change(0, 0, 4, 0, sorted)]),
        vec![Class::Editor]
    );
    // Not content: the same place rewritten with new code is still a paste.
    let mut s = Session::new(&format!("{json}\n"));
    let other = "def price(item):\n    return item.price * 1.2\n";
    assert_eq!(
        s.send(5_000.0, vec![change(0, 0, 1, 0, other)]),
        vec![Class::Paste]
    );
}

#[test]
fn a_suggestion_accepted_word_by_word_or_line_by_line_is_completion_throughout() {
    let mut s = Session::new("def c_to_k(c):\n    \n");
    let mut t = 0.0;
    s.type_text(&mut t, 1, 4, "ret", 150.0);
    // The first word finishes the word typed (it looks like a menu item), then the next pieces.
    t += 600.0;
    assert_eq!(s.send(t, vec![ins(1, 7, "urn")]), vec![Class::Editor]);
    t += 700.0;
    assert_eq!(s.send(t, vec![ins(1, 10, " c +")]), vec![Class::Completion]);
    t += 900.0;
    assert_eq!(
        s.send(t, vec![ins(1, 14, " 273.15")]),
        vec![Class::Completion]
    );
    t += 1_500.0;
    assert_eq!(
        s.send(t, vec![ins(1, 21, "\n    # Kelvin")]),
        vec![Class::Completion],
        "a line piece"
    );
    let classes: Vec<Class> = s.events().iter().skip(3).map(|d| d.class).collect();
    assert_eq!(
        classes,
        vec![Class::Completion; 4],
        "the first word amended"
    );
    assert_eq!(s.events()[4].evidence, Evidence::NextPiece);
}

#[test]
fn a_menu_snippet_at_the_word_typed_is_editor() {
    let mut s = Session::new("def total(items):\n    \n");
    let mut t = 0.0;
    s.type_text(&mut t, 1, 4, "fo", 150.0);
    t += 800.0;
    let snippet = "r item in items:\n        pass";
    assert_eq!(s.send(t, vec![ins(1, 6, snippet)]), vec![Class::Editor]);
    assert_eq!(s.events().last().unwrap().evidence, Evidence::SnippetItem);
    // Helix replaces the word typed with the item.
    let mut s = Session::new("def total(items):\n    \n");
    let mut t = 0.0;
    s.type_text(&mut t, 1, 4, "whi", 150.0);
    t += 800.0;
    let item = "while condition:\n        pass";
    assert_eq!(
        s.send(t, vec![change(1, 4, 1, 7, item)]),
        vec![Class::Editor]
    );
    // An AI suggestion at the same spot brings statements: completion.
    let mut s = Session::new("def total(items):\n    \n");
    let mut t = 0.0;
    s.type_text(&mut t, 1, 4, "fo", 150.0);
    t += 800.0;
    let ai = "r item in items:\n        total += item.price";
    assert_eq!(s.send(t, vec![ins(1, 6, ai)]), vec![Class::Completion]);
}

#[test]
fn a_suggestion_accepted_on_a_line_just_opened_is_completion_a_block_pasted_there_is_not() {
    let mut s = Session::new("def mean(rows):\n");
    let mut t = 0.0;
    t += 150.0;
    s.send(t, vec![ins(1, 0, "\n"), ins(2, 0, "    ")]);
    t += 1_200.0;
    assert_eq!(
        s.send(t, vec![ins(2, 4, "total = sum(rows)")]),
        vec![Class::Completion]
    );
    assert_eq!(
        s.events().last().unwrap().evidence,
        Evidence::AcceptOnFreshLine
    );
    // The next line of it, starting with its line break, moments later.
    t += 700.0;
    assert_eq!(
        s.send(t, vec![ins(2, 21, "\n    return total / len(rows)")]),
        vec![Class::Completion]
    );
    let mut s = Session::new("def mean(rows):\n");
    s.send(150.0, vec![ins(1, 0, "\n"), ins(2, 0, "    ")]);
    let block = "\"\"\"The mean.\"\"\"\n    if not rows:\n        raise ValueError(\"empty\")";
    assert_eq!(s.send(700.0, vec![ins(2, 4, block)]), vec![Class::Paste]);
}

#[test]
fn a_menu_snippet_replacing_the_menu_word_is_editor_and_so_is_the_word_going() {
    let mut s = Session::new("def f(items):\n    \n");
    let mut t = 0.0;
    s.type_text(&mut t, 1, 4, "fo", 150.0);
    // The menu rewrites the word (its item), then on accept takes it away and expands.
    t += 300.0;
    let classes = s.send(
        t,
        vec![
            change(1, 4, 1, 6, ""),
            ins(1, 4, "f"),
            ins(1, 5, "o"),
            ins(1, 6, "r"),
        ],
    );
    assert_eq!(classes, vec![Class::Editor; 4]);
    t += 400.0;
    s.send(t, vec![change(1, 4, 1, 7, "")]);
    t += 150.0;
    let expanded = "for name, qty in items.items():\n        ";
    assert_eq!(s.send(t, vec![ins(1, 4, expanded)]), vec![Class::Editor]);
    let n = s.events().len();
    assert_eq!(s.events()[n - 2].class, Class::Editor, "the word's removal");
}

#[test]
fn a_rewrite_whose_output_and_input_come_apart_is_editor() {
    let json = r#"{"name": "widget", "tags": ["a", "b"], "price": 3}"#;
    let pretty = "{\n    \"name\": \"widget\",\n    \"tags\": [\n        \"a\",\n        \"b\"\n    ],\n    \"price\": 3\n}\n";
    let mut s = Session::new(&format!("{json}\n"));
    // Neovim's `:%!`: the output below the input in one notification, the input deleted in the
    // next.
    s.send(5_000.0, vec![ins(1, 0, pretty)]);
    assert_eq!(
        s.send(5_150.0, vec![change(0, 0, 1, 0, "")]),
        vec![Class::Editor]
    );
    let classes: Vec<Class> = s.events().iter().map(|d| d.class).collect();
    assert_eq!(classes, vec![Class::Editor, Class::Editor]);
    assert_eq!(s.events()[0].evidence, Evidence::ContentKept);
}

#[test]
fn typing_after_a_reload_that_rebuilds_an_older_text_is_not_an_undo() {
    let mut s = Session::new("def f():");
    let mut t = 0.0;
    t += 150.0;
    assert_eq!(s.send(t, vec![ins(0, 8, "\n    ")]), vec![Class::Typed]);
    s.type_text(&mut t, 1, 4, "pass", 150.0);
    // A checkout puts the committed text back; the editor reloads it.
    let doc = s.mirror.get_mut(URI).unwrap();
    let mut applied = Vec::new();
    s.version += 1;
    let revert = vec![change(0, 8, 1, 8, "")];
    doc.apply(
        s.version,
        revert,
        crate::mirror::Encoding::Utf32,
        &mut applied,
    )
    .unwrap();
    let state = s.mirror.get(URI).unwrap().state();
    assert_eq!(
        s.classifier.reload(&s.key, state, Some(true)).class,
        Class::Vcs
    );
    // Enter again goes through a state the document had before the reload: typing still.
    t += 2_000.0;
    assert_eq!(s.send(t, vec![ins(0, 8, "\n    ")]), vec![Class::Typed]);
}

#[test]
fn a_repeat_of_what_was_just_typed_is_typing_however_fast_it_comes() {
    let mut s = Session::new("old_name = 1\nold_name = 2\n");
    let mut t = 0.0;
    // `cw` then typing, on the first line.
    t += 500.0;
    s.send(t, vec![change(0, 0, 0, 8, "")]);
    s.type_text(&mut t, 0, 0, "reader_id", 150.0);
    // `.` on the second line: the word goes, and the typing comes back at once.
    t += 900.0;
    s.send(t, vec![change(1, 0, 1, 8, "")]);
    t += 150.0;
    let repeat: Vec<_> = "reader_id"
        .chars()
        .enumerate()
        .map(|(i, c)| ins(1, i as u32, &c.to_string()))
        .collect();
    assert_eq!(s.send(t, repeat), vec![Class::Typed; 9]);
}

#[test]
fn a_rewrite_that_brings_an_earlier_text_back_is_editor_not_undo() {
    let json = r#"{"name": "widget", "tags": ["a", "b"], "price": 3}"#;
    let pretty = "{\n    \"name\": \"widget\",\n    \"tags\": [\n        \"a\",\n        \"b\"\n    ],\n    \"price\": 3\n}\n";
    let mut s = Session::new(&format!("{json}\n"));
    s.send(5_000.0, vec![ins(1, 0, pretty)]);
    s.send(5_150.0, vec![change(0, 0, 1, 0, "")]);
    // `:%!python3 -m json.tool --compact`: the first text again, output first, input after.
    s.send(9_000.0, vec![ins(8, 0, &format!("{json}\n"))]);
    assert_eq!(
        s.send(9_150.0, vec![change(0, 0, 8, 0, "")]),
        vec![Class::Editor]
    );
    let classes: Vec<Class> = s.events().iter().map(|d| d.class).collect();
    assert_eq!(classes, vec![Class::Editor; 4]);
    assert!(s.classifier.take_undone().is_empty(), "nothing was undone");
}

#[test]
fn a_paste_taken_back_at_once_is_undone_not_a_rewrite() {
    let mut s = Session::new("x = 1\n");
    let block = "def g(a, b):\n    return a + b\n";
    assert_eq!(s.send(1_000.0, vec![ins(1, 0, block)]), vec![Class::Paste]);
    assert_eq!(
        s.send(1_500.0, vec![change(1, 0, 3, 0, "")]),
        vec![Class::Undo]
    );
}

#[test]
fn lines_sorted_by_a_change_that_cuts_words_in_two_are_editor() {
    // Neovim trims the change to what differs: it begins after `\t"` and ends before `s"`.
    let mut s =
        Session::new("import (\n\t\"strings\"\n\t\"net/http\"\n\t\"fmt\"\n\t\"errors\"\n)\n");
    let sorted = "errors\"\n\t\"fmt\"\n\t\"net/http\"\n\t\"string";
    assert_eq!(
        s.send(1_000.0, vec![change(1, 2, 4, 7, sorted)]),
        vec![Class::Editor]
    );
    let doc = s.mirror.get(URI).unwrap().text();
    assert_eq!(
        doc,
        "import (\n\t\"errors\"\n\t\"fmt\"\n\t\"net/http\"\n\t\"strings\"\n)\n"
    );
}

#[test]
fn lines_indented_are_editor_and_a_long_auto_indent_is_typed() {
    let mut s = Session::new("- faster import\n- retries\n- quieter logs\n");
    // `>ip` as Neovim sends it: the lines again, indented (spaces down a column).
    let indented = "    - faster import\n    - retries\n    ";
    assert_eq!(
        s.send(1_000.0, vec![change(0, 0, 2, 0, indented)]),
        vec![Class::Editor]
    );
    // Enter inside an open bracket: the new line lines up under it, far to the right.
    let mut s = Session::new("print(height_at(\"wick\", 3\n");
    let enter = format!("\n{}", " ".repeat(48));
    assert_eq!(
        s.send(1_000.0, vec![ins(0, 25, &enter)]),
        vec![Class::Typed]
    );
}

#[test]
fn the_no_op_a_redo_sends_first_is_part_of_it() {
    let mut s = Session::new("x = 1\n\n");
    let block = "def g():\n    return 2\n";
    assert_eq!(s.send(1_000.0, vec![ins(1, 0, block)]), vec![Class::Paste]);
    assert_eq!(
        s.send(2_000.0, vec![change(1, 0, 3, 0, "")]),
        vec![Class::Undo]
    );
    // Neovim's redo: a line break replaced by itself, then the text back 150 ms later.
    s.send(3_000.0, vec![change(1, 0, 2, 0, "\n")]);
    assert_eq!(s.send(3_150.0, vec![ins(1, 0, block)]), vec![Class::Undo]);
    let classes: Vec<Class> = s.events().iter().map(|d| d.class).collect();
    assert_eq!(classes[2..], [Class::Undo, Class::Undo]);
}
