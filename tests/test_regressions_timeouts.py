"""Regressions from issue 18 for the timeout rules and the call resolution they rely on:
each test fails with one planted bug (tests/MUTATION.md names it) and passes without it.
Everything goes through `reliability_lint.testing`, as a rule author or a user would see it."""

from __future__ import annotations

import ast

from reliability_lint.testing import check_text, fix_text

HEAD = 'from google.cloud import bigquery\n\nclient = bigquery.Client()\njob = client.query("select 1", timeout=60)\n'


def lines(text: str, select: str = "REL201") -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check_text(text, select=[select])]


# ------------------------------------------------------------------ timeouts


def test_query_job_result_timeout_is_its_fourth_positional_argument() -> None:
    # QueryJob.result(page_size, max_results, retry, timeout)
    assert lines(HEAD + "job.result(100)\n") == [(5, "REL201")]
    assert lines(HEAD + "job.result(100, None, None)\n") == [(5, "REL201")]
    assert lines(HEAD + "job.result(100, None, None, 30)\n") == []
    assert lines(HEAD + "job.result(100, 10, None, None)\n") == [(5, "REL201")]
    assert fix_text(HEAD + "job.result(100)\n", select=["REL201"]).endswith("job.result(100, timeout=600)\n")


def test_no_fix_is_offered_for_a_call_whose_only_argument_is_a_bare_generator() -> None:
    text = HEAD + "print(job.result(x for x in rows))\n"
    (finding,) = check_text(text, select=["REL201"])
    assert finding.fix is None
    fixed = fix_text(text, select=["REL201"])
    ast.parse(fixed)  # whatever the fixer does, the result must stay valid Python
    assert fixed == text
    # a generator beside other arguments is parenthesized already: the fix applies
    fixed = fix_text(HEAD + "job.result((x for x in rows), 10)\n", select=["REL201"])
    assert fixed.endswith("job.result((x for x in rows), 10, timeout=600)\n")


def test_a_wait_with_a_timeout_bounds_only_what_comes_after_it() -> None:
    assert lines(HEAD + "job.result(timeout=5)\nframe = job.to_dataframe()\n") == []
    assert lines(HEAD + "frame = job.to_dataframe()\njob.result(timeout=5)\n") == [(5, "REL201")]
    # the wait on the same line, but after the download in reading order
    assert lines(HEAD + "frame = job.to_dataframe(); job.result(timeout=5)\n") == [(5, "REL201")]


LOADER = """from google.cloud import bigquery

class Loader:
    def __init__(self, client: bigquery.Client):
        self.job = client.query("select 1", timeout=5)

    def frame(self):
        self.job.result(timeout=600)
        return self.job.to_dataframe()

    def reassigned(self, client: bigquery.Client):
        self.job.result(timeout=600)
        self.job = client.query("select 2", timeout=5)
        return self.job.to_dataframe()

    def other_method(self):
        return self.job.to_dataframe()

    def nested(self):
        self.job.result(timeout=600)
        def inner():
            return self.job.to_dataframe()
        return inner

    def before(self):
        frame = self.job.to_dataframe()
        self.job.result(timeout=600)
        return frame

    def rows(self):
        self.job.result(timeout=600)
        for row in self.job:
            print(row)

    def deleted(self, client: bigquery.Client):
        self.job.result(timeout=600)
        del self.job
        self.job = client.query("select 3", timeout=5)
        return self.job.to_dataframe()

    def defines_a_reset(self, client: bigquery.Client):
        self.job.result(timeout=600)
        def reset():  # assigns only if called: the body's own reading stands
            self.job = client.query("select 4", timeout=5)
        return self.job.to_dataframe()

holder = Loader(bigquery.Client())
holder.job.result(timeout=600)
frame = holder.job.to_dataframe()
"""


def test_a_wait_on_an_attribute_bounds_a_later_download_of_it_in_the_same_body() -> None:
    """`self.job.result(timeout=...)` then `self.job.to_dataframe()`: the job is done when
    it is downloaded. Not across methods, into a nested function, before the wait, or once
    the body assigned the attribute again."""
    assert lines(LOADER) == [(14, "REL201"), (17, "REL201"), (22, "REL201"), (26, "REL201"), (39, "REL201")]


# ------------------------------------------------------------------ call resolution


def test_the_binding_in_force_at_the_call_decides_not_a_later_one() -> None:
    text = HEAD + "client.query('q').result()\nclient = make_something_else()\n"
    assert lines(text) == [(5, "REL201")]
    text = HEAD + "other = make_something_else()\nother.query('q').result()\nother = bigquery.Client()\n"
    assert lines(text) == []


def test_two_known_readings_that_disagree_make_the_value_unknown() -> None:
    text = (
        HEAD
        + "class Local:\n    def query(self, sql):\n        return self\n    def result(self):\n        return 1\n\n"
        + "maker = bigquery.Client() if flag else Local()\n"
        + "maker.query('q').result()\n"
    )
    assert lines(text) == []
    text = HEAD + "def run():\n    conn.query('q').result()\n\nconn = bigquery.Client()\nconn = Local()\n\nclass Local:\n    pass\n"
    assert lines(text) == []
    # the same two readings agreeing are still known
    text = HEAD + "maker = bigquery.Client() if flag else bigquery.Client(project='p')\nmaker.query('q').result()\n"
    assert lines(text) == [(6, "REL201")]


def test_a_module_name_rebound_to_something_else_has_no_qualified_name() -> None:
    text = "import requests\n\ndef fetch(url):\n    return requests.get(url)\n\nrequests = make_session()\n"
    assert lines(text, "REL204") == []
    # `requests = None` in an ImportError handler leaves the import the only reading
    text = "try:\n    import requests\nexcept ImportError:\n    requests = None\n\ndef fetch(url):\n    return requests.get(url)\n"
    assert lines(text, "REL204") == [(7, "REL204")]


def test_the_first_argument_of_a_staticmethod_or_classmethod_is_not_self() -> None:
    for decorator in ("staticmethod", "classmethod"):
        text = (
            HEAD
            + "class Loader:\n"
            + "    def __init__(self):\n        self.client = bigquery.Client()\n"
            + f"    @{decorator}\n    def run(other, sql):\n        other.client.query(sql).result()\n"
            + "    def own(self, sql):\n        self.client.query(sql).result()\n"
        )
        assert lines(text) == [(12, "REL201")], decorator
