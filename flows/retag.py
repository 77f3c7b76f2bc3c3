"""The retag flow: label every stored article again with the current taxonomy.

After an edit of seeds/taxonomy.toml (bump its version), `peacewire retag`
replaces every article's labels, relevance and label arrays, one transaction
per batch, tagging in a process pool; it reports articles per second.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from extractors.process import tagged_text
from extractors.tagging import Tags
from flows import prepare, progress, work
from peacewire.settings import Settings
from warehouse import load as wh
from warehouse import reads, rows
from warehouse.records import StoredText


@task(name="read-texts", cache_policy=NO_CACHE, persist_result=False)
def read_texts(s: Settings, offset: int) -> list[StoredText]:
    return reads.stored_texts(s.db, s.batch_size, offset)


@task(name="tag", cache_policy=NO_CACHE, persist_result=False)
def tag_batch(s: Settings, texts: Sequence[StoredText], pool: Any) -> list[Tags]:
    jobs = [(tagged_text(t.title, t.text), s.taxonomy, t.language) for t in texts]
    return work.map_batch(work.tag_text, jobs, pool, s.pool_min_batch)


@task(name="replace-labels", cache_policy=NO_CACHE, persist_result=False)
def replace_labels(s: Settings, ids: Sequence[str], tags: Sequence[Tags]) -> None:
    wh.load(s.db, rows.retag_tables(ids, tags))


@flow(name="retag", description="Label every stored article again with the current taxonomy.")
def retag(db: str | None = None, prepared: str | None = None) -> dict[str, Any]:
    """`prepared`: the id of the preparation the CLI made in this process (flows.prepare), else none."""
    log = get_run_logger()
    start, done = time.perf_counter(), 0
    with prepare.prepared(prepared, {"db": Path(db) if db else None}, feeds=False) as run:
        s, version = run.settings, run.taxonomy_version
        with work.pool(s.workers) as pool:
            while texts := read_texts(s, done):
                replace_labels(s, [t.article_id for t in texts], tag_batch(s, texts, pool))
                done += len(texts)
                log.info("retagged %d articles with taxonomy %s", done, version)
                progress.advance("articles", done)
    seconds = time.perf_counter() - start
    return {
        "articles": done,
        "taxonomy_version": version,
        "seconds": round(seconds, 2),
        "articles_per_second": round(done / seconds, 1) if seconds else 0.0,
    }
