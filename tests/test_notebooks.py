"""Jupyter notebooks, built by nbformat, checked and fixed through the real executable."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tests.conftest import run_tool

AWS_KEY = "AKIAIOSFODNN7EXAMPLF"  # a fake key of the AWS shape
GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def _write(path: Path, cells: list, **metadata) -> Path:
    notebook = new_notebook(cells=cells)
    notebook.metadata.update({"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    notebook.metadata.update(metadata)
    nbformat.write(notebook, path)
    return path


def _json(tmp_path: Path, *args: str) -> list[dict]:
    result = run_tool("check", "--no-cache", "--output-format", "json", *args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def _line_of(path: Path, text: str, after: int = 0) -> int:
    """The 1-based line of the .ipynb holding `text` (at or after line `after`)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if n >= after and text in line)


PIPELINE = [
    new_markdown_cell("# Load the day's events"),
    new_code_cell("import requests\n%matplotlib inline\n!pip install requests\nfiles = !ls data\n"),
    new_code_cell("response = requests.get('https://api.example.com/events')\n"),
    new_code_cell("%%bash\necho not python: except: %%\n"),
    new_code_cell("try:\n    rows = response.json()\nexcept:\n    rows = None\n"),
]


def test_code_cells_are_checked_and_placed_by_cell_and_by_notebook_line(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "events.ipynb", PIPELINE)
    result = run_tool("check", "--no-cache", "events.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    out = result.stdout
    assert "events.ipynb:cell 3, line 1, col 12: REL204" in out
    assert "events.ipynb:cell 5, line 3, col 1: REL101" in out
    assert "REL000" not in out  # magics, shell escapes and the %%bash cell are not syntax errors
    assert "cell 4" not in out

    found = {(f["code"], f["cell"]): f for f in _json(tmp_path, "events.ipynb")}
    assert set(found) == {("REL204", 3), ("REL101", 5), ("REL102", 5)}
    # In JSON the row is the notebook's own line: the one of the JSON string holding the code.
    assert found["REL101", 5]["location"]["row"] == _line_of(notebook, '"except:\\n"')
    get_line = _line_of(notebook, "requests.get(")
    assert found["REL204", 3]["location"] == {"row": get_line, "column": _line_of_col(notebook, get_line, "requests.get")}


def _line_of_col(path: Path, line: int, text: str) -> int:
    return path.read_text(encoding="utf-8").splitlines()[line - 1].index(text) + 1


def test_directories_pick_notebooks_up(tmp_path: Path) -> None:
    (tmp_path / "analysis").mkdir()
    _write(tmp_path / "analysis" / "explore.ipynb", PIPELINE)
    result = run_tool("check", "--no-cache", ".", cwd=tmp_path)
    assert "analysis/explore.ipynb:cell 5, line 3, col 1: REL101" in result.stdout


def test_a_cell_that_does_not_parse_is_reported_there_and_the_others_are_checked(tmp_path: Path) -> None:
    notebook = _write(
        tmp_path / "broken.ipynb",
        [
            new_code_cell("import requests\n"),
            new_code_cell("x = 1\ndef load(:\n    pass\n"),
            new_code_cell("requests.post('https://example.com')\n"),
        ],
    )
    result = run_tool("check", "--no-cache", "broken.ipynb", cwd=tmp_path)
    assert "broken.ipynb:cell 2, line 2, col 10: REL000 [P1] syntax error in cell 2 at line 2" in result.stdout
    assert "broken.ipynb:cell 3, line 1, col 1: REL204" in result.stdout
    rows = {f["code"]: f["location"]["row"] for f in _json(tmp_path, "broken.ipynb")}
    assert rows["REL000"] == _line_of(notebook, "def load(:")


def test_secrets_in_outputs_and_metadata_are_found_and_never_shown(tmp_path: Path) -> None:
    printed = new_output("stream", name="stdout", text=f"connecting with key {AWS_KEY}\ndone\n")
    shown = new_output("execute_result", data={"text/plain": f"'{GITHUB_TOKEN}'"}, execution_count=1)
    image = new_output("display_data", data={"image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="})
    cell = new_code_cell("print(connect())\n", outputs=[printed, shown, image], execution_count=1)
    notebook = _write(tmp_path / "leak.ipynb", [cell], deploy={"api_token": GITHUB_TOKEN.replace("a1", "z9")})
    outputs, streams = {}, {}
    for fmt in ("text", "json", "sarif"):
        result = run_tool("check", "--no-cache", "--output-format", fmt, "leak.ipynb", cwd=tmp_path)
        outputs[fmt], streams[fmt] = result.stdout + result.stderr, result.stdout
    for text in outputs.values():
        assert AWS_KEY not in text and GITHUB_TOKEN not in text and GITHUB_TOKEN.replace("a1", "z9") not in text
        assert "AKIA…(20 chars)" in text
    assert "in the outputs of cell 1" in outputs["text"]
    assert "in the notebook's metadata" in outputs["text"]
    found = json.loads(streams["json"])
    assert {f["code"] for f in found} == {"REL302"}
    sarif_rows = sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in json.loads(streams["sarif"])["runs"][0]["results"])
    assert sarif_rows == sorted(f["location"]["row"] for f in found)
    rows = sorted(f["location"]["row"] for f in found)
    assert _line_of(notebook, "connecting with key") in rows
    assert _line_of(notebook, '"api_token"') in rows
    assert len(found) == 3  # the key, the printed token, the metadata token; not the image


