#!/usr/bin/env python3
"""Score the classifier on labelled traces: `mindgap replay --json` against the labels.

    python3 tests/record/score.py [--mindgap BIN] TRACE.trace.jsonl...

For each `X.trace.jsonl` the labels are read from `X.labels.jsonl` beside it (one line
per content change, as record_nvim.py writes them). Each trace is replayed on its own
(`mindgap replay --json TRACE`, a throw-away home), and the replay's change lines are
matched to the labels the way tests/tests/fixtures.rs does: disk-change lines (`path`)
and the summary are set aside, and the rest are paired in order, each pair checked for
the same uri, version and change index (a reload is `change: 0` with `"reopen": true`
and shares its version with the didChange before it, so pairing by key alone would be
ambiguous). If a pair's keys differ, the script looks ahead for the next matching key
and reports what it skipped.

Printed per trace and overall:
- outside-vs-own: the share of inserted characters (the label's `chars`) whose verdict
  is right, outside help being paste, completion and agent;
- per labelled class: how many changes, and how many characters, replay gave the same
  class, and what it gave instead;
- the longest run of typed characters called outside help (the fixture test's limit is 10);
- every disagreeing change: file, version, change, label, got, chars, action;
- the disk-change lines (`path`), which have no labels, for reading.

Only the standard library. Exit status 1 if a replay fails or a trace has no labels.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUTSIDE = {"paste", "completion", "agent"}
CLASSES = ["typed", "paste", "completion", "agent", "move", "editor", "undo", "vcs", "delete"]


def read_json_lines(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def labels_for(trace: Path) -> Path:
    name = trace.name
    if not name.endswith(".trace.jsonl"):
        raise SystemExit(f"{trace}: not a *.trace.jsonl file")
    return trace.with_name(name[: -len(".trace.jsonl")] + ".labels.jsonl")


def replay(mindgap: str, trace: Path) -> tuple[list[dict], list[str]]:
    """The replay's JSON lines, and what it said on stderr (e.g. trace lines it skipped)."""
    out = subprocess.run([mindgap, "replay", "--json", str(trace)], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{trace.name}: replay failed ({out.returncode}): {out.stderr.strip()}")
    lines = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    return lines, [l for l in out.stderr.splitlines() if l.strip()]


def key(d: dict) -> tuple:
    return d.get("uri"), d.get("version"), d.get("change")


def pair(changes: list[dict], labels: list[dict]) -> tuple[list[tuple[dict, dict]], list[str]]:
    """Pair replay lines with labels in order; on a key mismatch, resynchronise on the
    next matching key and report what was skipped."""
    pairs, notes = [], []
    i = j = 0
    while i < len(labels) and j < len(changes):
        if key(labels[i]) == key(changes[j]):
            pairs.append((changes[j], labels[i]))
            i += 1
            j += 1
            continue
        # the nearest resynchronisation: skip replay lines, or skip labels
        skip_r = next((k for k in range(j + 1, min(len(changes), j + 200)) if key(changes[k]) == key(labels[i])), None)
        skip_l = next((k for k in range(i + 1, min(len(labels), i + 200)) if key(labels[k]) == key(changes[j])), None)
        if skip_r is not None and (skip_l is None or skip_r - j <= skip_l - i):
            for c in changes[j:skip_r]:
                notes.append(f"replay line without a label: v{c.get('version')}#{c.get('change')} "
                             f"{c.get('class')} +{c.get('inserted')}")
            j = skip_r
        elif skip_l is not None:
            for lab in labels[i:skip_l]:
                notes.append(f"label without a replay line: v{lab['version']}#{lab['change']} "
                             f"{lab['class']} +{lab['chars']} ({lab.get('action')})")
            i = skip_l
        else:
            notes.append(f"cannot match label v{labels[i]['version']}#{labels[i]['change']} "
                         f"with replay v{changes[j].get('version')}#{changes[j].get('change')}")
            i += 1
            j += 1
    for c in changes[j:]:
        notes.append(f"replay line without a label: v{c.get('version')}#{c.get('change')} {c.get('class')}")
    for lab in labels[i:]:
        notes.append(f"label without a replay line: v{lab['version']}#{lab['change']} {lab['class']}")
    for got, want in pairs:
        if got.get("inserted") != want["chars"]:
            notes.append(f"v{want['version']}#{want['change']}: replay inserted {got.get('inserted')}, "
                         f"label chars {want['chars']}")
    return pairs, notes


class Tally:
    def __init__(self):
        self.chars = 0
        self.chars_right = 0
        self.by_class: dict[str, list[int]] = {}  # class -> [changes, agree, chars, chars agree]
        self.misses: dict[str, Counter] = {}
        self.worst_typed_run = 0

    def add(self, got: str, want: str, chars: int):
        self.chars += chars
        if (got in OUTSIDE) == (want in OUTSIDE):
            self.chars_right += chars
        c = self.by_class.setdefault(want, [0, 0, 0, 0])
        c[0] += 1
        c[2] += chars
        if got == want:
            c[1] += 1
            c[3] += chars
        else:
            self.misses.setdefault(want, Counter())[got] += 1

    def merge(self, other: "Tally"):
        self.chars += other.chars
        self.chars_right += other.chars_right
        for cls, v in other.by_class.items():
            c = self.by_class.setdefault(cls, [0, 0, 0, 0])
            for k in range(4):
                c[k] += v[k]
        for cls, m in other.misses.items():
            self.misses.setdefault(cls, Counter()).update(m)
        self.worst_typed_run = max(self.worst_typed_run, other.worst_typed_run)


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def class_table(t: Tally, indent: str = "  ") -> list[str]:
    rows = [f"{indent}{'class':<11}{'changes':>15}{'':>8}{'chars':>15}{'':>8}  label -> replay misses"]
    for cls in sorted(t.by_class, key=lambda c: CLASSES.index(c) if c in CLASSES else 99):
        n, agree, chars, chars_agree = t.by_class[cls]
        misses = ", ".join(f"{g}x{k}" for g, k in sorted(t.misses.get(cls, {}).items(), key=lambda x: -x[1]))
        chars_col = f"{chars_agree}/{chars}" if cls != "delete" else "-"
        chars_pct = pct(chars_agree, chars) if cls != "delete" else "     "
        rows.append(f"{indent}{cls:<11}{f'{agree}/{n}':>15}{pct(agree, n):>8}{chars_col:>15}{chars_pct:>8}  {misses}")
    return rows


def score_trace(mindgap: str, trace: Path) -> tuple[Tally, list[str]]:
    out = [f"== {trace.name}"]
    lines, said = replay(mindgap, trace)
    body = [l for l in lines if "summary" not in l]
    changes = [l for l in body if "uri" in l]
    disk = [l for l in body if "path" in l]
    lab_path = labels_for(trace)
    if not lab_path.is_file():
        raise RuntimeError(f"{trace.name}: no labels file {lab_path.name}")
    labels = read_json_lines(lab_path)
    pairs, notes = pair(changes, labels)
    t = Tally()
    run = 0
    wrong = []
    for got, want in pairs:
        g, w, chars = got.get("class", "?"), want["class"], want["chars"]
        t.add(g, w, chars)
        if w == "typed" and g in OUTSIDE:
            run += chars
            t.worst_typed_run = max(t.worst_typed_run, run)
        elif w == "typed" or chars > 0:
            run = 0
        if g != w:
            wrong.append((got, want))
    out.append(f"  {len(labels)} labels, {len(changes)} replayed changes, {len(pairs)} matched; "
               f"outside-vs-own right on {t.chars_right}/{t.chars} chars ({pct(t.chars_right, t.chars).strip()}); "
               f"longest typed run called outside help: {t.worst_typed_run}")
    out += class_table(t)
    for n in notes:
        out.append(f"  ! {n}")
    if said:
        out.append(f"  replay wrote {len(said)} line(s) to stderr, the first: {said[0].replace(str(trace), trace.name)}")
    if wrong:
        out.append(f"  disagreeing changes ({len(wrong)}):")
        out.append(f"    {'file':<16}{'version':>8}{'change':>7}  {'label':<11}{'got':<11}{'chars':>6}  action")
        for got, want in wrong:
            fname = want["uri"].rsplit("/", 1)[-1]
            reopen = " (reload)" if got.get("reopen") else ""
            out.append(f"    {fname:<16}{want['version']:>8}{want['change']:>7}  {want['class']:<11}"
                       f"{got.get('class', '?'):<11}{want['chars']:>6}  {want.get('action', '')}{reopen}")
    if disk:
        out.append("  disk changes (no labels): " + "; ".join(
            f"{d['path']} {d.get('class')} +{d.get('inserted')}" for d in disk))
    return t, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mindgap", default=str(REPO / "target" / "debug" / "mindgap"),
                    help="the mindgap binary (default target/debug/mindgap)")
    ap.add_argument("traces", nargs="+", type=Path, metavar="TRACE")
    args = ap.parse_args(argv)
    mindgap = args.mindgap
    if not Path(mindgap).exists():
        raise SystemExit(f"{mindgap} not found: run `cargo build -p mindgap` or pass --mindgap.")
    version = subprocess.run([mindgap, "version"], capture_output=True, text=True).stdout.strip()
    print(f"# scored with {mindgap} ({version or 'version unknown'}); outside help = paste, completion, agent")
    print()
    total = Tally()
    summary = []
    rc = 0
    for trace in args.traces:
        try:
            t, out = score_trace(mindgap, trace)
        except RuntimeError as err:
            print(f"== {trace.name}\n  ! {err}")
            rc = 1
            continue
        print("\n".join(out))
        print()
        total.merge(t)
        summary.append((trace.name, t))
    if summary:
        print("== per trace: outside-vs-own (chars) and class agreement (changes, chars)")
        width = max(len(n) for n, _ in summary)
        for name, t in summary:
            n = sum(v[0] for v in t.by_class.values())
            agree = sum(v[1] for v in t.by_class.values())
            chars = sum(v[2] for v in t.by_class.values())
            chars_agree = sum(v[3] for v in t.by_class.values())
            print(f"  {name:<{width}}  outside-vs-own {t.chars_right:>5}/{t.chars:<5} {pct(t.chars_right, t.chars)}"
                  f"   class {agree:>4}/{n:<4} {pct(agree, n)}   class chars {chars_agree:>5}/{chars:<5} "
                  f"{pct(chars_agree, chars)}")
        n = sum(v[0] for v in total.by_class.values())
        agree = sum(v[1] for v in total.by_class.values())
        chars = sum(v[2] for v in total.by_class.values())
        chars_agree = sum(v[3] for v in total.by_class.values())
        print(f"  {'overall':<{width}}  outside-vs-own {total.chars_right:>5}/{total.chars:<5} "
              f"{pct(total.chars_right, total.chars)}   class {agree:>4}/{n:<4} {pct(agree, n)}   "
              f"class chars {chars_agree:>5}/{chars:<5} {pct(chars_agree, chars)}")
        print()
        print(f"== overall per class ({len(summary)} traces); longest typed run called outside help: "
              f"{total.worst_typed_run}")
        print("\n".join(class_table(total)))
    return rc


if __name__ == "__main__":
    sys.exit(main())
