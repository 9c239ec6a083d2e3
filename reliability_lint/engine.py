"""Running the rules over a tree: discovery (git-aware), one task per file, process pool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from reliability_lint.analysis import Plan, apply_edits, check_source, file_noqa, is_suppressed, noqa_map
from reliability_lint.config import DEFAULT_EXCLUDE, GlobSet, codes_matching, glob_matches
from reliability_lint.findings import ERROR_CODE, INTERNAL_ERROR, Finding, error, is_internal_error
from reliability_lint.redaction import redact_finding, redact_text
from reliability_lint.fix import (
    MAX_ROUNDS, FixContext, FixError, choose_edits, compute_edits, fix_error, parses,
    unified_diff, write_atomic,
)  # fmt: skip
from reliability_lint.registry import REGISTRY, load_rules
from reliability_lint.fix_preview import preview
from reliability_lint.cache import Cache, config_fingerprint, content_hash, git_token
from reliability_lint.source import SourceError, SourceFile, read_bytes

CHECK, CHECK_WITH_EDITS, FIX, DIFF = "check", "check-with-edits", "fix", "diff"
# Below this many files the pool's start-up costs more than it saves.
_POOL_THRESHOLD = 16


@dataclass
class Settings:
    """Everything a worker needs, resolved once from config and command line (picklable)."""

    root: Path
    enabled: frozenset[str]
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_file_ignores: list[tuple[str, list[str]]] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    force_exclude: bool = False
    unsafe_fixes: bool = False
    extend_safe_fixes: list[str] = field(default_factory=list)
    extend_unsafe_fixes: list[str] = field(default_factory=list)
    local_rule_dirs: list[Path] = field(default_factory=list)
    cache_dir: Path | None = None  # None: no cache
    git_token: str | None = None  # set by run() when a file it checks has a rule that reads git
    baseline: Path | None = None  # report only findings not recorded in this file
    docs_url: str | None = None  # where the rule pages are published (None: the default)

    def relative(self, path: Path) -> PurePosixPath:
        absolute = path.absolute()
        try:
            return PurePosixPath(absolute.relative_to(self.root).as_posix())
        except ValueError:
            return PurePosixPath(absolute.as_posix().lstrip("/"))

    def enabled_for(self, relative: PurePosixPath) -> frozenset[str]:
        ignored: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if glob_matches(pattern, relative):
                ignored |= codes_matching(self.enabled, codes)
        return self.enabled - ignored if ignored else self.enabled

    def is_excluded(self, relative: PurePosixPath) -> bool:
        return self._exclude_globs.matches(relative)

    @cached_property
    def _exclude_globs(self) -> GlobSet:
        return GlobSet(self.exclude)


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    skipped: str = ""  # why a file was not read (binary, too large); counted, not an error


@dataclass(frozen=True)
class Task:
    path: Path
    display: str
    kinds: frozenset[str]


# ---------------------------------------------------------------------------- discovery


def discover(paths: list[Path], settings: Settings) -> tuple[list[Task], list[Finding]]:
    """The files to check, and a REL000 finding for each path that cannot be listed."""
    tasks: dict[Path, Task] = {}
    problems: list[Finding] = []
    for given in paths:
        if given.is_dir():
            files, errors = _list_folder(given, settings)
            problems.extend(error(display_path(p), reason) for p, reason in errors)
        elif given.exists() or given.is_symlink():
            if settings.force_exclude and settings.is_excluded(settings.relative(given)):
                continue
            files = [given]
        else:
            problems.append(error(display_path(given), "no such file or directory"))
            continue
        for path in files:
            kinds = REGISTRY.kinds_of(path)
            key = path.absolute()
            if kinds and key not in tasks:
                tasks[key] = Task(path, display_path(path), kinds)
    return sorted(tasks.values(), key=lambda task: task.display), problems


def display_path(path: Path) -> str:
    """Relative to the current folder when under it, as given otherwise (no ../../ chains)."""
    relative = os.path.relpath(path) if path.is_absolute() else os.path.normpath(path)
    return str(path) if relative.startswith("..") else relative


def _list_folder(folder: Path, settings: Settings) -> tuple[list[Path], list[tuple[Path, str]]]:
    excluded = _exclusion(folder, settings)
    listed = _git_listing(folder)
    if listed is None:
        return _walk(folder, excluded)
    files, errors = listed
    # A dangling symlink is kept so that it is reported, not silently skipped.
    return [p for p in files if not excluded(p) and (p.is_file() or p.is_symlink() and not p.is_dir())], errors


def _exclusion(folder: Path, settings: Settings) -> Callable[[Path], bool]:
    """Exclusion below a folder given on the command line, never of that folder itself:
    `check examples/demo` checks the demo even where the config excludes `examples`."""
    if not settings.is_excluded(settings.relative(folder)):
        return lambda path: settings.is_excluded(settings.relative(path))

    def excluded_below(path: Path) -> bool:
        return settings._exclude_globs.matches(PurePosixPath(path.relative_to(folder).as_posix()))

    return excluded_below


def _git_listing(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]] | None:
    """Files git would consider (tracked, or untracked and not ignored), honouring every
    .gitignore. Outside a repository a throw-away git dir gives the same ignore rules."""
    try:
        inside = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--is-inside-work-tree"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    except OSError:
        return None  # no git: plain walk
    in_repository = inside.returncode == 0 and inside.stdout.strip() == "true"
    if in_repository:
        # A folder the repository ignores, given explicitly, is listed on its own terms:
        # checked with the .gitignore files inside it, not reported as empty.
        ignored = subprocess.run(["git", "-C", str(folder), "check-ignore", "-q", "."], capture_output=True)
        in_repository = ignored.returncode != 0
    command = ["git", "-C", str(folder), "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    with tempfile.TemporaryDirectory(prefix="reliability-lint-git-") as scratch:
        env = dict(os.environ)
        if not in_repository:
            subprocess.run(["git", "init", "-q", "--bare", scratch], check=False, capture_output=True)
            env.update(GIT_DIR=scratch, GIT_WORK_TREE=str(folder.absolute()))
            command = ["git", "-C", str(folder), "ls-files", "-z", "--others", "--exclude-standard"]
        result = subprocess.run(command, capture_output=True, env=env, check=False)
    if result.returncode != 0:
        return None
    files = [folder / os.fsdecode(name) for name in result.stdout.split(b"\0") if name]
    errors = []
    for line in result.stderr.decode("utf-8", "replace").splitlines():
        # git warns about folders it cannot open and goes on; so do we.
        if "could not open directory" in line:
            name = line.split("'")[1] if "'" in line else line
            errors.append((folder / name, "cannot read directory: permission denied"))
    return files, errors


def _walk(folder: Path, excluded: Callable[[Path], bool]) -> tuple[list[Path], list[tuple[Path, str]]]:
    files: list[Path] = []
    errors: list[tuple[Path, str]] = []

    def on_error(exc: OSError) -> None:
        errors.append((Path(exc.filename), f"cannot read directory: {exc.strerror}"))

    for current, dirs, names in os.walk(folder, onerror=on_error):
        base = Path(current)
        dirs[:] = [d for d in dirs if not excluded(base / d)]
        files.extend(base / n for n in names if not excluded(base / n))
    return files, errors


# ---------------------------------------------------------------------------- one file

_SETTINGS: Settings | None = None
_CACHE: Cache | None = None
_PLANS: dict[tuple[frozenset[str], tuple[str, ...]], Plan] = {}
_FINGERPRINTS: dict[tuple[frozenset[str], bool], str] = {}


def _init_pool_worker(settings: Settings) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides to stop, and the
    # workers finish the files they hold, so no file is left half-done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(settings)


def _init_worker(settings: Settings) -> None:
    global _SETTINGS, _CACHE
    _SETTINGS = settings
    _CACHE = Cache(settings.cache_dir) if settings.cache_dir is not None else None
    load_rules(settings.local_rule_dirs)


def reads_git(enabled: frozenset[str], options: dict[str, dict[str, Any]], kinds: frozenset[str] | None = None) -> bool:
    """Whether the findings depend on git state: for files of `kinds`, or any file."""
    codes = enabled if kinds is None else _codes_for_kinds(enabled, kinds)
    flags = (REGISTRY.rules[code].reads_git for code in codes)
    return any(flag(options) if callable(flag) else flag for flag in flags)


def _codes_for_kinds(enabled: frozenset[str], kinds: frozenset[str]) -> set[str]:
    """The enabled codes that some checker reports on files of these kinds."""
    return {
        code
        for checker in REGISTRY.checkers
        if (checker.nodes and "python" in kinds) or (not checker.nodes and kinds.intersection(checker.kinds))
        for code in checker.codes
        if code in enabled
    }


def _fingerprint(settings: Settings, enabled: frozenset[str], with_edits: bool) -> str:
    """The configuration a file's findings depend on: its rules, their options, fix classes."""
    key = (enabled, with_edits)
    if key not in _FINGERPRINTS:
        families = {REGISTRY.rules[code].family for code in enabled}
        _FINGERPRINTS[key] = config_fingerprint(
            sorted(enabled),
            {family: settings.options.get(family) for family in sorted(families)},
            settings.extend_safe_fixes,
            settings.extend_unsafe_fixes,
            with_edits,
        )
    return _FINGERPRINTS[key]


