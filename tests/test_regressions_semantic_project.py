"""The project index (issue 18, mutation testing of reliability_lint.semantic, tests/MUTATION.md):
what another module of the project defines, read from its summary. Through the command line
in this process (CliRunner), as a user runs it on a package: REL204 reports `x.get(url)`
without a timeout only where `x` is known to be a `requests.Session`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli

CLIENTS = '''\
import requests
from requests import Session as S

SESSION = requests.Session()
ALIAS = SESSION
OTHER = S()
NUMBER = 1


def make():
    return requests.Session()


async def amake():
    return requests.Session()


class Loader:
    def __init__(self):
        self.s = requests.Session()

    def session(self):
        return self.s

    @property
    def prop(self):
        return self.s


class Child(Loader):
    pass


class Holder:
    loader = Loader()
'''


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "--select", "REL204", "--output-format", "concise", "--no-cache", "--no-progress", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def reported(out: str, path: str) -> list[int]:
    return [int(m.group(1)) for m in re.finditer(rf"^{re.escape(path)}:(\d+):\d+: REL204", out, re.M)]


def project(tmp_path: Path, main: str, clients: str = CLIENTS) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "clients.py").write_text(clients)
    (tmp_path / "app" / "main.py").write_text(main)


# (what is imported, the statement using it, whether it is known to be a Session)
USES = [
    ("a module-level value", "from app.clients import SESSION\nSESSION.get('u')\n", True),
    ("a value bound to another", "from app.clients import ALIAS\nALIAS.get('u')\n", True),
    ("a value made by an imported alias", "from app.clients import OTHER\nOTHER.get('u')\n", True),
    ("a value of another type", "from app.clients import NUMBER\nNUMBER.get('u')\n", False),
    ("a function's return", "from app.clients import make\nmake().get('u')\n", True),
    ("a module's attribute", "from app import clients\nclients.SESSION.get('u')\n", True),
    ("a module's function", "from app import clients\nclients.make().get('u')\n", True),
    ("a relative import", "from .clients import SESSION as REL\nREL.get('u')\n", True),
    ("a relative module import", "from . import clients as c\nc.SESSION.get('u')\n", True),
    ("a dotted module import", "import app.clients\napp.clients.SESSION.get('u')\n", True),
    ("an attribute set in __init__", "from app.clients import Loader\nLoader().s.get('u')\n", True),
    ("a method's return", "from app.clients import Loader\nLoader().session().get('u')\n", True),
    ("a property", "from app.clients import Loader\nLoader().prop.get('u')\n", True),
    ("an inherited attribute", "from app.clients import Child\nChild().s.get('u')\n", True),
    ("an annotated argument", "from app.clients import Loader\ndef f(loader: Loader):\n    loader.s.get('u')\n", True),
    ("a class attribute of an instance", "from app.clients import Holder\nHolder().loader.s.get('u')\n", True),
    ("a class attribute of the class", "from app.clients import Holder\nHolder.loader.s.get('u')\n", False),
    ("a class through its module", "from app import clients\nclients.Loader().s.get('u')\n", True),
    ("an awaited coroutine", "from app.clients import amake\nasync def f():\n    (await amake()).get('u')\n", True),
    ("a coroutine not awaited", "from app.clients import amake\namake().get('u')\n", False),
    ("a name the module does not define", "from app.clients import MISSING\nMISSING.get('u')\n", False),
    ("a module the project does not have", "from app.other import SESSION\nSESSION.get('u')\n", False),
    ("a class called as a method", "from app.clients import Loader\nLoader.session().get('u')\n", False),
]


@pytest.mark.parametrize(("main", "known"), [use[1:] for use in USES], ids=[use[0] for use in USES])
def test_what_another_module_defines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str, known: bool) -> None:
    project(tmp_path, main)
    last = main.count("\n")
    assert reported(run(tmp_path, monkeypatch, "app/main.py"), "app/main.py") == ([last] if known else [])


def test_a_relative_import_climbs_one_package_per_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, "")
    (tmp_path / "app" / "sub").mkdir()
    (tmp_path / "app" / "sub" / "__init__.py").write_text("")
    (tmp_path / "app" / "sub" / "clients.py").write_text("NUMBER = 1\nSESSION = 2\n")
    (tmp_path / "app" / "sub" / "deep.py").write_text(
        "from ..clients import SESSION\nfrom .clients import SESSION as LOCAL\nfrom ... import SESSION as ABOVE\n"
        "from .. import clients\n\nSESSION.get('u')\nLOCAL.get('u')\nABOVE.get('u')\nclients.SESSION.get('u')\n"
    )
    assert reported(run(tmp_path, monkeypatch, "app/sub/deep.py"), "app/sub/deep.py") == [6, 9]



def test_a_relative_import_in_a_nested_package_and_one_beyond_the_top_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, "")
    (tmp_path / "clients.py").write_text(CLIENTS)  # beside the top package: `...clients` from app/sub is not it
    (tmp_path / "app" / "sub").mkdir()
    (tmp_path / "app" / "sub" / "__init__.py").write_text("")
    (tmp_path / "app" / "sub" / "sessions.py").write_text("import requests\nS = requests.Session()\n")
    (tmp_path / "app" / "sub" / "deep.py").write_text(
        "from .sessions import S\nfrom ...clients import SESSION as BEYOND\n\nS.get('u')\nBEYOND.get('u')\n"
    )
    assert reported(run(tmp_path, monkeypatch, "app/sub/deep.py"), "app/sub/deep.py") == [4]

def test_a_folder_without_init_resolves_as_a_script_folder_and_a_namespace_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "clients.py").write_text(CLIENTS)
    (tmp_path / "scripts" / "job.py").write_text(
        "from clients import SESSION\nfrom . import clients\nfrom .. import clients as up\n"
        "SESSION.get('u')\nclients.SESSION.get('u')\nup.SESSION.get('u')\n"
    )
    assert reported(run(tmp_path, monkeypatch, "scripts/job.py"), "scripts/job.py") == [4, 5]
