"""Gaussian-conditional coding of integer symbols whose scales are fixed table indices.

The scale of every symbol is first mapped to an index into ``SCALE_TABLE``; only that
index (an integer both sides compute identically) selects the distribution, so the
coder never sees a float computed by the network. Means are handled by the caller:
symbols are ``round(y - mean)``, coded as zero-mean quantized Gaussians.
"""

from __future__ import annotations

import constriction
import numpy as np

from entropy.coder import DECODER_FAILURES, EntropyDecodeError, finish, new_decoder, new_encoder

SCALE_BOUND = 0.11  # smallest scale the model may use (matches the training lower bound)
SCALE_TABLE_LARGEST = 256.0
SCALE_TABLE_SIZE = 64
SCALE_TABLE = np.exp(np.linspace(np.log(SCALE_BOUND), np.log(SCALE_TABLE_LARGEST), SCALE_TABLE_SIZE))

# Symbols are clipped to +-SYMBOL_LIMIT. Each of the 2*limit+1 symbols keeps a minimum
# probability in the leaky quantizer, so a wider range costs rate; 2047 costs < 0.001 bpp
# and is never reached by the trained models.
SYMBOL_LIMIT = 2047
_MODEL = constriction.stream.model.QuantizedGaussian(-SYMBOL_LIMIT, SYMBOL_LIMIT)


def scale_indices(scales: np.ndarray) -> np.ndarray:
    """Index of the smallest table scale >= each scale (clamped to the table), as int32."""
    indices = np.searchsorted(SCALE_TABLE, np.asarray(scales, dtype=np.float64), side="left")
    return np.minimum(indices, SCALE_TABLE_SIZE - 1).astype(np.int32)


def _stds(indices: np.ndarray) -> np.ndarray:
    return SCALE_TABLE[np.asarray(indices).ravel()]


class GaussianStreamEncoder:
    """Codes several groups of symbols, one after another, into one range-coded stream
    (for latents whose later groups are conditioned on earlier ones)."""

    def __init__(self):
        self._encoder = new_encoder()

    def encode(self, symbols: np.ndarray, indices: np.ndarray) -> None:
        """Append integer symbols, each with the zero-mean Gaussian of its scale index."""
        symbols = np.clip(np.asarray(symbols).ravel(), -SYMBOL_LIMIT, SYMBOL_LIMIT).astype(np.int32)
        stds = _stds(indices)
        if symbols.shape != stds.shape:
            raise ValueError("symbols and scale indices differ in size")
        self._encoder.encode(symbols, _MODEL, np.zeros_like(stds), stds)

    def finish(self) -> bytes:
        """The whole stream as bytes."""
        return finish(self._encoder)


class GaussianStreamDecoder:
    """Reads back, group by group in the same order, what ``GaussianStreamEncoder`` wrote."""

    def __init__(self, data: bytes):
        self._decoder = new_decoder(data)

    def decode(self, indices: np.ndarray) -> np.ndarray:
        """The next int32 symbols, one per scale index (flattened); EntropyDecodeError if damaged."""
        stds = _stds(indices)
        try:
            return self._decoder.decode(_MODEL, np.zeros_like(stds), stds).astype(np.int32)
        except DECODER_FAILURES as error:
            raise EntropyDecodeError(f"Gaussian stream cannot be decoded: {error}") from error


def encode_gaussian(symbols: np.ndarray, indices: np.ndarray) -> bytes:
    """Code one group of integer symbols, each with the zero-mean Gaussian of its scale index."""
    encoder = GaussianStreamEncoder()
    encoder.encode(symbols, indices)
    return encoder.finish()


def decode_gaussian(data: bytes, indices: np.ndarray) -> np.ndarray:
    """Inverse of ``encode_gaussian``: int32 symbols, one per scale index (flattened)."""
    return GaussianStreamDecoder(data).decode(indices)
