"""Finding credentials in lines of text with detect-secrets' plugins, called directly.

detect-secrets is imported only when a line passes the prefilter, and only its plugins'
`analyze_string` is called: that never verifies a candidate against a live service (its
`analyze_line` may, depending on process-global settings). Its heuristic filters are applied
as functions; the keyword plugin's patterns are applied with finditer, so that every secret
on a line is found, and config-style lines are also scanned in the quoted form its second
(".env") pass would give them, always rather than only when the first pass found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reliability_lint.lazy_regex import LazyPattern
from reliability_lint.secret_prefilter import (
    gate_spans,
    gated_lines,
    line_plugins,
    Text,
    line_trigger,
    name_gate,
    names_gate_function,
)

# A line worth scanning at all: some plugin's gate (reliability_lint.secret_prefilter) matches.
SHAPE_TRIGGER = LazyPattern(line_trigger(shapes_only=True))
TRIGGER = LazyPattern(line_trigger(shapes_only=False))


def trigger_spans(text: str, *, shapes_only: bool) -> list[tuple[int, int]]:
    """Character spans of the text that SHAPE_TRIGGER (or, for other files, TRIGGER) matches."""
    return [span for lines in gate_spans(text, shapes_only=shapes_only) for span in lines]


# Plugins that report a shape, not a context: the only ones run on Python source, where the
# context (which name a literal is bound to) comes from the syntax tree instead.
_CONTEXT_PLUGINS = frozenset({"KeywordDetector", "Base64HighEntropyString", "HexHighEntropyString"})
# Public IP addresses are not credentials.
_EXCLUDED_PLUGINS = frozenset({"IPPublicDetector"})

_CONFIG_SUFFIXES = (
    ".env", ".ini", ".cfg", ".conf", ".cnf", ".cf", ".properties", ".toml", ".yaml", ".yml", ".sh", ".bash", ".zsh",
)  # fmt: skip
# `export NAME=value` is an assignment wherever it stands (a runbook's shell block too).
_EXPORT = LazyPattern(r"^\s*export\s+[A-Za-z_]\w*=")
# `key = value`, `key: value`, `export KEY=value`: the key and the unquoted value.
_CONFIG_LINE = LazyPattern(
    r"""^\s*(?:export\s+|-\s+)?["']?(?P<key>[\w.\-]+)["']?\s*(?:=|:(?!//))\s*(?P<value>[^\s"'#][^\s#]*)\s*(?:\#.*)?$"""
)
# The key starts a run of name characters: the leftmost match always does, and the
# lookbehind keeps a long run from being tried from each of its characters (square cost).
_KEY_BEFORE = LazyPattern(r"""["']?(?<![\w.\-])(?P<key>[\w.\-]+)["']?\s*(?:=|:|==|!=|=>)\s*[@(]?\s*["'`]?$""")
_ALLOW_NEXT_LINE = LazyPattern(r"pragma:\s?allowlist[ -]nextline[ -]secret")

