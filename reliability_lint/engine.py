"""Orchestration of a run: one task per file (discovery.py lists them), each checked,
suppressed, fixed or cached in a worker, in a process pool when there are enough files."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reliability_lint.analysis import Plan, check_source
from reliability_lint.applicability import fixable, held_to_declaration
from reliability_lint.findings import ERROR_CODE, INTERNAL_ERROR, Finding, error, is_internal_error
from reliability_lint.redaction import redact_finding, redact_text
from reliability_lint.registry import REGISTRY, load_rules
from reliability_lint.semantic.index import Index
from reliability_lint.semantic.roots import Roots
from reliability_lint.discovery import Task, discover, display_path  # noqa: F401 (the engine is their entry point)
from reliability_lint.settings import Settings
from reliability_lint.git import git_token
from reliability_lint.cache import Cache, config_fingerprint, content_hash
from reliability_lint.source import NotTextError, SourceError, SourceFile, decode_text_fallback, read_regular
from reliability_lint.suppression import file_noqa, is_suppressed, noqa_map

CHECK, CHECK_WITH_EDITS, FIX, DIFF = "check", "check-with-edits", "fix", "diff"
# Gather the records of the collectors of settings.collect instead of findings.
INVENTORY = "inventory"
# Below this many files the pool's start-up costs more than it saves.
_POOL_THRESHOLD = 16


@dataclass
class FileResult:
    display: str
    findings: list[Finding] = field(default_factory=list)
    fixed: int = 0
    diff: str = ""
    skipped: str = ""  # why a file was not read (binary, too large); counted, not an error
    records: list[tuple[str, Any]] = field(default_factory=list)  # INVENTORY: (inventory, record)
    output: bytes | None = None  # fix of a text read from stdin: the fixed text, for stdout


# ---------------------------------------------------------------------------- one file

_SETTINGS: Settings | None = None  # the run's; each file's are _SETTINGS.for_file(path)
_CACHE: Cache | None = None
_INDEX: Index | None = None  # the project index of the file being processed
_INDEXES: dict[Path, Index] = {}  # one per configuration folder: its roots are relative to it
_PLANS: dict[tuple[frozenset[str], frozenset[str], int], tuple[dict[str, dict[str, Any]], Plan]] = {}
_FINGERPRINTS: dict[tuple[Path, frozenset[str], bool], str] = {}
_GIT_KEYS: dict[tuple[int, frozenset[str], frozenset[str]], str | None] = {}


def _init_pool_worker(settings: Settings) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides to stop, and the
    # workers finish the files they hold, so no file is left half-done.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(settings)


def _init_worker(settings: Settings) -> None:
    global _SETTINGS, _CACHE, _INDEX
    _SETTINGS = settings
    _CACHE = Cache(settings.cache_dir) if settings.cache_dir is not None else None
    _INDEXES.clear()
    _INDEX = _index_for(settings)
    _FINGERPRINTS.clear()  # keyed on the rules only: another run in this process has other options
    _GIT_KEYS.clear()
    for each in settings.nearest.all() if settings.nearest is not None else [settings]:
        load_rules(each.local_rule_dirs, each.rule_packs)


def use_index(settings: Settings, index: Index) -> None:
    """Check the files of `settings` against a caller's own long-lived index (the language
    server's, which holds its open buffers) instead of one made for the run."""
    global _INDEX
    _INDEX = _INDEXES[settings.root] = index


def _index_for(settings: Settings) -> Index:
    index = _INDEXES.get(settings.root)
    if index is None:
        index = _INDEXES[settings.root] = project_index(settings, _CACHE)
    return index


def project_index(settings: Settings, cache: Cache | None) -> Index:
    """The project index of a run: summaries of the project's modules, made on demand."""
    return Index(Roots(settings.root, settings.roots), cache)


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
    key = (settings.root, enabled, with_edits)
    if key not in _FINGERPRINTS:
        families = {REGISTRY.rules[code].family for code in enabled}
        _FINGERPRINTS[key] = config_fingerprint(
            sorted(enabled),
            {family: settings.options.get(family) for family in sorted(families)},
            settings.extend_safe_fixes,
            settings.extend_unsafe_fixes,
            with_edits,
            [str(root) for root in settings.roots],  # where imports resolve
        )
    return _FINGERPRINTS[key]


