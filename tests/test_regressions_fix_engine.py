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
# The comment stays after the argument whose comma held it; the call closes below it.
WAITED = (
    "{indent}{name} = client.query(sql, timeout=5).result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None  # no bar\n"
    "{indent}                            )\n"
)


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
    content = "result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None  # no bar\n{}"
    assert [[(e["location"], e["end_location"], e["content"]) for e in f["fix"]["edits"]] for f in json.loads(out)] == [
        [({"row": 4, "column": 38}, {"row": 5, "column": 47}, content.format(" " * 32))],
        [({"row": 7, "column": 42}, {"row": 8, "column": 51}, content.format(" " * 36))],
    ]


def test_a_placeholder_removed_before_a_statement_of_two_lines_takes_its_separator_with_it() -> None:
    """REL402 through libcst: `pass; ` goes whole (the edit ends where the kept statement
    starts, though the space before it is also the line's last indentation character)."""
    text = "def f():\n    # TODO: x\n    pass; logger.info('a',\n                'b')\n"
    assert fix_text(text, ["REL402"]) == (
        "def f():\n    # TODO: x\n    logger.info('a',\n                'b')\n    raise NotImplementedError(\"f: x\")\n"
    )


METHOD = "class A:\n    def f(self):\n        # TODO: x\n        pass; logger.info('a',\n                    'b')\n"
METHOD_FIXED = (
    "class A:\n    def f(self):\n        # TODO: x\n        logger.info('a',\n                    'b')\n"
    '        raise NotImplementedError("A.f: x")\n'
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (METHOD, METHOD_FIXED),
        (METHOD.replace("\n", "\r\n"), METHOD_FIXED.replace("\n", "\r\n")),
        (METHOD.replace("    ", "\t"), METHOD_FIXED.replace("    ", "\t")),
        # the newline of the statement's own lines, not the file's first one
        ("x = 1\r\n" + METHOD, "x = 1\r\n" + METHOD_FIXED),
        ("x = 1\n" + METHOD.replace("\n", "\r\n"), "x = 1\n" + METHOD_FIXED.replace("\n", "\r\n")),
    ],
    ids=["lf", "crlf", "tabs", "lf-after-crlf", "crlf-after-lf"],
)
def test_an_indented_statement_fixed_through_libcst_keeps_its_indentation_and_newlines(before: str, after: str) -> None:
    assert fix_text(before, ["REL402"]) == after


def test_the_last_statement_of_a_file_without_a_final_newline_is_fixed_through_libcst() -> None:
    text = "def f():\n    # TODO: x\n    pass; logger.info('a',\n                'b')"
    assert fix_text(text, ["REL402"]) == "def f():\n    # TODO: x\n    logger.info('a',\n                'b')\n    raise NotImplementedError(\"f: x\")"


def test_a_fix_context_finds_a_node_of_any_type_asked_and_names_a_position_it_lacks() -> None:
    """`FixContext.node_at`, which a rule pack's fix calls: a tuple of types is tried in
    order; a position with none of them is named in the error, its column counted from 1."""
    import libcst as cst

    from reliability_lint.fix import FixContext, FixError
    from reliability_lint.source import SourceFile

    context = FixContext(SourceFile(Path("m.py"), "x = f(1)\n"))
    assert isinstance(context.node_at((cst.Call,), 1, 4), cst.Call)
    assert isinstance(context.node_at((cst.Name, cst.Call), 1, 4), cst.Name)
    with pytest.raises(FixError) as caught:
        context.node_at(cst.Call, 1, 0)
    assert str(caught.value) == f"no {cst.Call} at line 1, column 1"


