from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.urls import InvalidURL, _is_tracking, canonical_url, guid_key, url_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.Example.com/a/b/", "http://example.com/a/b"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?fbclid=x&gclid=y&ocid=z", "https://example.com/a"),
        ("https://m.example.com/news/1", "https://example.com/news/1"),
        ("https://example.com/news/1/amp", "https://example.com/news/1"),
        ("https://example.com/news/1.amp.html", "https://example.com/news/1"),
    ],
)
def test_same_article_same_canonical_url(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://example.com/a", "https://example.com/b"),
        ("https://example.com/a?id=1", "https://example.com/a?id=2"),
        ("https://example.com/a", "https://example.org/a"),
        ("https://example.com:8080/a", "https://example.com/a"),
        ("https://example.com/A", "https://example.com/a"),
    ],
)
def test_different_articles_stay_apart(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


@pytest.mark.parametrize("bad", ["ftp://example.com/a", "javascript:alert(1)", "/relative", ""])
def test_rejects_non_http_urls(bad: str) -> None:
    with pytest.raises(InvalidURL):
        canonical_url(bad)


def test_guid_keys_are_scoped_by_feed() -> None:
    assert guid_key("a", "123") != guid_key("b", "123")
    assert guid_key("a", " 123 ") == guid_key("a", "123")


segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8)
# Meaningful parameters: anything the canonicaliser does not know as tracking.
param = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=6).filter(
    lambda k: not _is_tracking(k)
)


@st.composite
def urls(draw: st.DrawFn) -> str:
    host = draw(st.sampled_from(["example.com", "news.example.org", "WWW.Example.net"]))
    path = "/".join(draw(st.lists(segment, min_size=1, max_size=4)))
    query = draw(st.dictionaries(param, segment, max_size=3))
    q = "&".join(f"{k}={v}" for k, v in query.items())
    tracking = draw(st.sampled_from(["", "utm_source=x", "fbclid=y"]))
    q = "&".join(x for x in (q, tracking) if x)
    return f"https://{host}/{path}" + (f"?{q}" if q else "") + draw(st.sampled_from(["", "#top"]))


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/0/amp/amp",  # found by hypothesis: one suffix was stripped per pass
        "https://example.com/story/amp//",
        "https://m.www.example.com/story",
        "https://amp.m.example.com/story/amp.html",
    ],
)
def test_canonicalising_twice_changes_nothing(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(urls())
def test_canonicalisation_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(urls(), segment.filter(lambda s: s != "amp"))  # "/amp" is the AMP variant: merged on purpose
def test_a_meaningful_path_change_is_never_merged(url: str, extra: str) -> None:
    base, _, rest = url.partition("?")
    base = base.split("#")[0]
    other = f"{base}/{extra}" + (f"?{rest}" if rest else "")
    assert canonical_url(url) != canonical_url(other)


@given(urls(), param, segment)
def test_a_meaningful_query_change_is_never_merged(url: str, key: str, value: str) -> None:
    base = url.split("#", maxsplit=1)[0]
    sep = "&" if "?" in base else "?"
    other = f"{base}{sep}{key}={value}x"
    assert canonical_url(url) != canonical_url(other)
