"""Regressions (issue 18, mutmut) for what the timeouts family knows about the libraries: every
class under each of its import paths, every call that can wait forever and the argument
(by keyword and by position) that bounds it, the family's options and their checks. The
signatures are those of google-cloud-bigquery 3.x, google-cloud-pubsub, requests and httpx;
everything goes through `reliability_lint.testing`, as a user's configuration would."""

from __future__ import annotations

import itertools

import pytest

from reliability_lint.config import ConfigError
from reliability_lint.testing import check_text, fix_text

CODES = ["REL201", "REL202", "REL203", "REL204", "REL205"]
HEAD = "from google.cloud import bigquery\n\nclient = bigquery.Client()\n"


_RUN = itertools.count()


def fresh(options: dict | None = None) -> dict:
    """The options with a wrapper no file calls, a new one each time: the family builds its
    table of classes once per list of wrappers, and this makes every check build its own."""
    options = dict(options or {})
    options["extra-calls"] = [*options.get("extra-calls", []), f"unused{next(_RUN)}.Never.called:timeout"]
    return {"timeouts": options}


def found(text: str, options: dict | None = None) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, CODES, options=fresh(options)))


def fix_message(text: str, options: dict | None = None) -> list[str]:
    return [f.fix.message if f.fix else "" for f in check_text(text, CODES, options=fresh(options))]


# google-cloud-bigquery 3.x: the index of `timeout` among each Client method's positional
# arguments (None: it can only be passed by keyword).
CLIENT_REQUESTS = {
    "query": 7, "load_table_from_uri": 8, "load_table_from_file": 10, "load_table_from_dataframe": 9,
    "load_table_from_json": 8, "insert_rows": None, "insert_rows_json": 7,
    "insert_rows_from_dataframe": None, "copy_table": 8, "extract_table": 8, "cancel_job": 4,
    "get_dataset": 2, "get_table": 2, "get_model": 2, "get_routine": 2, "get_iam_policy": 3,
    "get_service_account_email": 2, "set_iam_policy": 4, "test_iam_permissions": 3,
    "create_dataset": 3, "create_table": 3, "create_routine": 3, "create_job": 2,
    "update_dataset": 3, "update_table": 4, "update_model": 3, "update_routine": 3,
    "delete_dataset": 3, "delete_table": 2, "delete_model": 2, "delete_routine": 2,
    "delete_job_metadata": 4, "list_datasets": 6, "list_tables": 4, "list_rows": 7, "list_jobs": 7,
    "list_models": 4, "list_routines": 4, "list_projects": 3, "list_partitions": 2,
}  # fmt: skip


def _args(*items: str) -> str:
    return ", ".join(items)


@pytest.mark.parametrize(("method", "position"), CLIENT_REQUESTS.items())
def test_every_client_request_is_bounded_by_its_timeout_keyword_or_position(method: str, position: int | None) -> None:
    assert found(HEAD + f"client.{method}()\n") == [(4, "REL202")]
    assert found(HEAD + f"client.{method}(timeout=5)\n") == []
    assert found(HEAD + f"client.{method}(timeout=None)\n") == [(4, "REL202")]
    if position is None:  # keyword-only: no number of positional arguments bounds it
        assert found(HEAD + f"client.{method}({_args(*['a'] * 12)})\n") == [(4, "REL202")]
        return
    filler = ["a"] * position
    assert found(HEAD + f"client.{method}({_args(*filler)})\n") == [(4, "REL202")]
    assert found(HEAD + f"client.{method}({_args(*filler, '30')})\n") == []
    assert found(HEAD + f"client.{method}({_args(*filler, 'None')})\n") == [(4, "REL202")]


# The jobs each Client method returns, and the index of `timeout` in their `result()`.
JOBS = {
    "query": 3, "load_table_from_uri": 1, "load_table_from_file": 1, "load_table_from_dataframe": 1,
    "load_table_from_json": 1, "copy_table": 1, "extract_table": 1, "get_job": 1,
}  # fmt: skip


@pytest.mark.parametrize(("method", "position"), JOBS.items())
def test_the_result_of_every_kind_of_job_is_bounded_by_its_timeout(method: str, position: int) -> None:
    job = f"job = client.{method}('x', timeout=5)\n"
    assert found(HEAD + job + "job.result()\n") == [(5, "REL201")]
    assert found(HEAD + job + "job.result(timeout=9)\n") == []
    filler = ["None"] * position
    assert found(HEAD + job + f"job.result({_args(*filler)})\n") == [(5, "REL201")]
    assert found(HEAD + job + f"job.result({_args(*filler, '9')})\n") == []
    assert fix_message(HEAD + job + "job.result()\n") == ["Add `timeout=600`"]


