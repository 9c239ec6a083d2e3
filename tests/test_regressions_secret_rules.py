"""Regressions (issue 18, mutmut) for the secrets family's rules: REL301 hardcoded-secret
(which literal is bound to a secret's name, the fix reading it from the environment),
REL302 secret-in-file and REL303 committed-env-file; through `reliability_lint.testing`
and the command line in this process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from family_pages import check_page_example, page_cases

from reliability_lint.cli import cli
from reliability_lint.testing import check_text, fix_text


def found(text: str, path: str = "example.py") -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, ["REL3"], path=path))


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL301", "REL302"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)


def rel301(text: str, **kwargs: Any) -> list[tuple[int, int, int, str, str | None]]:
    return [(f.line, f.col, f.end_col, f.message, f.fix.message if f.fix else None) for f in check_text(text, ["REL301"], **kwargs)]


VALUE = '"Xk29slQpw7ab"'
SHOWN = "Xk29…(12 chars)"


def read_it(name: str, accessor: str = 'os.environ["{}"]') -> str:
    expression = accessor.format(name)
    return f"Read it with `{expression}` (set {name} wherever this runs); the old value stays in git history: rotate it"


# ------------------------------------------------------------------ REL301: which literal is bound to which name


@pytest.mark.parametrize(
    ("text", "name", "fix"),
    [
        (f"db_password = {VALUE}\n", "db_password", "DB_PASSWORD"),
        (f"db_password: str = {VALUE}\n", "db_password", "DB_PASSWORD"),
        (f"self.api_key = {VALUE}\n", "api_key", "API_KEY"),
        (f"self.api_key: str = {VALUE}\n", "api_key", "API_KEY"),
        (f"connect(passphrase={VALUE})\n", "passphrase", "PASSPHRASE"),
        (f"a = db_password = {VALUE}\n", "db_password", None),
        (f'config["db-password"] = {VALUE}\n', "db-password", None),
        (f'config["db-password"]: str = {VALUE}\n', "db-password", None),
        (f'x = {{"password": {VALUE}}}\n', "password", None),
        (f"def f(user, password={VALUE}, port=1): ...\n", "password", None),
        (f"def f(password={VALUE}, /): ...\n", "password", None),
        (f"def f(*, a, token={VALUE}): ...\n", "token", None),
        (f"async def f(*args, token={VALUE}, **kw): ...\n", "token", None),
        (f"if password == {VALUE}: ...\n", "password", None),
        (f"if {VALUE} != self.token: ...\n", "token", None),
    ],
)
def test_a_literal_bound_to_a_secret_name_is_reported_with_its_name(text: str, name: str, fix: str | None) -> None:
    ((line, col, end, message, fix_message),) = rel301(text)
    assert (line, text[col:end], message.split(" in `")[1]) == (1, VALUE, f"{name}`: {SHOWN}")
    assert fix_message == (read_it(fix) if fix else None)


@pytest.mark.parametrize(
    "text",
    [
        f"config[0] = {VALUE}\n",
        f"config[key] = {VALUE}\n",
        f"password, other = {VALUE}, 'x'\n",
        f"if password < {VALUE}: ...\n",
        f"if password == other == {VALUE}: ...\n",
        f"if password in {VALUE}: ...\n",
        f"if f(password) == {VALUE}: ...\n",
        f"x = {{password: {VALUE}}}\n",
        f"x = {{'password': value, 'name': {VALUE}}}\n",
        f"connect(**{{'x': 1}}, user={VALUE})\n",
        f"def f(password, user={VALUE}): ...\n",
        f"def f(password=None, user={VALUE}): ...\n",
        f"password = 1\nuser = {VALUE}\n",
        f"password += {VALUE}\n",
        "password = b'Xk29slQpw7ab'\n",
        "password = f'Xk29slQpw7ab{x}'\n",
        f"password = ({VALUE}, 1)\n",
        "password = 'changeme'\n",
        "password = 'Xk29s'\n",
    ],
)
def test_a_literal_not_bound_to_a_secret_name_is_not_rel301(text: str) -> None:
    assert rel301(text) == []


def test_min_length_is_read_for_names_and_comments() -> None:
    assert rel301("password = 'Xk2'\n", options={"secrets": {"min-length": 3}})[0][3] == "Hardcoded password in `password`: …(3 chars)"
    assert rel301("# password='Vq8'\n", options={"secrets": {"min-length": 3}})[0][3] == "Hardcoded Secret Keyword in a comment: …(3 chars)"
    assert rel301("# password='Vq83kdLw0pZe'\n", options={"secrets": {"min-length": 13}}) == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [("db_password", "password"), ("PASSWD", "password"), ("db_pwd", "password"), ("gpg_passphrase", "passphrase"), ("auth_token", "token"), ("private_key", "key"), ("apikey", "key"), ("credentials", "credential"), ("gcp_credential", "credential"), ("client_secret", "secret")],
)
def test_the_message_names_the_kind_of_secret(name: str, kind: str) -> None:
    assert rel301(f"{name} = {VALUE}\n")[0][3] == f"Hardcoded {kind} in `{name}`: {SHOWN}"


def test_a_credential_shape_is_reported_in_its_binding_or_where_it_is() -> None:
    aws = '"AKIAIOSFODNN7EXAMPLF"'
    assert rel301(f"aws = {aws}\n") == [(1, 6, 28, "Hardcoded AWS Access Key: AKIA…(20 chars) in `aws`", read_it("AWS"))]
    assert rel301(f"upload({aws})\n") == [(1, 8, 28, "Hardcoded AWS Access Key: AKIA…(20 chars)", None)]
    assert rel301(f"x = [{aws}]\n") == [(1, 6, 26, "Hardcoded AWS Access Key: AKIA…(20 chars)", None)]
    # a secret name and a shape: one finding, by the name
    assert rel301(f"aws_secret_key = {aws}\n") == [(1, 17, 39, "Hardcoded key in `aws_secret_key`: AKIA…(20 chars)", read_it("AWS_SECRET_KEY"))]
    # a shape on the second line of a binding's literal, and a binding of another line
    text = f"token_a = 'Xk29slQpw7ab'\nnote = (\n    'see '\n    {aws}\n)\n"
    assert [(r[0], r[3]) for r in rel301(text)] == [(1, f"Hardcoded token in `token_a`: {SHOWN}"), (3, "Hardcoded AWS Access Key: AKIA…(20 chars) in `note`")]


def test_two_shapes_in_one_binding_are_one_finding() -> None:
    text = "pair = 'AKIAIOSFODNN7EXAMPLF AKIAIOSFODNN7EXAMPLG'\n"
    assert [r[3] for r in rel301(text)] == ["Hardcoded AWS Access Key: AKIA…(20 chars) in `pair`"]


def test_a_private_key_is_redacted_whole() -> None:
    body = "MIIEpAIBAAKCAQEA1c7x9z5Pad7OejecsQ0bu3aumdHg0Bo0mEHnHMAcfPt5ANLq"
    text = f'KEY_TEXT = """-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"""\n'
    ((_, _, _, message, _),) = rel301(text)
    assert body not in message and "MIIE" not in message
    assert message.startswith("Hardcoded Private Key: ") and message.endswith("(121 chars) in `KEY_TEXT`")  # BEGIN to END
    unended = f'KEY_TEXT = """-----BEGIN RSA PRIVATE KEY-----\n{body}\n"""\n'
    assert [r[3].rpartition("…")[2] for r in rel301(unended)] == ["(26 chars) in `KEY_TEXT`"]  # its line only


# ------------------------------------------------------------------ REL301 in comments


def test_a_secret_keyword_in_a_comment_is_reported_where_it_is() -> None:
    text = 'x = 1  # password: "Vq83kdLw0pZe" for now\n'
    assert rel301(text) == [(1, 20, 32, "Hardcoded Secret Keyword in a comment: Vq83…(12 chars)", None)]
    assert rel301("# see the password docs\n") == []
    assert rel301("# AKIAIOSFODNN7EXAMPLF\n") == [(1, 2, 22, "Hardcoded AWS Access Key: AKIA…(20 chars)", None)]  # once, as a shape


# ------------------------------------------------------------------ REL301's fix


def fixed(text: str, **kwargs: Any) -> str:
    return fix_text(text, ["REL301"], **kwargs)


def test_the_fix_reads_the_value_from_the_environment() -> None:
    assert fixed(f"db_password = {VALUE}\n") == 'import os\n\ndb_password = os.environ["DB_PASSWORD"]\n'
    assert fixed(f"db_password = {VALUE}\n", unsafe_fixes=False) == f"db_password = {VALUE}\n"
    assert fixed(f"x = connect(api_key={VALUE})\n").endswith('x = connect(api_key=os.environ["API_KEY"])\n')
    assert fixed(f"self.__token__ = {VALUE}\n").endswith('self.__token__ = os.environ["TOKEN"]\n')
    assert fixed(f"gcp_token_2 = {VALUE}\n").endswith('gcp_token_2 = os.environ["GCP_TOKEN_2"]\n')


def test_the_fix_uses_the_configured_accessor() -> None:
    options = {"secrets": {"accessor": "secrets.get({name!r})".replace("{name!r}", "'{name}'"), "accessor-imports": ["from pipeline import secrets"]}}
    result = fixed(f"db_password = {VALUE}\n", options=options)
    assert result == "from pipeline import secrets\n\ndb_password = secrets.get('DB_PASSWORD')\n"
    assert rel301(f"db_password = {VALUE}\n", options=options)[0][4] == read_it("DB_PASSWORD", "secrets.get('{}')")
    assert fixed(f"db_password = {VALUE}\n", options={"secrets": {"accessor-imports": []}}) == 'db_password = os.environ["DB_PASSWORD"]\n'


@pytest.mark.parametrize(
    ("literal", "replaced"),
    [
        ("(\n    'Xk29sl'\n    'Qpw7ab'\n)", 'os.environ["TOKEN"]'),
        ("((  'Xk29slQpw7ab'  ))", 'os.environ["TOKEN"]'),
        ("( # why\n 'Xk29slQpw7ab')", '( # why\n os.environ["TOKEN"])'),  # a comment: kept, parentheses too
    ],
)
def test_the_fix_replaces_the_parentheses_that_only_group_the_literal(literal: str, replaced: str) -> None:
    assert fixed(f"token = {literal}\n") == f"import os\n\ntoken = {replaced}\n"


@pytest.mark.parametrize(
    ("call", "after"),
    [
        ("connect(token=('Xk29slQpw7ab'))", "connect(token=os.environ[\"TOKEN\"])"),
        ("token = f('Xk29slQpw7ab')", None),
        ("x = dict(token=('Xk29slQpw7ab'))", "x = dict(token=os.environ[\"TOKEN\"])"),
    ],
)
def test_the_parentheses_of_a_call_stay(call: str, after: str | None) -> None:
    result = fixed(call + "\n")
    if after is None:
        assert result == call + "\n"
    else:
        assert result.endswith(after + "\n")


def test_a_literal_passed_to_a_call_is_not_the_secret_name_s_value_so_nothing_is_rewritten() -> None:
    # The value of `token=` is the call, not the literal: REL301 reports nothing there, and the
    # fix, which only ever widens over parentheses that group the reported literal, never runs.
    for opener in ("f", "f2", "x[0]", "x()", "{}['a'].get", '"".join', "''.join"):
        text = f"connect(token={opener}('Xk29slQpw7ab'))\n"
        assert [f.code for f in check_text(text, ["REL301"])] == [], opener
        assert fixed(text) == text, opener


# ------------------------------------------------------------------ REL302


@pytest.mark.parametrize(
    ("path", "label"),
    [
        (".env", "dotenv file"), ("prod.env", "dotenv file"), (".env.local", "dotenv file"),
        ("README.md", "document"), ("notes.markdown", "document"), ("guide.rst", "document"), ("notes.txt", "document"),
        ("run.sh", "script"), ("run.bash", "script"), ("run.zsh", "script"), ("Dockerfile", "script"), ("Dockerfile.prod", "script"),
        ("settings.ini", "config file"), ("app.yaml", "config file"), ("main.tf", "config file"), (".env.example", "config file"),
    ],
)
def test_rel302_names_the_kind_of_file(path: str, label: str) -> None:
    text = "aws_key: AKIAIOSFODNN7EXAMPLF\n"
    findings = [f for f in check_text(text, ["REL302"], path=path)]
    assert [f.message for f in findings] == [f"AWS Access Key in a {label}: AKIA…(20 chars)"]


# ------------------------------------------------------------------ the command line: REL303, options, files


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, [*args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def concise(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    code, out, err = run(root, monkeypatch, "check", "--output-format", "concise", "--no-progress", "--no-cache", "--select", "REL3", *args, ".")
    assert code in (0, 1), out + err
    return sorted(line for line in out.splitlines() if ": REL3" in line)


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root, check=True, capture_output=True, timeout=60)


def test_rel303_tells_a_committed_a_staged_and_an_unignored_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "app").mkdir()
    for name in ("app/.env", "staged.env", "loose.env", "ignored.env"):
        (tmp_path / name).write_text("DEBUG=1\n")
    (tmp_path / ".gitignore").write_text("ignored.env\n")
    git(tmp_path, "add", "app/.env", ".gitignore")
    git(tmp_path, "commit", "-q", "-m", "x")
    git(tmp_path, "add", "staged.env")
    assert concise(tmp_path, monkeypatch) == [
        "app/.env:1:1: REL303 `app/.env` is committed: its values are in the git history; rotate what it holds, then `git rm --cached app/.env` and ignore it",
        "loose.env:1:1: REL303 `loose.env` is not ignored by .gitignore: the next `git add` commits it",
        "staged.env:1:1: REL303 `staged.env` is staged, not yet committed: `git rm --cached staged.env` and ignore it before the next commit",
    ]


def test_rel303_outside_a_repository_and_for_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (".env", ".env.example", ".env.sample", "prod.env.template", "a.envs"):
        (tmp_path / name).write_text("DEBUG=1\n")
    lines = concise(tmp_path, monkeypatch)
    assert [line.split(":")[0] for line in lines] == [".env"]
    assert lines[0].endswith("REL303 `.env` is not ignored by .gitignore: the next `git add` commits it")


@pytest.mark.parametrize(
    ("name", "reported"),
    [("poetry.lock", False), ("deps.lock", False), ("go.sum", False), ("settings.cfg", True), (".npmrc", True), ("app.dockerfile", True), ("Dockerfile.dev", True), (".envrc", True), ("data.csv", False)],
)
def test_which_text_files_rel302_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, reported: bool) -> None:
    (tmp_path / name).write_text("aws_key = AKIAIOSFODNN7EXAMPLF\n")
    assert bool(concise(tmp_path, monkeypatch)) is reported


def test_a_large_env_file_is_still_an_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.secrets]\nmax-file-size = 10\n")
    (tmp_path / ".env").write_text("DEBUG=1\nOTHER=2\n")
    (tmp_path / "big.ini").write_text("aws_key = AKIAIOSFODNN7EXAMPLF\n")
    assert [line.split(": ")[1].split()[0] for line in concise(tmp_path, monkeypatch)] == ["REL303"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("accessor = 'os.environ'", "tool.reliability-lint.secrets.accessor must contain {name}, where the environment variable's name goes"),
        ("accessor = 'os.environ[{name}'", "tool.reliability-lint.secrets.accessor must be a Python expression once {name} is filled in"),
        ("accessor-imports = ['import']", 'tool.reliability-lint.secrets.accessor-imports must be a list like ["os"] or ["from pipeline import secrets"]'),
        ("accessor-imports = [1]", 'tool.reliability-lint.secrets.accessor-imports must be a list like ["os"] or ["from pipeline import secrets"]'),
        ("accessor-imports = ['os; import sys']", 'tool.reliability-lint.secrets.accessor-imports must be a list like ["os"] or ["from pipeline import secrets"]'),
        ("accessor-imports = ['os sys']", 'tool.reliability-lint.secrets.accessor-imports must be a list like ["os"] or ["from pipeline import secrets"]'),
        ("min-length = 0", "tool.reliability-lint.secrets.min-length must be at least 1"),
        ("max-file-size = 0", "tool.reliability-lint.secrets.max-file-size must be positive"),
    ],
)
def test_a_wrong_secrets_option_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.reliability-lint.secrets]\n{config}\n")
    (tmp_path / "job.py").write_text("x = 1\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--no-progress", ".")
    assert code == 2, out + err
    assert message in err


@pytest.mark.parametrize("config", ["accessor = 'vault.read({name})'", "accessor-imports = ['os', ' from a.b import c ', 'a.b', 'import a.b']", "min-length = 1", "max-file-size = 1"])
def test_a_right_secrets_option_is_accepted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.reliability-lint.secrets]\n{config}\n")
    (tmp_path / "job.py").write_text("x = 1\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--no-progress", ".")
    assert code == 0, out + err


def test_a_notebook_s_output_is_a_notebook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cell = {"cell_type": "code", "source": ["x = 1\n"], "metadata": {}, "execution_count": 1,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": ["aws_key: AKIAIOSFODNN7EXAMPLF\n"]}]}  # fmt: skip
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert [line.split(": REL302 ")[1] for line in concise(tmp_path, monkeypatch)] == ["AWS Access Key in a notebook: AKIA…(20 chars), in the outputs of cell 1"]


def test_an_accessor_is_checked_once_its_name_is_filled_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`settings.{name}` is no expression until {name} is a name; `{name}` itself is a set."""
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.secrets]\naccessor = 'settings.{name}'\naccessor-imports = []\n")
    (tmp_path / "job.py").write_text('db_password = "Xk29slQpw7ab"\n')
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--no-progress", "--select", "REL301", "--output-format", "concise", ".")
    assert code == 1, out + err
    assert "job.py:1:15: REL301" in out


