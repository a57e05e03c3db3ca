//! Provenance against edits, amendments, saving and a per-character reference.

use ropey::Rope;

use super::*;

fn spans(p: &Provenance) -> Vec<(usize, usize)> {
    p.ranges().map(|r| (r.start, r.end)).collect()
}

#[test]
fn edits_shift_split_and_overwrite_ranges() {
    let mut p = Provenance::default();
    p.edit(10, 0, 20, Class::Paste, 1, Tags::default()); // an AI block at 10..30
    p.edit(0, 0, 5, Class::Typed, 2, Tags::default()); // typing before it shifts it
    assert_eq!(spans(&p), vec![(15, 35)]);
    p.edit(20, 0, 3, Class::Typed, 3, Tags::default()); // typing inside it makes those characters the person's
    assert_eq!(spans(&p), vec![(15, 20), (23, 38)]);
    assert_eq!(p.outside_chars(), 20);
    p.edit(18, 7, 0, Class::Delete, 4, Tags::default()); // deleting across the split
    assert_eq!(spans(&p), vec![(15, 18), (18, 31)]);
    p.edit(15, 16, 2, Class::Typed, 5, Tags::default()); // overwriting all of it
    assert_eq!(spans(&p), vec![]);
}

#[test]
fn amendments_add_and_remove_ranges() {
    let mut p = Provenance::default();
    p.edit(0, 0, 10, Class::Paste, 1, Tags::default());
    p.amend(1, Class::Undo, None, Tags::default());
    assert!(p.is_empty());
    p.amend(2, Class::Paste, Some((3, 6)), Tags::default());
    assert_eq!(spans(&p), vec![(3, 6)]);
}

#[test]
fn saved_provenance_round_trips_and_reanchors() {
    let before = Rope::from_str("fn a() {}\nlet ai = generated();\nmore_ai();\nfn b() {}\n");
    let mut p = Provenance::default();
    p.edit(10, 0, 33, Class::Completion, 1, Tags::default()); // lines 1 and 2
    let saved = p.save(&before);
    assert_eq!(Saved::decode(&saved.encode()), Some(saved.clone()));
    assert_eq!(Saved::decode(&saved.encode()[..5]), None);
    // Unchanged file: restored as it was.
    assert_eq!(spans(&Provenance::restore(&saved, &before)), vec![(10, 43)]);
    // Someone added lines above and changed the last line while the file was closed.
    let after = Rope::from_str(
        "// new header\n\nfn a() {}\nlet ai = generated();\nmore_ai();\nfn b(x) {}\n",
    );
    let restored = Provenance::restore(&saved, &after);
    assert_eq!(spans(&restored), vec![(25, 58)]);
    assert_eq!(
        after.slice(25..58).to_string(),
        "let ai = generated();\nmore_ai();\n"
    );
    // The block itself was rewritten: nothing to re-anchor.
    let rewritten = Rope::from_str("fn a() {}\nlet mine = 1;\nfn b() {}\n");
    assert!(Provenance::restore(&saved, &rewritten).is_empty());
}

proptest::proptest! {
    /// Against a reference that owns each character separately: after any sequence of
    /// edits, exactly the characters inserted by outside help and not since deleted are
    /// covered, each by the event that inserted it.
    #[test]
    fn ranges_follow_every_character(
        edits in proptest::collection::vec((0.0..=1.0f64, 0usize..8, 0usize..8, proptest::bool::ANY), 1..120)
    ) {
        let mut p = Provenance::default();
        let mut owner: Vec<Option<u64>> = Vec::new();
        for (i, (at, del, ins, outside)) in edits.into_iter().enumerate() {
            let id = i as u64 + 1;
            let start = ((owner.len() as f64) * at) as usize;
            let del = del.min(owner.len() - start);
            let class = if outside { Class::Paste } else { Class::Typed };
            p.edit(start, del, ins, class, id, Tags::default());
            owner.splice(start..start + del, std::iter::repeat_n(outside.then_some(id), ins));
            let mut covered: Vec<Option<u64>> = vec![None; owner.len()];
            for r in p.ranges() {
                proptest::prop_assert!(r.start < r.end && r.end <= owner.len());
                for c in &mut covered[r.start..r.end] {
                    proptest::prop_assert!(c.is_none(), "ranges overlap");
                    *c = Some(r.id);
                }
            }
            proptest::prop_assert_eq!(&covered, &owner);
        }
    }
}

