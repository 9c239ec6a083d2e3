"""The TODO family as a user meets it (tests/MUTATION.md, rules.todos): what `reliability-lint
todos --format json` lists for each tagged comment (tag, column, text, owner, reference), and
what REL401 and REL402 report, through the click command in this process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_regressions_core import concise, run


def inventory(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[tuple[int, int, str, str, str | None, str | None]]:
    """(line, column, tag, text, reference, owner) of each TODO the inventory lists."""
    code, out, err = run(root, monkeypatch, "todos", "--format", "json", *args, ".")
    assert code == 0, out + err
    return [(t["line"], t["column"], t["tag"], t["text"], t["reference"], t["owner"]) for t in json.loads(out)["todos"]]


def test_the_inventory_reads_tag_owner_text_and_reference_of_each_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(
        "def load(rows):\n"
        "    # TODO(alice): batch the inserts\n"
        "    # FIXME(#12) retry\n"
        "    x = 1  # HACK - later, see PIPE-7\n"
        "    #: XXX: cast\n"
        "    # TODO(PIPE-8): tracked by its parentheses\n"
        "    # TODOS are not a tag, nor is ATODO\n"
        "    return rows\n"
    )
    assert sorted(inventory(tmp_path, monkeypatch)) == [
        (2, 7, "TODO", "batch the inserts", None, "alice"),
        (3, 7, "FIXME", "retry", "#12", None),
        (4, 14, "HACK", "later, see PIPE-7", "PIPE-7", None),
        (5, 8, "XXX", "cast", None, None),
        (6, 7, "TODO", "tracked by its parentheses", "PIPE-8", None),
    ]
    assert [t[0] for t in inventory(tmp_path, monkeypatch, "--untracked")] == [2, 5]


def test_a_reference_below_counts_only_on_comment_lines_at_the_same_column(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(
        "def load(rows):\n"
        "    # TODO: batch the inserts\n"
        "    #   https://example.com/t/9\n"  # further indented text of the same comment block
        "    rows = list(rows)  # TODO: trailing\n"
        "    # see #10\n"  # below a trailing comment: not its continuation
        "    # FIXME: deduplicate\n"
        "  # PIPE-3 at another column\n"
        "    # HACK: one\n"
        "    # TODO: another tag starts a new comment\n"
        "    # ABC-1\n"
        "    return rows\n"
    )
    found = {line: reference for line, _, _, _, reference, _ in inventory(tmp_path, monkeypatch)}
    assert found == {2: "https://example.com/t/9", 4: None, 6: None, 8: None, 9: "ABC-1"}


def test_a_reference_below_a_todo_at_the_end_of_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text("x = 1\n# TODO: last\n# #77")
    assert [t[4] for t in inventory(tmp_path, monkeypatch)] == ["#77"]
    (tmp_path / "job.py").write_text("x = 1\n# TODO: last\n")
    assert [t[4] for t in inventory(tmp_path, monkeypatch)] == [None]


def test_author_is_reference_makes_an_owner_a_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text("# TODO(alice): batch\n# TODO: nobody\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:1: REL401", "job.py:2: REL401"]
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.todos]\nauthor-is-reference = true\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:2: REL401"]
    assert sorted(inventory(tmp_path, monkeypatch)) == [(1, 3, "TODO", "batch", "alice", None), (2, 3, "TODO", "nobody", None, None)]


def test_configured_tags_and_reference_pattern_replace_the_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text("# TODO: a\n# LATER: b\n# NOW: c ticket 42\n# NOW: d #3\n")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.reliability-lint.todos]\ntags = ['LATER', 'NOW']\nreference-pattern = 'ticket \\d+'\n"
    )
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:2: REL401", "job.py:4: REL401"]


def test_rel401_reports_the_tag_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text("x = 1  # FIXME: later\n")
    code, out, _ = run(tmp_path, monkeypatch, "check", "--no-cache", "--select", "REL401", "--output-format", "json", ".")
    assert code == 1
    (finding,) = json.loads(out)
    assert finding["message"] == "FIXME without a tracking reference (an issue `#123`, a key `ABC-123` or a URL)"
    assert (finding["location"], finding["end_location"]) == ({"row": 1, "column": 10}, {"row": 1, "column": 15})


def test_max_age_without_git_reports_every_untracked_todo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text("# TODO: a\n# TODO: b #4\n")
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.todos]\nmax-age = 30\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--select", "REL401", ".") == ["job.py:1: REL401"]


# ------------------------------------------------------------------ REL402


def stubs(root: Path, monkeypatch: pytest.MonkeyPatch, text: str, name: str = "job.py") -> list[tuple[int, int, int, str]]:
    (root / name).write_text(text)
    code, out, err = run(root, monkeypatch, "check", "--no-cache", "--select", "REL402", "--output-format", "json", name)
    assert code in (0, 1), out + err
    return [(f["location"]["row"], f["location"]["column"], f["end_location"]["column"], f["message"]) for f in json.loads(out)]


def test_a_stub_is_named_by_its_qualified_name_and_marker_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "class Loader:\n"
        "    def load(self):\n"
        "        # TODO: read the rows\n"
        "        return None\n"
        "\n"
        "    async def save(self):\n"
        '        """Save.\n\n        TODO: write them."""\n'
        "\n"
        "def outer():\n"
        "    def inner():\n"
        "        pass\n"
        "        # FIXME: not done\n"
        "    return inner\n"
    )
    assert stubs(tmp_path, monkeypatch, text) == [
        (2, 5, 13, "`Loader.load` is a stub (marked at line 3) that returns as if it worked"),
        (6, 5, 19, "`Loader.save` is a stub (marked at line 9) that returns as if it worked"),
        (12, 5, 14, "`outer.inner` is a stub (marked at line 14) that returns as if it worked"),
    ]


def test_only_bodies_that_do_nothing_are_stubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bodies = {
        "a": "pass", "b": "...", "c": "return", "d": "return None", "e": "'''text'''",
        "f": "logging.info('x')", "g": "self.log.warning('x')", "h": "logger.debug('x')",
        "i": "return 0", "j": "print('x')", "k": "self.helper.info('x')", "l": "x = 1", "m": "raise NotImplementedError",
    }  # fmt: skip
    text = "import logging\n\n" + "".join(f"def {name}(self):\n    # TODO: finish\n    {body}\n\n" for name, body in bodies.items())
    named = [message.split("`")[1] for *_, message in stubs(tmp_path, monkeypatch, text)]
    assert named == ["a", "b", "c", "d", "e", "f", "g", "h"]


def test_interfaces_and_declarations_are_not_stubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "import abc\nfrom typing import Protocol, overload\n\n"
        "class Reader(Protocol):\n    def read(self):\n        ...  # TODO: document\n\n"
        "class Base(abc.ABC):\n    def read(self):\n        pass  # TODO: subclasses\n\n"
        "class Meta(metaclass=abc.ABCMeta):\n    def read(self):\n        pass  # TODO: subclasses\n\n"
        "class Half(abc.ABC):\n    def read(self):\n        pass  # TODO: half\n    def ok(self):\n        return 1\n\n"
        "class Plain:\n    @abc.abstractmethod\n    def read(self):\n        pass  # TODO: abstract\n"
        "    @overload\n    def f(self, x: int) -> int: ...  # TODO: typed\n"
    )
    assert [row for row, *_ in stubs(tmp_path, monkeypatch, text)] == [17]
    assert stubs(tmp_path, monkeypatch, "def f():\n    pass  # TODO: x\n", name="job.pyi") == []


def test_not_implemented_wording_marks_a_stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "def a():\n    # Not yet implemented\n    pass\n\n"
        'def b():\n    """Unimplemented for now."""\n\n'
        "def c():\n    # implemented elsewhere\n    pass\n"
    )
    assert [message.split("`")[1] for *_, message in stubs(tmp_path, monkeypatch, text)] == ["a", "b"]


def test_a_marker_counts_inside_the_function_and_its_indented_comments_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "# TODO: above the function\n"
        "def a():\n    pass\n"
        "# TODO: below, not indented\n\n"
        "def b():\n    pass\n    # FIXME: indented below\n"
    )
    assert [(row, message.split("`")[1]) for row, *_, message in stubs(tmp_path, monkeypatch, text)] == [(6, "b")]


def test_the_inventory_and_the_stub_fix_show_credentials_in_a_todo_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(
        "def send(rows):\n"
        '    # TODO: log in with password="Hx7qLm2pZr9tKw4v" at https://bot:Zq8vW3nR6tY1@mail.example.com/\n'
        "    # FIXME(AKIAIOSFODNN7EXAMPLE): rotate, key AKIAIOSFODNN7EXAMPLE\n"
        "    pass\n"
    )
    code, out, err = run(tmp_path, monkeypatch, "todos", "--format", "json", ".")
    assert code == 0, out + err
    for secret in ("Hx7qLm2pZr9tKw4v", "Zq8vW3nR6tY1", "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in out, secret
    todos = {t["line"]: t for t in json.loads(out)["todos"]}
    assert todos[2]["text"] == 'log in with password="Hx7q…(16 chars)" at https://bot:…(16 chars)@mail.example.com/'
    assert todos[3]["owner"] == "AKIA…(20 chars)" and todos[3]["text"] == "rotate, key AKIA…(20 chars)"
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--select", "REL402", "--unsafe-fixes", "--output-format", "json", ".")
    assert code == 1, out + err
    (finding,) = json.loads(out)
    assert "Hx7qLm2pZr9tKw4v" not in out and "Zq8vW3nR6tY1" not in out
    assert finding["fix"]["message"] == "Raise `NotImplementedError` instead of returning"
    (edit,) = finding["fix"]["edits"]  # the words of the TODO, their credentials redacted
    assert edit["content"] == 'raise NotImplementedError("send: log in with password=\\"Hx7q…(16 chars)\\" at https://bot:…(16 chars)@mail.example.com/")'


def test_short_and_nested_credentials_in_a_todo_are_redacted_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(
        'x = 1  # TODO: password="Zq8vW3" works\n'
        'y = 2  # TODO: api_key="AKIAIOSFODNN7EXAMPLEXYZQ" rotate\n'
    )
    code, out, err = run(tmp_path, monkeypatch, "todos", "--format", "json", ".")
    assert code == 0, out + err
    texts = [t["text"] for t in json.loads(out)["todos"]]
    assert texts == ['password="…(6 chars)" works', 'api_key="AKIA…(24 chars)" rotate']
