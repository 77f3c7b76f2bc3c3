"""A run's preparation: feed list, taxonomy, lock and migration once, handed to the flow by id."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.feedlist import FeedListError
from flows import prepare
from peacewire.settings import Settings, load_settings
from warehouse.db import WarehouseError, migrations, opened
from warehouse.lock import ingest_lock

FEEDS = '[[feeds]]\nid = "a"\nurl = "https://a.example/feed"\noutlet = "A"\nlanguage = "en"\n'


def settings(tmp_path: Path, feeds: str = FEEDS) -> Settings:
    (tmp_path / "feeds.toml").write_text(feeds, encoding="utf-8")
    return load_settings({}).resolved(feeds=tmp_path / "feeds.toml", db=tmp_path / "w.duckdb")


def test_a_preparation_loads_locks_and_migrates_once_and_is_found_by_its_id(tmp_path: Path) -> None:
    s = settings(tmp_path)
    with prepare.prepare(s) as run:
        assert [f.id for f in run.feeds] == ["a"] and run.taxonomy_version
        with opened(s.db, read_only=True) as conn:  # migrated
            assert conn.execute("SELECT count(*) FROM schema_migrations").fetchone() == (len(migrations()),)
        with pytest.raises(WarehouseError, match="another ingest is running"), ingest_lock(s.db):
            pass  # the lock is held for the block
        with prepare.prepared(run.id, {}) as again:
            assert again is run  # nothing loaded, locked or migrated again
        assert prepare.settings_of(run.id) is s
    with ingest_lock(s.db):  # released
        pass
    with pytest.raises(LookupError, match="no run prepared as 'gone'"), prepare.prepared("gone", {}):
        pass


def test_without_an_id_a_flow_prepares_from_the_environment_and_its_parameters(tmp_path: Path) -> None:
    s = settings(tmp_path)
    with prepare.prepared(None, {"feeds": s.feeds, "db": s.db}, feeds=False, taxonomy=False) as run:
        assert (run.settings.db, run.feeds, run.taxonomy_version) == (s.db, (), None)
    assert prepare.settings_of(None).db == load_settings().db


def test_a_bad_feeds_file_fails_before_anything_is_locked_or_written(tmp_path: Path) -> None:
    s = settings(tmp_path, FEEDS + "foo = 1\n")
    with pytest.raises(FeedListError, match="unknown key 'foo'"), prepare.prepare(s):
        pass
    assert not s.db.exists()
