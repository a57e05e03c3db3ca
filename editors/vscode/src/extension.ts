import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DocumentSelector,
  ExecuteCommandRequest,
  FeatureState,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  StaticFeature,
} from 'vscode-languageclient/node';
import { ExecuteCommandFeature } from 'vscode-languageclient/lib/common/executeCommand';
import {
  ACCEPT_COMMANDS,
  AcceptKind,
  Accepting,
  Change,
  Deletion,
  HintKind,
  acceptedChange,
  accepting,
  commandDone,
  countOccurrences,
  decideHint,
  mightBePaste,
  rememberDeletions,
  withEol,
} from './editHints';
import { BLAME_SCHEME, blameText, parseBlame } from './blame';
import { INSTALL_HINT, resolveServerPath } from './serverPath';
import { SERVER_KEYS, ServerKey, serverSettings } from './settings';
import { previousRatings, questionsFrom, ratingItems } from './selfCheck';
import { Status, barText, isWarning, tooltip } from './status';

const SELECTOR: DocumentSelector = [{ scheme: 'file' }, { scheme: 'untitled' }];
const INSTALL_COMMAND = 'cargo install --path server --locked';

/**
 * The language client, minus its ExecuteCommandFeature: that feature would register the server's
 * commands (`mindgap.task.start`, …) as VS Code commands with the very ids this extension
 * registers itself (with input boxes and messages), and two registrations of one id fail.
 * The server's other commands (those its code actions run) are registered by registerPassthrough.
 */
class MindgapClient extends LanguageClient {
  public override registerFeature(feature: Parameters<LanguageClient['registerFeature']>[0]): void {
    if (feature instanceof ExecuteCommandFeature) return;
    super.registerFeature(feature);
  }
}

/** Declares `experimental.mindgapStatus` so the server sends `mindgap/status` (SPEC section 6). */
class StatusCapability implements StaticFeature {
  fillClientCapabilities(capabilities: { experimental?: unknown }): void {
    const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
    experimental.mindgapStatus = true;
    capabilities.experimental = experimental;
  }
  initialize(): void {}
  getState(): FeatureState {
    return { kind: 'static' };
  }
  clear(): void {}
}

let client: MindgapClient | undefined;
let statusItem: vscode.StatusBarItem;
let lastStatus: Status | undefined;
let statusWaiters: ((s: Status) => void)[] = [];
/** VS Code commands for the server's other commands (code actions use them: mindgap.explain…). */
let passthrough: vscode.Disposable[] = [];
const OWN_COMMANDS = new Set([
  'mindgap.task.start',
  'mindgap.task.startManual',
  'mindgap.task.finish',
  'mindgap.struggle.start',
  'mindgap.learn',
  'mindgap.selfCheck',
  'mindgap.report',
  'mindgap.blame',
  'mindgap.showMenu',
  'mindgap.showLog',
  'mindgap.restart',
  ...Object.keys(ACCEPT_COMMANDS),
]);

/** The next `mindgap/status`, or undefined after `ms`. */
function nextStatus(ms: number): Promise<Status | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    statusWaiters.push((s) => {
      clearTimeout(timer);
      resolve(s);
    });
  });
}

function registerPassthrough(): void {
  for (const d of passthrough) d.dispose();
  passthrough = [];
  const c = client;
  if (!c) return;
  for (const command of serverCommands()) {
    if (OWN_COMMANDS.has(command)) continue;
    passthrough.push(
      vscode.commands.registerCommand(command, (...args: unknown[]) =>
        c.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }).then(undefined, (e: unknown) => {
          void vscode.window.showErrorMessage(`mindgap: ${e instanceof Error ? e.message : String(e)}`);
        }),
      ),
    );
  }
}
let deletions: Deletion[] = [];
/** A suggestion accepted through mindgap's keybindings, whose changes are still to come. */
let accept: Accepting | undefined;

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('mindgap');
}

function settingsForServer(): Record<string, unknown> {
  const c = config();
  return serverSettings((key: ServerKey) => c.inspect(key));
}

function target(): number {
  const t = settingsForServer().target_early_share;
  return typeof t === 'number' ? t : 0.2;
}

