"""Which lines of a text could hold a credential, and which of detect-secrets' plugins could
find it there: one cheap pattern (a gate) per plugin, run once over a whole file.

A gate is necessary for its plugin: every value the plugin reports on a line, once this
project's filters and context rules have passed it (secret_detect), makes the gate match on
that line. The format plugins' gates are literals their patterns contain. The keyword and hex
plugins report only a value bound to a secret name (`password = ...`), so their gate is a
secret word followed by an assignment; the base64 plugin needs 23 or more characters of its
alphabet to exceed its entropy limit of 4.5 bits, so its gate is a quoted or assigned run of
20. One alternation of every gate defeats the regex engine's literal-prefix search, so each
gate is led by a literal it must contain (a C-speed `in`), and the case-insensitive ones run
on the lower-cased text.

The family's precondition (rules/secrets/catalogue.py) is the same gates as one regex
(line_trigger), plus `name_gate` for what REL301 reads from the syntax tree: a secret name
wherever it stands.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from reliability_lint.lazy_regex import LazyPattern

_B64 = r"A-Za-z0-9+/\\\-_="  # detect-secrets' base64 alphabet
# The characters re.IGNORECASE matches to an ASCII letter whose lower() is not that letter.
_FOLD_TRAPS = ("\u0131", "\u017f")  # dotless i, long s


@dataclass(frozen=True)
class Gate:
    plugins: tuple[str, ...]  # the detect-secrets plugin classes it opens
    literal: str | None  # a string every match contains
    pattern: LazyPattern
    folded: bool  # matched against the lower-cased text
    shape: bool  # one of the triggers of a Python file's shape scan (REL301)
    text: bool = True  # one of the gates of the other text files' scan (REL302)


def _gate(plugins: str, literal: str | None, pattern: str, folded: bool = False, *, shape: bool = True, text: bool = True) -> Gate:
    return Gate(tuple(plugins.split()), literal, LazyPattern(pattern), folded, shape, text)


# The keyword gate: a secret word (secret_detect.SECRET_WORDS and the `key` of API_KEY all
# contain one), the rest of the name, an optional quote (JSON-escaped in a notebook's raw
# text) and the first character of `=`, `:`, `==`, `!=`, `=>`.
_ASSIGNED = r"[\w.\-]*(?:\\?[\"'])?[^\S\r\n]*[=:!]"
_SECRET_STEMS = ("pass", "pwd", "secret", "token", "cred", "auth", "key", "contrase")

GATES: tuple[Gate, ...] = (
    _gate("AWSKeyDetector", None, r"A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA"),
    _gate("AzureStorageKeyDetector", "AccountKey=", r"AccountKey="),
    # Its patterns want a space, `=`, `:`, `"` or the line's start before the key.
    _gate("ArtifactoryDetector", "A", r"A(?<![^\s=:\"]A)(?:KC|P[\dA-F])[a-zA-Z0-9]{8}"),
    _gate("AWSKeyDetector", "aws", r"aws", True),
    _gate("BasicAuthDetector CloudantDetector", "://", r"://[^\s@/]+:[^\s@/]+@"),
    _gate("CloudantDetector", "cl", r"cl(?:ou|oudant)?[-_]?(?:api)?(?:key|pwd|pw|pass|token)", True),
    _gate("DiscordBotTokenDetector", ".", r"[MNO][a-zA-Z\d_-]{23,25}\."),
    _gate("GitHubTokenDetector", "gh", r"gh[pousr]_"),
    _gate("GitLabTokenDetector", "gl", r"gl(?:pat|dt|ft|soat|rt|cbt|imt|ptt|agent|oas)-"),
    _gate("GitLabTokenDetector", "GR1348941", r"GR1348941"),
    # Its pattern's prefix may be empty: any `key`, `pwd`, `pass`, `token` then an assignment.
    *(_gate("IbmCloudIamDetector", stem, stem + r"\\?[\"']?\]?[ =:]", True, shape=False) for stem in ("key", "pwd", "pass", "token")),
    _gate("IbmCloudIamDetector", "iam", r"iam|cloud[-_]?iam", True, text=False),
    _gate("IbmCosHmacDetector", "secret", r"secret[-_]?(?:access)?[-_]?key", True),
    _gate("JwtTokenDetector", "eyJ", r"eyJ"),
    _gate("MailchimpDetector", "-us", r"-us\d"),
    _gate("NpmDetector", "_authToken", r"_authToken"),
    _gate("OpenAIDetector", "T3BlbkFJ", r"T3BlbkFJ"),
    _gate("PrivateKeyDetector", "P", r"PRIVATE KEY|PuTTY-User-Key"),
    _gate("PypiTokenDetector", "pypi-AgE", r"pypi-AgE"),
    _gate("SendGridDetector", "SG.", r"SG\."),
    _gate("SlackDetector", "xox", r"xox[abposr]-", True),
    _gate("SlackDetector", "hooks.slack.com", r"hooks\.slack\.com", True),
    _gate("SoftlayerDetector", "softlayer", r"softlayer", True),
    _gate("SoftlayerDetector", "sl", r"sl[-_]?(?:api)?[-_]?(?:key|pwd|pass|token)", True, shape=False),
    _gate("SoftlayerDetector", "sl", r"sl[-_]?(?:api)?(?:key|pwd|pass|token)", True, text=False),
    _gate("SquareOAuthDetector", "sq0csp-", r"sq0csp-"),
    _gate("StripeDetector", "k_live_", r"[rs]k_live_"),
    _gate("TelegramBotTokenDetector", ":", r":(?<=\d{8}:)[0-9A-Za-z_-]{35}"),  # led by its ':', fast to find
    _gate("TwilioKeyDetector", "AC", r"AC[a-z0-9]{32}"),
    _gate("TwilioKeyDetector", "SK", r"SK[a-z0-9]{32}"),
    *(_gate("KeywordDetector HexHighEntropyString", stem, stem + _ASSIGNED, True, shape=False) for stem in _SECRET_STEMS),
    _gate("Base64HighEntropyString", None, rf"[\"'][{_B64}]{{20}}|[=:][^\S\r\n]*[{_B64}]{{20}}", shape=False),
)  # fmt: skip


def _folds(text: str) -> str | None:
    """The lower-cased text, or None where lower() would move positions or miss a letter
    that re.IGNORECASE matches (the gates then run case-insensitively on the text itself)."""
    lowered = text.lower()
    if len(lowered) != len(text) or any(trap in lowered for trap in _FOLD_TRAPS):
        return None
    return lowered


def _matches(gate: Gate, text: str, lowered: str | None) -> list[re.Match[str]]:
    if gate.folded and lowered is None:
        return list(_case_insensitive(gate.pattern.pattern).finditer(text))
    haystack = lowered if gate.folded and lowered is not None else text
    if gate.literal is not None and gate.literal not in haystack:
        return []
    return list(gate.pattern.finditer(haystack))


@cache
def _case_insensitive(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _lines_of(match: re.Match[str], line_starts: Sequence[int]) -> range:
    """1-based numbers of the lines a match touches."""
    start, end = match.span()
    first = bisect.bisect_right(line_starts, start)
    if first == len(line_starts) or end <= line_starts[first]:
        return range(first, first + 1)
    return range(first, bisect.bisect_right(line_starts, max(start, end - 1)) + 1)


class Text(Protocol):
    """A file's text and its lines (source.SourceFile), the lines read only if needed."""

    @property
    def text(self) -> str: ...
    @property
    def line_starts(self) -> Sequence[int]: ...
    @property
    def lines(self) -> Sequence[str]: ...


