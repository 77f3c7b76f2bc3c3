"""The reextract flow: rebuild feed articles from the raw archive, without the network.

Use it after an extraction or dedup change: every archived page is extracted,
fingerprinted, tagged and de-duplicated again, and its rows are replaced in one
transaction per batch. Entries that ended as no_text or not_article get a new
chance too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extractors import linking
from extractors.linking import Rules
from extractors.model import Page, Processed, now
from extractors.outcome import Outcome
from flows import prepare, progress, work
from peacewire.settings import Settings
from warehouse import dedup_index, reads, rows
from warehouse import load as wh


@task(name="read-archive", cache_policy=NO_CACHE, persist_result=False)
def read_archive(s: Settings, offset: int) -> list[Page]:
    return reads.archived_pages(s.db, s.batch_size, offset)


@task(name="extract-fingerprint-tag", cache_policy=NO_CACHE, persist_result=False)
def process_pages(s: Settings, pages: Sequence[Page], pool: Any) -> list[Processed]:
    return work.process_batch(pages, s.min_words, s.taxonomy, pool, s.pool_min_batch)


@task(name="dedup", cache_policy=NO_CACHE, persist_result=False)
def dedup_batch(s: Settings, docs: Sequence[Processed]) -> list[Processed]:
    stored = dedup_index.lookup(s.db, docs)
    rules = Rules(s.near_dup_threshold, s.containment_threshold, stored.overrides)
    return linking.decide_batch(docs, stored.candidates, rules, exclude_batch=True)


@task(name="replace", cache_policy=NO_CACHE, persist_result=False)
def replace_batch(s: Settings, docs: Sequence[Processed], run_id: str) -> Counter[Outcome]:
    wh.load(s.db, rows.reextract_tables(docs, run_id, now()))
    return Counter(d.final for d in docs)


@flow(name="reextract", description="Rebuild feed articles from the raw archive (no network).")
def reextract(db: str | None = None, prepared: str | None = None) -> dict[str, int]:
    """`prepared`: the id of the preparation the CLI made in this process (flows.prepare), else none."""
    log = get_run_logger()
    tally: Counter[Outcome] = Counter()
    with prepare.prepared(prepared, {"db": Path(db) if db else None}, feeds=False, taxonomy=False) as run:
        s = run.settings
        with work.pool(s.workers) as pool:
            offset = 0
            while pages := read_archive(s, offset):
                docs = dedup_batch(s, process_pages(s, pages, pool))
                tally.update(replace_batch(s, docs, "reextract-" + now().strftime("%Y%m%dT%H%M%SZ")))
                offset += len(pages)
                log.info("reextracted %d archived pages: %s", offset, dict(tally))
                progress.advance("archived pages", offset)
    return {k.value: n for k, n in tally.items()}
