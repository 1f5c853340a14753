"""How latents are rounded: differentiable proxies while fitting, true rounding at the end.

``soft_round(x, t)`` is a smooth staircase that tends to ``round`` as the temperature t
falls to 0 (Agustsson and Theis, 2020). While fitting, a latent becomes
``soft_round(soft_round(x, t) + noise, t)`` with Gaussian noise of a given deviation;
at the end, and always when coding, it is ``round(x)``.
"""

from __future__ import annotations

import math

import torch


def soft_round(x: torch.Tensor, temperature: float) -> torch.Tensor:
    """The soft-rounding of x at a temperature (> 0)."""
    floor = torch.floor(x)
    scale = 0.5 / math.tanh(0.5 / temperature)
    return floor + scale * torch.tanh((x - floor - 0.5) / temperature) + 0.5


def noisy_soft_round(x: torch.Tensor, temperature: float, deviation: float) -> torch.Tensor:
    """The fitting proxy of ``round``: soft-round, add Gaussian noise, soft-round again."""
    noise = torch.randn_like(x) * deviation
    return soft_round(soft_round(x, temperature) + noise, temperature)
