"""The project index: other modules' summaries, read on demand, and the queries that cross
module boundaries ("what does `self.processor.bq_client` hold here?").

A summary is made from a module's file the first time an import needs it, and kept in the
content cache, so a pre-commit run over five files reads the other files' summaries from
the cache and parses nothing else. While a file is checked, every summary its findings
depend on is recorded in `consulted` (path -> summary hash), so the cache can key those
findings on them: a change to a base class re-checks exactly the files that read it. Every
import looked up is recorded too, with what it found (a module, or nothing): a module
added later that would satisfy it, or shadow what it found, re-checks its importers.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from collections.abc import Mapping
from collections.abc import Callable
from typing import Any, Protocol

from reliability_lint.semantic.model import Module, library_type
from reliability_lint.semantic.roots import Roots, forget_layout
from reliability_lint.semantic.summary import Summary, summarize
from reliability_lint.semantic.types import UNKNOWN, Library, ProjectClass, Ref, Type, from_json

_MAX_DEPTH = 24  # alias chains and nested references; deeper is unknown
MISSING = "-"  # the hash recorded for a module that cannot be read or parsed
PROBE = "import:"  # a dependency that is an import's lookup: "import:<qualname> <importing file>"
# Facts other than summaries that findings can depend on (a rule reads a project file that
# is not Python, such as the dependency pins): key prefix -> the fact's token now, given the
# rest of the key. Prefixes start with "<", which no absolute path does.
FACTS: dict[str, Callable[[str], str]] = {}


class SummaryStore(Protocol):
    def load_summary(self, path: Path, digest: str) -> Summary | None: ...
    def trusted_summary(self, path: Path, status: os.stat_result) -> tuple[Summary, str] | None: ...
    def store_summary(
        self, path: Path, digest: str, summary: Summary, status: os.stat_result | None = None, summary_hash: str = ""
    ) -> None: ...


class Index:
    def __init__(self, roots: Roots, store: SummaryStore | None = None, overlay: Mapping[str, bytes] | None = None) -> None:
        self.roots = roots
        self.store = store
        # An editor's unsaved buffers (absolute path -> content): read instead of the disk,
        # their summaries never stored.
        self.overlay: Mapping[str, bytes] = overlay if overlay is not None else {}
        self.consulted: dict[str, str] = {}
        self._summaries: dict[str, tuple[Summary | None, str]] = {}
        self._resolving: set[tuple[Any, ...]] = set()
        self._probes: dict[tuple[str, str], str] = {}  # (name, folder): what its lookup found in this run
        forget_layout()  # files may have been added since the last index of this process

    # ------------------------------------------------------------------ summaries

    def package_of(self, path: Path) -> str:
        return self.roots.package_of(path)

    def summary(self, path: Path) -> Summary | None:
        key = str(path.absolute())
        known = self._summaries.get(key)
        if known is None:
            known = self._summaries[key] = self._load(path.absolute())
        self.consulted[key] = known[1]
        return known[0]

    def forget(self, path: Path) -> None:
        """Drop what is known of a module, whose file or buffer changed: the next query
        reads it again. (A one-run index never needs this; a language server does.)"""
        self._summaries.pop(str(path.absolute()), None)
    def depend(self, prefix: str, subject: str, token: str) -> None:
        """Record that this file's findings depend on a fact of kind `prefix` (see FACTS)."""
        self.consulted[prefix + subject] = token

    def summary_hash(self, path: str) -> str:
        """The current hash of a module's summary (MISSING when it has none), or the token
        of another fact (FACTS), for checking that a cached finding's dependencies are unchanged."""
        if path.startswith("<"):
            prefix, _, subject = path.partition(">")
            current = FACTS.get(prefix + ">")
            return current(subject) if current is not None else "?"  # an unknown kind never matches
        key = str(Path(path).absolute())
        known = self._summaries.get(key)
        if known is None:
            known = self._summaries[key] = self._load(Path(key))
        return known[1]

    def modules_read(self) -> list[str]:
        """The modules whose summaries the current file's findings read so far: the keys of
        `consulted` that are paths (not import lookups or other facts)."""
        return [key for key in self.consulted if not key.startswith((PROBE, "<"))]

    def dependency_hash(self, key: str) -> str:
        """The current value of a dependency recorded in `consulted`: a module's summary
        hash, or for an import's lookup what it finds now."""
        if key.startswith(PROBE):
            qualname, _, origin = key[len(PROBE) :].partition(" ")
            # What an import finds depends on the importing file's folder only.
            probe = (qualname, os.path.dirname(origin))
            found = self._probes.get(probe)
            if found is None:
                found = self._probes[probe] = _found(self.roots.find(qualname, origin))
            return found
        return self.summary_hash(key)

    def _load(self, path: Path) -> tuple[Summary | None, str]:
        from reliability_lint.cache import content_hash
        from reliability_lint.source import SourceError, SourceFile, read_bytes

        unsaved = self.overlay.get(str(path))
        store = self.store if unsaved is None else None
        status = None
        try:
            if store is not None:
                status = os.stat(path)  # before the read: a later change makes the entry untrusted
                trusted = store.trusted_summary(path, status)
                if trusted is not None:  # the file's status proves it unchanged: not even read
                    return trusted
            data = read_bytes(path) if unsaved is None else unsaved
            digest = content_hash(data)
            summary = store.load_summary(path, digest) if store is not None else None
            made = summary is None or "auth" not in summary  # or stored by a build without auth facts
            if made:
                summary = self._make(SourceFile.from_bytes(path, data))
        except (SourceError, RecursionError, ValueError, OSError):
            return None, MISSING  # an unreadable module: what it exports is unknown
        assert summary is not None
        summary_hash = hashlib.blake2b(json.dumps(summary, sort_keys=True).encode(), digest_size=12).hexdigest()
        if store is not None:  # made now, or found by content: either way stored with the status
            store.store_summary(path, digest, summary, status, summary_hash)
        return summary, summary_hash

    def _make(self, src: Any) -> Summary:
        from reliability_lint.semantic.feed import feed

        module = Module(package=self.package_of(src.path), origin=str(src.path), defer=True)
        feed(module, src.tree)
        try:
            return summarize(module, str(src.path), src.tree)
        finally:
            module.release()

    # ------------------------------------------------------------------ queries

    def resolve(self, ref: Ref, origin: str, library: Library) -> Type:
        key = (ref, origin, id(library))
        if key in self._resolving or len(self._resolving) > _MAX_DEPTH:
            return UNKNOWN  # a cycle between modules, or a chain too long to follow
        self._resolving.add(key)
        try:
            return self._resolve(ref, origin, library)
        finally:
            self._resolving.discard(key)

    def _resolve(self, ref: Ref, origin: str, library: Library) -> Type:
        known = library_type(ref, library)
        if known:
            return known
        if isinstance(ref.target, str):
            return self._named(ref, origin, library)
        base = self.resolve(ref.target, origin, library)
        if ref.op == "attr":
            return self._attribute_of(base, ref.attr, library)
        if ref.op == "method":
            if isinstance(base, ProjectClass):
                return self.method(base, ref.attr, library, False) or UNKNOWN
            return library.returns.get((base, ref.attr), UNKNOWN) if isinstance(base, str) and base else UNKNOWN
        if ref.op == "enter":
            return base if isinstance(base, ProjectClass) or base in library.enter_self else UNKNOWN
        if ref.op == "element":
            return base[1] if isinstance(base, tuple) else UNKNOWN
        return UNKNOWN

    def _named(self, ref: Ref, origin: str, library: Library) -> Type:
        """name / call / instance of a dotted name, through the module that defines it."""
        assert isinstance(ref.target, str)
        found = self._lookup(ref.target, Path(origin))
        if found is None:
            return UNKNOWN
        if isinstance(found, str):  # re-exported from a library
            return library_type(Ref(ref.op, found, ref.attr), library)
        path, entry, rest = found
        kind = entry[0]
        if kind == "class":
            dotted = ".".join([entry[1], *rest])
            summary = self.summary(path)
            if summary is None or dotted not in summary["classes"] or ref.op == "name":
                return UNKNOWN  # the class object itself, or a name nested in it
            return ProjectClass(str(path), dotted)
        if kind == "function":
            if rest or ref.op != "call" or (entry[1] and ref.attr != "await"):
                return UNKNOWN  # a coroutine, unless awaited
            return self.ground(from_json(entry[2]), str(path), library)
        if kind == "value":
            value = self.ground(from_json(entry[1]), str(path), library)
            if ref.op == "instance":
                return UNKNOWN
            if ref.op == "call":
                if not rest:
                    return UNKNOWN  # calling an instance
                *attributes, method = rest
                for name in attributes:
                    value = self._attribute_of(value, name, library)
                if isinstance(value, ProjectClass):
                    return self.method(value, method, library, ref.attr == "await") or UNKNOWN
                return library.returns.get((value, method), UNKNOWN) if isinstance(value, str) and value else UNKNOWN
            for name in rest:
                value = self._attribute_of(value, name, library)
            return value
        return UNKNOWN

    def _lookup(self, qualname: str, origin: Path, depth: int = 0) -> tuple[Path, list[Any], list[str]] | str | None:
        """(module file, its entry for the first name after the module, the rest), a
        library qualified name it re-exports, or None."""
        if depth > _MAX_DEPTH:
            return None
        found = self.roots.find(qualname, origin)
        self.consulted[f"{PROBE}{qualname} {origin}"] = _found(found)
        if found is None:
            return qualname if depth else None
        path, rest = found
        if not rest:
            return None  # a module, not a value
        summary = self.summary(path)
        if summary is None:
            return None
        entry = summary["names"].get(rest[0])
        if entry is None:
            for star in summary["stars"]:
                through = self._lookup(".".join([star, *rest]), path, depth + 1)
                if through is not None:
                    return through
            return None
        if entry[0] == "alias":
            return self._lookup(".".join([entry[1], *rest[1:]]), path, depth + 1)
        return path, entry, rest[1:]

    def function_reports(self, qualname: str, origin: str) -> bool | None:
        """Whether the project function `qualname` (as imported in `origin`) raises or logs at
        error level; None when it is not a project function or its summary predates the flag."""
        found = self._lookup(qualname, Path(origin))
        if not isinstance(found, tuple):
            return None
        _, entry, rest = found
        if entry[0] != "function" or rest or len(entry) < 4:
            return None
        return bool(entry[3])

    def auth_facts(self, path: Path) -> dict[str, Any] | None:
        """The auth facts of a project module (see auth_facts.py), None when it cannot be read."""
        summary = self.summary(path)
        return summary.get("auth") if summary is not None else None

    def locate(self, qualname: str, origin: str) -> tuple[Path, str, str] | None:
        """Where a project function or class named `qualname` in `origin` is defined, through
        aliases, re-exports and star imports: (module file, "function" or "class", its name
        in that module); None for libraries and for anything else."""
        found = self._lookup(qualname, Path(origin))
        if not isinstance(found, tuple) or found[2] or found[1][0] not in ("function", "class"):
            return None
        path, entry, _ = found
        if entry[0] == "class":
            return path, "class", entry[1]
        summary = self.summary(path)
        # _lookup hands back the summary's own entry: its key is the function's name there
        name = next((n for n, e in (summary or {}).get("names", {}).items() if e is entry), None)
        return (path, "function", name) if name is not None else None

    def ground(self, value: Any, origin: str, library: Library) -> Type:
        """A type read from the summary of `origin`, with its references resolved."""
        if isinstance(value, Ref):
            return self.resolve(value, origin, library)
        if isinstance(value, tuple):
            element = self.ground(value[1], origin, library)
            return ("list", element) if element else UNKNOWN
        return value

    def _attribute_of(self, value: Type, name: str, library: Library) -> Type:
        if isinstance(value, ProjectClass):
            return self.attribute(value, name, library) or UNKNOWN
        return UNKNOWN

    def class_bases(self, owner: ProjectClass, library: Library) -> tuple[list[Type], list[str]] | None:
        """The bases of a project class, each a ProjectClass, a library class (a type of
        `library`) or UNKNOWN, leaving out typing's and abc's; and the names its body and
        `self.x = ...` define. None when the class cannot be read."""
        summary = self.summary(Path(owner.path))
        info = summary["classes"].get(owner.name) if summary is not None else None
        if info is None:
            return None
        bases: list[Type] = []
        for kind, target in info["bases"]:
            if kind == "local":
                bases.append(ProjectClass(owner.path, target))
            elif kind == "import" and target.partition(".")[0] in ("typing", "typing_extensions", "abc"):
                continue
            elif kind == "import":
                bases.append(self.resolve(Ref("instance", target), owner.path, library))
            else:
                bases.append(UNKNOWN)
        return bases, list(info["members"])

    def attribute(self, owner: ProjectClass, name: str, library: Library) -> Type | None:
        return self._member(owner, name, library, "attributes", False, frozenset())

    def method(self, owner: ProjectClass, name: str, library: Library, awaited: bool) -> Type | None:
        return self._member(owner, name, library, "methods", awaited, frozenset())

    def _member(
        self, owner: ProjectClass, name: str, library: Library, table: str, awaited: bool, seen: frozenset[ProjectClass]
    ) -> Type | None:
        """A member of a project class, through its bases in order; None when none defines it."""
        if owner in seen:
            return UNKNOWN
        summary = self.summary(Path(owner.path))
        info = summary["classes"].get(owner.name) if summary is not None else None
        if info is None:
            return UNKNOWN
        if name in info[table]:
            if table == "attributes":
                return self.ground(from_json(info[table][name]), owner.path, library)
            is_async, returns = info[table][name]
            return self.ground(from_json(returns), owner.path, library) if awaited or not is_async else UNKNOWN
        if name in info["members"]:
            return UNKNOWN  # defined, as something other than what was asked
        for kind, target in info["bases"]:
            if kind == "local":
                base: Type = ProjectClass(owner.path, target)
            elif kind == "import":
                base = self.resolve(Ref("instance", target), owner.path, library)
            else:
                return UNKNOWN
            if not isinstance(base, ProjectClass):
                if target.partition(".")[0] in ("typing", "typing_extensions", "abc"):
                    continue
                return UNKNOWN
            found = self._member(base, name, library, table, awaited, seen | {owner})
            if found is not None:
                return found
        return None


def _found(found: tuple[Path, list[str]] | None) -> str:
    """What an import's lookup found, as recorded among a file's dependencies."""
    return MISSING if found is None else f"{found[0]}:{'.'.join(found[1])}"
