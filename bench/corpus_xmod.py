"""Cross-module shapes for the benchmark corpus (issue 11): clients made in a shared package
and used from other modules, with look-alikes that resolve to other types through it.

`SHARED` is written once per corpus; `consumer(rng, i)` makes one module that imports from it,
with the markers of corpus.py («D CODE kind», «N kind»), kinds prefixed `xmod_`.
"""
from __future__ import annotations

import random

SHARED = {
    "services/shared/__init__.py": "from .bq import get_client, shared_client\nfrom .mixins import *\n",
    "services/shared/bq.py": '''\
from typing import Optional

import pandas as pd
import sqlalchemy
from google.cloud import bigquery


class BaseProcessor:
    def __init__(self, project: str = "example-project") -> None:
        self.bq_client = bigquery.Client(project=project)


class Holder:
    def __init__(self) -> None:
        self.processor = BaseProcessor()


def get_client() -> bigquery.Client:
    return bigquery.Client()


def plain_client():
    return bigquery.Client()


def maybe_client(project: Optional[str] = None) -> Optional[bigquery.Client]:
    return bigquery.Client(project=project) if project else None


shared_client = bigquery.Client()


class Warehouse:
    """Wraps BigQuery and bounds every wait itself."""

    def __init__(self) -> None:
        self._client = bigquery.Client()

    def rows(self, sql: str):
        return self._client.query(sql, timeout=30).result(timeout=600)


def frame() -> pd.DataFrame:
    return pd.DataFrame()


engine = sqlalchemy.create_engine("sqlite://")
''',
    "services/shared/mixins.py": '''\
from google.cloud import bigquery

__all__ = ["ClientMixin", "Named"]


class Named:
    name = "job"


class ClientMixin:
    client: bigquery.Client
''',
}

_DEFECTS = [
    ("xmod_base_attr", ["class {C}(BaseProcessor):", "    def run(self, sql):",
                        "        return self.bq_client.query(sql, timeout=60).result()«D REL201 xmod_base_attr»"]),
    ("xmod_factory", ["def {f}(sql):", "    return get_client().query(sql, timeout=60).result()«D REL201 xmod_factory»"]),
    ("xmod_plain_factory", ["def {f}(sql):",
                            "    job = plain_client().query(sql, timeout=60)",
                            "    return job.to_dataframe()«D REL201 xmod_plain_factory»"]),
    ("xmod_singleton", ["def {f}(sql):", "    return shared_client.query(sql, timeout=60).result()«D REL201 xmod_singleton»"]),
    ("xmod_request", ["def {f}(sql):", "    return shared_client.query(sql)«D REL202 xmod_request»"]),
    ("xmod_attr_of_attr", ["def {f}(holder: Holder, sql):",
                           "    return holder.processor.bq_client.query(sql, timeout=60).result()«D REL201 xmod_attr_of_attr»"]),
    ("xmod_mixin", ["class {C}(Named, ClientMixin):", "    def run(self, sql):",
                    "        return self.client.query(sql, timeout=60).result()«D REL201 xmod_mixin»"]),
    ("xmod_optional", ["def {f}(sql):", "    client = maybe_client('example')", "    if client is None:", "        return None",
                       "    return client.query(sql, timeout=60).result()«D REL201 xmod_optional»"]),
    ("xmod_package", ["def {f}(sql):", "    return shared.get_client().query(sql, timeout=60).result()«D REL201 xmod_package»"]),
]
_LOOKALIKES = [
    ["def {f}(sql):", "    return Warehouse().rows(sql)«N xmod_wrapper»"],
    ["def {f}(sql):", "    rows = Warehouse().rows(sql)", "    return rows.to_dataframe()«N xmod_wrapper_rows»"],
    ["def {f}(sql):", "    return frame().query(sql).to_dataframe()«N xmod_pandas»"],
    ["def {f}(sql):", "    return engine.connect().execute(sql).result()«N xmod_sqlalchemy»"],
    ["def {f}(sql):", "    return shared_client.query(sql, timeout=60).result(timeout=600)«N xmod_bounded»"],
]
_HEADER = [
    "from services import shared",
    "from services.shared import get_client, shared_client",
    "from services.shared.bq import BaseProcessor, Holder, Warehouse, engine, frame, maybe_client, plain_client",
    "from services.shared import ClientMixin, Named",
    "",
]


def consumer(rng: random.Random, i: int) -> tuple[str, str]:
    """(path, text with markers) of a module that uses the shared package."""
    lines = ['"""Jobs that use the shared BigQuery clients."""', *_HEADER]
    blocks = rng.sample(_DEFECTS, 3) + rng.sample(_LOOKALIKES, 2)
    rng.shuffle(blocks)
    for n, block in enumerate(blocks):
        template = block[1] if isinstance(block, tuple) else block
        lines += ["", *(line.format(f=f"job_{i}_{n}", C=f"Job{i}x{n}") for line in template), ""]
    return f"services/jobs/xmod_{i:05d}.py", "\n".join(lines) + "\n"
