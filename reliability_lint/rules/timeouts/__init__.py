"""The timeouts family (REL201-REL216): calls to BigQuery, Pub/Sub and HTTP clients that can
wait forever. `catalogue` is what the libraries are, `checks` the rules, `fixes` the edits."""

import re
from typing import Any

from reliability_lint.registry import Precondition, final_fixes, precondition
from reliability_lint.rules.timeouts import catalogue, checks, fixes  # noqa: F401  (registers the rules)
from reliability_lint.rules.timeouts import waits_bigquery, waits_cloud, waits_loops, waits_stdlib  # noqa: F401


def _precondition(options: dict[str, dict[str, Any]]) -> Precondition:
    """The union of the words each checker looks for before it models a file, and a call of
    a checked method (on a client another module made)."""
    extra, _ = catalogue._setup(options[catalogue.FAMILY]["extra-calls"])
    methods = sorted({*checks.METHOD_NAMES, *extra.method_names, *waits_bigquery.DOWNLOADS, *waits_cloud.METHOD_NAMES})
    return Precondition(
        words=(*checks.HINTS, *extra.roots, *waits_stdlib.HINTS, *waits_loops.HINTS),
        pattern=re.compile(r"\.(?:%s)\b" % "|".join(methods)),
    )


precondition(catalogue.FAMILY, _precondition)
final_fixes(catalogue.FAMILY)  # tests/test_fix_applicability.py: fix --diff shows what fix writes
