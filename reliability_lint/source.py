"""One file, read once and decoded once; the ast tree and comments computed on demand."""

from __future__ import annotations

import ast
import bisect
import codecs
import io
import os
import re
import stat
import tokenize
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

_NEWLINE = re.compile(r"\r\n|\r|\n")
_OTHER_BREAKS = re.compile("[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")  # str.splitlines() breaks there too
# PEP 263: the cookie may only sit on the first or second line.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
# No source file is this large; a larger one (or a device) is refused before it fills memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
_ASCII_SAMPLE = "".join(map(chr, range(32, 127))) + "\t\n\r\f"


class SourceError(Exception):
    """The file cannot be read, decoded or parsed; the message names why in one line.

    `position` is where in the file (1-based line, 0-based character column), for a
    syntax error; other errors are reported at the file's start.
    """

    def __init__(self, message: str, position: tuple[int, int] = (1, 0)) -> None:
        super().__init__(message)
        self.position = position


class NotTextError(SourceError):
    """The bytes are not text: `kind` is "binary" or "undecodable". A file of a text kind
    other than Python is counted as skipped for it, not reported as an error."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Comment:
    line: int  # 1-based
    col: int  # 0-based character column of the '#'
    text: str  # from the '#' to the end of the line


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file (checked on the open descriptor: a symlink to /dev/zero
    or a FIFO is refused, not read), at most MAX_FILE_BYTES of them."""
    return read_regular(path)[0]


