"""CPU stages over a batch: extract, fingerprint, tag; in a process pool when large.

The functions here are pure (bytes in, dataclasses out) so they can run in
worker processes. Workers are started with 'spawn' (the parent runs Prefect's
threads, which 'fork' would copy mid-flight) and kept for the whole run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from extractors.article import Article, Rejection, extract_article
from extractors.corpus import parse_seed
from extractors.dedup import fingerprint
from extractors.model import Page, Processed
from extractors.outcome import Outcome
from extractors.pages import pack
from extractors.tagging import Matcher, Tags, tag
from extractors.taxonomy import load_taxonomy
from peacewire.lifeline import exit_with_parent

T = TypeVar("T")
R = TypeVar("R")
_matcher: Matcher | None = None
_matcher_path: Path | None = None


def matcher_for(path: Path) -> Matcher:
    """The compiled matcher of a taxonomy file, built once per process."""
    global _matcher, _matcher_path
    if _matcher is None or _matcher_path != path:
        _matcher, _matcher_path = Matcher(load_taxonomy(path)), path
    return _matcher


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


def process(page: Page, min_words: int, taxonomy: Path) -> Processed:
    """One page through archiving (hash, compress), extraction, fingerprinting and tagging."""
    if page.outcome.is_final:
        return Processed(page, page.outcome, detail=page.detail)
    result = extract(page, min_words)
    light = replace(page, body=b"")  # the body is archived already: do not send it back
    if isinstance(result, Rejection):
        return Processed(light, result.outcome, detail=result.reason)
    tags = tag(matcher_for(taxonomy), f"{result.title}\n{result.text}")
    return Processed(light, Outcome.OK, result, fingerprint(result.text), tags)


def _process_star(args: tuple[Page, int, Path]) -> Processed:
    return process(*args)


def workers(requested: int) -> int:
    return requested or os.cpu_count() or 1


def make_pool(requested: int) -> Executor | None:
    """A spawn-based process pool, or None when one worker is all there is (run inline).

    Its workers end when this process does, even on SIGKILL (peacewire.lifeline.exit_with_parent).
    """
    n = workers(requested)
    if n == 1:
        return None
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )


def map_batch(fn: Callable[[T], R], items: Sequence[T], pool: Executor | None, min_batch: int) -> list[R]:
    """fn over items, in the pool when the batch is large enough to pay for it."""
    if pool is None or len(items) < min_batch:
        return [fn(x) for x in items]
    chunk = max(1, len(items) // (4 * workers(0)))
    return list(pool.map(fn, items, chunksize=chunk))


def process_batch(
    pages: Sequence[Page], min_words: int, taxonomy: Path, pool: Executor | None, min_batch: int
) -> list[Processed]:
    jobs = [(p, min_words, taxonomy) for p in pages]
    return map_batch(_process_star, jobs, pool, min_batch)


def tag_text(job: tuple[str, Path]) -> Tags:
    """Tags of one text with the taxonomy at a path (pool-friendly: one picklable argument)."""
    return tag(matcher_for(job[1]), job[0])


def pack_bodies(pages: Sequence[Page], threads: int) -> list[tuple[str, bytes]]:
    """extractors.pages.pack of every page that has a body, in threads (hashing and zlib release the GIL)."""
    with ThreadPoolExecutor(max(1, threads)) as pool:
        return list(pool.map(pack, (p.body for p in pages if p.body)))
