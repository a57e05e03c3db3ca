"""Plans of the third held-out set (`record_nvim.py --heldout3`, into tests/fixtures/heldout3/).

Eight sessions of everyday work, most of them a minute or so of mixed work, with content of
their own: files, identifiers, languages, JSON, snippets, menu items, AI suggestions and pasted
texts found in no other plan. Nobody tunes the classifier on them or reads them change by
change: they are scored only in aggregate (tests/fixtures/heldout3/README.md).

record_nvim.py runs as `__main__`, so this module does not import it (that would run a second
copy of it): `registry(rec)` is called from its main() with that module, and the builders
reach its `Plan` methods and helpers through `R`. Each scenario draws from its own Plan(seed),
so adding these changed no earlier plan.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

R = None  # record_nvim's module, set by registry()

OMNI = ["<C-x>", "<C-o>"]
BY_OMNI = "open the completion menu (<C-x><C-o>)"
SPACE = ["<C-Space>"]
BY_SPACE = "open the completion menu (<C-Space>, vim.lsp.completion.get())"
WORD = "accept the AI suggestion's next word (<M-Right>)"
LINE = "accept the AI suggestion's next line (<M-Down>)"
REST = "accept the rest of the AI suggestion (<Tab>)"
WHOLE = "accept an AI suggestion, whole (<Tab>)"
SM_AFTER = {"after": {"kind": "editor",
                      "action": "supermaven's <Space><Left><Del> right after the accept"}}
CV_DEL = {"del": {"kind": "delete", "action": "copilot.vim's <Left><Del> / <Del> before the insert"}}


def item(label: str, kind: int, group: str, text: str | None = None, snippet: bool = False,
         detail: str | None = None) -> dict:
    """One CompletionItem; `sortText` (group, then label) fixes the menu's order."""
    it = {"label": label, "kind": kind, "sortText": f"{group}_{label}",
          "insertText": text if text is not None else label}
    if snippet:
        it["insertTextFormat"] = 2
    if detail:
        it["detail"] = detail
    return it


# -- tidy_h3: filters, :sort, =, :s and gq over four files (editor), typing between --

TIDY_H3_JSON = (
    '{"fleet":"north-yard","updated":"2026-11-28","vans":[{"reg":"KX71 ODB","status":"idle",'
    '"km":48210,"driver":null},{"reg":"LM19 TRE","status":"loading","km":102384,"driver":"ines"},'
    '{"reg":"BD22 WQP","status":"idle","km":15092,"driver":"tomas"}],"depot_hours":{"open":"06:00",'
    '"close":"21:30"}}\n'
)

TIDY_H3_TSV = ("code  city   bays\nD01 Bergen     12\nD07   Trondheim 8\nD03 Alesund   15\n"
               "D12     Bodo 6\n")

TIDY_H3_GO = '''package dispatch

import (
\t"time"
\t"fmt"
\t"strings"
\t"errors"
)

type Stop struct {
\tDepot   string
\tTruckID string
\tDue     time.Time
}

func Route(stops []Stop) (string, error) {
if len(stops) == 0 {
\t\treturn "", errors.New("no stops")
}
\tnames := make([]string, 0, len(stops))
\tfor _, s := range stops {
\t\t\tnames = append(names, s.Depot+"/"+s.TruckID)
\t}
\treturn strings.Join(names, " -> "), nil
}

func Late(s Stop, now time.Time) bool {
\t\treturn now.After(s.Due)
}
'''

TIDY_H3_NOTES = "# Dispatch notes\n\nKept by whoever is on the early desk.\n"


def tidy_h3_setup(workdir: Path):
    R.write_files(workdir, {"depots.tsv": TIDY_H3_TSV, "dispatch.go": TIDY_H3_GO,
                            "NOTES.md": TIDY_H3_NOTES})


def build_tidy_h3(p, ctx: dict):
    # 1. fleet.json, one compact line: a status changed by hand, then pretty-printed
    p.pause(200, 400)
    p.keys(["/", "i", "d", "l", "e", "<CR>"], "find the first idle status", "none")
    p.keys(["c", "i", "w"], "typing (ciw)", "typing")
    p.type("parekd\b\b\bked\x1b")
    p.pause(600, 900)
    p.command("%!python3 -m json.tool --indent 2",
              "pretty-print the JSON (:%!python3 -m json.tool --indent 2)", "editor", gap=(25, 70))
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 2. depots.tsv: a depot typed, the columns lined up, the rows sorted by bays
    p.pause(500, 800)
    p.command("e depots.tsv", "open depots.tsv (:e)")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("D09 Tromso 11\x1b")
    p.pause(500, 800)
    p.command("%!column -t", "line up the columns (:%!column -t)", "editor", gap=(30, 80))
    p.pause(600, 900)
    p.command("2,$!sort -n -k3", "sort the depots by bays (:2,$!sort -n -k3)", "editor", gap=(30, 80))
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 3. dispatch.go: imports sorted, the file re-indented, a field renamed, a function typed
    p.pause(500, 800)
    p.command("e dispatch.go", "open dispatch.go (:e)")
    p.pause(700, 1000)
    p.keys(["/", '"', "t", "i", "m", "e", "<CR>"], "find the first import", "none")
    p.keys(["V", "3", "j"], "select the four imports (V3j)", "none")
    p.command("sort", "sort the imports (:'<,'>sort)", "editor")
    p.pause(500, 800)
    p.keys(["g", "g", "=", "G"], "re-indent the file (gg=G)", "editor")
    p.pause(600, 900)
    p.command("%s/TruckID/VanID/g", "rename TruckID to VanID (:%s)", "editor")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type('\nfunc Summary(s Stop) string {\nreturn fmt.Sprintf("%s: %s due %s", s.Deopt\b\b\bpot, '
           's.VanID, s.Due.Format("15:04"))\n}\x1b')
    p.pause(500, 800)
    p.command("w", "save (:w)")
    # 4. NOTES.md: a long line typed, then wrapped with gqip
    p.pause(500, 800)
    p.command("e NOTES.md", "open NOTES.md (:e)")
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nThe evening run now starts at the north yard, and Bodo only takes two vans "
           "after seven, so plan the secnod\b\b\bond loop around the harbour closing.\x1b")
    p.pause(600, 900)
    p.keys(["g", "q", "i", "p"], "wrap the paragraph (gqip)", "editor")
    R.finish(p, ctx, "w")


