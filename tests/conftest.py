"""Shared fixtures. Nothing here reaches beyond 127.0.0.1."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Prefect keeps its state in a throw-away folder (never ~/.prefect, never across sessions).
_PREFECT_HOME = tempfile.mkdtemp(prefix="peacewire-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = str(Path(_PREFECT_HOME) / "storage")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
# The fixture site lives on 127.0.0.1: tests open exactly that range, explicitly.
LOCAL = "127.0.0.0/8"
os.environ["PEACEWIRE_ALLOWED_HOSTS"] = LOCAL
os.environ["PEACEWIRE_HOST_DELAY"] = "0"  # one local host serves every page: no spacing needed

import pytest

from extractors.tagging import Matcher
from extractors.taxonomy import load_taxonomy
from tests.devsite import Site, serve

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SITE = FIXTURES / "site"
CORPUS = ROOT / "seeds" / "corpus"
TAXONOMY = ROOT / "seeds" / "taxonomy.toml"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never inherit the developer's PEACEWIRE_* settings."""
    for key in list(os.environ):
        if key.startswith("PEACEWIRE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PEACEWIRE_ALLOWED_HOSTS", LOCAL)
    monkeypatch.setenv("PEACEWIRE_HOST_DELAY", "0")


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    return Matcher(load_taxonomy(TAXONOMY))


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(x) for x in (FIXTURES / "gold" / "seed-labels.jsonl").read_text().splitlines()]


@pytest.fixture
def site() -> Iterator[Site]:
    with serve(SITE) as s:
        yield s


def page(name: str) -> bytes:
    return (SITE / "articles" / f"{name}.html").read_bytes()


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """A real Prefect server (SQLite, 127.0.0.1) for the session's flow runs."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
