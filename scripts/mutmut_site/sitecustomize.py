"""On PYTHONPATH for `scripts/mutation.py` only: a Python started by a test (the real
executable in a subprocess) runs the mutant under test, but not mutmut's coverage pass
("stats"), which records calls in mutmut's own process and cannot work in a child."""

import os

if os.environ.get("MUTANT_UNDER_TEST") == "stats":
    del os.environ["MUTANT_UNDER_TEST"]
