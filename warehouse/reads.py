"""The pipeline's reads, as the stages' own types: feed state, stored seeds, known and retried entries,
archived pages (reextract), stored texts (retag). Every query is a .sql file; rows are records.
"""

from __future__ import annotations

from pathlib import Path

from extractors.model import FeedState
from warehouse.records import Key, read_records


def feed_states(db: Path) -> dict[str, FeedState]:
    """Every feed's stored state (validators, body hash, failures, schedule), read once per run."""
    return {s.feed_id: s for s in read_records(db, "read_feed_state", FeedState)}


def seed_ids(db: Path) -> set[str]:
    return {k.article_id for k in read_records(db, "read_seed_ids", Key)}
