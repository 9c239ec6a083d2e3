"""What each statement of a module binds: scopes, bindings, classes and their attribute
writes, recorded node by node as the shared walk hands them over (`Bindings.visit`)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

Pos = tuple[int, int]  # (line, ast column): compared within one file only

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_START: Pos = (0, 0)


def start(node: ast.AST) -> Pos:
    return (node.lineno, node.col_offset)  # type: ignore[attr-defined]


def end(node: ast.AST) -> Pos:
    return (node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]


@dataclass(eq=False)
class Binding:
    pos: Pos
    kind: str  # value, annotation, import, enter, element, function, class, instance, unknown
    scope: Scope
    node: ast.AST | ClassInfo | None = None  # the value, def or class (its ClassInfo)
    annotation: ast.expr | None = None
    qualname: str = ""


@dataclass(eq=False)
class Scope:
    kind: str  # module, class, function, lambda, comprehension
    node: ast.AST | None
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    returns: list[ast.expr] = field(default_factory=list)
    generator: bool = False
    info: ClassInfo | None = None  # for a class scope

    def bind(self, name: str, binding: Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)


@dataclass(eq=False)
class ClassInfo:
    node: ast.ClassDef
    scope: Scope  # the class body
    dotted: str  # its name within the module: Outer.Inner
    # attribute name -> (value or None, annotation or None, scope the expressions live in)
    attributes: dict[str, list[tuple[ast.expr | None, ast.expr | None, Scope]]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<class {self.dotted}>"


class Bindings:
    """The scopes of one module, built during the walk."""

    def __init__(self, package: str = "") -> None:
        self.package = package  # the package this module is in, for relative imports
        self.root = Scope("module", None, None)
        self.star_imports: list[str] = []
        self.classes: list[ClassInfo] = []
        self._stack: list[tuple[int, Scope]] = [(-1, self.root)]
        self._attribute_writes: list[tuple[ast.Attribute, ast.expr | None, ast.expr | None, Scope]] = []
        self.scopes: dict[int, Scope] = {}  # function, lambda and comprehension nodes

    def release(self) -> None:
        """Break the scopes' reference cycles (scope -> binding -> scope, a class scope and its
        ClassInfo), so that the file's tree is freed by reference counting when the file is
        done instead of by the cyclic collector, inside later parses."""
        for scope in (self.root, *self.scopes.values(), *(info.scope for info in self.classes)):
            scope.bindings.clear()
            scope.info = None
        self.classes.clear()
        self.scopes.clear()
        self._attribute_writes.clear()

    def current(self, ancestors: list[ast.AST]) -> Scope:
        """The innermost scope holding the node the walk is at."""
        stack = self._stack
        while True:
            depth, scope = stack[-1]
            if depth < 0 or (depth < len(ancestors) and ancestors[depth] is scope.node):
                return scope
            stack.pop()

    def enter(self, node: ast.AST, kind: str, ancestors: list[ast.AST]) -> Scope:
        parent = self.current(ancestors)
        scope = Scope(kind, node, parent)
        self._stack.append((len(ancestors), scope))
        return scope

    def visit(self, node: ast.AST, ancestors: list[ast.AST]) -> Scope:
        """Record what `node` binds; returns the scope the node itself is evaluated in."""
        handler = _HANDLERS.get(type(node))
        scope = self.current(ancestors)
        if handler is not None:
            handler(self, node, scope, ancestors)
        return scope

    def _bind(self, scope: Scope, name: str, binding: Binding) -> None:
        if name in scope.global_names:
            binding.scope = scope  # the value is still evaluated where it is written
            self.root.bind(name, binding)
        else:
            scope.bind(name, binding)

    def _bind_target(self, scope: Scope, target: ast.expr, pos: Pos, kind: str, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(scope, target.id, Binding(pos, kind, scope, value))
            if scope.info is not None:  # a class attribute, also read through self
                scope.info.attributes.setdefault(target.id, []).append((value if kind == "value" else None, None, scope))
        elif isinstance(target, (ast.Tuple, ast.List)):
            pairs = isinstance(value, (ast.Tuple, ast.List)) and kind == "value" and len(value.elts) == len(target.elts)
            for index, element in enumerate(target.elts):
                # a starred element holds a list of its values: bound unknown, by the branch below
                paired = value.elts[index] if pairs else None  # type: ignore[union-attr]
                self._bind_target(scope, element, pos, "value" if pairs else "unknown", paired)
        elif isinstance(target, ast.Starred):
            self._bind_target(scope, target.value, pos, "unknown", None)
        elif isinstance(target, ast.Attribute):
            self._attribute_writes.append((target, value if kind == "value" else None, None, scope))

    def finish(self) -> None:
        """File the `self.x = ...` writes under their classes (call once, after the walk)."""
        for target, value, annotation, scope in self._attribute_writes:
            if not isinstance(target.value, ast.Name):
                continue
            candidates = self.lookup(target.value.id, scope, start(target))
            if len(candidates) == 1 and candidates[0].kind == "instance":
                info = candidates[0].node
                assert isinstance(info, ClassInfo)
                info.attributes.setdefault(target.attr, []).append((value, annotation, scope))
        self._attribute_writes.clear()

    def lookup(self, name: str, scope: Scope, pos: Pos) -> list[Binding]:
        """The bindings `name` may hold at `pos` in `scope`: the last one before it in the
        same run of code, else every binding of the enclosing scope that defines it."""
        sequential = True
        current: Scope | None = scope
        first = True
        while current is not None:
            if current.kind == "class" and not first:
                current = current.parent
                continue
            if name in current.global_names:
                current, sequential = self.root, False
            bindings = current.bindings.get(name)
            if bindings:
                if sequential:
                    before = [b for b in bindings if b.pos <= pos]
                    if before:
                        return [before[-1]]
                return list(bindings)
            sequential = sequential and current.kind == "comprehension"
            first = False
            current = current.parent
        return []

    def absolute(self, level: int, module: str | None) -> str:
        """The absolute name of a relative import, or '' where the package is not known."""
        if not self.package:
            return ""
        parts = self.package.split(".")
        if level - 1 > len(parts) - 1:
            return ""
        anchor = ".".join(parts[: len(parts) - (level - 1)])
        return f"{anchor}.{module}" if module else anchor


def plain_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = plain_name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


# ---------------------------------------------------------------------- what nodes bind


def _import(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (ast.Import, ast.ImportFrom))
    pos = end(node)
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                module._bind(scope, alias.asname, Binding(pos, "import", scope, qualname=alias.name))
            else:
                top = alias.name.partition(".")[0]
                module._bind(scope, top, Binding(pos, "import", scope, qualname=top))
        return
    base = module.absolute(node.level, node.module) if node.level else node.module or ""
    for alias in node.names:
        if alias.name == "*":
            if base and scope is module.root:
                module.star_imports.append(base)
        elif base:
            qualname = f"{base}.{alias.name}"
            module._bind(scope, alias.asname or alias.name, Binding(pos, "import", scope, qualname=qualname))
        else:
            module._bind(scope, alias.asname or alias.name, Binding(pos, "unknown", scope))


def _assign(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.Assign)
    for target in node.targets:
        module._bind_target(scope, target, end(node), "value", node.value)


def _ann_assign(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.AnnAssign)
    target = node.target
    if isinstance(target, ast.Name):
        kind = "value" if node.value is not None else "annotation"
        module._bind(scope, target.id, Binding(end(node), kind, scope, node.value, annotation=node.annotation))
        if scope.info is not None:  # a dataclass field or a declared attribute
            scope.info.attributes.setdefault(target.id, []).append((node.value, node.annotation, scope))
    elif isinstance(target, ast.Attribute):
        module._attribute_writes.append((target, node.value, node.annotation, scope))


def _aug_assign(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.AugAssign)
    if isinstance(node.target, ast.Name):
        module._bind(scope, node.target.id, Binding(end(node), "unknown", scope))


def _named_expr(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.NamedExpr)
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    module._bind_target(scope, node.target, end(node), "value", node.value)


def _for(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (ast.For, ast.AsyncFor))
    _bind_elements(module, scope, node.target, end(node.iter), node.iter)


def _comprehension(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.comprehension)
    _bind_elements(module, scope, node.target, _START, node.iter)


def _bind_elements(module: Bindings, scope: Scope, target: ast.expr, pos: Pos, iterable: ast.expr) -> None:
    if isinstance(target, ast.Name):
        module._bind(scope, target.id, Binding(pos, "element", scope, iterable))
    else:
        module._bind_target(scope, target, pos, "unknown", None)


def _with(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (ast.With, ast.AsyncWith))
    for item in node.items:
        if isinstance(item.optional_vars, ast.Name):
            module._bind(scope, item.optional_vars.id, Binding(end(item.optional_vars), "enter", scope, item.context_expr))
        elif item.optional_vars is not None:
            module._bind_target(scope, item.optional_vars, end(item.optional_vars), "unknown", None)


def _function(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (*FUNCTIONS, ast.Lambda))
    if not isinstance(node, ast.Lambda):
        module._bind(scope, node.name, Binding(start(node), "function", scope, node))
    inner = module.enter(node, "lambda" if isinstance(node, ast.Lambda) else "function", ancestors)
    module.scopes[id(node)] = inner
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    instance = None
    if scope.kind == "class" and scope.info is not None and positional and not isinstance(node, ast.Lambda):
        decorators = {plain_name(d).rpartition(".")[2] for d in node.decorator_list}
        if not decorators & {"staticmethod", "classmethod"}:
            instance = positional[0]
    defaults = dict(zip(reversed(positional), reversed(args.defaults)))
    defaults.update((a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None)
    for arg in [*positional, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is None:
            continue
        default = defaults.get(arg)
        if arg is instance:
            inner.bind(arg.arg, Binding(_START, "instance", inner, scope.info))
        elif arg.annotation is not None and arg not in (args.vararg, args.kwarg):
            # `client: Optional[Client] = None`: the annotation says what callers pass
            inner.bind(arg.arg, Binding(_START, "annotation", scope, annotation=arg.annotation))
        elif default is not None and not (isinstance(default, ast.Constant) and default.value is None):
            # `def run(client=bigquery.Client())`: the default, evaluated where the def is
            inner.bind(arg.arg, Binding(_START, "value", scope, default))
        else:
            inner.bind(arg.arg, Binding(_START, "unknown", inner))


def _class(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.ClassDef)
    inner = module.enter(node, "class", ancestors)
    outer = scope.info.dotted + "." if scope.info is not None else ""
    inner.info = ClassInfo(node, inner, outer + node.name)
    module.classes.append(inner.info)
    module._bind(scope, node.name, Binding(start(node), "class", scope, inner.info))


def _comprehension_scope(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    module.scopes[id(node)] = module.enter(node, "comprehension", ancestors)


def _return(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.Return)
    if scope.kind == "function" and node.value is not None:
        scope.returns.append(node.value)


def _yield(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    scope.generator = True


def _global(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.Global)
    scope.global_names.update(node.names)


def _except(module: Bindings, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.ExceptHandler)
    if node.name:
        module._bind(scope, node.name, Binding(start(node), "unknown", scope))


_HANDLERS: dict[type[ast.AST], Callable[[Bindings, ast.AST, Scope, list[ast.AST]], None]] = {
    ast.Import: _import,
    ast.ImportFrom: _import,
    ast.Assign: _assign,
    ast.AnnAssign: _ann_assign,
    ast.AugAssign: _aug_assign,
    ast.NamedExpr: _named_expr,
    ast.For: _for,
    ast.AsyncFor: _for,
    ast.comprehension: _comprehension,
    ast.With: _with,
    ast.AsyncWith: _with,
    ast.FunctionDef: _function,
    ast.AsyncFunctionDef: _function,
    ast.Lambda: _function,
    ast.ClassDef: _class,
    ast.ListComp: _comprehension_scope,
    ast.SetComp: _comprehension_scope,
    ast.GeneratorExp: _comprehension_scope,
    ast.DictComp: _comprehension_scope,
    ast.Return: _return,
    ast.Yield: _yield,
    ast.YieldFrom: _yield,
    ast.Global: _global,
    ast.ExceptHandler: _except,
}
BINDING_NODES: tuple[type[ast.AST], ...] = tuple(_HANDLERS)
