"""The secrets family (REL301-REL303): credentials in Python source and in text files, and
dotenv files git would commit. The detector itself is `reliability_lint.secret_detect`,
shared with redaction."""

from reliability_lint.rules.secrets import catalogue, checks, fixes  # noqa: F401  (registers the rules)
