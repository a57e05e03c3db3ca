// Records a labelled everyday session in code-server (VS Code in the browser) with the packaged
// mindgap.vsix, driven by Debian's chromium through playwright-core: the server runs as
// `mindgap lsp --record TRACE` (a wrapper passed to the extension as $MINDGAP_PATH) in a git
// workspace it watches, and each content change gets the label of the step that made it
// (scenarios.mjs; labelled by what the run did, never by what the classifier says). Run it with
// e2e/record.sh, which sets the environment:
//   CODE_SERVER, PLAYWRIGHT_FROM, CHROMIUM, VSIX, MINDGAP_PATH as for e2e.mjs
//   SCENARIO   everyday | everyday_h | workday          OUT  the folder for vscode_NAME.{trace,labels}.jsonl
//   WORK       the scratch directory (the workspace is WORK/NAME, so URIs stay the same)
//   PORT       code-server's port (default 18767)
// Exit 1, writing nothing to OUT, when a step misbehaves or the recording fails a check.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env, BASE_SETTINGS, prepare, startCodeServer, stopCodeServer, waitForHttp, openWorkbench, waitForStatus, quickOpen } from './harness.mjs';
import { parseTrace, contentEvents, labelSession } from './label.mjs';
import { SCENARIOS } from './scenarios.mjs';

const CODE_SERVER = env('CODE_SERVER');
const VSIX = env('VSIX');
const WORK = env('WORK');
const OUT = env('OUT');
const MINDGAP = env('MINDGAP_PATH');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PORT = Number(process.env.PORT ?? 18767);
const sc = SCENARIOS[env('SCENARIO')];
if (!sc) throw new Error(`record: SCENARIO is one of ${Object.keys(SCENARIOS).join(', ')}`);

const STEM = `vscode_${sc.name}`; // the fixture's name
const TRACE = path.join(WORK, `${STEM}.trace.jsonl`);
const settings = {
  ...BASE_SETTINGS,
  'editor.autoClosingQuotes': 'never',
  'editor.suggestOnTriggerCharacters': false,
  'editor.parameterHints.enabled': false,
  'editor.hover.enabled': false,
  'workbench.editor.enablePreview': false,
  'git.autofetch': false,
  'git.openRepositoryInParentFolders': 'never',
  'files.autoSave': 'off',
};
// WORK/{data,extensions,…} as e2e.mjs lays it out; the workspace itself is WORK/NAME.
const prep = prepare({ CODE_SERVER, WORK, MINDGAP, TRACE, vsixes: [VSIX], settings });
const ws = path.join(WORK, sc.name);
fs.rmSync(prep.ws, { recursive: true, force: true });
fs.mkdirSync(ws, { recursive: true });
const git = (...args) => execFileSync('git', args, { cwd: ws, encoding: 'utf8' });
git('init', '-q', '-b', 'main');
git('config', 'user.name', 'Sam Person');
git('config', 'user.email', 'sam@example.com');
for (const [rel, text] of Object.entries(sc.files)) {
  fs.mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
  fs.writeFileSync(path.join(ws, rel), text);
}
git('add', '-A');
git('commit', '-qm', 'start');
git('checkout', '-qb', 'feature');
fs.writeFileSync(path.join(ws, sc.feature.file), sc.feature.text);
git('commit', '-qam', sc.feature.message);
git('checkout', '-q', 'main');

// ------------------------------------------------------------------ timing like a person
let seed = sc.seed >>> 0;
const rand = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const between = (a, b) => a + (b - a) * rand();
/** The gap before the next key: ~7 keys/s, bursts, key rollover, a pause at each line start. */
function gap(prev) {
  if (prev === '\n') return between(350, 900);
  const r = rand();
  if (r < 0.08) return between(14, 30); // rollover
  if (r < 0.3) return between(60, 95); // a burst inside a word
  if (r < 0.95) return between(100, 210);
  return between(300, 600); // thinking
}

