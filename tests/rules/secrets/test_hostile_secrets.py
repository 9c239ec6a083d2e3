"""Secret hygiene: secrets planted in every kind of file the tool reads, every command and
output format run over them, the cache, the baseline and --diff; no value may appear in
anything the tool printed or wrote.

Two layers. A stand-in secrets rule (a local rule pack of this test) proves the engine's
side: what a rule hands to ctx.redact stays hidden in its own and other rules' findings on
that line, fingerprints, the cache and diffs. Then one secret of every real kind is planted for
the secret rules of the registry; its checks skip, naming the missing rules, on a branch
that has none.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reliability_lint.cli import cli as group
from reliability_lint.registry import load_rules
from reliability_lint.report import FORMATS

REGISTRY = load_rules()
SECRET_RULES = sorted(code for code, rule in REGISTRY.rules.items() if rule.family == "secrets")

STAND_IN = "rltest_" + "Zq8vL2mN4pX7wR1tK9sB3dF6"  # what the stand-in rule treats as a secret

STAND_IN_RULE = '''
import ast
import re
from pathlib import Path
from reliability_lint.registry import file_kind, rule

TOKEN = re.compile(r"rltest_[A-Za-z0-9]{24}")
file_kind("secret-text", lambda path: path.suffix in (".env", ".yaml", ".md") or path.name == ".env")


@rule("TST1", "stand-in-secret", "A planted test token", "P0", nodes=(ast.Constant,))
def in_python(node, ctx):
    match = isinstance(node.value, str) and TOKEN.search(node.value)
    if match:
        ctx.report("TST1", node, f"Secret in code: {ctx.redact(match.group())}")


@rule("TST2", "stand-in-secret-text", "A planted test token in text", "P0", kinds=("secret-text",))
def in_text(ctx):
    for number, line in enumerate(ctx.source.lines, 1):
        match = TOKEN.search(line)
        if match:
            shown = ctx.redact(match.group())  # the engine hides it in everything that leaves
            ctx.report("TST2", None, f"Secret in text: {shown}", position=(number, match.start(), number, match.end()))
'''

# One of every kind a secret scanner knows, in the files they hide in. None is real.
REAL_SECRETS = {
    "aws-access-key-id": "AKIA" + "QX7RZ2WN5LBY4TEM",
    "aws-secret-access-key": "wJalrXUtnF" + "EMI/K7MDENG/bPxRfiCYzX9k2mQ",
    "stripe-live-key": "sk_live_" + "51HxQ2eKp9Vb3Rt7Lm4Nz8Wq",
    "github-token": "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
    "slack-webhook": "https://hooks.slack.com/services/" + "T0AB1CD2E/B3FG4HI5J/Kl6Mn7Op8Qr9St0Uv1Wx2Yz3",
    "password": "Tr0ub4dor&3-" + "horse-battery",
    "private-key": "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "BKcwggSjAgEAAoIBAQC7",
}


def plant(root: Path) -> None:
    s = REAL_SECRETS
    (root / "pyproject.toml").write_text('[tool.reliability-lint]\nlocal-rules = "lint_rules"\n')
    (root / "lint_rules").mkdir()
    (root / "lint_rules" / "stand_in.py").write_text(STAND_IN_RULE)
    (root / "app.py").write_text(
        "import boto3\n\n"
        f'AWS_ACCESS_KEY_ID = "{s["aws-access-key-id"]}"\n'
        f'STRIPE_KEY = "{s["stripe-live-key"]}"\n'
        f'GITHUB_TOKEN = "{s["github-token"]}"\n'
        f'DB_PASSWORD = "{s["password"]}"\n\n\n'
        "def connect():\n"
        "    try:\n"
        f'        return boto3.client("s3", aws_secret_access_key="{s["aws-secret-access-key"]}")\n'
        f'    except: token = "{STAND_IN}"\n'  # the same line as REL101 and REL102
        "\n\n"
        "def notify():\n"
        "    try:\n"
        f'        post("{s["slack-webhook"]}")\n'
        f'        key = "{STAND_IN}"  # context of the fix below, in --diff\n'
        "    except Exception:\n"
        "        pass\n"
    )
    (root / ".env").write_text(
        f"AWS_ACCESS_KEY_ID={s['aws-access-key-id']}\nAWS_SECRET_ACCESS_KEY={s['aws-secret-access-key']}\n"
        f"STRIPE_API_KEY={s['stripe-live-key']}\nSLACK_WEBHOOK_URL={s['slack-webhook']}\nTOKEN={STAND_IN}\n"
    )
    (root / "settings.yaml").write_text(f"warehouse:\n  password: {s['password']}\n  token: {STAND_IN}\n")
    (root / "HANDOFF.md").write_text(
        f"The deploy key is `{s['github-token']}` and the stand-in is {STAND_IN}.\n\n"
        f"-----BEGIN PRIVATE KEY-----\n{s['private-key']}\n-----END PRIVATE KEY-----\n"
    )
    (root / "service_account.json").write_text(
        json.dumps({"type": "service_account", "private_key": f"-----BEGIN PRIVATE KEY-----\\n{s['private-key']}\\n-----END PRIVATE KEY-----\\n"})
    )


def tool(root: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "reliability_lint", *args], cwd=root, capture_output=True, text=True, timeout=300
    )
    assert result.returncode in (0, 1), f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return f"$ {' '.join(args)}\n{result.stdout}\n{result.stderr}"


def _path_commands() -> list[str]:
    return sorted(name for name, command in group.commands.items() if any(p.name == "paths" for p in command.params))


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Everything printed, and every file written, by every command over the planted tree."""
    root = tmp_path_factory.mktemp("secrets")
    plant(root)
    planted = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    printed = []
    for output_format in sorted(FORMATS):
        printed.append(tool(root, "check", "--output-format", output_format, "."))
        printed.append(tool(root, "check", "--output-format", output_format, "."))  # from the cache
        printed.append(tool(root, "check", "--statistics", "--output-format", output_format, "."))
    printed.append(tool(root, "fix", "--unsafe-fixes", "--diff", "."))
    printed.append(tool(root, "check", "--fix", "--diff", "--unsafe-fixes", "."))
    for name in _path_commands():
        if name not in ("check", "fix"):
            printed.append(tool(root, name, "."))  # baseline, todos, report, ... as they come
    printed.append(tool(root, "rules"))
    printed.append(tool(root, "fix", "--unsafe-fixes", "--output-format", "json", "."))
    written = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and planted.get(path) is None and "__pycache__" not in path.parts
    }
    return {"root": root, "printed": "\n".join(printed), "written": written}


