import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from 'node:test';
import {
  ACCEPT_COMMANDS,
  AFTER_COMMAND_MS,
  CUT_WINDOW_MS,
  FIRST_CHANGE_MS,
  ITEM_FOLLOW_UP_MS,
  acceptedChange,
  accepting,
  commandDone,
  countOccurrences,
  decideHint,
  looksMechanical,
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
  assert.equal(decideHint({ reason: undefined, changes: [ins('attempts, cap)', 3)], accepted: 'completion' }), 'completion');
  assert.equal(decideHint({ reason: undefined, changes: [ins('', 3)], accepted: 'completion' }), undefined);
});

const URI = 'file:///w/loop.js';

test('each inline accept (whole, word, line) hints its one change, then typing is typing', () => {
  let a = accepting('completion', URI, 0);
  const first = acceptedChange(a, URI, [ins('attempts')], 40);
  assert.equal(first.accepted, 'completion');
  assert.equal(first.next, undefined);
  // the next word is a new accept
  a = accepting('completion', URI, 300);
  assert.equal(acceptedChange(a, URI, [ins(', ')], 320).accepted, 'completion');
  // a key typed after the accept's change is not part of it
  assert.deepEqual(acceptedChange(undefined, URI, [ins('x')], 400), {});
});

test('a menu item hints its change, and its additional edits, but not the typing after it', () => {
  const a = accepting('item', URI, 1000);
  const snippet = acceptedChange(a, URI, [ins('for (let index = 0; index < array.length; index++) {\n\t\n}', 3)], 1010);
  assert.equal(snippet.accepted, 'item');
  assert.equal(snippet.next?.hinted, 1);
  // an auto-import the item carries, a moment later
  const more = acceptedChange(snippet.next, URI, [ins("import { readFile } from 'fs';\n")], 1200);
  assert.equal(more.followUp, true);
  assert.equal(more.accepted, undefined);
  assert.equal(decideHint({ reason: undefined, changes: [ins("import { readFile } from 'fs';\n")], followUp: true }), 'item');
  // keys typed right after: one character, an auto-closed pair, Enter with indentation
  for (const typed of [[ins('i')], [ins('()')], [ins('\n    ')]]) {
    const t = acceptedChange(more.next, URI, typed, 1300);
    assert.equal(t.accepted, undefined);
    assert.equal(t.followUp, undefined);
    assert.equal(t.next, more.next);
  }
  // after the window, nothing
  assert.deepEqual(acceptedChange(more.next, URI, [ins('import x from "y";')], 1000 + ITEM_FOLLOW_UP_MS + 1), {});
});

test('a paste right after a menu item is still a paste', () => {
  const clip = 'const total = items.reduce((a, b) => a + b, 0);';
  assert.equal(decideHint({ reason: undefined, changes: [ins(clip)], clipboard: clip, occurrences: 1, followUp: true }), 'paste');
});

test('an accept in one document does not claim changes in another, nor deletions', () => {
  const a = accepting('item', URI, 0);
  const other = acceptedChange(a, 'file:///w/other.js', [ins('hello')], 10);
  assert.equal(other.accepted, undefined);
  assert.equal(other.next, a);
  const del = acceptedChange(a, URI, [ins('', 3)], 10);
  assert.equal(del.accepted, undefined);
  assert.equal(del.next, a);
});

test('an accept that changes nothing expires soon after its command, not on the next keystroke', () => {
  const a = accepting('completion', URI, 0);
  assert.equal(a.firstBy, FIRST_CHANGE_MS);
  const done = commandDone(a, 20);
  assert.equal(done.firstBy, 20 + AFTER_COMMAND_MS);
  assert.equal(acceptedChange(done, URI, [ins('attempts')], 100).accepted, 'completion');
  assert.deepEqual(acceptedChange(done, URI, [ins('x')], 20 + AFTER_COMMAND_MS + 1), {});
  // once its change has come, the command's end changes nothing
  const item = acceptedChange(accepting('item', URI, 0), URI, [ins('console')], 5).next;
  assert.ok(item);
  assert.equal(commandDone(item, 10), item);
});

test('looksMechanical: three or more non-blank characters in one change', () => {
  assert.ok(looksMechanical([ins('abc')]));
  assert.ok(!looksMechanical([ins('ab')]));
  assert.ok(!looksMechanical([ins('\n\t\t')]));
  assert.ok(!looksMechanical([ins('a'), ins('b')]));
});

test('package.json binds each accepting command like VS Code binds the original, behind its setting, hidden from the palette', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const contributes = pkg.contributes;
  const declared = new Set(contributes.commands.map((c: { command: string }) => c.command));
  const hidden = new Set(
    contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command),
  );
  const bound = new Set<string>();
  for (const k of contributes.keybindings as { command: string; when: string }[]) {
    const a = ACCEPT_COMMANDS[k.command];
    if (!a) continue;
    bound.add(k.command);
    const guard = `config.mindgap.${a.setting}`;
    // every alternative of the `when` (split at ||) needs the setting
    for (const alt of k.when.split('||')) assert.ok(alt.trim().startsWith(`${guard} && `), `${k.command}: ${k.when}`);
    const setting = contributes.configuration.properties[`mindgap.${a.setting}`];
    assert.equal(setting?.default, true, `mindgap.${a.setting} is on by default`);
  }
  for (const id of Object.keys(ACCEPT_COMMANDS)) {
    assert.ok(declared.has(id), `${id} is declared`);
    assert.ok(hidden.has(id), `${id} is hidden from the palette`);
  }
  // next line has no default key in VS Code, so none here either
  assert.deepEqual([...bound].sort(), Object.keys(ACCEPT_COMMANDS).filter((id) => id !== 'mindgap.acceptInlineCompletionLine').sort());
  const keys = (contributes.keybindings as { command: string; key: string }[]).map((k) => `${k.command}:${k.key}`);
  for (const k of [
    'mindgap.acceptSelectedSuggestion:tab',
    'mindgap.acceptSelectedSuggestion:enter',
    'mindgap.acceptInlineCompletion:tab',
    'mindgap.acceptInlineCompletionWord:ctrl+right',
  ]) {
    assert.ok(keys.includes(k), k);
  }
});

test('countOccurrences and withEol', () => {
  assert.equal(countOccurrences('abcabcab', 'ab'), 3);
  assert.equal(countOccurrences('aaaa', 'aa'), 2);
  assert.equal(countOccurrences('abc', ''), 0);
  assert.equal(withEol('a\r\nb\nc', '\r\n'), 'a\r\nb\r\nc');
  assert.equal(withEol('a\r\nb', '\n'), 'a\nb');
});
