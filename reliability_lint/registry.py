"""The rule registry: rule metadata, the checkers that report them, and family options.

Built-in rule families register with the decorators below when their module in
`reliability_lint.rules` is imported; third-party packs register the same way from a module
named in the entry-point group `reliability_lint.rules`; a project's own rules are modules
in a folder named by `local-rules` in its config.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("P0", "P1", "P2", "P3")
APPLICABILITIES = ("safe", "unsafe")
ENTRY_POINT_GROUP = "reliability_lint.rules"
_CODE = re.compile(r"[A-Z]+[0-9]+")
_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class RegistryError(Exception):
    """A rule pack declared something inconsistent."""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: str
    fix: str | None  # the applicability of the rule's fix; None when it has none
    family: str
    suppressed_by: tuple[str, ...] = ()  # markers besides noqa, such as "nosec"
    default: bool = True  # selected when the config does not say otherwise
    # Findings depend on git state (and the date), not only on the file: True, or a
    # function of the family options saying whether they do in this configuration.
    reads_git: bool | Callable[[dict[str, dict[str, Any]]], bool] = False
    # Labels for consumers: "security" makes code scanning rank it as a security alert.
    tags: tuple[str, ...] = ()
    url: str | None = None  # the rule's documentation, when it is not a page in rules/

    @property
    def page_name(self) -> str:
        return f"{self.code}-{self.name}.md"


@dataclass(frozen=True)
class Checker:
    """A function that reports one or more rules.

    With `nodes`, it is called as func(node, ctx) for every ast node of those types in one
    shared walk of a Python file. Without, it is called once per file as func(ctx), for
    the file kinds it names.
    """

    func: Callable[..., None]
    codes: tuple[str, ...]
    nodes: tuple[type[ast.AST], ...] = ()
    kinds: tuple[str, ...] = ("python",)


@dataclass(frozen=True)
class Option:
    name: str
    type: type | tuple[type, ...]
    default: Any
    validate: Callable[[Any], str | None] | None = None  # returns an error message or None


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    checkers: list[Checker] = field(default_factory=list)
    options: dict[str, dict[str, Option]] = field(default_factory=dict)
    file_kinds: dict[str, Callable[[Path], bool]] = field(default_factory=dict)
    # Per file kind: why a file of that kind is not read at all (lock file, too large), or None.
    file_skips: dict[str, Callable[[Path, dict[str, dict[str, Any]]], str | None]] = field(default_factory=dict)
    # Regexes, or functions building one from the resolved family options.
    comment_markers: list[str | Callable[[dict[str, dict[str, Any]]], str]] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)

    def add_rule(self, rule: Rule) -> None:
        if not _CODE.fullmatch(rule.code):
            raise RegistryError(f"rule code {rule.code!r} is not letters followed by digits")
        if not _NAME.fullmatch(rule.name):
            raise RegistryError(f"rule name {rule.name!r} of {rule.code} is not kebab-case")
        if rule.severity not in SEVERITIES:
            raise RegistryError(f"{rule.code}: severity must be one of {', '.join(SEVERITIES)}")
        if rule.fix is not None and rule.fix not in APPLICABILITIES:
            raise RegistryError(f"{rule.code}: fix must be 'safe', 'unsafe' or None")
        existing = self.rules.get(rule.code)
        if existing is not None and existing != rule:
            raise RegistryError(f"rule code {rule.code} is registered twice ({existing.name}, {rule.name})")
        self.rules[rule.code] = rule

    def add_checker(self, checker: Checker) -> None:
        unknown = [code for code in checker.codes if code not in self.rules]
        if unknown:
            raise RegistryError(f"checker {checker.func.__qualname__} reports undeclared {unknown}")
        self.checkers.append(checker)

    def targets(self, code: str) -> list[str]:
        """What a rule looks at: ast node type names, or file kinds for file-level checkers."""
        names: list[str] = []
        for checker in self.checkers:
            if code in checker.codes:
                found = [n.__name__ for n in checker.nodes] or [f"{k} files" for k in checker.kinds]
                names.extend(n for n in found if n not in names)
        return names

    def marker_patterns(self, options: dict[str, dict[str, Any]]) -> tuple[str, ...]:
        return tuple(m(options) if callable(m) else m for m in self.comment_markers)

    def kinds_of(self, path: Path) -> frozenset[str]:
        return frozenset(kind for kind, matches in self.file_kinds.items() if matches(path))

    def skip_reason(self, path: Path, kinds: frozenset[str], options: dict[str, dict[str, Any]]) -> str | None:
        for kind in sorted(kinds):
            skip = self.file_skips.get(kind)
            reason = skip(path, options) if skip is not None else None
            if reason:
                return reason
        return None


REGISTRY = Registry()
REGISTRY.add_rule(
    Rule("REL000", "file-error", "The file could not be read, decoded, parsed or fixed", "P1", None, "core")
)
REGISTRY.file_kinds["python"] = lambda path: path.suffix in (".py", ".pyi")


def rule(
    code: str,
    name: str,
    summary: str,
    severity: str,
    *,
    fix: str | None = None,
    nodes: Iterable[type[ast.AST]] = (),
    kinds: Iterable[str] = ("python",),
    suppressed_by: Iterable[str] = (),
    default: bool = True,
    family: str | None = None,
    reads_git: bool | Callable[[dict[str, dict[str, Any]]], bool] = False,
    tags: Iterable[str] = (),
    url: str | None = None,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a rule; used as a decorator, also register the function as its checker.

    The family defaults to the name of the declaring module (`rules/exceptions.py`).
    """
    family = family or _family_of_caller()
    REGISTRY.add_rule(
        Rule(code, name, summary, severity, fix, family, tuple(suppressed_by), default, reads_git, tuple(tags), url)
    )

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        REGISTRY.add_checker(Checker(func, (code,), tuple(nodes), tuple(kinds)))
        return func

    return decorate


