"""Coding of integer symbols with one fixed categorical distribution per channel.

Used for the factorized hyper-latent: channel ``c``'s symbols are coded with the
probability table ``pmfs[c]``. constriction quantizes each table to integers
deterministically; the loop runs over channels, never over symbols.
"""

from __future__ import annotations

import constriction
import numpy as np

from entropy.coder import DECODER_FAILURES, EntropyDecodeError, finish, new_decoder, new_encoder


def _model(pmf: np.ndarray) -> constriction.stream.model.Categorical:
    return constriction.stream.model.Categorical(np.asarray(pmf, dtype=np.float64), perfect=False)


def encode_categorical(symbols: np.ndarray, pmfs: np.ndarray) -> bytes:
    """Code ``symbols`` (channels, count) in 0..len(pmf)-1, channel c with ``pmfs[c]``."""
    symbols = np.asarray(symbols)
    if symbols.ndim != 2 or symbols.shape[0] != len(pmfs):
        raise ValueError("symbols must be (channels, count) with one pmf per channel")
    encoder = new_encoder()
    for channel_symbols, pmf in zip(symbols, pmfs):
        clipped = np.clip(channel_symbols, 0, len(pmf) - 1).astype(np.int32)
        encoder.encode(clipped, _model(pmf))
    return finish(encoder)


def decode_categorical(data: bytes, pmfs: np.ndarray, count: int) -> np.ndarray:
    """Inverse of ``encode_categorical``: int32 symbols of shape (channels, count)."""
    decoder = new_decoder(data)
    try:
        rows = [decoder.decode(_model(pmf), count) for pmf in pmfs]
    except DECODER_FAILURES as error:
        raise EntropyDecodeError(f"categorical stream cannot be decoded: {error}") from error
    return np.stack(rows).astype(np.int32) if rows else np.zeros((0, count), np.int32)
