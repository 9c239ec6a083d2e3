"""`fix --diff` runs only the rules that may offer a fix the run applies, by each rule's
declared applicability (applicability.fixing_rules), and stops after one round where every
fix was taken and its family declares its fixes final (registry.final_fixes). So the
declarations must hold for every fix a rule offers, and `fix --diff` must show exactly
what `fix` writes, in every configuration of applicability: checked on the tree of every
rule's defects and look-alikes, and with a pack's rules that need more rounds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reliability_lint import engine
from reliability_lint.analysis import Plan, check_source
from reliability_lint.applicability import fixing_rules
from reliability_lint.fix import unified_diff
from reliability_lint.registry import REGISTRY, load_rules
from reliability_lint.source import SourceError, SourceFile
from reliability_lint.testing import check_text, settings_for
from conftest import run_tool
from rule_tree import rule_tree

load_rules()
CONFIGS = {
    "safe": ("", ()),
    "unsafe": ("", ("--unsafe-fixes",)),
    # Unsafe rules made safe, and safe ones (REL101's safe fixes among them) made unsafe.
    "extended": ('extend-safe-fixes = ["REL3", "REL402"]\nextend-unsafe-fixes = ["REL101", "REL201"]\n', ()),
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rule_tree(tmp_path_factory.mktemp("applicability") / "tree")


def test_every_fix_a_rule_offers_has_the_applicability_it_declares(tree: Path) -> None:
    """Before the engine holds them to it: a rule declared unsafe offers a safe fix only
    with some_fixes_safe, a rule with no declared fix offers none."""
    options = settings_for(None).options
    plan = Plan.build(REGISTRY, frozenset(REGISTRY.rules), options)
    seen: dict[str, set[str]] = {}
    for path in sorted(tree.rglob("*.py")):
        try:
            src = SourceFile.from_bytes(path, path.read_bytes())
            findings, _, _ = check_source(src, str(path), frozenset({"python"}), plan, options)
        except SourceError:  # the fixtures' files that do not decode or parse
            continue
        for finding in findings:
            if finding.fix is not None:
                seen.setdefault(finding.code, set()).add(finding.fix.applicability)
    assert {"REL101", "REL102", "REL201", "REL207", "REL301", "REL402", "REL502"} <= seen.keys()
    for code, offered in seen.items():
        rule = REGISTRY.rules[code]
        allowed = {"safe", "unsafe"} if rule.some_fixes_safe else {rule.fix}
        assert offered <= allowed, f"{code} declares fix={rule.fix!r} but offers {sorted(offered)}"
    assert seen["REL101"] == {"safe", "unsafe"}, "REL101 offers both: the corpus has handlers that re-raise"


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_fix_diff_shows_what_fix_writes(cli, tree: Path, tmp_path: Path, config: str) -> None:
    """The same files, hunks and added lines (a diff redacts the secrets in its other
    lines, which the files on disk keep), and the same count."""
    lines, flags = CONFIGS[config]
    work = tmp_path / "work"
    shutil.copytree(tree, work)
    (work / "pyproject.toml").write_text('[tool.reliability-lint]\nselect = ["ALL"]\n' + lines, encoding="utf-8")
    _, shown, err = cli("fix", "--diff", "--no-cache", *flags, ".", cwd=work)
    would_fix = re.search(r"Would fix (\d+) problem", err)
    before = {path: path.read_bytes() for path in work.rglob("*") if path.is_file()}
    _, out, _ = cli("fix", "--no-cache", *flags, ".", cwd=work)
    fixed = re.search(r"Fixed (\d+) problem", out)
    assert would_fix and fixed and would_fix.group(1) == fixed.group(1), (err, out[-300:])
    written = "".join(
        unified_diff(path.relative_to(work).as_posix(), data.decode(errors="replace"), path.read_bytes().decode(errors="replace"))
        for path, data in sorted(before.items())
        if path.read_bytes() != data
    )
    assert len(_changes(written)) > 20
    assert _changes(shown) == _changes(written)


def _changes(diff: str) -> dict[str, list[str]]:
    """Each file's hunk headers and added lines."""
    changes: dict[str, list[str]] = {}
    for part in diff.split("--- a/")[1:]:
        header, _, body = part.partition("\n")
        changes[header] = [line for line in body.splitlines()[1:] if line.startswith(("@@", "+"))]
    return changes


