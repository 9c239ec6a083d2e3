"""The values the model infers, and the library tables that give them meaning.

A type is one of:
- a qualified library class name (`google.cloud.bigquery.Client`), from a `Library`;
- `model.ClassInfo`, an instance of a class defined in the module being checked;
- `ProjectClass`, an instance of a class defined in another module of the project;
- `("list", T)`, a list (or other collection iterated as one) of T;
- `Ref`, what another module decides: only inside summaries, resolved by the index;
- `UNKNOWN` (""), whenever two readings disagree or nothing can be told.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from reliability_lint.semantic.scopes import ClassInfo

UNKNOWN = ""
NONE = "builtins.None"


@dataclass(frozen=True)
class Ref:
    """A value decided elsewhere. `op` is one of:
    name (what `target` holds), call (the result of calling it), instance (an instance of
    the class it names, from an annotation), attr / method (an attribute of, or the result
    of calling a method on, the value `target` refers to), enter (`with target as x`),
    element (an element of the collection `target`)."""

    op: str
    target: str | Ref
    attr: str = ""


@dataclass(frozen=True)
class ProjectClass:
    """An instance of the class `name` (dotted within its module) defined in `path`."""

    path: str
    name: str


Type = Union[str, "ClassInfo", ProjectClass, Ref, tuple]


@dataclass(frozen=True)
class Library:
    """What the libraries' names mean: which qualified names make which type."""

    constructors: dict[str, str]  # callable qualified name -> type of its result
    classes: dict[str, str]  # qualified class name (in annotations) -> type
    returns: dict[tuple[str, str], str]  # (type, method) -> type of its result
    enter_self: frozenset[str]  # types whose __enter__ returns the instance


EMPTY_LIBRARY = Library({}, {}, {}, frozenset())


def join(types: Iterable[Any], *, lenient: bool = False) -> Any:
    """The one type all readings agree on (None left aside); with `lenient`, readings that
    are unknown are left aside too (`client or bigquery.Client()`)."""
    found: list[Any] = []
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


def to_json(value: Any) -> Any:
    """A summary's type as JSON: Ref -> ["ref", op, target, attr], ProjectClass -> ["class", path, name]."""
    if isinstance(value, Ref):
        return ["ref", value.op, to_json(value.target), value.attr]
    if isinstance(value, ProjectClass):
        return ["class", value.path, value.name]
    if isinstance(value, tuple):
        return ["list", to_json(value[1])]
    return value


def from_json(value: Any) -> Any:
    if isinstance(value, list):
        if value[0] == "ref":
            return Ref(value[1], from_json(value[2]), value[3])
        if value[0] == "class":
            return ProjectClass(value[1], value[2])
        return ("list", from_json(value[1]))
    return value
