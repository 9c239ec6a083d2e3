"""When `fix` refuses to write a file (tests/MUTATION.md, fix.write): never over a file
nobody may write, root included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_regressions_core import run
from test_regressions_fix import FIX, STUBS


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="for another user the access check alone refuses the file")
@pytest.mark.parametrize("mode", [0o555, 0o444, 0o500])
def test_root_leaves_a_file_that_nobody_may_write_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: int) -> None:
    """An executable script without a write bit (0o555) is as read-only as 0o444, though
    root's access check says it could write it."""
    job = tmp_path / "job.py"
    job.write_text(STUBS)
    job.chmod(mode)
    code, out, err = run(tmp_path, monkeypatch, *FIX, "job.py")
    assert code == 1, out + err
    assert "job.py:1:1: REL000 [P1] cannot write fixes: job.py is read-only; file left unchanged" in out
    assert job.read_text() == STUBS
