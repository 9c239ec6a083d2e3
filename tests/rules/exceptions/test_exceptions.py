"""REL101 and REL102 on the shapes real code has."""

from __future__ import annotations

import textwrap

import pytest

from reliability_lint.testing import check_text, fix_text


def codes(source: str, select: list[str] | None = None, **kwargs) -> list[tuple[str, int]]:
    findings = check_text(textwrap.dedent(source), select or ["REL1"], **kwargs)
    return sorted((f.code, f.line) for f in findings)


def fixed(source: str, select: list[str] | None = None, **kwargs) -> str:
    return fix_text(textwrap.dedent(source), select or ["REL1"], **kwargs)


def test_bare_except_in_decorated_async_method_and_nested_function() -> None:
    source = """
    class Worker:
        @retry(times=3)
        async def run(self):
            def inner():
                try:
                    step()
                except:
                    raise
            try:
                await inner()
            except:
                self.failed = True
    """
    assert codes(source, ["REL101"]) == [("REL101", 8), ("REL101", 12)]


def test_reraising_bare_except_gets_the_safe_fix_only() -> None:
    source = """
    try:
        step()
    except:  # keep going
        cleanup()
        raise
    try:
        step()
    except:
        cleanup()
    """
    assert fixed(source, ["REL101"], unsafe_fixes=False) == textwrap.dedent("""
    try:
        step()
    except BaseException:  # keep going
        cleanup()
        raise
    try:
        step()
    except:
        cleanup()
    """)


def test_no_fix_when_the_module_rebinds_exception() -> None:
    source = "from errors import Exception\ntry:\n    x()\nexcept:\n    raise\n"
    (finding,) = check_text(source, ["REL101"])
    assert finding.fix is None
    assert fixed(source, ["REL101"]) == source


@pytest.mark.parametrize(
    "handler",
    [
        "except Exception:",
        "except BaseException:",
        "except builtins.Exception:",
        "except (ValueError, Exception):",
        "except (KeyError,\n        BaseException):  # broad on purpose?",
        "except Exception as exc:",
    ],
)
def test_broad_handlers_that_swallow_are_reported(handler: str) -> None:
    source = f"try:\n    load()\n{handler}\n    pass\n"
    assert [code for code, _ in codes(source, ["REL102"])] == ["REL102"]


@pytest.mark.parametrize(
    "body",
    [
        "raise",
        "raise RuntimeError('load failed') from None",
        "logger.exception('load failed')",
        "log.warning('load failed')",
        "self.logger.error('load failed')",
        "logging.error('load failed')",
        "lg.critical('x')",
        "LOGGER.info('x')",
        "warnings.warn('load failed')",
        "print('load failed', file=sys.stderr)",
        "traceback.print_exc()",
        "errors.append(exc)",
        "return {'error': str(exc)}",
        "if retries > 3:\n        raise",
        "with lock:\n        log.error('x')",
    ],
)
def test_handlers_that_surface_the_error_are_not_reported(body: str) -> None:
    source = f"import logging as lg\nLOGGER = lg.getLogger()\ntry:\n    load()\nexcept Exception as exc:\n    {body}\n"
    assert codes(source, ["REL102"]) == []


def test_raise_inside_a_function_defined_in_the_handler_does_not_count() -> None:
    source = """
    try:
        load()
    except Exception:
        def later():
            raise RuntimeError()
        callbacks.append(lambda: logger.error("x"))
    """
    assert codes(source, ["REL102"]) == [("REL102", 4)]


def test_the_bound_name_of_another_handler_does_not_count() -> None:
    source = """
    try:
        load()
    except Exception as first:
        try:
            retry()
        except Exception as second:
            notify(first)
    """
    assert codes(source, ["REL102"]) == [("REL102", 7)]


def test_specific_handlers_only_with_the_option() -> None:
    source = "try:\n    load()\nexcept ValueError:\n    pass\n"
    assert codes(source, ["REL102"]) == []
    options = {"exceptions": {"include-specific": True}}
    assert codes(source, ["REL102"], options=options) == [("REL102", 3)]


def test_except_star_and_try_star() -> None:
    source = "try:\n    load()\nexcept* Exception:\n    pass\n"
    assert codes(source, ["REL102"]) == [("REL102", 3)]


