"""The fix stage of a file, reached only by `fix`, `fix --diff` and the outputs that carry
fixes (a plain check imports none of the fix machinery): fixes applied in rounds until
nothing changes, verified, and written atomically."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from reliability_lint.discovery import Task
from reliability_lint.applicability import fixable, fixing_rules
from reliability_lint.engine import DIFF, FileResult, _stop_if_interrupted, analyze
from reliability_lint.findings import Finding, error
from reliability_lint.fix import (
    MAX_ROUNDS, FixContext, FixError, apply_edits, choose_edits, compute_edits, fix_error, parsed, unified_diff,
    write_atomic,
)  # fmt: skip
from reliability_lint.fix_preview import preview
from reliability_lint.registry import REGISTRY
from reliability_lint.settings import Settings
from reliability_lint.source import SourceFile


def attach_edits(src: SourceFile, findings: list[Finding]) -> list[Finding]:
    """The findings with their fixes' edits computed; a fix that cannot be computed is dropped."""
    context = FixContext(src)
    attached = []
    for finding in findings:
        if finding.fix is not None and finding.fix.compute is not None:
            try:
                edits = tuple(compute_edits(finding, context))
                finding = replace(finding, fix=replace(finding.fix, edits=edits, diff=preview(src, edits)))
            except FixError:
                finding = replace(finding, fix=None)
        attached.append(finding)
    return attached


def fix_source(
    src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str], remaining: bool = True
) -> tuple[SourceFile, list[Finding], int]:
    """Fix in rounds until nothing changes: (fixed source, what remains, fixes applied).

    When a round's output does not parse, every round is dropped: the original comes back
    with a REL000 finding naming the fix. Without `remaining` (the caller shows only the
    fixed code), the fixed code is not checked again after a round that took every fix and
    only final ones (registry.final_fixes), and no finding comes back.
    """
    original = src
    applied_count = 0
    failure: Finding | None = None
    findings = analyze(src, task, settings, enabled)
    for _ in range(MAX_ROUNDS):
        candidates = [f for f in findings if fixable(f, settings)]
        if not candidates:
            break
        context = FixContext(src)
        planned = []
        for finding in candidates:
            try:
                planned.append((finding, compute_edits(finding, context)))
            except FixError as exc:
                _stop_if_interrupted(exc)
                failure = failure or fix_error(task.display, finding, str(exc), whole_file=False)
        computed = [(f, e) for f, e in planned if e]
        edits, applied = choose_edits(computed)
        if not edits:
            break
        new_text = apply_edits(src, edits)
        tree = parsed(new_text, task.path)
        if tree is False:
            failure = fix_error(task.display, applied[0], "the fixed code does not parse")
            src, applied_count = original, 0
            findings = analyze(src, task, settings, enabled)
            break
        applied_count += len(applied)
        sensitive = src.sensitive
        if src is not original:
            src.release()
        # The verification's parse is the next round's tree (True: parsed, but not kept).
        src = SourceFile(src.path, new_text, encoding=src.encoding, bom=src.bom, tree=tree if tree is not True else None)
        src.sensitive = sensitive
        # A fix that could not be computed may be in the next round, after the others.
        if not remaining and failure is None and len(applied) == len(computed) and all(map(_final, applied)):
            return src, [], applied_count
        findings = analyze(src, task, settings, enabled)
    return src, findings + ([failure] if failure else []), applied_count


def _final(finding: Finding) -> bool:
    return REGISTRY.rules[finding.code].family in REGISTRY.final_fix_families


def fix_file(
    src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str], mode: str, result: FileResult
) -> None:
    # A diff shows no finding: the rules with no fix to apply need not run.
    codes = fixing_rules(enabled, settings) if mode == DIFF else enabled
    fixed, result.findings, result.fixed = fix_source(src, task, settings, codes, remaining=mode != DIFF)
    if fixed is src:
        return
    if mode == DIFF:
        result.diff = unified_diff(task.display, src.text, fixed.text)
        return
    if task.data is not None:  # read from stdin: the fixed text goes back to the caller
        result.output = fixed.encode(fixed.text)
        return
    refusal = _unwritable(src, task, settings)
    if refusal:
        result.findings = analyze(src, task, settings, enabled)
        result.findings.append(error(task.display, f"not fixed: {refusal}"))
        result.fixed = 0
        return
    try:
        write_atomic(task.path, fixed.encode(fixed.text), expected=src.origin)
    except (OSError, UnicodeEncodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        result.findings = analyze(src, task, settings, enabled)
        result.findings.append(error(task.display, f"cannot write fixes: {reason}; file left unchanged"))
        result.fixed = 0


def _unwritable(src: SourceFile, task: Task, settings: Settings) -> str:
    """Why a fixed file must not be written, or "": decoded by a fallback, a symbolic link
    out of the checked tree (fixing would rewrite a file elsewhere), or a file with other
    hard links (the atomic rename would split them from the fixed copy)."""
    if src.read_only:
        return "decoded by a fallback encoding; fixes are not written back"
    target = task.path.resolve()
    given = Path(os.path.normpath(task.path.absolute()))
    root = settings.root.resolve()
    # The checked tree: the project's root, or for a file given from elsewhere its folder.
    tree = root if root in given.parents else given.parent.resolve()
    if tree not in target.parents:
        return f"{task.display} resolves to {target}, outside the checked tree {tree}"
    try:
        links = target.stat().st_nlink
    except OSError:
        return ""  # the write reports it
    if links > 1:
        return f"the file has {links} hard links; a fix (written by rename) would split them"
    return ""
