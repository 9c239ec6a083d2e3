"""Issue 12's rules against the generated benchmark corpus: every planted shape reported,
nothing reported anywhere else (look-alikes included)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[3] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (BENCH / "corpus_waits.py").is_file(), reason="bench/ is not in this checkout")
def test_recall_and_false_reports_of_issue_12_rules(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    try:
        corpus = _load("corpus")
        codes = corpus.corpus_waits.CODES
        root = tmp_path / "corpus"
        corpus.generate(root, files=300, seed=7)
    finally:
        sys.path.remove(str(BENCH))
    from reliability_lint.engine import CHECK, discover, run
    from reliability_lint.testing import settings_for

    settings = settings_for(list(codes), root=root)
    tasks, _ = discover([root], settings)
    found = set()
    for result in run(tasks, settings, CHECK, jobs=1):
        for finding in result.findings:
            found.add((Path(finding.path).resolve().relative_to(root.resolve()).as_posix(), finding.line, finding.code))
    truth = json.loads((root / "ground_truth.json").read_text())
    planted = {(d["file"], d["line"], d["code"]) for d in truth["defects"] + truth["other"] if d["code"] in codes}
    assert {code for _, _, code in planted} == set(codes)  # every rule has planted shapes
    assert sorted(planted - found) == []
    assert sorted(found - planted) == []