def _leaks(produced: dict, value: str) -> list[str]:
    """Where the value, or any part of it past the first four characters, shows up."""
    pieces = {value} | {value[i : i + 12] for i in range(4, max(5, len(value) - 11))}
    places = []
    if any(piece in produced["printed"] for piece in pieces):
        places.append("the printed output")
    for name, data in produced["written"].items():
        text = data.decode("utf-8", "replace")
        if any(piece in text for piece in pieces):
            places.append(name)
    return places


@pytest.mark.slow
def test_the_stand_in_rule_ran_and_the_cache_was_written(produced: dict) -> None:
    assert "TST1" in produced["printed"] and "TST2" in produced["printed"]
    assert "REL102" in produced["printed"] and "--- a/app.py" in produced["printed"]
    # The cache's table or journals hold entries: the leak checks below read them too.
    cache = [name for name in produced["written"] if name.startswith(".reliability_lint_cache/")]
    assert any(name.endswith(("/table", ".jsonl")) for name in cache), cache


@pytest.mark.slow
def test_a_redacted_value_appears_nowhere(produced: dict) -> None:
    assert _leaks(produced, STAND_IN) == []


@pytest.mark.slow
def test_the_fix_kept_the_user_s_code(produced: dict) -> None:
    app = (produced["root"] / "app.py").read_text()
    assert STAND_IN in app and "logging.exception(" in app  # fixed, and nothing else touched


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(REAL_SECRETS))
def test_real_secret_kinds_appear_nowhere(produced: dict, kind: str) -> None:
    if not SECRET_RULES:
        pytest.skip("no secret rules registered on this branch (REL301, REL302, REL303 are missing)")
    detected = [row for row in _json_rows(produced) if row["code"] in SECRET_RULES]
    lines = {(Path(row["filename"]).name, row["location"]["row"]) for row in detected}
    planted_at = _planted_lines(produced["root"], REAL_SECRETS[kind])
    if not planted_at & lines:
        pytest.skip(f"no registered secret rule ({', '.join(SECRET_RULES)}) reports the {kind} kind")
    assert _leaks(produced, REAL_SECRETS[kind]) == []


