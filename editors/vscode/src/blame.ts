/**
 * `mindgap: Blame` in VS Code: the server's `mindgap.blame` answer (each line's origin, commit and
 * source, and one aligned row per line without the code) turned into the text of a read-only
 * view, one line per source line: the server's row, then the line's text as the editor holds it.
 * The server never sends code; the text comes from the editor's document. No vscode import:
 * unit-tested.
 */

/** The URI scheme of the read-only blame views. */
export const BLAME_SCHEME = 'mindgap-blame';

export interface BlameLine {
  line: number;
  origin: string;
  commit: string | null;
  source: string | null;
}

export interface BlameAnswer {
  uri: string;
  lines: BlameLine[];
  /** One row per line: short commit, origin, source, line number (no code). */
  rows: string[];
  warnings: string[];
}

function isLine(l: unknown): l is BlameLine {
  const o = l as Partial<BlameLine> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.line === 'number' &&
    typeof o.origin === 'string' &&
    (o.commit === null || typeof o.commit === 'string') &&
    (o.source === null || typeof o.source === 'string')
  );
}

/** The server's answer, checked; undefined when it is not a blame. */
export function parseBlame(answer: unknown): BlameAnswer | undefined {
  const a = answer as { uri?: unknown; lines?: unknown; text?: unknown; warnings?: unknown } | null | undefined;
  if (typeof a !== 'object' || a === null) return undefined;
  if (typeof a.uri !== 'string' || typeof a.text !== 'string' || !Array.isArray(a.lines)) return undefined;
  if (!a.lines.every(isLine)) return undefined;
  const rows = a.text.split('\n');
  if (rows[rows.length - 1] === '') rows.pop();
  const warnings = Array.isArray(a.warnings) ? a.warnings.filter((w): w is string => typeof w === 'string') : [];
  return { uri: a.uri, lines: a.lines, rows, warnings };
}

/**
 * The blame view's text: for each line of the document (`source`, its lines as the editor holds
 * them, without line breaks) the server's row and the line's text. A line the server did not
 * blame (VS Code's empty line after the last line break) gets a blank row of the same width;
 * that last empty line itself is left out, as `git blame` leaves it out. No line break after
 * the last line: the view has as many lines as the server blamed.
 */
export function blameText(answer: BlameAnswer, source: readonly string[]): string {
  const width = Math.max(0, ...answer.rows.map((r) => r.length));
  let count = source.length;
  if (count > answer.rows.length && source[count - 1] === '') count -= 1;
  const out: string[] = [];
  for (let i = 0; i < Math.max(count, answer.rows.length); i++) {
    const row = (answer.rows[i] ?? '').padEnd(width);
    const code = source[i] ?? '';
    out.push(code ? `${row} ${code}` : row.trimEnd());
  }
  return out.join('\n');
}
