"""`peacewire report`: one self-contained HTML file (plotly.js inlined, opens offline).

Sections, for a date range: headline figures; unique relevant articles per day by
outlet and by language; articles per proposal over time; an actor x proposal
heatmap; the evidence sentences of the articles that mention each proposal most;
the most syndicated stories and who ran them; feed health.
"""

from __future__ import annotations

import argparse
import html
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from peacewire.errors import UserError
from peacewire.settings import Settings
from warehouse import load as wh
from warehouse.db import WarehouseError
from warehouse.records import CoMention, DayCount, Evidence, ProposalDay, Totals, read_records

DEFAULT_DAYS = 30
EVIDENCE_PER_PROPOSAL = 3
TOP_STORIES = 15
HEATMAP_ACTORS = 25  # the actors named most; more rows would not fit a screen
R = TypeVar("R")
CSS = """body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1200px;color:#1d2330;
padding:0 1rem}
h1{margin-bottom:.2rem}h2{margin-top:2.5rem;border-bottom:1px solid #dde;padding-bottom:.3rem}
.sub{color:#667}.kpis{display:flex;gap:1rem;flex-wrap:wrap}.kpi{background:#f3f5fa;border-radius:8px;
padding:.7rem 1.1rem}.kpi b{display:block;font-size:1.6rem}table{border-collapse:collapse;width:100%;
font-size:13px}th,td{border-bottom:1px solid #e6e8ef;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5fa}.empty{color:#889;font-style:italic}.bad{color:#b3261e;font-weight:600}"""


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def params(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end}


def _q(db: Path, name: str, period: Period, **extra: Any) -> list[tuple[Any, ...]]:
    return wh.read(db, name, {**period.params(), **extra})


def _records(db: Path, name: str, record: type[R], period: Period, **extra: Any) -> list[R]:
    return read_records(db, name, record, {**period.params(), **extra})


def _figure_html(fig: go.Figure, title: str) -> str:
    fig.update_layout(
        title=title,
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
        legend={"font": {"size": 11}},
    )
    return str(fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False}))


def _stacked(rows: list[DayCount], by: str, title: str) -> str:
    """Articles per day, one bar segment per value of the field `by` (outlet or language)."""
    series: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        series[str(getattr(row, by))][row.day] += int(row.articles)
    fig = go.Figure(
        [
            go.Bar(name=name, x=list(days), y=list(days.values()))
            for name, days in sorted(series.items(), key=lambda kv: -sum(kv[1].values()))
        ]
    )
    fig.update_layout(barmode="stack", yaxis_title="unique relevant articles")
    return _figure_html(fig, title)


def _proposals(rows: list[ProposalDay]) -> str:
    series: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for row in rows:
        series[row.proposal].append((row.day, int(row.articles)))
    fig = go.Figure(
        [
            go.Scatter(name=p, x=[d for d, _ in pts], y=[n for _, n in pts], mode="lines+markers")
            for p, pts in sorted(series.items())
        ]
    )
    fig.update_layout(yaxis_title="articles discussing it")
    return _figure_html(fig, "Proposals over time")


def _heatmap(rows: list[CoMention]) -> str:
    actors = sorted({r.actor for r in rows}, key=lambda a: -sum(r.articles for r in rows if r.actor == a))
    actors = actors[:HEATMAP_ACTORS]
    proposals = sorted({r.proposal for r in rows})
    cells = {(r.actor, r.proposal): int(r.articles) for r in rows}
    z = [[cells.get((a, p), 0) for p in proposals] for a in actors]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=proposals,
            y=actors,
            colorscale="Blues",
            hovertemplate=("%{y} × %{x}: %{z} articles<extra></extra>"),
        )
    )
    fig.update_layout(height=max(420, 22 * len(actors) + 160), yaxis={"autorange": "reversed", "dtick": 1})
    return _figure_html(fig, "Who is named with which proposal (unique relevant articles)")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return html.escape(str(value))


def _table(columns: list[str], rows: list[tuple[Any, ...]], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{html.escape(empty)}</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _evidence(rows: list[Evidence]) -> str:
    linked = [
        (
            r.label,
            f"“{html.escape(r.evidence)}”",
            f'<a href="{html.escape(r.url or "")}">{_cell(r.title)}</a>',
            _cell(r.outlet),
            _cell(r.day),
        )
        for r in rows
    ]
    if not linked:
        return '<p class="empty">No proposal was discussed in this range.</p>'
    head = "".join(f"<th>{c}</th>" for c in ("proposal", "evidence", "article", "outlet", "day"))
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in linked)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kpis(totals: Totals) -> str:
    figures = {
        "articles stored": totals.articles,
        "unique": totals.unique_articles,
        "unique and relevant": totals.unique_relevant,
        "outlets": totals.outlets,
        "languages": totals.languages,
    }
    kpis = "".join(f'<div class="kpi"><b>{int(v or 0):,}</b>{n}</div>' for n, v in figures.items())
    return f'<div class="kpis">{kpis}</div>'


