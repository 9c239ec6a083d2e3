"""Secret detection as mutation testing measures it (issue 18, tests/MUTATION.md): every
detect-secrets plugin the scan runs, the gates that choose the lines and plugins, and the
context and placeholder rules, each seen through `reliability_lint.testing` as a rule
author sees it. No finding's message may show a secret's value: `found` asserts it."""

from __future__ import annotations

import pytest

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