def _plan(enabled: frozenset[str], options: dict[str, dict[str, Any]]) -> Plan:
    key = (enabled, REGISTRY.marker_patterns(options))  # configured markers change the plan
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = Plan.build(REGISTRY, enabled, options)
    return plan


def analyze(src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str]) -> list[Finding]:
    """The findings that survive selection and suppression, fixes set to their applicability."""
    plan = _plan(enabled, settings.options)
    python = "python" in task.kinds
    findings, spans = check_source(src, task.display, task.kinds, plan, settings.options)
    findings = [f for f in findings if f.code in enabled]
    if not findings:
        return findings
    silenced = file_noqa(src)
    if silenced is not None:
        findings = [f for f in findings if "" not in silenced and not any(f.code.startswith(c) for c in silenced)]
    comments = noqa_map(src, spans, python)
    if comments:
        findings = [f for f in findings if not is_suppressed(f, comments, REGISTRY.rules[f.code].suppressed_by)]
    for finding in findings:
        if finding.fix is not None:
            if finding.fix.applicability == "unsafe" and codes_matching({finding.code}, settings.extend_safe_fixes):
                finding.fix.applicability = "safe"
            elif finding.fix.applicability == "safe" and codes_matching({finding.code}, settings.extend_unsafe_fixes):
                finding.fix.applicability = "unsafe"
    return findings


