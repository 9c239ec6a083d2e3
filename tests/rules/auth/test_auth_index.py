"""The auth family reads other modules through the project index: a route's finding is
keyed on the summaries of the modules that decide it, so the content cache re-checks the
route when its shared auth decorator changes (the real executable, cache on)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from auth_trees import codes_by_place, write_tree

from reliability_lint.cache import DEFAULT_DIR

DECORATOR = '''
    import os
    from functools import wraps

    from flask import abort, request


    def require_api_key(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.headers.get("X-API-Key") != os.environ["API_KEY"]:
                abort(401)
            return view(*args, **kwargs)
        return wrapper
'''
NOT_CHECKING = '''
    from functools import wraps


    def require_api_key(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)  # the check was removed
        return wrapper
'''
ROUTES = '''
    from flask import Flask

    from svc.security import require_api_key

    app = Flask(__name__)


    @app.post("/export")
    @require_api_key
    def export():
        return "started"
'''


def cached_check(root: Path) -> set[tuple[str, str, int]]:
    """Findings of the real executable with the content cache on (in the tree's default
    cache folder)."""
    done = subprocess.run(
        [sys.executable, "-m", "reliability_lint", "check", "--select", "REL5", "--output-format", "json", "."],
        cwd=root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return codes_by_place(json.loads(done.stdout), root)


def test_editing_the_shared_decorator_rechecks_the_route_with_a_warm_cache(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"svc/__init__.py": "", "svc/security.py": DECORATOR, "svc/app.py": ROUTES})
    assert cached_check(root) == set()
    assert cached_check(root) == set()  # warm
    assert any(p.is_file() for p in (root / DEFAULT_DIR).rglob("*")), "the runs wrote a cache"
    write_tree(root, {"svc/security.py": NOT_CHECKING})
    assert cached_check(root) == {("REL501", "svc/app.py", 10)}
    write_tree(root, {"svc/security.py": DECORATOR + "\n\n    # a comment changes nothing the route reads\n"})
    assert cached_check(root) == set()


def test_an_unrelated_module_changing_keeps_the_route_cached(tmp_path: Path, cli, monkeypatch) -> None:
    import ast

    root = write_tree(tmp_path, {
        "svc/__init__.py": "", "svc/security.py": DECORATOR, "svc/app.py": ROUTES, "svc/other.py": "x = 1\n",
    })  # fmt: skip
    assert cli("check", "--select", "REL5", "svc", cwd=root)[0] == 0
    parsed: list[str] = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, filename="<unknown>", *a, **k: parsed.append(Path(str(filename)).name) or real_parse(source, filename, *a, **k))
    write_tree(root, {"svc/other.py": "x = 2\n"})
    assert cli("check", "--select", "REL5", "svc", cwd=root)[0] == 0
    assert "app.py" not in parsed  # app.py reads security.py only: its findings stay cached


def test_a_decorator_reexported_through_a_package_and_a_relative_import(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "svc/__init__.py": "",
        "svc/auth/__init__.py": "from .keys import require_api_key\n",
        "svc/auth/keys.py": NOT_CHECKING,
        "svc/api/__init__.py": "",
        "svc/api/app.py": ROUTES.replace("from svc.security import", "from ..auth import"),
    })  # fmt: skip
    assert cached_check(root) == {("REL501", "svc/api/app.py", 10)}
    write_tree(root, {"svc/auth/keys.py": DECORATOR})
    assert cached_check(root) == set()


def test_a_deploy_file_is_rechecked_when_the_deployed_code_changes(tmp_path: Path) -> None:
    from test_auth_deploy import CHECKED_FUNCTION, OPEN_FUNCTION

    makefile = "deploy:\n\tgcloud functions deploy export_warehouse --source=fn --trigger-http --allow-unauthenticated\n"
    root = write_tree(tmp_path, {"fn/main.py": CHECKED_FUNCTION, "Makefile": makefile})
    assert cached_check(root) == {("REL511", "Makefile", 2)}
    assert cached_check(root) == {("REL511", "Makefile", 2)}  # warm
    write_tree(root, {"fn/main.py": OPEN_FUNCTION})
    assert cached_check(root) == {("REL515", "Makefile", 2), ("REL501", "fn/main.py", 5)}


def test_lines_moving_in_the_decorator_module_keep_the_route_cached(tmp_path: Path, cli, monkeypatch) -> None:
    import ast

    root = write_tree(tmp_path, {"svc/__init__.py": "", "svc/security.py": DECORATOR, "svc/app.py": ROUTES})
    assert cli("check", "--select", "REL5", "svc", cwd=root)[0] == 0
    parsed: list[str] = []
    real_parse = ast.parse
    monkeypatch.setattr(ast, "parse", lambda source, filename="<unknown>", *a, **k: parsed.append(Path(str(filename)).name) or real_parse(source, filename, *a, **k))
    path = root / "svc" / "security.py"
    path.write_text('"""Guards."""\n\n# moved down two lines\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert cli("check", "--select", "REL5", "svc", cwd=root)[0] == 0
    assert "security.py" in parsed and "app.py" not in parsed  # its facts hold no line numbers
