"""Checking one file: one ast walk that hands each node to the checkers of its type, then
the file-level checkers (suppression is the next stage, in suppression.py)."""

from __future__ import annotations

import ast
import re
from functools import cached_property
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.ast_fields import CHILD_FIELDS, LEAVES, STATEMENT_FIELDS, child_fields_of, statements_only
from reliability_lint.findings import Finding, Fix
from reliability_lint.redaction import literal_pieces, pieces, redact_finding, redacted
from reliability_lint.registry import Checker, Precondition, Registry
from reliability_lint.source import Comment, SourceFile, merge_spans
from reliability_lint.suppression import comment_lines, comment_prefix

_COMPOUND_HEADERS = (ast.stmt, ast.excepthandler, ast.match_case)


@dataclass(frozen=True)
class Plan:
    """The checkers in force for one set of enabled codes, indexed for the walk."""

    by_node: dict[type[ast.AST], list[Callable[..., None]]]
    file_level: dict[str, list[Callable[..., None]]]
    comment_pattern: re.Pattern[str] | None
    # The families with a precondition, for narrowing the plan to one file's text: family ->
    # (its precondition, its enabled codes).
    conditional: dict[str, tuple[Precondition, frozenset[str]]] = field(default_factory=dict)
    enabled: frozenset[str] = frozenset()
    _narrowed: dict[frozenset[str], Plan] = field(default_factory=dict, compare=False, repr=False)
    _rebuild: Callable[[frozenset[str]], Plan] | None = field(default=None, compare=False, repr=False)

    @cached_property
    def statements_only(self) -> bool:
        """Whether every checker of the walk looks at statements only (no expression need be
        visited unless string literals are recorded)."""
        return statements_only(self.by_node)

    @property
    def parses(self) -> bool:
        """Whether some checker in force needs the file's tree."""
        return bool(self.by_node or self.file_level.get("python"))

    def for_file(self, text: str, kinds: frozenset[str]) -> Plan:
        """The plan without the families whose precondition the file's text does not meet."""
        refused = frozenset(
            family
            for family, (precondition, _) in self.conditional.items()
            if kinds.intersection(precondition.kinds) and not precondition.admits(text)
        )
        if not refused or self._rebuild is None:
            return self
        plan = self._narrowed.get(refused)
        if plan is None:
            codes = self.enabled.difference(*(self.conditional[family][1] for family in refused))
            plan = self._narrowed[refused] = self._rebuild(codes)
        return plan

    @classmethod
    def build(
        cls,
        registry: Registry,
        enabled: frozenset[str],
        options: dict[str, dict[str, Any]] | None = None,
        collect: frozenset[str] = frozenset(),
    ) -> Plan:
        """The checkers of the `enabled` codes, and the collectors of the inventories named
        in `collect`."""
        by_node: dict[type[ast.AST], list[Callable[..., None]]] = defaultdict(list)
        file_level: dict[str, list[Callable[..., None]]] = defaultdict(list)
        chosen: list[Checker] = [c for c in registry.checkers if enabled.intersection(c.codes)]
        for checker in chosen:
            if checker.nodes:
                for node_type in checker.nodes:
                    by_node[node_type].append(checker.func)
            else:
                for kind in checker.kinds:
                    file_level[kind].append(checker.func)
        for collector in registry.collectors:
            if collector.name in collect:
                for kind in collector.kinds:
                    file_level[kind].append(collector.func)
        markers = [comment_prefix(registry), *registry.marker_patterns(options or {})]
        pattern = re.compile(_alternatives(markers))
        conditional: dict[str, tuple[Precondition, frozenset[str]]] = {}
        for family, build in registry.preconditions.items():
            codes = frozenset(code for code in enabled if registry.rules[code].family == family)
            precondition = build(options or {}) if codes else None
            if precondition is not None:
                conditional[family] = (precondition, codes)
        if collect:  # an inventory reads every file its collectors are for
            conditional = {}

        def rebuild(codes: frozenset[str]) -> Plan:
            return cls.build(registry, codes, options, collect)

        return cls(dict(by_node), dict(file_level), pattern, conditional, enabled, {}, rebuild)


def _alternatives(patterns: list[str]) -> str:
    """One regex for any of `patterns`; those of comments all start with `#`, which put
    first lets the regex engine skip to each `#` instead of trying every alternative at
    every character of the file."""
    if all(p.startswith("#") for p in patterns):
        return "#(?:" + "|".join(f"(?:{p[1:]})" for p in patterns) + ")"
    return "|".join(f"(?:{p})" for p in patterns)


