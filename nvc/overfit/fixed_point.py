"""The ARM in fixed point, as the coder needs it: the same integers on every machine.

The coded latents are integers and the ARM's parameters are integers times a power of two
(``weight_step = 2**-weight_shift``), so the whole network runs on integers: activations
carry ``FRACTION_BITS`` fractional bits, each layer's sum is exact and is floored back to
that precision (and clipped, to bound them). The sums are formed by float64 matrix products, which are exact (and so
independent of the summation order, threads and SIMD width) as long as every partial sum
is an integer below 2**53; the bounds below keep them under about 2**42 (16 inputs of at
most 2**22 times weights of at most 2**15, plus the bias and the residual). The outputs are the
mean in 1/256 units and the log-scale in 1/256 units, which index a table of scales
computed with correctly rounded arithmetic (``decimal``), so the range coder is driven
by the same numbers everywhere.
"""

from __future__ import annotations

import decimal
import functools
from dataclasses import dataclass

import numpy as np

from nvc.overfit.rate import LOG_SCALE_MAX, LOG_SCALE_MIN, LOG_SCALE_SHIFT

FRACTION_BITS = 8
ONE = 2**FRACTION_BITS
LOG_SCALE_LOW = round(LOG_SCALE_MIN * ONE)
LOG_SCALE_HIGH = round(LOG_SCALE_MAX * ONE)
MAX_WEIGHT_SHIFT = 12  # finest weight step 2**-12
LATENT_LIMIT = 2**10  # |latent| bound of the coder
ACTIVATION_LIMIT = float(2 ** (FRACTION_BITS + 14))  # hidden activations are clipped to [0, 2**14] (real units)


@functools.lru_cache(maxsize=1)
def scale_table() -> np.ndarray:
    """exp(i / 256) for every log-scale index, each correctly rounded to float64."""
    with decimal.localcontext() as context:
        context.prec = 40
        return np.array([float((decimal.Decimal(i) / ONE).exp()) for i in range(LOG_SCALE_LOW, LOG_SCALE_HIGH + 1)])


@dataclass(frozen=True)
class FixedPointArm:
    """Integer ARM parameters: hidden layers (weight, bias) and the output layer, all
    integers stored as float64, weights in units of 2**-weight_shift, biases in units of
    2**-(weight_shift + FRACTION_BITS)."""

    hidden: tuple[tuple[np.ndarray, np.ndarray], ...]
    out_weight: np.ndarray
    out_bias: np.ndarray
    weight_shift: int

    def __call__(self, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, context) integer latents -> (means in 1/256, log-scale table indices)."""
        divisor = float(2**self.weight_shift)
        x = contexts * float(ONE)
        for weight, bias in self.hidden:
            x = np.clip(np.floor((x @ weight.T + bias + x * divisor) / divisor), 0.0, ACTIVATION_LIMIT)
        out = np.floor((x @ self.out_weight.T + self.out_bias) / divisor)
        log_scale = np.clip(out[:, 1] + LOG_SCALE_SHIFT * ONE, LOG_SCALE_LOW, LOG_SCALE_HIGH)
        mean = np.clip(out[:, 0], -LATENT_LIMIT * ONE, LATENT_LIMIT * ONE)
        return mean, (log_scale - LOG_SCALE_LOW).astype(np.int64)


def coder_parameters(mean: np.ndarray, scale_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The float64 (mean, scale) the range coder takes, from the fixed-point outputs."""
    return mean / ONE, scale_table()[scale_index]
