"""What people read: severity and colour, help lines, --show-fixes, --output-file, --quiet,
--verbose, --color with NO_COLOR / FORCE_COLOR, REL000's position and the rules table."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reliability_lint.report.style import use_color

DEFECTS = (
    "import requests\n"
    "\n"
    "def load(url):\n"
    "    try:\n"
    "        return requests.get(url)\n"
    "    except:\n"
    "        pass\n"
    "\n"
    "# TODO: retry\n"
)
PASSWORD = "OwzdsvXB" + "JGbaxUwL"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args, *(["--no-cache"] if args[0] in ("check", "fix") else [])],
        cwd=cwd, capture_output=True, text=True, check=False, env=environ, timeout=120,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "job.py").write_text(DEFECTS, encoding="utf-8")
    return tmp_path


def test_severity_beside_the_code_and_a_help_line_per_fix(project: Path) -> None:
    out = run("check", "job.py", cwd=project).stdout
    assert "job.py:5:16: REL204 [P1] [*] `requests.get()`" in out
    assert "job.py:6:5: REL102 [P0] Exception swallowed" in out
    assert "job.py:9:3: REL401 [P3] " in out
    blocks = out.split("\n\n")
    rel204 = next(b for b in blocks if "REL204" in b)
    assert "  help: Add `timeout=30`" in rel204 and "unsafe" not in rel204
    rel101 = next(b for b in blocks if "REL101" in b)
    assert "help: Replace with `except Exception:` (unsafe: applied with `--unsafe-fixes`)" in rel101
    rel401 = next(b for b in blocks if "REL401" in b)
    assert "help:" not in rel401  # no fix, nothing to say it does
    unsafe = run("check", "job.py", "--unsafe-fixes", cwd=project).stdout
    assert "help: Replace with `except Exception:` (unsafe)\n" in unsafe
    assert not ANSI.search(out)  # not a terminal


def test_concise_keeps_the_one_line_shape_parsers_read(project: Path) -> None:
    lines = run("check", "job.py", "--output-format", "concise", cwd=project).stdout.splitlines()
    assert "job.py:5:16: REL204 [*] `requests.get()` sends an HTTP request with no `timeout`" in lines


def test_show_fixes_prints_each_fix_as_a_diff(project: Path) -> None:
    out = run("check", "job.py", "--show-fixes", "--select", "REL204,REL101", cwd=project).stdout
    rel204 = next(b for b in out.split("\n\n") if "REL204" in b)
    assert "    -        return requests.get(url)\n    +        return requests.get(url, timeout=30)" in rel204
    assert re.search(r"^    @@ -4,3 \+4,3 @@", rel204, re.M)
    rel101 = next(b for b in out.split("\n\n") if "REL101" in b)
    assert "    -    except:\n    +    except Exception:" in rel101
    assert project.joinpath("job.py").read_text() == DEFECTS  # a preview writes nothing
    plain = run("check", "job.py", "--select", "REL204", cwd=project).stdout
    assert "@@" not in plain


def test_show_fixes_never_prints_a_secret(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(f'SMTP_PASSWORD = "{PASSWORD}"\n', encoding="utf-8")
    result = run("check", ".", "--show-fixes", "--unsafe-fixes", cwd=tmp_path)
    assert "REL301 [P0]" in result.stdout and '+SMTP_PASSWORD = os.environ["SMTP_PASSWORD"]' in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    assert "-SMTP_PASSWORD = \"Owzd…(16 chars)\"" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab", "junit", "concise"])
def test_output_file_for_every_format_is_what_stdout_would_be_without_colour(project: Path, fmt: str) -> None:
    target = project / "out" / f"report.{fmt}"
    target.parent.mkdir()
    to_file = run("check", "job.py", "--output-format", fmt, "--output-file", str(target), "--color", "always", cwd=project)
    to_stdout = run("check", "job.py", "--output-format", fmt, cwd=project)
    assert to_file.returncode == to_stdout.returncode == 1
    assert to_file.stdout == ""
    written = target.read_text(encoding="utf-8")
    assert written == to_stdout.stdout and not ANSI.search(written)
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(written)


def test_output_file_in_a_missing_folder_is_one_line_and_exit_2(project: Path) -> None:
    result = run("check", "job.py", "--output-file", "nowhere/report.txt", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("error: nowhere/report.txt: cannot write") and result.stderr.count("\n") == 1


def test_quiet_prints_the_findings_only_and_verbose_says_what_ran(project: Path) -> None:
    quiet = run("check", "job.py", "--quiet", "--output-format", "concise", cwd=project)
    assert quiet.returncode == 1 and quiet.stderr == ""
    assert all(line.startswith("job.py:") for line in quiet.stdout.splitlines())
    assert "Found" not in quiet.stdout
    full = run("check", "job.py", "-q", cwd=project).stdout
    assert "REL102 [P0]" in full and "Found" not in full and not full.endswith("\n\n")
    assert run("check", "job.py", "-q", "--select", "REL204", "--ignore", "REL204", cwd=project).stdout == ""
    verbose = run("check", "job.py", "--verbose", cwd=project)
    assert re.search(r"^Checking 1 files with \d+ rules", verbose.stderr, re.M)
    assert re.search(r"^Done in \d+\.\d\d s\.$", verbose.stderr, re.M)
    assert verbose.stdout == run("check", "job.py", cwd=project).stdout


def test_color_flag_and_environment(project: Path) -> None:
    def colored(*args: str, **env: str) -> bool:
        return bool(ANSI.search(run("check", "job.py", *args, cwd=project, env=env).stdout))

    assert not colored()  # a pipe
    assert colored("--color", "always")
    assert colored("--color", "always", NO_COLOR="1")  # the flag wins over the variable
    assert not colored("--color", "never", FORCE_COLOR="1")
    assert colored(FORCE_COLOR="1")
    assert not colored(FORCE_COLOR="1", NO_COLOR="1")  # NO_COLOR wins over auto
    out = run("check", "job.py", "--color", "always", cwd=project).stdout
    assert "\x1b[31m\x1b[1mREL102 [P0]\x1b[0m" in out  # P0: red, bold
    assert "\x1b[31mREL204 [P1]\x1b[0m" in out  # P1: red
    assert "\x1b[34m\x1b[2mREL401 [P3]\x1b[0m" in out  # P3: blue, dim


def test_use_color_rules() -> None:
    assert use_color("auto", True, {}) and not use_color("auto", False, {})
    assert not use_color("auto", True, {"NO_COLOR": "1"})
    assert use_color("auto", True, {"NO_COLOR": ""})  # empty counts as unset
    assert use_color("auto", False, {"FORCE_COLOR": "1"})
    assert use_color("always", False, {"NO_COLOR": "1"}) and not use_color("never", True, {"FORCE_COLOR": "1"})


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("x = 1\n\ndef f(:\n    pass\n", "3:7"),
        ("é = 'ü'\nvalue = 'ö' + f(a b)\n", "2:17"),  # characters, not UTF-8 bytes
        ("x = 1\r\n  y = 2\r\n", "2:2"),
        ("items = [\n    1,\n", "1:9"),  # never closed: where it opens
    ],
)
def test_syntax_error_points_at_its_line_and_column(tmp_path: Path, source: str, position: str) -> None:
    newline = "\r\n" if "\r\n" in source else "\n"
    # A comment a rule reads after the error: a file no rule could report on is not parsed.
    (tmp_path / "broken.py").write_bytes((source + "# TODO(#1)" + newline).encode("utf-8"))
    result = run("check", "broken.py", "--output-format", "concise", cwd=tmp_path)
    assert result.stdout.startswith(f"broken.py:{position}: REL000 syntax error at line {position.split(':')[0]}")
    row = json.loads(run("check", "broken.py", "--output-format", "json", cwd=tmp_path).stdout)[0]
    line, col = map(int, position.split(":"))
    assert (row["location"]["row"], row["location"]["column"]) == (line, col)


def test_rules_lists_rel_first_with_an_on_by_default_column(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "acme.py").write_text(
        "from reliability_lint.registry import rule\n\n"
        "@rule('ACME001', 'no-print', 'print in a job', 'P3', default=False)\n"
        "def no_print(node, ctx):\n    pass\n"
    )
    lines = run("rules", "--config", "pyproject.toml", cwd=tmp_path).stdout.splitlines()
    header, rows = lines[0], lines[1:]
    assert header.split()[:6] == ["code", "name", "sev", "fix", "on", "by"]
    codes = [row.split()[0] for row in rows]
    first_other = next(i for i, code in enumerate(codes) if not code.startswith("REL"))
    assert all(code.startswith("REL") for code in codes[:first_other])
    assert not any(code.startswith("REL") for code in codes[first_other:])
    assert codes[:first_other] == sorted(codes[:first_other]) and "ACME001" in codes
    column = header.index("on by default")
    by_code = {row.split()[0]: row[column:].split()[0] for row in rows}
    assert by_code["REL101"] == "yes" and by_code["B101"] == "no" and by_code["ACME001"] == "no"
