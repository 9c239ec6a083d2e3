"""Colour in the terminal: when to use it, and the style of each severity."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Callable

import click

SEVERITY_STYLES: dict[str, dict[str, Any]] = {
    "P0": {"fg": "red", "bold": True},
    "P1": {"fg": "red"},
    "P2": {"fg": "yellow"},
    "P3": {"fg": "blue", "dim": True},
}


def use_color(choice: str, isatty: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """--color always and never decide; auto follows NO_COLOR, then FORCE_COLOR, then the
    terminal (as ruff and click do: an empty variable counts as unset)."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return isatty


Styler = Callable[..., str]


def styler(color: bool) -> Styler:
    return click.style if color else (lambda text, **_: text)


def severity_style(severity: str) -> dict[str, Any]:
    return SEVERITY_STYLES.get(severity, SEVERITY_STYLES["P0"])
