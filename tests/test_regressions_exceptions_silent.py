"""Regressions (issue 18, mutmut) for REL103-REL107, the silent failures: errors logged
below warning or without their traceback, success returned from a handler, a web handler
acknowledging a failure, `suppress(Exception)`; through `reliability_lint.testing`."""

from __future__ import annotations

from typing import Any

import pytest
from family_pages import check_page_example, page_cases

from reliability_lint.testing import check_text, fix_text


def found(text: str, codes: list[str], **kwargs: Any) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes, **kwargs))


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL103", "REL104", "REL105", "REL106", "REL107"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)


def rows(text: str, codes: list[str], **kwargs: Any) -> list[tuple[int, int, str, str]]:
    return [(f.line, f.col, f.code, f.message) for f in check_text(text, codes, **kwargs)]


def in_handler(body: str, caught: str = "Exception as exc", head: str = "import logging\nlog = logging.getLogger()\n") -> str:
    return f"{head}def f():\n    try:\n        return go()\n    except {caught}:\n        {body}\n"


# ------------------------------------------------------------------ REL103


LOW = "`except Exception` reports the error only with `{}()` ({}), which production logs do not show"


@pytest.mark.parametrize(
    ("body", "shown", "level"),
    [
        ("log.debug('x')", "log.debug", "debug"),
        ("log.info('x')", "log.info", "info"),
        ("logging.info('x')", "logging.info", "info"),
        ("log.log(logging.INFO, 'x')", "log.log", "a level below warning"),
        ("log.log(10, 'x')", "log.log", "a level below warning"),
        ("log.log(logging.DEBUG, 'x')", "log.log", "a level below warning"),
        ("log.getChild('a').debug('x')", "log.getChild('a').debug", "debug"),
        ("logging.getLogger('a').info('x')", "logging.getLogger('a').info", "info"),
        ("logging.root.info('x')", "logging.root.info", "info"),
        ("logging.LoggerAdapter(log, {}).info('x')", "logging.LoggerAdapter(log, {}).info", "info"),
    ],
)
def test_an_error_logged_below_warning_is_reported(body: str, shown: str, level: str) -> None:
    assert rows(in_handler(body), ["REL103"]) == [(6, 4, "REL103", LOW.format(shown, level))]


@pytest.mark.parametrize(
    "head",
    [
        "import structlog\nlog = structlog.get_logger()\n",
        "import structlog\nlog = structlog.stdlib.get_logger().bind(a=1)\n",
        "from loguru import logger as log\n",
        "import loguru\nlog = loguru.logger.bind(a=1)\n",
        "import logging\ndef g(log: logging.Logger): ...\nlog = logging.getLogger().getChild('x')\n",
    ],
)
def test_every_kind_of_logger_counts_for_rel103(head: str) -> None:
    assert [r[2] for r in rows(in_handler("log.debug('x')", head=head), ["REL103"])] == ["REL103"]


@pytest.mark.parametrize(
    "body",
    [
        "log.warning('x')",
        "log.warn('x')",
        "log.error('x')",
        "log.critical('x')",
        "log.fatal('x')",
        "log.exception('x')",
        "log.log(logging.WARNING, 'x')",
        "log.log(30, 'x')",
        "log.log(level, 'x')",
        "log.log(logging.NOTSET, 'x')",
        "log.log(other.INFO, 'x')",
        "log.log()",
        "log.debug('x'); raise",
        "log.debug('x'); print('x')",
        "log.debug('x'); reporter.report_failure()",
        "log.debug('x'); frames.debug('x')",
        "log.debug('x'); log.error('y')",
        "log.debug('x'); traceback.print_exc()",
        "log.debug('x'); rollbar.report_exc_info()",
        "log.debug('x'); sentry_sdk.capture_message('x')",
        "log.debug('x'); os._exit(1)",
        "log.debug('x'); errors.append(exc)",
        "log.debug('x'); client.notify_admins()",
    ],
)
def test_an_error_surfaced_otherwise_is_not_rel103(body: str) -> None:
    assert rows(in_handler(body), ["REL103"]) == []