@pytest.mark.parametrize(
    ("imported", "name", "call", "code"),
    [
        ("google.cloud.bigquery", "Client", "x.get_table('t')", "REL202"),
        ("google.cloud.bigquery.client", "Client", "x.get_table('t')", "REL202"),
        ("google.cloud.bigquery", "QueryJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job", "QueryJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job.query", "QueryJob", "x.result()", "REL201"),
        ("google.cloud.bigquery", "LoadJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job", "LoadJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job.load", "LoadJob", "x.result()", "REL201"),
        ("google.cloud.bigquery", "CopyJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job", "CopyJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job.copy_", "CopyJob", "x.result()", "REL201"),
        ("google.cloud.bigquery", "ExtractJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job", "ExtractJob", "x.result()", "REL201"),
        ("google.cloud.bigquery.job.extract", "ExtractJob", "x.result()", "REL201"),
        ("google.cloud.pubsub_v1", "PublisherClient", "x.publish('t', b'x').result()", "REL205"),
        ("google.cloud.pubsub", "PublisherClient", "x.publish('t', b'x').result()", "REL205"),
        ("google.cloud.pubsub_v1.publisher", "Client", "x.publish('t', b'x').result()", "REL205"),
        ("google.cloud.pubsub_v1.publisher.client", "Client", "x.publish('t', b'x').result()", "REL205"),
        ("google.cloud.pubsub_v1.publisher.futures", "Future", "x.result()", "REL205"),
        ("requests", "Session", "x.get('u')", "REL204"),
        ("requests.sessions", "Session", "x.get('u')", "REL204"),
        ("httpx", "Client", "x.get('u', timeout=None)", "REL204"),
        ("httpx", "AsyncClient", "x.get('u', timeout=None)", "REL204"),
    ],
)
def test_every_import_path_of_a_library_class_is_known(imported: str, name: str, call: str, code: str) -> None:
    text = f"from {imported} import {name}\n\ndef f(x: {name}):\n    {call}\n"
    assert found(text) == [(4, code)]