# -- copies_h3: own code from files never opened and from the open file (move) -----

COPIES_H3_START = '''import { Money } from "./lib/money";

export interface Line {
\tsku: string;
\tqty: number;
\tunitCents: number;
}
'''

COPIES_H3_MONEY = '''export type Money = number; // cents

export function fromEuros(euros: number): Money {
\treturn Math.round(euros * 100);
}

export function formatCents(cents: Money, currency = "EUR"): string {
\tconst sign = cents < 0 ? "-" : "";
\tconst abs = Math.abs(cents);
\treturn `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")} ${currency}`;
}

export function sumCents(values: Money[]): Money {
\treturn values.reduce((acc, v) => acc + v, 0);
}
'''

COPIES_H3_LOCALE = '''export const LOCALE = "nl-BE";
export const CURRENCY = "EUR";
'''

COPIES_H3_VAT = '''// VAT bands, worked out with the accountant in March

export const VAT_BANDS: Record<string, number> = { food: 0.06, books: 0.06, standard: 0.21 };

export function vatFor(band: string, net: Money): Money {
\tconst rate = VAT_BANDS[band] ?? VAT_BANDS.standard;
\treturn Math.round(net * rate);
}
'''

COPIES_H3_CHAT = '''

export function splitEvenly(total: Money, parts: number): Money[] {
\tconst base = Math.floor(total / parts);
\tconst extra = total - base * parts;
\treturn Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}'''


def copies_h3_setup(workdir: Path):
    """lib/money.ts and lib/locale.ts committed, drafts/vat.ts untracked; only
    invoice.ts is opened."""
    R.write_files(workdir, {"lib/money.ts": COPIES_H3_MONEY, "lib/locale.ts": COPIES_H3_LOCALE})
    R.git_setup(workdir)
    R.write_files(workdir, {"drafts/vat.ts": COPIES_H3_VAT})


def build_copies_h3(p, ctx: dict):
    # 1. a typed function; two lines of formatCents() copied from lib/money.ts (committed,
    #    never opened) come in through the clipboard in Insert mode (<C-r><C-o>+)
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nexport function formatLine(line: Line): string {\n"
           "const cents = line.qty * line.unitCents;\n")
    p.setreg("+", "".join(R.lines_of(COPIES_H3_MONEY, "\tconst sign", 2)).strip(), "c")
    p.pause(700, 1000)
    p.keys(["<C-r>", "<C-o>", "+"],
           "insert two lines of formatCents() copied from lib/money.ts (<C-r><C-o>+ in Insert mode)",
           "move", gap=(60, 140))
    p.pause(400, 700)
    p.type("\nreturn `${line.sku} x${line.qty}: ${sign}${abs}`;\n}\x1b")
    # 2. vatFor() and its table from drafts/vat.ts (untracked, never opened), "ap
    p.pause(700, 1000)
    p.setreg("a", "\n" + R.lines_of(COPIES_H3_VAT, "export const VAT", 7), "l")
    p.keys(['"', "a", "p"], "put VAT_BANDS and vatFor() copied from drafts/vat.ts (\"ap)", "move")
    # 3. a function typed that uses them, with a typo fixed
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nexport function grossCents(line: Line, band: string): Money {\n"
           "const net = line.qty * line.unitCents;\nreturn net + vatFor(bnad\b\b\band, net);\n}\x1b")
    # 4. fromEuros() from lib/money.ts put ABOVE formatLine() with "bP
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "^", "e", "x", "p", "o", "r", "t", " ", "f", "u", "<CR>"],
           "find formatLine()", "none")
    p.setreg("b", R.lines_of(COPIES_H3_MONEY, "export function fromEuros", 3) + "\n", "l")
    p.keys(['"', "b", "P"], "put fromEuros() copied from lib/money.ts above formatLine() (\"bP)", "move")
    # 5. the Line interface yanked in this file, put at the end, renamed on its first line
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "^", "e", "x", "p", "o", "r", "t", " ", "i", "n", "<CR>"],
           "find the Line interface", "none")
    p.keys(["y", "4", "j"], "yank the Line interface (y4j)", "none")
    p.keys(["G", "o", "<Esc>"], "typing", "typing")
    p.keys(["p"], "put the Line interface at the end (p)", "move")
    p.pause(500, 800)
    p.command("s/Line/CreditLine/", "rename the copy (:s)", "editor")
    p.pause(400, 700)
    p.keys(["4", "j", "O"], "typing", "typing")
    p.type("reason: string;\x1b")
    # 6. a function from a chat answer, pasted in Normal mode
    p.pause(700, 1000)
    p.keys(["G", "$"], "move to the end", "none")
    p.pause(300, 500)
    p.paste(COPIES_H3_CHAT, "paste splitEvenly() from a chat answer (bracketed paste, normal mode)")
    # 7. all of lib/locale.ts read in under the import
    p.pause(700, 1000)
    p.keys(["g", "g"], "to the top", "none")
    p.command("r lib/locale.ts", "read all of lib/locale.ts under the import (:r)", "move")
    R.finish(p, ctx, "w")


