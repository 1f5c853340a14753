"""nvc.encode / nvc.decode round trips with the tiny test model."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import nvc
from bitstream import read_container


def random_pixels(height: int, width: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def smooth_pixels(height: int, width: int) -> np.ndarray:
    rows, cols = np.mgrid[0:height, 0:width]
    noise = np.random.default_rng(height * width).integers(-10, 11, (height, width, 3))
    base = np.stack([rows, cols, (rows + cols) // 2], axis=2) % 256
    return np.clip(base + noise, 0, 255).astype(np.uint8)


# (height, width): 1x1, odd sizes smaller than one 64-pixel block, exactly one block, several blocks.
SIZES = [(1, 1), (17, 33), (33, 17), (64, 64), (512, 768)]


@pytest.mark.parametrize("quality", [1, 8])
@pytest.mark.parametrize(("height", "width"), SIZES)
def test_round_trip_shape_and_dtype(tiny_model: str, height: int, width: int, quality: int) -> None:
    pixels = random_pixels(height, width, seed=height + width) if height < 100 else smooth_pixels(height, width)
    data = nvc.encode(pixels, quality=quality, model=tiny_model)

    assert isinstance(data, bytes)
    header = nvc.read_header(data)
    assert (header.width, header.height, header.channels, header.quality) == (width, height, 3, quality)
    assert header.model == tiny_model

    decoded = nvc.decode(data)
    assert decoded.shape == (height, width, 3)
    assert decoded.dtype == np.uint8
    assert decoded.flags.c_contiguous


def test_encode_and_decode_are_deterministic(tiny_model: str, photo_like: np.ndarray) -> None:
    first = nvc.encode(photo_like, quality=4, model=tiny_model)
    assert nvc.encode(photo_like.copy(), quality=4, model=tiny_model) == first
    assert np.array_equal(nvc.decode(first), nvc.decode(bytearray(first)))


def test_decode_accepts_bytearray_and_memoryview(tiny_model: str, photo_like: np.ndarray) -> None:
    data = nvc.encode(photo_like, quality=2, model=tiny_model)
    expected = nvc.decode(data)
    assert np.array_equal(nvc.decode(bytearray(data)), expected)
    assert np.array_equal(nvc.decode(memoryview(data)), expected)


def test_encode_does_not_modify_its_input(tiny_model: str, photo_like: np.ndarray) -> None:
    before = photo_like.copy()
    nvc.encode(photo_like, quality=3, model=tiny_model)
    assert np.array_equal(photo_like, before)


def test_encode_accepts_pil_image(tiny_model: str, photo_like: np.ndarray) -> None:
    from_array = nvc.encode(photo_like, quality=3, model=tiny_model)
    assert nvc.encode(Image.fromarray(photo_like), quality=3, model=tiny_model) == from_array


def test_encode_accepts_non_contiguous_array(tiny_model: str, photo_like: np.ndarray) -> None:
    flipped = photo_like[:, ::-1]
    assert nvc.encode(flipped, quality=3, model=tiny_model) == nvc.encode(flipped.copy(), quality=3, model=tiny_model)


def test_encode_accepts_gray_array_and_gray_pil(tiny_model: str, photo_like: np.ndarray) -> None:
    gray = photo_like[..., 0].copy()
    data = nvc.encode(gray, quality=2, model=tiny_model)
    assert nvc.read_header(data).channels == 1
    # Gray is coded as R = G = B: same latents, same payload chunks as the equivalent RGB image.
    rgb = nvc.encode(np.repeat(gray[..., None], 3, axis=2), quality=2, model=tiny_model)
    assert read_container(data).chunks == read_container(rgb).chunks
    assert nvc.encode(Image.fromarray(gray), quality=2, model=tiny_model) == data
    assert nvc.encode(gray[..., None], quality=2, model=tiny_model) == data  # (H, W, 1)
    assert nvc.decode(data).shape == (48, 80, 3)


def test_encode_accepts_opaque_rgba(tiny_model: str, photo_like: np.ndarray) -> None:
    rgba = np.concatenate([photo_like, np.full((48, 80, 1), 255, np.uint8)], axis=2)
    rgb = nvc.encode(photo_like, quality=2, model=tiny_model)
    assert nvc.encode(rgba, quality=2, model=tiny_model) == rgb
    assert nvc.encode(Image.fromarray(rgba), quality=2, model=tiny_model) == rgb


def test_higher_quality_gives_larger_stream(loud_model: str, photo_like: np.ndarray) -> None:
    """Rate grows with quality. Asserted with the amplified-latent model: with test-tiny's
    random weights every y symbol rounds to 0 and all qualities give equal-sized streams."""
    sizes = [len(nvc.encode(photo_like, quality=q, model=loud_model)) for q in (1, 4, 8)]
    assert sizes[0] < sizes[1] < sizes[2], sizes
    for q in (1, 8):
        assert nvc.decode(nvc.encode(photo_like, quality=q, model=loud_model)).shape == (48, 80, 3)