def test_rel103_needs_a_broad_handler() -> None:
    assert rows(in_handler("log.debug('x')", caught="ValueError"), ["REL103"]) == []
    assert rows(in_handler("log.debug('x')", caught="(ValueError, Exception)"), ["REL103"])[0][2] == "REL103"
    assert rows(in_handler("log.debug('x')", caught="builtins.Exception", head="import builtins, logging\nlog = logging.getLogger()\n"), ["REL103"])[0][2] == "REL103"
    assert rows(in_handler("log.debug('x')", caught="errors.Exception", head="import errors, logging\nlog = logging.getLogger()\n"), ["REL103"]) == []
    shadow = "import logging\nlog = logging.getLogger()\nclass Exception(ValueError): ...\n"
    assert rows(in_handler("log.debug('x')", caught="Exception", head=shadow), ["REL103"]) == []
    bare = rows(in_handler("log.debug('x')", caught=""), ["REL103"])
    assert [(r[2], r[3].split(" reports")[0]) for r in bare] == [("REL103", "bare `except:`")]


def test_rel103_s_fix_raises_debug_and_info_to_exception() -> None:
    text = in_handler("log.debug(  # quiet\n            'x',\n        )")
    assert fix_text(text, ["REL103"]) == text.replace("log.debug(", "log.exception(")
    assert fix_text(text, ["REL103"], unsafe_fixes=False) == text
    text = in_handler("log.info('x')")
    assert fix_text(text, ["REL103"]) == text.replace("log.info(", "log.exception(")
    (finding,) = check_text(in_handler("log.log(10, 'x')"), ["REL103"])
    assert finding.fix is None
    (finding,) = check_text(text, ["REL103"])
    assert finding.fix is not None and finding.fix.message == "Log it with `.exception(...)`"


# ------------------------------------------------------------------ REL104

RETURNS = "`except Exception` returns `{}` without reporting the error; callers cannot tell it from a result"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("None", "None"), ("", "None"), ("True", "True"), ("0", "0"), ("[]", "[]"), ("{}", "{}"), ("()", "()"), ("set()", "set()"), ("list()", "list()"), ("dict()", "dict()"), ("tuple()", "tuple()"), ("({}, 200)", "({}, 200)"), ("'', 204", "'', 204")],
)
def test_a_success_looking_value_returned_from_a_handler_is_reported(value: str, shown: str) -> None:
    text = f"def f():\n    try:\n        return compute()\n    except Exception as exc:\n        cleanup()\n        return {value}\n"
    assert rows(text, ["REL104"]) == [(4, 4, "REL104", RETURNS.format(shown))]


@pytest.mark.parametrize(
    "value",
    ["False", "1", "-1", "''", "'failed'", "[0]", "{'a': 1}", "(1,)", "set(x)", "list(x)", "frozenset()", "({}, 500)", "({}, 199)", "({}, 300)", "({}, code)", "({}, True)", "0.0", "compute()"],
)
def test_a_value_that_tells_the_failure_is_not_rel104(value: str) -> None:
    text = f"def f():\n    try:\n        return compute()\n    except Exception:\n        cleanup()\n        return {value}\n"
    assert rows(text, ["REL104"]) == []


@pytest.mark.parametrize(
    "other",
    ["return None", "return True", "return 0", "return", "return []", "pass", "return 'done'"],
)
def test_rel104_needs_a_real_result_elsewhere_in_the_function(other: str) -> None:
    text = f"def f():\n    try:\n        compute()\n    except Exception:\n        cleanup()\n        return None\n    {other}\n"
    assert rows(text, ["REL104"]) == []


def test_rel104_counts_the_real_results_outside_the_handler_only() -> None:
    inner = "def f():\n    try:\n        compute()\n    except Exception:\n        if a:\n            return rows\n        cleanup()\n        return None\n"
    assert rows(inner, ["REL104"]) == []
    outer = inner + "    return rows\n"
    assert [r[2] for r in rows(outer, ["REL104"])] == ["REL104"]


@pytest.mark.parametrize(
    "shape",
    [
        "def f():\n    try:\n        return compute()\n    except Exception:\n        cleanup()\n        return None\n",
        "async def f():\n    try:\n        return await compute()\n    except Exception:\n        cleanup()\n        return None\n",
        "class A:\n    def f(self):\n        try:\n            return compute()\n        except Exception:\n            cleanup()\n            return None\n",
    ],
)
def test_rel104_in_functions_and_methods(shape: str) -> None:
    assert [r[2] for r in rows(shape, ["REL104"])] == ["REL104"]


