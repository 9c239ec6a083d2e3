"""The TODO family's survivors of mutmut (tests/MUTATION.md, rules.todos): what REL401 and
REL402 report, what the `todos` inventory lists and what REL402's fix writes, for the
shapes the first regression suite (test_regressions_todos.py) did not build. Through
`reliability_lint.testing` and the click command in this process."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from test_regressions_core import concise, git, repository
from test_regressions_todos import inventory

from reliability_lint.testing import check_text, fix_text


def untracked(text: str, **options: object) -> list[tuple[int, int]]:
    """(line, 1-based column) of each REL401 finding."""
    found = check_text(text, ["REL401"], options={"todos": options} if options else None)
    assert all(f.code == "REL401" for f in found), [(f.code, f.message) for f in found]
    return [(f.line, f.col + 1) for f in found]


# ------------------------------------------------------------------ REL401: references below


def test_a_reference_counts_on_the_fifth_comment_line_below_not_the_sixth() -> None:
    block = ["# TODO: batch the inserts"] + [f"# step {n}" for n in range(1, 6)]
    for depth in (1, 2, 3, 4, 5):  # the reference replaces the depth-th line below
        lines = [*block]
        lines[depth] = "# see PIPE-77"
        assert untracked("\n".join(lines) + "\nx = 1\n") == [], depth
    assert untracked("\n".join([*block, "# see PIPE-77"]) + "\nx = 1\n") == [(1, 3)]
    # five comment lines without a reference and nothing after them: untracked
    assert untracked("\n".join(block) + "\n") == [(1, 3)]
    assert untracked("\n".join(block)) == [(1, 3)]


def test_a_code_line_below_is_not_a_continuation_even_when_it_holds_a_reference() -> None:
    text = "def f():\n    # TODO: batch\n    call('see #12')\n    # FIXME: later\n    x = 'PIPE-7'\n"
    assert untracked(text) == [(2, 7), (4, 7)]
    assert untracked("# TODO: batch\n\n# see #12\n") == [(1, 3)]  # a blank line ends the comment


def test_a_reference_right_after_the_hash_of_the_line_below_counts() -> None:
    assert untracked("# TODO: batch\n#gh-12\n") == []
    assert untracked("# TODO: batch\n##12\n") == []


def test_continuation_lines_in_a_file_with_string_literals() -> None:
    text = 'NAME = "job"\nDOC = """# TODO: in a string"""\n\n# TODO: batch\n# more words\n# see #4\nx = "# FIXME: no"\n'
    assert untracked(text) == []
    assert untracked(text.replace("# see #4", "# see nothing")) == [(4, 3)]


def test_a_comment_mentioning_a_tag_does_not_hide_the_todos_after_it() -> None:
    text = "x = 1  # the TODO list is below\n# TODO: real\ny = 2  # FIXME: also\n"
    assert untracked(text) == [(2, 3), (3, 10)]


def test_the_inventory_lists_the_todos_after_a_comment_that_only_mentions_a_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "job.py").write_text("x = 1  # the TODO list is below\n# TODO: real\n")
    assert [t[:3] for t in inventory(tmp_path, monkeypatch)] == [(2, 3, "TODO")]


def test_max_age_reports_only_the_todos_older_than_the_limit_in_whole_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process (the ages come from the commits' dates, not from another clock)."""
    repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.todos]\nmax-age = 30\n")
    now = datetime.now(timezone.utc)
    lines: list[str] = []
    for age in (100, 31.5, 30.5, 10):  # one commit per line, each dated `age` days ago
        lines.append(f"# TODO: {age} days old")
        (tmp_path / "job.py").write_text("\n".join(lines) + "\n")
        git("add", ".", cwd=tmp_path)
        git("commit", "-qm", f"{age}", cwd=tmp_path, when=now - timedelta(days=age))
    (tmp_path / "job.py").write_text("\n".join([*lines, "# TODO: not committed yet"]) + "\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:1: REL401", "job.py:2: REL401"]


# ------------------------------------------------------------------ the inventory of docstrings


