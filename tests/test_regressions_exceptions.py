"""Regressions (issue 18, mutmut) for REL101 bare-except and REL102 swallowed-exception:
what is reported, where, with which message and fix, through `reliability_lint.testing`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import finding_rows
from family_pages import check_page_example, page_cases

from reliability_lint.cli import cli
from reliability_lint.testing import check_text, fix_text


def found(text: str, codes: list[str], **kwargs: Any) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(text, codes, **kwargs))


@pytest.mark.parametrize(("code", "example", "previous_bad"), page_cases("REL101", "REL102"))
def test_page_example(code: str, example: Any, previous_bad: Any) -> None:
    check_page_example(code, example, previous_bad)


def test_a_bare_except_is_reported_on_its_keyword_with_a_fix() -> None:
    text = "try:\n    go()\nexcept:\n    handle()\n"
    assert finding_rows(text, ["REL101"]) == [
        (3, 0, 3, 6, "REL101", "Bare `except:` also catches KeyboardInterrupt and SystemExit", "unsafe: Replace with `except Exception:`")
    ]
    assert fix_text(text, ["REL101"]) == "try:\n    go()\nexcept Exception:\n    handle()\n"


# ------------------------------------------------------------------ REL101


def test_a_handler_that_ends_by_re_raising_gets_the_safe_fix() -> None:
    text = "try:\n    go()\nexcept:\n    undo()\n    raise\n"
    assert finding_rows(text, ["REL101"])[0][-1] == "safe: Replace with `except BaseException:`"
    assert fix_text(text, ["REL101"], unsafe_fixes=False) == text.replace("except:", "except BaseException:")


@pytest.mark.parametrize("last", ["raise RuntimeError('x')", "undo()"])
def test_a_handler_that_raises_another_error_or_does_not_end_by_raising_gets_the_unsafe_fix(last: str) -> None:
    text = f"try:\n    go()\nexcept:\n    {last}\n"
    assert finding_rows(text, ["REL101"])[0][-1] == "unsafe: Replace with `except Exception:`"
    assert fix_text(text, ["REL101"], unsafe_fixes=False) == text
    text = "try:\n    go()\nexcept:\n    raise\n    undo()\n"  # a bare raise that is not the last statement
    assert finding_rows(text, ["REL101"])[0][-1] == "unsafe: Replace with `except Exception:`"


def test_a_bare_except_is_pointed_at_in_characters_after_wide_ones() -> None:
    text = "def f():\n    try:\n        go()\n    except:  # é\n        pass\n"
    assert finding_rows(text, ["REL101"])[0][:4] == (4, 4, 4, 10)
    text = "try: go('é')\nexcept: pass\n"
    assert finding_rows(text, ["REL101"])[0][:4] == (2, 0, 2, 6)


@pytest.mark.parametrize(
    "binding",
    [
        "Exception = MyError",
        "BaseException: type = MyError",
        "Exception += ()",
        "from errors import Exception",
        "import errors as BaseException",
        "import Exception.sub",
        "def Exception():\n    pass",
        "async def BaseException():\n    pass",
        "class Exception:\n    pass",
        "Exception = MyError\nretries = 3",  # a later binding of another name keeps the first
        "from errors import Exception\nimport os",
    ],
)
def test_no_fix_is_offered_where_the_module_rebinds_an_exception_builtin(binding: str) -> None:
    text = f"{binding}\ntry:\n    go()\nexcept:\n    raise\ntry:\n    go()\nexcept:\n    undo()\n"
    findings = check_text(text, ["REL101"])
    assert [f.fix for f in findings] == [None, None]
    assert fix_text(text, ["REL101"]) == text


@pytest.mark.parametrize(
    "binding",
    ["error = MyError", "Exception, other = pair", "self_check: int = 1", "import errors", "from errors import MyError", "def Exceptions():\n    pass", "class Errors:\n    pass", "if True:\n    Exception = MyError"],
)
def test_other_module_bindings_leave_the_fix(binding: str) -> None:
    text = f"{binding}\ntry:\n    go()\nexcept:\n    undo()\n"
    (finding,) = check_text(text, ["REL101"])
    assert finding.fix is not None
    assert "except Exception:" in fix_text(text, ["REL101"])


def test_a_typed_handler_is_not_a_bare_except() -> None:
    assert found("try:\n    go()\nexcept Exception:\n    pass\n", ["REL101"]) == []


# ------------------------------------------------------------------ REL102: what is broad

SWALLOWED = "Exception swallowed: {} neither re-raises, logs nor uses the error"


@pytest.mark.parametrize(
    "caught",
    ["Exception", "BaseException", "builtins.Exception", "builtins.BaseException", "(ValueError, Exception)", "(KeyError, (OSError, BaseException))"],
)
def test_a_broad_handler_that_swallows_is_reported_with_what_it_catches(caught: str) -> None:
    text = f"import builtins\ntry:\n    go()\nexcept {caught}:\n    pass\n"
    rows = finding_rows(text, ["REL102"])
    assert [(r[0], r[4], r[5]) for r in rows] == [(4, "REL102", SWALLOWED.format(f"`except {caught}`"))]


def test_a_bare_except_that_swallows_is_reported_as_bare() -> None:
    rows = finding_rows("try:\n    go()\nexcept:\n    pass\n", ["REL102"])
    assert [(r[:4], r[5]) for r in rows] == [((3, 0, 3, 6), SWALLOWED.format("bare `except:`"))]


@pytest.mark.parametrize("caught", ["ValueError", "errors.Exception", "Exceptions", "MyException", "(ValueError, KeyError)", "builtins.ValueError"])
def test_a_specific_handler_is_reported_only_with_include_specific(caught: str) -> None:
    text = f"try:\n    go()\nexcept {caught}:\n    pass\n"
    assert found(text, ["REL102"]) == []
    assert found(text, ["REL102"], options={"exceptions": {"include-specific": True}}) == [(3, "REL102")]


def test_the_position_covers_the_except_clause_up_to_its_type() -> None:
    text = "try:\n    go()\nexcept (KeyError,\n        Exception) as exc:  # é\n    pass\n"
    assert finding_rows(text, ["REL102"])[0][:4] == (3, 0, 4, 18)
    text = "try:\n    go()\nexcept (ÉError, Exception):\n    pass\n"
    assert finding_rows(text, ["REL102"])[0][:4] == (3, 0, 3, 26)


# ------------------------------------------------------------------ REL102: what handles the error


@pytest.mark.parametrize(
    "body",
    [
        "raise",
        "raise RuntimeError('x') from None",
        "errors.append(exc)",
        "return str(exc)",
        "if retries > 3:\n            raise",
        "print('failed')",
        "warnings.warn('failed')",
        "traceback.print_exc()",
        "traceback.print_exception(exc)",
        "sys.exit(1)",
        "sentry_sdk.capture_exception()",
        "capture_exception()",
        "logging.error('failed')",
        "logging.getLogger().info('failed')",
        "lg.critical('failed')",
        "logger.exception('failed')",
        "LOGGER.info('failed')",
        "self.log.warning('failed')",
        "with lock:\n            log.error('x')",
        "cleanup(step(), print('failed'))",
    ],
)
def test_a_handler_that_surfaces_the_error_is_not_reported(body: str) -> None:
    text = f"import logging as lg\nLOGGER = lg.getLogger()\ndef f(self, errors, retries, lock, log, logger):\n    try:\n        go()\n    except Exception as exc:\n        {body}\n"
    assert found(text, ["REL102"]) == []


@pytest.mark.parametrize(
    "body",
    [
        "exc = None",
        "other.append(error)",
        "frames.info()",
        "cleanup()",
        "items.log(1)",
        "def later():\n            raise RuntimeError(exc)",
        "callbacks.append(lambda: logger.error(exc))",
        "class Later:\n            print(exc)",
        "values.append(lg)",
        "lgx.error('failed')",
        "logging_helpers.noop()",
    ],
)
def test_a_handler_whose_calls_do_not_surface_the_error_is_reported(body: str) -> None:
    text = f"import logging as lg\ndef f(other, error, frames, items, callbacks, logger, values):\n    try:\n        go()\n    except Exception as exc:\n        {body}\n"
    assert found(text, ["REL102"]) == [(5, "REL102")]


def test_an_alias_of_logging_counts_only_when_it_is_the_logging_module() -> None:
    base = "try:\n    go()\nexcept Exception:\n    lg.error('failed')\n"
    assert found("import logging as lg\n" + base, ["REL102"]) == []
    assert found("import json as lg\n" + base, ["REL102"]) == [(4, "REL102")]


def test_the_name_of_another_handler_does_not_count() -> None:
    text = "try:\n    go()\nexcept Exception as first:\n    try:\n        again()\n    except Exception as second:\n        keep(first)\n"
    assert found(text, ["REL102"]) == [(6, "REL102")]


def test_a_handler_without_a_name_does_not_count_a_variable_of_that_name() -> None:
    text = "def f(None_):\n    try:\n        go()\n    except Exception:\n        keep(None_)\n"
    assert found(text, ["REL102"]) == [(4, "REL102")]


def test_a_helper_of_the_module_counts_only_when_it_raises_or_logs() -> None:
    loud = "import logging\n\ndef fail(msg):\n    logging.error(msg)\n\n"
    raising = "def fail(msg):\n    raise RuntimeError(msg)\n\n"
    quiet = "def fail(msg):\n    return msg\n\n"
    use = "try:\n    go()\nexcept Exception:\n    fail('x')\n"
    assert found(loud + use, ["REL102"]) == []
    assert found(raising + use, ["REL102"]) == []
    assert found(quiet + use, ["REL102"]) == [(len(quiet.splitlines()) + 3, "REL102")]
    assert found("class fail:\n    pass\n\n" + use, ["REL102"]) == [(6, "REL102")]
    twice = raising + "if ok:\n    def fail(msg):\n        return msg\n\n"
    assert found(twice + use, ["REL102"]) == [(len(twice.splitlines()) + 3, "REL102")]
    assert found(use, ["REL102"]) == [(3, "REL102")]  # unknown: not a helper of the module


@pytest.mark.parametrize(
    "logs",
    [
        "log.error(msg)",
        "self_like.log.error(msg)",
        "logging.getLogger(__name__).error(msg)",
        "structlog.get_logger().critical(msg)",
    ],
    ids=["logger", "attribute", "getLogger", "get_logger"],
)
def test_a_helper_logging_through_any_logger_receiver_reports_the_error(logs: str) -> None:
    """The helper's logger is named like one however it is reached: a name, an attribute,
    or the call that makes it (`logging.getLogger(__name__).error(...)` was not read)."""
    helper = f"import logging\nimport structlog\nlog = logging.getLogger()\n\ndef fail(msg):\n    {logs}\n\n"
    use = "try:\n    go()\nexcept Exception:\n    fail('x')\n"
    assert found(helper + use, ["REL102"]) == []
    quiet = helper.replace(".error(msg)", ".debugging(msg)").replace(".critical(msg)", ".debugging(msg)")
    assert found(quiet + use, ["REL102"]) == [(len(quiet.splitlines()) + 3, "REL102")]


def test_a_helper_logging_through_a_receiver_without_a_name_is_not_counted() -> None:
    helper = "LOGGERS = {}\n\ndef fail(msg):\n    LOGGERS['jobs'].error(msg)\n\n"
    use = "try:\n    go()\nexcept Exception:\n    fail('x')\n"
    assert found(helper + use, ["REL102"]) == [(len(helper.splitlines()) + 3, "REL102")]


def test_a_logger_method_on_a_known_non_logger_is_not_a_log() -> None:
    text = "import requests\nclient = requests.Session()\ntry:\n    go()\nexcept Exception:\n    client.log('x')\n"
    assert found(text, ["REL102"]) == [(5, "REL102")]
    text = "import logging\nclient = logging.getLogger()\ntry:\n    go()\nexcept Exception:\n    client.log(40, 'x')\n"
    assert found(text, ["REL102"]) == []


def test_a_helper_of_another_module_of_the_project_counts_when_it_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL102']\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text("import logging\n\ndef fail(m):\n    logging.error(m)\n\ndef quiet(m):\n    return m\n")
    (pkg / "job.py").write_text(
        "from pkg.helpers import fail, quiet\n\ndef a():\n    try:\n        go()\n    except Exception:\n        fail('x')\n\n"
        "def b():\n    try:\n        go()\n    except Exception:\n        quiet('x')\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--output-format", "json", "pkg"], catch_exceptions=False)
    rows = [(Path(f["filename"]).name, f["location"]["row"], f["code"]) for f in json.loads(result.stdout)]
    assert rows == [("job.py", 12, "REL102")]


# ------------------------------------------------------------------ REL102's fix


def fixed(text: str, **kwargs: Any) -> str:
    return fix_text(text, ["REL102"], **kwargs)


def test_the_fix_names_the_function_the_class_and_the_module() -> None:
    text = "class A:\n    def run(self):\n        try:\n            go()\n        except Exception:\n            pass\n"
    assert 'logging.exception("Error in A.run; continuing")' in fixed(text)
    text = "f = lambda: None\ndef outer():\n    g = lambda: [x for x in ()]\n    try:\n        go()\n    except Exception:\n        pass\n"
    assert 'logging.exception("Error in outer; continuing")' in fixed(text)
    text = "try:\n    go()\nexcept Exception:\n    pass\n"
    assert fixed(text, path="nightly_job.py") == 'import logging\n\ntry:\n    go()\nexcept Exception:\n    logging.exception("Error in module nightly_job; continuing")\n'
    assert 'logging.exception("Error in module we\\"ird\\\\x; continuing")' in fixed(text, path='we"ird\\x.py')
    assert finding_rows(text, ["REL102"])[0][-1] == "unsafe: Log it with `logging.exception(...)`"


def test_the_fix_is_unsafe() -> None:
    text = "try:\n    go()\nexcept Exception:\n    pass\n"
    assert fixed(text, unsafe_fixes=False) == text


@pytest.mark.parametrize(
    ("handler", "after"),
    [
        ("except Exception:\n    pass\n", "except Exception:\n    log.exception(M)\n"),
        ("except Exception:\n    ...\n", "except Exception:\n    log.exception(M)\n"),
        ("except Exception:\n    pass  # keep\n", "except Exception:\n    log.exception(M)  # keep\n"),
        ("except Exception:\n    pass; ...\n", "except Exception:\n    log.exception(M)\n"),
        ("except Exception: pass\n", "except Exception: log.exception(M)\n"),
        ("except Exception: pass; ...\n", "except Exception: log.exception(M)\n"),
        ("except Exception: undo()\n", "except Exception: log.exception(M); undo()\n"),
        ("except Exception:\n    pass\n    undo()\n", "except Exception:\n    log.exception(M)\n    pass\n    undo()\n"),
        ("except Exception:\n    undo(); pass\n", "except Exception:\n    log.exception(M)\n    undo(); pass\n"),
        ("except Exception:\n    x = 1\n", "except Exception:\n    log.exception(M)\n    x = 1\n"),
        ("except (KeyError,\n        Exception) as e:  # a: b\n    pass\n    undo()\n", "except (KeyError,\n        Exception) as e:  # a: b\n    log.exception(M)\n    pass\n    undo()\n"),
        ("except Exception \\\n    :\n    pass\n    undo()\n", "except Exception \\\n    :\n    log.exception(M)\n    pass\n    undo()\n"),
        ("except:  # a: b\n    pass\n    undo()\n", "except:  # a: b\n    log.exception(M)\n    pass\n    undo()\n"),
        ("except Exception:\n    undo()", "except Exception:\n    log.exception(M)\n    undo()"),
    ],
)
def test_the_log_call_goes_first_in_the_handler(handler: str, after: str) -> None:
    head = "import logging\nlog = logging.getLogger()\ntry:\n    go()\n"
    assert fixed(head + handler) == head + after.replace("M", '"Error in module example; continuing"')


def test_the_fix_keeps_the_file_s_line_ends() -> None:
    text = "import logging\r\nlog = logging.getLogger()\r\ntry:\r\n    go()\r\nexcept Exception:\r\n    undo()\r\n"
    assert fixed(text) == text.replace("    undo()", '    log.exception("Error in module example; continuing")\r\n    undo()')
    text = "try:\r\n    go()\r\nexcept Exception:\r\n    undo()"
    assert fixed(text) == 'import logging\r\n\r\ntry:\r\n    go()\r\nexcept Exception:\r\n    logging.exception("Error in module example; continuing")\r\n    undo()'


def test_the_fix_uses_the_module_s_logger_once_it_is_bound() -> None:
    handler = "try:\n    go()\nexcept Exception:\n    pass\n"
    later = "import logging\n" + handler + "log = logging.getLogger()\n"
    assert 'logging.exception("' in fixed(later)
    assert "log.exception" not in fixed(later)
    function = "import logging\ndef f():\n    try:\n        go()\n    except Exception:\n        pass\nlog = logging.getLogger()\n"
    assert '        log.exception("Error in f; continuing")' in fixed(function)
    same_line = "import logging\nlog = logging.getLogger(); " + handler.replace("\n", "\n", 1)
    assert "log.exception" not in fixed("import logging\nlog = logging.getLogger()\n" + handler).split("\n")[0]
    assert same_line  # the binding's line is before the handler's


@pytest.mark.parametrize(
    ("header", "logger", "added"),
    [
        ("import logging\nlogger = logging.getLogger(__name__)\n", "logger", False),
        ("import logging\nlogger: logging.Logger = logging.getLogger(__name__)\n", "logger", False),
        ("import logging as lg\n_log = lg.getLogger()\n", "_log", False),
        ("from logging import getLogger\nlog = getLogger()\n", "log", False),
        ("from logging import getLogger as gl\nlog = gl()\n", "logging", True),
        ("import logging\na = b = logging.getLogger()\n", "a", False),
        ("import logging\nfirst = logging.getLogger()\nsecond = logging.getLogger()\n", "first", False),
        ("import logging\nclient = other.getLogger()\n", "logging", False),
        ("import logging\nlog = getLogger()\n", "logging", False),
        ("import logging\nlog = logging.get_logger()\n", "logging", False),
        ("import logging\nlog = 'logging.getLogger()'\n", "logging", False),
        ("import logging\nself.log = logging.getLogger()\n", "logging", False),
        ("import logging as lg\n", "lg", False),
        ("import logging as lg, logging\n", "logging", False),
        ("import logging, logging as lg\n", "logging", False),
        ("import logging.handlers\n", "logging", False),  # binds logging
    ],
)
def test_the_fix_logs_with_the_module_s_logger_or_logging(header: str, logger: str, added: bool) -> None:
    text = header + "try:\n    go()\nexcept Exception:\n    pass\n"
    result = fixed(text)
    assert f'    {logger}.exception("Error in module example; continuing")\n' in result
    assert result.count("import logging\n") == header.count("import logging\n") + added
    assert finding_rows(text, ["REL102"])[0][-1] == f"unsafe: Log it with `{logger}.exception(...)`"


def test_the_fix_adds_import_logging_only_when_the_module_has_no_logger() -> None:
    text = "import json\ntry:\n    go()\nexcept Exception:\n    pass\n"
    assert fixed(text).startswith("import json\nimport logging\n") or fixed(text).startswith("import logging\nimport json\n")
    text = "import logging as lg\ntry:\n    go()\nexcept Exception:\n    pass\n"
    assert fixed(text).count("import") == 1


def test_the_log_call_goes_after_a_header_whose_type_holds_a_colon() -> None:
    text = "import logging\nlog = logging.getLogger()\ntry:\n    go()\nexcept (errors[1:2],\n        Exception):\n    undo()\n"
    assert fixed(text) == text.replace("    undo()", '    log.exception("Error in module example; continuing")\n    undo()')


def test_the_log_call_goes_after_a_header_with_a_comment_before_its_colon() -> None:
    text = "import logging\nlog = logging.getLogger()\ntry:\n    go()\nexcept (Exception  # why: flaky\n):\n    undo()\n"
    assert fixed(text) == text.replace("    undo()", '    log.exception("Error in module example; continuing")\n    undo()')
    text = text.replace("except (Exception", "except (  # why: flaky\n    Exception")
    assert fixed(text) == text.replace("    undo()", '    log.exception("Error in module example; continuing")\n    undo()')


def test_a_body_of_placeholders_on_several_lines_keeps_them() -> None:
    head = "import logging\nlog = logging.getLogger()\ntry:\n    go()\n"
    assert fixed(head + "except Exception:\n    pass\n    ...\n") == head + 'except Exception:\n    log.exception("Error in module example; continuing")\n    pass\n    ...\n'


@pytest.mark.parametrize(("first", "header"), [("\n", "\r\n"), ("\r\n", "\n")])
def test_the_log_line_ends_as_its_header_line_does(first: str, header: str) -> None:
    text = f"import logging{first}log = logging.getLogger(){first}try:{first}    go(){first}except Exception:{header}    undo(){first}"
    expected = text.replace(f"except Exception:{header}", f'except Exception:{header}    log.exception("Error in module example; continuing"){header}')
    assert fixed(text) == expected


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("import logging.handlers\n", "logging.basicConfig()"),
        ("import logging as lg\n", "lg.captureWarnings(True)"),
        ("import logging as lg\n", "lg.handlers.flush_all()"),
        ("", "logging.handlers.flush_all()"),
    ],
)
def test_any_function_of_logging_counts_however_logging_is_named(head: str, body: str) -> None:
    """`lg.handlers.x()` counts as `logging.handlers.x()` does (it counted only one dot deep)."""
    assert found(f"{head}try:\n    go()\nexcept Exception:\n    {body}\n", ["REL102"]) == []


@pytest.mark.parametrize("body", ["handlers[0]()", "factory()()", "(lambda: 0)()"])
def test_a_call_of_no_name_does_not_surface_the_error(body: str) -> None:
    assert found(f"try:\n    go()\nexcept Exception:\n    {body}\n", ["REL102"]) == [(3, "REL102")]


def test_a_function_defined_in_the_handler_does_not_stop_the_reading_of_the_rest() -> None:
    text = "try:\n    go()\nexcept Exception:\n    def later():\n        pass\n    raise\n"
    assert found(text, ["REL102"]) == []


def test_rel102_s_noqa_is_read_on_every_line_of_the_except_header() -> None:
    text = "try:\n    go()\nexcept (KeyError,\n        Exception):  # noqa: REL102\n    pass\n"
    assert found(text, ["REL102"]) == []
    assert found(text.replace("  # noqa: REL102", ""), ["REL102"]) == [(3, "REL102")]
