#!/usr/bin/env python3
"""Deterministic generator of a pipeline-shaped corpus for benchmarking reliability-lint.

    python bench/corpus.py OUT_DIR [--files 2000] [--seed 7] [--verify]

About 90% of the files are Python (BigQuery loaders, scrapers, Pub/Sub orchestration,
prediction workers, alert managers, utils), the rest YAML/TOML configs, .env files and
Markdown docs. File i depends only on (seed, i): the same arguments give byte-identical
output on every run, and a larger --files only appends files.

Besides, `auth/` holds service sets for the auth family (bench/corpus_auth.py), scored
separately (`auth_defects`, `auth_negatives` in the ground truth).

While a file is built, every planted site carries a marker at the end of its line,
stripped before the file is written and recorded in OUT_DIR/ground_truth.json:

    «D CODE kind»  planted timeout defect (REL201-REL205): must be reported as CODE here
    «U CODE kind»  judgement call (untyped parameter, future kept in a list, a
                   client.query() without timeout=): a CODE report here is neither
                   credited nor counted as false
    «N kind»       look-alike call site: no REL2xx code may be reported on this line
    «O CODE kind»  other planted defect (REL101-REL402), for information only

The line of a call is the line its expression starts on (ast's lineno), as ruff reports it.
Every fake secret is shape-valid and visibly fake (FAKE/EXAMPLE inside the value).
"""
from __future__ import annotations

import argparse
import ast
import json
import random
import re
import shutil
import string
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus_auth  # noqa: E402
import corpus_xmod  # noqa: E402
import corpus_waits  # noqa: E402

XMOD_SHARE = 0.05  # modules that use clients made in services/shared (cross-module shapes)
AUTH_SETS_PER_FILES = 250  # one auth service set (about 20 files, under auth/) per this many files

WAITS_SHARE = 0.05  # modules with the waits and silent failures of issue 12 (services/waits)
DEFAULT_FILES = 2000
DEFAULT_SEED = 7
MARK = re.compile(r"«([DNUO]) ([^»]*)»")
TIMEOUT_CODES = ("REL201", "REL202", "REL203", "REL204", "REL205")

SERVICES = ["ingest", "catalog", "pricing", "billing", "growth", "logistics", "search",
            "ranking", "forecast", "support", "identity", "reporting"]
TOPICS = ["orders", "customers", "events", "sessions", "clicks", "inventory", "prices",
          "listings", "reviews", "shipments", "payments", "weather", "leads", "campaigns",
          "tickets", "sensors", "invoices", "refunds", "stores", "products", "ratings",
          "visits", "claims", "quotes"]
VERBS = ["load", "fetch", "sync", "refresh", "export", "backfill", "collect", "merge",
         "rebuild", "score", "compact", "publish", "stage", "audit"]
WORDS = ("the job reads the partition for the run date and writes one row per entity "
         "retries are bounded and every failure is logged with the run id so on-call "
         "can replay it from the dead letter topic before the next scheduled window").split()
STAGES = ["dev", "staging", "prod"]
UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
AMBIGUOUS = {"param_untyped", "self_untyped", "session_untyped"}


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def fake_secret(rng: random.Random) -> tuple[str, str]:
    """(variable name, obviously fake but shape-valid value)."""
    kind = rng.randrange(8)
    if kind == 0:
        return "AWS_ACCESS_KEY_ID", "AKIA" + rand(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 9) + "EXAMPLE"
    if kind == 1:
        return "AWS_SECRET_ACCESS_KEY", rand(rng, ALNUM + "/+", 30) + "EXAMPLEKEY"
    if kind == 2:
        return "GOOGLE_MAPS_API_KEY", "AIzaSy" + rand(rng, ALNUM + "-_", 29) + "FAKE"
    if kind == 3:
        return "GITHUB_TOKEN", "ghp_FAKE" + rand(rng, ALNUM, 32)
    if kind == 4:
        return "SLACK_BOT_TOKEN", "-".join(["xoxb", rand(rng, string.digits, 12),
                                            rand(rng, string.digits, 13), "FAKE" + rand(rng, ALNUM, 20)])
    if kind == 5:
        return "SLACK_WEBHOOK_URL", ("https://hooks.slack.com/services/T" + rand(rng, UPPER_DIGITS, 8)
                                     + "/B" + rand(rng, UPPER_DIGITS, 8) + "/FAKE" + rand(rng, ALNUM, 20))
    if kind == 6:
        return "SENDGRID_API_KEY", "SG.FAKE" + rand(rng, ALNUM, 18) + "." + rand(rng, ALNUM + "-_", 43)
    return "DB_PASSWORD", "Fake-Passw0rd-" + rand(rng, ALNUM, 10)


# --------------------------------------------------------------------------- context


@dataclass
class Ctx:
    """Per-file state: the random source, the imports and module-level lines blocks need."""

    rng: random.Random
    bad_rate: float
    svc: str
    imports: dict[str, None] = field(default_factory=dict)
    from_imports: dict[str, dict[str, None]] = field(default_factory=dict)
    consts: dict[str, str] = field(default_factory=dict)
    prelude: dict[str, list[str]] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def pick(self, seq: Sequence[str]) -> str:
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def bad(self) -> bool:
        return self.chance(self.bad_rate)

    def fresh(self, base: str) -> str:
        name, n = base, 2
        while name in self.names:
            name, n = f"{base}_{n}", n + 1
        self.names.add(name)
        return name

    def need(self, line: str) -> None:
        if line.startswith("from "):
            module, names = line[5:].split(" import ")
            bucket = self.from_imports.setdefault(module, {})
            for name in names.split(", "):
                bucket[name] = None
        else:
            self.imports[line] = None

    def const(self, name: str, value: str) -> str:
        self.consts.setdefault(name, f"{name} = {value}")
        return name

    def once(self, key: str, lines: list[str]) -> None:
        self.prelude.setdefault(key, lines)

    def logger(self) -> str:
        self.need("import logging")
        self.const("logger", "logging.getLogger(__name__)")
        return "logger"

    def project(self) -> str:
        self.need("import os")
        return self.const("PROJECT_ID", f'os.environ.get("GCP_PROJECT", "acme-{self.svc}")')

    def timeout(self) -> str:
        return self.pick([self.const("QUERY_TIMEOUT_S", str(self.rng.choice([120, 300, 600, 900]))),
                          "300", "600.0"])

    def topic(self) -> str:
        return self.pick(TOPICS)

    def site(self, code: str, kind: str, tag: str, bad: bool) -> str:
        """Marker for a call site: a planted defect when bad, a negative otherwise."""
        label = f"{kind}/{tag}"
        if not bad:
            return f"«N {label}»"
        return f"«{'U' if tag in AMBIGUOUS else 'D'} {code} {label}»"

    def todo(self) -> list[str]:
        """Sometimes a TODO comment: untracked (planted REL401) or tracked (not a defect)."""
        if not self.chance(0.12):
            return []
        text = self.pick(["handle pagination", "drop the legacy column", "batch these calls",
                          "make the window configurable", "dedupe on the natural key"])
        if self.chance(0.6):
            return [f"# TODO: {text}«O REL401 untracked_todo»"]
        return [f"# TODO({self.svc.upper()}-{self.rng.randrange(100, 9999)}): {text}"]


def indent(lines: list[str], n: int = 1) -> list[str]:
    pad = "    " * n
    return [pad + line if line else line for line in lines]


def sentence(rng: random.Random, n: int) -> str:
    start = rng.randrange(len(WORDS) - n)
    text = " ".join(WORDS[start:start + n])
    return text[0].upper() + text[1:] + "."


# --------------------------------------------------------------------------- BigQuery


@dataclass(frozen=True)
class BQStyle:
    import_line: str | None  # None: names come from `from google.cloud.bigquery import ...`
    prefix: str

    def q(self, ctx: Ctx, name: str) -> str:
        if self.import_line is None:
            ctx.need(f"from google.cloud.bigquery import {name}")
            return name
        ctx.need(self.import_line)
        return self.prefix + name

    def ctor(self, ctx: Ctx) -> str:
        args = ctx.pick(["()", f"(project={ctx.project()})", f"(project={ctx.project()}, location=\"EU\")"])
        return self.q(ctx, "Client") + args


BQ_STYLES = [
    (5, BQStyle("from google.cloud import bigquery", "bigquery.")),
    (2, BQStyle("import google.cloud.bigquery as bq", "bq.")),
    (2, BQStyle(None, "")),
    (1, BQStyle("from google.cloud import bigquery as gbq", "gbq.")),
    (1, BQStyle("import google.cloud.bigquery", "google.cloud.bigquery.")),
]


