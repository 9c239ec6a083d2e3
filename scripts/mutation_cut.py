"""Mutation testing of some modules against a few test files: `python scripts/mutation_cut.py DIR [OPTIONS] --tests FILE [FILE ...] -- MODULE [...]`.

With the whole selection every mutant costs pytest's collection of ~2,800 tests (2-6 s on
the project's machine) before its first test runs: 15-25 mutants a minute. A cut runs ten
times faster: DIR is a git worktree of HEAD (made if missing) whose `[tool.mutmut]` runs
only FILE... and mutates only the MODULEs' files, and `scripts/mutation.py` runs there with
the MODULEs and the options given (`--max-children`, `--left-only`, `--unchecked-only`,
`--report-only`, as there).

mutmut 3.8.1's own stats pass (which tests reach which function) records no test at all
for such a cut (tests/MUTATION.md, "Running mutmut"), so the cut's stats are seeded from
the full selection's (`mutants/mutmut-stats.json` here, written by any
`scripts/mutation.py` run), keeping only FILE...'s tests. A mutant a cut kills is killed;
one it leaves may still be killed by a test outside FILE..., so a cut's score is a lower
bound.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the cut's worktree (made from HEAD if missing)")
    parser.add_argument("--tests", nargs="+", required=True, help="the test files the cut runs")
    parser.add_argument("modules", nargs="+", help="dotted names under reliability_lint, as for scripts/mutation.py")
    parser.add_argument("--max-children", default="2")
    for flag in ("--left-only", "--unchecked-only", "--report-only"):
        parser.add_argument(flag, action="store_true")
    args = parser.parse_args()
    passed_on = ["--max-children", args.max_children]
    passed_on += [flag for flag in ("--left-only", "--unchecked-only", "--report-only") if getattr(args, flag[2:].replace("-", "_"))]
    stats = ROOT / "mutants" / "mutmut-stats.json"
    if not stats.is_file():
        sys.exit(f"{stats}: missing; run scripts/mutation.py once here first (its stats pass over the full selection)")
    folder = args.folder.absolute()
    if not folder.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(folder), "HEAD"], cwd=ROOT, check=True, timeout=120)
    _configure(folder / "pyproject.toml", args.tests, [_source_glob(module) for module in args.modules])
    seeded = folder / "mutants" / "mutmut-stats.json"
    if not seeded.exists():
        seeded.parent.mkdir(parents=True, exist_ok=True)
        seeded.write_text(json.dumps(_cut_stats(json.loads(stats.read_text()), args.tests, args.modules)))
    run = [sys.executable, str(folder / "scripts" / "mutation.py"), *args.modules, *passed_on]
    # As long as its mutants take: bounding it would cut the run short.
    return subprocess.run(run, cwd=folder, check=False).returncode  # noqa: REL207


def _source_glob(module: str) -> str:
    path = "reliability_lint/" + module.replace(".", "/")
    return f"{path}/*" if (ROOT / path).is_dir() else f"{path}.py"


def _configure(pyproject: Path, tests: list[str], sources: list[str]) -> None:
    """The worktree's [tool.mutmut] with only these tests and these sources (a cut never commits),
    made from the committed file: a worktree cut before, or by hand, is cut again from scratch."""
    committed = ["git", "show", "HEAD:pyproject.toml"]
    text = subprocess.run(committed, cwd=pyproject.parent, check=True, capture_output=True, text=True, timeout=60).stdout
    for key, values in (("pytest_add_cli_args_test_selection", tests), ("only_mutate", sources)):
        listed = "[\n" + "".join(f"    {json.dumps(value)},\n" for value in values) + "]"
        text, count = re.subn(rf"^{key} = \[.*?^\]", f"{key} = {listed}", text, count=1, flags=re.M | re.S)
        if not count:  # a one-line list
            text, count = re.subn(rf"^{key} = \[.*?\]$", f"{key} = {listed}", text, count=1, flags=re.M)
        if not count:
            sys.exit(f"{pyproject}: no `{key} = [...]` under [tool.mutmut]")
    pyproject.write_text(text, encoding="utf-8")


def _cut_stats(stats: dict, tests: list[str], modules: list[str]) -> dict:
    """The full selection's stats, for the modules' functions and the cut's tests only; without
    the configuration's fingerprint, which would make mutmut discard them for the new selection."""
    files = tuple(tests)
    prefixes = tuple(f"reliability_lint.{module}." for module in modules)
    by_function = stats.get("tests_by_mangled_function_name", {})
    cut = dict(stats, tests_by_mangled_function_name={
        name: [test for test in found if test.startswith(files)] for name, found in by_function.items() if name.startswith(prefixes)
    })  # fmt: skip
    cut["duration_by_test"] = {test: t for test, t in stats.get("duration_by_test", {}).items() if test.startswith(files)}
    cut.pop("config_fingerprint", None)
    return cut


if __name__ == "__main__":
    sys.exit(main())
