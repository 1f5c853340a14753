"""MS-SSIM as pytorch-msssim computes it (``ms_ssim(X, Y, data_range=255)`` on float64
tensors), in NumPy and SciPy: the same 11-tap Gaussian window (sigma 1.5), constants,
scale weights and 2x2 average pooling. Only the order of the arithmetic differs (and
sigma_x^2 + sigma_y^2 comes from one blur of x^2 + y^2), so values agree to about 1e-14;
this is several times faster on one core, torch's float64 convolutions being slow
(``tests/kodak_eval/test_kodak_eval_metrics.py`` compares the two).
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.ndimage import correlate1d

WINDOW_SIZE, WINDOW_SIGMA = 11, 1.5
K1, K2 = 0.01, 0.03
SCALE_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


@functools.cache
def gaussian_window(size: int = WINDOW_SIZE, sigma: float = WINDOW_SIGMA) -> np.ndarray:
    """pytorch-msssim's normalised 1-D Gaussian, made as it makes it (float32 torch), as float64."""
    import torch

    coords = torch.arange(size, dtype=torch.float32) - size // 2
    window = torch.exp(-(coords**2) / (2 * sigma**2))
    return (window / window.sum()).double().numpy()


def blur(planes: np.ndarray, window: np.ndarray) -> np.ndarray:
    """(C, H, W) filtered along both axes, keeping only the positions where the window fits ("valid")."""
    half = len(window) // 2
    across = correlate1d(planes, window, axis=2)[:, :, half:-half]
    return correlate1d(across, window, axis=1)[:, half:-half, :]


def average_pool(planes: np.ndarray) -> np.ndarray:
    """2x2 mean of (C, H, W) planes; an odd side is zero-padded by one on both ends first
    (torch's ``avg_pool2d(kernel_size=2, padding=side % 2)``, padding counted)."""
    padded = np.pad(planes, [(0, 0)] + [(side % 2, side % 2) for side in planes.shape[1:]])
    height, width = padded.shape[1] // 2 * 2, padded.shape[2] // 2 * 2
    padded = padded[:, :height, :width]
    return (padded[:, 0::2, 0::2] + padded[:, 0::2, 1::2] + padded[:, 1::2, 0::2] + padded[:, 1::2, 1::2]) / 4


def ms_ssim(reference: np.ndarray, decoded: np.ndarray, data_range: float = 255.0) -> float:
    """MS-SSIM of two (H, W, C) images, averaged over channels; each side must exceed
    ``(WINDOW_SIZE - 1) * 2**4`` pixels (the four halvings).

    Each scale contributes the mean of its contrast-structure map, the last one the mean
    of its SSIM map. sigma_x^2 + sigma_y^2 comes from one blur of x^2 + y^2 (the filter
    is linear), saving one of five blurs per scale.
    """
    x = np.moveaxis(reference.astype(np.float64), 2, 0)
    y = np.moveaxis(decoded.astype(np.float64), 2, 0)
    window = gaussian_window()
    c1, c2 = (K1 * data_range) ** 2, (K2 * data_range) ** 2
    factors = []
    for level in range(len(SCALE_WEIGHTS)):
        mu_x, mu_y = blur(x, window), blur(y, window)
        mu_xy, mu_squares = mu_x * mu_y, mu_x * mu_x + mu_y * mu_y
        variances = blur(x * x + y * y, window) - mu_squares
        covariance = blur(x * y, window) - mu_xy
        contrast = (2 * covariance + c2) / (variances + c2)
        if level < len(SCALE_WEIGHTS) - 1:
            factors.append(np.maximum(contrast.mean(axis=(1, 2)), 0))
            x, y = average_pool(x), average_pool(y)
    ssim = (2 * mu_xy + c1) / (mu_squares + c1) * contrast
    factors.append(np.maximum(ssim.mean(axis=(1, 2)), 0))
    weights = np.array(SCALE_WEIGHTS)[:, None]
    return float(np.prod(np.stack(factors) ** weights, axis=0).mean())
