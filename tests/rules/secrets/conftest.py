"""Every secret these tests find is also a file the family's precondition lets through.

The engine skips a file whose text no family's precondition matches (catalogue.precondition),
so a secret the precondition misses would go unreported. Each analysis run by the tests of
this folder (reliability_lint.testing) is checked: a REL301 or REL302 finding in a text the
precondition does not match fails the test that found it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reliability_lint import testing
from reliability_lint.rules.secrets.catalogue import precondition


@pytest.fixture(autouse=True)
def _precondition_holds_for_every_finding(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    analyze = testing.analyze
    pattern = precondition({})
    assert pattern is not None

    def checked(src: Any, *args: Any, **kwargs: Any) -> Any:
        findings = analyze(src, *args, **kwargs)
        secrets = [f for f in findings if f.code in ("REL301", "REL302")]
        assert not secrets or pattern.search(src.text), f"precondition misses {src.path}: {secrets[0].message}"
        return findings

    monkeypatch.setattr(testing, "analyze", checked)
    yield
