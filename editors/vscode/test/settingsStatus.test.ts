import { strict as assert } from 'assert';
import { test } from 'node:test';
import { SERVER_KEYS, explicitValue, serverSettings } from '../src/settings';
import { barText, isWarning, percent, tooltip } from '../src/status';

test('only explicitly set keys go to the server, the most specific scope winning', () => {
  const s = serverSettings((key) => {
    if (key === 'nudge_early') return { globalValue: 'warning', workspaceValue: 'off' };
    if (key === 'struggle_minutes') return { globalValue: 30 };
    if (key === 'status_format') return { globalValue: '' };
    return {};
  });
  assert.deepEqual(s, { nudge_early: 'off', struggle_minutes: 30 });
  assert.equal(explicitValue({ workspaceFolderValue: 1, workspaceValue: 2, globalValue: 3 }), 1);
  assert.equal(explicitValue(undefined), undefined);
});

test('the server keys are the README configuration keys', () => {
  assert.equal(SERVER_KEYS.length, 12);
  assert.ok(SERVER_KEYS.includes('outside_help'));
});

test('status bar text is the server text, with icons escaped', () => {
  assert.equal(barText({ text: 'parser 45% · AI 3% early / – late' }), '$(mortar-board) parser 45% · AI 3% early / – late');
  assert.equal(barText({ text: '' }), '$(mortar-board) mindgap');
  assert.equal(barText(undefined), '$(mortar-board) mindgap');
  assert.equal(barText({ text: 'a $(x)' }), '$(mortar-board) a \\$(x)');
});

test('percent and warning', () => {
  assert.equal(percent(0.034), '3%');
  assert.equal(percent(null), '–');
  assert.ok(isWarning({ share: { early: 0.3, late: null, overall: 0.3 } }, 0.2));
  assert.ok(!isWarning({ share: { early: 0.1, late: null, overall: 0.1 } }, 0.2));
  assert.ok(isWarning({ text: 'x ⚠' }, 0.2));
});

test('tooltip explains early and late shares', () => {
  const t = tooltip(
    {
      task: { name: 'parser', manual: true, state: 'active', progress: 0.45, phase: 'early' },
      share: { early: 0.03, late: null, overall: 0.03 },
      text: 'parser 45%',
    },
    0.2,
  );
  assert.match(t, /task \*\*parser\*\* \(manual\)/);
  assert.match(t, /45% through, in its early part/);
  assert.match(t, /early \*\*3%\*\*, late \*\*–\*\*/);
  assert.match(t, /first 80%/);
  assert.match(t, /last 20%/);
  assert.match(tooltip(undefined, 0.2), /no task yet/);
});
