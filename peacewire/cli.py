"""`peacewire`: follow the US-Russia-Ukraine peace talks in the news: ingest, query, report, operate.

Exit status: 0 done; 1 could not run (the one-line reason is printed on
stderr); 2 bad usage. Single failing feeds or pages do not fail an ingest:
they are recorded in the warehouse and shown in the summary.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extractors.feedlist import FeedListError
from extractors.taxonomy import TaxonomyError
from flows.prepare import Prepared, prepare
from peacewire import output, report, review, status
from peacewire.errors import UserError
from peacewire.prefect_api import prefect_api
from peacewire.settings import Settings, SettingsError, apply_prefect_environment, load_settings
from warehouse.db import QueryError, WarehouseError, run_query, sql

EXAMPLES = {
    "ingest": (
        "examples:\n  peacewire ingest\n"
        "  peacewire ingest --feeds my-feeds.toml --db data/my.duckdb --limit 50"
    ),
    "query": (
        'examples:\n  peacewire query "SELECT label, count(*) FROM v_labels GROUP BY 1 ORDER BY 2 DESC"\n'
        '  peacewire query --format csv "SELECT * FROM v_unique_relevant_articles" > talks.csv'
    ),
    "feeds": ("examples:\n  peacewire feeds\n  peacewire feeds --format csv > feed-health.csv"),
    "reextract": "examples:\n  peacewire reextract\n  peacewire reextract --db data/other.duckdb",
    "retag": "examples:\n  peacewire retag      # after editing seeds/taxonomy.toml (bump its version)",
    "serve": "examples:\n  peacewire serve\n  PEACEWIRE_CRON='0 */6 * * *' peacewire serve",
}


def _wide(prog: str) -> argparse.HelpFormatter:
    """One line per command in `peacewire --help` (argparse does not measure sub-command names)."""
    formatter = argparse.HelpFormatter(prog, max_help_position=20, width=110)
    formatter._action_max_length = 16  # the longest command, "reextract", indented
    return formatter


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peacewire", description=__doc__.splitlines()[0] if __doc__ else "", formatter_class=_wide
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fmt = argparse.RawDescriptionHelpFormatter
    ing = sub.add_parser(
        "ingest",
        help="run one ingest (seeds + every feed)",
        epilog=EXAMPLES["ingest"],
        formatter_class=fmt,
    )
    ing.add_argument("--feeds", type=Path, help="feeds file (default: PEACEWIRE_FEEDS or seeds/feeds.toml)")
    ing.add_argument(
        "--db", type=Path, help="warehouse file (default: PEACEWIRE_DB or data/peacewire.duckdb)"
    )
    ing.add_argument("--limit", type=int, help="fetch at most N new entries this run (the rest wait)")
    ing.add_argument("--force", action="store_true", help="poll every feed, due or not (adaptive polling)")
    q = sub.add_parser(
        "query",
        help="run SQL on the warehouse, read-only",
        epilog=EXAMPLES["query"],
        formatter_class=fmt,
    )
    q.add_argument("sql", help="one SQL statement (views: v_articles, v_labels, ...); no file access")
    q.add_argument("--db", type=Path, help="warehouse file")
    q.add_argument("--format", choices=("table", "csv", "json"), default="table")
    fd = sub.add_parser(
        "feeds",
        help="per-feed health: failing, paused, stalled feeds first",
        epilog=EXAMPLES["feeds"],
        formatter_class=fmt,
    )
    fd.add_argument("--db", type=Path, help="warehouse file")
    fd.add_argument("--format", choices=("table", "csv", "json"), default="table")
    rx = sub.add_parser(
        "reextract",
        help="rebuild feed articles from the raw archive (no network)",
        epilog=EXAMPLES["reextract"],
        formatter_class=fmt,
    )
    rx.add_argument("--db", type=Path, help="warehouse file")
    rt = sub.add_parser(
        "retag",
        help="label every stored article again with the current taxonomy",
        epilog=EXAMPLES["retag"],
        formatter_class=fmt,
    )
    rt.add_argument("--db", type=Path, help="warehouse file")
    sub.add_parser(
        "serve",
        help="serve the deployments (daily ingest; retag, reextract on demand) until stopped",
        epilog=EXAMPLES["serve"],
        formatter_class=fmt,
    )
    review.add_parser(sub, fmt)
    status.add_parser(sub, fmt)
    report.add_parser(sub, fmt)
    return p


@contextmanager
def _prepared(s: Settings) -> Iterator[Prepared]:
    """The run's feed list, taxonomy, lock and migration, once, before Prefect starts (flows.prepare)."""
    try:
        with prepare(s) as run:
            yield run
    except (FeedListError, TaxonomyError, WarehouseError) as exc:
        raise UserError(str(exc)) from None


