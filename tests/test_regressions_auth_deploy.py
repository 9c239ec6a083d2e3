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
