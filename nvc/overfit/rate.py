"""The rate of a latent under the entropy model's Laplace, in closed form.

A latent ``y`` with mean ``mu`` and scale ``b`` costs ``-log2 P`` bits, where P is the
Laplace mass of [y - 1/2, y + 1/2]. With ``a = |y - mu|``, ``e1 = exp(-|a - 1/2| / b)`` and
``e2 = exp(-(a + 1/2) / b)``:

    P = e1 / 2 - e2 / 2          if a >= 1/2
    P = 1 - e1 / 2 - e2 / 2      if a <  1/2

Only exponentials of non-positive numbers appear (clamped at -80, far below what the
2**-16 floor lets matter), so nothing overflows or turns denormal, and the
derivatives share the same two exponentials: ``dP/da = -(e1 - e2) / 2b`` and
``dP/d(log b) = (e1 (a - 1/2) - e2 (a + 1/2)) / 2b``. P is floored at ``2**-MAX_BITS``, as the
coder's probabilities are. The scale is ``exp(clamp(raw + LOG_SCALE_SHIFT, LOG_SCALE_MIN,
LOG_SCALE_MAX))`` of the network's raw output: at a raw output of 0, a latent of 0 costs
almost nothing.
"""

from __future__ import annotations

import math

import torch

MAX_BITS = 16.0
LOG_SCALE_SHIFT = -4.0
LOG_SCALE_MIN, LOG_SCALE_MAX = -4.6, 5.0  # scales from 0.01 to 148
_LN2 = math.log(2.0)
_FLOOR = 2.0**-MAX_BITS
_EXP_FLOOR = -80.0  # exp() of arguments below this is slow on CPUs (near-denormal results) and irrelevant here


def log_scale(raw: torch.Tensor) -> torch.Tensor:
    """The log-scale of the Laplace for the network's raw output."""
    return torch.clamp(raw + LOG_SCALE_SHIFT, LOG_SCALE_MIN, LOG_SCALE_MAX)


def _mass_terms(x: torch.Tensor, raw: torch.Tensor):
    inverse = torch.exp(-log_scale(raw))
    a = x.abs()
    e1 = torch.exp((-(a - 0.5).abs() * inverse).clamp_min_(_EXP_FLOOR))
    e2 = torch.exp((-(a + 0.5) * inverse).clamp_min_(_EXP_FLOOR))
    centre = (a < 0.5).to(x.dtype)  # torch.where is several times slower than this arithmetic
    mass = centre + (0.5 - centre) * e1 - 0.5 * e2
    return a, inverse, e1, e2, mass


def laplace_bits(x: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    """Bits of ``x = y - mu`` under the scale of ``raw`` (elementwise)."""
    return -torch.log2(_mass_terms(x, raw)[-1].clamp_min(_FLOOR))


def laplace_bits_and_slopes(x: torch.Tensor, raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Bits of ``x = y - mu`` under the scale of ``raw``, and their derivatives with respect
    to x and to raw (elementwise tensors of x's shape)."""
    a, inverse, e1, e2, mass = _mass_terms(x, raw)
    shifted = raw + LOG_SCALE_SHIFT
    above = (mass > _FLOOR).to(x.dtype)
    mass = mass.clamp_min(_FLOOR)
    slope = (-0.5 / _LN2) * above * inverse / mass  # d bits / d P, times 1 / 2b
    d_x = slope * (e2 - e1) * torch.sign(x)
    inside = ((shifted > LOG_SCALE_MIN) & (shifted < LOG_SCALE_MAX)).to(x.dtype)
    d_raw = slope * inside * (e1 * (a - 0.5) - e2 * (a + 0.5))
    return -torch.log2(mass), d_x, d_raw