def test_rel104_is_not_reported_at_module_level_in_a_generator_or_when_surfaced() -> None:
    assert rows("try:\n    x = compute()\nexcept Exception:\n    cleanup()\n", ["REL104"]) == []
    generator = "def f():\n    try:\n        yield compute()\n    except Exception:\n        cleanup()\n        return None\n    return rows\n"
    assert rows(generator, ["REL104"]) == []
    for surfaced in ("print('x')", "raise", "errors.append(exc)", "log.warning('x')"):
        text = f"import logging\nlog = logging.getLogger()\ndef f():\n    try:\n        return compute()\n    except Exception as exc:\n        {surfaced}\n        return None\n"
        assert rows(text, ["REL104"]) == [], surfaced
    text = "import logging\nlog = logging.getLogger()\ndef f():\n    try:\n        return compute()\n    except Exception as exc:\n        log.info('x')\n        return None\n"
    assert [r[2] for r in rows(text, ["REL103", "REL104"])] == ["REL103", "REL104"]


def test_rel104_reports_the_first_success_looking_return_once() -> None:
    text = "def f():\n    try:\n        return compute()\n    except Exception:\n        cleanup()\n        if a:\n            return 'x'\n        if b:\n            return []\n        return None\n"
    assert rows(text, ["REL104"]) == [(4, 4, "REL104", RETURNS.format("[]"))]


def test_a_function_defined_in_the_handler_is_not_the_handler() -> None:
    text = "def f():\n    try:\n        return compute()\n    except Exception:\n        def later():\n            raise RuntimeError()\n        cleanup()\n        return None\n"
    assert [r[2] for r in rows(text, ["REL104"])] == ["REL104"]
    text = "def f():\n    try:\n        return compute()\n    except Exception:\n        def later():\n            return None\n        cleanup()\n"
    assert rows(text, ["REL104"]) == []


@pytest.mark.parametrize(
    "logger",
    ["logging.getLogger('a')", "logging.getLogger('a').getChild('b')", "structlog.get_logger()", "logging.LoggerAdapter(log, {})"],
)
def test_a_logger_made_in_the_handler_is_no_reporter_itself(logger: str) -> None:
    """Bug found by mutation testing: `getLogger`'s name matched the reporter names, so a
    handler logging through `logging.getLogger(__name__).debug(...)` counted as reporting."""
    head = "import logging, structlog\nlog = logging.getLogger()\n"
    assert [r[2] for r in rows(in_handler(f"{logger}.debug('x')", head=head), ["REL103"])] == ["REL103"]
    assert [r[2] for r in rows(in_handler(f"{logger}.error('x %s', exc)", head=head), ["REL107"])] == ["REL107"]
    # what the arguments of the logger's calls do still counts
    assert rows(in_handler("logging.getLogger(reporter.report_name()).debug('x')", head=head), ["REL103"]) == []


# ------------------------------------------------------------------ REL105

WEB = "`except Exception` answers `{}` (2xx): the request (a Pub/Sub push, a task) counts as handled and the failure is lost"
FLASK = "from flask import Flask, jsonify, Response, make_response\napp = Flask(__name__)\n"
FASTAPI = "from fastapi import FastAPI, APIRouter\nfrom fastapi.responses import JSONResponse\napp = FastAPI()\n"


def route(answer: str, decorator: str = "@app.route('/push', methods=['POST'])", head: str = FLASK, body: str = "cleanup()") -> str:
    return f"{head}{decorator}\ndef push():\n    try:\n        handle()\n    except Exception:\n        {body}\n        return {answer}\n    return '', 204\n"


@pytest.mark.parametrize(
    "answer",
    ["'', 200", "'ok', 204", "{'a': 1}", "'ok'", "f'{x}'", "jsonify(ok=False)", "Response('x')", "Response('x', 202)", "Response('x', status=200)", "make_response('x')", "('', 299)"],
)
def test_a_flask_route_answering_2xx_from_a_broad_handler_is_reported(answer: str) -> None:
    text = route(answer)
    line = text.splitlines().index("    except Exception:") + 1
    assert rows(text, ["REL105"]) == [(line, 4, "REL105", WEB.format(answer))]


@pytest.mark.parametrize(
    "answer",
    ["'', 500", "'', 199", "'', 300", "'', status", "None", "jsonify(ok=False, status=500)", "jsonify(x, status_code=200)", "Response('x', 500)", "Response('x', status=503)", "Response('x', status=code)", "make_response('x', 'y', 'z')", "build()", "0", "[1]", "('x',)"],
)
def test_a_route_answering_a_failure_or_an_unknown_status_is_not_rel105(answer: str) -> None:
    assert rows(route(answer), ["REL105"]) == []


