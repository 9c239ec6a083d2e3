"""Regressions (issue 18, mutmut) for the fix engine under the fix stage (`fix.edits`,
`fix.cst`, `fix.imports`, `fix.verify`): the edits between two texts, which fixes of one
round are taken, the libcst bridge's statement regions, through `reliability_lint.testing`
and the command line in this process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_regressions_core import run

from reliability_lint.testing import fix_text

STUBS = "def f():\n    # TODO: x\n    pass\n\ndef g():\n    # TODO: y\n    pass\n"
FIXED = 'def f():\n    # TODO: x\n    raise NotImplementedError("f: x")\n\ndef g():\n    # TODO: y\n    raise NotImplementedError("g: y")\n'


def test_two_fixes_of_one_file_are_both_applied() -> None:
    assert fix_text(STUBS, ["REL402"]) == FIXED


WAIT_FIRST = (
    "{indent}{name} = client.query(sql, timeout=5).to_dataframe(progress_bar_type=None,  # no bar\n"
    "{indent}                            max_results=10)\n"
)
WAITED = "{indent}{name} = client.query(sql, timeout=5).result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None)\n"


def test_a_call_found_inside_the_node_at_the_position_is_replaced_in_its_own_statement() -> None:
    """The wait-first fix through libcst (a comment among the arguments) asks for the call at
    the finding's position, which is the inner `client.query(...)`, and replaces the
    `.to_dataframe()` around it: the statement that holds it is looked up among the parsed
    ones, here the second of two (the second indented in a block)."""
    head = "from google.cloud import bigquery\n\ndef f(client: bigquery.Client, sql):\n"
    text = head + WAIT_FIRST.format(indent="    ", name="a") + "    if sql:\n" + WAIT_FIRST.format(indent="        ", name="b")
    fixed = head + WAITED.format(indent="    ", name="a") + "    if sql:\n" + WAITED.format(indent="        ", name="b")
    assert fix_text(text + "    return a, b\n", ["REL201"], unsafe_fixes=False) == fixed + "    return a, b\n"


def test_each_of_two_fixes_through_libcst_shows_its_own_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` computes every fix of the file against one version of it: the second
    statement's call is found in its own parse, not in the first one's."""
    head = "from google.cloud import bigquery\n\ndef f(client: bigquery.Client, sql):\n"
    text = head + WAIT_FIRST.format(indent="    ", name="a") + "    if sql:\n" + WAIT_FIRST.format(indent="        ", name="b")
    (tmp_path / "job.py").write_text(text)
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--select", "REL201", "--output-format", "json", "job.py")
    assert code == 1, out + err
    content = "result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None"
    assert [[(e["location"], e["end_location"], e["content"]) for e in f["fix"]["edits"]] for f in json.loads(out)] == [
        [({"row": 4, "column": 38}, {"row": 5, "column": 47}, content)],
        [({"row": 7, "column": 42}, {"row": 8, "column": 51}, content)],
    ]


def test_a_placeholder_removed_before_a_statement_of_two_lines_takes_its_separator_with_it() -> None:
    """REL402 through libcst: `pass; ` goes whole (the edit ends where the kept statement
    starts, though the space before it is also the line's last indentation character)."""
    text = "def f():\n    # TODO: x\n    pass; logger.info('a',\n                'b')\n"
    assert fix_text(text, ["REL402"]) == (
        "def f():\n    # TODO: x\n    logger.info('a',\n                'b')\n    raise NotImplementedError(\"f: x\")\n"
    )
