"""The secret scan's gates (reliability_lint.secret_prefilter) lose nothing: the whole-file
scan, which runs each plugin only on the lines its gate matched, finds what every plugin on
every line finds; and the family's precondition matches every file a secret is found in.
Fake credentials are built by concatenation, so that no scanner mistakes this file for a leak."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from reliability_lint import pages, secret_detect
from reliability_lint.rules.secrets.catalogue import precondition
from reliability_lint.secret_prefilter import GATES, line_trigger
from reliability_lint.source import SourceFile
from reliability_lint.testing import check_text

REPO = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).parent / "fixtures"
AWS_ID = "AKIA" + "WCA6OOFJXY10FDVN"
AWS_SECRET = "Nw9n5d/0dNLECm3agHI" + "b52pRrGniybhsZY+k3FU4"
IAM = "aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7s" + "Ab_-"
SOFTLAYER = "a1b2c3d4" * 8
TEXTS = [
    f"AWS_ACCESS_KEY_ID={AWS_ID}\nAWS_SECRET_ACCESS_KEY={AWS_SECRET}\nDB_PASSWORD=k8Jd82hsL0x\n",
    'export DB_PASSWORD="k8Jd82hsL0" API_KEY="Qm3x9Lw2Pz77"\nsecret = get_secret("x")\n',
    '{"password": "k8Jd82hsL0", "token_type": "bearer", "client_secret": "Zk29aLp0qW8x"}\n',
    "warehouse:\n  password: ZNJ59161AXT5Qo\n  dsn: https://etl:Xk29slQpw7@db.acme.net/x\n",
    f"token {IAM}\nkey:{IAM}\nsl_api_key = {SOFTLAYER}\n",  # IBM IAM's assignment may be spaces
    f"value = 'aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ='\nx: \"{AWS_SECRET}\"\n",
    f"aw\u017f_secret = '{AWS_SECRET}'\n",  # re.IGNORECASE matches the long s to "s"
    f"AWS_KEY \u0130 = '{AWS_SECRET}'\n",  # lower() turns this capital I into two characters
    f"A={AWS_ID}  # pragma: allowlist secret\n# pragma: allowlist nextline secret\nB={AWS_ID}\nC={AWS_ID}\n",
    "password:\n  k8Jd82hsL0\napi_key =\r\n  'Qm3x9Lw2Pz77'\r\n",
    "x" * 3000 + f" password = '{AWS_SECRET}'\n",
]


def _brute_force(src: SourceFile, *, config: bool, shapes_only: bool) -> list[tuple[int, secret_detect.Hit]]:
    """Every plugin on every line (shapes: every line the line trigger passes)."""
    every = frozenset(type(plugin).__name__ for plugin in secret_detect._plugins())
    found = []
    for lineno, line in enumerate(src.lines, start=1):
        if lineno > 1 and secret_detect.allowed_next_line(src.lines[lineno - 2]):
            continue
        if shapes_only:
            hits = secret_detect.scan_line(line, config=config, shapes_only=True, min_length=6)
        else:
            hits = secret_detect._scan(line, every, config, False, 6)
        found.extend((lineno, hit) for hit in hits)
    return found


def _bench_corpus(root: Path) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import corpus

        corpus.generate(root, 200)
    finally:
        sys.path.remove(str(REPO / "bench"))
    (root / "ground_truth.json").unlink()
    return root


@pytest.fixture(scope="module")
def bench_files(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    root = _bench_corpus(tmp_path_factory.mktemp("bench") / "corpus")
    return [(p.relative_to(root).as_posix(), p.read_text("utf-8-sig")) for p in sorted(root.rglob("*")) if p.is_file()]


@pytest.fixture(scope="module")
def texts(bench_files: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path, text): the strings above, the fixtures, the pages' examples, the bench files."""
    found = [(f"t{i}.{suffix}", text) for i, text in enumerate(TEXTS) for suffix in ("md", "env")]
    found += [(p.name, p.read_text("utf-8")) for p in FIXTURES.iterdir() if p.suffix in (".yaml", ".sh", ".py")]
    for page in ("REL301-hardcoded-secret.md", "REL302-secret-in-file.md"):
        for example in pages.examples((REPO / "rules" / page).read_text("utf-8")):
            found.append((example.attributes.get("path", "example.py"), example.code))
    return found + bench_files


