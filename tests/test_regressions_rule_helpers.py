"""Regressions (issue 18, mutmut) for what the rule families share: dotted names
(`rules._names`), which calls are a logger's (`rules._loggers`) and the file's semantic
model built once per file (`rules._lazy_model`), seen through the rules that use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli

from reliability_lint.testing import check_text


def swallowed(body: str, head: str = "") -> bool:
    text = f"{head}def f(self, frames, logger, LOGGER, catalog, items, blog):\n    try:\n        go()\n    except Exception:\n        {body}\n"
    return [f.code for f in check_text(text, ["REL102"])] == ["REL102"]


@pytest.mark.parametrize(
    "body",
    ["logger.error('x')", "LOGGER.warning('x')", "self.log.info('x')", "self.events_logger.debug('x')", "self.Log.critical('x')", "logger.log(40, 'x')", "logger.fatal('x')", "logger.warn('x')"],
)
def test_a_receiver_the_model_cannot_tell_is_a_logger_by_its_name(body: str) -> None:
    assert not swallowed(body)


def test_the_name_test_is_a_substring_test() -> None:
    """`catalog.error(...)` counts as a logger's call (its name holds "log"): the rule leans
    towards not reporting where it cannot tell."""
    assert not swallowed("catalog.error('x')")


@pytest.mark.parametrize(
    "body",
    ["frames.info('x')", "items.log('x')", "self.logging_level.bar('x')", "logger.emit('x')", "logger.errors('x')"],
)
def test_a_receiver_named_otherwise_or_a_method_that_is_no_log_level_is_not_a_logger(body: str) -> None:
    assert swallowed(body)


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("import requests\nlogger = requests.Session()\n", "logger.error('x')"),
    ],
)
def test_a_receiver_the_model_knows_is_something_else_is_not_a_logger(head: str, body: str) -> None:
    text = f"{head}def f():\n    try:\n        go()\n    except Exception:\n        {body}\n"
    assert [f.code for f in check_text(text, ["REL102"])] == ["REL102"]


@pytest.mark.parametrize(
    ("head", "body"),
    [
        ("import logging\nevents = logging.getLogger('e')\n", "events.error('x')"),
        ("import structlog\nevents = structlog.get_logger()\n", "events.info('x')"),
        ("from loguru import logger as events\n", "events.info('x')"),
        ("logger = None\n", "logger.error('x')"),
        ("class Wrapper:\n    pass\nlogger = Wrapper()\n", "logger.error('x')"),
    ],
)
def test_a_known_logger_or_a_project_object_named_like_one_is_a_logger(head: str, body: str) -> None:
    text = f"{head}def f():\n    try:\n        go()\n    except Exception:\n        {body}\n"
    assert check_text(text, ["REL102"]) == []


def test_the_file_s_model_is_built_once_and_shared_by_the_families() -> None:
    text = (
        "import logging\nimport requests\nlog = logging.getLogger()\n"
        "def f():\n    try:\n        requests.get('https://x')\n    except Exception:\n        log.debug('x')\n"
    )
    codes = sorted(f.code for f in check_text(text, ["REL103", "REL204", "REL102"]))
    assert codes == ["REL103", "REL204"]
    assert sorted(f.code for f in check_text(text, ["REL103"])) == ["REL103"]
    assert sorted(f.code for f in check_text(text, ["REL204"])) == ["REL204"]


# ------------------------------------------------------------------ what a handler does (rules.exceptions.handlers)


def low(body: str, head: str = "") -> list[str]:
    """REL103 for a handler that logs at debug and then runs `body`: reported when `body`
    cannot surface the error."""
    text = f"import logging\nlog = logging.getLogger()\n{head}def f(reporter, client, values):\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n        {body}\n"
    return [f.code for f in check_text(text, ["REL103"])]


@pytest.mark.parametrize(
    "body",
    [
        "bugsnag.leave_breadcrumb(None)", "warnings.simplefilter('x')", "traceback.format_exc()", "os.abort()", "sys.exit(1)", "print('x')",
        "sentry_sdk.flush()", "rollbar.wait()", "traceback.extract_stack()", "os._exit(1)", "sentry_sdk.capture_message('x')",
        "reporter.alert()", "client.publish('x')", "values.record(1)", "values.send()",
    ],
)
def test_calls_that_may_surface_the_error(body: str) -> None:
    head = "import os, sys, traceback, warnings, sentry_sdk, rollbar, bugsnag\n"
    assert low(body, head) == []


@pytest.mark.parametrize("body", ["values.append(1)", "client.close()", "cleanup()", "os.getcwd()", "int('1')", "reporter.close()"])
def test_calls_that_cannot_surface_the_error(body: str) -> None:
    assert low(body, "import os\n") == ["REL103"]


def test_a_helper_of_the_module_surfaces_the_error_when_it_raises_or_logs() -> None:
    assert low("fail()", "def fail():\n    raise RuntimeError()\n") == []
    assert low("fail()", "def fail():\n    log.error('x')\n") == []
    assert low("fail()", "def fail():\n    return 1\n") == ["REL103"]
    assert low("report()", "def report():\n    return 1\n") == ["REL103"]  # the module's own helper: its body decides, not its name
    assert low("Report()", "class Report:\n    pass\n") == []  # not a function: its name decides


def test_an_unbound_name_counts_only_as_print() -> None:
    assert low("print('x')") == []
    assert low("report_error('x')") == ["REL103"]


def test_a_logger_of_another_module_of_the_project_is_a_logger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL103']\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "shared.py").write_text("import logging\nimport requests\nlog = logging.getLogger('shared')\nclient = requests.Session()\n\ndef fail():\n    raise RuntimeError()\n\ndef quiet():\n    return 1\n")
    (pkg / "job.py").write_text(
        "from pkg.shared import log, client, fail, quiet\n\n"
        "def a():\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n\n"
        "def b():\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n        fail()\n\n"
        "def c():\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n        quiet()\n\n"
        "def d():\n    try:\n        return go()\n    except Exception:\n        client.debug('x')\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--output-format", "json", "pkg"], catch_exceptions=False)
    assert sorted(f["location"]["row"] for f in json.loads(result.stdout)) == [6, 19]


def test_a_helper_defined_in_the_function_is_read_too() -> None:
    text = "import logging\nlog = logging.getLogger()\ndef f():\n    def stop():\n        raise RuntimeError()\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n        stop()\n"
    assert [f.code for f in check_text(text, ["REL103"])] == []
    assert [f.code for f in check_text(text.replace("raise RuntimeError()", "return 1"), ["REL103"])] == ["REL103"]


def test_a_name_from_a_star_import_is_judged_by_its_name() -> None:
    assert low("report_error('x')", "from reporting import *\n") == []
    assert low("tidy('x')", "from reporting import *\n") == ["REL103"]


def test_a_project_function_is_judged_by_its_body_not_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.reliability-lint]\nselect = ['REL103']\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "shared.py").write_text("def send_summary():\n    return 1\n\ndef tidy():\n    raise RuntimeError()\n")
    (pkg / "job.py").write_text(
        "import logging\nfrom pkg.shared import send_summary, tidy\nlog = logging.getLogger()\n\n"
        "def a():\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n        send_summary()\n\n"
        "def b():\n    try:\n        return go()\n    except Exception:\n        log.debug('x')\n        tidy()\n"
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--no-cache", "--no-progress", "--output-format", "json", "pkg"], catch_exceptions=False)
    assert sorted(f["location"]["row"] for f in json.loads(result.stdout)) == [8]


def test_a_call_of_a_call_is_no_reporter() -> None:
    assert low("handlers[0]()") == ["REL103"]
    assert low("factory()()") == ["REL103"]
