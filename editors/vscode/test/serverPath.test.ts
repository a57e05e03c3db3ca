import { strict as assert } from 'assert';
import { test } from 'node:test';
import { candidateNames, resolveServerPath } from '../src/serverPath';

const exec = (...files: string[]) => (p: string) => files.includes(p);

test('the setting wins over everything', () => {
  const r = resolveServerPath({
    setting: '/opt/mg/mindgap',
    env: { MINDGAP_PATH: '/env/mindgap', PATH: '/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    isExecutable: exec('/opt/mg/mindgap', '/env/mindgap', '/ext/bin/mindgap', '/usr/bin/mindgap'),
  });
  assert.deepEqual(r, { ok: true, path: '/opt/mg/mindgap', source: 'setting' });
});

test('a setting that points nowhere is an error, not a silent fallback', () => {
  const r = resolveServerPath({
    setting: '/nope/mindgap',
    env: { PATH: '/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    isExecutable: exec('/usr/bin/mindgap'),
  });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /mindgap\.path.*\/nope\/mindgap/);
});

test('~ in the setting is the home directory', () => {
  const r = resolveServerPath({
    setting: '~/.cargo/bin/mindgap',
    env: {},
    extensionPath: '/ext',
    platform: 'linux',
    home: '/home/ada',
    isExecutable: exec('/home/ada/.cargo/bin/mindgap'),
  });
  assert.deepEqual(r, { ok: true, path: '/home/ada/.cargo/bin/mindgap', source: 'setting' });
});

test('blank setting falls through to $MINDGAP_PATH', () => {
  const r = resolveServerPath({
    setting: '  ',
    env: { MINDGAP_PATH: '/env/mindgap', PATH: '/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    isExecutable: exec('/env/mindgap', '/usr/bin/mindgap'),
  });
  assert.deepEqual(r, { ok: true, path: '/env/mindgap', source: 'env' });
});

test('a broken $MINDGAP_PATH is an error naming it', () => {
  const r = resolveServerPath({
    env: { MINDGAP_PATH: '/env/mindgap', PATH: '/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    isExecutable: exec('/usr/bin/mindgap'),
  });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /MINDGAP_PATH/);
});

test('the bundled binary comes before PATH', () => {
  const r = resolveServerPath({
    env: { PATH: '/usr/bin' },
    extensionPath: '/ext',
    platform: 'linux',
    isExecutable: exec('/ext/bin/mindgap', '/usr/bin/mindgap'),
  });
  assert.deepEqual(r, { ok: true, path: '/ext/bin/mindgap', source: 'bundled' });
});

test('PATH is searched in order, empty entries skipped', () => {
  const r = resolveServerPath({
    env: { PATH: '::/a:/b:/c' },
    extensionPath: '/ext',
    platform: 'darwin',
    isExecutable: exec('/b/mindgap', '/c/mindgap'),
  });
  assert.deepEqual(r, { ok: true, path: '/b/mindgap', source: 'PATH' });
});

test('nothing found: a message with the install command and every place tried', () => {
  const r = resolveServerPath({
    env: { PATH: '/a:/b' },
    extensionPath: '/ext',
    platform: 'linux',
    isExecutable: () => false,
  });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.message, /cargo install --path server --locked/);
    assert.match(r.message, /mindgap\.path/);
    assert.deepEqual(r.tried, ['/ext/bin/mindgap', '/a/mindgap', '/b/mindgap']);
  }
});

test('Windows: mindgap.exe, ; as the separator', () => {
  assert.deepEqual(candidateNames('win32', { PATHEXT: '.EXE;.CMD' }), ['mindgap.exe', 'mindgap.cmd']);
  const r = resolveServerPath({
    env: { Path: 'C:\\tools;C:\\cargo\\bin', PATHEXT: '.EXE' },
    extensionPath: 'C:\\ext',
    platform: 'win32',
    isExecutable: exec('C:\\cargo\\bin\\mindgap.exe'),
  });
  assert.deepEqual(r, { ok: true, path: 'C:\\cargo\\bin\\mindgap.exe', source: 'PATH' });
});
