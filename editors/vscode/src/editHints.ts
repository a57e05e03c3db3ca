// Which `mindgap/editHint` (SPEC section 2) a VS Code change event deserves. Pure: no `vscode`
// import, so it is unit-tested with node's test runner.
//
// What VS Code lets an extension know:
// - undo/redo: `TextDocumentChangeEvent.reason` (exact).
// - paste: no event says so. A change whose inserted text is the clipboard's text (line endings
//   and, for auto-indent on paste, per-line indentation aside), or one clipboard line per cursor
//   for a multi-cursor paste, is a paste. A paste of text the person cut a moment ago (a
//   deletion of the same length shortly before) is left to the server, which calls it a `move`;
//   so is text that the open documents already hold (copy within the workspace).
// - accepted suggestions: no event either, but the keys that accept them run commands, and the
//   extension binds those keys to its own commands, which note what is being accepted and run
//   the original. The changes that follow in that document are hinted:
//   - an item of the suggest widget (a language server's function, a keyword, a snippet):
//     `item` for the first change, and for further changes within ITEM_FOLLOW_UP_MS that no
//     keystroke makes (the item's additional edits, such as an import);
//   - an inline (ghost text) suggestion or inline edit, whole, next word or next line:
//     `completion` for the one change each accept makes.
//   Accepts by mouse, from the inline toolbar, or by a commit character go unseen.
// - formatting, agent writes: not observable from the extension API; the server classifies them.

export type HintKind = 'paste' | 'completion' | 'item' | 'undo' | 'redo' | 'format' | 'agent';
export type Reason = 'undo' | 'redo' | undefined;

export interface Change {
  /** Inserted text. */
  text: string;
  /** Replaced length, UTF-16 code units. */
  rangeLength: number;
}

export interface Deletion {
  at: number;
  length: number;
}

/** Cut-then-paste memory: a deletion this recent, of the same length, makes a paste a move. */
export const CUT_WINDOW_MS = 30 * 60 * 1000;
export const MAX_DELETIONS = 20;
/** Inserted text shorter than this is never checked against the clipboard (typing). */
export const MIN_PASTE_CHARS = 2;

export function hintForReason(reason: Reason): HintKind | undefined {
  return reason;
}

function normalizeEol(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}

function stripIndent(s: string): string {
  return s
    .split('\n')
    .map((l) => l.trim())
    .join('\n');
}

/** Is it worth reading the clipboard for this event? */
export function mightBePaste(changes: readonly Change[]): boolean {
  return changes.some((c) => c.text.length >= MIN_PASTE_CHARS);
}

/** Does the event insert the clipboard (once per cursor, or one line per cursor)? */
export function matchesClipboard(changes: readonly Change[], clipboard: string): boolean {
  const clip = normalizeEol(clipboard);
  if (clip.length < MIN_PASTE_CHARS || changes.length === 0) return false;
  const texts = changes.map((c) => normalizeEol(c.text));
  if (texts.every((t) => t === clip)) return true;
  if (texts.every((t) => t.length > 0 && stripIndent(t) === stripIndent(clip))) return true;
  if (changes.length > 1) {
    // multiCursorPaste = "spread": one clipboard line per cursor (VS Code applies them bottom-up
    // or in any order, so compare as multisets).
    const lines = clip.replace(/\n$/, '').split('\n');
    if (lines.length === texts.length) {
      const a = [...lines].sort();
      const b = [...texts].sort();
      return a.every((l, i) => l === b[i]);
    }
  }
  return false;
}

/** Pastes of characters the person just cut: a recent deletion of the same length. */
export function looksLikeCut(
  changes: readonly Change[],
  deletions: readonly Deletion[],
  now: number,
): boolean {
  const lengths = new Set(changes.map((c) => c.text.length));
  return deletions.some((d) => now - d.at <= CUT_WINDOW_MS && lengths.has(d.length));
}

/** Records deletions (nothing inserted, at least MIN_PASTE_CHARS removed); returns the new list. */
export function rememberDeletions(
  deletions: readonly Deletion[],
  changes: readonly Change[],
  now: number,
): Deletion[] {
  const next = deletions.filter((d) => now - d.at <= CUT_WINDOW_MS);
  for (const c of changes) {
    if (c.text.length === 0 && c.rangeLength >= MIN_PASTE_CHARS) next.push({ at: now, length: c.rangeLength });
  }
  return next.slice(-MAX_DELETIONS);
}

/** What the person accepted through mindgap's keybindings: a suggest-widget item or an inline suggestion. */
export type AcceptKind = 'item' | 'completion';

export interface Accepting {
  kind: AcceptKind;
  /** The document the accept happened in. */
  uri: string;
  /** The accept's own change must arrive by then. */
  firstBy: number;
  /** A menu item's further changes (additional edits) may arrive until then. */
  until: number;
  /** Changes hinted so far. */
  hinted: number;
}

/** The longest an accept's own change may take to arrive. */
export const FIRST_CHANGE_MS = 1000;
/** Once the accepting command has finished, its change (if any) arrives within this. */
export const AFTER_COMMAND_MS = 150;
/** A menu item's additional edits (auto-import) may follow the item this long after the accept. */
export const ITEM_FOLLOW_UP_MS = 1000;

