"""The configuration as a user meets it (tests/MUTATION.md, config): each key's wrong value
named in one line, the config found and read where the user expects, and the selection,
excludes and per-file-ignores it resolves to. Through the click command, in this process."""

from __future__ import annotations

from pathlib import Path

import cache_files
import pytest
from test_regressions_core import SWALLOW, concise, run

TABLE = "[tool.reliability-lint]\n"


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def every(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    """`path:line: CODE` of each finding, bandit's B codes too (concise() keeps REL codes)."""
    code, out, err = run(root, monkeypatch, "check", "--output-format", "concise", "--no-progress", "--no-cache", *args, ".")
    assert code in (0, 1), out + err
    return [f"{line.split(':')[0]}:{line.split(':')[1]}: {line.split(': ')[1].split()[0]}" for line in out.splitlines() if line.startswith("job.py:")]


def error_of(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    code, out, err = run(root, monkeypatch, "check", "--no-cache", *args, ".")
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("extend-select = 'REL1'", "tool.reliability-lint.extend-select must be a list of strings"),
        ("ignore = ['REL1', 2]", "tool.reliability-lint.ignore must be a list of strings"),
        ("exclude = 'build'", "tool.reliability-lint.exclude must be a list of strings"),
        ("per-file-ignores = ['a.py']", "tool.reliability-lint.per-file-ignores must be a table of glob = list of rule codes"),
        ("per-file-ignores = { 'a.py' = 'REL1' }", "tool.reliability-lint.per-file-ignores must be a table of glob = list of rule codes"),
        ("local-rules = 3", "tool.reliability-lint.local-rules must be a list of strings"),
        ("cache-dir = 1", "tool.reliability-lint.cache-dir must be a string"),
        ("baseline = ['a']", "tool.reliability-lint.baseline must be a string (a file path)"),
        ("docs-url = 'ftp://host/rules/'", "tool.reliability-lint.docs-url must be a URL"),
        ("selct = ['REL1']", "unknown key 'tool.reliability-lint.selct'"),
        ("todos = { tags = ['TODO'] }\nselct = ['REL1']", "unknown key 'tool.reliability-lint.selct'"),
        ("per-file-ignores = { 'a.py' = ['XYZ1'] }", "tool.reliability-lint.per-file-ignores.a.py: unknown rule code 'XYZ1'"),
        ("extend-safe-fixes = ['REL9999']", "tool.reliability-lint.extend-safe-fixes: unknown rule code 'REL9999'"),
        ("extend-unsafe-fixes = ['XYZ']", "tool.reliability-lint.extend-unsafe-fixes: unknown rule code 'XYZ'"),
        ("todos = 'yes'", "tool.reliability-lint.todos must be a table"),
        ("todos = { max-age = true }", "tool.reliability-lint.todos.max-age must be an integer"),
        ("todos = { max-age = 0 }", "tool.reliability-lint.todos.max-age must be a positive number of days"),
        ("todos = { tags = 'TODO' }", "tool.reliability-lint.todos.tags must be a list"),
        ("todos = { tags = ['TO DO'] }", "tool.reliability-lint.todos.tags must be a non-empty list of words"),
        ("todos = { reference-pattern = '(' }", "tool.reliability-lint.todos.reference-pattern is not a valid regular expression"),
        ("todos = { owner = 'x' }", "unknown key 'tool.reliability-lint.todos.owner'"),
        ("exceptions = { include-specific = 1 }", "tool.reliability-lint.exceptions.include-specific must be a boolean"),
        ("timeouts = { wait = [600] }", "tool.reliability-lint.timeouts.wait must be an integer or a number or a string"),
        ("timeouts = { wait = true }", "tool.reliability-lint.timeouts.wait must be an integer or a number or a string"),
        ("todos = { reference-pattern = 3 }", "tool.reliability-lint.todos.reference-pattern must be a string"),
        ("auth = { private-services = ['api'] }", "tool.reliability-lint.auth.private-services must be dict"),
    ],
)
def test_a_wrong_value_is_named_by_its_key_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, message: str) -> None:
    write(tmp_path, "job.py", SWALLOW)
    write(tmp_path, "pyproject.toml", TABLE + config + "\n")
    err = error_of(tmp_path, monkeypatch)
    assert message in err
    assert str(tmp_path / "pyproject.toml") in err


