"""REL401 untracked-todo and REL402 todo-stub on source text."""

from __future__ import annotations

import ast
import re
import textwrap

import pytest

from reliability_lint.config import ConfigError
from reliability_lint.testing import check_text, fix_text


def untracked(code: str, **options: object) -> list[tuple[int, int]]:
    """(line, 1-based column) of each REL401 finding."""
    found = check_text(textwrap.dedent(code), ["REL401"], options={"todos": options} if options else None)
    return [(f.line, f.col + 1) for f in found if f.code == "REL401"]


def stubs(code: str, path: str = "example.py") -> list[tuple[int, str]]:
    found = check_text(textwrap.dedent(code), ["REL402"], path=path)
    return [(f.line, f.message.split("`")[1]) for f in found if f.code == "REL402"]


# ------------------------------------------------------------------------------ REL401


def test_tags_in_strings_and_docstrings_are_not_comments() -> None:
    code = '''
    """Module docstring. TODO: not a comment."""
    SQL = """
    SELECT 1  -- TODO: a SQL comment
    # TODO: still inside the string
    """

    def f():
        """TODO: in a docstring."""
        return "# FIXME: in a string"
    '''
    assert untracked(code) == []


def test_hash_inside_strings_before_a_real_comment() -> None:
    code = """
    a = "#"  # TODO: after a string holding a hash
    b = '# TODO: in the string' + "x"
    c = f"{a}#{b}"  # FIXME real
    d = "# not # a # comment"
    """
    assert untracked(code) == [(2, 12), (4, 19)]


def test_comments_after_code_and_implicit_concatenation() -> None:
    code = """
    total = compute()  # XXX: off by one?
    parts = (
        "first"  # HACK: between two literals
        "second"
    )
    """
    assert untracked(code) == [(2, 22), (4, 16)]


def test_tags_are_case_sensitive_whole_words() -> None:
    code = """
    # todo: lower case
    # Todo: title case
    # TODOS are words of their own
    # XXXL shirt sizes
    # a note about the TODO list
    """
    assert untracked(code) == []


def test_every_tag_and_form() -> None:
    code = """
    # TODO fix
    #TODO: no space
    ## FIXME - double hash
    # XXX
    # HACK(alice): author alone is not a reference
    x = 1  # noqa: E501  # TODO: after another comment
    """
    assert [line for line, _ in untracked(code)] == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    "comment",
    [
        "# TODO(#123): issue number",
        "# TODO: see #123",
        "# TODO(gh-123): github short form",
        "# FIXME(PIPE-77): tracker key",
        "# TODO: fix after ABC-123 lands",
        "# TODO: https://github.com/acme/pipeline/issues/9",
        "# HACK(https://tracker.example.com/T42)",
    ],
)
def test_references_in_each_form(comment: str) -> None:
    assert untracked(comment + "\n") == []
    assert untracked(comment.split("(")[0].split(":")[0] + ": nothing tracked\n") != []


def test_reference_on_the_comment_line_below() -> None:
    tracked = """
    def f():
        # TODO: batch the inserts
        # https://github.com/acme/pipeline/issues/412
        pass
    """
    assert untracked(tracked) == []
    not_a_continuation = """
    x = 1  # TODO: trailing comment
    # PIPE-77 belongs to something else
    """
    assert untracked(not_a_continuation) == [(2, 10)]
    another_todo = """
    # TODO: first
    # TODO(PIPE-1): second
    """
    assert untracked(another_todo) == [(2, 3)]


def test_reference_like_text_in_a_string_below_is_not_a_continuation() -> None:
    code = '''
    # TODO: untracked
    X = """
    # PIPE-77
    """
    '''
    assert untracked(code) == [(2, 3)]


def test_author_counts_only_when_allowed() -> None:
    assert untracked("# TODO(alice): x\n") == [(1, 3)]
    assert untracked("# TODO(alice): x\n", **{"author-is-reference": True}) == []
    assert untracked("# TODO: x\n", **{"author-is-reference": True}) == [(1, 3)]


def test_reference_pattern_replaces_the_default() -> None:
    options = {"reference-pattern": r"\bPIPE-\d+\b"}
    assert untracked("# TODO(PIPE-7): x\n", **options) == []
    assert untracked("# TODO(#7): x\n", **options) == [(1, 3)]


