"""Mutation testing of the core modules with mutmut: `python scripts/mutation.py [MODULE ...]`.

MODULE is a dotted name under reliability_lint: a module (`cache`, `rules.todos.checks`) or a
package (`semantic`, `rules.timeouts`: every module below it), or `all` for the core modules
below. Runs `mutmut run` on the mutants of those modules, then prints each module's score
(killed / (killed + survived + timeout + no tests)) and its surviving mutants; `mutmut show
NAME` prints one mutant's diff.

mutmut copies the package into ./mutants and runs the tests in pyproject's
[tool.mutmut] there. PYTHONPATH points at that copy, so a test that starts the real
executable in a subprocess imports the mutated package too, not the editable install.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALL = (
    "diff_lines", "baseline", "cache", "cache_table", "redaction", "config", "secret_detect", "secret_prefilter",
    "fix", "fixing", "applicability", "engine",
    "semantic", "rules.timeouts", "rules.exceptions", "rules.secrets", "rules.todos", "rules.bandit", "rules.auth",
)  # fmt: skip
_LINE = re.compile(r"^\s*(?P<name>reliability_lint\.\S+__mutmut_\d+): (?P<status>.+)$")
_NOT_KILLED = ("survived", "timeout", "no tests", "suspicious")


def module_of(mutant: str) -> str:
    """`reliability_lint.semantic.scopes.xǁScopeǁlookup__mutmut_3` -> `semantic.scopes`."""
    parts = mutant.split(".")
    while parts and (parts[-1].startswith(("x_", "xǁ")) or "__mutmut_" in parts[-1]):
        parts.pop()
    return ".".join(parts[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=["all"])
    parser.add_argument("--max-children", type=int, default=2, help="parallel test processes (default 2)")
    parser.add_argument("--report-only", action="store_true", help="print the scores of the last run, run nothing")
    parser.add_argument("--left-only", action="store_true", help="run only the mutants not killed or not yet checked (after new tests, or a run cut short)")
    parser.add_argument("--unchecked-only", action="store_true", help="run only the mutants not yet checked (a run cut short)")
    args = parser.parse_args()
    modules = list(ALL) if args.modules == ["all"] else args.modules
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "mutants"), str(ROOT / "scripts" / "mutmut_site")]))
    env.pop("MUTANT_UNDER_TEST", None)
    patterns = [f"reliability_lint.{module}.*" for module in modules]
    if not args.report_only and args.left_only:
        patterns = [name for names in _results(env, modules, unchecked=True)[1].values() for name in names]
    if not args.report_only and args.unchecked_only:
        left = _results(env, modules, unchecked=True)[1].values()
        patterns = [name for names in left for name, status in names.items() if status == "not checked"]
    if not args.report_only and patterns:  # none named would make mutmut run every mutant
        run = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *patterns]
        # A mutation run takes as long as its mutants do: bounding it would cut a run short.
        code = subprocess.run(run, cwd=ROOT, env=env, check=False).returncode  # noqa: REL207
        if code != 0:
            print(f"mutmut run exited {code}", file=sys.stderr)
    counts, left = _results(env, modules)
    print(f"\n{'module':<22} {'killed':>6} {'left':>5} {'score':>6}   (not checked: skipped, type errors)")
    for module in sorted(counts):  # each module below a package on a line of its own
        count = counts[module]
        killed = count["killed"]
        total = killed + sum(count[s] for s in _NOT_KILLED)
        score = f"{100 * killed / total:5.1f}%" if total else "    -"
        print(f"{module:<22} {killed:>6} {total - killed:>5} {score:>6}")
    for module in sorted(left):
        if left.get(module):
            print(f"\n{module}: not killed")
            print("\n".join(f"  {name} ({status})" for name, status in sorted(left[module].items())))
    return 0


def _results(
    env: dict[str, str], modules: list[str], unchecked: bool = False
) -> tuple[dict[str, Counter[str]], dict[str, dict[str, str]]]:
    """Each module's count of mutants by status, and its mutants not killed (name: status),
    with those not yet checked too when `unchecked`."""
    listing = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        timeout=600,
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    left: dict[str, dict[str, str]] = defaultdict(dict)
    for line in listing.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        name = match.group("name")
        module, status = module_of(name), match.group("status").strip()
        if not any(module == wanted or module.startswith(wanted + ".") for wanted in modules):
            continue
        counts[module][status] += 1
        if status in _NOT_KILLED or (unchecked and status == "not checked"):
            left[module][name] = status
    return counts, left


if __name__ == "__main__":
    sys.exit(main())
