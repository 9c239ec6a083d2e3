"""The fix engine: every fix ends as text edits, computed against the current text, applied
without overlaps, verified to parse, repeated until nothing changes, written atomically.

libcst is imported here only, and only when a fix asks for a syntax tree.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import os
import secrets
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reliability_lint.findings import INTERNAL_ERROR, Edit, Finding, error
from reliability_lint.source import SourceFile

if TYPE_CHECKING:
    import libcst as cst

MAX_ROUNDS = 10
# libcst costs seconds per ten thousand lines, and its import transforms visit the whole
# tree: past this size a fix that needs a syntax tree is refused rather than left to run
# for minutes (text-level fixes still apply).
MAX_SYNTAX_TREE_LINES = 20_000


class FixError(Exception):
    """A fix could not be computed; the file is left as it is."""


class FixContext:
    """One version of a file's text, with a libcst tree built only when a fix asks for it."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self._imports: dict[tuple[str, ...], list[Edit]] = {}

    @cached_property
    def _wrapper(self) -> Any:
        lines = len(self.source.lines)
        if lines > MAX_SYNTAX_TREE_LINES:
            raise FixError(f"the file has {lines:,} lines; fixes that need a syntax tree stop at {MAX_SYNTAX_TREE_LINES:,}")
        import libcst as cst
        from libcst.metadata import MetadataWrapper

        try:
            module = cst.parse_module(self.source.text)
        except (cst.ParserSyntaxError, RecursionError) as exc:
            raise FixError(f"libcst cannot parse the file: {str(exc).splitlines()[0]}") from None
        # libcst drops some whitespace it does not model (form feeds, for one): a file it
        # cannot reproduce exactly is not one to rewrite with it.
        if module.code != self.source.text:
            raise FixError("libcst does not reproduce the file exactly (unusual whitespace)")
        return MetadataWrapper(module, unsafe_skip_copy=True)

    @property
    def module(self) -> cst.Module:
        return self._wrapper.module

    @cached_property
    def _positions(self) -> dict[tuple[type, int, int], Any]:
        from libcst.metadata import PositionProvider

        index: dict[tuple[type, int, int], Any] = {}
        for node, span in self._wrapper.resolve(PositionProvider).items():
            index.setdefault((type(node), span.start.line, span.start.column), node)
        return index

    def node_at(self, node_types: type | tuple[type, ...], line: int, col: int) -> Any:
        """The libcst node of one of `node_types` that starts at (line, character col)."""
        for node_type in node_types if isinstance(node_types, tuple) else (node_types,):
            node = self._positions.get((node_type, line, col))
            if node is not None:
                return node
        raise FixError(f"no {node_types} at line {line}, column {col + 1}")

    def replace(self, old: cst.CSTNode, new: cst.CSTNode, imports: Iterable[str] = ()) -> list[Edit]:
        """Edits that replace one node and add `imports` ("os", "from a import b", ...)."""
        edits = text_edits(self.source, self.module.deep_replace(old, new).code)
        return edits + [edit for edit in self._import_edits(tuple(imports)) if edit not in edits]

    def _import_edits(self, imports: tuple[str, ...]) -> list[Edit]:
        """The edits that add imports to this version of the file, computed once: every fix
        of a file that needs `import logging` shares one pass of libcst's import helper."""
        if not imports:
            return []
        cached = self._imports.get(imports)
        if cached is None:
            cached = self._imports[imports] = text_edits(self.source, add_imports(self.module, imports).code)
        return cached

    def edit(self, start: int, end: int, content: str) -> Edit:
        """An edit between two character offsets of the current text."""
        return Edit(self.source.position(start), self.source.position(end), content)


def add_imports(module: cst.Module, imports: Iterable[str]) -> cst.Module:
    imports = list(imports)
    if not imports:
        return module
    import libcst as cst
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    context = CodemodContext()
    for spec in imports:
        statement = cst.parse_statement(spec if " " in spec else f"import {spec}")
        small = statement.body[0]
        if isinstance(small, cst.ImportFrom):
            source = cst.helpers.get_full_name_for_node(small.module) or ""
            for alias in small.names:
                AddImportsVisitor.add_needed_import(context, source, alias.evaluated_name)
        else:
            for alias in small.names:
                AddImportsVisitor.add_needed_import(context, alias.evaluated_name)
    return AddImportsVisitor(context).transform_module(module)


def text_edits(source: SourceFile, new_text: str) -> list[Edit]:
    """The smallest line-anchored edits that turn the source's text into new_text."""
    old_lines = source.text.splitlines(keepends=True)
    new_lines = new_text.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    old_starts = [0]
    for line in old_lines:
        old_starts.append(old_starts[-1] + len(line))
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = old_starts[i1], old_starts[i2]
        old_chunk, new_chunk = source.text[start:end], "".join(new_lines[j1:j2])
        prefix = len(os.path.commonprefix([old_chunk, new_chunk]))
        limit = min(len(old_chunk), len(new_chunk)) - prefix
        suffix = len(os.path.commonprefix([old_chunk[::-1], new_chunk[::-1]]))
        suffix = min(suffix, limit)
        content = new_chunk[prefix : len(new_chunk) - suffix]
        edits.append(
            Edit(
                source.position(start + prefix),
                source.position(end - suffix),
                content,
            )
        )
    return edits


