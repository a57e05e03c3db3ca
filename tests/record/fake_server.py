#!/usr/bin/env python3
"""A stand-in for `mindgap lsp --record PATH`, for testing record_nvim.py alone.

It speaks just enough LSP over stdio for Neovim's built-in client (answers
`initialize` and `shutdown`, ignores everything else) and writes a trace in the
SPEC section 3 format: a header line, then one `{"t", "msg"}` line per message
from the client and one `{"t", "out"}` line per message it sends.

    python3 fake_server.py lsp --record TRACE.jsonl [--encoding utf-8|utf-16|utf-32]

($MINDGAP_FAKE_ENCODING sets the default encoding, so the recorder can pick it.)

Use it with `record_nvim.py --mindgap tests/record/fake_server.py`; the
recorder runs `.py` stand-ins with the current Python.
"""

import argparse
import datetime
import json
import os
import sys
import time


def read_message(stream):
    headers = {}
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.rstrip(b"\r\n")
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers["content-length"])
    body = stream.read(length)
    if len(body) < length:
        return None
    return json.loads(body)


def write_message(stream, obj):
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["lsp"])
    ap.add_argument("--record", required=True)
    ap.add_argument("--encoding", default=os.environ.get("MINDGAP_FAKE_ENCODING", "utf-8"),
                    choices=["utf-8", "utf-16", "utf-32"])
    ap.add_argument("--home")
    args = ap.parse_args()

    t0 = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc)
    trace = open(args.record, "w", encoding="utf-8")
    pending = []  # lines written before the header is known
    header_written = False

    def ms():
        return round((time.monotonic() - t0) * 1000.0, 3)

    def emit(obj):
        line = json.dumps(obj, ensure_ascii=False)
        if header_written:
            trace.write(line + "\n")
            trace.flush()
        else:
            pending.append(line)

    def write_header(client):
        nonlocal header_written
        header = {
            "mindgap_trace": 1,
            "client": {"name": client.get("name", ""), "version": client.get("version", "")},
            "recorded": started.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        trace.write(json.dumps(header) + "\n")
        for line in pending:
            trace.write(line + "\n")
        pending.clear()
        trace.flush()
        header_written = True

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        msg = read_message(stdin)
        if msg is None:
            break
        method = msg.get("method")
        if method == "initialize" and not header_written:
            write_header((msg.get("params") or {}).get("clientInfo") or {})
        emit({"t": ms(), "msg": msg})
        reply = None
        if method == "initialize":
            reply = {
                "jsonrpc": "2.0",
                "id": msg["id"],
                "result": {
                    "capabilities": {
                        "positionEncoding": args.encoding,
                        "textDocumentSync": {
                            "openClose": True,
                            "change": 2,
                            "save": {"includeText": False},
                        },
                    },
                    "serverInfo": {"name": "fake-mindgap", "version": "0"},
                },
            }
        elif method == "shutdown":
            reply = {"jsonrpc": "2.0", "id": msg["id"], "result": None}
        elif "id" in msg and method is not None:
            reply = {"jsonrpc": "2.0", "id": msg["id"], "result": None}
        if reply is not None:
            write_message(stdout, reply)
            emit({"t": ms(), "out": reply})
        if method == "exit":
            break
    if not header_written:
        write_header({})
    trace.close()


if __name__ == "__main__":
    main()
