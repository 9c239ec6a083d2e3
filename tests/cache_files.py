"""The cache folder's files as a run reads them, and rewritten as a test (or an attacker)
would: entries by name, each a [body, mac] pair of text (reliability_lint/cache_table.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reliability_lint.cache_table import FORMAT, TABLE, _journals, _lines, _table_entries, sign


def files(folder: Path) -> list[Path]:
    """The table and the journals: every file that holds entries."""
    return sorted(p for p in (folder / TABLE, *folder.glob("journal-*.jsonl")) if p.exists())


def raw(folder: Path) -> dict[str, list[str]]:
    """name -> [body, mac] as the next run reads them: the table, then the journals in order."""
    items = dict(_table_entries(folder / TABLE)[0])
    for journal in _journals(folder):
        items.update(_lines(journal.read_bytes()))
    return {json.loads(name): [body.decode(), mac.decode()] for name, (mac, body) in items.items()}


def entries(folder: Path, kind: str = "findings") -> dict[str, dict[str, Any]]:
    """The parsed entries of one kind ("findings", "summary"), by the path they are for."""
    return {
        name.partition(":")[2]: json.loads(item[0]) for name, item in raw(folder).items() if name.startswith(kind + ":")
    }


def rewrite(folder: Path, items: dict[str, list[Any]]) -> None:
    """Replace the table and the journals by one table of these [body, mac] items (a
    missing or odd mac is written as it is)."""
    for journal in folder.glob("journal-*.jsonl"):
        journal.unlink()
    lines = [[*map(str, item[1:]), json.dumps(name), item[0]] for name, item in items.items()]
    (folder / TABLE).write_bytes(FORMAT + "".join("\t".join(parts) + "\n" for parts in lines).encode())


def signed(key: bytes, name: str, entry: dict[str, Any]) -> list[str]:
    """An item as the tool signs it, under `key`."""
    body = json.dumps(entry)
    return [body, sign(key, json.dumps(name).encode(), body.encode()).decode()]


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