function renderStatus(): void {
  statusItem.text = barText(lastStatus);
  const md = new vscode.MarkdownString(tooltip(lastStatus, target()));
  statusItem.tooltip = md;
  statusItem.backgroundColor = isWarning(lastStatus, target())
    ? new vscode.ThemeColor('statusBarItem.warningBackground')
    : undefined;
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (process.platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function serverCommands(): string[] {
  return client?.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
}

async function notRunning(): Promise<void> {
  const pick = await vscode.window.showErrorMessage(
    'mindgap: the language server is not running. ' + INSTALL_HINT,
    'Open Settings',
    'Copy Install Command',
    'Show Log',
  );
  if (pick === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'mindgap.path');
  if (pick === 'Copy Install Command') await vscode.env.clipboard.writeText(INSTALL_COMMAND);
  if (pick === 'Show Log') client?.outputChannel.show();
}

/** Runs a server command; undefined (after telling the person) when it failed. */
async function runServer(command: string, args: unknown[]): Promise<unknown> {
  if (!client || client.state !== State.Running) {
    await notRunning();
    return undefined;
  }
  try {
    return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    void vscode.window.showErrorMessage(`mindgap: ${msg}`);
    return undefined;
  }
}

interface TaskJson {
  name?: string;
  manual?: boolean;
  broken?: boolean;
  outside_chars?: number;
  share?: { early: number | null; late: number | null; overall: number | null };
}

function pct(x: number | null | undefined): string {
  return typeof x === 'number' ? `${Math.round(x * 100)}%` : '–';
}

async function startTask(manual: boolean, args: unknown[]): Promise<void> {
  let arg = args[0];
  if (arg === undefined) {
    const name = await vscode.window.showInputBox({
      title: manual ? 'mindgap: start a manual task (no outside help)' : 'mindgap: start a task',
      prompt: 'Task name',
      placeHolder: 'e.g. parser',
      validateInput: (v) => (v.trim() ? undefined : 'A task needs a name'),
    });
    if (name === undefined) return;
    const estimate = await vscode.window.showInputBox({
      title: 'mindgap: expected size (optional)',
      prompt: 'About how many lines will this task take? Leave empty to let mindgap guess.',
      validateInput: (v) => (v.trim() === '' || /^\d+$/.test(v.trim()) ? undefined : 'A whole number of lines, or empty'),
    });
    if (estimate === undefined) return;
    arg = { name: name.trim(), manual, ...(estimate.trim() ? { estimate: Number(estimate.trim()) } : {}) };
  }
  const r = (await runServer('mindgap.task.start', [arg])) as TaskJson | undefined;
  if (r) void vscode.window.showInformationMessage(`mindgap: task “${r.name ?? ''}” started${manual ? ' (manual)' : ''}.`);
}

async function finishTask(): Promise<void> {
  const after = nextStatus(1500);
  const r = (await runServer('mindgap.task.finish', [])) as TaskJson | null | undefined;
  if (r === undefined) return;
  if (r === null) {
    void vscode.window.showInformationMessage('mindgap: no active task to finish.');
    return;
  }
  // The command answers with the task; its exact shares arrive with the next status.
  const share = r.share ?? (await after)?.share ?? lastStatus?.share;
  const broken = r.broken
    ? ` This manual task took ${r.outside_chars ?? 'some'} characters of outside help, so it does not count as this week's feature without AI.`
    : '';
  void vscode.window.showInformationMessage(
    `mindgap: finished “${r.name ?? ''}”: outside help ${pct(share?.early)} early, ${pct(share?.late)} late (${pct(share?.overall)} overall).${broken}`,
  );
}

async function startStruggle(args: unknown[]): Promise<void> {
  let arg = args[0];
  if (arg === undefined) {
    const dflt = settingsForServer().struggle_minutes;
    const minutes = await vscode.window.showInputBox({
      title: "mindgap: I'm stuck — protect the struggle",
      prompt: 'Minutes to try things yourself first (each save after typing counts as an attempt)',
      value: String(typeof dflt === 'number' ? dflt : 20),
      validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > 0 ? undefined : 'A number of minutes'),
    });
    if (minutes === undefined) return;
    arg = { minutes: Number(minutes.trim()) };
  }
  const r = (await runServer('mindgap.struggle.start', [arg])) as { minutes?: number } | undefined;
  if (r) {
    void vscode.window.showInformationMessage(
      `mindgap: ${r.minutes ?? ''} minutes to try it yourself. Try three things before asking for help.`,
    );
  }
}

/** Commands the server may or may not have yet (learning log, self-check, report). */
async function optional(ids: string[], what: string, input?: vscode.InputBoxOptions): Promise<void> {
  if (!client || client.state !== State.Running) {
    await notRunning();
    return;
  }
  const available = serverCommands();
  const id = ids.find((c) => available.includes(c));
  if (!id) {
    void vscode.window.showInformationMessage(`mindgap: ${what} is not available yet: this mindgap server has no such command.`);
    return;
  }
  const args: unknown[] = [];
  if (input) {
    const text = await vscode.window.showInputBox(input);
    if (text === undefined) return;
    args.push({ text });
  }
  await showResult(await runServer(id, args));
}

/** A command's answer: a short line as a message, anything longer in a document. */
async function showResult(r: unknown): Promise<void> {
  if (r === undefined || r === null) return;
  if (typeof r === 'string' && r.length < 200 && !r.includes('\n')) {
    void vscode.window.showInformationMessage(`mindgap: ${r}`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument({
    content: typeof r === 'string' ? r : JSON.stringify(r, null, 2),
    language: typeof r === 'string' ? 'markdown' : 'json',
  });
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** The self-check: the server's five questions, each rated with a quick pick, then the answer. */
async function selfCheck(): Promise<void> {
  if (!client || client.state !== State.Running) {
    await notRunning();
    return;
  }
  if (!serverCommands().includes('mindgap.selfCheck')) {
    void vscode.window.showInformationMessage('mindgap: the self-check is not available: this mindgap server has no such command.');
    return;
  }
  const info = await runServer('mindgap.selfCheck', []);
  if (info === undefined) return;
  const questions = questionsFrom(info);
  const previous = previousRatings(info);
  const ratings: number[] = [];
  for (const [i, q] of questions.entries()) {
    const pick = await vscode.window.showQuickPick(ratingItems(previous?.[i]), {
      title: `mindgap self-check ${i + 1}/5 — 1 very uncomfortable … 5 comfortable`,
      placeHolder: q,
      ignoreFocusOut: true,
    });
    if (!pick) return;
    ratings.push(pick.rating);
  }
  await showResult(await runServer('mindgap.selfCheck', [{ ratings }]));
}

/** The blame views' text, by their URI; read-only documents from `blameViews`. */
const blameContents = new Map<string, string>();
const blameChanged = new vscode.EventEmitter<vscode.Uri>();
const blameViews: vscode.TextDocumentContentProvider = {
  onDidChange: blameChanged.event,
  provideTextDocumentContent: (uri) => blameContents.get(uri.toString()) ?? '',
};

/** The read-only view of `source`'s blame: its own scheme, the source's URI in the query. */
function blameUri(source: vscode.Uri): vscode.Uri {
  const name = source.path.split('/').pop() || source.path;
  return vscode.Uri.from({ scheme: BLAME_SCHEME, path: `/${name} (mindgap blame)`, query: source.toString() });
}

/** The document to blame: the active editor's, or the source of the blame view it shows. */
function blameSource(): vscode.TextEditor | vscode.TextDocument | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== BLAME_SCHEME) return editor;
  const source = editor.document.uri.query;
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === source);
}

/**
 * `mindgap.blame`: asks the server where each line of the document came from (unsaved edits
 * included) and opens a read-only view beside it, one line per source line: commit, origin,
 * where that is known from, line number, then the line's text from the editor.
 */
async function blame(): Promise<void> {
  const found = blameSource();
  if (!found) {
    void vscode.window.showInformationMessage('mindgap: open a file to blame.');
    return;
  }
  const doc = 'document' in found ? found.document : found;
  if (!client || client.state !== State.Running) {
    await notRunning();
    return;
  }
  if (!serverCommands().includes('mindgap.blame')) {
    void vscode.window.showInformationMessage('mindgap: blame is not available: this mindgap server has no such command.');
    return;
  }
  // The text as it is when the server is asked: the answer describes that version.
  const source = Array.from({ length: doc.lineCount }, (_, i) => doc.lineAt(i).text);
  const uri = client.code2ProtocolConverter.asUri(doc.uri);
  const answer = parseBlame(await runServer('mindgap.blame', [{ uri }]));
  if (!answer) return;
  const view = blameUri(doc.uri);
  blameContents.set(view.toString(), blameText(answer, source));
  blameChanged.fire(view);
  const line = 'selection' in found ? found.selection.active.line : 0;
  // A view already open is shown where it is; a new one beside the source.
  const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === view.toString());
  const shown = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(view), {
    viewColumn: open?.viewColumn ?? vscode.ViewColumn.Beside,
    preview: true,
    selection: new vscode.Range(line, 0, line, 0),
  });
  shown.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  for (const w of answer.warnings) void vscode.window.showWarningMessage(`mindgap: ${w}`);
}

