"""The auth family: HTTP routes with no authentication (REL501-REL503) and deploy
configuration that opens services or drops credentials (REL511-REL516)."""

from reliability_lint.registry import Precondition, final_fixes, precondition
from reliability_lint.rules.auth import catalogue, checks, deploy  # noqa: F401  (they register the rules)

# Routes are found only in files naming a web framework, or Django's urlpatterns or a DRF
# router; deploy files are always read.
precondition(catalogue.FAMILY, Precondition(words=(*checks.FRAMEWORK_WORDS, "urlpatterns", "rest_framework")))
final_fixes(catalogue.FAMILY)  # tests/test_fix_applicability.py: fix --diff shows what fix writes
