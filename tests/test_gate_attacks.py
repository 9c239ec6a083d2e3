"""Issue 17: the CI gate against an untrusted pull request, and the runs one file could end.

Every test first builds the attack as a pull request would commit it, in a real git
repository in a temp folder, then runs the real command line as CI would. The CI run
uses its own user cache directory (its per-machine cache key); the attacker's runs use
another one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import cache_files
import pytest
from conftest import git

SECRET = "ghp_" + "Q7r8A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"
LEAKY = f'import os\n\nGITHUB_TOKEN = "{SECRET}"\n'
SWALLOW = "def f():\n    try:\n        g()\n    except:\n        pass\n"


def tool(*args: str, cwd: Path, cache_home: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ, **(env or {}))
    if cache_home is not None:
        environment["XDG_CACHE_HOME"] = str(cache_home)
    return subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args],
        cwd=cwd, capture_output=True, text=True, errors="surrogateescape", timeout=120, env=environment,
    )  # fmt: skip


def codes(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    """(path, code) of each finding of concise output."""
    found = []
    for line in result.stdout.splitlines():
        if ": REL" in line:
            location, rest = line.split(": ", 1)
            found.append((location.split(":")[0], rest.split()[0]))
    return sorted(found)


def gate(root: Path, cache_home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return tool("check", "--output-format", "concise", "--diff-base", "main", *extra, ".", cwd=root, cache_home=cache_home)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git("init", "-q", "-b", "main", cwd=root)
    (root / "app.py").write_text("import os\n\nGITHUB_TOKEN = os.environ['GITHUB_TOKEN']\n")
    git("add", ".", cwd=root)
    git("commit", "-qm", "base", cwd=root)
    git("checkout", "-qb", "pr", cwd=root)
    return root


@pytest.fixture
def ci_cache(tmp_path: Path) -> Path:
    folder = tmp_path / "ci-user-cache"
    folder.mkdir()
    return folder


def commit(root: Path, message: str = "pr") -> None:
    git("add", "-A", "-f", ".", cwd=root)
    git("commit", "-qm", message, cwd=root)


# ------------------------------------------------------------------ 1 and 7: the cache


def _forge_cache(root: Path, folder: str, attacker: Path) -> None:
    """What an attacker commits: entries for the PR's files made by their own runs, every
    finding removed, signed with their own machine's key (all they can have)."""
    result = tool("check", "--output-format", "concise", ".", cwd=root, cache_home=attacker)
    assert "REL301" in result.stdout
    key = (attacker / "reliability-lint" / "cache-key").read_bytes()
    # the tool's own signature, under their key
    assert cache_files.resign(root / folder, key, lambda entry: entry.update(findings=[]))
    (root / folder / ".gitignore").unlink(missing_ok=True)


@pytest.mark.parametrize("folder", [".reliability_lint_cache", "vendored/state"])
def test_a_committed_cache_does_not_hide_a_secret(repo: Path, ci_cache: Path, tmp_path: Path, folder: str) -> None:
    if folder != ".reliability_lint_cache":  # the PR's own config points the cache at a committed folder
        (repo / "pyproject.toml").write_text(f'[tool.reliability-lint]\ncache-dir = "{folder}"\n')
    (repo / "app.py").write_text(LEAKY)
    attacker = tmp_path / "attacker-cache"
    _forge_cache(repo, folder, attacker)
    # The forgery is good on the attacker's machine: it hides the secret there.
    assert "REL301" not in tool("check", "--output-format", "concise", ".", cwd=repo, cache_home=attacker).stdout
    commit(repo)
    assert git("ls-files", folder, cwd=repo).strip()
    result = gate(repo, ci_cache)
    assert ("app.py", "REL301") in codes(result) and result.returncode == 1, result.stdout + result.stderr
    assert SECRET not in result.stdout


def test_entries_without_a_valid_mac_are_ignored_and_the_key_is_private(repo: Path, ci_cache: Path) -> None:
    (repo / "app.py").write_text(LEAKY)
    assert ("app.py", "REL301") in codes(tool("check", "--output-format", "concise", ".", cwd=repo, cache_home=ci_cache))
    key = ci_cache / "reliability-lint" / "cache-key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert not list(repo.rglob("cache-key"))  # the key is never in the tree
    folder = repo / ".reliability_lint_cache"
    for damage in (["0" * 64], [None], [], ["0" * 64, "extra"]):
        items = cache_files.raw(folder)
        for name, (body, _) in items.items():
            items[name] = [json.dumps(dict(json.loads(body), findings=[])), *damage]
        cache_files.rewrite(folder, items)
        assert ("app.py", "REL301") in codes(tool("check", "--output-format", "concise", ".", cwd=repo, cache_home=ci_cache))