@pytest.mark.parametrize(
    ("made", "call", "code"),
    [
        ("bigquery.Client()", "get_table('t')", "REL202"),
        ("bigquery.client.Client()", "get_table('t')", "REL202"),
        ("bigquery.Client.from_service_account_json('k.json')", "get_table('t')", "REL202"),
        ("bigquery.Client.from_service_account_info({})", "get_table('t')", "REL202"),
        ("bigquery.client.Client.from_service_account_json('k.json')", "get_table('t')", "REL202"),
        ("pubsub_v1.PublisherClient()", "publish('t', b'x').result()", "REL205"),
        ("pubsub.PublisherClient()", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.publisher.Client()", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.publisher.client.Client()", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.PublisherClient.from_service_account_file('k')", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.PublisherClient.from_service_account_json('k')", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.PublisherClient.from_service_account_info({})", "publish('t', b'x').result()", "REL205"),
        ("pubsub.PublisherClient.from_service_account_file('k')", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.publisher.Client.from_service_account_file('k')", "publish('t', b'x').result()", "REL205"),
        ("pubsub_v1.publisher.client.Client.from_service_account_file('k')", "publish('t', b'x').result()", "REL205"),
        ("requests.Session()", "get('u')", "REL204"),
        ("requests.sessions.Session()", "get('u')", "REL204"),
        ("requests.session()", "get('u')", "REL204"),
        ("requests.sessions.session()", "get('u')", "REL204"),
        ("httpx.Client()", "get('u', timeout=None)", "REL204"),
        ("httpx.AsyncClient()", "get('u', timeout=None)", "REL204"),
    ],
)
def test_every_constructor_and_factory_makes_a_known_client(made: str, call: str, code: str) -> None:
    head = "import httpx\nimport requests\nimport requests.sessions\nfrom google.cloud import bigquery, pubsub, pubsub_v1\n"
    head += "import google.cloud.bigquery.client\nimport google.cloud.pubsub_v1.publisher.client\n"
    assert found(head + f"x = {made}\nx.{call}\n") == [(8, code)]
    # a client opened with `with` is the client itself (a publisher is no context manager)
    assert found(head + f"with {made} as x:\n    x.{call}\n") == ([] if code == "REL205" else [(8, code)])


@pytest.mark.parametrize(
    ("made", "returns"),
    [
        ("client.query_and_wait('q', wait_timeout=5, api_timeout=5)", "row iterator"),
        ("client.list_rows('t', timeout=5)", "row iterator"),
        ("client.query('q', timeout=5).result(timeout=5)", "row iterator"),
        ("client.query('q', timeout=5)", "job"),
    ],
)
def test_only_a_query_job_is_waited_on_when_iterated(made: str, returns: str) -> None:
    text = HEAD + f"rows = {made}\nfor row in rows:\n    print(row)\n"
    assert found(text) == ([(5, "REL201")] if returns == "job" else [])


@pytest.mark.parametrize("method", ["to_dataframe", "to_arrow", "to_geodataframe"])
def test_every_conversion_of_a_query_job_waits_for_it_first(method: str) -> None:
    job = "job = client.query('q', timeout=5)\n"
    assert found(HEAD + job + f"job.{method}()\n") == [(5, "REL201")]
    assert found(HEAD + job + f"job.result(timeout=9)\njob.{method}()\n") == []
    assert fix_message(HEAD + job + f"job.{method}()\n") == ["Wait with `.result(timeout=600)` first"]
    # a row iterator's conversion is not REL201's
    assert found(HEAD + f"client.list_rows('t', timeout=5).{method}()\n") == []


HTTP = ["get", "options", "head", "post", "put", "patch", "delete"]


@pytest.mark.parametrize("method", [*HTTP, "request"])
def test_every_requests_function_and_session_method_needs_a_timeout(method: str) -> None:
    for call in (f"requests.{method}('u')", f"requests.api.{method}('u')", f"requests.Session().{method}('u')"):
        text = f"import requests\nimport requests.api\n{call}\n"
        assert found(text) == [(3, "REL204")], call
        assert found(text.replace("('u')", "('u', timeout=5)")) == [], call
        assert fix_message(text) == ["Add `timeout=30`"]


def test_a_session_request_takes_its_timeout_as_the_ninth_positional_argument() -> None:
    head = "import requests\ns = requests.Session()\n"
    assert found(head + "s.request('GET', 'u', 1, 2, 3, 4, 5, 6)\n") == [(3, "REL204")]
    assert found(head + "s.request('GET', 'u', 1, 2, 3, 4, 5, 6, 30)\n") == []
    assert found(head + "s.request('GET', 'u', 1, 2, 3, 4, 5, 6, None)\n") == [(3, "REL204")]


@pytest.mark.parametrize("method", [*HTTP, "request", "stream", "send"])
def test_httpx_reports_only_an_explicit_none(method: str) -> None:
    for call in (
        f"httpx.Client().{method}('u'{{}})",
        f"httpx.AsyncClient().{method}('u'{{}})",
        f"httpx.{method}('u'{{}})",
    ):
        if call.startswith("httpx.send"):
            continue  # a client's method only
        text = "import httpx\n" + call.format(", timeout=None") + "\n"
        assert found(text) == [(2, "REL204")], call
        assert fix_message(text) == ["Replace `None` with `30`"]
        assert found("import httpx\n" + call.format("") + "\n") == [], call
        assert found("import httpx\n" + call.format(", timeout=5") + "\n") == [], call


@pytest.mark.parametrize("client", ["Client", "AsyncClient"])
def test_an_httpx_client_made_with_timeout_none_is_reported(client: str) -> None:
    assert found(f"import httpx\nhttpx.{client}(timeout=None)\n") == [(2, "REL204")]
    assert found(f"import httpx\nhttpx.{client}()\n") == []


def test_a_publish_future_takes_its_timeout_as_the_first_positional_argument() -> None:
    head = "from google.cloud import pubsub_v1\nfuture = pubsub_v1.PublisherClient().publish('t', b'x')\n"
    assert found(head + "future.result()\n") == [(3, "REL205")]
    assert found(head + "future.result(30)\n") == []
    assert found(head + "future.result(None)\n") == [(3, "REL205")]
    assert fix_message(head + "future.result()\n") == ["Add `timeout=60`"]


def test_query_and_wait_is_bounded_by_wait_timeout_and_its_fix_adds_the_api_timeout_too() -> None:
    assert found(HEAD + "client.query_and_wait('q')\n") == [(4, "REL203")]
    assert found(HEAD + "client.query_and_wait('q', wait_timeout=5)\n") == []
    assert found(HEAD + "client.query_and_wait('q', timeout=5)\n") == [(4, "REL203")]
    assert fix_message(HEAD + "client.query_and_wait('q')\n") == ["Add `wait_timeout=600, api_timeout=60`"]
    assert fix_message(HEAD + "client.query_and_wait('q', api_timeout=5)\n") == ["Add `wait_timeout=600`"]


# ------------------------------------------------------------------ options


@pytest.mark.parametrize(
    ("key", "code", "text"),
    [
        ("wait", "REL201", HEAD + "client.query('q', timeout=5).result()\n"),
        ("request", "REL202", HEAD + "client.get_table('t')\n"),
        ("http", "REL204", "import requests\nrequests.get('u')\n"),
        (
            "pubsub",
            "REL205",
            "from google.cloud import pubsub_v1\npubsub_v1.PublisherClient().publish('t', b'x').result()\n",
        ),
    ],
)
def test_each_value_option_sets_what_its_rules_fix_inserts(key: str, code: str, text: str) -> None:
    fixed = fix_text(
        text, [code], options={"timeouts": {key: "  settings.LIMIT ", f"{key}-import": "from app import settings  "}}
    )
    assert "timeout=settings.LIMIT)" in fixed
    assert "\nfrom app import settings\n" in fixed
    assert "timeout=2.5)" in fix_text(text, [code], options={"timeouts": {key: 2.5}})


def test_query_and_wait_takes_its_two_values_and_imports_from_wait_and_request() -> None:
    options = {
        "wait": "cfg.WAIT",
        "wait-import": "from app import cfg",
        "request": "limits.API",
        "request-import": "from app import limits",
    }
    fixed = fix_text(HEAD + "client.query_and_wait('q')\n", ["REL203"], options={"timeouts": options})
    assert fixed.endswith("client.query_and_wait('q', wait_timeout=cfg.WAIT, api_timeout=limits.API)\n")
    assert "from app import cfg, limits\n" in fixed
    # one import both values need is added once
    same = {**options, "request-import": "from app import cfg", "request": "cfg.API"}
    fixed = fix_text(HEAD + "client.query_and_wait('q')\n", ["REL203"], options={"timeouts": same})
    assert fixed.count("from app import cfg") == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"wait": 0}, "timeouts.wait must be a positive number of seconds"),
        ({"request": -1}, "timeouts.request must be a positive number of seconds"),
        ({"http": ""}, "timeouts.http is not a Python expression: ''"),
        ({"pubsub": "settings."}, "timeouts.pubsub is not a Python expression: 'settings.'"),
        ({"wait": "(a\n)"}, "timeouts.wait must be a one-line Python expression"),
        ({"wait-import": "import ("}, "timeouts.wait-import is not an import statement: 'import ('"),
        (
            {"request-import": "import a; import b"},
            "timeouts.request-import must be one import statement, such as 'from pipeline import settings'",
        ),
        ({"http-import": "x = 1"}, "timeouts.http-import must be one import statement"),
        ({"pubsub-import": "from . import settings"}, "timeouts.pubsub-import must be an absolute import"),
        ({"wait-import": "from a import *"}, "timeouts.wait-import must import names as they are (no `as`, no `*`)"),
        ({"wait-import": "import numpy as np"}, "no `as`, no `*`"),
        (
            {"extra-calls": ["a.b:kw", "run_query"]},
            "timeouts.extra-calls entry 'run_query' is not 'package.module.Class.method:keyword' (optionally ':REL20N')",
        ),
        ({"extra-calls": ["a.b:kw:REL206"]}, "entry 'a.b:kw:REL206' is not"),
        ({"extra-calls": ["a.b"]}, "entry 'a.b' is not"),
    ],
)
def test_bad_options_are_refused_with_their_reason(options: dict, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check_text("x = 1\n", CODES, options={"timeouts": options})
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "options",
    [
        {"wait": 0.5, "request": 1, "http": "(3.05, 27)", "pubsub": " settings.X "},
        {
            "wait-import": "pipeline",
            "request-import": "from pipeline import settings",
            "http-import": "",
            "pubsub-import": "import a.b",
        },
        {"extra-calls": ["a.b:kw", "a.b.C.m:deadline:REL204", "a.b:t:REL201"]},
    ],
)
def test_good_options_are_accepted(options: dict) -> None:
    assert check_text("x = 1\n", CODES, options={"timeouts": options}) == []


