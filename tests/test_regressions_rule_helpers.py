"""Regressions (issue 18, mutmut) for what the rule families share: dotted names
(`rules._names`), which calls are a logger's (`rules._loggers`) and the file's semantic
model built once per file (`rules._lazy_model`), seen through the rules that use them."""

from __future__ import annotations

import pytest

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