def test_a_key_others_can_read_is_not_trusted(repo: Path, ci_cache: Path) -> None:
    (repo / "app.py").write_text(LEAKY)
    tool("check", ".", cwd=repo, cache_home=ci_cache)
    key = ci_cache / "reliability-lint" / "cache-key"
    key.chmod(0o644)
    folder = repo / ".reliability_lint_cache"
    for entry in cache_files.files(folder):
        entry.unlink()
    result = tool("check", "--output-format", "concise", ".", cwd=repo, cache_home=ci_cache)
    assert ("app.py", "REL301") in codes(result)
    assert not cache_files.files(folder)  # no key: no cache at all


LOCAL_RULE = '''
import ast
from reliability_lint.registry import rule

@rule("LOC1", "local-print", "print call", "P3", nodes=(ast.Call,))
def local_print(node, ctx):
    if isinstance(node.func, ast.Name) and node.func.id == "print":
        ctx.report("LOC1", node, "MESSAGE")
'''


def test_a_changed_local_rule_does_not_reuse_old_findings(tmp_path: Path, ci_cache: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint"\n')
    (tmp_path / "lint").mkdir()
    rule = tmp_path / "lint" / "local.py"
    rule.write_text(LOCAL_RULE.replace("MESSAGE", "first version"))
    (tmp_path / "a.py").write_text("print(1)\n")
    assert "first version" in tool("check", ".", cwd=tmp_path, cache_home=ci_cache).stdout
    rule.write_text(LOCAL_RULE.replace("MESSAGE", "second version"))
    out = tool("check", ".", cwd=tmp_path, cache_home=ci_cache).stdout
    assert "second version" in out and "first version" not in out


def test_a_changed_installed_rule_pack_does_not_reuse_old_findings(tmp_path: Path, ci_cache: Path) -> None:
    site = tmp_path / "site"
    (site / "acme_rules").mkdir(parents=True)
    module = site / "acme_rules" / "__init__.py"
    module.write_text(LOCAL_RULE.replace("LOC1", "ACM1").replace("MESSAGE", "pack one"))
    info = site / "acme_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[reliability_lint.rules]\nacme = acme_rules\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "a.py").write_text("print(1)\n")
    (project / "pyproject.toml").write_text('[tool.reliability-lint]\nrule-packs = ["acme"]\n')
    env = {"PYTHONPATH": os.pathsep.join([os.environ.get("PYTHONPATH", ""), str(site)])}
    assert "pack one" in tool("check", ".", cwd=project, cache_home=ci_cache, env=env).stdout
    module.write_text(LOCAL_RULE.replace("LOC1", "ACM1").replace("MESSAGE", "pack two"))
    out = tool("check", ".", cwd=project, cache_home=ci_cache, env=env).stdout
    assert "pack two" in out and "pack one" not in out


def test_the_cache_key_names_the_detectors_and_every_loaded_rule_file(tmp_path: Path) -> None:
    from reliability_lint import cache

    local = tmp_path / "rule.py"
    local.write_text("X = 1\n")
    before = cache.code_fingerprint(frozenset({str(local)}))
    local.write_text("X = 2\n")
    cache.code_fingerprint.cache_clear()
    assert cache.code_fingerprint(frozenset({str(local)})) != before
    assert {"detect_secrets", "bandit"} <= set(cache._DETECTORS)
    for module in ("detect_secrets", "bandit"):
        assert ".dist-info" in cache._installed_version(module)  # the version is in the key


# ------------------------------------------------------------------ 2 and 3: the diff


def test_gitattributes_cannot_turn_python_into_binary(repo: Path, ci_cache: Path) -> None:
    (repo / ".gitattributes").write_text("* -text\n*.py -diff\n")
    (repo / "app.py").write_text(LEAKY)
    (repo / "new.py").write_text(SWALLOW)
    commit(repo)
    assert "Binary files" in git("diff", "main", cwd=repo)  # the attack works on plain git
    found = codes(gate(repo, ci_cache))
    assert ("app.py", "REL301") in found and ("new.py", "REL101") in found


def test_a_content_line_cannot_pass_for_a_file_header(repo: Path, ci_cache: Path) -> None:
    body = [f"x{n} = {n}" for n in range(30)]
    (repo / "app.py").write_text("\n".join(body) + "\n")
    commit(repo, "more")
    git("branch", "-qf", "main", cwd=repo)
    lines = list(body)
    # An added docstring whose line, in the diff, reads `+++ /dev/null` ...
    lines[2:2] = ['"""', "++ /dev/null", "diff --git a/x b/x", "@@ -1 +1,400 @@", '"""']
    lines[5] = 'x3 = 3  #\x0c+++ /dev/null'  # a form feed: str.splitlines would cut here
    # ... and a hunk further down that the old parser dropped.
    lines.append(f'TOKEN = "{SECRET}"')
    (repo / "app.py").write_text("\n".join(lines) + "\n")
    commit(repo)
    assert "+++ /dev/null" in git("diff", "main", cwd=repo).replace("\n+++ /dev/null", "")
    assert ("app.py", "REL301") in codes(gate(repo, ci_cache))


# ------------------------------------------------------------------ 4: file-wide noqa


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("app.py", f'HELP = "# reliability-lint: noqa"\nTOKEN = "{SECRET}"\n', "REL301"),
        ("app.py", f'"""Usage:\n\n    # reliability-lint: noqa\n"""\nTOKEN = "{SECRET}"\n', "REL301"),
        ("app.py", f'x = ("a"  # comment\n     "# reliability-lint: noqa")\nTOKEN = "{SECRET}"\n', "REL301"),
        ("conf.json", json.dumps({"help": "# reliability-lint: noqa", "token": SECRET}), "REL302"),
        ("conf.yaml", f'help: "# reliability-lint: noqa"\ntoken: {SECRET}\n', "REL302"),
    ],
)
def test_a_file_wide_noqa_in_a_string_silences_nothing(repo: Path, ci_cache: Path, name: str, content: str, code: str) -> None:
    (repo / name).write_text(content)
    commit(repo)
    assert (name, code) in codes(gate(repo, ci_cache))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("app.py", f'# reliability-lint: noqa\nTOKEN = "{SECRET}"\n'),
        ("app.py", f'TOKEN = "{SECRET}"\nx = 1  # reliability-lint: noqa: REL3\n'),
        ("conf.yaml", f"# reliability-lint: noqa\ntoken: {SECRET}\n"),
    ],
)
def test_a_file_wide_noqa_in_a_real_comment_still_works(repo: Path, ci_cache: Path, name: str, content: str) -> None:
    (repo / name).write_text(content)
    commit(repo)
    result = gate(repo, ci_cache)
    assert not [c for c in codes(result) if c[0] == name], result.stdout


