"""The semantic model's call resolution (issue 18, mutation testing of reliability_lint.semantic,
tests/MUTATION.md): what each kind of statement binds, and what a name, an attribute or a
call is inferred to hold there. Seen as a user sees it: REL204 reports `s.get(url)` without
a timeout only where `s` is known to be a `requests.Session` (or the module `requests`)."""

from __future__ import annotations

import pytest

from reliability_lint.testing import check_text

H = "import requests\n"
GET = 's.get("u")\n'


def reported(text: str, select: str = "REL204") -> list[int]:
    return [f.line for f in check_text(text, select=[select])]


def lines(expected: int | tuple[int, ...] | None) -> list[int]:
    return [] if expected is None else [expected] if isinstance(expected, int) else list(expected)


# (what is bound, source, the line reported or None where the value is not known)
CASES = [
    ("import as", 'import requests as rq\nrq.get("u")\n', 2),
    ("dotted import binds its top name", 'import requests.adapters\nrequests.get("u")\n', 2),
    ("dotted import binds only its top name", 'import requests.adapters\nadapters.get("u")\n', None),
    ("from import", 'from requests import Session\ns = Session()\n' + GET, 3),
    ("from import as", 'from requests import Session as S\ns = S()\n' + GET, 3),
    ("star import", 'from requests import *\nget("u")\n', 2),
    ("star import in a function", 'def f():\n    from requests import *\n    get("u")\n', None),
    ("two star imports", 'from requests import *\nfrom json import *\nget("u")\n', None),
    ("star import, name bound in a function", 'from requests import *\ndef f(get):\n    get("u")\n', None),
    ("relative import without a package", 'from . import requests\nrequests.get("u")\n', None),
    ("tuple of values", H + "s, t = requests.Session(), 1\n" + GET, 3),
    ("tuple of values, second", H + "t, s = 1, requests.Session()\n" + GET, 3),
    ("list of values", H + "[s, t] = [requests.Session(), 1]\n" + GET, 3),
    ("tuple from a call", H + "s, t = make()\n" + GET, None),
    ("tuple of another length", H + "s, t = (requests.Session(), 1, 2)\n" + GET, None),
    ("nested tuple target", H + "(s, u), t = make(), 1\n" + GET, None),
    ("starred target", H + "*s, t = make()\n" + GET, None),
    ("annotated with a value", H + "s: requests.Session = make()\n" + GET, 3),
    ("annotation only", H + "s: requests.Session\n" + GET, 3),
    ("annotation unknown, value known", H + 's: "Foo" = requests.Session()\n' + GET, 3),
    ("annotated attribute of no class", H + "s = requests.Session()\nx.s: int = 1\n" + GET, 4),
    ("augmented assignment", H + "s = requests.Session()\ns += 1\n" + GET, None),
    ("walrus", H + "if (s := requests.Session()):\n    " + GET, 3),
    ("walrus in a comprehension binds outside it", H + "[(s := requests.Session()) for _ in range(2)]\n" + GET, 3),
    ("for over a list", H + "for s in [requests.Session()]:\n    " + GET, 3),
    ("for over a call", H + "for s in make():\n    " + GET, None),
    ("for with a tuple target", H + "for s, t in [requests.Session()]:\n    " + GET, None),
    ("comprehension", H + '[s.get("u") for s in [requests.Session()]]\n', 2),
    ("comprehension with a tuple target", H + '[s.get("u") for s, t in [requests.Session()]]\n', None),
    ("for over a list comprehension", H + "ss = [requests.Session() for _ in range(3)]\nfor s in ss:\n    " + GET, 4),
    ("for over an empty list", H + "for s in []:\n    " + GET, None),
    ("with", H + "with requests.Session() as s:\n    " + GET, 3),
    ("with a tuple target", H + "with requests.Session() as (s, t):\n    " + GET, None),
    ("with over a call", H + "with make() as s:\n    " + GET, None),
    ("with, second item", H + "with open('f') as f, requests.Session() as s:\n    " + GET, 3),
    ("default", H + "def f(s=requests.Session()):\n    " + GET, 3),
    ("default None", H + "def f(s=None):\n    " + GET, None),
    ("annotated argument", H + "def f(s: requests.Session):\n    " + GET, 3),
    ("Optional argument", H + "from typing import Optional\ndef f(s: Optional[requests.Session] = None):\n    " + GET, 4),
    ("keyword-only default", H + "def f(*, s=requests.Session()):\n    " + GET, 3),
    ("keyword-only annotation", H + "def f(*, s: requests.Session):\n    " + GET, 3),
    ("positional-only default", H + "def f(s=requests.Session(), /):\n    " + GET, 3),
    ("*args annotation", H + "def f(*s: requests.Session):\n    " + GET, None),
    ("**kwargs annotation", H + "def f(**s: requests.Session):\n    " + GET, None),
    ("plain argument", H + "def f(s):\n    " + GET, None),
    ("lambda default", H + 'f = lambda s=requests.Session(): s.get("u")\n', 2),
    ("argument shadows a module name", H + "def f(s, requests):\n    requests.get('u')\n", None),
    ("except as", H + "s = requests.Session()\ntry:\n    pass\nexcept Exception as s:\n    pass\n" + GET, None),
    ("global", H + "def setup():\n    global s\n    s = requests.Session()\ndef use():\n    " + GET, 6),
    ("global read where it is declared", H + "s = requests.Session()\ndef use():\n    global s\n    " + GET, 5),
    ("a later binding of the global", H + "def use():\n    global s\n    " + GET + "s = requests.Session()\n", 4),
    ("or", H + "s = x or requests.Session()\n" + GET, 3),
    ("if-else with None", H + "s = requests.Session() if a else None\n" + GET, 3),
    ("and is not or", H + "s = x and requests.Session()\n" + GET, None),
    ("typing.cast", H + "import typing\ns = typing.cast(requests.Session, x)\n" + GET, 4),
    ("typing.cast of a string", H + 'import typing\ns = typing.cast("requests.Session", x)\n' + GET, 4),
    ("cast of another module", H + "import mylib\ns = mylib.cast(requests.Session, x)\n" + GET, None),
    ("Union", H + "from typing import Union\ndef f(s: Union[requests.Session, None]):\n    " + GET, 4),
    ("Union of two", H + "from typing import Union\ndef f(s: Union[requests.Session, int]):\n    " + GET, None),
    ("X | None", H + "def f(s: requests.Session | None):\n    " + GET, 3),
    ("annotation in a string", H + 'def f(s: "requests.Session"):\n    ' + GET, 3),
    ("annotation in a broken string", H + 'def f(s: "requests.Session("):\n    ' + GET, None),
    ("annotation subscript of another kind", H + "def f(s: list[requests.Session]):\n    " + GET, None),
    ("Annotated", H + "from typing import Annotated\ndef f(s: Annotated[requests.Session, 'x']):\n    " + GET, 4),
    ("Final", H + "from typing import Final\ns: Final[requests.Session] = make()\n" + GET, 4),
    ("ClassVar in a class", H + "from typing import ClassVar\nclass A:\n    s: ClassVar[requests.Session]\n    def run(self):\n        self.s.get('u')\n", 6),
    ("a wrapper of nothing", H + "from typing import Optional\ndef f(s: Optional[()]):\n    " + GET, None),
    ("a number as annotation", H + "def f(s: 1):\n    " + GET, None),
    ("None as annotation", H + "def f(s: None):\n    " + GET, None),
    ("a value bound to itself", H + "s = s\n" + GET, None),
    ("two values bound to each other", H + "def f():\n    s = t\n    t = s\n    " + GET, None),
    ("for over a tuple", H + "for s in (requests.Session(), requests.Session()):\n    " + GET, 3),
    ("for over a set", H + "for s in {requests.Session()}:\n    " + GET, 3),
    ("for over a generator", H + "for s in (requests.Session() for _ in x):\n    " + GET, 3),
    ("for over a set comprehension", H + "for s in {requests.Session() for _ in x}:\n    " + GET, 3),
    ("for over a list of two kinds", H + "for s in [requests.Session(), 1]:\n    " + GET, None),
    ("for over a list with None", H + "for s in [requests.Session(), None]:\n    " + GET, 3),
    ("for over a comprehension of unknowns", H + "for s in [make() for _ in x]:\n    " + GET, None),
    ("for over a list of unknowns", H + "for s in [make()]:\n    " + GET, None),
    ("a walrus value", H + "s = (t := requests.Session())\n" + GET, 3),
    ("None", H + "s = None\n" + GET, None),
    ("or of unknowns", H + "s = a or b\n" + GET, None),
]


