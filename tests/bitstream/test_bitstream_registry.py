"""The chunk type registry and write_container's chunk checks."""

from __future__ import annotations

import pytest

from bitstream import CHUNK_TYPES, DONE, FIDX, FRME, HEAD, META, MOTN, PHDR, VHDR, VQIX, YLAT, ZLAT, Chunk, read_container, register_chunk_type, write_container
from bitstream import chunk_types, framing


@pytest.fixture
def registry(monkeypatch):
    """Let a test register types without leaking them into other tests."""
    monkeypatch.setattr(chunk_types, "CHUNK_TYPES", dict(CHUNK_TYPES))
    return chunk_types.CHUNK_TYPES


def test_initial_registry():
    assert set(CHUNK_TYPES) == {HEAD, DONE, ZLAT, YLAT, VQIX, VHDR, FRME, PHDR, MOTN, FIDX, META}
    assert all(isinstance(d, str) and d and "\n" not in d for d in CHUNK_TYPES.values())


def test_register_new_type_makes_it_writable(registry, header):
    with pytest.raises(ValueError, match="unknown chunk type 'VQID'"):
        write_container(header, [Chunk(b"VQID", b"1")])
    register_chunk_type(b"VQID", "vector-quantized indices")
    assert registry[b"VQID"] == "vector-quantized indices"
    assert read_container(write_container(header, [Chunk(b"VQID", b"1")])).chunk(b"VQID").data == b"1"


@pytest.mark.parametrize("bad", [b"ABC", b"ABCDE", b"AB1D", b"AB D", "ABCD", b"\xc3\xa9AB"])
def test_register_refuses_invalid_type(registry, bad):
    with pytest.raises(ValueError, match="invalid chunk type"):
        register_chunk_type(bad, "x")


def test_register_refuses_duplicate_and_bad_description(registry):
    with pytest.raises(ValueError, match="already registered"):
        register_chunk_type(YLAT, "again")
    for description in ("", "two\nlines"):
        with pytest.raises(ValueError, match="description"):
            register_chunk_type(b"Newt", description)


@pytest.mark.parametrize("framing_type", [HEAD, DONE])
def test_write_refuses_framing_chunks_in_payload(header, framing_type):
    with pytest.raises(ValueError, match="written by write_container itself"):
        write_container(header, [Chunk(framing_type, b"")])


def test_chunk_refuses_bad_type():
    with pytest.raises(ValueError, match="invalid chunk type"):
        Chunk(b"ZL", b"")


def test_write_refuses_oversized_chunk(header, monkeypatch):
    monkeypatch.setattr(framing, "MAX_CHUNK_DATA", 4)
    with pytest.raises(ValueError, match="over the 4-byte limit"):
        write_container(header, [Chunk(YLAT, b"12345")])
