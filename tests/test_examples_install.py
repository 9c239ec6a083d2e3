"""The CI and pre-commit examples install from a place that exists: the repository at a
release tag. The pre-commit example config runs as written against a local clone (its
`repo:` pointed at the clone, its `rev:` a tag made there), and the pip requirement of the
CI examples installs from that clone.

Both real runs install the package and its dependencies into fresh environments from the
package index: marked `network` (`python -m pytest -m network` runs only them). A commit of
this repository is cloned: commit your changes before running them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "ci"
REQUIREMENT = re.compile(r'pip install "reliability-lint @ git\+(?P<url>[^@"]+)@(?P<rev>v\d+\.\d+\.\d+)"')
DEFECT = "def load(client):\n    try:\n        client.flush()\n    except:\n        client.close()\n        raise\n"
needs_checkout = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout of reliability-lint"
)


def _precommit() -> dict:
    return yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text(encoding="utf-8"))


def _requirements() -> list[re.Match[str]]:
    found = []
    for name in ("github-actions.yml", "gitlab-ci.yml"):
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        yaml.safe_load(text)  # still valid YAML
        matches = list(REQUIREMENT.finditer(text))
        assert len(matches) == 1, name
        assert "pip install reliability-lint\n" not in text  # no index serves it
        found.extend(matches)
    return found


def test_every_example_names_the_same_repository_and_release_tag() -> None:
    (repo,) = _precommit()["repos"]
    for requirement in _requirements():
        assert (requirement["url"], requirement["rev"]) == (repo["repo"], repo["rev"])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert repo["repo"] in readme and f"git+{repo['repo']}@{repo['rev']}" in readme
    hooks = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert {hook["id"] for hook in repo["hooks"]} <= hooks


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
    }  # fmt: skip


def _clone_at_tag(tmp_path: Path, tag: str, env: dict[str, str]) -> Path:
    clone = tmp_path / "reliability-lint"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, capture_output=True, env=env)
    subprocess.run(["git", "tag", "-f", tag], cwd=clone, check=True, capture_output=True, env=env)
    return clone


@pytest.mark.network
@needs_checkout
def test_the_precommit_example_runs_as_written_against_a_clone(tmp_path: Path) -> None:
    env = _env(tmp_path)
    written = (EXAMPLES / "pre-commit-config.yaml").read_text(encoding="utf-8")
    (repo,) = _precommit()["repos"]
    clone = _clone_at_tag(tmp_path, repo["rev"], env)
    config = written.replace(f"repo: {repo['repo']}", f"repo: {clone}", 1)
    assert config != written and f"rev: {repo['rev']}" in config
    project = tmp_path / "project"
    project.mkdir()
    (project / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    (project / "job.py").write_text(DEFECT, encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)

    run("git", "init", "-q")
    run("git", "add", "-A")
    first = run(sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")
    output = first.stdout + first.stderr
    assert first.returncode == 1, output
    assert re.search(r"^reliability-lint \(fix\)\.+Failed$", output, re.M), output
    assert "files were modified by this hook" in output
    assert "except BaseException:" in (project / "job.py").read_text(encoding="utf-8")
    run("git", "add", "-A")
    second = run(sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never")
    assert second.returncode == 0, second.stdout + second.stderr
    assert re.search(r"^reliability-lint\.+Passed$", second.stdout, re.M), second.stdout


@pytest.mark.network
@needs_checkout
def test_the_ci_pip_requirement_installs_from_the_tag(tmp_path: Path) -> None:
    env = _env(tmp_path)
    requirement = _requirements()[0]
    clone = _clone_at_tag(tmp_path, requirement["rev"], env)
    # file://localhost/...: a PEP 508 URL needs a host, and git reads it as the local path.
    local = f"file://localhost{clone.as_posix()}"
    spec = requirement.group(0).removeprefix("pip install ").strip('"').replace(requirement["url"], local)
    venv.create(tmp_path / "venv", with_pip=True)
    python = tmp_path / "venv" / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", spec], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    version = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "reliability-lint"), "--version"], capture_output=True, text=True, check=False,
        env={k: v for k, v in env.items() if k != "PYTHONPATH"},
    )  # fmt: skip
    assert version.returncode == 0 and "reliability-lint" in version.stdout, version.stderr
