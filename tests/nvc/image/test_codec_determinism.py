"""The decoder recomputes exactly the encoder's symbols whatever torch's thread count.

Scale indices are computed from floats; if the decoder's differed from the encoder's
by one table step anywhere, the range decoder would derail. ``nvc.image.entropy_parameters``
pins that computation to one thread; these tests encode with 1 thread and decode with
2 on an image large enough (256x384) for torch's intra-op parallelism to kick in.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import nvc
from bitstream import read_container
from nvc.image.codec import analyse_pixels, decode_symbols, load_model


@pytest.fixture(scope="module")
def large_image() -> np.ndarray:
    rows, cols = np.mgrid[0:256, 0:384]
    noise = np.random.default_rng(3).integers(-20, 21, (256, 384, 3))
    base = np.stack([rows, cols, (rows + cols) // 2], axis=2) % 256
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def encode_then_decode_symbols(model_name: str, pixels: np.ndarray, quality: int):
    model = load_model(model_name)
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        encoded = analyse_pixels(model, pixels, quality)
        data = nvc.encode(pixels, quality=quality, model=model_name)
        torch.set_num_threads(2)
        decoded = decode_symbols(model, read_container(data))
    finally:
        torch.set_num_threads(previous)
    return encoded, decoded, data


def assert_same_symbols(encoded, decoded) -> None:
    assert decoded.z.shape == encoded.z.shape
    assert np.array_equal(decoded.z, encoded.z)
    assert decoded.y.shape == encoded.y.shape
    assert np.array_equal(decoded.y, encoded.y)
    assert decoded.scale_indices.dtype == encoded.scale_indices.dtype
    assert np.array_equal(decoded.scale_indices, encoded.scale_indices)
    assert torch.equal(decoded.means, encoded.means)


@pytest.mark.parametrize("quality", [1, 8])
def test_tiny_model_symbols_match_across_thread_counts(tiny_model: str, large_image: np.ndarray, quality: int):
    encoded, decoded, _ = encode_then_decode_symbols(tiny_model, large_image, quality)
    assert_same_symbols(encoded, decoded)


@pytest.mark.parametrize("quality", [1, 8])
def test_non_trivial_symbols_match_across_thread_counts(loud_model: str, large_image: np.ndarray, quality: int):
    """Same check where it can fail: many distinct scale indices and non-zero symbols."""
    encoded, decoded, data = encode_then_decode_symbols(loud_model, large_image, quality)
    assert np.unique(encoded.scale_indices).size > 10
    assert np.count_nonzero(encoded.y) > encoded.y.size // 10
    assert_same_symbols(encoded, decoded)

    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        assert nvc.decode(data).shape == (256, 384, 3)
    finally:
        torch.set_num_threads(previous)


def test_thread_count_is_restored(tiny_model: str, large_image: np.ndarray):
    before = torch.get_num_threads()
    nvc.decode(nvc.encode(large_image[:64, :64], quality=2, model=tiny_model))
    assert torch.get_num_threads() == before
