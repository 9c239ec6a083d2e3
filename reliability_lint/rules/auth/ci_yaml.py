"""Commands in YAML: Cloud Build steps (`args` of a gcloud step, `bash -c` scripts,
`script:`), with `substitutions` resolved, and the `run:` / `script:` blocks of GitHub
Actions and GitLab CI."""

from __future__ import annotations

import re
from typing import Any

from reliability_lint.rules.auth.commands import Command, commands
from reliability_lint.rules.auth.scripts import Script

_SUBSTITUTION = re.compile(r"\$(?:\{(?P<braced>_?[A-Z][A-Z0-9_]*)\}|(?P<plain>_?[A-Z][A-Z0-9_]*))")
_SCRIPT_KEYS = frozenset({"run", "script", "before_script", "after_script"})
_SHELLS = frozenset({"bash", "sh", "/bin/bash", "/bin/sh", "zsh"})


class YamlError(Exception):
    """The file is not YAML this can read."""


def yaml_commands(text: str) -> list[Command]:
    import yaml  # type: ignore[import-untyped]

    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise YamlError(f"cannot read the YAML{where}") from None
    found: list[Command] = []
    for document in documents:
        if document is None:
            continue
        top = _mapping(document)
        if "steps" in top:
            found.extend(_cloud_build(top))
        else:
            found.extend(_ci(document))
    return found


def _mapping(node: Any) -> dict[str, Any]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _scalar(node: Any) -> str | None:
    import yaml

    return node.value if isinstance(node, yaml.ScalarNode) else None


def _first_line(node: Any) -> int:
    """1-based line of a scalar's first character of content."""
    return node.start_mark.line + (2 if node.style in ("|", ">") else 1)


def _script_of(node: Any, variables: dict[str, str]) -> Script:
    text = node.value
    first = _first_line(node)
    if node.style in ("|", ">") or "\n" not in text:
        lines = [(first + i, line) for i, line in enumerate(text.split("\n"))]
    else:  # a folded plain or quoted scalar: its lines are not the file's lines
        lines = [(first, text.replace("\n", " "))]
    return Script(lines, dict(variables))


def _cloud_build(top: dict[str, Any]) -> list[Command]:
    import yaml

    substitutions = {k: _scalar(v) or "" for k, v in _mapping(top.get("substitutions")).items()}
    found: list[Command] = []
    steps = top["steps"]
    for step in steps.value if isinstance(steps, yaml.SequenceNode) else []:
        fields = _mapping(step)
        name = _scalar(fields.get("name")) or ""
        entrypoint = _scalar(fields.get("entrypoint"))
        env = _env(fields.get("env"))
        args = fields.get("args")
        arg_nodes = [a for a in args.value if isinstance(a, yaml.ScalarNode)] if isinstance(args, yaml.SequenceNode) else []
        if "script" in fields and isinstance(fields["script"], yaml.ScalarNode):
            found.extend(_substituted(commands(_script_of(fields["script"], env)), substitutions))
        if entrypoint in _SHELLS or (entrypoint is None and name.rpartition("/")[2] in _SHELLS):
            scripts = [a for i, a in enumerate(arg_nodes) if i > 0 and arg_nodes[i - 1].value in ("-c", "-ec", "-xc", "-eu", "-euo")]
            for node in scripts:
                found.extend(_substituted(commands(_script_of(node, env)), substitutions))
        elif entrypoint == "gcloud" or (entrypoint is None and name.rstrip("/").endswith(("/gcloud", "cloud-sdk", "cloud-sdk:latest", "cloud-sdk:slim"))):
            if arg_nodes:
                values = [a.value for a in arg_nodes]
                # the cloud-sdk image has no entrypoint: its args name gcloud themselves
                words = tuple(values if values[0] == "gcloud" else ["gcloud", *values])
                lines = tuple(sorted({_first_line(a) for a in arg_nodes}))
                found.extend(_substituted([Command(words, lines)], substitutions))
    return found


def _env(node: Any) -> dict[str, str]:
    """A step's `env: ["NAME=value"]`."""
    import yaml

    values: dict[str, str] = {}
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            name, equals, value = (_scalar(item) or "").partition("=")
            if equals:
                values[name] = value
    return values


def _substituted(found: list[Command], substitutions: dict[str, str]) -> list[Command]:
    """Cloud Build's `$_NAME` / `${_NAME}` (and `$$` for a literal `$`)."""
    result = []
    for command in found:
        words, unresolved = [], set(command.unresolved)
        for index, word in enumerate(command.words):
            def replace(match: re.Match[str]) -> str:
                name = match.group("braced") or match.group("plain")
                if name in substitutions:
                    return substitutions[name]
                unresolved.add(index)
                return match.group()

            words.append(_SUBSTITUTION.sub(replace, word.replace("$$", "\0")).replace("\0", "$"))
        result.append(Command(tuple(words), command.lines, frozenset(unresolved)))
    return result


def _ci(node: Any) -> list[Command]:
    """Every `run:` (GitHub Actions) and `script:` list or block (GitLab CI) in the file."""
    import yaml

    found: list[Command] = []
    stack = [node]
    seen: set[int] = set()  # anchors and aliases share nodes: visit each once
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value in _SCRIPT_KEYS:
                    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
                    for item in items:
                        if isinstance(item, yaml.ScalarNode):
                            found.extend(commands(_script_of(item, {})))
                else:
                    stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return found
