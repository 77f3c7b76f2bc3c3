"""`peacewire dedup why|split|merge`: see why two articles were merged, and correct it.

A correction is stored in `dedup_overrides` and applied by every later dedup
decision (ingest, reextract), so it is not undone by the next run.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractors.linking import merge_problem
from peacewire import output
from peacewire.errors import UserError
from peacewire.settings import Settings
from warehouse import dedup_index
from warehouse.db import WarehouseError
from warehouse.records import ArticleRef

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


def _resolve(s: Settings, ref: str) -> ArticleRef:
    found = dedup_index.article(s.db, ref)
    if found is None:
        raise UserError(f"no article {ref!r} in {s.db} (give its URL, canonical URL or article_id)")
    return found


def _correct(fix: Callable[[], None]) -> None:
    try:
        fix()
    except WarehouseError as exc:
        raise UserError(str(exc)) from None


def cmd_dedup(s: Settings, args: argparse.Namespace) -> int:
    if not s.db.exists():
        raise UserError(f"no warehouse at {s.db}: run `peacewire ingest` first")
    ref = _resolve(s, args.article)
    aid, dup_of = ref.article_id, ref.duplicate_of
    if args.action == "why":
        return _why(s, aid, dup_of, args.format)
    if args.action == "split":
        if dup_of is None:
            raise UserError(f"{aid} is not linked as a copy: nothing to split")
        _correct(lambda: dedup_index.split(s.db, aid, args.note, datetime.now(UTC)))
        print(f"{aid} is no longer a copy of {dup_of} (kept apart in later runs too)")
        return 0
    if not args.original:
        raise UserError("merge needs two articles: peacewire dedup merge COPY ORIGINAL")
    other = _resolve(s, args.original).article_id
    problem = merge_problem(aid, other)
    if problem:
        raise UserError(problem)
    _correct(lambda: dedup_index.merge(s.db, aid, other, args.note, datetime.now(UTC)))
    print(f"{aid} is now a copy of {other}")
    return 0


def _why(s: Settings, aid: str, dup_of: str | None, fmt: str) -> int:
    rows = dedup_index.trail(s.db, aid)
    if fmt == "table":
        state = f"a copy of {dup_of}" if dup_of else "an original (not linked to another article)"
        print(f"{aid} is {state}; {len(rows)} comparison(s) on record:")
    output.print_rows(dedup_index.TRAIL_COLUMNS, rows, fmt)
    return 0
