"""REL301 and REL302: the known misses and false alarms of detect-secrets and bandit, from
both sides, and the credential shapes. Fake credentials are built by concatenation, so
that no scanner of this repository mistakes the test file for a leak."""

from __future__ import annotations

import socket

import pytest

from reliability_lint import secret_detect
from reliability_lint.testing import check_text, fix_text

AWS_ID = "AKIA" + "WCA6OOFJXY10FDVN"
AWS_SECRET = "Nw9n5d/0dNLECm3agHI" + "b52pRrGniybhsZY+k3FU4"
STRIPE = "sk_" + "live_3f37M8YR6l2eydUcsDMbijeB"
SLACK = "https://hooks.slack.com/services/" + "TW4V4076R/B6JP4FE6XWI/qQwK4zOYumhlXyqlLkwpFZVn"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
SHA = "d0ea4d7a870500293a08c27a3a5dd853bf9c98f2"
UUID = "e3bbe0ca-b047-49af-b4a8-89ac22c54168"
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2c\n-----END RSA PRIVATE KEY-----"


def found(code: str, text: str, path: str = "example.py", **options: object) -> list[tuple[int, int]]:
    opts = {"secrets": dict(options)} if options else None
    return [(f.line, f.col) for f in check_text(text, [code], path=path, options=opts) if f.code == code]


# ---------------------------------------------------------------- REL301 by context


@pytest.mark.parametrize(
    "source",
    [
        'PASSWORD: str = "s3cr3tPa55"\n',  # missed by detect-secrets and bandit alike
        'db_password = "s3cr3tPa55"\n',
        'self.api_key = "Qm3x9Lw2Pz77"\n',
        'connect(host="db", password="s3cr3tPa55")\n',
        'CONFIG = {"client_secret": "Zk29aLp0qW8x"}\n',
        'def login(user, token="tk_8dj2Kd9x0"):\n    pass\n',
        'def login(*, passwd="s3cr3tPa55"):\n    pass\n',
        'if password == "s3cr3tPa55":\n    pass\n',
        'if "s3cr3tPa55" != user.password:\n    pass\n',
        'settings["auth_token"] = "tk_8dj2Kd9x0"\n',
        'clientSecret = "Zk29aLp0qW8x"\n',
    ],
)
def test_secret_bound_to_a_secret_name_is_reported(source: str) -> None:
    assert len(found("REL301", source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        'token_type = "bearer"\n',  # a false alarm of bandit
        'password_env: str = "DB_PASSWORD"\n',
        'password = os.environ.get("DB_PASSWORD", "")\n',
        'password = ""\n',
        'password = "abc"\n',
        'password = "changeme"\n',
        'password = "${DB_PASSWORD}"\n',
        'password = "{password}"\n',
        'password = "<your password here>"\n',
        'secret_name = "projects/acme/secrets/warehouse-password"\n',
        'auth_url = "https://login.acme.net/oauth"\n',
        'auth = "tokenAuthBackend"\n',  # camelCase identifier
        'AUTH_BACKEND = "acme.auth.TokenAuth"\n',
        'key_path = "/etc/keys/service.json"\n',
        'author = "Marek Nowak-Smith"\n',
        f'PIPELINE_REVISION = "{SHA}"\n',  # git SHA
        f'MODEL_VERSION_ID = "{UUID}"\n',  # UUID
        f'checksum = "{"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}"\n',  # sha256
        'password = None\n',
        'aws_access_key_id=AWS_ACCESS_KEY_ID\n',
    ],
)
def test_metadata_placeholders_and_identifiers_are_not_reported(source: str) -> None:
    assert found("REL301", source) == []


def test_every_secret_of_a_line_is_reported() -> None:
    source = 'connect(password="s3cr3tPa55", api_key="Qm3x9Lw2Pz77", token="tk_8dj2Kd9x0")\n'
    assert [col for _, col in found("REL301", source)] == [17, 39, 61]


