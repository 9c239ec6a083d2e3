"""The command line: check, fix, baseline, rules, explain, todos, report."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import click

from reliability_lint import __version__
from reliability_lint.invocation import (
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Options, collect, discover_files, fail, registry_of, settings_for_paths,
)  # fmt: skip

COLOR_CHOICES = ("auto", "always", "never")


def _selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The flags that decide which files and rules a run covers."""
    decorators = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Configuration file (pyproject.toml or a TOML file of the same keys)."),
        click.option("--select", help="Comma-separated rule codes or prefixes to enable, replacing the configured selection."),
        click.option("--extend-select", help="Rule codes or prefixes to enable in addition."),
        click.option("--ignore", help="Rule codes or prefixes to disable."),
        click.option("--exclude", help="Comma-separated globs to exclude, replacing the configured list."),
        click.option("--extend-exclude", help="Globs to exclude in addition."),
        click.option("--force-exclude", is_flag=True, help="Apply exclusions to paths given explicitly too (for pre-commit)."),
        click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: number of cores)."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


def _shared_options(command: Callable[..., Any]) -> Callable[..., Any]:
    from reliability_lint.report import FORMATS

    decorators = [
        _selection_options,
        click.option("--unsafe-fixes", is_flag=True, help="Apply (or count as fixable) fixes that may change behaviour."),
        click.option("--output-format", type=click.Choice(sorted(FORMATS)), default="text", show_default=True),
        click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them."),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain, except REL000: a file that could not be checked still exits 1."),
        click.option("--no-progress", is_flag=True, help="No progress bar on stderr."),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help="Report only findings not in this baseline file (default: `baseline` in the config)."),
        click.option("--diff-base", metavar="REV", help="Report only findings on lines changed since the merge base with REV."),
        click.option("--stdin-filename", metavar="PATH", help="Read the code from standard input (`-`) and check it as PATH: its config, per-file-ignores and excludes apply."),
        click.option("--show-fixes", is_flag=True, help="Show each fix's diff under its finding (text format)."),
        click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False), help="Write the output to FILE (atomically, never in colour) instead of stdout."),
        click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary, no progress bar."),
        click.option("-v", "--verbose", is_flag=True, help="Also print on stderr what the run covered and how long it took."),
        click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True, help="Colour the text output: auto follows NO_COLOR, FORCE_COLOR and the terminal."),
    ]
    for decorate in reversed(decorators):
        command = decorate(command)
    return command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reliability-lint")
def cli() -> None:
    """Find and fix the defects that break Python data pipelines."""


@cli.command()
@_shared_options
@click.option("--fix", "apply_fixes", is_flag=True, help="Apply fixes, then report what remains.")
@click.option("--diff", is_flag=True, help="With --fix: print the fixes as a unified diff, write nothing.")
def check(apply_fixes: bool, diff: bool, **flags: Any) -> None:
    """Check files and folders (default: the current folder)."""
    from reliability_lint import engine

    if diff and not apply_fixes:
        mode = engine.DIFF
    elif apply_fixes:
        mode = engine.DIFF if diff else engine.FIX
    else:
        mode = engine.CHECK
    _run(Options(**flags), mode)


@cli.command()
@_shared_options
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and write nothing (exit 1 if any).")
def fix(diff: bool, **flags: Any) -> None:
    """Apply fixes (safe ones unless --unsafe-fixes), then report what remains."""
    from reliability_lint import engine

    _run(Options(**flags), engine.DIFF if diff else engine.FIX)