def test_the_gated_scan_finds_what_every_plugin_on_every_line_finds(texts: list[tuple[str, str]]) -> None:
    scanned = 0
    for name, text in texts:
        src = SourceFile(Path(name), text)
        if src.path.suffix == ".py":
            expected = _brute_force(src, config=False, shapes_only=True)
            got = secret_detect.scan_text(src, config=False, shapes_only=True, min_length=6)
            assert got == expected, name
            if name.startswith(("services", "auth")) or len(text) > 2000:
                continue  # a bench module: REL302 reads no Python (every plugin on every line is slow)
        for config in (True, False):
            expected = _brute_force(src, config=config, shapes_only=False)
            got = secret_detect.scan_text(src, config=config, shapes_only=False, min_length=6)
            assert got == expected, (name, config)
            scanned += bool(expected)
    assert scanned > 50  # the corpus and the strings hold secrets


def test_the_gates_keep_few_lines(texts: list[tuple[str, str]]) -> None:
    """The point of the gates: most lines of ordinary text run no plugin, and a line runs
    only the plugins whose gates match it."""
    from reliability_lint.secret_prefilter import gated_lines

    lines = plugins = 0
    for name, text in texts:
        src = SourceFile(Path(name), text)
        gated = gated_lines(src, shapes_only=False)
        lines += len(src.lines)
        plugins += sum(len(names or ()) for names in gated.values())
    assert plugins < lines / 2


def test_the_precondition_matches_every_file_a_secret_is_found_in(texts: list[tuple[str, str]]) -> None:
    pattern = precondition({})
    assert pattern is not None
    found = 0
    for name, text in texts:
        findings = check_text(text, ["REL301", "REL302"], path=name)
        if findings:
            found += 1
            assert pattern.search(text), name  # (so does tests/conftest.py, for every test of this folder)
    assert found > 40


