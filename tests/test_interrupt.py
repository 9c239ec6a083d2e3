"""No partial writes: `fix` killed mid-run (SIGKILL, or Ctrl-C reaching the whole process
group) leaves every file either as it was or fully fixed, and no temporary file behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reliability_lint.testing import fix_text

# Function-level handlers: the fixed text does not depend on the file's name.
TEMPLATES = [
    "def f():\n    try:\n        g()\n    except:\n        raise\n\n\ndef h():\n    try:\n        g()\n    except Exception:\n        pass\n",
    "import logging\nlog = logging.getLogger(__name__)\n\n\nclass Job:\n    def run(self):\n        try:\n            self.go()\n        except:\n            pass\n",
    "x = 1\n",  # nothing to fix
]
FILES = 90


def build(root: Path) -> dict[Path, tuple[bytes, bytes]]:
    """The tree, and for each file its old and its fixed bytes."""
    expected = {}
    fixed = [fix_text(t, None, unsafe_fixes=True).encode() for t in TEMPLATES]
    for index in range(FILES):
        path = root / f"pkg{index % 6}" / f"module_{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        template = index % len(TEMPLATES)
        # padding makes each file a little different and the run long enough to interrupt
        padding = "".join(f"value_{index}_{n} = {n}\n" for n in range(40))
        old = TEMPLATES[template].encode() + padding.encode()
        path.write_bytes(old)
        expected[path] = (old, fixed[template] + padding.encode())
    return expected


def start_fix(root: Path, jobs: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "reliability_lint", "fix", "--unsafe-fixes", "--no-cache", "--jobs", str(jobs), "."]
    return subprocess.Popen(
        command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def wait_until_some_fixed(process: subprocess.Popen[str], expected: dict[Path, tuple[bytes, bytes]], at_least: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        done = sum(path.read_bytes() == new for path, (old, new) in expected.items() if old != new)
        if done >= at_least:
            return
        if process.poll() is not None:
            pytest.fail(f"fix ended before it could be interrupted: {process.stderr.read()}")
        time.sleep(0.005)
    pytest.fail("fix did not start fixing within two minutes")


def assert_old_or_new(root: Path, expected: dict[Path, tuple[bytes, bytes]]) -> tuple[int, int]:
    old_count = new_count = 0
    for path, (old, new) in expected.items():
        content = path.read_bytes()
        assert content in (old, new), f"{path.name} is neither the old nor the fixed version"
        if old != new:
            old_count += content == old
            new_count += content == new
    leftovers = sorted(p.name for p in root.rglob("*") if p.is_file() and p not in expected)
    assert leftovers == [], f"left behind: {leftovers}"
    return old_count, new_count


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_sigkill_mid_run_leaves_old_or_new_files_only(tmp_path: Path, jobs: int) -> None:
    expected = build(tmp_path)
    process = start_fix(tmp_path, jobs)
    wait_until_some_fixed(process, expected, at_least=3)
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    old, new = assert_old_or_new(tmp_path, expected)
    assert old and new, "the kill did not land mid-run"
    if jobs == 1:  # the next run finishes the job
        finished = start_fix(tmp_path, 2)
        finished.communicate(timeout=300)
        assert finished.returncode == 0
        assert assert_old_or_new(tmp_path, expected)[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_mid_run_stops_cleanly(tmp_path: Path, jobs: int) -> None:
    expected = build(tmp_path)
    process = start_fix(tmp_path, jobs)
    wait_until_some_fixed(process, expected, at_least=3)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stdout[-2000:] + stderr
    assert stderr.strip().splitlines()[-1] == "interrupted" and "Traceback" not in stderr, stderr
    old, new = assert_old_or_new(tmp_path, expected)
    assert old and new, "the interrupt did not land mid-run"


def test_sigterm_while_writing_waits_for_the_file(tmp_path: Path) -> None:
    """SIGTERM arriving inside the write is held until the file is whole.

    In a process of its own: signals are deferred in the main thread only, and a test
    runner (pytest-xdist) may run tests in another.
    """
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    program = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from reliability_lint.fix import write_atomic\n"
        "target = Path(sys.argv[1])\n"
        "received = []\n"
        "signal.signal(signal.SIGTERM, lambda *_: received.append(target.read_bytes()))\n"
        "real_fsync = os.fsync\n"
        "def fsync_then_signal(descriptor):\n"
        "    os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-write\n"
        "    real_fsync(descriptor)\n"
        "os.fsync = fsync_then_signal\n"
        "write_atomic(target, b'new\\n')\n"
        "print(repr(received))\n"
    )
    result = subprocess.run([sys.executable, "-c", program, str(target)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[b'new\\n']", "the signal was handled before the file was replaced"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_sigkill_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    """The worst moment a random kill can rarely hit, made certain: mid-write."""
    target = tmp_path / "a.py"
    target.write_bytes(b"old\n")
    program = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from reliability_lint.fix import write_atomic\n"
        "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)\n"
        "write_atomic(Path(sys.argv[1]), b'new\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", program, str(target)], capture_output=True, timeout=60)
    assert result.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]
