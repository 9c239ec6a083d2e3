"""The bandit pack: bandit's own codes, run in-process, its password values redacted."""

from __future__ import annotations

import pytest

from reliability_lint.rules.bandit.catalogue import BANDIT_TESTS
from reliability_lint.testing import check_text

pytest.importorskip("bandit")

SOURCE = (
    "import subprocess\n"
    'password = "hunter2hunter2"\n'
    "def run(cmd):\n"
    "    subprocess.call(cmd, shell=True)\n"
)


def test_the_code_table_is_the_installed_bandits() -> None:
    from bandit.core import extension_loader

    manager = extension_loader.MANAGER
    live = {plugin.plugin._test_id: plugin.name for plugin in manager.plugins}
    live.update({code: entry["name"] for code, entry in manager.blacklist_by_id.items()})
    assert BANDIT_TESTS == live


def test_not_selected_by_default() -> None:
    assert not [f for f in check_text(SOURCE) if f.code.startswith("B")]


def test_findings_with_bandit_codes_and_redacted_passwords() -> None:
    findings = check_text(SOURCE, ["B"])
    assert sorted((f.code, f.line) for f in findings) == [("B105", 2), ("B404", 1), ("B602", 4)]
    b105 = next(f for f in findings if f.code == "B105")
    assert "hunter2hunter2" not in b105.message + b105.source_line + b105.fingerprint_text
    assert "hunt…(14 chars)" in b105.message


def test_nosec_and_noqa() -> None:
    source = SOURCE.replace("shell=True)", "shell=True)  # nosec").replace('hunter2"', 'hunter2"  # noqa: B105')
    assert sorted(f.code for f in check_text(source, ["B"])) == ["B404"]


def test_nosec_with_codes_silences_only_those_tests() -> None:
    line = "    subprocess.call(cmd, shell=True)"
    for comment, left in (("# nosec B602", []), ("# nosec B603, B604", ["B602"]), ("# nosec", [])):
        source = SOURCE.replace(line, f"{line}  {comment}")
        assert [f.code for f in check_text(source, ["B602"])] == left, comment
    # this tool's own rules take any nosec written for bandit's equivalent check
    secret = 'DB_PASSWORD = "Tr0ub4dor-horse-battery"  # nosec B105\n'
    assert [f.code for f in check_text(secret, ["REL301"])] == []


def test_single_code_select() -> None:
    assert [f.code for f in check_text(SOURCE, ["B602"])] == ["B602"]
