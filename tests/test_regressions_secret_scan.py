"""Secret detection as mutation testing measures it (issue 18, tests/MUTATION.md): every
detect-secrets plugin the scan runs, the gates that choose the lines and plugins, and the
context and placeholder rules, each seen through `reliability_lint.testing` as a rule
author sees it. No finding's message may show a secret's value: `found` asserts it."""

from __future__ import annotations

import bisect
import re

import pytest

from reliability_lint import secret_detect, secret_prefilter
from reliability_lint.secret_detect import KEY_QUALIFIERS, SECRET_WORDS
from reliability_lint.testing import check_text

# One credential per plugin, in the shape detect-secrets 1.5 knows it (fake, random).
PLUGIN_SAMPLES = {
    "Artifactory Credentials": "artifactory AKCu8jzPde0IgxL",
    "AWS Access Key": "AKIAF91DHODZDOC9IS0J",
    "Azure Storage Account access key": (
        "DefaultEndpointsProtocol=https;AccountKey=fKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQed"
        "UStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63Ff=="
    ),
    "Basic Auth Credentials": "https://admin:kCzJr4i0B3Jr@db.example.com/x",
    "Cloudant Credentials": "cloudant_password = dbc74254770f58904dba41ecccc3fc1626e53a13043b026c48bbf33feff9243a",
    "Discord Bot Token": "MVqE1SkHbn88HxjSI6bWHtP3.fS2qHx.6kwXoIIXGvOoNZYW2mZp0zVZomH",
    "GitHub Token": "ghp_FwUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aE",
    "GitLab Token": "glpat-6PwZPf1Qh6yYTWmE4lBY",
    "IBM Cloud IAM Key": "ibm_cloud_iam_key = DZPjN0MEQ7wjJJibaZUPgHV7iB3m03nbqnsGpWLuqIA1",
    "IBM COS HMAC Credentials": "cos_secret_access_key = 41bed440e50454f31af3176813e02ea68ef786e4d3cea27d",
    "JSON Web Token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.enQtYh5Xj8TPQxjq4i9DoV8gz4FkQ1okTBGzvAmwufU",
    "Mailchimp Access Key": "b0aee0ca923732881584d8c4fa2815d2-us12",
    "NPM tokens": "//registry.npmjs.org/:_authToken=npm_r8bOfZqfM2oeq3hDavJA76rNicHTp8hkqdlm",
    "OpenAI Token": "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",
    "Private Key": "-----BEGIN RSA PRIVATE KEY-----",
    "PyPI Token": "pypi-AgEIcHlwaS5vcmcGtSnovm14TUOizwd1iaeOV4qBkdfQ1y3GQsMpSscDlkrCaqx9vJupc94tnwlavyfErGPmp",
    "SendGrid API Key": "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",
    "Slack Token": "xoxb-1234567890-ofbcixgy29db8p5qa3e68f7e",
    "SoftLayer Credentials": "softlayer_api_key = ia4d5rgn5s7s333h9mtf4bs3e62rynnefj7qxi6rhxo55zbka52ztj0wyuhvauvz",
    "Square OAuth Secret": "sq0csp-h87mTa5Vsqxezy3Lex7BWr2drgd1QsO7jprBGumXxY9",
    "Stripe Access Key": "sk_live_B4bZWOz648JJnUfd7UACNWiP",
    "Telegram Bot Token": "123456789:3sFd67JikEAvstqVVPqzPptEJQzhkPkenG5",
    "Twilio API Key": "AC59o2v21i9mpflv9fupxqmb0y07nyrvd5",
}
# Where the value starts, where it is not the line's start (Artifactory's takes the space before it).
COLUMNS = {
    "Artifactory Credentials": 11, "Azure Storage Account access key": 31, "Basic Auth Credentials": 14,
    "Cloudant Credentials": 20, "IBM Cloud IAM Key": 20, "IBM COS HMAC Credentials": 24, "NPM tokens": 33,
    "Private Key": 5, "SoftLayer Credentials": 20,
}  # fmt: skip
# The same plugins' other gates (a second pattern, a second literal).
OTHER_GATES = {
    "Artifactory Credentials": "artifactory AP6d6GncfBAep",
    "AWS Access Key": 'aws_secret_key = "IhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXp"',
    "GitLab Token": "GR1348941OvfZ8UzDzV8fUkkibjL5",
    "Slack Token": "https://hooks.slack.com/services/TVVEqZe2q/BpUWnoVPD/F2yeE6RsXcNOPmeMjvqPVStN",
    "Twilio API Key": "SKrxi67nfrpyz21tbic145aez732pgojj7",
}