/** The person accepted a suggestion of `kind` in `uri` at `now`. */
export function accepting(kind: AcceptKind, uri: string, now: number): Accepting {
  return { kind, uri, firstBy: now + FIRST_CHANGE_MS, until: now + (kind === 'item' ? ITEM_FOLLOW_UP_MS : FIRST_CHANGE_MS), hinted: 0 };
}

/** The accepting command finished at `now`: an accept that has changed nothing yet expires soon. */
export function commandDone(a: Accepting, now: number): Accepting {
  return a.hinted > 0 ? a : { ...a, firstBy: Math.min(a.firstBy, now + AFTER_COMMAND_MS) };
}

/** Changes no keystroke makes: one of them inserts three or more non-blank characters. */
export function looksMechanical(changes: readonly Change[]): boolean {
  return changes.some((c) => c.text.replace(/\s+/g, '').length >= 3);
}

/**
 * mindgap's accepting commands: each notes what is accepted and runs VS Code's own command with
 * the same arguments. package.json binds them to the keys VS Code binds the originals to (with
 * the same `when`, plus the setting), and hides them from the command palette.
 */
export const ACCEPT_COMMANDS: Readonly<Record<string, { kind: AcceptKind; forward: string; setting: string }>> = {
  'mindgap.acceptSelectedSuggestion': { kind: 'item', forward: 'acceptSelectedSuggestion', setting: 'hintCompletionItems' },
  'mindgap.acceptAlternativeSelectedSuggestion': {
    kind: 'item',
    forward: 'acceptAlternativeSelectedSuggestion',
    setting: 'hintCompletionItems',
  },
  'mindgap.acceptInlineCompletion': { kind: 'completion', forward: 'editor.action.inlineSuggest.commit', setting: 'hintInlineCompletions' },
  'mindgap.acceptInlineCompletionWord': {
    kind: 'completion',
    forward: 'editor.action.inlineSuggest.acceptNextWord',
    setting: 'hintInlineCompletions',
  },
  'mindgap.acceptInlineCompletionLine': {
    kind: 'completion',
    forward: 'editor.action.inlineSuggest.acceptNextLine',
    setting: 'hintInlineCompletions',
  },
};

export interface AcceptedChange {
  /** The accept's own change: hint this kind. */
  accepted?: AcceptKind;
  /** A later change within a menu item's window that no keystroke makes: an `item`, unless it is a paste. */
  followUp?: boolean;
  /** What is left of the accept. */
  next?: Accepting;
}

/** Whether a change event of `uri` at `now` comes from the accept `a`. */
export function acceptedChange(
  a: Accepting | undefined,
  uri: string,
  changes: readonly Change[],
  now: number,
): AcceptedChange {
  if (!a || now > (a.hinted === 0 ? a.firstBy : a.until)) return {};
  if (uri !== a.uri || !changes.some((c) => c.text.length > 0)) return { next: a };
  const more = { ...a, hinted: a.hinted + 1 };
  // An inline suggestion (whole, word or line) is one change per accept.
  if (a.hinted === 0) return { accepted: a.kind, next: a.kind === 'item' ? more : undefined };
  if (looksMechanical(changes)) return { followUp: true, next: more };
  return { next: a };
}

export interface Decision {
  reason: Reason;
  changes: readonly Change[];
  /** The clipboard's text, when it was read (only when mightBePaste). */
  clipboard?: string;
  /** The change is the one a suggestion accepted through mindgap's bindings made. */
  accepted?: AcceptKind;
  /** The change follows a menu item's accept and no keystroke makes it (acceptedChange). */
  followUp?: boolean;
  /** Recent deletions in any document. */
  deletions?: readonly Deletion[];
  /** How many times the clipboard text occurs in the open documents, after the change. */
  occurrences?: number;
  now?: number;
}

function isPaste(d: Decision): boolean {
  if (d.clipboard === undefined || !mightBePaste(d.changes)) return false;
  if (!matchesClipboard(d.changes, d.clipboard)) return false;
  if (looksLikeCut(d.changes, d.deletions ?? [], d.now ?? 0)) return false;
  // Each cursor's paste is one occurrence; more means the text was already in the workspace.
  return d.occurrences === undefined || d.occurrences <= d.changes.length;
}

export function decideHint(d: Decision): HintKind | undefined {
  const byReason = hintForReason(d.reason);
  if (byReason) return byReason;
  if (d.changes.length === 0 || !d.changes.some((c) => c.text.length > 0)) return undefined;
  if (d.accepted) return d.accepted;
  if (isPaste(d)) return 'paste';
  if (d.followUp) return 'item';
  return undefined;
}

/** How many times `needle` occurs in `haystack` (non-overlapping). */
export function countOccurrences(haystack: string, needle: string): number {
  if (needle.length === 0) return 0;
  let n = 0;
  let i = haystack.indexOf(needle);
  while (i !== -1) {
    n++;
    i = haystack.indexOf(needle, i + needle.length);
  }
  return n;
}

/** The clipboard text as a document with this end-of-line sequence would hold it. */
export function withEol(text: string, eol: '\n' | '\r\n'): string {
  const lf = normalizeEol(text);
  return eol === '\n' ? lf : lf.replace(/\n/g, '\r\n');
}