def test_the_inventory_lists_the_tagged_lines_of_functions_docstrings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(
        '"""TODO: a module docstring is not a marker."""\n'
        "def send(rows):\n"
        '    """Send the rows.\n'
        "\n"
        "    TODO(alice): retry, see #12\n"
        "      FIXME  later\n"
        '    """\n'
        "class Sender:\n"
        '    """TODO: nor a class docstring."""\n'
        "    async def close(self):\n"
        '        """XXX(PIPE-4) flush"""\n'
        'def one(): """HACK: on the def line"""  # TODO: and a comment\n'
    )
    assert sorted(inventory(tmp_path, monkeypatch)) == [
        (5, 5, "TODO", "retry, see #12", "#12", None),
        (6, 7, "FIXME", "later", None, None),
        (11, 12, "XXX", "flush", "PIPE-4", None),
        (12, 43, "TODO", "and a comment", None, None),
    ]
    (tmp_path / "job.py").write_text('def send(rows):\n    """Send them."""\n')
    assert inventory(tmp_path, monkeypatch) == []


# ------------------------------------------------------------------ REL402


def stub_names(text: str) -> list[str]:
    return [f.message.split("`")[1] for f in check_text(text, ["REL402"])]


def test_every_abstract_decorator_and_overload_exempts_a_stub() -> None:
    for decorator in ("abc.abstractmethod", "abstractproperty", "abc.abstractclassmethod", "abstractstaticmethod", "typing.overload"):
        assert stub_names(f"@{decorator}\ndef f(self):\n    pass  # TODO: x\n") == [], decorator
    assert stub_names("@functools.cache\ndef f(self):\n    pass  # TODO: x\n") == ["f"]


def test_an_abc_whose_methods_only_log_by_name_is_an_interface() -> None:
    base = "import abc\n\nclass Base(abc.ABC):\n    def read(self):\n        pass  # TODO: subclasses\n    def close(self):\n"
    assert stub_names(base + "        self.log.info('closed')\n") == []
    assert stub_names(base + "        self.helper.info('closed')\n") == ["Base.read"]
    assert stub_names(base + "        logging.info('closed')\n") == []
    assert stub_names(base + "        print('closed')\n") == ["Base.read"]
    # the receiver's own name decides, not a part before it
    assert stub_names(base + "        self.log.handler.info('closed')\n") == ["Base.read"]


def test_a_generic_protocol_is_an_interface() -> None:
    text = "from typing import Protocol, TypeVar\nT = TypeVar('T')\n\nclass Reader(Protocol[T]):\n    def read(self) -> T:\n        ...  # TODO: document\n"
    assert stub_names(text) == []
    assert stub_names(text.replace("Protocol[T]", "Base[T]")) == ["Reader.read"]


def test_a_function_nested_in_a_method_is_not_judged_by_the_class() -> None:
    text = "class Reader(Protocol):\n    def read(self):\n        def step():\n            pass  # TODO: x\n        return step\n"
    assert stub_names(text) == ["Reader.read.step"]


def test_the_first_marker_of_a_stub_names_it_docstring_or_comment() -> None:
    text = (
        "def a():\n"
        '    """Load.\n\n    Not implemented yet.\n    TODO: later\n    """\n'
        "    # FIXME: first comment\n"
        "    pass\n"
        "\n"
        "def b():\n"
        "    # not implemented\n"
        "    # TODO: second marker\n"
        "    pass\n"
    )
    messages = [f.message for f in check_text(text, ["REL402"])]
    assert messages == [
        "`a` is a stub (marked at line 4) that returns as if it worked",
        "`b` is a stub (marked at line 11) that returns as if it worked",
    ]
    # no marker at all: not a stub
    assert stub_names('def c():\n    """Load."""\n    pass\n# TODO: outside\n') == []


def test_a_stub_whose_calls_the_model_finds_are_not_a_loggers_is_not_reported() -> None:
    text = "import logging\nlog = logging.getLogger(__name__)\n\nclass Client:\n    def info(self, m): ...\n\nclient = Client()\n\n"
    assert stub_names(text + "def f():\n    # TODO: finish\n    log.info('x')\n") == ["f"]
    assert stub_names(text + "def f():\n    # TODO: finish\n    client.info('x')\n") == []
    # a logger's name need not say `log`; a parameter of the function hides the module's logger
    audit = "import logging\naudit = logging.getLogger('audit')\n\n"
    assert stub_names(audit + "def f():\n    # TODO: finish\n    audit.info('x')\n") == ["f"]
    assert stub_names(audit + "def f(audit):\n    # TODO: finish\n    audit.info('x')\n") == []
    # any call of the logging module does nothing a caller relies on
    assert stub_names("import logging\n\ndef f():\n    # TODO: finish\n    logging.basicConfig()\n") == ["f"]


