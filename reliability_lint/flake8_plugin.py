"""The rules on Python files, inside flake8 (entry point `flake8.extension`, prefix `REL`).

flake8 parses the file and chooses the codes (`--select`, `--extend-ignore`); the plugin
hands flake8's tree to the engine's own analysis (one walk, the same suppressions as
`reliability-lint check`), with the family options of the nearest
`[tool.reliability-lint]`. Fixes are never computed here, so libcst is never imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from reliability_lint import __version__
from reliability_lint.cache import Cache
from reliability_lint.config import ConfigError, find_config, load_config
from reliability_lint.engine import Task, analyze, project_index
from reliability_lint.semantic.index import Index
from reliability_lint.findings import ERROR_CODE
from reliability_lint.registry import RegistryError
from reliability_lint.settings import Overrides, Settings, resolve
from reliability_lint.source import SourceFile

_PYTHON = frozenset({"python"})


@lru_cache(maxsize=None)
def _config_for(folder: Path) -> Path | None:
    return find_config(folder)


@lru_cache(maxsize=None)
def _settings(config_file: Path | None) -> Settings:
    """Settings for the files under one config (built once per flake8 process).

    Every default rule on Python files is enabled: flake8's own selection filters them.
    """
    # the cache folder only for the project index's summaries: findings are never cached here
    return resolve(load_config(config_file, Path(".")), Overrides(python_defaults=True))


_INDEXES: dict[Path, Index] = {}


def _index(settings: Settings) -> Index:
    """The project index for the files under one config: it reads the summaries that
    `reliability-lint check` cached, where there is a cache, and makes the others."""
    index = _INDEXES.get(settings.root)
    if index is None:
        folder = settings.cache_dir
        cache = Cache(folder) if folder is not None and folder.is_dir() else None
        index = _INDEXES[settings.root] = project_index(settings, cache)
    return index


class Plugin:
    name = "reliability-lint"
    version = __version__

    def __init__(self, tree: ast.Module, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        path = Path(self.filename)
        try:
            settings = _settings(_config_for(path.parent if path.parent.is_dir() else Path(".")))
        except (ConfigError, RegistryError) as exc:
            yield 1, 0, f"{ERROR_CODE} {exc}", type(self)
            return
        src = SourceFile(path, "".join(self.lines), tree=self.tree)  # flake8's parse, not a second one
        task = Task(path, self.filename, _PYTHON)
        for finding in analyze(src, task, settings, settings.enabled, project=_index(settings)):
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
