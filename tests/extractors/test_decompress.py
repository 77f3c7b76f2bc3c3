"""The bounded Content-Encoding decoder: exact on well-formed bodies, every step small, hostile headers refused."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.decompress import STEP, DecodeError, decoder, parse_codings
from tests.faultsite import gzip_zeros, raw_deflate, zlib_zeros

ENCODE = {"gzip": gzip.compress, "deflate": zlib.compress}


def decode(header: str, body: bytes, chunk: int = 1000) -> list[bytes]:
    d = decoder(header)
    return [piece for i in range(0, len(body), chunk) for piece in d.feed(body[i : i + chunk])]


def encode(data: bytes, codings: list[str]) -> bytes:
    for coding in codings:
        data = ENCODE[coding](data)
    return data


# Random bytes, and repetitive ones (the kind that compresses 1000 to 1).
BODIES = st.binary(max_size=200_000) | st.builds(
    lambda b, n: b * n, st.binary(min_size=1, max_size=50), st.integers(1, 20_000)
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=BODIES,
    codings=st.lists(st.sampled_from(["gzip", "deflate"]), max_size=2),
    chunk=st.integers(1, 70_000),
)
def test_any_body_in_any_chunking_decodes_exactly_in_small_steps(
    data: bytes, codings: list[str], chunk: int
) -> None:
    pieces = decode(", ".join(codings), encode(data, codings), chunk)
    assert b"".join(pieces) == data
    assert all(0 < len(p) <= (STEP if codings else chunk) for p in pieces)


def test_raw_deflate_and_concatenated_gzip_members() -> None:
    assert b"".join(decode("deflate", raw_deflate(b"abc" * 10_000), 1)) == b"abc" * 10_000
    members = gzip.compress(b"first ") + gzip.compress(b"second")
    assert b"".join(decode("gzip", members, 7)) == b"first second"
    assert b"".join(decode("gzip", gzip.compress(b"page") + b"\0\0junk", 3)) == b"page"  # trailing bytes


def test_a_stacked_bomb_comes_out_one_small_step_at_a_time() -> None:
    d = decoder("deflate, gzip")
    pieces = d.feed(gzip.compress(zlib_zeros(64)))
    first = [len(next(pieces)) for _ in range(100)]  # 6.4 MB of 64 MiB, asked for piece by piece
    assert max(first) <= STEP and sum(first) > 100_000
    assert all(len(p) <= STEP for p in decoder("gzip").feed(gzip_zeros(8)))


@pytest.mark.parametrize(
    ("header", "codings"),
    [(None, []), ("", []), ("identity", []), ("GZIP", ["gzip"]), ("x-gzip", ["gzip"]),
     ("deflate, gzip", ["deflate", "gzip"]), (" gzip ,identity, gzip", ["gzip", "gzip"])],
)  # fmt: skip
def test_codings_are_read_in_the_order_applied(header: str | None, codings: list[str]) -> None:
    assert parse_codings(header) == codings


@pytest.mark.parametrize(
    ("header", "message"),
    [("br", "unsupported Content-Encoding 'br'"), ("br, gzip", "'br'"), ("compress", "'compress'"),
     ("zstd", "'zstd'"), ("gzip, gzip, gzip", "3 content encodings"), ("deflate, gzip, deflate", "at most 2")],
)  # fmt: skip
def test_other_codings_and_a_third_layer_are_refused_by_name(header: str, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        parse_codings(header)


def test_a_corrupt_stream_is_a_decode_error_naming_the_coding() -> None:
    with pytest.raises(DecodeError, match="corrupt gzip body"):
        decode("gzip", b"<html>plain text</html>")
    with pytest.raises(DecodeError, match="corrupt deflate body"):
        decode("deflate", b"\x78\x9c" + b"\xff" * 20)  # a zlib header, then an invalid block type
