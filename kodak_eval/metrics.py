"""Image metrics on 8-bit RGB: bits per pixel, PSNR-RGB, PSNR-Y, PSNR-YUV and MS-SSIM.

PSNR-RGB is the MSE over all pixels and the three channels, per image, as CompressAI
computes it (and averages it over images). PSNR-Y and PSNR-YUV work on full-range BT.601
YCbCr computed in float from both images (``color.rgb_to_ycbcr``); PSNR-YUV weighs the
per-plane MSE 6:1:1, as JVET's common test conditions do. MS-SSIM is pytorch-msssim's,
computed in NumPy (``kodak_eval.ms_ssim``).
"""

from __future__ import annotations

import math

import numpy as np

from kodak_eval.color import rgb_to_ycbcr
from kodak_eval.ms_ssim import ms_ssim

PEAK_8BIT = 255.0
YUV_WEIGHTS = (6.0, 1.0, 1.0)
# MS-SSIM downsamples 4 times with an 11-pixel window: smaller sides cannot be scored.
MS_SSIM_MIN_SIDE = 161


def bits_per_pixel(num_bytes: int, width: int, height: int) -> float:
    """8 * num_bytes / (width * height)."""
    return 8.0 * num_bytes / (width * height)


def _check_shapes(reference: np.ndarray, decoded: np.ndarray) -> None:
    if reference.shape != decoded.shape:
        raise ValueError(f"shape mismatch: {reference.shape} vs {decoded.shape}")


def mse(reference: np.ndarray, decoded: np.ndarray) -> float:
    """Mean squared error over all pixels and channels of two same-shape arrays."""
    _check_shapes(reference, decoded)
    difference = reference.astype(np.float64) - decoded.astype(np.float64)
    return float(np.mean(difference * difference))


def psnr_from_mse(error: float, peak: float = PEAK_8BIT) -> float:
    """10*log10(peak^2 / error); inf for a zero error."""
    return math.inf if error == 0.0 else 10.0 * math.log10(peak * peak / error)


def psnr_rgb(reference: np.ndarray, decoded: np.ndarray) -> float:
    """PSNR in dB over all pixels and channels of two uint8 RGB images."""
    return psnr_from_mse(mse(reference, decoded))


def plane_mses(reference: np.ndarray, decoded: np.ndarray) -> tuple[float, float, float]:
    """MSE of the Y, Cb and Cr planes (full-range BT.601, float) of two uint8 RGB images."""
    _check_shapes(reference, decoded)
    difference = rgb_to_ycbcr(reference) - rgb_to_ycbcr(decoded)
    y, cb, cr = (float(np.mean(difference[..., plane] ** 2)) for plane in range(3))
    return y, cb, cr


def psnr_y_and_yuv(reference: np.ndarray, decoded: np.ndarray) -> tuple[float, float]:
    """PSNR of the luma plane, and of the 6:1:1-weighted mean of the Y, Cb and Cr plane
    MSEs, in dB (both from one conversion of the images to YCbCr)."""
    mses = plane_mses(reference, decoded)
    return psnr_from_mse(mses[0]), psnr_from_mse(sum(w * m for w, m in zip(YUV_WEIGHTS, mses)) / sum(YUV_WEIGHTS))


def ms_ssim_rgb(reference: np.ndarray, decoded: np.ndarray) -> float:
    """MS-SSIM (as pytorch-msssim computes it, data range 255, in float64) of two uint8 RGB
    images; NaN when a side is shorter than ``MS_SSIM_MIN_SIDE`` pixels."""
    _check_shapes(reference, decoded)
    if min(reference.shape[:2]) < MS_SSIM_MIN_SIDE:
        return math.nan
    return ms_ssim(reference, decoded, PEAK_8BIT)


def ms_ssim_db(value: float) -> float:
    """MS-SSIM on the usual decibel scale, -10*log10(1 - value)."""
    return math.inf if value >= 1.0 else -10.0 * math.log10(1.0 - value)