def gated_lines(source: Text, *, shapes_only: bool) -> dict[int, frozenset[str] | None]:
    """The lines worth scanning, each with the plugins to run there.

    For a Python file (`shapes_only`), the lines some shape trigger matches, with None: all
    format plugins run there, as the shape triggers are not each a plugin's gate. For other
    text, the lines some gate matches, with the plugins whose gates matched.
    """
    text = source.text
    lowered = _folds(text)
    matched = [(gate, match) for gate in GATES if (gate.shape if shapes_only else gate.text)
               for match in _matches(gate, text, lowered)]  # fmt: skip
    if not matched:
        return {}  # most Python files: their lines are never split
    line_starts = source.line_starts
    if shapes_only:
        return dict.fromkeys(sorted({line for _, match in matched for line in _lines_of(match, line_starts)}))
    plugins: dict[int, set[str]] = {}
    for gate, match in matched:
        for line in _lines_of(match, line_starts):
            plugins.setdefault(line, set()).update(gate.plugins)
    return {line: frozenset(plugins[line]) for line in sorted(plugins)}


def gate_spans(text: str, *, shapes_only: bool) -> list[list[tuple[int, int]]]:
    """The spans each gate (or shape trigger) matches in the text."""
    lowered = _folds(text)
    return [
        [match.span() for match in _matches(gate, text, lowered)]
        for gate in GATES
        if (gate.shape if shapes_only else gate.text)
    ]