def found(text: str, path: str = "notes.txt", select: str = "REL302", **kwargs: object) -> list[tuple[int, int, str]]:
    """(line, column, kind) of every finding. What a finding points at is the secret: no
    message or source line it carries shows more of it than its first four characters."""
    findings = check_text(text, select=[select], path=path, **kwargs)  # type: ignore[arg-type]
    lines = text.splitlines()
    result = []
    for finding in findings:
        kind = finding.message.split(" in a ")[0].split(":")[0].removeprefix("Hardcoded ")
        result.append((finding.line, finding.col, kind))
        line = lines[finding.line - 1]
        end = finding.end_col if finding.end_line == finding.line else len(line)
        secret = line[finding.col : end].strip("'\" ")
        if len(secret) >= 8:
            assert secret[4:] not in finding.message + finding.source_line, finding
    return result


# ------------------------------------------------------------------ every plugin


@pytest.mark.parametrize("kind", sorted(PLUGIN_SAMPLES))
def test_every_plugin_finds_its_credential_in_a_text_file(kind: str) -> None:
    sample = PLUGIN_SAMPLES[kind]
    assert found(f"see\n{sample}\n") == [(2, COLUMNS.get(kind, 0), kind)]


@pytest.mark.parametrize("kind", sorted(OTHER_GATES))
def test_every_gate_of_a_plugin_opens_it(kind: str) -> None:
    assert [shown for _, _, shown in found(f"{OTHER_GATES[kind]}\n")] == [kind]


@pytest.mark.parametrize("kind", sorted(set(PLUGIN_SAMPLES) - {"Artifactory Credentials"}))
def test_every_format_plugin_finds_its_credential_in_python(kind: str) -> None:
    # Artifactory's patterns want a space or a double quote after the key: a Python literal has neither here
    assert found(f"value = {PLUGIN_SAMPLES[kind]!r}\n", "settings.py", "REL301") == [(1, 8, kind)]


# ------------------------------------------------------------------ the gates on unusual text

SOFTLAYER = PLUGIN_SAMPLES["SoftLayer Credentials"]
CLOUDANT_HEX = PLUGIN_SAMPLES["Cloudant Credentials"].split(" = ")[1]


def test_a_letter_that_matches_only_case_insensitively_still_opens_a_gate() -> None:
    # `ſ` (long s) and `ı` (dotless i) match `s` and `i` case-insensitively, as detect-secrets'
    # patterns do, but lower() keeps them: the gates must then run case-insensitively
    assert found("\u017f" + SOFTLAYER[1:] + "\n") == [(1, 20, "SoftLayer Credentials")]
    assert found(f"cl_ap\u0131key = {CLOUDANT_HEX}\n") == [(1, 12, "Cloudant Credentials")]


def test_a_letter_whose_lower_case_is_longer_does_not_shift_the_lines() -> None:
    # "İ".lower() is two characters: positions in the lower-cased text are not the text's
    text = "\u0130" * 30 + f"\npassword = {'Hx7qLm2pZr9tKw4v'}\nok\n"
    assert found(text, "app.ini") == [(2, 11, "Secret Keyword")]
    assert found("\u0130 " + SOFTLAYER.upper() + "\n") == [(1, 22, "SoftLayer Credentials")]


def test_upper_case_names_open_the_case_insensitive_gates() -> None:
    assert found(SOFTLAYER.upper().replace(SOFTLAYER.upper()[20:], SOFTLAYER[20:]) + "\n") == [(1, 20, "SoftLayer Credentials")]
    assert found('PASSWORD = "Hx7qLm2pZr9tKw4v"\n') == [(1, 12, "Secret Keyword")]
    assert found('DB_PASSWORD: "Hx7qLm2pZr9tKw4v"\n') == [(1, 14, "Secret Keyword")]


def test_pragma_allowlist_nextline_skips_only_the_next_line() -> None:
    line = "password = Hx7qLm2pZr9tKw4v\n"
    assert found(f"# pragma: allowlist nextline secret\n{line}{line}", "app.ini") == [(3, 11, "Secret Keyword")]
    assert found(f"# pragma: allowlist-nextline-secret\n{line}", "app.ini") == []
    assert found(f"# pragma:allowlist nextline secret\n{line}", "app.ini") == []
    assert found(f"{line}# pragma: allowlist nextline secret\n", "app.ini") == [(1, 11, "Secret Keyword")]
    github = PLUGIN_SAMPLES["GitHub Token"]
    assert found(f"x = 1  # pragma: allowlist nextline secret\nx = {github!r}\n", "app.py", "REL301") == []
    assert found(f"x = {github!r}\n# pragma: allowlist nextline secret\n", "app.py", "REL301") == [(1, 4, "GitHub Token")]