def test_noqa_works_inside_a_cell(tmp_path: Path) -> None:
    _write(
        tmp_path / "quiet.ipynb",
        [new_code_cell("try:\n    load()\nexcept:  # noqa: REL101\n    raise\n"), new_code_cell("try:\n    load()\nexcept:\n    raise\n")],
    )
    result = run_tool("check", "--no-cache", "--select", "REL101", "quiet.ipynb", cwd=tmp_path)
    assert "cell 1" not in result.stdout
    assert "quiet.ipynb:cell 2, line 3, col 1: REL101" in result.stdout


def test_a_notebook_of_another_language_gets_only_the_secret_rules(tmp_path: Path) -> None:
    notebook = new_notebook(cells=[new_code_cell("tryCatch(x, error = function(e) NULL)\n", outputs=[new_output("stream", name="stdout", text=f"{AWS_KEY}\n")])])
    notebook.metadata["kernelspec"] = {"name": "ir", "language": "R", "display_name": "R"}
    nbformat.write(notebook, tmp_path / "r.ipynb")
    found = _json(tmp_path, "r.ipynb")
    assert [f["code"] for f in found] == ["REL302"]


def test_not_a_notebook_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "ok.py").write_text("try:\n    x()\nexcept:\n    raise\n", encoding="utf-8")
    result = run_tool("check", "--no-cache", "--select", "REL0,REL101", ".", cwd=tmp_path)
    assert "bad.ipynb:1:1: REL000 [P1] not valid JSON:" in result.stdout
    assert "ok.py:3:1: REL101" in result.stdout
    assert len([line for line in result.stdout.splitlines() if "bad.ipynb" in line]) == 1


# ------------------------------------------------------------------------------ fixing


def _changed_lines(before: str, after: str) -> set[int]:
    """1-based lines of `before` that the change replaced, or next to which it inserted."""
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(i1 + 1, max(i2, i1 + 1) + 1))
    return changed


def test_fix_rewrites_only_the_changed_cells_strings(tmp_path: Path) -> None:
    cells = [
        new_markdown_cell("Naïve résumé of the **données**"),
        new_code_cell("import requests\n%load_ext autoreload\n", outputs=[new_output("stream", name="stdout", text="reloaded ✓\n")], execution_count=3),
        new_code_cell("# café\r\nr = requests.get('https://example.com/é')\r\nprint(r)\r\n", execution_count=4),
        new_code_cell("%%time\nvalue = 1\n", metadata={"tags": ["parameters"], "collapsed": True}),
    ]
    notebook = _write(tmp_path / "fix.ipynb", cells, custom={"order": [3, 1, 2], "owner": "données"})
    before = notebook.read_bytes()
    call_line = _line_of(notebook, "requests.get(")
    result = run_tool("fix", "--no-cache", "fix.ipynb", cwd=tmp_path)
    assert "Fixed 1 problem." in result.stdout, result.stdout + result.stderr
    after = notebook.read_bytes()
    before_text, after_text = before.decode("utf-8"), after.decode("utf-8")
    # Only the line of the fixed call changed; everything else byte for byte.
    assert _changed_lines(before_text, after_text) == {call_line}
    assert after_text.replace("'https://example.com/é', timeout=30)", "'https://example.com/é')") == before_text
    fixed = nbformat.reads(after_text, as_version=nbformat.NO_CONVERT)
    nbformat.validate(fixed)
    assert fixed.cells[2].source == "# café\r\nr = requests.get('https://example.com/é', timeout=30)\r\nprint(r)\r\n"
    assert fixed.cells[1].outputs == nbformat.reads(before_text, as_version=4).cells[1].outputs
    second = run_tool("fix", "--no-cache", "fix.ipynb", cwd=tmp_path)
    assert notebook.read_bytes() == after and "Fixed" not in second.stdout


