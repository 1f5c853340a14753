"""Laplace coding of signed integers whose scales are indices into a fixed table.

For small side information such as motion-vector differences: the encoder chooses, per
group of symbols, the table scale under which the group costs the fewest bits
(``best_scale_index``) and sends its index; each symbol is then coded as a zero-mean
quantized Laplace of its group's scale.
"""

from __future__ import annotations

import constriction
import numpy as np

from entropy.coder import DECODER_FAILURES, EntropyDecodeError, finish, new_decoder, new_encoder

LAPLACE_SCALES = np.exp(np.linspace(np.log(0.05), np.log(64.0), 32))
SYMBOL_LIMIT = 1023
_MODEL = constriction.stream.model.QuantizedLaplace(-SYMBOL_LIMIT, SYMBOL_LIMIT)


def _laplace_cdf(values: np.ndarray, scale: float) -> np.ndarray:
    tail = 0.5 * np.exp(-np.abs(values) / scale)  # the mass beyond |value|, never overflows
    return np.where(values < 0, tail, 1 - tail)


def laplace_bits(symbols: np.ndarray, scale_index: int) -> float:
    """Ideal cost in bits of ``symbols`` under the table scale ``scale_index``."""
    symbols = np.asarray(symbols, dtype=np.float64).ravel()
    scale = LAPLACE_SCALES[scale_index]
    mass = _laplace_cdf(symbols + 0.5, scale) - _laplace_cdf(symbols - 0.5, scale)
    return float(-np.log2(np.maximum(mass, 1e-12)).sum())


def best_scale_index(symbols: np.ndarray) -> int:
    """The table index whose scale codes ``symbols`` in the fewest bits."""
    return int(np.argmin([laplace_bits(symbols, index) for index in range(len(LAPLACE_SCALES))]))


def _scales(scale_indices: np.ndarray) -> np.ndarray:
    indices = np.asarray(scale_indices).ravel()
    if indices.size and (indices.min() < 0 or indices.max() >= len(LAPLACE_SCALES)):
        raise EntropyDecodeError("Laplace scale index outside the table")
    return LAPLACE_SCALES[indices]


def encode_laplace(symbols: np.ndarray, scale_indices: np.ndarray) -> bytes:
    """Code integer symbols (clipped to +-SYMBOL_LIMIT), each with the table scale of its index."""
    symbols = np.clip(np.asarray(symbols).ravel(), -SYMBOL_LIMIT, SYMBOL_LIMIT).astype(np.int32)
    scales = _scales(scale_indices)
    if symbols.shape != scales.shape:
        raise ValueError("symbols and scale indices differ in size")
    encoder = new_encoder()
    encoder.encode(symbols, _MODEL, np.zeros_like(scales), scales)
    return finish(encoder)


def decode_laplace(data: bytes, scale_indices: np.ndarray) -> np.ndarray:
    """Inverse of ``encode_laplace``: int32 symbols, one per scale index (flattened);
    EntropyDecodeError if damaged."""
    scales = _scales(scale_indices)
    try:
        return new_decoder(data).decode(_MODEL, np.zeros_like(scales), scales).astype(np.int32)
    except DECODER_FAILURES as error:
        raise EntropyDecodeError(f"Laplace stream cannot be decoded: {error}") from error
