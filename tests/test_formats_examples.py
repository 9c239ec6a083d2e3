"""The CI examples in examples/ci are valid YAML and call the command line as it is."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from reliability_lint.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ci"
_COMMAND = re.compile(r"\breliability-lint (?:check|fix|baseline)[^>\n]*")


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return []


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_example_commands_parse(name: str) -> None:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    commands = [m.group() for s in _strings(yaml.safe_load(text)) for m in _COMMAND.finditer(s)]
    assert len(commands) >= 3
    formats = set()
    for command in commands:
        args = shlex.split(command)[1:]
        with cli.make_context("reliability-lint", list(args), resilient_parsing=False) as context:
            subcommand = cli.get_command(context, args[0])
            assert subcommand is not None
            sub_context = subcommand.make_context(args[0], args[1:], parent=context)
            formats.add(sub_context.params.get("output_format"))
    expected = {"github", "sarif"} if name.startswith("github") else {"gitlab", "junit"}
    assert expected <= formats


def test_readme_points_at_the_examples() -> None:
    readme = (EXAMPLES.parent.parent / "README.md").read_text(encoding="utf-8")
    for example in ("examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"):
        assert example in readme