@pytest.mark.parametrize("spec", ["None", "3", "True"])
def test_an_import_spec_must_be_a_module_name_not_any_expression(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.reliability-lint.secrets]\naccessor-imports = ['{spec}']\n")
    (tmp_path / "job.py").write_text("x = 1\n")
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--no-progress", ".")
    assert code == 2, out + err
    assert 'accessor-imports must be a list like ["os"]' in err


@pytest.mark.parametrize(
    ("text", "name"),
    [(f"x = {{**base, 'password': {VALUE}}}\n", "password"), (f"f = lambda token={VALUE}: token\n", "token"), (f"f(**{{'password': {VALUE}}})\n", "password")],
)
def test_more_places_a_literal_is_bound_to_a_name(text: str, name: str) -> None:
    assert [r[3] for r in rel301(text)] == [f"Hardcoded {name} in `{name}`: {SHOWN}"]


def test_rel302_points_at_the_value() -> None:
    text = "[db]\nuser = app\naws_key = AKIAIOSFODNN7EXAMPLF\n"
    ((line, col, end_line, end, message),) = [(f.line, f.col, f.end_line, f.end_col, f.message) for f in check_text(text, ["REL302"], path="settings.ini")]
    assert (line, end_line, text.splitlines()[2][col:end]) == (3, 3, "AKIAIOSFODNN7EXAMPLF")
    assert message == "AWS Access Key in a config file: AKIA…(20 chars)"