def test_configured_tags_still_tell_strings_from_comments() -> None:
    code = """
    s = "# BUG: in a string"
    # BUG: a comment
    # TODO: not a configured tag
    """
    assert untracked(code, tags=["BUG"]) == [(3, 3)]


def test_noqa_silences_the_line() -> None:
    assert untracked("# TODO: later  # noqa: REL401\n") == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reference-pattern": "("}, "not a valid regular expression"),
        ({"tags": []}, "non-empty list of words"),
        ({"tags": ["TO DO"]}, "non-empty list of words"),
        ({"max-age": 0}, "positive number of days"),
        ({"max-age": "30"}, "must be an integer"),
        ({"author": True}, "unknown key"),
    ],
)
def test_bad_options_are_named(options: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_text("x = 1\n", ["REL401"], options={"todos": options})


# ------------------------------------------------------------------------------ REL402


def test_stub_with_docstring_and_todo_comment() -> None:
    code = '''
    def send_email(alert):
        """Email the alert."""
        # TODO: smtplib
        pass
    '''
    assert stubs(code) == [(2, "send_email")]


def test_stub_marked_only_in_its_docstring() -> None:
    code = '''
    def send_sentry(alert):
        """Report to Sentry.

        TODO: init sentry_sdk.
        """
    '''
    assert stubs(code) == [(2, "send_sentry")]


@pytest.mark.parametrize("body", ["pass", "...", "return", "return None", "logger.info('skipped %s', x)"])
def test_do_nothing_bodies(body: str) -> None:
    code = f"""
    def f(x):
        # FIXME: not done
        {body}
    """
    assert stubs(code) == [(2, "f")]


def test_logging_only_body_with_several_calls() -> None:
    code = """
    import logging

    def f(x):
        # TODO(PIPE-1): tracked, but still a stub
        logging.warning("f is a stub")
        self.log.debug("x=%s", x)
        return None
    """
    assert stubs(code) == [(4, "f")]


def test_not_implemented_wording_marks_a_stub() -> None:
    assert stubs("def f():\n    pass  # not implemented yet\n") == [(1, "f")]
    assert stubs('def f():\n    """Not yet implemented."""\n') == [(1, "f")]


def test_async_nested_and_methods() -> None:
    code = """
    class Channel:
        async def send(self, alert):
            # TODO: post it
            ...

        def outer(self):
            def inner():
                pass  # TODO: inner only
            return inner
    """
    assert stubs(code) == [(3, "Channel.send"), (8, "Channel.outer.inner")]


def test_properties_are_checked() -> None:
    code = """
    class Listing:
        @property
        def price(self):
            # TODO: read from the payload
            return None

        @price.setter
        def price(self, value):
            pass  # TODO: store it
    """
    assert stubs(code) == [(4, "Listing.price"), (9, "Listing.price")]


def test_comment_indented_below_the_last_statement_counts() -> None:
    code = """
    def f():
        pass
        # TODO: write it

    # TODO: a module comment, not f's
    def g():
        pass
    """
    assert stubs(code) == [(2, "f")]


@pytest.mark.parametrize(
    "code",
    [
        # no marker: a deliberate no-op
        "class NullChannel:\n    def send(self, alert):\n        pass\n",
        # already raises
        "def f():\n    # TODO: write it\n    raise NotImplementedError\n",
        # does something
        "def f(rows):\n    # TODO: batch\n    return len(rows)\n",
        "def f(rows):\n    # TODO: batch\n    print(rows)\n",
        # abstract and overloads
        "from abc import ABC, abstractmethod\n\nclass C(ABC):\n    def run(self):\n        return 1\n\n"
        "    @abstractmethod\n    def send(self):\n        '''TODO in subclasses.'''\n",
        "import abc\n\nclass C:\n    @abc.abstractmethod\n    def send(self):\n        ...  # TODO\n",
        "from typing import overload\n\n@overload\ndef f(x: int) -> int:\n    ...  # TODO: str\n",
        # Protocol members
        "from typing import Protocol\n\nclass Sender(Protocol):\n    def send(self) -> None:\n        ...  # TODO: doc\n",
        "import typing\n\nclass Sender(typing.Protocol[T]):\n    def send(self) -> None:\n        '''TODO: doc'''\n",
        # an ABC whose methods are all stubs: an interface
        "from abc import ABC\n\nclass Sink(ABC):\n    def write(self, row):\n        pass  # TODO: subclasses\n"
        "    def close(self):\n        pass\n",
    ],
)
def test_negatives(code: str) -> None:
    assert stubs(code) == []


def test_abc_with_a_concrete_method_is_not_an_interface() -> None:
    code = """
    from abc import ABC

    class Sink(ABC):
        def write(self, row):
            pass  # TODO: write it

        def close(self):
            self.handle.close()
    """
    assert stubs(code) == [(5, "Sink.write")]


def test_pyi_files_are_not_checked() -> None:
    assert stubs("def f() -> None:\n    ...  # TODO\n", path="example.pyi") == []


def test_noqa_on_the_def_line() -> None:
    assert stubs("def f():  # noqa: REL402\n    pass  # TODO: x\n") == []


# ------------------------------------------------------------------------------ REL402 fix


def fixed(code: str) -> str:
    return fix_text(textwrap.dedent(code), ["REL402"], unsafe_fixes=True)


def test_fix_keeps_docstring_and_comment() -> None:
    code = '''
    class Alerts:
        def send_email(self, alert):
            """Email the alert."""
            # TODO: smtplib with "settings"
            pass  # placeholder
    '''
    assert fixed(code) == textwrap.dedent('''
    class Alerts:
        def send_email(self, alert):
            """Email the alert."""
            # TODO: smtplib with "settings"
            raise NotImplementedError("Alerts.send_email: smtplib with \\"settings\\"")  # placeholder
    ''')


def test_fix_keeps_logging_calls_and_moves_comments_of_removed_placeholders() -> None:
    code = """
    async def send(alert):
        # TODO: post it
        pass  # first
        logger.info("would send %s", alert)
        return None
    """
    assert fixed(code) == textwrap.dedent("""
    async def send(alert):
        # TODO: post it
        # first
        logger.info("would send %s", alert)
        raise NotImplementedError("send: post it")
    """)


def test_fix_of_docstring_only_and_one_line_bodies() -> None:
    assert fixed('def f():\n    """TODO: write f."""\n') == (
        'def f():\n    """TODO: write f."""\n    raise NotImplementedError("f: write f.")\n'
    )
    assert fixed("def f(): pass  # TODO\n") == 'def f(): raise NotImplementedError("f: not implemented")  # TODO\n'


def test_fix_is_unsafe_and_idempotent() -> None:
    code = "def f():\n    # FIXME: later\n    pass\n"
    assert fix_text(code, ["REL402"], unsafe_fixes=False) == code
    once = fixed(code)
    assert "raise NotImplementedError" in once
    assert fixed(once) == once
    ast.parse(once)
    assert check_text(once, ["REL402"]) == []


def test_fix_does_not_copy_a_secret_from_the_comment() -> None:
    key = "AKIA" + "IOSFODNN7REDACTME"[:16]
    result = fixed(f"def f():\n    # TODO: rotate {key}\n    pass\n")
    assert result.count(key) == 1  # the comment, which REL301 reports; not the new message
    assert f'raise NotImplementedError("f: rotate AKIA\u2026({len(key)} chars)")' in result


def test_demo_findings_are_those_expected_md_lists() -> None:
    from pathlib import Path

    demo = Path(__file__).resolve().parents[3] / "examples" / "legacy_pipeline"
    table = (demo / "EXPECTED.md").read_text(encoding="utf-8").split("## Deliberate negatives")[0]
    expected = set()
    for path, line, code in re.findall(r"^\| (pipeline/\S+) \| (\d+)[^|]*\| (REL40\d) \|", table, re.M):
        expected.add((path, int(line), code))
    found = set()
    for path in sorted((demo / "pipeline").glob("*.py")):
        for f in check_text(path.read_text(encoding="utf-8"), ["REL401", "REL402"], path=f"pipeline/{path.name}"):
            found.add((f"pipeline/{path.name}", f.line, f.code))
    assert len(expected) == 7
    assert found == expected
