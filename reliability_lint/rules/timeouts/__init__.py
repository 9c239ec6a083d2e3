"""The timeouts family (REL201-REL216): calls to BigQuery, Pub/Sub and HTTP clients that can
wait forever. `catalogue` is what the libraries are, `checks` the rules, `fixes` the edits."""

from reliability_lint.rules.timeouts import catalogue, checks, fixes  # noqa: F401  (registers the rules)
from reliability_lint.rules.timeouts import waits_bigquery, waits_cloud, waits_loops, waits_stdlib  # noqa: F401
