"""Regressions (issue 18, mutmut) for the exceptions, secrets and bandit families: the
survivors of the mutation run over `rules.exceptions`, `rules.secrets` and `rules.bandit`,
as behaviour a user sees through `reliability_lint.testing` and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import finding_rows

from reliability_lint.cli import cli
from reliability_lint.testing import check_text, fix_text

HANDLER = "try:\n    go()\nexcept Exception:\n    pass\n"


def log_fix(header: str) -> str:
    """The logger REL102's fix logs with, for a module that starts with `header`."""
    rows = finding_rows(header + HANDLER, ["REL102"])
    assert len(rows) == 1, rows
    message = rows[0][-1]
    assert message.startswith("unsafe: Log it with `") and message.endswith(".exception(...)`"), message
    return message.removeprefix("unsafe: Log it with `").removesuffix(".exception(...)`")


# ------------------------------------------------------------------ REL102's fix: which logger


@pytest.mark.parametrize(
    ("header", "logger"),
    [
        # every module-level statement is read, not only those before the first that binds no logger
        ("import logging\nconfig = load()\nlog = logging.getLogger()\n", "log"),
        ("import logging\nlog = getLogger()\nlogger = logging.getLogger()\n", "logger"),
        # a call that is not getLogger binds no logger, whatever the module imports from logging
        ("from logging import getLogger\nclient = make()\n", "logging"),
        # every import of logging counts, not only the last import statement
        ("import logging as lg\nimport os\n", "lg"),
        ("from logging import getLogger\nfrom logging import INFO\nlog = getLogger()\n", "log"),
        ("from logging import getLogger\nimport os\nlog = getLogger()\n", "log"),
        # `import logging.handlers` binds `logging`: its getLogger makes the module's logger
        ("import logging.handlers\nlog = logging.getLogger()\n", "log"),
        ("import logging.handlers as handlers\nlog = handlers.getLogger()\n", "logging"),
    ],
)
def test_the_fix_logs_with_the_module_s_logger(header: str, logger: str) -> None:
    assert log_fix(header) == logger
    assert f'    {logger}.exception("Error in module example; continuing")\n' in fix_text(header + HANDLER, ["REL102"])


# ------------------------------------------------------------------ REL103 and REL105

ROUTE = (
    "from flask import Flask\napp = Flask(__name__)\n@app.route('/push', methods=['POST'])\ndef push():\n"
    "    try:\n        handle()\n    except Exception:\n        cleanup()\n        return 'failed', 200\n    return '', 204\n"
)


def test_rel105_s_fix_shown_alone_answers_500_logs_and_imports_logging(tmp_path: Path) -> None:
    """The fix's own diff (`--show-fixes`) holds all three edits, not only the import that
    a second pass of `--fix` would complete."""
    (tmp_path / "app.py").write_text(ROUTE)
    result = CliRunner().invoke(
        cli, ["check", str(tmp_path / "app.py"), "--select", "REL105", "--show-fixes", "--unsafe-fixes", "--no-cache", "--no-progress"]
    )
    assert "    +import logging\n" in result.stdout
    assert '    +        logging.exception("Request failed; answering 500")\n' in result.stdout
    assert "    -        return 'failed', 200\n    +        return 'failed', 500\n" in result.stdout


@pytest.mark.parametrize("level", ["logging.DEBUG", "logging.handlers.logging.DEBUG", "lg.INFO"])
def test_rel103_reads_a_logging_level_by_its_last_name(level: str) -> None:
    """`logging.handlers` imports `logging`: its `logging.DEBUG` is the same level."""
    text = f"import logging\nimport logging as lg\nimport logging.handlers\nlog = logging.getLogger()\ntry:\n    go()\nexcept Exception:\n    log.log({level}, 'failed')\n"
    assert [row[4] for row in finding_rows(text, ["REL103"])] == ["REL103"]


# ------------------------------------------------------------------ REL301's fix: the literal's span


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("token = (  # (\n    'Xk29slQpw7ab')\n", "token = (  # (\n    os.environ[\"TOKEN\"])\n"),
        ("token = (\n    # a, (\n    'Xk29slQpw7ab'\n)\n", "token = (\n    # a, (\n    os.environ[\"TOKEN\"]\n)\n"),
        ("token = (  #(\n    'Xk29slQpw7ab')\n", "token = (  #(\n    os.environ[\"TOKEN\"])\n"),
        ("token = (\n# (\n    'Xk29slQpw7ab'\n)\n", "token = (\n# (\n    os.environ[\"TOKEN\"]\n)\n"),
        ("connect('#', token=(\n    'Xk29slQpw7ab'))\n", "connect('#', token=os.environ[\"TOKEN\"])\n"),
        # only the parenthesis' own line is read: a comment on an earlier line is no reason
        ("x = 1\n# c\ntoken = ('Xk29slQpw7ab')\n", "x = 1\n# c\ntoken = os.environ[\"TOKEN\"]\n"),
    ],
)
def test_a_parenthesis_in_a_comment_before_the_literal_groups_nothing(text: str, fixed: str) -> None:
    """The fix is applied (it was offered, then dropped as it broke the code)."""
    assert fix_text(text, ["REL301"]) == "import os\n\n" + fixed


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("token = \\\n    'Xk29slQpw7ab'\n", "token = \\\n    os.environ[\"TOKEN\"]\n"),
        ("connect(token=\\\n    'Xk29slQpw7ab')\n", "connect(token=\\\n    os.environ[\"TOKEN\"])\n"),
    ],
)
def test_the_fix_after_a_line_continuation_replaces_the_literal_only(text: str, fixed: str) -> None:
    assert fix_text(text, ["REL301"]) == "import os\n\n" + fixed