def test_rel302_reads_unquoted_values_in_configuration_files_only() -> None:
    line = "password = Xk29slQpw7abQ\n"
    assert [f.code for f in check_text(line, ["REL302"], path="settings.ini")] == ["REL302"]
    assert [f.code for f in check_text(line, ["REL302"], path="notes.txt")] == []


def test_each_private_key_of_a_file_is_redacted_up_to_its_own_end() -> None:
    body = "MIIEpAIBAAKCAQEA1c7x9z5Pad7OejecsQ0bu3aumdHg0Bo0mEHnHMAcfPt5ANLq"
    block = f'"""-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"""'
    text = f"FIRST_TEXT = {block}\nSECOND_TEXT = {block}\n"
    assert [r[3].rpartition("…")[2] for r in rel301(text)] == ["(121 chars) in `FIRST_TEXT`", "(121 chars) in `SECOND_TEXT`"]


def test_rel301_s_fix_is_unsafe() -> None:
    (finding,) = check_text(f"db_password = {VALUE}\n", ["REL301"])
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


@pytest.mark.parametrize("target", ["config[key]", "config[0]", "config[b'password']"])
def test_a_subscript_by_anything_but_a_string_names_nothing_in_a_file_with_secret_names(target: str) -> None:
    assert rel301(f"password_file = 'a'\n{target} = {VALUE}\n") == []


