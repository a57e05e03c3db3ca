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
// - accepted inline completions: no event either; only when the person accepts with the
//   extension's own Tab binding (opt-in setting `mindgap.hintInlineCompletions`) is the next
//   change of that document hinted `completion`.
// - formatting, agent writes: not observable from the extension API; the server classifies them.

export type HintKind = 'paste' | 'completion' | 'undo' | 'redo' | 'format' | 'agent';
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

export interface Decision {
  reason: Reason;
  changes: readonly Change[];
  /** The clipboard's text, when it was read (only when mightBePaste). */
  clipboard?: string;
  /** The person accepted an inline completion with mindgap's binding just before. */
  completionPending?: boolean;
  /** Recent deletions in any document. */
  deletions?: readonly Deletion[];
  /** How many times the clipboard text occurs in the open documents, after the change. */
  occurrences?: number;
  now?: number;
}

export function decideHint(d: Decision): HintKind | undefined {
  const byReason = hintForReason(d.reason);
  if (byReason) return byReason;
  if (d.changes.length === 0 || !d.changes.some((c) => c.text.length > 0)) return undefined;
  if (d.completionPending) return 'completion';
  if (d.clipboard === undefined || !mightBePaste(d.changes)) return undefined;
  if (!matchesClipboard(d.changes, d.clipboard)) return undefined;
  if (looksLikeCut(d.changes, d.deletions ?? [], d.now ?? 0)) return undefined;
  // Each cursor's paste is one occurrence; more means the text was already in the workspace.
  if (d.occurrences !== undefined && d.occurrences > d.changes.length) return undefined;
  return 'paste';
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
