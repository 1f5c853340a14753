"""Shared fixtures for the bitstream tests, which register their own payload chunk types."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest

from bitstream import CONTAINER_TYPES, HEAD, DONE, Chunk, Header, chunk_types, register_chunk_types, write_container
from bitstream.framing import FORMAT_VERSION, encode_chunk, encode_prelude
from bitstream.header import pack_header
from payload_types import PAYLOAD_TYPES, YLAT, ZLAT

RawBuilder = Callable[..., bytes]


@pytest.fixture(autouse=True)
def registry(monkeypatch) -> dict[bytes, str]:
    """A chunk type registry of the container's types and the tests' payload types only,
    whatever else the session imported; what a test registers does not leak."""
    monkeypatch.setattr(chunk_types, "CHUNK_TYPES", dict(CONTAINER_TYPES))
    register_chunk_types(PAYLOAD_TYPES)
    return chunk_types.CHUNK_TYPES


@pytest.fixture
def header() -> Header:
    """A valid header."""
    return Header(
        model="hyperprior-v1",
        weights_digest=hashlib.sha256(b"weights").digest(),
        width=64,
        height=48,
        channels=3,
        bit_depth=8,
        quality=4,
    )


@pytest.fixture
def payload() -> list[Chunk]:
    """Two small payload chunks."""
    return [Chunk(ZLAT, b"\x01\x02\x03"), Chunk(YLAT, bytes(range(20)))]


@pytest.fixture
def stream(header: Header, payload: list[Chunk]) -> bytes:
    """A small valid stream."""
    return write_container(header, payload)


@pytest.fixture
def raw(header: Header) -> RawBuilder:
    """Build a stream chunk by chunk, bypassing write_container's checks.

    ``raw(*chunks, version=(1, 0), head=True, done=True)``: chunks are Chunk
    objects or pre-framed bytes; HEAD and DONE are added unless disabled.
    """

    def build(*chunks: Chunk | bytes, version: tuple[int, int] = FORMAT_VERSION, head: bool = True, done: bool = True) -> bytes:
        parts = [encode_prelude(version)]
        if head:
            parts.append(encode_chunk(Chunk(HEAD, pack_header(header))))
        parts += [c if isinstance(c, bytes) else encode_chunk(c) for c in chunks]
        if done:
            parts.append(encode_chunk(Chunk(DONE, b"")))
        return b"".join(parts)

    return build
