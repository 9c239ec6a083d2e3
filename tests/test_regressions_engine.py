"""Regressions for the engine (issue 18, mutation testing of reliability_lint/engine.py): each
test pins behaviour a user sees through the command line, reliability_lint.testing or the
language server's Linter, and fails with the mutants it was written for (tests/MUTATION.md,
section h/mut-engine)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

BARE = "try:\n    g()\nexcept:{comment}\n    pass\n"


def run(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


SECRET = "password = 'hunter2hunter2Xy9'"
CALLS = "import requests, subprocess\n\n\ndef f(u):\n    requests.get(u)\n    subprocess.call('ls')  # TODO tidy\n"


def repository(path: Path) -> None:
    """A git repository with one commit (without one, git state is "no repository")."""
    from conftest import git

    git("init", "-q", cwd=path)
    git("commit", "-q", "--allow-empty", "-m", "start", cwd=path)


def check(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    code, out, err = run(cwd, monkeypatch, "check", "--no-progress", "--output-format", "concise", *args)
    return code, out + err


def test_fix_classes_follow_extend_safe_and_unsafe_fixes() -> None:
    def fixes(**kwargs: list[str]) -> list[tuple[str, str | None]]:
        found = check_text(CALLS, ["REL204", "REL207", "REL401"], **kwargs)  # type: ignore[arg-type]
        return sorted((f.code, f.fix.applicability if f.fix else None) for f in found)

    assert fixes() == [("REL204", "safe"), ("REL207", "unsafe"), ("REL401", None)]
    assert fixes(extend_safe_fixes=["REL2"]) == [("REL204", "safe"), ("REL207", "safe"), ("REL401", None)]
    assert fixes(extend_unsafe_fixes=["REL2"]) == [("REL204", "unsafe"), ("REL207", "unsafe"), ("REL401", None)]
    assert fixes(extend_safe_fixes=["REL207"], extend_unsafe_fixes=["REL204"]) == [
        ("REL204", "unsafe"), ("REL207", "safe"), ("REL401", None)
    ]  # fmt: skip


def test_only_the_selected_rules_are_reported() -> None:
    assert sorted(f.code for f in check_text(CALLS, ["REL207"])) == ["REL207"]
    assert [f.code for f in check_text(CALLS, ["REL4"])] == ["REL401"]


def test_json_output_carries_each_fix_s_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    (tmp_path / "job.py").write_text(CALLS)
    code, out, _ = run(tmp_path, monkeypatch, "check", "--no-progress", "--output-format", "json", "--select", "REL204,REL401")
    assert code == 1
    rows = {row["code"]: row["fix"] for row in json.loads(out)}
    assert rows["REL401"] is None
    assert rows["REL204"]["edits"] == [
        {"content": ", timeout=30", "location": {"row": 5, "column": 19}, "end_location": {"row": 5, "column": 19}}
    ]
    # the same file checked again (from the cache) keeps its edits; a concise run has none to show
    code, again, _ = run(tmp_path, monkeypatch, "check", "--no-progress", "--output-format", "json", "--select", "REL204,REL401")
    assert again == out
    assert check(tmp_path, monkeypatch, "--select", "REL204,REL401")[1].count("REL") == 2


def test_fix_applies_safe_fixes_and_unsafe_ones_only_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(CALLS)
    for _ in range(2):  # the second run has the first one's findings in the cache
        _, out, _ = run(tmp_path, monkeypatch, "check", "--no-progress", "--diff", "--fix", "--select", "REL2")
        assert "+    requests.get(u, timeout=30)" in out and "timeout=3600" not in out
    assert job.read_text() == CALLS
    run(tmp_path, monkeypatch, "fix", "--no-progress", "--select", "REL2")
    assert "requests.get(u, timeout=30)" in job.read_text() and "subprocess.call('ls')" in job.read_text()
    run(tmp_path, monkeypatch, "fix", "--no-progress", "--select", "REL2", "--unsafe-fixes")
    assert "subprocess.call('ls', timeout=3600)" in job.read_text()
    assert check(tmp_path, monkeypatch, "--select", "REL2")[0] == 0


def test_files_that_cannot_be_read_as_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.secrets]\nmax-file-size = 120\n")
    (tmp_path / "poetry.lock").write_text(f"{SECRET}\n")
    (tmp_path / "big.yaml").write_text(f"{SECRET}\n" + "#" * 100 + "\n")
    (tmp_path / "data.yaml").write_bytes(b"a: 1\x00\n")
    (tmp_path / "wide.yaml").write_bytes(f"{SECRET}\n".encode("utf-16"))
    (tmp_path / "latin.yaml").write_bytes(f"{SECRET}  # caf\xe9\n".encode("latin-1"))
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    (tmp_path / "syntax.py").write_text(BARE.format(comment="") + "def f(:\n")
    code, out = check(tmp_path, monkeypatch, "--select", "REL0,REL1,REL302")
    assert code == 1
    assert out.splitlines()[-4:] == [
        "Found 4 problems (0 fixable).", "Skipped 1 binary file.", "Skipped 1 lock file.", "Skipped 1 oversized file."
    ]  # fmt: skip
    assert sorted(out.splitlines()[:-4]) == [
        "latin.py:1:1: REL000 cannot decode as utf-8 (line 1, byte 5)",
        "latin.yaml:1:13: REL302 Secret Keyword in a config file: hunt…(17 chars)",
        "syntax.py:5:7: REL000 syntax error at line 5: invalid syntax",
        "wide.yaml:1:13: REL302 Secret Keyword in a config file: hunt…(17 chars)",
    ]
    # a .env is read whatever its bytes
    (tmp_path / ".env").write_bytes(b"X=\x00\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
    assert check(tmp_path, monkeypatch, "--select", "REL302", ".env")[1].splitlines()[0] == (
        ".env:2:23: REL302 AWS Access Key in a dotenv file: wJal…(40 chars)"
    )
    run(tmp_path, monkeypatch, "fix", "--no-progress", "--select", "ALL")
    assert (tmp_path / "latin.yaml").read_bytes() == f"{SECRET}  # caf\xe9\n".encode("latin-1")  # never rewritten


def test_a_secret_is_redacted_where_its_rules_are_not_selected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "job.py").write_text(f"{SECRET}  # TODO tidy\n")
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.per-file-ignores]\n'job.py' = ['REL3']\n")
    for args in (("--select", "REL401"), ()):
        code, out, _ = run(tmp_path, monkeypatch, "check", "--no-progress", *args)
        assert code == 1 and "REL401" in out and "REL301" not in out
        assert "hunter2hunter2" not in out and "hunt…(17 chars)" in out


# A local rule that reads the world besides the file: what it reports tells a cached result
# (the file unchanged, the flag gone, the finding still there) from a fresh check.
PROBE_RULE = '''
import ast, os, signal
from pathlib import Path
from reliability_lint.findings import Fix
from reliability_lint.registry import collector, rule

@rule("ENG901", "engine-probe", "Reports the name x while a flag file exists", "P3", nodes=(ast.Name,))
def probe(node, ctx):
    if node.id != "x":
        return
    if Path("interrupt").exists():
        try:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C
        except KeyboardInterrupt:
            raise RuntimeError("what libcst's parser makes of it")
    if Path("crash").exists():
        raise ValueError("sk_live_do_not_print_me")
    if Path("recurse").exists():
        raise RecursionError
    if Path("edit").exists():  # as an editor saving the file while a fix is computed
        with open(ctx.source.path, "a") as file:
            file.write("# saved meanwhile\\n")
    if Path("flag").exists():
        closure = Fix("unsafe", "Drop x", compute=lambda src: []) if Path("closure").exists() else None
        ctx.report("ENG901", node, "flagged", fix=closure)

@rule("ENG902", "engine-git-probe", "Reports the name y while a flag file exists", "P3", nodes=(ast.Name,), reads_git=True)
def git_probe(node, ctx):
    if node.id == "y" and Path("flag").exists():
        ctx.report("ENG902", node, "flagged")

@rule("ENG903", "engine-closure-probe", "Reports the name z with a fix that is a closure", "P3", nodes=(ast.Name,), fix="unsafe")
def closure_probe(node, ctx):
    if node.id == "z":  # the fix survives held_to_declaration (ENG901 declares none)
        ctx.report("ENG903", node, "closure", fix=Fix("unsafe", "Drop z", compute=lambda src: computed()))

def computed():
    Path("computed").write_text("")  # the fix's edits were computed
    return []

@collector("todos")
def probe_todos(ctx):
    if Path("crash").exists():
        raise ValueError("sk_live_do_not_print_me")
    if Path("recurse").exists():
        raise RecursionError
'''


@pytest.fixture
def probe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path with the probe rule as a local rule; the rule is forgotten after the test."""
    from dataclasses import fields

    from reliability_lint.registry import REGISTRY, load_rules

    load_rules()  # the built-in families into the registry itself, before it is copied
    for each in fields(REGISTRY):
        monkeypatch.setattr(REGISTRY, each.name, type(getattr(REGISTRY, each.name))(getattr(REGISTRY, each.name)))
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "engine_probe.py").write_text(PROBE_RULE)
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    return tmp_path


