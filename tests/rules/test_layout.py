"""A rule family is a package of reliability_lint/rules/, and its rules carry its name."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import reliability_lint.rules as builtin
from reliability_lint.registry import load_rules

REGISTRY = load_rules()
PACKAGES = sorted(m.name for m in pkgutil.iter_modules(builtin.__path__) if m.ispkg)


def test_every_family_package_declares_rules_of_its_own_name() -> None:
    families = {rule.family for rule in REGISTRY.rules.values()} - {"core"}
    assert families == set(PACKAGES)
    assert not any(name.startswith("_") for name in PACKAGES)


def test_shared_helper_modules_are_not_families() -> None:
    helpers = [m.name for m in pkgutil.iter_modules(builtin.__path__) if not m.ispkg]
    assert all(name.startswith("_") for name in helpers), helpers


def test_every_family_has_its_tests_and_modules_stay_small() -> None:
    root = Path(builtin.__file__).parent
    tests = Path(__file__).resolve().parent
    for family in PACKAGES:
        assert (root / family / "checks.py").is_file()
        assert list((tests / family).glob("test_*.py")), f"tests/rules/{family}/ has no tests"
        for module in (root / family).glob("*.py"):
            lines = len(module.read_text(encoding="utf-8").splitlines())
            assert lines <= 400, f"{module.relative_to(root)} has {lines} lines"
