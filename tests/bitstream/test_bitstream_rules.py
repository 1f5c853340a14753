"""Stream-level rules: versions, ordering, unknown chunks, CRC, trailing bytes."""

from __future__ import annotations

import struct

import pytest

from bitstream import DONE, HEAD, META, Chunk, FormatError, read_container
from bitstream.framing import PRELUDE_SIZE, SIGNATURE, encode_chunk
from bitstream.header import pack_header
from payload_types import ZLAT


def test_unknown_ancillary_chunk_is_skipped(raw):
    data = raw(Chunk(b"xtra", b"whatever"), Chunk(ZLAT, b"z"))
    container = read_container(data)
    assert container.chunks == [Chunk(ZLAT, b"z")]
    assert [name for name, _ in container.chunk_sizes()] == ["HEAD", "xtra", "ZLAT", "DONE"]


def test_unknown_ancillary_chunk_crc_is_still_checked(raw):
    framed = bytearray(encode_chunk(Chunk(b"xtra", b"whatever")))
    framed[10] ^= 0x01
    with pytest.raises(FormatError, match="^CRC mismatch in chunk xtra"):
        read_container(raw(bytes(framed)))


def test_unknown_critical_chunk_is_refused(raw):
    with pytest.raises(FormatError, match="^unknown critical chunk type 'XXXX'$"):
        read_container(raw(Chunk(b"XXXX", b"")))


def test_major_version_mismatch_is_refused(raw):
    with pytest.raises(FormatError, match=r"^unsupported nvc format version 2\.0 \(this reader supports 1\.x\)$"):
        read_container(raw(version=(2, 0)))
    with pytest.raises(FormatError, match="version 0.7"):
        read_container(raw(version=(0, 7)))


def test_minor_version_bump_is_accepted(raw):
    assert read_container(raw(Chunk(b"newa", b"added in 1.9"), version=(1, 9))).version == (1, 9)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "^empty input: not an nvc stream$"),
        (b"\x89PNG\r\n\x1a\n\x01\x00", r"^not an nvc stream \(bad signature\)$"),
        (SIGNATURE[:5], "^stream truncated inside the signature/version prelude$"),
        (SIGNATURE + b"\x01", "^stream truncated inside the signature/version prelude$"),
        (SIGNATURE + b"\x01\x00", "^stream truncated: no HEAD chunk$"),
    ],
)
def test_prelude_errors(data, message):
    with pytest.raises(FormatError, match=message):
        read_container(data)


def test_first_chunk_must_be_head(raw):
    with pytest.raises(FormatError, match="^first chunk must be HEAD, found ZLAT$"):
        read_container(raw(Chunk(ZLAT, b""), head=False))
    with pytest.raises(FormatError, match="^first chunk must be HEAD, found DONE$"):
        read_container(raw(head=False))


def test_duplicate_head_is_refused(raw, header):
    with pytest.raises(FormatError, match="^duplicate HEAD chunk$"):
        read_container(raw(Chunk(HEAD, pack_header(header))))


def test_missing_done_is_truncation(raw):
    with pytest.raises(FormatError, match="^stream truncated: no DONE chunk$"):
        read_container(raw(Chunk(ZLAT, b"z"), done=False))


def test_done_must_be_empty(raw):
    with pytest.raises(FormatError, match="^DONE chunk must be empty"):
        read_container(raw(Chunk(DONE, b"x"), done=False))


@pytest.mark.parametrize("extra", [b"\x00", b"junk", encode_chunk(Chunk(META, b"late"))])
def test_trailing_bytes_after_done_are_refused(stream, extra):
    with pytest.raises(FormatError, match=r"^trailing bytes after DONE \(\d+ bytes\)$"):
        read_container(stream + extra)


def test_crc_mismatch_is_detected(stream):
    corrupt = bytearray(stream)
    corrupt[-1] ^= 0xFF  # DONE's CRC
    with pytest.raises(FormatError, match=r"^CRC mismatch in chunk DONE \(corrupt stream\)$"):
        read_container(bytes(corrupt))
    corrupt = bytearray(stream)
    corrupt[PRELUDE_SIZE + 9] ^= 0x04  # inside HEAD's data
    with pytest.raises(FormatError, match=r"^CRC mismatch in chunk HEAD \(corrupt stream\)$"):
        read_container(bytes(corrupt))


def test_invalid_chunk_type_bytes(raw):
    bad = struct.pack(">I", 0) + b"AB1D" + struct.pack(">I", 0)
    with pytest.raises(FormatError, match="^invalid chunk type bytes"):
        read_container(raw(bad))


def test_oversized_length_is_refused_without_allocating(raw):
    bad = struct.pack(">I", 0xFFFFFFFF) + b"ZLAT"
    with pytest.raises(FormatError, match="^chunk ZLAT declares 4294967295 data bytes, over the"):
        read_container(raw(bad, done=False))


def test_length_past_end_is_truncation(raw):
    bad = struct.pack(">I", 5000) + b"YLAT" + b"short"
    with pytest.raises(FormatError, match=r"^stream truncated inside chunk YLAT \(declares 5000 data bytes"):
        read_container(raw(bad, done=False))