def test_fix_adds_an_import_in_the_first_code_cell_and_keeps_magics(tmp_path: Path) -> None:
    notebook = _write(
        tmp_path / "imp.ipynb",
        [new_code_cell("import requests\n%matplotlib inline\n"), new_code_cell("try:\n    requests.get('u', timeout=5)\nexcept:\n    pass\n")],
    )
    result = run_tool("fix", "--no-cache", "--unsafe-fixes", "imp.ipynb", cwd=tmp_path)
    assert "REL000" not in result.stdout, result.stdout
    fixed = nbformat.read(notebook, as_version=4)
    nbformat.validate(fixed)
    assert "import logging" in fixed.cells[0].source
    assert "%matplotlib inline" in fixed.cells[0].source
    assert "except Exception:" in fixed.cells[1].source


def test_json_edits_applied_to_the_notebook_give_what_fix_writes(tmp_path: Path) -> None:
    cells = [new_code_cell("import requests\n"), new_code_cell("data = requests.get('https://example.com')\n")]
    notebook = _write(tmp_path / "edits.ipynb", cells)
    original = notebook.read_text(encoding="utf-8")
    (finding,) = _json(tmp_path, "edits.ipynb")
    lines = original.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    text = original
    for edit in sorted(finding["fix"]["edits"], key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
        start = starts[edit["location"]["row"] - 1] + edit["location"]["column"] - 1
        end = starts[edit["end_location"]["row"] - 1] + edit["end_location"]["column"] - 1
        text = text[:start] + edit["content"] + text[end:]
    run_tool("fix", "--no-cache", "edits.ipynb", cwd=tmp_path)
    assert text == notebook.read_text(encoding="utf-8") != original


def test_fix_diff_shows_the_notebook_change_and_writes_nothing(tmp_path: Path) -> None:
    notebook = _write(tmp_path / "d.ipynb", [new_code_cell("import requests\nrequests.get('u')\n")])
    before = notebook.read_bytes()
    result = run_tool("fix", "--no-cache", "--diff", "d.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    assert [line for line in result.stdout.splitlines() if line.startswith(("+ ", "- "))] == [
        "-    \"requests.get('u')\\n\"",
        "+    \"requests.get('u', timeout=30)\\n\"",
    ]
    assert notebook.read_bytes() == before


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_fix_keeps_the_files_own_indentation(tmp_path: Path, indent: int) -> None:
    notebook = new_notebook(cells=[new_code_cell("import requests\nrequests.get('u')\n")])
    path = tmp_path / "i.ipynb"
    path.write_text(json.dumps(notebook, indent=indent, sort_keys=False) + "\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    run_tool("fix", "--no-cache", "i.ipynb", cwd=tmp_path)
    after = path.read_text(encoding="utf-8")
    assert after.replace("'u', timeout=30)", "'u')") == before != after


def test_pre_commit_hands_notebooks_to_the_hooks() -> None:
    """The hooks take `types: [text]`; pre-commit's own classifier must call a notebook text."""
    identify = pytest.importorskip("identify.identify")
    import yaml  # pre-commit's dependency

    hooks = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())
    tags = identify.tags_from_filename("analysis.ipynb")
    for hook in hooks:
        assert set(hook.get("types", [])) <= tags
        assert not hook.get("types_or") or set(hook["types_or"]) & tags
        assert not hook.get("exclude_types") or not set(hook["exclude_types"]) & tags


def test_shell_and_magic_lines_go_to_the_secret_rules(tmp_path: Path) -> None:
    notebook = _write(
        tmp_path / "shell.ipynb",
        [new_code_cell(f"%env AWS_ACCESS_KEY_ID={AWS_KEY}\nx = 1\n"), new_code_cell(f"%%bash\nexport TOKEN={GITHUB_TOKEN}\n")],
    )
    result = run_tool("check", "--no-cache", "--select", "REL3", "shell.ipynb", cwd=tmp_path)
    assert AWS_KEY not in result.stdout and GITHUB_TOKEN not in result.stdout
    assert "in the shell or magic lines of cell 1" in result.stdout
    assert "in the shell or magic lines of cell 2" in result.stdout
    rows = sorted(f["location"]["row"] for f in _json(tmp_path, "--select", "REL3", "shell.ipynb"))
    assert rows == sorted([_line_of(notebook, "%env AWS"), _line_of(notebook, "export TOKEN")])