def _json_rows(produced: dict) -> list[dict]:
    text = produced["printed"]
    start = text.index("$ check --output-format json .\n") + len("$ check --output-format json .\n")
    return json.JSONDecoder().raw_decode(text[start:])[0]


def _planted_lines(root: Path, value: str) -> set[tuple[str, int]]:
    found = set()
    for path in root.iterdir():
        if path.is_file():
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                if value in line or value.replace("\\n", "\n") in line:
                    found.add((path.name, number))
    return found



# ---------------------------------------------------------------------------- issue 17, 8 to 11
#
# 45 distinct canaries, each planted where one of the leaks of issue 17 showed it: literals
# whose source text is not their value (implicit concatenation, escapes), TODO owners and
# references (URL user information), keyword comments such as `password="..."` on a tagged
# line (in stubs whose fix copies the text), and files whose secret rules are deselected (per-file-ignores of REL3
# and `--select REL1,REL2,REL4`). Every format of check, the cache, the baseline, todos in
# every format, report and fix --diff are searched for each; none may appear.

import random
import string

_RANDOM = random.Random(17)


def _canary(length: int = 22) -> str:
    letters = string.ascii_letters + string.digits
    while True:
        value = "".join(_RANDOM.choice(letters) for _ in range(length))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value):
            return value


def _canaries() -> dict[str, tuple[str, list[str]]]:
    """name -> (value, the pieces of its source text that must not appear either)."""
    made: dict[str, tuple[str, list[str]]] = {}
    for i in range(4):
        value = _canary()
        made[f"concat-{i}"] = (value, [value[:10], value[10:]])
        value = _canary()
        made[f"concat-lines-{i}"] = (value, [value[:11], value[11:]])
        value = _canary()
        made[f"escaped-{i}"] = (value, [value[:10], value[11:]])  # value[10] written as \x..
        value = _canary()
        made[f"keyword-concat-{i}"] = (value, [value[:10], value[10:]])
        value = _canary()
        made[f"unicode-escaped-{i}"] = (value, [value[:10], value[11:]])
        made[f"todo-comment-{i}"] = (_canary(), [])
        made[f"stub-comment-{i}"] = (_canary(), [])
        made[f"ignored-file-{i}"] = (_canary(), [])
        made[f"ignored-keyword-{i}"] = (_canary(), [])
    for i in range(3):
        made[f"owner-{i}"] = ("ghp_" + _canary(36), [])
        made[f"reference-{i}"] = (_canary(), [])
        made[f"paren-reference-{i}"] = (_canary(), [])
    return made


CANARIES = _canaries()


