"""Daily BigQuery processors: stg_all -> listings_clean -> listing_features."""

import logging
from datetime import date, datetime
from typing import Optional

import pandas as pd
from google.cloud import bigquery

from pipeline import settings

logger = logging.getLogger(__name__)

client = bigquery.Client(project=settings.GCP_PROJECT)

DATASET = f"{settings.GCP_PROJECT}.{settings.BQ_DATASET}"

# TODO(PIPE-77): move the price bands into config/pipeline.yaml
MIN_PRICE = 1_000
MAX_PRICE = 20_000_000

DEDUPE_SQL = f"""
CREATE OR REPLACE TABLE `{DATASET}.listings_clean`
PARTITION BY DATE(scraped_at) AS
SELECT * EXCEPT(rn) FROM (
  SELECT *, ROW_NUMBER() OVER (
    PARTITION BY partner, listing_id ORDER BY scraped_at DESC
  ) AS rn
  FROM `{DATASET}.stg_all`
  # TODO: add a partition filter once stg_all is partitioned
)
WHERE rn = 1 AND price BETWEEN {MIN_PRICE} AND {MAX_PRICE}
"""


def parse_event_time(value: Optional[str]) -> Optional[datetime]:
    """Parse a partner timestamp (ISO 8601, sometimes with a trailing Z)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except Exception as e:
        return None


def run_dedupe() -> None:
    logger.info("dedupe: rebuilding listings_clean")
    # this is the step that sat for 9 hours on 2024-02-12 when BQ slots were exhausted
    client.query(DEDUPE_SQL).result()
    logger.info("dedupe: done")


def recent_price_changes(days: int = 7) -> list:
    sql = f"""
        SELECT partner, listing_id, price, LAG(price) OVER w AS prev_price, scraped_at
        FROM `{DATASET}.stg_all`
        WHERE scraped_at > TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL {int(days)} DAY)
        WINDOW w AS (PARTITION BY partner, listing_id ORDER BY scraped_at)
    """
    job = client.query(sql)
    changes = []
    for row in job:
        if row.prev_price is not None and row.price != row.prev_price:
            changes.append(dict(row.items()))
    return changes


def feature_frame(day: date) -> pd.DataFrame:
    sql = f"""
        SELECT listing_id, partner, price, sqft, listed_at, scraped_at
        FROM `{DATASET}.listings_clean`
        WHERE DATE(scraped_at) = @day
    """
    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("day", "DATE", day)]
    )
    job = client.query(sql, job_config=job_config)
    df = job.to_dataframe()
    # FIXME: rentwatch sends sqft in m2 for the EU listings, convert before this filter
    df = df.query("sqft > 100")
    df["listed_at"] = df["listed_at"].astype(str).map(parse_event_time)
    df["price_per_sqft"] = df["price"] / df["sqft"]
    df["days_on_market"] = (pd.Timestamp(day, tz="UTC") - pd.to_datetime(df["listed_at"], utc=True)).dt.days
    return df


def write_features(df: pd.DataFrame, day: date) -> int:
    table_id = f"{DATASET}.listing_features${day:%Y%m%d}"
    job_config = bigquery.LoadJobConfig(write_disposition="WRITE_TRUNCATE")
    load_job = client.load_table_from_dataframe(df, table_id, job_config=job_config)
    load_job.result(timeout=900)
    return load_job.output_rows


def partner_row_counts(bq: bigquery.Client, day: date) -> dict:
    sql = f"SELECT partner, COUNT(*) AS n FROM `{DATASET}.listings_clean` WHERE DATE(scraped_at) = @day GROUP BY partner"
    job_config = bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter("day", "DATE", day)]
    )
    rows = bq.query(sql, job_config=job_config, timeout=60).result(timeout=300)
    return {row.partner: row.n for row in rows}


def run_daily(day: date) -> list:
    """Run every processor step for ``day``; return the listing ids that need a prediction."""
    try:
        run_dedupe()
        df = feature_frame(day)
        write_features(df, day)
    except Exception as exc:
        raise RuntimeError(f"daily processing failed for {day}") from exc
    logger.info("row counts for %s: %s", day, partner_row_counts(client, day))
    return df["listing_id"].tolist()
