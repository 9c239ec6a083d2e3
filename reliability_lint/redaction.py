"""Keeping secrets' values out of everything the tool writes.

Checkers name the sensitive strings of a file with CheckContext.redact(); the engine replaces
them in every text that leaves a worker: messages, source lines, fingerprints, fix messages,
fix edits and diffs.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace

from reliability_lint.findings import Finding

# Shorter secrets show no characters at all: four of eight would give half of it away.
_SHOWN_FROM_LENGTH = 12
# Pieces of a multi-line secret (the body lines of a key) shorter than this are left alone.
_MIN_PIECE = 8
# The user:password (or token) part of a URL: never shown, whatever its shape.
_USERINFO = re.compile(r"(?<=://)[^\s/@:]+(?::[^\s/@]*)?(?=@)")


def redacted(value: str) -> str:
    """The form a secret is shown in: its first 4 characters and its length."""
    shown = value[:4] if len(value) >= _SHOWN_FROM_LENGTH else ""
    return f"{shown}…({len(value)} chars)"


def pieces(value: str) -> list[str]:
    """The value and, for a multi-line value, each line of it long enough to identify it."""
    found = [value]
    if "\n" in value or "\r" in value:
        found.extend(line.strip() for line in value.splitlines() if len(line.strip()) >= _MIN_PIECE)
    return found


def redact_text(text: str, sensitive: Collection[str]) -> str:
    if not text:
        return text
    for value in sorted(sensitive, key=len, reverse=True):
        if value in text:
            text = text.replace(value, redacted(value))
    return text


def redact_finding(finding: Finding, sensitive: Collection[str]) -> Finding:
    """The finding redacted (a new one); a fix whose edits would write a secret keeps no edits."""
    if not sensitive:
        return finding
    fix = finding.fix
    if fix is not None:
        edits = fix.edits
        if any(value in edit.content for edit in fix.edits for value in sensitive):
            edits = ()
        diff = redact_text(fix.diff, sensitive) if edits else ""
        fix = replace(fix, message=redact_text(fix.message, sensitive), edits=edits, diff=diff)
    return replace(
        finding,
        message=redact_text(finding.message, sensitive),
        source_line=redact_text(finding.source_line, sensitive),
        fingerprint_text=redact_text(finding.fingerprint_text, sensitive),
        fix=fix,
    )


def redact_credentials(text: str) -> str:
    """Free text (a TODO's words, owner and reference, printed by the inventory and copied
    into a fix) with every credential the secret rules recognise shown redacted: by its
    format, by the keyword plugin (`password="..."`), and any URL's user information."""
    from reliability_lint.secret_detect import scan_line

    if not text:
        return text
    text = _USERINFO.sub(lambda match: redacted(match.group()), text)
    hits = scan_line(text, config=False, shapes_only=False, min_length=6)
    for hit in sorted(hits, key=lambda h: -len(h.value)):
        text = text.replace(hit.value, redacted(hit.value))
    return text


def literal_pieces(segment: str) -> list[str]:
    """What must be hidden of a string literal's source text besides its value: the text
    itself (escapes and implicit concatenation make it differ from the value) and each of
    its lines, as a multi-line concatenation shows them one by one."""
    found = [segment]
    found.extend(line.strip() for line in segment.splitlines() if len(line.strip()) >= 6)
    return found
