"""What the secrets family knows: the text files it reads (and the lock files it skips),
dotenv files and their templates, the markers that silence it, and its options."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from reliability_lint.lazy_regex import LazyPattern
from reliability_lint.registry import Option, SuppressionMarker, file_kind, options, suppression_marker

SUPPRESSED_BY = ("nosec", "pragma: allowlist secret")
# detect-secrets' inline allowlist comment.
suppression_marker(SuppressionMarker("pragma: allowlist secret", "pragma:"))
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
_NAME_CHARS = LazyPattern(r"\W+")


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
    if is_dotenv(path.name):
        return None  # REL303 needs no content: a large .env is still one
    limit = opts.get("secrets", {}).get("max-file-size", 1_000_000)
    try:
        return "oversized" if path.stat().st_size > limit else None
    except OSError:
        return None  # reading it will report what is wrong


file_kind("text", is_text_file, skip=_skip_text_file)


def precondition(options: dict[str, dict[str, Any]]) -> re.Pattern[str] | None:
    """The secret scan's gates (reliability_lint.secret_prefilter) and the secret names REL301
    reads from the syntax tree, as one regex over a file's decoded text: no REL301 or REL302
    finding lies in a text it does not match (tests/conftest.py checks every one). The engine
    runs the cheaper may_hold_secret on Python files and reads every other text file; REL303
    reads the path, not the text (always_check in checks.py)."""
    del options  # no option widens what the rules report
    return _precondition()


def may_hold_secret(text: str) -> bool:
    """precondition()'s test, at the speed of `in`: what the family declares to the engine
    for a Python file, where REL301 reads names that may be secret, the shapes of known
    credentials, and secret keywords in comments (REL302's other gates are for text files)."""
    from reliability_lint.rules.secrets.checks import _KEYWORD_COMMENT
    from reliability_lint.secret_detect import may_name_a_secret
    from reliability_lint.secret_prefilter import any_gate

    return may_name_a_secret(text) or any_gate(text, shapes_only=True) or _KEYWORD_COMMENT.search(text) is not None


@lru_cache(maxsize=1)
def _precondition() -> re.Pattern[str]:
    from reliability_lint.secret_detect import NAME_GATE
    from reliability_lint.secret_prefilter import line_trigger

    return re.compile(line_trigger(shapes_only=False) + "|" + NAME_GATE.pattern)


_KEY_END = LazyPattern(r"-----END[ A-Z0-9]*-----|---- END SSH2")


def is_dotenv(name: str) -> bool:
    """`.env`, `.env.production`, `prod.env`; not the committed templates (`.env.example`)."""
    if not (name == ".env" or name.startswith(".env.") or name.endswith(".env")):
        return False
    return not name.endswith(_DOTENV_TEMPLATES)