async function typeLikeAPerson(page, text) {
  let prev = '';
  for (const ch of text) {
    await page.waitForTimeout(gap(prev));
    if (ch === '\n') await page.keyboard.press('Enter');
    else await page.keyboard.type(ch);
    prev = ch;
  }
}

// ------------------------------------------------------------------ the trace as it grows
const traceLines = () => (fs.existsSync(TRACE) ? parseTrace(fs.readFileSync(TRACE, 'utf8').replace(/[^\n]*$/, '')) : []);
const eventCount = () => contentEvents(traceLines()).length;

/**
 * Waits until the trace holds at least `from + least` content events and no new one came for
 * `quietMs`; gives up after `ms`. Returns the count.
 */
async function settle(page, from, { least = 0, quietMs = 900, ms = 20_000 } = {}) {
  const end = Date.now() + ms;
  let n = eventCount();
  let since = Date.now();
  while (Date.now() < end) {
    await page.waitForTimeout(100);
    const m = eventCount();
    if (m !== n) {
      n = m;
      since = Date.now();
    }
    if (n >= from + least && Date.now() - since >= quietMs) return n;
  }
  return n;
}

const actions = [];
const problems = [];
let at = 0; // content events seen so far

async function step(page, s) {
  const from = eventCount();
  if (from !== at) problems.push(`${from - at} content event(s) arrived between steps, before ${JSON.stringify(s)}`);
  if (s.open) {
    await quickOpen(page, s.open);
    await page.waitForTimeout(1500);
  } else if (s.key) {
    await page.keyboard.press(s.key);
  } else if (s.gotoLine) {
    await page.keyboard.press('Control+G');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
    await page.keyboard.type(String(s.gotoLine), { delay: 30 });
    await page.keyboard.press('Enter');
  } else if (s.selectLines) {
    for (let i = 1; i < s.selectLines; i++) await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
  } else if (s.type) {
    await typeLikeAPerson(page, s.type);
  } else if (s.paste) {
    await page.evaluate((t) => navigator.clipboard.writeText(t), s.paste);
    await page.waitForTimeout(between(600, 1200));
    await page.keyboard.press('Control+V');
  } else if (s.command) {
    await runCommand(page, s.command);
  } else if (s.rename) {
    // Rename Symbol: F2, the new name typed into its box (which holds the old one, selected),
    // Enter: the language server's edits. The box only opens once the language server is up.
    await renameBox(page);
    await page.keyboard.type(s.rename, { delay: 90 });
    await page.keyboard.press('Enter');
  } else if (s.suggest) {
    // the suggest widget opened by hand, its first item taken with Tab
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.suggest-widget.visible', { state: 'visible', timeout: 20_000 });
    await page.waitForTimeout(between(400, 800));
    const item = await page.locator('.suggest-widget .monaco-list-row.focused .label-name').first().textContent();
    if (item?.trim() !== s.suggest) throw new Error(`record: the suggest widget offers ${item}, not ${s.suggest}`);
    await page.keyboard.press('Tab');
  } else if (s.save) {
    await page.keyboard.press('Control+S');
  } else if (s.git) {
    git(...s.git);
  } else if (s.merge) {
    await merge(page, s, from);
    return;
  } else throw new Error(`record: unknown step ${JSON.stringify(s)}`);
  const least = s.class && !s.type ? 1 : 0;
  const to = await settle(page, from, { least, quietMs: s.class ? 900 : 500, ms: s.git || s.command ? 20_000 : 8_000 });
  if (s.class) {
    if (to === from) problems.push(`no content change from ${JSON.stringify(s)}`);
    actions.push({ from, to, class: s.class, action: s.action });
  } else if (to !== from) {
    problems.push(`${to - from} unexpected content event(s) from ${JSON.stringify(s)}`);
    actions.push({ from, to, class: '?', action: `unexpected, after ${JSON.stringify(s)}` });
  }
  if (s.save) {
    // the save is on disk before anything else happens to the file
    for (let i = 0; i < 50 && (await dirtyTabs(page)); i++) await page.waitForTimeout(100);
    if (await dirtyTabs(page)) problems.push(`still unsaved after ${JSON.stringify(s)}`);
  }
  at = to;
  await page.waitForTimeout(between(400, 900));
}

