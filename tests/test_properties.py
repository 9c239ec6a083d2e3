"""Properties of check and fix over generated programs.

hypothesmith generates valid Python; the strategies below plant the defects this tool
fixes into programs of their own (exception handlers in every shape the rules care about)
and mix in the `bad` examples of every registered rule's page, so that a rule family
merged later is exercised without this file changing.

For every program: check never crashes; `fix --unsafe-fixes` output parses (and compiles
where the original did); the fixed tree equals the original outside the nodes the fixes
name (imports a fix adds aside); a second fix changes nothing; and what remains after a
fix is a subset of what was found before, less what was fixed.
"""

from __future__ import annotations

import ast
import os
import warnings
from collections import Counter

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reliability_lint.registry import REGISTRY
from robust_helpers import (
    every_rule_settings, fix_in_memory, fixable_findings, named_nodes, page_snippets, same_tree,
)  # fmt: skip

settings.register_profile(
    "default", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", parent=settings.get_profile("default"), derandomize=True, print_blob=True
)
settings.register_profile("thorough", parent=settings.get_profile("default"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))

SETTINGS = every_rule_settings(unsafe_fixes=True)
SNIPPETS = page_snippets("bad")

# ------------------------------------------------------------------------ planted defects

CAUGHT = [None, "Exception", "BaseException", "(ValueError, Exception)", "ValueError", "builtins.Exception", "(OSError,)"]
BODIES = [
    "pass",
    "...",
    "return None",
    "raise",
    "x = 1",
    "logger.error('failed')",
    "logging.exception('failed')",
    "print('failed')",
    "errors.append({name})",
    "def later():\n    raise",
    "continue",
    "pass  # it is fine",
    "# a comment line\npass",
    "'''a docstring-like string'''",
    "y = {{'a': 1,\n     'b': 2}}",
]
PREAMBLES = [
    "",
    "import logging\n",
    "import logging\nlogger = logging.getLogger(__name__)\n",
    "import logging as lg\n",
    "from logging import getLogger\nlog = getLogger(__name__)\n",
    "Exception = ValueError\n",
    '"""Module docstring."""\n',
    "from __future__ import annotations\n",
]

# Between top-level parts: what legacy files hold between their statements.
SEPARATORS = ["\n\n", "\n", "\n\x0c\n", "\n# café ✓\n", "\n    \n", "\n\\\n"]


def _indent(code: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in code.splitlines(keepends=True))


@st.composite
def handlers(draw: st.DrawFn, indent: str = "    ") -> str:
    caught = draw(st.sampled_from(CAUGHT))
    name = draw(st.sampled_from([None, "exc"])) if caught else None
    header = "except" + (f" {caught}" if caught else "") + (f" as {name}" if name else "")
    header += draw(st.sampled_from([":", ":  # noqa", ": # why", " :"]))
    body = draw(st.sampled_from(BODIES)).format(name=name or "err")
    inline = "\n" not in body and draw(st.booleans())
    handler = f"{header} {body}\n" if inline else header + "\n" + _indent(body + "\n", indent)
    trying = "try:\n" + _indent(draw(st.sampled_from(["g()", "a = b[c]", "x = compute(1,\n    2)"])) + "\n", indent)
    return trying + handler + draw(st.sampled_from(["", "finally:\n" + indent + "done()\n", "else:\n" + indent + "ok()\n"]))


@st.composite
def placed(draw: st.DrawFn, indent: str = "    ") -> str:
    """A handler at module level, in a function, a method, a loop or another handler."""
    inner = draw(handlers(indent))
    where = draw(st.sampled_from(["module", "function", "method", "loop", "nested", "async"]))
    if where == "function":
        return "def work(x):\n" + _indent(inner, indent)
    if where == "method":
        return "class Job:\n" + _indent("def run(self):\n" + _indent(inner, indent), indent)
    if where == "loop":
        return "def loop(items):\n" + _indent("for item in items:\n" + _indent(inner, indent), indent)
    if where == "nested":
        outer = draw(handlers(indent))
        return "def nested():\n" + _indent(outer + "\n" + inner, indent).replace("\n\n", "\n")
    if where == "async":
        return "async def fetch():\n" + _indent(inner.replace("g()", "await g()"), indent)
    return inner


