"""What a command line asks of a run, apart from click: the options check, fix and
baseline share, the settings they resolve to, the files they name, and the run itself
(`collect`: discovery, the engine, --diff-base and the baseline)."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [code.strip().upper() for code in value.split(",") if code.strip()]


def globs(value: str | None) -> list[str] | None:
    return None if value is None else [item.strip() for item in value.split(",") if item.strip()]


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@dataclass
class Options:
    """The flags shared by check and fix."""

    paths: tuple[Path, ...]
    config: Path | None
    select: str | None
    extend_select: str | None
    ignore: str | None
    exclude: str | None
    extend_exclude: str | None
    force_exclude: bool
    unsafe_fixes: bool
    output_format: str
    statistics: bool
    jobs: int | None
    exit_zero: bool
    no_progress: bool
    no_cache: bool = False
    baseline: Path | None = None
    diff_base: str | None = None
    stdin_filename: str | None = None
    stdin_data: bytes | None = None  # what was read from standard input (`-`)

    @property
    def reads_stdin(self) -> bool:
        return self.stdin_filename is not None or self.paths == (Path("-"),)
    show_fixes: bool = False
    output_file: Path | None = None
    quiet: bool = False
    verbose: bool = False
    color: str = "auto"


def collect(options: Options, mode: str, gate: bool) -> tuple[Any, list[Any], list[Any]]:
    """Run the engine: (settings, per-file results, sorted findings).

    With `gate`, only files changed since --diff-base are checked, and only the findings
    on changed lines and not in the baseline are kept.
    """
    from reliability_lint import engine
    from reliability_lint.baseline import Baseline, BaselineError, load
    from reliability_lint.config import ConfigError
    from reliability_lint.diff_lines import DiffError, changed_lines, touches
    from reliability_lint.progress import Progress, estimated_work
    from reliability_lint.registry import RegistryError
    from reliability_lint.report import FORMATS_WITH_EDITS

    changed = None
    baseline: Baseline | None = None
    try:
        settings = settings_of(options)
        if gate and options.diff_base is not None:
            changed = changed_lines(options.diff_base, Path.cwd())
        if gate and settings.baseline is not None:
            baseline = load(settings.baseline, settings.root)
    except (ConfigError, RegistryError, BaselineError, DiffError) as exc:
        fail(str(exc))
    paths = list(options.paths) or [Path(".")]
    problems: list[Any] = []
    if options.reads_stdin:
        if options.paths != (Path("-"),):
            fail("--stdin-filename reads standard input: give `-` as the only path")
        tasks = stdin_tasks(options, settings)
    else:
        tasks, problems = discover_files(paths, settings)
    if changed is not None:
        tasks = [task for task in tasks if task.path.resolve() in changed]
    if mode == engine.CHECK and (options.output_format in FORMATS_WITH_EDITS or options.show_fixes):
        mode = engine.CHECK_WITH_EDITS
    jobs = options.jobs or os.cpu_count() or 1
    started = time.monotonic()
    if options.verbose:
        click.echo(f"Checking {len(tasks)} files with {len(settings.enabled)} rules ({jobs} jobs; project root {settings.root}).", err=True)
    try:
        if not (options.no_progress or options.quiet) and sys.stderr.isatty():
            label = "Fixing" if mode in (engine.FIX, engine.DIFF) else "Checking"
            work = estimated_work((t.path, t.kinds, None if t.data is None else len(t.data)) for t in tasks)
            with Progress(len(tasks), label, weights=work) as progress:
                results = engine.run(tasks, settings, mode, jobs, on_result=lambda _: progress.update(1))
        else:
            results = engine.run(tasks, settings, mode, jobs)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    if options.verbose:
        click.echo(f"Done in {time.monotonic() - started:.2f} s.", err=True)
    findings = problems + [f for result in results for f in result.findings]
    if changed is not None:
        findings = [f for f in findings if touches(f, changed)]
    if baseline is not None:
        findings, _ = baseline.split(findings)
    findings.sort(key=lambda f: f.sort_key())
    return settings, results, findings


def stdin_tasks(options: Options, settings: Any) -> list[Any]:
    """The one task of a text read from standard input, checked as --stdin-filename names it
    (nothing when --force-exclude excludes that path or no rule reads its kind of file)."""
    from reliability_lint import engine
    from reliability_lint.registry import REGISTRY

    options.stdin_data = sys.stdin.buffer.read()
    if options.stdin_filename is None:
        return [engine.Task(Path("-"), "-", frozenset({"python"}), data=options.stdin_data)]
    path = Path(options.stdin_filename)
    if settings.force_exclude and settings.is_excluded(settings.relative(path)):
        return []
    kinds = REGISTRY.kinds_of(path)
    return [engine.Task(path, engine.display_path(path), kinds, data=options.stdin_data)] if kinds else []


def settings_of(options: Options) -> Any:
    from reliability_lint.config import find_config, load_config
    from reliability_lint.settings import Overrides, resolve

    start = options.paths[0] if options.paths else Path(".")
    if options.stdin_filename is not None:
        start = Path(options.stdin_filename).absolute()  # the config nearest the file named
    config_file = options.config or find_config(start if start.exists() or options.stdin_filename else Path("."))
    overrides = Overrides(
        select=codes(options.select),
        extend_select=codes(options.extend_select),
        ignore=codes(options.ignore),
        exclude=globs(options.exclude),
        extend_exclude=globs(options.extend_exclude),
        force_exclude=options.force_exclude,
        unsafe_fixes=options.unsafe_fixes,
        no_cache=options.no_cache,
        baseline=options.baseline,
    )
    settings = resolve(load_config(config_file, Path(".")), overrides)
    if options.config is None and not options.reads_stdin:
        from reliability_lint.nearest import Nearest

        # each file gets the configuration nearest it; --config applies one to all (as ruff's)
        settings.nearest = Nearest(settings, config_file, overrides, Path("."))
    return settings


def discover_files(paths: list[Path], settings: Any) -> tuple[list[Any], list[Any]]:
    """The engine's discovery, with every file's configuration resolved before the run: a
    wrong nested configuration stops the run (exit 2) naming its file, as the first one does."""
    from reliability_lint import engine
    from reliability_lint.config import ConfigError
    from reliability_lint.registry import RegistryError

    try:
        tasks, problems = engine.discover(paths, settings)
        for task in tasks:
            settings.for_file(task.path)
    except (ConfigError, RegistryError) as exc:
        fail(str(exc))
    return tasks, problems


def registry_of(config: Path | None) -> Any:
    from reliability_lint.config import ConfigError, find_config, load_config, validate
    from reliability_lint.registry import RegistryError, load_rules

    try:
        loaded = load_config(config or find_config(Path(".")), Path("."))
        registry = load_rules(loaded.local_rule_dirs, loaded.rule_packs)
        validate(loaded, registry)  # a wrong key is named here too, not only by check
        return registry
    except (ConfigError, RegistryError) as exc:
        fail(str(exc))


def settings_for_paths(paths: tuple[Path, ...], config: Path | None, jobs: int | None, **selection: Any) -> Any:
    """Settings as check would resolve them, for the commands that take only some of its flags."""
    from reliability_lint.config import ConfigError
    from reliability_lint.registry import RegistryError

    flags: dict[str, Any] = dict.fromkeys(("select", "extend_select", "ignore", "exclude", "extend_exclude"), None)
    flags.update(selection)
    options = Options(
        paths, config, **flags, force_exclude=False, unsafe_fixes=False, output_format="text",
        statistics=False, jobs=jobs, exit_zero=False, no_progress=True,
    )  # fmt: skip
    try:
        return settings_of(options)
    except (ConfigError, RegistryError) as exc:
        fail(str(exc))
