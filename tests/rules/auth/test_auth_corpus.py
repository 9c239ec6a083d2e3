"""The auth family against the benchmark's service sets (Flask, FastAPI, Cloud Functions,
two Django projects, their deploy scripts): every planted defect reported with its code,
nothing else reported (look-alikes included)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.mark.skipif(not (BENCH / "corpus_auth.py").is_file(), reason="bench/ is not in this checkout")
def test_every_planted_auth_defect_and_nothing_else(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("corpus_auth", BENCH / "corpus_auth.py")
    assert spec is not None and spec.loader is not None
    corpus_auth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus_auth)
    truth = corpus_auth.generate(tmp_path, sets=2, seed=7)
    (tmp_path / "ground_truth.json").write_text(json.dumps(truth), encoding="utf-8")

    from reliability_lint.engine import CHECK, discover, run
    from reliability_lint.registry import load_rules
    from reliability_lint.testing import settings_for

    codes = sorted(c for c in load_rules().rules if c.startswith("REL5"))
    settings = settings_for(codes, root=tmp_path)
    tasks, _ = discover([tmp_path], settings)
    found = set()
    for result in run(tasks, settings, CHECK, jobs=1):
        for finding in result.findings:
            found.add((Path(finding.path).resolve().relative_to(tmp_path.resolve()).as_posix(), finding.line, finding.code))
    planted = {(d["file"], d["line"], d["code"]) for d in truth["defects"]}
    assert {code for _, _, code in planted} == set(codes)  # every rule has planted shapes
    assert any("_django/" in path for path, _, _ in planted) and any("_djlocked/" in path for path, _, _ in planted)
    assert sorted(planted - found) == []
    assert sorted(found - planted) == []
    negatives = {(n["file"], n["line"]) for n in truth["negatives"]}
    assert not {(path, line) for path, line, _ in found} & negatives
