// Labels for a recorded VS Code session: one per content change, from the action that was
// playing when it arrived (record.mjs notes, for each action, how many content events the trace
// held before and after it). Pure: reads trace lines, never the classifier.
//
// An event is a `textDocument/didChange`, or a `didOpen` of a document closed earlier in the
// session (a reload that arrives as close + open: one label with change 0, as replay gives one
// line). `chars` counts the Unicode scalars inserted after trimming the common prefix and suffix
// of the replaced text and the new text (SPEC section 4), computed by rebuilding each document
// from the trace in UTF-16, the only encoding VS Code offers.

/** Trace lines (objects) of a SPEC-3 trace's text. */
export function parseTrace(text) {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** The content events of a trace, in order: `{ kind: 'change'|'reopen', msg, t }`. */
export function contentEvents(lines) {
  const events = [];
  const closed = new Set();
  const seen = new Set();
  for (const l of lines) {
    const m = l.msg;
    if (!m || typeof m.method !== 'string') continue;
    if (m.method === 'textDocument/didChange') events.push({ kind: 'change', msg: m, t: l.t });
    else if (m.method === 'textDocument/didClose') closed.add(m.params.textDocument.uri);
    else if (m.method === 'textDocument/didOpen') {
      const uri = m.params.textDocument.uri;
      if (seen.has(uri) && closed.has(uri)) events.push({ kind: 'reopen', msg: m, t: l.t });
      closed.delete(uri);
      seen.add(uri);
    }
  }
  return events;
}

/** UTF-16 offset of an LSP position in `text`. */
function offsetOf(text, pos) {
  let line = 0;
  let i = 0;
  while (line < pos.line) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    i = nl + 1;
    line++;
  }
  const end = text.indexOf('\n', i);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(i + pos.character, lineEnd);
}

/** (inserted, deleted) Unicode scalars after trimming the common prefix and suffix. */
export function trimmedCounts(oldText, newText) {
  const a = Array.from(oldText);
  const b = Array.from(newText);
  const n = Math.min(a.length, b.length);
  let p = 0;
  while (p < n && a[p] === b[p]) p++;
  let s = 0;
  while (s < n - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { inserted: b.length - p - s, deleted: a.length - p - s };
}

/**
 * One label per content change. `actions` are `{ from, to, class, action }` (event indexes,
 * `to` exclusive), in order and covering every event. For `typed`, `paste` and `move`, a change
 * that only removes text is `delete`; `editor`, `undo`, `vcs` and `agent` keep their class whatever
 * the change looks like. Returns `{ labels, docs, problems }`: `docs` is each document's text
 * rebuilt from the trace.
 */
export function labelSession(lines, actions) {
  const events = contentEvents(lines);
  const problems = [];
  const actionOf = new Array(events.length).fill(undefined);
  let expected = 0;
  for (const a of actions) {
    if (a.from !== expected) problems.push(`events ${expected}..${a.from} arrived outside any action (before "${a.action}")`);
    for (let i = a.from; i < a.to; i++) actionOf[i] = a;
    expected = a.to;
  }
  if (expected !== events.length) problems.push(`events ${expected}..${events.length} arrived after the last action`);

  const docs = new Map();
  const labels = [];
  let e = 0;
  for (const l of lines) {
    const m = l.msg;
    if (!m || typeof m.method !== 'string') continue;
    if (m.method === 'textDocument/didOpen') {
      const { uri, text } = m.params.textDocument;
      if (events[e]?.msg === m) {
        const a = actionOf[e];
        const { inserted } = trimmedCounts(docs.get(uri) ?? '', text);
        labels.push(label(uri, m.params.textDocument.version, 0, a, inserted, 0));
        e++;
      }
      docs.set(uri, text);
    } else if (m.method === 'textDocument/didChange') {
      const { uri, version } = m.params.textDocument;
      const a = actionOf[e];
      let text = docs.get(uri);
      if (text === undefined) {
        problems.push(`didChange of ${uri} v${version} before its didOpen`);
        text = '';
      }
      m.params.contentChanges.forEach((c, i) => {
        let old;
        if (c.range) {
          const s = offsetOf(text, c.range.start);
          const end = offsetOf(text, c.range.end);
          old = text.slice(s, end);
          text = text.slice(0, s) + c.text + text.slice(end);
        } else {
          old = text;
          text = c.text;
        }
        const { inserted, deleted } = trimmedCounts(old, c.text);
        labels.push(label(uri, version, i, a, inserted, deleted));
      });
      docs.set(uri, text);
      e++;
    }
  }
  return { labels, docs, problems };
}

function label(uri, version, change, a, inserted, deleted) {
  let cls = a?.class ?? '?';
  if ((cls === 'typed' || cls === 'paste' || cls === 'move') && inserted === 0 && deleted > 0) cls = 'delete';
  return { uri, version, change, class: cls, chars: inserted, action: a?.action ?? '(no action)' };
}
