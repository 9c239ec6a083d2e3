"""The secret rules through the real command line: redaction of every byte the tool writes,
REL303 against real git repositories, skipped files, and the demo pipeline's fix."""

from __future__ import annotations

import os
import py_compile
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[3] / "examples" / "legacy_pipeline"
AWS_ID = "AKIA" + "KZ4S0CRZL7BE27FU"
AWS_SECRET = "raLXiIaadr1bfddKVruQ" + "v2ShyFkdV8lmzDpFYelv"
PASSWORD = "OwzdsvXB" + "JGbaxUwL"
STRIPE = "sk_" + "live_3f37M8YR6l2eydUcsDMbijeB"
SECRETS = (AWS_ID, AWS_SECRET, PASSWORD, STRIPE)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args], cwd=cwd, capture_output=True, check=False
    )


def git(*args: str, cwd: Path) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def plant(folder: Path) -> None:
    (folder / "pkg").mkdir()
    (folder / "pkg" / "monitoring.py").write_text(
        "import boto3\n\n"
        f'AWS_ACCESS_KEY_ID = "{AWS_ID}"\n'
        f'SMTP_PASSWORD: str = "{PASSWORD}"\n'
        f'client = boto3.client("s3", aws_secret_access_key="{AWS_SECRET}")\n'
        "try:\n    pass\nexcept:\n    pass\n"
    )
    (folder / ".env").write_text(f"STRIPE_API_KEY={STRIPE}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\n")
    (folder / "config.yaml").write_text(f"db:\n  password: {PASSWORD}\n")
    (folder / "pyproject.toml").write_text("[tool.reliability-lint]\nextend-select = ['B']\n")


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts)


