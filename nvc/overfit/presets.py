"""Qualities and efforts as data: quality -> lambda, effort -> iteration schedule."""

from __future__ import annotations

from nvc.overfit.config import OverfitConfig
from nvc.overfit.fit import Schedule

QUALITIES = range(1, OverfitConfig.quality_levels + 1)
# lambda of quality 1..8: MSE (on [0, 1]) + lambda * bits per pixel; geometric, from about
# 0.1 to about 1.5 bpp on Kodak.
LAMBDAS = tuple(0.016 / (160 ** (1 / 7)) ** (quality - 1) for quality in QUALITIES)

EFFORTS: dict[str, Schedule] = {
    "fast": Schedule(main_iterations=600, final_iterations=100, warmup_candidates=3, warmup_survivors=1,
                     warmup_iterations=40),
    "normal": Schedule(main_iterations=2600, final_iterations=300, warmup_iterations=50),
    "slow": Schedule(main_iterations=9000, final_iterations=600, warmup_iterations=100),
}
DEFAULT_EFFORT = "normal"
ENCODER_VERSION = 1  # raise it whenever the fit or the quantization search changes what an effort produces
