"""RD curves from CompressAI-format results and the BD-rate between two of them.

BD-rate uses the ``bjontegaard`` package, which integrates the interpolated log-rate
curves over the overlapping quality range only. The main figure uses Akima
interpolation (``PRIMARY_METHOD``), which the package's authors found the most accurate
and stable; PCHIP (``SECONDARY_METHOD``), the interpolation of the JCT-VC/JVET
common-test-conditions sheet, is a check: a large gap between the two means the figure
is not to be trusted. MS-SSIM is compared in decibels, -10*log10(1 - MS-SSIM).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import bjontegaard
import numpy as np

from kodak_eval.metrics import ms_ssim_db

PRIMARY_METHOD = "akima"
SECONDARY_METHOD = "pchip"
RATE_KEY = "bpp"
# metric name -> the results keys that can hold it, each with the transform into the
# compared quality (some published files give MS-SSIM in dB already)
METRICS = {"psnr": (("psnr-rgb", float),), "psnr-yuv": (("psnr-yuv", float),),
           "ms-ssim": (("ms-ssim-rgb", ms_ssim_db), ("ms-ssim-db", float))}


@dataclass(frozen=True)
class Curve:
    """An RD curve: bpp and quality points (PSNR dB or MS-SSIM dB), sorted by quality."""

    name: str
    bpp: tuple[float, ...]
    quality: tuple[float, ...]

    @classmethod
    def from_results(cls, data: dict[str, Any], metric: str = "psnr") -> Curve | None:
        """The ``metric`` curve of a CompressAI-format dict; None without usable points."""
        results = data.get("results", {}) if isinstance(data, dict) else {}
        if not isinstance(results, dict):
            return None
        key, transform = next(((k, t) for k, t in METRICS[metric] if k in results), (None, float))
        rates, values = results.get(RATE_KEY), results.get(key)
        if not rates or not values or len(rates) != len(values):
            return None
        points = sorted((transform(v), r) for r, v in zip(rates, values)
                        if v is not None and math.isfinite(transform(v)) and r > 0)
        if not points:
            return None
        return cls(str(data.get("name", "?")), tuple(r for _, r in points), tuple(q for q, _ in points))

    def quality_at(self, bpp: float) -> float:
        """Quality at ``bpp``, linear in log-rate between the neighbouring points; NaN outside."""
        order = np.argsort(self.bpp)
        rates, qualities = np.log(np.array(self.bpp)[order]), np.array(self.quality)[order]
        target = math.log(bpp)
        if len(rates) < 2 or not rates[0] <= target <= rates[-1]:
            return math.nan
        return float(np.interp(target, rates, qualities))


def quality_overlap(anchor: Curve, test: Curve) -> float:
    """Overlap of the two quality ranges as a fraction of their union."""
    low, high = max(anchor.quality[0], test.quality[0]), min(anchor.quality[-1], test.quality[-1])
    union = max(anchor.quality[-1], test.quality[-1]) - min(anchor.quality[0], test.quality[0])
    return max(high - low, 0.0) / union if union > 0 else 0.0


def bd_rate(anchor: Curve | None, test: Curve | None, method: str = PRIMARY_METHOD) -> float:
    """BD-rate (%) of ``test`` against ``anchor``; NaN if it cannot be computed.

    NaN when a curve is missing or has fewer than 2 points, the quality ranges do not
    overlap, or the points cannot be interpolated (e.g. repeated quality values).
    """
    if anchor is None or test is None or min(len(anchor.quality), len(test.quality)) < 2:
        return math.nan
    if quality_overlap(anchor, test) == 0.0:
        return math.nan
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = bjontegaard.bd_rate(
                np.array(anchor.bpp), np.array(anchor.quality), np.array(test.bpp), np.array(test.quality),
                method=method, require_matching_points=False, min_overlap=0,
            )
    except (ValueError, AssertionError, ZeroDivisionError):
        return math.nan
    return float(value)
