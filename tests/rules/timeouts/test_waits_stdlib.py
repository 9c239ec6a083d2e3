"""REL207-REL209: waits of the standard library and aiohttp, and their look-alikes."""

from __future__ import annotations

import textwrap

from reliability_lint.testing import check_text, fix_text

CODES = ["REL207", "REL208", "REL209"]


def found(text: str) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in check_text(textwrap.dedent(text), CODES))


def test_every_import_form_and_popen_holder() -> None:
    text = """\
        import functools
        import subprocess
        import subprocess as sp
        from subprocess import Popen, check_output as out
        from urllib import request
        import http.client
        import socket, ftplib


        class Runner:
            def __init__(self, cmd):
                self.proc = Popen(cmd)

            @functools.cache
            def finish(self):
                return self.proc.communicate()


        async def main(cmd):
            subprocess.call(cmd)
            sp.check_call(
                cmd,  # the command
                cwd="/",
            )
            out(cmd, timeout=None)
            request.urlopen("https://example.com")
            http.client.HTTPSConnection("example.com")
            socket.create_connection(("db", 5432))
            ftplib.FTP("ftp.example.com")

            def inner():
                with sp.Popen(cmd) as child:
                    child.wait()
            return inner
        """
    assert found(text) == [
        (16, "REL207"), (20, "REL207"), (21, "REL207"), (25, "REL207"),
        (26, "REL208"), (27, "REL208"), (28, "REL208"), (29, "REL208"), (33, "REL207"),
    ]  # fmt: skip


def test_look_alikes_stay_silent() -> None:
    text = """\
        import asyncio
        import subprocess
        from subprocess import Popen
        import urllib.request


        def run(cmd, **kwargs):
            subprocess.run(cmd, **kwargs)
            subprocess.run(cmd, timeout=30)
            subprocess.run(*[cmd], **{"timeout": 5})
            urllib.request.urlopen("https://x", None, 10)


        def stop(proc: Popen):
            proc.kill()
            proc.wait()


        class Thing:
            def wait(self):
                pass

            def run(self):
                self.wait()


        asyncio.run(main())
        app.run()
        event.wait()
        run(["ls"])
        """
    assert found(text) == []


def test_a_shadowed_module_name_is_not_the_library() -> None:
    text = """\
        subprocess = load_plugin("subprocess")
        subprocess.run(["ls"])
        """
    assert found(text) == []


def test_fixes_follow_the_call_layout_and_crlf() -> None:
    text = (
        "import aiohttp\r\n"
        "import subprocess\r\n"
        "async def f(cmd):\r\n"
        "    subprocess.run(\r\n"
        "        cmd,\r\n"
        "        check=True,  # strict\r\n"
        "    )\r\n"
        "    async with aiohttp.ClientSession(headers={'é': '1'}) as s:\r\n"
        "        return s\r\n"
    )
    fixed = fix_text(text, CODES, unsafe_fixes=True)
    assert "        check=True,  # strict\r\n        timeout=3600,\r\n    )\r\n" in fixed
    assert "aiohttp.ClientSession(headers={'é': '1'}, timeout=aiohttp.ClientTimeout(total=60))" in fixed
    assert check_text(fixed, CODES) == []
    safe_only = fix_text(text, CODES, unsafe_fixes=False)
    assert "timeout=3600" not in safe_only and "ClientTimeout" in safe_only


def test_options_set_the_inserted_values() -> None:
    text = "import subprocess\nsubprocess.run(['ls'])\n"
    fixed = fix_text(text, ["REL207"], options={"timeouts": {"process": "settings.PROCESS_TIMEOUT", "process-import": "from app import settings"}})
    assert "from app import settings" in fixed and "timeout=settings.PROCESS_TIMEOUT" in fixed
