"""The CLI as a user runs it: a subprocess, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from peacewire.settings import load_settings
from tests.conftest import ROOT, SITE
from tests.devsite import serve, write_feed_list
from warehouse.db import migrate, opened
from warehouse.lock import ingest_lock

CONFIG = load_settings({}).view_config()  # the settings' defaults, as an ingest writes them


def run(
    *args: str, env: dict[str, str] | None = None, timeout: int = 300, own_prefect: bool = False
) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess; own_prefect: without the session's PREFECT_* variables (as a user runs it)."""
    import os

    drop = ("PEACEWIRE_", "PREFECT_") if own_prefect else ("PEACEWIRE_",)
    base = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    base["PEACEWIRE_ALLOWED_HOSTS"] = "127.0.0.0/8"
    base["PEACEWIRE_HOST_DELAY"] = "0"
    return subprocess.run([sys.executable, "-m", "peacewire.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**base, **(env or {})}, timeout=timeout)  # fmt: skip


def one_line_error(p: subprocess.CompletedProcess[str]) -> str:
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("peacewire: error: ")
    return lines[0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with opened(path, read_only=False) as conn:
        migrate(conn, CONFIG)
    return path


def test_bad_feeds_file_names_the_line(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(
        '[[feeds]]\nid = "a"\nurl = "https://news.example.com/"\noutlet = "X"\nlanguage = "en"\nfoo = 1\n'
    )
    msg = one_line_error(run("ingest", "--feeds", str(feeds), "--db", str(tmp_path / "w.duckdb")))
    assert f"{feeds}:1: unknown key 'foo'" in msg


FEED = '[[feeds]]\nid = "a"\nurl = "{url}"\noutlet = "{outlet}"\nlanguage = "en"\n'
BAD_FEEDS = [
    (FEED.format(url="http://h:99999/", outlet="X").encode(), ":1: url 'http://h:99999/' is not a usable"),
    (
        FEED.format(url="http://h:abc/", outlet="X").encode(),
        ":1: url 'http://h:abc/' is not a usable http(s) URL: port could not be cast",
    ),
    (FEED.format(url="http://[::1", outlet="X").encode(), ":1: url 'http://[::1' is not a usable"),
    (FEED.format(url="http://h/", outlet="Café").encode("cp1252"), ":4: not UTF-8 (byte 0xe9 at offset 50)"),
]


@pytest.mark.parametrize(("content", "says"), BAD_FEEDS, ids=["port", "port-abc", "ipv6", "latin-1"])
def test_a_bad_feeds_file_is_one_line_and_the_warehouse_still_opens(
    db: Path, tmp_path: Path, content: bytes, says: str
) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_bytes(content)
    msg = one_line_error(run("ingest", "--feeds", str(feeds), "--db", str(db)))
    assert f"{feeds}{says}" in msg
    assert run("query", "SELECT count(*) FROM v_articles", "--db", str(db)).returncode == 0


def test_missing_feeds_file(tmp_path: Path) -> None:
    msg = one_line_error(
        run("ingest", "--feeds", str(tmp_path / "nope.toml"), "--db", str(tmp_path / "w.duckdb"))
    )
    assert "cannot read feeds file" in msg


def test_unknown_setting_fails_loudly() -> None:
    msg = one_line_error(run("query", "SELECT 1", env={"PEACEWIRE_DBB": "x"}))
    assert "unknown setting PEACEWIRE_DBB" in msg


def test_locked_warehouse(db: Path) -> None:
    with ingest_lock(db):
        msg = one_line_error(run("ingest", "--db", str(db)))
    assert "another ingest is running" in msg


def test_unwritable_warehouse(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    msg = one_line_error(run("ingest", "--db", str(tmp_path / "file" / "w.duckdb")))
    assert "cannot" in msg


def test_ingest_refuses_another_applications_duckdb_file_untouched(tmp_path: Path) -> None:
    import duckdb

    other = tmp_path / "crm.duckdb"
    with duckdb.connect(str(other)) as conn:
        conn.execute("CREATE TABLE customers AS SELECT 1 AS id, 'Acme' AS name")
    before = sha256(other)
    msg = one_line_error(run("ingest", "--db", str(other), env={"PEACEWIRE_DATA_DIR": str(tmp_path / "d")}))
    assert f"{other} has tables (customers) but no schema_migrations" in msg
    assert sha256(other) == before


def test_a_data_dir_that_cannot_be_created_is_one_line(db: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    data = tmp_path / "file" / "data"
    msg = one_line_error(
        run("ingest", "--db", str(db), env={"PEACEWIRE_DATA_DIR": str(data)}, own_prefect=True)
    )
    assert msg == f"peacewire: error: PEACEWIRE_DATA_DIR: cannot write to {data / 'prefect'}: Not a directory"
    assert run("query", "SELECT count(*) FROM v_articles", "--db", str(db)).returncode == 0


def test_a_read_only_data_dir_is_one_line(db: Path, tmp_path: Path) -> None:
    from tests.mounts import read_only, tmpfs

    with tmpfs(tmp_path / "ro", "1m") as data:
        (data / "prefect").mkdir()  # the folder exists (an earlier run made it); it is no longer writable
        read_only(data)
        env = {"PEACEWIRE_DATA_DIR": str(data)}
        for command in (["ingest", "--db", str(db)], ["retag", "--db", str(db)], ["serve"]):
            msg = one_line_error(run(*command, env=env, own_prefect=True))
            assert msg.endswith(f"cannot write to {data / 'prefect'}: Read-only file system"), command
    assert run("query", "SELECT count(*) FROM v_articles", "--db", str(db)).returncode == 0


def test_query_formats(db: Path) -> None:
    sql = "SELECT 1 AS n, 'Київ' AS city"
    table = run("query", sql, "--db", str(db))
    assert table.returncode == 0 and "Київ" in table.stdout and "(1 row)" in table.stdout
    csv = run("query", sql, "--db", str(db), "--format", "csv")
    assert csv.stdout.splitlines() == ["n,city", "1,Київ"]
    js = run("query", sql, "--db", str(db), "--format", "json")
    assert json.loads(js.stdout) == [{"n": 1, "city": "Київ"}]


def test_query_is_read_only(db: Path) -> None:
    msg = one_line_error(run("query", "DELETE FROM articles", "--db", str(db)))
    assert "read-only" in msg


def sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


# (SQL, what the one-line error must say); {db} is the warehouse file itself.
REFUSED = [
    ("SELECT * FROM read_csv('/etc/passwd')", "query refused"),
    ("SELECT * FROM read_text('/etc/passwd')", "query refused"),
    ("SELECT * FROM glob('/root/**')", "query refused"),
    ("COPY (SELECT 42) TO '{db}'", "query refused"),
    ("COPY articles TO '{out}/articles.csv'", "query refused"),
    ("EXPORT DATABASE '{out}/export'", "query refused"),
    ("INSTALL httpfs", "query refused"),
    ("SET enable_external_access = true", "query refused"),
    ("SET memory_limit = '8GB'", "query refused"),
    ("ATTACH '{out}/other.duckdb' AS other", "query refused"),
    ("SELECT 1; SELECT 2", "holds 2 statements"),
    ("SELECT 1; COPY (SELECT 42) TO '{db}'", "holds 2 statements"),
    ("", "the query is empty"),
    ("-- comment", "the query is empty"),
    ("  /* only */ ;  ", "the query is empty"),
]


@pytest.mark.parametrize(("sql", "says"), REFUSED, ids=[q or "empty" for q, _ in REFUSED])
def test_query_reaches_the_warehouse_and_nothing_else(db: Path, tmp_path: Path, sql: str, says: str) -> None:
    """No file read or written, no extension, no setting changed, one statement: each refusal is one line."""
    out = tmp_path / "out"
    out.mkdir()
    before = sha256(db)
    msg = one_line_error(run("query", sql.format(db=db, out=out), "--db", str(db)))
    assert says in msg, msg
    assert "root:" not in msg  # nothing of /etc/passwd
    assert sha256(db) == before and list(out.iterdir()) == []  # the warehouse intact, nothing written
    ok = run("query", "SELECT count(*) AS n FROM v_articles", "--db", str(db), "--format", "csv")
    assert ok.returncode == 0 and ok.stdout.splitlines() == ["n", "0"]


def test_queries_on_the_views_still_work(db: Path) -> None:
    for sql in ("SELECT * FROM v_labels", "SELECT * FROM v_feed_health", "DESCRIBE v_articles",
                "WITH a AS (SELECT count(*) AS n FROM v_unique_relevant_articles) SELECT n FROM a",
                "SELECT ';' AS semicolon -- a comment; not a second statement"):  # fmt: skip
        p = run("query", sql, "--db", str(db), "--format", "json")
        assert p.returncode == 0, (sql, p.stderr)
        assert isinstance(json.loads(p.stdout), list)


def test_query_errors_are_one_line(db: Path, tmp_path: Path) -> None:
    assert "query failed" in one_line_error(run("query", "SELEC 1", "--db", str(db)))
    assert "does not exist yet" in one_line_error(
        run("query", "SELECT 1", "--db", str(tmp_path / "no.duckdb"))
    )


def test_help_lists_every_command_on_one_line_and_each_has_examples() -> None:
    from peacewire.cli import COMMANDS

    p = run("--help")
    lines = p.stdout.splitlines()
    assert p.returncode == 0
    for command in COMMANDS:
        assert any(re.fullmatch(rf"    {command} +\S.*", line) for line in lines), command
        assert "examples:" in run(command, "--help").stdout, command


@pytest.mark.prefect
def test_ingest_with_limit_defers_the_rest(tmp_path: Path) -> None:
    with serve(SITE) as site:
        feeds = write_feed_list(
            site, tmp_path / "feeds.toml", [("frontline", "/feed-a.xml", "Frontline", "en")]
        )
        env = {"PEACEWIRE_DATA_DIR": str(tmp_path / "data")}
        p = run("ingest", "--feeds", str(feeds), "--db", str(tmp_path / "w.duckdb"), "--limit", "3", env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "deferred" in p.stdout and "Outcomes" in p.stdout
    assert "━" not in p.stderr  # not a terminal: log lines, no progress bar
    with opened(tmp_path / "w.duckdb", read_only=True) as conn:
        fetched = "SELECT count(*) FROM entries WHERE outcome <> 'deferred'"
        assert conn.execute(fetched).fetchone() == (3,)  # the others wait in their own rows
        assert conn.execute("SELECT count(*) FROM entries WHERE outcome = 'deferred'").fetchone() == (4,)
        assert conn.execute("SELECT count(*) FROM articles WHERE source = 'seed'").fetchone() == (5,)


@pytest.mark.prefect
def test_retag_and_reextract_commands(db: Path, tmp_path: Path) -> None:
    env = {"PEACEWIRE_DATA_DIR": str(tmp_path / "data")}
    retag = run("retag", "--db", str(db), env=env)
    assert retag.returncode == 0, retag.stderr[-2000:]
    assert "articles_per_second" in retag.stdout
    reextract = run("reextract", "--db", str(db), env=env)
    assert reextract.returncode == 0, reextract.stderr[-2000:]
    assert "(0 rows)" in reextract.stdout  # an empty archive: nothing to rebuild


@pytest.mark.prefect
def test_a_terminal_gets_a_progress_bar(tmp_path: Path) -> None:
    """Attached to a terminal (a pseudo-terminal here), `ingest` draws a progress bar on stderr."""
    import os
    import pty

    base = {k: v for k, v in os.environ.items() if not k.startswith("PEACEWIRE_")}
    env = base | {"PEACEWIRE_ALLOWED_HOSTS": "127.0.0.0/8", "PEACEWIRE_HOST_DELAY": "0",
                  "PEACEWIRE_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "120"}  # fmt: skip
    with serve(SITE) as site:
        feeds = write_feed_list(
            site, tmp_path / "feeds.toml", [("frontline", "/feed-a.xml", "Frontline", "en")]
        )
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "peacewire.cli", "ingest", "--feeds", str(feeds), "--db",
                                 str(tmp_path / "w.duckdb")], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT,
                                env=env)  # fmt: skip
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=300) == 0
    text = out.decode("utf-8", "replace")
    assert "seed files" in text and "5/5" in text and "new entries" in text and "━" in text
