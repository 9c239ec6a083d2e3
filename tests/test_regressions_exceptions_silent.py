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
