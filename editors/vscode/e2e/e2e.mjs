// End-to-end: code-server (VS Code in the browser) with the packaged mindgap.vsix, driven by
// Debian's chromium through playwright-core. Run it with e2e/run.sh, which sets the environment:
//   CODE_SERVER  path to the code-server binary      CHROMIUM  /usr/bin/chromium
//   VSIX         the packaged extension               MINDGAP_PATH  the server binary
//   WORK         a scratch directory                   SHOT      where to save the screenshot PNG
//   INLINE_VSIX  e2e/inline-provider packaged: a stand-in AI inline completion provider
// The server runs as `mindgap lsp --record WORK/vscode.trace.jsonl` (a wrapper script passed to
// the extension as $MINDGAP_PATH); the run ends by replaying that trace.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { env, BASE_SETTINGS, prepare, startCodeServer, stopCodeServer, waitForHttp, openWorkbench, waitForStatus, palette, quickOpen } from './harness.mjs';

const CODE_SERVER = env('CODE_SERVER');
const VSIX = env('VSIX');
const WORK = env('WORK');
const SHOT = env('SHOT');
const INLINE_VSIX = env('INLINE_VSIX');
const MINDGAP = env('MINDGAP_PATH');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PORT = Number(process.env.PORT ?? 18765);

let passed = 0;
let failed = 0;
const check = (ok, what) => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

const TRACE = path.join(WORK, 'vscode.trace.jsonl');
const { ws, data, home, csEnv, common } = prepare({ CODE_SERVER, WORK, MINDGAP, TRACE, vsixes: [VSIX, INLINE_VSIX], settings: BASE_SETTINGS });
fs.writeFileSync(path.join(ws, 'main.py'), '');
fs.writeFileSync(path.join(ws, 'loop.js'), '');
execFileSync('git', ['init', '-q', ws]);

const server = startCodeServer({ CODE_SERVER, WORK, PORT, common, csEnv, folder: ws });

