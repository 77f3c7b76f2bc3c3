"""Alerts: what needs attention, shown by `peacewire status` and sent to a webhook.

The payload is a Slack incoming-webhook message (`text`, and `blocks` with one
mrkdwn section), plus the same facts as data under `peacewire`:

    {"text": "...", "blocks": [...],
     "peacewire": {"event": "run_completed" | "run_failed", "warehouse": "...", "run_id": "...",
                   "error": null | "...",
                   "conditions": [{"kind": "feed_failing", "subject": "kyiv-independent",
                                   "detail": "..."}]}}

Kinds: feed_failing, feed_paused, feed_stalled, low_yield, no_recent_run (see
warehouse/views/027_v_conditions.sql), and run_failed for a failed run.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from warehouse.records import Condition, read_records

__all__ = ["Condition", "conditions", "notify", "notify_failure", "payload", "send"]

TIMEOUT = 10.0  # a slow webhook must not hold up the run
KIND_TITLES = {
    "feed_failing": "failing feed",
    "feed_paused": "paused feed",
    "feed_stalled": "stalled feed",
    "low_yield": "far fewer articles than usual",
    "no_recent_run": "no recent run",
    "run_failed": "run failed",
    "feeds_down": "most feeds failed",
    "run_crashed": "run killed",
}


def conditions(db: Path) -> list[Condition]:
    """The warehouse's current conditions (none for a warehouse that does not exist yet)."""
    return read_records(db, "read_conditions", Condition)


def _line(c: Condition) -> str:
    return f"• *{KIND_TITLES.get(c.kind, c.kind)}* — {c.detail}"


def payload(
    event: str, db: Path, found: list[Condition], run_id: str | None = None, error: str | None = None
) -> dict[str, Any]:
    head = (
        f"peacewire: run {run_id} failed: {error}"
        if event == "run_failed"
        else (f"peacewire: {len(found)} condition(s) need attention ({db.name})")
    )
    text = "\n".join([head, *(_line(c) for c in found)])
    return {
        "text": text,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        "peacewire": {
            "event": event,
            "warehouse": str(db),
            "run_id": run_id,
            "error": error,
            "conditions": [asdict(c) for c in found],
        },
    }


def notify(webhook: str, db: Path, found: list[Condition]) -> str | None:
    """Post the conditions after a run, when there are any and a webhook is set; why it failed, or None."""
    if not (found and webhook):
        return None
    return send(webhook, payload("run_completed", db, found))


def notify_failure(webhook: str, db: Path, run_id: str, error: str) -> str | None:
    """Post a failed or crashed run at once, when a webhook is set; why the post failed, or None."""
    return send(webhook, payload("run_failed", db, [], run_id, error)) if webhook else None


def send(url: str, body: dict[str, Any]) -> str | None:
    """POST the payload; the reason it failed, or None. Never raises: an alert must not fail a run."""
    try:
        response = httpx.post(url, json=body, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if response.is_success else f"HTTP {response.status_code}"
