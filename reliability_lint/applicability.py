"""Which fixes a run applies: each rule's declared applicability binds the fixes it offers,
then the configuration's extend-(un)safe-fixes, then `--unsafe-fixes`."""

from __future__ import annotations

from dataclasses import replace

from reliability_lint.config import codes_matching
from reliability_lint.findings import Finding
from reliability_lint.registry import REGISTRY, Rule
from reliability_lint.settings import Settings


def applicability(code: str, declared: str, settings: Settings) -> str:
    """A fix's applicability as the config's extend-(un)safe-fixes say."""
    if declared == "unsafe" and codes_matching({code}, settings.extend_safe_fixes):
        return "safe"
    if declared == "safe" and codes_matching({code}, settings.extend_unsafe_fixes):
        return "unsafe"
    return declared


def held_to_declaration(finding: Finding, settings: Settings) -> Finding:
    """The finding with its fix held to what its rule declares (`fix --diff` runs only the
    rules whose declared fixes apply), then to the configuration."""
    fix = finding.fix
    if fix is None:
        return finding
    rule = REGISTRY.rules[finding.code]
    if rule.fix is None:
        return replace(finding, fix=None)
    declared = fix.applicability if rule.fix == "safe" or rule.some_fixes_safe else "unsafe"
    applies = applicability(finding.code, declared, settings)
    return finding if applies == fix.applicability else replace(finding, fix=replace(fix, applicability=applies))


def fixing_rules(enabled: frozenset[str], settings: Settings) -> frozenset[str]:
    """The rules of `enabled` that may offer a fix this run applies."""
    return frozenset(code for code in enabled if _may_apply(REGISTRY.rules[code], settings))


def _may_apply(rule: Rule, settings: Settings) -> bool:
    if rule.fix is None:
        return False
    safest = "safe" if rule.some_fixes_safe else rule.fix
    return settings.unsafe_fixes or applicability(rule.code, safest, settings) == "safe"


def fixable(finding: Finding, settings: Settings) -> bool:
    return finding.fix is not None and (finding.fix.applicability == "safe" or settings.unsafe_fixes)