async function showMenu(): Promise<void> {
  const items: (vscode.QuickPickItem & { command: string })[] = [
    { label: '$(play) Start a task…', command: 'mindgap.task.start' },
    { label: '$(person) Start a manual task…', description: 'no outside help', command: 'mindgap.task.startManual' },
    { label: '$(check) Finish the task', command: 'mindgap.task.finish' },
    { label: "$(flame) I'm stuck", description: 'protect the struggle', command: 'mindgap.struggle.start' },
    { label: '$(book) Learned something…', command: 'mindgap.learn' },
    { label: '$(checklist) Self-check', command: 'mindgap.selfCheck' },
    { label: '$(graph) Report', command: 'mindgap.report' },
    { label: '$(git-commit) Blame', description: 'where each line came from', command: 'mindgap.blame' },
    { label: '$(output) Show log', command: 'mindgap.showLog' },
    { label: '$(debug-restart) Restart the server', command: 'mindgap.restart' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'mindgap', placeHolder: lastStatus?.text || 'mindgap' });
  if (pick) await vscode.commands.executeCommand(pick.command);
}

function sendHint(doc: vscode.TextDocument, version: number, kind: HintKind, source: string): void {
  if (!client || client.state !== State.Running) return;
  void client.sendNotification('mindgap/editHint', {
    textDocument: { uri: client.code2ProtocolConverter.asUri(doc.uri), version },
    kind,
    source,
  });
}

