"""REL103-REL107: silent failures, on the shapes of real code and on their look-alikes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import run_tool

from reliability_lint.testing import check_text, fix_text

CODES = ["REL103", "REL104", "REL105", "REL106", "REL107"]


def found(text: str, select: list[str] = CODES) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(textwrap.dedent(text), select))


# ---------------------------------------------------------------------- REL103


def test_debug_only_through_every_kind_of_logger() -> None:
    text = """\
        import logging
        import structlog
        from loguru import logger as loguru_logger

        log = logging.getLogger(__name__)
        slog = structlog.get_logger().bind(job="x")


        class Job:
            def __init__(self):
                self.logger = logging.getLogger("job")

            def run(self):
                try:
                    step()
                except Exception:
                    self.logger.info("step failed")

        def passed(logger: logging.Logger):
            try:
                step()
            except Exception:
                logger.debug("failed")

        def structured():
            try:
                step()
            except BaseException:
                slog.debug("failed")

        def with_loguru():
            try:
                step()
            except (ValueError, Exception):
                loguru_logger.debug("failed")

        def at_level():
            try:
                step()
            except Exception:
                log.log(logging.DEBUG, "failed")
        """
    assert found(text, ["REL103"]) == [(16, "REL103"), (22, "REL103"), (28, "REL103"), (34, "REL103"), (40, "REL103")]


def test_debug_next_to_real_reporting_or_an_unknown_logger_is_not_reported() -> None:
    text = """\
        import logging
        import warnings

        log = logging.getLogger(__name__)


        def notify_failure():
            log.error("failed")


        def a(mystery):
            try:
                step()
            except Exception:
                mystery.debug("who knows what this is")

        def b():
            try:
                step()
            except Exception:
                log.debug("failed")
                raise

        def c():
            try:
                step()
            except Exception:
                log.debug("failed")
                notify_failure()

        def d():
            try:
                step()
            except Exception as exc:
                log.debug("failed")
                errors.append(exc)

        def e():
            try:
                step()
            except Exception:
                log.debug("failed")
                warnings.warn("step failed")

        def f():
            try:
                step()
            except KeyError:
                log.debug("no such key")

        def g():
            try:
                step()
            except Exception:
                def later():
                    log.debug("not here")
                callbacks.append(later)
        """
    assert found(text, ["REL103"]) == []


def test_a_class_named_exception_is_not_the_builtin() -> None:
    text = """\
        import logging

        log = logging.getLogger(__name__)


        class Exception(RuntimeError):
            pass


        def f():
            try:
                step()
            except Exception:
                log.debug("ours")
        """
    assert found(text, ["REL103"]) == []


def test_fix_raises_the_level_of_a_multiline_call_with_comments() -> None:
    text = (
        "import logging\r\n"
        "log = logging.getLogger('é')\r\n"
        "async def f():\r\n"
        "    try:\r\n"
        "        await step()\r\n"
        "    except Exception:  # flaky: résumé\r\n"
        "        log.debug(  # keep quiet\r\n"
        "            'step failed',\r\n"
        "        )\r\n"
    )
    fixed = fix_text(text, ["REL103"], unsafe_fixes=True)
    assert fixed == text.replace("log.debug(", "log.exception(")
    assert fix_text(text, ["REL103"], unsafe_fixes=False) == text


# ---------------------------------------------------------------------- REL104


def test_success_looking_returns_in_functions_with_real_results() -> None:
    text = """\
        import functools


        @functools.lru_cache
        def a(x):
            try:
                return load(x)
            except Exception:
                return None

        def b(x):
            try:
                rows = load(x)
            except Exception:
                return {}
            return rows

        async def c(x):
            try:
                return await load(x)
            except Exception:
                return

        def d(x):
            try:
                return load(x)
            except Exception:
                return "ok", 200
        """
    assert found(text, ["REL104"]) == [(8, "REL104"), (14, "REL104"), (21, "REL104"), (27, "REL104")]


def test_no_success_report_where_nothing_real_is_returned_or_the_error_is_surfaced() -> None:
    text = """\
        import logging

        log = logging.getLogger(__name__)


        def predicate(x):
            try:
                check(x)
                return True
            except Exception:
                return False

        def nothing(x):
            try:
                check(x)
            except Exception:
                return None

        def logged(x):
            try:
                return load(x)
            except Exception:
                log.warning("cannot load %s", x)
                return None

        def generator(x):
            try:
                yield load(x)
            except Exception:
                return

        def error_value(x):
            try:
                return load(x)
            except Exception as exc:
                return {"error": str(exc)}

        def nested(x):
            def inner():
                return load(x)
            try:
                inner()
            except Exception:
                return None
        """
    assert found(text, ["REL104"]) == []


# ---------------------------------------------------------------------- REL105


def test_web_handlers_of_each_framework_answering_2xx() -> None:
    text = """\
        import flask
        from fastapi import APIRouter
        from fastapi.responses import JSONResponse
        import functions_framework as ff

        app = flask.Flask(__name__)
        bp = flask.Blueprint("push", __name__)
        router = APIRouter()


        @app.route("/a", methods=["POST"])
        def a():
            try:
                handle()
            except Exception:
                return flask.Response("ok", status=200)
            return "", 204

        @bp.post("/b")
        def b():
            try:
                handle()
            except Exception as exc:
                app.logger.exception(exc)
                return f"ignored {exc}"
            return "", 204

        @router.post("/c")
        async def c():
            try:
                await handle()
            except Exception:
                return JSONResponse({"ok": True}, status_code=202)
            return {"ok": True}

        @ff.http
        def d(request):
            try:
                handle(request)
            except Exception:
                return ("", 204)
            return "", 204
        """
    assert found(text, ["REL105"]) == [(15, "REL105"), (23, "REL105"), (32, "REL105"), (40, "REL105")]


def test_web_look_alikes() -> None:
    text = """\
        from fastapi import FastAPI, HTTPException
        from flask import Flask

        api = FastAPI()
        app = Flask(__name__)


        @api.post("/jobs", status_code=202)
        async def enqueue(job: dict):
            try:
                queue.put(job)
            except Exception:
                raise HTTPException(status_code=503)
            return {"queued": True}

        @app.route("/x")
        def x():
            try:
                handle()
            except Exception:
                return "failed", 500
            return "", 200

        @app.route("/y")
        def y():
            try:
                handle()
            except ValueError:
                return "malformed", 200
            return "", 200

        @other.route("/z")
        def z():
            try:
                handle()
            except Exception:
                return "", 200
            return "", 200
        """
    assert found(text, ["REL105"]) == []


def test_web_fix_answers_500_and_logs_with_logging_when_the_module_has_no_logger() -> None:
    text = textwrap.dedent(
        """\
        from flask import Flask

        app = Flask(__name__)


        @app.route("/push", methods=["POST"])
        def push():
            try:
                handle()
            except Exception:
                # keep the sender from retrying
                return "", 200
            return "", 204
        """
    )
    fixed = fix_text(text, ["REL105"], unsafe_fixes=True)
    assert "import logging\n" in fixed
    assert '# keep the sender from retrying\n        logging.exception("Request failed; answering 500")\n        return' in fixed
    assert 'return "", 500\n    return "", 204' in fixed
    assert check_text(fixed, ["REL105"]) == []


# ---------------------------------------------------------------------- REL106


def test_suppress_of_broad_exceptions_however_imported() -> None:
    text = """\
        import contextlib
        import contextlib as cl
        from contextlib import suppress as quietly


        async def f():
            with contextlib.suppress(Exception):
                a()
            async with cl.suppress(OSError, BaseException):
                b()
            with open("x") as fh, quietly(
                Exception,  # everything
            ):
                c()
            with contextlib.suppress(FileNotFoundError):
                d()
            with suppress(Exception):  # not contextlib's
                e()
        """
    assert found(text, ["REL106"]) == [(7, "REL106"), (9, "REL106"), (11, "REL106")]


# ---------------------------------------------------------------------- REL107


def test_error_without_traceback_and_its_safe_fix() -> None:
    text = textwrap.dedent(
        """\
        import logging

        log = logging.getLogger(__name__)


        def a():
            try:
                step()
            except Exception as exc:
                log.error("step failed: %s", exc)

        def b():
            try:
                step()
            except Exception as exc:
                log.error("step failed: %s", exc, exc_info=False)

        def c():
            try:
                step()
            except Exception as exc:
                log.error("step failed: %s", exc)
                raise

        def d():
            try:
                step()
            except Exception as exc:
                log.error("step failed")
        """
    )
    assert found(text, ["REL107"]) == [(10, "REL107")]
    fixed = fix_text(text, ["REL107"], unsafe_fixes=False)
    assert fixed.count("log.exception(") == 1 and check_text(fixed, ["REL107"]) == []


# ---------------------------------------------------------------------- several modules


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_loggers_and_reporting_helpers_of_other_modules(tmp_path: Path) -> None:
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/obs.py": """\
            import logging

            logger = logging.getLogger("pkg")


            def report_failure(where):
                logger.error("failure in %s", where)


            def cleanup():
                pass
            """,
        "pkg/job.py": """\
            from pkg.obs import logger, report_failure, cleanup


            def a():
                try:
                    step()
                except Exception:
                    logger.debug("a failed")

            def b():
                try:
                    step()
                except Exception:
                    logger.debug("b failed")
                    report_failure("b")

            def c(x):
                try:
                    return load(x)
                except Exception:
                    cleanup()
                    return []
            """,
    })  # fmt: skip
    result = run_tool("check", "--no-cache", "--select", ",".join(CODES), "--output-format", "json", "pkg/job.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    rows = sorted((f["location"]["row"], f["code"]) for f in json.loads(result.stdout))
    assert rows == [(7, "REL103"), (20, "REL104")]


def test_a_route_declaring_a_non_2xx_status_and_a_handler_without_routes() -> None:
    text = """\
        from fastapi import FastAPI

        api = FastAPI()


        @api.post("/x", status_code=500)
        def broken():
            try:
                handle()
            except Exception:
                return {"ok": True}
            return {"ok": True}


        def plain():
            try:
                handle()
            except Exception:
                return "", 200
            return "", 204
        """
    assert found(text, ["REL105"]) == []


def test_logger_error_with_traceback_kept_is_not_reported() -> None:
    text = """\
        import logging

        log = logging.getLogger(__name__)


        def a():
            try:
                step()
            except Exception as exc:
                log.error("failed: %s", exc, exc_info=True)

        def b():
            try:
                step()
            except Exception as exc:
                log.exception("failed")
                log.error("context: %s", exc)
        """
    assert found(text, ["REL107"]) == []