@dataclass
class Env:
    """Where BigQuery statements run: client expression, how it was obtained, table ref."""

    ctx: Ctx
    bq: BQStyle
    c: str
    tag: str
    table: str


T = TypeVar("T")
Truth = dict[str, Any]


def weighted(rng: random.Random, table: Sequence[tuple[int, T]]) -> T:
    return rng.choices([item for _, item in table], weights=[w for w, _ in table])[0]


def query_call(e: Env, config: bool = False) -> tuple[str, str]:
    """`c.query(sql)`; without timeout= it is a judgement call for REL202."""
    extra = ", job_config=job_config" if config else ""
    if e.ctx.chance(0.2):
        return f"{e.c}.query(sql{extra}, timeout=60)", ""
    return f"{e.c}.query(sql{extra})", "«U REL202 query_without_timeout»"


def sql_lines(e: Env) -> list[str]:
    cols = ", ".join(e.ctx.rng.sample(["id", "customer_id", "amount", "status", "updated_at",
                                       "region", "source", "score", "created_at"], 4))
    if e.ctx.chance(0.5):
        return [f'sql = f"SELECT {cols} FROM `{e.table}` WHERE dt = @run_date"']
    return ['sql = f"""', f"    SELECT {cols}", f"    FROM `{e.table}`",
            "    WHERE DATE(updated_at) >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)", '"""']


def job_config(e: Env) -> list[str]:
    qjc = e.bq.q(e.ctx, "QueryJobConfig")
    return [f"job_config = {qjc}(", "    use_legacy_sql=False,",
            f'    labels={{"pipeline": "{e.ctx.svc}"}},', ")"]


def p_chained(e: Env) -> tuple[list[str], str]:
    q, u = query_call(e)
    bad = e.ctx.bad()
    if e.ctx.chance(0.6):
        res = ".result()" if bad else f".result(timeout={e.ctx.timeout()})"
        line = f"rows = {q}{res}{u}{e.ctx.site('REL201', 'chained_result', e.tag, bad)}"
        return sql_lines(e) + [line, "return [dict(row) for row in rows]"], "list[dict]"
    e.ctx.need("import pandas as pd")
    res = ".to_dataframe()" if bad else f".result(timeout={e.ctx.timeout()}).to_dataframe()"
    line = f"df = {q}{res}{u}{e.ctx.site('REL201', 'chained_to_dataframe', e.tag, bad)}"
    return sql_lines(e) + [line, "return df"], '"pd.DataFrame"'


def p_job_var(e: Env) -> tuple[list[str], str]:
    q, u = query_call(e, config=True)
    log = e.ctx.logger()
    lines = sql_lines(e) + job_config(e) + [f"job = {q}{u}", f'{log}.info("started job %s", job.job_id)']
    bad, style = e.ctx.bad(), e.ctx.rng.randrange(4)
    if style == 0:
        arg = "" if bad else f"timeout={e.ctx.timeout()}"
        lines.append(f"result = job.result({arg}){e.ctx.site('REL201', 'job_var_result', e.tag, bad)}")
        return lines + ["return result.total_rows or 0"], "int"
    if style == 1:
        last = "    max_results=limit," if bad else f"    timeout={e.ctx.timeout()},  # hard cap"
        lines += [f"rows = job.result({e.ctx.site('REL201', 'multiline_result', e.tag, bad)}",
                  f"    page_size={e.ctx.rng.choice([500, 1000, 5000])},", last, ")"]
        return lines + ["return [dict(row) for row in rows]"], "list[dict]"
    if style == 2:
        if bad:
            mark = e.ctx.site("REL201", "comprehension_job", e.tag, bad)
            return lines + [f"return [dict(row) for row in job]{mark}"], "list[dict]"
        kw = e.ctx.const("RESULT_KWARGS", '{"timeout": 600, "page_size": 1000}')
        return lines + [f"rows = job.result(**{kw}){e.ctx.site('REL201', 'result_kwargs', e.tag, False)}",
                        "return [dict(row) for row in rows]"], "list[dict]"
    if bad:
        return lines + [f"for row in job:{e.ctx.site('REL201', 'iterate_job', e.tag, True)}",
                        '    yield row["id"]'], "Iterator[str]"
    mark = e.ctx.site("REL201", "iterate_result", e.tag, False)
    return lines + [f"for row in job.result(timeout={e.ctx.timeout()}):{mark}", '    yield row["id"]'], "Iterator[str]"


def p_multiline_chain(e: Env) -> tuple[list[str], str]:
    bad = e.ctx.bad()
    u = "«U REL202 query_without_timeout»"
    tail = ").result()" if bad else f").result(timeout={e.ctx.timeout()})"
    lines = sql_lines(e) + job_config(e) + [
        f"rows = {e.c}.query({u}{e.ctx.site('REL201', 'multiline_chain', e.tag, bad)}",
        "    sql,  # partition-pruned", "    job_config=job_config,", tail]
    return lines + ["return sum(1 for _ in rows)"], "int"


def p_iterate_chain(e: Env) -> tuple[list[str], str]:
    q, u = query_call(e)
    bad = e.ctx.bad()
    it = q if bad else f"{q}.result(timeout={e.ctx.timeout()})"
    lines = sql_lines(e) + ["totals: dict[str, float] = {}",
                            f"for row in {it}:{u}{e.ctx.site('REL201', 'iterate_query', e.tag, bad)}",
                            '    totals[row["region"]] = totals.get(row["region"], 0.0) + row["amount"]']
    return lines + ["return totals"], "dict[str, float]"


API_CALLS = [
    ("table = {c}.get_table(table_id{t})", "return table.num_rows or 0", "int"),
    ("errors = {c}.insert_rows_json(table_id, rows{t})",
     "if errors:\n    raise RuntimeError(f\"insert failed: {errors[:3]}\")\nreturn len(rows)", "int"),
    ("{c}.delete_table(table_id, not_found_ok=True{t})", "return None", "None"),
    ("dataset = {c}.get_dataset(dataset_id{t})", "return dataset.location", "str"),
    ("tables = list({c}.list_tables(dataset_id{t}))", "return [t.table_id for t in tables]", "list[str]"),
    ("for row in {c}.list_rows(table_id, max_results=100{t}):", "    yield dict(row)", "Iterator[dict]"),
    ("{c}.copy_table(table_id, f\"{{table_id}}_backup\"{t})", "return None", "None"),
]


def p_api(e: Env) -> tuple[list[str], str]:
    """A Client API call (REL202): no timeout, timeout=, positional timeout or **kwargs."""
    if e.ctx.chance(0.25):
        return p_load(e)
    call, rest, ret = e.ctx.rng.choice(API_CALLS)
    bad = e.ctx.bad()
    t = ""
    if not bad:
        way = e.ctx.rng.randrange(4)
        if way == 0 and call.startswith("table = "):
            e.ctx.need("from google.api_core.retry import Retry")
            t = f", {e.ctx.const('RETRY', 'Retry(deadline=120)')}, 30"
        elif way == 1:
            t = ", **" + e.ctx.const("API_KWARGS", '{"timeout": 30}')
        else:
            t = f", timeout={e.ctx.pick(['30', '60.0', 'API_TIMEOUT_S'])}"
            if "API_TIMEOUT_S" in t:
                e.ctx.const("API_TIMEOUT_S", "30")
    line = call.format(c=e.c, t=t) + e.ctx.site("REL202", "api_" + call.split(".")[1].split("(")[0], e.tag, bad)
    return [line, *rest.split("\n")], ret


def p_load(e: Env) -> tuple[list[str], str]:
    bad_call, bad_wait = e.ctx.bad(), e.ctx.bad()
    cfg = e.bq.q(e.ctx, "LoadJobConfig")
    fmt = e.bq.q(e.ctx, "SourceFormat")
    t = "" if bad_call else ", timeout=60"
    wait = "load_job.result()" if bad_wait else f"load_job.result(timeout={e.ctx.timeout()})"
    return [f"config = {cfg}(source_format={fmt}.PARQUET, autodetect=True)",
            f"load_job = {e.c}.load_table_from_uri({e.ctx.site('REL202', 'api_load_table_from_uri', e.tag, bad_call)}",
            '    f"gs://{BUCKET}/exports/{run_date}/*.parquet",',
            "    table_id,", f"    job_config=config{t},", ")",
            f"{wait}{e.ctx.site('REL201', 'load_job_result', e.tag, bad_wait)}",
            "return load_job.output_rows or 0"], "int"