def _run(options: Options, mode: str) -> None:
    from reliability_lint import engine
    from reliability_lint.findings import ERROR_CODE, is_internal_error, is_unchecked
    from reliability_lint.report import Report, render
    from reliability_lint.report.style import use_color

    settings, results, findings = collect(options, mode, gate=True)
    skipped = Counter(result.skipped for result in results if result.skipped)
    if mode == engine.DIFF:
        diffs = "".join(result.diff for result in results)
        _emit(diffs, options)
        # What the diff leaves out and why (a file not read, a fix not applied), on stderr
        # beside the count: the diff alone would pass a gate over a file it never saw.
        errors = [finding for finding in findings if finding.code == ERROR_CODE]
        click.echo(render("concise", Report(errors, settings.root, quiet=True)), err=True, nl=False)
        would_fix = sum(result.fixed for result in results)
        if not options.quiet:
            click.echo(f"Would fix {would_fix} problem{'s' if would_fix != 1 else ''}.", err=True)
        if any(map(is_internal_error, errors)):
            sys.exit(EXIT_ERROR)
        unread = any(map(is_unchecked, errors))
        sys.exit(EXIT_FINDINGS if (diffs and not options.exit_zero) or unread else EXIT_CLEAN)
    to_stderr = mode == engine.FIX and options.reads_stdin
    if to_stderr:  # an editor's formatter: the fixed text on stdout, what remains on stderr
        fixed = next((result.output for result in results if result.output is not None), options.stdin_data)
        sys.stdout.buffer.write(fixed or b"")
        sys.stdout.flush()
    report = Report(
        findings,
        settings.root,
        fixed=sum(result.fixed for result in results),
        unsafe_fixes=options.unsafe_fixes,
        statistics=options.statistics,
        skipped=dict(skipped),
        color=options.output_file is None and use_color(options.color, (sys.stderr if to_stderr else sys.stdout).isatty()),
        show_fixes=options.show_fixes,
        quiet=options.quiet,
        selected=settings.enabled,
        docs_url=settings.docs_url,
    )
    _emit(render(options.output_format, report), options, report.color, err=to_stderr)
    if any(map(is_internal_error, findings)):
        sys.exit(EXIT_ERROR)
    unchecked = {f.path for f in findings if is_unchecked(f)}
    if unchecked and options.exit_zero:
        # A gate run with --exit-zero must not pass a file it could not read.
        click.echo(f"error: {len(unchecked)} file{'s' if len(unchecked) != 1 else ''} could not be checked (REL000); --exit-zero does not pass them", err=True)
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_FINDINGS if findings and not options.exit_zero else EXIT_CLEAN)


def _emit(text: str, options: Options, color: bool = False, err: bool = False) -> None:
    """The output, to --output-file (whole or not at all), else to stdout (stderr with `err`)."""
    from reliability_lint.report.output_file import write_report

    if options.output_file is None:
        click.echo(text, nl=False, color=color, err=err)
        return
    try:
        write_report(options.output_file, text)
    except OSError as exc:
        fail(f"{options.output_file}: cannot write: {exc.strerror or exc}")
    if options.verbose:
        click.echo(f"Wrote {options.output_file}", err=True)


@cli.command("baseline")
@_selection_options
@click.option("--update", is_flag=True, help="Only drop the entries that no longer match a finding.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="The baseline file (default: `baseline` in the config, else .reliability-lint-baseline.json beside it).")
def baseline_command(update: bool, output: Path | None, **flags: Any) -> None:
    """Record the current findings, so `check --baseline` reports only new ones."""
    from reliability_lint import engine
    from reliability_lint.baseline import Baseline, BaselineError, load

    options = Options(
        **flags, unsafe_fixes=False, output_format="text", statistics=False, exit_zero=False, no_progress=True
    )
    settings, _, findings = collect(options, engine.CHECK, gate=False)
    file = output or settings.baseline_file
    try:
        if update:
            recorded = load(file, settings.root)
            dropped = recorded.prune(findings)
            recorded.write()
            click.echo(f"Dropped {dropped} entr{'y' if dropped == 1 else 'ies'} that no longer match; {len(recorded.entries)} remain in {file}.", err=True)
        else:
            recorded = Baseline(file, settings.root)
            recorded.record(findings)
            recorded.write()
            click.echo(f"Recorded {len(recorded.entries)} finding{'s' if len(recorded.entries) != 1 else ''} in {file}.", err=True)
    except BaselineError as exc:
        fail(str(exc))
    errors = [f for f in findings if engine.is_error(f)]
    for finding in errors:
        click.echo(f"{finding.path}:{finding.line}:{finding.col + 1}: {finding.code} {finding.message} (not recorded)", err=True)


@cli.command("rules")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Also load the local rules this config names.")
def rules_command(output_format: str, config: Path | None) -> None:
    """List every rule: code, name, severity, fix, whether it is on by default, summary.
    This tool's own REL rules come first, then the packs' (bandit's B codes, local rules)."""
    import json

    registry = registry_of(config)
    rules = sorted(registry.rules.values(), key=lambda rule: (not rule.code.startswith("REL"), rule.code))
    if output_format == "json":
        rows = [
            {
                "code": rule.code,
                "name": rule.name,
                "summary": rule.summary,
                "severity": rule.severity,
                "fix": rule.fix,
                "family": rule.family,
                "targets": registry.targets(rule.code),
                "default": rule.default,
            }
            for rule in rules
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(rule.name) for rule in rules)
    click.echo(f"{'code':<7} {'name':<{width}} sev  {'fix':<6} {'on by default':<13} summary")
    for rule in rules:
        default = "yes" if rule.default else "no"
        click.echo(f"{rule.code:<7} {rule.name:<{width}} {rule.severity}   {rule.fix or '-':<6} {default:<13} {rule.summary}")


@cli.command()
@click.argument("code")
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Also load the local rules this config names.")
def explain(code: str, config: Path | None) -> None:
    """Print a rule's page: what it does, why, examples, fix and options."""
    from reliability_lint.pages import page_for

    registry = registry_of(config)
    wanted = code.upper()
    rule = registry.rules.get(wanted) or next((r for r in registry.rules.values() if r.name == code), None)
    if rule is None:
        fail(f"unknown rule {code!r}; `reliability-lint rules` lists them")
    page = page_for(rule)
    if page is None:
        click.echo(f"{rule.code} {rule.name} ({rule.severity}): {rule.summary}")
        return
    click.echo(page, nl=False)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Configuration file.")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv", "markdown"]), default="table", show_default=True)