def _charts(db: Path, period: Period) -> list[str]:
    daily = _records(db, "report_daily", DayCount, period)
    if not daily:
        return ['<p class="empty">No relevant article in this range.</p>']
    return [
        _stacked(daily, "outlet", "Articles per day, by outlet"),
        _stacked(daily, "language", "Articles per day, by language"),
        _proposals(_records(db, "report_proposals_daily", ProposalDay, period)),
        _heatmap(_records(db, "report_heatmap", CoMention, period)),
    ]


def render(db: Path, period: Period, generated: datetime) -> str:
    totals = _records(db, "report_totals", Totals, period)[0]
    evidence = _records(db, "report_evidence", Evidence, period, per_label=EVIDENCE_PER_PROPOSAL)
    stories = _q(db, "report_stories", period, limit=TOP_STORIES)
    feeds = wh.read(db, "report_feed_health")
    parts = [
        f"<h1>peacewire: the US–Russia–Ukraine talks in the news</h1><p class='sub'>{period.start} to "
        f"{period.end} · generated {generated:%Y-%m-%d %H:%M} UTC from {html.escape(db.name)}</p>",
        _kpis(totals),
        "<h2>Coverage</h2>",
        *_charts(db, period),
        "<h2>What is said about each proposal</h2>",
        _evidence(evidence),
        "<h2>Most syndicated stories</h2>",
        _table(
            ["title", "first published by", "day", "copies", "outlets", "copied by", "longest lag"],
            stories,
            "No story was copied in this range.",
        ),
        "<h2>Feed health</h2>",
        _table(
            [
                "feed",
                "outlet",
                "lang",
                "status",
                "last success",
                "last new entry",
                "failures in a row",
                "entries",
                "duplicate share",
            ],
            feeds,
            "No feed has been polled yet.",
        ),
    ]
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>peacewire report "
        f"{period.start} – {period.end}</title><style>{CSS}</style>"
        f"<script>{get_plotlyjs()}</script></head><body>{''.join(parts)}</body></html>"
    )


def default_out(db: Path) -> Path:
    """data/peacewire.duckdb -> data/peacewire-report.html (the daily run rewrites it)."""
    return db.with_name(f"{db.stem}-report.html")


def last_days(today: date, days: int = DEFAULT_DAYS) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def write(db: Path, out: Path, period: Period) -> Path:
    """Render the report and write it atomically (a reader never sees half a file)."""
    text = render(db, period, datetime.now(UTC))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
    except OSError:
        tmp.unlink(missing_ok=True)  # a full disk must not leave half a report behind
        raise
    return out


EXAMPLES = (
    "examples:\n  peacewire report        # the last 30 days -> data/peacewire-report.html\n"
    "  peacewire report --from 2025-11-01 --to 2025-11-30 --out november.html"
)


def add_parser(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "report",
        help="write a self-contained HTML report (charts, evidence, syndication)",
        epilog=EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 29 days before --to)")
    p.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today, UTC)")
    p.add_argument("--out", type=Path, help="output file (default: <warehouse>-report.html beside it)")
    p.add_argument("--db", type=Path, help="warehouse file")


def _day(value: str | None, option: str, default: date) -> date:
    if value is None:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} must be a date as YYYY-MM-DD, got {value!r}") from None


def period_of(start: str | None, end: str | None, today: date) -> Period:
    last = _day(end, "--to", today)
    first = _day(start, "--from", last_days(last).start)
    if first > last:
        raise UserError(f"--from {first} is after --to {last}")
    return Period(first, last)


def cmd_report(s: Settings, args: argparse.Namespace) -> int:
    period = period_of(args.start, args.end, datetime.now(UTC).date())
    out = args.out or default_out(s.db)
    if not s.db.exists():
        raise UserError(f"no warehouse at {s.db}: run `peacewire ingest` first")
    try:
        written = write(s.db, out, period)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from None
    print(f"report for {period.start} to {period.end}: {written} ({written.stat().st_size // 1024} KB)")
    return 0
