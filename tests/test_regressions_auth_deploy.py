"""Regressions (issue 18, mutmut) for REL511-REL516: public deploys, scheduler jobs and push
subscriptions without authentication, secrets in environment variables, subscriptions
without a dead-letter topic; in scripts, CI files and Terraform, through the command line
in this process."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL511", "REL512", "REL513", "REL514", "REL515", "REL516"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)


from pathlib import Path  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from reliability_lint.cli import cli  # noqa: E402
from reliability_lint.testing import check_text, fix_text  # noqa: E402

PUBLIC = "`{}` makes the service public with --allow-unauthenticated: anyone on the internet can call it; use IAM (`--no-allow-unauthenticated`, `roles/run.invoker`) unless it is meant to be public"


def rows(text: str, path: str = "deploy.sh", **kwargs: Any) -> list[tuple[int, int, int, str, str]]:
    return [(f.line, f.col, f.end_col, f.code, f.message) for f in check_text(text, ["REL5"], path=path, **kwargs)]


def found(text: str, path: str = "deploy.sh") -> list[str]:
    return [f.code for f in check_text(text, ["REL5"], path=path)]


# ------------------------------------------------------------------ REL511


@pytest.mark.parametrize(
    ("command", "shown", "col"),
    [
        ("gcloud run deploy svc --allow-unauthenticated", "gcloud run deploy svc", 0),
        ("  gcloud run deploy svc --region us --allow-unauthenticated", "gcloud run deploy svc", 2),
        ("sudo gcloud beta run deploy svc --allow-unauthenticated", "gcloud run deploy svc", 5),
        ("CLOUDSDK_CORE_PROJECT=p gcloud alpha functions deploy fn --allow-unauthenticated", "gcloud functions deploy fn", 24),
        ("/opt/bin/gcloud run deploy --allow-unauthenticated", "gcloud run deploy", 9),
        ("gcloud run deploy --region=us svc --allow-unauthenticated", "gcloud run deploy svc", 0),
        ("gcloud run deploy --async svc --allow-unauthenticated", "gcloud run deploy svc", 0),
        ("gcloud run deploy --region us svc --allow-unauthenticated", "gcloud run deploy svc", 0),
        ("gcloud run deploy svc --no-allow-unauthenticated --allow-unauthenticated", "gcloud run deploy svc", 0),
    ],
)
def test_a_public_deploy_is_rel511(command: str, shown: str, col: int) -> None:
    assert rows(command + "\n") == [(1, col, len(command), "REL511", PUBLIC.format(shown))]


@pytest.mark.parametrize(
    "command",
    [
        "gcloud run deploy svc",
        "gcloud run deploy svc --allow-unauthenticated --no-allow-unauthenticated",
        "echo gcloud run deploy svc --allow-unauthenticated",
        "grep 'gcloud run deploy svc --allow-unauthenticated' notes",
        "gcloud run services list --allow-unauthenticated",
        "gcloud run deploy svc --allow-unauthenticated-x",
        "# gcloud run deploy svc --allow-unauthenticated",
    ],
)
def test_a_deploy_that_is_not_public_or_not_a_deploy_is_not_rel511(command: str) -> None:
    assert found(command + "\n") == []


def test_rel511_s_fix_turns_the_flag_around_once_it_is_written_once() -> None:
    text = "gcloud run deploy svc \\\n  --region us \\\n  --allow-unauthenticated\n"
    assert fix_text(text, ["REL511"], path="deploy.sh") == text.replace("--allow-", "--no-allow-")
    assert fix_text(text, ["REL511"], path="deploy.sh", unsafe_fixes=False) == text
    (finding,) = check_text(text, ["REL511"], path="deploy.sh")
    assert finding.fix is not None and finding.fix.message == "Replace with `--no-allow-unauthenticated` (callers then need roles/run.invoker)"
    for text in ("gcloud run deploy svc --allow-unauthenticated --allow-unauthenticated\n", "FLAGS=--allow-unauthenticated\ngcloud run deploy svc $FLAGS\n"):
        (finding,) = check_text(text, ["REL511"], path="deploy.sh")
        assert finding.fix is None, text


# ------------------------------------------------------------------ REL512, REL513, REL516


def test_a_scheduler_job_without_a_token_is_rel512() -> None:
    message = "`gcloud scheduler jobs create http job` sends no token: its target must accept unauthenticated calls; add `--oidc-service-account-email=SA` (Cloud Run, Functions) or `--oauth-service-account-email=SA` (Google APIs)"
    assert rows("gcloud scheduler jobs create http job --uri=https://x\n") == [(1, 0, 53, "REL512", message)]
    for flags in ("--oidc-service-account-email=sa", "--oauth-service-account-email sa", "$FLAGS"):
        assert found(f"gcloud scheduler jobs create http job --uri=https://x {flags}\n") == [], flags
    assert found("gcloud scheduler jobs update http job --uri=https://x\n") == []


def test_a_push_subscription_without_a_token_is_rel513_and_without_a_dead_letter_topic_rel516() -> None:
    create = "gcloud pubsub subscriptions create sub --topic t --push-endpoint=https://x/push\n"
    assert rows(create) == [
        (1, 0, 79, "REL513", "`gcloud pubsub subscriptions create sub` pushes to `https://x/push` with no token: the endpoint must accept unauthenticated calls; add `--push-auth-service-account=SA`"),
        (1, 0, 79, "REL516", "`gcloud pubsub subscriptions create sub` has no dead-letter topic: a message that always fails is redelivered until it expires; add `--dead-letter-topic=TOPIC --max-delivery-attempts=N`"),
    ]
    assert found(create.replace("\n", " --push-auth-service-account=sa --dead-letter-topic=dl\n")) == []
    assert found("gcloud pubsub subscriptions update sub --push-endpoint=https://x/push\n") == ["REL513"]
    assert found("gcloud pubsub subscriptions create sub --topic t\n") == ["REL516"]
    assert found("gcloud pubsub subscriptions create sub --topic t $FLAGS\n") == []


def test_a_command_in_a_loop_is_reported_once() -> None:
    text = "for sub in a b c; do\n  gcloud pubsub subscriptions create sub --topic t\ndone\n"
    assert [(r[0], r[3]) for r in rows(text)] == [(2, "REL516")]


# ------------------------------------------------------------------ REL514


def test_a_secret_in_plain_environment_variables_is_rel514_at_its_value() -> None:
    text = "gcloud run deploy svc --set-env-vars DB_PASSWORD=Xk29slQpw7ab,DEBUG=1\n"
    ((line, col, end, code, message),) = rows(text)
    assert (line, text[col:end], code) == (1, "Xk29slQpw7ab", "REL514")
    assert message == (
        "`DB_PASSWORD` is passed in plain text with --set-env-vars (Xk29…(12 chars)): anyone who can read the service's "
        "configuration or this file has it; store it with `gcloud secrets create db-password --data-file=-` (value on stdin) "
        "and deploy with `--update-secrets=DB_PASSWORD=db-password:latest`; the value stays in git history: rotate it"
    )


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        ("--update-env-vars=^:^API_TOKEN=Xk29slQpw7ab:B=2,3", ["`API_TOKEN`"]),
        ("--set-env-vars=A=1,KEY=AKIAIOSFODNN7EXAMPLF", ["`KEY`"]),
        ("--set-env-vars=NOTE=AKIAIOSFODNN7EXAMPLF", ["`NOTE`"]),
        ("--set-env-vars=DB_PASSWORD=$DB_PASSWORD", []),
        ("--set-env-vars=DB_PASSWORD=", []),
        ("--set-env-vars=DB_PASSWORD=changeme", []),
        ("--set-env-vars=DEBUG=Xk29slQpw7ab", []),
        ("--set-env-vars==Xk29slQpw7ab", []),
    ],
)
def test_which_environment_variables_hold_a_secret(flags: str, names: list[str]) -> None:
    assert [r[4].split(" is passed")[0] for r in rows(f"gcloud run deploy svc {flags}\n")] == names


def test_a_secret_s_name_becomes_the_secret_s_name() -> None:
    text = "gcloud run deploy svc --set-env-vars=__Api.Token__=Xk29slQpw7ab\n"
    assert "`gcloud secrets create api-token --data-file=-`" in rows(text)[0][4]


def test_an_empty_custom_delimiter_is_no_delimiter() -> None:
    """Bug found by mutation testing: `--set-env-vars=^^K=V` split the value by "", which
    raised ValueError: the whole run ended in an internal error (REL000, exit 2)."""
    assert [r[3] for r in rows("gcloud run deploy svc --set-env-vars=^^DB_PASSWORD=Xk29slQpw7ab\n")] == ["REL514"]
    assert [r[3] for r in rows("gcloud run deploy svc --set-env-vars=^@^A=1@DB_PASSWORD=Xk29slQpw7ab\n")] == ["REL514"]


# ------------------------------------------------------------------ where commands are read from

DEPLOY = "gcloud run deploy svc --allow-unauthenticated"


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("deploy.sh", f"{DEPLOY}\n", 1),
        ("deploy.bash", f"set -e\n{DEPLOY}\n", 2),
        ("deploy.zsh", f"{DEPLOY}\n", 1),
        ("deploy.ksh", f"{DEPLOY}\n", 1),
        ("Makefile", f"deploy:\n\t@{DEPLOY}\n", 2),
        ("makefile", f"deploy:\n\t-{DEPLOY}\n", 2),
        ("GNUmakefile", f"deploy:\n\t+{DEPLOY}\n", 2),
        ("rules.mk", f"deploy:\n\t{DEPLOY}\n", 2),
        ("Dockerfile", f"FROM x\nRUN {DEPLOY}\n", 2),
        ("Containerfile", f"FROM x\nrun {DEPLOY}\n", 2),
        ("Dockerfile.prod", f"FROM x\nRUN set -e && \\\n  {DEPLOY}\n", 2),
        ("deploy.dockerfile", f"FROM x\nRUN {DEPLOY}\n", 2),
        ("RUNBOOK.md", f"Deploy:\n\n```sh\n{DEPLOY}\n```\n", 4),
        ("notes.markdown", f"```console\n$ {DEPLOY}\n```\n", 2),
        ("notes.md", f"  ```bash\n{DEPLOY}\n  ```\n", 2),
        ("notes.md", f"~~~~ shell title\n{DEPLOY}\n~~~~\n", 2),
        ("notes.md", f"```Terminal\n{DEPLOY}\n```\n", 2),
        ("notes.md", f"```python\nx = 1\n```\n```sh\n{DEPLOY}\n```\n", 5),
    ],
)
def test_commands_are_read_from_each_kind_of_deploy_file(path: str, text: str, line: int) -> None:
    assert [(r[0], r[3]) for r in rows(text, path=path)] == [(line, "REL511")]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("notes.md", f"```python\n{DEPLOY}\n```\n"),
        ("notes.md", f"```\n{DEPLOY}\n```\n"),
        ("notes.md", f"{DEPLOY}\n"),
        ("notes.md", f"    ```sh\n{DEPLOY}\n```\n"),
        ("notes.md", f"```sh\n```python\n```\n{DEPLOY}\n"),
        ("Makefile", f"{DEPLOY}\n"),
        ("Makefile", f"deploy:\n  {DEPLOY}\n"),
        ("Dockerfile", f"FROM x\nCMD {DEPLOY}\n"),
        ("Dockerfile", f"FROM x\n# RUN {DEPLOY}\n"),
        ("deploy.txt", f"{DEPLOY}\n"),
        ("deploy.py", f"{DEPLOY!r}\n"),
    ],
)
def test_text_that_is_not_a_shell_command_is_not_read(path: str, text: str) -> None:
    assert found(text, path=path) == []


def test_a_markdown_block_ends_only_at_its_own_fence() -> None:
    text = f"````sh\n```\n{DEPLOY}\n````\n{DEPLOY}\n"
    assert [r[0] for r in rows(text, path="notes.md")] == [3]
    text = f"```sh\n{DEPLOY}\n``` more\n{DEPLOY}\n```\n"
    assert [r[0] for r in rows(text, path="notes.md")] == [2, 4]


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("Makefile", "FLAG = --allow-unauthenticated\ndeploy:\n\tgcloud run deploy svc $(FLAG)\n"),
        ("Makefile", "export FLAG := --allow-unauthenticated\ndeploy:\n\tgcloud run deploy svc ${FLAG}\n"),
        ("Makefile", "A ?= --allow-unauthenticated\nFLAG = $(A)\ndeploy:\n\tgcloud run deploy svc $(FLAG)\n"),
        ("Dockerfile", "FROM x\nARG FLAG=--allow-unauthenticated\nRUN gcloud run deploy svc $FLAG\n"),
        ("Dockerfile", 'FROM x\nENV FLAG "--allow-unauthenticated"\nRUN gcloud run deploy svc $FLAG\n'),
        ("deploy.sh", "FLAG=--allow-unauthenticated\ngcloud run deploy svc $FLAG\n"),
        ("deploy.sh", "export FLAG=--allow-unauthenticated\ngcloud run deploy svc ${FLAG}\n"),
        ("deploy.sh", "readonly FLAG=--allow-unauthenticated\ngcloud run deploy svc \"$FLAG\"\n"),
        ("deploy.sh", "gcloud run deploy svc \\\n  --region us \\\n  --allow-unauthenticated\n"),
        ("deploy.sh", "for svc in a; do\n  gcloud run deploy $svc --allow-unauthenticated\ndone\n"),
        ("deploy.sh", "for svc in a; do gcloud run deploy $svc --allow-unauthenticated; done\n"),
        ("deploy.sh", "cd app && gcloud run deploy svc --allow-unauthenticated\n"),
        ("deploy.sh", "set -e; gcloud run deploy svc --allow-unauthenticated | tee log\n"),
    ],
)
def test_variables_continuations_loops_and_operators_are_followed(path: str, text: str) -> None:
    assert found(text, path=path) == ["REL511"]


@pytest.mark.parametrize(
    "text",
    [
        "gcloud run deploy svc '$FLAG'\n",
        "FLAG='--allow-unauthenticated'\ngcloud run deploy svc '$FLAG'\n",
        "gcloud run deploy svc \"--allow-unauthenticated\n",
        "gcloud run deploy svc \\\\\n--allow-unauthenticated\n",
        "gcloud run deploy svc  # --allow-unauthenticated\n",
        "FLAG=--allow-unauthenticated\ngcloud run deploy svc $FLAGS\n",
    ],
)
def test_quotes_comments_and_unknown_variables_are_respected(text: str) -> None:
    assert found(text) == []


def test_a_deploy_file_without_gcloud_is_not_read() -> None:
    assert found("echo deploy --allow-unauthenticated\n") == []


# ------------------------------------------------------------------ REL515


def test_a_public_deploy_of_an_open_route_is_rel515(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL511', 'REL515']\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "main.py").write_text("from flask import Flask\napp = Flask(__name__)\n\n@app.post('/run')\ndef run():\n    return ''\n\n@app.post('/two')\ndef two():\n    return ''\n")
    (tmp_path / "svc" / "deploy.sh").write_text("gcloud run deploy svc --source . --allow-unauthenticated\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "deploy.sh").write_text("gcloud run deploy other --source ../svc --allow-unauthenticated\n")
    (tmp_path / "remote.sh").write_text("gcloud run deploy r --source gs://b/x --allow-unauthenticated\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--output-format", "concise", "."], catch_exceptions=False)
    lines = sorted(line for line in result.stdout.splitlines() if ": REL5" in line)
    assert lines == [
        "other/deploy.sh:1:1: REL515 `gcloud run deploy other` makes the service public with --allow-unauthenticated, and route POST `/run` (`run`) (svc/main.py:5) (and 1 more) checks no credentials: anyone on the internet can call it",
        "remote.sh:1:1: REL511 `gcloud run deploy r` makes the service public with --allow-unauthenticated: anyone on the internet can call it; use IAM (`--no-allow-unauthenticated`, `roles/run.invoker`) unless it is meant to be public",
        "svc/deploy.sh:1:1: REL515 `gcloud run deploy svc` makes the service public with --allow-unauthenticated, and route POST `/run` (`run`) (svc/main.py:5) (and 1 more) checks no credentials: anyone on the internet can call it",
    ]


def test_a_public_deploy_of_a_cloud_function_s_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL511', 'REL515']\n")
    (tmp_path / "main.py").write_text("def handle(request):\n    return 'ok'\n\ndef other(request):\n    return 'ok'\n")
    (tmp_path / "deploy.sh").write_text(
        "gcloud functions deploy handle --trigger-http --allow-unauthenticated\n"
        "gcloud functions deploy fn --entry-point other --trigger-http --allow-unauthenticated\n"
        "gcloud functions deploy missing --trigger-http --allow-unauthenticated\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--output-format", "concise", "."], catch_exceptions=False)
    lines = [line.split(": ", 1)[1].split(" makes")[0] for line in result.stdout.splitlines() if ": REL5" in line]
    assert lines == ["REL515 `gcloud functions deploy handle`", "REL515 `gcloud functions deploy fn`", "REL511 `gcloud functions deploy missing`"]
    assert "Cloud Function `handle` (main.py:1) checks no credentials" in result.stdout


def test_a_loop_deploys_each_of_its_services() -> None:
    text = "for svc in a b; do\n  gcloud run deploy $svc --allow-unauthenticated\ndone\ngcloud run deploy $svc --allow-unauthenticated\n"
    assert [r[4].split(" makes")[0] for r in rows(text)] == ["`gcloud run deploy a`", "`gcloud run deploy b`", "`gcloud run deploy`"]  # after the loop: unknown


# ------------------------------------------------------------------ YAML: Cloud Build and CI


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("steps:\n- name: gcr.io/google.com/cloudsdktool/cloud-sdk\n  args: [gcloud, run, deploy, svc, --allow-unauthenticated]\n", [3]),
        ("steps:\n- name: gcr.io/cloud-builders/gcloud\n  args:\n  - run\n  - deploy\n  - svc\n  - --allow-unauthenticated\n", [4]),
        ("steps:\n- name: gcr.io/x/cloud-sdk:slim\n  args: [gcloud, run, deploy, svc, --allow-unauthenticated]\n", [3]),
        ("steps:\n- name: gcr.io/x/cloud-sdk:latest\n  args: [gcloud, run, deploy, svc, --allow-unauthenticated]\n", [3]),
        ("steps:\n- name: gcr.io/x/cloud-sdk/\n  args: [gcloud, run, deploy, svc, --allow-unauthenticated]\n", [3]),
        ("steps:\n- name: x\n  entrypoint: gcloud\n  args: [run, deploy, svc, --allow-unauthenticated]\n", [4]),
        ("steps:\n- name: x\n  entrypoint: bash\n  args: [-c, 'gcloud run deploy svc --allow-unauthenticated']\n", [4]),
        ("steps:\n- name: x\n  entrypoint: /bin/sh\n  args: [-ec, 'gcloud run deploy svc --allow-unauthenticated']\n", [4]),
        ("steps:\n- name: gcr.io/x/bash\n  args:\n  - -c\n  - |\n    set -e\n    gcloud run deploy svc --allow-unauthenticated\n", [7]),
        ("steps:\n- name: x\n  script: |\n    gcloud run deploy svc --allow-unauthenticated\n", [4]),
        ("steps:\n- name: x\n  entrypoint: bash\n  env: ['FLAG=--allow-unauthenticated', 'X']\n  args: [-c, 'gcloud run deploy svc $FLAG']\n", [5]),
        ("substitutions:\n  _FLAG: --allow-unauthenticated\nsteps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, svc, '${_FLAG}']\n", [5]),
        ("substitutions:\n  _FLAG: --allow-unauthenticated\nsteps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, svc, $_FLAG]\n", [5]),
        ("jobs:\n  deploy:\n    steps:\n    - run: gcloud run deploy svc --allow-unauthenticated\n", [4]),
        ("jobs:\n  deploy:\n    steps:\n    - run: |\n        echo go\n        gcloud run deploy svc --allow-unauthenticated\n", [6]),
        ("deploy:\n  script:\n  - echo go\n  - gcloud run deploy svc --allow-unauthenticated\n", [4]),
        ("deploy:\n  before_script: gcloud run deploy svc --allow-unauthenticated\n", [2]),
        ("deploy:\n  after_script: [gcloud run deploy svc --allow-unauthenticated]\n", [2]),
        ("a: &x\n  script: gcloud run deploy svc --allow-unauthenticated\nb: *x\n", [2]),
        ("---\nother: 1\n---\njobs:\n  d:\n    steps:\n    - run: gcloud run deploy svc --allow-unauthenticated\n", [7]),
    ],
)
def test_commands_are_read_from_cloud_build_and_ci_yaml(text: str, lines: list[int]) -> None:
    assert [(r[0], r[3]) for r in rows(text, path="cloudbuild.yaml")] == [(line, "REL511") for line in lines]


@pytest.mark.parametrize(
    "text",
    [
        "steps:\n- name: x\n  args: [run, deploy, svc, --allow-unauthenticated]\n",
        "steps:\n- name: x\n  entrypoint: bash\n  args: [-x, 'gcloud run deploy svc --allow-unauthenticated']\n",
        "steps:\n- name: x\n  entrypoint: python\n  args: [-c, 'gcloud run deploy svc --allow-unauthenticated']\n",
        "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, svc, '${_FLAG}']\n",
        "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, svc, '$$_FLAG']\n",
        "jobs:\n  d:\n    steps:\n    - name: gcloud run deploy svc --allow-unauthenticated\n",
        "notes: gcloud run deploy svc --allow-unauthenticated\n",
        "",
    ],
)
def test_yaml_that_runs_no_public_deploy(text: str) -> None:
    assert found(text, path="cloudbuild.yaml") == []


def test_unreadable_yaml_is_a_file_error_where_it_breaks() -> None:
    found = [(f.line, f.col, f.end_col, f.code, f.message) for f in check_text("a: [\n gcloud: x\n", ["REL511", "REL000"], path="ci.yml")]
    assert found == [(1, 0, 0, "REL000", "cannot read the YAML at line 3: its gcloud commands are not checked")]


def test_a_cloud_sdk_step_s_args_that_name_gcloud_are_its_command() -> None:
    """Bug found by mutation testing: the cloud-sdk image has no entrypoint, so its args
    start with `gcloud`; a second `gcloud` was put before them and the deploy was missed."""
    text = "steps:\n- name: gcr.io/google.com/cloudsdktool/cloud-sdk\n  args: [gcloud, run, deploy, svc, --allow-unauthenticated]\n"
    assert [r[4].split(" makes")[0] for r in rows(text, path="cloudbuild.yaml")] == ["`gcloud run deploy svc`"]
    text = "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: [run, deploy, svc, --allow-unauthenticated]\n"
    assert [r[4].split(" makes")[0] for r in rows(text, path="cloudbuild.yaml")] == ["`gcloud run deploy svc`"]
