"""Why a fix was not applied: the exception a fix raises, and the REL000 finding naming it."""

from __future__ import annotations

from reliability_lint.findings import Finding, error


class FixError(Exception):
    """A fix could not be computed; the file is left as it is."""


def fix_error(path: str, finding: Finding, reason: str, *, whole_file: bool = True) -> Finding:
    """The fix of `finding` could not be applied; with whole_file, no other fix was applied either."""
    outcome = "; file left unchanged" if whole_file else ""
    return error(path, f"fix for {finding.code} at line {finding.line} not applied: {reason}{outcome}", finding.line)
