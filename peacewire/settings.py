"""The one place that reads the environment.

Every knob is a ``PEACEWIRE_*`` variable with a default and the reason for it.
A ``PEACEWIRE_`` variable that names no knob is an error (a typo must not be
silently ignored), and so is a value of the wrong type.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.http import Budget, ClientConfig
from extractors.netpolicy import parse_allow_list
from extractors.schedule import PAUSE_AFTER

PREFIX = "PEACEWIRE_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """A bad PEACEWIRE_* variable; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, extra="forbid", frozen=True)

    # Where everything the pipeline writes lives; relative paths resolve from the CWD.
    data_dir: Path = Path("data")
    # The warehouse file; one file keeps `make run` dependency-free.
    db: Path = Path("data/peacewire.duckdb")
    # The default outlets (real feeds; tests and the demo pass their own).
    feeds: Path = PROJECT_ROOT / "seeds" / "feeds.toml"
    # The seed articles, loaded on every run (idempotent) so dedup knows them from run one.
    corpus: Path = PROJECT_ROOT / "seeds" / "corpus"
    # Labels, aliases and context rules; versioned inside the file.
    taxonomy: Path = PROJECT_ROOT / "seeds" / "taxonomy.toml"
    # The label ids the project must emit: the taxonomy is checked against it on load.
    label_spec: Path = PROJECT_ROOT / "seeds" / "label-spec.md"

    # Identify ourselves honestly; publishers block anonymous scrapers.
    user_agent: str = "peacewire/0.1 (+https://github.com/peacewire/peacewire)"
    # 10 s connect/read is generous for news sites; a slow host must not stall a run.
    http_timeout: float = Field(default=10.0, gt=0)
    # Whole-request limit (redirects and a slow drip included).
    http_total_timeout: float = Field(default=60.0, gt=0)
    # Retries per request for connection errors, 408/429/5xx (backoff 0.5, 1, 2 s ...).
    http_retries: int = Field(default=2, ge=0, le=10)
    # Feeds over 10 MB and pages over 5 MB are not news; stop reading there.
    max_feed_bytes: int = Field(default=10_000_000, gt=0)
    max_page_bytes: int = Field(default=5_000_000, gt=0)
    # Concurrent page fetches overall, and per host (a careful crawler uses 2 per host).
    fetch_concurrency: int = Field(default=16, ge=1)
    per_host_concurrency: int = Field(default=2, ge=1)
    # At least this many seconds between two requests to one host (robots.txt Crawl-delay may ask more).
    host_delay: float = Field(default=1.0, ge=0)
    # Seconds of fetching one host may take in a run (its feed and pages, retries, backoff and Crawl-delay
    # waits included). One dripping or silent URL costs up to 3 x 60 s, and a host's URLs queue behind each
    # other, so one bad host used to hold a daily run for many minutes (6 min 54 s for 3 URLs); 3 minutes
    # still lets a well-behaved host give ~180 pages at the 1 s spacing. What does not fit is `deferred`.
    fetch_host_budget: float = Field(default=180.0, gt=0)
    # Seconds of fetching a whole run may take (every feed and page, hosts in parallel): a run that meets
    # many bad hosts in turn still ends within ~20 minutes; what does not fit is `deferred` to the next run.
    fetch_run_budget: float = Field(default=1200.0, gt=0)

    # Pages are processed in batches: one set of tasks and one load transaction per batch.
    batch_size: int = Field(default=200, ge=1)
    # Extraction uses a process pool for batches at least this large (pool start-up ~1 s).
    pool_min_batch: int = Field(default=24, ge=1)
    # 0 means one worker per core.
    workers: int = Field(default=0, ge=0)
    # Fewer words than this is not an article body (teasers, error pages).
    min_words: int = Field(default=80, ge=1)

    # Estimated Jaccard (word 3-shingles) from which two texts are near-duplicates
    # (make bench-dedup: 0.35 keeps precision 1.000 and finds 99 % of copies with 15 % of words edited).
    near_dup_threshold: float = Field(default=0.35, gt=0, le=1)
    # Share of the shorter text found in the longer one from which it is a copy.
    containment_threshold: float = Field(default=0.8, gt=0, le=1)
    # Relevance score from which an article is about the negotiations.
    relevance_threshold: float = Field(default=0.5, ge=0, le=1)
    # A feed that answers but has brought nothing new for this many days is "stalled".
    stalled_days: int = Field(default=7, ge=1)

    # Alerts (`peacewire status` always shows them): a Slack-compatible incoming-webhook URL
    # that receives them after every run and when a run fails; empty: no notification.
    alert_webhook: str = ""
    # A run "ingests far fewer articles than usual" below this share of the median of the
    # previous 7 completed runs (judged once 3 runs exist and their median is at least 5).
    alert_drop_ratio: float = Field(default=0.25, gt=0, le=1)
    # No completed run for this many hours (a daily schedule that stopped) is a condition; a run
    # killed before it finished (marked crashed by the next run) is one for as long.
    alert_run_gap_hours: int = Field(default=48, ge=1)
    # A run in which more than this share of the polled feeds failed is a condition ("feeds_down"):
    # a dead network, DNS or proxy looks like that, and no single feed's history would say so yet.
    alert_feed_failure_ratio: float = Field(default=0.5, gt=0, le=1)

    # Hosts, addresses and CIDR ranges that feed links may reach although not public (comma-separated),
    # each with an optional port that is then the only one allowed (127.0.0.1:8080, [::1]:8080,
    # news.local:443, 10.0.0.0/8:443): allowing a local test site must not open every local service,
    # such as the Prefect UI on :4200. Empty: only public addresses (a hostile feed cannot reach your
    # network).
    allowed_hosts: str = ""

    # `make ui`: the local Prefect server's port on 127.0.0.1 (Prefect's own default).
    ui_port: int = Field(default=4200, ge=1, le=65535)

    # Daily at 06:00 UTC: after the European morning news cycle has published overnight.
    cron: str = "0 6 * * *"
    timezone: str = "UTC"

    @field_validator("allowed_hosts")
    @classmethod
    def _allow_list(cls, value: str) -> str:
        parse_allow_list(value)  # raises PolicyError (a ValueError) naming the bad entry
        return value

    def view_config(self) -> dict[str, object]:
        """Settings the SQL views read from the warehouse's config table."""
        return {
            "relevance_threshold": self.relevance_threshold,
            "stalled_days": self.stalled_days,
            "pause_after": PAUSE_AFTER,
            "alert_drop_ratio": self.alert_drop_ratio,
            "alert_run_gap_hours": self.alert_run_gap_hours,
            "alert_feed_failure_ratio": self.alert_feed_failure_ratio,
        }

    def client_config(self, max_bytes: int, budget: Budget) -> ClientConfig:
        """The HTTP client's configuration for bodies up to max_bytes (feeds or pages), on a run's budget."""
        return ClientConfig(
            self.user_agent,
            self.http_timeout,
            self.http_retries,
            max_bytes,
            self.fetch_concurrency,
            self.per_host_concurrency,
            parse_allow_list(self.allowed_hosts),
            self.http_total_timeout,
            self.host_delay,
            budget,
        )

    def fetch_budget(self) -> Budget:
        """One per run: the feeds and every batch of pages draw on it."""
        return Budget(self.fetch_run_budget, self.fetch_host_budget)

    def resolved(self, **overrides: object) -> Settings:
        """A copy with CLI options applied (None means: keep the setting)."""
        given = {k: v for k, v in overrides.items() if v is not None}
        return self.model_copy(update=given)