SECRET_WORDS = frozenset(
    {"password", "passwd", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "credential",
     "credentials", "creds", "auth", "apikey", "privatekey", "secretkey", "accesskey", "contrasena"}
)  # fmt: skip
KEY_QUALIFIERS = frozenset(
    {"api", "access", "secret", "private", "priv", "auth", "client", "encryption", "signing",
     "master", "service", "account", "db", "database", "app", "consumer", "session", "hmac"}
)  # fmt: skip
# Last words that make a name metadata about a secret rather than the secret.
METADATA_WORDS = frozenset(
    {"type", "types", "env", "environ", "var", "variable", "name", "names", "url", "uri", "urls",
     "endpoint", "host", "path", "file", "filename", "dir", "id", "ids", "arn", "prefix", "field",
     "param", "length", "len", "count", "size", "expiry", "expires", "expiration", "ttl", "timeout",
     "format", "kind", "mode", "version", "label", "hint", "policy", "header", "scope", "scopes",
     "provider", "class", "backend", "method", "regex", "pattern", "required", "enabled", "valid",
     "attempts", "rotation", "ref", "key_id", "location", "used", "set", "changed", "reset"}
)  # fmt: skip
# A text without a match names no secret (is_secret_name), in any syntax; and the same test fast.
NAME_GATE = LazyPattern(name_gate(sorted(SECRET_WORDS), sorted(KEY_QUALIFIERS)))
may_name_a_secret = names_gate_function(sorted(SECRET_WORDS), sorted(KEY_QUALIFIERS))
_WORD = LazyPattern(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_PLACEHOLDER = LazyPattern(
    r"""(?ix)^(?:
        x{3,}|\*{3,}|\.{3,}|-{3,}|_{3,}|#{3,}
      | (?:change|replace|fill|set)[-_ ]?(?:me|it|this)\w*
      | your[-_ ].*|my[-_]?(?:secret|password|token|key)
      | (?:example|sample|dummy|placeholder|redacted|hidden|masked|secret|password|passwd|token|
           none|null|nil|undefined|todo|tbd|test|testing|default|empty|unset|notset|n/?a)
    )$"""
)
_TEMPLATE = LazyPattern(r"\$\{.*\}|\{\{.*\}\}|%\(\w+\)s|^\$\w+$|^<[^>]*>$|^\{[^}]*\}$|%s|\{\}")
_ENV_VAR_NAME = LazyPattern(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{3,}$")
_CAMEL_CASE = LazyPattern(r"^[a-z]+(?:[A-Z][a-z]+)+$|^(?:[A-Z][a-z]+){2,}$")
# detect-secrets' JWT pattern stops early in the signature; a hit covers the whole token.
_MIN_GROUP = 8  # a captured group shorter than this is a prefix, not the credential
_JWT_REST = LazyPattern(r"[A-Za-z0-9_\-.+/=]*")
_DOTTED_NAME = LazyPattern(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_HEX = LazyPattern(r"^[0-9a-fA-F]+$")
# Values that name a credential rather than hold one (REL301's false positives on real
# code): OIDs and dotted numbers (`SERVER_AUTH = '1.3.6.1.5.5.7.3.1'` in ssl.py), HTTP
# header names ("Proxy-Authorization", "X-Api-Key"), Secret Manager resource names and
# ARNs, and secret ids that are a slug of words with a secret word among them ("db-password").
_DOTTED_NUMBER = LazyPattern(r"^\d+(?:\.\d+)+$")
_HEADER_NAME = LazyPattern(
    r"^(?:[A-Z][a-z]*|[A-Z]+)(?:-(?:[A-Z][a-z]*|[A-Z]+))*-?"
    r"(?i:authorization|authenticate|auth|key|token|cookie|secret|signature|credentials?|password)$"
)
_SECRET_RESOURCE = LazyPattern(
    r"^(?:projects/[^/\s]+/secrets/[^/\s]+(?:/versions/[^/\s]+)?|arn:aws[\w-]*:secretsmanager:\S+)$"
)
_SLUG = LazyPattern(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+$")
_UUID = LazyPattern(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}", re.I)


@dataclass(frozen=True)
class Hit:
    value: str
    kind: str  # detect-secrets' secret type, e.g. "AWS Access Key"
    col: int  # character column of the value in its line


def name_words(name: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(name)]


def is_secret_name(name: str) -> bool:
    """`password`, `API_KEY`, `clientSecret`; not `token_type`, `password_env`, `secret_name`."""
    words = name_words(name.rpartition(".")[2])
    if not words or words[-1] in METADATA_WORDS:
        return False
    if words[-1] == "id" or (len(words) >= 2 and words[-2:] == ["key", "id"]):
        return False
    for index, word in enumerate(words):
        if word in SECRET_WORDS:
            return True
        if word == "key" and index > 0 and words[index - 1] in KEY_QUALIFIERS:
            return True
    return False


def is_placeholder(value: str, min_length: int) -> bool:
    """Empty, short, a template, an environment variable's name or an obvious stand-in."""
    stripped = value.strip()
    return (
        len(stripped) < min_length
        or any(c.isspace() for c in stripped)
        or bool(_PLACEHOLDER.match(stripped))
        or bool(_TEMPLATE.search(stripped))
        or bool(_ENV_VAR_NAME.match(stripped))
        or bool(_CAMEL_CASE.match(stripped))
        or bool(_DOTTED_NAME.match(stripped))
        or stripped.startswith(("http://", "https://", "/", "./", "~/", "file:"))
        or len(set(stripped)) <= 2
        or names_a_secret(stripped)
    )


def names_a_secret(value: str) -> bool:
    """An OID, a header name, a Secret Manager name or ARN, a secret's slug id: not a secret."""
    if _DOTTED_NUMBER.match(value) or _HEADER_NAME.match(value) or _SECRET_RESOURCE.match(value):
        return True
    return bool(_SLUG.match(value)) and any(
        word in SECRET_WORDS or word == "key" for word in re.split(r"[-_]", value)
    )


def is_digest_like(value: str) -> bool:
    """Hex digests, git SHAs and UUIDs: high entropy, but identifiers, not credentials."""
    return bool(_HEX.match(value)) or bool(_UUID.search(value))


@lru_cache(maxsize=1)
def _plugins() -> tuple[Any, ...]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    classes: Iterable[type[Any]] = get_mapping_from_secret_type_to_class().values()
    # Format plugins first, so that a value both name a kind for is shown with the specific one.
    ordered = sorted(classes, key=lambda c: (c.__name__ in _CONTEXT_PLUGINS, c.__name__))
    return tuple(cls() for cls in ordered if cls.__name__ not in _EXCLUDED_PLUGINS)


@lru_cache(maxsize=1)
def _keyword_tables() -> tuple[dict[Any, int], dict[Any, int]]:
    from detect_secrets.plugins import keyword

    return keyword.CONFIG_DENYLIST_REGEX_TO_GROUP, keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP


def _is_filtered(value: str, line: str, plugin: Any) -> bool:
    """detect-secrets' own heuristic filters, as functions."""
    from detect_secrets.filters import heuristic

    return (
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_likely_id_string(value, line, plugin)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_not_alphanumeric_string(value)
    )


def is_config_file(name: str) -> bool:
    return name.startswith(".env") or name.endswith(_CONFIG_SUFFIXES) or "." not in name.lstrip(".")


def scan_line(line: str, *, config: bool, shapes_only: bool, min_length: int) -> list[Hit]:
    """Every secret on one line, each once, in column order.

    `config` picks the keyword plugin's config patterns (unquoted values) and adds the
    quoted form of a `key = value` line; `shapes_only` runs only the plugins that know a
    credential's format (for Python, whose contexts come from the syntax tree).
    """
    if not (SHAPE_TRIGGER if shapes_only else TRIGGER).search(line):
        return []
    return _scan(line, None if shapes_only else line_plugins(line), config, shapes_only, min_length)


def scan_text(source: Text, *, config: bool, shapes_only: bool, min_length: int) -> list[tuple[int, Hit]]:
    """(1-based line, hit) for every secret of a whole file, in line and column order.

    Each plugin's gate runs once over the whole text, and each plugin only on the lines its
    gate matched: the same hits as scan_line on every line, at the cost of a few regex
    passes over the file. `pragma: allowlist nextline secret` skips the line after it.
    """
    found: list[tuple[int, Hit]] = []
    gated = gated_lines(source, shapes_only=shapes_only)
    lines = source.lines if gated else ()
    for lineno, plugins in gated.items():
        if lineno > 1 and allowed_next_line(lines[lineno - 2]):
            continue
        line = lines[lineno - 1]
        if shapes_only:
            hits = scan_line(line, config=config, shapes_only=True, min_length=min_length)
        else:
            hits = _scan(line, plugins, config, False, min_length)
        found.extend((lineno, hit) for hit in hits)
    return found


# detect-secrets' `is_indirect_reference` (`secret = get_secret()`, `key = headers['k']`)
# searches `([^\v=!:]*)\s*(:=?|[!=]{1,3})\s*(...)`, which costs the square of a long line;
# its first group may be empty, so this finds the same lines from the operator on.
_INDIRECT_REFERENCE = LazyPattern(r"(?::=?|[!=]{1,3})\s*[\w.-]+[\[\(][^\v]*[\]\)]")


def is_indirect_reference(line: str) -> bool:
    return len(line) <= 1000 and _INDIRECT_REFERENCE.search(line) is not None


def _scan(line: str, plugins: frozenset[str] | None, config: bool, shapes_only: bool, min_length: int) -> list[Hit]:
    """The hits of the plugins named (None: every plugin `shapes_only` allows) on one line."""
    config = config or (not shapes_only and _EXPORT.match(line) is not None)
    variants = [line]
    match = _CONFIG_LINE.match(line) if config else None
    if match:
        value = match.group("value").replace('"', '\\"')
        variants.append(f'{match.group("key")} = "{value}"')
    hits: dict[tuple[str, int], Hit] = {}
    for plugin in _plugins():
        name = type(plugin).__name__
        if (shapes_only and name in _CONTEXT_PLUGINS) or (plugins is not None and name not in plugins):
            continue
        for variant in variants:
            for value in _values(plugin, variant, config):
                col = line.find(value)
                if name == "JwtTokenDetector" and col >= 0:
                    value += _JWT_REST.match(line, col + len(value)).group()  # type: ignore[union-attr]
                if col < 0 or _is_filtered(value, variant, plugin):
                    continue
                if name in _CONTEXT_PLUGINS and not _context_holds(name, value, line[:col], min_length):
                    continue
                hits.setdefault((value, col), Hit(value, plugin.secret_type, col))
    if not hits or (not shapes_only and is_indirect_reference(line)):
        return []
    return sorted(_outermost(hits.values()), key=lambda hit: hit.col)


def _values(plugin: Any, line: str, config: bool) -> list[str]:
    name = type(plugin).__name__
    if name == "KeywordDetector":
        table = _keyword_tables()[0 if config else 1]
        return [m.group(group) for regex, group in table.items() for m in regex.finditer(line) if m.group(group)]
    if name in ("Base64HighEntropyString", "HexHighEntropyString"):
        return [v for v in plugin.analyze_string(line) if plugin.calculate_shannon_entropy(v) > plugin.entropy_limit]
    denylist = getattr(plugin, "denylist", None)
    if denylist is None:
        return list(plugin.analyze_string(line))
    # detect-secrets yields a pattern's groups, and some group only a prefix of the
    # credential (GitHub's `(ghp|gho|...)_...` gives "ghp"): take the whole match there.
    values = []
    for regex in denylist:
        for match in regex.finditer(line):
            group = match.group(1) if regex.groups else None
            values.append(group if group and len(group) >= _MIN_GROUP else match.group())
    return values


def _context_holds(plugin: str, value: str, before: str, min_length: int) -> bool:
    """Keyword and entropy hits count only where the name they are bound to means a secret
    (or, for base64 entropy, no name says otherwise) and the value is not a stand-in."""
    match = _KEY_BEFORE.search(before)
    key = match.group("key") if match else ""
    if key and not is_secret_name(key) and plugin != "Base64HighEntropyString":
        return False
    if key and name_words(key) and name_words(key)[-1] in METADATA_WORDS:
        return False
    if is_placeholder(_unclosed(value), min_length):
        return False
    if plugin != "KeywordDetector" and is_digest_like(value) and not (key and is_secret_name(key)):
        return False
    return plugin != "KeywordDetector" or bool(key)


def _unclosed(value: str) -> str:
    """The value without the parentheses it does not open: `--secret=slack-bot-token)` in
    `$(gcloud secrets ... --secret=slack-bot-token)` names the secret, `)` ends the command."""
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1]
    return value


def _outermost(hits: Any) -> list[Hit]:
    """Drop a hit lying inside another one of the same line (a key inside its URL)."""
    ordered = sorted(hits, key=lambda h: (h.col, -len(h.value)))
    kept: list[Hit] = []
    for hit in ordered:
        if any(k.col <= hit.col and hit.col + len(hit.value) <= k.col + len(k.value) for k in kept):
            continue
        kept.append(hit)
    return kept


def allowed_next_line(previous: str) -> bool:
    """detect-secrets' `pragma: allowlist nextline secret` on the line before."""
    return bool(_ALLOW_NEXT_LINE.search(previous))
