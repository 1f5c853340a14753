"""The reader raises FormatError, and only FormatError, for any damaged input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bitstream import META, Chunk, FormatError, Header, read_container, write_container
from bitstream.framing import PRELUDE_SIZE, SIGNATURE, encode_prelude
from payload_types import YLAT, ZLAT

MINOR_VERSION_OFFSET = len(SIGNATURE) + 1
"""The only byte not protected by a signature check, a version check or a CRC."""

fuzz = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _expect_format_error(data: bytes) -> FormatError:
    """Read ``data``; assert it fails with a one-line FormatError and return it."""
    with pytest.raises(FormatError) as info:
        read_container(data)
    message = str(info.value)
    assert message and "\n" not in message
    return info.value


def _read_or_format_error(data: bytes) -> None:
    """Read ``data``; any exception other than FormatError fails the test."""
    try:
        read_container(data)
    except FormatError as exc:
        assert str(exc) and "\n" not in str(exc)


@st.composite
def streams(draw) -> bytes:
    """Random valid streams."""
    header = Header(
        model=draw(st.text(min_size=1, max_size=20)),
        weights_digest=draw(st.binary(min_size=32, max_size=32)),
        width=draw(st.integers(1, 65536)),
        height=draw(st.integers(1, 65536)),
        channels=draw(st.sampled_from([1, 3, 4])),
        bit_depth=8,
        quality=draw(st.integers(0, 255)),
    )
    chunk = st.builds(Chunk, st.sampled_from([ZLAT, YLAT, META]), st.binary(max_size=64))
    return write_container(header, draw(st.lists(chunk, max_size=4)))


def test_truncation_at_every_position(stream):
    for cut in range(len(stream)):
        _expect_format_error(stream[:cut])


def test_every_single_bit_flip_is_detected(stream):
    for position in range(len(stream)):
        if position == MINOR_VERSION_OFFSET:
            continue
        for bit in range(8):
            corrupt = bytearray(stream)
            corrupt[position] ^= 1 << bit
            _expect_format_error(bytes(corrupt))


def test_minor_version_flip_reads_as_minor_bump(stream):
    # Documented limitation: the version bytes carry no CRC; a minor change is accepted.
    corrupt = bytearray(stream)
    corrupt[MINOR_VERSION_OFFSET] ^= 0x01
    container = read_container(bytes(corrupt))
    assert container.version == (1, 1)
    assert container.chunks == read_container(stream).chunks


@fuzz
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_format_error(data):
    _read_or_format_error(data)


@fuzz
@given(st.binary(max_size=200))
def test_random_bytes_after_valid_prelude_raise_only_format_error(data):
    _read_or_format_error(encode_prelude() + data)


@fuzz
@given(streams(), st.data())
def test_random_single_bit_flip_is_detected(data, draw):
    position = draw.draw(st.integers(0, len(data) - 1).filter(lambda p: p != MINOR_VERSION_OFFSET))
    corrupt = bytearray(data)
    corrupt[position] ^= 1 << draw.draw(st.integers(0, 7))
    _expect_format_error(bytes(corrupt))


@fuzz
@given(streams(), st.data())
def test_random_truncation_is_detected(data, draw):
    assert read_container(data).version == (1, 0)
    _expect_format_error(data[: draw.draw(st.integers(0, len(data) - 1))])


@fuzz
@given(streams(), st.data())
def test_random_byte_overwrite_raises_only_format_error(data, draw):
    position = draw.draw(st.integers(PRELUDE_SIZE, len(data) - 1))
    corrupt = bytearray(data)
    corrupt[position] = draw.draw(st.integers(0, 255))
    _read_or_format_error(bytes(corrupt))