const dirtyTabs = (page) => page.evaluate(() => document.querySelectorAll('.tab.active.dirty').length > 0);

/** A merge, and 2.5 s after it a shell "agent" that writes a new file and appends to the main file. */
async function merge(page, s, from) {
  git('merge', '--no-edit', '-q', s.merge);
  const agent = spawn(
    'sh',
    ['-c', 'sleep 2.5; printf %s "$NEW_TEXT" > "$NEW_FILE"; printf %s "$APPEND" >> "$MAIN"'],
    { cwd: ws, env: { ...process.env, NEW_TEXT: sc.agent.newText, NEW_FILE: sc.agent.newFile, APPEND: sc.agent.append, MAIN: sc.main }, stdio: 'inherit' },
  );
  const agentDone = new Promise((r) => agent.on('exit', r));
  const t = Date.now();
  // the merge's reload: its changes are in before the agent writes
  const mid = await settle(page, from, { least: 1, quietMs: 700, ms: 2_400 });
  if (Date.now() - t >= 2_450) problems.push('the merge reload was not over before the agent wrote');
  if (mid === from) problems.push('no reload after the merge');
  actions.push({ from, to: mid, class: s.class, action: s.action });
  await agentDone;
  const to = await settle(page, mid, { least: 1, quietMs: 1_200, ms: 15_000 });
  if (to === mid) problems.push('no reload after the agent wrote');
  actions.push({ from: mid, to, class: s.agentClass, action: s.agentAction });
  at = to;
  await page.waitForTimeout(between(800, 1200));
}

/** Presses F2 until the rename box has the focus (the language server may still be starting). */
async function renameBox(page) {
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('F2');
    const focused = await page
      .waitForFunction(() => (document.activeElement?.closest('.rename-box') ?? null) !== null, null, { timeout: 5_000 })
      .then(() => true, () => false);
    if (focused) return;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(3_000);
  }
  throw new Error('record: the rename box never took the focus');
}

/** Runs the command palette entry whose label is exactly `label`. */
async function runCommand(page, label) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(label, { delay: 15 });
  await page.waitForTimeout(700);
  const labels = await page.locator('.quick-input-list .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => (r.querySelector('.label-name')?.textContent ?? '').replace(/\u00a0/g, ' ').trim()),
  );
  const i = labels.findIndex((l) => l === label);
  if (i < 0) throw new Error(`record: no palette entry "${label}" (${JSON.stringify(labels)})`);
  await page.locator('.quick-input-list .monaco-list-row').nth(i).click();
}

// ------------------------------------------------------------------ the run
const server = startCodeServer({ CODE_SERVER, WORK, PORT, common: prep.common, csEnv: prep.csEnv, folder: ws });
let browser;
const t0 = Date.now();
let ok = false;
try {
  await waitForHttp(`http://127.0.0.1:${PORT}/healthz`, 60_000);
  let page;
  ({ browser, page } = await openWorkbench({ CHROMIUM, PORT, folder: ws }));
  const first = await waitForStatus(page, (t) => t.length > 0, 60_000);
  if (first === null) throw new Error('record: the mindgap status bar item never appeared');
  await page.waitForTimeout(3000);
  at = eventCount();
  for (const s of sc.steps) {
    console.log(`step ${JSON.stringify(s).slice(0, 110)}`);
    await step(page, s);
  }
  await page.waitForTimeout(1500);
  ok = true;
} catch (e) {
  problems.push(`${e instanceof Error ? e.stack : e}`);
  await browser?.contexts()[0]?.pages()[0]?.screenshot({ path: path.join(WORK, 'failure.png') }).catch(() => undefined);
} finally {
  if (browser) await browser.close();
  stopCodeServer(server);
  await new Promise((r) => setTimeout(r, 1000));
}

