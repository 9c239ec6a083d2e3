"""REL511-REL516: gcloud commands in deploy scripts, Makefiles, Dockerfiles, Cloud Build
and CI YAML, and Markdown runbooks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.registry import checker, file_kind
from reliability_lint.rules.auth import catalogue as cat
from reliability_lint.rules.auth.checks import open_routes_under
from reliability_lint.rules.auth.ci_yaml import YamlError, yaml_commands
from reliability_lint.rules.auth.commands import Command, commands
from reliability_lint.rules.auth.gcloud import Gcloud, allows_unauthenticated, parse
from reliability_lint.rules.auth.scripts import is_deploy_file, scripts_of
from reliability_lint.secret_detect import is_placeholder, is_secret_name, scan_line

if TYPE_CHECKING:  # a check imports none of the fix stage
    from reliability_lint.fix import FixContext

file_kind("deploy", is_deploy_file)

_DEPLOYS = (("run", "deploy"), ("functions", "deploy"))
_ALLOW = "--allow-unauthenticated"
_SOURCE_SEARCH_DEPTH = 3


def gcloud_commands(ctx: CheckContext) -> list[Gcloud]:
    path = ctx.source.path
    if path.suffix in (".yaml", ".yml"):
        try:
            found: list[Command] = yaml_commands(ctx.source.text)
        except YamlError as exc:
            ctx.report("REL000", None, f"{exc}: its gcloud commands are not checked", position=(1, 0, 1, 0))
            return []
    else:
        found = [c for script in scripts_of(path, ctx.source.lines) for c in commands(script)]
    parsed = [p for c in found if (p := parse(c)) is not None]
    unique: dict[tuple, Gcloud] = {}
    for item in parsed:  # a loop gives one command per value: keep one per line and target
        unique.setdefault((item.source.lines if item.source else (), item.command, item.target, tuple(item.flags.items())), item)
    return list(unique.values())


@checker("REL511", "REL512", "REL513", "REL514", "REL515", "REL516", kinds=("deploy",))
def deploy_configuration(ctx: CheckContext) -> None:
    if "gcloud" not in ctx.source.text:
        return
    opts = ctx.options.get(cat.FAMILY, {})
    reported: set[tuple[str, int, str]] = set()

    def report(code: str, item: Gcloud, message: str, **kwargs: object) -> None:
        line = item.source.lines[0] if item.source and item.source.lines else 1
        key = (code, line, message)
        if key in reported:
            return
        reported.add(key)
        position = kwargs.pop("position", None) or _command_position(ctx, line)
        ctx.report(code, None, message, position=position, **kwargs)  # type: ignore[arg-type]

    for item in gcloud_commands(ctx):
        shown = " ".join(("gcloud", *item.command, item.target or "")).strip()
        if item.command in _DEPLOYS and allows_unauthenticated(item):
            _public_deploy(ctx, item, shown, opts, report)
        if item.command[:2] == ("scheduler", "jobs") and item.command[2] == "create" and not item.unresolved_flags:
            if not item.has("oidc-service-account-email", "oauth-service-account-email"):
                report("REL512", item, (
                    f"`{shown}` sends no token: its target must accept unauthenticated calls; add "
                    "`--oidc-service-account-email=SA` (Cloud Run, Functions) or "
                    "`--oauth-service-account-email=SA` (Google APIs)"))  # fmt: skip
        if item.command[:2] == ("pubsub", "subscriptions") and not item.unresolved_flags:
            if item.has("push-endpoint") and not item.has("push-auth-service-account"):
                report("REL513", item, (
                    f"`{shown}` pushes to `{item.flags['push-endpoint']}` with no token: the endpoint "
                    "must accept unauthenticated calls; add `--push-auth-service-account=SA`"))  # fmt: skip
            if item.command[2] == "create" and not item.has("dead-letter-topic"):
                report("REL516", item, (
                    f"`{shown}` has no dead-letter topic: a message that always fails is redelivered "
                    "until it expires; add `--dead-letter-topic=TOPIC --max-delivery-attempts=N`"))  # fmt: skip
        for flag in ("set-env-vars", "update-env-vars"):
            value = item.flags.get(flag)
            if value:
                _secret_env_vars(ctx, item, flag, value, report)


def _public_deploy(ctx: CheckContext, item: Gcloud, shown: str, opts: dict, report) -> None:
    fix = _no_allow_fix(ctx, item)
    folder = _source_folder(ctx.source.path, item.flags.get("source"))
    entry = item.flags.get("entry-point") or item.target if item.command[0] == "functions" else None
    open_routes = open_routes_under(folder, opts, entry, ctx.project) if folder is not None else []
    if open_routes:
        path, route = open_routes[0]
        where = f"{_display(path)}:{route.handler.lineno}"
        more = f" (and {len(open_routes) - 1} more)" if len(open_routes) > 1 else ""
        message = (
            f"`{shown}` makes the service public with {_ALLOW}, and {_lower_first(route.label)} "
            f"({where}){more} checks no credentials: anyone on the internet can call it"
        )
        report("REL515", item, message, fix=fix)
    else:
        message = (
            f"`{shown}` makes the service public with {_ALLOW}: anyone on the internet can call it; "
            "use IAM (`--no-allow-unauthenticated`, `roles/run.invoker`) unless it is meant to be public"
        )
        report("REL511", item, message, fix=fix)


def _display(path: Path) -> str:
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _source_folder(script: Path, source: str | None) -> Path | None:
    """The deployed folder: `--source` (default `.`) from the script's folder, or from a
    folder above it up to the project's root (where `.git` or `pyproject.toml` is)."""
    if source is not None and ("$" in source or source.startswith(("gs://", "https://"))):
        return None
    relative = source or "."
    base = script.absolute().parent
    for _ in range(_SOURCE_SEARCH_DEPTH):
        candidate = (base / relative).resolve()
        if candidate.is_dir() and any(candidate.glob("*.py")):
            return candidate
        if (base / ".git").exists() or (base / "pyproject.toml").is_file() or base.parent == base:
            break
        base = base.parent
    return None


