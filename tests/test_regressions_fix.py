"""The fix stage as a user meets it (tests/MUTATION.md, `fix` and `fixing`): what `fix`
writes and prints, `fix --diff`, the files it refuses to write and the fixes it cannot
make, through the click command in this process and `reliability_lint.testing`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from test_regressions_core import run

STUBS = "def f():\n    # TODO: x\n    pass\n\ndef g():\n    # TODO: y\n    pass\n"
FIXED = 'def f():\n    # TODO: x\n    raise NotImplementedError("f: x")\n\ndef g():\n    # TODO: y\n    raise NotImplementedError("g: y")\n'
FIX = ("fix", "--no-cache", "--unsafe-fixes", "--select", "REL402")


def test_fix_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(STUBS)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "--diff", ".")
    assert code == 1, out + err
    assert out == (
        "--- a/job.py\n+++ b/job.py\n@@ -1,7 +1,7 @@\n def f():\n     # TODO: x\n"
        '-    pass\n+    raise NotImplementedError("f: x")\n \n def g():\n     # TODO: y\n'
        '-    pass\n+    raise NotImplementedError("g: y")\n'
    )
    assert "Would fix 2 problems." in err
    assert (tmp_path / "job.py").read_text() == STUBS


def test_fix_writes_the_fixed_file_whole_and_keeps_its_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    job.chmod(0o751)
    code, out, err = run(tmp_path, monkeypatch, *FIX, ".")
    assert code == 0, out + err
    assert "Fixed 2 problems." in out + err
    assert job.read_text() == FIXED
    assert stat.S_IMODE(job.stat().st_mode) == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.py"]  # no temporary left


def test_fix_keeps_the_files_newlines_and_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_bytes(b"\xef\xbb\xbf" + STUBS.replace("\n", "\r\n").replace("# TODO: x", "# TODO: caf\xc3\xa9".encode("latin-1").decode("utf-8")).encode())
    assert run(tmp_path, monkeypatch, *FIX, ".")[0] == 0
    expected = FIXED.replace("\n", "\r\n").replace("# TODO: x", "# TODO: caf\u00e9").replace('"f: x"', '"f: caf\u00e9"')
    assert job.read_bytes() == b"\xef\xbb\xbf" + expected.encode()


def test_a_file_with_other_hard_links_is_not_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    os.link(job, tmp_path / "copy.py")
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] not fixed: the file has 2 hard links; a fix (written by rename) would split them" in out
    assert out.count("REL402") == 2  # what remains is reported
    assert "Fixed" not in out + err
    assert job.read_text() == STUBS


def test_a_symbolic_link_out_of_the_tree_is_not_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "job.py").write_text(STUBS)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "job.py").symlink_to(outside / "job.py")
    code, out, err = run(tree, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert f"REL000 [P1] not fixed: job.py resolves to {outside / 'job.py'}, outside the checked tree {tree}" in out
    assert (outside / "job.py").read_text() == STUBS
    # a link inside the tree is followed: the file it points at is fixed
    (tree / "real.py").write_text(STUBS)
    (tree / "link.py").symlink_to(tree / "real.py")
    assert run(tree, monkeypatch, *FIX, "link.py")[0] == 0
    assert (tree / "real.py").read_text() == FIXED and (tree / "link.py").is_symlink()


def test_a_read_only_file_is_left_unchanged_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    job.chmod(0o444)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] cannot write fixes: job.py is read-only; file left unchanged" in out
    assert "Fixed" not in out + err
    assert job.read_text() == STUBS


def test_a_fix_that_cannot_be_computed_is_named_and_the_others_still_apply(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # libcst cannot parse a line continued into a blank line, which Python accepts; f's
    # `pass` shares a line with a call of two lines, the shape REL402 leaves to libcst
    job = tmp_path / "job.py"
    job.write_text("def g():\n    # TODO: y\n    pass\n\ndef f():\n    # TODO: x\n    logger.info('a',\n                'b'); pass \\\n\n")
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    (line,) = [line for line in out.splitlines() if "REL000" in line]
    assert line == (
        "job.py:5:1: REL000 [P1] fix for REL402 at line 5 not applied: "
        "libcst cannot parse the statement at line 5: Syntax Error @ 1:1."
    )
    assert job.read_text().startswith('def g():\n    # TODO: y\n    raise NotImplementedError("g: y")\n')


def test_check_shows_each_fix_with_its_edits_and_drops_the_fixes_that_cannot_be_computed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub = "def f():\n    # TODO: x\n    logger.info('a',\n                'b'); pass \\\n\n\n"  # the libcst way, which fails here
    (tmp_path / "job.py").write_text(stub + "def g():\n    # TODO: y\n    pass\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--unsafe-fixes", "--select", "REL402", "--output-format", "json", ".")
    assert code == 1, out + err
    found = {f["location"]["row"]: f["fix"] for f in json.loads(out)}
    assert found[1] is None
    assert [(e["location"], e["end_location"], e["content"]) for e in found[7]["edits"]] == [
        ({"row": 9, "column": 5}, {"row": 9, "column": 9}, 'raise NotImplementedError("g: y")')
    ]


def test_fix_of_standard_input_prints_the_fixed_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from reliability_lint.cli import cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*FIX, "--stdin-filename", "job.py", "-"], input=STUBS.encode())
    assert result.exit_code == 0, result.output
    assert result.stdout == FIXED
    assert not (tmp_path / "job.py").exists()


@pytest.mark.parametrize("same_size_and_time", [False, True])
def test_a_file_saved_while_it_was_being_fixed_is_left_as_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, same_size_and_time: bool
) -> None:
    """An editor saves the file after the fixes were computed from the version read."""
    from reliability_lint import fixing

    job = tmp_path / "job.py"
    job.write_text(STUBS)
    saved = STUBS.replace("# TODO: y", "# TODO: z") if same_size_and_time else STUBS + "x = 1\n"
    compute = fixing.fix_source

    def save_meanwhile(*args: object, **kwargs: object) -> object:
        result = compute(*args, **kwargs)  # type: ignore[arg-type]
        before = job.stat()
        job.write_text(saved)
        if same_size_and_time:
            os.utime(job, ns=(before.st_atime_ns, before.st_mtime_ns))
        return result

    monkeypatch.setattr(fixing, "fix_source", save_meanwhile)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "cannot write fixes: the file changed on disk while it was being fixed (run again); file left unchanged" in out
    assert job.read_text() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.py"]


def test_two_fixes_that_need_one_import_add_it_once() -> None:
    from reliability_lint.testing import fix_text

    text = 'API_KEY = "Hx7qLm2pZr9tKw4vQ8"\nDB_PASSWORD = "Zq8vW3nR6tY1pL0k"\n'
    assert fix_text(text, ["REL301"]) == 'import os\n\nAPI_KEY = os.environ["API_KEY"]\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'


def test_the_fixes_of_one_handler_and_of_nested_calls_all_apply() -> None:
    from reliability_lint.testing import fix_text

    handler = "def load():\n    try:\n        run()\n    except:\n        pass\n"
    assert fix_text(handler, ["REL101", "REL102"]) == (
        "import logging\n\ndef load():\n    try:\n        run()\n    except Exception:\n"
        '        logging.exception("Error in load; continuing")\n'
    )
    calls = "import requests\nrequests.get(requests.get(u).url)\n"
    assert fix_text(calls, ["REL204"]) == "import requests\nrequests.get(requests.get(u, timeout=30).url, timeout=30)\n"


BLOCKS = (
    "import functools\nclass Store:\n    @property\n    @functools.cache\n    def size(self):\n        # TODO: count\n        return None\n"
    "if FAST:\n    pass\nelse:\n    def load():\n        pass  # TODO: slow path\n"
    "try:\n    import ujson\nexcept ImportError:\n    def dumps(x): pass  # TODO: fallback\nfinally:\n    def close(): ...  # FIXME: close\n"
    "match MODE:\n    case 1:\n        def one():\n            # TODO: one\n            pass\n"
    "for _ in ():\n    pass\nelse:\n    x = 1; y = 2\n    def last():\n        ...  # TODO: last\n"
)
BLOCKS_FIXED = (
    "import functools\nclass Store:\n    @property\n    @functools.cache\n    def size(self):\n        # TODO: count\n"
    '        raise NotImplementedError("Store.size: count")\n'
    'if FAST:\n    pass\nelse:\n    def load():\n        raise NotImplementedError("load: slow path")  # TODO: slow path\n'
    'try:\n    import ujson\nexcept ImportError:\n    def dumps(x): raise NotImplementedError("dumps: fallback")  # TODO: fallback\n'
    'finally:\n    def close(): raise NotImplementedError("close: close")  # FIXME: close\n'
    'match MODE:\n    case 1:\n        def one():\n            # TODO: one\n            raise NotImplementedError("one: one")\n'
    'for _ in ():\n    pass\nelse:\n    x = 1; y = 2\n    def last():\n        raise NotImplementedError("last: last")  # TODO: last\n'
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_statement_is_fixed_in_every_kind_of_block_with_the_files_newlines(newline: str) -> None:
    from reliability_lint.testing import fix_text

    assert fix_text(BLOCKS.replace("\n", newline), ["REL402"]) == BLOCKS_FIXED.replace("\n", newline)


def test_a_file_read_by_a_fallback_encoding_is_checked_but_not_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deploy = tmp_path / "deploy.sh"
    data = b"#!/bin/sh\n# caf\xe9\ngcloud run deploy api --allow-unauthenticated --region us\n"  # latin-1, not UTF-8
    deploy.write_bytes(data)
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--unsafe-fixes", "deploy.sh")
    assert code == 1, out + err
    assert "deploy.sh:1:1: REL000 [P1] not fixed: decoded by a fallback encoding; fixes are not written back" in out
    assert "REL511" in out and deploy.read_bytes() == data
    # the same script in UTF-8 is fixed
    deploy.write_bytes(data.replace(b"\xe9", b"\xc3\xa9"))
    assert run(tmp_path, monkeypatch, "fix", "--no-cache", "--unsafe-fixes", "deploy.sh")[0] == 0
    assert b"--no-allow-unauthenticated" in deploy.read_bytes()


def test_a_fix_the_files_encoding_cannot_hold_is_not_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    data = b'# -*- coding: latin-1 -*-\ndef f():\n    # TODO: password="Hx7qLm2pZr9tKw4v" caf\xe9\n    pass\n'
    job.write_bytes(data)  # the fix's message holds the redaction's ellipsis, which latin-1 has not
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] cannot write fixes: 'latin-1' codec can't encode character '\\u2026'" in out
    assert "; file left unchanged" in out and "REL402" in out
    assert job.read_bytes() == data


def test_a_file_with_nothing_to_fix_is_not_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    before = job.stat()
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--select", "REL402", "job.py")  # REL402's fix is unsafe
    assert code == 1, out + err
    assert out.count("REL402") == 2
    after = job.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert job.read_text() == STUBS


def test_a_value_replaced_in_place_keeps_the_text_around_it() -> None:
    from reliability_lint.testing import fix_text

    assert fix_text('import requests\nrequests.get("caf\u00e9", timeout=None)  # \u00e9\n', ["REL204"]) == (
        'import requests\nrequests.get("caf\u00e9", timeout=30)  # \u00e9\n'
    )
    assert fix_text("import requests\nrequests.get(\n    u,\n    timeout=None,\n)\n", ["REL204"]) == (
        "import requests\nrequests.get(\n    u,\n    timeout=30,\n)\n"
    )


def test_fixed_text_is_verified_by_parsing_python_only() -> None:
    from reliability_lint.fix import parsed, parses

    assert parses("x = 1\n", Path("job.py")) and parses("def f(: ...\n", Path("deploy.sh"))
    assert not parses("def f(:\n", Path("job.py")) and not parses("x = (\n", Path("job.pyi"))
    assert parses("x = '\\d'\n", Path("job.py"))  # a legacy escape warns, it still parses
    tree = parsed("x = 1\n", Path("job.py"))
    assert not isinstance(tree, bool) and [type(s).__name__ for s in tree.body] == ["Assign"]
    assert parsed("x\n", Path("notes.txt")) is True and parsed("x = (\n", Path("job.py")) is False


def test_a_node_found_inside_the_statement_is_replaced_through_its_parse() -> None:
    """The wait-first fix through libcst (a comment among the arguments) replaces the
    `.to_dataframe()` call that it finds inside the node the check pointed at."""
    from reliability_lint.testing import fix_text

    text = (
        "from google.cloud import bigquery\n\ndef f(client: bigquery.Client, sql):\n    job = client.query(sql, timeout=5)\n"
        "    return job.to_dataframe(progress_bar_type=None,  # no bar\n                            max_results=10)\n"
    )
    fixed = fix_text(text, ["REL201"], unsafe_fixes=False)
    assert fixed.startswith(text[: text.index("    return")])
    assert "    return job.result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None" in fixed


def test_a_symbolic_link_to_another_folder_of_the_project_is_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    (tmp_path / "b" / "real.py").write_text(STUBS)
    (tmp_path / "a" / "link.py").symlink_to(tmp_path / "b" / "real.py")
    code, out, err = run(tmp_path, monkeypatch, *FIX, "a/link.py")
    assert code == 0, out + err
    assert (tmp_path / "b" / "real.py").read_text() == FIXED


def _no_tmpfile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)  # macOS, the BSDs


def _link_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(1, "linkat through /proc refused")

    monkeypatch.setattr(os, "link", refuse)


def _first_name_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    real, calls = os.link, []

    def once_taken(*args: object, **kwargs: object) -> None:
        calls.append(args)
        if len(calls) == 1:
            raise FileExistsError(17, "taken")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", once_taken)


@pytest.mark.parametrize("system", [None, _no_tmpfile, _link_refused, _first_name_taken], ids=["o_tmpfile", "no-o_tmpfile", "link-refused", "name-taken"])
def test_every_way_of_writing_replaces_the_file_whole_keeps_its_mode_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: object
) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    job.chmod(0o640)
    if system is not None:
        system(monkeypatch)  # type: ignore[operator]
    code, out, err = run(tmp_path, monkeypatch, *FIX, ".")
    assert code == 0, out + err
    assert job.read_text() == FIXED
    assert stat.S_IMODE(job.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.py"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root can hand a file to another user")
@pytest.mark.parametrize("system", [None, _no_tmpfile], ids=["o_tmpfile", "no-o_tmpfile"])
def test_a_fix_run_as_root_leaves_a_user_s_file_owned_by_the_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: object) -> None:
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    os.chown(job, 1234, 2345)
    job.chmod(0o640)
    if system is not None:
        system(monkeypatch)  # type: ignore[operator]
    code, out, err = run(tmp_path, monkeypatch, *FIX, ".")
    assert code == 0, out + err
    assert job.read_text() == FIXED
    status = job.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (1234, 2345, 0o640)

@pytest.mark.parametrize("system", [None, _no_tmpfile], ids=["o_tmpfile", "no-o_tmpfile"])
def test_a_write_that_fails_leaves_the_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: object) -> None:
    """The disk fills while the fixed text is flushed: the original stays as it was, the
    half-written temporary is removed, and the file is named with the reason."""
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    if system is not None:
        system(monkeypatch)  # type: ignore[operator]

    def full(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, out, err = run(tmp_path, monkeypatch, *FIX, ".")
    assert code == 1, out + err
    assert job.read_text() == STUBS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.py"]
    assert "job.py" in out + err and "No space left on device" in out + err


def test_fix_diff_names_on_stderr_what_it_leaves_out_and_fails_on_a_file_it_could_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The diff is only what could be fixed: a file that could not be read and a fix that
    could not be made are named on stderr (the diff on stdout stays a clean patch), and a
    file not read fails the run even when nothing else would change."""
    (tmp_path / "job.py").write_text(STUBS)
    (tmp_path / "blob.py").write_bytes(b"\x00\x01binary")
    # the libcst way, which fails here (test_a_fix_that_cannot_be_computed_is_named_...)
    (tmp_path / "stuck.py").write_text("def f():\n    # TODO: x\n    logger.info('a',\n                'b'); pass \\\n\n")
    code, out, err = run(tmp_path, monkeypatch, *FIX, "--diff", ".")
    assert code == 1, out + err
    assert out.startswith("--- a/job.py\n+++ b/job.py\n") and "REL000" not in out
    assert err.splitlines() == [
        "blob.py:1:1: REL000 binary file (contains NUL bytes)",
        "stuck.py:1:1: REL000 fix for REL402 at line 1 not applied: libcst cannot parse the statement at line 1: Syntax Error @ 1:1.",
        "Would fix 2 problems.",
    ]
    (tmp_path / "job.py").write_text(FIXED)  # nothing left to fix: the unread file still fails
    code, out, err = run(tmp_path, monkeypatch, *FIX, "--diff", "job.py", "blob.py")
    assert (code, out) == (1, ""), err
    (tmp_path / "blob.py").unlink()
    code, out, err = run(tmp_path, monkeypatch, *FIX, "--diff", ".")
    assert (code, out) == (0, ""), err
    assert "stuck.py:1:1: REL000 fix for REL402" in err


