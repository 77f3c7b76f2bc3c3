from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from extractors.quality import date_flag, is_truncated, not_article_reason

NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.mark.parametrize(
    ("url", "page_type", "title", "words", "expected"),
    [
        ("https://news.example.com/news/1", "video.other", "Watch", 500, "video page"),
        ("https://news.example.com/tag/ukraine", "website", "Ukraine", 900, "index page"),
        ("https://news.example.com/a/1", "article", "Page not found", 300, "error page"),
        ("https://news.example.com/a/1", "article", "404 - Not Found | Daily", 30, "error page"),
        ("https://news.example.com/a/1", "article", "Seite nicht gefunden – ZDF", 30, "error page"),
        ("https://news.example.com/a/2", "article", "404 prisoners exchanged", 300, None),  # a headline
        ("https://news.example.com/a/3", "article", "Not found: the children taken to Russia", 900, None),
        ("https://news.example.com/live/ukraine-talks", "article", "Live", 40, "live-blog shell"),
        ("https://news.example.com/news/ukraine-talks", "article", "Talks resume", 500, None),
        ("https://news.example.com/live/ukraine-talks", "article", "Live", 2000, None),
    ],
)
def test_not_article(url: str, page_type: str, title: str, words: int, expected: str | None) -> None:
    reason = not_article_reason(url, page_type, title, words)
    assert (reason is None) if expected is None else (expected in (reason or ""))


def test_truncated() -> None:
    assert is_truncated(b"<p>Subscribe to continue reading</p>", 400, None)
    assert is_truncated(b"<html></html>", 100, "word " * 300)
    assert not is_truncated(b"<html></html>", 400, "word " * 300)
    assert not is_truncated(b"<script>var paywall = false;</script>", 400, None)


def test_date_flags() -> None:
    assert date_flag(NOW + timedelta(days=3), None, NOW) == "future"
    assert date_flag(datetime(1990, 1, 1, tzinfo=UTC), None, NOW) == "before_1995"
    assert date_flag(NOW - timedelta(days=90), NOW, NOW) == "far_from_feed_date"
    assert date_flag(NOW - timedelta(hours=5), NOW, NOW) is None
    assert date_flag(None, NOW, NOW) is None
