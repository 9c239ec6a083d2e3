"""What the language server asks of the engine: the findings of a buffer (fast, for the
diagnostics), the same with their fixes as edits (on demand, for code actions) and the
text with every safe fix applied, each with the configuration nearest the document."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from reliability_lint import engine
from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY


@dataclass
class Outcome:
    findings: list[Finding]
    fixed_text: str | None = None  # FIX mode: the buffer with the fixes applied


class Linter:
    """Resolves settings per configuration file (re-read when it changes) and runs the
    engine's per-file step on a buffer, one request at a time (its settings are global)."""

    def __init__(self) -> None:
        self._settings: dict[tuple[str, float], Any] = {}
        self._lock = threading.Lock()

    def settings_for(self, path: Path, unsafe_fixes: bool = False) -> Any:
        from reliability_lint.cli import Options, _settings
        from reliability_lint.config import find_config

        config = find_config(path.parent if path.parent.exists() else Path.cwd())
        try:
            stamp = os.stat(config).st_mtime if config else 0.0
        except OSError:
            stamp = 0.0
        key = (f"{config}:{unsafe_fixes}", stamp)
        if key not in self._settings:
            options = Options(
                paths=(Path("-"),), config=config, select=None, extend_select=None, ignore=None, exclude=None,
                extend_exclude=None, force_exclude=True, unsafe_fixes=unsafe_fixes, output_format="text",
                statistics=False, jobs=1, exit_zero=False, no_progress=True, no_cache=True,
                stdin_filename=str(path),
            )  # fmt: skip
            self._settings[key] = _settings(options)
        return self._settings[key]

    def run(self, path: Path, text: str, mode: str, unsafe_fixes: bool = False) -> Outcome:
        """Config errors raise ConfigError or RegistryError (the server shows them)."""
        with self._lock:
            settings = self.settings_for(path, unsafe_fixes)
            if settings.is_excluded(settings.relative(path)):
                return Outcome([])
            kinds = REGISTRY.kinds_of(path) or frozenset({"python"})
            engine._init_worker(settings)
            data = text.encode("utf-8")
            task = engine.Task(path, engine.display_path(path), kinds, data=data)
            result = engine.process(task, mode)
        fixed = result.output.decode("utf-8") if result.output is not None else None
        return Outcome(result.findings, fixed)

    def diagnose(self, path: Path, text: str) -> list[Finding]:
        return self.run(path, text, engine.CHECK).findings

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
            settings = self.settings_for(path)
            if settings.is_excluded(settings.relative(path)):
                return []
            engine._init_worker(settings)
            src = SourceFile(path, text)
            task = engine.Task(path, engine.display_path(path), frozenset({"python"}), data=text.encode("utf-8"))
            try:
                findings = engine.analyze(src, task, settings, settings.enabled_for(settings.relative(path)))
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
