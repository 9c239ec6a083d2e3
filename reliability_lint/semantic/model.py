"""What a value is, within one module: inference over the bindings the walk recorded.

Names imported from elsewhere become `Ref`s, handed to the project (`index.Index`) when one
is attached, which answers from the other modules' summaries; without one they are unknown,
or, while a summary is being made (`defer`), kept as `Ref`s for the index to resolve later.
"""

from __future__ import annotations

import ast
from typing import Any, Protocol

from reliability_lint.semantic.scopes import FUNCTIONS, Binding, Bindings, ClassInfo, Scope, plain_name, start
from reliability_lint.semantic.types import EMPTY_LIBRARY, NONE, UNKNOWN, Library, ProjectClass, Ref, Type, join

_CASTS = frozenset({"typing.cast", "typing_extensions.cast"})
_WRAPPERS = frozenset({"Optional", "Annotated", "Final", "ClassVar", "Required", "NotRequired"})
_PLAIN_BASES = frozenset({"typing", "typing_extensions", "abc", "collections", "enum"})
_MISSING: Any = None  # "not defined here" (as opposed to UNKNOWN: defined, type not known)


class Project(Protocol):
    def resolve(self, ref: Ref, origin: str, library: Library) -> Type: ...
    def attribute(self, owner: ProjectClass, name: str, library: Library) -> Type | None: ...
    def method(self, owner: ProjectClass, name: str, library: Library, awaited: bool) -> Type | None: ...
    def modules_read(self) -> list[str]: ...