def test_every_credential_of_a_line_is_found_each_once() -> None:
    first, second = PLUGIN_SAMPLES["GitHub Token"], "ghp_GwUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aF"
    assert found(f"token: {first} {second}\n") == [(1, 7, "GitHub Token"), (1, 48, "GitHub Token")]
    assert found(f"{first} and {first}\n") == [(1, 0, "GitHub Token")]  # the same value at the first column it has


def test_a_json_web_token_is_reported_whole() -> None:
    jwt = PLUGIN_SAMPLES["JSON Web Token"] + "+/="
    ((finding),) = check_text(f"x = {jwt} tail\n", select=["REL302"], path="notes.txt")
    assert (finding.col, finding.end_col) == (4, 4 + len(jwt))
    assert finding.message.endswith(f"eyJh…({len(jwt)} chars)")


def test_an_indirect_reference_on_a_very_long_line_is_not_looked_for() -> None:
    base = 'password = "Hx7qLm2pZr9tKw4v"; other = read(y)'
    for length, expected in ((999, []), (1000, []), (1001, [(1, 12, "Secret Keyword")])):
        assert found(base.ljust(length - 1) + ".\n") == expected, length


def test_a_command_that_names_a_secret_is_not_one() -> None:
    assert found("password: $(gcloud secrets versions access latest --secret=slack-bot-token)\n", "run.sh") == []
    assert found("password: slack-bot-token)\n", "run.sh") == []  # the `)` closes a command
    assert found("password: Hx7qLm2pZr9tKw4v)\n", "run.sh") == [(1, 10, "Secret Keyword")]


def test_configuration_lines_in_their_usual_forms() -> None:
    assert found("- password: Hx7qLm2pZr9tKw4v\n", "deploy.yaml") == [(1, 12, "Secret Keyword")]
    assert found('"password": "Hx7qLm2pZr9tKw4v"\n', "app.json") == [(1, 13, "Secret Keyword")]
    assert found("password: Hx7qLm2pZr9tKw4v  # the old one\n", "deploy.yaml") == [(1, 10, "Secret Keyword")]
    assert found('password: Hx7q"Lm2pZr9tKw4v\n', "deploy.yaml") == []
    assert found("url: https://example.com/password\n", "deploy.yaml") == []


def test_a_file_without_a_final_newline_is_scanned_to_its_last_line() -> None:
    first, second = PLUGIN_SAMPLES["GitHub Token"], "ghp_GwUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aF"
    assert found(f"{first}\nx {second}") == [(1, 0, "GitHub Token"), (2, 2, "GitHub Token")]
    assert found(f"x = {first!r}\ny = {second!r}", "app.py", "REL301") == [(1, 4, "GitHub Token"), (2, 4, "GitHub Token")]
    assert found(f"x = 1\r\ny = {second!r}\rz = {first!r}", "app.py", "REL301") == [(2, 4, "GitHub Token"), (3, 4, "GitHub Token")]


# ------------------------------------------------------------------ context, heuristics, filters

B64 = "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbA"
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def test_a_high_entropy_base64_value_counts_unless_its_name_says_otherwise() -> None:
    assert found(f'note: "{B64}"\n', "deploy.yaml") == [(1, 7, "Base64 High Entropy String")]
    assert found(f'see "{B64}" here\n') == [(1, 5, "Base64 High Entropy String")]  # bound to no name at all
    assert found(f'session_id: "{B64}"\n', "deploy.yaml") == []
    assert found(f'token_url: "{B64}"\n', "deploy.yaml") == []


def test_a_keyword_hit_needs_a_name_that_means_a_secret() -> None:
    assert found('passwords_stored = "Hx7qLm2pZr9tKw4v"\n') == []
    assert found('password := "Hx7qLm2pZr9tKw4v"\n', "notes.md") == []  # no name the value is bound to
    assert found('password = "Hx7qLm2pZr9tKw4v"\n') == [(1, 12, "Secret Keyword")]


def test_a_hex_digest_bound_to_no_name_is_an_identifier() -> None:
    assert found(f'"{DIGEST}" is the token: ok\n') == []
    assert found(f"token: {DIGEST}\n", "deploy.yaml") == [(1, 7, "Hex High Entropy String")]