def test_a_comparison_with_a_subscript_is_not_a_binding() -> None:
    assert rel301(f"if config['password'] == {VALUE}: ...\n") == []


def test_the_environment_name_keeps_the_name_s_own_letters() -> None:
    assert rel301(f"X_TOKEN = {VALUE}\n")[0][4] == read_it("X_TOKEN")


def test_a_shape_after_one_held_by_a_reported_binding_is_reported() -> None:
    text = "aws_secret_key = 'AKIAIOSFODNN7EXAMPLF'\nupload('AKIAIOSFODNN7EXAMPLG')\n"
    assert [(r[0], r[3].split(":")[0]) for r in rel301(text)] == [(1, "Hardcoded key in `aws_secret_key`"), (2, "Hardcoded AWS Access Key")]


def test_a_comment_s_keyword_secret_after_a_shape_is_reported_and_unquoted_values_are_not() -> None:
    assert [r[1] for r in rel301('# AKIAIOSFODNN7EXAMPLF password="Vq83kdLw0pZe"\n')] == [2, 33]
    assert [r[3] for r in rel301('# password="Vq83kdLw0pZe" token=Xk29slQpw7abQ\n')] == ["Hardcoded Secret Keyword in a comment: Vq83…(12 chars)"]


def test_the_shown_line_hides_the_whole_literal_a_shape_lies_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.py").write_text('note = "see AKIAIOSFODNN7EXAMPLF here"\n')
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--no-progress", "--select", "REL301", "m.py")
    assert code == 1, out + err
    assert '1 | note = "see …(29 chars)"' in out
    assert " here" not in out.replace(" wherever", "")