def test_a_generator_or_a_coroutine_that_waits_is_not_a_stub() -> None:
    assert stub_names("def f():\n    # TODO: finish\n    yield\n") == []
    assert stub_names("async def f():\n    # TODO: finish\n    await g()\n") == []
    assert stub_names("def f():\n    # TODO: finish\n    rows\n") == []


# ------------------------------------------------------------------ REL402's fix


def fixed(text: str) -> str:
    return fix_text(text, ["REL402"])


def test_the_fix_quotes_the_todo_text_as_a_python_string() -> None:
    text = 'def f():\n    # TODO: read "C:\\data"\tnow\n    pass\n'
    assert fixed(text) == 'def f():\n    # TODO: read "C:\\data"\tnow\n    raise NotImplementedError("f: read \\"C:\\\\data\\" now")\n'
    assert fixed("def f():\n    pass  # TODO\n") == 'def f():\n    raise NotImplementedError("f: not implemented")  # TODO\n'


def test_the_fix_keeps_docstrings_logging_calls_and_comments() -> None:
    text = (
        "import logging\n\n"
        "def f():\n"
        '    "Send" "them."\n'
        "    # TODO: send\n"
        "    logging.info('x')\n"
        "    pass\n"
        "    ...  # why\n"
        "    return None\n"
    )
    assert fixed(text) == (
        "import logging\n\n"
        "def f():\n"
        '    "Send" "them."\n'
        "    # TODO: send\n"
        "    logging.info('x')\n"
        "    # why\n"
        '    raise NotImplementedError("f: send")\n'
    )
    assert fixed("def g(): logging.info('x'); pass  # TODO: later\n") == (
        "def g(): logging.info('x'); raise NotImplementedError(\"g: later\")  # TODO: later\n"
    )
    assert fixed('def h():\n    """TODO: write."""\n') == 'def h():\n    """TODO: write."""\n    raise NotImplementedError("h: write.")\n'
    assert fixed("def k():\n    # TODO: last\n    logging.info('x')\n") == (
        "def k():\n    # TODO: last\n    logging.info('x')\n    raise NotImplementedError(\"k: last\")\n"
    )


def test_max_age_of_one_day_is_accepted_and_zero_is_not() -> None:
    from reliability_lint.config import ConfigError

    assert untracked("x = 1\n", **{"max-age": 1}) == []
    with pytest.raises(ConfigError, match="positive number of days"):
        untracked("# TODO: x\n", **{"max-age": 0})


def test_max_age_dates_the_lines_of_the_text_checked_not_of_the_file_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from reliability_lint.cli import cli

    repository(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.todos]\nmax-age = 30\n")
    (tmp_path / "job.py").write_text("# TODO: old one\n# TODO: old two\n")
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "old", cwd=tmp_path, when=datetime.now(timezone.utc) - timedelta(days=100))
    monkeypatch.chdir(tmp_path)
    args = ["check", "--no-cache", "--select", "REL401", "--output-format", "concise", "--stdin-filename", "job.py", "-"]
    result = CliRunner().invoke(cli, args, input=b"# TODO: new\n# TODO: old two\n")
    assert result.exit_code == 1, result.output
    assert [line.split(":")[1] for line in result.stdout.splitlines() if "REL401" in line] == ["2"]


def test_the_column_of_a_docstring_todo_is_its_tags_first_place_on_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text('def f():\n    """Doc.\nTODO: at the margin\n    TODO: the TODO list\n    """\n# FIXME(#9)\n')
    assert [t[:3] for t in inventory(tmp_path, monkeypatch)] == [(3, 1, "TODO"), (4, 5, "TODO"), (6, 3, "FIXME")]


def test_a_docstring_todo_without_parentheses_has_only_the_reference_its_text_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.todos]\nreference-pattern = '\\b[A-Z]{4}\\b'\n")
    (tmp_path / "job.py").write_text('def f():\n    """TODO: fix it"""\n\ndef g():\n    """TODO: fix it, see PIPE"""\n# FIXME(#9)\n')
    assert [(t[0], t[4]) for t in inventory(tmp_path, monkeypatch)] == [(2, None), (5, "PIPE"), (6, None)]