# One string token with no escapes or concatenation: its text between the quotes is its value.
_PLAIN_LITERAL = re.compile(r"""[rRuU]?(?P<quote>'{3}|"{3}|'|")(?P<text>.*)(?P=quote)""", re.S)


@dataclass
class CheckContext:
    """What a checker sees: the file, its options, the ancestors of the current node."""

    source: SourceFile
    path: str  # as displayed
    options: dict[str, dict[str, Any]]
    plan: Plan
    project: Any = None  # the semantic.index.Index of the run, or None for a file on its own
    ancestors: list[ast.AST] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    records: list[tuple[str, Any]] = field(default_factory=list)  # (inventory, record) of collectors
    state: dict[str, Any] = field(default_factory=dict)  # per-file scratch space of checkers
    literal_spans: list[tuple[int, int]] = field(default_factory=list)
    _at_end: list[Callable[[], None]] = field(default_factory=list)
    _comments: dict[str, list[Comment]] = field(default_factory=dict)

    def at_end(self, callback: Callable[[], None]) -> None:
        """Run callback after the walk, when the whole file has been seen."""
        self._at_end.append(callback)

    def comments(self, pattern: re.Pattern[str]) -> list[Comment]:
        """Comments on the lines `pattern` matches. Complete only after the walk (use at_end)."""
        cached = self._comments.get(pattern.pattern)
        if cached is None:
            cached = self._comments[pattern.pattern] = self.source.comments(pattern, self.literal_spans)
        return cached

    def collect(self, inventory: str, record: Any) -> None:
        """Hand one record of an inventory (see registry.Collector) to the run."""
        self.records.append((inventory, record))

    def redact(self, value: str) -> str:
        """Keep `value` out of every output of this file; returns the form to show instead."""
        self.source.sensitive.update(pieces(value))
        return redacted(value)

    def redact_literal(self, node: ast.AST, value: str) -> str:
        """As redact(), for a value written as a literal: its source text is hidden too, where
        it differs from the value (`("ab" "cd")`, `"ab\\x63d"`)."""
        segment = self.source.segment(node)
        plain = _PLAIN_LITERAL.fullmatch(segment)
        if plain is None or plain.group("text") != value:  # the value alone covers a plain literal
            self.source.sensitive.update(literal_pieces(segment))
        return self.redact(value)

    def report(
        self,
        code: str,
        node: ast.AST | None,
        message: str,
        *,
        fix: Fix | None = None,
        position: tuple[int, int, int, int] | None = None,
        source_line: str | None = None,
        fingerprint_text: str | None = None,
    ) -> Finding:
        """Report `code` at an ast node, or at (line, col, end_line, end_col) in characters.

        `source_line` and `fingerprint_text` replace the reported line's text where it must
        not be shown (it may hold a secret no rule has redacted)."""
        src = self.source
        if position is None:
            assert node is not None
            # Every node a checker reports at is located; ast.AST itself declares no position.
            lineno: int = getattr(node, "lineno")
            line, end_line = lineno, getattr(node, "end_lineno", None) or lineno
            position = (
                line,
                src.char_col(line, getattr(node, "col_offset")),
                end_line,
                src.char_col(end_line, getattr(node, "end_col_offset", None) or 0),
            )
        line, col, end_line, end_col = position
        noqa = _noqa_lines(node, self.ancestors, line) if node is not None else (line,)
        finding = Finding(
            code, message, self.path, line, col, end_line, end_col, fix, noqa,
            source_line=src.line(line) if source_line is None else source_line,
            fingerprint_text=src.line(line).strip() if fingerprint_text is None else fingerprint_text,
            changed_by=_changed_by(node, self.ancestors) if node is not None else (0, 0),
        )  # fmt: skip
        self.findings.append(finding)
        return finding


