"""Check and fix source text in memory: for this project's tests and for rule-pack authors."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from reliability_lint.config import Config
from reliability_lint.engine import Task, analyze
from reliability_lint.fixing import fix_source
from reliability_lint.findings import Finding, error
from reliability_lint.registry import REGISTRY
from reliability_lint.settings import Overrides, Settings, resolve
from reliability_lint.source import SourceError, SourceFile, decode


def settings_for(
    select: list[str] | None = None,
    options: dict[str, dict[str, Any]] | None = None,
    unsafe_fixes: bool = True,
    root: Path = Path("."),
    **extra: Any,
) -> Settings:
    """Settings as a config holding `options` ({family: {key: value}}) would give."""
    config = Config(root=root.resolve(), values=dict(options or {}))
    settings = resolve(config, Overrides(select=select, unsafe_fixes=unsafe_fixes, no_cache=True))
    return replace(settings, **extra) if extra else settings


def _prepare(text: str | bytes, path: str, settings: Settings) -> tuple[SourceFile, Task]:
    if isinstance(text, bytes):
        decoded, encoding, bom = decode(text)
        src = SourceFile(Path(path), decoded, encoding=encoding, bom=bom)
    else:
        src = SourceFile(Path(path), text)
    return src, Task(Path(path), path, REGISTRY.kinds_of(Path(path)))


def check_text(text: str | bytes, select: list[str] | None = None, path: str = "example.py", **kwargs: Any) -> list[Finding]:
    settings = settings_for(select, **kwargs)
    try:
        src, task = _prepare(text, path, settings)
        return analyze(src, task, settings, settings.enabled)
    except SourceError as exc:
        return [error(path, str(exc), *exc.position)]


def fix_text(text: str | bytes, select: list[str] | None = None, path: str = "example.py", **kwargs: Any) -> str:
    settings = settings_for(select, **kwargs)
    src, task = _prepare(text, path, settings)
    fixed, _, _ = fix_source(src, task, settings, settings.enabled)
    return fixed.text
