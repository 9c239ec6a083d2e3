"""Settings: everything a run needs, resolved once from the config and what the caller
says on top of it. One builder, `resolve`, serves the command line, the flake8 plugin and
`reliability_lint.testing`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reliability_lint.config import (
    DEFAULT_EXCLUDE, Config, GlobSet, check_codes, codes_matching, glob_matches, resolve_selection, validate,
)  # fmt: skip
from reliability_lint.registry import Registry, load_rules

if TYPE_CHECKING:
    from reliability_lint.nearest import Nearest


BASELINE_NAME = ".reliability-lint-baseline.json"  # the baseline's file at the project root, by default

@dataclass
class Settings:
    """Everything a worker needs, resolved once from config and command line (picklable)."""

    root: Path
    enabled: frozenset[str]
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_file_ignores: list[tuple[str, list[str]]] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    force_exclude: bool = False
    unsafe_fixes: bool = False
    extend_safe_fixes: list[str] = field(default_factory=list)
    extend_unsafe_fixes: list[str] = field(default_factory=list)
    local_rule_dirs: list[Path] = field(default_factory=list)
    rule_packs: list[str] = field(default_factory=list)  # entry-point names of the installed packs to load
    cache_dir: Path | None = None  # None: no cache
    git_token: str | None = None  # set by run() when a file it checks has a rule that reads git
    baseline: Path | None = None  # report only findings not recorded in this file
    roots: list[Path] = field(default_factory=list)  # import roots besides the package roots found
    docs_url: str | None = None  # where the rule pages are published (None: the default)
    collect: frozenset[str] = frozenset()  # the inventories an INVENTORY run gathers ("todos")
    # The settings of the configuration nearest each file (None: these apply to every file).
    nearest: Nearest | None = field(default=None, repr=False, compare=False)

    def for_file(self, path: Path) -> Settings:
        """The settings that apply to one file (raises ConfigError or RegistryError when
        its configuration is wrong)."""
        return self if self.nearest is None else self.nearest.settings_for(path)

    @property
    def baseline_file(self) -> Path:
        """Where `baseline` writes and `check` reads the baseline: the configured file, else
        the default name at the project's root."""
        return self.baseline or self.root / BASELINE_NAME

    def relative(self, path: Path) -> PurePosixPath:
        if os.sep == "/":  # as below, by string operations on paths pathlib has made normal (once per file)
            absolute = str(path) if path.is_absolute() else os.path.join(os.getcwd(), path)
            root = str(self.root).rstrip("/") + "/"
            if absolute.startswith(root) or absolute + "/" == root:
                return PurePosixPath(absolute[len(root) :] or ".")
            return PurePosixPath(absolute.lstrip("/"))
        try:
            return PurePosixPath(path.absolute().relative_to(self.root).as_posix())
        except ValueError:
            return PurePosixPath(path.absolute().as_posix().lstrip("/"))

    def enabled_for(self, relative: PurePosixPath) -> frozenset[str]:
        ignored: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if glob_matches(pattern, relative):
                ignored |= codes_matching(self.enabled, codes)
        return self.enabled - ignored if ignored else self.enabled

    def is_excluded(self, relative: PurePosixPath) -> bool:
        return self._exclude_globs.matches(relative)

    @cached_property
    def _exclude_globs(self) -> GlobSet:
        return GlobSet(self.exclude)


@dataclass(frozen=True)
class Overrides:
    """What a caller says on top of the config (the command line's flags)."""

    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    exclude: list[str] | None = None  # replaces the configured list
    extend_exclude: list[str] | None = None
    force_exclude: bool = False
    unsafe_fixes: bool = False
    no_cache: bool = False
    baseline: Path | None = None
    # flake8 chooses the codes itself: enable every default rule on Python files.
    python_defaults: bool = False


def resolve(config: Config, overrides: Overrides = Overrides()) -> Settings:
    """Load the rules the config names, validate it, and resolve the settings.

    Raises ConfigError (a wrong key, type or code) or RegistryError (a broken rule pack).
    """
    from reliability_lint.cache import DEFAULT_DIR

    registry = load_rules(config.local_rule_dirs, config.rule_packs)
    validate(config, registry)
    flags = {"--select": overrides.select, "--extend-select": overrides.extend_select, "--ignore": overrides.ignore}
    for flag, codes in flags.items():
        check_codes(codes or [], registry, flag)
    if overrides.python_defaults:
        enabled = _python_defaults(registry)
    else:
        select = overrides.select if overrides.select is not None else config.get("select")
        extend_select = config.get("extend-select", []) + (overrides.extend_select or [])
        ignore = config.get("ignore", []) + (overrides.ignore or [])
        enabled = resolve_selection(registry, select, extend_select, ignore)
    exclude = overrides.exclude or config.get("exclude", list(DEFAULT_EXCLUDE))
    exclude = exclude + config.get("extend-exclude", []) + (overrides.extend_exclude or [])
    cache_dir = None if overrides.no_cache else config.root / config.get("cache-dir", DEFAULT_DIR)
    baseline = overrides.baseline or (config.root / config.get("baseline") if config.get("baseline") else None)
    return Settings(
        root=config.root,
        enabled=enabled,
        options=config.family_options,
        per_file_ignores=list(config.get("per-file-ignores", {}).items()),
        exclude=exclude,
        force_exclude=overrides.force_exclude,
        unsafe_fixes=overrides.unsafe_fixes,
        extend_safe_fixes=config.get("extend-safe-fixes", []),
        extend_unsafe_fixes=config.get("extend-unsafe-fixes", []),
        local_rule_dirs=config.local_rule_dirs,
        rule_packs=config.rule_packs,
        cache_dir=cache_dir,
        baseline=baseline,
        roots=config.import_roots,
        docs_url=config.get("docs-url"),
    )


def _python_defaults(registry: Registry) -> frozenset[str]:
    return frozenset(
        code
        for checker in registry.checkers
        if checker.nodes or "python" in checker.kinds
        for code in checker.codes
        if registry.rules[code].default
    )
