"""Entropy coding round trips and the cost of the coded streams."""

import numpy as np
import pytest

from entropy import (
    SCALE_TABLE,
    EntropyDecodeError,
    decode_categorical,
    decode_gaussian,
    encode_categorical,
    encode_gaussian,
    scale_indices,
)
from entropy.gaussian import SYMBOL_LIMIT


def test_scale_indices_round_up_to_the_table():
    scales = np.array([0.0, SCALE_TABLE[0], SCALE_TABLE[5] * 0.999, SCALE_TABLE[5], 1e9])
    assert scale_indices(scales).tolist() == [0, 0, 5, 5, len(SCALE_TABLE) - 1]


def test_gaussian_round_trip_and_rate_close_to_entropy():
    rng = np.random.default_rng(1)
    indices = rng.integers(0, 40, 20000).astype(np.int32)
    symbols = np.round(rng.normal(0, SCALE_TABLE[indices])).astype(np.int32)
    data = encode_gaussian(symbols, indices)
    assert np.array_equal(decode_gaussian(data, indices), symbols)
    # ideal cost: -log2 of the discretised Gaussian mass of each symbol
    from scipy.stats import norm

    sigma = SCALE_TABLE[indices]
    mass = norm.cdf((symbols + 0.5) / sigma) - norm.cdf((symbols - 0.5) / sigma)
    ideal_bits = -np.log2(mass).sum()
    assert len(data) * 8 < ideal_bits * 1.01 + 64


def test_gaussian_clips_outliers():
    indices = np.zeros(3, np.int32)
    decoded = decode_gaussian(encode_gaussian(np.array([5000, -5000, 1]), indices), indices)
    assert decoded.tolist() == [SYMBOL_LIMIT, -SYMBOL_LIMIT, 1]


def test_categorical_round_trip_per_channel():
    rng = np.random.default_rng(2)
    pmfs = rng.random((4, 9)) + 0.01
    pmfs[2, 7:] = 0  # a shorter table, padded with zeros
    symbols = np.stack([rng.integers(0, 9, 50), rng.integers(0, 9, 50), rng.integers(0, 7, 50), rng.integers(0, 9, 50)])
    data = encode_categorical(symbols, pmfs)
    assert np.array_equal(decode_categorical(data, pmfs, 50), symbols)


def test_stream_length_must_be_whole_words():
    with pytest.raises(EntropyDecodeError):
        decode_gaussian(b"abc", np.zeros(4, np.int32))


def test_index_stream_round_trips_groups_with_per_symbol_tables():
    from entropy import IndexStreamDecoder, IndexStreamEncoder

    rng = np.random.default_rng(5)
    alphabet = 4096
    groups = []
    encoder = IndexStreamEncoder()
    for count in (300, 0, 120):
        logits = rng.normal(0, 3, (count, alphabet))
        probabilities = np.exp(logits - logits.max(1, keepdims=True))
        symbols = np.array([rng.choice(alphabet, p=row / row.sum()) for row in probabilities], dtype=np.int32)
        encoder.encode(symbols, probabilities)
        groups.append((symbols, probabilities))
    data = encoder.finish()
    decoder = IndexStreamDecoder(data)
    for symbols, probabilities in groups:
        assert np.array_equal(decoder.decode(probabilities), symbols)
    # a good prior codes far below log2(alphabet) = 12 bits per index
    assert 8 * len(data) / 420 < 10


def test_index_stream_rejects_mismatched_tables():
    from entropy import IndexStreamEncoder

    with pytest.raises(ValueError, match="one row per symbol"):
        IndexStreamEncoder().encode(np.zeros(3, np.int32), np.ones((2, 8)))


def test_laplace_round_trip_with_per_symbol_scales_and_the_cheapest_scale():
    from entropy import best_scale_index, decode_laplace, encode_laplace
    from entropy.laplace import LAPLACE_SCALES, laplace_bits

    symbols = np.random.default_rng(0).laplace(0, 3, 400).round().astype(np.int32)
    best = best_scale_index(symbols)
    assert all(laplace_bits(symbols, best) <= laplace_bits(symbols, i) for i in range(len(LAPLACE_SCALES)))
    indices = np.repeat([best, 3], 200)
    data = encode_laplace(symbols, indices)
    assert np.array_equal(decode_laplace(data, indices), symbols)
    assert len(data) * 8 < laplace_bits(symbols[:200], best) + laplace_bits(symbols[200:], 3) + 64


def test_laplace_refuses_scale_indices_outside_the_table():
    from entropy import EntropyDecodeError, decode_laplace

    with pytest.raises(EntropyDecodeError, match="outside the table"):
        decode_laplace(b"\0\0\0\0", np.array([99]))
