"""Stage records (processed items, run results) -> the column dicts warehouse.load inserts, table by table."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from extractors.feedlist import FeedConfig
from extractors.linking import Pair
from extractors.model import FeedState, Page, Processed, RunSummary
from extractors.outcome import Outcome
from extractors.poll import next_state
from extractors.tagging import Tags
from extractors.urls import InvalidURL, canonical_url, url_key

Columns = dict[str, list[Any]]


def columns(rows: Sequence[dict[str, Any]]) -> Columns:
    out: Columns = defaultdict(list)
    for row in rows:
        for key, value in row.items():
            out[key].append(value)
    return dict(out)


def _canonical(url: str | None) -> str | None:
    try:
        return canonical_url(url) if url else None
    except InvalidURL:
        return None


def article_row(d: Processed, run_id: str, fetched_at: datetime) -> dict[str, Any]:
    a, fp, item = d.article, d.fingerprint, d.item
    assert a is not None and fp is not None and d.tags is not None
    return {
        "article_id": item.key,
        "url": d.page.final_url or item.url,
        "canonical_url": _canonical(a.canonical_url or d.page.final_url or item.url),
        "guid": item.guid,
        "feed_id": item.feed_id,
        "outlet": item.outlet or a.site_name,
        "source": item.source,
        "title": a.title or item.title,
        "authors": list(a.authors),
        "published_at": a.published_at,
        "date_source": a.date_source,
        "fetched_at": fetched_at,
        "language": a.language,
        "site_name": a.site_name,
        "description": a.description,
        "text": a.text,
        "text_hash": fp.text_hash,
        "word_count": a.word_count,
        "shingles": fp.shingles,
        "minhash": fp.signature.tobytes(),
        "raw_hash": d.page.raw_hash,
        "relevance": d.tags.relevance,
        "taxonomy_version": d.tags.taxonomy_version,
        "duplicate_of": d.decision.duplicate_of if d.decision else None,
        "proposals": sorted(h.label for h in d.tags.labels if h.kind == "proposal"),
        "actors": sorted(h.label for h in d.tags.labels if h.kind == "actor"),
        "truncated": a.truncated,
        "date_flag": a.date_flag,
        "updated_at": a.updated_at,
        "charset": a.charset,
        "canonical_key": url_key(canonical) if (canonical := _canonical(a.canonical_url)) else None,
        "run_id": run_id,
    }


def raw_row(page: Page, digest: str, compressed: bytes, fetched_at: datetime) -> dict[str, Any]:
    return {
        "content_hash": digest,
        "url": page.final_url or page.item.url,
        "fetched_at": fetched_at,
        "content_type": page.content_type,
        "size": len(page.body),
        "body_zlib": compressed,
    }


def raw_tables(
    pages: Sequence[Page], packed: Sequence[tuple[str, bytes]], at: datetime
) -> dict[str, Columns]:
    """The raw archive's rows: every fetched body, by its digest (packed: one per page with a body)."""
    fetched = [p for p in pages if p.body]
    return {"raw_pages": columns([raw_row(p, d, z, at) for p, (d, z) in zip(fetched, packed, strict=True)])}


def entry_row(d: Processed, run_id: str) -> dict[str, Any]:
    detail = d.detail
    if d.final == Outcome.DUPLICATE and d.decision:
        detail = f"{d.decision.method} copy of {d.decision.duplicate_of} ({d.decision.similarity})"
    elif d.final == Outcome.NO_TEXT and d.item.summary:
        detail = f"{detail}; feed summary: {d.item.summary[:2000]}"
    return {
        "entry_key": d.item.key,
        "guid_key": d.item.guid_key,
        "feed_id": d.item.feed_id,
        "url": d.item.url,
        "title": d.item.title,
        "first_run_id": run_id,
        "last_run_id": run_id,
        "last_seen_run_id": run_id,
        "outcome": d.final,
        "detail": detail,
        "attempts": 1,
        "article_id": d.item.key if d.article else None,
        "raw_hash": d.page.raw_hash,
        "alias_key": d.item.alias_key,
    }


def _trail_row(article: str, p: Pair, merged: bool, run_id: str, at: datetime) -> dict[str, Any]:
    return {
        "article_id": article,
        "candidate_id": p.candidate_id,
        "method": p.method,
        "score": p.score,
        "threshold": p.threshold,
        "decision": "merged" if merged else "kept_apart",
        "run_id": run_id,
        "decided_at": at,
    }


def decision_rows(stored: Sequence[Processed], run_id: str, at: datetime) -> list[dict[str, Any]]:
    """The audit trail: every pair the dedup decision compared, and whether it merged.

    A superseded original is recorded as merged into the new one (its own row, by the same pair)."""
    out = []
    for d in stored:
        decision = d.decision
        for p in decision.pairs if decision else ():
            old = decision.supersedes if decision else None
            out.append(_trail_row(d.item.key, p, p.accepted and old is None, run_id, at))
            if p.accepted and old is not None:
                out.append(_trail_row(old, replace(p, candidate_id=d.item.key), True, run_id, at))
    return out


