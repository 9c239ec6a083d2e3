"""One daily pipeline run.

scrape partners (in parallel) -> load into staging -> processors ->
publish prediction requests for the prediction worker.

Triggered by Cloud Scheduler through the ``pipeline-run`` Cloud Run job.
"""

import json
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, timedelta

from google.cloud import pubsub_v1

from pipeline import processors, scraper, settings
from pipeline.alerts import AlertManager
from pipeline.bq_loader import StagingLoader

logger = logging.getLogger(__name__)

PARTNERS = ("homefinder", "rentwatch")
PREDICT_BATCH = 500

publisher = pubsub_v1.PublisherClient()
PREDICT_TOPIC = publisher.topic_path(settings.GCP_PROJECT, "listings-predict")
RUN_EVENTS_TOPIC = publisher.topic_path(settings.GCP_PROJECT, "pipeline-run-events")


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def scrape_partners() -> dict:
    uris = {}
    with ThreadPoolExecutor(max_workers=len(PARTNERS)) as pool:
        futures = {pool.submit(scraper.scrape_partner, p): p for p in PARTNERS}
        for future in as_completed(futures):
            partner = futures[future]
            try:
                uris[partner] = future.result()
            except Exception:
                logger.exception("scrape failed for %s", partner)
    return uris


def publish_prediction_requests(listing_ids: list, run_id: str) -> int:
    sent = 0
    for chunk in _chunks(listing_ids, PREDICT_BATCH):
        data = json.dumps({"run_id": run_id, "listing_ids": chunk}).encode("utf-8")
        # wait for each batch so we know the worker has everything before we report success
        publisher.publish(PREDICT_TOPIC, data).result()
        sent += len(chunk)
    return sent


def publish_run_event(run_id: str, status: str, **details) -> str:
    data = json.dumps({"run_id": run_id, "status": status, **details}).encode("utf-8")
    future = publisher.publish(RUN_EVENTS_TOPIC, data, revision=settings.PIPELINE_REVISION)
    return future.result(timeout=30)


def run(day: date) -> None:
    run_id = uuid.uuid4().hex
    alerts = AlertManager()
    publish_run_event(run_id, "started", day=day.isoformat())

    uris = scrape_partners()
    missing = set(PARTNERS) - set(uris)
    if missing:
        alerts.warn(f"run {run_id}: no data from {', '.join(sorted(missing))}")

    loader = StagingLoader()
    for partner, partner_uris in uris.items():
        failed = loader.load_all(partner, partner_uris)
        if failed:
            alerts.warn(f"run {run_id}: {len(failed)} {partner} files failed to load")
            continue
        loader.swap_in(partner)

    try:
        listing_ids = processors.run_daily(day)
    except:
        alerts.critical(f"run {run_id}: processors failed for {day}")
        publish_run_event(run_id, "failed")
        return

    sent = publish_prediction_requests(listing_ids, run_id)
    publish_run_event(run_id, "done", predictions_requested=sent)
    logger.info("run %s done: %d listings sent for prediction", run_id, sent)


if __name__ == "__main__":
    logging.basicConfig(level=settings.LOG_LEVEL)
    run(date.today() - timedelta(days=1))
