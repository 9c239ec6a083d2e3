"""Load raw partner files from the raw bucket into BigQuery staging tables.

stg_<partner> is append-only; swap_in() rebuilds the partner's slice of
stg_all from it once all of a run's files are loaded.
"""

import logging

from google.cloud import bigquery
from google.cloud import storage

from pipeline import settings

logger = logging.getLogger(__name__)

STAGING_SCHEMA = [
    bigquery.SchemaField("partner", "STRING", mode="REQUIRED"),
    bigquery.SchemaField("listing_id", "STRING", mode="REQUIRED"),
    bigquery.SchemaField("price", "NUMERIC"),
    bigquery.SchemaField("sqft", "INT64"),
    bigquery.SchemaField("listed_at", "TIMESTAMP"),
    bigquery.SchemaField("scraped_at", "TIMESTAMP", mode="REQUIRED"),
]


class StagingLoader:
    def __init__(self):
        self.client = bigquery.Client()
        self.dataset = f"{settings.GCP_PROJECT}.{settings.BQ_DATASET}"

    def _job_config(self) -> bigquery.LoadJobConfig:
        return bigquery.LoadJobConfig(
            schema=STAGING_SCHEMA,
            source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
            ignore_unknown_values=True,
        )

    def pending_uris(self, partner: str) -> list:
        """Files in the raw bucket that have not been loaded yet."""
        gcs = storage.Client(project=settings.GCP_PROJECT)
        blobs = gcs.list_blobs(settings.RAW_BUCKET, prefix=f"{partner}/")
        return [f"gs://{settings.RAW_BUCKET}/{b.name}" for b in blobs if not b.metadata]

    def load_partner_file(self, partner: str, uri: str) -> int:
        table_id = f"{self.dataset}.stg_{partner}"
        load_job = self.client.load_table_from_uri(
            uri,
            table_id,
            job_config=self._job_config(),
        )
        load_job.result()
        logger.info("loaded %s rows from %s into %s", load_job.output_rows, uri, table_id)
        return load_job.output_rows

    def load_all(self, partner: str, uris: list) -> list:
        """Load every file; return the URIs that failed."""
        failed = []
        for uri in uris:
            try:
                self.load_partner_file(partner, uri)
            except Exception:
                logger.exception("load failed for %s", uri)
                failed.append(uri)
        return failed

    def swap_in(self, partner: str) -> None:
        """Replace the partner's rows in stg_all with the fresh staging copy."""
        tmp_table = f"{self.dataset}._tmp_stg_all_{partner}"
        sql = f"""
            CREATE OR REPLACE TABLE `{tmp_table}` AS
            SELECT * FROM `{self.dataset}.stg_all` WHERE partner != @partner
            UNION ALL
            SELECT * FROM `{self.dataset}.stg_{partner}`
        """
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter("partner", "STRING", partner)]
        )
        try:
            self.client.query(sql, job_config=job_config).result()
            copy_job = self.client.copy_table(
                tmp_table,
                f"{self.dataset}.stg_all",
                job_config=bigquery.CopyJobConfig(write_disposition="WRITE_TRUNCATE"),
                timeout=60,
            )
            copy_job.result(timeout=600)
        except:
            # don't leave a half-built temp table around, the next run would pick it up
            self.client.delete_table(tmp_table, not_found_ok=True, timeout=30)
            raise
        self.client.delete_table(tmp_table, not_found_ok=True, timeout=30)
