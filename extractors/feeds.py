"""Feed bytes -> ParsedFeed (pure). feedparser's dicts stop here.

RSS 0.9x/1.0/2.0 and Atom are all read by feedparser; what it can salvage from
a malformed feed is kept and the feed is marked ``degraded``. A body that is
an HTML page rather than a feed is reported as such.

Total on third-party input: a character reference no parser can represent is
replaced before parsing; an entry whose link is missing, unparseable or the feed
itself carries a ``problem`` (the run records it as ``parse_error``); a date that
cannot be a date is dropped with a problem noted; and if feedparser itself
raises, the feed is reported, not the run failed.
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
from extractors.urls import BadURL, canonicalise

XML_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*encoding\s*=\s*["'])[\w.:-]+(["'])""", re.I)
HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<!doctype html|^\s*<html", re.I | re.S)
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")
CHARREF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
REPLACEMENT_REF = "&#xFFFD;"
MAX_CHARREF_DIGITS = 8  # more digits than any code point needs: refused whatever its value
SHOWN_PROBLEMS = 3  # a feed's problems named in its one-line error
XML_RANGES = ((0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))  # XML 1.0 Char, beside tab/LF/CR


@dataclass(frozen=True)
class FeedEntry:
    link: str | None
    guid: str | None
    title: str
    summary: str
    content: str
    published_at: datetime | None
    problem: str | None = None  # why this entry cannot be ingested (a parse_error), or None


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


def _xml_char(code: int) -> bool:
    """Whether XML 1.0 allows this code point (no NUL, C0 controls, surrogates, FFFE/FFFF, > 10FFFF)."""
    return code in (0x9, 0xA, 0xD) or any(low <= code <= high for low, high in XML_RANGES)


def _charref(match: re.Match[str]) -> str:
    hex_digits, digits = match.groups()
    text = hex_digits or digits
    ok = len(text) <= MAX_CHARREF_DIGITS and _xml_char(int(text, 16 if hex_digits else 10))
    return match.group(0) if ok else REPLACEMENT_REF


def safe_charrefs(text: str) -> str:
    """Numeric character references to code points XML forbids (&#xD800;, &#x110000;, 20 digits) -> U+FFFD."""
    return CHARREF.sub(_charref, text) if "&#" in text else text


def _date(entry: Any) -> datetime | None:
    """The entry's date; one that no calendar holds (year 0 after a time zone) raises ValueError."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _safe_date(entry: Any) -> tuple[datetime | None, str | None]:
    try:
        return _date(entry), None
    except (ValueError, OverflowError, TypeError) as exc:
        return None, f"date dropped ({exc})"


def _own_urls(feed: Any, base_url: str) -> frozenset[str | BadURL]:
    """The canonical URLs of the feed itself and its site's home page: never an article's link."""
    links = [base_url, str(feed.get("link") or "")]
    links += [str(link.get("href") or "") for link in feed.get("links") or []]
    return frozenset(canonicalise(link) for link in links if link)


def _link(raw: Any, base_url: str, own: frozenset[str | BadURL]) -> tuple[str | None, str | None]:
    """The entry's absolute link, or why it has none usable."""
    text = str(raw or "").strip()
    if not text:
        return None, "the entry has no link"
    try:
        link = urljoin(base_url, text)
    except ValueError as exc:
        return None, f"{exc} in link {text[:200]!r}"
    canonical = canonicalise(link)
    if isinstance(canonical, BadURL):
        return None, canonical.reason
    if canonical in own:
        return None, f"the entry's link {text[:200]!r} is the feed itself or its home page"
    return link, None


def _content(entry: Any) -> str:
    parts = entry.get("content") or []
    return html_to_text(" ".join(str(p.get("value", "")) for p in parts))


def _entry(entry: Any, base_url: str, own: frozenset[str | BadURL]) -> tuple[FeedEntry, str | None]:
    """The entry, and a note on what was dropped from it (a bad date: the feed is then degraded)."""
    link, problem = _link(entry.get("link"), base_url, own)
    published, note = _safe_date(entry)
    guid = entry.get("id") or None
    fields = FeedEntry(
        link=link,
        guid=str(guid).strip() if guid else None,
        title=html_to_text(str(entry.get("title", ""))),
        summary=html_to_text(str(entry.get("summary", ""))),
        content=_content(entry),
        published_at=published,
        problem=problem,
    )
    return fields, note


def _problem(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc else "malformed feed"


def _as_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str]:
    """The body re-encoded as UTF-8 with a matching declaration, and the charset it was in."""
    text, charset = decode(body, content_type)
    text = safe_charrefs(XML_ENCODING.sub(r"\1utf-8\2", text, count=1))
    return text.encode("utf-8", "replace"), charset


def _summary(problems: list[str]) -> str | None:
    """The feed's problems in one line: the first three, and how many more."""
    if not problems:
        return None
    more = f"; and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
    return "; ".join(problems[:SHOWN_PROBLEMS]) + more


def _parsed(result: Any, body: bytes, base_url: str, charset: str) -> ParsedFeed:
    version = result.get("version") or ""
    own = _own_urls(result.get("feed", {}), base_url)
    pairs = [_entry(e, base_url, own) for e in result.get("entries", [])]
    entries = tuple(entry for entry, _ in pairs)
    if not version and not entries:
        kind = "an HTML page, not a feed" if HTML_START.match(body[:2048]) else "not a feed"
        return ParsedFeed(False, "", "", True, kind, (), charset)
    notes = [f"entry {i + 1}: {p}" for i, (e, n) in enumerate(pairs) for p in (e.problem, n) if p]
    problem = _summary([p for p in [_problem(result), *notes] if p])
    title = html_to_text(str(result.get("feed", {}).get("title", "")))
    return ParsedFeed(True, version or "unknown", title, problem is not None, problem, entries, charset)


def parse_feed(body: bytes, base_url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse a feed body; never raises for bad input (the result says what went wrong)."""
    utf8, charset = _as_utf8(body, content_type)
    headers = {"content-type": "application/xml; charset=utf-8"}
    try:
        result = feedparser.parse(utf8, response_headers=headers, sanitize_html=False)
        return _parsed(result, body, base_url, charset)
    except Exception as exc:  # third-party parser on hostile input: a feed result, never a dead run
        problem = f"the feed parser failed: {type(exc).__name__}: {exc}"
        return ParsedFeed(False, "", "", True, problem, (), charset)
