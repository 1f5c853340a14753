"""RGB <-> YCbCr with the full-range BT.601 matrix (JPEG/JFIF), used everywhere kodak_eval needs YUV.

Video codecs (x265, SVT-AV1) are fed YCbCr made here, rounded to 8 bits; their decoded
YCbCr is turned back into RGB here too, so the conversion loss counts against them
exactly as it does in a real RGB-in, RGB-out pipeline. PSNR-Y and PSNR-YUV use the same
matrix. Chroma 4:2:0 resampling is left to libswscale (see ``codecs.video``).
"""

from __future__ import annotations

import numpy as np

# Rows give Y, Cb, Cr from R, G, B (ITU-T T.871, the JFIF form of BT.601).
RGB_TO_YCBCR = np.array(
    [[0.299, 0.587, 0.114],
     [-0.168735892, -0.331264108, 0.5],
     [0.5, -0.418687589, -0.081312411]]
)
YCBCR_TO_RGB = np.linalg.inv(RGB_TO_YCBCR)
CHROMA_OFFSET = np.array([0.0, 128.0, 128.0])


def rgb_to_ycbcr(rgb: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) RGB to float64 (H, W, 3) full-range YCbCr (0..255, chroma centred on 128)."""
    return rgb.astype(np.float64) @ RGB_TO_YCBCR.T + CHROMA_OFFSET


def ycbcr_to_rgb(ycbcr: np.ndarray) -> np.ndarray:
    """Full-range YCbCr (any numeric dtype, (H, W, 3)) back to uint8 RGB, rounded and clipped."""
    rgb = (ycbcr.astype(np.float64) - CHROMA_OFFSET) @ YCBCR_TO_RGB.T
    return to_uint8(rgb)


def to_uint8(values: np.ndarray) -> np.ndarray:
    """Round to nearest and clip into 0..255."""
    return np.clip(np.rint(values), 0, 255).astype(np.uint8)
