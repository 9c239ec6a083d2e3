"""REL201-REL205: what is resolved as BigQuery, Pub/Sub or HTTP, what is reported, and
what the fixes write."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from reliability_lint.config import ConfigError
from reliability_lint.testing import check_text, fix_text

CODES = ["REL201", "REL202", "REL203", "REL204", "REL205"]
ROOT = Path(__file__).resolve().parents[3]


def reported(code: str, options: dict | None = None) -> list[tuple[int, str]]:
    text = textwrap.dedent(code)
    return sorted((f.line, f.code) for f in check_text(text, CODES, options=options or {}))


def fixed(code: str, options: dict | None = None) -> str:
    text = textwrap.dedent(code)
    result = fix_text(text, CODES, unsafe_fixes=False, options=options or {})
    compile(result, "fixed.py", "exec")
    assert fix_text(result, CODES, unsafe_fixes=False, options=options or {}) == result, "a second fix changed it"
    return result


# ---------------------------------------------------------------------- resolution


def test_aliases_and_imports_are_followed() -> None:
    assert reported(
        """
        import google.cloud.bigquery as bq
        from google.cloud import bigquery as gbq
        from google.cloud.bigquery import Client
        import google.cloud.bigquery

        a = bq.Client()
        a.get_table("t")
        gbq.Client().delete_table("t")
        Client(project="p").list_rows("t")
        google.cloud.bigquery.Client().get_dataset("d")
        """
    ) == [(8, "REL202"), (9, "REL202"), (10, "REL202"), (11, "REL202")]


def test_optional_dependency_imports_are_followed() -> None:
    assert reported(
        """
        try:
            import requests
        except ImportError:
            requests = None

        def fetch(url):
            return requests.get(url)
        """
    ) == [(8, "REL204")]


def test_annotated_parameters_optional_union_and_string() -> None:
    assert reported(
        """
        from typing import Optional, Union
        from google.cloud import bigquery

        def a(client: bigquery.Client, sql):
            return client.query(sql, timeout=30).result()

        def b(client: Optional[bigquery.Client] = None):
            client = client or bigquery.Client()
            return client.query_and_wait("select 1")

        def c(client: "bigquery.Client | None", job: "bigquery.QueryJob"):
            client.get_table("t")
            job.result()

        def d(client: Union[bigquery.Client, None]):
            client.insert_rows_json("t", [])
        """
    ) == [(6, "REL201"), (10, "REL203"), (13, "REL202"), (14, "REL201"), (17, "REL202")]


def test_clients_held_by_classes_factories_and_with() -> None:
    assert reported(
        """
        import functools
        from dataclasses import dataclass
        from google.cloud import bigquery

        def make_client(project=None):
            return bigquery.Client(project=project)

        @functools.lru_cache(maxsize=1)
        def cached() -> bigquery.Client:
            return bigquery.Client()

        class Repo:
            def __init__(self):
                self.client = make_client()

            @property
            def bq(self) -> bigquery.Client:
                return self.client

            def load(self, uri):
                job = self.client.load_table_from_uri(uri, "t", timeout=60)
                job.result()
                self.bq.get_table("t")

        @dataclass
        class Exporter:
            client: bigquery.Client

            def run(self):
                self.client.extract_table("t", "gs://b/x", timeout=60).result()

        def with_block():
            cached().list_tables("d")
            with bigquery.Client() as client:
                client.copy_table("a", "b")
        """
    ) == [(23, "REL201"), (24, "REL202"), (31, "REL201"), (34, "REL202"), (36, "REL202")]


def test_iteration_and_to_dataframe_on_jobs() -> None:
    assert reported(
        """
        from google.cloud import bigquery

        client = bigquery.Client()

        def rows(sql):
            job = client.query(sql, timeout=30)
            total = [dict(r) for r in job]
            for row in job:
                total.append(row)
            return job.to_dataframe(), job.to_arrow()

        def waited(sql):
            job = client.query(sql, timeout=30)
            job.result(timeout=60)
            return job.to_dataframe(), list(job)

        def result_iterators(sql):
            for row in client.query(sql, timeout=30).result(timeout=60):
                yield row
            return client.query_and_wait(sql, wait_timeout=60).to_dataframe()
        """
    ) == [(8, "REL201"), (9, "REL201"), (11, "REL201"), (11, "REL201")]


def test_pubsub_publish_futures() -> None:
    assert reported(
        """
        from concurrent.futures import TimeoutError
        from google.cloud import pubsub_v1
        from google.cloud.pubsub_v1 import PublisherClient

        publisher = pubsub_v1.PublisherClient()

        class Notifier:
            def __init__(self):
                self.publisher = PublisherClient()

            def send(self, data):
                future = self.publisher.publish("t", data)
                return future.result()

        def many(items):
            futures = [publisher.publish("t", i) for i in items]
            for future in futures:
                future.result()
            publisher.publish("t", b"x").result(30)

        def listen(callback):
            subscriber = pubsub_v1.SubscriberClient()
            streaming_pull_future = subscriber.subscribe("s", callback=callback)
            try:
                streaming_pull_future.result(timeout=60)
            except TimeoutError:
                streaming_pull_future.cancel()
                streaming_pull_future.result()
        """
    ) == [(14, "REL205"), (19, "REL205")]


def test_requests_sessions_and_httpx() -> None:
    assert reported(
        """
        import httpx
        import requests
        import requests as rq
        from requests import Session, get

        class Scraper:
            def __init__(self):
                self.http = Session()

            def page(self, n):
                return self.http.get("u", params={"page": n})

        def calls(url, kwargs):
            requests.get(url)
            rq.post(url, json={})
            get(url, timeout=10)
            requests.request("GET", url)
            requests.Session().get(url)
            requests.get(url, **kwargs)
            requests.get(url, timeout=None)
            with requests.Session() as s:
                s.request("GET", url, None, None, None, None, None, None, 5)
                s.put(url)
            httpx.get(url)
            httpx.get(url, timeout=None)
            with httpx.Client(timeout=None) as client:
                client.get(url)
                client.post(url, timeout=None)
        """
    ) == [
        (12, "REL204"),
        (15, "REL204"),
        (16, "REL204"),
        (18, "REL204"),
        (19, "REL204"),
        (21, "REL204"),
        (24, "REL204"),
        (26, "REL204"),
        (27, "REL204"),
        (29, "REL204"),
    ]


def test_timeouts_given_by_position_count() -> None:
    assert reported(
        """
        from google.cloud import bigquery

        def f(client: bigquery.Client, retry, job: bigquery.LoadJob):
            client.get_table("t", retry, 30)
            client.get_table("t", retry)
            job.result(retry, 60)
            client.query("q").result(100, 1000, retry, 60)
            client.get_table(*["t", retry, 30])
        """
    ) == [(6, "REL202"), (8, "REL202")]


NEGATIVES = """
import asyncio
from concurrent.futures import ThreadPoolExecutor, as_completed

