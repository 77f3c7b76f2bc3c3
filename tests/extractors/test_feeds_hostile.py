"""Hostile feeds: a bad entry is a recorded problem, never an exception (and never the feed's own URL)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.feeds import parse_feed, safe_charrefs
from extractors.urls import BadURL, canonicalise, guid_key, host_of, key_of

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
REAL_FEEDS = sorted(FEEDS.iterdir())
BASE = "https://feeds.example.com/rss"
GOOD = "<item><title>good</title><link>https://news.example.com/good</link></item>"


def rss(*items: str) -> bytes:
    return f'<rss version="2.0"><channel><title>t</title>{"".join(items)}</channel></rss>'.encode()


def atom(entry: str) -> bytes:
    return (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        f'{entry}<entry><title>good</title><link href="https://news.example.com/good"/><id>g</id></entry></feed>'
    ).encode()


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ("<item><title>a</title><link>http://[::1</link></item>", "Invalid IPv6 URL"),
        ("<item><title>a</title><link>http://h:99999/</link></item>", "Port out of range"),
        ("<item><title>a</title><link>http://h:abc/</link></item>", "Port could not be cast"),
        ("<item><title>a</title><link>  </link></item>", "no link"),
        ("<item><title>a</title><link>ftp://example.com/a</link></item>", "not an absolute http(s) URL"),
        ("<item><title>a</title><link>https://feeds.example.com/rss</link></item>", "the feed itself"),
    ],
)
def test_a_bad_link_is_a_problem_of_its_entry_only(item: str, reason: str) -> None:
    feed = parse_feed(rss(item, GOOD), BASE)
    bad, good = feed.entries
    assert feed.ok and feed.degraded and reason in (feed.problem or "")
    assert bad.link is None and reason in (bad.problem or "")
    assert good.link == "https://news.example.com/good" and good.problem is None


def test_a_blank_atom_link_does_not_become_the_feed_url() -> None:
    feed = parse_feed(atom('<entry><title>x</title><link href=" "/><id>1</id></entry>'), BASE)
    assert feed.entries[0].link is None and feed.entries[0].problem  # before: the feed's own URL
    assert feed.entries[1].link == "https://news.example.com/good"


@pytest.mark.parametrize("ref", ["&#xD800;", "&#x110000;", "&#99999999999999999999;", "&#0;", "&#xFFFE;"])
def test_an_impossible_character_reference_becomes_a_replacement_character(ref: str) -> None:
    feed = parse_feed(
        rss(f"<item><title>a{ref}b</title><link>https://news.example.com/a</link></item>"), BASE
    )
    assert feed.ok and feed.entries[0].title == "a\ufffdb"


def test_valid_character_references_are_kept() -> None:
    assert safe_charrefs("&#233;&#x1F600;&#10;&amp;") == "&#233;&#x1F600;&#10;&amp;"


def test_an_impossible_date_drops_the_date_not_the_entry() -> None:
    body = atom("<entry><title>x</title><link href='https://news.example.com/x'/><id>1</id>"
                "<updated>0001-01-01T00:00:00+14:00</updated></entry>")  # fmt: skip
    feed = parse_feed(body, BASE)
    first = feed.entries[0]
    assert first.link == "https://news.example.com/x" and first.published_at is None and first.problem is None
    assert feed.degraded and "date dropped" in (feed.problem or "")


# ------------------------------------------------------------------ fuzzing: "never raises"

SNIPPETS = st.sampled_from([
    "&#xD800;", "&#x110000;", "&#99999999999999999999;", "<link>http://[::1</link>", "<link>http://h:99999/</link>",
    "<updated>0001-01-01T00:00:00+14:00</updated>", "<pubDate>Mon, 99 Foo 0000 99:99:99 +9999</pubDate>",
    "<![CDATA[", "]]>", "<item>", "</item>", "<entry>", "<link href=''/>", "\x00", "\udcff", "&bogus;",
    "<?xml version='1.0' encoding='utf-32'?>", "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;",
])  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(body: bytes) -> None:
    parse_feed(body, BASE)


@st.composite
def mutated_feeds(draw: st.DrawFn) -> bytes:
    """A real captured feed with hostile snippets inserted at arbitrary places."""
    text = draw(st.sampled_from(REAL_FEEDS)).read_bytes().decode("utf-8", "surrogateescape")[:20_000]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(SNIPPETS) + text[at:]
    return text.encode("utf-8", "surrogateescape")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_feeds())
def test_mutated_real_feeds_never_raise(body: bytes) -> None:
    feed = parse_feed(body, BASE)
    for entry in feed.entries:
        assert (entry.link is None) == (entry.problem is not None)
        if entry.link:
            assert not isinstance(key_of(entry.link), BadURL)


URLISH = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda s, h, p: f"{s}://{h}{p}",
        st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
        st.text(max_size=20),
        st.text(max_size=30),
    ),
    st.builds(
        lambda h, port: f"http://{h}:{port}/",
        st.sampled_from(["h", "[::1", "[::1]", "1.2.3.4"]),
        st.text(max_size=8),
    ),
)


@settings(max_examples=400, deadline=None)
@given(URLISH)
def test_the_url_layer_never_raises(url: str) -> None:
    result = canonicalise(url)
    host_of(url)
    guid_key("feed", url)
    if not isinstance(result, BadURL):
        assert canonicalise(result) == result  # and a canonical URL is a fixed point
