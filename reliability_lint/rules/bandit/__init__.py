"""The bandit family (B101-B704, off by default): bandit's own tests run through this tool's
walk, suppression and redaction. bandit is an optional dependency (`pip install bandit`)."""

from reliability_lint.rules.bandit import catalogue, checks  # noqa: F401  (registers the rules)
