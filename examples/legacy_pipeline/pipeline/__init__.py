"""Listings pipeline: partner scrapers -> BigQuery -> Pub/Sub -> price model.

Entry points:

* ``python -m pipeline.orchestrator``       one daily run (Cloud Scheduler)
* ``python -m pipeline.prediction_worker``  the scoring worker (Cloud Run job)
* ``python -m pipeline.cleanup``            nightly repair of rejected rows
"""

__version__ = "2.3.1"
