"""Seed corpus files (plain text) -> Article (pure).

A seed file is the body of one article: the title is its first line of at
least five words (short first lines are section crumbs such as
"article / Hotspot conflict"), and a dd/mm/yyyy line near the top is its date.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from extractors.article import Article, clean_text
from extractors.language import detect_language
from extractors.linking import SEED_PREFIX
from extractors.model import Item

DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
TITLE_MIN_WORDS = 5
TITLE_MAX_WORDS = 30
SENTENCE = re.compile(r"(?<=[.!?])\s+")
HEAD_LINES = 12
TITLE_LINES = 3


def _title(lines: list[str]) -> str:
    """First line of 5-30 words; else the first sentence of the first long line."""
    for line in lines[:TITLE_LINES]:
        if TITLE_MIN_WORDS <= len(line.split()) <= TITLE_MAX_WORDS:
            return line
    first = next((line for line in lines if len(line.split()) >= TITLE_MIN_WORDS), "")
    return SENTENCE.split(first, maxsplit=1)[0]


def _date(lines: list[str]) -> datetime | None:
    for line in lines[:HEAD_LINES]:
        match = DMY.match(line)
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return datetime(year, month, day, tzinfo=UTC)
            except ValueError:
                return None
    return None


def parse_seed(text: str) -> Article:
    body = clean_text(text)
    lines = body.splitlines()
    published = _date(lines)
    return Article(
        title=_title(lines),
        text=body,
        authors=(),
        published_at=published,
        date_source="page" if published else "none",
        site_name=None,
        language=detect_language(body),
        description=None,
        canonical_url=None,
    )


def seed_items(folder: Path, stored: set[str]) -> list[Item]:
    """The seed files of folder (*.txt) not stored yet, as items keyed by their file (read whole: small)."""
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    return [
        Item(
            key=f"{SEED_PREFIX}{f.stem}", source="seed", title=f.stem, seed_text=f.read_text(encoding="utf-8")
        )
        for f in files
        if SEED_PREFIX + f.stem not in stored
    ]
