"""HTML page -> Article or Rejection (pure). trafilatura's Document stops here.

Text is NFKC-normalised once, here, so every later stage (dedup, tagging,
evidence offsets) works on the same characters the warehouse stores.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import Document

from extractors.language import detect_language, html_language

WORD = re.compile(r"\w+")
LINE_SPACE = re.compile(r"[ \t\u00a0]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S")


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

    @property
    def word_count(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class Rejection:
    outcome: str  # 'no_text' | 'parse_error'
    reason: str


def count_words(text: str) -> int:
    return len(WORD.findall(text))


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


def _authors(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split(";") if a.strip())


def extract_article(
    html: bytes | str,
    url: str,
    min_words: int,
    feed_date: datetime | None = None,
    feed_language: str | None = None,
) -> Article | Rejection:
    """Main text and metadata of a news page, or why there is none."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, deduplicate=False
        )
    except Exception as exc:  # trafilatura raises many types on broken markup
        return Rejection("parse_error", f"{type(exc).__name__}: {exc}"[:300])
    if not isinstance(doc, Document):
        return Rejection("no_text", "no main text found")
    text = clean_text(doc.text or "")
    words = count_words(text)
    if words < min_words:
        return Rejection("no_text", f"{words} words extracted (< {min_words})")
    page_date = parse_date(doc.date)
    raw = html if isinstance(html, str) else html[:4096].decode("utf-8", "replace")
    return Article(
        title=clean_text(doc.title or ""),
        text=text,
        authors=_authors(doc.author),
        published_at=page_date or feed_date,
        date_source="page" if page_date else ("feed" if feed_date else "none"),
        site_name=doc.sitename or None,
        language=html_language(raw) or detect_language(text) or feed_language,
        description=doc.description or None,
        canonical_url=doc.url or None,
    )
