"""The whole pipeline on real components: HTTP on 127.0.0.1, a DuckDB file, a Prefect server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.ingest import ingest
from tests.conftest import FIXTURES
from tests.devsite import write_feed_list

pytestmark = pytest.mark.prefect

FEEDS = [("frontline", "/feed-a.xml", "Frontline Review", "en"),
         ("dailywire", "/feed-b.atom", "Daily Wire Service", "en")]  # fmt: skip
EXPECTED = {
    "seed-000": "duplicate", "seed-001": "duplicate", "seed-002": "duplicate",
    "seed-003": "duplicate", "seed-004": "duplicate", "republished-003": "duplicate",
    "uk-talks": "loaded", "ru-talks": "loaded", "de-talks": "loaded", "en-minerals": "loaded",
    "gaza": "loaded", "offtopic-1": "loaded", "offtopic-2": "loaded", "battlefield": "loaded",
    "video": "not_article", "missing-page": "fetch_error",
}  # fmt: skip
TABLES = ("articles", "labels", "duplicates", "lsh_index", "raw_pages", "entries")


def slug(url: str) -> str:
    return url.rsplit("/", 1)[1].split(".", maxsplit=1)[0]


def q(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="module")
def runs(prefect_api: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.conftest import SITE
    from tests.devsite import serve

    tmp = tmp_path_factory.mktemp("e2e")
    db = tmp / "w.duckdb"
    with serve(SITE) as site:
        feeds = write_feed_list(site, tmp / "feeds.toml", FEEDS)
        first = ingest(feeds=str(feeds), db=str(db))
        counts = {t: q(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
        second = ingest(feeds=str(feeds), db=str(db), force=True)  # polled again at once: 304s
        third = ingest(feeds=str(feeds), db=str(db))  # not due yet: not polled at all
    return site, db, first, counts, second, third


def test_every_entry_ends_in_its_outcome(runs: Any) -> None:
    _, db, first, *_ = runs
    got = {slug(url): outcome for url, outcome in q(db, "SELECT url, outcome FROM entries")}
    assert got == EXPECTED
    assert first["tally"] == {"loaded": 13, "duplicate": 6, "not_article": 1, "fetch_error": 1}
    assert (first["entries_seen"], first["entries_new"], first["feeds_ok"]) == (16, 16, 2)


def test_extracted_text_is_clean(runs: Any) -> None:
    _, db, *_ = runs
    rows = q(db, "SELECT url, text, language FROM articles WHERE source = 'feed'")
    by_slug = {slug(u): (t, lang) for u, t, lang in rows}
    assert "Умєров" in by_slug["uk-talks"][0] and by_slug["uk-talks"][1] == "uk"
    assert by_slug["ru-talks"][1] == "ru" and by_slug["de-talks"][1] == "de"
    assert all("We use cookies" not in t and "Most read" not in t for t, _ in by_slug.values())
    reason = q(db, "SELECT detail FROM entries WHERE outcome = 'not_article'")[0][0]
    assert "video page" in reason


def test_republished_seed_links_to_the_seed(runs: Any) -> None:
    _, db, *_ = runs
    rows = q(
        db,
        """SELECT a.url, v.duplicate_of, d.method, d.similarity FROM v_articles v
                    JOIN articles a USING (article_id) JOIN duplicates d USING (article_id)""",
    )
    links = {slug(u): (dup, method, sim) for u, dup, method, sim in rows}
    assert links["republished-003"][0] == "seed:003_93d7f405470a9551"
    assert links["republished-003"][1] in ("near", "containment") and links["republished-003"][2] > 0.8
    for n in ("000", "001", "002", "003", "004"):
        assert links[f"seed-{n}"][0].startswith(f"seed:{n}_")
    originals = q(db, "SELECT count(*) FROM v_articles WHERE source = 'seed' AND duplicate_of IS NULL")
    assert originals == [(5,)]
    trail = q(
        db,
        """SELECT a.url, d.candidate_id, d.method, d.score, d.threshold FROM dedup_decisions d
                     JOIN articles a USING (article_id) WHERE d.decision = 'merged'""",
    )
    merged = {slug(u): (cand, method, score, bar) for u, cand, method, score, bar in trail}
    assert set(merged) == set(links)  # every copy's merge is in the audit trail, and nothing else
    cand, method, score, bar = merged["republished-003"]
    root = (
        cand
        if cand.startswith("seed:")
        else q(db, "SELECT duplicate_of FROM articles WHERE article_id = ?", cand)[0][0]
    )
    assert root == "seed:003_93d7f405470a9551"  # compared with the seed or a copy of it; linked to the seed
    assert method == links["republished-003"][1] and score >= bar


def test_seed_labels_match_the_gold(runs: Any, gold: list[dict]) -> None:
    _, db, *_ = runs
    for g in gold:
        aid = "seed:" + g["file"].removesuffix(".txt")
        for kind, key in (("proposal", "proposals"), ("actor", "actors")):
            got = {
                r[0] for r in q(db, "SELECT label FROM v_labels WHERE article_id = ? AND kind = ?", aid, kind)
            }
            assert got == set(g[key]), (g["file"], kind)


def test_story_views_show_the_syndication(runs: Any) -> None:
    _, db, *_ = runs
    stories = {r[0]: r for r in q(db, "SELECT original_id, copies, copy_outlets FROM v_stories")}
    assert stories["seed:003_93d7f405470a9551"][1:] == (2, 1)  # its page and the republished copy
    assert len(stories) == 5 and sum(r[1] for r in stories.values()) == 6
    lag = q(
        db,
        "SELECT lag FROM v_story_copies JOIN articles a ON a.article_id = copy_id WHERE a.url LIKE '%seed-000%'",
    )
    assert (
        lag[0][0] is not None and lag[0][0].total_seconds() == 0
    )  # both dated 2026-02-21 (seed 003 has no date)


def test_fixture_article_labels_and_relevance(runs: Any) -> None:
    _, db, *_ = runs
    expected = json.loads((FIXTURES / "gold" / "site-labels.json").read_text())
    rows = q(db, "SELECT article_id, url, is_relevant FROM v_articles WHERE source = 'feed'")
    for aid, url, relevant in rows:
        want = expected.get(slug(url))
        if want is None:
            continue
        labels = q(db, "SELECT kind, label FROM v_labels WHERE article_id = ?", aid)
        assert {lab for k, lab in labels if k == "proposal"} == set(want["proposals"]), slug(url)
        assert {lab for k, lab in labels if k == "actor"} == set(want["actors"]), slug(url)
        assert relevant == want["relevant"], slug(url)
    off_topic = q(
        db,
        "SELECT url FROM v_articles WHERE is_relevant AND url LIKE '%offtopic%' OR url LIKE '%battlefield%' AND is_relevant",
    )
    assert off_topic == []


def test_second_run_adds_nothing_and_fetches_nothing_twice(runs: Any) -> None:
    site, db, _, counts, second, _ = runs
    assert {t: q(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES} == counts
    # Feeds answer 304: nothing to parse; the page that failed is tried again (bounded).
    assert second["tally"] == {"fetch_error": 1}
    assert [f["outcome"] for f in second["feeds"]] == ["not_modified", "not_modified"]
    pages = {p: n for p, n in site.hits.items() if p.startswith("/articles/")}
    assert pages.pop("/articles/missing-page.html") == 3  # tried by each of the three runs
    assert len(pages) == 15 and all(n == 1 for n in pages.values())
    assert q(db, "SELECT attempts FROM entries WHERE outcome = 'fetch_error'") == [(3,)]
    assert site.not_modified["/feed-a.xml"] == 1 and site.not_modified["/feed-b.atom"] == 1


def test_run_rows_and_feed_state(runs: Any) -> None:
    _, db, *_ = runs
    runs_rows = q(db, "SELECT status, feeds_ok, entries_new, tally FROM runs ORDER BY started_at")
    assert [(r[0], r[1], r[2]) for r in runs_rows] == [
        ("completed", 2, 16),
        ("completed", 2, 0),
        ("completed", 0, 0),
    ]
    assert json.loads(runs_rows[0][3])["loaded"] == 13
    state = q(db, "SELECT feed_id, etag IS NOT NULL, consecutive_failures FROM feed_state ORDER BY 1")
    assert state == [("dailywire", True, 0), ("frontline", True, 0)]
    assert len(q(db, "SELECT * FROM feed_fetches")) == 4  # the third run polled nothing


def test_feeds_not_due_are_not_polled(runs: Any) -> None:
    site, db, *_, third = runs
    assert [f["outcome"] for f in third["feeds"]] == ["not_due", "not_due"]
    assert site.hits["/feed-a.xml"] == 2 and third["feeds_not_due"] == 2
    interval, due = q(
        db, "SELECT interval_s, next_poll_at > now() FROM feed_state WHERE feed_id = 'frontline'"
    )[0]
    assert interval == 3600 * 3 // 4 and due  # 1 h halved (new entries), then x1.5 (none): 45 min


def test_reextract_rebuilds_from_the_archive_without_network(runs: Any) -> None:
    """The fixture site is stopped by now: reextract can only read the raw archive."""
    from flows.reextract import reextract

    _, db, _, counts, *_ = runs
    outcomes = dict(q(db, "SELECT entry_key, outcome FROM entries"))
    with duckdb.connect(str(db)) as conn:  # damage one article as a bad extractor would
        conn.execute("UPDATE articles SET text = 'x', word_count = 1 WHERE url LIKE '%uk-talks%'")
    tally = reextract(db=str(db))
    assert tally == {"loaded": 8, "duplicate": 6, "not_article": 1}
    assert {t: q(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES} == counts
    assert dict(q(db, "SELECT entry_key, outcome FROM entries")) == outcomes
    text, words = q(db, "SELECT text, word_count FROM articles WHERE url LIKE '%uk-talks%'")[0]
    assert "Умєров" in text and words > 100


def test_retag_after_a_taxonomy_edit(runs: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.retag import retag
    from tests.conftest import TAXONOMY

    _, db, *_ = runs
    edited = TAXONOMY.read_text().replace('version = "', 'version = "test-', 1)
    # A name no label had: "multinationale Truppe" (only de-talks says it) becomes one of Poland's.
    edited = edited.replace('  "Poland", ', '  "Poland", "multinationale Truppe", ', 1)
    (tmp_path / "taxonomy.toml").write_text(edited)
    monkeypatch.setenv("PEACEWIRE_TAXONOMY", str(tmp_path / "taxonomy.toml"))
    before = q(db, "SELECT count(*) FROM labels")[0][0]
    polish = "SELECT article_id FROM v_labels WHERE label = 'poland'"
    had = {a for (a,) in q(db, polish)}
    result = retag(db=str(db))
    assert result["articles"] == 19 and result["articles_per_second"] > 0
    versions = {v for (v,) in q(db, "SELECT DISTINCT taxonomy_version FROM labels")}
    assert len(versions) == 1 and versions.pop().startswith("test-")
    gained = {a for (a,) in q(db, polish)} - had
    urls = [u for (u,) in q(db, "SELECT url FROM articles WHERE article_id = ANY(?)", list(gained))]
    assert [slug(u) for u in urls] == ["de-talks"]
    assert q(db, "SELECT count(*) FROM labels")[0][0] == before + 1
    arrays = q(db, "SELECT list_contains(actors, 'poland') FROM articles WHERE url LIKE '%de-talks%'")
    assert arrays == [(True,)]


def test_a_user_split_survives_the_next_decision(runs: Any, tmp_path: Path) -> None:
    """`peacewire dedup why` shows the merge; `split` undoes it, and a reextract keeps it undone."""
    import shutil

    from flows.reextract import reextract
    from tests.test_cli import run

    db = tmp_path / "copy.duckdb"
    shutil.copy(runs[1], db)
    url = q(db, "SELECT url FROM articles WHERE url LIKE '%republished-003%'")[0][0]
    trail = json.loads(run("dedup", "why", url, "--db", str(db), "--format", "json").stdout)
    why = run("dedup", "why", url, "--db", str(db))
    assert "is a copy of seed:003_93d7f405470a9551" in why.stdout
    merges = {(r["run_id"], r["method"]) for r in trail if r["decision"] == "merged"}
    assert why.returncode == 0 and merges  # one per decision: the ingest, and the reextract test's
    assert len(merges) == len({run_id for run_id, _ in merges}) and {m for _, m in merges} <= {
        "near",
        "containment",
    }
    split = run("dedup", "split", url, "--db", str(db), "--note", "test")
    assert split.returncode == 0, split.stderr
    assert q(db, "SELECT duplicate_of FROM articles WHERE url = ?", url) == [(None,)]
    assert q(db, "SELECT verdict, note FROM dedup_overrides") == [("distinct", "test")]
    assert reextract(db=str(db)) == {"loaded": 9, "duplicate": 5, "not_article": 1}
    assert q(db, "SELECT duplicate_of FROM articles WHERE url = ?", url) == [(None,)]
    missing = run("dedup", "why", "https://nowhere.example.com/x", "--db", str(db))
    assert missing.returncode == 1 and "no article 'https://nowhere.example.com/x'" in missing.stderr