def _plan(enabled: frozenset[str], options: dict[str, dict[str, Any]], collect: frozenset[str] = frozenset()) -> Plan:
    # The options decide the plan (configured markers, preconditions): one plan per options
    # object, which the plan keeps alive so that its id is not reused.
    key = (enabled, collect, id(options))
    known = _PLANS.get(key)
    if known is None or known[0] is not options:
        known = _PLANS[key] = (options, Plan.build(REGISTRY, enabled, options, collect))
    return known[1]


def analyze(
    src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str], project: Index | None = None
) -> list[Finding]:
    """The findings that survive selection and suppression, fixes set to their applicability.
    `project` is the project index, by default the run's."""
    plan = _plan(enabled, settings.options)
    python = "python" in task.kinds
    findings, spans, _ = check_source(src, task.display, task.kinds, plan, settings.options, project or _INDEX)
    findings = [f for f in findings if f.code in enabled]
    if not findings:
        return findings
    findings = _redaction_pass(src, task, settings, enabled, findings)
    silenced = file_noqa(src, spans, python)
    if silenced is not None:
        findings = [f for f in findings if "" not in silenced and not any(f.code.startswith(c) for c in silenced)]
    comments = noqa_map(src, spans, python)
    if comments:
        findings = [f for f in findings if not is_suppressed(f, comments, REGISTRY.rules[f.code].suppressed_by)]
    return [held_to_declaration(finding, settings) for finding in findings]


def _redaction_pass(
    src: SourceFile, task: Task, settings: Settings, enabled: frozenset[str], findings: list[Finding]
) -> list[Finding]:
    """Where the rules that find secrets are not selected for a file (`--select REL1`, a
    per-file-ignores of REL3), run them anyway, only for what they redact, and only on a
    file that reports something (nothing else of it is shown): the findings, redacted."""
    missing = frozenset(REGISTRY.redacting - enabled)
    if not missing:
        return findings  # the rules that find secrets ran: they redacted what they found
    if not src.redaction_scanned:
        src.redaction_scanned = True
        check_source(src, task.display, task.kinds, _plan(missing, settings.options), settings.options)
    return [redact_finding(finding, src.sensitive) for finding in findings]


def process(task: Task, mode: str) -> FileResult:
    """The result of one file: checked, fixed, or taken from the cache."""
    result = _process(task, mode, read=True)
    assert result is not None  # a file that may be read always has a result
    return result


def _unchanged(task: Task, mode: str) -> FileResult | None:
    """A file's result where it needs no reading (skipped, or a cache entry whose file
    status is the recorded one), else None."""
    return _process(task, mode, read=False)


