"""A `gcloud` command's surface: which command it is, its target, its flags."""

from __future__ import annotations

from dataclasses import dataclass, field

from reliability_lint.rules.auth.commands import Command

_RELEASE_TRACKS = frozenset({"alpha", "beta"})
# Flags that take no value (the others take the next word when not written `--flag=value`).
_BOOLEAN_FLAGS = frozenset({
    "allow-unauthenticated", "no-allow-unauthenticated", "async", "quiet", "q", "gen2", "no-gen2",
    "trigger-http", "retry", "no-retry", "use-http2", "no-traffic", "enable-message-ordering",
    "enable-exactly-once-delivery", "cpu-boost", "no-cpu-throttling", "verbosity-debug", "help",
    "clear-env-vars", "clear-secrets", "push-no-wrapper", "no-user-output-enabled", "default-cancel",
})  # fmt: skip
KNOWN = (
    ("run", "deploy"), ("functions", "deploy"), ("run", "services", "update"),
    ("scheduler", "jobs", "create", "http"), ("scheduler", "jobs", "update", "http"),
    ("pubsub", "subscriptions", "create"), ("pubsub", "subscriptions", "update"),
)


@dataclass
class Gcloud:
    command: tuple[str, ...]  # ("run", "deploy")
    target: str | None  # the service, function, job or subscription
    flags: dict[str, str | None] = field(default_factory=dict)  # name (no dashes) -> value
    source: Command | None = None
    unresolved_flags: bool = False  # a word that may be a flag holds an unknown variable

    def has(self, *names: str) -> bool:
        return any(name in self.flags for name in names)


def parse(command: Command) -> Gcloud | None:
    words = list(command.words)
    start = next((i for i, w in enumerate(words) if w == "gcloud" or w.endswith("/gcloud")), None)
    if start is None or any("=" not in w and not w.startswith("-") for w in words[:start] if w not in ("sudo", "exec", "time")):
        return None  # `gcloud` as an argument of another command (echo, grep)
    rest = [w for w in words[start + 1 :] if w not in _RELEASE_TRACKS]
    offset = len(words) - len(rest)
    shape = next((k for k in KNOWN if tuple(rest[: len(k)]) == k), None)
    if shape is None:
        return None
    parsed = Gcloud(shape, None, source=command)
    index = len(shape)
    while index < len(rest):
        word = rest[index]
        unknown = (index + offset) in command.unresolved
        if word.startswith("--"):
            name, equals, value = word[2:].partition("=")
            if equals:
                parsed.flags[name] = value
            elif name in _BOOLEAN_FLAGS or index + 1 >= len(rest) or rest[index + 1].startswith("--"):
                parsed.flags[name] = None
            else:
                parsed.flags[name] = rest[index + 1]
                index += 1
        elif unknown:
            parsed.unresolved_flags = True  # `$FLAGS` nobody set here: may hold any flag
        elif parsed.target is None and not word.startswith("-"):
            parsed.target = word
        index += 1
    return parsed


def allows_unauthenticated(parsed: Gcloud) -> bool:
    """The last of `--allow-unauthenticated` / `--no-allow-unauthenticated` wins."""
    if parsed.source is None:
        return False
    last = None
    for word in parsed.source.words:
        if word in ("--allow-unauthenticated", "--no-allow-unauthenticated"):
            last = word
    return last == "--allow-unauthenticated"
