"""The dedup index's side in the warehouse: the stored candidates of a batch, the user's overrides, and
the corrections `peacewire dedup` reads and writes. The decisions themselves are extractors.linking's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from extractors.dedup import PERMUTATIONS, Fingerprint
from extractors.linking import Candidate, Overrides, batch_candidates
from extractors.model import Processed
from warehouse import load as wh
from warehouse.lock import ingest_lock
from warehouse.records import ArticleRef, ColumnMismatch, Override, read_records

# read_dedup_candidates.sql's columns, read by name from its Arrow result.
CANDIDATE_COLUMNS = (
    "article_id",
    "text_hash",
    "minhash",
    "shingles",
    "published_at",
    "duplicate_of",
    "canonical_key",
    "keys",
)


def stored_candidates(db: Path, fps: Sequence[Fingerprint], url_keys: set[str]) -> list[Candidate]:
    """Stored articles sharing an LSH key, a text hash or a canonical URL key with these fingerprints."""
    keys: dict[str, list[Any]] = {"key": [k for fp in fps for k in fp.keys]}
    hashes: dict[str, list[Any]] = {"text_hash": [fp.text_hash for fp in fps]}
    urls: dict[str, list[Any]] = {"url_key": sorted(url_keys)}
    probes = {"probe_keys": keys, "probe_hashes": hashes, "probe_urls": urls}
    found = wh.read_arrow(db, "read_dedup_candidates", probes)
    if found is None:
        return []
    if tuple(found.column_names) != CANDIDATE_COLUMNS:
        raise ColumnMismatch(
            f"warehouse/queries/read_dedup_candidates.sql returns columns ({', '.join(found.column_names)}) "
            f"but dedup_index reads ({', '.join(CANDIDATE_COLUMNS)})"
        )
    # Columnar: at 1,000,000 stored articles a batch of 200 has ~65,000 LSH candidates, most of
    # them false; row by row their conversion cost 3x the query.
    cols = {name: found[name].to_pylist() for name in found.column_names if name != "minhash"}
    sigs = np.frombuffer(b"".join(found["minhash"].to_pylist()), dtype=np.uint32).reshape(-1, PERMUTATIONS)
    # Only the keys shared with the batch: the others are never looked up (and hashing
    # 64 bands of every false LSH candidate would cost more than the query).
    found_fps = map(Fingerprint, cols["text_hash"], sigs, cols["shingles"], map(tuple, cols["keys"]))
    columns = (
        cols["article_id"],
        found_fps,
        cols["published_at"],
        cols["duplicate_of"],
        cols["canonical_key"],
    )
    return list(map(Candidate, *columns))


def overrides(db: Path) -> Overrides:
    """The user's corrections (`peacewire dedup split|merge`); a small table, read whole."""
    found = read_records(db, "read_dedup_overrides", Override)
    distinct = frozenset(frozenset((o.article_id, o.other_id)) for o in found if o.verdict == "distinct")
    return Overrides(distinct, {o.article_id: o.other_id for o in found if o.verdict == "duplicate"})


@dataclass(frozen=True)
class Stored:
    """What the warehouse holds for a batch's dedup decision."""

    candidates: list[Candidate] = field(default_factory=list)
    overrides: Overrides = field(default_factory=Overrides)


def lookup(db: Path, docs: Sequence[Processed]) -> Stored:
    """The stored candidates of a batch's articles, and the overrides (nothing to read for no article)."""
    batch = batch_candidates(docs)
    if not batch:
        return Stored()
    url_keys = {c.canonical_key for c in batch if c.canonical_key}
    return Stored(stored_candidates(db, [c.fingerprint for c in batch], url_keys), overrides(db))


def article(db: Path, ref: str) -> ArticleRef | None:
    """An article named by its id, URL or canonical URL."""
    found = read_records(db, "read_article_ref", ArticleRef, {"ref": ref})
    return found[0] if found else None


TRAIL_COLUMNS = ["decided_at", "run_id", "candidate_id", "method", "score", "threshold", "decision", "title"]


def trail(db: Path, article_id: str) -> list[tuple[Any, ...]]:
    """Every comparison on record for an article (TRAIL_COLUMNS), oldest first."""
    return wh.read(db, "read_dedup_trail", {"id": article_id})


def _correct(db: Path, query: str, params: dict[str, Any]) -> None:
    with ingest_lock(db):  # not while an ingest is deciding
        wh.apply(db, query, params)


def split(db: Path, article_id: str, note: str | None, at: datetime) -> None:
    """The article is no longer a copy, and is kept apart from its original in later decisions too."""
    _correct(db, "override_split", {"id": article_id, "note": note, "at": at})


def merge(db: Path, article_id: str, original: str, note: str | None, at: datetime) -> None:
    """The article is a copy of original, whatever the scores say, in later decisions too."""
    _correct(db, "override_merge", {"id": article_id, "other": original, "note": note, "at": at})
