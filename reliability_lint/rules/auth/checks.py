"""REL501 unauthenticated-route, REL502 route-missing-sibling-auth, REL503
unauthenticated-read-route: one pass over a module's routes."""

from __future__ import annotations

import ast
import fnmatch
import os
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reliability_lint.analysis import CheckContext
from reliability_lint.config import glob_matches
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import checker
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth import project
from reliability_lint.rules.auth.credentials import Trust
from reliability_lint.rules.auth.decide import Decision, decide
from reliability_lint.rules.auth.django_urls import entries
from reliability_lint.rules.auth.django_views import decide_view, project_settings
from reliability_lint.rules.auth.imported import own_facts
from reliability_lint.rules.auth.module import Module, build, load
from reliability_lint.rules.auth.routes import Route, handler_bodies
from reliability_lint.semantic import auth_facts

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

# Files that import none of these hold no route this family recognises (a fast prefilter).
FRAMEWORK_WORDS = ("flask", "fastapi", "starlette", "functions_framework")
_MIN_SIBLINGS = 3


def private_reason(path: str, opts: dict[str, Any]) -> str | None:
    """The reason a `private-services` glob gives for the file: matched against its path as
    displayed and against every tail of its absolute path (the run may start in a subfolder)."""
    declared = opts.get("private-services", {})
    if not declared:
        return None
    parts = Path(path).absolute().parts
    candidates = [PurePosixPath(Path(path).as_posix())] + [PurePosixPath(*parts[i:]) for i in range(1, len(parts))]
    for pattern, reason in declared.items():
        if any(glob_matches(pattern, candidate) for candidate in candidates):
            return reason
    return None


def open_routes(module: Module, opts: dict[str, Any], extra: list[Route] = ()) -> list[tuple[Decision, str | None]]:  # type: ignore[assignment]
    """The open routes of a module and, for each, the sibling auth mark it lacks (REL502)."""
    decisions = decide(module, Trust(opts), opts.get("exempt-routes", cat.DEFAULT_EXEMPT), list(extra))
    by_group: dict[str, list[Decision]] = {}
    for decision in decisions:
        if decision.route.group is not None:
            by_group.setdefault(decision.route.group, []).append(decision)
    found = []
    for decision in decisions:
        if decision.state != "open":
            continue
        siblings = [d for d in by_group.get(decision.route.group or "", []) if d is not decision]
        found.append((decision, _sibling_mark(siblings)))
    return found


def _sibling_mark(siblings: list[Decision]) -> str | None:
    if len(siblings) < _MIN_SIBLINGS:
        return None
    counts = Counter(key for sibling in siblings for key in sibling.marks)
    if not counts:
        return None
    key, count = counts.most_common(1)[0]
    if count * 2 <= len(siblings):
        return None
    written = Counter(s.marks[key] for s in siblings if key in s.marks)
    return written.most_common(1)[0][0]  # as most siblings write it


def open_routes_under(folder: Path, opts: dict[str, Any], entry_point: str | None = None, index: Any = None) -> list[tuple[Path, Route]]:
    """Open routes of a deployed source folder (for REL515): every route of a Cloud Run
    service; for a Cloud Function, its entry point in `main.py`, decorated or not. Each
    source file read is consulted in the project index, so the deploy's finding is keyed
    on it."""
    if entry_point is not None:
        main = folder / "main.py"
        if project.parse(main) is None:
            return []
        if index is not None:
            index.summary(main)
        module = load(main, index)
        func = module.functions.get(entry_point)
        if func is None or func not in module.tree.body:
            return []
        extra = Route(func, "functions-framework", None, None, None, list(func.decorator_list))
        decisions = open_routes(module, opts, extra=[extra])
        return [(main, d.route) for d, _ in decisions if d.route.handler is func]
    found: list[tuple[Path, Route]] = []
    for path in project.python_files_under(folder) or ():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not any(word in text for word in FRAMEWORK_WORDS) or project.parse(path) is None:
            continue
        if index is not None:
            index.summary(path)
        found.extend((path, decision.route) for decision, _ in open_routes(load(path, index), opts))
    return found


@checker("REL501", "REL502", "REL503", kinds=("python",))
def unauthenticated_routes(ctx: CheckContext) -> None:
    text = ctx.source.text
    django = "urlpatterns" in text or ("rest_framework" in text and "register(" in text)
    if not django and not any(word in text for word in FRAMEWORK_WORDS):
        return
    opts = ctx.options.get(cat.FAMILY, {})
    if private_reason(ctx.path, opts) or _is_test_file(PurePosixPath(Path(ctx.path).as_posix())):
        return
    if django:
        django_views(ctx, opts)
    if not any(word in text for word in FRAMEWORK_WORDS):
        return
    module = build(ctx.source.path, ctx.source.tree, ctx.project)
    for decision, mark in open_routes(module, opts):
        route = decision.route
        handler = route.handler
        position = _def_position(handler, ctx)
        if mark is not None:
            ctx.report("REL502", handler, _sibling_message(route, mark), fix=_sibling_fix(route, mark, module, ctx), position=position)
            continue
        effect = _effect(route)
        if effect is not None:
            message = (
                f"{route.label} has no authentication and {effect}: anyone who can "
                "reach the service can call it; add an auth decorator or dependency, or declare the "
                "service private (`private-services`)"
            )
            ctx.report("REL501", handler, message, position=position)
        else:
            message = f"{route.label} has no authentication: anyone who can reach the service can read it"
            ctx.report("REL503", handler, message, position=position)


