"""`make bench`: throughput and memory of the stage chain on real pages, and view latency.

1. Real pages (shared/benchmarks: article-extraction + pages), in memory:
   trafilatura alone vs the whole chain (extract + fingerprint + tag + dedup + load
   into a DuckDB file), one core and all cores; their ratio; peak memory.
2. A run in which no feed changed (every feed answers 304), through the real flow.
3. The analysis views on a warehouse of N synthetic articles (default 1,000,000).
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from extractors import linking
from extractors import pages as fetch
from extractors.article import OPTIONS
from extractors.linking import Rules
from extractors.model import Item, Page, now
from extractors.process import tagged_text
from flows import work
from flows.work import tag_text
from peacewire.settings import PROJECT_ROOT, apply_prefect_environment, load_settings
from warehouse import dedup_index, rows
from warehouse import load as wh
from warehouse.db import migrate, opened
from warehouse.records import StoredText, read_records

TAXONOMY = PROJECT_ROOT / "seeds" / "taxonomy.toml"

CONFIG = load_settings({}).view_config()  # the settings' defaults, as an ingest writes them


def real_pages(shared: Path) -> list[tuple[str, bytes]]:
    pages = []
    for f in sorted((shared / "benchmarks/article-extraction/html").glob("*.html.gz")):
        pages.append((f"https://bench.example/{f.name[:16]}", gzip.decompress(f.read_bytes())))
    for f in sorted((shared / "benchmarks/pages").rglob("*.html*")):
        body = gzip.decompress(f.read_bytes()) if f.suffix == ".gz" else f.read_bytes()
        pages.append((f"https://bench.example/{f.stem}", body))
    return pages


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Median wall time over `repeat` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def trafilatura_one(page: tuple[str, bytes]) -> bool:
    """The extraction alone, with the options the pipeline uses."""
    doc = trafilatura.bare_extraction(page[1], url=page[0], **OPTIONS)
    return doc is not None


def trafilatura_alone(pages: list[tuple[str, bytes]], pool: Any = None) -> int:
    return sum(work.map_batch(trafilatura_one, pages, pool, 1))


def chain(pages: list[tuple[str, bytes]], pool: Any, db: Path) -> dict[str, int]:
    """The stages of an ingest batch, minus the network: process, dedup, load."""
    items = [Page(Item(key=f"k{i}", source="feed", url=u), "ok", b, u) for i, (u, b) in enumerate(pages)]
    packed = work.pack_bodies(items, work.workers(0) if pool else 1)  # the archive-pages task's steps
    wh.load(db, rows.raw_tables(items, packed, now()))
    items = fetch.archived(items, packed)
    docs = work.process_batch(items, 80, TAXONOMY, pool, 1)
    stored = dedup_index.lookup(db, docs)  # the dedup task's steps
    docs = linking.decide_batch(docs, stored.candidates, Rules(0.5, 0.8, stored.overrides))
    return wh.load(db, rows.batch_tables(docs, "bench", now()))


def fresh_db(folder: Path, name: str) -> Path:
    db = folder / name
    with opened(db, read_only=False) as conn:
        migrate(conn, CONFIG)
    return db


def bench_pages(shared: Path, folder: Path) -> None:
    pages = real_pages(shared)
    print(f"\n## Stage chain on {len(pages)} real pages ({sum(len(b) for _, b in pages) / 1e6:.1f} MB HTML)")
    trafilatura_alone(pages[:5])  # warm-up (imports, caches)
    t_alone, _ = timed(lambda: trafilatura_alone(pages))
    # Each timed pass loads into its own fresh warehouse (created before the clock starts).
    dbs = iter([fresh_db(folder, f"chain{i}.duckdb") for i in range(8)])
    chain(pages[:5], None, next(dbs))
    t_chain1, _ = timed(lambda: chain(pages, None, next(dbs)))
    cores = work.workers(0)
    pool = work.make_pool(0)
    trafilatura_alone(pages[:8], pool)
    t_alone_n, _ = timed(lambda: trafilatura_alone(pages, pool))
    chain(pages[:8], pool, next(dbs))
    t_chain_n, _ = timed(lambda: chain(pages, pool, next(dbs)))
    if pool is not None:
        pool.shutdown()
    bench_retag(folder)
    rate = len(pages) / t_alone
    print(f"trafilatura alone, 1 core        : {rate:7.1f} pages/s")
    print(f"whole chain, 1 core (inline)     : {len(pages) / t_chain1:7.1f} pages/s  "
          f"ratio {t_alone / t_chain1:.2f} (target >= 0.80)")  # fmt: skip
    print(f"trafilatura alone, {cores} processes   : {len(pages) / t_alone_n:7.1f} pages/s")
    print(f"whole chain, {cores} worker processes  : {len(pages) / t_chain_n:7.1f} pages/s  "
          f"ratio {t_alone_n / t_chain_n:.2f} (same cores; target >= 0.80)")  # fmt: skip


def bench_retag(folder: Path) -> None:
    """Retag's stages (read texts, tag, replace labels) on the warehouse the chain filled, one core."""
    db = folder / "chain7.duckdb"
    texts = read_records(db, "read_articles_for_retag", StoredText, {"limit": 100_000, "offset": 0})
    for lang in {t.language for t in texts}:  # the matcher and its lemma tries are compiled once per process
        tag_text(("warm-up", TAXONOMY, lang))
    start = time.perf_counter()
    tags = [tag_text((tagged_text(t.title, t.text), TAXONOMY, t.language)) for t in texts]
    tagged = time.perf_counter() - start
    wh.load(db, rows.retag_tables([t.article_id for t in texts], tags))
    seconds = time.perf_counter() - start
    print(f"tagging alone on real pages, 1 core: {len(texts) / tagged:7.1f} articles/s ({len(texts)} docs)")
    print(f"retag (tag + replace labels), 1 core: {len(texts) / seconds:7.1f} articles/s ({len(texts)} docs)")


