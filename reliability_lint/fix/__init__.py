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

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Each name is imported from its module on first use (PEP 562): a rule module that names
# FixContext does not pull the atomic write (tempfile, secrets) or difflib into a check.
_HOME = {
    "FixContext": "cst", "unified_diff": "diff", "MAX_ROUNDS": "edits", "apply_edits": "edits",
    "choose_edits": "edits", "compute_edits": "edits", "text_edits": "edits", "FixError": "errors",
    "fix_error": "errors", "import_edits": "imports", "parsed": "verify", "parses": "verify",
    "FileChangedError": "write", "file_origin": "write", "write_atomic": "write",
}  # fmt: skip
__all__ = [
    "MAX_ROUNDS", "FileChangedError", "FixContext", "FixError", "apply_edits", "choose_edits", "compute_edits",
    "file_origin", "fix_error", "import_edits", "parsed", "parses", "text_edits", "unified_diff", "write_atomic",
]  # fmt: skip
assert sorted(__all__) == sorted(_HOME)

if TYPE_CHECKING:
    from reliability_lint.fix.cst import FixContext
    from reliability_lint.fix.diff import unified_diff
    from reliability_lint.fix.edits import MAX_ROUNDS, apply_edits, choose_edits, compute_edits, text_edits
    from reliability_lint.fix.errors import FixError, fix_error
    from reliability_lint.fix.imports import import_edits
    from reliability_lint.fix.verify import parsed, parses
    from reliability_lint.fix.write import FileChangedError, file_origin, write_atomic


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
