"""HEAD validation on write and on read."""

from __future__ import annotations

import dataclasses

import pytest

from bitstream import DONE, HEAD, FormatError, read_container, write_container
from bitstream.framing import Chunk, encode_chunk, encode_prelude
from bitstream.header import pack_header, unpack_header


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("width", 0, r"width 0 is out of range"),
        ("height", 65537, r"height 65537 is out of range"),
        ("width", 2.5, "width must be an integer"),
        ("width", True, "width must be an integer"),
        ("channels", 2, r"channels 2 is not one of \[1, 3, 4\]"),
        ("bit_depth", 16, "unsupported bit depth 16"),
        ("weights_digest", bytes(31), "weights digest must be 32 bytes, got 31"),
        ("weights_digest", "0" * 32, "weights digest must be 32 bytes"),
        ("model", "", "model name must not be empty"),
        ("model", "x" * 256, "over the 255-byte limit"),
        ("model", "\udc80", "not encodable as UTF-8"),
        ("quality", 256, "quality 256 is out of range"),
        ("quality", -1, "quality -1 is out of range"),
    ],
)
def test_write_refuses_bad_header(header, field, value, message):
    with pytest.raises(ValueError, match=message):
        write_container(dataclasses.replace(header, **{field: value}), [])


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_allowed_channels_and_extreme_sizes(header, channels):
    for size in (1, 65536):
        good = dataclasses.replace(header, channels=channels, width=size, height=size)
        assert read_container(write_container(good, [])).header == good


def test_head_layout(header):
    data = pack_header(header)
    assert data[0] == len("hyperprior-v1")
    assert len(data) == len("hyperprior-v1") + 44
    assert unpack_header(data) == header


def _with_head(head_data: bytes) -> bytes:
    return encode_prelude() + encode_chunk(Chunk(HEAD, head_data)) + encode_chunk(Chunk(DONE, b""))


def test_read_refuses_head_trailing_bytes(header):
    with pytest.raises(FormatError, match="^HEAD chunk has 1 unexpected trailing bytes"):
        read_container(_with_head(pack_header(header) + b"\x00"))


def test_read_refuses_short_or_empty_head(header):
    with pytest.raises(FormatError, match="^HEAD chunk too short"):
        read_container(_with_head(pack_header(header)[:-1]))
    with pytest.raises(FormatError, match="^HEAD chunk is empty$"):
        read_container(_with_head(b""))


def test_read_refuses_bad_utf8_name(header):
    data = bytearray(pack_header(header))
    data[1] = 0xFF
    with pytest.raises(FormatError, match="^HEAD model name is not valid UTF-8$"):
        read_container(_with_head(bytes(data)))


@pytest.mark.parametrize(
    ("offset_from_end", "value", "message"),
    [
        (3, 2, "invalid HEAD chunk: channels 2"),
        (2, 16, "invalid HEAD chunk: unsupported bit depth 16"),
    ],
)
def test_read_validates_head_fields(header, offset_from_end, value, message):
    data = bytearray(pack_header(header))
    data[-offset_from_end] = value
    with pytest.raises(FormatError, match=f"^{message}"):
        read_container(_with_head(bytes(data)))


def test_read_refuses_zero_width(header):
    data = bytearray(pack_header(header))
    width_at = 1 + len(header.model.encode()) + 32
    data[width_at : width_at + 4] = bytes(4)
    with pytest.raises(FormatError, match="^invalid HEAD chunk: width 0 is out of range"):
        read_container(_with_head(bytes(data)))
