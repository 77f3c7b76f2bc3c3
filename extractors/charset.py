"""Bytes -> text, with the charset that was used (pure).

Order: the HTTP header, a BOM, the XML / HTML declaration, each accepted only
if the body decodes under it without error; then detection (charset_normalizer).
A feed in windows-1251 that declares UTF-8 therefore decodes as windows-1251,
not as mojibake.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
XML_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.I)
# Detection considers the charsets news sites use; unrestricted, short Cyrillic
# texts come out as DOS code pages (cp1125) and turn to mojibake.
WEB_CHARSETS = [
    "cp1251",
    "koi8_r",
    "koi8_u",
    "cp1252",
    "cp1250",
    "iso8859_2",
    "iso8859_15",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_jp",
    "euc_kr",
    "cp1253",
    "cp1254",
    "cp1256",
    "cp1257",
]
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def _strict(body: bytes, charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return None


def _declared(body: bytes) -> str | None:
    head = body[:2048]
    match = XML_DECL.match(head) or META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _header(content_type: str | None) -> str | None:
    match = HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, charset used); never raises."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return body.decode(name, "replace"), name
    for source in (_header(content_type), _declared(body)):
        text = _strict(body, source)
        if text is not None:
            return text, (source or "").lower()
    if (text := _strict(body, "utf-8")) is not None:
        return text, "utf-8"
    best = charset_normalizer.from_bytes(body, cp_isolation=WEB_CHARSETS).best()
    if best is not None:
        return str(best), best.encoding
    return body.decode("utf-8", "replace"), "utf-8 (with replacements)"
