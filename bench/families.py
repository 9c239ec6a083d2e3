#!/usr/bin/env python3
"""Where a cold check's CPU goes after the parse: each rule family alone, in one process.

    python bench/families.py DIR [--rounds 3]

DIR is a corpus (`python bench/corpus.py DIR`). Every Python file is read, decoded and
parsed once, untimed; then, per family, every file's check (the shared walk, the family's
checkers, the project index) is timed, and the minimum over the rounds is reported as a
ratio of the parse floor measured in the same run; the first row is the walk alone.

When tree-sitter and tree-sitter-python are installed, the same files are also parsed by
tree-sitter and queried for except clauses without a type (REL101's shape), the cheapest
detector of that kind: what a tree-sitter family would cost next to ast.parse plus the walk.
"""
from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reliability_lint import analysis  # noqa: E402
from reliability_lint.engine import project_index  # noqa: E402
from reliability_lint.registry import load_rules  # noqa: E402
from reliability_lint.source import SourceError, SourceFile  # noqa: E402
from reliability_lint.testing import settings_for  # noqa: E402


def best(rounds: int, run) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    registry = load_rules()
    settings = settings_for(None, root=args.corpus.resolve())
    files = sorted(p for p in args.corpus.rglob("*.py") if p.is_file())
    data = [(path, path.read_bytes()) for path in files]

    def parse_all() -> None:
        for _, raw in data:
            try:
                ast.parse(raw)
            except (SyntaxError, ValueError):
                pass

    floor = best(args.rounds, parse_all)
    print(f"{len(files)} Python files; parse floor {floor:.2f} s CPU (ast.parse of every file)")
    families: dict[str, set[str]] = {}
    for code in settings.enabled:
        families.setdefault(registry.rules[code].family, set()).add(code)
    families.pop("core", None)

    def timed(codes: frozenset[str], plan: analysis.Plan | None = None) -> float:
        plan = plan or analysis.Plan.build(registry, codes, settings.options)
        times = []
        for _ in range(args.rounds):
            sources = []
            for path, raw in data:
                try:
                    src = SourceFile.from_bytes(path, raw)
                    src.tree  # noqa: B018 (parsed before the clock starts)
                    sources.append(src)
                except SourceError:
                    pass
            index = project_index(settings, None)
            started = time.process_time()
            for src in sources:
                analysis.check_source(src, str(src.path), frozenset({"python"}), plan, settings.options, index)
                src.release()
            times.append(time.process_time() - started)
        return min(times)

    # The walk itself: a plan whose one checker does nothing (an empty plan is not walked).
    walk_only = analysis.Plan({ast.Module: [lambda node, ctx: None]}, {}, None)
    rows = [("the walk, one no-op checker", timed(frozenset(), walk_only))]
    rows += [(f"{family} ({', '.join(sorted(codes))})", timed(frozenset(codes))) for family, codes in sorted(families.items())]
    rows.append(("every default rule", timed(settings.enabled)))
    for name, cpu in rows:
        print(f"  {name[:70]:70} {cpu:6.2f} s  {cpu / floor:5.2f} x parse")
    try:
        import tree_sitter_python
        from tree_sitter import Language, Parser, Query, QueryCursor
    except ImportError:
        print("tree-sitter not installed (pip install tree-sitter tree-sitter-python): no comparison")
        return 0
    language = Language(tree_sitter_python.language())
    ts_parser = Parser(language)
    query = Query(language, "(except_clause) @handler")

    def ts_parse() -> None:
        for _, raw in data:
            ts_parser.parse(raw)

    def ts_query() -> None:
        for _, raw in data:
            tree = ts_parser.parse(raw)
            for node in QueryCursor(query).captures(tree.root_node).get("handler", []):
                node.child(1)  # the type, or the ":" of a bare except

    for name, run in (("tree-sitter parse", ts_parse), ("tree-sitter parse + except-clause query", ts_query)):
        cpu = best(args.rounds, run)
        print(f"  {name:70} {cpu:6.2f} s  {cpu / floor:5.2f} x parse")
    return 0


if __name__ == "__main__":
    sys.exit(main())
