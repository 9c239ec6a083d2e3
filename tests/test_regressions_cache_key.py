"""Mutation survivors of the cache's keys (issue 18, tests/MUTATION.md): the module summaries
it keeps for the project index, and the fingerprint of the code and configuration an entry
was made under (this package, rule packs, local rules, the detectors' versions), through
the cache's public functions in this process so that mutmut sees them."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import types
from pathlib import Path

import pytest

import reliability_lint
from reliability_lint import cache as cache_module
from reliability_lint.cache import Cache, code_fingerprint, config_fingerprint

# ------------------------------------------------------------------ module summaries


SUMMARY = {"names": {"f": 1}, "classes": {}, "stars": [], "auth": {}}


def test_a_summary_is_reused_for_the_same_content_only(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache")
    module = tmp_path / "m.py"
    cache.store_summary(module, "d1", SUMMARY)
    again = Cache(tmp_path / "cache")
    assert again.load_summary(module, "d1") == SUMMARY
    assert again.load_summary(module, "d2") is None
    assert again.load_summary(tmp_path / "other.py", "d1") is None


@pytest.mark.parametrize("broken", ["names", "classes", "stars"])
def test_a_summary_of_another_shape_is_ignored(tmp_path: Path, broken: str) -> None:
    cache = Cache(tmp_path / "cache")
    module = tmp_path / "m.py"
    cache.store_summary(module, "d1", dict(SUMMARY, **{broken: "text"}))
    assert Cache(tmp_path / "cache").load_summary(module, "d1") is None
    cache.store_summary(module, "d1", [1, 2])  # type: ignore[arg-type]
    assert Cache(tmp_path / "cache").load_summary(module, "d1") is None


def test_a_summary_written_by_another_version_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "m.py"
    Cache(tmp_path / "cache").store_summary(module, "d1", SUMMARY)
    monkeypatch.setattr(cache_module, "__version__", reliability_lint.__version__ + ".post1")
    assert Cache(tmp_path / "cache").load_summary(module, "d1") is None


# ------------------------------------------------------------------ the code fingerprint


def test_the_configuration_fingerprint_tells_every_part_apart() -> None:
    one = config_fingerprint(["REL101"], {"exceptions": None}, True)
    assert one == config_fingerprint(["REL101"], {"exceptions": None}, True)
    assert len({one, config_fingerprint(["REL102"], {"exceptions": None}, True), config_fingerprint(["REL101"], {}, True),
                config_fingerprint(["REL101"], {"exceptions": None}, False), config_fingerprint()}) == 5  # fmt: skip


def test_a_local_rules_file_is_part_of_the_code_fingerprint(tmp_path: Path) -> None:
    rules = tmp_path / "my_rules.py"
    rules.write_text("X = 1\n")
    name = str(rules)
    first = code_fingerprint(frozenset({name}))
    assert first != code_fingerprint(frozenset())
    rules.write_text("X = 2\n")
    code_fingerprint.cache_clear()
    second = code_fingerprint(frozenset({name}))
    assert second != first
    rules.unlink()
    code_fingerprint.cache_clear()
    assert code_fingerprint(frozenset({name})) not in (first, second)  # unreadable: still its own


def test_a_rule_pack_is_part_of_the_code_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "acme_pack"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "rules.py").write_text("X = 1\n")
    single = tmp_path / "acme_single.py"
    single.write_text("X = 1\n")
    for name, origin in (("acme_pack", package / "__init__.py"), ("acme_single", single)):
        module = types.ModuleType(name)
        module.__file__ = str(origin)  # as an import of the installed pack leaves it
        monkeypatch.setitem(sys.modules, name, module)
    code_fingerprint.cache_clear()
    try:
        pack, alone = frozenset({"acme_pack.rules:RULES"}), frozenset({"acme_single:RULES"})
        first, first_alone = code_fingerprint(pack), code_fingerprint(alone)
        assert len({first, first_alone, code_fingerprint(frozenset())}) == 3
        assert code_fingerprint(frozenset({" acme_pack.rules : RULES"})) == first
        assert code_fingerprint(frozenset({"not_imported:RULES"})) == code_fingerprint(frozenset())
        (package / "rules.py").write_text("X = 2\n")  # a module of the pack below its __init__
        single.write_text("X = 2\n")
        code_fingerprint.cache_clear()
        assert code_fingerprint(pack) != first and code_fingerprint(alone) != first_alone
    finally:
        code_fingerprint.cache_clear()


def test_a_built_in_rule_family_is_not_hashed_twice() -> None:
    """The package's own source is hashed once, whatever families are loaded."""
    assert code_fingerprint(frozenset({"reliability_lint.rules.todos"})) == code_fingerprint(frozenset())


def test_upgrading_a_detector_changes_the_code_fingerprint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The version of bandit as the fingerprint sees it, without importing it: the names of
    its .dist-info folders beside the package and the status of its __init__.py."""
    site = tmp_path / "site"
    (site / "bandit").mkdir(parents=True)
    init = site / "bandit" / "__init__.py"
    init.write_text("VERSION = 1\n")
    (site / "bandit-1.7.5.dist-info").mkdir()

    def installed(origin: Path | None, spec: importlib.machinery.ModuleSpec | None = None) -> str:
        module = types.ModuleType("bandit")
        module.__spec__ = importlib.util.spec_from_file_location("bandit", origin) if origin else spec
        monkeypatch.setitem(sys.modules, "bandit", module)
        code_fingerprint.cache_clear()
        return code_fingerprint(frozenset())

    try:
        first = installed(init)
        assert installed(init) == first
        (site / "bandit-1.7.5.dist-info").rename(site / "Bandit-1.7.6.dist-info")  # upgraded
        second = installed(init)
        assert second != first
        for other in ("banditx-2.0.dist-info", "bandit-2.0.egg-info", "bandit_extra-1.0.dist-info"):
            (site / other).mkdir()  # another distribution, or not a wheel's metadata
        assert installed(init) == second
        (site / "bandit-1.7.7.dist-info").mkdir()  # two versions side by side: both named
        third = installed(init)
        assert third not in (first, second)
        status = init.stat()
        os.utime(init, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # reinstalled in place
        fourth = installed(init)
        assert fourth != third
        init.write_text("VERSION = 22\n")
        os.utime(init, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # only the size differs
        assert installed(init) != fourth
        # a detector that is not installed, not importable or gone: all the same unknown version
        monkeypatch.setitem(sys.modules, "bandit", None)
        code_fingerprint.cache_clear()
        unknown = {code_fingerprint(frozenset()), installed(None), installed(tmp_path / "gone" / "__init__.py")}
        unknown.add(installed(None, importlib.machinery.ModuleSpec("bandit", None)))  # no file: a namespace
        assert len(unknown) == 1 and unknown.isdisjoint({first, second, third, fourth})
    finally:
        code_fingerprint.cache_clear()
