"""`make bench-dedup-scale`: the near-duplicate index at 100,000 and 1,000,000 articles.

Synthetic articles (120-400 words drawn from a Zipf distribution over a 40,000
word vocabulary, seeded) are fingerprinted with the pipeline's own
`fingerprint` (a process per core) and loaded with the pipeline's own
`warehouse.load` (lsh_index + articles, batches of 10,000) into a DuckDB file.
Then lookups go through the ingest's own candidate query
(`warehouse.dedup_index.stored_candidates`), for batches of the ingest's batch size
(half the probes near-copies of indexed articles: 10 % of words edited) and
for single articles. Reported: index throughput, lookup latency per article
(p50, p95), the recall of the copies among the candidates, the warehouse
size, and peak memory (this process; the fingerprinting workers apart).
Article texts are not stored (the index is what is measured), so the file
size is the index plus the article rows' other columns.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from extractors.dedup import Fingerprint, fingerprint
from peacewire.settings import load_settings
from warehouse import dedup_index
from warehouse import load as wh
from warehouse.db import migrate, opened

VOCAB = 40_000
CHUNK = 10_000
BASE = "https://news.example/{:07d}"
_WORDS = [f"w{n:05x}" for n in range(VOCAB)]
_P = 1.0 / np.arange(1, VOCAB + 1) ** 1.07
_P /= _P.sum()
FETCHED = datetime(2026, 11, 22, tzinfo=UTC)


def text_of(i: int) -> str:
    rng = np.random.default_rng(i)
    ids = rng.choice(VOCAB, size=int(rng.integers(120, 400)), p=_P)
    return " ".join(_WORDS[k] for k in ids)


def edited(text: str, seed: int, share: float = 0.10) -> str:
    rng = random.Random(seed)
    words = text.split()
    for k in rng.sample(range(len(words)), int(share * len(words))):
        words[k] = _WORDS[rng.randrange(VOCAB)]
    return " ".join(words)


def chunk_rows(start: int) -> tuple[list[int], list[str], list[str], list[bytes], list[int]]:
    """Fingerprint one chunk of synthetic articles (in a worker): columns for the load."""
    keys: list[int] = []
    ids: list[str] = []
    hashes: list[str] = []
    sigs: list[bytes] = []
    shingles: list[int] = []
    for i in range(start, start + CHUNK):
        fp = fingerprint(text_of(i))
        keys.extend(fp.keys)
        ids.append(BASE.format(i))
        hashes.append(fp.text_hash)
        sigs.append(fp.signature.tobytes())
        shingles.append(fp.shingles)
    return keys, ids, hashes, sigs, shingles


def load_chunk(db: Path, cols: tuple[list[int], list[str], list[str], list[bytes], list[int]]) -> None:
    keys, ids, hashes, sigs, shingles = cols
    n = len(ids)
    article = {"article_id": ids, "url": ids, "source": ["feed"] * n, "fetched_at": [FETCHED] * n,
               "text": [""] * n, "text_hash": hashes, "word_count": [250] * n, "shingles": shingles,
               "minhash": sigs, "proposals": [[]] * n, "actors": [[]] * n,
               "run_id": ["bench"] * n}  # fmt: skip
    lsh = {"key": keys, "article_id": [a for a in ids for _ in range(len(keys) // n)]}
    wh.load(db, {"lsh_index": lsh, "articles": article})


def build(db: Path, n: int) -> float:
    with opened(db, read_only=False) as conn:
        migrate(conn, load_settings({}).view_config())
    start = time.perf_counter()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(os.cpu_count() or 1) as pool:
        for cols in pool.imap(chunk_rows, range(0, n, CHUNK)):
            load_chunk(db, cols)
    return time.perf_counter() - start


def probes(n: int, count: int, rng: random.Random) -> list[tuple[str | None, Fingerprint]]:
    """Half near-copies of indexed articles (the id they copy), half new articles (None)."""
    out: list[tuple[str | None, Fingerprint]] = []
    for j in range(count):
        if j % 2 == 0:
            i = rng.randrange(n)
            out.append((BASE.format(i), fingerprint(edited(text_of(i), j))))
        else:
            out.append((None, fingerprint(text_of(n + 10_000_000 + rng.randrange(10**9)))))
    return out


def lookups(db: Path, n: int, batch: int, rounds: int) -> tuple[list[float], float]:
    """Per-article lookup time of each round (batch time / batch size), and copy recall."""
    rng = random.Random(batch)
    per_article: list[float] = []
    found = copies = 0
    for _ in range(rounds):
        probe = probes(n, batch, rng)
        start = time.perf_counter()
        got = {c.article_id for c in dedup_index.stored_candidates(db, [fp for _, fp in probe], set())}
        per_article.append((time.perf_counter() - start) / batch)
        copies += sum(1 for src, _ in probe if src)
        found += sum(1 for src, _ in probe if src in got)
    return per_article, found / copies if copies else 1.0


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def scale(n: int, folder: Path, batch: int) -> dict[str, Any]:
    db = folder / f"scale-{n}.duckdb"
    seconds = build(db, n)
    result: dict[str, Any] = {"n": n, "index_per_s": n / seconds, "index_s": seconds,
                              "size_mb": db.stat().st_size / 1e6}  # fmt: skip
    for size, rounds in ((batch, 12), (1, 20)):
        lat, recall = lookups(db, n, size, rounds)
        result[f"batch{size}"] = (pct(lat, 0.5), pct(lat, 0.95), recall)
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def show(r: dict[str, Any], batch: int) -> None:
    print(f"{r['n']:>9,d} articles: indexed at {r['index_per_s']:,.0f} articles/s ({r['index_s']:.0f} s), "
          f"warehouse {r['size_mb']:,.0f} MB, peak memory {r['rss_mb']:,.0f} MB (this process)")  # fmt: skip
    for size in (batch, 1):
        p50, p95, recall = r[f"batch{size}"]
        label = f"in batches of {size}" if size > 1 else "one article at a time"
        print(f"    lookup {label:22s} per article p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  "
              f"(target p95 <= 5 ms); copies found {recall:.3f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated article counts")
    args = parser.parse_args()
    batch = load_settings({}).batch_size
    print(f"synthetic index benchmark ({os.cpu_count()} cores); the ingest looks up batches of {batch}")
    with tempfile.TemporaryDirectory(prefix="peacewire-scale-") as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            show(scale(n, Path(tmp), batch), batch)
            for f in Path(tmp).glob("*.duckdb*"):
                f.unlink()


if __name__ == "__main__":
    main()
