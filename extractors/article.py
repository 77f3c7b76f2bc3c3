"""HTML page -> Article or Rejection (pure). trafilatura's Document stops here.

Text is NFKC-normalised once, here, so every later stage (dedup, tagging,
evidence offsets) works on the same characters the warehouse stores.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import trafilatura
from trafilatura.settings import Document

from extractors.charset import decode
from extractors.language import detect_language, html_language
from extractors.outcome import Outcome
from extractors.quality import date_flag, is_truncated, not_article_reason

# Chosen by measurement on the Zyte benchmark (make eval; docs/decisions.md):
# favor_precision + no comments: F1 0.964; plus the recall pass for pages where
# it finds almost nothing: 0.969. deduplicate=False: trafilatura's cross-document
# cache would drop repeated paragraphs, which our own dedup needs to see.
OPTIONS: dict[str, Any] = {
    "with_metadata": True,
    "include_comments": False,
    "favor_precision": True,
    "deduplicate": False,
}
FALLBACK_OPTIONS = {**OPTIONS, "favor_precision": False, "favor_recall": True}
FALLBACK_BELOW_WORDS = 50
FALLBACK_GAIN = 1.3
LINE_SPACE = re.compile(r"[ \t\u00a0]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S")
MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "dateModified")
MODIFIED_VALUE = re.compile(r"""["']?\s*(?:content\s*=\s*|:\s*)["'](\d{4}-\d{2}-\d{2}[^"'<]{0,30})["']""")


@dataclass(frozen=True)
class Article:
    title: str
    text: str
    authors: tuple[str, ...]
    published_at: datetime | None
    date_source: str  # 'page' | 'feed' | 'none'
    site_name: str | None
    language: str | None
    description: str | None
    canonical_url: str | None
    truncated: bool = False
    date_flag: str | None = None  # 'future' | 'before_1995' | 'far_from_feed_date'
    updated_at: datetime | None = None  # the page's modification date, when it states one
    charset: str | None = None  # the charset the page was decoded from

    @property
    def word_count(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class Rejection:
    outcome: Outcome  # NO_TEXT | NOT_ARTICLE | PARSE_ERROR
    reason: str


def count_words(text: str) -> int:
    """Whitespace-separated words (str.split is 5x faster than a \\w+ regex, and close enough)."""
    return len(text.split())


def clean_text(text: str) -> str:
    """NFKC, no control characters, single spaces, paragraphs kept as newlines."""
    text = unicodedata.normalize("NFKC", text)
    lines = (LINE_SPACE.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def updated_date(html_head: str) -> datetime | None:
    """The modification date a page declares (meta tags, JSON-LD), if any."""
    match = None
    for key in MODIFIED_KEYS:  # str.find first: a regex scan of 200 KB costs more
        at = html_head.find(key)
        if at >= 0:
            match = MODIFIED_VALUE.match(html_head, at + len(key))
            if match:
                break
    if match is None:
        return None
    try:
        parsed = datetime.fromisoformat(match.group(1).strip())
    except ValueError:
        return parse_date(match.group(1)[:10])
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _language(text: str, fallback: str | None, declared: bool) -> str | None:
    """A Content-Language header beats detection; detection beats the feed's language."""
    return fallback if declared else (detect_language(text) or fallback)


def _authors(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split(";") if a.strip())


def _trafilatura(html: bytes | str, url: str, options: dict[str, Any]) -> Document | None:
    doc = trafilatura.bare_extraction(html, url=url, **options)
    return doc if isinstance(doc, Document) else None


def _words(doc: Document | None) -> int:
    return count_words(doc.text or "") if doc is not None else 0


def best_document(html: bytes | str, url: str) -> Document | None:
    """The precision pass; the recall pass too when the first finds (almost) nothing."""
    doc = _trafilatura(html, url, OPTIONS)
    if _words(doc) >= FALLBACK_BELOW_WORDS:
        return doc
    alt = _trafilatura(html, url, FALLBACK_OPTIONS)
    return alt if _words(alt) > FALLBACK_GAIN * _words(doc) else doc


# The page's facts, one parameter each: bench/eval_extraction.py and the stages call it positionally.
def extract_article(  # noqa: PLR0913, PLR0917
    html: bytes | str,
    url: str,
    min_words: int,
    feed_date: datetime | None = None,
    feed_language: str | None = None,
    feed_text: str | None = None,
    header_language: str | None = None,
    content_type: str | None = None,
) -> Article | Rejection:
    """Main text and metadata of a news page, or why there is none.

    When the page yields too little text but the feed carried the full text
    (content:encoded / atom:content), the feed's text is used.
    """
    if isinstance(html, bytes):
        html, charset = decode(html, content_type)
    else:
        charset = "str"
    try:
        doc = best_document(html, url)
    except Exception as exc:  # trafilatura raises many types on broken markup
        return Rejection(Outcome.PARSE_ERROR, f"{type(exc).__name__}: {exc}"[:300])
    text = clean_text(doc.text or "") if doc is not None else ""
    if doc is not None:
        reason = not_article_reason(url, doc.pagetype, doc.title or "", count_words(text))
        if reason:
            return Rejection(Outcome.NOT_ARTICLE, reason)
    head = html[:200_000] if isinstance(html, bytes) else html[:200_000].encode()
    truncated = is_truncated(head, count_words(text), feed_text)
    if (
        feed_text
        and count_words(feed_text) > count_words(text)
        and (truncated or count_words(text) < min_words)
    ):
        text = clean_text(feed_text)
    words = count_words(text)
    if words < min_words:
        return Rejection(Outcome.NO_TEXT, f"{words} words extracted (< {min_words})")
    language = header_language.split(",")[0].split("-")[0].strip().lower() if header_language else None
    article = _article(doc, text, html, feed_date, language or feed_language, truncated, bool(language))
    return replace(article, charset=charset)


def _article(  # noqa: PLR0913, PLR0917 (extract_article's facts, passed on)
    doc: Document | None,
    text: str,
    html: bytes | str,
    feed_date: datetime | None,
    fallback_language: str | None,
    truncated: bool,
    declared: bool,
) -> Article:
    page_date = parse_date(doc.date) if doc is not None else None
    flag = date_flag(page_date, feed_date, datetime.now(UTC))
    if flag == "future":  # a page date in the future is wrong; the feed's may not be
        page_date = None
    raw = html[:200_000] if isinstance(html, str) else html[:200_000].decode("utf-8", "replace")
    return Article(
        title=clean_text(doc.title or "") if doc is not None else "",
        text=text,
        authors=_authors(doc.author) if doc is not None else (),
        published_at=page_date or feed_date,
        date_source="page" if page_date else ("feed" if feed_date else "none"),
        site_name=(doc.sitename or None) if doc is not None else None,
        language=html_language(raw) or _language(text, fallback_language, declared),
        description=(doc.description or None) if doc is not None else None,
        canonical_url=(doc.url or None) if doc is not None else None,
        truncated=truncated,
        date_flag=flag,
        updated_at=updated_date(raw),
    )