@pytest.mark.parametrize("value", ["'docs/'", "['https://host/rules/']", "true"])
def test_docs_url_accepts_only_a_url_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    write(tmp_path, "pyproject.toml", TABLE + f"docs-url = {value}\n")
    assert "docs-url must be a URL" in error_of(tmp_path, monkeypatch)


@pytest.mark.parametrize("value", ["https://host/rules/", "http://host/rules/", "file:///srv/rules/"])
def test_docs_url_of_every_scheme_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    write(tmp_path, "job.py", SWALLOW)
    write(tmp_path, "pyproject.toml", TABLE + f"docs-url = '{value}'\nselect = ['REL101']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", ".") == ["job.py:4: REL101"]


def test_the_keys_of_another_config_file_are_named_without_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", SWALLOW)
    other = write(tmp_path, "lint.toml", "select = 'REL1'\n")
    err = error_of(tmp_path, monkeypatch, "--config", "lint.toml")
    assert err.endswith(f"{other.name}: select must be a list of strings")
    write(tmp_path, "lint.toml", "[todos]\nmax-age = -1\n")
    assert error_of(tmp_path, monkeypatch, "--config", "lint.toml").endswith(
        "lint.toml: todos.max-age must be a positive number of days"
    )
    write(tmp_path, "lint.toml", "selct = ['REL1']\n")
    assert error_of(tmp_path, monkeypatch, "--config", "lint.toml").endswith("lint.toml: unknown key 'selct'")


def test_another_config_file_may_hold_the_table_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", SWALLOW)
    write(tmp_path, "lint.toml", "[tool.other]\nx = 1\n[tool.reliability-lint]\nselect = ['REL102']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--config", "lint.toml", ".") == ["job.py:4: REL102"]
    write(tmp_path, "lint.toml", "[tool.reliability-lint]\nselect = ['REL101']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--config", "lint.toml", ".") == ["job.py:4: REL101"]


def test_a_pyproject_named_by_config_without_the_table_is_an_empty_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", SWALLOW)
    write(tmp_path, "pyproject.toml", "select = ['REL102']\n[project]\nname = 'x'\n")
    found = concise(tmp_path, monkeypatch, "--no-cache", "--config", "pyproject.toml", ".")
    assert found == ["job.py:4: REL101", "job.py:4: REL102"]  # the defaults, not the top-level keys


def test_the_table_must_be_a_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "lint.toml", "tool = { reliability-lint = 3 }\n")
    err = error_of(tmp_path, monkeypatch, "--config", "lint.toml")
    assert err.endswith("lint.toml: tool.reliability-lint must be a table")


def test_an_unreadable_or_invalid_config_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "lint.toml", "select = [\n")
    assert "lint.toml: invalid TOML: " in error_of(tmp_path, monkeypatch, "--config", "lint.toml")
    (tmp_path / "folder.toml").mkdir()
    code, out, err = run(tmp_path, monkeypatch, "check", "--config", "folder.toml", ".")
    assert code == 2 and "folder.toml" in err, out + err


