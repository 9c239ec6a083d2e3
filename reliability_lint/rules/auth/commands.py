"""Shell lines to commands: `\\` continuations joined, `VAR=value` assignments and `for`
loops followed, `$VAR` expanded where the script sets it, words split as the shell does
(shlex). A word that still holds an unknown variable marks the command unresolved."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from reliability_lint.lazy_regex import LazyPattern
from reliability_lint.rules.auth.scripts import Script

_ASSIGN = LazyPattern(r"^(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?(?P<name>[A-Za-z_]\w*)=(?P<value>.*)$")
_FOR = LazyPattern(r"^for\s+(?P<name>[A-Za-z_]\w*)\s+in\s+(?P<words>.*?)\s*(?:;\s*do\s*(?P<rest>.*))?$")
_VAR = LazyPattern(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)\}|(?P<plain>[A-Za-z_]\w*))")
_MAKE_VAR = LazyPattern(r"\$[({](?P<name>[A-Za-z_][\w.-]*)[)}]")
_OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;"})
_DECLARING = frozenset({"export", "readonly", "local", "declare", "typeset"})
_MAX_LOOP_VALUES = 50
_DONE = LazyPattern(r"(?:^|;)\s*done\s*$")


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    lines: tuple[int, ...]  # the file lines the command spans
    unresolved: frozenset[int] = frozenset()  # indexes of words holding an unknown variable


def logical_lines(script: Script) -> list[tuple[tuple[int, ...], str]]:
    """Lines with `\\` continuations joined, each with the file lines it spans."""
    joined: list[tuple[tuple[int, ...], str]] = []
    numbers: list[int] = []
    parts: list[str] = []
    for number, text in script.lines:
        numbers.append(number)
        stripped = text.rstrip()
        if stripped.endswith("\\") and not stripped.endswith("\\\\"):
            parts.append(stripped[:-1])
            continue
        parts.append(text)
        joined.append((tuple(numbers), " ".join(parts)))
        numbers, parts = [], []
    if parts:
        joined.append((tuple(numbers), " ".join(parts)))
    return joined


def commands(script: Script) -> list[Command]:
    variables = dict(script.variables)
    if script.make:
        variables = {k: _make_expand(v, variables) for k, v in variables.items()}
    found: list[Command] = []
    loops: list[tuple[str, list[str]]] = []  # open `for` loops: variable, its values
    for numbers, text in logical_lines(script):
        if script.make:
            text = _make_expand(text, variables).replace("$$", "$")
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        loop = _FOR.match(stripped)
        if loop:
            values = _words(_expand(loop.group("words"), variables)[0])
            loops.append((loop.group("name"), values or []))
            stripped = (loop.group("rest") or "").strip()
        closes = _DONE.search(stripped) is not None
        stripped = _DONE.sub("", stripped).strip()
        stripped = re.sub(r"^do\b\s*", "", stripped)
        if stripped:
            words = _words(_expand(stripped, variables)[0])
            assignment = _ASSIGN.match(words[-1]) if words and len(words) <= 3 else None
            if words and assignment and _is_assignment(words[:-1]):
                variables[assignment.group("name")] = assignment.group("value")
            else:
                found.extend(_expanded(stripped, numbers, variables, loops))
        if closes and loops:
            loops.pop()
    return found


def _is_assignment(head: list[str]) -> bool:
    """The words before `NAME=value` make it an assignment: none, or a declaring builtin
    with its options or other names (`export`, `local`, `declare -x`, `export MODE`)."""
    if not head:
        return True
    return head[0] in _DECLARING and len(head) <= 2 and all(word.startswith("-") or word.isidentifier() for word in head[1:])


def _expanded(text: str, numbers: tuple[int, ...], variables: dict[str, str], loops: list[tuple[str, list[str]]]) -> list[Command]:
    """The command once per combination of the enclosing loops' values (bounded)."""
    bindings: list[dict[str, str]] = [{}]
    for name, values in loops:
        if not values:
            bindings = [dict(b, **{name: ""}) for b in bindings]
            continue
        bindings = [dict(b, **{name: v}) for b in bindings for v in values][:_MAX_LOOP_VALUES]
    found = []
    for binding in bindings:
        known = {**variables, **binding}
        unknown_loop = {name for name, values in loops if not values}
        expanded, unknown = _expand(text, {k: v for k, v in known.items() if k not in unknown_loop})
        words = _words(expanded)
        if words is None:
            continue  # unbalanced quotes: not a command this can read
        marked = frozenset(i for i, w in enumerate(words) if any(u in w for u in unknown))
        for offset, command in _split(words):
            found.append(Command(tuple(command), numbers, frozenset(i - offset for i in marked if i >= offset)))
    return found


def _expand(text: str, variables: dict[str, str]) -> tuple[str, set[str]]:
    """Expand known `$VAR` / `${VAR}` (not inside single quotes); the unknown ones are kept
    and returned as markers."""
    unknown: set[str] = set()
    out = []
    quoted = False
    last = 0
    for match in _VAR.finditer(text):
        out.append(text[last : match.start()])
        quoted ^= text.count("'", last, match.start()) % 2 == 1
        last = match.end()
        name = match.group("braced") or match.group("plain")
        if not quoted and name in variables:
            out.append(variables[name])
        else:
            out.append(match.group())
            if not quoted:
                unknown.add(match.group())
    out.append(text[last:])
    return "".join(out), unknown


def _make_expand(text: str, variables: dict[str, str], depth: int = 0) -> str:
    if depth > 5:
        return text
    expanded = _MAKE_VAR.sub(lambda m: variables.get(m.group("name"), m.group()), text)
    return expanded if expanded == text else _make_expand(expanded, variables, depth + 1)


def _words(text: str) -> list[str] | None:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:
        return None


def _split(words: list[str]) -> list[tuple[int, list[str]]]:
    """The commands of a line (split at `;`, `&&`, `|`...), each with its first word's index."""
    commands: list[tuple[int, list[str]]] = [(0, [])]
    for index, word in enumerate(words):
        if word in _OPERATORS:
            commands.append((index + 1, []))
        else:
            commands[-1][1].append(word)
    return [(start, c) for start, c in commands if c]