def test_fix_uses_the_module_logger_and_keeps_comments() -> None:
    source = """
    import logging

    log = logging.getLogger("pipeline")


    async def flush(client):
        try:
            await client.flush()
        except Exception:  # flush is best effort
            pass  # see PIPE-12
    """
    assert fixed(source, ["REL102"]) == textwrap.dedent("""
    import logging

    log = logging.getLogger("pipeline")


    async def flush(client):
        try:
            await client.flush()
        except Exception:  # flush is best effort
            log.exception("Error in flush; continuing")  # see PIPE-12
    """)


def test_fix_inserts_before_existing_statements_and_adds_the_import_once() -> None:
    source = '''
    """Loaders."""
    from __future__ import annotations


    def a():
        try:
            x()
        except Exception:
            return None


    def b():
        try:
            y()
        except: pass
    '''
    result = fixed(source, ["REL102"])
    assert result.count("import logging") == 1
    assert '        logging.exception("Error in a; continuing")\n        return None' in result
    assert 'except: logging.exception("Error in b; continuing")' in result
    assert result.index("from __future__") < result.index("import logging")
    assert fixed(result, ["REL102"]) == result


def test_module_level_handler_does_not_use_a_logger_bound_later() -> None:
    source = "import logging\ntry:\n    import ujson as json\nexcept Exception:\n    pass\nlogger = logging.getLogger()\n"
    assert 'logging.exception("Error in module example; continuing")' in fixed(source, ["REL102"])


def test_crlf_and_non_ascii_are_kept() -> None:
    source = 'def café():\r\n    try:\r\n        x = "données"\r\n    except:\r\n        pass\r\n'
    result = fix_text(source, ["REL1"])
    assert result == (
        'import logging\r\n\r\ndef café():\r\n    try:\r\n        x = "données"\r\n'
        '    except Exception:\r\n        logging.exception("Error in café; continuing")\r\n'
    )
    findings = check_text('x = "é"; y = 1\ntry:\n    é()\nexcept:  pass\n', ["REL101"])
    assert [(f.line, f.col, f.end_col) for f in findings] == [(4, 0, 6)]


def test_column_is_in_characters_after_non_ascii_text() -> None:
    source = 'try: x = "ééé"\nexcept: pass\n'
    ((line, col),) = {(f.line, f.col) for f in check_text(source, ["REL101"])}
    assert (line, col) == (2, 0)
    nested = 'if "é":\n  try:\n    pass\n  except: pass\n'
    assert {(f.line, f.col) for f in check_text(nested, ["REL101"])} == {(4, 2)}


def test_fixing_twice_changes_nothing_the_second_time() -> None:
    source = "def f():\n    try:\n        g()\n    except:\n        pass\n"
    once = fixed(source)
    assert once != source
    assert fixed(once) == once
    assert check_text(once, ["REL1"]) == []


def test_log_fix_layouts_as_text_edits() -> None:
    """One-line bodies, a comment between the header and the body, a header split over
    lines with a colon in a comment, tabs, and a body after a non-ASCII line."""
    source = (
        "import logging\n"
        "logger = logging.getLogger(__name__)\n"
        "\n"
        "def f():\n"
        "\ttry:\n"
        "\t\tg()\n"
        "\texcept Exception: pass\n"
        "\ttry:\n"
        "\t\tg()\n"
        "\texcept Exception: x = 1; y = 2\n"
        "\ttry:\n"
        "\t\tg()\n"
        "\texcept (ValueError,  # note: parse errors\n"
        "\t\t\tException):  # catch-all\n"
        "\t\t# keep going\n"
        "\t\tname = 'Zoë'; g(name)\n"
    )
    assert fixed(source, ["REL102"]) == (
        "import logging\n"
        "logger = logging.getLogger(__name__)\n"
        "\n"
        "def f():\n"
        "\ttry:\n"
        "\t\tg()\n"
        '\texcept Exception: logger.exception("Error in f; continuing")\n'
        "\ttry:\n"
        "\t\tg()\n"
        '\texcept Exception: logger.exception("Error in f; continuing"); x = 1; y = 2\n'
        "\ttry:\n"
        "\t\tg()\n"
        "\texcept (ValueError,  # note: parse errors\n"
        "\t\t\tException):  # catch-all\n"
        '\t\tlogger.exception("Error in f; continuing")\n'
        "\t\t# keep going\n"
        "\t\tname = 'Zoë'; g(name)\n"
    )
