"""The Cloud Function of REL515's page examples (rules/REL515-public-deploy-of-open-route.md):
an HTTP function that checks no credentials and exports the warehouse."""

import functions_framework
from google.cloud import bigquery


@functions_framework.http
def export_warehouse(request):
    bigquery.Client().extract_table("proj.dw.events", "gs://exports/events-*.csv")
    return "started"