# ------------------------------------------------------------------ 5: where findings count


def test_a_handler_body_turned_into_pass_fails_the_gate(repo: Path, ci_cache: Path) -> None:
    handled = (
        "import logging\n\n\ndef load():\n    try:\n        run()\n"
        "    except Exception:\n        logging.exception('load failed')\n        raise\n"
    )
    (repo / "jobs.py").write_text(handled)
    commit(repo, "handled")
    git("branch", "-qf", "main", cwd=repo)
    (repo / "jobs.py").write_text(handled.replace("        logging.exception('load failed')\n        raise\n", "        pass\n"))
    commit(repo)
    assert git("diff", "-U0", "main", cwd=repo).count("\n-    except") == 0  # the except line is unchanged
    assert ("jobs.py", "REL102") in codes(gate(repo, ci_cache))


def test_an_unchanged_handler_elsewhere_stays_out_of_the_gate(repo: Path, ci_cache: Path) -> None:
    (repo / "jobs.py").write_text(SWALLOW + "\n\ndef h():\n    return 1\n")
    commit(repo, "legacy")
    git("branch", "-qf", "main", cwd=repo)
    (repo / "jobs.py").write_text(SWALLOW + "\n\ndef h():\n    return 2\n")
    commit(repo)
    assert codes(gate(repo, ci_cache)) == []


# ------------------------------------------------------------------ 6: files that were skipped


def test_env_files_and_non_utf8_text_are_checked(repo: Path, ci_cache: Path) -> None:
    (repo / ".env").write_bytes(b"PASSWORD=x\x00y\n")
    (repo / "utf16").mkdir()
    (repo / "utf16" / ".env").write_bytes(f"GITHUB_TOKEN={SECRET}\n".encode("utf-16"))
    (repo / "settings.yaml").write_bytes(f"# caf\xe9\ntoken: {SECRET}\n".encode("latin-1"))
    (repo / "build").mkdir()
    (repo / "build" / ".env").write_text("TOKEN=abc\n")
    commit(repo)
    found = codes(gate(repo, ci_cache))
    assert (".env", "REL303") in found
    assert ("utf16/.env", "REL303") in found and ("utf16/.env", "REL302") in found
    assert ("settings.yaml", "REL302") in found
    assert ("build/.env", "REL303") in found
    out = gate(repo, ci_cache).stdout
    assert SECRET not in out and SECRET[8:20] not in out


