"""HTML for the team page: text escaped unless it is already Markup, and the inline
Markdown its summaries are written in (`code`, **bold**, [text](url)) rendered."""

from __future__ import annotations

import html
import re

_INLINE = re.compile(r"`(?P<code>[^`\n]+)`|\*\*(?P<bold>[^*\n]+)\*\*|\[(?P<text>[^\]\n]+)\]\((?P<url>[^)\s]+)\)")
_SAFE_URL = re.compile(r"(?i)^(https?://|#|[\w./-]+$)")


class Markup(str):
    """Text that is already HTML."""


def escape(text: object) -> str:
    return str(text) if isinstance(text, Markup) else html.escape(str(text), quote=True)


def link(text: object, url: str | None) -> Markup:
    if not url or not _SAFE_URL.match(url):
        return Markup(escape(text))
    return Markup(f'<a href="{html.escape(url, quote=True)}">{escape(text)}</a>')


def inline_markdown(text: str) -> Markup:
    """`code`, **bold** and [text](url) as HTML, everything else escaped; a link to anything
    but http(s), an anchor or a relative path stays text (no javascript: URLs)."""
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=True))
        if match.group("code") is not None:
            out.append(f"<code>{html.escape(match.group('code'), quote=True)}</code>")
        elif match.group("bold") is not None:
            out.append(f"<strong>{html.escape(match.group('bold'), quote=True)}</strong>")
        else:
            out.append(link(match.group("text"), match.group("url")))
        last = match.end()
    out.append(html.escape(text[last:], quote=True))
    return Markup("".join(out))
