"""What a value is: imports, assignments, annotations, class attributes and returns of one
module, fed node by node by the shared walk and queried once it is over.

Types are the qualified names of the library classes the timeout rules know (or that a
project declares), `ClassInfo` for instances of classes defined in the module, and
`("list", T)` for a list of T. `UNKNOWN` is the answer whenever two readings disagree:
the rules report only what they can tell for sure.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Union

UNKNOWN = ""
NONE = "builtins.None"
Type = Union[str, "ClassInfo", tuple]
Pos = tuple[int, int]  # (line, ast column): compared within one file only

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
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
    node: ast.AST | None = None
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
    # attribute name -> (value or None, annotation or None, scope the expressions live in)
    attributes: dict[str, list[tuple[ast.expr | None, ast.expr | None, Scope]]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<class {self.node.name}>"


@dataclass(frozen=True)
class Library:
    """What the module's names may mean: which qualified names make which type."""

    constructors: dict[str, str]  # callable qualified name -> type of its result
    classes: dict[str, str]  # qualified class name (in annotations) -> type
    returns: dict[tuple[str, str], str]  # (type, method) -> type of its result
    enter_self: frozenset[str]  # types whose __enter__ returns the instance


class Module:
    """The bindings of one module, built during the walk and queried after it."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.root = Scope("module", None, None)
        self._stack: list[tuple[int, Scope]] = [(-1, self.root)]
        self._attribute_writes: list[tuple[ast.Attribute, ast.expr | None, ast.expr | None, Scope]] = []
        self._types: dict[int, Type] = {}
        self._busy: set[int] = set()
        self._parsed: dict[int, ast.expr | None] = {}
        self._scopes: dict[int, Scope] = {}  # function, lambda and comprehension nodes

    # ------------------------------------------------------------------ during the walk

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
                element = element.value if isinstance(element, ast.Starred) else element
                paired = value.elts[index] if pairs else None  # type: ignore[union-attr]
                self._bind_target(scope, element, pos, "value" if pairs else "unknown", paired)
        elif isinstance(target, ast.Starred):
            self._bind_target(scope, target.value, pos, "unknown", None)
        elif isinstance(target, ast.Attribute):
            self._attribute_writes.append((target, value if kind == "value" else None, None, scope))

    # ------------------------------------------------------------------ after the walk

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

    def qualname(self, node: ast.expr, scope: Scope) -> str:
        """The dotted name an expression refers to through imports, or ''."""
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, scope)
            return f"{base}.{node.attr}" if base else ""
        if isinstance(node, ast.Name):
            # `except ImportError: requests = None` leaves the import the only reading
            bindings = [b for b in self.lookup(node.id, scope, start(node)) if not _is_none(b.node)]
            names = {b.qualname for b in bindings if b.kind == "import"}
            if len(names) == 1 and all(b.kind == "import" for b in bindings):
                return names.pop()
        return ""

    def type_of(self, node: ast.expr, scope: Scope) -> Type:
        key = id(node)
        cached = self._types.get(key)
        if cached is not None:
            return cached
        if key in self._busy:
            return UNKNOWN
        self._busy.add(key)
        try:
            result = self._infer(node, scope)
        finally:
            self._busy.discard(key)
        self._types[key] = result
        return result

    def _infer(self, node: ast.expr, scope: Scope) -> Type:
        if isinstance(node, ast.Name):
            return self._binding_types(self.lookup(node.id, scope, start(node)))
        if isinstance(node, ast.Call):
            return self._call_type(node, scope)
        if isinstance(node, ast.Attribute):
            receiver = self.type_of(node.value, scope)
            if isinstance(receiver, ClassInfo):
                return self.attribute_type(receiver, node.attr)
            return UNKNOWN
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return _join((self.type_of(value, scope) for value in node.values), lenient=True)
        if isinstance(node, ast.IfExp):
            return _join((self.type_of(node.body, scope), self.type_of(node.orelse, scope)), lenient=True)
        if isinstance(node, ast.NamedExpr):
            return self.type_of(node.value, scope)
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            return self._call_type(node.value, scope, awaited=True)
        if isinstance(node, ast.Constant) and node.value is None:
            return NONE
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            inner = self._scopes.get(id(node)) or scope
            element = self.type_of(node.elt, inner)
            return ("list", element) if element else UNKNOWN
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
            element = _join(self.type_of(e, scope) for e in node.elts)
            return ("list", element) if element else UNKNOWN
        return UNKNOWN

    def _call_type(self, node: ast.Call, scope: Scope, awaited: bool = False) -> Type:
        func = node.func
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value, scope)
            if isinstance(receiver, ClassInfo):
                method = _find_in_class(self, receiver, func.attr)
                return self.returns_of(method, awaited) if method is not None else UNKNOWN
            if isinstance(receiver, str) and receiver:
                return self.library.returns.get((receiver, func.attr), UNKNOWN)
        if isinstance(func, ast.Name):
            bindings = self.lookup(func.id, scope, start(func))
            if len(bindings) == 1 and bindings[0].kind == "function":
                return self.returns_of(bindings[0], awaited)
            if len(bindings) == 1 and bindings[0].kind == "class":
                return bindings[0].node  # type: ignore[return-value]
        name = self.qualname(func, scope)
        return self.library.constructors.get(name, UNKNOWN) if name else UNKNOWN

    def returns_of(self, binding: Binding, awaited: bool = False) -> Type:
        function = binding.node
        if not isinstance(function, _FUNCTIONS):
            return UNKNOWN
        if isinstance(function, ast.AsyncFunctionDef) and not awaited:
            return UNKNOWN  # a coroutine
        if function.returns is not None:
            return self.annotation_type(function.returns, binding.scope)
        body = self._scopes.get(id(function))
        if body is None or body.generator or not body.returns:
            return UNKNOWN
        return _join((self.type_of(value, body) for value in body.returns), lenient=False)

    def _binding_types(self, bindings: list[Binding]) -> Type:
        return _join((self._binding_type(b) for b in bindings), lenient=False) if bindings else UNKNOWN

    def _binding_type(self, binding: Binding) -> Type:
        kind, node, scope = binding.kind, binding.node, binding.scope
        if kind == "value" and node is not None:
            if binding.annotation is not None:
                declared = self.annotation_type(binding.annotation, scope)
                if declared:
                    return declared
            return self.type_of(node, scope)  # type: ignore[arg-type]
        if kind == "annotation" and binding.annotation is not None:
            return self.annotation_type(binding.annotation, scope)
        if kind == "instance":
            return node  # type: ignore[return-value]
        if kind == "enter" and node is not None:
            entered = self.type_of(node, scope)  # type: ignore[arg-type]
            if isinstance(entered, ClassInfo) or entered in self.library.enter_self:
                return entered
            return UNKNOWN
        if kind == "element" and node is not None:
            iterated = self.type_of(node, scope)  # type: ignore[arg-type]
            return iterated[1] if isinstance(iterated, tuple) else UNKNOWN
        return UNKNOWN

    def annotation_type(self, node: ast.expr, scope: Scope) -> Type:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return NONE
            if isinstance(node.value, str):
                parsed = self._parse_annotation(node)
                return self.annotation_type(parsed, scope) if parsed is not None else UNKNOWN
            return UNKNOWN
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return _join((self.annotation_type(node.left, scope), self.annotation_type(node.right, scope)), lenient=False)
        if isinstance(node, ast.Subscript):
            base = self.qualname(node.value, scope) or _plain_name(node.value)
            last = base.rpartition(".")[2]
            inner = node.slice
            if last in ("Optional", "Annotated", "Final", "ClassVar"):
                first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return self.annotation_type(first, scope)
            if last == "Union":
                members = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                return _join((self.annotation_type(m, scope) for m in members), lenient=False)
            return UNKNOWN
        if isinstance(node, ast.Name):
            bindings = self.lookup(node.id, scope, start(node))
            if len(bindings) == 1 and bindings[0].kind == "class":
                return bindings[0].node  # type: ignore[return-value]
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = self.qualname(node, scope)
            return self.library.classes.get(name, UNKNOWN) if name else UNKNOWN
        return UNKNOWN

    def _parse_annotation(self, node: ast.Constant) -> ast.expr | None:
        key = id(node)
        if key not in self._parsed:
            try:
                parsed = ast.parse(node.value.strip(), mode="eval").body
            except (SyntaxError, ValueError):
                parsed = None
            if parsed is not None:
                # positions inside the string: give names the string's own position
                for child in ast.walk(parsed):
                    if hasattr(child, "lineno"):
                        child.lineno, child.col_offset = node.lineno, node.col_offset  # type: ignore[attr-defined]
            self._parsed[key] = parsed
        return self._parsed[key]

    def attribute_type(self, info: ClassInfo, name: str, seen: frozenset[int] = frozenset()) -> Type:
        if id(info) in seen:
            return UNKNOWN
        member = _class_member(info, name)
        if member is not None and member.kind == "function" and _is_property(member.node):
            return self.returns_of(member)
        writes = info.attributes.get(name)
        if writes:
            declared = [self.annotation_type(a, s) for _, a, s in writes if a is not None]
            if declared:
                return _join(declared, lenient=False)
            return _join((self.type_of(v, s) if v is not None else UNKNOWN for v, _, s in writes), lenient=False)
        for base in info.node.bases:
            bound = self.type_of_class_expr(base, info.scope.parent or self.root)
            if bound is not None:
                return self.attribute_type(bound, name, seen | {id(info)})
        return UNKNOWN

    def type_of_class_expr(self, node: ast.expr, scope: Scope) -> ClassInfo | None:
        if isinstance(node, ast.Name):
            bindings = self.lookup(node.id, scope, start(node))
            if len(bindings) == 1 and bindings[0].kind == "class":
                return bindings[0].node  # type: ignore[return-value]
        return None


def _find_in_class(module: Module, info: ClassInfo, name: str, seen: frozenset[int] = frozenset()) -> Binding | None:
    if id(info) in seen:
        return None
    member = _class_member(info, name)
    if member is not None:
        return member if member.kind == "function" else None
    for base in info.node.bases:
        bound = module.type_of_class_expr(base, info.scope.parent or module.root)
        if bound is not None:
            return _find_in_class(module, bound, name, seen | {id(info)})
    return None


def _class_member(info: ClassInfo, name: str) -> Binding | None:
    bindings = info.scope.bindings.get(name)
    return bindings[-1] if bindings else None


def _is_property(node: ast.AST | None) -> bool:
    if not isinstance(node, _FUNCTIONS):
        return False
    return any(_plain_name(d).rpartition(".")[2] in ("property", "cached_property") for d in node.decorator_list)


def _is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _plain_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _plain_name(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


def _join(types: Iterable[Type], *, lenient: bool = False) -> Type:
    """The one type all readings agree on (None left aside); with `lenient`, readings that
    are unknown are left aside too (`client or bigquery.Client()`)."""
    found: list[Type] = []
    for item in types:
        if item == NONE:
            continue
        if not item:
            if lenient:
                continue
            return UNKNOWN
        if item not in found:
            found.append(item)
    if len(found) == 1:
        return found[0]
    return NONE if not found and not lenient else UNKNOWN


# ---------------------------------------------------------------------- what nodes bind


def _import(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
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
    if node.level or not node.module:
        for alias in node.names:
            module._bind(scope, alias.asname or alias.name, Binding(pos, "unknown", scope))
        return
    for alias in node.names:
        if alias.name != "*":
            qualname = f"{node.module}.{alias.name}"
            module._bind(scope, alias.asname or alias.name, Binding(pos, "import", scope, qualname=qualname))


def _assign(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.Assign)
    for target in node.targets:
        module._bind_target(scope, target, end(node), "value", node.value)


def _ann_assign(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.AnnAssign)
    target = node.target
    if isinstance(target, ast.Name):
        kind = "value" if node.value is not None else "annotation"
        module._bind(scope, target.id, Binding(end(node), kind, scope, node.value, annotation=node.annotation))
        if scope.info is not None:  # a dataclass field or a declared attribute
            scope.info.attributes.setdefault(target.id, []).append((node.value, node.annotation, scope))
    elif isinstance(target, ast.Attribute):
        module._attribute_writes.append((target, node.value, node.annotation, scope))


def _aug_assign(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.AugAssign)
    if isinstance(node.target, ast.Name):
        module._bind(scope, node.target.id, Binding(end(node), "unknown", scope))


def _named_expr(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.NamedExpr)
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    module._bind_target(scope, node.target, end(node), "value", node.value)


def _for(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (ast.For, ast.AsyncFor))
    _bind_elements(module, scope, node.target, end(node.iter), node.iter)


def _comprehension(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.comprehension)
    _bind_elements(module, scope, node.target, _START, node.iter)


def _bind_elements(module: Module, scope: Scope, target: ast.expr, pos: Pos, iterable: ast.expr) -> None:
    if isinstance(target, ast.Name):
        module._bind(scope, target.id, Binding(pos, "element", scope, iterable))
    else:
        module._bind_target(scope, target, pos, "unknown", None)


def _with(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (ast.With, ast.AsyncWith))
    for item in node.items:
        if isinstance(item.optional_vars, ast.Name):
            module._bind(scope, item.optional_vars.id, Binding(end(item.optional_vars), "enter", scope, item.context_expr))
        elif item.optional_vars is not None:
            module._bind_target(scope, item.optional_vars, end(item.optional_vars), "unknown", None)


def _function(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, (*_FUNCTIONS, ast.Lambda))
    if not isinstance(node, ast.Lambda):
        module._bind(scope, node.name, Binding(start(node), "function", scope, node))
    inner = module.enter(node, "lambda" if isinstance(node, ast.Lambda) else "function", ancestors)
    module._scopes[id(node)] = inner
    args = node.args
    positional = [*args.posonlyargs, *args.args]
    instance = None
    if scope.kind == "class" and scope.info is not None and positional and not isinstance(node, ast.Lambda):
        decorators = {_plain_name(d).rpartition(".")[2] for d in node.decorator_list}
        if not decorators & {"staticmethod", "classmethod"}:
            instance = positional[0]
    for arg in [*positional, *args.kwonlyargs, args.vararg, args.kwarg]:
        if arg is None:
            continue
        if arg is instance:
            inner.bind(arg.arg, Binding(_START, "instance", inner, scope.info))
        elif arg.annotation is not None and arg not in (args.vararg, args.kwarg):
            inner.bind(arg.arg, Binding(_START, "annotation", scope, annotation=arg.annotation))
        else:
            inner.bind(arg.arg, Binding(_START, "unknown", inner))


def _class(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.ClassDef)
    inner = module.enter(node, "class", ancestors)
    inner.info = ClassInfo(node, inner)
    module._bind(scope, node.name, Binding(start(node), "class", scope, inner.info))  # type: ignore[arg-type]


def _comprehension_scope(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    module._scopes[id(node)] = module.enter(node, "comprehension", ancestors)


def _return(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.Return)
    if scope.kind == "function" and node.value is not None:
        scope.returns.append(node.value)


def _yield(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    while scope.kind == "comprehension" and scope.parent is not None:
        scope = scope.parent
    scope.generator = True


def _global(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.Global)
    scope.global_names.update(node.names)


def _except(module: Module, node: ast.AST, scope: Scope, ancestors: list[ast.AST]) -> None:
    assert isinstance(node, ast.ExceptHandler)
    if node.name:
        module._bind(scope, node.name, Binding(start(node), "unknown", scope))


_HANDLERS: dict[type[ast.AST], Callable[[Module, ast.AST, Scope, list[ast.AST]], None]] = {
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