def test_no_secret_in_any_byte_the_tool_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from reliability_lint.cli import cli

    plant(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    written = b""
    for args in (
        ["check", ".", "-j", "1"],
        ["check", ".", "-j", "1", "--output-format", "json"],
        ["check", ".", "-j", "1", "--output-format", "concise", "--statistics"],
        ["fix", ".", "-j", "1", "--unsafe-fixes", "--diff"],
        ["check", ".", "-j", "1", "--select", "REL303,B105"],
        ["fix", ".", "-j", "1", "--unsafe-fixes", "--output-format", "json"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code in (0, 1), (args, result.output)
        written += result.stdout_bytes + result.stderr_bytes
    for needle in (b"REL301", b"REL302", b"REL303", b"B106", b"@@"):
        assert needle in written, needle
    written += (tmp_path / "pkg" / "monitoring.py").read_bytes()  # what fix wrote
    for secret in SECRETS:
        assert secret.encode() not in written, secret[:4]


def test_dotenv_tracked_untracked_and_ignored(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    (tmp_path / ".env").write_text("A=1\n")
    (tmp_path / ".env.example").write_text("A=\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".env.local").write_text("A=1\n")
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / ".env").write_text("A=1\n")
    (tmp_path / ".gitignore").write_text("ignored/.env\n")
    git("add", ".env", ".env.example", ".gitignore", cwd=tmp_path)
    git("commit", "-qm", "init", cwd=tmp_path)
    result = run("check", ".", "--select", "REL303", "--output-format", "concise", cwd=tmp_path)
    lines = result.stdout.decode().splitlines()
    reported = sorted(line.split(":")[0] for line in lines if "REL303" in line)
    assert reported == [".env", os.path.join("sub", ".env.local")]
    assert "`.env` is committed: its values are in the git history" in next(line for line in lines if line.startswith(".env:"))
    assert "not ignored" in next(line for line in lines if line.startswith("sub"))
    # Given explicitly (as pre-commit does), an ignored .env is still not reported.
    explicit = run("check", "ignored/.env", "--select", "REL303", cwd=tmp_path)
    assert explicit.returncode == 0, explicit.stdout


def test_dotenv_nested_staged_is_named_by_its_path_and_not_said_to_be_in_the_history(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "README").write_text("x\n")
    git("add", "README", cwd=tmp_path)
    git("commit", "-qm", "init", cwd=tmp_path)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / ".env").write_text("A=1\n")
    git("add", "deploy/.env", cwd=tmp_path)
    staged = run("check", ".", "--select", "REL303", "--output-format", "concise", cwd=tmp_path).stdout.decode()
    assert "`deploy/.env` is staged, not yet committed: `git rm --cached deploy/.env`" in staged
    assert "history" not in staged
    # From inside the folder the path is still the one from the top of the repository.
    inside = run("check", ".env", "--select", "REL303", cwd=tmp_path / "deploy").stdout.decode()
    assert "`deploy/.env` is staged" in inside
    git("commit", "-qm", "oops", cwd=tmp_path)
    committed = run("check", ".", "--select", "REL303", "--output-format", "concise", cwd=tmp_path).stdout.decode()
    assert "`deploy/.env` is committed: its values are in the git history" in committed


def test_dotenv_outside_a_repository_follows_its_gitignore(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / ".env").write_text("A=1\n")
    (tmp_path / "b" / ".env").write_text("A=1\n")
    (tmp_path / "b" / ".gitignore").write_text(".env\n")
    a = run("check", "a/.env", "--select", "REL303", cwd=tmp_path)
    b = run("check", "b/.env", "--select", "REL303", cwd=tmp_path)
    assert (a.returncode, b.returncode) == (1, 0)


def test_lock_binary_and_oversized_files_are_skipped_and_counted(tmp_path: Path) -> None:
    (tmp_path / "poetry.lock").write_text(f'key = "{AWS_ID}"\n')
    (tmp_path / "package-lock.json").write_text(f'{{"k": "{AWS_ID}"}}\n')
    (tmp_path / "blob.txt").write_bytes(b"\x00\x01" + AWS_ID.encode())
    (tmp_path / "big.md").write_text(f"{AWS_ID}\n" + "x" * 2000)
    (tmp_path / "small.md").write_text(f"key {AWS_ID}\n")
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.secrets]\nmax-file-size = 1000\n")
    result = run("check", ".", "--select", "REL302", cwd=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "small.md:1:5: REL302" in out and "big.md" not in out
    assert "Skipped 2 lock files." in out
    assert "Skipped 1 binary file." in out
    assert "Skipped 1 oversized file." in out


def test_demo_pipeline_secrets_and_fix(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    result = run("check", ".", "--select", "REL3", "--output-format", "concise", cwd=demo)
    reported = sorted(
        (line.split(":")[0], int(line.split(":")[1]), line.split()[1])
        for line in result.stdout.decode().splitlines()
        if " REL3" in line
    )
    assert reported == sorted(
        [
            (os.path.join("pipeline", "monitoring.py"), 19, "REL301"),
            (os.path.join("pipeline", "monitoring.py"), 34, "REL301"),
            (os.path.join("pipeline", "settings.py"), 37, "REL301"),
            (".env", 1, "REL303"),
            (".env", 9, "REL302"),
            (".env", 12, "REL302"),
            (".env", 13, "REL302"),
            (".env", 16, "REL302"),
            (os.path.join("config", "pipeline.yaml"), 21, "REL302"),
            (os.path.join("docs", "HANDOFF.md"), 24, "REL302"),
        ]
    )
    fixed = run("fix", ".", "--unsafe-fixes", "--select", "REL301", cwd=demo)
    assert fixed.returncode == 0, fixed.stdout
    assert b"Fixed 3 problems." in fixed.stdout
    for path in (demo / "pipeline").glob("*.py"):
        py_compile.compile(str(path), doraise=True)
    monitoring = (demo / "pipeline" / "monitoring.py").read_text()
    assert 'AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]' in monitoring
    assert 'aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"]' in monitoring
    assert "\nimport os\n" in monitoring
    settings = (demo / "pipeline" / "settings.py").read_text()
    assert 'SMTP_PASSWORD: str = os.environ["SMTP_PASSWORD"]' in settings
    assert settings.count("import os") == 1
    snapshot = all_bytes(demo)
    again = run("fix", ".", "--unsafe-fixes", "--select", "REL301", cwd=demo)
    assert again.returncode == 0 and all_bytes(demo) == snapshot


def test_detect_secrets_is_not_imported_without_a_candidate(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("def total(rows):\n    return sum(rows)\n")
    probe = (
        "import sys\nfrom reliability_lint.testing import check_text\n"
        "check_text(open('plain.py').read(), ['REL301'])\n"
        "print('detect_secrets' in sys.modules, 'libcst' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, check=True)
    assert result.stdout.split() == [b"False", b"False"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_parallel_runs_report_the_same(tmp_path: Path, jobs: str) -> None:
    for i in range(20):
        (tmp_path / f"m{i}.py").write_text(f'password = "s3cr3tPa55{i:02d}"\n')
        (tmp_path / f"c{i}.yaml").write_text(f"password: s3cr3tPa55{i:02d}\n")
    result = run("check", ".", "--select", "REL3", "--statistics", "-j", jobs, cwd=tmp_path)
    assert "20  REL301" in result.stdout.decode() and "20  REL302" in result.stdout.decode()