def test_declared_wrappers_are_checked_with_their_code_and_keyword() -> None:
    options = {"extra-calls": ["shared.bq.Wrapper.run:deadline", "shared.http.fetch:limit:REL204"]}
    # no library is named in the file: the declared packages are enough to look at it
    text = "from shared.bq import Wrapper\nfrom shared.http import fetch\n\nWrapper().run('q')\nfetch('u')\nWrapper().run('q', deadline=5)\nfetch('u', limit=5)\n"
    assert found(text, options) == [(4, "REL202"), (5, "REL204")]
    assert fix_message(text, options) == ["Add `deadline=60`", "Add `limit=30`"]
    # a method of an instance held in a name, and the wrapper called by its function path
    text = "import shared.bq\n\nw = shared.bq.Wrapper()\nw.run('q')\nshared.bq.Wrapper.run(w, 'q')\n"
    assert found(text, options) == [(4, "REL202"), (5, "REL202")]
    # annotated with the declared class, and a package imported from its parent
    text = "from shared.bq import Wrapper\n\ndef f(w: Wrapper):\n    w.run('q')\n"
    assert found(text, options) == [(4, "REL202")]
    assert found("from shared import http\n\nhttp.fetch('u')\n", options) == [(3, "REL204")]
    # a project subclass of a declared class is not known to be one
    assert found("from shared.bq import Wrapper\n\nclass Mine(Wrapper):\n    pass\n\nMine().run('q')\n", options) == []