def test_min_length_option() -> None:
    assert found("REL301", 'password = "hunter"\n', **{"min-length": 8}) == []
    assert found("REL301", 'password = "hunter"\n') == [(1, 11)]


# ---------------------------------------------------------------- REL301 by shape


@pytest.mark.parametrize(
    ("source", "line"),
    [
        (f'x = "{AWS_ID}"\n', 1),
        (f'# old key {AWS_ID}, rotate it\nx = 1\n', 1),
        (f'"""Module docs.\n\nTest with {JWT} please.\n"""\n', 3),
        ('url = "https://etl:Xk29slQpw7@db.acme.net/listings"\n', 1),
        (f'KEY = """{PRIVATE_KEY}\n"""\n', 1),
        (f'headers = {{"Authorization": "Bearer {JWT}"}}\n', 1),
        (f'stripe.api_base = call("{STRIPE}")\n', 1),
        (f'WEBHOOK = "{SLACK}"\n', 1),
    ],
)
def test_credential_shapes_anywhere_in_python(source: str, line: int) -> None:
    assert [row for row, _ in found("REL301", source)] == [line]


def test_shape_and_context_of_one_literal_are_one_finding() -> None:
    assert len(found("REL301", f'aws_secret_key = "{AWS_ID}"\n')) == 1


def test_suppression_comments_of_the_neighbours() -> None:
    for comment in ("# pragma: allowlist secret", "# nosec", "# noqa: REL301", "# noqa: REL3"):
        assert found("REL301", f'password = "s3cr3tPa55"  {comment}\n') == [], comment
    assert found("REL301", 'password = "s3cr3tPa55"  # noqa: REL101\n') != []


# ---------------------------------------------------------------- REL302, other text files


def test_both_dotenv_passes_find_every_secret() -> None:
    # detect-secrets stops after its first pass found the key id and loses the secret key.
    text = f"# ops\nAWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nDB_PASSWORD=k8Jd82hsL0x\n"
    assert [row for row, _ in found("REL302", text, path=".env")] == [2, 3, 4]


def test_dotenv_plain_config_and_empty_values_are_not_reported() -> None:
    text = "GCP_PROJECT=acme-listings-prod\nLOG_LEVEL=DEBUG\nSENTRY_DSN=\nAWS_DEFAULT_REGION=us-east-1\n"
    assert found("REL302", text, path=".env.production") == []


def test_multi_secret_lines_in_text_files() -> None:
    text = 'export DB_PASSWORD="k8Jd82hsL0" API_KEY="Qm3x9Lw2Pz77"\n'
    assert found("REL302", text, path="deploy.sh") == [(1, 20), (1, 41)]
    json_text = '{"password": "k8Jd82hsL0", "token_type": "bearer", "client_secret": "Zk29aLp0qW8x"}\n'
    assert found("REL302", json_text, path="creds.json") == [(1, 14), (1, 69)]


def test_yaml_secrets_and_their_look_alikes() -> None:
    text = (
        "warehouse:\n"
        "  password: ZNJ59161AXT5Qo\n"  # 2
        "  password_env: DB_PASSWORD\n"
        "  token_type: bearer\n"
        "  login: userPasswordField\n"
        f"  version_id: {UUID}\n"
        f"  trained_at_commit: {SHA}\n"
        "  dsn: https://etl:Xk29slQpw7@db.acme.net/x\n"  # 8
        "  password: ${DB_PASSWORD}\n"
    )
    assert [row for row, _ in found("REL302", text, path="config.yaml")] == [2, 8]


def test_markdown_private_key_and_prose_key() -> None:
    text = f"# Notes\n\naccess key {AWS_ID} (ask Priya)\n\n```\n{PRIVATE_KEY}\n```\nLast deploy: {SHA}.\n"
    assert [row for row, _ in found("REL302", text, path="docs/HANDOFF.md")] == [3, 6]


