from __future__ import annotations

from pathlib import Path

import pytest

from extractors.feedlist import FeedListError, parse_feed_list
from peacewire.settings import SettingsError, load_settings
from tests.conftest import ROOT


def test_defaults() -> None:
    s = load_settings({})
    assert s.db == Path("data/peacewire.duckdb") and s.cron == "0 6 * * *" and s.timezone == "UTC"


def test_environment_and_overrides() -> None:
    s = load_settings({"PEACEWIRE_DB": "/tmp/x.duckdb", "PEACEWIRE_BATCH_SIZE": "10"})
    assert s.db == Path("/tmp/x.duckdb") and s.batch_size == 10
    assert s.resolved(db=Path("y.duckdb"), feeds=None).db == Path("y.duckdb")


def test_a_typo_fails_loudly() -> None:
    with pytest.raises(SettingsError, match="unknown setting PEACEWIRE_BATCHSIZE"):
        load_settings({"PEACEWIRE_BATCHSIZE": "10"})


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="PEACEWIRE_HTTP_TIMEOUT"):
        load_settings({"PEACEWIRE_HTTP_TIMEOUT": "soon"})


def test_default_feed_list_is_valid_and_broad() -> None:
    feeds = parse_feed_list((ROOT / "seeds" / "feeds.toml").read_text())
    assert len(feeds) >= 15
    assert {"en", "uk", "ru"} <= {f.language for f in feeds} and len({f.language for f in feeds}) >= 4


FEED = '[[feeds]]\nid = "a"\nurl = "https://news.example.com/rss"\noutlet = "X"\nlanguage = "en"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (FEED + "\n" + FEED, r"feeds\.toml:7: duplicate id 'a' \(first at line 1\)"),
        (
            FEED
            + '\n[[feeds]]\nid = "b"\nurl = "https://news.example.com/b"\noutlet = "X"\nlanguage = "en"\ncolour = "red"\n',
            r"feeds\.toml:7: unknown key 'colour'",
        ),
        (FEED.replace('"en"', '"english"'), r"feeds\.toml:1: language 'english'"),
        (FEED.replace("https://news.example.com/rss", "ftp://x"), "is not an http"),
        ("[[feeds]\n", "not valid TOML"),
        ("", "no \\[\\[feeds\\]\\] tables"),
    ],
)
def test_feed_list_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(FeedListError, match=message):
        parse_feed_list(text, "feeds.toml")


def test_the_allow_list_takes_ports_and_names_a_bad_one() -> None:
    assert load_settings({"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.1:8080, [::1]:8080"}).allowed_hosts
    with pytest.raises(SettingsError, match=r"PEACEWIRE_ALLOWED_HOSTS: .*not a port .*127\.0\.0\.1:99999"):
        load_settings({"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.1:99999"})