def test_a_rule_is_held_to_its_declared_applicability(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule declared unsafe whose fix says safe is applied as unsafe, by `fix` and by
    `fix --diff` alike; a rule declared without a fix offers none."""
    code = "REL201"
    rule = REGISTRY.rules[code]
    text = "from google.cloud import bigquery\n\nclient = bigquery.Client()\nrows = client.query('SELECT 1').result()\n"
    assert check_text(text, [code])[0].fix.applicability == "safe"
    monkeypatch.setitem(REGISTRY.rules, code, rule.__class__(**{**rule.__dict__, "fix": "unsafe"}))
    monkeypatch.setattr(engine, "_PLANS", {})
    (finding,) = check_text(text, [code])
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert fixing_rules(frozenset({code}), settings_for([code], unsafe_fixes=False)) == frozenset()
    monkeypatch.setitem(REGISTRY.rules, code, rule.__class__(**{**rule.__dict__, "fix": None}))
    (finding,) = check_text(text, [code])
    assert finding.fix is None


def test_the_diff_of_a_narrow_selection_is_redacted(cli, tmp_path: Path) -> None:
    """`fix --diff --select REL201` runs no secret rule for its findings; a secret in the
    diff's context lines is redacted all the same."""
    value = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
    (tmp_path / "load.py").write_text(
        f'from google.cloud import bigquery\nSTRIPE_KEY = "{value}"\nrows = bigquery.Client().query("SELECT 1").result()\n',
        encoding="utf-8",
    )
    code, out, err = cli("fix", "--diff", "--select", "REL201", "--no-cache", ".", cwd=tmp_path)
    assert code == 1 and "+rows = bigquery.Client().query(\"SELECT 1\").result(timeout=" in out
    assert value not in out + err and "STRIPE_KEY" in out


_CASCADE = '''
import ast
from reliability_lint.findings import Edit, Fix
from reliability_lint.fix import FixError
from reliability_lint.registry import final_fixes, rule

FINAL = {final}


def _rename(ctx, node, code, old, new):
    if isinstance(node.func, ast.Name) and node.func.id == old:
        at, end = (node.lineno, node.col_offset), (node.lineno, node.col_offset + len(old))
        ctx.report(code, node, f"{{old}}()", fix=Fix("safe", f"Call {{new}}()", compute=lambda _: [Edit(at, end, new)]))


@rule("ACME001", "print-call", "print()", "P3", fix="safe", nodes=(ast.Call,), family="acme")
def print_call(node, ctx):
    _rename(ctx, node, "ACME001", "print", "log")


@rule("ACME002", "log-call", "log(): a fix that appears once ACME001's is applied", "P3", fix="safe", nodes=(ast.Call,), family="acme")
def log_call(node, ctx):
    _rename(ctx, node, "ACME002", "log", "log_warning")


@rule("ACME003", "shout-call", "shout(): its fix overlaps ACME004's", "P3", fix="safe", nodes=(ast.Call,), family="acme")
def shout_call(node, ctx):
    _rename(ctx, node, "ACME003", "shout", "say")


@rule("ACME004", "shout-name", "shout(): its fix overlaps ACME003's", "P3", fix="safe", nodes=(ast.Call,), family="acme")
def shout_name(node, ctx):
    if isinstance(node.func, ast.Name) and node.func.id == "shout":
        at, end = (node.lineno, node.col_offset), (node.lineno, node.end_col_offset)
        ctx.report("ACME004", node, "shout()", fix=Fix("safe", "Quiet", compute=lambda _: [Edit(at, end, "quiet()")]))


@rule("ACME005", "hush-call", "hush(): its fix can be made only once no print() is left", "P3", fix="safe", nodes=(ast.Call,), family="acme")
def hush_call(node, ctx):
    if isinstance(node.func, ast.Name) and node.func.id == "hush":
        at, end = (node.lineno, node.col_offset), (node.lineno, node.col_offset + 4)

        def compute(fix):
            if "print(" in fix.source.text:
                raise FixError("print() first")
            return [Edit(at, end, "mute")]

        ctx.report("ACME005", node, "hush()", fix=Fix("safe", "Mute", compute=compute))


if FINAL:
    final_fixes("acme")
'''


@pytest.mark.parametrize(
    ("final", "code", "shown"),
    [
        (False, "print('hi')\n", ["log_warning('hi')"]),  # fixed until nothing changes
        (True, "print('hi')\n", ["log('hi')"]),  # ACME002 is not looked for again: the pack's promise
        (True, "print('hi')\nshout()\n", ["log_warning('hi')", "say()"]),  # ACME004 waited: a round more
        (True, "print('hi')\nhush()\n", ["log_warning('hi')", "mute()"]),  # ACME005 failed: a round more
    ],
)
def test_fix_diff_takes_more_rounds_where_a_fix_waited_or_may_make_another(
    tmp_path: Path, final: bool, code: str, shown: list[str]
) -> None:
    """A pack's family that does not declare its fixes final (ACME001 makes ACME002
    appear) is fixed until nothing changes, as by `fix`; so is a family declared final
    where a fix overlapped another (ACME003 and ACME004) and waited."""
    (tmp_path / "lint_rules").mkdir()
    (tmp_path / "lint_rules" / "acme.py").write_text(_CASCADE.format(final=final), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\nselect = ["ACME"]\n')
    (tmp_path / "job.py").write_text(code, encoding="utf-8")
    diff = run_tool("fix", "--diff", "--no-cache", "job.py", cwd=tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert [line[1:] for line in diff.stdout.splitlines() if line[:1] == "+" and line[:3] != "+++"] == shown
    run_tool("fix", "--no-cache", "job.py", cwd=tmp_path)
    assert (tmp_path / "job.py").read_text(encoding="utf-8").splitlines() == ["log_warning('hi')", *shown[1:]]
