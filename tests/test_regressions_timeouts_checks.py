"""Regressions (issue 18, mutmut) for REL201-REL205 as a user sees them: which files are
looked at (a client made in another module of the project, through the command line in
this process), what bounds a call, the message, position and fix of each report."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text, fix_text

CODES = ["REL201", "REL202", "REL203", "REL204", "REL205"]
HEAD = "from google.cloud import bigquery\n\nclient = bigquery.Client()\n"
JOB = HEAD + "job = client.query('q', timeout=5)\n"


def reports(text: str, path: str = "example.py") -> list[tuple[int, int, int, int, str, str, str]]:
    """(line, col, end line, end col, code, message, fix message) of each finding."""
    return [
        (f.line, f.col, f.end_line, f.end_col, f.code, f.message, f.fix.message if f.fix else "")
        for f in check_text(text, CODES, path=path)
    ]


def found(text: str) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, CODES))


def concise(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        cli,
        ["check", "--no-cache", "--no-progress", "--output-format", "concise", "--select", ",".join(CODES), *args, "."],
    )
    return sorted(line.split(" [")[0] for line in result.stdout.splitlines() if ": REL" in line)


# ------------------------------------------------------------------ which files are looked at


def test_a_client_made_in_another_module_is_followed_through_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text(HEAD)
    # none of these files names a library: an import and a checked method's call are enough
    (tmp_path / "pkg" / "b.py").write_text("from .a import client\n\nclient.query('q', timeout=5).result()\n")
    (tmp_path / "c.py").write_text(
        "from pkg.a import client\n\nclient.get_table('t')\nclient.get_table('t', timeout=5)\n"
    )
    (tmp_path / "d.py").write_text("import pkg.a\n\npkg.a.client.get_table('t')\n")
    (tmp_path / "e.py").write_text("from pkg.a import client\n\nclient.close()\n")
    assert concise(tmp_path, monkeypatch) == ["c.py:3:1: REL202", "d.py:3:1: REL202", "pkg/b.py:3:1: REL201"]


# ------------------------------------------------------------------ what bounds a call


def test_what_a_call_passes_decides_whether_it_is_bounded() -> None:
    head = "import httpx\nimport requests\n"
    assert found(head + "requests.get('u', **options)\n") == []  # **options may carry it
    assert found(head + "requests.get('u', timeout=None, **options)\n") == []
    assert found(head + "requests.get(*args)\n") == [(3, "REL204")]  # keyword-only: *args cannot
    assert found(head + "requests.get('u', timeout=t)\n") == []
    assert found(head + "requests.get('u', timeout=None)\n") == [(3, "REL204")]
    assert found(head + "requests.get('u', stream=None)\n") == [(3, "REL204")]
    assert found(head + "httpx.get('u', stream=None)\n") == []
    assert found(JOB + "job.result(*args)\n") == []  # may fill the timeout's position
    assert found(JOB + "job.result(1, 2, *args)\n") == []
    assert found(JOB + "job.result(1, 2, 3, None, *args)\n") == []


def test_a_project_subclass_of_a_library_class_is_that_class() -> None:
    text = "import requests\n\nclass S(requests.Session):\n    pass\n\nS().get('u')\n"
    assert reports(text) == [
        (6, 0, 6, 12, "REL204", "`.get()` sends an HTTP request with no `timeout`", "Add `timeout=30`")
    ]
    text = HEAD + "class C(bigquery.Client):\n    def own(self):\n        return 1\n\nC().get_table('t')\nC().own()\n"
    assert found(text) == [(8, "REL202")]


def test_a_wait_bounds_only_the_conversions_and_iterations_after_it_of_the_same_name() -> None:
    assert found(JOB + "job.result(timeout=9)\njob.to_dataframe()\nfor r in job:\n    pass\n") == []
    assert found(JOB + "job.to_dataframe()\nfor r in job:\n    pass\njob.result(timeout=9)\n") == [
        (5, "REL201"),
        (6, "REL201"),
    ]
    # a wait without a timeout bounds nothing
    assert found(JOB + "job.result()\njob.to_dataframe()\n") == [(5, "REL201"), (6, "REL201")]
    # another job's wait does not count, nor a wait of another rule
    other = "other = client.query('q', timeout=5)\nother.result(timeout=9)\n"
    assert found(JOB + other + "job.to_dataframe()\n") == [(7, "REL201")]
    assert found(JOB + "job.cancel_job(timeout=9)\njob.to_dataframe()\n") == [(6, "REL201")]
    # a name bound twice has no single job to have waited for
    text = JOB + "job.result(timeout=9)\nif flag:\n    job = client.query('q', timeout=5)\njob.to_dataframe()\n"
    assert found(text) == [(8, "REL201")]
    # an attribute of a name is followed in the same body, from its last assignment there
    method = "class L:\n    def f(self):\n        self.job = client.query('q', timeout=5)\n        self.job.result(timeout=9)\n"
    assert found(HEAD + method + "        self.job.to_dataframe()\n") == []
    again = "        self.job = client.query('r', timeout=5)\n        self.job.to_dataframe()\n"
    assert found(HEAD + method + again) == [(9, "REL201")]


# ------------------------------------------------------------------ messages, positions, fixes


def test_each_rule_says_what_waits_and_what_the_fix_adds() -> None:
    pubsub = "from google.cloud import pubsub_v1\n\nfuture = pubsub_v1.PublisherClient().publish('t', b'x')\n"
    assert reports(JOB + "job.result()\n") == [
        (5, 0, 5, 12, "REL201", "`job.result()` waits for the BigQuery job with no `timeout`", "Add `timeout=600`")
    ]
    assert reports(HEAD + "client.get_table('t')\n") == [
        (
            4,
            0,
            4,
            21,
            "REL202",
            "`client.get_table()` sends a BigQuery API request with no `timeout`",
            "Add `timeout=60`",
        )
    ]
    assert reports(HEAD + "client.query_and_wait('q', api_timeout=5)\n") == [
        (
            4,
            0,
            4,
            41,
            "REL203",
            "`client.query_and_wait()` waits for the query with no `wait_timeout`",
            "Add `wait_timeout=600`",
        )
    ]
    assert reports("import requests\n\nrequests.post('u')\n") == [
        (3, 0, 3, 18, "REL204", "`requests.post()` sends an HTTP request with no `timeout`", "Add `timeout=30`")
    ]
    assert reports(pubsub + "future.result()\n") == [
        (4, 0, 4, 15, "REL205", "`future.result()` waits for the Pub/Sub publish with no `timeout`", "Add `timeout=60`")
    ]


def test_an_explicit_none_is_named_and_replaced() -> None:
    assert reports("import requests\n\nrequests.get('u', timeout=None)\n") == [
        (
            3,
            0,
            3,
            31,
            "REL204",
            "`requests.get()` passes `timeout=None`, which waits forever",
            "Replace `None` with `30`",
        )
    ]
    assert reports("import httpx\n\nhttpx.get('u', timeout=None)\n") == [
        (
            3,
            0,
            3,
            28,
            "REL204",
            "`httpx.get()` passes `timeout=None`, which turns off httpx's default timeout",
            "Replace `None` with `30`",
        )
    ]
    assert fix_text(JOB + "job.result(None, None, None, None)\n", CODES).endswith("job.result(None, None, None, 600)\n")
    options = {"timeouts": {"http": "cfg.HTTP", "http-import": "from app import cfg"}}
    fixed = fix_text("import requests\n\nrequests.get('u', timeout=None)\n", CODES, options=options)
    assert fixed == "import requests\nfrom app import cfg\n\nrequests.get('u', timeout=cfg.HTTP)\n"


def test_the_label_names_the_call_as_written() -> None:
    text = HEAD + "import requests\nbigquery.Client().get_table('t')\nrequests.api.get('u')\n(requests.get)('u')\n"
    labels = [message.split("`")[1] for *_, message, _ in reports(text)]
    assert labels == [".get_table()", "requests.api.get()", "requests.get()"]


def test_a_report_spans_the_call_in_characters_not_bytes() -> None:
    text = HEAD + "name = 'é'; client.get_table(\n    't')\n"
    assert [r[:4] for r in reports(text)] == [(4, 12, 5, 8)]


def test_a_noqa_on_the_statement_first_line_covers_a_call_below_it() -> None:
    text = HEAD + "rows = (  # noqa: REL202\n    client.get_table('t')\n)\n"
    assert found(text) == []


def test_query_and_wait_fix_adds_the_api_timeout_unless_passed_and_merges_the_imports() -> None:
    assert fix_text(HEAD + "client.query_and_wait('q')\n", CODES).endswith(
        "client.query_and_wait('q', wait_timeout=600, api_timeout=60)\n"
    )
    assert fix_text(HEAD + "client.query_and_wait('q', api_timeout=5)\n", CODES).endswith(
        "client.query_and_wait('q', api_timeout=5, wait_timeout=600)\n"
    )
    options = {"timeouts": {"wait": "a.W", "wait-import": "import a", "request": "b.R", "request-import": "import b"}}
    fixed = fix_text(HEAD + "client.query_and_wait('q')\n", CODES, options=options)
    assert "import a\n" in fixed and "import b\n" in fixed and "wait_timeout=a.W, api_timeout=b.R)" in fixed


def test_a_fix_is_offered_unless_the_only_argument_is_a_bare_generator() -> None:
    def fix_of(call: str) -> str:
        (finding,) = check_text(JOB + call + "\n", CODES)
        return finding.fix.message if finding.fix else "none"

    assert fix_of("job.result(x for x in y)") == "none"
    assert fix_of("job.result((x for x in y), page_size=2)") == "Add `timeout=600`"
    assert fix_of("job.result((x for x in y), 2)") == "Add `timeout=600`"
    assert fix_of("job.result([x for x in y])") == "Add `timeout=600`"
    assert fix_of("job.result()") == "Add `timeout=600`"
    assert fix_text(JOB + "job.result((x for x in y), page_size=2)\n", CODES).endswith(
        "job.result((x for x in y), page_size=2, timeout=600)\n"
    )


# ------------------------------------------------------------------ iterating a job


ITERATE = "Iterating a BigQuery QueryJob waits for it with no timeout; iterate `.result(timeout=...)`"


def test_iterating_a_job_is_reported_from_the_for_to_the_iterable() -> None:
    assert reports(JOB + "for r in job:\n    pass\n") == [
        (5, 0, 5, 12, "REL201", ITERATE, "Iterate `.result(timeout=600)`")
    ]
    assert reports(JOB + "rows = [r for r in job]\n") == [
        (5, 19, 5, 22, "REL201", ITERATE, "Iterate `.result(timeout=600)`")
    ]
    # a comprehension in a for's iterable: the job is what is iterated
    assert reports(JOB + "for x in [r for r in job]:\n    pass\n")[0][:4] == (5, 21, 5, 24)
    assert reports(JOB + "if job:\n    for r in job:\n        pass\n")[0][:4] == (6, 4, 6, 16)


def test_iterating_a_job_is_fixed_by_iterating_its_wait() -> None:
    fixed = fix_text(JOB + "for r in job:\n    pass\nrows = [r for r in client.query('q', timeout=5)]\n", CODES)
    assert fixed.endswith(
        "for r in job.result(timeout=600):\n    pass\nrows = [r for r in client.query('q', timeout=5).result(timeout=600)]\n"
    )
    text = (
        HEAD
        + "class L:\n    def f(self):\n        self.job = client.query('q', timeout=5)\n        return list(r for r in self.job)\n"
    )
    assert fix_text(text, CODES).endswith("return list(r for r in self.job.result(timeout=600))\n")
    options = {"timeouts": {"wait": "cfg.WAIT", "wait-import": "from app import cfg"}}
    fixed = fix_text(JOB + "for r in job:\n    pass\n", CODES, options=options)
    assert "from app import cfg\n" in fixed and "for r in job.result(timeout=cfg.WAIT):" in fixed
    assert [r[6] for r in reports(JOB + "for r in job:\n    pass\n")] == ["Iterate `.result(timeout=600)`"]


def test_a_download_of_the_job_first_waits_and_bounds_the_download_where_the_pin_allows(tmp_path: Path) -> None:
    text = JOB + "frame = job.to_dataframe()\n"
    assert fix_text(text, CODES, path=str(tmp_path / "m.py")).endswith(
        "frame = job.result(timeout=600).to_dataframe()\n"
    )
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    assert fix_text(text, CODES, path=str(tmp_path / "m.py")).endswith(
        "frame = job.result(timeout=600).to_dataframe(timeout=600)\n"
    )
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.40.0\n")
    assert fix_text(text, CODES, path=str(tmp_path / "m.py")).endswith(
        "frame = job.result(timeout=600).to_dataframe()\n"
    )


def test_the_iteration_fix_is_safe_and_offered_only_where_it_can_be_written() -> None:
    (finding,) = check_text(JOB + "for r in job:\n    pass\n", CODES)
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert fix_text(JOB + "for r in job:\n    pass\n", CODES, unsafe_fixes=False).endswith(
        "for r in job.result(timeout=600):\n    pass\n"
    )
    # an iterable the fix cannot append to: reported, with no fix
    (finding,) = check_text(JOB + "for r in (job if flag else job):\n    pass\n", CODES)
    assert finding.fix is None


def test_a_noqa_on_the_last_line_of_a_for_header_covers_the_iteration() -> None:
    assert found(JOB + "for r in (\n    job\n):  # noqa: REL201\n    pass\n") == []
    assert found(JOB + "for r in (\n    job\n):\n    pass  # noqa: REL201\n") == [(5, "REL201")]


def test_a_wait_on_a_name_of_two_jobs_bounds_neither() -> None:
    text = JOB + "job = client.query('r', timeout=5)\n\ndef f():\n    job.result(timeout=9)\n    job.to_dataframe()\n"
    assert found(text) == [(9, "REL201")]


def test_a_call_inside_a_statement_is_reported_at_the_call() -> None:
    message = (
        "`job.to_dataframe()` waits for the BigQuery job with no timeout (its own `timeout=` bounds only the download);"
        " call `.result(timeout=...)` first"
    )
    assert reports(JOB + "frame = job.to_dataframe()\n") == [
        (5, 8, 5, 26, "REL201", message, "Wait with `.result(timeout=600)` first")
    ]
    assert [r[:4] for r in reports(HEAD + "table = client.get_table('t')\n")] == [(4, 8, 4, 29)]


def test_a_file_with_no_library_and_no_checked_call_is_left_alone() -> None:
    assert check_text("x = compute()\nprint(x)\n", CODES) == []
    # a word another rule of the family looks for, but none of these rules'
    assert check_text("import subprocess\n\nsubprocess.run(cmd, timeout=5)\nsubprocess.run(cmd)\n", CODES) == []


def test_a_cached_wait_first_fix_follows_the_pin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.39.0\n")
    (tmp_path / "m.py").write_text(JOB + "frame = job.to_dataframe()\n")
    monkeypatch.chdir(tmp_path)

    def diff() -> list[str]:
        result = CliRunner().invoke(cli, ["check", "--no-progress", "--show-fixes", "--select", "REL201", "m.py"])
        return [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("+frame")]

    assert diff() == ["+frame = job.result(timeout=600).to_dataframe()"]
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    assert diff() == ["+frame = job.result(timeout=600).to_dataframe(timeout=600)"]


def test_a_noqa_on_the_last_line_of_a_for_header_covers_a_request_in_it() -> None:
    text = "import requests\n\nfor r in requests.get(\n    u,\n).json():  # noqa: REL204\n    pass\n"
    assert found(text) == []
    assert found(text.replace("  # noqa: REL204", "")) == [(3, "REL204")]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # the alias is imported below the function that calls it
        ("def load(url):\n    return fetch(url)\n\n\nfrom requests import get as fetch\n", 2),
        # an alias written after a line continuation
        ("from requests import get as \\\n    fetch\n\n\ndef load(url):\n    return fetch(url)\n", 6),
        ("import requests as rq\n\n\ndef load(url):\n    return rq.get(url)\n", 5),
        ("from requests import Session as S\n\n\ndef load(url):\n    return S().get(url)\n", 5),
        ("from requests import *\n\n\ndef load(url):\n    return get(url)\n", 5),
        ("from requests import get as ﬁnd\n\n\ndef load(url):\n    return ﬁnd(url)\n", 5),  # a non-ASCII alias
    ],
)
def test_a_call_through_an_alias_is_kept_by_the_walk_wherever_the_alias_is_bound(text: str, line: int) -> None:
    """The walk keeps only calls a check could match; a name bound with `as` anywhere in
    the file may be an import's alias before that import is walked."""
    assert [(f.code, f.line) for f in check_text(text, ["REL204"])] == [("REL204", line)]


def test_a_call_of_a_name_no_check_ends_with_is_not_reported() -> None:
    text = "import requests\n\n\ndef get_all(url):\n    return requests.get(url, timeout=5)\n\n\nget_all('x')\nfetch('y')\n"
    assert check_text(text, ["REL204"]) == []
