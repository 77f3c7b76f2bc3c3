"""`peacewire status`: the last runs, their tallies, and what needs attention."""

from __future__ import annotations

import argparse
from dataclasses import asdict, astuple, fields
from pathlib import Path
from typing import Any

from peacewire import alerts, output
from peacewire.errors import UserError
from peacewire.settings import Settings
from warehouse.db import WarehouseError
from warehouse.records import RunRow, read_records

EXAMPLES = (
    "examples:\n  peacewire status\n  peacewire status --runs 30\n"
    "  peacewire status --format json | jq '.attention'"
)
RUN_COLUMNS = [f.name for f in fields(RunRow)]


def add_parser(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "status",
        help="last runs, their tallies, and what needs attention (alerts)",
        epilog=EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("--db", type=Path, help="warehouse file")
    p.add_argument("--runs", type=int, default=10, help="how many recent runs to show (default 10)")
    p.add_argument("--format", choices=("table", "json"), default="table")


def cmd_status(s: Settings, args: argparse.Namespace) -> int:
    if not s.db.exists():
        raise UserError(f"no warehouse at {s.db}: run `peacewire ingest` first")
    try:
        runs = read_records(s.db, "read_recent_runs", RunRow, {"limit": max(1, args.runs)})
        found = alerts.conditions(s.db)
    except WarehouseError as exc:
        raise UserError(str(exc)) from None
    if args.format == "json":
        output.print_json(
            {
                "runs": [asdict(r) for r in runs],
                "attention": [asdict(c) for c in found],
            }
        )
        return 0
    print(f"Last {len(runs)} run(s) of {s.db}:")
    output.print_rows(RUN_COLUMNS, [astuple(r) for r in runs], "table")
    if not found:
        print("Nothing needs attention.")
        return 0
    print(f"Needs attention ({len(found)}):")
    output.print_rows(["kind", "subject", "detail"], [(c.kind, c.subject, c.detail) for c in found], "table")
    return 0
