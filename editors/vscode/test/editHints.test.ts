import { strict as assert } from 'assert';
import { test } from 'node:test';
import {
  CUT_WINDOW_MS,
  countOccurrences,
  decideHint,
  matchesClipboard,
  mightBePaste,
  rememberDeletions,
  withEol,
} from '../src/editHints';

const ins = (text: string, rangeLength = 0) => ({ text, rangeLength });

test('undo and redo come from the event reason, whatever the change', () => {
  assert.equal(decideHint({ reason: 'undo', changes: [ins('', 5)] }), 'undo');
  assert.equal(decideHint({ reason: 'redo', changes: [ins('hello world')], clipboard: 'hello world' }), 'redo');
});

test('typing is never hinted and never reads the clipboard', () => {
  assert.equal(mightBePaste([ins('a')]), false);
  assert.equal(mightBePaste([ins('b'), ins('b')]), false);
  assert.equal(decideHint({ reason: undefined, changes: [ins('a')], clipboard: 'a' }), undefined);
});

test('inserting the clipboard text is a paste', () => {
  const clip = 'fn main() {\n    println!("hi");\n}\n';
  assert.equal(decideHint({ reason: undefined, changes: [ins(clip)], clipboard: clip, occurrences: 1 }), 'paste');
});

test('a paste replacing a selection is still a paste', () => {
  assert.equal(decideHint({ reason: undefined, changes: [ins('let x = 1;', 7)], clipboard: 'let x = 1;' }), 'paste');
});

test('CRLF on the clipboard, LF in the document', () => {
  assert.ok(matchesClipboard([ins('a\nb\n')], 'a\r\nb\r\n'));
});

test('auto-indent on paste changes indentation only', () => {
  assert.ok(matchesClipboard([ins('if x {\n        y();\n    }')], 'if x {\n    y();\n}'));
  assert.ok(!matchesClipboard([ins('if x {\n  z();\n}')], 'if x {\n    y();\n}'));
});

test('multi-cursor paste: the whole clipboard at each cursor, or one line per cursor', () => {
  assert.ok(matchesClipboard([ins('foo'), ins('foo')], 'foo'));
  assert.ok(matchesClipboard([ins('three'), ins('two'), ins('one')], 'one\ntwo\nthree\n'));
  assert.ok(!matchesClipboard([ins('one'), ins('two')], 'one\ntwo\nthree'));
});

test('text that is not the clipboard is left to the server', () => {
  assert.equal(decideHint({ reason: undefined, changes: [ins('()')], clipboard: 'something else' }), undefined);
  assert.equal(decideHint({ reason: undefined, changes: [ins('xy')] }), undefined);
});

test('a one-character clipboard is never a paste hint', () => {
  assert.ok(!matchesClipboard([ins('x')], 'x'));
});

test('pasting what was just cut is a move: no hint', () => {
  const now = 1_000_000;
  const deletions = rememberDeletions([], [ins('', 14)], now - 5000);
  assert.equal(
    decideHint({ reason: undefined, changes: [ins('let a = b + c;')], clipboard: 'let a = b + c;', deletions, now }),
    undefined,
  );
  // long ago, it counts as a paste again
  assert.equal(
    decideHint({
      reason: undefined,
      changes: [ins('let a = b + c;')],
      clipboard: 'let a = b + c;',
      deletions,
      now: now + CUT_WINDOW_MS,
    }),
    'paste',
  );
});

test('rememberDeletions keeps only real, recent deletions, at most 20', () => {
  let d = rememberDeletions([], [ins('', 1), ins('x', 4), ins('', 3)], 0);
  assert.deepEqual(d, [{ at: 0, length: 3 }]);
  for (let i = 0; i < 30; i++) d = rememberDeletions(d, [ins('', 10 + i)], i);
  assert.equal(d.length, 20);
  assert.equal(d[19].length, 39);
  assert.deepEqual(rememberDeletions(d, [], CUT_WINDOW_MS + 100), []);
});

test('copying within the workspace: the text is already in the open documents', () => {
  assert.equal(
    decideHint({ reason: undefined, changes: [ins('helper(x)')], clipboard: 'helper(x)', occurrences: 2 }),
    undefined,
  );
  assert.equal(
    decideHint({ reason: undefined, changes: [ins('zz'), ins('zz')], clipboard: 'zz', occurrences: 2 }),
    'paste',
  );
});

test('an inline completion accepted through mindgap is a completion', () => {
  assert.equal(decideHint({ reason: undefined, changes: [ins('attempts, cap)', 3)], completionPending: true }), 'completion');
  assert.equal(decideHint({ reason: undefined, changes: [ins('', 3)], completionPending: true }), undefined);
});

test('countOccurrences and withEol', () => {
  assert.equal(countOccurrences('abcabcab', 'ab'), 3);
  assert.equal(countOccurrences('aaaa', 'aa'), 2);
  assert.equal(countOccurrences('abc', ''), 0);
  assert.equal(withEol('a\r\nb\nc', '\r\n'), 'a\r\nb\r\nc');
  assert.equal(withEol('a\r\nb', '\n'), 'a\nb');
});
