"""`peacewire dedup why|split|merge`: see why two articles were merged, and correct it.

A correction is stored in `dedup_overrides` and applied by every later dedup
decision (ingest, reextract), so it is not undone by the next run.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peacewire import output
from peacewire.errors import UserError
from peacewire.settings import Settings
from warehouse import load as wh
from warehouse.db import WarehouseError
from warehouse.lock import ingest_lock
from warehouse.records import ArticleRef, read_records

EXAMPLES = (
    "examples:\n"
    "  peacewire dedup why https://www.example.com/news/talks-resume\n"
    "  peacewire dedup split https://www.example.com/news/talks-resume --note 'different briefing'\n"
    "  peacewire dedup merge https://www.example.com/amp/talks https://www.example.com/news/talks"
)


def add_parser(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "dedup",
        help="why an article was merged as a copy; split or merge by hand",
        epilog=EXAMPLES,
        formatter_class=fmt,
    )
    p.add_argument("action", choices=("why", "split", "merge"))
    p.add_argument("article", help="the article: its URL, canonical URL or article_id")
    p.add_argument("original", nargs="?", help="merge: the article it copies")
    p.add_argument("--note", help="why you made the correction (stored with it)")
    p.add_argument("--db", type=Path, help="warehouse file")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")


def _resolve(s: Settings, ref: str) -> tuple[str, str | None, str | None]:
    found = read_records(s.db, "read_article_ref", ArticleRef, {"ref": ref})
    if not found:
        raise UserError(f"no article {ref!r} in {s.db} (give its URL, canonical URL or article_id)")
    return found[0].article_id, found[0].duplicate_of, found[0].title


def _write(s: Settings, name: str, params: dict[str, Any]) -> None:
    try:
        with ingest_lock(s.db):
            wh.apply(s.db, name, {**params, "at": datetime.now(UTC)})
    except WarehouseError as exc:
        raise UserError(str(exc)) from None


def cmd_dedup(s: Settings, args: argparse.Namespace) -> int:
    if not s.db.exists():
        raise UserError(f"no warehouse at {s.db}: run `peacewire ingest` first")
    aid, dup_of, _ = _resolve(s, args.article)
    if args.action == "why":
        return _why(s, aid, dup_of, args.format)
    if args.action == "split":
        if dup_of is None:
            raise UserError(f"{aid} is not linked as a copy: nothing to split")
        _write(s, "override_split", {"id": aid, "note": args.note})
        print(f"{aid} is no longer a copy of {dup_of} (kept apart in later runs too)")
        return 0
    if not args.original:
        raise UserError("merge needs two articles: peacewire dedup merge COPY ORIGINAL")
    other, _, _ = _resolve(s, args.original)
    if other == aid:
        raise UserError("an article cannot copy itself")
    _write(s, "override_merge", {"id": aid, "other": other, "note": args.note})
    print(f"{aid} is now a copy of {other}")
    return 0


def _why(s: Settings, aid: str, dup_of: str | None, fmt: str) -> int:
    rows = wh.read(s.db, "read_dedup_trail", {"id": aid})
    if fmt == "table":
        state = f"a copy of {dup_of}" if dup_of else "an original (not linked to another article)"
        print(f"{aid} is {state}; {len(rows)} comparison(s) on record:")
    cols = ["decided_at", "run_id", "candidate_id", "method", "score", "threshold", "decision", "title"]
    output.print_rows(cols, rows, fmt)
    return 0