def p_query_and_wait(e: Env) -> tuple[list[str], str]:
    bad = e.ctx.bad()
    if bad:
        args = e.ctx.pick(["", ", api_timeout=30", ", max_results=1000"])
    else:
        args = f", wait_timeout={e.ctx.timeout()}" + e.ctx.pick(["", ", api_timeout=30"])
    u = "" if "api_timeout" in args else "«U REL202 query_and_wait_api_timeout»"
    line = f"rows = {e.c}.query_and_wait(sql{args}){u}{e.ctx.site('REL203', 'query_and_wait', e.tag, bad)}"
    return sql_lines(e) + [line, "return [dict(row) for row in rows]"], "list[dict]"


BQ_PATTERNS: list[tuple[int, Callable[[Env], tuple[list[str], str]]]] = [
    (5, p_chained), (5, p_job_var), (2, p_multiline_chain), (2, p_iterate_chain),
    (5, p_api), (2, p_query_and_wait)]


def bq_statements(e: Env) -> tuple[list[str], str]:
    return weighted(e.ctx.rng, BQ_PATTERNS)(e)


@dataclass
class Acq:
    params: list[str]
    setup: list[str]
    c: str
    tag: str
    nest: bool = False


def factory(ctx: Ctx, bq: BQStyle, kind: str) -> str:
    ann, ctor = bq.q(ctx, "Client"), bq.ctor(ctx)
    if kind == "annotated":
        ctx.once("factory_annotated", [f"def get_bq_client() -> {ann}:",
                                       '    """Return a BigQuery client for the pipeline project."""',
                                       f"    return {ctor}"])
        return "get_bq_client"
    if kind == "cached":
        ctx.need("import functools")
        ctx.once("factory_cached", ["@functools.lru_cache(maxsize=1)", f"def cached_bq_client() -> {ann}:",
                                    f"    return {ctor}"])
        return "cached_bq_client"
    ctx.once("factory_plain", ["def make_client(project=None):",
                               f"    return {bq.q(ctx, 'Client')}(project=project or {ctx.project()})"])
    return "make_client"


ACQS = [(5, "local"), (3, "global"), (3, "factory_annotated"), (2, "factory_plain"),
        (1, "factory_call"), (3, "param_annotated"), (2, "param_optional"), (1, "param_string"),
        (1, "param_union"), (2, "with_client"), (2, "param_untyped")]


def acquire(ctx: Ctx, bq: BQStyle) -> Acq:
    tag = (weighted(ctx.rng, ACQS))
    ann = bq.q(ctx, "Client")
    if tag == "local":
        return Acq([], [f"client = {bq.ctor(ctx)}"], "client", tag)
    if tag == "global":
        name = ctx.prelude.get("global_name", [ctx.pick(["client", "_client", "BQ_CLIENT", "bq_client"])])[0]
        ctx.once("global_name", [name])
        ctx.once("global", [f"{name} = {bq.ctor(ctx)}"])
        return Acq([], [], name, tag)
    if tag == "factory_annotated":
        return Acq([], [f"client = {factory(ctx, bq, 'annotated')}()"], "client", tag)
    if tag == "factory_plain":
        return Acq([], [f"client = {factory(ctx, bq, 'plain')}()"], "client", tag)
    if tag == "factory_call":
        return Acq([], [], f"{factory(ctx, bq, 'cached')}()", tag)
    if tag == "param_annotated":
        return Acq([f"client: {ann}"], [], "client", tag)
    if tag == "param_optional":
        ctx.need("from typing import Optional")
        return Acq([f"client: Optional[{ann}] = None"], [], "client", tag)
    if tag == "param_string":
        return Acq([f'client: "{ann}"'], [], "client", tag)
    if tag == "param_union":
        return Acq([f"client: {ann} | None = None"], [], "client", tag)
    if tag == "with_client":
        return Acq([], [f"with {bq.ctor(ctx)} as client:"], "client", tag, nest=True)
    return Acq(["client"], [], "client", tag)


PARAMS = [(r"\{run_date\}", "run_date: str"), (r"=limit\b", "limit: int = 10_000"),
          (r"(?<!\.)\btable_id\b", "table_id: str"), (r"(?<!\.)\bdataset_id\b", "dataset_id: str"),
          (r"table_id, rows\b", "rows: list[dict]")]


def function_params(lines: list[str], extra: list[str]) -> list[str]:
    text = "\n".join(lines)
    params = [p for pattern, p in PARAMS if re.search(pattern, text)]
    plain = [p for p in params if "=" not in p]
    return plain + extra + [p for p in params if "=" in p]


def ensure_bucket(ctx: Ctx, lines: list[str]) -> None:
    if any("{BUCKET}" in line for line in lines):
        ctx.const("BUCKET", f'"acme-{ctx.svc}-exports"')


def b_bq_function(ctx: Ctx, bq: BQStyle) -> list[str]:
    acq = acquire(ctx, bq)
    topic = ctx.topic()
    dataset = ctx.const("DATASET", f'"{ctx.svc}_warehouse"')
    e = Env(ctx, bq, acq.c, acq.tag, f"{{{ctx.project()}}}.{{{dataset}}}.{topic}")
    body, ret = bq_statements(e)
    ensure_bucket(ctx, body)
    if "Iterator" in ret:
        ctx.need("from typing import Iterator")
    params = function_params(body, acq.params)
    name = ctx.fresh(f"{ctx.pick(VERBS)}_{topic}")
    inner = ctx.todo() + (acq.setup + indent(body) if acq.nest else acq.setup + body)
    summary = name.replace("_", " ").capitalize()
    return [f"def {name}({', '.join(params)}) -> {ret}:", f'    """{summary} from BigQuery."""'] + indent(inner)


SELF_INITS = [(3, "self_ctor"), (2, "self_or"), (2, "self_factory"), (1, "self_annotated"),
              (1, "self_param"), (1, "self_untyped")]


def to_self(lines: list[str], name: str) -> list[str]:
    """Turn the free variable name into an attribute of self."""
    return [re.sub(rf"(?<![.\w]){name}\b", f"self.{name}", line) for line in lines]


def b_bq_class(ctx: Ctx, bq: BQStyle) -> list[str]:
    topic = ctx.topic()
    tag = (weighted(ctx.rng, SELF_INITS))
    attr = ctx.pick(["client", "_client", "bq"])
    ann, ctor = bq.q(ctx, "Client"), bq.ctor(ctx)
    params, init = "self", f"self.{attr} = {ctor}"
    if tag == "self_or":
        ctx.need("from typing import Optional")
        params, init = f"self, client: Optional[{ann}] = None", f"self.{attr} = client or {ctor}"
    elif tag == "self_factory":
        init = f"self.{attr} = {factory(ctx, bq, 'annotated')}()"
    elif tag == "self_annotated":
        init = f"self.{attr}: {ann} = {ctor}"
    elif tag == "self_param":
        params, init = f"self, client: {ann}", f"self.{attr} = client"
    elif tag == "self_untyped":
        params, init = "self, client", f"self.{attr} = client"
    dataset = ctx.const("DATASET", f'"{ctx.svc}_warehouse"')
    cls = ctx.fresh(f"{topic.title()}Repository")
    lines = [f"class {cls}:", f'    """Reads and writes {topic} rows in BigQuery."""', "",
             f"    def __init__({params}) -> None:", f"        {init}",
             f'        self.table_id = f"{{{ctx.project()}}}.{{{dataset}}}.{topic}"']
    for _ in range(ctx.rng.randint(1, 3)):
        e = Env(ctx, bq, f"self.{attr}", tag, "{self.table_id}")
        body, ret = bq_statements(e)
        ensure_bucket(ctx, body)
        if "Iterator" in ret:
            ctx.need("from typing import Iterator")
        body = to_self(body, "table_id")
        params_m = ", ".join(["self"] + function_params(body, []))
        name = ctx.fresh(f"{ctx.pick(VERBS)}_{ctx.topic()}")
        lines += ["", f"    def {name}({params_m}) -> {ret}:"] + indent(ctx.todo() + body, 2)
    return lines


def b_bq_dataclass(ctx: Ctx, bq: BQStyle) -> list[str]:
    ctx.need("from dataclasses import dataclass")
    topic = ctx.topic()
    e = Env(ctx, bq, "self.client", "dataclass_field", "{self.table_id}")
    body, ret = p_api(e)
    ensure_bucket(ctx, body)
    if "Iterator" in ret:
        ctx.need("from typing import Iterator")
    body = to_self(to_self(body, "table_id"), "dataset_id")
    params = ", ".join(["self"] + [p for p in function_params(body, []) if "table_id" not in p and "dataset_id" not in p])
    return ["@dataclass", f"class {ctx.fresh(topic.title() + 'Exporter')}:",
            f"    client: {bq.q(ctx, 'Client')}", "    table_id: str", "    dataset_id: str = \"\"", "",
            f"    def run({params}) -> {ret}:"] + indent(body, 2)


