"""Which fixes a run applies (reliability_lint.applicability), in-process and fast enough
for mutmut's selection: the rules `fix --diff` runs, and each fix held to its rule's
declared applicability, then to extend-safe-fixes / extend-unsafe-fixes."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint import engine
from reliability_lint.applicability import applicability, fixing_rules
from reliability_lint.cli import cli
from reliability_lint.registry import REGISTRY, load_rules
from reliability_lint.testing import check_text, settings_for

load_rules()
ALL = frozenset({"REL101", "REL102", "REL104", "REL201", "REL301"})
RERAISES = "try:\n    run()\nexcept:\n    cleanup()\n    raise\n"
SWALLOWS = "try:\n    run()\nexcept:\n    cleanup()\n"
WAITS = "from google.cloud import bigquery\n\nrows = bigquery.Client().query('SELECT 1').result()\n"


@pytest.mark.parametrize(
    ("unsafe", "extend_safe", "extend_unsafe", "expected"),
    [
        (False, [], [], {"REL101", "REL201"}),  # REL101: some of its fixes are safe
        (True, [], [], {"REL101", "REL102", "REL201", "REL301"}),  # never REL104: it has no fix
        (False, ["REL102"], [], {"REL101", "REL102", "REL201"}),
        (False, ["REL3"], ["REL2"], {"REL101", "REL301"}),  # by prefix
        (False, [], ["REL101"], {"REL201"}),  # its safe fixes too
        (True, [], ["REL101", "REL201"], {"REL101", "REL102", "REL201", "REL301"}),
    ],
)
def test_the_rules_fix_diff_runs(unsafe: bool, extend_safe: list[str], extend_unsafe: list[str], expected: set[str]) -> None:
    settings = settings_for(sorted(ALL), unsafe_fixes=unsafe, extend_safe_fixes=extend_safe, extend_unsafe_fixes=extend_unsafe)
    assert fixing_rules(ALL, settings) == expected
    assert fixing_rules(frozenset(), settings) == frozenset()


@pytest.mark.parametrize(
    ("declared", "extend_safe", "extend_unsafe", "expected"),
    [
        ("safe", [], [], "safe"),
        ("unsafe", [], [], "unsafe"),
        ("unsafe", ["REL1"], [], "safe"),
        ("safe", [], ["REL10"], "unsafe"),
        ("safe", ["REL101"], [], "safe"),  # extend-safe-fixes does not touch a safe fix
        ("unsafe", [], ["REL101"], "unsafe"),
        ("unsafe", ["REL2"], [], "unsafe"),  # another rule's prefix
    ],
)
def test_a_fix_applicability_follows_the_configuration(
    declared: str, extend_safe: list[str], extend_unsafe: list[str], expected: str
) -> None:
    settings = settings_for(["REL101"], extend_safe_fixes=extend_safe, extend_unsafe_fixes=extend_unsafe)
    assert applicability("REL101", declared, settings) == expected


@pytest.mark.parametrize(
    ("text", "extend_unsafe", "expected"),
    [(RERAISES, [], "safe"), (SWALLOWS, [], "unsafe"), (RERAISES, ["REL101"], "unsafe")],
)
def test_rel101_offers_a_safe_fix_where_the_handler_reraises(text: str, extend_unsafe: list[str], expected: str) -> None:
    (finding,) = check_text(text, ["REL101"], extend_unsafe_fixes=extend_unsafe)
    assert finding.fix is not None and finding.fix.applicability == expected


def test_an_unsafe_fix_made_safe_by_the_configuration() -> None:
    text = "import logging\n\ntry:\n    run()\nexcept Exception:\n    pass\n"
    (finding,) = check_text(text, ["REL102"])
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    (finding,) = check_text(text, ["REL102"], extend_safe_fixes=["REL102"])
    assert finding.fix is not None and finding.fix.applicability == "safe"


def test_a_fix_is_held_to_its_rules_declaration(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = REGISTRY.rules["REL201"]
    (finding,) = check_text(WAITS, ["REL201"])
    assert finding.fix is not None and finding.fix.applicability == "safe"
    monkeypatch.setattr(engine, "_PLANS", {})
    monkeypatch.setitem(REGISTRY.rules, "REL201", replace(rule, fix="unsafe"))
    (finding,) = check_text(WAITS, ["REL201"])
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    (finding,) = check_text(WAITS, ["REL201"], extend_safe_fixes=["REL201"])  # then the configuration
    assert finding.fix is not None and finding.fix.applicability == "safe"
    monkeypatch.setitem(REGISTRY.rules, "REL201", replace(rule, fix="unsafe", some_fixes_safe=True))
    (finding,) = check_text(WAITS, ["REL201"])
    assert finding.fix is not None and finding.fix.applicability == "safe"
    monkeypatch.setitem(REGISTRY.rules, "REL201", replace(rule, fix=None))
    (finding,) = check_text(WAITS, ["REL201"])
    assert finding.fix is None


@pytest.mark.parametrize(
    ("flags", "shown"),
    [([], ["+except BaseException:"]), (["--unsafe-fixes"], ["+except BaseException:", "+except Exception:"])],
)
def test_fix_diff_of_bare_handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str], shown: list[str]) -> None:
    (tmp_path / "a.py").write_text(RERAISES + "\n\n" + SWALLOWS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fix", "--diff", "--select", "REL101", "--no-cache", *flags, "a.py"])
    assert result.exit_code == 1, result.output
    assert [line for line in result.stdout.splitlines() if line.startswith("+except")] == shown
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == RERAISES + "\n\n" + SWALLOWS