# A local rule whose safe fix opens a parenthesis it never closes.
BREAKING_RULE = '''
import ast
from reliability_lint.findings import Fix
from reliability_lint.registry import rule

@rule("FIX901", "breaking-fix", "Offers a fix that breaks the file", "P3", fix="safe", nodes=(ast.Name,))
def breaking(node, ctx):
    if node.id == "x":
        at = ctx.source.offset(node.lineno, node.col_offset)
        ctx.report("FIX901", node, "x", fix=Fix("safe", "Break it", compute=lambda fix: [fix.edit(at, at, "(")]))
'''


def _forget_local_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules a test registers (a local rule loaded, a pack run) are forgotten after it."""
    from dataclasses import fields

    from reliability_lint.registry import REGISTRY, load_rules

    load_rules()
    for each in fields(REGISTRY):
        monkeypatch.setattr(REGISTRY, each.name, type(getattr(REGISTRY, each.name))(getattr(REGISTRY, each.name)))


def test_a_fix_that_would_not_parse_is_named_and_leaves_the_file_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _forget_local_rules(monkeypatch)
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "breaking.py").write_text(BREAKING_RULE)
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    job = tmp_path / "job.py"
    job.write_text("y = 1\nx = 2\n")
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--no-progress", "--select", "FIX901", "job.py")
    assert code == 1, out + err
    assert "job.py:2:1: REL000 [P1] fix for FIX901 at line 2 not applied: the fixed code does not parse; file left unchanged" in out
    assert "Fixed" not in out + err  # the fix dropped is not counted
    assert job.read_text() == "y = 1\nx = 2\n"
    code, out, err = run(tmp_path, monkeypatch, "fix", "--diff", "--no-cache", "--no-progress", "--select", "FIX901", "job.py")
    assert (code, out) == (0, ""), err  # as a fix not computed (test_fix_diff_names_on_stderr_...)
    assert err.splitlines() == [
        "job.py:2:1: REL000 fix for FIX901 at line 2 not applied: the fixed code does not parse; file left unchanged",
        "Would fix 0 problems.",
    ]


def test_check_lists_a_finding_without_a_fix_beside_the_fixes_of_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(STUBS)
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--unsafe-fixes", "--select", "REL401,REL402", "--output-format", "json", ".")
    assert code == 1, out + err
    found = sorted((f["code"], f["location"]["row"], f["fix"] is None) for f in json.loads(out))
    assert found == [("REL401", 2, True), ("REL401", 6, True), ("REL402", 1, False), ("REL402", 5, False)]


def test_a_file_holding_a_secret_is_fixed_and_the_secret_still_reported_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixed code is checked again: the secret it still holds is found and redacted there too."""
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nextend-safe-fixes = ["REL402"]\n')
    creds = tmp_path / "creds.py"
    creds.write_text('password = "Hx7qLm2pZr9tKw4v"\n\n\ndef send(alert):\n    # TODO: log in\n    pass\n')
    code, out, err = run(tmp_path, monkeypatch, "fix", "--no-cache", "--no-progress", "--select", "REL301,REL402", "creds.py")
    assert code == 1, out + err
    assert "creds.py:1:12: REL301 [P0] Hardcoded password in `password`: Hx7q…(16 chars)" in out
    assert "REL000" not in out and "Hx7qLm2pZr9t" not in out + err
    assert "Fixed 1 problem." in out
    assert creds.read_text().endswith('    raise NotImplementedError("send: log in")\n')


