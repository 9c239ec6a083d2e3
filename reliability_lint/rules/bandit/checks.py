"""bandit's checks as an optional rule pack: `select = ["B"]` (or single codes such as B602).

bandit runs in-process on the text already read, one call per file, with its own `# nosec`
handling switched off: `# nosec` and `# noqa` work through the engine's suppression like
for every other rule. The values that B105-B107 print in clear text are redacted.
"""

from __future__ import annotations

import io
import re
import warnings
from functools import lru_cache
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.registry import checker
from reliability_lint.rules.bandit.catalogue import BANDIT_TESTS
from reliability_lint.source import SourceError

# B105-B107: "Possible hardcoded password: '<the value>'".
_PASSWORD_TEXT = re.compile(r"(?s)Possible hardcoded password: '(?P<value>.*)'$")


@lru_cache(maxsize=1)
def _test_set() -> Any:
    import logging  # bandit loads it anyway; a run without bandit's rules need not

    from bandit.core import config, test_set

    # bandit and stevedore (loading bandit's optional formatters) log through the root
    # logger's last resort, onto stderr; their messages are not findings.
    for name in ("bandit", "stevedore"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # stevedore's, on bandit's behalf
        return test_set.BanditTestSet(config.BanditConfig())


@checker(*BANDIT_TESTS, kinds=("python",))
def bandit_pack(ctx: CheckContext) -> None:
    try:
        from bandit.core import meta_ast, metrics, node_visitor
    except ImportError:
        raise SourceError("bandit rules are selected but bandit is not installed: pip install bandit") from None
    src = ctx.source
    data = src.encode(src.text)
    visitor = node_visitor.BanditNodeVisitor(
        str(src.path), io.BytesIO(data), meta_ast.BanditMetaAst(), _test_set(), False, {}, metrics.Metrics()
    )
    visitor.process(data)
    for issue in visitor.tester.results:
        if issue.test_id not in BANDIT_TESTS:
            continue
        text = issue.text
        password = _PASSWORD_TEXT.match(text)
        if password and password.group("value"):
            text = f"Possible hardcoded password: {ctx.redact(password.group('value'))}"
        line = issue.lineno if isinstance(issue.lineno, int) else 1
        col = max(issue.col_offset, 0)
        end = issue.end_col_offset if issue.end_col_offset and issue.end_col_offset > col else len(src.line(line))
        position = (line, src.char_col(line, col), line, src.char_col(line, end))
        message = f"{text} (severity {issue.severity.lower()}, confidence {issue.confidence.lower()})"
        ctx.report(issue.test_id, None, message, position=position)