def _unknown_variables(environ: dict[str, str]) -> list[str]:
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    return sorted(k for k in environ if k.startswith(PREFIX) and k not in known)


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings; raise SettingsError naming the bad variable."""
    env = dict(os.environ if environ is None else environ)
    unknown = _unknown_variables(env)
    if unknown:
        known = ", ".join(PREFIX + n.upper() for n in Settings.model_fields)
        raise SettingsError(f"unknown setting {unknown[0]} (known: {known})")
    values = {k[len(PREFIX) :].lower(): v for k, v in env.items() if k.startswith(PREFIX)}
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = PREFIX + str(err["loc"][0]).upper()
        raise SettingsError(f"{name}: {err['msg']}") from None


def prefect_environment(settings: Settings) -> dict[str, str]:
    """Prefect variables that keep its state under our data folder (see docs/decisions.md)."""
    home = (settings.data_dir / "prefect").resolve()
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_LOCAL_STORAGE_PATH": str(home / "storage"),
        # Like the storage path, Prefect 3.7.8 derives it from ~/.prefect, not PREFECT_HOME: the server then
        # warns that it cannot write there and registers its block types again at every start.
        "PREFECT_MEMO_STORE_PATH": str(home / "memo_store.toml"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The first ephemeral start migrates a fresh SQLite database (~14 s > 20 s default).
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }


def apply_prefect_environment(settings: Settings) -> None:
    """Set the Prefect variables the user has not set; call before importing prefect.

    SettingsError (one line) when Prefect's folder cannot be created or written: Prefect would
    otherwise fail later, deep in its SQLite set-up, with a traceback.
    """
    source = "PREFECT_HOME" if "PREFECT_HOME" in os.environ else PREFIX + "DATA_DIR"
    for key, value in prefect_environment(settings).items():
        os.environ.setdefault(key, value)
    home = Path(os.environ["PREFECT_HOME"])
    try:
        home.mkdir(parents=True, exist_ok=True)  # Prefect's SQLite cannot create missing parent folders
        with tempfile.TemporaryFile(dir=home):
            pass
    except OSError as exc:
        raise SettingsError(f"{source}: cannot write to {home}: {exc.strerror}") from None
