"""A run's inputs, loaded and checked once: the settings, the feed list, the taxonomy, the warehouse's
lock and its migration.

The CLI prepares a run before it starts Prefect (a bad feeds file, a locked or foreign warehouse is one line
on stderr, and no flow run is made of it), holds it for the run, and hands the flow its id: the flow then
uses that preparation instead of making its own. A run started any other way (a deployment, a test) has no
id, and the flow prepares itself, from the environment.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from extractors.feedlist import FeedConfig, load_feed_list
from flows.work import taxonomy_for
from peacewire.settings import Settings, load_settings
from warehouse.db import migrate, opened
from warehouse.lock import ingest_lock


@dataclass(frozen=True)
class Prepared:
    """What a run works with, checked: its settings, feeds and taxonomy version, under the lock."""

    settings: Settings
    feeds: tuple[FeedConfig, ...]  # empty when not asked for
    taxonomy_version: str | None  # None when not asked for
    id: str  # the handle a flow is given (a flow parameter must serialise: never the object itself)


_held: dict[str, Prepared] = {}  # the preparations open in this process, by id


@contextmanager
def prepare(settings: Settings, *, feeds: bool = True, taxonomy: bool = True) -> Iterator[Prepared]:
    """Load the feed list and the taxonomy (checked against the label spec), take the warehouse's lock and
    migrate it; hold the lock for the block. FeedListError, TaxonomyError or WarehouseError (one line each).
    A flow that needs no feed list or taxonomy (reextract) prepares without them."""
    feed_list = tuple(load_feed_list(settings.feeds)) if feeds else ()
    version = taxonomy_for(settings.taxonomy, settings.label_spec).version if taxonomy else None
    with ingest_lock(settings.db):
        with opened(settings.db, read_only=False) as conn:
            migrate(conn, settings.view_config())
        run = Prepared(settings, feed_list, version, uuid.uuid4().hex)
        _held[run.id] = run
        try:
            yield run
        finally:
            del _held[run.id]


@contextmanager
def prepared(
    handle: str | None, overrides: Mapping[str, Path | None], *, feeds: bool = True, taxonomy: bool = True
) -> Iterator[Prepared]:
    """The preparation the caller holds under `handle` (the CLI's), else one made now from the environment's
    settings with the flow's parameters as overrides (a deployment's run, a test's)."""
    if handle is None:
        with prepare(load_settings().resolved(**overrides), feeds=feeds, taxonomy=taxonomy) as run:
            yield run
        return
    if handle not in _held:
        raise LookupError(f"no run prepared as {handle!r} in this process: pass `prepared` only from it")
    yield _held[handle]


def settings_of(handle: str | None) -> Settings:
    """The settings of a prepared run, else the environment's (a flow hook's: it has only the parameters)."""
    run = _held.get(handle) if handle else None
    return run.settings if run else load_settings()