def _process(task: Task, mode: str, read: bool) -> FileResult | None:
    global _INDEX
    assert _SETTINGS is not None, "worker not initialised"
    settings = _SETTINGS.for_file(task.path)
    _INDEX = _index_for(settings)
    result = FileResult(task.display)
    if mode == INVENTORY:
        own = settings if settings.collect == _SETTINGS.collect else replace(settings, collect=_SETTINGS.collect)
        return _inventory(task, own, result)
    enabled = settings.enabled_for(settings.relative(task.path))
    if "python" not in task.kinds:
        reason = REGISTRY.skip_reason(task.path, task.kinds, settings.options)
        if reason:
            result.skipped = reason
            return result
    cache = _CACHE if task.data is None else None
    if cache is not None:
        config, git = _fingerprint(settings, enabled, mode == CHECK_WITH_EDITS), _git_key(settings, enabled, task.kinds)
        current = _INDEX.dependency_hash if _INDEX is not None else None
        if _reuse(cache.load_unchanged(task.path, config, git, current, task.display), mode, settings, result):
            return result  # the file's status is the recorded one: not even read
    if not read:
        return None
    try:
        data, status = read_regular(task.path) if task.data is None else (task.data, None)
    except SourceError as exc:
        result.findings.append(error(task.display, str(exc)))
        return result
    key = None
    if cache is not None:
        key = (content_hash(data), config, git, status)
        if _reuse(cache.load(task.path, *key[:3], current, status, task.display), mode, settings, result):
            return result
    if _INDEX is not None:
        _INDEX.consulted = {}  # what this file's findings read of other modules
    if "notebook" in task.kinds:
        from reliability_lint.notebook.run import process_notebook

        process_notebook(task, data, settings, enabled, mode, result)
        _store(task, key, mode, result)
        return result
    try:
        src = SourceFile.from_bytes(task.path, data)
    except SourceError as exc:
        fallback = _text_fallback(task, data) if "python" not in task.kinds else None
        if fallback is not None:
            src = fallback
        elif "python" not in task.kinds and isinstance(exc, NotTextError):
            result.skipped = exc.kind
        else:
            result.findings.append(error(task.display, str(exc)))
        if fallback is None:
            return result
    try:
        if mode in (FIX, DIFF):
            from reliability_lint import fixing
            from reliability_lint.fix import file_origin

            if status is not None:
                src.origin = file_origin(status, data)
            fixing.fix_file(src, task, settings, enabled, mode, result)
        else:
            result.findings = analyze(src, task, settings, enabled)
            if mode == CHECK_WITH_EDITS and any(f.fix is not None for f in result.findings):
                from reliability_lint.fixing import attach_edits

                result.findings = attach_edits(src, result.findings)
    except SourceError as exc:
        result.findings = [error(task.display, str(exc), *exc.position)]
    except RecursionError:
        result.findings = [error(task.display, "too deeply nested to check")]
    except Exception as exc:  # a crashing rule is a bug in it: name it, check the other files
        _stop_if_interrupted(exc)
        result.findings = [error(task.display, internal_error(exc))]
    # Also the errors no checker reported are redacted; closures over ast nodes do not
    # cross processes.
    result.findings = [_portable(redact_finding(finding, src.sensitive)) for finding in result.findings]
    result.diff = redact_text(result.diff, src.sensitive)
    src.release()
    _store(task, key, mode, result)
    return result


def _git_key(settings: Settings, enabled: frozenset[str], kinds: frozenset[str]) -> str | None:
    """The git state the findings of files of these kinds depend on (None: none)."""
    key = (id(settings), enabled, kinds)  # one settings object per configuration, kept by the run
    if key not in _GIT_KEYS:
        _GIT_KEYS[key] = settings.git_token if reads_git(enabled, settings.options, kinds) else None
    return _GIT_KEYS[key]


def _reuse(cached: list[Finding] | None, mode: str, settings: Settings, result: FileResult) -> bool:
    """Take the cached findings; in fix mode only when nothing in them is fixable."""
    if cached is None or (mode not in (CHECK, CHECK_WITH_EDITS) and any(fixable(f, settings) for f in cached)):
        return False
    result.findings = cached
    return True


def _store(task: Task, key: tuple[str, str, str | None, os.stat_result | None] | None, mode: str, result: FileResult) -> None:
    """Cache a check's findings with the summaries of the other modules they read; never a
    rule's crash (once the rule is fixed, the file must be checked again)."""
    if _CACHE is None or key is None or mode not in (CHECK, CHECK_WITH_EDITS):
        return
    if any(map(is_internal_error, result.findings)):
        return
    deps = dict(_INDEX.consulted) if _INDEX is not None else {}
    deps.pop(str(task.path.absolute()), None)
    digest, config, git, status = key
    _CACHE.store(task.path, digest, config, git, result.findings, deps, status)