async function onChange(e: vscode.TextDocumentChangeEvent): Promise<void> {
  if (!client || client.state !== State.Running || e.contentChanges.length === 0) return;
  if (!vscode.languages.match(SELECTOR, e.document)) return;
  const doc = e.document;
  const version = doc.version;
  const now = Date.now();
  const changes: Change[] = e.contentChanges.map((c) => ({ text: c.text, rangeLength: c.rangeLength }));
  const reason =
    e.reason === vscode.TextDocumentChangeReason.Undo
      ? 'undo'
      : e.reason === vscode.TextDocumentChangeReason.Redo
        ? 'redo'
        : undefined;
  if (reason) {
    const kind = decideHint({ reason, changes });
    if (kind) sendHint(doc, version, kind, 'vscode:reason');
    return;
  }
  const acc = acceptedChange(accept, doc.uri.toString(), changes, now);
  accept = acc.next;
  if (acc.accepted) {
    const kind = decideHint({ reason, changes, accepted: acc.accepted });
    if (kind) sendHint(doc, version, kind, acc.accepted === 'item' ? 'vscode:suggest-accept' : 'vscode:inline-accept');
    return;
  }
  // Deletions other than undo/redo may be cuts: a paste of as many characters is then a move.
  const before = deletions;
  deletions = rememberDeletions(deletions, changes, now);
  if (!mightBePaste(changes)) return;
  let clipboard: string;
  try {
    clipboard = await vscode.env.clipboard.readText();
  } catch {
    return;
  }
  let occurrences = 0;
  if (clipboard.length >= 2) {
    for (const d of vscode.workspace.textDocuments) {
      if (!vscode.languages.match(SELECTOR, d)) continue;
      const eol = d.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      occurrences += countOccurrences(d.getText(), withEol(clipboard, eol));
    }
  }
  const kind = decideHint({ reason, changes, clipboard, deletions: before, occurrences, now, followUp: acc.followUp });
  if (kind) sendHint(doc, version, kind, kind === 'item' ? 'vscode:suggest-accept' : 'vscode:clipboard');
}

