"""`[tool.reliability-lint]` from pyproject.toml (or a file named by --config), validated."""

from __future__ import annotations

import fnmatch
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from reliability_lint.registry import Registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTION = "reliability-lint"
DEFAULT_EXCLUDE = (
    ".bzr", ".direnv", ".eggs", ".git", ".hg", ".mypy_cache", ".nox", ".pants.d",
    ".pytype", ".reliability_lint_cache", ".ruff_cache", ".svn", ".tox", ".venv",
    "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages",
    "venv",
)  # fmt: skip


class ConfigError(Exception):
    """The configuration is wrong; the message names the file and the key."""


def _str_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return "must be a list of strings"


def _str_list_table(value: Any) -> str | None:
    if isinstance(value, dict) and all(_str_list(v) is None for v in value.values()):
        return None
    return "must be a table of glob = list of rule codes"


def _str_or_list(value: Any) -> str | None:
    return None if isinstance(value, str) else _str_list(value)


# Top-level keys and how to check their values; rule families add sub-tables of their own.
TOP_LEVEL_KEYS: dict[str, Any] = {
    "select": _str_list,
    "extend-select": _str_list,
    "ignore": _str_list,
    "per-file-ignores": _str_list_table,
    "exclude": _str_list,
    "extend-exclude": _str_list,
    "extend-safe-fixes": _str_list,
    "extend-unsafe-fixes": _str_list,
    "local-rules": _str_or_list,
    "rule-packs": _str_list,
    "roots": _str_list,
    "cache-dir": lambda value: None if isinstance(value, str) else "must be a string",
    "baseline": lambda value: None if isinstance(value, str) else "must be a string (a file path)",
    "docs-url": lambda value: None
    if isinstance(value, str) and value.startswith(("https://", "http://", "file://"))
    else "must be a URL (the folder of the rule pages, e.g. https://host/reliability-lint/rules/)",
}
_CODE_LISTS = ("select", "extend-select", "ignore", "extend-safe-fixes", "extend-unsafe-fixes")


@dataclass
class Config:
    root: Path  # paths in the config are relative to it
    file: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    family_options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    @property
    def import_roots(self) -> list[Path]:
        """Folders imports are resolved from besides the package roots found in the tree."""
        return [self.root / item for item in self.values.get("roots", [])]

    @property
    def rule_packs(self) -> list[str]:
        """The installed rule packs to load, by their entry-point names."""
        return list(self.values.get("rule-packs", []))

    @property
    def local_rule_dirs(self) -> list[Path]:
        value = self.values.get("local-rules", [])
        problem = _str_or_list(value)
        if problem:  # checked here too: the rules load before validate() can run
            prefix = f"tool.{SECTION}." if self.file and self.file.name == "pyproject.toml" else ""
            raise ConfigError(f"{self.file or 'configuration'}: {prefix}local-rules {problem}")
        return [self.root / item for item in ([value] if isinstance(value, str) else value)]


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a [tool.reliability-lint] table."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else start.parents:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                if SECTION in _read_toml(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                return candidate  # a broken nearest config must be reported, not skipped
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def load_config(path: Path | None, default_root: Path) -> Config:
    """Read the table (without checking rule codes, which needs the registry loaded)."""
    if path is None:
        return Config(root=default_root.resolve())
    data = _read_toml(path)
    table = data.get("tool", {}).get(SECTION)
    if table is None:
        table = {k: v for k, v in data.items() if k != "tool"} if path.name != "pyproject.toml" else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.{SECTION} must be a table")
    return Config(root=path.resolve().parent, file=path, values=dict(table))


