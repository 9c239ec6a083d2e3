"""Prediction worker.

Pulls listing batches from the ``listings-predict`` subscription, scores them
with the price model and appends the predictions to BigQuery. Runs as a Cloud
Run job that is restarted every hour, so it pulls for RUN_SECONDS and exits.
"""

import json
import logging
from concurrent.futures import TimeoutError

import joblib
from google.cloud import bigquery, pubsub_v1

from pipeline import settings

logger = logging.getLogger(__name__)

SUBSCRIPTION = f"projects/{settings.GCP_PROJECT}/subscriptions/listings-predict-worker"
PREDICTIONS_TABLE = f"{settings.GCP_PROJECT}.{settings.BQ_DATASET}.price_predictions"
FEATURES = ["sqft", "price_per_sqft", "days_on_market"]
RUN_SECONDS = 55 * 60


class PredictionWorker:
    def __init__(self, model_path: str = "/models/price_model.joblib"):
        self.bq = bigquery.Client(project=settings.GCP_PROJECT)
        self.model = joblib.load(model_path)
        self.model_version = settings.MODEL_VERSION_ID

    def _features(self, listing_ids: list):
        sql = f"""
            SELECT listing_id, {", ".join(FEATURES)}
            FROM `{settings.GCP_PROJECT}.{settings.BQ_DATASET}.listing_features`
            WHERE listing_id IN UNNEST(@ids)
        """
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ArrayQueryParameter("ids", "STRING", listing_ids)]
        )
        return self.bq.query(sql, job_config=job_config, timeout=30).result(timeout=120).to_dataframe()

    def _score(self, frame, run_id: str) -> list:
        rows = []
        for rec in frame.to_dict("records"):
            try:
                x = [float(rec[name]) for name in FEATURES]
            except:
                x = [0.0] * len(FEATURES)  # score with zeros rather than drop the listing
            rows.append(
                {
                    "run_id": run_id,
                    "listing_id": rec["listing_id"],
                    "predicted_price": float(self.model.predict([x])[0]),
                    "model_version": self.model_version,
                }
            )
        return rows

    def handle(self, message) -> None:
        try:
            payload = json.loads(message.data)
            frame = self._features(payload["listing_ids"])
            rows = self._score(frame, payload["run_id"])
            errors = self.bq.insert_rows_json(PREDICTIONS_TABLE, rows, timeout=60)
            if errors:
                raise RuntimeError(f"insert_rows_json returned {len(errors)} errors: {errors[:3]}")
        except Exception:
            logger.exception("prediction batch failed (message %s)", message.message_id)
            message.nack()
            return
        message.ack()

    def run(self) -> None:
        subscriber = pubsub_v1.SubscriberClient()
        flow_control = pubsub_v1.types.FlowControl(max_messages=4)
        streaming_pull_future = subscriber.subscribe(
            SUBSCRIPTION, callback=self.handle, flow_control=flow_control
        )
        logger.info("listening on %s for %ss", SUBSCRIPTION, RUN_SECONDS)
        with subscriber:
            try:
                streaming_pull_future.result(timeout=RUN_SECONDS)
            except TimeoutError:
                streaming_pull_future.cancel()
                streaming_pull_future.result()  # returns once the pull has shut down


if __name__ == "__main__":
    logging.basicConfig(level=settings.LOG_LEVEL)
    PredictionWorker().run()