# -- menu_h3: a completion menu in Go (editor), typing, an AI accept --------------

MENU_H3_START = '''package routes

import (
\t"fmt"
\t"strings"
)

type Leg struct {
\tFrom, To string
\tKm       float64
}
'''

MENU_H3_ITEMS = [
    # snippets first, then functions, then keywords
    item("iferr", 15, "a", "if err != nil {\n\treturn ${1:nil}, err\n}", snippet=True,
         detail="if err != nil"),
    item("forr", 15, "a", "for ${1:_}, ${2:v} := range ${3:xs} {\n\t$0\n}", snippet=True,
         detail="for range"),
    item("Sprintf", 3, "b", 'Sprintf("${1:%v}", ${2:a})', snippet=True,
         detail="func(format string, a ...any) string"),
    item("Split", 3, "b", "Split", detail="func(s, sep string) []string"),
    item("Sscan", 3, "b", "Sscan", detail="func(str string, a ...any) (int, error)"),
    item("legKm", 3, "b", "legKm(${1:l})", snippet=True, detail="func(l Leg) float64"),
    item("routeCost", 3, "b", "routeCost", detail="func(legs []Leg, perKm float64) float64"),
    *[item(k, 14, "c") for k in ("break", "continue", "defer", "else", "for", "func", "if", "nil",
                                  "range", "return", "var")],
]

MENU_H3_NOINSERT = "menu,menuone,noinsert"
MENU_H3_NOSELECT = "menu,menuone,noselect"


