"""Regressions (issue 18, mutmut) for the edits of the timeouts fixes: an argument appended
in the call's own layout (one line, one argument per line, trailing comma or not, comments),
and the wait put before a job's download (`max_results` moved to it, the download's own
timeout where the pin has it), as `reliability_lint.testing.fix_text` writes them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import fix_text

CODES = ["REL201", "REL202", "REL203", "REL204", "REL205"]
HTTP = "import requests\n"
JOB = "from google.cloud import bigquery\n\nclient = bigquery.Client()\njob = client.query('q', timeout=5)\n"


def fixed(head: str, text: str, **kwargs: object) -> str:
    result = fix_text(head + text, CODES, **kwargs)  # type: ignore[arg-type]
    ast.parse(result)
    assert result.startswith(head)
    return result[len(head) :]


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("requests.get()\n", "requests.get(timeout=30)\n"),
        ("requests.get( )\n", "requests.get(timeout=30 )\n"),
        ("(requests.get  # (note\n)()\n", "(requests.get  # (note\n)(timeout=30)\n"),
        ("requests.get('u',)\n", "requests.get('u', timeout=30,)\n"),
        ("requests.get(('u'))\n", "requests.get(('u'), timeout=30)\n"),
        ("requests.get( ('u') )\n", "requests.get( ('u'), timeout=30 )\n"),
        ("requests.get('u'  # c\n)\n", "requests.get('u', timeout=30  # c\n)\n"),
        ("requests.get(\n    'u',\n    params=p,\n)\n", "requests.get(\n    'u',\n    params=p,\n    timeout=30,\n)\n"),
        ("requests.get(\n    'u',\n    params=p\n)\n", "requests.get(\n    'u',\n    params=p,\n    timeout=30\n)\n"),
        (
            "requests.get(\n    'u',\n    params=p  # c\n)\n",
            "requests.get(\n    'u',\n    params=p,  # c\n    timeout=30\n)\n",
        ),
        (
            "requests.get(\n    'u'  # c, with a comma\n)\n",
            "requests.get(\n    'u',  # c, with a comma\n    timeout=30\n)\n",
        ),
        (
            "requests.get(\n    'u',\n    params=p,  # c\n)\n",
            "requests.get(\n    'u',\n    params=p,  # c\n    timeout=30,\n)\n",
        ),
        ("requests.get('u',\n             params=p)\n", "requests.get('u',\n             params=p, timeout=30)\n"),
        ("requests.get(\n    'u')\n", "requests.get(\n    'u', timeout=30)\n"),
        ("requests.get(\n    ('u')\n)\n", "requests.get(\n    ('u'), timeout=30\n)\n"),
        ("requests.get(x, 'u',\n)\n", "requests.get(x, 'u', timeout=30,\n)\n"),
        ("requests.get(\n    'u', params=p,\n)\n", "requests.get(\n    'u', params=p, timeout=30,\n)\n"),
        ("requests.get(\n    'u', params=p\n)\n", "requests.get(\n    'u', params=p, timeout=30\n)\n"),
        (
            "requests.get(\n        'u',\n        params=p,\n)\n",
            "requests.get(\n        'u',\n        params=p,\n        timeout=30,\n)\n",
        ),
    ],
)
def test_an_argument_is_appended_in_the_call_layout(call: str, expected: str) -> None:
    assert fixed(HTTP, call) == expected
    crlf = HTTP.replace("\n", "\r\n")
    assert fixed(crlf, call.replace("\n", "\r\n")) == expected.replace("\n", "\r\n")


def test_two_arguments_are_appended_each_on_its_own_line() -> None:
    head = JOB
    assert (
        fixed(head, "client.query_and_wait(\n    'q',\n)\n")
        == "client.query_and_wait(\n    'q',\n    wait_timeout=600,\n    api_timeout=60,\n)\n"
    )
    assert (
        fixed(head, "client.query_and_wait(\n    'q'\n)\n")
        == "client.query_and_wait(\n    'q',\n    wait_timeout=600,\n    api_timeout=60\n)\n"
    )
    assert (
        fixed(head, "client.query_and_wait('q',)\n")
        == "client.query_and_wait('q', wait_timeout=600, api_timeout=60,)\n"
    )
    assert (
        fixed(head, "client.query_and_wait('q')\n") == "client.query_and_wait('q', wait_timeout=600, api_timeout=60)\n"
    )


WAIT_FIRST = [
    # (the download, fixed without a pin that takes its timeout, fixed with one)
    (
        "job.to_dataframe()\n",
        "job.result(timeout=600).to_dataframe()\n",
        "job.result(timeout=600).to_dataframe(timeout=600)\n",
    ),
    (
        "(job).to_dataframe()\n",
        "(job).result(timeout=600).to_dataframe()\n",
        "(job).result(timeout=600).to_dataframe(timeout=600)\n",
    ),
    (
        "( job ).to_arrow()\n",
        "( job ).result(timeout=600).to_arrow()\n",
        "( job ).result(timeout=600).to_arrow(timeout=600)\n",
    ),
    (
        "job.to_dataframe(max_results=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe()\n",
        "job.result(timeout=600, max_results=5).to_dataframe(timeout=600)\n",
    ),
    (
        "job.to_dataframe(max_results=(5))\n",
        "job.result(timeout=600, max_results=(5)).to_dataframe()\n",
        "job.result(timeout=600, max_results=(5)).to_dataframe(timeout=600)\n",
    ),
    (
        "job.to_dataframe(max_results=5, progress_bar_type=None)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(progress_bar_type=None)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(progress_bar_type=None, timeout=600)\n",
    ),
    (
        "job.to_dataframe(progress_bar_type=None, max_results=10)\n",
        "job.result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None)\n",
        "job.result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None, timeout=600)\n",
    ),
    (
        "job.to_dataframe(bq, max_results=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(bq)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(bq, timeout=600)\n",
    ),
    (
        "job.to_dataframe(timeout=5)\n",
        "job.result(timeout=600).to_dataframe(timeout=5)\n",
        "job.result(timeout=600).to_dataframe(timeout=5)\n",
    ),
    (
        "job.to_dataframe(timeout=5, max_results=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(timeout=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(timeout=5)\n",
    ),
    (
        "job.to_dataframe(max_results=5, timeout=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(timeout=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(timeout=5)\n",
    ),
    (
        "job.to_dataframe(max_results=5  # few\n)\n",
        "job.result(timeout=600, max_results=5  # few\n).to_dataframe()\n",
        "job.result(timeout=600, max_results=5  # few\n).to_dataframe(timeout=600)\n",
    ),
    (
        "job.to_dataframe(\n    max_results=5,\n)\n",
        "job.result(timeout=600, max_results=5).to_dataframe()\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    timeout=600,\n)\n",
    ),
    (
        "job.to_dataframe(\n    progress_bar_type=None,\n    max_results=5,\n)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    progress_bar_type=None,\n)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    progress_bar_type=None,\n    timeout=600,\n)\n",
    ),
    (
        "job.to_dataframe(\n    max_results=5,\n    progress_bar_type=None,\n)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    progress_bar_type=None,\n)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    progress_bar_type=None,\n    timeout=600,\n)\n",
    ),
    # a comment the move would cross: the fix goes through libcst, and the comment stays
    (
        "job.to_dataframe(  # all\n    max_results=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(  # all\n    )\n",
        "job.result(timeout=600, max_results=5).to_dataframe(  # all\n    timeout=600)\n",
    ),
    (
        "job.to_dataframe(\n    # first\n    max_results=5)\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    # first\n    )\n",
        "job.result(timeout=600, max_results=5).to_dataframe(\n    # first\n    timeout=600)\n",
    ),
]


@pytest.mark.parametrize(("download", "unpinned", "pinned"), WAIT_FIRST)
def test_a_download_of_a_job_first_waits_for_it(download: str, unpinned: str, pinned: str, tmp_path: Path) -> None:
    assert fixed(JOB, download, path=str(tmp_path / "m.py")) == unpinned
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    assert fixed(JOB, download, path=str(tmp_path / "m.py")) == pinned


@pytest.mark.parametrize(
    ("download", "expected"),
    [
        # the argument after `max_results` keeps its place; the download's timeout goes last;
        # the comment another argument's comma held stays after it
        (
            "job.to_dataframe(progress_bar_type=None,  # bar\n    max_results=5)\n",
            "to_dataframe(progress_bar_type=None  # bar\n    )\n",
        ),
        (
            "job.to_dataframe(bq,  # bar\n    max_results=5, progress_bar_type=None)\n",
            "to_dataframe(bq,  # bar\n    progress_bar_type=None)\n",
        ),
        (
            "job.to_dataframe(\n    progress_bar_type=None,  # bar\n    max_results=5,\n)\n",
            "to_dataframe(\n    progress_bar_type=None,  # bar\n)\n",
        ),
    ],
)
def test_a_wait_moved_across_a_comment_still_takes_max_results_and_keeps_the_comment(download: str, expected: str, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("")
    result = fixed(JOB, download, path=str(tmp_path / "m.py"))
    assert result == "job.result(timeout=600, max_results=5)." + expected, result


@pytest.mark.parametrize(
    "download",
    [
        "job.to_dataframe(  # all\n    max_results=5,  # few\n    progress_bar_type=None)\n",
        "job.to_dataframe(bq,  # all\n    max_results=5,  # few\n    progress_bar_type=None)\n",
    ],
)
def test_a_wait_first_fix_that_would_drop_a_comment_is_not_applied_and_says_why(
    download: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comment `max_results` carries has nowhere to go (the place before the next
    argument holds one already): the fix is not made (a codemod never deletes what someone
    wrote), and `fix` says so (not what the comment holds: it may be a secret)."""
    job = tmp_path / "job.py"
    job.write_text(JOB + download)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["fix", "--no-cache", "--select", "REL201", "job.py"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "REL000 [P1] fix for REL201 at line 5 not applied: the fix would drop a comment of the statement\n" in result.stdout
    assert job.read_text() == JOB + download


def test_a_conversion_of_a_job_made_in_the_same_chain_is_waited_in_the_chain(tmp_path: Path) -> None:
    text = "rows = [client.query('q', timeout=5).to_dataframe(max_results=5,  # few\n    progress_bar_type=None)]\n"
    result = fixed(JOB, text, path=str(tmp_path / "m.py"))
    assert result == "rows = [client.query('q', timeout=5).result(timeout=600, max_results=5).to_dataframe(  # few\n    progress_bar_type=None)]\n"
    text = "frame = job.to_arrow(max_results=5).to_pandas()\n"
    assert (
        fixed(JOB, text, path=str(tmp_path / "m.py"))
        == "frame = job.result(timeout=600, max_results=5).to_arrow().to_pandas()\n"
    )


def test_more_layouts_of_an_appended_argument() -> None:
    assert fixed(HTTP, "requests.get ()\n") == "requests.get (timeout=30)\n"
    assert fixed(JOB, "client.query_and_wait()\n") == "client.query_and_wait(wait_timeout=600, api_timeout=60)\n"


@pytest.mark.parametrize(
    ("download", "expected"),
    [
        # max_results alone on its line goes with its line; the comment above it stays
        (
            "job.to_dataframe(\n    progress_bar_type=None,  # bar\n    max_results=5,\n)\n",
            "job.result(timeout=600, max_results=5).to_dataframe(\n    progress_bar_type=None,  # bar\n)\n",
        ),
        (
            "job.to_dataframe(\n    progress_bar_type=None,  # bar\n    max_results=5\n)\n",
            "job.result(timeout=600, max_results=5).to_dataframe(\n    progress_bar_type=None,  # bar\n)\n",
        ),
        (
            "job.to_dataframe(# all\n    max_results=5)\n",
            "job.result(timeout=600, max_results=5).to_dataframe(# all\n    )\n",
        ),
        # a comma after the call is not the one before max_results
        (
            "job.to_dataframe(bq, max_results=5)\nx = (1, 2)\n",
            "job.result(timeout=600, max_results=5).to_dataframe(bq)\nx = (1, 2)\n",
        ),
        (
            "job.to_dataframe(bq,  # bar\n    max_results=5, progress_bar_type=None)\n",
            "job.result(timeout=600, max_results=5).to_dataframe(bq,  # bar\n    progress_bar_type=None)\n",
        ),
        (
            "frame = job.to_dataframe(max_results=5,  # few\n    progress_bar_type=None).copy()\n",
            "frame = job.result(timeout=600, max_results=5).to_dataframe(  # few\n    progress_bar_type=None).copy()\n",
        ),
        # two conversions with comments: each fix edits its own call
        (
            "a = job.to_dataframe(max_results=5,  # few\n    progress_bar_type=None)\n"
            + "b = job.to_dataframe(max_results=6,  # more\n    progress_bar_type=None)\n",
            "a = job.result(timeout=600, max_results=5).to_dataframe(  # few\n    progress_bar_type=None)\n"
            + "b = job.result(timeout=600, max_results=6).to_dataframe(  # more\n    progress_bar_type=None)\n",
        ),
    ],
)
def test_more_layouts_of_a_wait_put_first(download: str, expected: str, tmp_path: Path) -> None:
    assert fixed(JOB, download, path=str(tmp_path / "m.py")) == expected


def test_a_wait_put_first_at_the_end_of_a_file_without_a_newline() -> None:
    assert fixed(JOB, "job.to_dataframe(max_results=5)") == "job.result(timeout=600, max_results=5).to_dataframe()"
    assert fixed(JOB, "job.to_dataframe()") == "job.result(timeout=600).to_dataframe()"


def test_a_wait_put_first_across_a_comment_adds_the_import_its_value_needs() -> None:
    options = {"timeouts": {"wait": "cfg.W", "wait-import": "from app import cfg"}}
    result = fix_text(
        JOB + "job.to_dataframe(max_results=5,  # few\n    progress_bar_type=None)\n", CODES, options=options
    )
    assert "from google.cloud import bigquery\nfrom app import cfg\n" in result
    assert result.endswith("job.result(timeout=cfg.W, max_results=5).to_dataframe(  # few\n    progress_bar_type=None)\n")


def test_one_fix_both_waits_and_bounds_the_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    (tmp_path / "m.py").write_text(JOB + "frame = job.to_dataframe()\n")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["check", "--no-cache", "--no-progress", "--show-fixes", "--select", "REL201", "m.py"]
    )
    assert (
        "    -frame = job.to_dataframe()\n    +frame = job.result(timeout=600).to_dataframe(timeout=600)\n"
        in result.stdout
    )


