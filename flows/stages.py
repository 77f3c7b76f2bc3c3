"""The stages of an ingest as plain functions (the tasks in ingest.py wrap them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from extractors.dedup import PERMUTATIONS, Fingerprint
from extractors.linking import Candidate, Decision, Overrides, Rules, decide
from extractors.model import Processed
from extractors.outcome import Outcome
from extractors.urls import InvalidURL, url_key
from warehouse import load as wh
from warehouse.records import Override, read_records


def now() -> datetime:
    return datetime.now(UTC)


# ----------------------------------------------------------------- dedup


def canonical_key(d: Processed) -> str | None:
    url = d.article.canonical_url if d.article else None
    try:
        return url_key(url) if url else None
    except InvalidURL:
        return None


def _stored_candidates(db: Path, fps: Sequence[Fingerprint], url_keys: set[str]) -> list[Candidate]:
    keys: dict[str, list[Any]] = {"key": [k for fp in fps for k in fp.keys]}
    hashes: dict[str, list[Any]] = {"text_hash": [fp.text_hash for fp in fps]}
    urls: dict[str, list[Any]] = {"url_key": sorted(url_keys)}
    probes = {"probe_keys": keys, "probe_hashes": hashes, "probe_urls": urls}
    found = wh.read_arrow(db, "read_dedup_candidates", probes)
    if found is None:
        return []
    # Columnar: at 1,000,000 stored articles a batch of 200 has ~65,000 LSH candidates, most of
    # them false; row by row their conversion cost 3x the query.
    cols = {name: found[name].to_pylist() for name in found.column_names if name != "minhash"}
    sigs = np.frombuffer(b"".join(found["minhash"].to_pylist()), dtype=np.uint32).reshape(-1, PERMUTATIONS)
    # Only the keys shared with the batch: the others are never looked up (and hashing
    # 64 bands of every false LSH candidate would cost more than the query).
    found_fps = map(Fingerprint, cols["text_hash"], sigs, cols["shingles"], map(tuple, cols["keys"]))
    return list(
        map(
            Candidate,
            cols["article_id"],
            found_fps,
            cols["published_at"],
            cols["duplicate_of"],
            cols["canonical_key"],
        )
    )


def _overrides(db: Path) -> Overrides:
    """The user's corrections (`peacewire dedup split|merge`); a small table, read whole."""
    found = read_records(db, "read_dedup_overrides", Override)
    distinct = frozenset(frozenset((o.article_id, o.other_id)) for o in found if o.verdict == "distinct")
    return Overrides(distinct, {o.article_id: o.other_id for o in found if o.verdict == "duplicate"})


def dedup(
    db: Path, docs: Sequence[Processed], near: float, contain: float, exclude_batch: bool = False
) -> list[Processed]:
    """Decide, for every extracted article, whether it copies a stored or batch article.

    exclude_batch: the batch's own stored rows are being rebuilt (reextract) and are not candidates.
    """
    batch = [
        Candidate(d.item.key, d.fingerprint, d.article.published_at, None, canonical_key(d))
        for d in docs
        if d.outcome == Outcome.OK and d.fingerprint is not None and d.article is not None
    ]
    keys = {c.canonical_key for c in batch if c.canonical_key}
    stored = _stored_candidates(db, [c.fingerprint for c in batch], keys) if batch else []
    if exclude_batch:
        ids = {c.article_id for c in batch}
        stored = [c for c in stored if c.article_id not in ids and c.duplicate_of not in ids]
    rules = Rules(near, contain, _overrides(db) if batch else Overrides())
    decisions: dict[str, Decision] = {d.article_id: d for d in decide(batch, stored, rules)}
    return [replace(d, decision=decisions.get(d.item.key)) for d in docs]
