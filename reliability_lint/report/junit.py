"""JUnit XML, as CI servers show test results: one test suite per file, one failing test
case per finding (an error for a file that could not be checked)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from reliability_lint.findings import ERROR_CODE
from reliability_lint.report import Report


def render(report: Report) -> str:
    findings = sorted(report.findings, key=lambda f: f.sort_key())
    errors = sum(f.code == ERROR_CODE for f in findings)
    suites = ET.Element(
        "testsuites",
        name="reliability-lint",
        tests=str(max(1, len(findings))),
        failures=str(len(findings) - errors),
        errors=str(errors),
    )
    if not findings:
        suite = ET.SubElement(suites, "testsuite", name="reliability-lint", tests="1", failures="0", errors="0")
        ET.SubElement(suite, "testcase", name="No problems found", classname="reliability-lint")
    for path, group in groupby(findings, key=lambda f: f.path):
        cases = list(group)
        failed = sum(f.code == ERROR_CODE for f in cases)
        suite = ET.SubElement(
            suites, "testsuite", name=path, tests=str(len(cases)),
            failures=str(len(cases) - failed), errors=str(failed),
        )  # fmt: skip
        for finding in cases:
            case = ET.SubElement(
                suite, "testcase", name=f"{finding.code} at {finding.line}:{finding.col + 1}",
                classname=path, file=path, line=str(finding.line),
            )  # fmt: skip
            outcome = ET.SubElement(
                case, "error" if finding.code == ERROR_CODE else "failure",
                message=finding.message, type=finding.code,
            )  # fmt: skip
            outcome.text = f"{path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
