"""Byte-level packing of constriction's range-coder output (a little-endian uint32 stream)."""

from __future__ import annotations

import constriction
import numpy as np

WORD = np.dtype("<u4")


class EntropyDecodeError(ValueError):
    """A coded stream cannot be decoded (wrong length, wrong size of symbol array)."""


# What constriction raises on data that is invalid for the model (AssertionError included).
DECODER_FAILURES = (ValueError, RuntimeError, AssertionError)


def new_encoder() -> constriction.stream.queue.RangeEncoder:
    """A fresh range encoder (queue semantics: decode in the order of encoding)."""
    return constriction.stream.queue.RangeEncoder()


def finish(encoder: constriction.stream.queue.RangeEncoder) -> bytes:
    """The encoder's compressed words as bytes."""
    return encoder.get_compressed().astype(WORD).tobytes()


def new_decoder(data: bytes) -> constriction.stream.queue.RangeDecoder:
    """A range decoder over bytes written by ``finish``."""
    if len(data) % WORD.itemsize:
        raise EntropyDecodeError(f"coded stream length {len(data)} is not a multiple of 4 bytes")
    words = np.frombuffer(data, dtype=WORD).astype(np.uint32)
    return constriction.stream.queue.RangeDecoder(words)
