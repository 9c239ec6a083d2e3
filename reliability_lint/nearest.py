"""Settings per file: those of the configuration nearest it, as ruff does for nested projects.

Without `--config`, each checked file gets the `[tool.reliability-lint]` of the nearest
pyproject.toml at or above its folder, resolved with the command line's flags on top
(`settings.resolve`, the one builder). Its per-file-ignores, excludes and `roots` are
relative to that file's folder. A file under no configuration gets the one nearest the
current folder (or the defaults), whatever the order of the paths on the command line.

`--config FILE` applies that one configuration to every file, as ruff's does. What belongs
to the run rather than to a file (the cache folder, the baseline, the report's root) stays
that of the configuration nearest the first path, as before.
Lookups are cached per folder and per configuration file, so a run resolves each
configuration once; the whole table is picklable and travels to the worker processes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from reliability_lint.config import SECTION, ConfigError, _read_toml, load_config

if TYPE_CHECKING:
    from reliability_lint.settings import Overrides, Settings


class Nearest:
    def __init__(self, base: Settings, base_config: Path | None, overrides: Overrides, cwd: Path) -> None:
        self.overrides = overrides
        self.cwd = cwd.absolute()
        self._by_config: dict[str, Settings] = {self._key(base_config): base}
        self._config_of: dict[str, Path | None] = {}  # folder -> nearest config file (None: none)
        self._by_folder: dict[str, Settings] = {}
        self._cwd_config: tuple[Path | None] | None = None  # the fallback, looked up once
        self._real_of: dict[str, str] = {}

    @staticmethod
    def _key(config: Path | None) -> str:
        return str(config.resolve()) if config is not None else ""

    def settings_for(self, path: Path) -> Settings:
        """The settings of a file (of a folder's own files, for a folder). Raises ConfigError
        or RegistryError for a configuration that is wrong."""
        folder = os.path.dirname(path)  # as given: the current folder does not change in a run
        found = self._by_folder.get(folder)
        if found is None:
            config = self._nearest(self.cwd / folder) if folder else None
            if config is None:
                if self._cwd_config is None:
                    self._cwd_config = (self._nearest(self.cwd),)
                config = self._cwd_config[0]
            found = self._by_folder[folder] = self._settings(config)
        return found

    def all(self) -> list[Settings]:
        return list(self._by_config.values())

    def _settings(self, config: Path | None) -> Settings:
        from reliability_lint.settings import resolve

        key = self._key(config)
        found = self._by_config.get(key)
        if found is None:
            found = self._by_config[key] = resolve(load_config(config, self.cwd), self.overrides)
        return found

    def _nearest(self, folder: Path) -> Path | None:
        """The nearest pyproject.toml with a [tool.reliability-lint] table at or above `folder`."""
        visited: list[str] = []
        found: Path | None = None
        current = self._real(str(folder))
        while True:
            if current in self._config_of:
                found = self._config_of[current]
                break
            visited.append(current)
            candidate = Path(current, "pyproject.toml")
            if _declares_section(candidate):
                found = candidate
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
        for key in visited:
            self._config_of[key] = found
        return found

    def _real(self, folder: str) -> str:
        """`os.path.realpath(folder)`, from the parent's when the folder is no link: one
        lstat per new folder instead of one per component (a tree has thousands)."""
        found = self._real_of.get(folder)
        if found is None:
            parent, name = os.path.split(folder)
            if not name or name in (".", "..") or parent == folder or os.path.islink(folder):
                found = os.path.realpath(folder)
            else:
                found = os.path.join(self._real(parent), name)
            self._real_of[folder] = found
        return found


def _declares_section(candidate: Path) -> bool:
    if not candidate.is_file():
        return False
    try:
        return SECTION in _read_toml(candidate).get("tool", {})
    except ConfigError:
        return True  # a broken nearest config must be reported, not skipped