def relink_rows(stored: Sequence[Processed], run_id: str) -> list[dict[str, Any]]:
    return [
        {
            "old_root": d.decision.supersedes,
            "new_root": d.item.key,
            "method": d.decision.method,
            "similarity": d.decision.similarity,
            "run_id": run_id,
        }
        for d in stored
        if d.decision and d.decision.supersedes
    ]


def label_rows(article_id: str, tags: Tags) -> list[dict[str, Any]]:
    """An article's labels, one row each, with their evidence."""
    return [
        {
            "article_id": article_id,
            "kind": h.kind,
            "label": h.label,
            "mentions": h.mentions,
            "first_offset": h.first_offset,
            "evidence": h.evidence,
            "taxonomy_version": tags.taxonomy_version,
        }
        for h in tags.labels
    ]


def batch_tables(docs: Sequence[Processed], run_id: str, fetched_at: datetime) -> dict[str, Columns]:
    """Every row a processed batch adds, per table."""
    stored = [d for d in docs if d.article is not None]
    labels = [row for d in stored if d.tags for row in label_rows(d.item.key, d.tags)]
    dups = [
        {
            "article_id": d.item.key,
            "duplicate_of": d.decision.duplicate_of,
            "method": d.decision.method,
            "similarity": d.decision.similarity,
            "run_id": run_id,
        }
        for d in stored
        if d.decision and d.decision.duplicate_of
    ]
    keys = [{"key": k, "article_id": d.item.key} for d in stored if d.fingerprint for k in d.fingerprint.keys]
    return {
        "articles": columns([article_row(d, run_id, fetched_at) for d in stored]),
        "duplicates": columns(dups),
        "lsh_index": columns(keys),
        "dedup_decisions": columns(decision_rows(stored, run_id, fetched_at)),
        "relinks": columns(relink_rows(stored, run_id)),
        "labels": columns(labels),
        "entries": columns([entry_row(d, run_id) for d in docs if d.item.source == "feed"]),
    }


def unfetched_tables(
    settled: Sequence[Processed], known: Sequence[Processed], run_id: str, at: datetime
) -> dict[str, Columns]:
    """Rows for the entries a run does not fetch: settled ones (parse_error, deferred) as entries, known
    ones as seen by this run (a stored entry keeps its own outcome)."""
    tables = batch_tables(settled, run_id, at)
    tables["entries_seen"] = columns([entry_row(d, run_id) for d in known])
    return tables


def feed_tables(feeds: Sequence[FeedConfig], at: datetime) -> dict[str, Columns]:
    return {
        "feeds": columns(
            [
                {"feed_id": f.id, "url": f.url, "outlet": f.outlet, "language": f.language, "updated_at": at}
                for f in feeds
            ]
        )
    }


def run_tables(
    summary: RunSummary,
    prev_state: Mapping[str, FeedState],
    flow_run_id: str | None,
    taxonomy_version: str,
    status: str,
) -> dict[str, Columns]:
    at = summary.finished_at or summary.started_at
    fetches = [
        {
            "run_id": summary.run_id,
            "feed_id": r.feed_id,
            "fetched_at": at,
            "http_status": r.status,
            "outcome": r.outcome,
            "entries_seen": r.entries_seen,
            "entries_new": r.entries_new,
            "bytes": r.bytes,
            "duration_ms": r.duration_ms,
            "error": r.error,
            "charset": r.charset,
        }
        for r in summary.feeds
        if r.outcome.polled
    ]
    run = {
        "run_id": summary.run_id,
        "flow_run_id": flow_run_id,
        "started_at": summary.started_at,
        "finished_at": summary.finished_at,
        "status": status,
        "taxonomy_version": taxonomy_version,
        "feeds_ok": summary.feeds_ok,
        "feeds_failed": summary.feeds_failed,
        "entries_seen": summary.entries_seen,
        "entries_new": summary.entries_new,
        "tally": json.dumps(dict(summary.tally)),
    }
    return {
        "feed_state": columns(
            [asdict(next_state(r, prev_state.get(r.feed_id), at)) for r in summary.feeds if r.outcome.polled]
        ),
        "feed_fetches": columns(fetches),
        "runs": columns([run]),
    }


def reextract_tables(docs: Sequence[Processed], run_id: str, at: datetime) -> dict[str, Columns]:
    """Rows that rebuild these entries' articles: the old ones are deleted in the same transaction."""
    tables = batch_tables(docs, run_id, at)
    entries = tables.pop("entries", {})
    keep = ("entry_key", "outcome", "detail", "article_id")
    tables["entry_outcomes"] = {k: entries[k] for k in keep} if entries else {}
    tables["replaced"] = columns([{"article_id": d.item.key} for d in docs])
    return tables


def retag_tables(ids: Sequence[str], tags: Sequence[Tags]) -> dict[str, Columns]:
    """New labels, relevance and label arrays for these articles (old labels deleted first)."""
    arts = [
        {
            "article_id": a,
            "relevance": t.relevance,
            "taxonomy_version": t.taxonomy_version,
            "proposals": sorted(h.label for h in t.labels if h.kind == "proposal"),
            "actors": sorted(h.label for h in t.labels if h.kind == "actor"),
        }
        for a, t in zip(ids, tags, strict=True)
    ]
    labels = [row for a, t in zip(ids, tags, strict=True) for row in label_rows(a, t)]
    return {"retagged": columns(arts), "labels": columns(labels)}