# `y = 1 \` continued into a blank line: Python parses it, libcst does not. A statement
# parsed for a fix with such a neighbour in its lines would make the fix fail.
UNPARSED = " \\\n\n"
JOB = "job = {c}.query(sql, timeout=5).to_dataframe(progress_bar_type=None,  # no bar\n    max_results=10)"
JOB_FIXED = "job = {c}.query(sql, timeout=5).result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None  # no bar\n    )"
BQ = "from google.cloud import bigquery"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # the statements before it on its first line, back to the first of the module
        (f"{BQ}; {JOB}\n".format(c="bigquery.Client()"), f"{BQ}; {JOB_FIXED}\n".format(c="bigquery.Client()")),
        # ... and no further than those (the one above cannot be parsed by libcst)
        (
            f"{BQ}\nclient = bigquery.Client(){UNPARSED}n = 1; {JOB}\n".format(c="client"),
            f"{BQ}\nclient = bigquery.Client(){UNPARSED}n = 1; {JOB_FIXED}\n".format(c="client"),
        ),
        # a statement after it that starts on its last line, to that statement's end
        (f"{BQ}\n{JOB}; m = (\n    2)\n".format(c="bigquery.Client()"), f"{BQ}\n{JOB_FIXED}; m = (\n    2)\n".format(c="bigquery.Client()")),
        # ... and no further
        (
            f"{BQ}\n{JOB}; m = (\n    2)\nz = 1{UNPARSED}".format(c="bigquery.Client()"),
            f"{BQ}\n{JOB_FIXED}; m = (\n    2)\nz = 1{UNPARSED}".format(c="bigquery.Client()"),
        ),
        # the method that holds it, not the whole class
        (
            f"{BQ}\nclass A:\n    def f(self, client: bigquery.Client, sql):\n        {JOB}\n    def g(self):\n        return 1{UNPARSED}".format(c="client").replace("\n    max", "\n            max"),
            f"{BQ}\nclass A:\n    def f(self, client: bigquery.Client, sql):\n        {JOB_FIXED}\n    def g(self):\n        return 1{UNPARSED}".format(c="client").replace("\n    )", "\n            )"),
        ),
    ],
    ids=["after-the-first", "not-the-line-above", "into-the-next", "not-past-it", "not-the-class"],
)
def test_a_statement_is_parsed_for_a_fix_with_the_statements_sharing_its_lines_only(before: str, after: str) -> None:
    assert fix_text(before, ["REL201"], unsafe_fixes=False) == after


def test_a_method_whose_position_is_where_it_starts_is_parsed_alone_not_with_its_class() -> None:
    """REL402's fix asks for the function at its `def`, the first character of the statement:
    the method is parsed alone, so another method libcst cannot parse does not matter."""
    other = f"    def g(self):\n        return 1{UNPARSED}"
    assert fix_text(METHOD + other, ["REL402"]) == METHOD_FIXED + other


def test_an_import_a_fix_needs_goes_after_an_import_of_several_lines() -> None:
    imports = "from pipeline import (\n    config,\n    settings,\n)\n"
    handler = "\ndef load():\n    try:\n        run()\n    except:\n        pass\n"
    assert fix_text(imports + handler, ["REL101", "REL102"]) == (
        imports + "import logging\n\ndef load():\n    try:\n        run()\n    except Exception:\n"
        '        logging.exception("Error in load; continuing")\n'
    )


STUB = "def f():\n    # TODO: x\n    pass; logger.info('a',\n                'b')\n"
STUB_FIXED = "def f():\n    # TODO: x\n    logger.info('a',\n                'b')\n    raise NotImplementedError(\"f: x\")\n"


def _indented(text: str, depth: int) -> str:
    return "".join(" " * depth + line if line.strip() else line for line in text.splitlines(keepends=True))


# A form feed before a statement's first character: Python skips it, libcst does not give
# it back (the fix names that instead of applying). Only a parse of the whole compound
# statement, not of the function inside it, starts there.
@pytest.mark.parametrize(
    "layout",
    [
        "\fif x:\n{stub4}else:\n    y = 1\n",
        "\fif x:\n    y = 1\nelse:\n{stub4}",
        "\ffor _ in x:\n    y = 1\nelse:\n{stub4}",
        "\ftry:\n    y = 1\nexcept ImportError:\n{stub4}",
        "\ftry:\n    y = 1\nfinally:\n{stub4}",
        "\fmatch m:\n    case 1:\n        y = 1\n    case 2:\n{stub8}",
        "y = 1{unparsed}@dec\n{stub}",
        "y = 1{unparsed}@dec(\n    1)\n@other\n{stub}",
        "@dec\n{stub}",
    ],
    ids=["if-body", "else", "for-else", "except", "finally", "case", "decorated", "decorators", "decorated-first"],
)
def test_a_stub_in_any_block_is_parsed_alone_for_its_fix(layout: str) -> None:
    """The function is found in the block of its statement that holds it, with its decorators."""

    def text(stub: str) -> str:
        return layout.format(stub=stub, stub4=_indented(stub, 4), stub8=_indented(stub, 8), unparsed=UNPARSED)

    assert fix_text(text(STUB), ["REL402"]) == text(STUB_FIXED)