# --------------------------------------------------------------------------- look-alikes


def b_storage(ctx: Ctx) -> list[str]:
    ctx.need("from google.cloud import storage")
    topic, bucket = ctx.topic(), ctx.const("BUCKET", f'"acme-{ctx.svc}-exports"')
    return [f"def archive_{ctx.fresh(topic)}(local_path: str) -> str:",
            f'    """Copy a local extract of {topic} to Cloud Storage."""',
            "    client = storage.Client()",
            f"    bucket = client.get_bucket({bucket})«N storage_get_bucket»",
            f'    blob = bucket.blob(f"archive/{topic}/{{local_path.rsplit(\'/\', 1)[-1]}}")«N storage_blob»',
            "    blob.upload_from_filename(local_path)«N storage_upload»",
            "    if blob.exists():«N storage_exists»",
            "        blob.reload()«N storage_reload»",
            "    return blob.public_url"]


def b_pandas(ctx: Ctx) -> list[str]:
    ctx.need("import pandas as pd")
    col = ctx.pick(["amount", "score", "quantity"])
    return [f"def filter_{ctx.fresh(ctx.topic())}(df: pd.DataFrame, threshold: float) -> pd.DataFrame:",
            '    """Keep the rows above the threshold, newest first."""',
            f'    active = df.query("status == \'active\' and {col} > @threshold")«N pandas_query»',
            "    active = active.query(«N pandas_query_multiline»",
            f'        "{col} < 1e9"  # drop sentinel values',
            "    )",
            '    return active.sort_values("updated_at", ascending=False)']


def b_sqlalchemy(ctx: Ctx) -> list[str]:
    ctx.need("from sqlalchemy.orm import Session")
    model = ctx.topic().title().rstrip("s").replace("Session", "UserSession")
    ctx.once(f"orm_{model}", [f"class {model}:  # mapped elsewhere",
                           "    id: int", "    status: str", "    updated_at: str"])
    return [f"def pending_{ctx.fresh(ctx.topic())}(session: Session, limit: int = 100) -> list:",
            '    """Rows the nightly job still has to process."""',
            "    rows = (",
            f"        session.query({model})«N sqlalchemy_query»",
            f'        .filter({model}.status == "pending")',
            f"        .order_by({model}.updated_at)",
            "        .limit(limit)",
            "        .all()",
            "    )",
            f"    total = session.query({model}).count()«N sqlalchemy_count»",
            '    return rows if total else []']


def b_datastore(ctx: Ctx) -> list[str]:
    ctx.need("from google.cloud import datastore")
    kind = ctx.topic().title()
    return [f"def list_{ctx.fresh(kind.lower())}_entities(limit: int = 50) -> list:",
            "    client = datastore.Client()",
            f'    query = client.query(kind="{kind}")«N datastore_query»',
            '    query.add_filter("done", "=", False)',
            "    return list(query.fetch(limit=limit))«N datastore_fetch»"]


def b_futures(ctx: Ctx) -> list[str]:
    ctx.need("from concurrent.futures import ThreadPoolExecutor, as_completed")
    topic = ctx.topic()
    if ctx.chance(0.5):
        return [f"def parallel_{ctx.fresh(topic)}(items: list[str], workers: int = 8) -> list:",
                '    """Run the transform over items in a thread pool."""',
                "    results = []",
                "    with ThreadPoolExecutor(max_workers=workers) as pool:",
                "        futures = [pool.submit(str.upper, item) for item in items]",
                "        for future in as_completed(futures):",
                "            results.append(future.result())«N threadpool_future_result»",
                "    return results"]
    return [f"def run_{ctx.fresh(topic)}_in_background(executor: ThreadPoolExecutor, path: str) -> int:",
            "    future = executor.submit(len, path)",
            "    return future.result()«N executor_future_result»"]


def b_asyncio(ctx: Ctx) -> list[str]:
    ctx.need("import asyncio")
    return [f"async def gather_{ctx.fresh(ctx.topic())}(coros: list) -> list:",
            "    tasks = [asyncio.create_task(c) for c in coros]",
            "    await asyncio.wait(tasks)",
            "    return [task.result() for task in tasks]«N asyncio_task_result»"]


def b_other_client(ctx: Ctx) -> list[str]:
    ctx.need("from influxdb_client import InfluxDBClient")
    return [f"def recent_{ctx.fresh(ctx.topic())}_metrics(url: str, token: str) -> list:",
            "    client = InfluxDBClient(url=url, token=token, org=\"acme\")",
            '    tables = client.query_api().query(\'from(bucket:"metrics") |> range(start: -1h)\')«N influx_query»',
            "    return [record.values for table in tables for record in table.records]"]


# --------------------------------------------------------------------------- HTTP


def requests_name(ctx: Ctx) -> str:
    """The name requests is imported as in this file: requests, or rq in one file out of ten."""
    name = ctx.prelude.get("requests_name", [ctx.pick(["requests"] * 9 + ["rq"])])[0]
    ctx.once("requests_name", [name])
    ctx.need("import requests" if name == "requests" else "import requests as rq")
    return name


HTTP_ACQS = [(7, "requests_module"), (2, "session_local"), (2, "session_with"),
             (1, "session_param"), (1, "session_untyped")]


def http_call(ctx: Ctx, p: str, tag: str) -> list[str]:
    """One requests call through prefix p: no timeout, timeout=, tuple timeout or **kwargs."""
    bad = ctx.bad()
    method = ctx.pick(["get", "get", "post", "request"])
    t = ""
    if not bad:
        way = ctx.rng.randrange(4)
        if way == 0:
            t = f", timeout={ctx.const('REQUEST_TIMEOUT', str(ctx.rng.choice([10, 30, 60])))}"
        elif way == 1:
            t = ", timeout=(3.05, 27)"
        elif way == 2:
            t = ", timeout=30"
        else:
            t = ", **" + ctx.const("REQUEST_KWARGS", '{"timeout": 20, "allow_redirects": True}')
    mark = ctx.site("REL204", f"requests_{method}", tag, bad)
    headers = ctx.const("HEADERS", '{"User-Agent": "acme-pipeline/1.0"}')
    if ctx.chance(0.3):
        arg = "json=payload" if method != "get" else "params=params"
        lines = [f"resp = {p}{method}({mark}"] + (['    "POST",'] if method == "request" else []) + [
            "    url,", f"    {arg},  # {ctx.pick(['paged API', 'v2 endpoint', 'rate limited'])}",
            f"    headers={headers},"]
        lines += [f"    {t[2:]}," if t else ""]
        return [line for line in lines if line] + [")"]
    if method == "request":
        return [f'resp = {p}request("GET", url, params=params{t}){mark}']
    arg = "params=params" if method == "get" else "json=payload"
    return [f"resp = {p}{method}(url, {arg}{t}){mark}"]


def b_http_function(ctx: Ctx) -> list[str]:
    tag = (weighted(ctx.rng, HTTP_ACQS))
    topic = ctx.topic()
    params, setup, nest = ["url: str"], [], False
    rq = requests_name(ctx)
    prefix = rq + "."
    if tag == "requests_module" and rq == "rq":
        tag = "requests_alias"
    if tag == "session_local":
        setup, prefix = [f"session = {rq}.Session()", 'session.mount("https://", ADAPTER)«N session_mount»'], "session."
        ctx.need("from requests.adapters import HTTPAdapter")
        ctx.const("ADAPTER", "HTTPAdapter(max_retries=3)")
    elif tag == "session_with":
        setup, prefix, nest = [f"with {rq}.Session() as session:"], "session.", True
    elif tag == "session_param":
        params, prefix = [f"session: {rq}.Session", "url: str"], "session."
    elif tag == "session_untyped":
        params, prefix = ["session", "url: str"], "session."
    body = http_call(ctx, prefix, tag) + ["resp.raise_for_status()", "return resp.json()"]
    text = "\n".join(body)
    if "params" in text:
        params.append("params: dict | None = None")
    if "payload" in text:
        params.insert(len(params) - ("params" in text), "payload: dict")
    inner = ctx.todo() + setup + (indent(body) if nest else body)
    name = ctx.fresh(f"{ctx.pick(['fetch', 'post', 'pull', 'scrape'])}_{topic}")
    return [f"def {name}({', '.join(params)}) -> dict:", f'    """Call the {topic} API."""'] + indent(inner)


