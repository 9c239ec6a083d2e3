"""Which names make a literal a secret and which values are stand-ins (issue 18, mutation
testing of secret_detect, tests/MUTATION.md): REL301 on Python bindings, REL302 on
configuration files, through `reliability_lint.testing`. No message shows a value."""

from __future__ import annotations

import pytest

from reliability_lint.testing import check_text

VALUE = "Hx7qLm2pZr9tKw4v"
SHOWN = "Hx7q…(16 chars)"
SECRET_WORDS = (
    "password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "credential",
    "credentials", "creds", "auth", "apikey", "privatekey", "secretkey", "accesskey", "contrasena",
)  # fmt: skip
KEY_QUALIFIERS = (
    "api", "access", "secret", "private", "priv", "auth", "client", "encryption", "signing",
    "master", "service", "account", "db", "database", "app", "consumer", "session", "hmac",
)  # fmt: skip
METADATA_WORDS = (
    "type", "types", "env", "environ", "var", "variable", "name", "names", "url", "uri", "urls",
    "endpoint", "host", "path", "file", "filename", "dir", "id", "ids", "arn", "prefix", "field",
    "param", "length", "len", "count", "size", "expiry", "expires", "expiration", "ttl", "timeout",
    "format", "kind", "mode", "version", "label", "hint", "policy", "header", "scope", "scopes",
    "provider", "class", "backend", "method", "regex", "pattern", "required", "enabled", "valid",
    "attempts", "rotation", "ref", "location", "used", "set", "changed", "reset",
)  # fmt: skip


def python(text: str, **kwargs: object) -> list[tuple[int, int, str]]:
    findings = check_text(text, select=["REL301"], path="settings.py", **kwargs)  # type: ignore[arg-type]
    for finding in findings:
        assert VALUE[4:] not in finding.message + finding.source_line
    return [(f.line, f.col, f.message) for f in findings]


def in_file(text: str, path: str) -> list[tuple[int, int, str]]:
    findings = check_text(text, select=["REL302"], path=path)
    for finding in findings:
        assert VALUE[4:] not in finding.message + finding.source_line
    return [(f.line, f.col, f.message) for f in findings]


# ------------------------------------------------------------------ names


@pytest.mark.parametrize("word", SECRET_WORDS)
def test_every_secret_word_makes_a_name_secret(word: str) -> None:
    for name in (word, word.upper(), f"db_{word}"):
        ((line, col, message),) = python(f'{name} = "{VALUE}"\n')
        assert (line, col) == (1, len(name) + 3)
        assert message.endswith(f"in `{name}`: {SHOWN}")


@pytest.mark.parametrize("qualifier", KEY_QUALIFIERS)
def test_a_key_qualified_by_a_known_word_is_secret(qualifier: str) -> None:
    assert len(python(f'{qualifier}_key = "{VALUE}"\n')) == 1
    assert len(python(f'{qualifier.capitalize()}Key = "{VALUE}"\n')) == 1


def test_a_key_without_a_qualifier_before_it_names_no_secret_in_a_file_read_for_names() -> None:
    # the comment names a secret, so that the file is read for names at all (the family's precondition)
    for name in ("key", "other_key", "key_api", "lookup_key", "keyboard", "api_value", "value_api", "client_name"):
        assert python(f'# password\n{name} = "{VALUE}"\n') == [], name


@pytest.mark.parametrize("word", METADATA_WORDS)
def test_a_name_ending_in_a_metadata_word_names_no_secret(word: str) -> None:
    assert python(f'password_{word} = "{VALUE}"\n') == []
    assert python(f'api_key_{word} = "{VALUE}"\n') == []
    # the metadata word decides only at the end of the name
    assert len(python(f'{word}_password = "{VALUE}"\n')) == 1


def test_an_id_of_a_secret_is_not_one() -> None:
    for name in ("secret_id", "api_key_id", "tokenId", "client_secret_ids"):
        assert python(f'{name} = "{VALUE}"\n') == [], name


