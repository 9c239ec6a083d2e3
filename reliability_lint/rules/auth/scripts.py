"""The shell text of deploy configuration: shell scripts, Makefile recipes, Dockerfile
`RUN` lines, Cloud Build steps, GitHub Actions / GitLab CI scripts and Markdown shell
blocks, each as lines numbered as in the file they come from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".ksh")
_MAKEFILES = ("Makefile", "makefile", "GNUmakefile")
_MARKDOWN = (".md", ".markdown")
_YAML = (".yaml", ".yml")
_SHELL_FENCES = frozenset({"sh", "bash", "shell", "zsh", "console", "shell-session", "terminal"})
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*)$")
_MAKE_ASSIGN = re.compile(r"^(?:export\s+)?(?P<name>[A-Za-z_][\w.-]*)\s*(?::{1,3}=|\?=|=)\s*(?P<value>.*)$")
_DOCKER_VAR = re.compile(r"^(?:ARG|ENV)\s+(?P<name>[A-Za-z_]\w*)(?:[=\s]\s*(?P<value>.*))?$", re.I)


@dataclass
class Script:
    """Shell lines (line number in the file, text) and variables known before they run."""

    lines: list[tuple[int, str]]
    variables: dict[str, str] = field(default_factory=dict)
    make: bool = False  # `$(VAR)` are make variables, `$$` a shell `$`


def is_deploy_file(path: Path) -> bool:
    name = path.name
    return (
        path.suffix in _SHELL_SUFFIXES + _MARKDOWN + _YAML
        or name in _MAKEFILES or path.suffix == ".mk"
        or name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or name.endswith(".dockerfile")
    )  # fmt: skip


def scripts_of(path: Path, lines: list[str]) -> list[Script]:
    """The shell scripts a file holds; YAML files are handled by `yaml_scripts`."""
    name = path.name
    if path.suffix in _MARKDOWN:
        return _markdown(lines)
    if name in _MAKEFILES or path.suffix == ".mk":
        return _makefile(lines)
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or name.endswith(".dockerfile"):
        return _dockerfile(lines)
    if path.suffix in _SHELL_SUFFIXES:
        return [Script(list(enumerate(lines, 1)))]
    return []


def _markdown(lines: list[str]) -> list[Script]:
    found = []
    fence: str | None = None  # the open fence, if inside a block
    body: list[tuple[int, str]] | None = None  # None inside a block of another language
    for number, line in enumerate(lines, 1):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group("fence")
                info = match.group("info").split()
                body = [] if info and info[0].lower() in _SHELL_FENCES else None
            continue
        if match and match.group("fence").startswith(fence) and not match.group("info").strip():
            if body is not None:
                found.append(Script(body))
            fence = body = None
            continue
        if body is not None:
            stripped = line.lstrip()
            body.append((number, stripped[2:] if stripped.startswith("$ ") else line))  # console prompts
    return found


def _makefile(lines: list[str]) -> list[Script]:
    variables: dict[str, str] = {}
    recipe: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        if line.startswith("\t"):
            recipe.append((number, line[1:].lstrip("@-+ ")))
            continue
        match = _MAKE_ASSIGN.match(line)
        if match and not line.startswith((" ", "#")):
            variables[match.group("name")] = match.group("value").strip()
    return [Script(recipe, variables, make=True)] if recipe else []


def _dockerfile(lines: list[str]) -> list[Script]:
    variables: dict[str, str] = {}
    found: list[tuple[int, str]] = []
    continued = False
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if continued:
            found.append((number, line))
        elif stripped.upper().startswith("RUN "):
            found.append((number, stripped[4:]))
        else:
            match = _DOCKER_VAR.match(stripped)
            if match and match.group("value") is not None:
                variables[match.group("name")] = match.group("value").strip().strip('"')
            continue
        continued = stripped.endswith("\\")
    return [Script(found, variables)] if found else []
