// The status bar's text and tooltip from a `mindgap/status` object (SPEC section 6). Pure.

export interface Status {
  workspace?: string;
  task?: {
    name: string;
    manual?: boolean;
    state?: string;
    work?: number;
    progress?: number;
    phase?: 'early' | 'late';
  } | null;
  share?: { early: number | null; late: number | null; overall: number | null };
  learning?: { last_entry: string | null; days_silent: number | null };
  week?: { manual_tasks_finished: number };
  /** An open struggle window, when the server reports one. */
  struggle?: { ends_ms?: number; minutes?: number; attempts?: number } | null;
  text?: string;
}

export function percent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return `${Math.round(x * 100)}%`;
}

/** The status bar text: the server's `text`, or a bare name when it has nothing to say. */
export function barText(s: Status | undefined): string {
  const text = s?.text?.trim();
  return text ? `$(mortar-board) ${escapeIcons(text)}` : '$(mortar-board) mindgap';
}

/** `$(` would start an icon in a status bar item. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}

export function isWarning(s: Status | undefined, target: number): boolean {
  const early = s?.share?.early;
  return (typeof early === 'number' && early > target) || (s?.text ?? '').includes('⚠');
}

/** Markdown for the tooltip. */
export function tooltip(s: Status | undefined, target: number): string {
  const lines: string[] = [];
  const task = s?.task;
  if (task) {
    const kind = task.manual ? ' (manual)' : '';
    const state = task.state && task.state !== 'active' ? `, ${task.state}` : '';
    lines.push(`**mindgap** — task **${task.name}**${kind}${state}`);
    if (typeof task.progress === 'number') {
      lines.push(`${percent(task.progress)} through, in its ${task.phase ?? 'early'} part`);
    }
  } else {
    lines.push('**mindgap** — no task yet');
  }
  if (s?.share) {
    lines.push(
      `Outside help: early **${percent(s.share.early)}**, late **${percent(s.share.late)}**, overall ${percent(s.share.overall)}`,
    );
  }
  if (s?.learning && typeof s.learning.days_silent === 'number') {
    lines.push(`Learning log: last entry ${s.learning.days_silent} day(s) ago`);
  }
  lines.push(
    '',
    'The *early* share is the outside help (pastes, AI completions, agent writes) in the first 80% of a ' +
      "task's work; the *late* share is the same for the last 20%. The healthy shape: early near zero " +
      `(the warning sign shows above ${percent(target)}), help saved for the late part.`,
    '',
    'Click for mindgap commands.',
  );
  return lines.join('\n\n').replace(/\n\n\n\n/g, '\n\n');
}