@pytest.mark.parametrize(
    ("decorator", "head"),
    [
        ("@app.get('/push')", FASTAPI),
        ("@app.post('/push', status_code=201)", FASTAPI),
        ("@router.api_route('/push')", FASTAPI + "router = APIRouter()\n"),
        ("@bp.put('/push')", "import flask\nbp = flask.Blueprint('b', __name__)\n"),
        ("@app.delete('/push')", FLASK),
        ("@app.patch('/push')", FLASK),
        ("@functions_framework.http", "import functions_framework\n"),
        ("@ff.http", "import functions_framework as ff\n"),
    ],
)
def test_each_framework_s_routes_are_web_handlers(decorator: str, head: str) -> None:
    assert [r[2] for r in rows(route("'', 200", decorator, head), ["REL105"])] == ["REL105"]


@pytest.mark.parametrize(
    ("decorator", "head"),
    [
        ("@app.post('/push', status_code=500)", FASTAPI),
        ("@app.post('/push', status_code=code)", FASTAPI),
        ("@app.post('/push', status_code=302)", FASTAPI),
        ("@app.post('/push', status_code=199)", FASTAPI),
        ("@app.route('/push')", "app = make_app()\n"),
        ("@app.task('/push')", FLASK),
        ("@app.route", FLASK),
        ("@http", "from functions_framework import cloud_event as http\n"),
        ("@cache", FLASK),
        ("", FLASK),
    ],
)
def test_look_alikes_of_routes_are_not_web_handlers(decorator: str, head: str) -> None:
    assert rows(route("'', 200", decorator, head), ["REL105"]) == []


def test_a_fastapi_response_needs_an_explicit_2xx_status() -> None:
    assert [r[2] for r in rows(route("JSONResponse({}, status_code=200)", "@app.get('/x')", FASTAPI), ["REL105"])] == ["REL105"]
    assert [r[2] for r in rows(route("JSONResponse({})", "@app.get('/x')", FASTAPI), ["REL105"])] == ["REL105"]
    assert rows(route("JSONResponse({}, 200)", "@app.get('/x')", FASTAPI), ["REL105"]) == []  # a second positional is not a status there
    assert rows(route("JSONResponse({}, status_code=500)", "@app.get('/x')", FASTAPI), ["REL105"]) == []


def test_rel105_is_reported_once_at_the_first_2xx_answer_even_after_a_log() -> None:
    text = route("'ok', 200", body="log.error('x')\n        if a:\n            return 'bad', 500\n        if b:\n            return 'x', 201", head=FLASK + "import logging\nlog = logging.getLogger()\n")
    assert [(r[2], r[3]) for r in rows(text, ["REL105"])] == [("REL105", WEB.format("'x', 201"))]
    assert rows(route("'', 200", body="raise"), ["REL105"]) == []


def test_rel105_s_fix_answers_500_and_logs_first() -> None:
    head = FLASK + "import logging\nlog = logging.getLogger()\n"
    text = route("'failed', 200", head=head)
    expected = text.replace("        cleanup()\n", '        log.exception("Request failed; answering 500")\n        cleanup()\n').replace("'failed', 200", "'failed', 500")
    assert fix_text(text, ["REL105"]) == expected
    assert fix_text(text, ["REL105"], unsafe_fixes=False) == text
    logged = route("'failed', 200", head=head, body="log.error('x')")
    assert fix_text(logged, ["REL105"]) == logged.replace("'failed', 200", "'failed', 500")
    info = route("'failed', 200", head=head, body="log.info('x')")
    assert 'log.exception("Request failed' in fix_text(info, ["REL105"])
    (finding,) = check_text(text, ["REL105"])
    assert finding.fix is not None and finding.fix.message == "Answer 500 (after logging the error) so that the sender retries"
    status = route("Response('x', status=200)", head=head, body="log.error('x')")
    assert fix_text(status, ["REL105"]) == status.replace("status=200", "status=500")
    positional = route("Response('x', 202)", head=head, body="log.error('x')")
    assert fix_text(positional, ["REL105"]) == positional.replace("202)", "500)")


def test_rel105_s_fix_without_a_module_logger_imports_logging() -> None:
    text = route("'failed', 200")
    fixed = fix_text(text, ["REL105"])
    assert 'logging.exception("Request failed; answering 500")\n        cleanup()' in fixed
    assert "import logging" in fixed
    crlf = text.replace("\n", "\r\n")
    assert 'logging.exception("Request failed; answering 500")\r\n        cleanup()' in fix_text(crlf, ["REL105"])


