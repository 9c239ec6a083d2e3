"""SARIF for code scanning: security rules ranked by security-severity from their declared
tags, a helpUri on every rule (docs-url configurable), the selected rules listed whether or
not they found something, and JSON's url the same link; validated against the SARIF schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reliability_lint.registry import REGISTRY, load_rules
from reliability_lint.report import Report
from reliability_lint.report import sarif
from reliability_lint.report.links import default_docs_url, rule_url

load_rules()
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PASSWORD = "Qm7rTz2Lx" + "9VbNw4Kp"
SOURCE = f'import requests\n\nSMTP_PASSWORD = "{PASSWORD}"\nrequests.get("https://x")\n'


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args, "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False
    )


def validate(log: dict) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "job.py").write_text(SOURCE, encoding="utf-8")
    return tmp_path


def test_driver_lists_the_selected_rules_with_help_uris_and_security_ranks(project: Path) -> None:
    result = run("check", ".", "--output-format", "sarif", "--extend-select", "B105", cwd=project)
    log = json.loads(result.stdout)
    validate(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    default_rel = {code for code, rule in REGISTRY.rules.items() if rule.default}
    assert set(rules) == default_rel | {"B105"}  # REL402 found nothing and is still listed
    assert "B101" not in rules  # not selected
    for code, rule in rules.items():
        assert rule["helpUri"].startswith("https://"), code
    assert rules["REL204"]["helpUri"] == default_docs_url() + "REL204-http-request-without-timeout.md"
    assert rules["B105"]["helpUri"].endswith("/rules/bandit.md")
    for code in ("REL301", "REL302", "REL303"):
        assert rules[code]["properties"]["security-severity"] == "9.0"
        assert "security" in rules[code]["properties"]["tags"]
    assert rules["B105"]["properties"]["security-severity"] == "5.0"  # bandit's P2
    for code in ("REL101", "REL204", "REL401"):
        assert "security-severity" not in rules[code]["properties"]
        assert "security" not in rules[code]["properties"]["tags"]
    results = log["runs"][0]["results"]
    driver_rules = log["runs"][0]["tool"]["driver"]["rules"]
    for found in results:
        assert driver_rules[found["ruleIndex"]]["id"] == found["ruleId"]
    assert PASSWORD not in result.stdout


def test_docs_url_from_the_config_in_sarif_and_json(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.reliability-lint]\ndocs-url = "https://docs.example.com/rl/rules"\n')
    log = json.loads(run("check", ".", "--output-format", "sarif", cwd=project).stdout)
    validate(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["REL301"]["helpUri"] == "https://docs.example.com/rl/rules/REL301-hardcoded-secret.md"
    rows = json.loads(run("check", ".", "--output-format", "json", cwd=project).stdout)
    assert {row["code"]: row["url"] for row in rows}["REL204"] == (
        "https://docs.example.com/rl/rules/REL204-http-request-without-timeout.md"
    )
    (project / "pyproject.toml").write_text('[tool.reliability-lint]\ndocs-url = "docs/rules"\n')
    bad = run("check", ".", cwd=project)
    assert bad.returncode == 2 and "docs-url" in bad.stderr and bad.stderr.count("\n") == 1


def test_json_url_is_the_rule_page(project: Path) -> None:
    rows = json.loads(run("check", ".", "--output-format", "json", cwd=project).stdout)
    for row in rows:
        assert row["url"] == rule_url(REGISTRY.rules[row["code"]])
        assert row["url"].endswith(f"/{row['code']}-{REGISTRY.rules[row['code']].name}.md")


def test_security_is_read_from_the_rule_declaration_not_its_code(tmp_path: Path) -> None:
    """A pack's rule tagged security is ranked; a REL3xx-looking code without the tag is not."""
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "acme.py").write_text(
        "from reliability_lint.registry import rule\n\n"
        "@rule('ACME501', 'open-endpoint', 'endpoint without auth', 'P1', tags=['security'],\n"
        "      url='https://acme.example/rules/ACME501')\n"
        "def open_endpoint(ctx):\n    pass\n\n"
        "@rule('ACME301', 'looks-secret', 'not a security rule', 'P0')\n"
        "def looks_secret(ctx):\n    pass\n"
    )
    (tmp_path / "job.py").write_text("x = 1\n")
    log = json.loads(run("check", ".", "--output-format", "sarif", cwd=tmp_path).stdout)
    validate(log)
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["ACME501"]["properties"]["security-severity"] == "7.0"
    assert rules["ACME501"]["helpUri"] == "https://acme.example/rules/ACME501"
    assert "security-severity" not in rules["ACME301"]["properties"]
    assert "helpUri" not in rules["ACME301"]  # no page anywhere: no link that would not resolve


def test_a_report_without_selection_lists_every_rule() -> None:
    load_rules()
    log = json.loads(sarif.render(Report([], Path.cwd())))
    validate(log)
    assert len(log["runs"][0]["tool"]["driver"]["rules"]) == len(REGISTRY.rules)