# A pack's family declared final although its fix makes another appear (print -> log -> log_warning).
CASCADE = '''
import ast
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import final_fixes, rule

def _rename(ctx, node, code, old, new):
    if isinstance(node.func, ast.Name) and node.func.id == old:
        at, end = (node.lineno, node.col_offset), (node.lineno, node.col_offset + len(old))
        ctx.report(code, node, old, fix=Fix("safe", new, compute=lambda _: [Edit(at, end, new)]))

@rule("FIX911", "print-call", "print()", "P3", fix="safe", nodes=(ast.Call,), family="cascade")
def print_call(node, ctx):
    _rename(ctx, node, "FIX911", "print", "log")

@rule("FIX912", "log-call", "log()", "P3", fix="safe", nodes=(ast.Call,), family="cascade")
def log_call(node, ctx):
    _rename(ctx, node, "FIX912", "log", "log_warning")

final_fixes("cascade")
'''


def test_fix_text_fixes_until_nothing_changes_whatever_a_family_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    """fix_text is what `fix` writes (a pack's tests see every round), not what `fix --diff`
    shows when it trusts the family's promise (tests/test_fix_applicability.py)."""
    from reliability_lint.testing import fix_text

    _forget_local_rules(monkeypatch)
    exec(compile(CASCADE, "cascade.py", "exec"), {})
    assert fix_text("print('hi')\n", ["FIX911", "FIX912"]) == "log_warning('hi')\n"