def peak_memory_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def bench_no_change(folder: Path) -> None:
    from flows.ingest import ingest
    from tests.devsite import serve, write_feed_list

    print("\n## A run in which no feed changed (every feed answers 304)")
    site_root = PROJECT_ROOT / "tests" / "fixtures" / "site"
    with serve(site_root) as site:
        feeds = write_feed_list(site, folder / "feeds.toml", [("a", "/feed-a.xml", "A", "en"),
                                                              ("b", "/feed-b.atom", "B", "en")])  # fmt: skip
        db = folder / "nochange.duckdb"
        t_first, _ = timed(lambda: ingest(feeds=str(feeds), db=str(db)), repeat=1)
        t_second, summary = timed(lambda: ingest(feeds=str(feeds), db=str(db), force=True), repeat=1)
    outcomes = [f["outcome"] for f in summary["feeds"]]
    print(f"first run (16 entries, 5 seeds)  : {t_first:6.2f} s")
    print(f"second run, nothing changed      : {t_second:6.2f} s  feeds: {outcomes}")


VIEW_QUERIES = {
    "v_articles (count)": "SELECT count(*) FROM v_articles",
    "v_unique_relevant_articles (count)": "SELECT count(*) FROM v_unique_relevant_articles",
    "v_label_counts_daily (all rows)": "SELECT * FROM v_label_counts_daily",
    "v_actor_proposal (all rows)": "SELECT * FROM v_actor_proposal",
    "v_outlet_coverage (all rows)": "SELECT * FROM v_outlet_coverage",
    "v_feed_health (all rows)": "SELECT * FROM v_feed_health",
    "v_labels for one label": "SELECT count(*) FROM v_labels WHERE label = 'minerals-deal'",
}


def bench_views(folder: Path, n: int) -> None:
    print(f"\n## Analysis views on {n:,} synthetic articles")
    db = fresh_db(folder, "views.duckdb")
    start = time.perf_counter()
    with opened(db, read_only=False) as conn:
        conn.execute("SET VARIABLE n = ?", [n])
        conn.execute((Path(__file__).parent / "synthetic.sql").read_text())
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
                  for t in ("articles", "labels", "duplicates")}  # fmt: skip
    size = db.stat().st_size / 1e6
    print(f"generated in {time.perf_counter() - start:.1f} s: {counts}; file {size:.0f} MB")
    with opened(db, read_only=True) as conn:
        for name, sql in VIEW_QUERIES.items():
            conn.execute(sql).fetchall()
            t, _ = timed(lambda sql=sql: conn.execute(sql).fetchall(), repeat=5)
            print(f"{name:40s}: {t * 1000:7.1f} ms  {'ok' if t <= 0.2 else 'OVER 200 ms'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=PROJECT_ROOT.parent / "shared")
    parser.add_argument("--articles", type=int, default=1_000_000, help="synthetic articles for the views")
    parser.add_argument("--skip-flow", action="store_true", help="skip the Prefect no-change run")
    args = parser.parse_args()
    os.environ.setdefault("PEACEWIRE_ALLOWED_HOSTS", "127.0.0.0/8")  # the no-change run's local site
    os.environ.setdefault("PEACEWIRE_HOST_DELAY", "0")
    apply_prefect_environment(load_settings())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bench_pages(args.shared, folder)
        own, children = peak_memory_mb()
        print(f"peak memory: main process {own:.0f} MB, largest worker {children:.0f} MB")
        if not args.skip_flow:
            bench_no_change(folder)
        bench_views(folder, args.articles)


if __name__ == "__main__":
    main()
