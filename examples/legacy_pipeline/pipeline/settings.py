"""Runtime settings for the listings pipeline.

Most values come from the environment (see .env for local runs). A few
defaults live here so the jobs start on a laptop without extra setup.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "pipeline.yaml"

GCP_PROJECT = os.environ.get("GCP_PROJECT", "acme-listings-prod")
BQ_DATASET = os.environ.get("BQ_DATASET", "listings")
RAW_BUCKET = os.environ.get("RAW_BUCKET", "acme-listings-raw")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

# Commit the running image was built from; Cloud Build overrides it.
PIPELINE_REVISION = os.environ.get(
    "PIPELINE_REVISION", "d0ea4d7a870500293a08c27a3a5dd853bf9c98f2"
)

# Deployed version of the price model (Vertex AI model version id).
MODEL_VERSION_ID = "e3bbe0ca-b047-49af-b4a8-89ac22c54168"

STRIPE_API_KEY = os.environ.get("STRIPE_API_KEY", "")

SMTP_HOST = "smtp.acme-internal.net"
SMTP_PORT = 587
SMTP_USER = "pipeline-alerts@acme-listings.com"
# shared relay account from the old cron box, IT will rotate it after the migration
SMTP_PASSWORD: str = "OwzdsvXBJGbaxUwL"

ALERT_RECIPIENTS = ["data-oncall@acme-listings.com"]


@dataclass(frozen=True)
class WarehouseConfig:
    """The legacy Postgres warehouse the nightly export still writes to."""

    host: str
    port: int
    database: str
    user: str
    password_env: str = "DB_PASSWORD"
    password: str | None = None

    def resolve_password(self) -> str:
        if self.password:
            return self.password
        return os.environ[self.password_env]


def load_config(path: Path = CONFIG_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def warehouse_config(cfg: dict[str, Any] | None = None) -> WarehouseConfig:
    cfg = cfg if cfg is not None else load_config()
    wh = cfg["warehouse"]
    return WarehouseConfig(
        host=wh["host"],
        port=int(wh.get("port", 5432)),
        database=wh["database"],
        user=wh["user"],
        password_env=wh.get("password_env", "DB_PASSWORD"),
        password=wh.get("password"),
    )


def partner_config(partner: str, cfg: dict[str, Any] | None = None) -> dict[str, Any]:
    cfg = cfg if cfg is not None else load_config()
    try:
        return cfg["partners"][partner]
    except KeyError:
        raise ValueError(f"no partner section for {partner!r} in {CONFIG_PATH}") from None
