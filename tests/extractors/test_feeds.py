from __future__ import annotations

from pathlib import Path

import pytest

from extractors.feeds import parse_feed

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"


def parse(name: str):
    return parse_feed((FEEDS / name).read_bytes(), "https://feeds.example.com/feed")


def test_rss20_guardian() -> None:
    feed = parse("rss-parser__guardian.rss")
    assert feed.ok and feed.format == "rss20" and not feed.degraded
    assert len(feed.entries) == 55
    first = feed.entries[0]
    assert first.link and first.link.startswith("https://") and "theguardian.com" in first.link
    assert first.guid and first.title and first.published_at is not None
    assert "<" not in first.summary  # HTML stripped once, here


def test_atom_with_full_content() -> None:
    feed = parse("rss-parser__heise.atom")
    assert feed.format == "atom10" and len(feed.entries) == 15
    assert all(e.content for e in feed.entries)  # atom:content kept as text


def test_rdf_rss10() -> None:
    feed = parse("rss-parser__rss-1.rss")
    assert feed.format == "rss10" and len(feed.entries) == 69
    assert all(e.link for e in feed.entries)


def test_latin1_feed_decodes_without_mojibake() -> None:
    feed = parse("rss-parser__encoding.rss")
    text = " ".join(e.title for e in feed.entries)
    assert "Ã" not in text and any(ch in text for ch in "ãçéõá")


def test_gb2312_feed_decodes() -> None:
    feed = parse("rss-parser__encoding-gb2312.xml")
    assert len(feed.entries) == 20
    assert any("\u4e00" <= ch <= "\u9fff" for ch in feed.entries[0].title)


@pytest.mark.parametrize("name", ["rss-parser__unrecognized.rss", "node-feedparser__compressed.xml"])
def test_not_a_feed_is_reported_not_raised(name: str) -> None:
    feed = parse(name)
    assert not feed.ok and feed.entries == () and feed.problem


def test_html_page_served_as_feed_is_named() -> None:
    feed = parse_feed(b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "https://news.example.com/")
    assert not feed.ok and feed.problem == "an HTML page, not a feed"


def test_relative_links_resolve_against_the_feed_url() -> None:
    body = b'<rss version="2.0"><channel><title>t</title><item><title>a</title><link>/news/1</link></item></channel></rss>'
    feed = parse_feed(body, "https://news.example.com/feeds/rss.xml")
    assert feed.entries[0].link == "https://news.example.com/news/1"


def test_missing_date_is_kept_as_none() -> None:
    body = b'<rss version="2.0"><channel><title>t</title><item><title>a</title><link>https://news.example.com/a</link></item></channel></rss>'
    entry = parse_feed(body, "https://news.example.com/").entries[0]
    assert entry.published_at is None
