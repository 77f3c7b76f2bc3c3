"""Deployments of the peacewire flows. Construction only: no I/O at import.

Prefect and the flows are imported inside the functions: Prefect reads its PREFECT_* environment at import,
and `python -m deployments` imports this package before the CLI has set it (apply_prefect_environment).
"""

from __future__ import annotations

from typing import Any

from peacewire.settings import Settings

DAILY = "daily"


def ingest_deployment(settings: Settings) -> Any:
    """The daily ingest: a cron schedule in the configured time zone, default parameters."""
    from prefect.schedules import Cron  # noqa: PLC0415 (imported late: see the docstring)

    from flows.ingest import ingest  # noqa: PLC0415

    return ingest.to_deployment(
        name=DAILY,
        schedules=[Cron(settings.cron, timezone=settings.timezone)],
        parameters={"feeds": str(settings.feeds), "db": str(settings.db.resolve())},
        tags=["peacewire", "ingest"],
        description="Poll every feed, ingest new articles on the talks into the warehouse.",
    )


def maintenance_deployments(settings: Settings) -> list[Any]:
    """Retag and reextract: no schedule, run on demand (`prefect deployment run 'retag/retag'`)."""
    from flows.reextract import reextract  # noqa: PLC0415 (imported late: see the docstring)
    from flows.retag import retag  # noqa: PLC0415

    params = {"db": str(settings.db.resolve())}
    return [
        retag.to_deployment(
            name="retag",
            parameters=params,
            tags=["peacewire", "maintenance"],
            description="Label every stored article again after a taxonomy edit.",
        ),
        reextract.to_deployment(
            name="reextract",
            parameters=params,
            tags=["peacewire", "maintenance"],
            description="Rebuild feed articles from the raw archive (no network).",
        ),
    ]


def build(settings: Settings) -> list[Any]:
    return [ingest_deployment(settings), *maintenance_deployments(settings)]


def serve_all(settings: Settings) -> None:
    """Serve the deployments until interrupted; schedules keep running (not paused) on exit."""
    from prefect import serve  # noqa: PLC0415 (imported late: see the docstring)

    serve(*build(settings), pause_on_shutdown=False)
