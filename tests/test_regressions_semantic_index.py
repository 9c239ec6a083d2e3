"""The project index and module summaries (issue 18, mutmut survivors of
reliability_lint.semantic.index, .summary, .roots and .types, tests/MUTATION.md). Through the
command line in this process (CliRunner), on a package written to a temporary folder:
REL204 reports `x.get(url)` without a timeout only where `x` is known to be a
`requests.Session`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli


def run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], *args: str, select: str = "REL204", cache: bool = False
) -> list[str]:
    """The places reported (`path:line:col`); with `cache`, the content cache is on (in the
    project's folder), so a second run is a warm one."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    command = ["check", "--select", select, "--output-format", "concise", "--no-progress", *([] if cache else ["--no-cache"]), *args]
    result = CliRunner().invoke(cli, command, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    # every finding, of any code: a crash of the model shows as REL000 on the file
    return sorted(line.split(": ")[0] for line in result.stdout.splitlines() if re.match(r"[^:]+:\d+:\d+: REL\d", line))


def test_a_session_made_by_a_function_of_another_module_is_known(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/clients.py": "import requests\n\ndef make():\n    return requests.Session()\n",
        "pkg/use.py": "from pkg.clients import make\n\nmake().get('u')\n",
    }
    assert run(tmp_path, monkeypatch, files) == ["pkg/use.py:3:1"]


BASE = '''\
import typing
import requests


class Loader:
    def __init__(self):
        self.s = requests.Session()

    def session(self):
        return self.s

    def __enter__(self):
        return self

    async def asession(self):
        return self.s


SESSIONS = [requests.Session()]
NUMBERS = [1]
LOADER = Loader()


def make():
    return requests.Session()


class Typed(typing.Generic, Loader):
    pass


class Opaque(requests.Session, Loader):
    pass


class Outer:
    class Inner:
        def __init__(self):
            self.s = requests.Session()
'''

# A module whose values come from another module of the project: its summary holds
# references (`Ref`) that the index resolves when it is read.
RELAY = '''\
from pkg.base import Loader, SESSIONS, NUMBERS, LOADER, make
from pkg import base
from pkg.base import *

L = Loader()
ATTR = L.s
METHOD = L.session()
with Loader() as ENTERED:
    pass
for ELEMENT in SESSIONS:
    pass
for NUMBER in NUMBERS:
    pass
MADE = make()
THROUGH = base.LOADER.s
FROM_MODULE = base.make()
from requests import Session
LOADERS = [Loader()]
AS = Loader().asession()
for IT in LOADER:
    pass


class Holder:
    def __init__(self):
        self.loader = Loader()


HOLDER = Holder()


def remake():
    return make()


from .base import make as relative_make
RELATIVE = relative_make()
'''

# (what is imported from the relay, the statement using it, whether it is a Session)
RELAYED = [
    ("an attribute of a value of another module", "from pkg.relay import ATTR\nATTR.get('u')\n", True),
    ("a method's result on a value of another module", "from pkg.relay import METHOD\nMETHOD.get('u')\n", True),
    ("what a with of another module's class enters", "from pkg.relay import ENTERED\nENTERED.s.get('u')\n", True),
    ("an element of another module's list", "from pkg.relay import ELEMENT\nELEMENT.get('u')\n", True),
    ("an element of a list of numbers", "from pkg.relay import NUMBER\nNUMBER.get('u')\n", False),
    ("another module's function's result", "from pkg.relay import MADE\nMADE.get('u')\n", True),
    ("an attribute through a module", "from pkg.relay import THROUGH\nTHROUGH.get('u')\n", True),
    ("a function through a module", "from pkg.relay import FROM_MODULE\nFROM_MODULE.get('u')\n", True),
    ("a name imported into the relay", "from pkg.relay import make\nmake().get('u')\n", True),
    ("a name of the relay's star import", "from pkg.relay import SESSIONS\nfor s in SESSIONS:\n    s.get('u')\n", True),
    ("a method of a value, called through its module", "import pkg.base\npkg.base.LOADER.session().get('u')\n", True),
    ("an attribute of a value, through its module", "import pkg.base\npkg.base.LOADER.s.get('u')\n", True),
    ("a value called", "import pkg.base\npkg.base.LOADER().get('u')\n", False),
    ("a value as an annotation", "from pkg.base import LOADER\ndef f(x: LOADER):\n    x.get('u')\n", False),
    ("a class nested in a value", "from pkg.base import LOADER\nLOADER.s.get('u')\n", True),
    ("a star import's list", "from pkg.base import *\nfor s in SESSIONS:\n    s.get('u')\n", True),
    ("a star import's class object", "from pkg.base import *\nL = Loader\nL.s.get('u')\n", False),
    ("an imported class object", "from pkg.base import Loader\nL = Loader\nL.s.get('u')\n", False),
    ("a class object through its module", "from pkg import base\nL = base.Loader\nL.s.get('u')\n", False),
    ("an awaited method of another module's class", "from pkg.base import Loader\nasync def f():\n    (await Loader().asession()).get('u')\n", True),
    ("a method not awaited of another module's class", "from pkg.base import Loader\nLoader().asession().get('u')\n", False),
    ("a library method's result", "from pkg.base import make\nmake().prepare().get('u')\n", False),
    ("a method inherited from another module's class", "from pkg.base import Loader\nclass Mine(Loader):\n    def run(self):\n        self.session().get('u')\n", True),
    ("an attribute inherited from another module's class", "from pkg.base import Loader\nclass Mine(Loader):\n    def run(self):\n        self.s.get('u')\n", True),
    ("a module alone", "import pkg.base as b\nb.get('u')\n", False),
    ("a library class re-exported by another module", "from pkg.relay import Session\nSession().get('u')\n", True),
    ("another module's function, not called", "from pkg.base import make\nmake.get('u')\n", False),
    ("an attribute of another module's function, called", "from pkg.base import make\nmake.x().get('u')\n", False),
    ("a Session value as an annotation", "from pkg.relay import MADE\ndef f(x: MADE):\n    x.get('u')\n", False),
    ("a nested class of another module, through its class", "from pkg.base import Outer\nOuter.Inner().s.get('u')\n", True),
    ("a method of a value's attribute, through its module", "import pkg.relay\npkg.relay.HOLDER.loader.session().get('u')\n", True),
    ("an async method of a value, through its module", "import pkg.base\npkg.base.LOADER.asession().get('u')\n", False),
    ("an async method of a value, through its module, awaited", "import pkg.base\nasync def f():\n    (await pkg.base.LOADER.asession()).get('u')\n", True),
    ("a module imported into the relay, and its function", "from pkg.relay import base\nbase.make().get('u')\n", True),
    ("a list of a third module's instances", "from pkg.relay import LOADERS\nfor l in LOADERS:\n    l.s.get('u')\n", True),
    ("an async method of a third module's class, not awaited", "from pkg.relay import AS\nAS.get('u')\n", False),
    ("a function returning a third module's function's result", "from pkg.relay import remake\nremake().get('u')\n", True),
    ("an element of another module's instance", "from pkg.relay import IT\nIT.get('u')\n", False),
    ("an attribute past a typing base of another module's class", "from pkg.base import Typed\nTyped().s.get('u')\n", True),
    ("an attribute behind a library base of another module's class", "from pkg.base import Opaque\nOpaque().s.get('u')\n", False),
    ("a value made through the relay's relative import", "from pkg.relay import RELATIVE\nRELATIVE.get('u')\n", True),
]


@pytest.mark.parametrize("where", ["", "app/"], ids=["package at the top", "package in a folder"])
@pytest.mark.parametrize(("main", "known"), [case[1:] for case in RELAYED], ids=[case[0] for case in RELAYED])
def test_what_a_module_relays_from_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str, known: bool, where: str) -> None:
    """`where`: a package in a folder of the project is found from its importers' own place,
    not from the folder the tool runs in."""
    files = {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/relay.py": RELAY, "pkg/main.py": main}
    last = main.count("\n")
    found = run(tmp_path, monkeypatch, {where + name: text for name, text in files.items()})
    assert [int(place.split(":")[1]) for place in found if place.startswith(f"{where}pkg/main.py:")] == ([last] if known else [])
    assert all(place.startswith(f"{where}pkg/main.py:") for place in found), found  # nothing else, no crash


OBS = """\
import logging

logger = logging.getLogger("pkg")


def report_failure(where):
    logger.error("failure in %s", where)


def cleanup():
    pass


async def areport(where):
    raise RuntimeError(where)
"""

JOB = """\
from pkg.obs import report_failure, cleanup
from pkg import obs
import pkg.obs as alias


def a():
    try:
        step()
    except Exception:
        report_failure("a")


def b():
    try:
        step()
    except Exception:
        cleanup()


def c():
    try:
        step()
    except Exception:
        obs.report_failure("c")


def d():
    try:
        step()
    except Exception:
        alias.cleanup()


def e():
    try:
        step()
    except Exception:
        obs.logger()
"""


def test_a_handler_that_calls_another_module_s_reporting_function_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pkg/__init__.py": "", "pkg/obs.py": OBS, "pkg/job.py": JOB}
    found = run(tmp_path, monkeypatch, files, select="REL102")
    assert [place for place in found if place.startswith("pkg/job.py:")] == ["pkg/job.py:16:5", "pkg/job.py:30:5", "pkg/job.py:37:5"]


SESSIONS_MODULE = """\
import typing
import requests
from pkg.other import Base, Plain


class ApiSession(requests.Session):
    pass


class Deeper(ApiSession):
    pass


class Typed(typing.Generic, requests.Session):
    pass


class Remote(Base):
    pass


class Odd(make()):
    pass


class Own(requests.Session):
    def get(self, url):
        return super().get(url, timeout=3)


class NotASession(Plain):
    pass
"""
USES = """\
from pkg.sessions import ApiSession, Deeper, Typed, Remote, Odd, Own, NotASession
ApiSession().get('u')
Deeper().get('u')
Typed().get('u')
Remote().get('u')
Odd().get('u')
Own().get('u')
NotASession().get('u')
"""


def test_the_bases_of_another_module_s_session_subclass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/other.py": "import requests\n\nclass Base(requests.Session):\n    pass\n\nclass Plain:\n    pass\n",
        "pkg/sessions.py": SESSIONS_MODULE,
        "pkg/uses.py": USES,
    }
    found = [place for place in run(tmp_path, monkeypatch, files) if place.startswith("pkg/uses.py:")]
    assert found == ["pkg/uses.py:2:1", "pkg/uses.py:3:1", "pkg/uses.py:4:1", "pkg/uses.py:5:1"]


# ------------------------------------------------------------------ warm runs: what a cached finding read of other modules

SESSION_MAKER = "import requests\n\ndef make():\n    return requests.Session()\n"
USE = "from pkg.clients import make\n\nmake().get('u')\n"


def test_a_warm_run_rechecks_the_importer_of_a_module_that_no_longer_fails_to_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"pkg/__init__.py": "", "pkg/clients.py": "def make(:\n", "pkg/use.py": USE}
    assert run(tmp_path, monkeypatch, files, cache=True) == []  # a module that does not parse: make() is unknown
    assert run(tmp_path, monkeypatch, {}, cache=True) == []  # warm
    assert run(tmp_path, monkeypatch, {"pkg/clients.py": SESSION_MAKER}, cache=True) == ["pkg/use.py:3:1"]
    assert run(tmp_path, monkeypatch, {"pkg/clients.py": "def make(:\n"}, cache=True) == []