def checker(
    *codes: str, nodes: Iterable[type[ast.AST]] = (), kinds: Iterable[str] = ("python",)
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function that reports several already declared rules."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        REGISTRY.add_checker(Checker(func, codes, tuple(nodes), tuple(kinds)))
        return func

    return decorate


def options(family: str, *declared: Option) -> None:
    """Declare the options of `[tool.reliability-lint.<family>]`."""
    REGISTRY.options.setdefault(family, {}).update({option.name: option for option in declared})


def comment_marker(pattern: str | Callable[[dict[str, dict[str, Any]]], str]) -> None:
    """Declare a regex whose matches are comments some checker wants (see CheckContext.comments).

    A function instead of a regex builds it from the resolved family options, for markers
    a project configures (such as its TODO tags).
    """
    if pattern not in REGISTRY.comment_markers:
        REGISTRY.comment_markers.append(pattern)


def file_kind(
    name: str,
    matches: Callable[[Path], bool],
    skip: Callable[[Path, dict[str, dict[str, Any]]], str | None] | None = None,
) -> None:
    """Declare a file kind; `skip(path, options)` names why a file of it is not read, if so
    (the run counts it in its summary instead of checking it)."""
    REGISTRY.file_kinds[name] = matches
    if skip is not None:
        REGISTRY.file_skips[name] = skip


def _family_of_caller() -> str:
    module = sys._getframe(2).f_globals.get("__name__", "")
    return module.rpartition(".")[2] or module


def load_rules(local_dirs: Iterable[Path] = ()) -> Registry:
    """Import the built-in families, the installed packs and a project's local rules, once."""
    import reliability_lint.rules as builtin

    for module in pkgutil.iter_modules(builtin.__path__):
        _import_once(f"{builtin.__name__}.{module.name}")
    for entry_point in _installed_packs():
        if entry_point.value not in REGISTRY.loaded:
            REGISTRY.loaded.add(entry_point.value)
            try:
                entry_point.load()
            except Exception as exc:  # a broken pack must name itself, not crash the run
                raise RegistryError(f"rule pack {entry_point.name!r} failed to load: {exc}") from exc
    for folder in local_dirs:
        for path in sorted(folder.glob("*.py")):
            key = str(path.resolve())
            if key in REGISTRY.loaded:
                continue
            REGISTRY.loaded.add(key)
            module_name = f"reliability_lint_local.{path.stem}"
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise RegistryError(f"{path}: cannot be imported as a rule module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except RegistryError:
                raise
            except Exception as exc:
                raise RegistryError(f"{path}: local rule module failed to load: {exc}") from exc
    return REGISTRY


def _installed_packs() -> list:
    """The entry points of the group, scanned once per process (it reads every installed
    distribution's metadata, a large share of start-up)."""
    if "entry-points" in REGISTRY.loaded:
        return []
    REGISTRY.loaded.add("entry-points")
    from importlib.metadata import entry_points

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _import_once(module: str) -> None:
    if module not in REGISTRY.loaded:
        REGISTRY.loaded.add(module)
        importlib.import_module(module)
