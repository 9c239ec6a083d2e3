"""A check whose rules look at statements only walks statements only (no expression is
visited): every place a handler can be, however deep among statements, is still reached."""

from __future__ import annotations

import ast
import textwrap

from reliability_lint.testing import check_text

NESTED = textwrap.dedent(
    """
    import contextlib
    import requests

    class Outer:
        def method(self):
            if ready:
                try: a()
                except: pass
            elif other:
                for item in items:
                    try: b()
                    except: pass
                else:
                    while waiting:
                        with contextlib.suppress(KeyError):
                            try: c()
                            except: pass
            else:
                try:
                    d()
                except ValueError:
                    try: e()
                    except: pass
                else:
                    try: f()
                    except: pass
                finally:
                    try: g()
                    except: pass

    async def handler(event):
        match event:
            case {"kind": "retry"}:
                try: await h()
                except: pass
            case _:
                async with lock:
                    async for part in stream():
                        def inner():
                            try: i()
                            except: pass
    """
)


def test_every_handler_among_statements_is_reached() -> None:
    expected = sorted(node.lineno for node in ast.walk(ast.parse(NESTED)) if isinstance(node, ast.ExceptHandler) and node.type is None)
    assert len(expected) == 8
    assert sorted(f.line for f in check_text(NESTED, ["REL101"])) == expected
    # With a rule that needs expressions too (REL204 reads calls), the same handlers.
    found = check_text(NESTED, ["REL101", "REL204"])
    assert sorted(f.line for f in found if f.code == "REL101") == expected