def fixable(finding: Finding, settings: Settings) -> bool:
    return finding.fix is not None and (finding.fix.applicability == "safe" or settings.unsafe_fixes)


def process(task: Task, mode: str) -> FileResult:
    settings = _SETTINGS
    assert settings is not None, "worker not initialised"
    result = FileResult(task.display)
    enabled = settings.enabled_for(settings.relative(task.path))
    if "python" not in task.kinds:
        reason = REGISTRY.skip_reason(task.path, task.kinds, settings.options)
        if reason:
            result.skipped = reason
            return result
    try:
        data = read_bytes(task.path)
    except SourceError as exc:
        result.findings.append(error(task.display, str(exc)))
        return result
    key = None
    if _CACHE is not None:
        git = settings.git_token if reads_git(enabled, settings.options, task.kinds) else None
        key = (content_hash(data), _fingerprint(settings, enabled, mode == CHECK_WITH_EDITS), git)
        cached = _CACHE.load(task.path, *key)
        # In fix mode a cached entry saves the work only when nothing in it is fixable.
        if cached is not None and (mode in (CHECK, CHECK_WITH_EDITS) or not any(fixable(f, settings) for f in cached)):
            for finding in cached:
                finding.path = task.display
            result.findings = cached
            return result
    try:
        src = SourceFile.from_bytes(task.path, data)
    except SourceError as exc:
        if "python" not in task.kinds and "binary" in str(exc):
            result.skipped = "binary"
        elif "python" not in task.kinds and "cannot decode" in str(exc):
            result.skipped = "undecodable"
        else:
            result.findings.append(error(task.display, str(exc)))
        return result
    try:
        if mode in (FIX, DIFF):
            _fix_file(src, task, settings, enabled, mode, result)
        else:
            result.findings = analyze(src, task, settings, enabled)
            if mode == CHECK_WITH_EDITS:
                _attach_edits(src, result.findings)
    except SourceError as exc:
        result.findings = [error(task.display, str(exc), *exc.position)]
    except RecursionError:
        result.findings = [error(task.display, "too deeply nested to check")]
    except Exception as exc:  # a crashing rule is a bug in it: name it, check the other files
        _stop_if_interrupted(exc)
        result.findings = [error(task.display, internal_error(exc))]
    for finding in result.findings:
        redact_finding(finding, src.sensitive)  # also the errors no checker reported
        if finding.fix is not None:
            finding.fix.compute = None  # closures over ast nodes do not cross processes
    result.diff = redact_text(result.diff, src.sensitive)
    if key is not None and mode in (CHECK, CHECK_WITH_EDITS) and not any(map(is_internal_error, result.findings)):
        _CACHE.store(task.path, *key, result.findings)
    return result


