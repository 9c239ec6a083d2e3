"""Which files are checked, and what happens to the ones that cannot be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from conftest import as_unprivileged, git, run_tool

SWALLOW = "try:\n    g()\nexcept:\n    pass\n"


def write(folder: Path, name: str, content: str | bytes = SWALLOW) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def reported_files(output: str) -> set[str]:
    return {Path(row["filename"]).name for row in json.loads(output)}


def test_gitignore_is_honoured_in_a_repository(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    write(tmp_path, ".gitignore", "generated/\n*_pb2.py\n")
    write(tmp_path, "src/kept.py")
    write(tmp_path, "src/untracked.py")
    write(tmp_path, "generated/out.py")
    write(tmp_path, "src/api_pb2.py")
    git("add", ".gitignore", "src/kept.py", cwd=tmp_path)
    git("commit", "-qm", "init", cwd=tmp_path)
    result = run_tool("check", "--output-format", "json", ".", cwd=tmp_path)
    assert reported_files(result.stdout) == {"kept.py", "untracked.py"}
    # a subfolder of the repository is listed through git too
    result = run_tool("check", "--output-format", "json", "src", cwd=tmp_path)
    assert reported_files(result.stdout) == {"kept.py", "untracked.py"}


def test_an_ignored_folder_given_explicitly_is_checked(tmp_path: Path) -> None:
    git("init", "-q", cwd=tmp_path)
    write(tmp_path, ".gitignore", "vendored/\n")
    write(tmp_path, "vendored/lib/a.py")
    write(tmp_path, "vendored/.gitignore", "skip.py\n")
    write(tmp_path, "vendored/skip.py")
    assert reported_files(run_tool("check", "--output-format", "json", ".", cwd=tmp_path).stdout) == set()
    result = run_tool("check", "--output-format", "json", "vendored", cwd=tmp_path)
    assert reported_files(result.stdout) == {"a.py"}


def test_paths_outside_the_current_folder_are_shown_as_given(tmp_path: Path) -> None:
    write(tmp_path, "work/a.py")
    (tmp_path / "elsewhere").mkdir()
    result = run_tool("check", "--output-format", "concise", str(tmp_path / "work"), cwd=tmp_path / "elsewhere")
    assert f"{tmp_path / 'work' / 'a.py'}:3:1: REL101" in result.stdout


def test_gitignore_is_honoured_outside_a_repository(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "skip_me.py\nvendor/\n")
    write(tmp_path, "a.py")
    write(tmp_path, "skip_me.py")
    write(tmp_path, "vendor/lib.py")
    result = run_tool("check", "--output-format", "json", ".", cwd=tmp_path)
    assert reported_files(result.stdout) == {"a.py"}


def test_exclude_extend_exclude_and_explicit_files(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.reliability-lint]\nextend-exclude = ["legacy", "gen_*.py"]\n')
    write(tmp_path, "a.py")
    write(tmp_path, "gen_models.py")
    write(tmp_path, "legacy/old.py")
    write(tmp_path, ".venv/lib/site.py")  # a default exclude
    assert reported_files(run_tool("check", "--output-format", "json", ".", cwd=tmp_path).stdout) == {"a.py"}
    # explicit files are checked as pre-commit passes them, unless --force-exclude
    explicit = run_tool("check", "--output-format", "json", "legacy/old.py", "gen_models.py", cwd=tmp_path)
    assert reported_files(explicit.stdout) == {"old.py", "gen_models.py"}
    forced = run_tool("check", "--force-exclude", "--output-format", "json", "legacy/old.py", "a.py", cwd=tmp_path)
    assert reported_files(forced.stdout) == {"a.py"}
    # a folder named explicitly is checked even if excluded; exclusions apply below it
    assert reported_files(run_tool("check", "--output-format", "json", "legacy", cwd=tmp_path).stdout) == {"old.py"}
    replaced = run_tool("check", "--exclude", "a.py", "--output-format", "json", ".", cwd=tmp_path)
    assert reported_files(replaced.stdout) == {"site.py"}  # the defaults are gone, extend-exclude holds


def test_broken_files_get_one_line_each_and_the_rest_is_checked(tmp_path: Path) -> None:
    write(tmp_path, "syntax.py", "def f(:\n    pass  # TODO(#1)\n")  # a file a rule reads (REL000's page)
    write(tmp_path, "latin.py", "x = 'caf\xe9'\n".encode("latin-1"))
    write(tmp_path, "binary.py", b"\x7fELF\x00\x00\x01\x02")
    write(tmp_path, "empty.py", "")
    write(tmp_path, "good.py")
    locked = write(tmp_path, "locked.py")
    write(tmp_path, "deep.py", "# TODO(#1)\nx = " + "(" * 300 + ")" * 300 + "\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "missing.py")
    os.chmod(locked, 0)
    try:
        command = [sys.executable, "-m", "reliability_lint", "check", "--output-format", "concise", "."]
        result = subprocess.run(as_unprivileged(command), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        os.chmod(locked, 0o644)
    assert result.returncode == 1, result.stderr
    lines = [line for line in result.stdout.splitlines() if "REL000" in line]
    assert sorted(line.split(":")[0] for line in lines) == [
        "binary.py", "dangling.py", "deep.py", "latin.py", "locked.py", "syntax.py",
    ]  # fmt: skip
    assert "syntax.py:1:7: REL000 syntax error at line 1" in result.stdout
    assert "latin.py:1:1: REL000 cannot decode as utf-8 (line 1" in result.stdout
    assert "binary.py:1:1: REL000 binary file" in result.stdout
    assert "locked.py:1:1: REL000 Permission denied" in result.stdout
    assert "good.py:3:1: REL101" in result.stdout
    assert "empty.py" not in result.stdout


def test_unreadable_folder_is_reported_and_the_rest_checked(tmp_path: Path) -> None:
    write(tmp_path, "a.py")
    write(tmp_path, "private/b.py")
    os.chmod(tmp_path / "private", 0)
    try:
        command = [sys.executable, "-m", "reliability_lint", "check", "--output-format", "concise", "."]
        result = subprocess.run(as_unprivileged(command), cwd=tmp_path, capture_output=True, text=True, timeout=60)
    finally:
        os.chmod(tmp_path / "private", 0o755)
    assert "a.py:3:1: REL101" in result.stdout
    assert "private" in result.stdout and "REL000 cannot read directory" in result.stdout


def test_missing_path_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.py", "x = 1\n")
    result = run_tool("check", "a.py", "gone.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "gone.py:1:1: REL000 [P1] no such file or directory" in result.stdout


def test_non_python_files_named_explicitly_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "notes.xyz", "except:\n")
    assert run_tool("check", "notes.xyz", cwd=tmp_path).returncode == 0


def test_compiled_exclusion_matches_as_the_glob_set_does() -> None:
    """Discovery's compiled globs decide every path as config.GlobSet (fnmatch per glob)."""
    from itertools import product
    from pathlib import PurePosixPath

    from reliability_lint.config import DEFAULT_EXCLUDE, GlobSet
    from reliability_lint.discovery import CompiledGlobs

    patterns = [
        [*DEFAULT_EXCLUDE], ["legacy", "gen_*.py"], ["./build/", "src/*/generated", "docs/*.md"], ["[!a]*.py", "?.py"],
        ["*.min.js", "a[bc]/d"], ["src"], [], ["Weird (1).py", "ü*"], ["**/tmp"], ["src/"],
    ]  # fmt: skip
    paths = [
        "a.py", "b.py", "ab.py", "src/a.py", "src/x/generated/y.py", "src/x/generated", "src/generated/y.py",
        "legacy/old.py", "pkg/legacy/old.py", "gen_models.py", "pkg/gen_models.py", ".venv/lib/site.py",
        "build/lib/x.py", "x/build/y.py", "docs/a.md", "docs/sub/a.md", "ab/d", "ac/d/e", "ad/d", "Weird (1).py",
        "ünïcode.py", "deep/tmp/x", "tmp/x", "srcs/a.py", "node_modules/x/y.js", "lib.min.js",
    ]  # fmt: skip
    for chosen, path in product(patterns, paths):
        expected = GlobSet(chosen).matches(PurePosixPath(path))
        assert CompiledGlobs(chosen).matches(path) == expected, (chosen, path)


def test_paths_relative_to_the_root_as_pathlib_makes_them(tmp_path: Path, monkeypatch) -> None:
    """Settings.relative's string operations give what Path.relative_to gives."""
    from pathlib import PurePosixPath

    from reliability_lint.settings import Settings

    def by_pathlib(root: Path, path: Path) -> PurePosixPath:
        try:
            return PurePosixPath(path.absolute().relative_to(root).as_posix())
        except ValueError:
            return PurePosixPath(path.absolute().as_posix().lstrip("/"))

    (tmp_path / "project" / "src").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project")
    roots = [tmp_path / "project", Path("/"), tmp_path / "project" / "src", Path("relative"), tmp_path]
    paths = [
        Path("."), Path("a.py"), Path("src/x.py"), tmp_path / "project", tmp_path / "project" / "a" / "b.py",
        Path("/etc/hosts"), Path("../x.py"), Path("src"), Path(f"{tmp_path}/projectile/y.py"), Path("relative/a"),
    ]  # fmt: skip
    for root in roots:
        settings = Settings(root=root, enabled=frozenset())
        for path in paths:
            assert settings.relative(path) == by_pathlib(root, path), (root, path)