def _inventory(task: Task, settings: Settings, result: FileResult) -> FileResult:
    """The records the collectors of settings.collect gather from one file (never cached)."""
    kinds = task.kinds.intersection(
        kind for collector in REGISTRY.collectors if collector.name in settings.collect for kind in collector.kinds
    )
    if not kinds:
        return result
    plan = _plan(frozenset(), settings.options, frozenset(settings.collect))
    try:
        src = SourceFile.from_bytes(task.path, read_regular(task.path)[0])
        _, _, result.records = check_source(src, task.display, frozenset(kinds), plan, settings.options)
    except SourceError as exc:
        result.findings.append(error(task.display, str(exc)))
    except RecursionError:
        result.findings.append(error(task.display, "too deeply nested to check"))
    except Exception as exc:  # a crashing collector is a bug in it: name it, go on
        _stop_if_interrupted(exc)
        result.findings.append(error(task.display, internal_error(exc)))
    return result


def _text_fallback(task: Task, data: bytes) -> SourceFile | None:
    """A text file that is not UTF-8: UTF-16/32 with a BOM, else latin-1, as detect-secrets
    reads it; binary data only for files that are findings by their name (a `.env` with a
    NUL byte). Such a file is checked, never fixed (read_only)."""
    text = decode_text_fallback(data)
    if text is None and REGISTRY.is_always_checked(task.path):
        text = data.decode("latin-1")
    if text is None:
        return None
    src = SourceFile(task.path, text, encoding="latin-1")
    src.read_only = True
    return src


def internal_error(exc: Exception) -> str:
    """One line naming the failing function, never the exception's text (it can quote a
    secret from the code it failed on)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    where = f" in {frames[-1].name} ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{INTERNAL_ERROR} while checking: {type(exc).__name__}{where}"


def _portable(finding: Finding) -> Finding:
    """The finding without its fix's closure, which cannot leave the worker process."""
    if finding.fix is None or finding.fix.compute is None:
        return finding
    return replace(finding, fix=replace(finding.fix, compute=None))


# ---------------------------------------------------------------------------- the run


def run(
    tasks: list[Task], settings: Settings, mode: str, jobs: int, on_result: Callable[[FileResult], None] | None = None
) -> list[FileResult]:
    """Process every task, in a pool of processes when there are enough files to pay for it."""
    if settings.cache_dir is not None and settings.git_token is None and any(
        reads_git(own.enabled, own.options, task.kinds) for task in tasks for own in [settings.for_file(task.path)]
    ):
        token = git_token(settings.root)  # once, so every worker keys alike
        for own in settings.nearest.all() if settings.nearest is not None else [settings]:
            own.git_token = token
        settings.git_token = token
    results = []
    # What exists now lives for the whole run: the collector need not scan it again in
    # each full collection (and forked workers share its pages untouched).
    gc.freeze()
    try:
        for result in _results(tasks, settings, mode, jobs):
            results.append(result)
            if on_result is not None:
                on_result(result)
    finally:
        gc.unfreeze()
        _forget_project()
    return results


def _forget_project() -> None:
    """The run's project indexes end with it: a later analysis in this process (through
    reliability_lint.testing) must not resolve names against another run's tree."""
    global _INDEX
    _INDEX = None
    _INDEXES.clear()


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
    global _INTERRUPTED
    if jobs > 1 and len(tasks) >= _POOL_THRESHOLD and settings.cache_dir is not None and mode != INVENTORY:
        # The files whose cache entries hold are answered here, without a pool: a warm
        # run then starts no worker (each would load the cache table again).
        _init_worker(settings)
        unchanged = [(task, _unchanged(task, mode)) for task in tasks]
        yield from (result for _, result in unchanged if result is not None)
        tasks = [task for task, result in unchanged if result is None]
    if jobs <= 1 or len(tasks) < _POOL_THRESHOLD:
        _init_worker(settings)
        # Only where Ctrl-C would raise KeyboardInterrupt anyway (main thread, not ignored).
        ours = threading.current_thread() is threading.main_thread() and (
            signal.getsignal(signal.SIGINT) is signal.default_int_handler
        )
        if ours:
            _INTERRUPTED = False  # a Ctrl-C of an earlier run in this process is not this run's
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
