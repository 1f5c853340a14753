"""Codec-independent image metrics: PSNR on 8-bit RGB and bits per pixel."""

from __future__ import annotations

import math

import numpy as np

PEAK_8BIT = 255.0


def mse(reference: np.ndarray, decoded: np.ndarray) -> float:
    """Mean squared error over all pixels and channels of two same-shape images."""
    if reference.shape != decoded.shape:
        raise ValueError(f"shape mismatch: {reference.shape} vs {decoded.shape}")
    difference = reference.astype(np.float64) - decoded.astype(np.float64)
    return float(np.mean(difference * difference))


def psnr_rgb(reference: np.ndarray, decoded: np.ndarray, peak: float = PEAK_8BIT) -> float:
    """PSNR in dB, 10*log10(peak^2 / MSE) over all pixels and channels; inf if identical."""
    error = mse(reference, decoded)
    if error == 0.0:
        return math.inf
    return 10.0 * math.log10(peak * peak / error)


def bits_per_pixel(num_bytes: int, width: int, height: int) -> float:
    """8 * num_bytes / (width * height)."""
    return 8.0 * num_bytes / (width * height)