def test_a_warm_run_rechecks_a_script_whose_module_appears_in_a_folder_with_a_space(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A script's folder is the first place its imports are looked up: a module that
    appears there later must re-check the script, whatever the folder's name holds."""
    files = {"my jobs/app.py": "from helpers import make\n\nmake().get('u')\n"}
    assert run(tmp_path, monkeypatch, files, ".", cache=True) == []  # helpers cannot be found: unknown
    assert run(tmp_path, monkeypatch, {}, ".", cache=True) == []  # warm
    assert run(tmp_path, monkeypatch, {"my jobs/helpers.py": SESSION_MAKER}, ".", cache=True) == ["my jobs/app.py:3:1"]
    (tmp_path / "my jobs" / "helpers.py").unlink()
    assert run(tmp_path, monkeypatch, {}, ".", cache=True) == []


# ------------------------------------------------------------------ the language server: buffers that change


def test_the_language_server_takes_an_edited_buffer_that_no_other_module_has_read(tmp_path: Path) -> None:
    """Typing in a file nothing imports drops what the index knows of it: there is nothing
    to drop, and the next check reads the new text."""
    from reliability_lint.server.linting import Linter

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "clients.py").write_text(SESSION_MAKER)
    use = tmp_path / "pkg" / "use.py"
    use.write_text(USE)
    linter = Linter(lambda: [tmp_path])
    assert [(f.code, f.line) for f in linter.diagnose(use, USE).findings] == [("REL204", 3)]
    edited = USE + "make().get('v')\n"
    linter.set_buffer(use, edited)
    assert [(f.code, f.line) for f in linter.diagnose(use, edited).findings] == [("REL204", 3), ("REL204", 4)]
    linter.set_buffer(tmp_path / "pkg" / "clients.py", "def make():\n    return object()\n")  # read: forgotten
    assert linter.diagnose(use, edited).findings == []


