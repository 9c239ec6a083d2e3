"""Checking one file: one ast walk that hands each node to the checkers of its type,
the file-level checkers, then suppression by noqa comments."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reliability_lint.findings import Edit, Finding, Fix
from reliability_lint.redaction import literal_pieces, pieces, redact_finding, redacted
from reliability_lint.registry import Checker, Registry
from reliability_lint.source import Comment, SourceFile, merge_spans

# flake8's syntax: a bare noqa, or noqa followed by a colon and codes ("A1, B2" or "A1 B2");
# codes are prefixes.
_NOQA = re.compile(r"#\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.I)
_FILE_NOQA = re.compile(
    r"#\s*reliability-lint:\s*noqa(?::\s?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.I
)
_MARKER_HINT = re.compile(r"noqa|nosec|pragma", re.I)
_COMPOUND_HEADERS = (ast.stmt, ast.excepthandler, ast.match_case)


@dataclass(frozen=True)
class Plan:
    """The checkers in force for one set of enabled codes, indexed for the walk."""

    by_node: dict[type[ast.AST], list[Callable[..., None]]]
    file_level: dict[str, list[Callable[..., None]]]
    comment_pattern: re.Pattern[str] | None

    @classmethod
    def build(
        cls, registry: Registry, enabled: frozenset[str], options: dict[str, dict[str, Any]] | None = None
    ) -> Plan:
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
        markers = [r"#\s*(?:noqa|reliability-lint:|nosec|pragma:)", *registry.marker_patterns(options or {})]
        pattern = re.compile("|".join(f"(?:{m})" for m in markers))
        return cls(dict(by_node), dict(file_level), pattern)


@dataclass
class CheckContext:
    """What a checker sees: the file, its options, the ancestors of the current node."""

    source: SourceFile
    path: str  # as displayed
    options: dict[str, dict[str, Any]]
    plan: Plan
    ancestors: list[ast.AST] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
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

    def redact(self, value: str) -> str:
        """Keep `value` out of every output of this file; returns the form to show instead."""
        self.source.sensitive.update(pieces(value))
        return redacted(value)

    def redact_literal(self, node: ast.AST, value: str) -> str:
        """As redact(), for a value written as a literal: its source text is hidden too, where
        it differs from the value (`("ab" "cd")`, `"ab\\x63d"`)."""
        self.source.sensitive.update(literal_pieces(self.source.segment(node)))
        return self.redact(value)

    def report(
        self,
        code: str,
        node: ast.AST | None,
        message: str,
        *,
        fix: Fix | None = None,
        position: tuple[int, int, int, int] | None = None,
    ) -> Finding:
        """Report `code` at an ast node, or at (line, col, end_line, end_col) in characters."""
        src = self.source
        if position is None:
            assert node is not None
            line, end_line = node.lineno, node.end_lineno or node.lineno
            position = (
                line,
                src.char_col(line, node.col_offset),
                end_line,
                src.char_col(end_line, node.end_col_offset or 0),
            )
        line, col, end_line, end_col = position
        noqa = _noqa_lines(node, self.ancestors, line) if node is not None else (line,)
        finding = Finding(
            code, message, self.path, line, col, end_line, end_col, fix, noqa,
            source_line=src.line(line),
            fingerprint_text=src.line(line).strip(),
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
            first = holder.lineno
            body = getattr(holder, "body", None)
            if body and isinstance(body, list):
                last = max(first, body[0].lineno - 1)
            else:
                last = holder.end_lineno or first
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


# Fields that hold only expression contexts and operators: never visited (nothing to
# report there), which spares the walk a third of its nodes.
_SKIPPED_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(node_type: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(node_type)
    if fields is None:
        fields = _CHILD_FIELDS[node_type] = tuple(f for f in node_type._fields if f not in _SKIPPED_FIELDS)
    return fields


def walk(tree: ast.AST, ctx: CheckContext, collect_literals: bool) -> None:
    """One iterative pre-order walk in source order (deep trees must not hit the recursion
    limit). ctx.ancestors holds the path from the module to the current node's parent."""
    by_node = ctx.plan.by_node
    ancestors = ctx.ancestors
    spans = ctx.literal_spans
    src = ctx.source
    child_fields = _CHILD_FIELDS
    AST = ast.AST
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
            node_type is ast.JoinedStr or (node_type is ast.Constant and isinstance(node.value, (str, bytes)))
        ):
            spans.append(src.node_span(node))
        ancestors.append(node)
        depth += 1
        # Children pushed last-first, so they are visited in source order.
        for name in reversed(child_fields.get(node_type) or _child_fields(node_type)):
            value = getattr(node, name, None)
            if value is None:
                continue
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, AST):
                        push((item, depth))
            elif isinstance(value, AST):
                push((value, depth))
    ancestors.clear()


