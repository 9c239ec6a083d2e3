"""What one module binds, for the auth family: its imports, functions, classes and the
objects its names are assigned from (`app = Flask(__name__)`)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reliability_lint.rules._names import dotted_name
from reliability_lint.rules.auth import project


@dataclass
class Module:
    path: Path
    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified (".x" relative)
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    created: dict[str, ast.Call] = field(default_factory=dict)  # name -> the call it was assigned from
    module_level: set[str] = field(default_factory=set)  # names bound at the top level
    index: Any = None  # the run's project index (semantic.index.Index), None for a file alone
    # Its functions and its calls of a method (`app.add_url_rule(...)`), in ast.walk's order:
    # walked once here for the rules that look for routes and hooks among them.
    defs_and_calls: list[ast.AST] = field(default_factory=list)

    def qualify(self, node: ast.AST) -> str:
        """`flask.Flask` for `Flask` after `from flask import Flask`; local names as written;
        a relative import keeps its dots (`.auth.require_key`)."""
        name = dotted_name(node)
        head, dot, rest = name.partition(".")
        origin = self.imports.get(head)
        if origin is None:
            return name
        return origin + dot + rest

    def class_of(self, name: str) -> str | None:
        """The qualified class a name was created from (`app` -> `flask.Flask`)."""
        call = self.created.get(name)
        return self.qualify(call.func) if call is not None else None

    def absolute(self, qualified: str) -> str:
        """A qualified name with its relative import resolved (`.auth.x` -> `pkg.auth.x`),
        '' when the package is not known."""
        level = len(qualified) - len(qualified.lstrip("."))
        if not level:
            return qualified
        package = self.index.package_of(self.path) if self.index is not None else ""
        parts = package.split(".") if package else []
        if level - 1 > len(parts) - 1 or not parts:
            return ""
        anchor = ".".join(parts[: len(parts) - (level - 1)])
        return f"{anchor}.{qualified[level:]}" if qualified[level:] else anchor

    def resolve_import(self, qualified: str) -> tuple[Module, str] | None:
        """The project module a qualified name comes from and the name inside it (its
        summary is consulted, so the findings that read it are keyed on it)."""
        level = len(qualified) - len(qualified.lstrip("."))
        dotted = qualified[level:]
        module_path, _, attr = dotted.rpartition(".")
        if not attr:
            return None
        path = project.resolve_module(self.path, module_path, level)
        if path is None or path.absolute() == self.path.absolute():
            return None
        if self.index is not None:
            self.index.summary(path)
        return (load(path, self.index), attr) if project.parse(path) is not None else None


def build(path: Path, tree: ast.Module, index: Any = None) -> Module:
    module = Module(path, tree, index=index)
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            module.module_level.update(_bound(statement))
        elif isinstance(statement, ast.Assign):
            module.module_level.update(t.id for t in statement.targets if isinstance(t, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        ):
            module.defs_and_calls.append(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    module.imports[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    module.imports.setdefault(head, head)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name != "*":
                    joined = f"{prefix}.{alias.name}" if node.module else f"{prefix}{alias.name}"
                    module.imports[alias.asname or alias.name] = joined
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            module.functions.setdefault(node.name, node)
        elif isinstance(node, ast.ClassDef):
            module.classes.setdefault(node.name, node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    module.created.setdefault(target.id, node.value)
    return module


def _bound(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.Import):
        return {(a.asname or a.name).partition(".")[0] for a in statement.names}
    if isinstance(statement, ast.ImportFrom):
        return {a.asname or a.name for a in statement.names}
    return {statement.name}  # type: ignore[attr-defined]


def load(path: Path, index: Any = None) -> Module:
    tree = project.parse(path)
    assert tree is not None
    key = (str(path.absolute()), id(tree), id(index))
    found = _LOADED.get(key)
    if found is None or found.tree is not tree or found.index is not index:
        if len(_LOADED) > 512:
            _LOADED.clear()
        found = _LOADED[key] = build(Path(key[0]), tree, index)
    return found


_LOADED: dict[tuple[str, int, int], Module] = {}
