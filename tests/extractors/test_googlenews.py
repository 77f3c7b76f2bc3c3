from __future__ import annotations

from extractors.googlenews import is_google_news, publisher_url
from tests.faultsite import GOOGLE_NEWS, google_link

PUBLISHER = "https://news.example.com/zelensky-umerov-geneva-talks/"


def test_classic_ids_decode_to_the_publisher() -> None:
    assert publisher_url(google_link(PUBLISHER)) == PUBLISHER


def test_other_links_are_left_alone() -> None:
    assert publisher_url(PUBLISHER) is None
    assert not is_google_news(f"https://{GOOGLE_NEWS}/topstories")
    assert publisher_url(f"https://{GOOGLE_NEWS}/rss/articles/AU_yqLnotbase64!!") is None
