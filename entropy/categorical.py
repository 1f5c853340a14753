"""Categorical coding: one fixed table per channel, or one table per symbol.

``encode_categorical`` serves the factorized hyper-latent: channel ``c``'s symbols are
coded with the probability table ``pmfs[c]``; the loop runs over channels, never over
symbols. ``IndexStreamEncoder`` serves vector-quantizer indices, each coded with its own
row of probabilities from a context model, group after group into one stream.
constriction quantizes every table to integers deterministically, so identical float
tables on both sides give identical coding.
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


_FAMILY = constriction.stream.model.Categorical(perfect=False)


def _rows(symbols: np.ndarray | None, probabilities: np.ndarray) -> np.ndarray:
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or (symbols is not None and len(symbols) != len(probabilities)):
        raise ValueError("probabilities must be (symbols, alphabet), one row per symbol")
    return probabilities


class IndexStreamEncoder:
    """Codes groups of symbols, each symbol with its own probability row, into one stream."""

    def __init__(self):
        self._encoder = new_encoder()

    def encode(self, symbols: np.ndarray, probabilities: np.ndarray) -> None:
        """Append ``symbols`` (n,), symbol i coded with ``probabilities[i]`` (n, alphabet)."""
        symbols = np.asarray(symbols).ravel()
        rows = _rows(symbols, probabilities)
        if symbols.size:
            self._encoder.encode(np.clip(symbols, 0, rows.shape[1] - 1).astype(np.int32), _FAMILY, rows)

    def finish(self) -> bytes:
        """The whole stream as bytes."""
        return finish(self._encoder)


class IndexStreamDecoder:
    """Reads back, group by group, what ``IndexStreamEncoder`` wrote."""

    def __init__(self, data: bytes):
        self._decoder = new_decoder(data)

    def decode(self, probabilities: np.ndarray) -> np.ndarray:
        """The next int32 symbols, one per probability row; EntropyDecodeError if damaged."""
        rows = _rows(None, probabilities)
        if not len(rows):
            return np.zeros(0, np.int32)
        try:
            return self._decoder.decode(_FAMILY, rows).astype(np.int32)
        except DECODER_FAILURES as error:
            raise EntropyDecodeError(f"index stream cannot be decoded: {error}") from error
