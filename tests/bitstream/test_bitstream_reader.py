"""One chunk parser behind both readers: read_container (bytes) and read_stream (a handle)
accept the same streams and refuse damaged ones with the same message."""

from __future__ import annotations

import io

import pytest

from bitstream import HEAD, META, Chunk, FormatError, read_container, read_stream, reader
from bitstream.framing import PRELUDE_SIZE, SIGNATURE, encode_chunk
from bitstream.header import pack_header
from payload_types import ZLAT

MINOR_VERSION_OFFSET = len(SIGNATURE) + 1  # not covered by any check (see test_bitstream_robustness)


def container_outcome(data: bytes):
    """(header, payload chunks) as read_container reads ``data``, or its error message."""
    try:
        container = read_container(data)
    except FormatError as error:
        return str(error)
    return container.header, container.chunks


def stream_outcome(data: bytes):
    """(header, payload chunks) as read_stream reads ``data``, or its error message."""
    try:
        header, chunks = read_stream(io.BytesIO(data))
        return header, list(chunks)
    except FormatError as error:
        return str(error)


def test_both_readers_read_a_valid_stream_alike(stream, header, payload):
    assert container_outcome(stream) == stream_outcome(stream) == (header, payload)


def test_both_readers_refuse_every_truncation_alike(stream):
    for cut in range(len(stream)):
        outcome = container_outcome(stream[:cut])
        assert isinstance(outcome, str) and outcome == stream_outcome(stream[:cut])


def test_both_readers_refuse_every_bit_flip_alike(stream):
    for position in (p for p in range(len(stream)) if p != MINOR_VERSION_OFFSET):
        corrupt = bytearray(stream)
        corrupt[position] ^= 0x10
        outcome = container_outcome(bytes(corrupt))
        assert isinstance(outcome, str) and outcome == stream_outcome(bytes(corrupt))


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw, stream, head: raw(Chunk(b"XXXX", b"")),
        lambda raw, stream, head: raw(Chunk(HEAD, head)),
        lambda raw, stream, head: raw(Chunk(ZLAT, b""), head=False),
        lambda raw, stream, head: raw(encode_chunk(Chunk(b"DONE", b"x")), done=False),
        lambda raw, stream, head: stream + encode_chunk(Chunk(META, b"late")),
        lambda raw, stream, head: stream[:PRELUDE_SIZE],
        lambda raw, stream, head: b"",
    ],
    ids=["unknown-critical", "duplicate-head", "no-head", "done-not-empty", "trailing", "no-chunks", "empty"],
)
def test_both_readers_apply_the_same_rules(raw, stream, header, damage):
    data = damage(raw, stream, pack_header(header))
    outcome = container_outcome(data)
    assert isinstance(outcome, str) and outcome == stream_outcome(data)


def test_both_readers_go_through_the_one_chunk_reader(monkeypatch, stream):
    calls = []
    read_chunk = reader.read_chunk

    def counting(handle):
        calls.append(handle)
        return read_chunk(handle)

    monkeypatch.setattr(reader, "read_chunk", counting)
    read_container(stream)
    from_container = len(calls)
    list(read_stream(io.BytesIO(stream))[1])
    assert from_container == len(calls) - from_container == 4  # HEAD, ZLAT, YLAT, DONE