def test_two_conversions_in_one_statement_each_get_their_own_wait() -> None:
    text = "a, b = job.to_dataframe(max_results=5,  # few\n    x=None), job.to_dataframe(max_results=6,  # more\n    x=None)\n"
    expected = "a, b = job.result(timeout=600, max_results=5).to_dataframe(  # few\n    x=None), job.result(timeout=600, max_results=6).to_dataframe(  # more\n    x=None)\n"
    assert fixed(JOB, text) == expected


def test_max_results_moved_from_between_two_arguments_across_a_comment() -> None:
    result = fixed(JOB, "frame = job.to_dataframe(bq, max_results=5,  # few\n    progress_bar_type=None)\n")
    assert result == "frame = job.result(timeout=600, max_results=5).to_dataframe(bq,  # few\n    progress_bar_type=None)\n"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # a comment is skipped whatever it holds, and the scan goes on after it
        ("requests.get(\n    'u'  # X, y\n)\n", "requests.get(\n    'u',  # X, y\n    timeout=30\n)\n"),
        ("requests.get(\n    ('u'  # c\n    )\n)\n", "requests.get(\n    ('u'  # c\n    ), timeout=30\n)\n"),
        ("requests.get('u' ,)\n", "requests.get('u' , timeout=30,)\n"),
        ("requests.get('u'  ,)\n", "requests.get('u'  , timeout=30,)\n"),
    ],
)
def test_the_scan_after_the_last_argument(call: str, expected: str) -> None:
    assert fixed(HTTP, call) == expected