def test_the_fix_replaces_the_placeholders_right_after_a_docstring_and_keeps_their_comments() -> None:
    assert fixed('def h():\n    """Load."""\n    pass  # TODO: x\n') == 'def h():\n    """Load."""\n    raise NotImplementedError("h: x")  # TODO: x\n'
    assert fixed("import logging\n\ndef k():\n    # TODO: x\n    pass  # why\n    logging.info('x')\n") == (
        "import logging\n\ndef k():\n    # TODO: x\n    # why\n    logging.info('x')\n    raise NotImplementedError(\"k: x\")\n"
    )
    shared = fixed("import logging\n\ndef m():\n    # TODO: x\n    logging.info('x'); pass\n    return\n")
    assert "pass" not in shared and "logging.info('x')" in shared and shared.endswith('    raise NotImplementedError("m: x")\n')


def test_the_fix_says_what_a_not_implemented_comment_says_and_replaces_a_bare_return() -> None:
    assert fixed("def a():\n    # Not yet implemented\n    return\n") == (
        'def a():\n    # Not yet implemented\n    raise NotImplementedError("a: Not yet implemented")\n'
    )
    # a TODO continued on the comment line below it
    assert fixed("def b():\n    # TODO: read\n    # the rows\n    pass\n") == (
        'def b():\n    # TODO: read\n    # the rows\n    raise NotImplementedError("b: read")\n'
    )


def test_a_stub_counts_as_changed_when_any_line_of_it_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository(tmp_path)
    job = tmp_path / "job.py"
    job.write_text("def load(rows):\n    # TODO: batch\n    pass\n")
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "stub", cwd=tmp_path)
    args = ("--no-cache", "--select", "REL402", "--diff-base", "main", ".")
    assert concise(tmp_path, monkeypatch, *args) == []
    job.write_text("def load(rows):\n    # TODO: batch the inserts\n    pass\n")  # the body changed, not the def line
    assert concise(tmp_path, monkeypatch, *args) == ["job.py:1: REL402"]


def test_a_file_holding_only_a_configured_tag_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.todos]\ntags = ['LATER']\n")
    (tmp_path / "job.py").write_text("x = 1  # LATER: batch\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:1: REL401"]


# ------------------------------------------------------------------ bugs found by the mutants


def test_a_file_whose_only_todo_is_in_a_docstring_is_in_the_inventory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The prefilter of docstring TODOs searched with the tag pattern, whose `^` is only the
    text's start: a file whose TODOs were all in docstrings listed none (REL402 saw them)."""
    (tmp_path / "job.py").write_text('def send(rows):\n    """TODO: send them."""\n')
    assert inventory(tmp_path, monkeypatch) == [(2, 8, "TODO", "send them.", None, None)]


def test_a_stub_is_reported_at_def_and_its_whole_name() -> None:
    """`def f` was reported up to the `f` of `def`: the name was searched from the `def`."""
    texts = ("def f():\n    pass  # TODO: x\n", "async def de(self):\n    pass  # TODO: x\n", "def load():\n    pass  # TODO: x\n")
    assert [[(f.col, f.end_col) for f in check_text(text, ["REL402"])] for text in texts] == [[(0, 5)], [(0, 12)], [(0, 8)]]


@pytest.mark.parametrize(
    ("body", "fixed"),
    [
        # libcst's way (a statement of two lines shares the placeholder's line): the `; ` goes with it
        ("    logger.info('a',\n                'b'); pass\n", "    logger.info('a',\n                'b')\n"),
        ("    logger.info('a',\n                'b'); pass  # later\n", "    logger.info('a',\n                'b')  # later\n"),
        # a semicolon the author put after the last statement stays
        ("    pass; logger.info('a',\n                'b');\n", "    logger.info('a',\n                'b');\n"),
    ],
)
def test_a_placeholder_removed_after_a_statement_on_its_line_takes_the_semicolon_with_it(body: str, fixed: str) -> None:
    head = "def f():\n    # TODO: x\n"
    assert fix_text(head + body, ["REL402"]) == head + fixed + '    raise NotImplementedError("f: x")\n'