def test_allowlist_pragmas_in_text_files() -> None:
    text = (
        f"A={AWS_ID}  # pragma: allowlist secret\n"
        "# pragma: allowlist nextline secret\n"
        f"B={AWS_ID}\n"
        f"C={AWS_ID}\n"
    )
    assert [row for row, _ in found("REL302", text, path=".env")] == [4]


def test_dockerfile_and_terraform() -> None:
    assert found("REL302", f"ENV AWS_ACCESS_KEY_ID={AWS_ID}\n", path="Dockerfile") != []
    assert found("REL302", f'access_key = "{AWS_ID}"\n', path="main.tf") != []


def test_messages_show_kind_and_redacted_form_only() -> None:
    text = f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}\nSTRIPE_API_KEY={STRIPE}\n"
    findings = check_text(text, ["REL302"], path=".env")
    assert [f.message.split(":")[0] for f in findings] == [
        "AWS Access Key in a dotenv file",
        "Stripe Access Key in a dotenv file",
    ]
    for finding in findings:
        blob = finding.message + finding.source_line + finding.fingerprint_text
        assert AWS_SECRET not in blob and STRIPE not in blob
        assert "…(40 chars)" in blob or "…(32 chars)" in blob


# ---------------------------------------------------------------- detection internals


def test_no_network_is_ever_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network use")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    text = f"AWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nS={STRIPE}\nW={SLACK}\n"
    assert len(found("REL302", text, path=".env")) == 4


LINES = [
    f"x = '{AWS_ID}'",
    f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}",
    f"token: {JWT}",
    "password: ZNJ59161AXT5Qo",
    'api_key = "Qm3x9Lw2Pz77"',
    "url = https://etl:Xk29slQpw7@db.acme.net/x",
    f"sha = '{SHA}'",
    "plain = 'nothing to see here'",
    "for row in rows:",
    f"stripe: {STRIPE}",
    "value = 'aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ='",
]


@pytest.mark.parametrize("config", [True, False])
@pytest.mark.parametrize("shapes_only", [True, False])
def test_prefilter_loses_nothing(monkeypatch: pytest.MonkeyPatch, config: bool, shapes_only: bool) -> None:
    filtered = [secret_detect.scan_line(line, config=config, shapes_only=shapes_only, min_length=6) for line in LINES]
    everything = __import__("re").compile("")
    monkeypatch.setattr(secret_detect, "TRIGGER", everything)
    monkeypatch.setattr(secret_detect, "SHAPE_TRIGGER", everything)
    unfiltered = [secret_detect.scan_line(line, config=config, shapes_only=shapes_only, min_length=6) for line in LINES]
    assert filtered == unfiltered
    assert any(filtered)


@pytest.mark.parametrize("shapes_only", [True, False])
def test_whole_file_trigger_finds_the_lines_the_line_trigger_finds(shapes_only: bool) -> None:
    text = "\n".join(LINES + ["x = 'İstanbul'  # lower() lengthens this line"] if shapes_only else LINES)
    trigger = secret_detect.SHAPE_TRIGGER if shapes_only else secret_detect.TRIGGER
    by_line = {n for n, line in enumerate(text.split("\n")) if trigger.search(line)}
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    spans = secret_detect.trigger_spans(text, shapes_only=shapes_only)
    by_span = {__import__("bisect").bisect_right(starts, start) - 1 for start, _ in spans}
    assert by_span == by_line and by_line


def test_prefilter_rules_out_ordinary_lines() -> None:
    ordinary = ["for row in rows:", "    return total / count", "import logging", "def main() -> None:"]
    assert not any(secret_detect.TRIGGER.search(line) for line in ordinary)


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True), ("SMTP_PASSWORD", True), ("api_key", True), ("apiKey", True),
        ("AWS_SECRET_ACCESS_KEY", True), ("private_key", True), ("auth", True), ("credentials", True),
        ("token_type", False), ("password_env", False), ("secret_name", False), ("api_key_path", False),
        ("auth_url", False), ("key", False), ("cache_key", False), ("author", False),
        ("AWS_ACCESS_KEY_ID", False), ("client_id", False), ("password_file", False),
    ],
)  # fmt: skip
def test_secret_names(name: str, secret: bool) -> None:
    assert secret_detect.is_secret_name(name) is secret


