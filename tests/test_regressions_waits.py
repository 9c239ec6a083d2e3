"""Regressions (issue 18, mutmut) for REL206-REL209: BigQuery downloads where the pinned
version takes a timeout, and the waits of the standard library and aiohttp: what is
reported, its message, position and fix, through `reliability_lint.testing` and the
command line in this process."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import finding_rows

from reliability_lint.cli import cli
from reliability_lint.testing import check_text, fix_text

STDLIB = ["REL207", "REL208", "REL209"]
ROWS = "from google.cloud import bigquery\n\nrows = bigquery.Client().list_rows('t', timeout=5)\n"


def reports(text: str, codes: list[str], **kwargs: object) -> list[tuple[int, int, int, int, str, str, str]]:
    return finding_rows(text, codes, **kwargs)


def found(text: str, codes: list[str] = STDLIB, **kwargs: object) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes, **kwargs))  # type: ignore[arg-type]


# ------------------------------------------------------------------ REL206


@pytest.fixture
def pinned(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    return tmp_path / "m.py"


def test_a_download_is_reported_only_where_the_pin_takes_a_timeout(tmp_path: Path) -> None:
    text = ROWS + "frame = rows.to_dataframe()\n"
    path = tmp_path / "m.py"
    assert found(text, ["REL206"], path=str(path)) == []  # no pin found
    for pin, expected in (("3.40.0", []), ("3.40.1", [(4, "REL206")]), ("3.41.0", [(4, "REL206")])):
        (tmp_path / "requirements.txt").write_text(f"google-cloud-bigquery=={pin}\n")
        assert found(text, ["REL206"], path=str(path)) == expected, pin


def test_what_bounds_a_download(pinned: Path) -> None:
    def at(call: str) -> list[tuple[int, str]]:
        return found(ROWS + call + "\n", ["REL206"], path=str(pinned))

    assert at("rows.to_dataframe()") == [(4, "REL206")]
    assert at("rows.to_arrow(None)") == [(4, "REL206")]
    assert at("rows.to_dataframe_iterable()") == [(4, "REL206")]
    assert at("rows.to_dataframe(timeout=5)") == []
    assert at("rows.to_dataframe(timeout=None)") == [(4, "REL206")]
    assert at("rows.to_dataframe(create_bqstorage_client=None)") == [(4, "REL206")]
    assert at("rows.to_dataframe(**options)") == []
    assert at("rows.to_dataframe(*args)") == []
    assert at("other.to_dataframe()") == []
    # the rows of a finished query and of query_and_wait are rows too
    assert at("bigquery.Client().query_and_wait('q', wait_timeout=5, api_timeout=5).to_arrow()") == [(4, "REL206")]


def test_a_download_report_says_what_waits_and_its_fix_bounds_it(pinned: Path) -> None:
    path = str(pinned)
    assert reports(ROWS + "frame = rows.to_dataframe()\n", ["REL206"], path=path) == [
        (
            4,
            8,
            4,
            27,
            "REL206",
            "`rows.to_dataframe()` downloads the rows with no `timeout` (a stalled BigQuery Storage stream waits forever)",
            "safe: Add `timeout=600`",
        )
    ]
    assert reports(ROWS + "frame = rows.to_dataframe(timeout=None)\n", ["REL206"], path=path) == [
        (
            4,
            8,
            4,
            39,
            "REL206",
            "`rows.to_dataframe()` passes `timeout=None`: the download can wait forever",
            "safe: Add `timeout=600`",
        )
    ]
    assert fix_text(ROWS + "frame = rows.to_dataframe(timeout=None)\n", ["REL206"], path=path).endswith(
        "rows.to_dataframe(timeout=600)\n"
    )
    assert fix_text(ROWS + "frame = rows.to_dataframe(1)\n", ["REL206"], path=path).endswith(
        "rows.to_dataframe(1, timeout=600)\n"
    )
    options = {"timeouts": {"wait": "cfg.WAIT", "wait-import": "from app import cfg"}}
    for call in ("rows.to_arrow()", "rows.to_arrow(timeout=None)"):
        fixed = fix_text(ROWS + call + "\n", ["REL206"], path=path, options=options)
        assert fixed.endswith("rows.to_arrow(timeout=cfg.WAIT)\n") and "from app import cfg\n" in fixed
    (finding,) = check_text(ROWS + "rows.to_arrow(x for x in y)\n", ["REL206"], path=path)
    assert finding.fix is None


def test_a_cached_download_finding_follows_the_pin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "m.py").write_text(ROWS + "frame = rows.to_dataframe()\n")
    monkeypatch.chdir(tmp_path)

    def run() -> list[str]:
        result = CliRunner().invoke(
            cli, ["check", "--no-progress", "--output-format", "concise", "--select", "REL206", "."]
        )
        return [line.split(" [")[0] for line in result.stdout.splitlines() if ": REL" in line]

    assert run() == []
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    assert run() == ["m.py:4:9: REL206"]
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.39.0\n")
    assert run() == []


# ------------------------------------------------------------------ REL207-REL209


def test_each_wait_says_what_waits_and_how_it_is_fixed() -> None:
    text = (
        "import subprocess, smtplib\nfrom aiohttp import ClientSession\n\n"
        "subprocess.run(cmd)\nsubprocess.run(cmd, timeout=None)\nsmtplib.SMTP('h')\nClientSession()\n"
    )
    assert reports(text, STDLIB) == [
        (
            4,
            0,
            4,
            19,
            "REL207",
            "`subprocess.run()` waits for the subprocess; pass `timeout=`",
            "unsafe: Add `timeout=3600`",
        ),
        (
            5,
            0,
            5,
            33,
            "REL207",
            "`subprocess.run()` passes `timeout=None`, which waits forever",
            "unsafe: Add `timeout=3600`",
        ),
        (
            6,
            0,
            6,
            17,
            "REL208",
            "`smtplib.SMTP()` connects with the socket's default timeout (none: it can block forever); pass `timeout=`",
            "safe: Add `timeout=60`",
        ),
        (
            7,
            0,
            7,
            15,
            "REL209",
            "`ClientSession()` uses aiohttp's default timeout of 5 minutes per request; pass `timeout=`",
            "safe: Add `timeout=aiohttp.ClientTimeout(total=60)`",
        ),
    ]
    fixed = fix_text(text, STDLIB, unsafe_fixes=True)
    assert (
        "subprocess.run(cmd, timeout=3600)\nsubprocess.run(cmd, timeout=3600)\nsmtplib.SMTP('h', timeout=60)\n" in fixed
    )
    assert "ClientSession(timeout=aiohttp.ClientTimeout(total=60))" in fixed and "\nimport aiohttp\n" in fixed
    # the subprocess fix is unsafe: only applied when asked
    assert "timeout=3600" not in fix_text(text, STDLIB, unsafe_fixes=False)


def test_the_values_and_imports_come_from_the_process_and_network_options() -> None:
    options = {
        "timeouts": {
            "process": "cfg.PROC",
            "process-import": "from app import cfg",
            "network": 7,
            "network-import": "import lim",
        }
    }
    text = "import subprocess, socket\nimport aiohttp\n\nsubprocess.check_output(cmd)\nsocket.create_connection(a)\naiohttp.ClientSession()\n"
    fixed = fix_text(text, STDLIB, options=options, unsafe_fixes=True)
    assert "subprocess.check_output(cmd, timeout=cfg.PROC)" in fixed
    assert "socket.create_connection(a, timeout=7)" in fixed
    assert "aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=7))" in fixed
    assert "from app import cfg\n" in fixed and "import lim\n" in fixed


def test_a_positional_timeout_bounds_and_a_positional_none_is_replaced() -> None:
    head = "import subprocess, smtplib\np = subprocess.Popen(cmd)\n"
    assert found(head + "p.communicate(b'x')\np.communicate(b'x', 5)\np.wait(5)\np.wait()\n") == [
        (3, "REL207"),
        (6, "REL207"),
    ]
    assert found(head + "smtplib.SMTP('h', 25, 'l')\nsmtplib.SMTP('h', 25, 'l', 9)\n") == [(3, "REL208")]
    fixed = fix_text(head + "p.wait(None)\np.communicate(b'x')\n", STDLIB, unsafe_fixes=True)
    assert fixed.endswith("p.wait(3600)\np.communicate(b'x', timeout=3600)\n")
    (finding,) = check_text(head + "p.communicate(x for x in y)\n", STDLIB)
    assert finding.fix is None


def test_a_popen_is_followed_through_names_attributes_and_with() -> None:
    text = (
        "from subprocess import Popen\n\n"
        "class Runner:\n    def __init__(self):\n        self.proc = Popen(cmd)\n\n    def stop(self):\n        self.proc.wait()\n\n"
        "with Popen(cmd) as child:\n    child.communicate()\n"
        "thing.wait()\n"
    )
    assert found(text) == [(8, "REL207"), (11, "REL207")]


def test_a_file_naming_none_of_the_modules_is_not_looked_at() -> None:
    assert found("from tools import run\n\nrun(cmd)\n") == []
    assert found("from subprocess import run as go\n\ngo(cmd)\n") == [(3, "REL207")]


@pytest.mark.parametrize(
    ("before", "reported"),
    [
        ("proc.kill()", False),
        ("proc.terminate()", True),
        ("other.kill()", True),
        ("stopped = proc.kill()", True),
        ("kill()", True),
        ("proc.kill", True),
    ],
)
def test_a_wait_right_after_a_kill_of_the_same_process_returns_at_once(before: str, reported: bool) -> None:
    text = f"import subprocess\nproc = subprocess.Popen(cmd)\n\ndef stop():\n    {before}\n    proc.wait()\n"
    assert found(text) == ([(6, "REL207")] if reported else [])


def test_a_kill_counts_in_every_kind_of_block_but_only_right_before_the_wait() -> None:
    head = "import subprocess\nproc = subprocess.Popen(cmd)\n"
    assert found(head + "proc.kill()\nproc.wait()\n") == []
    assert found(head + "proc.kill()\nproc.wait()\nsubprocess.run(cmd)\n") == [(5, "REL207")]  # and the calls after it
    assert found(head + "proc.kill()\nproc.communicate()\n") == []
    assert found(head + "if x:\n    pass\nelse:\n    proc.kill()\n    proc.wait()\n") == []
    assert found(head + "try:\n    pass\nfinally:\n    proc.kill()\n    proc.wait()\n") == []
    assert found(head + "try:\n    run()\nexcept OSError:\n    proc.kill()\n    proc.wait()\n") == []
    # the kill after the wait, or a line between them
    assert found(head + "proc.wait()\nproc.kill()\n") == [(3, "REL207")]
    assert found(head + "proc.kill()\nlog('x')\nproc.wait()\n") == [(5, "REL207")]
    assert found(head + "if x:\n    proc.wait()\n") == [(4, "REL207")]
    # subprocess.run is no wait on a process it was given
    assert found(head + "proc.kill()\nsubprocess.run(cmd)\n") == [(4, "REL207")]


def test_a_wait_is_reported_at_the_call_and_a_noqa_on_its_header_covers_it(tmp_path: Path) -> None:
    assert [r[:4] for r in reports("import subprocess\n\nresult = subprocess.run(cmd)\n", STDLIB)] == [(3, 9, 3, 28)]
    text = "import subprocess\n\nfor line in subprocess.check_output(\n    cmd,\n):  # noqa: REL207\n    print(line)\n"
    assert found(text) == []
    assert found(text.replace("  # noqa: REL207", "")) == [(3, "REL207")]
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    text = ROWS + "for frame in rows.to_dataframe_iterable(\n    dtypes={},\n):  # noqa: REL206\n    print(frame)\n"
    assert found(text, ["REL206"], path=str(tmp_path / "m.py")) == []
    assert found(text.replace("  # noqa: REL206", ""), ["REL206"], path=str(tmp_path / "m.py")) == [(4, "REL206")]


def test_every_call_of_a_file_is_checked_whatever_comes_before_it(pinned: Path) -> None:
    assert found("import subprocess\n\nlog('start')\nsubprocess.run(cmd)\n") == [(4, "REL207")]
    text = ROWS + "other.to_dataframe()\nrows.to_dataframe(timeout=5)\nrows.to_dataframe(*args)\nrows.to_arrow()\n"
    assert found(text, ["REL206"], path=str(pinned)) == [(7, "REL206")]


def test_a_wait_first_in_its_block_is_not_after_the_kill_that_ends_the_block() -> None:
    text = "import subprocess\nproc = subprocess.Popen(cmd)\n\ndef stop():\n    proc.wait()\n    proc.kill()\n"
    assert found(text) == [(5, "REL207")]