def check_source(
    src: SourceFile,
    path: str,
    kinds: frozenset[str],
    plan: Plan,
    options: dict[str, dict[str, Any]],
) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Every finding of the planned checkers in one file, before noqa and selection, and
    the merged spans of its string literals (for telling comments from strings)."""
    ctx = CheckContext(src, path, options, plan)
    if "python" in kinds:
        tree = src.tree  # raises SourceError for the caller to report
        candidates = plan.comment_pattern is not None and plan.comment_pattern.search(src.text)
        walk(tree, ctx, collect_literals=bool(candidates))
        ctx.literal_spans = merge_spans(ctx.literal_spans)
    for kind in kinds:
        for callback in plan.file_level.get(kind, ()):
            callback(ctx)
    for callback in ctx._at_end:
        callback()
    for finding in ctx.findings:
        redact_finding(finding, src.sensitive)
    return ctx.findings, ctx.literal_spans


def noqa_map(src: SourceFile, literal_spans: list[tuple[int, int]], python: bool) -> dict[int, Comment]:
    if not _MARKER_HINT.search(src.text):
        return {}
    pattern = re.compile(r"#[^\n\r]*?(?:noqa|nosec|pragma)", re.I)
    if python:
        comments = src.comments(pattern, literal_spans)
    else:  # other text files: any '#' comment
        comments = [
            Comment(n, line.index("#"), line[line.index("#") :])
            for n, line in enumerate(src.lines, 1)
            if "#" in line and pattern.search(line)
        ]
    return {comment.line: comment for comment in comments}


def file_noqa(
    src: SourceFile, literal_spans: list[tuple[int, int]] | None = None, python: bool = True
) -> set[str] | None:
    """Codes silenced in the whole file by `# reliability-lint: noqa[: CODES]`; {''} means all.

    Only a real comment counts, as for ruff's and flake8's file-wide markers: in Python
    one outside every string literal (`literal_spans`, as the walk recorded them); in
    other text files a `#` that starts the line's comment, outside quotes, and never in
    JSON, which has no comments.
    """
    if "reliability-lint" not in src.text:
        return None
    for match in _FILE_NOQA.finditer(src.text):
        if _is_real_comment(src, match.start(), literal_spans or [], python):
            codes = match.group("codes")
            return set(re.split(r"[,\s]+", codes.strip())) if codes else {""}
    return None


def _is_real_comment(src: SourceFile, offset: int, literal_spans: list[tuple[int, int]], python: bool) -> bool:
    lineno, col = src.position(offset)
    if python:
        comment = src._comment_on(lineno, literal_spans)
        return comment is not None and comment.col == col
    if src.path.suffix.lower() in (".json", ".ipynb"):
        return False
    before = src.line(lineno)[:col]
    return "#" not in before and before.count('"') % 2 == 0 and before.count("'") % 2 == 0


def is_suppressed(finding: Finding, comments: dict[int, Comment], markers: tuple[str, ...]) -> bool:
    for line in finding.noqa_lines or (finding.line,):
        comment = comments.get(line)
        if comment is None:
            continue
        text = comment.text
        match = _NOQA.search(text)
        if match:
            codes = match.group("codes")
            if not codes:
                return True
            if any(finding.code.startswith(code.upper()) for code in re.split(r"[,\s]+", codes.strip())):
                return True
        for marker in markers:
            if marker == "nosec":
                if _nosec_covers(text, finding.code):
                    return True
            elif marker in text:
                return True
    return False


_NOSEC = re.compile(r"#\s*nosec\b(?P<codes>(?:[\s,]+B\d{3})*)")


def _nosec_covers(text: str, code: str) -> bool:
    """bandit's `# nosec` silences everything; `# nosec B602, B603` only those tests. For
    this tool's own rules any nosec carries over (it was written for bandit's equivalent)."""
    match = _NOSEC.search(text)
    if match is None:
        return False
    codes = re.findall(r"B\d{3}", match.group("codes"))
    return not codes or not re.fullmatch(r"B\d{3}", code) or code in codes


def apply_edits(src: SourceFile, edits: list[Edit]) -> str:
    """The text with non-overlapping edits applied (callers resolve overlaps first)."""
    text = src.text
    pieces = []
    last = 0
    for edit in sorted(edits):
        start = src.offset(*edit.start)
        end = src.offset(*edit.end)
        pieces.append(text[last:start])
        pieces.append(edit.content)
        last = end
    pieces.append(text[last:])
    return "".join(pieces)
