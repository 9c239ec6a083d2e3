"""The content cache: reused when nothing changed, never trusted when anything did."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cache_files
import pytest
from conftest import run_tool

from reliability_lint.cache_table import FORMAT

SWALLOW = "def f():\n    try:\n        g()\n    except:\n        pass\n"


def folder(root: Path) -> Path:
    return root / ".reliability_lint_cache"


def findings(root: Path, *args: str) -> list[tuple[str, int, str]]:
    result = run_tool("check", "--output-format", "concise", *args, ".", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return sorted(line.split(" ", 2)[:2] for line in result.stdout.splitlines() if ": REL" in line)


def test_cache_is_created_with_its_gitignore_and_reused(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SWALLOW)
    first = findings(tmp_path)
    assert (folder(tmp_path) / ".gitignore").read_text().endswith("*\n")
    ((name, item),) = [(n, i) for n, i in cache_files.raw(folder(tmp_path)).items() if n.startswith("findings:")]
    assert name == f"findings:{tmp_path / 'a.py'}"
    # prove the second run reads the entry: plant a marker finding in it, signed with this
    # machine's key (an edit without the key is ignored: see test_gate_attacks)
    from reliability_lint.cache import machine_key

    data = json.loads(item[0])
    data["findings"][0]["message"] = "from the cache"
    cache_files.rewrite(folder(tmp_path), {name: [json.dumps(data), item[1]]})
    unsigned = run_tool("check", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert "from the cache" not in unsigned
    key = machine_key()
    assert key is not None
    cache_files.rewrite(folder(tmp_path), {name: cache_files.signed(key, name, data)})
    out = run_tool("check", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert "from the cache" in out
    assert "from the cache" not in run_tool("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path).stdout
    assert first == findings(tmp_path, "--no-cache")


def test_a_changed_file_is_checked_again(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text(SWALLOW)
    assert len(findings(tmp_path)) == 2
    path.write_text(SWALLOW.replace("except:", "except ValueError:"))
    assert findings(tmp_path) == []


def test_a_changed_configuration_invalidates(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("try:\n    g()\nexcept ValueError:\n    pass\n")
    assert findings(tmp_path) == []
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.exceptions]\ninclude-specific = true\n")
    assert [code for _, code in findings(tmp_path)] == ["REL102"]
    assert findings(tmp_path, "--ignore", "REL102") == []


def test_corrupt_and_truncated_entries_are_ignored_and_rewritten(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(SWALLOW)
    expected = findings(tmp_path)
    findings(tmp_path)  # merges the first run's journal into the table
    table = (folder(tmp_path) / "table").read_bytes() if (folder(tmp_path) / "table").exists() else b""
    damages = [b"", b"\x00\xff garbage", b"{}", FORMAT, FORMAT + b"0\t\"findings:x\"\t{}\n", table[: len(table) // 2]]
    for damage in damages:
        for path in cache_files.files(folder(tmp_path)):
            path.write_bytes(damage)
        assert findings(tmp_path) == expected
        (entry,) = cache_files.entries(folder(tmp_path)).values()
        assert entry["findings"]  # rewritten whole


@pytest.mark.slow
def test_concurrent_runs_on_one_cache_agree_with_no_cache(tmp_path: Path) -> None:
    for index in range(60):
        (tmp_path / f"m{index}.py").write_text(SWALLOW if index % 2 else "x = 1\n")
    command = [sys.executable, "-m", "reliability_lint", "check", "--output-format", "json", "."]
    runs = [subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [json.loads(run.communicate(timeout=120)[0]) for run in runs]
    reference = json.loads(run_tool("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path).stdout)
    assert all(output == reference for output in outputs)
    assert json.loads(run_tool("check", "--output-format", "json", ".", cwd=tmp_path).stdout) == reference


def test_fix_skips_cached_clean_files_and_fixes_the_rest(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("try:\n    g()\nexcept:\n    raise\n")
    (tmp_path / "b.py").write_text("x = 1\n")
    findings(tmp_path)
    assert run_tool("fix", ".", cwd=tmp_path).returncode == 0
    assert "except BaseException:" in (tmp_path / "a.py").read_text()
    assert findings(tmp_path) == []


def test_a_crash_of_a_rule_is_not_cached(tmp_path: Path) -> None:
    """A rule's bug is reported (exit 2) but not remembered: once it no longer crashes,
    the same unchanged file is checked for real."""
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "flaky.py").write_text(
        "import ast\nfrom pathlib import Path\nfrom reliability_lint.registry import rule\n\n"
        '@rule("ACME001", "flaky", "crashes while a marker file exists", "P3", nodes=(ast.Module,))\n'
        "def flaky(node, ctx):\n"
        "    if Path('crash-now').exists():\n"
        "        raise RuntimeError('bug')\n"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "crash-now").write_text("")
    crashed = run_tool("check", "a.py", cwd=tmp_path)
    assert crashed.returncode == 2 and "internal error while checking: RuntimeError" in crashed.stdout
    (tmp_path / "crash-now").unlink()
    assert run_tool("check", "a.py", cwd=tmp_path).returncode == 0


def test_git_state_invalidates_committed_env_findings_but_not_python_files(tmp_path: Path) -> None:
    from conftest import git

    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".env").write_text("DEBUG=1\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    git("add", ".env", "a.py", cwd=tmp_path)
    git("commit", "-qm", "init", cwd=tmp_path)
    assert [code for _, code in findings(tmp_path)] == ["REL303"]
    python = str(tmp_path / "a.py")

    def made(entry: dict) -> dict:
        return {k: v for k, v in entry.items() if k not in ("stat", "at")}  # not when it was checked

    before = cache_files.entries(folder(tmp_path))[python]
    assert before["git"] is None
    git("rm", "-q", "--cached", ".env", cwd=tmp_path)
    (tmp_path / ".gitignore").write_text(".env\n")
    git("add", ".gitignore", cwd=tmp_path)
    git("commit", "-qm", "stop tracking .env", cwd=tmp_path)
    assert findings(tmp_path) == []  # same .env bytes, new git state: checked again
    assert made(cache_files.entries(folder(tmp_path))[python]) == made(before)  # the Python file's does not depend on git