def plant_canaries(root: Path) -> None:
    c = {name: value for name, (value, _) in CANARIES.items()}
    (root / "pyproject.toml").write_text('[tool.reliability-lint]\n[tool.reliability-lint.per-file-ignores]\n"tests/*" = ["REL3"]\n')
    app = ["import logging", "import requests", ""]
    for i in range(4):
        v = c[f"concat-{i}"]
        app.append(f'DB_PASSWORD_{i} = ("{v[:10]}" "{v[10:]}")')
        v = c[f"concat-lines-{i}"]
        app += [f"API_TOKEN_{i} = (", f'    "{v[:11]}"', f'    "{v[11:]}"', ")"]
        v = c[f"escaped-{i}"]
        app.append(f'SECRET_KEY_{i} = "{v[:10]}\\x{ord(v[10]):02x}{v[11:]}"')
        v = c[f"keyword-concat-{i}"]
        app += [f"def fetch_{i}(url):", f'    return requests.get(url, auth_token="{v[:10]}" "{v[10:]}")', ""]
        v = c[f"unicode-escaped-{i}"]
        app += [f"def swallow_{i}():", "    try:", "        run()", f'    except: password = "{v[:10]}\\u{ord(v[10]):04x}{v[11:]}"', ""]
        app.append(f'# TODO password="{c[f"todo-comment-{i}"]}"')
        app += [f"def stub_{i}():", f'    # TODO api_key = "{c[f"stub-comment-{i}"]}"', "    pass", ""]
    for i in range(3):
        app.append(f"# TODO({c[f'owner-{i}']}): rotate the deploy key")
        app.append(f"# TODO: see https://deploy:{c[f'reference-{i}']}@tracker.example.com/browse/OPS-{i}")
        app.append(f"# FIXME(https://bot:{c[f'paren-reference-{i}']}@ci.example.com/job/{i}) flaky")
    (root / "app.py").write_text("\n".join(app) + "\n")
    (root / "tests").mkdir()
    tests = ["import requests", ""]
    for i in range(4):
        tests += [f"def test_{i}():", "    try:", "        run()", f'    except: token = "{c[f"ignored-file-{i}"]}"', ""]
        tests += [f"def call_{i}(url):", f'    return requests.get(url, api_key="{c[f"ignored-keyword-{i}"]}")', ""]
    (root / "tests" / "test_app.py").write_text("\n".join(tests) + "\n")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)


def test_45_distinct_canaries() -> None:
    values = [value for value, _ in CANARIES.values()]
    assert len(values) == 45 and len(set(values)) == 45


@pytest.fixture(scope="module")
def canary_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("canaries")
    plant_canaries(root)
    planted = {path: path.read_bytes() for path in root.rglob("*") if path.is_file() and ".git" not in path.parts}
    printed = []
    for output_format in sorted(FORMATS):
        printed.append(tool(root, "check", "--output-format", output_format, "."))
    for output_format in ("json", "sarif", "text"):  # from the cache
        printed.append(tool(root, "check", "--output-format", output_format, "."))
    printed.append(tool(root, "fix", "--unsafe-fixes", "--diff", "."))
    printed.append(tool(root, "check", "--fix", "--diff", "--unsafe-fixes", "."))
    deselected = ("--select", "REL1,REL2,REL4")  # the secret rules run for redaction only
    for output_format in ("json", "sarif", "text"):
        printed.append(tool(root, "check", *deselected, "--output-format", output_format, "."))
    printed.append(tool(root, "fix", *deselected, "--unsafe-fixes", "--diff", "."))
    for output_format in ("table", "json", "csv", "markdown"):
        printed.append(tool(root, "todos", "--format", output_format, "."))
    for output_format in ("markdown", "html"):
        printed.append(tool(root, "report", "--format", output_format, "."))
    printed.append(tool(root, "baseline", "."))
    printed.append(tool(root, "check", "--baseline", ".reliability-lint-baseline.json", "--output-format", "json", "."))
    written = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file() and planted.get(path) is None and ".git" not in path.parts and "__pycache__" not in path.parts
    }
    return {"root": root, "printed": "\n".join(printed), "written": written}


def test_the_canary_runs_reported_what_they_should(canary_outputs: dict) -> None:
    printed = canary_outputs["printed"]
    for code in ("REL101", "REL102", "REL204", "REL301", "REL401", "REL402"):
        assert code in printed
    assert "--- a/app.py" in printed and "--- a/tests/test_app.py" in printed
    assert any(name.startswith(".reliability_lint_cache/") for name in canary_outputs["written"])
    assert ".reliability-lint-baseline.json" in canary_outputs["written"]
    assert '"owner": "ghp_' in printed and "https://deploy:" in printed  # the fields are there, redacted


@pytest.mark.parametrize("name", sorted(CANARIES))
def test_no_canary_appears(canary_outputs: dict, name: str) -> None:
    value, source_pieces = CANARIES[name]
    places = _leaks(canary_outputs, value)
    for piece in source_pieces:
        if piece in canary_outputs["printed"]:
            places.append(f"the printed output (source piece {piece!r})")
        places.extend(
            f"{file} (source piece)" for file, data in canary_outputs["written"].items() if piece.encode() in data
        )
    assert places == []
