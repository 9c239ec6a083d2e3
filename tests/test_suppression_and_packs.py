"""noqa comments, and rules from entry-point packs and a project's local folder."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_tool
from reliability_lint.testing import check_text


def reported(source: str, select: list[str] | None = None) -> list[tuple[str, int]]:
    return sorted((f.code, f.line) for f in check_text(textwrap.dedent(source), select or ["REL1"]))


@pytest.mark.parametrize(
    ("comment", "left"),
    [
        ("# noqa", []),
        ("# noqa: REL101", [("REL102", 3)]),
        ("# noqa:REL101,REL102", []),
        ("# NOQA: rel1", []),
        ("# noqa: REL1", []),
        ("# noqa: REL10", []),
        ("# noqa: E722", [("REL101", 3), ("REL102", 3)]),
        ("# some text # noqa: REL102", [("REL101", 3)]),
        ("# noqa: REL102 REL101", []),
    ],
)
def test_noqa_forms(comment: str, left: list[tuple[str, int]]) -> None:
    assert reported(f"try:\n    g()\nexcept:  {comment}\n    pass\n") == left


def test_noqa_inside_a_string_is_not_a_comment() -> None:
    source = 'try:\n    g()\nexcept: x = "# noqa"\n'
    assert reported(source, ["REL101"]) == [("REL101", 3)]
    source = 'try:\n    g()\nexcept: x = ("a"  # noqa\n  "b")\n'
    assert reported(source, ["REL101"]) == []


def test_noqa_on_the_body_does_not_silence_the_except_clause() -> None:
    source = "try:\n    g()\nexcept:\n    pass  # noqa\n"
    assert reported(source, ["REL101"]) == [("REL101", 3)]


def test_noqa_on_the_last_line_of_a_multi_line_clause() -> None:
    source = "try:\n    g()\nexcept (ValueError,\n        Exception):  # noqa: REL102\n    pass\n"
    assert reported(source, ["REL102"]) == []


def test_file_level_noqa() -> None:
    body = "try:\n    g()\nexcept:\n    pass\n"
    assert reported("# reliability-lint: noqa\n" + body) == []
    assert reported("# reliability-lint: noqa: REL102\n" + body) == [("REL101", 4)]


def _write_rule(folder: Path, module: str, code: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.py").write_text(
        textwrap.dedent(f'''
        import ast
        from reliability_lint.registry import rule

        @rule("{code}", "print-call", "print() in pipeline code", "P3", nodes=(ast.Call,))
        def print_call(node, ctx):
            if isinstance(node.func, ast.Name) and node.func.id == "print":
                ctx.report("{code}", node, "Use the logger instead of print()")
        '''),
        encoding="utf-8",
    )


def test_local_rules_folder_from_config(tmp_path: Path) -> None:
    _write_rule(tmp_path / "lint_rules", "printing", "ACME001")
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\nignore = ["REL1"]\n')
    (tmp_path / "job.py").write_text("print('hi')\n")
    result = run_tool("check", "--output-format", "json", "job.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert [row["code"] for row in json.loads(result.stdout)] == ["ACME001"]
    listed = json.loads(run_tool("rules", "--format", "json", cwd=tmp_path).stdout)
    assert {"code": "ACME001", "family": "printing", "targets": ["Call"]}.items() <= next(
        row for row in listed if row["code"] == "ACME001"
    ).items()
    # the local codes are known to the config validation, others are not
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\nselect = ["ACME9"]\n')
    bad = run_tool("check", "job.py", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown rule code 'ACME9'" in bad.stderr


def test_entry_point_pack(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _write_rule(site / "acme_rules", "__init__", "ACME002")
    dist = site / "acme_rules-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[reliability_lint.rules]\nacme = acme_rules\n")
    (tmp_path / "job.py").write_text("print('hi')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), *sys.path]))
    unnamed = run_tool("check", "--output-format", "json", "job.py", cwd=tmp_path, env=env)
    assert (unnamed.returncode, json.loads(unnamed.stdout)) == (0, []), "installed is not loaded"
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nrule-packs = ["acme"]\n')
    result = run_tool("check", "--output-format", "json", "job.py", cwd=tmp_path, env=env)
    assert [row["code"] for row in json.loads(result.stdout)] == ["ACME002"]
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nrule-packs = ["acme-typo"]\n')
    typo = run_tool("check", "job.py", cwd=tmp_path, env=env)
    assert typo.returncode == 2
    assert "rule-packs: no installed pack named 'acme-typo' (installed: acme)" in typo.stderr


def test_broken_pack_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "lint_rules"
    folder.mkdir()
    (folder / "broken.py").write_text("import does_not_exist\n")
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (tmp_path / "job.py").write_text("x = 1\n")
    result = run_tool("check", "job.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "broken.py: local rule module failed to load" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_noqa_in_any_case_inside_a_string_silences_nothing() -> None:
    # The walk records string literals only on the lines where a `#` may start a marker; an
    # upper-case NOQA in a URL is such a line too, and is no comment.
    for marker in ("# NOQA", "#noqa: REL204", "# type: ignore # Noqa"):
        source = f'import requests\nrequests.get("https://h/{marker}")\n'
        assert [f.code for f in check_text(source, ["REL204"])] == ["REL204"], marker
    assert check_text('import requests\nrequests.get("https://h/")  # NOQA\n', ["REL204"]) == []
