"""A family's precondition (registry.Precondition) may let a file through that none of its
rules reports, never the reverse: every finding of a run without preconditions is made on
a file its family's precondition admits, and a run with them reports exactly the same.

Checked on the benchmark corpus (every family's planted defects and look-alikes), every
rule page's examples and the family fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reliability_lint import engine
from reliability_lint.registry import load_rules
from reliability_lint.testing import settings_for
from rule_tree import rule_tree

REGISTRY = load_rules()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rule_tree(tmp_path_factory.mktemp("preconditions"))


def _findings(cli, root: Path) -> dict[tuple[str, str, int, int], str]:
    code, out, err = cli("check", "--select", "ALL", "--no-cache", "--jobs", "1", "--output-format", "json", ".", cwd=root)
    assert code in (0, 1), err
    return {
        (f["filename"], f["code"], f["location"]["row"], f["location"]["column"]): f["message"]
        for f in json.loads(out)
        if f["code"] != "REL000"  # a file no rule could report on is not parsed (REL000's page)
    }


def test_no_finding_is_lost_to_a_precondition(cli, tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert REGISTRY.preconditions.keys() >= {"exceptions", "timeouts", "todos", "auth"}
    with_preconditions = _findings(cli, tree)
    declared = dict(REGISTRY.preconditions)
    monkeypatch.setattr(REGISTRY, "preconditions", {})
    monkeypatch.setattr(engine, "_PLANS", {})
    without = _findings(cli, tree)
    assert len(without) > 1000, "the corpus holds every family's defects"
    assert {REGISTRY.rules[code].family for _, code, _, _ in without} >= {"exceptions", "timeouts", "todos", "auth", "secrets"}

    options = settings_for(None).options
    for filename, code, row, _ in sorted(without):
        build = declared.get(REGISTRY.rules[code].family)
        precondition = build(options) if build is not None else None
        if precondition is None or not (tree / filename).suffix == ".py":
            continue
        text = (tree / filename).read_text(encoding="utf-8")
        assert precondition.admits(text), f"{filename}:{row}: {code} is reported on a file its precondition refuses"
    assert with_preconditions == without


def test_a_file_no_family_could_report_on_is_not_parsed(cli, tmp_path: Path) -> None:
    """Not even its syntax error is reported; one word a rule looks for, and it is."""
    (tmp_path / "plain.py").write_text("def total(rows:\n    return sum(rows)\n")
    (tmp_path / "client.py").write_text("import requests\ndef load(url:\n    return requests.get(url, timeout=5)\n")
    code, out, _ = cli("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path)
    assert code == 1
    assert out.splitlines()[0].startswith("client.py:2:9: REL000 syntax error")
    assert "plain.py" not in out