def b_scraper_class(ctx: Ctx) -> list[str]:
    rq = requests_name(ctx)
    topic = ctx.topic()
    bad = ctx.bad()
    t = "" if bad else f", timeout={ctx.pick(['self.timeout', '(5, 30)'])}"
    mark = ctx.site("REL204", "session_attr_get", "session_attr", bad)
    lines = [f"class {ctx.fresh(topic.title() + 'Scraper')}:", f'    """Pages through the {topic} listing."""', "",
             "    def __init__(self, base_url: str, timeout: float = 30.0) -> None:",
             "        self.base_url = base_url.rstrip(\"/\")", "        self.timeout = timeout",
             f"        self.session = {rq}.Session()",
             '        self.session.headers.update({"Accept": "application/json"})«N session_headers_update»', "",
             "    def page(self, number: int) -> list[dict]:",
             f'        resp = self.session.get(f"{{self.base_url}}/items", params={{"page": number}}{t}){mark}',
             "        resp.raise_for_status()", '        return resp.json()["items"]', "",
             "    def crawl(self, max_pages: int = 50) -> list[dict]:", "        items: list[dict] = []",
             "        for number in range(1, max_pages + 1):", "            batch = self.page(number)",
             "            if not batch:", "                break", "            items.extend(batch)",
             "        return items"]
    if ctx.chance(0.4):
        lines += ["", f"    def prepared(self, path: str) -> {rq}.PreparedRequest:",
                  f'        return {rq}.Request("GET", self.base_url + path).prepare()«N requests_Request_object»']
    return lines


def b_httpx(ctx: Ctx) -> list[str]:
    ctx.need("import httpx")
    topic, kind = ctx.topic(), ctx.rng.randrange(3)
    bad = ctx.bad()
    name = ctx.fresh(f"fetch_{topic}_httpx")
    if kind == 0:
        t = ", timeout=None" if bad else ctx.pick(["", ", timeout=10.0"])
        mark = ctx.site("REL204", "httpx_get", "httpx", bad) if bad else "«N httpx_get_default_timeout»"
        return [f"def {name}(url: str) -> dict:",
                f"    resp = httpx.get(url, follow_redirects=True{t}){mark}",
                "    resp.raise_for_status()", "    return resp.json()"]
    t = "timeout=None" if bad else ctx.pick(["timeout=10.0", "timeout=httpx.Timeout(10.0, connect=5.0)", "http2=False"])
    mark = ctx.site("REL204", "httpx_client_timeout_none", "httpx", bad)
    if kind == 1:
        return [f"def {name}(base_url: str, paths: list[str]) -> list[dict]:",
                f"    with httpx.Client(base_url=base_url, {t}) as client:{mark}",
                "        return [client.get(path).json() for path in paths]«N httpx_client_get»"]
    return [f"async def {name}(url: str) -> dict:",
            f"    async with httpx.AsyncClient({t}) as client:{mark}",
            "        resp = await client.get(url)«N httpx_async_get»",
            "        return resp.json()"]


# --------------------------------------------------------------------------- Pub/Sub


def publisher(ctx: Ctx) -> str:
    style = ctx.prelude.get("pubsub_style", [ctx.pick(["pubsub_v1", "pubsub_v1", "from", "pubsub"])])[0]
    ctx.once("pubsub_style", [style])
    if style == "from":
        ctx.need("from google.cloud.pubsub_v1 import PublisherClient")
        ctor = "PublisherClient()"
    else:
        ctx.need(f"from google.cloud import {style}")
        ctor = f"{style}.PublisherClient()"
    ctx.once("publisher", [f"publisher = {ctor}", f'TOPIC_PATH = publisher.topic_path({ctx.project()}, "{ctx.svc}-events")'])
    return "publisher"


def b_publish(ctx: Ctx) -> list[str]:
    ctx.need("import json")
    pub, topic = publisher(ctx), ctx.topic()
    bad, kind = ctx.bad(), ctx.rng.randrange(5)
    t = ctx.pick([f"timeout={ctx.const('PUBLISH_TIMEOUT_S', '30')}", "30", "timeout=60.0"])
    name = ctx.fresh(f"publish_{topic}")
    head = [f"def {name}(event: dict) -> str:", '    data = json.dumps(event, default=str).encode("utf-8")']
    if kind <= 1:
        return head + [f"    future = {pub}.publish(TOPIC_PATH, data, source=\"{ctx.svc}\")",
                       f"    message_id = future.result({'' if bad else t}){ctx.site('REL205', 'future_var', 'publisher', bad)}",
                       "    return message_id"]
    if kind == 2:
        mark = ctx.site("REL205", "chained", "publisher", bad)
        return head + [f"    return {pub}.publish(TOPIC_PATH, data).result({'' if bad else t}){mark}"]
    if kind == 3:
        return head + [f"    message_id = {pub}.publish({ctx.site('REL205', 'multiline_chain', 'publisher', bad)}",
                       "        TOPIC_PATH,", "        data,", f'        event_type="{topic}",  # routing attribute',
                       f"    ).result({'' if bad else t})", "    return message_id"]
    return [f"def {name}(events: list[dict]) -> int:",
            f"    futures = [{pub}.publish(TOPIC_PATH, json.dumps(e).encode()) for e in events]",
            "    for future in futures:",
            f"        future.result({'' if bad else t}){'«U REL205 futures_list»' if bad else '«N futures_list_timeout»'}",
            "    return len(futures)"]


def b_publisher_class(ctx: Ctx) -> list[str]:
    ctx.need("from google.cloud import pubsub_v1")
    ctx.need("import json")
    bad = ctx.bad()
    return [f"class {ctx.fresh(ctx.topic().title() + 'Notifier')}:", "    def __init__(self, topic_path: str) -> None:",
            "        self.publisher = pubsub_v1.PublisherClient()", "        self.topic_path = topic_path", "",
            "    def notify(self, payload: dict) -> str:",
            "        future = self.publisher.publish(self.topic_path, json.dumps(payload).encode())",
            f"        return future.result({'' if bad else 'timeout=30'}){ctx.site('REL205', 'self_publisher', 'self_attr', bad)}"]


def b_subscriber(ctx: Ctx) -> list[str]:
    ctx.need("from google.cloud import pubsub_v1")
    ctx.need("from concurrent.futures import TimeoutError as FuturesTimeout")
    log, sub = ctx.logger(), ctx.pick(["process", "handle", "consume"])
    timed = ctx.chance(0.4)
    return [f"def listen_{ctx.fresh(ctx.topic())}(subscription: str, callback) -> None:",
            '    """Block on the streaming pull until cancelled."""',
            "    subscriber = pubsub_v1.SubscriberClient()",
            "    streaming_pull_future = subscriber.subscribe(subscription, callback=callback)",
            f'    {log}.info("listening on %s (%s)", subscription, "{sub}")',
            "    with subscriber:", "        try:",
            f"            streaming_pull_future.result({'timeout=3600' if timed else ''})«N streaming_pull_result»",
            "        except (FuturesTimeout, KeyboardInterrupt):", "            streaming_pull_future.cancel()",
            "            streaming_pull_future.result()«N streaming_pull_after_cancel»"]


# --------------------------------------------------------------------------- exceptions, TODOs, secrets, filler


def b_except(ctx: Ctx) -> list[str]:
    ctx.need("from datetime import datetime")
    log, field_ = ctx.logger(), ctx.pick(["created_at", "updated_at", "event_time", "shipped_at"])
    kind = ctx.rng.choices(range(7), weights=[1, 1, 1, 1, 3, 3, 2])[0]
    handler = [
        ["except:«O REL101 bare_except_reraise»", f'    {log}.error("bad {field_}: %r", value)', "    raise"],
        ["except:«O REL101 bare_except_swallow»«O REL102 bare_except_swallow»«O REL104 bare_except_swallow»",
         "    return None"],
        ["except Exception:«O REL102 except_exception_pass»", "    pass", "return None"],
        ["except Exception as exc:«O REL102 except_exception_return_none»«O REL104 except_exception_return_none»",
         "    return None"],
        ["except ValueError:", f'    {log}.warning("unparseable {field_}: %r", value)', "    return None"],
        ["except Exception:", f'    {log}.exception("failed to parse {field_}")', "    raise"],
        ["except (TypeError, ValueError) as exc:", f'    raise ValueError(f"bad {field_}: {{value!r}}") from exc'],
    ][kind]
    return ([f"def parse_{ctx.fresh(field_)}(value: str | None) -> datetime | None:",
             f'    """Parse the {field_} column; None stays None."""', "    if not value:", "        return None"]
            + indent(ctx.todo())
            + ["    try:", '        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S")'] + indent(handler))


