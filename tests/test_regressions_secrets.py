"""Regressions from issue 18 for secret detection and redaction: each test fails with one
planted bug (tests/MUTATION.md names it) and passes without it. Checked as a user sees it:
findings through `reliability_lint.testing`, output through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

KEY_BODY = (
    "MIIEpAIBAAKCAQEA1c7x9z5Pad7OejecsQ0bu3aumdHg0Bo0mEHnHMAcfPt5ANLq",
    "Zq8vW3nR6tY1uI4oP7aS2dF5gH8jK0lZ3xC6vB9nM2qW5eR8tY1uI4oP7aS2dF5g",
)
PRIVATE_KEY = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(KEY_BODY) + "\n-----END RSA PRIVATE KEY-----"


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*args, "--no-cache", "--no-progress"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout + result.stderr


def secrets(text: str, path: str) -> list[tuple[int, int, str]]:
    return [(f.line, f.col, f.code) for f in check_text(text, select=["REL3"], path=path)]


# ------------------------------------------------------------------ detection


def test_public_ip_addresses_are_not_secrets() -> None:
    for line in ("token_host = 52.14.200.10\n", "auth server 52.14.200.10:8080\n", 'password_server: "8.8.8.8"\n'):
        assert secrets(line, "settings.ini") == [], line
        assert secrets(line, "notes.md") == [], line


def test_digests_and_uuids_are_identifiers_not_secrets() -> None:
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    assert secrets(f'secret "{digest}"\n', "notes.txt") == []
    assert secrets('token_ref "123e4567-e89b-12d3-a456-426614174000"\n', "notes.txt") == []
    # bound to a name that means a secret, a hex value is one
    assert secrets(f"token: {digest}\n", "deploy.yaml") == [(1, 7, "REL302")]


def test_a_credential_inside_another_is_reported_once() -> None:
    # the AWS key lies inside the URL's password: one finding, for the outer one
    findings = check_text("url = https://admin:xAKIAZ7Q3K5M2N8P4R6T1y@example.com/x\n", select=["REL3"], path="settings.ini")
    assert [(f.col, f.message.split(" in ")[0]) for f in findings] == [(20, "Basic Auth Credentials")]


def test_an_indirect_reference_is_not_a_secret() -> None:
    assert secrets("password = get_secret()\n", "settings.ini") == []
    assert secrets('password: read_vault("db")\n', "deploy.yaml") == []
    assert secrets('password = "Hx7qLm2pZr9tKw4v"\n', "settings.ini") == [(1, 12, "REL302")]


def test_max_file_size_skips_only_files_larger_than_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = 'password = "Hx7qLm2pZr9tKw4v"\n'
    (tmp_path / "at_limit.ini").write_text(line)
    (tmp_path / "over_limit.ini").write_text(line + "#")  # one byte more
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.reliability-lint]\nselect = ['REL302']\n[tool.reliability-lint.secrets]\nmax-file-size = {len(line)}\n"
    )
    out = run(tmp_path, monkeypatch, "check", "--output-format", "concise", ".")
    assert "at_limit.ini:1:" in out
    assert "over_limit.ini" not in out


# ------------------------------------------------------------------ redaction


def test_every_line_of_a_multi_line_secret_is_redacted_in_a_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "keys.py").write_text(f'SIGNING_KEY = """{PRIVATE_KEY}"""\n')
    out = run(tmp_path, monkeypatch, "fix", "--unsafe-fixes", "--diff", "--select", "REL301", "keys.py")
    assert "+SIGNING_KEY = os.environ" in out  # the diff is there
    for body_line in KEY_BODY:
        assert body_line not in out
        assert body_line[4:20] not in out


def test_a_fix_whose_edits_would_write_a_secret_keeps_no_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # REL402's fix copies the TODO's words into the raised error; this one holds the password
    (tmp_path / "mail.py").write_text(
        'password = "Hx7qLm2pZr9tKw4v"\n\n\ndef send_email(alert):\n    # TODO: log in with Hx7qLm2pZr9tKw4v\n    pass\n'
    )
    out = run(tmp_path, monkeypatch, "check", "--unsafe-fixes", "--output-format", "json", "mail.py")
    assert "REL402" in out
    assert "Hx7qLm2pZr9t" not in out
    assert "Hx7q" in out  # shown redacted, not dropped


def test_a_secret_containing_another_is_redacted_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "creds.py").write_text('password = "Hx7qLm2pZr9tKw4v"\ntoken = "Hx7qLm2pZr9tKw4vQ8sN3bYc"\n')
    out = run(tmp_path, monkeypatch, "fix", "--unsafe-fixes", "--diff", "--select", "REL301", "creds.py")
    assert '-token = "Hx7q…(24 chars)"' in out
    assert "Q8sN3bYc" not in out
    # the longer one first by length, not by spelling: here it sorts before the shorter one
    (tmp_path / "creds.py").write_text('password = "Zx7qLm2pZr9tKw4v"\ntoken = "AQ8sZx7qLm2pZr9tKw4v"\n')
    out = run(tmp_path, monkeypatch, "fix", "--unsafe-fixes", "--diff", "--select", "REL301", "creds.py")
    assert '-token = "AQ8s…(20 chars)"' in out
    assert "Zx7q…(16 chars)" in out and "AQ8sZx7q" not in out


def test_a_secret_shorter_than_twelve_characters_shows_none_of_them() -> None:
    for value in ("hunter2x", "Hx7qLm2pZr9"):
        (finding,) = check_text(f'password = "{value}"\n', select=["REL301"])
        assert f"…({len(value)} chars)" in finding.message
        assert value[:2] not in finding.message.replace("password", "")
        assert finding.message.endswith(f": …({len(value)} chars)"), finding.message
    (finding,) = check_text('password = "Hx7qLm2pZr9t"\n', select=["REL301"])
    assert "Hx7q…(12 chars)" in finding.message


def test_a_key_body_line_of_eight_characters_is_redacted_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = PRIVATE_KEY.replace("\n-----END", "\nQ8sN3bYc\n-----END")  # a last body line of 8 characters
    (tmp_path / "keys.py").write_text(f'SIGNING_KEY = """{key}"""\n')
    out = run(tmp_path, monkeypatch, "fix", "--unsafe-fixes", "--diff", "--select", "REL301", "keys.py")
    assert "+SIGNING_KEY = os.environ" in out
    assert "Q8sN3bYc" not in out


def test_a_secret_written_in_pieces_or_with_escapes_shows_none_of_its_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "creds.py").write_text(
        'password = (\n    "Hx7qLm2pZr9t"\n    "Kw4vQ8sN3bYc"\n)\ntoken = "Zx7q\\x4cm2pZr9tKw4vQ8sN"\n'
    )
    out = run(tmp_path, monkeypatch, "fix", "--unsafe-fixes", "--diff", "--select", "REL301", "creds.py")
    assert "+password = os.environ" in out and "+token = os.environ" in out
    for piece in ("Hx7qLm2pZr9t", "Kw4vQ8sN3bYc", "x4cm2pZr9t", "Zx7q\\x4c"):
        assert piece not in out, piece
    out = run(tmp_path, monkeypatch, "check", "--output-format", "json", "--select", "REL301", "creds.py")
    assert "Hx7qLm2p" not in out and "Kw4vQ8sN3bYc" not in out and "x4cm2pZr9t" not in out


def test_the_text_report_of_a_file_with_a_secret_shows_it_redacted_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "creds.py").write_text(
        'password = "Hx7qLm2pZr9tKw4v"\n\n\ndef send(alert):\n    # TODO: log in with Hx7qLm2pZr9tKw4v\n    pass\n'
    )
    out = run(tmp_path, monkeypatch, "check", "--unsafe-fixes", "--show-fixes", "creds.py")
    assert "Hx7qLm2pZr9t" not in out
    assert '1 | password = "Hx7q…(16 chars)"' in out  # the source line, redacted
    assert "5 |     # TODO: log in with Hx7q…(16 chars)" in out
    assert '-password = "Hx7q…(16 chars)"\n' in out and '+password = os.environ["PASSWORD"]' in out
    stub = out[out.index("REL402") : out.index("REL401")]
    assert "help: Raise `NotImplementedError` instead of returning (unsafe)" in stub
    assert "@@" not in stub and "raise NotImplementedError" not in stub  # its edits would write the secret: no diff
    reported, _ = json.JSONDecoder().raw_decode(run(tmp_path, monkeypatch, "check", "--output-format", "gitlab", "creds.py"))
    assert len({issue["fingerprint"] for issue in reported}) == 3
