"""The fix engine: every fix ends as text edits, computed against the current text, applied
without overlaps, verified to parse, repeated until nothing changes, written atomically.

- `edits`: the edits between two texts, computing a fix's edits, choosing non-overlapping
  ones, applying them;
- `cst`: the fix context of one version of a file, and the libcst bridge for the fixes a
  text edit cannot make (a statement's lines parsed alone, on demand);
- `imports`: the imports a fix needs, as one text edit;
- `verify`: the fixed text must parse;
- `write`: the atomic write;
- `diff`: the unified diff of `fix --diff`;
- `errors`: FixError and the REL000 finding of a fix not applied.
"""

from reliability_lint.fix.cst import FixContext
from reliability_lint.fix.diff import unified_diff
from reliability_lint.fix.edits import MAX_ROUNDS, apply_edits, choose_edits, compute_edits, text_edits
from reliability_lint.fix.errors import FixError, fix_error
from reliability_lint.fix.imports import import_edits
from reliability_lint.fix.verify import parsed, parses
from reliability_lint.fix.write import FileChangedError, file_origin, write_atomic

__all__ = [
    "MAX_ROUNDS", "FileChangedError", "FixContext", "FixError", "apply_edits", "file_origin", "import_edits",
    "choose_edits", "compute_edits", "fix_error", "parsed", "parses", "text_edits", "unified_diff", "write_atomic",
]  # fmt: skip
