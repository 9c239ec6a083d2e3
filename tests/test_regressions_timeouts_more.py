"""Regressions (issue 18, mutmut, the survivors of `rules.timeouts.waits_cloud`, `sessions`,
`pins` and `pin_files`): REL212-REL216, REL204 through the project's sessions and adapters,
and the pins REL206 reads, through `reliability_lint.testing` and the command line in this
process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from reliability_lint.cli import cli
from reliability_lint.testing import check_text

BQ = "from google.cloud import bigquery\n\nrows = bigquery.Client().list_rows('t', timeout=5)\nframe = rows.to_dataframe()\n"


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def pinned_for(root: Path, where: str = "m.py") -> bool:
    """Whether REL206 is reported for a download in `root / where`: the pin found there takes
    the download timeout."""
    (root / where).parent.mkdir(parents=True, exist_ok=True)
    return [f.code for f in check_text(BQ, ["REL206"], path=str(root / where))] == ["REL206"]


# ------------------------------------------------------------------ pins: which folder decides


def test_the_search_for_pins_stops_at_the_root_of_a_git_repository(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "google-cloud-bigquery==3.41.0\n", "repo/src/keep": ""})
    assert pinned_for(tmp_path, "repo/src/m.py")
    (tmp_path / "repo" / ".git").mkdir()
    assert not pinned_for(tmp_path, "repo/src/m.py")  # the folders above the repository are not the project's
    # the repository's root itself is still read
    write(tmp_path, {"repo/requirements.txt": "google-cloud-bigquery==3.41.0\n"})
    assert pinned_for(tmp_path, "repo/src/m.py")


def test_a_folder_whose_name_is_not_utf_8_has_its_pins(tmp_path: Path) -> None:
    folder = tmp_path / os.fsdecode(b"caf\xe9")  # a Latin-1 name on a UTF-8 file system
    write(folder, {"requirements.txt": "google-cloud-bigquery==3.41.0\n"})
    assert pinned_for(folder)


def test_a_cached_run_follows_an_edited_requirements_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"proj/requirements.txt": "google-cloud-bigquery==3.41.0\n", "proj/jobs/m.py": BQ})
    monkeypatch.chdir(tmp_path)  # the pins are those of the file's folder, not of the working directory

    def run() -> list[str]:
        args = ["check", "--no-progress", "--output-format", "concise", "--select", "REL206", "proj"]
        result = CliRunner().invoke(cli, args)
        return [line.split(" [")[0] for line in result.stdout.splitlines() if ": REL" in line]

    assert run() == ["proj/jobs/m.py:4:9: REL206"]
    write(tmp_path, {"proj/requirements.txt": "google-cloud-bigquery==3.30.0\n"})
    assert run() == []
    write(tmp_path, {"proj/requirements.txt": "google-cloud-bigquery==3.50.0\n"})
    assert run() == ["proj/jobs/m.py:4:9: REL206"]


def test_a_file_in_a_folder_not_made_yet_has_the_pins_of_the_folders_above(tmp_path: Path) -> None:
    write(tmp_path, {"requirements.txt": "google-cloud-bigquery==3.41.0\n"})
    found = check_text(BQ, ["REL206"], path=str(tmp_path / "new" / "m.py"))
    assert [f.code for f in found] == ["REL206"]


SETUP = "[options]\ninstall_requires =\n    {}\n"


@pytest.mark.parametrize(
    ("files", "accepted"),
    [
        # an exact pin decides, whatever bound another file gives
        ({"requirements.txt": "google-cloud-bigquery==3.39.0\n", "setup.cfg": SETUP.format("google-cloud-bigquery>=3.41")}, False),
        ({"requirements.txt": "google-cloud-bigquery===3.39.0\n", "setup.cfg": SETUP.format("google-cloud-bigquery>=3.41")}, False),
        ({"requirements.txt": "google-cloud-bigquery==3.41.0\n", "setup.cfg": SETUP.format("google-cloud-bigquery==3.39.0")}, True),
        (
            {
                "requirements.txt": "google-cloud-bigquery===3.41.0\n",
                "setup.cfg": SETUP.format("google-cloud-bigquery==3.39.0"),
            },
            True,
        ),
        # a setup.cfg whose install_requires is on the line of its key
        ({"setup.cfg": "[options]\ninstall_requires = google-cloud-bigquery>=3.41\n"}, True),
        # requirements lines: spaces around the operator, comments, a line that is no requirement
        ({"requirements.txt": "google-cloud-bigquery >= 3.41\n"}, True),
        ({"requirements.txt": "\n\ngoogle-cloud-bigquery>=3.41\n\n"}, True),
        ({"requirements.txt": "google-cloud-bigquery>=3.41  # newer # for downloads\n"}, True),
        ({"requirements.txt": "./vendor/package\ngoogle-cloud-bigquery>=3.41\n"}, True),
    ],
)
def test_more_dependency_files(files: dict[str, str], accepted: bool, tmp_path: Path) -> None:
    write(tmp_path, files)
    assert pinned_for(tmp_path) is accepted


def test_a_poetry_dependency_without_a_version_is_an_unpinned_requirement(tmp_path: Path) -> None:
    poetry = '[tool.poetry.dependencies]\ngoogle-cloud-bigquery = {git = "https://example.com/bq.git"}\n'
    write(tmp_path, {"pyproject.toml": poetry, "requirements.txt": "google-cloud-bigquery>=3.41\n"})
    assert pinned_for(tmp_path)
    write(tmp_path / "alone", {"pyproject.toml": poetry})
    assert not pinned_for(tmp_path / "alone")


# ------------------------------------------------------------------ REL204: the project's session classes

S = "import requests\n\n"


def sessions_reported(text: str) -> list[int]:
    return sorted(f.line for f in check_text(S + text, ["REL204"]))


def test_a_session_class_defined_in_a_function_derives_from_one_of_that_function() -> None:
    text = (
        "def f():\n    class Base(requests.Session):\n        pass\n\n    class Api(Base):\n        pass\n\n"
        "    Api().get('u')\n"
    )
    assert sessions_reported(text) == [10]


def test_a_session_class_three_classes_down() -> None:
    text = "class Root(requests.Session):\n    pass\n\nclass Base(Root):\n    pass\n\nclass Api(Base):\n    pass\n\nApi().get('u')\n"
    assert sessions_reported(text) == [12]
    bounded = text.replace("class Root(requests.Session):\n    pass", "class Root(requests.Session):\n    def get(self, u):\n        return 1")
    assert sessions_reported(bounded) == []


@pytest.mark.parametrize(
    ("bases", "reported"),
    [
        ("abc.ABC, requests.Session", True),  # typing's, abc's and collections' classes are left out
        ("requests.Session, collections.abc.Iterable", True),
        ("requests.Session, collections.OrderedDict", True),
        ("requests.Session, vendor.Base", False),
    ],
)
def test_the_plain_bases_of_a_session_class(bases: str, reported: bool) -> None:
    text = f"import abc\nimport collections\nimport collections.abc\nimport vendor\n\nclass Api({bases}):\n    pass\n\nApi().get('u')\n"
    assert sessions_reported(text) == ([11] if reported else [])


@pytest.mark.parametrize(
    "classes",
    [
        "class A(B):\n    pass\n\nclass B(A):\n    pass\n",
        "class A(B):\n    pass\n\nclass B(C):\n    pass\n\nclass C(B):\n    pass\n",
    ],
)
def test_classes_that_derive_from_each_other_are_no_session(classes: str) -> None:
    assert sessions_reported(classes + "\nA().get('u')\n") == []


# ------------------------------------------------------------------ REL212-REL216: where a finding is, and its noqa

PUB = "from google.cloud import pubsub_v1\n\np = pubsub_v1.PublisherClient()\n"
SUB = "from google.cloud import pubsub_v1\n\nsubscriber = pubsub_v1.SubscriberClient()\n"
STORE = "from google.cloud import storage\n\nblob = storage.Client().bucket('b').blob('x')\n"
FIRE = "from google.cloud import firestore\n\ndb = firestore.Client()\n"
CLOUD = ["REL212", "REL213", "REL214", "REL215", "REL216"]


def spans(text: str) -> list[tuple[int, int, int, int, str]]:
    return [(f.line, f.col, f.end_line, f.end_col, f.code) for f in check_text(text, CLOUD)]


def test_a_cloud_finding_is_at_its_call_not_its_statement() -> None:
    assert spans(PUB + "(p.publish('t', b'x', ordering_key='k'))\n") == [(4, 1, 4, 39, "REL213")]
    assert spans(SUB + "got = subscriber.pull(subscription='s', timeout=None)\n") == [(4, 6, 4, 53, "REL214")]
    assert spans(STORE + "data = blob.download_as_bytes(timeout=None)\n") == [(4, 7, 4, 43, "REL216")]
    assert spans(FIRE + "snap = db.collection('c').document('d').get()\n") == [(4, 7, 4, 45, "REL215")]
    assert spans(SUB + "got = subscriber.subscribe('s', cb).result()\n") == [(4, 6, 4, 44, "REL212")]


@pytest.mark.parametrize(
    "call",
    [
        "p.publish(\n    't', b'x', ordering_key='k'\n)",
        "subscriber.pull(\n    subscription='s', timeout=None\n)",
        "blob.download_as_text(\n    timeout=None\n)",
        "db.collection('c').get(\n    transaction=None\n)",
        "subscriber.subscribe(\n    's', cb\n).result()",
    ],
)
def test_a_noqa_on_the_last_line_of_a_cloud_call_silences_it(call: str) -> None:
    head = {"p.": PUB, "su": SUB, "bl": STORE, "db": FIRE}[call[:2]]
    assert len(check_text(head + call + "\n", CLOUD)) == 1
    assert check_text(head + call + "  # noqa\n", CLOUD) == []


# ------------------------------------------------------------------ REL204: sessions across modules

ADAPTER = (
    "class TimeoutAdapter(HTTPAdapter):\n    def send(self, request, **kwargs):\n"
    "        kwargs.setdefault('timeout', 20)\n        return super().send(request, **kwargs)\n"
)
PLAIN_FACTORY = "import requests\n\ndef make() -> requests.Session:\n    session = requests.Session()\n    return session\n"
MOUNTING_FACTORY = PLAIN_FACTORY.replace("    return", "    session.mount('https://', build())\n    return")


def project_findings(root: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], *paths: str) -> list[str]:
    write(root, {"pkg/__init__.py": "", **files})
    monkeypatch.chdir(root)
    args = ["check", "--no-cache", "--no-progress", "--select", "REL204", "--output-format", "concise", *paths]
    result = CliRunner().invoke(cli, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return [line.split(" [")[0] for line in result.stdout.splitlines() if ": REL" in line]


def test_an_adapter_class_of_a_module_that_mounts_adapters_is_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = "from requests.adapters import HTTPAdapter\n\nclass Retrying(HTTPAdapter):\n    pass\n"
    mounting = plain + "\ndef install(session):\n    session.mount('https://', Retrying())\n"
    jobs = (
        "import requests\nfrom pkg.adapters import Retrying\n\ndef pull(url):\n    session = requests.Session()\n"
        "    session.mount('https://', Retrying())\n    return session.get(url)\n"
    )
    files = {"pkg/adapters.py": plain, "pkg/jobs.py": jobs}
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == ["pkg/jobs.py:7:12: REL204"]
    files["pkg/adapters.py"] = mounting  # what its __init__ or anything else mounts is not in its summary
    assert project_findings(tmp_path / "b", monkeypatch, files, "pkg/jobs.py") == []


def test_an_override_in_a_base_of_another_module_bounds_its_subclasses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clients = (
        "import requests\n\nclass Own(requests.Session):\n    def get(self, url):\n        return super().get(url, timeout=3)\n\n"
        "class Deeper(Own):\n    pass\n"
    )
    jobs = "from pkg.clients import Deeper\n\ndef pull(url):\n    Deeper().get(url)\n    Deeper().post(url)\n"
    files = {"pkg/clients.py": clients, "pkg/jobs.py": jobs}
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == ["pkg/jobs.py:5:5: REL204"]


@pytest.mark.parametrize(
    ("base", "reported"),
    [
        ("class Base(requests.Session):\n    pass\n", True),
        ("class Base(requests.Session):\n    def get(self, url):\n        return super().get(url, timeout=3)\n", False),
        ("class Base(requests.Session):\n    def send(self, *a, **kw):\n        return super().send(*a, **kw)\n", False),
        ("class Base:\n    pass\n", False),
    ],
)
def test_a_session_class_deriving_from_a_class_of_another_module(
    base: str, reported: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = "from pkg.base import Base\n\nclass Api(Base):\n    pass\n\ndef pull(url):\n    return Api().get(url)\n"
    files = {"pkg/base.py": "import requests\n\n" + base, "pkg/jobs.py": jobs}
    expected = ["pkg/jobs.py:7:12: REL204"] if reported else []
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == expected


def test_session_classes_of_two_modules_that_derive_from_each_other(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/a.py": "from pkg.b import B\n\nclass A(B):\n    pass\n",
        "pkg/b.py": "from pkg.a import A\n\nclass B(A):\n    pass\n",
        "pkg/jobs.py": "import requests\nfrom pkg.a import A\n\ndef pull(url):\n    A().get(url)\n    requests.Session().get(url)\n",
    }
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == ["pkg/jobs.py:6:5: REL204"]


def test_a_module_edited_between_two_runs_in_one_process_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = "from pkg.shared import make\n\ndef pull(url):\n    return make().get(url)\n"
    files = {"pkg/shared.py": PLAIN_FACTORY, "pkg/jobs.py": jobs}
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == ["pkg/jobs.py:4:12: REL204"]
    files["pkg/shared.py"] = MOUNTING_FACTORY
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == []
    files["pkg/shared.py"] = PLAIN_FACTORY
    assert project_findings(tmp_path, monkeypatch, files, "pkg/jobs.py") == ["pkg/jobs.py:4:12: REL204"]


def test_a_module_in_another_encoding_is_read_for_its_mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = "from pkg.shared import make\n\ndef pull(url):\n    return make().get(url)\n"
    write(tmp_path, {"pkg/jobs.py": jobs})
    for name, factory, expected in (("plain", PLAIN_FACTORY, ["pkg/jobs.py:4:12: REL204"]), ("mounting", MOUNTING_FACTORY, [])):
        text = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + factory
        (tmp_path / "pkg" / "shared.py").write_bytes(text.encode("latin-1"))
        assert project_findings(tmp_path, monkeypatch, {}, "pkg/jobs.py") == expected, name


def test_a_mount_on_an_app_does_not_hide_a_later_one_on_a_session() -> None:
    text = (
        "import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\napp.mount('/static', build())\n"
        "other = requests.Session()\nother.mount('https://', make())\n\n"
        "def fetch(url, s: requests.Session):\n    return s.get(url)\n"
    )
    assert sessions_reported(text.replace("import requests\n", "", 1)) == []


def test_the_language_server_reads_an_unsaved_module_for_its_mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug found here: the mounts of the module a session came from were read from its
    file, not from the editor's unsaved buffer of it (which the project index reads)."""
    from reliability_lint.server.linting import Linter

    # The linter leaves its long-lived index as the engine's: a later check_text in this
    # process would read its modules (no command-line run follows to forget it).
    monkeypatch.setattr("reliability_lint.engine._INDEX", None)

    jobs = "from pkg.shared import make\n\ndef pull(url):\n    return make().get(url)\n"
    write(tmp_path, {"pkg/__init__.py": "", "pkg/shared.py": PLAIN_FACTORY, "pkg/jobs.py": jobs})
    linter = Linter(lambda: [tmp_path])
    job, shared = tmp_path / "pkg" / "jobs.py", tmp_path / "pkg" / "shared.py"
    assert [(f.code, f.line) for f in linter.diagnose(job, jobs).findings] == [("REL204", 4)]
    linter.set_buffer(shared, MOUNTING_FACTORY)
    assert linter.diagnose(job, jobs).findings == []
    shared.write_text(MOUNTING_FACTORY)
    linter.set_buffer(shared, PLAIN_FACTORY)  # saved with the mount, the buffer without
    assert [(f.code, f.line) for f in linter.diagnose(job, jobs).findings] == [("REL204", 4)]
    clients = "import requests\n\nclass Api(requests.Session):\n    pass\n"
    write(tmp_path, {"pkg/clients.py": clients})
    uses = "from pkg.clients import Api\n\ndef pull(url):\n    return Api().get(url)\n"
    assert [(f.code, f.line) for f in linter.diagnose(job, uses).findings] == [("REL204", 4)]
    linter.set_buffer(tmp_path / "pkg" / "clients.py", clients + "\ndef install(s):\n    s.mount('https://', build())\n")
    assert linter.diagnose(job, uses).findings == []
    # an adapter class of a module whose buffer mounts adapters is unknown: it may bound
    adapters = "from requests.adapters import HTTPAdapter\n\nclass Retrying(HTTPAdapter):\n    pass\n"
    write(tmp_path, {"pkg/adapters.py": adapters})
    mounts = (
        "import requests\nfrom pkg.adapters import Retrying\n\ndef pull(url):\n    session = requests.Session()\n"
        "    session.mount('https://', Retrying())\n    return session.get(url)\n"
    )
    assert [(f.code, f.line) for f in linter.diagnose(job, mounts).findings] == [("REL204", 7)]
    linter.set_buffer(tmp_path / "pkg" / "adapters.py", adapters + "\ndef install(s):\n    s.mount('https://', Retrying())\n")
    assert linter.diagnose(job, mounts).findings == []


