"""Shared by the robustness tests: fixing in memory with what was reported, the defects the
registry's own rule pages plant, and comparing syntax trees up to the nodes fixes name."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reliability_lint.applicability import fixable
from reliability_lint.engine import Task, analyze
from reliability_lint.fixing import fix_source
from reliability_lint.settings import Settings
from reliability_lint.findings import Finding, error
from reliability_lint.pages import examples, page_path
from reliability_lint.registry import REGISTRY, load_rules
from reliability_lint.source import SourceError, SourceFile
from reliability_lint.testing import settings_for

PAGES = Path(__file__).resolve().parent.parent / "rules"
# Generated programs are checked as if they lived next to a pin of google-cloud-bigquery
# that accepts the downloads' `timeout` (REL206 applies only there).
GENERATED = str(Path(__file__).resolve().parent / "data" / "pins" / "bigquery-3.41" / "generated.py")


@dataclass
class Outcome:
    before: list[Finding]
    fixed_text: str
    after: list[Finding]
    applied: int


def every_rule_settings(unsafe_fixes: bool = True) -> Settings:
    """Every registered rule, the default ones and the opt-in ones."""
    load_rules()
    return settings_for(sorted(REGISTRY.rules), unsafe_fixes=unsafe_fixes)


def fix_in_memory(text: str, settings: Settings, path: str = GENERATED) -> Outcome:
    src = SourceFile(Path(path), text)
    task = Task(Path(path), path, REGISTRY.kinds_of(Path(path)))
    try:
        before = analyze(src, task, settings, settings.enabled)
    except SourceError as exc:  # the engine reports it as a file error and moves on
        return Outcome([error(path, str(exc))], text, [error(path, str(exc))], 0)
    fixed, after, applied = fix_source(src, task, settings, settings.enabled)
    return Outcome(before, fixed.text, after, applied)


def fixable_findings(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    return [f for f in findings if fixable(f, settings)]


def page_snippets(tag: str = "bad", language: str = "python") -> list[str]:
    """The examples of every registered rule's page: defects as their authors plant them."""
    load_rules()
    snippets = []
    for rule in sorted(REGISTRY.rules.values(), key=lambda r: r.code):
        page = page_path(rule)
        if page is None:
            continue
        for example in examples(page.read_text(encoding="utf-8")):
            # a Python example placed by path is placed for its pin (REL206): generated.py sits there too
            placed = example.attributes.get("path", "generated.py")
            if example.tag == tag and example.language == language and placed.endswith(".py"):
                snippets.append(example.code)
    return snippets


def node_spans(tree: ast.AST) -> list[tuple[tuple[int, int], tuple[int, int], ast.AST]]:
    """Every located node with its (line, byte col) start and end."""
    spans = []
    for node in ast.walk(tree):
        if hasattr(node, "lineno") and getattr(node, "end_lineno", None) is not None:
            spans.append(((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset), node))
    return spans


def named_nodes(text: str, tree: ast.AST, findings: Iterable[Finding]) -> set[int]:
    """The ids of the smallest nodes holding each finding's span: what its fix may change."""
    src = SourceFile(Path("x.py"), text)
    spans = [
        ((a[0], src.char_col(a[0], a[1])), (b[0], src.char_col(b[0], b[1])), node)
        for a, b, node in node_spans(tree)
    ]
    named: set[int] = set()
    for finding in findings:
        start, end = (finding.line, finding.col), (finding.end_line, finding.end_col)
        holders = [(s, e, n) for s, e, n in spans if s <= start and end <= e]
        if holders:
            # the smallest: latest start, then earliest end
            named.add(id(max(holders, key=lambda h: (h[0], (-h[1][0], -h[1][1])))[2]))
    return named


def same_tree(original: ast.AST, fixed: ast.AST, named: set[int]) -> str | None:
    """None when the trees agree everywhere outside the named nodes, allowing imports that
    fixes add to the module; else a description of the first difference."""
    if id(original) in named:
        return None
    if type(original) is not type(fixed):
        return f"{type(original).__name__} became {type(fixed).__name__}"
    if isinstance(original, ast.AST):
        for name in original._fields:
            a, b = getattr(original, name, None), getattr(fixed, name, None)
            if isinstance(original, ast.Module) and name == "body":
                problem = _same_body(a, b, named)
            elif isinstance(a, list):
                if not isinstance(b, list) or len(a) != len(b):
                    return f"{type(original).__name__}.{name} changed length"
                problem = next((p for x, y in zip(a, b) if (p := same_tree(x, y, named))), None)
            else:
                problem = same_tree(a, b, named)
            if problem:
                line = getattr(original, "lineno", "?")
                return f"line {line}: {problem}"
        return None
    if original == fixed or repr(original) == repr(fixed):
        return None
    return f"{original!r} became {fixed!r}"


def _same_body(original: list[ast.stmt], fixed: list[ast.stmt], named: set[int]) -> str | None:
    """Align the fixed module body with the original, where any import of the fixed body
    may be one a fix added. A named (fixed) statement matches anything, so an added
    `import logging` could be lined up against it and push the rest out of step: each
    import is tried both ways, as the original statement and as an added one."""
    return _align(original, fixed, named, 0, 0)


def _align(original: list[ast.stmt], fixed: list[ast.stmt], named: set[int], index: int, position: int) -> str | None:
    while position < len(fixed):
        statement = fixed[position]
        matches = index < len(original) and same_tree(original[index], statement, named) is None
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            if matches and _align(original, fixed, named, index + 1, position + 1) is None:
                return None
            position += 1  # added by a fix
            continue
        if not matches:
            where = original[index] if index < len(original) else None
            detail = same_tree(where, statement, named) if where is not None else "extra statement"
            return f"module body differs at {ast.unparse(statement)[:60]!r}: {detail}"
        index += 1
        position += 1
    if index != len(original):
        return f"statement lost: {ast.unparse(original[index])[:60]!r}"
    return None