def compute_edits(finding: Finding, context: FixContext) -> list[Edit]:
    assert finding.fix is not None and finding.fix.compute is not None
    try:
        return finding.fix.compute(context)
    except FixError:
        raise
    except (RecursionError, MemoryError):
        raise FixError("file too deeply nested to fix") from None
    except Exception as exc:  # a fix that crashes is a bug in it; the file stays untouched
        # The type only: an exception's text can quote the code it failed on, secrets included.
        raise FixError(f"{INTERNAL_ERROR} in the fix for {finding.code}: {type(exc).__name__}") from None


def choose_edits(planned: list[tuple[Finding, list[Edit]]]) -> tuple[list[Edit], list[Finding]]:
    """Take whole fixes in position order while they do not overlap earlier ones.

    Identical edits (the same import added by two fixes) are taken once. A fix that
    overlaps waits for the next round, when it is computed again against the new text.
    """
    taken: list[Edit] = []
    applied: list[Finding] = []
    for finding, edits in sorted(planned, key=lambda item: item[0].sort_key()):
        new = [edit for edit in edits if edit not in taken]
        if any(_overlaps(edit, other) for edit in new for other in taken):
            continue
        if any(_overlaps(a, b) for i, a in enumerate(new) for b in new[i + 1 :]):
            continue
        taken.extend(new)
        applied.append(finding)
    return taken, applied


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at one point: order would be a guess
    return a.start < b.end and b.start < a.end or a.start == b.start


def parses(text: str, path: Path) -> bool:
    """Whether fixed text is still valid: Python is re-parsed; other files (a deploy
    script's flag replaced) have no parser here and are taken as they are."""
    if path.suffix not in (".py", ".pyi"):
        return True
    try:
        ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over the original,
    keeping the file's mode; the original is either untouched or fully replaced.

    Where the system has O_TMPFILE the new content is written to a file without a name, so
    a run killed while writing leaves nothing behind; the file gets its temporary name
    only for the two system calls that link and rename it. SIGINT and SIGTERM wait until
    the file is whole (or the temporary is gone).
    """
    target = path.resolve()  # through a symlink, replace the file it points at
    status = target.stat()
    if not os.access(target, os.W_OK) or not (status.st_mode & 0o222):
        raise PermissionError(f"{path.name} is read-only")
    with _signals_deferred():
        temporary = _write_anonymous(target, data, status) or _write_named(target, data, status)
        try:
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def _keep_owner_and_mode(descriptor: int, status: os.stat_result) -> None:
    """The new file gets the old one's owner (where allowed: a root codemod run must not
    hand a user's files to root) and mode (after the owner: chown can clear set-id bits)."""
    if (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(descriptor, status.st_uid, status.st_gid)
    os.fchmod(descriptor, status.st_mode & 0o7777)


def _write_anonymous(target: Path, data: bytes, status: os.stat_result) -> str | None:
    """Write data to an O_TMPFILE file, then name it next to target; None where unsupported."""
    anonymous = getattr(os, "O_TMPFILE", None)
    if anonymous is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        descriptor = os.open(target.parent, anonymous | os.O_WRONLY, 0o600)
    except OSError:
        return None  # a file system without O_TMPFILE
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        _keep_owner_and_mode(descriptor, status)
        os.fsync(descriptor)
        # With a folder descriptor os.link calls linkat(AT_SYMLINK_FOLLOW); plain link()
        # would link the /proc symbolic link itself.
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            for _ in range(100):
                name = f".{target.name}.{secrets.token_hex(4)}.rl-tmp"
                try:
                    os.link(f"/proc/self/fd/{descriptor}", name, dst_dir_fd=folder, follow_symlinks=True)
                    return str(target.parent / name)
                except FileExistsError:
                    continue
                except OSError:
                    return None  # linkat through /proc refused: write a named file instead
        finally:
            os.close(folder)
    return None


def _write_named(target: Path, data: bytes, status: os.stat_result) -> str:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".rl-tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            _keep_owner_and_mode(descriptor, status)
            os.fsync(descriptor)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (in the main thread) until the block is done."""
    deferrable = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if not deferrable:
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )


def fix_error(path: str, finding: Finding | None, reason: str, *, whole_file: bool = True) -> Finding:
    """A fix that could not be applied; with whole_file, no other fix was applied either."""
    where = f" for {finding.code} at line {finding.line}" if finding else ""
    outcome = "; file left unchanged" if whole_file else ""
    return error(path, f"fix{where} not applied: {reason}{outcome}", finding.line if finding else 1)