def test_each_cloud_hint_is_its_own() -> None:
    # a `.result()` in a file that never subscribes, before a Firestore read
    text = FIRE + "job.result()\nref = db.collection('c').document('d')\nref.get()\n"
    assert [(f.line, f.code) for f in check_text(text, CLOUD)] == [(6, "REL215")]
    text = SUB + "db.get('k')\nsubscriber.subscribe('s', cb).result()\n"
    assert [(f.line, f.code) for f in check_text(text, CLOUD)] == [(5, "REL212")]


def test_a_call_of_an_unknown_receiver_does_not_end_the_check() -> None:
    text = FIRE + "unknown.get()\nother.stream()\ndb.collection('c').get()\n"
    assert [(f.line, f.code) for f in check_text(text, CLOUD)] == [(6, "REL215")]
    text = STORE + "unknown.download_as_text(timeout=None)\nblob.download_as_text(timeout=None)\n"
    assert [(f.line, f.code) for f in check_text(text, CLOUD)] == [(5, "REL216")]


def test_the_language_server_reads_every_unsaved_module_a_session_may_come_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reliability_lint.server.linting import Linter

    monkeypatch.setattr("reliability_lint.engine._INDEX", None)  # as in the test above
    jobs = (
        "from pkg.a import thing\nfrom pkg.shared import make\n\nthing.get('k')\n\n"
        "def pull(url):\n    return make().get(url)\n"
    )
    write(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "thing = 1\n", "pkg/shared.py": PLAIN_FACTORY, "pkg/jobs.py": jobs})
    linter = Linter(lambda: [tmp_path])
    job = tmp_path / "pkg" / "jobs.py"
    linter.set_buffer(tmp_path / "pkg" / "a.py", "thing = 2\n")  # read first, mounts nothing
    assert [(f.code, f.line) for f in linter.diagnose(job, jobs).findings] == [("REL204", 7)]
    linter.set_buffer(tmp_path / "pkg" / "shared.py", MOUNTING_FACTORY)
    assert linter.diagnose(job, jobs).findings == []