# ------------------------------------------------------------------ chains between modules: how far they are followed

def chain(kind: str, length: int) -> dict[str, str]:
    """pkg/m0.py holds a Session; each of pkg/m1 .. m<length> takes it from the one before
    (`alias`: imports it, `star`: star-imports the module, `value`: binds it to a name of its
    own); pkg/main.py uses the last."""
    files = {"pkg/__init__.py": "", "pkg/m0.py": "import requests\nS0 = requests.Session()\n"}
    for k in range(1, length + 1):
        files[f"pkg/m{k}.py"] = {
            "alias": f"from pkg.m{k - 1} import S0\n",
            "star": f"from pkg.m{k - 1} import *\n",
            "value": f"from pkg.m{k - 1} import S{k - 1}\nS{k} = S{k - 1}\n",
        }[kind]
    files["pkg/main.py"] = f"from pkg.m{length} import S{length if kind == 'value' else 0} as s\ns.get('u')\n"
    return files


# (how each module takes it from the one before, the longest chain followed)
LIMITS = [("alias", 24), ("star", 24), ("value", 23)]


@pytest.mark.parametrize(("kind", "longest"), LIMITS, ids=[kind for kind, _ in LIMITS])
def test_a_chain_of_modules_is_followed_up_to_its_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, longest: int) -> None:
    assert run(tmp_path / "followed", monkeypatch, chain(kind, longest)) == ["pkg/main.py:2:1"]
    assert run(tmp_path / "too long", monkeypatch, chain(kind, longest + 1)) == []


