"""REL301 hardcoded-secret, REL302 secret-in-file and REL303 committed-env-file.

A secret's value is handed to ctx.redact() before anything is reported about it, so no
output shows more than its first characters and its length.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reliability_lint.analysis import CheckContext
from reliability_lint.findings import Edit, Fix
from reliability_lint.fix import FixContext
from reliability_lint.registry import Option, checker, file_kind, options, rule
from reliability_lint.source import SourceFile
from reliability_lint.secret_detect import (
    Hit, allowed_next_line, is_config_file, is_placeholder, is_secret_name,
    name_words, scan_line, trigger_spans,
)  # fmt: skip

SUPPRESSED_BY = ("nosec", "pragma: allowlist secret")
SECURITY = ("security",)  # code scanning ranks their findings as security alerts
LOCK_FILES = frozenset(
    {"poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "package-lock.json", "yarn.lock",
     "pnpm-lock.yaml", "npm-shrinkwrap.json", "Cargo.lock", "Gemfile.lock", "composer.lock",
     "Podfile.lock", "packages.lock.json", "Package.resolved", "Cartfile.resolved", "go.sum",
     ".terraform.lock.hcl"}
)  # fmt: skip
_TEXT_SUFFIXES = frozenset(
    {".env", ".ini", ".cfg", ".conf", ".cnf", ".toml", ".yaml", ".yml", ".json", ".properties",
     ".sh", ".bash", ".zsh", ".md", ".markdown", ".rst", ".txt", ".tf", ".tfvars", ".hcl", ".lock"}
)  # fmt: skip
_TEXT_NAMES = frozenset({"Dockerfile", "Containerfile", ".envrc", ".netrc", ".npmrc", ".pypirc", ".pgpass"})
_DOTENV_TEMPLATES = (".example", ".sample", ".template", ".dist", ".tpl", ".defaults")
_NAME_CHARS = re.compile(r"\W+")


def _accessor_problem(value: str) -> str | None:
    if "{name}" not in value:
        return "must contain {name}, where the environment variable's name goes"
    try:
        compile(value.replace("{name}", "NAME"), "<accessor>", "eval")
    except SyntaxError:
        return "must be a Python expression once {name} is filled in"
    return None


def _imports_problem(value: Any) -> str | None:
    for spec in value:
        statement = spec.strip() if isinstance(spec, str) else ""
        try:
            compile(statement if " " in statement else f"import {statement}", "<import>", "exec")
            valid = bool(re.fullmatch(r"(?:from\s+[\w.]+\s+)?import\s+[\w.]+|[\w.]+", statement))
        except SyntaxError:
            valid = False
        if not valid:
            return 'must be a list like ["os"] or ["from pipeline import secrets"]'
    return None


options(
    "secrets",
    Option("accessor", str, 'os.environ["{name}"]', _accessor_problem),
    Option("accessor-imports", list, ["os"], _imports_problem),
    Option("min-length", int, 6, lambda v: None if v >= 1 else "must be at least 1"),
    Option("max-file-size", int, 1_000_000, lambda v: None if v > 0 else "must be positive"),
)


def is_text_file(path: Path) -> bool:
    name = path.name
    return (
        path.suffix in _TEXT_SUFFIXES
        or name in _TEXT_NAMES
        or name in LOCK_FILES
        or name.startswith((".env", "Dockerfile."))
        or name.endswith(".dockerfile")
    )


def _skip_text_file(path: Path, opts: dict[str, dict[str, Any]]) -> str | None:
    if path.name in LOCK_FILES or path.suffix == ".lock":
        return "lock"
    limit = opts.get("secrets", {}).get("max-file-size", 1_000_000)
    try:
        return "oversized" if path.stat().st_size > limit else None
    except OSError:
        return None  # reading it will report what is wrong


file_kind("text", is_text_file, skip=_skip_text_file)

rule(
    "REL301",
    "hardcoded-secret",
    "Credential written into Python source",
    "P0",
    fix="unsafe",
    suppressed_by=SUPPRESSED_BY,
    tags=SECURITY,
)
rule(
    "REL302",
    "secret-in-file",
    "Credential written into a configuration, script or documentation file",
    "P0",
    suppressed_by=SUPPRESSED_BY,
    tags=SECURITY,
)
rule(
    "REL303",
    "committed-env-file",
    "A .env file is tracked by git or not ignored by .gitignore",
    "P0",
    suppressed_by=SUPPRESSED_BY,
    tags=SECURITY,
    reads_git=True,  # `git add` or a .gitignore edit changes the finding, not the file
)


# ------------------------------------------------------------------ REL301, Python source


@dataclass
class _Binding:
    """A string literal bound to a name: the context that makes it a secret, and the fix."""

    node: ast.Constant
    name: str
    env_name: str | None = None  # set where the fix can replace the literal

    def holds(self, lineno: int, offset: int, source: SourceFile) -> bool:
        node = self.node
        if not node.lineno <= lineno <= (node.end_lineno or node.lineno):
            return False  # the cheap test first: most bindings are on other lines
        start, end = source.node_span(node)
        return start <= offset < end


def _target_name(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        key = target.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
    return None


def _is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _env_name(name: str) -> str:
    return _NAME_CHARS.sub("_", name).strip("_").upper()


def _bindings(node: ast.AST) -> list[tuple[ast.Constant, str, bool]]:
    """(literal, the name it is bound to, whether the fix may replace it) for one node."""
    found: list[tuple[ast.Constant, str, bool]] = []
    if isinstance(node, ast.Assign) and _is_str(node.value):
        for target in node.targets:
            name = _target_name(target)
            if name:
                fixable = len(node.targets) == 1 and isinstance(target, (ast.Name, ast.Attribute))
                found.append((node.value, name, fixable))  # type: ignore[arg-type]
    elif isinstance(node, ast.AnnAssign) and _is_str(node.value):
        name = _target_name(node.target)
        if name:
            found.append((node.value, name, isinstance(node.target, (ast.Name, ast.Attribute))))  # type: ignore[arg-type]
    elif isinstance(node, ast.keyword) and node.arg and _is_str(node.value):
        found.append((node.value, node.arg, True))  # type: ignore[arg-type]
    elif isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if _is_str(key) and _is_str(value):
                found.append((value, key.value, False))  # type: ignore[union-attr, arg-type]
    elif isinstance(node, ast.arguments):
        positional = [*node.posonlyargs, *node.args]
        pairs = list(zip(positional[len(positional) - len(node.defaults) :], node.defaults))
        pairs += [(arg, default) for arg, default in zip(node.kwonlyargs, node.kw_defaults) if default]
        found.extend((default, arg.arg, False) for arg, default in pairs if _is_str(default))  # type: ignore[misc]
    elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
        left, right = node.left, node.comparators[0]
        for named, literal in ((left, right), (right, left)):
            name = _target_name(named) if isinstance(named, (ast.Name, ast.Attribute)) else None
            if name and _is_str(literal):
                found.append((literal, name, False))  # type: ignore[arg-type]
    return found


@checker(
    "REL301",
    nodes=(ast.Assign, ast.AnnAssign, ast.keyword, ast.Dict, ast.arguments, ast.Compare, ast.Module),
)
def hardcoded_secret(node: ast.AST, ctx: CheckContext) -> None:
    if isinstance(node, ast.Module):
        ctx.state["secret_bindings"] = []
        ctx.at_end(lambda: _report_python_secrets(ctx))
        return
    bindings: list[_Binding] = ctx.state["secret_bindings"]
    for literal, name, fixable in _bindings(node):
        bindings.append(_Binding(literal, name, _env_name(name) if fixable else None))


def _report_python_secrets(ctx: CheckContext) -> None:
    min_length = ctx.options["secrets"]["min-length"]
    reported: set[int] = set()
    bindings: list[_Binding] = ctx.state["secret_bindings"]
    for index, binding in enumerate(bindings):
        value = binding.node.value
        if is_secret_name(binding.name) and not is_placeholder(value, min_length):
            reported.add(index)
            shown = ctx.redact(value)
            message = f"Hardcoded {_kind_of(binding.name)} in `{binding.name}`: {shown}"
            ctx.report("REL301", binding.node, message, fix=_env_fix(binding, ctx))
    for lineno, hit in _line_hits(ctx, shapes_only=True):
        offset = ctx.source.offset(lineno, hit.col)
        holder = next((i for i, b in enumerate(bindings) if b.holds(lineno, offset, ctx.source)), None)
        if holder is not None and holder in reported:
            continue
        shown = ctx.redact(_secret_text(ctx.source, lineno, hit))
        message = f"Hardcoded {hit.kind}: {shown}"
        if holder is not None:
            reported.add(holder)
            binding = bindings[holder]
            ctx.report("REL301", binding.node, f"{message} in `{binding.name}`", fix=_env_fix(binding, ctx))
        else:
            position = (lineno, hit.col, lineno, hit.col + len(hit.value))
            ctx.report("REL301", None, message, position=position)


def _kind_of(name: str) -> str:
    words = set(name_words(name))
    for word, kind in (("password", "password"), ("passwd", "password"), ("pwd", "password"),
                       ("passphrase", "passphrase"), ("token", "token"), ("key", "key"),
                       ("apikey", "key"), ("credentials", "credential"), ("credential", "credential")):  # fmt: skip
        if word in words:
            return kind
    return "secret"


def _env_fix(binding: _Binding, ctx: CheckContext) -> Fix | None:
    if binding.env_name is None:
        return None
    settings = ctx.options["secrets"]
    expression = settings["accessor"].replace("{name}", binding.env_name)
    imports = list(settings["accessor-imports"])
    line = binding.node.lineno
    col = ctx.source.char_col(line, binding.node.col_offset)

    def compute(fix: FixContext) -> list[Edit]:
        import libcst as cst

        old = fix.node_at((cst.ConcatenatedString, cst.SimpleString), line, col)
        return fix.replace(old, cst.parse_expression(expression), imports=imports)

    message = (
        f"Read it with `{expression}` (set {binding.env_name} wherever this runs); "
        "the old value stays in git history: rotate it"
    )
    return Fix("unsafe", message, compute=compute)


_KEY_END = re.compile(r"-----END[ A-Z0-9]*-----|---- END SSH2")


def _secret_text(source: SourceFile, lineno: int, hit: Hit) -> str:
    """What must be hidden for a hit: the value, or for a private key the whole block up to
    its END line (the BEGIN line the detector matches is not the secret, the body is)."""
    if "Private Key" not in hit.kind:
        return hit.value
    start = source.offset(lineno, hit.col)
    end = _KEY_END.search(source.text, start)
    return source.text[start : end.end()] if end else source.line(lineno)[hit.col :]


def _line_hits(ctx: CheckContext, *, shapes_only: bool) -> list[tuple[int, Hit]]:
    src = ctx.source
    config = not shapes_only and is_config_file(src.path.name)
    min_length = ctx.options["secrets"]["min-length"]
    # The trigger patterns over the whole text name the lines worth scanning.
    candidates: set[int] = set()
    for start, end in trigger_spans(src.text, shapes_only=shapes_only):
        candidates.update(range(src.position(start)[0], src.position(end)[0] + 1))
    found = []
    for lineno in sorted(candidates):
        if lineno > 1 and allowed_next_line(src.line(lineno - 1)):
            continue
        hits = scan_line(src.line(lineno), config=config, shapes_only=shapes_only, min_length=min_length)
        found.extend((lineno, hit) for hit in hits)
    return found


# ------------------------------------------------------------------ REL302, other text files


@checker("REL302", kinds=("text",))
def secret_in_file(ctx: CheckContext) -> None:
    for lineno, hit in _line_hits(ctx, shapes_only=False):
        shown = ctx.redact(_secret_text(ctx.source, lineno, hit))
        position = (lineno, hit.col, lineno, hit.col + len(hit.value))
        ctx.report("REL302", None, f"{hit.kind} in a {_file_label(ctx.source.path)}: {shown}", position=position)


def _file_label(path: Path) -> str:
    if is_dotenv(path.name):
        return "dotenv file"
    if path.suffix in (".md", ".markdown", ".rst", ".txt"):
        return "document"
    if path.suffix in (".sh", ".bash", ".zsh") or path.name.startswith("Dockerfile"):
        return "script"
    return "config file"


# ------------------------------------------------------------------ REL303, dotenv files


def is_dotenv(name: str) -> bool:
    """`.env`, `.env.production`, `prod.env`; not the committed templates (`.env.example`)."""
    if not (name == ".env" or name.startswith(".env.") or name.endswith(".env")):
        return False
    return not name.endswith(_DOTENV_TEMPLATES)


@checker("REL303", kinds=("text",))
def committed_env_file(ctx: CheckContext) -> None:
    path = ctx.source.path
    if not is_dotenv(path.name):
        return
    status = git_status(path)
    if status == "ignored":
        return
    shown = repository_path(path) or ctx.path
    if status == "tracked" and committed(path):
        message = (
            f"`{shown}` is committed: its values are in the git history; rotate what it holds, "
            f"then `git rm --cached {shown}` and ignore it"
        )
    elif status == "tracked":
        message = (
            f"`{shown}` is staged, not yet committed: `git rm --cached {shown}` and ignore it "
            "before the next commit"
        )
    else:
        message = f"`{shown}` is not ignored by .gitignore: the next `git add` commits it"
    first = ctx.source.line(1)
    finding = ctx.report("REL303", None, message, position=(1, 0, 1, len(first)))
    # The first line may hold a secret that no other selected rule has redacted.
    finding.source_line = ""
    finding.fingerprint_text = path.name


def _git_output(path: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(path.absolute().parent), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def repository_path(path: Path) -> str | None:
    """The path from the top of its git repository (what `git status` there shows), or None."""
    prefix = _git_output(path, "rev-parse", "--show-prefix")
    return None if prefix is None else prefix + path.name


def committed(path: Path) -> bool:
    """Whether a commit reachable from HEAD holds the file (else it is only staged)."""
    return bool(_git_output(path, "log", "-1", "--format=%H", "--", path.name))


def git_status(path: Path) -> str:
    """"tracked", "ignored" or "untracked", by git (a scratch repository outside of one)."""
    folder, name = path.absolute().parent, path.name
    if not folder.is_dir():
        return "untracked"

    def git(*args: str, env: dict[str, str] | None = None) -> int:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, env=env, check=False)
        except OSError:
            return 128
        return done.returncode

    if git("ls-files", "--error-unmatch", "--", name) == 0:
        return "tracked"
    ignored = git("check-ignore", "-q", "--", name)
    if ignored == 128:  # not a repository: the .gitignore files of this folder still speak
        with tempfile.TemporaryDirectory(prefix="reliability-lint-git-") as scratch:
            subprocess.run(["git", "init", "-q", "--bare", scratch], check=False, capture_output=True)
            env = dict(os.environ, GIT_DIR=scratch, GIT_WORK_TREE=str(folder))
            ignored = git("check-ignore", "-q", "--no-index", "--", name, env=env)
    return "ignored" if ignored == 0 else "untracked"
