from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent

# The cache's per-machine key lives in the user's cache directory: the tests (and every
# tool they start) use a private one, never the real user's.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="reliability-lint-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)
DEMO = ROOT / "examples" / "legacy_pipeline"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the click command in-process: cli(*args, cwd=...) -> (exit code, stdout, stderr)."""
    from reliability_lint.cli import cli as command

    def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(command, list(args), catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def as_unprivileged(command: list[str]) -> list[str]:
    """As root, drop the capabilities that let root read and write any file, so file
    permissions bite as they do for a user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


def run_tool(*args: str, cwd: Path, **kwargs) -> subprocess.CompletedProcess[str]:
    """The real executable, as pre-commit and CI run it."""
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, **kwargs,
    )  # fmt: skip


def git(*args: str, cwd: Path) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")  # fmt: skip
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo pipeline, safe to fix."""
    target = tmp_path / "legacy_pipeline"
    shutil.copytree(DEMO, target)
    return target


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite the golden files of the rule fixtures (tests/rules/README.md)",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("update_golden"))


_SECRET_TESTS = Path(__file__).parent / "rules" / "secrets"


@pytest.fixture(autouse=True)
def _secrets_precondition_holds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every secret the tests of tests/rules/secrets find is in a text the family's
    precondition matches (the engine skips a file no precondition matches): each analysis
    they run through reliability_lint.testing fails on a REL301 or REL302 finding in a
    text the precondition does not match."""
    if _SECRET_TESTS not in Path(str(request.node.path)).parents:
        return
    from reliability_lint import testing
    from reliability_lint.rules.secrets.catalogue import may_hold_secret, precondition

    analyze, pattern = testing.analyze, precondition({})
    assert pattern is not None

    def checked(src, *args, **kwargs):  # type: ignore[no-untyped-def]
        findings = analyze(src, *args, **kwargs)
        secrets = [f for f in findings if f.code in ("REL301", "REL302")]
        assert not secrets or pattern.search(src.text), f"precondition misses {src.path}: {secrets[0].message}"
        # A Python file is admitted by the narrower test the family declares to the engine.
        python = [f for f in secrets if f.code == "REL301" and src.path.suffix in (".py", ".pyi")]
        assert not python or may_hold_secret(src.text), f"the Python precondition misses {src.path}: {python[0].message}"
        return findings

    monkeypatch.setattr(testing, "analyze", checked)


def finding_rows(text: str, codes: list[str], **kwargs: object) -> list[tuple[int, int, int, int, str, str, str]]:
    """Each finding of `codes` in `text` as (line, col, end line, end col, code, message, fix)."""
    from reliability_lint.testing import check_text

    return [
        (f.line, f.col, f.end_line, f.end_col, f.code, f.message, f"{f.fix.applicability}: {f.fix.message}" if f.fix else "")
        for f in check_text(text, codes, **kwargs)  # type: ignore[arg-type]
    ]
