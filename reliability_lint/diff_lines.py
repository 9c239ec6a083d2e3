"""Lines added or changed since the merge base with a revision, for `check --diff-base`.

The working tree (staged or not) is compared with `git merge-base REV HEAD`, so a pull
request is judged on what it touches; untracked files that git does not ignore count as
wholly new.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from reliability_lint.findings import ERROR_CODE, Finding
from reliability_lint.git.command import GitTimeout, run_git

# Changed line numbers by resolved path; None: every line (a new, untracked file).
Changes = dict[Path, frozenset[int] | None]
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class DiffError(Exception):
    """git could not tell what changed; the message says why in one line."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        result = run_git(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise DiffError(f"--diff-base needs git: {exc.strerror or exc}") from None
    except GitTimeout as exc:
        raise DiffError(str(exc)) from None
    if result.returncode != 0:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {args[0]} failed: {reason[-1] if reason else 'exit ' + str(result.returncode)}")
    return result.stdout.decode("utf-8", "surrogateescape")


def changed_lines(rev: str, cwd: Path) -> Changes:
    """The lines changed since the merge base of `rev` and HEAD, in the working tree."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    base = _git(["merge-base", rev, "HEAD"], cwd).strip()
    # The pull request controls .gitattributes: `*.py -diff` would print "Binary files
    # differ", a textconv driver could show other text. --text, --no-textconv and
    # --no-ext-diff make git show the real lines of every file.
    diff = _git(
        ["-c", "core.quotePath=false", "-c", "core.attributesFile=/dev/null", "diff", "--no-color",
         "--no-ext-diff", "--no-textconv", "--text", "--unified=0", "--find-renames",
         "--src-prefix=a/", "--dst-prefix=b/", base, "--"],
        top,
    )  # fmt: skip
    changed: Changes = dict(parse_diff(diff, top))
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top)
    for name in filter(None, untracked.split("\0")):
        changed[(top / name).resolve()] = None
    return changed


def parse_diff(diff: str, top: Path) -> dict[Path, frozenset[int]]:
    """The added lines of each file in a unified diff (paths relative to top).

    A hunk's body is read by the line counts of its `@@` header, so no content line
    (one that starts with `+++ ` or `diff --git`, say) can pass for a header, and lines
    end only at \\n (a form feed or U+2028 in a file does not split one).
    """
    changed: dict[Path, set[int]] = {}
    current: set[int] | None = None
    header = False
    lines = diff.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("diff --git "):
            current, header = None, True
        elif header and line.startswith("+++ "):
            name = _unquote(line[4:].rstrip("\t"))
            current = None if name == "/dev/null" else changed.setdefault((top / name[2:]).resolve(), set())
        elif line.startswith("@@ "):
            header = False
            match = _HUNK.match(line)
            if match is None:
                continue
            old_left = int(match.group(1) or 1)
            number, new_left = int(match.group(2)), int(match.group(3) or 1)
            while (old_left > 0 or new_left > 0) and index < len(lines):
                body = lines[index]
                index += 1
                tag = body[:1]
                if tag == "+":
                    if current is not None:
                        current.add(number)
                    number, new_left = number + 1, new_left - 1
                elif tag == "-":
                    old_left -= 1
                elif tag == " ":
                    number, old_left, new_left = number + 1, old_left - 1, new_left - 1
                elif tag != "\\":  # "\\ No newline at end of file" counts for nothing
                    index -= 1  # not a hunk line: malformed, let the outer loop see it
                    break
    return {path: frozenset(lines) for path, lines in changed.items() if lines}


def _unquote(name: str) -> str:
    """Undo git's C-style quoting of unusual file names ("a\\tb", octal escapes)."""
    if len(name) < 2 or not (name.startswith('"') and name.endswith('"')):
        return name
    raw: bytes = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0]
    return raw.decode("utf-8", "surrogateescape")


def touches(finding: Finding, changed: Changes) -> bool:
    """Whether a finding lies on a changed line (any line of its span) of a changed file.

    A file error (REL000) counts wherever its file changed.
    """
    path = Path(finding.path).resolve()
    if path not in changed:
        return False
    lines = changed[path]
    if lines is None or finding.code == ERROR_CODE:
        return True
    first, last = finding.line, max(finding.line, finding.end_line)
    if finding.changed_by != (0, 0):
        first, last = min(first, finding.changed_by[0]), max(last, finding.changed_by[1])
    return any(line in lines for line in range(first, last + 1))