/** A mindgap accepting command: notes the accept, then runs VS Code's own command. */
function acceptThrough(kind: AcceptKind, command: string): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const editor = vscode.window.activeTextEditor;
    const mine = editor ? accepting(kind, editor.document.uri.toString(), Date.now()) : undefined;
    if (mine) accept = mine;
    try {
      await vscode.commands.executeCommand(command, ...args);
    } finally {
      // Nothing changed yet: the accept did nothing (or its change is about to arrive).
      if (mine && accept === mine) accept = commandDone(mine, Date.now());
    }
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  statusItem = vscode.window.createStatusBarItem('mindgap.status', vscode.StatusBarAlignment.Left, 0);
  statusItem.name = 'mindgap';
  statusItem.command = 'mindgap.showMenu';
  renderStatus();
  statusItem.show();
  context.subscriptions.push(statusItem);

  const reg = (id: string, f: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, f));
  };
  reg('mindgap.task.start', (...args) => startTask(false, args));
  reg('mindgap.task.startManual', (...args) => startTask(true, args));
  reg('mindgap.task.finish', () => finishTask());
  reg('mindgap.struggle.start', (...args) => startStruggle(args));
  reg('mindgap.learn', () =>
    optional(['mindgap.learn'], 'the learning log', {
      title: 'mindgap: what did you learn?',
      prompt: 'One or two sentences for your learning log (leave empty to open the log itself)',
    }),
  );
  reg('mindgap.selfCheck', () => selfCheck());
  reg('mindgap.report', () => optional(['mindgap.report'], 'the report'));
  reg('mindgap.blame', () => blame());
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(BLAME_SCHEME, blameViews),
    blameChanged,
    // A closed view's text is not kept.
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === BLAME_SCHEME) blameContents.delete(d.uri.toString());
    }),
  );
  reg('mindgap.showMenu', () => showMenu());
  reg('mindgap.showLog', () => client?.outputChannel.show());
  reg('mindgap.restart', async () => {
    for (const d of passthrough) d.dispose();
    passthrough = [];
    if (client) await client.stop().catch(() => undefined);
    client = undefined;
    await startClient(context);
  });
  for (const [id, { kind, forward }] of Object.entries(ACCEPT_COMMANDS)) reg(id, acceptThrough(kind, forward));

  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => void onChange(e)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('mindgap')) return;
      if (e.affectsConfiguration('mindgap.path')) {
        void vscode.window
          .showInformationMessage('mindgap: the server path changed.', 'Restart the server')
          .then((p) => p && vscode.commands.executeCommand('mindgap.restart'));
      }
      if (SERVER_KEYS.some((k) => e.affectsConfiguration(`mindgap.${k}`)) && client?.state === State.Running) {
        void client.sendNotification('workspace/didChangeConfiguration', { settings: { mindgap: settingsForServer() } });
      }
      renderStatus();
    }),
    { dispose: () => passthrough.forEach((d) => d.dispose()) },
    { dispose: () => void client?.stop() },
  );
  await startClient(context);
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const found = resolveServerPath({
    setting: config().get<string>('path'),
    env: process.env,
    extensionPath: context.extensionPath,
    platform: process.platform,
    home: os.homedir(),
    isExecutable,
  });
  if (!found.ok) {
    statusItem.text = '$(warning) mindgap';
    statusItem.tooltip = found.message;
    const pick = await vscode.window.showErrorMessage(found.message, 'Open Settings', 'Copy Install Command');
    if (pick === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'mindgap.path');
    if (pick === 'Copy Install Command') await vscode.env.clipboard.writeText(INSTALL_COMMAND);
    return;
  }
  // No `transport`: with TransportKind.stdio the client would append `--stdio`, which
  // `mindgap lsp` rejects; without it the client still talks over the process's stdio.
  const serverOptions: ServerOptions = {
    command: found.path,
    args: ['lsp'],
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: SELECTOR,
    initializationOptions: { mindgap: settingsForServer() },
    outputChannelName: 'mindgap',
  };
  const c = new MindgapClient('mindgap', 'mindgap', serverOptions, clientOptions);
  c.registerFeature(new StatusCapability());
  c.onNotification('mindgap/status', (s: Status) => {
    lastStatus = s;
    renderStatus();
    const waiters = statusWaiters;
    statusWaiters = [];
    for (const w of waiters) w(s);
  });
  client = c;
  try {
    await c.start();
    registerPassthrough();
    c.outputChannel.appendLine(`mindgap: server ${found.path} (found via ${found.source})`);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    statusItem.text = '$(warning) mindgap';
    statusItem.tooltip = `mindgap could not start ${found.path}: ${msg}`;
    void vscode.window.showErrorMessage(`mindgap: could not start ${found.path}: ${msg}`, 'Show Log').then((p) => {
      if (p) c.outputChannel.show();
    });
  }
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop().catch(() => undefined);
}
