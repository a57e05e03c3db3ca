// The server's settings (README "Configuration"), as VS Code settings `mindgap.<key>`. Only the
// keys the person set explicitly are sent, so a workspace `mindgap.toml` is not overridden by
// defaults. Pure.

export const SERVER_KEYS = [
  'target_early_share',
  'outside_help',
  'status_format',
  'status_via',
  'chars_per_line',
  'explain_min_lines',
  'explain_min_words',
  'nudge_early',
  'nudge_explain',
  'nudge_manual',
  'nudge_struggle',
  'struggle_minutes',
] as const;

export type ServerKey = (typeof SERVER_KEYS)[number];

/** `inspect()` of one key, reduced to what we need. */
export interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

export function explicitValue(i: Inspected | undefined): unknown {
  if (!i) return undefined;
  if (i.workspaceFolderValue !== undefined) return i.workspaceFolderValue;
  if (i.workspaceValue !== undefined) return i.workspaceValue;
  return i.globalValue;
}

/** `{ key: value }` for the keys set explicitly; empty strings (an unset template) are left out. */
export function serverSettings(inspect: (key: ServerKey) => Inspected | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const v = explicitValue(inspect(key));
    if (v === undefined || v === null || v === '') continue;
    out[key] = v;
  }
  return out;
}