def test_a_file_given_from_outside_the_project_is_fixed_within_its_own_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, elsewhere, other = tmp_path / "project", tmp_path / "elsewhere", tmp_path / "other"
    for folder in (project, elsewhere, other):
        folder.mkdir()
    (project / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    (elsewhere / "job.py").write_text(STUBS)
    (other / "real.py").write_text(STUBS)
    (elsewhere / "link.py").symlink_to(other / "real.py")
    code, out, err = run(project, monkeypatch, *FIX, "--no-progress", str(elsewhere / "job.py"), str(elsewhere / "link.py"))
    assert code == 1, out + err
    assert (elsewhere / "job.py").read_text() == FIXED
    # the checked tree of a file given from elsewhere is its folder, which the link leaves
    assert f"REL000 [P1] not fixed: {elsewhere / 'link.py'} resolves to {other / 'real.py'}, outside the checked tree {elsewhere}" in out
    assert (other / "real.py").read_text() == STUBS


def test_a_file_deleted_while_it_was_being_fixed_is_not_written_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reliability_lint import fixing

    job = tmp_path / "job.py"
    job.write_text(STUBS)
    compute = fixing.fix_source

    def delete_meanwhile(*args: object, **kwargs: object) -> object:
        result = compute(*args, **kwargs)  # type: ignore[arg-type]
        job.unlink()
        return result

    monkeypatch.setattr(fixing, "fix_source", delete_meanwhile)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "--no-progress", "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] cannot write fixes: No such file or directory; file left unchanged" in out
    assert not job.exists() and list(tmp_path.iterdir()) == []
