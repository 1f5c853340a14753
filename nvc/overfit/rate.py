"""The rate of a latent under the entropy model's Laplace, in closed form.

A latent ``y`` with mean ``mu`` and scale ``b`` costs ``-log2 P`` bits, where P is the
Laplace mass of [y - 1/2, y + 1/2]. With ``a = |y - mu|``, ``e1 = exp(-|a - 1/2| / b)`` and
``e2 = exp(-(a + 1/2) / b)``:

    P = e1 / 2 - e2 / 2          if a >= 1/2
    P = 1 - e1 / 2 - e2 / 2      if a <  1/2

Only exponentials of non-positive numbers appear, so nothing overflows, and the
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


def log_scale(raw: torch.Tensor) -> torch.Tensor:
    """The log-scale of the Laplace for the network's raw output."""
    return torch.clamp(raw + LOG_SCALE_SHIFT, LOG_SCALE_MIN, LOG_SCALE_MAX)


def _mass_terms(x: torch.Tensor, raw: torch.Tensor):
    inverse = torch.exp(-log_scale(raw))
    a = x.abs()
    e1 = torch.exp(-(a - 0.5).abs() * inverse)
    e2 = torch.exp(-(a + 0.5) * inverse)
    mass = torch.where(a >= 0.5, 0.5 * e1, 1.0 - 0.5 * e1) - 0.5 * e2
    return a, inverse, e1, e2, mass


def laplace_bits(x: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
    """Bits of ``x = y - mu`` under the scale of ``raw`` (elementwise)."""
    return -torch.log2(_mass_terms(x, raw)[-1].clamp_min(_FLOOR))


def laplace_bits_and_slopes(x: torch.Tensor, raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Bits of ``x = y - mu`` under the scale of ``raw``, and their derivatives with respect
    to x and to raw (elementwise tensors of x's shape)."""
    a, inverse, e1, e2, mass = _mass_terms(x, raw)
    shifted = raw + LOG_SCALE_SHIFT
    floored = mass <= _FLOOR
    mass = mass.clamp_min(_FLOOR)
    slope = torch.where(floored, 0.0, -0.5 / _LN2 * inverse / mass)  # d bits / d P times 1 / 2b
    d_x = slope * (e2 - e1) * torch.sign(x)
    inside = (shifted > LOG_SCALE_MIN) & (shifted < LOG_SCALE_MAX)
    d_raw = torch.where(inside, slope * (e1 * (a - 0.5) - e2 * (a + 0.5)), 0.0)
    return -torch.log2(mass), d_x, d_raw
