from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from extractors.article import Article, Rejection, extract_article
from extractors.corpus import parse_seed
from extractors.language import detect_language
from tests.conftest import CORPUS, page

URL = "http://127.0.0.1/articles/x.html"


def test_seed_page_text_without_boilerplate() -> None:
    art = extract_article(page("seed-000"), URL, 80)
    assert isinstance(art, Article)
    assert art.title.startswith("Strategy Revision")
    assert "Donbas" in art.text and art.word_count > 1000
    for junk in ("We use cookies", "Most read", "Get the morning briefing", "All rights reserved"):
        assert junk not in art.text
    assert art.published_at == datetime(2026, 2, 21, tzinfo=UTC) and art.date_source == "page"
    assert art.language == "en" and art.authors == ("Staff",)


def test_languages_from_html_lang() -> None:
    uk = extract_article(page("uk-talks"), URL, 80)
    ru = extract_article(page("ru-talks"), URL, 80)
    assert isinstance(uk, Article) and isinstance(ru, Article)
    assert (uk.language, ru.language) == ("uk", "ru")
    assert "Умєров" in uk.text


def test_video_page_is_not_an_article() -> None:
    result = extract_article(page("video"), URL, 80)
    assert isinstance(result, Rejection) and result.outcome == "not_article"


def test_short_page_is_no_text() -> None:
    html = "<html><body><article><p>Only a few words here.</p></article></body></html>"
    result = extract_article(html, URL, 80)
    assert isinstance(result, Rejection) and result.outcome == "no_text"


def test_truncated_page_keeps_the_longer_feed_text() -> None:
    body = "<p>" + "Ukraine talks continue. " * 30 + "</p><p>Subscribe to continue reading.</p>"
    html = f"<html><body><article>{body}</article></body></html>"
    feed_text = "Full text from the feed. " * 60
    art = extract_article(html, URL, 80, feed_text=feed_text)
    assert isinstance(art, Article) and art.truncated and art.text.startswith("Full text from the feed")


def test_feed_date_is_the_fallback() -> None:
    html = "<html><body><article>" + "<p>" + "word " * 120 + "</p></article></body></html>"
    feed_date = datetime(2025, 1, 2, tzinfo=UTC)
    art = extract_article(html, "http://127.0.0.1/a", 80, feed_date=feed_date)
    assert isinstance(art, Article) and art.published_at == feed_date and art.date_source == "feed"


def test_real_battlefield_page() -> None:
    art = extract_article(page("battlefield"), URL, 80)
    assert isinstance(art, Article) and "Oreshnik" in art.text


def test_seed_files_parse_with_title_and_date() -> None:
    seeds = {p.name[:3]: parse_seed(p.read_text()) for p in sorted(Path(CORPUS).glob("*.txt"))}
    assert seeds["000"].title.startswith("Strategy Revision")
    assert seeds["000"].published_at == datetime(2026, 2, 21, tzinfo=UTC)
    assert seeds["002"].title.startswith("Donald Trump has claimed")
    assert all(s.language == "en" and s.word_count > 900 for s in seeds.values())


def test_detect_language_separates_ukrainian_and_russian() -> None:
    assert detect_language("Україна і Росія ведуть переговори про мир. " * 10) == "uk"
    assert detect_language("Россия и Украина ведут переговоры о мире, объявлено перемирие. " * 10) == "ru"
    assert (
        detect_language("Die Verhandlungen über die Ukraine und der Frieden sind nicht einfach " * 5) == "de"
    )


def test_updated_date_and_header_language() -> None:
    body = "<p>" + "Переговори тривають у Женеві. " * 40 + "</p>"
    html = ('<html><head><meta property="article:modified_time" content="2025-12-03T10:00:00+02:00">'
            f"</head><body><article>{body}</article></body></html>")  # fmt: skip
    art = extract_article(html, URL, 80, header_language="uk-UA, en")
    assert isinstance(art, Article)
    assert art.updated_at is not None and art.updated_at.isoformat() == "2025-12-03T10:00:00+02:00"
    assert art.language == "uk"
    undeclared = extract_article(html, URL, 80, feed_language="en")
    assert isinstance(undeclared, Article) and undeclared.language == "uk"  # detection beats the feed