def test_the_precondition_matches_a_notebook_s_raw_json(tmp_path: Path) -> None:
    """The engine reads a notebook's .ipynb text, where an output's quotes are escaped."""
    notebook = new_notebook(cells=[new_code_cell("print(config)", outputs=[
        new_output("stream", name="stdout", text='{"password": "k8Jd82hsL0", "api_key": "Qm3x9Lw2Pz77"}\n'),
    ])])  # fmt: skip
    nbformat.write(notebook, tmp_path / "leak.ipynb")
    done = subprocess.run(
        [sys.executable, "-m", "reliability_lint", "check", "--no-cache", "--select", "REL302", "--output-format",
         "json", "leak.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert [f["code"] for f in json.loads(done.stdout)] == ["REL302", "REL302"]
    raw = (tmp_path / "leak.ipynb").read_text("utf-8")
    assert '\\"password\\"' in raw
    pattern = precondition({})
    assert pattern is not None and pattern.search(raw)
    keyword = re.compile(_case_insensitive_keywords())
    assert keyword.search(raw)


def _case_insensitive_keywords() -> str:
    """The keyword gates alone: the ones a JSON-escaped quote could defeat."""
    return "|".join(f"(?i:{gate.pattern.pattern})" for gate in GATES if "KeywordDetector" in gate.plugins)


@pytest.mark.parametrize(
    "source",
    [
        'CREDS = {"\\x70assword": "s3cr3tPa55"}\n',  # an escape in the key
        '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44 = "s3cr3tPa55"\n',  # NFKC: password
        'client.connect(dbKey="s3cr3tPa55")\n',
        'if "s3cr3tPa55" != user.password:\n    pass\n',
    ],
)
def test_the_precondition_sees_names_the_syntax_tree_reads(source: str) -> None:
    assert [f.code for f in check_text(source, ["REL301"])] == ["REL301"]  # tests/conftest.py checks the precondition


def test_files_without_a_secret_word_or_shape_fail_the_precondition() -> None:
    pattern = precondition({})
    assert pattern is not None
    for text in ("import json\n\n\ndef dump(data):\n    return json.dumps(data)\n", "# Title\n\nSome prose.\n"):
        assert not pattern.search(text)


def test_the_precondition_is_built_from_the_scan_s_own_gates() -> None:
    pattern = precondition({})
    assert pattern is not None and line_trigger(shapes_only=False) in pattern.pattern
    assert all(gate.pattern.pattern for gate in GATES if gate.text)


LONG_LINES = [
    "secret = get_secret_key()", "key = request.headers['apikey']", "password != os.environ['X']",
    "x" * 900 + " = y", "a:=b(c)", "token === fn(x) // and more", "no assignment here(x)",
    "pass: value", "k = v\x0b(x)", "k == [1, 2]", "x = y.z[", "=" * 50 + "a(" + ")" * 3,
]  # fmt: skip


def test_the_indirect_reference_filter_is_detect_secrets_own() -> None:
    from detect_secrets.filters.heuristic import is_indirect_reference

    for line in LONG_LINES + [line for text in TEXTS for line in text.splitlines()]:
        assert secret_detect.is_indirect_reference(line) == is_indirect_reference(line), line


def test_the_secret_regexes_compile_on_first_use() -> None:
    code = (
        "import sys, reliability_lint.rules\n"
        "from reliability_lint import secret_detect, secret_prefilter, lazy_regex\n"
        "from reliability_lint.rules.secrets import catalogue, checks\n"
        "lazy = [v for m in (secret_detect, secret_prefilter, catalogue, checks) for v in vars(m).values()\n"
        "        if isinstance(v, lazy_regex.LazyPattern)]\n"
        "lazy += [gate.pattern for gate in secret_prefilter.GATES]\n"
        "compiled = [v for m in (secret_detect, secret_prefilter, catalogue, checks) for v in vars(m).values()\n"
        "            if isinstance(v, __import__('re').Pattern)]\n"
        "print(len(lazy), sum(p._compiled is not None for p in lazy), len(compiled), 'detect_secrets' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    count, compiled, patterns, detect_secrets = done.stdout.split()
    assert int(count) > 40 and (compiled, patterns, detect_secrets) == ("0", "0", "False")


def test_importing_the_cli_imports_no_secret_detector() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import reliability_lint.cli"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "reliability_lint" in done.stderr
    assert not re.search(r"secret_detect|secret_prefilter|detect_secrets", done.stderr)


def test_the_fast_name_test_is_the_name_gate(texts: list[tuple[str, str]]) -> None:
    """REL301 collects bindings only in a module may_name_a_secret passes (or with a shape)."""
    samples = [text for _, text in texts] + ['d["\\x70w"] = 1\n', "caf\u00e9 = 1\n", "API-KEY\n", "apikey", "monkey = 1\n"]
    verdicts = [(secret_detect.may_name_a_secret(text), bool(secret_detect.NAME_GATE.search(text))) for text in samples]
    assert all(fast == regex for fast, regex in verdicts)
    assert 0 < sum(fast for fast, _ in verdicts) < len(verdicts)


def test_a_secret_s_name_in_a_command_substitution_is_not_a_secret() -> None:
    """The bench corpus's runbooks: a flag naming the secret, inside `$(...)`."""
    text = "```bash\nexport SLACK_BOT_TOKEN=$(gcloud secrets versions access latest --secret=slack-bot-token)\n```\n"
    assert check_text(text, ["REL302"], path="RUNBOOK.md") == []
    leak = "```bash\nexport X=$(deploy --password=k8Jd82hsL0x)\n```\n"
    assert [(f.line, f.code) for f in check_text(leak, ["REL302"], path="RUNBOOK.md")] == [(2, "REL302")]