@pytest.mark.parametrize("kind", ["alias", "star"])
def test_a_cycle_of_imports_between_two_modules_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    take = {"alias": "from pkg.{} import S\n", "star": "from pkg.{} import *\n"}[kind]
    files = {"pkg/__init__.py": "", "pkg/a.py": take.format("b"), "pkg/b.py": take.format("a"), "pkg/main.py": "from pkg.a import S\nS.get('u')\n"}
    assert run(tmp_path, monkeypatch, files) == []  # nothing found, and no crash (REL000)


# ------------------------------------------------------------------ a library's types relayed by another module (REL201: a job's result() without a timeout)

BQ = "from google.cloud import bigquery\n\nCLIENT = bigquery.Client()\n\n\ndef client():\n    return bigquery.Client()\n"
BQ_RELAY = """\
from pkg.bq import client
JOB = client().query('q')
with client().query('q') as ENTERED_JOB:
    pass
with client() as ENTERED_CLIENT:
    pass
"""
# (the statement of pkg/main.py, whether it is reported)
BQ_USES = [
    ("a library method's result on another module's value", "from pkg.relay import JOB\nJOB.result()\n", True),
    ("a with over a library class whose __enter__ returns another object", "from pkg.relay import ENTERED_JOB\nENTERED_JOB.result()\n", False),
    ("a with over a library class whose __enter__ returns itself", "from pkg.relay import ENTERED_CLIENT\nENTERED_CLIENT.query('q').result()\n", True),
    ("a library method on a value, through its module", "import pkg.bq\npkg.bq.CLIENT.query('q').result()\n", True),
]


