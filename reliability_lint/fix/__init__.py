"""The fix engine: every fix ends as text edits, computed against the current text, applied
without overlaps, verified to parse, repeated until nothing changes, written atomically.

- `edits`: the edits between two texts, computing a fix's edits, choosing non-overlapping
  ones, applying them;
- `cst`: the libcst bridge (the only place libcst is imported, and only on demand);
- `verify`: the fixed text must parse;
- `write`: the atomic write;
- `diff`: the unified diff of `fix --diff`;
- `errors`: FixError and the REL000 finding of a fix not applied.
"""

from reliability_lint.fix.cst import MAX_SYNTAX_TREE_LINES, FixContext, add_imports
from reliability_lint.fix.diff import unified_diff
from reliability_lint.fix.edits import MAX_ROUNDS, apply_edits, choose_edits, compute_edits, text_edits
from reliability_lint.fix.errors import FixError, fix_error
from reliability_lint.fix.verify import parses
from reliability_lint.fix.write import FileChangedError, file_origin, write_atomic

__all__ = [
    "MAX_ROUNDS", "MAX_SYNTAX_TREE_LINES", "FileChangedError", "FixContext", "FixError", "add_imports",
    "apply_edits", "file_origin",
    "choose_edits", "compute_edits", "fix_error", "parses", "text_edits", "unified_diff", "write_atomic",
]  # fmt: skip