def test_the_user_s_own_exclude_still_hides_a_folder(repo: Path, ci_cache: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.reliability-lint]\nextend-exclude = ["fixtures"]\n')
    (repo / "fixtures").mkdir()
    (repo / "fixtures" / ".env").write_text("TOKEN=abc\n")
    commit(repo)
    assert ("fixtures/.env", "REL303") not in codes(gate(repo, ci_cache))


# ------------------------------------------------------------------ 12: runs lost to one file


CODECS = ["rot13", "hex", "base64", "zlib", "uu", "bz2", "punycode", "utf-16", "no-such-codec"]


def test_a_bad_coding_cookie_is_one_file_s_error(tmp_path: Path, ci_cache: Path) -> None:
    for codec in CODECS:
        (tmp_path / f"cookie_{codec.replace('-', '_')}.py").write_text(f"# -*- coding: {codec} -*-\nx = 1\n")
    (tmp_path / "other.py").write_text(SWALLOW)
    result = tool("check", "--no-cache", "--output-format", "concise", ".", cwd=tmp_path, cache_home=ci_cache)
    assert result.returncode == 1, result.stderr
    found = codes(result)
    assert [path for path, code in found if code == "REL000"] == sorted(f"cookie_{c.replace('-', '_')}.py" for c in CODECS)
    assert ("other.py", "REL101") in found
    assert "internal error" not in result.stdout + result.stderr


def test_a_non_utf8_file_name_with_the_cache_on(tmp_path: Path, ci_cache: Path) -> None:
    name = os.fsdecode(b"caf\xe9.py")
    try:
        (tmp_path / name).write_text(SWALLOW)
    except (OSError, UnicodeEncodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    for _ in range(2):  # written to the cache, then read from it
        result = tool("check", "--output-format", "concise", ".", cwd=tmp_path, cache_home=ci_cache)
        assert result.returncode == 1 and "REL101" in result.stdout, result.stderr
        assert "internal error" not in result.stdout + result.stderr


def test_a_symlink_to_a_device_is_not_read(repo: Path, ci_cache: Path) -> None:
    (repo / "zero.py").symlink_to("/dev/zero")
    (repo / "fifo.yaml").symlink_to("/dev/null")
    os.mkfifo(repo / "pipe.env")
    (repo / "other.py").write_text(SWALLOW)
    result = tool("check", "--output-format", "concise", ".", cwd=repo, cache_home=ci_cache)  # within the timeout
    found = codes(result)
    assert ("zero.py", "REL000") in found and ("other.py", "REL101") in found
    assert "not a regular file" in result.stdout


def test_exit_zero_does_not_pass_a_file_that_could_not_be_checked(tmp_path: Path, ci_cache: Path) -> None:
    (tmp_path / "findings.py").write_text(SWALLOW)
    assert tool("check", "--exit-zero", ".", cwd=tmp_path, cache_home=ci_cache).returncode == 0
    (tmp_path / "cookie.py").write_text("# coding: rot13\nx = 1\n")
    result = tool("check", "--exit-zero", ".", cwd=tmp_path, cache_home=ci_cache)
    assert result.returncode == 1 and "could not be checked" in result.stderr


# ------------------------------------------------------------------ 13: fix


EDITOR_RULE = '''
import ast
from pathlib import Path
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import rule

@rule("EDT1", "editor-saves", "the fix races an editor", "P3", fix="safe", nodes=(ast.Call,))
def editor(node, ctx):
    if isinstance(node.func, ast.Name) and node.func.id == "old":
        path = ctx.source.path
        line, col = node.lineno, node.col_offset

        def compute(fix):
            # An editor saves the file while the fix is computed.
            Path(path).write_text("saved_by_the_editor()\\n")
            return [Edit((line, col), (line, col + 3), "new")]

        ctx.report("EDT1", node, "old call", fix=Fix("safe", "use new", compute=compute))
'''


def test_fix_does_not_overwrite_a_file_that_changed_under_it(tmp_path: Path, ci_cache: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint"\n')
    (tmp_path / "lint").mkdir()
    (tmp_path / "lint" / "editor.py").write_text(EDITOR_RULE)
    (tmp_path / "a.py").write_text("old()\n")
    result = tool("fix", "--no-cache", "--output-format", "concise", "a.py", cwd=tmp_path, cache_home=ci_cache)
    assert (tmp_path / "a.py").read_text() == "saved_by_the_editor()\n"
    assert "changed on disk while it was being fixed" in result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".rl-tmp")]


