from __future__ import annotations

from extractors.googlenews import is_google_news, publisher_url
from tests.faultsite import google_link

PUBLISHER = "https://kyivindependent.com/zelensky-umerov-geneva-talks/"


def test_classic_ids_decode_to_the_publisher() -> None:
    assert publisher_url(google_link(PUBLISHER)) == PUBLISHER


def test_other_links_are_left_alone() -> None:
    assert publisher_url(PUBLISHER) is None
    assert not is_google_news("https://news.google.com/topstories")
    assert publisher_url("https://news.google.com/rss/articles/AU_yqLnotbase64!!") is None
