#!/usr/bin/env python3
"""Time reliability-lint against the ast.parse floor and its peers on a generated corpus.

    python bench/run.py [--files N] [--rounds R] [--keep] [--importtime] [--jobs N]
                        [--skip NAMES] [--slow SECONDS] [--text-share R]

Every timing is a subprocess; each row reports the median wall and CPU time over its rounds
and the peak RSS of its process tree (os.wait4). Rounds are interleaved so that the noise of
a shared machine spreads over all rows: compare the ratios within one run, not absolute times
across runs. After the table come the speed targets, each a ratio of two rows of this run
(the parse floor, the plain check, the import, detect-secrets), then the recall of the
planted REL201-REL205 defects and the false positives, then the same per rule for the other
families' planted defects, read from the JSON output of the cold check.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import corpus  # noqa: E402
import corpus_waits  # noqa: E402

KEEP_DIR = Path(tempfile.gettempdir()) / "reliability-lint-bench" / "corpus"
RUFF_SELECT = "E722,BLE001,S110,S112,TD,FIX,S105,S106,S107,S113"
BANDIT_TESTS = "B105,B106,B107,B110,B112,B113"
FLOOR = ("import ast, sys\n"
         "for path in open(sys.argv[1]).read().splitlines():\n"
         "    with open(path, 'rb') as f:\n"
         "        ast.parse(f.read(), path)\n")
# Forks the timed command from a fresh `python -S` (about 8 MB) rather than from this process:
# Linux keeps a process's peak RSS across exec, so a child forked from here would start at ours.
LAUNCHER = """
import os, sys, time
cwd, out, err, *argv = sys.argv[1:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.chdir(cwd)
        for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, out, os.O_WRONLY), (2, err, os.O_WRONLY)):
            os.dup2(os.open(path, flags), fd)
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
elapsed = time.perf_counter() - start
print(os.waitstatus_to_exitcode(status), elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""
CLEAN_FILE = '''"""A module with nothing to report."""
import json


def dump(data: dict) -> str:
    return json.dumps(data, sort_keys=True)
'''


def tool_env() -> dict[str, str]:
    """This checkout first on the path, whatever is installed. Bytecode is cached as on a
    user's machine (pip compiles it at install): a PYTHONDONTWRITEBYTECODE of the shell
    would make every start-up row compile every module it imports, every round."""
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=path)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@dataclass
class Row:
    name: str
    argv: list[str]
    group: str  # "startup", "corpus" or "five": ratios compare rows of one group
    files: int | None
    cwd: Path
    env: dict[str, str] | None = None
    ok: tuple[int, ...] = (0, 1)
    before: Callable[[], None] | None = None  # untimed, before every round
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: int = 0
    error: str = ""
    stdout: bytes = b""


# The slowest peer (detect-secrets over the real repository) needs about 13 minutes of CPU.
ROW_TIMEOUT = 3600


def run_once(row: Row) -> None:
    """Run row.argv once; record wall time, CPU time and peak RSS of its process tree (wait4)."""
    if row.before:
        row.before()
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp, "out"), Path(tmp, "err")
        out.touch()
        err.touch()
        try:
            done = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, str(row.cwd), str(out), str(err), *row.argv],
                                  env=row.env, capture_output=True, text=True, timeout=ROW_TIMEOUT)
        except subprocess.TimeoutExpired:
            row.error = f"did not finish within {ROW_TIMEOUT} s"
            return
        code, wall, cpu, rss = done.stdout.split() if done.returncode == 0 else ("-1", "0", "0", "0")
        row.stdout = out.read_bytes()
        if int(code) not in row.ok:
            tail = (err.read_text("utf-8", "replace") or done.stderr).strip().splitlines()[-1:] or [""]
            row.error = f"exit {code}: {tail[0][:160]}"
            return
        row.wall.append(float(wall))
        row.cpu.append(float(cpu))
        row.rss_kb = max(row.rss_kb, int(rss))


