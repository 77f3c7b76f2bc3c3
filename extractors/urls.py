"""Canonical URLs and the keys derived from them (pure, total).

Two links that reach the same article should give the same canonical URL, and
two different articles must never do. We only drop what is known to carry no
meaning: tracking parameters, fragments, default ports, AMP/mobile markers,
a trailing slash, and the order of query parameters.

Links come from third parties: ``canonicalise`` and ``key_of`` never raise, they
return the result or a ``BadURL`` with the reason (a bracket never closed, a port
out of range, a lone surrogate...). ``canonical_url`` and ``url_key`` raise
``InvalidURL`` (and nothing else) for callers that prefer an exception.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "ocid",
        "cmpid",
        "mc_cid",
        "mc_eid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "smid",
        "smtyp",
        "s_cid",
        "ito",
        "maca",
        "amp",
        "ncid",
        "sr_share",
        "guccounter",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_", "vero_", "__twitter")
MOBILE_HOST_PREFIXES = ("m.", "mobile.", "amp.")
AMP_PATH_SUFFIXES = ("/amp", "/amp.html", ".amp", ".amp.html", "/amp/")
DEFAULT_PORTS = {"http": 80, "https": 443}
MIN_DOTS_TO_STRIP = 2  # m.example.com -> example.com, but m.com stays m.com


class InvalidURL(ValueError):
    """Not an absolute http(s) URL."""


@dataclass(frozen=True)
class BadURL:
    """A link that cannot be canonicalised, and why."""

    url: str
    reason: str


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _host(netloc_host: str) -> str:
    host = netloc_host.lower().rstrip(".")
    # Repeated until none applies ("m.www.example.com"), so that canonicalising twice changes nothing.
    while prefix := next((p for p in ("www.", *MOBILE_HOST_PREFIXES) if _strips(host, p)), ""):
        host = host[len(prefix) :]
    return host


def _strips(host: str, prefix: str) -> bool:
    return host.startswith(prefix) and (prefix == "www." or host.count(".") >= MIN_DOTS_TO_STRIP)


def _path(path: str) -> str:
    path = quote(path, safe="/:@!$&'()*+,;=-._~%")
    # Repeated until none applies ("/story/amp/amp", "/story/amp//"), so that canonicalising twice changes
    # nothing.
    while True:
        path = path.rstrip("/")
        suffix = next((x for x in AMP_PATH_SUFFIXES if path.lower().endswith(x) and len(path) > len(x)), "")
        if not suffix:
            return path or "/"
        path = path[: -len(suffix)]


def _query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)]
    return urlencode(sorted(pairs))


def _canonical(url: str) -> str:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL("not an absolute http(s) URL")
    host = _host(parts.hostname)
    host = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets (hypothesis found it)
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # http and https of one site serve one article: the key ignores the scheme.
    canonical = urlunsplit(("https", netloc, _path(parts.path), _query(parts.query), ""))
    canonical.encode("utf-8")  # a lone surrogate (from a bad character reference) fails here
    return canonical


def canonicalise(url: str) -> str | BadURL:
    """The canonical form of an absolute http(s) URL, or why there is none; never raises."""
    try:
        return _canonical(url)
    except (ValueError, UnicodeError) as exc:  # InvalidURL, bad IPv6 brackets, ports, surrogates
        return BadURL(url, f"{exc} in link {url[:200]!r}")


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL; raises InvalidURL (only) otherwise."""
    result = canonicalise(url)
    if isinstance(result, BadURL):
        raise InvalidURL(result.reason)
    return result


def key_of(url: str) -> str | BadURL:
    """A short stable key of the canonical URL (the article id of feed articles), or why there is none."""
    result = canonicalise(url)
    return result if isinstance(result, BadURL) else hashlib.sha256(result.encode()).hexdigest()[:20]


def url_key(url: str) -> str:
    """key_of, raising InvalidURL (only) for a link that has no canonical form."""
    result = key_of(url)
    if isinstance(result, BadURL):
        raise InvalidURL(result.reason)
    return result


def guid_key(feed_id: str, guid: str) -> str:
    """Key of a feed GUID; GUIDs are only unique within their feed."""
    # surrogatepass: a GUID is third-party text and may hold a lone surrogate; the key must not raise.
    return hashlib.sha256(f"{feed_id}\x00{guid.strip()}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


def host_of(url: str) -> str:
    """The URL's host in lower case ('' when it has none or cannot be parsed)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
