"""Is this call a logger call? REL102 and the todos family ask the project's semantic model
(issue 11), as the silent-failure rules do: a logger made by a project helper in another
module counts, whatever its name; an unknown receiver is judged by its name, as before.

Real multi-module trees in temp folders, checked by the real executable.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from conftest import run_tool

SHARED = {
    "shared/__init__.py": "",
    "shared/logs.py": """\
        import logging


        def get_logger(name: str) -> logging.Logger:
            return logging.getLogger(name)


        log = get_logger(__name__)
        """,
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def reported(root: Path, select: str, *paths: str) -> list[tuple[str, int, str]]:
    result = run_tool("check", "--no-cache", "--output-format", "json", "--select", select, *paths, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    rows = json.loads(result.stdout)
    return sorted((Path(f["filename"]).relative_to(root).as_posix(), f["location"]["row"], f["code"]) for f in rows)


def test_rel102_knows_the_loggers_of_a_project_helper_in_another_module(tmp_path: Path) -> None:
    write(tmp_path, {**SHARED, "pkg/__init__.py": "", "pkg/job.py": """\
        from shared.logs import get_logger, log as events

        audit = get_logger(__name__)


        class Loader:
            def __init__(self):
                self.trail = get_logger("trail")

            def load(self):
                try:
                    work()
                except Exception:
                    self.trail.warning("load failed")


        def one():
            try:
                work()
            except Exception:
                audit.error("failed")


        def two():
            try:
                work()
            except Exception:
                events.info(
                    "failed",  # a comment inside the call
                )


        async def three(frames):
            try:
                await work()
            except Exception:
                frames.info()


        def four(logger):
            try:
                work()
            except Exception:
                logger.info("untyped, named like a logger")
        """})  # fmt: skip
    # three(): an unknown receiver not named like a logger: the error is swallowed
    assert reported(tmp_path, "REL102", "pkg/job.py") == [("pkg/job.py", 36, "REL102")]


def test_without_the_helpers_module_the_names_decide(tmp_path: Path) -> None:
    # the module the logger comes from is outside the checked tree and missing: the model
    # cannot tell, so `audit` (not named like a logger) is swallowing, `log` is not
    write(tmp_path, {"job.py": """\
        from vendored.logs import audit, log


        def one():
            try:
                work()
            except Exception:
                audit.error("failed")


        def two():
            try:
                work()
            except Exception:
                log.error("failed")
        """})  # fmt: skip
    assert reported(tmp_path, "REL102", "job.py") == [("job.py", 7, "REL102")]


def test_todo_stubs_that_only_log_through_a_project_logger(tmp_path: Path) -> None:
    write(tmp_path, {**SHARED, "pkg/__init__.py": "", "pkg/send.py": """\
        from shared.logs import log as events


        def send(payload):
            \"\"\"TODO: send to Sentry.\"\"\"
            events.info("not sent: %s", payload)


        def forward(payload, sink):
            \"\"\"TODO: retry on failure.\"\"\"
            sink.info(payload)


        class Notifier:
            def __init__(self):
                self.events = events

            def notify(self, message):
                # TODO: page the on-call
                self.events.warning("would page: %s", message)
        """})  # fmt: skip
    # forward() hands the payload to an unknown sink: it does something
    assert reported(tmp_path, "REL402", "pkg/send.py") == [("pkg/send.py", 4, "REL402"), ("pkg/send.py", 18, "REL402")]


def test_rel102_knows_the_projects_own_reporting_helpers(tmp_path: Path) -> None:
    write(tmp_path, {**SHARED, "shared/errors.py": """\
        from shared.logs import log


        def log_failure(message):
            log.error("failed: %s", message)


        def tidy(message):
            return message.strip()
        """, "pkg/__init__.py": "", "pkg/job.py": """\
        from shared import errors
        from shared.errors import log_failure, tidy


        def fail(message):
            raise RuntimeError(message)


        def one():
            try:
                work()
            except Exception:
                log_failure("one")


        def two():
            try:
                work()
            except Exception:
                errors.log_failure("two")


        def three():
            try:
                work()
            except Exception:
                fail("three")


        def four():
            try:
                work()
            except Exception:
                tidy("four")
        """})  # fmt: skip
    # four(): tidy() neither raises nor logs: the error is swallowed
    assert reported(tmp_path, "REL102", "pkg/job.py") == [("pkg/job.py", 33, "REL102")]
