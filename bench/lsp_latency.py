"""Latency of the language server on a large file: from a change to its diagnostics.

    python bench/lsp_latency.py                 # a 5,000-line file, 10 edits
    python bench/lsp_latency.py --lines 20000 --edits 5

Starts `reliability-lint server` as an editor would (a process speaking JSON-RPC over
stdio), opens a generated pipeline module, then types: each edit is one didChange, and
the time until the diagnostics of that version arrive is measured. The server waits for
typing to pause (its debounce) before linting; the figures show the total and the part
after the debounce. Also times a code-action request and the fix-all command, then two
cases of the project index and of notebooks:

- an edit in the open buffer of a base module (`lib/base.py`, its client no longer
  BigQuery) until the large module that imports it has its diagnostics again;
- the same lines as a notebook of 20-line cells (LSP notebook documents): open, and an edit
  of one cell until that cell's diagnostics.
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


BASE = """from google.cloud import bigquery


class BaseProcessor:
    def __init__(self) -> None:
        self.bq_client = bigquery.Client()
"""
DEPENDENT = '''

class Job_{n}(BaseProcessor):
    def run(self):
        return self.bq_client.query("SELECT {n}").result()
'''


def module(lines: int, header: str = "import requests\n") -> str:
    parts = [header]
    n = 0
    while sum(part.count("\n") for part in parts) < lines:
        parts.append((DEFECT if n % 10 == 0 else DEPENDENT if n % 10 == 5 else BLOCK).format(n=n))
        n += 1
    return "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reliability-lint-lsp-") as folder:
        root = Path(folder)
        (root / "lib").mkdir()
        (root / "lib" / "base.py").write_text(BASE, encoding="utf-8")
        text = module(args.lines, "import requests\n\nfrom lib.base import BaseProcessor\n")
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
        dependent, notebook = _index_and_notebook(client, root, uri, text, len(found))
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
    print(f"base module buffer edit -> the large dependent's diagnostics: {dependent * 1000:7.0f} ms (after the debounce)")
    opened_nb, cell_edit, cells = notebook
    print(f"notebook of {cells} cells, didOpen -> diagnostics of its cells: {opened_nb * 1000:7.0f} ms")
    print(f"notebook cell edit -> that cell's diagnostics (median):  {cell_edit * 1000:7.0f} ms  ({(cell_edit - DEBOUNCE) * 1000:.0f} ms after the debounce)")


def _index_and_notebook(client: LspClient, root: Path, uri: str, text: str, count: int) -> tuple[float, tuple[float, float, int]]:
    base = (root / "lib" / "base.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": base, "languageId": "python", "version": 1, "text": BASE}})
    client.diagnostics(base, 1, timeout=300)
    started = time.monotonic()
    change = {"text": BASE.replace("bigquery.Client()", "object()")}
    client.notify("textDocument/didChange", {"textDocument": {"uri": base, "version": 2}, "contentChanges": [change]})
    fewer = client.wait(
        lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        and len(m["params"]["diagnostics"]) < count,
        timeout=300,
    )
    dependent = time.monotonic() - started - DEBOUNCE
    assert fewer, "the dependent was not re-linted"

    lines = text.splitlines(keepends=True)
    sources = ["".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    nb_uri = (root / "explore.ipynb").as_uri()
    cells = [{"kind": 2, "document": f"{nb_uri}#cell{i}"} for i in range(len(sources))]
    documents = [{"uri": c["document"], "languageId": "python", "version": 1, "text": t} for c, t in zip(cells, sources)]
    started = time.monotonic()
    client.notify(
        "notebookDocument/didOpen",
        {"notebookDocument": {"uri": nb_uri, "notebookType": "jupyter-notebook", "version": 1, "cells": cells}, "cellTextDocuments": documents},
    )
    client.diagnostics(cells[-1]["document"], 1, timeout=300)  # the last cell is published last
    opened = time.monotonic() - started
    edits = []
    middle = cells[len(cells) // 2]["document"]
    for version in range(2, 7):
        change = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": f"# edit {version}\n"}
        content = {"cells": {"textContent": [{"document": {"uri": middle, "version": version}, "changes": [change]}]}}
        started = time.monotonic()
        client.notify("notebookDocument/didChange", {"notebookDocument": {"uri": nb_uri, "version": version}, "change": content})
        client.diagnostics(middle, version, timeout=300)
        edits.append(time.monotonic() - started)
    return dependent, (opened, statistics.median(edits), len(cells))


if __name__ == "__main__":
    main()