def test_the_nearest_config_with_the_table_is_found_from_a_file_or_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", TABLE + "select = ['REL102']\n")
    write(tmp_path, "pkg/pyproject.toml", "[project]\nname = 'x'\n")  # no table: keep looking up
    write(tmp_path, "pkg/sub/job.py", SWALLOW)
    assert concise(tmp_path, monkeypatch, "--no-cache", "pkg") == ["pkg/sub/job.py:4: REL102"]
    assert concise(tmp_path, monkeypatch, "--no-cache", "pkg/sub/job.py") == ["pkg/sub/job.py:4: REL102"]
    write(tmp_path, "pkg/sub/pyproject.toml", TABLE + "select = ['REL101']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "pkg/sub") == ["pkg/sub/job.py:4: REL101"]
    assert concise(tmp_path, monkeypatch, "--no-cache", "pkg/sub/job.py") == ["pkg/sub/job.py:4: REL101"]


def test_a_broken_nearest_pyproject_is_reported_not_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", TABLE + "select = ['REL102']\n")
    write(tmp_path, "pkg/job.py", SWALLOW)
    write(tmp_path, "pkg/pyproject.toml", "[project\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "pkg")
    assert code == 2 and str(tmp_path / "pkg" / "pyproject.toml") in err and "invalid TOML" in err, out + err


def test_paths_in_the_config_are_relative_to_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "pyproject.toml", TABLE + "select = ['REL101']\ncache-dir = 'var/cache'\nexclude = ['pkg/gen']\n")
    write(tmp_path, "pkg/gen/models.py", SWALLOW)
    write(tmp_path, "pkg/job.py", SWALLOW)
    code, out, err = run(tmp_path / "pkg", monkeypatch, "check", "--output-format", "concise", ".")
    assert code == 1 and "job.py" in out and "models.py" not in out, out + err
    assert cache_files.entries(tmp_path / "var" / "cache"), "the cache is in the configured folder"
    assert not (tmp_path / "pkg" / "var").exists()


def test_a_flag_with_an_unknown_code_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", SWALLOW)
    for flag in ("--select", "--extend-select", "--ignore"):
        assert error_of(tmp_path, monkeypatch, flag, "REL9999").startswith(f"error: {flag}: unknown rule code 'REL9999'")


# ------------------------------------------------------------------ selection


def test_the_default_selection_leaves_out_opt_in_rules_until_selected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", "def load():\n    exec(code)\n    try:\n        run()\n    except:\n        pass\n")
    assert every(tmp_path, monkeypatch) == ["job.py:5: REL101", "job.py:5: REL102"]
    found = every(tmp_path, monkeypatch, "--extend-select", "B102")
    assert found == ["job.py:2: B102", "job.py:5: REL101", "job.py:5: REL102"]
    found = every(tmp_path, monkeypatch, "--select", "ALL", "--ignore", "REL1")
    assert "job.py:2: B102" in found and not [f for f in found if ": REL1" in f]
    assert every(tmp_path, monkeypatch, "--select", "B") == ["job.py:2: B102", "job.py:5: B110"]
    # a select replaces the defaults: REL102 is not selected by a REL101 select
    assert every(tmp_path, monkeypatch, "--select", "REL101") == ["job.py:5: REL101"]
    # a more specific select wins over a broader ignore, and the other way round
    found = every(tmp_path, monkeypatch, "--ignore", "REL1", "--extend-select", "REL102")
    assert found == ["job.py:5: REL102"]
    assert every(tmp_path, monkeypatch, "--select", "REL1", "--ignore", "REL101") == ["job.py:5: REL102"]
    assert every(tmp_path, monkeypatch, "--select", "REL", "--ignore", "ALL") == ["job.py:5: REL101", "job.py:5: REL102"]


def test_config_selection_and_flags_add_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", "def load():\n    exec(code)\n    try:\n        run()\n    except:\n        pass\n")
    write(tmp_path, "pyproject.toml", TABLE + "extend-select = ['B102']\nignore = ['REL102']\n")
    assert every(tmp_path, monkeypatch) == ["job.py:2: B102", "job.py:5: REL101"]
    assert every(tmp_path, monkeypatch, "--ignore", "B102") == ["job.py:5: REL101"]  # a tie: ignore wins
    # the configured select is more specific than a broader ignore on the command line
    assert every(tmp_path, monkeypatch, "--ignore", "B") == ["job.py:2: B102", "job.py:5: REL101"]
    # --select replaces the selection; the configured extend-select still adds to it
    assert every(tmp_path, monkeypatch, "--select", "REL10") == ["job.py:2: B102", "job.py:5: REL101"]


# ------------------------------------------------------------------ paths


def test_excludes_match_names_globs_and_folder_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("a/vendored/x.py", "a/b_pb2.py", "a/keep.py", "gen/deep/y.py", "src/gen/z.py", "src/gen_tools.py", "out/X/c.py", "out/d.py")
    for name in names:
        write(tmp_path, name, SWALLOW)
    write(tmp_path, "pyproject.toml", TABLE + "select = ['REL101']\nextend-exclude = ['vendored', '*_pb2.py', './gen/', 'src/gen/', 'out/X']\n")
    found = concise(tmp_path, monkeypatch, "--no-cache", ".")
    assert found == ["a/keep.py:4: REL101", "out/d.py:4: REL101", "src/gen_tools.py:4: REL101"]
    # exclude replaces the defaults and the configured list; extend-exclude still applies
    found = concise(tmp_path, monkeypatch, "--no-cache", "--exclude", "keep.py", ".")
    assert found == ["out/d.py:4: REL101", "src/gen_tools.py:4: REL101"]


def test_per_file_ignores_match_globs_and_ignore_only_their_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("tests/test_a.py", "src/x/tests_b.py", "src/main.py", "scripts/run.py"):
        write(tmp_path, name, SWALLOW)
    write(tmp_path, "tools/ZZX/a.py", SWALLOW)
    write(tmp_path, "tools/ZZ/b.py", SWALLOW)
    write(
        tmp_path,
        "pyproject.toml",
        TABLE + "[tool.reliability-lint.per-file-ignores]\n'tests/*' = ['REL101']\n'**/tests_*.py' = ['REL1']\n"
        "'./scripts/' = ['REL102']\n'tools/ZZX' = ['REL1']\n",
    )
    found = concise(tmp_path, monkeypatch, "--no-cache", ".")
    assert found == [
        "scripts/run.py:4: REL101",
        "src/main.py:4: REL101", "src/main.py:4: REL102",
        "tests/test_a.py:4: REL102",
        "tools/ZZ/b.py:4: REL101", "tools/ZZ/b.py:4: REL102",
    ]  # fmt: skip


def test_a_config_that_cannot_be_read_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "file.txt", "")
    assert error_of(tmp_path, monkeypatch, "--config", "file.txt/lint.toml") == "error: file.txt/lint.toml: cannot read: Not a directory"