/** Replays the recorded trace and checks the classes of loop.js's accepted suggestions. */
function classesOfRecording() {
  const lines = fs.readFileSync(TRACE, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const r = spawnSync(MINDGAP, ['replay', '--json', TRACE], { encoding: 'utf8', env: { ...process.env, MINDGAP_HOME: path.join(WORK, 'replay-home') } });
  if (r.status !== 0) throw new Error(`mindgap replay: ${r.stderr}`);
  const replayed = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const changes = lines
    .map((l) => l.msg)
    .filter((m) => m?.method === 'textDocument/didChange' && m.params.textDocument.uri.endsWith('/loop.js'));
  const classOf = (version) => replayed.filter((l) => l.uri?.endsWith('/loop.js') && l.version === version && l.inserted > 0).map((l) => l.class);
  const text = (m) => m.params.contentChanges.map((c) => c.text).join('');
  const snippet = changes.find((m) => text(m).includes('for (let index'));
  const snippetClasses = snippet ? classOf(snippet.params.textDocument.version) : [];
  check(snippetClasses.length > 0 && snippetClasses.every((c) => c === 'editor'), `replay: the snippet from the suggest widget is editor (${JSON.stringify(snippetClasses)})`);
  // after the typed `const greeting = `, each change is a word accepted
  const eq = changes.findLastIndex((m, i) => text(m) === '=' && text(changes[i + 1] ?? m) === ' ');
  const words = changes.slice(eq + 2).filter((m) => text(m).length > 0);
  const wordClasses = words.map((m) => classOf(m.params.textDocument.version)).flat();
  check(
    words.length === 3 && wordClasses.length === 3 && wordClasses.every((c) => c === 'completion'),
    `replay: each word of the inline suggestion is completion (${JSON.stringify(words.map(text))} → ${JSON.stringify(wordClasses)})`,
  );
  const typed = changes.filter((m) => text(m).length === 1 && /[a-z =]/.test(text(m)));
  const typedClasses = new Set(typed.map((m) => classOf(m.params.textDocument.version)).flat());
  check(typedClasses.size === 1 && typedClasses.has('typed'), `replay: the keys typed in loop.js are typed (${[...typedClasses]})`);
  console.log(`     recorded session: ${TRACE}`);
}

let browser;
let page;
const t0 = Date.now();
try {
  await waitForHttp(`http://127.0.0.1:${PORT}/healthz`, 60_000);
  ({ browser, page } = await openWorkbench({ CHROMIUM, PORT, folder: ws }));

  const first = await waitForStatus(page, (t) => t.includes('mindgap') || t.length > 0, 60_000);
  check(first !== null, `status bar item appears (${JSON.stringify(first)})`);

  // Start a task through the command palette.
  await palette(page, 'mindgap: Start a task…');
  await page.waitForTimeout(500);
  await page.keyboard.type('e2e-task');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  await page.keyboard.type('10'); // estimate: 10 lines
  await page.keyboard.press('Enter');
  const started = await waitForStatus(page, (t) => t.includes('e2e-task'), 15_000);
  check((started?.includes('e2e-task') && !started.includes('(manual)')) ?? false, `status shows the task (${JSON.stringify(started)})`);

  // Open the file and type like a person.
  await quickOpen(page, 'main.py');
  await page.waitForTimeout(800);
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.type('def total(items):\n', { delay: 90 });
  await page.keyboard.type('return sum(items)\n', { delay: 90 });
  await page.keyboard.press('Shift+Tab');
  const typed = await waitForStatus(page, (t) => /0% early/.test(t), 10_000);
  check(/AI 0% early/.test(typed ?? ''), `typing counts as your own (${JSON.stringify(typed)})`);

  // Paste a block from "outside" (the clipboard).
  const block = 'def mean(xs):\n    if not xs:\n        return 0.0\n    return sum(xs) / len(xs)\n';
  await page.evaluate((t) => navigator.clipboard.writeText(t), block);
  await page.keyboard.press('Control+V');
  const pasted = await waitForStatus(page, (t) => /AI [1-9]\d*% early/.test(t), 15_000);
  check(/AI [1-9]\d*% early/.test(pasted ?? ''), `a paste shows up as outside help early (${JSON.stringify(pasted)})`);

  // Undo the paste: an undo hint; the text is gone again.
  await page.keyboard.press('Control+Z');
  await page.waitForTimeout(1500);
  const editorText = await page.evaluate(() => document.querySelector('.monaco-editor .view-lines')?.textContent ?? '');
  check(!editorText.includes('def mean'), 'undo removed the pasted block');

  // A long pasted block draws the `unexplained` nudge; its code action runs the server's
  // mindgap.explain command through the extension's pass-through registration.
  const long = Array.from({ length: 10 }, (_, i) => `value_${i} = compute(${i}, ${i * 2})`).join('\n') + '\n';
  await page.evaluate((t) => navigator.clipboard.writeText(t), long);
  await page.keyboard.press('Control+V');
  await page.waitForTimeout(1500);
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Control+.');
  let explained = false;
  try {
    const item = page.locator('.action-widget .monaco-list-row, .context-view .action-item').filter({ hasText: 'Explain this block' }).first();
    await item.waitFor({ state: 'visible', timeout: 10_000 });
    const rows = await page.locator('.action-widget .monaco-list-row').allTextContents();
    // The nudge and its code actions, for the README.
    await page.screenshot({ path: SHOT.replace(/\.png$/, '') + '-code-actions.png' });
    console.log(`     code actions: ${JSON.stringify(rows)}`);
    await item.click({ force: true });
    const dir = path.join(ws, '.mindgap', 'explanations');
    const end = Date.now() + 10_000;
    while (Date.now() < end && !explained) {
      explained = fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.md'));
      if (!explained) await page.waitForTimeout(250);
    }
  } catch (e) {
    console.log(`     (${e instanceof Error ? e.message.split('\n')[0] : e})`);
  }
  check(explained, 'the "Explain this block" code action writes an explanation file');
  await page.keyboard.press('Escape');
  await page.waitForTimeout(500);

  // The tooltip and the menu.
  await page.hover('.statusbar-item[id*="mindgap"]');
  await page.waitForTimeout(1200);
  const hoverText = await page.evaluate(() => document.body.innerText);
  check(/first 80%/.test(hoverText), 'the tooltip explains early and late shares');
  fs.mkdirSync(path.dirname(SHOT), { recursive: true });
  await page.screenshot({ path: SHOT });
  console.log(`screenshot: ${SHOT}`);
  await page.mouse.move(600, 300);
  await page.click('.statusbar-item[id*="mindgap"]');
  await page.waitForSelector('.quick-input-widget', { state: 'visible' });
  await page.waitForTimeout(500);
  const menu = await page.evaluate(() => document.querySelector('.quick-input-widget')?.textContent ?? '');
  check(/Finish the task/.test(menu) && /I'm stuck/.test(menu), 'clicking the status bar opens the mindgap menu');
  const menuShot = SHOT.replace(/\.png$/, '') + '-menu.png';
  await page.screenshot({ path: menuShot });
  console.log(`screenshot: ${menuShot}`);
  await page.keyboard.press('Escape');

  // Accepting suggestions, with VS Code's own keys. A snippet picked from the suggest widget
  // (the built-in JavaScript `for` snippet, with Tab) is a menu item; an inline suggestion (the
  // stand-in provider's) accepted word by word with Ctrl+Right is an AI completion.
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type('loop.js', { delay: 20 });
  await page.waitForTimeout(600);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1500);
  const loopText = () => page.evaluate(() => document.querySelector('.editor-instance .monaco-editor .view-lines')?.textContent?.replace(/\u00a0/g, ' ') ?? '');
  await page.keyboard.type('for', { delay: 120 });
  await page.keyboard.press('Control+Space');
  let snippetPicked = false;
  try {
    await page.waitForSelector('.suggest-widget .monaco-list-row', { state: 'visible', timeout: 10_000 });
    await page.waitForTimeout(500);
    for (let i = 0; i < 25 && !snippetPicked; i++) {
      const row = page.locator('.suggest-widget .monaco-list-row.focused').first();
      const label = `${(await row.getAttribute('aria-label').catch(() => '')) ?? ''} ${(await row.textContent().catch(() => '')) ?? ''}`;
      if (/For Loop/.test(label)) snippetPicked = true;
      else {
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(120);
      }
    }
    if (snippetPicked) {
      await page.waitForTimeout(300);
      await page.keyboard.press('Tab');
    }
  } catch (e) {
    console.log(`     (${e instanceof Error ? e.message.split('\n')[0] : e})`);
  }
  await page.waitForTimeout(800);
  const afterSnippet = await loopText();
  check(snippetPicked && afterSnippet.includes('for (let index = 0; index < array.length; index++)'), `Tab on the suggest widget inserts the For Loop snippet (${JSON.stringify(afterSnippet.slice(0, 80))})`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('const greeting = ', { delay: 110 });
  let ghost = false;
  try {
    await page.waitForSelector('.ghost-text-decoration, .ghost-text', { state: 'visible', timeout: 10_000 });
    ghost = true;
  } catch {
    /* no suggestion shown */
  }
  check(ghost, 'the stand-in provider shows an inline suggestion');
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Control+ArrowRight');
    await page.waitForTimeout(500);
  }
  await page.keyboard.press('Escape');
  await page.waitForTimeout(1000);
  const afterInline = await loopText();
  check(/const greeting = makeGreeting\(name/.test(afterInline) && !afterInline.includes("'en');"), `Ctrl+Right accepts the suggestion word by word (${JSON.stringify(afterInline.slice(-60))})`);

  // Blame loop.js as the keys above left it (nothing committed: every line is the session's,
  // `live`): a read-only view beside it, each row the server's (commit, origin, source, line)
  // then the editor's text.
  await palette(page, 'mindgap: Blame (where each line came from)');
  let blamed = '';
  for (let i = 0; i < 40 && !blamed; i++) {
    await page.waitForTimeout(250);
    blamed = await page.evaluate(() =>
      [...document.querySelectorAll('.editor-instance .view-lines')]
        .map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' '))
        .find((t) => t.includes('00000000 (')) ?? '',
    );
  }
  const tabs = await page.locator('.tab').allTextContents();
  check(tabs.some((t) => t.includes('loop.js (mindgap blame)')), `Blame opens a view beside the file (${JSON.stringify(tabs)})`);
  check(
    /00000000 \(own {8}live {4}1\) for \(let index = 0;/.test(blamed) && /\(mixed {6}live {4}\d\) const greeting = makeGreeting\(name/.test(blamed),
    `the view shows each line's origin beside its text: the snippet own, the half-accepted suggestion mixed (${JSON.stringify(blamed.slice(0, 160))})`,
  );
  const blameShot = SHOT.replace(/\.png$/, '') + '-blame.png';
  await page.screenshot({ path: blameShot });
  console.log(`screenshot: ${blameShot}`);
  // The view has its own editor group (focused): closing it leaves loop.js as it was.
  await palette(page, 'View: Close Editor Group');
  await page.waitForTimeout(500);

  // The practices from the palette: a learning-log entry, the self-check's five quick picks, the report.
  await palette(page, 'mindgap: Learned something…');
  await page.waitForTimeout(500);
  await page.keyboard.type('code-server taught me about quick picks', { delay: 5 });
  await page.keyboard.press('Enter');
  const logFile = path.join(home, 'learning-log.md');
  let learned = '';
  for (let i = 0; i < 40 && !learned.includes('quick picks'); i++) {
    await page.waitForTimeout(250);
    learned = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  }
  check(/^## \d{4}-\d{2}-\d{2}\ncode-server taught me about quick picks$/m.test(learned), 'Learned something… adds a dated entry to the learning log');

  await palette(page, 'mindgap: Self-check');
  const asked = [];
  for (let i = 0; i < 5; i++) {
    await page.waitForSelector('.quick-input-widget .quick-input-list .monaco-list-row', { state: 'visible' });
    await page.waitForTimeout(300);
    asked.push(await page.locator('.quick-input-widget .quick-input-title').textContent().catch(() => ''));
    await page.keyboard.type('2');
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(400);
  }
  let answer = '';
  for (let i = 0; i < 40 && !/uncomfortable/.test(answer); i++) {
    await page.waitForTimeout(250);
    answer = (await page.locator('.editor-instance .view-lines').first().textContent().catch(() => '')) ?? '';
  }
  check(asked.every((t, i) => (t ?? '').includes(`${i + 1}/5`)) && /5 of five feel uncomfortable/.test(answer.replace(/\u00a0/g, ' ')), `Self-check asks five questions and shows what the answers mean (${JSON.stringify(asked)})`);

  await palette(page, 'mindgap: Report');
  const reportFile = path.join(home, 'reports', 'report.html');
  for (let i = 0; i < 40 && !fs.existsSync(reportFile); i++) await page.waitForTimeout(250);
  const report = fs.existsSync(reportFile) ? fs.readFileSync(reportFile, 'utf8') : '';
  check(report.includes('<svg') && report.includes('mindgap report'), 'Report writes the HTML report for the browser');

  // What the server heard: the extension's hints, in its debug log (the mindgap output channel).
  const logs = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/mindgap\.log$/.test(e.name)) logs.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(data, 'logs'));
  const log = logs.join('\n');
  check(/edit hint .*kind="paste" source="vscode:clipboard"/.test(log), 'the server received a paste hint');
  check(/edit hint .*kind="undo" source="vscode:reason"/.test(log), 'the server received an undo hint');
  const pasteHints = (log.match(/edit hint .*kind="paste"/g) ?? []).length;
  check(pasteHints === 2, `one paste hint per paste, none for typing (${pasteHints})`);
  const itemHints = (log.match(/edit hint .*kind="item" source="vscode:suggest-accept"/g) ?? []).length;
  check(itemHints >= 1, `the server received an item hint for the snippet (${itemHints})`);
  const inlineHints = (log.match(/edit hint .*kind="completion" source="vscode:inline-accept"/g) ?? []).length;
  check(inlineHints === 3, `one completion hint per word accepted (${inlineHints})`);
} catch (e) {
  failed++;
  console.log(`FAIL ${e instanceof Error ? e.stack : e}`);
  await browser?.contexts()[0]?.pages()[0]?.screenshot({ path: path.join(WORK, 'failure.png') }).catch(() => undefined);
} finally {
  if (browser) await browser.close();
  stopCodeServer(server);
  // The recorded session, replayed: how the server classed the accepted suggestions.
  try {
    await new Promise((r) => setTimeout(r, 500));
    classesOfRecording();
  } catch (e) {
    failed++;
    console.log(`FAIL replaying the recorded session: ${e instanceof Error ? e.message : e}`);
  }
  console.log(`e2e took ${Math.round((Date.now() - t0) / 1000)} s; logs in ${WORK}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