def internal_error(exc: Exception) -> str:
    """One line naming the failing function, never the exception's text (it can quote a
    secret from the code it failed on)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {frames[-1].name} ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{INTERNAL_ERROR} while checking: {type(exc).__name__}{where}"


def _attach_edits(src: SourceFile, findings: list[Finding]) -> None:
    context = FixContext(src)
    for finding in findings:
        if finding.fix is not None and finding.fix.compute is not None:
            try:
                finding.fix.edits = tuple(compute_edits(finding, context))
                finding.fix.diff = preview(src, finding.fix.edits)
            except FixError:
                finding.fix = None


def fix_source(
    src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str]
) -> tuple[SourceFile, list[Finding], int]:
    """Fix in rounds until nothing changes: (fixed source, what remains, fixes applied).

    When a round's output does not parse, every round is dropped: the original comes back
    with a REL000 finding naming the fix.
    """
    original = src
    applied_count = 0
    failure: Finding | None = None
    findings = analyze(src, task, settings, enabled)
    for _ in range(MAX_ROUNDS):
        candidates = [f for f in findings if fixable(f, settings)]
        if not candidates:
            break
        context = FixContext(src)
        planned = []
        for finding in candidates:
            try:
                planned.append((finding, compute_edits(finding, context)))
            except FixError as exc:
                _stop_if_interrupted(exc)
                failure = failure or fix_error(task.display, finding, str(exc), whole_file=False)
        edits, applied = choose_edits([(f, e) for f, e in planned if e])
        if not edits:
            break
        new_text = apply_edits(src, edits)
        if not parses(new_text, task.path):
            failure = fix_error(task.display, applied[0], "the fixed code does not parse")
            src, applied_count = original, 0
            findings = analyze(src, task, settings, enabled)
            break
        applied_count += len(applied)
        sensitive = src.sensitive
        src = SourceFile(src.path, new_text, encoding=src.encoding, bom=src.bom)
        src.sensitive = sensitive
        findings = analyze(src, task, settings, enabled)
    return src, findings + ([failure] if failure else []), applied_count


def _fix_file(
    src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str], mode: str, result: FileResult
) -> None:
    fixed, result.findings, result.fixed = fix_source(src, task, settings, enabled)
    if fixed is src:
        return
    if mode == DIFF:
        result.diff = unified_diff(task.display, src.text, fixed.text)
        return
    try:
        write_atomic(task.path, fixed.encode(fixed.text))
    except (OSError, UnicodeEncodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        result.findings = analyze(src, task, settings, enabled)
        result.findings.append(error(task.display, f"cannot write fixes: {reason}; file left unchanged"))
        result.fixed = 0


# ---------------------------------------------------------------------------- the run


def run(
    tasks: list[Task], settings: Settings, mode: str, jobs: int, on_result: Callable[[FileResult], None] | None = None
) -> list[FileResult]:
    """Process every task, in a pool of processes when there are enough files to pay for it."""
    if settings.cache_dir is not None and settings.git_token is None and any(
        reads_git(settings.enabled, settings.options, task.kinds) for task in tasks
    ):
        settings.git_token = git_token(settings.root)  # once, so every worker keys alike
    results = []
    for result in _results(tasks, settings, mode, jobs):
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


_INTERRUPTED = False


def _on_interrupt(signum: int, frame: Any) -> None:
    global _INTERRUPTED
    _INTERRUPTED = True
    raise KeyboardInterrupt


def _stop_if_interrupted(exc: Exception) -> None:
    """Ctrl-C raised inside a native extension (libcst's parser) can come out as another
    exception; it must stop the run, not be reported as a bug of a rule or a fix."""
    if _INTERRUPTED:
        raise KeyboardInterrupt from exc


def _results(tasks: list[Task], settings: Settings, mode: str, jobs: int) -> Iterator[FileResult]:
    if jobs <= 1 or len(tasks) < _POOL_THRESHOLD:
        _init_worker(settings)
        # Only where Ctrl-C would raise KeyboardInterrupt anyway (main thread, not ignored).
        ours = threading.current_thread() is threading.main_thread() and (
            signal.getsignal(signal.SIGINT) is signal.default_int_handler
        )
        if ours:
            signal.signal(signal.SIGINT, _on_interrupt)
        try:
            yield from (process(task, mode) for task in tasks)
        finally:
            if ours:
                signal.signal(signal.SIGINT, signal.default_int_handler)
        return
    import multiprocessing  # only here: a pre-commit run of a few files never starts a pool
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")
    chunk = max(1, min(64, len(tasks) // (jobs * 4)))
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_pool_worker, initargs=(settings,)) as pool:
        try:
            yield from pool.map(process, tasks, [mode] * len(tasks), chunksize=chunk)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def is_error(finding: Finding) -> bool:
    return finding.code == ERROR_CODE
