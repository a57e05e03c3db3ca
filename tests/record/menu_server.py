#!/usr/bin/env python3
"""A stand-in language server whose only feature is a completion menu.

record_nvim.py starts it as a second client beside mindgap in the `menu`
scenarios: the everyday case of a language server (pyright, lua_ls, clangd...)
offering snippets, keywords and function names through Neovim 0.11's built-in
`vim.lsp.completion`, with no mindgap plugin in the editor. It answers
`initialize` (completionProvider, no resolve, trigger character "."),
`textDocument/completion` (always the same items, read from --items, a JSON
list of LSP CompletionItems; Neovim filters them by the word before the cursor)
and `shutdown`; everything else is ignored. Only the standard library.

    python3 menu_server.py --items ITEMS.json
"""

import argparse
import json
import os
import sys

# The base protocol's framing, as the other stand-in speaks it.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_server import read_message, write_message  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", required=True, help="JSON list of LSP CompletionItems")
    args = ap.parse_args()
    with open(args.items, encoding="utf-8") as f:
        items = json.load(f)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        msg = read_message(stdin)
        if msg is None:
            break
        method = msg.get("method")
        if method == "exit":
            break
        if "id" not in msg or method is None:
            continue  # notifications (didOpen, didChange...) and answers need nothing
        result = None
        if method == "initialize":
            result = {
                "capabilities": {
                    "positionEncoding": "utf-16",
                    "textDocumentSync": {"openClose": True, "change": 2},
                    "completionProvider": {"triggerCharacters": ["."], "resolveProvider": False},
                },
                "serverInfo": {"name": "menu-stand-in", "version": "0"},
            }
        elif method == "textDocument/completion":
            result = {"isIncomplete": False, "items": items}
        write_message(stdout, {"jsonrpc": "2.0", "id": msg["id"], "result": result})


if __name__ == "__main__":
    main()
