"""The exceptions family (REL101-REL107): handlers that catch too much or swallow the error."""

from reliability_lint.registry import Precondition, final_fixes, precondition
from reliability_lint.rules.exceptions import catalogue, checks, fixes, loggers, silent  # noqa: F401  (registers the rules)

# Every rule is about an except clause, but REL106's `contextlib.suppress(...)`.
precondition("exceptions", Precondition(words=("except", "suppress")))
final_fixes("exceptions")  # tests/test_fix_applicability.py: fix --diff shows what fix writes