@pytest.mark.parametrize(("text", "line"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_what_a_statement_binds(text: str, line: int | None) -> None:
    assert reported(text) == lines(line)


INIT = "    def __init__(self):\n        self.s = requests.Session()\n"
RUN = '    def run(self):\n        self.s.get("u")\n'
# (what is resolved, source, the line reported or None)
CLASS_CASES = [
    ("attribute set in __init__", H + "class A:\n" + INIT + RUN, 6),
    ("class attribute", H + "class A:\n    s = requests.Session()\n" + RUN, 5),
    ("class attribute annotated", H + "class A:\n    s: requests.Session\n" + RUN, 5),
    ("attribute annotated in __init__", H + "class A:\n    def __init__(self):\n        self.s: requests.Session = make()\n" + RUN, 6),
    ("attribute written two ways", H + "class A:\n" + INIT + "    def reset(self):\n        self.s = make()\n" + RUN, None),
    ("attribute written on another object", H + "class A:\n    def __init__(self, o):\n        o.s = requests.Session()\n" + RUN, None),
    ("attribute of a tuple's element", H + "class A:\n    def __init__(self):\n        self.s, self.t = requests.Session(), 1\n" + RUN, 6),
    ("class body names are not seen by methods", H + "class A:\n    s = requests.Session()\n    def run(self):\n        " + GET, None),
    ("class body names are seen in the body", H + "class A:\n    s = requests.Session()\n    " + GET, 4),
    ("nested class", H + "class A:\n    class B:\n" + "".join("    " + line + "\n" for line in (INIT + RUN).splitlines()), 7),
    ("a method's return", H + "class A:\n    def make(self):\n        return requests.Session()\n    def run(self):\n        self.make().get('u')\n", 6),
    ("a method defined twice", H + "class A:\n    def make(self):\n        return requests.Session()\n    def make(self):\n        return 1\n    def run(self):\n        self.make().get('u')\n", None),
    ("a property", H + "class A:\n    @property\n    def s(self):\n        return requests.Session()\n" + RUN, 7),
    ("a cached_property", H + "import functools\nclass A:\n    @functools.cached_property\n    def s(self):\n        return requests.Session()\n" + RUN, 8),
    ("a method read as an attribute", H + "class A:\n    def s(self):\n        return requests.Session()\n" + RUN, None),
    ("inherited attribute", H + "class A:\n" + INIT + "class B(A):\n" + RUN, 7),
    ("inherited method", H + "class A:\n    def make(self):\n        return requests.Session()\nclass B(A):\n    def run(self):\n        self.make().get('u')\n", 7),
    ("attribute of the second base", H + "class M:\n    pass\nclass A:\n" + INIT + "class B(M, A):\n" + RUN, 9),
    ("a base that is a builtin", H + "class A(Exception):\n" + RUN, None),
    ("a base we cannot see", H + "class A(Unknown):\n" + RUN, None),
    ("a typing base", H + "import typing\nclass A(typing.Generic):\n" + INIT + RUN, 7),
    ("a class that inherits itself", H + "class A(A):\n" + RUN, None),
    ("an instance of a local class", H + "class A:\n" + INIT + RUN + "a = A()\na.s.get('u')\n", (6, 8)),
    ("an instance made outside", H + "class A:\n" + INIT + "a = A()\na.s.get('u')\n", 6),
    ("an annotated instance", H + "class A:\n" + INIT + "def f(a: A):\n    a.s.get('u')\n", 6),
    ("a subclass of the library class", H + "class A(requests.Session):\n    pass\na = A()\na.get('u')\n", 5),
    ("staticmethod's first argument", H + "class A:\n" + INIT + "    @staticmethod\n    def run(self):\n        self.s.get('u')\n", None),
    ("a function's return", H + "def make():\n    return requests.Session()\nmake().get('u')\n", 4),
    ("a function returning two kinds", H + "def make():\n    if a:\n        return requests.Session()\n    return 1\nmake().get('u')\n", None),
    ("a function returning None too", H + "def make():\n    if a:\n        return requests.Session()\n    return None\nmake().get('u')\n", 6),
    ("a function returning nothing", H + "def make():\n    pass\nmake().get('u')\n", None),
    ("a generator", H + "def make():\n    yield 1\n    return requests.Session()\nmake().get('u')\n", None),
    ("a generator's yield in a comprehension", H + "def make():\n    [(yield x) for x in y]\n    return requests.Session()\nmake().get('u')\n", None),
    ("a lambda's return is not the function's", H + "def make():\n    f = lambda: requests.Session()\n    return 1\nmake().get('u')\n", None),
    ("a return annotation", H + "def make() -> requests.Session:\n    return x\nmake().get('u')\n", 4),
    ("an awaited coroutine", H + "async def make():\n    return requests.Session()\nasync def g():\n    (await make()).get('u')\n", 5),
    ("a coroutine not awaited", H + "async def make():\n    return requests.Session()\nmake().get('u')\n", None),
    ("a function defined twice", H + "def make():\n    return requests.Session()\ndef make():\n    return 1\nmake().get('u')\n", None),
    ("a local class entered", H + "class L:\n" + INIT + "with L() as l:\n    l.s.get('u')\n", 6),
    ("a method that is an attribute", H + "class A:\n    def __init__(self):\n        self.make = factory\n    def run(self):\n        self.make().get('u')\n", None),
    ("a method of a base we cannot see", H + "class A(Unknown):\n    def run(self):\n        self.make().get('u')\n", None),
    ("a method of a builtin base", H + "class A(object):\n    def run(self):\n        self.make().get('u')\n", None),
    ("a method of a base defined later", H + "class B(A):\n    def run(self):\n        self.make().get('u')\nclass A:\n    def make(self):\n        return requests.Session()\n", 4),
    ("an attribute of a typing base", H + "from typing import Generic\nclass A(Generic):\n" + RUN, None),
    ("a class whose base is a star import", H + "from base import *\nclass A(Base):\n" + RUN, None),
    ("a library attribute", H + "s = requests.Session()\ns.adapters.get('u')\n", None),
    ("a library method's result", H + "s = requests.Session()\ns.prepare().get('u')\n", None),
    ("a call of a class", H + "class A:\n" + INIT + "A().s.get('u')\n", 5),
    ("a call of something else", H + "x = 1\nx().get('u')\n", None),
]


@pytest.mark.parametrize(("text", "line"), [case[1:] for case in CLASS_CASES], ids=[case[0] for case in CLASS_CASES])
def test_what_a_class_or_a_function_gives(text: str, line: int | tuple[int, ...] | None) -> None:
    assert reported(text) == lines(line)
