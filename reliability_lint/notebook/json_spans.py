"""Where each value of a JSON document sits in its text, so a notebook can be edited in
place (and its findings placed on its own lines) instead of being re-dumped."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]

Path = tuple  # a value's path from the root: ("cells", 3, "source", 0)
_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"true|false|null|NaN|-?Infinity|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def value_spans(text: str) -> dict[Path, tuple[int, int]]:
    """The character span of every value, by path. The text must be valid JSON (callers
    json.loads it first); deeply nested documents raise RecursionError."""
    spans: dict[Path, tuple[int, int]] = {}

    def skip(index: int) -> int:
        return _SPACE.match(text, index).end()  # type: ignore[union-attr]

    def value(index: int, path: Path) -> int:
        start = index = skip(index)
        char = text[index]
        if char == '"':
            _, index = scanstring(text, index + 1)
        elif char in "{[":
            closing = "}" if char == "{" else "]"
            index = skip(index + 1)
            position = 0
            while text[index] != closing:
                if char == "{":
                    key, index = scanstring(text, index + 1)
                    index = skip(index) + 1  # the colon
                    index = skip(value(index, (*path, key)))
                else:
                    index = skip(value(index, (*path, position)))
                position += 1
                if text[index] == ",":
                    index = skip(index + 1)
            index += 1
        else:
            match = _SCALAR.match(text, index)
            if match is None:
                raise ValueError(f"unexpected {char!r} at offset {index}")
            index = match.end()
        spans[path] = (start, index)
        return index

    value(0, ())
    return spans


def encoded_length(text: str, ensure_ascii: bool) -> int:
    """Characters `text` takes inside a JSON string literal."""
    return len(json.dumps(text, ensure_ascii=ensure_ascii)) - 2