def test_detect_secrets_heuristic_filters_apply_each_alone() -> None:
    for value in (
        "abcdefghijklmnop",  # sequential
        "123e4567-e89b-12d3-a456-426614174000",  # a UUID
        "$Hx7q-Lm2pZr9tKw4v",  # a shell variable
        "!@#%^&*()_+~",  # not a letter in it
    ):
        assert found(f'password = "{value}"\n') == [], value
    assert found('user_id = 1; password = "Hx7qLm2pZr9tKw4v"\n') == []  # an id's line
    # the id heuristic is for the context plugins: a token's format is a token wherever it stands
    assert found(f"user_id: {PLUGIN_SAMPLES['GitHub Token']}\n") == [(1, 9, "GitHub Token")]


def test_a_value_compared_to_a_secret_name_is_not_bound_to_it() -> None:
    assert found('if "Hx7qLm2pZr9tKw4v" == password:\n') == []
    assert found('if password == "Hx7qLm2pZr9tKw4v":\n') == [(1, 16, "Secret Keyword")]


def test_a_value_without_a_letter_is_not_a_secret() -> None:
    assert found('password = "_!@#%^&*()+~"\n') == []
    assert found('password = "_!@#%^&*()+a"\n') == [(1, 12, "Secret Keyword")]


def test_a_credential_inside_another_one_is_reported_as_the_outer_one() -> None:
    # the keyword's value starts where the AWS key does, or ends where it does
    ((finding),) = check_text("password=AKIAF91DHODZDOC9IS0JXYZ\n", select=["REL302"], path="app.ini")
    assert (finding.col, finding.end_col) == (9, 32) and finding.message.startswith("Secret Keyword")
    ((finding),) = check_text("password=Q7AKIAF91DHODZDOC9IS0J\n", select=["REL302"], path="app.ini")
    assert (finding.col, finding.end_col) == (9, 31) and finding.message.startswith("Secret Keyword")
    # and a credential after a nested one is still found
    line = f"url = https://admin:xAKIAZ7Q3K5M2N8P4R6T1y@example.com/x {PLUGIN_SAMPLES['GitHub Token']}\n"
    assert found(line) == [(1, 20, "Basic Auth Credentials"), (1, 57, "GitHub Token")]


def test_only_the_parentheses_a_value_does_not_open_are_left_out() -> None:
    seven = {"secrets": {"min-length": 7}}
    assert found("password: Hx7q+()\n", "run.sh", options=seven) == [(1, 10, "Secret Keyword")]
    assert found("password: Hx7q+(\n", "run.sh", options=seven) == []
    assert found("password: slack-bot-token)x\n", "run.sh") == [(1, 10, "Secret Keyword")]


@pytest.mark.parametrize("shapes_only", [True, False])
def test_the_whole_file_spans_are_the_lines_the_line_trigger_finds(shapes_only: bool) -> None:
    lines = [*PLUGIN_SAMPLES.values(), "for row in rows:", "x = 'İstanbul'", "password = 'Hx7qLm2pZr9tKw4v'", "nothing here"]
    text = "\n".join(lines)
    trigger = secret_detect.SHAPE_TRIGGER if shapes_only else secret_detect.TRIGGER
    by_line = {n for n, line in enumerate(lines) if trigger.search(line)}
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    spans = secret_detect.trigger_spans(text, shapes_only=shapes_only)
    assert {bisect.bisect_right(starts, start) - 1 for start, _ in spans} == by_line
    assert len(by_line) >= len(PLUGIN_SAMPLES) - 2 and 23 not in by_line


# ------------------------------------------------------------------ the one-regex forms of the gates

ORDINARY = ("for row in rows:", "    return total / count", "import logging", "def main() -> None:", "authors()")


@pytest.mark.parametrize("shapes_only", [True, False])
def test_the_line_trigger_matches_every_credential_line_and_no_ordinary_one(shapes_only: bool) -> None:
    # line_trigger is the family's precondition: a line it misses is never scanned
    trigger = re.compile(secret_prefilter.line_trigger(shapes_only=shapes_only))
    samples = {**PLUGIN_SAMPLES, **OTHER_GATES}
    if shapes_only:  # Python: the keyword and entropy plugins read the syntax tree instead
        samples = {kind: value for kind, value in samples.items() if kind != "Artifactory Credentials"}
    for kind, value in samples.items():
        assert trigger.search(value), kind
    assert trigger.search("SOFTLAYER_API_KEY = 1") and trigger.search("Hooks.Slack.Com")
    assert bool(trigger.search('PASSWORD = "x"')) is not shapes_only
    assert bool(trigger.search("IAM_KEY = 1")) and bool(trigger.search("my_iam = 1")) is shapes_only
    for line in ORDINARY:
        assert not trigger.search(line), line


NAMES = ("password", "DB_PASSWORD", "ClientSecret", "api_key", "API-KEY", "hmac.key", "Creds", "contrasena", "x\\x41y", "пароль")
NOT_NAMES = ("keyboard", "monkey", "for row in rows:", "primary_key", "tok en", "api")