import pandas as pd
from google.cloud import bigquery, datastore, storage
from sqlalchemy.orm import Session


def look_alikes(df: pd.DataFrame, session: Session, items, client, job):
    df.query("x > 1")
    session.query(User).filter(User.id == 1).all()
    with ThreadPoolExecutor() as pool:
        for future in as_completed([pool.submit(len, i) for i in items]):
            future.result()
    bucket = storage.Client().bucket("b")
    bucket.blob("x").upload_from_filename("f")
    storage.Client().get_bucket("b").reload()
    datastore.Client().query(kind="K").fetch()
    client.query("select 1").result()  # untyped: not known to be BigQuery
    job.result()
    bigquery.Client().get_job("id").reload()
    bigquery.Client().query("q", timeout=5).done()
    asyncio.run(main()).result()


def rebound(sql):
    client = bigquery.Client()
    client = make_something_else()
    client.query(sql).result()
"""


def test_names_alone_never_report() -> None:
    assert reported(NEGATIVES) == []


def test_declared_wrappers_are_checked() -> None:
    options = {
        "timeouts": {
            "extra-calls": [
                "shared.utils.bigquery_client.BigQueryClient.run_query:timeout",
                "shared.http.fetch:deadline:REL204",
            ]
        }
    }
    code = """
        from shared.http import fetch
        from shared.utils.bigquery_client import BigQueryClient

        def run(bq: BigQueryClient, other):
            BigQueryClient().run_query("q")
            bq.run_query("q", timeout=5)
            other.run_query("q")
            fetch("u")
        """
    assert reported(code, options) == [(6, "REL202"), (9, "REL204")]
    assert 'run_query("q", timeout=60)' in fixed(code, options)
    assert 'fetch("u", deadline=30)' in fixed(code, options)


# ---------------------------------------------------------------------- fixes


def test_fix_multiline_calls_with_comments_and_trailing_commas() -> None:
    result = fixed(
        """
        import requests
        from google.cloud import bigquery

        def load(client: bigquery.Client, uri):
            job = client.load_table_from_uri(
                uri,
                "t",
                job_config=None,  # appended by the scheduler
            )
            rows = client.query(
                "select 1",
                # the legacy dialect is off
                job_config=None
            ).result(
                page_size=10,
            )
            requests.get(
                uri, params={"a": 1})  # comment after the call
            return job, rows
        """
    )
    assert result == textwrap.dedent(
        """
        import requests
        from google.cloud import bigquery

        def load(client: bigquery.Client, uri):
            job = client.load_table_from_uri(
                uri,
                "t",
                job_config=None,  # appended by the scheduler
                timeout=60,
            )
            rows = client.query(
                "select 1",
                # the legacy dialect is off
                job_config=None,
                timeout=60
            ).result(
                page_size=10,
                timeout=600,
            )
            requests.get(
                uri, params={"a": 1}, timeout=30)  # comment after the call
            return job, rows
        """
    )


def test_fix_no_arguments_parenthesized_argument_and_comment_on_last_line() -> None:
    result = fixed(
        """
        from google.cloud import bigquery
        from google.cloud import pubsub

        publisher = pubsub.PublisherClient()

        def f(job: bigquery.QueryJob, data):
            publisher.publish("t", (data)).result( )
            job.result(
                page_size=(500)  # small pages
            )
        """
    )
    assert "publisher.publish(\"t\", (data)).result(timeout=60 )" in result
    assert "page_size=(500),  # small pages\n        timeout=600\n    )" in result


def test_fix_iteration_to_dataframe_and_query_and_wait() -> None:
    assert fixed(
        """
        from google.cloud import bigquery

        def f(client: bigquery.Client, sql):
            job = client.query(sql, timeout=5)
            frame = job.to_dataframe(max_results=10, progress_bar_type=None)
            arrow = client.query(sql, timeout=5).to_arrow(max_results=5)
            for row in job:
                print(row)
            rows = client.query_and_wait(sql, api_timeout=5)
            more = client.query_and_wait(sql)
            return frame, arrow, [r for r in client.query(sql, timeout=5)], rows, more
        """
    ) == textwrap.dedent(
        """
        from google.cloud import bigquery

        def f(client: bigquery.Client, sql):
            job = client.query(sql, timeout=5)
            frame = job.result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None)
            arrow = client.query(sql, timeout=5).result(timeout=600, max_results=5).to_arrow()
            for row in job.result(timeout=600):
                print(row)
            rows = client.query_and_wait(sql, api_timeout=5, wait_timeout=600)
            more = client.query_and_wait(sql, wait_timeout=600, api_timeout=60)
            return frame, arrow, [r for r in client.query(sql, timeout=5).result(timeout=600)], rows, more
        """
    )


def test_fix_replaces_explicit_none() -> None:
    result = fixed(
        """
        import httpx
        import requests

        httpx.get("u", timeout=None)
        requests.post("u", timeout=None)
        """
    )
    assert 'httpx.get("u", timeout=30)' in result
    assert 'requests.post("u", timeout=30)' in result


def test_fix_values_and_imports_come_from_the_options() -> None:
    options = {
        "timeouts": {
            "wait": "settings.BQ_WAIT",
            "wait-import": "from pipeline import settings",
            "request": 45.5,
            "http": "(3.05, 27)",
        }
    }
    result = fixed(
        '''
        """Loader."""
        import requests
        from google.cloud import bigquery

        def f(client: bigquery.Client, sql):
            client.query(sql).result()
            client.query(sql).result()
            requests.get("u")
        ''',
        options,
    )
    assert result == textwrap.dedent(
        '''
        """Loader."""
        import requests
        from google.cloud import bigquery
        from pipeline import settings

        def f(client: bigquery.Client, sql):
            client.query(sql, timeout=45.5).result(timeout=settings.BQ_WAIT)
            client.query(sql, timeout=45.5).result(timeout=settings.BQ_WAIT)
            requests.get("u", timeout=(3.05, 27))
        '''
    )


def test_noqa_and_nosec_suppress() -> None:
    assert reported(
        """
        import requests

        requests.get("u")  # noqa: REL204
        requests.get("u")  # nosec
        requests.get(
            "u",
        )  # noqa: REL2
        for row in requests.get("u").json():  # noqa
            pass
        """
    ) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"wait": 0}, "positive"),
        ({"wait": "settings."}, "not a Python expression"),
        ({"wait": True}, "must be"),
        ({"wait-import": "from . import settings"}, "absolute"),
        ({"wait-import": "import numpy as np"}, "no `as`"),
        ({"extra-calls": ["run_query"]}, "is not"),
        ({"timeout": 5}, "unknown key"),
    ],
)
def test_bad_options_are_named(options: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_text("x = 1\n", CODES, options={"timeouts": options})


# ---------------------------------------------------------------------- the demo pipeline


def _expected_demo() -> set[tuple[str, int, str]]:
    """The REL20x rows of EXPECTED.md, with Client.query() reported as REL202."""
    expected = set()
    section = ""
    for line in (ROOT / "examples/legacy_pipeline/EXPECTED.md").read_text().splitlines():
        if line.startswith("#"):
            section = line
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not cells[1].split(" ")[0].isdigit():
            continue
        row = int(cells[1].split(" ")[0])
        if "Planted" in section and cells[2].startswith("REL2"):
            expected.add((cells[0], row, cells[2]))
        elif "query() without timeout" in section:
            expected.add((cells[0], row, "REL202"))
    return expected


def _demo_findings(folder: Path, *extra: str) -> tuple[int, str]:
    command = [sys.executable, "-m", "reliability_lint", *extra, str(folder), "--select", ",".join(CODES)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=folder, check=False)
    return result.returncode, result.stdout


def test_demo_pipeline_findings_and_fix(tmp_path: Path) -> None:
    demo = tmp_path / "legacy_pipeline"
    shutil.copytree(ROOT / "examples/legacy_pipeline", demo)
    code, out = _demo_findings(demo, "check", "--output-format", "json", "--no-progress")
    assert code == 1
    import json

    found = {(Path(f["filename"]).relative_to(demo).as_posix(), f["location"]["row"], f["code"]) for f in json.loads(out)}
    assert found == _expected_demo()
    before = {p: p.read_text() for p in demo.rglob("*.py")}
    code, _ = _demo_findings(demo, "fix", "--no-progress")
    assert code == 0
    for path, text in before.items():
        after = path.read_text()
        ast.parse(after)
        changed = [line for line in after.splitlines() if line not in text.splitlines()]
        assert all("timeout=" in line for line in changed), changed
    code, _ = _demo_findings(demo, "fix", "--diff")
    assert code == 0


def test_fix_wait_first_as_text_keeps_layout_comments_and_columns() -> None:
    """The wait is put into the chain by offsets: `max_results` leaves a multi-line call
    with its line (the comment above it stays), parentheses and non-ASCII before the call
    on the same line keep the columns right, CRLF stays CRLF."""
    source = textwrap.dedent(
        """
        from google.cloud import bigquery

        def f(client: bigquery.Client, sql):
            job = client.query(sql, timeout=5)
            name = "Zoë"; a = job.to_dataframe(progress_bar_type=None, max_results=10)
            b = client.query(sql, timeout=5).to_dataframe(
                create_bqstorage_client=False,  # no storage here
                max_results=5,
            )
            c = (
                job
                .to_arrow(max_results=(3),)
            )
            return name, a, b, c
        """
    )
    expected = textwrap.dedent(
        """
        from google.cloud import bigquery

        def f(client: bigquery.Client, sql):
            job = client.query(sql, timeout=5)
            name = "Zoë"; a = job.result(timeout=600, max_results=10).to_dataframe(progress_bar_type=None)
            b = client.query(sql, timeout=5).result(timeout=600, max_results=5).to_dataframe(
                create_bqstorage_client=False,  # no storage here
            )
            c = (
                job.result(timeout=600, max_results=(3))
                .to_arrow()
            )
            return name, a, b, c
        """
    )
    assert fixed(source) == expected
    crlf = fix_text(source.replace("\n", "\r\n"), CODES, unsafe_fixes=False)
    assert crlf == expected.replace("\n", "\r\n")


def test_fix_wait_first_bounds_the_download_where_the_pin_allows(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("google-cloud-bigquery==3.41.0\n")
    source = textwrap.dedent(
        """
        from google.cloud import bigquery

        def f(client: bigquery.Client, sql):
            job = client.query(sql, timeout=5)
            a = job.to_dataframe(max_results=10)
            b = job.to_dataframe(max_results=10, create_bqstorage_client=False)
            c = job.to_arrow(
                max_results=10,
            )
            d = job.to_dataframe(timeout=5)
            return a, b, c, d
        """
    )
    result = fix_text(source, CODES, path=str(tmp_path / "m.py"), unsafe_fixes=False)
    assert "a = job.result(timeout=600, max_results=10).to_dataframe(timeout=600)" in result
    assert "b = job.result(timeout=600, max_results=10).to_dataframe(create_bqstorage_client=False, timeout=600)" in result
    assert "c = job.result(timeout=600, max_results=10).to_arrow(\n        timeout=600,\n    )" in result
    assert "d = job.result(timeout=600).to_dataframe(timeout=5)" in result