def test_rel105_without_a_literal_status_or_on_the_handler_s_line_has_no_log_edit() -> None:
    (finding,) = check_text(route("'ok'"), ["REL105"])
    assert finding.fix is None
    one_line = FLASK + "@app.route('/x')\ndef push():\n    try:\n        handle()\n    except Exception: return '', 200\n    return '', 204\n"
    assert fix_text(one_line, ["REL105"]) == one_line.replace("'', 200", "'', 500")


# ------------------------------------------------------------------ REL106

SUPPRESS = "`{}` silences every error in the block, bugs included; suppress the exceptions you expect"


@pytest.mark.parametrize(
    ("head", "call"),
    [
        ("import contextlib\n", "contextlib.suppress(Exception)"),
        ("from contextlib import suppress\n", "suppress(BaseException)"),
        ("from contextlib import suppress as quiet\n", "quiet(KeyError, Exception)"),
        ("import contextlib2\n", "contextlib2.suppress(Exception)"),
        ("import contextlib, builtins\n", "contextlib.suppress(builtins.Exception)"),
    ],
)
def test_suppress_of_a_broad_exception_is_reported(head: str, call: str) -> None:
    text = f"{head}with {call}:\n    go()\n"
    assert rows(text, ["REL106"]) == [(2, 5, "REL106", SUPPRESS.format(call))]
    text = f"{head}async def f():\n    async with other(), {call} as x:\n        go()\n"
    assert [r[2] for r in rows(text, ["REL106"])] == ["REL106"]


@pytest.mark.parametrize(
    ("head", "call"),
    [
        ("import contextlib\n", "contextlib.suppress(KeyError)"),
        ("import contextlib\n", "contextlib.suppress()"),
        ("import contextlib\nclass Exception(ValueError): ...\n", "contextlib.suppress(Exception)"),
        ("import errors, contextlib\n", "contextlib.suppress(errors.Exception)"),
        ("from mylib import suppress\n", "suppress(Exception)"),
        ("", "open(Exception)"),
        ("import contextlib\n", "factory()(Exception)"),
    ],
)
def test_suppress_of_specific_exceptions_or_another_suppress_is_not_rel106(head: str, call: str) -> None:
    assert rows(f"{head}with {call}:\n    go()\n", ["REL106"]) == []


def test_rel106_needs_the_word_suppress_in_the_file() -> None:
    assert rows("from contextlib import suppress as s\nwith s(Exception):\n    go()\n", ["REL106"])[0][2] == "REL106"
    assert rows("import contextlib as c\nwith getattr(c, 'supp' + 'ress')(Exception):\n    go()\n", ["REL106"]) == []


# ------------------------------------------------------------------ REL107

TRACEBACK = "`{}()` logs the error without its traceback; use `.exception(...)` in the handler"


@pytest.mark.parametrize(("body", "shown"), [("log.error('x %s', exc)", "log.error"), ("log.critical(exc)", "log.critical"), ("logging.error(f'{exc}')", "logging.error"), ("log.log(logging.ERROR, exc)", "log.log")])
def test_an_error_logged_without_its_traceback_is_reported(body: str, shown: str) -> None:
    text = in_handler(body)
    assert rows(text, ["REL107"]) == [(7, 8, "REL107", TRACEBACK.format(shown))]


@pytest.mark.parametrize(
    "body",
    [
        "log.error('x')",
        "log.error('x %s', exc, exc_info=True)",
        "log.error('x %s', exc, exc_info=False)",
        "log.error('x %s', exc, exc_info=exc)",
        "log.error('x %s', exc, stack_info=True)",
        "log.exception('x %s', exc)",
        "log.warning('x %s', exc)",
        "log.error('x %s', exc); errors.append(exc)",
        "log.error('x %s', exc); reporter.alert()",
        "log.error('x %s', exc); log.exception('y')",
        "log.error('x %s', exc); raise",
        "frames.error('x %s', exc)",
    ],
)
def test_an_error_logged_with_its_traceback_or_otherwise_is_not_rel107(body: str) -> None:
    assert rows(in_handler(body), ["REL107"]) == []