@pytest.mark.parametrize(
    ("before", "specs", "after"),
    [
        # a name asked twice is imported once
        ("import os\n", ["from pipeline import settings", "from pipeline import settings"], "import os\nfrom pipeline import settings\n"),
        # the last line without a newline is the code after the imports, not the end of the text
        ("import os\nx = 1", ["logging"], "import os\nimport logging\n\nx = 1"),
        # an import ending the text without a newline, whatever its last letter
        ("from pipeline import X", ["logging"], "from pipeline import X\nimport logging"),
        # two names merged into an existing import, before its names
        ("from pipeline import config\n", ["from pipeline import b", "from pipeline import a"], "from pipeline import a, b, config\n"),
        # what is bound already: a dotted module, a name imported as itself
        ("import os.path\n", ["os.path", "os"], "import os.path\n"),
        ("import logging as logging\n", ["logging"], "import logging as logging\n"),
    ],
)
def test_import_edits_where_the_text_ends_what_is_merged_and_what_is_bound(before: str, specs: list[str], after: str) -> None:
    from reliability_lint.fix import apply_edits, import_edits
    from reliability_lint.source import SourceFile

    source = SourceFile(Path("m.py"), before)
    assert apply_edits(source, import_edits(source, specs)) == after


@pytest.mark.parametrize(
    ("stub", "reason"),
    [
        (f"\f{STUB}", "libcst does not reproduce the code exactly (unusual whitespace)"),
        (STUB.replace("'a'", "[" * 180 + "'a'" + "]" * 180), "libcst cannot parse the statement at line 1: too deeply nested"),
    ],
    ids=["form-feed", "nested"],
)
def test_a_statement_libcst_cannot_rewrite_is_named_not_fixed(
    stub: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "job.py").write_text(stub)
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--unsafe-fixes", "--select", "REL402", "job.py")
    assert code == 1, out + err
    assert f"job.py:1:1: REL000 [P1] fix for REL402 at line 1 not applied: {reason}\n" in out
    assert (tmp_path / "job.py").read_text() == stub


def test_a_fix_inside_what_another_fix_moves_waits_for_the_next_round() -> None:
    """The wait-first fix deletes `max_results=...` from `.to_dataframe()` (and writes it in
    `.result()`); REL204's fix inserts into that span. Both in one round would garble the
    line: the insertion waits, and is made in the moved text."""
    head = "import requests\nfrom google.cloud import bigquery\n\ndef f(client: bigquery.Client, sql, u):\n    job = client.query(sql, timeout=5)\n"
    text = head + "    return job.to_dataframe(max_results=requests.get(u).json()['n'])\n"
    assert fix_text(text, ["REL201", "REL204"], unsafe_fixes=False) == (
        head + "    return job.result(timeout=600, max_results=requests.get(u, timeout=30).json()['n']).to_dataframe()\n"
    )