def read_regular(path: Path) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its status when it was read.

    A special file is refused before it is opened (opening a device can act on it) and,
    for a link swapped in between, again on the open descriptor."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) and not path.is_dir():
            raise SourceError("not a regular file (a device, FIFO or socket): not read")
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except IsADirectoryError:
        raise SourceError("is a directory") from None
    except FileNotFoundError:
        raise SourceError("broken symbolic link" if path.is_symlink() else "no such file or directory") from None
    except OSError as exc:
        raise SourceError(exc.strerror or str(exc)) from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            status = os.fstat(descriptor)
            if stat.S_ISDIR(status.st_mode):
                raise SourceError("is a directory")
            if not stat.S_ISREG(status.st_mode):
                raise SourceError("not a regular file (a device, FIFO or socket): not read")
            data = stream.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise SourceError(exc.strerror or str(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise SourceError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: not read")
    return data, status


def decode(data: bytes) -> tuple[str, str, bool]:
    """Decode as Python does (BOM, PEP 263 cookie, else UTF-8): (text, encoding, bom)."""
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    encoding = "utf-8"
    for line in data.split(b"\n", 2)[:2]:
        match = _COOKIE.match(line)
        if match:
            encoding = match.group(1).decode("ascii")
            break
        if line.strip() and not line.lstrip().startswith(b"#"):
            break
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r} in coding cookie") from None
    if not is_source_encoding(encoding):
        raise SourceError(f"coding cookie {encoding!r} is not an ASCII-compatible text encoding")
    if bom and codecs.lookup(encoding).name != "utf-8":
        raise SourceError(f"UTF-8 BOM contradicts coding cookie {encoding!r}")
    if b"\x00" in data:
        raise NotTextError("binary file (contains NUL bytes)", "binary")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        lineno = data.count(b"\n", 0, exc.start) + 1
        raise NotTextError(f"cannot decode as {encoding} (line {lineno}, byte {exc.start})", "undecodable") from None
    except (UnicodeError, LookupError, ValueError, TypeError):
        raise NotTextError(f"cannot decode as {encoding}", "undecodable") from None
    return text, encoding, bom


def is_source_encoding(encoding: str) -> bool:
    """A codec Python accepts in a coding cookie: a text encoding that is a superset of
    ASCII (rot13, hex, zlib, punycode and utf-16 are not)."""
    try:
        info = codecs.lookup(encoding)
        if not getattr(info, "_is_text_encoding", True):
            return False
        return _ASCII_SAMPLE.encode(encoding) == _ASCII_SAMPLE.encode("ascii") and (
            _ASCII_SAMPLE.encode("ascii").decode(encoding) == _ASCII_SAMPLE
        )
    except (LookupError, UnicodeError, ValueError, TypeError):  # the codec failed: not one for source
        return False


def decode_text_fallback(data: bytes) -> str | None:
    """A non-Python text file that is not UTF-8, decoded as detect-secrets' fallback reads
    it: a UTF-16/32 byte order mark names the codec, anything else without NUL bytes is
    latin-1 (which decodes every byte). None for binary data (NUL bytes, no BOM)."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    if b"\x00" in data:
        return None
    return data.decode("latin-1")


class SourceFile:
    """The text of one file with the positions every rule and fix agrees on.

    Lines are numbered from 1 and split only on \\r\\n, \\r and \\n, as the Python
    tokenizer does (str.splitlines would also split on form feeds and others).
    Columns are character offsets, never the UTF-8 byte offsets ast reports.
    """

    def __init__(
        self, path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False, tree: ast.Module | None = None
    ) -> None:
        self.path = path
        self.text = text
        self.encoding = encoding
        self.bom = bom
        if tree is not None:  # already parsed (flake8 hands its tree over): fills the cached property
            self.__dict__["tree"] = tree
        # Strings no output may show (CheckContext.redact); shared by the fixed versions.
        self.sensitive: set[str] = set()
        # Whether the secret rules ran on this text only to fill `sensitive` (engine).
        self.redaction_scanned = False
        # Decoded by a fallback (latin-1, UTF-16): checked, never written back.
        self.read_only = False
        # (size, mtime_ns, content hash) of the file when it was read, for fixes to verify.
        self.origin: tuple[int, int, str] | None = None
        # Called by release(): what breaks the reference cycles of the file's checkers.
        self._releases: list[Callable[[], None]] = []

    def on_release(self, callback: Callable[[], None]) -> None:
        self._releases.append(callback)

    def release(self) -> None:
        """The run is done with this text: free what its checkers built (see on_release)."""
        releases, self._releases = self._releases, []
        for callback in releases:
            callback()

    @cached_property
    def line_starts(self) -> list[int]:
        return [0] + [m.end() for m in _NEWLINE.finditer(self.text)]

    @cached_property
    def lines(self) -> list[str]:
        """Text of each line without its line ending; index 0 is line 1."""
        return _NEWLINE.split(self.text)

    @classmethod
    def read(cls, path: Path) -> SourceFile:
        return cls.from_bytes(path, read_bytes(path))

    @classmethod
    def from_bytes(cls, path: Path, data: bytes) -> SourceFile:
        text, encoding, bom = decode(data)
        return cls(path, text, encoding=encoding, bom=bom)

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data

    @cached_property
    def breaks_only_at_newlines(self) -> bool:
        """Whether str.splitlines() finds the same lines (it also breaks at form feeds, ...)."""
        return _OTHER_BREAKS.search(self.text) is None

    @cached_property
    def newline(self) -> str:
        match = _NEWLINE.search(self.text)
        return match.group() if match else "\n"

    @cached_property
    def tree(self) -> ast.Module:
        with warnings.catch_warnings():
            # Invalid escape sequences in legacy code are not this tool's business.
            warnings.simplefilter("ignore")
            try:
                return ast.parse(self.text, filename=str(self.path))
            except SyntaxError as exc:
                raise SourceError(f"syntax error at line {exc.lineno}: {exc.msg}", _error_position(exc)) from None
            except (RecursionError, MemoryError):
                raise SourceError("too deeply nested for the Python parser") from None
            except ValueError as exc:
                raise SourceError(str(exc)) from None

    def line(self, lineno: int) -> str:
        return self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""

    def char_col(self, lineno: int, byte_col: int) -> int:
        """Turn an ast column (UTF-8 bytes) into a character column."""
        text = self.line(lineno)
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def offset(self, lineno: int, col: int) -> int:
        """Character offset into text of a (1-based line, character column) position."""
        return self.line_starts[lineno - 1] + col

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based line, character column) of a character offset into text."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index]

    def node_span(self, node: ast.AST) -> tuple[int, int]:
        """Character offsets of an ast node's start and end."""
        # Only located nodes reach here; ast.AST itself declares no position.
        lineno: int = getattr(node, "lineno")
        start = self.offset(lineno, self.char_col(lineno, getattr(node, "col_offset")))
        end_line = getattr(node, "end_lineno", None) or lineno
        end = self.offset(end_line, self.char_col(end_line, getattr(node, "end_col_offset", None) or 0))
        return start, end

    def segment(self, node: ast.AST) -> str:
        start, end = self.node_span(node)
        return self.text[start:end]

    def comments(self, pattern: re.Pattern[str], literal_spans: list[tuple[int, int]]) -> list[Comment]:
        """Comments on the lines that `pattern` matches, without tokenizing the file.

        A '#' starts a comment unless it lies inside a string literal; `literal_spans`
        are the merged character spans of the string literals the ast walk recorded. Where a
        span covers a '#' (implicit concatenation can hold comments between its parts)
        only that literal's own text is tokenized.
        """
        found: list[Comment] = []
        for match in pattern.finditer(self.text):
            lineno, _ = self.position(match.start())
            if found and found[-1].line == lineno:
                continue
            comment = self._comment_on(lineno, literal_spans)
            if comment is not None and comment.line == lineno:
                found.append(comment)
        return found

    def _comment_on(self, lineno: int, literal_spans: list[tuple[int, int]]) -> Comment | None:
        line_start = self.line_starts[lineno - 1]
        text = self.line(lineno)
        col = text.find("#")
        while col != -1:
            offset = line_start + col
            span = _span_containing(literal_spans, offset)
            if span is None:
                return Comment(lineno, col, text[col:])
            if _is_comment_inside(self.text[span[0] : span[1]], offset - span[0]):
                return Comment(lineno, col, text[col:])
            col = text.find("#", col + 1)
        return None


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and merge the nested or overlapping ones."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _span_containing(spans: list[tuple[int, int]], offset: int) -> tuple[int, int] | None:
    """The span of merged, sorted `spans` that holds offset, if any."""
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    if index >= 0 and spans[index][0] <= offset < spans[index][1]:
        return spans[index]
    return None


def _is_comment_inside(literal: str, relative: int) -> bool:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("(" + literal + ")").readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    starts = [0] + [m.end() for m in _NEWLINE.finditer("(" + literal)]
    for token in tokens:
        if token.type == tokenize.COMMENT:
            row, col = token.start
            if starts[row - 1] + col - 1 == relative:
                return True
    return False


def _error_position(exc: SyntaxError) -> tuple[int, int]:
    """A SyntaxError's line and 0-based column (its offset counts characters from 1)."""
    return (max(exc.lineno or 1, 1), max((exc.offset or 1) - 1, 0))