def _noqa_lines(node: ast.AST, ancestors: list[ast.AST], line: int) -> tuple[int, ...]:
    """The reported line, plus the first and last line of the statement holding it.

    For a compound statement (or an except clause) only its header counts, so a noqa at
    the end of a function body does not silence a finding on its `def` line.
    """
    for holder in [node, *reversed(ancestors)]:
        if isinstance(holder, _COMPOUND_HEADERS):
            # A match case has no position of its own: its pattern opens its header.
            header = holder.pattern if isinstance(holder, ast.match_case) else holder
            first = header.lineno
            body = getattr(holder, "body", None)
            if body and isinstance(body, list):
                last = max(first, body[0].lineno - 1)
            else:
                last = header.end_lineno or first
            lines = {line, first, last}
            return tuple(sorted(lines, key=lambda n: (n != line, n)))
    return (line,)


def _changed_by(node: ast.AST, ancestors: list[ast.AST]) -> tuple[int, int]:
    """The lines a finding at `node` judges: a statement or except clause reported itself
    (REL102 on a handler whose body became `pass`) spans all of its lines; a node inside a
    statement, the lines of the innermost simple statement, or of a compound one's header."""
    for holder in [node, *reversed(ancestors)]:
        first = getattr(holder, "lineno", None)
        if not isinstance(holder, _COMPOUND_HEADERS) or first is None:
            continue  # match_case has no position of its own
        last = getattr(holder, "end_lineno", None) or first
        body = getattr(holder, "body", None)
        if holder is not node and body and isinstance(body, list):
            last = max(first, body[0].lineno - 1)  # the header of the compound statement
        return first, last
    return (0, 0)


def walk(tree: ast.AST, ctx: CheckContext, comment_lines: frozenset[int] = frozenset()) -> None:
    """One iterative pre-order walk in source order (deep trees must not hit the recursion
    limit). ctx.ancestors holds the path from the module to the current node's parent.
    The spans of the string literals on `comment_lines` are recorded (ctx.literal_spans):
    only there must a `#` be told from a comment."""
    collect_literals = bool(comment_lines)
    by_node = ctx.plan.by_node
    ancestors = ctx.ancestors
    spans = ctx.literal_spans
    src = ctx.source
    child_fields = CHILD_FIELDS
    AST = ast.AST
    skip = LEAVES.difference(by_node, (ast.Constant,) if collect_literals else ())
    shallow = not collect_literals and ctx.plan.statements_only
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        del ancestors[depth:]
        node_type = type(node)
        callbacks = by_node.get(node_type)
        if callbacks:
            for callback in callbacks:
                callback(node, ctx)
        if collect_literals and (
            node_type is ast.JoinedStr or (node_type is ast.Constant and isinstance(node.value, (str, bytes)))  # type: ignore[attr-defined]
        ):
            first, last = node.lineno, node.end_lineno  # type: ignore[attr-defined]
            if first in comment_lines or (last != first and not comment_lines.isdisjoint(range(first, last + 1))):
                spans.append(src.node_span(node))
        ancestors.append(node)
        depth += 1
        # Children pushed last-first, so they are visited in source order.
        for name in reversed(STATEMENT_FIELDS if shallow else child_fields.get(node_type) or child_fields_of(node_type)):
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, AST) and type(item) not in skip:
                        push((item, depth))
            elif isinstance(value, AST) and type(value) not in skip:
                push((value, depth))
    ancestors.clear()


def check_source(
    src: SourceFile,
    path: str,
    kinds: frozenset[str],
    plan: Plan,
    options: dict[str, dict[str, Any]],
    project: Any = None,
) -> tuple[list[Finding], list[tuple[int, int]], list[tuple[str, Any]]]:
    """Every finding of the planned checkers in one file, before noqa and selection, the
    merged spans of its string literals (for telling comments from strings), and the
    records of the planned collectors. `project` is the run's project index, if any."""
    plan = plan.for_file(src.text, kinds)
    ctx = CheckContext(src, path, options, plan, project)
    if "python" in kinds and plan.parses:
        tree = src.tree  # raises SourceError for the caller to report
        lines = comment_lines(src, plan.comment_pattern) if plan.comment_pattern is not None else frozenset()
        if plan.by_node or lines:
            walk(tree, ctx, lines)
            ctx.literal_spans = merge_spans(ctx.literal_spans)
    for kind in kinds:
        for callback in plan.file_level.get(kind, ()):
            callback(ctx)
    for callback in ctx._at_end:
        callback()
    findings = [redact_finding(finding, src.sensitive) for finding in ctx.findings]
    # The callbacks close over ctx, and the findings' fixes may: no cycle may outlive the file.
    ctx._at_end.clear()
    ctx.findings = []
    return findings, ctx.literal_spans, ctx.records

