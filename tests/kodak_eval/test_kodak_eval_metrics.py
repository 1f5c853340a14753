"""PSNR and bpp against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kodak_eval.metrics import bits_per_pixel, ms_ssim_db, ms_ssim_rgb, mse, psnr_rgb, psnr_y_and_yuv


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


def test_plane_psnrs_match_hand_computed_values():
    reference = np.zeros((2, 2, 3), dtype=np.uint8)
    decoded = reference.copy()
    decoded[..., 1] = 10  # green +10 everywhere: Y +5.87, Cb -3.3126, Cr -4.1869 (BT.601 full range)
    dy, dcb, dcr = 5.87, -3.31264108, -4.18687589
    weighted = (6 * dy**2 + dcb**2 + dcr**2) / 8
    assert psnr_y_and_yuv(reference, decoded) == pytest.approx(
        (10 * math.log10(255**2 / dy**2), 10 * math.log10(255**2 / weighted)))


def test_ms_ssim_of_identical_and_degraded_images():
    rng = np.random.default_rng(0)
    reference = rng.integers(0, 256, (176, 168, 3), dtype=np.uint8)
    assert ms_ssim_rgb(reference, reference.copy()) == pytest.approx(1.0)
    noisy = np.clip(reference + rng.normal(0, 20, reference.shape), 0, 255).astype(np.uint8)
    assert 0.0 < ms_ssim_rgb(reference, noisy) < 0.99
    assert math.isnan(ms_ssim_rgb(reference[:100], reference[:100]))


@pytest.mark.parametrize("shape", [(176, 168), (161, 203), (240, 330)])  # odd sides: padded pooling
def test_ms_ssim_is_pytorch_msssims(shape):
    import torch
    from pytorch_msssim import ms_ssim

    rng = np.random.default_rng(shape[1])
    reference = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    for noise in (3, 20, 60):
        decoded = np.clip(reference + rng.normal(0, noise, reference.shape), 0, 255).astype(np.uint8)
        as_tensor = [torch.from_numpy(np.array(a, dtype=np.float64)).permute(2, 0, 1)[None] for a in (reference, decoded)]
        assert ms_ssim_rgb(reference, decoded) == pytest.approx(float(ms_ssim(*as_tensor, data_range=255)), abs=1e-12)


def test_ms_ssim_db():
    assert ms_ssim_db(0.99) == pytest.approx(20.0)
    assert ms_ssim_db(1.0) == math.inf