def validate(config: Config, registry: Registry) -> None:
    """Check every key, value type and rule code; fill family options with their defaults."""
    where = str(config.file) if config.file else "configuration"
    prefix = f"tool.{SECTION}" if config.file and config.file.name == "pyproject.toml" else ""

    def name(*keys: str) -> str:
        return ".".join(k for k in (prefix, *keys) if k)

    for key, value in config.values.items():
        if key in registry.options:
            continue
        check = TOP_LEVEL_KEYS.get(key)
        if check is None:
            raise ConfigError(f"{where}: unknown key {name(key)!r}")
        problem = check(value)
        if problem:
            raise ConfigError(f"{where}: {name(key)} {problem}")
    for key in _CODE_LISTS:
        for code in config.values.get(key, []):
            _check_code(code, registry, f"{where}: {name(key)}")
    for glob, codes in config.values.get("per-file-ignores", {}).items():
        for code in codes:
            _check_code(code, registry, f"{where}: {name('per-file-ignores', glob)}")
    for family, declared in registry.options.items():
        table = config.values.get(family, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: {name(family)} must be a table")
        resolved = {}
        for key, value in table.items():
            option = declared.get(key)
            if option is None:
                raise ConfigError(f"{where}: unknown key {name(family, key)!r}")
            if isinstance(value, bool) and option.type is not bool and bool not in _types(option.type):
                raise ConfigError(f"{where}: {name(family, key)} must be {_type_name(option.type)}")
            if not isinstance(value, option.type):
                raise ConfigError(f"{where}: {name(family, key)} must be {_type_name(option.type)}")
            problem = option.validate(value) if option.validate else None
            if problem:
                raise ConfigError(f"{where}: {name(family, key)} {problem}")
            resolved[key] = value
        config.family_options[family] = {
            key: resolved.get(key, option.default) for key, option in declared.items()
        }


def _types(spec: type | tuple[type, ...]) -> tuple[type, ...]:
    return spec if isinstance(spec, tuple) else (spec,)


def _type_name(spec: type | tuple[type, ...]) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}
    return " or ".join(names.get(t, t.__name__) for t in _types(spec))


def _check_code(code: Any, registry: Registry, where: str) -> None:
    if code == "ALL" or any(known.startswith(code) for known in registry.rules):
        return
    raise ConfigError(f"{where}: unknown rule code {code!r} (an installed pack's rules load when `rule-packs` names it)")


def check_codes(codes: list[str], registry: Registry, where: str) -> None:
    for code in codes:
        _check_code(code, registry, where)


def _specificity(code: str, prefixes: list[str]) -> int:
    """Length of the longest prefix in `prefixes` that matches code (ALL counts as 0), else -1."""
    best = -1
    for prefix in prefixes:
        if prefix == "ALL":
            best = max(best, 0)
        elif code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def resolve_selection(
    registry: Registry, select: list[str] | None, extend_select: list[str], ignore: list[str]
) -> frozenset[str]:
    """Rule codes in force: the more specific of a select and an ignore wins, ignore on a tie."""
    enabled = set()
    for code, meta in registry.rules.items():
        chosen = _specificity(code, (select if select is not None else []) + extend_select)
        if select is None and meta.default:
            chosen = max(chosen, 0)
        if chosen >= 0 and chosen > _specificity(code, ignore):
            enabled.add(code)
    return frozenset(enabled)


def codes_matching(codes: frozenset[str] | set[str], prefixes: list[str]) -> set[str]:
    return {code for code in codes if _specificity(code, prefixes) >= 0}


class GlobSet:
    """Many globs matched as glob_matches would, with bare-name matches cached per path part."""

    def __init__(self, patterns: list[str]) -> None:
        cleaned = [p.removeprefix("./").rstrip("/") for p in patterns]
        self._names = [p for p in cleaned if "/" not in p]
        self._paths = [p for p in cleaned if "/" in p]
        self._parts: dict[str, bool] = {}

    def matches(self, relative: PurePosixPath) -> bool:
        for part in relative.parts:
            hit = self._parts.get(part)
            if hit is None:
                hit = self._parts[part] = any(fnmatch.fnmatchcase(part, n) for n in self._names)
            if hit:
                return True
        text = relative.as_posix()
        return any(fnmatch.fnmatchcase(text, p) or fnmatch.fnmatchcase(text, p + "/*") for p in self._paths)


def glob_matches(pattern: str, relative: PurePosixPath) -> bool:
    """flake8/ruff-style path globs: against the relative path, or the name for a bare name."""
    text = relative.as_posix()
    pattern = pattern.removeprefix("./").rstrip("/")
    if fnmatch.fnmatchcase(text, pattern) or fnmatch.fnmatchcase(text, pattern + "/*"):
        return True
    return "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in relative.parts)
