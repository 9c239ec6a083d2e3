"""The cache folder's files as a run reads them, and rewritten as a test (or an attacker)
would: entries by name, each a [body, mac] pair (reliability_lint/cache_table.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reliability_lint.cache_table import FORMAT, TABLE, _journal_entries, _journals, _table_entries, sign


def folder_of(root: Path, name: str = ".reliability_lint_cache") -> Path:
    return root / name


def files(folder: Path) -> list[Path]:
    """The table and the journals: every file that holds entries."""
    return sorted(p for p in (folder / TABLE, *folder.glob("journal-*.jsonl")) if p.exists())


def raw(folder: Path) -> dict[str, Any]:
    """name -> [body, mac] as the next run reads them: the table, then the journals in order."""
    items = dict(_table_entries(folder / TABLE)[0])
    for journal in _journals(folder):
        items.update(_journal_entries(journal.read_bytes()))
    return items


def entries(folder: Path, kind: str = "findings") -> dict[str, dict[str, Any]]:
    """The parsed entries of one kind ("findings", "summary"), by the path they are for."""
    return {
        name.partition(":")[2]: json.loads(item[0]) for name, item in raw(folder).items() if name.startswith(kind + ":")
    }


def rewrite(folder: Path, items: dict[str, Any]) -> None:
    """Replace the table and the journals by one table of these items."""
    for journal in folder.glob("journal-*.jsonl"):
        journal.unlink()
    (folder / TABLE).write_text(json.dumps({"format": FORMAT, "entries": items}))


def signed(key: bytes, name: str, entry: dict[str, Any]) -> list[str]:
    """An item as the tool signs it, under `key`."""
    body = json.dumps(entry)
    return [body, sign(key, name, body)]


def resign(folder: Path, key: bytes, change: Any) -> int:
    """Apply `change(entry)` to every findings entry, sign them again under `key` and write
    them back as one table; the number of entries changed."""
    items = raw(folder)
    changed = 0
    for name, item in items.items():
        if name.startswith("findings:"):
            entry = json.loads(item[0])
            change(entry)
            items[name] = signed(key, name, entry)
            changed += 1
    rewrite(folder, items)
    return changed
