"""Arrays of signed integers (e.g. a network's quantized weights), each coded with the
zero-mean quantized Laplace of its own scale.

The scale of each array is the entry of ``INTEGER_SCALES`` under which the array costs the
fewest bits; its index is one byte the caller stores. Symbols range over
[-INTEGER_LIMIT, INTEGER_LIMIT]; the coder keeps every one of them possible, at a cost
below 0.01 bit per symbol for the width of that range.
"""

from __future__ import annotations

import constriction
import numpy as np

from entropy.coder import DECODER_FAILURES, EntropyDecodeError, finish, new_decoder, new_encoder

INTEGER_LIMIT = 2**15
INTEGER_SCALES = np.exp(np.linspace(np.log(0.05), np.log(8192.0), 64))
_MODEL = constriction.stream.model.QuantizedLaplace(-INTEGER_LIMIT, INTEGER_LIMIT)


def _bits_under(values: np.ndarray, scale: float) -> float:
    """Ideal bits of ``values`` under the zero-mean Laplace mass of [v - 1/2, v + 1/2]."""
    a = np.abs(values)
    inner = np.maximum(a - 0.5, 0.0)
    upper = np.exp(-inner / scale)
    lower = np.exp(-(a + 0.5) / scale)
    mass = np.where(a >= 0.5, 0.5 * (upper - lower), 1.0 - lower)
    return float(-np.log2(np.maximum(mass, 2.0**-32)).sum())


def best_integer_scale(values: np.ndarray) -> tuple[int, float]:
    """(index into INTEGER_SCALES, bits) of the scale that codes ``values`` most cheaply."""
    values = np.asarray(values, dtype=np.float64).ravel()
    costs = [_bits_under(values, scale) for scale in INTEGER_SCALES]
    index = int(np.argmin(costs))
    return index, costs[index]


def encode_integers(arrays: list[np.ndarray], scale_indices: list[int]) -> bytes:
    """Code integer arrays (|value| <= INTEGER_LIMIT), array i with scale ``scale_indices[i]``."""
    encoder = new_encoder()
    for values, index in zip(arrays, scale_indices):
        values = np.asarray(values).ravel()
        if np.abs(values).max(initial=0) > INTEGER_LIMIT:
            raise ValueError(f"integer beyond +-{INTEGER_LIMIT}")
        scales = np.full(values.size, INTEGER_SCALES[index])
        encoder.encode(values.astype(np.int32), _MODEL, np.zeros_like(scales), scales)
    return finish(encoder)


def decode_integers(data: bytes, sizes: list[int], scale_indices: list[int]) -> list[np.ndarray]:
    """Inverse of ``encode_integers``: int32 arrays of the given sizes; EntropyDecodeError if damaged."""
    if any(not 0 <= index < len(INTEGER_SCALES) for index in scale_indices):
        raise EntropyDecodeError("integer scale index outside the table")
    decoder = new_decoder(data)
    arrays = []
    try:
        for size, index in zip(sizes, scale_indices):
            scales = np.full(size, INTEGER_SCALES[index])
            arrays.append(decoder.decode(_MODEL, np.zeros_like(scales), scales).astype(np.int32))
    except DECODER_FAILURES as error:
        raise EntropyDecodeError(f"integer stream cannot be decoded: {error}") from error
    return arrays
