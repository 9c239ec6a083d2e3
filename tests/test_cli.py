"""The command line end to end: exit codes, formats, configuration, fixing."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_tool

SWALLOW = "def f():\n    try:\n        g()\n    except:\n        pass\n"
RERAISE = "try:\n    g()\nexcept:\n    undo()\n    raise\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_exit_codes_clean_findings_and_usage(cli, tmp_path: Path) -> None:
    write(tmp_path, "clean.py", "x = 1\n")
    assert cli("check", "clean.py", cwd=tmp_path)[0] == 0
    write(tmp_path, "bad.py", SWALLOW)
    code, out, _ = cli("check", ".", cwd=tmp_path)
    assert code == 1
    assert "bad.py:4:5: REL101 [P1] Bare `except:`" in out
    assert "    except:\n  |     ^^^^^^" in out
    assert "Found 2 problems (0 fixable)." in out
    assert cli("check", "--exit-zero", ".", cwd=tmp_path)[0] == 0
    assert cli("check", "--no-such-flag", cwd=tmp_path)[0] == 2
    assert cli("check", "--select", "NOPE1", ".", cwd=tmp_path)[0] == 2


def test_fixable_marker_follows_the_safety_in_force(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.py", RERAISE)
    write(tmp_path, "b.py", SWALLOW)
    _, out, _ = cli("check", "--select", "REL101", ".", cwd=tmp_path)
    assert "a.py:3:1: REL101 [P1] [*]" in out and "b.py:4:5: REL101 [P1] Bare" in out
    assert "1 more fixable with `--unsafe-fixes`." in out
    _, out, _ = cli("check", "--select", "REL101", "--unsafe-fixes", ".", cwd=tmp_path)
    assert "b.py:4:5: REL101 [P1] [*]" in out


def test_json_has_ruff_fields_and_agrees_with_text(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.py", SWALLOW)
    code, out, _ = cli("check", "--output-format", "json", ".", cwd=tmp_path)
    assert code == 1
    rows = json.loads(out)
    assert {tuple(sorted(row)) for row in rows} == {
        ("cell", "code", "end_location", "filename", "fix", "location", "message", "noqa_row", "severity", "url")
    }
    bare = next(row for row in rows if row["code"] == "REL101")
    assert bare["location"] == {"row": 4, "column": 5}
    assert bare["end_location"] == {"row": 4, "column": 11}
    assert bare["filename"] == str(tmp_path / "a.py")
    assert bare["fix"] == {
        "applicability": "unsafe",
        "message": "Replace with `except Exception:`",
        "edits": [{"content": " Exception", "location": {"row": 4, "column": 11}, "end_location": {"row": 4, "column": 11}}],
    }
    _, text, _ = cli("check", "--output-format", "concise", ".", cwd=tmp_path)
    from_text = sorted(line.split(" ", 2)[:2] for line in text.splitlines() if ": REL" in line)
    from_json = sorted([f"a.py:{r['location']['row']}:{r['location']['column']}:", r["code"]] for r in rows)
    assert from_text == from_json


def test_json_edits_reproduce_the_fix(cli, tmp_path: Path) -> None:
    """Applying the JSON edits by hand gives what `fix` writes."""
    source = "import logging\nlog = logging.getLogger()\n\n\ndef f():\n    try:\n        g()\n    except Exception:\n        pass\n"
    write(tmp_path, "a.py", source)
    rows = json.loads(cli("check", "--output-format", "json", "a.py", cwd=tmp_path)[1])
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    text = source
    edits = [e for row in rows for e in row["fix"]["edits"]]
    for edit in sorted(edits, key=lambda e: (e["location"]["row"], e["location"]["column"]), reverse=True):
        start = offsets[edit["location"]["row"] - 1] + edit["location"]["column"] - 1
        end = offsets[edit["end_location"]["row"] - 1] + edit["end_location"]["column"] - 1
        text = text[:start] + edit["content"] + text[end:]
    cli("fix", "--unsafe-fixes", "a.py", cwd=tmp_path)
    assert (tmp_path / "a.py").read_text() == text


def test_statistics(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.py", SWALLOW + SWALLOW.replace("def f", "def g"))
    _, out, _ = cli("check", "--statistics", ".", cwd=tmp_path)
    assert out.splitlines()[:2] == ["    2  REL101      bare-except", "    2  REL102      swallowed-exception"]
    assert "a.py:" not in out
    rows = json.loads(cli("check", "--statistics", "--output-format", "json", ".", cwd=tmp_path)[1])
    assert [(r["code"], r["count"]) for r in rows] == [("REL101", 2), ("REL102", 2)]
    for output_format in ("sarif", "github", "junit"):  # the counts, never a silently ignored flag
        assert cli("check", "--statistics", "--output-format", output_format, ".", cwd=tmp_path)[1] == out


def test_select_ignore_and_per_file_ignores_from_config(cli, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.reliability-lint]\nignore = ["REL102"]\nper-file-ignores = { "tests/*" = ["REL1"] }\n')
    write(tmp_path, "src/a.py", SWALLOW)
    write(tmp_path, "tests/test_a.py", SWALLOW)
    out = cli("check", "--output-format", "concise", ".", cwd=tmp_path)[1]
    assert "src/a.py:4:5: REL101" in out and "REL102" not in out and "tests/" not in out
    out = cli("check", "--output-format", "concise", "--select", "REL102", ".", cwd=tmp_path)[1]
    assert "REL101" not in out  # --select replaces the selection; the file's ignore still holds
    out = cli("check", "--output-format", "concise", "--ignore", "REL1", "src", cwd=tmp_path)[1]
    assert "All checks passed!" in out


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ("[tool.reliability-lint]\nselct = ['REL']\n", "'tool.reliability-lint.selct'"),
        ("[tool.reliability-lint]\nselect = ['REL999']\n", "unknown rule code 'REL999'"),
        ("[tool.reliability-lint]\nselect = 'REL1'\n", "tool.reliability-lint.select must be a list of strings"),
        ("[tool.reliability-lint.exceptions]\ninclude-specific = 'yes'\n", "tool.reliability-lint.exceptions.include-specific must be a boolean"),
        ("[tool.reliability-lint.exceptions]\nverbose = true\n", "'tool.reliability-lint.exceptions.verbose'"),
        ("[tool.reliability-lint]\nper-file-ignores = { 'a.py' = ['XYZ1'] }\n", "per-file-ignores.a.py: unknown rule code 'XYZ1'"),
        ("[tool.reliability-lint\n", "invalid TOML"),
    ],
)
def test_bad_config_exits_2_naming_the_key(cli, tmp_path: Path, config: str, named: str) -> None:
    write(tmp_path, "pyproject.toml", config)
    write(tmp_path, "a.py", "x = 1\n")
    code, out, err = cli("check", ".", cwd=tmp_path)
    assert code == 2
    assert named in err and "pyproject.toml" in err
    assert len(err.strip().splitlines()) == 1


def test_config_flag_and_nearest_pyproject(cli, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.reliability-lint]\nselect = ["REL102"]\n')
    write(tmp_path, "pkg/pyproject.toml", "[project]\nname = 'x'\n")  # no table: keep looking up
    write(tmp_path, "pkg/a.py", SWALLOW)
    out = cli("check", "--output-format", "concise", "pkg", cwd=tmp_path)[1]
    assert "REL102" in out and "REL101" not in out
    write(tmp_path, "other.toml", 'select = ["REL101"]\n')
    out = cli("check", "--output-format", "concise", "--config", "other.toml", "pkg", cwd=tmp_path)[1]
    assert "REL101" in out and "REL102" not in out


def test_fix_diff_writes_nothing_and_fix_is_idempotent(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "a.py", SWALLOW)
    code, out, _ = cli("fix", "--unsafe-fixes", "--diff", ".", cwd=tmp_path)
    assert code == 1
    assert out.startswith("--- a/a.py\n+++ b/a.py\n")
    assert "+    except Exception:" in out
    assert path.read_text() == SWALLOW
    code, out, _ = cli("fix", ".", cwd=tmp_path)
    assert code == 1 and path.read_text() == SWALLOW  # only unsafe fixes: nothing applied
    code, out, _ = cli("fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert code == 0 and "Fixed 2 problems." in out
    fixed = path.read_text()
    assert cli("fix", "--unsafe-fixes", "--diff", ".", cwd=tmp_path)[:2] == (0, "")
    assert path.read_text() == fixed


def test_fix_exit_1_when_findings_remain(cli, tmp_path: Path) -> None:
    write(tmp_path, "a.py", RERAISE + SWALLOW)
    code, out, _ = cli("fix", ".", cwd=tmp_path)
    assert code == 1
    assert "Fixed 1 problem." in out and "Found 2 problems" in out


def test_extend_safe_fixes_moves_a_rule(cli, tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.reliability-lint]\nextend-safe-fixes = ["REL101"]\nselect = ["REL101"]\n')
    path = write(tmp_path, "a.py", SWALLOW)
    assert cli("fix", ".", cwd=tmp_path)[0] == 0
    assert "except Exception:" in path.read_text()


def test_fix_keeps_encoding_bom_newlines_and_mode(cli, tmp_path: Path) -> None:
    latin = write(tmp_path, "latin.py", "# -*- coding: latin-1 -*-\r\nx = 'é'\r\ntry:\r\n    g()\r\nexcept:\r\n    raise\r\n".encode("latin-1"))
    bom = write(tmp_path, "bom.py", b"\xef\xbb\xbftry:\n    g()\nexcept:\n    raise\n")
    os.chmod(latin, 0o750)
    assert cli("fix", ".", cwd=tmp_path)[0] == 0
    assert latin.read_bytes() == "# -*- coding: latin-1 -*-\r\nx = 'é'\r\ntry:\r\n    g()\r\nexcept BaseException:\r\n    raise\r\n".encode("latin-1")
    assert stat.S_IMODE(latin.stat().st_mode) == 0o750
    assert bom.read_bytes() == b"\xef\xbb\xbftry:\n    g()\nexcept BaseException:\n    raise\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".rl-tmp")]


def test_read_only_file_is_reported_and_left_alone(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "ro.py", RERAISE)
    other = write(tmp_path, "rw.py", RERAISE)
    os.chmod(path, 0o444)
    code, out, _ = cli("fix", ".", cwd=tmp_path)
    assert code == 1
    assert "ro.py:1:1: REL000 [P1] cannot write fixes: ro.py is read-only; file left unchanged" in out
    assert path.read_text() == RERAISE
    assert "BaseException" in other.read_text()


def test_libcst_failure_leaves_the_file_and_reports_it(cli, tmp_path: Path) -> None:
    """libcst parses only the statement a tree fix changes (REL402's stub here, whose `pass`
    shares a line with a call of two lines, the one shape its text edits leave to libcst):
    nesting it cannot parse there refuses that fix; the text fixes of the file still apply."""
    deep = "[" * 150 + "]" * 150
    stub = f"@register({deep})\ndef send():\n    # TODO: smtplib\n    logger.info('a',\n                'b'); pass\n"
    swallowed = "\n\ntry:\n    g()\nexcept Exception:\n    pass\n"
    path = write(tmp_path, "deep.py", stub + swallowed)
    code, out, _ = cli("fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert code == 1
    assert "deep.py:2:1: REL000 [P1] fix for REL402 at line 2 not applied: libcst cannot parse the statement at line 1: too deeply nested" in out
    fixed = path.read_text()
    assert fixed.startswith("import logging\n\n" + stub) and "NotImplementedError" not in fixed
    assert "logging.exception(" in fixed


def test_a_stub_fixed_by_text_edits_needs_no_libcst_parse_of_its_statement(cli, tmp_path: Path) -> None:
    deep = "[" * 150 + "]" * 150
    path = write(tmp_path, "deep.py", f"@register({deep})\ndef send():\n    # TODO: smtplib\n    pass\n")
    code, out, _ = cli("fix", "--unsafe-fixes", "--select", "REL402", ".", cwd=tmp_path)
    assert code == 0 and "Fixed 1 problem" in out, out
    assert path.read_text().endswith('    # TODO: smtplib\n    raise NotImplementedError("send: smtplib")\n')


def test_tree_fixes_have_no_file_size_limit(cli, tmp_path: Path) -> None:
    """libcst parses only the stub's lines: REL402's fix applies at the end of a
    50,000-line module (it used to be refused past 20,000 lines)."""
    body = "".join(f"value_{n} = {n}\n" for n in range(50_000))
    path = write(tmp_path, "huge.py", body + "\n\ndef send():\n    # TODO: smtplib\n    pass\n")
    code, out, _ = cli("fix", "--unsafe-fixes", "--select", "REL402", ".", cwd=tmp_path)
    assert code == 0 and "Fixed 1 problem" in out, out
    assert path.read_text() == body + (
        '\n\ndef send():\n    # TODO: smtplib\n    raise NotImplementedError("send: smtplib")\n'
    )


def test_explain_and_rules(cli, tmp_path: Path) -> None:
    code, out, _ = cli("explain", "REL101", cwd=tmp_path)
    assert code == 0 and out.startswith("# REL101 bare-except") and "## Why is this bad?" in out
    assert cli("explain", "bare-except", cwd=tmp_path)[1] == out
    assert cli("explain", "REL999", cwd=tmp_path)[0] == 2
    rows = json.loads(cli("rules", "--format", "json", cwd=tmp_path)[1])
    by_code = {row["code"]: row for row in rows}
    assert by_code["REL102"]["severity"] == "P0"
    assert by_code["REL102"]["fix"] == "unsafe"
    assert by_code["REL101"]["targets"] == ["ExceptHandler"]
    table = cli("rules", cwd=tmp_path)[1]
    assert "REL102  swallowed-exception" in table


def test_demo_pipeline_done_when(demo: Path) -> None:
    """check reports the demo's exception defects, fix --unsafe-fixes repairs them, a
    second fix has nothing to do, and the fixed demo still compiles."""
    before = run_tool("check", "--select", "REL1", "--output-format", "json", ".", cwd=demo)
    assert before.returncode == 1, before.stderr
    found = {(Path(r["filename"]).name, r["location"]["row"], r["code"]) for r in json.loads(before.stdout)}
    expected = set()
    for line in (demo / "EXPECTED.md").read_text().splitlines():
        cells = [c.strip(" `") for c in line.split("|")]
        if len(cells) > 3 and cells[3].startswith("REL1"):
            expected.add((Path(cells[1]).name, int(cells[2]), cells[3]))
    assert expected and found == expected
    fixed = run_tool("fix", "--unsafe-fixes", "--select", "REL1", ".", cwd=demo)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    again = run_tool("fix", "--unsafe-fixes", "--select", "REL1", "--diff", ".", cwd=demo)
    assert (again.returncode, again.stdout) == (0, "")
    for path in demo.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_console_script_and_module_entry_points(tmp_path: Path) -> None:
    write(tmp_path, "a.py", SWALLOW)
    script = shutil.which("reliability-lint", path=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    assert script is not None
    via_script = subprocess.run([script, "check", "a.py"], cwd=tmp_path, capture_output=True, text=True)
    via_module = run_tool("check", "a.py", cwd=tmp_path)
    assert via_script.returncode == via_module.returncode == 1
    assert via_script.stdout == via_module.stdout


def test_many_files_in_parallel_match_one_process(tmp_path: Path) -> None:
    for index in range(40):
        write(tmp_path, f"pkg/m{index}.py", SWALLOW if index % 3 else "x = 1\n")
    serial = run_tool("check", "--jobs", "1", "--output-format", "json", ".", cwd=tmp_path)
    parallel = run_tool("check", "--jobs", "2", "--output-format", "json", ".", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert len(json.loads(serial.stdout)) == 2 * 26


def test_project_lints_itself_clean() -> None:
    result = run_tool("check", ".", cwd=ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_fix_as_root_keeps_the_owner_of_the_file(cli, tmp_path: Path) -> None:
    path = write(tmp_path, "a.py", RERAISE)
    os.chown(path, 65534, 65534)
    assert cli("fix", "a.py", cwd=tmp_path)[0] == 0
    assert "BaseException" in path.read_text()
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)
