"""PSNR and bpp against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kodak_eval.metrics import bits_per_pixel, mse, psnr_rgb


def test_psnr_matches_hand_computed_value():
    reference = np.zeros((2, 2, 3), dtype=np.uint8)
    decoded = reference.copy()
    decoded[1, 0, 2] = 10  # one error of 10 among 12 samples: MSE = 100 / 12
    assert mse(reference, decoded) == pytest.approx(100 / 12)
    # 10 * log10(255^2 / (100/12)) = 10 * log10(7803)
    assert psnr_rgb(reference, decoded) == pytest.approx(38.92262, abs=1e-5)


def test_psnr_does_not_wrap_uint8():
    reference = np.full((1, 1, 3), 0, dtype=np.uint8)
    decoded = np.full((1, 1, 3), 255, dtype=np.uint8)
    assert psnr_rgb(reference, decoded) == pytest.approx(0.0)


def test_psnr_of_identical_images_is_infinite():
    pixels = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    assert psnr_rgb(pixels, pixels.copy()) == math.inf


def test_psnr_rejects_shape_mismatch():
    with pytest.raises(ValueError):
        psnr_rgb(np.zeros((2, 2, 3), np.uint8), np.zeros((2, 3, 3), np.uint8))


def test_bits_per_pixel():
    assert bits_per_pixel(4800, 768, 512) == pytest.approx(8 * 4800 / (768 * 512))
