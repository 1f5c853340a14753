"""Per-frame quality of a decoded frame against the source: PSNR of Y, U, V, YUV 6:1:1 and RGB.

Plane PSNRs compare the decoded 4:2:0 planes with the source planes; PSNR-RGB compares
RGB made from both with ``yuv.yuv420_to_rgb`` (for nvc, whose output is RGB, the decoded
RGB itself). PSNR-YUV is (6 Y + U + V) / 8 of the three plane PSNRs of the frame, the
video convention (JVET and DCVC report it so); the image evaluation instead weights the
MSEs. A clip's figure is the mean over its frames of the per-frame PSNR. A perfect frame
scores ``MAX_PSNR`` rather than infinity, so that means stay finite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kodak_eval.metrics import YUV_WEIGHTS, mse, psnr_from_mse
from kodak_eval.video.yuv import Planes

MAX_PSNR = 100.0  # dB, for identical planes


@dataclass(frozen=True)
class FrameQuality:
    """PSNRs (dB) of one decoded frame."""

    y: float
    u: float
    v: float
    yuv: float
    rgb: float


def capped_psnr(reference: np.ndarray, decoded: np.ndarray) -> float:
    """PSNR (dB, 8-bit peak) of two same-shape arrays, at most ``MAX_PSNR``."""
    return min(psnr_from_mse(mse(reference, decoded)), MAX_PSNR)


def weighted_yuv(y: float, u: float, v: float) -> float:
    """The 6:1:1 weighted mean of the plane PSNRs."""
    return sum(weight * value for weight, value in zip(YUV_WEIGHTS, (y, u, v))) / sum(YUV_WEIGHTS)


def frame_quality(source: Planes, source_rgb: np.ndarray, decoded: Planes, decoded_rgb: np.ndarray) -> FrameQuality:
    """All PSNRs of one frame."""
    y, u, v = (capped_psnr(reference, plane) for reference, plane in zip(source, decoded))
    return FrameQuality(y, u, v, weighted_yuv(y, u, v), capped_psnr(source_rgb, decoded_rgb))