def test_rel107_s_fix_is_safe_and_only_for_error() -> None:
    text = in_handler("log.error('x %s', exc)")
    assert fix_text(text, ["REL107"], unsafe_fixes=False) == text.replace("log.error(", "log.exception(")
    (finding,) = check_text(in_handler("log.critical('x %s', exc)"), ["REL107"])
    assert finding.fix is None
    text = in_handler("log.error('x %s', exc)\n        log.error('y %s', exc)")
    assert [r[0] for r in rows(text, ["REL107"])] == [7]


def test_rel105_s_fix_logs_with_a_module_logger_bound_below_the_route() -> None:
    """A route runs after the module is loaded: a logger bound below it is bound by then."""
    text = route("'failed', 200") + "import logging\nlog = logging.getLogger()\n"
    assert 'log.exception("Request failed; answering 500")\n        cleanup()' in fix_text(text, ["REL105"])


# ------------------------------------------------------------------ survivors of the first mutation run


def spans(text: str, codes: list[str]) -> list[tuple[int, int, int, int, str]]:
    return [(f.line, f.col, f.end_line, f.end_col, f.code) for f in check_text(text, codes)]


HEADER = "import logging\nlog = logging.getLogger()\n" + FLASK + "@app.post('/x')\ndef push():\n    try:\n        return go()\n    except (KeyError,\n            Exception):  # noqa: CODE\n        {body}\n"


@pytest.mark.parametrize(("code", "body"), [("REL103", "log.info('x')"), ("REL104", "cleanup()\n        return None\n    return rows"), ("REL105", "cleanup()\n        return '', 200")])
def test_a_silent_handler_is_reported_on_its_header_and_its_noqa_is_read_there(code: str, body: str) -> None:
    text = HEADER.replace("{body}", body)
    if code == "REL104":
        text = text.replace("@app.post('/x')\n", "")
    line = text.splitlines().index("    except (KeyError,") + 1
    assert spans(text.replace("  # noqa: CODE", ""), [code]) == [(line, 4, line + 1, 22, code)]
    assert spans(text.replace("CODE", code), [code]) == []


def test_the_fixes_of_rel103_and_rel105_are_unsafe() -> None:
    (low,) = check_text(in_handler("log.info('x')"), ["REL103"])
    (web,) = check_text(route("'failed', 200"), ["REL105"])
    assert low.fix is not None and low.fix.applicability == "unsafe"
    assert web.fix is not None and web.fix.applicability == "unsafe"


def test_rel103_s_fix_renames_the_method_on_the_line_it_ends_on() -> None:
    text = in_handler("logging.getLogger(\n            'a'\n        ).info('x')")
    assert fix_text(text, ["REL103"]) == text.replace(").info(", ").exception(")


def test_a_bare_return_in_a_route_s_handler_answers_nothing() -> None:
    assert spans(route("", body="cleanup()"), ["REL105"]) == []


@pytest.mark.parametrize(("answer", "reported"), [("Response('x', status=300)", False), ("Response('x', status=299)", True), ("Response('x', status=200)", True), ("Response('x', status=199)", False), ("Response('x', 300)", False), ("Response('x', 299)", True)])
def test_a_response_s_status_is_2xx_from_200_to_299(answer: str, reported: bool) -> None:
    assert bool(spans(route(answer), ["REL105"])) is reported


def test_rel105_s_fix_reads_names_bound_in_the_route() -> None:
    text = FLASK.replace(", Response", "") + "@app.route('/x', methods=['POST'])\ndef push():\n    from flask import Response\n    try:\n        handle()\n    except Exception:\n        log_it()\n        return Response('x', status=200)\n    return '', 204\n"
    (finding,) = check_text(text, ["REL105"])
    assert finding.fix is not None
    assert "Response('x', status=500)" in fix_text(text, ["REL105"])


@pytest.mark.parametrize(("status", "web"), [("200", True), ("299", True), ("300", False), ("199", False)])
def test_a_route_declaring_a_2xx_status_code_is_a_web_handler(status: str, web: bool) -> None:
    text = route("'', 200", f"@app.post('/x', status_code={status})", FASTAPI)
    assert bool(spans(text, ["REL105"])) is web


@pytest.mark.parametrize(("answer", "reported"), [("Response('x', 200)", True), ("Response('x', 201)", True), ("Response('x', 300)", False)])
def test_a_werkzeug_response_s_positional_status_is_read(answer: str, reported: bool) -> None:
    text = route(answer, head="from werkzeug.wrappers import Response\nimport flask\napp = flask.Flask(__name__)\n")
    assert bool(spans(text, ["REL105"])) is reported
