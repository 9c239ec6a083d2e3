"""Latency of the language server on a large file: from a change to its diagnostics.

    python bench/lsp_latency.py                 # a 5,000-line file, 10 edits
    python bench/lsp_latency.py --lines 20000 --edits 5

Starts `reliability-lint server` as an editor would (a process speaking JSON-RPC over
stdio), opens a generated pipeline module, then types: each edit is one didChange, and
the time until the diagnostics of that version arrive is measured. The server waits for
typing to pause (its debounce) before linting; the figures show the total and the part
after the debounce. Also times a code-action request and the fix-all command.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.lsp_client import LspClient  # noqa: E402

DEBOUNCE = 0.3  # reliability_lint.server.lsp.DEBOUNCE_SECONDS

BLOCK = '''

def load_{n}(client, rows):
    """Load batch {n}."""
    try:
        job = client.query("SELECT * FROM events WHERE batch = {n}")
        result = job.result(timeout=60)
    except ValueError as exc:
        raise RuntimeError("batch {n}") from exc
    for row in result:
        rows.append(dict(row))
    if not rows:
        return None
    return requests.get("https://api.example.com/batch/{n}", timeout=10)
'''
DEFECT = '''

def flaky_{n}():
    try:
        return requests.post("https://api.example.com/flaky/{n}")
    except:
        pass
'''


def module(lines: int) -> str:
    parts = ["import requests\n"]
    n = 0
    while sum(part.count("\n") for part in parts) < lines:
        parts.append((DEFECT if n % 10 == 0 else BLOCK).format(n=n))
        n += 1
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reliability-lint-lsp-") as folder:
        root = Path(folder)
        text = module(args.lines)
        path = root / "pipeline.py"
        client = LspClient(root)
        client.initialize(root, resolve=True)
        uri = path.as_uri()
        started = time.monotonic()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        found = client.diagnostics(uri, 1, timeout=300)
        opened = time.monotonic() - started
        latencies = []
        line = text.count("\n") // 2
        for version in range(2, args.edits + 2):
            change = {
                "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                "text": f"# edit {version}\n",
            }
            started = time.monotonic()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            client.diagnostics(uri, version, timeout=300)
            latencies.append(time.monotonic() - started)
        bare = next(d for d in found if d["code"] == "REL102")
        started = time.monotonic()
        actions = client.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": bare["range"], "context": {"diagnostics": [bare]}},
            timeout=300,
        )
        action = time.monotonic() - started
        resolved = {}
        for chosen in (a for a in actions if a["kind"] == "quickfix"):
            started = time.monotonic()
            client.request("codeAction/resolve", chosen, timeout=300)
            resolved[chosen["title"]] = time.monotonic() - started
        # Typing on while the slowest fix is being computed: the diagnostics must not wait for it.
        slow = next((a for a in actions if a["title"].startswith("REL102")), None)
        during = None
        if slow is not None:
            client._id += 1
            client._send({"id": client._id, "method": "codeAction/resolve", "params": slow})
            pending = client._id
            time.sleep(0.5)
            version = args.edits + 2
            change = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# more\n"}
            started = time.monotonic()
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            client.diagnostics(uri, version, timeout=300)
            during = time.monotonic() - started
            client.wait(lambda m: m.get("id") == pending, timeout=600)
        started = time.monotonic()
        client.request("workspace/executeCommand", {"command": "reliability-lint.applyFixAll", "arguments": [uri]}, timeout=300)
        fix_all = time.monotonic() - started
        client.close()
    median = statistics.median(latencies)
    print(f"file: {text.count(chr(10)):,} lines, {len(found)} diagnostics")
    print(f"didOpen -> diagnostics:            {opened * 1000:7.0f} ms")
    print(f"didChange -> diagnostics (median): {median * 1000:7.0f} ms  ({(median - DEBOUNCE) * 1000:.0f} ms after the {DEBOUNCE * 1000:.0f} ms debounce)")
    print(f"didChange -> diagnostics (max):    {max(latencies) * 1000:7.0f} ms")
    print(f"codeAction (list, edits resolved): {action * 1000:7.0f} ms")
    for title, seconds in resolved.items():
        print(f"codeAction/resolve {title[:40]:<40} {seconds * 1000:7.0f} ms")
    if during is not None:
        print(f"didChange -> diagnostics while that fix is computed: {during * 1000:7.0f} ms")
    print(f"executeCommand fix all:            {fix_all * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