@st.composite
def planted_programs(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["    ", "  ", "\t"]))
    parts = [draw(st.sampled_from(PREAMBLES))]
    for _ in range(draw(st.integers(1, 4))):
        if SNIPPETS and draw(st.integers(0, 3)) == 0:
            parts.append(draw(st.sampled_from(SNIPPETS)))
        else:
            parts.append(draw(placed(indent)))
    separator = draw(st.sampled_from(SEPARATORS))
    program = separator.join(part.rstrip("\n") for part in parts if part) + "\n"
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    return program.replace("\n", newline)


# ------------------------------------------------------------------------ the properties


def _parse(text: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None


def _compiles(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "generated.py", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return False
    return True


def assert_fix_properties(text: str) -> None:
    original_tree = _parse(text)
    outcome = fix_in_memory(text, SETTINGS)
    # check never crashes, and a program that parses is never a file error
    assert not [f for f in outcome.before if f.code == "REL000"] or original_tree is None, outcome.before
    if original_tree is None:
        assert outcome.fixed_text == text
        return

    failures = [f for f in outcome.after if f.code == "REL000"]
    fixed_tree = _parse(outcome.fixed_text)
    assert fixed_tree is not None, f"fixed output does not parse:\n{outcome.fixed_text}"
    if _compiles(text):
        assert _compiles(outcome.fixed_text), f"fixed output does not compile:\n{outcome.fixed_text}"
    if any("file left unchanged" in f.message for f in failures):
        assert outcome.fixed_text == text and outcome.applied == 0
        return
    # A fix that could not be computed is named, and the others still apply.
    assert all(f.message.startswith("fix for ") for f in failures), failures

    fixed_before = fixable_findings(outcome.before, SETTINGS)
    named = named_nodes(text, original_tree, fixed_before)
    difference = same_tree(original_tree, fixed_tree, named)
    assert difference is None, f"{difference}\n--- original\n{text}\n--- fixed\n{outcome.fixed_text}"

    before = Counter(f.code for f in outcome.before)
    after = Counter(f.code for f in outcome.after if f not in failures)
    assert after <= before, f"a fix created findings: {after - before}"
    assert sum(after.values()) <= sum(before.values()) - outcome.applied
    if not failures:
        left = fixable_findings(outcome.after, SETTINGS)
        assert not left, f"fixable findings remain after fixing: {left}"
    if outcome.fixed_text == text:
        assert outcome.applied == 0

    again = fix_in_memory(outcome.fixed_text, SETTINGS)
    assert again.fixed_text == outcome.fixed_text, "a second fix changed the file"
    assert again.applied == 0
    if not failures:
        assert not [f for f in again.after if f.code == "REL000"]


@given(planted_programs())
def test_fix_properties_on_planted_defects(text: str) -> None:
    assert_fix_properties(text)


@settings(max_examples=25)
@given(hypothesmith.from_grammar())
def test_fix_properties_on_generated_programs(text: str) -> None:
    assert_fix_properties(text)


@settings(max_examples=25)
@given(hypothesmith.from_grammar(), planted_programs())
def test_fix_properties_on_generated_programs_with_defects(generated: str, planted: str) -> None:
    newline = "\r\n" if "\r\n" in planted else "\n"
    text = planted + newline + generated.replace("\r\n", "\n").replace("\n", newline)
    assume(_parse(text) is not None)
    assert_fix_properties(text)


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"page-example-{n}" for n in range(len(SNIPPETS))])
def test_fix_properties_on_every_page_example(snippet: str) -> None:
    assert_fix_properties(snippet)


def test_planting_reaches_every_fixable_rule() -> None:
    """The generators above must exercise every rule with a fix to Python code, or they
    prove nothing (fixes of other files, such as REL511's to deploy scripts, are tested
    with their family)."""
    reads_python = {code for c in REGISTRY.checkers if c.nodes or "python" in c.kinds for code in c.codes}
    fixable_codes = {code for code in SETTINGS.enabled if REGISTRY.rules[code].fix and code in reads_python}
    reported: set[str] = set()
    for snippet in SNIPPETS:
        reported |= {f.code for f in fix_in_memory(snippet, SETTINGS).before}
        # The generated programs sit under tests/, where the auth rules leave test apps alone.
        reported |= {f.code for f in fix_in_memory(snippet, SETTINGS, path="app.py").before}
    missing = fixable_codes - reported
    assert not missing, f"no page example plants {sorted(missing)}"