def test_lock_and_oversized_files_are_counted_as_skipped_by_their_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint.secrets]\nmax-file-size = 10\n")
    for name, text in (("poetry.lock", "x = 1\n"), ("deps.lock", "x = 1\n"), ("big.ini", "aws_key = AKIAIOSFODNN7EXAMPLF\n")):
        (tmp_path / name).write_text(text)
    code, out, err = run(tmp_path, monkeypatch, "check", "--no-cache", "--no-progress", ".")
    assert code == 0, out + err
    assert "Skipped 2 lock files.\n" in out and "Skipped 2 oversized files.\n" in out  # big.ini and pyproject.toml


def test_rel303_outside_a_repository_reads_the_global_excludes_and_each_folders_gitignore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside a repository only the folder's .gitignore and the user's excludes file can
    ignore a .env file; git is asked once per name for the folders with no .gitignore.
    The files are named on the command line: discovery would leave the ignored ones out."""
    excludes = tmp_path / "global-ignore"
    excludes.write_text("secret.env\n")
    config = tmp_path / "gitconfig"
    config.write_text(f"[core]\n\texcludesFile = {excludes.as_posix()}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    tree = tmp_path / "tree"
    named = []
    for folder in ("a", "b", "c"):
        (tree / folder).mkdir(parents=True)
        for name in ("secret.env", "other.env"):
            (tree / folder / name).write_text("DEBUG=1\n")
            named.append(f"{folder}/{name}")
    (tree / "c" / ".gitignore").write_text("other.env\n")

    def reported() -> list[str]:
        code, out, err = run(tree, monkeypatch, "check", "--output-format", "concise", "--no-cache", "--jobs", "1", "--select", "REL303", *named)
        assert code in (0, 1), out + err
        return sorted(line.split(":")[0] for line in out.splitlines() if ": REL303" in line)

    assert reported() == ["a/other.env", "b/other.env"]
    # The same names in a second run of this process, with no excludes file: the first answer is not kept.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "none"))
    assert reported() == ["a/other.env", "a/secret.env", "b/other.env", "b/secret.env", "c/secret.env"]


def test_rel303_finds_a_repository_through_git_dir_or_a_gitfile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A work tree with no `.git` folder of its own (GIT_DIR set, or a worktree's `.git`
    file) is still a repository: what is committed there is reported as committed."""
    main = tmp_path / "main"
    main.mkdir()
    git(main, "init", "-q")
    (main / "keep.txt").write_text("x\n")
    (main / ".env").write_text("DEBUG=1\n")
    git(main, "add", "keep.txt", ".env")
    git(main, "commit", "-q", "-m", "x")
    git(main, "worktree", "add", "-q", str(tmp_path / "linked"))
    assert (tmp_path / "linked" / ".git").is_file()
    assert [line.split(": ", 1)[1][:26] for line in concise(tmp_path / "linked", monkeypatch)] == ["REL303 `.env` is committed"]
    work = tmp_path / "work"
    work.mkdir()
    (work / ".env").write_text("DEBUG=1\n")
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "meta.git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(work))
    git(work, "init", "-q")
    git(work, "add", ".env")
    git(work, "commit", "-q", "-m", "x")
    assert [line.split(": ", 1)[1][:26] for line in concise(work, monkeypatch)] == ["REL303 `.env` is committed"]