# ---------------------------------------------------------------- the fix


def test_fix_moves_assignments_and_keywords_to_the_environment() -> None:
    source = (
        "import boto3\n\n"
        'SMTP_PASSWORD: str = "OwzdsvXBJGbaxUwL"\n'
        f'client = boto3.client("s3", aws_secret_access_key="{AWS_SECRET}")\n'
        f'KEY_ID = "{AWS_ID}"\n'
        'CONFIG = {"password": "s3cr3tPa55"}\n'
    )
    assert fix_text(source, ["REL301"]) == (
        "import boto3\n"
        "import os\n\n"
        'SMTP_PASSWORD: str = os.environ["SMTP_PASSWORD"]\n'
        'client = boto3.client("s3", aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])\n'
        'KEY_ID = os.environ["KEY_ID"]\n'
        'CONFIG = {"password": "s3cr3tPa55"}\n'
    )


def test_fix_drops_the_parentheses_that_only_group_the_literal_and_keeps_a_call_s() -> None:
    source = (
        "import os\n\n"
        'password = (\n    "OwzdsvXBJ"\n    "GbaxUwL"\n)\n'
        'token = ((\r\n  "Zx7QpLm2Vb9TnR4sWc8YdKf"))\r\n'
        'login(password=("s3cr3tPa55"), user="ü")\n'
    )
    assert fix_text(source, ["REL301"]) == (
        "import os\n\n"
        'password = os.environ["PASSWORD"]\n'
        'token = os.environ["TOKEN"]\r\n'
        'login(password=os.environ["PASSWORD"], user="ü")\n'
    )


def test_fix_with_a_configured_accessor() -> None:
    options = {"secrets": {"accessor": 'secrets.get("{name}")', "accessor-imports": ["from pipeline import secrets"]}}
    fixed = fix_text('password = "s3cr3tPa55"\n', ["REL301"], options=options)
    assert fixed == 'from pipeline import secrets\n\npassword = secrets.get("PASSWORD")\n'


def test_fix_is_unsafe_and_its_message_names_the_variable_and_rotation() -> None:
    assert fix_text('password = "s3cr3tPa55"\n', ["REL301"], unsafe_fixes=False) == 'password = "s3cr3tPa55"\n'
    (finding,) = check_text('password = "s3cr3tPa55"\n', ["REL301"])
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert "PASSWORD" in finding.fix.message and "rotate" in finding.fix.message


@pytest.mark.parametrize(
    ("accessor", "imports"),
    [("os.environ[NAME]", ["os"]), ('os.environ["{name}"', ["os"]), ('os.environ["{name}"]', ["import"])],
)
def test_bad_accessor_options_are_config_errors(accessor: str, imports: list[str]) -> None:
    from reliability_lint.config import ConfigError

    with pytest.raises(ConfigError, match="secrets"):
        check_text("x = 1\n", ["REL301"], options={"secrets": {"accessor": accessor, "accessor-imports": imports}})


def test_shell_exports_in_a_runbook_and_a_script_are_found() -> None:
    secret = "wJalrXUtnF" + "EMI/K7MDENG/bPxRfiCYzX9k2mQ"
    runbook = f"# Restore\n\n```bash\nexport DB_PASSWORD={secret}\n./restore.sh\n```\n"
    script = f"#!/bin/sh\nDB_PASSWORD={secret}\nexport DB_PASSWORD\n"
    for text, path in ((runbook, "RUNBOOK.md"), (script, "restore.sh")):
        found = [f for f in check_text(text, ["REL302"], path=path) if f.code == "REL302"]
        assert [f.line for f in found] == [4 if path.endswith(".md") else 2], path
        assert secret not in found[0].message
