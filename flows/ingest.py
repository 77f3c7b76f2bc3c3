"""The ingest flow: feeds -> new entries -> pages -> text, fingerprints, labels -> dedup -> DuckDB.

Tasks are per stage and per batch (a task run costs ~10-60 ms of overhead).
Only network stages retry, inside extractors.http, request by request.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, runtime, task
from prefect.cache_policies import NO_CACHE

from extractors import http, linking, pages, poll, select
from extractors.corpus import seed_items
from extractors.feedlist import FeedConfig
from extractors.feeds import FeedEntry
from extractors.linking import Rules
from extractors.model import FeedResult, Item, Page, Processed, RunSummary, now
from extractors.outcome import Outcome
from flows import prepare, progress, work
from flows.artifacts import publish_artifacts, summary_dict
from peacewire import alerts, report
from peacewire.settings import Settings
from warehouse import dedup_index, reads, rows
from warehouse import load as wh


@task(name="prepare-warehouse", cache_policy=NO_CACHE, persist_result=False)
def prepare_warehouse(
    s: Settings, feeds: Sequence[FeedConfig], summary: RunSummary, version: str
) -> poll.FeedStates:
    """Register the feeds, record this run as running (an earlier one still running was killed: it is
    marked crashed), and return the feeds' stored state (the warehouse is migrated: flows.prepare)."""
    wh.apply(s.db, "mark_crashed_runs", {"run_id": summary.run_id})
    started = rows.run_tables(summary, {}, _flow_run_id(), version, "running")
    wh.load(s.db, {**rows.feed_tables(feeds, now()), "runs": started["runs"]})
    return reads.feed_states(s.db)


def _flow_run_id() -> str | None:
    return str(runtime.flow_run.id) if runtime.flow_run.id else None


@task(name="read-seeds", cache_policy=NO_CACHE, persist_result=False)
def read_seeds(s: Settings) -> list[Item]:
    return seed_items(s.corpus, reads.seed_ids(s.db))


@task(name="fetch-feeds", cache_policy=NO_CACHE, persist_result=False)
def fetch_feeds(
    s: Settings, feeds: Sequence[FeedConfig], state: poll.FeedStates, budget: http.Budget
) -> list[http.Response]:
    requests = poll.feed_requests(feeds, state)
    return http.fetch_many(requests, s.client_config(s.max_feed_bytes, budget))


@task(name="parse-feeds", cache_policy=NO_CACHE, persist_result=False)
def parse_feeds(
    feeds: Sequence[FeedConfig], responses: Sequence[http.Response], state: poll.FeedStates
) -> list[poll.Polled]:
    return poll.parse_polls(feeds, responses, state)


@task(name="select-new-entries", cache_policy=NO_CACHE, persist_result=False)
def select_new(
    s: Settings,
    feeds: Sequence[FeedConfig],
    polled: Sequence[tuple[FeedResult, list[FeedEntry]]],
    limit: int | None,
) -> tuple[list[FeedResult], select.Selection]:
    """New entries only: URL key and GUID unseen in the warehouse and earlier in this run."""
    items, invalid = select.candidates(feeds, [entries for _, entries in polled])
    known = reads.known_keys(s.db, items)
    selection = select.select(items, invalid, known, reads.retry_items(s.db), limit)
    return select.counted(polled, selection), selection


@task(name="record-entries", cache_policy=NO_CACHE, persist_result=False)
def record_entries(s: Settings, selection: select.Selection, run_id: str) -> Counter[Outcome]:
    """Rows for the entries that will not be fetched this run (parse_error, deferred, known)."""
    wh.load(s.db, rows.unfetched_tables(selection.settled, selection.known, run_id, now()))
    return Counter(d.final for d in selection.unfetched)


@task(name="fetch-pages", cache_policy=NO_CACHE, persist_result=False)
def fetch_pages(s: Settings, items: Sequence[Item], budget: http.Budget) -> list[Page]:
    config = s.client_config(s.max_page_bytes, budget)
    return pages.pages(items, http.fetch_many(pages.requests(items), config, robots=True))


@task(name="archive-pages", cache_policy=NO_CACHE, persist_result=False)
def archive_pages(s: Settings, fetched: Sequence[Page]) -> list[Page]:
    """Every fetched body into the raw archive (its own transaction) before any extraction."""
    packed = work.pack_bodies(fetched, work.workers(s.workers))
    wh.load(s.db, rows.raw_tables(fetched, packed, now()))
    return pages.archived(fetched, packed)


@task(name="extract-fingerprint-tag", cache_policy=NO_CACHE, persist_result=False)
def process_pages(s: Settings, fetched: Sequence[Page], pool: Executor | None) -> list[Processed]:
    return work.process_batch(fetched, s.min_words, s.taxonomy, pool, s.pool_min_batch)


