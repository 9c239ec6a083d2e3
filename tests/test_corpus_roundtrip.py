"""A generated corpus fixed with every fix, then every file compiled.

A small, seeded stand-in for bench/'s corpus: pipeline-shaped modules that mix the `bad`
examples of every registered rule's page with exception handlers in many shapes, in
several encodings, newline styles and indentations.
"""

from __future__ import annotations

import ast
import random
import subprocess
import sys
from pathlib import Path

from robust_helpers import page_snippets

FILES = 24
HANDLERS = [
    "try:\n    rows = fetch(url)\nexcept:\n    rows = []\n",
    "try:\n    job.result()\nexcept Exception:\n    pass\n",
    "try:\n    load(rows)\nexcept Exception as exc:\n    return None\n",
    "try:\n    publish(msg)\nexcept BaseException:\n    cleanup()\n    raise\n",
    "try:\n    parse(raw)\nexcept (KeyError, Exception):\n    ...\n",
    "try:\n    send(alert)\nexcept:  # best effort\n    pass\n",
]
HEADERS = ["", "import logging\n", "import logging\n\nlogger = logging.getLogger(__name__)\n", '"""A pipeline step."""\n']


def _indent(code: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in code.splitlines(keepends=True))


def module(rng: random.Random, number: int, snippets: list[str]) -> tuple[str, str, str]:
    """(text, encoding, newline) of one generated module."""
    indent = rng.choice(["    ", "\t", "  "])
    parts = [rng.choice(HEADERS)]
    for index in range(rng.randint(2, 6)):
        handler = rng.choice(HANDLERS)
        if rng.random() < 0.7:
            parts.append(f"def step_{number}_{index}(url, rows, msg, raw, alert, job):\n" + _indent(handler, indent))
        else:
            parts.append(f"class Stage{index}:\n" + _indent("def run(self, url, rows, msg, raw, alert, job):\n" + _indent(handler, indent), indent))
        if snippets and rng.random() < 0.3:
            parts.append(rng.choice(snippets))
    text = "\n\n".join(part.strip("\n") for part in parts if part) + "\n"
    encoding = rng.choice(["utf-8", "utf-8", "latin-1"])
    if encoding == "latin-1":
        text = "# -*- coding: latin-1 -*-\n" + text + "AUTHOR = 'José'\n"
    return text, encoding, rng.choice(["\n", "\n", "\r\n"])


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def build(root: Path) -> list[Path]:
    rng = random.Random(20240607)
    snippets = [snippet for snippet in page_snippets("bad") if _parses(snippet)]  # not REL000's
    paths = []
    for number in range(FILES):
        text, encoding, newline = module(rng, number, snippets)
        path = root / f"pkg_{number % 5}" / f"module_{number}.py"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.replace("\n", newline).encode(encoding))
        paths.append(path)
    return paths


def tool(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "reliability_lint", *args, "--no-cache", "--jobs", "2", "."]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)


def test_corpus_fixed_with_every_fix_still_compiles(tmp_path: Path) -> None:
    paths = build(tmp_path)
    before = {path: path.read_bytes() for path in paths}
    fixed = tool(tmp_path, "fix", "--unsafe-fixes", "--select", "ALL")
    assert fixed.returncode in (0, 1) and fixed.stderr == "", fixed.stderr
    assert "Fixed " in fixed.stdout
    assert "REL000" not in fixed.stdout, fixed.stdout
    changed = 0
    for path in paths:
        data = path.read_bytes()
        changed += data != before[path]
        compile(data, str(path), "exec", dont_inherit=True)  # the cookie decides the encoding
        assert data.count(b"\r\n") == 0 or b"\r\n" in before[path], f"{path.name}: newline style changed"
    assert changed > FILES // 2
    again = tool(tmp_path, "fix", "--unsafe-fixes", "--select", "ALL", "--diff")
    assert (again.returncode, again.stdout) == (0, ""), again.stdout[:2000]
