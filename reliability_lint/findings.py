"""What a check produces: findings, their fixes and the text edits a fix consists of."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text between two positions (1-based line, 0-based character column)."""

    start: tuple[int, int]
    end: tuple[int, int]
    content: str


@dataclass(frozen=True)
class Fix:
    applicability: str  # "safe" or "unsafe"
    message: str
    edits: tuple[Edit, ...] = ()
    # The unified-diff hunks the edits make, for --show-fixes ("" unless computed).
    diff: str = ""
    # Computes the edits against the current text; run only where edits are needed and
    # dropped before a finding leaves its worker process.
    compute: Callable[[Any], list[Edit]] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Finding:
    """Immutable once made: redaction and a fix's applicability are applied by making a new
    one (dataclasses.replace), never by changing it."""

    code: str
    message: str
    path: str
    line: int  # 1-based
    col: int  # 0-based character column
    end_line: int
    end_col: int
    fix: Fix | None = None
    noqa_lines: tuple[int, ...] = ()  # the lines where a noqa comment suppresses it
    source_line: str = ""  # the reported line as shown to people; rules redact secrets in it
    fingerprint_text: str = ""  # the code it points at, for baselines; never a secret's value
    # The lines whose change makes the finding new for --diff-base (first, last): the whole
    # statement or handler it judges, which can reach past the reported lines. (0, 0): those.
    changed_by: tuple[int, int] = (0, 0)
    # In a notebook: the cell (1-based, counting every cell) and the position in it;
    # line and col are then the position in the .ipynb file's own text.
    cell: int = 0
    cell_line: int = 0
    cell_col: int = 0
    cell_end_col: int = 0

    @property
    def location(self) -> str:
        """The position as people read it: `line:col`, or `cell N, line L, col C`."""
        if self.cell:
            return f"cell {self.cell}, line {self.cell_line}, col {self.cell_col + 1}"
        return f"{self.line}:{self.col + 1}"

    @property
    def noqa_row(self) -> int:
        return self.noqa_lines[0] if self.noqa_lines else self.line

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)


ERROR_CODE = "REL000"
# Opens the message of a REL000 that is a bug of the tool or a rule, not of the file:
# the run exits 2 for it, and it is never cached.
INTERNAL_ERROR = "internal error"


def is_internal_error(finding: Finding) -> bool:
    return finding.code == ERROR_CODE and INTERNAL_ERROR in finding.message


def error(path: str, message: str, line: int = 1, col: int = 0) -> Finding:
    """A file that could not be checked or fixed: reported under REL000, never suppressed."""
    return Finding(ERROR_CODE, message, path, line, col, line, col)


# Open the messages of REL000 findings about a fix, on a file that was checked.
FIX_PROBLEMS = ("fix ", "cannot write fixes", "not fixed:")


def is_unchecked(finding: Finding) -> bool:
    """A REL000 for a file that could not be read, decoded or parsed (not a fix's failure)."""
    return finding.code == ERROR_CODE and not finding.message.startswith(FIX_PROBLEMS)