FIXABLE = "try:\n    g()\nexcept:\n    raise\n"  # REL101 with a safe fix


def test_fix_does_not_write_through_a_symlink_out_of_the_tree(tmp_path: Path, ci_cache: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.py").write_text(FIXABLE)
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.reliability-lint]\n")
    (project / "link.py").symlink_to(outside / "target.py")
    (project / "inner.py").write_text(FIXABLE)
    (project / "inner_link.py").symlink_to(project / "inner.py")
    result = tool("fix", "--output-format", "concise", ".", cwd=project, cache_home=ci_cache)
    assert (outside / "target.py").read_text() == FIXABLE
    assert "outside the checked tree" in result.stdout
    assert "except BaseException:" in (project / "inner.py").read_text()  # inside the tree: fixed


def test_fix_keeps_hard_links_by_refusing(tmp_path: Path, ci_cache: Path) -> None:
    (tmp_path / "a.py").write_text(FIXABLE)
    os.link(tmp_path / "a.py", tmp_path / "b.py")
    result = tool("fix", "--output-format", "concise", "a.py", cwd=tmp_path, cache_home=ci_cache)
    assert "hard links" in result.stdout
    assert (tmp_path / "a.py").stat().st_ino == (tmp_path / "b.py").stat().st_ino
    assert (tmp_path / "b.py").read_text() == FIXABLE


REL301_LOOK_ALIKES = textwrap.dedent(
    """\
    SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
    CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'
    PROXY_AUTH = "Proxy-Authorization"
    auth_header = {"auth": "X-Api-Key"}
    DB_PASSWORD_SECRET = "projects/acme-prod/secrets/db-password/versions/latest"
    TOKEN_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse-token-AbCdEf"
    password_secret_id = "db-password"
    API_KEY = "stripe-api-key"
    """
)


def test_rel301_look_alikes_are_not_reported_nor_fixed(tmp_path: Path, ci_cache: Path) -> None:
    (tmp_path / "ssl_purposes.py").write_text(REL301_LOOK_ALIKES + 'password = "correct-horse-battery-staple"\n')
    result = tool("check", "--select", "REL301", "--output-format", "concise", ".", cwd=tmp_path, cache_home=ci_cache)
    assert [line.split(":")[1] for line in result.stdout.splitlines() if "REL301" in line] == ["9"]
    tool("fix", "--unsafe-fixes", "--select", "REL301", ".", cwd=tmp_path, cache_home=ci_cache)
    fixed = (tmp_path / "ssl_purposes.py").read_text()
    assert REL301_LOOK_ALIKES in fixed and 'password = os.environ["PASSWORD"]' in fixed


def test_fix_still_fixes_a_file_given_from_outside_the_project(tmp_path: Path, ci_cache: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "job.py").write_text(FIXABLE)
    here = tmp_path / "here"
    here.mkdir()
    result = tool("fix", "--output-format", "concise", str(elsewhere / "job.py"), cwd=here, cache_home=ci_cache)
    assert "except BaseException:" in (elsewhere / "job.py").read_text(), result.stdout


def test_a_file_named_like_the_baseline_is_checked_unless_it_is_one(repo: Path) -> None:
    """The baseline is left out of the check (its hashes look like secrets); a pull request
    must not hide a credential in a file that only has its name."""
    (repo / "job.py").write_text("try:\n    run()\nexcept:\n    pass\n")
    assert tool("baseline", cwd=repo).returncode == 0
    clean = tool("check", "--no-cache", "--output-format", "concise", ".", cwd=repo)
    assert ".reliability-lint-baseline.json" not in clean.stdout, clean.stdout
    (repo / ".reliability-lint-baseline.json").write_text(json.dumps({"version": 1, "token": SECRET}))
    hidden = tool("check", "--no-cache", "--output-format", "concise", ".", cwd=repo)
    assert ".reliability-lint-baseline.json:1:" in hidden.stdout and "REL302" in hidden.stdout, hidden.stdout
    assert SECRET not in hidden.stdout
