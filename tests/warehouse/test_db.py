from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from extractors.dedup import BAND_SHIFT, BANDS, band_keys, fingerprint
from peacewire.settings import load_settings
from warehouse import load as wh
from warehouse.db import WarehouseError, connect, migrate, migrations, opened, sql
from warehouse.lock import ingest_lock

VIEWS = {"v_articles", "v_labels", "v_unique_relevant_articles", "v_label_counts_daily",
         "v_actor_proposal", "v_outlet_coverage", "v_feed_health"}  # fmt: skip

CONFIG = load_settings({}).view_config()  # the settings' defaults, as an ingest writes them


def fresh(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    with opened(db, read_only=False) as conn:
        migrate(conn, CONFIG)
    return db


def test_migrations_are_recorded_and_applied_once(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with opened(db, read_only=False) as conn:
        first = migrate(conn, CONFIG)
        second = migrate(conn, CONFIG)
        recorded = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        views = {
            r[0] for r in conn.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()
        }
    assert first == [name for _, name, _ in migrations()] and second == []
    assert recorded == [(v, n) for v, n, _ in migrations()]
    assert views >= VIEWS


def test_public_view_columns(tmp_path: Path) -> None:
    db = fresh(tmp_path)
    with opened(db, read_only=True) as conn:
        cols = [r[0] for r in conn.execute("DESCRIBE v_articles").fetchall()]
        label_cols = [r[0] for r in conn.execute("DESCRIBE v_labels").fetchall()]
    assert cols == ["article_id", "url", "canonical_url", "feed_id", "outlet", "source", "title",
                    "authors", "published_at", "fetched_at", "language", "word_count", "relevance",
                    "is_relevant", "duplicate_of"]  # fmt: skip
    assert label_cols[:5] == ["article_id", "kind", "label", "mentions", "evidence"]


def test_load_is_idempotent_and_atomic(tmp_path: Path) -> None:
    db = fresh(tmp_path)
    labels = {"article_id": ["a", "a"], "kind": ["actor", "actor"], "label": ["russia", "ukraine"],
              "mentions": [1, 2], "first_offset": [0, 5], "evidence": ["x", "y"],
              "taxonomy_version": ["1", "1"]}  # fmt: skip
    wh.load(db, {"labels": labels})
    wh.load(db, {"labels": labels})
    assert wh.read(db, "read_seed_ids") == []
    with opened(db, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM labels").fetchone() == (2,)
    broken = {**labels, "article_id": ["b", None]}  # NOT NULL violation on the 2nd row
    with pytest.raises(duckdb.Error):
        wh.load(db, {"labels": broken})
    with opened(db, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM labels WHERE article_id = 'b'").fetchone() == (0,)


def test_read_only_connection_refuses_writes(tmp_path: Path) -> None:
    db = fresh(tmp_path)
    with opened(db, read_only=True) as conn, pytest.raises(duckdb.Error, match="read-only"):
        conn.execute("DELETE FROM articles")


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseError, match="does not exist yet"):
        connect(tmp_path / "nope.duckdb", read_only=True)


def test_unwritable_location_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WarehouseError, match="cannot"):
        connect(blocker / "sub" / "w.duckdb", read_only=False)


def test_second_ingest_lock_fails_fast(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with ingest_lock(db), pytest.raises(WarehouseError, match="another ingest is running"):
        with ingest_lock(db):
            pass
    with ingest_lock(db):  # released
        pass


def fingerprint_of(db: Path) -> tuple[str, list[tuple[object, ...]]]:
    """The file's bytes (hash) and its tables, read without writing."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    with duckdb.connect(str(db), read_only=True) as conn:
        return digest, conn.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()


def foreign_app(db: Path) -> None:
    with duckdb.connect(str(db)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER, name VARCHAR)")
        conn.execute("INSERT INTO customers VALUES (1, 'Acme')")
        conn.execute("CREATE VIEW v_customers AS SELECT * FROM customers")


def other_peacewire(db: Path) -> None:
    with duckdb.connect(str(db)) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER, name VARCHAR, applied_at TIMESTAMPTZ)")
        conn.execute("INSERT INTO schema_migrations VALUES (1, '001_init', now()), (2, 'x', now())")
        conn.execute("CREATE TABLE articles (id INTEGER)")


def newer_peacewire(db: Path) -> None:
    with opened(db, read_only=False) as conn:
        migrate(conn, CONFIG)
        conn.execute(sql("schema_migrations_record"), [999, "999_from_the_future", datetime.now(UTC)])


FOREIGN = [(foreign_app, "no schema_migrations: not a peacewire warehouse"),
           (other_peacewire, "records migration 2 as 'x'"),
           (newer_peacewire, "migration 999 '999_from_the_future', unknown")]  # fmt: skip


@pytest.mark.parametrize(("make", "says"), FOREIGN)
def test_a_foreign_database_is_rejected_before_anything_is_written(
    tmp_path: Path, make: object, says: str
) -> None:
    db = tmp_path / "other.duckdb"
    make(db)  # type: ignore[operator]
    before = fingerprint_of(db)
    with opened(db, read_only=False) as conn, pytest.raises(WarehouseError, match=says) as err:
        migrate(conn, CONFIG)
    assert "left untouched" in str(err.value) and str(db) in str(err.value)
    assert fingerprint_of(db) == before  # no schema_migrations, config table or view was added


@pytest.mark.parametrize("content", [b"SQLite format 3\x00" + b"\x00" * 4080, b"hello, world\n" * 300])
def test_a_file_that_is_not_duckdb_is_never_opened_by_duckdb(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "w.duckdb"
    db.write_bytes(content)
    for read_only in (True, False):
        with pytest.raises(WarehouseError, match="made by another application"):
            connect(db, read_only=read_only)
    assert db.read_bytes() == content


def test_an_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    db.touch()
    with pytest.raises(WarehouseError, match="is an empty file, not a DuckDB database: remove it"):
        connect(db, read_only=False)


def test_migration_003_moves_the_lsh_index_without_losing_a_key(tmp_path: Path) -> None:
    """A warehouse of the (band, bucket) layout keeps every band as a folded key after 003."""
    db = tmp_path / "old.duckdb"
    with opened(db, read_only=False) as conn:
        conn.execute(sql("schema_migrations_create"))
        for version, name, text in migrations()[:2]:
            conn.execute(text)
            conn.execute(sql("schema_migrations_record"), [version, name, datetime.now(UTC)])
        conn.execute("""INSERT INTO articles (article_id, source, fetched_at, text, text_hash, word_count,
                        shingles, minhash, proposals, actors, run_id)
                        VALUES ('https://a.example.com/x', 'feed', now(), 't', 'h', 1, 1, ''::BLOB, [], [], 'r')""")
        conn.execute(
            "INSERT INTO minhash_bands VALUES (0, 5, 'https://a.example.com/x'), (3, -7, 'https://a.example.com/x')"
        )
        assert migrate(conn, CONFIG)[0] == "003_dedup_index_and_audit"
        keys = conn.execute("SELECT key FROM lsh_index ORDER BY key").fetchall()
        doc = conn.execute("SELECT doc = doc_of(article_id) FROM articles").fetchall()
    assert keys == sorted([(5,), (-7 ^ (3 << BAND_SHIFT),)]) and doc == [(True,)]


def test_the_migrated_key_is_the_key_band_keys_computes() -> None:
    """003 derives a band's 32-bit key from the stored 64-bit bucket exactly as band_keys does."""
    sig = fingerprint("Witkoff and Dmitriev drafted the 28-point plan in Miami.").signature
    buckets = [int.from_bytes(hashlib.blake2b(r.tobytes(), digest_size=8).digest(), "little", signed=True)
               for r in sig.reshape(BANDS, -1)]  # fmt: skip
    text = next(t for _, n, t in migrations() if n.startswith("003"))
    expr = text[text.index("SELECT xor(") + 7 : text.index("FROM minhash_bands")].rsplit(", a.doc", 1)[0]
    with duckdb.connect() as conn:
        conn.execute("CREATE TABLE m (band SMALLINT, bucket BIGINT)")
        conn.executemany("INSERT INTO m VALUES (?, ?)", list(enumerate(buckets)))
        got = [k for (k,) in conn.execute(f"SELECT {expr} FROM m ORDER BY band").fetchall()]
    assert got == list(band_keys(sig))