@task(name="dedup", cache_policy=NO_CACHE, persist_result=False)
def dedup_batch(s: Settings, docs: Sequence[Processed]) -> list[Processed]:
    stored = dedup_index.lookup(s.db, docs)
    rules = Rules(s.near_dup_threshold, s.containment_threshold, stored.overrides)
    return linking.decide_batch(docs, stored.candidates, rules)


@task(name="load", cache_policy=NO_CACHE, persist_result=False)
def load_batch(s: Settings, docs: Sequence[Processed], run_id: str) -> list[Processed]:
    """The batch in one transaction; returns what it loaded."""
    wh.load(s.db, rows.batch_tables(docs, run_id, now()))
    return list(docs)


@task(name="finish-run", cache_policy=NO_CACHE, persist_result=False)
def finish_run(s: Settings, summary: RunSummary, state: poll.FeedStates, version: str, status: str) -> None:
    wh.load(s.db, rows.run_tables(summary, state, _flow_run_id(), version, status))


@task(name="alerts", cache_policy=NO_CACHE, persist_result=False)
def check_conditions(s: Settings) -> list[alerts.Condition]:
    """What needs attention now; sent to the webhook when one is configured."""
    found = alerts.conditions(s.db)
    error = alerts.notify(s.alert_webhook, s.db, found)
    if error:
        get_run_logger().warning("alert webhook: %s", error)
    return found


@task(name="report", cache_policy=NO_CACHE, persist_result=False)
def write_report(s: Settings) -> str | None:
    """Rewrite the HTML report of the last 30 days beside the warehouse (a failure is logged, not fatal)."""
    out = report.default_out(s.db)
    try:
        return str(report.write(s.db, out, report.last_days(now().date())))
    except Exception as exc:  # the report is a view of the data: it must not fail the ingest
        get_run_logger().warning("report %s not written: %s: %s", out, type(exc).__name__, exc)
        return None


def alert_failure(flow: Any, flow_run: Any, state: Any) -> None:  # noqa: ARG001 (Prefect's hook signature)
    """Flow hook: a failed or crashed run is reported to the webhook."""
    s = prepare.settings_of(flow_run.parameters.get("prepared"))
    alerts.notify_failure(s.alert_webhook, s.db, flow_run.name, str(state.message or state.name))


def _ingest_batches(s: Settings, items: Sequence[Item], summary: RunSummary, budget: http.Budget) -> None:
    """Fetch, archive, extract, dedup and load the items, batch by batch."""
    log = get_run_logger()
    with work.pool(s.workers, needed=len(items) >= s.pool_min_batch) as pool:
        for n, batch in enumerate(select.batches(items, s.batch_size), start=1):
            fetched = archive_pages(s, fetch_pages(s, batch, budget))
            docs = load_batch(s, dedup_batch(s, process_pages(s, fetched, pool)), summary.run_id)
            summary.add_batch(docs, s.relevance_threshold)
            log.info("batch %d: %d items -> %s", n, len(batch), dict(summary.tally))
            done = min(n * s.batch_size, len(items))
            progress.advance("seed files" if batch[0].source == "seed" else "new entries", done, len(items))


@flow(
    name="ingest",
    description="Poll the feeds, ingest new articles and the seed corpus.",
    on_failure=[alert_failure],
    on_crashed=[alert_failure],
)
def ingest(
    feeds: str | None = None,
    db: str | None = None,
    limit: int | None = None,
    force: bool = False,
    prepared: str | None = None,
) -> dict[str, Any]:
    """One run. `prepared`: the id of the preparation the CLI made for it in this process (flows.prepare);
    without it the run resolves its settings from the environment (and feeds, db) and prepares itself."""
    summary = RunSummary.start()
    with prepare.prepared(prepared, {"feeds": _path(feeds), "db": _path(db)}) as run:
        s = run.settings
        state = prepare_warehouse(s, run.feeds, summary, run.taxonomy_version or "")
        seeds = read_seeds(s)
        due, not_due = poll.due_feeds(run.feeds, state, force, summary.started_at)
        budget = s.fetch_budget()
        polled = parse_feeds(due, fetch_feeds(s, due, state, budget), state)
        polled_results, selection = select_new(s, due, polled, limit)
        summary.feeds = polled_results + not_due
        summary.tally.update(record_entries(s, selection, summary.run_id))
        items = selection.fetch
        get_run_logger().info(
            "%d feeds polled, %d entries seen, %d to fetch; %d seed files to load",
            len(due),
            summary.entries_seen,
            len(items),
            len(seeds),
        )
        # Seeds first, in their own batches: they are the reference copies that
        # feed articles are de-duplicated against.
        _ingest_batches(s, seeds, summary, budget)
        _ingest_batches(s, items, summary, budget)
        summary.finished_at = now()
        finish_run(s, summary, state, run.taxonomy_version or "", "completed")
    summary.conditions = check_conditions(s)
    summary.report = write_report(s)
    publish_artifacts(summary)
    return summary_dict(summary)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None