# ------------------------------------------------------------------ stand-ins


@pytest.mark.parametrize(
    "value",
    [
        "xxxxxxxx", "********", "........", "--------", "________", "########",
        "changeme", "change-me", "replace_this", "fill it in please", "set-it_later", "setme123",
        "your-db-password", "your_token_here", "mysecret", "my-password", "my_token", "mykey",
        "example", "sample", "dummy", "placeholder", "redacted", "hidden", "masked", "secret",
        "password", "passwd", "token", "none", "null", "nil", "undefined", "todo", "tbd", "test",
        "testing", "default", "empty", "unset", "notset", "n/a", "PASSWORD", "Placeholder",
    ],
)  # fmt: skip
def test_an_obvious_stand_in_is_not_a_secret(value: str) -> None:
    # min-length 1, so that the length alone would not leave it out
    assert python(f'password = "{value}"\n', options={"secrets": {"min-length": 1}}) == [], value


@pytest.mark.parametrize(
    "value",
    [
        "${DB_PASSWORD}", "x{{ vault.db }}y", "%(password)s", "$DBPASS", "<your password here>", "<pw>",
        "{password}", "pre%spost", "pre{}post", "DB_PASSWORD_VALUE", "QWERTYUIOP", "fetchValueNow",
        "FetchValueNow", "settings.db_pass", "http://vault/x", "https://vault/x", "/run/secrets/db",
        "./secret.txt", "~/.secret", "file:db.key", "abababab", "two words here", "1.3.6.1.5.5.7.3.1",
        "Proxy-Authorization", "X-Api-Key", "WWW-Authenticate", "projects/p1/secrets/db",
        "projects/p1/secrets/db/versions/3", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
        "db-password", "stripe_key", "prod-api-token",
    ],
)  # fmt: skip
def test_a_template_a_reference_or_a_name_is_not_a_secret(value: str) -> None:
    assert python(f'password = "{value}"\n', options={"secrets": {"min-length": 1}}) == [], value


def test_values_that_only_resemble_stand_ins_are_secrets() -> None:
    for value in ("db-hostname-prod", "HX7QLM2P_z", "fetchValue2", "settings.2fa", "Http://vault", "x/run/secrets"):
        assert len(python(f'password = "{value}"\n')) == 1, value


def test_min_length_is_the_shortest_value_reported() -> None:
    assert len(python('password = "Hx7qL2"\n')) == 1  # six, the default
    assert python('password = "Hx7qL"\n') == []
    assert len(python('password = "Hx7"\n', options={"secrets": {"min-length": 3}})) == 1
    assert python('password = "Hx7"\n', options={"secrets": {"min-length": 4}}) == []


# ------------------------------------------------------------------ configuration files


@pytest.mark.parametrize(
    "name",
    [".env", ".env.local", "app.ini", "setup.cfg", "nginx.conf", "my.cnf", "Dockerfile.cf", "app.properties",
     "pyproject.toml", "deploy.yaml", "deploy.yml", "run.sh", "run.bash", "run.zsh", "Dockerfile", ".npmrc"],
)  # fmt: skip
def test_an_unquoted_value_counts_in_a_configuration_file(name: str) -> None:
    assert [(line, col) for line, col, _ in in_file(f"password = {VALUE}\n", name)] == [(1, 11)]


def test_an_unquoted_value_in_a_document_is_prose_unless_exported() -> None:
    assert in_file(f"password = {VALUE}\n", "notes.md") == []
    assert in_file(f"password = {VALUE}\n", "Dockerfile.md") == []
    ((line, col, message),) = in_file(f"  export DB_PASSWORD={VALUE}\n", "notes.md")
    assert (line, col) == (1, 21) and message == f"Secret Keyword in a document: {SHOWN}"
    assert in_file(f"exported DB_PASSWORD={VALUE}\n", "notes.md") == []
