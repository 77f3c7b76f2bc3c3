"""The extract-fingerprint-tag stage on one page: seeds, articles, rejections, pages that failed earlier."""

from __future__ import annotations

from extractors.dedup import fingerprint
from extractors.model import Item, Page
from extractors.outcome import Outcome
from extractors.process import extract, process_page
from extractors.tagging import Matcher, tag
from tests.conftest import CORPUS, page

URL = "https://wire.example/uk-talks"


def feed_page(name: str) -> Page:
    return Page(
        Item(key=URL, source="feed", url=URL, language="uk"), Outcome.OK, page(name), URL, "text/html"
    )


def test_an_article_is_extracted_fingerprinted_and_tagged_and_its_body_is_dropped(matcher: Matcher) -> None:
    done = process_page(feed_page("uk-talks"), 80, matcher)
    assert done.outcome == Outcome.OK and done.final == Outcome.LOADED and done.article is not None
    assert done.page.body == b"" and done.page.final_url == URL
    assert done.fingerprint == fingerprint(done.article.text)
    assert done.tags == tag(matcher, f"{done.article.title}\n{done.article.text}")


def test_a_seed_is_parsed_from_its_text(matcher: Matcher) -> None:
    text = (CORPUS / "000_6a9ea2563cee9e0e.txt").read_text(encoding="utf-8")
    seed = Page(Item(key="seed:000", source="seed", seed_text=text), Outcome.OK)
    done = process_page(seed, 80, matcher)
    assert done.article is not None and done.article.text and done.tags is not None
    assert extract(seed, 80) == done.article


def test_a_page_that_is_not_an_article_ends_in_its_rejection(matcher: Matcher) -> None:
    done = process_page(feed_page("video"), 80, matcher)
    assert done.outcome == Outcome.NOT_ARTICLE and done.article is None and done.detail
    assert done.page.body == b""


def test_a_page_that_failed_earlier_keeps_its_outcome_and_is_not_extracted(matcher: Matcher) -> None:
    failed = Page(Item(key=URL, source="feed", url=URL), Outcome.FETCH_ERROR, detail="HTTP 503")
    done = process_page(failed, 80, matcher)
    assert (done.outcome, done.detail, done.article, done.page) == (
        Outcome.FETCH_ERROR,
        "HTTP 503",
        None,
        failed,
    )
