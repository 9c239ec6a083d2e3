"""bandit's tests, declared as rules of the optional `bandit` family (`select = ["B"]`).

The codes and names are bandit's own. They are listed here rather than read from bandit
at start-up, which costs a fifth of a second on every run; a test keeps the list equal to
what the installed bandit provides.
"""

from __future__ import annotations

import re

from reliability_lint.registry import SuppressionMarker, rule, suppression_marker

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

_NOSEC = re.compile(r"#\s*nosec\b(?P<codes>(?:[\s,]+B\d{3})*)")


def _nosec_covers(text: str, code: str) -> bool:
    """bandit's `# nosec` silences everything; `# nosec B602, B603` only those tests. For
    this tool's own rules any nosec carries over (it was written for bandit's equivalent)."""
    match = _NOSEC.search(text)
    if match is None:
        return False
    codes = re.findall(r"B\d{3}", match.group("codes"))
    return not codes or not re.fullmatch(r"B\d{3}", code) or code in codes


suppression_marker(SuppressionMarker("nosec", "nosec", _nosec_covers))

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
