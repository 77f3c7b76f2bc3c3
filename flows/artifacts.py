"""A run's summary as plain data, and as Prefect artifacts in the UI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from extractors.model import RunSummary
from extractors.outcome import FINAL, FeedOutcome

MAX_LINKS = 50  # links to flagged pages in one artifact


def summary_dict(s: RunSummary) -> dict[str, Any]:
    """JSON-able summary: what the CLI prints and the flow returns."""
    return {
        "run_id": s.run_id,
        "started_at": s.started_at.isoformat(),
        "finished_at": s.finished_at.isoformat() if s.finished_at else None,
        "feeds_ok": s.feeds_ok,
        "feeds_failed": s.feeds_failed,
        "feeds_not_due": s.feeds_skipped,
        "entries_seen": s.entries_seen,
        "entries_new": s.entries_new,
        "tally": {k.value: s.tally[k] for k in FINAL if s.tally.get(k)},
        "flags": dict(s.flags),
        "relevant": s.relevant,
        "labels": dict(s.labels.most_common()),
        "flagged": [{"url": url, "flag": flag} for url, flag in s.flagged],
        "report": s.report,
        "attention": [{"kind": c.kind, "subject": c.subject, "detail": c.detail} for c in s.conditions],
        "feeds": [
            {
                "feed": f.feed_id,
                "outlet": f.outlet,
                "status": f.status,
                "outcome": f.outcome.value,
                "seen": f.entries_seen,
                "new": f.entries_new,
                "error": f.error,
            }
            for f in s.feeds
        ],
    }


def _markdown(d: dict[str, Any]) -> str:
    tally = ", ".join(f"{k}: {v}" for k, v in d["tally"].items()) or "nothing new"
    top = ", ".join(f"{k} ({v})" for k, v in list(d["labels"].items())[:10]) or "none"
    failing = [f for f in d["feeds"] if FeedOutcome(f["outcome"]).failed]
    flags = ", ".join(f"{k}: {v}" for k, v in d["flags"].items()) or "none"
    lines = [
        f"# peacewire run {d['run_id']}",
        f"- feeds: {d['feeds_ok']} ok, {d['feeds_failed']} failed",
        f"- entries: {d['entries_seen']} seen, {d['entries_new']} new",
        f"- outcomes: {tally}",
        f"- flags on loaded articles (need attention): {flags}",
        f"- relevant articles stored this run: {d['relevant']}",
        f"- labels on this run's articles: {top}",
        f"- report of the last 30 days: {d['report'] or 'not written (see the logs)'}",
    ]
    if failing:
        lines.append("\n## Feeds that failed this run")
        lines += [f"- **{f['feed']}** ({f['outlet']}): {f['error']}" for f in failing]
    if d["attention"]:
        lines.append("\n## Needs attention (`peacewire status`)")
        lines += [f"- {c['kind']}: {c['detail']}" for c in d["attention"]]
    if d["flagged"]:
        lines.append("\n## Pages to check")
        lines += [f"- {f['flag']}: [{f['url']}]({f['url']})" for f in d["flagged"][:MAX_LINKS]]
    return "\n".join(lines)


def publish_artifacts(s: RunSummary) -> None:
    d = summary_dict(s)
    create_table_artifact(key="feed-results", table=d["feeds"], description="Per-feed results")
    tally = [{"outcome": k, "items": v} for k, v in d["tally"].items()]
    create_table_artifact(key="outcomes", table=tally, description="What every item of the run became")
    if d["report"]:
        create_link_artifact(
            key="report",
            link=Path(d["report"]).resolve().as_uri(),
            link_text="HTML report",
            description="The report of the last 30 days, rewritten by each run",
        )
    labels = [{"label": k, "articles": v} for k, v in d["labels"].items()]
    create_table_artifact(
        key="new-articles-per-label", table=labels, description="This run's articles per label"
    )
    create_markdown_artifact(key="run-summary", markdown=_markdown(d), description="Run summary")
