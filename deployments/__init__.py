"""Deployments of the peacewire flows. Construction only: no I/O at import."""

from __future__ import annotations

from typing import Any

from peacewire.settings import Settings

DAILY = "daily"


def ingest_deployment(settings: Settings) -> Any:
    """The daily ingest: a cron schedule in the configured time zone, default parameters."""
    from prefect.schedules import Cron

    from flows.ingest import ingest

    return ingest.to_deployment(
        name=DAILY,
        schedules=[Cron(settings.cron, timezone=settings.timezone)],
        parameters={"feeds": str(settings.feeds), "db": str(settings.db.resolve())},
        tags=["peacewire", "ingest"],
        description="Poll every feed, ingest new articles on the talks into the warehouse.",
    )


def build(settings: Settings) -> list[Any]:
    return [ingest_deployment(settings)]


def serve_all(settings: Settings) -> None:
    """Serve the deployments until interrupted; schedules keep running (not paused) on exit."""
    from prefect import serve

    serve(*build(settings), pause_on_shutdown=False)