def probed(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    return check(cwd, monkeypatch, "--select", "ENG901,REL2", *args)


def test_a_crashing_rule_is_named_not_cached_and_the_other_files_are_checked(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "job.py").write_text("x = 1\n")
    (probe / "calls.py").write_text(CALLS)
    (probe / "crash").write_text("")
    code, out = check(probe, monkeypatch, "--select", "ENG901,REL204", "job.py", "calls.py")
    line = PROBE_RULE.splitlines().index('        raise ValueError("sk_live_do_not_print_me")') + 1
    assert code == 2
    assert out.splitlines()[:3] == [
        "calls.py:5:5: REL204 [*] `requests.get()` sends an HTTP request with no `timeout`",
        f"job.py:1:1: REL000 internal error while checking: ValueError in probe (engine_probe.py:{line})",
        "Found 2 problems (1 fixable).",
    ]
    assert "sk_live" not in out
    (probe / "crash").unlink()
    assert check(probe, monkeypatch, "--select", "ENG901,REL204", "job.py", "calls.py")[1].splitlines()[1] == (
        "Found 1 problem (1 fixable)."
    )


def test_a_check_s_findings_are_cached_in_each_output_mode(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "job.py").write_text("x = 1\n")
    json_run = ("check", "--no-progress", "--output-format", "json", "--select", "ENG901")
    for flagged in (lambda: probed(probe, monkeypatch)[1], lambda: run(probe, monkeypatch, *json_run)[1]):
        (probe / "flag").write_text("")
        assert "flagged" in flagged()
        (probe / "flag").unlink()
        assert "flagged" in flagged()  # the file did not change: its cached findings
    assert probed(probe, monkeypatch, "--no-cache")[0] == 0


def test_a_fix_run_and_standard_input_leave_nothing_in_the_cache(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = probe / "job.py"
    job.write_text("x = 1\n")
    (probe / "flag").write_text("")
    run(probe, monkeypatch, "fix", "--no-progress", "--select", "ENG901")
    result = CliRunner().invoke(cli, ["check", "--no-progress", "--select", "ENG901", "--stdin-filename", "job.py", "-"], input="x = 1\n")
    assert "flagged" in result.stdout
    (probe / "flag").unlink()
    assert probed(probe, monkeypatch) == (0, "All checks passed!\n")


def test_a_cached_finding_with_a_fix_is_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = tmp_path / "job.py"
    job.write_text(CALLS)
    assert check(tmp_path, monkeypatch, "--select", "REL207")[0] == 1  # cached: an unsafe fix
    run(tmp_path, monkeypatch, "fix", "--no-progress", "--select", "REL207")
    assert "timeout=3600" not in job.read_text()
    run(tmp_path, monkeypatch, "fix", "--no-progress", "--select", "REL207", "--unsafe-fixes")
    assert "subprocess.call('ls', timeout=3600)" in job.read_text()


def test_only_the_findings_of_rules_that_read_git_follow_git(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository(probe)
    (probe / "sub").mkdir()
    (probe / "sub" / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL303', 'ENG901']\n")
    for folder in (probe, probe / "sub"):
        (folder / ".env").write_text("DEBUG=1\n")
        (folder / "job.py").write_text("x = 1\n")
    (probe / "flag").write_text("")
    assert sorted(check(probe, monkeypatch, "--select", "REL303,ENG901")[1].splitlines()[:4]) == [
        ".env:1:1: REL303 `.env` is not ignored by .gitignore: the next `git add` commits it",
        "job.py:1:1: ENG901 flagged",
        "sub/.env:1:1: REL303 `sub/.env` is not ignored by .gitignore: the next `git add` commits it",
        "sub/job.py:1:1: ENG901 flagged",
    ]
    (probe / "flag").unlink()
    (probe / ".gitignore").write_text(".env\n")
    assert sorted(check(probe, monkeypatch, "--select", "REL303,ENG901")[1].splitlines()[:2]) == [
        "job.py:1:1: ENG901 flagged",  # a Python file's findings do not read git: still the cached ones
        "sub/job.py:1:1: ENG901 flagged",
    ]


def test_the_todo_inventory_reads_python_files_and_names_those_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.py").write_text("# TODO(#12) python one\nx = 1\n")
    (tmp_path / "c.yaml").write_text("# TODO: not a Python comment\na: 1\n")
    (tmp_path / "lat.py").write_bytes(b"x = '\xe9'  # TODO three\n")
    (tmp_path / "sub").mkdir()  # a folder of its own configuration is collected too
    (tmp_path / "sub" / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL1']\n")
    (tmp_path / "sub" / "b.py").write_text("# FIXME: sub one\n")
    code, out, err = run(tmp_path, monkeypatch, "todos", "--format", "csv")
    assert code == 0
    assert out.splitlines()[1:] == ["a.py,1,3,TODO,python one,#12,True,,,,,", "sub/b.py,1,3,FIXME,sub one,,False,,,,,"]
    assert err == "error: lat.py: cannot decode as utf-8 (line 1, byte 5)\n"


def test_a_run_in_worker_processes_reports_what_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    for n in range(17):
        (tmp_path / f"job{n:02}.py").write_text(CALLS)
    (tmp_path / "job16.py").write_text("x = 1\n")
    expected = [f"job{n:02}.py:5:5: REL204 [*] `requests.get()` sends an HTTP request with no `timeout`" for n in range(16)]
    for _ in range(2):  # the second run from the cache, the first in a pool
        code, out = check(tmp_path, monkeypatch, "-j", "2", "--select", "REL204")
        assert (code, out.splitlines()[:-2]) == (1, expected)
    (tmp_path / "job16.py").write_text(CALLS)  # one file to check again, the others cached
    code, out, _ = run(tmp_path, monkeypatch, "check", "--no-progress", "-j", "2", "--output-format", "json", "--select", "REL204,REL207")
    rows = json.loads(out)
    assert len(rows) == 34 and all(row["fix"]["edits"] for row in rows)
    run(tmp_path, monkeypatch, "fix", "--no-progress", "-j", "2", "--select", "REL204")
    assert all("requests.get(u, timeout=30)" in path.read_text() for path in tmp_path.glob("*.py"))


def test_a_python_file_follows_git_when_a_todo_age_limit_is_set(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository(probe)
    table = '[tool.reliability-lint]\nlocal-rules = "{}lint_rules"\n[tool.reliability-lint.todos]\nmax-age = 30\n'
    (probe / "pyproject.toml").write_text(table.format(""))
    (probe / "sub").mkdir()  # a configuration of its own: its settings take the run's git state too
    (probe / "sub" / "pyproject.toml").write_text(table.format("../"))
    for folder in (probe, probe / "sub"):
        (folder / "job.py").write_text("x = 1\n")
    (probe / "flag").write_text("")
    assert check(probe, monkeypatch, "--select", "REL4,ENG901")[1].splitlines()[:2] == [
        "job.py:1:1: ENG901 flagged", "sub/job.py:1:1: ENG901 flagged"
    ]  # fmt: skip
    (probe / "flag").unlink()
    (probe / ".gitignore").write_text(".env\n")
    assert check(probe, monkeypatch, "--select", "REL4,ENG901")[1] == "All checks passed!\n"


def test_the_local_rules_of_a_nested_configuration_are_loaded(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    (probe / "lint_rules").rename(probe / "sub_rules")
    (probe / "sub").mkdir()
    (probe / "sub_rules").rename(probe / "sub" / "lint_rules")
    (probe / "sub" / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\nselect = ["ENG901"]\n')
    (probe / "sub" / "job.py").write_text("x = 1\n")
    (probe / "flag").write_text("")
    assert check(probe, monkeypatch, "--no-cache", "sub/job.py")[1].splitlines()[0] == "sub/job.py:1:1: ENG901 flagged"


def test_ctrl_c_inside_a_rule_stops_that_run_and_no_later_one(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C is the run's, as on the command line
    try:
        (probe / "job.py").write_text("x = 1\n")
        (probe / "interrupt").write_text("")
        assert run(probe, monkeypatch, "check", "--no-progress", "--select", "ENG901")[::2] == (130, "interrupted\n")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        (probe / "interrupt").unlink()
        (probe / "crash").write_text("")  # a later run in this process reports a crash as one
        assert "internal error while checking: ValueError" in check(probe, monkeypatch, "--select", "ENG901")[1]
    finally:
        signal.signal(signal.SIGINT, previous)


BASE = "from google.cloud import bigquery\n\n\nclass Base:\n    def __init__(self):\n        self.bq = bigquery.Client()\n"
NOT_BIGQUERY = BASE.replace("bigquery.Client()", "make_client()")
JOB = "from lib.base import Base\n\n\nclass Job(Base):\n    def run(self):\n        return self.bq.query('SELECT 1').result()\n"


def test_the_language_server_checks_against_its_open_buffers(tmp_path: Path) -> None:
    from reliability_lint.server.linting import Linter

    (tmp_path / "lib").mkdir()
    (tmp_path / "jobs").mkdir()
    (tmp_path / "lib" / "base.py").write_text(BASE)
    (tmp_path / "jobs" / "job.py").write_text(JOB)
    linter = Linter(lambda: [tmp_path])
    job = tmp_path / "jobs" / "job.py"
    assert [(f.code, f.line) for f in linter.diagnose(job, JOB).findings] == [("REL201", 6), ("REL202", 6)]
    linter.set_buffer(tmp_path / "lib" / "base.py", NOT_BIGQUERY)  # unsaved: no longer a BigQuery client
    assert linter.diagnose(job, JOB).findings == []


def test_a_run_s_project_is_forgotten_when_it_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "base.py").write_text(BASE)
    (tmp_path / "job.py").write_text(JOB)
    assert check(tmp_path, monkeypatch, "--select", "REL201")[1].startswith("job.py:6:16: REL201")
    assert check_text(JOB, ["REL201"], path="job.py") == []  # `lib` is nowhere to be found here
    (tmp_path / "lib" / "base.py").write_text(NOT_BIGQUERY)  # job.py's cached findings read it
    assert check(tmp_path, monkeypatch, "--select", "REL201") == (0, "All checks passed!\n")


def test_a_rule_too_deep_for_the_stack_and_an_unreadable_path_are_file_errors(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "job.py").write_text("x = 1\n")
    (probe / "broken.py").symlink_to(probe / "missing.py")
    (probe / "recurse").write_text("")
    assert check(probe, monkeypatch, "--select", "ENG901", "job.py", "broken.py")[1].splitlines()[:3] == [
        "broken.py:1:1: REL000 broken symbolic link",
        "job.py:1:1: REL000 too deeply nested to check",
        "Found 2 problems (0 fixable).",
    ]


def test_a_notebook_s_findings_are_cached_too(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nbformat.write(new_notebook(cells=[new_code_cell("import requests\nrequests.get(u)"), new_code_cell("x = 1")]), probe / "n.ipynb")
    (probe / "flag").write_text("")
    expected = [
        "n.ipynb:cell 1, line 2, col 1: REL204 [*] `requests.get()` sends an HTTP request with no `timeout`",
        "n.ipynb:cell 2, line 1, col 1: ENG901 flagged",
    ]
    assert probed(probe, monkeypatch, "n.ipynb")[1].splitlines()[:2] == expected
    (probe / "flag").unlink()
    assert probed(probe, monkeypatch, "n.ipynb")[1].splitlines()[:2] == expected


def test_a_crashing_collector_is_named_as_a_crashing_rule_is(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "a.py").write_text("# TODO(#12) python one\n")
    line = PROBE_RULE.splitlines().index("def probe_todos(ctx):") + 3
    for flag, error in [("crash", f"internal error while checking: ValueError in probe_todos (engine_probe.py:{line})"),
                        ("recurse", "too deeply nested to check")]:  # fmt: skip
        (probe / flag).write_text("")
        code, out, err = run(probe, monkeypatch, "todos", "--format", "csv", "a.py", "lint_rules")
        assert (code, out.splitlines()[1:], err) == (0, [], f"error: a.py: {error}\nerror: lint_rules/engine_probe.py: {error}\n")
        (probe / flag).unlink()


def test_each_file_is_checked_with_its_own_rules_and_options(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table = "[tool.reliability-lint]\nlocal-rules = '{}lint_rules'\n[tool.reliability-lint.todos]\nauthor-is-reference = {}\n"
    (probe / "pyproject.toml").write_text(table.format("", "false") + "[tool.reliability-lint.per-file-ignores]\n'a.py' = ['REL204']\n")
    (probe / "sub").mkdir()
    (probe / "sub" / "pyproject.toml").write_text(table.format("../", "false"))
    for path in ("a.py", "b.py", "sub/job.py"):
        (probe / path).write_text("x = 1\n" + CALLS.replace("  # TODO tidy", ""))
    (probe / "flag").write_text("")
    flagged = ["a.py:1:1: ENG901", "b.py:1:1: ENG901", "b.py:6:5: REL204", "sub/job.py:1:1: ENG901"]
    lines = [" ".join(line.split()[:2]) for line in check(probe, monkeypatch, "--select", "ENG901,REL204,REL4")[1].splitlines()]
    assert lines[:5] == [*flagged, "sub/job.py:6:5: REL204"]
    (probe / "flag").unlink()
    (probe / "sub" / "pyproject.toml").write_text(table.format("../", "true"))  # only sub/job.py is checked again
    lines = [" ".join(line.split()[:2]) for line in check(probe, monkeypatch, "--select", "ENG901,REL204,REL4")[1].splitlines()]
    assert lines[:4] == [*flagged[:3], "sub/job.py:6:5: REL204"]


def test_a_fix_is_not_written_over_a_file_changed_meanwhile(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    job = probe / "job.py"
    job.write_text("x = 1\n" + CALLS)
    (probe / "edit").write_text("")
    _, out, _ = run(probe, monkeypatch, "fix", "--no-progress", "--output-format", "concise", "--select", "ENG901,REL204")
    assert "job.py:1:1: REL000 cannot write fixes: the file changed on disk while it was being fixed (run again)" in out
    assert job.read_text().startswith("x = 1\n" + CALLS + "# saved meanwhile\n")


def test_a_rule_that_declares_it_reads_git_keys_a_python_file_on_git(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository(probe)
    (probe / "job.py").write_text("x = 1\n")
    (probe / "git.py").write_text("y = 1\n")
    (probe / "flag").write_text("")
    flagged = ["git.py:1:1: ENG902 flagged", "job.py:1:1: ENG901 flagged", "Found 2 problems (0 fixable)."]
    assert check(probe, monkeypatch, "--select", "ENG901,ENG902")[1].splitlines() == flagged
    (probe / "flag").unlink()
    assert check(probe, monkeypatch, "--select", "ENG901,ENG902")[1].splitlines() == flagged  # git unchanged: cached
    (probe / ".gitignore").write_text(".env\n")
    assert check(probe, monkeypatch, "--select", "ENG901,ENG902")[1] == "All checks passed!\n"


def test_only_a_configuration_with_a_todo_age_limit_keys_its_files_on_git(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repository(probe)
    (probe / "other").mkdir()
    (probe / "other" / "pyproject.toml").write_text(
        '[tool.reliability-lint]\nlocal-rules = "../lint_rules"\n[tool.reliability-lint.todos]\nmax-age = 30\n'
    )
    for folder in (probe, probe / "other"):
        (folder / "job.py").write_text("x = 1\n")
    (probe / "flag").write_text("")
    assert check(probe, monkeypatch, "--select", "ENG901,REL401")[1].splitlines()[:2] == [
        "job.py:1:1: ENG901 flagged", "other/job.py:1:1: ENG901 flagged"
    ]  # fmt: skip
    (probe / "flag").unlink()
    (probe / ".gitignore").write_text(".env\n")
    assert check(probe, monkeypatch, "--select", "ENG901,REL401")[1].splitlines() == [
        "job.py:1:1: ENG901 flagged", "Found 1 problem (0 fixable)."
    ]  # fmt: skip


def test_a_cached_file_follows_the_selection_fix_classes_output_and_import_roots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    (tmp_path / "calls.py").write_text(CALLS)
    assert check(tmp_path, monkeypatch, "--select", "REL204")[1].startswith("calls.py:5:5: REL204 [*]")
    assert check(tmp_path, monkeypatch, "--select", "REL207")[1].startswith("calls.py:6:5: REL207 `subprocess")
    table = "[tool.reliability-lint]\nextend-safe-fixes = {}\nextend-unsafe-fixes = {}\nroots = {}\n"
    both = ("--select", "REL204,REL207")
    assert [line.split(" ")[2] for line in check(tmp_path, monkeypatch, *both)[1].splitlines()[:2]] == ["[*]", "`subprocess.call()`"]
    (tmp_path / "pyproject.toml").write_text(table.format(["REL207"], [], []))
    assert [line.split(" ")[2] for line in check(tmp_path, monkeypatch, *both)[1].splitlines()[:2]] == ["[*]", "[*]"]
    (tmp_path / "pyproject.toml").write_text(table.format(["REL207"], ["REL204"], []))
    assert [line.split(" ")[2] for line in check(tmp_path, monkeypatch, *both)[1].splitlines()[:2]] == ["`requests.get()`", "[*]"]
    out = run(tmp_path, monkeypatch, "check", "--no-progress", "--output-format", "json", *both)[1]
    assert [bool(row["fix"]["edits"]) for row in json.loads(out)] == [True, True]  # not the concise run's entry
    (tmp_path / "vendored" / "lib").mkdir(parents=True)
    (tmp_path / "vendored" / "lib" / "base.py").write_text(BASE)
    (tmp_path / "job.py").write_text(JOB)
    (tmp_path / "pyproject.toml").write_text(table.format([], [], ["elsewhere"]))
    assert check(tmp_path, monkeypatch, "--select", "REL201", "job.py")[0] == 0
    (tmp_path / "pyproject.toml").write_text(table.format([], [], ["vendored"]))
    assert check(tmp_path, monkeypatch, "--select", "REL201", "job.py")[1].startswith("job.py:6:16: REL201")


def test_a_fix_that_is_a_closure_does_not_leave_its_worker_process(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(16):
        (probe / f"job{n:02}.py").write_text("x = 1\nz = 2\n")
    (probe / "flag").write_text("")
    (probe / "closure").write_text("")
    code, out = check(probe, monkeypatch, "-j", "2", "--no-cache", "--select", "ENG901,ENG903")
    expected = [line for n in range(16) for line in (f"job{n:02}.py:1:1: ENG901 flagged", f"job{n:02}.py:2:1: ENG903 closure")]
    assert (code, out.splitlines()[:32]) == (1, expected)


def test_a_baseline_names_the_files_it_could_not_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "calls.py").write_text(CALLS)
    (tmp_path / "latin.py").write_bytes(b"x = '\xe9'\n")
    code, _, err = run(tmp_path, monkeypatch, "baseline", "--select", "REL0,REL204")
    assert (code, err.splitlines()[1:]) == (0, ["latin.py:1:1: REL000 cannot decode as utf-8 (line 1, byte 5) (not recorded)"])


def test_a_file_read_by_a_fallback_encoding_is_never_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = b"#!/bin/sh\n# caf\xe9\ngcloud run deploy svc --allow-unauthenticated\n"
    (tmp_path / "deploy.sh").write_bytes(script)
    _, out, _ = run(tmp_path, monkeypatch, "fix", "--no-progress", "--unsafe-fixes", "--select", "REL511", "--output-format", "concise")
    assert out.startswith("deploy.sh:1:1: REL000 not fixed: decoded by a fallback encoding; fixes are not written back\n")
    assert (tmp_path / "deploy.sh").read_bytes() == script


def test_a_run_leaves_an_ignored_ctrl_c_ignored(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as under `nohup` or a caller that handles it
    try:
        (probe / "job.py").write_text("x = 1\n")
        (probe / "interrupt").write_text("")
        assert check(probe, monkeypatch, "--select", "ENG901")[0] == 0
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


PINNED = "from google.cloud import bigquery\n\nrows = bigquery.Client().list_rows('t', timeout=5)\nframe = rows.to_dataframe()\n"


def test_a_file_whose_findings_read_the_pins_comes_from_the_cache_while_they_are_unchanged(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")  # accepts the download's timeout
    (probe / "daily>jobs").mkdir()  # the folder the pins are looked up from holds the fact's separator
    (probe / "daily>jobs" / "job.py").write_text(PINNED + "x = 1\n")
    (probe / "flag").write_text("")

    def found() -> list[str]:
        out = check(probe, monkeypatch, "--select", "ENG901,REL206", "daily>jobs/job.py")[1]
        return sorted(line.split(" ")[1] for line in out.splitlines() if ": " in line)

    assert found() == ["ENG901", "REL206"]
    (probe / "flag").unlink()
    assert found() == ["ENG901", "REL206"]  # nothing it read changed: the cached findings
    (probe / "requirements.txt").write_text("google-cloud-bigquery==3.39.0\n")
    assert found() == []  # the pins it read changed: checked again


def test_a_file_whose_findings_read_other_modules_comes_from_the_cache_while_its_imports_find_the_same(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each import's lookup (a project module, a library, a module missing) is recorded with
    the file's findings; the cached findings hold while every lookup finds what it found."""
    (probe / "pkg").mkdir()
    (probe / "pkg" / "__init__.py").write_text("")
    (probe / "pkg" / "clients.py").write_text("import requests\n\ndef make():\n    return requests.Session()\n")
    (probe / "pkg" / "job.py").write_text("import requests\nfrom pkg.clients import make\nfrom pkg.missing import thing\n\nmake().get('u')\nthing().get('v')\nx = 1\n")
    (probe / "flag").write_text("")

    def found() -> list[str]:
        out = check(probe, monkeypatch, "--select", "ENG901,REL204", "pkg/job.py")[1]
        return sorted(line.split(" ")[1] for line in out.splitlines() if ": " in line)

    assert found() == ["ENG901", "REL204"]
    (probe / "flag").unlink()
    assert found() == ["ENG901", "REL204"]  # every import finds what it found: the cached findings
    (probe / "pkg" / "missing.py").write_text("def thing():\n    return object()\n")
    assert found() == ["REL204"]  # an import that found nothing finds a module now: checked again


# ---------------------------------------------------------------- h/engine2 (survivors of run 8)


def test_check_text_redacts_a_secret_where_its_rules_are_not_selected() -> None:
    """reliability_lint.testing (a rule-pack author's view) shows a finding as the command
    line does: a secret on its line redacted though REL3 is not selected."""
    found = check_text(f"{SECRET}  # TODO tidy\n", ["REL401"])
    assert [(f.code, f.source_line, f.fingerprint_text) for f in found] == [
        ("REL401", "password = 'hunt…(17 chars)'  # TODO tidy", "password = 'hunt…(17 chars)'  # TODO tidy")
    ]


def test_a_python_file_is_never_skipped_by_the_text_files_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.secrets]\nmax-file-size = 120\n")
    (tmp_path / "Dockerfile.py").write_text(CALLS + "# padding\n" * 10)  # a Python file, and a Dockerfile's text by name
    assert check(tmp_path, monkeypatch, "--select", "REL204")[1].splitlines()[:2] == [
        "Dockerfile.py:5:5: REL204 [*] `requests.get()` sends an HTTP request with no `timeout`", "Found 1 problem (1 fixable)."
    ]  # fmt: skip


def test_standard_input_leaves_nothing_in_the_cache_for_its_file(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "job.py").write_text("x = 1\n")
    (probe / "flag").write_text("")
    args = ["check", "--no-progress", "--output-format", "concise", "--select", "ENG901"]
    monkeypatch.chdir(probe)
    result = CliRunner().invoke(cli, [*args, "--stdin-filename", "job.py", "-"], input="x = 1\n")
    assert result.stdout.splitlines()[0] == "job.py:1:1: ENG901 flagged"
    (probe / "flag").unlink()
    assert check(probe, monkeypatch, "--select", "ENG901") == (0, "All checks passed!\n")  # job.py checked, not the buffer's entry


def test_a_file_s_cached_findings_follow_only_the_modules_its_own_findings_read(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "pkg").mkdir()
    (probe / "pkg" / "__init__.py").write_text("")
    (probe / "pkg" / "clients.py").write_text("import requests\n\ndef make():\n    return requests.Session()\n")
    (probe / "a.py").write_text("from pkg.clients import make\n\nmake().get('u')\nx = 1\n")
    (probe / "b.py").write_text("x = 1\n")  # checked after a.py, reads no other module
    (probe / "flag").write_text("")
    assert [" ".join(line.split()[:2]) for line in check(probe, monkeypatch, "--select", "ENG901,REL204")[1].splitlines()[:3]] == [
        "a.py:3:1: REL204", "a.py:4:1: ENG901", "b.py:1:1: ENG901"
    ]  # fmt: skip
    (probe / "flag").unlink()
    (probe / "pkg" / "clients.py").write_text("def make():\n    return object()\n")  # what a.py read changed
    assert check(probe, monkeypatch, "--select", "ENG901,REL204")[1].splitlines() == [
        "b.py:1:1: ENG901 flagged", "Found 1 problem (0 fixable)."  # b.py: its cached findings
    ]  # fmt: skip


def test_a_run_in_worker_processes_checks_with_its_own_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(16):
        (tmp_path / f"job{n:02}.py").write_text(CALLS)
    assert check(tmp_path, monkeypatch, "--no-cache", "--select", "REL207", "job00.py")[0] == 1  # a run with other settings
    code, out = check(tmp_path, monkeypatch, "-j", "2", "--no-cache", "--select", "REL204")
    assert (code, out.splitlines()[:17]) == (
        1, [f"job{n:02}.py:5:5: REL204 [*] `requests.get()` sends an HTTP request with no `timeout`" for n in range(16)]
        + ["Found 16 problems (16 fixable)."]
    )  # fmt: skip


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each run as if it came long after the files were last written: a cache entry whose file
    status is the recorded one is trusted without reading the file (cache.py: the racy window)."""
    import reliability_lint.cache

    monkeypatch.setattr(reliability_lint.cache, "RACY_WINDOW_NS", -3600 * 10**9)


def test_a_file_unchanged_since_the_last_run_is_answered_from_its_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\n")  # one project, one cache
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "base.py").write_text(BASE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "job.py").write_text(JOB)  # its findings read lib/base.py
    assert check(tmp_path, monkeypatch, "--select", "REL201", "sub/job.py")[1].startswith("sub/job.py:6:16: REL201")
    for _ in range(2):
        assert check(tmp_path / "sub", monkeypatch, "--select", "REL201", "job.py")[1].startswith("job.py:6:16: REL201")
    (tmp_path / "lib" / "base.py").write_text(NOT_BIGQUERY)
    assert check(tmp_path / "sub", monkeypatch, "--select", "REL201", "job.py") == (0, "All checks passed!\n")


def test_a_fix_run_takes_an_unchanged_file_s_entry_when_nothing_in_it_is_fixable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    job = tmp_path / "job.py"
    job.write_text(CALLS)
    assert check(tmp_path, monkeypatch, "--select", "REL207")[0] == 1  # an unsafe fix: not fixable without --unsafe-fixes
    code, out, _ = run(tmp_path, monkeypatch, "fix", "--no-progress", "--output-format", "concise", "--select", "REL207")
    assert (code, out.splitlines()[0], job.read_text()) == (1, "job.py:6:5: REL207 `subprocess.call()` waits for the subprocess; pass `timeout=`", CALLS)
    run(tmp_path, monkeypatch, "fix", "--no-progress", "--select", "REL207", "--unsafe-fixes")
    assert "subprocess.call('ls', timeout=3600)" in job.read_text()


def test_a_warm_run_in_worker_processes_shows_each_fix_s_edits_after_a_concise_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    import json

    for n in range(16):
        (tmp_path / f"job{n:02}.py").write_text(CALLS)
    assert check(tmp_path, monkeypatch, "-j", "2", "--select", "REL207")[0] == 1  # entries without edits (concise)
    code, out, _ = run(tmp_path, monkeypatch, "check", "--no-progress", "-j", "2", "--output-format", "json", "--select", "REL207")
    rows = json.loads(out)
    assert (code, len(rows)) == (1, 16) and all(row["fix"]["edits"] for row in rows)


def test_spawned_worker_processes_load_the_local_rules_of_each_configuration(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a platform starts workers by spawning (macOS, Windows), each worker loads the
    rules itself, those of every configuration: nothing of the parent's registry is inherited."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    (probe / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    (probe / "sub").mkdir()
    (probe / "lint_rules").rename(probe / "sub" / "lint_rules")  # the nested configuration's own
    (probe / "sub" / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\nselect = ["ENG901"]\n')
    for n in range(16):
        (probe / "sub" / f"job{n:02}.py").write_text("x = 1\n")
    (probe / "flag").write_text("")
    code, out = check(probe, monkeypatch, "-j", "2", "--no-cache")
    assert (code, out.splitlines()[:17]) == (
        1, [f"sub/job{n:02}.py:1:1: ENG901 flagged" for n in range(16)] + ["Found 16 problems (0 fixable)."]
    )  # fmt: skip


def test_only_an_output_that_shows_edits_computes_them(probe: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (probe / "job.py").write_text("z = 2\n")
    assert check(probe, monkeypatch, "--select", "ENG903")[1].splitlines()[0] == "job.py:1:1: ENG903 closure"
    assert not (probe / "computed").exists()  # concise: no edits shown, none computed
    code = run(probe, monkeypatch, "check", "--no-progress", "--output-format", "json", "--select", "ENG903")[0]
    assert (code, (probe / "computed").exists()) == (1, True)