def b_loop_except(ctx: Ctx) -> list[str]:
    log = ctx.logger()
    swallow = ctx.bad()
    handler = (["        except Exception:«O REL102 except_exception_continue»", "            continue"] if swallow else
               ["        except KeyError as exc:", f'            {log}.warning("skipping row without %s", exc)', "            continue"])
    return [f"def normalise_{ctx.fresh(ctx.topic())}(rows: list[dict]) -> list[dict]:", "    out = []",
            "    for row in rows:", "        try:",
            '            out.append({"id": str(row["id"]), "amount": round(float(row["amount"]), 2)})'] + handler + [
            "    return out"]


def b_secrets(ctx: Ctx) -> list[str]:
    ctx.need("import os")
    lines = []
    for _ in range(ctx.rng.randint(1, 3)):
        name, value = fake_secret(ctx.rng)
        if ctx.chance(0.35):
            lines.append(f'{name} = "{value}"«O REL301 hardcoded_{name.lower()}»')
        elif ctx.chance(0.5):
            lines.append(f'{name} = os.environ["{name}"]')
        else:
            lines.append(f'{name} = os.getenv("{name}", "")')
    lines.append(f'{ctx.fresh("TOKEN_ENV_VAR")} = "{ctx.pick(["SLACK_BOT_TOKEN", "API_TOKEN"])}"')
    return lines


ALERT_CHANNELS = ["email", "slack", "sentry", "pagerduty", "teams"]


def b_alert_manager(ctx: Ctx) -> list[str]:
    rq = requests_name(ctx)
    ctx.need("from dataclasses import dataclass")
    log = ctx.logger()
    ctx.once("alert_cls", ["@dataclass", "class Alert:", "    title: str", "    severity: str = \"warning\"",
                           "    details: str = \"\""])
    lines = [f"class {ctx.fresh(ctx.svc.title() + 'AlertManager')}:", '    """Fans an alert out to every channel."""', "",
             "    def __init__(self, webhook_url: str, recipients: list[str]) -> None:",
             "        self.webhook_url = webhook_url", "        self.recipients = recipients"]
    for channel in ctx.rng.sample(ALERT_CHANNELS, ctx.rng.randint(2, 4)):
        lines += ["", f"    def send_{channel}(self, alert: Alert) -> None:"]
        if ctx.chance(0.25):
            stub = ctx.pick(["pass", "...", "raise NotImplementedError"])
            if stub != "raise NotImplementedError":  # that one fails loudly: not a silent stub
                lines[-1] += f"«O REL402 todo_stub_{channel}»"
            lines += [f'        """Send the alert to {channel}."""',
                      f"        # TODO: implement {channel} sender«O REL401 todo_in_stub»", f"        {stub}"]
        else:
            bad = ctx.bad()
            t = "" if bad else ", timeout=10"
            mark = ctx.site("REL204", "alert_post", "requests_module" if rq == "requests" else "requests_alias", bad)
            lines += [f'        payload = {{"text": f"[{{alert.severity}}] {{alert.title}}", "channel": "{channel}"}}',
                      f"        resp = {rq}.post(self.webhook_url, json=payload{t}){mark}",
                      "        if resp.status_code >= 400:",
                      f'            {log}.error("{channel} alert failed: %s", resp.status_code)']
    return lines


FILLERS: list[Callable[[Ctx], list[str]]] = []


def filler(fn: Callable[[Ctx], list[str]]) -> Callable[[Ctx], list[str]]:
    FILLERS.append(fn)
    return fn


@filler
def f_record(ctx: Ctx) -> list[str]:
    ctx.need("from dataclasses import dataclass, field")
    name = ctx.fresh(ctx.topic().title().rstrip("s") + "Record")
    fields = ctx.rng.sample(["id: str", "amount: float = 0.0", "currency: str = \"EUR\"", "status: str = \"new\"",
                             "region: str = \"\"", "score: float = 0.0", "source: str = \"api\""], 4)
    fields.sort(key=lambda f: "=" in f)
    keys = [f.split(":")[0] for f in fields]
    defaults = ['""' if ": str" in f else "0" for f in fields]
    return (["@dataclass", f"class {name}:", f'    """One {name[:-6].lower()} as it lands in the warehouse."""']
            + [f"    {f}" for f in fields] + ["    tags: list[str] = field(default_factory=list)", "",
               "    @classmethod", f"    def from_dict(cls, raw: dict) -> \"{name}\":", "        return cls("]
            + [f'            {k}=raw.get("{k}", {default}),' for k, default in zip(keys, defaults, strict=True)]
            + ["        )", "", "    def to_row(self) -> dict:", "        return {"]
            + [f'            "{k}": self.{k},' for k in keys] + ['            "tags": ",".join(self.tags),', "        }"])


@filler
def f_chunked(ctx: Ctx) -> list[str]:
    ctx.need("from typing import Iterable, Iterator")
    return [f"def {ctx.fresh('chunked')}(items: Iterable[dict], size: int = 500) -> Iterator[list[dict]]:",
            f'    """Yield lists of at most size items. {sentence(ctx.rng, 6)}"""', "    batch: list[dict] = []",
            "    for item in items:", "        batch.append(item)", "        if len(batch) >= size:",
            "            yield batch", "            batch = []", "    if batch:", "        yield batch"]


@filler
def f_validate(ctx: Ctx) -> list[str]:
    topic = ctx.topic()
    required = ctx.rng.sample(["id", "amount", "status", "updated_at", "region", "source"], 3)
    return ([f"REQUIRED_{topic.upper()}_FIELDS = ("] + [f'    "{r}",' for r in required] + [")", "", "",
             f"def {ctx.fresh('validate_' + topic)}(row: dict) -> list[str]:",
             f'    """Return the problems found in one {topic} row (empty when valid)."""', "    problems = []",
             f"    for name in REQUIRED_{topic.upper()}_FIELDS:", "        if row.get(name) in (None, \"\"):",
             '            problems.append(f"missing {name}")',
             '    if "amount" in row and not isinstance(row["amount"], (int, float)):',
             '        problems.append("amount is not a number")'] + indent(ctx.todo()) + ["    return problems"])


@filler
def f_stats(ctx: Ctx) -> list[str]:
    ctx.need("import statistics")
    metric = ctx.pick(["latency_ms", "rows_written", "lag_s", "error_rate"])
    return [f"def summarise_{ctx.fresh(metric)}(values: list[float]) -> dict[str, float]:",
            f'    """{sentence(ctx.rng, 8)}"""', "    if not values:", '        return {"count": 0.0}',
            "    ordered = sorted(values)", "    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]",
            "    return {", '        "count": float(len(values)),', '        "mean": statistics.fmean(values),',
            '        "median": statistics.median(values),', '        "p95": p95,', '        "max": ordered[-1],', "    }"]


@filler
def f_config(ctx: Ctx) -> list[str]:
    ctx.need("import os")
    topic = ctx.topic()
    return [f"{ctx.fresh(topic.upper() + '_SETTINGS')} = {{",
            f'    "batch_size": int(os.environ.get("{topic.upper()}_BATCH", "{ctx.rng.choice([100, 500, 1000])}")),',
            f'    "window_days": {ctx.rng.randint(1, 30)},', '    "dry_run": os.environ.get("DRY_RUN") == "1",',
            f'    "table": "{topic}_{ctx.pick(["raw", "clean", "daily"])}",', "}"]


@filler
def f_cli(ctx: Ctx) -> list[str]:
    ctx.need("import argparse")
    return [f"def {ctx.fresh('parse_args')}(argv: list[str] | None = None) -> argparse.Namespace:",
            f'    parser = argparse.ArgumentParser(description="{sentence(ctx.rng, 5)}")',
            '    parser.add_argument("--run-date", required=True, help="YYYY-MM-DD partition to process")',
            '    parser.add_argument("--dry-run", action="store_true")',
            f'    parser.add_argument("--limit", type=int, default={ctx.rng.choice([1000, 50000])})',
            "    return parser.parse_args(argv)"]


@filler
def f_retry(ctx: Ctx) -> list[str]:
    ctx.need("import time")
    ctx.need("import functools")
    log = ctx.logger()
    return [f"def {ctx.fresh('with_retries')}(attempts: int = 3, delay: float = 2.0):",
            '    """Retry the wrapped call with exponential backoff, then re-raise."""', "    def decorate(fn):",
            "        @functools.wraps(fn)", "        def wrapper(*args, **kwargs):", "            for attempt in range(attempts):",
            "                try:", "                    return fn(*args, **kwargs)",
            "                except Exception as exc:  # re-raised on the last attempt",
            "                    if attempt == attempts - 1:", "                        raise",
            f'                    {log}.warning("attempt %d failed: %s", attempt + 1, exc)',
            "                    time.sleep(delay * 2 ** attempt)", "        return wrapper", "    return decorate"]


