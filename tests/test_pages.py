"""Every rule names its page, and every page's examples hold: bad reports exactly the lines,
columns and messages its `reported` block states, good is not reported, fixing bad gives
fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reliability_lint.pages import examples, page_path, pages_dir, reported_lines
from reliability_lint.registry import load_rules
from reliability_lint.testing import check_text, fix_text

REGISTRY = load_rules()
PAGES = pages_dir()
assert PAGES == Path(__file__).resolve().parent.parent / "rules", "the tests read the checkout's pages"


def _cases() -> list:
    cases = []
    for page in sorted(PAGES.glob("REL*.md")):
        code = page.name.split("-", 1)[0]
        previous_bad = None
        for example in examples(page.read_text(encoding="utf-8")):
            name = f"{page.stem}:{example.line}:{example.tag}"
            cases.append(pytest.param(code, example, previous_bad, id=name))
            if example.tag == "bad":
                previous_bad = example
    return cases


def test_every_rule_names_its_page_and_every_page_a_rule() -> None:
    pages = {page.name for page in PAGES.glob("*.md")}
    builtin = [rule for rule in REGISTRY.rules.values() if rule.code.startswith("REL")]
    for rule in builtin:
        assert rule.page == f"{rule.code}-{rule.name}.md", f"{rule.code} names the page {rule.page!r}"
        assert page_path(rule) == PAGES / rule.page
    wanted = {rule.page for rule in builtin}
    assert wanted <= pages, f"rules without a page: {sorted(wanted - pages)}"
    assert {p for p in pages if p.startswith("REL")} <= wanted, "pages without a rule"


def test_every_page_has_the_sections_and_examples() -> None:
    for page in sorted(PAGES.glob("REL*.md")):
        text = page.read_text(encoding="utf-8")
        for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix", "## Options"):
            assert heading in text, f"{page.name} lacks {heading!r}"
        tags = {example.tag for example in examples(text)}
        assert {"bad", "good"} <= tags, f"{page.name} needs bad and good examples"


@pytest.mark.parametrize(("code", "example", "previous_bad"), _cases())
def test_page_example(code: str, example, previous_bad) -> None:
    path = example.attributes.get("path", "example.py")
    # `select=A,B`: the example is checked with these rules (REL000 needs one that parses).
    selected = example.attributes.get("select", code).split(",")
    if example.tag == "bad":
        assert example.reported, "a bad example states what it reports in a ```text reported``` block under it"
        found = [f for f in check_text(example.code, selected, path=path) if f.code == code]
        assert reported_lines(found) == example.reported
    elif example.tag == "good":
        reported = {f.code for f in check_text(example.code, selected, path=path)}
        assert code not in reported, f"good example reported as {code}"
    else:
        assert previous_bad is not None, "a fixed example must follow a bad one"
        unsafe = "safe" not in example.attributes
        fixed = fix_text(previous_bad.code, [code], path=path, unsafe_fixes=unsafe)
        assert fixed == example.code


def test_a_reported_block_belongs_to_the_bad_example_right_above_it() -> None:
    page = "```python bad\nexcept:\n```\n\n```text reported\n1:1: REL101 m\n2:3: REL101 n\n```\n\n```python good\nx\n```\n"
    bad, good = examples(page)
    assert bad.reported == ["1:1: REL101 m", "2:3: REL101 n"]
    assert good.reported is None
    for misplaced in (
        "```python good\nx\n```\n\n```text reported\n1:1: REL101 m\n```\n",
        "```python bad\nx\n```\n\nSome words.\n\n```text reported\n1:1: REL101 m\n```\n",
    ):
        with pytest.raises(ValueError, match="must follow a bad example"):
            examples(misplaced)


def test_a_wrong_column_or_message_in_a_reported_block_is_caught() -> None:
    page = PAGES / "REL201-bigquery-wait-without-timeout.md"
    bad = next(e for e in examples(page.read_text(encoding="utf-8")) if e.tag == "bad")
    stated = bad.reported
    assert stated is not None
    found = reported_lines(f for f in check_text(bad.code, ["REL201"]) if f.code == "REL201")
    assert found == stated
    line, col, rest = stated[0].split(":", 2)
    assert found != [f"{line}:{int(col) + 1}:{rest}", *stated[1:]]
    assert found != [stated[0].replace("no `timeout`", "no timeout"), *stated[1:]]


def test_the_wheel_ships_the_pages_and_its_copy_is_the_one_found(tmp_path: Path) -> None:
    """Installed from the wheel, pages come from the package's own copy (force-include of
    the top-level rules/), and every family package is in it."""
    import subprocess
    import sys
    import zipfile

    from hatchling.builders.wheel import WheelBuilder

    root = Path(__file__).resolve().parent.parent
    (wheel,) = WheelBuilder(str(root)).build(directory=str(tmp_path / "dist"), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    for rule in REGISTRY.rules.values():
        if rule.page is not None:
            assert f"reliability_lint/rule_pages/{rule.page}" in names
    for family in ("bandit", "exceptions", "secrets", "timeouts", "todos"):
        assert f"reliability_lint/rules/{family}/__init__.py" in names
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    probe = (
        "from reliability_lint.pages import page_path, pages_dir; from reliability_lint.registry import load_rules;"
        "rules = load_rules().rules; print(pages_dir()); print(page_path(rules['REL201'])); print(len(rules))"
    )
    env = {"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    folder, page, count = done.stdout.splitlines()
    assert Path(folder) == tmp_path / "site" / "reliability_lint" / "rule_pages"
    assert Path(page) == Path(folder) / "REL201-bigquery-wait-without-timeout.md"
    assert int(count) == len(REGISTRY.rules)