def django_views(ctx: CheckContext, opts: dict[str, Any]) -> None:
    """REL501 / REL503 for the views a `urls.py` names, at their `path(...)` entry."""
    place, qualify = own_facts(ctx)
    found = entries(ctx.source.tree, qualify)
    if not found:
        return
    trust = Trust(opts)
    settings = project_settings(place, trust)
    exempt = opts.get("exempt-routes", cat.DEFAULT_EXEMPT)
    for entry in found:
        verdict = decide_view(entry, place, settings, trust)
        if verdict.state != "open":
            continue
        changing = [m for m in verdict.methods or () if m not in cat.READ_METHODS]
        effect = f"accepts {'/'.join(changing)}" if changing else verdict.effect
        # A urls module other than ROOT_URLCONF is included under a prefix it does not know.
        whole = settings.root and entry.prefixed
        route = entry.route if whole or entry.route is None else "..." + entry.route
        if effect is None and _exempt_view(entry.route, whole, exempt):
            continue
        label = f"Django view `{entry.name}` at `{route or '?'}`{_defined_at(verdict, place.path)}"
        if effect is not None:
            message = (
                f"{label} has no authentication and {effect}: anyone who can reach the service can call it; "
                "add `login_required`, a permission class or an auth mixin, or declare the service private (`private-services`)"
            )
            ctx.report("REL501", entry.node, message, position=_first_line(entry.node, ctx))
        else:
            message = f"{label} has no authentication: anyone who can reach the service can read it"
            ctx.report("REL503", entry.node, message, position=_first_line(entry.node, ctx))


def _exempt_view(route: str | None, whole: bool, patterns: list[str]) -> bool:
    """Exempt by path: the empty path of an included module is not the site's `/`."""
    if route is None or (route == "/" and not whole):
        return False
    return any(fnmatch.fnmatchcase(route, pattern) for pattern in patterns)


def _defined_at(verdict: Any, urls: Path) -> str:
    """Where the view is defined, by file only: a line number would make every edit above
    the view change the facts the finding is keyed on."""
    if verdict.where is None or verdict.where == urls:
        return ""
    return f" (defined in {Path(os.path.relpath(verdict.where, urls.parent)).as_posix()})"


def _first_line(node: ast.AST, ctx: CheckContext) -> tuple[int, int, int, int]:
    """The entry's call on its first line (a `path(...)` may span several)."""
    line = getattr(node, "lineno")
    col = ctx.source.char_col(line, getattr(node, "col_offset"))
    end_line = getattr(node, "end_lineno", line)
    end = ctx.source.char_col(line, getattr(node, "end_col_offset")) if end_line == line else len(ctx.source.line(line))
    return (line, col, line, end)


def _is_test_file(path: PurePosixPath) -> bool:
    """Apps built by a test suite are not deployed endpoints (`path` as displayed: relative
    to the folder the run starts in)."""
    name = path.name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or "tests" in path.parts[:-1]


def _def_position(handler: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, ctx: CheckContext) -> tuple[int, int, int, int]:
    """The `def name` / `class name` of the handler, not its decorators or body."""
    line = handler.lineno
    col = ctx.source.char_col(line, handler.col_offset)
    text = ctx.source.line(line)
    name = getattr(handler, "name", "")
    keyword = "class" if isinstance(handler, ast.ClassDef) else "def"
    after = text.find(keyword, col)  # the name after the keyword: `def d` holds a `d` before it
    end = text.find(name, after + len(keyword)) if after >= 0 else -1
    return (line, col, line, end + len(name) if end >= 0 else len(text))


def _sibling_message(route: Route, mark: str) -> str:
    shown = mark.removeprefix("dependencies=")
    kind = "dependency" if mark.startswith("dependencies=") else "decorator"
    return (
        f"{route.label} lacks the auth {kind} `{shown}` that most "
        f"routes on `{route.group}` carry, and has no other authentication"
    )


def _effect(route: Route) -> str | None:
    """What makes a route a P0: a method that changes state, or a body that writes."""
    if route.methods is not None:
        changing = [m for m in route.methods if m not in cat.READ_METHODS]
        if changing:
            return f"accepts {'/'.join(changing)}"
    return auth_facts.body_effect(handler_bodies(route))


def _sibling_fix(route: Route, mark: str, module: Module, ctx: CheckContext) -> Fix | None:
    handler = route.handler
    if mark.startswith("dependencies="):
        return None  # adding to a decorator call's keywords is not offered yet
    if not isinstance(handler, (ast.FunctionDef, ast.AsyncFunctionDef)) or route.registration not in handler.decorator_list:
        return None
    expression = mark[1:]
    head = expression.partition(".")[0].partition("(")[0]
    imports = []
    if head not in module.module_level:
        origin = module.imports.get(head)
        if origin is None or origin.startswith("."):
            return None
        parent, _, leaf = origin.rpartition(".")  # no dot: leaf is the whole origin
        if leaf != head:
            return None  # bound under another name (`as g`): the import added would not bind it
        imports = [f"from {parent} import {leaf}" if parent else origin]
    registration = route.registration
    src = ctx.source
    first, last = registration.lineno, registration.end_lineno or registration.lineno
    decorator_line = src.line(first)
    indent = decorator_line[: len(decorator_line) - len(decorator_line.lstrip())]
    at = src.offset(last, len(src.line(last)))  # the end of the route decorator's last line

    def compute(fix: FixContext) -> list[Edit]:
        return [fix.edit(at, at, f"{src.newline}{indent}@{expression}"), *fix.import_edits(imports)]

    return Fix("unsafe", f"Add `{mark}` below the route decorator", compute=compute)
