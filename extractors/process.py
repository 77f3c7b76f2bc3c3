"""Extract, fingerprint and tag one page (pure): the CPU stages of a batch, run in a worker process when
the batch is large (flows.work).

A seed file's text is parsed as it is; a fetched page goes through trafilatura (extractors.article). A
page too thin or not an article ends in its rejection's outcome; an article gets its dedup fingerprint
(extractors.dedup) and its labels and relevance (extractors.tagging).
"""

from __future__ import annotations

from dataclasses import replace

from extractors.article import Article, Rejection, extract_article
from extractors.corpus import parse_seed
from extractors.dedup import fingerprint
from extractors.model import Page, Processed
from extractors.outcome import Outcome
from extractors.tagging import Matcher, tag


def extract(page: Page, min_words: int) -> Article | Rejection:
    item = page.item
    if item.seed_text is not None:
        return parse_seed(item.seed_text)
    url = page.final_url or item.url or ""
    return extract_article(
        page.body,
        url,
        min_words,
        item.feed_date,
        item.language,
        item.summary,
        page.content_language,
        page.content_type,
    )


def tagged_text(title: str | None, text: str) -> str:
    """What is tagged of an article: its title, then its text."""
    return f"{title or ''}\n{text}"


def process_page(page: Page, min_words: int, matcher: Matcher) -> Processed:
    """One page through extraction, fingerprinting and tagging (its body is archived already)."""
    if page.outcome.is_final:
        return Processed(page, page.outcome, detail=page.detail)
    result = extract(page, min_words)
    light = replace(page, body=b"")  # the body is in the raw archive: do not send it back from a worker
    if isinstance(result, Rejection):
        return Processed(light, result.outcome, detail=result.reason)
    tags = tag(matcher, tagged_text(result.title, result.text), result.language)
    return Processed(light, Outcome.OK, result, fingerprint(result.text), tags)
