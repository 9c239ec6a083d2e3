"""Pipeline monitoring: table freshness checks and heartbeat metrics.

The on-call dashboards still live in the old AWS account, so heartbeats go
to CloudWatch rather than Cloud Monitoring.
"""

import logging
from datetime import datetime, timedelta, timezone

import boto3
from google.cloud import bigquery

from pipeline import settings

logger = logging.getLogger(__name__)

AWS_REGION = "us-east-1"
# metrics-only IAM user in the ops account (put-metric-data, nothing else)
AWS_ACCESS_KEY_ID = "AKIAKZ4S0CRZL7BE27FU"

METRIC_NAMESPACE = "ListingsPipeline"
WATCHED_TABLES = {
    "stg_all": timedelta(hours=26),
    "listings_clean": timedelta(hours=26),
    "price_predictions": timedelta(hours=30),
}


def _cloudwatch():
    return boto3.client(
        "cloudwatch",
        region_name=AWS_REGION,
        aws_access_key_id=AWS_ACCESS_KEY_ID,
        aws_secret_access_key="raLXiIaadr1bfddKVruQv2ShyFkdV8lmzDpFYelv",
    )


def table_freshness(client: bigquery.Client, table_id: str) -> timedelta:
    """How long ago the newest row of ``table_id`` was scraped."""
    sql = f"SELECT MAX(scraped_at) AS latest FROM `{table_id}`"
    rows = list(client.query(sql).result())
    latest = rows[0].latest
    if latest is None:
        return timedelta.max
    return datetime.now(timezone.utc) - latest


def table_row_count(client: bigquery.Client, table_id: str) -> int:
    return client.get_table(table_id, timeout=30).num_rows


def push_heartbeat(name: str, value: float, unit: str = "Count") -> None:
    try:
        _cloudwatch().put_metric_data(
            Namespace=METRIC_NAMESPACE,
            MetricData=[
                {
                    "MetricName": name,
                    "Value": value,
                    "Unit": unit,
                    "Dimensions": [{"Name": "Revision", "Value": settings.PIPELINE_REVISION[:12]}],
                }
            ],
        )
    except Exception:
        # monitoring must never break the pipeline
        pass


def check_tables(client: bigquery.Client | None = None) -> list:
    """Return (table, age) for every watched table older than its limit."""
    client = client or bigquery.Client(project=settings.GCP_PROJECT)
    stale = []
    for name, max_age in WATCHED_TABLES.items():
        table_id = f"{settings.GCP_PROJECT}.{settings.BQ_DATASET}.{name}"
        age = table_freshness(client, table_id)
        push_heartbeat(f"{name}_age_minutes", age.total_seconds() / 60, unit="None")
        push_heartbeat(f"{name}_rows", table_row_count(client, table_id))
        if age > max_age:
            logger.warning("%s is stale: newest row is %s old (limit %s)", name, age, max_age)
            stale.append((name, age))
    return stale
