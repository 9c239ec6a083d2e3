"""Where a rule is documented, and how code scanning should rank it."""

from __future__ import annotations

from reliability_lint import __version__
from reliability_lint.pages import pages_dir
from reliability_lint.registry import Rule

# The repository the README's install commands name; the release step tags it vX.Y.Z.
REPOSITORY = "https://github.com/your-org/reliability-lint"
# GitHub code scanning: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"P0": "9.0", "P1": "7.0", "P2": "5.0", "P3": "3.0"}


def default_docs_url() -> str:
    """The rule pages in the repository at the tag of this release."""
    return f"{REPOSITORY}/blob/v{__version__}/rules/"


def rule_url(rule: Rule, base: str | None = None) -> str | None:
    """The rule's own URL, else its page (or its family's, as bandit's) under `base`
    (`docs-url` in the config), else None: a pack's rule without documentation."""
    if rule.url:
        return rule.url
    folder = pages_dir()
    if folder is None:
        return None
    root = (base or default_docs_url()).rstrip("/") + "/"
    for page in (rule.page, f"{rule.family}.md"):
        if page is not None and (folder / page).is_file():
            return root + page
    return None


def is_security(rule: Rule) -> bool:
    return "security" in rule.tags


def security_severity(rule: Rule) -> str | None:
    return SECURITY_SEVERITY[rule.severity] if is_security(rule) else None
