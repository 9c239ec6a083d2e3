"""Other modules of the project, read lazily as syntax trees, for what the auth facts of
the project index do not hold: the hooks of an app or blueprint imported from another
module, the modules that register a blueprint or router, and the source folder of a
deploy (REL515). Decorators and dependencies are decided through the index instead
(`imported.py`), and every module read here is also consulted in the index, so the
findings that depend on it are keyed on its summary (whose auth facts hold its hooks'
checks and its wiring calls).

What it resolves: a module named by an `import` or `from ... import` of the checked file
(absolute, or relative to the file's package) to a `.py` file under one of the import
roots above the file (the folder above the top package, and the file's own folder); and
the modules of that tree that register a blueprint or router (`register_blueprint`,
`include_router`). It does not follow re-exports through `__init__.py` beyond one level,
star imports, `sys.path` edits or installed packages (those are not project code).
"""

from __future__ import annotations

import ast
import os
import warnings
from functools import lru_cache
from pathlib import Path

# A project tree bigger than this is not searched for registrations (unknown, not reported).
MAX_SCANNED_FILES = 3000
_SKIPPED_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", "site-packages", ".tox", "build", "dist"})


def import_roots(path: Path) -> list[Path]:
    """Folders an absolute import of the file's code may start from: the folder above its
    top-most package, then its own folder (a script run as `python main.py`)."""
    folder = path.absolute().parent
    top = folder
    while (top / "__init__.py").is_file() and top.parent != top:
        top = top.parent
    return [top] if top == folder else [top, folder]


def resolve_module(importing: Path, module: str, level: int = 0) -> Path | None:
    """The file of `module` as imported from `importing` (`level` dots for a relative import)."""
    if level:
        base = importing.absolute().parent
        for _ in range(level - 1):
            base = base.parent
        candidates = [base]
    else:
        candidates = import_roots(importing)
    parts = [p for p in module.split(".") if p]
    for base in candidates:
        target = base.joinpath(*parts)
        for file in (target.with_suffix(".py") if parts else None, target / "__init__.py"):
            if file is not None and file.is_file():
                return file
    return None


def parse(path: Path) -> ast.Module | None:
    """The syntax tree of a project file, or None when it cannot be read or parsed."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _parse(str(path.absolute()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _parse(path: str, mtime: int, size: int) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def files_mentioning(near: Path, words: tuple[str, ...]) -> list[Path] | None:
    """The project's `.py` files (under the first import root of `near`) whose text holds
    one of `words`; None when the tree is too big to search. Listed once per process and
    root (a file added later in a long-running process is not seen)."""
    found = _files_mentioning(str(import_roots(near)[0]), words)
    return None if found is None else list(found)


@lru_cache(maxsize=16)
def _files_mentioning(root: str, words: tuple[str, ...]) -> tuple[Path, ...] | None:
    found: list[Path] = []
    seen = 0
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(names):
            if not name.endswith(".py"):
                continue
            seen += 1
            if seen > MAX_SCANNED_FILES:
                return None
            path = Path(current, name)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if any(word in text for word in words):
                found.append(path)
    return tuple(found)


def python_files_under(folder: Path) -> list[Path] | None:
    """The `.py` files of a deployed source folder; None when too many to read."""
    found: list[Path] = []
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        found.extend(Path(current, n) for n in sorted(names) if n.endswith(".py"))
        if len(found) > MAX_SCANNED_FILES:
            return None
    return found
