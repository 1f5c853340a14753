"""Damaged streams: nvc.decode raises FormatError (ModelMismatchError is one), nothing else."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nvc
from bitstream import SIGNATURE, Chunk, FormatError, read_container, write_container
from bitstream.framing import PRELUDE_SIZE
from entropy import EntropyDecodeError, decode_categorical, decode_gaussian
from nvc import ModelMismatchError

MINOR_VERSION_OFFSET = len(SIGNATURE) + 1  # a damaged minor byte is accepted by design (FORMAT.md 1)

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Hundreds of small decodes: one torch thread avoids thread start-up and contention
    costs that dominate them on a busy machine (thread counts are tested elsewhere)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def noisy_pixels(height: int, width: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


@pytest.fixture(scope="module")
def valid_stream(tiny_model: str) -> bytes:
    return nvc.encode(noisy_pixels(24, 40, 0), quality=5, model=tiny_model)


@pytest.fixture(scope="module")
def loud_stream(loud_model: str) -> bytes:
    return nvc.encode(noisy_pixels(24, 40, 1), quality=5, model=loud_model)


def decodes_or_format_error(data: bytes, shape: tuple[int, int]) -> str:
    """'decoded' (checking the array) or 'format error'; any other exception propagates."""
    try:
        pixels = nvc.decode(data)
    except FormatError:
        return "format error"
    assert pixels.shape == (*shape, 3)
    assert pixels.dtype == np.uint8
    return "decoded"


def replace_payload(stream: bytes, chunk_type: bytes, payload: bytes) -> bytes:
    """The stream with one chunk's data replaced, re-framed with valid CRCs."""
    container = read_container(stream)
    chunks = [Chunk(c.type, payload if c.type == chunk_type else c.data) for c in container.chunks]
    return write_container(container.header, chunks)


def test_valid_stream_decodes(valid_stream: bytes) -> None:
    assert nvc.decode(valid_stream).shape == (24, 40, 3)


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes(data: bytes) -> None:
    with pytest.raises(FormatError):
        nvc.decode(data)


@FUZZ
@given(rest=st.binary(max_size=600), minor=st.integers(0, 255))
def test_random_bytes_after_a_valid_prelude(rest: bytes, minor: int) -> None:
    with pytest.raises(FormatError):
        nvc.decode(SIGNATURE + bytes([1, minor]) + rest)


@FUZZ
@given(cut=st.data())
def test_truncation(valid_stream: bytes, cut) -> None:
    length = cut.draw(st.integers(0, len(valid_stream) - 1), label="length")
    with pytest.raises(FormatError):
        nvc.decode(valid_stream[:length])


def test_every_truncation(valid_stream: bytes) -> None:
    """Exhaustive: the stream is short, and every proper prefix must be refused."""
    for length in range(len(valid_stream)):
        with pytest.raises(FormatError):
            nvc.decode(valid_stream[:length])


def test_trailing_bytes(valid_stream: bytes) -> None:
    for extra in (b"\x00", b"DONE", valid_stream):
        with pytest.raises(FormatError):
            nvc.decode(valid_stream + extra)


@FUZZ
@given(flip=st.data())
def test_single_bit_flip(valid_stream: bytes, flip) -> None:
    offset = flip.draw(st.integers(0, len(valid_stream) - 1).filter(lambda i: i != MINOR_VERSION_OFFSET), label="byte")
    bit = flip.draw(st.integers(0, 7), label="bit")
    damaged = bytearray(valid_stream)
    damaged[offset] ^= 1 << bit
    with pytest.raises(FormatError):
        nvc.decode(bytes(damaged))


def test_every_single_bit_flip(valid_stream: bytes) -> None:
    """Exhaustive over all bits: every flip is refused, except in the minor version byte,
    which the format accepts (minor versions only add chunk types)."""
    expected = nvc.decode(valid_stream)
    for offset in range(len(valid_stream)):
        for bit in range(8):
            damaged = bytearray(valid_stream)
            damaged[offset] ^= 1 << bit
            if offset == MINOR_VERSION_OFFSET:
                assert np.array_equal(nvc.decode(bytes(damaged)), expected)
            else:
                with pytest.raises(FormatError):
                    nvc.decode(bytes(damaged))


@pytest.mark.parametrize("chunk_type", [b"ZLAT", b"YLAT"])
@FUZZ
@given(payload=st.binary(max_size=400).filter(lambda b: len(b) % 4))
def test_payload_of_odd_length_is_refused(valid_stream: bytes, chunk_type: bytes, payload: bytes) -> None:
    with pytest.raises(FormatError):
        nvc.decode(replace_payload(valid_stream, chunk_type, payload))


