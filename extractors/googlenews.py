"""Google News RSS links -> the publisher's URL (pure).

Google News feeds link to news.google.com/rss/articles/<id>; for the classic ids
("CBMi…") the id is base64url-encoded protobuf that carries the publisher's URL.
We decode it so the page is fetched from the publisher and de-duplicated by its
real URL; the Google link is kept as an alias key. Ids that carry no URL (newer
formats) are left to the HTTP redirect.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import urlsplit

URL_IN_BYTES = re.compile(rb"https?://[\x21-\x7e]+")


def is_google_news(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "").lower() == "news.google.com" and "/articles/" in parts.path


def publisher_url(url: str) -> str | None:
    """The publisher's URL inside a Google News article link, or None."""
    if not is_google_news(url):
        return None
    article_id = urlsplit(url).path.rsplit("/", 1)[-1]
    try:
        raw = base64.urlsafe_b64decode(article_id + "=" * (-len(article_id) % 4))
    except (binascii.Error, ValueError):
        return None
    match = URL_IN_BYTES.search(raw)
    return match.group().decode("ascii") if match else None