def any_gate(text: str, *, shapes_only: bool = False) -> bool:
    """Whether some gate (or, with shapes_only, shape trigger) matches somewhere in the text
    (line_trigger's test as code: each gate's literal is looked for with `in` before its
    pattern runs)."""
    lowered = _folds(text)
    for gate in GATES:
        if not (gate.shape if shapes_only else gate.text):
            continue
        if gate.folded and lowered is None:
            if _case_insensitive(gate.pattern.pattern).search(text):
                return True
            continue
        haystack = lowered if gate.folded and lowered is not None else text
        if (gate.literal is None or gate.literal in haystack) and gate.pattern.search(haystack):
            return True
    return False


def line_plugins(line: str) -> frozenset[str]:
    """The plugins whose gates match one line of text (empty: nothing to scan)."""
    lowered = _folds(line)
    return frozenset(name for gate in GATES if gate.text and _matches(gate, line, lowered) for name in gate.plugins)


def line_trigger(*, shapes_only: bool) -> str:
    """One pattern that matches a line where some gate (or shape trigger) does.

    Every alternative starts with a case-sensitive literal or character class, which the
    regex engine tests before it tries the alternative: a long alternation stays cheap.
    """
    return "|".join(
        _case_insensitive_alternatives(gate.pattern.pattern) if gate.folded else gate.pattern.pattern
        for gate in GATES
        if (gate.shape if shapes_only else gate.text)
    )


def _case_insensitive_alternatives(pattern: str) -> str:
    """`iam|cloud[-_]?iam` as `[iI](?i:am)|[cC](?i:loud[-_]?iam)`: each top-level
    alternative of a lower-case gate must start with a letter."""
    alternatives = _top_level_split(pattern)
    assert all(a[:1].isalpha() and a[:1].islower() for a in alternatives), pattern
    return "|".join(f"[{a[0]}{a[0].upper()}](?i:{a[1:]})" for a in alternatives)


def _top_level_split(pattern: str) -> list[str]:
    parts, depth, start, index = [], 0, 0, 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    return [*parts, pattern[start:]]


# What REL301 reads from the syntax tree, where the text may not show the secret word as
# such: an identifier NFKC-normalised from other characters, or a string key written
# with escapes. (A key split across implicitly concatenated literals is not seen.)
_TREE_ONLY = (r"[^\x00-\x7f]", r"\\[0-7xuUN]")


def name_gate(secret_words: Sequence[str], key_qualifiers: Sequence[str]) -> str:
    """A regex that matches a text holding a name secret_detect.is_secret_name accepts:
    a secret word or a `<qualifier>_key`, in any case, anywhere."""
    stems, qualified = _name_parts(secret_words, key_qualifiers)
    return "|".join([_case_insensitive_alternatives("|".join([*stems, qualified])), *_TREE_ONLY])


def names_gate_function(secret_words: Sequence[str], key_qualifiers: Sequence[str]) -> Callable[[str], bool]:
    """name_gate's test, at C speed: `in` on the lower-cased text for each secret word."""
    stems, qualified = _name_parts(secret_words, key_qualifiers)
    qualified_key, tree_only = LazyPattern(qualified), LazyPattern("|".join(_TREE_ONLY))

    def may_name_a_secret(text: str) -> bool:
        if not text.isascii() or ("\\" in text and tree_only.search(text)):
            return True
        lowered = text.lower()
        return any(stem in lowered for stem in stems) or ("key" in lowered and bool(qualified_key.search(lowered)))

    return may_name_a_secret


def _name_parts(secret_words: Sequence[str], key_qualifiers: Sequence[str]) -> tuple[list[str], str]:
    words = sorted({*secret_words}, key=len)
    stems = [word for i, word in enumerate(words) if not any(shorter in word for shorter in words[:i])]
    return stems, "|".join(f"{qualifier}[^a-z0-9]*key" for qualifier in sorted(key_qualifiers))
