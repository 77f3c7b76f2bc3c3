"""`make demo`: the whole path offline, on a local fixture site.

Starts the fixture news site (tests/fixtures/site) on 127.0.0.1, ingests its
two feeds and the seed corpus into a fresh demo warehouse (data/demo.duckdb),
prints the run summary, then a few example queries with their results.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from peacewire import output
from peacewire.prefect_api import prefect_api
from peacewire.settings import PROJECT_ROOT, apply_prefect_environment, load_settings
from tests.devsite import serve, write_feed_list
from warehouse.db import opened

SITE = PROJECT_ROOT / "tests" / "fixtures" / "site"
FEEDS = [
    ("frontline", "/feed-a.xml", "Frontline Review", "en"),
    ("dailywire", "/feed-b.atom", "Daily Wire Service", "en"),
]
QUERIES = {
    "Every stored article (copies included)": """
        SELECT coalesce(outlet, 'seed corpus') AS outlet, left(title, 60) AS title, language,
               word_count AS words, round(relevance, 2) AS relevance, is_relevant, duplicate_of
        FROM v_articles ORDER BY source DESC, outlet, title""",
    "Copies and what they copy": """
        SELECT left(a.title, 50) AS copy, d.method, round(d.similarity, 3) AS similarity,
               left(o.title, 50) AS original
        FROM duplicates d JOIN articles a USING (article_id)
        JOIN articles o ON o.article_id = d.duplicate_of ORDER BY copy""",
    "Proposals in unique relevant articles": """
        SELECT label, count(*) AS articles, sum(mentions) AS mentions
        FROM v_labels JOIN v_unique_relevant_articles USING (article_id)
        WHERE kind = 'proposal' GROUP BY label ORDER BY articles DESC, label""",
    "Who is named with security guarantees (evidence)": """
        SELECT left(a.title, 40) AS article, a.language, left(l.evidence, 90) AS evidence
        FROM v_labels l JOIN v_unique_relevant_articles a USING (article_id)
        WHERE l.label = 'security-guarantees' ORDER BY a.language""",
}


def main() -> int:
    os.environ.setdefault("PEACEWIRE_HOST_DELAY", "0")  # our own local site: no need to space requests
    settings = load_settings()
    db = settings.data_dir / "demo.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    apply_prefect_environment(settings)
    from flows.ingest import ingest

    with serve(SITE) as site, prefect_api():
        # The demo site is on 127.0.0.1, which feed links may not reach by default: allow its port only.
        os.environ.setdefault("PEACEWIRE_ALLOWED_HOSTS", site.base.removeprefix("http://"))
        feeds = write_feed_list(site, settings.data_dir / "demo-feeds.toml", FEEDS)
        print(f"fixture site on {site.base}; warehouse {db}", file=sys.stderr)
        summary = ingest(feeds=str(feeds), db=str(db))
    output.print_summary(summary)
    show_queries(Path(db))
    return 0


def show_queries(db: Path) -> None:
    with opened(db, read_only=True) as conn:
        for title, sql in QUERIES.items():
            cur = conn.execute(sql)
            print(f'\n== {title}\n   peacewire query --db {db} "{" ".join(sql.split())}"')
            output.print_rows([d[0] for d in cur.description or []], cur.fetchall(), "table")


if __name__ == "__main__":
    raise SystemExit(main())
