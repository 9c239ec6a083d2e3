"""The rule registry: rule metadata, the checkers that report them, and family options.

Built-in rule families register with the decorators below when their package in
`reliability_lint.rules` (`rules/timeouts/`: catalogue, checks, fixes) is imported; third-party packs register the same way from a module
named in the entry-point group `reliability_lint.rules`, loaded when a config's
`rule-packs` names it; a project's own rules are modules
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
    # The applicability of every fix the rule offers (the engine holds a rule's fixes to it);
    # None when it has none.
    fix: str | None
    family: str
    suppressed_by: tuple[str, ...] = ()  # markers besides noqa, such as "nosec"
    default: bool = True  # selected when the config does not say otherwise
    # Findings depend on git state (and the date), not only on the file: True, or a
    # function of the family options saying whether they do in this configuration.
    reads_git: bool | Callable[[dict[str, dict[str, Any]]], bool] = False
    page: str | None = None  # its page's file name in the rule pages folder (see pages.py)
    # What renderers may ask of a rule without naming its code or family: "security" (a
    # security issue, for GitLab's category), "untracked-todo" (the team report ages it).
    # "security" also makes code scanning rank it as a security alert.
    tags: frozenset[str] = frozenset()
    url: str | None = None  # the rule's documentation, when it is not a page in rules/
    # With fix="unsafe": the fixes the rule can prove safe are offered as safe (REL101's
    # where the handler re-raises).
    some_fixes_safe: bool = False


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
class Collector:
    """A function that gathers records (not findings) from each file of its kinds, for an
    inventory such as `reliability-lint todos`: called as func(ctx) after the walk, it
    hands its records to ctx.collect(name, record)."""

    func: Callable[..., None]
    name: str
    kinds: tuple[str, ...] = ("python",)


@dataclass(frozen=True)
class SuppressionMarker:
    """A comment besides noqa that silences the rules naming it in `suppressed_by`.

    Declared by the family whose tools honour it (bandit's `nosec`, detect-secrets'
    `pragma: allowlist secret`), so the core knows no marker of its own.
    """

    name: str  # as rules name it in `suppressed_by`
    word: str  # a regex of the word that opens it in a comment (matched case-insensitively)
    # (comment text, rule code) -> whether the comment silences that rule; default: the
    # comment contains the name.
    covers: Callable[[str, str], bool] | None = None

    def silences(self, text: str, code: str) -> bool:
        return self.covers(text, code) if self.covers is not None else self.name in text


@dataclass(frozen=True)
class Precondition:
    """Text without which none of a family's rules can report in a file of the given kinds:
    any of `words` (substrings, the cheapest test) or a match of `pattern`. On a file that
    meets no selected family's precondition nothing is parsed."""

    words: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    kinds: tuple[str, ...] = ("python",)  # on other kinds the family always runs
    # Or a function of the text, where the test is cheaper as code than as one regex (many
    # patterns, each behind a literal).
    test: Callable[[str], bool] | None = None

    def admits(self, text: str) -> bool:
        return (
            any(word in text for word in self.words)
            or (self.pattern is not None and self.pattern.search(text) is not None)
            or (self.test is not None and self.test(text))
        )


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
    suppression_markers: dict[str, SuppressionMarker] = field(default_factory=dict)
    collectors: list[Collector] = field(default_factory=list)
    loaded: set[str] = field(default_factory=set)
    # Files that are findings by their name alone (a `.env`): read whatever their bytes or
    # size, and not hidden by the default excludes (build/, dist/ ...), only by the user's.
    always_checked: list[Callable[[Path], bool]] = field(default_factory=list)
    # Rules whose checkers fill CheckContext.redact: run on every file that reports
    # anything, selected or not, so redaction never depends on the selection.
    redacting: set[str] = field(default_factory=set)
    # Per family: its Precondition, or a function building one from the resolved family
    # options (None: the family may report anywhere).
    preconditions: dict[str, Callable[[dict[str, dict[str, Any]]], Precondition | None]] = field(default_factory=dict)
    final_fix_families: set[str] = field(default_factory=set)  # see final_fixes()

    def is_always_checked(self, path: Path) -> bool:
        return any(matches(path) for matches in self.always_checked)

    def add_rule(self, rule: Rule) -> None:
        if not _CODE.fullmatch(rule.code):
            raise RegistryError(f"rule code {rule.code!r} is not letters followed by digits")
        if not _NAME.fullmatch(rule.name):
            raise RegistryError(f"rule name {rule.name!r} of {rule.code} is not kebab-case")
        if rule.severity not in SEVERITIES:
            raise RegistryError(f"{rule.code}: severity must be one of {', '.join(SEVERITIES)}")
        if rule.fix is not None and rule.fix not in APPLICABILITIES:
            raise RegistryError(f"{rule.code}: fix must be 'safe', 'unsafe' or None")
        if rule.some_fixes_safe and rule.fix != "unsafe":
            raise RegistryError(f"{rule.code}: some_fixes_safe needs fix='unsafe'")
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

    def suppression_words(self) -> tuple[str, ...]:
        return tuple(marker.word for marker in self.suppression_markers.values())

    def suppression_marker(self, name: str) -> SuppressionMarker:
        """The declared marker of that name; an undeclared one silences where its name appears."""
        return self.suppression_markers.get(name) or SuppressionMarker(name, re.escape(name))

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
    Rule(
        "REL000",
        "file-error",
        "The file could not be read, decoded, parsed or fixed",
        "P1",
        None,
        "core",
        page="REL000-file-error.md",
    )
)
REGISTRY.file_kinds["python"] = lambda path: path.suffix in (".py", ".pyi")
REGISTRY.file_kinds["notebook"] = lambda path: path.suffix == ".ipynb"  # reliability_lint/notebook


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
    page: str | None = None,
    tags: Iterable[str] = (),
    url: str | None = None,
    some_fixes_safe: bool = False,
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a rule; used as a decorator, also register the function as its checker.

    The family defaults to the built-in family package declaring it (`rules/exceptions/`),
    else to the name of the declaring module. `page` is the file name of its page.
    """
    family = family or _family_of_caller()
    REGISTRY.add_rule(
        Rule(
            code, name, summary, severity, fix, family, tuple(suppressed_by), default, reads_git, page, frozenset(tags),
            url, some_fixes_safe,
        )  # fmt: skip
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


def collector(name: str, kinds: Iterable[str] = ("python",)) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register a function that gathers the records of the inventory `name` (see Collector)."""

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        REGISTRY.collectors.append(Collector(func, name, tuple(kinds)))
        return func

    return decorate