// ------------------------------------------------------------------ checks, labels, output
const lines = traceLines();
const { labels, docs, problems: labelProblems } = labelSession(lines, actions);
problems.push(...labelProblems);
for (const l of labels) if (l.class === '?') problems.push(`unlabelled change: ${JSON.stringify(l)}`);
const fsLines = lines.filter((l) => l.fs);
const exists = fsLines.filter((l) => l.fs.op === 'exists').map((l) => l.fs.path);
const writes = fsLines.filter((l) => l.fs.op === 'write' && !l.fs.path.startsWith('.git/'));
const neverOpened = Object.keys(sc.files).filter((f) => !sc.steps.some((s) => s.open === f));
for (const f of Object.keys(sc.files)) if (!exists.includes(f)) problems.push(`no "exists" line for ${f}`);
if (!writes.some((w) => 'in_git' in w.fs)) problems.push('no fs write carries in_git');
if (!writes.some((w) => w.fs.path === sc.agent.newFile)) problems.push(`no fs write of the agent's ${sc.agent.newFile}`);
// every document, rebuilt from the trace, is what is on disk (each was saved last)
for (const [uri, text] of docs) {
  const file = fileURLToPath(uri);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') !== text) problems.push(`${uri}: the trace rebuilds a text that differs from the file on disk`);
}
const byClass = {};
for (const l of labels) {
  byClass[l.class] ??= [0, 0];
  byClass[l.class][0]++;
  byClass[l.class][1] += l.chars;
}
console.log(`labels: ${labels.length} changes; ${Object.entries(byClass).map(([c, [n, k]]) => `${c} ${n} (${k} chars)`).join(', ')}`);
console.log(`fs: ${exists.length} exists (${neverOpened.length} files never opened: ${neverOpened.join(', ')}), ${writes.length} writes (${writes.filter((w) => w.fs.in_git === true).length} in_git true, ${writes.filter((w) => w.fs.in_git === false).length} false)`);
// the replay must give one line per label, with the same key and inserted count
const r = spawnSync(MINDGAP, ['replay', '--json', TRACE], { encoding: 'utf8', env: { ...process.env, MINDGAP_HOME: path.join(WORK, 'replay-home') } });
if (r.status !== 0) problems.push(`mindgap replay: ${r.stderr}`);
else {
  const replayed = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.uri);
  if (replayed.length !== labels.length) problems.push(`replay gives ${replayed.length} change lines, the labels are ${labels.length}`);
  replayed.forEach((g, i) => {
    const w = labels[i];
    if (w && (g.uri !== w.uri || g.version !== w.version || g.change !== w.change || g.inserted !== w.chars)) {
      problems.push(`line ${i}: replay ${JSON.stringify(g)} vs label ${JSON.stringify(w)}`);
    }
  });
}
// kept beside the trace in WORK even when nothing is written to OUT
fs.writeFileSync(path.join(WORK, `${STEM}.labels.jsonl`), labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`recording took ${Math.round((Date.now() - t0) / 1000)} s; scratch in ${WORK}`);
if (!ok || problems.length > 0) {
  for (const p of problems) console.log(`PROBLEM ${p}`);
  console.log('nothing written');
  process.exit(1);
}
fs.mkdirSync(OUT, { recursive: true });
fs.copyFileSync(TRACE, path.join(OUT, `${STEM}.trace.jsonl`));
fs.writeFileSync(path.join(OUT, `${STEM}.labels.jsonl`), labels.map((l) => JSON.stringify(l)).join('\n') + '\n');
console.log(`wrote ${path.join(OUT, STEM)}.{trace,labels}.jsonl`);