@filler
def f_transform(ctx: Ctx) -> list[str]:
    topic, n = ctx.topic(), ctx.rng.randint(3, 8)
    keys = ctx.rng.sample(["id", "name", "amount", "region", "status", "score", "source", "country", "sku"], 3)
    body = [f'        "{k}": row.get("{k}"),' for k in keys]
    body += [f'        "bucket_{i}": (row.get("score") or 0) > {i / n:.2f},' for i in range(1, n)]
    return ([f"def {ctx.fresh('flatten_' + topic)}(row: dict) -> dict:",
             f'    """Flatten one raw {topic} payload. {sentence(ctx.rng, 7)}"""', "    return {"] + body + ["    }"])


def b_main(ctx: Ctx) -> list[str]:
    log = ctx.logger()
    return ["def main() -> int:", f'    {log}.info("{ctx.svc} job starting")', "    return 0", "", "",
            'if __name__ == "__main__":', "    raise SystemExit(main())"]


# --------------------------------------------------------------------------- roles and files


Block = Callable[[Ctx], list[str]]


def role_blocks(role: str, bq: BQStyle) -> list[tuple[int, Block]]:
    def bqf(c: Ctx) -> list[str]:
        return b_bq_function(c, bq)

    def bqc(c: Ctx) -> list[str]:
        return b_bq_class(c, bq)

    def bqd(c: Ctx) -> list[str]:
        return b_bq_dataclass(c, bq)

    table: dict[str, list[tuple[int, Block]]] = {
        "bq_loader": [(8, bqf), (3, bqc), (1, bqd), (1, b_storage), (1, b_pandas), (1, b_futures), (1, b_except)],
        "scraper": [(6, b_http_function), (2, b_scraper_class), (2, b_httpx), (1, bqf), (1, b_except), (1, b_loop_except)],
        "orchestration": [(5, b_publish), (1, b_publisher_class), (2, b_subscriber), (2, b_futures), (1, bqf), (1, b_asyncio)],
        "worker": [(3, bqf), (1, bqc), (2, b_http_function), (2, b_publish), (1, b_subscriber), (2, b_futures), (1, b_loop_except)],
        "alerts": [(3, b_alert_manager), (2, b_secrets), (1, b_http_function), (1, b_except)],
        "utils": [(3, b_except), (2, b_loop_except), (1, b_sqlalchemy), (1, b_pandas), (1, b_storage), (1, b_secrets), (1, b_datastore)],
        "models": [(2, b_sqlalchemy), (2, b_datastore), (2, b_pandas), (1, b_other_client), (1, b_asyncio), (1, b_httpx), (1, b_futures)],
    }
    return table[role]


ROLE_TITLES = {"bq_loader": "BigQuery loaders", "scraper": "Scrapers", "orchestration": "Pub/Sub orchestration",
               "worker": "Prediction worker", "alerts": "Alert manager", "utils": "Shared helpers",
               "models": "Storage models and queries"}
ROLES = [(24, "bq_loader"), (18, "scraper"), (12, "orchestration"), (13, "worker"), (8, "alerts"),
         (15, "utils"), (10, "models")]


NAME_KEYS = ("global_name", "pubsub_style", "requests_name")


def assemble(ctx: Ctx, head: list[str], blocks: list[list[str]]) -> str:
    lines = list(head)
    imports = sorted(ctx.imports, key=lambda s: s.split()[1])
    froms = [f"from {m} import {', '.join(sorted(n))}" for m, n in sorted(ctx.from_imports.items())]
    lines += [""] + imports + ([""] if imports and froms else []) + froms + [""]
    lines += list(ctx.consts.values())
    defs = [b for k, b in ctx.prelude.items() if b[0].startswith(("def ", "@", "class "))]
    lines += [line for k, b in ctx.prelude.items() if k not in NAME_KEYS and b not in defs
              for line in b]
    for block in defs:
        lines += ["", ""] + block
    for block in blocks:
        lines += ["", ""] + block
    return "\n".join(lines) + "\n"


def python_file(ctx: Ctx, role: str) -> str:
    rng = ctx.rng
    target = int(min(390, max(60, rng.lognormvariate(5.1, 0.5))))
    head = [f'"""{ROLE_TITLES[role]} for the {ctx.svc} pipeline.', "", sentence(rng, 12), '"""']
    head += ["from __future__ import annotations"] if rng.random() < 0.5 else []
    bq = weighted(rng, BQ_STYLES)
    table = role_blocks(role, bq)
    blocks: list[list[str]] = []
    total = 14
    while total < target:
        gen = weighted(rng, table) if rng.random() < 0.6 else rng.choice(FILLERS)
        block = gen(ctx)
        if total + len(block) > 380 and total >= 50:
            break
        blocks.append(block)
        total += len(block) + 2
    if rng.random() < 0.2:
        blocks.append(b_main(ctx))
    while len(text := assemble(ctx, head, blocks).split("\n")) > 401 and len(blocks) > 1:
        blocks.pop(-2 if blocks[-1][0] == "def main() -> int:" else -1)
    return "\n".join(text)


def yaml_file(ctx: Ctx) -> str:
    rng, stage = ctx.rng, ctx.pick(STAGES)
    lines = [f"# Pipeline configuration for {ctx.svc} ({stage})", f"service: {ctx.svc}", f"environment: {stage}",
             "bigquery:", f"  project: acme-{ctx.svc}-{stage}", f"  dataset: {ctx.svc}_warehouse", "  location: EU",
             f"  query_timeout_s: {rng.choice([120, 300, 600])}", "jobs:"]
    for _ in range(rng.randint(4, 30)):
        topic = ctx.topic()
        lines += [f"  - name: {ctx.fresh(topic)}", f"    schedule: \"{rng.randint(0, 59)} {rng.randint(0, 23)} * * *\"",
                  f"    source: https://api.example.com/v2/{topic}", f"    table: {topic}_raw",
                  f"    retries: {rng.randint(0, 5)}"]
    lines += ["alerts:", "  email: data-oncall@example.com"]
    if ctx.chance(0.3):
        name, value = fake_secret(rng)
        lines.append(f"  {name.lower()}: {value}«O REL302 yaml_{name.lower()}»")
    else:
        lines.append("  slack_webhook_url: ${SLACK_WEBHOOK_URL}")
    return "\n".join(lines) + "\n"


def toml_file(ctx: Ctx) -> str:
    rng = ctx.rng
    lines = [f"# {ctx.svc} job settings", "[pipeline]", f'name = "{ctx.svc}"', f"workers = {rng.randint(1, 16)}", ""]
    for _ in range(rng.randint(4, 20)):
        topic = ctx.topic()
        lines += [f"[sources.{ctx.fresh(topic)}]", f'url = "https://api.example.com/v1/{topic}"',
                  f"timeout_s = {rng.choice([10, 30, 60])}", f"page_size = {rng.choice([100, 250, 1000])}", ""]
    lines += ["[credentials]"]
    if ctx.chance(0.3):
        name, value = fake_secret(rng)
        lines.append(f'{name.lower()} = "{value}"«O REL302 toml_{name.lower()}»')
    else:
        lines.append('api_key_env = "PIPELINE_API_KEY"')
    return "\n".join(lines) + "\n"


def env_file(ctx: Ctx, example: bool) -> str:
    lines = [f"# {ctx.svc} environment{' (copy to .env and fill in)' if example else ''}",
             f"GCP_PROJECT=acme-{ctx.svc}", "BQ_DATASET=warehouse", f"LOG_LEVEL={ctx.pick(['INFO', 'DEBUG'])}"]
    if not example:
        lines[0] += "«O REL303 committed_env_file»"
    for _ in range(ctx.rng.randint(2, 8)):
        name, value = fake_secret(ctx.rng)
        if example and not ctx.chance(0.15):
            lines.append(f"{name}={ctx.pick(['changeme', '', '<your-token-here>', 'xxx'])}")
        else:
            lines.append(f"{name}={value}«O REL302 env_{name.lower()}»")
    return "\n".join(lines) + "\n"


def markdown_file(ctx: Ctx) -> str:
    rng = ctx.rng
    lines = [f"# {ctx.svc.title()} runbook", "", sentence(rng, 14), ""]
    for _ in range(rng.randint(3, 12)):
        topic = ctx.topic()
        lines += [f"## {ctx.fresh(topic).replace('_', ' ').title()}", "", sentence(rng, rng.randint(8, 20)), "",
                  f"- table: `{ctx.svc}_warehouse.{topic}`", f"- owner: data-{ctx.svc}@example.com", ""]
        if rng.random() < 0.4:
            lines += ["```python", "rows = client.query(sql).result(timeout=300)", "```", ""]
    lines += ["## Credentials", ""]
    if ctx.chance(0.25):
        name, value = fake_secret(rng)
        lines += ["```bash", f"export {name}={value}«O REL302 markdown_{name.lower()}»", "```"]
    else:
        lines += ["Secrets live in Secret Manager; never paste them here.", "", "```bash",
                  "export SLACK_BOT_TOKEN=$(gcloud secrets versions access latest --secret=slack-bot-token)", "```"]
    return "\n".join(lines) + "\n"