@click.option("--untracked", is_flag=True, help="Only the comments without a tracking reference.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel processes (default: number of cores).")
def todos(paths: tuple[Path, ...], config: Path | None, output_format: str, untracked: bool, jobs: int | None) -> None:
    """Inventory of every TODO-tagged comment, oldest first, with author and date from git blame."""
    from reliability_lint import gather
    from reliability_lint.report import todos as inventory

    settings = settings_for_paths(paths, config, jobs)
    given = list(paths) or [Path(".")]
    tasks, problems = discover_files(given, settings)
    try:
        entries, errors = gather.inventory(tasks, settings, jobs or os.cpu_count() or 1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    for problem in problems:
        click.echo(f"error: {problem.path}: {problem.message}", err=True)
    for path, reason in errors:
        click.echo(f"error: {path}: {reason}", err=True)
    if untracked:
        entries = [entry for entry in entries if not entry.todo.tracked]
    click.echo(inventory.render(output_format, entries, inventory.common_base(given)), nl=False)


@cli.command("report")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), help="Configuration file.")
@click.option("--select", help="Comma-separated rule codes or prefixes to enable, replacing the configured selection.")
@click.option("--extend-select", help="Rule codes or prefixes to enable in addition.")
@click.option("--ignore", help="Rule codes or prefixes to disable.")
@click.option("--format", "output_format", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: number of cores).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), help="Also show new, fixed and remaining findings against this baseline file.")
def report_command(
    paths: tuple[Path, ...], config: Path | None, output_format: str, output: Path | None, jobs: int | None,
    baseline: Path | None, **selection: Any,
) -> None:
    """The page a team lead plans from: findings by family and severity, most affected files,
    fixable counts and untracked TODOs by age."""
    from reliability_lint import engine, gather
    from reliability_lint.baseline import BaselineError, load
    from reliability_lint.report import team

    settings = settings_for_paths(paths, config, jobs, **selection)
    recorded = None
    if baseline is not None:
        try:
            recorded = load(baseline, settings.root)
        except BaselineError as exc:
            fail(str(exc))
    tasks, problems = discover_files(list(paths) or [Path(".")], settings)
    if recorded is not None:  # its hashes are not the project's text
        tasks = [task for task in tasks if task.path.resolve() != recorded.file.resolve()]
    workers = jobs or os.cpu_count() or 1
    # Fixability comes from each rule's declared applicability: computing the edits (as the
    # JSON output does) would parse every file with a fix through libcst, for the same counts.
    try:
        results = engine.run(tasks, settings, engine.CHECK, workers)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    findings = sorted(problems + [f for r in results for f in r.findings], key=lambda f: f.sort_key())
    summary = team.build(findings, len(tasks), gather.todo_blame(findings, workers))
    gather.team_details(summary, findings, settings.root, workers, recorded, settings.docs_url)
    page = team.render(output_format, summary)
    if output is None:
        click.echo(page, nl=False)
        return
    from reliability_lint.report.output_file import write_report

    try:
        write_report(output, page)  # whole or not at all, like --output-file
    except OSError as exc:
        fail(f"{output}: cannot write: {exc.strerror}")
    click.echo(f"Wrote {output}", err=True)


@cli.command("server")
def server_command() -> None:
    """A language server over stdio for editors (diagnostics, quick fixes, fix all)."""
    from reliability_lint.server.lsp import main as serve

    serve()


def main() -> None:
    try:
        cli(prog_name="reliability-lint")
    except SystemExit:
        raise
    except Exception as exc:  # never a traceback, which could hold a secret's value
        click.echo(f"error: internal error: {type(exc).__name__}", err=True)
        sys.exit(EXIT_ERROR)