def suppression_marker(marker: SuppressionMarker) -> None:
    """Declare a comment marker that silences the rules naming it in `suppressed_by`."""
    existing = REGISTRY.suppression_markers.get(marker.name)
    if existing is not None and existing != marker:
        raise RegistryError(f"suppression marker {marker.name!r} is declared twice")
    REGISTRY.suppression_markers[marker.name] = marker


def precondition(family: str, build: Precondition | Callable[[dict[str, dict[str, Any]]], Precondition | None]) -> None:
    """Declare the text without which none of `family`'s rules can report (see Precondition);
    a function builds it from the resolved family options, for words a project configures."""
    REGISTRY.preconditions[family] = build if callable(build) else (lambda _options: build)


def final_fixes(family: str) -> None:
    """Declare that no fix of `family` makes a fix appear, of any rule: applied in one round,
    they are what fixing until nothing changes would give. `fix --diff`, which shows no
    finding, then skips checking the fixed code again when no fix waited for a next round;
    `fix` checks it anyway, to report what remains."""
    REGISTRY.final_fix_families.add(family)


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


def always_check(matches: Callable[[Path], bool]) -> None:
    """Declare files that are checked whatever their content, size or default exclusion."""
    if matches not in REGISTRY.always_checked:
        REGISTRY.always_checked.append(matches)


def redacting_rules(*codes: str) -> None:
    """Declare rules whose checkers find the values to redact (they run for redaction
    even where they are not selected; their findings are dropped there)."""
    REGISTRY.redacting.update(codes)


def _family_of_caller() -> str:
    module = sys._getframe(2).f_globals.get("__name__", "")
    builtin, _, family = module.partition(f"{_BUILTIN}.")
    if not builtin and family:
        return family.partition(".")[0]
    return module.rpartition(".")[2] or module


_BUILTIN = "reliability_lint.rules"


def load_rules(local_dirs: Iterable[Path] = (), packs: Iterable[str] = ()) -> Registry:
    """Import the built-in families, the installed packs named in `packs` (entry-point names,
    as pylint's `load-plugins`: the scan of every installed distribution's metadata is a
    large share of start-up, paid only when a pack is configured) and a project's local
    rules, once."""
    import reliability_lint.rules as builtin

    for info in pkgutil.iter_modules(builtin.__path__):
        if info.ispkg and not info.name.startswith("_"):  # a family is a package; `_names` is not one
            _import_once(f"{builtin.__name__}.{info.name}")
    wanted = [name for name in packs if name not in _LOADED_PACKS]
    if wanted:
        installed = {entry_point.name: entry_point for entry_point in _installed_packs()}
        for name in wanted:
            entry_point = installed.get(name)
            if entry_point is None:
                known = ", ".join(sorted(installed)) or "none"
                raise RegistryError(f"rule-packs: no installed pack named {name!r} (installed: {known})")
            _LOADED_PACKS.add(name)
            REGISTRY.loaded.add(entry_point.value)  # the cache's code fingerprint hashes its package
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


_LOADED_PACKS: set[str] = set()  # by entry-point name


def _installed_packs() -> list[Any]:
    """The entry points of the group (reads every installed distribution's metadata)."""
    from importlib.metadata import entry_points

    return list(entry_points(group=ENTRY_POINT_GROUP))


def _import_once(module: str) -> None:
    if module not in REGISTRY.loaded:
        REGISTRY.loaded.add(module)
        importlib.import_module(module)
