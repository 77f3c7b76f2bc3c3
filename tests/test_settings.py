from __future__ import annotations

from pathlib import Path

import pytest

from extractors.feedlist import FeedListError, load_feed_list, parse_feed_list
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
        (FEED.replace("https://news.example.com/rss", "ftp://x"), "not an absolute http"),
        (
            FEED.replace("news.example.com", "h:99999"),
            r"feeds\.toml:1: url 'https://h:99999/rss' .*port out of range",
        ),
        (FEED.replace("news.example.com", "h:abc"), "port could not be cast to integer"),
        (FEED.replace("news.example.com", "h:0"), "port 0 is not a port"),
        (FEED.replace("https://news.example.com/rss", "http://[::1"), "invalid IPv6 URL"),
        (
            FEED.replace("https://news.example.com/rss", "http://[zz]/"),
            "does not appear to be an IPv4 or IPv6",
        ),
        (FEED.replace("news.example.com", "news example.com"), "a space or a control character"),
        ("[[feeds]\n", "not valid TOML"),
        ("", "no \\[\\[feeds\\]\\] tables"),
    ],
)
def test_feed_list_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(FeedListError, match=message):
        parse_feed_list(text, "feeds.toml")


def test_a_feeds_file_that_is_not_utf8_names_the_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(FEED.replace('"X"', '"Café"').encode("latin-1"))
    with pytest.raises(FeedListError) as err:
        load_feed_list(path)
    offset = FEED.index('"X"') + 4
    assert str(err.value) == f"{path}:4: not UTF-8 (byte 0xe9 at offset {offset}): save the file as UTF-8"


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_bytes(b"\xef\xbb\xbf" + FEED.encode())
    assert [f.id for f in load_feed_list(path)] == ["a"]


def test_the_allow_list_takes_ports_and_names_a_bad_one() -> None:
    assert load_settings({"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.1:8080, [::1]:8080"}).allowed_hosts
    with pytest.raises(SettingsError, match=r"PEACEWIRE_ALLOWED_HOSTS: .*not a port .*127\.0\.0\.1:99999"):
        load_settings({"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.1:99999"})


def test_the_http_client_and_the_fetch_budget_come_from_the_settings() -> None:
    env = {"PEACEWIRE_HTTP_RETRIES": "4", "PEACEWIRE_ALLOWED_HOSTS": "127.0.0.1:8080"}
    s = load_settings({**env, "PEACEWIRE_FETCH_HOST_BUDGET": "30"})
    budget = s.fetch_budget()
    config = s.client_config(1000, budget)
    assert (config.retries, config.max_bytes, config.budget) == (4, 1000, budget)
    assert (config.user_agent, config.per_host, config.host_delay) == (s.user_agent, 2, s.host_delay)
    assert config.allow.entries and (budget.run_seconds, budget.host_seconds) == (1200.0, 30.0)