def build_menu_h3(p, ctx: dict):
    # 1. noinsert: the first match is selected when the menu opens
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nfunc parseLeg(line string) (Leg, error) {\nparts := strings.Spl")
    R.menu_walk(p, OMNI, BY_OMNI, "Split", [])
    p.type('(line, ";")\nvar km float64\n_, err := fmt.Ss')
    R.menu_walk(p, OMNI, BY_OMNI, "Sscan", [])
    p.type("(parts[2], &km)\nif")
    R.menu_walk(p, OMNI, BY_OMNI, "the iferr snippet", [])
    p.pause(400, 700)
    p.type("Leg{}")                    # over nil
    R.snippet_tab(p)                   # to the end
    p.type("\nreturn Leg{From: parts[0], To: parts[1], Km: km}, nil\n}\x1b")
    # 2. noselect from here on
    p.pause(600, 900)
    p.command(f"set completeopt={MENU_H3_NOSELECT}", "switch completeopt to noselect (:set)")
    # 3. a range loop from the menu's snippet, past the keyword, and return filtered in the menu
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("\nfunc routeCost(legs []Leg, perKm float64) float64 {\nvar total float64\nfo")
    R.menu_walk(p, SPACE, BY_SPACE, "the forr snippet", ["<C-n>", "<C-n>", "<C-p>"])
    p.pause(400, 700)
    R.snippet_tab(p)                   # keep _
    p.type("leg")                      # over v
    R.snippet_tab(p)
    p.type("legs")                     # over xs
    R.snippet_tab(p)                   # into the body
    p.type("total += le")
    R.menu_walk(p, OMNI, BY_OMNI, "the legKm call snippet", ["<C-n>"])
    p.pause(300, 600)
    p.type("leg")                      # over l
    R.snippet_tab(p)
    p.type(" * perKm\x1b")
    p.pause(300, 500)
    p.keys(["j", "o"], "typing", "typing")  # below the loop's }
    p.type("re")
    R.menu3_take(p, OMNI, BY_OMNI, "the keyword return", filter_text="t", moves=("<C-n>",))
    p.type(" total\n}\x1b")
    # 4. a Sprintf call snippet after a typed package name
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nfunc describe(l Leg) string {\nreturn fmt.Spr")
    R.menu_walk(p, OMNI, BY_OMNI, "the Sprintf call snippet", ["<C-n>"])
    p.pause(400, 700)
    p.type("%s-%s %.1f km")            # over %v
    R.snippet_tab(p)
    p.type("l.From, l.To, l.Km")       # over a
    R.snippet_tab(p)
    p.type("\n}\x1b")
    # 5. an AI suggestion: a line, then the rest
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nfunc totalKm(legs []Leg) float64 {\n")
    p.pause(700, 1000)
    p.ai_suggest("sum := 0.0\n\tfor _, l := range legs {\n\t\tsum += l.Km\n\t}\n\treturn sum", "copilot")
    p.accept("<M-Down>", LINE, R.ai_parts(LINE), gap=(500, 900))
    p.accept("<Tab>", REST, R.ai_parts(REST), gap=(700, 1200))
    p.type("\n}\x1b")
    R.finish(p, ctx, "w")


# -- ai_h3: the stand-in AI plugin in Rust, every accept it has (completion) -------

AI_H3_START = '''//! Water meter readings for the allotment sheds.

const LEAK_LIMIT_L: f64 = 400.0;

pub struct Reading {
    pub shed: u32,
    pub litres: f64,
}
'''

AI_H3_CHAT = '''

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_all_sheds() {
        let r = [Reading { shed: 1, litres: 2.5 }, Reading { shed: 2, litres: 4.0 }];
        assert_eq!(total_litres(&r), 6.5);
    }
}'''


def build_ai_h3(p, ctx: dict):
    # 1. a whole accept (copilot) on the first line of a body
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\npub fn total_litres(readings: &[Reading]) -> f64 {\n")
    p.pause(700, 1000)
    p.ai_suggest("readings.iter().map(|r| r.litres).sum()", "copilot")
    p.accept("<Tab>", WHOLE, R.ai_parts(WHOLE), gap=(500, 900))
    p.type("\n}")
    # 2. a four-line method chain: two lines, two words, the rest
    p.type("\n\npub fn busiest(readings: &[Reading]) -> Option<u32> {\n")
    p.pause(700, 1000)
    p.ai_suggest("readings\n        .iter()\n        .max_by(|a, b| a.litres.total_cmp(&b.litres))\n"
                 "        .map(|r| r.shed)", "copilot")
    p.accept("<M-Down>", LINE, R.ai_parts(LINE), gap=(500, 900))
    p.accept("<M-Down>", LINE, R.ai_parts(LINE), gap=(800, 1400))
    for _ in range(2):
        p.accept("<M-Right>", WORD, R.ai_parts(WORD), gap=(250, 500))
    p.accept("<Tab>", REST, R.ai_parts(REST), gap=(600, 1000))
    p.type("\n}\x1b")
    # 3. supermaven-style, finishing a comparison being typed
    p.pause(500, 800)
    p.keys(["o"], "typing", "typing")
    p.type("\npub fn leak_suspected(r: &Reading) -> bool {\nr.litres > LE")
    p.pause(600, 900)
    p.ai_suggest("AK_LIMIT_L", "supermaven")
    act = "accept an AI suggestion (supermaven-style <Tab>)"
    p.accept("<Tab>", act, R.ai_parts(act, **SM_AFTER))
    p.type("\n}")
    # 4. mid-line inside format!(): two words, then the rest before the )
    p.type("\n\npub fn label(r: &Reading) -> String {\nformat!()")
    p.pause(150, 250)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.pause(600, 900)
    p.ai_suggest('"shed {}: {:.1} l", r.shed, r.litres', "copilot_cursor")
    for _ in range(2):
        p.accept("<M-Right>", WORD, R.ai_parts(WORD))
    p.accept("<Tab>", REST, R.ai_parts(REST))
    p.pause(200, 400)
    p.keys(["<End>"], "to the end of the line", "none")
    p.type("\n}")
    # 5. a suggestion dismissed (<C-]>), the person types their own line
    p.type("\n\npub fn report(readings: &[Reading]) {\nfor r in readings {\n")
    p.pause(700, 1000)
    p.ai_suggest('println!("{}", r.litres);', "copilot")
    p.pause(600, 900)
    p.keys(["<C-]>"], "dismiss the AI suggestion (<C-]>)", "none")
    p.type("println!(\"{}\", lable\b\b\bbel(r));\n}\n")
    # 6. copilot.vim's <C-J> that first deletes the ) after the cursor
    p.type("println!()")
    p.pause(150, 250)
    p.keys(["<Left>"], "into the parentheses", "none")
    p.pause(600, 900)
    p.ai_suggest('"{} l in all", total_litres(readings))', "copilot_vim", delete=1)
    act = "accept an AI suggestion (copilot.vim <C-J>)"
    p.accept("<C-J>", act, R.ai_parts(act, **CV_DEL))
    p.type(";\n}\x1b")
    # 7. a test module from a chat answer, pasted in Normal mode at the end
    p.pause(700, 1000)
    p.keys(["G", "$"], "move to the end", "none")
    p.pause(300, 500)
    p.paste(AI_H3_CHAT, "paste a test module from a chat answer (bracketed paste, normal mode)")
    R.finish(p, ctx, "w")


# -- vcs_h3: branch switches, stash, merge and pull (vcs); an agent right after a pull --

VCS_H3_START = '''"""Lighthouse keeper's logbook."""

ENTRIES = []


def note(when, text):
    ENTRIES.append((when, text))
'''

VCS_H3_LAMPS = '''"""Lamp rota for the two towers."""

TOWERS = ("north", "south")
'''

VCS_H3_WEATHER = '''"""Sea state codes read out on the radio."""

SEA_STATE = {0: "calm", 3: "slight", 5: "rough", 7: "high"}
'''

VCS_H3_AGENT_NEW = '''"""Nightly check that every tower logged its lamp (written by an agent)."""
from logbook import LAMP_HOURS


def unlit():
    return [name for name, hours in LAMP_HOURS.items() if hours == 0]
'''


def upstream_of(workdir: Path) -> Path:
    return workdir.parent / (workdir.name + "_upstream")


def vcs_h3_setup(workdir: Path):
    """main; a branch `lamps` that adds LAMP_HOURS under ENTRIES and lamps.py; and an upstream
    clone (beside the workspace, its remote `origin`) whose main changes the docstring and
    adds weather.py."""
    R.git_setup(workdir)
    up = upstream_of(workdir)
    if up.exists():
        shutil.rmtree(up)
    subprocess.run(R.GIT + ["clone", "-q", str(workdir), str(up)], check=True, capture_output=True)
    (up / "logbook.py").write_text(VCS_H3_START.replace(
        "logbook.", "logbook, shared with the harbour office."), encoding="utf-8")
    R.write_files(up, {"weather.py": VCS_H3_WEATHER})
    R.git_commit_all(up, "harbour office")
    subprocess.run(R.GIT + ["remote", "add", "origin", str(up)], cwd=workdir, check=True)
    subprocess.run(R.GIT + ["checkout", "-q", "-b", "lamps"], cwd=workdir, check=True)
    (workdir / "logbook.py").write_text(VCS_H3_START.replace(
        "ENTRIES = []\n", 'ENTRIES = []\nLAMP_HOURS = {"north": 0, "south": 0}\n'), encoding="utf-8")
    R.write_files(workdir, {"lamps.py": VCS_H3_LAMPS})
    R.git_commit_all(workdir, "lamp hours")
    subprocess.run(R.GIT + ["checkout", "-q", "main"], cwd=workdir, check=True)


def build_vcs_h3(p, ctx: dict):
    work = Path(ctx["workdir"])
    vcs = lambda argv, what: p.shell(R.GIT + argv, what, "vcs")  # noqa: E731
    # 1. switch to the lamps branch: the open file changes under the editor
    p.pause(300, 600)
    vcs(["switch", "-q", "lamps"], "git switch lamps (on disk)")
    p.pause(400, 600)
    p.command("checktime", "git switch lamps; :checktime reloads it", "vcs")
    # 2. a function typed on the branch, saved; stash and pop
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\b\n\ndef lamp_on(name):\nLAMP_HOUSR\b\bRS[name] += 1\x1b")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(600, 900)
    vcs(["stash", "-q"], "git stash (on disk)")
    p.pause(400, 600)
    p.command("checktime", "git stash; :checktime reloads it", "vcs")
    p.pause(900, 1300)
    vcs(["stash", "pop", "-q"], "git stash pop (on disk)")
    p.pause(400, 600)
    p.command("checktime", "git stash pop; :checktime reloads it", "vcs")
    # 3. commit on the branch, back to main, merge the branch
    p.pause(600, 900)
    p.shell(R.GIT + ["commit", "-qam", "lamp_on"], "git commit -am (no change to the text)", "none")
    p.pause(500, 800)
    vcs(["switch", "-q", "main"], "git switch main (on disk)")
    p.pause(400, 600)
    p.command("checktime", "git switch main; :checktime reloads it", "vcs")
    p.pause(900, 1300)
    vcs(["merge", "-q", "--no-edit", "lamps"], "git merge lamps (on disk)")
    p.pause(400, 600)
    p.command("checktime", "git merge lamps; :checktime reloads it", "vcs")
    # 4. a word changed and saved, committed; then the harbour office's work pulled in
    p.pause(700, 1000)
    p.keys(["/", "w", "h", "e", "n", ",", "<CR>"], "find the when parameter", "none")
    p.keys(["c", "w"], "typing (cw)", "typing")
    p.type("stamp\x1b")
    p.keys(["n"], "the next when", "none")
    p.keys(["."], "repeat the change (.)", "typing")
    p.pause(400, 600)
    p.command("w", "save (:w)")
    p.pause(500, 800)
    p.shell(R.GIT + ["commit", "-qam", "stamp"], "git commit -am (no change to the text)", "none")
    p.pause(600, 900)
    vcs(["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"], "git pull origin main (on disk)")
    p.pause(400, 600)
    p.command("checktime", "git pull; :checktime reloads it", "vcs")
    # 5. about 2 s after the pull wrote the file, an agent writes a new file and adds a
    #    function to the open one
    p.pause(400, 700)
    p.write_file(str(work / "lamp_check.py"), VCS_H3_AGENT_NEW,
                 "an agent writes lamp_check.py (new, closed)")
    p.pause(100, 250)
    p.edit_file(ctx["src"], "    ENTRIES.append((stamp, text))\n",
                "    ENTRIES.append((stamp, text))\n\n\ndef lamp_off(name):\n"
                "    note(name, \"lamp off\")\n",
                "an agent adds lamp_off() to the open file (on disk)")
    p.pause(500, 800)
    p.command("checktime", "the agent's edit; :checktime reloads it", "agent")
    # 6. a line typed into the agent's function, saved
    p.pause(800, 1100)
    p.keys(["/", "l", "a", "m", "p", " ", "o", "f", "f", "<CR>"], "find the agent's lamp_off()", "none")
    p.keys(["o"], "typing", "typing")
    p.type("LAMP_HOURS[name] = 0\x1b")
    R.finish(p, ctx, "w")


# -- undo_h3: typing, a paste, undo and redo, dd and u, . repeats, :s undone --------

UNDO_H3_START = '''const SUITS = ["hearts", "spades", "clubs", "diamonds"];
const RANKS = ["A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K"];

function newDeck() {
\tconst cards = [];
\tfor (const s of SUITS) {
\t\tfor (const r of RANKS) {
\t\t\tcards.push({ suit: s, rank: r });
\t\t}
\t}
\treturn cards;
}
'''

UNDO_H3_CHAT = '''function shuffle(deck) {
\tfor (let i = deck.length - 1; i > 0; i--) {
\t\tconst j = Math.floor(Math.random() * (i + 1));
\t\t[deck[i], deck[j]] = [deck[j], deck[i]];
\t}
\treturn deck;
}'''


def build_undo_h3(p, ctx: dict):
    # 1. a function typed, with a typo fixed
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nfunction draw(deck, n) {\nreturn deck.splcie\b\b\bice(0, n);\n}\x1b")
    # 2. a blank line typed and shuffle() pasted from a chat answer in Insert mode
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\n")
    p.pause(600, 900)
    p.paste(UNDO_H3_CHAT, "paste shuffle() from a chat answer (bracketed paste)")
    p.pause(400, 700)
    p.keys(["<Esc>"], "typing", "typing")
    # 3. undo it, redo it
    p.pause(1000, 1400)
    p.keys(["u"], "undo the blank line and the paste (u)", "undo")
    p.pause(900, 1300)
    p.keys(["<C-r>"], "redo them (<C-r>)", "undo")
    # 4. a line deleted by mistake, brought back
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "R", "A", "N", "<CR>"], "find RANKS", "none")
    p.keys(["d", "d"], "delete a line by mistake (dd)", "delete")
    p.pause(600, 900)
    p.keys(["u"], "bring it back (u)", "undo")
    # 5. cards renamed pile with ciw, then n . twice
    p.pause(700, 1000)
    p.keys(["/", "c", "a", "r", "d", "s", "<CR>"], "find cards", "none")
    p.keys(["c", "i", "w"], "typing (ciw)", "typing")
    p.type("pile\x1b")
    for _ in range(2):
        p.pause(300, 500)
        p.keys(["n"], "the next cards", "none")
        p.keys(["."], "repeat the change (.)", "typing")
    # 6. deck renamed pack everywhere, then thought better of it
    p.pause(700, 1000)
    p.command("%s/\\<deck\\>/pack/g", "rename deck to pack (:%s)", "editor")
    p.pause(1000, 1400)
    p.keys(["u"], "undo the rename (u)", "undo")
    # 7. a line typed, undone, redone, then the end of it changed
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nconst hand = draw(shuffle(newDeck()), 5);\x1b")
    p.pause(900, 1300)
    p.keys(["u"], "undo the typed line (u)", "undo")
    p.pause(800, 1100)
    p.keys(["<C-r>"], "redo it (<C-r>)", "undo")
    p.pause(500, 800)
    p.keys(["G", "$", "F", "5"], "find the 5", "none")
    p.keys(["r"], "typing (r)", "typing")
    p.type("7")
    p.keys(["o"], "typing", "typing")
    p.type("console.log(hand.map((c) => c.rank + c.suit[0]).join(\" \"));\x1b")
    R.finish(p, ctx, "w")


# -- mixed_h3: a minute of mixed work in Python (git, a menu, the AI plugin) ---------

MIXED_H3_START = '''"""Tide heights for the harbour noticeboard."""
import math

PORTS = {
    "whitby": 2.9,
    "anstruther": 2.4,
    "brixham": 2.2,
    "oban": 1.8,
}
'''

MIXED_H3_HARMONICS = '''"""Spring and neap corrections."""
import math

LUNAR_DAYS = 29.53


def spring_factor(day):
    """1.0 at springs, about 0.6 at neaps."""
    return 0.8 + 0.2 * math.cos(2 * math.pi * day / (LUNAR_DAYS / 2))
'''

MIXED_H3_LOCKS = '''LOCKS = {"whitby": ("06:10", "18:40"), "oban": ("07:05", "19:30")}
'''

MIXED_H3_CHAT = ("\nrange_m = PORTS[port] * spring_factor(day)\n"
                 "return round(range_m / 2, 2)")

MIXED_H3_ITEMS = [
    item("height_at", 3, "a", "height_at(${1:port}, ${2:hours})", snippet=True,
         detail="(port, hours)"),
    item("spring_factor", 3, "a", "spring_factor", detail="(day)"),
    item("high_water", 3, "a", "high_water", detail="(port, day)"),
    *[item(k, 14, "b") for k in ("return", "round", "raise", "for", "in", "if", "None")],
    item("lcomp", 15, "c", "[${1:x} for ${1:x} in ${2:xs}]", snippet=True, detail="list comprehension"),
]


def mixed_h3_setup(workdir: Path):
    """tidal/ is committed and notes/ untracked; neither is opened."""
    R.write_files(workdir, {"tidal/__init__.py": "", "tidal/harmonics.py": MIXED_H3_HARMONICS})
    R.git_setup(workdir)
    R.write_files(workdir, {"notes/locks.py": MIXED_H3_LOCKS})


def build_mixed_h3(p, ctx: dict):
    # 1. the ports sorted with :'<,'>sort
    p.pause(300, 600)
    p.keys(["/", '"', "w", "h", "<CR>"], "find the first port", "none")
    p.keys(["V", "3", "j"], "select the four ports (V3j)", "none")
    p.command("sort", "sort the ports (:'<,'>sort)", "editor")
    # 2. a function typed, with a typo fixed
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef height_at(port, hours):\nreturn PORTS[port] * math.cos(2 * math.pi * hosr\b\burs / 12.42)\x1b")
    # 3. LUNAR_DAYS and spring_factor() from tidal/harmonics.py (committed, never opened), "ap
    p.pause(700, 1000)
    p.setreg("a", "\n\n" + R.lines_of(MIXED_H3_HARMONICS, "LUNAR_DAYS", 6), "l")
    p.keys(['"', "a", "p"], "put LUNAR_DAYS and spring_factor() copied from tidal/harmonics.py (\"ap)",
           "move")
    # 4. a function whose body comes from a chat answer, pasted at column 0 in Normal mode,
    #    then shifted right with V>
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef high_water(port, day):\x1b")
    p.pause(600, 900)
    p.keys(["$"], "to the end of the line", "none")
    p.paste(MIXED_H3_CHAT, "paste high_water()'s body from a chat answer (bracketed paste, normal mode)")
    p.pause(600, 900)
    p.keys(["V", "k", ">"], "shift the pasted body right (V>)", "editor")
    # 5. a call snippet from the menu (noselect) and the keyword return
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef board(port):\nnow = hei")
    R.menu_walk(p, OMNI, BY_OMNI, "the height_at call snippet", ["<C-n>"])
    p.pause(400, 700)
    p.type("port")                     # over port
    R.snippet_tab(p)
    p.type("3")                        # over hours
    R.snippet_tab(p)
    p.type("\nret")
    R.menu_walk(p, OMNI, BY_OMNI, "the keyword return", ["<C-n>"])
    p.type(' f"{port}: {now:.1f} m"\x1b')
    # 6. a line typed and taken back with u
    p.pause(600, 900)
    p.keys(["o"], "typing", "typing")
    p.type("\nprint(board(\"oban\"))\x1b")
    p.pause(900, 1300)
    p.keys(["u"], "undo the print line (u)", "undo")
    # 7. supermaven-style accept finishing a max(), then all of notes/locks.py read in
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\n\ndef biggest_range():\nreturn max(")
    p.pause(600, 900)
    p.ai_suggest("PORTS, key=PORTS.get)", "supermaven")
    act = "accept an AI suggestion (supermaven-style <Tab>)"
    p.accept("<Tab>", act, R.ai_parts(act, **SM_AFTER))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    p.pause(600, 900)
    p.keys(["g", "g", "/", "^", "i", "m", "p", "<CR>"], "find the import", "none")
    p.command("r notes/locks.py", "read notes/locks.py under the import (:r)", "move")
    R.finish(p, ctx, "w")


# -- mixed2_h3: a minute of mixed work on a shell script (git, clipboard, menu, AI, agent) --

MIXED2_H3_START = '''#!/bin/sh
# Nightly backup of the shared photo folder.
set -eu

SRC="$HOME/photos"
DEST="/mnt/archive"
'''

MIXED2_H3_LOG = '''# shared logging for the cron scripts

log_info() {
  printf '%s %s\\n' "$(date +%H:%M:%S)" "$*"
}

die() {
  log_info "error: $*" >&2
  exit 1
}
'''

MIXED2_H3_ROTATE = '''# keep the last N dated folders, drop older ones
rotate_old() {
  ls -1d "$1"/20* 2>/dev/null | sort -r | tail -n +"$(($2 + 1))" | xargs -r rm -rf
}
'''

MIXED2_H3_WEB = 'find "$DEST" -maxdepth 1 -name "*.partial" -mtime +2 -delete'

MIXED2_H3_ITEMS = [
    item("if", 15, "a", "if [ ${1:cond} ]; then\n\t$0\nfi", snippet=True, detail="if block"),
    item("for", 15, "a", "for ${1:f} in ${2:list}; do\n\t$0\ndone", snippet=True, detail="for loop"),
    item("log_info", 3, "b", "log_info", detail="lib/log.sh"),
    item("rotate_old", 3, "b", "rotate_old", detail="(dir, keep)"),
    *[item(k, 14, "c") for k in ("if", "then", "fi", "for", "do", "done", "local", "exit")],
]

MIXED2_H3_COMPLETEOPT = "menu,menuone,noinsert,popup"


def mixed2_h3_setup(workdir: Path):
    """lib/log.sh committed, scripts/rotate.sh untracked; only backup.sh is opened."""
    R.write_files(workdir, {"lib/log.sh": MIXED2_H3_LOG})
    R.git_setup(workdir)
    R.write_files(workdir, {"scripts/rotate.sh": MIXED2_H3_ROTATE})


def build_mixed2_h3(p, ctx: dict):
    # 1. typing, with a typo fixed
    p.pause(200, 400)
    p.keys(["G", "o"], "typing", "typing")
    p.type("STMAP\b\b\bAMP=$(date +%Y-%m-%d)\n\x1b")
    # 2. log_info() and die() copied from lib/log.sh (committed, never opened) in another
    #    program, put with "+p
    p.pause(700, 1000)
    p.setreg("+", "\n" + R.lines_of(MIXED2_H3_LOG, "log_info()", 8), "l")
    p.pause(300, 500)
    p.keys(['"', "+", "p"], "put log_info() and die() copied from lib/log.sh (\"+p)", "move")
    # 3. the if snippet from the menu (noinsert: the snippet is selected on opening)
    p.pause(700, 1000)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nif")
    R.menu_walk(p, OMNI, BY_OMNI, "the if snippet", [])
    p.pause(400, 700)
    p.type('! -d "$DEST"')             # over cond
    R.snippet_tab(p)                   # into the body
    p.type('die "archive not mounted"\x1b')
    # 4. an rsync line: two AI words (copilot.vim), then the rest with <C-J>
    p.pause(500, 800)
    p.keys(["G", "o"], "typing", "typing")
    p.type("\nlog_info \"backup to $DEST/$STAMP\"\nrsync -a ")
    p.pause(700, 1000)
    p.ai_suggest('--delete "$SRC/" "$DEST/$STAMP/"', "copilot_vim")
    for _ in range(2):
        p.accept("<M-Right>", WORD, R.ai_parts(WORD, **CV_DEL))
    act = "accept the rest of the AI suggestion (copilot.vim <C-J>)"
    p.accept("<C-J>", act, R.ai_parts(act, **CV_DEL))
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 5. rotate_old() from scripts/rotate.sh (untracked, never opened) put ABOVE the if
    p.pause(700, 1000)
    p.keys(["g", "g", "/", "^", "i", "f", "<CR>"], "find the if", "none")
    p.setreg("b", R.lines_of(MIXED2_H3_ROTATE, "rotate_old()", 3) + "\n", "l")
    p.keys(['"', "b", "P"], "put rotate_old() copied from scripts/rotate.sh above the if (\"bP)", "move")
    # 6. a call of it typed, the function name from the menu; a line from a forum pasted
    #    through the clipboard in Insert mode (<C-r>+)
    p.pause(600, 900)
    p.keys(["G", "o"], "typing", "typing")
    p.type("rot")
    R.menu_walk(p, SPACE, BY_SPACE, "rotate_old", [])
    p.type(' "$DEST" 14\n')
    p.setreg("+", MIXED2_H3_WEB, "c")
    p.pause(600, 900)
    p.keys(["<C-r>", "+"], "paste a find line from a forum (<C-r>+ in Insert mode)", "paste")
    p.pause(300, 500)
    p.keys(["<Esc>"], "typing", "typing")
    # 7. the whole script re-indented (gg=G), saved
    p.pause(600, 900)
    p.keys(["g", "g", "=", "G"], "re-indent the script (gg=G)", "editor")
    p.pause(400, 700)
    p.command("w", "save (:w)")
    # 8. an agent adds a trap line on disk; :checktime
    p.pause(900, 1300)
    p.edit_file(ctx["src"], "set -eu\n",
                "set -eu\ntrap 'log_info \"backup stopped\"' EXIT\n",
                "an agent adds a trap line to the open file (on disk)")
    p.pause(500, 800)
    p.command("checktime", "the agent's edit; :checktime reloads it", "agent")
    # 9. a line deleted by mistake and put back, then the end
    p.pause(700, 1000)
    p.keys(["/", "^", "S", "R", "C", "<CR>"], "find SRC", "none")
    p.keys(["d", "d"], "delete a line by mistake (dd)", "delete")
    p.pause(500, 800)
    p.keys(["u"], "bring it back (u)", "undo")
    p.pause(500, 800)
    p.keys(["G", "o"], "typing", "typing")
    p.type('log_info "done"\x1b')
    R.finish(p, ctx, "w")


def registry(rec) -> dict:
    """The HELDOUT3 scenarios, built with record_nvim's `Scenario` and helpers (`rec`)."""
    global R
    R = rec
    S = rec.Scenario
    return {
        "tidy_h3": S(
            name="tidy_h3", file="fleet.json", text=TIDY_H3_JSON,
            about=("fleet.json on one line: ciw, :%!python3 -m json.tool --indent 2; :e depots.tsv, "
                   "a typed row, :%!column -t, :2,$!sort -n -k3; :e dispatch.go, :'<,'>sort of the "
                   "imports, gg=G, :%s rename, a typed function; :e NOTES.md, a typed line, gqip; "
                   ":w each; :qa!"),
            build=build_tidy_h3, setup=tidy_h3_setup),
        "copies_h3": S(
            name="copies_h3", file="invoice.ts", text=COPIES_H3_START,
            about=("TypeScript in git: <C-r><C-o>+ of lines of lib/money.ts, \"ap from untracked "
                   "drafts/vat.ts, \"bP from lib/money.ts, :r lib/locale.ts, y4j/p in the open file "
                   "(move); :s on the copy (editor); a chat answer pasted (paste); typing; :w; :qa!"),
            build=build_copies_h3, setup=copies_h3_setup, clipboard=True),
        "menu_h3": S(
            name="menu_h3", file="routes.go", text=MENU_H3_START,
            about=("Go, a completion menu (noinsert, then noselect; no popup): functions, keywords, "
                   "iferr, range-for and Sprintf snippets filled in with <Tab>, a word filtered in "
                   "the menu (editor); an AI line and the rest (completion); typing; :w; :qa!"),
            build=build_menu_h3, menu={"items": MENU_H3_ITEMS, "completeopt": MENU_H3_NOINSERT}),
        "ai_h3": S(
            name="ai_h3", file="meter.rs", text=AI_H3_START,
            about=("Rust, the stand-in AI plugin: whole, line, word and rest accepts (copilot), "
                   "supermaven, copilot_cursor mid-line, copilot.vim <C-J> deleting a ), a dismissed "
                   "suggestion (completion, editor, delete); a test module pasted (paste); typing; "
                   ":w; :qa!"),
            build=build_ai_h3),
        "vcs_h3": S(
            name="vcs_h3", file="logbook.py", text=VCS_H3_START,
            about=("git with a branch and an upstream: git switch, stash, stash pop, switch back, "
                   "merge, pull (vcs, each by :checktime); cw and . between; about 2 s after the "
                   "pull an agent writes a new file and edits the open one (agent); :w; :qa!"),
            build=build_vcs_h3, setup=vcs_h3_setup),
        "undo_h3": S(
            name="undo_h3", file="deck.js", text=UNDO_H3_START,
            about=("JavaScript: typing with a typo; a chat answer pasted in Insert mode; u, <C-r>; "
                   "dd, u; ciw and n . twice; :%s rename undone; a typed line undone and redone; "
                   "r; :w; :qa!"),
            build=build_undo_h3),
        "mixed_h3": S(
            name="mixed_h3", file="tides.py", text=MIXED_H3_START,
            about=("about a minute of mixed work: :'<,'>sort; typing; \"ap from tidal/harmonics.py "
                   "and :r notes/locks.py (move); a chat answer pasted in Normal mode and shifted "
                   "with V> (paste, editor); a call snippet and a keyword from the menu; a typed "
                   "line undone; a supermaven accept; :w; :qa!"),
            build=build_mixed_h3, setup=mixed_h3_setup,
            menu={"items": MIXED_H3_ITEMS, "completeopt": "menu,menuone,noselect,popup"}),
        "mixed2_h3": S(
            name="mixed2_h3", file="backup.sh", text=MIXED2_H3_START,
            about=("about a minute of mixed work on a shell script: typing; \"+p of lib/log.sh and "
                   "\"bP of scripts/rotate.sh (move); the menu's if snippet and a function "
                   "(noinsert); copilot.vim words and <C-J>; <C-r>+ of a forum line (paste); gg=G; "
                   "an agent's edit (agent); dd, u; :w; :qa!"),
            build=build_mixed2_h3, setup=mixed2_h3_setup, clipboard=True,
            menu={"items": MIXED2_H3_ITEMS, "completeopt": MIXED2_H3_COMPLETEOPT}),
    }
