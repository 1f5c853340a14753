"""Round trips through write_container / read_container."""

from __future__ import annotations

import dataclasses

import pytest

from bitstream import (
    FORMAT_VERSION,
    META,
    SIGNATURE,
    Chunk,
    Container,
    FormatError,
    read_container,
    write_container,
)
from bitstream.framing import PRELUDE_SIZE
from payload_types import FIDX, YLAT, ZLAT


def test_round_trip(header, payload, stream):
    container = read_container(stream)
    assert container.header == header
    assert container.chunks == payload
    assert container.version == FORMAT_VERSION
    assert container.chunk(ZLAT).data == b"\x01\x02\x03"
    assert container.chunk(YLAT).data == bytes(range(20))


def test_stream_starts_with_signature_and_version(stream):
    assert stream[: len(SIGNATURE)] == SIGNATURE == b"\x8bNVC\r\n\x1a\n"
    assert tuple(stream[len(SIGNATURE) : PRELUDE_SIZE]) == (1, 0)


def test_round_trip_without_payload_and_with_meta(header):
    meta = Chunk(META, "encoder=nvc 0.1.0".encode())
    for chunks in ([], [meta]):
        assert read_container(write_container(header, chunks)).chunks == chunks


def test_non_ascii_model_name_round_trips(header):
    named = dataclasses.replace(header, model="modèle-ü")
    assert read_container(write_container(named, [])).header.model == "modèle-ü"


def test_accepts_bytearray_and_memoryview(stream):
    assert read_container(bytearray(stream)) == read_container(memoryview(stream)) == read_container(stream)


def test_chunk_sizes_cover_the_whole_file(stream):
    sizes = read_container(stream).chunk_sizes()
    assert [name for name, _ in sizes] == ["HEAD", "ZLAT", "YLAT", "DONE"]
    assert sizes[1:] == [("ZLAT", 15), ("YLAT", 32), ("DONE", 12)]
    assert PRELUDE_SIZE + sum(size for _, size in sizes) == len(stream)


def test_chunk_sizes_of_hand_built_container(header, payload, stream):
    assert Container(header, payload).chunk_sizes() == read_container(stream).chunk_sizes()


def test_chunk_lookup_missing_or_repeated(header):
    container = read_container(write_container(header, [Chunk(YLAT, b"a"), Chunk(YLAT, b"b")]))
    with pytest.raises(FormatError, match="missing ZLAT chunk"):
        container.chunk(ZLAT)
    with pytest.raises(FormatError, match="expected one YLAT chunk, found 2"):
        container.chunk(YLAT)


def test_chunk_criticality():
    assert Chunk(ZLAT, b"").critical
    assert not Chunk(META, b"").critical


def test_find_chunk_reads_only_what_it_needs_and_leaves_the_handle(header):
    import io

    from bitstream import find_chunk

    data = write_container(header, [Chunk(ZLAT, b"z" * 40), Chunk(YLAT, b"y" * 8), Chunk(FIDX, b"i" * 12)])
    handle = io.BytesIO(data)
    assert find_chunk(handle, FIDX) == Chunk(FIDX, b"i" * 12) and handle.tell() == 0
    assert find_chunk(handle, b"VHDR") is None and handle.tell() == 0
    assert find_chunk(io.BytesIO(data[:30]), FIDX) is None  # cut short: nothing to find


def test_count_chunks_reads_headers_up_to_done_or_the_end(header):
    import io

    from bitstream import count_chunks

    data = write_container(header, [Chunk(ZLAT, b"z" * 40), Chunk(YLAT, b"y"), Chunk(YLAT, b"yy"), Chunk(FIDX, b"")])
    handle = io.BytesIO(data)
    assert count_chunks(handle, YLAT) == 2 and count_chunks(handle, FIDX) == 1 and handle.tell() == 0
    assert count_chunks(handle, b"VHDR") == 0
    second = data.index(YLAT, data.index(YLAT) + 1)
    assert count_chunks(io.BytesIO(data[:second]), YLAT) == 1  # cut inside the second one's header


def test_read_until_damage_keeps_the_chunks_before_it(header):
    from bitstream import read_until_damage

    payload = [Chunk(ZLAT, b"z" * 40), Chunk(YLAT, b"y" * 8)]
    data = write_container(header, payload)
    whole, damage = read_until_damage(data)
    assert damage is None and whole.chunks == payload and whole.chunk_sizes() == read_container(data).chunk_sizes()
    cut, damage = read_until_damage(data[: data.index(YLAT) + 6])  # 2 of its 8 data bytes
    assert cut.header == header and cut.chunks == payload[:1]
    assert [name for name, _ in cut.chunk_sizes()] == ["HEAD", "ZLAT"]
    assert "truncated inside chunk YLAT" in str(damage)
    with pytest.raises(FormatError, match="no HEAD"):
        read_until_damage(data[:PRELUDE_SIZE])
