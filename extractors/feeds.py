"""Feed bytes -> ParsedFeed (pure). feedparser's dicts stop here.

RSS 0.9x/1.0/2.0 and Atom are all read by feedparser; what it can salvage from
a malformed feed is kept and the feed is marked ``degraded``. A body that is
an HTML page rather than a feed is reported as such.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from extractors.charset import decode

XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*encoding\s*=\s*["'])[\w.:-]+(["'])""", re.I)
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<!doctype html|^\s*<html", re.I | re.S)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedEntry:
    link: str | None
    guid: str | None
    title: str
    summary: str
    content: str
    published_at: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    ok: bool
    format: str
    title: str
    degraded: bool
    problem: str | None
    entries: tuple[FeedEntry, ...]
    charset: str = ""


def html_to_text(fragment: str) -> str:
    """Plain text of a feed's HTML snippet (summaries are often HTML)."""
    return SPACE.sub(" ", TAG.sub(" ", fragment)).strip()


def _date(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _content(entry: Any) -> str:
    parts = entry.get("content") or []
    return html_to_text(" ".join(str(p.get("value", "")) for p in parts))


def _entry(entry: Any, base_url: str) -> FeedEntry:
    link = entry.get("link") or None
    if link:
        link = urljoin(base_url, link.strip())
    guid = entry.get("id") or None
    return FeedEntry(
        link=link,
        guid=str(guid).strip() if guid else None,
        title=html_to_text(str(entry.get("title", ""))),
        summary=html_to_text(str(entry.get("summary", ""))),
        content=_content(entry),
        published_at=_date(entry),
    )


def _problem(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "malformed feed"


def _as_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str]:
    """The body re-encoded as UTF-8 with a matching declaration, and the charset it was in."""
    text, charset = decode(body, content_type)
    text = XML_ENCODING.sub(r"\1utf-8\2", text, count=1)
    return text.encode("utf-8"), charset


def parse_feed(body: bytes, base_url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body; never raises for bad input (the result says what went wrong)."""
    utf8, charset = _as_utf8(body, content_type)
    headers = {"content-type": "application/xml; charset=utf-8"}
    result = feedparser.parse(utf8, response_headers=headers, sanitize_html=False)
    version = result.get("version") or ""
    entries = tuple(_entry(e, base_url) for e in result.get("entries", []))
    if not version and not entries:
        kind = "an HTML page, not a feed" if HTML_START.match(body[:2048]) else "not a feed"
        return ParsedFeed(False, "", "", True, kind, (), charset)
    problem = _problem(result)
    title = html_to_text(str(result.get("feed", {}).get("title", "")))
    return ParsedFeed(True, version or "unknown", title, problem is not None, problem, entries, charset)