def test_the_name_gate_and_its_fast_form_agree_on_secret_names() -> None:
    words, qualifiers = sorted(SECRET_WORDS), sorted(KEY_QUALIFIERS)
    gate = re.compile(secret_prefilter.name_gate(words, qualifiers))
    fast = secret_prefilter.names_gate_function(words, qualifiers)
    for name in NAMES:
        assert gate.search(name) and fast(name), name
    for text in NOT_NAMES:
        assert not gate.search(text) and not fast(text), text
    assert not fast("x\\\\y") and not gate.search("x\\\\y")  # an escaped backslash is no escape


def test_a_gate_of_a_shorter_word_covers_the_longer_ones() -> None:
    fast = secret_prefilter.names_gate_function(["password", "pass", "passwd"], ["db"])
    assert fast("PASSWD") and fast("my_passphrase") and fast("DB-Key") and not fast("pas") and not fast("db")
    pattern = secret_prefilter.name_gate(["password", "pass"], ["db"])
    assert pattern.count("(?i:") == 2 and re.search(pattern, "xPaSs") and re.search(pattern, "db__KEY")
    # shortest first, whatever the spelling: `mypass` sorts before `pass` and is covered by it
    assert secret_prefilter.name_gate(["mypass", "pass"], ["db"]).count("(?i:") == 2


def test_python_files_are_scanned_for_formats_only() -> None:
    # a shape on the line opens it; the entropy plugins still do not run on Python source
    assert found(f'note = "{B64}"  # see AKIA docs\n', "app.py", "REL301") == []


def test_an_unquoted_value_counts_in_a_configuration_file_on_any_line_shape() -> None:
    assert found("  * password: Hx7qLm2pZr9tKw4v\n", "deploy.yaml") == [(1, 14, "Secret Keyword")]


def test_only_a_json_web_token_is_extended_past_its_pattern() -> None:
    ((finding),) = check_text(f"{PLUGIN_SAMPLES['GitHub Token']}XY.more\n", select=["REL302"], path="notes.txt")
    assert (finding.col, finding.end_col) == (0, 40)
    jwt = PLUGIN_SAMPLES["JSON Web Token"] + "+/="
    ((finding),) = check_text(f"{jwt} tail\n", select=["REL302"], path="notes.txt")
    assert (finding.col, finding.end_col) == (0, len(jwt))


def test_every_keyword_value_of_a_line_counts_after_one_that_does_not() -> None:
    line = 'password = "abcdefghijklmnop"; secret = "Hx7qLm2pZr9tKw4v"\n'  # the first is sequential
    assert found(line) == [(1, 41, "Secret Keyword")]
    line = 'password_hint = "Qw8eRt5yUi3oPa1s"; password = "Zx7qLm2pZr9tKw4v"\n'  # the first names a hint
    assert found(line) == [(1, 48, "Secret Keyword")]
    line = 'password = "Hx7qLm2pZr9tKw4v"; secret = "Zx7qLm2pZr9tKw4v"\n'
    assert found(line) == [(1, 12, "Secret Keyword"), (1, 41, "Secret Keyword")]


def test_a_hex_value_counts_only_above_the_entropy_limit() -> None:
    for value in ("deadbeefdeadbeef", "abab1212cdcd3434", "abcdef01abcdef01"):  # 1.9 to exactly 3 bits
        assert found(f"token: {value}\n", "deploy.yaml") == [], value
    assert found("token: abcdef0123abcdef\n", "deploy.yaml") == [(1, 7, "Hex High Entropy String")]


def test_a_name_with_dots_other_than_its_suffix_is_no_configuration_file() -> None:
    assert found(f"password = {'Hx7qLm2pZr9tKw4v'}\n", "X.md") == []
    assert found(f"password = {'Hx7qLm2pZr9tKw4v'}\n", ".X.md") == []


def test_a_pragma_on_the_last_line_allows_nothing() -> None:
    text = "password = Hx7qLm2pZr9tKw4v\nok\n# pragma: allowlist nextline secret"
    assert found(text, "app.ini") == [(1, 11, "Secret Keyword")]


def test_the_family_reads_a_python_file_whose_only_credential_is_in_capitals() -> None:
    # the precondition that lets the engine skip a Python file must see what the case-insensitive
    # patterns see (in a comment: a quoted run of 20 characters would open the base64 gate anyway)
    assert found("# XOXB-1234567890-OFBCIXGY29DB8P5QA3\n", "app.py", "REL301") == [(1, 2, "Slack Token")]