#[test]
fn past_the_cap_the_oldest_ranges_go() {
    let mut p = Provenance::default();
    for i in 0..(MAX_RANGES + RANGES_SLACK + 1) {
        // A one-char paste, then a typed char, at the end: every paste its own range.
        p.edit(2 * i, 0, 1, Class::Paste, 2 * i as u64 + 1, Tags::default());
        p.edit(
            2 * i + 1,
            0,
            1,
            Class::Typed,
            2 * i as u64 + 2,
            Tags::default(),
        );
    }
    assert_eq!(p.len(), MAX_RANGES);
    let first = p.ranges().next().unwrap();
    assert_eq!(first.start, 2 * (RANGES_SLACK + 1));
    let last = p.ranges().last().unwrap();
    assert_eq!(last.end, 2 * (MAX_RANGES + RANGES_SLACK) + 1);
}

#[test]
fn a_clone_keeps_the_ranges_it_had_while_the_original_changes() {
    let mut p = Provenance::default();
    for i in 0..50 {
        p.edit(3 * i, 0, 2, Class::Paste, i as u64 + 1, Tags::default());
        p.edit(3 * i + 2, 0, 1, Class::Typed, 0, Tags::default());
    }
    let before = p.clone();
    let spans_before = spans(&before);
    p.edit(0, 0, 10, Class::Typed, 99, Tags::default());
    p.edit(75, 30, 0, Class::Delete, 100, Tags::default());
    p.tag(7, |t| t.explanation = 3);
    assert_eq!(spans(&before), spans_before);
    assert!(before.ranges().all(|r| r.tags.explanation == 0));
    assert_ne!(spans(&p), spans_before);
    assert_eq!(spans(&p)[0], (10, 12));
}

#[test]
fn amendments_find_and_put_ranges_by_position_across_leaves() {
    let mut p = Provenance::default();
    for i in 0..20 {
        // A 2-char paste then 3 typed chars: pastes at 5i..5i+2.
        p.edit(5 * i, 0, 2, Class::Paste, i as u64 + 1, Tags::default());
        p.edit(
            5 * i + 2,
            0,
            3,
            Class::Typed,
            100 + i as u64,
            Tags::default(),
        );
    }
    // Typed event 107 (chars 37..40) turns out to be a completion.
    p.amend(107, Class::Completion, Some((37, 40)), Tags::default());
    // Paste 12 (chars 55..57) turns out to be a completion too.
    p.amend(12, Class::Completion, Some((55, 57)), Tags::default());
    // A range someone else claims is left alone.
    p.amend(200, Class::Agent, Some((56, 59)), Tags::default());
    let all: Vec<Range> = p.ranges().collect();
    assert_eq!(all.len(), 21);
    assert!(
        all.windows(2).all(|w| w[0].end <= w[1].start),
        "sorted, apart"
    );
    let by_id = |id| all.iter().find(|r| r.id == id).copied().unwrap();
    assert_eq!((by_id(107).start, by_id(107).end), (37, 40));
    assert_eq!(by_id(107).class, Class::Completion);
    assert_eq!(by_id(12).class, Class::Completion);
    assert_eq!(by_id(11).class, Class::Paste);
    assert!(all.iter().all(|r| r.id != 200));
    // Edits after the amendments still shift the amended range.
    p.edit(0, 0, 1, Class::Typed, 300, Tags::default());
    let r = p.ranges().find(|r| r.id == 107).unwrap();
    assert_eq!((r.start, r.end), (38, 41));
}
