"""Terminal output: the run summary and query results (table, CSV, JSON)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows import progress


def _console() -> Console:
    return Console(width=None if sys.stdout.isatty() else 160)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def print_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif fmt == "json":
        out = [dict(zip(columns, row, strict=True)) for row in rows]
        print(json.dumps(out, default=_json_default, ensure_ascii=False, indent=1))
    else:
        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
        console = _console()
        console.print(table)
        console.print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def print_json(value: Any) -> None:
    print(json.dumps(value, default=_json_default, ensure_ascii=False, indent=1))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def print_summary(d: dict[str, Any]) -> None:
    console = _console()
    feeds = Table("feed", "outlet", "HTTP", "outcome", "seen", "new", "error", title="Feeds")
    for f in d["feeds"]:
        feeds.add_row(
            f["feed"],
            f["outlet"],
            _cell(f["status"]),
            f["outcome"],
            str(f["seen"]),
            str(f["new"]),
            (f["error"] or "")[:70],
        )
    console.print(feeds)
    runs = Table(
        "run", "feeds ok", "feeds failed", "not due", "entries seen", "entries new", "relevant", title="Run"
    )
    runs.add_row(
        d["run_id"],
        str(d["feeds_ok"]),
        str(d["feeds_failed"]),
        str(d["feeds_not_due"]),
        str(d["entries_seen"]),
        str(d["entries_new"]),
        str(d["relevant"]),
    )
    console.print(runs)
    tally = Table("outcome", "items", title="Outcomes")
    for k, v in d["tally"].items():
        tally.add_row(k, str(v))
    for k, v in d.get("flags", {}).items():
        tally.add_row(f"(flag) {k}", str(v))
    console.print(tally)
    labels = Table("label", "articles", title="Labels on this run's articles (top 15)")
    for k, v in list(d["labels"].items())[:15]:
        labels.add_row(k, str(v))
    console.print(labels)
    if d.get("attention"):
        console.print(f"Needs attention ({len(d['attention'])}, see `peacewire status`):")
        for c in d["attention"][:10]:
            console.print(f"  {c['kind']}: {c['detail']}")


@contextmanager
def progress_bar(enabled: bool) -> Iterator[None]:
    """A progress bar on stderr while the block runs, fed by flows.progress; nothing when not a terminal."""
    if not enabled:
        yield
        return
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    tasks: dict[str, TaskID] = {}

    def update(what: str, done: int, total: int | None) -> None:
        if what not in tasks:
            tasks[what] = bar.add_task(what, total=total)
        bar.update(tasks[what], completed=done, total=total)

    with bar:
        progress.listen(update)
        try:
            yield
        finally:
            progress.listen(None)