@pytest.mark.parametrize("chunk_type", [b"ZLAT", b"YLAT"])
@FUZZ
@given(words=st.integers(0, 100), seed=st.integers(0, 2**32 - 1))
def test_payload_of_whole_words_never_crashes(valid_stream: bytes, chunk_type: bytes, words: int, seed: int) -> None:
    payload = np.random.default_rng(seed).bytes(4 * words)
    assert decodes_or_format_error(replace_payload(valid_stream, chunk_type, payload), (24, 40)) in (
        "decoded",
        "format error",
    )


@pytest.mark.parametrize("chunk_type", [b"ZLAT", b"YLAT"])
@settings(max_examples=50, deadline=None)
@given(words=st.integers(0, 300), seed=st.integers(0, 2**32 - 1))
def test_payload_of_whole_words_never_crashes_with_varied_scales(
    loud_stream: bytes, chunk_type: bytes, words: int, seed: int
) -> None:
    """With non-trivial entropy models, random words are often 'invalid for the model'."""
    payload = np.random.default_rng(seed).bytes(4 * words)
    assert decodes_or_format_error(replace_payload(loud_stream, chunk_type, payload), (24, 40)) in (
        "decoded",
        "format error",
    )


def test_entropy_decoders_wrap_invalid_data_errors() -> None:
    """constriction raises AssertionError ('compressed data that is invalid for the employed
    entropy model') for some inputs; the entropy layer must turn it into EntropyDecodeError.
    These seeds are known to hit that path."""
    rng = np.random.default_rng(5)
    data = rng.bytes(4 * int(rng.integers(1, 8)))
    rng.integers(0, 64, 50)
    pmfs = rng.random((3, 5))
    pmfs[:, 3:] = rng.random((3, 2)) * 1e-12
    with pytest.raises(EntropyDecodeError):
        decode_categorical(data, pmfs, 20)

    rng = np.random.default_rng(1367)
    data = rng.bytes(4 * int(rng.integers(1, 8)))
    with pytest.raises(EntropyDecodeError):
        decode_gaussian(data, rng.integers(0, 64, 50).astype(np.int32))


def test_missing_payload_chunk(valid_stream: bytes) -> None:
    container = read_container(valid_stream)
    for dropped in (b"ZLAT", b"YLAT"):
        chunks = [c for c in container.chunks if c.type != dropped]
        with pytest.raises(FormatError, match="missing"):
            nvc.decode(write_container(container.header, chunks))


def test_repeated_payload_chunk(valid_stream: bytes) -> None:
    container = read_container(valid_stream)
    with pytest.raises(FormatError, match="expected one"):
        nvc.decode(write_container(container.header, container.chunks + container.chunks[-1:]))


def test_ancillary_chunk_is_ignored(valid_stream: bytes) -> None:
    container = read_container(valid_stream)
    with_meta = write_container(container.header, [Chunk(b"meta", b"encoder=test")] + container.chunks)
    assert np.array_equal(nvc.decode(with_meta), nvc.decode(valid_stream))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"model": "no-such-model"}, "no-such-model"),
        ({"weights_digest": bytes(32)}, "other weights"),
    ],
)
def test_model_mismatch(valid_stream: bytes, change: dict, match: str) -> None:
    container = read_container(valid_stream)
    data = write_container(dataclasses.replace(container.header, **change), container.chunks)
    with pytest.raises(ModelMismatchError, match=match):
        nvc.decode(data)
    assert issubclass(ModelMismatchError, FormatError)


@pytest.mark.parametrize("quality", [0, 9, 255])
def test_header_quality_outside_model_range(valid_stream: bytes, quality: int) -> None:
    container = read_container(valid_stream)
    data = write_container(dataclasses.replace(container.header, quality=quality), container.chunks)
    with pytest.raises(FormatError, match="quality"):
        nvc.decode(data)


@pytest.mark.parametrize(("width", "height"), [(1, 1), (40, 25), (200, 100)])
def test_header_size_changed(valid_stream: bytes, width: int, height: int) -> None:
    """A valid-CRC header claiming another size: refused or decoded at the claimed size."""
    container = read_container(valid_stream)
    data = write_container(dataclasses.replace(container.header, width=width, height=height), container.chunks)
    decodes_or_format_error(data, (height, width))


def test_prelude_size_is_ten_bytes() -> None:
    assert PRELUDE_SIZE == 10
