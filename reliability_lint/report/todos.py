"""The TODO inventory of `reliability-lint todos`: every tagged comment, tracked or not, with
the author and date of its line from git blame, as a table, JSON, CSV or Markdown.

Only rendering: the entries come from the engine's run and the git service (gather.py)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reliability_lint.git import BlameLine
from reliability_lint.redaction import redact_credentials

if TYPE_CHECKING:
    from reliability_lint.rules.todos import Todo

FORMATS = ("table", "json", "csv", "markdown")
_FIELDS = ("path", "line", "column", "tag", "text", "reference", "tracked", "owner", "author", "date", "commit", "age_days")


@dataclass(frozen=True)
class Entry:
    path: str  # as displayed
    todo: Todo
    blame: BlameLine | None  # None without git

    @property
    def date(self) -> datetime | None:
        return self.blame.time if self.blame is not None else None

    def row(self, now: datetime) -> dict[str, Any]:
        date = self.date
        committed = self.blame is not None and self.blame.committed
        return {
            "path": self.path,
            "line": self.todo.line,
            "column": self.todo.col + 1,
            "tag": self.todo.tag,
            "text": redact_credentials(self.todo.text),
            "reference": redact_credentials(self.todo.reference) or None,
            "tracked": self.todo.tracked,
            "owner": redact_credentials(self.todo.author) or None,  # the name in `TODO(name)`
            "author": self.blame.author if self.blame is not None else None,
            "date": date.isoformat() if date else None,
            "commit": self.blame.commit if committed and self.blame is not None else None,
            "age_days": (now - date).days if date else None,
        }


def sort_key(entry: Entry) -> tuple[bool, datetime, str, int]:
    """Oldest first; lines without a date (uncommitted, or no git) last."""
    date = entry.date
    return (date is None, date or datetime.max.replace(tzinfo=timezone.utc), entry.path, entry.todo.line)


# ---------------------------------------------------------------------------- summary


def folder_of(path: str, base: Path, depth: int = 1) -> str:
    """The first `depth` folders of a file below `base` ("." for files directly in it)."""
    absolute = Path(path).absolute()
    try:
        parts = PurePosixPath(absolute.relative_to(base).as_posix()).parts[:-1]
    except ValueError:
        parts = PurePosixPath(Path(path).as_posix()).parts[:-1]
    return "/".join(parts[:depth]) or "."


def summary(entries: list[Entry], base: Path) -> dict[str, Any]:
    def counts(key: Any) -> dict[str, dict[str, int]]:
        total = Counter(key(entry) for entry in entries)
        untracked = Counter(key(entry) for entry in entries if not entry.todo.tracked)
        ordered = sorted(total, key=lambda name: (-total[name], name))
        return {name: {"total": total[name], "untracked": untracked[name]} for name in ordered}

    return {
        "total": len(entries),
        "untracked": sum(not entry.todo.tracked for entry in entries),
        "by_tag": counts(lambda entry: entry.todo.tag),
        "by_folder": counts(lambda entry: folder_of(entry.path, base)),
    }


# ---------------------------------------------------------------------------- output


def render(fmt: str, entries: list[Entry], base: Path, now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    rows = [entry.row(now) for entry in entries]
    totals = summary(entries, base)
    if fmt == "json":
        return json.dumps({"todos": rows, "summary": totals}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
        return out.getvalue()
    if fmt == "markdown":
        return _markdown(rows, totals)
    return _table(rows, totals)


def _short_date(row: dict[str, Any]) -> str:
    return row["date"][:10] if row["date"] else "-"


def _author(row: dict[str, Any]) -> str:
    if row["author"] is None:
        return "-"
    return row["author"] if row["commit"] else "(uncommitted)"


def _table(rows: list[dict[str, Any]], totals: dict[str, Any]) -> str:
    cells = [
        (_short_date(r), _author(r), f"{r['path']}:{r['line']}", r["tag"], r["reference"] or "-", r["text"])
        for r in rows
    ]
    header = ("date", "author", "location", "tag", "reference", "text")
    widths = [max(len(str(c[i])) for c in [header, *cells]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *cells]:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
    lines.append("")
    lines.append(f"{totals['total']} tagged comments, {totals['untracked']} untracked.")
    for title, key in (("By tag", "by_tag"), ("By folder", "by_folder")):
        if totals[key]:
            parts = ", ".join(f"{name} {c['total']} ({c['untracked']} untracked)" for name, c in totals[key].items())
            lines.append(f"{title}: {parts}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _md(text: Any) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _markdown(rows: list[dict[str, Any]], totals: dict[str, Any]) -> str:
    out = [
        "# TODO inventory",
        "",
        f"{totals['total']} tagged comments, {totals['untracked']} untracked.",
        "",
        "| date | author | file | line | tag | reference | text |",
        "|---|---|---|---:|---|---|---|",
    ]
    for r in rows:
        cells = (_short_date(r), _author(r), f"`{r['path']}`", r["line"], r["tag"], r["reference"] or "-", r["text"])
        out.append("| " + " | ".join(_md(c) for c in cells) + " |")
    for title, key, label in (("By tag", "by_tag", "tag"), ("By folder", "by_folder", "folder")):
        out += ["", f"## {title}", "", f"| {label} | total | untracked |", "|---|---:|---:|"]
        out += [f"| {_md(name)} | {c['total']} | {c['untracked']} |" for name, c in totals[key].items()]
    return "\n".join(out) + "\n"


def common_base(paths: list[Path]) -> Path:
    """The folder the summary's folders are relative to: the common folder of the paths given."""
    folders = [str(p.absolute() if p.is_dir() else p.absolute().parent) for p in paths] or [os.getcwd()]
    return Path(os.path.commonpath(folders))
