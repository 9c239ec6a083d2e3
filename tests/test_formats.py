"""The CI output formats: SARIF against the official schema, GitHub workflow commands,
GitLab Code Quality, JUnit XML and concise, all from finding fields only."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from reliability_lint.findings import Finding
from reliability_lint.registry import load_rules
from reliability_lint.report import FORMATS, Report, render
from reliability_lint.testing import fix_text

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "legacy_pipeline"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
REGISTRY = load_rules()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("demo") / "legacy_pipeline"
    shutil.copytree(DEMO, copy)
    return copy


_CONCISE = re.compile(r"(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<code>REL\d+) ")


@pytest.fixture(scope="module")
def demo_findings(demo: Path) -> list[dict]:
    """The demo's findings as (path, line, col, code), from the concise format."""
    result = run_cli("check", "--output-format", "concise", ".", cwd=demo)
    assert result.returncode == 1, result.stderr
    found = [_CONCISE.match(line) for line in result.stdout.splitlines()]
    return [
        {"path": m["path"], "line": int(m["line"]), "col": int(m["col"]), "code": m["code"]} for m in found if m
    ]


def test_sarif_of_the_demo_pipeline_is_valid_and_complete(demo: Path, demo_findings: list[dict]) -> None:
    result = run_cli("check", "--output-format", "sarif", ".", cwd=demo)
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]

    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(demo_findings) > 0
    got = {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results}  # fmt: skip
    want = {(f["path"], f["line"], f["code"]) for f in demo_findings}
    assert got == want
    for sarif_result in results:
        assert rules[sarif_result["ruleIndex"]]["id"] == sarif_result["ruleId"]
        assert sarif_result["partialFingerprints"]["reliabilityLint/v1"]
    assert len({r["partialFingerprints"]["reliabilityLint/v1"] for r in results}) == len(results)
    rel101 = next(rule for rule in rules if rule["id"] == "REL101")
    assert "## Why is this bad?" in rel101["help"]["markdown"]
    assert any("fixes" in r for r in results)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == demo.resolve().as_uri() + "/"


