"""The semantic model's inference within one module (issue 18, mutmut survivors of
reliability_lint.semantic.model and .scopes, tests/MUTATION.md). Seen as a user sees it:
REL204 reports `s.get(url)` without a timeout only where `s` is known to be a
`requests.Session` (or the module `requests`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_regressions_semantic_index import BASE, run

from reliability_lint.testing import check_text

H = "import requests\n"


def reported(text: str, select: str = "REL204") -> list[int]:
    return [f.line for f in check_text(text, select=[select])]


def test_a_method_returning_an_attribute_set_in_init_is_followed() -> None:
    text = H + (
        "class C:\n"
        "    def __init__(self):\n"
        "        self.s = requests.Session()\n"
        "    def session(self):\n"
        "        return self.s\n"
        "    def use(self):\n"
        "        self.session().get('u')\n"
    )
    assert reported(text) == [8]


INIT = "    def __init__(self):\n        self.s = requests.Session()\n"
RUN = '    def run(self):\n        self.s.get("u")\n'
CALL = "    def run(self):\n        self.make().get('u')\n"
MAKE = "    def make(self):\n        return requests.Session()\n"
# (what is resolved, source, the line reported or None)
CASES = [
    ("a method of a class that inherits itself", H + "class A(A):\n" + CALL, None),
    ("a base we cannot see hides the next one's attribute", H + "class A:\n" + INIT + "class B(mixin(), A):\n" + RUN, None),
    ("a base we cannot see hides the next one's method", H + "class A:\n" + MAKE + "class B(mixin(), A):\n" + CALL, None),
    ("a builtin base lets the next one's attribute through", H + "class A:\n" + INIT + "class B(Exception, A):\n" + RUN, 7),
    ("a builtin base lets the next one's method through", H + "class A:\n" + MAKE + "class B(object, A):\n" + CALL, 7),
    ("an attribute annotated two ways", H + "class A:\n    s: requests.Session\n    def __init__(self):\n        self.s: Foo = make()\n" + RUN, None),
    ("an async property is a coroutine", H + "class A:\n    @property\n    async def s(self):\n        return requests.Session()\n" + RUN, None),
    ("a classmethod's first argument", H + "class A:\n" + INIT + "    @classmethod\n    def run(self):\n        self.s.get('u')\n", None),
    ("a staticmethod through builtins", H + "import builtins\nclass A:\n" + INIT + "    @builtins.staticmethod\n    def run(self):\n        self.s.get('u')\n", None),
    ("a method without arguments", H + "class A:\n" + INIT + "    def helper():\n        pass\n" + RUN, 8),
    ("a lambda in a class body", H + "class A:\n" + INIT + "    f = lambda self: self.s.get('u')\n" + RUN, 7),
    ("an awaited method", H + "class A:\n    async def make(self):\n        return requests.Session()\n    async def run(self):\n        (await self.make()).get('u')\n", 6),
    ("a base bound to a value hides the next one", H + "class A:\n" + INIT + "Base = make()\nclass B(Base, A):\n" + RUN, None),
    ("a typing base lets the next one's method through", H + "import typing\nclass A:\n" + MAKE + "class B(typing.Generic, A):\n" + CALL, 8),
    ("a collections.abc base lets the next one's method through", H + "import collections.abc\nclass A:\n" + MAKE + "class B(collections.abc.Mapping, A):\n" + CALL, 8),
    ("a base defined in the same function", H + "def f():\n    class A:\n        def __init__(self):\n            self.s = requests.Session()\n    class B(A):\n        def run(self):\n            self.s.get('u')\n", 8),
]


@pytest.mark.parametrize(("text", "line"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_what_a_base_class_gives(text: str, line: int | None) -> None:
    assert reported(text) == ([] if line is None else [line])


# (what is resolved, source, the line reported or None)
NAME_CASES = [
    ("a walrus in a function binds there, not in the module", H + "def f():\n    (s := requests.Session())\n" + 's.get("u")\n', None),
    ("a walrus in a function is read there", H + "def f():\n    (s := requests.Session())\n    " + 's.get("u")\n', 4),
    ("a star import's name bound in an enclosing class", "from requests import *\nclass A:\n    get = 1\n    def f(self):\n        get('u')\n", None),
    ("a star import's name bound in the class itself", "from requests import *\nclass A:\n    get = 1\n    get('u')\n", None),
    ("a star import's name in a method", "from requests import *\nclass A:\n    def f(self):\n        get('u')\n", 4),
    ("None | X", H + "def f(s: None | requests.Session):\n    " + 's.get("u")\n', 3),
    ("X | something unknown", H + "def f(s: requests.Session | Foo):\n    " + 's.get("u")\n', None),
    ("Optional imported under another name", H + "from typing import Optional as Opt\ndef f(s: Opt[requests.Session]):\n    " + 's.get("u")\n', 4),
    ("Optional not imported", H + "def f(s: Optional[requests.Session]):\n    " + 's.get("u")\n', 3),
    ("a Union of one", H + "from typing import Union\ndef f(s: Union[requests.Session]):\n    " + 's.get("u")\n', 4),
    ("a comprehension's value from its own variable", H + "ss = [s for s in [requests.Session()]]\nfor x in ss:\n    x.get('u')\n", 4),
    ("a comprehension's variable is its own", H + "[s for s in [requests.Session()]]\n" + 's.get("u")\n', None),
    ("a for's tuple target rebinds", H + "s = requests.Session()\nfor s, t in make():\n    " + 's.get("u")\n', None),
    ("a with's tuple target rebinds", H + "s = requests.Session()\nwith make() as (s, t):\n    " + 's.get("u")\n', None),
    ("a decorator that is an attribute of a call is no property", H + "class A:\n    @make().x.property\n    def s(self):\n        return requests.Session()\n" + RUN, None),
    ("a starred target holds a list", H + "a, *s = 1, requests.Session()\n" + 's.get("u")\n', None),
    ("the targets around a starred one pair with their values", H + "a, *t, s = 1, 2, requests.Session()\n" + 's.get("u")\n', 3),
    ("**kwargs is bound in the function", H + "s = requests.Session()\ndef f(**s):\n    " + 's.get("u")\n', None),
    ("*args is bound in the function", H + "s = requests.Session()\ndef f(*s):\n    " + 's.get("u")\n', None),
    ("a default of None joined with a value", H + "def make(s=None):\n    if a:\n        return requests.Session()\n    return s\nmake().get('u')\n", None),
    ("a bare return", H + "def make():\n    if a:\n        return\n    return requests.Session()\nmake().get('u')\n", 6),
    ("if-else with an unknown branch", H + "s = requests.Session() if a else make()\n" + 's.get("u")\n', 3),
    ("if-else with an unknown body", H + "s = make() if a else requests.Session()\n" + 's.get("u")\n', 3),
    ("if-else with another module's value, no project", H + "import other\ns = requests.Session() if a else other.x\n" + 's.get("u")\n', 4),
    ("a global bound two ways", H + "def setup():\n    global s\n    s = requests.Session()\ndef reset():\n    global s\n    s = make()\ndef use():\n    " + 's.get("u")\n', None),
    ("two string annotations", H + 'def f(a: "int"):\n    a.get("u")\ndef g(s: "requests.Session"):\n    s.get("u")\n', 5),
    ("a string annotation read where it is written", H + 'Session = 1\nfrom requests import Session\ndef f(s: "Session"):\n    s.get("u")\n', 5),
]


@pytest.mark.parametrize(("text", "line"), [case[1:] for case in NAME_CASES], ids=[case[0] for case in NAME_CASES])
def test_what_a_name_holds(text: str, line: int | None) -> None:
    assert reported(text) == ([] if line is None else [line])


# Where a name is bound, and which binding a read sees (run 8's unchecked and surviving
# mutants of model and scopes: the position a statement binds at, a starred target, a
# global, a comprehension, a class body, `and` / `or`, aliases, relative imports).
BINDING_CASES = [
    ("a name read inside the statement that binds it again", H + "s = requests.Session()\ns = wrap(s.get('u'))\n", 3),
    ("a name read on a later line of the statement that binds it again", H + "s = requests.Session()\ns = wrap(\n    s.get('u'))\n", 4),
    ("a starred target binds the name again", H + "s = requests.Session()\na, *s = 1, 2\n" + 's.get("u")\n', None),
    ("a global read in a function, bound again by a later function", H + "s = requests.Session()\ndef use():\n    global s\n    s.get('u')\ndef reset():\n    global s\n    s = make()\n", None),
    ("a global bound in a function, read in another", H + "def setup():\n    global s\n    s = requests.Session()\ndef use():\n    " + 's.get("u")\n', 6),
    ("a comprehension reads the binding before it", H + "s = requests.Session()\n[s.get(u) for u in urls]\ns = make()\n", 3),
    ("a class body reads its own name", H + "class A:\n    s = requests.Session()\n    " + 's.get("u")\n', 4),
    ("a module name also bound to a number, read in a function", H + "s = requests.Session()\nif a:\n    s = 1\ndef f():\n    " + 's.get("u")\n', None),
    ("a module name also bound to None, read in a function", H + "s = None\nif a:\n    s = requests.Session()\ndef f():\n    " + 's.get("u")\n', 6),
    ("and gives its first operand when that is false", H + "s = a and requests.Session()\n" + 's.get("u")\n', None),
    ("or gives its first true operand", H + "s = make() or requests.Session()\n" + 's.get("u")\n', 3),
    ("a walrus's value", H + "t = (s := requests.Session())\nt.get('u')\n", 3),
    ("two names bound to each other", H + "def f():\n    s = t\n    t = s\n    " + 's.get("u")\n', None),
    ("a write to an attribute of an attribute, then one to self", H + "class A:\n    def __init__(self):\n        self.a.b = 1\n        self.s = requests.Session()\n" + RUN, 7),
    ("a write to an attribute of a name bound nowhere", H + "thing.s = requests.Session()\nthing.s.get('u')\n", None),
    ("a module imported under another name", H + "import requests as r\ns = r.Session()\n" + 's.get("u")\n', 4),
    ("a class imported under another name", "from requests import Session as S\nS().get('u')\n", 2),
    ("a relative import the tool cannot place binds the name again", H + "s = requests.Session()\nfrom . import s\n" + 's.get("u")\n', None),
    ("a relative import under another name binds that name again", H + "t = requests.Session()\nfrom . import s as t\nt.get('u')\n", None),
    ("a relative import is not the library of the same name", "from .requests import Session\nSession().get('u')\n", None),
    ("a list of sessions, or a comprehension of them", H + "ss = [requests.Session()] if a else [requests.Session() for _ in b]\nfor s in ss:\n    s.get('u')\n", 4),
    ("a list of unknown values gives way to the other operand of or", H + "ss = [make()] or [requests.Session()]\nfor s in ss:\n    s.get('u')\n", 4),
    ("a comprehension of unknown values gives way to the other operand of or", H + "ss = [make() for _ in b] or [requests.Session()]\nfor s in ss:\n    s.get('u')\n", 4),
]


@pytest.mark.parametrize(("text", "line"), [case[1:] for case in BINDING_CASES], ids=[case[0] for case in BINDING_CASES])
def test_where_a_name_is_bound_and_read(text: str, line: int | None) -> None:
    assert reported(text) == ([] if line is None else [line])


# What a value is: generators, walruses in comprehensions, properties, typing wrappers,
# annotations, casts, defaults, with / except / += and classes of the module (run 8's
# survivors and unchecked mutants of model and scopes).
VALUE_CASES = [
    ("a generator's call", H + "def make():\n    yield 1\n    return requests.Session()\nmake().get('u')\n", None),
    ("a walrus in a comprehension binds in the enclosing scope", H + "[(s := requests.Session()) for _ in b]\ns.get('u')\n", 3),
    ("a property", H + 'class A:\n    @property\n    def s(self):\n        return requests.Session()\n' + RUN, 7),
    ("a functools.cached_property", H + 'import functools\nclass A:\n    @functools.cached_property\n    def s(self):\n        return requests.Session()\n' + RUN, 8),
    ("Annotated", H + "from typing import Annotated\ndef f(s: Annotated[requests.Session, 'x']):\n    s.get('u')\n", 4),
    ("a Union with None", H + "from typing import Union\ndef f(s: Union[requests.Session, None]):\n    s.get('u')\n", 4),
    ("a Union with something unknown", H + "from typing import Union\ndef f(s: Union[requests.Session, Foo]):\n    s.get('u')\n", None),
    ("X | None", H + "def f(s: requests.Session | None):\n    s.get('u')\n", 3),
    ("a class of the module as an annotation", H + "class C:\n    def __init__(self):\n        self.s = requests.Session()\ndef f(c: C):\n    c.s.get('u')\n", 6),
    ("a string annotation that does not parse", H + "def f(s: 'not valid('):\n    s.get('u')\n", None),
    ("an optional import set to None, read in a function", "try:\n    import requests\nexcept ImportError:\n    requests = None\ndef f():\n    s = requests.Session()\n    s.get('u')\n", 7),
    ("an attribute set to two things", H + 'class A:\n    def __init__(self):\n        self.s = requests.Session()\n    def reset(self):\n        self.s = make()\n' + RUN, None),
    ("an annotated name whose value is unknown", H + "s: requests.Session = make()\ns.get('u')\n", 3),
    ("an annotated name whose annotation is unknown", H + "s: Foo = requests.Session()\ns.get('u')\n", 3),
    ("a name only annotated", H + "s: requests.Session\ns.get('u')\n", 3),
    ("a class attribute only annotated", H + 'class A:\n    s: requests.Session\n' + RUN, 5),
    ("except ... as binds the name again", H + "s = requests.Session()\ntry:\n    pass\nexcept E as s:\n    pass\ns.get('u')\n", None),
    ("+= binds the name again", H + "s = requests.Session()\ns += 1\ns.get('u')\n", None),
    ("with ... as", H + "with requests.Session() as s:\n    s.get('u')\n", 3),
    ("a default argument", H + "def f(s=requests.Session()):\n    s.get('u')\n", 3),
    ("a keyword-only default argument", H + "def f(*, s=requests.Session()):\n    s.get('u')\n", 3),
    ("an annotated *args", H + "def f(*s: requests.Session):\n    s.get('u')\n", None),
    ("a function's return annotation", H + "def make() -> requests.Session:\n    return x\nmake().get('u')\n", 4),
    ("a class nested in a class", H + "class A:\n    class B:\n        def __init__(self):\n            self.s = requests.Session()\n    def run(self):\n        self.B().s.get('u')\n", None),
    ("a for over a list of sessions", H + "for s in [requests.Session()]:\n    s.get('u')\n", 3),
    ("a method reads no name of its class body", H + "class A:\n    s = requests.Session()\n    def run(self):\n        s.get('u')\n", None),
    ("a cast", H + "import typing\ns = typing.cast(requests.Session, make())\ns.get('u')\n", 4),
    ("an awaited function of the module", H + "async def make():\n    return requests.Session()\nasync def f():\n    (await make()).get('u')\n", 5),
    ("a class of the module called", H + "class C:\n    def __init__(self):\n        self.s = requests.Session()\nC().s.get('u')\n", 5),
    ("an instance of a class of the module iterated", H + "class C:\n    pass\nfor x in C():\n    x.get('u')\n", None),
    ("an attribute of a class that inherits itself", H + 'class A(A):\n' + RUN, None),
    ("an attribute of two classes that inherit each other", H + 'class A(B):\n    pass\nclass B(A):\n' + RUN, None),
    ("a class attribute read through self", H + "class A:\n    s = requests.Session()\n" + RUN, 5),
    ("a starred target first, with more values than targets", H + "*rest, s = 1, requests.Session(), 2\ns.get('u')\n", None),
    ("a coroutine function of the module, not awaited", H + "async def make():\n    return requests.Session()\nmake().get('u')\n", None),
    ("an imported function called with a class", H + "from helpers import wrap\ns = wrap(requests.Session)\ns.get('u')\n", None),
]


@pytest.mark.parametrize(("text", "line"), [case[1:] for case in VALUE_CASES], ids=[case[0] for case in VALUE_CASES])
def test_what_a_value_is(text: str, line: int | None) -> None:
    assert reported(text) == ([] if line is None else [line])


def test_a_library_method_gives_its_return_type() -> None:
    text = "from google.cloud import bigquery\nc = bigquery.Client()\nc.query('q').result()\n"
    assert reported(text, "REL201") == [3]


# A class of the module checked whose base comes from another module of the project
# (pkg/base.py: test_regressions_semantic_index's BASE, whose Loader holds a Session in `s`,
# returns it from `session()` and, as a coroutine, from `asession()`; LOADER is an instance).
MID = """\
from pkg.base import Loader


