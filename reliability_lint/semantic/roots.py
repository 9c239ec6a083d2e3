"""Where the project's modules are: package roots and import resolution, as `sys.path` does.

An import is looked up, in order, in the root of the importing file's package (the folder
above its topmost `__init__.py`, or the file's own folder for a script run as
`python path/to/script.py`), then in the configured `roots`, `src/` and the project root.
The first root that holds a module for the longest prefix of the dotted name wins; what is
left of the name are attributes of that module.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path


class Roots:
    def __init__(self, project_root: Path, configured: Sequence[Path] = ()) -> None:
        root = project_root.absolute()
        candidates = [*(p.absolute() for p in configured), root / "src", root]
        self.shared = tuple(dict.fromkeys(p for p in candidates if p.is_dir()))
        self._shared_names = tuple(map(str, self.shared))

    def package_of(self, path: Path) -> str:
        """The package a file belongs to (for its relative imports), '' when it has none."""
        return _package_of(os.path.dirname(os.path.abspath(path)), self.shared)

    def find(self, qualname: str, origin: str | os.PathLike[str]) -> tuple[Path, list[str]] | None:
        """The project file defining the longest importable prefix of `qualname`, and the
        rest of the name; None for modules outside the project (libraries)."""
        # Asked again for every import of every file a warm run takes from the cache, so the
        # search path is cached per folder and the lookup works on strings, not Paths.
        return _find(qualname, _search_path(os.path.dirname(os.path.abspath(origin)), self._shared_names))


def forget_layout() -> None:
    """Forget the files and packages seen so far (a long-lived process: the language server,
    several runs in one test), so that a module added since is found."""
    _find.cache_clear()
    _package_parts.cache_clear()
    _search_path.cache_clear()
    _package_of.cache_clear()


@lru_cache(maxsize=4096)
def _package_of(folder_name: str, shared: tuple[Path, ...]) -> str:
    folder = Path(folder_name)
    parts = _package_parts(folder)
    if parts:
        return ".".join(parts)
    for root in shared:  # a namespace package below a root
        if _is_below(folder, root) and folder != root:
            return ".".join(folder.relative_to(root).parts)
    return ""


@lru_cache(maxsize=4096)
def _search_path(folder_name: str, shared: tuple[str, ...]) -> tuple[str, ...]:
    folder = Path(folder_name)
    parts = _package_parts(folder)
    first = folder.parents[len(parts) - 1] if parts else folder
    return tuple(dict.fromkeys((str(first), *shared)))


@lru_cache(maxsize=4096)
def _find(qualname: str, search: tuple[str, ...]) -> tuple[Path, list[str]] | None:
    parts = qualname.split(".")
    for root in search:
        top = os.path.join(root, parts[0])
        if not os.path.isdir(top) and not os.path.isfile(top + ".py"):
            continue
        for end in range(len(parts), 0, -1):
            base = os.path.join(root, *parts[:end])
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if os.path.isfile(candidate):
                    return Path(candidate), parts[end:]
        return None  # the root that holds the top-level name decides, as sys.path does
    return None


@lru_cache(maxsize=4096)
def _package_parts(folder: Path) -> tuple[str, ...]:
    parts: list[str] = []
    while (folder / "__init__.py").is_file() and folder.name.isidentifier():
        parts.append(folder.name)
        folder = folder.parent
    return tuple(reversed(parts))


def _is_below(path: Path, root: Path) -> bool:
    try:
        return os.path.commonpath([str(path.absolute()), str(root)]) == str(root)
    except ValueError:
        return False