def _apply_sarif_fix(text: str, replacements: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for replacement in sorted(replacements, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True):
        region = replacement["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + replacement.get("insertedContent", {}).get("text", "") + text[end:]
    return text


def test_sarif_fix_applied_as_written_gives_what_fix_gives(tmp_path: Path) -> None:
    # The non-ASCII text before the handler checks that columns are code points.
    code = 'label = "données"\ntry:\n    run()\nexcept:  # « retry »\n    cleanup()\n    raise\n'
    (tmp_path / "job.py").write_text(code, encoding="utf-8")
    log = json.loads(run_cli("check", "--select", "REL101", "--output-format", "sarif", "job.py", cwd=tmp_path).stdout)
    (result,) = log["runs"][0]["results"]
    replacements = result["fixes"][0]["artifactChanges"][0]["replacements"]
    assert _apply_sarif_fix(code, replacements) == fix_text(code, ["REL101"], unsafe_fixes=False)


_PROPERTY = r"(?:[^:,%\r\n]|%25|%0D|%0A|%3A|%2C)*"
WORKFLOW_COMMAND = re.compile(
    rf"::(?:error|warning|notice) title={_PROPERTY},file={_PROPERTY},line=\d+,col=\d+,endLine=\d+,endColumn=\d+"
    r"::(?:[^\r\n%]|%25|%0D|%0A)*"
)


def test_github_format_is_one_workflow_command_per_finding(demo: Path, demo_findings: list[dict]) -> None:
    result = run_cli("check", "--output-format", "github", ".", cwd=demo)
    lines = result.stdout.splitlines()
    assert len(lines) == len(demo_findings)
    for line in lines:
        assert WORKFLOW_COMMAND.fullmatch(line), line
    for finding in demo_findings:
        assert re.search(
            rf"^::(error|warning|notice) title=reliability-lint \({finding['code']}\),file={re.escape(finding['path'])},"
            rf"line={finding['line']},col={finding['col']},",
            result.stdout,
            re.M,
        )


def test_github_format_escapes_what_would_break_the_command() -> None:
    finding = Finding("REL101", "100% broken,\nreally: yes", "odd,dir/a:b.py", 3, 4, 3, 10)
    (line,) = render("github", Report([finding], Path("."))).splitlines()
    assert WORKFLOW_COMMAND.fullmatch(line)
    assert "file=odd%2Cdir/a%3Ab.py," in line
    assert line.endswith("::odd,dir/a:b.py:3:5: REL101 100%25 broken,%0Areally: yes")


def test_gitlab_code_quality_with_stable_unique_fingerprints(demo: Path, demo_findings: list[dict], tmp_path: Path) -> None:
    issues = json.loads(run_cli("check", "--output-format", "gitlab", ".", cwd=demo).stdout)
    assert len(issues) == len(demo_findings)
    for issue in issues:
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["check_name"].startswith("REL") and issue["description"]
        assert not Path(issue["location"]["path"]).is_absolute()
        assert issue["location"]["lines"]["begin"] >= 1
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)

    # Code moving down, and a second identical finding, keep the first one's fingerprint.
    body = "try:\n    run()\nexcept:\n    pass\n"
    (tmp_path / "job.py").write_text(body, encoding="utf-8")
    before = json.loads(run_cli("check", "--output-format", "gitlab", ".", cwd=tmp_path).stdout)
    (tmp_path / "job.py").write_text("import os\n\n" + body + body, encoding="utf-8")
    after = json.loads(run_cli("check", "--output-format", "gitlab", ".", cwd=tmp_path).stdout)
    assert [i["location"]["lines"]["begin"] for i in before] == [3, 3]
    assert {i["fingerprint"] for i in before} < {i["fingerprint"] for i in after}
    assert len({i["fingerprint"] for i in after}) == 4


def test_junit_has_a_failure_per_finding_and_a_pass_when_clean(demo: Path, demo_findings: list[dict], tmp_path: Path) -> None:
    root = ET.fromstring(run_cli("check", "--output-format", "junit", ".", cwd=demo).stdout)
    failures = root.findall("./testsuite/testcase/failure")
    assert int(root.get("failures")) == len(failures) == len(demo_findings)
    assert {f.get("type") for f in failures} == {f["code"] for f in demo_findings}

    (tmp_path / "ok.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "broken.py").write_text("def (:  # TODO(#1)\n", encoding="utf-8")
    root = ET.fromstring(run_cli("check", "--output-format", "junit", "ok.py", cwd=tmp_path).stdout)
    assert root.get("failures") == "0" and len(root.findall("./testsuite/testcase")) == 1
    root = ET.fromstring(run_cli("check", "--output-format", "junit", "broken.py", cwd=tmp_path).stdout)
    assert [e.get("type") for e in root.findall("./testsuite/testcase/error")] == ["REL000"]


def test_concise_is_one_line_per_finding(demo: Path, demo_findings: list[dict]) -> None:
    lines = run_cli("check", "--output-format", "concise", ".", cwd=demo).stdout.splitlines()
    assert len(demo_findings) >= 11  # every planted REL101/REL102 of EXPECTED.md
    assert all(_CONCISE.match(line) for line in lines[: len(demo_findings)])
    assert lines[len(demo_findings)].startswith(f"Found {len(demo_findings)} problems")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_formats_use_only_the_redacted_fields(name: str) -> None:
    # Rules redact secrets in message, source_line and fingerprint_text; a format must not
    # go back to the file, and fingerprint_text only ever leaves hashed.
    finding = Finding(
        "REL101", "message AKIA…(20 chars)", "settings.py", 1, 0, 1, 6,
        source_line="KEY = 'AKIA…(20 chars)'", fingerprint_text="FINGERPRINT-SENTINEL",
    )  # fmt: skip
    output = render(name, Report([finding], Path(".")))
    assert "FINGERPRINT-SENTINEL" not in output
    assert "AKIA…" in output or name == "junit" and "AKIA" in output