class Mid(Loader):
    def get_session(self):
        return self.session()

    def attr_session(self):
        return self.s
"""
# (what is resolved, pkg/main.py, whether its last line is reported)
INHERITED = [
    ("an async method inherited from another module's class, not awaited", "from pkg.base import Loader\nclass Mine(Loader):\n    def run(self):\n        self.asession().get('u')\n", False),
    ("a base that is another module's instance, not a class", "from pkg.base import LOADER\nclass Mine(LOADER):\n    def run(self):\n        self.session().get('u')\n", False),
    ("an attribute of a base that is another module's instance", "from pkg.base import LOADER\nclass Mine(LOADER):\n    def run(self):\n        self.s.get('u')\n", False),
    ("a method of a third module's class, through another module's subclass", "from pkg.mid import Mid\nMid().get_session().get('u')\n", True),
    ("an attribute of a third module's class, through another module's subclass", "from pkg.mid import Mid\nMid().attr_session().get('u')\n", True),
]


@pytest.mark.parametrize(("main", "known"), [case[1:] for case in INHERITED], ids=[case[0] for case in INHERITED])
def test_what_a_base_from_another_module_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, main: str, known: bool) -> None:
    files = {"pkg/__init__.py": "", "pkg/base.py": BASE, "pkg/mid.py": MID, "pkg/main.py": main}
    found = [place for place in run(tmp_path, monkeypatch, files) if place.startswith("pkg/main.py:")]
    assert [int(place.split(":")[1]) for place in found] == ([main.count("\n")] if known else [])
