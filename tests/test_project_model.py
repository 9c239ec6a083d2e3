"""The project model: what a name holds across the project's modules (issue 11).

Every test builds a real multi-module tree in a temp folder and runs the real command on
one or more of its files; the other modules are read through the project index.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import run_tool

BASE = """\
from google.cloud import bigquery


class BaseProcessor:
    def __init__(self):
        self.bq_client = bigquery.Client()


def get_client() -> bigquery.Client:
    return bigquery.Client()


shared_client = bigquery.Client()
"""

SUB = """\
from pkg.base import BaseProcessor, get_client, shared_client


class Sub(BaseProcessor):
    def run(self, q):
        return self.bq_client.query(q, timeout=30).result()


def f(q):
    return get_client().query(q, timeout=30).result()


def g(q):
    return shared_client.query(q, timeout=30).result()
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def findings(root: Path, *paths: str, extra: tuple[str, ...] = ("--no-cache",)) -> list[tuple[str, int, str]]:
    """(path, line, code) of every finding of `check` on `paths`, run from `root`."""
    result = run_tool("check", "--output-format", "json", *extra, *paths, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    rows = json.loads(result.stdout)
    return sorted((Path(f["filename"]).relative_to(root).as_posix(), f["location"]["row"], f["code"]) for f in rows)


def waits(root: Path, *paths: str, **kwargs: tuple[str, ...]) -> list[tuple[str, int]]:
    return [(p, line) for p, line, code in findings(root, *paths, **kwargs) if code == "REL201"]


def test_the_three_shapes_of_the_issue_are_reported_across_modules(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/sub.py": SUB})
    assert waits(tmp_path, "pkg/sub.py") == [("pkg/sub.py", 6), ("pkg/sub.py", 10), ("pkg/sub.py", 14)]


def test_a_wait_that_is_bounded_or_on_an_unknown_value_is_not_reported(tmp_path: Path) -> None:
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/base.py": BASE + "\nimport pandas as pd\nframe = pd.DataFrame()\n\ndef maybe(x):\n    return x\n",
        "pkg/use.py": """\
            from pkg.base import shared_client, frame, maybe

            def bounded(q):
                return shared_client.query(q, timeout=30).result(timeout=60)

            def lookalikes(q, pool):
                frame.query(q).result()          # a pandas frame
                maybe(q).result()                # returns its argument: unknown
                pool.submit(q).result()          # concurrent.futures, never typed
        """,
    })  # fmt: skip
    assert findings(tmp_path, "pkg/use.py") == []


def test_relative_imports_reexports_and_star_imports(tmp_path: Path) -> None:
    write(tmp_path, {
        "svc/__init__.py": "from .clients.bq import make_client, BaseJob\n",
        "svc/clients/__init__.py": "",
        "svc/clients/bq.py": """\
            from google.cloud import bigquery
            class BaseJob:
                client: bigquery.Client
            def make_client():
                return bigquery.Client()
        """,
        "svc/jobs/__init__.py": "",
        "svc/jobs/star.py": "from ..clients.bq import *\n",
        "svc/jobs/run.py": """\
            from svc import make_client, BaseJob
            from . import star
            from .star import make_client as again

            class Job(BaseJob):
                def go(self, q):
                    self.client.query(q, timeout=5).result()

            def one(q):
                make_client().query(q, timeout=5).result()

            def two(q):
                again().query(q, timeout=5).result()

            def three(q):
                star.make_client().query(q, timeout=5).result()
        """,
    })  # fmt: skip
    lines = [line for _, line in waits(tmp_path, "svc/jobs/run.py")]
    assert lines == [7, 10, 13, 16]


def test_several_levels_of_inheritance_mixins_and_attributes_of_attributes(tmp_path: Path) -> None:
    write(tmp_path, {
        "app/__init__.py": "",
        "app/shared.py": """\
            from typing import Optional
            from google.cloud import bigquery

            class ClientMixin:
                def __init__(self):
                    self.bq: Optional[bigquery.Client] = None

            class Other:
                name = "x"

            class Processor(Other, ClientMixin):
                pass

            class Holder:
                def __init__(self):
                    self.processor = Processor()
        """,
        "app/middle.py": """\
            from app.shared import Processor
            class Middle(Processor):
                pass
        """,
        "app/leaf.py": """\
            from app.middle import Middle
            from app.shared import Holder

            class Leaf(Middle):
                def run(self, q):
                    self.bq.query(q, timeout=5).result()

            def through(holder: Holder, q):
                holder.processor.bq.query(q, timeout=5).result()
        """,
    })  # fmt: skip
    assert waits(tmp_path, "app/leaf.py") == [("app/leaf.py", 6), ("app/leaf.py", 9)]


