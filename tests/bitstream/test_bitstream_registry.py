"""The chunk type registry and write_container's chunk checks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bitstream import CONTAINER_TYPES, DONE, HEAD, META, Chunk, read_container, register_chunk_type, register_chunk_types, write_container
from bitstream import framing
from payload_types import PAYLOAD_TYPES, YLAT


def test_the_container_owns_only_head_done_and_meta():
    assert set(CONTAINER_TYPES) == {HEAD, DONE, META}
    assert all(isinstance(d, str) and d and "\n" not in d for d in CONTAINER_TYPES.values())


def test_bitstream_alone_knows_only_its_own_types():
    """No codec's chunk types are listed in bitstream: they come from registration."""
    code = "import bitstream; print(*sorted(t.decode() for t in bitstream.CHUNK_TYPES))"
    listed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert listed.split() == ["DONE", "HEAD", "meta"]


def test_registering_the_same_description_again_is_harmless(registry):
    before = dict(registry)
    register_chunk_types(PAYLOAD_TYPES)
    register_chunk_type(YLAT, PAYLOAD_TYPES[YLAT])
    assert registry == before


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
