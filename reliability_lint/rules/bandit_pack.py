"""bandit's checks as an optional rule pack: `select = ["B"]` (or single codes such as B602).

The codes and names are bandit's own. They are listed here rather than read from bandit
at start-up, which costs a fifth of a second on every run; a test keeps the list equal to
what the installed bandit provides. bandit runs in-process on the text already read, one
call per file, with its own `# nosec` handling switched off: `# nosec` and `# noqa` work
through the engine's suppression like for every other rule. The values that B105-B107
print in clear text are redacted.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from functools import lru_cache
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.registry import checker, rule
from reliability_lint.source import SourceError

BANDIT_TESTS = {
    "B101": "assert_used", "B102": "exec_used", "B103": "set_bad_file_permissions",
    "B104": "hardcoded_bind_all_interfaces", "B105": "hardcoded_password_string",
    "B106": "hardcoded_password_funcarg", "B107": "hardcoded_password_default",
    "B108": "hardcoded_tmp_directory", "B110": "try_except_pass", "B112": "try_except_continue",
    "B113": "request_without_timeout", "B201": "flask_debug_true", "B202": "tarfile_unsafe_members",
    "B301": "pickle", "B302": "marshal", "B303": "md5", "B304": "ciphers", "B305": "cipher_modes",
    "B306": "mktemp_q", "B307": "eval", "B308": "mark_safe", "B310": "urllib_urlopen",
    "B311": "random", "B312": "telnetlib", "B313": "xml_bad_cElementTree",
    "B314": "xml_bad_ElementTree", "B315": "xml_bad_expatreader", "B316": "xml_bad_expatbuilder",
    "B317": "xml_bad_sax", "B318": "xml_bad_minidom", "B319": "xml_bad_pulldom", "B321": "ftplib",
    "B323": "unverified_context", "B324": "hashlib_insecure_functions", "B401": "import_telnetlib",
    "B402": "import_ftplib", "B403": "import_pickle", "B404": "import_subprocess",
    "B405": "import_xml_etree", "B406": "import_xml_sax", "B407": "import_xml_expat",
    "B408": "import_xml_minidom", "B409": "import_xml_pulldom", "B411": "import_xmlrpclib",
    "B412": "import_httpoxy", "B413": "import_pycrypto", "B415": "import_pyghmi",
    "B501": "request_with_no_cert_validation", "B502": "ssl_with_bad_version",
    "B503": "ssl_with_bad_defaults", "B504": "ssl_with_no_version",
    "B505": "weak_cryptographic_key", "B506": "yaml_load", "B507": "ssh_no_host_key_verification",
    "B508": "snmp_insecure_version", "B509": "snmp_weak_cryptography", "B601": "paramiko_calls",
    "B602": "subprocess_popen_with_shell_equals_true", "B603": "subprocess_without_shell_equals_true",
    "B604": "any_other_function_with_shell_equals_true", "B605": "start_process_with_a_shell",
    "B606": "start_process_with_no_shell", "B607": "start_process_with_partial_path",
    "B608": "hardcoded_sql_expressions", "B609": "linux_commands_wildcard_injection",
    "B610": "django_extra_used", "B611": "django_rawsql_used",
    "B612": "logging_config_insecure_listen", "B613": "trojansource", "B614": "pytorch_load",
    "B615": "huggingface_unsafe_download", "B701": "jinja2_autoescape_false",
    "B702": "use_of_mako_templates", "B703": "django_mark_safe", "B704": "markupsafe_markup_xss",
}  # fmt: skip
# B105-B107: "Possible hardcoded password: '<the value>'".
_PASSWORD_TEXT = re.compile(r"(?s)Possible hardcoded password: '(?P<value>.*)'$")

for _code, _name in BANDIT_TESTS.items():
    rule(
        _code,
        _name.lower().replace("_", "-"),
        f"bandit {_code} {_name}",
        "P2",
        suppressed_by=("nosec",),
        default=False,
        family="bandit",
        tags=("security",),
    )


@lru_cache(maxsize=1)
def _test_set() -> Any:
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
