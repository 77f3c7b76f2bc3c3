"""Canonical URLs and the keys derived from them (pure).

Two links that reach the same article should give the same canonical URL, and
two different articles must never do. We only drop what is known to carry no
meaning: tracking parameters, fragments, default ports, AMP/mobile markers,
a trailing slash, and the order of query parameters.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "ocid", "cmpid", "mc_cid",
        "mc_eid", "yclid", "igshid", "_ga", "_gl", "ref", "ref_src", "smid", "smtyp", "s_cid",
        "ito", "maca", "amp", "ncid", "sr_share", "guccounter",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "oly_", "vero_", "__twitter")
MOBILE_HOST_PREFIXES = ("m.", "mobile.", "amp.")
AMP_PATH_SUFFIXES = ("/amp", "/amp.html", ".amp", ".amp.html", "/amp/")
DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidURL(ValueError):
    """Not an absolute http(s) URL."""


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
    return host.startswith(prefix) and (prefix == "www." or host.count(".") >= 2)


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


def canonical_url(url: str) -> str:
    """The canonical form of an absolute http(s) URL; raises InvalidURL otherwise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL(f"not an absolute http(s) URL: {url!r}")
    host = _host(parts.hostname)
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    # http and https of one site serve one article: the key ignores the scheme.
    return urlunsplit(("https", netloc, _path(parts.path), _query(parts.query), ""))


def url_key(url: str) -> str:
    """A short stable key of the canonical URL (the article id of feed articles)."""
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()[:20]


def guid_key(feed_id: str, guid: str) -> str:
    """Key of a feed GUID; GUIDs are only unique within their feed."""
    return hashlib.sha256(f"{feed_id}\x00{guid.strip()}".encode()).hexdigest()[:20]


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
