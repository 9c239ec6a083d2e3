"""What a module's summary tells another module about its classes (tests/MUTATION.md,
semantic.summary): their bases, which of them are `object` or an exception class and so
say nothing, which are unknown, and their methods; through the command line in this
process, as REL204 sees a `requests.Session` reached through a class of another module."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli

CLIENTS = '''\
import requests

Mixin = make_mixin()


class PlainBase(object):
    pass


class ErrorBase(Exception):
    pass


class FatalBase(BaseException):
    pass


class ViaObject(PlainBase, requests.Session):
    pass


class ViaError(ErrorBase, requests.Session):
    pass


class ViaFatal(FatalBase, requests.Session):
    pass


class ViaUnknown(Mixin, requests.Session):
    pass


class FirstError(Exception, requests.Session):
    pass


class Loader:
    retries = 3

    def session(self):
        return requests.Session()


class Shadowed:
    def session(self):
        return requests.Session()


def factory():
    class Shadowed:
        def session(self):
            return object()

    return Shadowed
'''

JOB = '''\
from pkg import clients


def fetch(url):
    clients.ViaObject().get(url)
    clients.ViaError().get(url)
    clients.ViaFatal().get(url)
    clients.ViaUnknown().get(url)
    clients.FirstError().get(url)
    clients.Loader().session().get(url)
    clients.Shadowed().session().get(url)
'''


def test_a_class_of_another_module_is_read_from_its_bases_and_methods(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`object`, `Exception` and `BaseException` bases (listed first or through a base of
    the module) add nothing, so the Session base decides; a base nothing can tell
    (`Mixin = make_mixin()`) leaves the class unknown; a method after a class attribute is
    still a method; a class local to a function does not stand for the module's own."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "clients.py").write_text(CLIENTS)
    (tmp_path / "pkg" / "job.py").write_text(JOB)
    monkeypatch.chdir(tmp_path)
    args = ["check", "--select", "REL204", "--output-format", "concise", "--no-cache", "--no-progress", "."]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    reported = re.findall(r"^pkg/job\.py:(\d+):\d+: REL204", result.stdout, flags=re.MULTILINE)
    assert reported == ["5", "6", "7", "9", "10", "11"], result.stdout


def test_a_list_of_instances_of_a_class_of_another_module_is_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "clients.py").write_text(
        "import requests\n\n\nclass Loader:\n    def session(self):\n        return requests.Session()\n\n\nLOADERS = [Loader(), Loader()]\n"
    )
    (tmp_path / "pkg" / "job.py").write_text("from pkg import clients\n\n\ndef fetch(url):\n    for loader in clients.LOADERS:\n        loader.session().get(url)\n")
    monkeypatch.chdir(tmp_path)
    args = ["check", "--select", "REL204", "--output-format", "concise", "--no-cache", "--no-progress", "."]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert re.findall(r"^pkg/job\.py:(\d+):\d+: (REL\d+)", result.stdout, flags=re.MULTILINE) == [("6", "REL204")], result.stdout


COMPAT = '''\
import requests

try:
    from httpx import Client as Session
except ImportError:
    from requests import Session

try:
    from requests import Session as Fallback
except ImportError:
    Fallback = object


def helper():
    global COUNT
    COUNT = 1


SESSION = requests.Session()

if (WALRUS := requests.Session()) is not None:
    pass
'''


def test_a_module_read_only_for_its_summary_binds_what_it_binds_when_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only job.py is checked, so clients.py is read for its summary alone (its own walk,
    which a `global` statement and a walrus in an `if` go through); a name imported from two libraries, or bound
    to an import and to something else, is no alias of either."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "clients.py").write_text(COMPAT)
    (tmp_path / "pkg" / "job.py").write_text(
        "from pkg import clients\n\n\ndef fetch(url):\n    clients.SESSION.get(url)\n    clients.Session().get(url)\n    clients.Fallback().get(url)\n    clients.WALRUS.get(url)\n"
    )
    monkeypatch.chdir(tmp_path)
    args = ["check", "--select", "REL204", "--output-format", "concise", "--no-cache", "--no-progress", "pkg/job.py"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert re.findall(r"^pkg/job\.py:(\d+):\d+: (REL\d+)", result.stdout, flags=re.MULTILINE) == [("5", "REL204"), ("8", "REL204")], result.stdout