@pytest.mark.parametrize(("main", "known"), [case[1:] for case in BQ_USES], ids=[case[0] for case in BQ_USES])
def test_a_library_type_relayed_by_another_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str, known: bool) -> None:
    files = {"pkg/__init__.py": "", "pkg/bq.py": BQ, "pkg/relay.py": BQ_RELAY, "pkg/main.py": main}
    found = run(tmp_path, monkeypatch, files, select="REL201")
    assert [place for place in found if place.startswith("pkg/main.py:")] == (["pkg/main.py:2:1"] if known else [])


def test_a_warm_run_rechecks_a_script_when_a_module_beside_it_shadows_the_one_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`from helpers import make` in jobs/app.py first finds the project's helpers.py; one
    created in jobs/ (looked up first) then shadows it, though the first is unchanged."""
    files = {"helpers.py": "def make():\n    return object()\n", "jobs/app.py": "from helpers import make\n\nmake().get('u')\n"}
    assert run(tmp_path, monkeypatch, files, ".", cache=True) == []
    assert run(tmp_path, monkeypatch, {"jobs/helpers.py": SESSION_MAKER}, ".", cache=True) == ["jobs/app.py:3:1"]


def test_the_language_server_names_only_the_documents_that_read_a_module_differently_now(tmp_path: Path) -> None:
    """A buffer edit that leaves a module's summary alone (a comment) re-lints none of the
    open documents that read it; one that changes what it exports names them."""
    from reliability_lint.server.linting import Linter

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    clients = tmp_path / "pkg" / "clients.py"
    clients.write_text(SESSION_MAKER)
    use = tmp_path / "pkg" / "use.py"
    use.write_text(USE)
    linter = Linter(lambda: [tmp_path])
    assert [(f.code, f.line) for f in linter.diagnose(use, USE).findings] == [("REL204", 3)]
    linter.set_buffer(clients, SESSION_MAKER + "# a comment changes nothing use.py reads\n")
    assert linter.dependents(clients) == []
    linter.set_buffer(clients, "def make():\n    return object()\n")
    assert linter.dependents(clients) == [str(use.absolute())]
    assert linter.diagnose(use, USE).findings == []


def test_the_language_server_reads_a_buffer_not_the_summary_the_cache_holds_of_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check` stored clients.py's summary in the cache, trusted by the file's status; an
    unsaved buffer of clients.py is read instead, each time anew: a buffer's summary is not
    stored as the file's."""
    import time

    from reliability_lint.cache import RACY_WINDOW_NS
    from reliability_lint.server.linting import Linter

    files = {"pkg/__init__.py": "", "pkg/clients.py": SESSION_MAKER, "pkg/use.py": USE}
    now = time.time_ns
    # Runs that start well after the files were written, so their status proves them unchanged.
    monkeypatch.setattr(time, "time_ns", lambda: now() + 3 * RACY_WINDOW_NS)
    assert run(tmp_path, monkeypatch, files, cache=True) == ["pkg/use.py:3:1"]  # stores the summaries
    clients, use = tmp_path / "pkg" / "clients.py", tmp_path / "pkg" / "use.py"
    linter = Linter(lambda: [tmp_path])
    linter.set_buffer(clients, "def make():\n    return object()\n")  # typed, not saved
    assert linter.diagnose(use, USE).findings == []
    linter.set_buffer(clients, SESSION_MAKER + "# typed again\n")  # not the summary of the buffer before
    assert [(f.code, f.line) for f in linter.diagnose(use, USE).findings] == [("REL204", 3)]
    linter.set_buffer(clients, "def make():\n    return object()\n")
    assert linter.diagnose(use, USE).findings == []
    linter.set_buffer(clients, None)  # closed: the file counts again
    assert [(f.code, f.line) for f in linter.diagnose(use, USE).findings] == [("REL204", 3)]
    assert run(tmp_path, monkeypatch, {}, cache=True) == ["pkg/use.py:3:1"]