def probe(argv: list[str], env: dict[str, str] | None = None) -> tuple[str | None, str]:
    """(stdout, "") when argv runs, else (None, a one-line reason)."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tempfile.gettempdir(), timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, str(exc)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        return None, f"exited {done.returncode}: {lines[-1]}"
    return done.stdout, ""


def tree_digest(root: Path) -> str:
    digest = hashlib.sha1()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def copy_text_files(root: Path, names: list[str], out: Path, wanted: int) -> int:
    """Copy the corpus's text files into `out`, repeated in `copy-N/` folders until there
    are `wanted` of them (at least one full copy): how many text files a Python file comes
    with decides whether start-up or scanning dominates the secret rules' time."""
    count = 0
    for copy in range(max(1, -(-wanted // max(1, len(names))))):
        for name in names:
            target = out / f"copy-{copy}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / name, target)
            count += 1
    return count


def build_rows(args: argparse.Namespace, root: Path, work: Path, notes: list[str]) -> tuple[list[Row], Row | None]:
    """The rows to time, and the row whose JSON output is scored (None when the tool cannot run)."""
    py = sys.executable
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    py_files = [f for f in files if f.endswith(".py")]
    five = py_files[:: max(1, len(py_files) // 5)][:5]
    (work / "py_files.txt").write_text("\n".join(py_files) + "\n")
    env = tool_env()
    rows = [Row("python -c pass", [py, "-c", "pass"], "startup", None, root),
            Row("parse floor (ast.parse, 1 process)", [py, "-c", FLOOR, str(work / "py_files.txt")], "corpus", len(py_files), root)]

    tool = [py, "-m", args.module]
    help_text, why = probe(tool + ["check", "--help"], env)
    scored: Row | None = None
    skip = [s.strip() for s in args.skip.split(",") if s.strip()]

    def wanted(name: str) -> bool:
        return not any(s in name for s in skip)

    if help_text is None:
        notes.append(f"reliability-lint NOT RUNNABLE: `python -m {args.module} check --help` {why}; its rows are skipped")
    else:
        flags = [f for f in ("--no-cache", "--no-progress") if f in help_text]
        if args.jobs and "--jobs" in help_text:
            flags += ["--jobs", str(args.jobs)]
        json_out = ["--output-format", "json"] if "json" in help_text else []
        if "--no-cache" not in help_text:
            notes.append("check has no --no-cache: cache folders in the corpus are deleted before each cold run")

        # The tool's own copy: a cache it writes into its folder is seen by no other tool.
        lint = work / "lint-copy"
        shutil.copytree(root, lint)

        def clear_cache() -> None:
            if "--no-cache" not in help_text:
                for path in lint.glob(".*cache*"):
                    shutil.rmtree(path, ignore_errors=True)

        rows.insert(1, Row(f"import {args.module}.cli", [py, "-c", f"import {args.module}.cli"], "startup", None, lint, env))
        # Timed as the gates run it (text output), in one process and with the default pool.
        one = [f for f in flags if f != "--jobs" and not f.isdigit()] + ["--jobs", "1"]
        rows.append(Row("reliability-lint check --jobs 1 (cold)", tool + ["check", *one, "."], "corpus",
                        len(files), lint, env, before=clear_cache))
        rows.append(Row("reliability-lint check (cold)", tool + ["check", *flags, "."], "corpus",
                        len(files), lint, env, before=clear_cache))
        # The CI formats carry every fix's edits: the JSON row is the one scored.
        scored = Row("reliability-lint check --output-format json (cold)",
                     tool + ["check", *json_out, *flags, "."], "corpus", len(files), lint, env, before=clear_cache)
        rows.append(scored)
        if "sarif" in help_text:
            rows.append(Row("reliability-lint check --output-format sarif (cold)",
                            tool + ["check", "--output-format", "sarif", *flags, "."], "corpus", len(files), lint, env,
                            before=clear_cache))
        # The secret rules on the non-Python text files alone, against detect-secrets below.
        text_files = copy_text_files(root, [f for f in files if not f.endswith((".py", ".pyi"))],
                                     work / "text-copy", round(args.text_share * len(py_files)))
        text_root = work / "text-copy"
        rows.append(Row("reliability-lint secret rules, text files alone", tool + ["check", "--select", "REL3", *flags, "."],
                        "text", text_files, text_root, env))
        warm_flags = [f for f in flags if f != "--no-cache"]
        warm = Row("reliability-lint check (warm cache)", tool + ["check", *warm_flags, "."], "corpus",
                   len(files), lint, env)
        if wanted(warm.name):
            run_once(warm)  # prime the cache, untimed
            warm.wall, warm.cpu, warm.rss_kb = [], [], 0
            if "--no-cache" in help_text or any(lint.glob(".*cache*")):
                # primed again right before it is timed: the cold rows clear the cache
                warm.before = lambda: run_once(Row("prime", warm.argv, "", None, lint, env))
                rows.append(warm)
            else:
                notes.append("no cache found after a check: no warm-cache row")
        rows.append(Row("reliability-lint check, 5 files", tool + ["check", *flags, *five], "five", 5, lint, env))
        fix_help, _ = probe(tool + ["fix", "--help"], env)
        if fix_help is not None and "--diff" in fix_help:
            fix_root = work / "fix-copy"
            shutil.copytree(root, fix_root)
            fix_flags = [f for f in flags if f in fix_help]
            rows.append(Row("reliability-lint fix --diff", tool + ["fix", "--diff", *fix_flags, "."], "corpus",
                            len(files), fix_root, env))
            if "--unsafe-fixes" in fix_help:
                rows.append(Row("reliability-lint fix --diff --unsafe-fixes",
                                tool + ["fix", "--diff", "--unsafe-fixes", *fix_flags, "."], "corpus", len(files), fix_root, env))
                # Written to a fresh copy of the legacy tree each round.
                write_root = work / "write-copy"

                def fresh_copy() -> None:
                    shutil.rmtree(write_root, ignore_errors=True)
                    shutil.copytree(root, write_root)

                fresh_copy()
                rows.append(Row("reliability-lint fix --unsafe-fixes (writes)",
                                tool + ["fix", "--unsafe-fixes", *fix_flags, "."], "corpus", len(files), write_root, env,
                                before=fresh_copy))
        else:
            notes.append("`fix --diff` not available: no fix row")

    peers: list[tuple[str, list[str], str, int, tuple[int, ...]]] = []
    if shutil.which("ruff"):
        ruff = ["ruff", "check", "--no-cache", "--select", RUFF_SELECT, "--output-format", "json"]
        peers += [("ruff", ruff + ["."], "corpus", len(py_files), (0, 1)),
                  ("ruff, 5 files", ruff + five, "five", 5, (0, 1))]
    if shutil.which("flake8"):
        version, _ = probe(["flake8", "--version"])
        select = "E722,TD" if version and "flake8-todos" in version else "E722"
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        peers.append((f"flake8 --select {select}", ["flake8", "--select", select, *jobs, "."], "corpus", len(py_files), (0, 1)))
    if shutil.which("bandit"):
        peers.append(("bandit", ["bandit", "-q", "-t", BANDIT_TESTS, "-r", "."], "corpus", len(py_files), (0, 1)))
    if shutil.which("detect-secrets"):
        peers.append(("detect-secrets scan --all-files", ["detect-secrets", "scan", "--all-files"], "corpus", len(files), (0,)))
    for name in ("ruff", "flake8", "bandit", "detect-secrets"):
        if not shutil.which(name):
            notes.append(f"{name} not installed: skipped (pip install {name})")
    rows += [Row(name, argv, group, n, root, ok=ok) for name, argv, group, n, ok in peers]
    if shutil.which("detect-secrets") and (work / "text-copy").exists():
        rows.append(Row("detect-secrets scan --all-files, text files alone", ["detect-secrets", "scan", "--all-files"],
                        "text", sum(1 for p in (work / "text-copy").rglob("*") if p.is_file()), work / "text-copy", ok=(0,)))
    return [r for r in rows if wanted(r.name)], scored


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


# Issue 16's targets, each a ratio of two rows of the same run: (what, row, reference row,
# measure, comparison, bound).
TARGETS = [
    ("cold check CPU, x the parse floor", "reliability-lint check --jobs 1 (cold)", "parse floor (ast.parse, 1 process)", "cpu", "<=", 1.5),
    ("warm check CPU, x cold", "reliability-lint check (warm cache)", "reliability-lint check (cold)", "cpu", "<=", 0.05),
    ("JSON CPU, x check", "reliability-lint check --output-format json (cold)", "reliability-lint check (cold)", "cpu", "<=", 1.2),
    ("SARIF CPU, x check", "reliability-lint check --output-format sarif (cold)", "reliability-lint check (cold)", "cpu", "<=", 1.2),
    ("fix --diff CPU, x check", "reliability-lint fix --diff", "reliability-lint check (cold)", "cpu", "<=", 1.2),
    ("fix --unsafe-fixes CPU, x check", "reliability-lint fix --unsafe-fixes (writes)", "reliability-lint check (cold)", "cpu", "<=", 2.0),
    ("5-file run wall, x the import", "reliability-lint check, 5 files", "import reliability_lint.cli", "wall", "<=", 1.5),
    ("detect-secrets CPU, x the secret rules on text files", "detect-secrets scan --all-files, text files alone",
     "reliability-lint secret rules, text files alone", "cpu", ">=", 30.0),
]  # fmt: skip


def print_targets(rows: list[Row]) -> None:
    measured = {row.name: row for row in rows if row.wall}
    print("\ntarget                                                  ratio   bound   verdict")
    for what, name, reference, measure, comparison, bound in TARGETS:
        if name not in measured or reference not in measured:
            print(f"{what:55} {'-':>6}   {comparison} {bound:<5} not measured")
            continue
        value, base = (statistics.median(getattr(measured[n], measure)) for n in (name, reference))
        ratio = value / base if base else float("inf")
        met = ratio <= bound if comparison == "<=" else ratio >= bound
        print(f"{what:55} {ratio:>6.2f}   {comparison} {bound:<5} {'met' if met else 'NOT met'}")


def print_table(rows: list[Row]) -> None:
    def ref(group: str, prefix: str) -> float | None:
        return next((statistics.median(r.wall) for r in rows if r.group == group and r.name.startswith(prefix) and r.wall), None)

    header = f"{'tool':44} {'rounds':>6} {'wall s':>8} {'cpu s':>8} {'files/s':>9} {'x floor':>8} {'x ruff':>7} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        if not row.wall:
            print(f"{row.name:44} {'-':>6}  {row.error or 'not run'}")
            continue
        wall, cpu = statistics.median(row.wall), statistics.median(row.cpu)
        floor = ref("corpus", "parse floor") if row.group == "corpus" else None
        ruff = ref(row.group, "ruff") if row.group != "startup" else None
        print(f"{row.name:44} {len(row.wall):>6} {wall:>8.2f} {cpu:>8.2f} "
              f"{fmt(row.files / wall if row.files else None, '9.0f'):>9} {fmt(wall / floor if floor else None, '8.2f'):>8} "
              f"{fmt(wall / ruff if ruff else None, '7.1f'):>7} {row.rss_kb / 1024:>8.0f}"
              + (f"  {row.error}" if row.error else ""))


def score(report: bytes, root: Path, truth: dict[str, Any]) -> None:
    """Recall of the planted REL201-REL205 defects and the false positives, from JSON output."""
    try:
        findings = json.loads(report or b"[]")
    except json.JSONDecodeError as exc:
        print(f"recall: the cold check's output is not JSON ({exc})")
        return
    base = root.resolve()

    def rel(name: str) -> str:
        path = Path(name)
        return (path.resolve().relative_to(base) if path.is_absolute() else path).as_posix()

    codes = corpus.TIMEOUT_CODES
    reported = {(rel(f["filename"]), f["location"]["row"], f["code"]) for f in findings if f.get("code") in codes}
    planted = {(d["file"], d["line"], d["code"]): d["kind"] for d in truth["defects"] if d["code"] in codes}
    unscored = {(u["file"], u["line"], u["code"]) for u in truth["unscored"]}
    negatives = {(n["file"], n["line"]): n["kind"] for n in truth["negatives"]}
    false = [r for r in reported if r not in planted and r not in unscored]
    print(f"\nrecall of planted timeout defects ({len(planted)} planted, {len(negatives)} negative call sites):")
    print(f"  {'code':7} {'planted':>7} {'found':>6} {'recall':>7} {'reported':>9} {'false+':>7} {'on negatives':>13} {'on unscored':>12}")
    for code in (*codes, "total"):
        mine = {k for k in planted if code in (k[2], "total")}
        found = {k for k in mine if k in reported}
        ours = [r for r in reported if code in (r[2], "total")]
        fp = [r for r in false if code in (r[2], "total")]
        print(f"  {code:7} {len(mine):>7} {len(found):>6} {fmt(100 * len(found) / len(mine) if mine else None, '6.1f'):>6}% "
              f"{len(ours):>9} {len(fp):>7} {sum((f, line) in negatives for f, line, _ in fp):>13} "
              f"{sum(r in unscored for r in ours):>12}")
    xmod = {k for k, kind in planted.items() if kind.startswith("xmod_")}
    xmod_negatives = {k for k, kind in negatives.items() if kind.startswith("xmod_")}
    print(f"  cross-module shapes (issue 11): {len(xmod & reported)}/{len(xmod)} found, "
          f"{sum((f, line) in xmod_negatives for f, line, _ in reported)} reports on {len(xmod_negatives)} look-alikes")
    print_misses(planted, reported, false, negatives)
    score_auth(findings, rel, truth)
    score_waits(findings, rel, truth)
    others = Counter(o["code"] for o in truth["other"] if o["code"] not in corpus_waits.CODES and not o["code"].startswith("REL5"))
    got = Counter(f["code"] for f in findings
                  if f.get("code") not in (*codes, *corpus_waits.CODES) and not f.get("code", "").startswith("REL5"))
    at_line = {(o["file"], o["line"], o["code"]) for o in truth["other"]}
    hits = Counter(code for f in findings if (code := f.get("code")) not in codes
                   and (rel(f["filename"]), f["location"]["row"], code) in at_line)
    print("other codes, for information (planted / reported / reported at a planted line): "
          + ", ".join(f"{c} {others[c]}/{got[c]}/{hits[c]}" for c in sorted(set(others) | set(got))))


def score_auth(findings: list[dict[str, Any]], rel: Callable[[str], str], truth: dict[str, Any]) -> None:
    """Recall of the planted REL5xx defects, and every REL5xx report that is not one."""
    # The other corpora's web handlers have no auth either: they are planted there as «O REL501».
    others = [o for o in truth["other"] if o["code"].startswith("REL5")]
    planted = {(d["file"], d["line"], d["code"]): d["kind"] for d in [*truth.get("auth_defects", []), *others]}
    negatives = {(n["file"], n["line"]): n["kind"] for n in truth.get("auth_negatives", [])}
    codes = {f["code"] for f in findings if f.get("code", "").startswith("REL5")} | {k[2] for k in planted}
    score_rules("recall of planted auth defects", findings, rel, planted, negatives, sorted(codes))


def score_waits(findings: list[dict[str, Any]], rel: Callable[[str], str], truth: dict[str, Any]) -> None:
    """Recall and false reports of issue 12's rules: planted shapes (corpus_waits, and the
    corpus's own handlers that return None, marked «O REL104») against every report."""
    codes = corpus_waits.CODES
    planted = {(d["file"], d["line"], d["code"]): d["kind"] for d in truth["defects"] + truth["other"] if d["code"] in codes}
    negatives = {(n["file"], n["line"]): n["kind"] for n in truth["negatives"] if n["kind"].startswith("waits_")}
    score_rules("issue 12 rules", findings, rel, planted, negatives, list(codes))


def score_rules(
    title: str,
    findings: list[dict[str, Any]],
    rel: Callable[[str], str],
    planted: dict[tuple[str, int, str], str],
    negatives: dict[tuple[str, int], str],
    codes: list[str],
) -> None:
    """Per code: planted, found, recall, reported, false reports and those on look-alikes."""
    reported = {(rel(f["filename"]), f["location"]["row"], f["code"]) for f in findings if f.get("code") in codes}
    false = [r for r in reported if r not in planted]
    print(f"\n{title} ({len(planted)} planted, {len(negatives)} look-alikes):")
    print(f"  {'code':7} {'planted':>7} {'found':>6} {'recall':>7} {'reported':>9} {'false':>6} {'on look-alikes':>15}")
    for code in (*codes, "total"):
        mine = {k for k in planted if code in (k[2], "total")}
        found = {k for k in mine if k in reported}
        fp = [r for r in false if code in (r[2], "total")]
        print(f"  {code:7} {len(mine):>7} {len(found):>6} {fmt(100 * len(found) / len(mine) if mine else None, '6.1f'):>6}% "
              f"{sum(code in (r[2], 'total') for r in reported):>9} {len(fp):>6} {sum((f, line) in negatives for f, line, _ in fp):>15}")
    print_misses(planted, reported, false, negatives)


def print_misses(planted: dict, reported: set, false: list, negatives: dict) -> None:
    """The planted defects not found and the false reports, by code and kind."""
    missed = Counter(f"{code} {planted[(f, line, code)]}" for f, line, code in planted if (f, line, code) not in reported)
    if missed:
        print("  missed, by code and kind: " + ", ".join(f"{k} ({n})" for k, n in missed.most_common(12)))
    wrong = Counter(f"{code} on {negatives.get((f, line), 'a line with no planted site')}" for f, line, code in false)
    if wrong:
        print("  false reports: " + ", ".join(f"{k} ({n})" for k, n in wrong.most_common(12)))
        print("  e.g. " + ", ".join(f"{f}:{line} {code}" for f, line, code in sorted(false)[:3]))


def importtime(module: str) -> None:
    """Which heavy modules does checking one clean file import?"""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "clean.py").write_text(CLEAN_FILE)
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", module, "check", "--no-cache", "clean.py"],
                              cwd=tmp, env=tool_env(), capture_output=True, text=True, timeout=ROW_TIMEOUT)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            rows.append((int(cumulative), name.rstrip()))
    top = {name.strip().split(".")[0] for _, name in rows}
    print(f"\n-X importtime, `check` of one clean file: exit {done.returncode}, {len(rows)} modules imported")
    for heavy in ("libcst", "detect_secrets", "bandit", "click"):
        print(f"  {heavy:15} {'IMPORTED' if heavy in top else 'not imported'}")
    first = sorted(((c, n.strip()) for c, n in rows if n.startswith(" ") and not n.startswith("  ")), reverse=True)
    print(f"  total of top-level imports {sum(c for c, _ in first) / 1000:.0f} ms; slowest: "
          + ", ".join(f"{n} {c / 1000:.0f} ms" for c, n in first[:6]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=corpus.DEFAULT_FILES, help="corpus size (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per row; the median is reported (default 3)")
    parser.add_argument("--keep", action="store_true", help=f"keep the corpus (with ground_truth.json) in {KEEP_DIR}")
    parser.add_argument("--importtime", action="store_true", help="also report what checking one clean file imports")
    parser.add_argument("--jobs", type=int, default=0, help="--jobs for reliability-lint and flake8 (default: theirs)")
    parser.add_argument("--skip", default="", help="comma-separated substrings of row names to skip, e.g. flake8,detect")
    parser.add_argument("--slow", type=float, default=90.0,
                        help="a row whose first round takes longer than this many seconds runs once (default 90)")
    parser.add_argument("--text-share", type=float, default=2.5,
                        help="non-Python text files per Python file in the secret-scan rows: the corpus's text "
                             "files repeated (default %(default)s, the reference repository's 6,357 / 2,514)")
    parser.add_argument("--module", default="reliability_lint", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rl-bench-") as tmp:
        work = Path(tmp)
        # Outside any git work tree: inside one, git-aware discovery would honour .gitignore
        # and the repository's configuration instead of checking the corpus.
        root = KEEP_DIR if args.keep else work / "corpus"
        shutil.rmtree(root, ignore_errors=True)
        started = time.perf_counter()
        truth = corpus.generate(root, args.files)
        (root / "ground_truth.json").replace(work / "ground_truth.json")  # keep it out of the timed tree
        print(corpus.summary(truth))
        print(f"generated in {time.perf_counter() - started:.1f} s into {root}")
        notes: list[str] = []
        rows, scored = build_rows(args, root, work, notes)
        fix_root = work / "fix-copy"
        fix_digest = tree_digest(fix_root) if fix_root.exists() else ""
        for n in range(args.rounds):
            for row in rows:
                if n == 0 or (row.wall and row.wall[0] <= args.slow and not row.error):
                    print(f"  round {n + 1}/{args.rounds}: {row.name}", file=sys.stderr, flush=True)
                    run_once(row)
        if fix_digest and tree_digest(fix_root) != fix_digest:
            notes.append("WARNING: `fix --diff` changed files on disk")
        if args.keep:
            shutil.copy(work / "ground_truth.json", root / "ground_truth.json")
            notes.append(f"corpus kept in {root}")
        print(f"\n{sys.platform}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
              f"load average {os.getloadavg()[0]:.1f} at the end; medians of up to {args.rounds} rounds\n")
        print_table(rows)
        print_targets(rows)
        for note in notes:
            print("note:", note)
        if scored is None or not scored.wall:
            print("\nrecall: skipped (reliability-lint did not run)")
        else:
            score(scored.stdout, scored.cwd, truth)
        if args.importtime:
            importtime(args.module)
    return 0


if __name__ == "__main__":
    sys.exit(main())