# ------------------------------------------------------------------ REL107

LOGGED = "import logging\nlog = logging.getLogger()\ndef f(client):\n    try:\n        go()\n    except Exception as exc:\n"


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        # `client.log(...)` on a receiver the model cannot tell is an unknown log, not a report:
        # the error logged without its traceback is still reported
        ('log.error("failed: %s", exc)\n        client.log("x")', ["REL107"]),
        # only exc_info and stack_info carry a traceback, not any keyword
        ('log.error("failed: %s", exc, extra={"a": 1})', ["REL107"]),
        ('log.warning("retrying", exc_info=False)\n        log.error("failed: %s", exc)', ["REL107"]),
        # a traceback logged by another call of the handler is enough
        ('log.warning("retrying", exc_info=True)\n        log.error("failed: %s", exc)', []),
        ('log.warning("retrying", stack_info=True)\n        log.error("failed: %s", exc)', []),
    ],
)
def test_rel107_reads_which_log_calls_carry_the_traceback(body: str, codes: list[str]) -> None:
    text = f"{LOGGED}        {body}\n"
    assert [row[4] for row in finding_rows(text, ["REL103", "REL104", "REL105", "REL106", "REL107"])] == codes


# ------------------------------------------------------------------ REL103-REL107: which handlers are broad

SILENT = ["REL103", "REL104", "REL105", "REL106", "REL107"]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a tuple is broad only through an element that is the builtin
        ("from errors import Exception\ntry:\n    go()\nexcept (KeyError, Exception):\n    log.debug('failed')\n", []),
        # the element is looked up in the handler's own scope, where `Exception` is rebound
        ("def f():\n    Exception = KeyError\n    try:\n        go()\n    except (ValueError, Exception):\n        log.debug('failed')\n", []),
        ("def f():\n    try:\n        go()\n    except (ValueError, Exception):\n        log.debug('failed')\n", ["REL103"]),
    ],
)
def test_a_tuple_handler_is_broad_only_through_the_builtin(text: str, codes: list[str]) -> None:
    head = "import logging\nlog = logging.getLogger()\n"
    assert [row[4] for row in finding_rows(head + text, SILENT)] == codes


@pytest.mark.parametrize(
    "header",
    [
        "import logging as l1, logging as l2, logging as l3, logging as l4, logging as l5, logging\n",
        "import logging as lg\nimport logging as log\nimport logging as logs\nimport logging as _log\nimport logging\n",
        "import logging, logging as a, logging as b, logging as c, logging as d, logging as e\n",
    ],
)
def test_without_a_module_logger_the_fix_prefers_logging_over_its_aliases(header: str) -> None:
    """Whatever order the aliases come in (a set's order changes from run to run)."""
    assert log_fix(header) == "logging"


SECOND_HANDLER = "    try:\n        go()\n    except Exception:\n        log.debug('failed')\n"


@pytest.mark.parametrize(
    "first",
    [
        "    try:\n        go()\n    except ValueError:\n        log.debug('failed')\n",  # narrow: not REL103's
        "    try:\n        go()\n    except lib.Exception:\n        log.debug('failed')\n",  # broad by its name only
        "    try:\n        go()\n    except Exception:\n        log.debug('failed')\n        raise\n",  # re-raises
        "    try:\n        go()\n    except Exception:\n        log.debug('failed')\n        sys.exit(1)\n",  # ends the process
        "    try:\n        go()\n    except Exception as e:\n        log.debug('failed')\n        handle(e)\n",  # uses the error
    ],
)
def test_a_handler_passed_over_does_not_end_the_file_s_check(first: str) -> None:
    # Between two reported handlers, whichever order the handlers are visited in.
    text = "import sys, lib\nimport logging\nlog = logging.getLogger(__name__)\ndef f():\n" + SECOND_HANDLER + first + SECOND_HANDLER
    last = text.count("\n") - 1
    assert sorted((f.line, f.code) for f in check_text(text, ["REL1"])) == [(7, "REL103"), (last, "REL103")]


def test_a_web_handler_answering_2xx_does_not_end_the_file_s_check() -> None:
    text = (
        'from flask import Flask\nimport logging\nlog = logging.getLogger(__name__)\napp = Flask(__name__)\n\n'
        '@app.post("/push")\ndef push():\n    try:\n        handle()\n    except Exception:\n'
        '        log.error("failed")\n        return "", 204\n\n'
        "def g():\n" + SECOND_HANDLER
    )
    assert sorted((f.line, f.code) for f in check_text(text, ["REL1"])) == [(10, "REL105"), (17, "REL103")]
