"""The secrets family (REL301-REL303): credentials in Python source and in text files, and
dotenv files git would commit. The detector itself is `reliability_lint.secret_detect`,
shared with redaction."""

from reliability_lint.registry import Precondition, final_fixes, precondition
from reliability_lint.rules.secrets import catalogue, checks, fixes  # noqa: F401  (registers the rules)

# A Python file is read for secrets where the scanner's gates or a secret's name could
# match; text files are scanned by those same gates, and dotenv files read whatever they hold.
precondition("secrets", Precondition(test=catalogue.may_hold_secret))
final_fixes("secrets")  # tests/test_fix_applicability.py: fix --diff shows what fix writes
