import { strict as assert } from 'assert';
import { test } from 'node:test';
import { blameText, parseBlame } from '../src/blame';

const SHA = '0123456789abcdef0123456789abcdef01234567';

/** An answer as the server gives it (`lsp/blame.rs`). */
const ANSWER = {
  uri: 'file:///w/a.py',
  lines: [
    { line: 1, origin: 'own', commit: SHA, source: 'mindgap' },
    { line: 2, origin: 'completion', commit: SHA, source: 'mindgap' },
    { line: 3, origin: 'paste', commit: null, source: 'live' },
  ],
  text:
    '01234567 (own        mindgap 1)\n' +
    '01234567 (completion mindgap 2)\n' +
    '00000000 (paste      live    3)\n',
  warnings: ['the mindgap note of 01234567 was skipped: empty'],
};

test("the server's answer is checked", () => {
  const a = parseBlame(ANSWER);
  assert.ok(a);
  assert.equal(a.uri, 'file:///w/a.py');
  assert.equal(a.rows.length, 3);
  assert.equal(a.lines[2].commit, null);
  assert.deepEqual(a.warnings, ANSWER.warnings);
  assert.equal(parseBlame(null), undefined);
  assert.equal(parseBlame('not open'), undefined);
  assert.equal(parseBlame({ ...ANSWER, lines: [{ line: 1 }] }), undefined);
  assert.equal(parseBlame({ ...ANSWER, text: undefined }), undefined);
  assert.deepEqual(parseBlame({ ...ANSWER, warnings: undefined })?.warnings, []);
});

test("one line per source line: the server's row, then the editor's text", () => {
  const a = parseBlame(ANSWER);
  assert.ok(a);
  // VS Code counts an empty line after the last line break; git blame does not.
  const source = ['import os', '    return 1', 'x = 1  ', ''];
  assert.equal(
    blameText(a, source),
    '01234567 (own        mindgap 1) import os\n' +
      '01234567 (completion mindgap 2)     return 1\n' +
      '00000000 (paste      live    3) x = 1  ',
  );
  // An empty line keeps its row, without trailing blanks; a line the server did not blame gets
  // a blank row of the same width, so the text stays aligned.
  const more = blameText(a, ['a', '', 'c', 'd']).split('\n');
  assert.equal(more[1], '01234567 (completion mindgap 2)');
  assert.equal(more[3], ' '.repeat(31) + ' d');
  // An empty document is an empty view.
  const empty = parseBlame({ ...ANSWER, lines: [], text: '' });
  assert.ok(empty);
  assert.equal(blameText(empty, ['']), '');
});
