"""The feeds file (TOML, one [[feeds]] table per feed) -> FeedConfig list (pure).

Errors name the file and line: a user editing the list must find the mistake.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from extractors.urls import InvalidURL, canonical_url

REQUIRED = ("id", "url", "outlet", "language")
OPTIONAL = ("note",)
FEED_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
HEADER = re.compile(r"^[ \t]*\[\[[ \t]*feeds[ \t]*\]\]", re.M)


class FeedListError(ValueError):
    """The feeds file is invalid; the message names the file and line."""


@dataclass(frozen=True)
class FeedConfig:
    id: str
    url: str
    outlet: str
    language: str


def url_problem(url: str) -> str | None:
    """Why a feed URL cannot be fetched (a bad port, a broken IPv6 literal, no host ...), or None."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "it contains a space or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port  # parsed lazily: "Port out of range 0-65535", "Port could not be cast ..."
        canonical_url(url)  # ValueError ("Invalid IPv6 URL") as well as InvalidURL
    except InvalidURL:
        return "not an absolute http(s) URL"
    except ValueError as exc:
        reason = str(exc).rstrip(".")
        return reason[:1].lower() + reason[1:]
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an absolute http(s) URL"
    if port == 0:
        return "port 0 is not a port"
    return None


def _check(where: str, raw: dict[str, Any]) -> FeedConfig:
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise FeedListError(
            f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(REQUIRED + OPTIONAL)})"
        )
    for key in REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise FeedListError(f"{where}: missing or empty {key!r}")
    if not FEED_ID.match(raw["id"]):
        raise FeedListError(f"{where}: id {raw['id']!r} must be lowercase letters, digits, . _ -")
    if not LANGUAGE.match(raw["language"]):
        raise FeedListError(f"{where}: language {raw['language']!r} is not an ISO 639-1 code")
    problem = url_problem(raw["url"].strip())
    if problem:
        raise FeedListError(f"{where}: url {raw['url']!r} is not a usable http(s) URL: {problem}")
    return FeedConfig(raw["id"], raw["url"].strip(), raw["outlet"].strip(), raw["language"])


def parse_feed_list(text: str, source: str = "feeds file") -> list[FeedConfig]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FeedListError(f"{source}: not valid TOML: {exc}") from None
    extra = sorted(set(data) - {"feeds"})
    if extra:
        raise FeedListError(f"{source}: unknown top-level key {extra[0]!r} (only [[feeds]] tables)")
    feeds = data.get("feeds", [])
    if not feeds:
        raise FeedListError(f"{source}: no [[feeds]] tables")
    lines = [text.count("\n", 0, m.start()) + 1 for m in HEADER.finditer(text)]
    out: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(feeds):
        line = lines[i] if i < len(lines) else 0
        feed = _check(f"{source}:{line}", raw)
        if feed.id in seen:
            raise FeedListError(f"{source}:{line}: duplicate id {feed.id!r} (first at line {seen[feed.id]})")
        seen[feed.id] = line
        out.append(feed)
    return out


def decode(data: bytes, source: str) -> str:
    """UTF-8 (a BOM is dropped); FeedListError naming the line and byte offset of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FeedListError(
            f"{source}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}): save the file as UTF-8"
        ) from None


def load_feed_list(path: Path) -> list[FeedConfig]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeedListError(f"cannot read feeds file {path}: {exc.strerror}") from None
    return parse_feed_list(decode(data, str(path)), str(path))
