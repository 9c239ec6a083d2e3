"""A tree that holds every rule's defects and look-alikes: the benchmark corpus (160
files), every rule page's "bad" examples and the family fixtures."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from reliability_lint.pages import examples, pages_dir

ROOT = Path(__file__).resolve().parent.parent


def rule_tree(root: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import corpus

        corpus.generate(root / "corpus", 160, corpus.DEFAULT_SEED)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    for page in sorted(pages_dir().glob("REL*.md")):
        for example in examples(page.read_text(encoding="utf-8")):
            if example.tag != "bad":
                continue
            target = root / "pages" / f"{page.stem}-{example.line}" / example.attributes.get("path", "example.py")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(example.code, encoding="utf-8")
    for family in (ROOT / "tests" / "rules").glob("*/fixtures"):
        shutil.copytree(family, root / "fixtures" / family.parent.name, ignore=shutil.ignore_patterns("*.txt", "*.diff"))
    return root