def test_parameters_annotations_defaults_casts_and_properties(tmp_path: Path) -> None:
    write(tmp_path, {
        "lib/__init__.py": "",
        "lib/clients.py": """\
            from google.cloud import bigquery
            class Warehouse:
                def __init__(self):
                    self._client = bigquery.Client()
                @property
                def client(self) -> bigquery.Client:
                    return self._client
                def job(self, q):
                    return self._client.query(q, timeout=5)
            DEFAULT = Warehouse()
        """,
        "lib/use.py": """\
            import typing
            from typing import Optional, cast
            import lib.clients as clients
            from lib.clients import Warehouse, DEFAULT

            def a(w: "Warehouse", q):
                w.client.query(q, timeout=5).result()

            def b(q, w: Warehouse | None = None):
                w.job(q).result()

            def c(q, w=DEFAULT):
                w.job(q).result()

            def d(q, anything):
                typing.cast(Warehouse, anything).job(q).result()

            def e(q):
                clients.DEFAULT.job(q).result()

            def f(q, w: Optional[Warehouse] = None):
                cast("Warehouse", w).client.query(q, timeout=5).result()
        """,
    })  # fmt: skip
    assert [line for _, line in waits(tmp_path, "lib/use.py")] == [7, 10, 13, 16, 19, 22]


def test_a_project_wrapper_that_sets_its_own_timeouts_is_not_reported(tmp_path: Path) -> None:
    write(tmp_path, {
        "pipe/__init__.py": "",
        "pipe/bq.py": """\
            from google.cloud import bigquery
            class BigQueryClient:
                def __init__(self):
                    self._client = bigquery.Client()
                def run_query(self, sql):
                    return self._client.query(sql, timeout=30).result(timeout=600)
        """,
        "pipe/job.py": """\
            from pipe.bq import BigQueryClient
            class Job:
                def __init__(self):
                    self.bq = BigQueryClient()
                def go(self, sql):
                    rows = self.bq.run_query(sql)
                    return rows.result()
        """,
    })  # fmt: skip
    assert findings(tmp_path, "pipe/job.py", "pipe/bq.py") == []


def test_lookalikes_across_modules_stay_silent(tmp_path: Path) -> None:
    write(tmp_path, {
        "etl/__init__.py": "",
        "etl/engines.py": """\
            import asyncio
            import concurrent.futures
            import pandas as pd
            import sqlalchemy
            engine = sqlalchemy.create_engine("sqlite://")
            pool = concurrent.futures.ThreadPoolExecutor()
            def frame():
                return pd.DataFrame()
            def loop():
                return asyncio.get_event_loop()
            class Query:
                def result(self):
                    return 1
            def query():
                return Query()
        """,
        "etl/use.py": """\
            from etl.engines import engine, pool, frame, loop, query
            def go(q):
                engine.connect().execute(q).result()
                pool.submit(print).result()
                frame().query(q).to_dataframe()
                loop().run_until_complete(q).result()
                query().result()
        """,
    })  # fmt: skip
    assert findings(tmp_path, "etl/use.py") == []


def test_src_layout_namespace_packages_scripts_and_the_roots_option(tmp_path: Path) -> None:
    client = "from google.cloud import bigquery\nclient = bigquery.Client()\n"
    use = "from {module} import client\nclient.query('q', timeout=5).result()\n"
    write(tmp_path, {
        "src/core/__init__.py": "",
        "src/core/bq.py": client,
        "tools/a.py": use.format(module="core.bq"),
        "ns/shared/bq.py": client,  # namespace packages: no __init__.py anywhere
        "ns_user.py": use.format(module="ns.shared.bq"),
        "scripts/helper.py": client,
        "scripts/job.py": use.format(module="helper"),  # run as python scripts/job.py
        "vendor_root/thing/bq.py": client,
        "b.py": use.format(module="thing.bq"),
    })  # fmt: skip
    paths = ("tools/a.py", "ns_user.py", "scripts/job.py", "b.py")
    assert waits(tmp_path, *paths) == [("ns_user.py", 2), ("scripts/job.py", 2), ("tools/a.py", 2)]
    (tmp_path / "pyproject.toml").write_text('[tool.reliability-lint]\nroots = ["vendor_root"]\n', encoding="utf-8")
    assert ("b.py", 2) in waits(tmp_path, *paths)