def _no_allow_fix(ctx: CheckContext, item: Gcloud) -> Fix | None:
    lines = item.source.lines if item.source else ()
    hits = [(n, m.start()) for n in lines for m in re.finditer(rf"(?<![\w-]){_ALLOW}(?![\w-])", ctx.source.line(n))]
    if len(hits) != 1:
        return None  # from a variable, or written more than once: the edit is not certain
    line, col = hits[0]

    def compute(_: FixContext) -> list[Edit]:
        return [Edit((line, col), (line, col + len(_ALLOW)), "--no-allow-unauthenticated")]

    return Fix("unsafe", "Replace with `--no-allow-unauthenticated` (callers then need roles/run.invoker)", compute=compute)


def _command_position(ctx: CheckContext, line: int) -> tuple[int, int, int, int]:
    text = ctx.source.line(line)
    col = text.find("gcloud")
    col = col if col >= 0 else len(text) - len(text.lstrip())
    return (line, col, line, len(text))


def env_pairs(value: str) -> list[tuple[str, str]]:
    """`K=V,K2=V2`, or gcloud's `^DELIM^K=V<DELIM>K2=V2` for values holding commas."""
    delimiter = ","
    if value.startswith("^") and value.count("^") >= 2:
        custom, _, rest = value[1:].partition("^")
        if custom:  # `^^...` names no delimiter: splitting by "" would raise
            delimiter, value = custom, rest
    pairs = []
    for item in value.split(delimiter):
        name, equals, setting = item.partition("=")
        if equals and name.strip():
            pairs.append((name.strip(), setting))
    return pairs


def _secret_env_vars(ctx: CheckContext, item: Gcloud, flag: str, value: str, report) -> None:
    min_length = ctx.options.get("secrets", {}).get("min-length", 6)
    for name, setting in env_pairs(value):
        if "$" in setting or not setting:
            continue
        by_shape = scan_line(setting, config=False, shapes_only=True, min_length=min_length)
        if not by_shape and not (is_secret_name(name) and not is_placeholder(setting, min_length)):
            continue
        shown = ctx.redact(setting)
        secret = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "secret"
        message = (
            f"`{name}` is passed in plain text with --{flag} ({shown}): anyone who can read the "
            f"service's configuration or this file has it; store it with `gcloud secrets create {secret} "
            f"--data-file=-` (value on stdin) and deploy with `--update-secrets={name}={secret}:latest`; "
            "the value stays in git history: rotate it"
        )
        report("REL514", item, message, position=_value_position(ctx, item, setting))


def _value_position(ctx: CheckContext, item: Gcloud, setting: str) -> tuple[int, int, int, int] | None:
    for line in item.source.lines if item.source else ():
        col = ctx.source.line(line).find(setting)
        if col >= 0:
            return (line, col, line, col + len(setting))
    return None


def _lower_first(label: str) -> str:
    return label if label.startswith("Cloud") else label[0].lower() + label[1:]
