// What e2e.mjs and record.mjs share: a code-server with the packaged extension(s), the server
// started through a wrapper that adds `--record`, Chromium through playwright-core, and the
// few ways of driving the editor both need.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`e2e: set ${k}`);
  return v;
};

const require = createRequire(process.env.PLAYWRIGHT_FROM ?? import.meta.url);
export const { chromium } = require('playwright-core');

/** The editor settings both runs use: no start page, no auto-closing brackets, no quick suggestions. */
export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'editor.autoClosingBrackets': 'never',
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'workbench.colorTheme': 'Default Dark Modern',
};

/**
 * Lays out WORK (workspace, user data, extensions, mindgap home, XDG config), writes the
 * wrapper that starts the server as `MINDGAP … --record TRACE`, and installs `vsixes`.
 * Returns the paths and the environment code-server must run with.
 */
export function prepare({ CODE_SERVER, WORK, MINDGAP, TRACE, vsixes, settings }) {
  fs.rmSync(WORK, { recursive: true, force: true });
  const ws = path.join(WORK, 'workspace');
  const data = path.join(WORK, 'data');
  const exts = path.join(WORK, 'extensions');
  const home = path.join(WORK, 'mindgap-home');
  for (const d of [ws, path.join(data, 'User'), exts, home, path.join(WORK, 'config')]) fs.mkdirSync(d, { recursive: true });
  // The extension starts this as `… lsp`: the session is recorded.
  const recorder = path.join(WORK, 'mindgap-record.sh');
  fs.writeFileSync(recorder, `#!/bin/sh\nexec '${MINDGAP}' "$@" --record '${TRACE}'\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(data, 'User', 'settings.json'), JSON.stringify(settings));
  const csEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(WORK, 'config'),
    MINDGAP_HOME: home,
    MINDGAP_PATH: recorder,
    RUST_LOG: 'mindgap=debug',
  };
  const common = ['--user-data-dir', data, '--extensions-dir', exts];
  for (const vsix of vsixes) {
    execFileSync(CODE_SERVER, [...common, '--install-extension', vsix], { env: csEnv, stdio: 'inherit' });
  }
  return { ws, data, exts, home, csEnv, common };
}

/** Starts code-server on `folder` (its own process group); its output goes to WORK/code-server.log. */
export function startCodeServer({ CODE_SERVER, WORK, PORT, common, csEnv, folder }) {
  const server = spawn(
    CODE_SERVER,
    [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', folder],
    { env: csEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const serverLog = fs.createWriteStream(path.join(WORK, 'code-server.log'));
  server.stdout.pipe(serverLog);
  server.stderr.pipe(serverLog);
  return server;
}

/** Stops a server started by startCodeServer (its whole process group). */
export function stopCodeServer(server) {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}

export async function waitForHttp(url, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer at ${url}`);
}

/** Chromium (headless) with a page on code-server's `folder`, clipboard allowed. */
export async function openWorkbench({ CHROMIUM, PORT, folder }) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const origin = `http://127.0.0.1:${PORT}`;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  const page = await context.newPage();
  await page.goto(`${origin}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  return { browser, page };
}

export const statusText = (page) =>
  page.evaluate(() => {
    const el = [...document.querySelectorAll('.statusbar-item')].find((e) => e.id.includes('mindgap'));
    return el ? (el.textContent ?? '').trim() : null;
  });

export async function waitForStatus(page, pred, ms) {
  const end = Date.now() + ms;
  let last = null;
  while (Date.now() < end) {
    last = await statusText(page);
    if (last !== null && pred(last)) return last;
    await page.waitForTimeout(250);
  }
  return last;
}

/** Runs the palette entry whose label is exactly `label` (fuzzy matching ranks others too). */
export async function palette(page, label) {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(label, { delay: 10 });
  await page.waitForTimeout(600);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  const rows = await page.locator('.quick-input-list .monaco-list-row').allTextContents();
  const exact = rows.findIndex((t) => t.trim().startsWith(label) && !t.includes('manual') === !label.includes('manual'));
  if (exact >= 0) await page.locator('.quick-input-list .monaco-list-row').nth(exact).click();
  else await row.click();
}

/** Opens a workspace file by name through Quick Open (Ctrl+P). */
export async function quickOpen(page, name) {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name, { delay: 20 });
  await page.waitForTimeout(600);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.monaco-editor textarea', { timeout: 15_000 });
}
