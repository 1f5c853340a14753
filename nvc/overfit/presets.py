"""Qualities and efforts as data: quality -> lambda and architecture, effort -> iteration schedule."""

from __future__ import annotations

from dataclasses import replace

from nvc.overfit.config import OverfitConfig
from nvc.overfit.fit import Schedule

QUALITIES = range(1, OverfitConfig.quality_levels + 1)
# lambda of quality 1..8: MSE (on [0, 1]) + lambda * bits per pixel; geometric, from about
# 0.1 to about 1.5 bpp on Kodak.
LAMBDAS = tuple(0.016 / (160 ** (1 / 7)) ** (quality - 1) for quality in QUALITIES)

# From this quality up the ARM sees WIDE_CONTEXT neighbours instead of the base 8. On two
# 384x256 training-set crops at normal effort, 16 neighbours lowered the RD loss (MSE +
# lambda x bpp of the decoded stream) by 2.8% and 0.7% at quality 7, and raised it by 3.3%
# at quality 3, where its larger network costs more bits than it saves (8% more bits).
# Quality 5 lies between the two and was not tried; 16 neighbours with one hidden layer
# instead of two gained nothing at quality 7.
WIDE_CONTEXT_FROM = 5
WIDE_CONTEXT = 16


def architecture(base: OverfitConfig, quality: int) -> OverfitConfig:
    """The architecture fitted at ``quality`` (1-based) for the model's ``base`` sizes."""
    return replace(base, context=WIDE_CONTEXT) if quality >= WIDE_CONTEXT_FROM else base


def describe_architectures(base: OverfitConfig) -> str:
    """The architectures of every quality, in one line (for encoder identities)."""
    return f"{base}; context {WIDE_CONTEXT} from quality {WIDE_CONTEXT_FROM}"


EFFORTS: dict[str, Schedule] = {
    "fast": Schedule(main_iterations=600, final_iterations=100, warmup_candidates=3, warmup_survivors=1,
                     warmup_iterations=40),
    "normal": Schedule(main_iterations=2600, final_iterations=300, warmup_iterations=50),
    "slow": Schedule(main_iterations=9000, final_iterations=600, warmup_iterations=100),
}
DEFAULT_EFFORT = "normal"
ENCODER_VERSION = 1  # raise it whenever the fit or the quantization search changes what an effort produces
