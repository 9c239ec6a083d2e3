"""The one runner of the rule fixtures (tests/rules/<family>/fixtures/, see README.md).

For every fixture, the real command runs over the file with its family's rules selected:
the findings (`check --output-format json`) must be exactly its inline expectations, both
ways; the concise output and the `fix --unsafe-fixes --diff` output must equal the golden
files beside it (`python -m pytest tests/rules --update-golden` rewrites them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_files import HERE, Expected, Fixture, expectations, fixtures, mismatches
from reliability_lint.cli import cli
from reliability_lint.registry import load_rules

REGISTRY = load_rules()
# An empty configuration: the defaults, and none of the checkout's own per-file-ignores.
CONFIG = HERE / "fixtures.toml"
FAMILIES = sorted({rule.family for rule in REGISTRY.rules.values()} - {"core"})


def _run(fixture: Fixture, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, bytes]:
    codes = sorted(code for code, rule in REGISTRY.rules.items() if rule.family == fixture.family)
    monkeypatch.chdir(fixture.path.parent)
    result = CliRunner().invoke(
        cli,
        [*args, "--config", str(CONFIG), "--no-cache", "--no-progress", "-j", "1",
         "--select", ",".join(codes), fixture.path.name],
        catch_exceptions=False,
    )  # fmt: skip
    return result.exit_code, result.stdout_bytes


def _golden(fixture: Fixture, suffix: str, output: bytes, update: bool) -> None:
    golden = fixture.golden(suffix)
    if update:
        golden.write_bytes(output)
        return
    assert golden.is_file(), f"no {golden.name}: run `python -m pytest tests/rules --update-golden`"
    assert output.decode("utf-8") == golden.read_bytes().decode("utf-8"), (
        f"{golden.name} differs from the output; if the change is intended, "
        "`python -m pytest tests/rules --update-golden` and review the diff"
    )


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda f: f.id)
def test_fixture(fixture: Fixture, monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    expected = expectations(fixture.path.read_bytes())
    assert expected, "a fixture states what it reports with `# expect: CODE[:col]` comments"

    status, output = _run(fixture, monkeypatch, "check", "--output-format", "json")
    findings = json.loads(output)
    assert status == (1 if findings else 0)
    reported = [(f["location"]["row"], f["location"]["column"], f["code"]) for f in findings]
    missing, extra = mismatches(expected, reported)
    assert (missing, extra) == ([], []), f"expected but not reported: {missing}; reported but not expected: {extra}"

    _golden(fixture, ".concise.txt", _run(fixture, monkeypatch, "check", "--output-format", "concise")[1], update_golden)
    _golden(fixture, ".diff", _run(fixture, monkeypatch, "fix", "--unsafe-fixes", "--diff")[1], update_golden)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_has_fixtures(family: str) -> None:
    assert len([f for f in fixtures() if f.family == family]) >= 2, f"tests/rules/{family}/fixtures/ needs two fixtures"


def test_every_golden_file_belongs_to_a_fixture() -> None:
    paths = {f.path for f in fixtures()}
    for golden in HERE.glob("*/fixtures/*"):
        for suffix in (".concise.txt", ".diff"):
            if golden.name.endswith(suffix):
                assert golden.with_name(golden.name[: -len(suffix)]) in paths, f"{golden} has no fixture"


def test_expectations_are_read_at_line_ends_with_or_without_a_column() -> None:
    data = b"a = 1  # expect: REL301\r\nb()  # expect: REL204:5, REL101\r\n# expect: nothing\n'# expect: REL999' + x\n"
    assert expectations(data) == [Expected(1, "REL301"), Expected(2, "REL204", 5), Expected(2, "REL101")]


def test_mismatches_go_both_ways_and_a_column_must_match() -> None:
    expected = [Expected(3, "REL201", 9), Expected(5, "REL204")]
    assert mismatches(expected, [(3, 9, "REL201"), (5, 1, "REL204")]) == ([], [])
    assert mismatches(expected, [(3, 10, "REL201"), (5, 1, "REL204")]) == (["3:9 REL201"], ["3:10 REL201"])
    assert mismatches(expected, [(3, 9, "REL201")]) == (["5:* REL204"], [])
    assert mismatches(expected, [(3, 9, "REL201"), (5, 1, "REL204"), (5, 7, "REL204")]) == ([], ["5:7 REL204"])


def test_the_fixtures_are_kept_byte_for_byte() -> None:
    """git must not normalise a CRLF fixture (nor its golden diff) to LF: .gitattributes."""
    crlf = [f for f in fixtures() if b"\r\n" in f.path.read_bytes()]
    assert crlf, "a CRLF fixture exists"
    attributes = (Path(__file__).resolve().parents[2] / ".gitattributes").read_text()
    assert "tests/rules/*/fixtures/** -text" in attributes
