"""Git facts behind one service: the files git lists, whether a file is tracked or
ignored, who last changed a line and when, and the token of the repository's state.

Discovery, rules (REL303, REL401's max-age), the cache and reports ask here instead of
running git themselves. Every function answers "unknown" (None, or a documented default)
where git is missing or the folder is not a repository; none raises for that. A git that
does not answer within its timeout raises `GitTimeout` (see command.py).
"""

from reliability_lint.git.command import GitTimeout
from reliability_lint.git.blame import UNCOMMITTED, BlameLine, blame_file, blame_files, parse_porcelain
from reliability_lint.git.listing import git_listing
from reliability_lint.git.scratch import scratch_git_dir
from reliability_lint.git.state import FileState, file_state, git_token, head_state

__all__ = [
    "UNCOMMITTED", "BlameLine", "FileState", "GitTimeout", "blame_file", "blame_files", "file_state", "git_listing",
    "git_token", "head_state", "parse_porcelain", "scratch_git_dir",
]  # fmt: skip