def _reason(exc: Exception) -> str:
    """A failed run's cause in one line: our own errors speak for themselves, others name their type."""
    first = (str(exc).strip().splitlines() or [""])[0]
    return first if isinstance(exc, WarehouseError | UserError) else f"{type(exc).__name__}: {first}"


def cmd_ingest(s: Settings, args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise UserError("--limit must be >= 0")
    with _prepared(s) as run:
        apply_prefect_environment(s)
        from flows.ingest import ingest  # noqa: PLC0415 (Prefect reads its environment at import: set it first)

        with prefect_api():
            try:
                with output.progress_bar(sys.stderr.isatty()):
                    summary = ingest(limit=args.limit, force=args.force, prepared=run.id)
            except Exception as exc:
                raise UserError(f"ingest failed: {_reason(exc)}") from None
    output.print_summary(summary)
    return 0


def cmd_query(s: Settings, args: argparse.Namespace) -> int:
    try:
        columns, rows = run_query(s.db, args.sql)
    except (WarehouseError, QueryError) as exc:
        raise UserError(str(exc)) from None
    output.print_rows(columns, rows, args.format)
    return 0


def cmd_feeds(s: Settings, args: argparse.Namespace) -> int:
    args.sql = sql("feed_health")
    return cmd_query(s, args)


def _run_maintenance(s: Settings, name: str) -> dict[str, Any]:
    """Run the reextract or retag flow on the warehouse (after the same checks as an ingest)."""
    with _prepared(s) as run:
        apply_prefect_environment(s)
        # The flow module imports Prefect, which reads its environment at import: set it first.
        flow = getattr(importlib.import_module(f"flows.{name}"), name)
        with prefect_api():
            try:
                with output.progress_bar(sys.stderr.isatty()):
                    return dict(flow(prepared=run.id))
            except Exception as exc:
                raise UserError(f"{name} failed: {_reason(exc)}") from None


def cmd_reextract(s: Settings, _args: argparse.Namespace) -> int:
    tally = _run_maintenance(s, "reextract")
    output.print_rows(["outcome", "entries"], sorted(tally.items()), "table")
    return 0


def cmd_retag(s: Settings, _args: argparse.Namespace) -> int:
    result = _run_maintenance(s, "retag")
    output.print_rows(list(result), [tuple(result.values())], "table")
    return 0


def cmd_serve(s: Settings, _args: argparse.Namespace) -> int:
    apply_prefect_environment(s)
    from deployments import serve_all  # noqa: PLC0415 (it imports Prefect, which reads its environment at import)

    with prefect_api():
        serve_all(s)
    return 0


COMMANDS: dict[str, Any] = {
    "ingest": cmd_ingest,
    "query": cmd_query,
    "feeds": cmd_feeds,
    "reextract": cmd_reextract,
    "retag": cmd_retag,
    "serve": cmd_serve,
    "dedup": review.cmd_dedup,
    "status": status.cmd_status,
    "report": report.cmd_report,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        s = load_settings().resolved(feeds=getattr(args, "feeds", None), db=getattr(args, "db", None))
        return int(COMMANDS[args.command](s, args))
    except (UserError, SettingsError) as exc:
        print(f"peacewire: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("peacewire: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