def test_the_fixes_of_every_round_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As above through `fix`: one fix in the first round, the one that waited in the second."""
    head = "import requests\nfrom google.cloud import bigquery\n\ndef f(client: bigquery.Client, sql, u):\n    job = client.query(sql, timeout=5)\n"
    (tmp_path / "job.py").write_text(head + "    return job.to_dataframe(max_results=requests.get(u).json()['n'])\n")
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--no-progress", "--select", "REL201,REL204", "job.py")
    assert code == 0, out + err
    assert "Fixed 2 problems." in out
    assert "requests.get(u, timeout=30)" in (tmp_path / "job.py").read_text()


# A pack whose fixes a built-in one never is: one crashes, one recurses without end, one's
# own two edits overlap, one gives its edits out of order; `plain()` has a fix that works.
MISFITS = '''
import ast
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import rule


def _deep(n):
    return _deep(n + 1)


def _compute(name, line):
    if name == "crash":
        return lambda _: [Edit((line, 0), (line, 5), "crash" + str(1 / 0))]
    if name == "deep":
        return lambda _: _deep(0)
    if name == "tangle":  # a replacement of the whole name and an insertion inside it
        return lambda _: [Edit((line, 0), (line, 6), "knot"), Edit((line, 3), (line, 3), "x")]
    if name == "swapit":  # two edits that touch, the later one first
        return lambda _: [Edit((line, 3), (line, 6), "PIT"), Edit((line, 0), (line, 3), "SWA")]
    if name == "inorder":  # two edits that touch, in order
        return lambda _: [Edit((line, 0), (line, 3), "INO"), Edit((line, 3), (line, 7), "RDER")]
    return lambda _: [Edit((line, 0), (line, 5), "done")]


@rule("FIX921", "misfit-call", "a call with a fix", "P3", fix="safe", nodes=(ast.Call,), family="misfits")
def misfit_call(node, ctx):
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    if name in ("crash", "deep", "tangle", "swapit", "inorder", "plain"):
        ctx.report("FIX921", node, name, fix=Fix("safe", "Fix it", compute=_compute(name, node.lineno)))


# FIX923's libcst fix replaces the call with the code given for its name (`nowhere()`: the
# node asked for one line below, `foreign()`: a node parsed apart replaced).
REPLACED = {"drop1": "done(1, 2)", "drop2": "done(1, 2, 3)", "twice": "done(1,  # same\\n    2, 3)", "spaces": "done(1,  # one\\n    2)", "foreign": "done()", "nowhere": "done()"}


@rule("FIX923", "replaced-call", "a call replaced through libcst", "P3", fix="safe", nodes=(ast.Call,), family="misfits")
def replaced_call(node, ctx):
    name = node.func.id if isinstance(node.func, ast.Name) else ""
    if name in REPLACED:
        line, col = node.lineno, node.col_offset

        def compute(fix):
            import libcst as cst

            old = fix.node_at(cst.Call, line + (name == "nowhere"), col + 2 * (name == "nowhere"))  # the line below: a comment
            if name == "foreign":  # a node of another parse than the statement's
                old = cst.parse_expression("foreign()")
            return fix.replace(old, cst.parse_expression(REPLACED[name]))

        ctx.report("FIX923", node, name, fix=Fix("safe", "Replace it", compute=compute))


@rule("FIX922", "plain-call", "plain(): a second fix over the same name", "P3", fix="safe", nodes=(ast.Call,), family="misfits")
def plain_call(node, ctx):
    if isinstance(node.func, ast.Name) and node.func.id == "plain":
        line = node.lineno
        ctx.report("FIX922", node, "plain", fix=Fix("safe", "Other", compute=lambda _: [Edit((line, 0), (line, 5), "other")]))
'''


def _misfits(monkeypatch: pytest.MonkeyPatch) -> None:
    from test_regressions_fix import _forget_local_rules

    _forget_local_rules(monkeypatch)
    exec(compile(MISFITS, "misfits.py", "exec"), {})


@pytest.mark.parametrize(
    ("call", "reason"),
    [("crash", "internal error in the fix for FIX921: ZeroDivisionError"), ("deep", "file too deeply nested to fix")],
)
def test_a_fix_that_crashes_or_recurses_is_named_and_the_others_still_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str, reason: str
) -> None:
    _misfits(monkeypatch)
    job = tmp_path / "job.py"
    job.write_text(f"{call}()\nplain()\n")
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--no-progress", "--select", "FIX921", "job.py")
    assert f"job.py:1:1: REL000 [P1] fix for FIX921 at line 1 not applied: {reason}\n" in out
    assert code == (2 if call == "crash" else 1), out + err  # a crash is a bug: the run fails as for a crashing rule
    assert job.read_text() == f"{call}()\ndone()\n"


def test_a_fix_whose_own_edits_overlap_is_not_applied_and_the_next_one_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _misfits(monkeypatch)
    assert fix_text("tangle()\nplain()\n", ["FIX921"]) == "tangle()\ndone()\n"


@pytest.mark.parametrize("name", ["swapit", "inorder"])
def test_a_fix_whose_edits_touch_is_applied_in_whatever_order_it_gives_them(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    _misfits(monkeypatch)
    assert fix_text(f"{name}()\nplain()\n", ["FIX921"]) == f"{name.upper()}()\ndone()\n"


def test_a_fix_that_waits_for_another_holds_back_none_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each line's two fixes overlap: FIX921's are all taken in the first round (FIX922's wait
    and are gone after it), not one line a round (which would end at MAX_ROUNDS, 10)."""
    _misfits(monkeypatch)
    assert fix_text("plain()\n" * 12, ["FIX921", "FIX922"]) == "done()\n" * 12


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("drop1(1,  # one\n    2)\n", "the fix would drop a comment of the statement"),
        ("drop2(1,  # one\n    2,  # two\n    3)\n", "the fix would drop 2 comments of the statement"),
        ("twice(1,  # same\n    2,  # same\n    3)\n", "the fix would drop a comment of the statement"),  # one of two alike
        ("spaces(1,  # one   \n    2)\n", None),  # the comment kept, without its trailing spaces
        ("foreign()\n", "the node to replace is not from this file"),
        ("nowhere()\n# below\n", "no statement at line 2, column 3"),
    ],
)
def test_a_libcst_fix_refused_is_named_and_not_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, reason: str | None
) -> None:
    _misfits(monkeypatch)
    job = tmp_path / "job.py"
    job.write_text(text)
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--no-progress", "--select", "FIX923", "job.py")
    if reason is None:
        assert (code, job.read_text()) == (0, "done(1,  # one\n    2)\n"), out + err
    else:
        assert code == 1, out + err
        assert f"job.py:1:1: REL000 [P1] fix for FIX923 at line 1 not applied: {reason}\n" in out
        assert job.read_text() == text