class Module(Bindings):
    def __init__(
        self,
        library: Library = EMPTY_LIBRARY,
        *,
        project: Project | None = None,
        origin: str = "",
        package: str = "",
        defer: bool = False,
    ) -> None:
        super().__init__(package)
        self.library = library
        self.project = project
        self.origin = origin  # the module's file, from which its imports are resolved
        self.defer = defer
        self._types: dict[int, Type] = {}
        self._busy: set[int] = set()
        self._parsed: dict[int, ast.expr | None] = {}

    # ------------------------------------------------------------------ other modules

    def external(self, ref: Ref) -> Type:
        """What another module (or a library) says `ref` is."""
        known = library_type(ref, self.library)
        if known:
            return known
        if self.project is not None:
            return self.project.resolve(ref, self.origin, self.library)
        return ref if self.defer else UNKNOWN

    # ------------------------------------------------------------------ queries

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
            if not bindings and len(self.star_imports) == 1 and _unbound_anywhere(node.id, scope):
                return f"{self.star_imports[0]}.{node.id}"
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
            bindings = self.lookup(node.id, scope, start(node))
            if not bindings:
                name = self.qualname(node, scope)  # from a star import
                return self.external(Ref("name", name)) if name else UNKNOWN
            return self._binding_types(bindings)
        if isinstance(node, ast.Call):
            return self._call_type(node, scope)
        if isinstance(node, ast.Attribute):
            name = self.qualname(node, scope)
            if name:  # module.attribute of an imported module
                return self.external(Ref("name", name))
            receiver = self.type_of(node.value, scope)
            return self.attribute_of(receiver, node.attr)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return join((self.type_of(value, scope) for value in node.values), lenient=True)
        if isinstance(node, ast.IfExp):
            return join((self.type_of(node.body, scope), self.type_of(node.orelse, scope)), lenient=True)
        if isinstance(node, ast.NamedExpr):
            return self.type_of(node.value, scope)
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            return self._call_type(node.value, scope, awaited=True)
        if isinstance(node, ast.Constant) and node.value is None:
            return NONE
        if isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            inner = self.scopes.get(id(node)) or scope
            element = self.type_of(node.elt, inner)
            return ("list", element) if element else UNKNOWN
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
            element = join(self.type_of(e, scope) for e in node.elts)
            return ("list", element) if element else UNKNOWN
        return UNKNOWN

    def attribute_of(self, receiver: Type, name: str) -> Type:
        if isinstance(receiver, ClassInfo):
            return self.attribute_type(receiver, name) or UNKNOWN
        if isinstance(receiver, ProjectClass) and self.project is not None:
            return self.project.attribute(receiver, name, self.library) or UNKNOWN
        if isinstance(receiver, Ref):
            return Ref("attr", receiver, name)
        return UNKNOWN

    def _call_type(self, node: ast.Call, scope: Scope, awaited: bool = False) -> Type:
        func = node.func
        name = self.qualname(func, scope)
        if name in _CASTS and node.args:
            return self.annotation_type(node.args[0], scope)
        if name:
            return self.external(Ref("call", name, "await" if awaited else ""))
        if isinstance(func, ast.Attribute):
            receiver = self.type_of(func.value, scope)
            if isinstance(receiver, ClassInfo):
                method = self.find_method(receiver, func.attr)
                if isinstance(method, Binding):
                    return self.returns_of(method, awaited)
                return method or UNKNOWN
            if isinstance(receiver, ProjectClass) and self.project is not None:
                return self.project.method(receiver, func.attr, self.library, awaited) or UNKNOWN
            if isinstance(receiver, Ref):
                return Ref("method", receiver, func.attr) if not awaited else UNKNOWN
            if isinstance(receiver, str) and receiver:
                return self.library.returns.get((receiver, func.attr), UNKNOWN)
        if isinstance(func, ast.Name):
            bindings = self.lookup(func.id, scope, start(func))
            if len(bindings) == 1 and bindings[0].kind == "function":
                return self.returns_of(bindings[0], awaited)
            if len(bindings) == 1 and bindings[0].kind == "class":
                return bindings[0].node  # type: ignore[return-value]
        return UNKNOWN

    def returns_of(self, binding: Binding, awaited: bool = False) -> Type:
        function = binding.node
        if not isinstance(function, FUNCTIONS):
            return UNKNOWN
        if isinstance(function, ast.AsyncFunctionDef) and not awaited:
            return UNKNOWN  # a coroutine
        if function.returns is not None:
            return self.annotation_type(function.returns, binding.scope)
        body = self.scopes.get(id(function))
        if body is None or body.generator or not body.returns:
            return UNKNOWN
        return join((self.type_of(value, body) for value in body.returns), lenient=False)

    def _binding_types(self, bindings: list[Binding]) -> Type:
        return join((self._binding_type(b) for b in bindings), lenient=False) if bindings else UNKNOWN

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
        if kind == "import":
            return self.external(Ref("name", binding.qualname))
        if kind == "enter" and node is not None:
            entered = self.type_of(node, scope)  # type: ignore[arg-type]
            if isinstance(entered, Ref):
                return Ref("enter", entered)
            if isinstance(entered, (ClassInfo, ProjectClass)) or entered in self.library.enter_self:
                return entered
            return UNKNOWN
        if kind == "element" and node is not None:
            iterated = self.type_of(node, scope)  # type: ignore[arg-type]
            if isinstance(iterated, Ref):
                return Ref("element", iterated)
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
            return join((self.annotation_type(node.left, scope), self.annotation_type(node.right, scope)), lenient=False)
        if isinstance(node, ast.Subscript):
            base = self.qualname(node.value, scope) or plain_name(node.value)
            last = base.rpartition(".")[2]
            inner = node.slice
            if last in _WRAPPERS:
                first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
                return self.annotation_type(first, scope)
            if last == "Union":
                members = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                return join((self.annotation_type(m, scope) for m in members), lenient=False)
            return UNKNOWN
        if isinstance(node, ast.Name):
            bindings = self.lookup(node.id, scope, start(node))
            if len(bindings) == 1 and bindings[0].kind == "class":
                return bindings[0].node  # type: ignore[return-value]
        if isinstance(node, (ast.Name, ast.Attribute)):
            name = self.qualname(node, scope)
            return self.external(Ref("instance", name)) if name else UNKNOWN
        return UNKNOWN

    def _parse_annotation(self, node: ast.Constant) -> ast.expr | None:
        key = id(node)
        if key not in self._parsed:
            try:
                parsed = ast.parse(str(node.value).strip(), mode="eval").body
            except (SyntaxError, ValueError):
                parsed = None
            if parsed is not None:
                # positions inside the string: give names the string's own position
                for child in ast.walk(parsed):
                    if hasattr(child, "lineno"):
                        child.lineno, child.col_offset = node.lineno, node.col_offset  # type: ignore[attr-defined]
            self._parsed[key] = parsed
        return self._parsed[key]

    # ------------------------------------------------------------------ classes

    def attribute_type(self, info: ClassInfo, name: str, seen: frozenset[int] = frozenset()) -> Type | None:
        """The type of `name` on instances of `info`, through its bases in order (mixins
        included); None when no class of the hierarchy defines it."""
        if id(info) in seen:
            return UNKNOWN
        member = _class_member(info, name)
        if member is not None and member.kind == "function" and _is_property(member.node):
            return self.returns_of(member)
        writes = info.attributes.get(name)
        if writes:
            declared = [self.annotation_type(a, s) for _, a, s in writes if a is not None]
            if declared:
                return join(declared, lenient=False)
            return join((self.type_of(v, s) if v is not None else UNKNOWN for v, _, s in writes), lenient=False)
        if member is not None:
            return UNKNOWN  # a method or nested class read as an attribute
        for base in info.node.bases:
            found = self._base_lookup(info, base, name, seen, method=False)
            if found is not _MISSING:
                return found
        return _MISSING

    def find_method(self, info: ClassInfo, name: str, seen: frozenset[int] = frozenset()) -> Binding | Type | None:
        """The method `name` of `info` (a Binding), or, defined in another module's base,
        the type its call returns; None when no class of the hierarchy defines it."""
        if id(info) in seen:
            return UNKNOWN
        member = _class_member(info, name)
        if member is not None:
            return member if member.kind == "function" else UNKNOWN
        if name in info.attributes:
            return UNKNOWN
        for base in info.node.bases:
            found = self._base_lookup(info, base, name, seen, method=True)
            if found is not _MISSING:
                return found
        return _MISSING

    def _base_lookup(self, info: ClassInfo, base: ast.expr, name: str, seen: frozenset[int], method: bool) -> Any:
        scope = info.scope.parent or self.root
        local = self.class_of(base, scope)
        if local is not None:
            seen = seen | {id(info)}
            return self.find_method(local, name, seen) if method else self.attribute_type(local, name, seen)
        if isinstance(base, ast.Name) and _unbound_anywhere(base.id, scope) and not self.star_imports:
            return _MISSING  # a builtin such as object or Exception
        qualname = self.qualname(base, scope)
        if qualname.partition(".")[0] in _PLAIN_BASES:
            return _MISSING  # typing.Generic, abc.ABC: they define no attribute of interest
        if not qualname:
            return UNKNOWN  # a base we cannot see may define anything
        owner = self.external(Ref("instance", qualname))
        if isinstance(owner, ProjectClass) and self.project is not None:
            if method:
                return self.project.method(owner, name, self.library, False)
            return self.project.attribute(owner, name, self.library)
        if isinstance(owner, Ref):  # while summarising: decided when the summary is read
            return Ref("method" if method else "attr", owner, name)
        return UNKNOWN

    def class_of(self, node: ast.expr, scope: Scope) -> ClassInfo | None:
        if isinstance(node, ast.Name):
            bindings = self.lookup(node.id, scope, start(node))
            if len(bindings) == 1 and bindings[0].kind == "class":
                return bindings[0].node  # type: ignore[return-value]
        return None


def library_type(ref: Ref, library: Library) -> Type:
    """What the libraries alone say of a reference to a qualified name."""
    if isinstance(ref.target, str):
        if ref.op == "call":
            return library.constructors.get(ref.target, UNKNOWN)
        if ref.op == "instance":
            return library.classes.get(ref.target, UNKNOWN)
    return UNKNOWN


def _unbound_anywhere(name: str, scope: Scope) -> bool:
    current: Scope | None = scope
    while current is not None:
        if name in current.bindings:
            return False
        current = current.parent
    return True


def _class_member(info: ClassInfo, name: str) -> Binding | None:
    bindings = info.scope.bindings.get(name)
    return bindings[-1] if bindings else None


def _is_property(node: object) -> bool:
    if not isinstance(node, FUNCTIONS):
        return False
    return any(plain_name(d).rpartition(".")[2] in ("property", "cached_property") for d in node.decorator_list)


def _is_none(node: object) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