def test_per_file_ignores_of_all_ignore_every_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "gen/job.py", SWALLOW)
    write(tmp_path, "job.py", SWALLOW)
    write(tmp_path, "pyproject.toml", TABLE + "[tool.reliability-lint.per-file-ignores]\n'gen/*' = ['ALL']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", ".") == ["job.py:4: REL101", "job.py:4: REL102"]


def test_a_config_file_of_top_level_keys_may_hold_other_tools_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", SWALLOW)
    write(tmp_path, "lint.toml", "select = ['REL102']\n[tool.other]\nx = 1\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", "--config", "lint.toml", ".") == ["job.py:4: REL102"]


def test_local_rules_may_name_one_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", SWALLOW)
    (tmp_path / "house_rules").mkdir()
    write(tmp_path, "pyproject.toml", TABLE + "local-rules = 'house_rules'\nselect = ['REL101']\n")
    assert concise(tmp_path, monkeypatch, "--no-cache", ".") == ["job.py:4: REL101"]


def test_all_is_the_least_specific_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "job.py", "def load():\n    exec(code)\n    try:\n        run()\n    except:\n        pass\n")
    assert every(tmp_path, monkeypatch, "--select", "B", "--ignore", "ALL") == ["job.py:2: B102", "job.py:5: B110"]
    assert every(tmp_path, monkeypatch, "--ignore", "ALL") == []  # the default selection counts as ALL


def test_options_given_in_memory_are_checked_and_named_as_the_configuration() -> None:
    from reliability_lint.config import ConfigError
    from reliability_lint.testing import check_text

    with pytest.raises(ConfigError, match=r"^configuration: unknown key 'todos\.owner'$"):
        check_text("x = 1\n", ["REL401"], options={"todos": {"owner": "x"}})