def make_file(seed: int, i: int) -> tuple[str, str]:
    """(relative path, text with markers) of file i; depends only on (seed, i)."""
    rng = random.Random(f"{seed}/{i}")
    svc = rng.choice(SERVICES)
    ctx = Ctx(rng, bad_rate=rng.choice([0.05, 0.15, 0.3, 0.5]), svc=svc)
    roll = rng.random()
    if random.Random(f"{seed}/{i}/xmod").random() < XMOD_SHARE:
        return corpus_xmod.consumer(random.Random(f"{seed}/{i}/xmod/body"), i)
    if random.Random(f"{seed}/{i}/waits").random() < WAITS_SHARE:
        return corpus_waits.module(random.Random(f"{seed}/{i}/waits/body"), i)
    if roll < 0.035:
        return f"docs/{svc}/{rng.choice(TOPICS)}_{i:05d}.md", markdown_file(ctx)
    if roll < 0.065:
        return f"services/{svc}/config/{rng.choice(STAGES)}_{i:05d}.yaml", yaml_file(ctx)
    if roll < 0.08:
        return f"services/{svc}/config/jobs_{i:05d}.toml", toml_file(ctx)
    if roll < 0.093:
        return f"services/{svc}/deploy/{i:05d}/.env.example", env_file(ctx, example=True)
    if roll < 0.1:
        return f"services/{svc}/deploy/{i:05d}/.env", env_file(ctx, example=False)
    role = (weighted(rng, ROLES))
    return f"services/{svc}/{role}/{rng.choice(TOPICS)}_{role}_{i:05d}.py", python_file(ctx, role)


def strip_markers(text: str, path: str, truth: Truth, offset: int) -> str:
    """Remove the markers, recording each at its line (shifted by offset prepended lines)."""
    out = []
    for row, line in enumerate(text.split("\n"), start=1 + offset):
        for kind, payload in MARK.findall(line):
            parts = payload.split()
            if kind == "N":
                truth["negatives"].append({"file": path, "line": row, "kind": parts[0]})
            else:
                key = {"D": "defects", "U": "unscored", "O": "other"}[kind]
                truth[key].append({"file": path, "line": row, "code": parts[0], "kind": parts[1]})
        out.append(MARK.sub("", line))
    return "\n".join(out)


def encode(text: str, path: str, rng: random.Random) -> tuple[bytes, int]:
    """Bytes of a file and the lines prepended: a few CRLF, BOM and coding-cookie files."""
    roll = rng.random() if path.endswith(".py") else 1.0
    if roll < 0.02:
        return text.replace("\n", "\r\n").encode("utf-8"), 0
    if roll < 0.03:
        return b"\xef\xbb\xbf" + text.encode("utf-8"), 0
    if roll < 0.06:
        return b"# -*- coding: utf-8 -*-\n" + text.encode("utf-8"), 1
    return text.encode("utf-8"), 0


def generate(out: Path, files: int = DEFAULT_FILES, seed: int = DEFAULT_SEED) -> Truth:
    if out.exists() and any(out.iterdir()):
        if not (out / "ground_truth.json").exists():
            sys.exit(f"corpus.py: {out} is not empty and holds no ground_truth.json; refusing to overwrite")
        shutil.rmtree(out)
    truth: Truth = {"seed": seed, "files": files, "python_files": 0,
                   "defects": [], "negatives": [], "unscored": [], "other": []}
    for i in range(files):
        path, text = make_file(seed, i)
        rng = random.Random(f"{seed}/{i}/encoding")
        data, offset = encode(MARK.sub("", text), path, rng)
        strip_markers(text, path, truth, offset)
        truth["python_files"] += path.endswith(".py")
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for path, text in {**corpus_xmod.SHARED, **corpus_waits.SHARED}.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (out / "services" / "__init__.py").write_text("")
    auth = corpus_auth.generate(out, max(2, files // AUTH_SETS_PER_FILES), seed)
    truth["auth_defects"], truth["auth_negatives"] = auth["defects"], auth["negatives"]
    truth["other"] += auth["other"]
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True) + "\n")
    return truth


# --------------------------------------------------------------------------- verification

EXPECTED = {"REL201": {"result", "to_dataframe"}, "REL202": {"query", "query_and_wait", "get_table", "insert_rows_json",
            "delete_table", "get_dataset", "list_tables", "list_rows", "copy_table", "load_table_from_uri"},
            "REL203": {"query_and_wait"}, "REL204": {"get", "post", "request", "Client", "AsyncClient"},
            "REL205": {"result"}}
TIMEOUT_KW = {"REL203": "wait_timeout"}


def call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def lacks_timeout(node: ast.Call, code: str) -> bool:
    kw = {k.arg: k.value for k in node.keywords}
    if None in kw:
        return False
    timeout = kw.get("timeout")
    if code == "REL204" and isinstance(timeout, ast.Constant) and timeout.value is None:
        return True
    if code == "REL205" and node.args:
        return False
    return TIMEOUT_KW.get(code, "timeout") not in kw


def verify(out: Path) -> list[str]:
    """Every .py compiles; every REL2xx entry points at a matching call (or for-loop) start."""
    truth = json.loads((out / "ground_truth.json").read_text())
    problems: list[str] = []
    sites: dict[str, dict[int, list[ast.AST]]] = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if "«" in path.read_text("utf-8-sig") or "»" in path.read_text("utf-8-sig"):
            problems.append(f"{rel}: a marker was left in the file")
        if path.suffix != ".py":
            continue
        try:
            tree = ast.parse(path.read_bytes(), rel)
            compile(tree, rel, "exec")
        except SyntaxError as exc:
            problems.append(f"{rel}: does not compile: {exc}")
            continue
        by_line: dict[int, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                by_line.setdefault(node.lineno, []).append(node)
            elif isinstance(node, (ast.For, ast.comprehension)):
                by_line.setdefault(node.iter.lineno, []).append(node)
        sites[rel] = by_line
    negative_lines = {(n["file"], n["line"]) for n in truth["negatives"]}
    entries = [(e, True) for e in truth["defects"]] + [(e, False) for e in truth["unscored"] + truth["negatives"]]
    for entry, planted in entries:
        if entry["kind"].startswith("waits_"):
            continue  # issue 12's shapes are not calls only: bench/run.py scores them per rule
        code, where = entry.get("code"), f"{entry['file']}:{entry['line']} {entry.get('code', 'N')} {entry['kind']}"
        nodes = sites.get(entry["file"], {}).get(entry["line"], [])
        if code is None:
            if not any(isinstance(n, ast.Call) for n in nodes):
                problems.append(f"{where}: no call starts on this line")
            continue
        calls = [n for n in nodes if isinstance(n, ast.Call) and call_name(n) in EXPECTED[code]]
        loops = [n for n in nodes if not isinstance(n, ast.Call)] if code == "REL201" else []
        if planted and (entry["file"], entry["line"]) in negative_lines:
            problems.append(f"{where}: also marked negative")
        if planted and not loops and not any(lacks_timeout(c, code) for c in calls):
            problems.append(f"{where}: no matching call without a timeout")
        if not calls and not loops:
            problems.append(f"{where}: no matching call starts on this line")
    return problems


def summary(truth: Truth) -> str:
    lines = [f"{truth['files']} files ({truth['python_files']} Python), seed {truth['seed']}"]
    for key in ("defects", "unscored", "other"):
        counts = Counter(e["code"] for e in truth[key])
        lines.append(f"  {key:9} " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
    lines.append(f"  negatives {len(truth['negatives'])} call sites")
    auth = Counter(e["code"] for e in truth.get("auth_defects", []))
    lines.append("  auth      " + ", ".join(f"{c} {n}" for c, n in sorted(auth.items()))
                 + f"; {len(truth.get('auth_negatives', []))} look-alikes")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output directory (replaced if it holds a previous corpus)")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--verify", action="store_true", help="check that ground truth points at the right calls")
    args = parser.parse_args(argv)
    truth = generate(args.out, args.files, args.seed)
    print(summary(truth))
    if args.verify:
        problems = verify(args.out)
        for problem in problems:
            print("verify:", problem)
        print(f"verify: {'OK' if not problems else f'{len(problems)} problems'}")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
