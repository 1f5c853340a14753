"""8-bit YUV 4:2:0 <-> RGB with the BT.601 limited-range matrix, as the test clips are stored.

Y spans 16..235 and Cb/Cr 16..240 around 128 (BT.601 "studio" range); the matrix is
``kodak_eval.color``'s BT.601 one, scaled into that range. Chroma sits at the centre of
each 2x2 luma block (y4m's ``C420jpeg``): downsampling takes the mean of the block,
upsampling interpolates bilinearly between block centres (weights 3/4 and 1/4 along each
axis, edges replicated). Results are rounded to 8 bits, as a file would store them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from kodak_eval.color import CHROMA_OFFSET, rgb_to_ycbcr, to_uint8, ycbcr_to_rgb

LUMA_FLOOR = 16.0
LUMA_SCALE = 219.0 / 255.0  # 0..255 full range -> 16..235
CHROMA_SCALE = 224.0 / 255.0  # -128..127 -> 16..240 around 128
NEAR, FAR = 0.75, 0.25  # bilinear weights of the nearer and farther chroma sample
LIMITED_SCALE = np.array([LUMA_SCALE, CHROMA_SCALE, CHROMA_SCALE])
LIMITED_OFFSET = np.array([LUMA_FLOOR, 0.0, 0.0]) + CHROMA_OFFSET * (1.0 - LIMITED_SCALE)


class Planes(NamedTuple):
    """One 4:2:0 frame: uint8 Y (H, W), U and V (H/2, W/2)."""

    y: np.ndarray
    u: np.ndarray
    v: np.ndarray


def split_planes(pixels: np.ndarray, width: int, height: int) -> Planes:
    """The Y, U and V planes of one frame stored planar (I420: Y, then U, then V) in ``pixels``."""
    flat = pixels.reshape(-1)
    luma, chroma = width * height, width * height // 4
    return Planes(flat[:luma].reshape(height, width), flat[luma:luma + chroma].reshape(height // 2, width // 2),
                  flat[luma + chroma:luma + 2 * chroma].reshape(height // 2, width // 2))


def downsample_chroma(plane: np.ndarray) -> np.ndarray:
    """Mean of each 2x2 block of an (H, W) plane with even sides, as float."""
    height, width = plane.shape
    return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))


def _upsample_rows(plane: np.ndarray) -> np.ndarray:
    padded = np.pad(plane, ((1, 1), (0, 0)), mode="edge")
    upper = NEAR * plane + FAR * padded[:-2]
    lower = NEAR * plane + FAR * padded[2:]
    return np.stack([upper, lower], axis=1).reshape(2 * plane.shape[0], plane.shape[1])


def upsample_chroma(plane: np.ndarray) -> np.ndarray:
    """An (H/2, W/2) centre-sited chroma plane to (H, W), bilinear, as float."""
    return _upsample_rows(_upsample_rows(plane.astype(np.float64)).T).T


def rgb_to_yuv420(rgb: np.ndarray) -> Planes:
    """uint8 (H, W, 3) RGB with even sides to BT.601 limited-range 4:2:0 planes."""
    ycbcr = rgb_to_ycbcr(rgb) * LIMITED_SCALE + LIMITED_OFFSET
    return Planes(to_uint8(ycbcr[..., 0]), to_uint8(downsample_chroma(ycbcr[..., 1])),
                  to_uint8(downsample_chroma(ycbcr[..., 2])))


def yuv420_to_rgb(planes: Planes) -> np.ndarray:
    """BT.601 limited-range 4:2:0 planes to uint8 (H, W, 3) RGB, chroma upsampled bilinearly."""
    ycbcr = np.stack([planes.y.astype(np.float64), upsample_chroma(planes.u), upsample_chroma(planes.v)], axis=2)
    return ycbcr_to_rgb((ycbcr - LIMITED_OFFSET) / LIMITED_SCALE)
