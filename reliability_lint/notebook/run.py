"""The engine's per-file step for a notebook: check, fix in place or show the diff."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from reliability_lint.findings import Finding, error
from reliability_lint.notebook import check as notebook_check
from reliability_lint.notebook.model import NotebookError
from reliability_lint.redaction import redact_finding, redact_text

if TYPE_CHECKING:
    from reliability_lint.engine import FileResult, Settings, Task


def process_notebook(
    task: Task, data: bytes, settings: Settings, enabled: frozenset[str], mode: str, result: FileResult
) -> None:
    from reliability_lint.engine import CHECK_WITH_EDITS, DIFF, FIX, internal_error
    from reliability_lint.fix import unified_diff, write_atomic

    try:
        text = notebook_check.decode(data)
    except NotebookError as exc:
        result.findings = [error(task.display, str(exc))]
        return
    sensitive: set[str] = set()
    try:
        if mode in (FIX, DIFF):
            outcome = notebook_check.fix(task, text, settings, enabled)
        else:
            outcome = notebook_check.check(task, text, settings, enabled, with_edits=mode == CHECK_WITH_EDITS)
        sensitive = outcome.sensitive
        result.findings = outcome.findings
        if outcome.new_text is not None:
            if mode == DIFF:
                result.diff = unified_diff(task.display, text, outcome.new_text)
                result.fixed = outcome.fixed
            else:
                _write(task, data, outcome, result, write_atomic)
    except RecursionError:
        result.findings = [error(task.display, "too deeply nested to check")]
    except Exception as exc:  # a crashing rule is a bug in it: name it, check the other files
        result.findings = [error(task.display, internal_error(exc))]
    result.findings = [_portable(redact_finding(finding, sensitive)) for finding in result.findings]
    result.diff = redact_text(result.diff, sensitive)


def _write(task: Task, data: bytes, outcome: notebook_check.Outcome, result: FileResult, write_atomic) -> None:
    assert outcome.new_text is not None
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    if task.data is not None:  # read from stdin: the fixed text goes back to the caller
        result.output = bom + outcome.new_text.encode("utf-8")
        result.fixed = outcome.fixed
        return
    try:
        write_atomic(task.path, bom + outcome.new_text.encode("utf-8"))
    except OSError as exc:
        result.findings.append(error(task.display, f"cannot write fixes: {exc.strerror or exc}; file left unchanged"))
        return
    result.fixed = outcome.fixed


def _portable(finding: Finding) -> Finding:
    """The finding without its fix's closure, which cannot leave the worker process."""
    if finding.fix is None or finding.fix.compute is None:
        return finding
    return replace(finding, fix=replace(finding.fix, compute=None))
