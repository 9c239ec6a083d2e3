"""Exit codes: 0 nothing reported, 1 findings remain, 2 usage, configuration or internal
error; asserted for every command of the click group, so commands added later are held
to it too."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from conftest import run_tool
from reliability_lint.cli import cli as group

COMMANDS = sorted(group.commands)
SWALLOW = "def f():\n    try:\n        g()\n    except:\n        pass\n"


def _params(name: str) -> dict[str, click.Parameter]:
    return {param.name: param for param in group.commands[name].params}


def _takes_paths(name: str) -> bool:
    return isinstance(_params(name).get("paths"), click.Argument)


PATH_COMMANDS = [name for name in COMMANDS if _takes_paths(name)]
# Commands that write something from the findings (a baseline, an inventory, a report)
# succeed when they have written it; the gates exit 1 while findings remain.
PRODUCERS = {"baseline", "report", "todos"}
CONFIG_COMMANDS = [name for name in COMMANDS if "config" in _params(name)]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_is_0_and_a_bad_flag_is_2(cli, tmp_path: Path, name: str) -> None:
    assert cli(name, "--help", cwd=tmp_path)[0] == 0
    code, _, err = cli(name, "--no-such-flag", cwd=tmp_path)
    assert code == 2 and "No such option" in err


def test_unknown_command_and_version(cli, tmp_path: Path) -> None:
    assert cli("no-such-command", cwd=tmp_path)[0] == 2
    assert cli("--version", cwd=tmp_path)[0] == 0


@pytest.mark.parametrize("name", CONFIG_COMMANDS)
def test_a_broken_config_is_2_with_one_line_naming_it(cli, tmp_path: Path, name: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL1'\n")
    (tmp_path / "a.py").write_text(SWALLOW)
    args = [name, "REL101"] if name == "explain" else [name]
    code, out, err = cli(*args, cwd=tmp_path)
    assert code == 2, out
    assert len(err.strip().splitlines()) == 1 and "pyproject.toml" in err and "invalid TOML" in err


@pytest.mark.parametrize("name", CONFIG_COMMANDS)
def test_an_unknown_config_key_is_2_for_every_command(cli, tmp_path: Path, name: str) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselct = ['REL1']\n")
    (tmp_path / "a.py").write_text(SWALLOW)
    args = [name, "REL101"] if name == "explain" else [name]
    code, out, err = cli(*args, cwd=tmp_path)
    assert code == 2, out
    assert "'tool.reliability-lint.selct'" in err


@pytest.mark.parametrize("name", PATH_COMMANDS)
def test_path_commands_clean_findings_and_usage(cli, tmp_path: Path, name: str) -> None:
    (tmp_path / "clean.py").write_text("x = 1\n")
    assert cli(name, "clean.py", cwd=tmp_path)[0] == 0
    (tmp_path / "bad.py").write_text(SWALLOW)
    assert cli(name, "bad.py", cwd=tmp_path)[0] == (0 if name in PRODUCERS else 1)
    if "exit_zero" in _params(name):
        assert cli(name, "--exit-zero", "bad.py", cwd=tmp_path)[0] == 0
    if "select" in _params(name):
        assert cli(name, "--select", "NOPE1", "clean.py", cwd=tmp_path)[0] == 2
    if "output_format" in _params(name):
        assert cli(name, "--output-format", "no-such-format", "clean.py", cwd=tmp_path)[0] == 2


@pytest.mark.parametrize("name", PATH_COMMANDS)
def test_unreadable_input_is_a_finding_not_an_error(cli, tmp_path: Path, name: str) -> None:
    """A file that cannot be checked is reported (exit 1); the tool itself did not fail."""
    (tmp_path / "broken.py").write_text("def f(:  # TODO(#1)\n")  # a file a rule reads (REL000's page)
    code, out, err = cli(name, "broken.py", "missing.py", cwd=tmp_path)
    assert code == (0 if name in PRODUCERS else 1)
    assert "broken.py" in out + err and "missing.py" in out + err


def test_fix_and_diff(cli, tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("try:\n    g()\nexcept:\n    raise\n")
    assert cli("fix", "--diff", "a.py", cwd=tmp_path)[0] == 1  # something would change
    assert cli("fix", "a.py", cwd=tmp_path)[0] == 0  # fixed, nothing remains
    assert cli("fix", "--diff", "a.py", cwd=tmp_path)[0] == 0
    (tmp_path / "b.py").write_text(SWALLOW)
    assert cli("fix", "b.py", cwd=tmp_path)[0] == 1  # unsafe fixes only: findings remain


def test_explain_and_rules(cli, tmp_path: Path) -> None:
    assert cli("rules", cwd=tmp_path)[0] == 0
    assert cli("explain", "REL101", cwd=tmp_path)[0] == 0
    assert cli("explain", "REL999", cwd=tmp_path)[0] == 2


CRASHING_RULE = '''
import ast
from reliability_lint.registry import rule

@rule("ACME1", "crashes", "Crashes on a name", "P3", nodes=(ast.Name,))
def crash(node, ctx):
    if node.id == "boom":
        raise ValueError("sk_live_do_not_print_me")
'''


def test_a_crashing_rule_is_2_and_the_other_files_are_still_checked(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "acme.py").write_text(CRASHING_RULE)
    (tmp_path / "crash.py").write_text("boom\n")
    (tmp_path / "bad.py").write_text(SWALLOW)
    result = run_tool("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "crash.py:1:1: REL000 internal error while checking: ValueError in crash (acme.py:" in result.stdout
    assert "bad.py:4:5: REL101" in result.stdout
    assert "sk_live_do_not_print_me" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
