"""What the language server asks of the engine: the findings of a buffer (fast, for the
diagnostics), the same with their fixes as edits (on demand, for code actions) and the
text with every safe fix applied, each with the configuration nearest the document and
the project index of its project.

The index is the one `check` uses (summaries of the project's modules, read from the
cache `check` fills where there is one), kept for the server's life, with the open
buffers' unsaved text in place of their files. Each document's run records the modules
it read (`Index.consulted`); when one of them changes, in a buffer or on disk, the
documents that read it are named as stale, for the server to lint again.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from reliability_lint import engine
from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY
from reliability_lint.semantic.index import Index


@dataclass
class Outcome:
    findings: list[Finding]
    fixed_text: str | None = None  # FIX mode: the buffer with the fixes applied
    stale: list[str] = field(default_factory=list)  # CHECK: other documents to lint again
    docs_url: str | None = None  # the configuration's base URL of the rule pages


@dataclass
class _Project:
    stamp: float  # the config file's mtime when read
    settings: Any
    index: Index


class Linter:
    """Resolves settings per configuration file (re-read when it changes) and runs the
    engine's per-file step on a buffer, one request at a time (its settings are global)."""

    def __init__(self, folders: Callable[[], list[Path]] = list) -> None:
        self.folders = folders  # the workspace folders: a file's project root when it has no config
        self.overlay: dict[str, bytes] = {}  # open Python buffers, absolute path -> text
        self._projects: dict[tuple[str, bool, str], _Project] = {}
        self._reads: dict[str, tuple[Index, dict[str, str]]] = {}  # document -> modules read, their summary hashes
        self._stamps: dict[str, tuple[int, int] | None] = {}  # modules read from disk -> (mtime, size)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ configuration

    def project_root(self, path: Path) -> Path:
        """Where a file without a config has its project: the innermost workspace folder
        holding it, else its own folder (as `check` run there would)."""
        holding = [folder for folder in self.folders() if _is_below(path, folder)]
        return max(holding, key=lambda folder: len(folder.parts)) if holding else path.parent

    def _project(self, path: Path, unsafe_fixes: bool = False) -> _Project:
        from reliability_lint.cache import DEFAULT_DIR, Cache
        from reliability_lint.config import load_config
        from reliability_lint.settings import Overrides, resolve

        config, stamp = _config_of(path)
        key = (str(config), unsafe_fixes, "" if config else str(self.project_root(path)))
        known = self._projects.get(key)
        if known is None or known.stamp != stamp:
            loaded = load_config(config, self.project_root(path))
            overrides = Overrides(force_exclude=True, unsafe_fixes=unsafe_fixes, no_cache=True)
            settings = resolve(loaded, overrides)
            folder = loaded.root / loaded.get("cache-dir", DEFAULT_DIR)
            index = engine.project_index(settings, Cache(folder) if folder.is_dir() else None)
            index.overlay = self.overlay
            known = self._projects[key] = _Project(stamp, settings, index)
        return known

    def settings_for(self, path: Path, unsafe_fixes: bool = False) -> Any:
        return self._project(path, unsafe_fixes).settings

    def config_changed(self) -> list[str]:
        """The documents whose configuration file changed or appeared since their last run."""
        with self._lock:
            return [document for document in self._reads if self._project_is_stale(Path(document))]

    def _project_is_stale(self, path: Path) -> bool:
        config, stamp = _config_of(path)
        known = self._projects.get((str(config), False, "" if config else str(self.project_root(path))))
        return known is None or known.stamp != stamp

    # ------------------------------------------------------------------ buffers and disk

    def set_buffer(self, path: Path, text: str | None) -> None:
        """An open Python buffer's text (None: closed, the file on disk counts again)."""
        key = str(path.absolute())
        if text is None:
            self.overlay.pop(key, None)
        else:
            self.overlay[key] = text.encode("utf-8")
        for project in list(self._projects.values()):
            project.index.forget(path)

    def files_changed(self, paths: list[Path], layout: bool) -> list[str]:
        """Files changed on disk (`layout`: some were created or deleted): the documents
        that read them, to lint again."""
        from reliability_lint.semantic.roots import forget_layout

        with self._lock:
            if layout:
                forget_layout()
            for path in paths:
                self._forget(str(path.absolute()))
            changed = {str(path.absolute()) for path in paths}
            return self._stale(changed, exclude="") if not layout else list(self._reads)

    def forget_document(self, path: Path) -> None:
        self._reads.pop(str(path.absolute()), None)

    def dependents(self, path: Path) -> list[str]:
        """The documents that read the module `path` and would now read it differently."""
        with self._lock:
            return self._stale({str(path.absolute())}, exclude=str(path.absolute()))

    def _forget(self, key: str) -> None:
        self._stamps.pop(key, None)
        for project in list(self._projects.values()):
            project.index.forget(Path(key))

    def _disk_changes(self) -> set[str]:
        """Modules read from disk whose files changed since (the client may not watch files)."""
        changed = set()
        for key, stamp in list(self._stamps.items()):
            if key not in self.overlay and _stamp(key) != stamp:
                self._forget(key)
                changed.add(key)
        return changed

    def _record(self, document: str, index: Index) -> None:
        reads = dict(index.consulted)
        reads.pop(document, None)
        self._reads[document] = (index, reads)
        for key in reads:
            if key not in self.overlay and key not in self._stamps:
                self._stamps[key] = _stamp(key)

    def _stale(self, changed: set[str], exclude: str) -> list[str]:
        stale = []
        for document, (index, reads) in list(self._reads.items()):
            if document != exclude and any(key in reads and index.summary_hash(key) != reads[key] for key in changed):
                stale.append(document)
        return stale

    # ------------------------------------------------------------------ runs

    def _prepare(self, path: Path, unsafe_fixes: bool = False) -> tuple[Any, Index] | None:
        """Under the lock: the engine set up for `path`, None when the file is excluded."""
        project = self._project(path, unsafe_fixes)
        settings = project.settings
        if settings.is_excluded(settings.relative(path)):
            return None
        engine._init_worker(settings)
        engine.use_index(settings, project.index)  # the server's long-lived index, not a fresh one per run
        project.index.consulted = {}
        return settings, project.index

    def run(self, path: Path, text: str, mode: str, unsafe_fixes: bool = False, record: bool = False) -> Outcome:
        """Config errors raise ConfigError or RegistryError (the server shows them).
        `record` (a CHECK whose diagnostics are published): note the modules it read, and
        name the documents that read this one differently now."""
        document = str(path.absolute())
        with self._lock:
            changed = self._disk_changes()
            prepared = self._prepare(path, unsafe_fixes)
            if prepared is None:
                return Outcome([])
            settings, index = prepared
            kinds = REGISTRY.kinds_of(path) or frozenset({"python"})
            task = engine.Task(path, engine.display_path(path), kinds, data=text.encode("utf-8"))
            result = engine.process(task, mode)
            stale: list[str] = []
            if record:
                self._record(document, index)
                stale = self._stale(changed | {document}, exclude=document)
        fixed = result.output.decode("utf-8") if result.output is not None else None
        return Outcome(result.findings, fixed, stale, settings.docs_url)

    def diagnose(self, path: Path, text: str, record: bool = True) -> Outcome:
        """The findings to publish (`record`: False for a look that publishes nothing)."""
        return self.run(path, text, engine.CHECK, record=record)

    def with_fixes(self, path: Path, text: str, wanted: Callable[[Finding], bool] | None = None) -> list[Finding]:
        """The findings, with edits for the fixes of those `wanted` (None: all). A fix can
        cost a libcst pass over the file (seconds on a large one), so a code action
        computes the fixes it shows, not the file's hundred."""
        if wanted is None or REGISTRY.kinds_of(path) != frozenset({"python"}):
            return self.run(path, text, engine.CHECK_WITH_EDITS).findings
        from reliability_lint.fix import FixContext, FixError, compute_edits
        from reliability_lint.redaction import redact_finding
        from reliability_lint.source import SourceError, SourceFile

        with self._lock:
            prepared = self._prepare(path)
            if prepared is None:
                return []
            settings, index = prepared
            src = SourceFile(path, text)
            task = engine.Task(path, engine.display_path(path), frozenset({"python"}), data=text.encode("utf-8"))
            try:
                findings = engine.analyze(src, task, settings, settings.enabled_for(settings.relative(path)), project=index)
            except SourceError:
                return []  # a syntax error: the diagnostics say so; nothing to fix
        # Outside the lock: a slow fix must not hold back the diagnostics of the next change.
        context = FixContext(src)
        done = []
        for finding in findings:
            fix = finding.fix
            if fix is not None and fix.compute is not None:
                try:
                    edits = tuple(compute_edits(finding, context)) if wanted(finding) else fix.edits
                    finding = replace(finding, fix=replace(fix, edits=edits, compute=None))
                except FixError:
                    finding = replace(finding, fix=None)
            done.append(redact_finding(finding, src.sensitive))
        return done

    def fix_all(self, path: Path, text: str) -> str | None:
        """The text with every safe fix applied, None when nothing changes."""
        fixed = self.run(path, text, engine.FIX).fixed_text
        return fixed if fixed is not None and fixed != text else None

    def locked(self) -> threading.Lock:
        """For a caller that drives the engine itself (the notebook cells' quick fixes)."""
        return self._lock

    def prepare(self, path: Path) -> tuple[Any, Index] | None:
        """With `locked()` held: the engine set up for `path` (None: excluded)."""
        return self._prepare(path)


def _config_of(path: Path) -> tuple[Path | None, float]:
    """The configuration nearest a file, and its mtime (0: none, or unreadable)."""
    from reliability_lint.config import find_config

    config = find_config(path)
    try:
        return config, os.stat(config).st_mtime if config else 0.0
    except OSError:
        return config, 0.0


def _stamp(key: str) -> tuple[int, int] | None:
    try:
        info = os.stat(key)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def _is_below(path: Path, folder: Path) -> bool:
    try:
        return os.path.commonpath([str(path.absolute()), str(folder.absolute())]) == str(folder.absolute())
    except ValueError:
        return False
