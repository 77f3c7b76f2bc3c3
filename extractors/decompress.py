"""Content-Encoding, decoded in bounded steps (pure: bytes in, bytes out).

httpx decodes each network chunk whole before anyone can count the result, so a
1.8 KB body labelled ``gzip, gzip`` becomes 1 GB in one call. Here every zlib step
produces at most STEP bytes and each layer hands its output to the next piece by
piece, so memory stays at a few STEPs whatever the body claims; the caller counts
the pieces against its size cap as they come (extractors/http.py).

gzip (several members too) and deflate (zlib-wrapped, or raw as some servers send
it) are decoded, at most MAX_LAYERS of them; any other coding, br included, is
refused with an error naming it: we never ask for it (Accept-Encoding: gzip, deflate).
"""

from __future__ import annotations

import zlib
from collections.abc import Generator, Iterator, Sequence
from typing import Any

STEP = 64 * 1024  # most bytes one decompression step may produce
MAX_LAYERS = 2  # `gzip, gzip` exists (a proxy compressing again); a third layer is an attack
CODINGS = ("gzip", "deflate")
ALIASES = {"x-gzip": "gzip"}  # RFC 9110 8.4.1.3
GZIP_MAGIC = b"\x1f\x8b"
HEADER_BYTES = 2  # what tells a gzip member, a zlib stream and raw deflate apart (RFC 1950 CMF + FLG)
ZLIB_DEFLATE = 8  # CM of a zlib header: deflate


class DecodeError(ValueError):
    """A body that cannot or may not be decoded; the message names the coding."""


def parse_codings(header: str | None) -> list[str]:
    """The codings of a Content-Encoding header, in the order the server applied them."""
    names = [ALIASES.get(n, n) for n in (t.strip().lower() for t in (header or "").split(","))]
    names = [n for n in names if n and n != "identity"]
    unknown = [n for n in names if n not in CODINGS]
    if unknown:
        raise DecodeError(f"unsupported Content-Encoding {unknown[0][:40]!r} (we accept gzip and deflate)")
    if len(names) > MAX_LAYERS:
        raise DecodeError(f"{len(names)} content encodings ({', '.join(names)}): at most {MAX_LAYERS}")
    return names


def _wbits(coding: str, head: bytes) -> int:
    """zlib's window bits for a stream that starts with head (at least 2 bytes)."""
    if coding == "gzip":
        return 16 + zlib.MAX_WBITS
    cmf, flg = head[0], head[1]
    wrapped = cmf & 0x0F == ZLIB_DEFLATE and (cmf * 256 + flg) % 31 == 0  # RFC 1950 header
    return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS


def _steps(z: Any, data: bytes, coding: str) -> Iterator[bytes]:
    """Decompress data in steps of at most STEP bytes of output each."""
    while True:
        try:
            out = z.decompress(data, STEP)
        except zlib.error as exc:
            raise DecodeError(f"corrupt {coding} body: {exc}") from None
        if out:
            yield out
        data = z.unconsumed_tail
        if z.eof or (not data and len(out) < STEP):
            return


class Layer:
    """One gzip or deflate stream; gzip members may follow each other, other trailing bytes are ignored."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.z: Any = None
        self.head = b""  # the first bytes of a stream, until there are enough to start it
        self.streams = 0
        self.done = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self.done:
            data = yield from self._stream(data)

    def _stream(self, data: bytes) -> Generator[bytes, None, bytes]:
        """Decode data into the current stream; return what follows the stream's end."""
        if self.z is None:
            self.head += data
            if not self._start():
                return b""
            data, self.head = self.head, b""
        yield from _steps(self.z, data, self.coding)
        if not self.z.eof:
            return b""
        rest, self.z, self.streams = self.z.unused_data, None, self.streams + 1
        return bytes(rest)

    def _start(self) -> bool:
        if len(self.head) < HEADER_BYTES:
            return False
        if self.streams and not (self.coding == "gzip" and self.head.startswith(GZIP_MAGIC)):
            self.done = True  # trailing bytes after the stream, as browsers do: ignored
            return False
        self.z = zlib.decompressobj(_wbits(self.coding, self.head))
        return True


class Decoder:
    """The layers of a Content-Encoding, undone in reverse order, piece by bounded piece."""

    def __init__(self, codings: Sequence[str]) -> None:
        self.layers = [Layer(c) for c in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        return _through(self.layers, data)


def _through(layers: Sequence[Layer], data: bytes) -> Iterator[bytes]:
    if not layers:
        if data:
            yield data
        return
    for piece in layers[0].feed(data):
        yield from _through(layers[1:], piece)


def decoder(header: str | None) -> Decoder:
    """A decoder for a Content-Encoding header; DecodeError when it is not one we decode."""
    return Decoder(parse_codings(header))