def test_cycles_missing_and_unparseable_modules(tmp_path: Path) -> None:
    write(tmp_path, {
        "cyc/__init__.py": "",
        "cyc/a.py": "from cyc.b import thing as thing\nfrom cyc.b import Loop\nclass Loop2(Loop):\n    pass\n",
        "cyc/b.py": "from cyc.a import thing as thing\nfrom cyc.a import Loop2 as Loop\n",
        "cyc/broken.py": "from google.cloud import bigquery\nclient = bigquery.Client(\n",
        "cyc/good.py": "from google.cloud import bigquery\nclient = bigquery.Client()\n",
        "cyc/use.py": """\
            from cyc.a import thing, Loop2
            from cyc.broken import client as broken
            from cyc.missing import client as missing
            from cyc.good import client
            def go(q, x: Loop2):
                thing.query(q).result()
                x.attr.query(q).result()
                broken.query(q).result()
                missing.query(q).result()
                client.query(q, timeout=5).result()
        """,
    })  # fmt: skip
    assert waits(tmp_path, "cyc/use.py") == [("cyc/use.py", 10)]


def test_a_module_outside_the_project_falls_back_to_the_file_alone(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    project = tmp_path / "project"
    write(outside, {"far.py": "from google.cloud import bigquery\nclient = bigquery.Client()\n"})
    write(project, {
        "job.py": """\
            import sys
            sys.path.insert(0, "../elsewhere")
            from far import client
            from google.cloud import bigquery
            client.query("q", timeout=5).result()
            bigquery.Client().query("q", timeout=5).result()
        """,
    })  # fmt: skip
    assert waits(project, "job.py") == [("job.py", 6)]


def test_changing_a_base_class_rechecks_exactly_its_dependents(tmp_path: Path, cli, monkeypatch) -> None:
    import ast

    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/base.py": BASE.replace("self.bq_client = bigquery.Client()", "self.bq_client = object()"),
        "pkg/sub.py": SUB,
        "pkg/other.py": "from pkg.unrelated import x\nx.query('q', timeout=5).result()\n",
        "pkg/unrelated.py": "x = 1\n",
    })  # fmt: skip
    parsed: list[str] = []
    real_parse = ast.parse

    def counting_parse(source, filename="<unknown>", *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(Path(str(filename)).name)
        return real_parse(source, filename, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting_parse)

    def run() -> list[tuple[str, int]]:
        code, out, _ = cli("check", "--output-format", "json", "--jobs", "1", "pkg", cwd=tmp_path)
        assert code in (0, 1)
        return sorted((Path(f["filename"]).name, f["location"]["row"]) for f in json.loads(out) if f["code"] == "REL201")

    assert run() == [("sub.py", 10), ("sub.py", 14)]  # self.bq_client is not a client yet
    parsed.clear()
    assert run() == [("sub.py", 10), ("sub.py", 14)]
    assert parsed == []  # warm: nothing parsed at all, summaries included
    (tmp_path / "pkg" / "base.py").write_text(BASE, encoding="utf-8")
    parsed.clear()
    assert run() == [("sub.py", 6), ("sub.py", 10), ("sub.py", 14)]
    # base.py itself, for its findings and its summary, and sub.py, which reads it; other.py
    # reads only unrelated.py, so it keeps its cached findings
    assert sorted(set(parsed)) == ["base.py", "sub.py"]


def test_a_run_over_a_few_files_reads_the_other_summaries_from_the_cache(tmp_path: Path, cli, monkeypatch) -> None:
    import ast

    write(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/sub.py": SUB, "pkg/sub2.py": SUB})
    code, _, _ = cli("check", "pkg", cwd=tmp_path)
    assert code == 1
    parsed: list[str] = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, filename="<unknown>", *a, **k: parsed.append(Path(str(filename)).name) or real_parse(source, filename, *a, **k))
    (tmp_path / "pkg" / "sub.py").write_text(SUB + "\n# edited\n", encoding="utf-8")
    code, out, _ = cli("check", "--output-format", "concise", "pkg/sub.py", "pkg/sub2.py", cwd=tmp_path)
    assert code == 1 and out.count("REL201") == 6
    assert parsed == ["sub.py"]  # base.py's summary and sub2.py's findings come from the cache


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_crlf_and_non_ascii_modules(tmp_path: Path, newline: str) -> None:
    base = "# -*- coding: utf-8 -*-\n# Übersicht: clients\n" + BASE
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_bytes(b"")
    (tmp_path / "pkg" / "base.py").write_bytes(base.replace("\n", newline).encode())
    (tmp_path / "pkg" / "sub.py").write_bytes(SUB.replace("\n", newline).encode())
    assert len(waits(tmp_path, "pkg/sub.py")) == 3


def test_flake8_and_the_changed_lines_gate_see_the_other_modules(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import git

    write(tmp_path, {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/sub.py": "from pkg.base import shared_client\n"})
    git("init", "-q", cwd=tmp_path)
    git("add", ".", cwd=tmp_path)
    git("commit", "-qm", "base", cwd=tmp_path)
    (tmp_path / "pkg" / "sub.py").write_text(SUB, encoding="utf-8")
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "REL201", "pkg/sub.py"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert [line.split(":")[1] for line in flake8.stdout.splitlines()] == ["6", "10", "14"], flake8.stderr
    gate = waits(tmp_path, ".", extra=("--no-cache", "--diff-base", "HEAD"))
    assert gate == [("pkg/sub.py", 6), ("pkg/sub.py", 10), ("pkg/sub.py", 14)]


def test_a_module_added_later_rechecks_the_files_that_import_it(tmp_path: Path) -> None:
    # The first run cannot resolve the imports (the modules are not there yet), so nothing is
    # reported; the failed lookups are recorded with the cached findings, so adding the
    # modules re-checks their importers although the importers did not change.
    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/job.py": """\
            from pkg.clients import warehouse
            from shared.clients import make


            def go(q):
                return warehouse.query(q).result()


            def again(q):
                return make().query(q).result()
            """,
    })  # fmt: skip
    cached = ("--jobs", "1")
    assert waits(tmp_path, "pkg", extra=cached) == []
    assert waits(tmp_path, "pkg", extra=cached) == []  # warm, from the cache
    # a submodule of an existing package (the lookup had found pkg/__init__.py)
    write(tmp_path, {"pkg/clients.py": "from google.cloud import bigquery\nwarehouse = bigquery.Client()\n"})
    assert waits(tmp_path, "pkg/job.py", extra=cached) == [("pkg/job.py", 6)]
    # a new top-level package (the lookup had found nothing)
    write(tmp_path, {
        "shared/__init__.py": "",
        "shared/clients.py": "from google.cloud import bigquery\n\n\ndef make() -> bigquery.Client:\n    return bigquery.Client()\n",
    })  # fmt: skip
    assert waits(tmp_path, "pkg/job.py", extra=cached) == [("pkg/job.py", 6), ("pkg/job.py", 10)]
    # and removing one takes its finding away again
    (tmp_path / "pkg" / "clients.py").unlink()
    assert waits(tmp_path, "pkg/job.py", extra=cached) == [("pkg/job.py", 10)]


def test_adding_a_module_rechecks_only_the_files_whose_imports_it_satisfies(tmp_path: Path, cli, monkeypatch) -> None:
    import ast

    write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/job.py": "from pkg.clients import warehouse\n\n\ndef go(q):\n    return warehouse.query(q).result()\n",
        "pkg/other.py": "import pandas\n\n\ndef go():\n    return pandas.read_csv('x').result()\n",
    })  # fmt: skip
    parsed: list[str] = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, filename="<unknown>", *a, **k: parsed.append(Path(str(filename)).name) or real_parse(source, filename, *a, **k))

    def run() -> list[tuple[str, int]]:
        code, out, _ = cli("check", "--output-format", "json", "--jobs", "1", "pkg", cwd=tmp_path)
        assert code in (0, 1)
        return sorted((Path(f["filename"]).name, f["location"]["row"]) for f in json.loads(out) if f["code"] == "REL201")

    assert run() == []
    parsed.clear()
    assert run() == [] and parsed == []
    write(tmp_path, {"pkg/clients.py": "from google.cloud import bigquery\nwarehouse = bigquery.Client()\n"})
    assert run() == [("job.py", 5)]
    # clients.py (new: its findings and its summary) and job.py, which imports it; not other.py
    assert sorted(set(parsed)) == ["clients.py", "job.py"]
