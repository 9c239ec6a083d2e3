"""REL301 hardcoded-secret, REL302 secret-in-file and REL303 committed-env-file.

A secret's value is handed to ctx.redact() before anything is reported about it, so no
output shows more than its first characters and its length.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from reliability_lint import git
from reliability_lint.analysis import CheckContext
from reliability_lint.lazy_regex import LazyPattern
from reliability_lint.registry import always_check, checker, comment_marker, redacting_rules, rule
from reliability_lint.rules.secrets.catalogue import _KEY_END, _NAME_CHARS, SUPPRESSED_BY, is_dotenv
from reliability_lint.rules.secrets.fixes import _env_fix
from reliability_lint.secret_detect import (
    Hit, is_config_file, is_placeholder, is_secret_name, may_name_a_secret, name_words, scan_line, scan_text,
)  # fmt: skip
from reliability_lint.source import SourceFile

rule(
    "REL301",
    "hardcoded-secret",
    "Credential written into Python source",
    "P0",
    fix="unsafe",
    suppressed_by=SUPPRESSED_BY,
    page="REL301-hardcoded-secret.md",
    tags=("security",),
)
rule(
    "REL302",
    "secret-in-file",
    "Credential written into a configuration, script or documentation file",
    "P0",
    suppressed_by=SUPPRESSED_BY,
    page="REL302-secret-in-file.md",
    tags=("security",),
)
rule(
    "REL303",
    "committed-env-file",
    "A .env file is tracked by git or not ignored by .gitignore",
    "P0",
    suppressed_by=SUPPRESSED_BY,
    tags=("security",),
    reads_git=True,  # `git add` or a .gitignore edit changes the finding, not the file
    page="REL303-committed-env-file.md",
)
always_check(lambda path: is_dotenv(path.name))
redacting_rules("REL301", "REL302")


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
        # The shapes are found in the text; the bindings are needed for a secret name, or
        # to name the literal a shape lies in: most modules have neither.
        shapes = ctx.state["secret_shapes"] = _line_hits(ctx, shapes_only=True)
        ctx.state["secret_bindings"] = [] if shapes or may_name_a_secret(ctx.source.text) else None
        ctx.at_end(lambda: _report_python_secrets(ctx))
        ctx.at_end(lambda: _report_comment_secrets(ctx))
        return
    bindings: list[_Binding] | None = ctx.state["secret_bindings"]
    if bindings is None:
        return
    for literal, name, fixable in _bindings(node):
        bindings.append(_Binding(literal, name, _env_name(name) if fixable else None))


# A comment that assigns a quoted value to a secret-sounding key.
_KEYWORD_COMMENT = LazyPattern(r"""#[^\n\r]*?(?i:pass|pwd|secret|token|key|auth|cred)[\w-]*["']?\s*(?:=|:|==)\s*[@(]?\s*["'`]""")
comment_marker(_KEYWORD_COMMENT.pattern)


def _report_python_secrets(ctx: CheckContext) -> None:
    min_length = ctx.options["secrets"]["min-length"]
    reported: set[int] = set()
    bindings: list[_Binding] = ctx.state["secret_bindings"] or []
    for index, binding in enumerate(bindings):
        value = str(binding.node.value)  # a str already: bindings hold string literals only
        if is_secret_name(binding.name) and not is_placeholder(value, min_length):
            reported.add(index)
            shown = ctx.redact_literal(binding.node, str(value))
            message = f"Hardcoded {_kind_of(binding.name)} in `{binding.name}`: {shown}"
            ctx.report("REL301", binding.node, message, fix=_env_fix(binding, ctx))
    shapes: list[tuple[int, Hit]] = ctx.state["secret_shapes"]
    for lineno, hit in shapes:
        offset = ctx.source.offset(lineno, hit.col)
        holder = next((i for i, b in enumerate(bindings) if b.holds(lineno, offset, ctx.source)), None)
        if holder is not None and holder in reported:
            continue
        shown = ctx.redact(_secret_text(ctx.source, lineno, hit))
        message = f"Hardcoded {hit.kind}: {shown}"
        if holder is not None:
            ctx.redact_literal(bindings[holder].node, str(bindings[holder].node.value))
            reported.add(holder)
            binding = bindings[holder]
            ctx.report("REL301", binding.node, f"{message} in `{binding.name}`", fix=_env_fix(binding, ctx))
        else:
            position = (lineno, hit.col, lineno, hit.col + len(hit.value))
            ctx.report("REL301", None, message, position=position)


def _report_comment_secrets(ctx: CheckContext) -> None:
    """`# TODO password="..."`: detect-secrets' keyword plugin flags it in a comment, and so
    does this rule (the comment's text reaches TODO inventories and fixes)."""
    min_length = ctx.options["secrets"]["min-length"]
    for comment in ctx.comments(_KEYWORD_COMMENT.compiled):
        for hit in scan_line(comment.text, config=False, shapes_only=False, min_length=min_length):
            if hit.kind != "Secret Keyword":
                continue  # the shapes were found on the whole line already
            shown = ctx.redact(hit.value)
            col = comment.col + hit.col
            position = (comment.line, col, comment.line, col + len(hit.value))
            ctx.report("REL301", None, f"Hardcoded {hit.kind} in a comment: {shown}", position=position)


def _kind_of(name: str) -> str:
    words = set(name_words(name))
    for word, kind in (("password", "password"), ("passwd", "password"), ("pwd", "password"),
                       ("passphrase", "passphrase"), ("token", "token"), ("key", "key"),
                       ("apikey", "key"), ("credentials", "credential"), ("credential", "credential")):  # fmt: skip
        if word in words:
            return kind
    return "secret"


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
    return scan_text(src, config=config, shapes_only=shapes_only, min_length=min_length)


@checker("REL302", kinds=("text",))
def secret_in_file(ctx: CheckContext) -> None:
    for lineno, hit in _line_hits(ctx, shapes_only=False):
        shown = ctx.redact(_secret_text(ctx.source, lineno, hit))
        position = (lineno, hit.col, lineno, hit.col + len(hit.value))
        ctx.report("REL302", None, f"{hit.kind} in a {_file_label(ctx.source.path)}: {shown}", position=position)


def _file_label(path: Path) -> str:
    if is_dotenv(path.name):
        return "dotenv file"
    if path.suffix == ".ipynb":  # its outputs and metadata (reliability_lint/notebook)
        return "notebook"
    if path.suffix in (".md", ".markdown", ".rst", ".txt"):
        return "document"
    if path.suffix in (".sh", ".bash", ".zsh") or path.name.startswith("Dockerfile"):
        return "script"
    return "config file"


@checker("REL303", kinds=("text",))
def committed_env_file(ctx: CheckContext) -> None:
    path = ctx.source.path
    if not is_dotenv(path.name):
        return
    state = git.file_state(path)
    if state.status == "ignored":
        return
    shown = state.repository_path or ctx.path
    if state.status == "tracked" and state.committed:
        message = (
            f"`{shown}` is committed: its values are in the git history; rotate what it holds, "
            f"then `git rm --cached {shown}` and ignore it"
        )
    elif state.status == "tracked":
        message = (
            f"`{shown}` is staged, not yet committed: `git rm --cached {shown}` and ignore it "
            "before the next commit"
        )
    else:
        message = f"`{shown}` is not ignored by .gitignore: the next `git add` commits it"
    first = ctx.source.line(1)
    # The first line may hold a secret that no other selected rule has redacted.
    ctx.report("REL303", None, message, position=(1, 0, 1, len(first)), source_line="", fingerprint_text=path.name)
